/// A dual number v + t·ε with ε² = 0: forward-mode automatic differentiation.
///
/// For every registry op, `f(v + tε) = f(v) + f′(v)·t·ε`, so evaluating a function on duals
/// seeded with tangent `t` yields its value and the Jacobian–vector product `J·t`
/// (see `proofs/forward-mode.md`).
///
/// `Tangent` is either the value type itself (one direction; nest `Dual<Dual<…>>` for higher
/// derivatives) or a SIMD vector of directions (a *chunk*: one pass pushes forward up to 8
/// directions, so an n-column Jacobian takes ⌈n/k⌉ passes).
///
/// Nesting is perturbation-safe by construction: the inner derivative works on `Dual<T, T>` where
/// the outer works on `T`, so an outer value can enter an inner computation only as a constant
/// (``init(constant:)``) and its tangent cannot be mistaken for the inner one.
///
/// ```swift
/// let x = Dual<Double, Double>(3, tangent: 1)
/// let y = x * x + Dual.sin(x)          // y.value = 9 + sin 3, y.tangent = 6 + cos 3
/// ```
@frozen
public struct Dual<Value: ADScalar, Tangent: TangentVector>: RegistryInterpreter where Tangent.Scalar == Value {
    public typealias Scalar = Dual
    public typealias IntegerLiteralType = Int

    /// The primal value.
    public var value: Value
    /// The directional derivative(s) carried alongside.
    public var tangent: Tangent

    /// A dual with the given primal and tangent: `Dual(x, tangent: 1)` seeds d/dx.
    @inlinable public init(_ value: Value, tangent: Tangent) {
        self.value = value
        self.tangent = tangent
    }

    /// Lifts a value into a dual with zero tangent: a constant for this level of differentiation.
    @inlinable public init(constant value: Value) { self.init(value, tangent: .zero) }
    @inlinable public init(_ constant: Double) { self.init(constant: Value(constant)) }
    @inlinable public init(_ integer: Int) { self.init(constant: Value(integer)) }
    @inlinable public init(integerLiteral value: Int) { self.init(constant: Value(value)) }
    @inlinable public init(floatLiteral value: Double) { self.init(constant: Value(value)) }

    /// The constant 0.
    @inlinable public static var zero: Dual { Dual(constant: 0) }
    /// The primal value as a Double. Reading it drops the tangent, so when the tangent is nonzero
    /// the evaluation notes an escape (``EvaluationDiagnostics/escapes``): a function that computes
    /// with it has left forward mode.
    @inlinable public var approximateDouble: Double {
        for lane in 0..<Tangent.laneCount where tangent[lane: lane] != 0 {
            Diagnostics.noteEscape()
            break
        }
        return value.approximateDouble
    }
    /// Whether the primal value is finite.
    @inlinable public var isFiniteValue: Bool { value.isFiniteValue }
    /// The value and every lane of the tangent, at every nesting level.
    @inlinable public var isFiniteInEveryComponent: Bool {
        guard value.isFiniteInEveryComponent else { return false }
        for lane in 0..<Tangent.laneCount where !tangent[lane: lane].isFiniteInEveryComponent { return false }
        return true
    }
    /// Whether the primal value is normal (see ``ADScalar/isNormalValue``).
    @inlinable public var isNormalValue: Bool { value.isNormalValue }
    /// Whether the primal value has a value (see ``ADScalar/hasValue``).
    @inlinable public var hasValue: Bool { value.hasValue }
    /// Comparisons compare values, so the value type says how its predicates run.
    @inlinable @inline(__always)
    public static func libraryPredicate<R>(_ body: () -> R) -> R { Value.libraryPredicate(body) }
    @inlinable public static var roundsArithmetic: Bool { Value.roundsArithmetic }

    /// Equality and order look at primal values only: control flow in user code must branch the
    /// same way it would on plain numbers.
    @inlinable public static func == (lhs: Dual, rhs: Dual) -> Bool { lhs.value == rhs.value }
    @inlinable public static func < (lhs: Dual, rhs: Dual) -> Bool { lhs.value < rhs.value }

    // MARK: Interpreting the registry

    /// Applies a unary registry op: value and partial from ``Rules/primalAndPartials(_:_:_:_:)``
    /// (one sincos for sin and cos), the tangent by the chain rule, where a zero tangent adds 0
    /// even at an infinite partial (``Rules/product(_:_:_:)``: √′(0) = +∞ meets the zero tangent
    /// of every direction that does not move √'s argument).
    @inlinable @inline(__always)
    public static func applyUnary(_ op: Op, _ x: Dual, _ n: Int) -> Dual {
        // One flag test per op, and a fast path with no hooks in it: the counters, the planted
        // rule mutations and the non-finite locator all live in the observed twin. Hooks behind
        // the test (a generic, unspecialised call taking the duals) kept every op's operands in
        // stack slots for the call the fast path never makes: 8% on a forward pass, measured
        // against this form in one run.
        if _slowPath(Instrumentation.isActive) { return observedUnary(op, x, n) }
        return computedUnary(op, x, n, hooked: false)
    }

