import Adjoint
import ArgumentParser

/// `jac jacobian`: value and Jacobian in one mode.
struct JacobianCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jacobian",
        abstract: "Value and Jacobian of a formula at a point.",
        discussion: """
        Rows of the Jacobian are outputs, columns are variables.

        --mode exact reads the point and the formula's numbers from their text (0.1 \
        is 1/10), so a value beyond Double's range, such as 1e-400 or 1e400, is an \
        ordinary rational there; every other mode refuses it (status 2), since it \
        would compute with 0 or inf in its place. Exact mode's table shows a value \
        of more than 40 digits as 3·10^-400, or rounded (≈ 3.764861949599026e-496); \
        JSON and CSV give every value as the exact fraction p/q.

        EXAMPLES
          jac jacobian "log(x1) + x1*x2 - sin(x2)" --at x1=2,x2=5
          jac jacobian "f(r, t) = r*cos(t); r*sin(t)" --at 2,0.5 --format json
              {"variables": ["r", "t"], "point": [2.0, 0.5], "value": [...],
               "jacobian": [[...], [...]], "mode": "reverse"}
          jac jacobian "x1^2 + 5*x1*x2" --at x1=1/3,x2=2/7 --mode forward
          jac jacobian "x*y; x+y" --points grid.csv --format json
              (JSON lines, one per point)
          jac jacobian "x1*x2; x2^2; sin(x3)" --at 1,2,3 --sparse --mode forward
              {"variables": [...], "point": [...], "value": [...], "mode": "forward",
               "rows": 3, "columns": 3, "colors": 2, "entries": [[0, 0, 2.0], ...]}
        """)

    @OptionGroup var options: FormulaOptions

    @Option(help: ArgumentHelp("Mode: \(ModeTable.names.joined(separator: ", ")).", valueName: "mode"))
    var mode = "reverse"

    @Flag(help: "Add singular values, rank, condition number and (square) determinant.")
    var analyze = false

    @Flag(help: "Sparse Jacobian by colouring (--mode forward: columns, reverse: rows): the nonzero entries (0-based COO) and the colour count.")
    var sparse = false

    /// Most entries of a dense Jacobian: 2²⁴, the size of the largest Hessian jac hessian computes (4096²).
    static let defaultMaxEntries = 1 << 24
    static let maxEntriesVariable = "JAC_MAX_JACOBIAN_ENTRIES"

    func validate() throws {
        if sparse && (analyze || SparseJacobianMode(rawValue: mode) == nil) {
            throw ValidationError("--sparse works with --mode forward or reverse and without --analyze")
        }
        guard ModeTable.engine(named: mode) != nil else {
            throw ValidationError("unknown mode '\(quoted(mode))' (modes: \(ModeTable.names.joined(separator: ", ")))")
        }
    }

    func run() throws {
        guard let engine = ModeTable.engine(named: mode) else { throw JacFailure.invalid("unknown mode '\(quoted(mode))'") }
        // Exact mode reads the formula's numbers and the point from their text, so a value beyond
        // Double's range (1e-400, 1e400) is an ordinary rational there; every other mode refuses it,
        // and says that exact mode would take it where exact mode can run the formula (and
        // without --sparse, which exact mode does not do).
        let offersExact = engine.numberReading == .double && !sparse
        let source = try options.formulaSource()
        let formula: Formula
        do {
            formula = try options.parse(source, reading: engine.numberReading)
        } catch let failure as JacFailure where offersExact {
            // The readings differ only in a literal's range, so a formula that parses under the
            // exact one was refused for such a literal alone.
            // Nor where exact mode would refuse the literal itself (1e99999999999999999999: an
            // exponent past its limit), which the hint promised it would compute with.
            guard let kept = try? options.parse(source, reading: .exact), kept.exactObstacle == nil,
                  kept.literalsBeyondDouble.allSatisfy({ PointValue.exactlyReadable($0.text) }) else { throw failure }
            throw failure.adding("\n(" + Self.exactModeHint + ")")
        }
        if let why = engine.unavailability(for: formula) { throw JacFailure.invalid(why) }
        if sparse, let sparseMode = SparseJacobianMode(rawValue: mode) {
            return try runPoints(options, formula) { point in
                // The recording's kinks, once each (collected around the call, every forward pass
                // added each kink again: abs(x)*y at x = 0 printed its note twice).
                let r = try explainingNonFiniteEntries(formula, at: point.doubles, mode: sparseMode == .forward ? .forward : .reverse) {
                    try sparseJacobian(of: formula, at: point.doubles, mode: sparseMode)
                }
                return sparseJacobianReport(formula, point.doubles, r, kinks: r.diagnostics.kinks)
            }
        }
        // A dense Jacobian is held as numbers and again as text in every output format, about 100
        // bytes an entry (3000 × 2999 took 0.9 GB): past a bound, a clear error pointing at
        // --sparse, not an out-of-memory kill at 10⁴ × 10⁴.
        try InputLimits.requireJacobianEntries(outputs: formula.outputs.count, inputs: formula.variables.count,
                                               variable: Self.maxEntriesVariable, defaultLimit: Self.defaultMaxEntries) { count, limit in
            "the Jacobian has \(formula.outputs.count) × \(formula.variables.count) = \(count) "
                + "entries, over the limit of \(limit) for a dense one (about 100 bytes each); --sparse prints only the "
                + "nonzero entries, and \(Self.maxEntriesVariable) raises the limit"
        }
        do {
            try runPoints(options, formula, reading: engine.numberReading) { point in
                let r = try engine.jacobian(of: formula, at: point)
                // A Jacobian without entries has no singular values and no condition number: its
                // analysis printed an empty list beside "condition number 0.0" (κ is never below 1).
                let empty = r.jacobian.joined().isEmpty
                let analysis = analyze && !empty ? try JacobianAnalysisReport(r.jacobian) : nil
                var report = jacobianReport(formula, r, mode: engine.name, analysis: analysis)
                if analyze && empty {
                    report.notes.append("--analyze: nothing to analyse, the Jacobian has no entries (f has no inputs)")
                }
                return report
            }
        } catch let failure as JacFailure where offersExact && failure.refusesValueBeyondDouble && formula.exactObstacle == nil {
            throw failure.adding("; " + Self.exactModeHint)
        }
    }

    /// What a floating mode's refusal of a value beyond Double's range adds.
    static let exactModeHint = "--mode exact computes with it exactly"
}

/// `--analyze`: singular values, rank, κ and determinant from AdjointLinalg's LAPACKE analysis of
/// the entries as Doubles; for exact entries, rank and determinant computed exactly instead, since
/// rounding can lose both (x + y; x + (1 + 1e-20)·y rounds to rank 1 and det 0, exactly 1e-20).
struct JacobianAnalysisReport {
    /// LAPACK's analysis; nil when an exact entry lies outside Double's range (`lapackMissing` says which).
    var lapack: JacobianAnalysis?
    var lapackMissing: String?
    /// Exact mode: rank, and det for a square Jacobian, over the rationals.
    var exact: (rank: Int, determinant: Rational?)?

    init(_ jacobian: [[Cell]]) throws {
        let rounded = jacobian.map { $0.map(\.approximate) }
        // A Jacobian without entries (a formula without variables) is exact only vacuously: in
        // reverse mode it printed "rank 0 (exact)", the JSON's "exact" and CSV's exact-mode column.
        let exactEntries: [[Rational]]? = try !jacobian.joined().isEmpty
            && jacobian.allSatisfy({ $0.allSatisfy { if case .exact = $0 { true } else { false } } })
            ? jacobian.map { row in try row.map { cell in
                guard case .exact(let text, _) = cell, let q = Rational(text) else {
                    throw JacFailure.invalid("internal: exact entry \(format(cell)) does not read back as a rational")
                }
                return q
            } }
            : nil
        guard let exactEntries else { lapack = try JacobianAnalysis(rounded); return }
        exact = try exactRankAndDeterminant(of: exactEntries)
        // A rational beyond Double's range is still an answer; only the SVD needs Doubles. That
        // covers a nonzero entry that rounds to 0: x·10⁻⁴⁰⁰ printed the singular value 0.0 and
        // κ = inf beside the exact rank 1.
        func outOfRange(_ i: Int, _ j: Int) -> String? {
            let v = rounded[i][j]
            if !v.isFinite { return "" }
            return v == 0 && !exactEntries[i][j].isZero ? " (it is not 0 but rounds to 0)" : nil
        }
        let found = rounded.indices.lazy.flatMap { i in rounded[i].indices.lazy.compactMap { j in outOfRange(i, j).map { (i, j, $0) } } }
        if let (i, j, why) = found.first {
            lapackMissing = "entry (\(i + 1), \(j + 1)) is outside Double's range\(why)"
        } else {
            lapack = try JacobianAnalysis(rounded)
        }
    }
}

