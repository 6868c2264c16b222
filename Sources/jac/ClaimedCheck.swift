import Adjoint
import AdjointCheck
import ArgumentParser
import Foundation

/// The options of `jac check` that bring a derivative from elsewhere.
struct CrossValidationOptions: ParsableArguments {
    @Option(help: ArgumentHelp("""
        A claimed Jacobian to grade entry by entry: JSON rows [[...], ...] (or a list of them, one \
        per --points point), CSV (one row per output; a blank line or '# point k' separates points) \
        or NumPy .npy (little-endian float64/float32, shape (m, n) or (points, m, n); float32 is \
        graded to one Float ulp). \
        To check a program's own Jacobian instead: jac check --program CMD --inputs N --help.
        """, valueName: "file"))
    var claimed: String?
}

/// The entries that show the claimed subject wrong: contradicted by a reliable witness, not
/// finite, or outside the one-sided derivatives at a kink (relu(x) − relu(−x) claimed 0 at 0,
/// where the slope is 1 on both sides, used to leave the status 0).
func claimedFailures(_ report: CheckReport, subject: String = "claimed") -> [EntryCheck] {
    report.entries.flatMap { $0 }.filter { $0.wrongSubjects.contains(subject) }
}

/// The entries that keep the check from passing without showing the claim wrong: no witness could
/// decide, a kink's one-sided derivatives were unresolved, or a mode is what is wrong. The library's
/// `passed` is false for them, so the status is 1 as well; the message says "not confirmed".
func unconfirmedEntries(_ report: CheckReport, subject: String = "claimed") -> [EntryCheck] {
    report.entries.flatMap { $0 }.filter { !$0.passes && !$0.wrongSubjects.contains(subject) }
}

/// "df2/dy (entry (1, 1), 0-based as in the table): rule-wrong, claimed -3.0, central gives 3.0 (tolerance 1e-09)":
/// names the entry, the claim and the witness, with `d` ("d" for a formula, as its commands write
/// derivatives; "∂" for a program). `outputs` names output i: the formula's own f, or f1, f2, beside
/// a `--claimed` table of 0-based indices (`citeIndices`: the line cites them, as the claimed file
/// is laid out by them), or a program's f0, f1 as its table labels its rows (x0, f0, as in --at),
/// where an index would only repeat the name: the program's lines said ∂f2 for the table's row f1.
/// With `labels` (a program's `--input-names`, `--output-names`) the entry is named in the
/// program's terms first, its x-name kept beside it for --at and --domain.
func describeEntry(_ e: EntryCheck, outputs: (Int) -> String, variables: [String], citeIndices: Bool,
                   subject: String = "claimed", labels: EntryLabels = EntryLabels(), d: String = "∂") -> String {
    let variable = e.input < variables.count ? variables[e.input] : "x\(e.input)"
    let plain = "\(d)\(outputs(e.output))/\(d)\(variable)"
    let input = labels.input(e.input), output = labels.output(e.output)
    let location = citeIndices ? "entry (\(e.output), \(e.input)), 0-based as in the table" : nil
    let named = input != nil || output != nil
        ? "∂\(output ?? outputs(e.output))/∂\(input ?? variable) (" + ([plain] + (location.map { [$0] } ?? [])).joined(separator: ", ") + ")"
        : plain + (location.map { " (\($0))" } ?? "")
    let claimedValue = e.subjects.first { $0.name == subject }?.value
    var text = "\(named): \(e.verdict.name)"
    if let c = claimedValue { text += ", \(subject) \(format(c))" }
    if let w = e.witnessValue, let name = e.witness { text += ", \(name) gives \(format(w))" }
    // The tolerance is an estimate: to two figures, as the report's notes print one (in full,
    // 1.8385347497901216e-14 read as a value to reproduce); the JSON keeps it exactly.
    if let t = e.tolerance { text += " (tolerance \(readableFigure(t)))" }
    switch e.verdict {
    case .kink:
        if let k = e.kink {
            // A black box's finding along its directions has estimated the one-sided derivatives
            // and only cannot judge the claim with them: "unresolved" read as if f's slopes were
            // unknown, and the README and the table call it "not judged".
            if let why = k.unresolved, k.ops == [blackBoxKinkTag], k.left.isFinite, k.right.isFinite { text += " (not judged: \(why))" }
            else if let why = k.unresolved { text += " (one-sided derivatives unresolved: \(why))" }
            else { text += " (one-sided derivatives [\(format(Swift.min(k.left, k.right))), \(format(Swift.max(k.left, k.right)))])" }
            // Inside its own interval, yet the row is not one point of the generalized gradient.
            if let joint = k.notInGeneralizedGradient { text += "; the row: \(joint)" }
        }
    case .fdInconclusive(let reasons):
        text += " (no witness could decide: \(reasons.map(\.rawValue).joined(separator: ", ")))"
    default: break
    }
    let others = e.wrongSubjects.filter { $0 != subject }
    if !others.isEmpty { text += " (\(others.joined(separator: ", ")) wrong)" }
    return text
}

