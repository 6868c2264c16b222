import Adjoint
import Foundation
import ArgumentParser

/// `jac check`: every applicable mode against the most trusted one.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Run every applicable mode and compare each with the most trusted reference.",
        discussion: """
        The reference is exact rational arithmetic when the formula is rational and the exact
        mode is available, else reverse mode. Each mode must satisfy |a - r| <= tol * max(1, |r|)
        on every Jacobian entry, with its own tolerance. Exit status 1 when any mode disagrees;
        kinks touched (relu at 0, max at a tie, ...) are listed, since modes legitimately differ there.

        EXAMPLES
          jac check "log(x1) + x1*x2 - sin(x2)" --at x1=2,x2=5            (status 0)
          jac check "relu(x)" --at x=0 --format json                      (status 1: kink at 0)
        """)

    @OptionGroup var options: FormulaOptions
    @OptionGroup var cross: CrossValidationOptions

    func run() throws {
        let formula = try options.loadFormula()
        if let claimed = cross.claimed { return try runClaimedCheck(options, formula, claimedPath: claimed) }
        try runPoints(options, formula) { point in try checkReport(formula, point) }
    }
}

/// One mode's comparison with the reference.
struct ModeComparison {
    let mode: String
    var maxAbs = 0.0
    var maxRel = 0.0
    var tolerance = 0.0
    /// Within tolerance everywhere.
    var agree = true
    /// A finite-difference mode that could not judge: it failed to evaluate (its stencil left the
    /// domain, say) or its own error estimate is as large as the discrepancy. Neither agreement
    /// nor disagreement; `check` lists why and does not exit 1 for it.
    var inconclusive: String?
    var error: String?
    /// Largest |a − r| / max(1, |r|) seen, to name the worst entry in messages.
    var worstScaled = 0.0
    /// Disagrees: a conclusive mode outside its tolerance.
    var disagrees: Bool { !agree && inconclusive == nil }
    var verdict: String { agree ? "agree" : (inconclusive != nil ? "inconclusive" : "disagree") }
}

