import XCTest
import AdjointCore

/// Non-finite values at second order: a NaN or ∞ that only a Hessian's tangents carry is
/// reported naming the op where it was born, and one in a value the output never reads is not
/// reported at all (as at first order; see `Recording.pullback`).
final class HessianNonFiniteTests: XCTestCase {
    typealias H = HessianScalar<Double>

    /// The op an error names, or nil.
    private func op(of error: Error) -> String? {
        if case let ADError.nonFinite(_, op, _) = error { return op }
        return nil
    }

    /// f = x₀² + x₁ with 1/x₁ computed and never read: H = [[2, 0], [0, 0]] by hand. At
    /// x₁ = 1e-200 the unread quotient's tangent −1/x₁² overflows, and its zero cotangent times
    /// that was NaN in H's second column: the Hessian was refused ("non-finite Hessian-vector
    /// product entry 1"). The gradient already passed over such entries.
    func testAnUnreadOverflowIsNotReported() throws {
        let f = { (x: [H]) -> H in
            _ = 1 / x[1]
            return x[0] * x[0] + x[1]
        }
        XCTAssertEqual(try hessian(of: f, at: [1, 1e-200]), [[2, 0], [0, 0]])
        XCTAssertEqual(try hvp(of: f, at: [1, 1e-200], direction: [0.5, -3]), [1, 0])
    }

    /// The same with x₀·√x₁ unread at x₁ = 0: it was refused as "domain error in div: division
    /// by zero", an op f never applies (√'s rule 1/(2z) divides by a dual 0).
    func testAnUnreadSquareRootAtZeroIsNotReportedAsDivision() throws {
        let f = { (x: [H]) -> H in
            _ = x[0] * H.sqrt(x[1])
            return x[0] * x[0] + x[1]
        }
        XCTAssertEqual(try hessian(of: f, at: [1, 0]), [[2, 0], [0, 0]])
    }

    /// x^1.5 at 0: value and first derivative 0, second derivative 0.75/√x = +∞ (by hand). The
    /// error named no op; it now names pow, as a non-finite first derivative names its op.
    /// Likewise √x at 1e-320 (√″ = −¼x^(−3/2) overflows) names sqrt, and relu(x₀)·x₁^1.5 at
    /// (−1, 0), whose ∞ reaches H only through x₁, names pow.
    func testASecondOrderOnlyInfinityNamesItsOp() {
        let cases: [(String, [Double], ([H]) -> H)] = [
            ("pow", [0], { H.pow($0[0], 1.5) }),
            ("pow", [0], { H.pow($0[0], H(4.0 / 3)) }),
            ("sqrt", [1e-320], { H.sqrt($0[0]) }),
            ("pow", [-1, 0], { H.relu($0[0]) * H.pow($0[1], 1.5) }),
        ]
        for (name, x, f) in cases {
            XCTAssertThrowsError(try hessian(of: f, at: x), "\(name) at \(x)") { XCTAssertEqual(self.op(of: $0), name, "\($0)") }
            XCTAssertThrowsError(try hvp(of: f, at: x, direction: x.map { _ in 1 })) { XCTAssertEqual(self.op(of: $0), name, "\($0)") }
        }
    }

    /// A second directional derivative by `jvp` over duals (forward over forward): x^1.5 at 0
    /// came back as 0 + ∞ε with no error, the check read the dual's value only. By hand the
    /// first derivative is 0 and the second +∞.
    func testNestedForwardModeReportsASecondOrderInfinity() {
        typealias D = Dual<Double, Double>
        XCTAssertThrowsError(try jvp(of: { (z: [Dual<D, D>]) in [Dual<D, D>.pow(z[0], 1.5)] },
                                     at: [D(0, tangent: 1)], direction: [D(1, tangent: 0)])) {
            XCTAssertEqual(self.op(of: $0), "pow", "\($0)")
        }
        // Where every order is finite, the same call gives them all: d²(x^1.5)/dx² = 0.75/√x = 0.375 at 4.
        let r = try? jvp(of: { (z: [Dual<D, D>]) in [Dual<D, D>.pow(z[0], 1.5)] }, at: [D(4, tangent: 1)], direction: [D(1, tangent: 0)])
        XCTAssertEqual(r?.jvp.first?.tangent, 0.375)
        XCTAssertEqual(r?.jvp.first?.value, 3)
    }
}

extension HessianNonFiniteTests {
    /// `gradient` over duals, an H·v built by hand: x^1.5 at 0 returned 0 + ∞ε with no error, the
    /// check read the value only. By hand f′(0) = 0, f″(0) = +∞.
    func testGradientOverDualsReportsASecondOrderInfinity() throws {
        typealias D = Dual<Double, Double>
        XCTAssertThrowsError(try gradient(of: { (z: [Reverse<D>]) in Reverse<D>.pow(z[0], 1.5) }, at: [D(0, tangent: 1)])) {
            XCTAssertEqual(self.op(of: $0), "pow", "\($0)")
        }
        // At 4 every order is finite: f′ = 1.5√x = 3, f″ = 0.75/√x = 0.375.
        let g = try gradient(of: { (z: [Reverse<D>]) in Reverse<D>.pow(z[0], 1.5) }, at: [D(4, tangent: 1)])
        XCTAssertEqual(g.map(\.value), [3])
        XCTAssertEqual(g.map(\.tangent), [0.375])
    }
}
