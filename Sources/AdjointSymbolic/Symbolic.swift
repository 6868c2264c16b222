import AdjointCore
import AdjointExact

/// A symbolic scalar: evaluating a generic function on it builds the function's expression DAG
/// in an ``ExpressionGraph`` (``ExpressionGraph/shared``, or the running derivation's own), one
/// node per registry op. It is one more interpreter of the
/// registry, so derivatives come from the existing modes with no rule written again:
/// `Dual<Symbolic, Symbolic>` pushes the declared partials forward as expressions, and a
/// `Reverse<Symbolic>` tape's pullback accumulates them backward (see ``SymbolicDifferentiation``).
///
/// ```swift
/// let x = Symbolic.variable(0)
/// let e = sin(x) * x + 0          // the + 0 is simplified away
/// try e.formula(variables: ["x"]) // "x*sin(x)"
/// ```
///
/// Simplification happens as nodes are built (``Symbolic/make(_:_:_:_:)``), and only with rewrites
/// that hold for every real value of the variables: exact rational constant folding, x + 0,
/// x·1, x·0 and x⁰ (only when x is provably finite), −(−x), like terms, powers of one base with exponents
/// of one sign. x/x, x − x with x possibly infinite, and x⁻¹·x² are left alone, since each
/// changes where the expression is defined.
///
/// Comparisons (the branches inside registry rules, such as tanh's choice of form for |x| < 1, or
/// relu's `x > 0`) are decided by the optional binding: a Double value carried along when the
/// variables were bound to a point. Without one, a non-constant side is taken as large and
/// positive (the branch for x → +∞), which puts it inside every registry domain; between two
/// non-constant sides the one built first is taken as the smaller, so that one of a < b and b < a
/// holds and a single comparison never lands on its tie (see ``<(_:_:)``). Each such comparison is
/// decided on its own, so together they can describe no region of the inputs (max(x0, x1) +
/// relu(x0 − x1) takes x0 < x1 and x0 − x1 > 0, whose derivative [1, 0] is neither side's), and
/// ``SymbolicDifferentiation`` never returns a derivative built that way: when a derivation
/// without a point compares values, it is built again with the variables bound to one generic
/// point (``SymbolicJacobian/genericPoint``), where all decisions hold together, or refused
/// (``SymbolicDifferentiation/NoRegion``). Every decision is recorded (``BranchLog``) so a caller
/// can see which sides were taken.
public struct Symbolic: ADScalar, Sendable {
    public typealias Scalar = Symbolic
    public typealias IntegerLiteralType = Int
    public typealias FloatLiteralType = Double

    /// Id of the node in its graph: ``ExpressionGraph/shared`` for every value a caller gets
    /// back (a derivation moves its results there when it ends).
    public let id: Int
    /// The value at the binding point, if the variables were bound (constants always have one).
    public let binding: Double?
    /// A zero made by differentiation itself (an unseeded output's cotangent, a constant's
    /// tangent, a rule's zero partial), not by the function: a product with it is a path the
    /// derivative does not take, so it adds nothing even where its other factor is undefined, as
    /// the numeric sweep cuts a product with the constant 0. The function's own `0·(1/y)` is a
    /// plain constant 0 and stays (see ``SymbolicDifferentiation``, which alone makes these).
    let isStructuralZero: Bool

    init(id: Int, binding: Double?, isStructuralZero: Bool = false) {
        self.id = id; self.binding = binding; self.isStructuralZero = isStructuralZero
    }

    /// Set while a mode differentiates: the generic code of Dual and the tape writes "no
    /// contribution" as the literal `0` (or `.zero`), which then becomes a structural zero.
    @TaskLocal static var differentiating = false

    static var structuralZero: Symbolic {
        Symbolic(id: Symbolic(constant: 0).id, binding: 0, isStructuralZero: true)
    }

    /// The graph new nodes go to: the running derivation's, else ``ExpressionGraph/shared``.
    static var graph: ExpressionGraph { ExpressionGraph.current }

