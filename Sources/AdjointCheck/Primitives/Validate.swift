import AdjointCore
import AdjointExact
import AdjointSparse

/// What ``validate(_:samples:seed:)`` found about a user primitive: one verdict per check.
///
/// ```swift
/// let v = validate(LambertW.self)
/// v.passed                    // false when a rule is wrong
/// v.check(named: "partials")  // .failed, with the point, expected and claimed values
/// print(v)                    // one line per check
/// ```
public struct PrimitiveValidation: Sendable, CustomStringConvertible {
    /// How one check ended.
    public enum Outcome: String, Sendable {
        case passed, failed, inconclusive, skipped
    }

    /// One check: its name, outcome and a readable detail (the first failing point, or why it was
    /// skipped or inconclusive).
    public struct Check: Sendable {
        public let name: String
        public let outcome: Outcome
        public let detail: String
    }

    /// The primitive's name.
    public let primitive: String
    /// The seed the sample points were drawn with.
    public let seed: UInt64
    /// The checks in the order they ran.
    public internal(set) var checks: [Check] = []

    /// True when no check failed, at least one check of the derivatives themselves (partials,
    /// second-derivatives, jvp, vjp) passed, and none of them was left inconclusive. A finite
    /// primal and declared kinks alone check no rule: a vector primitive whose JVP and VJP were
    /// both inconclusive used to pass. Nor does a passed check vouch for one that could not
    /// decide: a sin whose rule reads cos x as a Double (its second derivative 0 for −sin x), sampled
    /// near 10⁻¹⁵⁰, passed on its partials while no difference could judge its second derivatives,
    /// and "passed" read as second order checked. A check skipped for a stated reason (a rule
    /// on Doubles only has no second derivatives to check) does not count against it.
    ///
    /// ```swift
    /// let v = validate(TinySin.self)
    /// v.passed               // false
    /// v.inconclusiveChecks   // ["second-derivatives"]; v.description says why
    /// ```
    public var passed: Bool {
        !checks.contains { $0.outcome == .failed }
            && checks.contains { $0.outcome == .passed && Self.derivativeChecks.contains($0.name) }
            && inconclusiveChecks.isEmpty
    }

    /// Names of the checks of the derivatives (partials, second-derivatives, jvp, vjp) that ran
    /// and could not decide: what a ``passed`` of false without a failed check is waiting on.
    public var inconclusiveChecks: [String] {
        checks.filter { $0.outcome == .inconclusive && Self.derivativeChecks.contains($0.name) }.map(\.name)
    }

    /// The checks that compare a rule with differences of the primal.
    static let derivativeChecks: Set<String> = ["partials", "second-derivatives", "jvp", "vjp"]

    /// Why a validation with no failed check did not pass: which checks of the rule could not
    /// decide, or that none could.
    package var undecidedSummary: String {
        let decided = checks.contains { $0.outcome == .passed && Self.derivativeChecks.contains($0.name) }
        let open = inconclusiveChecks
        if !decided || open.isEmpty { return "no check of the rule could decide" }
        return open.joined(separator: ", ") + " could not decide; the rest passed covers only what it checked"
    }

    /// Names of the failed checks.
    public var failedChecks: [String] { checks.filter { $0.outcome == .failed }.map(\.name) }

    /// The check called `name`, if it ran.
    public func check(named name: String) -> Check? { checks.first { $0.name == name } }

    /// `validate lambert_w (seed 24301): FAILED` and one line per check.
    public var description: String {
        // The seed in hex, as every replay line and ADJOINT_TEST_SEED write it.
        let verdict = passed ? "passed" : !failedChecks.isEmpty ? "FAILED" : "NOT CONFIRMED (\(undecidedSummary))"
        // A name that is no identifier quoted, so that an empty one is seen: "validate  (seed …)".
        let shown = UserPrimitives.isValidName(primitive) ? primitive : primitive.debugDescription
        var lines = ["validate \(shown) (seed 0x\(String(seed, radix: 16, uppercase: true))): \(verdict)"]
        for c in checks { lines.append("  \(c.name): \(c.outcome.rawValue) — \(c.detail)") }
        return lines.joined(separator: "\n")
    }
}

extension PrimitiveValidation {
    /// A failed "name" check when the name cannot name the primitive's calls (empty, "my prim(x)",
    /// a built-in op's; see ``UserPrimitives/isValidName(_:)``), which registration, a check and a
    /// symbolic expression refuse: validate passed such a primitive and printed
    /// "validate  (seed 0x5EED): passed". The rules are still checked, so one run says all.
    mutating func checkName(_ name: String, of type: String) {
        if let why = UserPrimitives.nameViolation(name, of: type) {
            checks.append(.init(name: "name", outcome: .failed, detail: why))
        }
    }
}

/// A value as validate's details print it: NaN as "NaN", the way the checker's reports and the
/// harness print it. Swift's own text follows the sign bit, and glibc's log and sqrt of a
/// negative number return a NaN with the sign set: a primal declared for all reals printed
/// "primal at (-0.5) is -nan", C's spelling, which read as a value of its own.
func valueText(_ x: Double) -> String { x.isNaN ? "NaN" : "\(x)" }

/// Why the first `count` sample ranges cannot be drawn from, or nil. A point is drawn as
/// a + (b − a)·u, so an infinite bound, or a width beyond the largest Double, gives points at ±∞
/// or NaN; the primal was then blamed for them: `-.infinity ... .infinity`, declared for "all
/// reals", failed primal-finite with "primal at (-nan) is -nan, inside the declared domain".
func nonFiniteSampleRange(_ ranges: [ClosedRange<Double>], count: Int, declaration: String) -> String? {
    guard let k = ranges.prefix(count).firstIndex(where: { r in
        !(r.lowerBound.isFinite && r.upperBound.isFinite && (r.upperBound - r.lowerBound).isFinite)
    }) else { return nil }
    let r = ranges[k]
    return "\(declaration)[\(k)] is \(r.lowerBound)...\(r.upperBound): validate draws points from it, so its ends and its "
        + "width must be finite; declare a finite interval where the rule should be checked (the domain is declared apart, "
        + "with domainViolation)"
}

