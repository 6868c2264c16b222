import XCTest
import AdjointCore

/// Textbook gradients, each expected value derived by hand (derivations in the comments).
final class TextbookTests: XCTestCase {
    func f1<T: ADScalar>(_ x: [T]) -> T { (x[0] + x[1]) * x[2] - x[3] }
    func f2<T: ADScalar>(_ x: [T]) -> T { log(x[0]) + x[0] * x[1] - sin(x[1]) }
    func f3<T: ADScalar>(_ x: [T]) -> T { relu(x[0] * x[1] + x[1]) }
    func f4<T: ADScalar>(_ x: [T]) -> T { (x[0] + x[1]) * x[2] }

    func testSumTimesMinus() throws {
        // ∂/∂x1 = x3 = 3, ∂/∂x2 = x3 = 3, ∂/∂x3 = x1 + x2 = 9, ∂/∂x4 = −1
        XCTAssertEqual(try gradient(of: f1, at: [5.0, 4, 3, 2]), [3, 3, 9, -1])
    }

    func testLogProductSin() throws {
        // ∂/∂x1 = 1/x1 + x2 = 0.5 + 5 = 5.5; ∂/∂x2 = x1 − cos x2 = 2 − cos 5 = 1.7163378145367738…
        let g = try gradient(of: f2, at: [2.0, 5.0])
        XCTAssertEqual(g[0], 5.5, accuracy: 1e-15)
        XCTAssertEqual(g[1], 1.71633781453677, accuracy: 1e-13)
    }

    func testReluOfAffine() throws {
        // x·y + y = 8 > 0, so ∇ = (y, x + 1) = (2, 4)
        XCTAssertEqual(try gradient(of: f3, at: [3.0, 2.0]), [2, 4])
    }

    func testCircuit() throws {
        // (x+y)z at (−2, 5, −4): ∂x = ∂y = z = −4, ∂z = x + y = 3
        XCTAssertEqual(try gradient(of: f4, at: [-2.0, 5, -4]), [-4, -4, 3])
    }
}
