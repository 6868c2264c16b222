import AdjointCore
import AdjointExact
import RealModule

/// Checks the Jacobian of `f` at `x` computed by forward mode, reverse mode and, optionally, a
/// claimed (hand-written) Jacobian, against derivative-free witnesses.
///
/// Per entry the verdict is graded: `agree`, `rule-wrong` (only after escalating through
/// ``CheckOptions/ladder``), `fd-inconclusive` (with reasons), `kink` (with one-sided
/// derivatives) or `non-finite`. The tolerance is |a − b| ≤ atol + rtol·|b| with b the witness;
/// by default atol = 4·(witness error estimate) + 64ε·(entry scale) and rtol = the witness's
/// nominal accuracy + 64ε. The entry scale is the row's largest entry, or, for an entry far below
/// it, 4 × its own path magnitude on the tape (so a tiny entry is not judged on its row's scale).
/// A witness whose error bound (4 × its estimate) reaches 0 from every subject cannot tell a value
/// from its negative: the ladder goes on, and an entry no rung resolves is `fd-inconclusive`
/// (``FDWarning/belowResolution``), never a pass, as in ``checkBlackBoxJacobian(of:at:claimed:claimedName:options:)``.
///
/// A mode that cannot run because a user ``VectorPrimitive`` lacks its rule (reverse mode without
/// a VJP, forward mode without a JVP) is left out of the subjects and listed in
/// ``CheckReport/modesNotRun`` (and the notes); the other mode is judged as usual, and a wrong
/// rule is localised to `<name> JVP` or `<name> VJP`. With neither mode and no claim, the report's
/// ``CheckReport/problem`` is the missing rule and it does not pass.
///
/// A function written on plain `Double` or `Float`, not generic, has no modes to run: check it with
/// ``checkBlackBoxJacobian(of:at:claimed:claimedName:options:)``.
///
/// ```swift
/// struct F: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.sin(x[0]) * x[1]] } }
/// let report = try checkJacobian(of: F(), at: [0.5, 2.0])
/// print(report.renderTable())
/// report.verdict          // .agree
/// ```
/// - Parameter claimed: a Jacobian to check besides the modes (rows = outputs), computed from x.
/// - Throws: ``ADError/dimensionMismatch(what:expected:got:)`` when `x` or the claimed Jacobian has
///   the wrong shape; ``ADError/invalidArgument(_:)`` when ``CheckOptions/rtol`` or
///   ``CheckOptions/atol`` is NaN, infinite or negative, ``CheckOptions/worstEntryCount`` is
///   negative, ``CheckOptions/step`` is not finite and positive, or a custom witness's error
///   estimate is not finite and ≥ 0, or when ``CheckOptions/checkForward`` and
///   ``CheckOptions/checkReverse`` are both off and nothing is claimed, or when a claim is named
///   "forward" or "reverse" (`claimedName`), the names of the modes. Evaluation failures (domain errors, non-finite outputs) do not throw: they
///   are reported in ``CheckReport/problem``.
///
/// Inlinable so that `f` is wrapped where its type is known (see `SpecialisedFunction`).
@inlinable public func checkJacobian<V: ADScalar & BinaryFloatingPoint & Real & Sendable>(
    of f: some ADFunction, at x: [V], claimed: (([V]) throws -> [[V]])? = nil,
    claimedName: String = "claimed", options: CheckOptions = CheckOptions()
) throws -> CheckReport {
    try checkJacobianOfSpecialised(SpecialisedFunction<V>(f), at: x, claimed: claimed, claimedName: claimedName,
                                   options: options, rounding: RoundingBoundsReader<V>(f))
}

/// ``derivativeRoundingBounds(of:at:directions:)`` of the user's function, compiled where its
/// type is known (as ``SpecialisedFunction`` is for the check's four scalar types): through the
/// wrapper, f ran generically on its tape of 8-lane duals, which doubled the bound's cost.
@usableFromInline struct RoundingBoundsReader<V: ADScalar & BinaryFloatingPoint>: @unchecked Sendable {
    // @unchecked: as SpecialisedADFunction, only a Sendable function is handed to other tasks.
    @usableFromInline let bounds: ([V], [[V]]) -> [[Double]?]
    @inlinable init(_ f: some ADFunction) {
        bounds = { x, directions in derivativeRoundingBounds(of: f, at: x, directions: directions).bounds }
    }
}

@_specialize(where V == Double)
@_specialize(where V == Float)
@usableFromInline func checkJacobianOfSpecialised<V: ADScalar & BinaryFloatingPoint & Real & Sendable>(
    _ f: SpecialisedFunction<V>, at x: [V], claimed: (([V]) throws -> [[V]])?, claimedName: String, options: CheckOptions,
    rounding: RoundingBoundsReader<V>? = nil, claimShape: ClaimShape = .jacobian
) throws -> CheckReport {
    if let n = f.inputCount, n != x.count {
        throw ADError.dimensionMismatch(what: "number of inputs", expected: n, got: x.count)
    }
    try options.validate()
    try options.validateNames(inputs: x.count)
    try validateClaimedName(claimedName, claimed: claimed != nil)
    var checker = Checker(f: f, x: x, options: options)
    checker.rounding = rounding
    checker.claimShape = claimShape
    return try checker.run(claimed: claimed, claimedName: claimedName)
}

/// Refuses a claim named after a mode the check also runs. The report keeps each subject's values
/// by name, so a claim named "forward" was read as forward mode's: a wrong claim so named came out
/// "range-loss" of no subject (no rule blamed, the claim's gap unreported).
@usableFromInline func validateClaimedName(_ name: String, claimed: Bool) throws {
    guard claimed, name == "forward" || name == "reverse" else { return }
    throw ADError.invalidArgument("claimedName \"\(name)\" is the name of a mode the check runs beside the claim; "
        + "name the claim otherwise (the default is \"claimed\")")
}

/// Checks the gradient of a function with one output: ``checkJacobian(of:at:claimed:claimedName:options:)``
/// with a claimed gradient closure (for example a hand-written one). A claim for an f with several
/// outputs throws, naming them (claim a Jacobian, rows = outputs, with `checkJacobian`).
///
/// `f` is generic (an ``ADFunction``), since forward and reverse mode run beside the claim. A
/// plain `([Double]) -> Double` or `([Float]) -> Float` goes to
/// ``checkBlackBoxGradient(of:at:claimedGradient:claimedName:options:)``, judged by differences
/// alone; passed here, the compiler refuses it with "cannot conform to 'ADFunction'".
///
/// ```swift
/// let report = try checkGradient(of: F(), at: [0.5, 2.0], claimedGradient: { x in [cos(x[0]) * x[1], sin(x[0])] })
/// ```
@inlinable public func checkGradient<V: ADScalar & BinaryFloatingPoint & Real & Sendable>(
    of f: some ADFunction, at x: [V], claimedGradient: (([V]) throws -> [V])? = nil,
    claimedName: String = "claimed", options: CheckOptions = CheckOptions()
) throws -> CheckReport {
    let claimed = claimedGradient.map { g in { (x: [V]) throws -> [[V]] in try gradientRow(try g(x), inputs: x.count) } }
    return try checkJacobianOfSpecialised(SpecialisedFunction<V>(f), at: x, claimed: claimed, claimedName: claimedName,
                                          options: options, rounding: RoundingBoundsReader<V>(f), claimShape: .gradient)
}

/// What the user wrote the claim as, so that a shape it cannot have is named in their terms where
/// the shapes are compared. The refusal of a gradient claimed for an f with several outputs was
/// made by recognising the Jacobian's row-count error by the start of its message, and a change of
/// that wording would have dropped it without a word (a review).
@usableFromInline enum ClaimShape: Sendable {
    /// A Jacobian, rows = outputs (``checkJacobian(of:at:claimed:claimedName:options:)``).
    case jacobian
    /// A gradient, checked as the one row of a Jacobian (``checkGradient(of:at:claimedGradient:claimedName:options:)``).
    case gradient
}

/// The refusal of a gradient claimed for an f with `outputs` outputs (≠ 1): "rows of the claimed
/// Jacobian (outputs): expected 2, got 1" sent a researcher looking for a Jacobian they never wrote.
func gradientOfSeveralOutputs(_ outputs: Int) -> ADError {
    .dimensionMismatch(what: "outputs of f for a claimed gradient (a gradient is of one output; "
                       + "for several, claim a Jacobian, rows = outputs, with checkJacobian)", expected: 1, got: outputs)
}

extension CheckOptions {
    /// Rejects settings that would silently change every verdict: a NaN tolerance makes every
    /// comparison |a − b| > tol false (everything "agrees"), a negative one makes a correct rule
    /// "wrong", an infinite one accepts anything.
    func validate() throws {
        for (name, value) in [("rtol", rtol), ("atol", atol)] {
            if let t = value, !(t.isFinite && t >= 0) {
                throw ADError.invalidArgument("CheckOptions.\(name) must be finite and ≥ 0, got \(t); leave it nil to derive it from the witness")
            }
        }
        if worstEntryCount < 0 {
            throw ADError.invalidArgument("CheckOptions.worstEntryCount must be ≥ 0, got \(worstEntryCount)")
        }
        // A NaN or 0 would silently make every float32 claim judged as a Double one, or none.
        if let u = claimUnitRoundoff, !(u.isFinite && u > 0 && u < 1) {
            throw ADError.invalidArgument("CheckOptions.claimUnitRoundoff must be in (0, 1), got \(u); "
                + "use Double(Float.ulpOfOne) for a float32 claim, or leave it nil")
        }
        // A bad step made every stencil rung fail silently ("evaluation failed") and the rest of
        // the ladder decide, or left a black-box check with nothing but "fd-inconclusive".
        do { try AdjointCheck.validate(step) } catch {
            throw ADError.invalidArgument("CheckOptions.step: \(error); use .automatic to let each rung choose")
        }
        for rung in ladder {
            // A NaN estimate makes every tolerance NaN, so every comparison "agrees" (a claim of 5
            // where the witness said 0 passed); a negative one convicts exact agreement.
            if case .custom(let name, let estimate, _) = rung, !(estimate.isFinite && estimate >= 0) {
                throw ADError.invalidArgument("the error estimate of the custom witness \"\(name)\" must be finite and ≥ 0, got \(estimate)")
            }
        }
    }
}

/// What one witness estimate says about one entry.
enum CheckJudgement {
    case agree(Double)
    case disagree(Double, [String])
    case unreliable([FDWarning])
}

struct Checker<V: ADScalar & BinaryFloatingPoint & Real & Sendable> {
    let f: SpecialisedFunction<V>
    let x: [V]
    let options: CheckOptions
    var eps: Double { Double(V.ulpOfOne) }
    /// Witness Jacobians computed so far, by rung position (computed only when a rung is reached).
    var rungCache: [Int: RungResult] = [:]
    /// Witnesses the concurrent check computed before they were asked for: not in `rungCache`
    /// until reached, so the report lists the same rungs as the serial check's.
    var precomputedRungs: [Int: RungResult] = [:]
    /// Columns of a real-difference rung computed one at a time, by rung position and input j,
    /// and f(x) evaluated once for each such rung. Few entries climb past the first rung, and a
    /// whole Jacobian of Richardson for the one entry of a 60 × 60 check that needed it was a
    /// third of that check's time; a column alone is the same estimates (``differenceColumn``).
    var rungColumns: [Int: [Int: [DifferenceEstimate]]] = [:]
    var rungCenters: [Int: [V]] = [:]
    /// Set by the concurrent check: a column of a real-difference rung that is neither cached nor
    /// computed ahead is not computed here but noted in ``missingColumns``, and the entry that
    /// needed it is left unjudged; the concurrent check computes those columns on child tasks
    /// and judges the entries left again.
    var defersRungs = false
    /// With ``defersRungs``: the columns the judging needed and did not have, by rung position.
    var missingColumns: [Int: Set<Int>] = [:]
    /// Set while judging one entry whose rung column is missing (see ``defersRungs``).
    var entryMissesColumn = false
    /// A Float check's complex step of f evaluated in Double at the same point, by column, computed
    /// the first time a claim in that column is about to be convicted (see
    /// ``FDWarning/floatRounding``); nil inside when it is not available (f escaped the complex
    /// scalar, or the evaluation failed).
    var doubleComplexStep: [Int: [DifferenceEstimate]?] = [:]
    /// The first rung the judging needed and did not have, with ``defersRungs``.
    var missingRung: Int? = nil
    /// The entries a judging left incomplete at ``missingColumns`` had judged, by i·n + j: the
    /// next judging reads them back (see ``resume(after:)``).
    var judgedEntries: [Int: EntryCheck] = [:]
    /// The directional check's evaluations, when the concurrent check made them ahead.
    var precomputedDirectional: DirectionalSamples? = nil
    /// The recorded graph, for kink mapping, near-kink detection and fault localisation.
    var graph: TapeGraph? = nil
    /// Tangents of every tape node along eⱼ, by input j (computed when a kink might be crossed).
    var tangentCache: [Int: [Double]] = [:]
    /// Path magnitudes of every tape node along eⱼ, by input j (for entries far below their row).
    var pathMagnitudeCache: [Int: [Double]] = [:]
    /// Length-weighted path magnitudes of every tape node along eⱼ, by input j (see
    /// ``accumulationBound(output:input:)``).
    var pathLengthCache: [Int: [Double]] = [:]
    /// The nodes whose adjoint reverse mode's sweep for output i adds up from two or more terms,
    /// in tape order, each with that count less one and its path magnitude to output i, by output
    /// i (see ``reverseSummationWeight(output:input:)``). Kept sparse because every entry of row i
    /// reads it: a scan over the whole tape per entry made a 60 × 60 check spend a third of its
    /// time here.
    var summationTermsCache: [Int: [(node: Int, extraTerms: Double, adjoint: Double)]] = [:]
    /// Forward mode's first-order rounding bound of column j, per output, by input j (see
    /// ``accumulationAllowance(subject:output:input:)``).
    var forwardColumnRoundingCache: [Int: [Double]] = [:]
    /// Path magnitudes from every tape node to output i, by i (for aliased periodic terms).
    var adjointMagnitudeCache: [Int: [Double]] = [:]
    /// The nodes of sin, cos and tan on the tape, in tape order (read once: filtering the op
    /// list per judged entry and witness made a 40×40 check with every entry wrong 2.6 times slower).
    var periodicNodeCache: [Int]? = nil
    /// Escapes (a variable converted to Double) seen while AD evaluated the function.
    var adEscapes = 0
    /// f(x), for the noise floor of the jump test.
    var value: [V] = []
    /// Per output, Σ over recorded nodes of |∂fᵢ/∂v|·|v|: times ε, a first-order bound on fᵢ's
    /// rounding error (the node values' own rounding, carried to the output).
    var roundingScale: [Double] = []
    /// Per output, ε·``roundingScale``: the rounding of one evaluation of fᵢ as the check's own
    /// recording bounds it, told to the difference rungs as their samples' rounding (nil before
    /// the recording is read). Without it their estimates assumed a few ulps of f per sample:
    /// ∏ₖ₌₁²⁰⁰ (1 + x/10⁶)·sin x at 0.7 rounds by up to 200 of them, and central's rung read
    /// 0.7650781350894249 ± 3.4·10⁻¹⁰ for 0.76507813413562517 (mpmath), 2.8 times its estimate
    /// off, Richardson's 0.7650781341352955 ± 1.5·10⁻¹³ 2.2 times; the verdict held only by the
    /// tolerance's safety factor. `differenceJacobian(of:)` reads the same bound off its own tape.
    /// An overflowed scale is the largest finite bound, so the rung's estimate is infinite, not 0.
    var evaluationRounding: [Double]? {
        guard !roundingScale.isEmpty else { return nil }
        return roundingScale.map { s in
            let bound = eps * s
            return bound.isFinite && bound >= 0 ? bound : .greatestFiniteMagnitude
        }
    }
    /// Per output, a bound on the rounding of one evaluation of fᵢ that the tape cannot see: the
    /// measured noise of each user vector primitive call (``vectorPrimitiveNoise(_:at:outputs:)``)
    /// where it exceeds the few ulps of its outputs that ``roundingScale`` counts, carried to fᵢ
    /// by path magnitudes. Measured when a disagreement would otherwise be declared, once.
    var opaqueNoise: [Double]? = nil
    /// Evaluations of vector primitives' primals the measurement made (none until it is needed).
    var opaqueNoiseEvaluations = 0
    /// What the measurement found where it mattered, for the report (``CheckReport/measuredNoise``).
    var noiseNotes: [String] = []
    /// The measured-noise Richardson rung's estimates, by input j (see ``measuredNoiseEstimate(input:)``).
    var measuredNoiseCache: [Int: [DifferenceEstimate]] = [:]
    /// The recording, for reverse passes with a scaled cotangent (``seededValues(mode:output:input:)``).
    var recording: Recording<V>? = nil
    /// The bound's reader compiled for the user's function; nil runs it through `f`.
    var rounding: RoundingBoundsReader<V>? = nil
    /// Seeded reverse rows by output i, seeded forward columns by input j, one per seed in
    /// ``rangeSeeds`` (entries of one row or column that disagree share their passes).
    var seededReverseCache: [Int: [[Double]]] = [:]
    /// The seeds of `seededReverseCache[i]`: ``rangeSeeds``, and a row's largest safe seed where
    /// the largest of them overflowed.
    var seededReverseSeeds: [Int: [V]] = [:]
    var seededForwardCache: [Int: [[Double]]] = [:]
    /// Per input j, ``roundingNoise(outputs:of:)`` of forward mode's and of the complex step's
    /// column along eⱼ (see ``derivativeNoise(output:input:)``).
    var forwardNoiseCache: [Int: [Double]] = [:]
    var complexStepNoiseCache: [Int: [Double]] = [:]
    /// Per input j, ``derivativeRoundingBound(of:at:direction:)`` along eⱼ for every output (empty
    /// where none could be made): see ``complexStepMoved(output:input:)``.
    var complexStepMovedCache: [Int: [Double]] = [:]
    /// Per input j, every tape node's tangent along eⱼ (signed, as forward mode carries it): see
    /// ``complexStepUnderflowBound(output:input:step:)``.
    var signedTangentCache: [Int: [Double]] = [:]
    /// f at x ± h·eⱼ by input j and the bits of h (``evaluationsAround(input:step:)``).
    var aroundCache: [Int: [UInt64: (plus: [V], minus: [V])]] = [:]
    /// f at x + t·eⱼ, every output, by input j and the bits of t, for ``staircaseBeyondWitnesses(_:)``:
    /// its look is asked per entry, and a Jacobian's zero entries (every output but one ignoring
    /// an input) each paid an evaluation a column's first look had already made.
    var staircaseSamples: [Int: [UInt64: [V]]] = [:]

    enum RungResult {
        case available([[DifferenceEstimate]])
        case notAvailable(String)
    }

    /// What the claim was written as (a gradient's wrong shape is named as a gradient's).
    var claimShape = ClaimShape.jacobian
    init(f: SpecialisedFunction<V>, x: [V], options: CheckOptions) { self.f = f; self.x = x; self.options = options }

    mutating func run(claimed: (([V]) throws -> [[V]])?, claimedName: String) throws -> CheckReport {
        switch prepare() {
        case .failed(let report): return report
        case .ready(let prepared):
            let forward = options.checkForward ? Self.forwardRows(f, at: x) : nil
            return try finish(prepared, forward: forward, claimed: claimed, claimedName: claimedName)
        }
    }

    /// What the check computes from the recording before it judges any entry; the concurrent
    /// check runs this while the forward Jacobian and the first witness are computed elsewhere.
    struct Prepared {
        var base: CheckReport
        let recording: Recording<V>
        /// Vector primitives recorded without a VJP: reverse mode cannot run, and no sweep of
        /// this tape is taken.
        let missingVJPs: [ADError]
        let reverseRows: [[Double]]?
        let graph: TapeGraph
        let kinkMap: [[[String]]]
        /// Per entry, the kinks on its paths reached only by an underflow (``TapeGraph/underflowKinkMap(inputs:outputs:)``).
        let underflowKinkMap: [[[UnderflowKink]]]
    }

    enum Preparation {
        case ready(Prepared)
        /// The recording failed: the report that says why.
        case failed(CheckReport)
    }

    mutating func prepare() -> Preparation {
        switch recordFunction() {
        case .failed(let report): return .failed(report)
        case .recorded(let base, let recording, let missing): return .ready(prepare(base, recording, missingVJPs: missing))
        }
    }

    enum RecordingOutcome {
        /// With the missing-VJP errors of vector primitives recorded without one.
        case recorded(CheckReport, Recording<V>, missingVJPs: [ADError])
        case failed(CheckReport)
    }

    /// The first evaluation of every check: reverse mode records the tape that kink mapping and
    /// fault localisation walk. When it fails nothing else is evaluated. A vector primitive
    /// without a VJP is recorded all the same (its graph and values are all the check reads):
    /// refusing it left a user with a JVP only (a custom_jvp) nothing checked at all, the report
    /// a "non-finite" verdict about a missing VJP. Reverse mode is then not run (``Prepared/missingVJPs``).
    func recordFunction() -> RecordingOutcome {
        var base = CheckReport(point: x.map { Double($0) }, scalarType: "\(V.self)", epsilon: eps,
                               ladder: options.ladder.map(\.name), options: options)
        // Named as the input it is: a NaN point read "non-finite output 0: first produced by
        // input at node 0", which sent the reader looking for a bug in f.
        if let k = x.firstIndex(where: { !$0.isFinite }) {
            base.problem = .nonFinite(what: "input x[\(k)] = \(x[k]): the point must be finite", op: nil, node: nil)
            return .failed(base)
        }
        do {
            let (recording, missing) = try Diagnostics.recordingCallsWithoutVJP { try record({ f($0) }, at: x) }
            if let clash = primitiveNameClash(recording.tape) {
                base.problem = .invalidArgument(clash)
                return .failed(base)
            }
            return .recorded(base, recording, missingVJPs: missing)
        } catch let e as ADError {
            base.problem = e
        } catch {
            base.problem = .invalidArgument("\(error)")
        }
        return .failed(base)
    }

    /// Two different user primitives under one name on the tape: the report names a fault by the
    /// primitive's name (and the self-test and symbolic mode know primitives by name), so the
    /// check would blame "cube at node 2" without saying which of the two. Nil when names are
    /// unique. A primitive under a built-in op's name is refused too: a fault in it would be
    /// blamed on the built-in (``UserPrimitives/builtinNames``).
    func primitiveNameClash(_ tape: Tape<V>) -> String? {
        var seen: [String: ObjectIdentifier] = [:]
        for i in 0..<tape.count {
            let found: (String, ObjectIdentifier)?
            if let p = tape.scalarPrimitive(i) { found = (p.name, ObjectIdentifier(p)) }
            else if let c = tape.vectorPrimitive(i) { found = (c.primitive.name, ObjectIdentifier(c.primitive)) }
            else { found = nil }
            guard let (name, id) = found else { continue }
            if let why = UserPrimitives.nameViolation(name) { return why + " (at node \(i))" }
            if let other = seen[name], other != id {
                return "two different user primitives are named \"\(name)\" (the second at node \(i)): a report names a primitive by its name, so give each its own"
            }
            seen[name] = id
        }
        return nil
    }

    /// Everything the recording gives before entries are judged: reverse rows, rounding scales,
    /// the tape graph and where the kinks are.
    mutating func prepare(_ base: CheckReport, _ recording: Recording<V>, missingVJPs: [ADError] = []) -> Prepared {
        var base = base
        let n = x.count
        let value = recording.value
        self.value = value
        let m = value.count
        base.value = value.map { Double($0) }
        adEscapes = recording.diagnostics.escapes
        var reverseRows: [[Double]]? = nil
        if options.checkReverse && missingVJPs.isEmpty {
            // Unchecked, so a NaN entry stays in its place, but with what the library's checked
            // rows recover: a term lost below the range is the library's to recover, and the
            // check judged the raw sweep (x²/x³⁰⁰ at 10 was range-loss for a `gradient` that
            // returns the right −2.98e-297). An entry the lifts cannot settle stays as it ran,
            // for the range-loss verdict below.
            let (rows, sweep) = Diagnostics.collect { (try? recording.jacobian(checked: false, range: .keepingUnsettled)) ?? [] }
            reverseRows = rows.map { $0.map { Double($0) } }
            // A VJP that fails in the sweep (nil, or the wrong length, at a cotangent other than
            // the zero one recording tried) leaves NaN adjoints: the report says why, as for a
            // failed forward mode. Its NaN column was shown with no reason at all.
            let failure = sweep.errors.first { e in
                if case .domain = e { return false }
                if case .nonFinite = e { return false }
                return true
            }
            if let failure { base.modeFailures.append("reverse mode failed: \(failure)") }
        }
        if options.checkReverse {
            // A VJP that is there but of the wrong length is a broken rule, not a missing one: the
            // report says reverse mode failed and does not pass (see ``CheckReport/passed``).
            for e in missingVJPs {
                if case .missingRule = e { base.modesNotRun.append((mode: "reverse", missing: e)) }
                else { base.modeFailures.append("reverse mode failed: \(e)") }
            }
        }
        let graph = TapeGraph(recording)
        self.graph = graph
        // A kink whose argument depends on no input (0^x) is none of f's (``TapeGraph/kinkArgumentMoves``).
        base.kinks = recording.diagnostics.kinks.filter { $0.node.map(graph.kinkArgumentMoves) ?? true }
        self.recording = recording

        if missingVJPs.isEmpty {
            // The concurrent check reads them before its first witness (which is told them).
            if roundingScale.count != m { roundingScale = recording.roundingScales() }
        } else {
            // Without a VJP there is no sweep: the bound on |∂fᵢ/∂v| from the graph's paths
            // (through a call by its |J| from the JVP) stands in for the cotangent: a sum of
            // |products| over paths, never below |the cotangent| (an unknown, infinite, term is
            // left out, as a NaN cotangent is from the sweep).
            let magnitudes = recording.nodeMagnitudes()
            let paths = graph.paths
            roundingScale = (0..<m).map { i in
                guard let o = graph.outputNodes[i] else { return 0 }
                return Recording<V>.roundingScale(sensitivities: paths.adjointMagnitudes(output: o), magnitudes: magnitudes)
            }
        }
        let kinkMap = graph.kinkOps(recording.diagnostics.kinks, inputs: n, outputs: m)
        return Prepared(base: base, recording: recording, missingVJPs: missingVJPs, reverseRows: reverseRows, graph: graph,
                        kinkMap: kinkMap, underflowKinkMap: graph.underflowKinkMap(inputs: n, outputs: m))
    }

