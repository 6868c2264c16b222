import AdjointCore
import ComplexModule
import RealModule

// Complex numbers as an Adjoint scalar, for complex-step differentiation.
//
// Goals, in priority order:
//   1. Every op that is analytic near the real axis is evaluated by its analytic continuation, so
//      Im f(x + ih)/h is the derivative up to O(h²) with no subtraction anywhere.
//   2. Ops with kinks (abs, relu, max, …) are analytic on each side of them: their declared
//      primal, whose branches compare real parts, continues the piece the real point is on, and
//      Im f(x + ih)/h is that piece's derivative, which is f′(x) there (|x| at −2 gives −1). At a
//      kink itself no continuation exists and none is invented: the op reports
//      `ADError.unsupported` ("abs at its kink") and returns NaN. Refusing every kinked op
//      everywhere (as before) left the complex step out of any check of code with a max, an abs
//      or a stopping test `abs(delta) > tol` in it, though its branches were taken far from 0.
//   3. Integer powers are computed by multiplication, or in polar form about the positive real
//      axis for |n| > 32 (see powiPolar): exp(n·log z) takes the principal log and is wrong for
//      negative real parts (its imaginary part jumps by 2πn·h).
//   4. The imaginary part of f(x + ih) must keep its relative accuracy when h is tiny: no formula
//      may subtract two O(1) quantities to get an O(h) one. swift-numerics 1.1.1 breaks this for
//      atan (a difference of two log1p's: the imaginary part came out exactly 0), for tanh (all
//      digits lost beyond |x| ≈ 18) and has the wrong sign of Im sinh and Im cosh for x ≤ −20;
//      those three are written below from identities whose parts are each accurate
//      (ComplexStepTests checks every analytic op against hand derivatives, tails included).
//   5. The real part of each op is the real op's value, as the floats compute it, wherever the
//      two agree to rounding (``Complex/onTheFloatsPath(_:real:)``): the witness then rounds as the
//      modes do. Where they differ by more (a step as wide as |x|), the continuation's stands, so
//      Im f(x + ih)/h is the complex step at every step.

// Constrained as the ADScalar conformance is, so that its `/` (Smith's, below) is the witness of
// TangentVector's `/` too, which generic code dividing two scalars calls: unconstrained, the
// witness was swift-numerics' division, whatever ADScalar's extension declared.
extension Complex: TangentVector where RealType: BinaryFloatingPoint {
    /// Complex numbers scale complex tangents.
    public typealias Scalar = Complex<RealType>
    /// One direction per complex tangent.
    public static var laneCount: Int { 1 }
    public subscript(lane lane: Int) -> Complex<RealType> {
        get { self }
        set { self = newValue }
    }
}

/// Float literals on the real axis, so generic code with `0.5 * x` runs in complex-step mode.
extension Complex: @retroactive ExpressibleByFloatLiteral where RealType: BinaryFloatingPoint {
    public init(floatLiteral value: Double) { self.init(RealType(value), 0) }
}

/// The complex-step scalar. Conformance is for binary floating-point components (Double, Float).
///
/// `<` compares real parts only: the complex-step convention, under which a branch taken on the
/// real primal (`if x < 0 …`) is the branch the analytic continuation follows. It is not a total
/// order on complex numbers and must not be used as one.
///
/// `Complex` is swift-numerics' type, which `import Adjoint` does not re-export: a package using it
/// directly depends on swift-numerics' `ComplexModule` product and imports it.
///
/// ```swift
/// import ComplexModule
/// let z = Complex<Double>(1.5, 1e-20)
/// let d = Complex<Double>.sin(z).imaginary / 1e-20   // cos 1.5
/// ```
extension Complex: ADScalar where RealType: BinaryFloatingPoint {
    /// Embeds a real constant on the real axis.
    public init(_ constant: Double) { self.init(RealType(constant), 0) }
    /// Embeds an integer on the real axis.
    public init(_ integer: Int) { self.init(RealType(integer), 0) }

