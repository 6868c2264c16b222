#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A non-differentiable point touched during evaluation.
public struct KinkEvent: Sendable, Equatable, CustomStringConvertible {
    /// The op whose non-differentiable point was touched (``Op/custom`` for a user primitive).
    public let op: Op
    /// The op's or user primitive's name.
    public let name: String
    /// Tape node index when the evaluation was recorded; nil in forward or plain mode.
    public let node: Int?
    /// The op's inputs there (as Doubles, for reports).
    public let inputs: [Double]
    /// `relu (node 2) at 0.0`.
    public var description: String {
        "\(name)\(node.map { " (node \($0))" } ?? "") at \(inputs.map { "\($0)" }.joined(separator: ", "))"
    }
}

/// What one evaluation reported besides its result.
public struct EvaluationDiagnostics: Sendable, Equatable {
    /// Errors in the order they happened (domain errors, unsupported ops, …); at most
    /// ``Diagnostics/storedEventLimit`` are kept, ``errorCount`` counts all.
    public var errors: [ADError] = []
    /// All errors reported, kept or not.
    public var errorCount = 0
    /// Kinks touched, first ``Diagnostics/storedEventLimit`` kept; ``kinkCount`` counts all.
    public var kinks: [KinkEvent] = []
    /// All kinks touched, kept or not. ``hvp(of:at:direction:)`` and ``hessian(of:at:maximumDimension:)``
    /// count each kink f touches at x once, however many products they take. A user's own nested
    /// scalars (a dual of duals) report a kink once per nesting level, since each level's
    /// arithmetic meets it.
    public var kinkCount = 0
    /// Nothing reported yet.
    public init() {}
    /// Whether any non-differentiable point was touched (finite differences may disagree).
    public var touchedKink: Bool { kinkCount > 0 }

    /// What one more evaluation of f at the same point adds to an enclosing collection (a
    /// Hessian's products, a forward pass per input, a second derivation): it touches the kinks an
    /// earlier evaluation already reported, so its own are kept only when `kinks` is true; its
    /// errors stay; its escapes count only beyond the most any earlier evaluation counted
    /// (`escapesSeen`, updated), since a rule reading a dual as a Double loses only the tangent of
    /// the direction that put one there. One rule for every driver that evaluates f repeatedly:
    /// each had written it, and the counts disagreed (x·|x| at 0 counted 2, 3 or 4 kinks).
    @usableFromInline package func repeatedEvaluation(keepingKinks kinks: Bool, escapesSeen: inout Int) -> EvaluationDiagnostics {
        var kept = self
        if !kinks { kept.kinks = []; kept.kinkCount = 0 }
        kept.escapes = Swift.max(0, escapes - escapesSeen)
        escapesSeen = Swift.max(escapesSeen, escapes)
        return kept
    }

    /// The events with each kink of a forward-over-reverse evaluation once: the tape's op reports
    /// it with its node, and the dual arithmetic computing the op's value reports it again without
    /// one (x·|x| at 0 counted 2). Each unnumbered event that matches a numbered one (op and
    /// inputs) is dropped, one for one. Only stored events can be matched (the first
    /// ``Diagnostics/storedEventLimit``); repeats past them stay counted.
    @usableFromInline func withoutNestedRepeats() -> EvaluationDiagnostics {
        var numbered = kinks.filter { $0.node != nil }
        var out = self
        out.kinks = []
        for k in kinks {
            if k.node == nil, let i = numbered.firstIndex(where: { $0.op == k.op && $0.name == k.name && $0.inputs == k.inputs }) {
                numbered.remove(at: i)
                out.kinkCount -= 1
                continue
            }
            out.kinks.append(k)
        }
        return out
    }
    /// The events with each tape node k renamed `node(k)` (nil: unknown): for a driver that
    /// records one long computation on several tapes (a checkpointed loop's segments), so that a
    /// kink names the node one tape over the whole computation would have.
    @usableFromInline package func renumberingNodes(_ node: (Int) -> Int?) -> EvaluationDiagnostics {
        var out = self
        out.kinks = kinks.map { k in KinkEvent(op: k.op, name: k.name, node: k.node.flatMap(node), inputs: k.inputs) }
        out.errors = errors.map { $0.renumberingNode(node) }
        return out
    }

