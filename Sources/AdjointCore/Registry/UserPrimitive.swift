import Synchronization

/// A primitive you declare yourself: a special function, an implicit solve, a call into C — any
/// scalar function of one or two inputs whose derivative you know.
///
/// Declared once, it runs in every mode: plain Double and Float, forward (``Dual``, also nested),
/// reverse (one tape entry, like a built-in), Hessians, and exact rationals when the rule is
/// written generically and the primal is rational-closed. It is counted by ``measureOperations(_:)``,
/// reported in kink and domain diagnostics when you declare them, localised by the checker, and
/// `validate` (in AdjointCheck) checks your rule before you trust it.
///
/// Write `partials` with the scalar operations (generic over ``ADScalar``) so second derivatives
/// come out right: a rule written in Doubles only is first-order. For a primal that can only run on
/// Doubles (a C routine), use ``BlackBoxPrimitive`` instead.
///
/// ```swift
/// enum Cube: UnaryPrimitive {
///     static let name = "cube"
///     static func primal<T: ADScalar>(_ x: T) -> T { x * x * x }
///     static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { 3 * x * x }
/// }
/// func f<T: ADScalar>(_ x: [T]) -> T { Cube.apply(x[0]) + x[1] }
/// try gradient(of: f, at: [2.0, 1.0])   // [12, 1]
/// ```
public protocol ScalarPrimitive {
    /// The name used in reports, counts and diagnostics.
    static var name: String { get }
    /// 1 or 2 inputs.
    static var arity: Int { get }
    /// The value; `y` is ignored when ``arity`` is 1.
    static func primal<T: ADScalar>(_ x: T, _ y: T) -> T
    /// The local partials (∂z/∂x, ∂z/∂y) given the inputs and the output `z`.
    static func partials<T: ADScalar>(_ x: T, _ y: T, output z: T) -> (T, T)
    /// Valid inputs, as text for messages.
    static var domain: String { get }
    /// Why `(x, y)` is outside the domain, or nil inside it.
    static func domainViolation(_ x: Double, _ y: Double) -> String?
    /// Distance of `(x, y)` from a non-differentiable point (0 at it), or nil if there is none.
    static func kinkDistance(_ x: Double, _ y: Double) -> Double?
    /// Intervals, one per input, that `validate` and property tests draw inputs from.
    static var sampleRanges: [ClosedRange<Double>] { get }
    /// Whether the primal and partials are computed with + − × ÷, comparisons and rational
    /// constants only, so exact (rational) mode computes them exactly. False by default, and exact
    /// mode then refuses the primitive by name: a primal that reads its input as a Double and
    /// takes a Newton step in T uses only rational operations, yet its value is a rounded root,
    /// which exact mode would have reported as exact. Declared true on such a primal, exact mode
    /// refuses it by name all the same (it reads a rational as a Double), and `validate` fails its
    /// rational-closure check.
    ///
    /// ```swift
    /// enum Parallel: ScalarPrimitive {   // x·y/(x + y)
    ///     static let name = "parallel"
    ///     static let arity = 2
    ///     static let isRationalClosed = true
    ///     …
    /// }
    /// try exactJacobian(of: F(), at: ["1", "3"])   // exact; undeclared, it throws unsupported naming "parallel"
    /// ```
    static var isRationalClosed: Bool { get }
    /// How the primal depends on its inputs along a line (see ``Linearity``); `.nonlinear` by
    /// default, which is always safe. A finite-difference witness reads it off f's tape: an input
    /// that reaches an output only through affine ops gets one central difference, which has no
    /// truncation error, instead of a step search. A claim is taken only where it holds: the
    /// analysis tests it on the primal at each recorded use (asymmetric points along each claimed
    /// line, at four scales; a declared kink there refuses it), the difference checks its own
    /// samples lie on a line, and `validate` tests it over the sample ranges. A primal affine at
    /// all those points yet curved between them could still pass, as no finite sample rules out.
    ///
    /// ```swift
    /// enum Fahrenheit: UnaryPrimitive {   // °F from °C
    ///     static let name = "fahrenheit"
    ///     static let linearity = Linearity.affine
    ///     static func primal<T: ADScalar>(_ x: T) -> T { 1.8 * x + 32 }
    ///     static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { 1.8 }
    /// }
    /// // F()(x) = [Fahrenheit.apply(x[0]) + T.sin(x[1])]: x₀ reaches the output affinely
    /// try differenceJacobian(of: F(), at: [20, 1], method: .adaptive).entries[0][0].evaluations   // 2
    /// ```
    static var linearity: Linearity { get }
    /// Whether ``partials(_:_:output:)``, as symbolic scalars run it, is one formula on every side
    /// of the declared kinks (``kinkDistance(_:_:)``), so a symbolic derivative needs no side
    /// chosen: the counterpart of a registry op's ``OpInfo/ruleIsOneFormulaAcrossKinks`` (hypot's),
    /// read where that is. False by default: a primitive that declares a kink is then listed by
    /// `SymbolicJacobian.kinkedOps`, as relu and abs are, which says the derivative is one side's
    /// and a caller should give a point. Declare it only for a rule with no branch but the kink
    /// itself (a distance's (x/z, y/z)); a kinkDistance that marks a singular point rather than a
    /// jump (∛x at 0, whose derivative 1/(3z²) is one formula) is such a case too.
    ///
    /// ```swift
    /// enum Distance: ScalarPrimitive {   // √(x² + y²): a kink at the origin, one formula around it
    ///     static let name = "distance"
    ///     static let arity = 2
    ///     static let ruleIsOneFormulaAcrossKinks = true
    ///     static func kinkDistance(_ x: Double, _ y: Double) -> Double? { (x * x + y * y).squareRoot() }
    ///     static func partials<T: ADScalar>(_ x: T, _ y: T, output z: T) -> (T, T) { (x / z, y / z) }
    ///     …
    /// }
    /// // F()(x) = [Distance.apply(x[0], x[1])]
    /// try SymbolicDifferentiation.jacobian(of: F(), inputs: 2).kinkedOps   // []; undeclared, [.user("distance")]
    /// ```
    static var ruleIsOneFormulaAcrossKinks: Bool { get }
    /// Whether each piece of the primal between its declared kinks (``kinkDistance(_:_:)``) is an
    /// entire function (a polynomial, exp of one: relu's 0 and x, abs's −x and x, a clamp's
    /// bounds and x), so the complex step may continue the piece the real point is on however far
    /// off the axis its step reaches: the counterpart of a registry op's ``OpInfo/piecesAreEntire``.
    /// False by default, and the complex step is then refused where its imaginary parts reach the
    /// kink distance, since a piece may branch that near: √(z² + y²) has branch points at z = ±iy,
    /// within its distance |(z, y)| of the axis, and a step past them read 1 for 0. A user abs
    /// near its kink (its argument 10⁻³⁰ where the step is 10⁻²¹) had no complex step at all.
    ///
    /// The declaration is tested where it is relied on: a step that reaches the kink distance is
    /// taken only where the primal's imaginary part moves in proportion to the step's, to within
    /// an ulp, between that reach and a quarter of the kink distance, as an analytic piece's does
    /// (one more evaluation of the primal there). Within an ulp, since the complex step then
    /// claims a couple of ulps: a √ declared entire at z = 2⁻⁹⁰, y = 2⁻¹⁰² moved in proportion
    /// to 3·10⁻⁸ and its step read 1 for 1 − 3·10⁻⁸. Declared on that √, the step past the branch points read
    /// 1 for 0, and a complex-step-only check passed a rule claiming 1; the test refuses it as
    /// undeclared. A piece that branches yet moves in proportion at both reaches is not caught:
    /// declare it only for pieces built from + − × and entire functions. At the kink itself the
    /// step is still refused (no piece is chosen there).
    ///
    /// ```swift
    /// enum Clamp01: UnaryPrimitive {   // min(max(x, 0), 1): pieces 0, x and 1
    ///     static let name = "clamp01"
    ///     static let piecesAreEntire = true
    ///     static func kinkDistance(_ x: Double, _ y: Double) -> Double? { Swift.min(Swift.abs(x), Swift.abs(x - 1)) }
    ///     …
    /// }
    /// // F()(x) = [Clamp01.apply(x[0] - 1 + x[1])] at (1, 10⁻³⁰): the step along x₀, 2⁻⁶⁷, reaches the kink at 0
    /// try differenceJacobian(of: F(), at: [1, 1e-30], method: .complexStep).entries[0][0].value   // 1; undeclared, NaN (unsupported-op)
    /// ```
    static var piecesAreEntire: Bool { get }
}

