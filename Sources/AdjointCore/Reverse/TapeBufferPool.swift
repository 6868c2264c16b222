#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Raw memory of one tape's arrays, kept per thread between recordings.
///
/// Why: a gradient of a large function records megabytes of tape. Fresh memory for every call
/// costs a page fault per 4 KiB page plus copies while the tape grows, which measured at 3–4× the
/// plain evaluation by itself (perf: exc_page_fault, memmove, brk). Handing the last tape's
/// buffers to the next recording on the same thread removes both after the first call, as the
/// caching allocators of array frameworks do.
///
/// Behind the per-thread slot is a small process-wide shelf. Async code hops threads: a
/// concurrent Jacobian records on one pool thread and its tape dies on another, so a per-thread
/// slot alone missed on most calls, and the 200×200 benchmark took 1,240 page faults per call
/// (perf: the recording's writes and growth copies), a fifth of its 2-task time.
@usableFromInline
final class TapeBufferPool {
    /// Raw memory with one owner at a time, handed between threads through the shelf.
    struct Buffers: @unchecked Sendable {
        var ops: UnsafeMutableRawPointer
        var lhs: UnsafeMutableRawPointer
        var rhs: UnsafeMutableRawPointer
        var values: UnsafeMutableRawPointer
        /// Partials kept from recording (see `TapeStorage.partials`), same size as `values`: only
        /// the pages written are ever touched (2 MiB pages where the kernel grants huge ones).
        var partials: UnsafeMutableRawPointer
        /// Scratch for the reverse sweep's adjoints, same size as `values`; allocated on first sweep.
        var adjoints: UnsafeMutableRawPointer?
        /// Whether every byte of `adjoints` is zero (see `TapeStorage.adjointsZeroed`).
        var adjointsZeroed = false
        var capacity: Int
        var valueStride: Int
        /// The user-primitive side tables of the tape that gave these buffers back, emptied with
        /// their capacity kept (`TapeStorage.customs`, and `customRules` as `[rule of V?]`): a
        /// gradient through 10⁵ user-primitive calls grew them afresh on every call, and the
        /// page faults of that memory were a fifth of its profile.
        var customs: [CustomNode] = []
        var customRules: Any? = nil
        func free() {
            ops.deallocate(); lhs.deallocate(); rhs.deallocate()
            TapeBufferPool.deallocate(values, column: .values)
            TapeBufferPool.deallocate(partials, column: .partials)
            if let adjoints { TapeBufferPool.deallocate(adjoints, column: .adjoints) }
        }
        func fits(capacity: Int, valueStride: Int) -> Bool { self.valueStride == valueStride && self.capacity >= capacity }
        /// What these buffers hold of memory, the value columns as ``TapeBufferPool/allocate(byteCount:column:)``
        /// reserves them (their page offset, and whole 2 MiB pages for a large one): the shelf's
        /// byte limit counted the columns' own bytes, up to 2 MiB short per column.
        var byteCount: Int {
            let column = capacity * Swift.max(valueStride, 1)
            return capacity * (MemoryLayout<Op>.stride + 8)
                + TapeBufferPool.reservedBytes(column, column: .values) + TapeBufferPool.reservedBytes(column, column: .partials)
                + (adjoints == nil ? 0 : TapeBufferPool.reservedBytes(column, column: .adjoints))
        }
    }

