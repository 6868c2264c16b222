import CAdjointSupport

/// A reverse-mode tape: records the ops of one evaluation, then sweeps cotangents backwards.
///
/// Each derivative call makes its own tape, so concurrent computations never share one. Variables
/// (``Reverse``) made from a tape are valid only while the tape is alive and must not be mixed
/// with another tape's; the derivative APIs keep both rules for you.
///
/// ```swift
/// let tape = Tape<Double>()
/// let x = tape.variable(2), y = tape.variable(3)
/// let z = x * y + Reverse.sin(x)
/// let g = tape.pullback(from: [(z, 1.0)], to: [x, y])   // [3 + cos 2, 2]
/// ```
public final class Tape<V: ADScalar> {
    /// Default bound on the number of entries: as many as fit in a quarter of physical memory,
    /// counting the recorded entry, its adjoint in the sweep and the copy made while the tape
    /// doubles (so the tape at its limit needs about half of memory, which a fixed 2³⁰ did not
    /// allow on a 24 GB machine: a runaway loop died in the allocator instead of getting
    /// ``ADError/limitExceeded(what:limit:)``). Pass `limit:` to choose another bound.
    ///
    /// ```swift
    /// Tape<Double>.defaultLimit   // ≈ 2.4·10⁸ on a 24 GiB machine
    /// ```
    public static var defaultLimit: Int {
        let perEntry = TapeStorage<V>.bytesPerEntry + MemoryLayout<V>.stride
        return Swift.max(1 << 16, Swift.min(Int(Int32.max), physicalMemoryBytes / 4 / perEntry))
    }

    @usableFromInline let storage: UnsafeMutablePointer<TapeStorage<V>>

    /// - Parameters:
    ///   - capacity: entries to reserve up front.
    ///   - limit: most entries the tape may hold; past it recording stops with an error.
    @inlinable public init(capacity: Int = 1024, limit: Int = Tape.defaultLimit) {
        // A recycled, never-freed header (see CAdjointSupport.h): a variable that outlives this
        // tape can still read the header's generation safely and find it dead.
        assert(MemoryLayout<TapeStorage<V>>.size <= Int(ADJOINT_TAPE_HEADER_BYTES)
               && MemoryLayout<TapeStorage<V>>.offset(of: \.generation) ?? 0 >= MemoryLayout<UnsafeRawPointer>.size)
        storage = adjoint_tape_header_acquire().bindMemory(to: TapeStorage<V>.self, capacity: 1)
        // Dead (0) until CAdjointSupport gives it its number and observation bit under its lock.
        storage.initialize(to: TapeStorage(capacity: capacity, limit: Swift.max(1, limit), generation: 0))
        adjoint_tape_header_start(storage, TapeStorage<V>.generationOffset, adjoint_next_tape_generation())
    }

    deinit {
        storage.pointee.deallocate()
        // The side tables of user primitives are the header's only non-trivial fields: release
        // them here, since the next tape initialises this header over them without a deinit
        // (LeakSanitizer found one array per tape that recorded a user primitive).
        storage.pointee.customs = []
        storage.pointee.customRules = []
        storage.pointee.vectorCalls = []
        // Every other field of the header is trivial, so it stays initialised with a dead
        // generation that no live tape has; the block goes back to the pool instead of to malloc.
        adjoint_tape_header_kill(storage, TapeStorage<V>.generationOffset)
        adjoint_tape_header_release(storage)
    }

    /// Number of recorded entries.
    @inlinable public var count: Int { storage.pointee.count }
    /// Memory the recorded entries occupy, in bytes: the entries and the partials kept for sin
    /// and cos (see ``bytesPerEntry``).
    @inlinable public var byteCount: Int {
        count * TapeStorage<V>.bytesPerEntry + storage.pointee.partialCount * MemoryLayout<V>.stride
    }
    /// Bytes per recorded entry, not counting the partial an entry of sin or cos keeps (one more V).
    public static var bytesPerEntry: Int { TapeStorage<V>.bytesPerEntry }

    /// Frees the tape memory kept for reuse between recordings: this thread's, and the small
    /// process-wide shelf that serves recordings on other threads (see `TapeBufferPool`).
    public static func releaseCachedMemory() { TapeBufferPool.drain() }

    /// A new independent variable (an input of the function being differentiated).
    @inlinable public func variable(_ value: V) -> Reverse<V> {
        let i = storage.pointee.pushInput(value)
        return i < 0 ? Reverse(constant: value)
                     : Reverse(value: value, index: i, tape: storage, generation: storage.pointee.liveGeneration)
    }

    /// One new variable per value of `x`, in order: the same variables as `x.map { variable($0) }`,
    /// written to the tape in bulk (what `record` uses for a function's inputs).
    @inlinable func variables(_ x: [V]) -> [Reverse<V>] {
        let s = storage
        guard let start = x.withUnsafeBufferPointer({ s.pointee.pushInputs($0) }) else {
            return x.map { variable($0) }
        }
        let generation = s.pointee.liveGeneration
        // Written in place: a mapped range checked each x[k] and went through the array's
        // growth path, 5% of recording `make bench`'s f (perf).
        return x.withUnsafeBufferPointer { xs in
            [Reverse<V>](unsafeUninitializedCapacity: xs.count) { out, initialized in
                for k in 0..<xs.count {
                    (out.baseAddress.unsafelyUnwrapped + k).initialize(
                        to: Reverse(value: xs[k], index: Int32(truncatingIfNeeded: start + k), tape: s, generation: generation))
                }
                initialized = xs.count
            }
        }
    }

    /// Whether `x` was recorded on this tape (constants belong to every tape).
    @inlinable public func owns(_ x: Reverse<V>) -> Bool {
        x.tape == nil || (x.tape == storage && x.generation == storage.pointee.liveGeneration)
    }

