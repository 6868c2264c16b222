import AdjointCore

/// One node of a parsed formula: a registry op applied to earlier nodes.
///
/// Nodes are stored in evaluation order: every argument index is smaller than the node's own
/// index, so one forward loop evaluates the whole graph (no recursion, whatever the nesting).
///
/// ```swift
/// let f = try Formula(parsing: "sin(x) * y")
/// f.nodes.map(\.op)   // [.input, .sin, .input, .mul]
/// ```
@frozen
public struct FormulaNode: Sendable, Hashable {
    /// The registry op; `.input` and `.constant` are the leaves.
    public let op: Op
    /// First argument's node index (unused by leaves).
    public let a: Int
    /// Second argument's node index; equals `a` for unary ops so the interpreter need not branch.
    public let b: Int
    /// `powi`'s exponent, the variable index of an `.input`, the constant index of a `.constant`.
    public let n: Int

    /// Creates a node; `b` defaults to `a` for unary ops.
    public init(op: Op, a: Int = 0, b: Int? = nil, n: Int = 0) {
        self.op = op; self.a = a; self.b = b ?? a; self.n = n
    }
}

/// A numeric constant of a formula, kept as written so exact mode can read `0.1` as 1/10.
///
/// ```swift
/// let f = try Formula(parsing: "0.1 * x")
/// f.constants[0].text    // "0.1"
/// f.constants[0].value   // 0.1 (the nearest Double)
/// ```
public struct FormulaConstant: Sendable, Hashable {
    /// Where the constant came from.
    public enum Kind: Sendable, Hashable {
        /// A number literal (possibly with a folded leading minus): rational, exact from ``text``.
        case literal
        /// The constant π (`pi`): not rational.
        case pi
        /// Euler's number (`e`): not rational.
        case e
        /// A default argument the parser supplied (`leaky_relu`'s slope 0.01, `elu`'s alpha 1).
        case defaultArgument
    }
    /// The source text: a decimal literal like `"-2.5e-3"`, or `"pi"` / `"e"`.
    public let text: String
    /// The nearest Double.
    public let value: Double
    /// Literal, named constant, or a default argument the parser supplied.
    public let kind: Kind
    /// Whether the literal lies beyond Double's range: it overflows, or it is not 0 but rounds to
    /// 0. Only a formula parsed with ``OutOfRangeLiterals/keptForExactEvaluation`` has one; its
    /// ``value`` is then the rounded ±∞ or 0, which no floating evaluation may use (see
    /// ``Formula/literalsBeyondDouble``), while ``text`` holds the number exactly.
    public let isBeyondDouble: Bool

    init(text: String, value: Double, kind: Kind, isBeyondDouble: Bool = false) {
        self.text = text; self.value = value; self.kind = kind; self.isBeyondDouble = isBeyondDouble
    }

    /// Whether exact rational mode can represent the constant (from ``text``).
    public var isRational: Bool { kind == .literal || kind == .defaultArgument }
}

/// A parsed formula: a flat, hash-consed graph of registry ops with named inputs and one or
/// more outputs. It conforms to ``ADFunction``, so every mode evaluates the same graph.
///
/// Shared subexpressions are one node (`sin(x)*sin(x)` evaluates `sin` once), and `+`/`*`
/// operands are put in a canonical order first, since IEEE addition and multiplication are
/// exactly commutative (`x*y + y*x` is one product).
///
/// ```swift
/// let f = try Formula(parsing: "f(x1, x2) = log(x1) + x1*x2 - sin(x2)")
/// f.variables                                   // ["x1", "x2"]
/// let r = try jacobian(of: f, at: [2.0, 5.0], mode: .reverse)
/// r.jacobian[0]                                 // [5.5, 1.7163378145367738]
/// ```
public struct Formula: ADFunction, Sendable {
    /// The text the formula was parsed from.
    public let source: String
    /// Input names in input order: `variables:` given to the parser, else the header's, else
    /// order of first appearance.
    public let variables: [String]
    /// The graph in evaluation order.
    public let nodes: [FormulaNode]
    /// Constants referenced by `.constant` nodes (by `n`).
    public let constants: [FormulaConstant]
    /// Node index of each output, in the order the outputs were written.
    public let outputs: [Int]
    /// The header's function name (`f` in `f(x) = …`), if a header was given.
    public let name: String?

