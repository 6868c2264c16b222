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
