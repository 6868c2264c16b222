/// The scalar protocol every mode of Adjoint runs on.
///
/// Write a function once, generically over `ADScalar`, and it runs on `Double` and `Float`
/// (plain evaluation), ``Dual`` (forward mode), ``Reverse`` (reverse mode on a tape), and the
/// rational, complex and symbolic scalars of the other modules:
///
/// ```swift
/// func f<T: ADScalar>(_ x: [T]) -> [T] {
///     [x[0] * x[1] + sin(x[0]), 0.5 * exp(x[1]) / x[0]]
/// }
/// let y = f([1.0, 2.0])                                    // plain Double
/// let g = try gradient(of: { f($0)[0] }, at: [1.0, 2.0])   // reverse mode
/// ```
///
/// What a scalar type must provide is small: arithmetic, an order, constants, and two hooks.
/// ``apply(_:_:_:_:)`` applies a registry op: base scalars (Double, rational, complex) evaluate the
/// op's declared primal, derived scalars (``Dual``, ``Reverse``) interpret its rule
/// (``RegistryInterpreter``). ``native(_:_:_:_:)`` is the type's own implementation of an
/// elementary function (libm's `sin` for Double); a type without one (a rational has no `exp`)
/// keeps the default, which reports ``ADError/unsupported(op:scalarType:node:)`` once, naming the
/// op, and returns NaN. The named operations (`T.sin`, `T.relu`, …) are extensions that call
/// `apply`, so no list of ops is repeated per type.
///
/// Comparisons are required without `Comparable` because complex scalars (for complex-step
/// differentiation) order by their real part only, which is not a total order.
public protocol ADScalar: TangentVector, Equatable, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral
where Scalar == Self {
    /// Embeds a real constant. Exact for rational scalars (every finite Double is a dyadic rational).
    init(_ constant: Double)
    /// Embeds an integer exactly where the type can.
    init(_ integer: Int)
    /// A Double close to the primal value, for reports and error messages (not for arithmetic).
    var approximateDouble: Double { get }
    /// Whether the primal value is finite (not NaN or infinite). The type answers, so an exact
    /// rational too large for a Double still counts as finite.
    var isFiniteValue: Bool { get }
    /// Whether the value and every derivative it carries are finite (a dual's tangents, at every
    /// nesting level); ``isFiniteValue`` for a scalar that carries none. The reverse sweep asks it
    /// of a partial before adding exactly 0 for an entry no seed reaches: a Hessian's partial can
    /// be finite with an infinite tangent (x^y's ∂x at (0, 1)), and times a zero cotangent that
    /// was NaN in the Hessian of another output on the tape.
    var isFiniteInEveryComponent: Bool { get }
    /// Whether the primal value is a normal floating-point number: nonzero, finite and not
    /// subnormal, so a product with it rounds once and has lost no range. A rule that multiplies
    /// three factors (division's chain-rule products, ``Builtin/Div``) uses the plain order when
    /// the first product is normal and looks for an order that cannot underflow or overflow only
    /// when it is not. Exact scalars (rationals, symbolic expressions) never underflow or
    /// overflow, so the default is true: they never branch on magnitudes, and a symbolic
    /// derivative records no magnitude comparison.
    ///
    /// ```swift
    /// (1e-300).isNormalValue            // true
    /// (1e-310).isNormalValue            // false: subnormal
    /// (0.0).isNormalValue               // false
    /// ```
    var isNormalValue: Bool { get }
    /// Whether there is a primal value to read: false only for a value that has none yet, a
    /// symbolic expression of variables bound to no point, whose ``approximateDouble`` is NaN for
    /// want of a value rather than because the value is NaN. A user primitive's domain and kink
    /// predicates are not run on such a value (``Diagnostics/check(_:_:_:node:)``): a symbolic
    /// derivative of a user log without a point threw "domain error … (inputs: nan)" where the
    /// built-in log derives 1/x. True by default, and for every scalar that carries a number.
    ///
    /// ```swift
    /// (2.0).hasValue   // true
    /// Double.nan.hasValue   // true: a value, and it is NaN
    /// ```
    var hasValue: Bool { get }

    static func + (lhs: Self, rhs: Self) -> Self
    static func - (lhs: Self, rhs: Self) -> Self
    static func * (lhs: Self, rhs: Self) -> Self
    static func / (lhs: Self, rhs: Self) -> Self
    static prefix func - (operand: Self) -> Self
    /// Strict order on primal values; complex scalars compare real parts.
    static func < (lhs: Self, rhs: Self) -> Bool

    /// Applies the registry op `op` to `x` (and `y` for binary ops; `n` is `powi`'s exponent).
    static func apply(_ op: Op, _ x: Self, _ y: Self, _ n: Int) -> Self
    /// The type's own implementation of an elementary op (called by the declarations of `sqrt`,
    /// `exp`, `sin`, …, `pow`, `powi`, `square`, `gelu`). The default computes `powi` by repeated
    /// multiplication and `square` as x·x, and reports any other op as unsupported.
    static func native(_ op: Op, _ x: Self, _ y: Self, _ n: Int) -> Self
    /// Whether the type interprets registry ops itself (``Dual``, ``Reverse``, a symbolic
    /// expression): ``Rules/primal(_:_:_:_:)`` then hands an op to the type's `apply` instead of
    /// running the declaration's primal body on it. Why: a piecewise primal run on a derived scalar
    /// differentiates its own branch (`x < 0 ? -x : x` keeps x's tangent at 0, `max` picks one
    /// side at a tie), an implicit second rule that disagreed with the declared convention inside
    /// nested derivatives (the Hessian of x·|x| at 0 was 1, of max(x, y)² at a tie asymmetric).
    static var interpretsRegistryOps: Bool { get }
    /// Applies a user primitive (see ``ScalarPrimitive``).
    static func apply<P: ScalarPrimitive>(_ primitive: P.Type, _ x: Self, _ y: Self) -> Self
    /// Applies a user vector primitive (see ``VectorPrimitive``).
    static func apply<P: VectorPrimitive>(_ primitive: P.Type, _ x: [Self]) -> [Self]
    /// Whether this base type runs user primitive `P`'s primal and partials; a type that refuses
    /// reports why (a rational refuses a primitive not declared
    /// ``ScalarPrimitive/isRationalClosed``). The default admits every primitive.
    ///
    /// ```swift
    /// Double.admit(Cube.self)     // true
    /// Rational.admit(Cube.self)   // false unless Cube declares isRationalClosed, with unsupported reported
    /// ```
    static func admit<P: ScalarPrimitive>(_ primitive: P.Type) -> Bool
    /// Runs one of the registry's own predicates (an op's domain, whether a point is its kink)
    /// on values of this type. Comparisons made inside are the library's checks, not branches of
    /// the function: a type that logs its comparisons as branch decisions (the symbolic scalar)
    /// leaves them out. The default just runs `body`.
    ///
    /// ```swift
    /// Double.libraryPredicate { Rules.domainViolation(.log, -1.0, -1.0, 0) }   // the reason log(-1) is outside
    /// ```
    static func libraryPredicate<R>(_ body: () -> R) -> R
    /// The equality `<=` and `>=` add to `<`: the type's `==` by default. A complex step orders by
    /// real parts, and its `==` (swift-numerics') compares imaginary parts too, so `x >= 0` at
    /// 0 + 10⁻²⁰i was false where a dual at 0 takes it as true, and the witness followed the other
    /// branch of the user's code (a review).
    ///
    /// ```swift
    /// Double.orderEqual(1, 1)   // true
    /// ```
    static func orderEqual(_ lhs: Self, _ rhs: Self) -> Bool
    /// Whether the type's arithmetic rounds (floating point, and the derived scalars over it). A
    /// rule may choose a form by region for accuracy there; for an exact or symbolic scalar it
    /// keeps the one form valid everywhere (a symbolic derivative with no point takes one region
    /// for all: hypot's stable partials printed |x|/z for x/z). False by default.
    ///
    /// ```swift
    /// Double.roundsArithmetic   // true
    /// ```
    static var roundsArithmetic: Bool { get }
    /// a·b + c rounded once where the type can, so a rule can recover what a product or a
    /// quotient lost to rounding: `fusedMultiplyAdd(t, t, -(t * t))` is exactly the error of t·t
    /// in Double (hypot's partials correct themselves to half an ulp with it). Double and Float
    /// use the processor's fused multiply-add. The default is `a * b + c` in the type's own
    /// arithmetic: exact for rationals and symbolic expressions, which have no error to recover;
    /// for a derived scalar (``Dual``, ``Reverse``) its value rounds twice and its tangent is the
    /// product rule's, so an error term built from it is 0 or of rounding size, and the rule's
    /// value keeps about the accuracy of its uncorrected form there.
    ///
    /// ```swift
    /// Double.fusedMultiplyAdd(0.1, 10, -1)   // 5.551115123125783e-17 (2⁻⁵⁴), lost by 0.1 * 10 == 1
    /// ```
    static func fusedMultiplyAdd(_ a: Self, _ b: Self, _ c: Self) -> Self
}