extension ScalarPrimitive {
    public static var arity: Int { 1 }
    public static var domain: String { "all reals" }
    public static func domainViolation(_ x: Double, _ y: Double) -> String? { nil }
    public static func kinkDistance(_ x: Double, _ y: Double) -> Double? { nil }
    public static var sampleRanges: [ClosedRange<Double>] { Array(repeating: -3.0...3.0, count: arity) }
    public static var isRationalClosed: Bool { false }
    public static var linearity: Linearity { .nonlinear }
    public static var ruleIsOneFormulaAcrossKinks: Bool { false }
    public static var piecesAreEntire: Bool { false }

    /// Whether the primitive restricts its inputs: a ``domain`` text other than the default, or
    /// ``domainViolation(_:_:)`` not nil at one of a few probes (each input at the ends and middle
    /// of its ``sampleRanges`` interval, 0, ±1, ±the largest finite Double and NaN). What a
    /// symbolic derivation without a point reads to say which domains it could not check
    /// (`SymbolicJacobian.uncheckedDomains`). A restriction no probe meets is not seen.
    package static var declaresDomain: Bool {
        if domain != "all reals" { return true }
        let ranges = sampleRanges
        func probes(_ i: Int) -> [Double] {
            let ends = i < ranges.count ? [ranges[i].lowerBound, (ranges[i].lowerBound + ranges[i].upperBound) / 2, ranges[i].upperBound] : []
            return ends + [0, 1, -1, .greatestFiniteMagnitude, -.greatestFiniteMagnitude, .nan]
        }
        let xs = probes(0)
        // A unary primitive's second argument is its first in every mode.
        guard arity == 2 else { return xs.contains { domainViolation($0, $0) != nil } }
        let ys = probes(1)
        return xs.contains { x in ys.contains { y in domainViolation(x, y) != nil } }
    }

