import Foundation
import XCTest
import AdjointCheck
import AdjointCore

/// A review: a right but tiny derivative was flagged "flat where the claim moves", which fails a
/// property on its own. Softmax cross-entropy f(z) = log Σₖ exp(zₖ − m) + m − z₂ (m = max z = z₂
/// here) sums terms to about 1 inside, so f ≈ e^(z₃) ≈ 5.6·10⁻⁸ moves only in steps of about
/// ε ≈ 2.2·10⁻¹⁶; by hand ∂f/∂zₖ = e^(zₖ)/Σⱼ e^(zⱼ) for k ≠ 2, and e^(z₁) = e^(−37.806) ≈ 3.81·10⁻¹⁷,
/// which changes f by 10⁻¹⁷ even at a step of 0.25: no difference can show it.
final class BlackBoxFlatRoundingTests: XCTestCase {
    static let z: [Double] = [-22.836636261231465, -37.80594310229509, 0.0, -16.697337916461517]
    static let crossEntropy: @Sendable ([Double]) -> Double = { z in
        let m = z.max() ?? 0
        return Foundation.log(z.reduce(0) { $0 + Foundation.exp($1 - m) }) + m - z[2]
    }
    /// The hand derivative at `z`: e^(zₖ)/Σⱼ e^(zⱼ), minus 1 at k = 2 (z₂ = 0 is the max).
    static func handGradient(_ z: [Double]) -> [Double] {
        let s = z.reduce(0) { $0 + Foundation.exp($1) }
        return z.indices.map { Foundation.exp(z[$0]) / s - ($0 == 2 ? 1 : 0) }
    }

    func testATinyRightEntryBelowFsRoundingIsNotFlaggedFlat() throws {
        let g = Self.handGradient(Self.z)
        XCTAssertEqual(g[1], 3.8114e-17, accuracy: 1e-20)
        let r = try checkBlackBoxGradient(of: Self.crossEntropy, at: Self.z, claimedGradient: { _ in g })
        let e = r.entries[0][1]
        XCTAssertFalse(e.flatWhereClaimMoves, r.renderTable())
        XCTAssertEqual(e.verdict, .fdInconclusive(reasons: [.belowResolution, .cancellation]), r.renderTable())
        XCTAssertTrue(r.entries.joined().allSatisfy { $0.wrongSubjects.isEmpty }, r.renderTable())
    }

    /// The neighbouring wrong claims are not passed: at the same point a claimed ∂f/∂z₁ of 10⁻³
    /// predicts a change of 2.5·10⁻⁴ at a step of 0.25, far above anything f rounds away, and is
    /// flagged (not convicted: at the input's own scale, z₁ ± 4.7, f moves, e^(−33) ≈ 4.7·10⁻¹⁵
    /// being above half an ulp of the sum); and the case the flag was built for,
    /// clamp(x₀, −1, 1) + x₁ at (2, 0.3) with the saturation forgotten (claimed 1, slope 0 by
    /// hand), beside an entry that agrees on 1, is rule-wrong now (it was flagged and undecided;
    /// see ``BlackBoxFlatConvictionTests``): f is constant at x₀ ± 0.25 too.
    func testAWrongClaimWhereFIsFlatIsFlaggedOrConvicted() throws {
        var g = Self.handGradient(Self.z)
        g[1] = 1e-3
        let r = try checkBlackBoxGradient(of: Self.crossEntropy, at: Self.z, claimedGradient: { _ in g })
        XCTAssertTrue(r.entries[0][1].flatWhereClaimMoves, r.renderTable())
        let clamp: ([Double]) -> Double = { x in Swift.min(Swift.max(x[0], -1), 1) + x[1] }
        let c = try checkBlackBoxGradient(of: clamp, at: [2, 0.3], claimedGradient: { _ in [1, 1] })
        XCTAssertEqual(c.entries[0][0].verdict, .ruleWrong(subjects: ["claimed"]), c.renderTable())
        XCTAssertFalse(c.passed)
        // 10⁻⁸, still far above what f = 1.3 rounds away at a step of 0.25 (about 10⁻¹⁶).
        let small = try checkBlackBoxGradient(of: clamp, at: [2, 0.3], claimedGradient: { _ in [1e-8, 1] })
        XCTAssertEqual(small.entries[0][0].verdict, .ruleWrong(subjects: ["claimed"]), small.renderTable())
    }
}

