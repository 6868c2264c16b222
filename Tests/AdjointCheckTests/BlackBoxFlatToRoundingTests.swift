import AdjointCore
import Foundation
import XCTest
@testable import AdjointCheck

/// A Huber loss with an |w₀| penalty, written as a researcher's plain function (last session's
/// walk): L(w) = Σₖ huber(Xₖ·w − yₖ) + 0.1|w₀|, huber(r) = r²/2 for |r| ≤ δ and δ(|r| − δ/2)
/// beyond, δ = 0.5.
///
/// By hand: where every residual rₖ lies beyond ±δ with signs sₖ, ∂L/∂w₀ = δ·Σₖ sₖXₖ₀ +
/// 0.1·sign(w₀) = 0.5·(s₀ − 0.4s₁ + 0.9s₂ + 0.1s₃) + 0.1·sign(w₀), which is 0 exactly for the signs
/// (+, +, −, +) with w₀ > 0 (0.5 − 0.2 − 0.45 + 0.05 + 0.1) and their mirror (−, −, +, −) with
/// w₀ < 0, and for no other signs. There ∂L/∂w₁ = ±0.5·(0.5 + 1.2 + 0.8 + 0.3) = ±1.4 and ∂L/∂w₂ =
/// ±0.5·(−0.3 + 0.7 − 0.2 − 1.5) = ∓0.65, and L is constant along w₀ up to the nearest of the kinks
/// w₀ = 0 and rₖ = ±δ, (|rₖ| − δ)/|Xₖ₀| away.
///
/// Before: at such points L is constant along w₀ only up to its rounding (an ulp or two of L from
/// sample to sample), every rung agreed with the right ∂L/∂w₀ within a tolerance reaching past 0,
/// and the entry was fd-inconclusive (below-resolution), for the claim 0 and for the −1.39·10⁻¹⁷
/// the hand gradient computes alike: 8 of the walk's 50 points, and the property failed.
final class BlackBoxFlatToRoundingTests: XCTestCase {
    static let X: [[Double]] = [[1.0, 0.5, -0.3], [-0.4, 1.2, 0.7], [0.9, -0.8, 0.2], [0.1, 0.3, -1.5]]
    static let y: [Double] = [0.7, -0.2, 1.9, -2.4]
    static let delta = 0.5

    static func residuals(_ w: [Double]) -> [Double] {
        zip(X, y).map { row, yk in zip(row, w).map(*).reduce(0, +) - yk }
    }

    static let loss: @Sendable ([Double]) -> Double = { w in
        var l = 0.0
        for r in residuals(w) { l += Swift.abs(r) <= delta ? 0.5 * r * r : delta * (Swift.abs(r) - 0.5 * delta) }
        return l + 0.1 * Swift.abs(w[0])
    }

    /// The researcher's gradient, as their code computes it (∂L/∂w₀ comes out −1.39·10⁻¹⁷ or 0).
    static let gradient: @Sendable ([Double]) -> [Double] = { w in
        var g = [Double](repeating: 0, count: w.count)
        for (row, r) in zip(X, residuals(w)) {
            let dr = r > delta ? delta : (r < -delta ? -delta : r)
            for j in g.indices { g[j] += dr * row[j] }
        }
        g[0] += w[0] > 0 ? 0.1 : (w[0] < 0 ? -0.1 : 0)
        return g
    }

    /// Points of [−2, 2]³ (seeded) where ∂L/∂w₀ = 0 by hand and L is constant along w₀ beyond the
    /// step scan's first step, 1/8 of max(1, |w₀|), on both sides; with the hand gradient there.
    static func flatPoints(count: Int, seed: UInt64) -> [(w: [Double], hand: [Double])] {
        var rng = SeededGenerator(seed: seed)
        var found: [(w: [Double], hand: [Double])] = []
        while found.count < count {
            let w = (0..<3).map { _ in -2 + 4 * rng.nextUnit() }
            let r = residuals(w)
            guard r.allSatisfy({ Swift.abs($0) > delta }) else { continue }
            let signs = r.map { $0 > 0 ? 1.0 : -1.0 }
            let s: Double
            if signs == [1, 1, -1, 1], w[0] > 0 { s = 1 } else if signs == [-1, -1, 1, -1], w[0] < 0 { s = -1 } else { continue }
            let reach = zip(r, X).map { (Swift.abs($0) - delta) / Swift.abs($1[0]) }.min() ?? 0
            guard Swift.min(reach, Swift.abs(w[0])) > 0.125 * Swift.max(1, Swift.abs(w[0])) * 1.01 else { continue }
            found.append((w, [0, 1.4 * s, -0.65 * s]))
        }
        return found
    }

