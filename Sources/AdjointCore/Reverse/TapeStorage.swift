import CAdjointSupport

/// The flat Wengert list behind a ``Tape``: one entry per evaluated op, stored as a struct of
/// arrays (op code, two argument indices, output value). No closures, no per-node objects.
///
/// Variables hold a raw pointer to this storage rather than a class reference: reaching the tape
/// through ARC on every op costs 10–25× more than the op itself (see SETUP-NOTES), which would
/// break the cheap-gradient bound for scalar code.
///
/// For `powi` the second index holds the integer exponent; for unary ops it repeats the first.
@usableFromInline
struct TapeStorage<V: ADScalar> {
    @usableFromInline var ops: UnsafeMutablePointer<Op>
    @usableFromInline var lhs: UnsafeMutablePointer<Int32>
    @usableFromInline var rhs: UnsafeMutablePointer<Int32>
    @usableFromInline var values: UnsafeMutablePointer<V>
    /// The partials of the entries whose op keeps it (``Rules/keepsPartial(_:)``: sin, cos), in
    /// recording order, `partialCount` of them; such an entry's `rhs` (unused by unary ops) holds
    /// its partial's index, so a sweep may start anywhere. Why: computing cos x while sin x is made
    /// (one sincos) instead of in the sweep removed a libm call per sin from every gradient.
    @usableFromInline var partials: UnsafeMutablePointer<V>
    @usableFromInline var partialCount = 0
    /// Raw scratch for sweep adjoints (`allocated` entries of V), kept with the tape and pooled
    /// with it: a fresh multi-megabyte array per sweep cost its page faults every call.
    @usableFromInline var adjointScratch: UnsafeMutableRawPointer?
    /// For Double and Float tapes: the whole adjoint scratch is zero bits. The sweep zeroes each
    /// adjoint as it consumes it, so the next sweep (or the next tape reusing the buffer) can skip
    /// clearing megabytes it would otherwise `memset` every call.
    @usableFromInline var adjointsZeroed: Bool
    /// Whether V's zero is all-zero bits and needs no deinitialization, so the zeroed-scratch
    /// invariant can be kept (decided at compile time after specialization).
    @usableFromInline static var hasZeroBitPattern: Bool { V.self == Double.self || V.self == Float.self }
    @usableFromInline var count: Int
    /// Number of `.input` entries; each stores its ordinal (0, 1, …) in `lhs`, which a leaf does
    /// not otherwise use, so the sweep can hand input adjoints out without a side table.
    @usableFromInline var inputCount = 0
    /// How many entries at the start of the tape are inputs (entry k is the input of ordinal k):
    /// the sweep hands their adjoints out in one plain loop instead of one dispatch per input
    /// (a gradient of n inputs recorded them first, one entry in eight of the benchmark's tape).
    @usableFromInline var leadingInputs = 0
    /// Usable entries: never more than `limit`, so the limit check is the growth check.
    @usableFromInline var capacity: Int
    /// Entries the buffers actually hold (a pooled buffer may be larger than `capacity`).
    @usableFromInline var allocated: Int
    /// Most entries this tape may hold; past it recording stops and reports ``ADError/limitExceeded(what:limit:)``.
    @usableFromInline let limit: Int
    /// This tape's number, with the observation bit (`ADJOINT_OBSERVED_BIT`) set while anything
    /// observes (counts ops or plants a rule mutation): variables carry the number without the
    /// bit, so an op compares one word to find its tape live and unobserved, and takes the slow
    /// path that counts otherwise (see Reverse). Set to 0 when the tape dies: the header memory is
    /// recycled, never freed (see `Tape.deinit`). Written only by CAdjointSupport, under the lock
    /// that re-marks live headers when the observation flags change.
    @usableFromInline var generation: UInt32
    /// The tape's number without the observation bit: what its variables carry.
    ///
    /// Read with plain loads while CAdjointSupport writes the word atomically, under its lock,
    /// from whichever thread changes the observation flags. Only the bit can change under a
    /// live tape, and only another thread's marking can race with this thread's ops; what that
    /// thread observes (its scopes, its tasks' counts) never includes this thread's ops, and the
    /// thread that opens a scope marks the header before its own next op (program order), as a
    /// child task sees its parent's marks (task creation orders them). A relaxed atomic load
    /// through C (`adjoint_generation_load`, tried) cost 7 instructions a term and moved the
    /// sweep's code layout (its own code unchanged) enough to double its time (1.73 → 3.12 × plain, alternated runs).
    @inlinable var liveGeneration: UInt32 { generation & ~UInt32(ADJOINT_OBSERVED_BIT) }
    /// Where ``generation`` lies in the header, for CAdjointSupport's writes.
    @inlinable static var generationOffset: UInt {
        UInt(MemoryLayout<TapeStorage<V>>.offset(of: \TapeStorage<V>.generation) ?? 0)
    }
    /// Most entries reserved before any are recorded; beyond it the tape grows by doubling, so an
    /// over-generous capacity hint cannot allocate gigabytes up front.
    @usableFromInline static var largestInitialCapacity: Int { 1 << 24 }
    /// Index of the most recent `.constant` entry, or −1: see ``pushConstant(_:)``.
    @usableFromInline var lastConstant: Int32 = -1
    /// Set once the limit is hit, so the error is reported once.
    @usableFromInline var isFull = false
    /// Side table of user-primitive nodes: a `.custom` entry's `rhs` indexes it. Built-in ops never
    /// touch it, so they keep their 17 bytes per entry.
    @usableFromInline var customs: [CustomNode] = []
    /// Per entry of ``customs``, a scalar primitive's partials as a function specialised for `V`
    /// where it was recorded (nil for a vector primitive). Why: the sweep reached the rule
    /// through `customs`' existential, an unspecialised generic call whose runtime metadata
    /// lookups made a user primitive's gradient several times a built-in's.
    @usableFromInline var customRules: [((V, V, V) -> (V, V))?] = []
    /// The argument arrays of the vector primitive calls ``customs`` refers to.
    @usableFromInline var vectorCalls: [VectorCallArguments] = []

