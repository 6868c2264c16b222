import XCTest
import Foundation
@testable import AdjointCheck
import AdjointCore
import AdjointLinalg
import AdjointExact

// User-defined primitives, each with a correct rule and a deliberately wrong one. Expected values
// come from hand derivations written in other closed forms than the rules (implicit
// differentiation of W·e^W = x, of E − e·sin E = M), from central differences of the gradient,
// or from another mode.

/// Lambert W₀ by Halley's method on Doubles (x > −1/e).
func lambertW(_ x: Double) -> Double {
    var w = x < 1 ? x * (1 - x) : Foundation.log(x) - Foundation.log(Foundation.log(x) + 1) + 0.5
    if x < 1 && x > -0.3 { w = x / (1 + x) }
    for _ in 0..<50 {
        let e = Foundation.exp(w)
        let f = w * e - x
        let next = w - f / (e * (w + 1) - (w + 2) * f / (2 * w + 2))
        if Swift.abs(next - w) <= 1e-16 * Swift.max(1, Swift.abs(w)) { return next }
        w = next
    }
    return w
}

/// W as a Double-only black box, with W′ = W/(x(1 + W)).
enum LambertWBlackBox: BlackBoxPrimitive {
    static let name = "lambert_w"
    static let domain = "x > −1/e"
    static func domainViolation(_ x: Double, _ y: Double) -> String? { x > -1 / M_E ? nil : "lambert_w below −1/e" }
    static var sampleRanges: [ClosedRange<Double>] { [0.1...5] }
    static func evaluate(_ x: Double, _ y: Double) -> Double { lambertW(x) }
    static func derivatives(_ x: Double, _ y: Double, output w: Double) -> (Double, Double) { (w / (x * (1 + w)), 0) }
}

/// W with a generic rule. The primal solves on Doubles, then takes one Newton step in T from that
/// root: the value is unchanged, and on a dual the step carries the implicit-function tangent, so
/// the rule's own derivative (the Hessian) sees a correct output tangent.
enum LambertW: UnaryPrimitive {
    static let name = "lambert_w"
    static var sampleRanges: [ClosedRange<Double>] { [0.1...5] }
    static func primal<T: ADScalar>(_ x: T) -> T {
        let w0 = T(lambertW(x.approximateDouble))
        let e = exp(w0)
        return w0 - (w0 * e - x) / (e * (1 + w0))
    }
    static func derivative<T: ADScalar>(_ x: T, output w: T) -> T { w / (x * (1 + w)) }
}

/// Correct values and first derivative, and a primal that returns a constant in T (no Newton step):
/// once a trap (a nested derivative differentiated the primal and lost the output's tangent), now
/// harmless, since every order takes the output's derivative from the rule.
enum LambertWConstantPrimal: UnaryPrimitive {
    static let name = "lambert_w_const"
    static var sampleRanges: [ClosedRange<Double>] { [0.1...5] }
    static func primal<T: ADScalar>(_ x: T) -> T { T(lambertW(x.approximateDouble)) }
    static func derivative<T: ADScalar>(_ x: T, output w: T) -> T { w / (x * (1 + w)) }
}

/// The trap that remains: a rule computed on Doubles is right once and wrong differentiated again.
enum LambertWDoubleRule: UnaryPrimitive {
    static let name = "lambert_w_double_rule"
    static var sampleRanges: [ClosedRange<Double>] { [0.1...5] }
    static func primal<T: ADScalar>(_ x: T) -> T { LambertW.primal(x) }
    static func derivative<T: ADScalar>(_ x: T, output w: T) -> T {
        let (a, b) = (x.approximateDouble, w.approximateDouble)
        return T(b / (a * (1 + b)))
    }
}

/// A wrong rule: W′ = W/(1 + W) (the 1/x dropped).
enum LambertWWrong: UnaryPrimitive {
    static let name = "lambert_w_wrong"
    static var sampleRanges: [ClosedRange<Double>] { [0.1...5] }
    static func primal<T: ADScalar>(_ x: T) -> T { LambertW.primal(x) }
    static func derivative<T: ADScalar>(_ x: T, output w: T) -> T { w / (1 + w) }
}

/// Kepler's equation E − e·sin E = M solved for E(M, e) by Newton's method, with partials from the
/// implicit function theorem: ∂E/∂M = 1/(1 − e cos E), ∂E/∂e = sin E/(1 − e cos E).
enum Kepler: ScalarPrimitive {
    static let name = "kepler"
    static let arity = 2
    static var sampleRanges: [ClosedRange<Double>] { [0...6, 0...0.9] }
    static func solve(_ m: Double, _ e: Double) -> Double {
        var E = m + e * Foundation.sin(m)
        for _ in 0..<60 {
            let step = (E - e * Foundation.sin(E) - m) / (1 - e * Foundation.cos(E))
            E -= step
            if Swift.abs(step) <= 1e-17 * Swift.max(1, Swift.abs(E)) { break }
        }
        return E
    }
    static func primal<T: ADScalar>(_ m: T, _ e: T) -> T {
        let E0 = T(solve(m.approximateDouble, e.approximateDouble))
        return E0 - (E0 - e * sin(E0) - m) / (1 - e * cos(E0))
    }
    static func partials<T: ADScalar>(_ m: T, _ e: T, output E: T) -> (T, T) {
        let d = 1 - e * cos(E)
        return (1 / d, sin(E) / d)
    }
}

/// Kepler with ∂E/∂e's sign flipped.
enum KeplerWrong: ScalarPrimitive {
    static let name = "kepler_wrong"
    static let arity = 2
    static var sampleRanges: [ClosedRange<Double>] { [0...6, 0...0.9] }
    static func primal<T: ADScalar>(_ m: T, _ e: T) -> T { Kepler.primal(m, e) }
    static func partials<T: ADScalar>(_ m: T, _ e: T, output E: T) -> (T, T) {
        let d = 1 - e * cos(E)
        return (1 / d, -sin(E) / d)
    }
}