/// Checks a user scalar primitive before it is trusted.
///
/// At `samples` points drawn (seeded) from the declared ``ScalarPrimitive/sampleRanges``, outside
/// the declared domain violations and kinks, and at 0 in place of each input whose range holds
/// it (where a rule's special case for a removable singularity lives, and random points never land):
/// - **primal-finite**: the primal is finite, there and at the ends (corners) of the sample
///   ranges that the declared domain admits, where random points never land and a domain
///   declared too wide shows (x·log x declared for x ≥ 0 and sampled from [0, 3] is NaN at 0);
/// - **partials**: each declared partial agrees with a difference of the primal alone: the complex
///   step where the primal is analytic (within its estimate plus 1e-11 relative for the rule's
///   rounding, so a rule off by 1e-9 fails), else Richardson (within its estimate plus
///   ``RuleCheck/relativeTolerance``, 1e-11 relative; steps stay a quarter of the way to a declared
///   kink). A partial neither can judge (no complex step, Richardson never settled) is undecided,
///   never counted as agreeing; with every partial undecided the check is inconclusive, and the
///   validation does not pass (``PrimitiveValidation/passed`` needs a check of the rule to pass);
/// - **kinks**: where a partial jumps along an input's sample range (found on a grid, bisected to
///   a few ulps), a kink must be declared (`kinkDistance` 0 there);
/// - **second-derivatives**: the Hessian of the primitive by forward-over-reverse (which
///   differentiates the rule itself) agrees with differences of the declared partials. A rule
///   that is right once and wrong when differentiated again (written in Doubles, or with a
///   derivative term dropped) fails here. Near 0, where steps below |x|/4 leave a partial of
///   order 1 unresolved, an entry is differenced again with the longer steps the declared domain
///   admits (exp's second derivative 1% off at x ≈ 10⁻¹⁵⁰ fails). Skipped, with the reason, for a
///   Double-only primitive;
/// - **rational-closure**, when ``ScalarPrimitive/isRationalClosed`` is declared: exact forward
///   mode runs the primitive at the first sample points and must report nothing (a primal that
///   reads a rational as a Double, or calls √, fails).
///
/// ```swift
/// let report = validate(Cube.self)
/// XCTAssert(report.passed, report.description)
/// ```
public func validate<P: ScalarPrimitive>(_ primitive: P.Type, samples: Int = 16, seed: UInt64 = 0x5EED) -> PrimitiveValidation {
    var result = PrimitiveValidation(primitive: P.name, seed: seed)
    result.checkName(P.name, of: "\(P.self)")
    guard samples >= 1 else {
        result.checks.append(.init(name: "declaration", outcome: .failed, detail: "samples must be ≥ 1, got \(samples)"))
        return result
    }
    var rng = SeededGenerator(seed: seed)
    let ranges = P.sampleRanges
    guard P.arity == 1 || P.arity == 2, ranges.count >= P.arity else {
        result.checks.append(.init(name: "declaration", outcome: .failed,
                                   detail: "arity must be 1 or 2 with one sample range per input (arity \(P.arity), \(ranges.count) ranges)"))
        return result
    }
    if let why = nonFiniteSampleRange(ranges, count: P.arity, declaration: "sampleRanges") {
        result.checks.append(.init(name: "declaration", outcome: .failed, detail: why))
        return result
    }
    var points: [[Double]] = []
    var attempts = 0
    var badKinkDistance: String? = nil
    while points.count < samples && attempts < 20 * samples {
        attempts += 1
        let p = (0..<P.arity).map { k in ranges[k].lowerBound + (ranges[k].upperBound - ranges[k].lowerBound) * rng.nextUnit() }
        let b = p.count > 1 ? p[1] : p[0]
        if P.domainViolation(p[0], b) != nil { continue }
        let declared = P.kinkDistance(p[0], b)
        // As for a vector primitive: a NaN distance is never 0, so no mode reports the kink and
        // no step is bounded by it; a negative one is no kink either. Both passed validate.
        if let d = declared, d.isNaN || d < 0, badKinkDistance == nil {
            badKinkDistance = "kinkDistance is \(valueText(d)) at \(p.count > 1 ? "(\(p[0]), \(p[1]))" : "\(p[0])"); "
                + "it must be nil (no kink) or ≥ 0 (0 at a kink)"
        }
        if declared == 0 { continue }
        points.append(p)
    }
    let zeros = points.first.map { first in
        zeroPoints(ranges.prefix(P.arity), besides: first).filter { p in
            let (a, b) = (p[0], p.count > 1 ? p[1] : p[0])
            guard P.domainViolation(a, b) == nil, (P.kinkDistance(a, b) ?? .infinity) > 0 else { return false }
            return !points.contains(p)
        }
    } ?? []
    if points.isEmpty {
        result.checks.append(.init(name: "primal-finite", outcome: .failed,
                                   detail: "no sample range point lies inside the declared domain"))
        return result
    }
    func args(_ p: [Double]) -> (Double, Double) { (p[0], p.count > 1 ? p[1] : p[0]) }
    func show(_ p: [Double]) -> String { "(" + p.map { "\($0)" }.joined(separator: ", ") + ")" }
    let evaluations = ScalarEvaluations<P>()

    // Primal finite.
    var (values, primalDiag) = Diagnostics.collect { points.map { p in evaluations.primal(args(p).0, args(p).1) } }
    if let e = primalDiag.errors.first {
        result.checks.append(.init(name: "primal-finite", outcome: .failed, detail: "the primal reported: \(e)"))
        return result
    }
    if let k = values.firstIndex(where: { !$0.isFinite }) {
        // Say what to change: the point passed the declared domain, so either the declaration or
        // the sample ranges are wrong (a log declared on x > −1 failed with only "is -nan").
        result.checks.append(.init(name: "primal-finite", outcome: .failed,
                                   detail: "primal at \(show(points[k])) is \(valueText(values[k])), inside the declared domain (\(P.domain)) "
                                       + "and the sample ranges \(ranges.prefix(P.arity).map { "\($0)" }.joined(separator: ", ")): "
                                       + "exclude such points with domainViolation, or narrow sampleRanges"))
        return result
    }
    // The ends of the sample ranges too, where the declared domain admits them: random points
    // never land on an end, and an end is where a domain declared too wide shows. x·log x
    // declared for x ≥ 0 with samples from [0, 3] passed validate, and a property drawing 0
    // then met NaN inside the declared domain (a new user's review).
    let ends = sampleRangeEnds(ranges.prefix(P.arity)).filter { p in
        let (a, b) = args(p)
        return P.domainViolation(a, b) == nil && P.kinkDistance(a, b) != 0
    }
    for p in ends {
        let (v, diagnostics) = Diagnostics.collect { evaluations.primal(args(p).0, args(p).1) }
        guard let problem = diagnostics.errors.first.map({ "reports \($0)" }) ?? (v.isFinite ? nil : "is \(valueText(v))") else { continue }
        result.checks.append(.init(name: "primal-finite", outcome: .failed,
                                   detail: "primal at \(show(p)) \(problem); that is an end of the sample ranges "
                                       + "\(ranges.prefix(P.arity).map { "\($0)" }.joined(separator: ", ")), and the declared domain "
                                       + "(\(P.domain)) admits it: exclude such points with domainViolation, or narrow sampleRanges"))
        return result
    }
    // The points at 0 after the ends, each judged as they are: a non-finite corner is named as one.
    for p in zeros {
        let (v, diagnostics) = Diagnostics.collect { evaluations.primal(args(p).0, args(p).1) }
        guard let problem = diagnostics.errors.first.map({ "reports \($0)" }) ?? (v.isFinite ? nil : "is \(valueText(v))") else {
            points.append(p)
            values.append(v)
            continue
        }
        result.checks.append(.init(name: "primal-finite", outcome: .failed,
                                   detail: "primal at \(show(p)) \(problem); 0 lies in the sample ranges "
                                       + "\(ranges.prefix(P.arity).map { "\($0)" }.joined(separator: ", ")), and the declared domain "
                                       + "(\(P.domain)) admits it: exclude such points with domainViolation, or narrow sampleRanges"))
        return result
    }
    result.checks.append(.init(name: "primal-finite", outcome: .passed, detail: "finite at \(points.count) points"))

    // Partials against differences of the primal alone.
    var failures: [String] = []
    var judged = 0, undecided = 0
    var flat: [String] = []
    // Points where the primal's measured noise was above the few ulps differences assume, and
    // was told to them (see RuleCheck.userPartialComparison): said in the verdict, since it is
    // what the verdict there rests on.
    var noisy: [(point: [Double], noise: RuleCheck.PrimalNoise)] = []
    for (k, p) in points.enumerated() {
        let (a, b) = args(p)
        let (dx, dy) = evaluations.partials(a, b, output: values[k])
        let claimed = [dx, dy]
        let limit = 0.25 * (P.kinkDistance(a, b).map { $0.isNaN ? .infinity : Swift.abs($0) } ?? .infinity)
        var noise: RuleCheck.PrimalNoise? = nil
        for which in 0..<P.arity {
            let probe = RuleCheck.userPartialComparison(name: P.name, point: p, partial: which, claimed: claimed[which], node: -1,
                                                        stepLimit: limit, primal: { y in evaluations.primal(y[0], y.count > 1 ? y[1] : y[0]) },
                                                        analytic: UserPrimal<P>(), noise: &noise)
            let noiseNote = noise.flatMap { n in n.floor > 0 ? n.sigma.map { " (the primal's measured noise σ = \($0))" } : nil } ?? ""
            switch probe {
            case .disagree(let f):
                failures.append("∂/∂input \(which) at \(show(p)): difference \(f.expected) ± \(f.errorEstimate), rule \(f.got)\(noiseNote)")
            case .undecided:
                undecided += 1
                if claimed[which] != 0 && claimed[which].isFinite
                    && primalIsFlat(P.self, at: p, input: which, limit: limit, claimed: claimed[which], evaluations: evaluations) {
                    flat.append(show(p))
                }
            case .agree: break
            }
            judged += 1
        }
        if let noise, noise.floor > 0 { noisy.append((p, noise)) }
    }
    // A partial no difference could judge is not an agreement: a rule on a noisy primal (an
    // iterative solve stopped early) was reported as "16 partials agree" having checked none.
    var noiseNote = ""
    if let first = noisy.first, let sigma = first.noise.sigma {
        let ulps = sigma / (Double.ulpOfOne * Swift.max(Swift.abs(first.noise.value), .leastNormalMagnitude))
        noiseNote = "; at \(noisy.count) point(s) the primal rounds far above its ulps (first at \(show(first.point)): "
            + "measured noise σ = \(sigma), \(ulps.rounded()) ulps of |\(first.noise.value)|), and the differences there "
            + "assume \(MeasuredNoise.bound)σ per evaluation"
    }
    let undecidedNote = (undecided == 0 ? "" : "; \(undecided) could not be judged (no complex step, and Richardson never settled)")
        + noiseNote
    if !failures.isEmpty {
        result.checks.append(.init(name: "partials", outcome: .failed,
                                   detail: "\(failures.count) of \(judged) disagree; first: \(failures[0])\(undecidedNote)"))
    } else if let first = flat.first {
        // Not a conviction (an f far larger inside than outside is flat to Double and still has
        // a slope) and not an agreement: a clamp's rule that forgot the saturation passed as
        // "6 partials agree; 10 could not be judged".
        result.checks.append(.init(name: "partials", outcome: .inconclusive,
                                   detail: "at \(flat.count) of \(judged) partials the primal takes one value at every step tried "
                                       + "while the rule's partial is not 0 (first at \(first)): nothing can confirm the rule there "
                                       + "(a rule that forgot a saturation, a clamp or a plateau looks like this)\(undecidedNote)"))
    } else if undecided == judged {
        result.checks.append(.init(name: "partials", outcome: .inconclusive,
                                   detail: "none of \(judged) partials could be judged: no complex step (the primal is not analytic "
                                       + "or runs on Doubles only) and Richardson differences of the primal never settled\(noiseNote)"))
    } else {
        result.checks.append(.init(name: "partials", outcome: .passed,
                                   detail: "\(judged - undecided) partials agree with complex-step or Richardson differences of the primal\(undecidedNote)"))
    }

    result.checks.append(secondDerivativeCheck(P.self, points: points, partialsFailed: !failures.isEmpty,
                                                     evaluations: evaluations))
    result.checks.append(badKinkDistance.map { .init(name: "kinks", outcome: .failed, detail: $0) } ?? kinkDeclarationCheck(P.self, evaluations: evaluations))
    if let check = linearityCheck(P.self, points: points, evaluations: evaluations) { result.checks.append(check) }
    if let check = rationalClosureCheck(P.self, points: points) { result.checks.append(check) }
    return result
}

