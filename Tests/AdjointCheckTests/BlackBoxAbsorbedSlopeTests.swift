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

/// The claimed 0 at the same points: f is exactly constant out to the step scan's first step and
/// beyond, so every witness and scan level inside reads 0, and the wrong claim passed. Beyond,
/// f steps on both sides at secants near a (by hand, treads of ulp(B)/a), as a floor does too.
final class BlackBoxZeroOnAStaircaseTests: XCTestCase {
    func testAClaimedZeroForAnAbsorbedSlopeIsNotPassed() throws {
        for (a, big) in BlackBoxAbsorbedSlopeTests.cases {
            for x0 in [0.5, 2.0] {
                let f = { (x: [Double]) in (a * x[0] + big) - big + x[1] }
                XCTAssertEqual(f([x0 + 0.125, 0.5]), f([x0, 0.5]))
                let r = try checkBlackBoxGradient(of: f, at: [x0, 0.5], claimedGradient: { _ in [0, 1] })
                XCTAssertEqual(r.entries[0][0].verdict, .fdInconclusive(reasons: [.flatBelowScale]), "a \(a), B \(big), x₀ \(x0)")
                XCTAssertEqual(r.entries[0][1].verdict, .agree, "a \(a), B \(big), x₀ \(x0)")
                XCTAssertTrue(r.plateaus.contains { $0.hasPrefix("entry (f0, x0)") && $0.contains("staircase") }, "\(r.plateaus)")
            }
        }
    }

    /// The price: a floor's 0, right, is undecided too, since its steps look the same.
    func testAFloorsZeroIsUndecidedForTheSameReason() throws {
        let r = try checkBlackBoxGradient(of: { (x: [Double]) in (x[0]).rounded(.down) + x[1] }, at: [0.5, 0.5],
                                          claimedGradient: { _ in [0, 1] })
        XCTAssertEqual(r.entries[0][0].verdict, .fdInconclusive(reasons: [.flatBelowScale]))
    }

    /// Flat on one side for ever (relu below its kink, a clamp past its bound), and an input f
    /// ignores: the claimed 0 still passes, and the ignored input costs a few evaluations, not
    /// two for each of the look's seven levels.
    func testPlateausAndIgnoredInputsStillPass() throws {
        let relu = try checkBlackBoxGradient(of: { (x: [Double]) in Swift.max(x[0], 0) + x[1] }, at: [-5, 0.5],
                                             claimedGradient: { _ in [0, 1] })
        XCTAssertEqual(relu.entries[0][0].verdict, .agree)
        let clamp = try checkBlackBoxGradient(of: { (x: [Double]) in Swift.min(x[0], 2) + x[1] }, at: [3, 0.5],
                                              claimedGradient: { _ in [0, 1] })
        XCTAssertEqual(clamp.entries[0][0].verdict, .agree)
        // A dead zone leaving its flat piece continuously, one slope on both sides beyond it
        // (the L1 proximal step, sign(x₀)·max(|x₀| − 0.2, 0), at 0): no tread, so no staircase.
        let prox = try checkBlackBoxGradient(of: { (x: [Double]) in (x[0] < 0 ? -1 : 1) * Swift.max(Swift.abs(x[0]) - 0.2, 0) + x[1] },
                                             at: [0, 0.5], claimedGradient: { _ in [0, 1] })
        XCTAssertEqual(prox.entries[0][0].verdict, .agree)
        // A minimum's plateau: f rises on both sides beyond it.
        let well = try checkBlackBoxGradient(of: { (x: [Double]) in Swift.max(Swift.abs(x[0]) - 1, 0) + x[1] }, at: [0, 0.5],
                                             claimedGradient: { _ in [0, 1] })
        XCTAssertEqual(well.entries[0][0].verdict, .agree)
        var calls = 0
        let ignored = try checkBlackBoxGradient(of: { (x: [Double]) in calls += 1; return x[1] * x[1] }, at: [0.5, 0.5],
                                                claimedGradient: { x in [0, 2 * x[1]] })
        XCTAssertEqual(ignored.entries[0].map(\.verdict), [.agree, .agree])
        let used = calls
        calls = 0
        let both = try checkBlackBoxGradient(of: { (x: [Double]) in calls += 1; return x[1] * x[1] + x[0] }, at: [0.5, 0.5],
                                             claimedGradient: { x in [1, 2 * x[1]] })
        XCTAssertEqual(both.entries[0].map(\.verdict), [.agree, .agree])
        // The ignored input's staircase look is one pair of samples at the farthest level (and
        // the pair at the first step, which the other input's agreement may not have taken).
        XCTAssertLessThanOrEqual(used, calls + 4)
    }
}
