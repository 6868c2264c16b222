import AdjointCore
import AdjointSparse
import XCTest

/// yᵢ = 10³⁰⁷·x₀ + xᵢ₊₁ for 19 outputs, and y₁₉ = 10³⁰⁷·x₀ + x₂₀²/x₂₀³⁰⁰: column 0 is dense and
/// split off, the rows share no other column (one colour), and the colour's sweep sums column 0
/// to +∞, so `assemble` takes it again unchecked. By hand at x₂₀ = 10: ∂y₁₉/∂x₂₀ = −298·10⁻²⁹⁹
/// (the adjoint of x₂₀³⁰⁰, −10⁻⁵⁹⁸, is below the least Double).
private struct LossBesideALargeDenseColumn: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
        let n = x.count
        return (1..<n - 1).map { i in T(1e307) * x[0] + x[i] }
            + [T(1e307) * x[0] + x[n - 1] * x[n - 1] / T.powi(x[n - 1], 300)]
    }
}

/// Found in review: the unchecked retake of an overflowing colour sweep runs no range recovery,
/// so the term the checked dense Jacobian recovers is lost again, silently.
final class SparseRangeReviewTests: XCTestCase {
    func testAColourSweepTakenAgainUncheckedStillRecovers() throws {
        var x = Array(repeating: 1.0, count: 21)
        x[20] = 10
        let dense = try jacobian(of: LossBesideALargeDenseColumn(), at: x, mode: .reverse)
        XCTAssertEqual(dense.jacobian[19][20], -2.98e-297, accuracy: 1e-13 * 2.98e-297)
        let j = try sparseJacobian(of: LossBesideALargeDenseColumn(), at: x, mode: .reverse)
        XCTAssertEqual(j.denseColumns, [0])
        XCTAssertEqual(j.coloring.count, 1)
        XCTAssertEqual(try j.matrix[19, 0], 1e307)
        XCTAssertEqual(try j.matrix[19, 20], -2.98e-297, accuracy: 1e-13 * 2.98e-297)
    }
}

final class CheckpointedRangeReviewTests: XCTestCase {
    /// x₆ = x₀·10⁶⁰⁰ by six steps of ·10¹⁰⁰, L = (x₆·10⁻³⁰⁰)·10⁻³⁰⁰ at x₀ = 10⁻³⁰⁰: by hand
    /// ∂L/∂x₀ = 10⁻⁶⁰⁰·10⁶⁰⁰ = 1 (L = 10⁻³⁰⁰, every value normal). ∂L/∂x₆ = 10⁻⁶⁰⁰ is below the
    /// range: the one-tape gradient now recovers it; the checkpointed one returned 0.
    func testTheCheckpointedGradientRecoversAsTheOneTapeGradientDoes() throws {
        let step: ([Reverse<Double>]) -> [Reverse<Double>] = { s in [s[0] * 1e100] }
        let loss: ([Reverse<Double>]) -> Reverse<Double> = { s in (s[0] * 1e-300) * 1e-300 }
        let oneTape = try gradient(of: { x in
            var s = x
            for _ in 0..<6 { s = step(s) }
            return loss(s)
        }, at: [1e-300])
        XCTAssertEqual(oneTape[0], 1, accuracy: 1e-13)
        let g = try checkpointedGradient(steps: 6, state: [1e-300], step: step, loss: loss)
        XCTAssertEqual(g.gradient[0], 1, accuracy: 1e-13)
    }
}