/// Defaults for base scalars: an op is its declared primal; a user primitive its own primal.
extension ADScalar {
    @inlinable @inline(__always)
    public static func apply(_ op: Op, _ x: Self, _ y: Self, _ n: Int) -> Self { Rules.primal(op, x, y, n) }

    /// A base scalar runs the declarations' primals (see ``ADScalar/interpretsRegistryOps``).
    @inlinable public static var interpretsRegistryOps: Bool { false }

    @inlinable
    public static func native(_ op: Op, _ x: Self, _ y: Self, _ n: Int) -> Self {
        if op == .powi { return powiByMultiplication(x, n) }
        if op == .square { return x * x }
        return unsupported(op.info.name)
    }

    @inlinable public static func apply<P: ScalarPrimitive>(_ primitive: P.Type, _ x: Self, _ y: Self) -> Self {
        Instrumentation.count(primitive: P.name)
        guard P.hasValidArity(), admit(P.self) else { return Self(Double.nan) }
        return Diagnostics.readsWithoutEscape(Self.self) ? P.primal(x, y)
            : Diagnostics.quietly { Diagnostics.userPrimal(of: P.name, rationalClosed: P.isRationalClosed, on: Self.self) { P.primal(x, y) } }
    }

    public static func admit<P: ScalarPrimitive>(_ primitive: P.Type) -> Bool { true }

