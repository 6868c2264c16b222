import AdjointCore

/// The recorded graph read once from a tape, with iterative reachability (no recursion, so deep
/// graphs cannot overflow the stack).
struct TapeGraph {
    let ops: [Op]
    /// Op names, with user primitives under their own names.
    let names: [String]
    /// Local partials per node from the registry or the user's rule (nil for leaves and vector
    /// primitives, whose tangents are then taken as 0).
    let partials: [[Double]?]
    /// Each node's primal at other argument values, for differencing one primitive alone.
    let localPrimal: (Int, [Double]) -> Double?
    /// A user scalar primitive's primal as a function at every scalar type, by node: its complex
    /// step decides where its primal is analytic.
    let analyticPrimals: [Int: any ADFunction]
    /// A user scalar primitive's primal and partials evaluated in Double, by node: fault
    /// localisation judges the rule there whatever type f was recorded in (a Float recording's
    /// partials, rounded to Float, were compared with Double differences and never decided).
    let doublePrimitives: [Int: (primal: ([Double]) -> Double, partials: ([Double]) -> [Double])]
    /// User vector primitive calls, by each of their outputs' nodes: their JVP and VJP are judged
    /// against differences of their primal at the recorded inputs. Every output, not the first
    /// only: a path may pass through a later output alone (f reading x[1] of a solve), and the
    /// call's wrong VJP was then never judged.
    let vectorCalls: [Int: (primitive: any VectorPrimitive.Type, inputs: [Int], inputValues: [Double], outputs: Range<Int>)]
    /// Each node's domain verdict at its recorded arguments.
    let domainViolations: [String?]
    /// Each node's declared ``Linearity``: its op's, or a user scalar primitive's own.
    let linearities: [Linearity]
    let args: [[Int]]
    let attributes: [Int]
    let values: [Double]
    let inputNodes: [Int?]
    let outputNodes: [Int?]
    /// Nodes of ops with a kink (relu, abs, max, …, and √ at 0) and the distance of their
    /// arguments from it.
    let kinkCandidates: [(node: Int, distance: Double)]
    /// The first user primitive whose declared `kinkDistance` is NaN or negative at its recorded
    /// inputs, as the error the check, the differences and the sweep report (nil when every
    /// declaration is nil or ≥ 0). Such a distance says nothing about where the kink is: NaN
    /// compares as no kink at all, so relu-like samples straddled it unflagged, and a negative one
    /// made every step "cross" it, while `validate` alone said the declaration was wrong.
    let invalidKinkDistance: ADError?
    /// Per vector call, by its first output's node: |Jₒᵢ| (rows o, columns i) at the recorded
    /// inputs, from its JVP (one per input) or else its VJP (one per output); nil when neither
    /// answers finitely or the call is outside its domain. Path magnitudes pass through a call
    /// by these entries (``PathGraph/magnitudes(input:)``).
    let callAbsoluteJacobians: [Int: [[Double]]?]
    /// Per node, whether it depends on an input of f (a vector call's outputs through its inputs):
    /// one forward pass for every kink's question (``kinkArgumentMoves(_:)``), where a pass per
    /// kink touched would be quadratic in a sum of many relus at 0.
    let dependsOnInput: [Bool]

    init<V>(_ rec: Recording<V>) {
        var ops: [Op] = [], names: [String] = [], args: [[Int]] = [], attrs: [Int] = [], values: [Double] = []
        var partials: [[Double]?] = [], domain: [String?] = [], linearities: [Linearity] = []
        var candidates: [(node: Int, distance: Double)] = []
        var analytic: [Int: any ADFunction] = [:]
        var doubles: [Int: (primal: ([Double]) -> Double, partials: ([Double]) -> [Double])] = [:]
        var vectors: [Int: (primitive: any VectorPrimitive.Type, inputs: [Int], inputValues: [Double], outputs: Range<Int>)] = [:]
        func primal<P: ScalarPrimitive>(_: P.Type) -> any ADFunction { UserPrimal<P>() }
        func inDouble<P: ScalarPrimitive>(_: P.Type) -> (primal: ([Double]) -> Double, partials: ([Double]) -> [Double]) {
            func args(_ y: [Double]) -> (Double, Double) { (y[0], y.count > 1 ? y[1] : y[0]) }
            return (primal: { y in let (a, b) = args(y); return P.primal(a, b) },
                    partials: { y in
                        let (a, b) = args(y)
                        let (dx, dy) = P.partials(a, b, output: P.primal(a, b))
                        return P.arity == 2 ? [dx, dy] : [dx]
                    })
        }
        let tape = rec.tape
        var callDomain: String? = nil, callDistance: Double? = nil
        var invalidDistance: ADError? = nil
        func declared(_ d: Double?, node k: Int, name: String, arguments: [Double]) -> Double? {
            guard let d, d.isNaN || d < 0 else { return d }
            if invalidDistance == nil { invalidDistance = invalidKinkDistanceError(name, node: k, inputs: arguments, distance: d) }
            return nil
        }
        for k in 0..<tape.count {
            guard let e = tape.entry(k) else { continue }
            ops.append(e.op); names.append(e.name); args.append(e.inputs); attrs.append(e.attribute)
            values.append(e.value.approximateDouble)
            partials.append(tape.localPartials(k)?.map(\.approximateDouble))
            if let call = tape.vectorPrimitive(k) {
                vectors[k] = call
                // One call, one declaration: its outputs share the call's domain verdict and kink
                // distance, asked once (asked per output, a sort of n made n calls of its
                // O(n log n) declaration). A NaN or negative one is no distance (``invalidKinkDistance``).
                if k == call.outputs.lowerBound {
                    callDomain = tape.localDomainViolation(k)
                    callDistance = declared(tape.localKinkDistance(k), node: k, name: e.name, arguments: call.inputValues)
                }
                domain.append(callDomain)
                if let d = callDistance { candidates.append((k, d)) }
            } else {
                domain.append(tape.localDomainViolation(k))
                // The declarations' kink distance: one function for reports, this test and localisation.
                let arguments = e.inputs.map { $0 >= 0 && $0 < values.count ? values[$0] : .nan }
                if let d = declared(tape.localKinkDistance(k), node: k, name: e.name, arguments: arguments) {
                    candidates.append((k, d))
                }
            }
            let user = tape.scalarPrimitive(k)
            if let p = user { analytic[k] = primal(p); doubles[k] = inDouble(p) }
            // A vector call's outputs keep `.custom`'s `.nonlinear`. A user's claim counts only
            // where it holds on the primal at the recorded arguments and no kink is declared
            // there (see linearityHolds): a wrong claim cannot make a difference skip its search.
            if let p = user, p.linearity != .nonlinear {
                let arguments = e.inputs.map { $0 >= 0 && $0 < values.count ? values[$0] : .nan }
                let trusted = tape.localKinkDistance(k) == nil && linearityHolds(p, at: arguments)
                linearities.append(trusted ? p.linearity : .nonlinear)
            } else {
                linearities.append(user?.linearity ?? e.op.info.linearity)
            }
        }
        vectorCalls = vectors
        var jacobians: [Int: [[Double]]?] = [:]
        for (k, call) in vectors where k == call.outputs.lowerBound {
            jacobians[k] = domain[k] == nil ? Self.absoluteJacobian(call) : nil
        }
        callAbsoluteJacobians = jacobians
        analyticPrimals = analytic
        doublePrimitives = doubles
        self.ops = ops; self.names = names; self.args = args; self.attributes = attrs; self.values = values
        self.partials = partials; self.domainViolations = domain; self.linearities = linearities
        self.localPrimal = { k, x in tape.localPrimal(k, at: x.map { V($0) })?.approximateDouble }
        inputNodes = rec.inputs.map(\.node)
        outputNodes = rec.outputs.map(\.node)
        kinkCandidates = candidates
        invalidKinkDistance = invalidDistance
        var moves = [Bool](repeating: false, count: ops.count)
        for case let j? in rec.inputs.map(\.node) where j >= 0 && j < moves.count { moves[j] = true }
        for k in moves.indices where !moves[k] {
            moves[k] = (vectors[k]?.inputs ?? args[k]).contains { $0 >= 0 && $0 < k && moves[$0] }
        }
        dependsOnInput = moves
    }