/// x = A(θ)⁻¹b for θ = (a₁₁, a₁₂, a₂₁, a₂₂, b₁, b₂), solved by LAPACK (dgesv).
/// JVP: ẋ = A⁻¹(ḃ − Ȧx). VJP: λ = A⁻ᵀu, ∂A = −λxᵀ, ∂b = λ.
enum LinearSolve: VectorPrimitive {
    static let name = "linear_solve"
    static func split(_ t: [Double]) -> ([[Double]], [Double]) { ([[t[0], t[1]], [t[2], t[3]]], [t[4], t[5]]) }
    static func primal(_ t: [Double]) -> [Double] {
        let (a, b) = split(t)
        return (try? JacobianAnalysis.solve(a, b)) ?? [.nan, .nan]
    }
    static func jvp(at t: [Double], direction v: [Double]) -> [Double]? {
        let (a, _) = split(t)
        let x = primal(t)
        let rhs = [v[4] - (v[0] * x[0] + v[1] * x[1]), v[5] - (v[2] * x[0] + v[3] * x[1])]
        return try? JacobianAnalysis.solve(a, rhs)
    }
    static func vjp(at t: [Double], cotangent u: [Double]) -> [Double]? {
        let (a, _) = split(t)
        let x = primal(t)
        guard let l = try? JacobianAnalysis.solve([[a[0][0], a[1][0]], [a[0][1], a[1][1]]], u) else { return nil }
        return [-l[0] * x[0], -l[0] * x[1], -l[1] * x[0], -l[1] * x[1], l[0], l[1]]
    }
    static func sampleRanges(inputs n: Int) -> [ClosedRange<Double>] { [2...3, -0.5...0.5, -0.5...0.5, 2...3, -1...1, -1...1] }
}

/// The classic slip: the VJP solves with A instead of Aᵀ.
enum LinearSolveWrongVJP: VectorPrimitive {
    static let name = "linear_solve_wrong_vjp"
    static func primal(_ t: [Double]) -> [Double] { LinearSolve.primal(t) }
    static func jvp(at t: [Double], direction v: [Double]) -> [Double]? { LinearSolve.jvp(at: t, direction: v) }
    static func vjp(at t: [Double], cotangent u: [Double]) -> [Double]? {
        let (a, _) = LinearSolve.split(t)
        let x = primal(t)
        guard let l = try? JacobianAnalysis.solve(a, u) else { return nil }
        return [-l[0] * x[0], -l[0] * x[1], -l[1] * x[0], -l[1] * x[1], l[0], l[1]]
    }
    static func sampleRanges(inputs n: Int) -> [ClosedRange<Double>] { LinearSolve.sampleRanges(inputs: n) }
}

/// A vector primitive with a JVP only.
enum ScaleJVPOnly: VectorPrimitive {
    static let name = "scale_jvp_only"
    static func primal(_ x: [Double]) -> [Double] { x.map { 3 * $0 } }
    static func jvp(at x: [Double], direction v: [Double]) -> [Double]? { v.map { 3 * $0 } }
}

/// A vector primitive whose JVP answers with one entry too many (and a right VJP).
enum ScaleLongJVP: VectorPrimitive {
    static let name = "scale_long_jvp"
    static func primal(_ x: [Double]) -> [Double] { x.map { 3 * $0 } }
    static func jvp(at x: [Double], direction v: [Double]) -> [Double]? { v.map { 3 * $0 } + [0] }
    static func vjp(at x: [Double], cotangent u: [Double]) -> [Double]? { u.map { 3 * $0 } }
}

/// |x| with no kink declared, and |x − 1| declaring its kink at 0 (the wrong place).
enum UndeclaredAbs: UnaryPrimitive {
    static let name = "undeclared_abs"
    static func primal<T: ADScalar>(_ x: T) -> T { x < 0 ? -x : x }
    static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { x < 0 ? -1 : (x > 0 ? 1 : 0) }
}
enum MisplacedKink: UnaryPrimitive {
    static let name = "misplaced_kink"
    static func primal<T: ADScalar>(_ x: T) -> T { x < 1 ? 1 - x : x - 1 }
    static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { x < 1 ? -1 : (x > 1 ? 1 : 0) }
    static func kinkDistance(_ x: Double, _ y: Double) -> Double? { Swift.abs(x) }
}
/// exp(2x) + |x| with no kink declared: its smooth part's partial changes by more per grid cell
/// near 3 than the jump of 2 at 0 (a review found the check bisecting only the largest changes).
enum ExpPlusUndeclaredAbs: UnaryPrimitive {
    static let name = "exp_plus_abs"
    static func primal<T: ADScalar>(_ x: T) -> T { exp(2 * x) + (x < 0 ? -x : x) }
    static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { 2 * exp(2 * x) + (x < 0 ? -1 : (x > 0 ? 1 : 0)) }
}
/// Smooth but steep: tanh(50x), whose partial changes by 50 within a grid step.
enum SteepTanh: UnaryPrimitive {
    static let name = "steep_tanh"
    static func primal<T: ADScalar>(_ x: T) -> T { tanh(50 * x) }
    // 50·sech²(50x) from exponentials: 50·(1 − z²) cancels where z is near ±1.
    static func derivative<T: ADScalar>(_ x: T, output z: T) -> T {
        let e = exp(-100 * abs(x))
        return 200 * e / ((1 + e) * (1 + e))
    }
}

/// A kinked primitive: |x| written by the user, declaring its kink.
enum UserAbs: UnaryPrimitive {
    static let name = "user_abs"
    static func primal<T: ADScalar>(_ x: T) -> T { x < 0 ? -x : x }
    static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { x < 0 ? -1 : (x > 0 ? 1 : 0) }
    static func kinkDistance(_ x: Double, _ y: Double) -> Double? { Swift.abs(x) }
}

final class UserPrimitiveTests: XCTestCase {
    static let omega = 0.5671432904097838   // W(1), the omega constant (textbook value)

