import AdjointCore
import Foundation
import XCTest
@testable import AdjointCheck

/// Rounding inside f that moves its derivative is no rule's fault: ((1 + r)¹² − 1)/r at r = 10⁻⁷
/// rounds 1 + r, so the floats' f has the derivative the complex step, forward and reverse give
/// (65.938…), while f computed exactly has 66.0000440000148 (by hand: 12(1+r)¹¹/r − ((1+r)¹² − 1)/r²,
/// i.e. 66 + 440r + …, 30 digits by mpmath: 66.0000440000148500…). Exact rationals and jac's exact
/// mode give the latter, and forward and reverse were rule-wrong on it (a review).
final class RoundingMovesDerivativeTests: XCTestCase {
    struct Compound: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [(T.powi(1 + x[0], 12) - 1) / x[0]] } }
    struct Absorbed: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [((1 + x[0]) - 1) / x[0]] } }

    func testNoRuleIsConvictedWhenTheFloatsAndTheExactFunctionDiffer() throws {
        // jac's exact mode joins as a subject of the exact function's derivative.
        let exact: ([Double]) -> [[Double]] = { _ in [[66.0000440000148500]] }
        let r = try checkJacobian(of: Compound(), at: [1e-7], claimed: exact, claimedName: "exact")
        XCTAssertEqual(r.entries[0][0].verdict, .fdInconclusive(reasons: [.witnessesConflict]), r.renderTable())
        XCTAssertTrue(r.notes.contains { $0.contains("rounding inside f") }, "\(r.notes)")
        // ((1 + x) − 1)/x is exactly 1 for x in Q: derivative 0 (by hand), and the floats' f steps.
        let a = try checkJacobian(of: Absorbed(), at: [1e-10], claimed: { _ in [[0]] }, claimedName: "exact")
        if case .ruleWrong = a.entries[0][0].verdict { XCTFail(a.renderTable()) }
    }

    /// A wrong claim beside them is still convicted: 2× the exact derivative is wrong for both
    /// the floats' f and the exact one.
    func testAClaimWrongForBothIsStillConvicted() throws {
        let r = try checkJacobian(of: Compound(), at: [1e-7], claimed: { _ in [[132.0000880000297]] })
        XCTAssertEqual(r.entries[0][0].verdict, .ruleWrong(subjects: ["claimed"]), r.renderTable())
    }
}
