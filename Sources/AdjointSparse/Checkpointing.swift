import AdjointCore

// Checkpointed reverse mode for N repeated steps x_{k+1} = step(x_k), loss L(x_N).
//
// Schedule: two levels, √N snapshots (our stated choice, not Revolve's binomial schedule). The
// forward pass keeps x_k only every s = ⌈√N⌉ steps (each segment is recorded on a tape that is
// dropped at once, the fast path for recording). The reverse pass takes the segments
// last to first: record the segment's s steps from its snapshot on a fresh tape, sweep it with the
// cotangent handed back by the later segment, and drop the tape. Memory: N/s snapshots of d values
// plus one segment's tape (s steps), i.e. O(√N); work: every step recorded twice plus one sweep. Recording each step on its own tape (tried first) gave
// the same memory bound but paid the fixed cost of a recording 10⁵ times: 100× the plain tape.
//
// Why the result is bit-identical to one tape over the whole loop: a segment's inputs are leaves on
// its own tape, and the sweep of that tape adds into each entry's adjoint the same products in the
// same (reverse) order as the long tape's sweep does; the long tape starts every adjoint at 0 and
// so does the fresh tape, and a segment boundary only hands over the finished sum (0 + u = u).
// That needs the segment's leaves to be the long tape's nodes: a state entry that repeats another's
// node shares its leaf, and a constant entry stays a constant (``StateLayout``).

/// A checkpointed gradient with what it cost.
public struct CheckpointedGradient<V: ADScalar> {
    /// L(x_N).
    public let value: V
    /// ∇ₓ₀ L(x_N).
    public let gradient: [V]
    /// Snapshots kept by the forward pass (states every `interval` steps).
    public let snapshots: Int
    /// Steps between snapshots.
    public let interval: Int
    /// Largest tape recorded (one segment of `interval` steps, or the loss), in bytes.
    public let peakTapeBytes: Int
    /// Bytes of the stored snapshots.
    public let storedStateBytes: Int
    /// What the N steps and the loss reported (kinks touched, escapes), each evaluation once, as
    /// one tape over the loop reports them: the reverse pass evaluates every step again and adds
    /// nothing here or to an enclosing ``AdjointCore/Diagnostics/collect(_:)``.
    public let diagnostics: EvaluationDiagnostics

    @usableFromInline init(value: V, gradient: [V], snapshots: Int, interval: Int, peakTapeBytes: Int, storedStateBytes: Int,
                           diagnostics: EvaluationDiagnostics = EvaluationDiagnostics()) {
        self.value = value; self.gradient = gradient; self.snapshots = snapshots; self.interval = interval
        self.peakTapeBytes = peakTapeBytes; self.storedStateBytes = storedStateBytes; self.diagnostics = diagnostics
    }
}