    /// The forward-mode subject, computed apart from the rest (the concurrent check runs it on
    /// its own task): the one forward driver, unchecked, so a NaN entry stays in its place.
    static func forwardRows(_ f: SpecialisedFunction<V>, at x: [V]) -> (jacobian: [[V]], escapes: Int, failure: ADError?)? {
        // As the reverse rows: a tangent lost below the range recovered where the lifts settle it.
        guard let r = try? AdjointCore.forwardJacobian(of: { (d: [Dual<V, V>]) in f(d) }, at: x, checked: false,
                                                       range: .keepingUnsettled) else { return nil }
        // An error of the mode itself (a user primitive's JVP of the wrong length, a missing
        // rule) leaves its tangents meaningless: the column is NaN and the report says why,
        // where it used to show zeros graded "rule-wrong (forward)". Domain errors are the
        // function's, reported by the recording.
        let failure = r.diagnostics.errors.first { e in
            if case .domain = e { return false }
            if case .nonFinite = e { return false }
            return true
        }
        return (r.jacobian, r.diagnostics.escapes, failure)
    }

    /// Judges every entry against the subjects (forward as given, reverse and claimed) and the
    /// ladder's witnesses; then fault localisation and the directional check.
    mutating func finish(_ prepared: Prepared, forward: (jacobian: [[V]], escapes: Int, failure: ADError?)?,
                         claimed: (([V]) throws -> [[V]])?, claimedName: String) throws -> CheckReport {
        var base = prepared.base
        let recording = prepared.recording, graph = prepared.graph, kinkMap = prepared.kinkMap
        let underflowKinkMap = prepared.underflowKinkMap
        // Where a declared kink lies decides which differences straddle it and where one-sided
        // derivatives are taken; a NaN or negative distance says neither, so nothing is judged.
        if let bad = graph.invalidKinkDistance {
            base.problem = bad
            return base
        }
        let n = x.count, m = value.count
        try options.validateNames(inputs: n, outputs: m)
        var subjects: [(String, [[Double]])] = []
        // Forward mode that cannot run for want of a JVP is left out, with the reason, and the
        // other subjects are judged: a NaN column graded every entry "non-finite", so a VJP-only
        // primitive's reverse mode, right or wrong, was never compared with a witness.
        var forwardRuns = options.checkForward
        if options.checkForward, let failure = forward?.failure, case .missingRule = failure {
            base.modesNotRun.append((mode: "forward", missing: failure))
            forwardRuns = false
        }
        if forwardRuns, let failure = forward?.failure {
            // A mode that failed on its own (a user primitive's JVP of the wrong length) is left
            // out of the subjects as a missing rule is, and the report does not pass (see
            // ``CheckReport/passed``): its NaN column graded every entry "non-finite", reverse
            // mode's right ones too, so nothing was compared.
            base.modeFailures.append("forward mode failed: \(failure)")
            forwardRuns = false
        }
        if forwardRuns {
            // Rows shaped to m, NaN where an entry is missing.
            let jac = forward?.jacobian ?? []
            subjects.append(("forward", (0..<m).map { i in
                x.indices.map { j in i < jac.count && j < jac[i].count ? Double(jac[i][j]) : .nan }
            }))
            adEscapes += forward?.escapes ?? 0
        }
        base.escapes = adEscapes
        if let rows = prepared.reverseRows { subjects.append(("reverse", rows)) }
        if let claimed {
            let c = try claimed(x)
            if claimShape == .gradient && m != 1 { throw gradientOfSeveralOutputs(m) }
            try requireShape(c, rows: m, cols: n, what: "claimed Jacobian", jacobian: true)
            subjects.append((claimedName, c.map { $0.map { Double($0) } }))
        }
        base.subjects = subjects.map(\.0)
        if subjects.isEmpty, !base.modeFailures.isEmpty, base.modesNotRun.isEmpty {
            // Every mode failed on its own rule: the first rule's error is the report's problem.
            let reverseFailure = prepared.missingVJPs.first { if case .missingRule = $0 { return false }; return true }
            base.problem = forward?.failure ?? reverseFailure ?? .invalidArgument(base.modeFailures[0])
            return base
        }
        if subjects.isEmpty, let first = base.modesNotRun.first {
            // Neither mode could run and nothing was claimed: an error, never a pass of nothing.
            base.problem = first.missing
            return base
        }
        if subjects.isEmpty {
            // Only the options can leave nothing to judge here: every witness then "agreed" with
            // no subject and a wrong rule passed.
            throw ADError.invalidArgument("nothing to check: CheckOptions.checkForward and checkReverse are both off and "
                + "no claimed Jacobian was given; turn a mode on or pass `claimed:`")
        }
        let value = self.value

        var entries: [[EntryCheck]] = []
        for i in 0..<m {
            // Row scale: AD rounding errors are relative to the largest terms of the row.
            var rowScale = 0.0
            for (_, jac) in subjects { for v in jac[i] where v.isFinite { rowScale = Swift.max(rowScale, Swift.abs(v)) } }
            var row: [EntryCheck] = []
            for j in 0..<n {
                if let judged = judgedEntries[i * n + j] {
                    row.append(judged)
                    continue
                }
                let values = subjects.map { ($0.0, $0.1[i][j]) }
                // A derivative below |fᵢ|·ε^{1/3}/max(1, |xⱼ|) is beneath what any difference
                // resolves; it sets the scale for judging an estimate when the row is all zeros.
                let valueScale = Swift.abs(Double(value[i])) / Swift.max(1, Swift.abs(Double(x[j])))
                let entry = checkEntry(i, j, values: values, rowScale: rowScale, valueScale: valueScale,
                                       entryScale: entryRoundingScale(output: i, input: j, values: values, rowScale: rowScale),
                                       kinkOps: kinkMap[i][j], underflowKinks: underflowKinkMap[i][j])
                // A column the concurrent check will compute on child tasks: this entry is
                // judged again once it is (its placeholder is dropped with this judging), and
                // the others are kept. The judging goes on, so that one round computes every
                // column the entries need at this stage of their ladders.
                if entryMissesColumn {
                    entryMissesColumn = false
                } else if defersRungs {
                    judgedEntries[i * n + j] = entry
                }
                row.append(entry)
            }
            entries.append(row)
        }
        // Rows are judged whole only once every entry is: the concurrent check judges again.
        if missingRung != nil { return base }
        // Kink entries were judged one component at a time; with one kink touched the row must
        // also be a single convex combination of the two pieces' gradients.
        for i in entries.indices { entries[i] = judgeGeneralizedGradient(entries[i], output: i) }
        // After the rows' joint judgement, which reads every entry off a kink as agreeing with its
        // witness: run before it, the look left the staircase's entry of relu(x₀ − x₁) + a
        // bisection of x₂ undecided, the joint judgement gave up on the row, and a claimed (1, 0, 0),
        // each kink component within its one-sided derivatives but no convex combination of the
        // pieces' gradients (1, −1) and (0, 0), passed (a review).
        for i in entries.indices {
            for j in entries[i].indices {
                if let stair = staircaseBeyondWitnesses(entries[i][j]) { entries[i][j] = stair }
            }
        }
        if options.boundsDerivativeRounding && subjects.contains(where: { $0.0 == "forward" || $0.0 == "reverse" }) {
            addDerivativeRounding(to: &entries)
        }
        base.entries = entries
        base.rungsUsed = options.ladder.indices.compactMap { k in
            guard let r = rungCache[k] else { return rungColumns[k] == nil ? nil : (options.ladder[k].name, "used") }
            if case .notAvailable(let why) = r { return (options.ladder[k].name, why) }
            return (options.ladder[k].name, "used")
        }

        // Fault localisation: only a wrong AD entry can be blamed on a registry rule. An entry
        // outside the one-sided derivatives at a kink is one too: the rule at fault is elsewhere
        // on its path (the kinked op itself is passed over), and went unnamed.
        let wrongAD = entries.joined().first(where: { e in
            if case .ruleWrong(let s) = e.verdict { return s.contains("forward") || s.contains("reverse") }
            return false
        })
        // As for a wrong entry, only an AD mode outside the one-sided derivatives implicates a
        // rule: a claimed Jacobian alone outside them had the rules on its path judged, AD being right.
        func outsideAtKink(_ e: EntryCheck) -> Set<String> {
            guard case .kink(validSubgradient: false) = e.verdict, let k = e.kink else { return [] }
            return Set(k.withinOneSided.filter { !$0.valid }.map(\.subject)).intersection(["forward", "reverse"])
        }
        let wrongAtKink = entries.joined().first(where: { !outsideAtKink($0).isEmpty })
        // An AD mode non-finite where f is finite implicates a rule as well: a user softplus whose
        // rule is eˣ/(1 + eˣ) gives ∞/∞ past x ≈ 709.78, and the report said only "non-finite
        // (forward, reverse)", naming no primitive (a new user's review). Only a rule whose own
        // difference settles on a finite value is blamed, so a rule infinite where the
        // derivative is (√ at 0) is not.
        let nonFiniteAD = entries.joined().first(where: { e in
            if case .nonFinite(let s) = e.verdict { return s.contains("forward") || s.contains("reverse") }
            return false
        })
        if options.localizeFaults, let bad = wrongAD ?? wrongAtKink ?? nonFiniteAD {
            // The mode found wrong picks a vector primitive's rule to judge (JVP or VJP).
            var modes = outsideAtKink(bad)
            if case .ruleWrong(let wrong) = bad.verdict { modes = Set(wrong).intersection(["forward", "reverse"]) }
            if case .nonFinite(let wrong) = bad.verdict { modes = Set(wrong).intersection(["forward", "reverse"]) }
            base.fault = localizeFault(recording, graph: graph, output: bad.output, input: bad.input, modes: modes)
        }
        // AD exactly zero everywhere while differences see slopes: the function left the AD types.
        let adNames = Set(["forward", "reverse"])
        let adValues = entries.joined().flatMap { $0.subjects.filter { adNames.contains($0.name) }.map(\.value) }
        // "Sees slopes" means a value beyond its own error estimate: at 0 of x < 0 ? x² : x³ the
        // derivative is 0, exact rationals gave −7.8e-11 ± 7.8e-11, and the note accused a right AD.
        func significant(_ v: Double?, _ estimate: Double?) -> Bool {
            guard let v, v != 0, v.isFinite else { return false }
            return Swift.abs(v) > CheckOptions.errorEstimateSafety * (estimate ?? 0)
        }
        base.plateauFindings = entries.joined().compactMap { e in
            // The gap to the nearer neighbour: below a power of two the next value down is half an ulp away.
            let gap = e.input < x.count ? Swift.min(x[e.input].nextUp - x[e.input], x[e.input] - x[e.input].nextDown) : 0
            return (Self.exactPlateauNote(e, inputUlp: Double(gap), scalarType: "\(V.self)", along: options.inputName(e.input))
                ?? Self.witnessStaircaseNote(e, along: options.inputName(e.input)))
                .map { EntryFinding(output: e.output, input: e.input, text: $0) }
        }
        base.adAllZero = !adValues.isEmpty && adValues.allSatisfy { $0 == 0 }
            && entries.joined().contains { e in
                // Not where a difference crosses a kink: a hand-written relu at 0 has slope 0 on the
                // branch taken, and its differences' 0.5 is no sign of a lost variable.
                // Nor where exact differences found f constant near x: AD follows the code that
                // ran, and a solver that returned its start gives 0 without leaving the AD types.
                if case .fdInconclusive(let reasons) = e.verdict, reasons.contains(.crossesKink) || reasons.contains(.flatBelowScale) {
                    return false
                }
                // Only differences of f as the floats compute it: exact rationals see f computed
                // exactly, and where they alone see a slope the floats rounded it away (x·(10¹⁶ + 1 −
                // 10¹⁶) is x·0 in Double), which the rounding note explains; this note blamed
                // comparisons that f does not make.
                let exact = WitnessRung.exactRationals.name
                return (e.witness != exact && significant(e.witnessValue, e.errorEstimate))
                    || e.ladder.contains { $0.witness != exact && $0.outcome != "unreliable" && significant($0.value, $0.errorEstimate) }
            }
        if forwardRuns, let seed = options.directionSeed, n > 0, m > 0 {
            base.directional = directionalCheck(seed: seed, outputs: m)
        }
        base.noiseFindings = noiseNotes
        return base
    }

    /// The slope the first reliable float rung settled on at a step above `exactStep` (nonzero
    /// beyond its estimate), with its error and step; nil when none did. Whether f really moves
    /// with it on both sides is ``isPlateau(output:input:exactStep:slope:step:)``'s to say.
    func settledSlopeBeyond(_ outcomes: [RungOutcome], exactStep: Double) -> (slope: Double, error: Double, step: Double)? {
        guard let o = outcomes.first(where: { $0.settlesOnSlope(above: exactStep) }),
              let v = o.value, let e = o.errorEstimate, let h = o.step else { return nil }
        return (v, e, h)
    }

    /// Whether fᵢ is constant about x along eⱼ and moves beyond with `slope` on both sides: f takes
    /// f(x)'s value exactly at x ± `exactStep`/2 (the exact rung's own finest samples; a band can
    /// end just inside `exactStep` on one side, Jacobi's at 5·10⁻¹⁰ of 9.3·10⁻¹⁰), and its one-sided
    /// slopes at ± `step` agree with `slope` within a tenth (four evaluations of f).
    func isPlateau(output i: Int, input j: Int, exactStep: Double, slope: Double, step: Double) -> Bool {
        guard i < value.count, step > 0, step.isFinite else { return false }
        let f0 = Double(value[i])
        func at(_ t: Double) -> Double? {
            var p = x
            p[j] += V(t)
            Instrumentation.countEvaluation(1)
            let (y, _) = Diagnostics.collect { f(p) }
            return i < y.count ? Double(y[i]) : nil
        }
        guard at(exactStep / 2) == f0, at(-exactStep / 2) == f0, let up = at(step), let down = at(-step) else { return false }
        let (forward, backward) = ((up - f0) / step, (f0 - down) / step)
        return [forward, backward].allSatisfy { $0.isFinite && Swift.abs($0 - slope) <= 0.1 * Swift.abs(slope) }
    }

    /// How many doublings past the widest witness's step ``staircaseBeyondWitnesses(_:)`` takes
    /// at most; it stops sooner at 1/8 of max(1, |xⱼ|), where its first look went.
    static var witnessStaircaseLevels: Int { 40 }

    /// The entry left undecided (``FDWarning/flatBelowScale``) where every witness that judged read
    /// exactly 0 and f is a staircase beyond their steps; nil otherwise, the entry standing as judged.
    ///
    /// Why: a bisection for √x₀ on [0, 4] written with comparisons only (`if mid·mid < x₀`),
    /// stopped at a width of 10⁻³, at x₀ = 2: no tape path leads from x₀, so the AD modes read 0,
    /// and the complex step and every difference (steps up to 1.2·10⁻⁴) read 0 on the flat stretch
    /// of its output, about 3·10⁻³ wide. A claimed 0 passed and the hand derivative 1/(2√2)
    /// was convicted. Both are derivatives of f, at different scales: the computed f's is 0 almost
    /// everywhere, that of the √ it approximates is 0.354. Neither is shown wrong.
    ///
    /// The look, as the black-box check's (``BlackBoxChecker/staircaseBeyondFlat(_:_:)``), but from
    /// the witnesses' widest step rather than its step scan's: f must move on both sides at
    /// 1/8 of max(1, |xⱼ|), Richardson's first step (the right side first, so an input f ignores
    /// costs one evaluation, once per column); then, doubling from twice the widest witness step,
    /// at the first step H at which both sides moved, the secants
    /// have one sign and lie within 8× of each other (a staircase of slope c gives each within
    /// [c/2, 3c]), no side moved twice before the other moved at all (relu at −5, a clamp past
    /// its bound: a plateau's edge, not a tread's), and f at ±H equals f at ±(H − H/1024) to the
    /// last bit (a tread beyond each edge; a dead zone, sign(x)·max(|x| − 0.2, 0) at 0, leaves its
    /// flat piece continuously, and its right 0 stands). Only where every subject is one of the
    /// two readings, 0 or a slope of the secants' sign within 4× of each: a claim wrong at every
    /// scale (7 for 0.354, or −0.354) is judged as before, on the witnesses' 0.
    mutating func staircaseBeyondWitnesses(_ e: EntryCheck) -> EntryCheck? {
        switch e.verdict {
        case .agree, .ruleWrong: break
        default: return nil
        }
        // Witnesses that judged read 0; one found unreliable may have straddled a tread's edge
        // (Float's central at a step of 0.016 read 0.34 for the bisection at tol 10⁻³, whose
        // treads are 2.8·10⁻³ wide), which the look below sees for itself.
        let read = e.ladder.filter { $0.outcome != "not-available" && $0.value == 0 }
        guard !read.isEmpty, e.witnessValue == 0,
              e.ladder.allSatisfy({ $0.value == 0 || $0.value == nil || $0.outcome == "unreliable" }) else { return nil }
        let (i, j) = (e.output, e.input)
        guard i < value.count, j < x.count else { return nil }
        let f0 = Double(value[i])
        let scale = Swift.max(1, Swift.abs(Double(x[j])))
        var spent = 0
        func at(_ t: Double) -> Double? {
            let y: [V]
            if let known = staircaseSamples[j]?[t.bitPattern] {
                y = known
            } else {
                var p = x
                p[j] += V(t)
                Instrumentation.countEvaluation(1)
                spent += 1
                y = Diagnostics.collect { f(p) }.0
                staircaseSamples[j, default: [:]][t.bitPattern] = y
            }
            guard i < y.count, y[i].isFinite else { return nil }
            return Double(y[i])
        }
        // No further than the differences' own first step (Richardson's, 1/8 of max(1, |xⱼ|)): f is
        // the user's, and at 16·max(1, |xⱼ|), where this look first went, x₀ = 2 became −30, a
        // table lookup ran off its table, a precondition on f's range trapped (a review). A tread
        // wider than that is not looked for, as the black box's look does not look past its scan:
        // the bisection stopped at 0.3 (treads ≈ 0.7 wide at x₀ = 2) is judged on its 0 as before.
        // So is a floor at 2.5 claimed 1, whose treads are 1 wide (a review: the look from 16 left
        // it, and a claim of 0.3, 3 or 7.3, undecided where it was rule-wrong).
        let far = DifferenceTuning.richardsonInitialStep * scale
        guard let r = at(far), r != f0, let l = at(-far), l != f0 else { return nil }
        let widest = read.compactMap(\.step).filter { $0.isFinite && $0 > 0 }.max() ?? 0
        guard widest > 0 else { return nil }
        var h = widest
        var earlier: (right: Double, left: Double)? = nil
        var found: (right: Double, left: Double, step: Double)? = nil
        for _ in 0..<Self.witnessStaircaseLevels {
            h *= 2
            guard h < far, let up = at(h), let down = at(-h) else { break }
            let change = (right: up - f0, left: f0 - down)
            if change.right != 0, change.left != 0 {
                found = (change.right / h, change.left / h, h)
                break
            }
            if let e = earlier {
                func movedAgain(_ now: Double, _ before: Double) -> Bool {
                    before != 0 && Swift.abs(now - before) > 1e-9 * Swift.abs(now)
                }
                if movedAgain(change.right, e.right) || movedAgain(change.left, e.left) { return nil }
            }
            earlier = change
        }
        guard let (right, left, step) = found, right * left > 0,
              Swift.max(Swift.abs(right), Swift.abs(left)) <= 8 * Swift.min(Swift.abs(right), Swift.abs(left)) else { return nil }
        for t in [step, -step] {
            guard let outer = at(t), let inner = at(t - t / 1024), outer == inner else { return nil }
        }
        let slope = (right + left) / 2
        let readings = e.subjects.allSatisfy { s in
            s.value == 0 || (s.value * slope > 0 && [right, left].allSatisfy {
                Swift.abs($0) >= Swift.abs(s.value) / 4 && Swift.abs($0) <= 4 * Swift.abs(s.value)
            })
        }
        guard readings else { return nil }
        let look = RungOutcome(witness: Self.staircaseLookName, value: slope, errorEstimate: nil, step: step,
                               outcome: "unreliable", warnings: [.flatBelowScale], evaluations: spent)
        var out = EntryCheck(output: i, input: j, subjects: e.subjects, verdict: .fdInconclusive(reasons: [.flatBelowScale]),
                             witness: nil, witnessValue: nil, errorEstimate: nil, step: nil, absoluteError: nil,
                             relativeError: nil, tolerance: nil, kink: e.kink, ladder: e.ladder + [look])
        out.seededPasses = e.seededPasses
        return out
    }

    /// The ladder's name for the look of ``staircaseBeyondWitnesses(_:)``.
    static var staircaseLookName: String { "staircase-beyond-witnesses" }

    /// The note for ``CheckReport/plateaus`` on an entry left undecided by
    /// ``staircaseBeyondWitnesses(_:)``; nil for any other entry.
    static func witnessStaircaseNote(_ e: EntryCheck, along input: String) -> FindingText? {
        guard case .fdInconclusive(let reasons) = e.verdict, reasons.contains(.flatBelowScale),
              let look = e.ladder.last(where: { $0.witness == staircaseLookName }),
              let slope = look.value, let step = look.step else { return nil }
        let inside = e.ladder.filter { $0.witness != staircaseLookName }.compactMap(\.step).max() ?? 0
        let why = "f is a staircase there (a bisection, a quantiser, a loop stopped by a comparison): its derivative "
            + "as computed is 0, that of what it approximates is about the slope beyond. A check cannot tell which is "
            + "meant, so a claimed 0 and a claim of that slope are both left undecided (flat-below-scale). To check the "
            + "approximated derivative, tighten the tolerance until f moves within the witnesses' steps, or check the "
            + "formula f approximates"
        return FindingText(
            alone: "every witness read exactly 0 (steps up to \(fmt(twoFigures(inside)))) along \(input), while f has stepped on both "
                + "sides at ±\(fmt(twoFigures(step))), with a secant slope of about \(fmt(twoFigures(slope))). " + why,
            clause: "along \(input) 0 at steps up to \(fmt(twoFigures(inside))), a secant slope of about \(fmt(twoFigures(slope))) at ±\(fmt(twoFigures(step)))",
            head: "every witness read exactly 0 along each entry's line, while f steps beyond their steps on both sides "
                + "with one slope",
            tail: why)
    }

    /// The note for ``CheckReport/plateaus`` on an entry the exact rung found constant below a
    /// float rung's settled slope (``FDWarning/flatBelowScale``); nil for any other entry.
    static func exactPlateauNote(_ e: EntryCheck, inputUlp: Double, scalarType: String, along input: String) -> FindingText? {
        guard case .fdInconclusive(let reasons) = e.verdict, reasons.contains(.flatBelowScale),
              let exact = e.ladder.last(where: { $0.warnings.contains(.flatBelowScale) }), let inside = exact.step,
              let beyond = e.ladder.first(where: { $0.settlesOnSlope(above: inside) }),
              let slope = beyond.value, let step = beyond.step else { return nil }
        // Exact differences evaluate f in rationals, so their step may be finer than the checked
        // type can move xⱼ: Newton at its root in Float showed a band of ±1.9·10⁻⁹ around a = 2,
        // whose ulp is 2.4·10⁻⁷, as if a Float input could land in it.
        let subUlp = inside < inputUlp
            ? " (±\(fmt(inside)) is below the spacing of \(scalarType)s at \(input), \(fmt(inputUlp)): the flat part shown "
              + "holds no \(scalarType) input but x itself, and only evaluation in exact arithmetic reaches it)"
            : ""
        // The advice to take one step was unqualified: for x ← b/(a + x) tested before each step
        // and started at its fixed point, one step returns b/(a + 1), slope 1/2 along b where the
        // solution's is 1/3, and there the check passed a gradient that forgot the implicit term.
        let advice = "Forward and reverse mode follow the code that ran and "
            + "give the band's 0; a claim of the slope beyond is not shown wrong either. Check at a point where the solver "
            + "iterates, or tighten its tolerance. Making it take at least one step helps only where that step moves with "
            + "the solution at its slope: a Newton step from the root does, a fixed-point step x ← g(x, p) does not "
            + "(its slope is ∂g/∂p, the solution's (1 − ∂g/∂x)⁻¹·∂g/∂p)"
        let solver = "as a solver is that returns its start where the residual there is already below its tolerance (Newton started at its root)"
        return FindingText(
            alone: "exact differences at the step \(fmt(inside)) found f constant (0 to the last digit), "
                + "while \(beyond.witness) at the step \(fmt(step)) shows a slope of \(fmt(slope)): f is constant near x, out to at least "
                + "±\(fmt(inside))\(subUlp) and less than ±\(fmt(step)), and moves beyond, \(solver). " + advice,
            clause: "along \(input) constant at the step \(fmt(inside))\(subUlp), while \(beyond.witness) at the step \(fmt(step)) "
                + "shows a slope of \(fmt(slope))",
            head: "exact differences found f constant (0 to the last digit) along each entry's line, while a float rung at a larger "
                + "step shows a slope",
            tail: "f is constant near x along each line, out to at least the exact step and less than the float rung's, and moves "
                + "beyond, \(solver). " + advice)
    }

    /// Entry (i, j) of rung k: a real-difference rung computes column j alone (see
    /// ``rungColumns``), unless the concurrent check computes or has computed the whole rung;
    /// nil where the rung is not available.
    mutating func rungEntry(_ k: Int, output i: Int, input j: Int) -> DifferenceEstimate? {
        if rungCache[k] == nil, precomputedRungs[k] == nil,
           case .differences(let method) = options.ladder[k], method != .complexStep {
            if defersRungs, j >= 0, j < x.count, rungColumns[k]?[j] == nil {
                missingRung = missingRung ?? k
                missingColumns[k, default: []].insert(j)
                entryMissesColumn = true
                return nil
            }
            guard let column = differenceRungColumn(k, method: method, input: j), i < column.count else { return nil }
            return column[i]
        }
        guard case .available(let jac) = rung(k), i < jac.count, j < jac[i].count else { return nil }
        return jac[i][j]
    }

    /// Column j of real-difference rung k as the whole rung would give it: the same step option,
    /// rounding floor and center f(x), checked and evaluated once per rung as there.
    mutating func differenceRungColumn(_ k: Int, method: DifferenceMethod, input j: Int) -> [DifferenceEstimate]? {
        if let column = rungColumns[k]?[j] { return column }
        guard j >= 0, j < x.count, let center = rungCenter(k) else { return nil }
        let f = self.f, x = self.x, step = options.step, floor = evaluationRounding
        let (column, _) = Diagnostics.collect {
            differenceColumn(evaluating: { f($0) }, at: x, center: center, axis: j, method: method, step: step,
                             evaluationError: floor, tapeFacts: nil, measuringNoise: false)
        }
        rungColumns[k, default: [:]][j] = column.estimates
        return column.estimates
    }

