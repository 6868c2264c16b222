import XCTest
import Foundation
@testable import AdjointCheck
import AdjointCore

// Findings of a review by a user who registers primitives and checks them: each test failed
// before its fix. Expected values are hand derivations.

/// x·y with partials (y, x), but no `arity = 2`: the default arity is 1.
private enum TimesWithoutArity: ScalarPrimitive {
    static let name = "times_without_arity"
    static func primal<T: ADScalar>(_ x: T, _ y: T) -> T { x * y }
    static func partials<T: ADScalar>(_ x: T, _ y: T, output z: T) -> (T, T) { (y, x) }
}

/// x³ with the right rule, and a different primitive under the same name with a wrong one.
private enum CubeRight: ScalarPrimitive {
    static let name = "review_cube"
    static func primal<T: ADScalar>(_ x: T, _ y: T) -> T { x * x * x }
    static func partials<T: ADScalar>(_ x: T, _ y: T, output z: T) -> (T, T) { (3 * x * x, 0) }
}
private enum CubeImpostor: ScalarPrimitive {
    static let name = "review_cube"
    static func primal<T: ADScalar>(_ x: T, _ y: T) -> T { x * x * x }
    static func partials<T: ADScalar>(_ x: T, _ y: T, output z: T) -> (T, T) { (2 * x * x, 0) }
}

private struct BothCubes: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [CubeRight.apply(x[0]) + CubeImpostor.apply(x[0])] }
}
/// The Fahrenheit example of `ScalarPrimitive.linearity`'s doc comment.
private enum Fahrenheit: UnaryPrimitive {
    static let name = "review_fahrenheit"
    static let linearity = Linearity.affine
    static func primal<T: ADScalar>(_ x: T) -> T { 1.8 * x + 32 }
    static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { 1.8 }
}
private struct FahrenheitPlusSine: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [Fahrenheit.apply(x[0]) + T.sin(x[1])] }
}
/// (x₀x₁, sin x₁): J = [[x₁, x₀], [0, cos x₁]] by hand. The JVP variants flip the sign of
/// ∂y₁/∂x₁; the VJP variants are right, or flipped the same way.
private enum ProductSine {
    static func primal(_ x: [Double]) -> [Double] { [x[0] * x[1], Foundation.sin(x[1])] }
    static func jvp(_ x: [Double], _ v: [Double], sign: Double) -> [Double] {
        [x[1] * v[0] + x[0] * v[1], sign * Foundation.cos(x[1]) * v[1]]
    }
    static func vjp(_ x: [Double], _ u: [Double], sign: Double) -> [Double] {
        [u[0] * x[1], u[0] * x[0] + sign * u[1] * Foundation.cos(x[1])]
    }
}
private enum WrongJVPRightVJP: VectorPrimitive {
    static let name = "review_wrong_jvp_right_vjp"
    static func primal(_ x: [Double]) -> [Double] { ProductSine.primal(x) }
    static func jvp(at x: [Double], direction v: [Double]) -> [Double]? { ProductSine.jvp(x, v, sign: -1) }
    static func vjp(at x: [Double], cotangent u: [Double]) -> [Double]? { ProductSine.vjp(x, u, sign: 1) }
}
private enum BothWrong: VectorPrimitive {
    static let name = "review_both_wrong"
    static func primal(_ x: [Double]) -> [Double] { ProductSine.primal(x) }
    static func jvp(at x: [Double], direction v: [Double]) -> [Double]? { ProductSine.jvp(x, v, sign: -1) }
    static func vjp(at x: [Double], cotangent u: [Double]) -> [Double]? { ProductSine.vjp(x, u, sign: -1) }
}
/// x + 1 beyond 1, x below: a jump of 1 at x = 1, declared as its kink; slope 1 on both sides.
private enum StepUp: UnaryPrimitive {
    static let name = "review_step_up"
    static func primal<T: ADScalar>(_ x: T) -> T { x > 1 ? x + 1 : x }
    static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { 1 }
    static func kinkDistance(_ x: Double, _ y: Double) -> Double? { Swift.abs(x - 1) }
}
private struct StepUpOf: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [StepUp.apply(x[0])] }
}
/// x + 1 from 1 on, x below (a jump of 1 at 1), with no kink declared, beside |x − (1 + 10⁻⁹)|.
private enum UndeclaredStep: UnaryPrimitive {
    static let name = "review_undeclared_step"
    static func primal<T: ADScalar>(_ x: T) -> T { x >= 1 ? x + 1 : x }
    static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { 1 }
}
private struct StepBesideAKink: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [UndeclaredStep.apply(x[0]) + T.abs(x[0] - T(1 + 1e-9))] }
}
private struct AbsPlusCubic: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.abs(x[0]) + 1e7 * x[0] * x[0] * x[0] + T.exp(x[0])] }
}
/// (x₀x₁, sin x₁) with a right JVP and a VJP one entry short.
private enum ShortVJP: VectorPrimitive {
    static let name = "review_short_vjp"
    static func primal(_ x: [Double]) -> [Double] { ProductSine.primal(x) }
    static func jvp(at x: [Double], direction v: [Double]) -> [Double]? { ProductSine.jvp(x, v, sign: 1) }
    static func vjp(at x: [Double], cotangent u: [Double]) -> [Double]? { [u[0] * x[1]] }
}
private struct ThroughShortVJP: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { ShortVJP.apply(x) }
}
private struct AnyInputs: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x.reduce(T(1)) { $0 * $1 }] }
}
private struct NoOutputs: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [] }
}

