import AdjointCore
import ComplexModule
import RealModule

// Complex numbers as an Adjoint scalar, for complex-step differentiation.
//
// Goals, in priority order:
//   1. Every op that is analytic near the real axis is evaluated by its analytic continuation, so
//      Im f(x + ih)/h is the derivative up to O(h²) with no subtraction anywhere.
//   2. Ops that have no analytic continuation (abs, relu, max, …) never return a plausible
//      number: they report `ADError.unsupported` naming the op and return NaN.
//   3. Integer powers are computed by multiplication: exp(n·log z) takes the principal log and
//      is wrong for negative real parts (its imaginary part jumps by 2πn·h).
//   4. The imaginary part of f(x + ih) must keep its relative accuracy when h is tiny: no formula
//      may subtract two O(1) quantities to get an O(h) one. swift-numerics 1.1.1 breaks this for
//      atan (a difference of two log1p's: the imaginary part came out exactly 0), for tanh (all
//      digits lost beyond |x| ≈ 18) and has the wrong sign of Im sinh and Im cosh for x ≤ −20;
//      those three are written below from identities whose parts are each accurate
//      (ComplexStepTests checks every analytic op against hand derivatives, tails included).

extension Complex: TangentVector {
    /// Complex numbers scale complex tangents.
    public typealias Scalar = Complex<RealType>
}

