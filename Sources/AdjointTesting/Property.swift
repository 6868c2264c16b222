import AdjointCheck
import AdjointCore
import Foundation

/// Settings of a derivative property: how many trials, the seed, shrinking, tolerance overrides.
///
/// ```swift
/// var o = AdjointTestOptions()
/// o.trials = 200
/// o.seed = 0x1234            // or set ADJOINT_TEST_SEED=0x1234 in the environment
/// o.rtol = 1e-6              // override the derived relative tolerance
/// ```
public struct AdjointTestOptions: Sendable {
    /// Random inputs checked (each a full check with escalation).
    public var trials: Int = 100
    /// Seed of every trial's generator. Defaults to ``defaultSeed``, or `ADJOINT_TEST_SEED`
    /// (decimal or 0x-hex) when that is set, so CI can vary it and a failure can be replayed.
    public var seed: UInt64 = AdjointTestOptions.environmentSeed ?? AdjointTestOptions.defaultSeed
    /// Shrink a failing input before reporting it.
    public var shrink = true
    /// Checks the shrinker may spend.
    public var shrinkBudget = 300
    /// Relative tolerance; nil derives it from the witness (see the message for what applied).
    public var rtol: Double? = nil
    /// Absolute tolerance; nil derives it from the witness's error estimate and the row's scale.
    public var atol: Double? = nil
    /// The unit roundoff of the arithmetic the claim was computed in, when it is coarser than
    /// f's: `Double(Float.ulpOfOne)` for a gradient computed in float32 (a GPU kernel's, PyTorch's
    /// default) and checked against f in Double. nil: the claim rounds as the property's scalar
    /// type does. Passed to the library's ``CheckOptions/claimUnitRoundoff`` (`jac check --claimed`
    /// sets it for a float32 .npy): the claim is granted its own arithmetic's rounding, so a right
    /// float32 claim is not convicted at Double tolerance, and a claim off by more (1%) still is.
    /// A property over Float (`([Float]) -> Float`) needs no setting: it is checked in Float.
    ///
    /// ```swift
    /// var o = AdjointTestOptions()
    /// o.claimUnitRoundoff = Double(Float.ulpOfOne)   // the claimed gradient came from float32 code
    /// assertGradient(of: loss, claimed: { x in lossGradientFloat32(x.map(Float.init)).map(Double.init) },
    ///                inputs: .vector(3, .uniform(-2...2)), options: o)
    /// ```
    public var claimUnitRoundoff: Double? = nil
    /// Inconclusive points (no witness could decide) fail the property only above this fraction
    /// of the trials: a few points of heavy cancellation are not evidence against a rule.
    public var maximumInconclusiveFraction = 0.1
    /// Entries listed per part in a failure message (≥ 0; 0 lists none, only how many there are).
    public var worstEntryCount = 3
    /// Parallel workers for ``checkPropertyConcurrently(_:options:)``; nil uses every core.
    public var concurrency: Int? = nil
    /// When set, the assertions write the result's JSON here (a CI artifact); a write that fails
    /// is recorded as a test failure.
    public var jsonReportPath: String? = nil
    /// The defaults above.
    public init() {}

    /// The seed used when none is given: fixed, so a test suite is deterministic.
    public static let defaultSeed: UInt64 = 0xAD70_1A7E
    /// `ADJOINT_TEST_SEED` parsed as decimal or 0x-hex, if set (an unparsable value fails every
    /// property with a message naming it, rather than silently using the default).
    public static var environmentSeed: UInt64? {
        guard let s = environmentSeedText else { return nil }
        return parseSeed(s)
    }

    /// The variable's text; empty counts as unset (`ADJOINT_TEST_SEED= make test`).
    static var environmentSeedText: String? {
        guard let s = ProcessInfo.processInfo.environment["ADJOINT_TEST_SEED"],
              !s.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
        return s
    }

