import XCTest
import AdjointCore
import AdjointCheck
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
