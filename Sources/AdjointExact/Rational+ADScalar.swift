import AdjointCore

/// `Rational` is a base scalar of the registry: it implements exactly the primitives whose
/// ``OpInfo/isRationalClosed`` is true, using the registry's own primal conventions
/// (``Primals``), so `Dual<Rational, Rational>` is exact forward mode and `Reverse<Rational>` on a
/// `Tape<Rational>` is exact reverse mode with no code of their own.
///
/// Every other primitive reports ``ADError/unsupported(op:scalarType:node:)`` naming the op and
/// returns ``Rational/nan``: it never crashes and never returns a rounded number in disguise.
/// (`pow` is unsupported even for integer exponents: its registry partial needs `log x`; use
/// `powi`.)
///
/// ```swift
/// let (y, d) = Diagnostics.collect { Rational.exp(1) }
/// y.isNaN              // true
/// d.errors.first       // unsupported(op: "exp", scalarType: "Rational", node: nil)
/// ```
extension Rational: ADScalar {
    public typealias Scalar = Rational

    /// The additive identity.
    public static var zero: Rational { 0 }

    /// The correctly rounded Double (``doubleValue``); NaN for NaN.
    public var approximateDouble: Double { doubleValue }

    /// Name used in ``ADError/unsupported(op:scalarType:node:)`` reports.
    public static let scalarTypeName = "Rational"

    @inline(never)
    static func unsupported(_ op: Op) -> Rational {
        Diagnostics.report(.unsupported(op: op.info.name, scalarType: scalarTypeName, node: nil))
        return .nan
    }

    // MARK: Rational-closed primitives

    /// xⁿ by binary powering (``Primals/powiByMultiplication(_:_:)``), exact. 0 to a negative
    /// power reports a domain error in `powi` (not a bare division by zero) and gives NaN.
    public static func powi(_ x: Rational, _ n: Int) -> Rational {
        if x.isNaN { return .nan }
        if n < 0 && x.isZero {
            Diagnostics.report(.domain(op: Op.powi.info.name, node: nil, inputs: [0],
                                       reason: "zero raised to a negative power"))
            return .nan
        }
        return Primals.powiByMultiplication(x, n)
    }

    public static func square(_ x: Rational) -> Rational { x * x }
    public static func relu(_ x: Rational) -> Rational { Primals.relu(x) }
    /// max(x, 0) + slope·min(x, 0), exact for a rational slope.
    public static func leakyRelu(_ x: Rational, slope: Rational) -> Rational { Primals.leakyRelu(x, slope: slope) }
    public static func abs(_ x: Rational) -> Rational { Primals.abs(x) }
    public static func max(_ x: Rational, _ y: Rational) -> Rational { Primals.max(x, y) }
    public static func min(_ x: Rational, _ y: Rational) -> Rational { Primals.min(x, y) }

    // MARK: Not closed over ℚ

    public static func pow(_ x: Rational, _ y: Rational) -> Rational { unsupported(.pow) }
    public static func sqrt(_ x: Rational) -> Rational { unsupported(.sqrt) }
    public static func exp(_ x: Rational) -> Rational { unsupported(.exp) }
    public static func expm1(_ x: Rational) -> Rational { unsupported(.expm1) }
    public static func log(_ x: Rational) -> Rational { unsupported(.log) }
    public static func log1p(_ x: Rational) -> Rational { unsupported(.log1p) }
    public static func sin(_ x: Rational) -> Rational { unsupported(.sin) }
    public static func cos(_ x: Rational) -> Rational { unsupported(.cos) }
    public static func tan(_ x: Rational) -> Rational { unsupported(.tan) }
    public static func atan(_ x: Rational) -> Rational { unsupported(.atan) }
    public static func sinh(_ x: Rational) -> Rational { unsupported(.sinh) }
    public static func cosh(_ x: Rational) -> Rational { unsupported(.cosh) }
    public static func tanh(_ x: Rational) -> Rational { unsupported(.tanh) }
    public static func erf(_ x: Rational) -> Rational { unsupported(.erf) }
    public static func sigmoid(_ x: Rational) -> Rational { unsupported(.sigmoid) }
    public static func softplus(_ x: Rational) -> Rational { unsupported(.softplus) }
    public static func elu(_ x: Rational, alpha: Rational) -> Rational { unsupported(.elu) }
    public static func swish(_ x: Rational) -> Rational { unsupported(.swish) }
    public static func gelu(_ x: Rational) -> Rational { unsupported(.gelu) }
    public static func hypot(_ x: Rational, _ y: Rational) -> Rational { unsupported(.hypot) }
}