    /// The op, argument indices and value of entry `i`, for walking the graph (fault localisation,
    /// kink reports), or nil when `i` is not in `0..<count`. Leaves have no arguments; for `powi`
    /// the exponent is in `attribute`.
    @inlinable public func entry(_ i: Int) -> TapeEntry<V>? {
        guard i >= 0 && i < count else { return nil }
        let s = storage.pointee
        let op = s.ops[i]
        let a = Int(s.lhs[i]), b = Int(s.rhs[i])
        let name = op.info.name
        if op == .custom {
            let c = s.customs[b]
            let inputs = c.scalar != nil ? (c.second >= 0 ? [a, Int(c.second)] : [a]) : s.vectorCalls[Int(c.vectorCall)].inputs.map { Int($0) }
            return TapeEntry(op: op, name: c.name, inputs: inputs, attribute: 0, value: s.values[i])
        }
        switch op.arity {
        case 0: return TapeEntry(op: op, name: name, inputs: [], attribute: 0, value: s.values[i])
        case 1: return TapeEntry(op: op, name: name, inputs: [a], attribute: op == .powi ? b : 0, value: s.values[i])
        default: return TapeEntry(op: op, name: name, inputs: [a, b], attribute: 0, value: s.values[i])
        }
    }

    /// Sweeps the tape backwards from the given output cotangents and returns the adjoints of
    /// `inputs` (the VJP uᵀJ restricted to those variables). The tape is not changed, so it can be
    /// swept again with other cotangents (one sweep per Jacobian row).
    @inlinable public func pullback(from seeds: [(Reverse<V>, V)], to inputs: [Reverse<V>]) -> [V] {
        let inputAdjoints = pullbackToAllInputs(from: seeds)
        let lhs = storage.pointee.lhs
        return inputs.map { owns($0) && $0.isVariable ? inputAdjoints[Int(lhs[Int($0.index)])] : 0 }
    }

    /// The adjoints of every variable of this tape, in the order they were made (their ordinals):
    /// what ``pullback(from:to:)`` returns when `to` lists all variables in order, without the
    /// per-input lookup.
    @inlinable public func pullbackToAllInputs(from seeds: [(Reverse<V>, V)]) -> [V] {
        var inputAdjoints = [V](repeating: 0, count: storage.pointee.inputCount)
        inputAdjoints.withUnsafeMutableBufferPointer { out in
            let adjoints = sweep(seeds: seeds.compactMap { owns($0.0) && $0.0.isVariable ? (Int($0.0.index), $0.1) : nil },
                                 inputAdjoints: out)
            if TapeStorage<V>.hasZeroBitPattern {
                storage.pointee.adjointsZeroed = true  // the sweep cleared every entry it passed
            } else {
                adjoints.deinitialize(count: count)
            }
        }
        return inputAdjoints
    }

    /// The reverse sweep: one loop over the entries in reverse order, switching on the op.
    /// Fan-out needs no special case: every use of a node adds its share into the node's adjoint.
    /// Returns the tape's adjoint scratch, initialized for `count` entries; the caller deinitializes.
    @inlinable
    func sweep(seeds: [(Int, V)], inputAdjoints out: UnsafeMutableBufferPointer<V>) -> UnsafeMutablePointer<V> {
        let n = storage.pointee.count
        let adj = storage.pointee.adjointBuffer()
        if TapeStorage<V>.hasZeroBitPattern {
            if !storage.pointee.adjointsZeroed {
                // Clear the whole buffer once; from then on the sweep keeps it clear.
                adj.initialize(repeating: 0, count: storage.pointee.allocated)
                storage.pointee.adjointsZeroed = true
            }
        } else {
            adj.initialize(repeating: 0, count: n)
        }
        storage.pointee.adjointsZeroed = false  // until pullback has cleared the leaves again
        sweepLoop(seeds: seeds, inputAdjoints: out, scratch: adj)
        return adj
    }

    /// The loop of the sweep over a zeroed scratch of `count` cotangents, which it leaves zeroed.
    /// Reads the tape only, so sweeps with separate scratch buffers can run concurrently.
    ///
    /// For Double and Float the loop runs from one copy compiled in this module. Why: when every
    /// client module inlined its own specialisation, each optimised it differently (inlining
    /// decisions depend on what else is in the file), the linker kept whichever weak copy came
    /// first, and the benchmark's sweep moved by 10% when unrelated code joined its binary. The
    /// type test folds away in a specialised caller; one call per sweep is nothing beside the loop.
    @inlinable
    func sweepLoop(seeds: [(Int, V)], inputAdjoints out: UnsafeMutableBufferPointer<V>, scratch adj: UnsafeMutablePointer<V>) {
        if V.self == Double.self {
            unsafeDowncast(self, to: Tape<Double>.self).compiledSweepLoop(
                seeds: unsafeBitCast(seeds, to: [(Int, Double)].self),
                inputAdjoints: UnsafeMutableBufferPointer(
                    start: UnsafeMutableRawPointer(out.baseAddress)?.assumingMemoryBound(to: Double.self), count: out.count),
                scratch: UnsafeMutableRawPointer(adj).assumingMemoryBound(to: Double.self))
        } else if V.self == Float.self {
            unsafeDowncast(self, to: Tape<Float>.self).compiledSweepLoop(
                seeds: unsafeBitCast(seeds, to: [(Int, Float)].self),
                inputAdjoints: UnsafeMutableBufferPointer(
                    start: UnsafeMutableRawPointer(out.baseAddress)?.assumingMemoryBound(to: Float.self), count: out.count),
                scratch: UnsafeMutableRawPointer(adj).assumingMemoryBound(to: Float.self))
        } else {
            sweepLoop(seeds: seeds, inputAdjoints: out, scratch: adj, observer: NoSweepObserver())
        }
    }

