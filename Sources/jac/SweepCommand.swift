#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Adjoint
import ArgumentParser

/// `jac sweep`: the finite-difference V-curve (error against step size per method).
///
/// Replaces the `SweepCommand` that lived in CheckCommand.swift (left there unregistered so that
/// file, rewritten elsewhere, is untouched here): this one names the output and variable in titles,
/// says why a method gave no estimate, and notes a kink at the point.
struct StepSweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Finite-difference error against step size for each method (the V-curve).",
        discussion: """
        Steps h = 10^-1, 10^-1.5, ..., 10^-16 (two per decade), times the decade of |x| \
        when |x| is 10 or more (from 1e7 down at x = 1e8), or times the decade of a \
        kink's (or domain edge's) distance when it is closer than 1e-13 of that \
        (from 1e-301 down for sqrt at x = 1e-300), as far as an ulp of x allows, so \
        that the grid has steps on x's side of it; a note says so. A method's slope, its \
        measured order, is fitted only over its asymptotic range, found from the data: \
        the longest run of at least 3 consecutive steps whose error is well above \
        rounding and whose local slopes agree within 0.3. The table names that range; \
        a method without one gets "none" and the reason under the table. Steps where \
        the error is NaN or infinite (a sample outside f's domain, overflow) are left \
        out and listed in a note. The plot clips errors far above the useful level \
        and marks them. With --points, one row per point: each method's slope, best \
        step and smallest error.

        EXAMPLES
          jac sweep "exp(x)*sin(y)" --at x=1,y=2 --output 1 --input 2
          jac sweep "exp(x)" --at x=1 --plot vcurve.svg
          jac sweep "sqrt(x)" --points near-zero.csv --format json
          jac sweep "(1-cos(x))/x^2" --at x=1e-3 --reference -8.333332777778e-5
              (where the formula cancels, a note says how far reverse mode's
              reference can be off; errors within 100 times that are not fitted)
        """)

    @OptionGroup var options: FormulaOptions
    @Option(help: "Output (1-based) whose derivative is swept. JSON reports indices 0-based, as the library does.")
    var output = 1
    @Option(help: "Input (1-based) the derivative is taken with respect to.") var input = 1
    @Option(help: ArgumentHelp("Also write the V-curve as an SVG plot.", valueName: "file.svg")) var plot: String?
    @Option(help: ArgumentHelp("The true derivative (a number or fraction p/q) to measure errors against, in place of reverse mode's, which differentiates the formula as Double rounds it; one --at point only.", valueName: "value"))
    var reference: String?

    func run() throws {
        let formula = try options.loadFormula()
        // Plain comparisons, not ranges: a formula with no variables would make 1...0 trap.
        guard output >= 1 && output <= formula.outputs.count else {
            throw JacFailure.invalid("--output \(output) is out of range: outputs count from 1, and the formula has \(formula.outputs.count) output(s)")
        }
        if formula.variables.isEmpty {
            throw JacFailure.invalid("the formula has no variables, so there is no derivative to sweep")
        }
        guard input >= 1 && input <= formula.variables.count else {
            // Counting from 1 is said: the library and JSON index from 0, and `--input 0` was refused
            // with only the count, which reads as if 0 were the first.
            throw JacFailure.invalid("--input \(input) is out of range: inputs count from 1, in the order \(listedForMessage(formula.variables))")
        }
        // The plot is one point's picture; with several points each would overwrite the last.
        if options.points != nil && plot != nil {
            throw JacFailure.invalid("--plot draws the V-curve of one point: give --at, not --points")
        }
        // One derivative for one point: with several points each has its own.
        if options.points != nil && reference != nil {
            throw JacFailure.invalid("--reference is the derivative at one point: give --at, not --points")
        }
        let given: Double? = try reference.map { text in
            // Where the formula cancels, reverse mode's reference is off f′ (a note says by how
            // much), and a user who knows f′ had no way to give it.
            guard case .success(let v) = PointValue.parse(text) else {
                throw JacFailure.invalid("--reference \(quoted(text)) is not a finite number or fraction p/q within Double's range")
            }
            return v.double
        }
        let outputName = formula.outputNames[output - 1], inputName = formula.variables[input - 1]
        let (o, i, plot, several) = (output - 1, input - 1, plot, options.points != nil)
        try runPoints(options, formula) { point in
            var sweep = try stepSweep(of: formula, at: point.doubles, output: o, input: i, reference: given)
            sweep.outputName = outputName
            sweep.inputName = inputName
            if let plot { try writeText(sweep.renderSVG(), path: plot, what: "--plot file") }
            let described = describePoint(formula.variables, point.doubles.map(Cell.double))
            let (header, row) = Self.flatSummary(sweep)
            return Report(table: Self.table(sweep, at: described), json: jacJSON(sweep.jsonValue, pretty: !several),
                          csv: Self.longCSV(sweep), flatHeader: formula.variables + header,
                          flatRow: point.doubles.map(format) + row, notes: Self.notes(sweep, plotted: plot != nil))
        }
    }

    /// One line per method: the fitted order against theory, the steps it was fitted over, and
    /// the bottom of its V. A missing slope says why under the table, never a bare "-".
    static func table(_ sweep: StepSweep, at point: String) -> String {
        var rows = [["method", "slope", "order", "fitted over h", "best h", "smallest error"]]
        var reasons: [String] = []
        for series in sweep.series {
            let best = bottom(series)
            let slope: String, range: String
            if let s = series.slope, let first = series.fitSteps.first, let last = series.fitSteps.last {
                slope = String(format: "%.2f", s)
                range = "\(stepLabel(first)) … \(stepLabel(last)) (\(series.fitSteps.count) steps)"
            } else if series.unavailable != nil {
                (slope, range) = ("none", "not available")
            } else {
                (slope, range) = ("none", "no asymptotic range")
                if let why = series.noSlopeReason { reasons.append("\(series.method): \(why)") }
            }
            rows.append([series.method, slope, series.theoreticalOrder.map(String.init) ?? "-", range,
                         best.map { stepLabel($0.h) } ?? "-", best.map { format($0.error) } ?? "-"])
        }
        var lines = ["d\(sweep.outputName)/d\(sweep.inputName) at \(point)"
                     + ", reference \(format(sweep.reference)) (\(sweep.referenceSource))", renderTable(rows)]
        if !reasons.isEmpty { lines.append("\nno slope:\n" + reasons.map { "  " + $0 }.joined(separator: "\n")) }
        lines.append("\nevaluations of f  \(sweep.evaluations)")
        return lines.joined(separator: "\n")
    }

    /// Every (method, h, error) of the V-curves, one per line: the CSV of one point.
    static func longCSV(_ sweep: StepSweep) -> String {
        var lines = ["method,h,error"]
        for series in sweep.series {
            for p in series.points { lines.append("\(series.method),\(format(p.h)),\(format(p.error))") }
        }
        return lines.joined(separator: "\n")
    }

    /// The one-row form `--points` prints: per method its fitted slope (empty without one), the
    /// step at the bottom of its V and the error there, so points can be compared column by column.
    static func flatSummary(_ sweep: StepSweep) -> (header: [String], row: [String]) {
        var header: [String] = [], row: [String] = []
        for series in sweep.series {
            let best = bottom(series)
            header += ["\(series.method)_slope", "\(series.method)_best_h", "\(series.method)_smallest_error"]
            row += [series.slope.map { String(format: "%.2f", $0) } ?? "", best.map { format($0.h) } ?? "",
                    best.map { format($0.error) } ?? ""]
        }
        return (header, row)
    }

    /// The smallest finite error of a method's curve and its step.
    static func bottom(_ series: SweepSeries) -> (h: Double, error: Double)? {
        series.points.filter { $0.error.isFinite }.min { $0.error < $1.error }
    }

    /// What stderr says about a point: methods that could not run, steps left out as non-finite,
    /// and a kink the differences straddle.
    static func notes(_ sweep: StepSweep, plotted: Bool) -> [String] {
        var notes: [String] = []
        for series in sweep.series {
            if let why = series.unavailable { notes.append("\(series.method): \(why)"); continue }
            let dropped = series.nonFiniteSteps
            if let first = dropped.first, let last = dropped.last {
                let steps = dropped.count == 1 ? "h = \(stepLabel(first))"
                    : "\(dropped.count) steps, h = \(stepLabel(first)) … \(stepLabel(last))"
                notes.append("\(series.method): the error is NaN or infinite at \(steps) (a sample left f's domain"
                             + " or overflowed); left out of the fit\(plotted ? " and the plot" : "")")
            }
        }
        if sweep.referenceIsUnreliable {
            let b = sweep.referenceRoundingBound
            notes.append("the reference \(format(sweep.reference)) (\(sweep.referenceSource)) is unreliable: rounding inside the formula "
                         + (b.isFinite ? "can move it by up to \(format(b)) from the true derivative" : "moves it from the true derivative by an amount no first-order bound covers")
                         + " (reverse mode differentiates the formula as Double rounds it); errors within \(Int(SweepFitTuning.roundingMargin))× "
                         + "that may be the reference's, not the method's, and no fit uses them")
        }
        if sweep.stepsFollowKink, let top = sweep.series.first?.points.first?.h, let low = sweep.series.first?.points.last?.h {
            notes.append("steps h = \(stepLabel(top)) … \(stepLabel(low)) are moved below the usual grid toward the kink:"
                         + " it lies \(stepLabel(sweep.kinkRoom)) from \(sweep.inputName), and the usual grid would keep fewer than"
                         + " three decades of steps on \(sweep.inputName)'s side of it")
        }
        if sweep.kinkRoom > 0 && sweep.kinkRoom.isFinite {
            notes.append("a kink lies \(stepLabel(sweep.kinkRoom)) from \(sweep.inputName) (first-order estimate): steps whose samples"
                         + " reach past it straddle it, and their errors show the jump between one-sided slopes, not truncation;"
                         + " they are left out of the fits")
        }
        if !sweep.kinks.isEmpty {
            notes.append("kink touched: " + sweep.kinks.map(\.description).joined(separator: "; ")
                         + "; the reference is the registry's convention there and every difference straddles the kink,"
                         + " so the errors show the jump between one-sided derivatives, not truncation against rounding")
        }
        return notes
    }
}
