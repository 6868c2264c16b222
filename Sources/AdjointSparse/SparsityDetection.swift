import AdjointCore

// Sparsity from a recorded tape by index sets: which inputs each output (or each nonlinear node)
// reaches. Sets are built per output by walking that output's cone with an explicit stack and a
// visit stamp, not by forward propagation over every node: a running sum x₀ + … + x_k would hold
// a set of size k at each of its n nodes (O(n²) memory for an arrow's dense row), while the cones
// of a banded function's outputs are O(1) each. A walk stops at a node whose set an earlier walk
// found (an earlier output, an earlier nonlinear node's argument) and takes that set whole, so a
// loop whose every step is read (a trajectory, a chain of nonlinear steps) is walked once.

/// The argument lists of a tape, flattened once, and each input leaf's ordinal. Built in inlinable
/// code so it is specialized for the caller's scalar type: unspecialized, copying each generic
/// ``AdjointCore/TapeEntry`` through witness tables was half the time of a sparse Jacobian at n = 10⁴.
@usableFromInline struct TapeGraph {
    @usableFromInline var argStart: [Int]
    @usableFromInline var args: [Int]
    @usableFromInline var ops: [Op]
    @usableFromInline var inputOrdinal: [Int]   // -1 for non-inputs

    /// - Parameter primitives: vector primitives whose declared ``AdjointCore/VectorPrimitive/sparsity(inputs:)``
    ///   replaces the dense default for their outputs.
    @inlinable init<V>(_ rec: Recording<V>, primitives: [any VectorPrimitive.Type] = []) {
        let t = rec.tape
        let count = t.count
        argStart = [0]; args = []; ops = []
        argStart.reserveCapacity(count + 1); ops.reserveCapacity(count); args.reserveCapacity(2 * count)
        var declared = DeclaredOutputs(primitives)
        for i in 0..<count {
            // Every index in 0..<count has an entry; a missing one would only mean no arguments.
            if let e = t.entry(i) {
                ops.append(e.op)
                if e.op == .custom && !primitives.isEmpty,
                   let reads = declared.arguments(of: i, e.name, e.inputs,
                                                  values: { e.inputs.map { t.entry($0)?.value.approximateDouble ?? .nan } }) {
                    args.append(contentsOf: reads)
                } else {
                    declared.reset()
                    args.append(contentsOf: e.inputs)
                }
            } else {
                ops.append(.constant)
            }
            argStart.append(args.count)
        }
        inputOrdinal = Array(repeating: -1, count: count)
        for (k, v) in rec.inputs.enumerated() { if let node = v.node, node < count { inputOrdinal[node] = k } }
    }

    @usableFromInline var count: Int { ops.count }
}

/// Which arguments a vector primitive's output entry reads, from its declared pattern. A call's
/// outputs are consecutive `.custom` entries with the primitive's name and the same argument list;
/// the k-th of such a run is output k mod m (m = the pattern's rows), so two identical calls in a row
/// also come out right.
@usableFromInline struct DeclaredOutputs {
    let patterns: [String: (Int) -> [[Int]]?]
    let outputCounts: [String: ([Double]) -> Int]
    var runName = "", runInputs: [Int] = [], runLength = 0
    /// The declared rows for the current run, or nil when they do not fit the call.
    var runRows: [[Int]]?

    /// A name that two passed types share keeps no declaration (the dense default): the tape
    /// names a vector primitive's outputs by name only, so one type's pattern would be read for the
    /// other's calls, a sparse Jacobian silently zero where the other reads. `sparseJacobian`
    /// refuses such a list.
    @usableFromInline init(_ primitives: [any VectorPrimitive.Type]) {
        var p: [String: (Int) -> [[Int]]?] = [:], m: [String: ([Double]) -> Int] = [:]
        let ambiguous = Set(DeclaredOutputs.ambiguousNames(primitives))
        for t in primitives where !ambiguous.contains(t.name) {
            p[t.name] = { n in t.sparsity(inputs: n) }
            m[t.name] = { x in t.primal(x).count }
        }
        patterns = p; outputCounts = m
    }

    /// Names held by two different types in `primitives`.
    @usableFromInline static func ambiguousNames(_ primitives: [any VectorPrimitive.Type]) -> [String] {
        var owner: [String: ObjectIdentifier] = [:], names: [String] = []
        for t in primitives {
            let id = ObjectIdentifier(t)
            if let o = owner[t.name], o != id { if !names.contains(t.name) { names.append(t.name) } } else { owner[t.name] = id }
        }
        return names
    }

    @usableFromInline mutating func reset() { runLength = 0; runName = ""; runRows = nil }

