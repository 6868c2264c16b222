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
    @usableFromInline var count: Int
    @usableFromInline var capacity: Int
    /// Most entries this tape may hold; past it recording stops and reports ``ADError/limitExceeded(what:limit:)``.
    @usableFromInline let limit: Int
    /// Set once the limit is hit, so the error is reported once.
    @usableFromInline var isFull = false

    /// Bytes one entry occupies while recorded (the reverse sweep adds one `V` per entry for adjoints).
    static var bytesPerEntry: Int {
        MemoryLayout<Op>.stride + 2 * MemoryLayout<Int32>.stride + MemoryLayout<V>.stride
    }

    init(capacity: Int, limit: Int) {
        let c = Swift.max(16, Swift.min(capacity, limit))
        ops = .allocate(capacity: c)
        lhs = .allocate(capacity: c)
        rhs = .allocate(capacity: c)
        values = .allocate(capacity: c)
        count = 0
        self.capacity = c
        self.limit = Swift.min(limit, Int(Int32.max))
    }

    func deallocate() {
        values.deinitialize(count: count)
        ops.deallocate(); lhs.deallocate(); rhs.deallocate(); values.deallocate()
    }

    /// Appends an entry and returns its index, or −1 when the tape is full (the caller's value
    /// then becomes a constant and the limit error is already reported).
    @inlinable @inline(__always)
    mutating func push(_ op: Op, _ a: Int32, _ b: Int32, _ value: V) -> Int32 {
        if _slowPath(count == capacity) {
            guard grow() else { return -1 }
        }
        ops[count] = op
        lhs[count] = a
        rhs[count] = b
        (values + count).initialize(to: value)
        count += 1
        return Int32(truncatingIfNeeded: count - 1)
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
        func move<T>(_ p: inout UnsafeMutablePointer<T>) {
            let q = UnsafeMutablePointer<T>.allocate(capacity: newCapacity)
            q.moveInitialize(from: p, count: count)
            p.deallocate()
            p = q
        }
        move(&ops); move(&lhs); move(&rhs); move(&values)
        capacity = newCapacity
        return true
    }
}
