import AdjointCore

/// One independent estimate of the Jacobian used to judge the subjects, tried in order (the
/// escalation ladder).
///
/// ```swift
/// var o = CheckOptions()
/// o.ladder = [.differences(.central), .differences(.richardson), .differences(.complexStep)]
/// ```
public enum WitnessRung: Sendable {
    /// A derivative-free method of this module.
    case differences(DifferenceMethod)
    /// Central differences evaluated exactly in ℚ with Richardson extrapolation (AdjointExact's
    /// `exactDifferenceJacobian`): no rounding at all, and, unlike exact forward/reverse mode, no
    /// derivative rule either, so it can vindicate or convict a rule. Rational-closed functions only.
    case exactRationals
    /// Any other witness: a function from the point to a Jacobian, trusted with the given
    /// absolute error (0 for exact methods).
    case custom(name: String, errorEstimate: Double, jacobian: @Sendable ([Double]) throws -> [[Double]])

    /// Whether the rung's error estimate rests on a fixed stencil at a step chosen from |x| alone
    /// (central, forward, central4 …), not on steps it verified against f. Such an estimate can be
    /// fooled (sin at 1e25 varies on a scale 10²⁰ times finer than central's step, and its h/2h
    /// estimate was 1e-24), so its disagreement alone convicts nothing when the verified rungs
    /// found no range where differences settle.
    var fixedStencil: Bool {
        if case .differences(let m) = self { return m.isFixedStencil }
        return false
    }

    /// The name used in reports and JSON.
    public var name: String {
        switch self {
        case .differences(let m): return m.rawValue
        case .exactRationals: return "exact-rationals"
        case .custom(let name, _, _): return name
        }
    }

    /// The default ladder: cheap central difference, the adaptive embedded stencil (3 evaluations
    /// per input, error estimate from its embedded lower-order twin), Richardson from a scanned
    /// step, complex-step, then exact rationals. The fixed sixth-order stencil is not a rung: on the
    /// calibration corpus its error estimate missed the true error on 40% of entries, adaptive's
    /// and Richardson's on 0.5% (see `CalibrationTests`).
    public static let defaultLadder: [WitnessRung] = [
        .differences(.central), .differences(.adaptive), .differences(.richardson),
        .differences(.complexStep), .exactRationals,
    ]
}