/// Tests a declared ``ScalarPrimitive/isRationalClosed`` at the first few sample points: the
/// primitive in exact forward mode (a dual of rationals along each input) must report nothing,
/// so neither its primal nor its partials called an op outside ℚ or read a rational as a Double.
/// Nil when closure is not declared. A √ declared closed (a root read as a Double, then a Newton
/// step in T) passed validate, and exact mode reported its rounded root as exact.
func rationalClosureCheck<P: ScalarPrimitive>(_: P.Type, points: [[Double]]) -> PrimitiveValidation.Check? {
    guard P.isRationalClosed else { return nil }
    for p in points.prefix(4) {
        let x = p.map { Rational($0) }
        for k in 0..<P.arity {
            let seeded = x.indices.map { Dual<Rational, Rational>(x[$0], tangent: $0 == k ? 1 : 0) }
            let (_, d) = Diagnostics.collect { P.arity > 1 ? P.apply(seeded[0], seeded[1]) : P.apply(seeded[0]) }
            if let e = d.errors.first {
                return .init(name: "rational-closure", outcome: .failed,
                             detail: "declared isRationalClosed, but at \(p) exact forward mode along input \(k) reported: \(e)")
            }
        }
    }
    return .init(name: "rational-closure", outcome: .passed,
                 detail: "declared isRationalClosed: exact mode ran the primal and partials at \(Swift.min(points.count, 4)) points with no rounding")
}

/// The points with 0 in place of one or more inputs whose sample range contains 0 (the rest as
/// in `sample`), which random points never land on. 0 is where a rule special-cases a removable
/// singularity: sinc′ with `x == 0 ? 1 : (x cos x − sin x)/x²` (the limit is 0) passed validate,
/// and every mode then gave 1 at 0, where the check of a function using it says rule-wrong.
func zeroPoints(_ ranges: ArraySlice<ClosedRange<Double>>, besides sample: [Double]) -> [[Double]] {
    let choices: [[Double]] = zip(ranges, sample).map { r, v in r.contains(0) && v != 0 ? [v, 0] : [v] }
    let all = choices.reduce([[]]) { partial, options in partial.flatMap { p in options.map { p + [$0] } } }
    return all.filter { $0 != sample }
}

/// The corners of the box the sample ranges span (both ends of one range, four corners of two).
func sampleRangeEnds(_ ranges: ArraySlice<ClosedRange<Double>>) -> [[Double]] {
    ranges.reduce([[]]) { partial, range in
        let ends = range.lowerBound == range.upperBound ? [range.lowerBound] : [range.lowerBound, range.upperBound]
        return partial.flatMap { p in ends.map { p + [$0] } }
    }
}

/// Whether the primal takes exactly its value at `p` at p ± h along `input` for steps h of 10⁻¹,
/// 10⁻⁴ and 10⁻⁸ times max(1, |pᵢ|) (those below `limit`, a quarter of the way to a declared kink,
/// and those where the claimed partial would move the primal by 64 ulps of it: a right 3.5e-19
/// of a logistic at 42, flat in Double, is no sign of a forgotten saturation): flat to the last
/// bit at every such scale, where a difference sees nothing. False with no such step.
func primalIsFlat<P: ScalarPrimitive>(_: P.Type, at p: [Double], input: Int, limit: Double, claimed: Double,
                                      evaluations: ScalarEvaluations<P> = .init()) -> Bool {
    func primal(_ y: [Double]) -> Double { evaluations.primal(y[0], y.count > 1 ? y[1] : y[0]) }
    let center = primal(p)
    let visible = 64 * Swift.max(center.ulp, Double.leastNonzeroMagnitude)
    let steps = [1e-1, 1e-4, 1e-8].map { $0 * Swift.max(1, Swift.abs(p[input])) }
        .filter { $0 < limit && Swift.abs(claimed) * $0 > visible }
    guard !steps.isEmpty, center.isFinite else { return false }
    return steps.allSatisfy { h in
        [-h, h].allSatisfy { t in
            var y = p
            y[input] += t
            return primal(y) == center
        }
    }
}

/// Tests a declared ``Linearity`` on the primal alone, along lines through the sample points
/// that move the inputs the claim covers (see ``claimedLines(_:arity:)``), with steps of an eighth
/// of each sample range (``linearityViolation(_:through:moving:step:)`` says how a line is judged).
/// Nil when nothing is claimed (`.nonlinear`).
func linearityCheck<P: ScalarPrimitive>(_: P.Type, points: [[Double]],
                                        evaluations: ScalarEvaluations<P> = .init()) -> PrimitiveValidation.Check? {
    let lines = claimedLines(P.linearity, arity: P.arity)
    if lines.isEmpty { return nil }
    let ranges = P.sampleRanges
    var judged = 0
    var failure: String? = nil
    for p in points {
        for inputs in lines {
            let step = (0..<P.arity).map { inputs.contains($0) ? (ranges[$0].upperBound - ranges[$0].lowerBound) / 8 : 0 }
            switch linearityViolation(P.self, through: p, moving: inputs, step: step, evaluations: evaluations) {
            case .unjudged: continue
            case .onLine: judged += 1
            case .off(let why):
                judged += 1
                if failure == nil { failure = why }
            }
        }
    }
    if let failure { return .init(name: "linearity", outcome: .failed, detail: failure) }
    if judged == 0 {
        return .init(name: "linearity", outcome: .inconclusive,
                     detail: "declared \(P.linearity), but no line of sample points stayed inside the declared domain")
    }
    return .init(name: "linearity", outcome: .passed,
                 detail: "declared \(P.linearity): the primal lies on a line along \(judged) lines of sample points")
}

/// The sets of inputs a ``Linearity`` claim says the primal is affine along, moved together:
/// all inputs together and each alone for `.affine` (affine in both together is affine in each,
/// and a claim tested on the diagonal only passed sin(x − y) + x, constant along it), each alone
/// for `.affineInEach`, the first for `.affineInFirst`; none for `.nonlinear`.
func claimedLines(_ linearity: Linearity, arity: Int) -> [[Int]] {
    switch linearity {
    case .nonlinear: return []
    case .affine: return arity > 1 ? [Array(0..<arity)] + (0..<arity).map { [$0] } : [[0]]
    case .affineInEach: return (0..<arity).map { [$0] }
    case .affineInFirst: return [[0]]
    }
}

/// A line's verdict in ``linearityViolation(_:through:moving:step:)``.
enum LineVerdict: Equatable {
    case onLine
    /// Off the line: why, for a report.
    case off(String)
    /// A point outside the domain, or a non-finite value: nothing said.
    case unjudged
}

/// Whether the primal lies on a line through `p` moving `inputs` by `step` (per input) times
/// t = −2, −1, 0, ½, 1, 3. Asymmetric on purpose: with points symmetric about p, a curve odd about
/// p (sin at 0) lies exactly on the line through the outer two and passed.
///
/// The tolerance is the primal's own rounding (16 ε of the largest value), the rounding of the
/// points' arguments (a few ulps each, times the line's slope), and 10⁻⁹ of the change along the
/// line, which bounds what a claim can hide relative to what the line measures. Against the
/// largest value alone (as first written), 10⁹ + sin x passed and an exactly affine x − 1.7·10⁹
/// failed on its arguments' rounding.
func linearityViolation<P: ScalarPrimitive>(_: P.Type, through p: [Double], moving inputs: [Int], step: [Double],
                                            evaluations: ScalarEvaluations<P> = .init()) -> LineVerdict {
    let ts: [Double] = [-2, -1, 0, 0.5, 1, 3]
    let line = ts.map { t in (0..<P.arity).map { p[$0] + t * step[$0] } }
    func args(_ q: [Double]) -> (Double, Double) { (q[0], q.count > 1 ? q[1] : q[0]) }
    guard line.allSatisfy({ P.domainViolation(args($0).0, args($0).1) == nil }) else { return .unjudged }
    let (g, diagnostics) = Diagnostics.collect { line.map { evaluations.primal(args($0).0, args($0).1) } }
    guard diagnostics.errors.isEmpty, g.allSatisfy(\.isFinite) else { return .unjudged }
    let (first, last) = (0, ts.count - 1)
    let span = ts[last] - ts[first]
    let change = Swift.abs(g[last] - g[first])
    let largest = g.reduce(0) { Swift.max($0, Swift.abs($1)) }
    // Each argument is off its exact place on the line by about an ulp; the primal moves by its
    // slope along that input (at most the whole change over that input's step per unit t).
    let argumentRounding = inputs.reduce(0.0) { sum, j in
        let q = line.map { Swift.abs($0[j]) }.max() ?? 0
        return step[j] == 0 ? sum : sum + 4 * (change / span) * q.ulp / Swift.abs(step[j])
    }
    let tolerance = 16 * Double.ulpOfOne * largest + argumentRounding + 1e-9 * change
    for k in (first + 1)..<last {
        let onLine = g[first] + (ts[k] - ts[first]) / span * (g[last] - g[first])
        let off = Swift.abs(g[k] - onLine)
        if off > tolerance {
            let which = inputs.map { "input \($0)" }.joined(separator: " and ")
            return .off("declared \(P.linearity), but moving \(which) from \(line[first]) to \(line[last]) the primal at "
                        + "\(line[k]) is \(g[k]), off the line through the ends by \(off)")
        }
    }
    return .onLine
}