func checkReport(_ formula: Formula, _ point: Point) throws -> Report {
    var reference = ModeTable.reference(for: formula)
    var referenceNote: String?
    let ref: ModeResult
    do {
        ref = try reference.jacobian(of: formula, at: point)
    } catch ADError.limitExceeded(let what, let limit) where reference.name == "exact" {
        // Exact arithmetic can outgrow its bit budget (x^200000); reverse mode still runs.
        referenceNote = "exact mode skipped: \(what) exceeds the limit of \(limit); reverse mode is the reference"
        reference = CoreEngine(mode: .reverse)
        ref = try reference.jacobian(of: formula, at: point)
    }
    var engines: [any ModeEngine] = []
    var skipped: [(String, String)] = []
    for e in ModeTable.engines where e.name != reference.name {
        if let why = e.unavailability(for: formula) { skipped.append((e.name, why)) } else { engines.append(e) }
    }
    var comparisons: [ModeComparison] = []
    for e in engines {
        var c = ModeComparison(mode: e.name, tolerance: e.checkTolerance)
        do {
            let r = try e.jacobian(of: formula, at: point)
            for (i, (rowA, rowR)) in zip(r.jacobian, ref.jacobian).enumerated() {
                for (j, (a, b)) in zip(rowA, rowR).enumerated() {
                    let av = a.approximate, bv = b.approximate
                    let diff = Swift.abs(av - bv)
                    guard diff.isFinite else {
                        c.agree = false; c.maxAbs = .infinity; c.maxRel = .infinity
                        if e is DifferenceEngine { c.inconclusive = c.inconclusive ?? "non-finite difference" }
                        continue
                    }
                    c.maxAbs = Swift.max(c.maxAbs, diff)
                    // Relative to a zero reference, any difference is infinitely large.
                    c.maxRel = Swift.max(c.maxRel, bv != 0 ? diff / Swift.abs(bv) : (diff == 0 ? 0 : .infinity))
                    let scaled = diff / Swift.max(1, Swift.abs(bv))
                    c.worstScaled = Swift.max(c.worstScaled, scaled)
                    guard diff > e.checkTolerance * Swift.max(1, Swift.abs(bv)) else { continue }
                    c.agree = false
                    // Outside tolerance. If the method's own error estimate covers the gap, it was
                    // unreliable here (huge derivatives, cancellation) rather than in disagreement.
                    // The factor 4 allows for estimates that are themselves rough (two steps compared).
                    let estimate = r.errorEstimates?[i][j] ?? 0
                    if estimate.isFinite && diff <= 4 * estimate {
                        c.inconclusive = c.inconclusive
                            ?? "its error estimate (\(format(estimate))) is as large as the discrepancy"
                    }
                }
            }
        } catch {
            c.agree = false
            c.error = JacFailure(classifying: error).message
            // A difference stencil that leaves the domain (log near 0) or overflows cannot judge.
            if e is DifferenceEngine { c.inconclusive = "could not be evaluated here" }
        }
        comparisons.append(c)
    }
    let agree = !comparisons.contains(where: \.disagrees)
    let kinks = ref.kinks.map(\.description)

    func number(_ d: Double) -> String { d.isFinite ? format(d) : "null" }
    let modesJSON = comparisons.map { c -> String in
        var pairs = [("mode", json(c.mode))]
        if let err = c.error {
            pairs.append(("error", json(err)))
        } else {
            pairs += [("max_abs_discrepancy", number(c.maxAbs)), ("max_rel_discrepancy", number(c.maxRel))]
        }
        pairs += [("tolerance", format(c.tolerance)), ("agree", c.agree ? "true" : "false"),
                  ("verdict", json(c.verdict))]
        if let why = c.inconclusive { pairs.append(("inconclusive", json(why))) }
        return jsonObject(pairs)
    }
    let skippedJSON = skipped.map { jsonObject([("mode", json($0.0)), ("reason", json($0.1))]) }
    let jsonText = jsonObject([
        ("variables", jsonArray(formula.variables.map(json))), ("point", jsonArray(ref.point)),
        ("reference", json(reference.name)), ("agree", agree ? "true" : "false"),
        ("value", jsonArray(ref.value)), ("jacobian", jsonMatrix(ref.jacobian)),
        ("modes", jsonArray(modesJSON)), ("skipped", jsonArray(skippedJSON + (referenceNote.map {
            [jsonObject([("mode", json("exact")), ("reason", json($0))])] } ?? []))),
        ("kinks", jsonArray(kinks.map(json))),
    ])

    var table = "reference \(reference.name) at \(describePoint(formula.variables, ref.point))\n"
    table += renderTable([["mode", "max abs", "max rel", "tolerance", "agree"]] + comparisons.map { c in
        let name = c.mode
        let verdict = c.agree ? "yes" : (c.inconclusive != nil ? "inconclusive" : "NO")
        if let err = c.error { return [name, "error: " + err, "", format(c.tolerance), verdict] }
        return [name, format(c.maxAbs), format(c.maxRel), format(c.tolerance), verdict]
    })
    for (name, why) in skipped { table += "\nskipped \(name): \(why)" }
    if let note = referenceNote { table += "\n" + note }
    for k in kinks { table += "\nkink: \(k) (the registry's convention applies there; finite differences may disagree)" }


    let csvText = ([["mode", "max_abs_discrepancy", "max_rel_discrepancy", "tolerance", "agree", "error"]]
        + comparisons.map { c in [c.mode, number(c.maxAbs), number(c.maxRel), format(c.tolerance),
                                  c.agree ? "true" : "false", c.error ?? ""] })
        .map { $0.map(csv).joined(separator: ",") }.joined(separator: "\n")
    var header = formula.variables + ["agree"]
    var row = ref.point.map(format) + [agree ? "true" : "false"]
    for c in comparisons {
        header += ["\(c.mode)_max_abs", "\(c.mode)_agree"]
        row += [number(c.maxAbs), c.agree ? "true" : "false"]
    }
    var problem: String?
    for c in comparisons { if let why = c.inconclusive { table += "\ninconclusive \(c.mode): \(why)" } }
    let inconclusiveCount = comparisons.filter { $0.inconclusive != nil }.count
    table += !agree ? "\nMODES DISAGREE"
        : (inconclusiveCount == 0 ? "\nall modes agree" : "\nno mode disagrees (\(inconclusiveCount) inconclusive)")
    if let bad = comparisons.first(where: \.disagrees) {
        var text = bad.error.map { "modes disagree: \(bad.mode) failed: \($0)" }
            ?? "modes disagree: \(bad.mode) differs from \(reference.name) by \(format(bad.maxAbs)) (tolerance \(format(bad.tolerance)) relative to max(1, |reference|))"
        if !kinks.isEmpty { text += "; kink touched: " + kinks.joined(separator: "; ") }
        problem = text
    }
    return Report(table: table, json: jsonText, csv: csvText, flatHeader: header, flatRow: row,
                  status: agree ? .success : .modesDisagree, problem: problem)
}

