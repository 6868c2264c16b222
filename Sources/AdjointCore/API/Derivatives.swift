// The derivative APIs. Each is a thin driver: seed, evaluate through a mode's scalar type, read
// off the result, and turn reported problems into thrown errors. The maths lives in the registry.

/// Throws the first error reported during an evaluation.
@usableFromInline
func throwFirstError(_ d: EvaluationDiagnostics) throws {
    if let e = d.errors.first { throw e }
}

/// Throws the error naming user primitives whose rule read a value carrying a derivative as a
/// Double (see ``EvaluationDiagnostics/escapingRules``). First-order modes run rules on plain
/// values, so only a nested derivative meets one, and there the rule's own derivative is lost:
/// `hessian` refused it, while `jvp` at duals, `gradient` over a forward pass and a forward
/// Jacobian at duals returned the lost second derivative as 0 with no error (x³ with 3x²
/// computed on Doubles: d²/dx² at 2 came out 0, by hand 12).
@usableFromInline
func refuseRuleEscapes(_ d: EvaluationDiagnostics) throws {
    if !d.escapingRules.isEmpty { throw ruleEscapeError(d.escapingRules) }
}

@usableFromInline
func requireCount(_ what: String, _ expected: Int, _ got: Int) throws {
    if expected != got { throw ADError.dimensionMismatch(what: what, expected: expected, got: got) }
}

// MARK: Plain evaluation

/// Evaluates `f` at `x` with the registry's checks on: domain errors throw, NaN or infinite
/// outputs throw naming the op that produced them.
///
/// ```swift
/// let y = try value(of: Polar(), at: [2.0, 0.5])
/// ```
@inlinable public func value<V: ADScalar>(of f: some ADFunction, at x: [V]) throws -> [V] {
    if let n = f.inputCount { try requireCount("number of inputs", n, x.count) }
    let rec = try record({ f($0) }, at: x)
    return rec.value
}

// MARK: Reverse mode

/// A function recorded on a tape at one point: its value, and pullbacks for any cotangent.
/// Record once, sweep as often as needed (one sweep per Jacobian row).
///
/// ```swift
/// let rec = try record({ x in [x[0] * x[1], x[0] + x[1]] }, at: [2.0, 3.0])
/// let row0 = try rec.pullback([1, 0])   // [3, 2]
/// ```
public final class Recording<V: ADScalar> {
    /// The tape the function was recorded on; walk it with ``Tape/entry(_:)``.
    public let tape: Tape<V>
    /// The variables made for the inputs, in order.
    public let inputs: [Reverse<V>]
    /// The function's outputs as recorded values.
    public let outputs: [Reverse<V>]
    /// Kinks and other non-fatal reports from the evaluation.
    public let diagnostics: EvaluationDiagnostics

    @usableFromInline init(tape: Tape<V>, inputs: [Reverse<V>], outputs: [Reverse<V>], diagnostics: EvaluationDiagnostics) {
        self.tape = tape; self.inputs = inputs; self.outputs = outputs; self.diagnostics = diagnostics
    }

    /// f(x).
    @inlinable public var value: [V] { outputs.map(\.value) }

    /// uᵀJ for the cotangent `u` (one entry per output).
    /// - Parameter checked: when true (the default), a NaN or infinite entry throws
    ///   ``ADError/nonFinite(what:op:node:)`` naming the first op whose local derivative is not finite,
    ///   and a user vector primitive whose VJP fails in the sweep (nil, or the wrong length for
    ///   this cotangent) throws the error naming it; when false its inputs' adjoints are NaN.
    ///   A checked sweep of Double or Float that raised the underflow flag is run again with its
    ///   cotangent lifted by powers of two, so an adjoint below the least normal number does not
    ///   lose its term (x²/x³⁰⁰ at 10 gives −2.98·10⁻²⁹⁷, not 2·10⁻²⁹⁹); where the lifted sweeps
    ///   cannot settle an entry it throws ``ADError/rangeLoss(what:values:)``. An unchecked sweep
    ///   is the pass as it ran. Not on a tape with a user vector primitive, whose VJP need not be
    ///   linear in its cotangent.
    @inlinable public func pullback(_ cotangent: [V], checked: Bool = true) throws -> [V] {
        try requireCount("cotangent length (number of outputs)", outputs.count, cotangent.count)
        return try pullback(seeds: Array(zip(outputs, cotangent)), checked: checked)
    }

