import Foundation
import AdjointCore
import XCTest
@testable import AdjointCheck

/// An entry far below its row (10⁻⁸ of it) can lie within the witness's tolerance of 0: then
/// its negative agrees too, and a pass says more than the evidence does (553 of 7,200 planted
/// sign flips passed the black-box sweep so). Such an entry is resolved by a sharper witness,
/// or reported inconclusive (below-resolution) with the witness and tolerance that could not
/// resolve it, never passed. Right values are derived by hand: ∂√(x₀² + x₁² + x₂²)/∂xⱼ = xⱼ/r.
final class UnresolvedEntryTests: XCTestCase {
    struct Radius: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.sqrt(x[0] * x[0] + x[1] * x[1] + x[2] * x[2])] }
    }
    static let radius: @Sendable ([Double]) -> [Double] = { x in [(x[0] * x[0] + x[1] * x[1] + x[2] * x[2]).squareRoot()] }
    static func gradient(_ x: [Double]) -> [[Double]] {
        let r = (x[0] * x[0] + x[1] * x[1] + x[2] * x[2]).squareRoot()
        return [[x[0] / r, x[1] / r, x[2] / r]]
    }

    /// At (2.49·10⁶, 0.0726, −0.00182) ∂r/∂x₁ = 2.913·10⁻⁸ beside ∂r/∂x₀ ≈ 1. Every rung's
    /// steps, scaled to x₁, leave it within f's rounding (r ≈ 2.5·10⁶), and the flipped
    /// −2.913·10⁻⁸ passed. Only steps far beyond x₁ resolve it, and those measure a secant (see
    /// testASecantOnThePointsScaleDoesNotPassASignFlip): the flip and the right value alike are
    /// reported as not resolved, with the witness that agreed and its tolerance.
    func testABlackBoxSignFlipFarBelowItsRowIsNotPassed() throws {
        let x = [2493545.7744822586, 0.0726356016125099, -0.0018244652718881983]
        var flipped = Self.gradient(x)
        XCTAssertEqual(flipped[0][1], 2.9129443844916537e-08, accuracy: 1e-20)
        flipped[0][1] = -flipped[0][1]
        let wrong = try checkBlackBoxJacobian(of: Self.radius, at: x, claimed: { _ in flipped })
        let e = wrong.entries[0][1]
        XCTAssertEqual(e.verdict, .fdInconclusive(reasons: [.belowResolution]), wrong.renderTable())
        XCTAssertGreaterThanOrEqual(e.tolerance ?? 0, Swift.abs(flipped[0][1]), wrong.renderTable())
        XCTAssertFalse(wrong.passed)
        let right = try checkBlackBoxJacobian(of: Self.radius, at: x, claimed: Self.gradient)
        XCTAssertTrue(right.entries[0][0].passes, right.renderTable())
        for k in [1, 2] {
            XCTAssertEqual(right.entries[0][k].verdict, .fdInconclusive(reasons: [.belowResolution]), right.renderTable())
            XCTAssertGreaterThanOrEqual(right.entries[0][k].tolerance ?? 0, Swift.abs(Self.gradient(x)[0][k]), right.renderTable())
        }
    }

    /// f = x₀ + 10⁻⁹x₂ + 2·10⁻⁹ sin x₂, by hand ∂f/∂x₂ = 10⁻⁹ + 2·10⁻⁹ cos x₂ = −10⁻⁹ at x₂ = π,
    /// below f's rounding (x₀ = 10⁷: 2·10⁻⁹) over any step within x₂'s scale. Steps on the
    /// point's scale (up to 10⁷, as tried) settle on the linear term's +10⁻⁹ and passed the
    /// flipped claim while the right one was inconclusive; neither is passed now.
    func testASecantOnThePointsScaleDoesNotPassASignFlip() throws {
        let f: ([Double]) -> [Double] = { x in [x[0] + 1e-9 * x[1] + 2e-9 * Foundation.sin(x[1])] }
        for x0 in [1e6, 1e7, 1e8] {
            let x = [x0, Double.pi]
            let truth = 1e-9 + 2e-9 * Foundation.cos(x[1])
            XCTAssertEqual(truth, -1e-9, accuracy: 1e-24)
            for claim in [truth, -truth] {
                let r = try checkBlackBoxJacobian(of: f, at: x, claimed: { _ in [[1, claim]] })
                XCTAssertTrue(r.entries[0][0].passes, r.renderTable())
                XCTAssertEqual(r.entries[0][1].verdict, .fdInconclusive(reasons: [.belowResolution]), "x₀ = \(x0), claim \(claim)\n" + r.renderTable())
            }
        }
    }

    /// At (−0.0164, 2.04·10⁻⁵, −728.1) ∂r/∂x₁ = 2.805·10⁻⁸: central (step 6·10⁻⁶) says
    /// 2.98·10⁻⁸ ± 4.4·10⁻⁸ and passed the flip. Adaptive, Richardson and the step scan resolve
    /// it only at steps beyond |x₁|, which straddle x₁ = 0: the flip was convicted there, and
    /// so was a right claim with a pole at 0 in the same position (BlackBoxAliasedExclusionTests),
    /// which a black box cannot tell from this. The flip is not passed, and not convicted on
    /// those steps; the right value passes.
    func testASignFlipResolvedOnlyAcrossZeroIsNotPassed() throws {
        let x = [-0.01644530944487982, 2.042547314858926e-05, -728.1043071710661]
        var flipped = Self.gradient(x)
        flipped[0][1] = -flipped[0][1]
        let wrong = try checkBlackBoxJacobian(of: Self.radius, at: x, claimed: { _ in flipped })
        XCTAssertEqual(wrong.entries[0][1].verdict, .fdInconclusive(reasons: [.belowResolution]), wrong.renderTable())
        let right = try checkBlackBoxJacobian(of: Self.radius, at: x, claimed: Self.gradient)
        XCTAssertTrue(right.passed, right.renderTable())
    }

    /// x₀x₁x₂ + x₀² − x₂/x₁ at (6.0·10⁶, −1.26·10⁻⁴, −2.25·10⁻⁵): ∂f/∂x₁ = x₀x₂ + x₂/x₁² =
    /// −135.5 − 1418.5 = −1554.0 (by hand). Richardson's steps (from 0.125) and the scan's
    /// settled ones see only x₀x₂; central's step sees the pole term, too noisily to resolve the
    /// entry, and the scan's noise measured at its finest steps is 200 times f's ulps. Once
    /// central's agreement was no longer taken as a pass, the coarser steps convicted this right
    /// claim; now the witnesses conflict.
    func testAnAgreementAtAFinerStepIsNotOverruledByCoarserSteps() throws {
        let s = BlackBoxSubject.gradients[1]
        let x = [6008385.957852539, -0.0001260741112014025, -2.2547318541553387e-05]
        XCTAssertEqual(s.jacobian(x)[0][1], -1554.0178380696088, accuracy: 1e-6)
        let right = try checkBlackBoxJacobian(of: s.f, at: x, claimed: s.jacobian)
        XCTAssertNotEqual(right.entries[0][1].verdict.name, "rule-wrong", right.renderTable())
    }

    /// At (−9.07·10⁶, −1.08·10⁵, −0.0156) ∂r/∂x₂ = −1.72·10⁻⁹ beside f ≈ 9·10⁶ (rounding
    /// ≈ 2·10⁻⁹): Richardson says 0 ± 1.3·10⁻⁷, and a flipped claim passed. Only steps far
    /// beyond x₂ resolve it: neither the flip nor the right value is passed.
    func testAnEntryBelowFsRoundingAtItsOwnScaleIsNotPassed() throws {
        let x = [-9074250.065208022, -108200.169008348, -0.015598496201946612]
        var flipped = Self.gradient(x)
        flipped[0][2] = -flipped[0][2]
        let wrong = try checkBlackBoxJacobian(of: Self.radius, at: x, claimed: { _ in flipped })
        XCTAssertFalse(wrong.entries[0][2].passes, wrong.renderTable())
        let right = try checkBlackBoxJacobian(of: Self.radius, at: x, claimed: Self.gradient)
        XCTAssertTrue(right.entries[0][0].passes && right.entries[0][1].passes, right.renderTable())
        XCTAssertEqual(right.entries[0][2].verdict, .fdInconclusive(reasons: [.belowResolution]), right.renderTable())
    }

    /// 100(x₁ − x₀²)² + (1 − x₀)² + x₂² at x₀ = 2409.9: f ≈ 3.4·10¹⁵ (rounding ≈ 0.5), ∂f/∂x₂ =
    /// 2x₂ = 0.0019. No step within the point's scale lifts x₂² above f's rounding: the check
    /// says it cannot resolve the entry (the right value and its negative alike), and shows the
    /// witness's tolerance, instead of passing either.
    func testAnEntryNothingResolvesIsInconclusiveNotPassed() throws {
        let f: ([Double]) -> [Double] = { x in
            let a = x[1] - x[0] * x[0], b = 1 - x[0]
            return [100 * a * a + b * b + x[2] * x[2]]
        }
        let x = [2409.875112916947, -0.07828111191080765, 0.0009728076302841254]
        let a = x[1] - x[0] * x[0]
        let grad = [[-400 * x[0] * a - 2 * (1 - x[0]), 200 * a, 2 * x[2]]]
        var flipped = grad
        flipped[0][2] = -flipped[0][2]
        for claim in [grad, flipped] {
            let r = try checkBlackBoxJacobian(of: f, at: x, claimed: { _ in claim })
            let e = r.entries[0][2]
            XCTAssertEqual(e.verdict, .fdInconclusive(reasons: [.belowResolution]), r.renderTable())
            XCTAssertGreaterThanOrEqual(e.tolerance ?? 0, Swift.abs(claim[0][2]), r.renderTable())
            XCTAssertNotNil(e.witness)
            XCTAssertFalse(r.passed)
            XCTAssertTrue(r.entries[0][0].passes && r.entries[0][1].passes, r.renderTable())
        }
    }

    /// The generic check, given the same flipped claim, climbs past central's unresolved
    /// agreement to the complex step, which resolves the entry (error ~10⁻²⁴): the two checkers
    /// do not give opposite verdicts on one claim.
    func testTheGenericCheckConvictsTheSameFlip() throws {
        let x = [-0.01644530944487982, 2.042547314858926e-05, -728.1043071710661]
        var flipped = Self.gradient(x)
        flipped[0][1] = -flipped[0][1]
        let wrong = try checkJacobian(of: Radius(), at: x, claimed: { _ in flipped })
        XCTAssertEqual(wrong.entries[0][1].verdict, .ruleWrong(subjects: ["claimed"]), wrong.renderTable())
        let right = try checkJacobian(of: Radius(), at: x, claimed: { x in Self.gradient(x) })
        XCTAssertTrue(right.passed, right.renderTable())
    }
}