/// The gradient of `loss(step^N(x₀))` with respect to x₀ without keeping the N steps on one tape:
/// states are snapshotted every ⌈√N⌉ steps, each segment of ⌈√N⌉ steps is re-recorded from its
/// snapshot on a fresh tape during the reverse pass, and the vector–Jacobian products are chained. The result is bit-identical
/// (`==`) to the gradient of the same loop recorded on one tape.
///
/// `step` must be a pure function of its argument (it is evaluated twice per step: once forward,
/// once when its segment is recomputed) and must return as many values as it takes.
///
/// ```swift
/// // 10⁶ explicit Euler steps of a damped oscillator, with O(√N) memory.
/// let h: Reverse<Double> = 1e-6   // the step's scalar type: Double · Reverse<Double> has no operator
/// let g = try checkpointedGradient(steps: 1_000_000, state: [1.0, 0.0],
///     step: { (s: [Reverse<Double>]) -> [Reverse<Double>] in [s[0] + h * s[1], s[1] - h * (s[0] + 0.1 * s[1])] },
///     loss: { s in s[0] * s[0] + s[1] * s[1] })
/// g.gradient   // ∂L/∂x₀ ≈ [1.89856309771573, 0.128253095066018]: 10⁶ steps' rounding (exact: [1.89856309771574, 0.128253095066082])
/// ```
///
/// The gradient is with respect to the initial state only. For parameters θ of the step (an
/// ODE's coefficients), carry them in the state and have `step` return them unchanged: the
/// state's θ entries of the gradient are then ∂L/∂θ, summed over every step that reads them.
/// A cost summed along the trajectory, Σₖ c(x_k), is an entry of the state that each step adds
/// c(x_k) to and `loss` reads.
///
/// Write the step closure's type out: with `let h = 1e-6` and an untyped closure (as this
/// example once read) the compiler gives up ("unable to type-check this expression in
/// reasonable time").
///
/// - Parameter tapeLimit: the entry bound for each segment's tape (see ``AdjointCore/Tape``).
/// - Throws: domain errors as ``AdjointCore/record(_:at:tapeLimit:)`` does, a non-finite loss (a state
///   entry that is not finite is kept, as the plain tape keeps it, unless the loss reads it) naming
///   the op and the step where the first non-finite value appeared ("non-finite output 0: first
///   produced by mul in step 26 of 40 (checkpoint segment 4 of 6: steps 22–28)"), and
///   ``AdjointCore/ADError/dimensionMismatch(what:expected:got:)`` when a step changes the state size.
@inlinable public func checkpointedGradient<V: ADScalar>(
    steps: Int, state x0: [V],
    step: ([Reverse<V>]) -> [Reverse<V>], loss: ([Reverse<V>]) -> Reverse<V>,
    tapeLimit: Int = Tape<V>.defaultLimit
) throws -> CheckpointedGradient<V> {
    guard steps >= 0 else { throw ADError.invalidArgument("steps must be ≥ 0, got \(steps)") }
    let d = x0.count
    let interval = max(1, Int(Double(steps).squareRoot().rounded(.up)))
    // Forward: each segment recorded on a fresh tape that is dropped at once, keeping only the
    // state at its end. Evaluating on constants instead (tried) records nothing but takes every op
    // through the slow constant path: the whole gradient cost 8× the plain tape instead of ~3×.
    var snapshots: [[V]] = []
    var s = x0
    // Which state entries are one variable or a constant at each snapshot (nil: each its own
    // variable, the usual case), so that a segment's tape sees the state as one long tape does.
    var layouts: [StateLayout?] = []
    var layout: StateLayout? = nil
    var first = 0, stepsRecorded = false
    // Kinks name nodes: each segment's own, which repeat from segment to segment (abs at node 2
    // in every third step, a review), renamed to the node one tape over the loop gives them.
    // That tape holds the d inputs, then each segment's entries past its leaves (the state's
    // variables, already on it) in order, since a segment records what the long tape records
    // for its steps (which is why the gradient is the same to the bit), with one exception: a
    // tape shares a constant with its most recent one of the same bits, so a segment's first
    // constant is not on the long tape when the long tape's last constant before it has its bits.
    var nextNode = d
    var lastConstant: (node: Int, bits: UInt64)? = nil
    let sharesConstants = V.self == Double.self || V.self == Float.self
    func onOneTape(leaves: Int, _ body: () throws -> Recording<V>) throws -> Recording<V> {
        var node: (Int) -> Int? = { _ in nil }
        let rec = try Diagnostics.collect({
            let rec = try body()
            let base = nextNode
            let constants = sharesConstants ? rec.tape.constantEntries(from: leaves) : nil
            let bits = { (v: V) in Double(v.approximateDouble).bitPattern }
            let shared = constants.flatMap { c in lastConstant.flatMap { $0.bits == bits(c.first.value) ? (c.first.node, $0.node) : nil } }
            node = { k in
                if k < leaves { return nil }
                guard let (skipped, onLongTape) = shared else { return base + k - leaves }
                return k == skipped ? onLongTape : base + k - leaves - (k > skipped ? 1 : 0)
            }
            nextNode = base + rec.tape.count - leaves - (shared == nil ? 0 : 1)
            if let c = constants, let at = node(c.last.node) { lastConstant = (at, bits(c.last.value)) }
            return rec
        }, keeping: { $0.renumberingNodes(node) })
        return rec
    }
    let lossRecording: Recording<V>, diagnostics: EvaluationDiagnostics
    do {
        (lossRecording, diagnostics) = try Diagnostics.collect { () throws -> Recording<V> in
            repeat {
                snapshots.append(s); layouts.append(layout)
                let last = min(steps, first + interval)
                let rec: Recording<V>
                do {
                    rec = try onOneTape(leaves: StateLayout.variables(layout, stateSize: d)) {
                        try recordSegment(step, from: s, layout: layout, steps: last - first, stateSize: d, tapeLimit: tapeLimit)
                    }
                } catch let e as ADError {
                    throw stepOrigin(of: e, step: step, from: s, layout: layout, first: first, last: last, steps: steps,
                                     segment: snapshots.count - 1, interval: interval, stateSize: d, tapeLimit: tapeLimit)
                }
                s = rec.value
                layout = StateLayout(rec.outputs)
                first = last
            } while first < steps
            stepsRecorded = true
            return try onOneTape(leaves: StateLayout.variables(layout, stateSize: d)) {
                try recordState(s, layout: layout, tapeLimit: tapeLimit, finiteOutputs: true) { [loss($0)] }
            }
        }
    } catch ADError.nonFinite(let what, let op, _) where stepsRecorded {
        // The loss tape's inputs are the state, so a state that overflowed in step 26 was
        // reported as "first produced by input at node 0", a node of a tape the caller never
        // saw, where one tape over the loop names the mul of step 26.
        throw nonFiniteOrigin(what: what, lossOp: op, step: step, snapshots: snapshots, layouts: layouts,
                              interval: interval, steps: steps, stateSize: d, tapeLimit: tapeLimit)
    }
    // The cotangent handed from segment to segment is carried as cotangent·2^exponent: the
    // cotangent of a state can lie below the range where the gradient does not. Six steps of
    // ·10¹⁰⁰ and L = (x·10⁻³⁰⁰)·10⁻³⁰⁰ at x₀ = 10⁻³⁰⁰ hand ∂L/∂x₆ = 10⁻⁶⁰⁰ to the last segment,
    // and ∂L/∂x₀ = 1 came back 0 where one tape's gradient recovers it (a review). Once a
    // segment's sweep underflows, each later one runs with its cotangent lifted so that its
    // largest adjoint sits 2⁸ below the top of the range (exact: powers of two).
    var exponent = 0
    func handedOn(_ rec: Recording<V>, _ u: [V], reached: [Bool]?, exactly: () throws -> [Bool],
                  what: (Int) -> String) throws -> (cotangent: [V], reached: [Bool]?) {
        guard let (top, _) = rangeRecoveryFormat(V.self) else {
            return try pullbackCountingZeroSeeds(rec, u, reached: reached, exactly: exactly, what: what)
        }
        if exponent == 0 {
            let watch = UnderflowWatch()
            let plain = try pullbackCountingZeroSeeds(rec, u, reached: reached, exactly: exactly, what: what)
            let raised = watch.underflowed
            watch.end()
            if !raised { return plain }
        }
        guard let largest = u.map({ $0.approximateDouble.magnitude }).filter(\.isFinite).max(), largest > 0 else {
            return try pullbackCountingZeroSeeds(rec, u, reached: reached, exactly: exactly, what: what)
        }
        // The adjoints of u scaled to a largest entry near 1, so that they are themselves in range.
        let unit = Int(largest.exponent)
        let normalized = scaled(u, by: -unit, top: top)
        let adjoints = Diagnostics.collect({ Diagnostics.quietly { rec.tape.nodeCotangents(from: Array(zip(rec.outputs, normalized))) } }).result
        guard let m = adjoints.map({ $0.approximateDouble.magnitude }).filter(\.isFinite).max(), m > 0,
              adjoints.allSatisfy(\.isFiniteValue) else {
            return try pullbackCountingZeroSeeds(rec, u, reached: reached, exactly: exactly, what: what)
        }
        let k = top - 8 - Int(m.exponent) - unit
        exponent -= k
        return try pullbackCountingZeroSeeds(rec, scaled(u, by: k, top: top), reached: reached, exactly: exactly, what: what)
    }
    // `reached`: which entries of the state the loss depends on structurally, once that had to be
    // worked out (see ``pullbackCountingZeroSeeds(_:_:reached:exactly:what:)``); nil until then.
    var (cotangent, reached) = try handedOn(lossRecording, [1], reached: nil, exactly: { [true] },
                                            what: { "derivative with respect to state entry \($0) after step \(steps)" })
    (cotangent, reached) = StateLayout.entries(cotangent, reached, layout)
    var peak = lossRecording.tape.byteCount
    /// Which entries of the state after segment `k` the loss depends on structurally: walked from
    /// the loss through the later segments, recorded again (only where a zero cotangent meets an
    /// infinite or NaN partial, so rarely).
    func stateReached(after k: Int) throws -> [Bool] {
        var r = StateLayout.reached(inputsReached(lossRecording, from: [true]), layout)
        for later in stride(from: snapshots.count - 1, to: k, by: -1) {
            let first = later * interval
            let rec = try recordSegment(step, from: snapshots[later], layout: layouts[later], steps: min(steps, first + interval) - first,
                                        stateSize: d, tapeLimit: tapeLimit)
            r = StateLayout.reached(inputsReached(rec, from: r), layouts[later])
        }
        return r
    }
    // Reverse: each segment recorded from its snapshot on a fresh tape, swept once, released.
    // Its kinks and escapes are the forward pass's again (each step evaluated twice counted every
    // kink twice where one tape counts it once): only errors go on to an enclosing collection.
    try Diagnostics.collect({
        for segment in stride(from: snapshots.count - 1, through: 0, by: -1) {
            let first = segment * interval
            let last = min(steps, first + interval)
            let rec = try recordSegment(step, from: snapshots[segment], layout: layouts[segment], steps: last - first,
                                        stateSize: d, tapeLimit: tapeLimit)
            peak = max(peak, rec.tape.byteCount)
            (cotangent, reached) = try handedOn(rec, cotangent, reached: reached, exactly: { try stateReached(after: segment) },
                                                what: { j in
                segment == 0 ? "derivative with respect to input \(j)" : "derivative with respect to state entry \(j) after step \(first)"
            })
            (cotangent, reached) = StateLayout.entries(cotangent, reached, layouts[segment])
        }
    }, keeping: { d in
        var kept = EvaluationDiagnostics()
        kept.errors = d.errors; kept.errorCount = d.errorCount
        return kept
    })
    if exponent != 0, let (top, _) = rangeRecoveryFormat(V.self) { cotangent = scaled(cotangent, by: exponent, top: top) }
    return CheckpointedGradient(value: lossRecording.value[0], gradient: cotangent, snapshots: snapshots.count,
                                interval: interval, peakTapeBytes: peak,
                                storedStateBytes: snapshots.count * d * MemoryLayout<V>.stride
                                    + layouts.reduce(0) { $0 + ($1?.variable.count ?? 0) } * MemoryLayout<Int>.stride,
                                diagnostics: diagnostics)
}

