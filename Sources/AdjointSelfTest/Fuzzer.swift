import AdjointCore
import AdjointCheck
import AdjointExact
import AdjointFormula

/// One disagreement the fuzzer found: two methods differ on an entry by more than the derived
/// tolerance, or the checker called an entry wrong. Everything needed to reproduce it is here.
public struct Disagreement: Sendable, CustomStringConvertible {
    /// Seed of the graph (``GraphGenerator/graph(seed:focus:)`` with ``focus`` regenerates it).
    public let graphSeed: UInt64
    /// The focus primitive the graph was drawn with, if any.
    public let focus: GraphPrimitive?
    /// The graph as a formula (`jac` parses it when ``RandomGraph/isBuiltinOnly``).
    public let formula: String
    /// The point, as `--at` text.
    public let point: String
    /// What disagreed: "forward vs reverse", "checker: rule-wrong (forward, reverse)", …
    public let what: String
    /// Jacobian entry (output, input); nil for a whole-graph problem (formula round trip).
    public let entry: (output: Int, input: Int)?
    /// The primitive the checker's fault localisation blamed, when it named one.
    public let suspect: String?
    /// Details: the values and the tolerance.
    public let detail: String
    /// Whether the formula uses built-ins only, so `jac check` can parse it; a graph with a user
    /// primitive is replayed in Swift (``replay``).
    public var jacReplays = true

    /// The line that reproduces the disagreement: `jac check "…" --at …` for a graph of built-ins;
    /// for a graph with a user primitive (which `jac` cannot parse: it printed a `jac check` line
    /// that failed with an unknown function) the Swift that regenerates the graph and checks it.
    public var replay: String {
        if jacReplays { return "jac check \"\(formula)\" --at \(point)" }
        let f: String
        switch focus {
        case .builtin(let op)?: f = ".builtin(.\(op))"
        case .user(let k)?: f = ".user(\(k))"
        case nil: f = "nil"
        }
        return "let g = try generator.graph(seed: \(graphSeed), focus: \(f)); print(try checkJacobian(of: g, at: g.point).renderTable())"
            + "   // Swift, with the generator that drew it: jac cannot parse user primitives"
    }

    public var description: String {
        let at = entry.map { " entry ∂f\($0.output + 1)/∂x\($0.input + 1)" } ?? ""
        let blame = suspect.map { "; suspect: \($0)" } ?? ""
        let drawn = focus.map { " (focus \($0))" } ?? ""
        return "graph seed \(graphSeed)\(drawn): \(what)\(at): \(detail)\(blame)\n  \(replay)"
    }
}

/// Tallies of one fuzz run.
public struct FuzzSummary: Sendable {
    /// Graphs run.
    public var graphs = 0
    /// Primitive names that appeared in at least one graph.
    public var primitivesCovered: Set<String> = []
    /// (primitive, partial) pairs applied to a non-constant argument: the rules exercised.
    public var rulesExercised: Set<String> = []
    /// Graphs that ran each witness.
    public var complexStepGraphs = 0
    public var exactGraphs = 0
    public var formulaRoundTrips = 0
    /// Entries the checker could not decide (no reliable witness): not disagreements, but counted.
    public var inconclusiveEntries = 0
    /// Entries checked.
    public var entries = 0
    /// Graphs × methods run through central differences and Richardson directly.
    public var differenceGraphs = 0
    /// Difference estimates too uncertain (or straddling a kink placed on purpose) to judge an entry.
    public var inconclusiveDifferences = 0
    /// Entries through a kink placed on purpose whose convention the checker found a valid subgradient.
    public var kinkEntries = 0
    /// Largest depth seen.
    public var maxDepth = 0
    /// Every disagreement.
    public var disagreements: [Disagreement] = []
}

