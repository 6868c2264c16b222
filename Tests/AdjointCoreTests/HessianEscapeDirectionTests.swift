import Foundation
import XCTest
@testable import AdjointCore

/// erf whose rule is computed on Doubles: its value and first derivative are right, its
/// derivative carries no tangent, so every second derivative through it is lost (an escape).
private enum DoubleRuleErf: UnaryPrimitive {
    static let name = "double_rule_erf"
    static func primal<T: ADScalar>(_ x: T) -> T { T(Foundation.erf(x.approximateDouble)) }
    static func derivative<T: ADScalar>(_ x: T, output z: T) -> T {
        let v = x.approximateDouble
        return T(2 / Double.pi.squareRoot() * Foundation.exp(-v * v))
    }
}

/// A Hessian's diagnostics report an escape that only some of its products meet. Each product
/// seeds one input's direction; a rule that reads a Double loses a tangent only where one is
/// carried, so an escape through x₁ alone shows in the product along x₁, not the one along x₀.
final class HessianEscapeDirectionTests: XCTestCase {
    func testAnEscapeSeenOnlyAlongALaterInputIsReported() throws {
        // f(x₀, x₁) = x₀² + erf(x₁): by hand ∂²f/∂x₁² = −2x₁·2/√π·e^(−x₁²) ≈ −0.968 at x₁ = 0.7,
        // which a rule computed on Doubles cannot give; the Hessian's diagnostics must say so.
        let f: ([HessianScalar<Double>]) -> HessianScalar<Double> = { x in x[0] * x[0] + DoubleRuleErf.apply(x[1]) }
        let (h, d) = try Diagnostics.collect { try hessian(of: f, at: [0.3, 0.7]) }
        XCTAssertEqual(h[0][0], 2)
        XCTAssertNotEqual(h[1][1], -2 * 0.7 * 2 / Double.pi.squareRoot() * Foundation.exp(-0.49), accuracy: 1e-3,
                          "the rule read a Double, so the second derivative is lost: \(h)")
        XCTAssertGreaterThan(d.escapes, 0, "H[1][1] = \(h[1][1]) is wrong and nothing says so")
    }

    func testTheSameEscapeAlongTheFirstInputIsReported() throws {
        // The mirror f(x₀, x₁) = erf(x₀) + x₁²: the product along x₀ meets it.
        let f: ([HessianScalar<Double>]) -> HessianScalar<Double> = { x in DoubleRuleErf.apply(x[0]) + x[1] * x[1] }
        let (_, d) = try Diagnostics.collect { try hessian(of: f, at: [0.7, 0.3]) }
        XCTAssertGreaterThan(d.escapes, 0)
        // Counted as one product counts it, not once more per product.
        let (_, one) = try Diagnostics.collect { try hvp(of: f, at: [0.7, 0.3], direction: [1, 0]) }
        XCTAssertEqual(d.escapes, one.escapes)
    }
}