    /// Times the evaluated function converted a variable carrying a derivative to a Double
    /// (`approximateDouble` on a dual with a nonzero tangent, a tape variable, or a complex-step
    /// value off the real axis): derivatives through those paths are lost, and AD and the complex
    /// step then follow the same broken path, so they are not independent of each other.
    /// ``hessian(of:at:maximumDimension:)`` counts the most any one of its products counted: a
    /// dual read as a Double loses a tangent only in the directions that give it one.
    public var escapes = 0
    /// User primitives whose rule (partials or derivative) made one of those ``escapes``: the rule
    /// read a value carrying a derivative as a Double. First-order modes run rules on plain values,
    /// so only a nested derivative (a Hessian) meets it, and there the rule's own derivative is
    /// lost: ``hvp(of:at:direction:)`` and ``hessian(of:at:maximumDimension:)`` throw naming them.
    public var escapingRules: [String] = []
    /// Times the evaluated function read an exact scalar (a rational) as a Double with
    /// `approximateDouble`, outside the library's own reads and outside a user primitive (whose
    /// read is an error, see ``Diagnostics/noteInexactRead(_:)``). What f computes from that Double
    /// is rounded, so exact arithmetic is not exact through it: AdjointExact's
    /// `exactDifferenceJacobian` refuses such an f. A read that only picks a branch is counted too; nothing here can see
    /// whether the Double decides a comparison or flows back into f as a constant.
    public var inexactReads = 0
}

/// Collects domain errors and kink hits from inside an evaluation, per thread.
///
/// Ops cannot throw (a user's function is ordinary arithmetic), so a failing op reports here and
/// returns NaN; the derivative APIs collect around the evaluation and throw the first error. The
/// report path is taken only when something goes wrong or a kink is hit, so the per-op cost of
/// the mechanism is one comparison.
///
/// ```swift
/// let (y, diag) = Diagnostics.collect { Dual<Double, Double>.relu(0) }
/// diag.kinkCount   // 1
/// ```
public enum Diagnostics {
    /// How many errors and kinks one collection keeps verbatim (all are counted).
    public static let storedEventLimit = 64

    final class Collector {
        var diagnostics = EvaluationDiagnostics()
        /// Above 0 while the library itself reads values for a report (not an escape).
        var quiet = 0
        /// The user primitives declared rational-closed whose primal or rule is running, innermost
        /// last, with the scalar type it runs on (see ``Diagnostics/noteInexactRead(_:)``).
        var userCode: [(name: String, scalar: ObjectIdentifier)] = []
    }

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    private static var current: Collector? {
        guard let raw = pthread_getspecific(key) else { return nil }
        return Unmanaged<Collector>.fromOpaque(raw).takeUnretainedValue()
    }

    /// Runs `body`, returning its result and everything it reported. Collections nest: an inner
    /// collection's events are also passed to the enclosing one.
    public static func collect<R>(_ body: () throws -> R) rethrows -> (result: R, diagnostics: EvaluationDiagnostics) {
        try collecting(body, passing: { $0 })
    }

    /// Runs `body` in a collection of its own and passes to the enclosing one only what `keep`
    /// returns of it (on return or throw). For APIs whose one call evaluates f several times or
    /// in nested scalars (a Hessian: n recordings, each op reported by the tape and again by the
    /// dual arithmetic under it), so that a count means kinks touched by f at x. The filter runs
    /// once per call, never per op.
    /// (`package`: the sparse Hessian and symbolic forward mode evaluate f once per colour or
    /// input, and keep one evaluation's kinks the same way.)
    @usableFromInline
    package static func collect<R>(_ body: () throws -> R, keeping keep: (EvaluationDiagnostics) -> EvaluationDiagnostics) rethrows -> R {
        try collecting(body, passing: keep).result
    }

    /// ``collect(_:)``, handing the enclosing collection only what `keep` makes of the events: for
    /// a driver that needs one evaluation's full diagnostics and evaluates f again per pass.
    @usableFromInline
    package static func collect<R>(_ body: () throws -> R,
                                   passingOn keep: (EvaluationDiagnostics) -> EvaluationDiagnostics) rethrows -> (result: R, diagnostics: EvaluationDiagnostics) {
        try collecting(body, passing: keep)
    }

