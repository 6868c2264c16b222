import AdjointCore
import AdjointSparse
import XCTest

/// A sparse Hessian refuses a function that linearises by hand at a Double point, as `hessian`
/// does: (c² + 2c(x₀ − c))·x₁ + sin x₁ with c read from x₀ has H₀₀ = 2x₁ = 4 at (0.7, 2) by hand,
/// and the products gave 0 (a review).
final class SparseHessianConversionTests: XCTestCase {
    struct Linearised: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
            let c = x[0].approximateDouble
            return [(T(c * c) + T(2 * c) * (x[0] - T(c))) * x[1] + T.sin(x[1])]
        }
    }

    func testItIsRefused() {
        XCTAssertThrowsError(try sparseHessian(of: Linearised(), at: [0.7, 2.0])) { e in
            XCTAssertTrue("\(e)".contains("approximateDouble"), "\(e)")
        }
    }
}
