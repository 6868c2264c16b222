import AdjointCore
import AdjointCheck

/// The result of ``SelfTest/run(graphs:mutations:seed:generator:progress:)``: the fuzz and,
/// optionally, the mutation score.
public struct SelfTestReport: Sendable {
    /// Master seed.
    public let seed: UInt64
    /// The fuzz tallies and disagreements.
    public let fuzz: FuzzSummary
    /// Mutation testing, when it ran.
    public let mutations: MutationSummary?
    /// Every primitive the generator could place (built-ins and user primitives), by name.
    public let primitives: [String]
    /// Wall-clock seconds.
    public let seconds: Double
    /// Why the self-test checked nothing (fewer than one graph, a generator that cannot draw);
    /// nil when it ran.
    public let problem: String?

    /// At least one graph checked, no disagreement, no surviving mutant and no mutant left
    /// unexercised. A run that checked nothing never passes: a self-test that looked at no graph
    /// shows nothing about the rules, and one whose graphs never used a mutant's op cannot claim
    /// that mutant is caught.
    public var passed: Bool {
        problem == nil && fuzz.graphs > 0 && fuzz.disagreements.isEmpty && (mutations?.survivors.isEmpty ?? true)
            && (mutations?.notExercised.isEmpty ?? true)
    }

    /// Primitives no graph used.
    public var uncovered: [String] { primitives.filter { !fuzz.primitivesCovered.contains($0) } }

    /// `{"rules_checked": …, "graphs": …, "ops_covered": …, "disagreements": …, "mutants_planted": …,
    /// "mutants_caught": …, "survivors": […], "mutants_not_exercised": […], "seed": …, "seconds": …}`
    /// and details.
    public var jsonValue: JSONValue {
        let m = mutations
        let fields: [(String, JSONValue)] = [
            ("rules_checked", .integer(fuzz.rulesExercised.count)),
            ("graphs", .integer(fuzz.graphs)),
            ("ops_covered", .integer(fuzz.primitivesCovered.count)),
            ("ops_total", .integer(primitives.count)),
            ("ops_uncovered", .array(uncovered.map { .string($0) })),
            ("disagreements", .integer(fuzz.disagreements.count)),
            ("mutants_planted", .integer(m?.planted ?? 0)),
            ("mutants_caught", .integer(m?.caught ?? 0)),
            ("mutation_score", m.map { .number($0.score) } ?? .null),
            ("mutants_localised", .integer(m?.localised ?? 0)),
            ("survivors", .array((m?.survivors ?? []).map { .string($0.description) })),
            // Per survivor, where it came nearest to being caught: the numbers that tell a gap in
            // the checker from a change below what the witness resolves at that point.
            ("survivor_details", .array((m?.outcomes ?? []).filter { $0.exercised && !$0.caught }.map { o in
                let e = o.nearest
                return .object([("mutant", .string(o.mutation.description)), ("graphs_changed", .integer(o.graphsChanged)),
                                ("graph_seed", e.map { .string(String($0.graphSeed)) } ?? .null),
                                ("output", e.map { .integer($0.output) } ?? .null), ("input", e.map { .integer($0.input) } ?? .null),
                                ("change", e.map { .number($0.change) } ?? .null),
                                ("relative_change", e.map { .number($0.relativeChange) } ?? .null),
                                ("witness", e?.witness.map { .string($0) } ?? .null),
                                ("tolerance", e?.tolerance.map { .number($0) } ?? .null),
                                ("witness_error", e?.witnessError.map { .number($0) } ?? .null),
                                ("rounding_floor", e?.roundingFloor.map { .number($0) } ?? .null),
                                ("largest_witness_error", e?.largestWitnessError.map { .number($0.error) } ?? .null),
                                ("replay", e.map { .string($0.replay) } ?? .null)])
            })),
            ("mutants_not_exercised", .array((m?.notExercised ?? []).map { .string($0.description) })),
            ("equivalent_mutants", .array((m?.equivalent ?? []).map { .string("\($0.mutation): \($0.reason)") })),
            // A seed beyond Int.max (JSON readers' integer range) is written as a string.
            ("seed", seed <= UInt64(Int.max) ? .integer(Int(seed)) : .string(String(seed))),
            ("seconds", .number((seconds * 1000).rounded() / 1000)),
            ("max_depth", .integer(fuzz.maxDepth)),
            ("entries_checked", .integer(fuzz.entries)),
            ("entries_inconclusive", .integer(fuzz.inconclusiveEntries)),
            ("entries_at_kinks", .integer(fuzz.kinkEntries)),
            ("complex_step_graphs", .integer(fuzz.complexStepGraphs)),
            ("exact_graphs", .integer(fuzz.exactGraphs)),
            ("formula_round_trips", .integer(fuzz.formulaRoundTrips)),
            ("disagreements_by_kind", .object(disagreementKinds.map { ($0.kind, .integer($0.count)) })),
            ("disagreement_details", .array(fuzz.disagreements.prefix(SelfTestReport.listedDisagreements).map { d in
                .object([("graph_seed", .string(String(d.graphSeed))), ("what", .string(d.what)),
                         ("output", d.entry.map { .integer($0.output) } ?? .null),
                         ("input", d.entry.map { .integer($0.input) } ?? .null),
                         ("suspect", d.suspect.map { .string($0) } ?? .null),
                         ("detail", .string(d.detail)), ("formula", .string(d.formula)), ("at", .string(d.point)),
                         ("replay", .string(d.replay))])
            })),
        ]
        // "problem" appears only when the run checked nothing, so a normal report keeps its keys.
        guard let problem else { return .object(fields) }
        return .object([("problem", .string(problem))] + fields)
    }