    static func parseSeed(_ s: String) -> UInt64? {
        let t = s.trimmingCharacters(in: .whitespaces)
        return t.lowercased().hasPrefix("0x") ? UInt64(t.dropFirst(2), radix: 16) : UInt64(t)
    }

    /// The library's check options with this property's tolerance overrides.
    @usableFromInline func checkOptions(_ base: CheckOptions) -> CheckOptions {
        var o = base
        o.rtol = rtol ?? base.rtol
        o.atol = atol ?? base.atol
        o.claimUnitRoundoff = claimUnitRoundoff ?? base.claimUnitRoundoff
        o.directionSeed = nil
        // Trials judge rules; the bound on f′'s distance from what the modes compute is a
        // report's note that a trial never shows, and it cost more than the rest of the check.
        o.boundsDerivativeRounding = false
        return o
    }

    func validate() throws {
        if trials < 1 { throw ADError.invalidArgument("AdjointTestOptions.trials must be ≥ 1, got \(trials)") }
        if shrinkBudget < 0 { throw ADError.invalidArgument("AdjointTestOptions.shrinkBudget must be ≥ 0, got \(shrinkBudget)") }
        // Read only when a failure message is written: −1 listed no entry and said "… and 6 more
        // (AdjointTestOptions.worstEntryCount = -1)", a message about the option, not the rule.
        if worstEntryCount < 0 { throw ADError.invalidArgument("AdjointTestOptions.worstEntryCount must be ≥ 0, got \(worstEntryCount)") }
        for (name, t) in [("rtol", rtol), ("atol", atol)] {
            if let t, !(t.isFinite && t >= 0) { throw ADError.invalidArgument("AdjointTestOptions.\(name) must be finite and ≥ 0, got \(t)") }
        }
        // Checked here, before any trial: the library refuses it at every point, and each
        // trial's thrown error read as f's failure.
        if let u = claimUnitRoundoff, !(u.isFinite && u > 0 && u < 1) {
            throw ADError.invalidArgument("AdjointTestOptions.claimUnitRoundoff must be in (0, 1), got \(u); "
                + "Double(Float.ulpOfOne) for a claim computed in float32")
        }
        if !(maximumInconclusiveFraction >= 0 && maximumInconclusiveFraction <= 1) {
            throw ADError.invalidArgument("AdjointTestOptions.maximumInconclusiveFraction must be in [0, 1], got \(maximumInconclusiveFraction)")
        }
    }
}

/// A derivative property: what is asserted, over which inputs, and the check run at each input.
/// Built by the `assert…` functions (and by `DerivativeProperty.gradient(…)` etc. to run without
/// a test framework); run with ``checkProperty(_:options:)``.
public struct DerivativeProperty: Sendable {
    /// The assertion's name ("assertGradient").
    public let assertion: String
    /// What is claimed ("the claimed gradient").
    public let claim: String
    /// Where inputs come from.
    public let space: InputSpace
    /// The check at one input, with the run's options (tolerance overrides). Throws nothing:
    /// problems become non-finite outcomes.
    @usableFromInline let check: @Sendable ([Double], AdjointTestOptions) -> PointOutcome
    /// For a JVP, VJP or H·v property: the last `count` scalars of an input are its direction
    /// (`label`: "direction" or "cotangent"), which the replay line gives apart from x.
    @usableFromInline var replayDirection: (label: String, count: Int)? = nil

    /// A property from a point check: for subjects the built-in constructors do not cover.
    public init(assertion: String, claim: String, space: InputSpace,
                check: @escaping @Sendable ([Double], AdjointTestOptions) -> PointOutcome) {
        self.assertion = assertion; self.claim = claim; self.space = space; self.check = check
    }
}

/// The first failing input, shrunk, with the message a test failure shows.
public struct PropertyFailure: Sendable {
    /// The trial whose input failed first (0-based).
    public let trial: Int
    /// The verdict that failed.
    public let verdict: TestVerdict
    /// Shrinking's record: original and shrunk input.
    public let shrink: ShrinkResult
    /// The check at the shrunk input.
    public let outcome: PointOutcome
    /// One line that replays exactly the reported case.
    public let replayLine: String
    /// The check at the input first found failing, before shrinking (nil when the failure was
    /// not shrunk); the message compares its error with the shrunk input's.
    var original: PointOutcome? = nil
}

