import AdjointCore
import AdjointExact
import Synchronization

/// One node of the expression DAG: a head (variable, exact constant, registry op or user
/// primitive) applied to earlier nodes by index.
///
/// Children always have smaller indices than their parent (a node is interned after its
/// arguments), so every walk is one loop over indices, never a recursion whose depth grows with
/// the expression.
public struct ExpressionNode: Hashable, Sendable {
    /// What the node computes.
    public enum Head: Hashable, Sendable {
        /// Input `i` of the function.
        case variable(Int)
        /// An exact rational constant.
        case constant(Rational)
        /// A registry op (`powi`'s exponent is ``ExpressionNode/n``).
        case op(Op)
        /// A user primitive (``ScalarPrimitive``) under its declared name.
        case call(String)
    }
    public let head: Head
    /// First argument (−1 for leaves).
    public let a: Int
    /// Second argument (−1 for leaves and unary heads).
    public let b: Int
    /// `powi`'s exponent; 0 otherwise.
    public let n: Int

    /// Argument indices, in order.
    public var arguments: [Int] { a < 0 ? [] : (b < 0 ? [a] : [a, b]) }
}

/// An interning table of symbolic expressions (hash-consing): building the same node twice
/// returns the same id, so shared subexpressions are stored once and equality of expressions that
/// were built the same way is an id comparison.
///
/// ``shared`` holds the expressions built outside a derivation and every result a derivation
/// returns, like a symbol table: a ``Symbolic`` is then a plain value (an id) and constants made
/// from literals need no graph to live in. Each derivation (``SymbolicDifferentiation``) builds
/// in a graph of its own, bounded by ``maximumNodeCount``, and moves only its results into the
/// caller's graph when it ends; the rest, a runaway loop's millions of nodes included, is freed
/// with it. Sizes are always counted by walking from given roots, so unrelated expressions in the
/// table never inflate them.
///
/// An id names its graph as well as its node: ids of ``shared`` are 0, 1, 2, …, and a
/// derivation's graph has ids of its own, so an id used with a graph it does not belong to (a
/// symbol a function kept from inside a derivation that has ended) is a typed error, never
/// another graph's node.
///
/// ```swift
/// let x = Symbolic.variable(0), y = Symbolic.variable(1)
/// (sin(x) * y).id == (y * sin(x)).id   // true: one node, operands in canonical order
/// ```
public final class ExpressionGraph: @unchecked Sendable {
    /// The graph of the expressions built outside a derivation and of the results derivations
    /// return.
    public static let shared = ExpressionGraph(token: 0, maximumNodes: defaultMaximumNodeCount)

    /// The graph of the derivation running in this task, if any.
    @TaskLocal static var derivation: ExpressionGraph?
    /// Bound on the graph of each derivation started in this task (``withMaximumNodeCount(_:_:)``).
    @TaskLocal static var derivationLimit: Int?

    /// Where new nodes go: the running derivation's graph, else ``shared``.
    static var current: ExpressionGraph { derivation ?? shared }

    /// The graph `id` belongs to among those this task can reach (its derivation's and
    /// ``shared``), or nil: an id of a derivation that has ended, or from nowhere.
    static func owner(of id: Int) -> ExpressionGraph? {
        if let d = derivation, d.owns(id) { return d }
        return shared.owns(id) ? shared : nil
    }

    /// An id is `token << indexBits | index`: the low bits index the node arrays, the high bits
    /// name the graph (0 for ``shared``, so its ids are plain indices).
    static let indexBits = 32
    static let indexMask = (1 << indexBits) - 1
    /// The next derivation graph's token. 31 bits keep ids positive; a token comes back after
    /// 2³¹ − 1 derivations, which matters only for an id kept from a derivation that ended as
    /// long ago.
    private static let tokens = Atomic<Int>(1)

    /// This graph's part of its ids.
    let token: Int
    private let lock = Mutex(())
    private var nodes: [ExpressionNode] = []
    /// Node → id.
    private var index: [ExpressionNode: Int] = [:]
    /// Whether the node is finite for every real value of the variables (see ``isProvablyFinite(_:)``).
    private var finite: [Bool] = []
    /// Height and a structural hash (FNV-1a over the head and the children's hashes): the order
    /// of commutative operands, so printed text does not depend on what was interned before.
    private var keys: [(height: Int, hash: UInt64)] = []
    /// See ``maximumNodeCount``.
    private var maximumNodes: Int
    /// New nodes refused at the cap since the table was made (see ``refusals``).
    private var refused = 0
    /// The NaN constant, interned first, which stands for every node refused at the cap.
    private var nanNode = -1
    /// Why the first value of another graph was refused here (``Symbolic/belong(_:to:)``).
    private var foreign: String?
    /// User primitives by name, kept by ``shared`` for every graph: a call node names its
    /// primitive, and a derivation's results move between graphs with their call nodes.
    private var primitives: [String: any ScalarPrimitive.Type] = [:]