    /// f(x) for real-difference rung k, evaluated and counted once per rung after the step and
    /// rounding floor are validated, as the whole rung's driver does; nil (and the rung not
    /// available) where they are not valid.
    mutating func rungCenter(_ k: Int) -> [V]? {
        if let center = rungCenters[k] { return center }
        if rungCache[k] != nil { return nil }
        let f = self.f, x = self.x, step = options.step, floor = evaluationRounding
        let (center, _) = Diagnostics.collect { () -> [V]? in
            guard (try? validate(step)) != nil else { return nil }
            Instrumentation.countEvaluation()
            let value = f(x)
            return (try? validate(evaluationError: floor, outputs: value.count)) == nil ? nil : value
        }
        guard let center else {
            rungCache[k] = .notAvailable("evaluation failed")
            return nil
        }
        rungCenters[k] = center
        return center
    }

    mutating func rung(_ k: Int) -> RungResult {
        if let r = rungCache[k] { return r }
        if let r = precomputedRungs.removeValue(forKey: k) {
            // Computed ahead by the concurrent check; used (and listed) only once reached.
            rungCache[k] = r
            return r
        }
        let result: RungResult
        switch options.ladder[k] {
        case .differences(let method):
            let floor = method == .complexStep ? nil : evaluationRounding
            let (d, diag) = Diagnostics.collect {
                // Without the noise audit: the check judges f's rounding on its own recording's
                // scales. Those scales are also each sample's rounding in the estimate (see
                // ``evaluationRounding``), not a few ulps of f alone.
                try? differenceJacobianOfSpecialised(f, at: x, method: method, step: method == .complexStep ? .automatic : options.step,
                                                     evaluationError: floor, readingTape: false)
            }
            if let d {
                var entries = d.entries
                // The complex step is independent of AD only if the function stays analytic in
                // the complex scalar: a Double conversion drops the perturbation exactly where AD
                // drops its tangent, so both would agree on the same wrong number.
                if method == .complexStep && (diag.escapes > 0 || adEscapes > 0) {
                    entries = entries.map { $0.map { e in
                        var e = e
                        if !e.warnings.contains(.notIndependent) { e.warnings.append(.notIndependent) }
                        return e
                    } }
                }
                result = .available(entries)
            } else {
                result = .notAvailable("evaluation failed")
            }
        case .exactRationals:
            // The last rung before a rule is called wrong: differences computed in exact
            // arithmetic (no rounding, Richardson-extrapolated truncation) from primal evaluations
            // only. Not exact forward/reverse mode: those apply the same registry rules as the
            // modes under test and would agree with a wrong rule.
            let xd = x.map { Double($0) }
            if let name = exactAvailability(of: f, at: xd).offendingName {
                result = .notAvailable("uses \(name), which is not closed over the rationals")
            } else {
                do {
                    // A Float function's constants are Floats (see Rational.constantsAreFloats).
                    // Refined to an ulp of each entry: at the default step, 2⁻³⁰ of x, a pole 10⁻⁷
                    // away leaves a truncation of 3·10⁻⁸ of f′, too coarse to decide between the
                    // modes and float differences that read another slope. x/(x·x − 4) at
                    // 2.0000001: adaptive settled on the slope of fl(x·x)'s sawtooth,
                    // −49999997720640 ± 9·10⁵, 2.5·10⁶ from the modes' −50000000221167 (f′ is
                    // −50000000163658), and this rung's −50000000069608 ± 1.4·10⁶ agreed only
                    // loosely, so the marginal agreement ended the entry fd-inconclusive.
                    let d = try Rational.$constantsAreFloats.withValue(V.self == Float.self) {
                        try exactDifferenceJacobian(of: f, at: xd.map { Rational($0) }, refiningTo: Rational(Double(V.ulpOfOne)))
                    }
                    result = .available(d.jacobian.indices.map { i in
                        d.jacobian[i].indices.map { j in
                            // Its samples reach x ± h: a kink that close is crossed as by any difference
                            // (without the reach, |x + y| at x = 5e-324 made this rung call a right 1 wrong).
                            var w = DifferenceEstimate(value: d.jacobian[i][j].doubleValue, errorEstimate: d.errorEstimate[i][j].doubleValue,
                                                       step: d.steps[j].doubleValue, reach: d.steps[j].doubleValue)
                            // Not smooth on the step's scale (a kink in the user's own code, a pole
                            // within the step): the extrapolation's premise fails, its estimate too.
                            if i < d.notSmooth.count, j < d.notSmooth[i].count, d.notSmooth[i][j] { w.warnings.append(.noConvergence) }
                            return w
                        }
                    })
                } catch {
                    // Say why (a 100-step loop's rationals pass the work limit): "failed" alone
                    // left a user guessing whether f or the check was at fault.
                    result = .notAvailable("exact evaluation failed: \(error)")
                }
            }
        case .custom(_, let err, let jac):
            do {
                let j = try jac(x.map { Double($0) })
                result = .available(j.map { $0.map { DifferenceEstimate(value: $0, errorEstimate: err, step: 0) } })
            } catch {
                result = .notAvailable("custom witness threw: \(error)")
            }
        }
        rungCache[k] = result
        return result
    }

    /// Takes over what a judging left incomplete at its ``missingColumns`` found, which the
    /// serial check has found too by the time it needs those columns: the rungs reached (a custom
    /// witness is the user's code, the exact rung can cost seconds; neither is computed twice),
    /// the entries judged, the graph sweeps and every evaluation kept for later entries, so
    /// that no evaluation is made twice (the counts are the serial check's).
    mutating func resume(after attempt: Checker) {
        rungCache = attempt.rungCache
        rungColumns = attempt.rungColumns
        rungCenters = attempt.rungCenters
        judgedEntries = attempt.judgedEntries
        doubleComplexStep = attempt.doubleComplexStep
        pathLengthCache = attempt.pathLengthCache
        summationTermsCache = attempt.summationTermsCache
        adjointMagnitudeCache = attempt.adjointMagnitudeCache
        periodicNodeCache = attempt.periodicNodeCache
        seededReverseCache = attempt.seededReverseCache
        seededReverseSeeds = attempt.seededReverseSeeds
        seededForwardCache = attempt.seededForwardCache
        forwardNoiseCache = attempt.forwardNoiseCache
        complexStepNoiseCache = attempt.complexStepNoiseCache
        complexStepMovedCache = attempt.complexStepMovedCache
        signedTangentCache = attempt.signedTangentCache
        tangentCache = attempt.tangentCache
        pathMagnitudeCache = attempt.pathMagnitudeCache
        forwardColumnRoundingCache = attempt.forwardColumnRoundingCache
        opaqueNoise = attempt.opaqueNoise
        opaqueNoiseEvaluations = attempt.opaqueNoiseEvaluations
        noiseNotes = attempt.noiseNotes
        measuredNoiseCache = attempt.measuredNoiseCache
        aroundCache = attempt.aroundCache
        staircaseSamples = attempt.staircaseSamples
    }

    /// ``opaqueNoise`` of output i, measured on first use; 0 without user primitives.
    mutating func opaqueRounding(output i: Int) -> Double {
        guard let graph, !graph.vectorCalls.isEmpty || !graph.doublePrimitives.isEmpty else { return 0 }
        if opaqueNoise == nil {
            var floors: [Int: Double] = [:]
            // A scalar primitive's primal is as opaque as a vector one's: ∛x bisected to 10⁻¹⁰
            // (treads 10⁻¹⁰ wide, far above its ulps) had central settle 5.5·10⁻⁷ off the right
            // 0.3115560 with an estimate of 5·10⁻¹¹, and its right rule was convicted at 4 of 6
            // points. Measured at each node's arguments (scalarPrimitiveNoise, 49 evaluations of
            // the primitive alone), for the first 64 nodes: a loop of 10⁴ calls is not measured
            // 10⁴ times, and beyond them the model's rounding is assumed, as before.
            let distances = Dictionary(graph.kinkCandidates.map { ($0.node, $0.distance) }, uniquingKeysWith: Swift.min)
            for (k, p) in graph.doublePrimitives.sorted(by: { $0.key < $1.key }).prefix(64)
            where k < graph.values.count && graph.args[k].allSatisfy({ $0 < graph.values.count }) {
                let arguments = graph.args[k].map { graph.values[$0] }
                guard !arguments.isEmpty else { continue }
                let measured = scalarPrimitiveNoise(p.primal, at: arguments, kinkDistance: distances[k])
                opaqueNoiseEvaluations += measured.evaluations
                let floor = RuleCheck.noiseFloor(measured: measured.sigma[0], value: graph.values[k])
                if floor > 0, let sigma = measured.sigma[0] {
                    floors[k] = floor
                    let ulps = sigma / (Double(V.ulpOfOne) * Swift.max(Swift.abs(graph.values[k]), .leastNormalMagnitude))
                    noiseNotes.append("user primitive \(graph.names[k]) (node \(k)) rounds far above its output's ulps: noise "
                        + "measured at its inputs, σ = \(fmt(sigma)) (\(fmt(ulps)) ulps of |\(fmt(graph.values[k]))|); "
                        + "differences assume \(fmt(MeasuredNoise.bound))σ per evaluation")
                }
            }
            for (k, call) in graph.vectorCalls where k == call.outputs.lowerBound {
                let measured = vectorPrimitiveNoise(call.primitive, at: call.inputValues, outputs: call.outputs.count)
                opaqueNoiseEvaluations += measured.evaluations
                var noisy: [String] = []
                for (o, node) in call.outputs.enumerated() where o < measured.sigma.count && node < graph.values.count {
                    let floor = RuleCheck.noiseFloor(measured: measured.sigma[o], value: graph.values[node])
                    if floor > 0, let sigma = measured.sigma[o] {
                        floors[node] = floor
                        let ulps = sigma / (Double(V.ulpOfOne) * Swift.max(Swift.abs(graph.values[node]), .leastNormalMagnitude))
                        noisy.append("output \(o): σ = \(fmt(sigma)) (\(fmt(ulps)) ulps of |\(fmt(graph.values[node]))|)")
                    }
                }
                if !noisy.isEmpty {
                    noiseNotes.append("user primitive \(call.primitive.name) (node \(k)) rounds far above its outputs' ulps: "
                        + "noise measured at its inputs, \(noisy.joined(separator: ", ")); differences assume \(fmt(MeasuredNoise.bound))σ per evaluation")
                }
            }
            opaqueNoise = graph.outputNodes.indices.map { r in
                guard !floors.isEmpty, let o = graph.outputNodes[r] else { return 0 }
                if adjointMagnitudeCache[r] == nil { adjointMagnitudeCache[r] = graph.paths.adjointMagnitudes(output: o) }
                let adjoint = adjointMagnitudeCache[r] ?? []
                var sum = 0.0
                // An unknown (infinite) sensitivity is left out, as in ``Recording/roundingScales()``.
                for (node, floor) in floors where node < adjoint.count {
                    let term = adjoint[node] * floor
                    if term.isFinite { sum += term }
                }
                return sum
            }
        }
        guard let noise = opaqueNoise, i < noise.count else { return 0 }
        return noise[i]
    }

    /// Richardson along eⱼ told every output's rounding bound, the tape's (ε·``roundingScale``)
    /// and the opaque primals' measured noise (``opaqueNoise``), so its steps stay where that
    /// noise is small beside the truncation and its estimate includes it. Taken only for an entry
    /// whose disagreement the measured noise explained.
    mutating func measuredNoiseEstimate(input j: Int) -> [DifferenceEstimate] {
        if let cached = measuredNoiseCache[j] { return cached }
        let f = self.f
        var probe = LineProbe<V>(eval: { f($0) }, x: x, axis: j, center: value)
        probe.noiseFloor = measuredNoiseFloor()
        let estimates = probe.richardsonScanned(outputs: value.count)
        measuredNoiseCache[j] = estimates
        return estimates
    }

    /// Per output, the rounding bound of one evaluation of f with the opaque primals' measured
    /// noise: ε·``roundingScale`` plus ``opaqueNoise``.
    mutating func measuredNoiseFloor() -> [Double] {
        (0..<value.count).map { i in
            let tape = i < roundingScale.count && roundingScale[i].isFinite ? eps * roundingScale[i] : 0
            return tape + opaqueRounding(output: i)
        }
    }

    func nominalAccuracy(_ rung: WitnessRung) -> Double {
        switch rung {
        case .differences(let m): return m.nominalRelativeAccuracy(epsilon: eps)
        case .exactRationals, .custom: return 0
        }
    }

    /// The magnitude the subjects' rounding in entry (i, j) is relative to: the row's largest
    /// entry, or, for an entry far below it, 4 × the larger of its own values and the sum of the
    /// path magnitudes from input j to output i (``TapeGraph/tangents(input:magnitudes:)``), which
    /// bounds what forward or reverse accumulation of that entry can lose. Never above the row
    /// scale. With the row's scale alone, ∂(x₀x₁²)/∂x₀ = 10⁻¹⁶ at (10⁸, 10⁻⁸) was judged within
    /// 64ε·2 (the other entry is 2): a claim 50% off passed (a user trial).
    mutating func entryRoundingScale(output i: Int, input j: Int, values: [(String, Double)], rowScale: Double) -> Double {
        let own = values.map { Swift.abs($0.1) }.filter(\.isFinite).max() ?? 0
        guard let graph, mayUseOwnScale(own: own, rowScale: rowScale, output: i) else { return rowScale }
        guard graph.outputNodes[i] != nil else { return Swift.min(rowScale, CheckOptions.errorEstimateSafety * own) }
        let path = pathMagnitude(output: i, input: j)
        guard path.isFinite else { return rowScale }
        return Swift.min(rowScale, CheckOptions.errorEstimateSafety * Swift.max(path, own))
    }

    /// Whether an entry whose subjects' largest magnitude is `own` can be judged on a scale below
    /// its row's: only one under a quarter of the row scale can, so the others skip the sweep.
    func mayUseOwnScale(own: Double, rowScale: Double, output i: Int) -> Bool {
        guard let graph else { return false }
        return own < 0.25 * rowScale && i < graph.outputNodes.count
    }

    /// The inputs whose path magnitudes ``entryRoundingScale(output:input:values:rowScale:)`` will
    /// sweep for, judged from the subjects (`subjects[s][i][j]`) and not cached yet: the
    /// concurrent check computes them on child tasks before the serial judging. A subject left
    /// out (a forward pass that failed) can change the set; what is missed is computed when
    /// asked for, so the report is the serial one either way.
    func inputsNeedingPathMagnitudes(subjects: [[[Double]]]) -> [Int] {
        guard let graph else { return [] }
        let n = x.count
        var needed = [Bool](repeating: false, count: n)
        for i in graph.outputNodes.indices where graph.outputNodes[i] != nil {
            let rows = subjects.compactMap { i < $0.count ? $0[i] : nil }
            let rowScale = rows.joined().filter(\.isFinite).map { Swift.abs($0) }.max() ?? 0
            for j in 0..<n where !needed[j] {
                let own = rows.compactMap { j < $0.count ? Swift.abs($0[j]) : nil }.filter(\.isFinite).max() ?? 0
                needed[j] = mayUseOwnScale(own: own, rowScale: rowScale, output: i)
            }
        }
        return (0..<n).filter { needed[$0] && pathMagnitudeCache[$0] == nil }
    }

    /// Σ over tape paths from input j to output i of the product of |local partials| (0 when
    /// output i is not recorded, infinite when unknown): what AD's rounding of entry (i, j) is
    /// relative to.
    mutating func pathMagnitude(output i: Int, input j: Int) -> Double {
        guard let graph else { return .infinity }
        guard i < graph.outputNodes.count, let node = graph.outputNodes[i] else { return 0 }
        if pathMagnitudeCache[j] == nil { pathMagnitudeCache[j] = graph.tangents(input: j, magnitudes: true) }
        return pathMagnitudeCache[j]?[node] ?? .infinity
    }

    /// How far forward or reverse mode's accumulation along the tape may put entry (i, j) from the
    /// derivative of the computed formula: ε·max(``CheckOptions/adAccuracyULPs`` × the path
    /// magnitude, ``CheckOptions/accumulationULPsPerOp`` × (the length-weighted path magnitude +
    /// ``reverseSummationWeight(output:input:)``)), infinite where a path is unknown. 64 ulps
    /// alone did not grow with depth: ∏ (1 + x/10⁶) over 10,000 factors at x = 1 has reverse mode
    /// 3,400 ulps from f′ (mpmath), and its right rule was convicted against the complex step,
    /// which follows forward mode's rounding. Nor did the length alone grow with fan-in (a review).
    /// `leastULPs` is the floor in ulps of the path magnitude (0: the per-op model alone, what a
    /// claim's marginal gap is measured against in `checkEntry`).
    mutating func accumulationBound(output i: Int, input j: Int, leastULPs: Double = CheckOptions.adAccuracyULPs) -> Double {
        let path = pathMagnitude(output: i, input: j)
        guard path.isFinite else { return .infinity }
        guard let graph, i < graph.outputNodes.count, let node = graph.outputNodes[i] else { return 0 }
        if pathLengthCache[j] == nil { pathLengthCache[j] = graph.paths.lengthWeightedMagnitudes(input: j) }
        let weighted = pathLengthCache[j].map { node < $0.count ? $0[node] : .infinity } ?? .infinity
        let summation = reverseSummationWeight(output: i, input: j)
        guard weighted.isFinite, summation.isFinite else { return .infinity }
        return eps * Swift.max(leastULPs * path, CheckOptions.accumulationULPsPerOp * (weighted + summation))
    }

    /// Σₐ (Fₐ − 1)·(paths from input j to node a)·(paths from a to output i), Fₐ the number of terms
    /// reverse mode's sweep adds into a's adjoint one after another (a's uses on the way to
    /// output i): each sum of F terms rounds up to F − 1 times, relative to the sum of their
    /// magnitudes, which no path's length counts (an input read by 8,192 products is a path of
    /// two ops). Σₖ<₈₁₉₂ 0.1·x, summed pairwise, at x = 1: reverse mode's adjoint of x adds 0.1
    /// 8,192 times and came to 819.2000000001177, 1,035 ulps from 8192·fl(0.1) = 819.2 exactly,
    /// and its right rule was convicted against exact rationals, beside forward mode's 819.2 from
    /// the tape's own pairwise sums. 0 where nothing fans out.
    mutating func reverseSummationWeight(output i: Int, input j: Int) -> Double {
        guard let graph, i < graph.outputNodes.count, let o = graph.outputNodes[i] else { return 0 }
        if pathMagnitudeCache[j] == nil { pathMagnitudeCache[j] = graph.tangents(input: j, magnitudes: true) }
        if adjointMagnitudeCache[i] == nil { adjointMagnitudeCache[i] = graph.paths.adjointMagnitudes(output: o) }
        guard let forward = pathMagnitudeCache[j], let adjoint = adjointMagnitudeCache[i] else { return .infinity }
        if summationTermsCache[i] == nil {
            // A use counts where the node using it reaches output i (its cotangent can be nonzero);
            // an argument used twice by one node (x·x) adds two terms.
            var terms = [Int](repeating: 0, count: graph.args.count)
            for k in 0..<Swift.min(o + 1, graph.args.count, adjoint.count) where adjoint[k] != 0 {
                for a in graph.args[k] where a >= 0 && a < k { terms[a] += 1 }
            }
            summationTermsCache[i] = terms.indices.compactMap { a in
                terms[a] > 1 && a < adjoint.count && adjoint[a] != 0 ? (a, Double(terms[a] - 1), adjoint[a]) : nil
            }
        }
        guard let summed = summationTermsCache[i] else { return .infinity }
        var sum = 0.0
        for t in summed where t.node < forward.count && forward[t.node] != 0 {
            sum += t.extraTerms * forward[t.node] * t.adjoint
        }
        return sum.isNaN ? .infinity : sum
    }

    /// How far a subject's own accumulation may put entry (i, j) from the exact derivative of the
    /// computed formula, beyond a witness's tolerance: ``CheckOptions/errorEstimateSafety`` ×
    /// ``accumulationBound(output:input:)``, and for forward mode no more than ``forwardColumnRounding(output:input:)``,
    /// which nets copies of one value that cancel exactly. The path bound counts exp(30x) −
    /// exp(30x) at 6e14 and excused a sign-flipped sin rule beside it (a review); reverse mode
    /// keeps it, since its adjoint of x adds the two copies' ±30e³⁰ to what came before them and
    /// can lose that to rounding (it does: 0.4375 for 1 − cos 1 there). Infinite where the path
    /// is unknown.
    mutating func accumulationAllowance(subject name: String, output i: Int, input j: Int) -> Double {
        let path = CheckOptions.errorEstimateSafety * accumulationBound(output: i, input: j)
        return name == "forward" ? Swift.min(path, forwardColumnRounding(output: i, input: j)) : path
    }

    /// ``CheckOptions/forwardRoundingSafety`` × forward mode's first-order rounding bound of entry
    /// (i, j) (``forwardRoundingBound(direction:outputs:)`` along eⱼ, one tape of duals per
    /// column, made only for an entry that needs it); infinite where that cannot be made.
    mutating func forwardColumnRounding(output i: Int, input j: Int) -> Double {
        if forwardColumnRoundingCache[j] == nil {
            var e = [V](repeating: 0, count: x.count)
            e[j] = 1
            forwardColumnRoundingCache[j] = forwardRoundingBound(direction: e, outputs: value.count)
        }
        guard let own = forwardColumnRoundingCache[j], i < own.count, own[i].isFinite else { return .infinity }
        return CheckOptions.forwardRoundingSafety * own[i]
    }

    /// A bound on what the periodic ops (sin, cos, tan) whose argument moves by more than a
    /// radian over `step` along input j contribute to entry (i, j): Σ |∂arg/∂xⱼ|·|op′|·|∂fᵢ/∂op|
    /// by path magnitudes. Differences at that step see such a term averaged over its periods
    /// (or aliased), not its slope; 0 without a tape or such an op.
    mutating func aliasedContribution(output i: Int, input j: Int, step h: Double) -> Double {
        guard let graph, h > 0, i < graph.outputNodes.count, let o = graph.outputNodes[i] else { return 0 }
        if periodicNodeCache == nil {
            periodicNodeCache = graph.ops.indices.filter { k in
                (graph.ops[k] == .sin || graph.ops[k] == .cos || graph.ops[k] == .tan) && !graph.args[k].isEmpty
            }
        }
        let periodic = (periodicNodeCache ?? []).prefix { $0 <= o }
        if periodic.isEmpty { return 0 }
        if pathMagnitudeCache[j] == nil { pathMagnitudeCache[j] = graph.tangents(input: j, magnitudes: true) }
        if adjointMagnitudeCache[i] == nil { adjointMagnitudeCache[i] = graph.paths.adjointMagnitudes(output: o) }
        guard let forward = pathMagnitudeCache[j], let adjoint = adjointMagnitudeCache[i] else { return 0 }
        var total = 0.0
        for k in periodic {
            let arg = graph.args[k][0]
            guard arg < forward.count, forward[arg] * h > 1, adjoint[k] != 0 else { continue }
            let slope = graph.partials[k]?.first.map { Swift.abs($0) } ?? .infinity
            let term = forward[arg] * slope * adjoint[k]
            total += term.isNaN ? .infinity : term
        }
        return total
    }