/// Settings of ``checkJacobian(of:at:claimed:options:)``.
///
/// ```swift
/// var o = CheckOptions()
/// o.rtol = 1e-6          // override the derived relative tolerance
/// o.directionSeed = 42   // random-direction JVP check, reproducible
/// ```
public struct CheckOptions: Sendable {
    /// Check forward mode.
    public var checkForward = true
    /// Check reverse mode. With both modes off, a check needs a claimed Jacobian to judge (the
    /// black-box shape, ``blackBox``); without one `checkJacobian` throws rather than pass nothing.
    public var checkReverse = true
    /// Witnesses, tried in order until one is reliable and agrees, or all have been tried.
    public var ladder: [WitnessRung] = WitnessRung.defaultLadder
    /// Step option for the stencil rungs.
    public var step: StepSize = .automatic
    /// Relative tolerance; nil derives it from the witness's nominal accuracy.
    public var rtol: Double? = nil
    /// Absolute tolerance; nil derives it from the witness's error estimate.
    public var atol: Double? = nil
    /// Walk the tape to name the first wrong primitive when an AD entry is rule-wrong.
    public var localizeFaults = true
    /// Bound, per entry, how far rounding inside f moves the derivative the modes compute from
    /// f′ (``EntryCheck/derivativeRoundingBound``; the report notes the large ones). It costs a
    /// recording of f on duals per 8 inputs and a sweep per output each, skipped past 2²²
    /// tape-entry visits: about 3 times the rest of a 20 × 20 check of a dense function, little
    /// for a small one. The property harness and the self-test, which judge rules over many
    /// trials and never report the value, turn it off.
    ///
    /// ```swift
    /// var o = CheckOptions()
    /// o.boundsDerivativeRounding = false   // entries' derivativeRoundingBound stay nil
    /// ```
    public var boundsDerivativeRounding = true
    /// Seed of the random direction for the extra JVP check; nil skips that check.
    public var directionSeed: UInt64? = 0x5EED
    /// Entries listed as "worst" in the table.
    public var worstEntryCount = 8
    /// The unit roundoff of the arithmetic the claim was computed in, when it is coarser than
    /// the check's own: `Double(Float.ulpOfOne)` for a float32 Jacobian (PyTorch's and JAX's
    /// default) checked in Double. nil: the claim rounds as the check's scalar type does.
    ///
    /// A derivative computed in float32 carries float32 rounding along every path of the
    /// computation, not only its last rounding: where terms cancel, a right float32 gradient is
    /// many Float ulps off its entry (∂/∂x₂ of eˣ¹·sin x₂ + x₁³/x₂ + log(x₁x₂) at
    /// (1.5149720, 1.2495389) is 0.0098104265 and numpy's float32 gives 0.0098105669, 150 of its Float
    /// ulps away), and Double tolerances convicted it. A claim within the check's accumulation
    /// allowance for its paths, scaled from the check's ε to this one, is not shown wrong: the
    /// entry is fd-inconclusive (`path-rounding`), as a claim inside the modes' own allowance is.
    /// A claim beyond it is judged as before.
    ///
    /// ```swift
    /// var o = CheckOptions()
    /// o.claimUnitRoundoff = Double(Float.ulpOfOne)   // the claim came from float32 arithmetic
    /// ```
    public var claimUnitRoundoff: Double? = nil
    /// Names of f's inputs, one per input, for the report's table (its `in` column) and the notes
    /// that name a line ("along x0"); nil names them x0, x1, … . The table named rows and columns
    /// by index alone (0, 1, 2), beside `jac`'s failure line that named them (`df1/dy`, a user walk).
    ///
    /// ```swift
    /// var o = CheckOptions()
    /// o.inputNames = ["r", "theta"]
    /// o.outputNames = ["px", "py"]
    /// print(try checkJacobian(of: Polar(), at: [2.0, 0.5], options: o).renderTable())   // rows "px  r", "py  theta", …
    /// ```
    public var inputNames: [String]? = nil
    /// Names of f's outputs, one per output, for the report's table (its `out` column); nil names
    /// them f0, f1, … . See ``inputNames``.
    public var outputNames: [String]? = nil
    /// The defaults: forward and reverse checked, the default ladder, automatic steps, derived tolerances.
    public init() {}

    /// Input j as the report names it: its ``inputNames`` entry, else "x0", "x1", … (as the step
    /// sweep names inputs).
    func inputName(_ j: Int) -> String { inputNames.flatMap { j >= 0 && j < $0.count ? $0[j] : nil } ?? "x\(j)" }
    /// Output i as the report names it: its ``outputNames`` entry, else "f0", "f1", … .
    func outputName(_ i: Int) -> String { outputNames.flatMap { i >= 0 && i < $0.count ? $0[i] : nil } ?? "f\(i)" }

    /// Names given for a check of f with `n` inputs (and, once f(x) is known, `m` outputs) must be
    /// one per input and output: a list of the wrong length labels the table's rows silently wrong.
    @usableFromInline func validateNames(inputs n: Int, outputs m: Int? = nil) throws {
        if let names = inputNames, names.count != n {
            throw ADError.dimensionMismatch(what: "CheckOptions.inputNames (one name per input of f)", expected: n, got: names.count)
        }
        if let m, let names = outputNames, names.count != m {
            throw ADError.dimensionMismatch(what: "CheckOptions.outputNames (one name per output of f)", expected: m, got: names.count)
        }
    }

