import Foundation
import XCTest
import AdjointCheck
import AdjointCore

/// A user review: f(x) = x₀² at (0.3, 0.7) claimed ∂f/∂x₁ = −2.6 (a loss with an all-zero feature
/// column and a copy-paste gradient). By hand ∂f/∂x₁ = 0 exactly: f does not read x₁, so every
/// sample along x₁ returns f(x) = 0.09 to the last bit. The claim predicts f moving by
/// 2.6 × 0.0625 ≈ 0.16 at the largest step tried, about 10¹⁵ ulps of f, yet the verdict was
/// fd-inconclusive (cancellation), "not confirmed" rather than wrong. Expected values by hand.
final class BlackBoxFlatConvictionTests: XCTestCase {
    func testAClaimedSlopeWhereFIsConstantFarAboveItsRoundingIsRuleWrong() throws {
        let f: ([Double]) -> Double = { x in x[0] * x[0] }
        let r = try checkBlackBoxGradient(of: f, at: [0.3, 0.7], claimedGradient: { _ in [0.6, -2.6] })
        // ∂f/∂x₀ = 2x₀ = 0.6: right.
        XCTAssertEqual(r.entries[0][0].verdict, .agree, r.renderTable())
        let e = r.entries[0][1]
        XCTAssertEqual(e.verdict, .ruleWrong(subjects: ["claimed"]), r.renderTable())
        XCTAssertEqual(e.wrongSubjects, ["claimed"], r.renderTable())
        XCTAssertEqual(e.witnessValue, 0, r.renderTable())
        XCTAssertFalse(e.flatWhereClaimMoves, r.renderTable())
        XCTAssertFalse(r.passed, r.renderTable())
        let note = r.notes.first { $0.contains("f is constant along x1 at every step tried up to h = ") } ?? ""
        XCTAssertTrue(note.hasPrefix("entry (f0, x1): "), r.renderTable())
        XCTAssertTrue(note.contains("claimed -2.6 predicts a change of "), r.renderTable())
        // The right claim (0.6, 0) passes.
        let right = try checkBlackBoxGradient(of: f, at: [0.3, 0.7], claimedGradient: { _ in [0.6, 0] })
        XCTAssertTrue(right.passed, right.renderTable())
    }

    /// One input: f = 5 has slope 0 everywhere; a claimed 1 predicts a change of h at every step
    /// h, far above a few ulps of 5. No other direction exists to show a kink: rule-wrong.
    func testAConstantFunctionOfOneInputClaimedOneIsRuleWrong() throws {
        let r = try checkBlackBoxGradient(of: { (x: [Double]) in 5.0 + 0 * x[0] }, at: [1.5], claimedGradient: { _ in [1] })
        XCTAssertEqual(r.entries[0][0].verdict, .ruleWrong(subjects: ["claimed"]), r.renderTable())
    }

    /// The case the flag was built for: clamp(x₀, −1, 1) + x₁ at (2, 0.3), saturation forgotten.
    /// By hand ∂f/∂x₀ = 0 (x₀ = 2 > 1, so f = 1 + x₁ nearby) and ∂f/∂x₁ = 1. Claimed 1 predicts a
    /// change of 0.25 at the step 0.25, and 10⁻⁸ predicts 2.5·10⁻⁹, both far above the ~10⁻¹⁵
    /// f = 1.3 rounds: rule-wrong; f is smooth at (2, 0.3), so no kink relieves it.
    func testAClampsForgottenSaturationIsRuleWrong() throws {
        let clamp: ([Double]) -> Double = { x in Swift.min(Swift.max(x[0], -1), 1) + x[1] }
        for claim in [1.0, 1e-8] {
            let c = try checkBlackBoxGradient(of: clamp, at: [2, 0.3], claimedGradient: { _ in [claim, 1] })
            XCTAssertEqual(c.entries[0][0].verdict, .ruleWrong(subjects: ["claimed"]), "\(claim)\n" + c.renderTable())
            XCTAssertEqual(c.entries[0][1].verdict, .agree, c.renderTable())
        }
    }

