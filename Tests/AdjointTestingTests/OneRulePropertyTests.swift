import XCTest
import Foundation
@testable import AdjointTesting
import AdjointCheck
import AdjointCore

// Properties over generic functions through a vector primitive with one rule (a JVP only, as a
// JAX custom_jvp, or a VJP only). The primitive is P(a, b) = (a·b, sin a + b²).

enum PairJVPOnly: VectorPrimitive {
    static let name = "pair_jvp_only"
    static func primal(_ x: [Double]) -> [Double] { [x[0] * x[1], Foundation.sin(x[0]) + x[1] * x[1]] }
    static func jvp(at x: [Double], direction v: [Double]) -> [Double]? {
        [x[1] * v[0] + x[0] * v[1], Foundation.cos(x[0]) * v[0] + 2 * x[1] * v[1]]
    }
}
enum PairVJPOnly: VectorPrimitive {
    static let name = "pair_vjp_only"
    static func primal(_ x: [Double]) -> [Double] { PairJVPOnly.primal(x) }
    static func vjp(at x: [Double], cotangent u: [Double]) -> [Double]? {
        [x[1] * u[0] + Foundation.cos(x[0]) * u[1], x[0] * u[0] + 2 * x[1] * u[1]]
    }
}
enum PairNoRule: VectorPrimitive {
    static let name = "pair_no_rule"
    static func primal(_ x: [Double]) -> [Double] { PairJVPOnly.primal(x) }
}
/// The JVP with d(b²) = 2b·db written b·db.
enum PairWrongJVPOnly: VectorPrimitive {
    static let name = "pair_wrong_jvp_only"
    static func primal(_ x: [Double]) -> [Double] { PairJVPOnly.primal(x) }
    static func jvp(at x: [Double], direction v: [Double]) -> [Double]? {
        [x[1] * v[0] + x[0] * v[1], Foundation.cos(x[0]) * v[0] + x[1] * v[1]]
    }
}

/// F(x) = x₀ + 10⁻⁹·x₁x₂ + Σ_{k≥3} x_k, the product from the primitive: ∇F = (1, 10⁻⁹x₂, 10⁻⁹x₁, 1, …)
/// by hand. At x₀ = 10⁷ the 10⁻⁹ entries are below what differences of F resolve (F's ulp is
/// 1.9·10⁻⁹), so only the AD witness can decide them. With 3 inputs automatic AD picks forward
/// mode (one pass, one output); with 12 it picks reverse (one sweep against two passes).
struct TinyThroughPair<P: VectorPrimitive>: ADFunction, Sendable {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
        var s = x[0] + T(1e-9) * P.apply([x[1], x[2]])[0]
        for k in 3..<x.count { s = s + x[k] }
        return [s]
    }
}
/// (a, b) ↦ P(a, b): J = [[b, a], [cos a, 2b]] by hand.
struct ThroughPair<P: VectorPrimitive>: ADFunction, Sendable {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { P.apply(x) }
}

final class OneRulePropertyTests: XCTestCase {
    let x3 = [1e7, 0.5, 2.0]
    let x12 = [1e7, 0.5, 2.0] + Array(repeating: 1.0, count: 9)
    /// J·v along v = e₁: 10⁻⁹·x₂ = 2·10⁻⁹ by hand; the wrong claim is 1.5 times it.
    let jvpRight: @Sendable ([Double], [Double]) -> [Double] = { x, v in [v[0] + 1e-9 * (x[2] * v[1] + x[1] * v[2]) + v.dropFirst(3).reduce(0, +)] }
    let jvpWrong: @Sendable ([Double], [Double]) -> [Double] = { x, v in [v[0] + 1.5e-9 * (x[2] * v[1] + x[1] * v[2]) + v.dropFirst(3).reduce(0, +)] }
    /// uᵀJ = u₀·∇F; the wrong claim has 1.5·10⁻⁹x₂ for ∂F/∂x₁.
    let vjpRight: @Sendable ([Double], [Double]) -> [Double] = { x, u in
        [u[0], 1e-9 * x[2] * u[0], 1e-9 * x[1] * u[0]] + Array(repeating: u[0], count: x.count - 3)
    }
    let vjpWrong: @Sendable ([Double], [Double]) -> [Double] = { x, u in
        [u[0], 1.5e-9 * x[2] * u[0], 1e-9 * x[1] * u[0]] + Array(repeating: u[0], count: x.count - 3)
    }
    var e1: [Double] { [0, 1, 0] }

