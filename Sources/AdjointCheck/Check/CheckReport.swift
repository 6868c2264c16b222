import AdjointCore

/// The result of a gradient/Jacobian check: per-entry verdicts, worst entries, kinks, the first
/// wrong primitive, and everything needed to reproduce it. Renders as a table and as JSON.
///
/// ```swift
/// let report = try checkJacobian(of: F(), at: [0.5, 2.0])
/// print(report.renderTable())
/// let json = report.toJSON()
/// ```
public struct CheckReport: Sendable {
    /// The point x.
    public internal(set) var point: [Double]
    /// The inputs whose columns were checked, when only some were
    /// (``checkJacobian(of:at:inputs:claimed:claimedName:options:)``); nil when all were. Column c
    /// of ``entries`` is input `checkedInputs[c]`, and each entry's `input` says so.
    public internal(set) var checkedInputs: [Int]? = nil
    /// "Double" or "Float": the type f was evaluated at.
    public let scalarType: String
    /// That type's unit roundoff ε, which every default step and tolerance uses.
    public let epsilon: Double
    /// Names of the witness rungs, in escalation order.
    public let ladder: [String]
    /// The options the check ran with (tolerance overrides, step, seed).
    public internal(set) var options: CheckOptions
    /// f(x), when it could be evaluated.
    public internal(set) var value: [Double] = []
    /// Names of the checked Jacobians ("forward", "reverse", the claimed one).
    public internal(set) var subjects: [String] = []
    /// Rows are outputs, columns are inputs.
    public internal(set) var entries: [[EntryCheck]] = []
    /// Non-differentiable points touched while recording.
    public internal(set) var kinks: [KinkEvent] = []
    /// Why nothing could be checked: a domain error or a non-finite output (named by op and node).
    public internal(set) var problem: ADError? = nil
    /// Modes that failed on their own (a user primitive's rule of the wrong shape): their entries
    /// are NaN, and these say why (also among the ``notes``).
    public internal(set) var modeFailures: [String] = []
    /// AD modes not run because a user vector primitive lacks the rule the mode needs ("forward"
    /// without a JVP, "reverse" without a VJP), each with the ``ADError/missingRule(primitive:mode:needs:)``
    /// that says which: the other mode (and a claimed Jacobian) is still checked against the
    /// witnesses, and the notes say which mode was not. With no subject left at all the report's
    /// ``problem`` is that error and it does not pass.
    ///
    /// ```swift
    /// let r = try checkJacobian(of: UsesJVPOnlyPrimitive(), at: [0.5, 2.0])
    /// r.subjects                    // ["forward"]
    /// r.modesNotRun.map(\.mode)     // ["reverse"]
    /// ```
    public internal(set) var modesNotRun: [(mode: String, missing: ADError)] = []
    /// The first registry primitive whose rule disagrees with a difference of it alone.
    public internal(set) var fault: FaultLocation? = nil
    /// The random-direction JVP check (its seed is in the JSON).
    public internal(set) var directional: DirectionalCheck? = nil
    /// Times the function converted a derivative-carrying value to Double while AD or the complex
    /// step evaluated it (see ``EvaluationDiagnostics/escapes``); above 0, derivatives through those
    /// paths are lost and the complex step is not an independent witness.
    public internal(set) var escapes = 0
    /// AD returned exactly 0 for every entry while some difference did not: the function most
    /// likely leaves the AD types (with ``escapes`` above 0), or, converting nothing, reaches its
    /// output from the inputs only through comparisons (a bisection); the note says which.
    public internal(set) var adAllZero = false
    /// f's evaluations, or a user primitive's primal, measured to round above the few ulps of their
    /// outputs that differences assume (Moré–Wild's difference table at the point, or at a
    /// primitive's recorded inputs), one line each with the noise found, and what it did to the
    /// check. Differences of f were then told that noise; an entry it leaves undecidable is
    /// `fd-inconclusive (noisy-evaluation)`. Empty when nothing was measured (no noise was needed,
    /// or the tape has no user primitive) or the noise was within the model. Also among the ``notes``.
    ///
    /// Each line begins with what the noise did. Where every entry was decided, that it stopped
    /// nothing: the line describes f, not a fault. Where entries are undecided for noise
    /// (`noisy-evaluation`), those entries first; where entries are undecided for other reasons,
    /// those entries, and that the noise widened the estimates that left them so. On a right check
    /// the line read "the function rounds above …" alone, which read as a problem (a user walk).
    ///
    /// ```swift
    /// let r = try checkJacobian(of: SolveNearSingular(), at: [0.999999, 1.0])
    /// r.measuredNoise   // ["rounding measured, which stopped nothing: user primitive solve2 (node 2) rounds far above …, output 0: σ = 6.181195e-05 (278376.2 ulps of |999999.9|), …"]
    /// ```
    public var measuredNoise: [String] {
        guard !noiseFindings.isEmpty else { return [] }
        let all = Array(entries.joined())
        let undecided = all.filter { if case .fdInconclusive = $0.verdict { return true }; return false }
        let forNoise = undecided.filter { if case .fdInconclusive(let r) = $0.verdict { return r.contains(.noisyEvaluation) }; return false }
        func named(_ es: [EntryCheck]) -> String {
            (es.count == 1 ? "entry " : "entries ") + es.prefix(8).map { entryLabel($0.output, $0.input) }.joined(separator: ", ")
                + (es.count > 8 ? " and \(es.count - 8) more" : "")
        }
        var lead = "rounding measured: ", tail = ""
        if !forNoise.isEmpty {
            // Where it matters, the entries come first, then the noise.
            lead = "rounding measured, and \(named(forNoise)) \(forNoise.count == 1 ? "is" : "are") undecided for noise in f's "
                + "evaluations (fd-inconclusive, noisy-evaluation): "
            tail = "; through noise that large the differences cannot tell the claim from the derivative there: compute f more "
                + "accurately (a solver's tighter tolerance) or check where those entries stand out from it"
        } else if !undecided.isEmpty {
            // The reasons name the estimates, not the noise that widened them: a term of 10⁻⁹ per
            // unit beside a bisection's 2·10⁻⁸ was "cancellation, estimate-too-large".
            lead = "rounding measured, and \(named(undecided)) \(undecided.count == 1 ? "is" : "are") undecided (fd-inconclusive): "
            tail = "; the differences' error estimates allow for this noise, which may be what left them undecided: compute f "
                + "more accurately (a solver's tighter tolerance) or check where those entries stand out from it"
        } else if !all.isEmpty && problem == nil {
            lead = "rounding measured, which stopped nothing: "
            tail = "; every entry was decided through it, so it says how coarsely f computes its value, not that a derivative is wrong"
        }
        return noiseFindings.map { lead + $0 + tail }
    }
    /// What the noise measurement found, one line per noisy function or primitive, before the
    /// check's outcome is known (``measuredNoise`` says what it did).
    var noiseFindings: [String] = []
    /// Black-box entries convicted because f took one value at every sample where the claim
    /// predicts a change far above f's rounding, one line each saying so. The ``notes`` say it
    /// once for all of them (``groupedNotes(_:)``).
    public var flatConvictions: [String] { flatConvictionFindings.map(aloneNote) }
    var flatConvictionFindings: [EntryFinding] = []
    /// A black-box check's convictions that are all small relative to f's derivative (at most
    /// ``smallGapRelativeError``), said once with their likely causes and the tolerance that
    /// would accept them: a solver stopped at 10⁻⁸, or a Float gradient for f in Double, makes a
    /// right derivation that far off f as computed, and "rule-wrong" alone read as a wrong
    /// formula (a review). Also among the ``notes``.
    public internal(set) var smallGaps: [String] = []
    /// Black-box entries along whose line f took f(x)'s value exactly at every sample out to some
    /// distance w while it moves beyond (a solver that stops at once where its residual is already
    /// below its tolerance), one line each saying at what scale and what to do: differences inside
    /// w see a slope of 0, those beyond the solution's. For a generic function, the entries whose
    /// exact differences found f constant below a float rung's settled slope, where AD gives the
    /// band's 0 (both ``FDWarning/flatBelowScale``). The ``notes`` say it once for all of them,
    /// naming each entry with its scale and slope (``groupedNotes(_:)``).
    ///
    /// ```swift
    /// let r = try checkBlackBoxGradient(of: newtonFromItsRoot, at: [2.0, 3.0], claimedGradient: { _ in [0, 0] })
    /// r.plateaus   // ["entry (f0, x0): f is flat below a scale of 9.130127e-09 along x0: …", "entry (f0, x1): …"]
    /// r.notes      // […, "entries (f0, x0), (f0, x1): f is flat below a scale along each entry's line …: along x0 within ±9.130127e-09 …; along x1 …", …]
    /// ```
    public var plateaus: [String] { plateauFindings.map(aloneNote) }
    var plateauFindings: [EntryFinding] = []
    /// Black-box entries convicted where f is linear to its rounding around x along their line
    /// (its second differences vanish at every step out to some reach, which fixes its slope to
    /// ε^{3/4}), said once for all of them (empty, or one line) with each line's reach and slope:
    /// the derivative is the line's slope, and for f that interpolates a table linearly that is the
    /// segment's slope, not the smooth function's derivative the claim may have been. Also among
    /// the ``notes``.
    ///
    /// ```swift
    /// let r = try checkBlackBoxGradient(of: tabulatedCos, at: [-1.662], claimedGradient: { x in [-sin(x[0])] })
    /// r.linearSegments   // ["entry (f0, x0): f is linear along x0 within ±0.03125 of x: … Its derivative at x is that line's slope, 0.9964497, …"]
    /// // Three such entries: ["entries (f0, x0), (f0, x1), (f0, x2): f is linear around x along each entry's line, …"]
    /// ```
    public internal(set) var linearSegments: [String] = []
    /// Black-box entries left fd-inconclusive (noisy-evaluation) because their differences across
    /// x tend to a nonzero value as a jump's do while f's rounding beside x could not be measured
    /// (the jump test's tables there were neither flat nor settled), one line each saying so: a
    /// "discontinuity" there may be f's rounding. The ``notes`` say it once for all of them.
    var unmeasuredJumps: [String] { unmeasuredJumpFindings.map(aloneNote) }
    var unmeasuredJumpFindings: [EntryFinding] = []