    struct UsesW<P: ScalarPrimitive>: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [P.apply(x[0] * x[1]) + sin(x[0])] }
    }

    // MARK: Lambert W

    func testLambertWFirstDerivativeInEveryFirstOrderMode() throws {
        // Implicit differentiation of W·e^W = x: W′ = 1/(e^W(1 + W)), another closed form than the rule's.
        let hand = 1 / (Foundation.exp(Self.omega) * (1 + Self.omega))
        XCTAssertEqual(lambertW(1), Self.omega, accuracy: 1e-15)
        for p in [LambertWBlackBox.self as any ScalarPrimitive.Type, LambertW.self] {
            func run<P: ScalarPrimitive>(_: P.Type) throws {
                let g = try gradient(of: { x in P.apply(x[0]) }, at: [1.0])
                XCTAssertEqual(g[0], hand, accuracy: 1e-15, P.name)
                let d = derivative(of: { P.apply($0) }, at: 1.0)
                XCTAssertEqual(d, hand, accuracy: 1e-15, P.name)
                let f = try jvp(of: { [P.apply($0[0])] }, at: [Float(1)], direction: [1]).jvp[0]
                XCTAssertEqual(Double(f), hand, accuracy: 1e-6, P.name)
            }
            try run(p)
        }
    }

    func testBlackBoxHessianIsATypedUnsupportedErrorNamingThePrimitive() {
        XCTAssertThrowsError(try hessian(of: { x in LambertWBlackBox.apply(x[0]) }, at: [1.0])) { e in
            guard case let ADError.unsupported(op, _, _) = e else { return XCTFail("\(e)") }
            XCTAssertTrue(op.contains("lambert_w"), op)
        }
    }

    func testGenericLambertWHessianMatchesCentralDifferencesOfTheGradient() throws {
        // g(x, y) = W(x·y) + sin x: its Hessian by forward-over-reverse against central differences
        // of the reverse-mode gradient.
        func g<T: ADScalar>(_ x: [T]) -> T { LambertW.apply(x[0] * x[1]) + sin(x[0]) }
        let p = [1.3, 0.7]
        let h = try hessian(of: g, at: p)
        let step = 1e-5
        for k in 0..<2 {
            var plus = p, minus = p
            plus[k] += step; minus[k] -= step
            let gp = try gradient(of: g, at: plus), gm = try gradient(of: g, at: minus)
            for r in 0..<2 {
                XCTAssertEqual(h[r][k], (gp[r] - gm[r]) / (2 * step), accuracy: 1e-8, "H[\(r)][\(k)]")
            }
        }
        XCTAssertEqual(h[0][1], h[1][0], accuracy: 1e-14, "symmetric")
    }

    func testValidatePassesCorrectRulesAndSkipsSecondOrderForABlackBox() {
        let generic = validate(LambertW.self)
        XCTAssertTrue(generic.passed, generic.description)
        XCTAssertEqual(generic.check(named: "second-derivatives")?.outcome, .passed, generic.description)
        let box = validate(LambertWBlackBox.self)
        XCTAssertTrue(box.passed, box.description)
        XCTAssertEqual(box.check(named: "second-derivatives")?.outcome, .skipped, box.description)
    }

    func testValidateCatchesAWrongRuleNamingTheCheck() {
        let v = validate(LambertWWrong.self)
        XCTAssertFalse(v.passed)
        XCTAssertEqual(v.failedChecks.first, "partials", v.description)
        XCTAssertTrue(v.description.contains("lambert_w_wrong"))
    }

    /// x³ whose derivative is off by a relative `slip` (a mistyped constant, say).
    enum SlippedCube<Slip: SlipSize>: ScalarPrimitive {
        static var name: String { "slipped_cube" }
        static func primal<T: ADScalar>(_ x: T, _ y: T) -> T { x * x * x }
        static func partials<T: ADScalar>(_ x: T, _ y: T, output z: T) -> (T, T) { (3 * x * x * T(1 + Slip.value), 0) }
    }
    protocol SlipSize { static var value: Double { get } }
    enum NoSlip: SlipSize { static var value: Double { 0 } }
    enum SlipOneE7: SlipSize { static var value: Double { 1e-7 } }
    enum SlipOneE9: SlipSize { static var value: Double { 1e-9 } }

    /// Found by a user trial: validate passed a cube rule off by 1e-7 (Richardson's results were
    /// allowed 1e-7 relative slack). Where the primal is analytic the complex step decides, to
    /// rounding: 1e-7 and 1e-9 slips fail, the exact rule passes.
    func testValidateCatchesARuleOffBySmallRelativeAmounts() {
        XCTAssertTrue(validate(SlippedCube<NoSlip>.self).passed, validate(SlippedCube<NoSlip>.self).description)
        for v in [validate(SlippedCube<SlipOneE7>.self), validate(SlippedCube<SlipOneE9>.self)] {
            XCTAssertEqual(v.failedChecks.first, "partials", v.description)
        }
        // The same slip inside a function is localised by the check.
        let r = try? checkJacobian(of: UsesCube<SlippedCube<SlipOneE7>>(), at: [1.3])
        XCTAssertEqual(r?.passed, false, r?.renderTable() ?? "")
        XCTAssertEqual(r?.fault?.op, "slipped_cube", r?.renderTable() ?? "")
    }

    /// The cube again, its primal computed from Doubles, so the complex step is refused and
    /// Richardson alone decides. With Ridders' tableau from a fixed step it was allowed 1e-7
    /// relative slack, and a rule off by 1e-9 passed; the scanned tableau needs none.
    enum DoubleSlippedCube<Slip: SlipSize>: ScalarPrimitive {
        static var name: String { "double_slipped_cube" }
        static var sampleRanges: [ClosedRange<Double>] { [0.5...2] }
        static func primal<T: ADScalar>(_ x: T, _ y: T) -> T {
            let d = x.approximateDouble
            return T(d * d * d)
        }
        static func partials<T: ADScalar>(_ x: T, _ y: T, output z: T) -> (T, T) { (3 * x * x * T(1 + Slip.value), 0) }
    }

    func testRichardsonAloneCatchesARuleOffByOnePartInABillion() {
        let right = validate(DoubleSlippedCube<NoSlip>.self)
        XCTAssertEqual(right.check(named: "partials")?.outcome, .passed, right.description)
        for v in [validate(DoubleSlippedCube<SlipOneE7>.self), validate(DoubleSlippedCube<SlipOneE9>.self)] {
            XCTAssertEqual(v.failedChecks.first, "partials", v.description)
        }
    }

    /// A user trial saw "uses custom": exact mode names the user primitive in its way.
    func testExactModeNamesTheUserPrimitiveInItsWay() {
        let a = exactAvailability(of: UsesCube<SlippedCube<NoSlip>>(), at: [1.3])
        XCTAssertEqual(a.offendingName, "slipped_cube")
        XCTAssertEqual(a.message, "exact mode is not available: uses slipped_cube")
        // Another user primitive, by its own name too.
        XCTAssertEqual(exactAvailability(of: UsesW<LambertW>(), at: [1.1, 0.8]).offendingName, "lambert_w")
    }

    /// x·eˣ whose primal reads eˣ through a Double, with the rule that code suggests (eˣ, the
    /// true one being (1 + x)eˣ). Found in review: the complex step ran through the same Double,
    /// agreed with the wrong rule, and validate passed it.
    enum EscapingWrong: UnaryPrimitive {
        static let name = "escaping_wrong"
        static var sampleRanges: [ClosedRange<Double>] { [0.1...2] }
        static func primal<T: ADScalar>(_ x: T) -> T { x * T(Foundation.exp(x.approximateDouble)) }
        static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { T(Foundation.exp(x.approximateDouble)) }
    }

    func testAPrimalThatReadsADoubleIsJudgedByRichardson() throws {
        let v = validate(EscapingWrong.self)
        XCTAssertEqual(v.failedChecks.first, "partials", v.description)
        // Inside a function: the check's complex step through that primal is not trusted (it
        // would agree with the wrong rule), the differences call the rule wrong, and localisation
        // names the primitive.
        let r = try checkJacobian(of: UsesCube<EscapingWrong>(), at: [0.7])
        let e = r.entries[0][0]
        XCTAssertEqual(e.verdict.name, "rule-wrong", r.renderTable())
        let cs = e.ladder.first { $0.witness == "complex-step" }
        XCTAssertNotEqual(cs?.outcome, "agree", r.renderTable())
        XCTAssertEqual(r.fault?.op, "escaping_wrong", r.renderTable())
    }

    struct UsesCube<P: ScalarPrimitive>: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [sin(P.apply(x[0]))] }
    }

    func testValidateCatchesARuleThatIsWrongOnlyWhenDifferentiatedAgain() {
        let v = validate(LambertWDoubleRule.self)
        XCTAssertEqual(v.check(named: "partials")?.outcome, .passed, "first derivatives are right")
        XCTAssertEqual(v.check(named: "second-derivatives")?.outcome, .failed, v.description)
        XCTAssertFalse(v.passed)
    }

    /// A primal computed on Doubles gives the same Hessian as one with a Newton step in T (tested
    /// against differences above), and validate passes it: the rule alone gives every order.
    func testAPrimalComputedOnDoublesNeedsNoNewtonStep() throws {
        func g<P: ScalarPrimitive, T: ADScalar>(_: P.Type, _ x: [T]) -> T { let w = P.apply(x[0] * x[1]); return w * w + sin(x[0]) }
        let p = [1.3, 0.7]
        let constant = try hessian(of: { g(LambertWConstantPrimal.self, $0) }, at: p)
        let stepped = try hessian(of: { g(LambertW.self, $0) }, at: p)
        for i in 0..<2 { for j in 0..<2 {
            XCTAssertEqual(constant[i][j], stepped[i][j], accuracy: 1e-14, "H[\(i)][\(j)]: \(constant) vs \(stepped)")
        } }
        let v = validate(LambertWConstantPrimal.self)
        XCTAssertTrue(v.passed, v.description)
    }

    func testCheckJacobianCatchesAndLocalisesAWrongUserRule() throws {
        let good = try checkJacobian(of: UsesW<LambertW>(), at: [1.1, 0.8])
        XCTAssertTrue(good.passed, good.renderTable())
        let bad = try checkJacobian(of: UsesW<LambertWWrong>(), at: [1.1, 0.8])
        XCTAssertFalse(bad.passed)
        XCTAssertFalse(bad.entries(withVerdict: "rule-wrong").isEmpty, bad.renderTable())
        XCTAssertEqual(bad.fault?.op, "lambert_w_wrong", bad.renderTable())
    }

    // MARK: Kepler

    func testKeplerPartialsFromTheImplicitFunctionTheorem() throws {
        // At M = 0: E = 0 for every e, so ∂E/∂M = 1/(1 − e) and ∂E/∂e = sin 0/(1 − e) = 0 exactly.
        let g = try gradient(of: { x in Kepler.apply(x[0], x[1]) }, at: [0.0, 0.5])
        XCTAssertEqual(g, [2, 0])
        // Elsewhere: E from the solver, then the partials by hand from E − e sin E = M.
        let (m, e) = (1.2, 0.3)
        let E = Kepler.solve(m, e)
        XCTAssertEqual(E - e * Foundation.sin(E), m, accuracy: 1e-15)
        let h = try gradient(of: { x in Kepler.apply(x[0], x[1]) }, at: [m, e])
        XCTAssertEqual(h[0], 1 / (1 - e * Foundation.cos(E)), accuracy: 1e-14)
        XCTAssertEqual(h[1], Foundation.sin(E) / (1 - e * Foundation.cos(E)), accuracy: 1e-14)
        let fwd = try jacobian(of: KeplerFunction<Kepler>(), at: [m, e], mode: .forward).jacobian[0]
        // KeplerFunction is E·e: ∂/∂M = e·∂E/∂M, ∂/∂e = E + e·∂E/∂e.
        XCTAssertEqual(fwd[0], e * h[0], accuracy: 1e-15)
        XCTAssertEqual(fwd[1], E + e * h[1], accuracy: 1e-14)
        XCTAssertTrue(validate(Kepler.self).passed, validate(Kepler.self).description)
    }

    struct KeplerFunction<P: ScalarPrimitive>: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [P.apply(x[0], x[1]) * x[1]] }
    }

    func testWrongKeplerRuleIsCaughtByValidateAndByTheCheck() throws {
        let v = validate(KeplerWrong.self)
        XCTAssertEqual(v.failedChecks.first, "partials", v.description)
        let r = try checkJacobian(of: KeplerFunction<KeplerWrong>(), at: [1.2, 0.3])
        XCTAssertFalse(r.passed)
        XCTAssertEqual(r.fault?.op, "kepler_wrong", r.renderTable())
        XCTAssertEqual(r.fault?.partial, 1)
    }

    // MARK: A vector primitive through LAPACK

    struct SolveLoss<P: VectorPrimitive>: ADFunction {
        func callAsFunction<T: ADScalar>(_ t: [T]) -> [T] {
            let x = P.apply(t)
            return [x[0] * x[0] + 3 * x[1], x[0] - x[1]]
        }
    }

    struct ScaledSum<P: VectorPrimitive>: ADFunction {
        func callAsFunction<T: ADScalar>(_ t: [T]) -> [T] { let y = P.apply(t); return [y[0] + y[1]] }
    }

    /// Found by a user trial: a forward mode that failed (the JVP's length) was shown as a column
    /// of zeros graded "rule-wrong (forward)", its error nowhere. Now the column is NaN and the
    /// report names the failure; reverse (3, 3 by hand) still agrees.
    /// Found by a user trial: validate never exercised the kink declaration, so |x| with none
    /// declared passed. Its partial jumps from −1 to 1 at 0 (by hand); |x − 1| declaring its kink
    /// at 0 jumps at 1, where its declared distance is 1. A declared kink and a steep smooth
    /// partial (tanh(50x), 50·sech² changes by up to 50 between grid points) pass.
    /// Found in review: validate passed a user max whose tie rule is (1, 1), each component
    /// between its one-sided values 0 and 1. By hand its generalized gradient at a tie is
    /// {(λ, 1 − λ)}, the hull of the limits (1, 0) and (0, 1), and every point of it gives 1
    /// along (1, 1), where (1, 1) gives 2. The tie rule (½, ½) passes.
    func testValidateFailsATwoInputTieRuleOutsideTheHullOfItsLimits() {
        let wrong = validate(UserMax<TieOneOne>.self)
        XCTAssertEqual(wrong.check(named: "kinks")?.outcome, .failed, wrong.description)
        let detail = wrong.check(named: "kinks")?.detail ?? ""
        XCTAssertTrue(detail.contains("[1.0, 1.0], outside the convex hull of the one-sided gradients"), detail)
        XCTAssertTrue(detail.contains("it gives 2.0, they give 1.0"), detail)
        let right = validate(UserMax<TieHalves>.self)
        XCTAssertEqual(right.check(named: "kinks")?.outcome, .passed, right.description)
        XCTAssertTrue(right.failedChecks.isEmpty, right.description)
    }

    func testValidateFindsUndeclaredAndMisplacedKinks() throws {
        let undeclared = validate(UndeclaredAbs.self)
        XCTAssertEqual(undeclared.check(named: "kinks")?.outcome, .failed, undeclared.description)
        XCTAssertTrue(undeclared.check(named: "kinks")?.detail.contains("jumps from -1.0 to 1.0") ?? false, undeclared.description)
        XCTAssertTrue(undeclared.check(named: "kinks")?.detail.contains("no kink is declared") ?? false, undeclared.description)
        let misplaced = validate(MisplacedKink.self)
        XCTAssertEqual(misplaced.check(named: "kinks")?.outcome, .failed, misplaced.description)
        XCTAssertTrue(misplaced.check(named: "kinks")?.detail.contains("declared kink distance is 1.0") ?? false, misplaced.description)
        let declared = validate(UserAbs.self)
        XCTAssertEqual(declared.check(named: "kinks")?.outcome, .passed, declared.description)
        XCTAssertTrue(declared.check(named: "kinks")?.detail.contains("1 jump(s)") ?? false, declared.description)
        let hidden = validate(ExpPlusUndeclaredAbs.self)
        XCTAssertEqual(hidden.check(named: "kinks")?.outcome, .failed, hidden.description)
        let steep = validate(SteepTanh.self)
        XCTAssertEqual(steep.check(named: "kinks")?.outcome, .passed, steep.description)
        XCTAssertTrue(steep.passed, steep.description)
    }

    enum TriArity: ScalarPrimitive {
        static let name = "tri_arity"
        static var arity: Int { 3 }
        static func primal<T: ADScalar>(_ x: T, _ y: T) -> T { x * y }
        static func partials<T: ADScalar>(_ x: T, _ y: T, output z: T) -> (T, T) { (y, x) }
    }
    struct CallsTri: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.apply(TriArity.self, x[0], x[1])] }
    }

    /// A declared arity outside 1…2 is reported by the complex step too, when the interpreter is
    /// called directly (found by the core fixes' review: only P.apply checked it there).
    func testAnInvalidArityIsReportedByTheComplexStep() {
        let (d, diagnostics) = Diagnostics.collect { try? differenceJacobian(of: CallsTri(), at: [2.0, 3.0], method: .complexStep) }
        XCTAssertTrue(diagnostics.errors.contains { "\($0)".contains("tri_arity declares arity 3") }, "\(diagnostics.errors)")
        XCTAssertTrue(d?.jacobian.joined().allSatisfy { !$0.isFinite } ?? true, "\(String(describing: d?.jacobian))")
    }

    /// A JVP of the wrong length: forward mode is reported failed and left out (its NaN column
    /// graded every entry non-finite, reverse mode's right 3s too, a user's review); reverse mode
    /// is still judged, and the report does not pass.
    func testAFailedForwardModeIsReportedNotShownAsZeros() throws {
        let r = try checkJacobian(of: ScaledSum<ScaleLongJVP>(), at: [1, 2])
        XCTAssertTrue(r.notes.contains { $0.hasPrefix("forward mode failed:") && $0.contains("JVP") }, r.renderTable())
        XCTAssertEqual(r.subjects, ["reverse"])
        for e in r.entries[0] {
            XCTAssertEqual(try XCTUnwrap(e.subjects.first { $0.name == "reverse" }?.value), 3)
            XCTAssertEqual(e.verdict, .agree, r.renderTable())
        }
        XCTAssertFalse(r.passed)
    }

    func testLinearSolveForwardReverseAndHandAgree() throws {
        let t = [2.0, 0.5, -0.25, 3.0, 1.0, -2.0]
        let fwd = try jacobian(of: SolveLoss<LinearSolve>(), at: t, mode: .forward)
        let rev = try jacobian(of: SolveLoss<LinearSolve>(), at: t, mode: .reverse)
        // By hand: A = [[2, .5], [−.25, 3]], det = 6.125, x = A⁻¹b = [(3·1 − .5·(−2)), (2·(−2) + .25·1)]/6.125.
        let x0 = 4 / 6.125, x1 = -3.75 / 6.125
        XCTAssertEqual(fwd.value[0], x0 * x0 + 3 * x1, accuracy: 1e-15)
        // ∂x/∂b = A⁻¹ = [[3, −.5], [.25, 2]]/det, so ∂(x₀ − x₁)/∂b₁ = (3 − .25)/det.
        XCTAssertEqual(rev.jacobian[1][4], (3 - 0.25) / 6.125, accuracy: 1e-15)
        for i in 0..<2 { for j in 0..<6 {
            XCTAssertEqual(fwd.jacobian[i][j], rev.jacobian[i][j], accuracy: 1e-14, "(\(i), \(j))")
        } }
        let check = try checkJacobian(of: SolveLoss<LinearSolve>(), at: t)
        XCTAssertTrue(check.passed, check.renderTable())
    }

    func testValidateChecksTheDotProductIdentityAndCatchesAWrongVJP() {
        let good = validate(LinearSolve.self, inputs: 6)
        XCTAssertTrue(good.passed, good.description)
        XCTAssertEqual(good.check(named: "vjp")?.outcome, .passed)
        let bad = validate(LinearSolveWrongVJP.self, inputs: 6)
        XCTAssertEqual(bad.failedChecks, ["vjp"], bad.description)
        let r = try? checkJacobian(of: SolveLoss<LinearSolveWrongVJP>(), at: [2.0, 0.5, -0.25, 3.0, 1.0, -2.0])
        XCTAssertEqual(r?.passed, false, "reverse mode through the wrong VJP is caught by the check too")
    }

    func testAMissingRuleIsATypedErrorInThatModeOnly() throws {
        let y = try jvp(of: { ScaleJVPOnly.apply($0) }, at: [1.0, 2.0], direction: [1, 0])
        XCTAssertEqual(y.jvp, [3, 0])
        XCTAssertThrowsError(try gradient(of: { ScaleJVPOnly.apply($0)[0] }, at: [1.0, 2.0])) { e in
            XCTAssertEqual(e as? ADError, .missingRule(primitive: "scale_jvp_only", mode: "reverse mode", needs: "VJP"))
        }
        XCTAssertEqual(validate(ScaleJVPOnly.self, inputs: 2).check(named: "vjp")?.outcome, .skipped)
    }

    // MARK: Counts, diagnostics, tape

    func testUserPrimitivesAreCountedAndTakeOneTapeEntry() throws {
        let (_, counts) = try measureOperations { try gradient(of: { x in LambertW.apply(x[0]) }, at: [1.0]) }
        // Once when recorded and once for its rule in the sweep, as a built-in's (sqrt: 2).
        XCTAssertEqual(counts.byName["lambert_w"], 2)
        let rec = try record({ x in [LambertWBlackBox.apply(x[0])] }, at: [1.0])
        XCTAssertEqual(rec.tape.count, 2, "one input, one entry for the primitive")
        XCTAssertEqual(rec.tape.entry(1)?.name, "lambert_w")
        XCTAssertEqual(Tape<Double>.bytesPerEntry, 17, "built-in entries keep their size")
    }

    func testDeclaredDomainAndKinkAreReported() throws {
        XCTAssertThrowsError(try gradient(of: { x in LambertWBlackBox.apply(x[0]) }, at: [-1.0])) { e in
            guard case let ADError.domain(op, node, _, _) = e else { return XCTFail("\(e)") }
            XCTAssertEqual(op, "lambert_w")
            XCTAssertEqual(node, 1)
        }
        let rec = try record({ x in [UserAbs.apply(x[0]) + x[0]] }, at: [0.0])
        XCTAssertEqual(rec.diagnostics.kinks.map(\.name), ["user_abs"])
        let r = try checkJacobian(of: UserAbsFunction(), at: [0.0])
        XCTAssertEqual(r.entries[0][0].verdict.name, "kink", r.renderTable())
        XCTAssertTrue(r.passed, "1 lies between the one-sided derivatives 0 and 2")
    }

    struct UserAbsFunction: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [UserAbs.apply(x[0]) + x[0]] }
    }

    func testAPlantedMutationOfAUserRuleIsSeenByEveryMode() throws {
        let m = RuleMutation(target: "lambert_w", kind: .scale(-1))
        let (g, d) = try RuleMutations.withMutation(m) {
            (try gradient(of: { x in LambertW.apply(x[0]) }, at: [1.0]), derivative(of: { LambertW.apply($0) }, at: 1.0))
        }
        let hand = 1 / (Foundation.exp(Self.omega) * (1 + Self.omega))
        XCTAssertEqual(g[0], -hand, accuracy: 1e-15)
        XCTAssertEqual(d, -hand, accuracy: 1e-15)
    }
}

