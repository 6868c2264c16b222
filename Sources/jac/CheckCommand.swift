import Adjoint
import Foundation
import ArgumentParser

/// `jac check`: the library's ``checkJacobian(of:at:claimed:claimedName:options:)`` on the formula,
/// rendered; its verdicts decide the exit status, so the CLI and the library cannot disagree.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check forward and reverse mode (and exact mode) against derivative-free witnesses.",
        discussion: """
        Runs the library's Jacobian check: forward and reverse mode, and exact rational mode \
        when the formula is rational, are the subjects; each Jacobian entry is judged against a \
        ladder of derivative-free witnesses (central differences, the adaptive embedded \
        stencil, Richardson, complex step, central differences evaluated exactly in Q), \
        escalating until one is reliable. Tolerances are derived from each witness's own error \
        estimate. Per entry the verdict is agree, rule-wrong, fd-inconclusive, kink (with the \
        one-sided derivatives), non-finite, discontinuity, or range-loss (a mode lost a term \
        to a tangent or adjoint outside Double's range: its pass with the seed scaled by \
        2^500 or 2^1000 gives another value, shown; no rule is blamed).

        Every mode is evaluated at the same point: the nearest Double to each value as written \
        (exact mode converts that Double exactly), and the output says when that differs from \
        the text.

        Your own derivatives: --claimed FILE grades a Jacobian you computed (JSON, CSV \
        or .npy) at the same point, one row per output and one column per variable in \
        the formula's order (first appearance, or --vars), not --at's; to check a \
        program in any language as a black box, see jac check --program "CMD ARGS" \
        --inputs N --help.

        EXIT STATUS
        0 the check passes: every entry agrees, or sits at a kink with a value shown \
        to lie between the one-sided derivatives. 1 it does not: an entry is \
        rule-wrong, fd-inconclusive (no witness could decide), range-loss, discontinuous or at a \
        kink with a value not shown to lie between the one-sided derivatives, or J·v \
        along a random direction disagrees. 2 invalid input. 3 f or a derivative is \
        not finite, or the point is outside the domain.

        With --claimed the same rule grades the claimed Jacobian: 1 when an entry of it \
        is rule-wrong, non-finite or outside the one-sided derivatives at a kink \
        ("wrong"), and also when an entry cannot be confirmed (fd-inconclusive, a \
        kink's one-sided derivatives unresolved, a mode's own rule wrong: "not \
        confirmed").

        EXAMPLES
          jac check "log(x1) + x1*x2 - sin(x2)" --at x1=2,x2=5
              status 0
          jac check "relu(x) + x^2" --at x=0 --format json
              status 0: a kink, and the value is a valid subgradient
          jac check "relu(x) - relu(-x)" --at x=0
              status 1: 0 is not between the one-sided derivatives 1 and 1
          jac check "x1*x2" --at 2,3 --claimed mine.json
              grades the Jacobian in mine.json, e.g. [[3, 2]]
        """)

    @OptionGroup var options: FormulaOptions
    @OptionGroup var cross: CrossValidationOptions

    func validate() throws {
        try requireOneStandardInputReader(options.standardInputReaders + (cross.claimed == "-" ? ["--claimed -"] : []))
    }

    /// Most Jacobian entries one check grades: 2¹⁸ (a 512 × 512 Jacobian).
    static let defaultMaxEntries = 1 << 18
    static let maxEntriesVariable = "JAC_MAX_CHECK_ENTRIES"

    func run() throws {
        let formula = try options.loadFormula()
        // Each entry keeps its witness ladder in the library's report: about 4–5 KB and 0.1 ms
        // apiece in a debug build (1000 × 1000 took 4.3 GB and 103 s; 2000 × 2000 would need about
        // 17 GB), so a large Jacobian is a clear error before it is an out-of-memory kill.
        try InputLimits.requireJacobianEntries(outputs: formula.outputs.count, inputs: formula.variables.count,
                                               variable: Self.maxEntriesVariable, defaultLimit: Self.defaultMaxEntries) { count, limit in
            "jac check grades every Jacobian entry, and this one has \(formula.outputs.count) × "
                + "\(formula.variables.count) = \(count) entries, over the limit of \(limit) "
                + "(each takes about 5 KB while the check runs; \(Self.maxEntriesVariable) raises the limit)"
        }
        if let claimed = cross.claimed { return try runClaimedCheck(options, formula, claimedPath: claimed) }
        try runPoints(options, formula) { point in try checkReport(formula, point) }
    }
}