/// The result of running a property over its trials.
///
/// ```swift
/// let r = checkProperty(.gradient(of: f, claimed: g, inputs: .vector(3, .uniform(-2...2))))
/// print(r.passed, r.counts[.agree] ?? 0, r.failure?.shrink.shrunk ?? [])   // true 100 []: every trial agreed
/// print(r.message)
/// ```
public struct PropertyResult: Sendable {
    /// The property.
    public let assertion: String
    /// What was claimed.
    public let claim: String
    /// The seed the trials used.
    public let seed: UInt64
    /// Trials run (fewer than asked when a failure stopped a sequential run, or when a concurrent
    /// run that had already failed met an input it could not draw: its tally stops there).
    public let trialsRun: Int
    /// Trials asked for.
    public let trialsAsked: Int
    /// Points per verdict.
    public let counts: [TestVerdict: Int]
    /// The entry with the largest relative error among agreeing points (the margin to failure),
    /// of the entries whose reference exceeds their tolerance (relative error means nothing below it).
    public let worstAgreeing: (trial: Int, part: String, entry: String, relativeError: Double)?
    /// The failure, if the property failed.
    public let failure: PropertyFailure?
    /// The message of a failure, or a one-line summary when the property passed.
    public let message: String
    /// Input description.
    public let inputs: String

    /// True when no point failed and inconclusive points stayed below the allowed fraction.
    public var passed: Bool { failure == nil }
}

/// `print(result)` gives the message (the failure, or the one-line summary), not the synthesized
/// dump of every field.
extension PropertyResult: CustomStringConvertible {
    public var description: String { message }
}

/// Runs a property sequentially: trials in order, stopping at the first failure, which is then
/// shrunk. Use ``checkPropertyConcurrently(_:options:)`` to spread many trials over the cores.
///
/// ```swift
/// let r = checkProperty(.blackBoxGradient(of: f, claimed: g, inputs: .vector(2, .uniform(-3...3))))
/// if !r.passed { print(r.message) }
/// ```
public func checkProperty(_ p: DerivativeProperty, options: AdjointTestOptions = AdjointTestOptions()) -> PropertyResult {
    if let bad = invalid(p, options) { return bad }
    var counts: [TestVerdict: Int] = [:]
    var worst: (trial: Int, part: String, entry: String, relativeError: Double)? = nil
    var firstInconclusive: (Int, PointOutcome)? = nil
    var notRun: [String] = []
    var resolution = ResolutionTally()
    let trials = p.space.fixedPoint == nil ? options.trials : 1
    for t in 0..<trials {
        let outcome: PointOutcome
        do { outcome = p.check(try draw(p.space, seed: options.seed, trial: t), options) }
        catch { return generationFailure(p, options, trial: t, error: error) }
        for n in notRunNotes(outcome) where !notRun.contains(n) { notRun.append(n) }
        counts[outcome.verdict, default: 0] += 1
        if let w = worstAgreeingEntry(outcome), w.1 > (worst?.relativeError ?? -1) {
            worst = (t, w.0.part, w.0.entry, w.1)
        }
        resolution.add(outcome, trial: t)
        if outcome.failsProperty {
            return finish(p, options, counts: counts, trialsRun: t + 1, worst: worst, failing: (t, outcome), notRun: notRun)
        }
        if outcome.verdict == .inconclusive && firstInconclusive == nil { firstInconclusive = (t, outcome) }
    }
    let failing = tooManyInconclusive(counts, trials: trials, options: options) ? firstInconclusive : nil
    return finish(p, options, counts: counts, trialsRun: trials, worst: worst, failing: failing, notRun: notRun, resolution: resolution)
}

