import AdjointCore
import Foundation
import XCTest
@testable import AdjointCheck

/// f flat on one side of x out to the input's scale and on the other up to a kink.
///
/// f = max(x₀, 0.1) + x₁ at (10⁻⁴⁰, 0.5). By hand: f = 0.1 + x₁ for every x₀ < 0.1, so
/// ∂f/∂x₀ = 0 at x₀ = 10⁻⁴⁰ (the kink is 0.1 − 10⁻⁴⁰ away), and ∂f/∂x₁ = 1.
///
/// Before: the right claim 0 was fd-inconclusive (below-resolution), since f moves at x₀ + 1/8
/// (past the kink) while every rung and every sample at x₀'s own magnitude read it flat; and the
/// wrong claims 1, 0.001 and −1 were fd-inconclusive (cancellation). A solver stopped within its
/// tolerance is flat on both sides only across its band (IterativeSolverTests, ExactPlateauTests),
/// and a rounded intermediate ((x + 10¹³) − 10¹³) moves on both sides at 1/8 and in treads beyond
/// its flat part: both stay undecided.
final class BlackBoxOneSidedPlateauTests: XCTestCase {
    let clamp: ([Double]) -> [Double] = { x in [Swift.max(x[0], 0.1) + x[1]] }
    let point = [1e-40, 0.5]

    func testTheRightZeroPasses() throws {
        let r = try checkBlackBoxJacobian(of: clamp, at: point, claimed: { _ in [[0, 1]] })
        XCTAssertEqual(r.entries[0][0].verdict, .agree, r.renderTable())
        XCTAssertTrue(r.passed, r.renderTable())
    }

    func testWrongSlopesAreConvicted() throws {
        for wrong in [1.0, 0.001, -1.0] {
            let r = try checkBlackBoxJacobian(of: clamp, at: point, claimed: { _ in [[wrong, 1]] })
            XCTAssertEqual(r.entries[0][0].verdict, .ruleWrong(subjects: ["claimed"]), "\(wrong)\n" + r.renderTable())
            XCTAssertEqual(r.entries[0][1].verdict, .agree, "\(wrong)\n" + r.renderTable())
            XCTAssertTrue(r.flatConvictions.contains { $0.contains("from a kink") }, "\(wrong): \(r.flatConvictions)")
        }
    }

    /// The mirror image: f = max(−x₀, 0.1) + x₁ at (−10⁻⁴⁰, 0.5) is flat for every x₀ > −0.1.
    func testTheMirroredPlateauIsJudgedAlike() throws {
        let mirrored: ([Double]) -> [Double] = { x in [Swift.max(-x[0], 0.1) + x[1]] }
        let right = try checkBlackBoxJacobian(of: mirrored, at: [-1e-40, 0.5], claimed: { _ in [[0, 1]] })
        XCTAssertTrue(right.passed, right.renderTable())
        let wrong = try checkBlackBoxJacobian(of: mirrored, at: [-1e-40, 0.5], claimed: { _ in [[-1, 1]] })
        XCTAssertEqual(wrong.entries[0][0].verdict, .ruleWrong(subjects: ["claimed"]), wrong.renderTable())
    }

    /// Not a plateau of f's own: (max(x₀, 0) + 10¹³) − 10¹³ at 10⁻⁴⁰ is flat on the left, and on
    /// the right only below ulp(10¹³)/2 ≈ 0.001, beyond which it moves in treads of 0.002. By hand
    /// its derivative at x₀ = 10⁻⁴⁰ > 0 is 1: neither is that convicted nor does 0 pass.
    func testARoundedIntermediatesTreadIsNoKink() throws {
        let absorbed: ([Double]) -> [Double] = { x in [(Swift.max(x[0], 0) + 1e13) - 1e13 + x[1]] }
        let right = try checkBlackBoxJacobian(of: absorbed, at: point, claimed: { _ in [[1, 1]] })
        XCTAssertFalse(right.entries[0][0].verdict.name == "rule-wrong", right.renderTable())
        let zero = try checkBlackBoxJacobian(of: absorbed, at: point, claimed: { _ in [[0, 1]] })
        XCTAssertNotEqual(zero.entries[0][0].verdict, .agree, zero.renderTable())
    }
}

/// The one-sided plateau in Float: f = max(x₀, 0.1) + x₁ at (10⁻⁴⁰, 0.5), 10⁻⁴⁰ a Float subnormal
/// (Float's least normal is 1.2·10⁻³⁸). By hand, as in Double: ∂f/∂x₀ = 0 there (the kink is
/// 0.1 − 10⁻⁴⁰ away) and ∂f/∂x₁ = 1. The plateau test's levels (2⁻⁶ of the first step, 1/8 of
/// the input's scale) are judged on Float's rounding, 2⁻²³ of f, where the kink's line lies
/// far above it.
final class BlackBoxOneSidedPlateauFloatTests: XCTestCase {
    let clamp: ([Float]) -> [Float] = { x in [Swift.max(x[0], 0.1) + x[1]] }
    let point: [Float] = [1e-40, 0.5]

    func testTheRightZeroPassesInFloat() throws {
        let r = try checkBlackBoxJacobian(of: clamp, at: point, claimed: { _ in [[0, 1]] })
        XCTAssertEqual(r.entries[0][0].verdict, .agree, r.renderTable())
        XCTAssertTrue(r.passed, r.renderTable())
    }

    func testWrongSlopesAreConvictedInFloat() throws {
        for wrong: Float in [1, -1] {
            let r = try checkBlackBoxJacobian(of: clamp, at: point, claimed: { _ in [[wrong, 1]] })
            XCTAssertEqual(r.entries[0][0].verdict, .ruleWrong(subjects: ["claimed"]), "\(wrong)\n" + r.renderTable())
            XCTAssertEqual(r.entries[0][1].verdict, .agree, "\(wrong)\n" + r.renderTable())
            XCTAssertTrue(r.flatConvictions.contains { $0.contains("from a kink") }, "\(wrong): \(r.flatConvictions)")
        }
    }

    /// 0.001 predicts a change of 1.2·10⁻⁴ at the first step, 1/8, and of about 10⁻⁶ at the
    /// rungs' Float steps, where the flat conviction asks for 400 times f's rounding (2⁻²³ of 1,
    /// 1.2·10⁻⁷: 4.8·10⁻⁵): not enough there to convict, so it is left undecided, never passed.
    func testASmallWrongSlopeIsUndecidedInFloat() throws {
        let r = try checkBlackBoxJacobian(of: clamp, at: point, claimed: { _ in [[0.001, 1]] })
        XCTAssertEqual(r.entries[0][0].verdict.name, "fd-inconclusive", r.renderTable())
        XCTAssertFalse(r.passed, r.renderTable())
    }
}
