import XCTest
@testable import AdjointCheck

/// The black-box step scan extrapolates its levels with weights that are powers of the unit
/// steps (down to about 10⁻⁵⁰ at its finest levels). Multiplied into a slope near 10⁻²⁸⁰ they
/// underflowed, and the scan showed "0 ± 0" (or a subnormal 10⁻³ off with the estimate 0) as the
/// witness that convicted a claim: an error estimate that does not hold.
final class BlackBoxScanUnderflowTests: XCTestCase {
    /// J·v of f = x₀x₁ at (1, 2) along v = s·(1, −1) is, by hand, x₁v₀ + x₀v₁ = 2s − s = s. The
    /// claim x₁v₀ − x₀v₁ = 3s is wrong (three times J·v). Whatever witness convicts it must hold
    /// s within the error it states, and state one.
    func testAJVPAlongATinyDirectionIsConvictedByAWitnessWhoseEstimateHolds() throws {
        for s in [1e-280, 1e-300] {
            let r = try checkBlackBoxJVP(of: { (x: [Double]) in [x[0] * x[1]] }, at: [1.0, 2.0], direction: [s, -s],
                                         claimed: { x, v in [x[1] * v[0] - x[0] * v[1]] })
            let e = r.entries[0][0]
            XCTAssertEqual(e.verdict.name, "rule-wrong", r.renderTable())
            let w = try XCTUnwrap(e.witnessValue, r.renderTable())
            let estimate = try XCTUnwrap(e.errorEstimate, r.renderTable())
            XCTAssertGreaterThan(estimate, 0, "s = \(s): " + r.renderTable())
            XCTAssertLessThanOrEqual(Swift.abs(w - s), estimate, "s = \(s): witness \(w) ± \(estimate) for J·v = \(s)")
        }
    }
}

/// The step scan stopped at its first level when that level's rounding was beyond the gap, as if
/// rounding only grew as steps shrink. Along an input scaled to |x| = 400 its first step is 50,
/// and f = e^(400 − x) there is e^(±50): rounding 4.6·10⁴ beside a gap of 0.5.
final class BlackBoxScanFallingRoundingTests: XCTestCase {
    /// f = e^(400 − x) at x = 400: f = 1 and, by hand, f′ = −e⁰ = −1; libm's exp is good to an
    /// ulp, so f has no noise to hide a gap of 0.5. The claim −1.5 is wrong and was "not confirmed
    /// (noisy-evaluation)"; the right −1 agrees, before and after.
    func testAClaimHalfOffAUnitScaleSlopeAtALargeInputIsConvicted() throws {
        let f: ([Double]) -> Double = { x in exp(400 - x[0]) }
        let wrong = try checkBlackBoxGradient(of: f, at: [400], claimedGradient: { _ in [-1.5] })
        let e = wrong.entries[0][0]
        XCTAssertEqual(e.verdict.name, "rule-wrong", wrong.renderTable())
        let w = try XCTUnwrap(e.witnessValue, wrong.renderTable()), estimate = try XCTUnwrap(e.errorEstimate)
        XCTAssertLessThanOrEqual(Swift.abs(w - -1), estimate, "witness \(w) ± \(estimate) for f′ = −1")
        let right = try checkBlackBoxGradient(of: f, at: [400], claimedGradient: { _ in [-1] })
        XCTAssertEqual(right.entries[0][0].verdict.name, "agree", right.renderTable())
    }
}