    /// The AD witness runs in the mode the primitive serves. Automatic picks forward for 3 inputs;
    /// with a VJP only it threw, and the point was inconclusive ("reference 1.74e-08 (richardson
    /// ± 1.42e-07) — inconclusive (below-resolution)") for the right claim and the wrong one alike.
    func testAssertJVPIsDecidedByReverseModeThroughAVJPOnlyPrimitive() {
        let right = checkProperty(.jvp(of: TinyThroughPair<PairVJPOnly>(), claimed: jvpRight, inputs: .point(x3, direction: e1)))
        XCTAssertTrue(right.passed, right.message)
        let wrong = checkProperty(.jvp(of: TinyThroughPair<PairVJPOnly>(), claimed: jvpWrong, inputs: .point(x3, direction: e1)))
        XCTAssertEqual(wrong.failure?.verdict, .ruleWrong, wrong.message)
        let entry = wrong.failure?.outcome.parts.first?.report?.entries.first?.first
        XCTAssertEqual(entry?.witness, "AD")
        XCTAssertEqual(entry?.witnessValue ?? .nan, 2e-9, accuracy: 1e-24)
    }

    /// With 12 inputs automatic picks reverse, which a JVP-only primitive refuses: the witness
    /// runs forward mode instead. Before, both claims were inconclusive.
    func testAssertVJPIsDecidedByForwardModeThroughAJVPOnlyPrimitive() {
        let right = checkProperty(.vjp(of: TinyThroughPair<PairJVPOnly>(), outputs: 1, claimed: vjpRight, inputs: .point(x12, cotangent: [1])))
        XCTAssertTrue(right.passed, right.message)
        let wrong = checkProperty(.vjp(of: TinyThroughPair<PairJVPOnly>(), outputs: 1, claimed: vjpWrong, inputs: .point(x12, cotangent: [1])))
        XCTAssertEqual(wrong.failure?.verdict, .ruleWrong, wrong.message)
        let j = try? adWitnessJacobian(TinyThroughPair<PairJVPOnly>(), at: x12)
        XCTAssertEqual(j, [[1, 2e-9, 5e-10] + Array(repeating: 1, count: 9)])
        XCTAssertEqual(try? adWitnessJacobian(TinyThroughPair<PairJVPOnly>(), at: x12),
                       try? adWitnessJacobian(TinyThroughPair<PairVJPOnly>(), at: x12))
    }

    /// With no rule the witness cannot run; the inconclusive point says why, naming the
    /// primitive and both rules (before: nothing, the rung was listed nowhere in the message).
    func testAnInconclusivePointSaysTheADWitnessCouldNotRunAndWhy() {
        let r = checkProperty(.jvp(of: TinyThroughPair<PairNoRule>(), claimed: jvpRight, inputs: .point(x3, direction: e1)))
        XCTAssertEqual(r.failure?.verdict, .inconclusive, r.message)
        XCTAssertTrue(r.message.contains("not run: the AD witness (AD ran in neither mode: pair_no_rule has no JVP (forward mode); "
                                         + "pair_no_rule has no VJP (reverse mode))"), r.message)
        XCTAssertThrowsError(try adWitnessJacobian(TinyThroughPair<PairNoRule>(), at: x3)) { e in
            XCTAssertEqual(e as? ADWitnessUnavailable, ADWitnessUnavailable(missing: [
                .missingRule(primitive: "pair_no_rule", mode: "forward mode", needs: "JVP"),
                .missingRule(primitive: "pair_no_rule", mode: "reverse mode", needs: "VJP")]))
        }
    }