    /// The unary op's value and tangent; `hooked`: with the registry's mutation hooks
    /// (``Rules/primalAndPartials(_:_:_:_:)``), or without (``Rules/unmutatedPrimalAndPartials(_:_:_:_:)``).
    @inlinable @inline(__always)
    static func computedUnary(_ op: Op, _ x: Dual, _ n: Int, hooked: Bool) -> Dual {
        if Rules.needsChecks(op) { Diagnostics.check(op, x.value, x.value, n, node: nil) }
        if Rules.ordersProducts(op) {
            // The declaration's product with the tangent (powi folds it where n·x^(n−1) leaves the range).
            let z = Rules.primal(op, x.value, x.value, n)
            let t = hooked ? Rules.jvp(op, x.value, x.value, n, output: z, tangents: x.tangent, x.tangent)
                           : Rules.unmutatedJVP(op, x.value, x.value, n, output: z, tangents: x.tangent, x.tangent)
            return Dual(z, tangent: t)
        }
        let (z, dx, _) = hooked ? Rules.primalAndPartials(op, x.value, x.value, n)
                                : Rules.unmutatedPrimalAndPartials(op, x.value, x.value, n)
        return Dual(z, tangent: Rules.product(op, dx, x.tangent))
    }

    /// ``applyUnary(_:_:_:)`` while something observes: counted, mutated, located. Inlinable so
    /// that it is specialised where it is called (the duals then pass in registers).
    @inlinable @inline(never)
    static func observedUnary(_ op: Op, _ x: Dual, _ n: Int) -> Dual {
        Instrumentation.count(op)
        let result = computedUnary(op, x, n, hooked: true)
        noteIfBornNonFinite(op.info.name, result, x, x)
        return result
    }

    /// Applies a binary registry op: the value from the declaration's primal, the tangent from
    /// its chain-rule product (``Rules/jvp(_:_:_:_:output:tangents:_:)``), which for division
    /// keeps products whose partial alone would underflow, and in which an argument with a zero
    /// tangent adds 0 even at an infinite partial (pow's ∂x at a zero base, say).
    @inlinable @inline(__always)
    public static func applyBinary(_ op: Op, _ x: Dual, _ y: Dual) -> Dual {
        // As in applyUnary: one flag test, the hooks in the observed twin.
        if _slowPath(Instrumentation.isActive) { return observedBinary(op, x, y) }
        return computedBinary(op, x, y, hooked: false)
    }

    /// The binary op's value and tangent, with or without the mutation hook (``Rules/jvp(_:_:_:_:output:tangents:_:)``).
    @inlinable @inline(__always)
    static func computedBinary(_ op: Op, _ x: Dual, _ y: Dual, hooked: Bool) -> Dual {
        if Rules.needsChecks(op) { Diagnostics.check(op, x.value, y.value, 0, node: nil) }
        let z = Rules.primal(op, x.value, y.value, 0)
        let t = hooked ? Rules.jvp(op, x.value, y.value, 0, output: z, tangents: x.tangent, y.tangent)
                       : Rules.unmutatedJVP(op, x.value, y.value, 0, output: z, tangents: x.tangent, y.tangent)
        return Dual(z, tangent: t)
    }

    /// ``applyBinary(_:_:_:)`` while something observes, as ``observedUnary(_:_:_:)``.
    @inlinable @inline(never)
    static func observedBinary(_ op: Op, _ x: Dual, _ y: Dual) -> Dual {
        Instrumentation.count(op)
        let result = computedBinary(op, x, y, hooked: true)
        noteIfBornNonFinite(op.info.name, result, x, y)
        return result
    }

    /// While ``Instrumentation/locatingNonFinite(lane:_:)`` runs on this thread: notes `name` if
    /// its result is not finite (its value, or the located lane of its tangent) though its
    /// arguments are, which makes it where a non-finite Jacobian entry was born.
    @usableFromInline @inline(never)
    static func noteIfBornNonFinite(_ name: String, _ result: Dual, _ x: Dual, _ y: Dual) {
        guard let lane = Instrumentation.locatingLane else { return }
        func finite(_ d: Dual) -> Bool {
            d.value.isFiniteInEveryComponent && (lane >= Tangent.laneCount || d.tangent[lane: lane].isFiniteInEveryComponent)
        }
        if !finite(result) && finite(x) && finite(y) { Instrumentation.noteNonFiniteOrigin(name) }
    }
}

// MARK: User primitives

