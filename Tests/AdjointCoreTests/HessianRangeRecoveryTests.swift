import AdjointCore
import CAdjointSupport
import Foundation
import XCTest

/// Second-order products that lose a term below the least normal number. Expected values are
/// by hand; the products are forward-over-reverse, whose unscaled pass loses the term.
final class HessianRangeRecoveryTests: XCTestCase {
    /// x·log x at 10²⁰⁰: f″ = 1/x = 10⁻²⁰⁰. The library returned 2·10⁻²⁰⁰: log's partial 1/x has
    /// the tangent −1/x² = −10⁻⁴⁰⁰, which is 0 in Double before x multiplies it.
    func testALogTangentBelowTheRangeIsRecovered() throws {
        let h = try hessian(of: { (x: [HessianScalar<Double>]) in x[0] * .log(x[0]) }, at: [1e200])
        XCTAssertEqual(h[0][0], 1e-200, accuracy: 4 * Double.ulpOfOne * 1e-200)
        let hv = try hvp(of: { (x: [HessianScalar<Double>]) in x[0] * .log(x[0]) }, at: [1e200], direction: [3])
        XCTAssertEqual(hv[0], 3e-200, accuracy: 4 * Double.ulpOfOne * 3e-200)
    }

    /// The other end of the range: x·log x at 10⁻¹⁶⁰ has f″ = 1/x = 10¹⁶⁰ (by hand), and log's
    /// partial 1/x carries the tangent −1/x² = −10³²⁰, −∞ in Double: the Hessian threw "non-finite
    /// Hessian-vector product entry 0" for a finite f″. At 10⁻³⁰⁰ the tangent is −10⁶⁰⁰, which
    /// only the lowest lowering (2⁻¹⁰⁰⁰) brings into range.
    func testALogTangentAboveTheRangeIsComputedByALoweredDirection() throws {
        for x in [1e-160, 1e-300] {
            let h = try hessian(of: { (z: [HessianScalar<Double>]) in z[0] * .log(z[0]) }, at: [x])
            XCTAssertEqual(h[0][0], 1 / x, accuracy: 4 * Double.ulpOfOne / x, "at \(x)")
        }
        // Along 3: H·v = 3/x.
        let hv = try hvp(of: { (z: [HessianScalar<Double>]) in z[0] * .log(z[0]) }, at: [1e-160], direction: [3])
        XCTAssertEqual(hv[0], 3e160, accuracy: 4 * Double.ulpOfOne * 3e160)
        // A second derivative that is truly unbounded stays an error: √x at 0 along 1 (f″ = −x^(−3/2)/4).
        XCTAssertThrowsError(try hessian(of: { (z: [HessianScalar<Double>]) in .sqrt(z[0]) }, at: [0]))
    }

    /// x²/x³⁰⁰ at 10: f = x⁻²⁹⁸, f″ = 298·299·x⁻³⁰⁰ = 89102·10⁻³⁰⁰. The adjoint of x³⁰⁰,
    /// −x²/(x³⁰⁰)² = −10⁻⁵⁹⁸, is below the least Double: only the sweep's seed scaled by 2¹⁰⁰⁰
    /// brings it back.
    func testAnAdjointBelowTheRangeIsRecovered() throws {
        let h = try hessian(of: { (x: [HessianScalar<Double>]) in x[0] * x[0] / .powi(x[0], 300) }, at: [10])
        XCTAssertEqual(h[0][0], 89102e-300, accuracy: 1e-12 * 89102e-300)
    }

    /// In Float the same loss at its own range: x·log x at 10³⁰ has f″ = 10⁻³⁰, and −1/x² =
    /// −10⁻⁶⁰ is below Float's least normal.
    func testFloatRecoversItsOwnRange() throws {
        let h = try hessian(of: { (x: [HessianScalar<Float>]) in x[0] * .log(x[0]) }, at: [1e30])
        XCTAssertEqual(h[0][0], 1e-30, accuracy: 8 * Float.ulpOfOne * 1e-30)
    }

    /// An underflow that loses nothing (exp(−800) beside x²) changes no entry, and the caller's
    /// underflow flag is as it would be without the check: raised when it was raised before.
    func testAHarmlessUnderflowChangesNothing() throws {
        let f = { (x: [HessianScalar<Double>]) in x[0] * x[0] + .exp(x[1] - 800) * 0 + x[0] * x[1] }
        let quiet = { (x: [HessianScalar<Double>]) in x[0] * x[0] + x[0] * x[1] }
        adjoint_underflow_clear()
        XCTAssertEqual(try hessian(of: f, at: [1.5, 2]), [[2, 1], [1, 0]])
        // exp(−798) is below the least normal Double: the flag stays raised, as f left it.
        XCTAssertNotEqual(adjoint_underflow_raised(), 0)
        // Nothing underflows in x₀² + x₀x₁: a clear flag stays clear, a raised one stays raised.
        adjoint_underflow_clear()
        XCTAssertEqual(try hessian(of: quiet, at: [1.5, 2]), [[2, 1], [1, 0]])
        XCTAssertEqual(adjoint_underflow_raised(), 0)
        adjoint_underflow_raise()
        XCTAssertEqual(try hessian(of: quiet, at: [1.5, 2]), [[2, 1], [1, 0]])
        XCTAssertNotEqual(adjoint_underflow_raised(), 0)
        adjoint_underflow_clear()
    }

