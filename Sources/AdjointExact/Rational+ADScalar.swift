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
    /// A rational tangent is scaled by rationals: `Dual<Rational, Rational>` is exact forward mode.
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

    /// x·x, exact: `Rational.square("-7/12")` is 49/144.
    public static func square(_ x: Rational) -> Rational { x * x }
    /// max(x, 0) by the registry's primal (NaN stays NaN): `Rational.relu("-1/2")` is 0.
    public static func relu(_ x: Rational) -> Rational { Primals.relu(x) }
    /// max(x, 0) + slope·min(x, 0), exact for a rational slope.
    public static func leakyRelu(_ x: Rational, slope: Rational) -> Rational { Primals.leakyRelu(x, slope: slope) }
    /// |x|, exact: `Rational.abs("-7/12")` is 7/12.
    public static func abs(_ x: Rational) -> Rational { Primals.abs(x) }
    /// The larger input (a NaN in either wins, as in the registry's primal): `max(1/3, 1/2)` is 1/2.
    public static func max(_ x: Rational, _ y: Rational) -> Rational { Primals.max(x, y) }
    /// The smaller input (a NaN in either wins): `min(1/3, 1/2)` is 1/3.
    public static func min(_ x: Rational, _ y: Rational) -> Rational { Primals.min(x, y) }

    // MARK: Not closed over ℚ

    /// Not closed over ℚ: reports `unsupported(op: "pow", …)` and returns NaN.
    public static func pow(_ x: Rational, _ y: Rational) -> Rational { unsupported(.pow) }
    /// Not closed over ℚ: reports `unsupported(op: "sqrt", …)` and returns NaN.
    public static func sqrt(_ x: Rational) -> Rational { unsupported(.sqrt) }
    /// Not closed over ℚ: reports `unsupported(op: "exp", …)` and returns NaN.
    public static func exp(_ x: Rational) -> Rational { unsupported(.exp) }
    /// Not closed over ℚ: reports `unsupported(op: "expm1", …)` and returns NaN.
    public static func expm1(_ x: Rational) -> Rational { unsupported(.expm1) }
    /// Not closed over ℚ: reports `unsupported(op: "log", …)` and returns NaN.
    public static func log(_ x: Rational) -> Rational { unsupported(.log) }
    /// Not closed over ℚ: reports `unsupported(op: "log1p", …)` and returns NaN.
    public static func log1p(_ x: Rational) -> Rational { unsupported(.log1p) }
    /// Not closed over ℚ: reports `unsupported(op: "sin", …)` and returns NaN.
    public static func sin(_ x: Rational) -> Rational { unsupported(.sin) }
    /// Not closed over ℚ: reports `unsupported(op: "cos", …)` and returns NaN.
    public static func cos(_ x: Rational) -> Rational { unsupported(.cos) }
    /// Not closed over ℚ: reports `unsupported(op: "tan", …)` and returns NaN.
    public static func tan(_ x: Rational) -> Rational { unsupported(.tan) }
    /// Not closed over ℚ: reports `unsupported(op: "atan", …)` and returns NaN.
    public static func atan(_ x: Rational) -> Rational { unsupported(.atan) }
    /// Not closed over ℚ: reports `unsupported(op: "sinh", …)` and returns NaN.
    public static func sinh(_ x: Rational) -> Rational { unsupported(.sinh) }
    /// Not closed over ℚ: reports `unsupported(op: "cosh", …)` and returns NaN.
    public static func cosh(_ x: Rational) -> Rational { unsupported(.cosh) }
    /// Not closed over ℚ: reports `unsupported(op: "tanh", …)` and returns NaN.
    public static func tanh(_ x: Rational) -> Rational { unsupported(.tanh) }
    /// Not closed over ℚ: reports `unsupported(op: "erf", …)` and returns NaN.
    public static func erf(_ x: Rational) -> Rational { unsupported(.erf) }
    /// Not closed over ℚ: reports `unsupported(op: "sigmoid", …)` and returns NaN.
    public static func sigmoid(_ x: Rational) -> Rational { unsupported(.sigmoid) }
    /// Not closed over ℚ: reports `unsupported(op: "softplus", …)` and returns NaN.
    public static func softplus(_ x: Rational) -> Rational { unsupported(.softplus) }
    /// Not closed over ℚ: reports `unsupported(op: "elu", …)` and returns NaN.
    public static func elu(_ x: Rational, alpha: Rational) -> Rational { unsupported(.elu) }
    /// Not closed over ℚ: reports `unsupported(op: "swish", …)` and returns NaN.
    public static func swish(_ x: Rational) -> Rational { unsupported(.swish) }
    /// Not closed over ℚ: reports `unsupported(op: "gelu", …)` and returns NaN.
    public static func gelu(_ x: Rational) -> Rational { unsupported(.gelu) }
    /// Not closed over ℚ: reports `unsupported(op: "hypot", …)` and returns NaN.
    public static func hypot(_ x: Rational, _ y: Rational) -> Rational { unsupported(.hypot) }
}
