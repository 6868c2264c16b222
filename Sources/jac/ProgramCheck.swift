import Adjoint
import ArgumentParser
import Foundation

/// The formats a program check prints: no CSV, whose one row per entry would need a table of
/// its own per point.
enum ProgramOutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json
}

/// `jac check --program "CMD ARGS" --inputs N`: a program in any language as the function, its own
/// Jacobian checked against the difference ladder (`checkBlackBoxJacobian`). Reached from
/// main.swift when `check` is given `--program`, so `jac check FORMULA` keeps its own parser.
struct ProgramCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jac check",
        abstract: "Check the Jacobian a program computes against differences of the same program.",
        discussion: """
        The program is started once (through /bin/sh) and answers one JSON line per \
        request, flushed as it is written (Python: print(..., flush=True)):
          request  {"x": [1.5, -2]}
          reply    {"y": [0.25]}
          request  {"x": [1.5, -2], "want": "jacobian"}
          reply    {"y": [0.25], "jacobian": [[0.5, 1]]}

        With --derivative jvp or vjp the request carries "jvp": v (reply "jvp": J·v, \
        one per output) or "vjp": u (reply "vjp": uᵀJ, one per input), v and u drawn \
        from --seed. A reply may always include "jacobian"; NaN/Infinity are accepted \
        as numbers. Inputs are named x0, x1, ... in --at, --domain and the table, \
        and outputs f0, f1, ... (y[0] first) in the table and its failure lines; \
        --input-names W1[0,0],W1[0,1],... (or @FILE, one name a line) and \
        --output-names name them in your terms in the messages, beside the x-name. The \
        program is a black box: no AD mode can run on it, so the witnesses are central differences, the adaptive \
        embedded stencil and Richardson extrapolation of its own outputs.

        With random points (--samples, --domain) the first failing one is shrunk \
        towards 0, ±1 and short decimals while an entry stays wrong (up to \(ProgramCheckCommand.maxShrinkInputs) \
        inputs), and printed with the --at= that reruns it; with --format json it \
        is that point's "shrunk".

        EXIT STATUS
        0 every entry of the program's Jacobian (or J·v, uᵀJ) agrees, or sits at a \
        kink with a value between the one-sided derivatives. 1 an entry is \
        rule-wrong, non-finite or outside the one-sided derivatives at a kink \
        ("wrong"), or cannot be confirmed (fd-inconclusive, a kink unresolved: "not \
        confirmed"), as for a formula. 2 usage or protocol error (a line that is not the protocol, wrong \
        lengths). 3 evaluation failure (the program exited, crashed, timed out, spent \
        the budget or returned NaN at the point).

        EXAMPLES
          jac check --program "python3 model.py" --inputs 3 --at 0.5,-1,2
          jac check --program "python3 model.py" --inputs 2 --samples 5 --seed 7 \\
              --domain x0=positive,x1=[-1,1]
        """)

    @Option(help: ArgumentHelp("The program and its arguments, run with /bin/sh -c.", valueName: "command"))
    var program: String
    @Option(help: "Number of inputs n (the length of x).") var inputs: Int
    @Option(help: "Number of outputs m (default: learnt from the first reply).") var outputs: Int?
    @Option(parsing: .unconditional, help: ArgumentHelp("The point: 1,2 or x0=1,x1=2.", valueName: "point"))
    var at: String?
    @Option(help: ArgumentHelp("CSV file of points, header x0,x1,...", valueName: "file.csv")) var points: String?
    @Option(help: ArgumentHelp("Random points: per-input domains positive, negative, real or [a,b]; unnamed inputs are real ([-2, 2]).",
                               valueName: "x0=positive,x1=[-1,1]"))
    var domain: String?
    @Option(help: "Random points drawn from --domain (alone: every input real, [-2, 2]). (default: 3 with --domain)")
    var samples: Int?
    @Option(help: "Seed of the random points.") var seed: UInt64 = 1
    @Option(help: "Seconds to wait for one reply before killing the program.") var timeout = 10.0
    @Option(help: "Seconds for the whole check.") var budget = 300.0
    @Option(help: "Most requests sent to the program in total.") var maxRequests = 100_000
    @Option(help: "What the program is asked for: jacobian (the full matrix), jvp (J·v for a random v) or vjp (uᵀJ for a random u).")
    var derivative: ProgramDerivative = .jacobian
    @Flag(help: "Check J·v along one random direction first (a few requests whatever n is) and entry by entry only when that fails or cannot resolve a nonzero entry (terms of very different sizes); an entry claimed 0 is judged only as far as J·v resolves it.")
    var directionalFirst = false
    @Option(help: "The program's standard error: pass (shown as it runs), capture (quoted when it fails) or discard.")
    var programStderr: ProgramStderr = .pass
    @Option(name: .customLong("format"), help: "Output format: table or json (JSON lines with several points).")
    var outputFormat: ProgramOutputFormat = .table
    @Option(help: ArgumentHelp("Names of the inputs for messages, x0's first: a comma list (commas inside brackets belong to a name, as in W[0,1]) or @FILE with one name a line. --at, --domain and the table keep x0, x1, ...",
                               valueName: "names"))
    var inputNames: String?
    @Option(help: ArgumentHelp("Names of the outputs for messages, y[0]'s first, as for --input-names.", valueName: "names"))
    var outputNames: String?
    @Option(help: "The program's arithmetic: float64, or float32 (a float32 model, PyTorch's and JAX's default), whose outputs carry Float rounding that differences must allow for.")
    var precision: ProgramPrecision = .float64
    @Option(help: ArgumentHelp("Relative tolerance of every entry, in place of the relative part each witness derives (its error estimate still counts): to accept a program that iterates to a tolerance (a solver stopped at 1e-8 is that far from the claim of its converged solution). The check's small-gap note suggests a value; below 1.",
                               valueName: "r"))
    var rtol: Double?

    func validate() throws {
        // `exec ` with nothing after it is a shell that exits at once: an empty command was
        // reported as "--program exited with status 0 while sending request 1" (status 3), which
        // blames a program that was never given.
        if program.trimmingSpaces().isEmpty {
            throw ValidationError("--program is empty: give the command that runs your program, e.g. --program \"python3 model.py\"")
        }
        // The check holds n unit directions of length n: 2000² doubles is 32 MB.
        guard inputs >= 1 && inputs <= 2000 else { throw ValidationError("--inputs must be between 1 and 2000") }
        if let outputs, outputs < 1 { throw ValidationError("--outputs must be at least 1") }
        guard timeout.isFinite && timeout > 0 else { throw ValidationError("--timeout must be a positive number of seconds") }
        guard budget.isFinite && budget > 0 else { throw ValidationError("--budget must be a positive number of seconds") }
        guard maxRequests >= 1 else { throw ValidationError("--max-requests must be at least 1") }
        if let samples, !(1...100_000).contains(samples) { throw ValidationError("--samples must be between 1 and 100000") }
        // --samples alone draws from the default domain: it was refused ("give exactly one of
        // --at, --points or --domain") though the help says unnamed inputs are real, and beside
        // --at it was ignored without a word.
        let sources = [at != nil, points != nil, domain != nil || samples != nil].filter { $0 }.count
        if sources != 1 {
            throw ValidationError(samples != nil && (at != nil || points != nil)
                ? "--samples draws random points (from --domain, or every input in [-2, 2]); it does not apply to --at or --points"
                : "give exactly one of --at, --points or --domain (or --samples K alone)")
        }
        if directionalFirst && derivative != .jacobian { throw ValidationError("--directional-first applies to --derivative jacobian") }
        // At 1 a claimed 0 is within the tolerance of every entry: such a check convicts nothing.
        if let rtol, !(rtol >= 0 && rtol < 1) { throw ValidationError("--rtol must be at least 0 and below 1, got \(rtol)") }
    }

    var variables: [String] { (0..<inputs).map { "x\($0)" } }
    /// Output i as the table labels its row (the library's f0, f1, …, 0-based as x0 and y[0] are):
    /// the failure lines said ∂f2 for the table's row f1.
    func tableOutput(_ i: Int) -> String { "f\(i)" }

    /// `--input-names` and `--output-names` read and counted against n (m is checked once the
    /// program has said it).
    func loadLabels() throws -> EntryLabels {
        var labels = EntryLabels()
        labels.inputs = try inputNames.map { try readNames($0, option: "--input-names") }
        labels.outputs = try outputNames.map { try readNames($0, option: "--output-names") }
        if let names = labels.inputs, names.count != inputs {
            throw JacFailure.invalid("--input-names gives \(names.count) name\(names.count == 1 ? "" : "s") for --inputs \(inputs)")
        }
        if let names = labels.outputs, let m = outputs, names.count != m {
            throw JacFailure.invalid("--output-names gives \(names.count) name\(names.count == 1 ? "" : "s") for --outputs \(m)")
        }
        return labels
    }

    /// The program's own count of outputs against `--output-names`, once its first reply gave it.
    func checkOutputNames(_ labels: EntryLabels, _ session: ProgramSession) throws {
        if let names = labels.outputs, let m = session.outputs, names.count != m {
            throw JacFailure.invalid("--output-names gives \(names.count) name\(names.count == 1 ? "" : "s"), but the program replied with \(m) output\(m == 1 ? "" : "s")")
        }
    }

    func loadPoints() throws -> [[Double]] {
        let points = try loadPointsAsGiven()
        guard precision == .float32 else { return points }
        // A float32 program sees Float inputs: the check runs at the Float point, said when it moves.
        return try points.map { x in
            try zip(variables, x).map { name, v in
                let f = Float(v)
                guard f.isFinite, f != 0 || v == 0 else {
                    throw JacFailure.invalid("\(name) = \(format(v)) has no Float value (--precision float32; Float's range is about 1.2e-38 to 3.4e38)")
                }
                if Double(f) != v { writeError("note: \(name) = \(format(v)) is not a Float; --precision float32 checks at \(format(Double(f))) (the nearest Float)") }
                return Double(f)
            }
        }
    }

    func loadPointsAsGiven() throws -> [[Double]] {
        if let at { return [try Point.parse(at, variables: variables, owner: "--inputs gives", noun: "input").doubles] }
        if let points { return try readPoints(path: points, variables: variables).map(\.doubles) }
        let domains = try parseDomains(domain ?? "", variables: variables)
        var rng = SeededGenerator(seed: seed)
        return (0..<(samples ?? 3)).map { _ in domains.map { $0.sample(&rng) } }
    }

    func run() throws {
        let xs = try loadPoints()
        let labels = try loadLabels()
        var limits = ProgramLimits()
        limits.timeout = timeout; limits.budget = budget; limits.maxRequests = maxRequests
        let session = try ProgramSession(command: program, inputs: inputs, outputs: outputs, limits: limits, stderr: programStderr)
        defer { session.stop() }
        var failures: [PointLine] = []
        func describeComponent(_ e: EntryCheck) -> String {
            let kind = derivative == .jvp ? "J·v" : "uᵀJ"
            let index = derivative == .jvp ? e.output : e.input
            let name = derivative == .jvp ? labels.output(index) : labels.input(index)
            return "(\(kind))[\(index)]\(name.map { " (\($0))" } ?? ""): \(e.verdict.name), program \(e.subjects.first.map { format($0.value) } ?? "?")"
                + (e.witnessValue.map { ", \(e.witness ?? "witness") gives \(format($0))" } ?? "")
        }
        // Entries no witness could decide (or whose kink was unresolved): status 1 as well, as for
        // a formula with or without --claimed, but not what shrinking looks for.
        var unconfirmed: [PointLine] = []
        var undecided: [EntryCheck] = []
        var outputsText: [String] = []
        // The first failing point and its wrong entries, whose columns shrinking judges first.
        var firstFailing: (x: [Double], wrong: [EntryCheck])?
        // With --format json, that point's object and its place among the outputs, which the
        // shrunk point joins before anything is printed.
        var firstFailingJSON: (index: Int, value: JSONValue)?
        // The program's values and Jacobians as replied, for the float32 hint when the check fails.
        var replied: [Double] = []
        for (k, x) in xs.enumerated() {
            let at = xs.count > 1 ? "point \(k + 1) (\(zip(variables, x).map { "\($0) = \(format($1))" }.joined(separator: ", "))): " : ""
            let before = session.requests
            if derivative != .jacobian {
                let (report, direction) = try checkProduct(session, x: x, point: k, prefix: at)
                try checkOutputNames(labels, session)
                let cost = session.requests - before
                let kind = derivative == .jvp ? "J·v" : "uᵀJ"
                let bad = claimedFailures(report, subject: "program")
                failures += bad.map { PointLine(point: k, text: describeComponent($0)) }
                if !bad.isEmpty && firstFailing == nil { firstFailing = (x, bad) }
                undecided += unconfirmedEntries(report, subject: "program")
                unconfirmed += unconfirmedEntries(report, subject: "program").map { PointLine(point: k, text: describeComponent($0)) }
                let vector = (derivative == .jvp ? "v" : "u") + " = [" + direction.map(format).joined(separator: ", ") + "]"
                switch outputFormat {
                case .json:
                    var value = report.jsonValue
                    if case .object(var pairs) = value {
                        pairs += [("program", .string(program)), ("derivative", .string(derivative.rawValue)),
                                  (derivative == .jvp ? "direction" : "cotangent", .array(direction.map { .number($0) })),
                                  ("requests", .object([("total", .integer(cost))]))] + labelPairs(labels)
                        value = .object(pairs)
                    }
                    if !bad.isEmpty && firstFailingJSON == nil { firstFailingJSON = (outputsText.count, value) }
                    outputsText.append(jacJSON(value, pretty: xs.count == 1))
                case .table:
                    outputsText.append((xs.count > 1 ? "point \(k + 1) of \(xs.count)\n" : "")
                        + "\(kind) with \(vector) (\(derivative == .jvp ? "row fᵢ, column v, is (J·v)ᵢ" : "row uᵀf, column xⱼ, is (uᵀJ)ⱼ"))\n"
                        + report.renderTable() + "\nrequests: \(cost) for this point\n"
                        + "black box: no AD mode can run on a program, so the witnesses are differences of its outputs only")
                }
                continue
            }
            let claimed: [[Double]]
            do {
                let reply = try session.request(x, wantJacobian: true)
                claimed = reply.jacobian ?? []
                replied += reply.y + claimed.joined()
            } catch let f as JacFailure { throw JacFailure(f.status, at + f.message) }
            try checkOutputNames(labels, session)
            var directionalNote: String?
            if directionalFirst {
                var rng = SeededGenerator(seed: seed &+ UInt64(k) &* 0x9E37_79B9)
                let v = (0..<inputs).map { _ in inPrecision(2 * (Double(rng.next() >> 11) * 0x1p-53) - 1) }
                let jv = claimed.map { row in zip(row, v).reduce(0.0) { $0 + $1.0 * $1.1 } }
                let startDirectional = session.requests
                let directional: CheckReport
                do {
                    directional = try blackBoxProduct(of: { session.evaluate($0) }, at: x, vector: v, product: jv, jvp: true)
                } catch {
                    let failure = JacFailure(classifying: error)
                    throw JacFailure(failure.status, at + failure.message)
                }
                if let failure = session.failure { throw JacFailure(failure.status, at + failure.message) }
                let spent = session.requests - startDirectional
                let hidden = directional.passed ? unresolvedTerm(of: claimed, along: v, in: directional) : nil
                if directional.passed && hidden == nil {
                    let line = "requests: \(session.requests - before) for this point (1 for the program's Jacobian, \(spent) for J·v along a random direction, seed \(seed)); "
                        + "J·v agrees with the difference along v, so entries were not checked one by one (rerun without --directional-first to grade each)"
                    switch outputFormat {
                    case .json:
                        var value = directional.jsonValue
                        if case .object(var pairs) = value {
                            pairs += [("program", .string(program)), ("directional_first", .bool(true)),
                                      ("direction", .array(v.map { .number($0) })),
                                      ("requests", .object([("total", .integer(session.requests - before)),
                                                            ("jacobian", .integer(1)), ("directional", .integer(spent))]))]
                            value = .object(pairs)
                        }
                        outputsText.append(jacJSON(value, pretty: xs.count == 1))
                    case .table:
                        outputsText.append((xs.count > 1 ? "point \(k + 1) of \(xs.count)\n" : "")
                                           + "directional check (row fᵢ, column v, is (J·v)ᵢ)\n" + directional.renderTable() + "\n" + line)
                    }
                    continue
                }
                if let hidden {
                    directionalNote = "J·v along a random direction agreed within \(format(hidden.tolerance)) (\(spent) requests), "
                        + "which bounds ∂\(tableOutput(hidden.row))/∂\(variables[hidden.column]) (claimed \(format(claimed[hidden.row][hidden.column]))) only to ± \(format(hidden.bound)): "
                        + "terms of very different sizes, so every entry checked"
                } else {
                    directionalNote = "J·v along a random direction disagreed or was inconclusive (\(spent) requests); every entry checked"
                }
            }
            // Attribute each probe to the column it moves: a difference along input j changes x[j] only.
            var perColumn = [Int](repeating: 0, count: inputs)
            var other = 0
            let f: ([Double]) -> [Double] = { probe in
                let moved = zip(probe, x).enumerated().filter { $0.element.0 != $0.element.1 }.map(\.offset)
                if moved.count == 1 { perColumn[moved[0]] += 1 } else { other += 1 }
                return session.evaluate(probe)
            }
            let report: CheckReport
            do {
                report = try blackBoxJacobian(of: f, at: x, claimed: claimed)
            } catch {
                let failure = JacFailure(classifying: error)
                throw JacFailure(failure.status, at + failure.message)
            }
            if let failure = session.failure { throw JacFailure(failure.status, at + failure.message) }
            let cost = session.requests - before
            let bad = claimedFailures(report, subject: "program")
            failures += bad.map { PointLine(point: k, text: describeEntry($0, outputs: tableOutput, variables: variables, citeIndices: false, subject: "program", labels: labels)) }
            undecided += unconfirmedEntries(report, subject: "program")
            unconfirmed += unconfirmedEntries(report, subject: "program").map {
                PointLine(point: k, text: describeEntry($0, outputs: tableOutput, variables: variables, citeIndices: false, subject: "program", labels: labels))
            }
            if !bad.isEmpty && firstFailing == nil { firstFailing = (x, bad) }
            // "At the point" includes the probes that move every input at once: the black-box
            // check measures the program's noise along one such line (16 to 40 requests).
            let costLine = "requests: \(cost) for this point (1 for the program's Jacobian, \(other) at the point or moving every input (its noise measured), "
                + zip(variables, perColumn).map { "\($0): \($1)" }.joined(separator: ", ")
                + "; a column's probes serve every output of that column)"
                + (directionalNote.map { "\n" + $0 } ?? "")
            let note = "black box: no AD mode can run on a program, so the witnesses are differences of its outputs only"
            switch outputFormat {
            case .json:
                var value = report.jsonValue
                if case .object(var pairs) = value {
                    pairs.append(("program", .string(program)))
                    pairs.append(("requests", .object([("total", .integer(cost)), ("jacobian", .integer(1)),
                                                       ("at_point", .integer(other)),
                                                       ("per_input", .array(perColumn.map { .integer($0) }))])))
                    pairs.append(("black_box", .string(note)))
                    pairs += labelPairs(labels)
                    value = .object(pairs)
                }
                if !bad.isEmpty && firstFailingJSON == nil { firstFailingJSON = (outputsText.count, value) }
                outputsText.append(jacJSON(value, pretty: xs.count == 1))
            case .table:
                outputsText.append((xs.count > 1 ? "point \(k + 1) of \(xs.count)\n" : "")
                                   + report.renderTable() + "\n" + costLine + "\n" + note)
            }
        }
        // A table is printed before shrinking, which can take thousands of requests, so it is read
        // meanwhile; JSON waits for the shrunk point to join the first failing point's object.
        if outputFormat != .json {
            print(outputsText.joined(separator: "\n\n"))
            print("total requests: \(session.requests)")
            fflush(nil)
        }
        // A random point is hard to reproduce by hand: shrink the first failing one.
        var shrunkPoint: (point: [Double], entries: [EntryCheck], requests: Int)?
        if let (x, wrong) = firstFailing, domain != nil || samples != nil, inputs <= ProgramCheckCommand.maxShrinkInputs {
            let domains = try parseDomains(domain ?? "", variables: variables)
            let before = session.requests
            if derivative == .jacobian {
                if let (small, entries) = shrink(x, wrong: wrong, domains: domains, session: session) {
                    shrunkPoint = (small, entries, session.requests - before)
                }
            } else {
                // Along the vector a rerun with --at (point 1 of 1, the same --seed) draws, so the
                // printed --at= reproduces what is shown; x is checked along it first, since its
                // own conviction was along its point's vector.
                let product: ([Double]) -> [EntryCheck]? = { p in
                    guard session.failure == nil else { return nil }
                    let bad = (try? checkProduct(session, x: p, point: 0, prefix: "")).map { claimedFailures($0.0, subject: "program") } ?? []
                    return session.failure == nil ? bad : nil
                }
                if let wrongAlong = product(x), !wrongAlong.isEmpty,
                   let (small, entries) = shrink(x, wrong: wrongAlong, domains: domains, session: session, restrictable: false, whole: product) {
                    shrunkPoint = (small, entries, session.requests - before)
                }
            }
        }
        // Past the limit the first failing random point is left as drawn, which used to go
        // unsaid: a user saw no shrunk point and no reason, and had to retype its coordinates.
        let notShrunk: (reason: String, at: String)? = firstFailing.flatMap { x, _ in
            guard domain != nil || samples != nil, inputs > ProgramCheckCommand.maxShrinkInputs else { return nil }
            return ("the program has \(inputs) inputs, and shrinking, which checks the point again per candidate value,"
                    + " is limited to \(ProgramCheckCommand.maxShrinkInputs)", x.map(format).joined(separator: ","))
        }
        if outputFormat == .json {
            if let (index, value) = firstFailingJSON, case .object(var pairs) = value {
                if let s = shrunkPoint {
                    pairs.append(("shrunk", .object([("point", .array(s.point.map { .number($0) })),
                                                     ("at", .string(s.point.map(format).joined(separator: ","))),
                                                     ("requests", .integer(s.requests)),
                                                     ("entries", .array(s.entries.map(\.jsonValue)))])))
                } else if let notShrunk {
                    pairs.append(("not_shrunk", .object([("reason", .string(notShrunk.reason)), ("at", .string(notShrunk.at))])))
                }
                outputsText[index] = jacJSON(.object(pairs), pretty: xs.count == 1)
            }
            print(outputsText.joined(separator: "\n"))
            fflush(nil)
        }
        // The point once above its entries: with 21 inputs, repeating its coordinates on every
        // entry's line made 20 wrong weights 40 screens of numbers (a user trial).
        func listed(_ lines: [PointLine]) -> String {
            renderByPoint(lines, pointLabels: xs.count > 1 ? xs.enumerated().map { k, x in
                "point \(k + 1) (" + zip(variables, x).map { "\($0) = \(format($1))" }.joined(separator: ", ") + ")"
            } : nil)
        }
        if !failures.isEmpty {
            let wrongCount = failures.count
            var shrunk = ""
            if let (small, entries, requests) = shrunkPoint {
                // Each entry with the program's value and the witness's at the simple point, in
                // the program's names: the line a bug report quotes. Only the entries' names
                // were printed, so the numbers to compare by hand were the random point's.
                // With the `--at` that reruns it: the point is what a bug report or a debugger
                // session starts from, and retyping 12 coordinates from "x3 = …" invites a slip.
                let where_ = zip(variables, small).map { "\($0) = \(format($1))" }.joined(separator: ", ")
                    + " (to rerun it: --at=" + small.map(format).joined(separator: ",") + ")"
                func describe(_ e: EntryCheck) -> String {
                    derivative == .jacobian ? describeEntry(e, outputs: tableOutput, variables: variables, citeIndices: false, subject: "program", labels: labels) : describeComponent(e)
                }
                shrunk = "\n  shrunk (\(requests) requests) to \(where_), still wrong at "
                    + "\(entries.count) entr\(entries.count == 1 ? "y" : "ies"):\n"
                    + renderByPoint(entries.map { PointLine(point: 0, text: describe($0)) },
                                    pointLabels: nil).split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n")
            }
            if let notShrunk {
                shrunk = "\n  not shrunk: \(notShrunk.reason); to rerun the first failing point: --at=\(notShrunk.at)"
            }
            let what = derivative == .jacobian ? "Jacobian" : derivative == .jvp ? "J·v" : "uᵀJ"
            var text = "the program's \(what) is wrong at \(wrongCount) entr\(wrongCount == 1 ? "y" : "ies"):\n" + listed(failures) + shrunk
            if !unconfirmed.isEmpty {
                text += "\nand not confirmed at \(unconfirmed.count) entr\(unconfirmed.count == 1 ? "y" : "ies"):\n" + listed(unconfirmed)
                    + notConfirmedAdvice(undecided)
            }
            if let hint = float32Hint(replied) { text += "\n(" + hint + ")" }
            throw JacFailure(.modesDisagree, text)
        }
        if !unconfirmed.isEmpty {
            let what = derivative == .jacobian ? "Jacobian" : derivative == .jvp ? "J·v" : "uᵀJ"
            throw JacFailure(.modesDisagree, "the program's \(what) is not confirmed at \(unconfirmed.count) entr\(unconfirmed.count == 1 ? "y" : "ies") "
                             + "(the check does not pass there, though nothing shows it wrong):\n"
                             + listed(unconfirmed) + notConfirmedAdvice(undecided)
                             + (float32Hint(replied).map { "\n(" + $0 + ")" } ?? ""))
        }
    }
}