    /// Whether the primitive declares a point where it is not differentiable: ``kinkDistance(_:_:)``
    /// is not nil at one of a few probes inside the declared domain (each input at the ends and
    /// middle of its ``sampleRanges`` interval, and at 0), where nil, the default, says there is
    /// none anywhere. What a question asked without a point (a symbolic derivative's `kinkedOps`)
    /// reads where a registry op's reads ``OpInfo/smoothness``. A distance written for the kink
    /// alone (`x == 0 ? 0 : nil`) is found where a probe lands on it, as 0 and a tie of equal
    /// ranges do.
    package static var declaresKinks: Bool {
        let ranges = sampleRanges
        func probes(_ i: Int) -> [Double] {
            let ends = i < ranges.count ? [ranges[i].lowerBound, (ranges[i].lowerBound + ranges[i].upperBound) / 2, ranges[i].upperBound] : []
            return (ends + [0]).filter(\.isFinite)
        }
        // A distance is asked only where the primitive is defined, as every mode asks it.
        func declared(_ x: Double, _ y: Double) -> Bool { domainViolation(x, y) == nil && kinkDistance(x, y) != nil }
        let xs = probes(0), ys = arity == 2 ? probes(1) : []
        // A unary primitive's second argument is its first in every mode.
        if ys.isEmpty { return xs.contains { declared($0, $0) } }
        return xs.contains { x in ys.contains { y in declared(x, y) } }
    }