/// A review: with one input no other entry shows what f rounds away. Softplus f(x) = log(1 + eˣ)
/// at x = −40: e⁻⁴⁰ ≈ 4.25·10⁻¹⁸ is below half an ulp of 1 (1.1·10⁻¹⁶), so 1 + eˣ rounds to 1
/// and f is exactly 0 at every sample up to x ≈ −36.7; by hand f′(x) = eˣ/(1 + eˣ) ≈ 4.25·10⁻¹⁸,
/// which changes f by 4.25·10⁻¹⁸ at the largest step tried (1). Rounding on the input −40 and on
/// 1 hides a change of a few ulps of 40 (the bound: 4 × 2ε × 40 ≈ 7.1·10⁻¹⁴), so no difference
/// can show this claim: below resolution, not "flat where the claim moves".
final class BlackBoxFlatOneInputTests: XCTestCase {
    static let softplus: @Sendable ([Double]) -> Double = { x in Foundation.log(1 + Foundation.exp(x[0])) }

    func testSoftplusFarLeftWithItsRightSlopeIsBelowResolution() throws {
        let slope = Foundation.exp(-40.0) / (1 + Foundation.exp(-40.0))
        XCTAssertEqual(slope, 4.248e-18, accuracy: 1e-21)
        XCTAssertEqual(Self.softplus([-40]), 0)
        let r = try checkBlackBoxGradient(of: Self.softplus, at: [-40.0], claimedGradient: { _ in [slope] })
        let e = r.entries[0][0]
        XCTAssertFalse(e.flatWhereClaimMoves, r.renderTable())
        XCTAssertEqual(e.verdict, .fdInconclusive(reasons: [.belowResolution, .cancellation]), r.renderTable())
        XCTAssertTrue(e.wrongSubjects.isEmpty, r.renderTable())
    }

    /// A claimed 10⁻³ at the same point predicts 10⁻³ at the step 1 (and 4.9·10⁻⁷ at central's
    /// 4.9·10⁻⁴), 10¹⁰ times what rounding on 40 hides: still flagged, not convicted, since at
    /// the input's own scale (−40 ± 5) softplus moves (e⁻³⁵ ≈ 6.3·10⁻¹⁶ survives 1 + e⁻³⁵).
    /// One-input clamps with the saturation forgotten (by hand slope 0 where min(max(x, 0), 1)
    /// saturates at 2 and at −3, constant at x ± 0.25 and ± 0.375 too) claimed 1 are rule-wrong
    /// (once flagged and undecided), and so is a claimed 10⁻⁸ at 2 (2.5·10⁻⁹ at the step 0.25,
    /// beside 400 × 2ε × 2 ≈ 3.6·10⁻¹³).
    func testWrongClaimsWhereAOneInputFIsFlatAreFlaggedOrConvicted() throws {
        let r = try checkBlackBoxGradient(of: Self.softplus, at: [-40.0], claimedGradient: { _ in [1e-3] })
        XCTAssertTrue(r.entries[0][0].flatWhereClaimMoves, r.renderTable())
        let clamp: ([Double]) -> Double = { x in Swift.min(Swift.max(x[0], 0), 1) }
        for (point, claim) in [(2.0, 1.0), (-3.0, 1.0), (2.0, 1e-8)] {
            let c = try checkBlackBoxGradient(of: clamp, at: [point], claimedGradient: { _ in [claim] })
            XCTAssertEqual(c.entries[0][0].verdict, .ruleWrong(subjects: ["claimed"]), "\(point) \(claim)\n" + c.renderTable())
        }
    }

    /// Between the two bounds the flag stays and nothing is convicted: softplus at −40 claimed
    /// 10⁻¹² predicts 10⁻¹² at the step 1, above 4 × 2ε × 40 ≈ 7.1·10⁻¹⁴ (so not below
    /// resolution) but below 400 × 2ε × 40 ≈ 7.1·10⁻¹² (so not far enough above f's rounding to
    /// convict).
    func testAClaimBetweenTheBoundsStaysFlaggedAndUndecided() throws {
        let r = try checkBlackBoxGradient(of: Self.softplus, at: [-40.0], claimedGradient: { _ in [1e-12] })
        XCTAssertTrue(r.entries[0][0].flatWhereClaimMoves, r.renderTable())
        XCTAssertEqual(r.entries[0][0].verdict, .fdInconclusive(reasons: [.cancellation]), r.renderTable())
    }
}
