import AdjointCheck
import AdjointCore
import Foundation

// The failure message: what failed and where (worst entries with claimed and reference values,
// both errors, the verdict), which tolerance applied and where it came from, the localised op,
// the seed, the shrunk input, and the replay line.

func renderFailure(_ p: DerivativeProperty, _ options: AdjointTestOptions, failure f: PropertyFailure,
                   counts: [TestVerdict: Int], trialsRun: Int, notRun: String = "") -> String {
    var lines: [String] = []
    let where_ = f.outcome.flatWhereClaimMoves
        ? "inconclusive at trial \(f.trial) of \(options.trials), where f took one value at every step of every difference "
            + "while the claim is not 0: nothing can confirm the claim there (a rule that forgot a saturation, a clamp or a "
            + "plateau looks like this), so the point fails the property"
        : f.verdict == .inconclusive
        ? "inconclusive at \(counts[.inconclusive] ?? 0) of \(points(trialsRun)) (more than \(fmtNumber(options.maximumInconclusiveFraction * 100))% allowed), first at trial \(f.trial)"
        : "\(f.verdict.name) at trial \(f.trial) of \(options.trials)"
    lines.append("\(p.assertion) failed: \(p.claim): \(where_) (seed \(hex(options.seed)))")
    // The headline names the claim; when only AD modes are shown wrong the claim is not the
    // culprit, and a reader of "the claimed gradient: rule-wrong" went looking in the wrong place.
    let wrong = Set(f.outcome.parts.compactMap(\.report).flatMap { $0.entries.joined().flatMap(\.wrongSubjects) })
    let adModes: Set<String> = ["forward", "reverse"]
    if !wrong.isEmpty && wrong.isSubset(of: adModes) {
        lines.append("shown wrong: \(wrong.sorted().joined(separator: " and ")) mode only, not the claim: a rule f uses "
            + "(a primitive of yours, or a value leaving the AD types) is wrong where the claim is right")
    }
    // A second-order point that failed on its reference (a user rule, or f's gradient) has not
    // judged the claim at all: the headline's "the claimed Hessian: rule-wrong" read as a
    // conviction of a claim that was right.
    let convicted = f.outcome.parts.filter { $0.verdict == .ruleWrong }
    if !convicted.isEmpty && convicted.allSatisfy(\.isReferenceCheck) {
        lines.append("shown wrong: \(convicted.map(\.label).joined(separator: "; ")), not the claim: "
            + "the second-order comparisons that use that reference were not run")
    }
    let s = f.shrink
    // A JVP's (VJP's, HVP's) input is x followed by its direction: shown as one vector, the point
    // [-0.001, 0.0] and the direction [0.0, 0.001] read as a 4-vector point, beside a replay line
    // that separates them.
    func shown(_ input: [Double]) -> String {
        guard let d = p.replayDirection, d.count <= input.count else { return "\(input)" }
        let k = input.count - d.count
        return "x = \(Array(input.prefix(k))), \(d.label) = \(Array(input.suffix(d.count)))"
    }
    if s.steps > 0 {
        lines.append("input: \(shown(s.shrunk))  (shrunk from \(shown(s.original)) in \(s.steps) steps, \(s.evaluations) checks)")
        // Shrinking keeps the verdict, not the size of the error, and moving toward 0 can make a
        // wrong claim's error as small as the check can still see: a hand gradient with cos x₁
        // truncated to 1 − x₁²/2 shrank from an error of 5e-4 relative to one of 1e-10 at
        // x₁ = 0.007, which read as rounding, not as the missing x₁⁴/24 term.
        if let first = f.original.flatMap(largestDisagreement), let now = largestDisagreement(f.outcome),
           first.relative > 100 * now.relative {
            lines.append("  the error was larger where first found: \(first.entry) rel err \(fmtNumber(first.relative)) "
                + "(abs err \(fmtNumber(first.absolute))) at the original input, \(fmtNumber(now.relative)) at the shrunk one: "
                + "shrinking keeps the verdict, not the size of the error")
        }
    } else {
        lines.append("input: \(shown(s.original))")
    }
    for part in f.outcome.parts where part.verdict != .agree {
        lines += renderPart(part, options: options)
    }
    if f.outcome.parts.isEmpty && f.verdict == .nothingChecked {
        lines.append("nothing was checked: the point check returned no parts, so it cannot count as agreement")
    }
    if !notRun.isEmpty { lines.append(notRun) }
    if f.verdict == .inconclusive && !f.outcome.flatWhereClaimMoves {
        // Failing for undecided points reads like a conviction; say what would let them decide.
        lines.append("no witness could confirm or refute the entries above at these points (each witness's answer is listed): "
            + "that is not evidence against the claim; draw inputs where the entries can be resolved, or allow more "
            + "undecided points with AdjointTestOptions.maximumInconclusiveFraction (now \(fmtNumber(options.maximumInconclusiveFraction)))")
    }
    lines.append("verdicts over \(points(trialsRun)): \(countsText(counts))")
    lines.append(f.replayLine + "   // in place of this assertion's inputs")
    lines.append("rerun every trial: ADJOINT_TEST_SEED=\(hex(options.seed)) (or AdjointTestOptions.seed)")
    return lines.joined(separator: "\n")
}