    /// Disagreements counted by what disagreed ("forward vs complex step", "checker: kink", …),
    /// most frequent first.
    public var disagreementKinds: [(kind: String, count: Int)] {
        var counts: [String: Int] = [:]
        for d in fuzz.disagreements { counts[d.what, default: 0] += 1 }
        return counts.map { (kind: $0.key, count: $0.value) }.sorted { $0.count != $1.count ? $0.count > $1.count : $0.kind < $1.kind }
    }

    /// Disagreements listed in full (all are counted).
    public static let listedDisagreements = 20

    /// `x` rounded to `digits` decimals, as text (no Foundation formatting here).
    static func fixed(_ x: Double, digits: Int) -> String {
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let r = (x * scale).rounded() / scale
        var s = "\(r)"
        if let dot = s.firstIndex(of: "."), s.distance(from: dot, to: s.endIndex) - 1 < digits {
            s += String(repeating: "0", count: digits - (s.distance(from: dot, to: s.endIndex) - 1))
        }
        return s
    }

    /// A human-readable summary.
    public func renderTable() -> String {
        var lines: [String] = []
        func row(_ k: String, _ v: String) { lines.append(k + String(repeating: " ", count: Swift.max(1, 18 - k.count)) + v) }
        if let problem { row("problem", problem) }
        row("seed", "\(seed)")
        row("graphs", "\(fuzz.graphs) (max depth \(fuzz.maxDepth))")
        row("ops covered", "\(fuzz.primitivesCovered.count) of \(primitives.count)" + (uncovered.isEmpty ? "" : " (missing: \(uncovered.joined(separator: ", ")))"))
        row("rules checked", "\(fuzz.rulesExercised.count) partials")
        row("entries checked", "\(fuzz.entries) (\(fuzz.inconclusiveEntries) inconclusive, \(fuzz.kinkEntries) at kinks placed on purpose)")
        row("witness graphs", "complex step \(fuzz.complexStepGraphs), exact \(fuzz.exactGraphs), formula round trips \(fuzz.formulaRoundTrips)")
        row("disagreements", "\(fuzz.disagreements.count)" + (fuzz.disagreements.isEmpty ? "" :
            " (" + disagreementKinds.map { "\($0.count) \($0.kind)" }.joined(separator: ", ") + ")"))
        if let m = mutations {
            row("mutants", "\(m.caught) of \(m.planted) caught (score \(SelfTestReport.fixed(m.score * 100, digits: 1))%), \(m.localised) localised to the mutated primitive, \(m.equivalent.count) equivalent not planted")
            row("survivors", m.survivors.isEmpty ? "none" : m.survivors.map(\.description).joined(separator: "; "))
            for o in m.outcomes where o.exercised && !o.caught {
                lines.append("  \(o.mutation) changed \(o.graphsChanged) graph(s); nearest to caught: "
                             + (o.nearest?.description ?? "no entry"))
            }
            if !m.notExercised.isEmpty {
                row("not exercised", "\(m.notExercised.count) (their op or partial appeared in no graph, or changed no mode's Jacobian where it did; raise --graphs): "
                    + m.notExercised.map(\.description).joined(separator: "; "))
            }
        }
        row("seconds", SelfTestReport.fixed(seconds, digits: 2))
        for d in fuzz.disagreements.prefix(SelfTestReport.listedDisagreements) { lines.append(""); lines.append(d.description) }
        if fuzz.disagreements.count > SelfTestReport.listedDisagreements {
            lines.append("… and \(fuzz.disagreements.count - SelfTestReport.listedDisagreements) more")
        }
        lines.append("")
        lines.append(passed ? "PASS" : "FAIL")
        return lines.joined(separator: "\n")
    }
}

