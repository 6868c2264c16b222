import Synchronization
import CAdjointSupport
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Operation counts recorded by ``measureOperations(_:)``.
///
/// Scalar ops are counted when a derived scalar (``Dual``, ``Reverse``) applies them: plain
/// Double arithmetic is the hardware's and is not seen. Matrix ops and tapes add their own figures.
public struct OperationCounts: Sendable, Equatable {
    /// Scalar registry ops applied, by op (forward evaluations and reverse-sweep rule
    /// applications alike).
    public var byOp: [Op: Int] = [:]
    /// Named non-scalar operations (matrix ops), by name.
    public var byName: [String: Int] = [:]
    /// Floating-point operations: one per scalar op, 2·m·n·k per m×k by k×n matrix product.
    public var flops = 0
    /// Matrix products (each also counted in ``flops``).
    public var matmuls = 0
    /// Entries recorded on reverse-mode tapes and the bytes they occupy.
    public var tapeEntries = 0
    /// Bytes of those tape entries.
    public var tapeBytes = 0
    /// Evaluations of the function being differentiated, one per evaluation whatever the driver:
    /// each forward pass (a chunked pass is one), each reverse-mode recording (a Hessian–vector
    /// product's included), each sample of a difference or complex step, the plain evaluation
    /// with which automatic mode learns the output count, and each evaluation the check's
    /// witnesses make. Like every count here, only evaluations the measurement can see: its own
    /// thread's (or, for the `async` form, its own task's) and those of the child tasks the
    /// library's concurrent drivers spawn for it, never another thread's.
    public var functionEvaluations = 0
    /// All counts zero.
    public init() {}

    /// Total scalar ops across kinds.
    public var scalarOps: Int { byOp.values.reduce(0, +) }

    /// Adds every count of `rhs` to `lhs` (how a finished inner scope reaches its parent).
    public static func += (lhs: inout OperationCounts, rhs: OperationCounts) {
        lhs.byOp.merge(rhs.byOp, uniquingKeysWith: +)
        lhs.byName.merge(rhs.byName, uniquingKeysWith: +)
        lhs.flops += rhs.flops; lhs.matmuls += rhs.matmuls
        lhs.tapeEntries += rhs.tapeEntries; lhs.tapeBytes += rhs.tapeBytes
        lhs.functionEvaluations += rhs.functionEvaluations
    }
}

/// Counts the operations done by `body` on this thread. Scopes nest: an inner scope's counts are
/// also added to the outer one. (Not called `measure`, which XCTest's test cases already own.)
///
/// ```swift
/// let (_, counts) = try measureOperations { try gradient(of: { $0[0] * $0[1] }, at: [2.0, 3.0]) }
/// counts.byOp[.mul]   // 2: the recorded multiply and its rule in the reverse sweep
/// ```
public func measureOperations<R>(_ body: () throws -> R) rethrows -> (result: R, counts: OperationCounts) {
    try Instrumentation.measure(body)
}

/// Counts the operations done by `body` in this task: the synchronous stretches it runs, on
/// whichever threads the runtime gives it, and the work of the child tasks the library's
/// concurrent drivers spawn. So a concurrent Jacobian or check counts what its serial call counts.
/// Work of other tasks and threads is not counted, nor that of tasks `body` spawns itself unless
/// they are child tasks (`async let`, task groups) or unstructured `Task`s that finish in it.
///
/// ```swift
/// let (_, counts) = try await measureOperations { try await jacobian(of: Polar(), at: [2.0, 0.5], mode: .forward, tasks: 2) }
/// counts.functionEvaluations   // 1, as for the serial jacobian(of:at:mode:)
/// ```
@_disfavoredOverload  // a synchronous body in async code keeps taking the synchronous form
public func measureOperations<R>(
    isolation: isolated (any Actor)? = #isolation, _ body: () async throws -> R
) async rethrows -> (result: R, counts: OperationCounts) {
    try await Instrumentation.measure(isolation: isolation, body)
}

/// The switchboard for observation: counters and planted rule mutations. When nothing is
/// observing, every hook costs one relaxed atomic load and a predictable branch.
public enum Instrumentation {
    static let countingBit = 1
    static let locatingBit = 1 << 10
    static let mutationBit = 1 << 20

    /// True while any thread measures or any mutation is planted.
    @inlinable public static var isActive: Bool {
        @inline(__always) get { adjoint_flags_load() != 0 }
    }

