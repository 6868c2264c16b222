import XCTest

/// `--mode exact` reads the point and the formula's numbers from their text, so a value beyond
/// Double's range (1e-400 rounds to 0, 1e400 to ∞) is an ordinary rational there; every floating
/// mode refuses it as before. They were refused before any mode was known, so exact mode could
/// not compute d(x·10⁻⁴⁰⁰)/dx = 10⁻⁴⁰⁰, which it represents exactly.
///
/// Expected values are by hand, and their text is what Python's `fractions` prints, which is the
/// reduced p/q form exact mode prints: `str(Fraction(10)**-400 * 2) == "1/5" + "0"*399`.
final class ExactReadingTests: XCTestCase {
    /// 10ⁿ as exact mode prints it.
    func power(_ n: Int) -> String { "1" + String(repeating: "0", count: n) }

    func testExactModeReadsAPointValueThatUnderflows() throws {
        // f = x·y at (10⁻⁴⁰⁰, 2): f = 2·10⁻⁴⁰⁰ = 1/(5·10³⁹⁹), ∂f/∂x = y = 2, ∂f/∂y = x = 10⁻⁴⁰⁰.
        let r = try JacRunner.run(["jacobian", "x*y", "--at", "x=1e-400,y=2", "--mode", "exact", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stderr, "")
        let o = try JacRunner.json(r.stdout)
        XCTAssertEqual(o["point"] as? [String], ["1/" + power(400), "2"])
        XCTAssertEqual(o["value"] as? [String], ["1/5" + String(repeating: "0", count: 399)])
        XCTAssertEqual(o["jacobian"] as? [[String]], [["2", "1/" + power(400)]])
    }

    func testExactModeReadsALiteralThatUnderflows() throws {
        // d(x·10⁻⁴⁰⁰)/dx = 10⁻⁴⁰⁰ exactly, at x = 1 the value too.
        let r = try JacRunner.run(["jacobian", "x*1e-400", "--at", "x=1", "--mode", "exact", "--format", "csv"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "output,value,d/dx\nf,1/\(power(400)),1/\(power(400))\n")
        // The table, as a user reads it.
        let t = try JacRunner.run(["jacobian", "x*1e-400", "--at", "x=1", "--mode", "exact"])
        XCTAssertEqual(t.status, 0, t.stderr)
        XCTAssertTrue(t.stdout.hasPrefix("mode exact at x = 1\n"), t.stdout)
        // Its table shows the power of ten, not 401 digits (BeyondDoubleTests).
        XCTAssertTrue(t.stdout.hasSuffix("  10^-400\n"), t.stdout)
    }

    func testExactModeReadsValuesThatOverflow() throws {
        // f = x² at 10⁴⁰⁰: f = 10⁸⁰⁰, f′ = 2x = 2·10⁴⁰⁰. And x·1e400 at 3: f = f′·3, f′ = 10⁴⁰⁰.
        let r = try JacRunner.run(["jacobian", "x^2", "--at", "x=1e400", "--mode", "exact", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let o = try JacRunner.json(r.stdout)
        XCTAssertEqual(o["value"] as? [String], [power(800)])
        XCTAssertEqual(o["jacobian"] as? [[String]], [["2" + String(repeating: "0", count: 400)]])
        let l = try JacRunner.run(["jacobian", "x*1e400", "--at", "x=3", "--mode", "exact", "--format", "json"])
        XCTAssertEqual(l.status, 0, l.stderr)
        XCTAssertEqual(try JacRunner.json(l.stdout)["jacobian"] as? [[String]], [[power(400)]])
        XCTAssertEqual(try JacRunner.json(l.stdout)["value"] as? [String], ["3" + String(repeating: "0", count: 400)])
        // A fraction is judged by its quotient, as in every mode: 1/1e400 = 10⁻⁴⁰⁰ underflows.
        let q = try JacRunner.run(["jacobian", "x", "--at", "x=-1/1e400", "--mode", "exact", "--format", "json"])
        XCTAssertEqual(q.status, 0, q.stderr)
        XCTAssertEqual(try JacRunner.json(q.stdout)["point"] as? [String], ["-1/" + power(400)])
    }

    /// Every floating mode refuses as it always did, with the same messages and, in jacobian,
    /// the mode that computes with the value named after them.
    func testFloatingModesStillRefuse() throws {
        for mode in ["reverse", "forward", "central", "adaptive", "richardson", "complex-step"] {
            let p = try JacRunner.run(["jacobian", "x*y", "--at", "x=1e-400,y=2", "--mode", mode])
            XCTAssertEqual(p.status, 2, mode)
            let hint = "--mode exact computes with it exactly"
            XCTAssertEqual(p.stderr, "error: value '1e-400' for x in --at is not 0 but underflows to 0 in Double (below 4.9e-324); \(hint)\n", mode)
            let o = try JacRunner.run(["jacobian", "x*y", "--at", "x=1e400,y=2", "--mode", mode])
            XCTAssertEqual(o.stderr, "error: value '1e400' for x in --at overflows Double (beyond ±1.8e308); \(hint)\n", mode)
            let l = try JacRunner.run(["jacobian", "x*1e-400", "--at", "x=1", "--mode", mode])
            XCTAssertEqual(l.status, 2, mode)
            XCTAssertEqual(l.stderr, "error: number '1e-400' underflows to 0 in double precision at column 3\n  x*1e-400\n    ^\n(\(hint))\n", mode)
            let b = try JacRunner.run(["jacobian", "x*1e400", "--at", "x=1", "--mode", mode])
            XCTAssertEqual(b.stderr, "error: number '1e400' is out of range at column 3\n  x*1e400\n    ^\n(\(hint))\n", mode)
        }
        // Commands without exact mode too: check runs its floating witnesses at the Doubles.
        for command in ["eval", "hessian", "check"] {
            let r = try JacRunner.run([command, "x*y", "--at", "x=1e-400,y=2"])
            XCTAssertEqual(r.stderr, "error: value '1e-400' for x in --at is not 0 but underflows to 0 in Double (below 4.9e-324)\n", command)
            XCTAssertEqual(try JacRunner.run([command, "x*1e400", "--at", "x=1"]).status, 2, command)
        }
    }

    func testAPointsFileInExactModeAndInAFloatingMode() throws {
        let path = try JacRunner.temporaryFile("x,y\n1e-400,2\n3,1e400\n1/3,-1e-400/7\n", name: "exact-reading.csv")
        let r = try JacRunner.run(["jacobian", "x*y", "--points", path, "--mode", "exact"])
        XCTAssertEqual(r.status, 0, r.stderr)
        // Rows x, y, f = xy, ∂f/∂x = y, ∂f/∂y = x. Third row: (1/3)·(−10⁻⁴⁰⁰/7) = −1/(21·10⁴⁰⁰).
        let tiny = "1/" + power(400), huge = power(400)
        XCTAssertEqual(r.stdout.components(separatedBy: "\n"), [
            "x,y,f,df/dx,df/dy",
            "\(tiny),2,1/5\(String(repeating: "0", count: 399)),2,\(tiny)",
            "3,\(huge),3\(String(repeating: "0", count: 400)),\(huge),3",
            "1/3,-1/7\(String(repeating: "0", count: 400)),-1/21\(String(repeating: "0", count: 400)),-1/7\(String(repeating: "0", count: 400)),1/3",
            "",
        ])
        let f = try JacRunner.run(["jacobian", "x*y", "--points", path])
        XCTAssertEqual(f.status, 2)
        XCTAssertEqual(f.stderr, "error: value '1e-400' for x in points file '\(path)' line 2 is not 0 but underflows to 0 in Double (below 4.9e-324); "
                       + "--mode exact computes with it exactly\n")
    }

    /// --analyze needs Doubles for the SVD: a nonzero entry that rounds to 0 printed σ = 0.0 and
    /// κ = inf beside the exact rank 1, and the determinant 10⁻⁴⁰⁰ "(exact; = 0.0)".
    func testAnalysisSaysWhereDoublesCannotHoldAnEntry() throws {
        let r = try JacRunner.run(["jacobian", "x*1e-400", "--at", "x=1", "--mode", "exact", "--analyze"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.hasSuffix("""

            singular values   not computed: entry (1, 1) is outside Double's range (it is not 0 but rounds to 0)
            rank              1 (exact)
            condition number  not computed
            determinant       10^-400 (exact; outside Double's range)

            """), r.stdout)
        // The same from an in-range point: x³ at 10⁻²⁰⁰ has f′ = 3·10⁻⁴⁰⁰.
        let j = try JacRunner.run(["jacobian", "x^3", "--at", "x=1e-200", "--mode", "exact", "--analyze", "--format", "json"])
        let a = try JacRunner.json(j.stdout)["analysis"] as? [String: Any]
        XCTAssertEqual(a?["singular_values_missing"] as? String, "entry (1, 1) is outside Double's range (it is not 0 but rounds to 0)")
        XCTAssertTrue(a?["singular_values"] is NSNull, "\(String(describing: a))")
        XCTAssertEqual(a?["determinant"] as? String, "3/" + power(400))
    }

    /// A kink's and a domain error's inputs come from the library as Doubles: 10⁻⁴⁰⁰ printed 0.0.
    func testDiagnosticsGiveTheExactInputsWhereDoublesRoundThem() throws {
        let k = try JacRunner.run(["jacobian", "max(x, y)", "--at", "x=1e-400,y=1e-400", "--mode", "exact", "--format", "json"])
        XCTAssertEqual(k.status, 0, k.stderr)
        XCTAssertEqual(try JacRunner.json(k.stdout)["jacobian"] as? [[String]], [["1/2", "1/2"]])   // a tie: ½ each
        // 10⁻⁴⁰⁰ as the table writes it: the cut p/q ("1/1000…0000 (403 characters)") said neither value.
        let tiny = "10^-400 (0.0 in Double)"
        XCTAssertTrue(k.stderr.hasPrefix("note: kink touched: max (node 2) at \(tiny), \(tiny); "), k.stderr)
        let d = try JacRunner.run(["jacobian", "x/(y - y)", "--at", "x=1e-400,y=1", "--mode", "exact"])
        XCTAssertEqual(d.status, 3)
        XCTAssertEqual(d.stderr, "error: evaluation failed: domain error in div: division by zero (inputs: \(tiny), 0)\n")
        // Where the Doubles are right, the library's message stands.
        let z = try JacRunner.run(["jacobian", "abs(x)", "--at", "x=0", "--mode", "exact"])
        XCTAssertTrue(z.stderr.hasPrefix("note: kink touched: abs at 0.0; "), z.stderr)
    }
}