    /// Whether `values` are nodes of `graph`; reports why not. Arithmetic cannot throw, and a
    /// value of another graph read as one of this graph's would be another expression: mixing
    /// is reported and the caller yields NaN.
    static func belong(_ values: Symbolic..., to graph: ExpressionGraph) -> Bool {
        guard let other = values.first(where: { $0.id >> ExpressionGraph.indexBits != graph.token }) else { return true }
        let why = foreignReason(other.id)
        graph.foreignUse = why
        Diagnostics.report(.invalidArgument(why))
        return false
    }

    /// Why `id` is not a node of the graphs this task can read.
    static func foreignReason(_ id: Int) -> String {
        if id >= 0 && id >> ExpressionGraph.indexBits == 0 {
            return "symbolic expression \(id) was made outside the running derivation: a function must build its "
                + "outputs from its inputs and constants, not from symbolic values it keeps"
        }
        return "symbolic expression \(id) was made inside a derivation that has ended, and its graph is freed: "
            + "keep the expressions a derivation returns, not symbols made inside its function"
    }

    /// Variable `index`, optionally bound to a value for branch decisions.
    ///
    /// A negative index names no input: it is reported as ``ADError/invalidArgument(_:)`` to the
    /// enclosing ``Diagnostics/collect(_:)`` and gives the NaN constant, as a non-finite constant
    /// does (it trapped when the node was hashed, and would have read `x[-1]` when evaluated).
    ///
    /// ```swift
    /// try Symbolic.variable(1).formula(variables: ["x", "y"])                   // "y"
    /// Diagnostics.collect { Symbolic.variable(-1) }.diagnostics.errors           // [invalidArgument(…)]
    /// ```
    public static func variable(_ index: Int, value: Double? = nil) -> Symbolic {
        guard index >= 0 else {
            Diagnostics.report(.invalidArgument("variable index \(index) is negative: variables are numbered from 0"))
            return Symbolic(constant: Rational.nan)
        }
        return Symbolic(id: graph.intern(ExpressionNode(head: .variable(index), a: -1, b: -1, n: 0)), binding: value)
    }

    /// The exact constant `c`.
    public init(constant c: Rational) {
        self.init(id: Self.graph.intern(ExpressionNode(head: .constant(c), a: -1, b: -1, n: 0)),
                  binding: c.approximateDouble)
    }

    /// A Double constant, read as the shortest decimal that rounds to it: `0.1` is 1/10, so a
    /// literal means what its text says in exact evaluation, and converting back to Double gives
    /// the same Double.
    ///
    /// Exact constants are rationals, which hold no ±∞ or NaN: a non-finite value becomes a NaN
    /// constant (printed `nan`) and is reported as ``ADError/nonFinite(what:op:node:)`` to the
    /// enclosing ``Diagnostics/collect(_:)``, so it is never silently a number.
    ///
    /// ```swift
    /// Symbolic(0.1).constantValue                                   // 1/10
    /// Diagnostics.collect { Symbolic(.infinity) }.diagnostics.errors // [nonFinite("symbolic constant inf …")]
    /// ```
    public init(_ constant: Double) {
        guard constant.isFinite, let r = Rational("\(constant)") else {
            Diagnostics.report(.nonFinite(what: "symbolic constant \(constant) (exact constants are finite rationals; it becomes nan)",
                                          op: nil, node: nil))
            self.init(constant: Rational.nan)
            return
        }
        self.init(constant: r)
    }
    public init(_ integer: Int) { self.init(constant: Rational(integer)) }
    public init(integerLiteral value: Int) {
        if value == 0 && Self.differentiating { self = Self.structuralZero } else { self.init(value) }
    }
    public init(floatLiteral value: Double) { self.init(value) }

    public static var zero: Symbolic { differentiating ? structuralZero : Symbolic(0) }

    /// The node this value refers to: the NaN constant, reported as
    /// ``ADError/invalidArgument(_:)`` to the enclosing ``Diagnostics/collect(_:)``, for a value
    /// made inside a derivation that has ended.
    public var node: ExpressionNode {
        guard let graph = ExpressionGraph.owner(of: id) else {
            Diagnostics.report(.invalidArgument(Self.foreignReason(id)))
            return ExpressionGraph.shared.existing(-1)
        }
        return graph.existing(id)
    }

