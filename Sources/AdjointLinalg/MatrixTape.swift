import AdjointCore
import CAdjointSupport

/// A node on a ``MatrixTape``: its index and shape. Valid only with the tape that made it, and
/// only until that tape's next ``MatrixTape/reset()``.
///
/// ```swift
/// let w = tape.variable(weights)   // a MatrixNode
/// ```
public struct MatrixNode: Hashable, Sendable {
    /// Position on the tape.
    public let index: Int
    /// Rows of the node's value.
    public let rows: Int
    /// Columns of the node's value.
    public let cols: Int
    /// The recording the node belongs to: a process-wide number drawn when a tape is made and
    /// again at each reset, from the same counter as the scalar tape's. Unlike the tape's
    /// address, it is never shared by two recordings, so a node kept past `reset()` (or past
    /// its tape's life) is refused instead of silently naming another entry.
    let generation: UInt32
}

/// Reverse mode for matrix programs: a flat list of matrix op entries (op code, argument indices,
/// attributes, value, one saved matrix), swept backwards in one loop that switches on the op.
///
/// No closures and no graph of per-node objects: like the scalar ``Tape``, but each entry is a
/// whole matrix op, so a dense layer is three entries and its gradient three VJPs (two gemms).
/// A tape can be swept many times (``gradients(of:seed:)``); ``reset()`` reuses its arrays.
///
/// ```swift
/// let tape = MatrixTape<Double>()
/// let w = tape.variable(weights), x = tape.constant(batch)
/// let loss = try tape.mse(tape.activation(.tanh, tape.matmul(x, w)), target)
/// let g = try tape.gradients(of: loss)
/// g[w]   // ∂loss/∂W, same shape as W
/// ```
public final class MatrixTape<Scalar: LinalgScalar>: MatrixInterpreter {
    var ops: [MatrixOp] = []
    var argA: [Int32] = []
    var argB: [Int32] = []
    var attributes: [MatrixAttributes<Scalar>] = []
    var values: [Matrix<Scalar>] = []
    var saved: [Matrix<Scalar>?] = []
    var needsGradient: [Bool] = []
    /// Buffers of finished matrices for the next ops; borrowed from this thread and given back
    /// when the tape is released, so the next tape (the next gradient call) starts warm.
    let pool: MatrixBufferPool<Scalar>
    /// This recording's number (see ``MatrixNode``); changes at every ``reset()``.
    private(set) var generation: UInt32

    /// - Parameter capacity: entries to reserve.
    public init(capacity: Int = 64) {
        pool = MatrixBufferPool.borrow()
        generation = adjoint_next_tape_generation()
        reserve(capacity)
    }

    deinit {
        recycleValues()
        MatrixBufferPool.release(pool)
    }

    /// Hands the computed values (not the caller's inputs) to the pool.
    private func recycleValues() {
        for i in 0..<ops.count where ops[i] != .input && ops[i] != .constant {
            pool.recycle(values[i])
            if let s = saved[i] { pool.recycle(s) }
        }
    }

    private func reserve(_ n: Int) {
        ops.reserveCapacity(n); argA.reserveCapacity(n); argB.reserveCapacity(n)
        attributes.reserveCapacity(n); values.reserveCapacity(n); saved.reserveCapacity(n)
        needsGradient.reserveCapacity(n)
    }

    /// Number of recorded entries.
    public var count: Int { ops.count }

    /// Forgets every entry but keeps the arrays' capacity, for the next recording. Nodes made
    /// before the reset are refused afterwards (``ADError/foreignVariable(_:)``).
    public func reset() {
        recycleValues()
        generation = adjoint_next_tape_generation()
        ops.removeAll(keepingCapacity: true); argA.removeAll(keepingCapacity: true)
        argB.removeAll(keepingCapacity: true); attributes.removeAll(keepingCapacity: true)
        values.removeAll(keepingCapacity: true); saved.removeAll(keepingCapacity: true)
        needsGradient.removeAll(keepingCapacity: true)
    }