    /// ``pullback(_:checked:)`` from (output, cotangent) seeds; outputs left out have cotangent 0.
    /// `everyComponent`: whether the check reads every component of a derived V (a dual's tangent
    /// is a derivative too: `gradient` over duals returned x^1.5's second derivative +∞ at 0 with
    /// no error), or its value only, for `hvp`, which judges the tangents itself (a sparse
    /// Hessian's product may overflow in rows it does not read).
    /// `refusingRuleEscapes`: whether a user rule that read a dual as a Double in the sweep throws
    /// (see ``hvp(of:at:direction:refusingRuleEscapes:)``, which passes its own choice).
    /// `range`: what a sweep that raised the underflow flag does (``RangeRecovery``); by default
    /// recovery throwing when checked, none when not.
    @inlinable package func pullback(seeds: [(Reverse<V>, V)], checked: Bool, everyComponent: Bool = true,
                             refusingRuleEscapes: Bool = true, range: RangeRecovery? = nil) throws -> [V] {
        // `inputs` are this tape's variables 0..<n in order (made by `record`), so the sweep's
        // per-ordinal adjoints are the answer as they stand.
        // A checked sweep of Double or Float watches the underflow flag: an adjoint below the
        // least normal number leaves no other trace (see rangeRecoveredPullback). Two flag reads
        // a sweep, about 20 ns.
        let range = range ?? .default(checked: checked)
        let watch = range != .off && rangeRecoveryFormat(V.self) != nil ? UnderflowWatch() : nil
        defer { watch?.end() }
        var g: [V]
        var firstNonFinite: Int?
        if _slowPath(tape.hasUserPrimitives) {
            // A user vector primitive's VJP runs inside the sweep, which cannot throw: a VJP that
            // fails there reports (and leaves NaN). Collected only on tapes with user primitives,
            // so the plain sweep pays nothing for it.
            let (r, diagnostics) = Diagnostics.collect { tape.pullbackToAllInputs(from: seeds) }
            if checked { try throwFirstError(diagnostics) }
            // On a tape of duals (forward-over-reverse built by hand: `gradient` at duals) the
            // sweep runs each user rule on duals, and a rule that reads one as a Double drops its
            // own derivative: x³ with 3x² computed on Doubles gave H·e₀ = [0, 12] at (2, 3) for
            // x₀³x₁ (by hand [36, 12]) with no error, where `hessian` refused the same rule.
            if checked && refusingRuleEscapes && !diagnostics.escapingRules.isEmpty {
                throw ruleEscapeError(diagnostics.escapingRules)
            }
            g = r
            firstNonFinite = checked ? g.firstIndex(where: { everyComponent ? !$0.isFiniteInEveryComponent : !$0.isFiniteValue }) : nil
        } else {
            g = tape.pullbackToAllInputs(from: seeds)
            // An entry no seed reaches adds exactly 0, but its cotangent 0 times a value that
            // overflowed is NaN: a state the loss never reads, squared past Double's range in a
            // loop (s ← (s₀, −s₁²), loss s₀), made ∂/∂x₁ NaN and the gradient an error, where
            // checkpointing, which never records that state's later steps, gave (·, 0). Such a
            // sweep is run again passing over the unreached entries; a NaN on a path from the seed
            // (0·∞ of √ at 0 under a zero cotangent) stays, as it is an indeterminate form there.
            // One scan of the result, as the check made before (a second cost about 3% of
            // reverse_sweep_over_plain).
            // On a dual (a Hessian's sweep) every component is read: the same 0·∞ one order up,
            // a tangent alone NaN, made x₀² + x₁ with an unread 1/x₁ at 1e-200 (whose tangent
            // −1/x₁² overflows) a refused Hessian, and x·√y unread beside it at y = 0 an error
            // naming div (√'s rule 1/(2z) on a dual). For Double and Float the same one scan.
            if _slowPath(g.contains(where: { !$0.isFiniteInEveryComponent })) {
                if let rerun = tape.pullbackToAllInputsSkippingUnreached(from: seeds) { g = rerun }
                firstNonFinite = g.firstIndex(where: { everyComponent ? !$0.isFiniteInEveryComponent : !$0.isFiniteValue })
            }
        }
        if checked, let j = firstNonFinite {
            // A non-finite tangent alone (a second derivative) is born where a component is.
            let origin = tape.firstNonFiniteValue() ?? tape.firstNonFinitePartial()
                ?? Diagnostics.collect { Diagnostics.quietly { tape.firstNonFiniteComponent(reachedFrom: seeds.compactMap(\.0.node)) } }.result
            throw ADError.nonFinite(what: "derivative with respect to input \(j)",
                                    op: origin.map { tape.name(ofEntry: $0.node) }, node: origin?.node)
        }
        if let watch, watch.underflowed, firstNonFinite == nil {
            return try rangeRecoveredPullback(tape, seeds: seeds, computed: g, throwing: range == .throwing)
        }
        return g
    }

    /// The full Jacobian by one sweep per output, reusing this recording.
    @inlinable public func jacobian(checked: Bool = true) throws -> [[V]] {
        try jacobian(checked: checked, range: .default(checked: checked))
    }

    /// ``jacobian(checked:)`` with the range recovery given: the check's reverse subject is
    /// unchecked (a NaN entry stays in its place) but recovers what the checked rows recover.
    @inlinable package func jacobian(checked: Bool, range: RangeRecovery) throws -> [[V]] {
        // Row i seeds output i alone: a zero seed adds +0 to a cleared cotangent, so the rows are
        // those of pullback(eᵢ), bit for bit, without m seeds per row (m² in all: 20,000 outputs
        // of a 15-entry tape took 205 s in a debug jac).
        try outputs.indices.map { i in try pullback(seeds: [(outputs[i], 1)], checked: checked, range: range) }
    }
}

extension Recording: CustomStringConvertible {
    /// What was recorded, for `print(rec)`: sizes, the value and any kinks.
    ///
    /// ```swift
    /// print(try record({ x in [x[0] * x[1]] }, at: [2.0, 3.0]))
    /// // Recording<Double>: 2 inputs, 1 output, 3 tape entries; value [6.0]
    /// ```
    public var description: String {
        let plural = { (n: Int, one: String, many: String) in "\(n) \(n == 1 ? one : many)" }
        var s = "Recording<\(V.self)>: \(plural(inputs.count, "input", "inputs")), \(plural(outputs.count, "output", "outputs")), "
            + "\(plural(tape.count, "tape entry", "tape entries")); value \(value)"
        if !diagnostics.kinks.isEmpty { s += "; kinks: " + diagnostics.kinks.map(\.description).joined(separator: "; ") }
        return s
    }
}

/// Records `f` at `x` on a fresh tape. Domain errors and unsupported ops throw; a non-finite
/// output throws naming the op where it first appeared.
@inlinable public func record<V: ADScalar>(
    _ f: ([Reverse<V>]) -> [Reverse<V>], at x: [V], tapeLimit: Int = Tape<V>.defaultLimit
) throws -> Recording<V> {
    try record(f, at: x, tapeLimit: tapeLimit, finiteOutputs: true)
}