final class UserPrimitiveEscapeTests: XCTestCase {
    /// A primitive's primal that starts from a Double solve is not an escape of the function: the
    /// check of a function using it reports none and trusts the complex step as usual.
    func testReadingDoublesInsideAPrimitiveIsNotAnEscape() throws {
        let r = try checkJacobian(of: UserPrimitiveTests.UsesW<LambertW>(), at: [1.1, 0.8])
        XCTAssertEqual(r.escapes, 0, r.renderTable())
        XCTAssertTrue(r.passed)
    }
}

/// x² read through a sawtooth of height 10⁻⁴ and period 10⁻⁹ (an iterative solve stopped at a
/// loose tolerance): no difference of it settles on the engine's few ulps, and the complex step
/// cannot run on a Double-only primal; told the sawtooth's measured noise (σ ≈ 3·10⁻⁵), Richardson
/// settles on the smooth part's slope within 0.005. The rule here is wrong (3x; the smooth part's
/// slope is 2x).
enum NoisySquare: BlackBoxPrimitive {
    static let name = "noisy_square"
    static var sampleRanges: [ClosedRange<Double>] { [0.5...2] }
    static func evaluate(_ x: Double, _ y: Double) -> Double { x * x + 1e-4 * (x * 1e9).truncatingRemainder(dividingBy: 1) }
    static func derivatives(_ x: Double, _ y: Double, output z: Double) -> (Double, Double) { (3 * x, 0) }
}

