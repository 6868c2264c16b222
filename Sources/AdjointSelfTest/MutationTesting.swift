import AdjointCore
import AdjointCheck

/// What happened to one planted mutant.
public struct MutantOutcome: Sendable {
    /// The wrong rule planted.
    public let mutation: RuleMutation
    /// Whether the checker called some entry `rule-wrong` on one of the graphs tried.
    public let caught: Bool
    /// Seed of the graph that caught it.
    public let caughtBy: UInt64?
    /// Graphs checked before it was caught (or all tried, for a survivor); 0 when no graph
    /// used the partial it changes.
    public let graphsTried: Int
    /// The primitive the checker's fault localisation blamed on the catching graph.
    public let blamed: String?
    /// Graphs tried on which the planted rule changed forward or reverse mode's Jacobian at the
    /// graph's point (counted for a mutant not caught; a caught one changed the one that caught it).
    public var graphsChanged: Int = 0
    /// Whether the checker was asked about a wrong Jacobian: some graph used the partial and the
    /// mutant changed what a mode computes there. A mutant that changed nothing (max's ∂y where y
    /// is never the larger, or a max whose value a relu at a negative argument discards) shows
    /// nothing about the checker, which can only judge what the modes compute: it is neither
    /// caught nor a survivor. `jac selftest --graphs 30 --mutations --seed 3` listed max's four
    /// ∂y mutants as survivors, a gap in the checker it did not have.
    public var exercised: Bool { graphsTried > 0 && (caught || graphsChanged > 0) }
    /// For a mutant not caught that changed some graph's Jacobian: where it came nearest to being
    /// caught. nil for a caught mutant and for one that changed nothing.
    public var nearest: MutantEvidence? = nil
}

/// Where a mutant that was not caught came nearest to being caught: the entry, over every graph
/// on which it changed a mode's Jacobian, whose change was the largest part of the tolerance the
/// checker decided it with (an entry no witness decided counts first). The numbers tell a gap in
/// the checker (a change far beyond what the deciding witness is off by, excused by its
/// tolerance) from a change at what the witness resolves there (its own distance from the right
/// rules' value as large as the change). `jac selftest --graphs 30 --mutations --seed 3` listed
/// `leaky_relu ∂y × 1.000001` as a survivor with nothing more; it moved one graph's ∂f1/∂x1
/// by 1.2e-14 (10⁻⁶ of the entry, under an erf at 4.4 where f′ is 1.2e-8 and f is ½), where
/// Richardson's tolerance was 8.0e-13 and its own error 1.9e-15, but 1.5e-14 on ∂f1/∂x4, which the
/// mutant moved by 1.4e-14 (against mpmath): a change at what differences of f's Doubles resolve.
///
/// ```swift
/// var builtIns = GraphGenerator()   // as jac selftest draws: no registered user primitives
/// builtIns.userPrimitives = []
/// let s = try MutationTesting.run(fuzzer: Fuzzer(seed: 3, generator: builtIns), graphs: 30, ops: [.leakyRelu])
/// let survivor = s.outcomes.first { !$0.caught && $0.exercised }
/// print(survivor?.nearest?.description ?? "none")
/// // graph seed 883620860755687159 ∂f1/∂x1: moved 1.2e-14 (1.0e-6 of it); richardson's tolerance 8.0e-13, …
/// ```
public struct MutantEvidence: Sendable, CustomStringConvertible {
    /// Seed of the graph (``Fuzzer/graph(_:)``'s graph with this seed).
    public let graphSeed: UInt64
    /// The entry (output, input), from 0.
    public let output: Int
    public let input: Int
    /// |J(mutant) − J(right rules)| on the entry, the larger over forward and reverse mode.
    public let change: Double
    /// ``change`` over |J(right rules)| on the entry (infinite where that is 0).
    public let relativeChange: Double
    /// The rung that decided the entry under the mutant, nil when none did (then the entry was
    /// not judged, which is what let the change through).
    public let witness: String?
    /// That rung's tolerance, nil when none decided.
    public let tolerance: Double?
    /// |witness value − J(right rules)|: how far the deciding witness itself was from the right
    /// value. A change no larger than this is below what that witness resolves at the point.
    public let witnessError: Double?
    /// ½ulp(fᵢ(x))/h, with h the deciding witness's step: how far one rounding of fᵢ's value can
    /// move a difference quotient whose samples lie within h of x (its weights, exact for lines,
    /// sum in magnitude to at least 1/h). An error estimate that must hold is not smaller, so at
    /// that step a change below ``CheckOptions/errorEstimateSafety`` times it cannot be convicted.
    /// nil when no witness with a step decided.
    public var roundingFloor: Double? = nil
    /// The largest |witness value − J(right rules)| over the entries of this graph the mutant
    /// changed, and where: the deciding witnesses' error at this point. One entry can come out
    /// closer by chance; the same witness on the same f's other entries shows what it resolves.
    public var largestWitnessError: (error: Double, output: Int, input: Int)? = nil
    /// `jac check` of the graph (with the right rules: jac plants no mutant).
    public let replay: String