/// ``record(_:at:tapeLimit:)``, with the check that every output is finite only when
/// `finiteOutputs`: a caller that reads some outputs only (a checkpointed segment's state, whose
/// loss may never read an entry that overflowed) checks what it reads. Domain errors still throw.
///
/// ```swift
/// let r = try record({ x in [x[0] * 1e300 * 1e300, x[1]] }, at: [1.0, 2.0], finiteOutputs: false)
/// r.value   // [inf, 2.0]
/// ```
@inlinable public func record<V: ADScalar>(
    _ f: ([Reverse<V>]) -> [Reverse<V>], at x: [V], tapeLimit: Int = Tape<V>.defaultLimit, finiteOutputs: Bool
) throws -> Recording<V> {
    // The tape clamps its limit to 1, so `tapeLimit: 0` was reported as "the limit of 1".
    guard tapeLimit >= 1 else { throw ADError.invalidArgument("tapeLimit must be at least 1 (got \(tapeLimit))") }
    let tape = Tape<V>(capacity: Swift.max(1024, 8 * x.count), limit: tapeLimit)
    let ((inputs, outputs), diag) = Diagnostics.collect { () -> ([Reverse<V>], [Reverse<V>]) in
        if _slowPath(Instrumentation.isActive) { RuleMutations.reportInvalidPlanted() }
        let inputs = tape.variables(x)
        return (inputs, f(inputs))
    }
    // Counted before the checks: an evaluation that throws was made all the same.
    Instrumentation.countEvaluation()
    try throwFirstError(diag)
    if let stray = outputs.firstIndex(where: { !tape.owns($0) }) {
        throw ADError.foreignVariable("output \(stray) was recorded on another tape (did a variable escape an earlier call?)")
    }
    if finiteOutputs, let j = outputs.firstIndex(where: { !$0.value.isFiniteValue }) {
        let origin = tape.firstNonFiniteValue()
        // A constant born non-finite came from an op on constants, which no tape records: f runs
        // again with such ops watched (as forward mode locates its origins) to name that op.
        if origin?.op == .constant, let op = nonFiniteOriginOffTape(f, at: x, tapeLimit: tapeLimit) {
            throw ADError.nonFinite(what: "output \(j)", op: op, node: nil)
        }
        throw ADError.nonFinite(what: "output \(j)", op: origin.map { tape.name(ofEntry: $0.node) }, node: origin?.node)
    }
    Instrumentation.record {
        $0.tapeEntries += tape.count
        $0.tapeBytes += tape.byteCount
    }
    return Recording(tape: tape, inputs: inputs, outputs: outputs, diagnostics: diag)
}

/// The gradient ∇f(x) of a scalar function, by reverse mode.
///
/// ```swift
/// func f<T: ADScalar>(_ x: [T]) -> T { (x[0] + x[1]) * x[2] - x[3] }
/// try gradient(of: f, at: [5, 4, 3, 2])   // [3, 3, 9, -1]
/// ```
@inlinable public func gradient<V: ADScalar>(of f: ([Reverse<V>]) -> Reverse<V>, at x: [V]) throws -> [V] {
    try valueAndGradient(of: f, at: x).gradient
}

/// f(x) and ∇f(x) from one recording.
@inlinable public func valueAndGradient<V: ADScalar>(
    of f: ([Reverse<V>]) -> Reverse<V>, at x: [V]
) throws -> (value: V, gradient: [V]) {
    let rec = try record({ [f($0)] }, at: x)
    try refuseRuleEscapes(rec.diagnostics)
    return (rec.value[0], try rec.pullback([1]))
}

/// The vector–Jacobian product uᵀJ at x, with f(x).
///
/// ```swift
/// try vjp(of: { x in [x[0] * x[1], x[0]] }, at: [2.0, 3.0], cotangent: [1, 10])  // value [6, 2], vjp [13, 2]
/// ```
@inlinable public func vjp<V: ADScalar>(
    of f: ([Reverse<V>]) -> [Reverse<V>], at x: [V], cotangent: [V]
) throws -> (value: [V], vjp: [V]) {
    let rec = try record(f, at: x)
    try refuseRuleEscapes(rec.diagnostics)
    return (rec.value, try rec.pullback(cotangent))
}

/// The Jacobian by reverse mode: one recording, one sweep per output.
@inlinable public func jacobianReverse<V: ADScalar>(
    of f: ([Reverse<V>]) -> [Reverse<V>], at x: [V]
) throws -> JacobianResult<V> {
    let rec = try record(f, at: x)
    try refuseRuleEscapes(rec.diagnostics)
    return JacobianResult(value: rec.value, jacobian: try rec.jacobian(), mode: .reverse,
                          passes: rec.outputs.count, diagnostics: rec.diagnostics)
}

// MARK: Forward mode

/// The Jacobian–vector product J·v at x, with f(x), by one forward pass.
///
/// ```swift
/// try jvp(of: { x in [x[0] * x[1]] }, at: [2.0, 3.0], direction: [1, 0])  // value [6], jvp [3]
/// ```
@inlinable public func jvp<V: ADScalar>(
    of f: ([Dual<V, V>]) -> [Dual<V, V>], at x: [V], direction v: [V]
) throws -> (value: [V], jvp: [V]) {
    try requireCount("direction length (number of inputs)", x.count, v.count)
    let seeded = zip(x, v).map { Dual($0, tangent: $1) }
    let watch = rangeRecoveryFormat(V.self) != nil ? UnderflowWatch() : nil
    defer { watch?.end() }
    let (y, diag) = Diagnostics.collect { f(seeded) }
    let underflowed = watch?.underflowed == true
    Instrumentation.countEvaluation()
    try throwFirstError(diag)
    try refuseRuleEscapes(diag)
    // The error names the op where the first NaN or infinity was born, as reverse mode's does.
    let origin = { (_: Int) in Instrumentation.locatingNonFinite(lane: 0) { Instrumentation.countEvaluation(); _ = f(seeded) } }
    try checkFinite(y.map(\.value), what: "output", origin: origin)
    try checkFinite(y.map(\.tangent), what: "directional derivative", origin: origin)
    let tangents = y.map(\.tangent)
    guard underflowed, let (top, _) = rangeRecoveryFormat(V.self) else { return (y.map(\.value), tangents) }
    // A tangent below the least normal number left no other trace (see RangeRecovery).
    return (y.map(\.value), try settledTangents(tangents, of: f, at: x, direction: v, topExponent: top, throwing: true))
}

/// f's tangents along `v` lifted by `c`, divided back: a pass of a range recovery, its reports
/// not passed on (the unlifted pass made them).
@inlinable func liftedEvaluation<V: ADScalar>(_ f: ([Dual<V, V>]) -> [Dual<V, V>], at x: [V], direction v: [V], lift c: V) -> [V] {
    Instrumentation.countEvaluation()
    return Diagnostics.collect({ Diagnostics.quietly { f(zip(x, v).map { Dual($0, tangent: $1 * c) }) } }).result.map { $0.tangent / c }
}