/// The non-finite loss of a checkpointed gradient as one tape over the loop names it: the first
/// op, in evaluation order, whose value is not finite, placed by its step (1-based, with the
/// checkpoint segment holding it) or in the loss. Only on the error path: every segment is
/// recorded again from its snapshot until one holds a non-finite value, and that one step by step.
@inlinable func nonFiniteOrigin<V: ADScalar>(
    what: String, lossOp: String?, step: ([Reverse<V>]) -> [Reverse<V>], snapshots: [[V]], layouts: [StateLayout?],
    interval: Int, steps: Int, stateSize d: Int, tapeLimit: Int
) -> ADError {
    if let j = snapshots.first?.firstIndex(where: { !$0.isFiniteValue }) {
        return .nonFinite(what: what, op: "entry \(j) of the initial state", node: nil)
    }
    /// The op of `rec` that first gave a non-finite value from finite ones (a leaf's is not: it
    /// came from an earlier step).
    func born(_ rec: Recording<V>) -> String? {
        guard let origin = rec.tape.firstNonFiniteValue(), origin.op != .input else { return nil }
        return rec.tape.name(ofEntry: origin.node)
    }
    for (segment, snapshot) in snapshots.enumerated() {
        let first = segment * interval, last = min(steps, first + interval)
        // The forward pass recorded these same segments without an error.
        guard let rec = try? recordSegment(step, from: snapshot, layout: layouts[segment], steps: last - first,
                                           stateSize: d, tapeLimit: tapeLimit), born(rec) != nil else { continue }
        var state = snapshot, layout = layouts[segment]
        for k in first..<last {
            guard let one = try? recordSegment(step, from: state, layout: layout, steps: 1, stateSize: d, tapeLimit: tapeLimit) else { break }
            if let op = born(one) {
                return .nonFinite(what: what, op: "\(op) in step \(k + 1) of \(steps) (checkpoint segment \(segment + 1) of "
                                  + "\(snapshots.count): steps \(first + 1)–\(last))", node: nil)
            }
            state = one.value
            layout = StateLayout(one.outputs)
        }
    }
    return .nonFinite(what: what, op: lossOp.map { "\($0) in the loss" } ?? "the loss", node: nil)
}

