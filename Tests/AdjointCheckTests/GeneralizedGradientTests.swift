import AdjointCore
import XCTest
@testable import AdjointCheck

// Functions with one kink at the point. The pieces' gradients and the generalized (Clarke)
// gradients below are derived by hand: with pieces f₊, f₋ meeting on a smooth surface, ∂f is the
// segment between ∇f₊ and ∇f₋.

/// |x − y|: pieces ±(x − y), gradients (1, −1) and (−1, 1); ∂f(0, 0) = {t·(1, −1) : t ∈ [−1, 1]}.
struct AbsOfDifference: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.abs(x[0] - x[1])] }
}

/// max(x, y) + z·x at a tie: pieces x + zx and y + zx, gradients (1 + z, 0, x) and (z, 1, x).
struct MaxPlusProduct: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.max(x[0], x[1]) + x[2] * x[0]] }
}

/// 3·relu(x + 2y) + y at x + 2y = 0: pieces 3(x + 2y) + y and y, gradients (3, 7) and (0, 1).
struct ReluOfCombination: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [3 * T.relu(x[0] + 2 * x[1]) + x[1]] }
}

/// |x − y| + (x > 0 ? x : 0): a second kink (x = 0) the tape does not record, a branch in the code.
/// At (0, 0) four pieces meet, with gradients (2, −1), (0, 1), (1, −1), (−1, 1); AD's (0, 0) is
/// ½(1, −1) + ½(−1, 1), inside their hull.
struct AbsWithHiddenBranch: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.abs(x[0] - x[1]) + (x[0] > 0 ? x[0] : 0)] }
}

/// A user max with a tie rule: (1, 1) as found in review, or (½, ½). By hand: max(x, y) at a tie
/// has pieces x and y, so ∂ max = {(λ, 1 − λ) : λ ∈ [0, 1]}; along (1, 1) it is smooth,
/// max(1 + t, 1 + t) = 1 + t, with slope 1, where (1, 1) predicts 2 and (½, ½) predicts 1.
protocol TieRule { static var tie: (Double, Double) { get } }
enum TieOneOne: TieRule { static var tie: (Double, Double) { (1, 1) } }
enum TieHalves: TieRule { static var tie: (Double, Double) { (0.5, 0.5) } }
enum UserMax<Tie: TieRule>: ScalarPrimitive {
    static var name: String { "umax" }
    static var arity: Int { 2 }
    static var sampleRanges: [ClosedRange<Double>] { [-2...2, -2...2] }
    static func primal<T: ADScalar>(_ x: T, _ y: T) -> T { x > y ? x : y }
    static func partials<T: ADScalar>(_ x: T, _ y: T, output z: T) -> (T, T) {
        x > y ? (1, 0) : (x < y ? (0, 1) : (T(Tie.tie.0), T(Tie.tie.1)))
    }
    static func kinkDistance(_ x: Double, _ y: Double) -> Double? { Swift.abs(x - y) / 2 }
}
struct UserMaxOf<Tie: TieRule>: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [UserMax<Tie>.apply(x[0], x[1])] }
}
struct BuiltInMax: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.max(x[0], x[1])] }
}

/// With one kink touched, a row is judged jointly: one λ for every component.
final class GeneralizedGradientTests: XCTestCase {
    func claim(_ g: [Double]) -> ([Double]) -> [Double] { { _ in g } }

    func testEveryComponentInItsIntervalIsNotEnough() throws {
        // (1, 1): each component lies in [−1, 1], but (1, 1) ≠ t·(1, −1).
        let r = try checkGradient(of: AbsOfDifference(), at: [0.0, 0.0], claimedGradient: claim([1, 1]))
        XCTAssertEqual(r.entries[0][0].verdict, .kink(validSubgradient: false), r.renderTable())
        XCTAssertEqual(r.entries[0][1].verdict, .kink(validSubgradient: false), r.renderTable())
        XCTAssertEqual(r.entries[0][0].wrongSubjects, ["claimed"])
        XCTAssertFalse(r.passed)
        XCTAssertTrue(r.renderTable().contains("is not λ·g₊ + (1 − λ)·g₋ for one λ"), r.renderTable())
        XCTAssertTrue(r.toJSON().contains("notInGeneralizedGradient"))
        let off = try checkGradient(of: AbsOfDifference(), at: [0.0, 0.0], claimedGradient: claim([0.5, -0.2]))
        XCTAssertFalse(off.passed, off.renderTable())
    }

    func testEveryPointOfTheSegmentPasses() throws {
        for t in [-1.0, -0.3, 0, 0.25, 1] {
            let r = try checkGradient(of: AbsOfDifference(), at: [0.0, 0.0], claimedGradient: claim([t, -t]))
            XCTAssertTrue(r.passed, "t = \(t)\n" + r.renderTable())
        }
        let f = try checkGradient(of: AbsOfDifference(), at: [Float(0), 0], claimedGradient: { (_: [Float]) in [0.5, -0.5] })
        XCTAssertTrue(f.passed, f.renderTable())
        let fw = try checkGradient(of: AbsOfDifference(), at: [Float(0), 0], claimedGradient: { (_: [Float]) in [1, 1] })
        XCTAssertFalse(fw.passed, fw.renderTable())
    }