    func testTheRightGradientPassesWhereTheLossIsFlatToItsRoundingAlongW0() throws {
        let points = Self.flatPoints(count: 50, seed: 54)
        var verdicts: [String: Int] = [:]
        for (w, hand) in points {
            // The gradient as the researcher's code computes it, and the hand values.
            for claim in [Self.gradient(w), hand] {
                let r = try checkBlackBoxGradient(of: Self.loss, at: w, claimedGradient: { _ in claim })
                verdicts[r.entries[0][0].verdict.name, default: 0] += 1
                XCTAssertTrue(r.passed, "\(w), claimed \(claim)\n" + r.renderTable())
            }
        }
        XCTAssertEqual(verdicts, ["agree": 100], "\(verdicts)")
    }

    /// The bound the pass states is f's rounding over the finest flat step: below 10⁻¹¹ here, far
    /// below every wrong claim below, and it covers the claim's computed −1.39·10⁻¹⁷.
    func testThePassStatesABoundOnTheSlope() throws {
        let (w, _) = try XCTUnwrap(Self.flatPoints(count: 1, seed: 54).first)
        let r = try checkBlackBoxGradient(of: Self.loss, at: w, claimedGradient: Self.gradient)
        let e = r.entries[0][0]
        XCTAssertEqual(e.verdict, .agree, r.renderTable())
        let tol = try XCTUnwrap(e.tolerance)
        XCTAssertLessThan(tol, 1e-11, r.renderTable())
        XCTAssertGreaterThan(tol, Swift.abs(Self.gradient(w)[0]), r.renderTable())
    }

    /// Wrong claims at the same points are not passed: ∂L/∂w₀ claimed 10⁻³ or 0.5 (0 by hand), or
    /// ∂L/∂w₁ with its sign flipped (∓1.4 for ±1.4).
    func testWrongClaimsAtTheSamePointsStillFail() throws {
        let points = Self.flatPoints(count: 50, seed: 54)
        var verdicts: [String: Int] = [:]
        for (w, hand) in points {
            let plants: [(String, Int, [Double])] = [
                ("1e-3", 0, [1e-3, hand[1], hand[2]]),
                ("0.5", 0, [0.5, hand[1], hand[2]]),
                ("sign of w1", 1, [hand[0], -hand[1], hand[2]]),
            ]
            for (name, entry, claim) in plants {
                let r = try checkBlackBoxGradient(of: Self.loss, at: w, claimedGradient: { _ in claim })
                XCTAssertFalse(r.passed, "\(name) at \(w)\n" + r.renderTable())
                XCTAssertNotEqual(r.entries[0][entry].verdict, .agree, "\(name) at \(w)\n" + r.renderTable())
                verdicts["\(name): \(r.entries[0][entry].verdict.name)", default: 0] += 1
            }
        }
        // The flipped sign of a 1.4 is convicted at every point, before the rule and after.
        XCTAssertEqual(verdicts["sign of w1: rule-wrong"], 50, "\(verdicts)")
    }

    /// Flat to rounding, but not to f's own: e^(−x) at 745 is one spacing (4.9·10⁻³²⁴), and moves by
    /// 10⁻²⁸³ at 93 to its left, far inside ulps of 745 or of 1. Its derivative by hand is −e^(−745);
    /// the sign-flipped claim +2⁻¹⁰⁷⁴ is not passed.
    func testAFunctionFlatOnlyToTheRoundingOfItsInputsIsNotFlat() throws {
        let r = try checkBlackBoxGradient(of: { (x: [Double]) in Foundation.exp(-x[0]) }, at: [745.0],
                                          claimedGradient: { _ in [Double.leastNonzeroMagnitude] })
        XCTAssertNotEqual(r.entries[0][0].verdict, .agree, r.renderTable())
        XCTAssertFalse(r.passed, r.renderTable())
    }