    /// The exact value when the expression is a constant.
    public var constantValue: Rational? {
        if case .constant(let c) = node.head { return c }
        return nil
    }

    /// The value at the binding point (NaN unbound). Read while a derivative is built, a
    /// non-constant expression's value holds at that point only: arithmetic with it puts the
    /// value into the derivative as a constant, so the read is noted (an escape, which
    /// ``SymbolicDifferentiation`` refuses); the library's own reads for reports are quiet.
    public var approximateDouble: Double {
        if Self.differentiating, constantValue == nil { Diagnostics.noteEscape() }
        return binding ?? .nan
    }
    public var isFiniteValue: Bool { binding.map(\.isFinite) ?? true }
    /// Whether the expression has a value: bound to a point, or a constant (see
    /// ``ADScalar/hasValue``). A NaN constant has one, and it is NaN.
    public var hasValue: Bool { binding != nil }

    /// The registry's domain and kink predicates compare without logging: unbound, every domain
    /// test was logged ("x1 == 0 taken as false" for each division), which buried the decisions
    /// that choose a rule's form under checks that only keep the variable inside the domain.
    public static func libraryPredicate<R>(_ body: () -> R) -> R { BranchLog.$checking.withValue(true, operation: body) }

    /// The same node, or (bound, non-constant) equal values at the binding point, a branch
    /// decision like `<`. Not Hashable for that reason: compare ``id`` for structural identity.
    public static func == (lhs: Symbolic, rhs: Symbolic) -> Bool {
        if lhs.id == rhs.id { return true }
        if lhs.constantValue != nil && rhs.constantValue != nil { return false }
        if let a = lhs.binding, let b = rhs.binding {
            let decided = SymbolicDifferentiation.GenericPoint.decide(lhs, "==", rhs, a == b)
            BranchLog.note(lhs, "==", rhs, decided: decided, bound: true, values: (a, b))
            return decided
        }
        // Unbound, distinct expressions are taken as unequal, and that is a decision like `<`'s:
        // pow's rule tests x == 0, and `jac diff "pow(x, y)"` printed y·pow(x, y − 1) with no
        // word, undefined at (0, 1) where the derivative is 1 (a review).
        BranchLog.note(lhs, "==", rhs, decided: false, bound: false)
        return false
    }

    /// Exact for two constants, at the binding point when both sides have one; unbound, a
    /// non-constant side is larger than every constant, and of two non-constant sides the one
    /// built first (the lower ``id``) is the smaller.
    ///
    /// The last is an order, not a claim about the values: taking both x0 < x1 and x1 < x0 as
    /// false (each side "large and positive") sent max's rule to its tie, a derivative of no
    /// region. With an order one comparison takes one side; several are not consistent with each
    /// other, so ``SymbolicDifferentiation`` decides them again at one point (see the type's doc).
    ///
    /// ```swift
    /// let (x, y) = (Symbolic.variable(0), Symbolic.variable(1))
    /// (x < y, y < x)   // (true, false) where x was built first; logged as decided without a point
    /// ```
    public static func < (lhs: Symbolic, rhs: Symbolic) -> Bool {
        if let a = lhs.constantValue, let b = rhs.constantValue { return a < b }
        if let a = lhs.binding, let b = rhs.binding {
            let decided = SymbolicDifferentiation.GenericPoint.decide(lhs, "<", rhs, a < b)
            BranchLog.note(lhs, "<", rhs, decided: decided, bound: true, values: (a, b))
            return decided
        }
        // Unbound: a non-constant side counts as large and positive (see the type's doc), and
        // between two of them the node order decides (never the same way both ways round).
        let decided: Bool
        switch (lhs.constantValue, rhs.constantValue) {
        case (nil, nil): decided = lhs.id < rhs.id
        case (_, nil): decided = true
        default: decided = false
        }
        BranchLog.note(lhs, "<", rhs, decided: decided, bound: false)
        return decided
    }