/// The entry that disagrees by the largest relative error at a point, named as the message names it.
func largestDisagreement(_ o: PointOutcome) -> (entry: String, relative: Double, absolute: Double)? {
    var best: (entry: String, relative: Double, absolute: Double)? = nil
    for part in o.parts {
        guard let r = part.report else { continue }
        for e in r.entries.joined() where TestVerdict(e) == .ruleWrong {
            guard let rel = e.relativeError, let abs = e.absoluteError, rel.isFinite, abs.isFinite else { continue }
            if rel > best?.relative ?? -1 { best = (part.entryName(e.output, e.input), rel, abs) }
        }
    }
    return best
}

/// "1 point", "30 points".
func points(_ n: Int) -> String { n == 1 ? "1 point" : "\(n) points" }

func renderPart(_ part: PointPart, options: AdjointTestOptions) -> [String] {
    guard let r = part.report else {
        return ["\(part.label): \(part.verdict.name): \(part.detail ?? "")"]
    }
    var lines = ["\(part.label): \(part.verdict.name)"]
    if let problem = r.problem {
        lines.append("  cannot evaluate: \(problem)")
        return lines
    }
    // A mode left out for its own broken rule (a VJP of the wrong length): the point is an error,
    // and the message said only "error" without it.
    for failure in r.modeFailures { lines.append("  \(failure)") }
    if part.verdict == .nothingChecked {
        let empty = r.entries.isEmpty ? "f has no outputs here" : "f has no inputs here"
        lines.append("  nothing was checked: \(empty), so the derivative has no entry to compare and cannot count as agreement; "
            + "give the property at least one input and one output")
        return lines
    }
    let shown = r.worstEntries(limit: options.worstEntryCount).filter { TestVerdict($0) != .agree }
    for e in shown {
        lines.append("  " + renderEntry(e, name: part.entryName(e.output, e.input)))
        if let tol = e.tolerance {
            lines.append("    tolerance \(fmtNumber(tol)): \(toleranceSource(r, witness: e.witness))")
        }
        // An undecided entry said only "inconclusive (below-resolution)": what each witness said
        // is the reason, and which one to enable or why it could not run (a complex step refused
        // at a max tie, or made dependent by approximateDouble) is what the reader can act on.
        if case .fdInconclusive = e.verdict, !e.ladder.isEmpty {
            lines.append("    witnesses: " + e.ladder.map(renderRung).joined(separator: "; "))
            if let why = fixedStencilDisagreementNote(e) { lines.append("    " + why) }
        }
    }
    // Entries past the limit are counted, never dropped silently: the ones left out can have the
    // largest absolute errors (the list is ordered by verdict, then relative error).
    let failing = r.entries.joined().filter { TestVerdict($0) != .agree }
    if failing.count > shown.count {
        let rest = failing.filter { e in !shown.contains { $0.output == e.output && $0.input == e.input } }
        let largest = rest.max { ($0.absoluteError ?? 0) < ($1.absoluteError ?? 0) }
        var more = "  … and \(rest.count) more (AdjointTestOptions.worstEntryCount = \(options.worstEntryCount))"
        if let l = largest, let a = l.absoluteError {
            more += "; the largest absolute error among them: \(part.entryName(l.output, l.input)), abs err \(fmtNumber(a))"
        }
        lines.append(more)
    }
    if let fault = r.fault {
        lines.append("  localised: the rule of \(fault.op) at node \(fault.node) (inputs \(fault.inputs.map(fmtNumber).joined(separator: ", "))), "
            + "∂/∂input \(fault.partial): difference \(fmtNumber(fault.expected)) ± \(fmtNumber(fault.errorEstimate)), rule \(fmtNumber(fault.got))")
    }
    if !r.kinks.isEmpty {
        lines.append("  kinks touched: " + r.kinks.map(\.description).joined(separator: "; "))
    }
    // An AD mode outside the one-sided derivatives at one kink, with no rule on its path found
    // wrong (localisation passes over the kinked op, whose partial no difference can judge
    // there): what is left is that op's value at its kink. A user leaky ReLU whose two ifs both
    // fired at 0 (0.1 + 1) got only "kink" and the op's name, not where to look.
    if r.fault == nil, let k = r.entries.joined().compactMap(\.kink).first(where: { k in
        k.ops.count == 1 && k.unresolved == nil && k.withinOneSided.contains { !$0.valid && ["forward", "reverse"].contains($0.subject) }
    }), let op = k.ops.first {
        lines.append("  no other rule on the path disagrees with differences: the value the rule of \(op) gives at its kink "
            + "(its convention there) lies outside the one-sided derivatives; for a primitive of yours, validate (assertPrimitive) checks it")
    }
    // The report's own findings about f (a value converted to Double, AD all zero, a branch in
    // the user's code, measured noise) and why a rung was not available: the report's table
    // printed them and the property's message did not, so a point left inconclusive because
    // approximateDouble had disqualified the complex step gave no hint of it. The notes on modes
    // not run and on failed modes are printed elsewhere (the "not run" line, the lines above).
    let shownElsewhere = Set(r.modeFailures)
    for n in r.notes.dropFirst(r.modesNotRun.count) where !shownElsewhere.contains(n) { lines.append("  note: \(n)") }
    if part.verdict == .inconclusive {
        for rung in r.rungsUsed where rung.note != "used" && !rung.note.hasPrefix("custom witness threw: ") {
            lines.append("  note: \(rung.name): \(rung.note)")
        }
    }
    return lines
}

