import AdjointCheck
import AdjointCore
import Foundation
import XCTest

/// exp whose rule is right once and 1% off when differentiated again: d/dx of z·(1 + 0.01(x − c))
/// with c = x read as a Double is z·1.01 at x = c, where exp″ = exp (by hand) is z.
private enum ExpSecondOff: UnaryPrimitive {
    static let name = "exp_second_off"
    static var sampleRanges: [ClosedRange<Double>] { [1e-151...1e-150] }
    static func primal<T: ADScalar>(_ x: T) -> T { exp(x) }
    static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { z * (1 + T(0.01) * (x - T(x.approximateDouble))) }
}

/// The same exp with its right rule.
private enum TinyExp: UnaryPrimitive {
    static let name = "tiny_exp"
    static var sampleRanges: [ClosedRange<Double>] { [1e-151...1e-150] }
    static func primal<T: ADScalar>(_ x: T) -> T { exp(x) }
    static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { z }
}

/// sin whose rule reads cos x as a Double: its second derivative is 0 for −sin x = −x (by hand),
/// a gap of 10⁻¹⁵⁰ that no difference of a partial near 1 can resolve.
private enum TinySinLosingItsSecondDerivative: UnaryPrimitive {
    static let name = "tiny_sin"
    static var sampleRanges: [ClosedRange<Double>] { [1e-151...1e-150] }
    static func primal<T: ADScalar>(_ x: T) -> T { sin(x) }
    static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { T(Foundation.cos(x.approximateDouble)) }
}

/// `validate`'s second derivatives at points near 0 with no domain edge there. The steps along x
/// were held below |x|/4, so at x ≈ 10⁻¹⁵⁰ a difference of exp's partial (≈ 1) was all rounding:
/// no point was reliable, the check was inconclusive, and validate passed a rule 1% off on its
/// partials alone.
final class ValidateSecondDerivativeStepTests: XCTestCase {
    func testASecondDerivativeOffByOnePercentNearZeroFails() throws {
        let wrong = validate(ExpSecondOff.self)
        XCTAssertFalse(wrong.passed, wrong.description)
        let check = try XCTUnwrap(wrong.check(named: "second-derivatives"), wrong.description)
        XCTAssertEqual(check.outcome, .failed, check.detail)
        XCTAssertTrue(check.detail.contains("forward-over-reverse gives 1.01"), check.detail)
        // The right rule passes there, now judged.
        let right = validate(TinyExp.self)
        XCTAssertTrue(right.passed, right.description)
        XCTAssertEqual(right.check(named: "second-derivatives")?.outcome, .passed, right.description)
        // A gap below what the longer steps resolve stays undecided, not agreeing.
        let sin = validate(TinySinLosingItsSecondDerivative.self)
        XCTAssertEqual(sin.check(named: "second-derivatives")?.outcome, .inconclusive, sin.description)
    }

    /// With its second derivatives undecided at every point the sin above passed validate on its
    /// partials alone ("validate tiny_sin (seed 0x5EED): passed"), which read as second order
    /// checked. It is not confirmed now, and says which check could not decide and why. The
    /// partials, judged, still pass (cos 10⁻¹⁵⁰ = 1 to Double, by hand).
    func testSecondDerivativesUndecidedEverywhereIsNotAPass() {
        let sin = validate(TinySinLosingItsSecondDerivative.self)
        XCTAssertEqual(sin.check(named: "partials")?.outcome, .passed, sin.description)
        XCTAssertFalse(sin.passed, sin.description)
        XCTAssertEqual(sin.inconclusiveChecks, ["second-derivatives"], sin.description)
        XCTAssertTrue(sin.failedChecks.isEmpty, sin.description)
        XCTAssertTrue(sin.description.hasPrefix("validate tiny_sin (seed 0x5EED): NOT CONFIRMED (second-derivatives could not decide"),
                      sin.description)
        XCTAssertTrue(sin.description.contains("second-derivatives: inconclusive — no difference of the partials was reliable"),
                      sin.description)
        // Still judged where it can be: the right exp there passes, second derivatives included.
        let exp = validate(TinyExp.self)
        XCTAssertTrue(exp.passed, exp.description)
        XCTAssertTrue(exp.inconclusiveChecks.isEmpty, exp.description)
    }
}
