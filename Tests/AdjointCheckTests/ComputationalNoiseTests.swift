import AdjointCore
import Foundation
import XCTest
@testable import AdjointCheck

/// A researcher's Double function that accumulates in float32: (1/200)·Σₖ sin(k·a/200 + b),
/// k = 1 … 200, summed in a Float and returned as a Double. Its outputs lie on float32's grid
/// (ulp 2⁻²³·|s| of a running sum s up to ~100, over 200), ~10⁸ Double ulps of f.
private func float32Sum(_ x: [Double]) -> [Double] {
    var s: Float = 0
    for k in 1...200 { s += Float(sin(Double(k) * x[0] / 200 + x[1])) }
    return [Double(s) / 200]
}

/// The exact sum's gradient, by hand: ∂/∂a = Σ cos(k·a/200 + b)·k/200², ∂/∂b = Σ cos(…)/200,
/// evaluated in Double (independent of the check and of f's float32 rounding).
private func exactSumGradient(_ x: [Double]) -> [Double] {
    var da = 0.0, db = 0.0
    for k in 1...200 {
        let c = cos(Double(k) * x[0] / 200 + x[1])
        da += c * Double(k) / 200
        db += c
    }
    return [da / 200, db / 200]
}

final class ComputationalNoiseTests: XCTestCase {
    /// Moré–Wild's table took σ ≈ 9·10⁻⁸ at the first step (2⁻²⁰) at each point, but the next
    /// step, 128 times finer, reads float32's treads (1, 2 and 4 distinct values) rather than
    /// noise of the same size, so no two steps agreed and nothing was measured: the check
    /// modelled f's rounding as a few Double ulps. The staircase is confirmed by the same table
    /// beside the first now. A kink whose flat side reads as one tread at the finer step is not
    /// confirmed there: max(x₀, 0) a little left of 0 measures nothing, as before.
    func testAStaircaseBelowTheFirstStepIsMeasuredAndAKinksFlatSideIsNot() {
        for x in [[0.7, 1.3], [1.9, 0.8], [3.05, 2.0]] {
            let noise = measureNoise(float32Sum, at: x, outputs: 1, direction: noiseDirection(x), staircasesAbove: [1e-15])
            let sigma = noise.sigma[0] ?? 0
            // Float rounding of the running sum, over 200: between one ulp of a sum of ~1 and ~100.
            XCTAssertGreaterThan(sigma, 1e-9, "\(x)")
            XCTAssertLessThan(sigma, 1e-6, "\(x)")
        }
        for x0 in [-1e-6, -3e-6] {
            let x = [x0]
            let kink = measureNoise({ (v: [Double]) in [Swift.max(v[0], 0)] }, at: x, outputs: 1,
                                    direction: noiseDirection(x), staircasesAbove: [1e-15])
            XCTAssertNil(kink.sigma[0], "max(x, 0) at \(x0)")
        }
    }

    /// At (3.05, 2) the unmeasured noise left central alone judging both entries, within its
    /// tolerances of 12% and 11% of them: a gradient 1% off on ∂/∂a passed (`jac check --program`
    /// exited 0), as did one 0.1% off. With the noise measured, Richardson settles within 2·10⁻⁵ of
    /// the exact sum's gradient (its error ~10⁻⁶ true), both plants are convicted, and the right
    /// gradient passes within that tolerance.
    func testAFloat32SumDoesNotPassAGradientOnePercentOff() throws {
        let x = [3.05, 2.0]
        let truth = exactSumGradient(x)
        let right = try checkBlackBoxGradient(of: { (v: [Double]) in float32Sum(v)[0] }, at: x, claimedGradient: { _ in truth })
        XCTAssertTrue(right.passed, right.renderTable())
        for e in right.entries[0] {
            let tolerance = try XCTUnwrap(e.tolerance), witness = try XCTUnwrap(e.witnessValue)
            XCTAssertLessThan(tolerance, 1e-3 * Swift.abs(truth[e.input]), right.renderTable())
            XCTAssertLessThanOrEqual(Swift.abs(witness - truth[e.input]), tolerance, right.renderTable())
        }
        for factor in [1.01, 1.001] {
            let r = try checkBlackBoxGradient(of: { (v: [Double]) in float32Sum(v)[0] }, at: x,
                                              claimedGradient: { _ in [truth[0] * factor, truth[1]] })
            XCTAssertFalse(r.passed, "\(factor)\n" + r.renderTable())
            XCTAssertEqual(r.entries[0][0].verdict, .ruleWrong(subjects: ["claimed"]), "\(factor)\n" + r.renderTable())
        }
    }

    /// At (0.7, 1.3) every claim, the right gradient and a sign flip alike, was fd-inconclusive
    /// (cancellation, estimate too large), with no word of f's noise. The noise is reported now,
    /// the right gradient passes and a gradient 1% off on ∂/∂b is convicted.
    func testAFloat32SumsNoiseIsReportedAndDecides() throws {
        let x = [0.7, 1.3]
        let truth = exactSumGradient(x)
        let right = try checkBlackBoxGradient(of: { (v: [Double]) in float32Sum(v)[0] }, at: x, claimedGradient: { _ in truth })
        XCTAssertTrue(right.passed, right.renderTable())
        XCTAssertTrue(right.measuredNoise.contains { $0.contains("σ = ") }, right.renderTable() + "\n" + right.notes.joined(separator: "\n"))
        let off = try checkBlackBoxGradient(of: { (v: [Double]) in float32Sum(v)[0] }, at: x,
                                            claimedGradient: { _ in [truth[0], truth[1] * 1.01] })
        XCTAssertEqual(off.entries[0][1].verdict, .ruleWrong(subjects: ["claimed"]), off.renderTable())
    }
}
