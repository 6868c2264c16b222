import XCTest
import Foundation
import AdjointCore
import ComplexModule
import AdjointExact
@testable import AdjointCheck

/// From a review of the Float, exact and complex-step paths.
final class ModesReviewTests: XCTestCase {
    /// x ≥ 0 ? sin x : 2x at 0: AD takes the first branch (cos 0 = 1 by hand). The complex step's
    /// `>=` went through swift-numerics' `==`, which compares imaginary parts, so at 0 + 10⁻²⁰i it
    /// took the other branch, said 2 ± 9e-16, and convicted both modes.
    struct Branch: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] >= 0 ? T.sin(x[0]) : 2 * x[0]] }
    }
    /// The same with `<=`, whose first branch holds at 0: 2x there, derivative 2.
    struct BranchLE: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] <= 0 ? 2 * x[0] : T.sin(x[0])] }
    }

    func testTheComplexStepTakesTheBranchOfTheRealPrimal() throws {
        let z = Complex<Double>(0, 1e-20)
        XCTAssertTrue(z >= Complex<Double>(0) && z <= Complex<Double>(0))
        // At 0, x ≤ 0 holds too: BranchLE takes 2x there, derivative 2.
        for (r, slope) in [(try checkJacobian(of: Branch(), at: [0.0]), 1.0), (try checkJacobian(of: BranchLE(), at: [0.0]), 2)] {
            XCTAssertNotEqual(r.entries[0][0].verdict.name, "rule-wrong", r.renderTable())
            XCTAssertEqual(r.entries[0][0].subjects[0].value, slope)
        }
        let d = try differenceJacobian(of: Branch(), at: [0.0], method: .complexStep)
        XCTAssertEqual(d.jacobian[0][0], 1, accuracy: 1e-15)
    }
}

extension ModesReviewTests {
    struct SinProduct: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.sin(x[0]) * x[1]] } }

    /// In Float at (0.7, 1.3): central differences disagreed with a sin rule 0.1% off (tolerance
    /// 4e-5), adaptive agreed within 1e-3, below Float's ε^{1/3} = 5e-3, and that agreement stood:
    /// `passed` was true. The complex step resolves the entry to 2e-7. ∂/∂x₀ = cos(0.7)·1.3 by hand.
    func testAWiderAgreementDoesNotOverruleASharperDisagreementInFloat() throws {
        let x: [Float] = [0.7, 1.3]
        let right = try checkJacobian(of: SinProduct(), at: x)
        XCTAssertTrue(right.passed, right.renderTable())
        for factor in [1.001, 0.999, 1.0003] {
            let r = try RuleMutations.withMutation(RuleMutation(op: .sin, input: 0, factor: factor)) {
                try checkJacobian(of: SinProduct(), at: x)
            }
            XCTAssertFalse(r.passed, "sin × \(factor)\n" + r.renderTable())
        }
        let claim = try checkGradient(of: SinProduct(), at: x,
                                      claimedGradient: { x in [Float(1.001) * Float.cos(x[0]) * x[1], Float.sin(x[0])] })
        XCTAssertFalse(claim.passed, claim.renderTable())
        XCTAssertEqual(Double(right.entries[0][0].subjects[0].value), Foundation.cos(0.7) * 1.3, accuracy: 4e-7)
    }
}