/// What to do about entries left undecided, one line per reason among them. Status 1 with "not
/// confirmed" and a reason's name was all a user had: a right softmax gradient at points where
/// some probabilities are 1e-18 looked like a failure, with nothing saying it was no sign of a bug
/// or how to grade those entries. Empty when there are none.
func notConfirmedAdvice(_ entries: [EntryCheck]) -> String {
    var reasons = Set<FDWarning>()
    var kink = false
    for e in entries {
        switch e.verdict {
        case .fdInconclusive(let why): reasons.formUnion(why)
        case .kink: kink = true
        default: break
        }
    }
    var lines: [String] = []
    if reasons.contains(.belowResolution) {
        lines.append("below-resolution: the entry is under what differences of the program's outputs can tell from 0 (the tolerance shown), "
                     + "not evidence of a bug; to grade it, check at a point where it is a larger share of its row (a softmax's inputs closer together)")
    }
    if reasons.contains(.cancellation) {
        lines.append("cancellation: the outputs did not change, or by a few ulps, along that input at every step tried; "
                     + "if the program ignores that input its derivative is 0, and a claim far from 0 there deserves a look")
    }
    if reasons.contains(.noisyEvaluation) {
        lines.append("noisy-evaluation: the program's own noise, measured at the point, hides the gap (an iterative solver's tolerance, "
                     + "float32 arithmetic: see --precision); tighten it, or check where the entry is larger")
    }
    if reasons.contains(.rowRounding) {
        lines.append("row-rounding: the gap is below 64ε of the largest entry in the entry's row, which a right derivative computed "
                     + "with terms of the row's size cancelling can be off by; nothing noisy was measured. To grade it, check where "
                     + "the entry is a larger share of its row, or give inputs of very different sizes a scale near 1 "
                     + "(pass x/s to the program and multiply inside)")
    }
    if reasons.contains(.witnessesConflict) {
        // Such a program's right gradient went to "other reasons: rerun at other points", which
        // said nothing of the noise the check had measured and printed in its own note.
        lines.append("witnesses-conflict: the difference methods settled on different values, which a smooth, deterministic "
                     + "program does not give: noise (see a note on noise measured at the point), a computation that changes "
                     + "with the input in steps (an adaptive solver's step choice, an iteration stopped at a tolerance, a cache), "
                     + "or a kink near the point; a derivative is resolvable only to about that noise over the step, so make the "
                     + "program smooth in its inputs (fixed steps, a tighter tolerance) or compare where the entry is larger")
    }
    if reasons.contains(.beyondEstimate) {
        lines.append("beyond-estimate: the program's value lies beyond the witness's own error estimate (inside only the tolerance's "
                     + "safety factor), and no finer step resolved the gap, since the outputs' rounding hides it: this deserves a look; "
                     + "check at a point where the entry is a larger share of the outputs' values")
    }
    if reasons.contains(.noConvergence) {
        lines.append("no-convergence: the differences never settled as the step shrank (the program oscillates or is noisy at that scale); "
                     + "check at a nearby point")
    }
    if kink {
        lines.append("kink: the point lies where the program is not differentiable (a relu or max argument exactly at its switch); "
                     + "a value outside one input's one-sided slopes is not judged by a black box: move the point off the kink "
                     + "to grade each side's gradient, and keep at the kink only what your convention needs")
    }
    let known: Set<FDWarning> = [.belowResolution, .beyondEstimate, .cancellation, .noisyEvaluation, .noConvergence, .rowRounding,
                                 .witnessesConflict]
    if !reasons.subtracting(known).isEmpty || (lines.isEmpty && !entries.isEmpty) {
        lines.append("other reasons: rerun at other points (--samples K); an entry confirmed at none of them deserves a look")
    }
    return lines.isEmpty ? "" : "\nwhat \"not confirmed\" means here (nothing showed these entries wrong):\n  " + lines.joined(separator: "\n  ")
}