    /// The real part as a Double, or NaN when either part is not finite (so a NaN imaginary part,
    /// the complex-step derivative, cannot hide behind a finite real part).
    public var approximateDouble: Double {
        // Off the real axis this drops the complex-step perturbation: an escape.
        if imaginary != 0 { Diagnostics.noteEscape() }
        return isFinite ? Double(real) : .nan
    }
    /// Whether both parts are finite.
    public var isFiniteValue: Bool { isFinite }

    /// Orders by real part: the complex-step convention (see the type's documentation).
    public static func < (lhs: Complex, rhs: Complex) -> Bool { lhs.real < rhs.real }
    /// Real parts, as `<`, so `<=` and `>=` take the branch the real primal takes (the user's
    /// `==` is swift-numerics' and still compares both parts).
    public static func orderEqual(_ lhs: Complex, _ rhs: Complex) -> Bool { lhs.real == rhs.real }
    public static var roundsArithmetic: Bool { true }

    /// The registry's flags are checked once here: an analytic op runs its declared primal,
    /// whose branches are chosen on the real part; an op with kinks does too, away from them (see
    /// the file comment), and is reported at one; any other op is reported under its own name.
    public static func apply(_ op: Op, _ x: Complex, _ y: Complex, _ n: Int) -> Complex {
        if op.info.isAnalytic { return onTheFloatsPath(Rules.primal(op, x, y, n), real: realPrimal(op, x.real, y.real, n)) }
        guard case .kinks = op.info.smoothness else { return unsupported(op) }
        // The kink is where the real parts put it: the imaginary step is a perturbation, not a
        // displacement (|x + ih| is no kink of abs for x ≠ 0).
        if let d = Rules.kinkDistance(op, Complex(x.real, 0), Complex(y.real, 0)) {
            if d.real == 0 { return unsupported(atKinkOf: op.info.name, kink: op.info.smoothness) }
            // A piece that is not entire is known analytic only within the kink distance (see
            // OpInfo.piecesAreEntire); a step reaching it would continue past its branch points.
            if !op.info.piecesAreEntire && !(Swift.max(x.imaginary.magnitude, y.imaginary.magnitude) < d.real) {
                return unsupported(reachingKinkOf: op.info.name, kink: op.info.smoothness)
            }
        }
        return onTheFloatsPath(Rules.primal(op, x, y, n), real: realPrimal(op, x.real, y.real, n))
    }

    /// Division whose real part is the real quotient wherever the imaginary parts are as small
    /// as a complex step's. The witness of ADScalar's `/` for the complex step: swift-numerics'
    /// z·(w̄/|w|²) rounded Re((10⁷ + ih)/3) to …333 where 10⁷/3 is …335 (see
    /// ``onTheFloatsPath(_:real:)``). The real part is Smith's: with r = d/c it is
    /// (a + b·r)/(c + d·r), and a + b·r rounds to a, c + d·r to c. The imaginary part is
    /// swift-numerics' as before (Smith's rounded the cancelling b − a·r differently, 400 ulps off
    /// forward mode's on (1 − cos x)/x² at 10⁻⁶), and Smith's where |w|² leaves the normal range.
    ///
    /// ```swift
    /// let q = Complex<Double>(1e7, 1e-20) / Complex<Double>(3, 0)   // real part 10⁷/3 as Doubles
    /// ```
    public static func / (z: Complex, w: Complex) -> Complex {
        let (a, b, c, d) = (z.real, z.imaginary, w.real, w.imaginary)
        let smith: Complex
        if d == 0 {
            smith = Complex(a / c, b / c)
        } else if c.magnitude >= d.magnitude {
            let r = d / c, den = c + d * r
            smith = Complex((a + b * r) / den, (b - a * r) / den)
        } else {
            let r = c / d, den = c * r + d
            smith = Complex((a * r + b) / den, (b * r - a) / den)
        }
        let lengthSquared = w.lengthSquared
        guard lengthSquared.isNormal else { return smith }
        return Complex(smith.real, (z * w.conjugate.divided(by: lengthSquared)).imaginary)
    }

