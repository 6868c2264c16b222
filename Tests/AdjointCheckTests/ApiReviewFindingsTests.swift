import XCTest
import Foundation
@testable import AdjointCheck
import AdjointCore

// Findings of a review of the checking API by a user of the black-box check and of user
// primitives: each test failed before its fix. Expected values are hand derivations.

final class ApiReviewFindingsTests: XCTestCase {
    /// f(x) = 3·max(x, 0) at x = 10⁻¹⁷: f is 3x on (0, ∞), so f′ = 3 there (by hand); 1.5 is the
    /// mean of the slopes on either side of the kink at 0, which a difference whose step reaches
    /// past 0 returns. Before the fix both claims passed at the same point: Richardson's
    /// agreement with 1.5 at a step of 0.0625 overruled the adaptive method's 3.
    func testAMeanSlopeAcrossANearbyKinkIsNotPassedBesideTheTrueSlope() throws {
        let f = { (x: [Double]) in 3 * Swift.max(x[0], 0) }
        for x in [1e-17, 1e-19] {
            let mean = try checkBlackBoxGradient(of: f, at: [x], claimedGradient: { _ in [1.5] })
            XCTAssertFalse(mean.passed, "x = \(x)\n" + mean.renderTable())
            XCTAssertNotEqual(mean.entries[0][0].verdict.name, "agree", "x = \(x)")
            let right = try checkBlackBoxGradient(of: f, at: [x], claimedGradient: { _ in [3] })
            XCTAssertTrue(right.passed, "x = \(x)\n" + right.renderTable())
        }
    }
}