    mutating func checkEntry(_ i: Int, _ j: Int, values: [(String, Double)], rowScale: Double, valueScale: Double,
                             entryScale: Double, kinkOps: [String], underflowKinks: [UnderflowKink] = []) -> EntryCheck {
        let adRel = CheckOptions.adAccuracyULPs * eps
        // Below the normal range a value's rounding is absolute (half the least subnormal), not
        // relative: exp at −745 is 5e-324 in every mode, and a tolerance of 0 called it wrong.
        let subnormal = CheckOptions.adAccuracyULPs * Double(V.leastNonzeroMagnitude)
        let floor = adRel * rowScale + subnormal
        // What the tolerance allows for the subjects' own rounding: the entry's scale, not the row's.
        let roundingFloor = adRel * entryScale + subnormal
        // The agreements that needed the modes' accumulation allowance, by the tolerance `judge`
        // returned for them (see ``EntryCheck/accumulationAllowance``).
        var allowanceUses: [Double: AccumulationAllowance] = [:]
        func make(_ verdict: Verdict, _ decided: (String, DifferenceEstimate, Double)?, ladder: [RungOutcome],
                  kink: KinkAnalysis? = nil) -> EntryCheck {
            var absErr: Double? = nil, relErr: Double? = nil
            if let (_, w, _) = decided {
                absErr = values.map { Swift.abs($0.1 - w.value) }.max()
                relErr = absErr.map { w.value == 0 ? ($0 == 0 ? 0 : .infinity) : $0 / Swift.abs(w.value) }
            }
            var e = EntryCheck(output: i, input: j, subjects: values.map { (name: $0.0, value: $0.1) }, verdict: verdict,
                               witness: decided?.0, witnessValue: decided?.1.value, errorEstimate: decided?.1.errorEstimate,
                               step: decided?.1.step, absoluteError: absErr, relativeError: relErr,
                               tolerance: decided?.2, kink: kink, ladder: ladder)
            if verdict == .agree, let tol = decided?.2 { e.accumulationAllowance = allowanceUses[tol] }
            return e
        }

        let nonFinite = values.filter { !$0.1.isFinite }.map(\.0)
        if !kinkOps.isEmpty {
            let analysis = kinkAnalysis(i, j, values: values, ops: kinkOps)
            // A non-finite derivative whose one-sided derivatives are not finite either (√ at 0)
            // is a singularity, not a kink they could bracket; √(x²) at 0 keeps its kink (±1).
            if !nonFinite.isEmpty && !(analysis.left.isFinite && analysis.right.isFinite) {
                return make(.nonFinite(subjects: nonFinite), nil, ladder: [], kink: analysis)
            }
            // A kink reached only by an underflow to 0 is no kink at the point given, and which
            // side the op is on there Double cannot tell: relu(x⁴) at 10⁻¹⁰⁰ passed every mode's 0
            // as a valid subgradient for 4·10⁻³⁰⁰.
            if !underflowKinks.isEmpty {
                return make(.fdInconclusive(reasons: [.underflowOntoKink]), nil, ladder: [], kink: analysis)
            }
            return make(.kink(validSubgradient: nil), nil, ladder: [], kink: nil).withKink(analysis)
        }
        if !nonFinite.isEmpty { return make(.nonFinite(subjects: nonFinite), nil, ladder: []) }

        var outcomes: [RungOutcome] = []
        var reasons: [FDWarning] = []
        var lastDisagreement: (String, DifferenceEstimate, Double, [String])? = nil
        // The sharpest disagreement, which is what overrules a loose agreement.
        var sharpestDisagreement: (String, DifferenceEstimate, Double, [String])? = nil
        var disagreements = 0
        // A disagreement from a fixed stencil stands only if no verified rung (adaptive, Richardson)
        // failed to find a range where f's differences settle (see WitnessRung.fixedStencil).
        var disagreedOnlyByFixedStencils = true
        var safeDisplacement: Double? = nil
        // The tightest tolerance a witness found a claim outside of, within only the path bound.
        var sharpestPathRounding: Double? = nil
        // An agreement within a tolerance looser than √ε of the entry's scale is kept while
        // the rest of the ladder is tried: central's 4e-5 relative tolerance at sin(1000x) passed
        // a claim 3e-5 off that the complex step resolves to 1e-13. The tightest one stands if
        // nothing sharper decides. √ε, not ε^{1/3}: in Float ε^{1/3} is 5e-3, and adaptive's
        // 4.5e-4 agreement at sin x, x = 800, passed a sin rule 0.1% off that the complex step
        // resolves to 1e-7 (a review). Not tighter than √ε: a sharper witness then also judges
        // the modes' own rounding, which the tolerance does not model (a 40-op chain's AD values
        // carry a few hundred ulps, where the complex step's estimate is 1e-19), and a zero entry
        // is judged on the row's and f's scale, not its own.
        var looseAgreement: (String, DifferenceEstimate, Double)? = nil
        // Whether a subject lies beyond that agreement's own estimate (see `marginal`): then it
        // is no pass when nothing later decides.
        var looseAgreementMarginal = false
        // Whether an agreement on exactly 0 was deferred beside a disagreeing rung's settled slope
        // (see `record`).
        var zeroAgreementDeferred = false
        // Whether a vector primitive's measured noise excused a disagreement (then a difference
        // told that noise is taken, ``measuredNoiseEstimate(input:)``).
        var opaqueNoiseExcused = false
        // A loose agreement after two reliable disagreements is a conflict only if nothing
        // sharper comes: the ladder goes on, and a later complex step that disagrees within a
        // tighter tolerance decides. Stopping at the conflict left a claim 2·10⁻⁶ off an RK4
        // sensitivity fd-inconclusive, where exact rationals convicted it at the next entry: Richardson's estimate there (1.3e-5, a step of 7e-12 on a
        // direction in which f is linear) reached the claim (a user trial).
        var conflictingLooseTolerance: Double? = nil
        var laterDisagreement: (String, DifferenceEstimate, Double, [String])? = nil
        // The complex step's judgement, when it was reliable: its value, tolerance and the
        // subjects it found wrong (none when it agreed). See `convict`.
        var complexStepJudged: (name: String, w: DifferenceEstimate, tol: Double, wrong: [String])? = nil
        // The claims that complex step left unjudged, within what rounding inside f moves the
        // derivative it measures (it then judged only the rest: see the rung and `convict`).
        var complexStepUnjudged: [String] = []
        // The reliable disagreements of the difference rungs that subtract samples (all but the
        // complex step), with the subjects each found wrong: see `convict`.
        var differenceDisagreements: [(name: String, w: DifferenceEstimate, tol: Double, wrong: [String])] = []
        // Once a subject is nonzero, the entry's own size sets what is sharp, down to the
        // rounding a right derivative carries (64ε of `entryScale`: its paths' magnitudes where
        // f was recorded, else its row's): √ε of f's value (1000 + 10⁻⁶·sin x) made central's
        // tolerance of 27% on ∂/∂x = 8.8·10⁻⁷ sharp, and claims 6% off passed, where the complex
        // step resolves the entry to 10⁻²¹ (a review). With the row's scale as the floor, 64ε of
        // 9.3·10¹³ made central's ± 1.1 on ∂/∂x₀ = 13.36 of x₀x₁x₂ + x₀² − x₂/x₁ sharp, and a claim
        // 0.1% off passed (the library sweep). The row's and f's scales remain for an entry whose
        // subjects are all 0.
        let entryMagnitude = values.map { Swift.abs($0.1) }.filter(\.isFinite).max() ?? 0
        let sharp = entryMagnitude > 0 ? Swift.max(eps.squareRoot() * entryMagnitude, CheckOptions.adAccuracyULPs * eps * entryScale)
                                       : eps.squareRoot() * Swift.max(rowScale, valueScale)
        // Whether a ladder rung follows the one being judged (see `marginal`).
        var rungsLeft = true
        // The complex-step rung after the one being judged, if any (see `judge`).
        var complexStepAhead: Int? = nil
        // Whether the rung being judged subtracts samples of f (a real difference), and the complex
        // step an agreement asked next (see `askComplexStep` in `record`): the rungs between are
        // not asked, as it judges sharper than any of them, and where it cannot judge the entry,
        // nothing after it is asked either: the agreement stands, as before it was asked.
        var judgingSubtracts = false
        var askedComplexStep: Int? = nil
        // The tightest tolerance a witness found a mode outside of by more than `sharp`, within
        // only the modes' accumulation allowance (``FDWarning/accumulationRounding``).
        var sharpestAccumulationRounding: Double? = nil

        /// One witness estimate against every subject: reliability first, then the tolerance.
        func judge(_ w: DifferenceEstimate, nominal: Double, subtracts: Bool = true, noiseCounted: Bool = false,
                   slopeScale: Double = 0, crossing: (Double) -> Double?) -> CheckJudgement {
            var hard = w.warnings.filter { $0 == .nonFinite || $0 == .unsupportedOp || $0 == .notIndependent || $0 == .noConvergence }
            // Too large relative to the values compared, unless the values are themselves tiny next
            // to the row or to |fᵢ| (a zero entry): then that scale times ε^{1/3} is the resolution asked.
            // A witness that saw f's slopes along the line (`slopeScale`, the one-sided look at a
            // domain edge) offers them as that scale too: x^1.5 at 0 has f, its row and every
            // subject 0, and the look's −1.3·10⁻¹⁸ ± 9.5·10⁻¹⁶ from slopes of 8·10⁻³ was "estimate-too-large".
            let scale = Swift.max(Swift.abs(w.value), values.map { Swift.abs($0.1) }.max() ?? 0)
            let resolution = Swift.max(rowScale, valueScale, slopeScale) * Double.pow(eps, 1.0 / 3.0)
            if w.errorEstimate > DifferenceTuning.inconclusiveRelativeError * Swift.max(scale, resolution)
                && w.errorEstimate > floor {
                hard.append(.estimateTooLarge)
            }
            // A difference that does not converge because it straddles a kink the tape records
            // (D = g + c/t across it, flagged by the fixed stencils' change ratio) is what the
            // near-kink rung is for: it is told where the kink is, as for a disagreement below.
            // Unreliable without it, 3·relu(x₀ − x₁) + x₀ at a gap of 10⁻⁹ was left inconclusive.
            if hard == [.noConvergence], let safe = crossing(w.reach) {
                safeDisplacement = Swift.min(safeDisplacement ?? safe, safe)
                hard.append(.crossesKink)
            }
            // Report every known weakness of an unusable estimate, not only the disqualifying one.
            if !hard.isEmpty { return .unreliable(Array(Set(hard + w.warnings)).sorted()) }
            let atol = options.atol ?? (CheckOptions.errorEstimateSafety * w.errorEstimate + roundingFloor)
            let rtol = options.rtol ?? (nominal + adRel)
            let tol = atol + rtol * Swift.abs(w.value)
            // A difference that assumed the model's rounding, where a vector primitive's primal
            // (opaque to the tape) was measured noisier: its measured noise over the step is
            // beyond the tolerance, so neither an agreement nor a disagreement shows anything.
            // A solve near a singular matrix settled on 1.000000e12 ± 1010 for 9.99998999942e11:
            // a right JVP was convicted, and one with a and b swapped (1e-6 off) agreed. A
            // difference told the noise (``measuredNoiseEstimate(input:)``) decides instead.
            if subtracts && !noiseCounted && w.step > 0 {
                let opaque = opaqueRounding(output: i)
                if opaque > 0 && CheckOptions.errorEstimateSafety * opaque / w.step > tol {
                    opaqueNoiseExcused = true
                    return .unreliable([.noisyEvaluation])
                }
            }
            var wrong = values.filter { Swift.abs($0.1 - w.value) > tol }.map(\.0)
            if wrong.isEmpty { return .agree(tol) }
            // An entry that AD computes by cancellation (2(x₀ + x₁) − 2x₀ − 2x₁ at x₀ = 10⁸) carries
            // rounding relative to its path magnitudes, not to its row: forward mode's −6e-9 for
            // an exact 0 was convicted. Within that bound nothing is shown wrong. The bound is for
            // forward and reverse mode's accumulation along the tape: a claim only inside it is
            // not shown right either (an RK4 loop's paths reach 10⁶, so in Float the bound was 20
            // on entries of 23, and a hand adjoint 5% off "agreed" beside modes within 10⁻⁶).
            if options.atol == nil {
                let path = accumulationBound(output: i, input: j)
                let widened = tol + CheckOptions.errorEstimateSafety * path
                // A claim computed in coarser arithmetic (a float32 Jacobian beside a Double
                // check) rounds along the same paths by its own ε: numpy's float32 gradient of
                // eˣ¹·sin x₂ + x₁³/x₂ + log(x₁x₂), right to its arithmetic, was convicted 150
                // Float ulps off an entry its terms cancel to.
                let claimScale = Swift.max(1, (options.claimUnitRoundoff ?? eps) / eps)
                let claimWidened = tol + CheckOptions.errorEstimateSafety * path * claimScale
                func isMode(_ name: String) -> Bool { name == "forward" || name == "reverse" }
                func allowed(_ name: String) -> Double { isMode(name) ? widened : claimWidened }
                // Forward mode beyond its own, netted, bound is shown wrong; the others are not.
                func beyondOwnBound(_ name: String, _ value: Double) -> Bool {
                    name == "forward" && Swift.abs(value - w.value) > tol + accumulationAllowance(subject: name, output: i, input: j)
                }
                if path.isFinite, widened > tol, values.allSatisfy({ Swift.abs($0.1 - w.value) <= allowed($0.0) }) {
                    let forwardBeyond = wrong.contains("forward") && values.contains { beyondOwnBound($0.0, $0.1) }
                    if !forwardBeyond {
                        if wrong.allSatisfy({ $0 == "forward" || $0 == "reverse" }) {
                            return agreeWithinAllowance(wrong, witness: w, tolerance: tol, widened: widened)
                        }
                        sharpestPathRounding = Swift.min(sharpestPathRounding ?? tol, tol)
                        return .unreliable([.pathRounding])
                    }
                    wrong = ["forward"]
                } else if path.isFinite, widened > tol {
                    // Another subject is beyond the bound (a wrong claim), which convicts it, not
                    // forward and reverse within theirs: on a 3,000-factor chain both were 198
                    // ulps from exact rationals, inside the path bound, and were called wrong
                    // beside a claim 75% off.
                    let excused = Set(values.filter { ($0.0 == "forward" || $0.0 == "reverse")
                        && Swift.abs($0.1 - w.value) <= widened && !beyondOwnBound($0.0, $0.1) }.map(\.0))
                    wrong.removeAll { excused.contains($0) }
                    // Nor is a coarser claim inside its own allowance convicted beside them.
                    if claimScale > 1 {
                        let within = Set(values.filter { !isMode($0.0) && Swift.abs($0.1 - w.value) <= claimWidened }.map(\.0))
                        wrong.removeAll { within.contains($0) }
                    }
                }
            }
            // A disagreement with a cancelled, sub-ulp or kink-straddling difference proves
            // nothing: escalate instead.
            var soft = w.warnings.filter { $0 == .cancellation || $0 == .stepBelowULP }
            if let safe = crossing(w.reach) {
                soft.append(.crossesKink)
                safeDisplacement = Swift.min(safeDisplacement ?? safe, safe)
            }
            // f's own rounding may be far above the few ulps of f the estimate assumed: log(tanh 10)
            // carries tanh's absolute error ε, 10⁸ ulps of f. Its first-order bound ε·Σ|∂fᵢ/∂v|·|v|
            // over the recorded nodes, divided by the witness's step, is what the difference can
            // resolve; a disagreement inside that proves nothing.
            // (Only for witnesses that subtract samples: the complex step divides no noise by h.)
            // Within the row's floor but beyond the entry's, a difference of samples may be showing
            // f's rounding on the row's scale (Richardson's estimate can miss it): only a witness
            // that subtracts no samples (complex step, exact rationals) convicts there.
            if subtracts, options.atol == nil,
               values.allSatisfy({ Swift.abs($0.1 - w.value) <= tol + adRel * Swift.max(0, rowScale - entryScale) }) {
                soft.append(.noisyEvaluation)
            }
            if subtracts, w.step > 0, i < roundingScale.count,
               values.allSatisfy({ Swift.abs($0.1 - w.value) <= tol + CheckOptions.errorEstimateSafety * eps * roundingScale[i] / w.step }) {
                soft.append(.noisyEvaluation)
            }
            // A difference reads f's own derivative, forward and reverse mode that of f as the
            // floats compute it, which rounding inside f can move (``complexStepMoved``). Where
            // that covers the gap and the complex step, which follows the floats as the modes
            // do, is still to judge them (its entry usable: not beside erf, no escape), the
            // difference shows no rule wrong: (eˣ − 1)/x at 10⁻⁹, whose adaptive and Richardson
            // rungs, told f's rounding, settle on f′ = 0.5 beside the modes' and the complex
            // step's −81.74 (the bound is 222), was witnesses-conflict. Without a complex step
            // the modes' own noise is measured before they are convicted (see `convict`).
            if subtracts, let kc = complexStepAhead, options.atol == nil, !wrong.isEmpty,
               wrong.allSatisfy({ $0 == "forward" || $0 == "reverse" }),
               case .available(let later) = rung(kc), i < later.count, j < later[i].count,
               !later[i][j].warnings.contains(where: { [.nonFinite, .unsupportedOp, .notIndependent, .noConvergence].contains($0) }),
               let moved = complexStepMoved(output: i, input: j), moved.isFinite,
               values.allSatisfy({ !wrong.contains($0.0) || Swift.abs($0.1 - w.value) <= tol + CheckOptions.errorEstimateSafety * moved }) {
                soft.append(.derivativeNoise)
            }
            // A sin, cos or tan whose argument moves by more than a radian over the step is seen
            // averaged over its periods, not by its slope: when its term can explain the gap the
            // difference proves nothing (sin(x) + |x| at 10²⁵, where an ulp of x is 2·10⁹ and every
            // rung settled on 1.0 against a right 1 + cos x).
            if subtracts, w.step > 0 {
                let aliased = aliasedContribution(output: i, input: j, step: w.step)
                if aliased > 0, values.allSatisfy({ Swift.abs($0.1 - w.value) <= tol + CheckOptions.errorEstimateSafety * aliased }) {
                    soft.append(.aliased)
                }
            }
            if !soft.isEmpty { return .unreliable(soft) }
            return .disagree(tol, wrong)
        }

        /// The judgement on modes (`wrong`) that miss witness w by more than its tolerance and lie
        /// within their accumulation allowance (``accumulationAllowance(subject:output:input:)``).
        /// That allowance is what a right rule's accumulation along the tape may round, and a
        /// wrong rule hides in it just as well: at A(x) − A(x) + sin x, A two thousand products
        /// by 1.0035, reverse mode's allowance at 0.7 is 1.5·10⁻⁸ and a sin rule 10⁻⁹ off passed
        /// a reverse-only check, as rule-right to the reader as one settled to 10⁻¹⁵.
        ///
        /// Where only one AD mode is checked (`checkForward` or `checkReverse` off, or a mode not
        /// run for want of its rule), a gap beyond `sharp` (√ε of the entry, the check's bar for a
        /// sharp agreement) left to the allowance is no agreement: rounding or a wrong rule, the
        /// check cannot tell (``FDWarning/accumulationRounding``). Reverse-only at
        /// exp(30x) − exp(30x) + sin x + ((x + 10⁸) − 10⁸), a right reverse mode is 0.022 off
        /// f′ = 1.54, and a sin rule 1% off agreed as well. With both modes the verdicts stay as
        /// they were, noted: forward mode is held to its own first-order rounding bound, which
        /// nets copies that cancel (it convicts that sin rule), and where both modes carry
        /// rounding beyond `sharp` (an expanded (x − 2)¹⁰ at 2.3, every term near 10⁴ for an
        /// entry of 2·10⁻⁴) the check has agreed with them before; see the report's note.
        ///
        /// A gap within `sharp` (or beside a witness of exactly 0) agrees, as any agreement may be
        /// off by that much; the allowance is kept with the entry, and the report notes it where
        /// it exceeds `sharp` (``CheckReport/coarselyResolvedEntries``): a rule error below it is
        /// not resolved there.
        func agreeWithinAllowance(_ wrong: [String], witness w: DifferenceEstimate, tolerance tol: Double,
                                  widened: Double) -> CheckJudgement {
            let gap = values.filter { wrong.contains($0.0) }.map { Swift.abs($0.1 - w.value) }.max() ?? 0
            let oneMode = values.filter { $0.0 == "forward" || $0.0 == "reverse" }.count == 1
            // An entry the witness puts at exactly 0 has no size to resolve a gap against: a mode's
            // rounding there agrees (s² − a² − 2ab − b² through a vector call, 0 by hand, forward
            // −6·10⁻⁹ at x₀ = 10⁸ from terms near 10¹⁶), and the note gives the allowance.
            if oneMode && gap > sharp && w.value != 0 && gap > eps.squareRoot() * Swift.abs(w.value) {
                sharpestAccumulationRounding = Swift.min(sharpestAccumulationRounding ?? tol, tol)
                return .unreliable([.accumulationRounding])
            }
            let allowance = wrong.map { accumulationAllowance(subject: $0, output: i, input: j) }.max() ?? 0
            allowanceUses[widened] = AccumulationAllowance(subjects: wrong, gap: gap, witnessTolerance: tol, allowance: allowance,
                                                           resolution: sharp)
            return .agree(widened)
        }

        /// The verdict on subjects a reliable witness contradicts: rule-wrong, unless a mode's pass
        /// lost a term to a tangent or adjoint outside the normal range, which its pass with the
        /// seed scaled by a power of two shows (``seededValues(mode:output:input:)``). Reverse
        /// mode on x²/x³⁰⁰ at 10 gave 2e-299 for −2.98e-297 and the division rule was convicted.
        /// A mode is excused when a seeded pass differs from it and agrees with the witness, or
        /// differs and is still changing with the seed (the range may still be losing terms).
        /// It stays convicted when its seeded passes reproduce it, or when two of them agree with
        /// each other and not with the witness (the loss is recovered, the rest is a rule's; with
        /// one differing pass, the pass at its seed/2⁸ is the second, ``confirmingValue``), or
        /// when the tape calls a user vector primitive, whose JVP or VJP need not be linear in the
        /// seed (a VJP that ignores its cotangent changes with any seed). Only entries that
        /// disagree pay for these passes: two per mode, shared by a row (reverse) or column (forward).
        func convict(_ wrong: [String], _ decided: (String, DifferenceEstimate, Double)) -> EntryCheck {
            let (decidedName, w, tol) = decided
            // A difference that settled reliably on another value, beyond both tolerances, and found
            // right a subject this witness convicts: the two see different derivatives of f (at
            // their steps, and at this one's), and neither convicts. Bisection's output moves with
            // its inputs only through the signs it tests: a staircase whose treads are ~10⁻¹⁰ wide,
            // where AD and the complex step read the tread's 0 and adaptive and Richardson, from
            // 10⁻⁴ to 0.06, the root's slope −1/5 ± 10⁻⁷. The complex step, last to disagree,
            // convicted the implicit-function gradient (−1/5, 1/5). A fixed stencil counts too:
            // Newton whose start residual is within its tolerance, 5·10⁻¹⁰ along a from the band's
            // edge, had only central settle (−0.2 ± 3·10⁻¹¹) beside the complex step's band 0, and
            // the claim was convicted so; and on bisection's treads along b the exact rung read
            // 0.2083 ± 0 (its steps spanned whole treads), beside central's 0.2018976 ± 10⁻¹¹.
            // So too a subject the difference found wrong but that lies within half the gap between
            // the two witnesses' values from the difference's, where no slope jumps at x: a
            // staircase's differences carry its treads' jitter, which their estimate does not see.
            // Bisection at (1, 1.01): along b central settled on 0.4142838 ± 6.4·10⁻⁷, 3·10⁻⁶ from
            // the right 0.4142868, and the complex step's tread 0 convicted it. Only inside the gap:
            // at a Newton iteration-count switch central settled 5.6·10⁻⁵ off exact rationals'
            // −0.1932909, and the claim +0.1932909 (a sign slip), 6·10⁻⁵ nearer central, was
            // sheltered. A slope jump is a branch the differences straddle (x < 1 ? x : 2x − 1 just
            // right of 1: they see the mean 1.5 beside the complex step's 2), which shelters nothing.
            var slopeJumps: Bool? = nil
            func nearer(_ subject: String, _ d: Double) -> Bool {
                guard let v = values.first(where: { $0.0 == subject })?.1, Swift.abs(v - d) < Swift.abs(d - w.value) / 2 else { return false }
                if slopeJumps == nil { slopeJumps = slopeJumpAcross(output: i, input: j) }
                return slopeJumps == false
            }
            if differenceDisagreements.contains(where: { d in
                d.name != decidedName && Swift.abs(d.w.value - w.value) > d.tol + tol
                    && wrong.contains { !d.wrong.contains($0) || nearer($0, d.w.value) }
            }) {
                return make(.fdInconclusive(reasons: [.witnessesConflict]), nil, ladder: outcomes)
            }
            // Exact rationals differentiate f computed exactly, the complex step f as the floats
            // compute it. Where each finds wrong only what the other finds right, and no slope
            // jumps at x (no branch the exact differences straddle, as in the next case), f's own
            // rounding moves its derivative, and neither is shown wrong, however loose the complex
            // step's bound: ((1 + r)¹² − 1)/r at r = 10⁻⁷ rounds 1 + r, so its float derivative is 65.938
            // (the complex step, forward and reverse, within a bound of 1.4·10⁻⁵) and its exact
            // one 66.00004 (exact rationals and jac's exact mode); forward and reverse were
            // rule-wrong (a review). What both find wrong (a claim off for either f) stays convicted.
            // A claim the complex step left unjudged (within what f's rounding moves its
            // derivative) it found neither right nor wrong: this witness judges it alone.
            let unjudged = wrong.filter { complexStepUnjudged.contains($0) }
            // Two derivatives, each measured by its own witness: the complex step's of f as the
            // floats compute it (what forward and reverse differentiate), exact rationals' of f
            // computed exactly. Where they settle apart by no more than their own estimates and
            // the finite first-order bound on how far rounding inside f moves its derivative
            // (`complexStepMoved`, the entry's derivativeRoundingBound), they do not conflict:
            // rounding separates them, and each is a right answer for one f. A subject is then
            // right when it is either derivative (within that witness's tolerance; for the complex
            // step, a subject it judged, not one it left unjudged within the bound), and is
            // convicted when it is neither: the modes are expected to give the floats' value, jac's
            // exact mode the exact one, and a claim may be written for either. 1/(x·x − 1) at
            // 1.000001: forward and reverse −500000000037.69 (the complex step), the exact mode
            // −500000000082.14 (exact rationals), 44 apart within the bound 111; the entry was
            // witnesses-conflict and `jac check` exited 1, on 32 of 100 points near a root or pole
            // of x² − c, x³ − c, 1/(x² − c) (a review). Not where the bound is infinite, does not
            // cover the gap, is as large as the derivative past the entry's resolution (as the
            // complex step's rung: first order, nothing follows), or where a slope jumps at x
            // (exact rationals' differences straddle a branch the tape does not record). The
            // bound reads the rules' tape, so a wrong rule can make it wrong: it only reconciles
            // the two rule-free witnesses, and every subject is still held to one of them.
            // Both cases below: the complex step judged, exact rationals decide, the two settle
            // apart, and the complex step found right a subject exact rationals convict.
            if let c = complexStepJudged, decidedName == WitnessRung.exactRationals.name,
               Swift.abs(c.w.value - w.value) > c.tol + tol,
               case let floatsRight = wrong.filter({ !c.wrong.contains($0) && !unjudged.contains($0) }), !floatsRight.isEmpty {
                let gap = Swift.abs(c.w.value - w.value)
                let estimates = CheckOptions.errorEstimateSafety * (c.w.errorEstimate + w.errorEstimate)
                // The finite rounding bound, where it covers the gap: the witnesses are reconciled.
                var covered: Double? = nil
                if estimates.isFinite, let moved = complexStepMoved(output: i, input: j), moved.isFinite, gap <= moved + estimates,
                   !(moved >= Swift.max(Swift.abs(c.w.value), Swift.abs(w.value))
                     && moved > Swift.max(rowScale, valueScale) * Double.pow(eps, 1.0 / 3.0)) {
                    covered = moved
                }
                if covered != nil || !c.wrong.isEmpty || !unjudged.isEmpty, !slopeJumpAcross(output: i, input: j) {
                    if let moved = covered {
                        let neither = wrong.filter { !floatsRight.contains($0) }
                        if !neither.isEmpty { return convict(neither, decided) }
                        // Every subject is within max(the complex step's tolerance, the gap plus
                        // exact rationals' tolerance) of the complex step: what the entry reports.
                        var e = make(.agree, (c.name, c.w, Swift.max(c.tol, gap + tol)), ladder: outcomes)
                        e.floatExactSplit = (c.w.value, w.value, moved)
                        return e
                    }
                    let both = wrong.filter { c.wrong.contains($0) }
                    if !both.isEmpty { return convict(both, (c.name, c.w, c.tol)) }
                    if !unjudged.isEmpty { return convict(unjudged, decided) }
                    return make(.fdInconclusive(reasons: [.witnessesConflict]), nil, ladder: outcomes)
                }
            }
            // A difference whose step straddles a branch of f that the tape does not record (an
            // `if x < 1` in the user's code) is wrong about every subject, and exact rationals
            // compute such a difference too. The complex step follows the branch taken, as the
            // modes do: where it agreed with a subject and contradicts the deciding difference
            // (each outside the other's tolerance, and it no looser than 1000× the difference's),
            // that difference does not convict the subject. Forward and reverse mode's exact 2 for
            // x < 1 ? x : 2x − 1 at 1 + 10⁻¹² were rule-wrong beside a wrong claim, on the exact
            // central difference 1.5025 (a user trial). What the complex step convicts still stands.
            if let c = complexStepJudged, c.name != decidedName,
               Swift.abs(c.w.value - w.value) > c.tol + tol, c.tol <= 1000 * tol,
               wrong.contains(where: { !c.wrong.contains($0) && !unjudged.contains($0) }) {
                if !c.wrong.isEmpty { return convict(c.wrong, (c.name, c.w, c.tol)) }
                if !unjudged.isEmpty { return convict(unjudged, decided) }
                return make(.fdInconclusive(reasons: [.witnessesConflict]), nil, ladder: outcomes)
            }
            // A kink at the point that the tape does not record (x > 0 ? x : 0 in the user's code):
            // every difference there is the mean of the one-sided slopes, converging as well as on a
            // smooth f (exact differences gave 0.5 ± 0 for the relu at 0), and the modes' branch
            // derivative was convicted. No difference judges a derivative there. (The complex step
            // subtracts nothing and follows the branch taken, as the modes do; a kink the tape
            // records nearby has its own rung, `central-near-kink`.)
            let subtractsSamples = decidedName != WitnessRung.differences(.complexStep).name
                && !options.ladder.contains { if case .custom = $0 { return $0.name == decidedName } else { return false } }
            if subtractsSamples, safeDisplacement == nil,
               kinkCrossing(output: i, input: j, reach: Swift.max(1, Swift.abs(Double(x[j]))) / 4) == nil,
               slopeJumpAcross(output: i, input: j) {
                return make(.fdInconclusive(reasons: [.crossesKink]), nil, ladder: outcomes)
            }
            // The complex step follows the branch f's code takes at x, as the modes do. Where x is
            // itself a kink of that code (a branch the tape does not record), that branch's slope
            // is one one-sided derivative, and a claim giving the other, or a value between, is as
            // right: x > 0 ? 3x : 0 at 0 convicted a claimed 3 (the slope on the right) on the
            // complex step's 0. The complex step an ulp either side of x tells that point from one
            // beside a branch (x < 1 ? x : 2x − 1 at 1 + 10⁻¹², where both sides give 2 and the
            // complex step's 2 still convicts the differences' mean 1.5 claimed there). The modes
            // are not sheltered: they take the complex step's branch, so a gap from it is a rule's.
            if decidedName == WitnessRung.differences(.complexStep).name, safeDisplacement == nil,
               wrong.contains(where: { $0 != "forward" && $0 != "reverse" }),
               let sides = branchSlopesAcross(output: i, input: j) {
                let margin = tol + CheckOptions.errorEstimateSafety * sides.error
                if Swift.abs(sides.left - sides.right) > margin {
                    let (lo, hi) = (Swift.min(sides.left, sides.right) - margin, Swift.max(sides.left, sides.right) + margin)
                    let sheltered = wrong.filter { s in
                        guard s != "forward", s != "reverse", let v = values.first(where: { $0.0 == s })?.1 else { return false }
                        return v >= lo && v <= hi
                    }
                    let rest = wrong.filter { !sheltered.contains($0) }
                    if !sheltered.isEmpty {
                        if rest.isEmpty { return make(.fdInconclusive(reasons: [.crossesKink]), nil, ladder: outcomes) }
                        return convict(rest, decided)
                    }
                }
            }
            var passes: [SeededPass] = []
            var excused: [String] = []
            let linearRules = graph.map { $0.vectorCalls.isEmpty } ?? false
            for mode in wrong where mode == "forward" || mode == "reverse" {
                guard let unseeded = values.first(where: { $0.0 == mode })?.1 else { continue }
                let differing = seededValues(mode: mode, output: i, input: j).filter { $0.value.isFinite && $0.value != unseeded }
                if differing.isEmpty { continue }
                let judged = differing.map { SeededPass(mode: mode, seed: $0.seed, value: $0.value,
                                                        agreesWithWitness: Swift.abs($0.value - w.value) <= tol) }
                if judged.contains(where: \.agreesWithWitness) { passes += judged; excused.append(mode); continue }
                // Off the witness, the loss is recovered when the largest seed's pass kept every
                // term: two seeded passes equal, or, with only one (2⁵⁰⁰ lost the same term as the
                // unseeded pass), the pass at its seed/2⁸ equal to it. x²/x³⁰⁰ + 10⁻³⁰⁰·x³ with a
                // wrong rule for x³ changed only at 2¹⁰⁰⁰, was taken for "still changing" and the
                // wrong rule was excused.
                var recovered = judged.count >= 2 && judged.allSatisfy { $0.value == judged[0].value }
                if !recovered && linearRules, let top = judged.max(by: { $0.seed < $1.seed }) {
                    let c = confirmingValue(mode: mode, output: i, input: j, seed: top.seed)
                    let confirming = SeededPass(mode: mode, seed: top.seed / 256, value: c,
                                                agreesWithWitness: Swift.abs(c - w.value) <= tol)
                    passes += (judged + (c.isFinite ? [confirming] : [])).sorted { $0.seed < $1.seed }
                    recovered = c == top.value
                } else {
                    passes += judged
                }
                if linearRules && !recovered { excused.append(mode) }
            }
            let remaining = wrong.filter { !excused.contains($0) }
            if let d = floatRoundingExcuse(remaining, witness: w, tol: tol) {
                outcomes.append(RungOutcome(witness: "complex-step in Double", value: d.value, errorEstimate: d.errorEstimate,
                                            step: d.step, outcome: "agree", warnings: d.warnings, evaluations: d.evaluations))
                return make(.fdInconclusive(reasons: [.floatRounding]), nil, ladder: outcomes)
            }
            // Forward and reverse differentiate f as the floats compute it, the differences and
            // exact rationals f's smooth derivative. Where rounding inside f moves the former (1 + r
            // rounds for small r), the modes' own value moves by as much as they miss the witness
            // when x moves by a few rounding steps: not a rule's error. Only with no complex step,
            // which sees the floats' f as the modes do and has decided such entries above; a claim
            // beside the modes is judged as before.
            let modes = remaining.filter { $0 == "forward" || $0 == "reverse" }
            let noise = (complexStepJudged == nil || !complexStepUnjudged.isEmpty) && !modes.isEmpty
                ? derivativeNoise(output: i, input: j) ?? 0 : 0
            let noisyModes = modes.filter { mode in
                guard noise > 0, let v = values.first(where: { $0.0 == mode })?.1 else { return false }
                return Swift.abs(v - w.value) <= tol + noise
            }
            if !noisyModes.isEmpty {
                let rest = remaining.filter { !noisyModes.contains($0) }
                // The measurement goes in the ladder, for the report's note.
                let modeValue = values.first(where: { $0.0 == noisyModes[0] })?.1
                let measured = RungOutcome(witness: Self.derivativeNoiseRung, value: modeValue, errorEstimate: noise,
                                           step: nil, outcome: "noise", warnings: [.derivativeNoise])
                if rest.isEmpty { return make(.fdInconclusive(reasons: [.derivativeNoise]), nil, ladder: outcomes + [measured]) }
                var e = make(.ruleWrong(subjects: rest), decided, ladder: outcomes + [measured])
                e.seededPasses = passes
                e.scalarName = "\(V.self)"
                return e
            }
            var e = make(remaining.isEmpty ? .rangeLoss(subjects: excused) : .ruleWrong(subjects: remaining), decided,
                         ladder: outcomes)
            e.seededPasses = passes
            e.scalarName = "\(V.self)"
            return e
        }

        /// In a Float check, the Double complex step on which claims about to be convicted all
        /// agree, when f's Float derivative (the witness) is off it: Float rounding inside f moved
        /// f's derivative, and the claims may be right for f without it (``FDWarning/floatRounding``).
        /// Not for the modes: they differentiate the Float evaluation, as the witness does, so a
        /// gap from it is a rule's. The point converts to Double exactly; f's constants round to
        /// Double instead of Float there, which the 64ε (Float) allowance covers.
        func floatRoundingExcuse(_ claims: [String], witness w: DifferenceEstimate, tol: Double) -> DifferenceEstimate? {
            guard V.self == Float.self, options.atol == nil, !claims.isEmpty,
                  claims.allSatisfy({ $0 != "forward" && $0 != "reverse" }) else { return nil }
            if doubleComplexStep[j] == nil {
                // The column's own complex step (its truncation measured with a second step): the
                // all-columns one bounds every entry by its row's rounding, too loose for an entry
                // far below its row.
                let xd = x.map { Double($0) }
                let direction = xd.indices.map { $0 == j ? 1.0 : 0.0 }
                let ((column, _, problem), diag) = Diagnostics.collect {
                    complexStepDirectional(f, at: xd, direction: direction, outputs: value.count, step: .automatic)
                }
                doubleComplexStep[j] = .some(diag.escapes == 0 && adEscapes == 0 && problem == nil ? column : nil)
            }
            guard let column = doubleComplexStep[j] ?? nil, i < column.count else { return nil }
            let d = column[i]
            guard d.warnings.isEmpty, d.value.isFinite, d.errorEstimate.isFinite,
                  Swift.abs(d.value - w.value) > tol + CheckOptions.errorEstimateSafety * d.errorEstimate else { return nil }
            let allowance = CheckOptions.errorEstimateSafety * d.errorEstimate + adRel * Swift.max(entryScale, Swift.abs(d.value)) + subnormal
            let agree = claims.allSatisfy { c in values.first { $0.0 == c }.map { Swift.abs($0.1 - d.value) <= allowance } ?? false }
            return agree ? d : nil
        }

        /// The largest finite slope the entry is claimed to have, by the subjects and the witness:
        /// what a continuous f's differences may show (see `jumpFromDifferences`).
        func slope(_ w: DifferenceEstimate?) -> Double {
            (values.map { Swift.abs($0.1) } + [Swift.abs(w?.value ?? 0)]).filter(\.isFinite).max() ?? 0
        }

        /// Whether witness w cannot resolve the subjects' magnitude: its error bound reaches past
        /// 0 from every subject, so their negatives would have agreed too (a sign-flipped entry
        /// 10⁻⁸ of its row passed on central's error, which follows f's rounding on the row's
        /// scale). The ladder goes on to a sharper witness, as for a loose agreement, and an
        /// entry none resolves is inconclusive (``FDWarning/belowResolution``), not a pass.
        /// Entries within the subnormal allowance are judged in absolute quanta, as before.
        ///
        /// A subject that is 0 up to its own rounding says nothing by its sign, so it is not what a
        /// witness must resolve, as an exact 0 is not: where a mode ran, the tape bounds the modes'
        /// rounding (``accumulationBound(output:input:leastULPs:)``) and the claim's is the
        /// tolerance's floor. A Huber loss in its linear region has ∂L/∂w₀ = 0.5 − 0.2 − 0.45 +
        /// 0.05 + 0.1 = 0 by hand; forward mode sums it to −1.39·10⁻¹⁷ and reverse mode to 0. Where
        /// neither the complex step (a branch read through `approximateDouble` makes it not
        /// independent) nor exact rationals (an exp in f) could run, adaptive's 0 ± 4.4·10⁻¹⁴
        /// agreed with every subject and the entry was below-resolution, for forward's sign, at 50
        /// of 50 such points. A wrong claim keeps its magnitude here (10⁻³ is no rounding), and
        /// without a mode nothing vouches that the claim's own 10⁻¹⁷ is a rounded 0.
        func unresolved(_ w: DifferenceEstimate) -> Bool {
            let tapeRan = values.contains { $0.0 == "forward" || $0.0 == "reverse" }
            let magnitude = values.filter { !(tapeRan && zeroUpToOwnRounding($0)) }.map { Swift.abs($0.1) }.max() ?? 0
            return magnitude > subnormal && CheckOptions.errorEstimateSafety * w.errorEstimate >= magnitude
        }

        /// Whether subject v is within its own rounding of 0 (see `unresolved`): a mode within the
        /// floor and its accumulation's bound along the tape, a claim within the floor (scaled to
        /// the claim's arithmetic, ``CheckOptions/claimUnitRoundoff``).
        func zeroUpToOwnRounding(_ v: (String, Double)) -> Bool {
            guard v.1.isFinite else { return false }
            if v.0 == "forward" || v.0 == "reverse" {
                let path = accumulationBound(output: i, input: j)
                return path.isFinite && Swift.abs(v.1) <= roundingFloor + CheckOptions.errorEstimateSafety * path
            }
            let claimScale = Swift.max(1, (options.claimUnitRoundoff ?? eps) / eps)
            return Swift.abs(v.1) <= claimScale * roundingFloor
        }

        func record(_ name: String, _ w: DifferenceEstimate, _ judgement: CheckJudgement) -> EntryCheck? {
            switch judgement {
            case .agree(let tol):
                outcomes.append(RungOutcome(witness: name, value: w.value, errorEstimate: w.errorEstimate, step: w.step,
                                            outcome: "agree", warnings: w.warnings, evaluations: w.evaluations))
                // A witness reached only after others failed may be agreeing with a jump's
                // one-sided branch (the complex step follows the real part's branch).
                if outcomes.count > 1 {
                    switch jumpAcross(output: i, input: j, slope: slope(w)) {
                    case .jump(let jump): return make(.discontinuity(jump: jump), nil, ladder: outcomes)
                    case .undecided: return make(.fdInconclusive(reasons: [.crossesKink]), nil, ladder: outcomes)
                    case .continuous: break
                    }
                }
                // Also loose: an agreement within a wider tolerance than a reliable witness before it
                // disagreed in. In Float ε^{1/3} is 5e-3, and adaptive's 1e-3 agreement with a sin
                // rule 0.1% off stood over central's disagreement at 4e-5 (a review); the ladder goes
                // on, and what is sharper decides (see `looseAgreement` below).
                let looserThanADisagreement = sharpestDisagreement.map { $0.2 < tol } ?? false
                // An agreement on exactly 0 at a step below a rung that disagreed on a slope beyond
                // its own estimate: f may be constant only in a band narrower than that rung's step,
                // as a solver is that returns its start where the residual is within its tolerance,
                // and exact differences can tell (the plateau below). Newton from 1 with its start
                // residual 8.6·10⁻⁹ under 10⁻⁸ passed a gradient that forgot ∂/∂a, (0, 1/5), on the
                // complex step's 0 over central's −0.2 ± 3·10⁻¹¹. The ladder goes on; if nothing
                // later decides, the witnesses conflict.
                let zeroBesideSlope = w.value == 0 && outcomes.dropLast().contains {
                    $0.outcome == "disagree" && $0.settlesOnSlope(above: w.step)
                }
                if zeroBesideSlope { zeroAgreementDeferred = true }
                // Also loose: an agreement that holds only inside the safety margin, a subject
                // further from the witness than its own estimate (and the subjects' rounding) and
                // by more than √ε of itself, while a rung is left to ask. sin(x)·0.05 + z² at
                // (0, 10⁴): central read 0.0508 ± 0.006 and "agreed" with a claimed 0.075 for
                // 0.05, 4 estimates away and sharp beside f's 10⁸ (a review); the complex step
                // resolves it. Gaps within √ε of the subject are what a sharp agreement admits
                // anyway: Jacobi stopped at a residual of 10⁻⁹ has a derivative 2·10⁻¹⁰ from the
                // exact (2, 3)/11 claimed, which exact rationals resolve. The black-box check asks
                // the same (its `marginal`).
                // Forward and reverse mode may also carry their accumulation's rounding along the
                // tape's paths (the path bound, as in `judge`): an entry computed by cancellation
                // is no marginal agreement.
                // A claim's own rounding is measured, like the witness's, without the tolerance's
                // safety margins: a few ulps per op along f's paths from input j (the per-op
                // accumulation model) and 64 ulps of the claim, never more than the tolerance's
                // floor. That floor, 64ε of 4 × the path magnitude, is 256 ulps of the paths,
                // which in Float is 0.1% of an entry that cancels by 40: ∂/∂x₁ = 2x₀x₁ + x₂ =
                // −1.8118·10⁻⁴ of x₀x₁² + sin(x₂)x₀ + x₁x₂ at (−14.652367, −1.101698·10⁻⁴,
                // −3.4096795·10⁻³), paths 6.6·10⁻³, and a claim 0.1% off (1.8·10⁻⁷ from the complex
                // step's −1.811830·10⁻⁴ ± 9.4·10⁻⁹, where both modes sat) passed (the library sweep
                // in Float, seed 4; two more at seeds 1 and 2). Such an agreement is marginal, and
                // fd-inconclusive if nothing later decides.
                // A subject's gap from the witness beyond the witness's own estimate and the
                // subject's rounding: nil where the tolerances are the user's.
                func beyondEstimate(_ v: (String, Double)) -> Double? {
                    let gap = Swift.abs(v.1 - w.value)
                    var allowance = w.errorEstimate + roundingFloor
                    if v.0 == "forward" || v.0 == "reverse" {
                        let path = accumulationBound(output: i, input: j)
                        allowance += path.isFinite ? CheckOptions.errorEstimateSafety * path : .infinity
                    } else {
                        // A claim computed in coarser arithmetic rounds by its own ε (claimUnitRoundoff).
                        let perOp = accumulationBound(output: i, input: j, leastULPs: 0)
                        let claimScale = Swift.max(1, (options.claimUnitRoundoff ?? eps) / eps)
                        if perOp.isFinite {
                            allowance = w.errorEstimate
                                + claimScale * Swift.min(roundingFloor, perOp + adRel * Swift.abs(v.1) + subnormal)
                        }
                    }
                    return gap > allowance ? gap : nil
                }
                let fromUser = options.atol != nil || options.rtol != nil
                let marginalGap = !fromUser && values.contains { v in
                    beyondEstimate(v).map { $0 > eps.squareRoot() * Swift.abs(v.1) } ?? false
                }
                // Also asked: the complex step, where one follows, of a subject beyond the estimate
                // by less than √ε of itself but by more than a quarter of that (√ε is the sharp bar
                // as a tolerance, and a quarter its estimate, errorEstimateSafety: the subject sits
                // in that bar's outer part as `marginal`'s sits in the witness's) and by more than
                // the complex step's own tolerance. √ε is coarse in Float: a claim 2.4·10⁻⁴ off
                // agreed within adaptive's 2.47·10⁻⁴ on the tape path, and the Float sweep of
                // `LooseAgreementSweepTests` passed all 55 claims planted at nine tenths of the
                // deciding tolerance (1.1 to 3.1·10⁻⁴ of the entry). A right subject sits within
                // the difference's estimate, so this seldom costs the complex step's n + 1
                // evaluations: no right gradient of that sweep asked it (4,492 evaluations in Float
                // and 1,969 in Double before and after). Not below √ε/4: Jacobi stopped at a
                // residual of 10⁻⁹ has a derivative 1.9·10⁻¹⁰ of itself from the exact (2, 3)/11
                // claimed, beyond central's estimate at 19 of 60 entries of a sweep, and the
                // complex step convicted it there (the floor of `marginal`, √ε, lets it pass).
                // Where the agreement is sharp but for this gap, the difference rungs between
                // (adaptive, Richardson) are not asked: they could only agree again, less sharply.
                // Not a marginal agreement: if the complex step cannot judge, the agreement stands
                // as before.
                let complexStepTolerance = roundingFloor + (DifferenceMethod.complexStep.nominalRelativeAccuracy(epsilon: eps) + adRel) * Swift.abs(w.value)
                let askComplexStep = !fromUser && !marginalGap && judgingSubtracts && complexStepAhead != nil && values.contains { v in
                    let outerPart = Swift.max(complexStepTolerance, eps.squareRoot() / CheckOptions.errorEstimateSafety * Swift.abs(v.1))
                    return beyondEstimate(v).map { $0 > outerPart } ?? false
                }
                let looseOtherwise = tol > Swift.max(sharp, Swift.abs(w.value) * eps.squareRoot()) || unresolved(w)
                    || looserThanADisagreement || zeroBesideSlope || (marginalGap && rungsLeft)
                // The rungs between are skipped only for an agreement that is sharp but for this gap
                // (a review): one loose for its own reasons still walks the whole ladder, since with
                // the complex step unusable (erf, gelu, approximateDouble in f) adaptive or
                // Richardson is what convicts it, and skipping them passed it.
                if askComplexStep, !looseOtherwise, askedComplexStep == nil { askedComplexStep = complexStepAhead }
                let loose = looseOtherwise || askComplexStep
                // One agreeing witness does not overrule two reliable ones that disagree.
                if disagreements >= 2 {
                    if loose && laterDisagreement == nil {
                        conflictingLooseTolerance = Swift.min(conflictingLooseTolerance ?? .infinity, tol)
                        return nil
                    }
                    return make(.fdInconclusive(reasons: [.witnessesConflict]), nil, ladder: outcomes)
                }
                if loose {
                    if tol < looseAgreement?.2 ?? .infinity {
                        looseAgreement = (name, w, tol)
                        looseAgreementMarginal = marginalGap
                    }
                    return nil
                }
                return make(.agree, (name, w, tol), ladder: outcomes)
            case .unreliable(let why):
                reasons += why
                outcomes.append(RungOutcome(witness: name, value: w.value, errorEstimate: w.errorEstimate, step: w.step,
                                            outcome: "unreliable", warnings: why, evaluations: w.evaluations))
            case .disagree(let tol, let wrong):
                outcomes.append(RungOutcome(witness: name, value: w.value, errorEstimate: w.errorEstimate, step: w.step,
                                            outcome: "disagree", warnings: w.warnings, evaluations: w.evaluations))
                lastDisagreement = (name, w, tol, wrong)
                if options.ladder.contains(where: { rung in
                    if case .differences(let m) = rung { return m != .complexStep && rung.name == name }
                    return false
                }) {
                    differenceDisagreements.append((name, w, tol, wrong))
                }
                if tol < sharpestDisagreement?.2 ?? .infinity { sharpestDisagreement = (name, w, tol, wrong) }
                // Only the complex step: it subtracts no samples, so it cannot straddle a branch
                // the tape does not record, which exact rationals (differences in Q) can.
                if conflictingLooseTolerance != nil, name == WitnessRung.differences(.complexStep).name,
                   tol < laterDisagreement?.2 ?? .infinity {
                    laterDisagreement = (name, w, tol, wrong)
                }
                disagreements += 1
            }
            return nil
        }

        for k in options.ladder.indices {
            let name = options.ladder[k].name
            rungsLeft = k < options.ladder.count - 1
            // Only real differences are skipped: a rung of another kind before the complex step (a
            // user's ladder with exact rationals first) judges sharper, and is asked as before.
            if let kc = askedComplexStep, k < kc, case .differences(let m) = options.ladder[k], m != .complexStep { continue }
            complexStepAhead = options.ladder[(k + 1)...].firstIndex { if case .differences(.complexStep) = $0 { return true } else { return false } }
            guard var w = rungEntry(k, output: i, input: j) else {
                // Not computed yet (the concurrent check's): the entry is judged again once it is,
                // and this placeholder is dropped with the judging.
                if entryMissesColumn { return make(.fdInconclusive(reasons: []), nil, ladder: outcomes) }
                outcomes.append(RungOutcome(witness: name, value: nil, errorEstimate: nil, step: nil, outcome: "not-available", warnings: []))
                if k == askedComplexStep { break }
                continue
            }
            if case .differences(.complexStep) = options.ladder[k] {
                let lost = complexStepUnderflowBound(output: i, input: j, step: w.step)
                w.errorEstimate += lost
                // Unbounded: the loss is inside a user primitive's primal, which the tape cannot see
                // into. Said as an underflow, so the entry is refused for it, not for a large estimate alone.
                if lost == .infinity, !w.warnings.contains(.underflow) { w.warnings = (w.warnings + [.underflow]).sorted() }
            }
            let subtracts: Bool
            if case .differences(let m) = options.ladder[k] { subtracts = m != .complexStep } else { subtracts = false }
            judgingSubtracts = subtracts
            var judgement = judge(w, nominal: nominalAccuracy(options.ladder[k]), subtracts: subtracts) { reach in
                self.kinkCrossing(output: i, input: j, reach: reach)
            }
            if case .disagree = judgement, case .differences(.complexStep) = options.ladder[k] {
                // A complex step that changes when its step shrinks was beyond f's own scale; the
                // smaller step's estimate is the witness then (it is judged in its place).
                if let small = complexStepAtSmallerSteps(w, output: i, input: j) {
                    w = small
                    judgement = judge(w, nominal: nominalAccuracy(options.ladder[k]), subtracts: false) { _ in nil }
                }
                if case .disagree(let tol, let wrong) = judgement {
                    // Among the subjects judge found wrong: a reverse mode within its own path bound
                    // stays unconvicted (the two-copies case above).
                    let bound = complexStepRoundingBound(output: i, input: j)
                    var beyond = values.filter { wrong.contains($0.0) && Swift.abs($0.1 - w.value) > Swift.max(tol, bound) }.map(\.0)
                    // A claim is a derivative of f as written, the complex step that of f as the
                    // floats compute it: where rounding inside f moves the latter by as much as
                    // the gap, the complex step does not judge the claim (the modes, which follow
                    // the floats too, it still judges). log(x₀² + 1)·x₁ at x₀ = 10⁻⁵ in Double:
                    // the claimed log1p(x₀²) is 1.3·10⁻¹⁷ off the floats' log(fl(x₀² + 1)), which
                    // moves by 2·10⁻¹⁶ with how x₀² + 1 rounds. An earlier agreement then stands.
                    // In Double: a Float check compares such a claim with the complex step of f
                    // in Double instead (`floatRoundingExcuse`), which tells a right claim from
                    // a wrong one where this noise, Float's, covers both.
                    let claims = beyond.filter { $0 != "forward" && $0 != "reverse" }
                    // The same offset bounded from f's tape of duals, which sees what no nearby
                    // point shows: 1/(x·x − c) at x = 1.4142135623731433, c = 2.0000000000001363
                    // has its pole within an ulp of x, where x·x rounds by twice x·x − c, so the
                    // noise measurement saw the pole (and kept out); the complex step's −1.43·10³¹
                    // convicted the exact f′, −5.74·10³¹ (jac's exact mode). The bound, 2.9·10³¹, is
                    // first order: as large as the derivative itself, nothing about f′ follows
                    // (the offset was 3 times the derivative), and past the entry's resolution
                    // on its row's and f's scales (as `judge`'s), so a derivative near 0 beside
                    // rounding of ε (sin at π/2) still judges claims.
                    let moved = !claims.isEmpty && eps < 1e-10 ? complexStepMoved(output: i, input: j) : nil
                    let resolution = Swift.max(rowScale, valueScale) * Double.pow(eps, 1.0 / 3.0)
                    let firstOrderFails = moved.map { $0 >= Swift.abs(w.value) && $0 > resolution } ?? false
                    let noise = !claims.isEmpty && eps < 1e-10 ? complexStepNoise(output: i, input: j) : nil
                    if noise != nil || moved != nil {
                        let allowed = Swift.max(tol, bound) + (noise ?? 0) + CheckOptions.errorEstimateSafety * (moved ?? 0)
                        let sheltered = claims.filter { c in
                            firstOrderFails || values.contains { $0.0 == c && Swift.abs($0.1 - w.value) <= allowed }
                        }
                        beyond.removeAll { sheltered.contains($0) }
                        if beyond.isEmpty && !sheltered.isEmpty {
                            judgement = .unreliable([.derivativeNoise])
                            // It still judged the others, and found them right: the modes follow
                            // the floats' f as it does. Without this, exact rationals (f computed
                            // exactly) found the modes off by that same rounding and convicted them
                            // beside the claim they agree with: 1/(x·x − 1) at 1.000001, forward and
                            // reverse 44 off −5.0000000008·10¹¹ (the rounding bound 111).
                            complexStepJudged = (name, w, Swift.max(tol, bound), [])
                            complexStepUnjudged = sheltered
                        }
                    }
                    if case .disagree = judgement {
                        judgement = beyond.isEmpty ? .unreliable([.noisyEvaluation]) : .disagree(Swift.max(tol, bound), beyond)
                    }
                }
            }
            if case .disagree = judgement, !options.ladder[k].fixedStencil { disagreedOnlyByFixedStencils = false }
            if case .differences(.complexStep) = options.ladder[k] {
                switch judgement {
                case .agree(let tol): complexStepJudged = (name, w, tol, [])
                case .disagree(let tol, let wrong): complexStepJudged = (name, w, tol, wrong)
                case .unreliable: break
                }
            }
            // Exact differences that read f exactly constant (0 ± 0) at a step below where a
            // float rung settled on a slope beyond its estimate: f is constant in a band around x
            // narrower than that rung's step, and moves beyond it. Newton started at its root
            // returns its start wherever the residual is within its tolerance: AD of it and the
            // exact differences inside the band say 0, central and adaptive beyond it −1/5 ± 3·10⁻¹¹.
            // The exact rung, last on the ladder, convicted the implicit-function gradient
            // (−1/5, 1/5), while the forward and reverse 0 were what the float rungs convicted.
            // Both are derivatives of f, at different scales: neither is shown wrong.
            // A value of exactly 0 with an estimate is the band's edge between h/2 and h: the
            // extrapolation from h/2 and h/4, (4·D(h/4) − D(h/2))/3, is 0 because f took one value
            // at both, and only D(h) moved. Newton from 1 with its start residual 8.6·10⁻⁹ under
            // a tolerance of 10⁻⁸ stays at 1 for δa up to 1.4·10⁻⁹, inside the exact step 1.9·10⁻⁹:
            // the exact rung read 0 ± 0.19, was unreliable, and the complex step's 0 convicted
            // the implicit-function gradient while central's −0.2 ± 3·10⁻¹¹ had convicted the
            // modes (Jacobi stopped on its residual at its start convicted forward, reverse and
            // the right claim so). The band is then known out to h/2 only.
            //
            // Only for a plateau of f's own, and only where every subject is one of the two
            // readings (a review): f takes f(x)'s value exactly at x ± the band's known half-width
            // (an f even about x, x² + a branch beyond 10⁻⁷, also reads 0 ± 0 there), and f moves
            // with the settled slope on both sides beyond the band (a branch p > c ? p − c : 0 is
            // constant up to c and moves on one side only: a kink near x, which the rungs
            // straddle). A claim far from both readings (7 for −1/5) is judged as before.
            if case .exactRationals = options.ladder[k], w.value == 0 {
                let inside = w.errorEstimate == 0 ? w.step : w.step / 2
                if let beyond = settledSlopeBeyond(outcomes, exactStep: inside),
                   // Within a tenth, as the one-sided slopes are asked below: the slope beyond
                   // carries the solver's own error (Jacobi stopped at 10⁻⁹ read 0.1818094 at
                   // 7.6·10⁻⁶ for the solution's 2/11, beyond central's estimate of 10⁻¹⁶).
                   values.allSatisfy({ v in
                       let tol = 0.1 * Swift.abs(beyond.slope) + CheckOptions.errorEstimateSafety * beyond.error
                       return Swift.abs(v.1) <= tol || Swift.abs(v.1 - beyond.slope) <= tol
                   }),
                   isPlateau(output: i, input: j, exactStep: inside, slope: beyond.slope, step: beyond.step) {
                    outcomes.append(RungOutcome(witness: name, value: 0, errorEstimate: 0, step: inside, outcome: "unreliable",
                                                warnings: [.flatBelowScale], evaluations: w.evaluations))
                    return make(.fdInconclusive(reasons: [.flatBelowScale]), nil, ladder: outcomes)
                }
            }
            if let done = record(name, w, judgement) { return done }
            // Asked only for its sharpness: unreliable here, it leaves the agreement standing as it
            // was before it was asked, rather than walking on to exact rationals (seconds for a
            // long loop).
            if k == askedComplexStep, case .unreliable = judgement { break }
        }
        rungsLeft = false
        complexStepAhead = nil
        judgingSubtracts = false
        // Near-kink rung: some difference straddled a kink that the recorded point does not touch
        // (relu of an argument within a step of 0). A central difference whose samples stay on
        // the recorded side decides; its small step costs rounding, which its estimate reports.
        if let safe = safeDisplacement {
            let name = "central-near-kink"
            let w = nearKinkEstimate(output: i, input: j, displacement: safe)
            let judgement = judge(w, nominal: DifferenceMethod.central.nominalRelativeAccuracy(epsilon: eps)) { _ in nil }
            if let done = record(name, w, judgement) { return done }
        }
        if opaqueNoiseExcused {
            let estimates = measuredNoiseEstimate(input: j)
            if i < estimates.count {
                let w = estimates[i]
                let judgement = judge(w, nominal: DifferenceMethod.richardson.nominalRelativeAccuracy(epsilon: eps),
                                      noiseCounted: true) { reach in
                    self.kinkCrossing(output: i, input: j, reach: reach)
                }
                // A scanned Richardson, not a fixed stencil: its disagreement is not one that the
                // noisy fixed stencils' no-convergence leaves undecided (∛x bisected to 10⁻¹⁰ with
                // a rule 10⁻³ off: 0.2154324 ± 10⁻⁸ against 0.2156478 was fd-inconclusive).
                if case .disagree = judgement { disagreedOnlyByFixedStencils = false }
                if let done = record("richardson-measured-noise", w, judgement) { return done }
            }
        }
        switch jumpAcross(output: i, input: j, slope: slope(nil)) {
        case .jump(let jump): return make(.discontinuity(jump: jump), nil, ladder: outcomes)
        case .undecided: return make(.fdInconclusive(reasons: [.crossesKink]), nil, ladder: outcomes)
        case .continuous: break
        }
        if let loose = conflictingLooseTolerance {
            if let (dName, dw, dTol, wrong) = laterDisagreement, dTol < loose { return convict(wrong, (dName, dw, dTol)) }
            return make(.fdInconclusive(reasons: [.witnessesConflict]), nil, ladder: outcomes)
        }
        if let (name, w, tol) = looseAgreement {
            if zeroAgreementDeferred && sharpestDisagreement != nil {
                return make(.fdInconclusive(reasons: [.witnessesConflict]), nil, ladder: outcomes)
            }
            // A sharper witness that disagrees decides; one no sharper contradicts the agreement.
            // A fixed stencil's estimate (h against 2h, at a step chosen from |x| alone) is not
            // verified against f: where it lies further from a verified witness's agreement than
            // both tolerances, its estimate is what broke, and it decides nothing. Near a solve's
            // pole 10⁻⁹ away, central's step of 7.6·10⁻⁶ crossed it and said −1.7e10 ± 4.3e9,
            // the difference told the measured noise said 1.15e18 ± 1.2e13 (the rules' value,
            // exactly 1.1529215035e18), and central, the sharper, convicted them.
            func fixedStencil(_ name: String) -> Bool { options.ladder.first { $0.name == name }?.fixedStencil ?? false }
            if let (dName, dw, dTol, wrong) = sharpestDisagreement,
               !(fixedStencil(dName) && !fixedStencil(name) && Swift.abs(dw.value - w.value) > tol + dTol) {
                return dTol < tol ? convict(wrong, (dName, dw, dTol))
                                  : make(.fdInconclusive(reasons: [.witnessesConflict]), nil, ladder: outcomes)
            }
            // A sharper witness put a claim outside its tolerance (inside only the path bound):
            // the loose agreement does not overrule it (Float RK4: central's 3.4 passed a claim
            // 1.2 off where the complex step's tolerance was 3·10⁻⁴).
            if let p = sharpestPathRounding, p < tol {
                return make(.fdInconclusive(reasons: [.pathRounding]), nil, ladder: outcomes)
            }
            // Likewise a mode a sharper witness found off by more than `sharp`, inside only its
            // accumulation allowance (see `agreeWithinAllowance`).
            if let p = sharpestAccumulationRounding, p < tol {
                return make(.fdInconclusive(reasons: [.accumulationRounding]), nil, ladder: outcomes)
            }
            // A marginal agreement that nothing later decided (the rungs after it unavailable: exact
            // rationals for a transcendental f, the complex step beside erf) is no pass either: a
            // claimed 0.075 for ∂/∂x₀ = 0.05 of sin(x₀)·0.05 + x₁² + erf(x₂) at (0, 9·10⁵, 0.3)
            // passed on Richardson's 0.0511 ± 0.0115 (a review).
            if unresolved(w) { return make(.fdInconclusive(reasons: [.belowResolution]), (name, w, tol), ladder: outcomes) }
            return make(looseAgreementMarginal ? .fdInconclusive(reasons: [.beyondEstimate]) : .agree, (name, w, tol), ladder: outcomes)
        }
        // No witness ran because f's samples on one side were not finite while f(x) is: x may be at
        // the edge of f's domain along eⱼ (x^1.5 at 0, where pow needs a base ≥ 0), where the
        // derivative is the one-sided one from inside. The right 0 of every mode was
        // "no-convergence, non-finite, unsupported-op" there, and the check failed. One-sided
        // differences from the defined side judge it, as any witness's estimate is judged.
        // A fixed stencil's disagreement beside no-convergence decides nothing either (below), and
        // at such an edge that is what the NaN samples leave.
        func atDomainEdge() -> EntryCheck? {
            guard reasons.contains(.nonFinite), let edge = domainEdgeLook(output: i, input: j, sharp: sharp) else { return nil }
            let name = options.inputName(j)
            guard let w = edge.estimate else {
                outcomes.append(RungOutcome(witness: edge.witnessName, value: nil, errorEstimate: nil, step: nil, outcome: "unreliable",
                                            warnings: [.noConvergence], evaluations: edge.evaluations))
                let why: [FDWarning] = edge.insideTheEdge ? Array(Set(reasons + [.domainEdge])).sorted() : [.domainEdge, .noConvergence]
                var e = make(.fdInconclusive(reasons: why), nil, ladder: outcomes)
                e.domainEdgeNote = edge.note(input: name, at: Double(x[j]), judged: false)
                return e
            }
            // Extrapolated, as Richardson's estimate is, and judged against its own error.
            let judgement = judge(w, nominal: DifferenceMethod.richardson.nominalRelativeAccuracy(epsilon: eps),
                                  slopeScale: edge.slopeScale) { reach in
                self.kinkCrossing(output: i, input: j, reach: reach)
            }
            var e: EntryCheck
            switch judgement {
            case .agree(let tol):
                outcomes.append(RungOutcome(witness: edge.witnessName, value: w.value, errorEstimate: w.errorEstimate, step: w.step,
                                            outcome: "agree", warnings: w.warnings, evaluations: edge.evaluations))
                // A subject as small as the estimate's own error is not told from 0 by it.
                e = unresolved(w) ? make(.fdInconclusive(reasons: [.belowResolution, .domainEdge]), (edge.witnessName, w, tol), ladder: outcomes)
                                  : make(.agree, (edge.witnessName, w, tol), ladder: outcomes)
            case .disagree(let tol, let wrong):
                outcomes.append(RungOutcome(witness: edge.witnessName, value: w.value, errorEstimate: w.errorEstimate, step: w.step,
                                            outcome: "disagree", warnings: w.warnings, evaluations: edge.evaluations))
                e = convict(wrong, (edge.witnessName, w, tol))
            case .unreliable(let why):
                outcomes.append(RungOutcome(witness: edge.witnessName, value: w.value, errorEstimate: w.errorEstimate, step: w.step,
                                            outcome: "unreliable", warnings: why, evaluations: edge.evaluations))
                e = make(.fdInconclusive(reasons: Array(Set(why + [.domainEdge])).sorted()), nil, ladder: outcomes)
            }
            let judged: Bool
            switch e.verdict {
            case .agree, .ruleWrong: judged = true
            default: judged = false
            }
            e.domainEdgeNote = edge.note(input: name, at: Double(x[j]), judged: judged)
            return e
        }
        if let (name, w, tol, wrong) = lastDisagreement {
            if disagreedOnlyByFixedStencils && reasons.contains(.noConvergence) {
                if let edge = atDomainEdge() { return edge }
                return make(.fdInconclusive(reasons: Array(Set(reasons)).sorted()), nil, ladder: outcomes)
            }
            // Nor does a fixed stencil convict where a verified witness, which judged nothing only
            // because noise covered a gap to some subject, lies further from it than both
            // tolerances: its h-against-2h estimate is what broke. atan(10⁸(x − ½)) + erf x at ½:
            // central's 205716 ± 34272 convicted the right forward and reverse modes (10⁸ + 0.88)
            // with a claim 10⁻⁶ off, beside Richardson's 10⁸ + 0.8788 ± 8·10⁻⁶.
            let judgedNothing: Set<FDWarning> = [.noisyEvaluation, .derivativeNoise, .pathRounding, .floatRounding, .accumulationRounding]
            if disagreedOnlyByFixedStencils, outcomes.contains(where: { o in
                guard o.outcome == "unreliable", let v = o.value, let e = o.errorEstimate, v.isFinite, e.isFinite,
                      !o.warnings.isEmpty, Set(o.warnings).isSubset(of: judgedNothing),
                      options.ladder.first(where: { $0.name == o.witness })?.fixedStencil == false else { return false }
                return Swift.abs(v - w.value) > tol + CheckOptions.errorEstimateSafety * e
            }) {
                return make(.fdInconclusive(reasons: Array(Set(reasons)).sorted()), nil, ladder: outcomes)
            }
            return convict(wrong, (name, w, tol))
        }
        if let edge = atDomainEdge() { return edge }
        let unique = Array(Set(reasons)).sorted()
        return make(.fdInconclusive(reasons: unique), nil, ladder: outcomes)
    }

