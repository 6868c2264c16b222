#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Jacobians on all cores. Forward passes (one per chunk of columns) and reverse sweeps (one per
// row, over one recording) are independent, so they run as child tasks; each is the same unit of
// work the serial drivers run, in the same arithmetic order, so the results are bit-identical to
// serial. Operation counts and planted rule mutations are per thread, so they do not reach the
// child tasks: measure or mutate around the serial `jacobian(of:at:mode:)`.

/// Runs `count` independent jobs on at most `tasks` child tasks; results in index order.
@inlinable
func concurrentMap<R: Sendable>(count: Int, tasks: Int, _ job: @escaping @Sendable (Int) -> R) async -> [R] {
    let workers = Swift.max(1, Swift.min(tasks, count))
    return await withTaskGroup(of: [(Int, R)].self) { group in
        for w in 0..<workers {
            group.addTask {
                stride(from: w, to: count, by: workers).map { ($0, job($0)) }
            }
        }
        var slots = [R?](repeating: nil, count: count)
        for await part in group { for (k, r) in part { slots[k] = r } }
        return slots.compactMap { $0 }
    }
}

/// ``concurrentMap(count:tasks:_:)`` with one `state` per task, made in the task and passed to
/// each of its jobs (a sweep's scratch buffer).
@inlinable
func concurrentMap<R: Sendable, State>(count: Int, tasks: Int, state: @escaping @Sendable () -> State,
                                       _ job: @escaping @Sendable (State, Int) -> R) async -> [R] {
    let workers = Swift.max(1, Swift.min(tasks, count))
    return await withTaskGroup(of: [(Int, R)].self) { group in
        for w in 0..<workers {
            group.addTask {
                let s = state()
                return stride(from: w, to: count, by: workers).map { ($0, job(s, $0)) }
            }
        }
        var slots = [R?](repeating: nil, count: count)
        for await part in group { for (k, r) in part { slots[k] = r } }
        return slots.compactMap { $0 }
    }
}

/// A zeroed buffer of `count` cotangents owned by one task. For Double and Float the memory comes
/// from, and goes back to, a per-thread cache (``SweepScratchCache``): every sweep leaves its
/// scratch zeroed, so the next Jacobian's task reuses it without a memset or page faults (a fresh
/// tape-sized buffer per task cost 0.65 s of system time over 300 Jacobians of the benchmark).
@usableFromInline
final class SweepScratch<V: ADScalar> {
    @usableFromInline let pointer: UnsafeMutablePointer<V>
    @usableFromInline let count: Int
    var byteCount: Int
    @usableFromInline init(count n: Int) {
        count = Swift.max(1, n)
        byteCount = count * MemoryLayout<V>.stride
        if TapeStorage<V>.hasZeroBitPattern, let (raw, bytes) = SweepScratchCache.take(bytes: byteCount) {
            pointer = raw.bindMemory(to: V.self, capacity: count)
            byteCount = bytes   // the whole block, zeroed, goes back
        } else {
            pointer = .allocate(capacity: count)
            pointer.initialize(repeating: 0, count: count)
        }
    }
    deinit {
        if TapeStorage<V>.hasZeroBitPattern {
            // Still all zero bits: the sweeps cleared every cotangent they touched.
            SweepScratchCache.give(UnsafeMutableRawPointer(pointer), bytes: byteCount)
        } else {
            pointer.deinitialize(count: count)
            pointer.deallocate()
        }
    }
}

/// One zeroed scratch block per thread, kept between concurrent Jacobians (the largest seen, up to
/// 256 MiB). Only zero-filled memory goes in, so what comes out is a valid zeroed Double or Float
/// buffer of at least the requested size.
@usableFromInline
enum SweepScratchCache {
    final class Block {
        /// nil once handed out: the memory then belongs to the taker.
        var pointer: UnsafeMutableRawPointer?
        let bytes: Int
        init(_ p: UnsafeMutableRawPointer, _ b: Int) { pointer = p; bytes = b }
        deinit { pointer?.deallocate() }
    }
    static let limit = 1 << 28
    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key) { raw in
            if let raw { Unmanaged<Block>.fromOpaque(raw).release() }
        }
        return key
    }()

    /// A zeroed block of at least `bytes` and its size, or nil (the caller allocates).
    static func take(bytes: Int) -> (UnsafeMutableRawPointer, Int)? {
        guard let raw = pthread_getspecific(key) else { return nil }
        let block = Unmanaged<Block>.fromOpaque(raw).takeUnretainedValue()
        guard block.bytes >= bytes, let p = block.pointer else { return nil }
        let size = block.bytes
        pthread_setspecific(key, nil)
        block.pointer = nil
        Unmanaged<Block>.fromOpaque(raw).release()
        return (p, size)
    }

    /// Frees this thread's block (``Tape/releaseCachedMemory()``).
    static func drain() {
        guard let raw = pthread_getspecific(key) else { return }
        pthread_setspecific(key, nil)
        Unmanaged<Block>.fromOpaque(raw).release()
    }

    /// Keeps a zeroed block for this thread (the larger of it and any kept), or frees it.
    static func give(_ p: UnsafeMutableRawPointer, bytes: Int) {
        if bytes <= limit {
            if let raw = pthread_getspecific(key) {
                let old = Unmanaged<Block>.fromOpaque(raw).takeUnretainedValue()
                if old.bytes >= bytes { p.deallocate(); return }
                Unmanaged<Block>.fromOpaque(raw).release()
            }
            pthread_setspecific(key, Unmanaged.passRetained(Block(p, bytes)).toOpaque())
            return
        }
        p.deallocate()
    }
}

