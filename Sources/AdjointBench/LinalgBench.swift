import Adjoint
import AdjointLinalg
import Foundation
import CAdjointBLAS
import CAdjointBLASEntry
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Benchmarks of the matrix path (issue 5). Each prints JSON lines; run in release with
// single-threaded BLAS: `swift build -c release --product AdjointBench && OPENBLAS_NUM_THREADS=1 .build/release/AdjointBench`.

/// Median wall time of `body` in milliseconds over `runs` runs, after two warm-up runs.
private func medianMilliseconds(runs: Int, _ body: () throws -> Void) rethrows -> Double {
    try body(); try body()
    var times: [Double] = []
    for _ in 0..<runs {
        let start = ContinuousClock.now
        try body()
        times.append(milliseconds(ContinuousClock.now - start))
    }
    return median(times)
}

private func milliseconds(_ d: Duration) -> Double {
    Double(d.components.seconds) * 1e3 + Double(d.components.attoseconds) * 1e-15
}

private func median(_ xs: [Double]) -> Double {
    let s = xs.sorted()
    return s.isEmpty ? .nan : s[s.count / 2]
}


/// Runs `a` and `b` alternately and returns their median times and the median of the per-pair
/// ratios b/a. Adjacent runs see the same machine load (other processes share the 2 cores), so
/// the paired ratio is stable even when absolute times drift.
private func paired(runs: Int, _ a: () throws -> Void, _ b: () throws -> Void) rethrows -> (a: Double, b: Double, ratio: Double) {
    try a(); try b()
    var ta: [Double] = [], tb: [Double] = [], r: [Double] = []
    for _ in 0..<runs {
        let t0 = ContinuousClock.now
        try a()
        let t1 = ContinuousClock.now
        try b()
        let t2 = ContinuousClock.now
        let (x, y) = (milliseconds(t1 - t0), milliseconds(t2 - t1))
        ta.append(x); tb.append(y); r.append(y / x)
    }
    return (median(ta), median(tb), median(r))
}

/// An MLP of `depth` square layers of `width`, tanh hidden layers, linear output, MSE against a
/// seeded target: its forward loss and its loss-and-gradient as closures. `training`: each
/// gradient is written into the previous step's arrays (``MLP/lossAndGradient(input:loss:into:)``),
/// as a training loop does; otherwise the allocating call returns fresh arrays.
private func mlpTask<S: LinalgScalar>(_: S.Type, batch: Int, width: Int, depth: Int, training: Bool = false,
                                      activation: Op = .tanh) throws
-> (forward: () throws -> Void, gradient: () throws -> Void) {
    let net = try MLP<S>(layerSizes: Array(repeating: width, count: depth + 1), activation: activation, seed: 5)
    var g = SeededGenerator(seed: 6)
    let x = try Matrix<S>.random(batch, width, in: -1...1, using: &g)
    let y = try Matrix<S>.random(batch, width, in: -1...1, using: &g)
    let loss = MLPLoss<S>.elementwise(.mse, target: y)
    var gradients: [LayerParameters<S>] = []
    let forward = { _ = try net.loss(input: x, loss: loss) }
    if training { return (forward, { _ = try net.lossAndGradient(input: x, loss: loss, into: &gradients) }) }
    return (forward, { _ = try net.lossAndGradient(input: x, loss: loss) })
}

private func mlpTrainingTask<S: LinalgScalar>(_ s: S.Type, batch: Int, width: Int, depth: Int) throws
-> (forward: () throws -> Void, gradient: () throws -> Void) {
    try mlpTask(s, batch: batch, width: width, depth: depth, training: true)
}

/// The same MLP written elementwise over any scalar, for the scalar tape: parameters are
/// [W₁ (row-major in×out), b₁, W₂, b₂, …].
private func scalarMLPLoss<T: ADScalar>(_ p: [T], x: [Double], y: [Double], batch: Int, width: Int, depth: Int) -> T {
    var h = x.map { T($0) }
    var offset = 0
    for l in 0..<depth {
        var next = [T](repeating: 0, count: batch * width)
        let bOffset = offset + width * width
        for s in 0..<batch {
            for o in 0..<width {
                var a = p[bOffset + o]
                for i in 0..<width { a = a + h[s * width + i] * p[offset + i * width + o] }
                next[s * width + o] = l == depth - 1 ? a : T.tanh(a)
            }
        }
        h = next
        offset = bOffset + width
    }
    var total: T = 0
    for k in 0..<h.count {
        let d = h[k] - T(y[k])
        total = total + d * d
    }
    return total / T(h.count)
}

