/// Everything about one built-in primitive, in one place: its metadata (``OpInfo``), primal,
/// local partials, domain predicate and distance to its non-differentiable points.
///
/// Each built-in op is one enum conforming to this protocol, grouped by family in the files
/// `Arithmetic.swift`, `Elementary.swift`, `Activations.swift` and `Piecewise.swift`. ``Rules`` and
/// ``Op/info`` only delegate to these declarations through one `switch` each, kept because a switch
/// over a constant op folds away in the interpreters' hot paths, where an existential would not.
///
/// A test enumerates ``Op/primitives`` and checks that every declaration is complete (a name, sample
/// ranges of the right arity, a kink distance for every op that declares kinks, a domain predicate
/// for every op with a restricted domain).
///
/// ```swift
/// enum Exp: OpDeclaration {
///     static let info = OpInfo(.exp, "exp", analytic: true, sample: [-5...5])
///     static func primal<T: ADScalar>(_ x: T, _ y: T, _ n: Int) -> T { Rules.native(.exp, x, x, 0) }
///     static func partials<T: ADScalar>(_ x: T, _ y: T, _ n: Int, output z: T) -> (T, T) { (z, 0) }
/// }
/// ```
public protocol OpDeclaration {
    /// Name, arity, domain text, smoothness, convention, closure flags and sample ranges.
    static var info: OpInfo { get }
    /// The op's value; `y` is ignored by unary ops and `n` by every op but `powi`.
    static func primal<T: ADScalar>(_ x: T, _ y: T, _ n: Int) -> T
    /// The local partials (∂z/∂x, ∂z/∂y) given the inputs and the already computed output `z`;
    /// the second is 0 for unary ops. Written with the scalar operations themselves so the same rule
    /// runs for Double, nested duals (higher order), rationals (exact) and tape variables.
    static func partials<T: ADScalar>(_ x: T, _ y: T, _ n: Int, output z: T) -> (T, T)
    /// Why `(x, y)` lies outside the domain, or nil inside it.
    static func domainViolation<T: ADScalar>(_ x: T, _ y: T, _ n: Int) -> String?
    /// How far `(x, y)` is from a non-differentiable point, in the inputs' own units (0 at the
    /// point), or nil for an op that has none. One function serves kink reports (distance 0), the
    /// checker's "a difference step may cross a kink" test and fault localisation.
    static func kinkDistance<T: ADScalar>(_ x: T, _ y: T) -> T?
    /// Whether the op can fail its domain or touch a kink: lets interpreters skip both predicates
    /// for smooth total ops. Derived from the declaration by default; a test checks it agrees.
    static var needsChecks: Bool { get }
    /// The value and the partials at once, for interpreters that need both where the value is
    /// made (forward mode, and a tape keeping the partial). By default the primal, then the
    /// partials; an op whose value and partial share work (sin and cos: one sincos) computes them
    /// together, and must return the bits of the two separately (RegistryTests checks it).
    static func primalAndPartials<T: ADScalar>(_ x: T, _ y: T, _ n: Int) -> (T, T, T)
    /// Whether a tape keeps this op's partial from recording instead of recomputing it in the
    /// sweep: for unary ops whose partial costs a call of its own that `primalAndPartials` shares
    /// with the value (8 bytes per such entry buy a libm call per sweep). A planted rule mutation
    /// reaches such a partial when the tape is recorded, every other partial when it is swept.
    static var keepsPartial: Bool { get }
    /// Whether a partial can be ±∞ or NaN where the inputs and the output are finite: √′(0) = +∞,
    /// log′ at a subnormal (1/x overflows), pow's ∂x at a zero base. Interpreters form such an
    /// op's products with ``TangentVector/chainProduct(_:_:)`` (a zero (co)tangent adds 0, not
    /// ∞·0 = NaN) and every other op's with the plain multiplication, so the mask costs nothing
    /// where it cannot fire. False by default; RegistryTests checks that every op without it has
    /// finite partials at finite points (ops that order their own products, division and powi,
    /// keep a zero (co)tangent's product 0 themselves) and that every op with it needs it.
    static var partialsCanBeInfinite: Bool { get }
    /// Whether the op declares its own chain-rule products (`vjp`, `jvp`) instead of the default
    /// partials × (co)tangent: interpreters call those products for it, and keep the cheaper
    /// multiplication for every other op.
    static var ordersProducts: Bool { get }
    /// A binary op's chain-rule products in reverse mode, (g·∂z/∂x, g·∂z/∂y) for the output
    /// cotangent g. The default multiplies the declared ``partials(_:_:_:output:)`` by g, so the
    /// rule is still written once. An op whose partial can underflow or overflow where its
    /// product with g is an ordinary number computes the products in an order that keeps them:
    /// division's ∂z/∂y = −z/y is −10⁻³⁹⁶ (0 in Double) for z ≈ 10⁻¹⁹⁹, y ≈ 10¹⁹⁷, while
    /// g·∂z/∂y ≈ −10⁻¹¹⁴ for g ≈ 10²⁸² (``Builtin/Div``). Such an override must equal the partials
    /// times g up to rounding; RegistryTests checks every op's products against its partials.
    ///
    /// Binary ops only: interpreters multiply a unary op's partial by the (co)tangent themselves,
    /// since the tape keeps sin's and cos's partials and forward mode shares them with the value.
    ///
    /// ```swift
    /// Builtin.Div.vjp(1e-2, 1e197, 0, output: 1e-199, cotangent: 2.4e282)   // (2.4e85, −2.4e-114)
    /// ```
    static func vjp<T: ADScalar>(_ x: T, _ y: T, _ n: Int, output z: T, cotangent g: T) -> (T, T)
    /// A binary op's chain-rule product in forward mode, ∂z/∂x·dx + ∂z/∂y·dy for the input
    /// tangents dx, dy (one direction, or a chunk of several). The default multiplies the
    /// declared partials by the tangents; an override obeys the rules of
    /// ``vjp(_:_:_:output:cotangent:)``.
    ///
    /// ```swift
    /// Builtin.Div.jvp(1e-2, 1e197, 0, output: 1e-199, tangents: 0.0, 1e200)   // −1e-196
    /// ```
    static func jvp<T: ADScalar, V: TangentVector>(_ x: T, _ y: T, _ n: Int, output z: T,
                                                  tangents dx: V, _ dy: V) -> V where V.Scalar == T
}