/// Exact mode as an extra subject of the check: the same registry rules in ℚ at the same Doubles,
/// so it separates rounding from rule errors. Not a witness (it applies the rules under test);
/// the ladder's exact rung is the independent exact witness.
struct ExactSubject {
    var jacobian: [[Rational]]? = nil
    var skipped: String? = nil

    init(_ formula: Formula, at x: [Double]) {
        let engine = ExactEngine()
        if let why = engine.unavailability(for: formula) { skipped = why; return }
        do {
            // The literals' Doubles, not their decimal text: the subject must be the function the
            // floating-point modes differentiate (0.1 is 0.1000000000000000055…), at the same point.
            let constants = formula.constants.map { Rational($0.value) }
            let n = formula.variables.count, m = formula.outputs.count
            let r = try exactJacobian(of: ExactFormula(formula: formula, constants: constants),
                                      at: x.map { Rational($0) }, mode: n <= m ? .forward : .reverse)
            jacobian = r.jacobian
        } catch {
            // A mode that could not run (its bit or work limit, say) is not a disagreement.
            skipped = "exact mode could not run: " + JacFailure(classifying: error).message
        }
    }
}

/// The text of each coordinate that is not exactly the Double every mode used.
func inexactCoordinates(_ formula: Formula, _ point: Point) -> [String] {
    let engine = ExactEngine()
    return zip(formula.variables, point.values).compactMap { name, v in
        guard let written = try? engine.exactNumber(v.text, what: "point value"), written != Rational(v.double) else { return nil }
        return "\(name) = \(v.text) is not a Double; every mode used \(format(v.double)) (exactly \(Rational(v.double)))"
    }
}

