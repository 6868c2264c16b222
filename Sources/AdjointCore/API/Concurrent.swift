#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Jacobians on all cores. Forward passes (one per chunk of columns) and reverse sweeps (one per
// row, over one recording) are independent, so they run as child tasks; each is the same unit of
// work the serial drivers run, in the same arithmetic order, so the results are bit-identical to
// serial. Operation counts and planted rule mutations are per thread, so each child runs its
// share through `Instrumentation.runChild` (a scope of its own, the parent's mutations) and the
// parent adds the children's counts after joining them: the async `measureOperations` of a
// concurrent call counts what the serial call counts.

/// Runs `count` independent jobs on at most `tasks` child tasks; results in index order. Package
/// access: the checker spreads a witness's columns with it too.
/// - Throws: `CancellationError` when the task is cancelled: each child stops before its next job.
@inlinable
package func concurrentMap<R: Sendable>(count: Int, tasks: Int, _ job: @escaping @Sendable (Int) -> R) async throws -> [R] {
    try await concurrentMap(count: count, tasks: tasks, state: { () }) { _, i in job(i) }
}

/// ``concurrentMap(count:tasks:_:)`` with one `state` per task, made in the task and passed to
/// each of its jobs (a sweep's scratch buffer).
@inlinable
package func concurrentMap<R: Sendable, State>(count: Int, tasks: Int, state: @escaping @Sendable () -> State,
                                       _ job: @escaping @Sendable (State, Int) -> R) async throws -> [R] {
    let workers = Swift.max(1, Swift.min(tasks, count))
    let observed = Instrumentation.capture()
    let slots = await withTaskGroup(of: ([(Int, R)], OperationCounts).self) { group in
        for w in 0..<workers {
            group.addTask {
                Instrumentation.runChild(observed) {
                    let s = state()
                    // A cancelled caller gets no result, so the remaining jobs are skipped.
                    var done: [(Int, R)] = []
                    for k in stride(from: w, to: count, by: workers) {
                        if Task.isCancelled { break }
                        done.append((k, job(s, k)))
                    }
                    return done
                }
            }
        }
        var slots = [R?](repeating: nil, count: count)
        for await (part, counts) in group {
            Instrumentation.add(counts)
            for (k, r) in part { slots[k] = r }
        }
        return slots
    }
    try Task.checkCancellation()
    return slots.compactMap { $0 }
}

/// A zeroed buffer of `count` cotangents owned by one task for all its rows (the sweep leaves it
/// zeroed). For Double and Float it comes from, and goes back to, a process-wide shelf of zeroed
/// memory, so repeated Jacobians neither fault its pages in nor clear it again.
@usableFromInline
final class SweepScratch<V: ADScalar> {
    @usableFromInline let pointer: UnsafeMutablePointer<V>
    @usableFromInline let count: Int
    let shelved: TapeBufferPool.ZeroedBuffer?
    @usableFromInline init(count n: Int) {
        count = Swift.max(1, n)
        if TapeStorage<V>.hasZeroBitPattern {
            let b = TapeBufferPool.takeZeroed(byteCount: count * MemoryLayout<V>.stride)
            shelved = b
            pointer = b.pointer.bindMemory(to: V.self, capacity: count)
        } else {
            shelved = nil
            pointer = .allocate(capacity: count)
            pointer.initialize(repeating: 0, count: count)
        }
    }
    deinit {
        if let shelved {
            TapeBufferPool.giveZeroed(shelved)
        } else {
            pointer.deinitialize(count: count)
            pointer.deallocate()
        }
    }
}

/// A reference handed to child tasks that only read it (a recorded tape, swept with per-task scratch).
@usableFromInline
struct ReadOnlyShared<T>: @unchecked Sendable {
    @usableFromInline let value: T
    @usableFromInline init(_ value: T) { self.value = value }
}

