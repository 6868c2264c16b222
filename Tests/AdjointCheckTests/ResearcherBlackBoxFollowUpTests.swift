import AdjointCore
import Foundation
import XCTest
@testable import AdjointCheck

/// Scenarios of the researcher's review whose verdicts were right (not passed) but whose
/// reports did not say why.
/// Expected values are derived by hand in the comments.
final class ResearcherBlackBoxFollowUpTests: XCTestCase {
    let wrong = Verdict.ruleWrong(subjects: ["claimed"])

    func verdicts(_ r: CheckReport) -> [Verdict] { r.entries.joined().map(\.verdict) }

    func testAnEarlyExitCheckedAtItsCutoffIsADiscontinuity() throws {
        // f(x) = x < 10⁻⁶ ? 0 : x². At x = 10⁻⁶ itself f = 10⁻¹², just below it f = 0, so
        // f(x + h) − f(x − h) = (10⁻⁶ + h)² − 0 → 10⁻¹² as h → 0: a jump, and no derivative.
        // The report said "fd-inconclusive (estimate-too-large, no-convergence)".
        let f: ([Double]) -> Double = { x in x[0] < 1e-6 ? 0 : x[0] * x[0] }
        for claim in [2e-6, 4e-6] {
            let r = try checkBlackBoxGradient(of: f, at: [1e-6], claimedGradient: { _ in [claim] })
            guard case .discontinuity(let jump) = r.entries[0][0].verdict else {
                return XCTFail("claim \(claim): expected a discontinuity\n" + r.renderTable())
            }
            // At the finest step h ≤ 2⁻⁴⁰ the difference is 10⁻¹² + 2·10⁻⁶h + h² ≤ 10⁻¹² + 2·10⁻¹⁸.
            XCTAssertEqual(jump, 1e-12, accuracy: 1e-17, r.renderTable())
            XCTAssertTrue(r.renderTable().contains("discontinuity (jump ≈ 1"), r.renderTable())
        }
        // The same x² without the early exit is smooth at 10⁻⁶: 2x agrees, and 4x, wrong, is
        // wrong, not a jump (its differences across x, 4·10⁻⁶·h, shrink with h).
        let smooth: ([Double]) -> Double = { x in x[0] * x[0] }
        XCTAssertEqual(verdicts(try checkBlackBoxGradient(of: smooth, at: [1e-6], claimedGradient: { x in [2 * x[0]] })), [.agree])
        let twice = try checkBlackBoxGradient(of: smooth, at: [1e-6], claimedGradient: { x in [4 * x[0]] })
        XCTAssertEqual(verdicts(twice), [wrong], twice.renderTable())
    }
}