func checkReport(_ formula: Formula, _ point: Point) throws -> Report {
    let x = point.doubles
    // The point goes through the registry's domain checks as in every command: outside the
    // domain, or a non-finite value (x^2000 at 2), is an evaluation failure (3), not a verdict.
    _ = try value(of: formula, at: x)
    let exact = ExactSubject(formula, at: x)
    let exactRows = exact.jacobian.map { $0.map { $0.map(\.doubleValue) } }
    var options = CheckOptions()
    options.named(by: formula, inputs: x.count)
    let report = try checkJacobian(of: formula, at: x, claimed: exactRows.map { rows in { _ in rows } },
                                   claimedName: "exact", options: options)
    if let problem = report.problem { throw problem }
    let entries = Array(report.entries.joined())
    // A derivative that is not finite (√x at 0) is an evaluation failure, whatever verdict the
    // entry got (the library calls √x at 0 a kink).
    let nonFinite = entries.filter { e in e.subjects.contains { !$0.value.isFinite } }
    let passed = report.passed
    let names = formula.outputNames
    func entryName(_ e: EntryCheck) -> String { "d\(names[e.output])/d\(formula.variables[e.input])" }

    var notes = inexactCoordinates(formula, point)
    // The entries such a kink decides are inconclusive (underflow-onto-kink): say which op, and why.
    if !report.kinks.isEmpty { notes += underflowKinks(formula, at: x).map(\.description) }
    if let why = exact.skipped { notes.append(why) }
    // When the ladder reached its exact rung, the table above already says why exact arithmetic
    // cannot run this formula: the text shows that fact once ("exact-rationals: uses sin, …" was
    // followed by "exact mode is not available: uses sin"). The JSON keeps both fields.
    let ladderSaidWhy = report.rungsUsed.contains { $0.name == "exact-rationals" && $0.note != "used" }
    let repeated = ladderSaidWhy && ExactEngine().unavailability(for: formula) != nil ? exact.skipped : nil

    // The three formats, each made only if printed (see Report).
    func jsonText() -> String {
        // Per subject: its worst verdict over the entries and its largest distance from the witness.
        var modes: [String] = []
        for (k, subject) in report.subjects.enumerated() {
            var worst: Verdict = .agree
            var maxAbs = 0.0
            for e in entries {
                if subjectVerdictSeverity(e.verdict, subject) > subjectVerdictSeverity(worst, subject) { worst = e.verdict }
                if let w = e.witnessValue, k < e.subjects.count { maxAbs = Swift.max(maxAbs, Swift.abs(e.subjects[k].value - w)) }
            }
            modes.append(jsonObject([("mode", json(subject)), ("verdict", json(worst.name)),
                                     ("max_abs_discrepancy", jsonNumber(maxAbs))]))
        }
        let entriesJSON = entries.map { e -> String in
            var pairs: [(String, String)] = [
                ("output", "\(e.output)"), ("input", "\(e.input)"), ("verdict", json(e.verdict.name)),
                ("values", jsonObject(e.subjects.map { ($0.name, jsonNumber($0.value)) })),
                ("witness", e.witness.map(json) ?? "null"),
                ("witness_value", e.witnessValue.map(jsonNumber) ?? "null"),
                ("error_estimate", e.errorEstimate.map(jsonNumber) ?? "null"),
                ("abs_error", e.absoluteError.map(jsonNumber) ?? "null"),
                ("tolerance", e.tolerance.map(jsonNumber) ?? "null"),
            ]
            switch e.verdict {
            case .ruleWrong(let s): pairs.append(("wrong", jsonArray(s.map(json))))
            case .fdInconclusive(let r): pairs.append(("reasons", jsonArray(r.map { json($0.rawValue) })))
            case .nonFinite(let s): pairs.append(("non_finite", jsonArray(s.map(json))))
            case .kink(let ok): pairs.append(("valid_subgradient", ok.map { $0 ? "true" : "false" } ?? "null"))
            case .discontinuity(let jump): pairs.append(("jump", jsonNumber(jump)))
            case .rangeLoss(let s): pairs.append(("range_loss", jsonArray(s.map(json))))
            case .modeFailed(let s): pairs.append(("mode_failed", jsonArray(s.map(json))))
            case .agree: break
            }
            // What an agreement left to the modes' accumulation rounding: a rule error below the
            // allowance is not resolved there (the report's note says so where it exceeds √ε).
            if let a = e.accumulationAllowance {
                pairs.append(("accumulation_allowance", jsonObject([
                    ("subjects", jsonArray(a.subjects.map(json))), ("gap", jsonNumber(a.gap)),
                    ("witness_tolerance", jsonNumber(a.witnessTolerance)), ("allowance", jsonNumber(a.allowance)),
                    ("resolution", jsonNumber(a.resolution)), ("exceeds_resolution", a.exceedsResolution ? "true" : "false"),
                ])))
            }
            if !e.seededPasses.isEmpty {
                pairs.append(("seeded_passes", jsonArray(e.seededPasses.map { p in
                    jsonObject([("mode", json(p.mode)), ("seed", jsonNumber(p.seed)), ("value", jsonNumber(p.value)),
                                ("agrees_with_witness", p.agreesWithWitness ? "true" : "false")])
                })))
            }
            if let k = e.kink {
                pairs.append(("kink", jsonObject([("ops", jsonArray(k.ops.map(json))), ("left", jsonNumber(k.left)),
                                                  ("right", jsonNumber(k.right))])))
            }
            return jsonObject(pairs)
        }
        let exactJSON = exact.jacobian.map { rows in jsonArray(rows.map { jsonArray($0.map { json($0.description) }) }) } ?? "null"
        return jsonObject([
            ("variables", jsonArray(formula.variables.map(json))), ("point", jsonArray(x)),
            ("agree", passed ? "true" : "false"), ("verdict", json(report.verdict.name)),
            ("value", jsonArray(report.value)),
            ("jacobian", jsonArray(entriesMatrix(report, subject: "reverse").map { jsonArray($0) })),
            ("exact_jacobian", exactJSON),
            ("subjects", jsonArray(report.subjects.map(json))), ("ladder", jsonArray(report.ladder.map(json))),
            ("modes", jsonArray(modes)), ("entries", jsonArray(entriesJSON)),
            ("kinks", jsonArray(report.kinks.map { json($0.description) })),
            ("notes", jsonArray(notes.map(json))),
            ("library_report", jacJSON(report.jsonValue)),
        ])
    }

    func tableText() -> String {
        var table = "every mode at \(describePoint(formula.variables, x.map(Cell.double)))\n" + report.renderTable()
        for note in notes where note != repeated { table += "\nnote: " + note }
        table += passed ? "\ncheck passed" : "\nCHECK FAILED"
        return table
    }

    func csvText() -> String {
        checkCSVRows(report).map { $0.map(csv).joined(separator: ",") }.joined(separator: "\n")
    }
    let header = formula.variables + ["agree", "verdict"]
    let row = x.map(format) + [passed ? "true" : "false", report.verdict.name]

    var status = ExitStatus.success
    var problem: String?
    if let bad = nonFinite.first {
        status = .evaluationFailure
        var names = bad.subjects.filter { !$0.value.isFinite }.map(\.name)
        // Exact mode's entry is compared as its Double, which is ±∞ beyond Double's range, but
        // the rational itself is finite (1/x at 10⁻¹⁶⁰: −10³²⁰), and calling it "not finite" sent
        // a user away from the mode that computes it.
        var beyond = ""
        if names.contains("exact"), let q = exact.jacobian?[bad.output][bad.input], !q.isNaN {
            names.removeAll { $0 == "exact" }
            beyond = "; exact mode gives \(readableExact(q.description).text), beyond Double's range"
        }
        let which = names.isEmpty ? String(beyond.dropFirst(2)) : "is not finite in \(names.joined(separator: ", "))" + beyond
        problem = "evaluation failed: \(entryName(bad)) \(which)"
            + (bad.kink.map { " (singular at \($0.ops.joined(separator: ", ")))" } ?? "")
    } else if !passed, let d = report.directional, d.agrees == false,
              report.worstEntries(limit: 1).allSatisfy({ $0.verdict.name == "agree" }) {
        // Every entry passed; the random-direction check is what failed, so name it, not an entry.
        status = .modesDisagree
        let worst = (0..<d.forward.count).max { abs(d.forward[$0] - d.difference[$0]) < abs(d.forward[$1] - d.difference[$1]) } ?? 0
        problem = "check failed: the random-direction JVP (seed \(d.seed)) disagrees with Richardson at output \(formula.outputNames[worst]): "
            + "forward mode gives \(d.forward[worst]), the difference \(d.difference[worst]) ± \(d.errorEstimate[worst])"
    } else if !passed, let bad = report.worstEntries(limit: 1).first, !bad.passes {
        status = .modesDisagree
        problem = "check failed: \(entryName(bad)): " + describeVerdict(bad)
    } else if !passed {
        // No entry is at fault, yet the check did not pass (it compared nothing, or a mode
        // failed on its own): "CHECK FAILED" and "agree": false used to exit 0.
        status = .modesDisagree
        problem = "check failed: " + whyNoEntryFailed(report)
    }
    return Report(table: tableText(), json: jsonText(), csv: csvText(), flatHeader: header, flatRow: row,
                  status: status, problem: problem)
}