    /// The powers of two a pass's seed is scaled by (``rangeLossSeeds(for:)``: 2⁵⁰⁰ and 2¹⁰⁰⁰ in
    /// Double, 2⁶² and 2¹²⁴ in Float).
    var rangeSeeds: [V] { rangeLossSeeds(for: V.self) }

    /// Entry (i, j) of forward or reverse mode from passes whose direction (forward: eⱼ) or
    /// cotangent (reverse: eᵢ, on the check's recording) is scaled by each of ``rangeSeeds``,
    /// divided back. Scaling by a power of two is exact for every tangent and adjoint in the
    /// normal range, so these equal the unseeded entry unless one left it.
    mutating func seededValues(mode: String, output i: Int, input j: Int) -> [(seed: Double, value: Double)] {
        let seeds = rangeSeeds
        let m = value.count, n = x.count
        let passes: [[Double]]
        if mode == "reverse" {
            // With the row's largest safe seed where 2¹⁰⁰⁰ overflows (seededReverseRows): in
            // x²/x³⁰⁰ + 10¹⁰·y the fixed seeds showed nothing and the division rule was convicted.
            if seededReverseCache[i] == nil {
                let rows = recording.map { seededReverseRows(recording: $0, output: i, seeds: seeds) }
                    ?? seeds.map { (seed: $0, row: nil) }
                seededReverseCache[i] = rows.map { $0.row ?? [Double](repeating: .nan, count: n) }
                seededReverseSeeds[i] = rows.map(\.seed)
            }
            let all = seededReverseSeeds[i] ?? seeds
            passes = (seededReverseCache[i] ?? []).map { $0.count == n ? [$0[j]] : [.nan] }
            return zip(all, passes).map { (seed: Double($0), value: $1[0]) }
        } else {
            if seededForwardCache[j] == nil { seededForwardCache[j] = seeds.map { seededPass(mode: mode, output: i, input: j, seed: $0) } }
            passes = (seededForwardCache[j] ?? []).map { $0.count == m ? [$0[i]] : [.nan] }
        }
        return zip(seeds, passes).map { (seed: Double($0), value: $1[0]) }
    }

