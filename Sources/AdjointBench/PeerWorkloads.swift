import Adjoint
import Foundation

// The Adjoint side of `make bench-peers` (Sources/AdjointBench/peers/bench_peers.py runs the
// JAX, PyTorch and numdifftools side of the same workloads and prints the ratios). Each line is
// {"workload", "seconds"} for one workload, a median of timed runs after a warm-up; the Python
// side defines the same workloads with the same sizes, data and formulas (see that script).

/// The vector function of the Jacobian workloads, with m outputs of n inputs:
/// yᵢ = sin(x[i mod n])·x[(i + 1) mod n] + log(1 + x[7i mod n]²).
struct PeerVectorFunction: ADFunction {
    let outputs: Int
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
        let n = x.count
        return (0..<outputs).map { i in sin(x[i % n]) * x[(i + 1) % n] + log(1 + x[(7 * i) % n] * x[(7 * i) % n]) }
    }
}

/// Inputs of every scalar workload: xᵢ = 0.5 + 0.001·(i mod 1000), as `make bench`'s f uses.
func peerPoint(_ n: Int) -> [Double] { (0..<n).map { 0.5 + 0.001 * Double($0 % 1000) } }

private func emitWorkload(_ name: String, _ seconds: Double) {
    print("{\"workload\": \"\(name)\", \"seconds\": \(seconds)}")
    fflush(nil)
}

/// The MLP workload: batch 64, width 256, `depth` tanh layers but a linear last one, MSE against
/// a target; inputs and targets uniform in [−1, 1]. Times loss + gradient of every parameter.
private func mlpGradientSeconds<S: LinalgScalar>(_: S.Type, depth: Int) throws -> Double {
    let net = try MLP<S>(layerSizes: Array(repeating: 256, count: depth + 1), activation: .tanh, seed: 5)
    var g = SeededGenerator(seed: 6)
    let x = try Matrix<S>.random(64, 256, in: -1...1, using: &g)
    let y = try Matrix<S>.random(64, 256, in: -1...1, using: &g)
    let runs = depth >= 16 ? 9 : 21
    // A training loop's step, as the peers run it: XLA's and PyTorch's allocators hand a step
    // the memory of the last one, which `into:` does for Adjoint (fresh arrays page-fault).
    var gradients: [LayerParameters<S>] = []
    return medianSeconds(runs: runs) {
        blackHole(try? net.lossAndGradient(input: x, loss: .elementwise(.mse, target: y), into: &gradients))
    }
}

/// The peers' depth-8 f32 training step repeated for `seconds`, for a sampling profiler, on
/// `threads` BLAS threads (with more than one, each gemm of the backward pass also scans its
/// operands for a product below the range, see `Matrix.gemm`).
func runMLPLoop(seconds: Double, activation name: String, threads: Int = 1) {
    BLAS.setThreadCount(Swift.max(1, threads))
    guard let activation = Op.allCases.first(where: { $0.info.name == name }) else {
        print("mlp-loop: no op named \(name)")
        return
    }
    do {
        let net = try MLP<Float>(layerSizes: Array(repeating: 256, count: 9), activation: activation, seed: 5)
        var g = SeededGenerator(seed: 6)
        let x = try Matrix<Float>.random(64, 256, in: -1...1, using: &g)
        let y = try Matrix<Float>.random(64, 256, in: -1...1, using: &g)
        var gradients: [LayerParameters<Float>] = []
        let clock = ContinuousClock(), start = clock.now
        var steps = 0
        var times: [Double] = []
        while clock.now - start < .milliseconds(Int(seconds * 1000)) {
            let t0 = DispatchTime.now().uptimeNanoseconds
            blackHole(try net.lossAndGradient(input: x, loss: .elementwise(.mse, target: y), into: &gradients))
            times.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
            steps += 1
        }
        times.sort()
        let ms = { (q: Double) in times.isEmpty ? 0 : times[Swift.min(times.count - 1, Int(q * Double(times.count)))] }
        print("{\"steps\": \(steps), \"seconds\": \(seconds), \"step_ms_min\": \(ms(0)), \"step_ms_median\": \(ms(0.5)), "
              + "\"step_ms_p90\": \(ms(0.9)), \"step_ms_max\": \(ms(1))}")
    } catch {
        print("mlp-loop failed: \(error)")
    }
}

func runJacobianLoop(outputs m: Int, inputs n: Int, seconds: Double) {
    let f = PeerVectorFunction(outputs: m), x = peerPoint(n)
    let clock = ContinuousClock(), start = clock.now
    var calls = 0
    while clock.now - start < .milliseconds(Int(seconds * 1000)) {
        blackHole(try? jacobian(of: f, at: x))
        calls += 1
    }
    print("{\"calls\": \(calls), \"seconds\": \(seconds), \"us_per_call\": \(seconds * 1e6 / Double(calls))}")
}

func runPeerWorkloads() {
    BLAS.setThreadCount(1)
    let x5 = peerPoint(100_000)
    emitWorkload("scalar_f_plain_n100000", medianSeconds(runs: 15) { blackHole(benchF(x5)) })
    emitWorkload("scalar_f_gradient_n100000", medianSeconds(runs: 15) { blackHole(try? gradient(of: benchF, at: x5)) })
    let x100 = peerPoint(100)
    emitWorkload("scalar_f_gradient_n100", medianSeconds(runs: 101) { blackHole(try? gradient(of: benchF, at: x100)) })
    for (m, n) in [(1000, 1), (1, 1000), (100, 100)] {
        let f = PeerVectorFunction(outputs: m)
        let x = peerPoint(n)
        emitWorkload("jacobian_\(m)x\(n)", medianSeconds(runs: 21) { blackHole(try? jacobian(of: f, at: x)) })
    }
    do {
        for depth in [1, 2, 4, 8, 16, 32] {
            emitWorkload("mlp_gradient_f32_depth\(depth)", try mlpGradientSeconds(Float.self, depth: depth))
            emitWorkload("mlp_gradient_f64_depth\(depth)", try mlpGradientSeconds(Double.self, depth: depth))
        }
    } catch {
        print("# peer MLP workload failed: \(error)")
    }
}
