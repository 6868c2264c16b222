import AdjointCore
import Foundation
import XCTest
@testable import AdjointCheck

/// √x₀ by bisection on [0, 4], comparisons only, stopped where the bracket is at most `tol`
/// wide, plus x₁. No tape path leads from x₀: the computed f is a staircase whose treads are
/// about 2√x₀ times the final bracket wide in x₀, and whose steps follow √x₀.
struct BisectedRoot: ADFunction {
    let tol: Double
    func callAsFunction<T: ADScalar>(_ p: [T]) -> [T] {
        var lo: T = 0, hi: T = 4
        while hi - lo > T(tol) {
            let mid = (lo + hi) / 2
            if mid * mid < p[0] { lo = mid } else { hi = mid }
        }
        return [(lo + hi) / 2 + p[1]]
    }
}

final class StaircaseBeyondWitnessesTests: XCTestCase {
    let flat = Verdict.fdInconclusive(reasons: [.flatBelowScale])
    /// d√x₀/dx₀ at 2, 1/(2√2), by hand.
    let slopeOfRoot = 1 / (2 * 2.0.squareRoot())

    /// At (2, 0.5) every witness read 0 (steps up to 1.2·10⁻⁴, inside the tread: ≈ 2.8·10⁻³ wide at
    /// tol 10⁻³, (1.5625, 2.25] at tol 0.3): a claimed 0 passed (bound 2.2·10⁻¹⁰) and the hand
    /// derivative 1/(2√2) of the √ it approximates was rule-wrong. Both are derivatives of f, at
    /// different scales, so both are undecided, with a note; ∂/∂x₁ = 1 still agrees.
    func testABisectionsZeroAndItsRootsSlopeAreBothUndecided() throws {
        for tol in [1e-3, 0.05] {
            for claim in [0, slopeOfRoot] {
                let r = try checkGradient(of: BisectedRoot(tol: tol), at: [2.0, 0.5], claimedGradient: { _ in [claim, 1] })
                XCTAssertEqual(r.entries[0].map(\.verdict), [flat, .agree], "tol \(tol), claim \(claim)\n" + r.renderTable())
                XCTAssertEqual(r.plateaus.count, 1, r.renderTable())
                let note = r.plateaus.first ?? ""
                XCTAssertTrue(note.hasPrefix("entry (f0, x0)") && note.contains("staircase"), note)
                XCTAssertFalse(r.notes.contains { $0.contains("leaves the AD types") }, r.renderTable())
            }
        }
    }

    /// The same in Float, where the witnesses' steps and the look's run in Float.
    func testInFloatToo() throws {
        for claim in [Float(0), Float(slopeOfRoot)] {
            let r = try checkGradient(of: BisectedRoot(tol: 1e-3), at: [Float(2), 0.5], claimedGradient: { _ in [claim, 1] })
            XCTAssertEqual(r.entries[0].map(\.verdict), [flat, .agree], "claim \(claim)\n" + r.renderTable())
        }
    }

    /// The concurrent check's report is the serial one's, and a check of x₀'s column alone
    /// judges it as the whole Jacobian's does: undecided, with the note.
    func testTheConcurrentAndColumnSubsetChecksLeaveItUndecidedToo() async throws {
        let claim: ([Double]) -> [[Double]] = { _ in [[self.slopeOfRoot, 1]] }
        let serial = try checkJacobian(of: BisectedRoot(tol: 1e-3), at: [2.0, 0.5], claimed: claim)
        let concurrent = try await checkJacobian(of: BisectedRoot(tol: 1e-3), at: [2.0, 0.5], claimed: claim, tasks: 2)
        XCTAssertEqual(concurrent.entries[0].map(\.verdict), [flat, .agree], concurrent.renderTable())
        XCTAssertEqual(concurrent.renderTable(), serial.renderTable())
        let column = try checkJacobian(of: BisectedRoot(tol: 1e-3), at: [2.0, 0.5], inputs: [0], claimed: claim)
        XCTAssertEqual(column.entries.joined().map(\.verdict), [flat], column.renderTable())
        XCTAssertEqual(column.plateaus.count, 1, column.renderTable())
    }