    /// Applies the primitive to one input, in whatever mode `T` is.
    @inlinable public static func apply<T: ADScalar>(_ x: T) -> T {
        guard hasValidArity() else { return T(Double.nan) }
        return T.apply(Self.self, x, x)
    }
    /// Applies the primitive to two inputs; a primitive of arity 1 (the default) reports
    /// ``ADError/invalidArgument(_:)`` naming it and gives NaN. Why: every mode reads a unary
    /// primitive's second argument as its first, so x·y declared without `arity = 2` had the
    /// value x·y (the primal saw y) but the gradient [x, 0] at (2, 3), and no error.
    ///
    /// ```swift
    /// enum Times: ScalarPrimitive { static let name = "times"; … }   // arity not declared: 1
    /// try gradient(of: { Times.apply($0[0], $0[1]) }, at: [2.0, 3.0])   // throws, naming "times"
    /// ```
    @inlinable public static func apply<T: ADScalar>(_ x: T, _ y: T) -> T {
        guard hasValidArity() else { return T(Double.nan) }
        if _slowPath(arity == 1) {
            reportUnaryAppliedToTwo(name)
            return T(Double.nan)
        }
        return T.apply(Self.self, x, y)
    }

    /// Whether ``arity`` is 1 or 2, the only arities the interpreters implement; otherwise reports
    /// ``ADError/invalidArgument(_:)`` naming the primitive. Checked where a primitive is applied
    /// (here, and in each interpreter's `apply` for direct calls), since the protocol cannot
    /// constrain a static property: an arity of 3 or 0 was read as 1, which dropped the second
    /// input's partial and gave a wrong gradient with no error.
    ///
    /// ```swift
    /// enum Tri: ScalarPrimitive { static var arity: Int { 3 } … }
    /// try gradient(of: { Tri.apply($0[0], $0[1]) }, at: [2.0, 3.0])   // throws invalidArgument naming "tri"
    /// ```
    @inlinable public static func hasValidArity() -> Bool {
        if _fastPath(arity == 1 || arity == 2) { return true }
        reportInvalidArity(name, arity)
        return false
    }

    /// Whether `(x, y)` is a declared kink (distance 0).
    static func isKink(_ x: Double, _ y: Double) -> Bool { kinkDistance(x, y) == 0 }

    /// The primitive's value on the value type `T` of a derived scalar (what `Dual` and `Reverse`
    /// compute their value with). On a derived `T` (a nested derivative's inner level) the
    /// primitive is applied, never its primal differentiated, as ``Rules/primal(_:_:_:_:)`` does
    /// for registry ops: the output's inner tangent then comes from the partials, so the partials
    /// are the one source of every derivative of every order. Why: the primal is free to compute
    /// its value on Doubles (libm's erf, a solver), which drops the tangent, and a kinked primal
    /// differentiates its own branch (x < 0 ? -x : x keeps x's tangent at 0) against the declared
    /// convention. Differentiating the primal gave the Hessian of erf(x)²·y as
    /// [[−1.978, 0.883], [0, 0]] (by hand [[−0.987, 0.883], [0.883, 0]]): wrong, asymmetric,
    /// unreported. Base scalars (Double, Float, rationals, a complex step) run the primal.
    /// A base scalar may refuse the primitive (``ADScalar/admit(_:)``: a rational refuses one not
    /// declared ``isRationalClosed``); the refusal is reported and the value is NaN.
    @inlinable static func primalOnValueType<T: ADScalar>(_ x: T, _ y: T) -> T {
        if T.interpretsRegistryOps { return T.apply(Self.self, x, y) }
        guard T.admit(Self.self) else { return T(Double.nan) }
        // Only an exact scalar's read is held to a declared closure (Diagnostics.noteInexactRead).
        if Diagnostics.readsWithoutEscape(T.self) { return primal(x, y) }
        return Diagnostics.userPrimal(of: name, rationalClosed: isRationalClosed, on: T.self) { primal(x, y) }
    }

    /// ``primalOnValueType(_:_:)`` as the derived modes call it: quietly, since a primal that
    /// reads its inputs as Doubles (a solver's start) is its own business, not an escape of the
    /// function being differentiated. On Double and Float no read can escape, and the quiet
    /// scope, a generic call per application, is skipped.
    @inlinable static func quietPrimalOnValueType<T: ADScalar>(_ x: T, _ y: T) -> T {
        Diagnostics.readsWithoutEscape(T.self) ? primalOnValueType(x, y) : Diagnostics.quietly { primalOnValueType(x, y) }
    }
}