    /// Gives the buffers of matrices the caller is done with (the last step's gradients, say) to
    /// this tape: ops of the same size write into them instead of fresh memory.
    ///
    /// Why: gradients returned to the caller leave the tape's pool, so each call of a training
    /// loop had the BLAS page-fault a fresh 512 KiB per weight matrix (see
    /// ``MLP/lossAndGradient(input:loss:into:)``). A matrix the caller still uses stays intact:
    /// its buffer is then shared, and the first write into it copies (copy-on-write), so drop
    /// your references for the memory to be reused.
    ///
    /// ```swift
    /// let tape = MatrixTape<Double>()
    /// tape.recycle(previous.map(\.weights))
    /// ```
    public func recycle(_ matrices: [Matrix<Scalar>]) {
        for m in matrices { pool.recycle(m) }
    }

    /// A differentiable input (a parameter, or the point a derivative is taken at).
    public func variable(_ m: Matrix<Scalar>) -> MatrixNode {
        push(.input, -1, -1, MatrixAttributes(), m, nil, needs: true)
    }

    /// A constant: data or targets; no gradient is computed for it or through it.
    public func constant(_ m: Matrix<Scalar>) -> MatrixNode {
        push(.constant, -1, -1, MatrixAttributes(), m, nil, needs: false)
    }

    /// The value of a node.
    public func primal(_ v: MatrixNode) throws -> Matrix<Scalar> {
        try own(v)
        return values[v.index]
    }

    /// The op recorded at a node, with its argument nodes' indices (for walking the tape).
    public func entry(_ v: MatrixNode) throws -> (op: MatrixOp, arguments: [Int]) {
        try own(v)
        let args = [argA[v.index], argB[v.index]].filter { $0 >= 0 }.map(Int.init)
        return (ops[v.index], args)
    }

    /// Evaluates the op's primal rule and records one entry (op, arguments, attributes, value,
    /// saved matrix). Throws for shape errors, domain errors and nodes of another tape.
    public func apply(_ op: MatrixOp, _ a: MatrixNode, _ b: MatrixNode?,
                      _ attr: MatrixAttributes<Scalar>) throws -> MatrixNode {
        try own(a)
        if let b { try own(b) }
        let (z, s) = try MatrixRules.primal(op, values[a.index], b.map { values[$0.index] }, attr, node: count, pool: pool)
        let needs = needsGradient[a.index] || (b.map { needsGradient[$0.index] } ?? false)
        return push(op, Int32(a.index), Int32(b?.index ?? -1), attr, z, s, needs: needs)
    }

    /// σ(x + b) recorded as the two entries it is (add_bias, then the activation), computed in
    /// one pass over the rows.
    public func addBiasActivation(_ x: MatrixNode, _ bias: MatrixNode, _ activation: ElementwiseSpec<Scalar>) throws -> MatrixNode {
        guard MatrixFastPaths.isOn else { return try self.activation(activation, addBias(x, bias)) }
        try own(x)
        try own(bias)
        let (z, pre) = try activation.applyWithBias(values[x.index], values[bias.index], node: count + 1,
                                                    keepPreactivation: true, pool: pool)
        let needs = needsGradient[x.index] || needsGradient[bias.index]
        let p = push(.addBias, Int32(x.index), Int32(bias.index), MatrixAttributes(), pre ?? z, nil, needs: needs)
        return push(.elementwise, Int32(p.index), -1, MatrixAttributes(elementwise: activation), z, nil, needs: needs)
    }

    private func push(_ op: MatrixOp, _ a: Int32, _ b: Int32, _ attr: MatrixAttributes<Scalar>,
                      _ value: Matrix<Scalar>, _ s: Matrix<Scalar>?, needs: Bool) -> MatrixNode {
        let i = ops.count
        ops.append(op); argA.append(a); argB.append(b); attributes.append(attr)
        values.append(value); saved.append(s); needsGradient.append(needs)
        MatrixCounters.tapeEntry(bytes: (value.count + (s?.count ?? 0)) * MemoryLayout<Scalar>.stride)
        return MatrixNode(index: i, rows: value.rows, cols: value.cols, generation: generation)
    }

