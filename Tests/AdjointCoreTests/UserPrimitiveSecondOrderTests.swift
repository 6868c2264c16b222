import Foundation
import XCTest
@testable import AdjointCore

// A user primitive's rule is its partials, in every order. Its primal supplies values only: a
// primal that computes its value on Doubles (a special function from libm, a solver) carries no
// tangent, and before this was settled a nested derivative used that missing tangent as the
// output's inner derivative beside the partials' own: two sources for one derivative inside one
// mode, and a Hessian that was wrong, asymmetric and unreported.

/// erf from libm: the value is right, the primal drops its argument's tangent (a constant in T).
/// The rule is generic, so it can be differentiated again: erf′(x) = 2/√π·e^(−x²).
private enum LibmErf: UnaryPrimitive {
    static let name = "libm_erf"
    static func primal<T: ADScalar>(_ x: T) -> T { T(Foundation.erf(x.approximateDouble)) }
    static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { T(2 / Double.pi.squareRoot()) * exp(-x * x) }
}

/// f(x, y) = erf(x)²·y: erf's output is used nonlinearly, so its inner tangent matters.
private func erfSquaredTimesY<T: ADScalar>(_ v: [T]) -> T {
    let e = LibmErf.apply(v[0])
    return e * e * v[1]
}

final class UserPrimitiveSecondOrderTests: XCTestCase {
    let (x, y) = (0.8, 1.4)

    /// By hand: with e = erf x, e′ = 2/√π·e^(−x²), e″ = −2x·e′,
    /// ∂²f/∂x² = 2y(e′² + e·e″), ∂²f/∂x∂y = 2e·e′, ∂²f/∂y² = 0.
    var handHessian: [[Double]] {
        let e = Foundation.erf(x), d1 = 2 / Double.pi.squareRoot() * Foundation.exp(-x * x), d2 = -2 * x * d1
        return [[2 * y * (d1 * d1 + e * d2), 2 * e * d1], [2 * e * d1, 0]]
    }

    func assertClose(_ h: [[Double]], _ label: String, file: StaticString = #filePath, line: UInt = #line) {
        for i in 0..<2 { for j in 0..<2 {
            XCTAssertEqual(h[i][j], handHessian[i][j], accuracy: 1e-14 * 4, "\(label) H[\(i)][\(j)]: \(h)", file: file, line: line)
        } }
    }

    func testForwardOverReverseHessianOfAPrimalComputedOnDoubles() throws {
        assertClose(try hessian(of: { erfSquaredTimesY($0) }, at: [x, y]), "forward-over-reverse")
    }

    func testForwardOverForwardHessianOfAPrimalComputedOnDoubles() {
        typealias D = Dual<Double, Double>
        var h = [[0.0, 0.0], [0.0, 0.0]]
        for i in 0..<2 { for j in 0..<2 {
            let v = (0..<2).map { k in
                Dual<D, D>(D([x, y][k], tangent: k == i ? 1 : 0), tangent: D(k == j ? 1 : 0, tangent: 0))
            }
            h[i][j] = erfSquaredTimesY(v).tangent.tangent
        } }
        assertClose(h, "forward-over-forward")
    }

    func testReverseOverForwardHessianOfAPrimalComputedOnDoubles() throws {
        var h: [[Double]] = []
        for j in 0..<2 {
            let rec = try record({ (z: [Reverse<Double>]) -> [Reverse<Double>] in
                let d = z.indices.map { Dual<Reverse<Double>, Reverse<Double>>(z[$0], tangent: Reverse(constant: $0 == j ? 1 : 0)) }
                return [erfSquaredTimesY(d).tangent]
            }, at: [x, y])
            h.append(try rec.pullback([1]))
        }
        assertClose(h, "reverse-over-forward")
    }
}
