import AdjointCore
import RealModule

// Checks and difference Jacobians on several cores (issue 15, "all cores"). Every part runs the
// same code as the serial call, on its own inputs, and is put together in the serial order, so the
// results are bit-identical to the serial ones: a report's JSON is the same text.
//
// Operation counts and planted rule mutations belong to the thread that set them, and child tasks
// run on other threads: each child runs its share through `Instrumentation.runChild` and the
// parent adds its counts after the join, as `jacobian(of:at:mode:tasks:)` does, so the async
// `measureOperations` and `RuleMutations.withMutation` see what the serial check does.

/// ``differenceJacobian(of:at:method:step:evaluationError:)`` with its columns spread over `tasks` child tasks.
///
/// Each column (one input's line of samples) is independent once f(x) is known; the complex step
/// checks all its columns together along one combined direction, so it runs as one job.
///
/// ```swift
/// let d = try await differenceJacobian(of: Polar(), at: [2.0, 0.5], method: .richardson, tasks: 2)
/// ```
@inlinable public func differenceJacobian<V: ADScalar & BinaryFloatingPoint & Real & Sendable>(
    of f: some ADFunction & Sendable, at x: [V], method: DifferenceMethod = .central,
    step: StepSize = .automatic, evaluationError: [Double]? = nil, tasks: Int
) async throws -> DifferenceJacobian<V> {
    try await differenceJacobianOfSpecialised(SpecialisedFunction<V>(f), at: x, method: method, step: step,
                                              evaluationError: evaluationError, tasks: tasks)
}

@_specialize(where V == Double)
@_specialize(where V == Float)
@usableFromInline func differenceJacobianOfSpecialised<V: ADScalar & BinaryFloatingPoint & Real & Sendable>(
    _ f: SpecialisedFunction<V>, at x: [V], method: DifferenceMethod, step: StepSize, evaluationError: [Double]? = nil,
    readingTape: Bool = true, tasks: Int
) async throws -> DifferenceJacobian<V> {
    if tasks <= 1 || method == .complexStep {
        return try differenceJacobianOfSpecialised(f, at: x, method: method, step: step, evaluationError: evaluationError,
                                                   readingTape: readingTape)
    }
    if let n = f.inputCount, n != x.count {
        throw ADError.dimensionMismatch(what: "number of inputs", expected: n, got: x.count)
    }
    // The tape's facts as in the serial function, so that the result is bit-identical to it.
    let tape = readingTape ? TapeFacts.of(f, at: x) : nil
    return try await differenceJacobian(evaluating: { f($0) }, at: x, method: method, step: step,
                                        evaluationError: evaluationError, tapeFacts: tape?.facts, center: tape?.value,
                                        measuringNoise: readingTape, tasks: tasks)
}

/// ``differenceJacobian(evaluating:at:method:step:evaluationError:)`` with its columns spread over `tasks` child
/// tasks; f must be safe to call from several threads at once.
///
/// ```swift
/// let d = try await differenceJacobian(evaluating: { x in [x[0] * x[1]] }, at: [2.0, 3.0], method: .adaptive, tasks: 2)
/// ```
@_specialize(where V == Double)
@_specialize(where V == Float)
public func differenceJacobian<V: ADScalar & BinaryFloatingPoint & Real & Sendable>(
    evaluating f: @escaping @Sendable ([V]) -> [V], at x: [V], method: DifferenceMethod = .central,
    step: StepSize = .automatic, evaluationError: [Double]? = nil, tasks: Int
) async throws -> DifferenceJacobian<V> {
    try await differenceJacobian(evaluating: f, at: x, method: method, step: step, evaluationError: evaluationError,
                                 tapeFacts: nil, center: nil, tasks: tasks)
}

