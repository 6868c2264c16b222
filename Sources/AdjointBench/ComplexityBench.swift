import Adjoint
import Foundation

// Benchmarks of the counters and the complexity demonstration (issue 6).
//
// `counters_off_overhead`: what the counter hooks cost when nothing is measuring. The hooks are
// compiled into every op of the toolkit, so there is no "build without counters" to compare with.
// The honest "without" used here is the same computation through a path that never calls a hook:
// an MLP gradient written by hand on the toolkit's own kernels (the BLAS gemm and the registry's
// elementwise kernels, allocating a fresh matrix per op as the tape does), compiled twice through a
// generic hook policy — once with the toolkit's hook at every site where the matrix path has one
// (each op, each tape entry: `Instrumentation.isActive`, then `Instrumentation.record` when on), and
// once with an empty policy the optimizer deletes. Their time ratio is the hooks' cost alone, with
// no tape bookkeeping mixed in. It is measured on a small network (batch 1, width 16, depth 8)
// where per-op overhead is most visible; at the issue-5 size (batch 64, width 256) the gemms hide it.
//
// `counters_off_overhead_scalar` repeats the experiment on the scalar path, where the hook sits in
// every scalar op of `Dual`/`Reverse`: a dual written like the toolkit's, compiled with and without
// `Instrumentation.count`, differentiating the core benchmark's function along one direction.
//
// `mlp_library_over_handwritten_small` then compares the real library path (MatrixTape, counters
// off) with the hook-free hand-written gradient: an upper bound on the hooks' cost that also
// includes the tape's bookkeeping and its error checks.

/// Where the hand-written gradient reports its work: a compile-time choice, so that the
/// no-hook specialisation contains no trace of the hook.
private protocol HookPolicy {
    static func op(flops: Int)
    static func tapeEntry(bytes: Int)
    static func scalarOp(_ op: Op)
}

private enum NoHooks: HookPolicy {
    @inline(__always) static func op(flops: Int) {}
    @inline(__always) static func tapeEntry(bytes: Int) {}
    @inline(__always) static func scalarOp(_ op: Op) {}
}

/// The toolkit's hook, exactly as the matrix path calls it: one inlined flag test, then a
/// record into the thread's scope only when something is measuring.
private enum CounterHooks: HookPolicy {
    @inline(__always) static func op(flops: Int) {
        guard Instrumentation.isActive else { return }
        Instrumentation.record { $0.flops += flops; $0.byName["handwritten", default: 0] += 1 }
    }
    @inline(__always) static func tapeEntry(bytes: Int) {
        guard Instrumentation.isActive else { return }
        Instrumentation.record { $0.tapeEntries += 1; $0.tapeBytes += bytes }
    }
    /// The scalar modes' hook, the very function `Dual` and `Reverse` call per op.
    @inline(__always) static func scalarOp(_ op: Op) { Instrumentation.count(op) }
}

/// The scalar path's version of the same experiment: a forward-mode dual written like the
/// toolkit's `Dual` (primal, partials and products from the registry), compiled with and without the
/// per-op hook. (Domain checks are left out of both: they are not part of the hook's cost.)
private struct HookedDual<H: HookPolicy>: RegistryInterpreter {
    typealias Scalar = HookedDual
    var value: Double, tangent: Double
    @inline(__always) init(_ v: Double, _ t: Double) { value = v; tangent = t }
    init(_ constant: Double) { self.init(constant, 0) }
    init(_ integer: Int) { self.init(Double(integer), 0) }
    init(integerLiteral value: Int) { self.init(Double(value), 0) }
    init(floatLiteral value: Double) { self.init(value, 0) }
    static var zero: HookedDual { HookedDual(0, 0) }
    var approximateDouble: Double { value }
    static func == (a: HookedDual, b: HookedDual) -> Bool { a.value == b.value }
    static func < (a: HookedDual, b: HookedDual) -> Bool { a.value < b.value }

