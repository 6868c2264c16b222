import AdjointCheck
import AdjointCore
import XCTest

/// softplus with its value written stably and its rule as eˣ/(1 + eˣ): by hand ∞/∞ = NaN for
/// x > log(Double.greatestFiniteMagnitude) ≈ 709.78, where σ(x) is 1 to the last bit.
private enum OverflowingSoftplus: UnaryPrimitive {
    static let name = "overflowing_softplus"
    static func primal<T: ADScalar>(_ x: T) -> T { x > T(30) ? x + log1p(exp(-x)) : log1p(exp(x)) }
    static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { exp(x) / (1 + exp(x)) }
}

private struct SoftplusPlusProduct: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [OverflowingSoftplus.apply(x[0]) + x[0] * x[1]] }
}

/// √x at 0: its rule is +∞ there, and so is the one-sided derivative: no rule to blame.
private struct RootAtZero: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [sqrt(x[0]) + x[1]] }
}

final class NonFiniteRuleLocalisationTests: XCTestCase {
    /// By hand ∂f/∂x₀ = σ(710) + x₁ = 1 at (710, 0); forward and reverse give NaN. The report said
    /// "non-finite (forward, reverse)" and named no rule (a new user's review); the fault is now
    /// the primitive's, with its NaN beside the difference of it alone (1).
    func testANonFiniteModeWhereFIsFiniteIsLocalisedToTheRule() throws {
        let r = try checkGradient(of: SoftplusPlusProduct(), at: [710, 0], claimedGradient: { x in [1, x[0]] })
        guard case .nonFinite = r.entries[0][0].verdict else { return XCTFail("\(r)") }
        XCTAssertEqual(r.fault?.op, "overflowing_softplus", "\(r)")
        XCTAssertTrue(r.fault?.got.isNaN ?? false, "\(r)")
        XCTAssertEqual(r.fault?.expected ?? .nan, 1, accuracy: 1e-9, "\(r)")
        // A rule that is infinite where the derivative is (√ at 0) is not blamed.
        let s = try checkGradient(of: RootAtZero(), at: [0, 1])
        XCTAssertNil(s.fault, "\(s)")
    }
}
