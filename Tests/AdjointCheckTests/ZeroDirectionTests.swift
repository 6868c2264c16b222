import XCTest
@testable import AdjointCheck
import AdjointCore

/// JVP checks along special directions (trial O).
final class ZeroDirectionTests: XCTestCase {
    /// A JVP check along v = 0 judges nothing of J (f does not move, every difference cancels): a
    /// claimed J·0 = (1, 0), wrong whatever J is, was "fd-inconclusive (cancellation)".
    func testAZeroDirectionIsRejectedNamingIt() {
        let f: ([Double]) -> [Double] = { x in [x[0] * x[1], sin(x[0])] }
        XCTAssertThrowsError(try checkBlackBoxJVP(of: f, at: [1, 2], direction: [0, 0], claimed: { _, _ in [1, 0] })) { error in
            guard case ADError.invalidArgument(let why) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(why.contains("direction is 0"), why)
        }
    }

    /// A unit direction (0, 1) was taken for a Jacobian column and its one-column claim read at
    /// index 1: the check trapped. J·(0, 1) = (x₀, 0) = (1, 0) at (1, 2), by hand; (2, 0) is wrong.
    func testAUnitDirectionIsCheckedNotATrap() throws {
        let f: ([Double]) -> [Double] = { x in [x[0] * x[1], sin(x[0])] }
        let right = try checkBlackBoxJVP(of: f, at: [1, 2], direction: [0, 1], claimed: { _, _ in [1, 0] })
        XCTAssertTrue(right.passed, right.renderTable())
        let wrong = try checkBlackBoxJVP(of: f, at: [1, 2], direction: [0, 1], claimed: { _, _ in [2, 0] })
        XCTAssertEqual(wrong.entries[0][0].verdict.name, "rule-wrong", wrong.renderTable())
        // Float, three inputs, the last unit vector.
        let g: ([Float]) -> [Float] = { x in [x[0] * x[2], x[1]] }
        let r3 = try checkBlackBoxJVP(of: g, at: [3, 1, 2], direction: [0, 0, 1], claimed: { _, _ in [3, 0] })
        XCTAssertTrue(r3.passed, r3.renderTable())
    }
}