/// One rung's answer for an entry: "complex-step: unreliable (non-finite, unsupported-op)",
/// "richardson: agree 6.77e-13 ± 3.98e-13 (cancellation)".
func renderRung(_ o: RungOutcome) -> String {
    var s = "\(o.witness): \(o.outcome)"
    if let v = o.value, v.isFinite {
        s += " \(fmtNumber(v))"
        if let est = o.errorEstimate, est.isFinite { s += " ± \(fmtNumber(est))" }
    }
    if !o.warnings.isEmpty { s += " (\(o.warnings.map(\.rawValue).joined(separator: ", ")))" }
    return s
}

/// "∂f0/∂x1: claimed −2.0, reference 2.0 (adaptive ± 1.2e-10); abs err 4.0, rel err 2.0 — rule-wrong (claimed)".
func renderEntry(_ e: EntryCheck, name: String) -> String {
    let wrong = Set(e.wrongSubjects)
    let (texts, referenceText) = distinguishable(e.subjects.map(\.value), reference: e.witnessValue,
                                                 mustDiffer: e.subjects.map { wrong.contains($0.name) })
    let subjects = zip(e.subjects, texts).map { "\($0.name) \($1)" }.joined(separator: ", ")
    var s = "\(name): \(subjects)"
    if let w = referenceText {
        s += "; reference \(w) (\(e.witness ?? "?")"
        if let est = e.errorEstimate { s += " ± \(fmtNumber(est))" }
        s += ")"
    }
    if let a = e.absoluteError { s += "; abs err \(fmtNumber(a))" }
    if let r = e.relativeError { s += ", rel err \(fmtNumber(r))" }
    switch e.verdict {
    case .ruleWrong(let wrong): s += " — rule-wrong (\(wrong.joined(separator: ", ")))"
    case .fdInconclusive(let why): s += " — inconclusive (\(why.map(\.rawValue).joined(separator: ", ")))"
    case .nonFinite(let which): s += " — non-finite (\(which.joined(separator: ", ")))"
    case .rangeLoss(let which): s += " — range-loss (\(which.joined(separator: ", ")))"
    case .modeFailed(let which): s += " — mode-failed (\(which.joined(separator: ", ")))"
    case .discontinuity(let jump): s += " — discontinuity: f jumps by about \(fmtNumber(jump)) across the point"
    case .kink:
        let k = e.kink
        let name = TestVerdict(e).name
        s += " — \(name)" + (k.map { ": one-sided derivatives \(fmtNumber($0.left)) (left), \(fmtNumber($0.right)) (right)" } ?? "")
        // Between the one-sided derivatives and still wrong: say why, or the line reads as a pass.
        if let why = k?.notInGeneralizedGradient { s += "; " + why }
        // Which values lie outside: "kink" beside three values did not say which one failed.
        else if let outside = k?.withinOneSided.filter({ !$0.valid }).map(\.subject), !outside.isEmpty {
            s += "; \(outside.joined(separator: ", ")) outside them"
        }
    case .agree: s += " — agree"
    }
    // A mode's pass rerun with a scaled seed: why a mode is not blamed on a rule, or why it still is.
    if let why = e.seededPassNote { s += "; " + why }
    return s
}