/// A domain error or unsupported op met while recording a segment, placed as
/// ``nonFiniteOrigin(what:lossOp:step:snapshots:layouts:interval:steps:stateSize:tapeLimit:)``
/// places a non-finite value: by its step and segment, where the segment's own tape named a node
/// of its own ("log at node 11", which one tape over the loop numbers 33). Only on the error
/// path: the segment is recorded again from its snapshot, one step at a time.
@inlinable func stepOrigin<V: ADScalar>(
    of error: ADError, step: ([Reverse<V>]) -> [Reverse<V>], from snapshot: [V], layout: StateLayout?,
    first: Int, last: Int, steps: Int, segment: Int, interval: Int, stateSize d: Int, tapeLimit: Int
) -> ADError {
    let segments = Swift.max(1, (steps + interval - 1) / interval)
    func placed(_ op: String, _ k: Int) -> String {
        "\(op) in step \(k + 1) of \(steps) (checkpoint segment \(segment + 1) of \(segments): steps \(first + 1)–\(last))"
    }
    var state = snapshot, layout = layout
    for k in first..<last {
        do {
            let one = try recordSegment(step, from: state, layout: layout, steps: 1, stateSize: d, tapeLimit: tapeLimit)
            state = one.value
            layout = StateLayout(one.outputs)
        } catch let e as ADError {
            switch e {
            case let .domain(op, _, inputs, reason): return .domain(op: placed(op, k), node: nil, inputs: inputs, reason: reason)
            case let .unsupported(op, type, _): return .unsupported(op: placed(op, k), scalarType: type, node: nil)
            default: return e
            }
        } catch {
            return error as? ADError ?? .invalidArgument("\(error)")
        }
    }
    return error
}