/// The derivative of a scalar function of one variable. Non-throwing so it can be used inside
/// functions being differentiated (nested derivatives); problems go to ``Diagnostics`` and so
/// reach the enclosing derivative call.
///
/// ```swift
/// // d/dx [x · d/dy (x + y)] = 1: the inner derivative sees x as a constant.
/// func g<T: ADScalar>(_ x: T) -> T { x * derivative(of: { y in Dual(constant: x) + y }, at: x) }
/// derivative(of: g, at: 3.0)   // 1
/// ```
///
/// The result is NaN where f reported an error and its value is not finite (the error reaches
/// an enclosing collection; a `gradient` around it throws it): a domain error (log at −1 gave
/// its tangent line's −1), or an op the scalar type cannot carry (a second derivative through a
/// `BlackBoxPrimitive` or a vector primitive gave 0.0, where d²/dx² sin at 0.5 is −0.479). A user rule that reads a
/// value carrying a derivative as a Double (possible only when `x` carries one itself, a nested
/// derivative) loses its own derivative: the result is NaN and the error naming the primitive
/// is reported, rather than the lost term as 0 (x³ with 3x² computed on Doubles gave d/dx d/dy
/// y³ at 2 as 0, by hand 12).
///
/// ```swift
/// derivative(of: { x in log(x) }, at: -1.0)   // nan: log's domain error, not the tangent line's −1
/// ```
@inlinable public func derivative<V: ADScalar>(of f: (Dual<V, V>) -> Dual<V, V>, at x: V) -> V {
    Instrumentation.countEvaluation()
    let watch = rangeRecoveryFormat(V.self) != nil ? UnderflowWatch() : nil
    defer { watch?.end() }
    let (y, diagnostics) = Diagnostics.collect { f(Dual(x, tangent: 1)) }
    let underflowed = watch?.underflowed == true
    if !diagnostics.escapingRules.isEmpty {
        Diagnostics.report(ruleEscapeError(diagnostics.escapingRules))
        return V(Double.nan)
    }
    // An op that failed returned NaN (or ±∞) as its value only: the tangent beside it can be
    // finite (1/x for log at −1) or a constant's 0 (an op a dual of duals cannot carry, whose
    // NaN is a constant on the outer level). The error itself has gone to the enclosing
    // collection. An error beside a finite value is not one of those: a nested dual computes √'s
    // partial at a constant 0 as the division 1/0, reported, while the zero tangent masks it
    // (d²/dx² (x³ + √0) is 6x).
    if diagnostics.errorCount > 0 && !y.value.isFiniteValue { return V(Double.nan) }
    // A tangent below the least normal number left no other trace (see RangeRecovery); where the
    // lifted passes cannot settle it, the error is reported and the result is NaN, as above.
    guard underflowed, y.tangent.isFiniteValue, let (top, _) = rangeRecoveryFormat(V.self) else { return y.tangent }
    do {
        return try settledTangents([y.tangent], of: { [f($0[0])] }, at: [x], direction: [1], topExponent: top, throwing: true,
                                   what: { _ in "derivative" })[0]
    } catch {
        Diagnostics.report(error as? ADError ?? .invalidArgument("\(error)"))
        return V(Double.nan)
    }
}

/// Throws ``ADError/nonFinite(what:op:node:)`` naming the first NaN or infinity of `values`.
/// Inlinable so the scan specialises in the caller: compiled once here, generically, it looked up
/// witness tables per element and was 12% of a 1000 × 1 forward Jacobian.
///
/// - Parameter origin: the op where entry j's non-finite value was born, when the caller can
///   find it (the forward drivers run the pass again, on this error path only).
@inlinable
func checkFinite<V: ADScalar>(_ values: [V], what: String, origin: (Int) -> String? = { _ in nil }) throws {
    if let j = firstNonFinite(values) { throw nonFiniteEntry(what, j, op: origin(j)) }
}

@inlinable @inline(__always)
func firstNonFinite<V: ADScalar>(_ values: [V]) -> Int? {
    values.withUnsafeBufferPointer { b in
        // Every component: where V is itself a dual (nested forward mode, `jvp` over duals for a
        // second directional derivative), its tangent is a derivative too, and pow(x, 1.5) at 0
        // returned its second derivative +∞ with no error. For Double and Float the same test.
        for j in 0..<b.count where !b[j].isFiniteInEveryComponent { return j }
        return nil
    }
}

@usableFromInline @inline(never)
func nonFiniteEntry(_ what: String, _ j: Int, op: String? = nil) -> ADError { .nonFinite(what: "\(what) \(j)", op: op, node: nil) }

/// ``checkFinite(_:what:)`` over rows, naming the entry by its row-major index as the flattened
/// array would. Why not flatten: a copy of the whole Jacobian per call (320 KB for 200×200, with
/// its growth copies) was most of a forward Jacobian's page faults, and those faults serialise
/// concurrent passes on the process's memory map.
///
/// - Parameter origin: as for ``checkFinite(_:what:origin:)``, given the entry's column.
@inlinable
func checkFinite<V: ADScalar>(rows: [[V]], what: String, origin: (Int) -> String? = { _ in nil }) throws {
    var offset = 0
    for row in rows {
        if let j = firstNonFinite(row) { throw nonFiniteEntry(what, offset + j, op: origin(j)) }
        offset += row.count
    }
}

/// The Jacobian by forward mode with chunks of up to 8 directions per pass: ⌈n/8⌉ passes.
@inlinable public func jacobianForward<V: ADScalar & BinaryFloatingPoint & SIMDScalar>(
    of f: ([Dual<V, SIMD8<V>>]) -> [Dual<V, SIMD8<V>>], at x: [V]
) throws -> JacobianResult<V> {
    try forwardJacobian(of: f, at: x)
}

