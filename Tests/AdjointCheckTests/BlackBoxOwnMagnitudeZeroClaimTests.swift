import AdjointCore
import Foundation
import XCTest
@testable import AdjointCheck

/// A claimed 0 for an input whose magnitude is far below the unit the black-box rungs step on.
/// By hand, d(x²)/dx = 2x = 2·10⁻⁴⁰ at 10⁻⁴⁰.
///
/// Every rung's samples lose x there (10⁻⁴⁰ ± h rounds to ±h), so each reads 0 ± its rounding
/// (Richardson: 0 ± 2·10⁻²⁸). The right claim 2·10⁻⁴⁰ lies within that of 0 and was
/// below-resolution; a claimed 0 was judged resolved against f's change per unit at a step of
/// 1/8 (that is x²'s curvature, 1/8 per unit) and passed. Now a claimed 0 is unresolved where
/// the witness steps past |x| and its tolerance reaches f's slope at steps of |x|/8 (2.1·10⁻⁴⁰):
/// both claims are below-resolution, and neither passes.
final class BlackBoxOwnMagnitudeZeroClaimTests: XCTestCase {
    let square: ([Double]) -> [Double] = { x in [x[0] * x[0]] }

    func testAClaimedZeroDoesNotPassWhereTheRightClaimIsBelowResolution() throws {
        let zero = try checkBlackBoxJacobian(of: square, at: [1e-40], claimed: { _ in [[0]] })
        XCTAssertFalse(zero.passed, zero.renderTable())
        XCTAssertEqual(zero.entries[0][0].verdict, .fdInconclusive(reasons: [.belowResolution]), zero.renderTable())
        // The right claim, as before: not convicted, not passed.
        let right = try checkBlackBoxJacobian(of: square, at: [1e-40], claimed: { x in [[2 * x[0]]] })
        XCTAssertEqual(right.entries[0][0].verdict, .fdInconclusive(reasons: [.belowResolution]), right.renderTable())
        // What stays: a claimed 0 that is f's slope at every scale passes. x₀·x₁ at (10⁻⁴⁰, 0)
        // has ∂/∂x₀ = x₁ = 0 (f is 0 along x₀), and x² at 0 has 0.
        let product: ([Double]) -> [Double] = { x in [x[0] * x[1]] }
        let r = try checkBlackBoxJacobian(of: product, at: [1e-40, 0], claimed: { x in [[x[1], x[0]]] })
        XCTAssertTrue(r.passed, r.renderTable())
        let atZero = try checkBlackBoxJacobian(of: square, at: [0], claimed: { _ in [[0]] })
        XCTAssertTrue(atZero.passed, atZero.renderTable())
    }
}