/// `u`·2ᵏ (2ᵏ itself may not be a V): in equal parts, each within V's exponents, so that no
/// part leaves the range on the way where the whole does not (a part of 2⁻¹⁰²³ first took a
/// value of 2¹⁰⁰⁰ to 2⁻²³ and then below the range, for 2⁻¹¹⁰⁰ overall).
@inlinable func scaled<V: ADScalar>(_ u: [V], by k: Int, top: Int) -> [V] {
    let parts = Swift.max(1, (Swift.abs(k) + top - 1) / top)
    var u = u, left = k
    for p in 0..<parts {
        let step = left / (parts - p)
        let factor = V(Double(sign: .plus, exponent: step, significand: 1))
        u = u.map { $0 * factor }
        left -= step
    }
    return u
}

/// `count` steps from `x` recorded on a fresh tape (inlinable, like its caller, so that the
/// recording and the sweep are specialized for the caller's scalar type: unspecialized, the sweep
/// ran through witness tables at 8× the plain tape's time). A step returning the wrong number of values
/// stops the loop (the next step would index out of range) and throws. A state entry that is not
/// finite is kept, as the plain tape keeps it: only the loss is checked, and one that never reads
/// it has a finite gradient (a state entry ×10¹⁰⁰ per step was refused after nine steps).
@inlinable func recordSegment<V: ADScalar>(
    _ step: ([Reverse<V>]) -> [Reverse<V>], from x: [V], layout: StateLayout?, steps count: Int, stateSize d: Int, tapeLimit: Int
) throws -> Recording<V> {
    var wrongSize: Int?
    let rec = try recordState(x, layout: layout, tapeLimit: tapeLimit, finiteOutputs: false) { x in
        var s = x
        for _ in 0..<count {
            let next = step(s)
            if next.count != d { wrongSize = next.count; break }
            s = next
        }
        return s
    }
    if let got = wrongSize { throw ADError.dimensionMismatch(what: "state size returned by step", expected: d, got: got) }
    return rec
}