/// One line of a failure list and the point (0-based) it belongs to.
struct PointLine {
    let point: Int
    let text: String
}

/// The lines indented under their point's label (none with a single point), at most `limit` of
/// them; the rest are counted, not dropped silently (the cut used to say nothing, and a third
/// point's wrong entries vanished from the message).
func renderByPoint(_ lines: [PointLine], pointLabels: [String]?, limit: Int = 20) -> String {
    var out: [String] = []
    var current: Int?
    for line in lines.prefix(limit) {
        if let labels = pointLabels, line.point != current, line.point < labels.count {
            out.append("  " + labels[line.point] + ":")
            current = line.point
        }
        out.append((pointLabels == nil ? "  " : "    ") + line.text)
    }
    if lines.count > limit {
        let points = Set(lines.dropFirst(limit).map(\.point)).count
        out.append("  … and \(lines.count - limit) more\(pointLabels == nil ? "" : " at \(points) point\(points == 1 ? "" : "s")") (--format json has every entry)")
    }
    return out.joined(separator: "\n")
}

/// The names given for the program's inputs and outputs, for its JSON report (absent when none).
func labelPairs(_ labels: EntryLabels) -> [(String, JSONValue)] {
    [("input_names", labels.inputs), ("output_names", labels.outputs)].compactMap { key, names in
        names.map { (key, .array($0.map { .string($0) })) }
    }
}