/// The complex-step scalar. Conformance is for binary floating-point components (Double, Float).
///
/// `<` compares real parts only: the complex-step convention, under which a branch taken on the
/// real primal (`if x < 0 …`) is the branch the analytic continuation follows. It is not a total
/// order on complex numbers and must not be used as one.
///
/// ```swift
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
    public var approximateDouble: Double { isFinite ? Double(real) : .nan }

    /// Orders by real part: the complex-step convention (see the type's documentation).
    public static func < (lhs: Complex, rhs: Complex) -> Bool { lhs.real < rhs.real }

    /// zⁿ by binary powering (see the file comment for why not exp(n·log z)).
    ///
    /// For n < 0 and |z| < 1 the product is formed from 1/z, so the intermediate z^|n| cannot
    /// underflow into subnormals when the result is near overflow (found by `make fuzz`: x^-707
    /// at 0.37 lost three digits of its imaginary part, far beyond its error estimate).
    public static func powi(_ x: Complex, _ n: Int) -> Complex {
        if n < 0 && x.lengthSquared < 1 && n != Int.min { return Primals.powiByMultiplication(1 / x, -n) }
        return Primals.powiByMultiplication(x, n)
    }
    /// z·z.
    public static func square(_ x: Complex) -> Complex { x * x }
    /// eᶻ − 1, accurate near 0.
    public static func expm1(_ x: Complex) -> Complex { expMinusOne(x) }
    /// log(1 + z), accurate near 0.
    public static func log1p(_ x: Complex) -> Complex { log(onePlus: x) }

    /// atan z = ½·atan2(2x, 1 − x² − y²) + (i/4)·log1p(4y / (x² + (1 − y)²)) for z = x + iy: the
    /// imaginary part is a log1p of a small quantity, accurate to a few ulps when y is tiny.
    public static func atan(_ z: Complex) -> Complex {
        let x = z.real, y = z.imaginary
        if y == 0 { return Complex(RealType.atan(x), 0) }
        let re = RealType.atan2(y: 2 * x, x: (1 - x) * (1 + x) - y * y) / 2
        let oneMinusY = 1 - y
        let im = RealType.log(onePlus: 4 * y / (x * x + oneMinusY * oneMinusY)) / 4
        return Complex(re, im)
    }
    /// sinh(x + iy) = sinh x·cos y + i·cosh x·sin y.
    public static func sinh(_ z: Complex) -> Complex {
        Complex(RealType.sinh(z.real) * RealType.cos(z.imaginary), RealType.cosh(z.real) * RealType.sin(z.imaginary))
    }
    /// cosh(x + iy) = cosh x·cos y + i·sinh x·sin y.
    public static func cosh(_ z: Complex) -> Complex {
        Complex(RealType.cosh(z.real) * RealType.cos(z.imaginary), RealType.sinh(z.real) * RealType.sin(z.imaginary))
    }
    /// tanh(x + iy) = (sinh 2x + i·sin 2y) / (cosh 2x + cos 2y): the denominator is ≥ 1 near the
    /// real axis, so nothing cancels. Past |x| = 20, where cosh 2x would overflow before long,
    /// the real part is ±1 to double precision and the imaginary part is sin 2y·4e^−2|x| /(1 + …).
    public static func tanh(_ z: Complex) -> Complex {
        let x = z.real, y = z.imaginary
        let ax = Swift.abs(x)
        if ax > 20 {
            let e = RealType.exp(-2 * ax)
            let im = RealType.sin(2 * y) * 2 * e / (1 + 2 * e * RealType.cos(2 * y) + e * e)
            return Complex(x < 0 ? -1 : 1, im)
        }
        let d = RealType.cosh(2 * x) + RealType.cos(2 * y)
        let re = y == 0 ? RealType.tanh(x) : RealType.sinh(2 * x) / d
        return Complex(re, RealType.sin(2 * y) / d)
    }

    /// zʷ = exp(w·log z) where the base's real part is positive. At a base x ≤ 0 (0 is a branch
    /// point, the negative axis the principal log's cut) xʸ has no analytic extension, and
    /// Im((ih)ʸ)/h = h^(y−1)·sin(πy/2) is a plausible, wrong number (found by `make fuzz`:
    /// pow(x, y) at (0, 1.03) gave 0.28 where the derivative is 0): reported, never returned.
    public static func pow(_ z: Complex, _ w: Complex) -> Complex {
        guard z.real > 0 else {
            Diagnostics.report(.unsupported(op: Op.pow.info.name,
                                            scalarType: "Complex<\(RealType.self)> at a base ≤ 0, where x^y has no analytic extension",
                                            node: nil))
            return Complex(RealType.nan, RealType.nan)
        }
        return exp(w * log(z))
    }

    // Composite primitives whose every branch is analytic: the shared primal definitions apply.
    /// 1/(1 + e⁻ᶻ), branch chosen on the real part.
    public static func sigmoid(_ x: Complex) -> Complex { Primals.sigmoid(x) }
    /// z·σ(z).
    public static func swish(_ x: Complex) -> Complex { Primals.swish(x) }
    /// log(1 + eˣ), analytic; split on the real part so e^x never overflows. (The shared primal
    /// goes through relu, which has no complex extension.)
    public static func softplus(_ x: Complex) -> Complex {
        x.real > 0 ? x + log(onePlus: exp(-x)) : log(onePlus: exp(x))
    }

    // Non-analytic ops: reported, never approximated.
    /// Unsupported: swift-numerics has no complex erf. Reports and returns NaN.
    public static func erf(_ x: Complex) -> Complex { unsupported(.erf) }
    /// Unsupported (needs erf). Reports and returns NaN.
    public static func gelu(_ x: Complex) -> Complex { unsupported(.gelu) }
    /// Unsupported: not analytic. Reports and returns NaN.
    public static func relu(_ x: Complex) -> Complex { unsupported(.relu) }
    /// Unsupported: not analytic. Reports and returns NaN.
    public static func leakyRelu(_ x: Complex, slope: Complex) -> Complex { unsupported(.leakyRelu) }
    /// Unsupported: not analytic. Reports and returns NaN.
    public static func elu(_ x: Complex, alpha: Complex) -> Complex { unsupported(.elu) }
    /// Unsupported: |z| is not analytic. Reports and returns NaN.
    public static func abs(_ x: Complex) -> Complex { unsupported(.abs) }
    /// Unsupported: not analytic. Reports and returns NaN.
    public static func max(_ x: Complex, _ y: Complex) -> Complex { unsupported(.max) }
    /// Unsupported: not analytic. Reports and returns NaN.
    public static func min(_ x: Complex, _ y: Complex) -> Complex { unsupported(.min) }
    /// Unsupported: not analytic. Reports and returns NaN.
    public static func hypot(_ x: Complex, _ y: Complex) -> Complex { unsupported(.hypot) }

    static func unsupported(_ op: Op) -> Complex {
        Diagnostics.report(.unsupported(op: op.info.name, scalarType: "Complex<\(RealType.self)>", node: nil))
        return Complex(RealType.nan, RealType.nan)
    }
}