func jacobianReport(_ f: Formula, _ r: ModeResult, mode: String, analysis: JacobianAnalysisReport?) -> Report {
    let names = f.outputNames
    let columns = f.variables.map { "d/d\($0)" }
    var jsonPairs = [("variables", jsonArray(f.variables.map(json))), ("point", jsonArray(r.point)),
                     ("value", jsonArray(r.value)), ("jacobian", jsonMatrix(r.jacobian)), ("mode", json(mode))]
    if let p = r.passes {
        jsonPairs.append(("passes", jsonObject([("mode", json(p.mode)), ("count", "\(p.count)")])))
    }
    if let est = r.errorEstimates {
        // Difference modes publish their own error bound per entry, so a result is reproducible
        // together with how far it can be trusted.
        jsonPairs.append(("error_estimate", jsonArray(est.map(jsonArray))))
    }
    if let w = r.warnings {
        jsonPairs.append(("warnings", jsonArray(w.map { row in jsonArray(row.map { jsonArray($0.map { json($0.rawValue) }) }) })))
    }
    // An entry a kink reached only by an underflow to 0 decides is unreliable in every mode, and
    // has no rounding bound: the bound is of the side Double took.
    // (Only where a kink was touched: elsewhere no second recording of f is made.)
    let kinkUnderflows = r.kinks.isEmpty ? nil : underflowKinkEntries(f, at: r.point.map(\.approximate))
    func underflowDecides(_ i: Int, _ j: Int) -> Bool {
        kinkUnderflows?[i, j] != nil
    }
    if r.errorEstimates != nil {
        // The same judgement as the "is unreliable" notes on standard error, so a script reading
        // the JSON sees it too (a user trial found an empty warnings list beside such a note).
        jsonPairs.append(("unreliable", jsonArray(r.jacobian.indices.map { i in
            let scale = rowScale(r, i)
            return jsonArray(r.jacobian[i].indices.map { j in underflowDecides(i, j) || isUnreliable(r, i, j, rowScale: scale) ? "true" : "false" })
        })))
    }
    if var bounds = r.roundingBounds, r.errorEstimates == nil {
        for i in bounds.indices { for j in bounds[i].indices where underflowDecides(i, j) { bounds[i][j] = .nan } }
        // Forward and reverse mode's bound on how far rounding inside the formula moves what they
        // compute from f′, and the judgement of the notes on standard error: a script reading
        // the JSON saw −81.74 for (exp(x)-1)/x at 1e-9 with nothing beside it.
        jsonPairs.append(("rounding_bound", jsonArray(bounds.map { jsonArray($0.map(jsonNumber)) })))
        jsonPairs.append(("unreliable", jsonArray(bounds.indices.map { i in
            let scale = rowScale(r, i)
            return jsonArray(bounds[i].indices.map { j in underflowDecides(i, j) || roundingIsLarge(r, bounds, i, j, rowScale: scale) ? "true" : "false" })
        })))
    }
    var kinkUnderflowNotes: [String] = []
    for (i, j, why) in kinkUnderflows?.entries ?? [] where i < r.jacobian.count && i < names.count && j < r.jacobian[i].count && j < f.variables.count {
        kinkUnderflowNotes.append("d\(names[i])/d\(f.variables[j]) = \(format(r.jacobian[i][j].approximate)) is unreliable: \(why)")
    }
    let valueRounding = ValueRounding(f, r)
    jsonPairs += valueRounding?.jsonPairs(values: r.value.map(\.approximate)) ?? []
    if let e = r.evaluations {
        jsonPairs.append(("evaluations", jsonObject([("total", "\(e.total)"),
                                                     ("per_entry", jsonArray(e.perEntry.map { jsonArray($0.map { "\($0)" }) }))])))
    }
    // Exact values past a few dozen digits are shown shorter (10⁻⁴⁰⁰ was a 401-digit cell); the
    // other formats keep p/q.
    var numbers = TableNumbers()
    let pointText = f.variables.isEmpty ? "(no variables)"
        : zip(f.variables, r.point).map { "\($0) = \(numbers.text($1))" }.joined(separator: ", ")
    var table = "mode \(mode) at \(pointText)\n"
    // A difference that never settled is a guess, not an estimate (the library flags it
    // no-convergence): the table says so in its cell, the note says why, and the JSON keeps the
    // last value tried beside that warning.
    let rows = names.indices.map { i in
        [names[i], numbers.text(r.value[i])] + r.jacobian[i].indices.map { j in
            hasNoEstimate(r, i, j) ? "no estimate" : numbers.text(r.jacobian[i][j])
        }
    }
    table += renderTable([["output", "value"] + columns] + rows)
    if let e = r.evaluations { table += "\n\nevaluations of f  \(e.total)" }
    if let report = analysis {
        let a = report.lapack
        var pairs: [(String, String)] = [("singular_values", a.map { jsonArray($0.singularValues) } ?? "null")]
        if let exact = report.exact {
            pairs.append(("rank", "\(exact.rank)"))
            pairs.append(("condition_number", a.map { jsonNumber($0.conditionNumber) } ?? "null"))
            if let d = exact.determinant { pairs.append(("determinant", json(d.description))) }
            // Which numbers are exact, so a script does not read κ as exact beside exact entries.
            pairs.append(("exact", jsonArray((["rank"] + (exact.determinant == nil ? [] : ["determinant"])).map(json))))
            if let why = report.lapackMissing { pairs.append(("singular_values_missing", json(why))) }
        } else if let a {
            pairs += [("rank", "\(a.rank)"), ("condition_number", jsonNumber(a.conditionNumber))]
            if let d = a.determinant { pairs.append(("determinant", jsonNumber(d))) }
        }
        // |det| beyond Double's range: the library gives it as sign and log|det| instead.
        let overflowingDeterminant = report.exact == nil && a?.determinant == nil
            ? a?.logAbsDeterminant.flatMap { l in a?.determinantSign.map { (l, $0) } } : nil
        if let (l, s) = overflowingDeterminant {
            pairs += [("determinant_sign", jsonNumber(s)), ("log_abs_determinant", jsonNumber(l))]
        }
        let unresolved = report.exact == nil ? a?.determinantUnresolved : nil
        if let unresolved {
            pairs += [("determinant", "null"), ("determinant_unresolved", json(unresolved.description))]
        }
        jsonPairs.append(("analysis", jsonObject(pairs)))
        let roundedNote = report.exact == nil ? "" : " (of the entries rounded to Double)"
        if let a {
            // A singular value below Double's range prints 0.0 beside a rank that counts it:
            // [[10⁻³¹⁰, 1], [0, 10⁻³⁰⁰]] has σ₂ ≈ 10⁻⁶¹⁰ and rank 2 (the rank is taken on the
            // equilibrated matrix), and "1.0, 0.0" beside "rank 2" read as a contradiction.
            let lost = a.rank - a.singularValues.filter { $0 != 0 }.count
            let lostNote = lost > 0 ? " (\(lost == 1 ? "the 0.0 is" : "\(lost) of the 0.0s are") below Double's range, not 0: the rank counts "
                + "\(lost == 1 ? "it" : "them"))" : ""
            table += "\n\nsingular values   " + a.singularValues.map(format).joined(separator: ", ") + roundedNote + lostNote
        } else if let why = report.lapackMissing {
            table += "\n\nsingular values   not computed: " + why
        }
        if let exact = report.exact {
            table += "\nrank              \(exact.rank) (exact)"
            table += "\ncondition number  " + (a.map { format($0.conditionNumber) + roundedNote } ?? "not computed")
            if let d = exact.determinant {
                // Its Double only when it is one: 10⁻⁴⁰⁰ printed "= 0.0".
                let rounded = d.doubleValue
                let outside = !rounded.isFinite || (rounded == 0 && !d.isZero)
                let shown = numbers.exact(d.description)
                let status = shown.rounded ? (outside ? "the exact value rounded; outside Double's range" : "the exact value rounded")
                    : "exact; " + (outside ? "outside Double's range" : "= " + format(rounded))
                table += "\ndeterminant       \(shown.text) (\(status))"
            }
        } else if let a {
            table += "\nrank              \(a.rank)"
            // Full rank with a σ_min below the range: κ is finite but above it, not a singular J's ∞.
            let fullRank = a.rank == a.singularValues.count && !a.singularValues.isEmpty
            let aboveRange = fullRank && a.conditionNumber == .infinity ? " (above Double's range: σ_min underflows)" : ""
            table += "\ncondition number  " + format(a.conditionNumber) + aboveRange
            if let d = a.determinant { table += "\ndeterminant       " + format(d) }
        }
        if let (l, s) = overflowingDeterminant {
            table += "\ndeterminant       " + (s < 0 ? "-" : "") + "exp(" + format(l) + ") (outside Double's range)"
        }
        if let unresolved, case let .illConditioned(_, rcond, _) = unresolved {
            table += "\ndeterminant       not resolved: the Jacobian is singular to working precision (reciprocal "
                + "condition number \(format(rcond))), so LU's value could be wrong in every digit and in sign; "
                + "--mode exact computes it exactly where every op is rational"
        }
        // The analysis reads the matrix the cells say has no estimate: exp(x)^1e300 at 0 showed
        // rank 0 and determinant 0.0 under a cell reading "no estimate" (by hand 10³⁰⁰).
        let guessed = names.indices.flatMap { i in r.jacobian[i].indices.filter { hasNoEstimate(r, i, $0) }.map { "d\(names[i])/d\(f.variables[$0])" } }
        if !guessed.isEmpty {
            table += "\n(computed from the last difference tried for " + guessed.joined(separator: ", ")
                + ", which has no estimate: not a property of the Jacobian)"
            jsonPairs.append(("analysis_uses_entries_without_estimate", jsonArray(guessed.map(json))))
        }
    }
    if let footnote = numbers.footnote { table += "\n" + footnote }
    // In CSV an entry with no estimate is an empty cell, the format's missing value (pandas and
    // R read it as NaN): its last difference tried printed as a number (0.0 for exp(x)^1e300 at 0)
    // read as a result. The note on standard error says why.
    func cells(_ i: Int) -> [String] { r.jacobian[i].indices.map { j in hasNoEstimate(r, i, j) ? "" : format(r.jacobian[i][j]) } }
    // CSV and the one-row form (--points) only when printed: 640,000 cells of an 800 × 800
    // Jacobian cost more than the Jacobian itself.
    func csvText() -> String {
        ([["output", "value"] + columns] + names.indices.map { i in
            [names[i], format(r.value[i])] + cells(i)
        }).map { $0.map(csv).joined(separator: ",") }.joined(separator: "\n")
    }
    func flat() -> (header: [String], row: [String]) {
        var header = f.variables + names
        var row = r.point.map(format) + r.value.map(format)
        for i in names.indices {
            header += f.variables.map { "d\(names[i])/d\($0)" }
            row += cells(i)
        }
        if let report = analysis {
            // --analyze in CSV and --points rows: the analysis as extra columns, the same ones at
            // every point (a determinant one point lacks is an empty cell, not a missing column).
            let a = report.lapack
            let k = min(r.jacobian.count, f.variables.count)
            header += (0..<k).map { "sigma\($0 + 1)" } + ["rank", "condition_number"]
                + (r.jacobian.count == f.variables.count ? ["determinant"] : [])
            let sigmas: [String] = a.map { $0.singularValues.map(format) } ?? Array(repeating: "", count: k)
            let rank: Int? = report.exact?.rank ?? a?.rank
            let kappa: String = a.map { format($0.conditionNumber) } ?? ""
            row += sigmas + [rank.map(String.init) ?? "", kappa]
            if r.jacobian.count == f.variables.count {
                let determinant: String? = report.exact.map { $0.determinant?.description ?? "" } ?? a?.determinant.map(format)
                row.append(determinant ?? "")
            }
            // Why σ and κ are empty cells, as the JSON's key of the same name says: an empty cell
            // alone read as a missing value with no cause. Exact mode only, the one mode whose
            // entries can lie beyond Double's range, so every point of a run has the column and
            // the floating modes' columns stay as they were.
            if report.exact != nil {
                header.append("singular_values_missing")
                row.append(report.lapackMissing ?? "")
            }
        }
        return (header, row)
    }
    // With --analyze the CSV is the one-row form (the analysis does not fit an outputs×inputs grid).
    func csvOut() -> String {
        guard analysis != nil else { return csvText() }
        let (header, row) = flat()
        return header.map(csv).joined(separator: ",") + "\n" + row.map(csv).joined(separator: ",")
    }
    return Report(table: table, json: jsonObject(jsonPairs), csv: csvOut(), flatHeader: flat().header, flatRow: flat().row,
                  notes: kinkNotes(r.kinks, described: r.kinkDescriptions, of: f, at: r.point.map(\.approximate))
                    + valueRoundingNotes(valueRounding, values: r.value.map(\.approximate), names: names)
                    + kinkUnderflowNotes
                    + unreliableEntryNotes(r, names: names, variables: f.variables, formula: f)
                    + roundingNotes(r, names: names, variables: f.variables, singularRows: rowsAtSingularPoint(f, r)))
}

