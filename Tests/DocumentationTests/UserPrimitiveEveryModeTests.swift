import Adjoint
import AdjointTesting
import Foundation
import XCTest

// The README's promise for your own primitives ("it then runs in every mode"), kept by a user's
// code: four primitives, declared once, in every interpreter the toolkit has. Each mode gives the
// hand-derived value or refuses with a typed error naming the primitive; none gives a plausible
// wrong number. The point (1, 3, 1/2) keeps the hand derivation in fractions.

/// erf from libm, as a special function usually is: a primal on Doubles and a generic rule,
/// erf′ = 2/√π·e^(−x²).
private enum EveryModeErf: UnaryPrimitive {
    static let name = "every_mode_erf"
    static func primal<T: ADScalar>(_ x: T) -> T { T(Foundation.erf(x.approximateDouble)) }
    static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { T(2 / Double.pi.squareRoot()) * exp(-x * x) }
}

/// Parallel resistors x·y/(x + y): a domain, and rational-closed.
private enum EveryModeParallel: ScalarPrimitive {
    static let name = "every_mode_parallel"
    static let arity = 2
    static let isRationalClosed = true
    static let domain = "x + y ≠ 0"
    static func domainViolation(_ x: Double, _ y: Double) -> String? { x + y != 0 ? nil : "x + y = 0" }
    static func primal<T: ADScalar>(_ x: T, _ y: T) -> T { x * y / (x + y) }
    static func partials<T: ADScalar>(_ x: T, _ y: T, output z: T) -> (T, T) {
        let s = x + y
        return (y * y / (s * s), x * x / (s * s))
    }
}

/// Soft thresholding sign(x)·max(|x| − λ, 0): a domain (λ ≥ 0), kinks at |x| = λ, rational-closed.
private enum EveryModeSoftThreshold: ScalarPrimitive {
    static let name = "every_mode_soft_threshold"
    static let arity = 2
    static let isRationalClosed = true
    static let domain = "λ ≥ 0"
    static func domainViolation(_ x: Double, _ l: Double) -> String? { l >= 0 ? nil : "λ < 0" }
    static func kinkDistance(_ x: Double, _ l: Double) -> Double? { Swift.abs(Swift.abs(x) - l) }
    static func primal<T: ADScalar>(_ x: T, _ l: T) -> T { x > l ? x - l : (x < -l ? x + l : 0) }
    static func partials<T: ADScalar>(_ x: T, _ l: T, output z: T) -> (T, T) {
        x > l ? (1, -1) : (x < -l ? (1, 1) : (0, 0))
    }
}

/// Cumulative product with a hand JVP and VJP (its Jacobian is lower triangular, so a VJP written
/// as the JVP would be wrong).
private enum EveryModeCumProd: VectorPrimitive {
    static let name = "every_mode_cumprod"
    static func primal(_ x: [Double]) -> [Double] {
        var p = 1.0
        return x.map { p *= $0; return p }
    }
    /// ẏₖ = ẏₖ₋₁·xₖ + yₖ₋₁·vₖ.
    static func jvp(at x: [Double], direction v: [Double]) -> [Double]? {
        var y = 1.0, t = 0.0
        return x.indices.map { k in t = t * x[k] + y * v[k]; y *= x[k]; return t }
    }
    /// x̄ᵢ = Σ_{k ≥ i} uₖ·∏_{j ≤ k, j ≠ i} xⱼ.
    static func vjp(at x: [Double], cotangent u: [Double]) -> [Double]? {
        x.indices.map { i in
            (i..<x.count).reduce(0.0) { s, k in s + u[k] * (0...k).reduce(1.0) { $1 == i ? $0 : $0 * x[$1] } }
        }
    }
}

/// f = P(x₀, x₁)·S(x₂, ¼) + erf(x₀)·x₂.
private struct Scalars: ADFunction, Sendable {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
        [EveryModeParallel.apply(x[0], x[1]) * EveryModeSoftThreshold.apply(x[2], T(0.25)) + EveryModeErf.apply(x[0]) * x[2]]
    }
}

/// The rational part alone: P(x₀, x₁)·S(x₂, ¼).
private struct Rationals: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
        [EveryModeParallel.apply(x[0], x[1]) * EveryModeSoftThreshold.apply(x[2], T(0.25))]
    }
}

