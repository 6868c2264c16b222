import XCTest
import Dispatch
import Foundation
import AdjointCore
@testable import AdjointLinalg

/// Buffer reuse on the matrix path: repeated calls allocate nothing but their results (counted
/// by the pool's hits and misses), and the fused bias + activation equals the two ops it replaces.
final class MatrixBufferPoolTests: XCTestCase {
    /// Width 256, batch 64: every activation (16,384 elements) and weight (65,536) is above the
    /// pool's 4,096-element threshold; the 1×256 biases are below it.
    private func network() throws -> (MLP<Double>, Matrix<Double>, MLPLoss<Double>) {
        let net = try MLP<Double>(layerSizes: [256, 256, 256, 256], activation: .tanh, seed: 8)
        var g = SeededGenerator(seed: 9)
        let x = try Matrix<Double>.random(64, 256, in: -1...1, using: &g)
        let y = try Matrix<Double>.random(64, 256, in: -1...1, using: &g)
        return (net, x, .elementwise(.mse, target: y))
    }

    /// Misses (allocations of poolable buffers) during `calls` calls of `body`, after two warm-up calls.
    private func steadyMisses(calls: Int, _ body: () throws -> Void) rethrows -> (misses: Int, hits: Int) {
        try body(); try body()
        let before = MatrixBufferPool<Double>.statistics()
        for _ in 0..<calls { try body() }
        let after = MatrixBufferPool<Double>.statistics()
        return (after.misses - before.misses, after.hits - before.hits)
    }

    func testPlainEvaluationAllocatesNothingInSteadyState() throws {
        let (net, x, loss) = try network()
        let (misses, hits) = try steadyMisses(calls: 3) { _ = try net.loss(input: x, loss: loss) }
        XCTAssertEqual(misses, 0, "every matrix of a repeated forward pass comes from the pool")
        XCTAssertGreaterThanOrEqual(hits, 3 * 6, "two poolable outputs per layer (product, activation) per call")
    }

    func testForwardModeAllocatesNothingInSteadyState() throws {
        let (net, x, loss) = try network()
        let direction = net.parameters
        let (misses, hits) = try steadyMisses(calls: 3) {
            _ = try net.lossAndDirectionalDerivative(input: x, loss: loss, direction: direction)
        }
        XCTAssertEqual(misses, 0, "values and tangents of a repeated forward-mode pass come from the pool")
        XCTAssertGreaterThan(hits, 0)
    }

    /// Softmax cross-entropy over a batch of 8,192 rows: its per-row log-sum-exp and, in forward
    /// mode, its per-row dot products (8,192 elements each, above the pool's threshold) were never
    /// given back: one allocation per plain call, two per forward-mode call.
    func testSoftmaxCrossEntropyAllocatesNothingInSteadyState() throws {
        let net = try MLP<Double>(layerSizes: [2, 3], activation: .tanh, seed: 8)
        var g = SeededGenerator(seed: 9)
        let x = try Matrix<Double>.random(8192, 2, in: -1...1, using: &g)
        let loss = MLPLoss<Double>.softmaxCrossEntropy(labels: (0..<8192).map { $0 % 3 })
        let direction = net.parameters
        let plain = try steadyMisses(calls: 3) { _ = try net.loss(input: x, loss: loss) }
        XCTAssertEqual(plain.misses, 0)
        let forward = try steadyMisses(calls: 3) {
            _ = try net.lossAndDirectionalDerivative(input: x, loss: loss, direction: direction)
        }
        XCTAssertEqual(forward.misses, 0)
    }

    /// The gradient hands its weight cotangents to the caller, so each call allocates exactly
    /// those (one 256×256 per layer) and nothing else: every value and intermediate cotangent is
    /// a recycled buffer.
    func testGradientAllocatesOnlyTheGradientsItReturns() throws {
        let (net, x, loss) = try network()
        let (misses, _) = try steadyMisses(calls: 3) { _ = try net.lossAndGradient(input: x, loss: loss) }
        XCTAssertEqual(misses, 3 * net.depth)
    }

