import XCTest
import Foundation
import Synchronization
#if canImport(FoundationXML)
import FoundationXML
#endif
import AdjointCore
import AdjointLinalg
@testable import AdjointComplexity

/// The demonstration's claims, asserted on counts (never on time).
final class ComplexitySweepTests: XCTestCase {
    /// Depth 1…64 at width 8, batch 1; finite differences only where |W| ≤ 600 (depth ≤ 8) so
    /// the debug-build test stays fast; their |W|² growth is tested on the width sweep below.
    func depthSweep() throws -> ComplexitySweepResult {
        var o = ComplexitySweep.Options()
        o.finiteDifferencesParameterLimit = 600
        return try ComplexitySweep.depth([1, 2, 4, 8, 16, 32, 64], width: 8, options: o)
    }

    func testDepthExponentsAndCheapGradientBound() throws {
        let r = try depthSweep()
        print(r.toTable())
        let e = r.exponents
        XCTAssertEqual(r.fitFrom, 8, "upper half of 1…64 on a log scale")
        XCTAssertGreaterThanOrEqual(e[.backprop] ?? .nan, 0.9)
        XCTAssertLessThanOrEqual(e[.backprop] ?? .nan, 1.1)
        XCTAssertGreaterThanOrEqual(e[.naive] ?? .nan, 1.8)
        XCTAssertLessThanOrEqual(e[.naive] ?? .nan, 2.2)
        // Cheap gradient: backprop costs a bounded multiple of the forward pass at every depth.
        for p in r.points {
            XCTAssertLessThanOrEqual(p.ratioToForward(.backprop) ?? .nan, 3.5, "depth \(p.depth)")
        }
        // The exponents come from exact counts: L products forward; backprop adds one product per
        // layer for ∂ℓ/∂W and one per layer but the first for ∂ℓ/∂h, so 3L − 1; the naive chain adds,
        // for layer i (1-based), L − i chain products and one for ∂ℓ/∂Wᵢ: L + L(L+1)/2.
        for p in r.points {
            let L = p.depth
            XCTAssertEqual(p.forward.matmuls, L)
            XCTAssertEqual(p.backprop.matmuls, 3 * L - 1)
            XCTAssertEqual(p.naive.matmuls, L + L * (L + 1) / 2)
            XCTAssertEqual(p.parameterCount, L * (8 * 8 + 8))
        }
        // Every point's gradients agreed (same tolerances as GradientAgreementTests).
        for p in r.points {
            XCTAssertLessThanOrEqual(p.naiveMaxDifference ?? .infinity, 1e-12 * Swift.max(1, p.gradientScale))
            if let d = p.finiteDifferencesMaxDifference { XCTAssertLessThanOrEqual(d, 1e-7 * Swift.max(1, p.gradientScale)) }
        }
        XCTAssertEqual(r.points.filter { $0.finiteDifferences != nil }.map(\.depth), [1, 2, 4, 8])
    }

    func testFiniteDifferencesGrowAsParameterCountSquared() throws {
        let r = try ComplexitySweep.width([2, 4, 8, 16], depth: 2)
        print(r.toTable())
        let e = try XCTUnwrap(r.finiteDifferencesExponentVsParameters)
        XCTAssertGreaterThanOrEqual(e, 1.8)
        XCTAssertLessThanOrEqual(e, 2.2)
        // Exactly 2|W| + 1 forward passes, each costing the forward pass's flops.
        for p in r.points {
            let fd = try XCTUnwrap(p.finiteDifferences)
            XCTAssertEqual(fd.functionEvaluations, 2 * p.parameterCount + 1)
            XCTAssertEqual(fd.flops, (2 * p.parameterCount + 1) * p.forward.flops)
        }
        // In width, backprop and the (vector–Jacobian) naive chain are both O(m²).
        XCTAssertEqual(r.exponents[.backprop] ?? .nan, 2, accuracy: 0.2)
        XCTAssertEqual(r.exponents[.naive] ?? .nan, 2, accuracy: 0.2)
    }