/// g = y₀y₁ + y₂ with y = cumprod(x): g = x₀²x₁ + x₀x₁x₂.
private struct Products: ADFunction, Sendable {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { let y = EveryModeCumProd.apply(x); return [y[0] * y[1] + y[2]] }
}

final class UserPrimitiveEveryModeTests: XCTestCase {
    let x = [1.0, 3.0, 0.5]
    let (e1, d1) = (Foundation.erf(1.0), 2 / Double.pi.squareRoot() * Foundation.exp(-1.0))

    /// By hand at (1, 3, ½): P = ¾, ∂P = (9/16, 1/16); S = ¼, ∂S/∂x₂ = 1; so
    /// f = 3/16 + erf(1)/2 and ∇f = (9/64 + erf′(1)/2, 1/64, ¾ + erf(1)).
    var value: Double { 3.0 / 16 + e1 / 2 }
    var gradient: [Double] { [9.0 / 64 + d1 / 2, 1.0 / 64, 0.75 + e1] }
    /// P_xx = −2y²/(x+y)³ = −9/32, P_xy = 2xy/(x+y)³ = 3/32, P_yy = −2x²/(x+y)³ = −1/32, times S = ¼;
    /// erf″(1)·x₂ = −2·erf′(1)·½; the x₂ column is ∂P·∂S/∂x₂ + erf′(1).
    var hessian: [[Double]] {
        [[-9.0 / 128 - d1, 3.0 / 128, 9.0 / 16 + d1], [3.0 / 128, -1.0 / 128, 1.0 / 16], [9.0 / 16 + d1, 1.0 / 16, 0]]
    }