/// Whether `a` and `b` can be one argument given twice, as `apply(x)` gives a unary primitive's:
/// equal, or both NaN. By `==` alone a NaN is not itself, and a unary user primitive applied to a
/// NaN in forward or reverse mode was reported as "applied to two inputs but declares arity 1",
/// where its domain predicate names the NaN.
@inlinable
func isSameArgument<V: Equatable>(_ a: V, _ b: V) -> Bool { a == b || (a != a && b != b) }

/// Out of line: the message is built only for a unary primitive applied to two inputs.
@usableFromInline @inline(never)
func reportUnaryAppliedToTwo(_ name: String) {
    Diagnostics.report(.invalidArgument("\(name) was applied to two inputs but declares arity 1 (the default): declare `static var arity: Int { 2 }` for a primitive of two inputs, or apply it to one"))
}

/// Out of line: the message is built only for a primitive that declares an arity other than 1 or 2.
@usableFromInline @inline(never)
func reportInvalidArity(_ name: String, _ arity: Int) {
    Diagnostics.report(.invalidArgument("\(name) declares arity \(arity), but a scalar primitive takes 1 or 2 inputs (declare a VectorPrimitive for more)"))
}

/// A one-input ``ScalarPrimitive`` written as a primal and its derivative.
///
/// ```swift
/// enum Softsign: UnaryPrimitive {
///     static let name = "softsign"
///     static func primal<T: ADScalar>(_ x: T) -> T { x / (1 + T.abs(x)) }
///     static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { let d = 1 + T.abs(x); return 1 / (d * d) }
/// }
/// ```
public protocol UnaryPrimitive: ScalarPrimitive {
    static func primal<T: ADScalar>(_ x: T) -> T
    static func derivative<T: ADScalar>(_ x: T, output z: T) -> T
    /// Why `x` is outside the domain, or nil inside it: the one-input form of
    /// ``ScalarPrimitive/domainViolation(_:_:)``, which calls it unless that is written too.
    ///
    /// Why a requirement: written in a unary primitive without being one, it was a new static
    /// function nothing called, so a log declared `domainViolation(_ x:)` kept the default "no
    /// restriction" silently, and gave NaN for −1 with no domain error (a review).
    ///
    /// ```swift
    /// static func domainViolation(_ x: Double) -> String? { x <= 0 ? "log of x ≤ 0" : nil }
    /// ```
    static func domainViolation(_ x: Double) -> String?
}

extension UnaryPrimitive {
    public static var arity: Int { 1 }
    public static func primal<T: ADScalar>(_ x: T, _ y: T) -> T { primal(x) }
    public static func partials<T: ADScalar>(_ x: T, _ y: T, output z: T) -> (T, T) { (derivative(x, output: z), 0) }
    public static func domainViolation(_ x: Double) -> String? { nil }
    public static func domainViolation(_ x: Double, _ y: Double) -> String? { domainViolation(x) }
}

/// A ``ScalarPrimitive`` whose primal and partials run on Doubles only (a C routine, an iterative
/// solver written for Double). First derivatives work in forward and reverse mode; a Hessian or
/// exact mode report ``ADError/unsupported(op:scalarType:node:)`` naming the primitive, rather
/// than a wrong number (a Hessian's says that the primitive has no second-order rule and to
/// declare a generic ``ScalarPrimitive`` instead). Float inputs are widened to Double and the result rounded back.
///
/// ```swift
/// enum LambertW: BlackBoxPrimitive {
///     static let name = "lambert_w"
///     static func evaluate(_ x: Double, _ y: Double) -> Double { /* Halley's method */ }
///     static func derivatives(_ x: Double, _ y: Double, output w: Double) -> (Double, Double) { (1 / (exp(w) * (1 + w)), 0) }
/// }
/// ```
public protocol BlackBoxPrimitive: ScalarPrimitive {
    static func evaluate(_ x: Double, _ y: Double) -> Double
    static func derivatives(_ x: Double, _ y: Double, output z: Double) -> (Double, Double)
}