    @inlinable @inline(__always)
    public static func libraryPredicate<R>(_ body: () -> R) -> R { body() }

    @inlinable @inline(__always)
    public static func orderEqual(_ lhs: Self, _ rhs: Self) -> Bool { lhs == rhs }

    @inlinable public static var roundsArithmetic: Bool { false }

    @inlinable public static func fusedMultiplyAdd(_ a: Self, _ b: Self, _ c: Self) -> Self { a * b + c }

    public static func apply<P: VectorPrimitive>(_ primitive: P.Type, _ x: [Self]) -> [Self] {
        Instrumentation.count(primitive: P.name)
        guard Self.self == Double.self || Self.self == Float.self else {
            return unsupportedVector(P.self, x)
        }
        let xv = x.map(\.approximateDouble)
        let y = P.primal(xv)
        guard Diagnostics.check(P.self, xv, node: nil) else { return y.map { _ in Self(Double.nan) } }
        return y.map { Self($0) }
    }

    /// The default `isFiniteValue`: the Double approximation is finite.
    @inlinable public var isFiniteValue: Bool { approximateDouble.isFinite }
    /// The default: the value alone, for a scalar that carries no derivative.
    @inlinable public var isFiniteInEveryComponent: Bool { isFiniteValue }

    /// The default `isNormalValue`: true, as for an exact scalar, which loses no range (a type
    /// that rounds says otherwise, as Double, Float and the derived scalars do).
    @inlinable public var isNormalValue: Bool { true }

    /// The default `hasValue`: true (see ``ADScalar/hasValue``).
    @inlinable public var hasValue: Bool { true }

    /// Reports that this type cannot evaluate `what` and returns NaN.
    @inline(never)
    public static func unsupported(_ what: String) -> Self {
        Diagnostics.report(.unsupported(op: what, scalarType: "\(Self.self)", node: nil))
        return Self(Double.nan)
    }

    /// A vector primitive this type cannot carry through (a dual of duals, a rational, a complex
    /// step): reported once, with NaN outputs of the right count so the caller's indexing holds.
    static func unsupportedVector<P: VectorPrimitive>(_: P.Type, _ x: [Self]) -> [Self] {
        let m = Diagnostics.quietly { P.primal(x.map(\.approximateDouble)).count }
        let nan = unsupported("\(P.name) (a Double-valued vector primitive)")
        return Array(repeating: nan, count: m)
    }

    /// x^n by repeated squaring: exact for rationals, and the same rounding as repeated products.
    @inlinable public static func powiByMultiplication(_ x: Self, _ n: Int) -> Self {
        var result: Self = 1
        var base = x
        var k = n.magnitude
        while k > 0 {
            if k & 1 == 1 { result = result * base }
            k >>= 1
            if k > 0 { base = base * base }
        }
        return n < 0 ? 1 / result : result
    }
}

