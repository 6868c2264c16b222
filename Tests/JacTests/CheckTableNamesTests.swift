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
}
