import AdjointCore

/// `Rational` is a base scalar of the registry: it evaluates exactly the primitives whose
/// ``OpInfo/isRationalClosed`` is true, with the declarations' own generic primals, so `Dual<Rational, Rational>` is exact forward mode and `Reverse<Rational>` on a
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

    public static var zero: Rational { 0 }

    /// The value rounded to the nearest Double (for reports only). Read by the primal or partials
    /// of a user primitive declared rational-closed, it is reported as unsupported naming the
    /// primitive: exact mode would otherwise present the rounded value as exact.
    public var approximateDouble: Double {
        Diagnostics.noteInexactRead(self)
        return doubleValue
    }

    /// Finite unless NaN: a rational too large for a Double is still an exact, finite value.
    public var isFiniteValue: Bool { !isNaN }

    /// A float literal is the Double it denotes, exactly (a dyadic rational).
    public init(floatLiteral value: Double) { self.init(value) }

    /// Name used in ``ADError/unsupported(op:scalarType:node:)``.
    public static let scalarTypeName = "Rational"

    /// The registry's closure flag is checked once here, so an op that is not closed over ℚ is
    /// reported under its own name (`sigmoid`, not the `exp` inside it).
    public static func apply(_ op: Op, _ x: Rational, _ y: Rational, _ n: Int) -> Rational {
        guard op.info.isRationalClosed else {
            Diagnostics.report(.unsupported(op: op.info.name, scalarType: scalarTypeName, node: nil))
            return .nan
        }
        if op == .powi {
            if x.isNaN { return .nan }
            if n < 0 && x.isZero {
                Diagnostics.report(.domain(op: Op.powi.info.name, node: nil, inputs: [0],
                                           reason: "zero raised to a negative power"))
                return .nan
            }
        }
        return Rules.primal(op, x, y, n)
    }

    /// A user primitive runs exactly only when it declares ``AdjointCore/ScalarPrimitive/isRationalClosed``;
    /// otherwise it is refused by name (its primal may read a Double and return a rounded value
    /// that no rational operation after it could make exact).
    public static func admit<P: ScalarPrimitive>(_ primitive: P.Type) -> Bool {
        // A black box reports for itself that it runs on Doubles only (declaring it closed would not help).
        if P.isRationalClosed || P.self is any BlackBoxPrimitive.Type { return true }
        Diagnostics.report(.unsupported(op: "\(P.name) (a user primitive not declared rational-closed: declare "
                                            + "`static var isRationalClosed: Bool { true }` when its primal and partials "
                                            + "use only + − × ÷ and comparisons)", scalarType: scalarTypeName, node: nil))
        return false
    }
}
