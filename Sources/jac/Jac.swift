#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Adjoint
import ArgumentParser

/// The root command: only a dispatcher with the overview and examples.
struct Jac: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jac",
        abstract: "Values, Jacobians and Hessians of formulas, computed and cross-checked several ways.",
        discussion: """
        EXAMPLES
          jac jacobian "log(x1) + x1*x2 - sin(x2)" --at x1=2,x2=5
              value 11.652071455223084, Jacobian row [5.5, 1.7163378145367738]
          jac jacobian "f(r, t) = r*cos(t); r*sin(t)" --at 2,0.5 --format json
          jac jacobian "x1^2 + 5*x1*x2" --at x1=1/3,x2=2/7 --mode forward
          jac eval "sqrt(x^2 + y^2)" --at x=3,y=4
          jac hessian "x^2*y + exp(y)" --at x=1,y=0
          jac check "relu(x) + x^2" --at x=0.5
          jac jacobian "x*y" --points grid.csv --format csv
          echo "sin(x)*y" | jac eval - --at 1,2
          jac eval --at x=2 -- "-x^2"
              (a formula that starts with '-' goes after --)

        FORMULA LANGUAGE
        + - * / ^ with the usual precedence; ^ is right-associative; unary minus \
        binds looser than ^, so -x^2 = -(x^2) and 2^-3 = 2^(-3). x^n with an integer \
        literal n (x^3, x^-2, x^(-2), pow(x, 3)) with |n| <= 2147483647 is the registry's \
        integer power; any other exponent, a larger integer literal included, is pow.

        Functions (from the registry): \(Formula.functionNames.joined(separator: " ")); \
        leaky_relu(x) means slope 0.01, elu(x) means alpha 1. Constants pi and e (a \
        variable declared with that name wins). Numbers: 2, 0.5, .5, 1e-3.

        Several outputs are separated by ';'. A header f(x, y) = ... fixes the \
        variable order; else --vars, else order of first appearance. A formula \
        without variables ("pi*e") needs no --at.

        EXIT STATUS
        0 success, 1 check failed (check), 2 invalid input (usage, syntax, unknown \
        function or variable, bad point, mode not applicable, a limit on what is read), \
        3 evaluation failure (domain error, division by zero, non-finite result, a \
        limit reached while computing or printing), 4 the result could not be written \
        (standard output closed or its disk full, or a --plot file's disk full).

        LIMITS
        Environment variables holding positive integers (default in brackets):
          JAC_MAX_INPUT_BYTES   bytes of a formula file, points file or stdin
                                [16777216]
          JAC_MAX_LINES         lines of a points file [1000000]
          JAC_MAX_POINTS        points of a points file [100000]
          JAC_MAX_NESTING       parentheses and calls nested in a formula [10000]
          JAC_EXACT_BIT_LIMIT   bits of one exact numerator or denominator
                                [1048576]
          JAC_EXACT_WORK_LIMIT  limbs written by one exact Jacobian [33554432]
          JAC_MAX_OUTPUT_BYTES  bytes of the expressions jac diff prints
                                [67108864]
          JAC_MAX_CHECK_ENTRIES Jacobian entries jac check grades [262144]
          JAC_MAX_JACOBIAN_ENTRIES
                                entries of a dense jac jacobian [16777216]
          JAC_MAX_UNDERFLOW_VISITS
                                tape visits jac hessian spends per point
                                looking for an underflow that moves an
                                entry [4194304]
        """,
        version: "0.1.0",
        subcommands: [JacobianCommand.self, EvalCommand.self, HessianCommand.self, CheckCommand.self,
                      StepSweepCommand.self, ComplexityCommand.self, DiffCommand.self, SelfTestCommand.self]
    )
}

/// Options every formula command shares: where the formula and the point come from, and the format.
struct FormulaOptions: ParsableArguments {
    @Argument(help: ArgumentHelp("The formula, or '-' to read it from standard input.",
                                 valueName: "formula"))
    var formula: String?

    @Option(help: ArgumentHelp("Read the formula from a file ('-' for standard input).", valueName: "file"))
    var file: String?

    @Option(help: ArgumentHelp("Variable order, comma-separated (overrides the header).", valueName: "x,y,..."))
    var vars: String?

    @Option(parsing: .unconditional,
            help: ArgumentHelp("The point: x=1,y=2 or 1,2 in variable order; values may be fractions like 1/3.",
                               valueName: "point"))
    var at: String?

    @Option(help: ArgumentHelp("CSV file of points, header row = variable names; one output row per point.",
                               valueName: "file.csv"))
    var points: String?

