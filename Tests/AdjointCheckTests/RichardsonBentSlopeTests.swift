import XCTest
@testable import AdjointCheck

/// x·x rounded beside x = 2 is a staircase whose treads are millions of ulps of x long: with
/// 2x·ulp(x) within 10⁻⁷ of two of x²'s ulps, fl(t·t) moves with slope exactly 4 (not 2t) between
/// roundings, so x/(x·x − 4) is smooth below 2·10⁻⁹ with a slope 5·10⁻⁸ off. Richardson's start
/// at 6·10⁻⁸ was refused by a verification step of 4.5·10⁻¹³ on that bent slope, and a start
/// below the treads returned −49999997721169.87 ± 888274, 2.44·10⁶ from the truth, unwarned.
final class RichardsonBentSlopeTests: XCTestCase {
    func testAStartRefusedOnlyByABentSlopeStaysInTheEstimate() throws {
        // f′ = −(x² + 4)/(x² − 4)² at x = 4503599852550477/2²⁵¹ (the Double nearest 2.0000001),
        // exactly with Python fractions.Fraction, printed by mpmath at 50 digits.
        let truth = -50000000163657.918893909354836540714419535923726761
        let d = try differenceJacobian(evaluating: { x in [x[0] / (x[0] * x[0] - 4)] }, at: [2.0000001],
                                       method: .richardson)
        let e = d.entries[0][0]
        XCTAssertTrue(Swift.abs(e.value - truth) <= e.errorEstimate || !e.warnings.isEmpty,
                      "\(e.value) ± \(e.errorEstimate) \(e.warnings), true \(truth)")
        // Widened to cover both readings, not to a useless width: 10⁻⁶ of f′ still decides.
        XCTAssertLessThan(e.errorEstimate, 1e-6 * Swift.abs(truth), "\(e.value) ± \(e.errorEstimate)")
    }
}
