import XCTest
import Foundation
@testable import AdjointCheck
import AdjointCore

// Findings of a review of the checking API by a user of the black-box check and of user
// primitives: each test failed before its fix. Expected values are hand derivations.

/// relu(x₀)·x₁ with the relu written as a branch, which the tape does not record.
private struct BranchReluTimes: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [(x[0] > 0 ? x[0] : T(0)) * x[1]] }
}

final class ApiReviewFindingsTests: XCTestCase {
    /// At x₀ = 0 (a zero-initialised pre-activation) relu(x₀)·x₁ with x₁ = 2 has one-sided
    /// derivatives 0 (left) and 2 (right) along x₀, by hand; the code's branch takes the left
    /// one, and a hand gradient using relu′(0) = 1 claims 2, as valid a one-sided derivative.
    /// It was convicted (rule-wrong) on the complex step, which follows the branch taken. A
    /// claim outside [0, 2] is still wrong.
    func testAClaimGivingTheOtherBranchsSlopeAtAnUnrecordedKinkIsNotConvicted() throws {
        let other = try checkGradient(of: BranchReluTimes(), at: [0.0, 2.0],
                                      claimedGradient: { (x: [Double]) -> [Double] in [x[1], 0] })
        XCTAssertNotEqual(other.entries[0][0].verdict.name, "rule-wrong", other.renderTable())
        XCTAssertEqual(other.entries[0][1].verdict, .agree, other.renderTable())
        let outside = try checkGradient(of: BranchReluTimes(), at: [0.0, 2.0],
                                        claimedGradient: { (x: [Double]) -> [Double] in [5, 0] })
        XCTAssertEqual(outside.entries[0][0].verdict, .ruleWrong(subjects: ["claimed"]), outside.renderTable())
        let float = try checkGradient(of: BranchReluTimes(), at: [Float(0), 2],
                                      claimedGradient: { (x: [Float]) -> [Float] in [x[1], 0] })
        XCTAssertNotEqual(float.entries[0][0].verdict.name, "rule-wrong", float.renderTable())
    }

    /// f(x) = 3·max(x, 0) at x = 10⁻¹⁷: f is 3x on (0, ∞), so f′ = 3 there (by hand); 1.5 is the
    /// mean of the slopes on either side of the kink at 0, which a difference whose step reaches
    /// past 0 returns. Before the fix both claims passed at the same point: Richardson's
    /// agreement with 1.5 at a step of 0.0625 overruled the adaptive method's 3.
    func testAMeanSlopeAcrossANearbyKinkIsNotPassedBesideTheTrueSlope() throws {
        let f = { (x: [Double]) in 3 * Swift.max(x[0], 0) }
        for x in [1e-17, 1e-19] {
            let mean = try checkBlackBoxGradient(of: f, at: [x], claimedGradient: { _ in [1.5] })
            XCTAssertFalse(mean.passed, "x = \(x)\n" + mean.renderTable())
            XCTAssertNotEqual(mean.entries[0][0].verdict.name, "agree", "x = \(x)")
            let right = try checkBlackBoxGradient(of: f, at: [x], claimedGradient: { _ in [3] })
            XCTAssertTrue(right.passed, "x = \(x)\n" + right.renderTable())
        }
    }
}

/// x², with "all reals" written as the sample range, or a range whose width overflows.
private enum SquareSampledEverywhere: UnaryPrimitive {
    static let name = "review_square_sampled_everywhere"
    static var sampleRanges: [ClosedRange<Double>] { [-Double.infinity...Double.infinity] }
    static func primal<T: ADScalar>(_ x: T) -> T { x * x }
    static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { 2 * x }
}
private enum SquareSampledAcrossEveryDouble: UnaryPrimitive {
    static let name = "review_square_sampled_across_every_double"
    static var sampleRanges: [ClosedRange<Double>] { [-Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude] }
    static func primal<T: ADScalar>(_ x: T) -> T { x * x }
    static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { 2 * x }
}
private enum ScaleSampledEverywhere: VectorPrimitive {
    static let name = "review_scale_sampled_everywhere"
    static func primal(_ x: [Double]) -> [Double] { x.map { 2 * $0 } }
    static func jvp(at x: [Double], direction v: [Double]) -> [Double]? { v.map { 2 * $0 } }
    static func vjp(at x: [Double], cotangent u: [Double]) -> [Double]? { u.map { 2 * $0 } }
    static func sampleRanges(inputs n: Int) -> [ClosedRange<Double>] { Array(repeating: 0...Double.infinity, count: n) }
}

