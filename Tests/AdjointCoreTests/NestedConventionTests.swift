import XCTest
@testable import AdjointCore

/// At a kink every level of a nested derivative must apply the registry's declared convention.
/// The value a derived scalar carries through a piecewise op used to come from the primal's own
/// branch (`x < 0 ? -x : x` keeps x's tangent at 0), while the partial applied abs′(0) = 0: a second,
/// implicit copy of the rule, and the Hessian mixed the two.
final class NestedConventionTests: XCTestCase {
    /// f(x) = x·|x|. With abs′(0) = 0 at both levels, f′ = |x| + x·abs′(x) and
    /// f″ = 2·abs′(x) + x·abs″(x) = 2·abs′(0) = 0 at 0 (by hand; the one-sided values are ±2, and
    /// 0 is between them). The mixed conventions gave 1.
    func testHessianOfXTimesAbsAtTheKinkUsesTheConventionAtBothLevels() throws {
        let h = try hessian(of: { (x: [HessianScalar<Double>]) in x[0] * HessianScalar<Double>.abs(x[0]) }, at: [0.0])
        XCTAssertEqual(h, [[0]])
        // Away from the kink nothing changes: f″ = 2·sign(x).
        let right = try hessian(of: { (x: [HessianScalar<Double>]) in x[0] * HessianScalar<Double>.abs(x[0]) }, at: [0.5])
        XCTAssertEqual(right, [[2]])
    }

    /// g(x, y) = max(x, y)² at a tie x = y = 1, where each input gets ½ (the registry's
    /// convention). By hand with ∂m/∂x = ∂m/∂y = ½ and m's second derivatives 0:
    /// ∂²g/∂xᵢ∂xⱼ = 2·(∂m/∂xᵢ)(∂m/∂xⱼ) = ½ for every entry.
    func testHessianOfASquaredMaxAtATieUsesHalfAtBothLevels() throws {
        let h = try hessian(of: { (x: [HessianScalar<Double>]) in
            let m = HessianScalar<Double>.max(x[0], x[1])
            return m * m
        }, at: [1.0, 1.0])
        XCTAssertEqual(h, [[0.5, 0.5], [0.5, 0.5]])
    }

    /// Forward over forward (a dual of duals) follows the same convention: the second derivative
    /// of x·|x| at 0 is the tangent of the tangent.
    func testDualOfDualsAppliesTheConventionToo() {
        typealias D = Dual<Double, Double>
        let x = Dual<D, D>(D(0, tangent: 1), tangent: D(1, tangent: 0))
        let f = x * Dual<D, D>.abs(x)
        XCTAssertEqual(f.tangent.tangent, 0)
        // And the first derivative is abs(0) + 0·abs′(0) = 0 at both levels.
        XCTAssertEqual(f.tangent.value, 0)
        XCTAssertEqual(f.value.tangent, 0)
    }
}