    /// A claim wrong at every scale, 7 or −1/(2√2) (neither 0 nor of the steps' sign and size),
    /// is convicted on the witnesses' 0 as before.
    func testAClaimWrongAtEveryScaleIsStillConvicted() throws {
        for tol in [1e-3, 0.3] {
            for claim in [7, -slopeOfRoot] {
                let r = try checkGradient(of: BisectedRoot(tol: tol), at: [2.0, 0.5], claimedGradient: { _ in [claim, 1] })
                XCTAssertEqual(r.entries[0][0].verdict, .ruleWrong(subjects: ["claimed"]), "tol \(tol), claim \(claim)\n" + r.renderTable())
            }
        }
    }

    /// What stays as it was, by hand: an input f ignores (∂/∂x₀ = 0; the look costs one evaluation,
    /// f at x₀ + 16, which does not move); relu at −5 and a clamp past its bound (0: one side of
    /// each never moves); a dead zone at 0 (0: it leaves its flat piece continuously, so no tread
    /// lies beyond its edges). Each right 0 agrees, with no note.
    func testFlatPiecesThatAreNoStaircaseKeepTheirAgreement() throws {
        struct Ignored: ADFunction {
            func callAsFunction<T: ADScalar>(_ p: [T]) -> [T] { [p[1] * p[1]] }
        }
        struct Relu: ADFunction {
            func callAsFunction<T: ADScalar>(_ p: [T]) -> [T] { [max(p[0], 0) + p[1]] }
        }
        struct Clamp: ADFunction {
            func callAsFunction<T: ADScalar>(_ p: [T]) -> [T] { [min(max(p[0], -1), 1) + p[1]] }
        }
        struct DeadZone: ADFunction {
            func callAsFunction<T: ADScalar>(_ p: [T]) -> [T] {
                let shrunk: T = p[0] > T(0.2) ? p[0] - T(0.2) : (p[0] < T(-0.2) ? p[0] + T(0.2) : 0)
                return [shrunk + p[1]]
            }
        }
        func assertAgrees<F: ADFunction>(_ f: F, at x: [Double], _ claim: [Double], _ name: String) throws {
            let r = try checkGradient(of: f, at: x, claimedGradient: { _ in claim })
            XCTAssertEqual(r.entries[0].map(\.verdict), [.agree, .agree], name + "\n" + r.renderTable())
            XCTAssertTrue(r.plateaus.isEmpty, name + "\n" + r.renderTable())
        }
        try assertAgrees(Ignored(), at: [0.3, 0.7], [0, 1.4], "ignored")
        // 37 evaluations before the look (3a07ecc1); it adds f at x₀ + 16 only.
        let (_, counts) = try Instrumentation.measure {
            try checkGradient(of: Ignored(), at: [0.3, 0.7], claimedGradient: { _ in [0, 1.4] })
        }
        XCTAssertEqual(counts.functionEvaluations, 38)
        try assertAgrees(Relu(), at: [-5, 0.5], [0, 1], "relu")
        try assertAgrees(Clamp(), at: [3, 0.5], [0, 1], "clamp")
        try assertAgrees(DeadZone(), at: [0, 0.5], [0, 1], "dead zone")
    }

    /// fᵢ = (i + 1)·xᵢ: every off-diagonal entry reads an exact 0, and the look asks f at
    /// x + 16·eⱼ for each. Asked per entry it cost n(n − 1) evaluations (132 at n = 12, more than
    /// the rest of the check); one evaluation per column answers every row, so the check's cost
    /// grows linearly with n. Without the sharing, c(16) − 2·c(8) = 16·15 − 2·8·7 = 128 more than with it.
    func testTheLookIsPaidOncePerColumnNotOncePerEntry() throws {
        struct Diagonal: ADFunction {
            let n: Int
            func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { (0..<n).map { T(Double($0 + 1)) * x[$0] } }
        }
        func cost(_ n: Int) throws -> Int {
            let x = (0..<n).map { 0.25 + Double($0) / 8 }
            let (r, counts) = try Instrumentation.measure { try checkJacobian(of: Diagonal(n: n), at: x) }
            XCTAssertTrue(r.entries.joined().allSatisfy { $0.verdict == .agree }, r.renderTable())
            return counts.functionEvaluations
        }
        let (c8, c16) = (try cost(8), try cost(16))
        XCTAssertLessThanOrEqual(c16, 2 * c8 + 16, "c(8) = \(c8), c(16) = \(c16)")
    }

