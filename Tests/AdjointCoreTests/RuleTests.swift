import XCTest
import Foundation
@testable import AdjointCore

/// Rule tests generated from the registry: for every primitive and seeded random inputs drawn from
/// its `sampleRanges`, forward mode, reverse mode and an independent hand-derived derivative agree.
///
/// The hand-derived table below is deliberately written in *different* closed forms from the
/// registry's rules (sech² instead of 1 − tanh², e^−x/(1+e^−x)² instead of σ(1−σ), …), so a wrong
/// rule cannot agree with it by sharing an expression.
final class RuleTests: XCTestCase {
    static let seed: UInt64 = 0x5EED_2026
    static let samplesPerOp = 40
    /// Relative agreement required of each mode against the hand derivation (issue requirement).
    static let tolerance = 1e-13

    /// ∂/∂x and ∂/∂y by hand, from calculus tables (libm functions only, never `Rules`).
    static func handDerivative(_ op: Op, _ x: Double, _ y: Double, _ n: Int) -> (Double, Double) {
        func sigma(_ t: Double) -> Double { 1 / (1 + Foundation.exp(-t)) }
        switch op {
        case .add: return (1, 1)
        case .sub: return (1, -1)
        case .mul: return (y, x)
        case .div: return (1 / y, -x / (y * y))
        case .neg: return (-1, 0)
        case .powi: return (Double(n) * Foundation.pow(x, Double(n - 1)), 0)
        case .pow: return (y * Foundation.pow(x, y - 1), Foundation.pow(x, y) * Foundation.log(x))
        case .square: return (2 * x, 0)
        case .sqrt: return (0.5 / Foundation.sqrt(x), 0)
        case .exp, .expm1: return (Foundation.exp(x), 0)
        case .log: return (1 / x, 0)
        case .log1p: return (1 / (1 + x), 0)
        case .sin: return (Foundation.cos(x), 0)
        case .cos: return (-Foundation.sin(x), 0)
        case .tan: let c = Foundation.cos(x); return (1 / (c * c), 0)
        case .atan: return (1 / (1 + x * x), 0)
        case .sinh: return (Foundation.cosh(x), 0)
        case .cosh: return (Foundation.sinh(x), 0)
        case .tanh: let c = Foundation.cosh(x); return (1 / (c * c), 0)
        case .asinh: return (1 / (1 + x * x).squareRoot(), 0)
        case .erf: return (2 / Double.pi.squareRoot() * Foundation.exp(-x * x), 0)
        case .sigmoid:
            let e = Foundation.exp(-x)
            return (e / ((1 + e) * (1 + e)), 0)
        case .softplus: return (Foundation.exp(x) / (1 + Foundation.exp(x)), 0)
        case .relu: return (x > 0 ? 1 : 0, 0)
        case .leakyRelu: return x > 0 ? (1, 0) : (y, x)
        case .elu: return x > 0 ? (1, 0) : (y * Foundation.exp(x), Foundation.exp(x) - 1)
        case .swish:
            let e = Foundation.exp(-x)
            return ((1 + e + x * e) / ((1 + e) * (1 + e)), 0)
        case .gelu:
            let cdf = 0.5 * Foundation.erfc(-x / 2.0.squareRoot())
            let pdf = Foundation.exp(-x * x / 2) / (2 * Double.pi).squareRoot()
            return (cdf + x * pdf, 0)
        case .abs: return (x > 0 ? 1 : -1, 0)
        case .max: return x > y ? (1, 0) : (0, 1)
        case .min: return x < y ? (1, 0) : (0, 1)
        case .hypot: let h = (x * x + y * y).squareRoot(); return (x / h, y / h)
        case .input, .constant, .custom: return (0, 0)
        }
    }

    /// Reference primals in 80-bit extended precision (11 more bits than Double), using the naive
    /// textbook formulas: the extra bits absorb their cancellation, so they judge our stable forms.
    static func handPrimal(_ op: Op, _ x: Double, _ y: Double, _ n: Int) -> Double? {
        let X = Float80(x), Y = Float80(y)
        let r: Float80
        switch op {
        case .sigmoid: r = 1 / (1 + Foundation.exp(-X))
        case .softplus: r = Foundation.log(1 + Foundation.exp(X))
        case .swish: r = X / (1 + Foundation.exp(-X))
        case .gelu: r = 0.5 * X * (1 + Foundation.erf(X / Float80(2).squareRoot()))
        case .elu: r = X > 0 ? X : Y * (Foundation.exp(X) - 1)
        case .hypot: r = (X * X + Y * Y).squareRoot()
        case .powi: r = Foundation.pow(X, Float80(n))
        case .tanh: r = Foundation.tanh(X)
        case .asinh: r = Foundation.log(X + (X * X + 1).squareRoot())
        default: return nil
        }
        return Double(r)
    }