/// `W1[0,0],W1[0,1],b` (commas inside brackets belong to a name) or `@FILE`, one name a line.
func readNames(_ spec: String, option: String) throws -> [String] {
    let names: [String]
    if spec.hasPrefix("@") {
        let path = String(spec.dropFirst())
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw JacFailure.invalid("\(option): cannot read '\(path)'")
        }
        names = text.split(whereSeparator: \.isNewline).map { String($0).trimmingSpaces() }.filter { !$0.isEmpty }
    } else {
        names = splitOutsideBrackets(spec).map { $0.trimmingSpaces() }
    }
    if let empty = names.firstIndex(where: \.isEmpty) { throw JacFailure.invalid("\(option): name \(empty) (0-based) is empty") }
    var seen = Set<String>()
    if let twice = names.first(where: { !seen.insert($0).inserted }) { throw JacFailure.invalid("\(option) gives '\(twice)' twice") }
    return names
}

/// `spec` split at the commas outside brackets.
func splitOutsideBrackets(_ spec: String) -> [String] {
    var items: [String] = []
    var current = ""
    var depth = 0
    for c in spec {
        if c == "[" { depth += 1 }
        if c == "]" { depth -= 1 }
        if c == "," && depth == 0 { items.append(current); current = "" } else { current.append(c) }
    }
    items.append(current)
    return items
}

