import XCTest

/// What a user meets with values beyond Double's range: a floating mode's refusal names the mode
/// that computes with the value, exact mode's table shows 10⁻⁴⁰⁰ as something shorter than 401
/// digits, and --analyze's CSV says why σ and κ are empty.
final class BeyondDoubleTests: XCTestCase {
    /// 10ⁿ as exact mode's p/q prints it.
    func power(_ n: Int) -> String { "1" + String(repeating: "0", count: n) }

    // MARK: The refusal names exact mode where it would compute

    func testJacobianInAFloatingModeNamesExactModeForAValueItRefuses() throws {
        for mode in ["reverse", "forward", "central", "adaptive", "richardson", "complex-step"] {
            let p = try JacRunner.run(["jacobian", "x", "--at", "x=1e-400", "--mode", mode])
            XCTAssertEqual(p.status, 2, mode)
            XCTAssertEqual(p.stderr, "error: value '1e-400' for x in --at is not 0 but underflows to 0 in Double (below 4.9e-324); "
                           + "--mode exact computes with it exactly\n", mode)
            let l = try JacRunner.run(["jacobian", "x*1e400", "--at", "x=3", "--mode", mode])
            XCTAssertEqual(l.status, 2, mode)
            XCTAssertEqual(l.stderr, "error: number '1e400' is out of range at column 3\n  x*1e400\n    ^\n"
                           + "(--mode exact computes with it exactly)\n", mode)
        }
        // The default mode, as the user first meets it.
        let d = try JacRunner.run(["jacobian", "x*1e-400", "--at", "x=3"])
        XCTAssertEqual(d.status, 2)
        XCTAssertEqual(d.stderr, "error: number '1e-400' underflows to 0 in double precision at column 3\n  x*1e-400\n    ^\n"
                       + "(--mode exact computes with it exactly)\n")
        // From standard input, which can be read only once, and a points file's value.
        let s = try JacRunner.run(["jacobian", "-", "--at", "x=3"], stdin: "x*1e-400")
        XCTAssertEqual(s.status, 2)
        XCTAssertTrue(s.stderr.hasSuffix("    ^\n(--mode exact computes with it exactly)\n"), s.stderr)
        let path = try JacRunner.temporaryFile("x\n2\n-1e400\n", name: "beyond-double-points.csv")
        let f = try JacRunner.run(["jacobian", "x^2", "--points", path])
        XCTAssertEqual(f.status, 2)
        XCTAssertEqual(f.stderr, "error: value '-1e400' for x in points file '\(path)' line 3 overflows Double (beyond ±1.8e308); "
                       + "--mode exact computes with it exactly\n")
        // What the hint promises: exact mode takes both.
        XCTAssertEqual(try JacRunner.run(["jacobian", "x*1e-400", "--at", "x=3", "--mode", "exact"]).status, 0)
        XCTAssertEqual(try JacRunner.run(["jacobian", "x^2", "--points", path, "--mode", "exact"]).status, 0)
    }

    /// Exact mode would refuse these too (sin is not rational; --sparse has no exact mode; the
    /// other commands have no mode that reads such a value), so nothing points at it.
    /// A new user's trial: `check "1/x" --at x=1e-160` failed (status 3) with "df/dx is not finite
    /// in forward, reverse, exact", but exact mode computes the derivative: −1/x² at the Double
    /// nearest 10⁻¹⁶⁰ is −1.00000000000000002·10³²⁰ (Python's Fraction), finite and only beyond
    /// Double's range (`jacobian --mode exact` prints it). The message says so.
    func testACheckWhoseExactDerivativeIsBeyondDoubleSaysSoRatherThanNotFinite() throws {
        let r = try JacRunner.run(["check", "1/x", "--at", "x=1e-160"])
        XCTAssertEqual(r.status, 3, r.stderr)
        XCTAssertEqual(r.stderr, "error: evaluation failed: df/dx is not finite in forward, reverse; exact mode gives "
                       + "≈ -1.000000000000000e+320, beyond Double's range\n")
        // A derivative exact mode cannot compute either keeps the plain message: √x at 0.
        let s = try JacRunner.run(["check", "sqrt(x)", "--at", "x=0"])
        XCTAssertEqual(s.status, 3, s.stderr)
        XCTAssertFalse(s.stderr.contains("beyond Double's range"), s.stderr)
    }