/// x² plus a pseudo-random term in [0, 1) hashed from x's bits, as tall as the values it rides
/// on and smooth at no scale: no difference settles, and samples at every step spread beyond a
/// tenth of |f|, so no noise is measured either. Nothing can judge its rule (3x; the smooth
/// part's slope is 2x). (A sawtooth of that height is no such case: within a tooth it is
/// smooth, and a difference told its rounding reads the tooth's slope.)
enum UnjudgeableSquare: BlackBoxPrimitive {
    static let name = "unjudgeable_square"
    static var sampleRanges: [ClosedRange<Double>] { [0.5...2] }
    static func evaluate(_ x: Double, _ y: Double) -> Double {
        x * x + Double((x.bitPattern &* 0x9E37_79B9_7F4A_7C15) >> 11) * 0x1p-53
    }
    static func derivatives(_ x: Double, _ y: Double, output z: Double) -> (Double, Double) { (3 * x, 0) }
}

/// The same sawtooth per entry as a vector primitive, with a JVP and a VJP both wrong by the same
/// factor (3x for 2x): each is the other's transpose, and neither is the primal's derivative.
enum NoisySquares: VectorPrimitive {
    static let name = "noisy_squares"
    static func primal(_ x: [Double]) -> [Double] { x.map { $0 * $0 + 1e-4 * ($0 * 1e9).truncatingRemainder(dividingBy: 1) } }
    static func jvp(at x: [Double], direction v: [Double]) -> [Double]? { zip(x, v).map { 3 * $0 * $1 } }
    static func vjp(at x: [Double], cotangent u: [Double]) -> [Double]? { zip(x, u).map { 3 * $0 * $1 } }
}

