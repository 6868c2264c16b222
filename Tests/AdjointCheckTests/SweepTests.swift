import XCTest
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import AdjointCore
@testable import AdjointCheck

/// Step sweeps: measured orders against theory, JSON shape, SVG plot.
final class SweepTests: XCTestCase {
    func testMeasuredOrdersMatchTheory() throws {
        // eˣ sin x at 0.7 and Polar's ∂y/∂θ = r cos θ: smooth, with nonzero higher derivatives,
        // so the leading truncation term is present for every stencil.
        for (f, x, i, j) in [(ExpSin() as any ADFunction, [0.7], 0, 0), (Polar(), [2.0, 0.5], 1, 1)] {
            let s = try stepSweep(of: f, at: x, output: i, input: j)
            let expected: [(String, Double)] = [("forward", 1), ("backward", 1), ("central", 2), ("central4", 4),
                                                ("complex-step", 2)]
            for (name, p) in expected {
                let slope = try XCTUnwrap(s.series(named: name)?.slope, "\(name) has no fit")
                print("measured order \(type(of: f)) \(name): \(slope) (theory \(p))")
                XCTAssertEqual(slope, p, accuracy: 0.3, "\(type(of: f)) \(name): \(s.series(named: name)?.fitSteps ?? [])")
                XCTAssertGreaterThanOrEqual(s.series(named: name)?.fitSteps.count ?? 0, 3, name)
            }
            // central6 has at most a couple of truncation-dominated points; when fitted it is ≈ 6.
            if let s6 = s.series(named: "central6")?.slope { XCTAssertEqual(s6, 6, accuracy: 0.5) }
            // Complex step keeps improving where every subtracting stencil has turned around.
            let cs = try XCTUnwrap(s.series(named: "complex-step")?.points.last)
            XCTAssertLessThanOrEqual(cs.error, 4e-16 * max(abs(s.reference), 1), "h = \(cs.h)")
            let central = try XCTUnwrap(s.series(named: "central")?.points.last)
            XCTAssertGreaterThan(central.error, 1e-3 * abs(s.reference), "h = 1e-16 central must be ruined by rounding")
        }
    }