    /// The op's value on the real parts, as the floats compute it (Double and Float), or nil.
    static func realPrimal(_ op: Op, _ x: RealType, _ y: RealType, _ n: Int) -> RealType? {
        if let a = x as? Double, let b = y as? Double { return Rules.primal(op, a, b, n) as? RealType }
        if let a = x as? Float, let b = y as? Float { return Rules.primal(op, a, b, n) as? RealType }
        return nil
    }

    /// `z` with its real part replaced by `real`, the op's value on the real parts as the floats
    /// compute it, where the two agree to rounding. The continuation's real part is that value up
    /// to h², but its formulas round differently: swift-numerics divides as z·(w̄/|w|²), so
    /// Re((10⁷ + ih)/3) was 3333333.333333333 where 10⁷/3 is …335, and sin of it moved the complex
    /// step's derivative by 2·10⁻¹¹ relative to forward and reverse mode's (a review: right sin
    /// rules were convicted at sin(x/3), 10⁷, and at sin(10¹⁰·tanh x), where the real parts of
    /// tanh, atan, log1p … differ from libm's by an ulp). The imaginary part stays the
    /// continuation's, so no derivative rule is used; the witness differentiates the same
    /// floating-point path as the modes. A real value that is NaN where the continuation's is not
    /// (outside the real domain) changes nothing.
    ///
    /// Where the two real parts differ by more than rounding
    /// (``DifferenceTuning/complexStepRealAgreementULPs``), the difference is the O(h²) part of
    /// the continuation (−h²f″/2 and its like), not rounding, and the continuation's is kept:
    /// dropping it mixes two evaluations, and Im f(x + ih)/h is then not the complex step at all.
    /// `jac sweep "(1-cos(x))/x^2" --at x=1e-3` read an error of 1.25·10⁻⁴ at h = 0.1 where
    /// the complex step's is 5.6·10⁻⁸ (Python's cmath, and mpmath at 40 digits): at x ± ih with
    /// h ≥ |x| the replaced 1 − cos and x² no longer belonged to the same point. At the check's
    /// own steps (10⁻²⁰·|x| in Double) the O(h²) part is far below an ulp and every real part
    /// is replaced as before.
    @inline(__always)
    static func onTheFloatsPath(_ z: Complex, real: RealType?) -> Complex {
        guard let real, !real.isNaN || z.real.isNaN else { return z }
        // A continuation that overflowed or is NaN: the floats' value stands, as before. Real
        // parts that meet a pole the complex point is off (x/x² at x ± ix, where Re(x + ix)² is 0)
        // leave the floats infinite and the continuation finite: the continuation's.
        guard real.isFinite && z.real.isFinite else { return z.real.isFinite ? z : Complex(real, z.imaginary) }
        let agreement = RealType(DifferenceTuning.complexStepRealAgreementULPs)
        let tolerance = agreement * (RealType.ulpOfOne * Swift.max(real.magnitude, z.real.magnitude) + RealType.leastNonzeroMagnitude)
        guard (z.real - real).magnitude <= tolerance else { return z }
        return Complex(real, z.imaginary)
    }

    /// The analytic continuations from swift-numerics; integer powers by binary powering (see the
    /// file comment for why not exp(n·log z)).
    public static func native(_ op: Op, _ x: Complex, _ y: Complex, _ n: Int) -> Complex {
        switch op {
        case .powi: return ComplexStepFunctions.powi(x, n)
        case .square: return x * x
        case .sqrt: return ComplexStepFunctions.sqrt(x)
        case .atan: return ComplexStepFunctions.atan(x)
        case .sinh: return ComplexStepFunctions.sinh(x)
        case .cosh: return ComplexStepFunctions.cosh(x)
        case .tanh: return ComplexStepFunctions.tanh(x)
        case .pow: return ComplexStepFunctions.pow(x, y)
        default: return ComplexElementary.evaluate(op, x, y) ?? unsupported(op)
        }
    }