    /// Tangents of every node along input j: a forward sweep over the recorded graph applying the
    /// registry's partials (``Rules/partials(_:_:_:_:output:)``) at the recorded values, and for
    /// a built-in binary op its products (``Rules/jvp(_:_:_:_:output:tangents:_:)``), as forward
    /// mode does: division's partial underflows where its product does not.
    ///
    /// With `magnitudes`, the same sweep sums |partial|·|tangent| instead: per node, what a tangent
    /// along eⱼ is a sum of before cancellation. ε times it bounds the rounding a tangent collects
    /// (forward mode's, or the complex step's imaginary part): (eˣ − e⁻ˣ)/2 − x at 0.01 in Float
    /// sums terms near 1 into 5e-5, and its complex step is off in the third digit.
    func tangents(input j: Int, magnitudes: Bool = false) -> [Double] {
        if magnitudes { return paths.magnitudes(input: j) }
        var t = [Double](repeating: 0, count: ops.count)
        guard j < inputNodes.count, let s = inputNodes[j] else { return t }
        t[s] = 1
        for k in ops.indices {
            if let call = vectorCalls[k] {
                // A vector call's outputs move by its JVP (or VJP rows) at the recorded inputs:
                // taken as 0, a kink downstream (relu of a call's output) looked unreachable, and
                // the one-sided differences at a touched kink straddled it (a review).
                if k == call.outputs.lowerBound { vectorTangents(call, &t) }
                continue
            }
            guard let p = partials[k] else { continue }
            // Only with finite partials: an infinite one (pow at a zero base) against a zero
            // tangent must add nothing, which the sum below skips and a product would not.
            if ops[k] != .custom && args[k].count == 2 && p.allSatisfy(\.isFinite) {
                let (a, b) = (args[k][0], args[k][1])
                t[k] = Rules.jvp(ops[k], values[a], values[b], 0, output: values[k], tangents: t[a], t[b])
                continue
            }
            var sum = 0.0
            for (a, d) in zip(args[k], p) where t[a] != 0 { sum += d * t[a] }
            t[k] = sum
        }
        return t
    }

    /// Writes the tangents of a vector call's outputs from its inputs' (`t` at the call's input
    /// nodes): its JVP, else a VJP per output, at the recorded inputs. Left 0 outside the declared
    /// domain (no rule is asked there) or when neither rule answers with finite values.
    func vectorTangents(_ call: (primitive: any VectorPrimitive.Type, inputs: [Int], inputValues: [Double], outputs: Range<Int>),
                        _ t: inout [Double]) {
        let p = call.primitive, x = call.inputValues, m = call.outputs.count
        let v = call.inputs.map { $0 >= 0 && $0 < t.count ? t[$0] : 0 }
        guard v.contains(where: { $0 != 0 }), domainViolations[call.outputs.lowerBound] == nil else { return }
        var out: [Double]? = nil
        if let jv = p.jvp(at: x, direction: v), jv.count == m {
            out = jv
        } else {
            out = (0..<m).map { o -> Double in
                guard let g = p.vjp(at: x, cotangent: (0..<m).map { $0 == o ? 1 : 0 }), g.count == v.count else { return .nan }
                return zip(g, v).reduce(0) { $0 + $1.0 * $1.1 }
            }
        }
        guard let out, out.allSatisfy(\.isFinite) else { return }
        for (o, node) in call.outputs.enumerated() where node < t.count { t[node] = out[o] }
    }