/// `jac eval`: the value only.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Value of a formula at a point (with the registry's domain checks).",
        discussion: """
        EXAMPLES
          jac eval "sqrt(x^2 + y^2)" --at x=3,y=4      (5.0)
          jac eval "f(a, b) = a/b; a*b" --at 1,4 --format json
          jac eval "log(x)" --at x=-1                   (status 3: domain error)
          jac eval "pi*e"                               (no variables, no --at)
        """)

    @OptionGroup var options: FormulaOptions

    func run() throws {
        let formula = try options.loadFormula()
        try runPoints(options, formula) { point in
            // Recorded (what value(of:at:) does) to see the intermediates: 1/(1 + exp(x)) at 710
            // printed 0.0 with no word, through e^710 = ∞ (the value is 4.5e-309), while jac
            // jacobian failed there.
            let rec = try record({ formula($0) }, at: point.doubles)
            let v = rec.value
            // A note of the report, as every command's: written at once, it came before the value it
            // speaks of, and with --points once per point ahead of all the rows, unsummarised. The
            // point is not in the text: the table's first line and the summary's "at point k" say it.
            var notes: [String] = []
            // (1 - cos(x))/x^2 at 1e-8 printed 0.0 for 0.5 with no word: cos x rounds to 1.
            let rounding = ValueRounding(rec)
            notes += valueRoundingNotes(rounding, values: v, names: formula.outputNames)
            let names = formula.outputNames
            let pointCells = point.doubles.map(Cell.double)
            var pairs = [("variables", jsonArray(formula.variables.map(json))),
                         ("point", jsonArray(pointCells)), ("value", jsonArray(v))]
            pairs += rounding.jsonPairs(values: v)
            let json = jsonObject(pairs)
            let table = "at \(describePoint(formula.variables, pointCells))\n"
                + renderTable([["output", "value"]] + names.indices.map { [names[$0], format(v[$0])] })
            let csvText = (["output,value"] + names.indices.map { csv(names[$0]) + "," + format(v[$0]) })
                .joined(separator: "\n")
            return Report(table: table, json: json, csv: csvText, flatHeader: formula.variables + names,
                          flatRow: point.doubles.map(format) + v.map(format), notes: notes)
        }
    }
}

/// `jac hessian`: value, gradient and Hessian of a scalar formula.
struct HessianCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hessian",
        abstract: "Value, gradient and Hessian of a scalar formula (forward-over-reverse).",
        discussion: """
        EXAMPLES
          jac hessian "x^2*y + exp(y)" --at x=1,y=0
              gradient [0.0, 2.0]; Hessian [[0.0, 2.0], [2.0, 1.0]]
          jac hessian "f(x, y) = x*y^3" --at 2,1 --format json
        """)

    @OptionGroup var options: FormulaOptions

    /// Bounds the tape visits of the underflow search per point (default ``hessianUnderflowVisits``).
    static let underflowVisitsVariable = "JAC_MAX_UNDERFLOW_VISITS"

    func run() throws {
        let formula = try options.loadFormula()
        guard formula.outputs.count == 1 else {
            throw JacFailure.invalid("hessian needs a scalar formula (1 output), this one has \(formula.outputs.count)")
        }
        let underflowBudget = try InputLimits.value(Self.underflowVisitsVariable) ?? hessianUnderflowVisits
        try runPoints(options, formula) { point in
            // The gradient as jac jacobian computes it, with its rounding bounds. Both orders are
            // the exact derivatives of the rounded operations, and where the formula cancels they
            // can be far from f′ and f″: (1 − cos x)/x² at 10⁻³ printed −0.08338030544 for
            // f″ = −0.0833333167 (mpmath) with no word, where jac jacobian noted its f′.
            let first = try CoreEngine(mode: .reverse).jacobian(of: formula, at: point)
            let x = first.point.map(\.approximate)
            let h: [[Double]]
            do {
                h = try hessian(of: formula, at: x)
            } catch ADError.nonFinite(let what, let op?, let node) {
                // The library names the op; where it is smooth, that is an overflow, not a point
                // without a Hessian.
                guard let overflow = secondOrderOverflow(formula, at: x, op: op, node: node) else { throw ADError.nonFinite(what: what, op: op, node: node) }
                throw JacFailure(.evaluationFailure, "evaluation failed: the Hessian is not finite in Double at "
                                 + "\(describePoint(formula.variables, first.point)) (\(what)): " + overflow
                                 + "; the gradient is finite, and the Hessian may be too, but Double cannot compute it at this point")
            }
            // The value as jac eval judges it (a scalar here: one bound).
            let valueRounding = ValueRounding(formula, at: x)
            let valueBound = valueRounding?.bounds?.first
            let second = HessianRounding(formula, first, h, underflowBudget: underflowBudget)
            let name = formula.outputNames[0]
            let v = first.value[0].approximate, g = first.jacobian[0].map(\.approximate)
            let columns = formula.variables.map { "d/d\($0)" }
            let pointCells = x.map(Cell.double)
            // A term lost below Double's range is recovered by the library, in the gradient's
            // sweep and in the Hessian's products alike, or the point fails naming the entry.
            let pairs = [("variables", jsonArray(formula.variables.map(json))), ("point", jsonArray(pointCells)),
                         ("value", format(v)), ("gradient", jsonArray(g)),
                         ("hessian", jsonArray(h.map { jsonArray($0) }))] + second.jsonPairs
                + (valueBound.map { b in [("value_rounding_bound", jsonNumber(b)), ("value_unreliable", valueRoundingIsLarge(b, value: v) ? "true" : "false")] } ?? [])
            let json = jsonObject(pairs)
            var table = "at \(describePoint(formula.variables, pointCells))\n"
            table += "value  " + format(v) + "\n\n"
            // Row i, column j of the matrix part is ∂²f/∂xᵢ∂xⱼ; the gradient column is ∂f/∂xᵢ.
            let rows = [["", "gradient"] + columns] + formula.variables.indices.map { i in
                [columns[i], format(g[i])] + h[i].map(format)
            }
            table += renderTable(rows)
            var header = formula.variables + [name] + formula.variables.map { "d\(name)/d\($0)" }
            var row = x.map(format) + [format(v)] + g.map(format)
            for i in formula.variables.indices {
                for j in formula.variables.indices {
                    header.append("d2\(name)/d\(formula.variables[i])d\(formula.variables[j])")
                    row.append(format(h[i][j]))
                }
            }
            // The CSV is the one-row form --points prints: the matrix layout of the table had no
            // place for the value, and printed the gradient and Hessian without it.
            let csvText = header.map(csv).joined(separator: ",") + "\n" + row.map(csv).joined(separator: ",")
            return Report(table: table, json: json, csv: csvText, flatHeader: header, flatRow: row,
                          notes: kinkNotes(first.kinks, of: formula, at: x)
                            + valueRoundingNotes(valueRounding, values: [v], names: [name]) + second.notes
                            + asymmetryNotes(h, variables: formula.variables,
                                             atKink: kinksReachingInputs(first.kinks, of: formula, at: x).contains(true),
                                             roundingBounds: second.hessian.roundingBounds))
        }
    }
}

