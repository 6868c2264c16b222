import AdjointCore
import Foundation
import XCTest
@testable import AdjointCheck

/// A researcher cross-validating hand gradients of non-generic code with the black-box checks
/// (second review). Expected values are derived by hand in the comments, never read off the check.
final class ResearcherGradientReviewTests: XCTestCase {
    let wrong = Verdict.ruleWrong(subjects: ["claimed"])

    func verdicts(_ r: CheckReport) -> [Verdict] { r.entries.joined().map(\.verdict) }

    func testAForgottenSmallTermBesideAHugeOneIsNotPassedAsZero() throws {
        // L = 10¹²·sin w₀ + w₁² (a data term on a huge scale and a small penalty): ∇L =
        // (10¹²cos w₀, 2w₁) = (9.55·10¹¹, 1.4) at (0.3, 0.7). L ≈ 3·10¹¹ rounds to ulp ≈ 6·10⁻⁵, so
        // central's samples along w₁ (step ~10⁻⁵, moving L by ~10⁻⁵) are all equal and read 0;
        // at a step of 1/8 L moves by 0.19, 3000 ulps. The penalty's gradient forgotten (a claimed
        // 0) agreed with those equal samples, on the row's scale of 10¹².
        let f: ([Double]) -> Double = { x in 1e12 * sin(x[0]) + x[1] * x[1] }
        let p = [0.3, 0.7]
        let forgotten = try checkBlackBoxGradient(of: f, at: p, claimedGradient: { x in [1e12 * cos(x[0]), 0] })
        XCTAssertEqual(verdicts(forgotten), [.agree, wrong], forgotten.renderTable())
        let right = try checkBlackBoxGradient(of: f, at: p, claimedGradient: { x in [1e12 * cos(x[0]), 2 * x[1]] })
        XCTAssertTrue(right.passed, right.renderTable())
        // An input the loss ignores is still a claimed 0 that passes, beside the same huge term.
        let ignores: ([Double]) -> Double = { x in 1e12 * sin(x[0]) }
        let zero = try checkBlackBoxGradient(of: ignores, at: p, claimedGradient: { x in [1e12 * cos(x[0]), 0] })
        XCTAssertTrue(zero.passed, zero.renderTable())
    }
}