    /// ``kinkSensitivity(_:tangents:)`` of every kink candidate, in their order. A vector call's
    /// outputs are candidates each, with one sensitivity: worked out once per call (per output,
    /// summing the call's n inputs for each of its n outputs made a check of a sort of 800 spend
    /// 17 s, cubic in n).
    func kinkSensitivities(tangents t: [Double]) -> [Double] {
        var byCall: [Int: Double] = [:]
        return kinkCandidates.map { c in
            guard let first = vectorCalls[c.node]?.outputs.lowerBound else { return kinkSensitivity(c.node, tangents: t) }
            if let known = byCall[first] { return known }
            let s = kinkSensitivity(c.node, tangents: t)
            byCall[first] = s
            return s
        }
    }

    /// The part of the graph that path magnitudes read, without the closures: it can be handed
    /// to the concurrent check's child tasks.
    var paths: PathGraph {
        var calls: [Int: (inputs: [Int], outputs: Range<Int>, absoluteJacobian: [[Double]]?)] = [:]
        for (k, call) in vectorCalls where k == call.outputs.lowerBound {
            calls[k] = (call.inputs, call.outputs, callAbsoluteJacobians[k] ?? nil)
        }
        return PathGraph(args: args, partials: partials, inputNodes: inputNodes, calls: calls)
    }

    /// |Jₒᵢ| of a vector call at its recorded inputs (see ``callAbsoluteJacobians``).
    static func absoluteJacobian(_ call: (primitive: any VectorPrimitive.Type, inputs: [Int], inputValues: [Double],
                                          outputs: Range<Int>)) -> [[Double]]? {
        let p = call.primitive, x = call.inputValues, n = x.count, m = call.outputs.count
        var j = [[Double]](repeating: [Double](repeating: 0, count: n), count: m)
        var byJVP = true
        for i in 0..<n {
            guard let jv = p.jvp(at: x, direction: (0..<n).map { $0 == i ? 1 : 0 }), jv.count == m else { byJVP = false; break }
            for o in 0..<m { j[o][i] = Swift.abs(jv[o]) }
        }
        if !byJVP {
            for o in 0..<m {
                guard let g = p.vjp(at: x, cotangent: (0..<m).map { $0 == o ? 1 : 0 }), g.count == n else { return nil }
                j[o] = g.map { Swift.abs($0) }
            }
        }
        return j.allSatisfy { $0.allSatisfy(\.isFinite) } ? j : nil
    }

    /// How fast a kink candidate's distance to its kink changes per unit of the input.
    func kinkSensitivity(_ k: Int, tangents t: [Double]) -> Double {
        let a = args[k][0]
        switch ops[k] {
        case .max, .min: return Swift.abs(t[a] - t[args[k][1]])
        case .hypot: let b = args[k][1]; return Swift.max(Swift.abs(t[a]), Swift.abs(t[b]))
        default: return args[k].reduce(0) { $0 + Swift.abs(t[$1]) }
        }
    }

    /// Nodes `node` depends on (itself included). Tape order is topological, so one backward pass suffices.
    func ancestors(of node: Int) -> [Bool] {
        var mark = [Bool](repeating: false, count: ops.count)
        guard node >= 0 && node < ops.count else { return mark }
        mark[node] = true
        var k = node
        while k >= 0 {
            if mark[k] { for a in args[k] where a >= 0 && a < ops.count { mark[a] = true } }
            k -= 1
        }
        return mark
    }

    /// Nodes that depend on `node` (itself included), by one forward pass.
    func descendants(of node: Int) -> [Bool] {
        var mark = [Bool](repeating: false, count: ops.count)
        guard node >= 0 && node < ops.count else { return mark }
        mark[node] = true
        for k in (node + 1)..<Swift.max(node + 1, ops.count) where args[k].contains(where: { $0 >= 0 && $0 < ops.count && mark[$0] }) {
            mark[k] = true
        }
        return mark
    }

    /// For each entry (i, j), the names of kink ops lying on a path from input j to output i.
    func kinkOps(_ kinks: [KinkEvent], inputs n: Int, outputs m: Int) -> [[[String]]] {
        var map = [[[String]]](repeating: [[String]](repeating: [], count: n), count: m)
        for kink in kinks {
            guard let node = kink.node, kinkArgumentMoves(node) else { continue }
            // A vector primitive's kink is reported at its first output, but it is a kink of
            // every output of the call (f may read a later one only).
            let outputs = vectorCalls[node].map { Array($0.outputs) } ?? [node]
            let up = ancestors(of: node)
            var down = descendants(of: node)
            for o in outputs.dropFirst() { for (k, d) in descendants(of: o).enumerated() where d { down[k] = true } }
            let js = (0..<n).filter { j in inputNodes[j].map { up[$0] } ?? false }
            let is_ = (0..<m).filter { i in outputNodes[i].map { down[$0] } ?? false }
            for i in is_ { for j in js where !map[i][j].contains(kink.name) { map[i][j].append(kink.name) } }
        }
        return map
    }

    /// Whether the arguments node's kink is about (``OpInfo/kinkArguments``) depend on an input of f;
    /// true where that cannot be told (a user primitive, a vector call, a node out of range).
    /// `jac check "0^x" --at x=0.7` called the point a kink of pow: its base is the constant 0,
    /// whose tangent is exactly 0 in every mode and direction, and 0^x is 0 on every nearby
    /// point, so d/dx = 0 there is a derivative, which the differences can judge, not a
    /// convention. The variables count even where they cancel (x − x moves).
    func kinkArgumentMoves(_ node: Int) -> Bool {
        guard node >= 0, node < ops.count, ops[node] != .custom, vectorCalls[node] == nil else { return true }
        let a = args[node]
        let about = ops[node].info.kinkArguments.compactMap { $0 < a.count ? a[$0] : nil }
        guard !about.isEmpty else { return true }
        return about.contains { $0 >= 0 && $0 < dependsOnInput.count && dependsOnInput[$0] }
    }

    /// For each kink-capable op on a path from input j to output i that a move along eⱼ reaches,
    /// the displacement that brings its argument to its kink (linearised: distance / |∂arg/∂xⱼ|),
    /// given the tangents along eⱼ (``tangents(input:magnitudes:)``).
    func kinkRooms(output i: Int, input j: Int, tangents t: [Double]) -> [(node: Int, room: Double)] {
        guard !kinkCandidates.isEmpty else { return [] }
        let mask = onPath(output: i, input: j)
        return zip(kinkCandidates, kinkSensitivities(tangents: t)).compactMap { c, sensitivity in
            guard mask[c.node], sensitivity > 0, sensitivity.isFinite else { return nil }
            return (c.node, c.distance / sensitivity)
        }
    }