/// The values and the reference as text, with as many significant digits as it takes for each
/// value judged wrong (`mustDiffer`; all when nil) to read differently from the reference:
/// `fmtNumber`'s short form first, then 4, 5, … 17 digits for all of them. A wrong user rule
/// 10⁻³ relative off printed "forward 0.0005, reverse 0.0005, claimed 0.0005; reference 0.0005
/// … rule-wrong", and the reader could not see what disagreed. Values that agree keep the short
/// form even when they differ from the reference in the last bits (rounding, not the verdict).
func distinguishable(_ values: [Double], reference: Double?, mustDiffer: [Bool]? = nil) -> (values: [String], reference: String?) {
    guard let reference else { return (values.map(fmtNumber), nil) }
    let judged = mustDiffer ?? values.map { _ in true }
    func texts(_ format: (Double) -> String) -> ([String], String) { (values.map(format), format(reference)) }
    func readsApart(_ t: ([String], String)) -> Bool {
        zip(zip(values, judged), t.0).allSatisfy { vj, text in
            let (v, judged) = vj
            return !judged || v == reference || !(v.isFinite && reference.isFinite) || text != t.1
        }
    }
    let short = texts(fmtNumber)
    if readsApart(short) { return short }
    for digits in 4...17 {
        let t = texts { $0.isFinite ? significantText($0, digits: digits) : fmtNumber($0) }
        if readsApart(t) { return t }
    }
    return short
}

/// Which tolerance decided and where it came from: a user override or the witness-derived default.
func toleranceSource(_ r: CheckReport, witness: String?) -> String {
    let eps = fmtNumber(r.epsilon)
    let atol = r.options.atol.map { "atol = \(fmtNumber($0)) (user override)" }
        ?? "atol = 4·(witness error estimate) + 64ε·(entry scale) (derived)"
    let rtol = r.options.rtol.map { "rtol = \(fmtNumber($0)) (user override)" }
        ?? "rtol = nominal accuracy of \(witness ?? "the witness") + 64ε (derived)"
    return "atol + rtol·|reference| with \(atol), \(rtol); \(r.scalarType), ε = \(eps)"
}

extension PropertyResult {
    /// The result as JSON for CI artifacts: seed, trials, verdict counts, the worst agreeing
    /// entry, and the failure (trial, original and shrunk input, replay line, message).
    ///
    /// ```swift
    /// print(checkProperty(property).jsonValue.rendered(indent: 2))
    /// ```
    public var jsonValue: JSONValue {
        var fields: [(String, JSONValue)] = [
            ("assertion", .string(assertion)),
            ("claim", .string(claim)),
            ("passed", .bool(passed)),
            ("seed", .string(hex(seed))),
            ("inputs", .string(inputs)),
            ("trialsAsked", .integer(trialsAsked)),
            ("trialsRun", .integer(trialsRun)),
            ("counts", .object(TestVerdict.allCases.map { ($0.name, .integer(counts[$0] ?? 0)) })),
        ]
        if let w = worstAgreeing {
            fields.append(("worstAgreeing", .object([("trial", .integer(w.trial)), ("part", .string(w.part)),
                                                     ("entry", .string(w.entry)), ("relativeError", .number(w.relativeError))])))
        } else {
            fields.append(("worstAgreeing", .null))
        }
        if let f = failure {
            fields.append(("failure", .object([
                ("trial", .integer(f.trial)), ("verdict", .string(f.verdict.name)),
                ("original", .array(f.shrink.original.map { .number($0) })),
                ("shrunk", .array(f.shrink.shrunk.map { .number($0) })),
                ("shrinkSteps", .integer(f.shrink.steps)),
                ("replay", .string(f.replayLine)),
                ("reports", .array(f.outcome.parts.compactMap { part in
                    part.report.map { .object([("label", .string(part.label)), ("report", $0.jsonValue)]) }
                })),
                ("message", .string(message)),
            ])))
        } else {
            fields.append(("failure", .null))
        }
        return .object(fields)
    }
}

/// Why a listed "disagree" convicted nothing, when only fixed stencils disagreed and the rungs
/// that try their steps against f found none where the differences settle. A bisected root (t³ + t
/// = x to 10⁻⁷) read "central: disagree 0.649414 ± 2.47e-11" for a right 0.649791 beside the
/// verdict "inconclusive": the estimate rests on f being right to its last bits, which a solve
/// stopped at a tolerance is not, and nothing in the message said why it was set aside.
func fixedStencilDisagreementNote(_ e: EntryCheck) -> String? {
    guard let (disagreeing, unsettled) = e.disagreementSetAsideAsFixedStencil else { return nil }
    return "\(disagreeing.joined(separator: ", ")) \(disagreeing.count == 1 ? "disagrees" : "disagree") only on a fixed stencil, "
        + "whose estimate assumes f is right to its last bits; \(unsettled.joined(separator: " and ")) found no steps where f's "
        + "differences settle, so f may be noisy (a solve stopped at a tolerance, a lookup table) and that disagreement convicts nothing"
}
