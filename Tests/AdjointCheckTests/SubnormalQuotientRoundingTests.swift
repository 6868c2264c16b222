import Foundation
import XCTest
@testable import AdjointCheck

/// The rounding bound of a difference quotient that lands below Double's normal range, where the
/// quotient itself rounds to the subnormal spacing 2⁻¹⁰⁷⁴ ≈ 4.9·10⁻³²⁴, absolutely.
///
/// The reference for each quotient is the same two samples differenced and divided in Float80
/// (15 exponent bits: nothing underflows there, and the difference of two Doubles within a
/// factor 2⁹ of each other is exact in its 64-bit significand), an independent computation of
/// the value the Double quotient rounds.
final class SubnormalQuotientRoundingTests: XCTestCase {
    let decay: ([Double]) -> [Double] = { x in [Foundation.exp(-x[0])] }

    func central(at x: Double, step h: Double) -> (value: Double, rounding: Double, warnings: [FDWarning], reference: Float80) {
        var probe = LineProbe<Double>(eval: decay, x: [x], axis: 0, center: nil)
        let s = probe.apply(Stencil.of(.central), step: h, outputs: 1)
        let (plus, minus) = (Foundation.exp(-(x + h)), Foundation.exp(-(x - h)))
        let reference = (Float80(plus) - Float80(minus)) / (2 * Float80(h))
        return (s.derivative[0], s.rounding[0], s.warnings[0], reference)
    }

    /// e^(−x) at 737: f ≈ 1703 spacings, its samples at x ± h for h up to 28 are subnormal
    /// (e^(−709) ≈ 2.5·10¹⁵ spacings is the largest) and exact to the spacing. Their modelled
    /// rounding, 2 spacings, over h is below half a spacing for h > 4, so the bound computed
    /// as 2·2⁻¹⁰⁷⁴/h rounded to exactly 0: "± 0" for a quotient that is itself rounded.
    func testASubnormalQuotientsBoundIsNeverZeroAndHolds() {
        for h in [8.0, 12, 16, 20.5] {
            let c = central(at: 737, step: h)
            XCTAssertGreaterThan(c.rounding, 0, "h = \(h): 0 claims the rounded quotient \(c.value) exact")
            XCTAssertLessThanOrEqual(Swift.abs(Float80(c.value) - c.reference), Float80(c.rounding),
                                     "h = \(h): quotient \(c.value), unrounded \(c.reference), bound \(c.rounding)")
        }
    }

    /// e^(−x) at 710 with h = 2.9: the samples e^(−707.1) ≈ 8.1·10⁻³⁰⁸ and e^(−712.9) are normal or
    /// nearly so, their quotient −1.398·10⁻³⁰⁸ just below the normal range, with 15 digits (2.8·10¹⁵
    /// spacings). By hand its rounding is 2 ulps of 8.1·10⁻³⁰⁸ (3.6·10⁻³²³) over 2h, a spacing
    /// or so, plus the quotient's own half spacing: a few 10⁻³²³. The bound was the least normal
    /// magnitude, 2.2·10⁻³⁰⁸, larger than the quotient itself (2⁵² spacings too many).
    func testANormalSampleQuotientBelowTheRangeKeepsItsDigits() {
        let c = central(at: 710, step: 2.9)
        XCTAssertLessThan(c.value, -1e-308)
        XCTAssertLessThanOrEqual(c.rounding, 1e-321, "bound \(c.rounding) on \(c.value)")
        XCTAssertLessThanOrEqual(Swift.abs(Float80(c.value) - c.reference), Float80(c.rounding),
                                 "quotient \(c.value), unrounded \(c.reference), bound \(c.rounding)")
        XCTAssertTrue(c.warnings.contains(.underflow), "\(c.warnings)")
    }
}
