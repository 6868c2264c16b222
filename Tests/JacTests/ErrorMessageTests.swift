import Foundation
import XCTest

/// Error messages a user trial found unclear: each names what went wrong and how to fix it.
final class ErrorMessageTests: XCTestCase {
    func testAnUnwritablePlotIsOneLineNamingThePathAndTheReason() throws {
        let r = try JacRunner.run(["sweep", "exp(x)", "--at", "x=1", "--plot", "/nonexistent/dir/v.svg"])
        XCTAssertEqual(r.status, 2)
        // Not Foundation's "Error Domain=NSCocoaErrorDomain Code=4 … NSUserStringVariant=…" dump.
        XCTAssertEqual(r.stderr, "error: cannot write --plot file '/nonexistent/dir/v.svg': the directory '/nonexistent/dir' does not exist\n")
        let dir = try JacRunner.run(["sweep", "exp(x)", "--at", "x=1", "--plot", NSTemporaryDirectory()])
        XCTAssertEqual(dir.status, 2)
        XCTAssertTrue(dir.stderr.hasSuffix("': Is a directory\n"), dir.stderr)
        XCTAssertFalse(dir.stderr.contains("NSCocoaErrorDomain"))
    }

    func testTheExactBitLimitNamesItsVariable() throws {
        // (3/7)^100 has numerator 3^100 ≈ 2^158.5: over a 100-bit limit.
        let r = try JacRunner.run(["jacobian", "x^100", "--at", "x=3/7", "--mode", "exact"],
                                  environment: ["JAC_EXACT_BIT_LIMIT": "100"])
        XCTAssertEqual(r.status, 3, r.stderr)
        XCTAssertTrue(r.stderr.contains("exceeds the limit of 100 (JAC_EXACT_BIT_LIMIT raises the limit)"), r.stderr)
        let raised = try JacRunner.run(["jacobian", "x^100", "--at", "x=3/7", "--mode", "exact", "--format", "json"],
                                       environment: ["JAC_EXACT_BIT_LIMIT": "1000"])
        XCTAssertEqual(raised.status, 0, raised.stderr)
    }

    /// A new user's trial: `e*x --at e=3,x=1` said only "'e', which is not a variable (variables:
    /// x)". The formula language reads an undeclared e or pi as the constant (help: "a variable
    /// declared with that name wins"), so the message says so and how to declare it; a header
    /// then takes e = 3 as asked (3·1 = 3 by hand).
    func testAPointNamingTheConstantEOrPiSaysHowToDeclareIt() throws {
        let r = try JacRunner.run(["eval", "e*x", "--at", "e=3,x=1"])
        XCTAssertEqual(r.status, 2)
        XCTAssertEqual(r.stderr, "error: --at names 'e', which is not a variable (variables: x): an undeclared e in a formula is the "
                       + "constant e = 2.718…; to make it a variable, declare it with a header, f(e, x) = …, or --vars\n")
        let pi = try JacRunner.run(["eval", "pi*r^2", "--at", "pi=3,r=1"])
        XCTAssertEqual(pi.status, 2)
        XCTAssertTrue(pi.stderr.contains("an undeclared pi in a formula is the constant π = 3.14159…; to make it a variable, declare it"),
                      pi.stderr)
        let declared = try JacRunner.run(["eval", "f(e, x) = e*x", "--at", "e=3,x=1"])
        XCTAssertEqual(declared.status, 0, declared.stderr)
        XCTAssertTrue(declared.stdout.contains("f       3.0"), declared.stdout)
        // Any other name keeps the plain message.
        let other = try JacRunner.run(["eval", "x", "--at", "y=1"])
        XCTAssertEqual(other.stderr, "error: --at names 'y', which is not a variable (variables: x)\n")
    }

    func testANumberRunningIntoANameGetsTheOperatorHint() throws {
        let r = try JacRunner.run(["eval", "2x", "--at", "x=1"])
        XCTAssertEqual(r.status, 2)
        XCTAssertEqual(r.stderr, "error: expected an operator but found 'x' (write 2*x, not 2x) at column 2\n  2x\n   ^\n")
    }