    /// Bytes one entry occupies while recorded (the reverse sweep adds one `V` per entry for adjoints).
    @usableFromInline static var bytesPerEntry: Int {
        MemoryLayout<Op>.stride + 2 * MemoryLayout<Int32>.stride + MemoryLayout<V>.stride
    }

    @usableFromInline init(capacity: Int, limit: Int, generation: UInt32) {
        self.generation = generation
        // Clamp the limit first: a caller's Int.max would overflow the byte counts below.
        let clampedLimit = Swift.min(Swift.max(1, limit), Int(Int32.max))
        let b = TapeBufferPool.take(capacity: Swift.max(16, Swift.min(capacity, clampedLimit, TapeStorage.largestInitialCapacity)),
                                    valueStride: MemoryLayout<V>.stride)
        ops = b.ops.bindMemory(to: Op.self, capacity: b.capacity)
        lhs = b.lhs.bindMemory(to: Int32.self, capacity: b.capacity)
        rhs = b.rhs.bindMemory(to: Int32.self, capacity: b.capacity)
        values = b.values.bindMemory(to: V.self, capacity: b.capacity)
        partials = b.partials.bindMemory(to: V.self, capacity: b.capacity)
        adjointScratch = b.adjoints
        adjointsZeroed = b.adjointsZeroed && Self.hasZeroBitPattern
        customs = b.customs
        customRules = b.customRules as? [((V, V, V) -> (V, V))?] ?? []
        count = 0
        self.limit = clampedLimit
        allocated = b.capacity
        self.capacity = Swift.min(b.capacity, self.limit)
    }

    /// Deinitializes the values and hands the memory back to this thread's pool, side tables
    /// included (emptied, their capacity kept; the header's own are left empty).
    mutating func deallocate() {
        values.deinitialize(count: count)
        partials.deinitialize(count: partialCount)
        var spareCustoms: [CustomNode] = []
        var spareRules: [((V, V, V) -> (V, V))?] = []
        swap(&spareCustoms, &customs)
        swap(&spareRules, &customRules)
        spareCustoms.removeAll(keepingCapacity: true)
        spareRules.removeAll(keepingCapacity: true)
        TapeBufferPool.give(.init(ops: UnsafeMutableRawPointer(ops), lhs: UnsafeMutableRawPointer(lhs),
                                  rhs: UnsafeMutableRawPointer(rhs), values: UnsafeMutableRawPointer(values),
                                  partials: UnsafeMutableRawPointer(partials),
                                  adjoints: adjointScratch, adjointsZeroed: adjointsZeroed && Self.hasZeroBitPattern,
                                  capacity: allocated, valueStride: MemoryLayout<V>.stride,
                                  customs: spareCustoms, customRules: spareRules.capacity > 0 ? spareRules : nil))
    }

    /// Memory for `count` adjoints, reused across sweeps of this tape and across tapes.
    @usableFromInline mutating func adjointBuffer() -> UnsafeMutablePointer<V> {
        if adjointScratch == nil {
            adjointScratch = TapeBufferPool.allocate(byteCount: allocated * Swift.max(MemoryLayout<V>.stride, 1), column: .adjoints)
            adjointsZeroed = false
        }
        return adjointScratch.unsafelyUnwrapped.bindMemory(to: V.self, capacity: allocated)
    }