    /// The sweep with a hook that sees each entry's final cotangent before it is passed on. Generic
    /// rather than an optional closure: the plain sweep specialises on the empty observer and
    /// keeps no test in its loop (an optional closure there cost 12% of reverse_gradient_over_plain).
    @inlinable
    func sweepLoop<O: SweepObserver>(seeds: [(Int, V)], inputAdjoints out: UnsafeMutableBufferPointer<V>,
                                     scratch adj: UnsafeMutablePointer<V>, observer: O) where O.V == V {
        // Counting and planted mutations are decided once per sweep, not per entry: the flag is an
        // atomic load the compiler may not hoist, and two of them per entry (count, mutation
        // hook) cost about 8% of the sweep. A sweep runs on one thread, whose scope cannot change
        // while it runs.
        if _slowPath(Instrumentation.isActive) {
            sweepLoop(seeds: seeds, inputAdjoints: out, scratch: adj, observer: observer, instrumented: InstrumentedSweep.self)
        } else {
            sweepLoop(seeds: seeds, inputAdjoints: out, scratch: adj, observer: observer, instrumented: PlainSweep.self)
        }
    }

    @inlinable
    func sweepLoop<O: SweepObserver, I: SweepInstrumentation>(
        seeds: [(Int, V)], inputAdjoints out: UnsafeMutableBufferPointer<V>, scratch adj: UnsafeMutablePointer<V>,
        observer: O, instrumented _: I.Type
    ) where O.V == V {
        let s = storage.pointee
        let n = s.count
        var last = -1
        for (i, u) in seeds {
            // A zero Double or Float seed adds nothing (a Jacobian's row seeds the other outputs
            // with 0); other scalar types compare values only (a dual's == ignores its tangent),
            // so their seeds always count.
            if TapeStorage<V>.hasZeroBitPattern && u == 0 { continue }
            adj[i] = adj[i] + u
            last = Swift.max(last, i)
        }
        // One loop whose rule switch inlines: a per-entry test of the observation flag costs a
        // load, while duplicating this loop for observed/unobserved sweeps (tried) stopped the
        // compiler from inlining the rules and cost a call per entry.
        // It starts at the last seeded entry: every later one has a zero cotangent and cannot
        // reach the inputs. A Jacobian's row i then sweeps only the tape up to output i (half the
        // tape on average when outputs are recorded one after another), and an infinite partial
        // recorded after the output no longer turns 0·∞ into NaN in its gradient. Not on a tape
        // with user primitives: a vector primitive's VJP runs at its last output entry, which may
        // lie beyond a seed on one of its earlier outputs.
        var i = s.customs.isEmpty ? Swift.min(n - 1, last) : n - 1
        // Which entries the seeds reach, worked out only when a zero cotangent meets an infinite
        // partial (√ at 0). An entry no seeded output depends on adds exactly 0 (a Jacobian row
        // for an output that does not use √y must not turn 0·∞ into NaN); a reached entry whose
        // cotangent merely computed to 0 keeps 0·∞ = NaN, since there the derivative is an
        // indeterminate form: √v·√v at 0 has derivative 1, and masking its 0 gave 0.
        var reached: [Bool]? = nil
        func unreached(_ k: Int) -> Bool {
            if reached == nil { reached = entriesReached(from: seeds) }
            return !(reached.unsafelyUnwrapped[k])
        }
        while i >= s.leadingInputs {
            let op = s.ops[i]
            observer.see(i, adj[i])
            // One switch over the op, each case running its own declaration's rule with the op
            // known statically (the rules are the registry's; only their dispatch is unrolled).
            // Why: dispatching on the arity and then again inside the rule table cost two
            // indirect jumps per entry and spilled the hot pointers out of registers.
            switch op {
            case .input:
                // A leaf's adjoint is final when the sweep reaches it: hand it out by ordinal.
                out[Int(s.lhs[i])] = adj[i]
                adj[i] = 0
            case .constant: adj[i] = 0
            case .custom:
                sweepCustom(i, adj, unreached)
                adj[i] = 0
            case .add: accumulateBinary(Builtin.Add.self, op, i, s, adj, I.self, unreached)
            case .sub: accumulateBinary(Builtin.Sub.self, op, i, s, adj, I.self, unreached)
            case .mul: accumulateBinary(Builtin.Mul.self, op, i, s, adj, I.self, unreached)
            case .div: accumulateBinary(Builtin.Div.self, op, i, s, adj, I.self, unreached)
            case .pow: accumulateBinary(Builtin.Pow.self, op, i, s, adj, I.self, unreached)
            case .max: accumulateBinary(Builtin.Max.self, op, i, s, adj, I.self, unreached)
            case .min: accumulateBinary(Builtin.Min.self, op, i, s, adj, I.self, unreached)
            case .hypot: accumulateHypot(op, i, s, adj, I.self, unreached)
            case .leakyRelu: accumulateBinary(Builtin.LeakyRelu.self, op, i, s, adj, I.self, unreached)
            case .elu: accumulateBinary(Builtin.Elu.self, op, i, s, adj, I.self, unreached)
            case .neg: accumulateUnary(Builtin.Neg.self, op, i, s, adj, I.self, unreached)
            case .powi: accumulateUnary(Builtin.Powi.self, op, i, s, adj, I.self, unreached)
            case .square: accumulateUnary(Builtin.Square.self, op, i, s, adj, I.self, unreached)
            case .sqrt: accumulateUnary(Builtin.Sqrt.self, op, i, s, adj, I.self, unreached)
            case .exp: accumulateUnary(Builtin.Exp.self, op, i, s, adj, I.self, unreached)
            case .expm1: accumulateUnary(Builtin.Expm1.self, op, i, s, adj, I.self, unreached)
            case .log: accumulateUnary(Builtin.Log.self, op, i, s, adj, I.self, unreached)
            case .log1p: accumulateUnary(Builtin.Log1p.self, op, i, s, adj, I.self, unreached)
            case .sin: accumulateUnary(Builtin.Sin.self, op, i, s, adj, I.self, unreached)
            case .cos: accumulateUnary(Builtin.Cos.self, op, i, s, adj, I.self, unreached)
            case .tan: accumulateUnary(Builtin.Tan.self, op, i, s, adj, I.self, unreached)
            case .atan: accumulateUnary(Builtin.Atan.self, op, i, s, adj, I.self, unreached)
            case .sinh: accumulateUnary(Builtin.Sinh.self, op, i, s, adj, I.self, unreached)
            case .cosh: accumulateUnary(Builtin.Cosh.self, op, i, s, adj, I.self, unreached)
            case .tanh: accumulateUnary(Builtin.Tanh.self, op, i, s, adj, I.self, unreached)
            case .asinh: accumulateUnary(Builtin.Asinh.self, op, i, s, adj, I.self, unreached)
            case .erf: accumulateUnary(Builtin.Erf.self, op, i, s, adj, I.self, unreached)
            case .sigmoid: accumulateUnary(Builtin.Sigmoid.self, op, i, s, adj, I.self, unreached)
            case .softplus: accumulateUnary(Builtin.Softplus.self, op, i, s, adj, I.self, unreached)
            case .relu: accumulateUnary(Builtin.Relu.self, op, i, s, adj, I.self, unreached)
            case .swish: accumulateUnary(Builtin.Swish.self, op, i, s, adj, I.self, unreached)
            case .gelu: accumulateUnary(Builtin.Gelu.self, op, i, s, adj, I.self, unreached)
            case .abs: accumulateUnary(Builtin.Abs.self, op, i, s, adj, I.self, unreached)
            }
            // Wrapping: i ≥ leadingInputs ≥ 0 here, so it cannot overflow, and the checked form's
            // overflow test was a third branch in the loop's shared tail, beside the back edge
            // and the cases' jumps to it. Removing it took the sweep on a Zen 3 from 1.8× the C
            // floor's to 1.04× (3.1 → 1.5 × plain evaluation). This loop's speed also moves with
            // code layout alone (README, "What bounds the scalar tape"): a measurement, not a law.
            i &-= 1
        }
        // The leading inputs: entry k is the input of ordinal k, and its adjoint is final.
        if i >= 0 {
            for k in 0...i {
                observer.see(k, adj[k])
                out[k] = adj[k]
                adj[k] = 0
            }
        }
    }