/// Whether a user primitive's linearity claim holds where f used it: along each claimed line
/// through the recorded arguments, at steps of 2⁻²⁰, 2⁻¹⁰, 2⁻³ and 1 times max(1, |argument|).
/// The tape analysis trusts the claim at that node only if every line was judged on-line at some
/// scale and off-line at none: a wrong claim must not let a difference skip its step search.
func linearityHolds<P: ScalarPrimitive>(_: P.Type, at p: [Double]) -> Bool {
    let lines = claimedLines(P.linearity, arity: P.arity)
    guard !lines.isEmpty, p.count >= P.arity else { return false }
    for inputs in lines {
        var judged = false
        for scale in [0x1p-20, 0x1p-10, 0x1p-3, 1.0] {
            let step = (0..<P.arity).map { inputs.contains($0) ? scale * Swift.max(1, Swift.abs(p[$0])) : 0 }
            switch linearityViolation(P.self, through: p, moving: inputs, step: step) {
            case .off: return false
            case .onLine: judged = true
            case .unjudged: continue
            }
        }
        if !judged { return false }
    }
    return true
}

/// Finds where the rule's partials jump along each input's sample range and asks whether a kink
/// is declared there. Each cell of a 65-point grid where the partial changes is bisected down to
/// a few ulps: a smooth partial's change shrinks with the interval (sin(100x), tanh(50x)), a jump
/// stays (|x| at 0). The jump's place must have declared kink distance 0 (or lie outside the
/// domain). A user trial found |x| with no kink declared passing validate; the check and the
/// harness then difference straight across its kink without knowing it is there.
func kinkDeclarationCheck<P: ScalarPrimitive>(_: P.Type, evaluations: ScalarEvaluations<P> = .init()) -> PrimitiveValidation.Check {
    let ranges = P.sampleRanges
    var found: [String] = [], conventions: [String] = []
    var jumpsSeen = 0
    for k in 0..<P.arity {
        let others = (0..<P.arity).map { 0.5 * (ranges[$0].lowerBound + ranges[$0].upperBound) }
        func point(_ t: Double) -> (Double, Double) {
            var p = others
            p[k] = t
            return (p[0], p.count > 1 ? p[1] : p[0])
        }
        /// The partial along input k at t, or nil outside the domain or where it is not finite.
        func partial(_ t: Double) -> [Double]? {
            let (a, b) = point(t)
            if P.domainViolation(a, b) != nil { return nil }
            let (v, _) = Diagnostics.collect { () -> Double? in
                let z = evaluations.primal(a, b)
                let (dx, dy) = evaluations.partials(a, b, output: z)
                let d = k == 0 ? dx : dy
                return z.isFinite && d.isFinite ? d : nil
            }
            return v.map { [$0] }
        }
        for jump in derivativeJumps(from: ranges[k].lowerBound, to: ranges[k].upperBound, partial) {
            jumpsSeen += 1
            let (x, y) = point(jump.at)
            let declared = P.kinkDistance(x, y)
            if let d = declared, jump.isDeclared(d) {
                if d == 0 {
                    func rule(_ q: [Double]) -> [Double]? {
                        let (a, b) = (q[0], q.count > 1 ? q[1] : q[0])
                        if P.domainViolation(a, b) != nil { return nil }
                        let (dx, dy) = Diagnostics.collect { evaluations.partials(a, b, output: evaluations.primal(a, b)) }.0
                        return [k == 0 ? dx : dy]
                    }
                    let at = P.arity == 2 ? [x, y] : [x]
                    let scales = ranges.map { $0.upperBound - $0.lowerBound }
                    if let value = rule(at),
                       let problem = conventionProblem(value, limits: [jump.before, jump.after] + limitsAround(at, rule, scales: scales)) {
                        conventions.append("the partial along input \(k) at the kink (\(P.arity == 2 ? "\(x), \(y)" : "\(x)")) is \(problem)")
                    } else if P.arity == 2 {
                        // Each partial within its one-sided values is not enough with two inputs:
                        // a user max whose tie rule is (1, 1) passed, each component in [0, 1],
                        // while every limit g of its rule there has g·(1, 1) = 1 (the generalized
                        // gradient is {(λ, 1 − λ)}). The whole gradient must lie in their hull.
                        func gradient(_ q: [Double]) -> [Double]? {
                            if P.domainViolation(q[0], q[1]) != nil { return nil }
                            let (dx, dy) = Diagnostics.collect { evaluations.partials(q[0], q[1], output: evaluations.primal(q[0], q[1])) }.0
                            return [dx, dy]
                        }
                        if let value = gradient(at), let problem = hullProblem(value, limits: limitsAround(at, gradient, scales: scales)) {
                            conventions.append("the gradient at the kink (\(x), \(y)) is \(problem)")
                        }
                    }
                }
                continue
            }
            found.append("the partial along input \(k) jumps from \(jump.before[0]) to \(jump.after[0]) at \(jump.at)"
                         + (declared.map { ", where the declared kink distance is \($0)" } ?? ", where no kink is declared (kinkDistance is nil)"))
        }
    }
    return kinkVerdict(found: found, conventions: conventions, jumpsSeen: jumpsSeen)
}

/// What is wrong with the rule's value at a declared kink, or nil: each component must be finite
/// and lie between the smallest and largest of the rule's limits there (with a relative slack of
/// 10⁻⁹ for their rounding), the componentwise bound of the convex hull of the pieces that meet
/// at the kink, which every subgradient (Clarke) lies in. A convention outside it is none: a
/// review's |x| with the rule giving 5 at 0 passed validate, since only the jump's place was
/// checked, never the value there. The limits must come from every direction, not only the scan
/// line's two sides: at a sort's triple tie six pieces meet, and its tie-keeps-order convention
/// is a limit along none of the axis lines through it.
func conventionProblem(_ value: [Double], limits: [[Double]]) -> String? {
    let limits = limits.filter { $0.count == value.count && $0.allSatisfy(\.isFinite) }
    guard !limits.isEmpty else { return nil }
    for (k, v) in value.enumerated() {
        let lo = limits.map { $0[k] }.min() ?? 0, hi = limits.map { $0[k] }.max() ?? 0
        let slack = 1e-9 * Swift.max(Swift.abs(lo), Swift.abs(hi))
        if !(v >= lo - slack && v <= hi + slack) {
            let shown = value.count == 1 ? valueText(v) : "[\(value.map(valueText).joined(separator: ", "))] (component \(k))"
            return v.isFinite ? "\(shown), not between the one-sided values \(lo) and \(hi)"
                              : "\(shown): not finite, where the one-sided values are \(lo) and \(hi)"
        }
    }
    return nil
}

/// What is wrong with a two-input rule's gradient `value` at a declared kink, or nil: it must lie
/// in the convex hull of the gradients `limits` of the pieces meeting there (the generalized
/// gradient), with the relative slack of ``conventionProblem(_:limits:)``. In the plane a point is
/// in a polygon when along the normal of every edge its projection lies between the vertices'
/// (the separating-axis test); the edges are among the pairs of distinct limits. (1, 1) at the tie
/// of max, with limits (1, 0) and (0, 1), projects to 2 along (1, 1), where both project to 1.
func hullProblem(_ value: [Double], limits: [[Double]]) -> String? {
    guard value.count == 2, value.allSatisfy(\.isFinite) else { return nil }
    var distinct: [[Double]] = []
    for g in limits where g.count == 2 && g.allSatisfy(\.isFinite) {
        let size = Swift.max(Swift.abs(g[0]), Swift.abs(g[1]), 1)
        if !distinct.contains(where: { Swift.abs($0[0] - g[0]) <= 1e-9 * size && Swift.abs($0[1] - g[1]) <= 1e-9 * size }) {
            distinct.append(g)
        }
    }
    guard distinct.count >= 2 else { return nil }
    for a in distinct.indices { for b in distinct.indices where b > a {
        let d = [distinct[b][0] - distinct[a][0], distinct[b][1] - distinct[a][1]]
        let length = Swift.max(Swift.abs(d[0]), Swift.abs(d[1]))
        guard length > 0 else { continue }
        let w = [-d[1] / length, d[0] / length]
        let projections = distinct.map { $0[0] * w[0] + $0[1] * w[1] }
        let lo = projections.min() ?? 0, hi = projections.max() ?? 0
        let v = value[0] * w[0] + value[1] * w[1]
        let slack = 1e-9 * Swift.max(Swift.abs(lo), Swift.abs(hi), Swift.abs(value[0]) + Swift.abs(value[1]))
        if !(v >= lo - slack && v <= hi + slack) {
            let vertices = distinct.map { "(\($0[0]), \($0[1]))" }.joined(separator: ", ")
            return "\(value), outside the convex hull of the one-sided gradients \(vertices): along (\(w[0]), \(w[1])) it gives "
                + "\(v), they give \(lo == hi ? "\(lo)" : "\(lo) to \(hi)")"
        }
    } }
    return nil
}