    /// The relief still runs after the conviction. |x₀ + x₁| − |x₀| − |x₁| at 0 is flat along both
    /// axes, yet (2, 0) is a generalized gradient (the piece 2x₀ on x₀ + x₁ > 0, x₀ < 0 < x₁), and a
    /// probed direction shows the kink: undecided. |x₀ + x₁| − |x₁| at 0 claimed (1, 2): flat along
    /// x₁, but (1, 2) is the gradient of the piece x₀ + 2x₁ on x₀ + x₁ > 0 > x₁, and x₀'s axis
    /// shows the kink (|x₀|): undecided. Neither is noted as a conviction.
    func testAKinkAtThePointStillLeavesAFlatConvictionUndecided() throws {
        let a = try checkBlackBoxGradient(of: { (x: [Double]) in Swift.abs(x[0] + x[1]) - Swift.abs(x[0]) - Swift.abs(x[1]) },
                                          at: [0.0, 0.0], claimedGradient: { _ in [2, 0] })
        XCTAssertEqual(a.entries[0][0].verdict, .kink(validSubgradient: nil), a.renderTable())
        XCTAssertTrue(a.entries.joined().allSatisfy { $0.wrongSubjects.isEmpty }, a.renderTable())
        XCTAssertFalse(a.notes.contains { $0.contains("f is constant along") }, a.renderTable())
        let b = try checkBlackBoxGradient(of: { (x: [Double]) in Swift.abs(x[0] + x[1]) - Swift.abs(x[1]) },
                                          at: [0.0, 0.0], claimedGradient: { _ in [1, 2] })
        XCTAssertEqual(b.entries[0][1].verdict, .kink(validSubgradient: nil), b.renderTable())
        XCTAssertTrue(b.entries.joined().allSatisfy { $0.wrongSubjects.isEmpty }, b.renderTable())
        XCTAssertFalse(b.notes.contains { $0.contains("f is constant along") }, b.renderTable())
    }

    /// median(x₀, x₁, 0) is positively homogeneous and odd, so it is linear on every line through
    /// 0 and no probe sees a kink; yet its piece 0 < x₀ < x₁ (f = x₀) gives the generalized
    /// gradient (1, 0). Along x₀, median(t, 0, 0) = 0: flat, and the claimed 1 was convicted. By
    /// hand its slope along (a, b) with a, b > 0 is min(a, b), not a·0 + b·0 from the flat axes: its
    /// directional derivative is not linear, so f has no gradient at 0, and the entry is left
    /// undecided, saying so. (One of the four seeded directions has same-signed components.)
    func testTheMedianAtZeroIsUndecidedByItsNonlinearSlopes() throws {
        let median: ([Double]) -> Double = { x in
            let (a, b) = (x[0], x[1])
            return Swift.max(Swift.min(a, b), Swift.min(Swift.max(a, b), 0))
        }
        XCTAssertEqual(median([0.3, 0.5]), 0.3)
        XCTAssertEqual(median([-0.3, 0.5]), 0)
        let r = try checkBlackBoxGradient(of: median, at: [0.0, 0.0], claimedGradient: { _ in [1, 0] })
        XCTAssertEqual(r.entries[0][0].verdict, .kink(validSubgradient: nil), r.renderTable())
        XCTAssertTrue(r.entries[0][0].wrongSubjects.isEmpty, r.renderTable())
        XCTAssertTrue(r.entries[0][0].kink?.unresolved?.contains("a differentiable f's slope is linear in the direction") == true,
                      r.renderTable())
        // Off 0 the median is smooth (f = x₀ on 0 < x₀ < x₁, by hand): a claimed (1, 1) is wrong in x₁.
        let smooth = try checkBlackBoxGradient(of: median, at: [0.3, 0.5], claimedGradient: { _ in [1, 1] })
        XCTAssertEqual(smooth.entries[0][1].verdict.name, "rule-wrong", smooth.renderTable())
    }

    /// An absorbing intermediate: (x + 10¹³) − 10¹³ at 0.5 has slope 1 (by hand), but every
    /// rung's step is below ulp(10¹³)/2 ≈ 10⁻³, so all its samples equal 0.5. At the input's own
    /// scale (0.5 ± 0.125) f moves, so the right claim 1 is not convicted (nor passed).
    func testAQuantisedFWithARightSlopeIsNotConvicted() throws {
        let r = try checkBlackBoxGradient(of: { (x: [Double]) in (x[0] + 1e13) - 1e13 }, at: [0.5], claimedGradient: { _ in [1] })
        XCTAssertNotEqual(r.entries[0][0].verdict.name, "rule-wrong", r.renderTable())
        XCTAssertTrue(r.entries[0][0].wrongSubjects.isEmpty, r.renderTable())
    }

    /// Below resolution is untouched: softplus at −40 with its right slope e⁻⁴⁰/(1 + e⁻⁴⁰) ≈
    /// 4.25·10⁻¹⁸ predicts 4.25·10⁻¹⁸ at the step 1, below what rounding on 40 hides
    /// (4 × 2ε × 40 ≈ 7.1·10⁻¹⁴): neither flagged nor convicted.
    func testARightSlopeBelowRoundingIsNotConvicted() throws {
        let softplus: ([Double]) -> Double = { x in Foundation.log(1 + Foundation.exp(x[0])) }
        let r = try checkBlackBoxGradient(of: softplus, at: [-40.0], claimedGradient: { x in [Foundation.exp(x[0]) / (1 + Foundation.exp(x[0]))] })
        XCTAssertEqual(r.entries[0][0].verdict, .fdInconclusive(reasons: [.belowResolution, .cancellation]), r.renderTable())
        XCTAssertFalse(r.entries[0][0].flatWhereClaimMoves, r.renderTable())
    }
}