    /// The argument nodes entry `i` reads, or nil to keep all (undeclared, or a pattern that does
    /// not fit the call: the dense default is the safe one).
    ///
    /// A pattern fits when it has one row per output and every column is an argument. The row
    /// count is checked against the primal's output count, once per run: a pattern of 2 rows for
    /// 3 outputs paired output 2 with row 0 (k mod 2) and dropped the entries output 2 reads, a
    /// sparse Jacobian silently zero there.
    @usableFromInline mutating func arguments(of i: Int, _ name: String, _ inputs: [Int],
                                              values: () -> [Double]) -> [Int]? {
        guard let declare = patterns[name] else { reset(); return nil }
        if runLength > 0 && name == runName && inputs == runInputs { runLength += 1 } else {
            runName = name; runInputs = inputs; runLength = 1
            if let rows = declare(inputs.count), !rows.isEmpty,
               rows.allSatisfy({ $0.allSatisfy { $0 >= 0 && $0 < inputs.count } }),
               rows.count == outputCounts[name]?(values()) {
                runRows = rows
            } else {
                runRows = nil
            }
        }
        guard let rows = runRows else { return nil }
        return rows[(runLength - 1) % rows.count].map { inputs[$0] }
    }
}

/// The Jacobian sparsity pattern of a recording: entry (i, j) is possibly nonzero when output i's
/// recorded computation reads input j. A user vector primitive counts as dense (each of its
/// outputs reads all its inputs) unless it is passed in `primitives` and declares a pattern.
///
/// The pattern is that of the recorded control-flow path: at a point where a branch goes the other
/// way (a `max`, a `relu`, an `if` on a value) the pattern can differ.
///
/// ```swift
/// let rec = try record({ x in [x[0] * x[1], Reverse.sin(x[2])] }, at: [1.0, 2.0, 3.0])
/// jacobianSparsity(of: rec).rowColumns   // [[0, 1], [2]]
/// ```
///
/// - Parameter primitives: vector primitives whose declared pattern
///   (``AdjointCore/VectorPrimitive/sparsity(inputs:)``) replaces the dense default. A wrong
///   declaration gives wrong entries; `checkSparsity` finds them.
@inlinable public func jacobianSparsity<V>(of rec: Recording<V>, primitives: [any VectorPrimitive.Type] = []) -> SparsityPattern {
    jacobianSparsity(TapeGraph(rec, primitives: primitives), outputs: rec.outputs.map(\.node), inputs: rec.inputs.count)
}

@usableFromInline func jacobianSparsity(_ graph: TapeGraph, outputs: [Int?], inputs: Int) -> SparsityPattern {
    jacobianSparsityCountingVisits(graph, outputs: outputs, inputs: inputs).pattern
}

/// ``jacobianSparsity(_:outputs:inputs:)`` with the number of tape nodes its walks visited.
///
/// Each output's set is remembered, so an output's walk ends at an earlier output it reads: the
/// states of a trajectory (output k = step k of a loop) walked the whole loop again for each
/// output, O(N²) (8000 steps of a two-state map took 55 s in a debug build).
func jacobianSparsityCountingVisits(_ graph: TapeGraph, outputs: [Int?], inputs: Int) -> (pattern: SparsityPattern, visits: Int) {
    var sets = InputSets(graph, inputs: inputs, sharing: false)
    let rows = outputs.map { node -> [Int] in
        guard let node else { return [] }
        let id = sets.set(of: node)
        return sets.members(id)
    }
    return (SparsityPattern(unchecked: rows.count, inputs, rows), sets.visits)
}

/// The Jacobian sparsity pattern of `f` at `x`, from one recording (see ``jacobianSparsity(of:)``).
///
/// The pattern is read from the recording's graph, which needs no derivative rule: a vector
/// primitive with a JVP only (or no rule at all) is recorded and counted dense, or by its
/// declared ``AdjointCore/VectorPrimitive/sparsity(inputs:)`` when passed in `primitives`.
///
/// ```swift
/// enum Pair: VectorPrimitive {   // (x0·x1, x1·x2), JVP only
///     static let name = "pair"
///     static func primal(_ x: [Double]) -> [Double] { [x[0] * x[1], x[1] * x[2]] }
///     static func jvp(at x: [Double], direction v: [Double]) -> [Double]? { [x[1] * v[0] + x[0] * v[1], x[2] * v[1] + x[1] * v[2]] }
///     static func sparsity(inputs n: Int) -> [[Int]]? { [[0, 1], [1, 2]] }
/// }
/// struct F: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { Pair.apply(x) } }
/// try jacobianSparsity(of: F(), at: [1.0, 2.0, 3.0]).rowColumns                       // [[0, 1, 2], [0, 1, 2]]
/// try jacobianSparsity(of: F(), at: [1.0, 2.0, 3.0], primitives: [Pair.self]).rowColumns   // [[0, 1], [1, 2]]
/// ```
@inlinable public func jacobianSparsity<V: ADScalar>(of f: some ADFunction, at x: [V],
                                                     primitives: [any VectorPrimitive.Type] = []) throws -> SparsityPattern {
    // Recorded as the checker records (a missing VJP logged, not refused): no sweep follows, and
    // the refusal named a reverse mode nobody asked for.
    let (rec, _) = try Diagnostics.recordingCallsWithoutVJP { try record({ f($0) }, at: x) }
    return jacobianSparsity(of: rec, primitives: primitives)
}