    /// A training loop's step writes the gradient into the previous step's arrays: no poolable
    /// buffer is allocated, the weight gradients land in the very memory of the last ones, and
    /// the values are those of the allocating call, bit for bit.
    func testGradientIntoReusesTheLastGradientsMemory() throws {
        let (net, x, loss) = try network()
        var g: [LayerParameters<Double>] = []
        func addresses(_ g: [LayerParameters<Double>]) -> Set<UInt> {
            Set(g.map { p in p.weights.withUnsafeElements { UInt(bitPattern: $0.baseAddress) } })
        }
        var value = 0.0
        let (misses, _) = try steadyMisses(calls: 3) { value = try net.lossAndGradient(input: x, loss: loss, into: &g) }
        XCTAssertEqual(misses, 0, "the weight gradients reuse the last step's buffers")
        let before = addresses(g)
        _ = try net.lossAndGradient(input: x, loss: loss, into: &g)
        XCTAssertEqual(addresses(g), before, "written into the same memory")
        let fresh = try net.lossAndGradient(input: x, loss: loss)
        XCTAssertEqual(value, fresh.loss)
        XCTAssertEqual(g, fresh.gradients)
    }

    /// The sweep gives each buffer back to the pool once: add_bias passes its cotangent on to its
    /// input unchanged, and recycling it there as well listed one buffer twice, so the next op
    /// that took the second copy found it shared and copied it (a fresh 64–128 KiB per layer and
    /// step, page faults included).
    func testTheSweepRecyclesEveryBufferOnce() throws {
        let (net, x, loss) = try network()
        var g: [LayerParameters<Double>] = []
        var sizes: [Int] = []
        for _ in 0..<3 {
            _ = try net.lossAndGradient(input: x, loss: loss, into: &g)
            let pooled = MatrixBufferPool<Double>.pooledAddresses()
            sizes.append(pooled.count)
            XCTAssertFalse(pooled.isEmpty)
            XCTAssertEqual(Set(pooled).count, pooled.count, "a buffer is in the pool twice")
            let returned = Set(g.map { p in p.weights.withUnsafeElements { UInt(bitPattern: $0.baseAddress) } })
            XCTAssertTrue(returned.isDisjoint(with: pooled), "a returned gradient is also in the pool")
        }
        // Steady state: the pool neither grows nor shrinks from step to step.
        XCTAssertEqual(Set(sizes).count, 1, "pool sizes \(sizes)")
    }

    /// A gradient the caller keeps is never overwritten by the next step: its buffer is shared, so
    /// the step copies instead (checked with a second input, whose gradient differs).
    func testGradientIntoLeavesAKeptGradientIntact() throws {
        let (net, x, loss) = try network()
        var other = SeededGenerator(seed: 10)
        let x2 = try Matrix<Double>.random(64, 256, in: -1...1, using: &other)
        var g: [LayerParameters<Double>] = []
        _ = try net.lossAndGradient(input: x, loss: loss, into: &g)
        let kept = g
        _ = try net.lossAndGradient(input: x2, loss: loss, into: &g)
        XCTAssertEqual(kept, try net.lossAndGradient(input: x, loss: loss).gradients)
        XCTAssertEqual(g, try net.lossAndGradient(input: x2, loss: loss).gradients)
        XCTAssertNotEqual(kept, g)
    }

    /// σ(x + b) in one pass equals addBias then the activation, bit for bit, on every interpreter,
    /// for vectorised ops and ops on the scalar path; and its gradient on the tape too.
    func testFusedBiasActivationEqualsTheTwoOps() throws {
        var g = SeededGenerator(seed: 12)
        let x = try Matrix<Double>.random(5, 7, in: -3...3, using: &g)
        let b = try Matrix<Double>.random(1, 7, in: -1...1, using: &g)
        for op in [Op.tanh, .sigmoid, .relu, .softplus, .elu, .square] {
            let spec = try ElementwiseSpec<Double>(op: op, parameter: op == .elu ? 0.7 : 0)
            let e = MatrixEvaluator<Double>()
            XCTAssertEqual(try e.addBiasActivation(x, b, spec), try e.activation(spec, e.addBias(x, b)), op.info.name)

            let fused = MatrixTape<Double>(), split = MatrixTape<Double>()
            let (xf, bf) = (fused.variable(x), fused.variable(b))
            let (xs, bs) = (split.variable(x), split.variable(b))
            let lf = try fused.sum(fused.addBiasActivation(xf, bf, spec))
            let ls = try split.sum(split.activation(spec, split.addBias(xs, bs)))
            XCTAssertEqual(fused.count, split.count, "recorded as the same two entries")
            XCTAssertEqual(try fused.primal(lf), try split.primal(ls))
            let (gf, gs) = (try fused.gradients(of: lf), try split.gradients(of: ls))
            XCTAssertEqual(try gf[xf], try gs[xs], "∂/∂x through \(op.info.name)")
            XCTAssertEqual(try gf[bf], try gs[bs], "∂/∂b through \(op.info.name)")
        }
    }