/// Names a program gives its inputs and outputs, for messages; nil where not given.
struct EntryLabels {
    var inputs: [String]? = nil
    var outputs: [String]? = nil
    func input(_ j: Int) -> String? { inputs.flatMap { j < $0.count ? $0[j] : nil } }
    func output(_ i: Int) -> String? { outputs.flatMap { i < $0.count ? $0[i] : nil } }
}

/// `jac check FORMULA --claimed FILE`: the library's `checkJacobian` with the file's Jacobian as
/// the claimed subject, so every claimed entry gets the modes', the ladder's and the kink
/// analysis's verdict.
func runClaimedCheck(_ options: FormulaOptions, _ formula: Formula, claimedPath: String) throws {
    let matrices: [[[Double]]]
    let inFloat: Bool
    do { (matrices, inFloat) = try ClaimedJacobian.loadWithPrecision(path: claimedPath, inputs: formula.variables.count) }
    catch let f as ClaimedJacobian.Failure { throw JacFailure.invalid("claimed Jacobian '\(claimedPath)': \(f)") }
    let points = try options.loadPoints(for: formula)
    guard matrices.count == points.count else {
        throw JacFailure.invalid("claimed Jacobian '\(claimedPath)' has \(matrices.count) Jacobian\(matrices.count == 1 ? "" : "s") for \(points.count) point\(points.count == 1 ? "" : "s") (one per point, in order)")
    }
    var failures: [String] = [], unconfirmed: [String] = [], wholeCheck: [String] = []
    var jsonLines: [String] = []
    var tables: [String] = []
    var csvRows: [[String]] = []
    for (k, (point, claimed)) in zip(points, matrices).enumerated() {
        let report: CheckReport
        do {
            var checkOptions = CheckOptions()
            // The table keeps 0-based indices here, which the failure lines cite ("entry (0, 1),
            // 0-based as in the table") and the claimed file is laid out by: the library's x0, x1
            // labelled the formula's x2 "x1" when its variables are x1, x2 (a review).
            if point.doubles.count == formula.variables.count {
                checkOptions.indexed(inputs: formula.variables.count, outputs: formula.outputs.count)
            }
            if inFloat {
                // A float32 Jacobian (PyTorch's and JAX's default) is at best the derivative rounded
                // to Float, up to half a Float ulp away: graded against Double tolerances alone, the
                // correctly rounded cos(1) was "rule-wrong" (off by 2.9e-8, tolerance 3e-14) while
                // the entry beside it agreed by luck of its witness. One Float ulp, relative, is
                // added room; it exceeds every witness's nominal accuracy in Double (central's
                // ε^(2/3) ≈ 4e-11 is the largest), so no entry's tolerance shrinks.
                checkOptions.rtol = Double(Float.ulpOfOne)
                // And computed in float32, it rounds along every path by Float's ε, many ulps
                // where terms cancel: within that it is not confirmed, never wrong.
                checkOptions.claimUnitRoundoff = Double(Float.ulpOfOne)
            }
            report = try checkJacobian(of: formula, at: point.doubles, claimed: { _ in claimed }, claimedName: "claimed",
                                       options: checkOptions)
        } catch let e as ADError {
            if case .dimensionMismatch(let what, let expected, let got) = e {
                throw JacFailure.invalid("claimed Jacobian for point \(k + 1): \(what) should be \(expected), got \(got) (rows = \(formula.outputs.count) outputs, columns = \(formula.variables.count) inputs: \(formula.variables.joined(separator: ", ")))")
            }
            throw e
        }
        let at = points.count > 1 ? "point \(k + 1): " : ""
        // f itself could not be evaluated there (a non-finite value, a domain error): nothing
        // was compared, and the library's `passed` is false. The formula check fails with status 3
        // naming the output f2; --claimed printed the table's "problem: non-finite output 1"
        // (the library counts from 0) and exited 0, a pass.
        if let problem = report.problem {
            let f = JacFailure(classifying: namingOutputs(problem, formula.outputNames))
            throw JacFailure(f.status, (points.count > 1 ? "at point \(k + 1): " : "") + f.message)
        }
        let listedBefore = failures.count + unconfirmed.count + wholeCheck.count
        // The formula's own output names, with d, as `jac check` without --claimed and every
        // formula command write them: "f\(i + 1)" with ∂ named a one-output formula's entry ∂f1/∂x
        // beside jac check's df/dx, and f*2's output ∂f1/∂f where it is g.
        let outputName = { (i: Int) in i < formula.outputNames.count ? formula.outputNames[i] : "f\(i + 1)" }
        for e in claimedFailures(report) { failures.append(at + describeEntry(e, outputs: outputName, variables: formula.variables, citeIndices: true, d: "d")) }
        // The library's verdict decides the status, as for a formula without --claimed: what it
        // does not pass is status 1 too (a mode's own rule wrong, nothing able to decide).
        for e in unconfirmedEntries(report) { unconfirmed.append(at + describeEntry(e, outputs: outputName, variables: formula.variables, citeIndices: true, d: "d")) }
        // Reasons of the whole check, not of an entry: counted with the entries, they made "not
        // confirmed at 1 entry" of a claim that has none.
        if let d = report.directional, d.agrees == false {
            wholeCheck.append(at + "J·v along a random direction (seed \(d.seed)): forward mode disagrees with Richardson")
        }
        // A report that does not pass with no entry to blame (an empty claim of a formula without
        // variables compared nothing) exited 0 beside the library's `passed` false.
        if !report.passed && failures.count + unconfirmed.count + wholeCheck.count == listedBefore {
            wholeCheck.append(at + whyNoEntryFailed(report))
        }
        // As the formula check prints it: the point by name, and a coordinate written as a
        // number no Double holds (1/3) named with the Double every mode used (--claimed printed
        // neither, so a claim computed at the exact 1/3 was graded at a point the user never saw).
        var table = (points.count > 1 ? "point \(k + 1) of \(points.count)\n" : "")
            + "every mode at \(describePoint(formula.variables, point.doubles.map(Cell.double)))\n" + report.renderTable()
        for note in inexactCoordinates(formula, point) { table += "\nnote: " + note }
        tables.append(table)
        // One CSV for every point: with several, a leading column says which point a row is.
        let rows = checkCSVRows(report)
        let numbered = points.count > 1 ? rows.enumerated().map { r, row in [r == 0 ? "point" : "\(k + 1)"] + row } : rows
        csvRows += csvRows.isEmpty ? numbered : Array(numbered.dropFirst())
        jsonLines.append(jacJSON(report.jsonValue, pretty: points.count == 1))
    }
    if inFloat {
        writeError("note: the claimed Jacobian is float32 (.npy '<f4'): every entry, of the claim and of forward and "
                   + "reverse mode, is allowed one Float ulp (\(Float.ulpOfOne), relative) besides the witness's own tolerance, "
                   + "and a claimed entry within the rounding float32 arithmetic allows along its paths is not confirmed rather than wrong")
    }
    switch options.format {
    case .json: print(jsonLines.joined(separator: "\n"))
    case .table: print(tables.joined(separator: "\n\n"))
    // It printed the table: a script reading CSV got the table's text.
    case .csv: print(csvRows.map { $0.map(csv).joined(separator: ",") }.joined(separator: "\n"))
    }
    fflush(nil)
    func entries(_ n: Int) -> String { "\(n) entr\(n == 1 ? "y" : "ies")" }
    // At most 20 lines each, saying how many more there are: the cut used to drop them silently.
    func listed(_ lines: [String]) -> String { renderByPoint(lines.map { PointLine(point: 0, text: $0) }, pointLabels: nil) }
    if !failures.isEmpty {
        var text = "claimed Jacobian is wrong at \(entries(failures.count)):\n" + listed(failures)
        if !unconfirmed.isEmpty {
            text += "\nand not confirmed at \(entries(unconfirmed.count)):\n" + listed(unconfirmed)
        }
        if !wholeCheck.isEmpty { text += "\nand the check as a whole does not pass:\n" + listed(wholeCheck) }
        if let hint = columnOrderHint(options, variables: formula.variables) { text += "\n(" + hint + ")" }
        // A float32 gradient written out as text (a tensor's tolist() dumped to JSON) is graded
        // as a Double claim, and its float32 rounding convicted with no word of why.
        if !inFloat, holdsOnlyFloat32Values(matrices.flatMap { $0.flatMap { $0 } }) {
            text += "\n(every number in the claimed Jacobian is a float32 value: if it was computed in float32, as a "
                + "PyTorch or JAX tensor is, save it as a float32 .npy (numpy.save(\"J.npy\", J.astype(numpy.float32))), "
                + "which is graded at float32 precision)"
        }
        throw JacFailure(.modesDisagree, text)
    }
    if !unconfirmed.isEmpty || !wholeCheck.isEmpty {
        let at = unconfirmed.isEmpty ? "" : " at \(entries(unconfirmed.count))"
        throw JacFailure(.modesDisagree, "claimed Jacobian not confirmed\(at) "
                         + "(the check does not pass, though nothing shows the claim wrong):\n" + listed(unconfirmed + wholeCheck))
    }
}

