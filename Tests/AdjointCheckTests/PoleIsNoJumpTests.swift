import AdjointCore
import Foundation
import XCTest
@testable import AdjointCheck

/// A smooth function whose pole lies within the jump test's steps is not called discontinuous:
/// 1/x at 10⁻⁹ was "discontinuity (jump ≈ −1.4·10¹⁰)" in the library and black-box checks, and a
/// right hand gradient −1/x² failed a property test at x = 9·10⁻¹⁰ (a review). By hand
/// d/dx x⁻¹ = −x⁻², d/dx x⁻² = −2x⁻³.
final class PoleIsNoJumpTests: XCTestCase {
    struct Reciprocal: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [1 / x[0]] } }
    struct InverseSquare: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [1 / (x[0] * x[0])] } }

    func testARightGradientNearAPoleIsNotADiscontinuity() throws {
        for x in [1e-9, 9e-10, -1e-9, 3e-10] {
            let minusInverseSquare: ([Double]) -> [Double] = { x in [-1 / (x[0] * x[0])] }
            let r = try checkGradient(of: Reciprocal(), at: [x], claimedGradient: minusInverseSquare)
            XCTAssertTrue(r.passed, r.renderTable())
            let minusTwoOverCube: ([Double]) -> [Double] = { x in [-2 / (x[0] * x[0] * x[0])] }
            let s = try checkGradient(of: InverseSquare(), at: [x], claimedGradient: minusTwoOverCube)
            XCTAssertTrue(s.passed, s.renderTable())
            let reciprocal: ([Double]) -> Double = { x in 1 / x[0] }
            let b = try checkBlackBoxGradient(of: reciprocal, at: [x], claimedGradient: minusInverseSquare)
            if case .discontinuity = b.entries[0][0].verdict { XCTFail(b.renderTable()) }
        }
        // A wrong claim there is still not passed.
        let inverseSquare: ([Double]) -> [Double] = { x in [1 / (x[0] * x[0])] }
        let wrong = try checkGradient(of: Reciprocal(), at: [1e-9], claimedGradient: inverseSquare)
        XCTAssertEqual(wrong.entries[0][0].verdict, .ruleWrong(subjects: ["claimed"]), wrong.renderTable())
    }

    /// The jump test itself: growing differences (2·10³, 2·10⁶, −1.3·10¹⁰) are no jump; equal ones
    /// (a unit step at x, slope 1 beside it) are.
    func testGrowingDifferencesAreNoJumpAndSteadyOnesAre() {
        XCTAssertNil(jumpFromDifferences([2e3, 2e6, -1.33e10], smallestStep: 9.3e-10, slope: 1e18, noise: 1e-14))
        let h = [1e-3, 1e-6, 1e-9]
        let step = h.map { 1 + 2 * $0 }
        XCTAssertEqual(jumpFromDifferences(step, smallestStep: 1e-9, slope: 1, noise: 1e-14) ?? .nan, 1 + 2e-9, accuracy: 1e-12)
    }

    /// Central differences at 1/x, 10⁻⁹: both steps (7.6·10⁻⁶ and twice it) straddle the pole, and
    /// D doubles as h halves (1.7·10¹⁰ against 8.6·10⁹), so the h/2h estimate (4.3·10⁹) bounded
    /// nothing: the derivative is −10¹⁸ by hand. The entry now carries no-convergence, and jac
    /// prints "no estimate" for it. A smooth entry keeps its estimate.
    func testCentralDifferencesAcrossAPoleHaveNoEstimate() throws {
        let e = try differenceJacobian(of: Reciprocal(), at: [1e-9], method: .central).entries[0][0]
        XCTAssertTrue(e.warnings.contains(.noConvergence), "\(e)")
        let smooth = try differenceJacobian(of: Reciprocal(), at: [2.0], method: .central).entries[0][0]
        XCTAssertTrue(smooth.warnings.isEmpty, "\(smooth)")
        XCTAssertEqual(smooth.value, -0.25, accuracy: 1e-9)
    }
}