final class UserReviewFindingsTests: XCTestCase {
    /// By hand ∇(x·y) at (2, 3) is [3, 2]; applied as a unary primitive it gave [2, 0] (the value
    /// still 6) with no error, and forward mode disagreed with reverse.
    func testAUnaryPrimitiveAppliedToTwoInputsIsATypedErrorInEveryMode() {
        func assertNamed(_ body: () throws -> Any, _ what: String) {
            XCTAssertThrowsError(try body(), what) { error in
                guard case ADError.invalidArgument(let m) = error else { return XCTFail("\(what): \(error)") }
                XCTAssertTrue(m.contains("times_without_arity") && m.contains("arity"), m)
            }
        }
        assertNamed({ try gradient(of: { (x: [Reverse<Double>]) in TimesWithoutArity.apply(x[0], x[1]) }, at: [2.0, 3.0]) }, "reverse")
        assertNamed({ try jvp(of: { (x: [Dual<Double, Double>]) in [TimesWithoutArity.apply(x[0], x[1])] }, at: [2.0, 3.0], direction: [0, 1]) }, "forward")
        assertNamed({ try hessian(of: { (x: [HessianScalar<Double>]) in TimesWithoutArity.apply(x[0], x[1]) }, at: [2.0, 3.0]) }, "hessian")
    }

    /// A check over nothing (no inputs, or no outputs) said passed with verdict agree.
    func testACheckThatComparedNothingDoesNotPass() throws {
        let noInputs = try checkJacobian(of: AnyInputs(), at: [Double]())
        XCTAssertFalse(noInputs.passed)
        XCTAssertEqual(noInputs.verdict.name, "fd-inconclusive")
        XCTAssertTrue(noInputs.notes.contains { $0.contains("nothing was checked") && $0.contains("no inputs") }, "\(noInputs.notes)")
        let noOutputs = try checkJacobian(of: NoOutputs(), at: [1.0])
        XCTAssertFalse(noOutputs.passed)
        XCTAssertTrue(noOutputs.notes.contains { $0.contains("no outputs") }, "\(noOutputs.notes)")
        let blackBox = try checkBlackBoxGradient(of: { (_: [Double]) in 1.0 }, at: [], claimedGradient: { _ in [] })
        XCTAssertFalse(blackBox.passed)
        // One entry is enough to pass, as before.
        XCTAssertTrue(try checkJacobian(of: AnyInputs(), at: [2.0]).passed)
    }