/// How far rounding inside a scalar formula can move the gradient and the Hessian jac prints
/// from f′ and f″, judged and noted entry by entry as jac jacobian judges its entries
/// (``roundingNotes(_:names:variables:singularRows:entryName:)``): the gradient's bounds are
/// forward and reverse mode's (``derivativeRoundingBounds(of:at:directions:)``), the Hessian's
/// the same machinery one order up (``hessianRoundingBounds(of:at:output:)``).
struct HessianRounding {
    /// The gradient as one row, with its bounds.
    let gradient: ModeResult
    /// The Hessian as a Jacobian (rows are variables) of the gradient, with its bounds (nil where
    /// none was made) and the gradient as its rows' values (the scale of a row of zeros).
    let hessian: ModeResult
    /// Whether the Hessian was too large to bound (``hessianRoundingBounds(of:at:output:)``).
    let unbounded: Bool
    /// Per entry, why an underflow on f's way can move it, or nil: one that moves it through f's
    /// values (``hessianUnderflows(_:at:)``), or a kink reached only by an underflow to 0
    /// (``underflowKinks(_:at:)``). Its note replaces the entry's rounding note, as a value's does
    /// (``ValueRounding``).
    let underflows: [[String?]]?
    /// Where the underflow search (``hessianUnderflows(_:at:budget:)``) ran out of budget: the
    /// entries it did not examine, each unreliable with no bound, and the search itself.
    let unexamined: (entries: [(i: Int, j: Int)], search: HessianUnderflowSearch)?
    /// Per gradient entry, the kink reached only by an underflow to 0 that decides it, or nil:
    /// relu(x⁴) at 10⁻¹⁰⁰ printed f′ = 0 (relu's convention) "reliable" within 0 for 4·10⁻³⁰⁰.
    let gradientUnderflows: [String?]
    /// Rows whose computation passes through a singular point, where the kink note says the
    /// entries are a convention (``rowsAtSingularPoint(_:_:)``): no rounding note there.
    let singular: Bool
    let formula: Formula

    /// `underflowBudget`: the tape visits the underflow search may spend (``hessianUnderflowVisits``).
    init(_ formula: Formula, _ gradient: ModeResult, _ h: [[Double]], underflowBudget: Int = hessianUnderflowVisits) {
        self.formula = formula
        self.gradient = gradient
        let x = gradient.point.map(\.approximate)
        let bounds = h.isEmpty ? [] : hessianRoundingBounds(of: formula, at: x)
        unbounded = bounds == nil
        let n = x.count
        let search = h.isEmpty ? nil : hessianUnderflows(formula, at: x, budget: underflowBudget)
        var reasons = search?.moved.map { row in
            row.map { exit in exit.map { "\($0), below Double's range; the entry printed was computed through it and may have lost every digit" } }
        }
        // An entry the search did not reach may be moved by the underflow as much as one it
        // examined: no bound, unreliable, as those are (its note is one for them all).
        var notExamined = search?.unexamined.map { row in row.map { $0 ? "not examined for an underflow" : nil } }
        // A kink's side decides every entry along an input its argument depends on: ∂²f/∂xᵢ∂xⱼ
        // reads the op's derivative where xᵢ or xⱼ moves its argument, and only its value, the
        // same on both sides of a kink, otherwise.
        let kinks = gradient.kinks.isEmpty ? [] : underflowKinks(formula, at: x).filter { $0.outputs.contains(0) }
        if !kinks.isEmpty, !h.isEmpty {
            var marked = reasons ?? [[String?]](repeating: [String?](repeating: nil, count: n), count: n)
            for kink in kinks {
                for i in 0..<n { for j in 0..<n where marked[i][j] == nil && (kink.inputs.contains(i) || kink.inputs.contains(j)) {
                    marked[i][j] = kink.description
                    // A kink that decides the entry is said for it, examined or not.
                    if notExamined != nil { notExamined?[i][j] = nil }
                } }
            }
            reasons = marked
        }
        if let notExamined, let search {
            var marked = reasons ?? [[String?]](repeating: [String?](repeating: nil, count: n), count: n)
            var entries: [(i: Int, j: Int)] = []
            for i in notExamined.indices { for j in notExamined[i].indices where notExamined[i][j] != nil {
                marked[i][j] = notExamined[i][j]
                entries.append((i, j))
            } }
            reasons = marked
            unexamined = entries.isEmpty ? nil : (entries, search)
        } else {
            unexamined = nil
        }
        underflows = reasons
        gradientUnderflows = (0..<n).map { i in kinks.first { $0.inputs.contains(i) }?.description }
        hessian = ModeResult(point: gradient.point, value: gradient.jacobian.first ?? [],
                             jacobian: h.map { $0.map { Cell.double(unsignedZero($0)) } }, roundingBounds: bounds)
        singular = !rowsAtSingularPoint(formula, gradient).isEmpty
    }

    /// Entry (i, j)'s name, as the CSV's header names it.
    func entryName(_ i: Int, _ j: Int) -> String {
        "d2\(formula.outputNames[0])/d\(formula.variables[i])d\(formula.variables[j])"
    }

    var notes: [String] {
        guard !singular else { return [] }
        let variables = formula.variables
        // An entry an underflow can move is noted for that, not for its rounding bound, which
        // does not count a value rounded to 0.
        var notes = roundingNotes(withoutUnderflows(gradient, [gradientUnderflows]), names: formula.outputNames, variables: variables)
            + roundingNotes(withoutUnderflows(hessian, underflows), names: variables, variables: variables, entryName: entryName)
        for (j, why) in gradientUnderflows.enumerated() where j < (gradient.jacobian.first?.count ?? 0) {
            guard let why, let v = gradient.jacobian.first?[j] else { continue }
            notes.append("d\(formula.outputNames[0])/d\(variables[j]) = \(format(v.approximate)) is unreliable: \(why)")
        }
        let notExamined = Set((unexamined?.entries ?? []).map { $0.i * variables.count + $0.j })
        for (i, row) in (underflows ?? []).enumerated() where i < hessian.jacobian.count {
            for (j, why) in row.enumerated() where j < hessian.jacobian[i].count {
                guard let why, !notExamined.contains(i * variables.count + j) else { continue }
                notes.append("\(entryName(i, j)) = \(format(hessian.jacobian[i][j].approximate)) is unreliable: \(why)")
            }
        }
        if let (entries, search) = unexamined {
            // One note for them all, naming the first few and the last: a dense Hessian of 100
            // variables past the budget would print thousands of lines otherwise.
            let names = entries.map { entryName($0.i, $0.j) }
            let shown = names.count <= 4 ? names.joined(separator: ", ")
                : names.prefix(3).joined(separator: ", ") + ", … " + (names.last ?? "")
            // Worded so that --points counts it as a kind of its own (the words before the first
            // colon, with no " is unreliable"), not as one more unreliable entry it would hide.
            let one = names.count == 1
            notes.append("the search for an underflow that moves a Hessian entry stopped at its budget: after \(search.visits) "
                         + "tape visits (the budget is \(search.budget); \(HessianCommand.underflowVisitsVariable) raises it), "
                         + "\(one ? "1 entry was" : "\(names.count) entries were") not examined: \(shown). Something on f's tape "
                         + "underflows (\(search.firstUnderflow)), so \(one ? "it has" : "they have") no rounding bound and "
                         + "\(one ? "is" : "are") marked unreliable: \(one ? "it" : "each") may have been computed through the "
                         + "underflow and lost every digit")
        }
        if unbounded {
            notes.append("the Hessian's entries were not bounded for rounding (\(variables.count) variables: past what jac spends "
                         + "on that bound), so where the formula cancels they may be wrong in their leading digits with no note")
        }
        return notes
    }

    /// `r` with no bound (NaN: none made) on the entries an underflow can move (`underflows`).
    func withoutUnderflows(_ r: ModeResult, _ underflows: [[String?]]?) -> ModeResult {
        guard let u = underflows, var bounds = r.roundingBounds else { return r }
        for i in bounds.indices where i < u.count {
            for j in bounds[i].indices where j < u[i].count && u[i][j] != nil { bounds[i][j] = .nan }
        }
        var noted = r
        noted.roundingBounds = bounds
        return noted
    }