extension CheckOptions {
    /// The report's table names rows and columns as the formula does (f1, x, y), as the failure
    /// line and the JSON do; left to the library's x0, f0 where the point has another length
    /// (that error is the point's, reported as such).
    mutating func named(by formula: Formula, inputs: Int) {
        guard inputs == formula.variables.count else { return }
        inputNames = formula.variables
        outputNames = formula.outputNames
    }

    /// The report's table labels rows and columns by their 0-based indices (0, 1, …), as the
    /// checks of a claimed Jacobian cite entries and lay out the claimed file.
    mutating func indexed(inputs: Int, outputs: Int) {
        inputNames = (0..<inputs).map(String.init)
        outputNames = (0..<outputs).map(String.init)
    }
}

/// The CSV of a check, header first: one row per entry with each subject's value, the witness
/// and the tolerance (`jac check --format csv`, with or without --claimed).
func checkCSVRows(_ report: CheckReport) -> [[String]] {
    [["output", "input", "verdict"] + report.subjects + ["witness", "witness_value", "abs_error", "tolerance"]]
        + report.entries.joined().map { e in
            ["\(e.output)", "\(e.input)", e.verdict.name] + e.subjects.map { format($0.value) }
                + [e.witness ?? "", e.witnessValue.map(format) ?? "", e.absoluteError.map(format) ?? "",
                   e.tolerance.map(format) ?? ""]
        }
}

