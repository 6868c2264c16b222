import XCTest
import AdjointCore

/// ∂²hypot/∂x² = y²/z³, ∂²/∂x∂y = −xy/z³, ∂²/∂y² = x²/z³ with z = √(x² + y²) (by hand). The rule
/// was (x/z, y/z), whose derivatives cancel when one argument dominates: 0 for 3.7e-11 at
/// (3000, 1) in Float, 0 for 1e-24 at (1e8, 1) in Double (a review).
final class HypotHessianTests: XCTestCase {
    struct H: ADFunction { func callAsFunction<T: ADScalar>(_ v: [T]) -> [T] { [T.hypot(v[0], v[1])] } }

    func testSecondDerivativesWhenOneArgumentDominates() throws {
        for (x, y) in [(1e8, 1.0), (1e7, 1.0), (3.0, 4.0), (-2e9, 3.0), (1.0, -1e10), (0.5, 0.5)] {
            let z = (x * x + y * y).squareRoot()
            let expected = [[y * y / (z * z * z), -x * y / (z * z * z)], [-x * y / (z * z * z), x * x / (z * z * z)]]
            let h = try hessian(of: H(), at: [x, y])
            for i in 0..<2 { for j in 0..<2 {
                XCTAssertEqual(h[i][j], expected[i][j], accuracy: 1e-13 * Swift.abs(expected[i][j]), "(\(x), \(y)) [\(i)][\(j)]")
            } }
            let g = try gradient(of: { v in [Reverse.hypot(v[0], v[1])][0] }, at: [x, y])
            XCTAssertEqual(g[0], x / z, accuracy: 4 * (x / z).ulp.magnitude)
            XCTAssertEqual(g[1], y / z, accuracy: 4 * Swift.abs(y / z).ulp)
        }
        for x: Float in [300, 1000, 3000] {
            let exact = 1 / (Double(x) * Double(x) + 1) / (Double(x) * Double(x) + 1).squareRoot()
            let h = try hessian(of: H(), at: [x, Float(1)])[0][0]
            XCTAssertEqual(Double(h), exact, accuracy: 1e-5 * exact, "Float (\(x), 1)")
        }
    }
}