/// Comparisons and compound assignment derived from the requirements, so every scalar type
/// reads like ordinary numeric code: `if x > 0 { s += x }`.
///
/// `<=` and `>=` are "less (greater) or equal", not "not greater (less)": with a NaN both are
/// false, as for Double. The negations were true, so in generic code `x >= 0` let a NaN through
/// where the same code on Double did not (√'s domain test passed NaN).
extension ADScalar {
    @inlinable public static func > (lhs: Self, rhs: Self) -> Bool { rhs < lhs }
    @inlinable public static func <= (lhs: Self, rhs: Self) -> Bool { lhs < rhs || orderEqual(lhs, rhs) }
    @inlinable public static func >= (lhs: Self, rhs: Self) -> Bool { rhs < lhs || orderEqual(lhs, rhs) }
    @inlinable public static func += (lhs: inout Self, rhs: Self) { lhs = lhs + rhs }
    @inlinable public static func -= (lhs: inout Self, rhs: Self) { lhs = lhs - rhs }
    @inlinable public static func *= (lhs: inout Self, rhs: Self) { lhs = lhs * rhs }
    @inlinable public static func /= (lhs: inout Self, rhs: Self) { lhs = lhs / rhs }
    /// True unless the value is a NaN (NaN is the only value unequal to itself).
    @inlinable public var isNotNaN: Bool { self == self }
}

/// The registry's ops under their names, for every scalar type: `T.sin(x)`, `T.max(x, y)`.
/// Each is one ``ADScalar/apply(_:_:_:_:)``; always inlined, because leaving the call in user code
/// cost more than the op on the reverse-mode benchmark.
extension ADScalar {
    @inlinable @inline(__always) public static func powi(_ x: Self, _ n: Int) -> Self { apply(.powi, x, x, n) }
    @inlinable @inline(__always) public static func pow(_ x: Self, _ y: Self) -> Self { apply(.pow, x, y, 0) }
    @inlinable @inline(__always) public static func square(_ x: Self) -> Self { apply(.square, x, x, 0) }
    @inlinable @inline(__always) public static func sqrt(_ x: Self) -> Self { apply(.sqrt, x, x, 0) }
    @inlinable @inline(__always) public static func exp(_ x: Self) -> Self { apply(.exp, x, x, 0) }
    @inlinable @inline(__always) public static func expm1(_ x: Self) -> Self { apply(.expm1, x, x, 0) }
    @inlinable @inline(__always) public static func log(_ x: Self) -> Self { apply(.log, x, x, 0) }
    @inlinable @inline(__always) public static func log1p(_ x: Self) -> Self { apply(.log1p, x, x, 0) }
    @inlinable @inline(__always) public static func sin(_ x: Self) -> Self { apply(.sin, x, x, 0) }
    @inlinable @inline(__always) public static func cos(_ x: Self) -> Self { apply(.cos, x, x, 0) }
    @inlinable @inline(__always) public static func tan(_ x: Self) -> Self { apply(.tan, x, x, 0) }
    @inlinable @inline(__always) public static func atan(_ x: Self) -> Self { apply(.atan, x, x, 0) }
    @inlinable @inline(__always) public static func sinh(_ x: Self) -> Self { apply(.sinh, x, x, 0) }
    @inlinable @inline(__always) public static func cosh(_ x: Self) -> Self { apply(.cosh, x, x, 0) }
    @inlinable @inline(__always) public static func tanh(_ x: Self) -> Self { apply(.tanh, x, x, 0) }
    @inlinable @inline(__always) public static func asinh(_ x: Self) -> Self { apply(.asinh, x, x, 0) }
    @inlinable @inline(__always) public static func erf(_ x: Self) -> Self { apply(.erf, x, x, 0) }
    @inlinable @inline(__always) public static func sigmoid(_ x: Self) -> Self { apply(.sigmoid, x, x, 0) }
    @inlinable @inline(__always) public static func softplus(_ x: Self) -> Self { apply(.softplus, x, x, 0) }
    @inlinable @inline(__always) public static func relu(_ x: Self) -> Self { apply(.relu, x, x, 0) }
    @inlinable @inline(__always) public static func leakyRelu(_ x: Self, slope: Self) -> Self { apply(.leakyRelu, x, slope, 0) }
    @inlinable @inline(__always) public static func elu(_ x: Self, alpha: Self) -> Self { apply(.elu, x, alpha, 0) }
    @inlinable @inline(__always) public static func swish(_ x: Self) -> Self { apply(.swish, x, x, 0) }
    @inlinable @inline(__always) public static func gelu(_ x: Self) -> Self { apply(.gelu, x, x, 0) }
    @inlinable @inline(__always) public static func abs(_ x: Self) -> Self { apply(.abs, x, x, 0) }
    @inlinable @inline(__always) public static func max(_ x: Self, _ y: Self) -> Self { apply(.max, x, y, 0) }
    @inlinable @inline(__always) public static func min(_ x: Self, _ y: Self) -> Self { apply(.min, x, y, 0) }
    @inlinable @inline(__always) public static func hypot(_ x: Self, _ y: Self) -> Self { apply(.hypot, x, y, 0) }
}