/// Runs random graphs through every mode and witness and collects disagreements.
///
/// Per graph: forward mode (one direction per pass), chunked forward mode (SIMD8 lanes) and
/// reverse mode against each other; ``checkJacobian(of:at:claimed:claimedName:options:)`` with
/// central differences, Richardson, the complex step (analytic graphs) and exact rational
/// differences (rational-closed graphs) as its ladder; the complex step directly; exact forward
/// and exact reverse mode (rational-closed graphs), which must be identical, against the Double
/// modes; and the printed formula parsed back by ``Formula`` evaluating to the same bits.
///
/// Tolerances between AD results (forward, reverse, exact, complex step) are derived, not tuned:
/// each of the graph's N nodes may add a few ulps relative to the row's largest entry, so
/// |a − b| ≤ ``CheckOptions/adAccuracyULPs``·ε·N·(row scale).
///
/// ```swift
/// var fuzzer = Fuzzer(seed: 7)
/// let summary = try fuzzer.run(graphs: 500)
/// summary.disagreements.isEmpty
/// ```
public struct Fuzzer {
    /// The generator (holds the user primitives).
    public var generator: GraphGenerator
    /// Master seed: graph k has seed ``graphSeed(_:)``.
    public let seed: UInt64
    /// Largest exact bit size attempted (beyond it exact mode is skipped for that graph).
    public static let exactBitsBound = 4_096

    /// A fuzzer whose graph k is drawn from `generator` with seed ``graphSeed(_:)``: the same
    /// seed and generator give the same graphs on every machine.
    ///
    /// ```swift
    /// let fuzzer = Fuzzer(seed: 7)
    /// let first = try fuzzer.graph(0)            // what run(graphs:) checks first
    /// let summary = try fuzzer.run(graphs: 100)
    /// ```
    public init(seed: UInt64, generator: GraphGenerator = GraphGenerator()) {
        self.seed = seed; self.generator = generator
    }

    /// The seed of graph `k` of this run.
    public func graphSeed(_ k: Int) -> UInt64 {
        var g = SeededGenerator(seed: seed ^ (UInt64(bitPattern: Int64(k)) &* 0x9E37_79B9_7F4A_7C15))
        return g.next()
    }

    /// The focus of graph `k`: the primitives in turn, so every one is drawn on purpose.
    public func focus(_ k: Int) -> GraphPrimitive? {
        let all = generator.primitives
        guard !all.isEmpty else { return nil }
        let r = k % all.count
        return all[r < 0 ? r + all.count : r]
    }

    /// Graph `k` (k ≥ 0) of this run. Throws `ADError.invalidArgument` for a negative k or a
    /// generator that cannot draw (see ``GraphGenerator/problem(focus:)``).
    public func graph(_ k: Int) throws -> RandomGraph {
        guard k >= 0 else { throw ADError.invalidArgument("graph index must be ≥ 0, got \(k)") }
        return try generator.graph(seed: graphSeed(k), focus: focus(k))
    }

    /// Runs graphs 0..<count (count ≥ 0, else `ADError.invalidArgument`); `progress` is called
    /// after each.
    public func run(graphs count: Int, progress: ((Int) -> Void)? = nil) throws -> FuzzSummary {
        guard count >= 0 else { throw ADError.invalidArgument("the number of graphs must be ≥ 0, got \(count)") }
        if let why = generator.problem() { throw ADError.invalidArgument(why) }
        var summary = FuzzSummary()
        for k in 0..<count {
            let g = try graph(k)
            fuzz(g, focus: focus(k), into: &summary)
            progress?(k + 1)
        }
        return summary
    }

    /// The checker's options for a graph: the ladder the graph admits.
    /// Odd graph seeds put Richardson first, so it decides on half the graphs instead of only
    /// where central differences fail.
    public static func checkOptions(for g: RandomGraph) -> CheckOptions {
        var o = CheckOptions()
        var ladder: [WitnessRung] = g.seed & 1 == 1 ? [.differences(.richardson), .differences(.central)]
                                                    : [.differences(.central), .differences(.richardson)]
        if g.isAnalytic { ladder.append(.differences(.complexStep)) }
        if g.isRationalClosed && g.exactBits <= exactBitsBound { ladder.append(.exactRationals) }
        o.ladder = ladder
        // The self-test judges rules: the derivative rounding bound is a note it never reads.
        o.boundsDerivativeRounding = false
        return o
    }