    private func own(_ v: MatrixNode) throws {
        guard v.generation == generation, v.index < ops.count else {
            throw ADError.foreignVariable("matrix node \(v.index) is not from this tape's current recording: it was "
                                          + "recorded on another tape, or on this one before reset(); record it again")
        }
    }

    /// The reverse sweep from `output`: cotangents of every node that depends on a variable.
    ///
    /// One loop from the last entry down, switching on the op; each VJP is applied once per entry
    /// (no Jacobian is formed). Nodes used by several ops add up their cotangents.
    ///
    /// A sweep that raised the underflow flag is run again with its seed lifted by powers of two,
    /// as the scalar tape's is (``RangeRecovery``): an adjoint below the least normal number is 0
    /// in the sweep, and a product of it with a large partial further down came out 0 where it is
    /// in range (the sum of x³·10³⁰⁰ at x = 10⁻²⁰⁰ gave 0 for 3·10⁻¹⁰⁰). Every matrix VJP is
    /// linear in its cotangent, so a lifted sweep divided back is exact wherever nothing left the
    /// range. A sweep that never underflows pays two reads of the flag.
    /// - Parameters:
    ///   - seed: the output's cotangent; default 1 for a 1×1 output (a loss).
    ///   - range: what to do with entries lost below the range: recover them and throw for one
    ///     no lift settles (the default), recover them and keep such an entry, or nothing.
    /// - Throws: ``ADError/dimensionMismatch(what:expected:got:)`` for a seed of the wrong shape,
    ///   ``ADError/nonFinite(what:op:node:)`` when the output or a variable's cotangent is NaN/infinite,
    ///   ``ADError/rangeLoss(what:values:)`` for an entry the lifted sweeps cannot settle.
    public func gradients(of output: MatrixNode, seed: Matrix<Scalar>? = nil,
                          range: RangeRecovery = .throwing) throws -> MatrixGradients<Scalar> {
        try own(output)
        let out = values[output.index]
        let u: Matrix<Scalar>
        if let seed {
            var shapes: String { "(output \(out.shapeText), seed \(seed.shapeText))" }
            try requireEqual("seed rows \(shapes)", out.rows, seed.rows)
            try requireEqual("seed columns \(shapes)", out.cols, seed.cols)
            // Said here: a NaN seed otherwise surfaced as "cotangent element j of variable node k",
            // blaming the program for the caller's seed.
            if let (r, c) = seed.firstNonFinite {
                throw ADError.nonFinite(what: "seed element (\(r), \(c)) (the output's cotangent passed to gradients(of:seed:))",
                                        op: nil, node: output.index)
            }
            u = seed
        } else {
            try requireEqual("elements of the output (a default seed needs a 1×1 output; pass a seed otherwise)", 1, out.count)
            u = Matrix(uncheckedRows: 1, cols: 1, repeating: 1)
        }
        if let j = out.firstNonFinite {
            throw ADError.nonFinite(what: "output element \(j) of the matrix tape", op: ops[output.index].info.name,
                                    node: output.index)
        }
        let watch = UnderflowWatch()
        defer { watch.end() }
        if range != .off { adjoint_blas_watch_begin() }
        defer { if range != .off { adjoint_blas_watch_end() } }
        let cotangents = try sweep(from: output.index, seed: u, strict: true)
        guard range != .off, watch.underflowed else { return MatrixGradients(cotangents: cotangents, generation: generation) }
        return MatrixGradients(cotangents: try rangeRecovered(cotangents, from: output.index, seed: u, throwing: range == .throwing),
                               generation: generation)
    }