    /// A user scalar primitive on a complex point: its generic primal, like the default, but with
    /// its escapes counted. Reading a Double inside a primitive is no escape for AD (the rule, not
    /// the primal, gives the derivative), but here it drops the imaginary part the complex step
    /// measures, so the check must see it and stop trusting this witness.
    /// At the primitive's declared kink its primal's branch is one side's, so it is refused there
    /// as the registry's kinked ops are; so is a step whose imaginary parts reach as far as the
    /// declared kink distance, as for a registry op whose pieces are not entire
    /// (``OpInfo/piecesAreEntire``), unless the primitive declares its pieces entire
    /// (``ScalarPrimitive/piecesAreEntire``): undeclared, its pieces may branch as near as its
    /// kink, and a user √(z² + y²) at z = 0, y = 10⁻³⁰, stepped by 7·10⁻²¹ along z, gave
    /// √((ih)² + y²) ≈ ih, a derivative of 1 ± 4.4·10⁻¹⁶ for 0. A user abs declared entire keeps
    /// the complex step where a step reaches its kink (its argument 10⁻³⁰, the step 10⁻²¹), which
    /// it lost undeclared. The declaration is the user's, so it is tested where it is relied on:
    /// see ``continuesOnePiece(_:_:_:kinkDistance:)``.
    public static func apply<P: ScalarPrimitive>(_ primitive: P.Type, _ x: Complex, _ y: Complex) -> Complex {
        Instrumentation.count(primitive: P.name)
        guard P.hasValidArity() else { return Complex(RealType.nan, RealType.nan) }   // reported, as in every mode
        if let d = P.kinkDistance(Double(x.real), Double(y.real)) {
            if d == 0 { return unsupported(atKinkOf: P.name, kink: nil) }
            let reach = Double(Swift.max(x.imaginary.magnitude, y.imaginary.magnitude))
            // A NaN or negative distance locates no piece, declared entire or not.
            if !(reach < d) && !(P.piecesAreEntire && d > 0 && continuesOnePiece(P.self, x, y, kinkDistance: d)) {
                return unsupported(reachingKinkOf: P.name, kink: nil)
            }
        }
        // The real part as the floats compute it, as for the registry's ops (onTheFloatsPath).
        let real: RealType?
        if let a = x.real as? Double, let b = y.real as? Double { real = P.primal(a, b) as? RealType }
        else if let a = x.real as? Float, let b = y.real as? Float { real = P.primal(a, b) as? RealType }
        else { real = nil }
        return onTheFloatsPath(P.primal(x, y), real: real)
    }