    /// change / tolerance: how much of the tolerance the change used (infinite when no witness decided).
    public var shareOfTolerance: Double {
        guard let tolerance, tolerance > 0 else { return .infinity }
        return change / tolerance
    }

    public var description: String {
        let decided = witness.map { w in
            "; \(w)'s tolerance \(MutantEvidence.short(tolerance ?? .nan)), its own error \(MutantEvidence.short(witnessError ?? .nan))"
        } ?? "; no witness decided the entry"
        let floor = roundingFloor.map { "; one rounding of f\(output + 1) over that step \(MutantEvidence.short($0))" } ?? ""
        let noise = largestWitnessError.map { w in
            "; the witnesses' largest error on the entries it moved \(MutantEvidence.short(w.error)) (∂f\(w.output + 1)/∂x\(w.input + 1))"
        } ?? ""
        return "graph seed \(graphSeed) ∂f\(output + 1)/∂x\(input + 1): moved \(MutantEvidence.short(change)) "
            + "(\(MutantEvidence.short(relativeChange)) of it)" + decided + floor + noise
    }

    /// Two significant digits, `1.2e-14`: enough to compare a change with a tolerance.
    static func short(_ x: Double) -> String {
        guard x.isFinite, x != 0 else { return x.isNaN ? "NaN" : x == 0 ? "0" : (x > 0 ? "inf" : "-inf") }
        var e = Int(Double.log10(Swift.abs(x)).rounded(.down))
        var m = (x / Double.pow(10, Double(e)) * 10).rounded() / 10
        if Swift.abs(m) >= 10 { m /= 10; e += 1 }
        return "\(m)e\(e)"
    }
}

/// The outcome of mutation testing: every planted mutant, and those not planted because they
/// equal the true rule (the two partials of `add` swapped are the same rule).
public struct MutationSummary: Sendable {
    public var outcomes: [MutantOutcome] = []
    /// Mutants identical to the true rule at every sample point, with the reason: not wrong, so not planted.
    public var equivalent: [(mutation: RuleMutation, reason: String)] = []
    public var planted: Int { outcomes.count }
    public var caught: Int { outcomes.filter(\.caught).count }
    /// The mutants the checker was asked about and did not catch: gaps in the tests.
    public var survivors: [RuleMutation] { outcomes.filter { $0.exercised && !$0.caught }.map(\.mutation) }
    /// The mutants no graph in the pool used (their op or partial appeared in no graph), or that
    /// changed no mode's Jacobian on any graph tried: not survivors, but not shown caught either;
    /// more graphs reach them.
    public var notExercised: [RuleMutation] { outcomes.filter { !$0.exercised }.map(\.mutation) }
    /// Caught mutants whose catching report's fault localisation named the mutated primitive.
    public var localised: Int { outcomes.filter { $0.caught && $0.blamed == $0.mutation.target }.count }
    /// caught / planted (1 when nothing was planted).
    public var score: Double { planted == 0 ? 1 : Double(caught) / Double(planted) }
}

/// Mutation testing of the registry's own rules: plants each wrong variant of each built-in
/// rule (``RuleMutations``) and requires ``checkJacobian(of:at:claimed:claimedName:options:)``
/// to call some entry `rule-wrong` on one of the fuzzer's graphs that use the op.
///
/// Mutations are planted per thread, so every check runs on the calling thread.
///
/// ```swift
/// let summary = try MutationTesting.run(fuzzer: Fuzzer(seed: 7), graphs: 2_000)
/// summary.score        // 1.0
/// summary.survivors    // []
/// ```
public enum MutationTesting {
    /// The wrong variants of every rule: for each partial a flipped sign, a factor 2, the term
    /// dropped and a relative error of 1e-6; and the partials exchanged (the wrong input's).
    public static let kinds: [RuleMutation.Kind] = [.scale(-1), .scale(2), .scale(0), .scale(1 + 1e-6)]

    /// Graphs tried per mutant before it counts as a survivor.
    public static let graphsPerMutant = 300