/// The Jacobian with its passes or sweeps spread over `tasks` child tasks (structured
/// concurrency); bit-identical to ``jacobian(of:at:mode:)``. Cancelling the calling task stops
/// the passes or sweeps not yet started and throws `CancellationError`.
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
    if mode == .automatic {
        // As the serial automatic mode: the other mode when a user primitive lacks the rule, and
        // no plain evaluation to learn m when one forward pass does (n ≤ 8), which no sweeps beat;
        // evaluating anyway made the concurrent call one evaluation dearer than the serial one.
        let onePass = forwardPasses(inputs: x.count) == 1
        let forwardFirst = onePass || forwardPasses(inputs: x.count) <= evaluationCounted(f, at: x).count
        do {
            if forwardFirst {
                let r = try await jacobian(of: f, at: x, mode: .forward, tasks: tasks)
                // No outputs: the serial automatic mode's answer is reverse mode's (no sweep).
                return onePass && r.value.isEmpty ? try await jacobian(of: f, at: x, mode: .reverse, tasks: tasks) : r
            }
            return try await jacobian(of: f, at: x, mode: .reverse, tasks: tasks)
        } catch let first as ADError {
            guard case .missingRule = first else { throw first }
            do {
                return try await jacobian(of: f, at: x, mode: forwardFirst ? .reverse : .forward, tasks: tasks)
            } catch let second as ADError {
                if case .missingRule = second { throw first }
                throw second
            }
        }
    }
    let useForward = mode == .forward
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
    // Each row watches the underflow flag of the thread it ran on (the flag is per thread); a row
    // that raised it is swept again below as the serial rows are, lifted where a term was lost.
    let swept = try await concurrentMap(count: m, tasks: tasks, state: { () -> (SweepScratch<V>, Tape<V>) in
        (SweepScratch(count: entries), shared.value)
    }) { state, i -> (row: [V], underflowed: Bool) in
        var row = [V](repeating: 0, count: inputs)
        let seeds = nodes[i].map { [($0, V(1))] } ?? []
        let watch = UnderflowWatch()
        defer { watch.end() }
        row.withUnsafeMutableBufferPointer { out in
            state.1.sweepLoop(seeds: seeds, inputAdjoints: out, scratch: state.0.pointer)
        }
        return (row, watch.underflowed)
    }
    var rows = swept.map(\.row)
    if rows.joined().contains(where: { !$0.isFiniteValue }) {
        // The serial path throws naming the op where the non-finite value was born.
        return try jacobianReverse(of: { f($0) }, at: x)
    }
    for i in 0..<m where swept[i].underflowed {
        rows[i] = try rec.pullback(seeds: [(rec.outputs[i], 1)], checked: true)
    }
    return JacobianResult(value: rec.value, jacobian: rows, mode: .reverse, passes: m, diagnostics: rec.diagnostics)
}