    /// The Jacobian of the graph with every local partial and tangent replaced by its magnitude
    /// (forward mode in |·|): the scale of the terms each entry sums, so cancellation does not
    /// shrink the rounding tolerance. Uses the unmutated rules: it measures sizes, not correctness.
    public static func magnitudeJacobian(_ g: RandomGraph) -> [[Double]] {
        let values = Diagnostics.quietly { () -> [Double] in
            var v: [Double] = []
            for node in g.nodes {
                switch node.op {
                case .input: v.append(g.point[node.n])
                case .constant: v.append(g.constants[node.n])
                case .custom: v.append(RandomGraph.applyUser(g.userPrimitives[node.n], v[node.a], v[node.b]))
                default: v.append(Rules.primal(node.op, v[node.a], v[node.b], node.n))
                }
            }
            return v
        }
        var columns: [[Double]] = []
        for j in 0..<g.inputs {
            var t: [Double] = []
            for (k, node) in g.nodes.enumerated() {
                switch node.op {
                case .input: t.append(node.n == j ? 1 : 0)
                case .constant: t.append(0)
                default:
                    let (p, q) = node.op == .custom
                        ? g.userPrimitives[node.n].partials(values[node.a], values[node.b], output: values[k])
                        : Rules.unmutatedPartials(node.op, values[node.a], values[node.b], node.n, output: values[k])
                    let second = node.op == .custom ? g.userPrimitives[node.n].arity == 2 : node.op.info.arity == 2
                    t.append(Swift.abs(p) * t[node.a] + (second ? Swift.abs(q) * t[node.b] : 0))
                }
            }
            columns.append(g.outputs.map { t[$0] })
        }
        return g.outputs.indices.map { i in columns.map { $0[i] } }
    }

    /// Whether output i depends on input j through a node placed at a kink (the difference then
    /// straddles it and estimates no derivative).
    func crossesKink(_ g: RandomGraph, output i: Int, input j: Int) -> Bool {
        guard g.kinkNodes.isEmpty == false else { return false }
        var reaches = [Bool](repeating: false, count: g.nodes.count)
        var throughKink = [Bool](repeating: false, count: g.nodes.count)
        for (k, node) in g.nodes.enumerated() {
            switch node.op {
            case .input: reaches[k] = node.n == j
            case .constant: break
            default:
                reaches[k] = reaches[node.a] || reaches[node.b]
                throughKink[k] = throughKink[node.a] || throughKink[node.b] || (reaches[k] && g.kinkNodes.contains(k))
            }
        }
        return throughKink[g.outputs[i]]
    }