/// The self-test: random graphs through every mode and witness, then (optionally) mutation
/// testing of every built-in rule on those graphs. What `jac selftest` runs.
///
/// ```swift
/// let report = SelfTest.run(graphs: 2_000, mutations: true, seed: 7)
/// report.passed                 // no disagreement, no surviving mutant
/// print(report.renderTable())
/// ```
public enum SelfTest {
    /// Phases reported to `progress`.
    public enum Phase: String, Sendable { case fuzz = "graphs", mutations = "mutants" }

    /// Runs `graphs` random graphs (≥ 1) through every mode and witness, then, with `mutations`,
    /// plants every wrong variant of every built-in rule and checks each is caught on them.
    ///
    /// Invalid settings (fewer than one graph, a generator with nothing to place) do not trap and
    /// do not pass: the report's ``SelfTestReport/problem`` says why and `passed` is false.
    ///
    /// ```swift
    /// let report = SelfTest.run(graphs: 200, mutations: false, seed: 7) { phase, done, total in
    ///     print(phase.rawValue, done, "of", total)
    /// }
    /// report.passed                 // false also when nothing was checked
    /// ```
    ///
    /// - Parameters:
    ///   - graphs: how many random graphs (graph k has seed ``Fuzzer/graphSeed(_:)``).
    ///   - mutations: also run mutation testing on the same graphs.
    ///   - seed: master seed: the same seed gives the same graphs.
    ///   - generator: what the graphs are drawn from (user primitives included).
    ///   - progress: called with (phase, done, total) after each graph or mutant.
    public static func run(graphs: Int, mutations: Bool, seed: UInt64,
                           generator: GraphGenerator = GraphGenerator(),
                           progress: ((Phase, Int, Int) -> Void)? = nil) -> SelfTestReport {
        let clock = ContinuousClock()
        let start = clock.now
        let fuzzer = Fuzzer(seed: seed, generator: generator)
        var summary = FuzzSummary()
        var m: MutationSummary? = nil
        var problem: String? = nil
        if graphs < 1 {
            problem = "nothing was checked: the number of graphs must be ≥ 1, got \(graphs)"
        } else {
            do {
                summary = try fuzzer.run(graphs: graphs) { progress?(.fuzz, $0, graphs) }
                m = mutations ? try MutationTesting.run(fuzzer: fuzzer, graphs: graphs) { progress?(.mutations, $0, $1) } : nil
            } catch ADError.invalidArgument(let why) {
                problem = "nothing was checked: \(why)"
            } catch {
                problem = "nothing was checked: \(error)"
            }
        }
        let d = clock.now - start
        let seconds = Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
        return SelfTestReport(seed: seed, fuzz: summary, mutations: m,
                              primitives: generator.primitives.map { generator.name(of: $0) }, seconds: seconds,
                              problem: problem)
    }
}