/// What `--program` is asked to differentiate.
enum ProgramDerivative: String, ExpressibleByArgument, CaseIterable {
    case jacobian, jvp, vjp
}

extension ProgramCheckCommand {
    /// The JVP or VJP check of one point: a seeded random tangent or cotangent with entries in
    /// [−1, 1), the program's product for it, and the library's black-box JVP/VJP check.
    func checkProduct(_ session: ProgramSession, x: [Double], point k: Int, prefix at: String) throws -> (CheckReport, [Double]) {
        var rng = SeededGenerator(seed: seed &+ UInt64(k) &* 0x9E37_79B9)
        func draw(_ count: Int) -> [Double] {
            (0..<count).map { _ in inPrecision(2 * (Double(rng.next() >> 11) * 0x1p-53) - 1) }
        }
        do {
            if derivative == .vjp && session.outputs == nil { _ = try session.request(x, want: .value) }
            let direction = derivative == .jvp ? draw(inputs) : draw(session.outputs ?? 1)
            let reply = try session.request(x, want: derivative == .jvp ? .jvp(direction) : .vjp(direction))
            let product = reply.product ?? []
            if let bad = reply.y.firstIndex(where: { !$0.isFinite }) {
                throw JacFailure(.evaluationFailure, "--program returned a non-finite y[\(bad)] = \(format(reply.y[bad])) at the point")
            }
            let report = try blackBoxProduct(of: { session.evaluate($0) }, at: x, vector: direction, product: product,
                                             jvp: derivative == .jvp)
            if let failure = session.failure { throw failure }
            return (report, direction)
        } catch {
            let failure = JacFailure(classifying: error)
            throw JacFailure(failure.status, at + failure.message)
        }
    }
}

