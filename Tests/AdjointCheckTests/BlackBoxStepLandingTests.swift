import XCTest
@testable import AdjointCheck

/// A sample asked for at x + s·h is taken at x + s·h rounded to V's grid. Off the power-of-two
/// lattice (the black-box step scan's steps) the difference keeps its nominal h where the two
/// differ by less than 10⁻³ of h, and so misreads the slope by up to ulp(x)/(2h) of it, which its
/// rounding bound did not contain. Along e^(−x) at 700…708 the scan's finest levels, 1,500 ulps
/// of x, "resolved" claims 10⁻⁴ off the slope while reading 1.8·10⁻⁴ off it, and made the
/// conviction of such claims witnesses-conflict (inconclusive) at 15 of 17 points.
final class BlackBoxStepLandingTests: XCTestCase {
    /// −e^(−704), from mpmath at 30 digits: `-mpmath.exp(-704)` with mp.dps = 30.
    static let slopeAt704 = -1.80586275135226673053904237717e-306

    /// The central difference at 704 with a step off V's grid: its error must lie within the
    /// rounding bound it states (it held 2.6·10⁻⁶ of f′ where the landing alone is 3.4·10⁻⁴).
    func testACentralDifferenceOffTheGridBoundsTheLandingOfItsSamples() throws {
        var probe = LineProbe<Double>(eval: { [exp(-$0[0])] }, x: [704], axis: 0, center: nil)
        let central = Stencil.of(.central)
        // Steps the scan takes at 704 (BlackBoxChecker.scanStep with top 88, levels 37…41).
        for h in [9.179299645244378e-10, 3.9782327508810077e-10, 1.683407839569913e-10, 1.0890273206297482e-10,
                  4.680865263472257e-11] {
            let s = probe.apply(central, step: h, outputs: 1)
            let error = Swift.abs(s.derivative[0] - Self.slopeAt704)
            // Truncation at these steps is h²/6 of f′ (f‴ = f′), below 10⁻¹⁹ of it: the rest is rounding.
            XCTAssertLessThanOrEqual(error, s.rounding[0],
                                     "h = \(h): read \(s.derivative[0]) (\(error / Swift.abs(Self.slopeAt704)) of f′ off) within ± \(s.rounding[0])")
        }
    }

    /// e^(−x) (f′ = −e^(−x), by hand) at x = 700, 700.5, …, 708: claims 10⁻², 10⁻⁴ and 10⁻⁶ of f′
    /// off, either side, are convicted, and the right claim agrees.
    func testClaimsOffTheSlopeOfEToTheMinusXNearTheUnderflowAreConvicted() throws {
        var notConvicted: [String] = []
        for k in 0...16 {
            let x = 700 + 0.5 * Double(k)
            let right = try checkBlackBoxGradient(of: { (v: [Double]) in exp(-v[0]) }, at: [x], claimedGradient: { v in [-exp(-v[0])] })
            XCTAssertEqual(right.entries[0][0].verdict, .agree, right.renderTable())
            for delta in [1e-2, -1e-2, 1e-4, -1e-4, 1e-6, -1e-6] {
                let wrong = try checkBlackBoxGradient(of: { (v: [Double]) in exp(-v[0]) }, at: [x],
                                                      claimedGradient: { v in [-exp(-v[0]) * (1 + delta)] })
                let e = wrong.entries[0][0]
                if e.verdict.name != "rule-wrong" { notConvicted.append("x = \(x), \(delta): \(e.verdict)") }
            }
        }
        XCTAssertEqual(notConvicted, [], notConvicted.joined(separator: "\n"))
    }
}
