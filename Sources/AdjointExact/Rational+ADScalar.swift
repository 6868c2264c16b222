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

    /// The registry's powi and square reach every exact mode here (the declarations' primals, and
    /// powi's partial x^(n−1)): x^n by repeated squaring, x² as x·x, with the bit limit checked first.
    ///
    /// A power past the limit was reported by the squaring that overflowed: `jac jacobian
    /// "x^2147483647" --mode exact` said "(in mul; …)" of a formula with no product, and so did
    /// `square(x^500000)`. A power certainly too large is refused under its own op's name before
    /// any of it is computed.
    ///
    /// ```swift
    /// Rational.native(.powi, 3, 3, 4)                                          // 81
    /// Diagnostics.collect { Rational.native(.powi, 2, 2, 1 << 30) }.diagnostics.errors
    /// // [limitExceeded("… (in powi: x^1073741824 has at least 1073741825 bits; …)")]
    /// ```
    public static func native(_ op: Op, _ x: Rational, _ y: Rational, _ n: Int) -> Rational {
        if op == .square { return exceedsBitLimit(x, power: 2, in: "square: x²") ? .nan : x * x }
        guard op == .powi else { return unsupported(op.info.name) }
        if x.isNaN { return .nan }
        // Reverse mode computes an op's primal before its domain check, and 0⁻¹ by squaring is 1/0:
        // `jac jacobian "x^-1 + y" --at x=0,y=1 --mode exact` said "domain error in div: division
        // by zero (inputs: 1.0, 0.0)" of a formula with no division, where Double said powi.
        if n < 0 && x.isZero {
            Diagnostics.report(.domain(op: Op.powi.info.name, node: nil, inputs: [0], reason: "zero raised to a negative power"))
            return .nan
        }
        if exceedsBitLimit(x, power: n, in: "powi: x^\(n)") { return .nan }
        return powiByMultiplication(x, n)
    }

    /// Whether x^n is certainly past ``bitSizeLimit`` (``powerBitLowerBound(_:)``), reported under
    /// `what` (the op and the power as the user wrote it) when it is.
    static func exceedsBitLimit(_ x: Rational, power n: Int, in what: String) -> Bool {
        let bits = x.powerBitLowerBound(n)
        guard bits > bitSizeLimit else { return false }
        Diagnostics.report(.limitExceeded(
            what: "bit size of a rational numerator or denominator (in \(what) has at least \(bits) bits; Rational.bitSizeLimit)",
            limit: bitSizeLimit))
        return true
    }

    /// A lower bound on the bits of x^n's larger part (numerator or denominator), `Int.max` when
    /// it does not fit an Int: for p/q in lowest terms both p^|n| and q^|n| appear, and a b-bit
    /// integer is at least 2^(b−1), so its k-th power has at least k·(b − 1) + 1 bits.
    ///
    /// ```swift
    /// Rational(2).powerBitLowerBound(10)                               // 11: 2¹⁰ = 1024
    /// Rational(numerator: 1, denominator: 10).powerBitLowerBound(-3)   // 10: 10³ = 1000
    /// ```
    func powerBitLowerBound(_ n: Int) -> Int {
        let (p, q) = bitWidths
        let perFactor = Swift.max(p, q) - 1
        guard perFactor > 0 else { return 1 }
        let (product, overflow) = Int(clamping: n.magnitude).multipliedReportingOverflow(by: perFactor)
        return overflow || product == .max ? .max : product + 1
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
