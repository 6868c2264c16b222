import AdjointCore
import Foundation
import XCTest
import AdjointCheck

/// Claimed zeros for slopes f hides in its own rounding, where f moves at the input's scale.
///
/// x₀ + log(1 + e^{x₁}) at (1, −35): by hand ∂f/∂x₁ = e^{x₁}/(1 + e^{x₁}) = 6.3051167601469854·10⁻¹⁶
/// (mpmath, 40 digits), below ulp(1) = 2.2·10⁻¹⁶ per unit step's worth of resolution. Richardson's
/// samples cancelled to 6.5·10⁻¹⁶ ± 8.9·10⁻¹⁶, within its tolerance of 0 and of the truth alike:
/// the right claim was below-resolution, and a claimed 0 (the term forgotten) passed.
///
/// x₀² + x₁ at (10⁻⁴⁰, 0.5): by hand ∂f/∂x₀ = 2·10⁻⁴⁰. x₀² is lost beside x₁ = 0.5, so f is
/// exactly 0.5 at x₀ ± 10⁻⁴⁰/8, and central's samples at ±8·10⁻⁶ are equal (x₀ ± h rounds to ±h):
/// 0 ± 3·10⁻¹¹ "agreed" with a claimed 0, while the right 2·10⁻⁴⁰ was below-resolution.
final class BlackBoxHiddenSlopeZeroClaimTests: XCTestCase {
    static let softplusBesideOne: @Sendable ([Double]) -> Double = { x in x[0] + Foundation.log(1 + Foundation.exp(x[1])) }
    static let squareBesideHalf: @Sendable ([Double]) -> Double = { x in x[0] * x[0] + x[1] }

    func testAClaimedZeroBelowULPOfOneIsNotPassed() throws {
        let zero = try checkBlackBoxGradient(of: Self.softplusBesideOne, at: [1, -35], claimedGradient: { _ in [1, 0] })
        XCTAssertEqual(zero.entries[0][1].verdict, .fdInconclusive(reasons: [.belowResolution]), zero.renderTable())
        XCTAssertFalse(zero.passed, zero.renderTable())
        // The right claim, as before: neither passed nor convicted.
        let right = try checkBlackBoxGradient(of: Self.softplusBesideOne, at: [1, -35],
                                              claimedGradient: { _ in [1, 6.3051167601469854e-16] })
        XCTAssertEqual(right.entries[0][1].verdict, .fdInconclusive(reasons: [.belowResolution]), right.renderTable())
    }

    func testAClaimedZeroLostBesideALargerTermIsNotPassed() throws {
        let zero = try checkBlackBoxGradient(of: Self.squareBesideHalf, at: [1e-40, 0.5], claimedGradient: { _ in [0, 1] })
        XCTAssertEqual(zero.entries[0][0].verdict, .fdInconclusive(reasons: [.belowResolution]), zero.renderTable())
        XCTAssertFalse(zero.passed, zero.renderTable())
        let right = try checkBlackBoxGradient(of: Self.squareBesideHalf, at: [1e-40, 0.5], claimedGradient: { _ in [2e-40, 1] })
        XCTAssertEqual(right.entries[0][0].verdict, .fdInconclusive(reasons: [.belowResolution]), right.renderTable())
    }

    /// What stays: claimed zeros that are f's slope pass. x₀² + x₁ at (0, 0.5) (a minimum along
    /// x₀) and x₀ + cos x₁ at (1, 0) (cos′(0) = 0).
    func testClaimedZerosThatAreTheSlopeStillPass() throws {
        let minimum = try checkBlackBoxGradient(of: Self.squareBesideHalf, at: [0, 0.5], claimedGradient: { _ in [0, 1] })
        XCTAssertTrue(minimum.passed, minimum.renderTable())
        let cosine = try checkBlackBoxGradient(of: { x in x[0] + Foundation.cos(x[1]) as Double }, at: [1, 0], claimedGradient: { _ in [1, 0] })
        XCTAssertTrue(cosine.passed, cosine.renderTable())
    }
}