    /// Row i (reverse) or column j (forward) of one pass with its seed scaled by `seed`, divided
    /// back; NaN where the pass failed.
    func seededPass(mode: String, output i: Int, input j: Int, seed: V) -> [Double] {
        let m = value.count, n = x.count
        if mode == "reverse" {
            // A VJP failing in the sweep, or an adjoint overflowing, gives NaN here, which is ignored.
            return recording.flatMap { seededReverseRow(recording: $0, output: i, seed: seed) } ?? [Double](repeating: .nan, count: n)
        }
        let f = self.f
        return seededForwardColumn(of: { f($0) }, at: x, input: j, outputs: m, seed: seed) ?? [Double](repeating: .nan, count: m)
    }

    /// Entry (i, j) of the pass with seed `seed`/2⁸, which shows whether the pass at `seed` kept
    /// every term: a term still subnormal there loses 8 more bits here and the two differ, while
    /// terms in range at both scale exactly and the two are equal.
    func confirmingValue(mode: String, output i: Int, input j: Int, seed: Double) -> Double {
        let s = V(seed) / 256
        let pass = seededPass(mode: mode, output: i, input: j, seed: s)
        let k = mode == "reverse" ? j : i
        return k < pass.count ? pass[k] : .nan
    }

    /// A complex-step estimate at steps 2²⁰ and 2²⁰⁰ times smaller than a disagreeing one's, when
    /// a clean one differs from it beyond both estimates (the smallest such), else nil. The
    /// truncation estimate compares h with 2h, which cannot see a step beyond f's own scale:
    /// √(x² + 1e-42) at 0, whose branch points lie 1e-21 off the axis, gave 0.99 at both (the
    /// derivative is 0) and accused every mode.
    func complexStepAtSmallerSteps(_ w: DifferenceEstimate, output i: Int, input j: Int) -> DifferenceEstimate? {
        guard w.step > 0 else { return nil }
        let v = x.indices.map { $0 == j ? V(1) : V(0) }
        var found: DifferenceEstimate? = nil
        // Not so small that an imaginary part along the way leaves V's normal range: one that
        // passes through the subnormals keeps only a few bits, and scaled up afterwards it is far
        // off while its estimate, the final part's quantum, stays small. Each node's imaginary
        // part is about the step times its tangent, so the step is kept at least the least
        // normal magnitude over ε and over the smallest tangent on the tape. In Float 2⁻²⁰⁰ of
        // any step is below the range and was taken as the least subnormal, 1.4e-45: cos(x₂)·x₂
        // at x₂ = 8614469 read sin x₂ = 0.895 as 1 there (Im cos z = −sin x₂·h rounds to −h),
        // gave −8614469 ± 4.5 for −7712985 (mpmath), and convicted forward and reverse mode
        // beside a swapped claim; atan(x₂)·x₀x₁ at x₂ = −627373 (tangent of atan 2.5·10⁻¹²) was
        // 0.1% off at a step of 10⁻³¹ with an estimate of 10⁻⁶ of that.
        let smallestTangent = graph?.tangents(input: j).lazy.filter { $0 != 0 && $0.isFinite }.map { Swift.abs($0) }.min() ?? 1
        let floor = Double(V.leastNormalMagnitude) / eps / Swift.min(1, smallestTangent)
        var previous = w.step
        for shrink in [0x1p-20, 0x1p-200] {
            let step = Swift.max(w.step * shrink, floor)
            guard step < previous else { break }
            previous = step
            let (small, _, _) = complexStepDirectional(f, at: x, direction: v, outputs: value.count, step: .absolute(step))
            guard i < small.count, small[i].warnings.isEmpty, small[i].value.isFinite else { continue }
            if Swift.abs(small[i].value - w.value) > CheckOptions.errorEstimateSafety * (small[i].errorEstimate + w.errorEstimate) {
                found = small[i]
            }
        }
        return found
    }

    /// ``complexStepUnderflowLoss(_:step:nodes:)`` of entry (i, j) at step h, from the tape's
    /// tangents along eⱼ and its path magnitudes from each node to output i; 0 without a tape.
    /// The step's own estimate sees only the final imaginary part and the seed: at √(x₀² + x₁²),
    /// x₀ = x₁ = 10⁻¹⁵⁰ and 10⁻¹⁵⁵, the complex step read 0.7071169 "± 3.1·10⁻¹⁶" and 0 ± 10⁻¹⁴³
    /// for 1/√2 and convicted the right forward and reverse mode.
    ///
    /// +∞ where a user primitive on the path may lose an imaginary part inside its primal
    /// (``complexStepUnderflowsInsideOpaquePrimal(_:step:arguments:)``): the tape holds it as one
    /// node, so no quanta can be counted. The same √(x₀² + x₁²) as a user primitive at
    /// (3·10⁻¹⁵⁰, 4·10⁻¹⁵⁰) read 0 ± 1.6·10⁻¹⁴⁸ for (0.6, 0.8), and its right rule was convicted.
    mutating func complexStepUnderflowBound(output i: Int, input j: Int, step h: Double) -> Double {
        guard let graph, h > 0, i < graph.outputNodes.count, let o = graph.outputNodes[i] else { return 0 }
        if signedTangentCache[j] == nil { signedTangentCache[j] = graph.tangents(input: j) }
        if adjointMagnitudeCache[i] == nil { adjointMagnitudeCache[i] = graph.paths.adjointMagnitudes(output: o) }
        guard let tangents = signedTangentCache[j], let adjoint = adjointMagnitudeCache[i] else { return 0 }
        let count = Swift.min(o + 1, tangents.count, adjoint.count, graph.args.count, graph.ops.count)
        for k in 0..<count where graph.ops[k] == .custom && adjoint[k] != 0 {
            let arguments = graph.args[k].lazy.filter { $0 >= 0 && $0 < tangents.count && $0 < graph.values.count }
                .map { (value: graph.values[$0], tangent: tangents[$0]) }
            if complexStepUnderflowsInsideOpaquePrimal(V.self, step: h, arguments: arguments) { return .infinity }
        }
        let nodes = (0..<Swift.min(o + 1, tangents.count, adjoint.count, graph.args.count)).lazy
            .filter { !graph.args[$0].isEmpty }
            .map { (tangent: tangents[$0], sensitivity: adjoint[$0]) }
        return complexStepUnderflowLoss(V.self, step: h, nodes: nodes)
    }

    /// The rounding the complex step's imaginary part can carry where f's tangent is a sum that
    /// cancels: 4·64·ε times the sum of the path magnitudes (``TapeGraph/tangents(input:magnitudes:)``);
    /// the estimate's 4ε of |D| assumes no cancellation. (eˣ − e⁻ˣ)/2 − x at 0.01 in Float sums
    /// terms near 1 into 5e-5, and its complex step was off in the third digit. Subjects within
    /// it are not convicted; those beyond it still are. The imaginary part is h times a tangent
    /// carried as forward mode carries it, so no more than forward mode's own bound
    /// (``forwardColumnRounding(output:input:)``), which nets copies that cancel exactly: with
    /// the path bound, exp(30x) − exp(30x) + sin x's complex step could convict nothing.
    mutating func complexStepRoundingBound(output i: Int, input j: Int) -> Double {
        guard let graph, i < graph.outputNodes.count, graph.outputNodes[i] != nil else { return 0 }
        let path = CheckOptions.errorEstimateSafety * accumulationBound(output: i, input: j)
        return path.isFinite ? Swift.min(path, forwardColumnRounding(output: i, input: j)) : 0
    }

    /// f(x + h·eⱼ) and f(x − h·eⱼ), every output, evaluated once per input and step: the jump
    /// tests read one output each, and a 60×60 check whose entries escalated past the first rung
    /// spent half its time evaluating f at the same six points of a column for each of its 60
    /// outputs (perf, `AdjointBench check-loop`). The same points give the same values, so the
    /// verdicts are those of evaluating anew.
    mutating func evaluationsAround(input j: Int, step h: V) -> (plus: [V], minus: [V]) {
        if let known = aroundCache[j]?[Double(h).bitPattern] { return known }
        var plus = x, minus = x
        plus[j] += h; minus[j] -= h
        Instrumentation.countEvaluation(2)
        let (yp, _) = Diagnostics.collect { f(plus) }
        let (ym, _) = Diagnostics.collect { f(minus) }
        aroundCache[j, default: [:]][Double(h).bitPattern] = (yp, ym)
        return (yp, ym)
    }

    /// What symmetric differences show of fᵢ at x along eⱼ: for a continuous function
    /// f(x + h) − f(x − h) shrinks with h (linearly where differentiable, like √h at a singular
    /// point), for a jump it tends to the jump. Three steps 2¹⁰ apart decide.
    enum JumpTest { case continuous, jump(Double), undecided }

