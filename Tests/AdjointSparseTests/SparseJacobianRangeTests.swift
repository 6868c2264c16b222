import AdjointCore
import AdjointSparse
import XCTest

/// Three rows of one colour each way, two of which lose a term below the least normal number:
/// (x₀·10⁻²⁰⁰·10⁻²⁰⁰·10³⁰⁰, x₁², x₂²/x₂³⁰⁰). By hand at (2, 3, 10): ∂f₀/∂x₀ = 10⁻¹⁰⁰ (forward
/// mode's tangent passes through 10⁻⁴⁰⁰), ∂f₁/∂x₁ = 6, ∂f₂/∂x₂ = −298·10⁻²⁹⁹ (reverse mode's
/// adjoint of x₂³⁰⁰ is −10⁻⁵⁹⁸). The sparse Jacobian returned 0 and 2e-299 for them silently.
struct TwoRangeLosses: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
        [x[0] * T(1e-200) * T(1e-200) * T(1e300), x[1] * x[1], x[2] * x[2] / T.powi(x[2], 300)]
    }
}

/// Row 0 depends on every column, so with a dense threshold of 2 it is taken by a reverse sweep
/// (forward mode), and with a dense-column threshold of 1 every column is taken by forward passes
/// (reverse mode); x₀'s tangent loss sits in
/// row 1 beside it: (Σ xₖ, x₀·10⁻²⁰⁰·10⁻²⁰⁰·10³⁰⁰, x₁², x₂²).
struct LossBesideADenseRow: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
        [x[0] + x[1] + x[2], x[0] * T(1e-200) * T(1e-200) * T(1e300), x[1] * x[1], x[2] * x[2]]
    }
}

final class SparseJacobianRangeTests: XCTestCase {
    func testBothModesRecoverTheirLosses() throws {
        for mode in [SparseJacobianMode.forward, .reverse] {
            let r = try sparseJacobian(of: TwoRangeLosses(), at: [2.0, 3, 10], mode: mode)
            XCTAssertEqual(r.coloring.count, 1, "\(mode)")
            XCTAssertEqual(try r.matrix[0, 0], 1e-100, accuracy: 1e-14 * 1e-100, "\(mode)")
            XCTAssertEqual(try r.matrix[1, 1], 6, "\(mode)")
            XCTAssertEqual(try r.matrix[2, 2], -2.98e-297, accuracy: 1e-13 * 2.98e-297, "\(mode)")
        }
    }

    func testDenseRowsAndColumnsRecoverToo() throws {
        var options = SparseJacobianOptions()
        options.denseRowThreshold = 2
        options.denseColumnThreshold = 1
        for mode in [SparseJacobianMode.forward, .reverse] {
            let r = try sparseJacobian(of: LossBesideADenseRow(), at: [2.0, 3, 10], mode: mode, options: options)
            XCTAssertEqual(try r.matrix[0, 0], 1, "\(mode)")
            XCTAssertEqual(try r.matrix[1, 0], 1e-100, accuracy: 1e-14 * 1e-100, "\(mode)")
            XCTAssertEqual(try r.matrix[2, 1], 6, "\(mode)")
            XCTAssertEqual(try r.matrix[3, 2], 20, "\(mode)")
        }
    }
}

extension SparseJacobianRangeTests {
    func testTheDenseShapesAreTheOnesMeant() throws {
        var options = SparseJacobianOptions()
        options.denseRowThreshold = 2
        options.denseColumnThreshold = 1
        let forward = try sparseJacobian(of: LossBesideADenseRow(), at: [2.0, 3, 10], mode: .forward, options: options)
        XCTAssertEqual(forward.reverseSweeps, 1)
        let reverse = try sparseJacobian(of: LossBesideADenseRow(), at: [2.0, 3, 10], mode: .reverse, options: options)
        XCTAssertEqual(reverse.denseColumns, [0, 1, 2])
    }
}
