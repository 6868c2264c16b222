import Foundation
import XCTest

/// `jac check` and the kink notes of `jac diff` share one notion of a kink that is f's own
/// (``OpInfo/kinkArguments``): 0^x at 0.7 has a constant base, so no kink, and f′ = 0 by hand
/// (0^x = 0 for every x > 0) is judged by the differences, with a finite rounding bound.
final class ConstantKinkCheckCommandTests: XCTestCase {
    func testCheckOfZeroToTheXIsNoKinkAndBounded() throws {
        let r = try JacRunner.run(["check", "0^x", "--at", "x=0.7"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertFalse(r.stdout.contains("kink"), r.stdout)
        XCTAssertFalse(r.stdout.contains("could not be bounded"), r.stdout)
        XCTAssertTrue(r.stdout.contains("verdict: agree"), r.stdout)
        let jacobian = try JacRunner.run(["jacobian", "0^x", "--at", "x=0.7", "--format", "json"])
        XCTAssertEqual(jacobian.status, 0, jacobian.stderr)
        XCTAssertTrue(jacobian.stdout.contains("\"jacobian\": [[0.0]]"), jacobian.stdout)
        XCTAssertFalse(jacobian.stdout.contains("[[true]]"), jacobian.stdout)
    }

    /// Guards: x^y at x = 0 (the base an input), max(x, 0) and abs(x) at 0 keep their kink.
    func testGenuineKinksKeepTheirWordingInTheCheck() throws {
        for (formula, at, op) in [("x^y", "x=0,y=0.5", "pow"), ("max(x, 0)", "x=0", "max"), ("abs(x)", "x=0", "abs")] {
            let r = try JacRunner.run(["check", formula, "--at", at])
            XCTAssertTrue(r.stdout.contains("kink at \(op)"), "\(formula): \(r.stdout)")
            XCTAssertTrue(r.stdout.contains("kinks touched: \(op)"), "\(formula): \(r.stdout)")
        }
    }

    /// x^y at (0, ½): ∂/∂x = +∞ (a singular point: exit 3), ∂/∂y = 0 by hand (0^y = 0 for y > 0),
    /// computed exactly, so no note that its rounding could not be bounded.
    func testCheckOfXToTheYAtAZeroBaseBoundsTheExponentsEntry() throws {
        let r = try JacRunner.run(["check", "x^y", "--at", "x=0,y=0.5"])
        XCTAssertEqual(r.status, 3, r.stderr)
        XCTAssertTrue(r.stdout.contains("non-finite (forward, reverse): singular at pow"), r.stdout)
        XCTAssertTrue(r.stdout.contains("kink at pow: valid subgradient, one-sided derivatives [0.0, 0.0]"), r.stdout)
        XCTAssertFalse(r.stdout.contains("could not be bounded"), r.stdout)
    }
}