    func close(_ a: Double, _ b: Double, _ tol: Double = RuleTests.tolerance) -> Bool {
        a == b || abs(a - b) <= tol * max(abs(a), abs(b))
    }

    func testOpInfoTableMatchesEnumOrder() {
        XCTAssertEqual(OpInfo.table.count, Op.allCases.count)
        for op in Op.allCases { XCTAssertEqual(op.info.op, op, "table entry for \(op) is misplaced") }
        XCTAssertEqual(Set(Op.primitives.map(\.info.name)).count, Op.primitives.count, "names must be unique")
        for op in Op.primitives { XCTAssertEqual(Op(name: op.info.name), op) }
    }

    func testEveryOpForwardReverseAndHandDerivationAgree() throws {
        var rng = SeededGenerator(seed: Self.seed)
        var checked = 0
        for op in Op.primitives {
            for _ in 0..<Self.samplesPerOp {
                let ranges = op.info.sampleRanges
                let x = Double.random(in: ranges[0], using: &rng)
                let y = op.arity == 2 ? Double.random(in: ranges[1], using: &rng) : x
                let n = op == .powi ? Int.random(in: -4...5, using: &rng) : 0
                let (hx, hy) = Self.handDerivative(op, x, y, n)
                let ctx = "\(op.info.name)(\(x), \(y), n: \(n)) seed \(Self.seed)"

                // Forward: one pass per input direction.
                let fwdX = applyDual(op, Dual(x, tangent: 1), Dual(y, tangent: 0), n).tangent
                XCTAssert(close(fwdX, hx), "forward ∂x \(fwdX) vs hand \(hx) for \(ctx)")

                // Reverse: record and sweep.
                let g = try gradient(of: { v in self.applyReverse(op, v[0], v.count > 1 ? v[1] : v[0], n) },
                                     at: op.arity == 2 ? [x, y] : [x])
                XCTAssert(close(g[0], hx), "reverse ∂x \(g[0]) vs hand \(hx) for \(ctx)")
                if op.arity == 2 {
                    let fwdY = applyDual(op, Dual(x, tangent: 0), Dual(y, tangent: 1), n).tangent
                    XCTAssert(close(fwdY, hy), "forward ∂y \(fwdY) vs hand \(hy) for \(ctx)")
                    XCTAssert(close(g[1], hy), "reverse ∂y \(g[1]) vs hand \(hy) for \(ctx)")
                }
                if let ref = Self.handPrimal(op, x, y, n) {
                    let z = Rules.primal(op, x, y, n)
                    XCTAssert(close(z, ref, 1e-14), "primal \(z) vs reference \(ref) for \(ctx)")
                }
                checked += 1
            }
        }
        XCTAssertEqual(checked, Op.primitives.count * Self.samplesPerOp)
    }

    /// Far tails of the stable primals: no overflow to NaN, and the output-form σ′ keeps its
    /// absolute accuracy (its relative accuracy there is documented in the registry).
    func testStablePrimalsAndRulesInTheTails() throws {
        for x in [-800.0, -40, 40, 800] {
            let s = Double.sigmoid(x), sp = Double.softplus(x)
            XCTAssert(s.isFinite && sp.isFinite, "sigmoid/softplus overflowed at \(x)")
            XCTAssertEqual(sp, max(x, 0) + (x < 0 ? Foundation.exp(x) : Foundation.exp(-x)), accuracy: 1e-15 * max(1, abs(x)))
            let d = try gradient(of: { v in sigmoid(v[0]) }, at: [x])[0]
            let exact = Double(1 / (2 + Foundation.exp(Float80(x)) + Foundation.exp(-Float80(x))))
            XCTAssertEqual(d, exact, accuracy: 1e-16, "σ′(\(x))")
        }
        // softplus at −40: log1p(e^−40) keeps the tail e^−40 that log(1 + e^−40) rounds to 0.
        XCTAssertEqual(Double.softplus(-40), Foundation.exp(-40.0), accuracy: 1e-30)
    }

