import AdjointCore
import Foundation
import XCTest
@testable import AdjointCheck

/// A complex step as wide as a user primitive's distance to its kink. √(z² + y²)'s branch points lie
/// at z = ±iy, no farther off the axis than its kink distance |(z, y)|: a step reaching them
/// continues past them. f = user_distance(x₀ − 1, x₁) at (1, 10⁻³⁰): by hand ∂f/∂x₀ = (x₀ − 1)/r = 0
/// and ∂f/∂x₁ = x₁/r = 1 (r = 10⁻³⁰). The complex step along x₀ is 2⁻⁶⁷ ≈ 7·10⁻²¹ (scale |x₀| = 1),
/// 10¹⁰ times the kink distance, where √((ih)² + y²) ≈ ih: it read 1.0 ± 4.4·10⁻¹⁶ for 0, and a
/// complex-step ladder convicted the right rule. hypot refuses such a step (OpInfo.piecesAreEntire);
/// a user primitive, which declares no such flag, was refused only exactly at its kink.
final class ComplexStepUserPrimitiveKinkReachTests: XCTestCase {
    struct ShiftedDistance: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [UserDistance.apply(x[0] - 1, x[1])] }
    }
    struct ShiftedBuiltinHypot: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [hypot(x[0] - 1, x[1])] }
    }

    func testTheComplexStepJacobianDoesNotVouchForAStepPastTheBranchPoints() throws {
        let d = try differenceJacobian(of: ShiftedDistance(), at: [1, 1e-30], method: .complexStep)
        let e = d.entries[0][0]
        // Refused (non-finite, unsupported) or within its own estimate of the hand value 0.
        if e.value.isFinite {
            XCTAssertLessThanOrEqual(Swift.abs(e.value - 0), e.errorEstimate, "\(e.value) ± \(e.errorEstimate) \(e.warnings)")
        } else {
            XCTAssertTrue(e.warnings.contains(.unsupportedOp), "\(e.warnings)")
        }
        // As hypot's is.
        let h = try differenceJacobian(of: ShiftedBuiltinHypot(), at: [1, 1e-30], method: .complexStep)
        XCTAssertFalse(h.entries[0][0].value.isFinite, "\(h.entries[0][0])")
    }

    func testAComplexStepLadderDoesNotConvictTheRightRuleThere() throws {
        var options = CheckOptions()
        options.ladder = [.differences(.complexStep)]
        let r = try checkJacobian(of: ShiftedDistance(), at: [1, 1e-30], options: options)
        for e in r.entries[0] {
            if case .ruleWrong = e.verdict { XCTFail("entry \(e.input): \(e.verdict)\n\(r.renderTable())") }
        }
        // The default ladder still agrees on both (central, as before).
        let full = try checkJacobian(of: ShiftedDistance(), at: [1, 1e-30])
        XCTAssertTrue(full.passed, full.renderTable())
    }

    /// A step short of the kink is taken as before: at (1 + 2⁻²⁰, 10⁻³⁰) the kink is 2⁻²⁰ away,
    /// far beyond the step, and the complex step judges the swapped rule wrong (by hand ∂f/∂x₀ =
    /// (x₀ − 1)/r ≈ 1, ∂f/∂x₁ = x₁/r ≈ 10⁻³⁰·2²⁰; swapped they are exchanged).
    func testAStepShortOfTheKinkIsTakenAsBefore() throws {
        struct ShiftedSwapped: ADFunction {
            func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [UserDistanceSwapped.apply(x[0] - 1, x[1])] }
        }
        var options = CheckOptions()
        options.ladder = [.differences(.complexStep)]
        let x = [1 + 0x1p-20, 1e-30]
        let right = try checkJacobian(of: ShiftedDistance(), at: x, options: options)
        XCTAssertTrue(right.passed, right.renderTable())
        let wrong = try checkJacobian(of: ShiftedSwapped(), at: x, options: options)
        XCTAssertEqual(wrong.entries[0][0].verdict, .ruleWrong(subjects: ["forward", "reverse"]), wrong.renderTable())
    }
}