    /// Which entries a sweep from `seeds` reaches: those of ``entriesReached(from:)`` from the seeds
    /// whose cotangent counts (a Double or Float seed of exactly 0 does not, as in the sweep).
    /// Run only on the sweep's rare path (see `unreached` in the sweep).
    @usableFromInline @inline(never)
    func entriesReached(from seeds: [(Int, V)]) -> [Bool] {
        entriesReached(from: seeds.compactMap { i, u in TapeStorage<V>.hasZeroBitPattern && u == 0 ? nil : i })
    }

    /// Which entries `nodes` depend on structurally, by the reverse sweep's own rule: the nodes
    /// themselves, and every argument of a reached entry (all inputs of a user vector primitive
    /// when any of its outputs is), except that in a product a factor which is the constant 0 cuts
    /// the other factor (0·√y is 0 for every y; a variable that happens to be 0 does not cut:
    /// √v·√v). This is the set in which the sweep keeps 0·∞ = NaN instead of adding 0; anything
    /// that must agree with the sweep on it (checkpointing's segment boundaries) asks here rather
    /// than restating the rule. The cut is for Double and Float; on other scalar types, as in their
    /// sweep, a product with the constant 0 cuts nothing. Indices outside `0..<count` are ignored.
    ///
    /// ```swift
    /// let tape = Tape<Double>()
    /// let x = tape.variable(4), y = tape.variable(0)
    /// let z = x * x + Reverse(constant: 0) * sqrt(y)   // entries: x, y, x·x, √y, 0, 0·√y, z
    /// tape.entriesReached(from: z.node.map { [$0] } ?? [])
    /// // [true, false, true, false, true, true, true]: the constant 0 cuts √y and y
    /// ```
    ///
    /// One backward pass over the tape, O(count); the sweep runs it only on its rare path.
    public func entriesReached(from nodes: [Int]) -> [Bool] {
        let s = storage.pointee
        var reached = [Bool](repeating: false, count: s.count)
        for i in nodes where i >= 0 && i < s.count { reached[i] = true }
        var k = s.count - 1
        while k >= 0 {
            defer { k -= 1 }
            guard reached[k] else { continue }
            let op = s.ops[k]
            var arguments: [Int32] = []
            if op == .custom {
                let c = s.customs[Int(s.rhs[k])]
                arguments = c.scalar != nil ? [s.lhs[k], c.second] : s.vectorCalls[Int(c.vectorCall)].inputs
            } else if op.arity == 1 {
                arguments = [s.lhs[k]]
            } else if op == .mul && TapeStorage<V>.hasZeroBitPattern {
                // Only for Double and Float: another scalar's == 0 ignores what it carries beside
                // its value (a dual's tangent), so its constant 0 need not be zero throughout.
                let (a, b) = (Int(s.lhs[k]), Int(s.rhs[k]))
                if !(s.ops[b] == .constant && s.values[b] == 0) { arguments.append(s.lhs[k]) }
                if !(s.ops[a] == .constant && s.values[a] == 0) { arguments.append(s.rhs[k]) }
            } else if op.arity == 2 {
                arguments = [s.lhs[k], s.rhs[k]]
            }
            for a in arguments where a >= 0 && Int(a) < s.count { reached[Int(a)] = true }
        }
        return reached
    }