/// The forward-mode Jacobian driver every forward caller uses (the chunked API, the check's
/// subjects, exact forward mode): seed `T.laneCount` unit directions per pass, evaluate, collect
/// diagnostics, read the columns, assemble rows, and check finiteness once. `T` is the scalar
/// itself (one direction per pass, any scalar type) or a SIMD chunk.
///
/// - Parameter checked: when true, reported errors and non-finite outputs or entries throw; when
///   false a NaN stays in its place (the checker grades entries one by one).
///
/// ```swift
/// let r = try forwardJacobian(of: { (x: [Dual<Double, SIMD4<Double>>]) in [x[0] * x[1]] }, at: [2.0, 3.0])
/// r.jacobian   // [[3, 2]], one pass
/// ```
@inlinable public func forwardJacobian<V: ADScalar, T: TangentVector>(
    of f: ([Dual<V, T>]) -> [Dual<V, T>], at x: [V], checked: Bool = true
) throws -> JacobianResult<V> where T.Scalar == V {
    try forwardJacobian(of: f, at: x, checked: checked, range: .default(checked: checked))
}

/// ``forwardJacobian(of:at:checked:)`` with the range recovery given (see
/// ``Recording/jacobian(checked:range:)``).
@inlinable package func forwardJacobian<V: ADScalar, T: TangentVector>(
    of f: ([Dual<V, T>]) -> [Dual<V, T>], at x: [V], checked: Bool, range: RangeRecovery
) throws -> JacobianResult<V> where T.Scalar == V {
    let passes = forwardPassCount(inputs: x.count, lanes: T.laneCount)
    // One pass has no transpose to save, and the shelf buffer's round trip cost a 1000 × 1
    // Jacobian about 7% (measured against the array driver in one run).
    if passes > 1, _isPOD(V.self), let r = try flatForwardJacobian(f, at: x, passes: passes, checked: checked, range: range) { return r }
    var underflowed: [Int] = []
    let results = (0..<passes).map { p in
        let watch = range != .off && rangeRecoveryFormat(V.self) != nil ? UnderflowWatch() : nil
        defer { watch?.end() }
        let result = forwardPass(f, at: x, pass: p)
        if watch?.underflowed == true { underflowed.append(p) }
        return result
    }
    let r = try assembleForward(results, inputs: x.count, checked: checked) { j in nonFiniteOrigin(f, at: x, column: j) }
    return try rangeRecoveredForward(f, at: x, passes: underflowed, result: r, throwing: range == .throwing)
}

/// The op on constants (not recorded by a tape) where f's first non-finite value was born, found
/// by recording f again with such ops watched; nil when none was (a constant f passed in as ±∞).
@usableFromInline func nonFiniteOriginOffTape<V: ADScalar>(
    _ f: ([Reverse<V>]) -> [Reverse<V>], at x: [V], tapeLimit: Int
) -> String? {
    let tape = Tape<V>(capacity: Swift.max(1024, 8 * x.count), limit: tapeLimit)
    return Diagnostics.collect {
        Instrumentation.locatingNonFinite(lane: 0) { Instrumentation.countEvaluation(); _ = f(tape.variables(x)) }
    }.result
}

/// The op where column j's first non-finite value or tangent was born, found by running j's pass
/// again with every op's result checked (``Instrumentation/locatingNonFinite(lane:_:)``): the
/// error then names it, as reverse mode's does, while the normal passes check nothing per op.
@inlinable func nonFiniteOrigin<V: ADScalar, T: TangentVector>(
    _ f: ([Dual<V, T>]) -> [Dual<V, T>], at x: [V], column j: Int
) -> String? where T.Scalar == V {
    Instrumentation.locatingNonFinite(lane: j % T.laneCount) { _ = seededEvaluation(f, at: x, pass: j / T.laneCount) }
}

/// Passes of a forward Jacobian with `lanes` directions each (at least one, for n = 0).
@inlinable public func forwardPassCount(inputs n: Int, lanes: Int) -> Int { Swift.max(1, (n + lanes - 1) / lanes) }

/// One forward pass: seeds unit directions `pass·lanes ..< (pass + 1)·lanes`, evaluates, and
/// returns the outputs' values, the pass's columns and what it reported. The unit of work that
/// serial and concurrent drivers share, so both give bit-identical results; exact mode runs it
/// pass by pass to name the node of a failure.
///
/// ```swift
/// let p = forwardPass({ (d: [Dual<Double, Double>]) in [d[0] * d[1]] }, at: [2.0, 3.0], pass: 1)
/// p.columns   // [[2]]: ∂(x·y)/∂y
/// ```
@inlinable public func forwardPass<V: ADScalar, T: TangentVector>(
    _ f: ([Dual<V, T>]) -> [Dual<V, T>], at x: [V], pass: Int
) -> (value: [V], columns: [[V]], diagnostics: EvaluationDiagnostics) where T.Scalar == V {
    let lanes = T.laneCount, start = pass * lanes
    let (y, diag) = seededEvaluation(f, at: x, pass: pass)
    let columns = (0..<Swift.max(0, Swift.min(lanes, x.count - start))).map { lane in y.map { $0.tangent[lane: lane] } }
    return (y.map(\.value), columns, diag)
}

/// f at x with unit directions `pass·lanes ..< (pass + 1)·lanes` seeded, and what it reported:
/// the evaluation every forward pass makes, however it stores its columns.
///
/// `lift`: the seed of each direction, 1 but where a pass is run again lifted (see RangeRecovery).
@inlinable func seededEvaluation<V: ADScalar, T: TangentVector>(
    _ f: ([Dual<V, T>]) -> [Dual<V, T>], at x: [V], pass: Int, lift: V = 1
) -> (result: [Dual<V, T>], diagnostics: EvaluationDiagnostics) where T.Scalar == V {
    let lanes = T.laneCount, start = pass * lanes
    // Every pass touches the kinks the first one did: an enclosing collection gets them once
    // (|x₀| + Σ xₖ at x₀ = 0 counted one kink per pass there).
    var noEscapesSeen = 0
    Instrumentation.countEvaluation()
    return Diagnostics.collect({ () -> [Dual<V, T>] in
        let seeded = x.indices.map { j -> Dual<V, T> in
            var t = T.zero
            if j >= start && j < start + lanes { t[lane: j - start] = lift }
            return Dual(x[j], tangent: t)
        }
        return f(seeded)
    }, passingOn: { $0.repeatedEvaluation(keepingKinks: pass == 0, escapesSeen: &noEscapesSeen) })
}