    /// The one collection mechanism behind the `collect`s: a collector installed for `body`, and
    /// on return or throw what `keep` makes of its events handed to the enclosing collector.
    private static func collecting<R>(_ body: () throws -> R,
                                      passing keep: (EvaluationDiagnostics) -> EvaluationDiagnostics) rethrows -> (result: R, diagnostics: EvaluationDiagnostics) {
        let collector = Collector()
        let result = try installing(collector, at: key, body) { parentRaw in
            if let parentRaw { pass(keep(collector.diagnostics), to: parentRaw) }
        }
        return (result, collector.diagnostics)
    }

    /// Runs `body` with `object` installed as this thread's value for `key` (retained while
    /// installed), then restores the enclosing value and hands it to `afterwards` (nil outside
    /// any), on return or throw.
    private static func installing<T: AnyObject, R>(_ object: T, at key: pthread_key_t, _ body: () throws -> R,
                                                    afterwards: (UnsafeMutableRawPointer?) -> Void = { _ in }) rethrows -> R {
        let parentRaw = pthread_getspecific(key)
        let raw = Unmanaged.passRetained(object).toOpaque()
        pthread_setspecific(key, raw)
        defer {
            pthread_setspecific(key, parentRaw)
            Unmanaged<T>.fromOpaque(raw).release()
            afterwards(parentRaw)
        }
        return try body()
    }

    /// Hands an inner collection's events to the enclosing collector.
    private static func pass(_ inner: EvaluationDiagnostics, to parentRaw: UnsafeMutableRawPointer) {
        let parent = Unmanaged<Collector>.fromOpaque(parentRaw).takeUnretainedValue()
        for e in inner.errors { parent.add(error: e) }
        for k in inner.kinks { parent.add(kink: k) }
        // Events past the inner store limit were counted but not kept; count them too.
        parent.diagnostics.errorCount += inner.errorCount - inner.errors.count
        parent.diagnostics.kinkCount += inner.kinkCount - inner.kinks.count
        parent.diagnostics.escapes += inner.escapes
        parent.diagnostics.inexactReads += inner.inexactReads
        for name in inner.escapingRules where !parent.diagnostics.escapingRules.contains(name) {
            parent.diagnostics.escapingRules.append(name)
        }
    }

    /// Whether a user vector primitive's JVP ran, per thread (see ``noticingVectorRules(_:)``).
    final class VectorRuleLog { var applied = false }

    private static let vectorRuleKey: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    /// Runs `body` and says whether a user vector primitive's JVP ran in it (on duals). A range
    /// recovery asks: such a rule need not be linear in its direction (one that clips it is
    /// lawful), so a pass with its direction lifted is no exact scaling of the unlifted one.
    @usableFromInline package static func noticingVectorRules<R>(_ body: () throws -> R) rethrows -> (result: R, applied: Bool) {
        let log = VectorRuleLog()
        let result = try installing(log, at: vectorRuleKey, body)
        return (result, log.applied)
    }

    /// Notes that a user vector primitive's JVP ran, when ``noticingVectorRules(_:)`` is active.
    static func noteVectorRule() {
        guard let raw = pthread_getspecific(vectorRuleKey) else { return }
        Unmanaged<VectorRuleLog>.fromOpaque(raw).takeUnretainedValue().applied = true
    }

    /// The log of vector-primitive calls recorded without a VJP (see
    /// ``recordingCallsWithoutVJP(_:)``), per thread; nil outside one.
    final class MissingVJPLog { var errors: [ADError] = [] }

    private static let missingVJPKey: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    /// Runs `body` (a recording) so that a vector primitive without a VJP is recorded anyway and
    /// its ``ADError/missingRule(primitive:mode:needs:)`` is returned here instead of failing the
    /// recording. For the checker only (`package`): it reads the tape's values, graph and kinks,
    /// and judges forward mode, while reverse mode stays refused everywhere else (a sweep through
    /// such a call still reports the missing rule and gives NaN adjoints). Reverse mode never
    /// builds a VJP from JVPs behind the user's back.
    @usableFromInline package static func recordingCallsWithoutVJP<R>(_ body: () throws -> R) rethrows -> (result: R, missingVJPs: [ADError]) {
        let log = MissingVJPLog()
        let result = try installing(log, at: missingVJPKey, body)
        return (result, log.errors)
    }