    /// The default of ``maximumNodeCount``: about 1 GB of table (230 bytes a node measured)
    /// (the Hessian of x₁·…·x₃₀₀₀ needs ~9 million and ran the machine out of memory).
    public static let defaultMaximumNodeCount = 1 << 22

    init(token: Int, maximumNodes: Int) {
        self.token = token
        self.maximumNodes = Swift.min(Swift.max(maximumNodes, 1), Self.indexMask)
        nanNode = intern(ExpressionNode(head: .constant(Rational.nan), a: -1, b: -1, n: 0))
    }

    /// A fresh graph for one derivation, bounded by ``withMaximumNodeCount(_:_:)``'s limit if one
    /// is in force, else by ``shared``'s ``maximumNodeCount``.
    static func forDerivation() -> ExpressionGraph {
        var token = tokens.wrappingAdd(1, ordering: .relaxed).oldValue & 0x7FFF_FFFF
        if token == 0 { token = 1 }
        return ExpressionGraph(token: token, maximumNodes: derivationLimit ?? shared.maximumNodeCount)
    }

    /// Runs `body` with each symbolic derivation it starts (``SymbolicDifferentiation``) bounded
    /// by `limit` nodes instead of ``shared``'s ``maximumNodeCount``: a bound for some calls
    /// that, unlike setting that property, does not change the bound of calls running elsewhere.
    ///
    /// ```swift
    /// struct F: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [sin(x[0])] } }
    /// try ExpressionGraph.withMaximumNodeCount(1_000) { try SymbolicDifferentiation.jacobian(of: F(), inputs: 1) }
    /// ```
    public static func withMaximumNodeCount<R>(_ limit: Int, _ body: () throws -> R) rethrows -> R {
        try $derivationLimit.withValue(limit, operation: body)
    }

    /// The most nodes a graph holds: ``shared`` (whose value is this property's), and each
    /// derivation's graph (which takes ``shared``'s value when it starts). At most 2³² − 1.
    /// Past it, building a new node reports ``ADError/limitExceeded(what:limit:)`` to the
    /// enclosing ``Diagnostics/collect(_:)`` and yields the NaN constant instead, so the work ends
    /// cheaply; ``SymbolicDifferentiation`` throws that error, naming the graph that filled up.
    ///
    /// ```swift
    /// ExpressionGraph.shared.maximumNodeCount = 1 << 20
    /// ```
    public var maximumNodeCount: Int {
        get { lock.withLock { _ in maximumNodes } }
        set { lock.withLock { _ in maximumNodes = Swift.min(newValue, Self.indexMask) } }
    }

    /// How many new nodes the cap has refused since the table was made.
    public var refusals: Int { lock.withLock { _ in refused } }

    /// Why the first value of another graph met this one's (kept, since a derivation evaluates
    /// its function's outputs with diagnostics off, and the refused value is a NaN).
    var foreignUse: String? {
        get { lock.withLock { _ in foreign } }
        set { lock.withLock { _ in foreign = foreign ?? newValue } }
    }

    /// What filled this graph, for the limit's message, with `note` added.
    func limitDescription(_ note: String? = nil) -> String {
        let what = token == 0
            ? "nodes in the shared symbolic expression graph (the expressions built outside a derivation and the results derivations returned"
            : "nodes built by one symbolic derivation (in a graph of its own, freed when the derivation ends"
        return what + (note.map { "; " + $0 } ?? "") + ")"
    }

    /// The node with id `i`, or nil when this graph has no node `i` (an id from nowhere, or of
    /// another graph: every ``Symbolic`` outside a derivation holds one of ``shared``'s).
    ///
    /// ```swift
    /// let x = Symbolic.variable(0)
    /// ExpressionGraph.shared.node(x.id)?.head   // .variable(0)
    /// ExpressionGraph.shared.node(-1)           // nil
    /// ```
    public func node(_ i: Int) -> ExpressionNode? {
        lock.withLock { _ in ownsLocked(i) ? nodes[i & Self.indexMask] : nil }
    }

