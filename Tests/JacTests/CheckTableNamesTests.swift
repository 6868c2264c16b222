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
        XCTAssertTrue(r.stderr.contains("df/dx2 (entry (0, 1), 0-based as in the table): rule-wrong"), r.stderr)
        let lines = r.stdout.split(separator: "\n").map(String.init)
        let rule = try XCTUnwrap(lines.firstIndex { $0.hasPrefix("---") }, r.stdout)
        let labels = lines[(rule + 1)...].prefix { !$0.hasPrefix("(") && !$0.isEmpty }
            .map { $0.split(separator: " ").prefix(2).joined(separator: " ") }
        XCTAssertTrue(labels.contains("0 0"), r.stdout)
        XCTAssertTrue(labels.contains("0 1"), r.stdout)
        XCTAssertFalse(labels.contains { $0.contains("x") }, r.stdout)
    }

    /// `jac check --claimed` named a one-output formula's entry ∂f1/∂y where `jac check` and every
    /// formula command name it df/dy: the claimed path numbered f from 1 whatever the formula's
    /// output names (f for one output, f1, f2 for several, g where f is a variable) and wrote ∂
    /// for d. Both paths name entries by the formula's output names, with d.
    func testAClaimedJacobianNamesEntriesAsTheFormulaCheckDoes() throws {
        // √x at 0: the formula check fails on a derivative that is not finite, and names its entry.
        let singular = try JacRunner.run(["check", "sqrt(x)", "--at", "x=0"])
        XCTAssertTrue(singular.stderr.contains("df/dx is not finite"), singular.stderr)
        // By hand d√x/dx = 1/2 at 1, claimed 0.7: the same formula, the same name.
        let half = try JacRunner.temporaryFile("[0.7]", name: "names-sqrt.json")
        let claimed = try JacRunner.run(["check", "sqrt(x)", "--at", "x=1", "--claimed", half])
        XCTAssertEqual(claimed.status, 1, claimed.stderr)
        XCTAssertTrue(claimed.stderr.contains("df/dx (entry (0, 0), 0-based as in the table): rule-wrong, claimed 0.7"), claimed.stderr)
        XCTAssertFalse(claimed.stderr.contains("∂f1"), claimed.stderr)
        // Its tolerance, an estimate, to two figures as the report's notes print one.
        let tolerance = try XCTUnwrap(claimed.stderr.components(separatedBy: "(tolerance ").dropFirst().first?.split(separator: ")").first)
        XCTAssertLessThanOrEqual(tolerance.split(separator: "e").first.map { $0.filter(\.isNumber).drop { $0 == "0" }.count } ?? 99, 2,
                                 claimed.stderr)
        // f is a variable, so the output is g (jac jacobian's header says dg/df): d(2f)/df = 2, claimed 3.
        let three = try JacRunner.temporaryFile("[3]", name: "names-g.json")
        let g = try JacRunner.run(["check", "f*2", "--at", "f=1", "--claimed", three])
        XCTAssertTrue(g.stderr.contains("dg/df (entry (0, 0), 0-based as in the table): rule-wrong"), g.stderr)
        // Two outputs are f1, f2 in both paths: d(x)/dx = 1 in the second row, claimed 3.
        let rows = try JacRunner.temporaryFile("[[2, 1], [3, 0]]", name: "names-rows.json")
        let two = try JacRunner.run(["check", "x*y; x", "--at", "x=1,y=2", "--claimed", rows])
        XCTAssertTrue(two.stderr.contains("df2/dx (entry (1, 0), 0-based as in the table): rule-wrong"), two.stderr)
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