extension OpDeclaration {
    @inlinable public static func domainViolation<T: ADScalar>(_ x: T, _ y: T, _ n: Int) -> String? { nil }
    @inlinable public static func kinkDistance<T: ADScalar>(_ x: T, _ y: T) -> T? { nil }
    @inlinable public static var needsChecks: Bool { false }
    @inlinable @inline(__always)
    public static func primalAndPartials<T: ADScalar>(_ x: T, _ y: T, _ n: Int) -> (T, T, T) {
        let z = primal(x, y, n)
        let (p, q) = partials(x, y, n, output: z)
        return (z, p, q)
    }
    @inlinable public static var keepsPartial: Bool { false }
    @inlinable public static var ordersProducts: Bool { false }
    @inlinable public static var partialsCanBeInfinite: Bool { false }
    /// One chain-rule product `partial · tangent` of this op, as the interpreters form it: the
    /// masked ``TangentVector/chainProduct(_:_:)`` where a partial can be infinite (or is not a
    /// plain float, whose components may be), else the plain multiplication.
    @inlinable @inline(__always)
    public static func product<T: ADScalar, V: TangentVector>(_ partial: T, _ tangent: V) -> V where V.Scalar == T {
        if partialsCanBeInfinite || !(T.self == Double.self || T.self == Float.self) {
            return V.chainProduct(partial, tangent)
        }
        return partial * tangent
    }
    // The defaults are the partials times the (co)tangents, in the order the interpreters
    // multiplied them before these hooks existed, so an op without an override runs the same
    // instructions in every mode (the sweep's benchmark holds them to it). In forward mode an op
    // whose partial can be infinite masks zero tangents (``product(_:_:)``); the reverse sweep
    // masks only entries no seed reaches, which it alone can tell.
    @inlinable @inline(__always)
    public static func vjp<T: ADScalar>(_ x: T, _ y: T, _ n: Int, output z: T, cotangent g: T) -> (T, T) {
        // Plain products: whether a zero cotangent may mask an infinite partial depends on
        // whether the entry is reached at all, which only the sweep knows (Tape.sweepLoop).
        let (p, q) = partials(x, y, n, output: z)
        return (p * g, q * g)
    }
    @inlinable @inline(__always)
    public static func jvp<T: ADScalar, V: TangentVector>(_ x: T, _ y: T, _ n: Int, output z: T,
                                                         tangents dx: V, _ dy: V) -> V where V.Scalar == T {
        let (p, q) = partials(x, y, n, output: z)
        return product(p, dx) + product(q, dy)
    }
}