extension ApiReviewFindingsTests {
    /// A sample range that cannot be drawn from is the declaration's fault, and validate says so
    /// instead of blaming the primal for the NaN and ∞ points it drew ("primal at (-nan) is -nan").
    func testASampleRangeThatCannotBeDrawnFromIsADeclarationError() {
        for v in [validate(SquareSampledEverywhere.self), validate(SquareSampledAcrossEveryDouble.self),
                  validate(ScaleSampledEverywhere.self, inputs: 2)] {
            XCTAssertFalse(v.passed, v.description)
            XCTAssertEqual(v.checks.map(\.name), ["declaration"], v.description)
            XCTAssertTrue(v.description.contains("must be finite"), v.description)
        }
    }
}

extension ApiReviewFindingsTests {
    /// A first-rung central agreement is tested for a kink its step straddles too, on its own
    /// samples. 3·max(x, 0) in Float at 0 has one-sided derivatives 0 and 3 (by hand), so it has
    /// no derivative there: a claimed 1.5 (their mean, which central returns exactly) is a valid
    /// subgradient, reported as a kink, not as agreeing with a derivative. |x₀| + x₁² in Float at
    /// (10⁻⁶, 1) has ∂/∂x₀ = 1 (by hand); central's 2⁻⁷ step gave 1.2·10⁻⁴ ± 5·10⁻⁵ and "agreed"
    /// with a claimed 0. f ≈ 1 there rounds to 1.2·10⁻⁷, so x₀'s part of it is 8 ulps and the
    /// closer looks cannot place the kink: the entry is reported at a kink, not as agreeing.
    func testACentralAgreementAcrossAKinkIsNotAnAgreementInFloat() throws {
        let relu = try checkBlackBoxGradient(of: { (x: [Float]) in 3 * Swift.max(x[0], 0) }, at: [0],
                                             claimedGradient: { _ in [1.5] })
        XCTAssertEqual(relu.entries[0][0].verdict, .kink(validSubgradient: true), relu.renderTable())
        let abs = try checkBlackBoxGradient(of: { (x: [Float]) in Swift.abs(x[0]) + x[1] * x[1] }, at: [1e-6, 1],
                                            claimedGradient: { x in [0, 2 * x[1]] })
        XCTAssertNotEqual(abs.entries[0][0].verdict, .agree, abs.renderTable())
        XCTAssertEqual(abs.entries[0][1].verdict, .agree, abs.renderTable())
    }
}

extension ApiReviewFindingsTests {
    /// |x₀| + x₁² is continuous, with ∂/∂x₀ = 1 at x₀ = 10⁻¹⁰ (by hand). Every difference whose
    /// step exceeds 10⁻¹⁰ moves f by 2·10⁻¹⁰ across the point, as a jump would, and the jump test
    /// took the claimed 0 as f's slope: the entry was "discontinuity" (f jumps by 2·10⁻¹⁰) at
    /// 10⁻¹⁰ and 10⁻¹², where the claim is wrong. A true jump (a step of 1 at 0) is still one.
    func testAKinkBesideThePointIsNotReportedAsAJump() throws {
        let f = { (x: [Double]) in Swift.abs(x[0]) + x[1] * x[1] }
        for x0 in [1e-10, 1e-12] {
            let r = try checkBlackBoxGradient(of: f, at: [x0, 1], claimedGradient: { x in [0, 2 * x[1]] })
            XCTAssertNotEqual(r.entries[0][0].verdict.name, "discontinuity", "x₀ = \(x0)\n" + r.renderTable())
            XCTAssertFalse(r.passed, r.renderTable())
        }
        let wrong = try checkBlackBoxGradient(of: f, at: [1e-10, 1], claimedGradient: { x in [0, 2 * x[1]] })
        XCTAssertEqual(wrong.entries[0][0].verdict, .ruleWrong(subjects: ["claimed"]), wrong.renderTable())
        let right = try checkBlackBoxGradient(of: f, at: [1e-10, 1], claimedGradient: { x in [1, 2 * x[1]] })
        XCTAssertTrue(right.passed, right.renderTable())
        let step = try checkBlackBoxGradient(of: { (x: [Double]) in (x[0] > 0 ? 1 : 0) + x[0] }, at: [0],
                                             claimedGradient: { _ in [1] })
        XCTAssertEqual(step.entries[0][0].verdict.name, "discontinuity", step.renderTable())
    }
}