    /// Whether primitive `P`'s primal, declared to have entire pieces, moves its imaginary part in
    /// proportion to the step's between the step's reach and a quarter of its kink distance, as an
    /// analytic piece does to first order: Im P(x + i·s·Im x) / s against Im P(x + i·Im x), for
    /// s the power of two at most d/(4·reach), within ε of the larger plus the rounding of the
    /// smaller one's imaginary part.
    ///
    /// Why ε and a power of two: the complex step then claims an error of a couple of ulps, so a
    /// gap the test lets through must be below that. Scaling imaginary parts by a power of two
    /// is exact, and an entire piece at the check's steps (whose h² terms are far below an ulp)
    /// rounds its scaled imaginary part exactly as its unscaled one: abs, relu and clamp read the
    /// same to the bit. The test accepted gaps up to 2⁻²⁰ before (review of a2cb6110): √(z² + y²)
    /// declared entire at z = 2⁻⁹⁰, y = 2⁻¹⁰² differed by 3·10⁻⁸, was accepted, and the step read
    /// 1 ± 4.4·10⁻¹⁶ for 1 − 2.98·10⁻⁸; a complex-step-only check passed the rule claiming 1.
    /// A true declaration whose piece curves on the scale of its kink distance may now be refused
    /// where its step reaches the kink: inconclusive, never wrong.
    ///
    /// A declaration is the user's word. √(z² + y²) declared entire at z = 0, y = 10⁻³⁰, stepped by
    /// 7·10⁻²¹: past its branch points Im √((ih)² + y²) ≈ h, inside them 0 (√(y² − η²) is real),
    /// and the step read 1 for ∂/∂z = 0; a complex-step-only check passed a rule claiming 1 on it.
    /// Refused here, as undeclared. One evaluation of the primal more, only where a step reaches
    /// a declared kink.
    static func continuesOnePiece<P: ScalarPrimitive>(_: P.Type, _ x: Complex, _ y: Complex, kinkDistance d: Double) -> Bool {
        let reach = Double(Swift.max(x.imaginary.magnitude, y.imaginary.magnitude))
        guard reach > 0, reach.isFinite else { return false }
        let quarter = d / (4 * reach)
        guard quarter.isFinite, quarter > 0 else { return false }
        // The largest power of two at most d/(4·reach), so that scaling is exact.
        let s = RealType(Double(sign: .plus, exponent: quarter.exponent, significand: 1))
        guard s > 0 else { return false }
        // The test's own evaluations report nothing: the one the caller makes next reports as before.
        let (outer, inner) = Diagnostics.collect({ Diagnostics.quietly {
            (P.primal(x, y).imaginary, P.primal(Complex(x.real, x.imaginary * s), Complex(y.real, y.imaginary * s)).imaginary)
        } }, keeping: { _ in EvaluationDiagnostics() })
        let a = Double(outer), b = Double(inner) / Double(s)
        guard a.isFinite, b.isFinite else { return false }
        let rounding = Double(RealType.leastNormalMagnitude) / Double(s)
        return Swift.abs(a - b) <= Double(RealType.ulpOfOne) * Swift.max(Swift.abs(a), Swift.abs(b)) + rounding
    }

    static func unsupported(_ op: Op) -> Complex {
        Diagnostics.report(.unsupported(op: op.info.name, scalarType: "Complex<\(RealType.self)>", node: nil))
        return Complex(RealType.nan, RealType.nan)
    }

    /// An op whose piece is not entire, at a complex step that reaches as far off the axis as its
    /// kink: the continuation of the piece is not known to hold there.
    static func unsupported(reachingKinkOf name: String, kink: Smoothness?) -> Complex {
        var what = "\(name) with a complex step as wide as its distance to its kink"
        if case let .kinks(at: place)? = kink { what += " (\(place))" }
        Diagnostics.report(.unsupported(op: what, scalarType: "Complex<\(RealType.self)>", node: nil))
        return Complex(RealType.nan, RealType.nan)
    }

    /// An op evaluated exactly at its kink, where no analytic continuation exists.
    static func unsupported(atKinkOf name: String, kink: Smoothness?) -> Complex {
        var what = "\(name) at its kink"
        if case let .kinks(at: place)? = kink { what += " (\(place))" }
        Diagnostics.report(.unsupported(op: what, scalarType: "Complex<\(RealType.self)>", node: nil))
        return Complex(RealType.nan, RealType.nan)
    }
}