    /// The node with id `i`, for ids of this graph (a checked ``Symbolic``'s, or a child of a
    /// node); the NaN constant for any other id, so a slip is a NaN, not another node or a trap.
    func existing(_ i: Int) -> ExpressionNode {
        lock.withLock { _ in nodes[ownsLocked(i) ? i & Self.indexMask : 0] }
    }

    /// Whether `i` is the id of a node of this graph.
    func owns(_ i: Int) -> Bool { lock.withLock { _ in ownsLocked(i) } }

    private func ownsLocked(_ i: Int) -> Bool {
        i >= 0 && i >> Self.indexBits == token && i & Self.indexMask < nodes.count
    }

    /// Number of nodes in the table.
    public var count: Int { lock.withLock { _ in nodes.count } }

    /// Throws unless every id in `roots` names a node of this graph: public walks take raw ids,
    /// and an id from nowhere, or from another graph, must be an error, not an index out of range
    /// or another graph's node.
    func validate(_ roots: [Int]) throws {
        let n = count
        guard let bad = roots.first(where: { !owns($0) }) else { return }
        if bad >= 0 && bad >> Self.indexBits != token {
            throw ADError.invalidArgument("expression id \(bad) belongs to another expression graph: ids of a derivation's own graph "
                + "are valid only while it runs (keep the expressions a derivation returns, not symbols made inside its function)")
        }
        let first = token << Self.indexBits
        let ids = token == 0 ? "ids 0..<\(n)" : "ids \(first)..<\(first + n)"
        throw ADError.invalidArgument("expression id \(bad) is not in the expression graph (it has \(n) nodes, \(ids))")
    }

    /// Every node up to the current end (a snapshot for walks), in id order; a child's position
    /// is its id in ``shared`` (see ``table()`` for other graphs).
    public func snapshot() -> [ExpressionNode] { lock.withLock { _ in nodes } }

    /// The nodes up to the current end, read by id.
    func table() -> NodeTable { NodeTable(nodes: snapshot()) }

    /// Whether node `i` takes a finite value wherever the variables are finite reals: built only
    /// from variables, constants and ops that are total and finite on ℝ (+, −, ·, exp, sin, tanh,
    /// non-negative integer powers, …). Division, log, sqrt, tan, real powers and user
    /// primitives are not, so `x·0 → 0` is not applied to `(1/y)·0`, which is undefined at y = 0.
    /// Over the reals, not floating point: `exp(1000)·0` is 0 here but NaN in Double.
    /// An id with no node is not provably finite.
    public func isProvablyFinite(_ i: Int) -> Bool {
        lock.withLock { _ in ownsLocked(i) && finite[i & Self.indexMask] }
    }

    /// The user primitive registered under `name` by a `.call` node's ``Symbolic/apply(_:_:_:)``.
    static func primitive(named name: String) -> (any ScalarPrimitive.Type)? {
        shared.lock.withLock { _ in shared.primitives[name] }
    }

    /// Registers `p` under its name; false (nothing changed) when another type holds the name.
    /// A call node is its name and arguments, so two primitives of one name would be one node,
    /// evaluated by whichever registered last.
    static func register(_ p: any ScalarPrimitive.Type) -> Bool {
        shared.lock.withLock { _ in
            if let q = shared.primitives[p.name] { return ObjectIdentifier(q) == ObjectIdentifier(p) }
            shared.primitives[p.name] = p
            return true
        }
    }

    /// Returns the id of `node`, adding it if new. No simplification happens here.
    func intern(_ node: ExpressionNode) -> Int {
        let (i, limit) = lock.withLock { _ -> (Int, Int?) in
            if let i = index[node] { return (i, nil) }
            if nodes.count >= maximumNodes && nanNode >= 0 {
                refused += 1
                return (nanNode, maximumNodes)
            }
            return (add(node), nil)
        }
        if let limit {
            Diagnostics.report(.limitExceeded(what: limitDescription(), limit: limit))
        }
        return i
    }

