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
}
