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
        when |x| is 10 or more (from 1e7 down at x = 1e8). A method's slope, its \
        measured order, is fitted only over its asymptotic range, found from the data: \
        the longest run of at least 3 consecutive steps whose error is well above \
        rounding and whose local slopes agree within 0.3. The table names that range; \
        a method without one gets "none" and the reason under the table. Steps where \
        the error is NaN or infinite (a sample outside f's domain, overflow) are left \
        out and listed in a note. The plot clips errors far above the useful level \
        and marks them.

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
        if formula.variables.isEmpty {
            throw JacFailure.invalid("the formula has no variables, so there is no derivative to sweep")
        }
        guard input >= 1 && input <= formula.variables.count else {
            throw JacFailure.invalid("--input \(input) is out of range: the formula has \(formula.variables.count) variable(s)")
        }
        if options.points != nil { throw JacFailure.invalid("sweep takes one point (--at), not --points") }
        guard let point = try options.loadPoints(for: formula).first else {
            throw JacFailure.invalid("sweep needs a point: --at x=…")
        }
        var sweep: StepSweep
        do {
            sweep = try stepSweep(of: formula, at: point.doubles, output: output - 1, input: input - 1)
        } catch { throw namingOutputs(error, formula.outputNames) }
        let outputName = formula.outputNames[output - 1], inputName = formula.variables[input - 1]
        sweep.outputName = outputName
        sweep.inputName = inputName
        if let plot {
            try writeText(sweep.renderSVG(), path: plot, what: "--plot file")
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
            // One line per method: the fitted order against theory, the steps it was fitted over,
            // and the bottom of its V. A missing slope says why under the table, never a bare "-".
            var rows = [["method", "slope", "order", "fitted over h", "best h", "smallest error"]]
            var reasons: [String] = []
            for series in sweep.series {
                let best = series.points.filter { $0.error.isFinite }.min { $0.error < $1.error }
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
            print("d\(outputName)/d\(inputName) at \(describePoint(formula.variables, point.doubles.map(Cell.double)))"
                  + ", reference \(format(sweep.reference)) (\(sweep.referenceSource))")
            print(renderTable(rows))
            if !reasons.isEmpty { print("\nno slope:\n" + reasons.map { "  " + $0 }.joined(separator: "\n")) }
            print("\nevaluations of f  \(sweep.evaluations)")
        }
        fflush(nil)
        for series in sweep.series {
            if let why = series.unavailable { writeError("note: \(series.method): \(why)"); continue }
            let dropped = series.nonFiniteSteps
            if let first = dropped.first, let last = dropped.last {
                let steps = dropped.count == 1 ? "h = \(stepLabel(first))"
                    : "\(dropped.count) steps, h = \(stepLabel(first)) … \(stepLabel(last))"
                writeError("note: \(series.method): the error is NaN or infinite at \(steps) (a sample left f's domain"
                           + " or overflowed); left out of the fit\(plot == nil ? "" : " and the plot")")
            }
        }
        if !sweep.kinks.isEmpty {
            writeError("note: kink touched: " + sweep.kinks.map(\.description).joined(separator: "; ")
                       + "; the reference is the registry's convention there and every difference straddles the kink,"
                       + " so the errors show the jump between one-sided derivatives, not truncation against rounding")
        }
    }
}