/// Rows from the passes' columns, diagnostics of the first pass (escapes summed), finiteness.
///
/// - Parameter origin: the op where column j's non-finite entry was born, when the caller can
///   find it (``nonFiniteOrigin(_:at:column:)``).
@inlinable public func assembleForward<V: ADScalar>(
    _ passes: [(value: [V], columns: [[V]], diagnostics: EvaluationDiagnostics)], inputs n: Int, checked: Bool,
    origin: (Int) -> String? = { _ in nil }
) throws -> JacobianResult<V> {
    let columns = passes.flatMap(\.columns)
    let value = passes.first?.value ?? []
    return try assembleForward(value: value, diagnostics: passes.map(\.diagnostics), inputs: n, checked: checked,
                               origin: origin) { i, j in
        j < columns.count && i < columns[j].count ? columns[j][i] : V(Double.nan)
    }
}

/// The one assembly every forward driver ends in, wherever its columns live (arrays, or the flat
/// buffers of ``flatForwardJacobian(_:at:passes:checked:range:)`` and the concurrent driver): entry
/// (i, j) from `entry`, the diagnostics of the first pass with every pass's escapes summed, and,
/// when `checked`, the passes' errors and non-finite values thrown.
@inlinable func assembleForward<V: ADScalar>(
    value: [V], diagnostics: [EvaluationDiagnostics], inputs n: Int, checked: Bool,
    origin: (Int) -> String? = { _ in nil }, entry: (_ i: Int, _ j: Int) -> V
) throws -> JacobianResult<V> {
    if checked { for d in diagnostics { try throwFirstError(d); try refuseRuleEscapes(d) } }
    var first = diagnostics.first ?? EvaluationDiagnostics()
    first.escapes = diagnostics.reduce(0) { $0 + $1.escapes }
    let jac = (0..<value.count).map { i in (0..<n).map { j in entry(i, j) } }
    if checked {
        // An output is computed by every pass: the first one's evaluation finds where it was born.
        try checkFinite(value, what: "output") { _ in origin(0) }
        try checkFinite(rows: jac, what: "Jacobian entry", origin: origin)
    }
    return JacobianResult(value: value, jacobian: jac, mode: .forward, passes: diagnostics.count, diagnostics: first)
}

// MARK: Any mode, from a generic function

/// The Jacobian of `f` at `x` in the requested mode; `.automatic` picks forward when its ⌈n/k⌉
/// chunked passes are no more than the m reverse sweeps (see ``forwardPasses(inputs:)``), and
/// the other mode when a user vector primitive lacks the rule the chosen one needs.
///
/// ```swift
/// let r = try jacobian(of: Polar(), at: [2.0, 0.5])      // r.jacobian[0][0] = cos 0.5
/// ```
@inlinable public func jacobian<V: ADScalar & BinaryFloatingPoint & SIMDScalar>(
    of f: some ADFunction, at x: [V], mode: JacobianMode = .automatic
) throws -> JacobianResult<V> {
    if let n = f.inputCount { try requireCount("number of inputs", n, x.count) }
    switch mode {
    case .reverse: return try jacobianReverse(of: { f($0) }, at: x)
    case .forward: return try forwardJacobian(f, at: x)
    case .automatic:
        // m is not known before evaluating; one plain evaluation is cheap next to either Jacobian,
        // and not needed when the forward Jacobian is one pass (n ≤ 8), which no m ≥ 1 sweeps
        // beat: it was a fifth of a 1000 × 1 Jacobian. With m = 0 the answer is reverse mode's
        // (no sweep), as when the outputs were counted first.
        let onePass = forwardPasses(inputs: x.count) == 1
        let forwardFirst = onePass || forwardPasses(inputs: x.count) <= evaluationCounted(f, at: x).count
        do {
            if forwardFirst {
                let r = try forwardJacobian(f, at: x)
                return onePass && r.value.isEmpty ? try jacobianReverse(of: { f($0) }, at: x) : r
            }
            return try jacobianReverse(of: { f($0) }, at: x)
        } catch let first as ADError {
            // A user vector primitive with one rule: the mode that has it answers instead (a
            // JVP-only primitive in an R³ → R¹ function threw for want of a VJP). With neither
            // rule, the error of the mode the shape chose.
            guard case .missingRule = first else { throw first }
            do {
                return forwardFirst ? try jacobianReverse(of: { f($0) }, at: x) : try forwardJacobian(f, at: x)
            } catch let second as ADError {
                if case .missingRule = second { throw first }
                throw second
            }
        }
    }
}

/// The Jacobian of a closure over reverse-mode variables (one recording, one sweep per output):
/// what a closure can be, since a closure cannot be generic. Use an ``ADFunction`` for forward mode.
///
/// ```swift
/// let r = try jacobian(of: { x in [x[0] * x[1], sin(x[0])] }, at: [2.0, 3.0])
/// ```
@inlinable public func jacobian<V: ADScalar>(
    of f: ([Reverse<V>]) -> [Reverse<V>], at x: [V]
) throws -> JacobianResult<V> {
    try jacobianReverse(of: f, at: x)
}

/// f(x), counted in ``OperationCounts/functionEvaluations``: a plain evaluation a driver makes to
/// learn the output count.
@inlinable func evaluationCounted<V: ADScalar>(_ f: some ADFunction, at x: [V]) -> [V] {
    Instrumentation.countEvaluation()
    return f(x)
}

/// Forward passes a Jacobian with n inputs takes: ⌈n/k⌉ with the chunk width k that
/// ``jacobian(of:at:mode:)`` picks (1, 2, 4 or 8 lanes). Automatic mode compares this with the m
/// reverse sweeps: a chunked pass costs about one evaluation, like a sweep, so "n ≤ m" would
/// wrongly send an R⁸→R² Jacobian to two sweeps instead of one pass.
@inlinable public func forwardPasses(inputs n: Int) -> Int {
    let lanes = n <= 1 ? 1 : (n == 2 ? 2 : (n <= 4 ? 4 : 8))
    return Swift.max(1, (n + lanes - 1) / lanes)
}