    /// The bounds and judgements for a script, as jac jacobian's `rounding_bound` and
    /// `unreliable`: null where no bound was made.
    var jsonPairs: [(String, String)] {
        // Each entry's judgement, as the notes make it (none where a singular point was met), with
        // no bound (null) where an underflow can move it, as the notes count none there.
        var pairs: [(String, String)] = []
        if let b = withoutUnderflows(gradient, [gradientUnderflows]).roundingBounds, let row = b.first {
            // An entry a kink reached by an underflow decides is unreliable whatever its bound says.
            let scale = rowScale(gradient, 0)
            let judged = jsonArray(row.indices.map { j in
                !singular && ((j < gradientUnderflows.count && gradientUnderflows[j] != nil) || roundingIsLarge(gradient, b, 0, j, rowScale: scale))
                    ? "true" : "false"
            })
            pairs += [("gradient_rounding_bound", jsonArray(row.map(jsonNumber))), ("gradient_unreliable", judged)]
        }
        if let b = withoutUnderflows(hessian, underflows).roundingBounds {
            // An entry an underflow can move is unreliable whatever its bound says (as the notes).
            let judged = b.indices.map { i in
                let scale = rowScale(hessian, i)
                return jsonArray(b[i].indices.map { j in
                    let underflow = underflows.map { i < $0.count && j < $0[i].count && $0[i][j] != nil } ?? false
                    return !singular && (underflow || roundingIsLarge(hessian, b, i, j, rowScale: scale)) ? "true" : "false"
                })
            }
            pairs += [("hessian_rounding_bound", jsonArray(b.map { jsonArray($0.map(jsonNumber)) })),
                      ("hessian_unreliable", jsonArray(judged))]
        } else if unbounded, !hessian.jacobian.isEmpty {
            // Past the bound's budget the keys were left out, and a reader taking a missing
            // judgement as none flagged read every entry as reliable (the text said "with no
            // note"). No bound (null), and every entry unreliable: none was shown reliable, and a
            // null judgement reads as false in a script's `if` (a review).
            let judged = hessian.jacobian.map { jsonArray($0.map { _ in "true" }) }
            pairs += [("hessian_rounding_bound", jsonArray(hessian.jacobian.map { jsonArray($0.map { _ in "null" }) })),
                      ("hessian_unreliable", jsonArray(judged))]
        }
        return pairs
    }
}

/// A note when the printed second derivatives are not symmetric. At a kink no Hessian exists and
/// the first- and second-order conventions need not agree (max(x, y)² at a tie printed
/// [[1, 0], [1, 0]] with only the ½-each note); elsewhere asymmetry means a second-order rule
/// is suspect, unless a rule has said that no second derivative exists at the point (pow at (0, 1),
/// whose mixed partial is unbounded), where blaming a rule sent users looking for a bug.
///
/// `roundingBounds`: per entry, how far rounding inside the formula can move it
/// (``hessianRoundingBounds(of:at:output:)``). A pair that differs by no more than its two
/// bounds together is not evidence against a rule: where the formula cancels, rounding alone
/// separates the two triangles' orders of evaluation.
func asymmetryNotes(_ h: [[Double]], variables: [String], atKink: Bool, noHessian: Bool = false,
                    roundingBounds: [[Double]]? = nil) -> [String] {
    var worst = (gap: 0.0, i: 0, j: 0)
    let scale = Swift.max(1, h.joined().map { Swift.abs($0) }.filter(\.isFinite).max() ?? 0)
    func bound(_ i: Int, _ j: Int) -> Double {
        guard let b = roundingBounds, i < b.count, j < b[i].count, b[i][j].isFinite else { return 0 }
        return b[i][j]
    }
    for i in h.indices {
        for j in h.indices where j > i && j < h[i].count && i < h[j].count {
            let gap = Swift.abs(h[i][j] - h[j][i])
            guard gap > bound(i, j) + bound(j, i) else { continue }
            if gap > worst.gap { worst = (gap, i, j) }
        }
    }
    guard worst.gap > 1e-10 * scale else { return [] }
    let at = "d²/d\(variables[worst.i])d\(variables[worst.j]) is \(format(h[worst.i][worst.j])) but "
        + "d²/d\(variables[worst.j])d\(variables[worst.i]) is \(format(h[worst.j][worst.i]))"
    if noHessian { return ["the matrix is not symmetric (\(at)): no Hessian exists at this point (see below), so its mixed entries need not agree"] }
    return [atKink
        ? "the matrix is not symmetric (\(at)): no Hessian exists at a kink, and the conventions of first and second derivatives there need not agree"
        : "the matrix is not symmetric (\(at)) although no kink was touched: a rule's second derivative is suspect (jac check, or validate on a user primitive)"]
}

/// Whether a difference mode's entry (i, j) is too uncertain to use: a warning, or an error
/// estimate that is not finite or above 1e-6 of the entry's size, measured as the larger of |value|
/// and the largest |entry| of its row (so an entry that is zero beside larger ones is judged on the
/// row's scale). Such entries are printed, with a warning, since a difference at a singular point
/// (√x at 0) can look like an ordinary number.
///
/// The scale is the row's, not 1: with max(1, |value|) every entry below 1e-6 passed whatever its
/// estimate, and central differences of x³ at 1e-7 printed 5.8e-11 (the true 3e-14 plus h²) with an
/// estimate as large as the value and no warning (a user trial).
/// `rowScale`: ``rowScale(_:_:)`` of row i when the caller has it; computed once per entry it made
/// the unreliable flags O(m·n²), 44% of an 800 × 800 Jacobian (review15).
func isUnreliable(_ r: ModeResult, _ i: Int, _ j: Int, rowScale known: Double? = nil) -> Bool {
    guard let est = r.errorEstimates, i < est.count, j < est[i].count,
          i < r.jacobian.count, j < r.jacobian[i].count else { return false }
    let e = est[i][j], v = r.jacobian[i][j].approximate
    let why = r.warnings.map { i < $0.count && j < $0[i].count ? $0[i][j] : [] } ?? []
    let scale = known ?? rowScale(r, i)
    // Samples that agree exactly give 0 and the cancellation warning: for an output that does not
    // depend on the input (∂x/∂y of "x; y") that is the answer, and the note called every such
    // structural zero unreliable. Such a 0 is judged by its estimate alone, against the row.
    let warnings = v == 0 ? why.filter { $0 != .cancellation } : why
    // A 0 in a row of zeros where f is 0 too (x² at 0) has no scale at all, and the complex step's
    // estimate there is the quantum of an underflowed imaginary part (3e-288): called unreliable,
    // every exact 0 at such a stationary point got a note. An estimate that far below any scale
    // an ordinary computation reaches is taken as the bound it is.
    if v == 0 && scale == 0 && e <= Double.leastNormalMagnitude.squareRoot() && warnings.isEmpty { return false }
    return !e.isFinite || e > relativeReliability * Swift.max(Swift.abs(v), scale) || !warnings.isEmpty
}

/// The scale an entry's estimate in row i is judged against: the largest finite |entry| of the
/// row, or, where the row is all zeros, ε·|fᵢ(x)|/max(1, |x|∞), the change in fᵢ's last digit over
/// a unit step. Zero rows had scale 0, so the complex step's exact 0 for cos at 0 (estimate 3e-288)
/// was called unreliable.
func rowScale(_ r: ModeResult, _ i: Int) -> Double {
    let largest = r.jacobian[i].map { Swift.abs($0.approximate) }.filter(\.isFinite).max() ?? 0
    guard largest == 0, i < r.value.count else { return largest }
    let f = Swift.abs(r.value[i].approximate)
    let x = r.point.map { Swift.abs($0.approximate) }.filter(\.isFinite).max() ?? 0
    return f.isFinite ? Double.ulpOfOne * f / Swift.max(1, x) : 0
}

/// Whether entry (i, j) is a difference that never settled (``FDWarning/noConvergence``): its
/// value is the last one tried and its "error estimate" the spread seen, not a bound.
func hasNoEstimate(_ r: ModeResult, _ i: Int, _ j: Int) -> Bool {
    guard let w = r.warnings, i < w.count, j < w[i].count else { return false }
    return w[i][j].contains(.noConvergence)
}

/// An entry whose error estimate is within this fraction of its scale is printed without a warning.
let relativeReliability = 1e-6

func unreliableEntryNotes(_ r: ModeResult, names: [String], variables: [String], formula: Formula? = nil) -> [String] {
    var notes: [String] = []
    guard let est = r.errorEstimates else { return notes }
    for (i, row) in est.enumerated() {
        let scale = i < r.jacobian.count ? rowScale(r, i) : 0
        for (j, e) in row.enumerated() where i < r.jacobian.count && j < r.jacobian[i].count {
            let v = r.jacobian[i][j].approximate
            let why = r.warnings.map { i < $0.count && j < $0[i].count ? $0[i][j] : [] } ?? []
            let pole = formula.flatMap { poleNear($0, at: r.point.map(\.approximate), output: i, input: j) }
                .map { " a pole of \($0.op) lies \(format($0.distance)) from the point along \(variables[j]) (its "
                    + ($0.op == "div" ? "denominator" : "base") + " reaches 0 there), within a difference's usual step: a stencil "
                    + "across it sees no derivative; --mode adaptive or richardson keep to one side" } ?? ""
            if hasNoEstimate(r, i, j) {
                // The spread of the last differences tried is no bound: exp(x)^1e300 at 0 printed
                // −2.0 with an "error estimate" of 70 beside a true 10³⁰⁰.
                let reasons = why.map { describe($0) }.joined(separator: "; ")
                notes.append("d\(names[i])/d\(variables[j]) has no estimate and is unreliable: \(reasons); "
                             + "the last difference tried, \(format(v)), "
                             + (e.isFinite ? "is not bounded by its spread \(format(e))" : "has no bound") + (pole.isEmpty ? "" : ";" + pole))
            } else if isUnreliable(r, i, j, rowScale: scale) {
                let reasons = why.isEmpty ? "" : " (" + why.map { describe($0) }.joined(separator: "; ") + ")"
                notes.append("d\(names[i])/d\(variables[j]) = \(format(v)) is unreliable: its error estimate is \(format(e))" + reasons
                             + (pole.isEmpty ? "" : ";" + pole))
            }
        }
    }
    return notes
}

