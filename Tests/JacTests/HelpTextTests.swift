import Foundation
import XCTest

/// Help text read at 80 columns: swift-argument-parser re-wraps every line longer than the
/// terminal without indenting the rest, so a hand-wrapped or indented long line leaves orphan
/// fragments ("unary minus binds" / "looser than ^"). Prose must be whole paragraphs and
/// indented lines (examples, tables) must fit.
final class HelpTextTests: XCTestCase {
    static let helps: [[String]] = [
        ["--help"], ["jacobian", "--help"], ["eval", "--help"], ["hessian", "--help"], ["check", "--help"],
        ["sweep", "--help"], ["complexity", "--help"], ["diff", "--help"], ["selftest", "--help"],
        ["check", "--program", "X", "--inputs", "1", "--help"],
    ]

    private func help(_ arguments: [String]) throws -> String {
        let r = try JacRunner.run(arguments, environment: ["COLUMNS": "80"])
        XCTAssertEqual(r.status, 0, "\(arguments): \(r.stderr)")
        return r.stdout
    }

    func testNoHelpLineIsWrappedIntoFragments() throws {
        for arguments in Self.helps {
            // The discussion: everything before the parser's own USAGE line, which it never wraps.
            let text = try help(arguments)
            let lines = text.components(separatedBy: "\n").prefix { !$0.hasPrefix("USAGE:") }
            for (a, b) in zip(lines, lines.dropFirst()) {
                XCTAssertLessThanOrEqual(a.count, 80, "\(arguments): \(a)")
                let heading = b == b.uppercased()
                // An indented line followed by an unindented one is a wrapped example or table row.
                XCTAssertFalse(a.hasPrefix(" ") && !b.isEmpty && !b.hasPrefix(" ") && !heading,
                               "\(arguments.joined(separator: " ")): wrapped line:\n\(a)\n\(b)")
            }
        }
    }

    func testHelpNamesNoSourceFile() throws {
        for arguments in Self.helps {
            XCTAssertFalse(try help(arguments).contains(".swift"), arguments.joined(separator: " "))
        }
    }

    func testProgramCheckFormatsAreTheImplementedOnes() throws {
        let text = try help(["check", "--program", "X", "--inputs", "1", "--help"])
        XCTAssertTrue(text.contains("(values: table, json; default: table)"), text)
        let csv = try JacRunner.run(["check", "--program", "cat", "--inputs", "1", "--at", "1", "--format", "csv"])
        XCTAssertEqual(csv.status, 2)
    }

    func testExitStatusHelpSaysWhatEachCheckDoesWithInconclusiveEntries() throws {
        // --program fails only on rule-wrong or non-finite entries (claimedFailures); the formula
        // check fails whenever the library's check does not pass, fd-inconclusive included.
        let program = try help(["check", "--program", "X", "--inputs", "1", "--help"])
        XCTAssertTrue(program.contains("are fd-inconclusive (no witness could decide) or sit at a kink all leave\nit 0"), program)
        let formula = try help(["check", "--help"])
        XCTAssertTrue(formula.contains("1 it does not: an entry is rule-wrong,\nfd-inconclusive"), formula)
        XCTAssertTrue(formula.contains("With --claimed, 1 means an entry of the claimed Jacobian is rule-wrong"), formula)
        // The claims hold: a kink value outside the one-sided derivatives fails the formula check
        // (1) but not a --claimed check, which grades only the claimed entries.
        XCTAssertEqual(try JacRunner.run(["check", "relu(x) - relu(-x)", "--at", "x=0"]).status, 1)
        let claim = try JacRunner.temporaryFile("[[0]]", name: "kink-claim.json")
        XCTAssertEqual(try JacRunner.run(["check", "relu(x) - relu(-x)", "--at", "x=0", "--claimed", claim]).status, 0)
    }
}