    func testJSONHasTheScriptedKeys() throws {
        var o = ComplexitySweep.Options()
        o.finiteDifferencesParameterLimit = 100
        let r = try ComplexitySweep.depth([1, 2, 4], width: 3, options: o)
        let obj = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.toJSON().utf8)) as? [String: Any])
        XCTAssertEqual(obj["sweep"] as? String, "depth")
        XCTAssertEqual(obj["width"] as? Int, 3)
        let points = try XCTUnwrap(obj["points"] as? [[String: Any]])
        XCTAssertEqual(points.map { $0["depth"] as? Int }, [1, 2, 4])
        for p in points {
            for k in ["forward", "backprop", "naive", "finite_differences"] {
                let m = try XCTUnwrap(p[k] as? [String: Any], k)
                XCTAssertNotNil(m["flops"] as? Int); XCTAssertNotNil(m["matmuls"] as? Int)
            }
        }
        let ex = try XCTUnwrap(obj["exponents"] as? [String: Any])
        for k in ["backprop", "naive", "finite_differences"] { XCTAssertNotNil(ex[k] as? Double, k) }

        let w = try ComplexitySweep.width([2, 3], depth: 2, options: o)
        let wobj = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(w.toJSON().utf8)) as? [String: Any])
        XCTAssertEqual(wobj["sweep"] as? String, "width")
        XCTAssertEqual(wobj["depth"] as? Int, 2)
        let wp = try XCTUnwrap(wobj["points"] as? [[String: Any]])
        XCTAssertEqual(wp.map { $0["width"] as? Int }, [2, 3])
        // |W| = 2·(3² + 3) = 24 ≤ 100 but a skipped method is null, not missing.
        XCTAssertTrue(wp[1].keys.contains("finite_differences"))

        // CSV: one header and one row per (size, method).
        let csv = w.toCSV().split(separator: "\n")
        XCTAssertEqual(csv.first.map(String.init), "sweep,depth,width,batch,parameters,method,flops,matmuls,function_evaluations,tape_entries,tape_bytes,ratio_to_forward")
        XCTAssertEqual(csv.count, 1 + 2 * 4)
    }

    func testSVGIsWellFormedWithLinesLegendAndLogAxes() throws {
        var o = ComplexitySweep.Options()
        o.finiteDifferencesParameterLimit = 200
        let svg = try ComplexitySweep.depth([1, 2, 4], width: 4, options: o).toSVG()
        #if canImport(FoundationXML) || canImport(Darwin)
        let doc = try XMLDocument(xmlString: svg, options: [])
        let root = try XCTUnwrap(doc.rootElement())
        XCTAssertEqual(root.name, "svg")
        let lines = try root.nodes(forXPath: "//*[local-name()='polyline']")
        // Looked up by name: swift-corelibs-foundation's attribute(forName:) misses un-prefixed
        // attributes of an element in a default namespace.
        func attribute(_ node: XMLNode, _ name: String) -> String? {
            (node as? XMLElement)?.attributes?.first { $0.name == name }?.stringValue
        }
        XCTAssertEqual(lines.count, 4, "forward, backprop, naive chain, finite differences")
        let methods = lines.compactMap { attribute($0, "data-method") }
        XCTAssertEqual(Set(methods), ["forward", "backprop", "naive", "finite_differences"])
        for l in lines {
            let pts = attribute(l, "points") ?? ""
            XCTAssertEqual(pts.split(separator: " ").count, 3, "one vertex per depth")
        }
        let legend = try root.nodes(forXPath: "//*[local-name()='g'][@id='legend']")
        XCTAssertEqual(legend.count, 1)
        let legendText = legend.first?.stringValue ?? ""
        for label in ["backprop", "naive chain", "finite differences"] { XCTAssertTrue(legendText.contains(label), label) }
        let xLabel = try root.nodes(forXPath: "//*[@id='x-label']").first?.stringValue ?? ""
        let yLabel = try root.nodes(forXPath: "//*[@id='y-label']").first?.stringValue ?? ""
        XCTAssertTrue(xLabel.contains("depth") && xLabel.contains("log"), xLabel)
        XCTAssertTrue(yLabel.contains("flops") && yLabel.contains("log"), yLabel)
        #else
        XCTAssertEqual(svg.components(separatedBy: "<polyline").count - 1, 4)
        #endif
    }

    /// A user trial: `jac complexity --depths 3 --plot` drew its only column of points on the
    /// y axis. A single size is centred: left = 90 and plot width 760 − 90 − 210 = 460, so x = 320.
    func testASingleSizeIsCentredOnTheXAxis() throws {
        var o = ComplexitySweep.Options()
        o.finiteDifferencesParameterLimit = 200
        let svg = try ComplexitySweep.depth([3], width: 4, options: o).toSVG()
        let xs = svg.components(separatedBy: "<circle cx=\"").dropFirst().map { Double($0.prefix { $0 != "\"" }) }
        XCTAssertEqual(xs.count, 4, svg)
        for x in xs { XCTAssertEqual(try XCTUnwrap(x), 320, accuracy: 0.05) }
    }

    func testPowerLawFitRecoversKnownExponents() {
        // y = 3·x² exactly: slope 2; fewer than two distinct x: no exponent.
        XCTAssertEqual(PowerLawFit.exponent(x: [1, 2, 4, 8], y: [3, 12, 48, 192]) ?? .nan, 2, accuracy: 1e-12)
        XCTAssertEqual(PowerLawFit.exponent(x: [2, 4], y: [5, 5]) ?? .nan, 0, accuracy: 1e-12)
        XCTAssertNil(PowerLawFit.exponent(x: [2, 2], y: [1, 4]))
        XCTAssertNil(PowerLawFit.exponent(x: [1, 2], y: [0, 4]))
        // One x three times: no slope exists whatever y does. The mean of the three equal
        // logarithms of 544 rounds off them, and the fit returned 0.0 (a review).
        XCTAssertNil(PowerLawFit.exponent(x: [544, 544, 544], y: [1, 2, 4]))
        XCTAssertEqual(PowerLawFit.upperHalf([1, 2, 4, 8, 16, 32, 64]), [3, 4, 5, 6])
    }
}