typealias MLPTask = (forward: () throws -> Void, gradient: () throws -> Void)

/// The depth-8 MLP's figures in Double and Float under `name` (`<name>_ms`,
/// `<name>_over_forward`, `<name>_f32_ms`, …); returns the two tasks.
private func depth8Figures(name: String, training: Bool) throws -> (MLPTask, MLPTask) {
    let d8 = try mlpTask(Double.self, batch: 64, width: 256, depth: 8, training: training)
    let f8 = try mlpTask(Float.self, batch: 64, width: 256, depth: 8, training: training)
    for (task, suffix) in [(d8, ""), (f8, "_f32")] {
        let (forward, gradient, ratio) = try paired(runs: 41, task.forward, task.gradient)
        emit("\(name)_over_forward\(suffix)", ratio, "ratio")
        emit("\(name)\(suffix)_ms", gradient, "ms")
        if training { emit("mlp_forward\(suffix)_ms", forward, "ms") }
    }
    return (d8, f8)
}

func runLinalgBenchmarks() {
    BLAS.setThreadCount(1)
    reportBLASCore()
    emit("blas_dgemm_gflops", referenceGemmGFLOPs(), "GFLOP/s")
    do {
        // The gradient as a training loop takes it, every step into the last step's arrays
        // (MLP.lossAndGradient(input:loss:into:)): the figures the goals are about. Then the
        // allocating call, whose returned gradients are fresh memory every time: glibc gives freed
        // large blocks back to the OS, so the BLAS page-faults them in again (how many depends on
        // the heap's history; JAX shows the same two speeds when its outputs fault).
        let (t8, t8f) = try depth8Figures(name: "mlp_gradient", training: true)
        freshProcessFigures(inProcess: t8f)
        _ = try depth8Figures(name: "mlp_gradient_fresh_arrays", training: false)
        try elementwiseBeforeAfter(d8: t8, f8: t8f)
        try activationsAgainstTanh(tanh: t8f)
        geluPerElement(Float.self, "f32")
        geluPerElement(Double.self, "f64")
        try compareBLASCores(d8: t8, f8: t8f)
        // Linear in depth: each doubling of the depth should double the gradient time (ratio ≈ 2).
        let d4 = try mlpTrainingTask(Double.self, batch: 64, width: 256, depth: 4)
        let d16 = try mlpTrainingTask(Double.self, batch: 64, width: 256, depth: 16)
        let (t4, _, r8over4) = try paired(runs: 31, d4.gradient, t8.gradient)
        let (_, t16, r16over8) = try paired(runs: 21, t8.gradient, d16.gradient)
        emit("mlp_gradient_ms_depth4", t4, "ms")
        emit("mlp_gradient_ms_depth16", t16, "ms")
        emit("mlp_gradient_depth8_over_depth4", r8over4, "ratio")
        emit("mlp_gradient_depth16_over_depth8", r16over8, "ratio")
        let d32 = try mlpTrainingTask(Double.self, batch: 64, width: 256, depth: 32)
        emit("mlp_gradient_depth32_over_depth16", try paired(runs: 15, d16.gradient, d32.gradient).ratio, "ratio")

        // Matrix path against the scalar tape on a small MLP.
        let (batch, width, depth) = (8, 32, 4)
        let net = try MLP<Double>(layerSizes: Array(repeating: width, count: depth + 1), activation: .tanh, seed: 5)
        var g = SeededGenerator(seed: 6)
        let x = try Matrix<Double>.random(batch, width, in: -1...1, using: &g)
        let y = try Matrix<Double>.random(batch, width, in: -1...1, using: &g)
        let flat = net.layers.flatMap { $0.weights.elements + $0.bias.elements }
        let matrixMs = try medianMilliseconds(runs: 101) {
            _ = try net.lossAndGradient(input: x, loss: .elementwise(.mse, target: y))
        }
        let xs = x.elements, ys = y.elements
        let scalarMs = try medianMilliseconds(runs: 11) {
            _ = try gradient(of: { (p: [Reverse<Double>]) in
                scalarMLPLoss(p, x: xs, y: ys, batch: batch, width: width, depth: depth)
            }, at: flat)
        }
        emit("mlp_matrix_over_scalar_tape", scalarMs / matrixMs, "speedup")
        emit("mlp_small_matrix_gradient_ms", matrixMs, "ms")
        emit("mlp_small_scalar_tape_gradient_ms", scalarMs, "ms")
    } catch {
        print("# linalg benchmark failed: \(error)")
    }
}