    /// Nodes on some path from input j to output i.
    func onPath(output i: Int, input j: Int) -> [Bool] {
        guard let o = outputNodes[i], let s = inputNodes[j] else { return [Bool](repeating: false, count: ops.count) }
        let up = ancestors(of: o), down = descendants(of: s)
        return zip(up, down).map { $0 && $1 }
    }
}

/// A recorded graph's arguments and local partials, for path magnitudes (``TapeGraph/paths``).
struct PathGraph: Sendable {
    let args: [[Int]]
    let partials: [[Double]?]
    let inputNodes: [Int?]
    /// Vector calls by their first output's node, with ``TapeGraph/callAbsoluteJacobians``.
    let calls: [Int: (inputs: [Int], outputs: Range<Int>, absoluteJacobian: [[Double]]?)]

    /// Per node, the sum over graph paths from input j of the product of |local partials|: what a
    /// tangent along eⱼ is a sum of before cancellation (``TapeGraph/tangents(input:magnitudes:)``).
    ///
    /// A vector call's output o is Σᵢ |Jₒᵢ|·(magnitude of its input i), over the inputs that
    /// input j reaches (the same sum over paths as for a scalar op); infinite, meaning unknown,
    /// where its rules gave no Jacobian. Left at 0, as it was, an entry reached only through a
    /// call was judged on its own tiny value: AD's rounding of (x₀ + x₁)² − x₀² − 2x₀x₁ − x₁²
    /// at x₀ = 10⁸ with x₀ + x₁ from a vector primitive convicted forward and reverse mode. Not
    /// Σᵢ |Jₒᵢ| times the largest input magnitude: a large partial along an input that xⱼ does
    /// not reach (a constant parameter) then widened the tolerance of xⱼ's own entries, and a
    /// rule 10⁻³ off along xⱼ passed.
    func magnitudes(input j: Int) -> [Double] { pathSums(input: j, lengthWeighted: false).magnitudes }

    /// Per node, the sum over graph paths from input j of the product of |local partials| times
    /// the number of ops on the path: AD rounds once or twice at every op a path passes (the
    /// product with the partial, the sum into the tangent or adjoint, the partial itself), so
    /// its accumulated rounding grows with the path's length, which ``magnitudes(input:)``
    /// alone does not see. A product of 10,000 factors (1 + x/10⁶) at x = 1 carries 3,400 ulps
    /// in reverse mode, and 256 ulps of the path magnitude convicted the right rule. Along
    /// x·c₁·c₂ the nodes read 0, |c₁| and 2·|c₁c₂|: one path, of one op and then of two.
    func lengthWeightedMagnitudes(input j: Int) -> [Double] { pathSums(input: j, lengthWeighted: true).weighted }

    /// ``magnitudes(input:)`` and, when `lengthWeighted`, ``lengthWeightedMagnitudes(input:)``, in
    /// one pass: a node's weighted sum is Σ over its arguments of |partial|·(weighted + plain sum
    /// of the argument), each path counting one more op at each node it passes.
    private func pathSums(input j: Int, lengthWeighted: Bool) -> (magnitudes: [Double], weighted: [Double]) {
        var t = [Double](repeating: 0, count: args.count)
        var w = [Double](repeating: 0, count: lengthWeighted ? args.count : 0)
        guard j < inputNodes.count, let s = inputNodes[j] else { return (t, w) }
        t[s] = 1
        for k in args.indices {
            if let call = calls[k] {
                let reached = call.inputs.indices.filter { call.inputs[$0] >= 0 && call.inputs[$0] < t.count && t[call.inputs[$0]] != 0 }
                guard !reached.isEmpty else { continue }
                for (o, node) in call.outputs.enumerated() where node < t.count {
                    guard let row = call.absoluteJacobian?[o] else {
                        t[node] = .infinity
                        if lengthWeighted { w[node] = .infinity }
                        continue
                    }
                    var sum = 0.0, weighted = 0.0
                    for i in reached where row[i] != 0 {
                        let a = call.inputs[i]
                        let term = row[i] * t[a]
                        sum += term.isNaN ? .infinity : term
                        if lengthWeighted {
                            let lengthened = row[i] * (w[a] + t[a])
                            weighted += lengthened.isNaN ? .infinity : lengthened
                        }
                    }
                    t[node] = sum
                    if lengthWeighted { w[node] = weighted }
                }
                continue
            }
            guard let p = partials[k] else { continue }
            var sum = 0.0, weighted = 0.0
            // An infinite partial against a zero tangent adds nothing; an unknown (infinite)
            // magnitude upstream makes this one unknown too.
            for (a, d) in zip(args[k], p) where t[a] != 0 {
                let term = Swift.abs(d) * t[a]
                if term.isFinite { sum += term } else if t[a].isInfinite && d != 0 { sum = .infinity }
                if lengthWeighted {
                    let lengthened = Swift.abs(d) * (w[a] + t[a])
                    if lengthened.isFinite { weighted += lengthened } else if (w[a] + t[a]).isInfinite && d != 0 { weighted = .infinity }
                }
            }
            t[k] = sum
            if lengthWeighted { w[k] = weighted }
        }
        return (t, w)
    }

