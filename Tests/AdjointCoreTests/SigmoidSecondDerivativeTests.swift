import XCTest
import AdjointCore

/// σ′ = 1/(4·cosh²(x/2)) and σ″ = −σ′·tanh(x/2) (by hand from σ = (1 + tanh(x/2))/2); reference
/// values from mpmath at 40 digits (`mp.dps = 40`, those two formulas).
final class SigmoidSecondDerivativeTests: XCTestCase {
    private typealias H = HessianScalar<Double>
    private typealias D = Dual<Double, Double>
    private typealias DD = Dual<D, D>

    private let cases: [(x: Double, first: Double, second: Double)] = [
        (1e-300, 0.25, -1.25e-301),
        (1e-8, 0.24999999999999999375, -1.2499999999999999583e-9),
        (-1e-8, 0.24999999999999999375, 1.2499999999999999583e-9),
        (1e-3, 0.24999993750001041667, -0.0001249999583333421875),
        (-1e-3, 0.24999993750001041667, 0.0001249999583333421875),
        (0.25, 0.24613408273759834759, -0.030607512026718774968),
        (-0.5, 0.23500371220159448907, 0.057556794852320740559),
        (0.999, 0.19670277330577794155, -0.090822360330506309015),
        (-0.999, 0.19670277330577794155, 0.090822360330506309015),
        (1, 0.19661193324148185254, -0.090857747672948409442),
        (-1, 0.19661193324148185254, 0.090857747672948409442),
        (3, 0.045176659730912132649, -0.040891574660943478616),
        (-3, 0.045176659730912132649, 0.040891574660943478616),
        (40, 4.2483542552915889592e-18, -4.2483542552915889231e-18),
    ]

    /// Near 0 the rule's z(1 − z) and z·σ(−x), differentiated again, subtracted two numbers near ½:
    /// σ″(1e-8) was 6e-9 off and σ″(1e-3) 2e-13 off (relative). 4e-16 is two ulps, what a product of
    /// three correctly rounded factors can reach.
    func testSecondDerivativeIsAccurateNearZeroAndInTheTails() throws {
        for c in cases {
            let h = try hessian(of: { (x: [H]) in H.sigmoid(x[0]) }, at: [c.x])[0][0]
            XCTAssertEqual(h, c.second, accuracy: 4e-16 * Swift.abs(c.second), "σ″(\(c.x)) by hessian")
            let z = DD.sigmoid(DD(D(c.x, tangent: 1), tangent: D(1, tangent: 0)))
            XCTAssertEqual(z.tangent.tangent, c.second, accuracy: 4e-16 * Swift.abs(c.second), "σ″(\(c.x)) by a dual of duals")
            XCTAssertEqual(z.tangent.value, c.first, accuracy: 4e-16 * c.first, "σ′(\(c.x))")
            let g = try jacobian(of: { (x: [Reverse<Double>]) in [Reverse.sigmoid(x[0])] }, at: [c.x]).jacobian[0][0]
            XCTAssertEqual(g, c.first, accuracy: 4e-16 * c.first, "σ′(\(c.x)) by reverse mode")
        }
    }
}
