import XCTest
import AdjointCore
import AdjointCheck
import AdjointFormula
@testable import AdjointSelfTest

final class FuzzerTests: XCTestCase {
    /// The bounded fuzz of `make test`: 2,000 graphs, every built-in primitive placed, every mode
    /// and witness agreeing within the derived tolerances.
    func testBoundedFuzzHasNoDisagreements() throws {
        let summary = try Fuzzer(seed: 7).run(graphs: 2_000)
        XCTAssertEqual(summary.graphs, 2_000)
        XCTAssertEqual(summary.primitivesCovered, Set(Op.primitives.map(\.info.name)))
        XCTAssertGreaterThan(summary.complexStepGraphs, 200)
        XCTAssertGreaterThan(summary.exactGraphs, 100)
        XCTAssertEqual(summary.formulaRoundTrips, 2_000)
        XCTAssertTrue(summary.disagreements.isEmpty,
                      "\(summary.disagreements.count) disagreements, first: \(summary.disagreements.prefix(3).map(\.description))")
    }

    /// A wrong rule planted on this thread is found by the fuzzer alone (no mutation testing), and
    /// the report names the primitive.
    func testPlantedWrongRuleIsFoundAndNamed() throws {
        let summary = try RuleMutations.withMutation(RuleMutation(op: .tanh, input: 0, factor: 2)) {
            try Fuzzer(seed: 21).run(graphs: 200)
        }
        XCTAssertFalse(summary.disagreements.isEmpty)
        XCTAssertTrue(summary.disagreements.contains { $0.suspect == "tanh" },
                      "suspects: \(Set(summary.disagreements.compactMap(\.suspect)))")
        // Every disagreement the mutation adds is on a graph that uses tanh: nothing else was made
        // wrong. (The baseline is not empty while the complex step of atan is broken, see
        // FoundIssuesTests.)
        func key(_ d: Disagreement) -> String { "\(d.graphSeed) \(d.what) \(d.entry.map { "\($0.output),\($0.input)" } ?? "-")" }
        let baseline = Set(try Fuzzer(seed: 21).run(graphs: 200).disagreements.map(key))
        let added = summary.disagreements.filter { !baseline.contains(key($0)) }
        XCTAssertFalse(added.isEmpty)
        for d in added { XCTAssertTrue(d.formula.contains("tanh("), d.description) }
    }

    /// A small relative error (1e-6) in a two-input rule's second partial is found too.
    func testPlantedSmallErrorInSecondPartialIsFound() throws {
        let summary = try RuleMutations.withMutation(RuleMutation(target: "pow", input: 1, kind: .scale(1 + 1e-6))) {
            try Fuzzer(seed: 5).run(graphs: 300)
        }
        XCTAssertTrue(summary.disagreements.contains { $0.suspect == "pow" },
                      "suspects: \(Set(summary.disagreements.compactMap(\.suspect)))")
    }

    /// The magnitude Jacobian of x·y − y·x at (2, 3) is |y|+|y| = 6 and |x|+|x| = 4 (by hand),
    /// though the Jacobian itself is 0: the tolerance scale survives cancellation.
    func testMagnitudeJacobianSumsAbsoluteTerms() {
        let g = RandomGraph(seed: 0, nodes: [
            GraphNode(op: .input, a: 0, b: 0, n: 0), GraphNode(op: .input, a: 0, b: 0, n: 1),
            GraphNode(op: .mul, a: 0, b: 1, n: 0), GraphNode(op: .mul, a: 1, b: 0, n: 0),
            GraphNode(op: .sub, a: 2, b: 3, n: 0),
        ], constants: [], inputs: 2, outputs: [4], point: [2, 3], userPrimitives: [], depth: 2, exactBits: 0)
        XCTAssertEqual(Fuzzer.magnitudeJacobian(g), [[6, 4]])
    }
}

/// logaddexp(x, y) = log(eˣ + eʸ) with the copy-paste bug: ∂/∂y written as ∂/∂x = σ(x − y)
/// (by hand ∂/∂y = σ(y − x)).
enum CopyPasteLogAddExp: ScalarPrimitive {
    static let name = "copy_paste_logaddexp"
    static let arity = 2
    static func primal<T: ADScalar>(_ x: T, _ y: T) -> T { let m = x < y ? y : x; return m + log(exp(x - m) + exp(y - m)) }
    static func partials<T: ADScalar>(_ x: T, _ y: T, output z: T) -> (T, T) { (exp(x - z), exp(x - z)) }
}

extension FuzzerTests {
    /// trialJ: a disagreement on a graph with a user primitive printed `jac check "…"`, which jac
    /// cannot parse ("copy_paste_logaddexp" is no function of its language); the line now is the
    /// Swift that regenerates the graph, and that Swift reproduces the conviction.
    func testADisagreementWithAUserPrimitiveIsReplayableAsPrinted() throws {
        var gen = GraphGenerator()
        gen.userPrimitives = [CopyPasteLogAddExp.self]
        gen.builtins = [.add, .mul]
        let summary = try Fuzzer(seed: 7, generator: gen).run(graphs: 10)
        let d = try XCTUnwrap(summary.disagreements.first { $0.what.hasPrefix("checker: rule-wrong") }, "\(summary.disagreements)")
        XCTAssertThrowsError(try Formula(parsing: d.formula), "jac would parse it")
        XCTAssertFalse(d.jacReplays)
        XCTAssertFalse(d.description.contains("jac check"), d.description)
        let focus = try XCTUnwrap(d.focus)
        let focusText: String
        switch focus { case .user(let k): focusText = ".user(\(k))"; case .builtin(let op): focusText = ".builtin(.\(op))" }
        XCTAssertTrue(d.description.contains("let g = try generator.graph(seed: \(d.graphSeed), focus: \(focusText)); "
                                             + "print(try checkJacobian(of: g, at: g.point).renderTable())"), d.description)
        // What the line runs: the same graph, the same point, and the rule convicted again.
        let g = try gen.graph(seed: d.graphSeed, focus: focus)
        XCTAssertEqual(g.formula, d.formula)
        let report = try checkJacobian(of: g, at: g.point)
        XCTAssertTrue(report.entries.joined().contains { $0.verdict.name == "rule-wrong" }, report.renderTable())
        // A graph of built-ins keeps its jac line.
        let builtin = Disagreement(graphSeed: 1, focus: nil, formula: "sin(x1)", point: "x1=0.5", what: "w", entry: nil,
                                   suspect: nil, detail: "d")
        XCTAssertTrue(builtin.description.hasSuffix("jac check \"sin(x1)\" --at x1=0.5"), builtin.description)
    }
}
