import XCTest
import AdjointCore

/// tanh′ = sech² x and tanh″ = −2·tanh x·sech² x; reference values from mpmath at 40 digits
/// (`mp.dps = 40`, those two formulas).
final class TanhSecondDerivativeTests: XCTestCase {
    private let cases: [(x: Double, first: Double, second: Double)] = [
        (1, 0.41997434161402606939, -0.63970000844922450019),
        (-1.5, 0.1807066389236485306, 0.32713259728754782893),
        (2, 0.070650824853164465686, -0.13621868742711304117),
        (-7, 3.3261093449010854032e-6, 6.652207626789597363e-6),
        (30, 3.5026043050786081354e-26, -7.0052086101572162708e-26),
        (354, 1.3230212014553631985e-307, -2.646042402910726397e-307),
    ]

    /// The rule took sech² as 1/cosh²: cosh² overflows from |x| ≈ 355, and its derivative on a
    /// dual is then ∞/∞, so `jac hessian "tanh(x)" --at x=400` failed with a non-finite entry where
    /// tanh″ is −2.9e-347 (−0 in Double). Now (1/cosh x)²: 8 ulps for cosh, a quotient and a
    /// square, differentiated once more. Beyond |x| ≈ 710 cosh itself overflows and (2e^(−|x|))²
    /// is used.
    func testSecondDerivativeInTheTailsIsFinite() throws {
        for c in cases {
            let h = try hessian(of: { (x: [HessianScalar<Double>]) in HessianScalar<Double>.tanh(x[0]) }, at: [c.x])[0][0]
            XCTAssertEqual(h, c.second, accuracy: 8 * c.second.ulp, "tanh″(\(c.x))")
            let g = try gradient(of: { (x: [Reverse<Double>]) in Reverse.tanh(x[0]) }, at: [c.x])[0]
            XCTAssertEqual(g, c.first, accuracy: 4 * c.first.ulp, "tanh′(\(c.x))")
        }
        for x in [400.0, -400, 700] {
            let h = try hessian(of: { (x: [HessianScalar<Double>]) in HessianScalar<Double>.tanh(x[0]) }, at: [x])[0][0]
            XCTAssertEqual(h, 0, "tanh″(\(x)) underflows to 0")
        }
        // Where cosh overflows too (|x| ≳ 710) sech x is taken as 2e^(−|x|): tanh″ is 0, not a
        // NaN refused as non-finite (HigherOrderReferenceTests has 1e8 to 1e300).
        for x in [800.0, -1e8, 1e300] {
            let h = try hessian(of: { (x: [HessianScalar<Double>]) in HessianScalar<Double>.tanh(x[0]) }, at: [x])[0][0]
            XCTAssertEqual(h, 0, "tanh″(\(x)) underflows to 0")
        }
        // sinh(x)·tanh(x) at 710: value, slope and curvature all ≈ sinh 710 = 1.1169973830808555e308 (mpmath).
        let h = try hessian(of: { (x: [HessianScalar<Double>]) in HessianScalar<Double>.sinh(x[0]) * HessianScalar<Double>.tanh(x[0]) }, at: [710])[0][0]
        XCTAssertEqual(h, 1.116997383080855515626822229058405003284e308, accuracy: 8 * 1.1e308.ulp)
    }
}
