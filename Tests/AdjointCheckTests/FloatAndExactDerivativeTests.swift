import AdjointCore
import Foundation
import XCTest
@testable import AdjointCheck

/// Near a pole or a root, rounding inside f separates two right derivatives: that of f as the
/// floats compute it (forward, reverse and the complex step) and that of f computed exactly (exact
/// rationals, jac's exact mode). Where the gap is within the finite first-order bound on how far
/// rounding moves the derivative (`derivativeRoundingBound`), the witnesses do not conflict, and
/// each subject passes as one of the two: `jac check "1/(x*x-1)" --at x=1.000001` exited 1 with
/// witnesses-conflict, as did 26 of 100 seeded points near a root or pole (a review).
///
/// Expected values are independent of the checker: the floats' f′ is the same Double operations
/// done in Python (−2x/(fl(x·x) − 1)²), the exact one Python's `fractions.Fraction` on the Double.
final class FloatAndExactDerivativeTests: XCTestCase {
    struct NearPole: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [1 / (x[0] * x[0] - 1)] } }
    /// (x·x − c)² near its root √c: f′ = 4x(x² − c), where x·x − c is a few hundred ulps of x·x.
    struct NearRoot: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [(x[0] * x[0] - T(6.03125)) * (x[0] * x[0] - T(6.03125))] }
    }

    /// (x, exact f′, floats' f′), all from Python.
    static let nearPole: [(Double, Double, Double)] = [(1.000001, -500000000082.14166, -500000000037.6913),
                                                       (1.00001, -4999999999.809489, -4999999999.805353)]

    func testTheExactDerivativeBesideTheModesPassesWithTheGapWithinTheBound() throws {
        for (x, exact, floats) in Self.nearPole {
            let r = try checkJacobian(of: NearPole(), at: [x], claimed: { _ in [[exact]] }, claimedName: "exact")
            let e = r.entries[0][0]
            XCTAssertEqual(e.subjects.first { $0.name == "forward" }?.value, floats, "x = \(x)")
            XCTAssertEqual(e.verdict, .agree, "x = \(x)\n" + r.renderTable())
            XCTAssertTrue(r.passed, "x = \(x)\n" + r.renderTable())
            // The gap, |floats − exact|, is within the bound the entry reports, and the note says so.
            let bound = try XCTUnwrap(e.derivativeRoundingBound)
            XCTAssertLessThan(Swift.abs(floats - exact), bound, "x = \(x)")
            XCTAssertTrue(r.notes.contains { $0.contains("exact rationals") && $0.contains("apart, within") && $0.contains("rounding inside f") },
                          "x = \(x): \(r.notes)")
        }
    }

    /// A claim of either derivative passes: the floats' value is what forward and reverse give.
    func testAClaimOfTheFloatsDerivativePassesToo() throws {
        for (x, exact, floats) in Self.nearPole {
            for claim in [floats, exact] {
                let r = try checkJacobian(of: NearPole(), at: [x], claimed: { _ in [[claim]] })
                XCTAssertEqual(r.entries[0][0].verdict, .agree, "x = \(x), claim \(claim)\n" + r.renderTable())
            }
        }
    }

    /// A claim that is neither is convicted: 10⁻⁷ of the entry off the exact one (5·10⁴ at
    /// 1.000001, far beyond the bound of 111) and 100 beyond the floats' one on the far side from
    /// the exact (within the bound of the floats' value, but off both witnesses).
    func testAClaimWrongForBothFunctionsIsConvicted() throws {
        for (x, exact, floats) in Self.nearPole {
            for claim in [exact * (1 + 1e-7), floats + (floats > exact ? 100 : -100)] {
                let r = try checkJacobian(of: NearPole(), at: [x], claimed: { _ in [[claim]] })
                XCTAssertEqual(r.entries[0][0].verdict, .ruleWrong(subjects: ["claimed"]), "x = \(x), claim \(claim)\n" + r.renderTable())
            }
        }
    }

    /// A wrong rule is convicted beside the exact claim, also one whose error (25 at 1.000001,
    /// by hand: the mul partial 10⁻¹⁰ off moves 2x·(x·x − 1)⁻² by half that, 5·10⁻¹¹ × 5·10¹¹)
    /// is smaller than the bound: the complex step, which reads no rule, finds it.
    func testAMutatedRuleIsStillConvicted() throws {
        for factor in [1 + 1e-6, 1 + 1e-10] {
            let (x, exact, _) = Self.nearPole[0]
            let r = try RuleMutations.withMutation(RuleMutation(op: .mul, input: 0, factor: factor)) {
                try checkJacobian(of: NearPole(), at: [x], claimed: { _ in [[exact]] }, claimedName: "exact")
            }
            XCTAssertEqual(r.entries[0][0].verdict, .ruleWrong(subjects: ["forward", "reverse"]), "factor \(factor)\n" + r.renderTable())
            XCTAssertFalse(r.passed)
        }
    }

    /// The same at seeded points near poles of 1/(x·x − c), c dyadic, 10⁻⁹ to 10⁻³ from the pole:
    /// a mul rule 10⁻⁶ off never passes, beside the exact claim or without one.
    func testAMutatedRuleNeverPassesNearPoles() throws {
        struct Pole: ADFunction {
            let c: Double
            func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [1 / (x[0] * x[0] - T(c))] }
        }
        var state: UInt64 = 42
        func next() -> Double {   // a fixed LCG: the points do not depend on the platform's generator
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
        for _ in 0..<12 {
            let c = Double(65 + Int(next() * 575)) / 64
            let x = c.squareRoot() + (next() < 0.5 ? -1 : 1) * Double.pow(10, -9 + 6 * next())
            let r = try RuleMutations.withMutation(RuleMutation(op: .mul, input: 0, factor: 1 + 1e-6)) {
                try checkJacobian(of: Pole(c: c), at: [x])
            }
            XCTAssertFalse(r.passed, "c = \(c), x = \(x)\n" + r.renderTable())
        }
    }

    /// Near a root: the floats' f′ −1.1154141554705623·10⁻⁶ (forward, reverse) and the exact
    /// −1.1154141558759726·10⁻⁶, 4·10⁻¹⁶ apart within a bound of 1.3·10⁻¹⁴.
    func testNearARootTheExactDerivativeBesideTheModesPasses() throws {
        let x = 2.4558603149311704
        let r = try checkJacobian(of: NearRoot(), at: [x], claimed: { _ in [[-1.1154141558759726e-06]] }, claimedName: "exact")
        XCTAssertEqual(r.entries[0][0].subjects.first { $0.name == "forward" }?.value, -1.1154141554705623e-06)
        XCTAssertEqual(r.entries[0][0].verdict, .agree, r.renderTable())
        let wrong = try checkJacobian(of: NearRoot(), at: [x], claimed: { _ in [[-1.1154141558759726e-06 * (1 + 1e-6)]] })
        XCTAssertEqual(wrong.entries[0][0].verdict, .ruleWrong(subjects: ["claimed"]), wrong.renderTable())
    }

    /// What it costs: the bound is the one the complex step's rung already made for the claim it
    /// left unjudged (cached), and the slope-jump test, which keeps exact rationals straddling a
    /// branch the tape does not record from passing a claim, evaluates f at three step pairs
    /// around x: 6 calls of f, only at an entry that was witnesses-conflict before. 272 calls
    /// (every scalar type) before the change, counted with the old Check.swift. The exact rung
    /// refines its step once here (its estimate at 2⁻³⁰, 10⁻¹² of f′, is above an ulp of it):
    /// 6 calls more, in ℚ. And 2 more where central's h/2h estimate beside the pole is far above
    /// its rounding: it takes D(h/2) to allow for the truncation's next term (NextOrderTruncationTests).
    func testJudgingByBothCostsAtMostTheSlopeJumpTestsSixCalls() throws {
        final class Counter: @unchecked Sendable {
            let lock = NSLock()
            var count = 0
            func add() { lock.lock(); count += 1; lock.unlock() }
            var n: Int { lock.lock(); defer { lock.unlock() }; return count }
        }
        struct Counted: ADFunction {
            let counter: Counter
            func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { counter.add(); return [1 / (x[0] * x[0] - 1)] }
        }
        let (x, exact, _) = Self.nearPole[0]
        let c = Counter()
        let r = try checkJacobian(of: Counted(counter: c), at: [x], claimed: { _ in [[exact]] }, claimedName: "exact")
        XCTAssertEqual(r.entries[0][0].verdict, .agree, r.renderTable())
        XCTAssertLessThanOrEqual(c.n, 272 + 6 + 6 + 2, "\(c.n)")
    }
}