/// Where the point was given with its variables in another order than the formula's, says which
/// order the claimed Jacobian's columns are read in. A researcher wrote a rate law's Jacobian in
/// the paper's parameter order, as their `--at Vmax=2,Km=0.5,Ki=3,S=1.2` named them, and the right
/// claim was "wrong at 3 entries", graded against the formula's order Vmax, S, Km, Ki.
func columnOrderHint(_ options: FormulaOptions, variables: [String]) -> String? {
    let given: [String], source: String
    if options.points == nil, let at = options.at, at.contains("=") {
        given = at.split(separator: ",").map { String($0.split(separator: "=", maxSplits: 1).first ?? "").trimmingSpaces() }
        source = "--at's"
    } else if let path = options.points, path != "-", let text = try? readText(path: path, what: "points file"),
              let header = textLines(text).first(where: { !$0.trimmingSpaces().isEmpty }) {
        given = csvCells(header.trimmingSpaces())
        source = "the points file's"
    } else {
        return nil
    }
    guard given.count == variables.count, Set(given) == Set(variables), given != variables else { return nil }
    let order = options.vars != nil ? "the variable order --vars gives" : "the formula's variable order"
    let how = options.vars != nil ? "" : " (first appearance in the formula, unless a header f(…) = … sets it)"
    return "the claimed Jacobian's columns are read in \(order) \(variables.joined(separator: ", "))\(how), "
        + "not in \(source) order \(given.joined(separator: ", ")); for a claim written in that order, "
        + "add --vars \(given.joined(separator: ","))"
}
