import AdjointCore
import Foundation
import XCTest
@testable import AdjointCheck

/// BlackBoxFlatToRoundingTests' Huber loss written generically, the branch read through
/// `approximateDouble` (as UserSuiteTests' Huber is), with a term 0.01·e^(w₂) beside it:
/// L(w) = Σₖ huber(Xₖ·w − yₖ) + 0.1|w₀| + 0.01e^(w₂), δ = 0.5. The branch read makes the
/// complex step not independent of the modes, and the exp keeps exact rationals out, so only the
/// real differences judge.
///
/// By hand, where every residual lies beyond ±δ with the signs (+, +, −, +) and w₀ > 0, or their
/// mirror with w₀ < 0 (see BlackBoxFlatToRoundingTests): ∂L/∂w₀ = 0.5 − 0.2 − 0.45 + 0.05 + 0.1 = 0,
/// ∂L/∂w₁ = ±1.4 and ∂L/∂w₂ = ∓0.65 + 0.01e^(w₂).
///
/// Before: forward mode sums ∂L/∂w₀ to −1.39·10⁻¹⁷ and reverse mode to 0; adaptive's 0 ± 4.4·10⁻¹⁴
/// agreed with every subject within a tolerance reaching past 0, so forward's sign was not
/// resolved and the entry was below-resolution at all 50 points, for the hand gradient and for
/// the one the researcher's code computes alike.
struct HuberBesideAnExp: ADFunction {
    func callAsFunction<T: ADScalar>(_ w: [T]) -> [T] {
        var l: T = 0
        for (row, yk) in zip(BlackBoxFlatToRoundingTests.X, BlackBoxFlatToRoundingTests.y) {
            var s: T = 0
            for j in row.indices { s += T(row[j]) * w[j] }
            let r = s - T(yk)
            l += Swift.abs(r.approximateDouble) <= 0.5 ? T(0.5) * r * r : T(0.5) * (abs(r) - T(0.25))
        }
        return [l + T(0.1) * abs(w[0]) + T(0.01) * T.exp(w[2])]
    }
}

/// HuberBesideAnExp with its branch compared in the scalar type (`abs(r) <= T(0.5)`), which reads
/// no Double: the comparison takes the real part, the complex step follows the branch f takes and
/// stays a witness. The check cannot tell a read that only picks a branch from one that flows back
/// into f as a constant (x·T(d > 0 ? 1 : −1) and x·T(d) at x = 1 leave the same tape and the same
/// reads, with derivatives 1 and 2), so this spelling, not the read, is what keeps the complex step.
struct HuberComparedInTheScalarType: ADFunction {
    func callAsFunction<T: ADScalar>(_ w: [T]) -> [T] {
        var l: T = 0
        for (row, yk) in zip(BlackBoxFlatToRoundingTests.X, BlackBoxFlatToRoundingTests.y) {
            var s: T = 0
            for j in row.indices { s += T(row[j]) * w[j] }
            let r = s - T(yk)
            l += abs(r) <= T(0.5) ? T(0.5) * r * r : T(0.5) * (abs(r) - T(0.25))
        }
        return [l + T(0.1) * abs(w[0]) + T(0.01) * T.exp(w[2])]
    }
}

final class GenericFlatToRoundingTests: XCTestCase {
    /// Guard for the read's refusal: written with the comparison in the scalar type, the same wrong
    /// claims (∂L/∂w₀ claimed 10⁻³ or 0.5 for the hand 0) are convicted by the complex step at every
    /// flat point, and the right gradient passes; through `approximateDouble` they stay undecided
    /// (testWrongClaimsAtTheSamePointsStillFail), as no witness left can read past f's flatness.
    func testTheBranchComparedInTheScalarTypeKeepsTheComplexStep() throws {
        var verdicts: [String: Int] = [:]
        for (w, hand) in Self.points() {
            for (name, claim) in [("1e-3", [1e-3, hand[1], hand[2]]), ("0.5", [0.5, hand[1], hand[2]]), ("hand", hand)] {
                let r = try checkGradient(of: HuberComparedInTheScalarType(), at: w, claimedGradient: { _ in claim })
                let e = r.entries[0][0]
                XCTAssertEqual(r.escapes, 0, r.renderTable())
                verdicts["\(name): \(e.verdict.name) by \(e.witness ?? "-")", default: 0] += 1
            }
        }
        XCTAssertEqual(verdicts, ["1e-3: rule-wrong by complex-step": 50, "0.5: rule-wrong by complex-step": 50,
                                  "hand: agree by complex-step": 50], "\(verdicts)")
    }