    /// Fuzzes one graph, adding to `summary`.
    public func fuzz(_ g: RandomGraph, focus: GraphPrimitive?, into summary: inout FuzzSummary) {
        summary.graphs += 1
        summary.maxDepth = Swift.max(summary.maxDepth, g.depth)
        summary.primitivesCovered.formUnion(g.primitiveNames)
        for node in g.nodes where node.op != .input && node.op != .constant {
            let name = node.op == .custom ? g.userPrimitives[node.n].name : node.op.info.name
            let arity = node.op == .custom ? g.userPrimitives[node.n].arity : node.op.info.arity
            if g.nodes[node.a].op != .constant { summary.rulesExercised.insert("\(name) ∂x") }
            if arity == 2 && g.nodes[node.b].op != .constant { summary.rulesExercised.insert("\(name) ∂y") }
        }
        func report(_ what: String, _ entry: (Int, Int)?, _ detail: String, suspect: String? = nil) {
            summary.disagreements.append(Disagreement(
                graphSeed: g.seed, focus: focus, formula: g.formula, point: g.pointArgument, what: what,
                entry: entry.map { (output: $0.0, input: $0.1) }, suspect: suspect, detail: detail, jacReplays: g.isBuiltinOnly))
        }
        let x = g.point
        let nodeCount = Double(g.nodes.count)
        let eps = Double.ulpOfOne

        // The formula round trip: what we print is what jac would check.
        if g.isBuiltinOnly {
            summary.formulaRoundTrips += 1
            do {
                let parsed = try Formula(parsing: g.formula)
                let a = Diagnostics.quietly { g(x) }, b = Diagnostics.quietly { parsed(x) }
                if parsed.variables != g.variables || a.count != b.count
                    || zip(a, b).contains(where: { $0.bitPattern != $1.bitPattern }) {
                    report("formula round trip", nil, "graph value \(a), parsed formula value \(b)")
                }
            } catch {
                report("formula round trip", nil, "the printed formula does not parse: \(error)")
            }
        }

        // The AD modes against each other.
        let forward = try? forwardJacobian(of: { (d: [Dual<Double, Double>]) in g(d) }, at: x, checked: false)
        let chunked = try? forwardJacobian(of: { (d: [Dual<Double, SIMD8<Double>>]) in g(d) }, at: x, checked: false)
        let reverse = try? record({ g($0) }, at: x)
        let reverseJacobian = try? reverse?.jacobian(checked: false)
        guard let forward, let chunked, let reverseJacobian else {
            report("evaluation", nil, "an AD mode threw at a point the generator accepted")
            return
        }
        let m = forward.value.count
        let reference = forward.jacobian
        // Rounding in a sum of chain-rule products is relative to the sum of their magnitudes,
        // not to the (possibly cancelled) result: the magnitude Jacobian Σ|∂|·|tangent| bounds it.
        let magnitude = Fuzzer.magnitudeJacobian(g)
        func rowTolerance(_ rows: [[[Double]]], _ i: Int) -> Double {
            let entries = rows.flatMap { $0[i] }.filter(\.isFinite).map { Swift.abs($0) }.max() ?? 0
            let scale = Swift.max(entries, magnitude[i].max() ?? 0)
            return CheckOptions.adAccuracyULPs * eps * nodeCount * scale
        }
        func compare(_ name: String, _ other: [[Double]]) {
            for i in 0..<m {
                let tol = rowTolerance([reference, other], i)
                for j in x.indices {
                    let a = reference[i][j], b = other[i][j]
                    if !(Swift.abs(a - b) <= tol) {
                        report("forward vs \(name)", (i, j), "forward \(a), \(name) \(b), tolerance \(tol)")
                    }
                }
            }
        }
        compare("chunked forward", chunked.jacobian)
        compare("reverse", reverseJacobian)

        // Central differences on their own: an estimate with warnings, whose error estimate is
        // too large to decide, or that straddles a kink placed on purpose is skipped; else the
        // checker's own tolerance applies, 4·(error estimate) + (nominal accuracy + 64ε)·|w|,
        // plus the AD allowance for the row. (Richardson is not judged alone: its first steps
        // are long, and only the checker knows when they straddle a kink or leave the region
        // where its error estimate holds; it leads the checker's ladder on every other graph.)
        for method in [DifferenceMethod.central] {
            guard let d = try? differenceJacobian(of: g, at: x, method: method) else {
                report("\(method.rawValue)", nil, "differences threw at a point the generator accepted")
                continue
            }
            summary.differenceGraphs += 1
            let nominal = method.nominalRelativeAccuracy(epsilon: eps) + CheckOptions.adAccuracyULPs * eps
            for i in 0..<m {
                let ad = rowTolerance([reference], i)
                for j in x.indices {
                    let w = d.entries[i][j], a = reference[i][j]
                    let scale = Swift.max(Swift.abs(a), Swift.abs(w.value), magnitude[i][j])
                    let usable = w.warnings.isEmpty && w.value.isFinite
                        && w.errorEstimate <= DifferenceTuning.inconclusiveRelativeError * scale
                        && !crossesKink(g, output: i, input: j)
                    guard usable else { summary.inconclusiveDifferences += 1; continue }
                    let tol = CheckOptions.errorEstimateSafety * w.errorEstimate + nominal * Swift.abs(w.value) + ad
                    if !(Swift.abs(a - w.value) <= tol) {
                        report("forward vs \(method.rawValue)", (i, j), "forward \(a), \(method.rawValue) \(w.value) ± \(w.errorEstimate), tolerance \(tol)")
                    }
                }
            }
        }

        // The checker, with every witness the graph admits.
        let options = Fuzzer.checkOptions(for: g)
        if let r = try? checkJacobian(of: g, at: x, options: options) {
            if let problem = r.problem { report("checker", nil, "evaluation problem: \(problem)") }
            for e in r.entries.joined() {
                summary.entries += 1
                switch e.verdict {
                case .agree: break
                case .fdInconclusive: summary.inconclusiveEntries += 1
                case .kink(let ok) where ok != false: summary.kinkEntries += 1
                default:
                    let values = e.subjects.map { "\($0.name) \($0.value)" }.joined(separator: ", ")
                    report("checker: \(e.verdict.name)", (e.output, e.input),
                           "\(values); witness \(e.witness ?? "-") \(e.witnessValue ?? .nan), tolerance \(e.tolerance ?? .nan)",
                           suspect: r.fault?.op)
                }
            }
        } else {
            report("checker", nil, "checkJacobian threw")
        }

        // The complex step directly. swift-numerics' complex functions are accurate normwise,
        // not to the last bits of a tiny imaginary part, so the complex step is held to the
        // central difference's nominal accuracy ε^(2/3) (relative to the row's terms, with the
        // same floor |fᵢ|/max(1, |xⱼ|) the checker uses for entries tiny next to the value),
        // not to its 4ε claim: observed errors on deep graphs reach 1e-12 relative. The step's
        // estimate leaves out the rounding inside g that forward mode shares with it.
        if g.isAnalytic, let cs = try? complexStepJacobianAsComputed(of: g, at: x) {
            summary.complexStepGraphs += 1
            let accuracy = DifferenceMethod.central.nominalRelativeAccuracy(epsilon: eps)
            for i in 0..<m {
                for j in x.indices where cs.entries[i][j].warnings.isEmpty {
                    let a = reference[i][j], b = cs.jacobian[i][j]
                    let terms = Swift.max(Swift.abs(a), magnitude[i][j])
                    let floor = Swift.abs(forward.value[i]) / Swift.max(1, Swift.abs(x[j]))
                    let tol = accuracy * Swift.max(terms, floor) + 4 * cs.entries[i][j].errorEstimate
                    if !(Swift.abs(a - b) <= tol) {
                        report("forward vs complex step", (i, j), "forward \(a), complex step \(b), tolerance \(tol)")
                    }
                }
            }
        }

        // Exact forward and reverse: identical to each other, and the Double modes within rounding.
        if g.isRationalClosed && g.exactBits <= Fuzzer.exactBitsBound {
            let fwd = try? exactJacobian(of: g, at: x, mode: .forward)
            let rev = try? exactJacobian(of: g, at: x, mode: .reverse)
            if let fwd, let rev {
                summary.exactGraphs += 1
                let exactRows = fwd.jacobian.map { $0.map(\.doubleValue) }
                for i in 0..<m {
                    let exactRow = exactRows[i]
                    let t = rowTolerance([exactRows, reference], i)
                    for j in x.indices {
                        if fwd.jacobian[i][j] != rev.jacobian[i][j] {
                            report("exact forward vs exact reverse", (i, j),
                                   "\(fwd.jacobian[i][j]) ≠ \(rev.jacobian[i][j])")
                        }
                        if !(Swift.abs(reference[i][j] - exactRow[j]) <= t) {
                            report("forward vs exact", (i, j), "forward \(reference[i][j]), exact \(exactRow[j]), tolerance \(t)")
                        }
                    }
                }
            } else if fwd == nil && rev == nil {
                // Outgrowing the bit limit is a limit, not a disagreement; anything else is reported.
                do { _ = try exactJacobian(of: g, at: x, mode: .forward) } catch {
                    if let e = error as? ADError, case .limitExceeded = e {} else {
                        report("exact", nil, "exact mode failed: \(error)")
                    }
                }
            } else {
                report("exact forward vs exact reverse", nil, "one exact mode failed and the other did not")
            }
        }
    }
}