    /// An entry's note alone, cited as the table labels it.
    func aloneNote(_ f: EntryFinding) -> String { "entry \(entryLabel(f.output, f.input)): \(f.text.alone)" }

    /// The notes on `findings`, one for each kind (the same head and tail), naming each entry as
    /// the table labels it with its own figures; a kind found at one entry keeps its note alone.
    /// One note per entry repeated the same sentences with other figures, a wall of text for a
    /// clamp claimed 1 along twenty inputs (a user walk); the linear note was grouped so first.
    func groupedNotes(_ findings: [EntryFinding]) -> [String] {
        var kinds: [(head: String, tail: String)] = []
        for f in findings where !kinds.contains(where: { $0 == (f.text.head, f.text.tail) }) { kinds.append((f.text.head, f.text.tail)) }
        return kinds.map { kind in
            let group = findings.filter { ($0.text.head, $0.text.tail) == kind }
            if group.count == 1 { return aloneNote(group[0]) }
            let shown = group.prefix(Self.groupedEntriesShown)
            let rest = group.count - shown.count
            return "entries " + shown.map { entryLabel($0.output, $0.input) }.joined(separator: ", ") + (rest > 0 ? " and \(rest) more" : "")
                + ": \(kind.head): " + shown.map(\.text.clause).joined(separator: "; ")
                + (rest > 0 ? "; and \(rest) more alike (each entry's verdict and witness are in the table and the JSON)" : "")
                + ". " + kind.tail
        }
    }
    /// The most entries a grouped note gives figures for; the rest it counts.
    static let groupedEntriesShown = 8
    /// Rungs that were evaluated or found unavailable, with a note.
    public internal(set) var rungsUsed: [(name: String, note: String)] = []
    /// Whether neither witness that resolves finer than differences could run in this check: its
    /// ladder has no complex step and no exact rationals, or it was of a black box, which runs
    /// neither (``checkBlackBoxJacobian(of:at:claimed:claimedName:options:)`` and its kin).
    /// Computed, not stored: a stored property changed the report's layout, and a client
    /// compiled before it (an incremental build's jac) crashed reading it.
    var differencesOnly: Bool {
        !ladder.contains { $0 == WitnessRung.differences(.complexStep).name || $0 == WitnessRung.exactRationals.name }
            || rungsUsed.contains { $0.note.hasSuffix("not run on a black box") }
    }

    /// The table's name for every row (a VJP's one row is uᵀf) or every column (a JVP's one column
    /// is the direction v) where they are not f's outputs or inputs; nil names them by
    /// ``CheckOptions/outputNames`` and ``CheckOptions/inputNames`` (f0, x0 by default).
    var rowName: String? = nil
    var columnName: String? = nil
    /// Output i and input j as the table names them.
    func rowLabel(_ i: Int) -> String { rowName ?? options.outputName(i) }
    func columnLabel(_ j: Int) -> String { columnName ?? options.inputName(j) }
    /// Entry (i, j) as the table labels its row and column: "(f0, x1)", "(px, theta)", or "(0, 1)"
    /// where the names are indices (`jac check --claimed`, whose file is laid out by them). The
    /// notes cited "(0, 1)" beside a table whose rows read f0 and x1 (a user walk).
    package func entryLabel(_ i: Int, _ j: Int) -> String { "(\(rowLabel(i)), \(columnLabel(j)))" }
    /// Entry (i, j) as a derivative of the table's row by its column: "∂f0/∂x1", "∂px/∂theta". The
    /// property harness's messages name entries so, beside notes that cite ``entryLabel(_:_:)``.
    package func derivativeLabel(_ i: Int, _ j: Int) -> String { "∂\(rowLabel(i))/∂\(columnLabel(j))" }

    init(point: [Double], scalarType: String, epsilon: Double, ladder: [String], options: CheckOptions) {
        self.point = point; self.scalarType = scalarType; self.epsilon = epsilon; self.ladder = ladder
        self.options = options
    }

    /// Whether a non-differentiable point was touched.
    public var touchedKink: Bool { !kinks.isEmpty }

    /// The worst verdict over all entries; `.nonFinite` when f's value was not finite or left its
    /// domain (``problem``); inconclusive with no reason when there is no entry (no inputs, or no
    /// outputs) or another ``problem`` left nothing to compare (a missing rule, a rule's answer of
    /// the wrong length): no value was non-finite, and naming one misled; at least
    /// ``Verdict/modeFailed(modes:)`` when a mode failed on its own (``modeFailures``): left out
    /// of the entries, its rule gave no value, and the headline said "agree" beside a failed check
    /// (then "non-finite", where nothing was);
    /// at least inconclusive with conflicting witnesses when the random direction's J·v disagrees
    /// (``directional``) beside entries that agree: every entry agreed there and the headline said
    /// "agree" beside `passed == false` (a review). Not rule-wrong: a branch in f's code that the
    /// direction's difference straddles disagrees as a wrong forward rule would.
    public var verdict: Verdict {
        if let problem {
            // As the table's headline: only a non-finite value or a domain error names one.
            switch problem {
            case .nonFinite, .domain: return .nonFinite(subjects: ["value"])
            default: return .fdInconclusive(reasons: [])
            }
        }
        var candidates = entries.joined().map(\.verdict)
        let failed = ["forward", "reverse"].filter { mode in modeFailures.contains { $0.hasPrefix("\(mode) mode failed") } }
        if !failed.isEmpty { candidates.append(.modeFailed(modes: failed)) }
        if directional?.agrees == false { candidates.append(.fdInconclusive(reasons: [.witnessesConflict])) }
        // The first of the most severe: an entry's own verdict before a mode's on a tie.
        return candidates.reduce(nil as Verdict?) { best, v in best.map { v.severity > $0.severity ? v : $0 } ?? v }
            ?? .fdInconclusive(reasons: [])
    }