    /// Whether *this* thread measures (an open ``measureOperations(_:)``) or has a rule mutation
    /// planted. ``isActive`` is the cheap global pre-test, true while any thread observes; a fast
    /// path that bypasses the counted, mutable scalar rules (AdjointLinalg's vectorised kernels)
    /// must ask this instead, or another thread's measurement changes the bits it computes here.
    ///
    /// ```swift
    /// Instrumentation.observesThisThread                                     // false
    /// measureOperations { Instrumentation.observesThisThread }.result        // true
    /// ```
    public static var observesThisThread: Bool {
        guard isActive else { return false }
        if let raw = pthread_getspecific(key), !Unmanaged<Box>.fromOpaque(raw).takeUnretainedValue().scopes.isEmpty {
            return true
        }
        return taskCounts != nil || RuleMutations.anyPlantedOnThisThread
    }

    /// The counts of the innermost `async` measurement around the running task, inherited by its
    /// child tasks. Read only where the thread has no scope of its own, and only behind
    /// ``isActive``: the unmeasured path never looks it up.
    @TaskLocal static var taskCounts: PthreadLocked<OperationCounts>?

    final class Scope { var counts = OperationCounts() }

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        // The thread's box is released when the thread exits (LeakSanitizer found one box per
        // exited dispatch worker otherwise).
        pthread_key_create(&key) { raw in
            if let raw { Unmanaged<Box>.fromOpaque(raw).release() }
        }
        return key
    }()

    final class Box {
        var scopes: [Scope] = []
        /// The tangent lane ``locatingNonFinite(lane:_:)`` watches, while it runs.
        var locatingLane: Int? = nil
        /// The first op it saw produce a non-finite result from finite arguments.
        var nonFiniteOrigin: String? = nil
    }

    private static func box() -> Box {
        if let raw = pthread_getspecific(key) { return Unmanaged<Box>.fromOpaque(raw).takeUnretainedValue() }
        let b = Box()
        // Owned by the thread-specific slot; the key's destructor releases it.
        pthread_setspecific(key, Unmanaged.passRetained(b).toOpaque())
        return b
    }

    /// Same as ``measureOperations(_:)``.
    public static func measure<R>(_ body: () throws -> R) rethrows -> (result: R, counts: OperationCounts) {
        try measure(reportingTo: .enclosing, body)
    }

    /// Same as ``measureOperations(isolation:_:)``.
    public static func measure<R>(
        isolation: isolated (any Actor)? = #isolation, _ body: () async throws -> R
    ) async rethrows -> (result: R, counts: OperationCounts) {
        let counts = PthreadLocked(OperationCounts())
        adjoint_flags_add(countingBit)
        defer { adjoint_flags_add(-countingBit) }
        let r = try await $taskCounts.withValue(counts, operation: body)
        let total = counts.withLock { $0 }
        // Outside withValue again: an enclosing async measurement is this task's innermost one.
        record { $0 += total }
        return (r, total)
    }

    /// Where a closing scope's counts go.
    enum Parent { case enclosing, caller }

    /// A scope on this thread around `body`. `.enclosing`: its counts are added to the thread's
    /// next scope out, or else to the task's async measurement (a synchronous measurement inside
    /// an async one). `.caller`: only returned, for ``runChild(_:_:)``'s parent to add once it
    /// has joined the child (the child also inherits the task's measurement, which must not get
    /// them twice).
    static func measure<R>(reportingTo parent: Parent, _ body: () throws -> R) rethrows -> (result: R, counts: OperationCounts) {
        let b = box()
        let scope = Scope()
        b.scopes.append(scope)
        adjoint_flags_add(countingBit)
        defer {
            adjoint_flags_add(-countingBit)
            b.scopes.removeLast()
            if parent == .enclosing {
                if let outer = b.scopes.last { outer.counts += scope.counts }
                else if let task = taskCounts { task.withLock { $0 += scope.counts } }
            }
        }
        let r = try body()
        return (r, scope.counts)
    }

    /// What a child task the library spawns inherits from the code that spawns it: whether that
    /// code is measured (a scope on its thread or an async measurement around its task) and the
    /// rule mutations planted on its thread. Task-bound mutations and async measurements reach
    /// child tasks by themselves (task-locals); a thread's do not, so they are carried here.
    @usableFromInline package struct Observation: Sendable {
        let measuring: Bool
        let planted: [RuleMutation]
    }

    /// The spawning code's ``Observation``, nil when nothing observes anywhere (one flag test:
    /// the unmeasured driver pays nothing more per child than a nil check).
    @usableFromInline package static func capture() -> Observation? {
        guard isActive else { return nil }
        var measuring = taskCounts != nil
        if let raw = pthread_getspecific(key), !Unmanaged<Box>.fromOpaque(raw).takeUnretainedValue().scopes.isEmpty {
            measuring = true
        }
        let planted = RuleMutations.plantedOnThisThread
        return measuring || !planted.isEmpty ? Observation(measuring: measuring, planted: planted) : nil
    }

    /// Runs a child task's synchronous work as the spawning code would have run it: under the
    /// same mutations, and, when it was measured, in a scope of its own on whatever thread the
    /// child landed on. The counts come back for the spawner to add with ``add(_:)`` after the
    /// join, so the total is the serial call's whatever the number of tasks (sums of the same
    /// counts), and children do not contend on a shared counter per op.
    ///
    /// ```swift
    /// let seen = Instrumentation.capture()                 // in the parent, before spawning
    /// group.addTask { Instrumentation.runChild(seen) { work() } }
    /// for await (r, counts) in group { Instrumentation.add(counts); … }
    /// ```
    @usableFromInline package static func runChild<R>(
        _ parent: Observation?, _ body: () throws -> R
    ) rethrows -> (result: R, counts: OperationCounts) {
        guard let parent else { return (try body(), OperationCounts()) }
        return try RuleMutations.withPlanted(parent.planted[...]) {
            parent.measuring ? try measure(reportingTo: .caller, body) : (try body(), OperationCounts())
        }
    }

    /// Adds a joined child's counts (from ``runChild(_:_:)``) to this code's innermost measurement.
    @usableFromInline package static func add(_ counts: OperationCounts) {
        if counts != OperationCounts() { record { $0 += counts } }
    }

    /// Runs `body` (one forward pass) with every dual op's result checked, and returns the name
    /// of the first op whose result (its value, or lane `lane` of its tangent) is not finite
    /// though its arguments are: where a non-finite forward-mode entry was born. For error
    /// paths only: the check is what the normal pass leaves out.
    @usableFromInline static func locatingNonFinite(lane: Int, _ body: () -> Void) -> String? {
        let b = box()
        let saved = (b.locatingLane, b.nonFiniteOrigin)
        b.locatingLane = lane
        b.nonFiniteOrigin = nil
        adjoint_flags_add(locatingBit)
        defer {
            adjoint_flags_add(-locatingBit)
            (b.locatingLane, b.nonFiniteOrigin) = saved
        }
        body()
        return b.nonFiniteOrigin
    }

    /// The lane watched by a ``locatingNonFinite(lane:_:)`` running on this thread.
    @usableFromInline static var locatingLane: Int? {
        guard let raw = pthread_getspecific(key) else { return nil }
        return Unmanaged<Box>.fromOpaque(raw).takeUnretainedValue().locatingLane
    }

    @usableFromInline static func noteNonFiniteOrigin(_ name: String) {
        guard let raw = pthread_getspecific(key) else { return }
        let b = Unmanaged<Box>.fromOpaque(raw).takeUnretainedValue()
        if b.nonFiniteOrigin == nil { b.nonFiniteOrigin = name }
    }

    /// Adds to the innermost scope of this thread, or else to the async measurement around the
    /// running task, if any. For matrix ops and tapes.
    public static func record(_ update: (inout OperationCounts) -> Void) {
        guard isActive else { return }
        if let raw = pthread_getspecific(key), let scope = Unmanaged<Box>.fromOpaque(raw).takeUnretainedValue().scopes.last {
            update(&scope.counts)
        } else if let task = taskCounts {
            // The synchronous stretches of an async measurement's own task; child tasks the
            // library spawns count in scopes of their own (runChild) and take this lock once.
            task.withLock { update(&$0) }
        }
    }

    /// Counts one scalar op; the hot path is the inlined `isActive` test at the call site.
    @inlinable @inline(__always)
    public static func count(_ op: Op) {
        if _slowPath(isActive) { countSlow(op) }
    }

    /// Counts one application of a user primitive, by name (also in ``OperationCounts/byName``).
    /// A user primitive under a built-in op's name, or under a name that is no identifier
    /// (``UserPrimitives/isValidName(_:)``), is reported (``ADError/invalidArgument(_:)``) when
    /// this thread measures: its count would be read as the built-in's, or under no name.
    @inlinable @inline(__always)
    public static func count(primitive name: String) {
        if _slowPath(isActive) { countPrimitiveSlow(name) }
    }

    @usableFromInline @inline(never)
    static func countPrimitiveSlow(_ name: String) {
        var counted = false
        record { $0.byName[name, default: 0] += 1; $0.flops += 1; counted = true }
        // Only when this thread's count was taken: another thread's measurement sets the global
        // flag too, and must not make this thread's evaluation fail.
        if counted, let why = UserPrimitives.nameViolation(name) { Diagnostics.report(.invalidArgument(why)) }
    }

    /// Counts one evaluation of the function being differentiated
    /// (``OperationCounts/functionEvaluations``); drivers call it once per evaluation, never per op.
    @inlinable @inline(__always)
    public static func countEvaluation(_ count: Int = 1) {
        if _slowPath(isActive) { countEvaluationSlow(count) }
    }

    @usableFromInline @inline(never)
    static func countEvaluationSlow(_ count: Int) {
        record { $0.functionEvaluations += count }
    }

    @usableFromInline @inline(never)
    static func countSlow(_ op: Op) {
        record { $0.byOp[op, default: 0] += 1; $0.flops += 1 }
    }

    static func setMutationBit(_ on: Bool) {
        adjoint_flags_add(on ? mutationBit : -mutationBit)
    }
}