    func testNoHintWhereExactModeWouldNotComputeEither() throws {
        let cases: [[String]] = [
            ["jacobian", "sin(x)*1e-400", "--at", "x=3"],
            ["jacobian", "sin(x)", "--at", "x=1e-400"],
            ["jacobian", "x*y", "--at", "x=1e-400,y=1", "--sparse", "--mode", "forward"],
            ["jacobian", "x*1e-400", "--at", "x=1", "--sparse", "--mode", "reverse"],
            ["eval", "x*1e-400", "--at", "x=3"], ["eval", "x", "--at", "x=1e-400"],
            ["hessian", "x^2", "--at", "x=1e400"], ["hessian", "x^2*1e400", "--at", "x=1"],
            ["diff", "x*1e-400"], ["diff", "x^2", "--at", "x=1e-400"],
            ["check", "x", "--at", "x=1e-400"], ["check", "x*1e400", "--at", "x=1"],
            ["sweep", "x", "--at", "x=1e-400", "--input", "1"],
            // Past exact mode's own exponent limit (18 digits), which refuses it too.
            ["jacobian", "x", "--at", "x=1e99999999999999999999"],
            ["jacobian", "x*1e99999999999999999999", "--at", "x=1"],
        ]
        for arguments in cases {
            let r = try JacRunner.run(arguments)
            XCTAssertEqual(r.status, 2, "\(arguments)")
            XCTAssertTrue(r.stderr.contains("underflows") || r.stderr.contains("out of range") || r.stderr.contains("overflows"),
                          "\(arguments): \(r.stderr)")
            XCTAssertFalse(r.stderr.contains("exact"), "\(arguments): \(r.stderr)")
        }
    }

    // MARK: Exact mode's table shows long values shorter

    func testTableSplitsOffThePowerOfTenAndOtherFormatsStayExact() throws {
        // f = x·10⁻⁴⁰⁰ at 3: f = 3·10⁻⁴⁰⁰, f′ = 10⁻⁴⁰⁰ (by hand).
        let t = try JacRunner.run(["jacobian", "x*1e-400", "--at", "x=3", "--mode", "exact"])
        XCTAssertEqual(t.status, 0, t.stderr)
        XCTAssertEqual(t.stdout, """
            mode exact at x = 3
            output  value      d/dx
            f       3·10^-400  10^-400

            """)
        let j = try JacRunner.json(try JacRunner.run(["jacobian", "x*1e-400", "--at", "x=3", "--mode", "exact", "--format", "json"]).stdout)
        XCTAssertEqual(j["value"] as? [String], ["3/" + power(400)])
        XCTAssertEqual(j["jacobian"] as? [[String]], [["1/" + power(400)]])
        let c = try JacRunner.run(["jacobian", "x*1e-400", "--at", "x=3", "--mode", "exact", "--format", "csv"])
        XCTAssertEqual(c.stdout, "output,value,d/dx\nf,3/\(power(400)),1/\(power(400))\n")

        // x³ at x = 2·10⁻²⁰⁰/3 (by hand): f = 8/(27·10⁶⁰⁰), f′ = 3x² = 4/(3·10⁴⁰⁰); the point too.
        let k = try JacRunner.run(["jacobian", "x^3", "--at", "x=2e-200/3", "--mode", "exact"])
        XCTAssertEqual(k.status, 0, k.stderr)
        XCTAssertEqual(k.stdout, """
            mode exact at x = 2/(3·10^200)
            output  value          d/dx
            f       8/(27·10^600)  4/(3·10^400)

            """)
        // A negative value, and a power of ten above a cofactor: −7x/3 at 10⁻⁴⁰⁰, x/3 at 10⁴⁰⁰.
        let n = try JacRunner.run(["jacobian", "-7*x/3; x/3", "--at", "x=1e-400", "--mode", "exact"])
        XCTAssertTrue(n.stdout.contains("f1      -7/(3·10^400)  -7/3\n"), n.stdout)
        let u = try JacRunner.run(["jacobian", "x/3", "--at", "x=1e400", "--mode", "exact"])
        XCTAssertEqual(u.stdout, "mode exact at x = 10^400\noutput  value     d/dx\nf       10^400/3  1/3\n")
        // Within the 40-digit threshold p/q is shown as it is: 20 + 20 digits.
        let w = try JacRunner.run(["jacobian", "x", "--at", "x=12345678901234567891/12345678901234567890", "--mode", "exact"])
        XCTAssertTrue(w.stdout.hasSuffix("f       12345678901234567891/12345678901234567890  1\n"), w.stdout)
    }

