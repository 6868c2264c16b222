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

extension Complex: TangentVector {
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
    public var approximateDouble: Double {
        // Off the real axis this drops the complex-step perturbation: an escape.
        if imaginary != 0 { Diagnostics.noteEscape() }
        return isFinite ? Double(real) : .nan
    }
    /// Whether both parts are finite.
    public var isFiniteValue: Bool { isFinite }

    /// Orders by real part: the complex-step convention (see the type's documentation).
    public static func < (lhs: Complex, rhs: Complex) -> Bool { lhs.real < rhs.real }

    /// The registry's analytic flag is checked once here: an op without an analytic extension
    /// (abs, relu, max, …) is reported under its own name; every other op runs its declared
    /// primal, whose branches are chosen on the real part.
    public static func apply(_ op: Op, _ x: Complex, _ y: Complex, _ n: Int) -> Complex {
        guard op.info.isAnalytic else { return unsupported(op) }
        return Rules.primal(op, x, y, n)
    }

    /// The analytic continuations from swift-numerics; integer powers by binary powering (see the
    /// file comment for why not exp(n·log z)).
    public static func native(_ op: Op, _ x: Complex, _ y: Complex, _ n: Int) -> Complex {
        if op == .powi { return powiByMultiplication(x, n) }
        return ComplexElementary.evaluate(op, x, y) ?? unsupported(op)
    }

    static func unsupported(_ op: Op) -> Complex {
        Diagnostics.report(.unsupported(op: op.info.name, scalarType: "Complex<\(RealType.self)>", node: nil))
        return Complex(RealType.nan, RealType.nan)
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