    /// Logs a missing VJP when ``recordingCallsWithoutVJP(_:)`` is active (true: record the call
    /// anyway); false otherwise, and the caller reports the error and refuses the call.
    static func logMissingVJP(_ error: ADError) -> Bool {
        guard let raw = pthread_getspecific(missingVJPKey) else { return false }
        let log = Unmanaged<MissingVJPLog>.fromOpaque(raw).takeUnretainedValue()
        if !log.errors.contains(error) { log.errors.append(error) }
        return true
    }

    /// Reports an error from inside an evaluation. Outside any collection it is dropped: the
    /// caller evaluated without asking for checks, and the NaN it gets back still shows.
    public static func report(_ error: ADError) {
        current?.add(error: error)
    }

    /// Notes that a derivative-carrying value was converted to a Double by the function under
    /// evaluation (see ``EvaluationDiagnostics/escapes``).
    public static func noteEscape() {
        guard let c = current, c.quiet == 0 else { return }
        c.diagnostics.escapes += 1
    }

    /// Runs user primitive `name`'s rule, naming it in ``EvaluationDiagnostics/escapingRules``
    /// when it counts an escape. Why: sin′ written as `T(cos(x.approximateDouble))` gives a right
    /// gradient and, with no error, the Hessian of sin(x)·y at (0.7, 2) as [[0, 0.765], [0.765, 0]]
    /// (by hand H₀₀ = −2 sin 0.7 = −1.288; a review). Not on Double and Float values, which no
    /// read can take a derivative from (``customPartials(_:_:_:_:)``): the generic closure
    /// returning a tuple cost a runtime metadata lookup per application of the primitive.
    /// `rationalClosed`: the primitive declares ``ScalarPrimitive/isRationalClosed``, so an exact
    /// scalar read as a Double in it is reported (see ``noteInexactRead(_:)``).
    @usableFromInline package static func rule<R, V>(of name: String, rationalClosed: Bool = false, on _: V.Type = Double.self,
                                                     _ body: () -> R) -> R {
        guard let c = current else { return body() }
        let before = c.diagnostics.escapes
        if rationalClosed { c.userCode.append((name, ObjectIdentifier(V.self))) }
        let r = body()
        if rationalClosed { c.userCode.removeLast() }
        if c.diagnostics.escapes > before && !c.diagnostics.escapingRules.contains(name) {
            c.diagnostics.escapingRules.append(name)
        }
        return r
    }

    /// Runs user primitive `name`'s primal, naming it while it runs when it declares
    /// ``ScalarPrimitive/isRationalClosed`` (`rationalClosed`), as ``rule(of:rationalClosed:_:)``
    /// does for its partials: what ``noteInexactRead(_:)`` blames. Only a declared
    /// closure is held to it: an undeclared primitive is refused by exact mode anyway, and
    /// symbolic mode reads its constants' rationals as Doubles inside any primal (erf's).
    @usableFromInline package static func userPrimal<R, V>(of name: String, rationalClosed: Bool, on _: V.Type,
                                                           _ body: () -> R) -> R {
        guard rationalClosed, let c = current else { return body() }
        c.userCode.append((name, ObjectIdentifier(V.self)))
        defer { c.userCode.removeLast() }
        return body()
    }

    /// Reports, as ``ADError/unsupported(op:scalarType:node:)`` naming the primitive, that a user
    /// primitive declared rational-closed read, in its primal or rule, an exact scalar (a rational) as a Double; an exact scalar's
    /// `approximateDouble` calls it. Why: a primitive declared
    /// ``ScalarPrimitive/isRationalClosed`` whose primal starts from √x read as a Double and takes
    /// a Newton step in T uses only rational operations, and exact mode reported its rounded root,
    /// and the derivative through it, as exact (validate passed it). Outside user code (the
    /// library reading a value for a domain check or a report) nothing is reported.
    ///
    /// Only a read of the scalar the primitive runs on counts: symbolic mode's comparisons read
    /// its constants' rationals inside a primal that runs on symbols.
    package static func noteInexactRead<V: ADScalar>(_ scalar: V) {
        guard let c = current else { return }
        guard let code = c.userCode.last, code.scalar == ObjectIdentifier(V.self) else {
            // The function's own read (see EvaluationDiagnostics.inexactReads); the library's
            // reads for a report run quietly.
            if c.quiet == 0 && c.userCode.isEmpty { c.diagnostics.inexactReads += 1 }
            return
        }
        let name = code.name, scalarType = "\(V.self)"
        c.add(error: .unsupported(op: "\(name) (declared rational-closed, but its primal or partials read a \(scalarType) as a "
                                      + "Double with approximateDouble, which rounds it, so exact mode cannot be exact through it)",
                                  scalarType: scalarType, node: nil))
    }