    /// Per node k, the sum over graph paths from k to the output node `o` of the product of
    /// |local partials|: a bound on |∂fₒ/∂vₖ| before cancellation. A vector call passes an
    /// output's magnitude to each input i by |Jₒᵢ|; infinite, meaning unknown, where its rules
    /// gave no Jacobian.
    func adjointMagnitudes(output o: Int) -> [Double] {
        var a = [Double](repeating: 0, count: args.count)
        guard o >= 0, o < args.count else { return a }
        var callOf: [Int: (inputs: [Int], absoluteJacobian: [[Double]]?, index: Int)] = [:]
        for call in calls.values {
            for (index, node) in call.outputs.enumerated() { callOf[node] = (call.inputs, call.absoluteJacobian, index) }
        }
        a[o] = 1
        for k in stride(from: o, through: 0, by: -1) where a[k] != 0 {
            if let call = callOf[k] {
                let row = call.absoluteJacobian?[call.index]
                for (c, i) in call.inputs.enumerated() where i >= 0 && i < k && row?[c] != 0 {
                    let term = row.map { $0[c] * a[k] } ?? .infinity
                    a[i] += term.isNaN ? .infinity : term
                }
                continue
            }
            guard let p = partials[k] else { continue }
            for (arg, d) in zip(args[k], p) where arg >= 0 && arg < k && d != 0 {
                let term = Swift.abs(d) * a[k]
                a[arg] += term.isNaN ? .infinity : term
            }
        }
        return a
    }
}

extension Checker {
    /// Walks the tape in recording order and returns the first primitive on a path from input j
    /// to output i whose registry partial disagrees with a Richardson difference of that primitive
    /// alone (``Rules/primal(_:_:_:_:)`` only) at its recorded inputs. Kinks and domain edges are
    /// skipped: a difference there says nothing about the rule.
    ///
    /// A user vector primitive is judged by the rule of the mode found wrong (`modes`: "forward"
    /// for its JVP, "reverse" for its VJP): each entry of that rule on the path against a
    /// difference of its primal's output alone.
    func localizeFault(_ rec: Recording<V>, graph: TapeGraph, output i: Int, input j: Int,
                       modes: Set<String> = ["forward", "reverse"]) -> FaultLocation? {
        let mask = graph.onPath(output: i, input: j)
        var judgedCalls: Set<Int> = []
        for k in graph.ops.indices where mask[k] {
            if let fault = ruleFault(node: k, graph: graph, onPath: mask, modes: modes, judgedCalls: &judgedCalls) { return fault }
        }
        return nil
    }
}

/// Node k's rule against a difference of its primitive alone at the recorded inputs (see
/// ``Checker/localizeFault(_:graph:output:input:modes:)``), along the arguments on `mask`; a
/// vector call once, at the first of its outputs met (`judgedCalls`).
func ruleFault(node k: Int, graph: TapeGraph, onPath mask: [Bool], modes: Set<String>, judgedCalls: inout Set<Int>) -> FaultLocation? {
    if let call = graph.vectorCalls[k] {
        guard judgedCalls.insert(call.outputs.lowerBound).inserted else { return nil }
        return vectorRuleFault(call, onPath: mask, modes: modes)
    }
    guard let partials = graph.partials[k] else { return nil }
    if graph.domainViolations[k] != nil { return nil }
    if let d = graph.kinkCandidates.first(where: { $0.node == k })?.distance, d == 0 { return nil }
    let point = graph.args[k].map { graph.values[$0] }
    var noise: RuleCheck.PrimalNoise? = nil
    for which in partials.indices {
        // Only partials along an argument that depends on input j can explain the entry.
        if !mask[graph.args[k][which]] { continue }
        let op = graph.ops[k]
        if op != .custom {
            let b = point.count > 1 ? point[1] : point[0]
            if let fault = RuleCheck.disagreement(op, point[0], b, graph.attributes[k], partial: which, node: k) { return fault }
        } else {
            // A scalar user primitive is judged in Double, as a built-in is (its rule and
            // primal re-evaluated at the recorded point); a vector one at the recorded type.
            let inDouble = graph.doublePrimitives[k]
            let claimed = inDouble.map { $0.partials(point) }.flatMap { which < $0.count ? $0[which] : nil } ?? partials[which]
            let primal: ([Double]) -> Double = inDouble?.primal ?? { graph.localPrimal(k, $0) ?? .nan }
            // Judged against the primal's measured noise where it would convict: a right Kepler
            // rule on a primal bisected to 10⁻¹² was named in place of a wrong exp after it.
            if case .disagree(let fault) = RuleCheck.userPartialComparison(
                name: graph.names[k], point: point, partial: which, claimed: claimed, node: k,
                stepLimit: Swift.abs(graph.kinkCandidates.first(where: { $0.node == k })?.distance ?? .infinity) * 0.25,
                primal: primal, analytic: graph.analyticPrimals[k], noise: &noise) {
                return fault
            }
        }
    }
    return nil
}

/// The first user primitive of `f`'s recording at `x` whose rule (a scalar primitive's partials,
/// a vector primitive's JVP and VJP where declared) disagrees with a difference of that
/// primitive alone at its recorded inputs, as fault localisation judges it; nil when every one
/// agrees or cannot be judged there. Built-in ops are not judged: their rules are the library's.
///
/// For witnesses that trust AD (`assertJVP`'s): AD through a wrong user rule is the wrong
/// rule's number, and a claim copied from the same rule agreed with it exactly. With `output`,
/// only the rules that output depends on are judged (the second-order properties differentiate
/// output 0, and a wrong rule feeding only another output leaves its derivatives right).
///
/// Throws ``ADError/invalidArgument(_:)`` for a user primitive whose declared `kinkDistance` is
/// NaN or negative at its recorded inputs (``TapeGraph/invalidKinkDistance``): which differences
/// straddle its kink cannot be told, and this returned nil ("no wrong rule") for it, silently.
@usableFromInline package func userRuleFault(of f: some ADFunction, at x: [Double], output: Int? = nil) throws -> FaultLocation? {
    let (rec, _) = try Diagnostics.recordingCallsWithoutVJP { try record({ f($0) }, at: x) }
    let graph = TapeGraph(rec)
    if let bad = graph.invalidKinkDistance { throw bad }
    let mask: [Bool]
    if let o = output {
        let node = o >= 0 && o < graph.outputNodes.count ? graph.outputNodes[o] : nil
        mask = node.map { graph.ancestors(of: $0) } ?? Array(repeating: false, count: graph.ops.count)
    } else {
        mask = Array(repeating: true, count: graph.ops.count)
    }
    var judgedCalls: Set<Int> = []
    for k in graph.ops.indices where mask[k] && (graph.ops[k] == .custom || graph.vectorCalls[k] != nil) {
        if let fault = ruleFault(node: k, graph: graph, onPath: mask, modes: ["forward", "reverse"], judgedCalls: &judgedCalls) {
            return fault
        }
    }
    return nil
}

