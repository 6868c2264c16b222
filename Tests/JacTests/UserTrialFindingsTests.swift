import Foundation
import XCTest

/// Defects a fresh-eyes user trial of `jac` found (session 7, trial B). Each test fails on the code
/// before its fix; expected values are hand derivations unless a comment names another source.
final class UserTrialFindingsTests: XCTestCase {
    /// A CSV saved on Windows (CRLF line ends) was read as one line: Swift's split at "\n" does not
    /// split "\r\n", which is a single Character. The points file then said "column 'y\r\n1' is not a
    /// variable"; a claimed Jacobian said "'2\r\n1' is not a number".
    func testWindowsLineEndsInPointsAndClaimedFiles() throws {
        let points = try JacRunner.temporaryFile("x,y\r\n1,2\r\n3,4\r\n", name: "crlf-points.csv")
        let r = try JacRunner.run(["eval", "x-y", "--points", points])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "x,y,f\n1.0,2.0,-1.0\n3.0,4.0,-1.0\n")

        // d(xy)/d(x, y) = (y, x) = (3, 2) and d(x + y) = (1, 1) at (2, 3).
        let claimed = try JacRunner.temporaryFile("3,2\r\n1,1\r\n", name: "crlf-claimed.csv")
        let c = try JacRunner.run(["check", "x*y; x+y", "--at", "2,3", "--claimed", claimed, "--format", "json"])
        XCTAssertEqual(c.status, 0, c.stderr)
        let wrong = try JacRunner.temporaryFile("3,2\r\n1,7\r\n", name: "crlf-claimed-wrong.csv")
        let w = try JacRunner.run(["check", "x*y; x+y", "--at", "2,3", "--claimed", wrong, "--format", "json"])
        XCTAssertEqual(w.status, 1, w.stderr)
        XCTAssertTrue(w.stderr.contains("entry (1, 1)"), w.stderr)
    }

    /// Excel's "CSV UTF-8" starts the file with a byte-order mark, which became part of the first
    /// header name: "column '\u{FEFF}x' is not a variable", the mark invisible in a terminal.
    func testAByteOrderMarkIsNotPartOfTheFirstName() throws {
        let points = try JacRunner.temporaryFile("\u{FEFF}x,y\n1,2\n", name: "bom-points.csv")
        let r = try JacRunner.run(["eval", "x-y", "--points", points])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "x,y,f\n1.0,2.0,-1.0\n")
        let claimed = try JacRunner.temporaryFile("\u{FEFF}[[3, 2]]", name: "bom-claimed.json")
        let c = try JacRunner.run(["check", "x*y", "--at", "2,3", "--claimed", claimed, "--format", "json"])
        XCTAssertEqual(c.status, 0, c.stderr)
    }

    /// A formula starting with '-' is moved behind `--` for the formula commands, but `diff` was not
    /// one of them: `jac diff "-sinh(x)"` printed diff's help with status 0 (read as -s -i -n -h) and
    /// `jac diff "-x^2"` said "Missing expected argument". The flags --sparse and --expand were
    /// taken to consume the next token, so a formula after them was lost the same way.
    func testFormulasStartingWithMinusAfterEveryCommandAndFlag() throws {
        // d(-sinh x)/dx = -cosh x; d(-x^2)/dx = -2x.
        let sinh = try JacRunner.run(["diff", "-sinh(x)"])
        XCTAssertEqual(sinh.status, 0, sinh.stderr)
        XCTAssertEqual(sinh.stdout, "df/dx = -cosh(x)\n")
        let square = try JacRunner.run(["diff", "--expand", "-x^2", "--at", "x=3"])
        XCTAssertEqual(square.status, 0, square.stderr)
        XCTAssertEqual(square.stdout, "df/dx = -2*x    (= -6.0)\n")
        // ∂(-xy)/∂(x, y) = (-y, -x) = (-2, -1) at (1, 2).
        let sparse = try JacRunner.run(["jacobian", "--sparse", "-x*y", "--at", "1,2", "--format", "json"])
        XCTAssertEqual(sparse.status, 0, sparse.stderr)
        let entries = try JacRunner.json(sparse.stdout)["entries"] as? [[Double]]
        XCTAssertEqual(entries, [[0, 0, -2], [0, 1, -1]])
    }

    /// A difference entry below 1e-6 in size was never called unreliable, whatever its estimate:
    /// the threshold was 1e-6·max(1, |value|). Central differences of x³ at 1e-7 give 3x² + h²,
    /// 5.8e-11 against the true 3x² = 3e-14, with an estimate as large as the value, and printed
    /// it with status 0 and no note.
    func testASmallDerivativeWithALargeEstimateIsUnreliable() throws {
        let r = try JacRunner.run(["jacobian", "x^3", "--at", "x=1e-7", "--mode", "central", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let json = try JacRunner.json(r.stdout)
        let value = try XCTUnwrap((json["jacobian"] as? [[Double]])?.first?.first)
        XCTAssertGreaterThan(abs(value - 3e-14), 1e3 * 3e-14, "the premise: central is far off here")
        XCTAssertEqual(json["unreliable"] as? [[Bool]], [[true]])
        XCTAssertTrue(r.stderr.contains("df/dx = \(value) is unreliable"), r.stderr)
        // Richardson gets 3e-14 to ~1e-11 relative here, and stays unflagged: the threshold is relative.
        let good = try JacRunner.run(["jacobian", "x^3", "--at", "x=1e-7", "--mode", "richardson", "--format", "json"])
        let goodValue = try XCTUnwrap((try JacRunner.json(good.stdout)["jacobian"] as? [[Double]])?.first?.first)
        XCTAssertEqual(goodValue, 3e-14, accuracy: 1e-24)
        XCTAssertEqual(try JacRunner.json(good.stdout)["unreliable"] as? [[Bool]], [[false]])
        // An entry that is zero beside a larger one is judged on its row's scale: ∂(x + y²)/∂y at
        // y = 0 is 0 next to ∂/∂x = 1.
        let row = try JacRunner.run(["jacobian", "x + y^2", "--at", "x=1,y=0", "--mode", "richardson", "--format", "json"])
        XCTAssertEqual(try JacRunner.json(row.stdout)["unreliable"] as? [[Bool]], [[false, false]], row.stderr)
    }

    /// `check --program` has no formula, yet a short --at said "the formula has 2 variables".
    func testAProgramPointOfTheWrongLengthNamesInputsNotAFormula() throws {
        let r = try JacRunner.run(["check", "--program", "cat", "--inputs", "2", "--at", "0.5"])
        XCTAssertEqual(r.status, 2)
        XCTAssertEqual(r.stderr, "error: --at has 1 value but --inputs gives 2 inputs (x0, x1)\n")
    }

    /// The dense Jacobian notes a kink it touched (the printed derivative is a convention there);
    /// --sparse printed the same entries with no note.
    func testTheSparseJacobianNotesAKinkItTouched() throws {
        for mode in ["forward", "reverse"] {
            let r = try JacRunner.run(["jacobian", "relu(x)*y; y", "--at", "0,2", "--sparse", "--mode", mode, "--format", "json"])
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertTrue(r.stderr.contains("kink touched: relu"), mode + ": " + r.stderr)
            XCTAssertTrue(r.stderr.contains("the derivative uses the convention 'relu′(0) = 0'"), r.stderr)
            let smooth = try JacRunner.run(["jacobian", "relu(x)*y; y", "--at", "1,2", "--sparse", "--mode", mode])
            XCTAssertEqual(smooth.stderr, "")
        }
    }

    /// Nesting past 10,000 said "nesting deeper than 10000 parentheses or calls" with no way out,
    /// although the parser and every later pass are loops: JAC_MAX_NESTING now raises the bound,
    /// and the error names it. ((…(x)…)) is x, whatever the depth: value 0.5, derivative 1.
    func testNestingBeyondTheDefaultCanBeRaised() throws {
        let depth = 20_000
        let formula = String(repeating: "(", count: depth) + "x" + String(repeating: ")", count: depth)
        let path = try JacRunner.temporaryFile(formula, name: "deep-\(depth).txt")
        let refused = try JacRunner.run(["jacobian", "--file", path, "--at", "x=0.5"])
        XCTAssertEqual(refused.status, 2)
        XCTAssertTrue(refused.stderr.hasPrefix("error: nesting deeper than 10000 parentheses or calls at column 10001\n"), refused.stderr)
        XCTAssertTrue(refused.stderr.hasSuffix("\n(JAC_MAX_NESTING raises the limit)\n"), refused.stderr)
        let raised = try JacRunner.run(["jacobian", "--file", path, "--at", "x=0.5", "--format", "json"],
                                       environment: ["JAC_MAX_NESTING": "\(depth)"])
        XCTAssertEqual(raised.status, 0, raised.stderr)
        XCTAssertEqual(try JacRunner.json(raised.stdout)["jacobian"] as? [[Double]], [[1]])
        let diff = try JacRunner.run(["diff", "-"], stdin: formula, environment: ["JAC_MAX_NESTING": "\(depth)"])
        XCTAssertEqual(diff.stdout, "df/dx = 1\n", diff.stderr)
    }

    /// Every formula command reads --file except diff, which said "Unknown option '--file'".
    func testDiffReadsAFormulaFile() throws {
        let path = try JacRunner.temporaryFile("f(r, t) = r*cos(t); r*sin(t)\n", name: "polar.txt")
        let r = try JacRunner.run(["diff", "--file", path, "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        // [[cos t, −r sin t], [sin t, r cos t]], by hand.
        XCTAssertEqual(try JacRunner.json(r.stdout)["jacobian"] as? [[String]],
                       [["cos(t)", "-r*sin(t)"], ["sin(t)", "r*cos(t)"]])
        let both = try JacRunner.run(["diff", "x", "--file", path])
        XCTAssertEqual(both.status, 2)
        XCTAssertTrue(both.stderr.contains("give the formula either as an argument or with --file, not both"), both.stderr)
        let neither = try JacRunner.run(["diff", "--format", "json"])
        XCTAssertEqual(neither.status, 2)
        XCTAssertTrue(neither.stderr.contains("missing formula: give it as an argument, '-' for standard input, or --file F"), neither.stderr)
    }

    /// A negative value after an option read as another option: "Missing value for '--graphs <n>'"
    /// when -1 was given. It now reaches the option's own check, which says what is allowed.
    func testANegativeOptionValueIsJudgedNotMissing() throws {
        let graphs = try JacRunner.run(["selftest", "--graphs", "-1"])
        XCTAssertEqual(graphs.status, 2)
        XCTAssertTrue(graphs.stderr.hasPrefix("error: --graphs must be between 1 and 1000000, got -1"), graphs.stderr)
        let output = try JacRunner.run(["sweep", "x", "--at", "1", "--output", "-1"])
        XCTAssertEqual(output.status, 2)
        XCTAssertEqual(output.stderr, "error: --output -1 is out of range: outputs count from 1, and the formula has 1 output(s)\n")
        // --input 0 (the JSON's and the library's first index) is refused saying where counting starts.
        let input = try JacRunner.run(["sweep", "x*y", "--at", "1,2", "--input", "0"])
        XCTAssertEqual(input.status, 2)
        XCTAssertEqual(input.stderr, "error: --input 0 is out of range: inputs count from 1, in the order x, y\n")
        // Negative point values and formulas starting with '-' are unaffected.
        let point = try JacRunner.run(["jacobian", "--at", "-1,-2", "-x*y", "--format", "json"])
        XCTAssertEqual(try JacRunner.json(point.stdout)["jacobian"] as? [[Double]], [[2, 1]], point.stderr)
    }

    /// A byte that is not UTF-8 (a Latin-1 'é', a binary file) was decoded to U+FFFD and reported
    /// as "unexpected character '�'" or "malformed value '�2'"; the file is now named as not UTF-8,
    /// with the byte and its offset.
    func testTextThatIsNotUTF8IsNamedAsSuch() throws {
        let r = try JacRunner.run(["eval", "-", "--at", "1"], stdin: String(decoding: [0x78, 0x2B, 0x31], as: UTF8.self))
        XCTAssertEqual(r.status, 0, r.stderr)   // the premise: x+1 as bytes is fine
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("latin1-\(getpid()).csv").path
        try Data([0x78, 0x2C, 0x79, 0x0A, 0x31, 0x2C, 0xE9, 0x32, 0x0A]).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let latin = try JacRunner.run(["eval", "x+y", "--points", path])
        XCTAssertEqual(latin.status, 2)
        XCTAssertEqual(latin.stderr, "error: points file '\(path)' is not UTF-8 text: byte 0xE9 at offset 6 (save it as UTF-8; formulas and CSV files are ASCII text)\n")
    }

    /// "complexity sweep sizes must be in 1...512, got 100000" did not say which option was out of
    /// range; the message now names it.
    func testComplexitySizesAreCheckedUnderTheirOptionsName() throws {
        let width = try JacRunner.run(["complexity", "--depths", "1,2", "--width", "100000"])
        XCTAssertEqual(width.status, 2)
        XCTAssertEqual(width.stderr, "error: --width must be between 1 and 512 (got 100000)\n")
        let depths = try JacRunner.run(["complexity", "--depths", "1,1000"])
        XCTAssertEqual(depths.stderr, "error: --depths: 1000 is above the largest size, 512\n")
    }

    /// R's write.csv quotes the header ("x","y"), which read as the column '"x"'; a file separated
    /// by semicolons (a European spreadsheet's CSV) or tabs said only that 'x;y' is not a variable.
    func testQuotedAndOtherwiseSeparatedPointsFiles() throws {
        let quoted = try JacRunner.temporaryFile("\"x\",\"y\"\n1,2\n\"3\",\"4\"\n", name: "quoted.csv")
        let r = try JacRunner.run(["eval", "x+y", "--points", quoted])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "x,y,f\n1.0,2.0,3.0\n3.0,4.0,7.0\n")
        let semicolons = try JacRunner.temporaryFile("x;y\n1;2\n", name: "semicolons.csv")
        let s = try JacRunner.run(["eval", "x+y", "--points", semicolons])
        XCTAssertEqual(s.status, 2)
        XCTAssertTrue(s.stderr.hasSuffix("; the columns seem separated by semicolons, but a points file is comma-separated\n"), s.stderr)
    }

    /// `jac check --program --help` said "Missing value for '--program <command>'": the parser took
    /// --help for the program. It prints the program check's help, as the long form does.
    func testProgramCheckHelpNeedsNoProgram() throws {
        let short = try JacRunner.run(["check", "--program", "--help"])
        XCTAssertEqual(short.status, 0, short.stderr)
        XCTAssertTrue(short.stdout.hasPrefix("OVERVIEW: Check the Jacobian a program computes"), short.stdout)
        let long = try JacRunner.run(["check", "--program", "python3 m.py", "--inputs", "2", "--help"])
        XCTAssertEqual(short.stdout, long.stdout)
    }

    /// Every structural zero of a difference Jacobian was "unreliable": ∂x/∂y of "x; y" is an exact
    /// 0 (the samples agree), which carries the cancellation warning. A 0 is now judged by its
    /// estimate against its row; a 0 alone in its row (1e-20·x + 1, whose true slope 1e-20 is
    /// lost in the samples' rounding) stays flagged.
    func testAStructuralZeroIsNotUnreliable() throws {
        let r = try JacRunner.run(["jacobian", "x; y", "--at", "1,2", "--mode", "central", "--format", "json"])
        XCTAssertEqual(r.status, 0)
        XCTAssertEqual(try JacRunner.json(r.stdout)["unreliable"] as? [[Bool]], [[false, false], [false, false]])
        XCTAssertEqual(r.stderr, "")
        let lost = try JacRunner.run(["jacobian", "1e-20*x + 1", "--at", "1", "--mode", "central", "--format", "json"])
        XCTAssertEqual(try JacRunner.json(lost.stdout)["unreliable"] as? [[Bool]], [[true]])
        XCTAssertTrue(lost.stderr.contains("is unreliable"), lost.stderr)
    }

    /// With --points every per-point note was counted as "touched a kink": a difference entry
    /// flagged unreliable at two smooth points said "2 of 2 points touched a kink".
    func testPointsNotesAreSummarisedByKind() throws {
        let points = try JacRunner.temporaryFile("x\n1\n2\n", name: "two-points.csv")
        let r = try JacRunner.run(["jacobian", "1e-20*x + 1", "--points", points, "--mode", "central"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertFalse(r.stderr.contains("kink"), r.stderr)
        XCTAssertTrue(r.stderr.hasPrefix("note: 2 of 2 points with an unreliable entry (the first shown; --at that point for every note): at point 1: df/dx = 0.0 is unreliable"), r.stderr)
        let kink = try JacRunner.run(["jacobian", "relu(x - 1)", "--points", points])
        XCTAssertEqual(kink.stderr, "note: 1 of 2 points touched a kink; the registry's convention was used there\n")
    }

    /// A misspelt subcommand said "Unknown option '--at'", naming the first option the root parser
    /// did not know instead of the word that was wrong.
    func testAMisspeltSubcommandIsNamed() throws {
        let r = try JacRunner.run(["jacobain", "x", "--at", "1"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.hasPrefix("error: unknown subcommand 'jacobain' (did you mean jacobian?)\n"), r.stderr)
        let formula = try JacRunner.run(["x*y", "--at", "1,2"])
        XCTAssertTrue(formula.stderr.hasPrefix("error: unknown subcommand 'x*y' (a formula goes after a subcommand: jac jacobian \"x*y\" --at ...)"),
                      formula.stderr)
        XCTAssertEqual(try JacRunner.run(["help", "eval"]).status, 0)
        // `jac help` with a misspelt subcommand printed the root help with status 0.
        let help = try JacRunner.run(["help", "chek"])
        XCTAssertEqual(help.status, 2)
        XCTAssertTrue(help.stderr.hasPrefix("error: no help for 'chek', which is not a subcommand (did you mean check?)\n"), help.stderr)
        XCTAssertEqual(help.stdout, "")
    }
}