    /// Copies the expressions at `roots` of `source` (valid ids there) into this graph, node for
    /// node, and returns their ids here; nil when this graph's cap refused a node (counted in
    /// ``refusals``). This is how a derivation's results leave its graph.
    func adopt(_ roots: [Int], from source: ExpressionGraph) -> [Int]? {
        let order = source.reachableUnchecked(from: roots)
        let table = source.table()
        var moved: [Int: Int] = [:]
        moved.reserveCapacity(order.count)
        let complete = lock.withLock { _ -> Bool in
            for i in order {
                let old = table[i]
                // Children come first in `order`, so each is already moved.
                let a = old.a < 0 ? old.a : moved[old.a] ?? nanNode, b = old.b < 0 ? old.b : moved[old.b] ?? nanNode
                let node = ExpressionNode(head: old.head, a: a, b: b, n: old.n)
                if let j = index[node] { moved[i] = j; continue }
                if nodes.count >= maximumNodes { refused += 1; return false }
                moved[i] = add(node)
            }
            return true
        }
        return complete ? roots.map { moved[$0] ?? nanNode } : nil
    }

    /// Appends a node known to be new; the lock is held.
    private func add(_ node: ExpressionNode) -> Int {
        let i = nodes.count
        let id = token << Self.indexBits | i
        nodes.append(node)
        index[node] = id
        let isFinite = Self.finiteness(node) { finite[$0 & Self.indexMask] }
        let key = Self.key(node) { keys[$0 & Self.indexMask] }
        finite.append(isFinite)
        keys.append(key)
        return id
    }

    /// Node `id`'s height and structural hash (see ``keys``): the same for the same expression
    /// built in any graph, so a comparison can be recognised again in another derivation
    /// (``SymbolicDifferentiation/GenericPoint``). Nil for an id of another graph.
    func structuralKey(_ id: Int) -> StructuralKey? {
        lock.withLock { _ in
            guard ownsLocked(id) else { return nil }
            let k = keys[id & Self.indexMask]
            return StructuralKey(height: k.height, hash: k.hash)
        }
    }

    /// See ``structuralKey(_:)``.
    struct StructuralKey: Hashable, Sendable { let height: Int; let hash: UInt64 }

    /// Whether node `i` sorts before node `j` among commutative operands (ties by id).
    func precedes(_ i: Int, _ j: Int) -> Bool {
        lock.withLock { _ in
            let a = keys[i & Self.indexMask], b = keys[j & Self.indexMask]
            if a.height != b.height { return a.height < b.height }
            if a.hash != b.hash { return a.hash < b.hash }
            return i < j
        }
    }

    private static func key(_ node: ExpressionNode, _ keyOf: (Int) -> (height: Int, hash: UInt64)) -> (height: Int, hash: UInt64) {
        var h: UInt64 = 0xcbf29ce484222325
        func mix(_ v: UInt64) { h = (h ^ v) &* 0x100000001b3 }
        func mix(_ text: String) { for b in text.utf8 { mix(UInt64(b)) } }
        switch node.head {
        case .variable(let k): mix("v"); mix(UInt64(k))
        case .constant(let c): mix("c"); mix(c.description)
        case .op(let op): mix("o"); mix(UInt64(op.rawValue)); mix(UInt64(bitPattern: Int64(node.n)))
        case .call(let name): mix("f"); mix(name)
        }
        var height = 0
        for a in node.arguments { let k = keyOf(a); mix(k.hash); height = Swift.max(height, k.height + 1) }
        return (height, h)
    }

    private static func finiteness(_ node: ExpressionNode, _ isFinite: (Int) -> Bool) -> Bool {
        switch node.head {
        case .variable: return true
        case .constant(let c): return c.isFiniteValue
        case .call: return false
        case .op(let op):
            let args = node.arguments.allSatisfy(isFinite)
            switch op {
            case .div, .log, .log1p, .sqrt, .tan, .pow, .input, .constant, .custom: return false
            case .powi: return node.n >= 0 && args
            default: return args
            }
        }
    }
}

/// A graph's nodes read by id (an id's low bits index the array).
struct NodeTable {
    let nodes: [ExpressionNode]
    subscript(id: Int) -> ExpressionNode { nodes[id & ExpressionGraph.indexMask] }
}

// MARK: Walks over the DAG from roots

extension ExpressionGraph {
    /// The nodes reachable from `roots`, in increasing index order (children before parents).
    /// Throws ``ADError/invalidArgument(_:)`` for an id with no node.
    ///
    /// ```swift
    /// let x = Symbolic.variable(0)
    /// try ExpressionGraph.shared.reachable(from: [sin(x).id])   // [x.id, sin(x).id]
    /// ```
    public func reachable(from roots: [Int]) throws -> [Int] {
        try validate(roots)
        return reachableUnchecked(from: roots)
    }