@inlinable func concurrentForward<V: ADScalar & BinaryFloatingPoint & SIMDScalar & Sendable, S: SIMD & TangentVector & SendableMetatype>(
    _ f: some ADFunction & Sendable, _ x: [V], _: S.Type, tasks: Int
) async throws -> JacobianResult<V> where S.Scalar == V {
    // The sinks are raw memory cleared with memset: only for trivially copyable scalars (every
    // standard floating-point type); anything else takes the serial driver.
    guard _isPOD(V.self) else { return try forwardJacobian(f, at: x) }
    let lanes = S.laneCount
    let passes = forwardPassCount(inputs: x.count, lanes: lanes)
    let workers = Swift.max(1, Swift.min(tasks, passes))
    // Each task writes its passes' columns into one flat buffer from the shelf, not into
    // eight arrays per pass: those (190 KB per task for the 200×200 benchmark) were freed by the
    // caller's thread after every call, the task's allocator gave the pages back, and the next
    // call faulted them in again, which made the 2-task time swing by a third between runs.
    let sinks = ReadOnlyShared((0..<workers).map { _ in ColumnSink<V>() })
    let observed = Instrumentation.capture()
    let perTask = await withTaskGroup(of: ([ForwardPassOutcome<V>], OperationCounts).self) { group in
        for w in 0..<workers {
            group.addTask {
                Instrumentation.runChild(observed) {
                    let mine = Array(stride(from: w, to: passes, by: workers))
                    var done: [ForwardPassOutcome<V>] = []
                    for (k, p) in mine.enumerated() {
                        if Task.isCancelled { break }
                        done.append(forwardPass({ (d: [Dual<V, S>]) in f(d) }, at: x, pass: p, slot: k, of: mine.count, into: sinks.value[w]))
                    }
                    return done
                }
            }
        }
        var all: [[ForwardPassOutcome<V>]] = []
        for await (part, counts) in group {
            Instrumentation.add(counts)
            all.append(part)
        }
        return all
    }
    try Task.checkCancellation()
    var outcomes = [ForwardPassOutcome<V>?](repeating: nil, count: passes)
    for part in perTask { for o in part { outcomes[o.pass] = o } }
    let ordered = outcomes.compactMap { $0 }
    guard ordered.count == passes, let first = ordered.first,
          ordered.allSatisfy({ $0.outputs == first.outputs && $0.written }) else {
        // A function whose output count changed between passes: the serial driver reports it.
        return try forwardJacobian(f, at: x)
    }
    // The sinks must outlive every read through the raw pointers below: the optimiser may
    // otherwise release them after their last named use, and a sink's deinit clears its buffer
    // and hands it to the shelf (in release builds this returned an all-zero Jacobian).
    return try withExtendedLifetime(sinks) {
        // Where column j lives, found once: integer divisions per entry cost more than the copy.
        // Every pass wrote (checked above), so every sink has its buffer.
        let m = first.outputs
        let columns: [UnsafeMutablePointer<V>?] = (0..<x.count).map { j in
            let p = j / lanes, w = p % workers, k = p / workers
            return sinks.value[w].pointer.map { $0 + (k * lanes + j % lanes) * m }
        }
        let r = try assembleForward(ordered: ordered, columns: columns, checked: true) { j in
            nonFiniteOrigin({ (d: [Dual<V, S>]) in f(d) }, at: x, column: j)
        }
        // On the caller's thread, pass by pass as the serial driver does, so both give the same bits.
        return try rangeRecoveredForward({ (d: [Dual<V, S>]) in f(d) }, at: x, passes: ordered.filter(\.underflowed).map(\.pass), result: r)
    }
}

/// The serial forward Jacobian of trivially copyable scalars, its passes writing into one flat
/// buffer from the shelf as the concurrent driver's tasks do: reading eight column arrays per
/// pass out of the duals and transposing an array of arrays was a third of a 100 × 100
/// Jacobian. nil when a pass gave another number of outputs than the first (the caller's
/// array driver reports that).
@inlinable func flatForwardJacobian<V: ADScalar, T: TangentVector>(
    _ f: ([Dual<V, T>]) -> [Dual<V, T>], at x: [V], passes: Int, checked: Bool, range: RangeRecovery
) throws -> JacobianResult<V>? where T.Scalar == V {
    let sink = ColumnSink<V>()
    let outcomes = (0..<passes).map { forwardPass(f, at: x, pass: $0, slot: $0, of: passes, into: sink) }
    guard let first = outcomes.first, outcomes.allSatisfy({ $0.outputs == first.outputs && $0.written }) else { return nil }
    return try withExtendedLifetime(sink) {
        let m = first.outputs
        let columns: [UnsafeMutablePointer<V>?] = (0..<x.count).map { j in sink.pointer.map { $0 + j * m } }
        let r = try assembleForward(ordered: outcomes, columns: columns, checked: checked) { j in nonFiniteOrigin(f, at: x, column: j) }
        guard range != .off else { return r }
        return try rangeRecoveredForward(f, at: x, passes: outcomes.filter(\.underflowed).map(\.pass), result: r,
                                         throwing: range == .throwing)
    }
}

/// ``assembleForward(value:diagnostics:inputs:checked:origin:entry:)`` of passes that wrote their columns
/// into flat buffers (m values from each column's pointer), in pass order.
@inlinable func assembleForward<V: ADScalar>(
    ordered: [ForwardPassOutcome<V>], columns: [UnsafeMutablePointer<V>?], checked: Bool, origin: (Int) -> String?
) throws -> JacobianResult<V> {
    try assembleForward(value: ordered.first?.value ?? [], diagnostics: ordered.map(\.diagnostics),
                        inputs: columns.count, checked: checked, origin: origin) { i, j in columns[j]?[i] ?? V(Double.nan) }
}