    /// A property whose check ran one AD mode says which it did not run and why, passing or not;
    /// before, "passed at 5 points (5 agree)" read as forward and reverse mode both checked.
    func testAPropertyNamesTheModeItDidNotRun() async {
        var o = AdjointTestOptions()
        o.trials = 5
        let hand: @Sendable ([Double]) -> [[Double]] = { x in [[x[1], x[0]], [cos(x[0]), 2 * x[1]]] }
        let inputs = InputSpace.vector(2, .uniform(0.5...2))
        let jvpOnly = checkProperty(.jacobian(of: ThroughPair<PairJVPOnly>(), claimed: hand, inputs: inputs), options: o)
        XCTAssertTrue(jvpOnly.passed, jvpOnly.message)
        XCTAssertTrue(jvpOnly.message.hasSuffix("; not run: reverse mode (user primitive pair_jvp_only has no VJP)"), jvpOnly.message)
        let vjpOnly = await checkPropertyConcurrently(.jacobian(of: ThroughPair<PairVJPOnly>(), claimed: hand, inputs: inputs), options: o)
        XCTAssertTrue(vjpOnly.passed, vjpOnly.message)
        XCTAssertTrue(vjpOnly.message.hasSuffix("; not run: forward mode (user primitive pair_vjp_only has no JVP)"), vjpOnly.message)
        // A wrong JVP is still convicted, and the mode not run is named beside the conviction.
        let wrong = checkProperty(.jacobian(of: ThroughPair<PairWrongJVPOnly>(), claimed: hand, inputs: inputs), options: o)
        XCTAssertEqual(wrong.failure?.verdict, .ruleWrong, wrong.message)
        XCTAssertTrue(wrong.message.contains("localised: the rule of pair_wrong_jvp_only JVP"), wrong.message)
        XCTAssertTrue(wrong.message.contains("\nnot run: reverse mode (user primitive pair_wrong_jvp_only has no VJP)\n"), wrong.message)
        // No vector primitive: nothing to say.
        struct NoPrimitive: ADFunction, Sendable { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] * x[0] * x[1]] } }
        let both = checkProperty(.gradient(of: NoPrimitive(), claimed: { (x: [Double]) in [2 * x[0] * x[1], x[0] * x[0]] },
                                           inputs: .vector(2, .uniform(0.5...2))), options: o)
        XCTAssertTrue(both.passed, both.message)
        XCTAssertFalse(both.message.contains("not run"), both.message)
    }

    /// F(x) = x₀ + 10⁻⁹·(sin x₁ + x₂²) through the second output: ∂F/∂x₂ = 2·10⁻⁹x₂ = 4·10⁻⁹ at
    /// x₂ = 2 by hand, which differences of F at x₀ = 10⁷ cannot resolve. PairWrongJVPOnly's JVP
    /// gives 10⁻⁹x₂ = 2·10⁻⁹. Before, the AD witness ran that JVP and was trusted: a claim copied
    /// from it (2·10⁻⁹) passed, and the right claim (4·10⁻⁹) was convicted "rule-wrong (claimed)".
    /// Now the JVP is checked against differences of the primitive alone at (0.5, 2), found wrong,
    /// and the witness is not used: both are inconclusive, with the wrong rule named.
    struct SecondOutput<P: VectorPrimitive>: ADFunction, Sendable {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] + T(1e-9) * P.apply([x[1], x[2]])[1]] }
    }
    func testAWrongRuleInsideFIsNotTrustedAsTheADWitness() {
        let v: [Double] = [0, 0, 1]
        let copiedFromTheRule: @Sendable ([Double], [Double]) -> [Double] = { x, v in [v[0] + 1e-9 * (cos(x[1]) * v[1] + x[2] * v[2])] }
        let byHand: @Sendable ([Double], [Double]) -> [Double] = { x, v in [v[0] + 1e-9 * (cos(x[1]) * v[1] + 2 * x[2] * v[2])] }
        for claim in [copiedFromTheRule, byHand] {
            let r = checkProperty(.jvp(of: SecondOutput<PairWrongJVPOnly>(), claimed: claim, inputs: .point(x3, direction: v)))
            XCTAssertEqual(r.failure?.verdict, .inconclusive, r.message)
            XCTAssertTrue(r.message.contains("not run: the AD witness (AD not trusted: the rule of pair_wrong_jvp_only JVP"), r.message)
        }
        // The same point through the right JVP: the copied claim is convicted, the hand one passes.
        let wrong = checkProperty(.jvp(of: SecondOutput<PairJVPOnly>(), claimed: copiedFromTheRule, inputs: .point(x3, direction: v)))
        XCTAssertEqual(wrong.failure?.verdict, .ruleWrong, wrong.message)
        XCTAssertEqual(wrong.failure?.outcome.parts.first?.report?.entries.first?.first?.witnessValue ?? .nan, 4e-9, accuracy: 1e-24)
        let right = checkProperty(.jvp(of: SecondOutput<PairJVPOnly>(), claimed: byHand, inputs: .point(x3, direction: v)))
        XCTAssertTrue(right.passed, right.message)
        XCTAssertThrowsError(try adWitnessJacobian(SecondOutput<PairWrongJVPOnly>(), at: x3)) { e in
            let w = (e as? ADWitnessUnavailable)?.wrongRule
            XCTAssertEqual(w?.op, "pair_wrong_jvp_only JVP")
            XCTAssertEqual(w?.partial, 1)
            XCTAssertEqual(w?.got, 2)                                 // x₂, where d(x₂²)/dx₂ = 2x₂ = 4
            XCTAssertEqual(w?.expected ?? .nan, 4, accuracy: 1e-9)
        }
    }
}