/// Runs every trial, spread over the cores with a task group, and reports them all (verdict
/// counts, the worst agreeing entry, the first failure, shrunk). Trial t always gets the same
/// input whatever the number of workers, so the result does not depend on scheduling.
///
/// ```swift
/// let r = await checkPropertyConcurrently(property, options: o)
/// try r.jsonValue.rendered(indent: 2).write(toFile: "derivatives.json", atomically: true, encoding: .utf8)
/// ```
public func checkPropertyConcurrently(_ p: DerivativeProperty, options: AdjointTestOptions = AdjointTestOptions()) async -> PropertyResult {
    if let bad = invalid(p, options) { return bad }
    let trials = p.space.fixedPoint == nil ? options.trials : 1
    let workers = Swift.max(1, Swift.min(trials, options.concurrency ?? ProcessInfo.processInfo.activeProcessorCount))
    let seed = options.seed
    // Each worker takes trials w, w + workers, …: contiguous memory per worker, no shared state.
    // Workers count and mutate as this task does (runChild), so a measured or mutated run's
    // totals and verdicts do not depend on the number of workers.
    let observed = Instrumentation.capture()
    let results = await withTaskGroup(of: ([(Int, Result<PointOutcome, GenerationError>)], OperationCounts).self) { group in
        for w in 0..<workers {
            group.addTask {
                Instrumentation.runChild(observed) {
                    var out: [(Int, Result<PointOutcome, GenerationError>)] = []
                    for t in stride(from: w, to: trials, by: workers) {
                        do { out.append((t, .success(p.check(try draw(p.space, seed: seed, trial: t), options)))) }
                        catch { out.append((t, .failure(GenerationError(description: "\(error)")))) }
                    }
                    return out
                }
            }
        }
        var all: [(Int, Result<PointOutcome, GenerationError>)] = []
        for await (part, counts) in group {
            Instrumentation.add(counts)
            all += part
        }
        return all.sorted { $0.0 < $1.0 }
    }
    var counts: [TestVerdict: Int] = [:]
    var worst: (trial: Int, part: String, entry: String, relativeError: Double)? = nil
    var firstFailure: (Int, PointOutcome)? = nil, firstInconclusive: (Int, PointOutcome)? = nil
    var notRun: [String] = []
    var resolution = ResolutionTally()
    var trialsRun = trials
    tally: for (t, r) in results {
        switch r {
        case .failure(let e):
            // The serial run stops at its first failure and never draws this input, so an
            // earlier failing trial is the answer; reporting the draw instead hid a wrong rule.
            // The tally stops at it, so that `trialsRun` counts exactly the trials tallied.
            guard firstFailure != nil else { return generationFailure(p, options, trial: t, error: e) }
            trialsRun = t
            break tally
        case .success(let outcome):
            for n in notRunNotes(outcome) where !notRun.contains(n) { notRun.append(n) }
            counts[outcome.verdict, default: 0] += 1
            if let w = worstAgreeingEntry(outcome), w.1 > (worst?.relativeError ?? -1) { worst = (t, w.0.part, w.0.entry, w.1) }
            resolution.add(outcome, trial: t)
            if outcome.failsProperty && firstFailure == nil { firstFailure = (t, outcome) }
            if outcome.verdict == .inconclusive && firstInconclusive == nil { firstInconclusive = (t, outcome) }
        }
    }
    let failing = firstFailure ?? (tooManyInconclusive(counts, trials: trials, options: options) ? firstInconclusive : nil)
    return finish(p, options, counts: counts, trialsRun: trialsRun, worst: worst, failing: failing, notRun: notRun,
                  resolution: resolution)
}

struct GenerationError: Error, CustomStringConvertible { let description: String }

func draw(_ space: InputSpace, seed: UInt64, trial: Int) throws -> [Double] {
    var rng = trialGenerator(seed: seed, trial: trial)
    let x = try space.draw(&rng)
    if x.count != space.count {
        throw ADError.dimensionMismatch(what: "length of a generated input", expected: space.count, got: x.count)
    }
    return x
}