/// The first entry of a vector primitive call's JVP (forward) or VJP (reverse) on the path
/// that disagrees with a difference of the primal's output alone along one input, at the
/// recorded inputs. Named `<name> JVP` or `<name> VJP`, at the output's node, ∂/∂ the input's
/// position in the call.
func vectorRuleFault(_ call: (primitive: any VectorPrimitive.Type, inputs: [Int], inputValues: [Double], outputs: Range<Int>),
                     onPath mask: [Bool], modes: Set<String>) -> FaultLocation? {
    let p = call.primitive, x = call.inputValues
    let m = call.outputs.count, n = x.count
    // At a declared kink or outside the domain a difference says nothing about the rule; near
    // a kink the differences stay a quarter of the way to it, on the recorded side.
    if p.domainViolation(x) != nil { return nil }
    let distance = p.kinkDistance(x) ?? .infinity
    // A NaN or negative declaration judges nothing here; every caller has refused it already,
    // with its name, from the same inputs (``TapeGraph/invalidKinkDistance``).
    guard distance > 0 else { return nil }
    func unit(_ k: Int, _ count: Int) -> [Double] { (0..<count).map { $0 == k ? 1 : 0 } }
    // The primal is opaque: its rounding may be far above the few ulps of its outputs that the
    // difference assumes (a solve near a singular matrix, where a right JVP was convicted and
    // one 1e-6 off agreed). Measured once per call, before its first rule is judged, and told
    // to the difference where it exceeds that model (elsewhere the verdict is as without it).
    var floors: [Double]? = nil
    for (o, node) in call.outputs.enumerated() where node < mask.count && mask[node] {
        for (q, a) in call.inputs.enumerated() where a >= 0 && a < mask.count && mask[a] {
            var claims: [(rule: String, value: Double)] = []
            if modes.contains("reverse"), let u = p.vjp(at: x, cotangent: unit(o, m)), q < u.count { claims.append(("VJP", u[q])) }
            if modes.contains("forward"), let v = p.jvp(at: x, direction: unit(q, n)), o < v.count { claims.append(("JVP", v[o])) }
            for claim in claims {
                let primal: ([Double]) -> Double = { y in let out = p.primal(y); return o < out.count ? out[o] : .nan }
                func compare(noiseFloor: Double) -> RuleCheck.PartialComparison {
                    RuleCheck.disagreement(name: "\(p.name) \(claim.rule)", point: x, partial: q, claimed: claim.value,
                                           node: node, stepLimit: 0.25 * Swift.abs(distance), primal: primal,
                                           noiseFloor: noiseFloor)
                }
                if floors == nil {
                    let noise = vectorPrimitiveNoise(p, at: x, outputs: m), center = p.primal(x)
                    floors = (0..<m).map { k in
                        RuleCheck.noiseFloor(measured: k < noise.sigma.count ? noise.sigma[k] : nil,
                                             value: k < center.count ? center[k] : .nan)
                    }
                }
                let floor = floors.map { o < $0.count ? $0[o] : 0 } ?? 0
                if case .disagree(let fault) = compare(noiseFloor: floor) { return fault }
            }
        }
    }
    return nil
}

/// Checks registry rules one primitive at a time: the partial from ``Rules/partials(_:_:_:_:output:)``
/// against a Richardson difference of ``Rules/primal(_:_:_:_:)`` alone. This is how fault
/// localisation decides, exposed so the registry itself can be swept.
///
/// ```swift
/// RuleCheck.disagreement(.sin, 0.5, 0.5, 0, partial: 0)   // nil: sin′ = cos is right
/// RuleCheck.sweepRegistry(seed: 7).isEmpty                // true unless a rule is wrong
/// ```
public enum RuleCheck {
    /// Relative tolerance on a primitive's partial beyond a Richardson difference's own error
    /// estimate, where no complex step is available: the rule's own rounding, as for the complex
    /// step. It was 1e-7 while fault localisation ran Ridders' tableau from a fixed step, whose
    /// estimate fell short now and then (12× at gelu(−2.0025)); the scanned tableau's held on all
    /// 103,200 registry partials of 300 seeded sweeps, with no slack at all.
    public static let relativeTolerance = 1e-11
    /// Relative tolerance beyond a complex-step derivative's estimate: the rule's own rounding
    /// (a few hundred ulps where its formula cancels). Far below `relativeTolerance`, so a rule
    /// wrong by 1e-8 that Richardson could not tell apart is caught where the primal is analytic.
    public static let complexStepRelativeTolerance = 1e-11

    /// The disagreement of partial `which` of `op` at (a, b) with a difference of the primal, or
    /// nil when they agree or the difference cannot be trusted there (kink, domain edge, NaN).
    public static func disagreement(_ op: Op, _ a: Double, _ b: Double, _ n: Int, partial which: Int,
                                    node: Int = -1) -> FaultLocation? {
        guard op.arity > 0, which < op.arity else { return nil }
        if Rules.isKink(op, a, b) || Rules.domainViolation(op, a, b, n) != nil { return nil }
        let z = Rules.primal(op, a, b, n)
        let (p, q) = Rules.partials(op, a, b, n, output: z)
        let point = op.arity == 2 ? [a, b] : [a]
        let v = point.indices.map { $0 == which ? 1.0 : 0.0 }
        var probe = LineProbe<Double>(eval: { y in [Rules.primal(op, y[0], y.count > 1 ? y[1] : y[0], n)] }, x: point, v: v)
        // Stay well inside the domain and away from kinks: a step reaching a pole, a branch edge
        // (log, sqrt, 1/y, log1p) or a tie (max, min) would poison the whole tableau.
        var h0 = DifferenceTuning.richardsonInitialStep * probe.scale
        let coordinate = point[which]
        if coordinate != 0 { h0 = Swift.min(h0, 0.25 * Swift.abs(coordinate)) }
        if op == .log1p { h0 = Swift.min(h0, 0.25 * Swift.abs(a + 1)) }
        if op == .max || op == .min { h0 = Swift.min(h0, 0.25 * Swift.abs(a - b)) }
        return compare(name: op.info.name, point: point, partial: which, claimed: which == 0 ? p : q,
                       node: node, probe: &probe, initialStep: h0,
                       complexStep: complexStepPartial(RegistryPrimal(op: op, attribute: n), at: point, partial: which))
    }

