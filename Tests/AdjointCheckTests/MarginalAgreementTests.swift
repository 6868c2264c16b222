import AdjointCore
import Foundation
import XCTest
@testable import AdjointCheck

/// An agreement that holds only inside the witness's safety margin no longer ends the ladder
/// (Checker's `marginal`). Expected values by hand.
final class MarginalAgreementTests: XCTestCase {
    struct SmallBesideLarge: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [sin(x[0]) * 0.05 + x[1] * x[1]] } }
    struct ExpBesideSquare: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [exp(x[0]) * x[1] + x[2] * x[2]] } }

    /// sin(x)·0.05 + z² at (0, 10⁴): ∂/∂x = 0.05·cos 0 = 0.05. Central read 0.0508 ± 0.006, and a
    /// claimed 0.075, four estimates away, "agreed" (sharp beside f's 10⁸); the complex step
    /// resolves it. The right claim still passes.
    func testAClaimHalfAgainTooLargeBesideALargeTermIsConvicted() throws {
        let x = [0.0, 1e4]
        let wrong = try checkGradient(of: SmallBesideLarge(), at: x, claimedGradient: { _ in [0.075, 2e4] })
        XCTAssertEqual(wrong.entries[0][0].verdict, .ruleWrong(subjects: ["claimed"]), wrong.renderTable())
        XCTAssertEqual(wrong.entries[0][0].witnessValue ?? .nan, 0.05, accuracy: 1e-12)
        let right = try checkGradient(of: SmallBesideLarge(), at: x, claimedGradient: { _ in [0.05, 2e4] })
        XCTAssertTrue(right.passed, right.renderTable())
    }

    /// exp(x)·y + z² at (−3, 5·10⁻⁸, 9·10⁵): ∂/∂y = e⁻³. Richardson's 0.0485 ± 0.0115 "agreed"
    /// with a claimed 1.5·e⁻³.
    func testTheReviewsSecondPoint() throws {
        let x = [-3.0, 5e-8, 9e5]
        let e3 = Foundation.exp(-3.0)
        let wrong = try checkGradient(of: ExpBesideSquare(), at: x, claimedGradient: { x in [e3 * x[1], 1.5 * e3, 2 * x[2]] })
        XCTAssertEqual(wrong.entries[0][1].verdict, .ruleWrong(subjects: ["claimed"]), wrong.renderTable())
        let right = try checkGradient(of: ExpBesideSquare(), at: x, claimedGradient: { x in [e3 * x[1], e3, 2 * x[2]] })
        XCTAssertTrue(right.passed, right.renderTable())
    }

    /// The black-box check of the first function at (0, 9·10⁵): f rounds by 10⁻⁴, Richardson read
    /// 0.0511 ± 0.0115 and passed a claimed 0.075 (a review). It is no pass now: the step scan
    /// cannot resolve the gap, and the entry says why. The right claim still passes.
    func testABlackBoxClaimOnlyInsideTheSafetyMarginIsNotPassed() throws {
        let f: ([Double]) -> Double = { x in Foundation.sin(x[0]) * 0.05 + x[1] * x[1] }
        let x = [0.0, 9e5]
        let wrong = try checkBlackBoxGradient(of: f, at: x, claimedGradient: { x in [0.075 * Foundation.cos(x[0]), 2 * x[1]] })
        XCTAssertEqual(wrong.entries[0][0].verdict, .fdInconclusive(reasons: [.beyondEstimate]), wrong.renderTable())
        XCTAssertFalse(wrong.passed)
        let right = try checkBlackBoxGradient(of: f, at: x, claimedGradient: { x in [0.05 * Foundation.cos(x[0]), 2 * x[1]] })
        XCTAssertTrue(right.passed, right.renderTable())
    }

    /// With erf beside them, the complex step cannot run and exact rationals do not apply: the
    /// marginal agreement is the last word, and it is no pass (a review). By hand ∂/∂x₀ = 0.05.
    func testAMarginalAgreementNothingLaterDecidesIsNoPass() throws {
        struct F: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [sin(x[0]) * 0.05 + x[1] * x[1] + erf(x[2])] } }
        let x = [0.0, 9e5, 0.3]
        let erfSlope = 2 / Foundation.sqrt(Double.pi) * Foundation.exp(-0.09)
        let wrongClaim: ([Double]) -> [Double] = { _ in [0.075, 1.8e6, erfSlope] }
        let wrong = try checkGradient(of: F(), at: x, claimedGradient: wrongClaim)
        XCTAssertFalse(wrong.entries[0][0].passes, wrong.renderTable())
        let mutated = try RuleMutations.withMutation(RuleMutation(op: .sin, factor: 1.5)) { try checkJacobian(of: F(), at: x) }
        XCTAssertFalse(mutated.passed, mutated.renderTable())
        let rightClaim: ([Double]) -> [Double] = { _ in [0.05, 1.8e6, erfSlope] }
        let right = try checkGradient(of: F(), at: x, claimedGradient: rightClaim)
        XCTAssertFalse(right.entries[0][0].verdict == .ruleWrong(subjects: ["claimed"]), right.renderTable())
    }
}