    @inline(__always) static func applyUnary(_ op: Op, _ x: HookedDual, _ n: Int) -> HookedDual {
        H.scalarOp(op)
        let z = Rules.primal(op, x.value, x.value, n)
        let (dx, _) = Rules.partials(op, x.value, x.value, n, output: z)
        return HookedDual(z, dx * x.tangent)
    }

    @inline(__always) static func applyBinary(_ op: Op, _ x: HookedDual, _ y: HookedDual) -> HookedDual {
        H.scalarOp(op)
        let z = Rules.primal(op, x.value, y.value, 0)
        return HookedDual(z, Rules.jvp(op, x.value, y.value, 0, output: z, tangents: x.tangent, y.tangent))
    }
}

/// f(x) = Σ [sin(xᵢ)·xᵢ₊₁ + log(1 + xᵢ²)] (the core benchmark's function) on hooked duals.
@inline(never)
private func scalarDirectional<H: HookPolicy>(_: H.Type, _ x: [Double], _ v: [Double]) -> Double {
    let d = zip(x, v).map { HookedDual<H>($0, $1) }
    var s: HookedDual<H> = 0
    for i in 0..<(d.count - 1) { s = s + HookedDual.sin(d[i]) * d[i + 1] + HookedDual.log(1 + d[i] * d[i]) }
    return s.tangent
}

/// A square tanh MLP with a linear output and MSE loss, and its gradient written by hand.
private struct HandwrittenMLP {
    let batch: Int, width: Int, depth: Int
    let weights: [[Double]], biases: [[Double]]
    let x: [Double], target: [Double]

    init(_ net: MLP<Double>, x: Matrix<Double>, target: Matrix<Double>) {
        batch = x.rows; width = x.cols; depth = net.depth
        weights = net.layers.map { $0.weights.elements }
        biases = net.layers.map { $0.bias.elements }
        self.x = x.elements; self.target = target.elements
    }