/// Why `report` does not pass although none of its entries fails: it has no entries (f has no
/// inputs), or a mode failed on its own; the library's own words where it has them.
func whyNoEntryFailed(_ report: CheckReport) -> String {
    if let nothing = report.notes.first(where: { $0.hasPrefix("nothing was checked") }) { return nothing }
    if let failure = report.modeFailures.first { return failure }
    return "the check did not pass (verdict \(report.verdict.name))"
}

/// How bad a verdict is for one subject: a rule-wrong entry that does not name it is not its fault.
func subjectVerdictSeverity(_ v: Verdict, _ subject: String) -> Int {
    switch v {
    case .agree: return 0
    case .kink(let ok): return ok == false ? 2 : 1
    case .fdInconclusive: return 2
    case .nonFinite(let s): return s.contains(subject) ? 3 : 0
    case .discontinuity: return 3
    case .rangeLoss(let s): return s.contains(subject) ? 3 : 0
    case .modeFailed(let s): return s.contains(subject) ? 3 : 0
    case .ruleWrong(let s): return s.contains(subject) ? 4 : 0
    }
}

/// One subject's Jacobian from the report's entries (rows = outputs).
func entriesMatrix(_ r: CheckReport, subject: String) -> [[Double]] {
    r.entries.map { row in row.map { e in e.subjects.first { $0.name == subject }?.value ?? .nan } }
}

func describeVerdict(_ e: EntryCheck) -> String {
    switch e.verdict {
    case .agree: return "agree"
    case .ruleWrong(let s):
        return "rule-wrong: \(s.joined(separator: ", ")) differ from \(e.witness ?? "the witness") (\(e.witnessValue.map(format) ?? "?")) "
            + "by \(e.absoluteError.map(format) ?? "?"), tolerance \(e.tolerance.map(format) ?? "?")"
    case .fdInconclusive(let r):
        return "fd-inconclusive: no witness was reliable (\(r.map(\.rawValue).joined(separator: ", ")))"
    case .nonFinite(let s): return "non-finite in \(s.joined(separator: ", "))"
    case .modeFailed(let s): return "mode-failed: \(s.joined(separator: ", ")) mode could not run its rules"
    case .rangeLoss:
        return "range-loss: " + (e.seededPassNote ?? "a tangent or adjoint left Double's normal range")
    case .discontinuity(let jump): return "discontinuity: f jumps by about \(format(jump)) across the point, so no derivative exists"
    case .kink(let ok):
        let range = e.kink.map { "[\(format(Swift.min($0.left, $0.right))), \(format(Swift.max($0.left, $0.right)))]" } ?? "unknown"
        let ops = e.kink?.ops.joined(separator: ", ") ?? "?"
        let outside = e.kink?.withinOneSided.filter { !$0.valid }.map(\.subject) ?? []
        let shown = e.subjects.filter { outside.contains($0.name) }.map { "\($0.name) \(format($0.value))" }.joined(separator: ", ")
        switch ok {
        case false?:
            // Within each component's interval but not one point of the generalized gradient.
            if shown.isEmpty, let joint = e.kink?.notInGeneralizedGradient { return "kink at \(ops): \(joint)" }
            return "kink at \(ops): \(shown) not between the one-sided derivatives \(range)"
        case true?: return "kink at \(ops): valid subgradient, one-sided derivatives \(range)"
        case nil: return "kink at \(ops): one-sided derivatives could not be estimated" + (e.kink?.unresolved.map { " (\($0))" } ?? "")
        }
    }
}