    /// Multiplies a witness's error estimate in the default absolute tolerance: estimates are
    /// order-of-magnitude, and a checker must not call a correct rule wrong.
    public static let errorEstimateSafety = 4.0
    /// Relative accuracy granted to an AD result, in ε: sums of many rounded products can lose a
    /// few dozen ulps; a wrong rule is off by far more.
    public static let adAccuracyULPs = 64.0
    /// Rounding granted to an AD result per op along each path, in ε of the path's magnitude:
    /// the product with the partial, the sum into the tangent or adjoint and the partial's own
    /// rounding. ``adAccuracyULPs`` is a floor, independent of depth; a chain of 10,000 ops
    /// carries thousands of ulps, and its right reverse mode was called wrong beside its forward
    /// mode. Reverse mode also adds each node's F uses into its adjoint one after another, which
    /// rounds up to F − 1 times more along every path through the node (an input read by 8,192
    /// products, on paths of two ops, carried 1,035 ulps). The allowance is
    /// ε·max(64·Σ|path|, 4·Σ|path|·(length + Σ (F − 1) over the path's nodes)), Σ over the tape's paths.
    ///
    /// ```swift
    /// CheckOptions.accumulationULPsPerOp   // 4.0
    /// ```
    public static let accumulationULPsPerOp = 4.0
    /// Multiplies the bound on forward mode's own rounding (``DirectionalCheck/forwardRounding``): a
    /// gap between J·v and its difference within it is that rounding, not a wrong rule.
    public static let forwardRoundingSafety = 4.0
}

/// The verdict on one Jacobian entry.
///
/// ```swift
/// report.entries[0][1].verdict == .agree
/// ```
///
/// New kinds of verdict are added as the check learns to tell causes apart (``rangeLoss`` was);
/// a `switch` over it should end with `default:` (usually treated as not passed), or compare with
/// ``name`` or `==` as above, so that code written today keeps compiling.
public enum Verdict: Sendable, Equatable {
    /// Every subject agrees with a reliable witness.
    case agree
    /// A reliable witness (after escalation) disagrees with these subjects.
    case ruleWrong(subjects: [String])
    /// No witness was reliable here; the reasons collected on the ladder.
    case fdInconclusive(reasons: [FDWarning])
    /// A non-differentiable point was touched; `validSubgradient` says whether every subject's
    /// value lies between the one-sided derivatives (nil when they could not be estimated).
    case kink(validSubgradient: Bool?)
    /// A subject's value is NaN or infinite (identical NaNs are reported here, not as mismatches).
    case nonFinite(subjects: [String])
    /// The function jumps at the point along this input: f(x + h) − f(x − h) does not shrink as
    /// h → 0 (it tends to `jump`), so no derivative exists and no value can agree.
    case discontinuity(jump: Double)
    /// These modes disagree with a reliable witness because a tangent or adjoint of their pass
    /// left Double's normal range: the same pass with its seed scaled by a power of two (exact
    /// for every value in range) gave a different finite result (``EntryCheck/seededPasses``).
    /// The derivative rules are not blamed. Reverse mode on x²/x³⁰⁰ at 10 gave 2e-299 for
    /// −2.98e-297 (the adjoint of x³⁰⁰, −10⁻⁵⁹⁸, is below the least Double) and was range-loss;
    /// the library's passes now recover such a term themselves, and the check judges what they
    /// return, so this verdict is left for an entry their lifts could not settle (kept as it ran)
    /// where a seeded pass gives one that agrees with the witness.
    case rangeLoss(subjects: [String])
    /// These AD modes could not run a rule here and were left out of the entries: a user vector
    /// primitive's JVP or VJP answered the wrong length, or nil at a direction or cotangent of
    /// the pass (``CheckReport/modeFailures`` says which rule and why). Never an entry's verdict;
    /// the report's (``CheckReport/verdict``) when a mode failed. Nothing was non-finite there, and
    /// the headline said "non-finite (4 agree)" beside a VJP one entry short (a new user's pass).
    ///
    /// ```swift
    /// // ShortVJP: (x₀x₁, sin x₁) with a right JVP and a VJP that answers one component for two
    /// struct ThroughShortVJP: ADFunction {
    ///     func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { ShortVJP.apply(x) }
    /// }
    /// let r = try checkJacobian(of: ThroughShortVJP(), at: [0.5, 2.0])
    /// _ = r.verdict        // .modeFailed(modes: ["reverse"])
    /// print(r.renderTable())
    /// // verdict: mode-failed: reverse mode failed: short_vjp VJP length (inputs): expected 2, got 1  (4 agree); …
    /// ```
    case modeFailed(modes: [String])