    /// The Doubles of ``constants``, precomputed for the common evaluation path.
    @usableFromInline let constantValues: [Double]

    init(source: String, variables: [String], nodes: [FormulaNode], constants: [FormulaConstant],
         outputs: [Int], name: String?) {
        self.source = source; self.variables = variables; self.nodes = nodes
        self.constants = constants; self.outputs = outputs; self.name = name
        self.constantValues = constants.map(\.value)
    }

    /// The number of inputs, checked by the derivative APIs before evaluating.
    public var inputCount: Int? { variables.count }

    /// Evaluates the graph at `x` with constants embedded from their Double values.
    @inlinable
    public func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
        evaluate(x, constants: constantValues.map { T($0) })
    }

    /// Evaluates the graph with caller-supplied constant values (one per ``constants`` entry), so
    /// exact mode can pass `1/10` for the literal `0.1` instead of the nearest Double.
    ///
    /// ```swift
    /// let f = try Formula(parsing: "0.1 * x")
    /// f.evaluate([2.0], constants: [0.1])   // [0.2]
    /// ```
    /// A wrong number of inputs or constants is reported to ``Diagnostics`` and gives NaN outputs
    /// (the derivative APIs check ``inputCount`` before calling, so they throw instead).
    @inlinable
    public func evaluate<T: ADScalar>(_ x: [T], constants c: [T]) -> [T] {
        guard x.count == variables.count, c.count == constantValues.count else {
            Diagnostics.report(.dimensionMismatch(
                what: x.count == variables.count ? "number of constants" : "number of inputs",
                expected: x.count == variables.count ? constantValues.count : variables.count,
                got: x.count == variables.count ? c.count : x.count))
            return outputs.map { _ in T(Double.nan) }
        }
        return nodeValues(x, constants: c).map { v in outputs.map { v[$0] } } ?? outputs.map { _ in T(Double.nan) }
    }

    /// Every node's value at x, inputs and constants included, in evaluation order: for passes
    /// that look inside the formula (which nodes reach a pole or a singular point). nil where x
    /// or c has the wrong length.
    ///
    /// ```swift
    /// let f = try Formula(parsing: "sin(x) * y")
    /// f.nodeValues([0.5, 2.0], constants: [])   // x, sin x, y, sin(x)·y: [0.5, 0.479…, 2.0, 0.958…]
    /// ```
    @inlinable
    public func nodeValues<T: ADScalar>(_ x: [T], constants c: [T]) -> [T]? {
        guard x.count == variables.count, c.count == constantValues.count else { return nil }
        var v: [T] = []
        v.reserveCapacity(nodes.count)
        for node in nodes {
            switch node.op {
            case .input: v.append(x[node.n])
            case .constant: v.append(c[node.n])
            default: v.append(T.apply(node.op, v[node.a], v[node.b], node.n))
            }
        }
        return v
    }

    /// Which nodes output i reads, directly or through others (one pass down from the output:
    /// nodes come in evaluation order); all false for an output index out of range.
    ///
    /// ```swift
    /// let f = try Formula(parsing: "f(x, y) = sin(x); y")
    /// f.nodesRead(byOutput: 0)   // x and sin x: [true, true, false]
    /// ```
    public func nodesRead(byOutput i: Int) -> [Bool] {
        var reads = [Bool](repeating: false, count: nodes.count)
        guard i >= 0, i < outputs.count, outputs[i] >= 0, outputs[i] < nodes.count else { return reads }
        reads[outputs[i]] = true
        for k in stride(from: outputs[i], through: 0, by: -1) where reads[k] && nodes[k].op != .input && nodes[k].op != .constant {
            reads[nodes[k].a] = true
            reads[nodes[k].b] = true
        }
        return reads
    }

    /// The registry ops the formula uses, in order of first use (leaves excluded).
    ///
    /// ```swift
    /// try Formula(parsing: "sin(x)^2 + x").usedOps   // [.sin, .powi, .add]
    /// ```
    public var usedOps: [Op] {
        var seen = Set<Op>()
        var ops: [Op] = []
        for node in nodes where node.op != .input && node.op != .constant {
            if seen.insert(node.op).inserted { ops.append(node.op) }
        }
        return ops
    }

    /// Why exact rational mode cannot evaluate this formula, or nil when it can: the ops that are
    /// not rational-closed, then the irrational constants.
    ///
    /// ```swift
    /// try Formula(parsing: "x^2 + 5*x*y").exactObstacle   // nil
    /// try Formula(parsing: "sin(x) + pi").exactObstacle   // "uses sin and the constant pi"
    /// ```
    public var exactObstacle: String? {
        // x^3000000000 reads as an integer power, but only exponents the tape's Int32 holds are
        // one: "uses pow" alone left the user looking for a pow they never wrote.
        let why = integerLiteralPowExponent.map {
            " (the exponent \($0) is an integer beyond ±2147483647, the integer power's range, so it is the real pow)"
        } ?? ""
        let ops = usedOps.filter { !$0.info.isRationalClosed }.map { $0.info.name + ($0 == .pow ? why : "") }
        var named: [String] = []
        for c in constants where !c.isRational && !named.contains(c.text) { named.append(c.text) }
        var parts: [String] = []
        if !ops.isEmpty { parts.append(ops.joined(separator: ", ")) }
        if !named.isEmpty {
            parts.append((named.count == 1 ? "the constant " : "the constants ") + named.joined(separator: ", "))
        }
        return parts.isEmpty ? nil : "uses " + parts.joined(separator: " and ")
    }

    /// The text of the first `pow` exponent that is an integer literal (too large for the integer
    /// power `powi`, or the parser would have made it one), or nil.
    var integerLiteralPowExponent: String? {
        for node in nodes where node.op == .pow && nodes[node.b].op == .constant {
            let c = constants[nodes[node.b].n]
            let digits = c.text.hasPrefix("-") ? c.text.dropFirst() : Substring(c.text)
            if c.kind == .literal, !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) { return c.text }
        }
        return nil
    }

    /// The literals beyond Double's range (``FormulaConstant/isBeyondDouble``), in order of first
    /// appearance: empty unless the formula was parsed with
    /// ``OutOfRangeLiterals/keptForExactEvaluation``. A floating evaluation of a formula with one
    /// computes with ±∞ or 0 in its place, so a caller that may evaluate in Double checks this.
    ///
    /// ```swift
    /// let f = try Formula(parsing: "x*1e-400", outOfRangeLiterals: .keptForExactEvaluation)
    /// f.literalsBeyondDouble.map(\.text)   // ["1e-400"]
    /// ```
    public var literalsBeyondDouble: [FormulaConstant] { constants.filter(\.isBeyondDouble) }

    /// Whether every op and constant is rational, so exact mode applies.
    public var isRational: Bool { exactObstacle == nil }

    /// Display names of the outputs: the header's name (or `f`), numbered when there are several.
    /// Without a header the default avoids the variables' names (`g`, `h`, `y`, … in turn): a
    /// formula in f1, f2 got outputs f1, f2 too, and headers such as `f2,f1,f1,f2,df1/df2`.
    ///
    /// ```swift
    /// try Formula(parsing: "x*y; x").outputNames     // ["f1", "f2"]
    /// try Formula(parsing: "f2*f1; f1").outputNames  // ["g1", "g2"]
    /// ```
    public var outputNames: [String] {
        func numbered(_ base: String) -> [String] {
            outputs.count == 1 ? [base] : (1...outputs.count).map { "\(base)\($0)" }
        }
        if let name { return numbered(name) }
        let taken = Set(variables)
        for base in ["f", "g", "h", "y", "out"] where !numbered(base).contains(where: taken.contains) { return numbered(base) }
        var base = "out_"
        while numbered(base).contains(where: taken.contains) { base += "_" }
        return numbered(base)
    }
}
