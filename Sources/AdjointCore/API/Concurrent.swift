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
    let shared = ReadOnlyShared(rec)
    let rows = await concurrentMap(count: m, tasks: tasks) { i -> [V] in
        let tape = shared.value.tape
        let scratch = UnsafeMutablePointer<V>.allocate(capacity: Swift.max(1, tape.count))
        scratch.initialize(repeating: 0, count: Swift.max(1, tape.count))
        defer { scratch.deinitialize(count: Swift.max(1, tape.count)); scratch.deallocate() }
        let seeds = shared.value.outputs.enumerated().map { ($0.element, $0.offset == i ? V(1) : V(0)) }
        return tape.pullbackToAllInputs(from: seeds, scratch: scratch)
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