/// The rule's values just off `p` along ± each axis and 32 seeded random directions, at 10⁻⁷ of
/// each input's sample-range width: the limits of the pieces that meet at a kink at p (a piece
/// of any but a vanishing solid angle is met). Points outside the domain, or where the rule has no
/// value, are left out.
func limitsAround(_ p: [Double], _ rule: ([Double]) -> [Double]?, scales: [Double]) -> [[Double]] {
    let n = p.count
    var rng = SeededGenerator(seed: 0x1D_C0A7)
    var directions: [[Double]] = []
    for k in 0..<n { for sign in [-1.0, 1.0] { directions.append((0..<n).map { $0 == k ? sign : 0 }) } }
    if n > 1 { for _ in 0..<32 { directions.append((0..<n).map { _ in 2 * rng.nextUnit() - 1 }) } }
    return directions.compactMap { dir in
        rule(zip(zip(p, dir), scales).map { pd, w in pd.0 + 1e-7 * Swift.max(w, 1e-300) * pd.1 })
    }
}

/// The "kinks" check's verdict from the undeclared jumps found, the declared kinks whose rule
/// value lies outside the one-sided values, and the jumps seen in all.
func kinkVerdict(found: [String], conventions: [String] = [], jumpsSeen: Int, of what: String = "the partials") -> PrimitiveValidation.Check {
    if let first = found.first {
        return .init(name: "kinks", outcome: .failed, detail: "\(found.count) undeclared kink(s); first: \(first)")
    }
    if let first = conventions.first {
        return .init(name: "kinks", outcome: .failed,
                     detail: "the rule's value at \(conventions.count) declared kink(s) is not a one-sided value or between them; first: \(first)")
    }
    return .init(name: "kinks", outcome: .passed,
                 detail: jumpsSeen == 0 ? "no jump in \(what) along the sample ranges" : "\(jumpsSeen) jump(s) in \(what), each at a declared kink")
}

/// A jump of a derivative found along a line: where (bisected to a few ulps), how wide the last
/// bracket was, and the derivative's values either side.
struct DerivativeJump {
    let at: Double
    let width: Double
    let before: [Double]
    let after: [Double]

    /// Whether a declared kink distance `d` at the jump vanishes there (up to the bisection's last step).
    func isDeclared(_ d: Double) -> Bool {
        d <= 64 * Swift.max(at.ulp, width, Double.leastNormalMagnitude) * Swift.max(1, Swift.abs(at))
    }
}

/// Where `derivative` (one or more components, nil where undefined) jumps on [lo, hi]. Each cell of
/// a 65-point grid where it changes is bisected down to a few ulps: a smooth derivative's change
/// shrinks with the interval (sin(100x), tanh(50x)), a jump stays (|x| at 0). Every changing cell
/// is bisected (about 55 halvings each): picking the eight largest changes missed the jump of 2 at
/// 0 of exp(2x) + |x|, whose smooth part changes by more than that per cell near 3 (a review).
///
/// The bisection stops at 2⁻⁶⁰ of the range too: near 0 the ulps shrink through the subnormals, and
/// a kink at 0 (a sort's tie at the centre of its sample box) took about 1,100 halvings, each a
/// JVP of the whole primitive. A jump's one-sided values must have settled, as a pole's do not:
/// log|x − 0.1| outside a domain excluding 0.1 bisects to a bracket of a few ulps with partials
/// ∓4·10¹⁶ either side, and read as an undeclared kink (a review).
func derivativeJumps(from lo: Double, to hi: Double, _ derivative: (Double) -> [Double]?) -> [DerivativeJump] {
    func change(_ u: [Double], _ w: [Double]) -> Double { zip(u, w).reduce(0) { Swift.max($0, Swift.abs($1.1 - $1.0)) } }
    // Offset by an irrational fraction of a cell: a grid point on a kink (0 of −3…3) is where
    // the rule gives its convention, and one jump would be reported as two half-jumps.
    let grid = (0...64).map { lo + (hi - lo) * (Double($0) + 0.381966) / 65 }
    let values = grid.map(derivative)
    let scale = values.compactMap { $0 }.flatMap { $0 }.map { Swift.abs($0) }.max() ?? 0
    guard scale > 0 else { return [] }
    var jumps: [DerivativeJump] = []
    for i in 0..<64 {
        guard var pa = values[i], var pb = values[i + 1], pa.count == pb.count else { continue }
        let initial = change(pa, pb)
        guard initial > 1e-12 * scale else { continue }
        var a = grid[i], b = grid[i + 1]
        var interrupted = false
        let finest = Swift.max(0x1p-60 * (hi - lo), Double.leastNormalMagnitude)
        while b - a > Swift.max(4 * Swift.max(a.ulp, b.ulp), finest) {
            let c = 0.5 * (a + b)
            guard let pc = derivative(c), pc.count == pa.count else { interrupted = true; break }
            if change(pa, pc) >= change(pc, pb) { b = c; pb = pc } else { a = c; pa = pc }
        }
        let jump = change(pa, pb)
        guard !interrupted, jump >= 0.25 * initial, jump > 1e-8 * scale else { continue }
        // Settled: 2¹⁰ brackets further out each side's value moved by under a quarter of the jump
        // (a pole's grows a thousandfold there). Where those points cannot be evaluated, the jump stands.
        let far = 1024 * (b - a)
        if let outA = derivative(a - far), let outB = derivative(b + far), outA.count == pa.count, outB.count == pb.count,
           change(outA, pa) > 0.25 * jump || change(outB, pb) > 0.25 * jump {
            continue
        }
        // A bracket about 0 names 0 (bisected to the ulps, it named 0 before the floor above).
        jumps.append(DerivativeJump(at: a <= 0 && 0 <= b ? 0 : 0.5 * (a + b), width: b - a, before: pa, after: pb))
    }
    return jumps
}

/// The Hessian of the primitive by forward-over-reverse against Richardson differences of its
/// declared partials (a symmetric second-derivative test that uses the rule, not the primal, as
/// the differenced function: it isolates "right once, wrong when differentiated again").
/// When the partials themselves disagree with the primal (`partialsFailed`), agreement here is
/// only the wrong rule agreeing with itself (2x² for x³ differentiates to 4x on both sides), so
/// it is inconclusive, not passed: "second-derivatives: passed" beside a wrong cube read as its
/// second derivatives being right.
func secondDerivativeCheck<P: ScalarPrimitive>(_: P.Type, points: [[Double]], partialsFailed: Bool = false,
                                               evaluations: ScalarEvaluations<P> = .init()) -> PrimitiveValidation.Check {
    let name = "second-derivatives"
    var failures: [String] = []
    var judged = 0, unreliable = 0
    for p in points {
        let n = P.arity
        let h: [[Double]]
        do {
            h = try hessian(of: { (z: [HessianScalar<Double>]) -> HessianScalar<Double> in
                n > 1 ? P.apply(z[0], z[1]) : P.apply(z[0])
            }, at: p, refusingRuleEscapes: false)
        } catch let e as ADError {
            if case .unsupported = e {
                return .init(name: name, outcome: .skipped,
                             detail: "the rule runs on Doubles only (\(e)); Hessians and exact mode report unsupported")
            }
            failures.append("Hessian at \(p) threw \(e)")
            continue
        } catch {
            failures.append("Hessian at \(p) threw \(error)")
            continue
        }
        let gradient: ([Double]) -> [Double] = { y in
            let a = y[0], b = y.count > 1 ? y[1] : y[0]
            let (dx, dy) = evaluations.partials(a, b, output: evaluations.primal(a, b))
            return n > 1 ? [dx, dy] : [dx]
        }
        let limit = 0.25 * (P.kinkDistance(p[0], n > 1 ? p[1] : p[0]).map { $0.isNaN ? .infinity : Swift.abs($0) } ?? .infinity)
        for k in 0..<n {
            let v = (0..<n).map { $0 == k ? 1.0 : 0.0 }
            var probe = LineProbe<Double>(eval: gradient, x: p, v: v)
            var wide = DifferenceTuning.richardsonInitialStep * probe.scale
            if limit > 0 { wide = Swift.min(wide, limit) }
            let h0 = p[k] != 0 ? Swift.min(wide, 0.25 * Swift.abs(p[k])) : wide
            var est = probe.richardsonScanned(outputs: n, maximumStep: h0)
            // A quarter of |x| keeps the steps off an edge of the domain at 0 (log, √), and near 0
            // it leaves them too short for any difference of a partial of order 1: a rule 1% off
            // in exp's second derivative, sampled from [1e-151, 1e-150], had no reliable difference
            // at any point, and validate passed it on its partials. Where the declared domain holds
            // and the partials are finite at the ends of the unshortened step (a declared kink
            // still bounds it), an entry the short steps left unreliable is differenced again there,
            // and that difference is used only where it resolves the entry (its error bound stays
            // short of 0 from the rule's value or its own): a rule's 0 for sin″ = −10⁻¹⁵⁰ would
            // otherwise agree with 0 ± 10⁻¹⁶, where it was rightly undecided.
            if h0 < wide, est.contains(where: { !$0.value.isFinite || !$0.warnings.isEmpty }),
               stepStaysInDomain(P.self, p, input: k, step: wide, gradient: gradient) {
                var wideProbe = LineProbe<Double>(eval: gradient, x: p, v: v)
                let again = wideProbe.richardsonScanned(outputs: n, maximumStep: wide)
                est = est.indices.map { r in
                    let (short, long) = (est[r], again[r])
                    let resolves = agreementTolerance(long, rule: h[r][k], partial: wideProbe.center.map { $0[r] })
                        < Swift.max(Swift.abs(h[r][k]), Swift.abs(long.value))
                    return !(short.value.isFinite && short.warnings.isEmpty) && long.value.isFinite && long.warnings.isEmpty && resolves
                        ? long : short
                }
            }
            // A partial that takes one value, to the bit, at x and at x ± s for steps s from the
            // widest the domain admits down by 16 and 256, beside a rule whose second derivative
            // there is exactly 0: the differences of it are 0 with no rounding left to bound (each
            // flagged cancellation), and its derivative is 0 within ε·|partial|/s. An affine
            // primitive (1.8x + 32, its partial 1.8) had no reliable difference at any point and
            // was NOT CONFIRMED once an undecided second order stopped passing. sin near 10⁻¹⁵⁰,
            // whose partial cos x is 1 at x but not at x ± 1/8, stays undecided.
            func constantPartial(_ r: Int) -> Bool {
                guard h[r][k] == 0, wide > 0, wide.isFinite,
                      stepStaysInDomain(P.self, p, input: k, step: wide, gradient: gradient) else { return false }
                let at = gradient(p)[r]
                guard at.isFinite else { return false }
                for s in [wide, wide / 16, wide / 256] {
                    for t in [-s, s] {
                        var q = p
                        q[k] += t
                        if gradient(q)[r].bitPattern != at.bitPattern { return false }
                    }
                }
                return true
            }
            for r in 0..<n {
                judged += 1
                let e = est[r]
                guard e.value.isFinite, e.warnings.isEmpty else {
                    if !constantPartial(r) { unreliable += 1 }
                    continue
                }
                let got = h[r][k]
                let tol = agreementTolerance(e, rule: got, partial: probe.center.map { $0[r] })
                if !(Swift.abs(got - e.value) <= tol) {
                    failures.append("∂²/∂input \(r)∂input \(k) at \(p): differences of the partials give \(e.value) ± \(e.errorEstimate), forward-over-reverse gives \(got)")
                }
            }
        }
    }
    if !failures.isEmpty {
        return .init(name: name, outcome: .failed, detail: "\(failures.count) of \(judged) disagree; first: \(failures[0])")
    }
    if judged == unreliable {
        return .init(name: name, outcome: .inconclusive, detail: "no difference of the partials was reliable")
    }
    if partialsFailed {
        return .init(name: name, outcome: .inconclusive,
                     detail: "\(judged - unreliable) second derivatives agree with differences of the partials, but the partials "
                         + "disagree with the primal (see partials), so this says nothing of the true second derivatives")
    }
    return .init(name: name, outcome: .passed, detail: "\(judged - unreliable) second derivatives agree with differences of the partials")
}