/// Complex functions written for the complex step, where swift-numerics' versions lose the tiny
/// imaginary part (its atan is a difference of two log1p that cancels it; its tanh loses every digit
/// past |x| ≈ 18; its sinh/cosh get the imaginary part's sign wrong for x ≤ −20; found by fuzzing).
enum ComplexStepFunctions {
    /// zⁿ by binary powering (see the file comment for why not exp(n·log z)). For n < 0 and
    /// |z| < 1 the product is formed from 1/z, so the intermediate z^|n| cannot underflow into
    /// subnormals when the result is near overflow (`make fuzz`: x^-707 at 0.37 lost three digits
    /// of its imaginary part, far beyond its error estimate).
    static func powi<R: Real & BinaryFloatingPoint>(_ x: Complex<R>, _ n: Int) -> Complex<R> {
        if n.magnitude > 32, let z = powiPolar(x, n) { return z }
        if n < 0 && x.lengthSquared < 1 && n != Int.min { return Complex<R>.powiByMultiplication(1 / x, -n) }
        return Complex<R>.powiByMultiplication(x, n)
    }

    /// zⁿ for large |n| about the real axis, in Double: with z = a(1 + it), a = Re z > 0 (a
    /// negative real part is flipped, (−z)ⁿ·(−1)ⁿ, so no principal log meets its cut),
    /// zⁿ = aⁿ·(1 + t²)^(n/2)·e^(i·n·atan t). Each factor is accurate to a few ulps whatever n is;
    /// binary powering doubles the relative error at each squaring, n·ε in all: x^100000 at 1.001
    /// was off by 2.7e-12 relative in its derivative, 6000 times the estimate it reported.
    /// Nil off the axis's neighbourhood (|Im z| > |Re z|) or at Re z = 0, where powering is used.
    static func powiPolar<R: Real & BinaryFloatingPoint>(_ x: Complex<R>, _ n: Int) -> Complex<R>? {
        let re = Double(x.real), im = Double(x.imaginary)
        guard re != 0, re.isFinite, im.isFinite, Swift.abs(im) <= Swift.abs(re) else { return nil }
        let flip = re < 0
        let a = flip ? -re : re
        let t = (flip ? -im : im) / a
        let m = Double(n)
        let magnitude = Double.pow(a, m) * Double.exp(m / 2 * Double.log(onePlus: t * t))
        let angle = m * Double.atan(t)
        let sign: Double = flip && n & 1 != 0 ? -1 : 1
        return Complex(R(sign * magnitude * Double.cos(angle)), R(sign * magnitude * Double.sin(angle)))
    }

    /// atan z = ½·atan2(2x, 1 − x² − y²) + (i/4)·log1p(4y / (x² + (1 − y)²)) for z = x + iy: the
    /// imaginary part is a log1p of a small quantity, accurate to a few ulps when y is tiny.
    static func atan<R: Real & BinaryFloatingPoint>(_ z: Complex<R>) -> Complex<R> {
        let x = z.real, y = z.imaginary
        if y == 0 { return Complex(R.atan(x), 0) }
        let re = R.atan2(y: 2 * x, x: (1 - x) * (1 + x) - y * y) / 2
        let oneMinusY = 1 - y
        let im = R.log(onePlus: 4 * y / (x * x + oneMinusY * oneMinusY)) / 4
        return Complex(re, im)
    }

    /// sinh(x + iy) = sinh x·cos y + i·cosh x·sin y.
    static func sinh<R: Real & BinaryFloatingPoint>(_ z: Complex<R>) -> Complex<R> {
        Complex(R.sinh(z.real) * R.cos(z.imaginary), R.cosh(z.real) * R.sin(z.imaginary))
    }