    func testSweepJSONHasTheCLIShape() throws {
        let s = try stepSweep(of: ExpSin(), at: [0.7])
        let obj = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(s.toJSON().utf8)) as? [String: Any])
        let methods = try XCTUnwrap(obj["methods"] as? [String: Any])
        XCTAssertEqual(Set(methods.keys), ["forward", "backward", "central", "central4", "central6", "richardson", "complex-step"])
        let central = try XCTUnwrap(methods["central"] as? [String: Any])
        XCTAssertNotNil(central["slope"] as? Double)
        let points = try XCTUnwrap(central["points"] as? [[Double]])
        // Two steps per decade from 10⁻¹ to 10⁻¹⁶; the decades are the round numbers.
        XCTAssertEqual(points.count, 31)
        XCTAssertEqual(points[0][0], 0.1)
        XCTAssertEqual(points[2][0], 0.01)
        XCTAssertEqual(points[30][0], 1e-16)
        XCTAssertEqual(central["evaluations"] as? Int, s.series(named: "central")?.evaluations)
        XCTAssertEqual(obj["evaluations"] as? Int, s.evaluations)
        XCTAssertTrue(central["noSlopeReason"] is NSNull)
        let richardson = try XCTUnwrap(methods["richardson"] as? [String: Any])
        XCTAssertTrue(richardson["slope"] is NSNull)
        XCTAssertTrue((richardson["noSlopeReason"] as? String ?? "").hasPrefix("no asymptotic range"), "\(richardson)")
        XCTAssertEqual(obj["referenceSource"] as? String, "reverse")
        // Fixed key order: the JSON text is reproducible.
        XCTAssertEqual(s.toJSON(), try stepSweep(of: ExpSin(), at: [0.7]).toJSON())
        XCTAssertTrue(s.toJSON(pretty: false).hasPrefix("{\"methods\": {\"forward\": {\"slope\": "))
    }

    func testSVGPlotHasAxesLegendAndOneLinePerMethod() throws {
        let svg = try stepSweep(of: ExpSin(), at: [0.7]).renderSVG()
        XCTAssertTrue(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        XCTAssertTrue(svg.hasSuffix("</svg>"))
        XCTAssertEqual(svg.components(separatedBy: "<polyline fill").count - 1, 7)
        // Behind them, one pale band per fitted range (every method but central6 and Richardson,
        // whose errors here are at the rounding floor from h = 0.03 on).
        XCTAssertEqual(svg.components(separatedBy: "<polyline class=\"fit\"").count - 1, 5)
        XCTAssertTrue(svg.contains("fitted over h = 0.1 … "))
        for label in ["step h (log scale)", "absolute error (log scale)", "central4 (slope", "complex-step (slope", "1e-16"] {
            XCTAssertTrue(svg.contains(label), label)
        }
        // Well-formed XML.
        XCTAssertTrue(XMLParser(data: Data(svg.utf8)).parse())
    }

    func testOutliersAreClippedAndNoLineRunsAlongTheFrame() throws {
        // sin(1000x) at 1: complex step at h = 0.1 evaluates sin(1000 + 100i) ≈ e¹⁰⁰/2 ≈ 1e43.
        // The useful level is |f′| = 562 (10^2.75): errors above 10^(2.75 + 3), rounded up to
        // 1e6, are clipped, and the plot marks them.
        struct FastSine: ADFunction {
            func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.sin(1000 * x[0])] }
        }
        let fast = try stepSweep(of: FastSine(), at: [1.0])
        XCTAssertEqual(fast.plotAxes.clip, 6)
        XCTAssertEqual(fast.plotAxes.yMax, 6)
        let svg = fast.renderSVG()
        XCTAssertGreaterThanOrEqual(svg.components(separatedBy: "class=\"clipped\"").count - 1, 1)
        XCTAssertTrue(svg.contains("drawn as ▲ above the dashed line"))
        XCTAssertTrue(XMLParser(data: Data(svg.utf8)).parse())
        // abs at its kink: forward's error is the jump, 1 at every step. It used to sit on the top
        // border (yMax = log₁₀ 1 = 0); now at least SweepPlotTuning.margin below it.
        let kink = try stepSweep(of: Abs(), at: [0.0, 1.0])
        let highest = kink.series.flatMap(\.points).map(\.error).filter { $0.isFinite && $0 > 0 }.max() ?? 0
        XCTAssertEqual(highest, 1)
        XCTAssertNil(kink.plotAxes.clip)
        XCTAssertGreaterThanOrEqual(kink.plotAxes.yMax, 0 + SweepPlotTuning.margin)
        XCTAssertLessThanOrEqual(kink.plotAxes.xMin, -16 - SweepPlotTuning.margin)
        XCTAssertGreaterThanOrEqual(kink.plotAxes.xMax, -1 + SweepPlotTuning.margin)
    }

    func testSweepIndicesAreValidated() {
        XCTAssertThrowsError(try stepSweep(of: ExpSin(), at: [0.7], input: 3))
        XCTAssertThrowsError(try stepSweep(of: ExpSin(), at: [0.7], output: 2))
    }

    /// Steps h = 10^-k at x = 0.7 (decade 1): k = -400 gives 10^400, beyond Double's largest
    /// 1.8e308, so h = inf, and no difference quotient exists; every series came back with
    /// h = inf and no error (a review). In Float, k = 46 gives 1e-46, below Float's least
    /// subnormal 1.4e-45, so h rounds to 0. A range whose steps are representable still sweeps.
    func testStepsThatAreNotFinitePositiveAreRefused() throws {
        func message(_ body: () throws -> Any) -> String? {
            do { _ = try body(); return nil } catch ADError.invalidArgument(let m) { return m } catch { return "other: \(error)" }
        }
        XCTAssertEqual(message { try stepSweep(of: ExpSin(), at: [0.7], exponents: -400...(-399)) },
                       "exponents -400...-399 give the step h = inf at x0 = 0.7, not a finite positive Double; "
                       + "h = 10^-k for k in the range (times xⱼ's decade) must be finite and positive")
        let float = try XCTUnwrap(message { try stepSweep(of: ExpSin(), at: [Float(0.7)], exponents: 46...47) })
        XCTAssertTrue(float.hasPrefix("exponents 46...47 give the step h = 1"), float)
        XCTAssertTrue(float.contains("e-46 at x0 = 0.7, not a finite positive Float"), float)
        XCTAssertNil(message { try stepSweep(of: ExpSin(), at: [0.7], exponents: -3...(-2)) })
    }

    func testFloatSweepUsesFloatRounding() throws {
        // In Float the central difference bottoms out near ε_F^{2/3} ≈ 2.4e-5 relative, at h ≈ 1e-2..1e-3,
        // far above Double's optimum: the sweep must show Float's V, not Double's.
        let s = try stepSweep(of: ExpSin(), at: [Float(0.7)])
        let best = try XCTUnwrap(s.series(named: "central")?.points.map(\.error).min())
        XCTAssertGreaterThan(best, 1e-9)
        XCTAssertLessThan(best / abs(s.reference), 1e-4)
    }
}