    /// The mutants of `op`, equivalent ones included (see ``equivalence(of:)``).
    public static func mutants(of op: Op) -> [RuleMutation] {
        var list: [RuleMutation] = []
        for input in 0..<op.info.arity {
            for kind in kinds { list.append(RuleMutation(target: op.info.name, input: input, kind: kind)) }
        }
        list.append(RuleMutation(target: op.info.name, input: 0, kind: .swapped))
        return list
    }

    /// Why `m` is the true rule in disguise (nil when it differs somewhere): its partials equal the
    /// true ones at every one of 256 points drawn from the op's sample ranges.
    public static func equivalence(of m: RuleMutation) -> String? {
        guard let op = m.op else { return nil }
        var rng = SeededGenerator(seed: 0xE0)
        let ranges = op.info.sampleRanges
        for k in 0..<256 {
            let x = ranges.isEmpty ? 0 : ranges[0].lowerBound + rng.nextUnit() * (ranges[0].upperBound - ranges[0].lowerBound)
            let y = ranges.count > 1 ? ranges[1].lowerBound + rng.nextUnit() * (ranges[1].upperBound - ranges[1].lowerBound) : x
            let n = [-3, -2, -1, 2, 3, 4][k % 6]
            let z = Rules.primal(op, x, y, n)
            let p = Rules.unmutatedPartials(op, x, y, n, output: z)
            switch m.kind {
            case .scale(let f):
                let q = m.input == 0 ? p.0 : p.1
                if q * f != q { return nil }
            case .swapped:
                if p.0 != p.1 { return nil }
            }
        }
        switch m.kind {
        case .scale: return "the partial is 0 at every sample point"
        case .swapped: return "the two partials are equal at every sample point"
        }
    }

    /// Whether graph `g` exercises the partial `m` changes (a node of the op whose argument is not a constant).
    static func exercises(_ g: RandomGraph, _ m: RuleMutation) -> Bool {
        guard let op = m.op else { return false }
        return g.nodes.contains { node in
            guard node.op == op else { return false }
            let xLive = g.nodes[node.a].op != .constant, yLive = g.nodes[node.b].op != .constant
            switch m.kind {
            case .scale: return m.input == 0 ? xLive : yLive
            case .swapped: return xLive || yLive
            }
        }
    }

    /// Plants every mutant of every op in `ops` and checks it against the fuzzer's graphs
    /// 0..<graphs (those focused on the op first). `progress` gets (done, total). Throws
    /// `ADError.invalidArgument` for a negative count or a generator that cannot draw.
    public static func run(fuzzer: Fuzzer, graphs count: Int, ops: [Op] = Op.primitives,
                           progress: ((Int, Int) -> Void)? = nil) throws -> MutationSummary {
        guard count >= 0 else { throw ADError.invalidArgument("the number of graphs must be ≥ 0, got \(count)") }
        var summary = MutationSummary()
        let pool = try (0..<count).map { (try fuzzer.graph($0), fuzzer.focus($0)) }
        var planned: [RuleMutation] = []
        for op in ops {
            for m in mutants(of: op) {
                if let why = equivalence(of: m) { summary.equivalent.append((m, why)) } else { planned.append(m) }
            }
        }
        // Each graph's Jacobians with the true rules, computed once, outside any mutation.
        var cleanCache: [UInt64: ModeJacobians] = [:]
        func clean(_ g: RandomGraph) -> ModeJacobians {
            if let known = cleanCache[g.seed] { return known }
            let j = ModeJacobians(g)
            cleanCache[g.seed] = j
            return j
        }
        for (k, m) in planned.enumerated() {
            let candidates = pool.filter { exercises($0.0, m) }
            let ordered = candidates.filter { $0.1 == m.op.map { .builtin($0) } } + candidates.filter { $0.1 != m.op.map { .builtin($0) } }
            var outcome = MutantOutcome(mutation: m, caught: false, caughtBy: nil, graphsTried: 0, blamed: nil)
            var tried = 0, changed = 0
            var nearest: MutantEvidence? = nil
            for (g, _) in ordered.prefix(graphsPerMutant) {
                tried += 1
                let (report, mutated) = RuleMutations.withMutation(m) { () -> (CheckReport?, ModeJacobians?) in
                    let r = try? checkJacobian(of: g, at: g.point, options: Fuzzer.checkOptions(for: g))
                    if let r, r.entries.joined().contains(where: { if case .ruleWrong = $0.verdict { return true }; return false }) {
                        return (r, nil)
                    }
                    return (r, ModeJacobians(g))
                }
                guard let mutated else {
                    outcome = MutantOutcome(mutation: m, caught: true, caughtBy: g.seed, graphsTried: tried, blamed: report?.fault?.op)
                    break
                }
                let right = clean(g)
                if mutated != right {
                    changed += 1
                    if let e = nearestEntry(g, report: report, right: right, mutated: mutated),
                       nearest.map({ e.shareOfTolerance > $0.shareOfTolerance }) ?? true {
                        nearest = e
                    }
                }
            }
            if !outcome.caught {
                outcome = MutantOutcome(mutation: m, caught: false, caughtBy: nil, graphsTried: tried, blamed: nil,
                                        graphsChanged: changed, nearest: nearest)
            }
            summary.outcomes.append(outcome)
            progress?(k + 1, planned.count)
        }
        return summary
    }
}