    /// The steps stay short of a user primitive's kink near the point but not at it (a quarter of the way): a
    /// user primitive x > 1 ? x + 1 : x, its jump declared, was called discontinuous at 1 + 10⁻¹⁰,
    /// where it is linear on both sides for 10⁻¹⁰, because every step crossed the jump. There the
    /// steps come closer together (down to 2⁴ apart) to fit above 16 ulps of x; where even that
    /// does not fit the test is undecided, never "continuous": a jump at the point with another
    /// kink 10⁻⁹ away passed as agree when no jump was claimed (a review).
    mutating func jumpAcross(output i: Int, input j: Int, slope: Double) -> JumpTest {
        let scale = Swift.max(1, Swift.abs(Double(x[j])))
        var first = scale * Double.pow(2, -10)
        var spacing = 10.0
        if let graph, !graph.kinkCandidates.isEmpty,
           // Only a user primitive's declared kink can be a jump: crossing a built-in one (abs,
           // relu, max) leaves f continuous, and its differences shrink all the same (|x| at
           // 5e-324, where no step fits beside the kink, is still judged by the complex step).
           let room = graph.kinkRooms(output: i, input: j, tangents: graph.tangents(input: j))
               .filter({ $0.room > 0 && $0.node < graph.ops.count && graph.ops[$0.node] == .custom }).map(\.room).min(),
           room < 4 * first {
            first = room / 4
            let smallest = 16 * Double(x[j].ulp)
            while spacing > 4 && first * Double.pow(2, -2 * spacing) <= smallest { spacing -= 1 }
            guard first * Double.pow(2, -2 * spacing) > smallest else { return .undecided }
        }
        let fi = i < value.count ? Swift.abs(Double(value[i])) : 0
        // f's own rounding (ε·Σ|∂fᵢ/∂v|·|v| over the tape) too: x₁² computed as (x₀ + x₁)² − x₀² − 2x₀x₁
        // at x₀ = 10⁸ is noise of a few units, and that noise read as a jump of −0.37.
        let rounding = i < roundingScale.count && roundingScale[i].isFinite ? roundingScale[i] : 0
        let noise = 64 * eps * Swift.max(fi, 1, rounding)
        let smallest = 16 * Double(x[j].ulp)
        var deltas: [Double] = []
        // Three steps 2^spacing apart decided alone, and both ways wrongly at times. A continuous f
        // that varies below the steps: cos(10¹⁰·relu(z)) at z = −7·10⁻¹⁰², 10⁻¹⁰¹ from relu's kink,
        // differed by −1.9, 0.3, −1.99 at 2⁻¹⁰, 2⁻²⁰, 2⁻³⁰, read as a jump of −1.99 ("no derivative
        // exists", check failed) beside a right 0. A jump of 1 with slopes 10⁶ beside it differed
        // by 1954, 2.9, 1.002 (mostly slope at first), read as shrinking, and its one-sided 10⁶
        // agreed. So the steps go on down until the finest differences decide: continuous where
        // they are noise, a pole's growth, explained by the slope, or still shrinking 4-fold a
        // step; a jump where the last two agree within a quarter and within what the slope moves
        // them between the two steps; undecided if neither before 16 ulps of xⱼ or 2⁻¹³⁰ of the
        // first step.
        //
        // A jump the steps settled on may lie between x and the steps: min(2·sigmoid(π/y), 1) at
        // y = 2.4·10⁻¹⁰⁰ jumps from 0 to 1 at y = 0, and every step from 2⁻¹⁰ down to 2⁻¹³⁰
        // crossed it, so the check said "no derivative exists" at a point where f is 1 for 10⁻¹⁰⁰
        // around (f′ = 0, which the modes and the complex step gave). One more difference at 16
        // ulps of xⱼ decides: still the jump, a jump at x; noise or the slope's share there, f
        // is continuous at x and the jump is elsewhere (a derivative is local); anything else
        // decides nothing.
        func confirmedAtTheFinestStep(jump: Double, above h: Double) -> JumpTest {
            guard smallest < h else { return .jump(jump) }
            let (yp, ym) = evaluationsAround(input: j, step: V(smallest))
            guard i < yp.count, i < ym.count else { return .undecided }
            let d = Double(yp[i]) - Double(ym[i])
            guard d.isFinite else { return .undecided }
            if Swift.abs(d - jump) <= 0.25 * Swift.abs(jump) { return .jump(d) }
            if Swift.abs(d) <= noise || Swift.abs(d) <= 8 * smallest * Swift.abs(slope) { return .continuous }
            return .undecided
        }
        var k = 0.0, previousStep = 0.0
        while k <= 12 * spacing {
            let h = first * Double.pow(2, -k)
            if k > 2 * spacing && h <= smallest { return .undecided }
            let (yp, ym) = evaluationsAround(input: j, step: V(h))
            guard i < yp.count, i < ym.count else { return .continuous }
            let d = Double(yp[i]) - Double(ym[i])
            guard d.isFinite else { return .continuous }
            deltas.append(d)
            k += spacing
            let coarser = previousStep
            previousStep = h
            guard deltas.count >= 3 else { continue }
            let (a, b, c) = (Swift.abs(deltas[deltas.count - 3]), Swift.abs(deltas[deltas.count - 2]), Swift.abs(d))
            // A pole a step or less away: the differences grow as the step nears it (see `jumpFromDifferences`).
            if 4 * a < b && 4 * b < c { return .continuous }
            if c <= noise || c <= 8 * h * Swift.abs(slope) || c <= 0.25 * b { return .continuous }
            let moved = Swift.abs(deltas[deltas.count - 2] - d)
            if moved <= 0.25 * c && moved <= 4 * coarser * Swift.abs(slope) + 4 * noise { return confirmedAtTheFinestStep(jump: d, above: h) }
        }
        return .undecided
    }

    /// Whether fᵢ's slope along eⱼ jumps at x: the second difference (f(x + h) − 2f(x) + f(x − h))/h
    /// is h·f″ for a smooth f and shrinks with h, while at a kink it is the jump of the one-sided
    /// slopes whatever the step. At three steps, the smallest √ε·|xⱼ| (where f's rounding over it
    /// is still small: at 2⁻³⁰ a Float's rounding hid a slope jump of 1) and each 2ˢ above the
    /// next (s = 10 in Double, 5 in Float), a kink shows as the same nonzero value, within a
    /// quarter, at all three steps, above f's rounding over the smallest; a smooth f's value
    /// falls 2ˢ-fold between them, and a pole within the steps makes them differ too. No
    /// recorded kink op may be near (``kinkCrossing(output:input:reach:)``): those have their own rung.
    mutating func slopeJumpAcross(output i: Int, input j: Int) -> Bool {
        guard i < value.count else { return false }
        let scale = Swift.max(1, Swift.abs(Double(x[j])))
        let f0 = Double(value[i])
        let low = (Double.log2(eps) / 2).rounded()
        let s = Swift.min(10, ((-low - 2) / 2).rounded(.down))
        var second: [Double] = []
        for k in [-low - 2 * s, -low - s, -low] {
            let h = V(scale * Double.pow(2, -k))
            let (yp, ym) = evaluationsAround(input: j, step: h)
            guard i < yp.count, i < ym.count else { return false }
            let g = (Double(yp[i]) - 2 * f0 + Double(ym[i])) / Double(h)
            guard g.isFinite else { return false }
            second.append(g)
        }
        let rounding = i < roundingScale.count && roundingScale[i].isFinite ? roundingScale[i] : 0
        let noise = 64 * eps * Swift.max(Swift.abs(f0), 1, rounding)
        let smallest = scale * Double.pow(2, low)
        // All three: two could match by chance on a periodic f (sin(ωx) where ω·h₁ is near 2π; a
        // review hid a sign-flipped sin rule at 1.19e6 so).
        let g2 = second[2]
        return Swift.abs(g2) > 8 * noise / smallest
            && second.allSatisfy { ($0 > 0) == (g2 > 0) && Swift.abs($0 - g2) <= 0.25 * Swift.abs(g2) }
    }

    /// How far forward mode's ∂fᵢ/∂xⱼ moves, beyond its smooth change, when the inputs move by a
    /// few to a million of the steps at which f's intermediates round differently
    /// (``roundingNoise(outputs:of:)``), measured once per column for every output. Forward mode
    /// runs the rule under test, so this only ever keeps a mode from being convicted, never
    /// passes it.
    mutating func derivativeNoise(output i: Int, input j: Int) -> Double? {
        let m = value.count, f = self.f
        guard i < m, j < x.count else { return nil }
        if forwardNoiseCache[j] == nil {
            forwardNoiseCache[j] = roundingNoise(outputs: m) { p in
                seededForwardColumn(of: { f($0) }, at: p, input: j, outputs: m, seed: 1)
            }
        }
        return forwardNoiseCache[j].flatMap { i < $0.count && !$0[i].isNaN ? $0[i] : nil }
    }

    /// The same for the complex step's ∂fᵢ/∂xⱼ, which runs no rule: how far the derivative of f
    /// as the floats compute it, which the complex step measures, moves with f's rounding. Once
    /// per column: per entry, a claimed Jacobian transposed at 200 × 200 would have cost 40,000
    /// times 24 evaluations of f.
    mutating func complexStepNoise(output i: Int, input j: Int) -> Double? {
        let m = value.count, f = self.f
        guard i < m, j < x.count else { return nil }
        if complexStepNoiseCache[j] == nil {
            let direction = x.indices.map { $0 == j ? V(1) : V(0) }
            complexStepNoiseCache[j] = roundingNoise(outputs: m) { p in
                let (estimates, _, problem) = complexStepDirectional(f, at: p, direction: direction, outputs: m, step: .automatic)
                return problem == nil && estimates.count == m ? estimates.map(\.value) : nil
            }
        }
        return complexStepNoiseCache[j].flatMap { i < $0.count && !$0[i].isNaN ? $0[i] : nil }
    }

    /// How far rounding inside f can move the derivative the complex step measures (of f as the
    /// floats compute it) from f′ at x, to first order (``derivativeRoundingBound(of:at:direction:)``
    /// along eⱼ), or nil where the bound could not be made. Once per column, and only for a claim
    /// the complex step disagrees with: the bound is also every entry's
    /// ``EntryCheck/derivativeRoundingBound``, but that is read after the entries are judged.
    mutating func complexStepMoved(output i: Int, input j: Int) -> Double? {
        guard i < value.count, j < x.count else { return nil }
        if complexStepMovedCache[j] == nil {
            let direction = [x.indices.map { V($0 == j ? 1 : 0) }]
            let columns = rounding?.bounds(x, direction) ?? derivativeRoundingBounds(of: f, at: x, directions: direction).bounds
            complexStepMovedCache[j] = columns.first.flatMap { $0 } ?? []
        }
        return complexStepMovedCache[j].flatMap { i < $0.count && !$0[i].isNaN ? $0[i] : nil }
    }

    /// The ladder's name for the measurement of ``derivativeNoise(output:input:)``.
    static var derivativeNoiseRung: String { "forward mode at x ± rounding steps" }

    /// How far a derivative d strays from a smooth curve when the inputs move by a few to a
    /// million of the steps at which f's intermediates round differently: at each scale
    /// h = ε·2ᵏ (k = 9, 13, 17, 21 in Double; 4, 7, 9, 11 in Float), d at x + t·h·u for t = 0,
    /// ±0.382, ±0.618, ±1, u moving every input by ±max(|xₖ|, 1) but never by more than 2⁻¹⁰ of
    /// itself (signs mixed), a least-squares parabola through them, and twice the largest
    /// residual. A smooth d departs from the parabola by d‴h³, far below; one that follows
    /// rounding inside f jitters about it by that rounding's effect, which is also how far d(x)
    /// may lie from f's smooth derivative. 1 + r for r = 10⁻⁷ rounds by up to half an ε, and
    /// ((1 + r)¹² − 1)/r's derivative moves by up to 0.13 with it (0.06 at 10⁻⁷ itself). Every
    /// input moves, since the rounding that moves ∂/∂xⱼ need not be xⱼ's: log(x₀² + 1)·x₁ is
    /// linear in x₁, and its ∂/∂x₁ follows how x₀² + 1 rounds, a staircase in x₀ whose second
    /// differences at x₀ ± h were exactly 0 (a symmetric pair of points lands on treads
    /// symmetrically): hence a fit through points at irrational fractions of h. The cap keeps a
    /// small input small: in Float, x₀ = 10⁻⁵ moved by 2.4·10⁻⁴ reached treads that x₀ itself is
    /// nowhere near, and the "noise" hid sign-flipped claims. One figure per output of d (a
    /// column); NaN where d fails or is not finite at x; points where it does are left out.
    func roundingNoise(outputs m: Int, of d: ([V]) -> [Double]?) -> [Double] {
        guard let d0 = d(x), d0.count == m else { return [Double](repeating: .nan, count: m) }
        let powers: [Double] = eps < 1e-10 ? [9, 13, 17, 21] : [4, 7, 9, 11]
        let fractions: [Double] = [-1, -0.6180339887498949, -0.3819660112501051, 0.3819660112501051, 0.6180339887498949, 1]
        var noise = d0.map { $0.isFinite ? 0.0 : .nan }
        // Per output, whether a scale already showed d following a nearby singularity: a larger
        // move only comes closer to it (or crosses it), so its residual says nothing of rounding.
        var singular = [Bool](repeating: false, count: m)
        for k in powers {
            var samples: [(t: Double, d: [Double])] = [(0, d0)]
            for t in fractions {
                var p = x
                // The fraction each input actually moved: x + t·move rounds to x's grid, by up to
                // 2⁻ᵏ of the move, and a d with a steep smooth slope fitted at the nominal t left
                // that slope times the rounding as residual (√(x − 1) at 1 + 10⁻¹⁰: 0.025 of 5·10⁴).
                var realized = 0.0, moved = 0
                for q in x.indices {
                    // Fixed mixed signs, so that no two inputs' moves cancel in a sum of them.
                    let sign: Double = ((q &* 2_654_435_761) >> 7) & 1 == 0 ? 1 : -1
                    let magnitude = Swift.abs(Double(x[q]))
                    let move = Swift.min(Swift.max(1, magnitude) * eps * Double.pow(2, k), magnitude / 1024)
                    p[q] += V(move * t * sign)
                    if move > 0 {
                        realized += Double(p[q] - x[q]) / (move * sign)
                        moved += 1
                    }
                }
                guard p != x, let v = d(p), v.count == m else { continue }
                let tr = moved > 0 ? realized / Double(moved) : t
                samples.append((tr.isFinite ? tr : t, v))
            }
            for i in 0..<m where !noise[i].isNaN && !singular[i] {
                let finite = samples.filter { $0.d[i].isFinite }
                guard finite.count >= 5, let fit = parabolaFit(finite.map(\.t), finite.map { $0.d[i] }) else { continue }
                // Near a pole or branch point at distance D, a smooth d moves by terms in (h/D)ⁿ:
                // the residual is the next term, about (quadratic)²/(linear) beside a linear term
                // far larger, or (quadratic)²/d where d is even about x (atan(10⁸(x − ½)) at ½).
                // Rounding jitters without that pattern (it leaves the fitted trend at its own
                // size, or the residual far above the Taylor tail). Taken for noise, the tail
                // sheltered claims: tan at 4.9·10⁻¹² from π/2 measured 10²⁰ and passed one 0.1%
                // off; √(x − 1) at 1 + 10⁻¹⁰ passed one 10⁻⁶ off.
                let (residual, linear, quadratic) = (fit.residual, Swift.abs(fit.linear), Swift.abs(fit.quadratic))
                let size = Swift.abs(d0[i])
                let oddTail = linear >= 64 * residual && residual <= 16 * quadratic * quadratic / linear
                let evenTail = quadratic >= 64 * residual && residual <= 16 * quadratic * quadratic / size
                if residual > 0, oddTail || evenTail {
                    singular[i] = true
                    continue
                }
                noise[i] = Swift.max(noise[i], 2 * residual)
            }
        }
        return noise
    }

