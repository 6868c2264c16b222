import AdjointCheck
import AdjointCore
import XCTest

/// 10⁻³⁰⁰x², whose partial is 2·10⁻³⁰⁰x (by hand), with that rule and with one 10⁻⁶ off.
private enum TinyQuadratic: UnaryPrimitive {
    static let name = "tiny_quadratic"
    static func primal<T: ADScalar>(_ x: T) -> T { 1e-300 * x * x }
    static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { 2e-300 * x }
}

private enum TinyQuadraticOff: UnaryPrimitive {
    static let name = "tiny_quadratic_off"
    static func primal<T: ADScalar>(_ x: T) -> T { 1e-300 * x * x }
    static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { 2.000002e-300 * x }
}

/// A primitive's partial judged by Richardson alone (the complex step of 10⁻³⁰⁰x² has a subnormal
/// imaginary part and does not judge) had 10⁻¹² of absolute slack whatever the primitive's size:
/// validate passed TinyQuadraticOff ("17 partials agree"), and fault localisation found no rule
/// wrong where the check convicted forward and reverse mode.
final class TinyScalePartialTests: XCTestCase {
    func testAWrongRuleOfATinyPrimitiveFailsValidation() {
        let v = validate(TinyQuadraticOff.self)
        XCTAssertEqual(v.check(named: "partials")?.outcome, .failed, v.description)
        XCTAssertFalse(v.passed, v.description)
    }

    func testTheRightRuleOfATinyPrimitiveStillPasses() {
        let v = validate(TinyQuadratic.self)
        XCTAssertTrue(v.passed, v.description)
    }
}

/// 10⁻³⁰⁰·(x₀², x₁²) elementwise, whose J·v is 2·10⁻³⁰⁰·(x₀v₀, x₁v₁) (by hand), with a JVP 10⁻⁶ off
/// and a right VJP.
private enum TinySquaresJVPOff: VectorPrimitive {
    static let name = "tiny_squares_jvp_off"
    static func primal(_ x: [Double]) -> [Double] { x.map { 1e-300 * $0 * $0 } }
    static func jvp(at x: [Double], direction v: [Double]) -> [Double]? { zip(x, v).map { 2.000002e-300 * $0 * $1 } }
    static func vjp(at x: [Double], cotangent u: [Double]) -> [Double]? { zip(x, u).map { 2e-300 * $0 * $1 } }
}

final class TinyScaleJVPTests: XCTestCase {
    /// The JVP against a difference of the primal had the same bare 10⁻¹² of slack.
    func testAWrongJVPOfATinyVectorPrimitiveFailsValidation() {
        let v = validate(TinySquaresJVPOff.self, inputs: 2)
        XCTAssertEqual(v.check(named: "jvp")?.outcome, .failed, v.description)
        XCTAssertFalse(v.passed, v.description)
    }
}