extension ModesReviewTests {
    /// 1/(x − 0.1) + |y|: |y| takes the complex step away, so exact rationals decide (x₀'s entry).
    struct Pole: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [1 / (x[0] - 0.1) + T.abs(x[1])] }
    }

    /// In Float the program computes 1/(x − Float(0.1)); the exact witness evaluated the literal
    /// as the Double 0.1 and differentiated another function (−1.25e16 for −1.80e16), convicting
    /// both modes. By hand at x = Float(0.1).nextUp: x − Float(0.1) is one Float ulp, 7.45e-9, so
    /// ∂f/∂x = −1/(7.45e-9)² = −1.80e16.
    func testAFloatFunctionsExactWitnessUsesItsFloatConstants() throws {
        let x = Float(0.1).nextUp
        let r = try checkJacobian(of: Pole(), at: [x, 0])
        let d = Double(x) - Double(Float(0.1))
        XCTAssertEqual(Double(r.entries[0][0].subjects[0].value), -1 / (d * d), accuracy: 1e-6 / (d * d))
        XCTAssertNotEqual(r.entries[0][0].verdict.name, "rule-wrong", r.renderTable())
    }

    /// In Double at 0.1.nextUp the pole is 1.4e-17 away and the exact witness's step 9.3e-10: its
    /// differences straddle the pole and gave +2.3e19 ± 1.7e19 for −5.19e33 (−1/(1.39e-17)², by
    /// hand), and the modes were convicted. A second difference that grows as the step halves
    /// says the step is not on a smooth scale; the witness is not used.
    func testAnExactWitnessWhoseStepStraddlesAPoleDecidesNothing() throws {
        let r = try checkJacobian(of: Pole(), at: [Double(0.1).nextUp, 0])
        XCTAssertNotEqual(r.entries[0][0].verdict.name, "rule-wrong", r.renderTable())
        let gap = Double(0.1).nextUp - 0.1
        XCTAssertEqual(r.entries[0][0].subjects[0].value, -1 / (gap * gap), accuracy: 1e-12 / (gap * gap))
    }

    /// A relu written in the user's code, at its kink: AD takes the x ≤ 0 branch (0, the library
    /// relu's convention too). Exact central differences are 0.5 at every step there, so their
    /// estimate was exactly 0 and they convicted AD. Not a derivative: nothing convicts.
    struct HandRelu: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] > 0 ? x[0] : 0] } }
    struct Hinge: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { let u = 1 - 2 * x[0]; return [u > 0 ? u : 0] }
    }

    func testAKinkInTheUsersCodeIsNotConvictedByExactDifferences() throws {
        for r in [try checkJacobian(of: HandRelu(), at: [0.0]), try checkJacobian(of: HandRelu(), at: [Float(0)]),
                  try checkJacobian(of: Hinge(), at: [0.5])] {
            XCTAssertNotEqual(r.entries[0][0].verdict.name, "rule-wrong", r.renderTable())
            XCTAssertFalse(r.passed, "a kink the tape does not know cannot be confirmed:\n" + r.renderTable())
            // Nor is it a sign that f left the AD types (the note said so).
            XCTAssertFalse(r.adAllZero, r.renderTable())
        }
        // The exact witness still decides where f is smooth (x² at 3: 6 by hand).
        struct Square: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] * x[0]] } }
        let d = try exactDifferenceJacobian(of: Square(), at: [Rational(3)])
        XCTAssertEqual(d.jacobian[0][0], Rational(6))
        XCTAssertEqual(d.notSmooth, [[false]])
        XCTAssertEqual(try exactDifferenceJacobian(of: HandRelu(), at: [Rational(0)]).notSmooth, [[true]])
    }
}

/// y = 2x whose JVP returns 2|v|: right along every unit direction (the entries agree), wrong
/// along a direction with a negative component, which only the random-direction check sees.
private enum AbsJVP: VectorPrimitive {
    static let name = "abs_jvp_doubler"
    static func primal(_ x: [Double]) -> [Double] { x.map { 2 * $0 } }
    static func jvp(at x: [Double], direction v: [Double]) -> [Double]? { v.map { 2 * Swift.abs($0) } }
    static func vjp(at x: [Double], cotangent u: [Double]) -> [Double]? { u.map { 2 * $0 } }
}