/// How far a second derivative of the rule (`rule`) may lie from a difference of its partials
/// (`e`) and agree: the difference's error bound, the rule's relative rounding and
/// ``RuleCheck/absoluteSlack(magnitude:)`` of the partial differenced (`partial`, at the point).
func agreementTolerance(_ e: DifferenceEstimate, rule got: Double, partial: Double?) -> Double {
    CheckOptions.errorEstimateSafety * e.errorEstimate
        + RuleCheck.relativeTolerance * Swift.max(Swift.abs(e.value), Swift.abs(got))
        + RuleCheck.absoluteSlack(magnitude: partial)
}

/// Whether ``secondDerivativeCheck(_:points:partialsFailed:evaluations:)`` may difference the
/// partials at `p` with steps up to `step` along input `k`: the declared domain admits both ends
/// and the partials are finite there. Nothing is said of the points between; a declared kink
/// bounds the step before this is asked.
func stepStaysInDomain<P: ScalarPrimitive>(_: P.Type, _ p: [Double], input k: Int, step: Double,
                                           gradient: ([Double]) -> [Double]) -> Bool {
    [-step, step].allSatisfy { s in
        var q = p
        q[k] += s
        guard q[k].isFinite, P.domainViolation(q[0], q.count > 1 ? q[1] : q[0]) == nil else { return false }
        return gradient(q).allSatisfy(\.isFinite)
    }
}

/// The relative tolerance of a vector primitive's dot-product identity ⟨u, J·v⟩ = ⟨Jᵀu, v⟩ beyond
/// its witness's error (of the sum of the terms' magnitudes), and of each entry of Jᵀu that a
/// failing identity checks against the JVP (``wrongVJPEntries``).
let vjpIdentityRelativeTolerance = 1e-10

/// The entries of a VJP that a JVP confirmed at x contradicts: (Jᵀu)ⱼ = ⟨u, J·eⱼ⟩, one JVP per
/// input, asked only at a failing identity. "" when the JVP cannot say (it answers nil or the
/// wrong length along a unit direction, or every entry matches within the identity's rounding).
func wrongVJPEntries<P: VectorPrimitive>(_: P.Type, _ evaluations: VectorEvaluations<P>, at x: [Double],
                                        cotangent u: [Double], vjp ju: [Double]) -> String {
    var wrong: [String] = []
    for j in x.indices {
        var e = [Double](repeating: 0, count: x.count)
        e[j] = 1
        guard let column = evaluations.jvp(at: x, direction: e), column.count == u.count else { return "" }
        let fromJVP = zip(u, column).reduce(0) { $0 + $1.0 * $1.1 }
        let magnitude = zip(u, column).reduce(0) { $0 + Swift.abs($1.0 * $1.1) } + Swift.abs(ju[j])
        if !(Swift.abs(fromJVP - ju[j]) <= vjpIdentityRelativeTolerance * Swift.max(magnitude, 1e-300)) {
            wrong.append("(Jᵀu)[\(j)]: VJP \(ju[j]), ⟨u, J·e\(j)⟩ from the JVP \(fromJVP)")
        }
    }
    return wrong.isEmpty ? "" : "; the JVP, confirmed at this point, gives Jᵀu otherwise at " + wrong.joined(separator: ", ")
}