/// `body` recorded on a fresh tape at the state `x` laid out as `layout` says: one tape variable
/// per distinct variable of the state, shared by the entries that held it, and constants where
/// the state held constants. The recording's inputs are those distinct variables.
@inlinable func recordState<V: ADScalar>(_ x: [V], layout: StateLayout?, tapeLimit: Int, finiteOutputs: Bool,
                                         _ body: ([Reverse<V>]) -> [Reverse<V>]) throws -> Recording<V> {
    guard let layout else { return try record(body, at: x, tapeLimit: tapeLimit, finiteOutputs: finiteOutputs) }
    var values: [V] = []
    for (i, k) in layout.variable.enumerated() where k == values.count { values.append(x[i]) }
    return try record({ v in
        body(layout.variable.indices.map { i in layout.variable[i] < 0 ? Reverse(constant: x[i]) : v[layout.variable[i]] })
    }, at: values, tapeLimit: tapeLimit, finiteOutputs: finiteOutputs)
}

/// How the state's entries map to tape variables where that is not one variable each: a step
/// that returns one node in two entries ([t, t]) or a constant (a reset `Reverse(0)`).
///
/// A segment's tape made every state entry a variable of its own. Where a step returned one node
/// twice, one tape sums that node's cotangent over the uses of both entries in the order of the
/// tape, while the segments summed each entry's uses apart and then the two sums: the gradient
/// differed from the plain tape's in the last bit (3 steps of t = sin b + cos a + 0.13b², state
/// (t, t): −0.26913558526918413 against −0.2691355852691841), where it is documented `==`.
@usableFromInline struct StateLayout {
    /// For each entry, its variable (numbered in order of first appearance) or −1 for a constant.
    @usableFromInline let variable: [Int]

    /// The layout of `outputs`, or nil when each is a variable of its own.
    @inlinable init?<V>(_ outputs: [Reverse<V>]) {
        // The usual state, variables in increasing node order, needs no dictionary.
        var previous = -1, increasing = true
        for o in outputs {
            guard let node = o.node, node > previous else { increasing = false; break }
            previous = node
        }
        if increasing { return nil }
        var index: [Int: Int] = [:], variable: [Int] = [], plain = true
        variable.reserveCapacity(outputs.count)
        for o in outputs {
            guard let node = o.node else { variable.append(-1); plain = false; continue }
            if let k = index[node] { variable.append(k); plain = false; continue }
            index[node] = index.count
            variable.append(index.count - 1)
        }
        if plain { return nil }
        self.variable = variable
    }

    /// The tape variables of a state laid out as `layout` says (nil: one per entry).
    @inlinable static func variables(_ layout: StateLayout?, stateSize d: Int) -> Int {
        layout.map { ($0.variable.max() ?? -1) + 1 } ?? d
    }

    /// Per-variable cotangents and reachability as per-entry ones for the tape before: the first
    /// entry holding a variable carries its whole cotangent, the others (the same node there) 0.
    @inlinable static func entries<V: ADScalar>(_ cotangent: [V], _ reached: [Bool]?, _ layout: StateLayout?) -> ([V], [Bool]?) {
        guard let layout else { return (cotangent, reached) }
        var c: [V] = [], seen = 0
        for k in layout.variable {
            if k == seen { c.append(cotangent[k]); seen += 1 } else { c.append(0) }
        }
        return (c, reached.map { Self.reached($0, layout) })
    }

    /// Per-variable reachability as per-entry: an entry that repeats an earlier one's variable
    /// (seeded 0 on the node they share) and a constant are not reached themselves.
    @inlinable static func reached(_ reached: [Bool], _ layout: StateLayout?) -> [Bool] {
        guard let layout else { return reached }
        var r: [Bool] = [], seen = 0
        for k in layout.variable {
            if k == seen { r.append(reached[k]); seen += 1 } else { r.append(false) }
        }
        return r
    }
}

