import AdjointCore
import Foundation
import XCTest
@testable import AdjointCheck

// Newton warm-started near its root: `NewtonRoot` of ExactPlateauTests. At (2, 3 − r₀) with
// 0 < r₀ ≤ 10⁻⁸ the start is not the root, but its residual r₀ is already within the tolerance:
// f is 1 wherever |r₀ + δa − δb| ≤ 10⁻⁸, a band whose edge along a lies 10⁻⁸ − r₀ from the point,
// and follows the root beyond it.

/// Jacobi on [[4, 1], [1, 3]]·x = (a, b) from x = 0, leaving the loop as soon as the residual
/// |r₀| + |r₁| ≤ 10⁻⁹; f = x₀ + x₁. By hand, A⁻¹ = [[3, −1], [−1, 4]]/11, so the solution's
/// x₀ + x₁ = (2a + 3b)/11 and its gradient is (2, 3)/11. Where |a| + |b| ≤ 10⁻⁹ the start's
/// residual is within the tolerance and f is the start's 0.
private struct EarlyExitJacobi: ADFunction {
    func callAsFunction<T: ADScalar>(_ p: [T]) -> [T] {
        var x0: T = 0, x1: T = 0
        for _ in 0..<500 {
            let r0 = p[0] - 4 * x0 - x1, r1 = p[1] - x0 - 3 * x1
            if abs(r0) + abs(r1) <= T(1e-9) { break }
            let n0 = (p[0] - x1) / 4, n1 = (p[1] - x0) / 3
            x0 = n0; x1 = n1
        }
        return [x0 + x1]
    }
}

/// Bisection for the root of x³ + a·x − b on [0, 4], halving until the bracket is narrower than
/// 10⁻¹⁰. The output depends on (a, b) only through the signs tested: f is a staircase whose
/// treads are ~10⁻¹⁰ wide in x (5·10⁻¹⁰ in b at (2, 3)), flat on each (AD's and the complex step's
/// 0), while every difference over a few treads or more sees the root's slope, by the implicit
/// function theorem (−x, 1)/(3x² + a) = (−1/5, 1/5) at (2, 3).
private struct Bisection: ADFunction {
    func callAsFunction<T: ADScalar>(_ p: [T]) -> [T] {
        var lo: T = 0, hi: T = 4
        for _ in 0..<200 {
            if hi - lo < T(1e-10) { break }
            let m = (lo + hi) / 2
            if m * m * m + p[0] * m - p[1] < 0 { lo = m } else { hi = m }
        }
        return [(lo + hi) / 2]
    }
}

/// The root of x³ + a·x = b in [0, 4], bisected in Double to the last bit (independent of the check).
private func cubicRoot(_ a: Double, _ b: Double) -> Double {
    var (lo, hi) = (0.0, 4.0)
    for _ in 0..<200 { let m = (lo + hi) / 2; if m * m * m + a * m - b < 0 { lo = m } else { hi = m } }
    return (lo + hi) / 2
}

final class IterativeSolverTests: XCTestCase {
    /// r₀ = 8.6·10⁻⁹: the band's edge along a is 1.4·10⁻⁹ away, between half the exact step
    /// (2⁻³⁰·2 = 1.86·10⁻⁹) and the step. The exact rung read 0 ± 0.19 (only D(h) crossed the
    /// edge) and was unreliable; the complex step's 0 then convicted the implicit-function
    /// gradient on both entries, after central's −0.2 ± 3·10⁻¹¹ and 0.2 had convicted the modes'
    /// 0, and the note blamed AD for leaving its types. It is undecided with a note on the band,
    /// as at the root itself.
    func testWarmNewtonWithTheBandEdgeInsideTheExactStepDoesNotConvictTheRightGradient() throws {
        let (a, b) = (2.0, 3.0 - 8.6e-9)
        let x = cubicRoot(a, b), d = 3 * x * x + a
        let r = try checkGradient(of: NewtonRoot(), at: [a, b], claimedGradient: { _ in [-x / d, 1 / d] })
        let flat = Verdict.fdInconclusive(reasons: [.flatBelowScale])
        XCTAssertEqual(r.entries.joined().map(\.verdict), [flat, flat], r.renderTable())
        XCTAssertFalse(r.notes.contains { $0.contains("leaves the AD types") }, r.renderTable())
        let note = r.plateaus.first { $0.hasPrefix("entry (f0, x0)") } ?? ""
        XCTAssertTrue(note.contains("found f constant"), note)
    }