/// A reference handed to child tasks that only read it (a recorded tape, swept with per-task scratch).
@usableFromInline
struct ReadOnlyShared<T>: @unchecked Sendable {
    @usableFromInline let value: T
    @usableFromInline init(_ value: T) { self.value = value }
}

/// The Jacobian with its passes or sweeps spread over `tasks` child tasks (structured
/// concurrency); bit-identical to ``jacobian(of:at:mode:)``.
///
/// ```swift
/// let r = try await jacobian(of: Polar(), at: [2.0, 0.5], mode: .forward, tasks: 2)
/// ```
/// Inlinable like the serial API: generic code called across modules runs unspecialised (through
/// witness tables) otherwise, which measured 40× slower than the serial, specialised path.
@inlinable public func jacobian<V: ADScalar & BinaryFloatingPoint & SIMDScalar & Sendable>(
    of f: some ADFunction & Sendable, at x: [V], mode: JacobianMode = .automatic, tasks: Int
) async throws -> JacobianResult<V> {
    if tasks <= 1 { return try jacobian(of: f, at: x, mode: mode) }
    if let n = f.inputCount { try requireCount("number of inputs", n, x.count) }
    let useForward: Bool
    switch mode {
    case .forward: useForward = true
    case .reverse: useForward = false
    case .automatic: useForward = forwardPasses(inputs: x.count) <= f(x).count
    }
    if useForward {
        switch x.count {
        case 0...1: return try forwardJacobian(of: { (d: [Dual<V, V>]) in f(d) }, at: x)
        case 2: return try await concurrentForward(f, x, SIMD2<V>.self, tasks: tasks)
        case 3...4: return try await concurrentForward(f, x, SIMD4<V>.self, tasks: tasks)
        default: return try await concurrentForward(f, x, SIMD8<V>.self, tasks: tasks)
        }
    }
    let rec = try record({ f($0) }, at: x)
    let m = rec.outputs.count
    let tape = rec.tape
    // Each row seeds its own output node: what the serial rows seed once their zero seeds are
    // skipped, so the rows are bit-identical. The nodes are resolved once here rather than
    // checked for every output in every row (m² lookups of the tape and m seed arrays).
    let nodes: [Int?] = rec.outputs.map { tape.owns($0) && $0.isVariable ? Int($0.index) : nil }
    let inputs = tape.storage.pointee.inputCount
    let entries = tape.count
    let shared = ReadOnlyShared(tape)
    // One scratch per task, not per row: the sweep leaves it zeroed, and a fresh tape-sized buffer
    // per row (page faults and a memset of the whole tape, 1.3 MB for the 200×200 benchmark)
    // cost more than the row's sweep itself.
    let rows = await concurrentMap(count: m, tasks: tasks, state: { () -> (SweepScratch<V>, Tape<V>) in
        (SweepScratch(count: entries), shared.value)
    }) { state, i -> [V] in
        var row = [V](repeating: 0, count: inputs)
        let seeds = nodes[i].map { [($0, V(1))] } ?? []
        row.withUnsafeMutableBufferPointer { out in
            state.1.sweepLoop(seeds: seeds, inputAdjoints: out, scratch: state.0.pointer)
        }
        return row
    }
    if rows.joined().contains(where: { !$0.isFiniteValue }) {
        // The serial path throws naming the op where the non-finite value was born.
        return try jacobianReverse(of: { f($0) }, at: x)
    }
    return JacobianResult(value: rec.value, jacobian: rows, mode: .reverse, passes: m, diagnostics: rec.diagnostics)
}

@inlinable func concurrentForward<V: ADScalar & BinaryFloatingPoint & SIMDScalar & Sendable, S: SIMD & TangentVector & SendableMetatype>(
    _ f: some ADFunction & Sendable, _ x: [V], _: S.Type, tasks: Int
) async throws -> JacobianResult<V> where S.Scalar == V {
    let passes = forwardPassCount(inputs: x.count, lanes: S.laneCount)
    let results = await concurrentMap(count: passes, tasks: tasks) { p in
        forwardPass({ (d: [Dual<V, S>]) in f(d) }, at: x, pass: p)
    }
    return try assembleForward(results, inputs: x.count, checked: true)
}