    /// C (m×n) = op(A)·op(B).
    @inline(__always)
    func gemm<H: HookPolicy>(_: H.Type, _ a: [Double], _ ta: Bool, _ b: [Double], _ tb: Bool, m: Int, n: Int, k: Int) -> [Double] {
        var c = Double.makeElements(.inPackage, count: m * n, repeating: 0)
        H.op(flops: 2 * m * n * k)
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    guard let ap = pa.baseAddress, let bp = pb.baseAddress, let cp = pc.baseAddress else { return }
                    Double.gemm(.inPackage, transposeA: ta, transposeB: tb, m: m, n: n, k: k, alpha: 1,
                                a: ap, lda: ta ? m : k, b: bp, ldb: tb ? k : n, beta: 0, c: cp, ldc: n)
                }
            }
        }
        H.tapeEntry(bytes: c.count * 8)
        return c
    }

    /// Loss and ∂ℓ/∂W, ∂ℓ/∂b for every layer (flattened as the library's gradient is).
    @inline(never)
    func lossAndGradient<H: HookPolicy>(_: H.Type) -> (Double, [Double]) {
        let (b, m, L) = (batch, width, depth)
        var hs: [[Double]] = [x]       // inputs of each layer
        var outs: [[Double]] = []      // σ(a) (or a for the linear output)
        var pre: [[Double]] = []
        for l in 0..<L {
            var a = gemm(H.self, hs[l], false, weights[l], false, m: b, n: m, k: m)
            var z = Double.makeElements(.inPackage, count: a.count, repeating: 0)
            H.op(flops: a.count)
            a.withUnsafeMutableBufferPointer { pa in
                biases[l].withUnsafeBufferPointer { pb in
                    z.withUnsafeMutableBufferPointer { pz in Double.kernelAddRow(.inPackage, UnsafeBufferPointer(pa), pb, cols: m, into: pz) }
                }
            }
            H.tapeEntry(bytes: z.count * 8)
            a = z
            pre.append(a)
            if l < L - 1 {
                var h = Double.makeElements(.inPackage, count: a.count, repeating: 0)
                H.op(flops: a.count)
                _ = a.withUnsafeBufferPointer { pa in h.withUnsafeMutableBufferPointer { ph in Double.kernelMap(.inPackage, .tanh, exponent: 0, parameter: 0, node: nil, pa, into: ph) } }
                H.tapeEntry(bytes: h.count * 8)
                outs.append(h); hs.append(h)
            } else {
                outs.append(a)
            }
        }
        let y = outs[L - 1]
        H.op(flops: y.count)
        let loss = y.withUnsafeBufferPointer { py in target.withUnsafeBufferPointer { pt in Double.kernelLoss(.inPackage, .mse, parameter: 1, scale: 1, py, pt) } } / Double(y.count)
        H.tapeEntry(bytes: 8)
        var d = Double.makeElements(.inPackage, count: y.count, repeating: 0)
        H.op(flops: y.count)
        y.withUnsafeBufferPointer { py in target.withUnsafeBufferPointer { pt in d.withUnsafeMutableBufferPointer { pd in
            Double.kernelLossDerivative(.inPackage, .mse, parameter: 1, scale: 1 / Double(y.count), py, pt, into: pd)
        } } }
        var grads = [[Double]](repeating: [], count: 2 * L)
        var l = L - 1
        while l >= 0 {
            var gb = Double.makeElements(.inPackage, count: m, repeating: 0)
            H.op(flops: d.count)
            d.withUnsafeBufferPointer { pd in gb.withUnsafeMutableBufferPointer { pg in
                Double.kernelReduce(.inPackage, pd, rows: b, cols: m, .perColumn, scale: 1, into: pg)
            } }
            grads[2 * l + 1] = gb
            grads[2 * l] = gemm(H.self, hs[l], true, d, false, m: m, n: m, k: b)
            if l > 0 {
                let g = gemm(H.self, d, false, weights[l], true, m: b, n: m, k: m)
                var nd = Double.makeElements(.inPackage, count: g.count, repeating: 0)
                H.op(flops: g.count)
                pre[l - 1].withUnsafeBufferPointer { pa in outs[l - 1].withUnsafeBufferPointer { pz in
                    g.withUnsafeBufferPointer { pg in nd.withUnsafeMutableBufferPointer { pn in
                        Double.kernelChain(.inPackage, .tanh, .cotangent, exponent: 0, parameter: 0, x: pa, z: pz, pg, into: pn)
                    } }
                } }
                d = nd
            }
            l -= 1
        }
        return (loss, grads.flatMap { $0 })
    }
}

/// Median of the per-run ratio a/b with a and b timed alternately, so both see the same load.
private func pairedRatio(runs: Int, inner: Int, _ a: () throws -> Void, _ b: () throws -> Void) rethrows -> (ratio: Double, aSeconds: Double, bSeconds: Double) {
    for _ in 0..<3 { try a(); try b() }
    var ra: [Double] = [], rb: [Double] = [], ratios: [Double] = []
    for _ in 0..<runs {
        let t0 = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<inner { try a() }
        let t1 = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<inner { try b() }
        let t2 = DispatchTime.now().uptimeNanoseconds
        let (da, db) = (Double(t1 - t0) / 1e9 / Double(inner), Double(t2 - t1) / 1e9 / Double(inner))
        ra.append(da); rb.append(db); ratios.append(da / db)
    }
    func med(_ v: [Double]) -> Double { v.sorted()[v.count / 2] }
    return (med(ratios), med(ra), med(rb))
}