/// The Hessian sparsity pattern of output `output` of a recording, conservatively: each nonlinear
/// node that the output reads adds the pairs of inputs its second derivative can couple. Linear
/// ops (`add`, `sub`, `neg`) add nothing; `mul` couples its two arguments' input sets with each
/// other, and nothing when one side is a constant (c·u is linear in u); `div` couples numerator
/// with denominator and the denominator with itself, and nothing for a constant denominator; every other op
/// (user primitives included) couples all inputs its arguments read. The pattern is symmetric and
/// always includes the diagonal of every input the output reads.
///
/// ```swift
/// let rec = try record({ x in [x[0] * x[1] + Reverse.sin(x[2])] }, at: [1.0, 2.0, 3.0])
/// hessianSparsity(of: rec).rowColumns   // [[0, 1], [0, 1], [2]]
/// ```
public func hessianSparsity<V>(of rec: Recording<V>, output: Int = 0) -> SparsityPattern {
    hessianSparsityCountingVisits(of: rec, output: output).pattern
}

/// ``hessianSparsity(of:output:)`` with the number of tape nodes its cone walks visited.
func hessianSparsityCountingVisits<V>(of rec: Recording<V>, output: Int = 0) -> (pattern: SparsityPattern, visits: Int) {
    let n = rec.inputs.count
    let graph = TapeGraph(rec)
    var rows = Array(repeating: Set<Int>(), count: n)
    guard output >= 0 && output < rec.outputs.count, let root = rec.outputs[output].node else {
        return (SparsityPattern(unchecked: n, n, Array(repeating: [], count: n)), 0)
    }
    // Whether each node depends on an input at all (the tape is in evaluation order, so one pass).
    // A product or quotient with a side that does not is linear in the other side and adds no
    // curvature; skipping it without walking the other side's cone is what keeps `c · (long
    // linear chain)` linear: a running average y ← ½·(y + x_k) walked its O(k) cone at every
    // step, O(n²) in all (n = 4000 took 8 s; n = 10⁵ would take hours).
    var dependsOnInput = Array(repeating: false, count: graph.count)
    for v in 0..<graph.count {
        if graph.inputOrdinal[v] >= 0 { dependsOnInput[v] = true; continue }
        for k in graph.argStart[v]..<graph.argStart[v + 1] where dependsOnInput[graph.args[k]] {
            dependsOnInput[v] = true; break
        }
    }
    // Nodes the output reads: only their curvature reaches the output's Hessian.
    var live = Array(repeating: false, count: graph.count)
    var stack = [root]
    live[root] = true
    while let v = stack.popLast() {
        for k in graph.argStart[v]..<graph.argStart[v + 1] where !live[graph.args[k]] {
            live[graph.args[k]] = true; stack.append(graph.args[k])
        }
    }
    var sets = InputSets(graph, inputs: n)
    // A pair of sets (or one set with itself) adds the same entries every time it is coupled:
    // `sin(s + c_k)` for k = 1…N over one sum s of n inputs couples one n-set N times.
    var coupled = Set<Pair>()
    func couple(_ a: Int, _ b: Int) {
        let left = sets.members(a), right = sets.members(b)
        // Small pairs are cheaper to couple again than to look up (a band's sets have 1–3 members).
        if left.count * right.count > InputSets.smallSet * InputSets.smallSet {
            guard coupled.insert(Pair(a, b)).inserted else { return }
        }
        for p in left { for q in right { rows[p].insert(q); rows[q].insert(p) } }
    }
    for v in 0..<graph.count where live[v] && dependsOnInput[v] {
        let args = Array(graph.args[graph.argStart[v]..<graph.argStart[v + 1]])
        if args.isEmpty { continue }
        switch graph.ops[v] {
        case .add, .sub, .neg: continue
        case .mul where args.count == 2:
            if !dependsOnInput[args[0]] || !dependsOnInput[args[1]] { continue }   // c·u: linear in u
            couple(sets.set(of: args[0]), sets.set(of: args[1]))
        case .div where args.count == 2:
            if !dependsOnInput[args[1]] { continue }   // u / c: linear in u
            let num = sets.set(of: args[0]), den = sets.set(of: args[1])
            couple(num, den); couple(den, den)
        default:
            let all = sets.union(args.filter { dependsOnInput[$0] }.map { sets.set(of: $0) })
            couple(all, all)
        }
    }
    // Diagonal entries of inputs the output reads, so recovery has a place for each (often 0).
    // (The id first: `sets.members(sets.set(of:))` reads `sets` before the call that adds the id.)
    let reached = sets.set(of: root)
    for j in sets.members(reached) { rows[j].insert(j) }
    return (SparsityPattern(unchecked: n, n, rows.map { $0.sorted() }), sets.visits)
}