/// `validate` passes a rule only when a difference of the primal has judged it (a user trial found
/// three ways to pass having checked nothing).
final class ValidateDecidesOrSaysSoTests: XCTestCase {
    func testPartialsNoDifferenceCouldJudgeAreInconclusiveNotAgreeing() {
        let v = validate(UnjudgeableSquare.self)
        XCTAssertEqual(v.check(named: "partials")?.outcome, .inconclusive, v.description)
        XCTAssertFalse(v.passed, v.description)
        XCTAssertTrue(v.description.contains("NOT CONFIRMED"), v.description)
        // A sawtooth of 10⁻⁴ is measured as noise where Richardson could not settle (it was
        // measured only after a disagreement, and this was inconclusive): the difference told it
        // judges the rule, and 3x is convicted against the smooth slope 2x.
        let noisy = validate(NoisySquare.self)
        XCTAssertEqual(noisy.check(named: "partials")?.outcome, .failed, noisy.description)
        // The same rule on the smooth primal is judged, and convicted (3x against 2x).
        XCTAssertEqual(validate(SlippedSquare.self).check(named: "partials")?.outcome, .failed)
    }

    func testAVJPMatchingAnUnconfirmedJVPConfirmsNothing() {
        let v = validate(NoisySquares.self, inputs: 2)
        // The JVP itself is now judged, and convicted: told the primal's measured noise (the
        // sawtooth's σ = 10⁻⁴/√12), the differences take steps where it is small and settle on
        // 2x·v (0.49929 ± 0.00098 at the first point, where 2x₀v₀ = 0.49922 by hand) against
        // the JVP's 3x·v = 0.749. Before, no difference settled and the JVP was inconclusive.
        XCTAssertEqual(v.check(named: "jvp")?.outcome, .failed, v.description)
        // The VJP, wrong alike, is judged against that same settled difference (⟨u, diff⟩ against
        // ⟨Jᵀu, v⟩), not against the refuted JVP, and convicted too; it was left inconclusive.
        XCTAssertEqual(v.check(named: "vjp")?.outcome, .failed, v.description)
        XCTAssertFalse(v.passed, v.description)
    }

