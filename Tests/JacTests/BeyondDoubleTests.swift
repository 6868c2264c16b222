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
        ]
        for arguments in cases {
            let r = try JacRunner.run(arguments)
            XCTAssertEqual(r.status, 2, "\(arguments)")
            XCTAssertTrue(r.stderr.contains("underflows") || r.stderr.contains("out of range") || r.stderr.contains("overflows"),
                          "\(arguments): \(r.stderr)")
            XCTAssertFalse(r.stderr.contains("exact"), "\(arguments): \(r.stderr)")
        }
    }
}