/// What one forward pass of a concurrent Jacobian hands back besides the columns it wrote.
@usableFromInline
struct ForwardPassOutcome<V: ADScalar>: @unchecked Sendable {
    @usableFromInline let pass: Int
    /// The outputs' values, kept from pass 0 only (every pass computes the same).
    @usableFromInline let value: [V]?
    @usableFromInline let outputs: Int
    @usableFromInline let written: Bool
    @usableFromInline let diagnostics: EvaluationDiagnostics
    /// Whether the pass raised the underflow flag (of Double or Float; see RangeRecovery).
    @usableFromInline let underflowed: Bool
    @inlinable init(pass: Int, value: [V]?, outputs: Int, written: Bool, diagnostics: EvaluationDiagnostics, underflowed: Bool) {
        self.pass = pass; self.value = value; self.outputs = outputs; self.written = written; self.diagnostics = diagnostics
        self.underflowed = underflowed
    }
}

/// ``forwardPass(_:at:pass:)`` writing its columns into `sink` at slot `k` of the task's `slots`
/// passes (column after column, one value per output), the same numbers in the same order.
@inlinable func forwardPass<V: ADScalar, T: TangentVector>(
    _ f: ([Dual<V, T>]) -> [Dual<V, T>], at x: [V], pass: Int, slot k: Int, of slots: Int, into sink: ColumnSink<V>
) -> ForwardPassOutcome<V> where T.Scalar == V {
    let lanes = T.laneCount, start = pass * lanes
    let watch = rangeRecoveryFormat(V.self) != nil ? UnderflowWatch() : nil
    let (y, diag) = seededEvaluation(f, at: x, pass: pass)
    let underflowed = watch?.underflowed == true
    watch?.end()
    let m = y.count
    guard let base = sink.columns(outputs: m, count: slots * lanes * m) else {
        return ForwardPassOutcome(pass: pass, value: nil, outputs: m, written: false, diagnostics: diag, underflowed: underflowed)
    }
    for lane in 0..<Swift.max(0, Swift.min(lanes, x.count - start)) {
        let column = base + (k * lanes + lane) * m
        for i in 0..<m { (column + i).initialize(to: y[i].tangent[lane: lane]) }
    }
    return ForwardPassOutcome(pass: pass, value: pass == 0 ? y.map(\.value) : nil, outputs: m, written: true, diagnostics: diag,
                              underflowed: underflowed)
}

/// One task's flat column buffer, from the shelf of zeroed scratch (cleared again when handed
/// back), sized on the task's first pass, when the number of outputs is known.
@usableFromInline
final class ColumnSink<V: ADScalar>: @unchecked Sendable {
    @usableFromInline var pointer: UnsafeMutablePointer<V>?
    var buffer: TapeBufferPool.ZeroedBuffer?
    /// Bytes this task may have written: all that needs clearing before the buffer goes back
    /// (a shelved buffer can be much larger than one call's columns).
    var written = 0
    var outputs = -1
    @usableFromInline init() {}

    /// The buffer for `count` values, allocated on the first call; nil when a later pass has
    /// another number of outputs than the first.
    @usableFromInline func columns(outputs m: Int, count: Int) -> UnsafeMutablePointer<V>? {
        if buffer == nil {
            let b = TapeBufferPool.takeZeroed(byteCount: Swift.max(1, count) * MemoryLayout<V>.stride)
            buffer = b
            written = Swift.max(1, count) * MemoryLayout<V>.stride
            outputs = m
            pointer = b.pointer.bindMemory(to: V.self, capacity: Swift.max(1, count))
        }
        return m == outputs ? pointer : nil
    }

    deinit {
        if let b = buffer {
            memset(b.pointer, 0, Swift.min(written, b.byteCount))
            TapeBufferPool.giveZeroed(b)
        }
    }
}
