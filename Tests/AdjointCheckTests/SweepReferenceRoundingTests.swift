import XCTest
import Foundation
import AdjointCore
@testable import AdjointCheck

/// (1 − cos x)/x², written as it reads: cos x near 1 loses the digits 1 − cos x keeps.
private struct OneMinusCosOverSquare: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [(1 - cos(x[0])) / (x[0] * x[0])] }
}

/// A sweep measures every method's error against reverse mode, which differentiates f as the
/// floats round it. For (1 − cos x)/x² at 10⁻³ that reference is −8.331766·10⁻⁵ against
/// f′ = −x/12 + x³/180 − x⁵/6720 = −8.3333328·10⁻⁵ (the series of f = Σ (−x²)ᵏ/(2k + 2)!, by hand),
/// and the sweep fitted forward differences down to h = 10⁻⁴, where their error h/24 is a few times
/// the reference's own offset (1.6·10⁻⁸), and said nothing of it.
final class SweepReferenceRoundingTests: XCTestCase {
    static let x = 1e-3
    static let truth = -x / 12 + x * x * x / 180 - x * x * x * x * x / 6720

    func testTheReferenceCarriesItsRoundingBoundAndNoFitUsesErrorsWithinIt() throws {
        let s = try stepSweep(of: OneMinusCosOverSquare(), at: [Self.x])
        XCTAssertEqual(s.referenceSource, "reverse")
        let offset = Swift.abs(s.reference - Self.truth)
        XCTAssertGreaterThan(offset, 1e-9, "the reference has lost digits here")
        XCTAssertGreaterThanOrEqual(s.referenceRoundingBound, offset)
        XCTAssertLessThan(s.referenceRoundingBound, 1e3 * offset, "the bound is not vacuous")
        XCTAssertTrue(s.referenceIsUnreliable)
        for series in s.series {
            for p in series.points where series.fitSteps.contains(p.h) {
                XCTAssertGreaterThan(p.error, SweepFitTuning.roundingMargin * s.referenceRoundingBound,
                                     "\(series.method) fitted h = \(p.h) with an error the reference's rounding can explain")
            }
        }
        // Forward's truncation h/24 falls below 100 times the bound at h ≈ 10⁻³ (it was fitted down
        // to 10⁻⁴); central's truncation (h²·x/180) is below it at every step.
        let forward = try XCTUnwrap(s.series(named: "forward"))
        XCTAssertGreaterThanOrEqual(forward.fitSteps.count, 3)
        XCTAssertGreaterThanOrEqual(forward.fitSteps.min() ?? 0, 1e-3)
        let central = try XCTUnwrap(s.series(named: "central"))
        XCTAssertNil(central.slope)
        XCTAssertTrue(central.noSlopeReason?.contains("reference's rounding bound") == true, central.noSlopeReason ?? "")
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(s.toJSON().utf8)) as? [String: Any])
        XCTAssertEqual(try XCTUnwrap(json["referenceRoundingBound"] as? Double), s.referenceRoundingBound, accuracy: 1e-14 * s.referenceRoundingBound)
        let svg = s.renderSVG()
        XCTAssertTrue(svg.contains("class=\"reference-bound\""), "the plot draws the bound")
        XCTAssertTrue(svg.contains("the reference may be off f′"), "and says so")
    }

    /// Given the true derivative, the bound is 0 and central shows its order 2, which it could not
    /// against the rounded reference.
    func testAGivenReferenceHasNoBoundAndCentralShowsItsOrder() throws {
        let s = try stepSweep(of: OneMinusCosOverSquare(), at: [Self.x], reference: Self.truth)
        XCTAssertEqual(s.referenceSource, "given")
        XCTAssertEqual(s.referenceRoundingBound, 0)
        XCTAssertFalse(s.referenceIsUnreliable)
        XCTAssertEqual(try XCTUnwrap(s.series(named: "central")?.slope), 2, accuracy: 0.3)
        XCTAssertFalse(s.renderSVG().contains("reference-bound"))
    }

    /// A formula that does not cancel keeps every fit it had: the bound is a few ulps of f′.
    func testAFormulaThatDoesNotCancelKeepsItsFits() throws {
        let s = try stepSweep(of: ExpSin(), at: [0.7])
        XCTAssertLessThan(s.referenceRoundingBound, 16 * Double.ulpOfOne * Swift.abs(s.reference))
        XCTAssertGreaterThan(s.referenceRoundingBound, 0)
        XCTAssertFalse(s.referenceIsUnreliable)
        for (name, order) in [("forward", 1.0), ("central", 2), ("central4", 4), ("complex-step", 2)] {
            XCTAssertEqual(try XCTUnwrap(s.series(named: name)?.slope, name), order, accuracy: 0.3, name)
        }
        XCTAssertFalse(s.renderSVG().contains("reference-bound"))
    }
}