    /// "agree", "rule-wrong", "fd-inconclusive", "kink", "non-finite", "discontinuity", "range-loss"
    /// or "mode-failed".
    public var name: String {
        switch self {
        case .agree: return "agree"
        case .ruleWrong: return "rule-wrong"
        case .fdInconclusive: return "fd-inconclusive"
        case .kink: return "kink"
        case .nonFinite: return "non-finite"
        case .discontinuity: return "discontinuity"
        case .rangeLoss: return "range-loss"
        case .modeFailed: return "mode-failed"
        }
    }

    /// Severity for sorting and the overall verdict: rule-wrong worst.
    var severity: Int {
        switch self {
        case .agree: return 0
        case .kink(let ok): return ok == false ? 2 : 1
        case .fdInconclusive: return 2
        case .nonFinite, .discontinuity, .rangeLoss, .modeFailed: return 3
        case .ruleWrong: return 4
        }
    }
}

/// What one rung of the ladder said about one entry.
///
/// ```swift
/// report.entries[0][1].ladder.map(\.outcome)   // ["disagree", "disagree", "disagree", "disagree"]
/// ```
public struct RungOutcome: Sendable, Equatable {
    /// The rung's name.
    public let witness: String
    /// The rung's estimate of the entry (nil when the rung was not available).
    public let value: Double?
    /// The rung's error estimate.
    public let errorEstimate: Double?
    /// The rung's step.
    public let step: Double?
    /// "agree", "disagree", "unreliable" or "not-available".
    public let outcome: String
    /// The rung's own warnings (cancellation, step below ulp, …).
    public let warnings: [FDWarning]
    /// Evaluations of f the rung spent on this entry's column (issue 16: counted everywhere);
    /// nil when the rung was not available.
    public var evaluations: Int? = nil
}

/// One-sided derivatives at a kink and whether each subject's value lies between them.
///
/// ```swift
/// let k = try checkJacobian(of: Relu(), at: [0.0, 1.0]).entries[0][0].kink   // relu(x₀) + x₁
/// (k?.left, k?.right)   // (0, 1): any subgradient in [0, 1] is valid
/// ```
public struct KinkAnalysis: Sendable, Equatable {
    /// Ops whose non-differentiable point was touched on a path from this input to this output.
    public let ops: [String]
    /// Derivative from the left (second-order one-sided difference).
    public let left: Double
    /// Derivative from the right.
    public let right: Double
    /// Subject name and whether its value lies in [min(left, right), max(left, right)] (within
    /// tolerance) and, with one kink touched, in the generalized gradient with the other entries.
    public internal(set) var withinOneSided: [(subject: String, valid: Bool)]
    /// Why the one-sided derivatives could not be resolved (another kink closer along this input
    /// than a step rounding allows), or nil when they were; for a black box, also why a claim
    /// within them could not be judged jointly (it predicts a slope outside f's one-sided slopes
    /// along a direction moving several inputs, which proves it wrong only for two pieces or a
    /// convex or concave f). Unresolved, the verdict's `validSubgradient` is nil: neither a pass
    /// nor an accusation.
    public let unresolved: String?
    /// Why a subject whose value here lies between the one-sided derivatives is still not in the
    /// generalized gradient: with one kink touched, the row of its values must be λ·g₊ + (1 − λ)·g₋
    /// for a single λ ∈ [0, 1] (g± the gradients of the two pieces meeting there), and it is not.
    /// Nil when no such joint judgement was made or it passed.
    public internal(set) var notInGeneralizedGradient: String? = nil
    /// Tolerance of the one-sided interval (rounding and truncation of the one-sided differences).
    let tolerance: Double

    init(ops: [String], left: Double, right: Double, withinOneSided: [(subject: String, valid: Bool)],
         unresolved: String? = nil, tolerance: Double = 0) {
        self.ops = ops; self.left = left; self.right = right; self.withinOneSided = withinOneSided
        self.unresolved = unresolved; self.tolerance = tolerance
    }