    /// Review: `--vars "x,,y"` was read as x, y without a word (split dropped the empty name), and
    /// `--wrt` the same; a blank --vars still declares no variables.
    func testAnEmptyNameInAListOfNamesIsAnError() throws {
        for (vars, position) in [("x,,y", 2), ("x,y,", 3), (",x,y", 1)] {
            let r = try JacRunner.run(["eval", "x+y", "--vars", vars, "--at", "1,2"])
            XCTAssertEqual(r.status, 2, vars)
            XCTAssertEqual(r.stderr, "error: --vars '\(vars)' has an empty name at position \(position) (names are separated by single commas)\n")
        }
        let wrt = try JacRunner.run(["diff", "x*y", "--wrt", "x,,y"])
        XCTAssertEqual(wrt.status, 2)
        XCTAssertEqual(wrt.stderr, "error: --wrt 'x,,y' has an empty name at position 2 (names are separated by single commas)\n")
        XCTAssertEqual(try JacRunner.run(["eval", "x+y", "--vars", "y, x", "--at", "1,2", "--format", "csv"]).stdout, "output,value\nf,3.0\n")
        XCTAssertEqual(try JacRunner.run(["eval", "pi", "--vars", ""]).status, 0)
    }

    /// Review: "non-finite output 1" counted outputs from 0, as the library does, where the
    /// tables name them f1, f2 and `sweep --output` counts from 1: there "output 1" named the
    /// other output. exp(1000) overflows (e^1000 ≈ 1.97e434 > 1.8e308); x does not.
    func testANonFiniteOutputIsNamedAsTheToolNamesIt() throws {
        let overflow = "evaluation failed: non-finite output f2: first produced by exp at node 1"
        let eval = try JacRunner.run(["eval", "x; exp(x)", "--at", "x=1000"])
        XCTAssertEqual(eval.status, 3)
        XCTAssertEqual(eval.stderr, "error: \(overflow)\n")
        let sweep = try JacRunner.run(["sweep", "x; exp(x)", "--at", "x=1000", "--output", "1"])
        XCTAssertEqual(sweep.stderr, "error: \(overflow)\n")
        let points = try JacRunner.temporaryFile("x\n1\n1000\n", name: "overflow-points.csv")
        XCTAssertTrue(try JacRunner.run(["eval", "x; exp(x)", "--points", points]).stderr
            .contains("error: at point 2 (x = 1000): \(overflow)"))
        XCTAssertEqual(try JacRunner.run(["eval", "g(x) = exp(x); x", "--at", "x=1000"]).stderr,
                       "error: evaluation failed: non-finite output g1: first produced by exp at node 1\n")
        let single = try JacRunner.run(["diff", "exp(x)^400/exp(x)^399", "--at", "x=10"])
        XCTAssertTrue(single.stderr.contains(": non-finite output f: first produced by powi"), single.stderr)
        // A difference names its entry: log's stencil at 1e-310 reaches below 0.
        let central = try JacRunner.run(["jacobian", "x; log(x)", "--at", "x=1e-310", "--mode", "central"])
        XCTAssertTrue(central.stderr.hasPrefix("error: evaluation failed: non-finite central difference for df2/dx; "), central.stderr)
    }

    /// 1e308·10 overflows in the product of two literals, which no tape records: reverse mode
    /// named "constant at node 1", the tape entry that received the ∞, where forward mode and
    /// x·1e308·10 (recorded, since x is a variable) name mul.
    func testAnOverflowAmongConstantsIsNamedByItsOp() throws {
        for command in ["eval", "jacobian"] {
            let r = try JacRunner.run([command, "1e308*10*x", "--at", "x=1"])
            XCTAssertEqual(r.status, 3, command)
            XCTAssertEqual(r.stderr, "error: evaluation failed: non-finite output f: first produced by mul\n", command)
        }
        // An op on constants whose operand is already infinite is no origin: log(1e308*10) names mul.
        XCTAssertEqual(try JacRunner.run(["eval", "log(1e308*10)*x", "--at", "x=1"]).stderr,
                       "error: evaluation failed: non-finite output f: first produced by mul\n")
    }