extension MutationTesting {
    /// The entry of `g` whose change under the mutant (`mutated` against the right rules' `right`)
    /// used the largest part of the tolerance `report` (the check under the mutant) decided it
    /// with; nil when no entry changed.
    static func nearestEntry(_ g: RandomGraph, report: CheckReport?, right: ModeJacobians,
                             mutated: ModeJacobians) -> MutantEvidence? {
        guard let reference = right.forward ?? right.reverse else { return nil }
        let value = Diagnostics.quietly { g(g.point) }
        let entries: [EntryCheck] = report.map { Array($0.entries.joined()) } ?? []
        let checked = Dictionary(entries.map { (Pair($0.output, $0.input), $0) }, uniquingKeysWith: { a, _ in a })
        var best: MutantEvidence? = nil
        var noise: (error: Double, output: Int, input: Int)? = nil
        for i in reference.indices {
            for j in reference[i].indices {
                var change = 0.0
                for (a, b) in [(right.forward, mutated.forward), (right.reverse, mutated.reverse)] {
                    guard let a, let b, i < a.count, i < b.count, j < a[i].count, j < b[i].count else { continue }
                    let d = Swift.abs(b[i][j] - a[i][j])
                    // A NaN or infinite change is the largest there is, not one to skip.
                    if !(d <= change) { change = d.isNaN ? .infinity : d }
                }
                guard change > 0 else { continue }
                let e = checked[Pair(i, j)]
                let decided = e?.tolerance != nil ? e : nil
                var evidence = MutantEvidence(
                    graphSeed: g.seed, output: i, input: j, change: change,
                    relativeChange: reference[i][j] == 0 ? .infinity : change / Swift.abs(reference[i][j]),
                    witness: decided?.witness, tolerance: decided?.tolerance,
                    witnessError: decided?.witnessValue.map { Swift.abs($0 - reference[i][j]) },
                    replay: "jac check \"\(g.formula)\" --at \(g.pointArgument)")
                if let h = decided?.step, h > 0, i < value.count, value[i].isFinite {
                    evidence.roundingFloor = value[i].magnitude.ulp / 2 / h
                }
                if best.map({ evidence.shareOfTolerance > $0.shareOfTolerance }) ?? true { best = evidence }
                if let w = evidence.witnessError, noise.map({ w > $0.error }) ?? true { noise = (w, i, j) }
            }
        }
        best?.largestWitnessError = noise
        return best
    }

    /// An entry's (output, input), hashable.
    struct Pair: Hashable {
        let output: Int, input: Int
        init(_ output: Int, _ input: Int) { self.output = output; self.input = input }
    }
}

/// Forward and reverse mode's Jacobians of a graph at its point (nil for a mode that throws):
/// what a planted rule must change for any checker to see it. Equal entries compare equal
/// whatever the sign of a zero, and NaN equals NaN (a mutant that changes neither changes nothing).
struct ModeJacobians: Equatable {
    let forward: [[Double]]?
    let reverse: [[Double]]?

    init(_ g: RandomGraph) {
        forward = try? jacobian(of: g, at: g.point, mode: .forward).jacobian
        reverse = try? jacobian(of: g, at: g.point, mode: .reverse).jacobian
    }

    static func == (a: ModeJacobians, b: ModeJacobians) -> Bool {
        same(a.forward, b.forward) && same(a.reverse, b.reverse)
    }

    static func same(_ a: [[Double]]?, _ b: [[Double]]?) -> Bool {
        guard let a, let b else { return a == nil && b == nil }
        return a.count == b.count && zip(a, b).allSatisfy { r, s in
            r.count == s.count && zip(r, s).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }
        }
    }
}