    /// The complex-step derivative of a primal alone along input `which`, or nil where the primal
    /// is not analytic (an op the complex numbers cannot evaluate) or the step is not trusted.
    /// A primal that reads a Double (`approximateDouble`) drops the imaginary part exactly where
    /// a rule written from that code would drop its term, so the step would agree with the wrong
    /// rule: an escape refuses the complex step, and Richardson decides.
    static func complexStepPartial(_ primal: some ADFunction, at point: [Double], partial which: Int) -> DifferenceEstimate? {
        let (d, diagnostics) = Diagnostics.collect { try? complexStepJacobianAsComputed(of: primal, at: point) }
        guard diagnostics.escapes == 0, let d, d.unsupported == nil,
              let e = d.entries.first, which < e.count, e[which].value.isFinite, e[which].warnings.isEmpty else { return nil }
        return e[which]
    }

    /// The disagreement of a user primitive's partial `which` at `point` with a difference of its
    /// primal alone; steps stay below `stepLimit` (a quarter of the distance to a declared kink).
    /// `noiseFloor`: a bound on one evaluation's rounding of the primal (0: the engine's few ulps),
    /// from ``noiseFloor(measured:value:)``.
    static func disagreement(name: String, point: [Double], partial which: Int, claimed: Double, node: Int,
                             stepLimit: Double, primal: @escaping ([Double]) -> Double,
                             analytic: (any ADFunction)? = nil, noiseFloor: Double = 0) -> PartialComparison {
        guard which < point.count else { return .undecided }
        let v = point.indices.map { $0 == which ? 1.0 : 0.0 }
        var probe = LineProbe<Double>(eval: { [primal($0)] }, x: point, v: v)
        if noiseFloor > 0 { probe.noiseFloor = [noiseFloor] }
        var h0 = DifferenceTuning.richardsonInitialStep * probe.scale
        if point[which] != 0 { h0 = Swift.min(h0, 0.25 * Swift.abs(point[which])) }
        if stepLimit > 0 { h0 = Swift.min(h0, stepLimit) }
        return comparison(name: name, point: point, partial: which, claimed: claimed, node: node, probe: &probe, initialStep: h0,
                          complexStep: analytic.flatMap { complexStepPartial($0, at: point, partial: which) })
    }

    /// A scalar user primitive's primal noise at one point, as ``userPartialComparison(name:point:partial:claimed:node:stepLimit:primal:analytic:noise:)``
    /// measured it: σ (nil where it could not be measured) and the floor told to the difference
    /// (0 where σ is within the engine's model, and the verdict is the one made without it).
    struct PrimalNoise {
        let sigma: Double?
        let floor: Double
        let value: Double
    }

    /// A scalar user primitive's partial judged as ``disagreement(name:point:partial:claimed:node:stepLimit:primal:analytic:noiseFloor:)``
    /// judges it, with a disagreement judged again against its primal's measured noise
    /// (``scalarPrimitiveNoise(_:at:kinkDistance:)``, once per point: `noise` keeps it). Only a
    /// vector primitive's noise was measured; a scalar one's primal may as well be a solve on
    /// Doubles (Kepler's equation bisected to 10⁻¹², whose right rule was convicted by a
    /// difference off by 14 times its own estimate). Measured only where the verdict would
    /// convict or could not decide: a noise within the few ulps the engine assumes leaves that
    /// verdict as it was, so a right primal pays nothing and a rule off by 10⁻⁹ on an exact cube
    /// is still caught.
    static func userPartialComparison(name: String, point: [Double], partial which: Int, claimed: Double, node: Int,
                                      stepLimit: Double, primal: @escaping ([Double]) -> Double,
                                      analytic: (any ADFunction)?, noise: inout PrimalNoise?) -> PartialComparison {
        let first = disagreement(name: name, point: point, partial: which, claimed: claimed, node: node,
                                 stepLimit: stepLimit, primal: primal, analytic: analytic)
        // Undecided too: a primal's noise can keep Richardson from settling at all (∛x bisected
        // to 10⁻¹⁰, whose treads the steps straddle), and validate then confirmed no rule, right
        // or 10⁻³ off, while a difference told the noise settles to 10⁻⁸.
        if case .agree = first { return first }
        if noise == nil {
            let value = primal(point)
            let sigma = scalarPrimitiveNoise(primal, at: point, kinkDistance: stepLimit.isFinite ? 4 * stepLimit : nil).sigma.first ?? nil
            noise = PrimalNoise(sigma: sigma, floor: noiseFloor(measured: sigma, value: value), value: value)
        }
        guard let floor = noise?.floor, floor > 0 else { return first }
        return disagreement(name: name, point: point, partial: which, claimed: claimed, node: node,
                            stepLimit: stepLimit, primal: primal, analytic: analytic, noiseFloor: floor)
    }

    /// The rounding bound a difference of an opaque primal needs from its measured noise σ
    /// (``MeasuredNoise/bound`` σ), or 0 when σ is within the engine's own model (a few ulps of
    /// `value`, ε = `epsilon`) or nothing was measured: then the verdict is the one made without measuring.
    static func noiseFloor(measured sigma: Double?, value: Double, epsilon: Double = .ulpOfOne) -> Double {
        guard let sigma, sigma.isFinite else { return 0 }
        // σ of a well-conditioned primal is below an ulp; past the model's 2 ulps it amplifies.
        let model = DifferenceTuning.evaluationNoiseULPs * epsilon * Swift.abs(value)
        return sigma > model ? MeasuredNoise.bound * sigma : 0
    }

