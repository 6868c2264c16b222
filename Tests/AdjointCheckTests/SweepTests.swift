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
        XCTAssertEqual(points.count, 16)
        XCTAssertEqual(points[0][0], 0.1)
        XCTAssertEqual(points[15][0], 1e-16)
        XCTAssertEqual(obj["referenceSource"] as? String, "reverse")
        // Fixed key order: the JSON text is reproducible.
        XCTAssertEqual(s.toJSON(), try stepSweep(of: ExpSin(), at: [0.7]).toJSON())
        XCTAssertTrue(s.toJSON(pretty: false).hasPrefix("{\"methods\": {\"forward\": {\"slope\": "))
    }

    func testSVGPlotHasAxesLegendAndOneLinePerMethod() throws {
        let svg = try stepSweep(of: ExpSin(), at: [0.7]).renderSVG()
        XCTAssertTrue(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        XCTAssertTrue(svg.hasSuffix("</svg>"))
        XCTAssertEqual(svg.components(separatedBy: "<polyline").count - 1, 7)
        for label in ["step h (log scale)", "absolute error (log scale)", "central4 (slope", "complex-step (slope", "1e-16"] {
            XCTAssertTrue(svg.contains(label), label)
        }
        // Well-formed XML.
        XCTAssertTrue(XMLParser(data: Data(svg.utf8)).parse())
    }

    func testSweepIndicesAreValidated() {
        XCTAssertThrowsError(try stepSweep(of: ExpSin(), at: [0.7], input: 3))
        XCTAssertThrowsError(try stepSweep(of: ExpSin(), at: [0.7], output: 2))
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
        let a = try differenceJacobian(of: Abs(), at: [0.5, 2.0], method: .complexStep).toJSON()
        XCTAssertTrue(a.contains("abs is not available for scalar type Complex<Double>"))
        XCTAssertTrue(a.contains("\"NaN\""), "non-finite entries stay visible in JSON")
    }
}