extension BlackBoxPrimitive {
    public static func primal<T: ADScalar>(_ x: T, _ y: T) -> T {
        guard let (a, b) = doubles(x, y) else { return unsupported(T.self) }
        return T(evaluate(a, b))
    }

    public static func partials<T: ADScalar>(_ x: T, _ y: T, output z: T) -> (T, T) {
        guard let (a, b) = doubles(x, y), let c = doubles(z, z)?.0 else {
            let u: T = unsupported(T.self)
            return (u, u)
        }
        let (p, q) = derivatives(a, b, output: c)
        return (T(p), T(q))
    }

    /// The inputs as Doubles when `T` is a plain floating-point type, else nil: a dual or a rational
    /// cannot pass through a black box without losing what it carries.
    static func doubles<T: ADScalar>(_ x: T, _ y: T) -> (Double, Double)? {
        if T.self == Double.self || T.self == Float.self { return (x.approximateDouble, y.approximateDouble) }
        return nil
    }

    static func unsupported<T: ADScalar>(_: T.Type) -> T {
        if T.self is any RegistryInterpreter.Type {
            // Its partials are asked for as duals or reverse values only when they are themselves
            // being differentiated: a second-order pass. The scalar type (Dual<Double, Double>)
            // means nothing to the user, so the message says what they asked for and what to do.
            Diagnostics.report(.unsupported(
                op: "\(name) is a black-box primitive (BlackBoxPrimitive): it has first derivatives only, on Doubles, "
                    + "and no second-order rule, so a Hessian, a Hessian-vector product or any second derivative cannot "
                    + "go through it; gradients and Jacobians can. For second derivatives declare it as a ScalarPrimitive "
                    + "whose primal and partials are generic over ADScalar",
                scalarType: "", node: nil))
        } else {
            Diagnostics.report(.unsupported(op: "\(name) (a Double-only black-box primitive)", scalarType: "\(T.self)", node: nil))
        }
        return T(Double.nan)
    }
}

/// A primitive from ℝⁿ to ℝᵐ with its own JVP and/or VJP: an ODE step, a linear solve, a call into
/// a library. Forward mode uses the JVP, reverse mode the VJP; a mode whose rule is missing reports
/// ``ADError/missingRule(primitive:mode:needs:)`` (reverse mode does not build a VJP from JVPs).
/// `checkJacobian` (in AdjointCheck) checks a primitive with one rule in the mode that has it, and
/// names the mode it could not run; so do properties (AdjointTesting), sparse Jacobians (forward
/// mode with a JVP only, reverse mode with a VJP only) and `checkSparsity`. Runs on Double values
/// (first order).
///
/// ```swift
/// enum Scale2: VectorPrimitive {
///     static let name = "scale2"
///     static func primal(_ x: [Double]) -> [Double] { x.map { 2 * $0 } }
///     static func jvp(at x: [Double], direction v: [Double]) -> [Double]? { v.map { 2 * $0 } }
///     static func vjp(at x: [Double], cotangent u: [Double]) -> [Double]? { u.map { 2 * $0 } }
/// }
/// let g = try gradient(of: { x in Scale2.apply(x).reduce(0, +) }, at: [1.0, 2.0])   // [2, 2]
/// ```
public protocol VectorPrimitive {
    static var name: String { get }
    static func primal(_ x: [Double]) -> [Double]
    /// J·v at x, or nil when not provided.
    static func jvp(at x: [Double], direction v: [Double]) -> [Double]?
    /// uᵀJ at x, or nil when not provided.
    static func vjp(at x: [Double], cotangent u: [Double]) -> [Double]?
    /// Intervals per input for `validate`; nil draws from [−1, 1].
    static func sampleRanges(inputs n: Int) -> [ClosedRange<Double>]
    /// For each output, the inputs it reads, when called with `n` inputs; nil (the default) means
    /// every output reads every input. Sparse Jacobians use it; `checkSparsity` tests it.
    static func sparsity(inputs n: Int) -> [[Int]]?
    /// Valid inputs, as text for messages.
    static var domain: String { get }
    /// Why `x` is outside the domain, or nil inside it (the default: no restriction). Outside it
    /// every mode reports ``ADError/domain(op:node:inputs:reason:)`` naming the primitive, its
    /// outputs are NaN, and its JVP and VJP are not called: a rule asked for the derivative of a
    /// solve with a singular matrix has nothing right to answer. The primal is still called (it
    /// says how many outputs there are), so it must return, not trap, outside the domain.
    ///
    /// ```swift
    /// static func domainViolation(_ x: [Double]) -> String? {
    ///     x.allSatisfy { $0 == 0 } ? "normalising the zero vector" : nil
    /// }
    /// ```
    static func domainViolation(_ x: [Double]) -> String?
    /// How far `x` is from the nearest point where the primitive is not differentiable (0 at
    /// it), as the largest change of any one input that reaches it (the max norm), or nil when
    /// there is none (the default). A lower bound is fine; 0 is a kink. Every mode reports a
    /// kink at distance 0, as for built-in ops; the check takes one-sided derivatives there and
    /// keeps its differences on one side near it; `validate` looks for undeclared kinks.
    ///
    /// ```swift
    /// enum SortPair: VectorPrimitive {   // (min, max): not differentiable where the inputs tie
    ///     static func kinkDistance(_ x: [Double]) -> Double? { abs(x[0] - x[1]) / 2 }
    ///     …
    /// }
    /// ```
    static func kinkDistance(_ x: [Double]) -> Double?
}

