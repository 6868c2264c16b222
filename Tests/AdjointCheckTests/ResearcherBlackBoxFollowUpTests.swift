import AdjointCore
import Foundation
import XCTest
@testable import AdjointCheck

/// Two scenarios of the researcher's review whose verdicts were right (not passed) but whose
/// reports did not say why: an early exit checked at its cutoff, and Newton started at its root.
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

    func testNewtonStartedAtItsRootSaysFIsFlatBelowItsTolerance() throws {
        // x³ + ax − b = 0 from x = 1 at (a, b) = (2, 3): the residual at the start is
        // 1 + (2 + δa) − (3 + δb) = δa − δb, so Newton stops before its first step wherever
        // |δa − δb| ≤ 10⁻⁸ and f = 1 there; beyond, f follows the root, ∂x/∂a = −x/(3x² + a) = −1/5
        // and ∂x/∂b = 1/(3x² + a) = 1/5. Along either axis f is flat out to 10⁻⁸ exactly.
        let f: ([Double]) -> Double = { Researcher.cubicRoot($0, tol: 1e-8) }
        let twice = try checkBlackBoxGradient(of: f, at: [2, 3], claimedGradient: { _ in [-0.4, 0.4] })
        XCTAssertFalse(twice.passed, twice.renderTable())
        for j in 0..<2 {
            guard let note = twice.plateaus.first(where: { $0.hasPrefix("entry (f0, x\(j))") }) else {
                return XCTFail("no plateau note for x\(j): \(twice.notes)")
            }
            XCTAssertTrue(note.contains("flat below a scale of") && note.contains("piecewise constant"), note)
            XCTAssertTrue(note.contains("tighten its tolerance") && note.contains("where the solver iterates"), note)
            // A larger step was advised once; it decides nothing for a claimed 0 (the scan still
            // reaches into the band), so it is no longer offered.
            XCTAssertFalse(note.contains("options.step"), note)
        }
        // The notes say it once for both entries (report55: one note per entry repeated the advice).
        let grouped = twice.notes.filter { $0.contains("flat below a scale") }
        XCTAssertEqual(grouped.count, 1, "\(twice.notes)")
        XCTAssertTrue(grouped.first?.hasPrefix("entries (f0, x0), (f0, x1): ") == true, "\(grouped)")
        // The scale said is the band's: the last flat sample lies within 10⁻⁸ and, the scan's
        // steps shrinking by less than 3 per level, above 10⁻⁸/3.
        let scale = twice.plateaus.compactMap { note -> Double? in
            guard let r = note.range(of: "flat below a scale of ") else { return nil }
            return Double(note[r.upperBound...].prefix { !$0.isWhitespace })
        }
        XCTAssertEqual(scale.count, 2, "\(twice.plateaus)")
        for w in scale { XCTAssertTrue(w <= 1e-8 && w > 1e-8 / 3, "\(w)") }

        // A claimed 0 agrees with f inside the band and disagrees by 1/5 beyond it: neither
        // shown right nor wrong, and the report says f moves beyond the band. It passed before,
        // and so did (0, 1/5), a gradient that forgot a: (0, 1/5) ≠ (−1/5, 1/5) by hand.
        let zero = try checkBlackBoxGradient(of: f, at: [2, 3], claimedGradient: { _ in [0, 0] })
        XCTAssertEqual(zero.plateaus.count, 2, zero.renderTable() + "\n" + zero.notes.joined(separator: "\n"))
        XCTAssertFalse(zero.passed, zero.renderTable())
        XCTAssertEqual(verdicts(zero), [.fdInconclusive(reasons: [.flatBelowScale]), .fdInconclusive(reasons: [.flatBelowScale])],
                       zero.renderTable())
        XCTAssertTrue(zero.renderTable().contains("A claimed 0, the flat part's slope, is left undecided"), zero.renderTable())
        let forgot = try checkBlackBoxGradient(of: f, at: [2, 3], claimedGradient: { _ in [0, 0.2] })
        XCTAssertFalse(forgot.passed, forgot.renderTable())
        XCTAssertEqual(forgot.entries[0][0].verdict, .fdInconclusive(reasons: [.flatBelowScale]), forgot.renderTable())
        XCTAssertEqual(forgot.entries[0][1].verdict, .agree, forgot.renderTable())
        // A claim too small to move f above its rounding within the band reads as 0 there too
        // (10⁻¹⁷ was convicted where 0 was undecided: a review).
        let tiny = try checkBlackBoxGradient(of: f, at: [2, 3], claimedGradient: { _ in [1e-17, 0.2] })
        XCTAssertEqual(tiny.entries[0][0].verdict, .fdInconclusive(reasons: [.flatBelowScale]), tiny.renderTable())
        // J·v along v = (10⁻⁴, 0): by hand J·v = −1/5 · 10⁻⁴ = −2·10⁻⁵, and f is flat for
        // |t| ≤ 10⁻⁸/10⁻⁴ = 10⁻⁴ along the line; the forgotten variable's J·v = 0 agreed there while
        // the plateau test multiplied the change by the direction's reach once too often.
        let jvp = try checkBlackBoxJVP(of: { [Researcher.cubicRoot($0, tol: 1e-8)] }, at: [2.0, 3.0], direction: [1e-4, 0],
                                       claimed: { _, _ in [0] })
        XCTAssertEqual(jvp.entries[0][0].verdict, .fdInconclusive(reasons: [.flatBelowScale]), jvp.renderTable())
        let jvpRight = try checkBlackBoxJVP(of: { [Researcher.cubicRoot($0, tol: 1e-8)] }, at: [2.0, 3.0], direction: [1e-4, 0],
                                            claimed: { _, _ in [-2e-5] })
        XCTAssertTrue(jvpRight.passed, jvpRight.renderTable())
        // At a step far beyond the band as well: the step scan still reaches into it.
        var wide = CheckOptions.blackBox
        wide.step = .absolute(1e-3)
        let forgotWide = try checkBlackBoxGradient(of: f, at: [2, 3], claimedGradient: { _ in [0, 0.2] }, options: wide)
        XCTAssertEqual(forgotWide.entries[0][0].verdict, .fdInconclusive(reasons: [.flatBelowScale]), forgotWide.renderTable())
        // The right gradient passes at the first rung's steps, beyond the band: nothing to say.
        let right = try checkBlackBoxGradient(of: f, at: [2, 3], claimedGradient: { _ in [-0.2, 0.2] })
        XCTAssertTrue(right.passed, right.renderTable())
        XCTAssertTrue(right.plateaus.isEmpty, "\(right.plateaus)")
    }

    func testFlatnessFromRoundingIsNoPlateau() throws {
        // 10⁸ + 10⁻⁴x is flat below about 7·10⁻⁵ only because each sample rounds to
        // ulp(10⁸) ≈ 1.5·10⁻⁸; its slope 10⁻⁴ moves f by less than that. A saturated clamp
        // is flat at every step. Neither is a plateau of a solver.
        let offset = try checkBlackBoxGradient(of: { (x: [Double]) in 1e8 + 1e-4 * x[0] }, at: [0.5], claimedGradient: { _ in [2e-4] })
        XCTAssertEqual(verdicts(offset), [wrong], offset.renderTable())
        XCTAssertTrue(offset.plateaus.isEmpty, "\(offset.plateaus)")
        // Its claimed 0 (the variable forgotten) is no plateau's slope either: convicted, as the
        // differences beyond ulp(10⁸)'s reach resolve the slope 10⁻⁴.
        let forgotten = try checkBlackBoxGradient(of: { (x: [Double]) in 1e8 + 1e-4 * x[0] }, at: [0.5], claimedGradient: { _ in [0] })
        XCTAssertEqual(verdicts(forgotten), [wrong], forgotten.renderTable())
        let clamp = try checkBlackBoxGradient(of: { (x: [Double]) in Swift.min(Swift.max(2 * x[0] + 0.5, 0), 1) }, at: [0.4],
                                              claimedGradient: { _ in [2] })
        XCTAssertEqual(verdicts(clamp), [wrong], clamp.renderTable())
        XCTAssertTrue(clamp.plateaus.isEmpty, "\(clamp.plateaus)")
    }
}