    /// Tails, in relative error: rules taken from the stored output lose every digit where the output
    /// saturates (expm1′ = z + 1 at −40 gives 0 for 4.25e-18; tanh′ = 1 − z² at 20 gives 0 for
    /// 1.7e-17). References in Float80 from the textbook derivatives.
    func testRulesKeepRelativeAccuracyInTheTails() throws {
        func ref(_ op: Op, _ x: Double, _ y: Double) -> Double {
            let X = Float80(x), Y = Float80(y)
            let e = Foundation.exp(X)
            switch op {
            case .expm1: return Double(e)
            case .tanh: let c = Foundation.cosh(X); return Double(1 / (c * c))
            case .sigmoid: return Double(e / ((1 + e) * (1 + e)))
            case .swish: let s = 1 / (1 + Foundation.exp(-X)); return Double(s + X * s * (1 - s))
            case .elu: return Double(Y * e)
            case .gelu:
                let cdf = 0.5 * Foundation.erfc(-X / Float80(2).squareRoot())
                return Double(cdf + X * Foundation.exp(-X * X / 2) / (2 * Float80.pi).squareRoot())
            case .asinh: return Double(1 / (1 + X * X).squareRoot())
            default: return .nan
            }
        }
        let cases: [(Op, Double, Double)] = [
            (.expm1, -40, 0), (.expm1, -700, 0), (.expm1, 30, 0), (.tanh, 20, 0), (.tanh, -20, 0), (.tanh, 300, 0),
            (.sigmoid, 40, 0), (.sigmoid, -40, 0), (.sigmoid, 700, 0), (.swish, 40, 0), (.swish, -40, 0),
            (.elu, -40, 1.5), (.gelu, -10, 0), (.gelu, -5, 0), (.asinh, 1e200, 0), (.asinh, -3, 0),
        ]
        for (op, x, y) in cases {
            let expected = ref(op, x, y)
            let g = try gradient(of: { v in op.arity == 2 ? Reverse.apply(op, v[0], v[1], 0) : Reverse.apply(op, v[0], v[0], 0) }, at: [x, y])[0]
            let d = derivative(of: { op.arity == 2 ? Dual.apply(op, $0, Dual(constant: y), 0) : Dual.apply(op, $0, $0, 0) }, at: x)
            for (mode, got) in [("reverse", g), ("forward", d)] {
                let rel = expected == 0 ? abs(got) : abs(got - expected) / abs(expected)
                XCTAssertLessThan(rel, 1e-13, "\(op.info.name)′(\(x)) \(mode): \(got) vs \(expected)")
            }
        }
    }