    /// ``reachable(from:)`` for ids known to be valid.
    func reachableUnchecked(from roots: [Int]) -> [Int] {
        let all = table()
        var seen = Set<Int>()
        var stack = roots
        while let i = stack.popLast() {
            if !seen.insert(i).inserted { continue }
            stack.append(contentsOf: all[i].arguments)
        }
        return seen.sorted()
    }

    /// Whether more than `limit` distinct nodes are reachable from `root`: a walk that stops
    /// after `limit + 1` of them, where ``reachableUnchecked(from:)`` visits and sorts them all.
    func reachesMoreThan(_ limit: Int, from root: Int) -> Bool {
        var seen = Set<Int>()
        var stack = [root]
        while let i = stack.popLast() {
            if !seen.insert(i).inserted { continue }
            if seen.count > limit { return true }
            stack.append(contentsOf: existing(i).arguments)
        }
        return false
    }

    /// Size measures of the expressions at `roots` taken together.
    ///
    /// - `dagNodes`: distinct reachable nodes (leaves included): the cost of the shared form.
    /// - `dagOps`: distinct reachable op nodes (leaves excluded).
    /// - `treeNodes`: nodes of the expanded trees, every shared subexpression counted once per
    ///   use, summed over roots; a Double because swell makes it exceed Int quickly.
    /// - `treeOps`: the same without leaves: the operation count of the printed expanded formula.
    ///
    /// Throws ``ADError/invalidArgument(_:)`` for an id with no node.
    ///
    /// ```swift
    /// let x = Symbolic.variable(0)
    /// let s = sin(x) * sin(x)                            // sin(x)^2: one power of one sine
    /// try ExpressionGraph.shared.size(of: [s.id]).dagOps // 2
    /// ```
    public func size(of roots: [Int]) throws -> ExpressionSize {
        try validate(roots)
        return sizeUnchecked(of: roots)
    }

    /// ``size(of:)`` for ids known to be valid.
    func sizeUnchecked(of roots: [Int]) -> ExpressionSize {
        let order = reachableUnchecked(from: roots)
        let all = table()
        var tree: [Int: Double] = [:]
        var treeOps: [Int: Double] = [:]
        var ops = 0
        for i in order {
            let args = all[i].arguments
            let isOp = !args.isEmpty
            if isOp { ops += 1 }
            tree[i] = 1 + args.reduce(0) { $0 + (tree[$1] ?? 0) }
            treeOps[i] = (isOp ? 1 : 0) + args.reduce(0) { $0 + (treeOps[$1] ?? 0) }
        }
        return ExpressionSize(dagNodes: order.count, dagOps: ops,
                              treeNodes: roots.reduce(0) { $0 + (tree[$1] ?? 0) },
                              treeOps: roots.reduce(0) { $0 + (treeOps[$1] ?? 0) })
    }

    /// Evaluates the expressions at `roots` with the variables set to `x`, in any scalar type:
    /// Double, ``Rational`` (constants exactly), or a derived scalar (to differentiate a
    /// derivative again). One loop in index order.
    ///
    /// Throws ``ADError/invalidArgument(_:)`` for an id with no node or a variable index of
    /// `Int.max`, ``ADError/dimensionMismatch(what:expected:got:)`` when `x` has no value for a variable
    /// the expressions use (a missing variable is an error, not a NaN), the first error an op
    /// reports (``ADError/domain(op:node:inputs:reason:)`` naming it: log of a negative, division
    /// by zero), and ``ADError/nonFinite(what:op:node:)`` for a value that is NaN or infinite
    /// without one (exp(1000), a NaN constant).
    ///
    /// ```swift
    /// let x = Symbolic.variable(0), y = Symbolic.variable(1)
    /// try ExpressionGraph.shared.evaluate([(x * y).id], at: [2.0, 3.0])   // [6.0]
    /// try ExpressionGraph.shared.evaluate([(x * y).id], at: [2.0])        // throws: 2 variables needed
    /// try ExpressionGraph.shared.evaluate([log(x).id], at: [-1.0])        // throws: domain error of log
    /// ```
    public func evaluate<T: ADScalar>(_ roots: [Int], at x: [T]) throws -> [T] {
        try validate(roots)
        let needed = try variablesNeeded(by: roots)
        if needed > x.count {
            throw ADError.dimensionMismatch(what: "variables of the expressions (highest variable index + 1)",
                                            expected: needed, got: x.count)
        }
        // The ops report domain errors to a collector; without one here a user saw only NaN.
        let (values, diagnostics) = Diagnostics.collect { evaluateUnchecked(roots, at: x, checkDomains: true) }
        if let e = diagnostics.errors.first { throw e }
        // By the scalar's own finiteness: a Rational beyond Double's range is an exact value
        // (its Double approximation is ∞, and x²⁵⁶ at 10¹⁰ was reported non-finite).
        if let k = values.firstIndex(where: { !$0.isFiniteValue }) {
            throw ADError.nonFinite(what: "value \(values[k].approximateDouble) of expression id \(roots[k]) at the point", op: nil, node: nil)
        }
        return values
    }

