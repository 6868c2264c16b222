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

/// sin whose derivative reads its input as a Double (a review's case).
private enum DoubleRuleSin: UnaryPrimitive {
    static let name = "double_rule_sin"
    static func primal<T: ADScalar>(_ x: T) -> T { T.sin(x) }
    static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { T(Foundation.cos(x.approximateDouble)) }
}

/// A Hessian through a user rule that reads a Double is an error naming the rule, in whichever
/// product meets it: each product seeds one input's direction, and the rule loses a tangent only
/// where one is carried, so an escape through x₁ alone shows in the product along x₁.
final class HessianEscapeDirectionTests: XCTestCase {
    func testAnEscapeSeenOnlyAlongALaterInputIsAnError() throws {
        // f(x₀, x₁) = x₀² + erf(x₁): by hand ∂²f/∂x₁² = −2x₁·2/√π·e^(−x₁²) ≈ −0.968 at x₁ = 0.7,
        // which a rule computed on Doubles cannot give. It gave 0 and no error.
        let f: ([HessianScalar<Double>]) -> HessianScalar<Double> = { x in x[0] * x[0] + DoubleRuleErf.apply(x[1]) }
        XCTAssertThrowsError(try hessian(of: f, at: [0.3, 0.7])) { e in
            XCTAssertTrue("\(e)".contains("double_rule_erf"), "\(e)")
        }
        // Along x₀ no tangent reaches the rule: H·e₀ = (2, 0) by hand, and no error.
        XCTAssertEqual(try hvp(of: f, at: [0.3, 0.7], direction: [1, 0]), [2, 0])
        XCTAssertThrowsError(try hvp(of: f, at: [0.3, 0.7], direction: [0, 1]))
    }

    func testTheSameEscapeAlongTheFirstInputIsAnError() throws {
        // The mirror f(x₀, x₁) = erf(x₀) + x₁²: the product along x₀ meets it.
        let f: ([HessianScalar<Double>]) -> HessianScalar<Double> = { x in DoubleRuleErf.apply(x[0]) + x[1] * x[1] }
        XCTAssertThrowsError(try hessian(of: f, at: [0.7, 0.3]))
        XCTAssertEqual(try hvp(of: f, at: [0.7, 0.3], direction: [0, 1]), [0, 2])
    }

    /// sin(x)·y at (0.7, 2) with sin′ read on Doubles gave [[0, 0.765], [0.765, 0]]; by hand
    /// H₀₀ = −y·sin x = −1.288. The error names the rule and says what to do.
    func testTheReviewsSinIsNamed() throws {
        let f: ([HessianScalar<Double>]) -> HessianScalar<Double> = { x in DoubleRuleSin.apply(x[0]) * x[1] }
        XCTAssertThrowsError(try hessian(of: f, at: [0.7, 2])) { e in
            guard case ADError.invalidArgument(let why) = e else { return XCTFail("\(e)") }
            XCTAssertTrue(why.contains("double_rule_sin") && why.contains("approximateDouble") && why.contains("BlackBoxPrimitive"), why)
        }
        // The same rule written generically gives the hand values.
        let g: ([HessianScalar<Double>]) -> HessianScalar<Double> = { x in HessianScalar<Double>.sin(x[0]) * x[1] }
        let h = try hessian(of: g, at: [0.7, 2])
        XCTAssertEqual(h[0][0], -2 * Foundation.sin(0.7), accuracy: 1e-15)
        XCTAssertEqual(h[0][1], Foundation.cos(0.7), accuracy: 1e-15)
        // A first derivative needs no second one: the gradient through the rule is right.
        let grad = try gradient(of: { (x: [Reverse<Double>]) in DoubleRuleSin.apply(x[0]) * x[1] }, at: [0.7, 2])
        XCTAssertEqual(grad[0], 2 * Foundation.cos(0.7), accuracy: 1e-15)
    }
}
