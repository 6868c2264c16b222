import XCTest
import AdjointCore
@testable import AdjointCheck

/// The random-direction check's excuse for forward mode's own rounding (0ce770b) must not excuse
/// a wrong rule where the cancellation is exact: two copies of one Double subtract to exactly 0.
final class ForwardRoundingReviewTests: XCTestCase {
    /// exp(30x) − exp(30x) + sin x: both exps are the same Double, so f computes sin x exactly
    /// and f′(1) = cos 1 (by hand); a sign-flipped sin rule gives −cos 1. The entries cannot see
    /// it (their tolerance follows the 6e14 path magnitude), so the direction is the only witness.
    struct CopiesCancel: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.exp(30 * x[0]) - T.exp(30 * x[0]) + T.sin(x[0])] }
    }
    /// x·10¹⁰ − x·10¹⁰ + sin x: the same, with linear terms (a rule 1e-6 off).
    struct ScaledCopiesCancel: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] * T(1e10) - x[0] * T(1e10) + T.sin(x[0])] }
    }

    func testAWrongRuleUnderAnExactCancellationIsNotExcused() throws {
        let right = try checkJacobian(of: CopiesCancel(), at: [1.0])
        XCTAssertTrue(right.passed, right.renderTable())
        for factor in [-1.0, 1.001, 1 + 1e-6] {
            let r = try RuleMutations.withMutation(RuleMutation(op: .sin, input: 0, factor: factor)) {
                try checkJacobian(of: CopiesCancel(), at: [1.0])
            }
            XCTAssertFalse(r.passed, "sin ∂x × \(factor)\n" + r.renderTable())
            XCTAssertEqual(r.directional?.agrees, false, "sin ∂x × \(factor)")
        }
        let scaledRight = try checkJacobian(of: ScaledCopiesCancel(), at: [0.9])
        XCTAssertTrue(scaledRight.passed, scaledRight.renderTable())
        let scaled = try RuleMutations.withMutation(RuleMutation(op: .sin, input: 0, factor: 1 + 1e-6)) {
            try checkJacobian(of: ScaledCopiesCancel(), at: [0.9])
        }
        XCTAssertFalse(scaled.passed, scaled.renderTable())
    }
}

/// y = 2x as a user vector primitive: forward and reverse take its JVP and VJP, but a tape of
/// duals cannot run it (vector primitives work on Doubles), so the rounding bound is infinite.
private enum Doubled: VectorPrimitive {
    static let name = "doubled"
    static func primal(_ x: [Double]) -> [Double] { x.map { 2 * $0 } }
    static func jvp(at x: [Double], direction v: [Double]) -> [Double]? { v.map { 2 * $0 } }
    static func vjp(at x: [Double], cotangent u: [Double]) -> [Double]? { u.map { 2 * $0 } }
}

extension ForwardRoundingReviewTests {
    struct UsesDoubled: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.sin(x[0]) + T.apply(Doubled.self, x)[0]] }
    }

    /// Where the bound cannot be computed (infinite) nothing is excused, as its doc says: the
    /// check compared the gap with tolerance + 4·∞ and called every disagreement inconclusive.
    /// f = sin x + 2x at 0.7, f′ = cos 0.7 + 2 by hand; sin's rule × 1.001 is off by 7.6e-4.
    func testAnInfiniteBoundExcusesNothing() throws {
        let right = try checkJacobian(of: UsesDoubled(), at: [0.7])
        XCTAssertEqual(right.directional?.agrees, true, right.renderTable())
        let r = try RuleMutations.withMutation(RuleMutation(op: .sin, input: 0, factor: 1.001)) {
            try checkJacobian(of: UsesDoubled(), at: [0.7])
        }
        XCTAssertEqual(r.directional?.agrees, false, r.renderTable())
        XCTAssertFalse(r.passed)
    }
}