/// sin(x₀)·x₁: ∇ = (cos x₀·x₁, sin x₀) by hand.
private struct SineTimes: ADFunction, Sendable {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.sin(x[0]) * x[1]] }
}

extension ApiReviewFindingsTests {
    /// A claim named after a mode was read as that mode: the sign-flipped ∂/∂x₀ below, named
    /// "forward", came out range-loss of no subject instead of rule-wrong. Such a name is refused.
    func testAClaimNamedAfterAModeIsRefused() async throws {
        let flipped = { (x: [Double]) -> [Double] in [-Foundation.cos(x[0]) * x[1], Foundation.sin(x[0])] }
        for name in ["forward", "reverse"] {
            XCTAssertThrowsError(try checkGradient(of: SineTimes(), at: [0.5, 2.0], claimedGradient: flipped, claimedName: name)) { e in
                guard case ADError.invalidArgument(let why) = e else { return XCTFail("\(e)") }
                XCTAssertTrue(why.contains("claimedName \"\(name)\""), why)
            }
            do {
                _ = try await checkJacobian(of: SineTimes(), at: [0.5, 2.0], claimed: { [flipped($0)] }, claimedName: name, tasks: 2)
                XCTFail("a claim named \(name) was accepted by the concurrent check")
            } catch ADError.invalidArgument {}
        }
        let named = try checkGradient(of: SineTimes(), at: [0.5, 2.0], claimedGradient: flipped, claimedName: "hand")
        XCTAssertEqual(named.entries[0][0].verdict, .ruleWrong(subjects: ["hand"]), named.renderTable())
        // The modes' names are the generic check's only: a black box runs no mode.
        let box = try checkBlackBoxGradient(of: { (x: [Double]) in Foundation.sin(x[0]) * x[1] }, at: [0.5, 2.0],
                                            claimedGradient: flipped, claimedName: "forward")
        XCTAssertEqual(box.entries[0][0].verdict, .ruleWrong(subjects: ["forward"]), box.renderTable())
    }