/// Where an op is differentiable.
public enum Smoothness: Sendable, Equatable {
    /// Infinitely differentiable on its whole domain.
    case smooth
    /// Continuous, with points where the derivative jumps; the registry's convention picks one value.
    case kinks(at: String)
    /// Continuous, with points where the derivative is unbounded (√x at 0).
    case singular(at: String)
}

/// How an op's value depends on its arguments along a line: what a tape analysis needs to tell
/// that f is affine in an input (a difference along it then has no truncation, only rounding).
/// A built-in declaration that claims linearity is checked on exact rationals (RegistryTests): its
/// primal along a line of rational points has zero second differences. A user primitive's claim
/// (``ScalarPrimitive/linearity``) is tested on Doubles where f uses it, before a difference
/// relies on it, and by `validate` over its sample ranges.
///
/// ```swift
/// Op.add.info.linearity   // .affine
/// Op.mul.info.linearity   // .affineInEach: x·y is affine in x for fixed y, not in both together
/// Op.sin.info.linearity   // .nonlinear
/// ```
public enum Linearity: Sendable, Equatable {
    /// Not affine in its arguments, or not known to be (the default, and always safe).
    case nonlinear
    /// Affine in all its arguments together: x + y, x − y, −x.
    case affine
    /// Affine in each argument while the others are held: x · y.
    case affineInEach
    /// Affine in its first argument while the second is held: x / y.
    case affineInFirst
}

