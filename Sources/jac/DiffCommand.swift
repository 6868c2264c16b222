#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Adjoint
import ArgumentParser

/// `jac diff`: the derivative itself, as formulas, from the symbolic scalar.
struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Print the Jacobian (or Hessian) of a formula as formulas.",
        discussion: """
        The derivative comes from the registry's own rules run on a symbolic scalar \
        (reverse mode by default) and is simplified soundly: exact constant folding, \
        x+0, x*1, x*0 for finite x, like terms and powers of one base; \
        x/x is never replaced by 1. An entry holds no term of another output: as in \
        the numeric modes, a zero cotangent adds nothing. Shared subexpressions are printed as intermediates t1 = ... \
        unless --expand is given (JSON is always expanded, each entry a formula jac \
        accepts over the same variables). Constants are exact rationals (0.1 is one \
        tenth, 1/3 one third): the expressions are the derivative over the reals of \
        the formula as written, and a fraction printed as p/q is noted with its Double. \
        A constant of more than 40 digits is printed with its power of ten split off \
        (10^(-600), 2*10^300, 1/(3*10^40)), as jac's tables show exact values.

        Without --at, rules that branch (\(kinkedOpNames)) have no \
        side of their kink to choose: pass --at to choose it by a point (the \
        derivative of \(oneFormulaOpNames) is one formula on every side of its kink and \
        needs none). Other \
        comparisons (a form a rule chooses for accuracy, as expm1's) are decided \
        together at one point chosen reproducibly away from every kink, which a note \
        names; where no region can be sampled (relu(sin(1000000*x)) changes side \
        every 3e-6) the derivative is refused. A comparison whose outcome changes \
        no entry asked for is not decided at all: with --wrt x, the derivative of \
        x^2+relu(sin(1000000*y)) is 2*x for every y. With --at, \
        every entry is also evaluated there, in Double, or exactly (rounded once) where \
        a Double intermediate overflows or underflows and every op is rational. Where \
        a value is beyond Double's range all the same (exp(x) at x=1000), the \
        expressions are printed without values and a note says why, unless a branch \
        was decided there between values Double could not hold.

        Intermediates never take a variable's name: with a variable t1 they are \
        t_1, t_2, ... instead. --order 2 accepts at most 4096 variables, as jac \
        hessian does. What is printed totals at most JAC_MAX_OUTPUT_BYTES bytes \
        (default 67108864; expanded trees can be exponentially larger than the \
        shared form): past it, an error naming the limit instead of the text. \
        The expressions are built from at most JAC_MAX_EXPRESSION_NODES distinct \
        nodes (default \(ExpressionGraph.defaultMaximumNodeCount), a few hundred bytes each).

        EXAMPLES
          jac diff "log(x1) + x1*x2 - sin(x2)"
          jac diff "2/sin(exp(-x))" --format latex
          jac diff "f(r, t) = r*cos(t); r*sin(t)" --format json
          jac diff "x^2*y + exp(y)" --order 2 --at x=1,y=0
          jac diff "relu(x)*y" --at x=0.5,y=2 --wrt x
        """)

    @Argument(help: ArgumentHelp("The formula, or '-' to read it from standard input.", valueName: "formula"))
    var formula: String?

    // As every other formula command has (diff alone lacked it: "Unknown option '--file'").
    @Option(help: ArgumentHelp("Read the formula from a file ('-' for standard input).", valueName: "file"))
    var file: String?

    @Option(help: ArgumentHelp("Variable order, comma-separated (overrides the header).", valueName: "x,y,..."))
    var vars: String?

    @Option(help: ArgumentHelp("Differentiate only with respect to these variables.", valueName: "x,y,..."))
    var wrt: String?

    @Option(help: "1 for the Jacobian, 2 for the Hessian (one output only).")
    var order: Int = 1

    @Option(help: "Output format: text, latex, json or swift.")
    var format: String = "text"

    @Flag(help: "Print every entry as a full tree instead of naming shared subexpressions.")
    var expand = false

    @Option(help: "Mode that builds the derivative: reverse or forward.")
    var mode: String = "reverse"

    @Option(parsing: .unconditional,
            help: ArgumentHelp("Also evaluate at this point (x=1,y=2 or 1,2); branches are decided there.", valueName: "point"))
    var at: String?

    func validate() throws {
        try validateFormulaSource(formula: formula, file: file)
    }

    func run() throws {
        guard order == 1 || order == 2 else { throw JacFailure.invalid("--order must be 1 or 2 (got \(order))") }
        guard ["text", "latex", "json", "swift"].contains(format) else {
            throw JacFailure.invalid("--format must be one of text, latex, json, swift (got '\(quoted(format))')")
        }
        guard let symbolicMode = SymbolicMode(rawValue: mode) else {
            throw JacFailure.invalid("--mode must be reverse or forward (got '\(quoted(mode))')")
        }
        let f = try loadFormula(file: file, formula: formula, vars: vars)
        let names = f.variables
        guard !names.isEmpty else { throw JacFailure.invalid("the formula has no variables to differentiate with respect to") }
        let columns = try selectedColumns(names)
        let point = try at.map { try Point.parse($0, variables: names) }
        // The Hessian is built one way whatever --mode says; a forward mode asked for and not
        // used was said nowhere (a review).
        if order == 2 && symbolicMode == .forward {
            throw JacFailure.invalid("--mode forward applies to first derivatives; --order 2 builds the Hessian one way (drop --mode)")
        }
        if order == 2 && f.outputs.count != 1 {
            throw JacFailure.invalid("--order 2 needs a formula with one output (this one has \(f.outputs.count))")
        }
        ExpressionGraph.shared.maximumNodeCount = try InputLimits.value(Self.graphNodesVariable) ?? ExpressionGraph.defaultMaximumNodeCount
        let derive = { () throws -> SymbolicJacobian in
            order == 2 ? try SymbolicDifferentiation.hessian(of: f, inputs: names.count, at: point?.doubles,
                                                              wrt: columns.count < names.count ? columns : nil)
                : try SymbolicDifferentiation.jacobian(of: f, inputs: names.count, mode: symbolicMode, at: point?.doubles, wrt: columns)
        }
        let d: SymbolicJacobian
        // Why no value is printed, when f or the derivative overflows Double at the point.
        var overflow: String? = nil
        do {
            d = try derive()
        } catch ADError.limitExceeded(let what, let limit) where what.contains("symbolic expression graph") || what.contains("symbolic derivation") {
            throw JacFailure(.evaluationFailure, "the derivative needs more than \(limit) expression nodes (\(Self.graphNodesVariable) raises the limit; each node takes a few hundred bytes)")
        } catch let e as SymbolicDifferentiation.NoRegion {
            throw JacFailure.invalid(noRegionMessage(e, names))
        } catch let e as ADError {
            // Bound to a point, building the second derivative evaluates the first there.
            guard let p = point else { throw unboundDomainError(e) }
            let failure = undefinedDerivative(e, f, at: p.doubles)
            // The expressions are the product and the value an extra: `jac diff "exp(x)" --at
            // x=1000` exited 3 ("value not finite") though its derivative exp(x) is exact there.
            // Where only Double's range is passed (f and the printed entries have no domain error
            // there, and no branch was chosen between values Double cannot hold), the
            // expressions are printed, without values, and the failure becomes a note, as for an
            // intermediate that overflows in evaluating them (see evaluate(_:at:of:)).
            guard case .nonFinite = e, functionDomainError(f, at: p.doubles) == nil,
                  let kept = try? SymbolicDifferentiation.$acceptingOverflow.withValue(true, operation: derive),
                  !hasDomainError(kept.jacobian.map { row in columns.map { row[$0] } }, at: p.doubles) else { throw failure }
            d = kept
            overflow = (failure as? JacFailure)?.message ?? "\(failure)"
        }
        if point == nil, case let kinked = d.kinkedOps(wrt: columns), !kinked.isEmpty {
            let ops = kinked.map(\.name).joined(separator: ", ")
            throw JacFailure.invalid("the derivative of \(ops) depends on which side of its kink the point lies; pass --at to choose it by a point")
        }
        let rows = d.jacobian.map { row in columns.map { row[$0] } }
        let labels = entryLabels(f, names, columns)
        let evaluated = overflow != nil ? nil : try point.flatMap { p in try evaluate(rows, at: p.doubles, of: f) }
        let values = evaluated?.values
        let limit = try InputLimits.value(Self.outputBytesVariable) ?? ExpressionPrinter.defaultMaxOutputBytes
        let text: String
        do {
            text = try render(rows, labels: labels, names: names, columns: columns, values: values, limit: limit)
        } catch ADError.limitExceeded(_, let limit) {
            throw JacFailure(.evaluationFailure, "the printed derivative exceeds the limit of \(limit) bytes (\(Self.outputBytesVariable) raises the limit; without --expand or --format json, shared subexpressions are printed once)")
        }
        print(text)
        // The notes below speak of the values just printed: before them, also through a pipe.
        fflush(nil)
        if let overflow {
            writeError("note: no value is printed: \(overflow); the printed expressions are the derivative there all the same "
                       + "(no branch was decided between values Double could not hold): only the value in Double is missing")
        }
        for note in constantSingularityNotes(rows, labels: labels, names: names) { writeError("note: " + note) }
        if let p = point, let evaluated, !evaluated.exact {
            for note in valueRoundingNotes(evaluated.values, at: p, of: f, columns: columns, labels: labels) { writeError("note: " + note) }
        }
        // At a kink (max at a tie, abs at 0) the printed value is the registry's convention there,
        // not a derivative: say so as `jacobian` and `check` do.
        if let p = point, let rec = try? record({ f($0) }, at: p.doubles) {
            for note in kinkNotes(rec.diagnostics.kinks, of: f, at: p.doubles) { writeError("note: " + note) }
            // A kink reached only by an underflow to 0 chose the branch of the expressions too:
            // `jac diff "relu(x^4)" --at x=1e-100` printed 0 for 4*x^3 with the kink note alone.
            if !rec.diagnostics.kinks.isEmpty {
                for kink in underflowKinks(recording: rec) {
                    writeError("note: \(kink); the expressions printed are the derivative on the side Double took, which need not be the point's")
                }
            }
            // As jac hessian says it of the same matrix (pow(x, y) at (0, 1) printed 1 and 0 as
            // the mixed entries with no word here).
            if order == 2, columns.count == names.count, let values {
                // Where a rule reports that no second derivative exists (pow at (0, 1), whose mixed
                // partial is unbounded), jac hessian refuses the point; the expressions printed for
                // the branch the rules took there hold near it, not at it.
                var noHessian: String? = nil
                do { _ = try hessian(of: f, at: p.doubles) } catch ADError.nonFinite(let what, let op?, let node) {
                    // Where the op is smooth a term overflowed: the Hessian may exist (x·log x at 10⁻³⁰⁰).
                    if let overflow = secondOrderOverflow(f, at: p.doubles, op: op, node: node) {
                        writeError("note: jac hessian cannot compute the Hessian in Double at this point: " + overflow
                                   + "; the printed values are the expressions' own")
                    } else {
                        noHessian = "note: no Hessian exists at this point: \(what) (from \(op)); the printed expressions are "
                            + "those of the rules' branch there, and jac hessian refuses the point"
                    }
                } catch {}
                // In variable order: --wrt y,x lists the columns permuted, and the permuted matrix
                // compared ∂²f/∂x² with ∂²f/∂y² as if they were the mixed entries (a false "a
                // rule's second derivative is suspect" for x²y³, and pow's real asymmetry unseen).
                var hessian = values
                for i in values.indices { for (k, j) in columns.enumerated() { hessian[i][j] = values[i][k] } }
                for note in asymmetryNotes(hessian, variables: names, atKink: kinksReachingInputs(rec.diagnostics.kinks, of: f, at: p.doubles).contains(true),
                                           noHessian: noHessian != nil) { writeError("note: " + note) }
                if let noHessian { writeError(noHessian) }
            }
        }
        if point == nil, !d.unboundComparisons.isEmpty {
            writeError("note: " + unboundComparisonNote(d.unboundComparisons, at: d.genericPoint, names: names))
        }
        if let p = point, !d.boundComparisons.isEmpty {
            writeError("note: \(d.boundComparisons.count) branch decision(s) in the rules were taken at \(describePoint(names, p.doubles.map(Cell.double))); the printed derivative holds where they go the same way")
        }
    }

    /// What the rules decided without a point: some choose a form for accuracy (expm1′ is eˣ for
    /// x < −1, expm1(x) + 1 above, which at −40 evaluates to 0 for 4.2e-18) or test a value
    /// (pow's x == 0), and without --at all of them are decided at one point the library chose
    /// (``SymbolicJacobian/genericPoint``). The printed form is then the one for that point's
    /// region, and jac diff said nothing of it (a review).
    func unboundComparisonNote(_ comparisons: [String], at point: [Double]?, names: [String]) -> String {
        let distinct = comparisons.map { renamed($0, names) }.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        let shown = distinct.prefix(3).joined(separator: "; ") + (distinct.count > 3 ? "; …" : "")
        let at = point.map { " at \(describePoint(names, $0.map(Cell.double)))" } ?? ""
        return "the rules chose their form by comparing values, and without --at they were decided\(at), a point chosen "
            + "reproducibly away from every kink (\(shown)): the printed derivative is that form, which holds where those "
            + "comparisons go the same way and for other values may round worse or be undefined; --at a point chooses the forms for that point"
    }

    /// A comparison as the log writes it (over x0, x1, …) with the formula's variable names, in
    /// one pass so that names like x1, x2 do not rename each other.
    /// Why `jac diff` without --at gives no derivative, read as its user reads it: which comparison
    /// decided, at which point (jac's own choice, named by the variables) and at which nearby
    /// point it went the other way, and what to pass. The point and the nearby one were printed
    /// as "at [2.59…]" inside the reason and "at x = 2.59…" after it, which read as one clause
    /// ("rounding's at x = …") and left the user to guess which point was whose.
    func noRegionMessage(_ e: SymbolicDifferentiation.NoRegion, _ names: [String]) -> String {
        let reason = renamed(e.reason, names)
        guard let point = e.point else {
            return "without --at, the comparisons in the rules and the formula describe no region of the variables: \(reason); "
                + "pass --at with a point where the formula is defined"
        }
        let at = describePoint(names, point.map(Cell.double))
        var text = "without --at, the comparisons in the rules and the formula describe no region of the variables: jac decided "
            + "them at a point of its own choosing, \(at), and \(reason)"
        if let nearby = e.nearby {
            text += "; the nearby point is \(describePoint(names, nearby.map(Cell.double)))"
            if let d = e.relativeDistance { text += ", \(d) (relative) away" }
        }
        let example = zip(names, point).map { "\($0)=\($1)" }.joined(separator: ",")
        return text + ". A derivative taken there would hold on no region around the point; pass --at to choose the point, "
            + "and with it the branch (for example --at \(example))"
    }

    func renamed(_ text: String, _ names: [String]) -> String {
        var out = "", i = text.startIndex
        while i < text.endIndex {
            let c = text[i]
            let startsWord = i == text.startIndex || !(text[text.index(before: i)].isLetter || text[text.index(before: i)].isNumber || text[text.index(before: i)] == "_")
            if c == "x", startsWord {
                let digits = text[text.index(after: i)...].prefix { $0.isNumber }
                let end = text.index(i, offsetBy: 1 + digits.count)
                let endsWord = end == text.endIndex || !(text[end].isLetter || text[end] == "_")
                if !digits.isEmpty, endsWord, let k = Int(digits), k < names.count {
                    out += names[k]
                    i = end
                    continue
                }
            }
            out.append(c)
            i = text.index(after: i)
        }
        return out
    }

    /// Notes for entries whose expression holds a constant subexpression (no variable in it) that
    /// is not finite in Double, or divides by one that is 0, as the derivatives of sqrt(x-x)*y
    /// (y/sqrt(0)) and sqrt(x^2-x^2) (0.5/sqrt(0)) do: the chain rule met an infinite partial at a
    /// point every input reaches, so wherever that term counts the printed expression is ±∞ or
    /// NaN in Double. Without --at nothing else evaluates the entries, and jac diff printed such
    /// expressions with no word.
    func constantSingularityNotes(_ rows: [[Symbolic]], labels: [[String]], names: [String]) -> [String] {
        let graph = ExpressionGraph.shared
        var constant: [Int: Bool] = [:]
        var finite: [Int: Bool] = [:]  // of constant nodes, in Double
        func text(_ id: Int) -> String {
            (try? ExpressionPrinter(variables: names, syntax: .formula, expand: true).print([id]).roots.first) ?? "a constant"
        }
        var notes: [String] = []
        var roundedConstants = Set<Int>(), beyondRange: [Int: String] = [:], fractions: [(text: String, double: Double)] = []
        // An integer of hundreds of digits, shortened: its leading digits and its power of ten.
        func magnitude(_ c: Rational) -> String {
            let digits = c.description.filter(\.isNumber)
            let sign = c < 0 ? "-" : ""
            return "\(sign)\(digits.prefix(1)).\(digits.dropFirst().prefix(5))e+\(digits.count - 1)"
        }
        for (row, rowLabels) in zip(rows, labels) {
            for (entry, label) in zip(row, rowLabels) {
                guard let order = try? graph.reachable(from: [entry.id]) else { continue }
                var found: String? = nil
                for i in order where found == nil {  // children before parents: the smallest culprit
                    guard let node = graph.node(i) else { continue }
                    if constant[i] == nil {
                        switch node.head {
                        case .variable: constant[i] = false
                        case .constant(let c):
                            constant[i] = true
                            if c.printsAsNearestDouble { roundedConstants.insert(i) }
                            if c.isInteger && !c.approximateDouble.isFinite { beyondRange[i] = magnitude(c) }
                            // Printed as p/q, a constant no decimal or Double shows exactly.
                            if !c.isNaN, !c.isInteger, !c.printsAsNearestDouble, case let t = text(i), t.contains("/"),
                               !fractions.contains(where: { $0.text == t }) {
                                fractions.append((t, c.approximateDouble))
                            }
                        case .op, .call: constant[i] = node.arguments.allSatisfy { constant[$0] ?? false }
                        }
                        // An exact constant beyond Double's range (1e309) is a value, not a singularity.
                        if constant[i] == true, case .op = node.head {
                            finite[i] = (try? graph.evaluate([i], at: [Double]())) != nil
                        }
                    }
                    if constant[i] == true, finite[i] == false {
                        found = "holds \(text(i)), which is ±∞ or NaN in Double"
                    } else if case .op(.div) = node.head, constant[node.a] == false, constant[node.b] == true,
                              let d = try? graph.evaluate([node.b], at: [Double]()), d.first == 0 {
                        found = "divides by \(text(node.b)), which is 0 whatever the variables"
                    }
                }
                if let found {
                    notes.append("\(label) \(found) (the chain rule met an infinite derivative at a point every input "
                                 + "reaches): wherever that term counts, the printed expression is ±∞ or NaN; "
                                 + "jac check --at a point shows what each mode gives")
                }
            }
        }
        if !roundedConstants.isEmpty {
            notes.append("\(roundedConstants.count) exact constant(s) whose numerator or denominator is beyond Double's range "
                         + "are printed rounded to the nearest Double (as p/q they would evaluate to ∞/∞ in Double)")
        }
        // `jac diff "x^(1/3)"` printed 1/3·pow(x, −(2/3)) beside numeric modes that use the Double
        // 0.333…3148 for 1/3, and neither said which the printed 1/3 is. It is one third: the
        // folding is exact, so the expressions are the derivative over the reals of the formula as
        // written; each number after '=' evaluates them in Double.
        if !fractions.isEmpty {
            let shown = fractions.prefix(3).map { "\($0.text) (\(jac.format($0.double)) in Double)" }.joined(separator: ", ")
                + (fractions.count > 3 ? ", …" : "")
            notes.append("constants are exact: \(shown) \(fractions.count == 1 ? "is printed as an exact fraction" : "are printed as exact fractions"), "
                         + "so the expressions are the derivative of the formula over the reals with its constants exact; "
                         + "evaluated in Double (the value after '=' with --at, --format swift, jac eval) each is rounded to the "
                         + "Double shown, as the numeric modes round the formula's own constants")
        }
        for (_, c) in beyondRange.sorted(by: { $0.key < $1.key }).prefix(3) {
            notes.append("the printed expression holds the exact constant ≈ \(c), beyond Double's range: "
                         + "evaluated in Double that constant is ±∞, and jac jacobian --at a point gives the numeric value")
        }
        return notes
    }

    /// Bounds the nodes of the expression graph (default ``ExpressionGraph/defaultMaximumNodeCount``).
    static let graphNodesVariable = "JAC_MAX_EXPRESSION_NODES"

    /// The registry's ops with kinks whose derivative is one side's: what makes `jac diff` ask for
    /// --at (``SymbolicJacobian/kinkedOps``). The others declare ``OpInfo/ruleIsOneFormulaAcrossKinks``
    /// (hypot's is x/hypot(x, y), y/hypot(x, y) on every side): ``oneFormulaOpNames``.
    static let kinkedOpNames = kinkedOps(oneFormula: false)

    /// The registry's ops with kinks whose derivative is one formula on every side of them.
    static let oneFormulaOpNames = kinkedOps(oneFormula: true)

    /// The names of the registry's ops with kinks that do (or do not) declare
    /// ``OpInfo/ruleIsOneFormulaAcrossKinks``, comma-separated.
    static func kinkedOps(oneFormula: Bool) -> String {
        Op.allCases.filter {
            if case .kinks = $0.info.smoothness { return $0.info.ruleIsOneFormulaAcrossKinks == oneFormula }
            return false
        }.map(\.info.name).joined(separator: ", ")
    }

    /// Bounds the printed derivative's bytes (default ``ExpressionPrinter/defaultMaxOutputBytes``).
    static let outputBytesVariable = "JAC_MAX_OUTPUT_BYTES"

    func selectedColumns(_ names: [String]) throws -> [Int] {
        guard let wrt else { return Array(names.indices) }
        guard wrt.contains(where: { $0 != "," && $0 != " " }) else {
            throw JacFailure.invalid("--wrt names no variable (\(listVariables(names)))")
        }
        // A dictionary, not names.firstIndex per name: quadratic in a long --wrt list.
        let index = Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        var seen = Set<Int>()
        return try nameList(wrt, option: "--wrt").map { v in
            guard let j = index[v] else {
                throw JacFailure.invalid("--wrt names '\(quoted(v))', which is not a variable (\(listVariables(names)))")
            }
            // As --vars does: a repeated name printed every column (and JSON "wrt" entry) twice.
            guard seen.insert(j).inserted else { throw JacFailure.invalid("--wrt lists '\(quoted(v))' twice") }
            return j
        }
    }

    /// The entries' names, which the Swift output also declares as constants (their letters,
    /// digits and underscores). Names run together can collide: `--order 2` named both the
    /// (x, dy) and the (xd, y) entry of a function of x, dy, xd, y "d2f/dxddy", and `--format
    /// swift` declared `d2fdxddy` twice. Then an underscore separates the parts, and where even
    /// that collides (names with underscores of their own) the entry's indices are appended.
    func entryLabels(_ f: Formula, _ names: [String], _ columns: [Int]) -> [[String]] {
        func labels(_ sep: String) -> [[String]] {
            if order == 2 {
                let out = f.outputNames[0]
                return names.indices.map { i in columns.map { "d2\(out)/d\(names[i])\(sep)d\(names[$0])" } }
            }
            return f.outputNames.map { out in columns.map { "d\(out)/d\(sep)\(names[$0])" } }
        }
        // A Swift constant named like a variable shadows it (f(x, dfdx, y) declared `let dfdx`,
        // and a later line read the derivative for the variable).
        let variables = Set(names)
        func distinct(_ l: [[String]]) -> Bool {
            let flat = l.joined()
            let swift = flat.map(Self.swiftName)
            return Set(flat).count == flat.count && Set(swift).count == flat.count && variables.isDisjoint(with: swift)
        }
        for candidate in [labels(""), labels("_")] where distinct(candidate) { return candidate }
        return labels("_").enumerated().map { i, row in row.enumerated().map { k, l in "\(l)_\(i)_\(columns[k])" } }
    }

    /// A label as the Swift output's constant name.
    static func swiftName(_ label: String) -> String { label.filter { $0.isLetter || $0.isNumber || $0 == "_" } }

    /// The entries' values at `x`: in Double, or exactly (rounded once) where Double cannot be
    /// trusted. A printed expression can leave Double's range where the derivative does not: the
    /// quotient rule on x²/x³⁰⁰ divides by (x³⁰⁰)², which is ∞ at x = 10 (the entry printed
    /// 2e-299 for −2.98e-297) and 0 at x = 0.1 ("not defined" for −2.98e301). Rational ops are
    /// then evaluated exactly; with other ops no value is printed (nil), and a note says why: the
    /// Double value through ∞ can be wrong in sign (sin(x)²/x³⁰⁰ at 10 gave 9.1e-301 for −8.0e-300).
    /// `exact`: whether the values were evaluated exactly (each rounded once), so no rounding
    /// inside the formula moved them.
    func evaluate(_ rows: [[Symbolic]], at x: [Double], of f: Formula) throws -> (values: [[Double]], exact: Bool)? {
        let flat = rows.flatMap { $0 }.map(\.id)
        var v: [Double]
        var exactly = false
        do {
            v = try value(of: GraphFunction(roots: flat, inputs: x.count), at: x)
            if intermediateIsNotFinite(flat, at: x) {
                guard let exact = exactValues(flat, at: x) else {
                    writeError("note: no value is printed: an intermediate of the printed derivative is ±∞ or NaN in Double "
                               + "at this point and not every op is rational, so it cannot be evaluated exactly either; "
                               + "jac jacobian computes the derivative there, and jac check compares the modes")
                    return nil
                }
                (v, exactly) = (exact, true)
            }
        } catch let e as ADError {
            guard let exact = exactValues(flat, at: x) else { throw undefinedDerivative(e, f, at: x) }
            (v, exactly) = (exact, true)
        }
        var k = 0
        return (rows.map { row in row.map { _ in defer { k += 1 }; return v[k] } }, exactly)
    }

    /// Notes on the values printed in Double whose rounding inside the formula can move them from
    /// the derivative by more than jac's reliability threshold, as jac jacobian and jac hessian
    /// judge their entries (``roundingNotes(_:names:variables:singularRows:entryName:)``), with
    /// the bounds of forward and reverse mode, or of the Hessian (``hessianRoundingBounds(of:at:output:)``):
    /// the expressions are the registry's rules, and evaluated in Double they round f's
    /// intermediates as the modes do. `jac diff "(1-cos(x))/x^2" --order 2 --at x=1e-3` printed
    /// −0.08338030544 for −0.0833333167 (mpmath) with no note.
    func valueRoundingNotes(_ values: [[Double]], at p: Point, of f: Formula, columns: [Int], labels: [[String]]) -> [String] {
        guard let first = Diagnostics.quietly({ try? CoreEngine(mode: .reverse).jacobian(of: f, at: p) }) else { return [] }
        let singular = rowsAtSingularPoint(f, first)
        let n = f.variables.count
        let full: [[Double]]?
        if order == 2 {
            guard singular.isEmpty else { return [] }
            full = hessianRoundingBounds(of: f, at: p.doubles)
        } else {
            full = first.roundingBounds
        }
        let bounds = full.map { b in values.indices.map { i in columns.map { j in i < b.count && j < b[i].count ? b[i][j] : .nan } } }
        // A Hessian row of zeros is judged against its gradient entry, as jac hessian's is.
        let rowValues = order == 2 ? (first.jacobian.first ?? []) : first.value
        let r = ModeResult(point: p.doubles.map(Cell.double), value: rowValues,
                           jacobian: values.map { $0.map { Cell.double($0) } }, roundingBounds: bounds)
        var notes = roundingNotes(r, names: order == 2 ? Array(f.variables.prefix(values.count)) : f.outputNames,
                                  variables: columns.map { f.variables[$0] }, singularRows: order == 2 ? [] : singular,
                                  entryName: { i, k in labels[i][k] })
        if order == 2 && full == nil && n > 0 {
            notes.append("the Hessian's values were not bounded for rounding (\(n) variables: past what jac spends on that bound), "
                         + "so where the formula cancels they may be wrong in their leading digits with no note")
        }
        return notes
    }

    /// Whether evaluating `rows` at `x` in Double meets a domain error (a division by zero, a
    /// square root of a negative): then the derivative is not defined there, whatever overflows.
    func hasDomainError(_ rows: [[Symbolic]], at x: [Double]) -> Bool {
        do { _ = try ExpressionGraph.shared.evaluate(rows.flatMap { $0 }.map(\.id), at: x) } catch ADError.domain { return true } catch {}
        return false
    }

    /// Whether a node the expressions read is ±∞ or NaN in Double at `x`.
    func intermediateIsNotFinite(_ roots: [Int], at x: [Double]) -> Bool {
        guard let nodes = try? ExpressionGraph.shared.reachable(from: roots) else { return false }
        do { _ = try ExpressionGraph.shared.evaluate(nodes, at: x) } catch ADError.nonFinite { return true } catch {}
        return false
    }

    /// The expressions evaluated in exact rationals at `x` and rounded once, or nil when an op is
    /// not rational (sin, exp, …), a domain error holds exactly too, the work or size of the
    /// numbers passes the exact limits, or a value lies beyond Double's range.
    func exactValues(_ roots: [Int], at x: [Double]) -> [Double]? {
        let exact = try? Rational.withWorkLimit { () throws -> [Rational] in
            try ExpressionGraph.shared.evaluate(roots, at: x.map { Rational($0) })
        }
        guard let exact else { return nil }
        let rounded = exact.map { $0.doubleValue }
        return rounded.allSatisfy { $0.isFinite } ? rounded : nil
    }

    /// A domain or non-finite error met while evaluating the derivative's expressions at `x`.
    /// The failing node is one of the derivative's own (the division in sqrt's 0.5/sqrt(x)),
    /// unknown to the user: the numeric mode on the formula names the user's op instead.
    func undefinedDerivative(_ e: ADError, _ f: Formula, at x: [Double]) -> Error {
        switch e {
        case .domain, .nonFinite: break
        default: return e
        }
        // The function itself outside its domain (log at −1): "the derivative is not defined"
        // said less than is true, where jac jacobian says the evaluation failed in log.
        if let outside = functionDomainError(f, at: x) { return JacFailure(classifying: outside) }
        // Nor is it undefined where Double only reaches a singular point through an underflow.
        if let why = underflowIntoSingularity(f, at: x) {
            return JacFailure(.evaluationFailure, "the derivative cannot be evaluated in Double at "
                              + "\(describePoint(f.variables, x.map(Cell.double))): " + why)
        }
        var reason = "\(e)"
        do {
            if order == 2 {
                // The numeric Hessian has every column: with --wrt naming some, its first failure
                // may be in one not asked for (sqrt(y) at 0 named beside x^1.5's own at 0), so
                // the symbolic error, which is about the columns asked for, stands.
                if ((try? selectedColumns(f.variables))?.count ?? 0) == f.variables.count { _ = try hessian(of: f, at: x) }
            } else {
                let numeric: JacobianMode = mode == "forward" ? .forward : .reverse
                let r = try explainingNonFiniteEntries(f, at: x, mode: numeric) { try jacobian(of: f, at: x, mode: numeric) }
                // The numeric mode prints a Jacobian here: at a singular point only zero tangents
                // or cotangents reached it (0·∞ taken as 0), but the printed expression still
                // divides by √0 there (sqrt(x^2 + y^2) at (0, 0) in forward mode). Say both, not
                // only an error at one of the expression's own nodes.
                if r.diagnostics.kinks.contains(where: { $0.op.info.convention?.contains("singular point") == true }) {
                    reason = "\(e) in the printed expression; jac jacobian --mode \(numeric.rawValue) gives "
                        + jsonMatrix(r.jacobian.map { $0.map(Cell.double) })
                        + " here because only zero tangents or cotangents reached a singular point (0·∞ taken as 0): a convention, not a derivative"
                }
            }
        } catch let failure as JacFailure {
            // The entry and singular point, as jac jacobian names them.
            let prefix = "evaluation failed: "
            reason = failure.message.hasPrefix(prefix) ? String(failure.message.dropFirst(prefix.count)) : failure.message
        } catch { reason = "\(error)" }
        // The library numbers outputs from 0; jac names them.
        reason = namingOutputs(reason, f.outputNames)
        // The function itself not finite (x^1000000 at 2 overflows): its derivative is defined
        // there; Double cannot hold the value. "Not defined" said otherwise. With a finite value
        // (1/(1 + exp(x)) at 710 is 4.5e-309), an intermediate overflowed: that was called the
        // function's value too.
        if case .nonFinite = e {
            let valueIsFinite = Diagnostics.quietly { f(x) }.allSatisfy(\.isFinite)
            let at = describePoint(f.variables, x.map(Cell.double))
            // Where every op is rational, whether the entry itself is beyond the range is known:
            // x*y*1e308 at (10, 0.1) has ∂f/∂y = 10³⁰⁹, and "its value may still be finite" left
            // the user to find that out.
            if valueIsFinite, let beyond = exactEntryBeyondDouble(f, at: x) {
                return JacFailure(.evaluationFailure, "the derivative is beyond Double's range at \(at): \(beyond), "
                    + "which Double cannot hold (jac jacobian --mode exact gives it exactly)")
            }
            return JacFailure(.evaluationFailure, valueIsFinite
                ? "the derivative cannot be evaluated in Double at \(at): an intermediate is not finite there (\(reason)); its value may still be finite"
                : "the function's value is not finite in Double at \(at): \(reason)")
        }
        return JacFailure(.evaluationFailure, "the derivative is not defined at \(describePoint(f.variables, x.map(Cell.double))): \(reason)")
    }

    /// The domain error of evaluating `f` itself at `x` (not its derivative), or nil when the
    /// function is defined there.
    func functionDomainError(_ f: Formula, at x: [Double]) -> ADError? {
        do {
            _ = try record({ f($0) }, at: x, finiteOutputs: false)
        } catch let e as ADError {
            if case .domain = e { return e }
        } catch {}
        return nil
    }

    /// A domain error met without a point, with the variables' missing values (NaN) named as what
    /// they are. Unbound, a side that depends on the variables counts as large and positive,
    /// inside every domain, so the op's refusal comes from its constant side and holds for every
    /// value: `(-2)^x` printed "(inputs: -2.0, nan)", as if a NaN had been given.
    func unboundDomainError(_ e: ADError) -> Error {
        guard case let .domain(op, node, inputs, reason) = e, inputs.contains(where: \.isNaN) else { return e }
        let shown = inputs.map { $0.isNaN ? "an expression in the variables" : "\($0)" }.joined(separator: ", ")
        let at = node.map { " at node \($0)" } ?? ""
        return JacFailure(.evaluationFailure, "the formula is not defined for any value of the variables: domain error in "
            + "\(op)\(at): \(reason) (inputs: \(shown))")
    }

    /// The first Jacobian entry asked for (--wrt) whose exact value is beyond Double's range, as
    /// "df/dy = ≈ 1.000000000000000e+309"; nil for --order 2, a formula exact mode cannot run, or
    /// when every such entry is finite (then an intermediate overflowed, not the value).
    func exactEntryBeyondDouble(_ f: Formula, at x: [Double]) -> String? {
        guard order == 1, f.exactObstacle == nil, let columns = try? selectedColumns(f.variables),
              let exact = try? exactJacobian(of: f, at: x) else { return nil }
        let labels = entryLabels(f, f.variables, columns)
        for (i, row) in exact.jacobian.enumerated() {
            for (k, j) in columns.enumerated() where !row[j].doubleValue.isFinite {
                let shown = readableExact(row[j].description)
                return "\(labels[i][k]) = \(shown.rounded ? shown.text : shown.text + " exactly")"
            }
        }
        return nil
    }

    func render(_ rows: [[Symbolic]], labels: [[String]], names: [String], columns: [Int], values: [[Double]]?,
                limit: Int) throws -> String {
        let flat = rows.flatMap { $0 }.map(\.id)
        if format == "json" {
            let printed = try ExpressionPrinter(variables: names, syntax: .formula, expand: true, maxOutputBytes: limit).print(flat).roots
            // The limit covers what is printed, not only the expressions: 4,096 variables at
            // --order 2 printed 370 MB of labelled zeros under a limit their expressions met.
            var total = 0
            for text in printed {
                total += text.utf8.count + 4   // quotes and the separator
                if total > limit { throw ADError.limitExceeded(what: "printed derivative", limit: limit) }
            }
            var k = 0
            let matrix = rows.map { row in "[" + row.map { _ in defer { k += 1 }; return json(printed[k]) }.joined(separator: ", ") + "]" }
            var fields = [("variables", "[" + names.map(json).joined(separator: ", ") + "]"),
                          ("wrt", "[" + columns.map { json(names[$0]) }.joined(separator: ", ") + "]"),
                          (order == 2 ? "hessian" : "jacobian", "[" + matrix.joined(separator: ", ") + "]")]
            if let values {
                fields.append(("values", "[" + values.map { "[" + $0.map { json(Cell.double($0)) }.joined(separator: ", ") + "]" }.joined(separator: ", ") + "]"))
            }
            let object = "{" + fields.map { "\(json($0.0)): \($0.1)" }.joined(separator: ", ") + "}"
            if object.utf8.count > limit { throw ADError.limitExceeded(what: "printed derivative", limit: limit) }
            return object
        }
        let syntax: ExpressionSyntax = format == "latex" ? .latex : (format == "swift" ? .swift : .formula)
        let printer = ExpressionPrinter(variables: names, syntax: syntax, expand: expand, maxOutputBytes: limit)
        let out = try printer.print(flat)
        var lines: [String] = []
        var total = 0
        // Counted as lines are made, so a limit reached stops before the rest is built.
        func append(_ line: String) throws {
            total += line.utf8.count + (lines.isEmpty ? 0 : 1)   // the text joins lines with "\n"
            if total > limit { throw ADError.limitExceeded(what: "printed derivative", limit: limit) }
            lines.append(line)
        }
        for (name, text) in out.definitions {
            switch syntax {
            case .formula: try append("\(name) = \(text)")
            case .latex: try append("\(printer.printedName(name)) &= \(text) \\\\")
            case .swift: try append("let \(name) = \(text)")
            }
        }
        var k = 0
        for (i, row) in labels.enumerated() {
            for (j, label) in row.enumerated() {
                let text = out.roots[k]
                k += 1
                let value = values.map { "    (= \($0[i][j]))" } ?? ""
                switch syntax {
                case .formula: try append("\(label) = \(text)\(value)")
                // Escaped as the printer escapes variable names: `_` is TeX's subscript.
                case .latex: try append("\\mathrm{\(label.replacingOccurrences(of: "_", with: "\\_"))} &= \(text) \\\\")
                case .swift: try append("let \(Self.swiftName(label)) = \(text)")
                }
            }
        }
        return lines.joined(separator: "\n")
    }
}
