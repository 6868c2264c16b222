import Foundation
import XCTest

/// `jac check` printed the library's table with its rows and columns as indices (0, 1, 2) beside a
/// formula whose variables and outputs have names, which the failure line and the JSON use
/// (`df1/dy`): the table names them too.
final class CheckTableNamesTests: XCTestCase {
    func testTheTableNamesTheFormulasOutputsAndVariables() throws {
        let r = try JacRunner.run(["check", "sin(x)*y; x*y*z", "--at", "x=0.5,y=2,z=3"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = r.stdout.split(separator: "\n").map(String.init)
        let header = try XCTUnwrap(lines.first { $0.hasPrefix("out") }, r.stdout)
        XCTAssertTrue(header.hasPrefix("out  in "), header)
        let rule = try XCTUnwrap(lines.firstIndex { $0.hasPrefix("---") }, r.stdout)
        let labels = lines[(rule + 1)...].prefix { !$0.hasPrefix("(") }
            .map { $0.split(separator: " ").prefix(2).joined(separator: " ") }
        XCTAssertEqual(Set(labels), ["f1 x", "f1 y", "f1 z", "f2 x", "f2 y", "f2 z"], r.stdout)
    }

    /// A claimed Jacobian's failure lines cite entries by 0-based index "as in the table", and the
    /// claimed file is laid out by index: its table keeps indices. With the library's default
    /// labels the column of the formula's x2 read "x1" (variables x1, x2; a review).
    func testAClaimedJacobiansTableKeepsTheIndicesItsFailureLinesCite() throws {
        // By hand ∇(x1·x2) = (x2, x1) = (2, 1) at (1, 2); the second entry claimed wrong.
        let wrong = try JacRunner.temporaryFile("[2, -1]", name: "names-wrong.json")
        let r = try JacRunner.run(["check", "x1*x2", "--at", "x1=1,x2=2", "--claimed", wrong])
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("∂f1/∂x2 (entry (0, 1), 0-based as in the table): rule-wrong"), r.stderr)
        let lines = r.stdout.split(separator: "\n").map(String.init)
        let rule = try XCTUnwrap(lines.firstIndex { $0.hasPrefix("---") }, r.stdout)
        let labels = lines[(rule + 1)...].prefix { !$0.hasPrefix("(") && !$0.isEmpty }
            .map { $0.split(separator: " ").prefix(2).joined(separator: " ") }
        XCTAssertTrue(labels.contains("0 0"), r.stdout)
        XCTAssertTrue(labels.contains("0 1"), r.stdout)
        XCTAssertFalse(labels.contains { $0.contains("x") }, r.stdout)
    }
}
