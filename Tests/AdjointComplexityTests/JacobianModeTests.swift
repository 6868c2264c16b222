import XCTest
import Foundation
import AdjointCore
@testable import AdjointComplexity

/// Forward mode needs passes in proportion to n, reverse in proportion to m, and the automatic
/// choice takes the cheaper: checked on counted scalar ops.
final class JacobianModeTests: XCTestCase {
    func check(inputs n: Int, outputs m: Int, lanes k: Int) throws -> JacobianModeComparison {
        let c = try JacobianModeComparison.run(inputs: n, outputs: m)
        // One evaluation of fᵢ = tanh(Σⱼ aᵢⱼxⱼ): n multiplies, n − 1 adds, one tanh per output.
        let e = m * (2 * n)
        XCTAssertEqual(c.evaluationOps, e)
        // n single-tangent passes; ⌈n/k⌉ chunked passes, each one evaluation's ops.
        XCTAssertEqual(c.forwardUnchunked.scalarOps, n * e)
        XCTAssertEqual(c.forward.passes, (n + k - 1) / k)
        XCTAssertEqual(c.forward.scalarOps, (n + k - 1) / k * e)
        // One recording plus m sweeps, row i from its own output down: the outputs are recorded
        // one after another (e/m ops each), so row i applies (i + 1)·e/m rules, all rows
        // e·(m + 1)/2 = n·m·(m + 1).
        XCTAssertEqual(c.reverse.passes, m)
        XCTAssertEqual(c.reverse.scalarOps, e + n * m * (m + 1))
        XCTAssertLessThanOrEqual(c.maxDifference, 1e-13, "forward and reverse Jacobians agree to rounding")
        return c
    }

    func testManyOutputsFewInputsPicksForward() throws {
        let c = try check(inputs: 2, outputs: 64, lanes: 2)
        print(c.summary)
        XCTAssertEqual(c.cheaperMode, .forward)
        XCTAssertEqual(c.automatic.mode, .forward)
        XCTAssertEqual(c.automatic.scalarOps, c.forward.scalarOps)
        let obj = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(c.toJSON().utf8)) as? [String: Any])
        XCTAssertEqual((obj["automatic"] as? [String: Any])?["mode"] as? String, "forward")
        XCTAssertEqual((obj["reverse"] as? [String: Any])?["passes"] as? Int, 64)
    }

    func testManyInputsFewOutputsPicksReverse() throws {
        let c = try check(inputs: 64, outputs: 2, lanes: 8)
        print(c.summary)
        XCTAssertEqual(c.cheaperMode, .reverse)
        XCTAssertEqual(c.automatic.mode, .reverse)
        XCTAssertEqual(c.automatic.scalarOps, c.reverse.scalarOps)
        // n passes against m sweeps: 64 single-tangent passes cost 64/3 times the reverse Jacobian.
        XCTAssertGreaterThan(c.forwardUnchunked.scalarOps, 20 * c.reverse.scalarOps)
    }
}