    /// Field-wise equality.
    public static func == (l: KinkAnalysis, r: KinkAnalysis) -> Bool {
        l.ops == r.ops && l.left == r.left && l.right == r.right && l.unresolved == r.unresolved
            && l.notInGeneralizedGradient == r.notInGeneralizedGradient
            && l.withinOneSided.map(\.subject) == r.withinOneSided.map(\.subject)
            && l.withinOneSided.map(\.valid) == r.withinOneSided.map(\.valid)
    }
}

/// The check of one Jacobian entry ∂fᵢ/∂xⱼ.
///
/// ```swift
/// let e = try checkJacobian(of: F(), at: [0.5, 2.0]).entries[0][1]
/// print(e.verdict, e.witness ?? "-", e.relativeError ?? .nan)
/// ```
public struct EntryCheck: Sendable, Equatable {
    /// Output index i of the entry ∂fᵢ/∂xⱼ.
    public let output: Int
    /// Input index j of the entry (of f's inputs, also when only some were checked).
    public internal(set) var input: Int
    /// Each subject's value (forward, reverse, claimed …), in a fixed order.
    public let subjects: [(name: String, value: Double)]
    /// The graded verdict.
    public let verdict: Verdict
    /// The rung that decided (agreeing or disagreeing), if any.
    public let witness: String?
    /// The deciding witness's value.
    public let witnessValue: Double?
    /// The deciding witness's error estimate.
    public let errorEstimate: Double?
    /// The deciding witness's step.
    public let step: Double?
    /// Largest |subject − witness| and that over |witness|.
    public let absoluteError: Double?
    /// ``absoluteError`` / |witness value|.
    public let relativeError: Double?
    /// atol + rtol·|witness| used for the decision.
    public let tolerance: Double?
    /// One-sided analysis when a kink was touched on a path from this input to this output.
    public let kink: KinkAnalysis?
    /// Every rung tried, in order.
    public let ladder: [RungOutcome]
    /// For a forward or reverse value that disagreed with the witness: the same pass rerun with
    /// its seed (direction or cotangent) scaled by a power of two, where that gave a different
    /// finite value. Empty when no such pass differed (or none was needed).
    public internal(set) var seededPasses: [SeededPass] = []
    /// How far rounding inside f can move the derivative forward and reverse mode compute from
    /// the true one: both differentiate f as the floats compute it, and where f cancels that is
    /// not f′. The first-order bound of ``derivativeRoundingBound(of:at:direction:)`` along eⱼ
    /// (x and f's constants taken as given); infinite where that overflowed (nothing then vouches
    /// for the entry: (eˣ − 1)/x at 10⁻²⁰⁰, whose modes give 10²⁰⁰) or where a first-order bound
    /// cannot hold (rounding moves a value the derivative depends on by a quarter of itself or
    /// more: 1/(x·x − c) with x·x − c within x·x's rounding). Nil where no AD mode ran, f
    /// could not be recorded on duals, or the sweeps would pass 2²² tape-entry visits. The check compares rules, so
    /// its verdict is not changed by this: the report notes the entries where it is large
    /// (``CheckReport/derivativeRoundingEntries``).
    ///
    /// ```swift
    /// struct Expm1OverX: ADFunction {   // (eˣ − 1)/x, written naively
    ///     func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [(exp(x[0]) - 1) / x[0]] }
    /// }
    /// let r = try checkJacobian(of: Expm1OverX(), at: [1e-9])
    /// r.entries[0][0].derivativeRoundingBound   // ≈ 222: every mode's −81.74 is within it of f′ = 0.5
    /// ```
    public internal(set) var derivativeRoundingBound: Double? = nil
    /// Set when the entry agrees only because forward or reverse mode was allowed its
    /// accumulation's rounding along the tape: a mode missed the witness by more than the
    /// witness's own tolerance and less than that allowance. A wrong rule whose error is below
    /// the allowance passes such an entry as a right one does, so the allowance, not the
    /// tolerance, is what the entry resolves; the report notes the entries where it exceeds √ε of
    /// the entry (``CheckReport/coarselyResolvedEntries``). Nil where no allowance was needed.
    ///
    /// ```swift
    /// var o = CheckOptions()
    /// o.checkForward = false
    /// let e = try checkJacobian(of: CopiesBesideSine(), at: [0.7], options: o).entries[0][0]   // A(x) − A(x) + sin x
    /// e.accumulationAllowance?.allowance   // ≈ 1.5e-8: what the reverse-only pass resolves there
    /// ```
    public internal(set) var accumulationAllowance: AccumulationAllowance? = nil
    /// The scalar type f was checked in, as the seeded passes' note names its range ("Float" for
    /// a Float check, whose passes lose terms below 1e-45, not Double's 5e-324).
    var scalarName = "Double"
    /// Where the complex step (f as the floats compute it) and exact rationals (f computed
    /// exactly) settled apart and the entry was judged by both (see `Checker.convict`): their
    /// values and the finite rounding bound that covers their gap, for the report's note.
    var floatExactSplit: (float: Double, exact: Double, bound: Double)? = nil
    /// Where x is at the edge of f's domain along this entry's input and the entry was judged by
    /// the one-sided differences from inside (``DomainEdgeLook``): what they found, in words, for
    /// the report's note.
    var domainEdgeNote: String? = nil

