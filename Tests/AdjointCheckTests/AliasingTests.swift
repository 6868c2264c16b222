import AdjointCheck
import AdjointCore
import XCTest

/// Differences whose step moves a sin argument by many periods see the sin term averaged, not
/// its slope. At x = 10²⁵ an ulp of x is 2·10⁹ (2³¹), so no difference of f can see sin's slope.
final class AliasingTests: XCTestCase {
    /// x³ with the rule 2x² (a planted error: 3x² by hand).
    enum WrongCubeRule: UnaryPrimitive {
        static let name = "wrong_cube_rule"
        static func primal<T: ADScalar>(_ x: T) -> T { x * x * x }
        static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { 2 * x * x }
    }
    /// (sin(x₀) + gelu(x₀) + x₁, wrong_cube(x₁) + x₀·10⁻²⁰): gelu keeps the complex step out (it
    /// has no complex extension here; |x₀| did, until the complex step continued abs away from
    /// its kink, and then decided this entry rightly), sin keeps exact mode out.
    struct SinAbsCube: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
            [sin(x[0]) + gelu(x[0]) + x[1], WrongCubeRule.apply(x[1]) + x[0] * T(1e-20)]
        }
    }

    /// ∂f/∂x₀ = cos x₀ + gelu′(x₀) = cos x₀ + 1 at 10²⁵ (by hand: Φ(x) + x·φ(x), φ(10²⁵) = 0), which forward and reverse give; every difference settled on
    /// 1.0 (f rounds sin away) and convicted them. The entry is inconclusive, naming the cause,
    /// while the wrong rule along x₁ (where no sin argument moves) is still convicted.
    func testASinTermAveragedAwayByTheStepConvictsNothing() throws {
        let r = try checkJacobian(of: SinAbsCube(), at: [1e25, 2])
        let e = r.entries[0][0]
        guard case .fdInconclusive(let reasons) = e.verdict else { return XCTFail(r.renderTable()) }
        XCTAssertTrue(reasons.contains(.aliased), r.renderTable())
        XCTAssertTrue(e.ladder.contains { $0.outcome == "unreliable" && $0.warnings.contains(.aliased) && $0.value == 1 }, r.renderTable())
        XCTAssertEqual(r.entries[1][1].verdict.name, "rule-wrong", r.renderTable())
    }

    /// The same f at x₀ = 3, where the steps resolve sin: the entry agrees, no aliasing noted.
    /// With |x₀| for gelu the complex step continues abs from x₀ > 0 and sees sin's slope: it
    /// decides the entry, agreeing with cos(10²⁵) + 1 (cos of that Double by mpmath:
    /// 0.95226974931300889…).
    func testTheComplexStepDecidesThroughAbsAwayFromItsKink() throws {
        struct SinAbs: ADFunction {
            func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [sin(x[0]) + abs(x[0])] }
        }
        let r = try checkJacobian(of: SinAbs(), at: [1e25])
        XCTAssertEqual(r.entries[0][0].verdict, .agree, r.renderTable())
        XCTAssertEqual(r.entries[0][0].witness, "complex-step", r.renderTable())
        XCTAssertEqual(r.entries[0][0].subjects.first?.value ?? .nan, 1.95226974931300889, accuracy: 1e-15)
    }

    func testAResolvedSinTermIsJudgedAsBefore() throws {
        let r = try checkJacobian(of: SinAbsCube(), at: [3, 2])
        XCTAssertEqual(r.entries[0][0].verdict.name, "agree", r.renderTable())
        XCTAssertFalse(r.entries[0][0].ladder.contains { $0.warnings.contains(.aliased) }, r.renderTable())
        XCTAssertEqual(r.entries[1][1].verdict.name, "rule-wrong", r.renderTable())
    }

    /// sin with a rule off by 10% (1.1·cos x) at 10²⁵ beside |x|: the differences cannot see
    /// sin's slope, so they cannot convict it either; inconclusive, never a pass.
    enum LooseSin: UnaryPrimitive {
        static let name = "loose_sin"
        static func primal<T: ADScalar>(_ x: T) -> T { sin(x) }
        static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { 1.1 * cos(x) }
    }
    struct LooseSinAbs: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [LooseSin.apply(x[0]) + abs(x[0])] }
    }
    func testAWrongSinRuleThereIsNotPassed() throws {
        let r = try checkJacobian(of: LooseSinAbs(), at: [1e25])
        XCTAssertFalse(r.passed, r.renderTable())
    }

    /// The same f as a black box: with no tape to name sin, a right 1 + cos x must not be
    /// convicted on differences that cannot see sin's slope.
    func testABlackBoxRightClaimThereIsNotConvicted() throws {
        let f: ([Double]) -> Double = { x in sin(x[0]) + Swift.abs(x[0]) }
        let r = try checkBlackBoxGradient(of: f, at: [1e25], claimedGradient: { x in [cos(x[0]) + 1] })
        XCTAssertNotEqual(r.entries[0][0].verdict.name, "rule-wrong", r.renderTable() + "\(r.entries[0][0].ladder)")
    }
}

/// One-sided differences as a kink witness for a black box, in Float.
final class BlackBoxOneSidedTests: XCTestCase {
    /// x₀x₁² + sin(x₂)·x₀ + x₁x₂ in Float at (−775.128, 171.296, −145.686): ∂f/∂x₂ = cos(x₂)·x₀ + x₁
    /// = −129.17 (by hand). The one-sided pair at the default step (which spans a period of
    /// sin(x₂)) read [−873, 558], and every closer look 256 times nearer was swamped by f's
    /// rounding, so the gap was taken for a kink and the sign-flipped +129.17 passed as a valid
    /// subgradient (the Float sweep, seed 9).
    func testAFlippedClaimIsNotPassedAsASubgradientOfAFakeKink() throws {
        let f: ([Float]) -> [Float] = { x in [x[0] * x[1] * x[1] + Float.sin(x[2]) * x[0] + x[1] * x[2]] }
        let x: [Float] = [-775.12836, 171.2964, -145.68599]
        let truth = Float.cos(x[2]) * x[0] + x[1]
        XCTAssertEqual(truth, -129.17, accuracy: 0.01)
        let claim: ([Float]) -> [[Float]] = { x in [[x[1] * x[1] + Float.sin(x[2]), 2 * x[0] * x[1] + x[2], -truth]] }
        let flipped = try checkBlackBoxJacobian(of: f, at: x, claimed: claim)
        XCTAssertFalse(flipped.passed, flipped.renderTable())
        XCTAssertNotEqual(flipped.entries[0][2].verdict.name, "kink", flipped.renderTable())
        let right = try checkBlackBoxJacobian(of: f, at: x, claimed: { x in [[x[1] * x[1] + Float.sin(x[2]), 2 * x[0] * x[1] + x[2], truth]] })
        XCTAssertNotEqual(right.entries[0][2].verdict.name, "rule-wrong", right.renderTable())
    }
}