/// Checks a user vector primitive ℝⁿ → ℝᵐ before it is trusted, at `samples` points drawn from
/// its ``VectorPrimitive/sampleRanges(inputs:)``:
/// - **primal-finite**, at the samples and at the corners of the sample box the declared domain
///   admits (beyond ten inputs the two ends of its diagonal);
/// - **jvp**: J·v for random directions v against a Richardson difference of the primal along v;
/// - **vjp**: the dot-product identity ⟨u, J·v⟩ = ⟨Jᵀu, v⟩ for random u and v, with J·v from the
///   JVP when it is declared, else from the difference (so a VJP alone is still checked against
///   the primal). Random cotangents, never all ones: a VJP that ignores its cotangent fails. A VJP
///   that matches a JVP no difference confirmed is only consistent with it: that sample does not
///   count as a pass (a mismatch still fails);
/// - **kinks**: where J·v (or uᵀJ) jumps along an input's sample range (through the centre of the
///   sample box; beyond eight inputs, eight of them and two diagonals of the box), a kink must be
///   declared (``VectorPrimitive/kinkDistance(_:)`` 0 there); a pole is not a jump. A kink
///   distance that is NaN or negative fails; a scan with no point inside the domain is inconclusive;
/// - **sparsity**, when ``VectorPrimitive/sparsity(inputs:)`` declares a pattern: one row per
///   output, every index an input, and each declared zero exactly 0 in the JVP (or VJP) at the
///   sample points, as ``sparseJacobian`` tests it at each call. A pattern that does not fit was
///   ignored there without a word (the primitive taken as dense), and one that leaves out a
///   dependency passed `validate` and then made `sparseJacobian` throw.
///
/// Points outside the declared domain or at a declared kink are not drawn; near a kink the
/// differences stay a quarter of the way to it. `inputs` below 1 (or `samples` below 1) fails
/// the "declaration" check, before the primitive is asked for anything.
///
/// ```swift
/// let report = validate(LinearSolve.self, inputs: 6)
/// ```
public func validate<P: VectorPrimitive>(_ primitive: P.Type, inputs n: Int, samples: Int = 8,
                                         seed: UInt64 = 0x5EED) -> PrimitiveValidation {
    var result = PrimitiveValidation(primitive: P.name, seed: seed)
    result.checkName(P.name, of: "\(P.self)")
    guard samples >= 1 else {
        result.checks.append(.init(name: "declaration", outcome: .failed, detail: "samples must be ≥ 1, got \(samples)"))
        return result
    }
    // Before the primitive is asked for ranges: the default sampleRanges(inputs: −1) trapped
    // ("Can't construct Array with count < 0"), killing the test process of an assertPrimitive.
    guard n >= 1 else {
        result.checks.append(.init(name: "declaration", outcome: .failed, detail: "inputs must be ≥ 1, got \(n)"))
        return result
    }
    var rng = SeededGenerator(seed: seed)
    let ranges = P.sampleRanges(inputs: n)
    guard ranges.count == n else {
        result.checks.append(.init(name: "declaration", outcome: .failed,
                                   detail: "sampleRanges(inputs: \(n)) gave \(ranges.count) ranges"))
        return result
    }
    if let why = nonFiniteSampleRange(ranges, count: n, declaration: "sampleRanges(inputs: \(n))") {
        result.checks.append(.init(name: "declaration", outcome: .failed, detail: why))
        return result
    }
    func unit() -> Double { rng.nextUnit() * 2 - 1 }
    let evaluations = VectorEvaluations<P>()
    var jvpFailures: [String] = [], vjpFailures: [String] = []
    var jvpJudged = 0, vjpJudged = 0, hasJVP = true, hasVJP = true
    var used = 0, attempts = 0, outputs = 0
    var usedPoints: [[Double]] = []
    var badKinkDistance: String? = nil
    while used < samples && attempts < 20 * samples {
        attempts += 1
        let x = ranges.map { $0.lowerBound + ($0.upperBound - $0.lowerBound) * rng.nextUnit() }
        // Outside the declared domain the rules are not asked; at a declared kink a difference
        // says nothing about them, and near one it stays a quarter of the way to it (a step along
        // v, whose entries are at most 1, moves no input further than the step).
        if P.domainViolation(x) != nil { continue }
        let declared = P.kinkDistance(x)
        // A distance is ≥ 0 or nil: a NaN one is never 0, so no mode reports the kink, and the
        // check's steps are not bounded by it; a negative one is no kink either (both passed).
        if let d = declared, d.isNaN || d < 0, badKinkDistance == nil {
            badKinkDistance = "kinkDistance is \(valueText(d)) at \(x); it must be nil (no kink) or ≥ 0 (0 at a kink)"
        }
        let distance = declared.map { $0.isNaN ? .infinity : Swift.abs($0) } ?? .infinity
        if distance == 0 { continue }
        used += 1
        usedPoints.append(x)
        let y = evaluations.primal(x)
        // Every driver sizes the primitive's outputs from one call: a primal that gave 2 values
        // for x₀ > 0 and 1 below passed here, and a check across the switch compared
        // differences of outputs that are not there on one side.
        if let first = usedPoints.first, used > 1, y.count != outputs {
            result.checks.append(.init(name: "output-count", outcome: .failed,
                                       detail: "the primal gave \(outputs) output\(outputs == 1 ? "" : "s") at \(first) and \(y.count) at \(x); "
                                           + "a vector primitive's output count must depend on its input count alone"))
            return result
        }
        outputs = y.count
        if let k = y.firstIndex(where: { !$0.isFinite }) {
            result.checks.append(.init(name: "primal-finite", outcome: .failed, detail: "output \(k) at \(x) is \(valueText(y[k]))"))
            return result
        }
        let v = (0..<n).map { _ in unit() }
        let u = y.map { _ in unit() }
        var probe = LineProbe<Double>(eval: { evaluations.primal($0) }, x: x, v: v)
        // The primal's own noise, measured (16 evaluations, up to 40): a solve near a singular
        // matrix rounds 10⁵ ulps of its outputs, the difference assuming a few settled 10⁻⁶ off
        // with an estimate of 10⁻⁹, and a JVP with a and b swapped passed. Told to the
        // difference only where it exceeds the model's few ulps (elsewhere nothing changes).
        let noise = vectorPrimitiveNoise(P.self, at: x, outputs: y.count, primal: evaluations.primal)
        let floors = y.indices.map { r in RuleCheck.noiseFloor(measured: r < noise.sigma.count ? noise.sigma[r] : nil, value: y[r]) }
        if floors.contains(where: { $0 > 0 }) { probe.noiseFloor = floors }
        let diff = probe.richardsonScanned(outputs: y.count, maximumStep: 0.25 * Swift.abs(distance))
        let reliable = diff.allSatisfy { $0.value.isFinite && $0.warnings.isEmpty }
        let jv = evaluations.jvp(at: x, direction: v)
        // Whether this sample's JVP was confirmed by the difference: only then does a VJP that
        // matches it (by the dot-product identity) confirm the VJP too.
        var jvpConfirmed = false
        if let jv {
            if jv.count != y.count {
                jvpFailures.append("JVP has \(jv.count) entries for \(y.count) outputs at \(x)")
            } else if reliable {
                jvpJudged += 1
                jvpConfirmed = true
                for r in y.indices {
                    let e = diff[r]
                    let tol = CheckOptions.errorEstimateSafety * e.errorEstimate + RuleCheck.relativeTolerance * Swift.max(Swift.abs(e.value), Swift.abs(jv[r]))
                        + RuleCheck.absoluteSlack(magnitude: y[r])
                    if !(Swift.abs(jv[r] - e.value) <= tol) {
                        jvpFailures.append("output \(r) at \(x) along \(v): difference \(e.value) ± \(e.errorEstimate), JVP \(jv[r])")
                        jvpConfirmed = false
                        break
                    }
                }
            }
        } else { hasJVP = false }
        if let ju = evaluations.vjp(at: x, cotangent: u) {
            if ju.count != n {
                vjpFailures.append("VJP has \(ju.count) entries for \(n) inputs at \(x)")
                continue
            }
            // ⟨u, J·v⟩ from a confirmed JVP, else from a reliable difference with its error
            // estimate, else from an unconfirmed JVP. A JVP the difference refuted is not used
            // where the difference is at hand: a right VJP beside a wrong JVP was convicted
            // ("⟨u, J·v⟩ … but ⟨Jᵀu, v⟩ …"), and a VJP wrong like its JVP was left inconclusive.
            let useDifference = reliable && !jvpConfirmed
            let left: Double, leftError: Double
            let lhs: [Double]
            if !useDifference, let jv, jv.count == y.count {
                lhs = jv
                left = zip(u, jv).reduce(0) { $0 + $1.0 * $1.1 }
                leftError = 0
            } else if reliable {
                lhs = diff.map(\.value)
                left = zip(u, diff).reduce(0) { $0 + $1.0 * $1.1.value }
                leftError = zip(u, diff).reduce(0) { $0 + Swift.abs($1.0) * $1.1.errorEstimate }
            } else { continue }
            let right = zip(ju, v).reduce(0) { $0 + $1.0 * $1.1 }
            let magnitude = zip(u, lhs).reduce(0) { $0 + Swift.abs($1.0 * $1.1) }
                + zip(ju, v).reduce(0) { $0 + Swift.abs($1.0 * $1.1) }
            let tol = CheckOptions.errorEstimateSafety * leftError + vjpIdentityRelativeTolerance * Swift.max(magnitude, 1e-300)
            // Against an unconfirmed JVP the identity shows only that the two rules are each
            // other's transpose (a mismatch still fails: they cannot both be right); a JVP and
            // VJP wrong by the same factor on a primal no difference could settle passed as "8
            // dot-product identities hold".
            if useDifference || jv == nil || jvpConfirmed { vjpJudged += 1 }
            if !(Swift.abs(left - right) <= tol) {
                // The first failure says which entries of Jᵀu are wrong, and with what u and v:
                // "⟨u, J·v⟩ = 3.8778 but ⟨Jᵀu, v⟩ = 3.8842" alone left a new user with a VJP
                // whose entries 1 and 2 were swapped no way to find them or replay the point.
                let entries = vjpFailures.isEmpty && jvpConfirmed ? wrongVJPEntries(P.self, evaluations, at: x, cotangent: u, vjp: ju) : ""
                vjpFailures.append("at \(x): ⟨u, J·v⟩ = \(left) but ⟨Jᵀu, v⟩ = \(right) (u = \(u), v = \(v))\(entries)")
            }
        } else { hasVJP = false }
    }
    if used == 0 {
        result.checks.append(.init(name: "primal-finite", outcome: .failed,
                                   detail: "no sample range point lies inside the declared domain (\(P.domain)) away from a declared kink"))
        return result
    }
    // The sample box's corners that the declared domain admits, as for a scalar primitive
    // (random points never land on them); all of them up to ten inputs, beyond that the two
    // corners of the box's diagonal, which stand for the rest at a linear cost.
    let corners = n <= 10 ? sampleRangeEnds(ranges[...]) : [ranges.map(\.lowerBound), ranges.map(\.upperBound)]
    for c in corners where P.domainViolation(c) == nil && P.kinkDistance(c) != 0 {
        let y = evaluations.primal(c)
        guard let k = y.firstIndex(where: { !$0.isFinite }) else { continue }
        result.checks.append(.init(name: "primal-finite", outcome: .failed,
                                   detail: "output \(k) at \(c) is \(valueText(y[k])); that is a corner of the sample ranges, and the declared "
                                       + "domain (\(P.domain)) admits it: exclude such points with domainViolation, or narrow sampleRanges"))
        return result
    }
    result.checks.append(.init(name: "primal-finite", outcome: .passed, detail: "finite at \(used) points"))
    func summary(_ name: String, _ declared: Bool, _ failures: [String], _ judged: Int, _ what: String) {
        if !declared {
            // A rule declared with other labels or a non-optional result is another method, and
            // the protocol's default (nil) answers: say how it must read.
            let signature = name == "jvp" ? "jvp(at x: [Double], direction v: [Double]) -> [Double]?"
                                          : "vjp(at x: [Double], cotangent u: [Double]) -> [Double]?"
            result.checks.append(.init(name: name, outcome: .skipped,
                                       detail: "no \(name.uppercased()) declared; that mode reports missingRule (a rule must read `static func \(signature)`: with other labels or a non-optional result it is another method)"))
        } else if !failures.isEmpty {
            result.checks.append(.init(name: name, outcome: .failed, detail: "\(failures.count) failed; first: \(failures[0])"))
        } else if judged == 0 {
            result.checks.append(.init(name: name, outcome: .inconclusive, detail: "no difference along a random direction was reliable"))
        } else {
            result.checks.append(.init(name: name, outcome: .passed, detail: "\(judged) \(what)"))
        }
    }
    summary("jvp", hasJVP, jvpFailures, jvpJudged, "random directions agree with Richardson differences of the primal")
    summary("vjp", hasVJP, vjpFailures, vjpJudged, "dot-product identities ⟨u, J·v⟩ = ⟨Jᵀu, v⟩ hold")
    if let rows = P.sparsity(inputs: n) {
        result.checks.append(vectorSparsityCheck(P.self, rows: rows, inputs: n, outputs: outputs, at: usedPoints,
                                                 hasJVP: hasJVP, hasVJP: hasVJP))
    }
    if let bad = badKinkDistance {
        result.checks.append(.init(name: "kinks", outcome: .failed, detail: bad))
    } else if hasJVP || hasVJP {
        result.checks.append(vectorKinkDeclarationCheck(P.self, inputs: n, outputs: outputs, usesJVP: hasJVP,
                                                        alsoVJP: hasVJP, ranges: ranges, rng: &rng, evaluations: evaluations))
    }
    return result
}