    /// Appends an entry and returns its index, or −1 when the tape is full (the caller's value
    /// then becomes a constant and the limit error is already reported).
    ///
    /// The header's fields are read once into locals before any entry is written and written
    /// back once after: the column stores could alias the header as far as the compiler knows,
    /// so reading a field after one of them would reload it (every push reloaded the count and
    /// the column pointers). The count cannot overflow (it stays below `limit` ≤ Int32.max), so
    /// its increment is unchecked.
    @inlinable @inline(__always)
    mutating func push(_ op: Op, _ a: Int32, _ b: Int32, _ value: V) -> Int32 {
        if _slowPath(count == capacity) {
            guard grow() else { return -1 }
        }
        ops[count] = op
        lhs[count] = a
        rhs[count] = b
        (values + count).initialize(to: value)
        // Unchecked: the count stays below `limit` ≤ Int32.max.
        count &+= 1
        return Int32(truncatingIfNeeded: count &- 1)
    }

    /// Appends an entry whose op keeps its partial (``Rules/keepsPartial(_:)``), and the partial.
    @inlinable @inline(__always)
    mutating func push(_ op: Op, _ a: Int32, _ value: V, partial: V) -> Int32 {
        let i = push(op, a, Int32(truncatingIfNeeded: partialCount), value)
        // At most one partial per entry, so the entries' capacity bounds them too.
        if i >= 0 {
            (partials + partialCount).initialize(to: partial)
            partialCount &+= 1
        }
        return i
    }

    /// Appends one `.input` entry (the next ordinal); −1 when the tape is full.
    @inlinable
    mutating func pushInput(_ value: V) -> Int32 {
        let i = push(.input, Int32(truncatingIfNeeded: inputCount), -1, value)
        if i >= 0 {
            inputCount += 1
            if count == inputCount { leadingInputs = count }
        }
        return i
    }

    /// Records a user-primitive node whose first argument is `a`.
    @inlinable
    mutating func pushCustom(_ node: CustomNode, _ a: Int32, _ value: V, rule: ((V, V, V) -> (V, V))? = nil) -> Int32 {
        let i = push(.custom, a, Int32(truncatingIfNeeded: customs.count), value)
        if i >= 0 {
            customs.append(node)
            customRules.append(rule)
        }
        return i
    }

    /// Appends one `.input` entry per value of `x` (ordinals continuing from `inputCount`) and
    /// returns the first one's index; nil, with nothing written, when they do not all fit under
    /// the limit (the caller then pushes one by one so the limit error lands where it is hit).
    /// Why: `record` made its n inputs one `push` at a time (capacity check and bookkeeping per
    /// input, ~5% of the benchmark gradient's profile); one bulk write brought that to ~4%.
    @inlinable
    mutating func pushInputs(_ x: UnsafeBufferPointer<V>) -> Int? {
        let n = x.count
        while count + n > capacity && capacity < limit {
            guard grow() else { return nil }
        }
        guard count + n <= capacity, let source = x.baseAddress else { return n == 0 ? count : nil }
        let start = count
        for k in 0..<n {
            ops[start + k] = .input
            lhs[start + k] = Int32(truncatingIfNeeded: inputCount + k)
            rhs[start + k] = -1
        }
        (values + start).initialize(from: source, count: n)
        count += n
        inputCount += n
        if count == inputCount { leadingInputs = count }
        return start
    }

    /// The index of a `.constant` entry holding `value`: the most recent constant when it has the
    /// same bits, else a new entry. Why: a literal inside a loop (`1 + x*x` per term) would
    /// otherwise cost an entry per iteration in the recording and the sweep alike. Sharing is safe
    /// because a constant's adjoint is never read, and the sweep still clears it when it reaches
    /// the entry, after every use (uses come later on the tape). Only for Double and Float, whose
    /// bits are the whole value (a dual's `==` would ignore its tangent).
    @inlinable @inline(__always)
    mutating func pushConstant(_ value: V) -> Int32 {
        if V.self == Double.self, lastConstant >= 0,
           unsafeBitCast(values[Int(lastConstant)], to: Double.self).bitPattern == unsafeBitCast(value, to: Double.self).bitPattern {
            return lastConstant
        }
        if V.self == Float.self, lastConstant >= 0,
           unsafeBitCast(values[Int(lastConstant)], to: Float.self).bitPattern == unsafeBitCast(value, to: Float.self).bitPattern {
            return lastConstant
        }
        let i = push(.constant, -1, -1, value)
        if i >= 0 { lastConstant = i }
        return i
    }

