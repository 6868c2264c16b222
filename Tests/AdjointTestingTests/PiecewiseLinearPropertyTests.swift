import Foundation
import XCTest
import AdjointCheck
import AdjointCore
import AdjointTesting

/// Last session's walk: a researcher's Huber loss with an |w₀| penalty, L(w) = Σₖ huber(Xₖ·w − yₖ)
/// + 0.1|w₀| (δ = 0.5), and its hand gradient, checked by the property harness over [−2, 2]³ as
/// they wrote it. Where every residual is beyond ±δ with the signs (+, +, −, +) and w₀ > 0, or
/// their mirror, ∂L/∂w₀ = 0.5 − 0.2 − 0.45 + 0.05 + 0.1 = 0 by hand (the gradient computes
/// −1.39·10⁻¹⁷), and L is constant along w₀ up to its rounding.
///
/// Before: 8 of the 50 points were inconclusive (below-resolution) at ∂L/∂w₀, more than the 10%
/// allowed, and the right gradient failed its property.
/// PiecewiseLinearPropertyTests' loss, generic, plus 0.01·e^(w₂) (see its test).
struct GenericHuberBesideAnExp: ADFunction {
    func callAsFunction<T: ADScalar>(_ w: [T]) -> [T] {
        var l: T = 0
        for (row, yk) in zip(PiecewiseLinearPropertyTests.X, PiecewiseLinearPropertyTests.y) {
            var s: T = 0
            for j in row.indices { s += T(row[j]) * w[j] }
            let r = s - T(yk)
            l += Swift.abs(r.approximateDouble) <= 0.5 ? T(0.5) * r * r : T(0.5) * (abs(r) - T(0.25))
        }
        return [l + T(0.1) * abs(w[0]) + T(0.01) * T.exp(w[2])]
    }
}

final class PiecewiseLinearPropertyTests: XCTestCase {
    static let X: [[Double]] = [[1.0, 0.5, -0.3], [-0.4, 1.2, 0.7], [0.9, -0.8, 0.2], [0.1, 0.3, -1.5]]
    static let y: [Double] = [0.7, -0.2, 1.9, -2.4]
    private static let loss: @Sendable ([Double]) -> Double = { w in
        var l = 0.0
        for (row, yk) in zip(X, y) {
            let r = zip(row, w).map(*).reduce(0, +) - yk
            l += Swift.abs(r) <= 0.5 ? 0.5 * r * r : 0.5 * (Swift.abs(r) - 0.25)
        }
        return l + 0.1 * Swift.abs(w[0])
    }
    private static func gradient(signFlippedBranch: Bool) -> @Sendable ([Double]) -> [Double] {
        { w in
            var g = [Double](repeating: 0, count: w.count)
            for (row, yk) in zip(X, y) {
                let r = zip(row, w).map(*).reduce(0, +) - yk
                let dr = r > 0.5 ? 0.5 : (r < -0.5 ? (signFlippedBranch ? 0.5 : -0.5) : r)
                for j in g.indices { g[j] += dr * row[j] }
            }
            g[0] += w[0] > 0 ? 0.1 : (w[0] < 0 ? -0.1 : 0)
            return g
        }
    }

    func testTheWalksRightHuberGradientPassesItsProperty() {
        var o = AdjointTestOptions()
        o.trials = 50
        let r = checkProperty(.blackBoxGradient(of: Self.loss, claimed: Self.gradient(signFlippedBranch: false),
                                                inputs: .vector(3, .uniform(-2...2))), options: o)
        XCTAssertTrue(r.passed, r.message)
        // The one point left undecided, trial 24 at w = (1.237, 0.622, 0.099): r₁ = 0.521 lies
        // 0.052 along w₀ from Huber's quadratic zone (|r₁| − δ over |X₁₀| = 0.4), inside the step
        // scan's first step 0.155, so L is flat on one side only, and neither the claim 0 nor the
        // computed −1.39·10⁻¹⁷ is resolved there (below-resolution, as before).
        XCTAssertEqual(r.counts[.inconclusive] ?? 0, 1, r.message)
        XCTAssertEqual(r.counts[.agree] ?? 0, 49, r.message)
    }

    /// The same loss written generically, the branch read through `approximateDouble`, beside a
    /// term 0.01·e^(w₂) (∂/∂w₂ adds 0.01e^(w₂) by hand): neither the complex step (not independent
    /// of the modes past that read) nor exact rationals (the exp) can judge, and forward mode sums
    /// ∂L/∂w₀ = 0 to −1.39·10⁻¹⁷. Before: 42 agree and 8 below-resolution of 50, and the right
    /// gradient failed, as the black box's did before its flat rule.
    func testTheSameGradientOfAGenericLossPassesItsProperty() {
        var o = AdjointTestOptions()
        o.trials = 50
        let claimed: @Sendable ([Double]) -> [Double] = { w in
            var g = Self.gradient(signFlippedBranch: false)(w)
            g[2] += 0.01 * Foundation.exp(w[2])
            return g
        }
        let r = checkProperty(.gradient(of: GenericHuberBesideAnExp(), claimed: claimed, inputs: .vector(3, .uniform(-2...2))), options: o)
        XCTAssertTrue(r.passed, r.message)
        XCTAssertEqual(r.counts[.agree] ?? 0, 50, r.message)
    }

    /// The walk's planted bug (+δ for −δ in the branch r < −δ) still fails.
    func testTheWalksPlantedSignBugStillFails() {
        var o = AdjointTestOptions()
        o.trials = 50
        let r = checkProperty(.blackBoxGradient(of: Self.loss, claimed: Self.gradient(signFlippedBranch: true),
                                                inputs: .vector(3, .uniform(-2...2))), options: o)
        XCTAssertFalse(r.passed, r.message)
        XCTAssertTrue(r.message.contains("rule-wrong"), r.message)
    }
}