    /// True when every entry agrees (kinks with a valid subgradient count as passing) and no mode
    /// failed on its own (``modeFailures``: a mode left out for a broken rule passes nothing). A report
    /// without entries (f of no inputs, or with no outputs) does not pass: it checked nothing,
    /// and "agree" over nothing let a test assert a derivative it never compared, as the harness
    /// already refuses (``TestVerdict/nothingChecked``).
    public var passed: Bool {
        problem == nil && modeFailures.isEmpty && directional?.agrees != false && !entries.joined().isEmpty
            && entries.joined().allSatisfy(\.passes)
    }

    /// Entries with a given verdict name ("rule-wrong", "kink", …).
    public func entries(withVerdict name: String) -> [EntryCheck] {
        entries.joined().filter { $0.verdict.name == name }
    }

    /// The `limit` worst entries (``CheckOptions/worstEntryCount`` by default; a negative limit
    /// lists none): by verdict severity, then by relative error.
    ///
    /// ```swift
    /// report.worstEntries(limit: 1).first?.input   // the input of the worst entry
    /// ```
    public func worstEntries(limit: Int? = nil) -> [EntryCheck] {
        let all = Array(entries.joined())
        let sorted = all.sorted { a, b in
            if a.verdict.severity != b.verdict.severity { return a.verdict.severity > b.verdict.severity }
            let ra = a.relativeError ?? 0, rb = b.relativeError ?? 0
            if ra != rb { return ra.isNaN ? false : (rb.isNaN ? true : ra > rb) }
            return (a.output, a.input) < (b.output, b.input)
        }
        return Array(sorted.prefix(Swift.max(0, limit ?? options.worstEntryCount)))
    }

    // MARK: Table

    /// The point for the table's first line: in full up to 12 inputs; past that the first 8 and
    /// the last 2 and the count (the whole point is in ``point`` and the JSON). A gradient over
    /// 10⁵ inputs printed its point as a first line of a megabyte (a user trial), which
    /// `XCTAssert(report.passed, report.renderTable())` then wrote into every failure.
    /// Each coordinate is the shortest text that reads back as it (in the scalar type checked),
    /// so the point can be pasted to reproduce the check: rounded to 7 figures, 1 + 10⁻¹² (right
    /// of a branch, where the check passes) read 1.0 (on the switch, where it is inconclusive).
    var shownPoint: String {
        let exact: (Double) -> String = { x in scalarType == "Float" ? "\(Float(x))" : "\(x)" }
        if point.count <= 12 { return "[" + point.map(exact).joined(separator: ", ") + "]" }
        let shown = point.prefix(8).map(exact) + ["…"] + point.suffix(2).map(exact)
        return "[" + shown.joined(separator: ", ") + "] (\(point.count) inputs)"
    }

