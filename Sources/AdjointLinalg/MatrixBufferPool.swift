#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Element buffers of finished matrices, handed to the next op that needs the same size.
///
/// Why: a gradient of a batch-64, width-256 MLP allocates a dozen 128–512 KiB matrices per
/// layer; fresh memory for each costs page faults and `malloc`/`free` (perf: `exc_page_fault`,
/// `_int_free`). A tape recycles cotangents it is done with during the sweep and all its values
/// when it is released; the next tape on the same thread starts with those buffers.
///
/// Safety does not rest on the pool: a recycled array still shared with a live matrix (a value
/// the caller kept) is copied on the first write by Swift's copy-on-write, so reuse can cost
/// speed, never correctness. Every op that takes a pooled buffer overwrites all of it.
final class MatrixBufferPool<Scalar: LinalgScalar> {
    private var free: [Int: [[Scalar]]] = [:]
    private var pooledElements = 0
    /// Most elements kept (2²⁴: 128 MiB of Double), so one huge recording cannot pin its memory.
    static var elementLimit: Int { 1 << 24 }

    /// Smallest buffer worth pooling (4096 elements, 32 KiB of Double): below it `malloc` serves
    /// from its own free lists without page faults, and the pool's lookup costs more than it
    /// saves (measured: +25% on a batch-8, width-32 MLP gradient when everything was pooled).
    static var minimumElements: Int { 1 << 12 }

    /// Requests of a poolable size served from the pool, and those that had to allocate: the
    /// steady-state test (no allocation per op on repeated calls) reads these.
    private(set) var hits = 0, misses = 0

    /// A rows×cols matrix whose contents are unspecified (recycled, or fresh and uninitialized):
    /// the op that takes it writes every element.
    func matrix(_ rows: Int, _ cols: Int) -> Matrix<Scalar> {
        let n = rows * cols
        guard n >= Self.minimumElements else { return Matrix(uncheckedRows: rows, cols: cols) }
        // Pop in place: copying the list out of the dictionary and back would copy it each time.
        if let e = free[n]?.popLast() {
            pooledElements -= n
            hits += 1
            return Matrix(uncheckedRows: rows, cols: cols, elements: e)
        }
        misses += 1
        // Not zero-filled: every op that takes a pooled buffer overwrites all of it (see above),
        // and filling 512 KiB that gemm then overwrites cost 2% of an MLP gradient, whose
        // returned parameter gradients leave the pool every call. The scalars are trivial
        // (Float, Double), so unwritten elements are plain bits, never references.
        return Matrix(uncheckedRows: rows, cols: cols, elements: [Scalar](unsafeUninitializedCapacity: n) { _, initialized in
            initialized = n
        })
    }

    /// Hits and misses of this thread's pool (zeros while a tape or evaluator has it borrowed).
    package static func statistics() -> (hits: Int, misses: Int) {
        guard let p = slots().pools[ObjectIdentifier(Scalar.self)] as? MatrixBufferPool else { return (0, 0) }
        return (p.hits, p.misses)
    }

    /// The base addresses of the buffers this thread's pool holds (for tests: a buffer listed
    /// twice would be handed to two ops, and the second would copy it).
    package static func pooledAddresses() -> [UInt] {
        guard let p = slots().pools[ObjectIdentifier(Scalar.self)] as? MatrixBufferPool else { return [] }
        return p.free.values.flatMap { $0.map { $0.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) } } }
    }

    /// Keeps `m`'s buffer for a later op of the same size.
    func recycle(_ m: Matrix<Scalar>) {
        let n = m.count
        guard n >= Self.minimumElements, pooledElements + n <= Self.elementLimit else { return }
        free[n, default: []].append(m.elements)
        pooledElements += n
    }

    // One pool per thread and scalar type, lent to a tape for its lifetime.
    private final class Slots { var pools: [ObjectIdentifier: AnyObject] = [:] }

    private static var key: pthread_key_t { MatrixPoolKey.key }

    private static func slots() -> Slots {
        if let raw = pthread_getspecific(key) { return Unmanaged<Slots>.fromOpaque(raw).takeUnretainedValue() }
        let s = Slots()
        pthread_setspecific(key, Unmanaged.passRetained(s).toOpaque())
        return s
    }

    /// This thread's pool for `Scalar` (removed from the thread until ``release(_:)``), or a new one.
    static func borrow() -> MatrixBufferPool {
        let s = slots()
        let id = ObjectIdentifier(Scalar.self)
        if let p = s.pools.removeValue(forKey: id) as? MatrixBufferPool { return p }
        return MatrixBufferPool()
    }

    /// Gives a pool back to the current thread for the next tape.
    static func release(_ pool: MatrixBufferPool) {
        slots().pools[ObjectIdentifier(Scalar.self)] = pool
    }
}

/// The thread-local key (a generic class cannot have stored statics).
private enum MatrixPoolKey {
    static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key) { raw in
            if let raw { Unmanaged<AnyObject>.fromOpaque(raw).release() }
        }
        return key
    }()
}

/// This thread's pool, held by a plain evaluator or a forward-mode interpreter for its lifetime
/// and given back when the last copy of the interpreter is gone.
///
/// The pool is not thread-safe, so it serves only the thread that borrowed it: an interpreter
/// used from another thread (a task that hopped threads, a value shared with a worker) allocates
/// as if there were no pool, which is slower but never a data race.
final class MatrixPoolLease<Scalar: LinalgScalar> {
    private let pool: MatrixBufferPool<Scalar>
    private let owner: pthread_t

    init() {
        pool = MatrixBufferPool.borrow()
        owner = pthread_self()
    }

    deinit { MatrixBufferPool.release(pool) }

    /// The pool when called on the borrowing thread, else nil.
    var onThisThread: MatrixBufferPool<Scalar>? {
        MatrixFastPaths.isOn && pthread_equal(owner, pthread_self()) != 0 ? pool : nil
    }
}