    /// A rounded intermediate far larger than f: (x₀ + 10¹³) − 10¹³ + x₁ at (0.5, 0.5) has slope 1
    /// along x₀ by hand (10¹³ + 0.5 is exact, and f moves by 0.125 at x₀ ± 1/8), but is flat within
    /// ulp(10¹³)/2 ≈ 10⁻³ of x₀, where central's samples are equal. A claimed 0 (the term
    /// forgotten) passed on central's 0 ± 5.8·10⁻¹¹, before the flat rule and after; it is not passed
    /// now. The right claim 1 is not convicted.
    func testAnAbsorbedSlopeIsNotPassedAsAZero() throws {
        let absorbed: ([Double]) -> Double = { x in (x[0] + 1e13) - 1e13 + x[1] }
        let zero = try checkBlackBoxGradient(of: absorbed, at: [0.5, 0.5], claimedGradient: { _ in [0, 1] })
        XCTAssertNotEqual(zero.entries[0][0].verdict, .agree, zero.renderTable())
        XCTAssertFalse(zero.passed, zero.renderTable())
        let right = try checkBlackBoxGradient(of: absorbed, at: [0.5, 0.5], claimedGradient: { _ in [1, 1] })
        XCTAssertNotEqual(right.entries[0][0].verdict.name, "rule-wrong", right.renderTable())
    }

    /// The traps the flat rule must keep out, each a claimed 0 where f's slope is not 0 by hand
    /// (the rounded intermediate, (max(x₀, 0) + 10¹³) − 10¹³, is BlackBoxOneSidedPlateauTests'):
    /// Newton on x³ + ax − b from its root x = 1 at
    /// (a, b) = (2, 3), flat within its tolerance band and slope −x/(3x² + a) = −1/5 along a beyond
    /// it; x₀² + x₁ at (10⁻⁴⁰, 0.5), slope 2·10⁻⁴⁰ but moving by 1/64 at 1/8. None is passed. And
    /// tanh at 25, flat to the last bit in Double, slope sech²(25) = 7.7·10⁻²² by hand (4e^(−50)/(1 +
    /// e^(−50))²): its claimed 0 passes within its tolerance, the right 7.7·10⁻²² is not convicted.
    func testTheKnownTrapsAreNotPassed() throws {
        let newton: ([Double]) -> Double = { p in NewtonRoot()(p)[0] }
        let n = try checkBlackBoxGradient(of: newton, at: [2.0, 3.0], claimedGradient: { _ in [0, 0.2] })
        XCTAssertNotEqual(n.entries[0][0].verdict, .agree, n.renderTable())
        let square: ([Double]) -> Double = { x in x[0] * x[0] + x[1] }
        let s = try checkBlackBoxGradient(of: square, at: [1e-40, 0.5], claimedGradient: { _ in [0, 1] })
        XCTAssertNotEqual(s.entries[0][0].verdict, .agree, s.renderTable())
        let sech2 = 4 * Foundation.exp(-50.0) / ((1 + Foundation.exp(-50.0)) * (1 + Foundation.exp(-50.0)))
        let tanhAt25: ([Double]) -> Double = { x in Foundation.tanh(x[0]) }
        let zero = try checkBlackBoxGradient(of: tanhAt25, at: [25.0], claimedGradient: { _ in [0] })
        XCTAssertEqual(zero.entries[0][0].verdict, .agree, zero.renderTable())
        XCTAssertGreaterThanOrEqual(zero.entries[0][0].tolerance ?? 0, sech2, zero.renderTable())
        let right = try checkBlackBoxGradient(of: tanhAt25, at: [25.0], claimedGradient: { _ in [sech2] })
        XCTAssertNotEqual(right.entries[0][0].verdict.name, "rule-wrong", right.renderTable())
    }
}
