import CAdjointSupport
import RealModule

/// Double and Float: elementary ops from swift-numerics (`Real`), everything else from the
/// declarations' generic primals.
extension ADScalar where Self: Real & BinaryFloatingPoint {
    @inlinable public var approximateDouble: Double { Double(self) }
    @inlinable public var isFiniteValue: Bool { isFinite }
    @inlinable public var isNormalValue: Bool { isNormal }
    @inlinable public static var roundsArithmetic: Bool { true }
    @inlinable public static func fusedMultiplyAdd(_ a: Self, _ b: Self, _ c: Self) -> Self { c.addingProduct(a, b) }

}

/// libm through swift-numerics, in a context where only `Real` is known, so `R.exp` cannot be
/// confused with the registry's `ADScalar.exp`.
@usableFromInline enum RealElementary {
    @inlinable @inline(__always)
    static func evaluate<R: Real & BinaryFloatingPoint>(_ op: Op, _ x: R, _ y: R, _ n: Int) -> R? {
        switch op {
        case .sqrt: return R.sqrt(x)
        case .exp: return R.exp(x)
        case .expm1: return R.expMinusOne(x)
        case .log: return R.log(x)
        case .log1p: return R.log(onePlus: x)
        case .sin: return R.sin(x)
        case .cos: return R.cos(x)
        case .tan: return R.tan(x)
        case .atan: return R.atan(x)
        case .sinh: return R.sinh(x)
        case .cosh: return R.cosh(x)
        case .tanh: return R.tanh(x)
        case .asinh: return R.asinh(x)
        case .erf: return R.erf(x)
        case .pow: return R.pow(x, y)
        case .powi: return R.pow(x, n)
        case .square: return x * x
        // The exact erf form through erfc: ½x·erfc(−x/√2) does not cancel for negative x.
        case .gelu:
            // Float in Double, rounded once: erfc's argument −x/√2 rounds (√½ and the product),
            // and erfc's relative slope 2t² there amplifies it, to 153 ulps of gelu(−11.8) in
            // Float (Float80 reference). In Double that rounding is 2²⁹ times smaller than a
            // Float ulp.
            if R.self == Float.self {
                let d = Double(x)
                return R(d * 0.5 * Double.erfc(-d * 0.5.squareRoot()))
            }
            return x * R(0.5) * R.erfc(-x * R(0.5.squareRoot()))
        default: return nil
        }
    }
}

extension Double: ADScalar {
    @inlinable @inline(__always)
    public static func apply(_ op: Op, _ x: Double, _ y: Double, _ n: Int) -> Double { Rules.primal(op, x, y, n) }
    @inlinable @inline(__always)
    public static func native(_ op: Op, _ x: Double, _ y: Double, _ n: Int) -> Double {
        RealElementary.evaluate(op, x, y, n) ?? unsupported(op.info.name)
    }
}

extension Float: ADScalar {
    @inlinable @inline(__always)
    public static func apply(_ op: Op, _ x: Float, _ y: Float, _ n: Int) -> Float { Rules.primal(op, x, y, n) }
    @inlinable @inline(__always)
    public static func native(_ op: Op, _ x: Float, _ y: Float, _ n: Int) -> Float {
        RealElementary.evaluate(op, x, y, n) ?? unsupported(op.info.name)
    }
}

extension Rules {
    /// The elementary declarations' way to reach ``ADScalar/native(_:_:_:_:)``. For Double and Float
    /// the type test folds at specialization and libm is called inline; through the protocol, the
    /// requirement's witness thunk (a switch over the op) was not inlined and cost 4.8% of all
    /// instructions of the reverse-mode benchmark (callgrind, 177 M of 3.67 G).
    @inlinable @inline(__always)
    public static func native<T: ADScalar>(_ op: Op, _ x: T, _ y: T, _ n: Int) -> T {
        if T.self == Double.self {
            if let r = RealElementary.evaluate(op, unsafeBitCast(x, to: Double.self), unsafeBitCast(y, to: Double.self), n) {
                return unsafeBitCast(r, to: T.self)
            }
        }
        if T.self == Float.self {
            if let r = RealElementary.evaluate(op, unsafeBitCast(x, to: Float.self), unsafeBitCast(y, to: Float.self), n) {
                return unsafeBitCast(r, to: T.self)
            }
        }
        return T.native(op, x, y, n)
    }

    /// (sin x, cos x) from one libm call for Double and Float; nil for other scalar types, whose
    /// declarations then evaluate the two apart.
    @inlinable @inline(__always)
    static func nativeSinCos<T: ADScalar>(_ x: T) -> (T, T)? {
        if T.self == Double.self {
            var s = 0.0, c = 0.0
            adjoint_sincos(unsafeBitCast(x, to: Double.self), &s, &c)
            return (unsafeBitCast(s, to: T.self), unsafeBitCast(c, to: T.self))
        }
        if T.self == Float.self {
            var s: Float = 0, c: Float = 0
            adjoint_sincosf(unsafeBitCast(x, to: Float.self), &s, &c)
            return (unsafeBitCast(s, to: T.self), unsafeBitCast(c, to: T.self))
        }
        return nil
    }
}