    func testANonFinitePrimalInsideTheDeclaredDomainSaysWhatToChange() {
        // log declared valid on x > −1: at x ≤ 0 in its sample range the primal is NaN.
        enum LogWideDomain: UnaryPrimitive {
            static let name = "log_wide_domain"
            static var sampleRanges: [ClosedRange<Double>] { [-0.5...3] }
            static func domainViolation(_ x: Double, _ y: Double) -> String? { x > -1 ? nil : "x must be > -1" }
            static func primal<T: ADScalar>(_ x: T) -> T { T.log(x) }
            static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { 1 / x }
        }
        let v = validate(LogWideDomain.self)
        XCTAssertFalse(v.passed)
        let detail = v.check(named: "primal-finite")?.detail ?? ""
        XCTAssertTrue(detail.contains("inside the declared domain") && detail.contains("domainViolation"), detail)
    }

    func testZeroSamplesIsADeclarationErrorNotAPass() {
        for v in [validate(Scale2Checked.self, inputs: 2, samples: 0), validate(SlippedSquare.self, samples: 0)] {
            XCTAssertFalse(v.passed, v.description)
            XCTAssertEqual(v.check(named: "declaration")?.detail, "samples must be ≥ 1, got 0")
        }
    }
}

/// x² with the rule 3x: wrong, on a smooth primal.
enum SlippedSquare: UnaryPrimitive {
    static let name = "slipped_square"
    static func primal<T: ADScalar>(_ x: T) -> T { x * x }
    static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { 3 * x }
}