/// Counters are per thread, and the full-Jacobian form of the naive chain shows its extra factor m.
final class CounterScopeTests: XCTestCase {
    func testConcurrentMeasurementsDoNotMix() throws {
        // Two threads measure different problems at the same time; each must see exactly the
        // counts it sees alone.
        let shapes = [(depth: 3, width: 5), (depth: 6, width: 2)]
        let serial = try shapes.map { s in
            try measureOperations { try MLPGradientProblem<Double>.seeded(depth: s.depth, width: s.width).backprop() }.counts
        }
        let results = Mutex<[Int: OperationCounts]>([:])
        DispatchQueue.concurrentPerform(iterations: 2) { i in
            var total = OperationCounts()
            for _ in 0..<20 {
                if let c = try? measureOperations({ try MLPGradientProblem<Double>.seeded(depth: shapes[i].depth, width: shapes[i].width).backprop() }).counts {
                    total += c
                }
            }
            results.withLock { $0[i] = total }
        }
        for i in 0..<2 {
            let got = results.withLock { $0[i] }
            XCTAssertEqual(got?.flops, 20 * serial[i].flops, "thread \(i)")
            XCTAssertEqual(got?.matmuls, 20 * serial[i].matmuls, "thread \(i)")
        }
    }

    func testFullJacobianChainIsCubicInWidth() throws {
        // Full m×m Jacobian products: O(L²·m³) against the vector–Jacobian form's O(L²·m²).
        var o = ComplexitySweep.Options()
        o.naiveForm = .fullJacobian
        o.finiteDifferencesParameterLimit = 0
        let r = try ComplexitySweep.width([4, 8, 16, 32], depth: 6, options: o)
        print(r.toTable())
        XCTAssertEqual(r.exponents[.naive] ?? .nan, 3, accuracy: 0.2)
        XCTAssertEqual(r.exponents[.backprop] ?? .nan, 2, accuracy: 0.2)
        for p in r.points {
            XCTAssertLessThanOrEqual(p.naiveMaxDifference ?? .infinity, 1e-12 * Swift.max(1, p.gradientScale))
            XCTAssertNil(p.finiteDifferences)
        }
    }
}

extension ComplexitySweepTests {
    /// Finite differences measured at depths 1, 2, 4, 8 only: the upper half of that range on a
    /// log scale (log L ≥ 1.5·log 2) is {4, 8}, while the methods measured at every depth are
    /// fitted over {8, …, 64}. One label "L ≥ 8" misreported the finite differences' window.
    func testEachSeriesReportsItsOwnFitWindow() throws {
        let r = try depthSweep()
        XCTAssertEqual(r.fitFrom, 8)
        XCTAssertEqual(r.fitFrom(.backprop), 8)
        XCTAssertEqual(r.fitFrom(.finiteDifferences), 4)
        XCTAssertTrue(r.toJSON().contains("\"fit_from\": 8, \"fit_from_by_method\": {\"forward\": 8, \"backprop\": 8, \"naive\": 8, \"finite_differences\": 4}"),
                      r.toJSON())
        let fdLine = try XCTUnwrap(r.toTable().split(separator: "\n").first { $0.contains(" \(ComplexityMethod.finiteDifferences.label) ") })
        XCTAssertTrue(fdLine.hasSuffix("fitted over sizes ≥ 4"), String(fdLine))
        let backpropLine = try XCTUnwrap(r.toTable().split(separator: "\n").first { $0.contains(" \(ComplexityMethod.backprop.label) ") })
        XCTAssertFalse(backpropLine.contains("fitted over"), String(backpropLine))
        XCTAssertTrue(r.toSVG().contains(">finite diff. slope: L ≥ 4</text>"), r.toSVG())
        XCTAssertFalse(r.toSVG().contains("backprop slope"), r.toSVG())
    }

    /// Sizes given out of order are drawn left to right: each polyline's x coordinates increase.
    func testSizesOutOfOrderDrawLinesLeftToRight() throws {
        let svg = try ComplexitySweep.depth([8, 1, 4, 2], width: 2).toSVG()
        let lines = svg.split(separator: "\n").filter { $0.hasPrefix("<polyline class=\"series\"") }
        XCTAssertEqual(lines.count, ComplexityMethod.allCases.count)
        for line in lines {
            let coords = try XCTUnwrap(line.split(separator: "points=\"").last).dropLast(3)
            let xs = coords.split(separator: " ").compactMap { Double($0.split(separator: ",")[0]) }
            XCTAssertEqual(xs.count, 4, String(line))
            XCTAssertEqual(xs, xs.sorted(), String(line))
        }
    }
}
