import XCTest
@testable import AdjointCheck
import AdjointCore

/// (x₀, x₀) for x₀ > 0 and (x₀) otherwise: an output count that moves with the input.
private enum CountMovesWithInput: VectorPrimitive {
    static let name = "count_moves_with_input"
    static func primal(_ x: [Double]) -> [Double] { x[0] > 0 ? [x[0], x[0]] : [x[0]] }
    static func jvp(at x: [Double], direction v: [Double]) -> [Double]? { x[0] > 0 ? [v[0], v[0]] : [v[0]] }
    static func vjp(at x: [Double], cotangent u: [Double]) -> [Double]? { [u.reduce(0, +)] }
}

/// (x₀, x₀) everywhere, with the same rules: right.
private enum CountFixed: VectorPrimitive {
    static let name = "count_fixed"
    static func primal(_ x: [Double]) -> [Double] { [x[0], x[0]] }
    static func jvp(at x: [Double], direction v: [Double]) -> [Double]? { [v[0], v[0]] }
    static func vjp(at x: [Double], cotangent u: [Double]) -> [Double]? { [u.reduce(0, +)] }
}

final class ValidateOutputCountTests: XCTestCase {
    /// Found by a user trial (newuser48): `validate` passed a primal whose output count depends on
    /// x (its JVP and VJP match it at each point), while a check across the switch (at x₀ = 1 for
    /// a switch at 1) was left fd-inconclusive (non-finite, unsupported-op). The default sample
    /// range [−1, 1] holds points on both sides of 0, so validation now fails, naming both counts.
    func testAnOutputCountThatMovesWithTheInputFailsValidation() {
        let v = validate(CountMovesWithInput.self, inputs: 1)
        XCTAssertFalse(v.passed, v.description)
        let check = v.checks.first { $0.name == "output-count" }
        XCTAssertEqual(check?.outcome, .failed, v.description)
        XCTAssertTrue(check?.detail.contains("must depend on its input count alone") ?? false, v.description)
        XCTAssertTrue(validate(CountFixed.self, inputs: 1).passed)
    }
}