/// Forward and reverse mode's entries that rounding inside the formula can move from f′ by more
/// than the difference modes' reliability threshold (``relativeReliability``) of the entry itself,
/// or of its row where the entry is 0: the number printed is the exact derivative of the formula
/// as Double computes it.
///
/// The entry's own size, not its row's: the bound is of this entry alone (no step is shared
/// across the row as in a difference), and against the row's largest entry (eʸ − 1)/y + 10¹⁰·x
/// at y = 10⁻⁹ printed ∂/∂y = −81.74 for 0.5 with no note, its bound of 222 being below 10⁻⁶ of
/// 10¹⁰. A bound that is not finite (the second-order adjoints overflowed: (eˣ − 1)/x at 10⁻²⁰⁰,
/// which printed 10²⁰⁰ for 0.5 unremarked) says nothing is known of that distance, so it is noted
/// as such.
///
/// No note on a row that reached a singular point (√ at 0): its entries are the registry's
/// convention there (0·∞ taken as 0), which the kink note says, and nothing the formula rounds
/// moved them. `jac jacobian "sqrt(x^2+y^2)" --at x=0,y=0 --mode forward` printed two "could not
/// be bounded" notes beside the kink note, as the check did before it dropped its note where a
/// mode is not finite (cdb38e9).
///
/// `entryName`: entry (i, j)'s name where it is not d(names[i])/d(variables[j]) (a Hessian's
/// d2f/dxdy, whose rows are variables).
func roundingNotes(_ r: ModeResult, names: [String], variables: [String], singularRows: Set<Int> = [],
                   entryName: ((Int, Int) -> String)? = nil) -> [String] {
    guard let bounds = r.roundingBounds else { return [] }
    var notes: [String] = []
    for (i, row) in bounds.enumerated() where i < r.jacobian.count && i < names.count && !singularRows.contains(i) {
        let scale = rowScale(r, i)
        for (j, b) in row.enumerated() where j < r.jacobian[i].count && j < variables.count {
            guard roundingIsLarge(r, bounds, i, j, rowScale: scale) else { continue }
            notes.append(roundingNote(entryName?(i, j) ?? "d\(names[i])/d\(variables[j])", value: r.jacobian[i][j].approximate, bound: b))
        }
    }
    return notes
}

/// The note for one derivative entry whose rounding bound ``roundingIsLarge(_:_:_:_:rowScale:)``
/// judged large (dense and sparse Jacobians say it alike).
func roundingNote(_ entry: String, value v: Double, bound b: Double) -> String {
    let name = "\(entry) = \(format(v)) is unreliable: "
    guard b.isFinite else {
        return name + "how far rounding inside the formula moves the derivative computed here from the true one "
            + "could not be bounded (the bound overflowed Double's range, or rounding moves a value the derivative depends on "
            + "by a quarter of itself or more, past what a first-order bound covers)"
    }
    return name + "rounding inside the formula can move the "
        + "derivative computed here by up to \(format(b)) from the true one (every mode differentiates the rounded "
        + "operations, and the terms of the derivative can cancel too)"
}

/// The outputs whose computation at the mode's point passes through a singular point of the
/// registry (√ at 0, a zero base under pow with 0 < y < 1), where the kink note already says the
/// entries printed are a convention. Empty when no singular kink was touched, so a smooth point
/// costs nothing; else one evaluation of the formula's nodes in Double.
func rowsAtSingularPoint(_ f: Formula, _ r: ModeResult) -> Set<Int> {
    guard r.roundingBounds != nil, r.kinks.contains(where: { isSingularConvention($0.op) }), r.point.count == f.variables.count
    else { return [] }
    guard let v = Diagnostics.quietly({ f.nodeValues(r.point.map(\.approximate), constants: f.constants.map(\.value)) }) else { return [] }
    let singular = f.nodes.indices.map { k in
        isSingularConvention(f.nodes[k].op) && Rules.kinkDistance(f.nodes[k].op, v[f.nodes[k].a], v[f.nodes[k].b]) == 0
    }
    return Set(f.outputs.indices.filter { i in zip(f.nodesRead(byOutput: i), singular).contains { $0 && $1 } })
}

/// Whether the op's convention at its non-differentiable point is an infinite derivative
/// reported as a singular point (the kink notes' test).
func isSingularConvention(_ op: Op) -> Bool { op.info.convention?.contains("singular point") == true }

/// How far the value a floating mode printed can be from the exact f at its point, from one
/// recording in Double: per output the running error bound (``evaluationRoundingBound(recording:)``,
/// first order), or, where that cannot hold, why: an intermediate that is not finite, or an
/// underflow that can move an output (``underflowThatMatters(_:)``), which no relative rounding
/// model sees (x·10⁻²⁰⁰·10⁻²⁰⁰·10³⁰⁰ at 2 prints 0.0 for 2·10⁻¹⁰⁰, where the bound said 1.3·10⁻¹¹⁵).
struct ValueRounding {
    /// Per output; nil where ``lost`` says why no bound holds.
    let bounds: [Double]?
    /// The note that replaces the bounds' notes: the value may have lost every digit.
    let lost: String?

    init(_ rec: Recording<Double>) {
        if let (node, _) = rec.tape.firstNonFiniteValue(), let entry = rec.tape.entry(node) {
            (bounds, lost) = (nil, "\(entry.name) at node \(node) is \(format(entry.value)) in Double; the value printed was "
                                   + "computed through it and may have lost every digit")
        } else if let exit = underflowThatMatters(rec) {
            // √(x² + y²) at x = y = 10⁻²⁰⁰ printed 0.0 with no word (by hand 1.41·10⁻²⁰⁰):
            // x² underflowed to 0.
            (bounds, lost) = (nil, exit + ", below Double's range; the value printed was computed through it and may have lost every digit")
        } else {
            (bounds, lost) = (evaluationRoundingBound(recording: rec), nil)
        }
    }

    /// Of a mode's result: nil for exact mode, whose values are exact.
    init?(_ f: Formula, _ r: ModeResult) {
        guard r.value.allSatisfy({ if case .double = $0 { true } else { false } }) else { return nil }
        self.init(f, at: r.point.map(\.approximate))
    }

    /// nil where the formula cannot be recorded at x (the mode has already failed or said so).
    init?(_ f: Formula, at x: [Double]) {
        guard x.count == f.variables.count, let rec = Diagnostics.quietly({ try? record({ f($0) }, at: x) }) else { return nil }
        self.init(rec)
    }

    /// The JSON keys `value_rounding_bound` and `value_unreliable` (none without bounds).
    func jsonPairs(values: [Double]) -> [(String, String)] {
        guard let bounds else { return [] }
        return [("value_rounding_bound", jsonArray(bounds.map(jsonNumber))),
                ("value_unreliable", jsonArray(bounds.indices.map { i in
                    i < values.count && valueRoundingIsLarge(bounds[i], value: values[i]) ? "true" : "false" }))]
    }
}

/// Whether a value's rounding bound passes ``relativeReliability`` of the value, or, for a 0, the
/// normal range: a computed 0 beside a bound of 10⁻¹⁶ may be a true 10⁻¹⁶ (cos x − 1 at 10⁻⁸).
/// The derivatives' judgement (``roundingIsLarge``), applied to a value.
func valueRoundingIsLarge(_ bound: Double, value: Double) -> Bool {
    derivativeRoundingIsLarge(bound, entry: value, rowScale: 0, relative: relativeReliability, leastNormal: Double.leastNormalMagnitude)
}

/// Notes for the values whose rounding bound is large: the number printed is f as Double computes
/// it, which cancellation can take far from f. (1 − cos x)/x² at 10⁻⁸ printed 0.0 (the true value
/// is ½) and eval said nothing, while the derivative beside it had a note.
func valueRoundingNotes(_ rounding: ValueRounding?, values: [Double], names: [String]) -> [String] {
    if let lost = rounding?.lost { return [lost] }
    guard let bounds = rounding?.bounds else { return [] }
    return bounds.indices.compactMap { i in
        guard i < values.count, i < names.count, valueRoundingIsLarge(bounds[i], value: values[i]) else { return nil }
        let b = bounds[i]
        let head = "\(names[i]) = \(format(values[i])) is unreliable: "
        let cure = "; terms of the formula cancel there (expm1, log1p or a series near the point avoid that)"
        guard b.isFinite else {
            return head + "how far rounding inside the formula moves the value computed here could not be bounded (the bound overflowed)" + cure
        }
        // The bound is first order; past a quarter of a nonzero value the products it neglects
        // need not be small (as for the derivatives' bound), so there it is an estimate. A computed
        // 0 is a sum that cancelled exactly, or a product or quotient with such a 0 in it, whose
        // error is that sum's error times the other factors: linear in the roundings before it.
        if values[i] == 0 || b < Swift.abs(values[i]) / 4 {
            return head + "rounding inside the formula can move the value computed here by up to \(format(b)) from the true one" + cure
        }
        return head + "rounding inside the formula can move the value computed here by about \(format(b)) or more (a first-order "
            + "figure, which need not bound it this far from exact), so it may have lost every digit" + cure
    }
}

/// Whether finite entry (i, j)'s rounding bound is infinite (it overflowed) or exceeds
/// ``relativeReliability`` of the entry, or of its row (and of the normal range) where the entry is
/// 0; false where no bound was made (NaN). The notes and the JSON's `unreliable` both ask it.
func roundingIsLarge(_ r: ModeResult, _ bounds: [[Double]], _ i: Int, _ j: Int, rowScale: Double) -> Bool {
    guard i < bounds.count, j < bounds[i].count, i < r.jacobian.count, j < r.jacobian[i].count else { return false }
    // The library's judgement (exp(-1/x) at 1e-100: a 0 with a bound of the subnormal quantum
    // was noted, before the floor at the normal range), at jac's reliability threshold.
    return derivativeRoundingIsLarge(bounds[i][j], entry: r.jacobian[i][j].approximate, rowScale: rowScale,
                                     relative: relativeReliability, leastNormal: Double.leastNormalMagnitude)
}