    /// Jacobi at (5·10⁻¹⁰, 0): |a| + |b| = 5·10⁻¹⁰ is within the tolerance, so f is 0 out to
    /// 5·10⁻¹⁰ along either input, inside the exact step 2⁻³⁰ = 9.3·10⁻¹⁰. Central's (2, 3)/11
    /// at 7.6·10⁻⁶ was the only reliable rung, and it convicted forward, reverse (rule-wrong: the
    /// registry's rules blamed) and the right claim (2, 3)/11 too. No entry is decided now.
    func testJacobiLeftAtItsStartNearTheToleranceConvictsNothing() throws {
        let r = try checkGradient(of: EarlyExitJacobi(), at: [5e-10, 0], claimedGradient: { _ in [2.0 / 11, 3.0 / 11] })
        let flat = Verdict.fdInconclusive(reasons: [.flatBelowScale])
        XCTAssertEqual(r.entries.joined().map(\.verdict), [flat, flat], r.renderTable())
        XCTAssertNil(r.fault, r.renderTable())
        // Where it iterates, the same claim is decided (and one with ∂/∂b's sign slipped is not passed).
        XCTAssertTrue(try checkGradient(of: EarlyExitJacobi(), at: [1, 2], claimedGradient: { _ in [2.0 / 11, 3.0 / 11] }).passed)
        let slipped = try checkGradient(of: EarlyExitJacobi(), at: [1, 2], claimedGradient: { _ in [2.0 / 11, -3.0 / 11] })
        XCTAssertEqual(slipped.entries[0][1].verdict, .ruleWrong(subjects: ["claimed"]), slipped.renderTable())
    }

    /// At the same point, a gradient that forgot ∂/∂a, (0, 1/5), and one that forgot both, (0, 0):
    /// the complex step's 0 (the band's, as AD's) agreed with them after central's −0.2 ± 3·10⁻¹¹
    /// had disagreed, and entry (0, 0) passed before the exact rung was reached. A claim read only
    /// inside the band is not shown right: no entry agrees, and the report does not pass.
    func testWarmNewtonDoesNotPassAForgottenVariableOnTheComplexStepsZero() throws {
        let (a, b) = (2.0, 3.0 - 8.6e-9)
        let x = cubicRoot(a, b), d = 3 * x * x + a
        for claim in [[0, 1 / d], [0.0, 0.0]] {
            let r = try checkGradient(of: NewtonRoot(), at: [a, b], claimedGradient: { _ in claim })
            XCTAssertNotEqual(r.entries[0][0].verdict, .agree, "\(claim)\n" + r.renderTable())
            XCTAssertEqual(r.entries[0][0].verdict, .fdInconclusive(reasons: [.flatBelowScale]), "\(claim)\n" + r.renderTable())
            XCTAssertFalse(r.passed, r.renderTable())
            XCTAssertFalse(r.notes.contains { $0.contains("leaves the AD types") }, r.renderTable())
        }
    }