func tooManyInconclusive(_ counts: [TestVerdict: Int], trials: Int, options: AdjointTestOptions) -> Bool {
    Double(counts[.inconclusive] ?? 0) > options.maximumInconclusiveFraction * Double(trials)
}

/// The agreeing entry with the largest relative error at one point, among entries whose
/// reference is larger than their tolerance. Below it the relative error measures rounding, not
/// the claim: a right 0 against a reference of 10⁻¹⁴ has relative error 1, and a passing property
/// over integer points reported "largest agreeing relative error 1.0".
func worstAgreeingEntry(_ o: PointOutcome) -> ((part: String, entry: String), Double)? {
    var best: ((part: String, entry: String), Double)? = nil
    for part in o.parts {
        guard let r = part.report else { continue }
        for e in r.entries.joined() where e.verdict == .agree {
            if let w = e.witnessValue, let tol = e.tolerance, !(Swift.abs(w) > tol) { continue }
            if let rel = e.relativeError, rel.isFinite, rel > (best?.1 ?? -1) {
                best = ((part.label, part.entryName(e.output, e.input)), rel)
            }
        }
    }
    return best
}

/// An agreeing entry resolved only to forward or reverse mode's accumulation allowance, beyond
/// √ε of it (``CheckReport/coarselyResolvedEntries``), with where it was found.
struct CoarseResolution {
    let trial: Int, part: String, entry: String
    /// "reverse mode", "forward and reverse mode".
    let modes: String
    let allowance: Double, tolerance: Double
}

/// An agreeing entry whose deciding tolerance exceeds 4√ε of it (``CheckReport/looselyResolvedEntries``).
struct LooseResolution {
    let trial: Int, part: String, entry: String
    /// The witness whose tolerance decided ("adaptive").
    let witness: String
    let tolerance: Double
    /// The tolerance over the entry's magnitude.
    let share: Double
}

/// Over a property's trials: the agreement resolved least finely by each measure, for the
/// passing summary. Trials are added in order, so the first of equals is kept.
struct ResolutionTally {
    /// The largest accumulation allowance beyond √ε of its entry.
    var coarsest: CoarseResolution? = nil
    /// The largest tolerance, as a share of its entry, beyond 4√ε of it.
    var loosest: LooseResolution? = nil

    mutating func add(_ o: PointOutcome, trial: Int) {
        for part in o.parts {
            guard let r = part.report else { continue }
            for e in r.coarselyResolvedEntries {
                guard let a = e.accumulationAllowance, a.allowance > (coarsest?.allowance ?? -1) else { continue }
                coarsest = CoarseResolution(trial: trial, part: part.label, entry: part.entryName(e.output, e.input),
                                            modes: a.subjects.joined(separator: " and ") + " mode", allowance: a.allowance,
                                            tolerance: a.witnessTolerance)
            }
            for e in r.looselyResolvedEntries {
                let size = e.subjects.map { Swift.abs($0.value) }.filter(\.isFinite).max() ?? 0
                guard let tol = e.tolerance, size > 0, tol / size > (loosest?.share ?? -1) else { continue }
                loosest = LooseResolution(trial: trial, part: part.label, entry: part.entryName(e.output, e.input),
                                          witness: e.witness ?? "the witness", tolerance: tol, share: tol / size)
            }
        }
    }
}