    /// A readable table: summary, the worst entries (output, input, each method's value, witness,
    /// abs and rel error, FD estimate, verdict), kinks, and the localised fault.
    public func renderTable() -> String {
        var lines: [String] = []
        lines.append("Jacobian check at x = \(shownPoint) (\(scalarType), ε = \(fmt(epsilon)))")
        if let inputs = checkedInputs {
            let shown = inputs.count <= 12 ? inputs.map(columnLabel).joined(separator: ", ")
                : (inputs.prefix(8).map(columnLabel) + ["…"] + inputs.suffix(2).map(columnLabel)).joined(separator: ", ")
            lines.append("columns checked: inputs \(shown) (\(inputs.count) of \(point.count); the others were not checked)")
        }
        if let problem {
            // A missing rule is no non-finite value: say that no mode could run, and which rules.
            if case .missingRule = problem, !modesNotRun.isEmpty {
                lines.append("verdict: not checked: no AD mode could run and no claimed Jacobian was given")
                for n in notes { lines.append("note: \(n)") }
            } else {
                // Named by what went wrong: a rule's wrong-length answer or a limit is no
                // non-finite value, and the line said so beside a problem naming a length.
                switch problem {
                case .nonFinite, .domain: lines.append("verdict: non-finite: nothing to compare")
                default: lines.append("verdict: not checked: f or its rules could not be evaluated (see problem)")
                }
            }
            lines.append("problem: \(problem)")
            return lines.joined(separator: "\n")
        }
        let counts = Dictionary(grouping: entries.joined(), by: { $0.verdict.name }).mapValues(\.count)
        let order = ["agree", "kink", "fd-inconclusive", "discontinuity", "non-finite", "range-loss", "rule-wrong"]
        let summary = order.compactMap { k in counts[k].map { "\($0) \(k)" } }.joined(separator: ", ")
        // A failed mode's reason on the headline: "mode-failed" alone sent the reader to the notes.
        var why = ""
        if case .modeFailed = verdict {
            why = ": " + modeFailures.joined(separator: "; ")
        }
        lines.append("verdict: \(verdict.name)\(why)  (\(summary.isEmpty ? "no entries" : summary)); ladder: \(ladder.joined(separator: " → "))")
        let worst = worstEntries()
        if !worst.isEmpty {
            let header = ["out", "in"] + subjects + ["witness", "value", "abs err", "rel err", "FD est", "verdict"]
            var rows: [[String]] = []
            for e in worst {
                // Named, not numbered: "0  1" beside jac's "df1/dy" made the reader count (a user walk).
                var r = [rowLabel(e.output), columnLabel(e.input)]
                r += e.subjects.map { fmtDerivative($0.value) }
                r += [e.witness ?? "-", e.witnessValue.map(fmtDerivative) ?? "-", e.absoluteError.map(fmt) ?? "-",
                      e.relativeError.map(fmt) ?? "-", e.errorEstimate.map(fmt) ?? "-", describe(e)]
                rows.append(r)
            }
            let widths = header.indices.map { c in ([header[c]] + rows.map { $0[c] }).map(\.count).max() ?? 0 }
            func line(_ cells: [String]) -> String {
                // The last column is not padded: trailing blanks on every row (a user trial).
                cells.enumerated().map { c, s in c == cells.count - 1 ? s : s + String(repeating: " ", count: Swift.max(0, widths[c] - s.count)) }
                    .joined(separator: "  ")
            }
            lines.append(line(header))
            lines.append(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  "))
            rows.forEach { lines.append(line($0)) }
            // The rows are the worst first and at most worstEntryCount of them: say so, and how
            // many are left out, so a reader never takes the table for the whole Jacobian.
            let total = entries.joined().count
            if total > worst.count {
                lines.append("(worst \(worst.count) of \(total) entries, worst first; the JSON has them all)")
            } else if total > 1 {
                lines.append("(all \(total) entries, worst first)")
            }
        }
        for e in entries.joined() {
            if let why = e.seededPassNote { lines.append("range: entry \(entryLabel(e.output, e.input)): \(why)") }
        }
        if touchedKink {
            lines.append("kinks touched: " + kinks.map(\.description).joined(separator: "; "))
        }
        if let fault {
            lines.append("first wrong rule: \(fault.op) at node \(fault.node), inputs (\(fault.inputs.map(fmt).joined(separator: ", "))), "
                + "∂/∂input \(fault.partial): expected \(fmtDerivative(fault.expected)) (± \(fmt(fault.errorEstimate))), got \(fmtDerivative(fault.got))")
        }
        if let d = directional {
            let word = d.agrees.map { $0 ? "agrees" : "DISAGREES" } ?? "inconclusive"
            var line = "random-direction JVP (seed \(d.seed)): \(word) with Richardson"
            if let bound = d.forwardRounding, d.agrees != false, d.note == nil, let worst = bound.filter(\.isFinite).max() {
                // The bound is measured off the tape; why it is large (cancellation, or an argument
                // whose ulp is many radians, as sin at 10²⁵) is not, so the line does not say.
                line += " (the gap is within forward mode's own rounding bound, up to \(fmt(worst)), so neither decides)"
            }
            if let note = d.note { line += " (\(note))" }
            lines.append(line)
        }
        for r in rungsUsed where r.note != "used" { lines.append("note: \(r.name): \(r.note)") }
        for n in notes { lines.append("note: \(n)") }
        return lines.joined(separator: "\n")
    }

    /// Entries whose ``EntryCheck/derivativeRoundingBound`` exceeds 10⁻⁶ (in Float √ε, half its
    /// digits) of their own |forward or reverse value|, or of the largest in their row where that
    /// is 0: there the derivative the modes agree on may be far from f′, though no rule is wrong.
    /// The entry's own size, since the bound is of that entry alone: beside 10¹⁰·x in its row,
    /// (eʸ − 1)/y at 10⁻⁹ went unnoted with −81.74 for 0.5. Also among the ``notes``.
    ///
    /// ```swift
    /// let r = try checkJacobian(of: Expm1OverX(), at: [1e-9])   // (eˣ − 1)/x, written naively
    /// r.passed                                             // true: the rules are right
    /// r.derivativeRoundingEntries.map(\.input)             // [0]: f′ is 0.5, the modes' −81.74
    /// ```
    public var derivativeRoundingEntries: [EntryCheck] {
        let relative = Swift.max(1e-6, epsilon.squareRoot())
        return entries.flatMap { row -> [EntryCheck] in
            func adSize(_ e: EntryCheck) -> Double {
                e.subjects.filter { ($0.name == "forward" || $0.name == "reverse") && $0.value.isFinite }.map { Swift.abs($0.value) }.max() ?? 0
            }
            let rowScale = row.map(adSize).max() ?? 0
            return row.filter { e in
                // Not where a mode is not finite: the note speaks of modes agreeing on a derivative
                // that rounding moved, and √(x² + y²) at 0 (forward 0, reverse NaN, a kink) was
                // told to avoid cancelling with expm1 and log1p.
                guard let b = e.derivativeRoundingBound, e.subjects.contains(where: { $0.value.isFinite }),
                      !e.subjects.contains(where: { ($0.name == "forward" || $0.name == "reverse") && !$0.value.isFinite })
                else { return false }
                let normal = scalarType == "Float" ? Double(Float.leastNormalMagnitude) : Double.leastNormalMagnitude
                return derivativeRoundingIsLarge(b, entry: adSize(e), rowScale: rowScale, relative: relative, leastNormal: normal)
            }
        }
    }

    /// Entries that agree only within forward or reverse mode's accumulation allowance, where
    /// that allowance exceeds √ε of the entry (``AccumulationAllowance/exceedsResolution``): the
    /// check resolves a rule error there only down to the allowance, not to the witness's
    /// tolerance. Also among the ``notes``, one line per entry.
    ///
    /// ```swift
    /// struct CopiesBesideSine: ADFunction {   // A(x) − A(x) + sin x, A two thousand products by 1.0035
    ///     func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
    ///         var a = x[0], b = x[0]
    ///         for _ in 0..<2000 { a = a * 1.0035 }
    ///         for _ in 0..<2000 { b = b * 1.0035 }
    ///         return [a - b + T.sin(x[0])]
    ///     }
    /// }
    /// var o = CheckOptions()
    /// o.checkForward = false
    /// let r = try checkJacobian(of: CopiesBesideSine(), at: [0.7], options: o)
    /// r.coarselyResolvedEntries.first?.accumulationAllowance?.allowance   // ≈ 1.5e-8 where the tolerance is ≈ 1e-14
    /// ```
    public var coarselyResolvedEntries: [EntryCheck] {
        entries.joined().filter { $0.accumulationAllowance?.exceedsResolution == true }
    }

    /// Agreements that resolve their entry only coarsely: the deciding tolerance exceeds
    /// ``looseResolutionMultiple`` (4) times √ε of the entry (and the few ulps of its row that any
    /// agreement there may be off by), because no sharper witness could judge it. A claim that far
    /// off passes such an entry as the right one does, so the report notes each (``notes``), with
    /// the tolerance as a share of the entry. The ladder lets the tightest agreement stand when
    /// nothing sharper decides; it does not make such an agreement sharp. A softmax whose shift is
    /// read through `approximateDouble` (no complex step) at z = (0, 0, 0, 28): ∂/∂z₀ = 6.9·10⁻¹³
    /// agreed with adaptive's ± 1.35·10⁻¹³ within 5.4·10⁻¹³, and a claim 15% off passed as well.
    ///
    /// ```swift
    /// for e in report.looselyResolvedEntries {
    ///     print("entry (\(e.output), \(e.input)) resolved only to ±\(e.tolerance ?? .nan)")
    /// }
    /// ```
    public var looselyResolvedEntries: [EntryCheck] {
        entries.flatMap { row -> [EntryCheck] in
            let magnitudes = row.map { e in e.subjects.map { Swift.abs($0.value) }.filter(\.isFinite).max() ?? 0 }
            let rowScale = magnitudes.max() ?? 0
            return zip(row, magnitudes).filter { e, size in
                guard e.verdict == .agree, let tol = e.tolerance, tol.isFinite, size > 0 else { return false }
                // tol/size, not size·√ε: below 3·10⁻³¹⁶ the product rounds to 0.
                return tol / size > CheckReport.looseResolutionMultiple * epsilon.squareRoot()
                    && tol > CheckOptions.adAccuracyULPs * epsilon * rowScale
            }.map(\.0)
        }
    }
    /// The multiple of √ε of an entry beyond which an agreement's tolerance is noted as loose.
    /// √ε is the check's own bar for a sharp agreement: one within it ends the ladder, a looser
    /// one stands only when nothing sharper decides. A tolerance is
    /// ``CheckOptions/errorEstimateSafety`` (4) times the witness's estimate and more, so beyond
    /// 4√ε the witness does not claim even √ε of the entry by its own estimate. In Float that is
    /// 0.14%: the 1% this replaced let central's and adaptive's 0.15 to 0.24% agreements pass
    /// with no note, where a claim that far off passed too. In Double it is 6·10⁻⁸, which only
    /// differences alone (a black box, no complex step) leave.
    static let looseResolutionMultiple = CheckOptions.errorEstimateSafety

    /// Warnings about the function itself, in words (also in the JSON's `notes`).
    public var notes: [String] {
        var n: [String] = modesNotRun.map { m in
            var why = "\(m.missing)"
            if case let .missingRule(primitive, _, needs) = m.missing {
                why = "user primitive \(primitive) has no \(needs), which \(m.mode) mode needs"
            }
            let others = subjects.isEmpty ? "nothing else was checked" : "checked against the witnesses instead: \(subjects.joined(separator: ", "))"
            return "\(m.mode) mode not run: \(why); \(others)"
        }
        n += modeFailures
        n += measuredNoise
        // Where x is at the edge of f's domain the derivative is one-sided: say from which side,
        // which op's domain, and what the differences from inside found (an entry judged so
        // read only "non-finite, no-convergence" before, which did not say why).
        for e in entries.joined() { if let t = e.domainEdgeNote { n.append("entry \(entryLabel(e.output, e.input)): \(t)") } }
        n += groupedNotes(flatConvictionFindings)
        n += smallGaps
        n += groupedNotes(plateauFindings)
        n += linearSegments
        n += groupedNotes(unmeasuredJumpFindings)
        for e in looselyResolvedEntries {
            guard let tol = e.tolerance else { continue }
            let size = e.subjects.map { Swift.abs($0.value) }.filter(\.isFinite).max() ?? 0
            // Two significant figures: rounded to 0.1%, an agreement of 0.04% read "0.0%".
            let share = size > 0 ? readableFigure(100 * tol / size) : "∞"
            // tol/size/√ε as a Double: for a subnormal entry (eˣ at −745) √ε·size is 0, and the
            // integer of the infinite quotient trapped (a review).
            let ratio = size > 0 ? tol / size / epsilon.squareRoot() : .infinity
            let multiple = !ratio.isFinite ? "∞" : (ratio < 1e4 ? "\(Int(ratio.rounded()))" : readableFigure(ratio))
            let witness = e.witness.map { "\($0)'s" } ?? "the witness's"
            // Only a remedy the check could run: a black box has differences alone, and the
            // complex step was advised for the reverse-mode gradient that assertHessian differences,
            // which no user can make analytic (a saturated softmax cross-entropy, at 25 of 30 points).
            let remedy = differencesOnly
                ? "Differences are the only witness of a function checked as a black box, and none resolves it sharper at this point"
                : "The complex step (f analytic in the complex scalar, no approximateDouble) or exact rationals (a rational f) would resolve it"
            // The tolerance to two figures as well: printed in full (0.0002837449312210083) it read as
            // a value to reproduce, beside a share and a multiple rounded for reading (a user walk);
            // the entry's JSON keeps it exactly.
            n.append("entry \(entryLabel(e.output, e.input)): agrees only within \(readableFigure(tol)) (\(share)% of the entry, \(multiple)√ε of \(scalarType)), \(witness) tolerance, "
                + "the sharpest any witness could judge it; a claim that far off would pass as well. " + remedy)
        }
        for e in coarselyResolvedEntries {
            guard let a = e.accumulationAllowance else { continue }
            let modes = a.subjects.joined(separator: " and ")
            let witness = e.witness.map { "\($0)'s" } ?? "the witness's"
            // Forward mode nets copies that cancel exactly, so it is what resolves the entry
            // where reverse mode cannot; where forward mode needed the allowance, shorter paths do.
            let remedy = a.subjects == ["reverse"] && !subjects.contains("forward")
                ? "check forward mode too (CheckOptions.checkForward), whose own bound nets copies that cancel, or check where the paths are shorter"
                : "check where the paths are shorter"
            // Estimates, to two figures as the loose note's tolerance (printed in full, 1.4951…e-08
            // read as a value to reproduce); the entry's JSON keeps them exactly.
            let (gap, tolerance, allowance, resolution) = (readableFigure(a.gap), readableFigure(a.witnessTolerance),
                                                           readableFigure(a.allowance), readableFigure(a.resolution))
            n.append("entry \(entryLabel(e.output, e.input)): \(modes) mode agrees only within \(a.subjects.count == 1 ? "its" : "their") "
                + "accumulation allowance: \(gap) from \(witness) value, beyond its tolerance \(tolerance), within "
                + "the \(allowance) that rounding along the tape's paths may reach, which exceeds √ε of the entry (\(resolution)); "
                + "a rule error below \(allowance) is not resolved here; \(remedy)")
        }
        let moved = derivativeRoundingEntries
        if let first = moved.first, let bound = first.derivativeRoundingBound {
            let which = moved.count == 1 ? "entry" : "\(moved.count) entries, the first"
            // A bound, to two figures: in full it read "up to 222.04460625729902" (a user walk).
            let howFar = bound.isFinite ? "can move that by up to \(readableFigure(bound)) from the true derivative here"
                : "moves that from the true derivative by an amount that could not be bounded (the bound overflowed \(scalarType)'s range, "
                    + "or rounding moves a value the derivative depends on by a quarter of itself or more, past what a first-order bound covers)"
            n.append("\(which) \(entryLabel(first.output, first.input)): forward and reverse mode compute the derivative of f as \(scalarType) "
                + "rounds it, and rounding inside f \(howFar), so agreeing "
                + "modes show the rules right, not the value near f′; write f so it does not cancel there (expm1, log1p) to get f′")
        }
        if problem == nil && entries.joined().isEmpty {
            n.append("nothing was checked: the Jacobian has no entries (\(point.isEmpty ? "f has no inputs" : "f has no outputs")), so the check does not pass")
        }
        if escapes > 0 {
            // Counted over the reverse recording and the forward pass together: one conversion in
            // the user's code read "2 time(s)" (a review).
            n.append("the function converted a variable to Double (approximateDouble; \(escapes) conversion(s) over its reverse and "
                + "forward evaluations together): "
                + "derivatives through those paths are lost, and the complex step loses them too, so it is not used as a witness")
        }
        if adAllZero {
            if escapes > 0 {
                n.append("AD returned exactly 0 for every entry while differences did not: the function likely leaves the AD types")
            } else {
                // No conversion was counted: a bisection, whose output moves with its inputs only
                // through the signs it tests, was said to leave the AD types, and the user was sent
                // to look for a conversion that was not there.
                n.append("AD returned exactly 0 for every entry while differences did not, and the function converted no variable "
                    + "to Double: its output likely depends on these inputs only through comparisons (an if, a loop's exit test, "
                    + "a bisection's signs, a solver returning its start within its tolerance), so it is constant on the branch "
                    + "taken, which AD and the complex step follow, and moves between branches, which differences see")
            }
        }
        // The signature of a branch in the user's code at the point (x < 1 ? x : 2x − 1 at 1):
        // differences straddle it, the complex step and the modes follow the branch taken. The
        // entry alone read "witnesses-conflict", which says nothing of where to look (a user trial).
        // The signature of rounding inside f that moves its derivative: the complex step (f as the
        // floats compute it) and exact rationals (f computed exactly) settle apart, far beyond
        // both estimates. ((1 + r)¹² − 1)/r at 10⁻⁷ rounds 1 + r: 65.938 against 66.00004.
        // Where the entry was judged by both (their gap within the rounding bound), the bound too.
        func floatAndExact(_ e: EntryCheck) -> (float: Double, exact: Double, bound: Double?)? {
            if let s = e.floatExactSplit { return (s.float, s.exact, s.bound) }
            guard case .fdInconclusive(let reasons) = e.verdict, reasons.contains(.witnessesConflict),
                  // Unreliable only for a claim it left unjudged (`derivative-noise`): it judged the modes.
                  let c = e.ladder.first(where: { $0.witness == WitnessRung.differences(.complexStep).name
                      && ($0.outcome != "unreliable" || $0.warnings == [.derivativeNoise]) }),
                  let x = e.ladder.first(where: { $0.witness == WitnessRung.exactRationals.name && $0.outcome != "unreliable" }),
                  let cv = c.value, let xv = x.value, let ce = c.errorEstimate, let xe = x.errorEstimate,
                  Swift.abs(cv - xv) > CheckOptions.errorEstimateSafety * (ce + xe) + 64 * epsilon * Swift.max(Swift.abs(cv), Swift.abs(xv))
            else { return nil }
            return (cv, xv, nil)
        }
        let rounding = entries.joined().compactMap { e in floatAndExact(e).map { (e, $0) } }
        if let (first, values) = rounding.first {
            let which = rounding.count == 1 ? "entry" : "\(rounding.count) entries, the first"
            let head = "\(which) \(entryLabel(first.output, first.input)): the complex step gives \(values.float) for f as the floats compute it "
                + "and exact rationals \(values.exact) for f computed exactly"
            if let bound = values.bound {
                // Judged by both: the user is told why a subject off one witness passed, and by what rule.
                n.append(head + ", \(readableFigure(Swift.abs(values.float - values.exact))) apart, within \(readableFigure(bound)), the bound on how far rounding "
                    + "inside f (a term absorbed, as r in 1 + r for small r) moves its derivative: each is a right derivative of its "
                    + "own f, so each subject was held to one of them (forward and reverse follow the floats' f) and passed as one; "
                    + "no rule is shown wrong; write f so it does not round there (expm1, log1p) to get one derivative from every mode")
            } else {
                n.append(head + ": rounding inside f (a term absorbed, as r in 1 + r "
                    + "for small r) moves its derivative, which forward and reverse follow, so no rule is shown wrong; write f so it "
                    + "does not round there (expm1, log1p) or check where it does not")
            }
        }
        // Without a complex step the same rounding shows as forward mode's own value moving by
        // as much as it misses the witness (Check's derivativeNoise); the entry alone read
        // "derivative-noise" with no number.
        let noisy = entries.joined().compactMap { e -> (EntryCheck, Double, Double)? in
            guard case .fdInconclusive(let reasons) = e.verdict, reasons.contains(.derivativeNoise),
                  let o = e.ladder.last(where: { $0.outcome == "noise" }), let v = o.value, let noise = o.errorEstimate,
                  let w = e.ladder.last(where: { $0.outcome == "disagree" })?.value else { return nil }
            return (e, noise, w - v)
        }
        if let (first, noise, gap) = noisy.first {
            let which = noisy.count == 1 ? "entry" : "\(noisy.count) entries, the first"
            n.append("\(which) \(entryLabel(first.output, first.input)): forward and reverse miss the witness by \(readableFigure(Swift.abs(gap))), and their own "
                + "value moves by up to \(readableFigure(noise)) when the inputs move by a few rounding steps: rounding inside f (a term "
                + "absorbed, as r in 1 + r for small r) moves the derivative of f as the floats compute it, which they follow and "
                + "the witness does not, so no rule is shown wrong; write f so it does not round there (expm1, log1p) or check "
                + "where it does not")
        }
        let branching = entries.joined().filter { e in
            guard case .fdInconclusive(let reasons) = e.verdict, reasons.contains(.witnessesConflict), floatAndExact(e) == nil else { return false }
            return e.ladder.contains { $0.witness == WitnessRung.differences(.complexStep).name && $0.outcome == "agree" }
                && e.ladder.contains { $0.outcome == "disagree" }
        }
        if let first = branching.first {
            let which = branching.count == 1 ? "entry" : "\(branching.count) entries, the first"
            n.append("\(which) \(entryLabel(first.output, first.input)): differences disagree with the complex step, which agrees with "
                + "\(subjects.joined(separator: " and ")): f may branch on a value (an if, a loop's test) within the differences' "
                + "steps, and the tape records only the branch taken; checkBlackBoxJacobian with these values as the claim "
                + "looks for one-sided derivatives there")
        }
        return n
    }

    func describe(_ e: EntryCheck) -> String {
        switch e.verdict {
        case .discontinuity(let jump): return "discontinuity (jump ≈ \(fmt(jump)))"
        case .agree: return "agree"
        case .ruleWrong(let s): return "rule-wrong (\(s.joined(separator: ", ")))"
        case .rangeLoss(let s): return "range-loss (\(s.joined(separator: ", ")))"
        case .modeFailed(let s): return "mode-failed (\(s.joined(separator: ", ")))"
        case .fdInconclusive(let r): return "fd-inconclusive (\(r.map(\.rawValue).joined(separator: ", ")))"
        case .nonFinite(let s):
            // At a kink candidate (√ at 0) an infinite derivative is the function's singularity.
            let at = e.kink.map { ": singular at \($0.ops.joined(separator: ", "))" } ?? ""
            return "non-finite (\(s.joined(separator: ", ")))\(at)"
        case .kink(let ok):
            let k = e.kink
            let range = k.map { "[\(fmtDerivative(Swift.min($0.left, $0.right))), \(fmtDerivative(Swift.max($0.left, $0.right)))]" } ?? "unknown"
            // A black box names no op: "kink at one-sided derivatives differ" read as nonsense.
            let at = k?.ops == [blackBoxKinkTag] ? "kink" : "kink at \(k?.ops.joined(separator: ", ") ?? "")"
            switch ok {
            case true?: return "\(at): valid subgradient, one-sided derivatives \(range)"
            case false?:
                if let why = k?.notInGeneralizedGradient { return "\(at): \(why)" }
                let outside = k?.withinOneSided.filter { !$0.valid }.map(\.subject) ?? []
                let shown = e.subjects.filter { outside.contains($0.name) }.map { "\($0.name) \(fmt($0.value))" }
                return "\(at): \(shown.joined(separator: ", ")) not between the one-sided derivatives \(range)"
            // A black box's joint finding along a direction (see `judgeRowAlongDirections`) has
            // estimated the one-sided derivatives; it only cannot judge the claim with them.
            case nil where k?.ops == [blackBoxKinkTag] && k?.unresolved != nil && k.map({ $0.left.isFinite && $0.right.isFinite }) == true:
                return "\(at): not judged, one-sided derivatives \(range); \(k?.unresolved ?? "")"
            case nil: return "\(at): one-sided derivatives could not be estimated" + (k?.unresolved.map { " (\($0))" } ?? "")
            }
        }
    }

    // MARK: JSON

    /// The report as JSON, reproducible: point, type, ε, ladder, tolerances, every entry with each
    /// method's value, witness, step, error estimate and verdict, kinks, fault, and the seed of
    /// the random direction. `"names"` holds f's outputs and inputs as the table names them, and
    /// each entry its row's and column's (`"outputName"`, `"inputName"`).
    ///
    /// ```swift
    /// var o = CheckOptions()
    /// o.inputNames = ["r", "theta"]
    /// let json = try checkJacobian(of: Polar(), at: [2.0, 0.5], options: o).toJSON()
    /// // "names": {"outputs": ["f0", "f1"], "inputs": ["r", "theta"]}, …, "inputName": "theta", …
    /// ```
    public func toJSON(pretty: Bool = true) -> String {
        jsonValue.rendered(indent: pretty ? 2 : nil)
    }

    /// The JSON tree behind ``toJSON(pretty:)``.
    public var jsonValue: JSONValue {
        var fields: [(String, JSONValue)] = [
            ("verdict", .string(verdict.name)),
            ("passed", .bool(passed)),
            ("scalarType", .string(scalarType)),
            ("epsilon", .number(epsilon)),
            ("point", .array(point.map { .number($0) })),
            ("checkedInputs", checkedInputs.map { .array($0.map { .integer($0) }) } ?? .null),
            // f's outputs and inputs as the table names them (CheckOptions.outputNames and
            // inputNames, or f0, x0, …): an entry's "output" and "input" are indices, and a reader
            // matching them to the table's labels had to know the naming rule. Under "names", not
            // "inputNames": jac turns keys to snake case, and its program check already writes
            // "input_names" for the names a user gave.
            ("names", .object([("outputs", .array(value.indices.map { .string(options.outputName($0)) })),
                               ("inputs", .array(point.indices.map { .string(options.inputName($0)) }))])),
            ("value", .array(value.map { .number($0) })),
            ("subjects", .array(subjects.map { .string($0) })),
            ("ladder", .array(ladder.map { .string($0) })),
            ("step", .string(stepDescription)),
            ("rtol", .number(options.rtol)),
            ("atol", .number(options.atol)),
            ("seed", options.directionSeed.map { .string(String($0)) } ?? .null),
        ]
        if let problem { fields.append(("problem", .string(problem.description))) }
        fields.append(("touchedKink", .bool(touchedKink)))
        fields.append(("kinks", .array(kinks.map { k in
            .object([("op", .string(k.op.info.name)), ("node", k.node.map { .integer($0) } ?? .null),
                     ("inputs", .array(k.inputs.map { .number($0) }))])
        })))
        fields.append(("worst", .array(worstEntries().map(namedEntryJSON))))
        fields.append(("entries", .array(entries.joined().map(namedEntryJSON))))
        if let f = fault {
            fields.append(("fault", .object([
                ("op", .string(f.op)), ("node", .integer(f.node)), ("inputs", .array(f.inputs.map { .number($0) })),
                ("partial", .integer(f.partial)), ("expected", .number(f.expected)), ("got", .number(f.got)),
                ("errorEstimate", .number(f.errorEstimate)),
            ])))
        } else {
            fields.append(("fault", .null))
        }
        if let d = directional {
            fields.append(("directional", .object([
                ("seed", .string(String(d.seed))), ("direction", .array(d.direction.map { .number($0) })),
                ("forward", .array(d.forward.map { .number($0) })), ("difference", .array(d.difference.map { .number($0) })),
                ("errorEstimate", .array(d.errorEstimate.map { .number($0) })), ("agrees", d.agrees.map { .bool($0) } ?? .null),
            ] + (d.forwardRounding.map { [("forwardRounding", JSONValue.array($0.map { .number($0) }))] } ?? [])
              + (d.note.map { [("note", JSONValue.string($0))] } ?? []))))
        }
        fields.append(("notes", .array(rungsUsed.filter { $0.note != "used" }.map { .string("\($0.name): \($0.note)") }
            + notes.map { .string($0) })))
        fields.append(("modesNotRun", .array(modesNotRun.map { m in
            .object([("mode", .string(m.mode)), ("missing", .string(m.missing.description))])
        })))
        fields.append(("escapes", .integer(escapes)))
        return .object(fields)
    }

    var stepDescription: String {
        switch options.step {
        case .automatic: return "automatic"
        case .absolute(let h): return "absolute \(h)"
        case .relative(let h): return "relative \(h)"
        }
    }

    /// An entry's JSON with its row and column as the table labels them ("outputName": "f0",
    /// "inputName": "x1"; a JVP's column "v", a VJP's row "uᵀf"), after its indices.
    func namedEntryJSON(_ e: EntryCheck) -> JSONValue {
        guard case .object(var fields) = Self.entryJSON(e) else { return Self.entryJSON(e) }
        fields.insert(contentsOf: [("outputName", .string(rowLabel(e.output))), ("inputName", .string(columnLabel(e.input)))], at: 2)
        return .object(fields)
    }

    static func entryJSON(_ e: EntryCheck) -> JSONValue {
        var f: [(String, JSONValue)] = [
            ("output", .integer(e.output)), ("input", .integer(e.input)),
            ("verdict", .string(e.verdict.name)),
            ("values", .object(e.subjects.map { ($0.name, .number($0.value)) })),
            ("witness", e.witness.map { .string($0) } ?? .null),
            ("witnessValue", .number(e.witnessValue)),
            ("step", .number(e.step)),
            ("errorEstimate", .number(e.errorEstimate)),
            ("absError", .number(e.absoluteError)),
            ("relError", .number(e.relativeError)),
            ("tolerance", .number(e.tolerance)),
            ("derivativeRoundingBound", .number(e.derivativeRoundingBound)),
        ]
        if let a = e.accumulationAllowance {
            f.append(("accumulationAllowance", .object([
                ("subjects", .array(a.subjects.map { .string($0) })), ("gap", .number(a.gap)),
                ("witnessTolerance", .number(a.witnessTolerance)), ("allowance", .number(a.allowance)),
                ("resolution", .number(a.resolution)), ("exceedsResolution", .bool(a.exceedsResolution)),
            ])))
        }
        switch e.verdict {
        case .ruleWrong(let s): f.append(("wrong", .array(s.map { .string($0) })))
        case .fdInconclusive(let r): f.append(("reasons", .array(r.map { .string($0.rawValue) })))
        case .nonFinite(let s): f.append(("nonFinite", .array(s.map { .string($0) })))
        case .kink(let ok): f.append(("validSubgradient", ok.map { .bool($0) } ?? .null))
        case .discontinuity(let jump): f.append(("jump", .number(jump)))
        case .rangeLoss(let s): f.append(("rangeLoss", .array(s.map { .string($0) })))
        case .modeFailed(let s): f.append(("modeFailed", .array(s.map { .string($0) })))
        case .agree: break
        }
        if !e.seededPasses.isEmpty {
            f.append(("seededPasses", .array(e.seededPasses.map { p in
                .object([("mode", .string(p.mode)), ("seed", .number(p.seed)), ("value", .number(p.value)),
                         ("agreesWithWitness", .bool(p.agreesWithWitness))])
            })))
            if let why = e.seededPassNote { f.append(("rangeNote", .string(why))) }
        }
        f.append(("kink", e.kink.map { k in
            .object([("ops", .array(k.ops.map { .string($0) })), ("left", .number(k.left)), ("right", .number(k.right)),
                     ("within", .object(k.withinOneSided.map { ($0.subject, .bool($0.valid)) })),
                     ("unresolved", k.unresolved.map { .string($0) } ?? .null),
                     ("notInGeneralizedGradient", k.notInGeneralizedGradient.map { .string($0) } ?? .null)])
        } ?? .null))
        f.append(("ladder", .array(e.ladder.map { r in
            .object([("witness", .string(r.witness)), ("outcome", .string(r.outcome)), ("value", .number(r.value)),
                     ("step", .number(r.step)), ("errorEstimate", .number(r.errorEstimate)),
                     ("evaluations", r.evaluations.map { .integer($0) } ?? .null),
                     ("warnings", .array(r.warnings.map { .string($0.rawValue) }))])
        })))
        return .object(f)
    }
}

/// Compact number formatting for tables: shortest round-trip text when it is short, else 7
/// significant figures, rounded. Cutting the text instead (as this once did) showed
/// 0.9999999999999999 as "0.999999" and 1.9999999999999998 as "1.999999", a point or a
/// one-sided derivative 10⁻⁶ off what it was, and -0.028522891912549742 to 5 figures (a user trial).
func fmt(_ x: Double) -> String {
    if x.isNaN { return "NaN" }
    if x.isInfinite { return x > 0 ? "inf" : "-inf" }
    let s = "\(x)"
    if s.count <= 12 { return s }
    let parts = s.split(separator: "e", maxSplits: 1)
    let a = Swift.abs(x)
    if parts.count == 2 {
        // Swift's exponent form: round the mantissa, which lies in [1, 10), and keep the exponent.
        guard let m = Double(parts[0]), let e = Int(parts[1]) else { return s }
        return scientific(negative: x < 0, digits: Int((Swift.abs(m) * 1e6).rounded()), exponent: e)
    }
    if a >= 1e8 || a < 1e-3 {
        // Printed without an exponent, cutting the text would drop integer digits (−1e12 showed as
        // "-99999999", found by a user trial) or keep too few: write 7 significant figures.
        let e = Int(Double.log10(a).rounded(.down))
        return scientific(negative: x < 0, digits: Int((a / Double.pow(10, Double(e)) * 1e6).rounded()), exponent: e)
    }
    // 1e-3 ≤ |x| < 1e8: round to 7 significant figures. k / 10ᵈ (k an integer below 10⁹, d ≤ 9)
    // is the Double nearest a decimal of at most 9 digits, so its shortest text is that decimal.
    let d = Swift.max(0, 6 - Int(Double.log10(a).rounded(.down)))
    let p = Double.pow(10, Double(d))
    return "\((x * p).rounded() / p)"
}

/// x rounded to two significant figures (a share in a note, not a value to reproduce).
func twoFigures(_ x: Double) -> Double {
    guard x.isFinite, x != 0 else { return x }
    let e = Double.log10(Swift.abs(x)).rounded(.down)
    // Below 10⁻³⁰⁷ the scale 10^(1 − e) overflows, and x·∞/∞ is NaN: a tolerance of 80 subnormal
    // spacings (eˣ at −745) read "NaN". Scaled by 10³⁰⁰ first, x keeps its leading figures.
    if e < -300 { return twoFigures(x * 1e300) / 1e300 }
    let p = Double.pow(10, 1 - e)
    return (x * p).rounded() / p
}

/// A share or a multiple in a note, as a reader takes it in: ``twoFigures(_:)`` of x, whole numbers
/// from 10 to 10⁴ without a ".0" ("8000"; below 10 as Swift prints them, "1.0", "2.5"), and from
/// 10⁴ as a mantissa and a power of ten ("5.4e9"). The loose
/// note wrote eˣ at −745, whose tolerance is 80 of its 2⁻¹⁰⁷⁴, as "5368709120.0√ε" (a user walk).
package func readableFigure(_ x: Double) -> String {
    let r = twoFigures(x)
    guard r.isFinite, r != 0 else { return fmt(r) }
    let a = Swift.abs(r)
    if a < 1e4 { return a >= 10 ? "\(Int(r))" : "\(r)" }
    var e = Int(Double.log10(a).rounded(.down))
    var m = twoFigures(r / Double.pow(10, Double(e)))
    // A mantissa that rounds up to 10 moves the exponent.
    if Swift.abs(m) >= 10 { m /= 10; e += 1 }
    let mantissa = m == m.rounded() ? "\(Int(m))" : "\(m)"
    return "\(mantissa)e\(e)"
}

/// A derivative as the table prints it: ``fmt`` of a zero without its sign. `jac check "-relu(x)"
/// --at x=-1` showed forward −0.0 beside reverse 0.0 for one entry that is exactly 0 (relu′ is 0
/// left of its kink): the sign of a zero tangent is the order of the operations that made it
/// (−(0·1), x·0 for a negative x), not a property of f. Reverse mode sums each adjoint from +0, so
/// it never shows −0, and exact rationals have no −0, so a signed zero in one column read as a
/// disagreement where the verdict said agree. jac jacobian prints its entries the same way. Only
/// the table: the JSON keeps each value as computed, for reproduction, and f's values (not shown
/// here) keep their sign.
func fmtDerivative(_ d: Double) -> String { fmt(d == 0 ? 0 : d) }

/// ±d.dddddde±XX from 7 significant digits (a mantissa rounded up to 10 moves the exponent).
private func scientific(negative: Bool, digits: Int, exponent: Int) -> String {
    var digits = digits, e = exponent
    if digits >= 10_000_000 { digits = (digits + 5) / 10; e += 1 }
    if digits < 1_000_000 { digits *= 10; e -= 1 }
    let d = String(digits)
    let sign = (e < 0 ? "-" : "+") + (Swift.abs(e) < 10 ? "0" : "")
    return (negative ? "-" : "") + String(d.prefix(1)) + "." + String(d.dropFirst()) + "e" + sign + String(Swift.abs(e))
}

/// `print(report)` and string interpolation give the table: the synthesized form was one line of
/// nested `AdjointCheck.EntryCheck(…)` values, thousands of characters for a two-entry check.
extension CheckReport: CustomStringConvertible {
    public var description: String { renderTable() }
}

extension EntryCheck {
    /// What the passes with a seed scaled by a power of two showed (``seededPasses``), one
    /// sentence per mode; nil when there were none.
    ///
    /// ```swift
    /// let e = try checkJacobian(of: Formula(parsing: "x^2/x^300"), at: [10.0]).entries[0][0]
    /// print(e.seededPassNote ?? "none")   // none: the sweep recovered x³⁰⁰'s adjoint itself
    /// ```
    public var seededPassNote: String? {
        guard !seededPasses.isEmpty else { return nil }
        // A mode is excused when the verdict does not blame it: every mode of a range-loss, and
        // a mode left out of a rule-wrong beside it (the other mode's rule convicted). Read from
        // range-loss alone, an excused reverse beside a convicted forward was described as a
        // user vector primitive's nonlinear rule, on a tape without one.
        var excused: [String] = []
        switch verdict {
        case .rangeLoss(let s): excused = s
        case .ruleWrong(let s): excused = seededPasses.map(\.mode).filter { !s.contains($0) }
        default: break
        }
        var modes: [String] = []
        for p in seededPasses where !modes.contains(p.mode) { modes.append(p.mode) }
        return modes.map { mode -> String in
            let passes = seededPasses.filter { $0.mode == mode }
            let unseeded = subjects.first { $0.name == mode }.map { " \(fmt($0.value))" } ?? ""
            let (seedName, quantity) = mode == "reverse" ? ("cotangent", "an adjoint") : ("direction", "a tangent")
            let given = passes.map { "\(fmt($0.value)) (×2^\(Int($0.seed.exponent)))" }.joined(separator: " and ")
            let agrees = passes.contains(where: \.agreesWithWitness)
            let witness = witness.map { " (\($0) \(witnessValue.map(fmt) ?? "?"))" } ?? ""
            let pass = "the same pass with its \(seedName) scaled gives \(given)"
            if excused.contains(mode) {
                return "\(mode)\(unseeded) lost a term to \(quantity) outside \(scalarName)'s normal range: \(pass), "
                    + (agrees ? "in agreement with the witness\(witness); no derivative rule is blamed"
                              : "still off the witness\(witness) and changing with the seed; no derivative rule is judged here")
            }
            // As the check decides: the two largest seeds' passes equal means the largest kept every
            // term (a smaller seed that still lost digits, as 2^500 may, is no sign of a nonlinear rule).
            let top = passes.sorted { $0.seed < $1.seed }.suffix(2).map(\.value)
            let recovered = top.count == 2 && top[0] == top[1]
            return "\(mode)\(unseeded): \(pass), still off the witness\(witness); "
                + (recovered ? "the two largest seeds agree, so what the range lost is recovered and the rest of the gap is a rule's"
                             : "the tape calls a user vector primitive, whose JVP or VJP need not be linear in its seed, so the gap is not put down to the range")
        }.joined(separator: "; ")
    }
}

extension EntryCheck {
    /// The entry as a report's JSON lists it under `"entries"`: its verdict, every subject's value,
    /// the deciding witness with its step and error estimate, and the ladder it climbed. For an
    /// entry reported outside a whole report, such as `jac check --program`'s shrunk point.
    ///
    /// ```swift
    /// let r = try checkJacobian(of: F(), at: [0.5, 2.0])
    /// print(r.entries[0][0].jsonValue.rendered())   // {"output": 0, "input": 0, "verdict": "agree", …}
    /// ```
    public var jsonValue: JSONValue { CheckReport.entryJSON(self) }
}

/// What a note says of one entry (``CheckReport/groupedNotes(_:)``): alone, and as a clause of the
/// note on every entry of its kind.
struct FindingText: Sendable, Equatable {
    /// The note on this entry alone, after "entry (f0, x1): ".
    let alone: String
    /// Its clause in the note on several, with this entry's figures ("along x1 within ±0.002, …").
    let clause: String
    /// What the note on several says before the clauses and after them: findings with the same
    /// head and tail share a note.
    let head: String, tail: String
}

/// A ``FindingText`` at entry (output, input).
struct EntryFinding: Sendable, Equatable {
    let output: Int, input: Int
    let text: FindingText
}
