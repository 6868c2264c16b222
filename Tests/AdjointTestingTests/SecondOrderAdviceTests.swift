import AdjointCheck
import AdjointCore
import Foundation
import XCTest
@testable import AdjointTesting

/// Cross-entropy of the softmax of four logits with label 0: log Σₖ e^(zₖ) − z₀.
private struct SoftmaxCrossEntropy4: ADFunction {
    func callAsFunction<T: ADScalar>(_ z: [T]) -> [T] {
        var s: T = 0
        for k in 0..<4 { s += exp(z[k]) }
        return [log(s) - z[0]]
    }
}

/// `assertHessian` without a claim at a saturated softmax: the reference is differences of the
/// reverse-mode gradient, a black box to the check. Its notes advised "the complex step (f analytic
/// in the complex scalar …) or exact rationals would resolve it", which the property cannot run on
/// that gradient, whatever the user's f.
final class SecondOrderAdviceTests: XCTestCase {
    /// z = (−24.930043, 3.3501834, 1.8933751, 7.2451088): p₀ ≈ 1.04·10⁻¹⁴, and mpmath at 40 digits
    /// gives H₀₀ = p₀(1 − p₀) = 1.03692958729·10⁻¹⁴, H₀₃ = −p₀p₃ = −1.01155491702·10⁻¹⁴, while
    /// ∂f/∂z₀ = p₀ − 1 ≈ −1: a difference of that gradient entry rounds by ε/h ≈ 10⁻¹⁵ at best,
    /// so those entries are honestly unresolved (inconclusive, not agreeing, not wrong).
    func testTheAdviceOnAnUnresolvedEntryIsOneTheCheckCanFollow() {
        let z = [-24.930043087794758, 3.3501833919402983, 1.8933750617244556, 7.245108829828361]
        let r = checkProperty(.hessian(of: SoftmaxCrossEntropy4(), claimed: nil, inputs: .point(z)))
        XCTAssertEqual(r.failure?.verdict, .inconclusive, r.message)
        XCTAssertTrue(r.message.contains("agrees only within"), r.message)
        XCTAssertFalse(r.message.contains("complex step"), r.message)
        XCTAssertFalse(r.message.contains("exact rationals"), r.message)
        XCTAssertTrue(r.message.contains("Differences are the only witness of a function checked as a black box"), r.message)
        // The AD Hessian itself is right there (forward-over-reverse against mpmath).
        let h = try? hessian(of: { (x: [HessianScalar<Double>]) in SoftmaxCrossEntropy4()(x)[0] }, at: z)
        XCTAssertEqual(h?[0][0] ?? .nan, 1.03692958729e-14, accuracy: 1e-24)
        XCTAssertEqual(h?[0][3] ?? .nan, -1.01155491702e-14, accuracy: 1e-24)
    }
}