    func testTableRoundsWhatHasNoShortExactFormAndSaysWhereTheExactValueIs() throws {
        // x²⁰⁰ at 1/300: f = 1/300²⁰⁰, f′ = 200/300¹⁹⁹, 496 and 491 digits with 3²⁰⁰ and 3¹⁹⁹ in the
        // denominators, so no power of ten makes them short. The decimals are from Python:
        // Fraction(1, 300)**200 and 200*Fraction(1, 300)**199 rounded to 16 digits exactly (ties to
        // even) and checked against Decimal division at 50 digits,
        // 3.7648619495990264198834218900111162409703509768819E-496 and
        // 2.2589171697594158519300531340066697445822105861292E-491.
        let t = try JacRunner.run(["jacobian", "x^200", "--at", "x=1/300", "--mode", "exact", "--analyze"])
        XCTAssertEqual(t.status, 0, t.stderr)
        XCTAssertEqual(t.stdout, """
            mode exact at x = 1/300
            output  value                     d/dx
            f       ≈ 3.764861949599026e-496  ≈ 2.258917169759416e-491

            singular values   not computed: entry (1, 1) is outside Double's range (it is not 0 but rounds to 0)
            rank              1 (exact)
            condition number  not computed
            determinant       ≈ 2.258917169759416e-491 (the exact value rounded; outside Double's range)
            (≈: rounded to 16 significant digits from the exact value; --format json or csv gives every value exactly as p/q)

            """)
        // JSON keeps the fraction: Python's str(Fraction(1, 300)**200) is 1/265613988875874769338781322035…, 496 digits.
        let j = try JacRunner.json(try JacRunner.run(["jacobian", "x^200", "--at", "x=1/300", "--mode", "exact", "--format", "json"]).stdout)
        let value = try XCTUnwrap((j["value"] as? [String])?.first)
        XCTAssertTrue(value.hasPrefix("1/265613988875874769338781322035"), value)
        XCTAssertEqual(value.count, 2 + 496)
        // The determinant in exact form too, where it has one: 10⁻⁴⁰⁰.
        let a = try JacRunner.run(["jacobian", "x*1e-400", "--at", "x=1", "--mode", "exact", "--analyze"])
        XCTAssertTrue(a.stdout.hasSuffix("determinant       10^-400 (exact; outside Double's range)\n"), a.stdout)
        XCTAssertFalse(a.stdout.contains("≈"), a.stdout)
    }

    // MARK: --analyze's CSV says why σ and κ are empty

    func testAnalysisCSVCarriesTheReasonSingularValuesAreMissing() throws {
        let r = try JacRunner.run(["jacobian", "x*1e-400", "--at", "x=1", "--mode", "exact", "--analyze", "--format", "csv"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let tiny = "1/" + power(400)
        XCTAssertEqual(r.stdout, "x,f,df/dx,sigma1,rank,condition_number,determinant,singular_values_missing\n"
                       + "1,\(tiny),\(tiny),,1,,\(tiny),\"entry (1, 1) is outside Double's range (it is not 0 but rounds to 0)\"\n")
        // Every point of a run has the column, empty where σ and κ are there.
        let path = try JacRunner.temporaryFile("x\n2\n1e-400\n", name: "beyond-double-analyze.csv")
        let p = try JacRunner.run(["jacobian", "x^2", "--points", path, "--mode", "exact", "--analyze"])
        XCTAssertEqual(p.status, 0, p.stderr)
        // x² at 2: f = 4, f′ = σ = det = 4, κ = 1; at 10⁻⁴⁰⁰ f′ = 2·10⁻⁴⁰⁰ = 1/(5·10³⁹⁹).
        XCTAssertEqual(p.stdout.components(separatedBy: "\n"), [
            "x,f,df/dx,sigma1,rank,condition_number,determinant,singular_values_missing",
            "2,4,4,4.0,1,1.0,4,",
            "\(tiny),1/\(power(800)),1/5\(String(repeating: "0", count: 399)),,1,,1/5\(String(repeating: "0", count: 399)),"
                + "\"entry (1, 1) is outside Double's range (it is not 0 but rounds to 0)\"",
            "",
        ])
        // A floating mode's columns are as they were: its σ are always computed.
        let f = try JacRunner.run(["jacobian", "x^2", "--at", "x=2", "--analyze", "--format", "csv"])
        XCTAssertEqual(f.stdout, "x,f,df/dx,sigma1,rank,condition_number,determinant\n2.0,4.0,4.0,4.0,1,1.0,4.0\n")
    }
}