    /// The sweep itself. `strict`: a variable's NaN or infinite cotangent throws; a lifted sweep
    /// (not strict) lets an overflow show as the non-finite entries it reaches instead.
    private func sweep(from output: Int, seed u: Matrix<Scalar>, strict: Bool) throws -> [Matrix<Scalar>?] {
        var cotangents = [Matrix<Scalar>?](repeating: nil, count: output + 1)
        cotangents[output] = u
        // Which elements the seed reaches, found only when an infinite partial meets a zero
        // cotangent (see below), then kept for the rest of the sweep.
        var reached: [[Bool]?]?
        var i = output
        while i >= 0 {
            defer { i -= 1 }
            let op = ops[i]
            guard op.info.arity > 0, needsGradient[i], var g = cotangents[i] else { continue }
            let a = Int(argA[i]), b = Int(argB[i])
            if op == .elementwise, let spec = attributes[i].elementwise {
                // Moving the cotangent out of the array leaves it uniquely owned, so the chain
                // rule overwrites it instead of allocating (one buffer fewer per layer).
                cotangents[i] = nil
                guard needsGradient[a] else { continue }
                if Rules.partialsCanBeInfinite(spec.op) {
                    // √′(0) = +∞ times a cotangent of 0 is NaN. The scalar sweep keeps that NaN
                    // where a path from the seed exists (a zero cotangent on it is an indeterminate
                    // 0·∞) and gives 0 only for entries no seed reaches (Tape.sweepLoop): so here,
                    // per element. sum(√X·W) at X = (0, 4) with the constant W = (0, 1)ᵀ threw
                    // "non-finite cotangent" where the scalar gradient is (0, 0.25) (a review).
                    var d = spec.chain(x: values[a], z: values[i], g, .cotangent, suffix: "_vjp", pool: pool)
                    if d.firstNonFinite != nil {
                        if reached == nil { reached = elementsReached(from: output, seed: u) }
                        let mask = reached?[i] ?? nil
                        for k in 0..<d.count where !d.elements[k].isFinite && g.elements[k] == 0 && !(mask?[k] ?? false) {
                            d.elements[k] = 0
                        }
                    }
                    try add(d, to: &cotangents, at: a, strict: strict)
                    continue
                }
                spec.chainInPlace(x: values[a], z: values[i], &g, .cotangent, suffix: "_vjp")
                try add(g, to: &cotangents, at: a, strict: strict)
                continue
            }
            let (ga, gb) = MatrixRules.vjp(op, values[a], b >= 0 ? values[b] : nil, attributes[i],
                                           value: values[i], saved: saved[i], cotangent: g,
                                           needA: needsGradient[a], needB: b >= 0 && needsGradient[b], pool: pool)
            // A VJP may pass the cotangent on unchanged (add_bias to its input): then that buffer
            // lives on in its argument's cotangent and must not go back to the pool, where the
            // next op would find it shared and copy it (a fresh, page-faulting 64 KiB per layer).
            let passedOn = [ga, gb].contains { $0.map { sameStorage($0, g) } ?? false }
            if let ga { try add(ga, to: &cotangents, at: a, strict: strict) }
            if let gb { try add(gb, to: &cotangents, at: b, strict: strict) }
            // Intermediate cotangents are not returned; dropping them keeps peak memory near one
            // layer's worth instead of the whole tape's.
            if ops[i] != .input, let done = cotangents[i] {
                cotangents[i] = nil
                if !passedOn { pool.recycle(done) }
            }
        }
        return cotangents
    }