/// `jac sweep`: the finite-difference V-curve (error against step size per method).
struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Finite-difference error against step size for each method (the V-curve).",
        discussion: """
        EXAMPLES
          jac sweep "exp(x)*sin(y)" --at x=1,y=2 --output 1 --input 2
          jac sweep "exp(x)" --at x=1 --plot vcurve.svg
        """)

    @OptionGroup var options: FormulaOptions
    @Option(help: "Output (1-based) whose derivative is swept. JSON reports indices 0-based, as the library does.")
    var output = 1
    @Option(help: "Input (1-based) the derivative is taken with respect to.") var input = 1
    @Option(help: ArgumentHelp("Also write the V-curve as an SVG plot.", valueName: "file.svg")) var plot: String?

    func run() throws {
        let formula = try options.loadFormula()
        // Plain comparisons, not ranges: a formula with no variables would make 1...0 trap.
        guard output >= 1 && output <= formula.outputs.count else {
            throw JacFailure.invalid("--output \(output) is out of range: the formula has \(formula.outputs.count) output(s)")
        }
        guard input >= 1 && input <= formula.variables.count else {
            throw JacFailure.invalid("--input \(input) is out of range: the formula has \(formula.variables.count) variable(s)")
        }
        if options.points != nil { throw JacFailure.invalid("sweep takes one point (--at), not --points") }
        guard let point = try options.loadPoints(for: formula).first else {
            throw JacFailure.invalid("sweep needs a point: --at x=…")
        }
        let sweep = try stepSweep(of: formula, at: point.doubles, output: output - 1, input: input - 1)
        if let plot {
            do { try sweep.renderSVG().write(toFile: plot, atomically: true, encoding: .utf8) }
            catch { throw JacFailure.invalid("cannot write --plot file '\(plot)': \(error)") }
        }
        switch options.format {
        case .json: print(sweep.toJSON())
        case .csv:
            var lines = ["method,h,error"]
            for series in sweep.series {
                for p in series.points { lines.append("\(series.method),\(format(p.h)),\(format(p.error))") }
            }
            print(lines.joined(separator: "\n"))
        case .table:
            // One line per method: the fitted order against theory, and the bottom of its V.
            var rows = [["method", "slope", "order", "best h", "smallest error"]]
            for series in sweep.series {
                let best = series.points.filter { $0.error.isFinite }.min { $0.error < $1.error }
                rows.append([series.method, series.slope.map { String(format: "%.2f", $0) } ?? "-",
                             series.theoreticalOrder.map(String.init) ?? "-",
                             best.map { format($0.h) } ?? "-", best.map { format($0.error) } ?? "-"])
            }
            print("d f\(output)/d \(formula.variables[input - 1]) at \(describePoint(formula.variables, point.doubles.map(Cell.double)))"
                  + ", reference \(format(sweep.reference)) (\(sweep.referenceSource))")
            print(renderTable(rows))
        }
    }
}

/// `jac complexity`: the operation counters' demonstration on multilayer perceptrons.
struct ComplexityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "complexity",
        abstract: "Count the work of backprop, the naive chain of Jacobians and finite differences.",
        discussion: """
        Builds tanh MLPs of growing depth (or width), computes the gradient of an MSE loss three
        ways (memoized backprop, the naive chain of layer Jacobians recomputed from the top for
        every layer, central differences over every weight), checks that they agree, and prints
        the operation counts each did with the fitted exponent of log(count) against log(size).
        Counts are measured by the toolkit's counters, not computed from formulas.

        EXAMPLES
          jac complexity --sweep depth --depths 1,2,4,8,16,32,64 --width 16 --format json
          jac complexity --sweep width --widths 2,4,8,16,32 --depth 4 --format csv
          jac complexity --sweep depth --depths 1,2,4,8 --width 8 --plot complexity.svg
          jac complexity --jacobian-modes 64,2      (forward vs reverse Jacobian of R^64 -> R^2)
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
    @Option(help: ArgumentHelp("Instead of a sweep: expression swell of symbolic derivatives at these sizes (see SwellCommand.swift).",
                               valueName: "n1,n2,..."))
    var swell: String?

    func run() throws {
        if let swell { return try runSwell(swell, format: format, plot: plot) }
        guard let outputFormat = ComplexityOutputFormat(rawValue: format) else {
            throw JacFailure.invalid("--format must be one of table, json, csv, svg (got '\(format)')")
        }
        if let spec = jacobianModes {
            let nm = try sizes(spec, option: "--jacobian-modes")
            guard nm.count == 2 else { throw JacFailure.invalid("--jacobian-modes takes n,m (got '\(spec)')") }
            let r = try JacobianModeComparison.run(inputs: nm[0], outputs: nm[1])
            print(outputFormat == .json ? r.toJSON() : r.summary)
            return
        }
        guard let kind = ComplexitySweep.Kind(rawValue: sweep) else {
            throw JacFailure.invalid("--sweep must be depth or width (got '\(sweep)')")
        }
        let list = kind == .depth ? depths : widths
        if kind == .depth && widths != nil { throw JacFailure.invalid("--widths belongs to --sweep width") }
        if kind == .width && depths != nil { throw JacFailure.invalid("--depths belongs to --sweep depth") }
        guard batch >= 1 && batch <= 4096 else { throw JacFailure.invalid("--batch must be between 1 and 4096") }
        var options = ComplexitySweep.Options()
        options.batch = batch
        let result = try ComplexitySweep.run(kind: kind, sizes: try list.map { try sizes($0, option: kind == .depth ? "--depths" : "--widths") },
                                             fixed: kind == .depth ? width : depth, options: options)
        if let plot {
            do { try result.toSVG().write(toFile: plot, atomically: true, encoding: .utf8) }
            catch { throw JacFailure.invalid("cannot write --plot file '\(plot)': \(error)") }
        }
        print(result.render(outputFormat))
    }

    func sizes(_ spec: String, option: String) throws -> [Int] {
        let parts = spec.split(separator: ",", omittingEmptySubsequences: false)
        return try parts.map { part in
            guard let v = Int(part.trimmingCharacters(in: .whitespaces)), v >= 1 else {
                throw JacFailure.invalid("\(option): '\(part)' is not a positive integer")
            }
            return v
        }
    }
}
