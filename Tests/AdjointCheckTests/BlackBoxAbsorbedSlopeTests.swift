import XCTest
@testable import AdjointCheck

/// (a·x₀ + B) − B + x₁: a black box whose slope a along x₀ is absorbed by B at the smaller steps.
/// By hand ∂f/∂x₀ = a. With a·h below ulp(B)/2 out to the step scan's first step (1/8), f is
/// exactly constant there, and the flat conviction read the right claim a as a forgotten
/// saturation (rule-wrong) at x₀ = 0.5 and 2 for (a, B) = (10⁻³, 10¹³), (10⁻⁶, 10¹⁰), (10⁻³, 10¹⁴),
/// (10⁻², 10¹⁵). Beyond 1/8 f moves on both sides as a slope of a's sign does (treads of
/// ulp(B)/a: 1.95 for 10⁻³ and 10¹³), which a saturated clamp does not.
final class BlackBoxAbsorbedSlopeTests: XCTestCase {
    static let cases: [(a: Double, big: Double)] = [(1e-3, 1e13), (1e-6, 1e10), (1e-3, 1e14), (1e-2, 1e15)]

    func testARightSlopeAbsorbedAtTheSmallerStepsIsNotConvicted() throws {
        for (a, big) in Self.cases {
            for x0 in [0.5, 2.0] {
                let f = { (x: [Double]) in (a * x[0] + big) - big + x[1] }
                // The premise: f is exactly constant along x₀ at ±1/8.
                XCTAssertEqual(f([x0 + 0.125, 0.5]), f([x0, 0.5]))
                XCTAssertEqual(f([x0 - 0.125, 0.5]), f([x0, 0.5]))
                let r = try checkBlackBoxGradient(of: f, at: [x0, 0.5], claimedGradient: { _ in [a, 1] })
                XCTAssertNotEqual(r.entries[0][0].verdict, .ruleWrong(subjects: ["claimed"]), "a \(a), B \(big), x₀ \(x0)")
                XCTAssertEqual(r.entries[0][1].verdict, .agree, "a \(a), B \(big), x₀ \(x0)")
            }
        }
    }

    /// The claim's negative predicts f falling where it rises: still convicted, as is a clamp's
    /// forgotten saturation (min(x₀, 2) at 3, right slope 0, claimed 1: flat on the right for ever).
    func testAClaimAgainstTheStepsAndAForgottenSaturationAreStillConvicted() throws {
        let (a, big) = (1e-3, 1e13)
        let f = { (x: [Double]) in (a * x[0] + big) - big + x[1] }
        let flipped = try checkBlackBoxGradient(of: f, at: [0.5, 0.5], claimedGradient: { _ in [-a, 1] })
        XCTAssertEqual(flipped.entries[0][0].verdict, .ruleWrong(subjects: ["claimed"]))
        let clamp = try checkBlackBoxGradient(of: { (x: [Double]) in Swift.min(x[0], 2) + x[1] }, at: [3, 0.5],
                                              claimedGradient: { _ in [1, 1] })
        XCTAssertEqual(clamp.entries[0][0].verdict, .ruleWrong(subjects: ["claimed"]))
    }
}