    /// How a rule's partial compared with the differences of its primal: `undecided` when no
    /// witness could judge it (no complex step, and Richardson never settled) or the two witnesses
    /// conflict. Fault localisation reads only `disagree`; `validate` must not count `undecided`
    /// as agreement (a rule it could not check was reported as agreeing).
    enum PartialComparison {
        case agree
        case disagree(FaultLocation)
        case undecided
    }

    static func compare(name: String, point: [Double], partial which: Int, claimed got: Double, node: Int,
                        probe: inout LineProbe<Double>, initialStep h0: Double,
                        complexStep cs: DifferenceEstimate?) -> FaultLocation? {
        if case .disagree(let f) = comparison(name: name, point: point, partial: which, claimed: got, node: node,
                                               probe: &probe, initialStep: h0, complexStep: cs) { return f }
        return nil
    }

    /// Decides with the complex step where there is one (its error is rounding only), else with
    /// Richardson and ``relativeTolerance``. A complex step that accuses the rule while Richardson
    /// agrees with the rule within its own estimate is a conflict between witnesses, not a fault.
    static func comparison(name: String, point: [Double], partial which: Int, claimed got: Double, node: Int,
                           probe: inout LineProbe<Double>, initialStep h0: Double,
                           complexStep cs: DifferenceEstimate?) -> PartialComparison {
        // The scanned tableau (its start found from f, confirmed at a much smaller step), bounded
        // by the caller's step: the fixed-start tableau's estimate fell short 5 times in 103,200
        // registry partials (12× at gelu(−2.0025)), the scanned one in none.
        let richardson = probe.richardsonScanned(outputs: 1, maximumStep: h0).first.flatMap { e in
            e.value.isFinite && e.warnings.isEmpty ? e : nil
        }
        if let cs {
            let tol = CheckOptions.errorEstimateSafety * cs.errorEstimate
                + complexStepRelativeTolerance * Swift.max(Swift.abs(cs.value), Swift.abs(got)) + .leastNormalMagnitude
            if Swift.abs(got - cs.value) <= tol { return .agree }
            if let r = richardson, Swift.abs(got - r.value) <= CheckOptions.errorEstimateSafety * r.errorEstimate { return .undecided }
            return .disagree(FaultLocation(op: name, node: node, inputs: point, partial: which,
                                           expected: cs.value, got: got, errorEstimate: cs.errorEstimate))
        }
        guard let e = richardson else { return .undecided }
        let tol = CheckOptions.errorEstimateSafety * e.errorEstimate
            + relativeTolerance * Swift.max(Swift.abs(e.value), Swift.abs(got)) + absoluteSlack(magnitude: probe.center?.first)
        if Swift.abs(got - e.value) <= tol { return .agree }
        return .disagree(FaultLocation(op: name, node: node, inputs: point, partial: which,
                                       expected: e.value, got: got, errorEstimate: e.errorEstimate))
    }

    /// The absolute slack beside a Richardson difference's estimate and ``relativeTolerance``:
    /// 10⁻¹² of the magnitude of the function differenced at the point, at most 10⁻¹² (NaN or
    /// unknown: 10⁻¹²). A bare 10⁻¹² passed every rule whose partials lie below it: validate said
    /// "17 partials agree" of 10⁻³⁰⁰x² with the rule 2.000002·10⁻³⁰⁰x, 10⁻⁶ off, where the complex
    /// step, its imaginary part subnormal, could not judge; so would any primitive carrying a
    /// physical constant (ħ = 1.05·10⁻³⁴).
    static func absoluteSlack(magnitude: Double?) -> Double {
        guard let m = magnitude, m.isFinite else { return 1e-12 }
        return 1e-12 * Swift.min(1, Swift.max(Swift.abs(m), .leastNormalMagnitude))
    }

    /// A registry op's primal alone, as a function of its arguments (for the complex step).
    struct RegistryPrimal: ADFunction {
        let op: Op
        let attribute: Int
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [Rules.primal(op, x[0], x.count > 1 ? x[1] : x[0], attribute)] }
    }

    /// Every partial of every primitive at `samples` points drawn (seeded) from the op's
    /// ``OpInfo/sampleRanges``; returns the disagreements found. `powi` uses exponents −3 … 4.
    public static func sweepRegistry(seed: UInt64, samples: Int = 8, ops: [Op] = Op.primitives) -> [FaultLocation] {
        var rng = SeededGenerator(seed: seed)
        var found: [FaultLocation] = []
        for op in ops {
            let ranges = op.info.sampleRanges
            for s in 0..<samples {
                let a = draw(ranges.first ?? -3...3, &rng)
                let b = ranges.count > 1 ? draw(ranges[1], &rng) : a
                let n = op == .powi ? (s % 8) - 3 : 0
                for which in 0..<op.arity {
                    if let f = disagreement(op, a, b, n, partial: which) { found.append(f) }
                }
            }
        }
        return found
    }

    static func draw(_ r: ClosedRange<Double>, _ rng: inout SeededGenerator) -> Double {
        r.lowerBound + (r.upperBound - r.lowerBound) * rng.nextUnit()
    }
}

/// The error for a user primitive whose `kinkDistance` is NaN or negative at the inputs it was
/// recorded with: names the primitive, the node, the inputs and the value, and what to declare
/// ("user primitive my_abs (node 1) declares kinkDistance nan at its inputs (0.5): …").
func invalidKinkDistanceError(_ name: String, node k: Int, inputs: [Double], distance d: Double) -> ADError {
    let at = inputs.map { "\($0)" }.joined(separator: ", ")
    return .invalidArgument("user primitive \(name) (node \(k)) declares kinkDistance \(d) at its inputs (\(at)): it must be nil "
        + "(no kink) or ≥ 0 (0 at a kink), so where its kink lies is unknown and no difference near it can be judged; "
        + "fix the declaration (validate(\(name)) reports it too)")
}