/// A pole on output i's path within a difference's usual step of x along input j
/// (ε^{1/3}·max(1, |xⱼ|), central's step): a division or negative power whose denominator's
/// tangent line along eⱼ reaches 0 that close, where the numerator's does not reach 0 with it. A
/// removable singularity, (eˣ − 1)/x at small x, is no pole: its numerator vanishes there too
/// (to first order). Central differences of 1/x at 10⁻⁹ printed "no estimate" and named nothing.
func poleNear(_ f: Formula, at x: [Double], output i: Int, input j: Int) -> (op: String, distance: Double)? {
    guard j < x.count, i < f.outputs.count, x.count == f.variables.count else { return nil }
    // Values and tangents along eⱼ of every node, as forward mode computes them (quietly: the
    // differences already reported what the point does).
    let seeded = x.indices.map { Dual<Double, Double>(x[$0], tangent: $0 == j ? 1 : 0) }
    guard let v = Diagnostics.quietly({ f.nodeValues(seeded, constants: f.constants.map { Dual(constant: $0.value) }) }) else { return nil }
    let reads = f.nodesRead(byOutput: i)
    let reach = Double.pow(Double.ulpOfOne, 1.0 / 3.0) * Swift.max(1, Swift.abs(x[j]))
    var nearest: (op: String, distance: Double)? = nil
    for (k, node) in f.nodes.enumerated() where reads[k] {
        let numerator: Dual<Double, Double>?, denominator: Dual<Double, Double>
        switch node.op {
        case .div: (numerator, denominator) = (v[node.a], v[node.b])
        case .powi where node.n < 0: (numerator, denominator) = (nil, v[node.a])
        default: continue
        }
        let (d, dt) = (denominator.value, denominator.tangent)
        guard d.isFinite, dt.isFinite, dt != 0 else { continue }
        let t = -d / dt
        guard Swift.abs(t) <= reach else { continue }
        if let n = numerator {
            let atPole = n.value + n.tangent * t
            guard atPole.isFinite, Swift.abs(atPole) > 0.5 * Swift.max(Swift.abs(n.value), Swift.abs(n.tangent * t)) else { continue }
        }
        if Swift.abs(t) < nearest?.distance ?? .infinity { nearest = (node.op.info.name, Swift.abs(t)) }
    }
    return nearest
}

/// A difference warning in words, for notes on standard error.
func describe(_ w: FDWarning) -> String {
    switch w {
    case .noConvergence: return "no step range where the differences settle on one value: f oscillates or is too noisy at every step tried, or two step ranges settle on different values"
    case .cancellation: return "the samples cancel to a few ulps"
    case .stepBelowULP: return "the step is below an ulp of the input"
    case .nonFinite: return "a sample is not finite"
    case .estimateTooLarge: return "the error estimate is large"
    case .unsupportedOp: return "an op has no analytic extension"
    case .crossesKink: return "the stencil crosses a kink"
    case .notIndependent: return "the witness follows the same path as AD (the function converts a variable to Double)"
    case .witnessesConflict: return "reliable witnesses contradict each other"
    case .noisyEvaluation: return "f's own rounding noise is large enough to explain the difference"
    case .underflow: return "complex-step imaginary parts underflowed, or a difference over its step fell below the normal range: a tiny |x| or derivative"
    case .belowResolution: return "the value lies within the witness's tolerance of 0: its sign is not resolved"
    case .aliased: return "a sin, cos or tan argument moves by more than a radian over the step: the differences cannot see its slope"
    case .underflowOntoKink: return "a kink on the way is reached only because a value before it underflowed to 0: the side of the kink, which decides the derivative, is lost"
    case .flatBelowScale: return "f is constant near x and moves beyond it: the claim matches one of the two scales, and the check cannot tell which the derivative should be (check where f moves at every scale)"
    case .rowRounding: return "the claim is off by less than 64ε of the largest entry in its row, which rounding in a right derivative's own computation can reach; a black box cannot see the paths to tell (check where the entry is a larger share of its row)"
    case .pathRounding: return "the claim is off by less than the rounding the formula's path magnitudes allow a derivative: not shown wrong or right (check in Double)"
    case .beyondEstimate: return "the claim lies beyond the witness's own error estimate, inside only its safety factor, and no finer step resolves the gap: not shown wrong or right (check where the entry is a larger share of f's value)"
    case .derivativeNoise: return "the derivative of f as the floats compute it (forward and reverse mode's, the complex step's) moves by as much as the gap when the inputs move by a few rounding steps: rounding inside f moves it (write f so it does not round there: expm1, log1p), so the value is not shown wrong or right"
    case .accumulationRounding: return "forward or reverse mode is off the witness by more than √ε of the entry, inside only the rounding its accumulation along the tape may carry: a wrong rule or that rounding, not shown wrong or right (check forward mode too, or where the paths are shorter)"
    case .domainEdge: return "f is not defined on one side of the point along this input (the edge of its domain): the one-sided differences from inside do not settle, or settle too slowly to judge the value, or the point lies just inside the edge, closer than the steps"
    case .floatRounding: return "the claim agrees with f's derivative evaluated in Double, and Float rounding inside f moves f's own derivative away from it: not shown wrong or right (check in Double)"
    }
}

/// One note per kink touched: the derivative printed is the registry's convention there.
///
/// A result is printed only when every entry is finite, so at a singular point (√′(0) = +∞) the
/// convention's +∞ did not reach it: the tangents (forward) or cotangents (reverse) meeting it
/// were 0, and 0·∞ was taken as 0. The note says so, since "uses the convention +∞" beside a
/// printed 0 read as a contradiction, and the other mode can fail at the same point.
/// `described`: each kink's text when not its own description (exact mode's exact inputs).
/// Only kinks that ``kinksReachingInputs(_:of:at:)`` keeps get a note: `jac diff "0^x" --at
/// x=0.7` said pow's ∂base = +∞ was used, of a base that is the constant 0.
func kinkNotes(_ kinks: [KinkEvent], described: [String]? = nil, of f: Formula, at x: [Double]) -> [String] {
    let live = kinksReachingInputs(kinks, of: f, at: x)
    return kinks.enumerated().compactMap { k, kink in
        guard live[k] else { return nil }
        let singular = isSingularConvention(kink.op)
        let text = described.flatMap { k < $0.count ? $0[k] : nil } ?? kink.description
        return "kink touched: \(text); the derivative uses the convention " + (kink.op.info.convention.map { "'\($0)'" } ?? "of the registry")
            + (singular ? "; the entries printed are finite because only zero tangents or cotangents reached it (0·∞ taken as 0): "
                + "a convention, not a derivative, and the other mode may report this point as not finite (jac check compares the modes)" : "")
    }
}

/// Per kink, whether the argument its convention is about moves with an input of the formula;
/// false only for a kink matched to nodes of the formula at x whose kink arguments are all
/// built from constants (the variables themselves count, even where they cancel: x − x moves). There the conventional partial (pow's +∞ for a zero base, abs′(0))
/// multiplies a tangent that is exactly 0 in every mode and every direction, and every nearby
/// point takes the same piece, so the derivative printed is the derivative, not a convention.
/// Conservative: a kink no node matches (the formula's Double values at x do not reproduce it,
/// as exact mode's may not) is kept. One evaluation of the formula's nodes, only when a kink
/// was touched.
///
/// The argument a kink is about is the declaration's `kinkArguments` (pow's base alone), the notion the
/// check's kink map uses on the tape (`TapeGraph.kinkArgumentMoves`), so `jac check` and these
/// notes agree on 0^x.
func kinksReachingInputs(_ kinks: [KinkEvent], of f: Formula, at x: [Double]) -> [Bool] {
    guard !kinks.isEmpty, x.count == f.variables.count,
          let v = Diagnostics.quietly({ f.nodeValues(x, constants: f.constants.map(\.value)) }), v.count == f.nodes.count
    else { return kinks.map { _ in true } }
    var moves = [Bool](repeating: false, count: f.nodes.count)
    for (k, node) in f.nodes.enumerated() {
        switch node.op {
        case .input: moves[k] = true
        case .constant: moves[k] = false
        default: moves[k] = moves[node.a] || moves[node.b]
        }
    }
    var taken: [[Int]: Int] = [:]
    return kinks.map { kink in
        let touched = f.nodes.indices.filter { k in
            let node = f.nodes[k]
            guard node.op == kink.op, node.op != .input, node.op != .constant else { return false }
            return Rules.kinkDistance(node.op, v[node.a], v[node.b]) == 0
        }
        // The nodes whose arguments are the kink's inputs, where the event names them; else every
        // touched node of that op.
        let exact = touched.filter { k in
            let args = [v[f.nodes[k].a], v[f.nodes[k].b]]
            return !kink.inputs.isEmpty && zip(kink.inputs, args).allSatisfy { $0 == $1 }
        }
        let candidates = exact.isEmpty ? touched : exact
        guard !candidates.isEmpty else { return true }
        // Nodes with the same inputs ((x²)^y + 0^y at (0, ½): two pows at 0, ½) are told apart by
        // count: each kink is reported once, so as many of their events as they have live nodes
        // get a note.
        let live = candidates.filter { k in
            let node = f.nodes[k]
            return node.op.info.kinkArguments.contains { moves[$0 == 0 ? node.a : node.b] }
        }.count
        taken[candidates, default: 0] += 1
        return taken[candidates, default: 0] <= live
    }
}