    /// One binary entry of the sweep with its declaration known statically (see the sweep): the
    /// declaration's products with the cotangent, not its partials times it (division's ∂z/∂y
    /// underflows where the product does not; add's and sub's constant partials fold into the
    /// update, with no multiply on the adjoint chain and no load of unused values).
    @inlinable @inline(__always)
    func accumulateBinary<D: OpDeclaration, I: SweepInstrumentation>(
        _: D.Type, _ op: Op, _ i: Int, _ s: TapeStorage<V>, _ adj: UnsafeMutablePointer<V>, _: I.Type,
        _ unreached: (Int) -> Bool
    ) {
        assert(D.info.arity == 2)
        let a = Int(s.lhs[i]), b = Int(s.rhs[i])
        let g = adj[i]
        var (pg, qg) = D.vjp(s.values[a], s.values[b], 0, output: s.values[i], cotangent: g)
        if I.isActive {
            // A mutated partial times g is the mutated product (RuleMutation).
            (pg, qg) = RuleMutations.apply(op, (pg, qg))
            Instrumentation.count(op)
        }
        if D.partialsCanBeInfinite, _slowPath(!(pg.isFiniteInEveryComponent && qg.isFiniteInEveryComponent)), g == 0, unreached(i) {
            (pg, qg) = (0, 0)
        }
        // Cleared after the values are read: a store before them (the buffers may alias, as far
        // as the compiler knows) would order every load behind it.
        adj[i] = 0
        adj[a] = adj[a] + pg
        adj[b] = adj[b] + qg
    }

    /// hypot's entry, out of the sweep's loop: its rule recovers each rounding with fused
    /// multiply-adds (half an ulp), and inlined among the other cases that body slowed the whole
    /// loop, whatever the tape held. The sweep of `make bench`'s f (sin, log, products; no hypot)
    /// took 2.1–2.3 × plain f with it inlined (and hypot's primal correction out of line, see
    /// `Hypot.correctedProduct`), 1.5 with both out of line, as before the correction (alternated
    /// runs). A call per hypot entry is small beside the rule's own work.
    @inlinable @inline(never)
    func accumulateHypot<I: SweepInstrumentation>(
        _ op: Op, _ i: Int, _ s: TapeStorage<V>, _ adj: UnsafeMutablePointer<V>, _: I.Type, _ unreached: (Int) -> Bool
    ) {
        accumulateBinary(Builtin.Hypot.self, op, i, s, adj, I.self, unreached)
    }

    /// One unary entry of the sweep with its declaration known statically (see the sweep).
    @inlinable @inline(__always)
    func accumulateUnary<D: OpDeclaration, I: SweepInstrumentation>(
        _: D.Type, _ op: Op, _ i: Int, _ s: TapeStorage<V>, _ adj: UnsafeMutablePointer<V>, _: I.Type,
        _ unreached: (Int) -> Bool
    ) {
        assert(D.info.arity == 1)
        let a = Int(s.lhs[i])
        let g = adj[i]
        var pg: V
        if D.keepsPartial {
            // Kept when recorded (mutations included); rhs is its index.
            pg = s.partials[Int(s.rhs[i])] * g
        } else if D.ordersProducts {
            // The declaration's product with g, not its partial times g (powi's n·x^(n−1) leaves
            // the range where the product does not). rhs holds powi's exponent.
            let x = s.values[a]
            let r = D.vjp(x, x, Int(s.rhs[i]), output: s.values[i], cotangent: g)
            pg = I.isActive ? RuleMutations.apply(op, r).0 : r.0
        } else {
            let x = s.values[a]
            let r = D.partials(x, x, Int(s.rhs[i]), output: s.values[i])
            pg = (I.isActive ? RuleMutations.apply(op, r).0 : r.0) * g
        }
        if D.partialsCanBeInfinite, _slowPath(!pg.isFiniteInEveryComponent), g == 0, unreached(i) { pg = 0 }
        if I.isActive { Instrumentation.count(op) }
        adj[i] = 0
        adj[a] = adj[a] + pg
    }

    /// The cotangent of every entry (not only the inputs) for the given output cotangents: what
    /// error analysis needs (Σ|∂f/∂v|·|v| bounds f's rounding error to first order).
    @inlinable public func nodeCotangents(from seeds: [(Reverse<V>, V)]) -> [V] {
        let n = count
        let scratch = UnsafeMutablePointer<V>.allocate(capacity: Swift.max(1, n))
        scratch.initialize(repeating: 0, count: Swift.max(1, n))
        defer { scratch.deinitialize(count: Swift.max(1, n)); scratch.deallocate() }
        var ignored = [V](repeating: 0, count: storage.pointee.inputCount)
        // The sweep zeroes each entry's cotangent once passed on; record them on the way instead.
        var result = [V](repeating: 0, count: n)
        result.withUnsafeMutableBufferPointer { r in
            ignored.withUnsafeMutableBufferPointer { out in
                sweepLoop(seeds: seeds.compactMap { owns($0.0) && $0.0.isVariable ? (Int($0.0.index), $0.1) : nil },
                          inputAdjoints: out, scratch: scratch, observer: RecordingSweepObserver(into: r.baseAddress))
            }
        }
        return result
    }

    /// ``pullbackToAllInputs(from:)`` passing over every entry no seed reaches
    /// (``entriesReached(from:)``): the rerun of a sweep that came out non-finite (see
    /// ``Recording/pullback(_:checked:)``). Such an entry's share is exactly 0, but its cotangent
    /// 0 times a value that overflowed is NaN. An interpreter of the registry's rules
    /// (`Rules.vjp`) one entry at a time, apart from the sweep's loop: a masking test in that loop
    /// (tried, with a second scan of the result) took `reverse_sweep_over_plain` from 1.75 to 1.86,
    /// the scan alone to 1.81. nil on a tape with user primitives, whose VJPs only the sweep runs.
    @inlinable func pullbackToAllInputsSkippingUnreached(from seeds: [(Reverse<V>, V)]) -> [V]? {
        let s = storage.pointee
        guard s.customs.isEmpty else { return nil }
        let indexed = seeds.compactMap { owns($0.0) && $0.0.isVariable ? (Int($0.0.index), $0.1) : nil }
        let reached = entriesReached(from: indexed)
        var adj = [V](repeating: 0, count: s.count)
        for (i, u) in indexed where i < s.count { adj[i] = adj[i] + u }
        var out = [V](repeating: 0, count: s.inputCount)
        var i = s.count - 1
        while i >= 0 {
            defer { i -= 1 }
            guard reached[i] else { continue }
            let op = s.ops[i], g = adj[i]
            let a = Int(s.lhs[i])
            switch op {
            case .input: out[a] = g
            case .constant, .custom: break
            default:
                if op.arity == 2 {
                    let b = Int(s.rhs[i])
                    let (p, q) = Rules.vjp(op, s.values[a], s.values[b], 0, output: s.values[i], cotangent: g)
                    adj[a] = adj[a] + p
                    adj[b] = adj[b] + q
                } else if Rules.keepsPartial(op) {
                    adj[a] = adj[a] + s.partials[Int(s.rhs[i])] * g
                } else {
                    adj[a] = adj[a] + Rules.vjp(op, s.values[a], s.values[a], Int(s.rhs[i]), output: s.values[i], cotangent: g).0
                }
            }
        }
        return out
    }

