import CGMP
import Synchronization

/// One initialised GMP rational (`mpq_t`), tail-allocated in a single heap object.
///
/// A ``Rational`` holds one of these and never mutates it after the operation that produced it
/// has written the result, so sharing a storage between copies is safe (value semantics by
/// immutability, no copy-on-write needed). `deinit` is the only place `mpq_clear` runs, so GMP's
/// limb memory lives exactly as long as the last `Rational` referring to it.
///
/// Tail allocation (``ManagedBuffer``) keeps it to one Swift allocation per value instead of two
/// (object plus separately allocated `mpq_t`); GMP adds its own limb allocations.
final class MPQStorage: ManagedBuffer<Void, __mpq_struct> {
    /// A freshly initialised storage holding 0/1.
    static func make() -> MPQStorage {
        let buffer = MPQStorage.create(minimumCapacity: 1) { _ in () }
        // `create` allocates an instance of the class it is called on, so the downcast cannot fail.
        let storage = unsafeDowncast(buffer, to: MPQStorage.self)
        storage.withUnsafeMutablePointerToElements { __gmpq_init($0) }
        LiveStorage.didAllocate()
        return storage
    }

    deinit {
        withUnsafeMutablePointerToElements { __gmpq_clear($0) }
        LiveStorage.didFree()
    }

    /// Runs `body` with the address of the `mpq_t`; valid only inside `body`.
    @inline(__always)
    func with<R>(_ body: (UnsafeMutablePointer<__mpq_struct>) throws -> R) rethrows -> R {
        try withUnsafeMutablePointerToElements(body)
    }
}

/// Counts `mpq_t` values alive, in debug builds and `make test`'s (ADJOINT_LIVE_COUNT) only: the
/// leak test runs a million operations and asserts the count returns to where it started. Release
/// builds skip the atomic traffic.
enum LiveStorage {
    #if DEBUG || ADJOINT_LIVE_COUNT
    static let count = Atomic<Int>(0)
    @inline(__always) static func didAllocate() { count.add(1, ordering: .relaxed) }
    @inline(__always) static func didFree() { count.subtract(1, ordering: .relaxed) }
    static var current: Int? { count.load(ordering: .relaxed) }
    #else
    @inline(__always) static func didAllocate() {}
    @inline(__always) static func didFree() {}
    static var current: Int? { nil }
    #endif
}

/// GMP's `mpq_numref`/`mpq_denref` are macros Swift cannot see; these are their equivalents.
/// Going through a pointer (rather than `&q.pointee._mp_num`) lets one call name the same
/// integer as input and output, as GMP allows.
@inline(__always)
func numRef(_ q: UnsafeMutablePointer<__mpq_struct>) -> UnsafeMutablePointer<__mpz_struct> {
    UnsafeMutableRawPointer(q).assumingMemoryBound(to: __mpz_struct.self)
}

@inline(__always)
func denRef(_ q: UnsafeMutablePointer<__mpq_struct>) -> UnsafeMutablePointer<__mpz_struct> {
    (UnsafeMutableRawPointer(q) + denominatorOffset).assumingMemoryBound(to: __mpz_struct.self)
}

private let denominatorOffset = MemoryLayout<__mpq_struct>.offset(of: \__mpq_struct._mp_den)
    ?? MemoryLayout<__mpz_struct>.stride

/// Number of bits of |z| (0 for z = 0); `mpz_sizeinbase` answers 1 for zero.
@inline(__always)
func bitLength(_ z: UnsafeMutablePointer<__mpz_struct>) -> Int {
    z.pointee._mp_size == 0 ? 0 : Int(__gmpz_sizeinbase(z, 2))
}

/// Runs `body` with `count` initialised GMP integers as scratch space, cleared afterwards.
/// Pointers (not `&local`) so one call may use the same integer as input and output.
func withScratchIntegers<R>(_ count: Int, _ body: (UnsafeMutablePointer<__mpz_struct>) -> R) -> R {
    let z = UnsafeMutablePointer<__mpz_struct>.allocate(capacity: count)
    for i in 0..<count { __gmpz_init(z + i) }
    defer {
        for i in 0..<count { __gmpz_clear(z + i) }
        z.deallocate()
    }
    return body(z)
}