    /// The variables' cotangents of a sweep that raised the underflow flag, settled from sweeps
    /// with the seed lifted a third, two thirds and all of the way to the top of the range
    /// (``settleLiftedPasses``, which bisects between them where an entry needs it). The scalar
    /// tape's first lift, the largest that overflows no adjoint, needs every adjoint of the
    /// sweep, which this one drops as it goes; an adjoint that overflows under a lift leaves
    /// every entry it reaches non-finite, and those entries come from a lower lift.
    private func rangeRecovered(_ g: [Matrix<Scalar>?], from output: Int, seed u: Matrix<Scalar>,
                                throwing: Bool) throws -> [Matrix<Scalar>?] {
        guard let (top, _) = rangeRecoveryFormat(Scalar.self) else { return g }
        let variables = (0...output).filter { ops[$0] == .input && g[$0] != nil }
        let computed = variables.flatMap { g[$0]?.elements ?? [] }
        let lifts: [Scalar] = forwardLifts(direction: u.elements.map { Double($0).magnitude }, topExponent: top)
        // Entry j of `computed` as the user knows it: variable node and element.
        var owner: [(node: Int, start: Int)] = []
        var start = 0
        for k in variables { owner.append((k, start)); start += g[k]?.count ?? 0 }
        func what(_ j: Int) -> String {
            guard let (k, first) = owner.last(where: { $0.start <= j }) else { return "cotangent entry \(j)" }
            let cols = Swift.max(1, values[k].cols), e = j - first
            return "cotangent element (\(e / cols), \(e % cols)) of variable node \(k)"
        }
        let settled = try settleLiftedPasses(computed: computed, lifts: lifts, evaluate: { c -> [Scalar]? in
            let lifted = Matrix(uncheckedRows: u.rows, cols: u.cols, elements: u.elements.map { $0 * c })
            guard let cotangents = try? sweep(from: output, seed: lifted, strict: false) else { return nil }
            var divided: [Scalar] = []
            divided.reserveCapacity(computed.count)
            // Not recycled: two variables' cotangents can share one buffer (add passes its
            // cotangent to both arguments), which the pool would then hold twice (a review).
            for k in variables {
                guard let m = cotangents[k] else { return nil }
                divided.append(contentsOf: m.elements.lazy.map { $0 / c })
            }
            return divided
        }, what: what, throwing: throwing)
        var recovered = g
        for (k, first) in owner {
            guard let m = g[k] else { continue }
            recovered[k] = Matrix(uncheckedRows: m.rows, cols: m.cols, elements: Array(settled[first..<(first + m.count)]))
        }
        return recovered
    }

    /// Which elements of each entry a sweep from `output` with cotangent `seed` reaches: the scalar
    /// tape's `entriesReached`, element by element, for the ops the matrix tape records. A seed
    /// element reaches if it is not 0; an element of an argument reaches if an element of a reached
    /// entry depends on it, except through a product with a constant 0 (the matmul factor that
    /// does not need a gradient, as the scalar tape cuts a product with the constant 0), and except
    /// a KL term whose target is 0 (that term is the constant 0). nil for entries not reached.
    ///
    /// Run only on the sweep's rare path (an infinite partial meeting a zero cotangent).
    private func elementsReached(from output: Int, seed: Matrix<Scalar>) -> [[Bool]?] {
        var reached = [[Bool]?](repeating: nil, count: output + 1)
        reached[output] = seed.elements.map { $0 != 0 }
        func mark(_ k: Int, _ body: (inout [Bool]) -> Void) {
            guard k >= 0, needsGradient[k] else { return }
            var m = reached[k] ?? [Bool](repeating: false, count: values[k].count)
            body(&m)
            reached[k] = m
        }
        var k = output
        while k >= 0 {
            defer { k -= 1 }
            guard let r = reached[k], r.contains(true) else { continue }
            let op = ops[k], a = Int(argA[k]), b = Int(argB[k])
            guard op.info.arity > 0 else { continue }
            let x = values[a]
            switch op {
            case .input, .constant:
                break
            case .matmul:
                // Z[i, j] = Σ_q A[i, q]·B[q, j].
                let y = values[b], (m, p, n) = (x.rows, x.cols, y.cols)
                let constA = !needsGradient[a], constB = !needsGradient[b]
                mark(a) { ma in
                    for i in 0..<m { for j in 0..<n where r[i * n + j] { for q in 0..<p where !(constB && y.elements[q * n + j] == 0) { ma[i * p + q] = true } } }
                }
                mark(b) { mb in
                    for i in 0..<m { for j in 0..<n where r[i * n + j] { for q in 0..<p where !(constA && x.elements[i * p + q] == 0) { mb[q * n + j] = true } } }
                }
            case .add:
                mark(a) { ma in for e in 0..<r.count where r[e] { ma[e] = true } }
                mark(b) { mb in for e in 0..<r.count where r[e] { mb[e] = true } }
            case .addBias:
                let cols = Swift.max(1, x.cols)
                mark(a) { ma in for e in 0..<r.count where r[e] { ma[e] = true } }
                mark(b) { mb in for e in 0..<r.count where r[e] { mb[e % cols] = true } }
            case .elementwise:
                mark(a) { ma in for e in 0..<r.count where r[e] { ma[e] = true } }
            case .sum, .mean:
                let cols = Swift.max(1, x.cols)
                mark(a) { ma in
                    for e in 0..<ma.count {
                        switch attributes[k].reduction {
                        case .all: ma[e] = ma[e] || r[0]
                        case .perColumn: ma[e] = ma[e] || r[e % cols]
                        case .perRow: ma[e] = ma[e] || r[e / cols]
                        }
                    }
                }
            case .softmax, .logSoftmax, .logSumExp:
                // Each output of a row depends on the whole row.
                let cols = Swift.max(1, x.cols)
                mark(a) { ma in
                    for row in 0..<x.rows {
                        let hit = op == .logSumExp ? r[row] : r[(row * cols)..<((row + 1) * cols)].contains(true)
                        if hit { for c in 0..<x.cols { ma[row * cols + c] = true } }
                    }
                }
            case .mse, .mae, .huber, .logCosh, .klDivergence, .binaryCrossEntropyWithLogits, .softmaxCrossEntropy:
                let target = attributes[k].target
                mark(a) { ma in
                    for e in 0..<ma.count where !(op == .klDivergence && target?.elements[e] == 0) { ma[e] = true }
                }
            }
        }
        return reached
    }