    /// A domain error inside the fused pass names the op and the element, as the separate op does.
    func testFusedPassReportsDomainErrors() throws {
        let x = try Matrix<Double>([[1, 2], [3, -5]])
        let b = try Matrix<Double>([[0, 1]])
        let spec = try ElementwiseSpec<Double>(op: .log)
        XCTAssertThrowsError(try MatrixEvaluator<Double>().addBiasActivation(x, b, spec)) { e in
            guard case let .domain(op, _, inputs, reason) = e as? ADError else { return XCTFail("\(e)") }
            XCTAssertEqual(op, "log")
            XCTAssertEqual(inputs, [-4])
            XCTAssertTrue(reason.contains("element (1, 1)"), reason)
        }
    }

    /// Pooled buffers are keyed by element count, so a 64×64 and a 32×128 matrix share them, with
    /// the last call's numbers still inside. A network's gradient, forward pass and directional
    /// derivative are computed, then those of a network whose matrices have the same counts in
    /// other shapes (and another activation), three times over, then the first again: bit for bit
    /// the first results every time. Then eight threads at once (each with its own pool) give the
    /// serial bits. Double and Float.
    func testReuseAcrossShapesAndThreadsChangesNoBit() throws {
        try checkReuse(Double.self)
        try checkReuse(Float.self)
    }

    private final class Results<T: LinalgScalar>: @unchecked Sendable {
        var gradients = [[LayerParameters<T>]](repeating: [], count: 8)
        let lock = NSLock()
    }

    private func checkReuse<T: LinalgScalar>(_: T.Type) throws {
        func bits(_ g: [LayerParameters<T>]) -> [String] {
            g.flatMap { [$0.weights.elements, $0.bias.elements].joined().map { "\(Double($0).bitPattern)" } }
        }
        let a = try MLP<T>(layerSizes: [64, 64, 64], activation: .tanh, seed: 1)
        let b = try MLP<T>(layerSizes: [128, 32, 128], activation: .sigmoid, seed: 2)
        var g = SeededGenerator(seed: 3)
        let xa = try Matrix<T>.random(64, 64, in: -1...1, using: &g), ya = try Matrix<T>.random(64, 64, in: -1...1, using: &g)
        let xb = try Matrix<T>.random(32, 128, in: -1...1, using: &g), yb = try Matrix<T>.random(32, 128, in: -1...1, using: &g)
        let (la, lb) = (MLPLoss<T>.elementwise(.mse, target: ya), MLPLoss<T>.elementwise(.mse, target: yb))
        func runA() throws -> (gradient: [String], forward: [String], derivative: String) {
            let r = try a.lossAndGradient(input: xa, loss: la)
            let d = try a.lossAndDirectionalDerivative(input: xa, loss: la, direction: r.gradients)
            return (bits(r.gradients) + ["\(Double(r.loss).bitPattern)"], try a.forward(xa).elements.map { "\(Double($0).bitPattern)" },
                    "\(Double(d.derivative).bitPattern)")
        }
        let first = try runA()
        for _ in 0..<3 {
            let r = try b.lossAndGradient(input: xb, loss: lb)
            _ = try b.forward(xb)
            _ = try b.lossAndDirectionalDerivative(input: xb, loss: lb, direction: r.gradients)
            let again = try runA()
            XCTAssertEqual(again.gradient, first.gradient, "gradient after other shapes, \(T.self)")
            XCTAssertEqual(again.forward, first.forward, "forward pass after other shapes, \(T.self)")
            XCTAssertEqual(again.derivative, first.derivative, "directional derivative after other shapes, \(T.self)")
        }
        let serialB = bits(try b.lossAndGradient(input: xb, loss: lb).gradients)
        let results = Results<T>()
        DispatchQueue.concurrentPerform(iterations: 8) { i in
            let r = i % 2 == 0 ? try? a.lossAndGradient(input: xa, loss: la) : try? b.lossAndGradient(input: xb, loss: lb)
            results.lock.lock(); results.gradients[i] = r?.gradients ?? []; results.lock.unlock()
        }
        for i in 0..<8 {
            XCTAssertEqual(bits(results.gradients[i]), i % 2 == 0 ? Array(first.gradient.dropLast()) : serialB,
                           "thread \(i), \(T.self)")
        }
    }
}