/// The concurrent closure form with f's tape facts (see the serial one).
package func differenceJacobian<V: ADScalar & BinaryFloatingPoint & Real & Sendable>(
    evaluating f: @escaping @Sendable ([V]) -> [V], at x: [V], method: DifferenceMethod, step: StepSize,
    evaluationError: [Double]?, tapeFacts facts: TapeFacts?, center: [V]?, measuringNoise: Bool = true, tasks: Int
) async throws -> DifferenceJacobian<V> {
    if tasks <= 1 {
        return try differenceJacobian(evaluating: f, at: x, method: method, step: step, evaluationError: evaluationError,
                                      tapeFacts: facts, center: center, measuringNoise: measuringNoise)
    }
    if method == .complexStep {
        throw ADError.invalidArgument("complex step evaluates f at complex points: pass an ADFunction, not a closure on real arrays")
    }
    try validate(step)
    let value = center ?? { Instrumentation.countEvaluation(); return f(x) }()
    let m = value.count
    try validate(evaluationError: evaluationError, outputs: m)
    let columns = try await concurrentMap(count: x.count, tasks: tasks) { j -> ([DifferenceEstimate], Int) in
        differenceColumn(evaluating: f, at: x, center: value, axis: j, method: method, step: step,
                         evaluationError: evaluationError, tapeFacts: facts, measuringNoise: measuringNoise)
    }
    let entries = (0..<m).map { i in x.indices.map { j in columns[j].0[i] } }
    return DifferenceJacobian(method: method, stepOption: step, value: value,
                              jacobian: entries.map { $0.map { V($0.value) } }, entries: entries,
                              evaluations: columns.reduce(1) { $0 + $1.1 }, unsupported: nil)
        .flaggingKinkCrossings(rooms: facts?.kinkRooms)
}

/// ``checkJacobian(of:at:claimed:claimedName:options:)`` with its independent parts on several
/// cores: once f is recorded at x, the forward-mode Jacobian, the first witness of the ladder (its
/// columns over `tasks`) and the evaluations of the random-direction check run as child tasks
/// while this task computes the reverse-mode rows, the rounding scales and the tape graph.
/// The first witness is computed ahead even where the serial check would not need it (every
/// entry non-finite), so f may be evaluated at x ± h where the serial check does not. Later witnesses are computed only if the ladder
/// escalates to them, as in the serial check. The report is identical to the serial one.
///
/// The claimed Jacobian is computed on this task, so it need not be `Sendable`.
///
/// ```swift
/// let report = try await checkJacobian(of: F(), at: [0.5, 2.0], tasks: 2)
/// report.verdict   // .agree, as from the serial check
/// ```
@inlinable public func checkJacobian<V: ADScalar & BinaryFloatingPoint & Real & Sendable>(
    of f: some ADFunction & Sendable, at x: [V], claimed: (([V]) throws -> [[V]])? = nil,
    claimedName: String = "claimed", options: CheckOptions = CheckOptions(), tasks: Int
) async throws -> CheckReport {
    try await checkJacobianOfSpecialised(SpecialisedFunction<V>(f), at: x, claimed: claimed, claimedName: claimedName,
                                         options: options, tasks: tasks, rounding: RoundingBoundsReader<V>(f))
}