/// The matrix path's fast paths (vectorised elementwise kernels, fused bias + activation, buffer
/// reuse in plain evaluation) against the path they replaced, timed in one run, interleaved
/// (A, B, A, B, …) so machine load hits both alike: `_fast_paths_off` figures are the "before".
private func elementwiseBeforeAfter(d8: (forward: () throws -> Void, gradient: () throws -> Void),
                                    f8: (forward: () throws -> Void, gradient: () throws -> Void)) throws {
    func fastPathsOff(_ body: @escaping () throws -> Void) -> () throws -> Void {
        { MatrixFastPaths.isOn = false; defer { MatrixFastPaths.isOn = true }; try body() }
    }
    let f32 = try paired(runs: 31, f8.gradient, fastPathsOff(f8.gradient))
    emit("mlp_gradient_f32_ms_fast_paths_on", f32.a, "ms")
    emit("mlp_gradient_f32_ms_fast_paths_off", f32.b, "ms")
    emit("mlp_gradient_f32_off_over_on", f32.ratio, "ratio")
    let f64 = try paired(runs: 31, d8.gradient, fastPathsOff(d8.gradient))
    emit("mlp_gradient_ms_fast_paths_on", f64.a, "ms")
    emit("mlp_gradient_ms_fast_paths_off", f64.b, "ms")
    let forward = try paired(runs: 31, d8.forward, fastPathsOff(d8.forward))
    emit("mlp_forward_ms_fast_paths_off", forward.b, "ms")
    emit("mlp_gradient_over_forward_fast_paths_off", f64.b / forward.b, "ratio")
}

/// The depth-8 f32 training step with each hidden activation against the same step with tanh,
/// paired: near 1 where the activation and its derivative have vectorised kernels (tanh, σ, relu,
/// leaky ReLU, swish, ELU, softplus, and GELU's erfc since 2026-12-06), above it where the scalar
/// rule runs per element (GELU before: glibc's erf and erfc, 1.53–1.76).
private func activationsAgainstTanh(tanh: (forward: () throws -> Void, gradient: () throws -> Void)) throws {
    for activation in [Op.sigmoid, .relu, .swish, .elu, .softplus, .gelu] {
        let task = try mlpTask(Float.self, batch: 64, width: 256, depth: 8, training: true, activation: activation)
        emit("mlp_gradient_f32_\(activation.info.name)_over_tanh", try paired(runs: 15, tanh.gradient, task.gradient).ratio, "ratio")
    }
}

/// GELU's primal and derivative (times a cotangent) per element on the matrix path, the kernels
/// against the registry's scalar rule (the fast paths off), over 64 × 256 preactivations in
/// [−3, 3], in place as the MLP's step runs them; paired, medians of 41.
private func geluPerElement<T: LinalgScalar>(_: T.Type, _ label: String) {
    let n = 64 * 256
    var g = SeededGenerator(seed: 12)
    let x = (0..<n).map { _ in T(Double.random(in: -3...3, using: &g)) }
    let s = (0..<n).map { _ in T(Double.random(in: -1...1, using: &g)) }
    var z = x, d = s
    let map = {
        _ = x.withUnsafeBufferPointer { xp in z.withUnsafeMutableBufferPointer {
            T.kernelMap(.inPackage, .gelu, exponent: 0, parameter: 0, node: nil, xp, into: $0)
        } }
    }
    let chain = {
        x.withUnsafeBufferPointer { xp in z.withUnsafeBufferPointer { zp in s.withUnsafeBufferPointer { sp in
            d.withUnsafeMutableBufferPointer {
                T.kernelChain(.inPackage, .gelu, .cotangent, exponent: 0, parameter: 0, x: xp, z: zp, sp, into: $0)
            }
        } } }
    }
    func scalar(_ body: @escaping () -> Void) -> () -> Void {
        { MatrixFastPaths.isOn = false; defer { MatrixFastPaths.isOn = true }; body() }
    }
    let perElement = 1e6 / Double(n)   // ms per call to ns per element
    let primal = paired(runs: 41, map, scalar(map)), partial = paired(runs: 41, chain, scalar(chain))
    emit("gelu_\(label)_kernel_ns_per_element", primal.a * perElement, "ns")
    emit("gelu_\(label)_scalar_ns_per_element", primal.b * perElement, "ns")
    emit("gelu_\(label)_derivative_kernel_ns_per_element", partial.a * perElement, "ns")
    emit("gelu_\(label)_derivative_scalar_ns_per_element", partial.b * perElement, "ns")
}