func invalid(_ p: DerivativeProperty, _ options: AdjointTestOptions) -> PropertyResult? {
    var why: String? = nil
    do { try options.validate() } catch { why = "\(error)" }
    if why == nil, let d = p.space.sizeProblem { why = "invalid input space: \(d)" }
    if why == nil, let d = p.space.problem { why = "invalid input domain: \(d)" }
    if why == nil, let env = AdjointTestOptions.environmentSeedText, AdjointTestOptions.parseSeed(env) == nil {
        why = "ADJOINT_TEST_SEED=\(env) is not a decimal or 0x-hex 64-bit seed"
    }
    // An empty space has no derivative to compare, so f is never called: a user's f that reads
    // x[0] (or loops to x.count − 1) trapped on the empty point and took the test process with it.
    var verdict = TestVerdict.error
    if why == nil && p.space.count == 0 {
        why = "nothing checked: the input space (\(p.space.summary)) has no inputs, so f was not evaluated; "
            + "a derivative needs at least one input"
        verdict = .nothingChecked
    }
    guard let why else { return nil }
    // Nothing was checked: reported as a failure (never a pass) whose message is the reason.
    return PropertyResult(assertion: p.assertion, claim: p.claim, seed: options.seed, trialsRun: 0, trialsAsked: options.trials,
                          counts: [:], worstAgreeing: nil,
                          failure: PropertyFailure(trial: 0, verdict: verdict,
                                                   shrink: ShrinkResult(original: [], shrunk: [], steps: 0, evaluations: 0),
                                                   outcome: PointOutcome(input: [], parts: []), replayLine: ""),
                          message: "\(p.assertion): \(why)", inputs: p.space.summary)
}

func generationFailure(_ p: DerivativeProperty, _ options: AdjointTestOptions, trial: Int, error: Error) -> PropertyResult {
    PropertyResult(assertion: p.assertion, claim: p.claim, seed: options.seed, trialsRun: trial, trialsAsked: options.trials,
                   counts: [:], worstAgreeing: nil,
                   failure: PropertyFailure(trial: trial, verdict: .error,
                                            shrink: ShrinkResult(original: [], shrunk: [], steps: 0, evaluations: 0),
                                            outcome: PointOutcome(input: [], parts: []), replayLine: ""),
                   message: "\(p.assertion): could not draw input \(trial) from \(p.space.summary) (seed \(hex(options.seed))): \(error)",
                   inputs: p.space.summary)
}

/// What a point's checks could not run, in words: an AD mode a user vector primitive refused
/// for want of its rule, and a custom witness (the AD witness of `assertJVP`/`assertVJP`) that
/// threw. A property over a JVP-only primitive passed with reverse mode never run and the
/// message did not say so; an `assertJVP` point left inconclusive gave no hint that its AD
/// witness had been refused.
func notRunNotes(_ o: PointOutcome) -> [String] {
    var out: [String] = []
    for r in o.parts.compactMap(\.report) {
        for m in r.modesNotRun {
            if case let .missingRule(primitive, _, needs) = m.missing {
                out.append("\(m.mode) mode (user primitive \(primitive) has no \(needs))")
            } else {
                out.append("\(m.mode) mode (\(m.missing))")
            }
        }
        let prefix = "custom witness threw: "
        for rung in r.rungsUsed where rung.note.hasPrefix(prefix) {
            out.append("the \(rung.name) witness (\(rung.note.dropFirst(prefix.count)))")
        }
    }
    return out
}

