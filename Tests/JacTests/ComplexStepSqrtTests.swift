import Foundation
import XCTest

/// The complex step's √ at a real part past 10¹⁵⁴, where swift-numerics rescales z and the
/// step's imaginary part fell below Double's normal range. Found by fuzzing jac check against
/// mpmath (a random-formula script: sqrt(hypot(leaky_relu(x+1e300), hypot(x, x)^4)) at
/// 745), reduced to √(x + 10³⁰⁰). Truth: mpmath at 50 digits, 1/(2√(1e300 + 745)) with 1e300
/// read as its Double: 4.99999999999999986873809936198895e-151.
final class ComplexStepSqrtTests: XCTestCase {
    static let truth = 4.99999999999999986873809936198895e-151

    /// Right rules, convicted: "forward, reverse differ from complex-step (0.0) by 5e-151".
    func testTheCheckDoesNotConvictSqrtPastTheSquaredRange() throws {
        let r = try JacRunner.run(["check", "sqrt(x+1e300)", "--at", "x=745", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        let object = try JacRunner.json(r.stdout)
        XCTAssertEqual(object["verdict"] as? String, "agree", r.stdout)
        // A claim of the truth passes too.
        let claim = try JacRunner.temporaryFile("[[\(Self.truth)]]", name: "sqrt-claim.json")
        let c = try JacRunner.run(["check", "sqrt(x+1e300)", "--at", "x=745", "--claimed", claim])
        XCTAssertEqual(c.status, 0, c.stdout + c.stderr)
    }

    /// jac jacobian --mode complex-step printed 5.000000848692355e-151 with an estimate of 5.6e-166.
    func testComplexStepModeIsWithinItsEstimate() throws {
        let r = try JacRunner.run(["jacobian", "sqrt(x+1e300)", "--at", "x=745", "--mode", "complex-step", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let object = try JacRunner.json(r.stdout)
        let value = try XCTUnwrap((object["jacobian"] as? [[Double]])?.first?.first, r.stdout)
        let estimate = try XCTUnwrap((object["error_estimate"] as? [[Double]])?.first?.first, r.stdout)
        XCTAssertLessThanOrEqual(Swift.abs(value - Self.truth), estimate, r.stdout)
        XCTAssertLessThan(estimate, 1e-14 * Self.truth, r.stdout)
    }
}
