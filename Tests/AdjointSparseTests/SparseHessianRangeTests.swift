import XCTest
import AdjointCore
import AdjointSparse
import Foundation

private struct LogChain: ADFunction {
    // x₀·log x₀ + x₀x₁ + x₁² + x₂²: a tridiagonal-shaped pattern with a range loss in entry (0, 0).
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] * T.log(x[0]) + x[0] * x[1] + x[1] * x[1] + x[2] * x[2]] }
}

/// The sparse Hessian's products recover a term lost below the least normal number as the dense
/// one's do. Expected values by hand: ∂²/∂x₀² = 1/x₀ = 10⁻²⁰⁰ at x₀ = 10²⁰⁰ (it returned
/// 2·10⁻²⁰⁰: log's tangent −1/x₀² = −10⁻⁴⁰⁰ underflows), ∂²/∂x₀∂x₁ = 1, ∂²/∂x₁² = ∂²/∂x₂² = 2.
final class SparseHessianRangeTests: XCTestCase {
    func testALogTangentBelowTheRangeIsRecovered() throws {
        let r = try sparseHessian(of: LogChain(), at: [1e200, 3, 4])
        var h = [[Double]](repeating: [0, 0, 0], count: 3)
        for e in r.matrix.entries { h[e.row][e.column] = e.value }
        XCTAssertEqual(h[0][0], 1e-200, accuracy: 4 * Double.ulpOfOne * 1e-200)
        XCTAssertEqual(h[0][1], 1)
        XCTAssertEqual(h[1][0], 1)
        XCTAssertEqual(h[1][1], 2)
        XCTAssertEqual(h[2][2], 2)
        XCTAssertEqual(h, try hessian(of: LogChain(), at: [1e200, 3, 4]))
    }
}