    /// Two primitives named alike: registration replaced the first silently, and a check blamed
    /// "review_cube at node 2" without saying which.
    func testTwoPrimitivesUnderOneNameAreRefused() throws {
        try UserPrimitives.register(CubeRight.self)
        // Registered primitives are drawn by the self-test's random graphs in later tests.
        defer { UserPrimitives.unregister(CubeRight.self) }
        try UserPrimitives.register(CubeRight.self)   // the same one again: nothing changes
        XCTAssertThrowsError(try UserPrimitives.register(CubeImpostor.self)) { error in
            guard case ADError.invalidArgument(let m) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(m.contains("review_cube"), m)
        }
        XCTAssertEqual(UserPrimitives.scalar.filter { $0.name == "review_cube" }.count, 1)
        XCTAssertTrue(UserPrimitives.scalar.contains { ObjectIdentifier($0) == ObjectIdentifier(CubeRight.self) })
        let r = try checkJacobian(of: BothCubes(), at: [1.5])
        XCTAssertFalse(r.passed)
        guard case .invalidArgument(let m)? = r.problem else { return XCTFail("\(String(describing: r.problem))") }
        XCTAssertTrue(m.contains("two different user primitives are named \"review_cube\""), m)
        UserPrimitives.unregister(CubeRight.self)
        XCTAssertFalse(UserPrimitives.scalar.contains { $0.name == "review_cube" })
    }