/// An unordered pair of set ids.
private struct Pair: Hashable {
    let a: Int, b: Int
    init(_ a: Int, _ b: Int) { self.a = Swift.min(a, b); self.b = Swift.max(a, b) }
}

/// The inputs each tape node reads, computed when asked and remembered for the nodes asked about
/// (outputs for a Jacobian pattern; the arguments of nonlinear nodes for a Hessian pattern).
///
/// A walk of a node's cone stops at a node whose set is known and takes that set whole. Walking
/// every nonlinear node's cone afresh (as before) was quadratic in the depth of a chain: the
/// Hessian pattern of 4000 steps of (a, b) ← (sin(a)·b, a), two inputs, visited 48 million nodes
/// (30 s in a debug build; 10⁵ steps would take hours). Each nonlinear node's arguments are
/// remembered, so the next step's walk ends one node down.
///
/// With `sharing`, sets of more than ``smallSet`` members are interned (equal sets share one id),
/// so memory holds each distinct set once: N nodes sin(s + c_k) over one sum s of n inputs keep one
/// n-set, not N. A Jacobian
/// pattern keeps one set per output row anyway, and skips the hashing. Forward propagation to every
/// node (not done) would hold a set of size k at each node of a running sum x₀ + … + x_k.
struct InputSets {
    let graph: TapeGraph
    /// Set id of each node whose set was asked for, −1 otherwise.
    var memo: [Int]
    var pool: [[Int]] = []
    var poolIndex: [[Int]: Int] = [:]
    var nodeStamp: [Int32]
    var inputStamp: [Int32]
    var current: Int32 = 0
    var stack: [Int] = []
    /// Nodes visited over all walks: the work, for tests that bound it.
    var visits = 0
    let sharing: Bool

    init(_ graph: TapeGraph, inputs n: Int, sharing: Bool = true) {
        self.graph = graph
        self.sharing = sharing
        memo = Array(repeating: -1, count: graph.count)
        nodeStamp = Array(repeating: 0, count: graph.count)
        inputStamp = Array(repeating: 0, count: n)
    }

    func members(_ id: Int) -> [Int] { pool[id] }

    /// Sets up to this size are stored without interning: hashing them costs more than the copies.
    static let smallSet = 8

    mutating func intern(_ set: [Int]) -> Int {
        let shared = sharing && set.count > Self.smallSet
        if shared, let id = poolIndex[set] { return id }
        pool.append(set)
        if shared { poolIndex[set] = pool.count - 1 }
        return pool.count - 1
    }

    /// The sorted inputs node `root` reads, as a set id.
    mutating func set(of root: Int) -> Int {
        if memo[root] >= 0 { return memo[root] }
        current &+= 1
        var found: [Int] = []
        // One remembered set reached and nothing else: the same id, no copy.
        var onlyKnown: Int? = nil, others = false
        stack.removeAll(keepingCapacity: true)
        nodeStamp[root] = current
        stack.append(root)
        while let v = stack.popLast() {
            if v != root, memo[v] >= 0 {
                let id = memo[v]
                if onlyKnown == nil && !others { onlyKnown = id } else if onlyKnown != id { others = true }
                for j in pool[id] where inputStamp[j] != current { inputStamp[j] = current; found.append(j) }
                continue
            }
            visits += 1
            let ordinal = graph.inputOrdinal[v]
            if ordinal >= 0 {
                others = true
                if inputStamp[ordinal] != current { inputStamp[ordinal] = current; found.append(ordinal) }
            }
            for k in graph.argStart[v]..<graph.argStart[v + 1] {
                let a = graph.args[k]
                if nodeStamp[a] != current { nodeStamp[a] = current; stack.append(a) }
            }
        }
        let id: Int
        if let known = onlyKnown, !others { id = known } else { id = intern(found.sorted()) }
        memo[root] = id
        return id
    }

    /// The union of sets, as a set id.
    mutating func union(_ ids: [Int]) -> Int {
        let distinct = Array(Set(ids))
        if distinct.count == 1 { return distinct[0] }
        return intern(Array(Set(distinct.flatMap { pool[$0] })).sorted())
    }
}
