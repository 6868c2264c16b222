import XCTest
@testable import AdjointCore

/// A user primitive with abs's kink and convention (∂ = 0 at 0), written as a user would.
private enum UserAbs: ScalarPrimitive {
    static let name = "user_abs"
    static func primal<T: ADScalar>(_ x: T, _ y: T) -> T { x < 0 ? -x : x }
    static func partials<T: ADScalar>(_ x: T, _ y: T, output z: T) -> (T, T) { (x > 0 ? 1 : (x < 0 ? -1 : 0), 0) }
    static func kinkDistance(_ x: Double, _ y: Double) -> Double? { Swift.abs(x) }
}

/// Second derivatives found wrong by the review of the nested-convention change (d454cc1).
final class NestedReviewTests: XCTestCase {
    typealias H = HessianScalar<Double>
    typealias D = Dual<Double, Double>
    typealias DD = Dual<D, D>

    /// A user primitive inside a nested derivative gets the declared convention at every level at
    /// its kink, as registry ops do: f(x) = x·userAbs(x) has f″ = 2·userAbs′(0) = 0 at 0 (by hand, as for
    /// x·|x|; the one-sided values are ±2). Its primal's branch kept x's tangent there and gave 1.
    func testUserPrimitiveKinkUsesItsConventionAtBothLevels() throws {
        let h = try hessian(of: { (x: [H]) in x[0] * UserAbs.apply(x[0]) }, at: [0.0])
        XCTAssertEqual(h, [[0]])
        let x = DD(D(0, tangent: 1), tangent: D(1, tangent: 0))
        XCTAssertEqual((x * UserAbs.apply(x)).tangent.tangent, 0)
        // The same function through the registry's abs: both routes agree.
        XCTAssertEqual(try hessian(of: { (x: [H]) in x[0] * H.abs(x[0]) }, at: [0.0]), h)
        // Away from the kink f″ = 2·sign(x), by hand.
        XCTAssertEqual(try hessian(of: { (x: [H]) in x[0] * UserAbs.apply(x[0]) }, at: [-0.5]), [[-2]])
    }

    /// gelu″(x) = φ(x)(2 − x²) (by hand from gelu = x·Φ(x)); reference values from mpmath at 40
    /// digits. Just left of 0 the partial's Φ = z/x branch cancelled on a nested dual: gelu″(−1e-170)
    /// was 0.399 (half of 2φ(0) = √(2/π)), gelu″(−1e-8) 5e-9 off.
    func testGeluSecondDerivativeJustLeftOfZero() throws {
        let cases: [(x: Double, first: Double, second: Double)] = [
            (-1e-170, 0.5, 0.79788456080286535588),
            (-1e-8, 0.49999999202115439197, 0.79788456080286527609),
            (-0.5, 0.13250487534383715747, 0.61611432183752408611),
            (-0.999, -0.08307313682650416134, 0.24269687834061624073),
            (-1.5, -0.12746919222997952542, -0.032379398916472931904),
            (-3, -0.011945647204183927, -0.031022938883566050229),
        ]
        for c in cases {
            let h = try hessian(of: { (x: [H]) in H.gelu(x[0]) }, at: [c.x])[0][0]
            XCTAssertEqual(h, c.second, accuracy: 1e-14 * Swift.abs(c.second), "gelu″(\(c.x))")
            let x = DD(D(c.x, tangent: 1), tangent: D(1, tangent: 0))
            let z = DD.gelu(x)
            XCTAssertEqual(z.tangent.tangent, c.second, accuracy: 1e-14 * Swift.abs(c.second), "dual of duals at \(c.x)")
            XCTAssertEqual(z.tangent.value, c.first, accuracy: 1e-14 * Swift.abs(c.first), "gelu′(\(c.x))")
        }
    }
}