    @Option(help: "Output format: table, json or csv (with --points: csv or JSON lines).")
    var format: OutputFormat = .table

    func validate() throws {
        try validateFormulaSource(formula: formula, file: file)
        if at != nil && points != nil { throw ValidationError("give either --at or --points, not both") }
        try requireOneStandardInputReader(standardInputReaders)
        // A missing point is checked in loadPoints, once the formula is read: a formula without
        // variables (jac eval "pi*e") needs none.
    }

    /// The options that read standard input ('-'), as a message names them.
    var standardInputReaders: [String] {
        [formula == "-" ? "the formula '-'" : nil, file == "-" ? "--file -" : nil, points == "-" ? "--points -" : nil].compactMap { $0 }
    }

    /// Reads and parses the formula (status 2 with a caret message on any problem); `reading`
    /// says whether a literal beyond Double's range is refused (see ``NumberReading``).
    func loadFormula(reading: NumberReading = .double) throws -> Formula {
        try jac.loadFormula(file: file, formula: formula, vars: vars, reading: reading)
    }

    /// The formula's text, read once: from standard input ("-") it cannot be read again, and
    /// `jacobian` parses it a second time to see whether exact mode would take it.
    func formulaSource() throws -> String { try readFormulaSource(file: file, formula: formula) }

    /// `source` parsed with the variables `--vars` declares, as ``loadFormula(reading:)`` does.
    func parse(_ source: String, reading: NumberReading) throws -> Formula {
        try parseFormula(source, variables: try vars.map { try nameList($0, option: "--vars") }, reading: reading)
    }

    /// The point of `--at`, or the points of `--points`, read as `reading` says.
    func loadPoints(for formula: Formula, reading: NumberReading = .double) throws -> [Point] {
        if let points { return try readPoints(path: points, variables: formula.variables, reading: reading) }
        guard let at else {
            if formula.variables.isEmpty { return [Point(values: [])] }
            let example = formula.variables.prefix(3).enumerated().map { "\($1)=\($0 + 1)" }.joined(separator: ",")
            throw JacFailure.invalid("missing point: give --at \(example)\(formula.variables.count > 3 ? ",…" : "") (or --points FILE.csv)")
        }
        return [try Point.parse(at, variables: formula.variables, reading: reading)]
    }
}

/// Runs `body` at each point and prints the reports: one report in the chosen format for `--at`,
/// one CSV row or JSON line per point for `--points`. The exit status is the worst point's.
/// `reading`: how the points are read (``NumberReading``).
func runPoints(_ options: FormulaOptions, _ formula: Formula, reading: NumberReading = .double,
               _ body: (Point) throws -> Report) throws {
    let points = try options.loadPoints(for: formula, reading: reading)
    var worst = ExitStatus.success
    var firstProblem: String?
    if options.points == nil, let point = points.first {
        let r: Report
        do { r = try body(point) } catch { throw namingOutputs(error, formula.outputNames) }
        switch options.format {
        case .table: print(r.table)
        case .json: print(r.json)
        case .csv: print(r.csv)
        }
        fflush(nil)   // keep stdout before stderr when both go to one terminal
        for note in r.notes { writeError("note: " + note) }
        if r.status != .success { throw JacFailure(r.status, r.problem ?? "failed") }
        return
    }
    var progress = Progress(total: points.count)
    // Per-point notes are summarised, one line per kind, with the first instance: with --points a
    // note per point would bury the output, and every note used to be counted as "touched a kink"
    // (an unreliable difference entry too).
    var pointsWithKinks = 0
    var otherNotes: [(kind: String, count: Int, first: String)] = []
    // The notes of the `printed` rows, also when a later point fails: those rows are on standard
    // output already, and their notes were dropped, so a derivative a note calls unreliable
    // (1/(1 + exp(x)) at 709 in reverse mode, 0.0 for -1.2e-308) stood with no word.
    func summariseNotes(printed: Int) {
        fflush(nil)
        if pointsWithKinks > 0 {
            writeError("note: \(pointsWithKinks) of \(printed) points touched a kink; the registry's convention was used there")
        }
        for n in otherNotes {
            let what = n.kind == "an unreliable entry" ? "an unreliable entry" : "this note"
            writeError("note: \(n.count) of \(printed) points with \(what) (the first shown; --at that point for every note): \(n.first)")
        }
    }
    for (k, point) in points.enumerated() {
        let r: Report
        do {
            r = try body(point)
        } catch {
            progress.finish()
            summariseNotes(printed: k)
            let f = JacFailure(classifying: namingOutputs(error, formula.outputNames))
            // Bounded: the error after it quotes the value again, and a 400,000-digit one was printed whole.
            let at = describePoint(formula.variables, point.values.map { .exact(quoted($0.text), $0.double) })
            throw JacFailure(f.status, "at point \(k + 1) (\(at)): \(f.message)")
        }
        if k == 0 && options.format != .json { print(r.flatHeader.map(csv).joined(separator: ",")) }
        print(options.format == .json ? r.json : r.flatRow.map(csv).joined(separator: ","))
        if r.status.rawValue > worst.rawValue {
            worst = r.status
            firstProblem = "at point \(k + 1): " + (r.problem ?? "failed")
        }
        if r.notes.contains(where: { $0.hasPrefix("kink touched") }) { pointsWithKinks += 1 }
        var kindsHere = Set<String>()
        for note in r.notes where !note.hasPrefix("kink touched") {
            let kind = note.contains(" is unreliable") ? "an unreliable entry" : note.prefix { $0 != ":" && $0 != "(" }.description
            guard kindsHere.insert(kind).inserted else { continue }
            if let i = otherNotes.firstIndex(where: { $0.kind == kind }) {
                otherNotes[i].count += 1
            } else {
                otherNotes.append((kind, 1, "at point \(k + 1): \(note)"))
            }
        }
        progress.update(k + 1)
    }
    progress.finish()
    summariseNotes(printed: points.count)
    if worst != .success { throw JacFailure(worst, firstProblem ?? "failed") }
}

