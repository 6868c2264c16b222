#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A value behind a pthread mutex.
///
/// Why not `Synchronization.Mutex`: on this toolchain ThreadSanitizer does not see its lock as
/// synchronisation and reports every guarded access from two threads as a race (a two-thread
/// `Mutex<[Int]>` program reproduces it), which would bury real reports in `make sanitize`. A
/// pthread mutex is intercepted by the sanitizer and costs the same uncontended.
///
/// ```swift
/// let shelf = PthreadLocked<[Int]>([])
/// shelf.withLock { $0.append(1) }
/// ```
final class PthreadLocked<Value>: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private var value: Value

    init(_ value: Value) {
        self.value = value
        mutex = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }
}