/// ∂²f/∂xᵢ∂xⱼ of a formula's first output as forward-over-forward mode computes it: f on duals of
/// duals seeded along eⱼ inside and eᵢ outside. Recorded, its tape holds f's own values beside
/// the derivative's terms, and a sweep gives the entry's sensitivity to each of them.
struct SecondDirectionalDerivative: ADFunction {
    let f: Formula
    let i: Int, j: Int
    /// The inner tangent's seed (1, or a power of two that keeps the terms in range).
    var seed = 1.0

    var inputCount: Int? { f.variables.count }

    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
        let seeded = x.indices.map { k in
            Dual<Dual<T, T>, Dual<T, T>>(Dual(x[k], tangent: k == j ? T(seed) : 0), tangent: Dual(k == i ? 1 : 0, tangent: 0))
        }
        return f(seeded).prefix(1).map(\.tangent.tangent)
    }
}

/// Most tape visits ``hessianUnderflows(_:at:budget:)`` spends on the entries' programs by default:
/// 2²², the Hessian rounding bound's (``hessianRoundingVisits``), as a budget of its own beside
/// that one, in its units: each entry of a tape recorded or swept is one visit. An entry's program
/// is f on duals of duals, recorded again with a lowered seed where a term overflows: Σ xᵢ²·log xᵢ₊₁
/// over 40 variables at 10⁻¹⁶⁰ spends about 10,500 visits an entry, and its 1,600 entries took 16.8
/// million visits (83 s in a debug build; 29 s once a dictionary replaced the scan of every
/// underflow per node) where the 120 of its Hessian's pattern take 1.26 million (6.9 s).
/// `JAC_MAX_UNDERFLOW_VISITS` sets it.
let hessianUnderflowVisits = 1 << 22

/// What ``hessianUnderflows(_:at:budget:)`` found, entry by entry.
struct HessianUnderflowSearch {
    /// Per entry (i, j), the underflow on f's tape that can move it (its text), or nil: none can,
    /// or the entry was not examined.
    var moved: [[String?]]
    /// Per entry, whether the budget ran out before it was examined. An entry the Hessian's
    /// pattern has no place for is an exact 0 whatever f's values are, and needs no examination.
    var unexamined: [[Bool]]
    /// Tape visits spent on the entries' programs (f's own recording not counted), and the budget.
    var visits = 0
    let budget: Int
    /// The first underflow on f's tape, named beside the entries not examined.
    let firstUnderflow: String
}

/// Per entry (i, j) of a scalar formula's Hessian at x, the underflow on f's own tape
/// (``rangeExits(_:)``) that can move the entry by more than ε of itself, as
/// ``underflowThatMatters(_:)`` judges a value. Nil where nothing on f's tape underflows (one
/// recording: the common case costs that). Where something does, each entry the Hessian's
/// sparsity pattern (``hessianSparsity(of:output:)``) has a place for records its program and
/// sweeps it once, row by row, within `budget` tape visits (``hessianUnderflowVisits``). The search
/// stops before an entry whose recording and sweep, priced at the largest entry tape seen (f's own
/// before the first), would pass the budget, and no tape may take more than half of what is left
/// (its sweep the other half), so the spend never passes it. That entry and every later one are
/// not examined (``HessianUnderflowSearch/unexamined``): never passed, but unreliable, as jac
/// hessian reports them. An entry outside the pattern is an exact 0 whatever f's values are.
///
/// The Hessian's rounding bound counts a subnormal value as rounded by the least normal
/// magnitude's ε, which holds where the value rounded into the subnormal range, but not where
/// it rounded to 0 (and a first-order bound need not hold where a quantum is a large part of the
/// value). So where an underflow matters the entry gets the value notes' note: x²·log x at
/// 10⁻¹⁶⁰ printed −733.8272186 for −733.8272298 (f″ = 2 log x + 3, by hand), x² = 10⁻³²⁰ being
/// subnormal, and jac said only that the entry "could not be bounded".
///
/// An exit's node on f's tape is found on each entry's tape as the nodes with the same op,
/// attribute, arguments and value (bit for bit); they round alike, so their sensitivities are
/// added before the magnitude is taken.
///
/// ```swift
/// let f = try Formula(parsing: "x^2*log(x)")
/// hessianUnderflows(f, at: [1e-160])?.moved   // [["1e-160^2 at node 1 is about 1.0e-320, …"]]
/// hessianUnderflows(f, at: [1e-160], budget: 1)?.unexamined   // [[true]]
/// ```
func hessianUnderflows(_ f: Formula, at x: [Double], budget: Int = hessianUnderflowVisits) -> HessianUnderflowSearch? {
    let n = x.count
    guard n == f.variables.count, !f.outputs.isEmpty,
          let rec = Diagnostics.quietly({ try? record({ f($0) }, at: x, finiteOutputs: false) }) else { return nil }
    let exits = rangeExits(rec).filter(\.underflow)
    guard let first = exits.first else { return nil }
    struct Key: Hashable {
        let op: Op, attribute: Int, arguments: [UInt64], value: UInt64
    }
    func key(_ tape: Tape<Double>, _ k: Int) -> Key? {
        guard let e = tape.entry(k) else { return nil }
        let arguments = e.inputs.compactMap { tape.entry($0)?.value.bitPattern }
        guard arguments.count == e.inputs.count else { return nil }
        return Key(op: e.op, attribute: e.attribute, arguments: arguments, value: e.value.bitPattern)
    }
    let keyed = exits.compactMap { exit in key(rec.tape, exit.node).map { (exit, $0) } }
    // The exits each key names, looked up once per node of an entry's tape: a scan of every exit
    // per node cost n² · (tape) · (exits) where every variable's square underflows.
    var exitsOf: [Key: [Int]] = [:]
    for (e, (_, k)) in keyed.enumerated() { exitsOf[k, default: []].append(e) }
    // An entry outside the Hessian's pattern is 0 whatever f's values are: no underflow moves it.
    let pattern = hessianSparsity(of: rec).rowColumns
    var search = HessianUnderflowSearch(moved: [[String?]](repeating: [String?](repeating: nil, count: n), count: n),
                                        unexamined: [[Bool]](repeating: [Bool](repeating: false, count: n), count: n),
                                        budget: budget, firstUnderflow: first.text)
    // What the next recording is priced at: the largest entry tape seen, f's own before the first.
    var largestTape = rec.tape.count
    func affordable(_ visits: Int) -> Bool {
        let total = search.visits.addingReportingOverflow(visits)
        return !total.overflow && total.partialValue <= budget
    }
    var stopped = false
    for i in 0..<n {
        for j in i < pattern.count ? pattern[i] : Array(0..<n) where j >= 0 && j < n {
            // Its terms can overflow where the Hessian's lowered product did not (x²·log x at
            // 10⁻¹⁶⁰: log's −1/x² = −10³²⁰): the inner seed is lowered as the product's direction
            // is, and the entry and its sensitivities divided back.
            var lowered: (rec: Recording<Double>, seed: Double)? = nil
            for k in [0] + productLowerings where !stopped {
                // A recording and its sweep, at the price of the largest tape seen.
                guard affordable(2 * largestTape) else { stopped = true; break }
                // And the tape may not take more than half of what is left, its sweep the rest:
                // a program larger than priced (the first, priced at f's tape) ends at the limit.
                let limit = Swift.max(1, (budget - search.visits) / 2)
                let seed = Double(sign: .plus, exponent: -k, significand: 1)
                // Non-finite outputs are read, not thrown: that throw records f once more to
                // name the op, and the lowered seed that follows is what keeps the terms in range.
                let attempt = Diagnostics.quietly {
                    Result { try record({ SecondDirectionalDerivative(f: f, i: i, j: j, seed: seed)($0) }, at: x, tapeLimit: limit, finiteOutputs: false) }
                }
                switch attempt {
                case .success(let rec):
                    search.visits += rec.tape.count
                    largestTape = Swift.max(largestTape, rec.tape.count)
                    if rec.outputs.count == 1, rec.outputs[0].value.isFinite { lowered = (rec, seed) }
                case .failure(ADError.limitExceeded):
                    search.visits += limit
                    stopped = true
                case .failure:
                    // How far a failed recording got is not known: charged as far as it could.
                    search.visits += limit
                }
                if lowered != nil { break }
            }
            if stopped {
                search.unexamined[i][j] = true
                continue
            }
            guard let (entry, seed) = lowered else { continue }
            search.visits += entry.tape.count
            let h = Swift.abs(entry.outputs[0].value) / seed
            let sensitivity = entry.tape.nodeCotangents(from: [(entry.outputs[0], 1.0)]).map { $0 / seed }
            var sums = [Double](repeating: 0, count: keyed.count)
            for k in 0..<Swift.min(entry.tape.count, sensitivity.count) where sensitivity[k] != 0 {
                guard let mine = key(entry.tape, k), let matched = exitsOf[mine] else { continue }
                for e in matched { sums[e] += sensitivity[k] }
            }
            // Half the least subnormal at most is lost where a result rounds into or below the
            // subnormal range (as for a value).
            if let e = sums.indices.first(where: { e in
                let moved = Swift.abs(sums[e]) * Double.leastNonzeroMagnitude / 2
                return !(moved <= Swift.max(Double.ulpOfOne * h, Double.leastNonzeroMagnitude))
            }) {
                search.moved[i][j] = keyed[e].0.text
            }
        }
    }
    return search
}