    /// Black box near a domain's edge (the review's finding c): log x at 10⁻¹⁵ or 10⁻³⁰ was
    /// fd-inconclusive (non-finite) for the right claim 1/x and for 1.01/x alike, since the steps,
    /// scaled to max(1, |x|), all read log of a negative number. The line's steps now come from
    /// |x| there. By hand d/dx log x = 1/x, d/dx √x = 1/(2√x); in Float, ∂(x₁ log x₀) =
    /// (x₁/x₀, log x₀). √x at 0 sits on the edge itself, where no step stays inside on the left:
    /// not passed.
    func testABlackBoxCheckNearTheEdgeOfItsDomainStepsWithinIt() throws {
        for x0 in [1e-15, 1e-30] {
            let right = try checkBlackBoxGradient(of: { (x: [Double]) in log(x[0]) }, at: [x0], claimedGradient: { x in [1 / x[0]] })
            XCTAssertEqual(right.entries[0][0].verdict, .agree, right.renderTable())
            let wrong = try checkBlackBoxGradient(of: { (x: [Double]) in log(x[0]) }, at: [x0], claimedGradient: { x in [1.01 / x[0]] })
            XCTAssertEqual(wrong.entries[0][0].verdict, .ruleWrong(subjects: ["claimed"]), wrong.renderTable())
        }
        let root = try checkBlackBoxGradient(of: { (x: [Double]) in sqrt(x[0]) }, at: [1e-20], claimedGradient: { x in [0.5 / sqrt(x[0])] })
        XCTAssertEqual(root.entries[0][0].verdict, .agree, root.renderTable())
        let float = try checkBlackBoxGradient(of: { (x: [Float]) in log(x[0]) * x[1] }, at: [1e-30, 2],
                                              claimedGradient: { x in [x[1] / x[0], log(x[0])] })
        XCTAssertTrue(float.passed, float.renderTable())
        let edge = try checkBlackBoxGradient(of: { (x: [Double]) in sqrt(x[0]) }, at: [0], claimedGradient: { _ in [1] })
        XCTAssertFalse(edge.passed, edge.renderTable())
        // Along a direction moving both inputs the scale comes from the one nearer its 0 (a
        // review: from the larger, 10⁻⁹, six quarterings still stepped past x₀'s 0). By hand
        // J·v = 1/x₀ + 1 along (1, 1).
        let along: ([Double]) -> [Double] = { x in [log(x[0]) + x[1]] }
        let jvp = try checkBlackBoxJVP(of: along, at: [1e-15, 1e-9], direction: [1, 1], claimed: { x, _ in [1 / x[0] + 1] })
        XCTAssertEqual(jvp.entries[0][0].verdict, .agree, jvp.renderTable())
        let off = try checkBlackBoxJVP(of: along, at: [1e-15, 1e-9], direction: [1, 1], claimed: { x, _ in [1.01 / x[0] + 1] })
        XCTAssertEqual(off.entries[0][0].verdict, .ruleWrong(subjects: ["claimed"]), off.renderTable())
    }

    /// A kink placed only to within an input's 0 is not a kink at the point (the diff review's
    /// finding 1, and the API review's a): in Float |x₀| + x₁² at (10⁻⁶, 1), where the slope along
    /// x₀ is 1 by hand, and in Double 3·max(x₀, 0) + x₁ at (10⁻¹⁴, 1), slope 3, the one-sided
    /// derivatives part only at steps reaching x₀ = 0, and the wrong claims 0 and 1.5 passed as
    /// valid subgradients. They are kinks, not judged, now; at x₀ = 0 itself, where the
    /// generalized gradients are [−1, 1] and [0, 3] by hand, the same claims stay valid.
    func testAKinkOnlyWithinReachOfAnInputsZeroIsNotJudgedAsAtThePoint() throws {
        let float = try checkBlackBoxGradient(of: { (x: [Float]) in abs(x[0]) + x[1] * x[1] }, at: [1e-6, 1],
                                              claimedGradient: { _ in [0, 2] })
        XCTAssertEqual(float.entries[0][0].verdict, .kink(validSubgradient: nil), float.renderTable())
        XCTAssertFalse(float.passed, float.renderTable())
        XCTAssertTrue(float.entries[0][0].kink?.unresolved?.contains("reach x0's 0") == true, float.renderTable())
        let double = try checkBlackBoxGradient(of: { (x: [Double]) in 3 * max(x[0], 0) + x[1] }, at: [1e-14, 1],
                                               claimedGradient: { _ in [1.5, 1] })
        XCTAssertFalse(double.passed, double.renderTable())
        let atZero = try checkBlackBoxGradient(of: { (x: [Float]) in abs(x[0]) + x[1] * x[1] }, at: [0, 1],
                                               claimedGradient: { _ in [0, 2] })
        XCTAssertEqual(atZero.entries[0][0].verdict, .kink(validSubgradient: true), atZero.renderTable())
        let reluAtZero = try checkBlackBoxGradient(of: { (x: [Double]) in 3 * max(x[0], 0) + x[1] }, at: [0, 1],
                                                   claimedGradient: { _ in [1.5, 1] })
        XCTAssertTrue(reluAtZero.passed, reluAtZero.renderTable())
    }
}