/// Deliberately wrong derivative rules, planted for testing the testers (mutation testing).
///
/// While a mutation is planted, the registry's partial `input` of the target (a built-in op or a
/// user scalar primitive, by name) is changed in every interpreter (forward, reverse, exact) on the
/// planting thread, so a checker that cannot see the difference is itself broken. Other threads
/// keep the true rules.
///
/// A mutation that could change nothing is refused, not ignored: a ``Kind/scale(_:)`` of an input
/// the target does not have (input 1 of the unary sin, input 7 of mul), or any mutation of a
/// ``VectorPrimitive`` (its JVP and VJP are the user's own, with no partial to change). Each is
/// ``ADError/invalidArgument(_:)`` from the driver that meets the target while it is planted; a
/// built-in op's absent input also from every reverse-mode recording made while it is planted.
///
/// ```swift
/// RuleMutations.withMutation(RuleMutation(op: .sin, input: 0, factor: -1)) {
///     // here, on this thread, d/dx sin x = −cos x
/// }
/// ```
public struct RuleMutation: Sendable, Hashable, CustomStringConvertible {
    /// How the partial is made wrong.
    public enum Kind: Sendable, Hashable {
        /// Multiplied by a factor: −1 flips the sign, 2 doubles it, 0 drops the term,
        /// 1 + 1e-6 is a small relative error.
        case scale(Double)
        /// The two partials exchanged (∂/∂x given for ∂/∂y): the partial of the wrong input.
        case swapped
    }
    /// The registry op or user scalar primitive name whose rule is made wrong.
    public let target: String
    /// Which partial: 0 for ∂/∂x, 1 for ∂/∂y (ignored by ``Kind/swapped``); 1 only for a
    /// target of two inputs.
    public let input: Int
    /// The change.
    public let kind: Kind

