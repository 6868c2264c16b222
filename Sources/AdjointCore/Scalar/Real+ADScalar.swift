import RealModule

/// Double and Float: elementary ops from swift-numerics (`Real`), everything else from the
/// declarations' generic primals.
extension ADScalar where Self: Real & BinaryFloatingPoint {
    @inlinable public var approximateDouble: Double { Double(self) }
    @inlinable public var isFiniteValue: Bool { isFinite }

    @inlinable @inline(__always)
    public static func native(_ op: Op, _ x: Self, _ y: Self, _ n: Int) -> Self {
        RealElementary.evaluate(op, x, y, n) ?? unsupported(op.info.name)
    }
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
        // The exact erf form through erfc: ½x·erfc(−x/√2) does not cancel for negative x.
        case .gelu: return x * R(0.5) * R.erfc(-x * R(0.5.squareRoot()))
        default: return nil
        }
    }
}

extension Double: ADScalar {}
extension Float: ADScalar {}