    /// A primitive under a built-in op's name: the check would blame a fault in it on the
    /// built-in ("sin at node 1"). It is refused as two primitives under one name are.
    func testAPrimitiveUnderABuiltinNameIsRefusedByTheCheck() throws {
        enum FakeSin: UnaryPrimitive {
            static let name = "sin"
            static func primal<T: ADScalar>(_ x: T) -> T { 2 * T.sin(x) }
            static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { 2 * T.cos(x) }
        }
        struct F: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [FakeSin.apply(x[0]) * x[1]] } }
        let r = try checkJacobian(of: F(), at: [0.5, 2.0])
        XCTAssertFalse(r.passed)
        guard case .invalidArgument(let m)? = r.problem else { return XCTFail("\(String(describing: r.problem))") }
        XCTAssertTrue(m.contains("\"sin\"") && m.contains("built-in"), m)
    }

    /// The doc comment said 2 evaluations for the affine column with the default method, which is
    /// central (4); the adaptive method takes the two-point path it describes.
    func testTheLinearityDocExampleCountsWhatItSays() throws {
        let adaptive = try differenceJacobian(of: FahrenheitPlusSine(), at: [20, 1], method: .adaptive).entries[0][0]
        XCTAssertEqual(adaptive.evaluations, 2)
        XCTAssertEqual(adaptive.value, 1.8, accuracy: 1e-12)
    }

    /// A wrong JVP beside a right VJP convicted the VJP too (the dot-product identity was taken
    /// against the JVP the difference had just refuted); both wrong alike left the VJP inconclusive.
    /// The identity is now taken against the difference wherever it is reliable and the JVP is not
    /// confirmed.
    func testAVectorVJPIsJudgedAgainstTheDifferenceWhenTheJVPIsRefuted() {
        let one = validate(WrongJVPRightVJP.self, inputs: 2)
        XCTAssertEqual(one.checks.first { $0.name == "jvp" }?.outcome, .failed, one.description)
        XCTAssertEqual(one.checks.first { $0.name == "vjp" }?.outcome, .passed, one.description)
        let both = validate(BothWrong.self, inputs: 2)
        XCTAssertEqual(both.checks.first { $0.name == "jvp" }?.outcome, .failed, both.description)
        XCTAssertEqual(both.checks.first { $0.name == "vjp" }?.outcome, .failed, both.description)
    }

    /// At 1 + 10⁻¹⁰ the primitive is linear with slope 1 for 10⁻¹⁰ either side (by hand), but the
    /// jump test's fixed steps (10⁻³ … 10⁻⁹) all crossed the declared jump at 1: "discontinuity
    /// (jump ≈ 1.0)". At the jump itself it is still one.
    func testAJumpNearButNotAtThePointIsNotCalledADiscontinuity() throws {
        for x in [1 + 1e-10, 1 + 1e-8, 1 - 1e-10] {
            let r = try checkJacobian(of: StepUpOf(), at: [x])
            XCTAssertEqual(r.entries[0][0].verdict, .agree, "\(x)\n" + r.renderTable())
        }
        let at = try checkJacobian(of: StepUpOf(), at: [1])
        XCTAssertFalse(at.passed, at.renderTable())
    }

    /// A review: with another kink 10⁻⁹ away, the jump test's steps had no room, "no jump" was
    /// assumed, and a jump at the point passed as agree (forward = reverse = 0; by hand no
    /// derivative exists). Undecided now: inconclusive, never a pass.
    func testAJumpThatCannotBeTestedBesideAKinkIsNotAPass() throws {
        let r = try checkJacobian(of: StepBesideAKink(), at: [1])
        XCTAssertFalse(r.passed, r.renderTable())
        XCTAssertNotEqual(r.entries[0][0].verdict, .agree, r.renderTable())
    }

    /// Direct interpreter calls with two different arguments of a unary primitive: the gradient
    /// was [2, 0] for x·y (by hand [3, 2]); now the typed error, as through ScalarPrimitive.apply.
    func testADirectInterpreterCallOfAUnaryPrimitiveOnTwoInputsIsRefused() {
        XCTAssertThrowsError(try gradient(of: { (x: [Reverse<Double>]) in Reverse<Double>.apply(TimesWithoutArity.self, x[0], x[1]) }, at: [2.0, 3.0]))
        XCTAssertThrowsError(try jvp(of: { (x: [Dual<Double, Double>]) in [Dual<Double, Double>.apply(TimesWithoutArity.self, x[0], x[1])] },
                                     at: [2.0, 3.0], direction: [1, 1]))
        // The same argument twice is how P.apply(x) reaches them, and stays allowed (a unary rule
        // reads its first partial only).
        XCTAssertNoThrow(try gradient(of: { (x: [Reverse<Double>]) in TimesWithoutArity.apply(x[0]) }, at: [3.0]))
        XCTAssertNoThrow(try jvp(of: { (x: [Dual<Double, Double>]) in [TimesWithoutArity.apply(x[0])] }, at: [3.0], direction: [1]))
    }

    /// A review: |x| + 10⁷x³ + eˣ at 0 (one-sided slopes 0 and 2 by hand, pieces smooth, the
    /// differences converging at second order) was called "converges slowly: f is not smooth".
    func testASmoothButSteepPieceIsNotCalledSlow() throws {
        let r = try checkJacobian(of: AbsPlusCubic(), at: [0], claimed: { _ in [[1]] })
        let why = r.entries[0][0].kink?.unresolved ?? ""
        XCTAssertFalse(why.contains("converge slowly"), r.renderTable())
    }

    /// A VJP of the wrong length ended the check with a problem and no entry judged, the right
    /// JVP's included (the mirror of a JVP of the wrong length). Forward mode is judged now
    /// (J = [[x₁, x₀], [0, cos x₁]] by hand), and the report does not pass.
    func testAVJPOfTheWrongLengthLeavesForwardModeJudged() throws {
        let r = try checkJacobian(of: ThroughShortVJP(), at: [0.5, 2.0])
        XCTAssertNil(r.problem, r.renderTable())
        XCTAssertEqual(r.subjects, ["forward"])
        XCTAssertTrue(r.entries.joined().allSatisfy { $0.verdict == .agree }, r.renderTable())
        XCTAssertTrue(r.notes.contains { $0.hasPrefix("reverse mode failed:") && $0.contains("VJP length") }, r.renderTable())
        XCTAssertFalse(r.passed)
        // The headline said "agree" beside the failed check (a review), then "non-finite", where
        // nothing was (a new user's pass).
        XCTAssertEqual(r.verdict, .modeFailed(modes: ["reverse"]), r.renderTable())
        XCTAssertTrue(r.renderTable().hasPrefix("Jacobian check") && !r.renderTable().contains("verdict: agree"), r.renderTable())
        // Outside a check, reverse mode still refuses it with the typed error.
        XCTAssertThrowsError(try jacobian(of: ThroughShortVJP(), at: [0.5, 2.0], mode: .reverse))
    }
}
