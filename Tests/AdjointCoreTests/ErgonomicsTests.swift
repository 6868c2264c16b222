import XCTest
import Foundation
import AdjointCore

/// The first compile errors a newcomer hit, now code that compiles and gives the right numbers.
final class ErgonomicsTests: XCTestCase {
    /// Float literals, free abs/max/min and pow(x, 0.5) in generic code.
    func f<T: ADScalar>(_ x: [T]) -> T {
        0.5 * x[0] * x[0] + abs(x[1]) + max(x[0], x[1]) + min(x[0], 2.5) + pow(x[0], 0.5)
    }

    func testLiteralsAndFreeFunctionsInGenericCode() throws {
        // At (4, −3): f = 8 + 3 + 4 + 2.5 + 2 = 19.5; ∂f/∂x₀ = 4 + 1 + 0 + 1/(2·2) = 5.25; ∂f/∂x₁ = −1.
        XCTAssertEqual(f([4.0, -3.0]), 19.5)
        XCTAssertEqual(try gradient(of: f, at: [4.0, -3.0]), [5.25, -1])
        // The same names on plain Doubles stay unambiguous and mean what they always did.
        XCTAssertEqual(max(1.0, 2.0), 2)
        XCTAssertEqual(min(1.0, 2.0), 1)
        XCTAssertEqual(abs(-3.0), 3)
        XCTAssertEqual(max(1, 2), 2, "Int keeps the standard library's max")
    }

    struct Polar: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] * cos(x[1]), x[0] * sin(x[1])] }
    }

    func testHessianOfOneOutput() throws {
        // y = r sin t: ∂²/∂r² = 0, ∂²/∂r∂t = cos t, ∂²/∂t² = −r sin t.
        let (r, t) = (2.0, 0.5)
        let h = try hessian(of: Polar(), at: [r, t], output: 1)
        XCTAssertEqual(h[0][0], 0)
        XCTAssertEqual(h[0][1], Foundation.cos(t), accuracy: 1e-15)
        XCTAssertEqual(h[1][0], Foundation.cos(t), accuracy: 1e-15)
        XCTAssertEqual(h[1][1], -r * Foundation.sin(t), accuracy: 1e-15)
        XCTAssertThrowsError(try hessian(of: Polar(), at: [r, t], output: 2)) { e in
            guard case ADError.invalidArgument(let why) = e else { return XCTFail("\(e)") }
            XCTAssertTrue(why.contains("2 outputs"), why)
        }
    }

    func testJacobianOfAClosureAndReadableDescriptions() throws {
        let r = try jacobian(of: { x in [x[0] * x[1], sin(x[0])] }, at: [2.0, 3.0])
        XCTAssertEqual(r.jacobian[0], [3, 2])
        XCTAssertEqual(r.jacobian[1][0], Foundation.cos(2), accuracy: 1e-15)
        XCTAssertEqual(r.description, "f = [6.0, \(Foundation.sin(2.0))]; J = [[3.0, 2.0], [\(Foundation.cos(2.0)), 0.0]] (reverse, 2 passes)")
        XCTAssertEqual(Dual<Double, Double>(3, tangent: 1).description, "3.0 + 1.0ε")
        // x₀·x₁ records two inputs and the product: 3 entries.
        XCTAssertEqual(String(describing: try record({ x in [x[0] * x[1]] }, at: [2.0, 3.0])),
                       "Recording<Double>: 2 inputs, 1 output, 3 tape entries; value [6.0]")
        let kinked = try record({ x in [relu(x[0])] }, at: [0.0])
        XCTAssertTrue(kinked.description.hasPrefix("Recording<Double>: 1 input, 1 output, 2 tape entries; value [0.0]; kinks: relu"),
                      kinked.description)
    }
}