    /// Runs `body` (the library reading values for a report) without counting escapes.
    public static func quietly<R>(_ body: () -> R) -> R {
        guard let c = current else { return body() }
        c.quiet += 1
        // The library's own reads (a kink's inputs for its report) inside a user rule are not the
        // rule's: a rule that calls abs at its kink would be blamed for the report's read.
        let user = c.userCode
        c.userCode = []
        defer { c.quiet -= 1; c.userCode = user }
        return body()
    }

    /// Reports that a non-differentiable point was touched.
    public static func reportKink(_ op: Op, node: Int?, inputs: [Double]) {
        current?.add(kink: KinkEvent(op: op, name: op.info.name, node: node, inputs: inputs))
    }

    /// Runs a user primitive's declared domain and kink predicates and reports what they find.
    /// Not where an argument has no value (``ADScalar/hasValue``: a symbolic variable bound to no
    /// point): the predicate, which takes Doubles, would judge the NaN read in its place.
    @inlinable
    public static func check<P: ScalarPrimitive, T: ADScalar>(_ primitive: P.Type, _ x: T, _ y: T, node: Int?) {
        // Inlined, with the reports out of line: this runs at every application of a primitive,
        // where an unspecialised call and an array of the inputs built for a report that rarely
        // comes were most of a plain evaluation's overhead.
        // A symbolic derivation without a point has no value to judge: "log needs x > 0" on the
        // NaN read for an unbound x made every such derivation of a user log throw, where the
        // built-in log derives 1/x (its predicate runs on the symbol). The domain is then the
        // caller's to keep (SymbolicJacobian.uncheckedDomains). Double and Float always have a
        // value, and the test folds away when this is specialised for them.
        if !readsWithoutEscape(T.self), !(x.hasValue && y.hasValue) { return }
        let (a, b) = readsWithoutEscape(T.self) ? (x.approximateDouble, y.approximateDouble)
                                                : quietly { (x.approximateDouble, y.approximateDouble) }
        if let reason = P.domainViolation(a, b) {
            reportDomain(of: P.name, arity: P.arity, a, b, node: node, reason: reason)
        } else if P.kinkDistance(a, b) == 0 {
            // Only "is a kink touched" is asked here, so a NaN or negative distance reads as no
            // kink and is never taken as a room. Every reader that takes a distance as a room
            // (step limits, fault localisation, `validate`) refuses it by name instead
            // (`TapeGraph.invalidKinkDistance`); raising it here would fail plain evaluation.
            noteKink(of: P.name, arity: P.arity, a, b, node: node)
        }
    }

    /// Whether reading a `T` as a Double can never drop a derivative (Double, Float), so the
    /// escape bookkeeping around such reads (``quietly(_:)``, ``rule(of:rationalClosed:on:_:)``) can be skipped.
    @inlinable @inline(__always)
    static func readsWithoutEscape<T>(_: T.Type) -> Bool { T.self == Double.self || T.self == Float.self }

    @usableFromInline @inline(never)
    static func reportDomain(of name: String, arity: Int, _ a: Double, _ b: Double, node: Int?, reason: String) {
        report(.domain(op: name, node: node, inputs: arity == 2 ? [a, b] : [a], reason: reason))
    }

    @usableFromInline @inline(never)
    static func noteKink(of name: String, arity: Int, _ a: Double, _ b: Double, node: Int?) {
        current?.add(kink: KinkEvent(op: .custom, name: name, node: node, inputs: arity == 2 ? [a, b] : [a]))
    }