    /// ``pullbackToAllInputs(from:)`` on a caller's scratch of at least ``count`` zeroed values,
    /// which is left zeroed: what concurrent sweeps over one recording use (the tape's own scratch
    /// serves one sweep at a time).
    @inlinable func pullbackToAllInputs(from seeds: [(Reverse<V>, V)], scratch: UnsafeMutablePointer<V>) -> [V] {
        var inputAdjoints = [V](repeating: 0, count: storage.pointee.inputCount)
        inputAdjoints.withUnsafeMutableBufferPointer { out in
            sweepLoop(seeds: seeds.compactMap { owns($0.0) && $0.0.isVariable ? (Int($0.0.index), $0.1) : nil },
                      inputAdjoints: out, scratch: scratch)
        }
        return inputAdjoints
    }

    /// A user primitive's node: its partials from the user's rule, or (for a vector primitive, at
    /// its last output) one VJP with the cotangents of all its outputs.
    ///
    /// As for built-ins, counted once more in the sweep (``measureOperations``), and an entry no
    /// seed reaches adds exactly 0 even where its partial is infinite (`unreached`, the sweep's).
    @usableFromInline @inline(never)
    func sweepCustom(_ i: Int, _ adj: UnsafeMutablePointer<V>, _ unreached: (Int) -> Bool) {
        // Reads the storage itself, field by field: passing the sweep's copy kept all of it live in
        // the loop and pushed the hot pointers out of registers (the sweep cost 12% more per
        // entry), and a local copy of the header retained and released its side tables at every
        // user-primitive entry.
        let k = Int(storage.pointee.rhs[i])
        // A scalar primitive: its rule, specialised where it was recorded.
        if let rule = storage.pointee.customRules[k] {
            let node = storage.pointee.customs[k]
            let second = node.second
            if _slowPath(Instrumentation.isActive), let p = node.scalar { Instrumentation.count(primitive: p.name) }
            let values = storage.pointee.values
            let a = Int(storage.pointee.lhs[i])
            let b = second >= 0 ? Int(second) : a
            let (dx, dy) = rule(values[a], values[b], values[i])
            let g = adj[i]
            adj[i] = 0
            var (px, py) = (dx * g, dy * g)
            // A user √ at 0 (partial ∞) whose result no seeded output uses: 0·∞ gave NaN, and
            // reverse mode threw where forward mode and the built-in √ give the derivative.
            if g == 0, !(px.isFiniteInEveryComponent && (second < 0 || py.isFiniteInEveryComponent)), unreached(i) { (px, py) = (0, 0) }
            adj[a] = adj[a] + px
            if second >= 0 { adj[b] = adj[b] + py }
            return
        }
        // Otherwise a vector primitive's output (a scalar primitive's node always has its rule).
        let c = storage.pointee.customs[k]
        guard let p = c.vector, i == Int(c.firstOutput + c.outputCount) - 1 else { return }
        Instrumentation.count(primitive: p.name)
        let first = Int(c.firstOutput)
        let u = (first...i).map { k -> Double in
            let g = adj[k].approximateDouble
            adj[k] = 0
            return g
        }
        // Recording checked the rule with a zero cotangent; one whose presence or length depends on
        // the cotangent is caught here. The sweep cannot throw, so it reports (a pullback collects
        // around sweeps of tapes with user primitives and throws the report) and gives every input
        // a NaN adjoint: a caller that does not collect still gets no plausible wrong number (the
        // VJP's entries, ignored one by one, used to give a wrong gradient and no error).
        let call = storage.pointee.vectorCalls[Int(c.vectorCall)]
        let result = p.vjp(at: call.inputValues, cotangent: u)
        guard let g = result, g.count == call.inputs.count else {
            Tape.reportBadVJP(p.name, length: result?.count, inputs: call.inputs.count)
            for node in call.inputs { adj[Int(node)] = adj[Int(node)] + V(Double.nan) }
            return
        }
        // The same rule for a VJP at a zero cotangent that no seed reaches (its outputs unused).
        if g.contains(where: { !$0.isFinite }), u.allSatisfy({ $0 == 0 }), (first...i).allSatisfy(unreached) { return }
        for (k, node) in call.inputs.enumerated() {
            adj[Int(node)] = adj[Int(node)] + V(g[k])
        }
    }

    /// Reports a vector primitive's VJP that returned nil, or `length` values for `inputs` inputs:
    /// the same errors recording reports when the zero cotangent already shows it.
    static func reportBadVJP(_ name: String, length: Int?, inputs: Int) {
        if let length {
            Diagnostics.report(.dimensionMismatch(what: "\(name) VJP length (inputs)", expected: inputs, got: length))
        } else {
            Diagnostics.report(.missingRule(primitive: name, mode: "reverse mode", needs: "VJP at this cotangent (it returned nil in the sweep)"))
        }
    }

    /// Whether the tape holds a user primitive, whose rule runs inside the sweep and may report
    /// there (see `sweepCustom`): the pullback then collects diagnostics around the sweep.
    @inlinable var hasUserPrimitives: Bool { !storage.pointee.customs.isEmpty }