/// `jac complexity`: the operation counters' demonstration on multilayer perceptrons.
struct ComplexityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "complexity",
        abstract: "Count the work of backprop, the naive chain of Jacobians and finite differences.",
        discussion: """
        Builds tanh MLPs of growing depth (or width), computes the gradient of an MSE \
        loss three ways (memoized backprop, the naive chain of layer Jacobians \
        recomputed from the top for every layer, central differences over every \
        weight), checks that they agree, and prints the operation counts each did with \
        the fitted exponent of log(count) against log(size). Counts are measured by \
        the toolkit's counters, not computed from formulas.

        EXAMPLES
          jac complexity --sweep depth --depths 1,2,4,8,16,32,64 --width 16
          jac complexity --sweep width --widths 2,4,8,16,32 --depth 4 --format csv
          jac complexity --sweep depth --depths 1,2,4,8 --plot complexity.svg
          jac complexity --jacobian-modes 64,2
              (forward against reverse Jacobian of a map R^64 -> R^2)
          jac complexity --swell 2,4,8,16
              (symbolic derivatives: expanded tree, shared DAG and tape sizes)
        """)

    @Option(help: "What to sweep: depth (width fixed) or width (depth fixed).")
    var sweep: String = "depth"
    @Option(help: ArgumentHelp("Depths to sweep (with --sweep depth).", valueName: "L1,L2,..."))
    var depths: String?
    @Option(help: ArgumentHelp("Widths to sweep (with --sweep width).", valueName: "m1,m2,..."))
    var widths: String?
    @Option(help: "Fixed width for a depth sweep (default 16).") var width: Int?
    @Option(help: "Fixed depth for a width sweep (default 4).") var depth: Int?
    @Option(help: "Samples per batch.") var batch: Int = 1
    @Option(help: "Output format: table, json, csv or svg.") var format: String = "table"
    @Option(help: ArgumentHelp("Also write the log-log plot as SVG.", valueName: "file.svg")) var plot: String?
    @Option(help: ArgumentHelp("Instead of a sweep: count forward against reverse Jacobians of a map R^n -> R^m.",
                               valueName: "n,m"))
    var jacobianModes: String?
    @Option(help: ArgumentHelp("Instead of a sweep: sizes of symbolic derivatives (expanded tree, shared DAG) against the reverse-mode tape at these problem sizes.",
                               valueName: "n1,n2,..."))
    var swell: String?

    func run() throws {
        try rejectOptionsOfOtherJobs()
        if let swell { return try runSwell(swell, format: format, plot: plot) }
        guard let outputFormat = ComplexityOutputFormat(rawValue: format) else {
            throw JacFailure.invalid("--format must be one of table, json, csv, svg (got '\(quoted(format))')")
        }
        if let spec = jacobianModes {
            let nm = try sizes(spec, option: "--jacobian-modes")
            guard nm.count == 2 else { throw JacFailure.invalid("--jacobian-modes takes n,m (got '\(quoted(spec))')") }
            let r = try JacobianModeComparison.run(inputs: nm[0], outputs: nm[1])
            print(outputFormat == .json ? r.toJSON() : r.summary)
            return
        }
        guard let kind = ComplexitySweep.Kind(rawValue: sweep) else {
            throw JacFailure.invalid("--sweep must be depth or width (got '\(quoted(sweep))')")
        }
        let list = kind == .depth ? depths : widths
        if kind == .depth && widths != nil { throw JacFailure.invalid("--widths belongs to --sweep width") }
        if kind == .width && depths != nil { throw JacFailure.invalid("--depths belongs to --sweep depth") }
        guard batch >= 1 && batch <= 4096 else { throw JacFailure.invalid("--batch must be between 1 and 4096") }
        var options = ComplexitySweep.Options()
        options.batch = batch
        // Each size is checked here, under the option's name: the library's "complexity sweep sizes
        // must be in 1...512, got 100000" did not say that --width was the one out of range.
        let listOption = kind == .depth ? "--depths" : "--widths"
        let chosen = try list.map { try sizes($0, option: listOption) }
        let limit = ComplexitySweep.maximumSize
        for s in chosen ?? [] where s > limit {
            throw JacFailure.invalid("\(listOption): \(s) is above the largest size, \(limit)")
        }
        let fixedOption = kind == .depth ? "--width" : "--depth"
        if let f = kind == .depth ? width : depth, !(1...limit).contains(f) {
            throw JacFailure.invalid("\(fixedOption) must be between 1 and \(limit) (got \(f))")
        }
        let result = try ComplexitySweep.run(kind: kind, sizes: chosen, fixed: kind == .depth ? width : depth, options: options)
        if let plot {
            try writeText(result.toSVG(), path: plot, what: "--plot file")
        }
        print(result.render(outputFormat))
    }

    /// complexity does one of three jobs (a sweep, --jacobian-modes, --swell); an option another
    /// job reads is an error, not silently dropped: `--jacobian-modes 3,2 --plot p.svg` exited 0
    /// without writing p.svg, and `--depth 3` beside a depth sweep (whose fixed size is the width)
    /// went unused.
    func rejectOptionsOfOtherJobs() throws {
        let sweepOptions: [(String, Bool)] = [
            ("--sweep", sweep != "depth"), ("--depths", depths != nil), ("--widths", widths != nil),
            ("--width", width != nil), ("--depth", depth != nil), ("--batch", batch != 1),
        ]
        let job = swell != nil ? "--swell" : (jacobianModes != nil ? "--jacobian-modes" : nil)
        if let job {
            if swell != nil && jacobianModes != nil {
                throw JacFailure.invalid("--swell and --jacobian-modes are two separate runs: give one of them")
            }
            if let used = sweepOptions.first(where: \.1) {
                throw JacFailure.invalid("\(used.0) belongs to a depth or width sweep, not to \(job)")
            }
        }
        if jacobianModes != nil {
            if plot != nil { throw JacFailure.invalid("--jacobian-modes draws no plot: --plot belongs to a sweep or --swell") }
            guard ["table", "json"].contains(format) else {
                throw JacFailure.invalid("--jacobian-modes prints table or json (got '\(quoted(format))')")
            }
        }
        if sweep == "depth" && depth != nil {
            throw JacFailure.invalid("--depth is the fixed depth of --sweep width; a depth sweep takes its depths from --depths and fixes --width")
        }
        if sweep == "width" && width != nil {
            throw JacFailure.invalid("--width is the fixed width of --sweep depth; a width sweep takes its widths from --widths and fixes --depth")
        }
    }

    func sizes(_ spec: String, option: String) throws -> [Int] {
        let parts = spec.split(separator: ",", omittingEmptySubsequences: false)
        return try parts.map { part in
            guard let v = Int(part.trimmingCharacters(in: .whitespaces)), v >= 1 else {
                throw JacFailure.invalid("\(option): '\(quoted(String(part)))' is not a positive integer")
            }
            return v
        }
    }
}
