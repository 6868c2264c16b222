import Foundation
import XCTest

/// Regression tests for issue 14 (reliability): each failed before its fix.
final class ReliabilityTests: XCTestCase {
    /// Item 4: `-sinh(x)` used to be read as the short flags -s -i -n -h and print help, status 0.
    func testFormulaStartingWithMinusIsNeverReadAsOptions() throws {
        for args in [["eval", "-sinh(x)", "--at", "x=1"], ["eval", "--at", "x=1", "-sinh(x)"],
                     ["eval", "--at", "x=1", "--", "-sinh(x)"]] {
            let r = try JacRunner.run([args[0], "--format", "json"] + args.dropFirst())
            XCTAssertEqual(r.status, 0, "\(args): \(r.stderr)")
            let v = (try JacRunner.json(r.stdout)["value"] as? [Double])?.first ?? 0
            XCTAssertEqual(v, -sinh(1.0), accuracy: 1e-15, "\(args)")
            XCTAssertFalse(r.stdout.contains("OVERVIEW"), "\(args)")
        }
        // The formula −h (a variable named h) with a point is a formula, not a request for help.
        let h = try JacRunner.run(["eval", "-h", "--at", "h=2", "--format", "json"])
        XCTAssertEqual(h.status, 0, h.stderr)
        XCTAssertEqual(try JacRunner.json(h.stdout)["value"] as? [Double], [-2])
        // A negative --at value is still the option's value, and -h alone still asks for help.
        let n = try JacRunner.run(["jacobian", "-x^2", "--at", "-3", "--format", "json"])
        XCTAssertEqual(try JacRunner.json(n.stdout)["jacobian"] as? [[Double]], [[6]])
        let help = try JacRunner.run(["eval", "-h"])
        XCTAssertEqual(help.status, 0)
        XCTAssertTrue(help.stdout.contains("OVERVIEW"))
    }

    /// Item 10: 1e-200/1e200 is a nonzero number that rounds to 0; it was silently 0.
    func testPointFractionThatUnderflowsIsRejected() throws {
        let r = try JacRunner.run(["eval", "1/x", "--at", "x=1e-200/1e200"])
        XCTAssertEqual(r.status, 2, r.stderr)
        XCTAssertTrue(r.stderr.contains("underflows to 0"), r.stderr)
        // 0/5 is an honest zero.
        XCTAssertEqual(try JacRunner.run(["eval", "x", "--at", "x=0/5"]).status, 0)
    }

    /// Item 8: endless or huge inputs end in a clear error, and the limits can be changed.
    func testInputSizeIsBounded() throws {
        let zero = try JacRunner.run(["eval", "--file", "/dev/zero", "--at", "x=1"])
        XCTAssertEqual(zero.status, 2)
        XCTAssertTrue(zero.stderr.contains("larger than 16777216 bytes (JAC_MAX_INPUT_BYTES"), zero.stderr)
        let random = try JacRunner.run(["eval", "x", "--points", "/dev/urandom"])
        XCTAssertEqual(random.status, 2)
        XCTAssertTrue(random.stderr.contains("is larger than"), random.stderr)
        let rows = (1...5).map { "\($0)" }.joined(separator: "\n")
        let path = try JacRunner.temporaryFile("x\n" + rows + "\n", name: "five-points.csv")
        let limited = try JacRunner.run(["eval", "x", "--points", path], environment: ["JAC_MAX_POINTS": "4"])
        XCTAssertEqual(limited.status, 2)
        XCTAssertTrue(limited.stderr.contains("more than 4 points (JAC_MAX_POINTS raises the limit)"), limited.stderr)
        XCTAssertEqual(try JacRunner.run(["eval", "x", "--points", path], environment: ["JAC_MAX_POINTS": "5"]).status, 0)
        let lines = try JacRunner.run(["eval", "x", "--points", path], environment: ["JAC_MAX_LINES": "3"])
        XCTAssertTrue(lines.stderr.contains("more than 3 lines"), lines.stderr)
        let bytes = try JacRunner.run(["eval", "x", "--points", path], environment: ["JAC_MAX_INPUT_BYTES": "8"])
        XCTAssertTrue(bytes.stderr.contains("larger than 8 bytes"), bytes.stderr)
        let bad = try JacRunner.run(["eval", "x", "--points", path], environment: ["JAC_MAX_POINTS": "many"])
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.stderr.contains("JAC_MAX_POINTS must be a positive integer"), bad.stderr)
    }
}