    /// The local partials of entry `i` with respect to its arguments (``entry(_:)``'s `inputs`), from
    /// the registry or the user's rule; nil for leaves and vector primitives.
    @inlinable public func localPartials(_ i: Int) -> [V]? {
        guard let (x, y, op, custom) = arguments(i) else { return nil }
        let z = storage.pointee.values[i]
        if let custom {
            let (dx, dy) = customPartials(custom, x, y, z)
            return custom.arity == 2 ? [dx, dy] : [dx]
        }
        let (p, q) = Rules.partials(op, x, y, op == .powi ? Int(storage.pointee.rhs[i]) : 0, output: z)
        return op.arity == 2 ? [p, q] : [p]
    }

    /// ``localPartials(_:)`` of a built-in op at the primal parts of its arguments (`primal`, e.g.
    /// a dual's value), computed in Double: what a reader of a tape of duals needs of the primal
    /// alone, without running the rule on every tangent lane (a user primitive's rule still runs
    /// on the recorded values). Nil for leaves and vector primitives.
    @inlinable package func primalPartials(_ i: Int, primal: (V) -> Double) -> [Double]? {
        guard let (x, y, op, custom) = arguments(i) else { return nil }
        if custom != nil { return localPartials(i)?.map(primal) }
        let n = op == .powi ? Int(storage.pointee.rhs[i]) : 0
        let (p, q) = Rules.partials(op, primal(x), primal(y), n, output: primal(storage.pointee.values[i]))
        return op.arity == 2 ? [p, q] : [p]
    }

    /// The user scalar primitive recorded at entry `i`, or nil for built-in ops, leaves and vector
    /// primitives: what a check needs to evaluate that primitive alone at other scalar types
    /// (a complex step of its primal).
    ///
    /// ```swift
    /// tape.scalarPrimitive(3).map { $0.name }   // "lambert_w" when entry 3 is a LambertW
    /// ```
    public func scalarPrimitive(_ i: Int) -> (any ScalarPrimitive.Type)? {
        guard i >= 0 && i < count, storage.pointee.ops[i] == .custom else { return nil }
        return storage.pointee.customs[Int(storage.pointee.rhs[i])].scalar
    }

    /// The user vector primitive call whose outputs include entry `i`: the primitive, its argument
    /// entries and their recorded values, and its output entries (consecutive). Nil for every
    /// other entry. What a check needs to judge the call's JVP and VJP alone, against differences
    /// of its primal at the recorded inputs.
    ///
    /// ```swift
    /// tape.vectorPrimitive(7).map { $0.primitive.name }   // "cumprod" when entry 7 is one of its outputs
    /// ```
    public func vectorPrimitive(_ i: Int) -> (primitive: any VectorPrimitive.Type, inputs: [Int], inputValues: [Double],
                                              outputs: Range<Int>)? {
        guard i >= 0 && i < count, storage.pointee.ops[i] == .custom else { return nil }
        let c = storage.pointee.customs[Int(storage.pointee.rhs[i])]
        guard let p = c.vector else { return nil }
        let first = Int(c.firstOutput)
        let call = storage.pointee.vectorCalls[Int(c.vectorCall)]
        return (p, call.inputs.map { Int($0) }, call.inputValues, first..<(first + Int(c.outputCount)))
    }

    /// Entry `i`'s primal evaluated at other argument values (for differencing one primitive alone);
    /// nil for leaves and vector primitives.
    public func localPrimal(_ i: Int, at arguments: [V]) -> V? {
        guard i >= 0 && i < count, let x = arguments.first else { return nil }
        let s = storage.pointee
        let op = s.ops[i]
        let y = arguments.count > 1 ? arguments[1] : x
        if op == .custom {
            guard let p = s.customs[Int(s.rhs[i])].scalar else { return nil }
            return customPrimal(p, x, y)
        }
        switch op.arity {
        case 0: return nil
        case 1: return Rules.primal(op, x, x, Int(s.rhs[i]))
        default: return Rules.primal(op, x, y, 0)
        }
    }

    /// Entry `i`'s distance from its non-differentiable point (0 at it), from the registry's or the
    /// user's declaration; nil when the primitive has none (and for leaves). Each output of a
    /// vector primitive call gives the call's distance at its recorded inputs.
    @inlinable public func localKinkDistance(_ i: Int) -> Double? {
        if let call = vectorPrimitive(i) { return call.primitive.kinkDistance(call.inputValues) }
        guard let (x, y, op, custom) = arguments(i) else { return nil }
        if let custom { return custom.kinkDistance(x.approximateDouble, y.approximateDouble) }
        return Rules.kinkDistance(op, x, y)?.approximateDouble
    }

    /// Why entry `i`'s recorded arguments are outside its domain, or nil.
    public func localDomainViolation(_ i: Int) -> String? {
        if let call = vectorPrimitive(i) { return call.primitive.domainViolation(call.inputValues) }
        guard let (x, y, op, custom) = arguments(i) else { return nil }
        if let custom { return custom.domainViolation(x.approximateDouble, y.approximateDouble) }
        return Rules.domainViolation(op, x, y, op == .powi ? Int(storage.pointee.rhs[i]) : 0)
    }

    /// The recorded arguments of a scalar entry (the second repeats the first for unary ops), its
    /// op and, for a user scalar primitive, its declaration.
    @usableFromInline func arguments(_ i: Int) -> (V, V, Op, (any ScalarPrimitive.Type)?)? {
        guard i >= 0 && i < count else { return nil }
        let s = storage.pointee
        let op = s.ops[i]
        let a = Int(s.lhs[i]), b = Int(s.rhs[i])
        if op == .custom {
            let c = s.customs[b]
            guard let p = c.scalar else { return nil }
            return (s.values[a], s.values[c.second >= 0 ? Int(c.second) : a], op, p)
        }
        switch op.arity {
        case 0: return nil
        case 1: return (s.values[a], s.values[a], op, nil)
        default: return (s.values[a], s.values[b], op, nil)
        }
    }