    /// √z near the positive real axis: u = √((|z| + x)/2), v = y/(2u), with |z| = a·√(1 + (b/a)²)
    /// (a, b the larger and smaller of x, |y|) and the sum halved first, so nothing overflows.
    /// swift-numerics' √ divides z by max(|x|, |y|) where |z|² overflows (x past 10¹⁵⁴ in
    /// Double), and the step's imaginary part, h/x, fell below the normal range: √(x + 10³⁰⁰) at
    /// 745 read 5.0000008·10⁻¹⁵¹ ± 6·10⁻¹⁶⁶ for 5·10⁻¹⁵¹, and at the check's step it read 0 and
    /// convicted the right sqrt rule (found by a random-formula fuzzer of jac check).
    static func sqrt<R: Real & BinaryFloatingPoint>(_ z: Complex<R>) -> Complex<R> {
        let x = z.real, y = z.imaginary
        guard x > 0, x.isFinite, y.isFinite else { return Complex<R>.sqrt(z) }
        let a = Swift.max(x, Swift.abs(y)), b = Swift.min(x, Swift.abs(y))
        let t = b / a
        let norm = a * R.sqrt(1 + t * t)
        // Halving a subnormal x would round it: below 1 the sum cannot overflow.
        let u = R.sqrt(x < 1 && norm < 1 ? (norm + x) / 2 : norm / 2 + x / 2)
        return Complex(u, y / (2 * u))
    }

    /// cosh(x + iy) = cosh x·cos y + i·sinh x·sin y.
    static func cosh<R: Real & BinaryFloatingPoint>(_ z: Complex<R>) -> Complex<R> {
        Complex(R.cosh(z.real) * R.cos(z.imaginary), R.sinh(z.real) * R.sin(z.imaginary))
    }

    /// tanh(x + iy) = (sinh 2x + i·sin 2y) / (cosh 2x + cos 2y): the denominator is ≥ 1 near the
    /// real axis, so nothing cancels. Past |x| = 20, where cosh 2x would overflow before long, the
    /// real part is ±1 to double precision and the imaginary part is sin 2y·4e^−2|x| /(1 + …).
    static func tanh<R: Real & BinaryFloatingPoint>(_ z: Complex<R>) -> Complex<R> {
        let x = z.real, y = z.imaginary
        let ax = Swift.abs(x)
        if ax > 20 {
            let e = R.exp(-2 * ax)
            let im = R.sin(2 * y) * 2 * e / (1 + 2 * e * R.cos(2 * y) + e * e)
            return Complex(x < 0 ? -1 : 1, im)
        }
        let d = R.cosh(2 * x) + R.cos(2 * y)
        let re = y == 0 ? R.tanh(x) : R.sinh(2 * x) / d
        return Complex(re, R.sin(2 * y) / d)
    }

    /// zʷ = exp(w·log z) where the base's real part is positive. At a base x ≤ 0 (0 is a branch
    /// point, the negative axis the principal log's cut) xʸ has no analytic extension, and
    /// Im((ih)ʸ)/h = h^(y−1)·sin(πy/2) is a plausible, wrong number (`make fuzz`: pow(x, y) at
    /// (0, 1.03) gave 0.28 where the derivative is 0): reported, never returned.
    static func pow<R: Real & BinaryFloatingPoint>(_ z: Complex<R>, _ w: Complex<R>) -> Complex<R> {
        guard z.real > 0 else {
            Diagnostics.report(.unsupported(op: Op.pow.info.name,
                                            scalarType: "Complex<\(R.self)> at a base ≤ 0, where x^y has no analytic extension",
                                            node: nil))
            return Complex(R.nan, R.nan)
        }
        return Complex<R>.exp(w * Complex<R>.log(z))
    }
}

/// swift-numerics' complex functions, in a context where only `ElementaryFunctions` is known.
enum ComplexElementary {
    static func evaluate<C: ElementaryFunctions>(_ op: Op, _ x: C, _ y: C) -> C? {
        switch op {
        case .sqrt: return C.sqrt(x)
        case .exp: return C.exp(x)
        case .expm1: return C.expMinusOne(x)
        case .log: return C.log(x)
        case .log1p: return C.log(onePlus: x)
        case .sin: return C.sin(x)
        case .cos: return C.cos(x)
        case .tan: return C.tan(x)
        case .atan: return C.atan(x)
        case .sinh: return C.sinh(x)
        case .cosh: return C.cosh(x)
        case .tanh: return C.tanh(x)
        case .asinh: return C.asinh(x)
        case .pow: return C.pow(x, y)
        default: return nil
        }
    }
}
