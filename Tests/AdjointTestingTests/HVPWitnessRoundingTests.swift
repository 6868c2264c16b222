import AdjointCore
import Foundation
import XCTest
import AdjointTesting

// assertHVP's last witness, AD's forward-over-reverse H·v, rounds like any AD computation: by
// ε times the magnitudes of the paths summed into each entry, which can be far above the entry.
// It was trusted as exact (± 0), so a textbook-right claim was convicted by a reference that
// was further from the truth than the claim.

/// Softmax cross-entropy of a 3-class affine layer on one fixed input, with L2 on the weights:
/// θ = [W (3×2, row-major), b (3)], z = W·x + b, L = log Σₖ e^{zₖ} − z₁ + (λ/2)‖W‖².
private struct SoftmaxCrossEntropyLayer: ADFunction {
    static let x: [Double] = [0.7, -1.3]
    static let lambda = 1e-3
    var inputCount: Int? { 9 }
    func callAsFunction<T: ADScalar>(_ t: [T]) -> [T] {
        var sum: T = 0
        var label: T = 0
        for k in 0..<3 {
            let z = t[6 + k] + T(Self.x[0]) * t[2 * k] + T(Self.x[1]) * t[2 * k + 1]
            sum += exp(z)
            if k == 1 { label = z }
        }
        var reg: T = 0
        for i in 0..<6 { reg += t[i] * t[i] }
        return [log(sum) - label + T(Self.lambda / 2) * reg]
    }
}

/// The textbook H·v: with p = softmax(z) and dz = V·x + v_b, H_z·dz = p ⊙ dz − p (pᵀdz), then
/// (H·v)_W = (H_z·dz) xᵀ + λ V and (H·v)_b = H_z·dz. Where one class holds nearly all the mass,
/// p₀ − p₀² cancels, so the claim carries rounding relative to 1, not to the entry.
@Sendable private func textbookHVP(_ t: [Double], _ v: [Double]) -> [Double] {
    let x = SoftmaxCrossEntropyLayer.x
    var z = [Double](repeating: 0, count: 3), dz = z
    for k in 0..<3 {
        z[k] = t[6 + k] + x[0] * t[2 * k] + x[1] * t[2 * k + 1]
        dz[k] = v[6 + k] + x[0] * v[2 * k] + x[1] * v[2 * k + 1]
    }
    let m = z.max() ?? 0
    let e = z.map { Foundation.exp($0 - m) }
    let s = e.reduce(0, +)
    let p = e.map { $0 / s }
    var pdz = 0.0
    for k in 0..<3 { pdz += p[k] * dz[k] }
    var out = [Double](repeating: 0, count: 9)
    for k in 0..<3 {
        let hz = p[k] * dz[k] - p[k] * pdz
        out[2 * k] = hz * x[0] + SoftmaxCrossEntropyLayer.lambda * v[2 * k]
        out[2 * k + 1] = hz * x[1] + SoftmaxCrossEntropyLayer.lambda * v[2 * k + 1]
        out[6 + k] = hz
    }
    return out
}

final class HVPWitnessRoundingTests: XCTestCase {
    /// θ = (1, −14, 0, 1, 0, 0, 0, 0, 1), v = e₆ (the first bias): z = (18.9, −1.3, 1), so
    /// 1 − p₀ ≈ 1.85e-8 and (H·v)₆ = p₀(1 − p₀) ≈ 1.852e-8. mpmath at 40 digits
    /// (dps = 40, the same formula over the Doubles 0.7, −1.3, 10⁻³):
    /// (H·v)₁ = −2.4075037828816116628e-8; the claim computes −2.407503787438259e-8 (1.9e-9
    /// relative off, its p₀ − p₀² cancelling), forward-over-reverse gives about −2.40750377e-8
    /// (4.1e-9 off). Both are right to rounding of terms near 1 (ε·1 = 2.2e-16 absolute, 9e-9 of
    /// the entry): the claim must not be convicted, and was, "± 0.0" at a tolerance of 6.8e-22.
    func testTextbookHVPIsNotConvictedByTheRoundingOfForwardOverReverse() {
        var o = AdjointTestOptions()
        o.shrink = false
        let point = InputSpace.point([1, -14, 0, 1, 0, 0, 0, 0, 1], direction: [0, 0, 0, 0, 0, 0, 1, 0, 0])
        let r = checkProperty(.hvp(of: SoftmaxCrossEntropyLayer(), claimed: textbookHVP, inputs: point), options: o)
        XCTAssertTrue(r.passed, r.message)
        XCTAssertEqual(r.counts[.ruleWrong] ?? 0, 0, r.message)
    }

    /// The same point with the claim 10⁻⁴ relative off every entry (2.4e-12 on (H·v)₁, ten
    /// thousand times the rounding of terms near 1): the honest tolerance still convicts it.
    func testAClaimOffBeyondThatRoundingIsStillConvicted() {
        var o = AdjointTestOptions()
        o.shrink = false
        let point = InputSpace.point([1, -14, 0, 1, 0, 0, 0, 0, 1], direction: [0, 0, 0, 0, 0, 0, 1, 0, 0])
        let r = checkProperty(.hvp(of: SoftmaxCrossEntropyLayer(), claimed: { t, v in textbookHVP(t, v).map { $0 * (1 + 1e-4) } },
                                   inputs: point), options: o)
        XCTAssertFalse(r.passed, r.message)
        XCTAssertEqual(r.counts[.ruleWrong] ?? 0, 1, r.message)
    }
}