    func testATieAndAReluWithOtherInputs() throws {
        // max at (1, 1, z = 2): segment between (3, 0, 1) and (2, 1, 1); AD's tie gives (2.5, 0.5, 1).
        let tie = try checkGradient(of: MaxPlusProduct(), at: [1.0, 1.0, 2.0], claimedGradient: claim([2.5, 0.5, 1]))
        XCTAssertTrue(tie.passed, tie.renderTable())
        let corner = try checkGradient(of: MaxPlusProduct(), at: [1.0, 1.0, 2.0], claimedGradient: claim([3, 1, 1]))
        XCTAssertFalse(corner.passed, corner.renderTable())
        // relu at x + 2y = 0 (x = 2, y = −1): segment between (3, 7) and (0, 1).
        for right in [[3.0, 7.0], [0, 1], [1, 3]] {
            let r = try checkGradient(of: ReluOfCombination(), at: [2.0, -1.0], claimedGradient: claim(right))
            XCTAssertTrue(r.passed, "\(right)\n" + r.renderTable())
        }
        let wrong = try checkGradient(of: ReluOfCombination(), at: [2.0, -1.0], claimedGradient: claim([3, 1]))
        XCTAssertFalse(wrong.passed, wrong.renderTable())
    }

    func testAKinkTheTapeDoesNotSeeLeavesTheEntriesToThePerComponentTest() throws {
        // The two-piece model would put AD's right (0, 0) off its segment: not applied.
        let r = try checkGradient(of: AbsWithHiddenBranch(), at: [0.0, 0.0], claimedGradient: claim([0, 0]))
        XCTAssertTrue(r.passed, r.renderTable())
        XCTAssertNil(r.entries[0][0].kink?.notInGeneralizedGradient)
    }

    func testTwoKinksAtThePointAreNotJudgedJointly() throws {
        // |x − y| + |x + y| at 0 touches two kinks: the joint test needs exactly one.
        struct TwoKinks: ADFunction {
            func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.abs(x[0] - x[1]) + T.abs(x[0] + x[1])] }
        }
        let r = try checkGradient(of: TwoKinks(), at: [0.0, 0.0], claimedGradient: claim([1, 1]))
        XCTAssertNil(r.entries[0][0].kink?.notInGeneralizedGradient, r.renderTable())
    }

    /// Found in review: both passed, each entry "kink at …: valid subgradient, one-sided
    /// derivatives [0.0, 1.0]". The AD rows (1, 1) and (1, 0.5) lie off the segment, which the
    /// joint test saw and then set aside (an AD mode outside it was taken for a branch the tape
    /// cannot see), and a two-input user kink was not judged jointly at all. Now the kink op's own
    /// rule is judged along its surface, where max is smooth (slope 1 by hand; J·(1, 1) is 2 and 1.5).
    func testATieRuleOffTheSegmentFailsWhereverItIsWritten() throws {
        let user = try checkJacobian(of: UserMaxOf<TieOneOne>(), at: [1.0, 1.0])
        let doubled = try RuleMutations.withMutation(RuleMutation(op: .max, input: 1, factor: 2)) {
            try checkJacobian(of: BuiltInMax(), at: [1.0, 1.0])
        }
        for (r, slope) in [(user, "2.0"), (doubled, "1.5")] {
            XCTAssertFalse(r.passed, r.renderTable())
            for j in 0..<2 {
                XCTAssertEqual(r.entries[0][j].verdict, .kink(validSubgradient: false), r.renderTable())
                XCTAssertEqual(Set(r.entries[0][j].wrongSubjects), ["forward", "reverse"], r.renderTable())
            }
            let why = r.entries[0][0].kink?.notInGeneralizedGradient ?? ""
            XCTAssertTrue(why.contains("is not λ·g₊ + (1 − λ)·g₋ for one λ"), why)
            XCTAssertTrue(why.contains("along (1.0, 1.0), where") && why.contains("predicts a slope of \(slope)")
                          && why.contains("alone give 1.0"), why)
        }
        // The right rules at the same tie pass: the built-in max's (½, ½), a user max's (½, ½).
        for r in [try checkJacobian(of: BuiltInMax(), at: [1.0, 1.0]), try checkJacobian(of: UserMaxOf<TieHalves>(), at: [1.0, 1.0])] {
            XCTAssertTrue(r.passed, r.renderTable())
            XCTAssertNil(r.entries[0][0].kink?.notInGeneralizedGradient, r.renderTable())
        }
        // A claim off the segment through the right user max is judged jointly too.
        let claim = try checkGradient(of: UserMaxOf<TieHalves>(), at: [1.0, 1.0], claimedGradient: claim([1, 1]))
        XCTAssertEqual(claim.entries[0][0].wrongSubjects, ["claimed"], claim.renderTable())
    }
}