/// Standard input can be read once: the first reader took all of it, and the second then failed
/// with a message about the wrong thing (`jac eval - --points -` read the CSV as the formula and
/// said "expected an operator"; `--file - --points -` said "cannot read points file '-': Bad file
/// descriptor"). Two readers are a usage error naming both.
func requireOneStandardInputReader(_ readers: [String]) throws {
    guard readers.count > 1 else { return }
    throw ValidationError("\(readers.joined(separator: " and ")) \(readers.count == 2 ? "both" : "all") read standard input, "
                          + "which can be read only once: give \(readers.count == 2 ? "one" : "all but one") of them a file")
}

/// Parses a formula for any subcommand: status 2 with the caret message on a problem, and the
/// nesting bound from `JAC_MAX_NESTING` (the parser and every later pass are loops, not recursion,
/// so the bound is there to fail clearly, and a user with a deeper generated formula can raise it).
func parseFormula(_ source: String, variables declared: [String]?, reading: NumberReading = .double) throws -> Formula {
    let maxDepth = try InputLimits.current.nesting
    do {
        return try Formula(parsing: source, variables: declared, maxDepth: maxDepth, outOfRangeLiterals: reading.outOfRangeLiterals)
    } catch let e as FormulaError {
        if case .tooDeep = e.kind {
            throw JacFailure.invalid(e.rendered + "\n(\(InputLimits.nestingVariable) raises the limit)")
        }
        throw JacFailure.invalid(e.rendered)
    }
}

/// The formula from `--file`, from standard input (the argument "-") or the argument itself,
/// parsed with the variables `--vars` declares (status 2 with a caret message on any problem).
/// Shared by every formula command and `jac diff`.
func loadFormula(file: String?, formula: String?, vars: String?, reading: NumberReading = .double) throws -> Formula {
    let source = try readFormulaSource(file: file, formula: formula)
    let declared = try vars.map { try nameList($0, option: "--vars") }
    return try parseFormula(source, variables: declared, reading: reading)
}

/// The formula's text from `--file`, standard input (the argument "-") or the argument itself.
func readFormulaSource(file: String?, formula: String?) throws -> String {
    if let file { return try readText(path: file, what: "formula file") }
    if formula == "-" { return try readText(path: "-", what: "formula from standard input") }
    return formula ?? ""
}

/// Exactly one of a formula argument and --file, for every command that reads a formula (`diff`
/// and the numeric commands' `FormulaOptions` had a copy each).
func validateFormulaSource(formula: String?, file: String?) throws {
    if formula != nil && file != nil {
        throw ValidationError("give the formula either as an argument or with --file, not both")
    }
    if formula == nil && file == nil {
        // A formula "--x" reads as an option, and the parser said only this (a newcomer's pass).
        throw ValidationError("missing formula: give it as an argument, '-' for standard input, or --file F; "
                              + "one that starts with '--' goes after a lone -- (jac eval --at x=1 -- \"--x\")")
    }
}
