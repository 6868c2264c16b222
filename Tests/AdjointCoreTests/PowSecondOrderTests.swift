import Foundation
import XCTest
@testable import AdjointCore

/// x^y's second derivatives at the edges of its domain (a review's cases). By hand:
/// ∂²/∂x² = y(y−1)x^(y−2), ∂²/∂x∂y = x^(y−1)(1 + y·ln x), ∂²/∂y² = x^y·ln²x.
final class PowSecondOrderTests: XCTestCase {
    let pow: ([HessianScalar<Double>]) -> HessianScalar<Double> = { x in HessianScalar<Double>.pow(x[0], x[1]) }

    /// At (0, 1) the mixed partial x^(y−1)(1 + y·ln x) → −∞: no Hessian exists. It was returned
    /// as [[0, 1], [0, 0]], finite and asymmetric, with no error.
    func testTheHessianAtAZeroBaseWithExponentOneIsAnError() throws {
        XCTAssertThrowsError(try hessian(of: pow, at: [0, 1])) { e in
            guard case ADError.nonFinite(let what, let op, _) = e else { return XCTFail("\(e)") }
            XCTAssertEqual(op, "pow")
            XCTAssertTrue(what.contains("unbounded"), what)
        }
        // The gradient exists: ∂x = y·x^(y−1) → 1, ∂y = x^y·ln x → 0.
        XCTAssertEqual(try gradient(of: { (x: [Reverse<Double>]) in Reverse<Double>.pow(x[0], x[1]) }, at: [0, 1]), [1, 0])
        // At (0, 2) every second derivative is finite: [[2, 0], [0, 0]].
        XCTAssertEqual(try hessian(of: pow, at: [0, 2]), [[2, 0], [0, 0]])
    }

    /// At (1e-300, 2) x² underflows to 0, and ∂y = z·ln x lost its derivative's x^(y−1) term:
    /// ∂²/∂y∂x was −1.38155e-297 beside ∂²/∂x∂y = −1.38055e-297 (mpmath: −1.38055105579642741e-297).
    func testTheMixedPartialsAgreeWhereThePowerUnderflows() throws {
        let h = try hessian(of: pow, at: [1e-300, 2])
        let mixed = 1e-300 * (1 + 2 * Foundation.log(1e-300))
        XCTAssertEqual(h[0][1], mixed, accuracy: 1e-15 * Swift.abs(mixed))
        XCTAssertEqual(h[1][0], mixed, accuracy: 1e-15 * Swift.abs(mixed))
        XCTAssertEqual(h[0][0], 2)
        // The first derivative ∂y = x²·ln x = −6.9e-598 is below every Double: 0 either way.
        let g = try gradient(of: { (x: [Reverse<Double>]) in Reverse<Double>.pow(x[0], x[1]) }, at: [1e-300, 2])
        XCTAssertEqual(g, [2e-300, 0])
    }
}

extension PowSecondOrderTests {
    /// An output that does not read x^y at (0, 1) has its Hessian, as √y at 0 beside x² does
    /// (ZeroTangentTests): H(x₂²) = [[0, 0, 0], [0, 0, 0], [0, 0, 2]] by hand.
    func testAnOutputBesidePowAtTheSingularPointHasItsHessian() throws {
        struct PowThenSquare: ADFunction {
            func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.pow(x[0], x[1]), x[2] * x[2]] }
        }
        XCTAssertEqual(try hessian(of: PowThenSquare(), at: [0, 1, 3], output: 1), [[0, 0, 0], [0, 0, 0], [0, 0, 2]])
        XCTAssertThrowsError(try hessian(of: PowThenSquare(), at: [0, 1, 3], output: 0))
    }
}