    /// Bisection at (2, 3), root 1: the implicit-function gradient (−1/5, 1/5) was rule-wrong on
    /// both entries, convicted by the complex step's 0 (the tread's), although adaptive and
    /// Richardson had each settled on ±1/5 ± 10⁻⁷ and convicted the modes' 0. Neither side is
    /// shown wrong. A claim with the sign of ∂/∂a slipped, (1/5, 1/5), is still convicted there:
    /// every witness rejects it.
    func testBisectionsStaircaseConvictsNeitherTheTreadsZeroNorTheRootsSlope() throws {
        let x = cubicRoot(2, 3), d = 3 * x * x + 2
        XCTAssertEqual(x, 1, accuracy: 1e-15)
        let right = try checkGradient(of: Bisection(), at: [2, 3], claimedGradient: { _ in [-x / d, 1 / d] })
        let conflict = Verdict.fdInconclusive(reasons: [.witnessesConflict])
        XCTAssertEqual(right.entries.joined().map(\.verdict), [conflict, conflict], right.renderTable())
        let slipped = try checkGradient(of: Bisection(), at: [2, 3], claimedGradient: { _ in [x / d, 1 / d] })
        XCTAssertEqual(slipped.entries[0][0].verdict, .ruleWrong(subjects: ["claimed"]), slipped.renderTable())
        XCTAssertFalse(slipped.passed)
    }

    /// r₀ = 9.5·10⁻⁹ puts the band's edge along a 5·10⁻¹⁰ away, inside half the exact step, so
    /// the exact rung cannot show the band (0.37 ± 1.7, unreliable), nor do adaptive or
    /// Richardson settle; central settles on −0.2 ± 3·10⁻¹¹ and the complex step on the band's 0.
    /// The complex step, last to disagree, convicted the implicit-function gradient over central,
    /// which found it right. With nothing sharper, neither side is shown wrong. (Beyond the band
    /// f is the iterate stopped at |r| ≤ 10⁻⁸, whose slope differs from the root's by ~2·10⁻⁹
    /// relative: the claim is judged at 10⁻⁶, as a user checking a solver would.)
    func testWarmNewtonWithTheBandEdgeInsideHalfTheExactStepIsAConflict() throws {
        let (a, b) = (2.0, 3.0 - 9.5e-9)
        let x = cubicRoot(a, b), d = 3 * x * x + a
        var o = CheckOptions()
        o.rtol = 1e-6
        let r = try checkGradient(of: NewtonRoot(), at: [a, b], claimedGradient: { _ in [-x / d, 1 / d] }, options: o)
        XCTAssertEqual(r.entries[0][0].verdict, .fdInconclusive(reasons: [.witnessesConflict]), r.renderTable())
        XCTAssertFalse(r.entries.joined().contains { $0.verdict.name == "rule-wrong" }, r.renderTable())
    }

    /// Bisection at (2.5, 3): along b the exact rung settled on 0.2083 ± 0 (its three steps span
    /// a whole number of treads in a ratio that extrapolates exactly), beside central's
    /// 0.2018976 ± 10⁻¹¹, the implicit-function value (1/(3x² + 2.5) with x bisected in Double).
    /// It convicted every subject, the complex step's tread 0 then convicted the claim alone.
    /// (Central's value carries the treads' noise, 5·10⁻⁷ relative here: judged at 10⁻⁶.)
    func testBisectionsStaircaseAlongBConvictsNothingThatCentralFoundRight() throws {
        let x = cubicRoot(2.5, 3), d = 3 * x * x + 2.5
        var o = CheckOptions()
        o.rtol = 1e-6
        let r = try checkGradient(of: Bisection(), at: [2.5, 3], claimedGradient: { _ in [-x / d, 1 / d] }, options: o)
        XCTAssertFalse(r.entries.joined().contains { $0.verdict.name == "rule-wrong" }, r.renderTable())
        XCTAssertFalse(r.entries.joined().contains { $0.verdict == .agree }, r.renderTable())
    }

