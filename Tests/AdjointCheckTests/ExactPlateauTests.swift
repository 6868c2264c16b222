import AdjointCore
import Foundation
import XCTest
@testable import AdjointCheck

/// Newton on x³ + a·x − b = 0 from x = 1, written generically, stopped where |residual| ≤ 10⁻⁸.
/// At (a, b) = (2, 3) the start is the root: the loop exits before its first step wherever
/// |δa − δb| ≤ 10⁻⁸, so f is the constant 1 there and AD of it is 0, while beyond that band f
/// follows the root, whose gradient by the implicit function theorem is (−x, 1)/(3x² + a) =
/// (−1/5, 1/5).
struct NewtonRoot: ADFunction {
    func callAsFunction<T: ADScalar>(_ p: [T]) -> [T] {
        var x: T = 1
        for _ in 0..<100 {
            let r = x * x * x + p[0] * x - p[1]
            if abs(r) <= T(1e-8) { break }
            let next = x - r / (3 * x * x + p[0])
            if next == x { break }
            x = next
        }
        return [x]
    }
}

final class ExactPlateauTests: XCTestCase {
    let flat = Verdict.fdInconclusive(reasons: [.flatBelowScale])

    /// The implicit-function gradient was rule-wrong there, on the exact differences' 0 at a step
    /// of 2·10⁻⁹ inside the band, although central and adaptive at 10⁻⁵ read −1/5 ± 3·10⁻¹¹ and
    /// had convicted the AD modes' 0; the note blamed AD ("likely leaves the AD types"). Each
    /// claim is now undecided with a note on the band, whichever scale it matches.
    func testTheSolversRightGradientIsNotConvictedWhereItStartsAtItsRoot() throws {
        for claim in [[-0.2, 0.2], [0.0, 0.0], [0.0, 0.2]] {
            let r = try checkGradient(of: NewtonRoot(), at: [2.0, 3.0], claimedGradient: { _ in claim })
            XCTAssertEqual(r.entries.joined().map(\.verdict), [flat, flat], "\(claim)\n" + r.renderTable())
            XCTAssertEqual(r.plateaus.count, 2, r.renderTable())
            XCTAssertFalse(r.adAllZero, r.renderTable())
            XCTAssertFalse(r.notes.contains { $0.contains("leaves the AD types") }, r.renderTable())
            for (j, slope) in [(0, "-0.2"), (1, "0.2")] {
                let note = r.plateaus.first { $0.hasPrefix("entry (f0, x\(j))") } ?? ""
                XCTAssertTrue(note.contains("found f constant") && note.contains("shows a slope of \(slope)"), note)
            }
        }
    }

    /// The rule reads the subjects (a review): a claim that is neither the band's 0 nor the slope
    /// beyond is judged as before, and the exact differences' 0 convicts (7, 7), wrong at every
    /// scale; by hand the gradient is (−1/5, 1/5) beyond the band and 0 inside it.
    func testAClaimWrongAtEveryScaleIsStillConvicted() throws {
        let r = try checkGradient(of: NewtonRoot(), at: [2.0, 3.0], claimedGradient: { _ in [7, 7] })
        XCTAssertEqual(r.entries.joined().map(\.verdict), [.ruleWrong(subjects: ["claimed"]), .ruleWrong(subjects: ["claimed"])],
                       r.renderTable())
    }

    /// A branch the tape does not record, constant up to c and moving on one side only: f is
    /// p − c beyond c and 0 below it, so at 0 (c = 10⁻⁷) its derivative is 0, by hand, and the
    /// float rungs' steps straddle the branch. f does not move on both sides, so this is no
    /// plateau (no note) and 1 is convicted, as before the rule (a review found it inconclusive).
    /// x² + that branch reads 0 ± 0 in exact differences too (x² is even about 0) but is not
    /// constant there. For both, the right 0 is not convicted: the complex step's and the exact
    /// rung's 0 beside central's straddling slope leave it agree or witnesses-conflict (the
    /// review of iterative solvers defers an agreement on exactly 0 beside a settled slope).
    func testABranchNearXIsNoPlateau() throws {
        struct Branch: ADFunction {
            let c: Double
            let square: Bool
            func callAsFunction<T: ADScalar>(_ p: [T]) -> [T] {
                let ramp: T = p[0] > T(c) ? p[0] - T(c) : 0
                return [square ? p[0] * p[0] + ramp : ramp]
            }
        }
        for square in [false, true] {
            let f = Branch(c: 1e-7, square: square)
            let zero = try checkGradient(of: f, at: [0.0], claimedGradient: { _ in [0] })
            XCTAssertTrue([.agree, .fdInconclusive(reasons: [.witnessesConflict])].contains(zero.entries[0][0].verdict),
                          "square \(square)\n" + zero.renderTable())
            XCTAssertTrue(zero.plateaus.isEmpty, zero.renderTable())
        }
        let one = try checkGradient(of: Branch(c: 1e-7, square: false), at: [0.0], claimedGradient: { _ in [1] })
        XCTAssertEqual(one.entries[0][0].verdict, .ruleWrong(subjects: ["claimed"]), one.renderTable())
    }

