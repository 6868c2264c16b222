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
            for (g, _) in ordered.prefix(graphsPerMutant) {
                tried += 1
                let (catching, mutated) = RuleMutations.withMutation(m) { () -> (CheckReport?, ModeJacobians?) in
                    if let r = try? checkJacobian(of: g, at: g.point, options: Fuzzer.checkOptions(for: g)),
                       r.entries.joined().contains(where: { if case .ruleWrong = $0.verdict { return true }; return false }) {
                        return (r, nil)
                    }
                    return (nil, ModeJacobians(g))
                }
                if let r = catching {
                    outcome = MutantOutcome(mutation: m, caught: true, caughtBy: g.seed, graphsTried: tried, blamed: r.fault?.op)
                    break
                }
                if let mutated, mutated != clean(g) { changed += 1 }
            }
            if !outcome.caught {
                outcome = MutantOutcome(mutation: m, caught: false, caughtBy: nil, graphsTried: tried, blamed: nil, graphsChanged: changed)
            }
            summary.outcomes.append(outcome)
            progress?(k + 1, planned.count)
        }
        return summary
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
