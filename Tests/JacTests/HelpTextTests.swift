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
        // Every path fails whenever the library's check does not pass, fd-inconclusive included:
        // the formula check, --claimed and --program.
        let program = try help(["check", "--program", "X", "--inputs", "1", "--help"])
        XCTAssertTrue(program.contains("be confirmed (fd-inconclusive, a kink unresolved: \"not confirmed\"), as for a\nformula"), program)
        let formula = try help(["check", "--help"])
        XCTAssertTrue(formula.contains("1 it does not: an entry is rule-wrong,\nfd-inconclusive"), formula)
        XCTAssertTrue(formula.contains("With --claimed the same rule grades the claimed Jacobian"), formula)
        // The claims hold. relu(x) − relu(−x) is x, slope 1 on both sides of 0; the modes give
        // 0 there (relu′(0) = 0). The formula check fails (1), and so does --claimed, as the
        // library's `passed` does: a claim of 0 is wrong (it used to leave the status 0), and
        // the right claim 1 is not confirmed while the modes are wrong.
        XCTAssertEqual(try JacRunner.run(["check", "relu(x) - relu(-x)", "--at", "x=0"]).status, 1)
        let zero = try JacRunner.run(["check", "relu(x) - relu(-x)", "--at", "x=0",
                                      "--claimed", try JacRunner.temporaryFile("[[0]]", name: "kink-claim.json")])
        XCTAssertEqual(zero.status, 1)
        XCTAssertTrue(zero.stderr.contains("claimed Jacobian is wrong at 1 entry"), zero.stderr)
        XCTAssertTrue(zero.stderr.contains("claimed 0.0 (one-sided derivatives [1.0, 1.0])"), zero.stderr)
        let one = try JacRunner.run(["check", "relu(x) - relu(-x)", "--at", "x=0",
                                     "--claimed", try JacRunner.temporaryFile("[[1]]", name: "kink-claim-1.json")])
        XCTAssertEqual(one.status, 1)
        XCTAssertTrue(one.stderr.contains("claimed Jacobian not confirmed at 1 entry"), one.stderr)
        XCTAssertTrue(one.stderr.contains("(forward, reverse wrong)"), one.stderr)
        // |x| at 0: one-sided derivatives −1 and 1. A claim between them passes, 5 is wrong.
        let inside = try JacRunner.run(["check", "abs(x)", "--at", "x=0",
                                        "--claimed", try JacRunner.temporaryFile("[[0.5]]", name: "abs-half.json")])
        XCTAssertEqual(inside.status, 0, inside.stderr)
        let outside = try JacRunner.run(["check", "abs(x)", "--at", "x=0",
                                         "--claimed", try JacRunner.temporaryFile("[[5]]", name: "abs-five.json")])
        XCTAssertEqual(outside.status, 1)
        XCTAssertTrue(outside.stderr.contains("kink, claimed 5.0 (one-sided derivatives [-1.0, 1.0])"), outside.stderr)
    }
}
