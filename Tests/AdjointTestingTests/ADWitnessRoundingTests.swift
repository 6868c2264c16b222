import AdjointCore
import Foundation
import XCTest
import AdjointTesting

// The last witness of assertHVP (AD's forward-over-reverse H·v) and of assertJVP and assertVJP
// (AD's J·v, uᵀJ) rounds like any AD computation: by ε times the magnitudes of the paths summed
// into each entry, which can be far above the entry. Each was trusted as exact (± 0), so a
// textbook-right claim was convicted, once by a reference further from the truth than the claim.

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
    let p = stableSoftmax(z)
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

final class ADWitnessRoundingTests: XCTestCase {
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

    /// softmax(z) − e₀ at z = (19.3487, 0, 0) along v = −e₀: (J·v)₀ = −p₀(1 − p₀) with
    /// 1 − p₀ = 2/(e^19.3487 + 2). mpmath (dps = 40): −7.9067197698487263145e-9. The textbook
    /// claim p ⊙ v − p (pᵀv) computes −p₀ + p₀², terms near 1, and lands 2.2e-16 off (2.8e-8 of
    /// the entry, one rounding of 1): right, and was rule-wrong against AD "± 0.0" at 2.25e-22.
    func testTextbookSoftmaxJVPIsNotConvictedByAD() {
        var o = AdjointTestOptions()
        o.shrink = false
        let r = checkProperty(.jvp(of: SoftmaxMinusFirst(), claimed: textbookSoftmaxJVP,
                                   inputs: .point([19.3487, 0, 0], direction: [-1, 0, 0])), options: o)
        XCTAssertTrue(r.passed, r.message)
        let off = checkProperty(.jvp(of: SoftmaxMinusFirst(), claimed: { z, v in textbookSoftmaxJVP(z, v).map { $0 * (1 + 1e-4) } },
                                     inputs: .point([19.3487, 0, 0], direction: [-1, 0, 0])), options: o)
        XCTAssertEqual(off.counts[.ruleWrong] ?? 0, 1, "10⁻⁴ relative (7.9e-13) is 3,500 roundings of 1: " + off.message)
    }

    /// The VJP at z = (−17.792960436909134, −23.919510639289694, 0), u = (0, 0, 10⁻³):
    /// (uᵀJ)ⱼ = pⱼ(uⱼ − uᵀp), so (uᵀJ)₂ = p₂·10⁻³·(1 − p₂); mpmath (dps = 40):
    /// 1.8774265646098516928e-11. The claim (uᵀJ is J·u: softmax's J is symmetric, and e₀ is
    /// constant) subtracts terms near 10⁻³ and rounds by about 10⁻¹⁹: right, and was rule-wrong
    /// at a tolerance of 5.3e-25.
    func testTextbookSoftmaxVJPIsNotConvictedByAD() {
        var o = AdjointTestOptions()
        o.shrink = false
        let point = InputSpace.point([-17.792960436909134, -23.919510639289694, 0], cotangent: [0, 0, 0.001])
        let r = checkProperty(.vjp(of: SoftmaxMinusFirst(), outputs: 3, claimed: textbookSoftmaxJVP, inputs: point), options: o)
        XCTAssertTrue(r.passed, r.message)
        let off = checkProperty(.vjp(of: SoftmaxMinusFirst(), outputs: 3, claimed: { z, u in textbookSoftmaxJVP(z, u).map { $0 * (1 + 1e-4) } },
                                     inputs: point), options: o)
        XCTAssertEqual(off.counts[.ruleWrong] ?? 0, 1, off.message)
    }
}

/// softmax(z) − e₀ for three classes, written as a user would.
private struct SoftmaxMinusFirst: ADFunction {
    var inputCount: Int? { 3 }
    func callAsFunction<T: ADScalar>(_ z: [T]) -> [T] {
        var s: T = 0
        for zk in z { s += exp(zk) }
        return [exp(z[0]) / s - 1, exp(z[1]) / s, exp(z[2]) / s]
    }
}

/// softmax's Jacobian diag(p) − ppᵀ applied to w (it is symmetric, so this is J·w and wᵀJ).
@Sendable private func textbookSoftmaxJVP(_ z: [Double], _ w: [Double]) -> [Double] {
    let p = stableSoftmax(z)
    var pw = 0.0
    for k in 0..<3 { pw += p[k] * w[k] }
    return (0..<3).map { p[$0] * w[$0] - p[$0] * pw }
}

/// softmax with the largest input subtracted first, as a textbook layer computes it.
private func stableSoftmax(_ z: [Double]) -> [Double] {
    let m = z.max() ?? 0
    let e = z.map { Foundation.exp($0 - m) }
    let s = e.reduce(0, +)
    return e.map { $0 / s }
}