func runComplexityBenchmarks() {
    do {
        BLAS.setThreadCount(1)
        let net = try MLP<Double>(layerSizes: Array(repeating: 16, count: 9), activation: .tanh, seed: 5)
        var g = SeededGenerator(seed: 6)
        let x = try Matrix<Double>.random(1, 16, in: -1...1, using: &g)
        let y = try Matrix<Double>.random(1, 16, in: -1...1, using: &g)
        let hand = HandwrittenMLP(net, x: x, target: y)

        // Sanity before timing: the hand-written gradient is the library's, and both policies
        // compute it; the hooked one counts what the library counts in flops.
        let lib = try net.lossAndGradient(input: x, loss: .elementwise(.mse, target: y))
        let libFlat = lib.gradients.flatMap { $0.weights.elements + $0.bias.elements }
        let (h0, h1) = (hand.lossAndGradient(NoHooks.self), hand.lossAndGradient(CounterHooks.self))
        let diff = zip(libFlat, h0.1).map { abs($0 - $1) }.max() ?? .infinity
        if diff > 1e-12 || h0.1 != h1.1 || abs(lib.loss - h0.0) > 1e-12 {
            print("# complexity benchmark: hand-written gradient differs from the library's by \(diff)")
        }

        let (ratio, hooked, bare) = pairedRatio(runs: 41, inner: 200,
                                                { blackHole(hand.lossAndGradient(CounterHooks.self)) },
                                                { blackHole(hand.lossAndGradient(NoHooks.self)) })
        emit("counters_off_overhead", ratio, "ratio")
        // Scalar path: one hook per scalar op, where an op is only a few nanoseconds.
        let xs = (0..<10_000).map { 0.5 + 0.001 * Double($0 % 1000) }
        let vs = (0..<10_000).map { Double($0 % 3) - 1 }
        if scalarDirectional(CounterHooks.self, xs, vs) != scalarDirectional(NoHooks.self, xs, vs) {
            print("# complexity benchmark: hooked and hook-free duals disagree")
        }
        let (scalarRatio, _, _) = pairedRatio(runs: 41, inner: 20,
                                              { blackHole(scalarDirectional(CounterHooks.self, xs, vs)) },
                                              { blackHole(scalarDirectional(NoHooks.self, xs, vs)) })
        emit("counters_off_overhead_scalar", scalarRatio, "ratio")
        emit("handwritten_mlp_gradient_us_hooks_off", hooked * 1e6, "us")
        emit("handwritten_mlp_gradient_us_no_hooks", bare * 1e6, "us")

        let loss = MLPLoss<Double>.elementwise(.mse, target: y)
        let (libRatio, libTime, _) = try pairedRatio(runs: 41, inner: 200,
                                                     { blackHole(try net.lossAndGradient(input: x, loss: loss)) },
                                                     { blackHole(hand.lossAndGradient(NoHooks.self)) })
        emit("mlp_library_over_handwritten_small", libRatio, "ratio")
        emit("mlp_library_gradient_small_us", libTime * 1e6, "us")

        // Counters on: the price of measuring (every op records into the thread's scope).
        let (onRatio, _, _) = try pairedRatio(runs: 21, inner: 100,
                                              { blackHole(try measureOperations { try net.lossAndGradient(input: x, loss: loss) }) },
                                              { blackHole(try net.lossAndGradient(input: x, loss: loss)) })
        emit("counters_on_overhead", onRatio, "ratio")

        // The default sweeps of `jac complexity`, timed once each, with their headline figures.
        let t0 = DispatchTime.now().uptimeNanoseconds
        let depth = try ComplexitySweep.run(kind: .depth)
        let t1 = DispatchTime.now().uptimeNanoseconds
        let width = try ComplexitySweep.run(kind: .width)
        let t2 = DispatchTime.now().uptimeNanoseconds
        emit("complexity_depth_sweep_s", Double(t1 - t0) / 1e9, "s")
        emit("complexity_width_sweep_s", Double(t2 - t1) / 1e9, "s")
        emit("complexity_depth_exponent_backprop", depth.exponents[.backprop] ?? .nan, "exponent")
        emit("complexity_depth_exponent_naive", depth.exponents[.naive] ?? .nan, "exponent")
        emit("complexity_depth_exponent_finite_differences", depth.exponents[.finiteDifferences] ?? .nan, "exponent")
        emit("complexity_fd_exponent_vs_parameters_width_sweep", width.finiteDifferencesExponentVsParameters ?? .nan, "exponent")
        emit("complexity_max_backprop_over_forward_flops", Swift.max(depth.maxBackpropRatio, width.maxBackpropRatio), "ratio")
    } catch {
        print("# complexity benchmark failed: \(error)")
    }
}
