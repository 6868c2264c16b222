import AdjointCheck
import AdjointCore
import Foundation
import XCTest

/// cos tabulated at spacing 0.1 and interpolated linearly: piecewise linear, a kink at every knot.
@Sendable private func tabulatedCos(_ x: [Double]) -> Double {
    let h = 0.1
    let i = (x[0] / h).rounded(.down)
    let t = x[0] / h - i
    let a = Foundation.cos(i * h), b = Foundation.cos((i + 1) * h)
    return a + t * (b - a)
}

/// At a knot every rung's settled difference is the mean of the one-sided slopes; one rung that
/// reached a single side agreed loosely, was overruled by Richardson's sharper mean, and the claim
/// went to conviction without the one-sided analysis that runs when no rung agrees. At x = −1
/// (−1/0.1 is −10 exactly, a knot; the harness's shrinker lands there from −1.662) every claim was
/// rule-wrong against 0.8400692 ± 2·10⁻¹³, −sin(−1) between the one-sided slopes included.
final class BlackBoxTableKnotTests: XCTestCase {
    /// mpmath at 30 digits: the slopes of the segments meeting at −1 are (cos 1 − cos 1.1)/0.1 =
    /// 0.867061844425623 (left) and (cos 0.9 − cos 1)/0.1 = 0.813076624025247 (right);
    /// −sin(−1) = 0.841470984807897 lies between them, 0.9 does not.
    func testAKnotOfALinearInterpolationIsAKinkNotAConviction() throws {
        let inside = try checkBlackBoxGradient(of: tabulatedCos, at: [-1.0], claimedGradient: { _ in [0.841470984807897] })
        XCTAssertEqual(inside.entries[0][0].verdict, .kink(validSubgradient: true), inside.renderTable())
        let k = try XCTUnwrap(inside.entries[0][0].kink, inside.renderTable())
        XCTAssertEqual(k.left, 0.867061844425623, accuracy: 1e-9, inside.renderTable())
        XCTAssertEqual(k.right, 0.813076624025247, accuracy: 1e-9, inside.renderTable())
        let outside = try checkBlackBoxGradient(of: tabulatedCos, at: [-1.0], claimedGradient: { _ in [0.9] })
        XCTAssertEqual(outside.entries[0][0].verdict, .kink(validSubgradient: false), outside.renderTable())
        // Inside a segment the table's slope is its secant, and a claim of cos′ there is still wrong:
        // at −1.662 the segment [−1.7, −1.6] has slope (cos 1.6 − cos 1.7)/0.1 = 0.996449719942
        // (mpmath), and −sin(−1.662) = 0.995843827154.
        let between = try checkBlackBoxGradient(of: tabulatedCos, at: [-1.662], claimedGradient: { x in [-Foundation.sin(x[0])] })
        XCTAssertEqual(between.entries[0][0].verdict, .ruleWrong(subjects: ["claimed"]), between.renderTable())
    }

    /// The conviction inside a segment says why a claim right for cos is wrong for f: f is linear
    /// around x, and its derivative is the segment's slope (0.996449719942, mpmath, as above), not
    /// −sin(−1.662). The segment reaches 0.038 left and 0.062 right of −1.662, so f is linear at
    /// steps up to 1/32 and not at 1/16. The note changes no verdict.
    func testAConvictionInsideASegmentSaysFIsLinearThereWithTheSegmentsSlope() throws {
        let between = try checkBlackBoxGradient(of: tabulatedCos, at: [-1.662], claimedGradient: { x in [-Foundation.sin(x[0])] })
        XCTAssertEqual(between.entries[0][0].verdict, .ruleWrong(subjects: ["claimed"]), between.renderTable())
        XCTAssertEqual(between.linearSegments.count, 1, between.notes.joined(separator: "\n"))
        let note = try XCTUnwrap(between.linearSegments.first)
        XCTAssertTrue(note.contains("f is linear along x0 within ±0.03125 of x"), note)
        XCTAssertTrue(note.contains("at ±0.0625 it is not"), note)
        XCTAssertTrue(note.contains("slope, 0.9964497,"), note)
        XCTAssertTrue(note.contains("the derivative of the smooth function the table samples is not f's derivative"), note)
        XCTAssertTrue(between.notes.contains(note))
    }

    /// The note is true where it is given and absent where it would not be: cos itself (smooth,
    /// curving) convicted for a claim 1% off gets none; 0.3x + 1 (linear everywhere) convicted for
    /// 0.4 gets it, with no slope change claimed, and its slope 0.3 (by hand).
    func testTheLinearNoteIsGivenOnlyWhereFIsLinear() throws {
        let smooth = try checkBlackBoxGradient(of: { x in Foundation.cos(x[0]) }, at: [-1.662],
                                               claimedGradient: { x in [-1.01 * Foundation.sin(x[0])] })
        XCTAssertEqual(smooth.entries[0][0].verdict, .ruleWrong(subjects: ["claimed"]), smooth.renderTable())
        XCTAssertEqual(smooth.linearSegments, [], smooth.renderTable())
        let line = try checkBlackBoxGradient(of: { x in 0.3 * x[0] + 1 }, at: [-1.662], claimedGradient: { _ in [0.4] })
        XCTAssertEqual(line.entries[0][0].verdict, .ruleWrong(subjects: ["claimed"]), line.renderTable())
        let note = try XCTUnwrap(line.linearSegments.first, line.renderTable())
        XCTAssertTrue(note.contains("(the largest step scanned)"), note)
        XCTAssertFalse(note.contains("it is not"), note)
        XCTAssertTrue(note.contains("slope, 0.3,") || note.contains("slope, 0.3 "), note)
    }
}