    /// `check --claimed` where f itself overflows compared nothing, yet exited 0 with the library's
    /// table line "problem: non-finite output 1". It fails as the formula check does: status 3,
    /// the output named f2 (e^1000 ≈ 1.97e434 overflows; the claim [[1], [1]] is never graded).
    func testAClaimedCheckWhereTheFormulaOverflowsFailsNamingTheOutput() throws {
        let overflow = "evaluation failed: non-finite output f2: first produced by exp at node 1"
        let claim = try JacRunner.temporaryFile("[[1], [1]]\n", name: "overflow-claim.json")
        let check = try JacRunner.run(["check", "x; exp(x)", "--at", "x=1000"])
        XCTAssertEqual(check.status, 3)
        XCTAssertEqual(check.stderr, "error: \(overflow)\n")
        let claimed = try JacRunner.run(["check", "x; exp(x)", "--at", "x=1000", "--claimed", claim])
        XCTAssertEqual(claimed.status, 3, claimed.stdout)
        XCTAssertEqual(claimed.stderr, "error: \(overflow)\n")
        XCTAssertEqual(claimed.stdout, "")
        let points = try JacRunner.temporaryFile("x\n1\n1000\n", name: "overflow-claim-points.csv")
        let claims = try JacRunner.temporaryFile("[[[1], [2.718281828459045]], [[1], [1]]]\n", name: "overflow-claims.json")
        let two = try JacRunner.run(["check", "x; exp(x)", "--points", points, "--claimed", claims])
        XCTAssertEqual(two.status, 3, two.stdout)
        XCTAssertEqual(two.stderr, "error: at point 2: \(overflow)\n")
    }

    func testAFormulaWithoutVariablesNeedsNoPoint() throws {
        let r = try JacRunner.run(["eval", "pi*e"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "at (no variables)\noutput  value\nf       \(Double.pi * exp(1.0))\n")
        let quoted = try JacRunner.run(["eval", "pi*e", "--at", ""])
        XCTAssertEqual(quoted.stdout, r.stdout)
        let named = try JacRunner.run(["jacobian", "2", "--at", "x=1"])
        XCTAssertEqual(named.status, 2)
        XCTAssertEqual(named.stderr, "error: --at names 'x', which is not a variable (the formula has no variables)\n")
        let bare = try JacRunner.run(["jacobian", "2", "--at", "1"])
        XCTAssertTrue(bare.stderr.contains("but the formula has no variables (leave --at out"), bare.stderr)
        // With variables the point is still required, and the hint uses the formula's names.
        let missing = try JacRunner.run(["jacobian", "a*b"])
        XCTAssertEqual(missing.status, 2)
        XCTAssertEqual(missing.stderr, "error: missing point: give --at a=1,b=2 (or --points FILE.csv)\n")
    }

    func testAProgramFailureMentionsItsStandardErrorOnlyWhenItPrintedSome() throws {
        let silent = try JacRunner.run(["check", "--program", "false", "--inputs", "1", "--at", "1"])
        XCTAssertEqual(silent.status, 3)
        // Whether the exit is seen while sending the request or while waiting for the reply is a race.
        XCTAssertTrue(silent.stderr.hasPrefix("error: --program exited with status 1 while "), silent.stderr)
        XCTAssertTrue(silent.stderr.hasSuffix(" request 1\n"), silent.stderr)
        XCTAssertFalse(silent.stderr.contains("standard error"), silent.stderr)
        let noisy = try JacRunner.run(["check", "--program", "sh -c 'echo oops >&2; exit 3'", "--inputs", "1", "--at", "1"])
        XCTAssertEqual(noisy.status, 3)
        // The program's own line comes first: the message is composed after it has been relayed.
        XCTAssertTrue(noisy.stderr.hasPrefix("oops\nerror: --program exited with status 3 while "), noisy.stderr)
        XCTAssertTrue(noisy.stderr.hasSuffix(" request 1 (its standard error is above)\n"), noisy.stderr)
    }

    /// Found by a code audit: a claimed Jacobian read from a directory trapped inside Foundation,
    /// an endless input was read until memory ran out, and a .npy header whose m·n overflows
    /// trapped. Each is now one line and status 2.
    func testClaimedJacobianFilesThatCannotBeReadAreOneLineErrors() throws {
        let directory = try JacRunner.run(["check", "x", "--at", "x=1", "--claimed", "/"])
        XCTAssertEqual(directory.status, 2)
        XCTAssertEqual(directory.stderr, "error: cannot read claimed Jacobian file '/': Is a directory\n")
        let endless = try JacRunner.run(["check", "x", "--at", "x=1", "--claimed", "/dev/zero"],
                                        environment: ["JAC_MAX_INPUT_BYTES": "100000"])
        XCTAssertEqual(endless.status, 2)
        XCTAssertEqual(endless.stderr, "error: claimed Jacobian file '/dev/zero' is larger than 100000 bytes (JAC_MAX_INPUT_BYTES raises the limit)\n")
        // A version-1 .npy header claiming shape (2³², 2³²): 2⁶⁴ cells overflow Int.
        var header = "{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296), }"
        while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0]
        bytes += [UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)] + Array(header.utf8)
        let path = NSTemporaryDirectory() + "jac-overflow-\(getpid()).npy"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let overflow = try JacRunner.run(["check", "x*y", "--at", "x=1,y=2", "--claimed", path])
        XCTAssertEqual(overflow.status, 2, overflow.stderr)
        XCTAssertTrue(overflow.stderr.contains("holds 0 values (0 bytes of 8-byte values), where the header's shape "
                                               + "(4294967296, 4294967296) needs 4294967296 × 4294967296 values (more than Int can count)"),
                      overflow.stderr)
    }
}

