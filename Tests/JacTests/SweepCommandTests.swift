import XCTest

/// `jac sweep` (issue 16 item 5, issue 14 item 10): names in the plot, kinks and unavailable
/// methods explained, zero errors accounted for, readable axes.
final class SweepCommandTests: XCTestCase {
    func testPlotTitleUsesTheFormulasNamesAndListsZeroErrors() throws {
        let svg = try JacRunner.temporaryFile("", name: "named.svg")
        let r = try JacRunner.run(["sweep", "f(a, b) = exp(a)*sin(b)", "--at", "1,2", "--input", "2", "--plot", svg])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.hasPrefix("df/db at a = 1.0, b = 2.0"), r.stdout)
        let plot = try String(contentsOfFile: svg, encoding: .utf8)
        XCTAssertTrue(plot.contains("error for ∂f/∂b "), "title names output and variable")
        XCTAssertFalse(plot.contains("∂f0/∂x1"))
        // Complex step is exact (error 0) at many steps here: those are drawn on the axis and counted.
        XCTAssertTrue(plot.contains("with error 0 (on the axis)"), "zero-error points are noted")
        // Decade grid from 1e-16 to 1e-1 (or 1e0): at most 8 labels under the x axis.
        let xLabels = plot.components(separatedBy: "text-anchor=\"middle\" font-size=\"10\"").count - 1
        XCTAssertGreaterThanOrEqual(xLabels, 4)
        XCTAssertLessThanOrEqual(xLabels, 9)
    }

    func testAKinkAndANonAnalyticOpAreExplained() throws {
        let r = try JacRunner.run(["sweep", "relu(x) + abs(x)*y", "--at", "x=0,y=2", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let o = try JacRunner.json(r.stdout)
        XCTAssertEqual((o["kinks"] as? [String])?.count, 2)
        let complex = (o["methods"] as? [String: Any])?["complex-step"] as? [String: Any]
        XCTAssertTrue((complex?["unavailable"] as? String ?? "").contains("relu"), "\(String(describing: complex))")
        XCTAssertTrue(r.stderr.contains("note: complex-step: not available: f uses relu"), r.stderr)
        XCTAssertTrue(r.stderr.contains("note: kink touched: relu"), r.stderr)
        // A smooth formula: no such notes, and every method available.
        let smooth = try JacRunner.run(["sweep", "exp(x)", "--at", "x=1", "--format", "json"])
        XCTAssertEqual(smooth.stderr, "")
        let methods = try JacRunner.json(smooth.stdout)["methods"] as? [String: [String: Any]] ?? [:]
        XCTAssertTrue(methods.values.allSatisfy { $0["unavailable"] is NSNull }, "\(methods)")
    }

    func testASlopeComesWithItsRangeOrWithAReason() throws {
        // sin(1000x) at 1: the old fixed fit range 0.1 … 1e-6 printed forward 0.24, central 0.16,
        // richardson -0.27 as if they were orders. Now a slope names the steps it was fitted over
        // (all at most 1e-3, the function's scale), and a missing slope says why below the table.
        let r = try JacRunner.run(["sweep", "sin(1000*x)", "--at", "x=1"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = r.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        XCTAssertTrue(lines[1].hasPrefix("method        slope  order  fitted over h"), r.stdout)
        for line in lines[2..<9] {
            let cells = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            if let slope = Double(cells[1]) {
                // Richardson has no theoretical order ("-"): its slope is only measured.
                if let order = Double(cells[2]) { XCTAssertEqual(slope, order, accuracy: 0.1, line) }
                // "0.001 … 1e-09 (13 steps)": the largest fitted step is at most 1e-3.
                XCTAssertLessThanOrEqual(try XCTUnwrap(Double(cells[3]), line), 1e-3, line)
                XCTAssertTrue(line.contains(" steps)"), line)
            } else {
                XCTAssertEqual(cells[1], "none", line)
                XCTAssertTrue(r.stdout.contains("  \(cells[0]): no asymptotic range: "), "no reason for \(cells[0]): \(r.stdout)")
            }
        }
        XCTAssertTrue(r.stdout.contains("\nno slope:\n  richardson: no asymptotic range: "), r.stdout)
        XCTAssertTrue(lines.contains { $0.hasPrefix("evaluations of f  ") }, r.stdout)
    }

    func testJSONHasEvaluationsReasonsAndNoTwoPointFits() throws {
        // √x at 1e-6 (Richardson used to report -3.73 from fitSteps [1e-05, 1e-06]).
        let r = try JacRunner.run(["sweep", "sqrt(x)", "--at", "x=1e-6", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let o = try JacRunner.json(r.stdout)
        let methods = try XCTUnwrap(o["methods"] as? [String: [String: Any]])
        var sum = 0
        for (name, m) in methods {
            let steps = try XCTUnwrap(m["fit_steps"] as? [Double], name)
            if m["slope"] is NSNull {
                XCTAssertEqual(steps, [], name)
                XCTAssertTrue((m["no_slope_reason"] as? String ?? "").hasPrefix("no asymptotic range: "), "\(name): \(m)")
            } else {
                XCTAssertGreaterThanOrEqual(steps.count, 3, name)
                XCTAssertTrue(m["no_slope_reason"] is NSNull, name)
            }
            sum += try XCTUnwrap(m["evaluations"] as? Int, name)
        }
        XCTAssertEqual(o["evaluations"] as? Int, sum)
        // Central samples x − h < 0 for the ten steps h = 0.1 … 10^-5.5 > x: NaN, listed.
        XCTAssertEqual((methods["central"]?["non_finite_steps"] as? [Double])?.count, 10)
        XCTAssertTrue(r.stderr.contains("note: central: the error is NaN or infinite at 10 steps, h = 0.1 … 3.2e-06"), r.stderr)
        XCTAssertFalse(r.stderr.contains("note: forward:"), "forward samples only x + h: \(r.stderr)")
    }

    /// `sweep --points` was listed in the help and then refused ("sweep takes one point"). It now
    /// prints one row per point, each method's slope, best step and smallest error, as the help says.
    func testPointsGiveOneSummaryRowPerPoint() throws {
        let file = try JacRunner.temporaryFile("x\n1\n-2\n", name: "sweep-points.csv")
        let r = try JacRunner.run(["sweep", "exp(x)", "--points", file])
        XCTAssertEqual(r.status, 0, r.stderr)
        let rows = r.stdout.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        XCTAssertEqual(rows.count, 3, r.stdout)
        let header = rows[0]
        XCTAssertEqual(header.first, "x")
        let slope = try XCTUnwrap(header.firstIndex(of: "central_slope"), "\(header)")
        let error = try XCTUnwrap(header.firstIndex(of: "central_smallest_error"), "\(header)")
        for (row, x) in zip(rows.dropFirst(), [1.0, -2.0]) {
            XCTAssertEqual(row.count, header.count)
            XCTAssertEqual(Double(row[0]), x)
            // Central differences are second order (Taylor), and at their best step the error of
            // e^x's derivative is near ε^(2/3)·e^x, far below 1e-8·e^x.
            XCTAssertEqual(try XCTUnwrap(Double(row[slope]), "\(row)"), 2, accuracy: 0.1)
            XCTAssertLessThan(try XCTUnwrap(Double(row[error]), "\(row)"), 1e-8 * Foundation.exp(x))
        }
        // JSON lines carry their point, so a row can be matched to it.
        let json = try JacRunner.run(["sweep", "exp(x)", "--points", file, "--format", "json"])
        XCTAssertEqual(json.status, 0, json.stderr)
        let lines = json.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 2, json.stdout)
        XCTAssertEqual(try lines.map { try JacRunner.json($0)["point"] as? [Double] }, [[1], [-2]])
    }

    func testPointsStopAtAPointOutsideTheDomainAndRefuseOnePlotForMany() throws {
        let file = try JacRunner.temporaryFile("x\n4\n-1\n", name: "sweep-domain.csv")
        let r = try JacRunner.run(["sweep", "sqrt(x)", "--points", file])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertEqual(r.stdout.split(separator: "\n").count, 2, "header and the row of x = 4: \(r.stdout)")
        XCTAssertTrue(r.stderr.contains("error: at point 2 (x = -1): "), r.stderr)
        XCTAssertTrue(r.stderr.contains("sqrt"), r.stderr)
        let svg = try JacRunner.temporaryFile("", name: "many.svg")
        let plot = try JacRunner.run(["sweep", "exp(x)", "--points", file, "--plot", svg])
        XCTAssertEqual(plot.status, 2)
        XCTAssertEqual(plot.stderr, "error: --plot draws the V-curve of one point: give --at, not --points\n")
    }
}