    /// Division where its partial ∂z/∂y = −x/y² (or the quotient u/y of the cotangent) leaves the
    /// range but the product with the (co)tangent u does not (the fuzz finding's shape: a tiny
    /// quotient of a huge divisor, then a huge multiplier). Expected values by hand, u/y and −u·x/y²:
    ///   (3e-200, 2e87),  u = 1e280:   5e192,         −1e280·3e-200/4e174 = −7.5e-95  (partial −7.5e-375: 0);
    ///   (3e200, 2e-87),  u = 1e-280:  5e-194,        −1e-280·3e200/4e-174 = −7.5e93  (partial −7.5e373: −∞);
    ///   (3, 2e200),      u = 1e250:   5e49,          −1e250·3/4e400 = −7.5e-151      (partial −7.5e-400: 0);
    ///   (4e300, 2e200),  u = 1e-150:  5e-351 (0),    −1e-150·4e300/4e400 = −1e-250   (u/y underflows).
    /// Between them they take each order the rule can choose, in both modes.
    func testDivisionProductsSurviveWherePartialsUnderflowOrOverflow() throws {
        let cases: [(x: Double, y: Double, u: Double, dx: Double, dy: Double, partial: Double?)] = [
            (3e-200, 2e87, 1e280, 5e192, -7.5e-95, 0),
            (3e200, 2e-87, 1e-280, 5e-194, -7.5e93, -.infinity),
            (3, 2e200, 1e250, 5e49, -7.5e-151, 0),
            (4e300, 2e200, 1e-150, 0, -1e-250, nil),
        ]
        func near(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 4 * Double.ulpOfOne * abs(b) }
        for c in cases {
            let z = c.x / c.y
            if let partial = c.partial {
                XCTAssertEqual(Rules.partials(.div, c.x, c.y, 0, output: z).1, partial,
                               "the partial alone leaves the range at \(c.x)/\(c.y)")
            }
            let r = try vjp(of: { [$0[0] / $0[1]] }, at: [c.x, c.y], cotangent: [c.u]).vjp
            XCTAssert(near(r[0], c.dx) && near(r[1], c.dy), "reverse at \(c.x)/\(c.y): \(r), expected [\(c.dx), \(c.dy)]")
            // Forward mode: the same products pushed along directions of the cotangent's size.
            let fy = try jvp(of: { [$0[0] / $0[1]] }, at: [c.x, c.y], direction: [0, c.u]).jvp[0]
            XCTAssert(near(fy, c.dy), "forward ∂/∂y at \(c.x)/\(c.y): \(fy), expected \(c.dy)")
            let fx = try jvp(of: { [$0[0] / $0[1]] }, at: [c.x, c.y], direction: [c.u, 0]).jvp[0]
            XCTAssert(near(fx, c.dx), "forward ∂/∂x at \(c.x)/\(c.y): \(fx), expected \(c.dx)")
            // A chunk of directions of different sizes, ordered by one comparison of scalars: the
            // lane of size u gets the product, the unit lane the partial itself (out of range).
            let chunk = Dual<Double, SIMD2<Double>>(c.x, tangent: .zero) / Dual(c.y, tangent: SIMD2(c.u, 1))
            XCTAssert(near(chunk.tangent[0], c.dy) && (c.partial.map { chunk.tangent[1] == $0 } ?? true),
                      "chunked forward at \(c.x)/\(c.y): \(chunk.tangent)")
        }
        // Float has its own normal range: 3e-20/2e15 with a tangent 1e30 on y needs −x/y² =
        // −7.5e-51, which Float flushes to 0; the product −3e-20·1e30/4e30 = −7.5e-21 is fine.
        let t = (Dual<Float, Float>(3e-20, tangent: 0) / Dual(2e15, tangent: 1e30)).tangent
        XCTAssertEqual(t, -7.5e-21, accuracy: 4 * Float.ulpOfOne * 7.5e-21)
        // The reverse sweep of a gradient, where the cotangent 1e280 comes from the graph: f = 1e280·(x/y).
        let g = try gradient(of: { v in 1e280 * (v[0] / v[1]) }, at: [3e-200, 2e87])
        XCTAssert(near(g[0], 5e192) && near(g[1], -7.5e-95), "gradient of 1e280·x/y: \(g)")
    }

    /// powi's n·x^(n−1) leaves the range where its product with the (co)tangent does not. By hand:
    ///   1e300·x³ at x = 1e-200: ∂ = 3e300·x² = 3e-100, while 3x² = 3e-400 is 0 in Double;
    ///   x⁻³ at x = 1e-100 with cotangent 1e-300: −3e-300·x⁻⁴ = −3e100, while −3x⁻⁴ = −3e400 is −∞.
    func testPowiProductsSurviveWherePartialsLeaveTheRange() throws {
        func near(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 8 * Double.ulpOfOne * abs(b) }
        let g1 = try gradient(of: { v in 1e300 * Reverse.powi(v[0], 3) }, at: [1e-200])[0]
        XCTAssertEqual(Rules.partials(.powi, 1e-200, 1e-200, 3, output: 0).0, 0, "the partial alone underflows")
        XCTAssert(near(g1, 3e-100), "reverse: \(g1)")
        XCTAssertEqual(Rules.partials(.powi, 1e-100, 1e-100, -3, output: 0).0, -.infinity, "the partial alone overflows")
        let r3 = try vjp(of: { [Reverse.powi($0[0], -3)] }, at: [1e-100], cotangent: [1e-300]).vjp[0]
        XCTAssert(near(r3, -3e100), "reverse with a small cotangent: \(r3)")
        // Forward mode along a direction of the cotangent's size: the same folded product.
        let f3 = try jvp(of: { [Dual.powi($0[0], -3)] }, at: [1e-100], direction: [1e-300]).jvp[0]
        XCTAssert(near(f3, -3e100), "forward: \(f3)")
        // In range nothing changes: 5x⁴ at 1.3 is 14.2805 by hand (bit-identity with the partials'
        // product is RegistryTests.testProductsAreThePartialsTimesTheCotangents).
        let plain = try gradient(of: { v in Reverse.powi(v[0], 5) }, at: [1.3])[0]
        XCTAssertEqual(plain, 14.2805, accuracy: 8 * Double.ulpOfOne * 14.2805)
    }

