import AdjointCore
import Foundation
import XCTest
@testable import AdjointCheck

/// f = e^(−x) near 710, where f is subnormal (below 2.2·10⁻³⁰⁸) and its samples are exact to the
/// subnormal spacing 4.9·10⁻³²⁴: 4.5·10⁻³⁰⁹ at 710 still has 15 significant digits. By hand
/// f′ = −e^(−x), so a claim of −1.5·e^(−x) is 50% off.
///
/// Before: the step scan stopped at a step of about 3, where e^(−x + h) is still normal but the
/// difference quotient fell just below the normal range and took leastNormalMagnitude as its
/// rounding bound; the noise it then measured at steps near 3 to 16 was e^(−x)'s curvature, and
/// the 50% claim was fd-inconclusive (noisy-evaluation) at 709, 710, 715 and 730.
final class BlackBoxSubnormalOutputTests: XCTestCase {
    let decay: ([Double]) -> [Double] = { x in [Foundation.exp(-x[0])] }

    func testAClaimHalfOffIsConvictedWhereFIsSubnormal() throws {
        for x0 in [709.0, 710, 715, 730] {
            let wrong = try checkBlackBoxJacobian(of: decay, at: [x0], claimed: { x in [[-1.5 * Foundation.exp(-x[0])]] })
            XCTAssertEqual(wrong.entries[0][0].verdict, .ruleWrong(subjects: ["claimed"]), "\(x0)\n" + wrong.renderTable())
            let right = try checkBlackBoxJacobian(of: decay, at: [x0], claimed: { x in [[-Foundation.exp(-x[0])]] })
            XCTAssertTrue(right.passed, "\(x0)\n" + right.renderTable())
        }
    }
}

extension BlackBoxSubnormalOutputTests {
    /// e^(−x) at 745 is one spacing (mpmath: e^(−745) = 4.94·10⁻³²⁴ rounds to 2⁻¹⁰⁷⁴), and so is
    /// its slope, −2⁻¹⁰⁷⁴. The claim +2⁻¹⁰⁷⁴ is its negative. With the quotients' bounds a spacing
    /// (not 0), a tolerance near a spacing reached from the claim past 0, and the claim was judged
    /// as a claimed 0 would be and passed; it has a sign to lose, and is undecided.
    func testTheNegativeOfAOneSpacingSlopeIsNotPassed() throws {
        let decay: ([Double]) -> Double = { x in Foundation.exp(-x[0]) }
        let r = try checkBlackBoxGradient(of: decay, at: [745], claimedGradient: { _ in [Double.leastNonzeroMagnitude] })
        XCTAssertEqual(r.entries[0][0].verdict.name, "fd-inconclusive", r.renderTable())
    }
}