    /// Buffers handed back while their thread's slot was taken, for a recording on another thread.
    private static let shelf = PthreadLocked<[Buffers]>([])
    /// Most buffers a shelf keeps: one per core, and at least 4 (a task per core each hands one back).
    static let shelfLimit = Swift.max(4, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    /// Most bytes a shelf keeps: 1 GiB or an eighth of memory, whichever is less. Past it the
    /// smallest buffers go first (the cheapest to make again), and one larger than the bound is
    /// freed at once: an idle process should not hold gigabytes for a call that may not come.
    static let shelfByteLimit = Swift.min(1 << 30, physicalMemoryBytes / 8)
    /// Tape buffer sets allocated fresh rather than reused (tests read it).
    static let freshTapeAllocations = Atomic<Int>(0)
    /// Zeroed scratches allocated fresh rather than reused (tests read it).
    static let freshScratchAllocations = Atomic<Int>(0)

    /// Takes the smallest shelved item that fits, so a large one stays for a large request.
    static func unshelve<T>(from list: inout [T], bytes: (T) -> Int, fits: (T) -> Bool) -> T? {
        guard let k = list.indices.filter({ fits(list[$0]) }).min(by: { bytes(list[$0]) < bytes(list[$1]) }) else { return nil }
        return list.remove(at: k)
    }

    /// Puts `item` on a shelf and returns what no longer fits the bounds, to be freed outside the lock.
    static func shelve<T>(_ item: T, on list: inout [T], bytes: (T) -> Int,
                          limit: Int = shelfLimit, byteLimit: Int = shelfByteLimit) -> [T] {
        list.append(item)
        list.sort { bytes($0) > bytes($1) }
        var out: [T] = []
        while list.count > limit || list.reduce(0, { $0 + bytes($1) }) > byteLimit, let last = list.popLast() {
            out.append(last)
        }
        return out
    }

    /// The columns the sweep reads and writes as it goes (values and adjoints at the entry's index,
    /// a kept partial at its own ordinal), each placed at its own offset within a page
    /// (``allocate(byteCount:column:)``).
    enum Column: Int {
        case values = 0, partials = 1024, adjoints = 2048
    }

    /// Memory for a column, at the column's offset within a page; for a column of 2 MiB or more,
    /// in a block that starts on a 2 MiB boundary (the column begins its offset past it) and
    /// spans whole 2 MiB pages, offered to the kernel for huge pages (`MADV_HUGEPAGE`; THP is in
    /// `madvise` mode on this machine).
    ///
    /// Why: where malloc put the columns decided the sweep's speed. One binary swept `make
    /// bench`'s tape 523 or 718 times in 1.5 s depending on allocator settings alone
    /// (`GLIBC_TUNABLES=glibc.malloc.mmap_threshold=…`), and the same source built twice swept
    /// at 1.7 × plain and at 2.9 ×. Two explanations fit, and this
    /// answers both (the VM exposes no counters to tell them apart): large blocks from mmap all
    /// start at one offset past a page boundary, so adjoint k, stored, and value k, loaded soon
    /// after, share their address's low 12 bits (4K aliasing; half a page apart, adjoint k meets
    /// value k ± 256 instead, which the sweep reaches much later); and the sweep's scattered
    /// adjoint updates over megabytes outgrow the TLB's reach with 4 KiB pages. Measured after:
    /// as fast or faster than before under each of six allocator settings (+0–13%).
    static func allocate(byteCount: Int, column: Column) -> UnsafeMutableRawPointer {
        let total = reservedBytes(byteCount, column: column)
        #if os(Linux)
        if byteCount >= hugePage {
            let p = UnsafeMutableRawPointer.allocate(byteCount: total, alignment: hugePage)
            _ = madvise(p, total, MADV_HUGEPAGE)   // advice only: where the kernel declines, 4 KiB pages serve
            return p + column.rawValue
        }
        #endif
        return UnsafeMutableRawPointer.allocate(byteCount: total, alignment: 4096) + column.rawValue
    }

    static let hugePage = 1 << 21

    /// The bytes ``allocate(byteCount:column:)`` reserves for a column of `byteCount` bytes.
    static func reservedBytes(_ byteCount: Int, column: Column) -> Int {
        #if os(Linux)
        if byteCount >= hugePage { return (byteCount + column.rawValue + hugePage - 1) / hugePage * hugePage }
        #endif
        return byteCount + column.rawValue
    }

    /// Frees memory from ``allocate(byteCount:column:)`` for the same column.
    static func deallocate(_ p: UnsafeMutableRawPointer, column: Column) {
        (p - column.rawValue).deallocate()
    }

    /// Largest tape kept per thread, in entries (≈ 1.1 GB of Double tape): bigger ones are freed.
    static let maximumPooledEntries = 1 << 26
    static let valueAlignment = 16

    var cached: Buffers?

    deinit { cached?.free() }

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key) { raw in
            if let raw { Unmanaged<TapeBufferPool>.fromOpaque(raw).release() }
        }
        return key
    }()

    private static var current: TapeBufferPool {
        if let raw = pthread_getspecific(key) { return Unmanaged<TapeBufferPool>.fromOpaque(raw).takeUnretainedValue() }
        let pool = TapeBufferPool()
        pthread_setspecific(key, Unmanaged.passRetained(pool).toOpaque())
        return pool
    }

    /// Buffers for at least `capacity` entries whose values have stride `valueStride`.
    static func take(capacity: Int, valueStride: Int) -> Buffers {
        let pool = current
        if let b = pool.cached, b.fits(capacity: capacity, valueStride: valueStride) {
            pool.cached = nil
            return b
        }
        let shelved = shelf.withLock {
            unshelve(from: &$0, bytes: \.byteCount) { $0.fits(capacity: capacity, valueStride: valueStride) }
        }
        if let shelved { return shelved }
        freshTapeAllocations.add(1, ordering: .relaxed)
        return Buffers(ops: .allocate(byteCount: capacity * MemoryLayout<Op>.stride, alignment: 16),
                       lhs: .allocate(byteCount: capacity * 4, alignment: 16),
                       rhs: .allocate(byteCount: capacity * 4, alignment: 16),
                       values: allocate(byteCount: capacity * Swift.max(valueStride, 1), column: .values),
                       partials: allocate(byteCount: capacity * Swift.max(valueStride, 1), column: .partials),
                       adjoints: nil, capacity: capacity, valueStride: valueStride)
    }

    /// Returns buffers whose values are already deinitialized; keeps the larger of them and any cached.
    static func give(_ b: Buffers) {
        let pool = current
        guard b.capacity <= maximumPooledEntries else { return b.free() }
        var spare = b
        if let old = pool.cached {
            // The thread keeps the larger; the other goes to the shelf.
            if old.capacity >= b.capacity && old.valueStride == b.valueStride {
                spare = b
            } else {
                spare = old
                pool.cached = b
            }
        } else {
            pool.cached = b
            return
        }
        let evicted = shelf.withLock { shelve(spare, on: &$0, bytes: \.byteCount) }
        for e in evicted { e.free() }
    }

    /// Frees this thread's cached tape memory and the process-wide shelves.
    static func drain() {
        current.cached?.free()
        current.cached = nil
        for b in shelf.withLock({ list -> [Buffers] in defer { list = [] }; return list }) { b.free() }
        for b in zeroedShelf.withLock({ list -> [ZeroedBuffer] in defer { list = [] }; return list }) { b.pointer.deallocate() }
    }

    /// Zeroed scratch memory for concurrent sweeps (see `SweepScratch`), kept between calls for
    /// the same reason as the tapes: a fresh 1.3 MB buffer per task per call cost its page faults
    /// and a memset. Every buffer here is all zero bits (the sweeps leave it so).
    private static let zeroedShelf = PthreadLocked<[ZeroedBuffer]>([])

    struct ZeroedBuffer: @unchecked Sendable {
        let pointer: UnsafeMutableRawPointer
        let byteCount: Int
    }

    /// At least `byteCount` bytes of zero bits.
    static func takeZeroed(byteCount: Int) -> ZeroedBuffer {
        let shelved = zeroedShelf.withLock { unshelve(from: &$0, bytes: \.byteCount) { $0.byteCount >= byteCount } }
        if let shelved { return shelved }
        freshScratchAllocations.add(1, ordering: .relaxed)
        let p = UnsafeMutableRawPointer.allocate(byteCount: Swift.max(1, byteCount), alignment: valueAlignment)
        memset(p, 0, Swift.max(1, byteCount))
        return ZeroedBuffer(pointer: p, byteCount: Swift.max(1, byteCount))
    }

    /// Returns a buffer that is all zero bits again.
    static func giveZeroed(_ b: ZeroedBuffer) {
        let evicted = zeroedShelf.withLock { shelve(b, on: &$0, bytes: \.byteCount) }
        for e in evicted { e.pointer.deallocate() }
    }
}