extension VectorPrimitive {
    public static func sparsity(inputs n: Int) -> [[Int]]? { nil }
    public static func jvp(at x: [Double], direction v: [Double]) -> [Double]? { nil }
    public static func vjp(at x: [Double], cotangent u: [Double]) -> [Double]? { nil }
    // No ranges for a negative count rather than a trap (Array(repeating:count:) traps below 0).
    public static func sampleRanges(inputs n: Int) -> [ClosedRange<Double>] { Array(repeating: -1.0...1.0, count: Swift.max(n, 0)) }
    public static var domain: String { "all inputs" }
    public static func domainViolation(_ x: [Double]) -> String? { nil }
    public static func kinkDistance(_ x: [Double]) -> Double? { nil }

    /// Applies the primitive in whatever mode `T` is. A ``RuleMutation`` planted under its name is
    /// refused (``ADError/invalidArgument(_:)``): a vector primitive's rules are not mutable.
    @inlinable public static func apply<T: ADScalar>(_ x: [T]) -> [T] {
        if _slowPath(Instrumentation.isActive) { RuleMutations.refuseVectorTarget(name) }
        return T.apply(Self.self, x)
    }
}

/// The registry's open part: user primitives registered for enumeration (by the self-test and the
/// fuzzer, say). Applying a primitive does not need registration; listing it does.
///
/// ```swift
/// try UserPrimitives.register(Cube.self)
/// UserPrimitives.scalar.map { $0.name }   // ["cube"]
/// ```
public enum UserPrimitives {
    // Metatypes of a protocol are not Sendable to the checker; every access goes through the lock.
    private final class Store: @unchecked Sendable {
        let lock = Mutex(())
        var list: [any ScalarPrimitive.Type] = []
    }
    private static let store = Store()

    /// Adds `p`, once (registering it again changes nothing). A different primitive under a name
    /// already taken throws ``ADError/invalidArgument(_:)``: it used to replace the first silently,
    /// so the self-test went on exercising the other rule under the name the user had listed.
    /// So does a built-in op's name (see ``builtinNames``), and a name that is not an identifier
    /// of the formula language (see ``isValidName(_:)``).
    ///
    /// ```swift
    /// try UserPrimitives.register(Cube.self)
    /// try UserPrimitives.register(OtherCube.self)   // throws when OtherCube.name is "cube" too
    /// try UserPrimitives.register(FakeSin.self)     // throws when FakeSin.name is "sin"
    /// try UserPrimitives.register(Blank.self)       // throws when Blank.name is "" or "my prim(x)"
    /// ```
    public static func register(_ p: any ScalarPrimitive.Type) throws {
        if let why = nameViolation(p.name, of: "\(p)") { throw ADError.invalidArgument(why) }
        let clash: Bool = store.lock.withLock { _ in
            if let existing = store.list.first(where: { $0.name == p.name }) {
                return ObjectIdentifier(existing) != ObjectIdentifier(p)
            }
            store.list.append(p)
            return false
        }
        if clash {
            throw ADError.invalidArgument("a different user primitive is already registered as \"\(p.name)\" (registering \(p)): give each primitive its own name")
        }
    }