/// Where a random input is drawn from.
enum InputDomain: Equatable {
    /// exp(U(−1, 1)): positive values around 1 (for logs, square roots, scales).
    case positive
    /// −exp(U(−1, 1)).
    case negative
    /// U(−2, 2).
    case real
    /// U(a, b), a < b.
    case interval(Double, Double)

    /// Whether a shrunk value may replace a drawn one (open intervals: the ends may be poles).
    func contains(_ v: Double) -> Bool {
        switch self {
        case .positive: return v > 0
        case .negative: return v < 0
        case .real: return v >= -2 && v <= 2
        case .interval(let a, let b): return v > a && v < b
        }
    }

    func sample(_ rng: inout SeededGenerator) -> Double {
        let u = Double(rng.next() >> 11) * 0x1p-53
        switch self {
        case .positive: return Foundation.exp(2 * u - 1)
        case .negative: return -Foundation.exp(2 * u - 1)
        case .real: return 4 * u - 2
        // Not a + (b − a)·u: b − a overflows for [−1e308, 1e308] and sent the program infinity.
        case .interval(let a, let b): return Swift.min(b, Swift.max(a, a * (1 - u) + b * u))
        }
    }
}

/// Parses `x0=positive,x1=[-1,1]` (commas inside brackets belong to the interval).
func parseDomains(_ spec: String, variables: [String]) throws -> [InputDomain] {
    let items = splitOutsideBrackets(spec)
    var domains = [InputDomain](repeating: .real, count: variables.count)
    var seen = Set<String>()
    for item in items.map({ $0.trimmingSpaces() }) where !item.isEmpty {
        let pair = item.split(separator: "=", maxSplits: 1).map { String($0).trimmingSpaces() }
        guard pair.count == 2, let index = variables.firstIndex(of: pair[0]) else {
            throw JacFailure.invalid("--domain: '\(item)' is not NAME=DOMAIN with NAME one of \(variables.prefix(5).joined(separator: ", "))\(variables.count > 5 ? ", ..." : "")")
        }
        guard seen.insert(pair[0]).inserted else { throw JacFailure.invalid("--domain gives \(pair[0]) twice") }
        switch pair[1] {
        case "positive": domains[index] = .positive
        case "negative": domains[index] = .negative
        case "real": domains[index] = .real
        default:
            let body = pair[1]
            let texts = body.dropFirst().dropLast().split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard body.hasPrefix("["), body.hasSuffix("]"), texts.count == 2 else {
                throw JacFailure.invalid("--domain: '\(body)' for \(pair[0]) is not positive, negative, real or [a,b] with a < b")
            }
            // Read as --at reads a coordinate: Double("1e-400") is 0 and Double("1e400") is ∞, so
            // [1e-400, 1] silently drew from [0, 1] and [-1, 1e400] was refused without saying why.
            var bounds: [Double] = []
            for text in texts {
                switch PointValue.parse(text) {
                case .success(let v): bounds.append(v.double)
                case .failure(let problem):
                    throw JacFailure.invalid("--domain: " + PointValue.failure(problem, text: text.trimmingSpaces(), name: pair[0],
                                                                                option: "--domain").message)
                }
            }
            guard bounds[0] < bounds[1] else {
                throw JacFailure.invalid("--domain: '\(body)' for \(pair[0]) is not positive, negative, real or [a,b] with a < b")
            }
            domains[index] = .interval(bounds[0], bounds[1])
        }
    }
    return domains
}