    /// x^y at a zero base with y = 1 is x near 0⁺, so by hand ∂x = 1 and ∂y = lim x·log x = 0. The
    /// real pow defines 0⁰ as NaN, which y·x^(y−1) read: every mode and `jac` reported a NaN entry.
    func testPowAtAZeroBaseWithExponentOneHasPartialsOneAndZero() throws {
        let r = try gradient(of: { v in pow(v[0], v[1]) }, at: [0.0, 1.0])
        XCTAssertEqual(r, [1, 0])
        let f = try jvp(of: { v in [Dual.pow(v[0], v[1])] }, at: [0.0, 1.0], direction: [1, 1]).jvp
        XCTAssertEqual(f, [1])
        let fl = try gradient(of: { (v: [Reverse<Float>]) in pow(v[0], v[1]) }, at: [Float(0), 1])
        XCTAssertEqual(fl, [1, 0])
        // Elsewhere the rule is unchanged: at (0, 2) ∂x = 2·0 = 0; at (2, 1) ∂x = 1, ∂y = 2·log 2.
        XCTAssertEqual(try gradient(of: { v in pow(v[0], v[1]) }, at: [0.0, 2.0]), [0, 0])
        let g = try gradient(of: { v in pow(v[0], v[1]) }, at: [2.0, 1.0])
        XCTAssertEqual(g[0], 1)
        XCTAssertEqual(g[1], 2 * Foundation.log(2.0), accuracy: 4 * Double.ulpOfOne)
    }

    func applyDual(_ op: Op, _ x: Dual<Double, Double>, _ y: Dual<Double, Double>, _ n: Int) -> Dual<Double, Double> {
        op.arity == 2 ? Dual.applyBinary(op, x, y) : Dual.applyUnary(op, x, n)
    }

    func applyReverse(_ op: Op, _ x: Reverse<Double>, _ y: Reverse<Double>, _ n: Int) -> Reverse<Double> {
        op.arity == 2 ? Reverse.applyBinary(op, x, y) : Reverse.applyUnary(op, x, n)
    }

    /// Every op also runs on the named ADScalar requirement (not only through `apply…`), so the
    /// one-line requirement → op mapping in RegistryInterpreter is checked too.
    func testNamedRequirementsMapToTheirOps() {
        let x = Dual<Double, Double>(0.7, tangent: 1), y = Dual<Double, Double>(1.3, tangent: 0)
        typealias D = Dual<Double, Double>
        let named: [(Op, D)] = [
            (.add, x + y), (.sub, x - y), (.mul, x * y), (.div, x / y), (.neg, -x), (.powi, D.powi(x, 3)),
            (.pow, D.pow(x, y)), (.square, D.square(x)), (.sqrt, D.sqrt(x)), (.exp, D.exp(x)),
            (.expm1, D.expm1(x)), (.log, D.log(x)), (.log1p, D.log1p(x)), (.sin, D.sin(x)), (.cos, D.cos(x)),
            (.tan, D.tan(x)), (.atan, D.atan(x)), (.sinh, D.sinh(x)), (.cosh, D.cosh(x)), (.tanh, D.tanh(x)), (.asinh, D.asinh(x)),
            (.erf, D.erf(x)), (.sigmoid, D.sigmoid(x)), (.softplus, D.softplus(x)), (.relu, D.relu(x)),
            (.leakyRelu, D.leakyRelu(x, slope: y)), (.elu, D.elu(x, alpha: y)), (.swish, D.swish(x)),
            (.gelu, D.gelu(x)), (.abs, D.abs(x)), (.max, D.max(x, y)), (.min, D.min(x, y)), (.hypot, D.hypot(x, y)),
        ]
        XCTAssertEqual(Set(named.map(\.0)), Set(Op.primitives), "every primitive has a named requirement")
        for (op, d) in named {
            let (hx, _) = Self.handDerivative(op, 0.7, 1.3, 3)
            XCTAssert(close(d.tangent, hx, 1e-12), "\(op.info.name): \(d.tangent) vs \(hx)")
        }
    }
}