    public static func + (lhs: Symbolic, rhs: Symbolic) -> Symbolic { make(.add, lhs, rhs, 0) }
    public static func - (lhs: Symbolic, rhs: Symbolic) -> Symbolic { make(.sub, lhs, rhs, 0) }
    public static func * (lhs: Symbolic, rhs: Symbolic) -> Symbolic { make(.mul, lhs, rhs, 0) }
    public static func / (lhs: Symbolic, rhs: Symbolic) -> Symbolic { make(.div, lhs, rhs, 0) }
    public static prefix func - (x: Symbolic) -> Symbolic { make(.neg, x, x, 0) }

    /// Every registry op arrives here and becomes a node (after simplification).
    public static func apply(_ op: Op, _ x: Symbolic, _ y: Symbolic, _ n: Int) -> Symbolic { make(op, x, y, n) }
    /// Every op is a node, a piecewise one included: run on a bound symbol, abs's primal branch
    /// would record `x` for |x| at 0 and its derivative 1 (see ``ADScalar/interpretsRegistryOps``).
    public static var interpretsRegistryOps: Bool { true }
    public static func native(_ op: Op, _ x: Symbolic, _ y: Symbolic, _ n: Int) -> Symbolic { make(op, x, y, n) }

    /// A user primitive becomes a node named after it; its derivative comes from its own
    /// declared `partials`, applied to symbolic arguments by the mode that differentiates.
    public static func apply<P: ScalarPrimitive>(_ primitive: P.Type, _ x: Symbolic, _ y: Symbolic) -> Symbolic {
        // An arity outside 1…2 is reported (as in every mode), and the node is NaN, not a call
        // whose second argument is silently dropped.
        guard P.hasValidArity() else { return Symbolic(Double.nan) }
        guard belong(x, P.arity == 2 ? y : x, to: graph) else { return Symbolic(constant: .nan) }
        // A call node is printed as its name, and the formula language reads a built-in's name
        // as the built-in.
        if let why = UserPrimitives.nameViolation(P.name, of: "\(P.self)") {
            Diagnostics.report(.invalidArgument(why))
            return Symbolic(Double.nan)
        }
        guard ExpressionGraph.register(P.self) else {
            Diagnostics.report(.invalidArgument("two user primitives are named \"\(P.name)\" (\(P.self) and another type): "
                                                + "an expression calls a primitive by its name, so give each its own"))
            return Symbolic(Double.nan)
        }
        let node = ExpressionNode(head: .call(P.name), a: x.id, b: P.arity == 2 ? y.id : -1, n: 0)
        var value: Double?
        if let a = x.binding, let b = y.binding { value = Diagnostics.quietly { P.primal(a, b) } }
        return Symbolic(id: graph.intern(node), binding: value)
    }
}

extension Symbolic: CustomStringConvertible {
    /// Most bytes `description` prints: a text for reading. At the printer's 64 MiB, `print(d)`
    /// of an RK4 loop's derivative wrote 64 MiB of expanded tree (a minute and a half in a debug
    /// build) only to end in the limit's note (a user trial).
    public static let descriptionMaxBytes = 1 << 20

    /// The expression in formula syntax with variables named x0, x1, …; past
    /// ``descriptionMaxBytes`` a note saying so, and how to print it with shared
    /// subexpressions named, instead of the text.
    ///
    /// ```swift
    /// let x = Symbolic.variable(0)
    /// print(x * x + 1)   // x0^2 + 1
    /// ```
    public var description: String {
        do { return try formula(variables: nil, maxOutputBytes: Self.descriptionMaxBytes) } catch {
            return "<expression \(id): \(error); ExpressionPrinter(variables: nil, expand: false).print([\(id)]) names shared subexpressions, formula(variables:maxOutputBytes:) prints the whole tree>"
        }
    }
}

/// Comparisons made on symbolic values while a derivative is built, for the caller to report.
///
/// ```swift
/// let (d, log) = try BranchLog.recording { try SymbolicDifferentiation.jacobian(of: f, inputs: 1) }
/// log.unbound   // comparisons decided without a point; for f = relu(x0): "x0 < 0 taken as false", …
/// ```
///
/// A derivation without a point that compared values is built again at a generic point (see
/// ``SymbolicJacobian/genericPoint``): that pass's decisions are in `log.bound`, and in
/// `d.unboundComparisons`, since no caller's point made them.
public final class BranchLog: @unchecked Sendable {
    @TaskLocal static var current: BranchLog?
    private var entries: [(text: String, bound: Bool)] = []

