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