/// The vector primitive's "sparsity" check (see ``validate(_:inputs:samples:seed:)``): the declared
/// `rows` fit the call (one per output, indices in 0..<n), and no declared zero moves in the rule
/// at any of `points` (``primitiveDeclarationError(_:at:declared:mode:)``, the test
/// ``sparseJacobian`` makes at each call, with the JVP where there is one).
func vectorSparsityCheck<P: VectorPrimitive>(_: P.Type, rows: [[Int]], inputs n: Int, outputs m: Int, at points: [[Double]],
                                             hasJVP: Bool, hasVJP: Bool) -> PrimitiveValidation.Check {
    let name = "sparsity"
    let ignored = "sparseJacobian ignores such a declaration and takes every output as reading every input"
    guard rows.count == m else {
        return .init(name: name, outcome: .failed,
                     detail: "sparsity(inputs: \(n)) has \(rows.count) rows for \(m) outputs (one row per output): \(ignored)")
    }
    for (i, row) in rows.enumerated() {
        if let j = row.first(where: { $0 < 0 || $0 >= n }) {
            return .init(name: name, outcome: .failed,
                         detail: "sparsity(inputs: \(n)) row \(i) lists input \(j), outside 0..<\(n): \(ignored)")
        }
    }
    let declared = rows.map(Set.init)
    guard declared.contains(where: { $0.count < n }) else {
        return .init(name: name, outcome: .passed, detail: "every output declared to read every input (dense)")
    }
    guard hasJVP || hasVJP else {
        return .init(name: name, outcome: .skipped, detail: "no JVP or VJP to test the declared zeros with")
    }
    for x in points {
        if let e = primitiveDeclarationError(P.self, at: x, declared: declared, mode: hasJVP ? .forward : .reverse) {
            return .init(name: name, outcome: .failed, detail: "\(e)")
        }
    }
    return .init(name: name, outcome: .passed,
                 detail: "the declared zeros are exact zeros of the \(hasJVP ? "JVP" : "VJP") at \(points.count) points")
}

/// A line the vector "kinks" check scans: its parameter's range, its points, how far one unit of
/// the parameter moves an input at most (what a declared max-norm distance is compared in), and
/// how a jump on it is named.
struct KinkScanLine {
    let range: ClosedRange<Double>
    let point: (Double) -> [Double]
    let unit: Double
    let name: (Double) -> String
}

/// The vector primitive's "kinks" check: along each input's sample range through the centre of
/// the sample box (at most eight inputs, spread over them from the first to the last), J·v for
/// one random v from the JVP (or uᵀJ for one random u from the VJP) is searched for jumps, and
/// each must lie at a declared kink (``VectorPrimitive/kinkDistance(_:)`` 0 there). A sort of two
/// inputs with no kink declared passed validate, and the check then differenced across its tie.
///
/// With more than eight inputs, two diagonals of the sample box (corner to opposite corner, the
/// corners seeded) move every input as well: an interpolation of nine knot values at a query x₉
/// passed with its knots' kinks undeclared, x₉ being on no line scanned (a review). A scan none of
/// whose points lies inside the declared domain (a 2×2 solve's box centred on the zero matrix)
/// checked nothing, and is inconclusive rather than "no jump".
func vectorKinkDeclarationCheck<P: VectorPrimitive>(_: P.Type, inputs n: Int, outputs m: Int, usesJVP: Bool,
                                                    alsoVJP: Bool = false, ranges: [ClosedRange<Double>],
                                                    rng: inout SeededGenerator,
                                                    evaluations: VectorEvaluations<P> = .init()) -> PrimitiveValidation.Check {
    let centre = ranges.map { 0.5 * ($0.lowerBound + $0.upperBound) }
    let v = (0..<n).map { _ in rng.nextUnit() * 2 - 1 }
    let u = (0..<m).map { _ in rng.nextUnit() * 2 - 1 }
    let what = usesJVP ? "J·v" : "uᵀJ"
    let axes: [Int] = n <= 8 ? Array(0..<n) : (0..<8).map { $0 * (n - 1) / 7 }
    var lines: [KinkScanLine] = axes.map { k in
        let point: (Double) -> [Double] = { t in var p = centre; p[k] = t; return p }
        return KinkScanLine(range: ranges[k], point: point, unit: 1, name: { t in "along input \(k) at \(point(t))" })
    }
    if n > 8 {
        // Diagonals from one corner of the sample box to the opposite one, along which every
        // input sweeps its whole range, up or down as seeded. Not lines through the centre: there
        // an interpolation's knot values are all equal, its slope in the query is 0, and no
        // knot's kink shows; chords through random points were too short to cross one.
        for _ in 0..<2 {
            let up: [Bool] = ranges.map { _ in rng.nextUnit() < 0.5 }
            let point: (Double) -> [Double] = { s in
                zip(ranges, up).map { r, u in u ? r.lowerBound + s * (r.upperBound - r.lowerBound) : r.upperBound - s * (r.upperBound - r.lowerBound) }
            }
            let unit = ranges.map { $0.upperBound - $0.lowerBound }.max() ?? 1
            lines.append(KinkScanLine(range: 0...1, point: point, unit: unit,
                                      name: { s in "along a diagonal of the sample box, at \(point(s))" }))
        }
    }
    var found: [String] = [], conventions: [String] = []
    var jumpsSeen = 0, defined = 0
    for line in lines {
        func rule(_ t: Double) -> [Double]? {
            let p = line.point(t)
            if P.domainViolation(p) != nil { return nil }
            let d = usesJVP ? evaluations.jvp(at: p, direction: v) : evaluations.vjp(at: p, cotangent: u)
            guard let d, d.allSatisfy(\.isFinite) else { return nil }
            defined += 1
            return d
        }
        for jump in derivativeJumps(from: line.range.lowerBound, to: line.range.upperBound, rule) {
            jumpsSeen += 1
            let p = line.point(jump.at)
            let declared = P.kinkDistance(p)
            if let d = declared, line.unit > 0, jump.isDeclared(d / line.unit) {
                if d == 0, P.domainViolation(p) == nil {
                    let scales = ranges.map { $0.upperBound - $0.lowerBound }
                    func scanned(_ q: [Double]) -> [Double]? {
                        if P.domainViolation(q) != nil { return nil }
                        return Diagnostics.collect { usesJVP ? evaluations.jvp(at: q, direction: v) : evaluations.vjp(at: q, cotangent: u) }.0
                    }
                    if let value = scanned(p),
                       let problem = conventionProblem(value, limits: [jump.before, jump.after] + limitsAround(p, scanned, scales: scales)) {
                        conventions.append("\(what) at the kink \(line.name(jump.at)) is \(problem)")
                    }
                    // The scan reads the JVP; the VJP's value at the same kink is held to its own
                    // limits (a review's sort of two with a wrong VJP at the tie passed, its JVP
                    // being right).
                    if usesJVP && alsoVJP {
                        func pulled(_ q: [Double]) -> [Double]? {
                            if P.domainViolation(q) != nil { return nil }
                            return Diagnostics.collect { evaluations.vjp(at: q, cotangent: u) }.0
                        }
                        if let value = pulled(p), let problem = conventionProblem(value, limits: limitsAround(p, pulled, scales: scales)) {
                            conventions.append("uᵀJ at the kink \(line.name(jump.at)) is \(problem)")
                        }
                    }
                }
                continue
            }
            found.append("\(what) jumps \(line.name(jump.at))"
                         + (declared.map { ", where the declared kink distance is \($0)" } ?? ", where no kink is declared (kinkDistance is nil)"))
        }
    }
    if defined == 0 {
        return .init(name: "kinks", outcome: .inconclusive,
                     detail: "no point of the lines scanned through the centre of the sample box lies inside the declared domain "
                         + "(\(P.domain)) with a finite \(what): nothing was scanned")
    }
    return kinkVerdict(found: found, conventions: conventions, jumpsSeen: jumpsSeen, of: what)
}

/// A user scalar primitive's primal alone, as a function of its arguments (for the complex step;
/// a primal that calls a non-analytic op reports it, and Richardson decides instead).
struct UserPrimal<P: ScalarPrimitive>: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [P.primal(x[0], x.count > 1 ? x[1] : x[0])] }
}