    /// Terms lost in a tangent and in an adjoint of one function: f = x₀·log x₀ · x₁²/x₁³⁰⁰ at
    /// (10²⁰⁰, 10). By hand ∂²f/∂x₀∂x₁ = (log x₀ + 1)·(−298)·x₁⁻²⁹⁹ = −1.3753·10⁻²⁹⁴, ∂²f/∂x₁² =
    /// x₀ log x₀ · 298·299·x₁⁻³⁰⁰ = 4.1033·10⁻⁹³, and ∂²f/∂x₀² = x₁⁻²⁹⁸/x₀ = 10⁻⁴⁹⁸, which is 0
    /// in Double.
    func testLossesInATangentAndInAnAdjointTogether() throws {
        let h = try hessian(of: { (x: [HessianScalar<Double>]) in x[0] * .log(x[0]) * (x[1] * x[1] / .powi(x[1], 300)) },
                            at: [1e200, 10])
        let cross = (Foundation.log(1e200) + 1) * -298 * 1e-299
        let second = 1e200 * Foundation.log(1e200) * 298 * 299 * 1e-300
        XCTAssertEqual(h[0][0], 0)
        XCTAssertEqual(h[0][1], cross, accuracy: 1e-12 * Swift.abs(cross))
        XCTAssertEqual(h[1][0], cross, accuracy: 1e-12 * Swift.abs(cross))
        XCTAssertEqual(h[1][1], second, accuracy: 1e-12 * second)
    }

    /// Along a short direction every tangent is below 2⁻⁸, and the lifting seed computed for it,
    /// 2¹⁰²⁷ (2¹³⁰ in Float), is +∞ as a scalar: no lifted pass ran and the loss stayed. By hand
    /// H·v = v/x: 10⁻⁶/10²⁰⁰ = 10⁻²⁰⁶ (returned 2·10⁻²⁰⁶), and in Float 10⁻⁵/10³⁰ = 10⁻³⁵
    /// (returned 2·10⁻³⁵).
    func testAShortDirectionIsLiftedToo() throws {
        let hv = try hvp(of: { (x: [HessianScalar<Double>]) in x[0] * .log(x[0]) }, at: [1e200], direction: [1e-6])
        XCTAssertEqual(hv[0], 1e-206, accuracy: 4 * Double.ulpOfOne * 1e-206)
        let hvFloat = try hvp(of: { (x: [HessianScalar<Float>]) in x[0] * .log(x[0]) }, at: [1e30], direction: [1e-5])
        XCTAssertEqual(hvFloat[0], 1e-35, accuracy: 8 * Float.ulpOfOne * 1e-35)
    }

    /// Where the lifted passes leave two candidates and none is lifted most, the product is refused,
    /// not returned. f = x₀·log x₀ · x₁²/x₁¹⁰⁰ + c·x₀x₁ + 10¹⁰·c·x₁² at (1.24·10²⁰⁵, 14.78): by hand
    /// ∂²f/∂x₀² = x₁⁻⁹⁸/x₀ ≈ 3.75·10⁻³²⁰, a subnormal, which one lifted pass keeps and another
    /// halves (the product as computed loses log's tangent, −1/x₀², entirely).
    func testPassesThatLeaveTwoCandidatesAreRefused() throws {
        let c = 12439.901458164475
        let f = { (z: [HessianScalar<Double>]) -> HessianScalar<Double> in
            let a: HessianScalar<Double> = z[0] * HessianScalar<Double>.log(z[0])
            let b: HessianScalar<Double> = z[1] * z[1] / HessianScalar<Double>.powi(z[1], 100)
            let d: HessianScalar<Double> = HessianScalar<Double>(c) * z[0] * z[1]
            let e: HessianScalar<Double> = HessianScalar<Double>(1e10 * c) * z[1] * z[1]
            return a * b + d + e
        }
        do {
            let h = try hessian(of: f, at: [1.2447907621958174e+205, 14.78150895187402])
            XCTFail("returned \(h)")
        } catch let ADError.rangeLoss(what, values) {
            XCTAssertEqual(what, "Hessian-vector product entry 0")
            XCTAssertGreaterThanOrEqual(values.count, 3, "the computed value and at least two candidates")
            XCTAssertTrue(ADError.rangeLoss(what: what, values: values).description.contains("no value is returned"))
        }
    }
}