/// The arithmetic of a `--program`.
enum ProgramPrecision: String, ExpressibleByArgument, CaseIterable {
    case float64, float32
}

extension ProgramCheckCommand {
    /// `v` as the program's arithmetic holds it (rounded to Float for float32).
    func inPrecision(_ v: Double) -> Double { precision == .float32 ? Double(Float(v)) : v }

    /// The library's black-box Jacobian check in the program's precision. In Double a float32
    /// program's outputs looked exact to 64 ulps of Double: central differences of its quantised
    /// outputs came with error estimates of 1e-10 while off by 1e-3, and a correct Jacobian was
    /// "rule-wrong" (a user trial). Checked in Float, the differences' noise and tolerances use
    /// Float's ε.
    func blackBoxJacobian(of f: @escaping ([Double]) -> [Double], at x: [Double], claimed: [[Double]]) throws -> CheckReport {
        switch precision {
        case .float64:
            return try checkBlackBoxJacobian(of: f, at: x, claimed: { _ in claimed }, claimedName: "program", options: checkOptions)
        case .float32:
            return try checkBlackBoxJacobian(of: Self.inFloat(f), at: x.map { Float($0) },
                                             claimed: { _ in claimed.map { $0.map { Float($0) } } }, claimedName: "program",
                                             options: checkOptions)
        }
    }

