import XCTest
import AdjointCore
import AdjointSparse
import Foundation

private struct LogChain: ADFunction {
    // x₀·log x₀ + x₀x₁ + x₁² + x₂²: a tridiagonal-shaped pattern with a range loss in entry (0, 0).
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] * T.log(x[0]) + x[0] * x[1] + x[1] * x[1] + x[2] * x[2]] }
}

private struct TwoLosses: ADFunction {
    // x₀·log x₀ · x₁²/x₁¹²⁴ + x₂² + x₃·log x₃ + x₂x₃: columns 1 and 3 share a colour.
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
        [x[0] * T.log(x[0]) * (x[1] * x[1] / T.powi(x[1], 124)) + x[2] * x[2] + x[3] * T.log(x[3]) + x[2] * x[3]]
    }
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

    /// A colour of two columns, one whose tangents are huge (x₁'s, about 4·10¹⁸²) and one with a
    /// lost term (x₃·log x₃ at 4.8·10¹⁸⁷: its tangent −1/x₃² is below the range). One seed for the
    /// colour's direction cannot lift both, and ∂²/∂x₃² came out 2/x₃; by hand it is 1/x₃ =
    /// 2.0690171364405858·10⁻¹⁸⁸, which the dense Hessian gives (a review found it).
    func testAColourOfSeveralColumnsIsLiftedColumnByColumn() throws {
        let x = [9.197717188851586e297, 29.339572304317162, 3.532758930113479, 4.8332127481570335e187]
        let r = try sparseHessian(of: TwoLosses(), at: x)
        XCTAssertTrue(r.coloring.count < 4, "the case needs a colour of two columns: \(r.coloring.colors)")
        var h = [[Double]](repeating: [0, 0, 0, 0], count: 4)
        for e in r.matrix.entries { h[e.row][e.column] = e.value }
        XCTAssertEqual(h[3][3], 1 / x[3], accuracy: 4 * Double.ulpOfOne / x[3])
        XCTAssertEqual(h[2][3], 1)
        XCTAssertEqual(h[2][2], 2)
        let dense = try hessian(of: TwoLosses(), at: x)
        for (i, j) in [(0, 0), (0, 1), (1, 1), (2, 2), (2, 3), (3, 3)] {
            XCTAssertEqual(h[i][j], dense[i][j], accuracy: 64 * Double.ulpOfOne * Swift.abs(dense[i][j]), "(\(i), \(j))")
        }
    }
}