extension ModesReviewTests {
    struct UsesAbsJVP: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.apply(AbsJVP.self, x).reduce(0, +)] }
    }

    /// The headline said "agree" beside `passed == false` when only the random direction
    /// disagreed (a review): the witnesses of forward mode conflict, and the verdict says so (not
    /// rule-wrong: a branch in f's code the direction straddles looks the same).
    func testADisagreeingDirectionIsInTheHeadlineVerdict() throws {
        let r = try checkJacobian(of: UsesAbsJVP(), at: [0.3, -0.7, 1.1])
        XCTAssertEqual(r.directional?.agrees, false, r.renderTable())
        XCTAssertTrue(r.entries.joined().allSatisfy { $0.verdict == .agree }, r.renderTable())
        XCTAssertFalse(r.passed)
        XCTAssertEqual(r.verdict, .fdInconclusive(reasons: [.witnessesConflict]))
    }
}

/// From the review of the day's diff.
extension ModesReviewTests {
    /// 1/(x − 16777217) in Float: T(16777217) is the Float 16777216, so at x = 16777218 the
    /// denominator is 2 and ∂f/∂x = −1/4 (by hand). The exact witness kept the integer exact,
    /// differentiated 1/(x − 16777217) (−1 there) and convicted both modes.
    struct IntPole: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [1 / (x[0] - 16777217) + T.abs(x[1])] }
    }

    func testAFloatFunctionsLargeIntegerConstantsAreFloatsToo() throws {
        let r = try checkJacobian(of: IntPole(), at: [Float(16777218), 0])
        XCTAssertEqual(r.entries[0][0].subjects[0].value, -0.25)
        XCTAssertNotEqual(r.entries[0][0].verdict.name, "rule-wrong", r.renderTable())
    }

    /// sin(x₀) + erf(x₁) at (1194900, 0.5): the second differences at the two smaller steps matched
    /// because sin is periodic on the larger one, a sign-flipped sin rule read as a kink crossing.
    /// There is no kink: the wrong rule is convicted, the right one agrees.
    struct SinErf: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.sin(x[0]) + T.erf(x[1])] } }

    func testAPeriodicFunctionIsNotTakenForAKink() throws {
        let x = [1194900.0, 0.5]
        XCTAssertEqual(try checkJacobian(of: SinErf(), at: x).entries[0][0].verdict, .agree)
        for factor in [-1.0, 1.001] {
            let r = try RuleMutations.withMutation(RuleMutation(op: .sin, input: 0, factor: factor)) { try checkJacobian(of: SinErf(), at: x) }
            XCTAssertNotEqual(r.entries[0][0].verdict, .fdInconclusive(reasons: [.crossesKink]), r.renderTable())
            XCTAssertFalse(r.passed)
        }
    }
}

extension ModesReviewTests {
    struct Sine: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.sin(x[0])] } }

    /// In Float at x = 800 adaptive agreed within 4.5e-4 (its estimate 2.1e-4) with a sin rule 0.1%
    /// off; that was inside ε^{1/3} = 5e-3 of the entry, so the agreement was final and `passed`
    /// was true. An agreement looser than √ε (3.5e-4) now asks the complex step, which resolves
    /// the entry to 1e-7. d/dx sin x = cos 800 = −0.44812751… by hand (Python's math.cos).
    func testAnAgreementLooserThanRootEpsilonAsksTheComplexStepInFloat() throws {
        let x: [Float] = [800]
        let right = try checkJacobian(of: Sine(), at: x)
        XCTAssertTrue(right.passed, right.renderTable())
        XCTAssertEqual(Double(right.entries[0][0].subjects[0].value), -0.44812751, accuracy: 1e-6)
        for factor in [1.001, 0.999] {
            let r = try RuleMutations.withMutation(RuleMutation(op: .sin, input: 0, factor: factor)) {
                try checkJacobian(of: Sine(), at: x)
            }
            XCTAssertFalse(r.passed, "sin × \(factor)\n" + r.renderTable())
            XCTAssertEqual(r.entries[0][0].verdict, .ruleWrong(subjects: ["forward", "reverse"]), r.renderTable())
        }
    }
}
