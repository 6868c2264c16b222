import XCTest
import AdjointCore
@testable import AdjointCheck

/// The random-direction check's excuse for forward mode's own rounding (0ce770b) must not excuse
/// a wrong rule where the cancellation is exact: two copies of one Double subtract to exactly 0.
final class ForwardRoundingReviewTests: XCTestCase {
    /// exp(30x) − exp(30x) + sin x: both exps are the same Double, so f computes sin x exactly
    /// and f′(1) = cos 1 (by hand); a sign-flipped sin rule gives −cos 1. The entries' tolerance
    /// followed the 6e14 path magnitude then, so the direction was the only witness; forward
    /// mode's entry is now judged on its own bound, which nets the copies, and the entry sees it too.
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

extension ForwardRoundingReviewTests {
    /// The same exact cancellation beside real rounding: (x + 10⁸) − 10⁸ rounds x to the ulp of
    /// 10⁸ (1.5e-8), so f's differences and the random direction are noisy, and the direction
    /// decided nothing. f′(1) = cos 1 + 1 by hand; a sign-flipped sin rule gives 1 − cos 1.
    struct CopiesCancelBesideRounding: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
            [T.exp(30 * x[0]) - T.exp(30 * x[0]) + T.sin(x[0]) + ((x[0] + T(1e8)) - T(1e8))]
        }
    }

    func testAWrongRuleBesideRoundingIsNotExcusedByCopiesThatCancel() throws {
        let right = try checkJacobian(of: CopiesCancelBesideRounding(), at: [1.0])
        XCTAssertTrue(right.passed, right.renderTable())
        for factor in [-1.0, 1.001] {
            let r = try RuleMutations.withMutation(RuleMutation(op: .sin, input: 0, factor: factor)) {
                try checkJacobian(of: CopiesCancelBesideRounding(), at: [1.0])
            }
            XCTAssertFalse(r.passed, "sin ∂x × \(factor)\n" + r.renderTable())
            // Forward mode is exact here (the copies' tangents cancel), so it is convicted; reverse
            // mode's adjoint of x passes through ±3.2e14 and is off by 0.022 with the right rule.
            XCTAssertEqual(r.entries.first?.first?.verdict, .ruleWrong(subjects: ["forward"]), r.renderTable())
        }
        XCTAssertEqual(right.entries.first?.first?.verdict, .agree, right.renderTable())
    }
}