    /// Bisection converts no variable to Double (no escape is counted): its output moves with the
    /// inputs only through the signs it tests. The note said AD's 0 everywhere meant that "the
    /// function likely leaves the AD types", sending a user to look for a conversion that is not
    /// there. It names comparisons now; a function that does convert keeps the old note.
    func testTheAllZeroNoteNamesComparisonsWhenNothingWasConverted() throws {
        let r = try checkGradient(of: Bisection(), at: [2, 3], claimedGradient: { _ in [-0.2, 0.2] })
        XCTAssertEqual(r.escapes, 0)
        XCTAssertTrue(r.adAllZero, r.renderTable())
        XCTAssertFalse(r.notes.contains { $0.contains("leaves the AD types") }, r.renderTable())
        XCTAssertTrue(r.notes.contains { $0.contains("only through comparisons") }, r.renderTable())
        struct Escaping: ADFunction {
            func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T(x[0].approximateDouble * x[1].approximateDouble)] }
        }
        let e = try checkGradient(of: Escaping(), at: [2.0, 3.0])
        XCTAssertTrue(e.adAllZero, e.renderTable())
        XCTAssertTrue(e.notes.contains { $0.contains("leaves the AD types") }, e.renderTable())
    }

    /// Bisection at (1, 1.01), where the harness shrank a run of the right claim to (60 trials at
    /// 10⁻⁶, (a, b) in [1, 3] × [1, 5]): along b, central settled on 0.4142838 ± 6.4·10⁻⁷, 3·10⁻⁶
    /// from the implicit-function value 0.4142868 (the treads' jitter, which its h-against-2h
    /// estimate does not see), just outside its tolerance; the complex step's tread 0 convicted
    /// the claim. The claim lies far nearer what the differences see than the 0 that convicted
    /// it, and no slope jumps at the point: neither is shown wrong. A claim with ∂/∂b's sign
    /// slipped is nearer the 0, and stays convicted.
    func testBisectionsStaircaseDoesNotConvictAClaimNearerTheDifferencesThanTheTread() throws {
        let x = cubicRoot(1, 1.01), d = 3 * x * x + 1
        var o = CheckOptions()
        o.rtol = 1e-6
        let r = try checkGradient(of: Bisection(), at: [1, 1.01], claimedGradient: { _ in [-x / d, 1 / d] }, options: o)
        XCTAssertFalse(r.entries.joined().contains { $0.verdict.name == "rule-wrong" }, r.renderTable())
        XCTAssertFalse(r.passed, r.renderTable())
        let slipped = try checkGradient(of: Bisection(), at: [1, 1.01], claimedGradient: { _ in [-x / d, -1 / d] }, options: o)
        XCTAssertEqual(slipped.entries[0][1].verdict, .ruleWrong(subjects: ["claimed"]), slipped.renderTable())
    }

    /// Newton from 1 at b = 3.7, where it switches from 3 to 4 steps (a = 2.023412109738482, its
    /// iteration count by the same loop in Double): central straddles the switch and settles
    /// 5.6·10⁻⁵ off the root's slope (the last step's jump over its stencil), while Richardson, the
    /// complex step and exact rationals agree on −0.1932909. A claim with ∂/∂a's sign slipped,
    /// +0.1932909, was sheltered as a conflict (it lies 6·10⁻⁵ nearer central's value than exact
    /// rationals' 0.39 away): a subject is sheltered only inside the gap between the witnesses.
    func testASignSlipIsConvictedAtAnIterationCountSwitch() throws {
        func steps(_ a: Double) -> Int {
            var x = 1.0, n = 0
            for _ in 0..<100 {
                let r = x * x * x + a * x - 3.7
                if Swift.abs(r) <= 1e-8 { break }
                let next = x - r / (3 * x * x + a)
                if next == x { break }
                x = next; n += 1
            }
            return n
        }
        let a = 2.023412109738482
        XCTAssertNotEqual(steps(a), steps(a.nextDown))
        let x = cubicRoot(a, 3.7), d = 3 * x * x + a
        var o = CheckOptions()
        o.rtol = 1e-6
        let right = try checkGradient(of: NewtonRoot(), at: [a, 3.7], claimedGradient: { _ in [-x / d, 1 / d] }, options: o)
        XCTAssertTrue(right.passed, right.renderTable())
        let slipped = try checkGradient(of: NewtonRoot(), at: [a, 3.7], claimedGradient: { _ in [x / d, 1 / d] }, options: o)
        XCTAssertEqual(slipped.entries[0][0].verdict, .ruleWrong(subjects: ["claimed"]), slipped.renderTable())
    }

    /// The fixed-point iteration x ← b/(a + x) from x = 1, tested before each step: at (1, 2) the
    /// start is the fixed point and f is constant near it. The plateau note advised making the
    /// solver "take at least one step so that f follows its solution", which holds for Newton (one
    /// step from the root moves with it at its slope) but not here: one step returns b/(a + 1),
    /// whose slope along b is 1/2 where the solution's, by the implicit function theorem, is
    /// 1/(2x + a) = 1/3, and there the check passes the gradient that forgot the implicit term.
    /// The advice now says so.
    func testThePlateauNoteDoesNotAdviseOneFixedPointStep() throws {
        struct FixedPointTestedFirst: ADFunction {
            func callAsFunction<T: ADScalar>(_ p: [T]) -> [T] {
                var x: T = 1
                for _ in 0..<200 {
                    let next = p[1] / (p[0] + x)
                    if abs(next - x) <= T(1e-8) { break }
                    x = next
                }
                return [x]
            }
        }
        let r = try checkGradient(of: FixedPointTestedFirst(), at: [1, 2], claimedGradient: { _ in [-1.0 / 3, 1.0 / 3] })
        XCTAssertEqual(r.plateaus.count, 2, r.renderTable())
        for note in r.plateaus {
            XCTAssertTrue(note.contains("a fixed-point step"), note)
            XCTAssertFalse(note.hasSuffix("so that f follows its solution near x"), note)
        }
        // The gradient that forgot the implicit term, (−1/2, 1/2) = ∇(b/(a + x)) at x = 1, is wrong
        // for the solution (−1/3, 1/3) and for the program, constant in the band (0, 0). It passed
        // once (adaptive read one step's slope just past the band); it must not be passed again.
        let forgot = try checkGradient(of: FixedPointTestedFirst(), at: [1, 2], claimedGradient: { _ in [-0.5, 0.5] })
        XCTAssertFalse(forgot.passed, forgot.renderTable())
        XCTAssertFalse(forgot.entries.joined().contains { $0.verdict == .agree }, forgot.renderTable())
    }

    /// The concurrent check, which judges on child tasks and again once a deferred rung arrives,
    /// gives the same verdicts at each of these points.
    func testTheConcurrentCheckSaysTheSame() async throws {
        let cases: [(any ADFunction & Sendable, [Double], [Double])] = [
            (NewtonRoot(), [2, 3 - 8.6e-9], [-0.2, 0.2]), (NewtonRoot(), [2, 3 - 8.6e-9], [0, 0.2]),
            (NewtonRoot(), [2, 3 - 9.5e-9], [-0.2, 0.2]), (EarlyExitJacobi(), [5e-10, 0], [2.0 / 11, 3.0 / 11]),
            (Bisection(), [2, 3], [-0.2, 0.2]), (Bisection(), [1, 1.01], [-0.28, 0.41]),
        ]
        for (f, x, claim) in cases {
            let serial = try checkJacobian(of: f, at: x, claimed: { _ in [claim] })
            let concurrent = try await checkJacobian(of: f, at: x, claimed: { _ in [claim] }, tasks: 2)
            XCTAssertEqual(concurrent.entries.joined().map(\.verdict), serial.entries.joined().map(\.verdict), "\(x) \(claim)")
            XCTAssertEqual(concurrent.notes, serial.notes, "\(x) \(claim)")
        }
    }
}
