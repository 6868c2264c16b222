import AdjointCheck
import AdjointCore
import Foundation
import XCTest
@testable import AdjointTesting

/// f(x) = sin(x₀)·e^(x₁) + x₀x₁ in Double, a black box.
@Sendable private func sinExpPlusProduct(_ x: [Double]) -> Double { Foundation.sin(x[0]) * Foundation.exp(x[1]) + x[0] * x[1] }

/// ∇f = (cos x₀·e^(x₁) + x₁, sin x₀·e^(x₁) + x₀) by hand, evaluated in float32 arithmetic (inputs
/// rounded to Float, every operation in Float), as a float32 kernel would return it.
@Sendable private func float32Gradient(_ x: [Double]) -> [Double] {
    let a = Float(x[0]), b = Float(x[1])
    let e = Foundation.exp(b)
    return [Double(Foundation.cos(a) * e + b), Double(Foundation.sin(a) * e + a)]
}

/// `AdjointTestOptions.claimUnitRoundoff`: a claim computed in float32 beside an f in Double.
/// The harness had no way to say so, and right float32 gradients were convicted at Double's
/// tolerance: ∂f/∂x₀ = e + 1 at (0, 1) (by hand) computed in float32 is 3.7182817, 2.2·10⁻⁸
/// relative off, against a tolerance of 1.7·10⁻¹³.
final class ClaimPrecisionTests: XCTestCase {
    let space = InputSpace.vector(2, .uniform(-2...2))

    func options(_ unitRoundoff: Double?) -> AdjointTestOptions {
        var o = AdjointTestOptions()
        o.trials = 30
        o.claimUnitRoundoff = unitRoundoff
        return o
    }

    /// Without the option the right float32 gradient is convicted; with it, it passes, and the
    /// same gradient 1% off is still convicted.
    func testAFloat32ClaimIsJudgedAtItsOwnPrecision() {
        let asDouble = checkProperty(.blackBoxGradient(of: sinExpPlusProduct, claimed: float32Gradient, inputs: space),
                                     options: options(nil))
        XCTAssertEqual(asDouble.failure?.verdict, .ruleWrong, asDouble.message)
        let asFloat = checkProperty(.blackBoxGradient(of: sinExpPlusProduct, claimed: float32Gradient, inputs: space),
                                    options: options(Double(Float.ulpOfOne)))
        XCTAssertTrue(asFloat.passed, asFloat.message)
        XCTAssertEqual(asFloat.counts[.agree], 30, asFloat.message)
        let onePercentOff: @Sendable ([Double]) -> [Double] = { x in float32Gradient(x).map { $0 * 1.01 } }
        let wrong = checkProperty(.blackBoxGradient(of: sinExpPlusProduct, claimed: onePercentOff, inputs: space),
                                  options: options(Double(Float.ulpOfOne)))
        XCTAssertEqual(wrong.failure?.verdict, .ruleWrong, wrong.message)
    }

    /// Float's rounding is granted once, not twice: a float32 gradient 10⁻⁵ relative off (84 of
    /// Float's ulps, where a right one is off by at most 30 of them on its entry's scale over
    /// 200,000 points of this f, numpy float32 beside the hand gradient in Double) is convicted.
    /// With the allowance counted in atol on the entry's scale and again in rtol on the witness,
    /// 128 ulps, no trial convicted it: 30 of 30 were inconclusive.
    func testAFloat32ClaimOffByMoreThanFloatRoundsIsConvicted() {
        let off: @Sendable ([Double]) -> [Double] = { x in float32Gradient(x).map { $0 * (1 + 1e-5) } }
        let r = checkProperty(.blackBoxGradient(of: sinExpPlusProduct, claimed: off, inputs: space), options: options(Double(Float.ulpOfOne)))
        XCTAssertEqual(r.failure?.verdict, .ruleWrong, r.message)
    }

    /// The conviction of a right float32 claim checked as Double names the option that judges it
    /// at Float's precision, beside the rtol it used to suggest alone.
    func testTheConvictionOfAFloat32ClaimNamesTheOption() {
        let r = checkProperty(.blackBoxGradient(of: sinExpPlusProduct, claimed: float32Gradient, inputs: space), options: options(nil))
        XCTAssertEqual(r.failure?.verdict, .ruleWrong, r.message)
        XCTAssertTrue(r.message.contains("set options.claimUnitRoundoff = Double(Float.ulpOfOne) "
            + "(AdjointTestOptions.claimUnitRoundoff in the property harness"), r.message)
        // A claim off by a wrong formula's amount is not told to set it.
        let wrong = checkProperty(.blackBoxGradient(of: sinExpPlusProduct, claimed: { x in float32Gradient(x).map { $0 * 1.01 } }, inputs: space),
                                  options: options(nil))
        XCTAssertEqual(wrong.failure?.verdict, .ruleWrong, wrong.message)
        XCTAssertFalse(wrong.message.contains("claimUnitRoundoff"), wrong.message)
    }

    /// A unit roundoff that would judge nothing (≥ 1) or everything is refused by name, before
    /// any trial, not thrown at each point as f's error.
    func testAnInvalidUnitRoundoffIsRefused() {
        for u in [Double.nan, 0, -1e-7, 1, .infinity] {
            let r = checkProperty(.blackBoxGradient(of: sinExpPlusProduct, claimed: float32Gradient, inputs: space), options: options(u))
            XCTAssertFalse(r.passed, "\(u)")
            XCTAssertTrue(r.message.contains("AdjointTestOptions.claimUnitRoundoff must be in (0, 1)"), r.message)
        }
    }
}
