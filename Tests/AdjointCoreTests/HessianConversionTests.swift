import AdjointCore
import Foundation
import XCTest

/// A function that linearises by hand at a Double point is right to first order and wrong in its
/// second derivatives: f(x) = (c² + 2c(x₀ − c))·x₁ + sin x₁ with c read from x₀ is x₀²·x₁ + sin x₁
/// to first order, whose Hessian by hand is [[2x₁, 2x₀], [2x₀, −sin x₁]] = [[4, 1.4], [1.4, −0.909]]
/// at (0.7, 2); the products returned H₀₀ = 0 with no error (a review).
final class HessianConversionTests: XCTestCase {
    struct Linearised: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
            let c = x[0].approximateDouble
            let square = T(c * c) + T(2 * c) * (x[0] - T(c))
            return [square * x[1] + T.sin(x[1])]
        }
    }
    /// The same function without the conversion; a branch on the scalar type is no conversion.
    struct Honest: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
            let square = x[0] < T(-100) ? T(0) : x[0] * x[0]
            return [square * x[1] + T.sin(x[1])]
        }
    }

    func testTheSecondOrderProductsRefuseIt() throws {
        for call in [{ _ = try hessian(of: Linearised(), at: [0.7, 2.0]) },
                     { _ = try hvp(of: { (z: [HessianScalar<Double>]) in Linearised()(z)[0] }, at: [0.7, 2.0], direction: [1, 0]) }] {
            XCTAssertThrowsError(try call()) { e in
                let message = "\(e)"
                XCTAssertTrue(message.contains("approximateDouble"), message)
                XCTAssertTrue(message.contains("first order only"), message)
            }
        }
        // The first derivatives stay right (2x₀x₁ = 2.8, x₀² + cos x₁), and unrefused.
        let g = try gradient(of: { (z: [Reverse<Double>]) in Linearised()(z)[0] }, at: [0.7, 2.0])
        XCTAssertEqual(g[0], 2.8, accuracy: 1e-15)
        XCTAssertEqual(g[1], 0.49 + cos(2.0), accuracy: 1e-15)
    }

    func testABranchOnTheScalarTypeIsNoConversion() throws {
        let h = try hessian(of: Honest(), at: [0.7, 2.0])
        XCTAssertEqual(h[0][0], 4, accuracy: 1e-14)
        XCTAssertEqual(h[0][1], 1.4, accuracy: 1e-14)
        XCTAssertEqual(h[1][0], 1.4, accuracy: 1e-14)
        XCTAssertEqual(h[1][1], -sin(2.0), accuracy: 1e-14)
    }
}