/// y = 2x with a right JVP and VJP.
enum Scale2Checked: VectorPrimitive {
    static let name = "scale2_checked"
    static func primal(_ x: [Double]) -> [Double] { x.map { 2 * $0 } }
    static func jvp(at x: [Double], direction v: [Double]) -> [Double]? { v.map { 2 * $0 } }
    static func vjp(at x: [Double], cotangent u: [Double]) -> [Double]? { u.map { 2 * $0 } }
}

/// Fault localisation judges a user rule in Double whatever type f was recorded in (user trial: a
/// Float check found the wrong rule's entries but named no rule; a Double one named it).
final class FloatLocalisationTests: XCTestCase {
    /// softsign u/(1 + |u|) with the derivative 1/(1 + |u|) (the square dropped): abs keeps the
    /// complex step out, so Richardson on the primal decides, and on Float samples it never settled.
    enum SlippedSoftsign: UnaryPrimitive {
        static let name = "slipped_softsign"
        static func primal<T: ADScalar>(_ x: T) -> T { x / (1 + T.abs(x)) }
        static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { 1 / (1 + T.abs(x)) }
    }
    struct ThroughSlippedSoftsign: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.exp(SlippedSoftsign.apply(T.sin(x[0]) * x[1])) + x[1]] }
    }

    func testAWrongUserRuleIsNamedInAFloatRecording() throws {
        for r in [try checkGradient(of: ThroughSlippedSoftsign(), at: [Float(0.4), 0.9]),
                  try checkGradient(of: ThroughSlippedSoftsign(), at: [0.4, 0.9])] {
            XCTAssertFalse(r.passed, r.renderTable())
            XCTAssertEqual(r.fault?.op, "slipped_softsign", r.renderTable())
            // At u = sin(0.4)·0.9 > 0 the rule says 1/(1 + u) where the slope is 1/(1 + u)² (by hand).
            let u = r.fault?.inputs.first ?? .nan
            XCTAssertEqual(r.fault?.got ?? .nan, 1 / (1 + u), accuracy: 1e-12)
            XCTAssertEqual(r.fault?.expected ?? .nan, 1 / ((1 + u) * (1 + u)), accuracy: 1e-9)
        }
    }
}

/// x ↦ 2x with its JVP's label mistyped (`tangent:` for `direction:`): Swift takes it as another
/// method, so the primitive has no JVP; validate says how the rule must read.
enum MislabelledJVP: VectorPrimitive {
    static let name = "mislabelled_jvp"
    static func primal(_ x: [Double]) -> [Double] { x.map { 2 * $0 } }
    static func jvp(at x: [Double], tangent v: [Double]) -> [Double]? { v.map { 2 * $0 } }
    static func vjp(at x: [Double], cotangent u: [Double]) -> [Double]? { u.map { 2 * $0 } }
}

final class MislabelledRuleValidationTests: XCTestCase {
    func testValidateShowsTheSignatureOfARuleItDidNotFind() {
        let v = validate(MislabelledJVP.self, inputs: 2)
        let jvp = v.check(named: "jvp")
        XCTAssertEqual(jvp?.outcome, .skipped, v.description)
        XCTAssertTrue(jvp?.detail.contains("static func jvp(at x: [Double], direction v: [Double]) -> [Double]?") ?? false, v.description)
        XCTAssertEqual(v.check(named: "vjp")?.outcome, .passed, v.description)
    }
}

/// erf from libm: its primal computes on Doubles, so a complex step through it drops the
/// imaginary part. Its rule is right: erf′ = 2/√π·e^(−x²).
enum LibmErf: UnaryPrimitive {
    static let name = "libm_erf"
    static func primal<T: ADScalar>(_ x: T) -> T { T(Foundation.erf(x.approximateDouble)) }
    static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { T(2 / Double.pi.squareRoot()) * exp(-x * x) }
}

final class ComplexStepThroughADoublePrimalTests: XCTestCase {
    struct ErfSquaredTimesY: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { let e = LibmErf.apply(x[0]); return [e * e * x[1]] }
    }

    /// The complex step of erf(x)²·y along x is refused with a reason, not 0 ± 5e-20 (by hand
    /// 2·erf(x)·erf′(x)·y = 1.67 at (0.8, 1.4)); along y it never passes through erf's argument.
    func testAComplexStepThatLostItsPerturbationIsRefused() throws {
        let d = try differenceJacobian(of: ErfSquaredTimesY(), at: [0.8, 1.4], method: .complexStep)
        let alongX = d.entries[0][0]
        XCTAssertTrue(alongX.value.isNaN, "\(alongX)")
        XCTAssertTrue(alongX.warnings.contains(.notIndependent), "\(alongX)")
        let e = Foundation.erf(0.8)
        XCTAssertEqual(d.entries[0][1].value, e * e, accuracy: 1e-15)
        XCTAssertTrue(d.entries[0][1].warnings.isEmpty, "\(d.entries[0][1])")
    }
}

/// A user primitive's declared kink in the complex step: its generic primal branches on the real
/// part, so at the kink it would continue one side and return that side's slope as a derivative.
/// It is refused there, as the registry's kinked ops are, and continued elsewhere.
final class UserPrimitiveComplexStepKinkTests: XCTestCase {
    struct ThroughUserAbs: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [UserAbs.apply(x[0]) * x[1]] }
    }

    func testTheComplexStepRefusesAUserPrimitiveAtItsDeclaredKink() throws {
        let atKink = try differenceJacobian(of: ThroughUserAbs(), at: [0.0, 2.0], method: .complexStep)
        XCTAssertEqual(atKink.unsupported, .unsupported(op: "user_abs at its kink", scalarType: "Complex<Double>", node: nil))
        XCTAssertTrue(atKink.entries[0][0].value.isNaN)
        // Away from it: ∇(|x₀|·x₁) = (sign(x₀)·x₁, |x₀|) = (−2, 0.25) at (−0.25, 2), by hand.
        let away = try differenceJacobian(of: ThroughUserAbs(), at: [-0.25, 2.0], method: .complexStep)
        XCTAssertNil(away.unsupported)
        XCTAssertEqual(away.jacobian[0], [-2, 0.25])
    }
}
