import XCTest

/// pow(x, n) with a constant integer n is rational-closed: exact mode runs it (issue 16, item 5).
final class ExactPowTests: XCTestCase {
    func testExactModeAcceptsPowWithAnIntegerExponent() throws {
        // d/dx x³ = 3x² = 1/3 at x = 1/3; d/dx x⁻² = −2x⁻³ = −54 at 1/3.
        let r = try JacRunner.run(["jacobian", "pow(x, 3); pow(x, -2)", "--at", "x=1/3", "--mode", "exact", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let o = try JacRunner.json(r.stdout)
        XCTAssertEqual(o["jacobian"] as? [[String]], [["1/3"], ["-54"]])
        XCTAssertEqual(o["value"] as? [String], ["1/27", "9"])
        // A non-integer exponent is still real pow, which exact mode cannot run.
        let real = try JacRunner.run(["jacobian", "pow(x, 2.5)", "--at", "x=1/3", "--mode", "exact"])
        XCTAssertEqual(real.status, 2)
        XCTAssertEqual(real.stderr, "error: exact mode is not available: uses pow\n")
    }

    /// Review: the help called every integer literal exponent the integer power, but past Int32
    /// (the tape's n) it is pow, and `x^3000000000 --mode exact` said only "uses pow". The help
    /// states the range; the refusal says why this exponent is pow.
    func testAnIntegerExponentBeyondTheIntegerPowersRangeIsNamed() throws {
        let r = try JacRunner.run(["jacobian", "x^3000000000", "--at", "x=1", "--mode", "exact"])
        XCTAssertEqual(r.status, 2)
        XCTAssertEqual(r.stderr, "error: exact mode is not available: uses pow (the exponent 3000000000 is an integer "
                       + "beyond ±2147483647, the integer power's range, so it is the real pow)\n")
        // As one paragraph: the parser wraps it at the terminal's width.
        let help = try JacRunner.run(["--help"]).stdout.replacingOccurrences(of: "\n", with: " ")
        XCTAssertTrue(help.contains("with |n| <= 2147483647 is the registry's integer power; any other exponent, a larger integer literal included, is pow."), help)
    }
}