/// `jac sweep` beside a kink that is near x but not at it says the steps past it are left out.
final class SweepKinkNoteTests: XCTestCase {
    func testTheNoteNamesTheKinksDistance() throws {
        let r = try JacRunner.run(["sweep", "abs(x-0.001)*x", "--at", "x=0.0015"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("a kink lies 5e-04 from x"), r.stderr)
        // Central's fitted range (the table's "over" column) must not start at or above the room.
        let central = try XCTUnwrap(r.stdout.split(separator: "\n").first { $0.hasPrefix("central ") }, r.stdout)
        XCTAssertFalse(central.contains("0.01 …") || central.contains("0.001 …"), String(central))
    }
}

/// Every error begins "error:": the argument parser's own began "Error:" (a missing formula, an
/// unknown option, a --format value it checks), beside jac's "error:" for everything else.
final class ErrorPrefixTests: XCTestCase {
    func testParserErrorsBeginLikeEveryOther() throws {
        for arguments in [["eval"], ["check", "x", "--at", "x=1", "--tolerance", "1"],
                          ["jacobian", "x", "--at", "x=1", "--format", "yaml"], ["selftest", "--graphs", "0"]] {
            let r = try JacRunner.run(arguments)
            XCTAssertEqual(r.status, 2, "\(arguments)")
            XCTAssertTrue(r.stderr.hasPrefix("error: "), "\(arguments): \(r.stderr)")
            XCTAssertFalse(r.stderr.contains("Error: "), "\(arguments): \(r.stderr)")
        }
    }
}

/// `jac eval "--x" --at x=1` said only "missing formula": the parser reads "--x" as an option. The
/// message now says where such a formula goes, and there it is −(−x) = x = 1 by hand.
final class DoubleDashFormulaTests: XCTestCase {
    func testAFormulaStartingWithTwoDashesIsPointedBehindALoneDoubleDash() throws {
        let r = try JacRunner.run(["eval", "--x", "--at", "x=1"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("one that starts with '--' goes after a lone -- (jac eval --at x=1 -- \"--x\")"), r.stderr)
        let right = try JacRunner.run(["eval", "--at", "x=1", "--format", "json", "--", "--x"])
        XCTAssertEqual(right.status, 0, right.stderr)
        XCTAssertTrue(right.stdout.contains("\"value\": [1.0]"), right.stdout)
    }
}