    /// Beyond the look's reach, 1/8 of max(1, |x₀|) (0.25 at x₀ = 2), the entry is judged on its
    /// witnesses' 0 as before: the bisection stopped at 0.3 has treads ≈ 0.7 wide there, and a
    /// staircase by whole steps (k counted up while k + 1 ≤ x₀) treads 1 wide, so a claimed slope of
    /// 1 at 2.5 is rule-wrong (f is constant at every step the check takes), as it was before the
    /// look; the look from 16·max(1, |x₀|) left it undecided (a review).
    func testTreadsWiderThanTheReachAreJudgedOnTheWitnesses() throws {
        for claim in [0, slopeOfRoot] {
            let r = try checkGradient(of: BisectedRoot(tol: 0.3), at: [2.0, 0.5], claimedGradient: { _ in [claim, 1] })
            XCTAssertEqual(r.entries[0][0].verdict, claim == 0 ? .agree : .ruleWrong(subjects: ["claimed"]), r.renderTable())
        }
        struct WholeSteps: ADFunction {
            func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
                var k: T = 0
                while k + 1 <= x[0] { k += 1 }
                return [k + x[1]]
            }
        }
        let r = try checkGradient(of: WholeSteps(), at: [2.5, 0.5], claimedGradient: { _ in [1, 1] })
        XCTAssertEqual(r.entries[0][0].verdict, .ruleWrong(subjects: ["claimed"]), r.renderTable())
    }

    /// The look evaluates the user's f no further from x than Richardson's first step: from
    /// 16·max(1, |xⱼ|) it took x₀ = 2 to −30, where f may not be defined at all (a table lookup
    /// ran off its table). Here f records how far from x it was asked.
    func testTheLookStaysNearX() throws {
        final class Farthest: @unchecked Sendable { var distance = 0.0 }
        struct Recorded: ADFunction {
            let farthest: Farthest
            let inner = BisectedRoot(tol: 1e-3)
            func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
                farthest.distance = Swift.max(farthest.distance, Swift.abs(x[0].approximateDouble - 2))
                return inner(x)
            }
        }
        let farthest = Farthest()
        let r = try checkGradient(of: Recorded(farthest: farthest), at: [2.0, 0.5], claimedGradient: { _ in [0, 1] })
        XCTAssertEqual(r.entries[0][0].verdict, flat, r.renderTable())
        XCTAssertLessThanOrEqual(farthest.distance, 1, "the farthest sample along x0 was \(farthest.distance) from x")
    }

    /// relu(x₀ − x₁) + a bisection of x₂ at (1, 1, 2), claimed (1, 0, 0): each kink component lies
    /// within its one-sided derivatives ([0, 1] and [−1, 0]), but (1, 0) is no convex combination of
    /// the pieces' gradients (1, −1) and (0, 0), which the row's joint judgement convicts. Run
    /// before it, the look left entry (f0, x2) undecided, the joint judgement gave up on the row,
    /// and the wrong claim passed (a review).
    func testTheLookDoesNotSwitchOffTheRowsJointKinkJudgement() throws {
        struct ReluPlusBisection: ADFunction {
            func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
                [relu(x[0] - x[1]) + BisectedRoot(tol: 1e-3)([x[2], T(0)])[0]]
            }
        }
        let r = try checkGradient(of: ReluPlusBisection(), at: [1.0, 1.0, 2.0], claimedGradient: { _ in [1, 0, 0] })
        let kinks = r.entries[0].prefix(2)
        XCTAssertTrue(kinks.allSatisfy { $0.kink?.notInGeneralizedGradient != nil && !$0.passes }, r.renderTable())
    }
}