    /// A mutation of `op`'s partial `input` by `factor`.
    public init(op: Op, input: Int = 0, factor: Double) {
        self.init(target: op.info.name, input: input, kind: .scale(factor))
    }
    /// A mutation of the named op or user primitive.
    public init(target: String, input: Int = 0, kind: Kind) {
        self.target = target; self.input = input; self.kind = kind
    }

    /// The op this mutation targets, when it is a built-in.
    public var op: Op? { Op(name: target) }
    /// The factor of a ``Kind/scale(_:)`` mutation, 1 otherwise.
    public var factor: Double { if case .scale(let f) = kind { return f }; return 1 }

    /// `sin ∂x × -1.0`, `hypot partials swapped`.
    public var description: String {
        switch kind {
        case .scale(let f): return "\(target) ∂\(input == 0 ? "x" : input == 1 ? "y" : "[input \(input)]") × \(f)"
        case .swapped: return "\(target) partials swapped"
        }
    }

    /// Why this mutation cannot change a target of `arity` inputs, or nil when it can. A scale of
    /// input ≥ 1 was applied as one of ∂y whatever the index (mul's input 7 scaled ∂y), and of a
    /// unary op's absent ∂y it changed nothing, so a checker "caught" nothing and passed.
    func invalidity(arity: Int) -> String? {
        guard case .scale = kind, !(0..<arity).contains(input) else { return nil }
        return "RuleMutation of \(target) names input \(input), but \(target) takes \(arity) input\(arity == 1 ? "" : "s") "
            + "(arity \(arity)): the input must be in 0..<\(arity); the mutation was not applied"
    }