    /// Whether this entry lets the check pass: it agrees, or sits at a kink with every subject
    /// shown to lie between the one-sided derivatives. What ``CheckReport/passed`` asks of
    /// every entry, and what `jac check` exits on.
    ///
    /// ```swift
    /// report.entries.joined().filter { !$0.passes }   // what kept the check from passing
    /// ```
    public var passes: Bool {
        switch verdict {
        case .agree: return true
        case .kink(let valid): return valid == true
        default: return false
        }
    }

    /// An inconclusive entry where every difference saw f take one value at all its samples (each
    /// rung's estimate exactly 0, cancelled) while a subject is not 0: f is flat to the last bit
    /// around the point, at every step tried, where the claim says it moves. No difference can
    /// refute the claim on its own (an f whose intermediates are far larger than its value,
    /// (x + 10¹³) − 10¹³, is flat to Double and still has a slope), and none can confirm it: the
    /// typical case is a rule that forgot a saturation (clamp, a plateau). The harness and
    /// `validate` do not let such an entry pass. The black-box check convicts such an entry
    /// (rule-wrong, so no longer flagged) where the claim's change at the largest step is over
    /// 400 times what f's rounding can hide, f is constant at 1/8 of max(1, |xⱼ|) too, and f shows
    /// no kink at the point (a clamp at 2 claimed 1); the flag is left on the rest.
    ///
    /// ```swift
    /// let r = try checkBlackBoxGradient(of: { (x: [Double]) in log(1 + exp(x[0])) }, at: [-40.0], claimedGradient: { _ in [1e-12] })
    /// r.entries[0][0].flatWhereClaimMoves   // true
    /// ```
    ///
    /// Only a subject far above what f's rounding could hide at those steps counts (a hundred
    /// times every rung's error estimate): tanh at 25, flat in Double, has the right slope 4e-22,
    /// and a review found it reported as a forgotten saturation.
    ///
    /// Nor one the check found below what f's rounding can show (``FDWarning/belowResolution``
    /// among the reasons): the black-box check marks so a claim whose change at the largest step
    /// tried f was seen to round away elsewhere in the row (a softmax entry of 3.8e-17 beside a
    /// sum of about 1 inside f), or is within a few ulps of f's inputs or 1, on which nearly every
    /// f rounds (softplus at −40, exactly 0 there, with its right slope 4.2e-18).
    public var flatWhereClaimMoves: Bool {
        guard case .fdInconclusive(let reasons) = verdict, !reasons.contains(.belowResolution) else { return false }
        let valued = ladder.filter { $0.value != nil }
        guard !valued.isEmpty, valued.allSatisfy({ $0.value == 0 && $0.warnings.contains(.cancellation) }) else { return false }
        let hidden = valued.map { $0.errorEstimate ?? .infinity }.max() ?? .infinity
        return subjects.contains { $0.value.isFinite && Swift.abs($0.value) > 100 * hidden }
    }

