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

    func run() throws {
        let formula = try options.loadFormula()
        try runPoints(options, formula) { point in try checkReport(formula, point) }
    }
}

/// One mode's comparison with the reference.
struct ModeComparison {
    let mode: String
    var maxAbs = 0.0
    var maxRel = 0.0
    var tolerance = 0.0
    var agree = true
    var error: String?
    /// Largest |a − r| / max(1, |r|) seen, to name the worst entry in messages.
    var worstScaled = 0.0
}

func checkReport(_ formula: Formula, _ point: Point) throws -> Report {
    let reference = ModeTable.reference(for: formula)
    let ref = try reference.jacobian(of: formula, at: point)
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
            for (rowA, rowR) in zip(r.jacobian, ref.jacobian) {
                for (a, b) in zip(rowA, rowR) {
                    let av = a.approximate, bv = b.approximate
                    let diff = Swift.abs(av - bv)
                    guard diff.isFinite else { c.agree = false; c.maxAbs = .infinity; continue }
                    c.maxAbs = Swift.max(c.maxAbs, diff)
                    if bv != 0 { c.maxRel = Swift.max(c.maxRel, diff / Swift.abs(bv)) }
                    let scaled = diff / Swift.max(1, Swift.abs(bv))
                    c.worstScaled = Swift.max(c.worstScaled, scaled)
                    if scaled > e.checkTolerance { c.agree = false }
                }
            }
        } catch {
            c.agree = false
            c.error = JacFailure(classifying: error).message
        }
        comparisons.append(c)
    }
    let agree = comparisons.allSatisfy(\.agree)
    let kinks = ref.kinks.map(\.description)

    func number(_ d: Double) -> String { d.isFinite ? format(d) : "null" }
    let modesJSON = comparisons.map { c -> String in
        var pairs = [("mode", json(c.mode))]
        if let err = c.error {
            pairs.append(("error", json(err)))
        } else {
            pairs += [("max_abs_discrepancy", number(c.maxAbs)), ("max_rel_discrepancy", number(c.maxRel))]
        }
        pairs += [("tolerance", format(c.tolerance)), ("agree", c.agree ? "true" : "false")]
        return jsonObject(pairs)
    }
    let skippedJSON = skipped.map { jsonObject([("mode", json($0.0)), ("reason", json($0.1))]) }
    let jsonText = jsonObject([
        ("variables", jsonArray(formula.variables.map(json))), ("point", jsonArray(ref.point)),
        ("reference", json(reference.name)), ("agree", agree ? "true" : "false"),
        ("value", jsonArray(ref.value)), ("jacobian", jsonMatrix(ref.jacobian)),
        ("modes", jsonArray(modesJSON)), ("skipped", jsonArray(skippedJSON)),
        ("kinks", jsonArray(kinks.map(json))),
    ])

    var table = "reference \(reference.name) at \(describePoint(formula.variables, ref.point))\n"
    table += renderTable([["mode", "max abs", "max rel", "tolerance", "agree"]] + comparisons.map { c in
        let name = c.mode
        if let err = c.error { return [name, "error: " + err, "", format(c.tolerance), "NO"] }
        return [name, format(c.maxAbs), format(c.maxRel), format(c.tolerance), c.agree ? "yes" : "NO"]
    })
    for (name, why) in skipped { table += "\nskipped \(name): \(why)" }
    for k in kinks { table += "\nkink: \(k) (the registry's convention applies there; finite differences see the jump)" }
    table += agree ? "\nall modes agree" : "\nMODES DISAGREE"

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
    if let bad = comparisons.first(where: { !$0.agree }) {
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
    @Option(help: "Output (1-based) whose derivative is swept.") var output = 1
    @Option(help: "Input (1-based) the derivative is taken with respect to.") var input = 1
    @Option(help: ArgumentHelp("Also write the V-curve as an SVG plot.", valueName: "file.svg")) var plot: String?

    func run() throws {
        let formula = try options.loadFormula()
        guard (1...formula.outputs.count).contains(output) else {
            throw JacFailure.invalid("--output \(output) is out of range: the formula has \(formula.outputs.count) output(s)")
        }
        guard (1...formula.variables.count).contains(input) else {
            throw JacFailure.invalid("--input \(input) is out of range: the formula has \(formula.variables.count) variable(s)")
        }
        guard let point = try options.loadPoints(for: formula).first else {
            throw JacFailure.invalid("sweep needs a point: --at x=…")
        }
        let sweep = try stepSweep(of: formula, at: point.doubles, output: output - 1, input: input - 1)
        if let plot {
            do { try sweep.renderSVG().write(toFile: plot, atomically: true, encoding: .utf8) }
            catch { throw JacFailure.invalid("cannot write --plot file '\(plot)': \(error)") }
        }
        print(sweep.toJSON())
    }
}

/// `jac complexity`: the operation counters' demonstration.
struct ComplexityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "complexity",
        abstract: "Operation counts of reverse, forward and finite-difference Jacobians of a formula.",
        discussion: """
        EXAMPLES
          jac complexity "x1*x2 + sin(x3)" --at 1,2,3
        """)

    @OptionGroup var options: FormulaOptions

    func run() throws {
        // WIRING POINT for the lead: call AdjointComplexity's demonstration here.
        _ = try options.loadFormula()
        throw JacFailure.notAvailable("complexity")
    }
}