    /// The researcher's gradient as their code computes it (∂L/∂w₀ comes out −1.39·10⁻¹⁷ or 0).
    static func computed(_ w: [Double]) -> [Double] {
        var g = BlackBoxFlatToRoundingTests.gradient(w)
        g[2] += 0.01 * Foundation.exp(w[2])
        return g
    }

    /// The flat points of BlackBoxFlatToRoundingTests (seed 54), with the hand gradient there.
    static func points() -> [(w: [Double], hand: [Double])] {
        BlackBoxFlatToRoundingTests.flatPoints(count: 50, seed: 54).map { w, hand in
            (w, [hand[0], hand[1], hand[2] + 0.01 * Foundation.exp(w[2])])
        }
    }

    func testTheRightGradientPassesBesideModesThatRoundTheirZero() throws {
        var verdicts: [String: Int] = [:]
        for (w, hand) in Self.points() {
            for (name, claim) in [("computed", Self.computed(w)), ("hand", hand)] {
                let r = try checkGradient(of: HuberBesideAnExp(), at: w, claimedGradient: { _ in claim })
                verdicts["\(name): \(r.entries[0][0].verdict.name)", default: 0] += 1
                XCTAssertTrue(r.passed, "\(w), claimed \(claim)\n" + r.renderTable())
            }
        }
        XCTAssertEqual(verdicts, ["computed: agree": 50, "hand: agree": 50], "\(verdicts)")
    }

    /// The pass states a bound on ∂L/∂w₀ that covers every subject (forward's −1.39·10⁻¹⁷) and
    /// lies far below every wrong claim of the next test.
    func testThePassStatesABoundBelowTheWrongClaims() throws {
        let (w, _) = try XCTUnwrap(Self.points().first)
        let r = try checkGradient(of: HuberBesideAnExp(), at: w, claimedGradient: Self.computed)
        let e = r.entries[0][0]
        XCTAssertEqual(e.verdict, .agree, r.renderTable())
        let tol = try XCTUnwrap(e.tolerance)
        XCTAssertLessThan(tol, 1e-11, r.renderTable())
        XCTAssertTrue(e.subjects.allSatisfy { Swift.abs($0.value) <= tol }, r.renderTable())
    }

    /// Wrong claims at the same points are not passed: ∂L/∂w₀ claimed 10⁻³ or 0.5 (0 by hand), or
    /// ∂L/∂w₁ with its sign flipped (∓1.4 for ±1.4).
    func testWrongClaimsAtTheSamePointsStillFail() throws {
        var verdicts: [String: Int] = [:]
        for (w, hand) in Self.points() {
            let plants: [(String, Int, [Double])] = [
                ("1e-3", 0, [1e-3, hand[1], hand[2]]),
                ("0.5", 0, [0.5, hand[1], hand[2]]),
                ("sign of w1", 1, [hand[0], -hand[1], hand[2]]),
            ]
            for (name, entry, claim) in plants {
                let r = try checkGradient(of: HuberBesideAnExp(), at: w, claimedGradient: { _ in claim })
                XCTAssertFalse(r.passed, "\(name) at \(w)\n" + r.renderTable())
                XCTAssertNotEqual(r.entries[0][entry].verdict, .agree, "\(name) at \(w)\n" + r.renderTable())
                verdicts["\(name): \(r.entries[0][entry].verdict.name)", default: 0] += 1
            }
        }
        XCTAssertEqual(verdicts["sign of w1: rule-wrong"], 50, "\(verdicts)")
    }

    /// Guard: with both modes off nothing from the tape vouches that the claim's −1.39·10⁻¹⁷ is a
    /// rounded 0, and the entry stays below-resolution, as the black box's would without its flat
    /// scan.
    func testWithoutAModeTheClaimsSignIsStillAsked() throws {
        let (w, _) = try XCTUnwrap(Self.points().first)
        var o = CheckOptions()
        o.checkForward = false
        o.checkReverse = false
        let claim = Self.computed(w)
        XCTAssertNotEqual(claim[0], 0)
        let r = try checkGradient(of: HuberBesideAnExp(), at: w, claimedGradient: { _ in claim }, options: o)
        XCTAssertEqual(r.entries[0][0].verdict, .fdInconclusive(reasons: [.belowResolution]), r.renderTable())
    }
}