    @inlinable func applied<T: ADScalar>(to p: (T, T)) -> (T, T) {
        switch kind {
        case .scale(let f): return input == 0 ? (p.0 * T(f), p.1) : (p.0, p.1 * T(f))
        case .swapped: return (p.1, p.0)
        }
    }

    /// The tangents as this mutation's partials meet them in forward mode: a partial scaled by f
    /// times its tangent is the partial times the tangent scaled by f, and swapped partials
    /// against (dx, dy) are the true partials against (dy, dx).
    @inlinable func applied<V: TangentVector>(toTangents t: (V, V)) -> (V, V) where V.Scalar: ADScalar {
        switch kind {
        case .scale(let f): return input == 0 ? (V.Scalar(f) * t.0, t.1) : (t.0, V.Scalar(f) * t.1)
        case .swapped: return (t.1, t.0)
        }
    }
}

/// The planted mutations, per thread; see ``RuleMutation``.
public enum RuleMutations {
    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        // Released when the thread exits, as Instrumentation's box is: LeakSanitizer found the
        // box of a dispatch worker that had planted a mutation for a task (ConcurrentCountTests).
        pthread_key_create(&key) { raw in
            if let raw { Unmanaged<Box>.fromOpaque(raw).release() }
        }
        return key
    }()

    final class Box { var planted: [String: RuleMutation] = [:] }

    private static func box(create: Bool) -> Box? {
        if let raw = pthread_getspecific(key) { return Unmanaged<Box>.fromOpaque(raw).takeUnretainedValue() }
        guard create else { return nil }
        let b = Box()
        // Owned by the thread-specific slot; the key's destructor releases it.
        pthread_setspecific(key, Unmanaged.passRetained(b).toOpaque())
        return b
    }

    /// The mutations planted around the running task by the `async` ``withMutation(_:isolation:_:)``,
    /// inherited by its child tasks. Looked up only behind the mutation flag.
    @TaskLocal static var plantedInTask: [String: RuleMutation] = [:]

    /// Whether a mutation is planted on this thread or around the running task.
    static var anyPlantedOnThisThread: Bool { !(box(create: false)?.planted.isEmpty ?? true) || !plantedInTask.isEmpty }

    /// The mutations planted on this thread (not the task's: child tasks inherit those).
    static var plantedOnThisThread: [RuleMutation] { box(create: false).map { Array($0.planted.values) } ?? [] }

    /// Runs `body` with `mutation` planted on this thread, then removes it.
    public static func withMutation<R>(_ mutation: RuleMutation, _ body: () throws -> R) rethrows -> R {
        let b = box(create: true)
        let previous = b?.planted[mutation.target]
        b?.planted[mutation.target] = mutation
        Instrumentation.setMutationBit(true)
        defer {
            Instrumentation.setMutationBit(false)
            b?.planted[mutation.target] = previous
        }
        return try body()
    }

    /// Runs `body` with `mutation` planted for this task and the child tasks the library's
    /// concurrent drivers spawn (wherever they run), then removes it; other tasks and threads
    /// keep the true rules. So a concurrent check under a mutation judges what the serial check
    /// under the synchronous ``withMutation(_:_:)`` judges.
    ///
    /// ```swift
    /// let report = try await RuleMutations.withMutation(RuleMutation(op: .sin, factor: -1)) {
    ///     try await checkJacobian(of: F(), at: [0.5, 2.0], tasks: 2)
    /// }
    /// report.verdict   // the serial check's under the same mutation
    /// ```
    @_disfavoredOverload  // a synchronous body in async code keeps taking the thread's form
    public static func withMutation<R>(
        _ mutation: RuleMutation, isolation: isolated (any Actor)? = #isolation, _ body: () async throws -> R
    ) async rethrows -> R {
        var planted = plantedInTask
        planted[mutation.target] = mutation
        Instrumentation.setMutationBit(true)
        defer { Instrumentation.setMutationBit(false) }
        return try await $plantedInTask.withValue(planted, operation: body)
    }

    /// Plants `mutations` on this thread around `body` (a child task's share of its parent's).
    static func withPlanted<R>(_ mutations: ArraySlice<RuleMutation>, _ body: () throws -> R) rethrows -> R {
        guard let first = mutations.first else { return try body() }
        return try withMutation(first) { try withPlanted(mutations.dropFirst(), body) }
    }

    /// The mutation of `name` planted on this thread, or else around the running task.
    private static func planted(_ name: String) -> RuleMutation? {
        box(create: false)?.planted[name] ?? plantedInTask[name]
    }

    @usableFromInline @inline(never)
    static func apply<T: ADScalar>(_ op: Op, _ p: (T, T)) -> (T, T) {
        apply(name: op.info.name, p)
    }

    /// The tangents `op`'s partials multiply in forward mode, changed as a mutation of `op`
    /// planted here would change the partials (see ``Rules/jvp(_:_:_:_:output:tangents:_:)``).
    @usableFromInline @inline(never)
    static func apply<V: TangentVector>(_ op: Op, tangents t: (V, V)) -> (V, V) where V.Scalar: ADScalar {
        guard adjoint_flags_load() >= Instrumentation.mutationBit, let m = planted(op.info.name) else { return t }
        guard refuses(m, arity: op.info.arity) == false else { return t }
        return m.applied(toTangents: t)
    }

    /// Whether `m` is refused for a target of `arity` inputs; a refusal is reported
    /// (``ADError/invalidArgument(_:)``) to the running driver.
    private static func refuses(_ m: RuleMutation, arity: Int) -> Bool {
        guard let why = m.invalidity(arity: arity) else { return false }
        Diagnostics.report(.invalidArgument(why))
        return true
    }

    /// Reports every mutation planted here of a built-in op's input the op does not have. Called
    /// by each reverse recording: the sweep applies a binary op's mutation after the recording's
    /// diagnostics are read, so a refusal there reached no one (mul's input 7 passed silently).
    @usableFromInline @inline(never)
    static func reportInvalidPlanted() {
        guard adjoint_flags_load() >= Instrumentation.mutationBit else { return }
        let here = box(create: false).map { Array($0.planted.values) } ?? []
        for m in here + plantedInTask.values.filter({ t in !here.contains { $0.target == t.target } }) {
            if let op = Op(name: m.target) { _ = refuses(m, arity: op.info.arity) }
        }
    }

    /// Reports a mutation planted under vector primitive `name`'s name: its JVP and VJP are the
    /// user's own functions, with no partial a mutation could change, and a planted one changed
    /// nothing while the doc promised a wrong rule. A built-in op's name is the built-in's.
    @usableFromInline @inline(never)
    static func refuseVectorTarget(_ name: String) {
        guard adjoint_flags_load() >= Instrumentation.mutationBit, let m = planted(name), Op(name: name) == nil else { return }
        Diagnostics.report(.invalidArgument(
            "RuleMutation '\(m)' targets vector primitive '\(name)', which has no scalar partial to change: "
            + "a mutation applies to a built-in op or a scalar user primitive; the mutation was not applied"))
    }

    /// The partials of user primitive `name`, mutated if a mutation of it is planted here. A
    /// mutation planted under a built-in op's name is not applied to a user primitive of that
    /// name, which is reported (``ADError/invalidArgument(_:)``): `RuleMutation(op: .sin, …)`
    /// changed the rule of a user primitive named "sin" as well as the built-in's.
    @usableFromInline @inline(never)
    static func apply<T: ADScalar>(primitive name: String, arity: Int, _ p: (T, T)) -> (T, T) {
        guard adjoint_flags_load() >= Instrumentation.mutationBit, let m = planted(name) else { return p }
        if let why = UserPrimitives.nameViolation(name) {
            Diagnostics.report(.invalidArgument(why))
            return p
        }
        guard refuses(m, arity: arity) == false else { return p }
        return m.applied(to: p)
    }

    /// The partials of the op or user primitive `name`, mutated if a mutation of it is planted here.
    @usableFromInline @inline(never)
    static func apply<T: ADScalar>(name: String, _ p: (T, T)) -> (T, T) {
        guard adjoint_flags_load() >= Instrumentation.mutationBit, let m = planted(name) else { return p }
        if let op = Op(name: name), refuses(m, arity: op.info.arity) { return p }
        return m.applied(to: p)
    }
}