/// Forward Jacobian with the chunk width chosen from n: the smallest of 1, 2, 4, 8 lanes that
/// covers n, else 8. Wider chunks waste lanes on small n; 8 doubles fill one 512-bit vector.
@inlinable func forwardJacobian<V: ADScalar & BinaryFloatingPoint & SIMDScalar>(
    _ f: some ADFunction, at x: [V]
) throws -> JacobianResult<V> {
    switch x.count {
    case 0...1: return try forwardJacobian(of: { (d: [Dual<V, V>]) in f(d) }, at: x)
    case 2: return try forwardJacobian(of: { (d: [Dual<V, SIMD2<V>>]) in f(d) }, at: x)
    case 3...4: return try forwardJacobian(of: { (d: [Dual<V, SIMD4<V>>]) in f(d) }, at: x)
    default: return try forwardJacobian(of: { (d: [Dual<V, SIMD8<V>>]) in f(d) }, at: x)
    }
}

// MARK: Second order

/// The scalar type for Hessians: a tape whose values are duals (forward-over-reverse).
public typealias HessianScalar<V: ADScalar> = Reverse<Dual<V, V>>

/// The Hessian–vector product H·v of a scalar function, by forward-over-reverse: one recording
/// in dual arithmetic seeded with v, one reverse sweep; the tangent of the gradient is H·v.
/// Throws ``ADError/invalidArgument(_:)`` naming a user primitive whose rule read a dual as a
/// Double along v (its second derivative is lost there), or when f itself read a value carrying
/// a derivative as a Double (`approximateDouble`), as well as domain and non-finite errors.
/// A product that raised the underflow flag is computed again with its seeds lifted by powers of
/// two, so a term below the least normal number is not lost (x·log x at 10²⁰⁰ gives 10⁻²⁰⁰, not
/// 2·10⁻²⁰⁰); where those passes disagree it throws ``ADError/rangeLoss(what:values:)``.
///
/// ```swift
/// func q<T: ADScalar>(_ x: [T]) -> T { x[0] * x[0] * x[1] }
/// try hvp(of: q, at: [1.0, 2.0], direction: [1, 0])   // [4, 2]
/// ```
@inlinable public func hvp<V: ADScalar>(
    of f: ([HessianScalar<V>]) -> HessianScalar<V>, at x: [V], direction v: [V]
) throws -> [V] {
    try hvp(of: f, at: x, direction: v, refusingRuleEscapes: true)
}

/// ``hvp(of:at:direction:)``; with `refusingRuleEscapes` false, a user rule that reads a dual as a
/// Double is only counted (``EvaluationDiagnostics/escapingRules``) and the wrong product returned:
/// for the checks (`validate`, `assertHessian`), which judge that product against differences and
/// name the entries it loses, and judge a user's claimed Hessian beside it.
@inlinable package func hvp<V: ADScalar>(
    of f: ([HessianScalar<V>]) -> HessianScalar<V>, at x: [V], direction v: [V], refusingRuleEscapes: Bool
) throws -> [V] {
    let watch = UnderflowWatch()
    defer { watch.end() }
    let (hv, ruleError, origin) = try hvpUnchecked(of: f, at: x, direction: v, refusingRuleEscapes: refusingRuleEscapes)
    // A non-finite entry is named by the first error a rule reported in the sweep, where the tape
    // computes partials (pow's unbounded second derivative at (0, 1)); an error alone is not
    // thrown, since the sweep also computes the partials of ops the output does not read (√y at
    // 0 beside x² on one tape). Else the entry names the op where its non-finite term was born.
    if firstNonFinite(hv) != nil, let e = ruleError { throw e }
    if let j = firstNonFinite(hv) {
        // A second-order term that overflowed on the way to a finite product (see loweredProduct).
        if let lowered = loweredProduct(of: f, at: x, direction: v, refusingRuleEscapes: refusingRuleEscapes) { return lowered }
        throw ADError.nonFinite(what: "Hessian-vector product entry \(j)", op: origin?.op, node: origin?.node)
    }
    // A term that fell below the least normal number left no other trace (see RangeRecovery).
    return watch.underflowed ? try rangeRecoveredProduct(of: f, at: x, direction: v, product: hv) : hv
}

/// ``hvp(of:at:direction:)`` without the finiteness check of H·v, for a caller that reads some
/// entries only: a sparse Hessian's product sums a colour's entries in rows it does not read
/// there, and that sum can overflow where no entry does. Returns the first error a rule reported
/// in the sweep, which names a non-finite entry the caller reads, and, when the product has a
/// non-finite entry, the op where a non-finite term was first born (``secondOrderOrigin(_:)``).
@inlinable package func hvpUnchecked<V: ADScalar>(
    of f: ([HessianScalar<V>]) -> HessianScalar<V>, at x: [V], direction v: [V], refusingRuleEscapes: Bool
) throws -> (product: [V], ruleError: ADError?, origin: (op: String, node: Int)?) {
    try requireCount("direction length (number of inputs)", x.count, v.count)
    let seeded = zip(x, v).map { Dual<V, V>($0, tangent: $1) }
    // Each kink is reported by the tape's op and again by the dual arithmetic under it; the
    // enclosing collection sees it once.
    let ((hv, origin), diagnostics) = try Diagnostics.collect({ () throws -> ([V], (op: String, node: Int)?) in
        let rec = try record({ [f($0)] }, at: seeded)
        let g = try rec.pullback(seeds: [(rec.outputs[0], Dual(constant: 1))], checked: true, everyComponent: false,
                                 refusingRuleEscapes: refusingRuleEscapes)
        let hv = g.map(\.tangent)
        // Its own collection, quiet: the scan asks the tape's partials again (a user rule's
        // too), whose reports and escapes were counted once already in the sweep.
        return (hv, firstNonFinite(hv) == nil ? nil : Diagnostics.collect { Diagnostics.quietly { secondOrderOrigin(rec) } }.result)
    }, passingOn: { $0.withoutNestedRepeats() })
    // A rule that read a dual as a Double lost its own derivative along v: H·v is wrong, and
    // only a caller collecting diagnostics would have seen the escape.
    if refusingRuleEscapes && !diagnostics.escapingRules.isEmpty { throw ruleEscapeError(diagnostics.escapingRules) }
    // So does a conversion in f itself: a linearisation at a Double point, c² + 2c(x₀ − c) with c
    // read from x₀, is right to first order and gave ∂²/∂x₀² = 0 for 2x₁ = 4 with no error (a
    // review; the original complaint was this trap passing a check). A branch needs no
    // conversion: comparisons work on the scalar type.
    if refusingRuleEscapes && diagnostics.escapes > 0 { throw functionEscapeError(diagnostics.escapes) }
    return (hv, diagnostics.errors.first, origin)
}

