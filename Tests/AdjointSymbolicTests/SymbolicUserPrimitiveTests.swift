import Foundation
import XCTest
import AdjointCore
@testable import AdjointSymbolic

/// erf from libm: a primal computed on Doubles (as a special function's usually is), with its
/// derivative 2/√π·e^(−x²) written generically.
enum LibmErf: UnaryPrimitive {
    static let name = "erf"
    static func primal<T: ADScalar>(_ x: T) -> T { T(Foundation.erf(x.approximateDouble)) }
    static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { T(2 / Double.pi.squareRoot()) * exp(-x * x) }
}

/// A user primitive in a derivative expression stays a call of the primitive, so the expression
/// holds at every point. The modes used to run its primal on the symbols: a primal that reads its
/// argument as a Double baked erf(0.9) into the derivative of erf(x)² as a constant, and the
/// expression, evaluated anywhere but the binding point, was silently wrong.
final class SymbolicUserPrimitiveTests: XCTestCase {
    struct ErfSquared: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { let e = LibmErf.apply(x[0]); return [e * e] }
    }

    /// By hand: (erf²)′ = 2·erf·erf′, (erf²)″ = 2·erf′² + 2·erf·erf″ with erf″ = −2x·erf′.
    func hand(_ x: Double) -> (first: Double, second: Double) {
        let e = Foundation.erf(x), d1 = 2 / Double.pi.squareRoot() * Foundation.exp(-x * x)
        return (2 * e * d1, 2 * d1 * d1 + 2 * e * (-2 * x * d1))
    }

    func testTheDerivativeExpressionHoldsAwayFromTheBindingPoint() throws {
        for mode in SymbolicMode.allCases {
            for point in [[0.9], nil] as [[Double]?] {
                let d = try SymbolicDifferentiation.jacobian(of: ErfSquared(), inputs: 1, mode: mode, at: point)
                let text = try d.jacobian[0][0].formula(variables: ["x"])
                XCTAssertTrue(text.contains("erf(x)"), "\(mode), point \(String(describing: point)): \(text)")
                for x in [0.5, -1.2] {
                    let v = try ExpressionGraph.shared.evaluate([d.jacobian[0][0].id], at: [x])[0]
                    XCTAssertEqual(v, hand(x).first, accuracy: 1e-14, "\(mode) at \(x): \(text)")
                }
            }
        }
    }

    func testTheSecondDerivativeExpressionHoldsAwayFromTheBindingPoint() throws {
        let h = try SymbolicDifferentiation.hessian(of: ErfSquared(), inputs: 1, at: [0.9])
        for x in [0.5, -1.2] {
            let v = try ExpressionGraph.shared.evaluate([h.jacobian[0][0].id], at: [x])[0]
            XCTAssertEqual(v, hand(x).second, accuracy: 1e-14, "at \(x)")
        }
    }
}