    /// Whether two matrices share one element buffer.
    private func sameStorage(_ x: Matrix<Scalar>, _ y: Matrix<Scalar>) -> Bool {
        x.withUnsafeElements { px in y.withUnsafeElements { py in px.baseAddress == py.baseAddress && px.count > 0 } }
    }

    /// Adds a contribution to node k's cotangent. A variable's cotangent is checked for NaN/∞
    /// as each contribution lands, while it is still in cache (checking all of them after the
    /// sweep re-read every parameter's cotangent from memory): NaN and ∞ survive later additions
    /// (∞ − ∞ is NaN), and an overflow shows at the addition that made it.
    private func add(_ x: Matrix<Scalar>, to cotangents: inout [Matrix<Scalar>?], at k: Int, strict: Bool) throws {
        if var acc = cotangents[k] {
            cotangents[k] = nil   // release the array's reference so the in-place add does not copy
            MatrixRules.accumulate(&acc, x)
            cotangents[k] = acc
        } else {
            cotangents[k] = x
        }
        if strict, ops[k] == .input, let j = cotangents[k]?.firstNonFinite {
            throw ADError.nonFinite(what: "cotangent element \(j) of variable node \(k)", op: nil, node: k)
        }
    }
}

/// The cotangents from one reverse sweep, looked up by variable node.
///
/// ```swift
/// let g = try tape.gradients(of: loss)
/// try g[w]   // zeros of W's shape if the loss does not depend on W
/// ```
public struct MatrixGradients<Scalar: LinalgScalar> {
    let cotangents: [Matrix<Scalar>?]
    let generation: UInt32

    /// The cotangent of variable `node`: zeros when the output does not depend on it.
    /// - Throws: ``ADError/foreignVariable(_:)`` for a node of another recording (another tape,
    ///   or this tape before a reset), whose index would name an unrelated entry.
    public subscript(node: MatrixNode) -> Matrix<Scalar> {
        get throws {
            guard node.generation == generation else {
                throw ADError.foreignVariable("matrix node \(node.index) is not from the recording these cotangents come from")
            }
            if node.index < cotangents.count, let g = cotangents[node.index] { return g }
            return Matrix(uncheckedRows: node.rows, cols: node.cols)
        }
    }
}
