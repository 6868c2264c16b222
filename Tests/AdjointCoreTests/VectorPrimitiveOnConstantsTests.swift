import XCTest
@testable import AdjointCore

/// (x₀, x₁) ↦ (x₀x₁, x₀ + x₁), with its JVP and VJP by hand.
private enum ProductAndSum: VectorPrimitive {
    static let name = "product_and_sum"
    static func primal(_ x: [Double]) -> [Double] { [x[0] * x[1], x[0] + x[1]] }
    static func jvp(at x: [Double], direction v: [Double]) -> [Double]? { [v[0] * x[1] + x[0] * v[1], v[0] + v[1]] }
    static func vjp(at x: [Double], cotangent u: [Double]) -> [Double]? { [u[0] * x[1] + u[1], u[0] * x[0] + u[1]] }
}

/// A vector primitive whose arguments are all constants needs no rule at the tape's level, so a
/// Hessian (a tape of duals, which carries no vector primitive on the tape) runs it instead of
/// refusing it; one with a variable argument is still refused by name.
final class VectorPrimitiveOnConstantsTests: XCTestCase {
    /// f = x₀²·c₀ + x₀x₁·c₁ with c = product_and_sum(3, 1/2) = (1.5, 3.5): by hand
    /// H = [[2c₀, c₁], [c₁, 0]] = [[3, 3.5], [3.5, 0]].
    func testAHessianRunsAPrimitiveOfConstants() throws {
        func f<T: ADScalar>(_ x: [T]) -> T {
            let c = ProductAndSum.apply([T(3.0), T(0.5)])
            return x[0] * x[0] * c[0] + x[0] * x[1] * c[1]
        }
        let h = try hessian(of: f, at: [0.7, -1.3])
        XCTAssertEqual(h, [[3, 3.5], [3.5, 0]])
    }

    func testAHessianThroughAVariableArgumentIsStillRefusedByName() {
        func g<T: ADScalar>(_ x: [T]) -> T { ProductAndSum.apply([x[0], x[1]])[0] }
        XCTAssertThrowsError(try hessian(of: g, at: [0.7, -1.3])) { e in
            XCTAssertTrue("\(e)".contains("product_and_sum"), "\(e)")
        }
    }
}