    /// Removes `p` if it is registered (another primitive of the same name stays): what a test
    /// that registers a primitive calls when done, so the self-test of later tests does not draw it.
    ///
    /// ```swift
    /// try UserPrimitives.register(Cube.self)
    /// defer { UserPrimitives.unregister(Cube.self) }
    /// ```
    public static func unregister(_ p: any ScalarPrimitive.Type) {
        store.lock.withLock { _ in store.list.removeAll { ObjectIdentifier($0) == ObjectIdentifier(p) } }
    }

    /// The registered scalar primitives, in registration order.
    public static var scalar: [any ScalarPrimitive.Type] { store.lock.withLock { _ in store.list } }

    /// The names no user primitive may take: every registry op's (`sin`, `leaky_relu`, `add`,
    /// `input`, …), which are also the function names of the formula language (its function table
    /// reads the registry). A primitive named "sin" that computes 2·sin x printed as `sin(x0)` in a
    /// symbolic derivative (read back as the built-in: wrong by a factor 2), a planted
    /// `RuleMutation(op: .sin, …)` changed its rule too, and `measureOperations` counted it under
    /// the built-in's name (a review).
    ///
    /// ```swift
    /// UserPrimitives.builtinNames.contains("sin")    // true
    /// UserPrimitives.builtinNames.contains("cube")   // false
    /// ```
    public static let builtinNames: Set<String> = Set(Op.allCases.map(\.info.name))

    /// Whether `name` can name a user primitive's calls: an identifier of the formula language,
    /// ASCII letters, digits and `_`, not starting with a digit (`lambert_w`, `solve2`). A
    /// primitive is shown and read by its name alone: a symbolic expression prints a call as
    /// `name(x0)` and `measureOperations`, reports and `validate` name it. An empty name printed
    /// `(x0)` and "validate  (seed 0x5EED)"; "my prim(x)" printed `my prim(x)(x0)`, which
    /// reads back as nothing (a new user's pass). Built-in op names are identifiers too, and are
    /// refused apart (``builtinNames``).
    ///
    /// ```swift
    /// UserPrimitives.isValidName("lambert_w")    // true
    /// UserPrimitives.isValidName("")             // false
    /// UserPrimitives.isValidName("my prim(x)")   // false
    /// ```
    public static func isValidName(_ name: String) -> Bool {
        func letter(_ b: UInt8) -> Bool { (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || b == 95 }
        guard let first = name.utf8.first, letter(first) else { return false }
        return name.utf8.allSatisfy { letter($0) || ($0 >= 48 && $0 <= 57) }
    }

    /// Why `name` cannot name a user primitive (`type` names it in the message, when known), or
    /// nil when it can: it is not an identifier (``isValidName(_:)``) or it is a built-in op's
    /// (``builtinNames``). Checked where a name is read as an identity: registration, `validate`,
    /// a symbolic node, a check's recording, a count and a planted mutation. Not on every
    /// application: that would read a string per op in the unobserved hot path, where the name is
    /// never read.
    package static func nameViolation(_ name: String, of type: String? = nil) -> String? {
        let who = type.map { "user primitive \($0) is named" } ?? "a user primitive is named"
        if !isValidName(name) {
            // debugDescription quotes and escapes: an empty name or a newline in one stays visible.
            return "\(who) \(name.debugDescription), which is not a name of ASCII letters, digits and _ "
                + "(not starting with a digit): symbolic expressions print a call as name(x) and reports, "
                + "operation counts and rule mutations name a primitive by it; give it one such as \"my_prim\""
        }
        guard builtinNames.contains(name) else { return nil }
        return "\(who) \"\(name)\", the name of a built-in op: printed expressions, operation counts and "
            + "rule mutations know a primitive by its name and would take it for the built-in; give it a name of its own"
    }
}