    /// The subjects (modes, the claimed Jacobian …) this entry shows wrong: those a reliable
    /// witness contradicts, those not finite, and at a kink those outside the one-sided
    /// derivatives. Empty for an entry that passes and for one no witness could decide.
    ///
    /// ```swift
    /// report.entries[0][0].wrongSubjects   // ["claimed"] when only the claim is off
    /// ```
    public var wrongSubjects: [String] {
        switch verdict {
        case .ruleWrong(let s), .nonFinite(let s), .rangeLoss(let s): return s
        case .kink(let valid?) where !valid: return kink?.withinOneSided.filter { !$0.valid }.map(\.subject) ?? []
        default: return []
        }
    }

    /// Same entry, subjects, values and verdict.
    public static func == (l: EntryCheck, r: EntryCheck) -> Bool {
        l.output == r.output && l.input == r.input && l.verdict == r.verdict
            && l.subjects.map(\.name) == r.subjects.map(\.name)
            && l.subjects.map(\.value).elementsEqual(r.subjects.map(\.value)) { $0 == $1 || ($0.isNaN && $1.isNaN) }
    }
}

/// What an agreement left to forward or reverse mode's accumulation allowance
/// (``EntryCheck/accumulationAllowance``).
///
/// ```swift
/// if let a = entry.accumulationAllowance, a.exceedsResolution {
///     print("resolved to \(a.allowance) only, not \(a.witnessTolerance)")
/// }
/// ```
public struct AccumulationAllowance: Sendable, Equatable {
    /// The modes that missed the witness by more than its tolerance.
    public let subjects: [String]
    /// Their largest distance from the witness's value.
    public let gap: Double
    /// The witness's own tolerance (its error estimate and the subjects' few ulps), which they missed.
    public let witnessTolerance: Double
    /// The largest of their accumulation allowances: ``CheckOptions/errorEstimateSafety`` ×
    /// ε·max(``CheckOptions/adAccuracyULPs``·Σ|path|, ``CheckOptions/accumulationULPsPerOp``·Σ|path|·(length + fan-in)),
    /// forward mode's no more than its own netted rounding bound.
    public let allowance: Double
    /// What the check calls a sharp agreement at this entry: √ε of its largest subject (at
    /// least 64ε of its row), √ε of the row's and f's scale where the entry is 0. A gap beyond
    /// it is not passed on the allowance (``FDWarning/accumulationRounding``).
    public let resolution: Double

    /// Whether the allowance exceeds ``resolution``: a rule error between the two is not resolved.
    public var exceedsResolution: Bool { allowance > resolution }
}

/// One entry of a forward or reverse pass rerun with its seed scaled by a power of two, divided
/// back. Scaling the seed scales every tangent or adjoint of the pass exactly, unless one leaves
/// Double's normal range, so a value different from the unseeded pass's shows that pass lost a
/// term (or digits) to underflow. The passes recover what their lifts settle, as the subjects
/// do, so a seeded pass differs only where a subject's entry was left as it ran.
///
/// ```swift
/// let e = try checkJacobian(of: Formula(parsing: "x^2/x^300"), at: [10.0]).entries[0][0]
/// e.verdict        // .agree: reverse mode's sweep kept x³⁰⁰'s adjoint −10⁻⁵⁹⁸ (−2.98e-297)
/// e.seededPasses   // []: nothing was left for a seeded pass to recover
/// ```
public struct SeededPass: Sendable, Equatable {
    /// "forward" or "reverse".
    public let mode: String
    /// The power of two the direction (forward) or cotangent (reverse) was scaled by.
    public let seed: Double
    /// The seeded pass's entry divided by `seed`.
    public let value: Double
    /// Whether `value` lies within the entry's tolerance of the deciding witness.
    public let agreesWithWitness: Bool
}

