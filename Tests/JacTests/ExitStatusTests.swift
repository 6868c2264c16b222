import Foundation
import XCTest
import Adjoint

/// The exit-status contract: 0 success, 1 modes disagree, 2 invalid input, 3 evaluation failure,
/// 4 output not written, each with its message on stderr and nothing on stdout.
final class ExitStatusTests: XCTestCase {
    func assertStatus(_ args: [String], _ status: Int32, stderr expected: String,
                      file: StaticString = #filePath, line: UInt = #line) throws {
        let r = try JacRunner.run(args, file: file, line: line)
        XCTAssertEqual(r.status, status, "jac \(args): \(r.stderr)", file: file, line: line)
        XCTAssertEqual(r.stderr, expected, file: file, line: line)
        XCTAssertEqual(r.stdout, "", file: file, line: line)
    }

    func assertStatus(_ args: [String], _ status: Int32, stderrContains expected: String,
                      file: StaticString = #filePath, line: UInt = #line) throws {
        let r = try JacRunner.run(args, file: file, line: line)
        XCTAssertEqual(r.status, status, "jac \(args): \(r.stderr)", file: file, line: line)
        XCTAssertTrue(r.stderr.contains(expected), "stderr was: \(r.stderr)", file: file, line: line)
        XCTAssertEqual(r.stdout, "", file: file, line: line)
    }

    // MARK: 0

    func testHelpAndVersionSucceed() throws {
        let help = try JacRunner.run(["--help"])
        XCTAssertEqual(help.status, 0)
        XCTAssertTrue(help.stdout.contains("EXAMPLES"))
        XCTAssertTrue(help.stdout.contains("jac jacobian \"log(x1) + x1*x2 - sin(x2)\" --at x1=2,x2=5"))
        for sub in ["jacobian", "eval", "hessian", "check", "sweep", "complexity"] {
            let r = try JacRunner.run([sub, "--help"])
            XCTAssertEqual(r.status, 0, sub)
            XCTAssertTrue(r.stdout.contains("EXAMPLES"), "\(sub) --help has no worked examples")
        }
        let version = try JacRunner.run(["--version"])
        XCTAssertEqual(version.status, 0)
        XCTAssertEqual(version.stdout, "0.1.0\n")
    }

    // MARK: 1