    /// One more than the highest variable index reachable from `roots` (0 without variables).
    /// Throws ``ADError/invalidArgument(_:)`` for the index `Int.max`, which no count of inputs
    /// holds (its + 1 trapped on overflow in `GraphFunction(roots:inputs:)` and `evaluate`).
    func variablesNeeded(by roots: [Int]) throws -> Int {
        let all = table()
        var needed = 0
        for i in reachableUnchecked(from: roots) {
            guard case .variable(let k) = all[i].head else { continue }
            guard k < Int.max else {
                throw ADError.invalidArgument("variable index \(k) is Int.max: no number of inputs holds it")
            }
            needed = Swift.max(needed, k + 1)
        }
        return needed
    }

    /// ``evaluate(_:at:)`` for valid ids and enough variables (checked by the caller). With
    /// `checkDomains`, each op's domain is asked at its arguments and a violation reported (plain
    /// Doubles do not report their own; the symbolic drivers, which evaluate in derived scalars
    /// that do, leave it off).
    func evaluateUnchecked<T: ADScalar>(_ roots: [Int], at x: [T], checkDomains: Bool = false) -> [T] {
        let order = reachableUnchecked(from: roots)
        let all = table()
        var v: [Int: T] = [:]
        v.reserveCapacity(order.count)
        for i in order {
            let node = all[i]
            let value: T
            switch node.head {
            case .variable(let k):
                value = k < x.count ? x[k] : T(Double.nan)
            case .constant(let c):
                value = (c as Any) as? T ?? embed(c)
            case .op(let op):
                let a = v[node.a] ?? T(Double.nan)
                let b = node.b < 0 ? a : (v[node.b] ?? a)
                if checkDomains, Rules.needsChecks(op), let why = Rules.domainViolation(op, a, b, node.n) {
                    Diagnostics.reportDomain(op, a, b, node.n, node: nil, reason: why)
                }
                value = T.apply(op, a, b, node.n)
            case .call(let name):
                let a = v[node.a] ?? T(Double.nan)
                let b = node.b < 0 ? a : (v[node.b] ?? a)
                if let p = Self.primitive(named: name) {
                    if checkDomains { Diagnostics.check(p, a, b, node: nil) }
                    value = callPrimitive(p, a, b)
                } else { value = T(Double.nan) }
            }
            v[i] = value
        }
        return roots.map { v[$0] ?? T(Double.nan) }
    }

    private func embed<T: ADScalar>(_ c: Rational) -> T {
        if T.self == Symbolic.self, let s = Symbolic(constant: c) as? T { return s }
        // A scalar that rounds gets the constant rounded once. Built as T(p)/T(q), it was rounded
        // three times once p passed 2⁵³: 1.2088995980580641 (12088995980580641/10¹⁶) evaluated
        // one ulp low (a review). `lifted` rounds once for Double and Float themselves, and builds
        // the exact value from integer pieces in exact types (duals and tapes over Rational).
        if T.roundsArithmetic && !(T.self is any BinaryFloatingPoint.Type) { return T(c.doubleValue) }
        return c.lifted()
    }
}

private func callPrimitive<P: ScalarPrimitive, T: ADScalar>(_ p: P.Type, _ x: T, _ y: T) -> T {
    T.apply(P.self, x, y)
}

/// Sizes of an expression (see ``ExpressionGraph/size(of:)``).
///
/// ```swift
/// let x = Symbolic.variable(0)
/// let e = sin(x) + x * sin(x)
/// e.size.dagOps    // 3: sin, ·, + (sin(x) stored once)
/// e.size.treeOps   // 4: sin counted at each of its two uses
/// ```
public struct ExpressionSize: Sendable, Equatable {
    public let dagNodes: Int
    public let dagOps: Int
    public let treeNodes: Double
    public let treeOps: Double
}
