import Foundation
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

    /// The first derivatives carry rounding-error terms (``Builtin/Hypot``'s direction cosines);
    /// differentiated on duals they must add noise of ulps, not cancel. Worst relative error of
    /// any entry over 3,000 seeded points of the sample range, a third with |y/x| down to 1e-16
    /// (1e-6 in Float), against the hand formulas in Float80: 3.0 ε in Double and 2.6 ε in Float
    /// (3.8 and 3.4 with the partials before the correction). 8 ε leaves room for another libm.
    #if arch(x86_64)
    func testSecondDerivativesStayWithinAFewUlps() throws {
        var state: UInt64 = 12345
        func uniform() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
        func worst<T: ADScalar & BinaryFloatingPoint>(_ x: T, _ y: T) throws -> Double {
            let X = Float80(x), Y = Float80(y), z3 = Foundation.pow(X * X + Y * Y, 1.5)
            let expected: [[Float80]] = [[Y * Y / z3, -X * Y / z3], [-X * Y / z3, X * X / z3]]
            let h = try hessian(of: H(), at: [x, y])
            var e = 0.0
            for i in 0..<2 { for j in 0..<2 where expected[i][j] != 0 {
                e = Swift.max(e, Double(Swift.abs((Float80(h[i][j]) - expected[i][j]) / expected[i][j])))
            } }
            return e
        }
        var double = 0.0, float = 0.0
        for i in 0..<3000 {
            let x = uniform() * 6 - 3
            let decades = i % 3 == 0 ? 0 : uniform() * (i % 3 == 1 ? 16 : 6)
            let y = (uniform() * 6 - 3) * Foundation.pow(10, -decades)
            double = Swift.max(double, try worst(x, y))
            if decades < 6 { float = Swift.max(float, try worst(Float(x), Float(y))) }
        }
        print("hypot Hessian, worst relative error: Double \(double / Double.ulpOfOne) ε, Float \(float / Double(Float.ulpOfOne)) ε")
        XCTAssertLessThanOrEqual(double / Double.ulpOfOne, 8)
        XCTAssertLessThanOrEqual(float / Double(Float.ulpOfOne), 8)
    }
    #endif
}