    /// The largest |dᵢ − p(tᵢ)| for the least-squares parabola p(t) = c₀ + c₁t + c₂t² through
    /// (tᵢ, dᵢ), with c₁ and c₂, or nil.
    func parabolaFit(_ ts: [Double], _ ds: [Double]) -> (residual: Double, linear: Double, quadratic: Double)? {
        // Centred on d's mean, so the normal equations do not carry d's size.
        let mean = ds.reduce(0, +) / Double(ds.count)
        var s = [Double](repeating: 0, count: 5), r = [Double](repeating: 0, count: 3)
        for (t, d) in zip(ts, ds) {
            var power = 1.0
            for e in 0..<5 {
                s[e] += power
                if e < 3 { r[e] += power * (d - mean) }
                power *= t
            }
        }
        // [s0 s1 s2; s1 s2 s3; s2 s3 s4]·c = r by Cramer's rule.
        func det(_ m: [[Double]]) -> Double {
            m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
                + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0])
        }
        let a = [[s[0], s[1], s[2]], [s[1], s[2], s[3]], [s[2], s[3], s[4]]]
        let d0 = det(a)
        guard d0 != 0, d0.isFinite else { return nil }
        var c = [0.0, 0.0, 0.0]
        for col in 0..<3 {
            var m = a
            for row in 0..<3 { m[row][col] = r[row] }
            c[col] = det(m) / d0
        }
        guard let residual = zip(ts, ds).map({ t, d in Swift.abs(d - mean - (c[0] + c[1] * t + c[2] * t * t)) }).max() else { return nil }
        return (residual, c[1], c[2])
    }

    /// The complex step's ∂fᵢ/∂xⱼ at xⱼ's neighbouring floating-point numbers below and above,
    /// with the larger of their error estimates, or nil where either is not a clean finite
    /// estimate: on a branch of f's code that switches exactly at x they are the slopes of the two
    /// pieces, and elsewhere they differ by about f″ times an ulp. The complex step, not forward
    /// mode: it runs no derivative rule, so a wrong rule cannot make the two sides differ.
    func branchSlopesAcross(output i: Int, input j: Int) -> (left: Double, right: Double, error: Double)? {
        let direction = x.indices.map { $0 == j ? V(1) : V(0) }
        var slopes: [Double] = []
        var error = 0.0
        for neighbour in [x[j].nextDown, x[j].nextUp] {
            guard neighbour.isFinite else { return nil }
            var point = x
            point[j] = neighbour
            let (estimates, _, problem) = complexStepDirectional(f, at: point, direction: direction, outputs: value.count,
                                                                 step: .automatic)
            guard problem == nil, i < estimates.count, estimates[i].value.isFinite, estimates[i].errorEstimate.isFinite,
                  estimates[i].warnings.isEmpty else { return nil }
            slopes.append(estimates[i].value)
            error = Swift.max(error, estimates[i].errorEstimate)
        }
        return (slopes[0], slopes[1], error)
    }

    /// When a difference reaching `reach` along eⱼ may straddle a kink-capable op on a path to
    /// output i, the largest displacement that stays on the recorded side (else nil). Uses the
    /// linearisation: the op's argument moves by about |∂arg/∂xⱼ|·t.
    mutating func kinkCrossing(output i: Int, input j: Int, reach: Double) -> Double? {
        guard reach > 0 else { return nil }
        return kinkRooms(output: i, input: j).filter { $0.room <= reach }.map(\.room).min()
    }

    /// A kink touched at the point (distance 0) on a path from input j to output i whose argument
    /// also moves with another input, and that input, when two or more touched kinks move along
    /// eⱼ; nil otherwise. With one kink the pieces meeting there differ by a function that
    /// vanishes on its surface, so their ∂/∂xⱼ are exactly the one-sided derivatives and the
    /// interval is exact (|x − y| at 0 claimed ∂x = 3 is wrong); with two, their effects along eⱼ
    /// can cancel, as |x + y| − |y| at (0, 0) along y shows. Worked out only when a subject lies
    /// outside the one-sided derivatives.
    mutating func touchedKinkAcrossInputs(output i: Int, input j: Int) -> (node: Int, other: Int)? {
        guard let graph else { return nil }
        let mask = graph.onPath(output: i, input: j)
        if tangentCache[j] == nil { tangentCache[j] = graph.tangents(input: j) }
        guard let tj = tangentCache[j] else { return nil }
        // A vector call is one kink, however many of its outputs lie on the path: counted per
        // output, (min, max) of a tie read both ways as two kinks, and a wrong claim was left
        // unresolved.
        var calls: Set<Int> = []
        let moving = zip(graph.kinkCandidates, graph.kinkSensitivities(tangents: tj)).filter { c, s in
            guard c.distance == 0 && mask[c.node] && s > 0 else { return false }
            return graph.vectorCalls[c.node].map { calls.insert($0.outputs.lowerBound).inserted } ?? true
        }.map(\.0)
        guard moving.count >= 2 else { return nil }
        for c in moving {
            for k in x.indices where k != j {
                if tangentCache[k] == nil { tangentCache[k] = graph.tangents(input: k) }
                guard let t = tangentCache[k] else { continue }
                let s = graph.kinkSensitivity(c.node, tangents: t)
                if s > 0 || s.isNaN { return (c.node, k) }
            }
        }
        return nil
    }

    /// A vector primitive call touched at its declared kink on a path from input j to output i
    /// whose kink set there is not one hyperplane, by its first output's node; nil otherwise. The
    /// one-sided interval along eⱼ bounds a generalised gradient's component only where one
    /// surface is crossed (see ``touchedKinkAcrossInputs(output:input:)``), and a vector primitive
    /// declares a distance, not how many surfaces meet: at a triple tie of a sort of three the
    /// median's one-sided derivatives along x₁ are [0, 0], yet (0, 1, 0), the rule's convention,
    /// is a limit of its gradients, and the right rule was convicted (a review).
    mutating func touchedVectorKinkOfSeveralSurfaces(output i: Int, input j: Int) -> Int? {
        guard let graph else { return nil }
        let mask = graph.onPath(output: i, input: j)
        var judged: Set<Int> = []
        for c in graph.kinkCandidates where c.distance == 0 && mask[c.node] {
            guard let call = graph.vectorCalls[c.node], judged.insert(call.outputs.lowerBound).inserted else { continue }
            if !Self.kinkIsOneHyperplane(call.primitive, at: call.inputValues) { return call.outputs.lowerBound }
        }
        return nil
    }

    /// Whether a vector primitive's declared kink distance near `y` (where it is 0) is that of one
    /// hyperplane through `y`: d(y + s·w) = s·|n·w| up to a constant, so for directions a, b the
    /// values at a + b and a − b are, in some order, g(a) + g(b) and |g(a) − g(b)|. Tried on
    /// seeded random pairs at s = 2⁻²⁶ of the inputs' scale (a curved surface's own term is of
    /// that relative size, the tolerance 10⁻⁵). A distance that is 0 along a random direction (a
    /// line of ties through the point), not finite, or asked outside the domain is not a hyperplane.
    static func kinkIsOneHyperplane(_ p: any VectorPrimitive.Type, at y: [Double]) -> Bool {
        let s = 0x1p-26 * Swift.max(1, y.map { Swift.abs($0) }.max() ?? 0)
        func g(_ w: [Double]) -> Double? {
            let z = zip(y, w).map { $0 + s * $1 }
            // A negative distance is no distance (its abs was read as one); off the recorded
            // inputs nothing names it, and the question is left unanswered, as for NaN.
            guard p.domainViolation(z) == nil, let d = p.kinkDistance(z), d.isFinite, d >= 0 else { return nil }
            return d / s
        }
        var rng = SeededGenerator(seed: 0x4B1E_5EED)
        // Continuous entries: directions from a few values tie by chance (two equal entries put
        // a sort pair's tie along w), and y + s·w rounds by ε·|y|/s ≈ 10⁻⁸ of g, inside the tolerance.
        let directions = (0..<4).map { _ in y.map { _ in 2 * rng.nextUnit() - 1 } }
        var values: [Double] = []
        for w in directions {
            guard let v = g(w), v > 0 else { return false }
            values.append(v)
        }
        for a in 0..<directions.count {
            for b in (a + 1)..<directions.count {
                let sum = zip(directions[a], directions[b]).map { $0 + $1 }
                let difference = zip(directions[a], directions[b]).map { $0 - $1 }
                guard let plus = g(sum), let minus = g(difference) else { return false }
                let (ga, gb) = (values[a], values[b])
                let tol = 1e-5 * (ga + gb)
                let straight = Swift.abs(plus - (ga + gb)) <= tol && Swift.abs(minus - Swift.abs(ga - gb)) <= tol
                let crossed = Swift.abs(minus - (ga + gb)) <= tol && Swift.abs(plus - Swift.abs(ga - gb)) <= tol
                if !straight && !crossed { return false }
            }
        }
        return true
    }

    /// For each kink-capable op on a path from input j to output i that a move along eⱼ reaches,
    /// the displacement that brings its argument to its kink (linearised: distance / |∂arg/∂xⱼ|).
    mutating func kinkRooms(output i: Int, input j: Int) -> [(node: Int, room: Double)] {
        guard let graph, !graph.kinkCandidates.isEmpty else { return [] }
        if tangentCache[j] == nil { tangentCache[j] = graph.tangents(input: j) }
        guard let t = tangentCache[j] else { return [] }
        return graph.kinkRooms(output: i, input: j, tangents: t)
    }

    /// Whether a difference reaching `reach` along direction `v` may straddle a kink-capable op
    /// (the node's argument moves by about |Σⱼ vⱼ ∂arg/∂xⱼ|·t).
    mutating func crossesKink(along v: [Double], reach: Double) -> Bool {
        guard reach > 0, let graph, !graph.kinkCandidates.isEmpty else { return false }
        var t = [Double](repeating: 0, count: graph.ops.count)
        for j in v.indices where v[j] != 0 {
            if tangentCache[j] == nil { tangentCache[j] = graph.tangents(input: j) }
            guard let tj = tangentCache[j] else { continue }
            for k in t.indices { t[k] += v[j] * tj[k] }
        }
        return zip(graph.kinkCandidates, graph.kinkSensitivities(tangents: t)).contains { c, s in
            s > 0 && s.isFinite && c.distance / s <= reach
        }
    }

    /// A central difference along eⱼ whose samples stay within a quarter of the distance to the
    /// nearest kink-capable op, at a step where its differences converge as a central stencil's do.
    ///
    /// That distance is linearised (the kink argument over its rate along eⱼ), which holds only
    /// while the argument is near linear across the samples. √(x₀² + x₁²) in Float at
    /// (10⁻¹⁹, 10⁻¹⁵): x₀² is absorbed by x₁², so √'s argument 10⁻³⁰ over its rate 2·10⁻¹⁹ put the
    /// kink 5·10⁻¹² away, but x₀² overtakes x₁² at 10⁻¹⁵, where f bends from flat to |x₀|. At this
    /// rung's step, 4.5·10⁻¹³, f was |x₀| to its samples, D(h) ≈ x₀/h halved as h doubled, and the
    /// h/2h estimate read 2.38·10⁻⁷ ± 2.8·10⁻⁷ for ∂f/∂x₀ = 10⁻⁴: right forward and reverse rules
    /// were convicted. On a smooth stretch D(h) = D* + c·h² + …, so the changes D(2h) − D(h) and
    /// D(h) − D(h/2) stand in the ratio ρ = 4; ρ ≥ 3 is taken as converging (as `kinkAnalysis`
    /// does), and so are changes within the differences' rounding. Elsewhere the step halves, two
    /// evaluations each, until one converges (1.1·10⁻¹⁶ for the case above: 9.966·10⁻⁵, within
    /// its estimate of 10⁻⁴), at most ``nearKinkHalvings`` times and not below an ulp of xⱼ;
    /// where none does, the estimate is flagged no-convergence and decides nothing.
    ///
    /// The step is also kept where the samples keep xⱼ itself: x ± h rounds by an ulp of |xⱼ| + 2h,
    /// and beyond 2^(p−8)·|xⱼ| (p the significand's bits) that moves the samples' centre by more
    /// than 2⁻⁸ of |xⱼ|. At (10⁻²⁰, 10⁻¹⁵) in Float the first steps lost x₀ altogether, f's
    /// samples were those of the even f at 0, and every difference was exactly 0: "converged".
    func nearKinkEstimate(output i: Int, input j: Int, displacement: Double) -> DifferenceEstimate {
        let v = x.indices.map { $0 == j ? V(1) : V(0) }
        var probe = LineProbe<V>(eval: { f($0) }, x: x, v: v)
        let m = value.count
        let central = Stencil.of(.central)
        // stencilEstimate samples out to 2h (the 2h twin for its truncation estimate).
        var h = V(0.125 * displacement).nearestPowerOfTwo
        if Double(h) * 2 > 0.25 * displacement { h = h / 2 }
        let xj = Swift.abs(x[j])
        if xj > 0 {
            let keepsXj = xj * V(Double.pow(2, Double(V.significandBitCount + 1 - 8)))
            while h > keepsXj && h > 0 { h = h / 2 }
        }
        var est = probe.stencilEstimate(central, step: h, outputs: m)[i]
        for _ in 0..<Self.nearKinkHalvings {
            if probe.stepBelowULP(h / 2) || !est.value.isFinite { break }
            let half = probe.apply(central, step: h / 2, outputs: m)
            let fine = probe.apply(central, step: h, outputs: m)
            let coarse = probe.apply(central, step: 2 * h, outputs: m)
            let d2 = coarse.derivative[i] - fine.derivative[i]
            let d1 = fine.derivative[i] - half.derivative[i]
            // Each change within the two differences' rounding: the truncation is below it,
            // at a rate nothing shows, so the error allowed is the changes themselves.
            if Swift.abs(d1) <= half.rounding[i] + fine.rounding[i] && Swift.abs(d2) <= fine.rounding[i] + coarse.rounding[i] {
                est.errorEstimate = Swift.max(est.errorEstimate, fine.rounding[i] + Swift.abs(d1) + Swift.abs(d2))
                return est
            }
            // Converging (``ChangeRatio``, the rule the fixed stencils' no-convergence flag
            // reads too): the changes shrink by ρ or faster from here. A rate below 4 that
            // rises to 4 (a and b of opposite signs, as on the hyperbola above) leaves D(h) a
            // geometric tail |d₂|/(ρ − 1) from the limit, more than the h/2h estimate's |d₂|/3.
            let rho = d2 / d1
            if ChangeRatio(changes: d2, d1, order: central.order) == .converging {
                let tail = Swift.abs(d2) / (Swift.min(rho, 4) - 1)
                est.errorEstimate = Swift.max(est.errorEstimate, tail + fine.rounding[i])
                return est
            }
            h = h / 2
            est = probe.stencilEstimate(central, step: h, outputs: m)[i]
        }
        if !est.warnings.contains(.noConvergence) { est.warnings = (est.warnings + [.noConvergence]).sorted() }
        return est
    }

    /// How many times ``nearKinkEstimate(output:input:displacement:)`` may halve its step looking
    /// for one where the differences converge: from the linearised distance down to a kink
    /// argument's curvature scale took 6 halvings in Float (10⁻¹⁹, 10⁻¹⁵), from the step that
    /// keeps x₀, and 21 in Double (10⁻¹⁶⁰, 10⁻¹⁵²); at two evaluations each, 64 cost at most 128 more.
    static var nearKinkHalvings: Int { 64 }

    /// One-sided derivatives along eⱼ (second-order one-sided stencils) and whether each subject
    /// lies between them.
    mutating func kinkAnalysis(_ i: Int, _ j: Int, values: [(String, Double)], ops: [String]) -> KinkAnalysis {
        let v = x.indices.map { $0 == j ? V(1) : V(0) }
        let f = self.f
        var probe = LineProbe<V>(eval: { f($0) }, x: x, v: v)
        let stencil = Stencil.rightSided
        var h = V(DifferenceTuning.defaultStep(for: stencil, scale: probe.scale, epsilon: eps).nearestPowerOfTwo)
        // The one-sided slopes are those of the pieces meeting at this point only while the
        // samples stay short of any other kink: at y = 0 of |x + y| − |y| with x = 1e-8, the
        // left samples passed the kink of |x + y| at y = −x, and the slopes [0, 2] came out
        // as [0, 0.002], "accusing" a correct 1. The samples reach 4h (the 2h stencils); keep
        // them a quarter of the way to the nearest kink not at the point.
        let others = kinkRooms(output: i, input: j).filter { $0.room > 0 }
        var unresolved: String? = nil
        if let nearest = others.min(by: { $0.room < $1.room }) {
            while h > 0 && 16 * Double(h) > nearest.room { h = h / 2 }
            if h == 0 || probe.stepBelowULP(h / 16) {
                let name = graph.map { $0.names[nearest.node] } ?? "a kink"
                unresolved = "another kink (\(name), node \(nearest.node)) lies \(nearest.room) away along this input, "
                    + "closer than a one-sided step rounding allows"
            }
        }
        // The probe compares every output of f, so it is asked for all of them (asking for i + 1
        // made every output but the last NaN).
        let m = value.count
        /// Both one-sided derivatives at step h, with their tolerance. The same stencils at h/2 and
        /// 2h measure how each converges: the one-sided stencils are second order, so on a smooth
        /// piece D(h) − D* ≈ (D(2h) − D(h))/3 (ELU's left slope α was called invalid when only
        /// rounding was allowed for). A piece that is not smooth at the point converges slower:
        /// |x|^1.5 at 0 has D(h) ∝ √h, and (D(2h) − D(h))/3 is a seventh of D(h)'s error, so
        /// [−2.9e-4, 2.9e-4] passed a claim of 2e-4 where both one-sided derivatives are 0 (a
        /// review). The observed ratio ρ = (D(2h) − D(h))/(D(h) − D(h/2)) then gives the error of a
        /// geometric tail, |D(2h) − D(h)|/(ρ − 1); with no convergence (ρ ≤ 1.05) it is unbounded.
        func sides(_ h: V) -> (l: Double, r: Double, tol: Double, converges: Bool, slow: Bool) {
            let right = probe.apply(stencil, step: h, outputs: m)
            let left = probe.apply(Stencil.leftSided, step: h, outputs: m)
            let r = right.derivative[i], l = left.derivative[i]
            // f's own rounding, first order (ε·Σ|∂f/∂v|·|v| over the recorded nodes), over the
            // step: the samples' spread cannot show a term that rounds to 0 at a small step
            // ((x + 1e10) − 1e10 below ulp(1e10)), but the recorded 1e10 does.
            let noise = i < roundingScale.count ? 4 * eps * roundingScale[i] / Double(h) : 0
            let rounding = 4 * Swift.max(right.rounding[i], left.rounding[i]) + (noise.isFinite ? noise : .infinity)
            // D(h) = D* + c·hᵖ gives D(2h) − D(h) = c·hᵖ(2ᵖ − 1) and D(h) − D(h/2) = c·(h/2)ᵖ(2ᵖ − 1):
            // their ratio ρ = 2ᵖ, and D(h)'s error c·hᵖ = (D(2h) − D(h))/(ρ − 1). The rate is read
            // from h/2 rather than 4h, so the samples reach no further than the 2h stencil's 4h
            // (relu(x² − 1e-12) has a kink 1e-6 away that the closer look must not cross).
            // Slow: the observed rate is below second order (ρ < 3), so the error is the slower
            // geometric tail's; a smooth piece with a large third derivative (|x| + 10⁷x³ at 0)
            // converges at ρ = 4 and is not "slow", only truncation-limited (a review).
            func truncation(_ s: Stencil, _ d0: Double) -> (t: Double, slow: Bool) {
                let d1 = d0 - probe.apply(s, step: h / 2, outputs: m).derivative[i]
                let d2 = probe.apply(s, step: 2 * h, outputs: m).derivative[i] - d0
                // Differences at the rounding level say nothing about the rate.
                if Swift.abs(d1) <= 2 * rounding && Swift.abs(d2) <= rounding { return (Swift.abs(d2) / 3, false) }
                let rho = d2 / d1
                // ``ChangeRatio``'s converging floor (¾·2ᵖ, p = 2 here) without its ceiling: a ρ
                // above 2ᵖ⁺⁵ keeps the tail |d₂|/3, larger than the |d₂|/(ρ − 1) a slow reading
                // would give, so here the ceiling could only shrink the tolerance.
                if rho >= ChangeRatio.convergingFraction * Double.pow(2, Double(s.order)) { return (Swift.abs(d2) / 3, false) }
                return rho > 1.05 ? (Swift.abs(d2) / (rho - 1), true) : (.infinity, true)
            }
            let (tr, tl) = (truncation(stencil, r), truncation(Stencil.leftSided, l))
            let t = Swift.max(tr.t, tl.t)
            let tol = rounding + CheckOptions.errorEstimateSafety * t + Double.pow(eps, 2.0 / 3.0) * Swift.max(Swift.abs(l), Swift.abs(r), 1)
            return (l, r, tol, t.isFinite, (tr.slow || tl.slow) && CheckOptions.errorEstimateSafety * t > rounding)
        }
        var (l, r, tol, converges, slow) = sides(h)
        // A second look 64 times closer: a kink whose argument is flat at the point (relu of
        // x² − 1e-12 at x = 0, linear sensitivity 0) is not kept at a distance above, and the
        // samples at h crossed it (±0.9999999 for slopes ±1, "accusing" a right 1). When the
        // two disagree beyond their tolerances, the closer one, which crossed less, is used; so is
        // a closer one with a smaller tolerance (a slowly converging piece, |x|^1.5, is pinned
        // down further there).
        // Both tolerances carry f's own rounding over the step, so a closer pair whose samples lost
        // a term below an ulp (at 2⁻²² the term (x + 1e10) − 1e10 rounds to 0, which turned
        // |x| + 2x's [1, 3] into [−1, 1] when adopted; a review) is not taken for a better one.
        let close = h / 64
        if unresolved == nil, close > 0, !probe.stepBelowULP(close / 16) {
            let near = sides(close)
            if Swift.abs(near.l - l) > tol + near.tol || Swift.abs(near.r - r) > tol + near.tol || near.tol < tol {
                (l, r, tol, converges, slow) = near
            }
        }
        // An interval whose own tolerance is a sizeable part of it bounds nothing: with
        // (x + 3.6e11) − 3.6e11 added to |x| the pair at h came out [−3, −1] ± 8 and passed any claim;
        // |x|^1.5 at 0 came out [−3.6e-5, 3.6e-5] ± 1.4e-4 at the closer look, and passed 1e-4.
        // A side where f is not finite lies outside f's domain (x^1.5 + relu(x) at 0, where pow needs
        // a base ≥ 0): the point is a domain edge as well as a kink, only the inside's one-sided
        // derivative exists, and "do not settle" did not say why. Which of the op's conventions is
        // right there is not judged.
        if unresolved == nil, l.isFinite != r.isFinite {
            let inside = l.isFinite ? "left" : "right", outside = l.isFinite ? "right" : "left"
            unresolved = "f is not defined on the \(outside) of the point along this input (the edge of its domain, here also a kink): "
                + "only the one-sided derivative from the \(inside) exists, and the kink's convention is not judged against it"
        }
        if unresolved == nil, !converges {
            unresolved = "the one-sided differences do not settle as the step shrinks (f is not smooth on a side of the point at this scale)"
        } else if unresolved == nil, slow, tol > 1e-6 * Swift.max(Swift.abs(l), Swift.abs(r), 1) {
            unresolved = "the one-sided derivatives are known only to ±\(fmt(tol)) (the differences converge slowly: f is not "
                + "smooth on a side of the point), too coarse to judge a value"
        } else if unresolved == nil, tol > 1e-3 * Swift.max(Swift.abs(l), Swift.abs(r), 1) {
            unresolved = "the one-sided differences are too noisy to bound a value (f cancels near the point)"
        }
        let lo = Swift.min(l, r), hi = Swift.max(l, r)
        let within = values.map { (subject: $0.0, valid: $0.1.isFinite && $0.1 >= lo - tol && $0.1 <= hi + tol) }
        // The interval along eⱼ bounds ∂f/∂xⱼ of a generalised gradient only when the kink's
        // surface is xⱼ = const. When the touched kink's argument moves with another input too,
        // a limit of gradients can lie outside it: |x + y| − |y| at (0, 0) has one-sided slopes
        // [0, 0] along y, and (1, 2) is its gradient at (t, −t/2). Such a value is not shown wrong.
        if unresolved == nil, within.contains(where: { !$0.valid }), let (node, other) = touchedKinkAcrossInputs(output: i, input: j) {
            let name = graph.map { $0.names[node] } ?? "a kink"
            unresolved = "the kink at \(name) (node \(node)) also moves with input \(other), so one-sided derivatives "
                + "along this input alone do not bound a generalised gradient"
        }
        if unresolved == nil, within.contains(where: { !$0.valid }), let node = touchedVectorKinkOfSeveralSurfaces(output: i, input: j) {
            let name = graph.map { $0.names[node] } ?? "a vector primitive"
            unresolved = "the kink of \(name) (node \(node)) is not one surface where it is touched (its declared kink "
                + "distance is not that of one hyperplane), so one-sided derivatives along this input do not bound a "
                + "generalised gradient"
        }
        return KinkAnalysis(ops: ops, left: l, right: r, withinOneSided: within, unresolved: unresolved, tolerance: tol)
    }

    /// J·v along a seeded random direction: forward mode (one Dual pass) against Richardson.
    /// The evaluations of the directional check: the random direction, f's forward tangent along
    /// it and the Richardson difference along it. They read nothing of the checker, so the
    /// concurrent check computes them on a child task.
    struct DirectionalSamples: @unchecked Sendable {
        let v: [V]
        let y: [Dual<V, V>]
        let d: [DifferenceEstimate]?
    }

    static func directionalSamples(_ f: SpecialisedFunction<V>, at x: [V], seed: UInt64) -> DirectionalSamples {
        var rng = SeededGenerator(seed: seed)
        // Odd sixteenths with a random sign: four significant bits, so every sample x + t·v the
        // difference takes at a power-of-two step t above 16 ulps of x is exact. An arbitrary
        // direction rounds x + t·v, which shifts the chord by up to an ulp of x: at exp(709)
        // that put 5e-5 relative error into the small-step verification, which then never
        // confirmed, and the unconverged difference "disagreed" with a correct forward mode.
        let v = x.map { _ in V(Double(2 * Int(rng.nextUnit() * 8) + 1) / 16 * (rng.nextUnit() < 0.5 ? -1 : 1)) }
        Instrumentation.countEvaluation()
        let (y, _) = Diagnostics.collect { f(zip(x, v).map { Dual<V, V>($0, tangent: $1) }) }
        let d = try? differenceJVPOfSpecialised(f, at: x, direction: v, method: .richardson, step: .automatic)
        return DirectionalSamples(v: v, y: y, d: d)
    }

    mutating func directionalCheck(seed: UInt64, outputs m: Int) -> DirectionalCheck? {
        let samples = precomputedDirectional ?? Self.directionalSamples(f, at: x, seed: seed)
        let v = samples.v, y = samples.y
        guard y.count == m, var d = samples.d else { return nil }
        // A vector primitive's measured noise the difference did not assume (see the per-entry
        // judgement): the difference along v is taken again, told it.
        var floors: [Double]? = nil
        if d.indices.contains(where: { k in
            let opaque = opaqueRounding(output: k)
            return opaque > 0 && d[k].step > 0 && CheckOptions.errorEstimateSafety * opaque / d[k].step > d[k].errorEstimate
        }) {
            floors = measuredNoiseFloor()
        }
        if let floors {
            let f = self.f
            var probe = LineProbe<V>(eval: { f($0) }, x: x, v: v)
            probe.noiseFloor = floors
            let redone = probe.richardsonScanned(outputs: m)
            if redone.count == d.count { d = redone }
        }
        // A difference along v that straddles a kink says nothing; the check stays inconclusive.
        let straddles = d.contains { e in crossesKink(along: v.map { Double($0) }, reach: e.reach) }
        let fwd = y.map { Double($0.tangent) }
        let adRel = CheckOptions.adAccuracyULPs * eps
        // Each output on its own: one whose difference never converged (its spread can be small
        // by chance), or that the per-entry judgement would refuse for another reason, or whose
        // estimate is too coarse, decides nothing; the others must agree. None usable: inconclusive.
        // Cancelled and sub-ulp differences too: the per-entry check escalates past them, and the
        // direction has no sharper witness (x − sin x at 1e-5 failed on a difference of 0 ± 5e-21).
        let refused: Set<FDWarning> = [.noConvergence, .nonFinite, .notIndependent, .unsupportedOp,
                                       .cancellation, .stepBelowULP]
        let usable = (0..<Swift.min(fwd.count, d.count)).filter { k in
            let (a, e) = (fwd[k], d[k])
            return e.value.isFinite && refused.isDisjoint(with: e.warnings)
                && !(e.errorEstimate > DifferenceTuning.inconclusiveRelativeError * Swift.max(Swift.abs(a), Swift.abs(e.value))
                     && e.errorEstimate > adRel * Swift.max(Swift.abs(a), 1))
        }
        func tolerance(_ a: Double, _ e: DifferenceEstimate) -> Double {
            CheckOptions.errorEstimateSafety * e.errorEstimate + adRel * Swift.max(Swift.abs(a), 1)
                + nominalAccuracy(.differences(.richardson)) * Swift.abs(e.value)
        }
        func gap(_ k: Int) -> Double { Swift.abs(fwd[k] - d[k].value) }
        var decided = usable
        var noise: [Double]? = nil
        if !straddles, decided.contains(where: { gap($0) > tolerance(fwd[$0], d[$0]) }) {
            // Before a disagreement convicts: forward mode's own rounding. A tangent computed by
            // cancellation ((1 − cos x)/x² at 1e-3 subtracts two terms near 1000 into 8e-5)
            // carries the rounding of the primal values it is built from: cos x is the same
            // Double for every point within 10⁸ ulps of x, so its rounding is an offset that puts
            // 2e-4 relative error into the exact derivative of the computed formula. Its first-
            // order size is ε·Σₖ |∂(J·v)/∂vₖ|·|vₖ| over the nodes (plus the tangents' own rounding),
            // read off one sweep of a tape of duals (``forwardRoundingBound(direction:outputs:)``).
            let bound = forwardRoundingBound(direction: v, outputs: m)
            noise = bound
            decided = usable.filter { k in
                // An infinite bound (no tape of duals, a term not finite) excuses nothing: the gap
                // was compared with ∞ and every disagreement became inconclusive.
                let tol = tolerance(fwd[k], d[k])
                return !(gap(k) > tol && k < bound.count && bound[k].isFinite
                         && gap(k) <= tol + CheckOptions.forwardRoundingSafety * bound[k])
            }
        }
        var agrees = straddles || decided.isEmpty ? nil : decided.allSatisfy { gap($0) <= tolerance(fwd[$0], d[$0]) }
        var conflictNote: String? = nil
        // Before a disagreement convicts: f's own rounding where the tape's first-order bound puts
        // it far above the few ulps of f that Richardson assumes. A sum of 10⁵ terms i·x rounds at
        // each addition, and the rounding of f(x + h) − f(x − h) shrinks with h but slower than h,
        // so Richardson settled on steps of rounding alone (−1.2e4 ± 3.1e5 for a J·v of −3.1e8) and
        // failed a right Jacobian (a review). The difference is taken again, told the bound (which
        // keeps its steps large); when that one agrees, the two witnesses conflict and the direction
        // decides nothing. When it does not, the disagreement stands: the bound is only an upper
        // bound (exp(30x) − exp(30x) has one of 6e14 ulps and no rounding at all, and there the
        // direction is the only witness of a wrong sin rule).
        if agrees == false && floors == nil {
            let bound = measuredNoiseFloor()
            func model(_ k: Int) -> Double { DifferenceTuning.evaluationNoiseULPs * eps * Swift.abs(k < value.count ? Double(value[k]) : 0) }
            var wrong = decided.filter { k in
                gap(k) > tolerance(fwd[k], d[k]) && k < bound.count && bound[k] > 4 * model(k) && d[k].step > 0
            }
            // Only where f is measured to round above the model at the scale the difference used
            // (Moré–Wild, samples spaced by its step along v): x·1e10 − x·1e10 has a bound of 10⁴
            // ulps and rounds not at all, and a rule 1e-6 wrong there is seen by this direction alone.
            if let step = wrong.map({ Double(d[$0].step) }).max() {
                let f = self.f
                let measured = measureNoise({ Instrumentation.countEvaluation(); return f($0) }, at: x, outputs: m, direction: v.map { Double($0) }, steps: [4 * step, 2 * step, step])
                wrong = wrong.filter { k in (measured.sigma[k] ?? 0) > model(k) }
            }
            if !wrong.isEmpty {
                let f = self.f
                var probe = LineProbe<V>(eval: { f($0) }, x: x, v: v)
                probe.noiseFloor = bound
                let told = probe.richardsonScanned(outputs: m)
                if told.count == d.count, wrong.allSatisfy({ k in
                    told[k].value.isFinite && refused.isDisjoint(with: told[k].warnings)
                        && Swift.abs(fwd[k] - told[k].value) <= tolerance(fwd[k], told[k])
                }) {
                    agrees = nil
                    conflictNote = "the random-direction difference disagreed with forward mode, but taken again with f's "
                        + "rounding bound from the tape (ε·Σ|∂f/∂v|·|v|) it agrees: f's rounding decides the first, so the "
                        + "direction decides nothing"
                }
            }
        }
        // Last: the complex step along v, which subtracts nothing and so cannot be misled by f's
        // rounding. Where it agrees with forward mode on every output the difference disagreed
        // on, the two witnesses conflict and the direction decides nothing. (1 − cos x)/x² at
        // 10⁻⁶ is a staircase in Double (1 − cos x moves in steps of 1.1·10⁻¹⁶): Richardson
        // settled on 62505.56 "± 7.6·10⁻⁶" for a J·v of 5.556 that the complex step and every
        // entry's witness confirm, and a right rule failed the check (a review).
        if agrees == false, options.ladder.contains(where: { if case .differences(.complexStep) = $0 { return true } else { return false } }) {
            let f = self.f
            let ((cs, _, problem), diag) = Diagnostics.collect {
                complexStepDirectional(f, at: x, direction: v, outputs: m, step: .automatic)
            }
            let disagreeing = decided.filter { gap($0) > tolerance(fwd[$0], d[$0]) }
            if problem == nil, diag.escapes == 0, adEscapes == 0, cs.count == m, !disagreeing.isEmpty,
               disagreeing.allSatisfy({ k in
                   let c = cs[k]
                   // Not forward mode's rounding bound: that is the primal values' rounding, which the
                   // complex step shares (a cos rule 0.1% off was "agreed" within it, a review).
                   let allowance = CheckOptions.errorEstimateSafety * c.errorEstimate + adRel * Swift.max(Swift.abs(fwd[k]), 1)
                   return c.warnings.isEmpty && c.value.isFinite && Swift.abs(fwd[k] - c.value) <= allowance
                       && Swift.abs(c.value - d[k].value) > tolerance(fwd[k], d[k])
               }) {
                agrees = nil
                // Which of the two misled it the direction cannot tell: at x = 1 of `x > 1 ? 1 : x` the
                // note blamed rounding alone, beside an entry note naming the branch.
                conflictNote = "the random-direction difference disagreed with forward mode, but the complex step along the same "
                    + "direction, which subtracts no samples, agrees with forward mode: the difference was misled by f's rounding "
                    + "(a staircase at its steps) or by a branch of f's code within its steps (an if, a loop's test; the tape "
                    + "records only the branch taken), so the direction decides nothing"
            }
        }
        var check = DirectionalCheck(seed: seed, direction: v.map { Double($0) }, forward: fwd, difference: d.map(\.value),
                                     errorEstimate: d.map(\.errorEstimate), agrees: agrees, forwardRounding: noise)
        check.note = conflictNote
        return check
    }

    /// Each entry's ``EntryCheck/derivativeRoundingBound``: one recording of f on 8-lane duals per
    /// 8 columns (Double and Float), a sweep per output each. The modes agreeing with the complex
    /// step (which differentiates the same rounded operations) said nothing of f′: on (eˣ − 1)/x
    /// at 10⁻⁹ the check passed −81.74 for a derivative of 0.5, and only `jac check` noted it.
    func addDerivativeRounding(to entries: inout [[EntryCheck]]) {
        let n = x.count
        // The budget is known from the check's own tape before anything is recorded: learning it
        // from the first recording on duals cost a 60 × 60 check a third of its time for nothing.
        let sweeps = n.multipliedReportingOverflow(by: value.count + 1)
        let visits = sweeps.partialValue.multipliedReportingOverflow(by: recording?.tape.count ?? 0)
        guard n > 0, !sweeps.overflow, !visits.overflow, visits.partialValue <= tapeRoundingVisits else { return }
        let directions = (0..<n).map { j in (0..<n).map { V($0 == j ? 1 : 0) } }
        let columns = rounding?.bounds(x, directions) ?? derivativeRoundingBounds(of: f, at: x, directions: directions).bounds
        for i in entries.indices {
            for k in entries[i].indices {
                let j = entries[i][k].input
                // An infinite bound is kept: the sweep overflowed, and nothing vouches for the entry.
                guard j < columns.count, let column = columns[j], i < column.count, !column[i].isNaN else { continue }
                entries[i][k].derivativeRoundingBound = column[i]
            }
        }
    }

    /// First-order bound on the rounding in forward mode's J·v, per output
    /// (``derivativeRoundingBound(recording:)`` of f on a tape of duals seeded with `v`). Infinite
    /// where the tape cannot be made or a term is not finite (nothing is excused then).
    func forwardRoundingBound(direction v: [V], outputs m: Int) -> [Double] {
        let seeded = zip(x, v).map { Dual<V, V>($0, tangent: $1) }
        guard let rec = try? record({ (z: [Reverse<Dual<V, V>>]) in f(z) }, at: seeded), rec.outputs.count == m else {
            return [Double](repeating: .infinity, count: m)
        }
        return derivativeRoundingBound(recording: rec, leavesRound: true)
    }

}

extension EntryCheck {
    func withKink(_ k: KinkAnalysis) -> EntryCheck {
        let valid = k.unresolved == nil ? k.withinOneSided.allSatisfy(\.valid) : nil
        return EntryCheck(output: output, input: input, subjects: subjects, verdict: .kink(validSubgradient: valid),
                          witness: "one-sided", witnessValue: nil, errorEstimate: nil, step: nil, absoluteError: nil,
                          relativeError: nil, tolerance: nil, kink: k, ladder: ladder)
    }
}

/// The jump shown by symmetric differences f(x + h) − f(x − h) at steps h₀ > h₁ > h₂ (2¹⁰ apart),
/// or nil when f looks continuous there: for a continuous f they shrink with h (like 2h·|f′|), for
/// a jump they tend to it. A jump's last difference stays above f's noise and above a quarter of
/// the first, and is more than 4 × 2h₂·`slope`, what a slope the modes claim could give at that
/// step. Without that bound a function steep on a scale below h₀ read as a jump: 1/x at 1e-6,
/// whose first step crosses the pole and whose last difference is still 2h·10¹², and |x| at 1e-12,
/// whose differences all equal 2|x| once the steps pass the kink (found by a user trial).
///
/// Nor does a difference that grows more than 4-fold at every step: a jump's tends to the jump,
/// while one across a pole a step or less away grows as the step nears the distance to it.
/// 1/x at 10⁻⁹ gave 2·10³, 2·10⁶ and −1.3·10¹⁰ (the last step, 9.3·10⁻¹⁰, straddles the pole at
/// 0 just inside x), beyond 8h·10¹⁸, and a right −1/x² was "discontinuity" (a review).
func jumpFromDifferences(_ deltas: [Double], smallestStep h: Double, slope: Double, noise: Double) -> Double? {
    guard let first = deltas.first, let last = deltas.last, Swift.abs(last) > noise else { return nil }
    guard Swift.abs(last) > 0.25 * Swift.abs(first) else { return nil }
    if deltas.count >= 3, zip(deltas, deltas.dropFirst()).allSatisfy({ 4 * Swift.abs($0) < Swift.abs($1) }) { return nil }
    return Swift.abs(last) > 4 * 2 * h * slope ? last : nil
}