@_specialize(where V == Double)
@_specialize(where V == Float)
@usableFromInline func checkJacobianOfSpecialised<V: ADScalar & BinaryFloatingPoint & Real & Sendable>(
    _ f: SpecialisedFunction<V>, at x: [V], claimed: (([V]) throws -> [[V]])?, claimedName: String,
    options: CheckOptions, tasks: Int, rounding: RoundingBoundsReader<V>? = nil
) async throws -> CheckReport {
    if tasks <= 1 {
        return try checkJacobianOfSpecialised(f, at: x, claimed: claimed, claimedName: claimedName, options: options,
                                              rounding: rounding)
    }
    if let n = f.inputCount, n != x.count {
        throw ADError.dimensionMismatch(what: "number of inputs", expected: n, got: x.count)
    }
    try options.validate()
    try options.validateNames(inputs: x.count)
    try validateClaimedName(claimedName, claimed: claimed != nil)
    // The first rung is reached by every entry the subjects give a finite value for; a complex
    // step there depends on the escapes AD saw, so it is left to the serial path.
    let firstMethod: DifferenceMethod? = {
        guard case .differences(let method)? = options.ladder.first, method != .complexStep else { return nil }
        return method
    }()
    let step = options.step
    var checker = Checker(f: f, x: x, options: options)
    checker.rounding = rounding
    // Recorded first, as the serial check does: when f fails at x nothing else is evaluated.
    let base: CheckReport, recording: Recording<V>, missingVJPs: [ADError]
    switch checker.recordFunction() {
    case .failed(let report): return report
    case .recorded(let b, let r, let missing): (base, recording, missingVJPs) = (b, r, missing)
    }
    // The witness is itself a concurrent driver (its parent part counts in this task's async
    // measurement, its columns through runChild), so only the two plain children need it here.
    // The first witness is told the rounding scales, as the serial rung is (`evaluationRounding`),
    // so they are read before it starts; without a VJP they come from the graph `prepare` builds,
    // and the witness waits for it as later rungs do.
    if missingVJPs.isEmpty { checker.roundingScale = recording.roundingScales() }
    let firstRounding = missingVJPs.isEmpty ? checker.evaluationRounding : nil
    let observed = Instrumentation.capture()
    async let forward = Instrumentation.runChild(observed) { options.checkForward ? Checker<V>.forwardRows(f, at: x) : nil }
    async let witness = firstWitness(f, at: x, method: missingVJPs.isEmpty ? firstMethod : nil, step: step,
                                     evaluationError: firstRounding, tasks: tasks)
    let seed = options.checkForward && !x.isEmpty ? options.directionSeed : nil
    async let directional = Instrumentation.runChild(observed) { seed.map { Checker<V>.directionalSamples(f, at: x, seed: $0) } }
    let prepared = checker.prepare(base, recording, missingVJPs: missingVJPs)
    let (directionalSamples, directionalCounts) = await directional
    checker.precomputedDirectional = directionalSamples
    Instrumentation.add(directionalCounts)
    let (forwardRows, forwardCounts) = await forward
    Instrumentation.add(forwardCounts)
    // The claimed Jacobian is the user's code: called once, here, where the serial check's
    // judging would call it.
    let claimedRows = try claimed.map { c in try c(x) }
    let claimedOnce = claimedRows.map { rows in { (_: [V]) in rows } }
    // Entries far below their row are judged on their own path magnitudes, one graph sweep per
    // input: serial, they cost the 60×60 check a tenth of its time. Sums over the same graph
    // in the same order, so the report is bit-identical to the serial check's.
    let known = [forwardRows.flatMap { $0.failure == nil ? $0.jacobian.map { $0.map { Double($0) } } : nil },
                 prepared.reverseRows, claimedRows.map { $0.map { $0.map { Double($0) } } }].compactMap { $0 }
    let needed = checker.inputsNeedingPathMagnitudes(subjects: known)
    if needed.count > 1 {
        let paths = prepared.graph.paths
        let sums = try await concurrentMap(count: needed.count, tasks: tasks) { k in paths.magnitudes(input: needed[k]) }
        for (k, j) in needed.enumerated() { checker.pathMagnitudeCache[j] = sums[k] }
    }
    if let w = await witness {
        // What the serial rung computes from the same call (nil: "evaluation failed").
        checker.precomputedRungs[0] = w.map { .available($0.entries) } ?? .notAvailable("evaluation failed")
    }
    // Later difference rungs are computed column by column, as in the serial check, for the
    // entries that reach them. Judging runs on this task; an entry whose column is not computed
    // yet is left unjudged, the others are judged and kept, and the columns missed are then
    // computed on child tasks and the entries left judged again, with what the incomplete
    // judging had found (the rungs reached, the entries judged, the evaluations kept). So the
    // columns computed, the rungs reached and the report are the serial check's, in one round
    // per rung at most.
    checker.defersRungs = true
    while true {
        var attempt = checker
        let report = try attempt.finish(prepared, forward: forwardRows, claimed: claimedOnce, claimedName: claimedName)
        guard attempt.missingRung != nil else { return report }
        checker.resume(after: attempt)
        let floor = checker.evaluationRounding
        var progressed = false
        for (k, missed) in attempt.missingColumns.sorted(by: { $0.key < $1.key }) {
            guard case .differences(let method) = options.ladder[k], let center = checker.rungCenter(k) else {
                progressed = progressed || checker.rungCache[k] != nil
                continue
            }
            progressed = true
            let columns = missed.sorted()
            let computed = try await concurrentMap(count: columns.count, tasks: tasks) { c in
                differenceColumn(evaluating: { f($0) }, at: x, center: center, axis: columns[c], method: method, step: step,
                                 evaluationError: floor, tapeFacts: nil, measuringNoise: false)
            }
            for (c, j) in columns.enumerated() { checker.rungColumns[k, default: [:]][j] = computed[c].estimates }
        }
        // Nothing the judging asked for could be supplied: the last judging computes on this task.
        if !progressed { checker.defersRungs = false }
    }
}

/// The first rung's difference Jacobian: nil when it is not computed ahead, `.some(nil)` when
/// the evaluation failed (the serial rung's "evaluation failed").
private func firstWitness<V: ADScalar & BinaryFloatingPoint & Real & Sendable>(
    _ f: SpecialisedFunction<V>, at x: [V], method: DifferenceMethod?, step: StepSize, evaluationError: [Double]?, tasks: Int
) async -> DifferenceJacobian<V>?? {
    guard let method else { return nil }
    return .some(try? await differenceJacobianOfSpecialised(f, at: x, method: method, step: step, evaluationError: evaluationError,
                                                            readingTape: false, tasks: tasks))
}