    /// Runs a user vector primitive's declared domain and kink predicates at `x` and reports what
    /// they find; false when `x` is outside the domain (the caller then returns NaN outputs and
    /// calls no rule).
    /// With `kinks` false only the domain is checked; the caller reports a kink with
    /// ``noteKink(_:_:node:)`` once the call is recorded (a call refused later, for a missing VJP,
    /// left a kink event naming a node never written).
    @discardableResult
    public static func check<P: VectorPrimitive>(_ primitive: P.Type, _ x: [Double], node: Int?, kinks: Bool = true) -> Bool {
        if let reason = P.domainViolation(x) {
            let why = x.contains(where: \.isNaN) ? "\(P.name) of NaN (the NaN was made before this call)" : reason
            report(.domain(op: P.name, node: node, inputs: x, reason: why))
            return false
        }
        if kinks { noteKink(P.self, x, node: node) }
        return true
    }

    /// Reports a touched kink of a vector primitive (declared distance 0) at `x`.
    public static func noteKink<P: VectorPrimitive>(_ primitive: P.Type, _ x: [Double], node: Int?) {
        if P.kinkDistance(x) == 0 {
            current?.add(kink: KinkEvent(op: .custom, name: P.name, node: node, inputs: x))
        }
    }

    /// Reports a domain violation of `op` at `(x, y)` (`n` is powi's exponent).
    @inline(never)
    public static func reportDomain<T: ADScalar>(_ op: Op, _ x: T, _ y: T, node: Int?, reason: String) {
        reportDomain(op, x, y, 0, node: node, reason: reason)
    }

    /// Reports a domain violation of `op` at `(x, y)` with `n`, which the test of whether a NaN
    /// argument is the cause re-asks the domain with. (A separate function rather than a default
    /// argument: modules that inlined ``check(_:_:_:_:node:)`` before still link.)
    @inline(never)
    public static func reportDomain<T: ADScalar>(_ op: Op, _ x: T, _ y: T, _ n: Int, node: Int?, reason: String) {
        let inputs = quietly { op.arity == 2 ? [x.approximateDouble, y.approximateDouble] : [x.approximateDouble] }
        // A NaN argument fails every domain test (NaN > 0 is false), and "log of a non-positive
        // number (inputs: nan)" sent the reader to the wrong cause: the NaN came from earlier.
        // Not where the other argument alone fails it: x/0 is a division by zero whatever x is,
        // and `jac diff "x/0"` (x unbound, so NaN) said "div of NaN".
        var nanIsTheCause = inputs.contains(where: \.isNaN)
        if nanIsTheCause, op.arity == 2, inputs.count == 2, inputs[0].isNaN != inputs[1].isNaN {
            let stillFails = quietly {
                inputs[0].isNaN ? Rules.domainViolation(op, T(1), y, n) : Rules.domainViolation(op, x, T(1), n)
            }
            nanIsTheCause = stillFails == nil
        }
        let why = nanIsTheCause ? "\(op.info.name) of NaN (the NaN was made before this op)" : reason
        report(.domain(op: op.info.name, node: node, inputs: inputs, reason: why))
    }

    /// Runs the registry's domain and kink predicates for one evaluated op and reports what they find.
    /// Interpreters call this only when ``Rules/needsChecks(_:)`` says the op can fail or kink.
    @inlinable
    public static func check<T: ADScalar>(_ op: Op, _ x: T, _ y: T, _ n: Int, node: Int?) {
        if let reason = T.libraryPredicate({ Rules.domainViolation(op, x, y, n) }) {
            reportDomain(op, x, y, n, node: node, reason: reason)
        } else if T.libraryPredicate({ Rules.isKink(op, x, y) }) {
            reportKinkAt(op, x, y, node: node)
        }
    }

    @inline(never) @usableFromInline
    static func reportKinkAt<T: ADScalar>(_ op: Op, _ x: T, _ y: T, node: Int?) {
        let inputs = quietly { op.arity == 2 ? [x.approximateDouble, y.approximateDouble] : [x.approximateDouble] }
        reportKink(op, node: node, inputs: inputs)
    }
}

extension Diagnostics.Collector {
    func add(error: ADError) {
        diagnostics.errorCount += 1
        if diagnostics.errors.count < Diagnostics.storedEventLimit { diagnostics.errors.append(error) }
    }
    func add(kink: KinkEvent) {
        diagnostics.kinkCount += 1
        if diagnostics.kinks.count < Diagnostics.storedEventLimit { diagnostics.kinks.append(kink) }
    }
}