/// Shrinks the failing input (keeping the same verdict) and renders the result.
func finish(_ p: DerivativeProperty, _ options: AdjointTestOptions, counts: [TestVerdict: Int], trialsRun: Int,
            worst: (trial: Int, part: String, entry: String, relativeError: Double)?,
            failing: (Int, PointOutcome)?, notRun: [String] = [], resolution: ResolutionTally = ResolutionTally()) -> PropertyResult {
    let notRunText = notRun.isEmpty ? "" : "not run: " + notRun.joined(separator: "; ")
    guard let (trial, outcome) = failing else {
        // A pass within the modes' accumulation allowance resolves a rule error only down to that
        // allowance: the summary says so, as it does the largest agreeing error.
        let coarse = resolution.coarsest.map { c in
            "; resolved only to \(fmtNumber(c.allowance)) at \(c.entry) (\(c.part), trial \(c.trial)): \(c.modes) agreed within "
                + "the rounding its accumulation along the tape may reach, beyond the witness's tolerance \(fmtNumber(c.tolerance)), "
                + "so a rule error below that is not resolved there"
        } ?? ""
        // Likewise an agreement no witness could judge more sharply than a share of its entry.
        let loose = resolution.loosest.map { l in
            "; judged only within \(fmtNumber(l.share * 100))% of its value at \(l.entry) (\(l.part), trial \(l.trial)): "
                + "\(l.witness)'s tolerance \(fmtNumber(l.tolerance)) was the sharpest any witness had there, so a claim that far off "
                + "would pass as well"
        } ?? ""
        let summary = "\(p.assertion): \(p.claim) passed at \(points(trialsRun)) (\(countsText(counts))), seed \(hex(options.seed))"
            + (worst.map { "; largest agreeing relative error \(fmtNumber($0.relativeError)) at \($0.entry) (\($0.part), trial \($0.trial))" } ?? "")
            + coarse + loose
            + (notRun.isEmpty ? "" : "; " + notRunText)
        return PropertyResult(assertion: p.assertion, claim: p.claim, seed: options.seed, trialsRun: trialsRun, trialsAsked: options.trials,
                              counts: counts, worstAgreeing: worst, failure: nil, message: summary, inputs: p.space.summary)
    }
    let verdict = outcome.verdict
    let flat = outcome.flatWhereClaimMoves
    let signature = outcome.failureSignature
    var final = outcome
    var shrinker = Shrinker(space: p.space, budget: options.shrink ? options.shrinkBudget : 0) { x in
        let o = p.check(x, options)
        if o.verdict == verdict && o.flatWhereClaimMoves == flat && o.failureSignature == signature { final = o; return true }
        return false
    }
    // `final` changes only when a candidate is accepted, so it is the check at the shrunk input.
    let shrink = shrinker.shrink(outcome.input)
    // A JVP's input is x followed by v: `.point(x ++ v)` in place of the inputs made x of both.
    let replay: String
    if let d = p.replayDirection, d.count <= shrink.shrunk.count {
        let k = shrink.shrunk.count - d.count
        replay = "replay: inputs: .point(\(Array(shrink.shrunk.prefix(k))), \(d.label): \(Array(shrink.shrunk.suffix(d.count))))"
    } else {
        replay = "replay: inputs: .point(\(shrink.shrunk))"
    }
    let failure = PropertyFailure(trial: trial, verdict: verdict, shrink: shrink, outcome: final, replayLine: replay, original: outcome)
    let message = renderFailure(p, options, failure: failure, counts: counts, trialsRun: trialsRun, notRun: notRunText)
    return PropertyResult(assertion: p.assertion, claim: p.claim, seed: options.seed, trialsRun: trialsRun, trialsAsked: options.trials,
                          counts: counts, worstAgreeing: worst, failure: failure, message: message, inputs: p.space.summary)
}

func countsText(_ counts: [TestVerdict: Int]) -> String {
    TestVerdict.allCases.compactMap { v in counts[v].map { "\($0) \(v.name)" } }.joined(separator: ", ")
}

func hex(_ s: UInt64) -> String { "0x" + String(s, radix: 16, uppercase: true) }

@usableFromInline func fmtNumber(_ x: Double) -> String {
    if x.isNaN { return "NaN" }
    if x.isInfinite { return x > 0 ? "inf" : "-inf" }
    if x != 0 && (Swift.abs(x) < 1e-3 || Swift.abs(x) >= 1e6) { return String(format: "%.3g", x) }
    let s = "\(x)"
    return s.count <= 10 ? s : significantText(x, digits: 6)
}

/// `x` (finite) to `digits` significant digits, as C's %g writes it but with ".0" on a whole
/// number, as Swift and every other line of a message print a Double: %g drops it, and a black-box
/// failure read "claimed 1.0000001; reference 1" where the reference is 1.0 everywhere else
/// (a new user's pass). So 1 to 8 digits is "1.0" and 1.0000001 is "1.0000001".
func significantText(_ x: Double, digits: Int) -> String {
    let s = String(format: "%.\(digits)g", x)
    return s.allSatisfy { $0.isNumber || $0 == "-" } ? s + ".0" : s
}
