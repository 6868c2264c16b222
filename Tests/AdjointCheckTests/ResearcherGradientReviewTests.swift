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

    func testAWrongSlopeOfLogNearZeroIsConvictedAtAnyScale() throws {
        // f = log x₀ + x₁ (NaN for x₀ ≤ 0, as code guarding its domain returns): ∇f = (1/x₀, 1).
        // At x₀ = 10⁻²⁰⁰ steps along x₀ are scaled to |x₀|, and the step scan's truncation
        // weights h², h⁴, h⁶ underflowed to 0 (h ~ 10⁻²⁰¹): no level resolved, and the claim 2/x₀
        // (twice the slope, which every rung measured to 10⁻¹⁰) was "not confirmed
        // (noisy-evaluation)" of an f with no noise; at 10⁻¹⁶⁰ it was convicted.
        let f: ([Double]) -> Double = { x in (x[0] > 0 ? Foundation.log(x[0]) : .nan) + x[1] }
        for x0 in [1e-160, 1e-200, 1e-300] {
            let twice = try checkBlackBoxGradient(of: f, at: [x0, 1], claimedGradient: { x in [2 / x[0], 1] })
            XCTAssertEqual(verdicts(twice), [wrong, .agree], "x0 = \(x0): " + twice.renderTable())
            let right = try checkBlackBoxGradient(of: f, at: [x0, 1], claimedGradient: { x in [1 / x[0], 1] })
            XCTAssertTrue(right.passed, "x0 = \(x0): " + right.renderTable())
        }
    }
}