    /// The black-box defaults with `--rtol`: the small-gap note suggests one for a program that
    /// iterates to a tolerance, which `jac` had no way to set. No `--atol`: the library's atol
    /// replaces each witness's error estimate and turns off the safeguards that read it, so
    /// `--atol 0` failed right programs (softmax_xent.py, a review) and blamed their noise.
    var checkOptions: CheckOptions {
        var o = CheckOptions.blackBox
        o.rtol = rtol
        return o
    }

    /// The black-box J·v (`jvp`) or uᵀJ check in the program's precision.
    func blackBoxProduct(of f: @escaping ([Double]) -> [Double], at x: [Double], vector: [Double], product: [Double],
                         jvp: Bool) throws -> CheckReport {
        switch precision {
        case .float64:
            return jvp
                ? try checkBlackBoxJVP(of: f, at: x, direction: vector, claimed: { _, _ in product }, claimedName: "program",
                                       options: checkOptions)
                : try checkBlackBoxVJP(of: f, at: x, cotangent: vector, claimed: { _, _ in product }, claimedName: "program",
                                       options: checkOptions)
        case .float32:
            let g = Self.inFloat(f), xf = x.map { Float($0) }, vf = vector.map { Float($0) }
            let pf = product.map { Float($0) }
            return jvp
                ? try checkBlackBoxJVP(of: g, at: xf, direction: vf, claimed: { _, _ in pf }, claimedName: "program", options: checkOptions)
                : try checkBlackBoxVJP(of: g, at: xf, cotangent: vf, claimed: { _, _ in pf }, claimedName: "program", options: checkOptions)
        }
    }

    /// The claimed entry that an agreeing J·v check leaves least resolved, where that is more than
    /// ε^{1/3} of the entry (the bar at which the library's check keeps an agreement loose and asks
    /// a sharper witness); nil where J·v vouches for every nonzero entry.
    ///
    /// J·v agreeing within tolᵢ bounds an error in entry (i, j) only by tolᵢ/|vⱼ|, and tolᵢ comes
    /// from the row's largest terms: for 10¹²·sin x₀ + x₁² at (0.3, 0.7), J·v agreed within 36,
    /// and a claimed ∂/∂x₁ of 0.7 (true 1.4, the 2 of x₁² forgotten) passed `--directional-first` with status 0.
    /// An entry claimed 0 has no size to compare with; the entry check is what judges it.
    func unresolvedTerm(of claimed: [[Double]], along v: [Double], in report: CheckReport)
        -> (row: Int, column: Int, tolerance: Double, bound: Double)? {
        let eps = precision == .float32 ? Double(Float.ulpOfOne) : Double.ulpOfOne
        let bar = Double.pow(eps, 1.0 / 3.0)
        var worst: (row: Int, column: Int, tolerance: Double, bound: Double, ratio: Double)?
        for (i, row) in claimed.enumerated() {
            guard i < report.entries.count, let tol = report.entries[i].first?.tolerance else { continue }
            for (j, c) in row.enumerated() where j < v.count && c != 0 && v[j] != 0 {
                let bound = tol / Swift.abs(v[j])
                let ratio = bound / Swift.abs(c)
                if ratio > bar && ratio > worst?.ratio ?? 0 { worst = (i, j, tol, bound, ratio) }
            }
        }
        return worst.map { ($0.row, $0.column, $0.tolerance, $0.bound) }
    }

    /// The program as a Float function: its replies are float32 values, so the conversion is exact.
    static func inFloat(_ f: @escaping ([Double]) -> [Double]) -> ([Float]) -> [Float] {
        { p in f(p.map { Double($0) }).map { Float($0) } }
    }

    /// A hint for a failing float64 check whose replies were all float32 values: such a program
    /// most likely computes in float32, and its rounding is what the Double differences saw.
    func float32Hint(_ values: [Double]) -> String? {
        guard precision == .float64, holdsOnlyFloat32Values(values) else { return nil }
        return "every number the program replied with is a float32 value: if it computes in float32, rerun with --precision float32"
    }
}