/// The depth-8 f32 training step in a process of its own whose first product is that step's
/// sgemm (`AdjointBench mlp-loop 2 tanh 1`), against the same step here, after the reference
/// dgemm. Until the library mapped OpenBLAS's work buffers itself (BLAS.mapWorkBuffersOnce) the
/// two differed 2.4× on a Zen 1 VM (15.6 against 6.5 ms): the dgemm had mapped pages the sgemm
/// kernel prefetches, so this group's own figures never showed what a user's f32 program got.
private func freshProcessFigures(inProcess task: MLPTask) {
    let here = medianSeconds(runs: 41) { try? task.gradient() } * 1e3
    let child = Process()
    // This very binary, however it was started (argv[0] may be a bare name found on PATH).
    child.executableURL = URL(fileURLWithPath: Bundle.main.executablePath ?? CommandLine.arguments[0])
    child.arguments = ["mlp-loop", "2", "tanh", "1"]
    let pipe = Pipe()
    child.standardOutput = pipe
    do {
        try child.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        child.waitUntilExit()
        guard child.terminationStatus == 0,
              let line = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let fresh = line["step_ms_median"] as? Double else {
            print("# mlp-loop child gave no step time (status \(child.terminationStatus))")
            return
        }
        emit("mlp_gradient_f32_fresh_process_ms", fresh, "ms")
        emit("mlp_gradient_f32_fresh_process_over_in_process", fresh / here, "ratio")
    } catch {
        print("# could not start mlp-loop: \(error)")
    }
}

/// Prints which OpenBLAS core runs and why, as one JSON line with string fields.
private func reportBLASCore() {
    let core = BLAS.coreName ?? "not OpenBLAS"
    let reason: String
    switch adjoint_entry_blas_selection() {
    case adjoint_blas_kept_environment:
        reason = "OPENBLAS_CORETYPE=\(String(cString: getenv("OPENBLAS_CORETYPE"))) in the environment (left as set)"
    case adjoint_blas_switched:
        reason = "switched before main from \(BLAS.coreBeforeSwitch ?? "?") (CPUID)"
    case adjoint_blas_kept_best:
        reason = "OpenBLAS's own detection (already the best core the CPU supports)"
    default:
        reason = "no switch possible (not OpenBLAS with DYNAMIC_ARCH, or not x86-64)"
    }
    print("{\"benchmark\": \"blas_core\", \"value\": \"\(core)\", \"unit\": \"name\", \"chosen_by\": \"\(reason)\", "
          + "\"best_core_cpu_supports\": \"\(BLAS.preferredCore ?? "generic")\"}")
}

/// GFLOP/s of one single-threaded dgemm of the MLP's shape (64×256 · 256×256), best of 30 runs,
/// with whatever core OpenBLAS runs now.
private func referenceGemmGFLOPs() -> Double {
    let (m, n, k) = (64, 256, 256)
    var g = SeededGenerator(seed: 11)
    guard let a = try? Matrix<Double>.random(m, k, in: -1...1, using: &g),
          let b = try? Matrix<Double>.random(k, n, in: -1...1, using: &g) else { return .nan }
    var best = Double.infinity
    for _ in 0..<32 {
        let start = ContinuousClock.now
        blackHole(try? a.matmul(b))
        best = Swift.min(best, milliseconds(ContinuousClock.now - start))
    }
    return 2.0 * Double(m * n * k) / (best * 1e-3) / 1e9
}

/// The reference dgemm and the depth-8 MLP on every core this CPU supports (switching OpenBLAS's
/// core for the measurement only, then restoring it): `blas_dgemm_gflops_over_best` is the core
/// in use against the fastest one, the issue's "≥ 80% of the best core" figure.
private func compareBLASCores(d8: (forward: () throws -> Void, gradient: () throws -> Void),
                              f8: (forward: () throws -> Void, gradient: () throws -> Void)) throws {
    guard let inUse = BLAS.coreName else { return }
    let inUseGFLOPs = referenceGemmGFLOPs()
    var best = inUseGFLOPs
    for core in ["Prescott", "Haswell", "SkylakeX"] where adjoint_blas_force_core(core) {
        let gflops = referenceGemmGFLOPs()
        emit("blas_dgemm_gflops_core_\(core)", gflops, "GFLOP/s")
        best = Swift.max(best, gflops)
        emit("mlp_gradient_f32_ms_core_\(core)", try paired(runs: 21, f8.forward, f8.gradient).b, "ms")
        emit("mlp_gradient_over_forward_core_\(core)", try paired(runs: 21, d8.forward, d8.gradient).ratio, "ratio")
    }
    _ = adjoint_blas_force_core(inUse)
    emit("blas_dgemm_gflops_over_best", inUseGFLOPs / best, "ratio")
}