/// JSON of a difference Jacobian, as `jac` prints it.
final class DifferenceJSONTests: XCTestCase {
    func testDifferenceJacobianJSON() throws {
        let d = try differenceJacobian(of: Polar(), at: [2.0, 0.5], method: .complexStep)
        let obj = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(d.toJSON().utf8)) as? [String: Any])
        XCTAssertEqual(obj["method"] as? String, "complex-step")
        let jac = try XCTUnwrap(obj["jacobian"] as? [[Double]])
        // [[cos θ, −r sin θ], [sin θ, r cos θ]] at (2, 0.5).
        XCTAssertEqual(jac[0][1], -2 * sin(0.5), accuracy: 1e-15)
        // The complex step is relative: 1e-20·θ = 5e-21, whose nearest power of two is 2⁻⁶⁸
        // (5e-21/2⁻⁶⁸ ≈ 1.48 < 1.5).
        XCTAssertEqual((obj["steps"] as? [[Double]])?[1][1], 0x1p-68)
        let a = try differenceJacobian(of: Abs(), at: [0.0, 2.0], method: .complexStep).toJSON()
        XCTAssertTrue(a.contains("abs at its kink (x = 0) is not available for scalar type Complex<Double>"), a)
        XCTAssertTrue(a.contains("\"NaN\""), "non-finite entries stay visible in JSON")
    }
}

/// Found by review: the sweep took reverse mode's unseeded sweep as its reference, and for
/// x²/x³⁰⁰ at 10 that sweep loses the adjoint of x³⁰⁰ (−10⁻⁵⁹⁸, below the least Double): the
/// reference was 2e-299 for −298·10⁻²⁹⁹ = −2.98e-297 (by hand), and every method's right value
/// was reported off by 3e-297.
final class SweepRangeLossTests: XCTestCase {
    struct Quotient: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] * x[0] / T.powi(x[0], 300)] }
    }

    func testTheReferenceKeepsTheTermTheUnscaledSweepLost() throws {
        // Reverse mode's pullback recovers the lost adjoint itself now (GradientRangeRecoveryTests);
        // the sweep took its own seeded rows before.
        let s = try stepSweep(of: Quotient(), at: [10.0])
        XCTAssertEqual(s.reference, -2.98e-297, accuracy: 1e-14 * 2.98e-297)
        XCTAssertEqual(s.referenceSource, "reverse")
        // Central differences converge on it at order 2 (they took no slope against the wrong one).
        let central = try XCTUnwrap(s.series.first { $0.method == "central" })
        XCTAssertEqual(central.slope ?? .nan, 2, accuracy: 0.2)
        XCTAssertEqual(try stepSweep(of: Quotient(), at: [1.5]).referenceSource, "reverse")
    }
}

/// Found by review: `jac sweep "x^2" --at x=1e-300` fitted central6 "slope 0.81, order 6" over
/// h = 1e-13 … 3.2e-15. Central stencils are exact for a quadratic (no truncation), so every
/// error there is rounding of samples near h², while the bound was scaled by f(x) = 1e-600,
/// which is 0 in Double. The bound now reads the samples' own magnitude.
final class SweepTinyValueTests: XCTestCase {
    struct Square: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] * x[0]] }
    }

    func testNoSlopeIsFittedToRoundingWhereFItselfUnderflows() throws {
        let s = try stepSweep(of: Square(), at: [1e-300])
        for name in ["central", "central4", "central6"] {
            let series = try XCTUnwrap(s.series.first { $0.method == name })
            XCTAssertNil(series.slope, "\(name) fitted \(series.slope ?? .nan) to rounding")
        }
        // The forward difference's error is h exactly ((x + h)² − x²)/h − 2x = h): order 1 stands.
        let forward = try XCTUnwrap(s.series.first { $0.method == "forward" })
        XCTAssertEqual(forward.slope ?? .nan, 1, accuracy: 0.05)
    }
}