extension Dual {
    /// A user scalar primitive: primal on the value type, tangent from the user's partials.
    @inlinable public static func apply<P: ScalarPrimitive>(_ primitive: P.Type, _ x: Dual, _ y: Dual) -> Dual {
        Instrumentation.count(primitive: P.name)
        guard P.hasValidArity() else { return Dual(constant: Value(Double.nan)) }
        // Called directly with two different arguments, a unary primitive would drop the second's
        // tangent (ScalarPrimitive.apply(x, y) refuses it; P.apply(x) passes x twice).
        if P.arity == 1, !(isSameArgument(x.value, y.value)
                           && (0..<Tangent.laneCount).allSatisfy({ isSameArgument(x.tangent[lane: $0], y.tangent[lane: $0]) })) {
            reportUnaryAppliedToTwo(P.name)
            return Dual(constant: Value(Double.nan))
        }
        Diagnostics.check(P.self, x.value, y.value, node: nil)
        // A primal may read its inputs as Doubles (a solver's start); that is its own business,
        // checked by `validate`, not an escape of the function being differentiated. The rule is
        // not quiet: one that reads its inputs as Doubles loses their inner tangents in a nested
        // derivative, or bakes a symbol's value into a symbolic one, and the reverse sweep counts
        // that read too.
        let z = P.quietPrimalOnValueType(x.value, y.value)
        let (dx, dy) = customPartials(P.self, x.value, y.value, z)
        let tx = Tangent.chainProduct(dx, x.tangent)
        let result = Dual(z, tangent: P.arity == 2 ? tx + Tangent.chainProduct(dy, y.tangent) : tx)
        if _slowPath(Instrumentation.isActive) { noteIfBornNonFinite(P.name, result, x, y) }
        return result
    }

    /// A user vector primitive: one JVP per direction carried (zero directions skipped).
    public static func apply<P: VectorPrimitive>(_ primitive: P.Type, _ x: [Dual]) -> [Dual] {
        Instrumentation.count(primitive: P.name)
        Diagnostics.noteVectorRule()
        guard Value.self == Double.self || Value.self == Float.self else {
            return unsupportedVector(P.self, x)
        }
        let xv = x.map { $0.value.approximateDouble }
        let y = P.primal(xv)
        var tangents = [Tangent](repeating: .zero, count: y.count)
        // A failed rule gives NaN values and tangents: a caller that runs unchecked (a sparse
        // Jacobian's passes) read zero tangents as a Jacobian of zeros.
        var failed: [Dual] {
            var nan = Tangent.zero
            for lane in 0..<Tangent.laneCount { nan[lane: lane] = Value(Double.nan) }
            return y.map { _ in Dual(Value(Double.nan), tangent: nan) }
        }
        // Outside the declared domain no rule is asked (the error names the primitive).
        guard Diagnostics.check(P.self, xv, node: nil) else { return failed }
        for lane in 0..<Tangent.laneCount {
            let v = x.map { $0.tangent[lane: lane].approximateDouble }
            if v.allSatisfy({ $0 == 0 }) { continue }
            guard let jv = P.jvp(at: xv, direction: v) else {
                Diagnostics.report(.missingRule(primitive: P.name, mode: "forward mode", needs: "JVP"))
                return failed
            }
            guard jv.count == y.count else {
                Diagnostics.report(.dimensionMismatch(what: "\(P.name) JVP length (outputs)", expected: y.count, got: jv.count))
                return failed
            }
            for i in y.indices { tangents[i][lane: lane] = Value(jv[i]) }
        }
        return y.indices.map { Dual(Value(y[$0]), tangent: tangents[$0]) }
    }
}

extension Dual {
    /// A dual as a (co)tangent (nested forward mode, a Hessian's sweep): the plain product while
    /// the partial is finite in every component, else each product of the Leibniz rule
    /// (p + p′ε)(t + t′ε) = pt + (pt′ + p′t)ε masked on its own, so a zero component of the
    /// tangent adds 0 and a tangent that is 0 in every component gives exactly 0. In a Hessian's
    /// sweep an entry that cannot reach the seeded output has the cotangent 0 + 0ε, and √′(0) = ∞
    /// must not turn it into NaN in the gradient or the Hessian–vector product.
    ///
    /// ```swift
    /// Dual<Double, Double>.chainProduct(Dual(.infinity, tangent: 1), Dual(0, tangent: 0))   // 0 + 0ε
    /// ```
    @inlinable
    public static func chainProduct(_ partial: Dual, _ tangent: Dual) -> Dual {
        var finite = partial.value.isFiniteValue
        for lane in 0..<Tangent.laneCount where !partial.tangent[lane: lane].isFiniteValue { finite = false }
        if _fastPath(finite) { return partial * tangent }
        var t = Tangent.chainProduct(partial.value, tangent.tangent)
        for lane in 0..<Tangent.laneCount {
            t[lane: lane] = t[lane: lane] + Value.chainProduct(partial.tangent[lane: lane], tangent.value)
        }
        return Dual(Value.chainProduct(partial.value, tangent.value), tangent: t)
    }
}

extension Dual: Sendable where Value: Sendable, Tangent: Sendable {}

extension Dual: CustomStringConvertible {
    /// `v + tε`.
    public var description: String { "\(value) + \(tangent)ε" }
}