/// The first primitive whose local derivative disagrees with a difference of that primitive alone.
///
/// ```swift
/// report.fault?.op   // "sin"
/// ```
public struct FaultLocation: Sendable, Equatable {
    /// The primitive's registry name; for a user vector primitive, its name and the rule found
    /// wrong (`cumprod VJP`), with `node` the output's entry and `partial` the input's position.
    public let op: String
    /// Its tape node index (−1 when checked outside a tape).
    public let node: Int
    /// The recorded inputs of the node.
    public let inputs: [Double]
    /// Which partial (0 for ∂/∂x, 1 for ∂/∂y).
    public let partial: Int
    /// The difference quotient of the primitive alone (Richardson).
    public let expected: Double
    /// The registry's partial at the recorded inputs.
    public let got: Double
    /// Error estimate of `expected`.
    public let errorEstimate: Double
}

/// J·v along a seeded random direction: forward mode against a Richardson difference.
///
/// ```swift
/// let d = try checkJacobian(of: F(), at: [0.5, 2.0]).directional   // CheckOptions.directionSeed
/// d?.agrees   // true
/// ```
public struct DirectionalCheck: Sendable, Equatable {
    /// Seed of the generator (SeededGenerator) that drew the direction.
    public let seed: UInt64
    /// The direction v: entries are odd multiples of 1/16 in (−1, 1) with random signs, so the
    /// difference's sample points x + t·v are exact (a rounded point shifts the chord).
    public let direction: [Double]
    /// J·v by forward mode.
    public let forward: [Double]
    /// J·v by a Richardson difference along v.
    public let difference: [Double]
    /// The difference's error estimates.
    public let errorEstimate: [Double]
    /// Whether every component agrees within tolerance; nil when the difference is too coarse
    /// to decide, never converged, or straddles a kink. A disagreement fails the check
    /// (``CheckReport/passed`` is false) even when every entry agrees.
    public let agrees: Bool?
    /// Set when forward mode and the difference first disagreed: a first-order bound on the
    /// rounding in forward mode's J·v, per output (its primal and tangent values' rounding carried
    /// to J·v). A gap within ``CheckOptions/forwardRoundingSafety`` of it decides nothing.
    public var forwardRounding: [Double]? = nil
    /// Why a first disagreement decided nothing, when a second difference told f's rounding bound
    /// agreed (see the check's random-direction judgement); nil otherwise.
    public var note: String? = nil
}

extension DifferenceMethod {
    /// A stencil at a step chosen from |x| alone (see ``WitnessRung``'s `fixedStencil`), as
    /// against the methods that try their steps on f (Richardson, adaptive) or subtract nothing
    /// (the complex step).
    package var isFixedStencil: Bool { self != .richardson && self != .adaptive && self != .complexStep }
}

extension EntryCheck {
    /// When the entry is undecided because only fixed stencils disagreed while the rungs that try
    /// their steps on f found no range where the differences settle (the rule both checkers apply
    /// before convicting: sin at 10²⁵, a solve stopped at a tolerance), the rungs on each side, read
    /// back from the ladder so that a report can say why a listed "disagree" convicted nothing.
    package var disagreementSetAsideAsFixedStencil: (disagreeing: [String], unsettled: [String])? {
        guard case .fdInconclusive(let reasons) = verdict, reasons.contains(.noConvergence) else { return nil }
        let disagreeing = ladder.filter { $0.outcome == "disagree" }.map(\.witness)
        guard !disagreeing.isEmpty, disagreeing.allSatisfy({ DifferenceMethod(rawValue: $0)?.isFixedStencil == true }) else { return nil }
        let unsettled = ladder.map(\.witness).filter { DifferenceMethod(rawValue: $0).map { $0 == .richardson || $0 == .adaptive } ?? false }
        return unsettled.isEmpty ? nil : (disagreeing, unsettled)
    }
}

extension RungOutcome {
    /// Whether this rung settled on a slope: reliable, nonzero beyond its error estimate, at a
    /// step above `step` (the scale below which f may be flat). What the plateau rules of the
    /// generic check ask of the rung beyond a solver's band.
    func settlesOnSlope(above step: Double) -> Bool {
        guard outcome != "unreliable", let v = value, let e = errorEstimate, let h = self.step else { return false }
        return v.isFinite && v != 0 && Swift.abs(v) > CheckOptions.errorEstimateSafety * e && h > step
    }
}
