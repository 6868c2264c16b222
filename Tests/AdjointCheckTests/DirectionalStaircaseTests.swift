import AdjointCore
import Foundation
import XCTest
@testable import AdjointCheck

/// (1 − cos x)/x² at 10⁻⁶ is a staircase in Double: 1 − cos x moves in steps of 1.1·10⁻¹⁶ (ulps of
/// 1), so f moves in steps of 10⁻⁴ over 10⁻¹⁰ of x. Richardson along the random direction settled
/// on 62505.56 "± 7.6·10⁻⁶" for a J·v of 5.556, and the check failed right rules, though the
/// complex step confirmed the entry (a review). By hand f′(x) = (x sin x − 2(1 − cos x))/x³ ≈
/// −x/12 = −8.3·10⁻⁸ for the exact function; the floats' f has its own derivative, which forward
/// mode and the complex step share (−88.90058 here).
final class DirectionalStaircaseTests: XCTestCase {
    struct F: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [(1 - cos(x[0])) / (x[0] * x[0])] } }

    func testTheComplexStepAlongTheDirectionOverrulesAMisledDifference() throws {
        let r = try checkJacobian(of: F(), at: [1e-6])
        XCTAssertNotEqual(r.directional?.agrees, false, r.renderTable())
        XCTAssertTrue(r.passed, r.renderTable())
        XCTAssertTrue(r.directional?.note?.contains("complex step along the same direction") ?? false, r.renderTable())
    }

    /// A wrong cos rule still fails there: the complex step differentiates the primal, not the rule.
    func testAWrongCosRuleStillFails() throws {
        let r = try RuleMutations.withMutation(RuleMutation(op: .cos, factor: 1.5)) { try checkJacobian(of: F(), at: [1e-6]) }
        XCTAssertFalse(r.passed, r.renderTable())
        // Nor does the direction call forward mode confirmed by the complex step (a review: its
        // allowance held forward mode's rounding bound, which the complex step shares).
        for factor in [1.001, 1.0001] {
            let s = try RuleMutations.withMutation(RuleMutation(op: .cos, factor: factor)) { try checkJacobian(of: F(), at: [1e-6]) }
            XCTAssertFalse(s.directional?.note?.contains("complex step along the same direction") ?? false, s.renderTable())
        }
    }

    /// `x > 1 ? 1 : x` at 1: the tape records the branch taken (x, slope 1), the difference
    /// straddles the other (slope 0) and the complex step follows the taken one, so the direction
    /// decides nothing. The note said "f's rounding misled the difference (a staircase …)", beside
    /// the entry's note naming a branch; a branch is as likely a cause, and the note names both.
    func testTheNoteNamesABranchAsACause() throws {
        struct Clip: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] > T(1) ? T(1) : x[0]] } }
        let r = try checkJacobian(of: Clip(), at: [1.0])
        XCTAssertNil(r.directional?.agrees, r.renderTable())
        let note = try XCTUnwrap(r.directional?.note, r.renderTable())
        XCTAssertTrue(note.contains("a branch of f's code within its steps"), note)
    }
}