    /// A formula without variables has a Jacobian with no entries: the library's check compared
    /// nothing and does not pass (`passed` false, "nothing was checked"), and the table said
    /// CHECK FAILED and the JSON "agree": false, yet the status was 0, a pass to any script. The
    /// same with --claimed and an empty claim. Status 1 follows the verdict, with the reason.
    func testACheckThatComparedNothingIsStatusOneAsItsVerdictSays() throws {
        for format in ["table", "json", "csv"] {
            let r = try JacRunner.run(["check", "pi*e", "--format", format])
            XCTAssertEqual(r.status, 1, "\(format): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("error: check failed: nothing was checked: the Jacobian has no entries"), r.stderr)
        }
        let json = try JacRunner.run(["check", "2", "--format", "json"])
        XCTAssertTrue(json.stdout.contains("\"agree\": false"), json.stdout)
        let empty = try JacRunner.temporaryFile("[[]]", name: "no-entries.json")
        let claimed = try JacRunner.run(["check", "2", "--claimed", empty])
        XCTAssertEqual(claimed.status, 1, claimed.stderr)
        XCTAssertTrue(claimed.stderr.contains("nothing was checked"), claimed.stderr)
        // A reason of the whole check is no entry: "not confirmed at 1 entry" counted it as one.
        XCTAssertTrue(claimed.stderr.contains("claimed Jacobian not confirmed (the check does not pass"), claimed.stderr)
        XCTAssertFalse(claimed.stderr.contains("1 entry"), claimed.stderr)
    }

    // MARK: 2, usage

    func testNoArgumentsIsStatusTwo() throws {
        try assertStatus([], 2, stderrContains: "error: no command given")
    }

    func testUnknownOptionAndSubcommandAreStatusTwo() throws {
        try assertStatus(["--bogus"], 2, stderrContains: "Unknown option '--bogus'")
        try assertStatus(["frobnicate"], 2, stderrContains: "frobnicate")
        try assertStatus(["jacobian", "x", "--at", "1", "--bogus"], 2, stderrContains: "Unknown option '--bogus'")
        try assertStatus(["jacobian", "x", "--at", "1", "--mode", "sideways"], 2,
                         stderrContains: "unknown mode 'sideways' (modes: reverse, forward, central, richardson, complex-step, exact, adaptive)")
        try assertStatus(["jacobian", "x"], 2, stderrContains: "missing point: give --at x=1 (or --points FILE.csv)")
        try assertStatus(["jacobian", "--at", "1"], 2, stderrContains: "missing formula")
    }

    /// Every option takes one value, and a second one silently replaced the first: `check F --at 1
    /// --at 2` checked at 2 alone and exited 0. Both values are named; nothing is computed.
    func testAnOptionGivenTwiceIsStatusTwoNamingBothValues() throws {
        try assertStatus(["check", "x^2", "--at", "1", "--at", "2"], 2,
                         stderrContains: "error: --at is given twice ('1' and '2'): give it once")
        try assertStatus(["jacobian", "x", "--at", "1", "--mode", "forward", "--mode=exact"], 2,
                         stderrContains: "error: --mode is given twice ('forward' and 'exact')")
        try assertStatus(["check", "--program", "python3 a.py", "--inputs", "1", "--at", "1", "--program", "python3 b.py"], 2,
                         stderrContains: "error: --program is given twice ('python3 a.py' and 'python3 b.py')")
        // A negative value joined to its option (--at=-1) and a formula after -- are not repeats.
        let r = try JacRunner.run(["eval", "--at", "-1", "--", "-x"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let flags = try JacRunner.run(["jacobian", "x", "--at", "1", "--analyze", "--analyze"])
        XCTAssertEqual(flags.status, 0, flags.stderr)
    }

    // MARK: 2, formula

    func testSyntaxErrorShowsCaret() throws {
        try assertStatus(["eval", "sin(x + y*2", "--at", "1,2"], 2, stderr: """
            error: expected ')' at column 12 (to close the '(' at column 4)
              sin(x + y*2
                         ^

            """)
    }

    func testUnknownFunction() throws {
        try assertStatus(["jacobian", "x + sinn(x)", "--at", "1"], 2, stderr: """
            error: unknown function 'sinn' (did you mean sin?) at column 5
              x + sinn(x)
                  ^

            """)
    }

    func testUnknownVariable() throws {
        try assertStatus(["jacobian", "x*y", "--vars", "x", "--at", "1"], 2,
                         stderrContains: "error: unknown variable 'y' at column 3 (variables: x)")
    }

    func testExactForANonRationalFormula() throws {
        try assertStatus(["jacobian", "sin(x) + x^2", "--at", "1", "--mode", "exact"], 2,
                         stderr: "error: exact mode is not available: uses sin\n")
    }

    // MARK: 2, point

    /// Review: a fraction is judged by its quotient, not by its parts: 1e-400/1e-400 and
    /// 1e400/1e400 are 1 (by hand), and were refused as values that "overflow or underflow";
    /// 1e-400/3e-400 is 1/3, whose nearest Double is 0.3333333333333333. A value or quotient out
    /// of Double's range is refused naming which way.
    func testAFractionIsJudgedByItsQuotient() throws {
        for (point, value) in [("1e-400/1e-400", "1.0"), ("1e400/1e400", "1.0"), ("1e-400/3e-400", "0.3333333333333333"), ("0/1e-400", "0.0")] {
            let r = try JacRunner.run(["eval", "x", "--at", "x=\(point)", "--format", "csv"])
            XCTAssertEqual(r.status, 0, point + r.stderr)
            XCTAssertEqual(r.stdout, "output,value\nf,\(value)\n", point)
        }
        try assertStatus(["eval", "x", "--at", "x=1e400"], 2, stderr: "error: value '1e400' for x in --at overflows Double (beyond ±1.8e308)\n")
        try assertStatus(["eval", "x", "--at", "x=1e308/1e-308"], 2, stderrContains: "overflows Double")
        try assertStatus(["eval", "x", "--at", "x=1e-400"], 2,
                         stderr: "error: value '1e-400' for x in --at is not 0 but underflows to 0 in Double (below 4.9e-324)\n")
        try assertStatus(["eval", "x", "--at", "x=1e-400/0"], 2, stderr: "error: value '1e-400/0' for x in --at divides by zero\n")
        let points = try JacRunner.temporaryFile("x\n1e400/1e400\n", name: "quotient-points.csv")
        XCTAssertEqual(try JacRunner.run(["eval", "x", "--points", points]).stdout, "x,f\n1.0,1.0\n")
    }

    func testMalformedAndMissingPointValues() throws {
        try assertStatus(["eval", "x*y", "--at", "x=1,y=abc"], 2, stderr:
            "error: malformed value 'abc' for y in --at (expected a number like 2, -0.5, 1e-3 or a fraction like 1/3)\n")
        try assertStatus(["eval", "x*y", "--at", "x=1,y=1/0"], 2, stderr: "error: value '1/0' for y in --at divides by zero\n")
        try assertStatus(["eval", "x*y", "--at", "x=1"], 2, stderr: "error: missing value for y in --at\n")
        try assertStatus(["eval", "x*y", "--at", "1"], 2,
                         stderr: "error: --at has 1 value but the formula has 2 variables (x, y)\n")
        try assertStatus(["eval", "x*y", "--at", "x=1,y=2,z=3"], 2,
                         stderr: "error: --at names 'z', which is not a variable (variables: x, y)\n")
        try assertStatus(["eval", "x", "--at", "nan"], 2, stderrContains: "malformed value 'nan' for x")
        // A stray comma is named as such: it read as a bare value beside named ones ("mixes
        // name=value and bare values") or as one value too many ("has 3 values").
        try assertStatus(["eval", "x*y", "--at", "x=1,y=2,"], 2,
                         stderr: "error: --at 'x=1,y=2,' has an empty value at position 3 (values are separated by single commas)\n")
        try assertStatus(["eval", "x*y", "--at", "1,,2"], 2,
                         stderr: "error: --at '1,,2' has an empty value at position 2 (values are separated by single commas)\n")
    }

    func testMissingFormulaFile() throws {
        try assertStatus(["eval", "--file", "/nonexistent/formula.txt", "--at", "1"], 2,
                         stderr: "error: cannot read formula file '/nonexistent/formula.txt': No such file or directory\n")
    }

    // MARK: 3

    func testDomainErrorsNameTheOp() throws {
        try assertStatus(["eval", "log(x)", "--at", "x=-1"], 3, stderrContains: "error: evaluation failed: domain error in log")
        try assertStatus(["jacobian", "sqrt(x)", "--at", "x=-4", "--mode", "forward"], 3,
                         stderrContains: "domain error in sqrt")
        try assertStatus(["jacobian", "1/x", "--at", "x=0"], 3, stderrContains: "division by zero")
    }

    func testNonFiniteResult() throws {
        // e^1000 overflows Double (max ≈ 1.8e308 < e^710).
        try assertStatus(["jacobian", "exp(x)", "--at", "1000"], 3, stderrContains: "error: evaluation failed: non-finite")
    }

    /// ∂(x² + √y)/∂x = 2x is finite at y = 0; only ∂/∂y = 1/(2√y) is infinite, and the error names
    /// that entry (forward mode used to name entry 0: its pass met √′(0) = ∞ with x's zero tangent).
    func testNonFiniteEntryIsTheInfiniteOne() throws {
        try assertStatus(["jacobian", "x^2 + sqrt(y)", "--at", "x=1,y=0", "--mode", "forward"], 3,
                         stderr: "error: evaluation failed: df/dy is +∞ in forward mode at a singular point: sqrt at 0.0 (sqrt′(0) = +∞ (reported as a singular point))\n")
        try assertStatus(["jacobian", "sqrt(y) + x^2", "--vars", "x,y", "--at", "x=1,y=0", "--mode", "forward"], 3,
                         stderr: "error: evaluation failed: df/dy is +∞ in forward mode at a singular point: sqrt at 0.0 (sqrt′(0) = +∞ (reported as a singular point))\n")
    }

    // MARK: 4

    /// A result that could not be written is not a success: to a full disk (/dev/full) and to a
    /// closed standard output, for a small and for a large result (the large one fails while
    /// printing, before the final flush). Found by review: each gave status 0 and no message.
    func testAnUnwrittenResultIsStatus4() throws {
        let small = "jacobian x --at x=1"
        let large = "jacobian \"\((0..<400).map { "x\($0)^2" }.joined(separator: "+"))\" --at \((0..<400).map { "x\($0)=1" }.joined(separator: ",")) --format json"
        for (command, redirect) in [(small, "> /dev/full"), (small, ">&-"), (large, "> /dev/full")] {
            let r = try JacRunner.shell { jac in "\(jac) \(command) \(redirect)" }
            XCTAssertEqual(r.status, 4, "\(redirect): \(r.stderr)")
            XCTAssertTrue(r.stderr.hasPrefix("error: could not write the result to standard output"), "\(redirect): \(r.stderr)")
        }
        // The same command with somewhere to write still succeeds.
        XCTAssertEqual(try JacRunner.run(["jacobian", "x", "--at", "x=1"]).status, 0)
    }

    /// Found by review: a --plot file that opened but could not be written (a full disk) exited 2,
    /// "invalid input"; it is the result not written, as for standard output. A path that cannot
    /// be opened stays a bad argument.
    func testAPlotFileOnAFullDiskIsStatus4AndAMissingDirectoryStatus2() throws {
        let full = try JacRunner.run(["sweep", "exp(x)", "--at", "x=1", "--plot", "/dev/full"])
        XCTAssertEqual(full.status, 4, full.stderr)
        XCTAssertTrue(full.stderr.contains("cannot write --plot file '/dev/full': No space left on device"), full.stderr)
        let missing = try JacRunner.run(["sweep", "exp(x)", "--at", "x=1", "--plot", "/nonexistent-dir/v.svg"])
        XCTAssertEqual(missing.status, 2, missing.stderr)
        XCTAssertTrue(missing.stderr.contains("the directory '/nonexistent-dir' does not exist"), missing.stderr)
    }
}

/// Findings of the code review, each a test that failed (or crashed) before its fix.
final class ReviewRegressionTests: XCTestCase {
    func testSweepOfAConstantFormulaIsAUsageErrorNotACrash() throws {
        let r = try JacRunner.run(["sweep", "2+3", "--at", ""])
        XCTAssertEqual(r.status, 2)
        XCTAssertEqual(r.stderr, "error: the formula has no variables, so there is no derivative to sweep\n")
    }

    func testNonFiniteDifferenceIsAnEvaluationFailureNotNaNInJSON() throws {
        // h ≈ 6e-6 > x = 1e-10, so the stencil evaluates log at a negative point.
        let r = try JacRunner.run(["jacobian", "log(x)", "--at", "x=1e-10", "--mode", "central", "--format", "json"])
        XCTAssertEqual(r.status, 3)
        XCTAssertEqual(r.stdout, "")
        XCTAssertTrue(r.stderr.contains("non-finite central difference"), r.stderr)
    }

    func testCheckEscalatesPastUnreliableDifferences() throws {
        // At 1e-10 a central step leaves log's domain: the ladder escalates to a witness that is
        // reliable there and the check passes.
        let r = try JacRunner.run(["check", "log(x)", "--at", "x=1e-10", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let entry = (try JacRunner.json(r.stdout)["entries"] as? [[String: Any]])?.first
        XCTAssertEqual(entry?["verdict"] as? String, "agree")
        XCTAssertNotEqual(entry?["witness"] as? String, "central")
        // (3/2)^900: huge derivatives; exact mode takes part and every subject agrees.
        let big = try JacRunner.run(["check", "x^900", "--at", "x=3/2", "--format", "json"])
        XCTAssertEqual(big.status, 0, big.stderr)
        let o = try JacRunner.json(big.stdout)
        XCTAssertEqual(o["subjects"] as? [String], ["forward", "reverse", "exact"])
        XCTAssertEqual((o["modes"] as? [[String: Any]])?.compactMap { $0["verdict"] as? String }, ["agree", "agree", "agree"])
    }

    /// Issue 14 item 5: a mode that fails is not a disagreeing mode, and overflow is status 3.
    func testCheckTreatsModeFailuresAsFailuresNotDisagreement() throws {
        let exact = try JacRunner.run(["check", "x^1000000", "--at", "x=3/7", "--format", "json"])
        XCTAssertEqual(exact.status, 0, exact.stderr)
        let notes = try JacRunner.json(exact.stdout)["notes"] as? [String] ?? []
        XCTAssertTrue(notes.contains { $0.hasPrefix("exact mode could not run: ") && $0.contains("bit size") }, "\(notes)")
        let overflow = try JacRunner.run(["check", "x^2000", "--at", "x=2"])
        XCTAssertEqual(overflow.status, 3, overflow.stderr)
        XCTAssertTrue(overflow.stderr.contains("non-finite"), overflow.stderr)
        let infinite = try JacRunner.run(["check", "sqrt(x)", "--at", "x=0"])
        XCTAssertEqual(infinite.status, 3, infinite.stderr)
        XCTAssertTrue(infinite.stderr.contains("is not finite"), infinite.stderr)
        // √ at 0 is a singularity, said so, not a kink with NaN one-sided derivatives.
        XCTAssertTrue(infinite.stderr.contains("(singular at sqrt)"), infinite.stderr)
        let sqrtTable = try JacRunner.run(["check", "sqrt(x)", "--at", "x=0"]).stdout
        XCTAssertTrue(sqrtTable.contains("non-finite (forward, reverse): singular at sqrt"), sqrtTable)
        XCTAssertFalse(sqrtTable.contains("NaN"), sqrtTable)
        // Outside the domain at the point: 3, as in every other command.
        XCTAssertEqual(try JacRunner.run(["check", "log(x)", "--at", "x=-1"]).status, 3)
    }

    /// Issue 14 item 5: exact mode read the decimal text, float modes its Double, and so compared
    /// two different points. Now every mode uses the Double and the output says which it was.
    func testCheckComparesEveryModeAtTheSamePoint() throws {
        let r = try JacRunner.run(["check", "x^3 - x", "--at", "x=0.1000000000000001", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let o = try JacRunner.json(r.stdout)
        // (Compared as text: Foundation's JSON reader does not round decimal numbers correctly.)
        XCTAssertTrue(r.stdout.hasPrefix("{\"variables\": [\"x\"], \"point\": [0.1000000000000001], "), r.stdout)
        let x = Rational(0.1000000000000001)
        XCTAssertEqual((o["exact_jacobian"] as? [[String]])?.first?.first, (3 * x * x - 1).description)
        XCTAssertTrue((o["notes"] as? [String] ?? []).contains {
            $0 == "x = 0.1000000000000001 is not a Double; every mode used 0.1000000000000001 (exactly 7205759403792801/72057594037927936)"
        }, "\(o["notes"] ?? "")")
    }

    func testInfiniteConditionNumberIsNullInJSONAndAnalysisAppearsInCSV() throws {
        let r = try JacRunner.run(["jacobian", "x*y", "--at", "x=0,y=0", "--analyze", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("\"condition_number\": null"), r.stdout)
        XCTAssertNoThrow(try JacRunner.json(r.stdout), "valid JSON")
        let c = try JacRunner.run(["jacobian", "x*y", "--at", "x=1,y=2", "--analyze", "--format", "csv"])
        // J = (2, 1): one singular value √5, rank 1, κ = σmax/σmin over the nonzero ones = 1.
        XCTAssertEqual(c.stdout, "x,y,f,df/dx,df/dy,sigma1,rank,condition_number\n1.0,2.0,2.0,2.0,1.0,2.23606797749979,1,1.0\n")
    }

    func testValuesThatUnderflowAreRejected() throws {
        let p = try JacRunner.run(["eval", "1/x", "--at", "x=1e-400"])
        XCTAssertEqual(p.status, 2, p.stderr)
        let f = try JacRunner.run(["eval", "x + 1e-400", "--at", "x=1"])
        XCTAssertEqual(f.status, 2)
        XCTAssertTrue(f.stderr.contains("underflows to 0"), f.stderr)
    }

    func testPointsFileWithOnlyAHeaderIsAnError() throws {
        let path = try JacRunner.temporaryFile("x,y\n", name: "empty-points.csv")
        let r = try JacRunner.run(["jacobian", "x*y", "--points", path])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("has a header but no points"), r.stderr)
    }
}

final class UnreliableEntryTests: XCTestCase {
    func testDifferenceModesPublishErrorEstimatesAndWarnAtSingularPoints() throws {
        let r = try JacRunner.run(["jacobian", "x^2", "--at", "x=3", "--mode", "central", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let est = try JacRunner.json(r.stdout)["error_estimate"] as? [[Double]]
        // Central differences of x² are exact up to rounding: the estimate is tiny.
        XCTAssertLessThan(est?.first?.first ?? 1, 1e-9)
        XCTAssertEqual(r.stderr, "")
        // √x at 0: the derivative is unbounded; the complex step never settles, and says so
        // instead of printing its last finite number.
        let s = try JacRunner.run(["jacobian", "sqrt(x)", "--at", "x=0", "--mode", "complex-step"])
        XCTAssertEqual(s.status, 0)
        XCTAssertTrue(s.stdout.contains("no estimate"), s.stdout)
        XCTAssertTrue(s.stderr.contains("df/dx has no estimate and is unreliable"), s.stderr)
    }

    /// 1/(1 + e^x) at 710 is 4.47e-309 (e^-710, a subnormal Double); e^710 overflows on the way
    /// and eval printed 0.0 with status 0 and no word. The overflowed intermediate is named; an
    /// evaluation without one gets no note.
    func testEvalNamesANonFiniteIntermediate() throws {
        let r = try JacRunner.run(["eval", "1/(1+exp(x))", "--at", "x=710"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("note: exp at node 1 is inf in Double; the value printed was computed through it"), r.stderr)
        let fine = try JacRunner.run(["eval", "1/(1+exp(x))", "--at", "x=700"])
        XCTAssertEqual(fine.stderr, "")
    }

    /// The note came before the value it speaks of ("the value printed"), on a terminal where both
    /// streams meet, and with --points once per point ahead of every row. It is a note of the
    /// report like every command's: after the value, and summarised over points.
    func testEvalsNoteComesAfterTheValueAndIsSummarisedOverPoints() throws {
        // Both streams into one, as on a terminal.
        let merged = try JacRunner.shell { jac in "\(jac) eval '1/(1+exp(x))' --at x=710 2>&1" }.stdout
        let lines = merged.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "at x = 710.0", merged)
        XCTAssertTrue(lines.last?.hasPrefix("note: exp at node 1 is inf in Double") == true, merged)
        let points = try JacRunner.temporaryFile("x\n709\n710\n711\n", name: "overflow-points.csv")
        let r = try JacRunner.run(["eval", "1/(1+exp(x))", "--points", points])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stderr, "note: 2 of 3 points with this note (the first shown; --at that point for every note): "
                       + "at point 2: exp at node 1 is inf in Double; the value printed was computed through it and may "
                       + "have lost every digit\n")
    }
}