    /// The name reports give entry `i`: its op's, or a user primitive's own name (an error that
    /// said "custom" did not tell which of the user's rules to fix).
    ///
    /// ```swift
    /// tape.name(ofEntry: 1)   // "nanrule" when entry 1 is that user primitive, "mul" for a product
    /// ```
    public func name(ofEntry i: Int) -> String {
        entry(i)?.name ?? "entry \(i)"
    }

    /// The first and the last `.constant` entry at or after `start`, with their values: what a
    /// driver recording one long computation on several tapes needs to number entries as one
    /// tape would (a tape shares a constant with the most recent one of the same bits, so a
    /// fresh tape holds a constant entry that one long tape shares).
    @usableFromInline package func constantEntries(from start: Int) -> (first: (node: Int, value: V), last: (node: Int, value: V))? {
        let s = storage.pointee
        guard let first = (Swift.max(0, start)..<s.count).first(where: { s.ops[$0] == .constant }) else { return nil }
        let last = (first..<s.count).last(where: { s.ops[$0] == .constant }) ?? first
        return ((first, s.values[first]), (last, s.values[last]))
    }

    /// The first entry whose value is NaN or infinite, with its op: where a non-finite result was born.
    public func firstNonFiniteValue() -> (node: Int, op: Op)? {
        let s = storage.pointee
        for i in 0..<s.count where !s.values[i].isFiniteValue {
            return (i, s.ops[i])
        }
        return nil
    }

    /// The first entry that `nodes` depend on (``entriesReached(from:)``) whose value or local
    /// partial is NaN or infinite in any component, a dual's tangent included: on a Hessian's
    /// tape, where a non-finite second derivative was born though every value and first
    /// derivative was finite (pow(x, 1.5) at 0, whose partial 1.5√x has the tangent 0.75/√x).
    public func firstNonFiniteComponent(reachedFrom nodes: [Int]) -> (node: Int, op: Op)? {
        let reached = entriesReached(from: nodes)
        for i in 0..<count where reached[i] {
            if !storage.pointee.values[i].isFiniteInEveryComponent { return (i, storage.pointee.ops[i]) }
            if let p = localPartials(i), p.contains(where: { !$0.isFiniteInEveryComponent }) {
                return (i, storage.pointee.ops[i])
            }
        }
        return nil
    }

    /// The first entry whose local partial is NaN or infinite (√ at 0, say): where a non-finite
    /// derivative was born although every value was finite.
    public func firstNonFinitePartial() -> (node: Int, op: Op)? {
        for i in 0..<count {
            if let p = localPartials(i), p.contains(where: { !$0.isFiniteValue }) {
                return (i, storage.pointee.ops[i])
            }
        }
        return nil
    }

}

/// One recorded node, as seen from outside the tape.
public struct TapeEntry<V: ADScalar> {
    /// The entry's op (`.input` and `.constant` for leaves, `.custom` for a user primitive).
    public let op: Op
    /// The op's name, or the user primitive's.
    public let name: String
    /// Indices of the argument nodes.
    public let inputs: [Int]
    /// `powi`'s exponent; 0 otherwise.
    public let attribute: Int
    /// The value recorded for the entry.
    public let value: V

    @usableFromInline init(op: Op, name: String, inputs: [Int], attribute: Int, value: V) {
        self.op = op; self.name = name; self.inputs = inputs; self.attribute = attribute; self.value = value
    }
}

/// What the sweep shows an observer: each entry's cotangent as the sweep reaches it.
public protocol SweepObserver {
    associatedtype V
    func see(_ entry: Int, _ cotangent: V)
}

/// Whether a sweep counts ops and applies planted rule mutations, fixed for the whole sweep.
@usableFromInline protocol SweepInstrumentation { static var isActive: Bool { get } }
/// The sweep of an uninstrumented thread: the tests fold away.
@usableFromInline enum PlainSweep: SweepInstrumentation { @inlinable static var isActive: Bool { false } }
/// The sweep while a counting scope or a mutation is active on this thread.
@usableFromInline enum InstrumentedSweep: SweepInstrumentation { @inlinable static var isActive: Bool { true } }

/// The plain sweep's observer: nothing.
@usableFromInline struct NoSweepObserver<V>: SweepObserver {
    @inlinable init() {}
    @inlinable @inline(__always) func see(_ entry: Int, _ cotangent: V) {}
}

/// Writes every entry's cotangent into a buffer (``Tape/nodeCotangents(from:)``).
@usableFromInline struct RecordingSweepObserver<V>: SweepObserver {
    @usableFromInline let into: UnsafeMutablePointer<V>?
    @inlinable init(into: UnsafeMutablePointer<V>?) { self.into = into }
    @inlinable @inline(__always) func see(_ entry: Int, _ cotangent: V) { into?[entry] = cotangent }
}

extension Tape where V == Double {
    /// The Double sweep's one compiled copy (see ``Tape/sweepLoop(seeds:inputAdjoints:scratch:)``).
    @usableFromInline @inline(never)
    func compiledSweepLoop(seeds: [(Int, Double)], inputAdjoints out: UnsafeMutableBufferPointer<Double>,
                           scratch adj: UnsafeMutablePointer<Double>) {
        sweepLoop(seeds: seeds, inputAdjoints: out, scratch: adj, observer: NoSweepObserver())
    }
}

extension Tape where V == Float {
    /// The Float sweep's one compiled copy (see ``Tape/sweepLoop(seeds:inputAdjoints:scratch:)``).
    @usableFromInline @inline(never)
    func compiledSweepLoop(seeds: [(Int, Float)], inputAdjoints out: UnsafeMutableBufferPointer<Float>,
                           scratch adj: UnsafeMutablePointer<Float>) {
        sweepLoop(seeds: seeds, inputAdjoints: out, scratch: adj, observer: NoSweepObserver())
    }
}