    @usableFromInline @inline(never)
    mutating func grow() -> Bool {
        guard capacity < limit else {
            if !isFull {
                isFull = true
                Diagnostics.report(.limitExceeded(what: "tape length", limit: limit))
            }
            return false
        }
        let newCapacity = Swift.min(limit, capacity * 2)
        let b = TapeBufferPool.take(capacity: newCapacity, valueStride: MemoryLayout<V>.stride)
        let newOps = b.ops.bindMemory(to: Op.self, capacity: b.capacity)
        let newLhs = b.lhs.bindMemory(to: Int32.self, capacity: b.capacity)
        let newRhs = b.rhs.bindMemory(to: Int32.self, capacity: b.capacity)
        let newValues = b.values.bindMemory(to: V.self, capacity: b.capacity)
        let newPartials = b.partials.bindMemory(to: V.self, capacity: b.capacity)
        newPartials.moveInitialize(from: partials, count: partialCount)
        newOps.update(from: ops, count: count)
        newLhs.update(from: lhs, count: count)
        newRhs.update(from: rhs, count: count)
        newValues.moveInitialize(from: values, count: count)
        ops.deallocate(); lhs.deallocate(); rhs.deallocate()
        TapeBufferPool.deallocate(UnsafeMutableRawPointer(values), column: .values)
        TapeBufferPool.deallocate(UnsafeMutableRawPointer(partials), column: .partials)
        if let a = adjointScratch { TapeBufferPool.deallocate(a, column: .adjoints) }
        adjointScratch = b.adjoints
        adjointsZeroed = b.adjointsZeroed && Self.hasZeroBitPattern
        ops = newOps; lhs = newLhs; rhs = newRhs; values = newValues; partials = newPartials
        allocated = b.capacity
        capacity = Swift.min(b.capacity, limit)
        return true
    }
}

/// A user primitive's node on a tape: which primitive, and the arguments that do not fit the
/// entry's two index columns. Trivially copyable: a vector primitive's argument arrays live in
/// ``TapeStorage/vectorCalls``, so recording and sweeping a scalar primitive copy no references
/// (the node's arrays were retained and released at every call: a quarter of a gradient through
/// 10⁵ calls).
@usableFromInline
struct CustomNode {
    /// The scalar primitive (nil for a vector primitive's output).
    @usableFromInline let scalar: (any ScalarPrimitive.Type)?
    /// The vector primitive (nil for a scalar primitive).
    @usableFromInline let vector: (any VectorPrimitive.Type)?
    /// A scalar primitive's second argument node, or −1.
    @usableFromInline let second: Int32
    /// A vector primitive's entry of ``TapeStorage/vectorCalls``, or −1.
    @usableFromInline let vectorCall: Int32
    /// A vector primitive's outputs are the consecutive entries first ..< first + outputCount.
    @usableFromInline let firstOutput: Int32
    @usableFromInline let outputCount: Int32

    @usableFromInline var name: String { scalar?.name ?? vector?.name ?? "custom" }

    @usableFromInline init(scalar: (any ScalarPrimitive.Type)?, vector: (any VectorPrimitive.Type)?, second: Int32,
                           vectorCall: Int32 = -1, firstOutput: Int32, outputCount: Int32) {
        self.scalar = scalar; self.vector = vector; self.second = second; self.vectorCall = vectorCall
        self.firstOutput = firstOutput; self.outputCount = outputCount
    }
}

/// A vector primitive call's argument nodes and their values (see ``CustomNode/vectorCall``).
@usableFromInline
struct VectorCallArguments {
    @usableFromInline let inputs: [Int32]
    @usableFromInline let inputValues: [Double]
}

/// The user's partials at recorded values, with a planted mutation applied (opens the existential
/// once per custom node; built-ins never come here).
@usableFromInline
func customPartials<V: ADScalar>(_ p: any ScalarPrimitive.Type, _ x: V, _ y: V, _ z: V) -> (V, V) {
    func open<P: ScalarPrimitive>(_: P.Type) -> (V, V) { customPartials(P.self, x, y, z) }
    return open(p)
}

/// ``customPartials(_:_:_:_:)`` for a primitive known where it is called: inlined into the
/// recording of the user's own module, specialised for P and V, it is the rule the sweep calls
/// (``TapeStorage/customRules``).
@inlinable
func customPartials<P: ScalarPrimitive, V: ADScalar>(_: P.Type, _ x: V, _ y: V, _ z: V) -> (V, V) {
    let r: (V, V)
    if Diagnostics.readsWithoutEscape(V.self) {
        r = P.partials(x, y, output: z)
    } else {
        r = Diagnostics.rule(of: P.name, rationalClosed: P.isRationalClosed, on: V.self) { P.partials(x, y, output: z) }
    }
    return _slowPath(Instrumentation.isActive) ? RuleMutations.apply(primitive: P.name, arity: P.arity, r) : r
}

/// The user's primal at given values (fault localisation differences a primitive alone).
@usableFromInline
func customPrimal<V: ADScalar>(_ p: any ScalarPrimitive.Type, _ x: V, _ y: V) -> V {
    func open<P: ScalarPrimitive>(_: P.Type) -> V { P.primal(x, y) }
    return open(p)
}