/// The error for a function that read a value carrying a derivative as a Double while a second
/// derivative was computed (see ``hvp(of:at:direction:)``).
@usableFromInline func functionEscapeError(_ count: Int) -> ADError {
    ADError.invalidArgument("the function read a value carrying a derivative as a Double (approximateDouble; \(count) "
        + "conversion(s) in one Hessian-vector product), so a second derivative through it is lost: a linearisation "
        + "at a Double point, c² + 2c·(x − c), is right to first order only. No Hessian is returned; compute with the "
        + "scalar type's operations and compare in it (x < T(c)) instead of on Doubles, or use assertHessian, which "
        + "names the entries such a function loses")
}

/// The op where a non-finite term of H·v was born: the first entry the output reaches whose
/// value or local partial is NaN or ±∞ in any component. Where every value and first
/// derivative is finite, that is a partial's tangent, a second derivative (pow(x, 1.5) at 0:
/// ∂ = 1.5√x is 0, its derivative 0.75/√x is +∞), and "non-finite Hessian-vector product entry
/// 0" named no op. On a product that sums entries a caller does not read (a sparse Hessian's
/// colour), the first such entry may belong to a sum not read.
@usableFromInline func secondOrderOrigin<V: ADScalar>(_ rec: Recording<Dual<V, V>>) -> (op: String, node: Int)? {
    guard let node = rec.outputs.first?.node,
          let origin = rec.tape.firstNonFiniteComponent(reachedFrom: [node]) else { return nil }
    return (rec.tape.name(ofEntry: origin.node), origin.node)
}

/// The error for user rules that read a dual as a Double in a Hessian (see
/// ``EvaluationDiagnostics/escapingRules``).
@usableFromInline func ruleEscapeError(_ names: [String]) -> ADError {
    let who = names.count == 1 ? "the rule of user primitive \(names[0])" : "the rules of user primitives " + names.joined(separator: ", ")
    return ADError.invalidArgument(who + " read a value carrying a derivative as a Double (approximateDouble), so a "
        + "second derivative through it is lost; write the rule with the scalar type's operations, or declare "
        + "the primitive a BlackBoxPrimitive, whose Hessian is refused")
}

/// The Hessian of a scalar function: n Hessian–vector products with the unit vectors, with their
/// errors (a user rule that reads a dual as a Double is named, not returned as a wrong entry).
/// The result is symmetric up to rounding; it is returned as computed, not symmetrised, so a
/// test can see asymmetry caused by a wrong rule.
@inlinable public func hessian<V: ADScalar>(
    of f: ([HessianScalar<V>]) -> HessianScalar<V>, at x: [V], maximumDimension: Int = 4096
) throws -> [[V]] {
    try hessian(of: f, at: x, maximumDimension: maximumDimension, refusingRuleEscapes: true)
}

/// ``hessian(of:at:maximumDimension:)``, refusing rule escapes or not as
/// ``hvp(of:at:direction:refusingRuleEscapes:)`` does.
@inlinable package func hessian<V: ADScalar>(
    of f: ([HessianScalar<V>]) -> HessianScalar<V>, at x: [V], maximumDimension: Int = 4096, refusingRuleEscapes: Bool
) throws -> [[V]] {
    let n = x.count
    // n² entries and n recordings: 4096 variables is already 16 M entries; beyond a bound, a
    // clear error instead of an allocation that takes the machine down.
    if n > maximumDimension {
        throw ADError.limitExceeded(what: "Hessian dimension \(n)", limit: maximumDimension)
    }
    // Every product evaluates f at x, touching the same kinks: the enclosing collection gets
    // the first product's (x·|x| at 0 counted 2n kinks for n inputs; it touches one). Escapes
    // differ by direction: a rule that reads a dual as a Double loses a tangent only where the
    // product's direction put one, so x₀² + erf(x₁) with erf′ computed on Doubles escapes along
    // x₁ alone; taking the first product's count hid the lost ∂²f/∂x₁² (0, by hand −0.968 at
    // x₁ = 0.7). The collection gets the most any one product counted.
    var escapesSeen = 0
    let columns = try (0..<n).map { j in
        try Diagnostics.collect({ try hvp(of: f, at: x, direction: (0..<n).map { $0 == j ? 1 : 0 },
                                          refusingRuleEscapes: refusingRuleEscapes) },
                                keeping: { $0.repeatedEvaluation(keepingKinks: j == 0, escapesSeen: &escapesSeen) })
    }
    return (0..<n).map { i in (0..<n).map { j in columns[j][i] } }
}

/// The Hessian of a generic function with one output.
@inlinable public func hessian<V: ADScalar>(of f: some ADFunction, at x: [V]) throws -> [[V]] {
    if let n = f.inputCount { try requireCount("number of inputs", n, x.count) }
    try requireCount("number of outputs of a function whose Hessian is asked (pass output: to pick one)", 1, evaluationCounted(f, at: x).count)
    return try hessian(of: { (z: [HessianScalar<V>]) -> HessianScalar<V> in f(z)[0] }, at: x)
}

/// The Hessian of one output of a vector-valued function.
///
/// ```swift
/// let h = try hessian(of: Polar(), at: [2.0, 0.5], output: 1)   // ∇²(r sin t)
/// ```
@inlinable public func hessian<V: ADScalar>(of f: some ADFunction, at x: [V], output i: Int) throws -> [[V]] {
    if let n = f.inputCount { try requireCount("number of inputs", n, x.count) }
    let m = evaluationCounted(f, at: x).count
    guard i >= 0 && i < m else {
        throw ADError.invalidArgument("output \(i) does not exist: the function has \(m) outputs (0..<\(m))")
    }
    return try hessian(of: { (z: [HessianScalar<V>]) -> HessianScalar<V> in f(z)[i] }, at: x)
}