    func assertClose(_ a: [Double], _ b: [Double], _ tol: Double, _ label: String, line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, label, line: line)
        for (p, q) in zip(a, b) { XCTAssertEqual(p, q, accuracy: tol, "\(label): \(a) vs \(b)", line: line) }
    }

    func assertRefused(_ name: String, _ label: String, line: UInt = #line, _ body: () throws -> Any) {
        XCTAssertThrowsError(try body(), label, line: line) { e in
            guard case let ADError.unsupported(op, _, _) = e else { return XCTFail("\(label): \(e)", line: line) }
            XCTAssertTrue(op.hasPrefix(name), "\(label): \(op)", line: line)
        }
    }

    func testScalarPrimitivesInEveryFirstOrderMode() async throws {
        XCTAssertEqual(Scalars()(x)[0], value, accuracy: 1e-15)
        XCTAssertEqual(Double(Scalars()(x.map { Float($0) })[0]), value, accuracy: 1e-6)
        for mode in [JacobianMode.forward, .reverse] {
            assertClose(try jacobian(of: Scalars(), at: x, mode: mode).jacobian[0], gradient, 1e-15, "\(mode)")
            assertClose(try await jacobian(of: Scalars(), at: x, mode: mode, tasks: 2).jacobian[0], gradient, 1e-15, "\(mode), 2 tasks")
            let float = try jacobian(of: Scalars(), at: x.map { Float($0) }, mode: mode).jacobian[0].map { Double($0) }
            assertClose(float, gradient, 1e-6, "\(mode), Float")
        }
        assertClose(try sparseJacobian(of: Scalars(), at: x).matrix.dense()[0], gradient, 1e-15, "sparse")
        let report = try checkJacobian(of: Scalars(), at: x)
        XCTAssertTrue(report.passed, report.renderTable())
        let symbolic = try SymbolicDifferentiation.jacobian(of: Scalars(), inputs: 3)
        assertClose(try ExpressionGraph.shared.evaluate(symbolic.jacobian[0].map(\.id), at: x), gradient, 1e-15, "symbolic")
        // The complex step refuses the column whose perturbation erf's Double primal drops, and
        // measures the others.
        let cs = try differenceJacobian(of: Scalars(), at: x, method: .complexStep)
        XCTAssertTrue(cs.entries[0][0].value.isNaN && cs.entries[0][0].warnings.contains(.notIndependent), "\(cs.entries[0][0])")
        assertClose(Array(cs.jacobian[0].dropFirst()), Array(gradient.dropFirst()), 1e-15, "complex step")
    }

    func testScalarPrimitivesInEverySecondOrderMode() throws {
        let h = try Adjoint.hessian(of: Scalars(), at: x)
        for i in 0..<3 { assertClose(h[i], hessian[i], 1e-15, "forward-over-reverse row \(i)") }
        let sparse = try sparseHessian(of: Scalars(), at: x).matrix.dense()
        for i in 0..<3 { assertClose(sparse[i], hessian[i], 1e-15, "sparse row \(i)") }
        let symbolic = try SymbolicDifferentiation.hessian(of: Scalars(), inputs: 3)
        let s = try ExpressionGraph.shared.evaluate(symbolic.entries.map(\.id), at: x)
        for i in 0..<3 { assertClose(Array(s[(3 * i)..<(3 * i + 3)]), hessian[i], 1e-15, "symbolic row \(i)") }
        var options = AdjointTestOptions()
        options.trials = 1
        let harness = checkProperty(.hessian(of: Scalars(), inputs: .point(x)), options: options)
        XCTAssertNil(harness.failure, harness.message)
    }

    func testExactModeRunsTheDeclaredRationalPrimitivesAndRefusesErfByName() throws {
        for mode in [JacobianMode.forward, .reverse] {
            XCTAssertEqual(try exactJacobian(of: Rationals(), at: ["1", "3", "1/2"], mode: mode).jacobian, [["9/64", "1/64", "3/4"]])
            assertRefused("every_mode_erf", "\(mode)") { try exactJacobian(of: Scalars(), at: ["1", "3", "1/2"], mode: mode) }
        }
    }

    func testDomainsAndKinksAreReportedInEveryMode() throws {
        let outside = [1.0, 3.0, 0.5]
        struct NegativeLambda: ADFunction {
            func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [EveryModeSoftThreshold.apply(x[0], -x[1])] }
        }
        for (label, body) in [("forward", { _ = try jacobian(of: NegativeLambda(), at: outside, mode: .forward) }),
                              ("reverse", { _ = try jacobian(of: NegativeLambda(), at: outside, mode: .reverse) }),
                              ("hessian", { _ = try Adjoint.hessian(of: NegativeLambda(), at: outside) }),
                              ("symbolic", { _ = try SymbolicDifferentiation.jacobian(of: NegativeLambda(), inputs: 3, at: outside) })]
            as [(String, () throws -> Void)] {
            XCTAssertThrowsError(try body(), label) { e in
                guard case let ADError.domain(op, _, _, _) = e else { return XCTFail("\(label): \(e)") }
                XCTAssertEqual(op, "every_mode_soft_threshold", label)
            }
        }
        // At the kink |x₂| = ¼ both modes take the declared convention (0) and report the kink.
        for mode in [JacobianMode.forward, .reverse] {
            let r = try jacobian(of: Rationals(), at: [1, 3, 0.25], mode: mode)
            XCTAssertEqual(r.jacobian[0], [0, 0, 0], "\(mode)")
            XCTAssertEqual(r.diagnostics.kinks.map(\.name), ["every_mode_soft_threshold"], "\(mode)")
        }
    }

    /// ∇g = (2x₀x₁ + x₁x₂, x₀² + x₀x₂, x₀x₁) = (7.5, 1.5, 3) at (1, 3, ½).
    func testAVectorPrimitiveInTheFirstOrderModesAndRefusedElsewhere() async throws {
        let hand = [7.5, 1.5, 3.0]
        for mode in [JacobianMode.forward, .reverse] {
            XCTAssertEqual(try jacobian(of: Products(), at: x, mode: mode).jacobian[0], hand, "\(mode)")
            let concurrent = try await jacobian(of: Products(), at: x, mode: mode, tasks: 2).jacobian[0]
            XCTAssertEqual(concurrent, hand, "\(mode), 2 tasks")
        }
        XCTAssertEqual(try sparseJacobian(of: Products(), at: x, mode: .forward).matrix.dense()[0], hand)
        XCTAssertEqual(try sparseJacobian(of: Products(), at: x, mode: .reverse).matrix.dense()[0], hand)
        let report = try checkJacobian(of: Products(), at: x)
        XCTAssertTrue(report.passed, report.renderTable())
        XCTAssertTrue(validate(EveryModeCumProd.self, inputs: 3).passed)
        // Second order, exact and symbolic modes have no rule for a Double-valued vector primitive.
        assertRefused("every_mode_cumprod", "hessian") { try Adjoint.hessian(of: Products(), at: x) }
        assertRefused("every_mode_cumprod", "exact") { try exactJacobian(of: Products(), at: ["1", "3", "1/2"]) }
        assertRefused("every_mode_cumprod", "symbolic") { try SymbolicDifferentiation.jacobian(of: Products(), inputs: 3) }
    }
}
