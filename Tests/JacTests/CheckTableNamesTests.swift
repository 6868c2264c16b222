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

    /// A program's table named its rows f0, f1 (as x0, x1 and the reply's y[0]), while its failure
    /// lines said ∂f2/∂x1 for the row f1. Tests/Data/programs/two_outputs.py slips the entry of
    /// y[1] = x0 + 2·x1 along x1 (−2 for 2, by hand): the table's row and the line agree, f1 x1.
    func testAProgramsFailureLinesNameOutputsAsItsTableDoes() throws {
        try JacRunner.requirePython()
        let program = "python3 \(CrossValidationTests.programs)/two_outputs.py"
        let r = try JacRunner.run(["check", "--program", program, "--inputs", "2", "--at", "1.5,0.5"])
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("∂f1/∂x1: rule-wrong, program -2.0"), r.stderr)
        XCTAssertFalse(r.stderr.contains("∂f2"), r.stderr)
        let wrongRows = r.stdout.split(separator: "\n").filter { $0.contains("rule-wrong (program)") }
            .map { $0.split(separator: " ").prefix(2).joined(separator: " ") }
        XCTAssertEqual(wrongRows, ["f1 x1"], r.stdout)
        // Named in the program's terms, the table's name beside.
        let named = try JacRunner.run(["check", "--program", program, "--inputs", "2", "--at", "1.5,0.5",
                                       "--input-names", "a,b", "--output-names", "prod,sum"])
        XCTAssertTrue(named.stderr.contains("∂sum/∂b (∂f1/∂x1): rule-wrong"), named.stderr)
    }

    /// The library's JSON carries the names its table shows, under "names", beside (not in place
    /// of) a program's "input_names" and "output_names", the names its user gave: a key of its own,
    /// as jac writes every key in snake case and "inputNames" would have been a second "input_names".
    func testTheJSONCarriesTheTablesNamesBesideTheGivenOnes() throws {
        let formula = try JacRunner.run(["check", "x1*x2; x1 + x2", "--at", "x1=1,x2=2", "--format", "json"])
        XCTAssertEqual(formula.status, 0, formula.stderr)
        let library = try XCTUnwrap(try JacRunner.json(formula.stdout)["library_report"] as? [String: Any], formula.stdout)
        XCTAssertEqual(library["names"] as? [String: [String]], ["outputs": ["f1", "f2"], "inputs": ["x1", "x2"]])
        let entry = try XCTUnwrap((library["entries"] as? [[String: Any]])?.first { $0["output"] as? Int == 1 && $0["input"] as? Int == 0 })
        XCTAssertEqual(entry["output_name"] as? String, "f2")
        XCTAssertEqual(entry["input_name"] as? String, "x1")

        try JacRunner.requirePython()
        let program = "python3 \(CrossValidationTests.programs)/two_outputs.py"
        let r = try JacRunner.run(["check", "--program", program, "--inputs", "2", "--at", "1.5,0.5", "--format", "json",
                                   "--input-names", "a,b", "--output-names", "prod,sum"])
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertEqual(r.stdout.components(separatedBy: "\"input_names\"").count - 1, 1, r.stdout)
        let object = try JacRunner.json(r.stdout)
        XCTAssertEqual(object["input_names"] as? [String], ["a", "b"])
        XCTAssertEqual(object["output_names"] as? [String], ["prod", "sum"])
        XCTAssertEqual(object["names"] as? [String: [String]], ["outputs": ["f0", "f1"], "inputs": ["x0", "x1"]])
    }
}