/// `rec.pullback(u)` as the sweep of one long tape would give it.
///
/// The sweep skips a seed that is exactly 0 (Double and Float): on one tape, an entry no seeded
/// output depends on then adds 0 even where its partial is infinite, while an entry that is
/// reached but whose cotangent computed to 0 keeps 0·∞ = NaN (√v·√v at 0, whose derivative is 1).
/// A segment boundary hands over a cotangent, not the reachability behind it: a state entry the
/// loss reads whose cotangent is exactly 0 arrived as a skipped seed, and the 0·∞ of √ at 0 in an
/// earlier segment became 0. The checkpointed gradient of (√x)² at 0 was [0.0], where the plain
/// tape throws a non-finite derivative (the true one is 1).
///
/// So a second sweep, seeded with 1 and then (if that gives a non-finite entry) with the least
/// nonzero magnitude on the outputs whose seed is 0, finds the inputs a 0·∞ could reach (products
/// of partials from that magnitude stay finite: they would have to exceed 10⁶³¹). Where it finds none (the usual case) nothing more is done. Where
/// it does, whether those outputs are reached decides, as on one tape: `reached` (per output),
/// worked out by `exactly` the first time it is needed and then carried on (returned per input,
/// nil while it was never needed). Walking each tape's reachability every time a cotangent held a
/// 0 (a state entry the loss never reads) doubled the checkpointed gradient's time.
///
/// - Parameter what: names input j of `rec` in the error.
@inlinable func pullbackCountingZeroSeeds<V: ADScalar>(_ rec: Recording<V>, _ u: [V], reached: [Bool]?,
                                                       exactly: () throws -> [Bool],
                                                       what: (Int) -> String) throws -> (cotangent: [V], reached: [Bool]?) {
    let g: [V]
    do {
        g = try rec.pullback(u)
    } catch ADError.nonFinite(_, let op, _) {
        // The pullback names input j and node k of this segment's own tape ("input 1", "node 3"),
        // which the caller cannot place: name the state entry and the step instead.
        let unchecked = try rec.pullback(u, checked: false)
        let j = unchecked.firstIndex(where: { !$0.isFiniteValue }) ?? 0
        throw ADError.nonFinite(what: what(j), op: op, node: nil)
    }
    // Other scalar types' zero seeds already count in the sweep (their == compares values only).
    guard V.self == Double.self || V.self == Float.self else { return (g, nil) }
    let tiny = V.self == Double.self ? V(Double.leastNonzeroMagnitude) : V(Double(Float.leastNonzeroMagnitude))
    func nonFiniteSpread(from outputs: [Int]) throws -> Int? {
        guard !outputs.isEmpty else { return nil }
        // Seeded with 1 first: a sweep of subnormal cotangents ran at a fraction of the speed of
        // normal ones. Only where that overflows or meets ∞ does the least magnitude decide.
        for seed in [V(1), tiny] {
            var probe = [V](repeating: 0, count: u.count)
            for i in outputs { probe[i] = seed }
            guard let j = try rec.pullback(probe, checked: false).firstIndex(where: { !$0.isFiniteValue }) else { return nil }
            if seed == tiny { return j }
        }
        return nil
    }
    var reached = reached
    var zeros = u.indices.filter { u[$0] == 0 && (reached?[$0] ?? true) }
    var spread = try nonFiniteSpread(from: zeros)
    if spread != nil && reached == nil {
        let exact = try exactly()
        reached = exact
        zeros = zeros.filter { exact[$0] }
        spread = try nonFiniteSpread(from: zeros)
    }
    if let j = spread {
        let origin = rec.tape.firstNonFinitePartial()
        throw ADError.nonFinite(what: what(j) + " (0·∞: a zero cotangent meets an infinite partial)",
                                op: origin.map { rec.tape.name(ofEntry: $0.node) }, node: nil)
    }
    guard let reached else { return (g, nil) }
    // A nonzero adjoint is reached; only zeros need the walk.
    guard g.contains(where: { $0 == 0 }) else { return (g, Array(repeating: true, count: g.count)) }
    return (g, inputsReached(rec, from: reached))
}

/// The inputs of `rec` that its outputs flagged in `reached` depend on structurally: the tape's
/// ``AdjointCore/Tape/entriesReached(from:)``, the sweep's own rule, so that a segment boundary
/// decides reachability exactly as one long tape's sweep does.
@usableFromInline func inputsReached<V: ADScalar>(_ rec: Recording<V>, from reached: [Bool]) -> [Bool] {
    let outputs = rec.outputs.indices.compactMap { i in i < reached.count && reached[i] ? rec.outputs[i].node : nil }
    let mark = rec.tape.entriesReached(from: outputs)
    return rec.inputs.map { v in v.node.map { $0 < mark.count && mark[$0] } ?? false }
}
