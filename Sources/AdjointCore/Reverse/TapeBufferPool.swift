#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Raw memory of one tape's arrays, kept per thread between recordings.
///
/// Why: a gradient of a large function records megabytes of tape. Fresh memory for every call
/// costs a page fault per 4 KiB page plus copies while the tape grows, which measured at 3–4× the
/// plain evaluation by itself (perf: exc_page_fault, memmove, brk). Handing the last tape's
/// buffers to the next recording on the same thread removes both after the first call, as the
/// caching allocators of array frameworks do.
@usableFromInline
final class TapeBufferPool {
    struct Buffers {
        var ops: UnsafeMutableRawPointer
        var lhs: UnsafeMutableRawPointer
        var rhs: UnsafeMutableRawPointer
        var values: UnsafeMutableRawPointer
        /// Partials kept from recording (see `TapeStorage.partials`), same size as `values`: only
        /// the pages written are ever touched.
        var partials: UnsafeMutableRawPointer
        /// Scratch for the reverse sweep's adjoints, same size as `values`; allocated on first sweep.
        var adjoints: UnsafeMutableRawPointer?
        /// Whether every byte of `adjoints` is zero (see `TapeStorage.adjointsZeroed`).
        var adjointsZeroed = false
        var capacity: Int
        var valueStride: Int
        func free() {
            ops.deallocate(); lhs.deallocate(); rhs.deallocate(); values.deallocate(); partials.deallocate(); adjoints?.deallocate()
        }
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
        if let b = pool.cached, b.valueStride == valueStride, b.capacity >= capacity {
            pool.cached = nil
            return b
        }
        return Buffers(ops: .allocate(byteCount: capacity * MemoryLayout<Op>.stride, alignment: 16),
                       lhs: .allocate(byteCount: capacity * 4, alignment: 16),
                       rhs: .allocate(byteCount: capacity * 4, alignment: 16),
                       values: .allocate(byteCount: capacity * Swift.max(valueStride, 1), alignment: valueAlignment),
                       partials: .allocate(byteCount: capacity * Swift.max(valueStride, 1), alignment: valueAlignment),
                       adjoints: nil, capacity: capacity, valueStride: valueStride)
    }

    /// Returns buffers whose values are already deinitialized; keeps the larger of them and any cached.
    static func give(_ b: Buffers) {
        let pool = current
        guard b.capacity <= maximumPooledEntries else { return b.free() }
        if let old = pool.cached {
            if old.capacity >= b.capacity && old.valueStride == b.valueStride { return b.free() }
            old.free()
        }
        pool.cached = b
    }

    /// Frees this thread's cached tape memory.
    static func drain() {
        current.cached?.free()
        current.cached = nil
    }
}