/// Registry metadata for one primitive; the rule itself is the declaration's
/// ``OpDeclaration/partials(_:_:_:output:)``.
///
/// ```swift
/// Op.tanh.info.name            // "tanh"
/// Op.relu.info.smoothness      // .kinks(at: "x = 0")
/// Op.mul.info.isRationalClosed // true
/// ```
public struct OpInfo: Sendable {
    /// The op this entry describes.
    public let op: Op
    /// Name in the formula language and in reports.
    public let name: String
    /// Number of scalar inputs (0 for the graph leaves; `powi`'s exponent is an attribute).
    public let arity: Int
    /// Valid inputs, as text for messages; the declaration's `domainViolation` is the predicate.
    public let domain: String
    /// Where the op is differentiable (kinks and singular points are reported when touched).
    public let smoothness: Smoothness
    /// The value the rule returns where the op is not differentiable.
    public let convention: String?
    /// Whether rationals in give rationals out, so exact mode can evaluate it.
    public let isRationalClosed: Bool
    /// Whether the op extends analytically to complex arguments, so the complex step can run it.
    public let isAnalytic: Bool
    /// Intervals, one per input, from which tests draw valid inputs.
    public let sampleRanges: [ClosedRange<Double>]
    /// Extra attribute of the node (`powi`'s exponent), if any.
    public let attribute: String?
    /// A one-line description for help texts (`jac --help` lists functions from these).
    public let summary: String
    /// Whether the op is affine in its arguments (see ``Linearity``).
    public let linearity: Linearity
    /// The second input's conventional value, as text (exact mode reads it as a rational), for a
    /// caller that gives only the first: leaky ReLU's slope 0.01 and ELU's α 1 (which makes ELU
    /// C¹ at 0), as in common ML libraries. The formula language's `elu(x)` and the matrix path's `ElementwiseSpec(op: .elu)`
    /// both read it, so the two cannot disagree (the matrix path took 0, which made ELU a ReLU).
    public let defaultParameter: String?
    /// Which arguments (0: the first, 1: the second) the op's kink or singular point is about: a
    /// kink whose arguments there depend on no input of f is no kink of f (its tangent is exactly
    /// 0 in every mode, and f takes the same piece at every nearby point). All of them unless
    /// declared: max and min at a tie, hypot at the origin, and the unary ops, whose second
    /// argument is the first. pow declares its base alone, so `0^x` at x = 0.7 is smooth (0 near
    /// x) while `x^y` at (0, ½) is singular. jac's notes (over a formula's nodes) and the check's
    /// kink map (over a tape's) both read it.
    public let kinkArguments: [Int]
    /// Whether each smooth piece of an op with kinks is entire (a polynomial or exp: abs, max,
    /// min, relu, leaky ReLU, ELU), so that the complex step may continue the real point's piece
    /// however far off the axis its step reaches. hypot's piece √(x² + y²) branches where
    /// x² + y² = 0, no farther from the real point than its kink distance: there the complex step
    /// refuses a displacement that reaches the kink distance, as it refuses the kink itself.
    /// Taken past it (hypot at x = y = 10⁻³²⁰, the step widened to 6.8·10⁻²¹ once 10⁻³²⁰'s
    /// imaginary parts were subnormal) √(z² + y²) is z, every step agreed on ∂/∂x = 1, and the
    /// right 1/√2 of forward and reverse mode was convicted. A user primitive declares its own
    /// (``ScalarPrimitive/piecesAreEntire``), which the complex step reads the same way.
    public let piecesAreEntire: Bool
    /// Whether the op's rule, as exact and symbolic scalars run it (``ADScalar/roundsArithmetic``
    /// false), is one formula on every side of its kinks, so a symbolic derivative needs no side
    /// chosen: hypot's (x/z, y/z), whose only branch is the kink z = 0 itself. Only ops with
    /// kinks declare it. ``SymbolicJacobian/kinkedOps`` leaves such ops out, and `jac diff`
    /// asks for --at only for the others (its help lists both from here). It was a special case
    /// for hypot in each of those two places. A user primitive declares its own
    /// (``ScalarPrimitive/ruleIsOneFormulaAcrossKinks``), which `kinkedOps` reads the same way.
    ///
    /// ```swift
    /// Op.hypot.info.ruleIsOneFormulaAcrossKinks   // true
    /// Op.abs.info.ruleIsOneFormulaAcrossKinks     // false: −1 on one side, 1 on the other
    /// ```
    public let ruleIsOneFormulaAcrossKinks: Bool

    public init(_ op: Op, _ name: String, arity: Int = 1, domain: String = "all reals",
                smoothness: Smoothness = .smooth, convention: String? = nil, rational: Bool = false,
                analytic: Bool = false, sample: [ClosedRange<Double>]? = nil, attribute: String? = nil,
                summary: String = "", linearity: Linearity = .nonlinear, defaultParameter: String? = nil,
                kinkArguments: [Int] = [0, 1], entirePieces: Bool = true, oneFormulaAcrossKinks: Bool = false) {
        self.op = op; self.name = name; self.arity = arity; self.domain = domain
        self.smoothness = smoothness; self.convention = convention; self.isRationalClosed = rational
        self.isAnalytic = analytic
        self.sampleRanges = sample ?? Array(repeating: -3.0...3.0, count: arity)
        self.attribute = attribute; self.summary = summary; self.linearity = linearity
        self.defaultParameter = defaultParameter
        self.kinkArguments = kinkArguments
        self.piecesAreEntire = entirePieces
        self.ruleIsOneFormulaAcrossKinks = oneFormulaAcrossKinks
    }
}