    /// Comparisons decided by the binding point.
    public var bound: [String] { entries.filter(\.bound).map(\.text) }
    /// Comparisons decided without a point (a non-constant side taken as large and positive, of
    /// two the one built first the smaller), each on its own.
    public var unbound: [String] { entries.filter { !$0.bound }.map(\.text) }

    /// Set while a registry predicate runs (``Symbolic/libraryPredicate(_:)``).
    @TaskLocal static var checking = false

    /// Every comparison a candidate generic point decided, with its sides' node ids in the
    /// running graph and whether they tied there, for the test that the point lies inside a
    /// region (``SymbolicDifferentiation/GenericPoint``). Kept whole, unlike the texts: a
    /// decision past the thousandth chooses a branch as much as the first.
    var boundSides: [(a: Int, relation: String, b: Int, decided: Bool, tie: Bool,
                      key: SymbolicDifferentiation.GenericPoint.ComparisonKey?)] = []
    /// The first such comparison with a NaN side: undefined there rather than decided.
    var firstNaN: String?
    /// The first comparison decided by a point (any point) with a side that is ±∞ or NaN there:
    /// its branch is Double's, not necessarily the reals' (see
    /// ``SymbolicDifferentiation/acceptingOverflow``).
    var firstNonFinite: String?

    static func note(_ a: Symbolic, _ rel: String, _ b: Symbolic, decided: Bool, bound: Bool,
                     values: (Double, Double)? = nil) {
        guard !checking, let log = current else { return }
        // Only a candidate generic point's decisions are tested; a caller's point may sit on a
        // kink on purpose.
        if bound, SymbolicDifferentiation.GenericPoint.searching, let (va, vb) = values {
            log.boundSides.append((a.id, rel, b.id, decided, SymbolicDifferentiation.GenericPoint.isTie(va, vb),
                                   SymbolicDifferentiation.GenericPoint.ComparisonKey(a, rel, b)))
            if (va.isNaN || vb.isNaN), log.firstNaN == nil { log.firstNaN = "\(shown(a)) \(rel) \(shown(b)) (\(va) and \(vb) there)" }
        }
        if bound, let (va, vb) = values, !va.isFinite || !vb.isFinite, log.firstNonFinite == nil {
            log.firstNonFinite = "\(shown(a)) \(rel) \(shown(b)) (\(va) and \(vb) there)"
        }
        guard log.entries.count < 1000 else { return }
        log.entries.append(("\(shown(a)) \(rel) \(shown(b)) taken as \(decided)", bound))
    }

    /// One side of a comparison as a short formula over x0, x1, …: node ids ("3 < 1 taken as
    /// true", where 3 was the constant 5 and 1 was x0) read as a false statement about numbers.
    ///
    /// The expanded formula prints every distinct node at least once, a byte or more each, so an
    /// expression of more than 80 nodes is over 80 characters without printing it: printing
    /// walks and sorts every node the side reaches, and a loop comparing a growing expression on
    /// every pass spent 10 s on 1,000 comparisons (a quadratic cost) without this bound.
    static func shown(_ s: Symbolic) -> String {
        let over = "expression \(s.id) (over 80 characters)"
        if ExpressionGraph.current.reachesMoreThan(80, from: s.id) { return over }
        return (try? s.formula(variables: nil, maxOutputBytes: 80)) ?? over
    }

    /// Runs `body` and returns what it compared, including comparisons recorded by a
    /// `recording` nested inside it (each derivative keeps its own log for
    /// ``SymbolicJacobian/unboundComparisons``: this example's `log` was empty while `d` had two).
    public static func recording<R>(_ body: () throws -> R) rethrows -> (R, BranchLog) {
        let log = BranchLog()
        let parent = current
        defer {
            if let parent {
                let room = Swift.max(0, 1000 - parent.entries.count)
                parent.entries += log.entries.prefix(room)
            }
        }
        let r = try $current.withValue(log) { try body() }
        return (r, log)
    }
}
