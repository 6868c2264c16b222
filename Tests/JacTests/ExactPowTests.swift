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
}