    /// Away from the root the solver iterates and the band is gone: at (2.5, 3) the root x
    /// solves x³ + 2.5x = 3 (bisected here in Double, independently of the check), and the
    /// implicit-function gradient (−x, 1)/(3x² + 2.5) agrees to the solver's tolerance (exact
    /// differences of the iterates stopped at |r| ≤ 10⁻⁸ differ from it by 7·10⁻⁹ relative, so
    /// the test accepts 10⁻⁶ as a user would); the same with the sign of ∂/∂a slipped is rule-wrong.
    func testAwayFromTheRootTheGradientIsDecided() throws {
        var (lo, hi) = (0.0, 2.0)
        for _ in 0..<200 { let m = (lo + hi) / 2; if m * m * m + 2.5 * m - 3 < 0 { lo = m } else { hi = m } }
        let x = (lo + hi) / 2, d = 3 * x * x + 2.5
        var o = CheckOptions()
        o.rtol = 1e-6
        let right = try checkGradient(of: NewtonRoot(), at: [2.5, 3.0], claimedGradient: { _ in [-x / d, 1 / d] }, options: o)
        XCTAssertTrue(right.passed, right.renderTable())
        XCTAssertTrue(right.plateaus.isEmpty, right.renderTable())
        let slipped = try checkGradient(of: NewtonRoot(), at: [2.5, 3.0], claimedGradient: { _ in [x / d, 1 / d] }, options: o)
        XCTAssertEqual(slipped.entries[0][0].verdict, .ruleWrong(subjects: ["claimed"]), slipped.renderTable())
        XCTAssertEqual(slipped.entries[0][1].verdict, .agree, slipped.renderTable())
    }

    /// In Float the same solve is checked on a grid 2⁻²³ apart just below a = 2 (2⁻²² around b = 3): the exact
    /// differences' flat steps (about 2·10⁻⁹, by the ladder's rational evaluation) hold no Float
    /// but the point, and the note says so; in Double (ulp 4.4·10⁻¹⁶) it does not. The sign slip
    /// (+1/5 along a, wrong beyond the band and inside it, where f is constant) is convicted in
    /// Float as in Double, and the right claim stays undecided.
    func testTheFloatNoteSaysTheBandShownIsBelowAnUlp() throws {
        let right = try checkGradient(of: NewtonRoot(), at: [Float(2), Float(3)], claimedGradient: { _ in [-0.2, 0.2] })
        XCTAssertEqual(right.entries.joined().map(\.verdict), [flat, flat], right.renderTable())
        // The nearer neighbour: 2 − 2⁻²³ below 2 (a power of two), 3 ± 2⁻²² around 3.
        for (j, gap) in [(0, 0x1p-23), (1, 0x1p-22)] {
            let note = right.plateaus.first { $0.hasPrefix("entry (f0, x\(j))") } ?? ""
            XCTAssertTrue(note.contains("is below the spacing of Floats at x\(j), \(fmt(gap))"), note)
        }
        let double = try checkGradient(of: NewtonRoot(), at: [2.0, 3.0], claimedGradient: { _ in [-0.2, 0.2] })
        XCTAssertEqual(double.plateaus.count, 2, double.renderTable())
        XCTAssertFalse(double.plateaus.contains { $0.contains("below the spacing") }, "\(double.plateaus)")
        let slipped = try checkGradient(of: NewtonRoot(), at: [Float(2), Float(3)], claimedGradient: { _ in [0.2, 0.2] })
        XCTAssertEqual(slipped.entries[0][0].verdict, .ruleWrong(subjects: ["claimed"]), slipped.renderTable())
        XCTAssertFalse(slipped.passed, slipped.renderTable())
    }

    /// The same verdicts from the concurrent check, which judges on child tasks.
    func testTheConcurrentCheckSaysTheSame() async throws {
        let serial = try checkJacobian(of: NewtonRoot(), at: [2.0, 3.0], claimed: { _ in [[-0.2, 0.2]] })
        let concurrent = try await checkJacobian(of: NewtonRoot(), at: [2.0, 3.0], claimed: { _ in [[-0.2, 0.2]] }, tasks: 2)
        XCTAssertEqual(serial.plateaus.count, 2, serial.renderTable())
        XCTAssertEqual(concurrent.entries.joined().map(\.verdict), serial.entries.joined().map(\.verdict))
        XCTAssertEqual(concurrent.plateaus, serial.plateaus)
    }
}
