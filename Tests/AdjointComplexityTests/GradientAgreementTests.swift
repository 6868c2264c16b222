import XCTest
import AdjointCore
import AdjointLinalg
@testable import AdjointComplexity

/// The three ways (four, with the full-Jacobian form of the naive chain) reach the same gradient.
final class GradientAgreementTests: XCTestCase {
    /// Seeded shapes, including a batch of several samples and a depth-1 network (no chain at all).
    let shapes: [(depth: Int, width: Int, batch: Int, seed: UInt64)] = [(1, 3, 1, 21), (3, 4, 3, 22), (5, 2, 2, 23)]

    func testBackpropNaiveChainAndFiniteDifferencesAgree() throws {
        for s in shapes {
            let p = try MLPGradientProblem<Double>.seeded(depth: s.depth, width: s.width, batch: s.batch, seed: s.seed)
            let bp = try p.backprop()
            let nv = try p.naiveChain()
            let full = try p.naiveChain(form: .fullJacobian)
            let fd = try p.finiteDifferences()
            let scale = Swift.max(1, bp.maxAbs)
            let context = "depth \(s.depth) width \(s.width) batch \(s.batch) seed \(s.seed)"
            XCTAssertEqual(bp.flattened.count, p.parameterCount, context)
            XCTAssertEqual(nv.loss, bp.loss, accuracy: 1e-15 * Swift.max(1, Swift.abs(bp.loss)), context)
            // Naive and backprop do the same products in a different association order, so they
            // differ by rounding only: a few ulps per product along a chain of ≤ 5 layers of width
            // ≤ 4, far below 1e-12 relative.
            XCTAssertLessThanOrEqual(bp.maxAbsDifference(to: nv), 1e-12 * scale, context)
            XCTAssertLessThanOrEqual(bp.maxAbsDifference(to: full), 1e-12 * scale, context)
            // Central differences with h = ε^(1/3)·max(1, |w|) ≈ 6e-6: truncation h²·|f‴|/6 ≈ 6e-12·|f‴|,
            // rounding ≈ ε·|ℓ|/h ≈ 4e-11·|ℓ| with ℓ = O(1) here; 1e-7 leaves a factor > 100 for
            // third derivatives of the tanh network up to ~10⁴.
            XCTAssertLessThanOrEqual(bp.maxAbsDifference(to: fd), 1e-7 * scale, context)
            // And a wrong gradient would not pass: the test can fail.
            XCTAssertGreaterThan(bp.maxAbs, 1e-3, "a near-zero gradient would make the comparison vacuous: \(context)")
        }
    }

    func testAWrongGradientIsCaught() throws {
        // Test the tester: perturb one entry of the naive chain's gradient by 1e-6 and the
        // comparison used above must see it.
        let p = try MLPGradientProblem<Double>.seeded(depth: 3, width: 4, batch: 3, seed: 22)
        let bp = try p.backprop()
        var layers = try p.naiveChain().layers
        layers[1].weights[0, 0] += 1e-6
        let wrong = MLPGradient(loss: bp.loss, layers: layers)
        XCTAssertGreaterThan(bp.maxAbsDifference(to: wrong), 1e-12 * Swift.max(1, bp.maxAbs))
    }

    func testSoftmaxCrossEntropyLossAlsoAgrees() throws {
        // A second loss through the same methods: the naive chain takes ∂ℓ/∂y from the matrix
        // registry's softmax cross-entropy rule, not from a restated formula.
        let net = try MLP<Double>(layerSizes: [4, 5, 3], activation: .sigmoid, seed: 31)
        var g = SeededGenerator(seed: 32)
        let x = try Matrix<Double>.random(3, 4, in: -1...1, using: &g)
        let p = try MLPGradientProblem(network: net, input: x, loss: .softmaxCrossEntropy(labels: [2, 0, 1]))
        let bp = try p.backprop()
        XCTAssertLessThanOrEqual(bp.maxAbsDifference(to: try p.naiveChain()), 1e-12 * Swift.max(1, bp.maxAbs))
        XCTAssertLessThanOrEqual(bp.maxAbsDifference(to: try p.finiteDifferences()), 1e-7 * Swift.max(1, bp.maxAbs))
    }

    func testBadInputIsATypedError() {
        XCTAssertThrowsError(try MLPGradientProblem<Double>.seeded(depth: 0, width: 3))
        XCTAssertThrowsError(try ComplexitySweep.depth([], width: 4))
        XCTAssertThrowsError(try ComplexitySweep.depth([1, -2], width: 4))
        XCTAssertThrowsError(try ComplexitySweep.width([2], depth: 100_000))
        XCTAssertThrowsError(try DenseTanhMap(inputs: 0, outputs: 2, seed: 1))
    }
}
