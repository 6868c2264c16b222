import XCTest
import AdjointCore
import AdjointCheck
@testable import AdjointSelfTest

final class MutationTestingTests: XCTestCase {
    /// Every wrong variant of every built-in rule is caught by the checker on the fuzzer's graphs.
    func testEveryMutantOfEveryRuleIsCaught() throws {
        let summary = try MutationTesting.run(fuzzer: Fuzzer(seed: 7), graphs: 2_000)
        XCTAssertEqual(summary.score, 1, "survivors: \(summary.survivors.map(\.description))")
        XCTAssertTrue(summary.survivors.isEmpty)
        for op in Op.primitives {
            let planted = summary.outcomes.filter { $0.mutation.target == op.info.name }.count
            XCTAssertGreaterThanOrEqual(planted, 5, "\(op.info.name): \(planted) mutants")
        }
        XCTAssertEqual(summary.planted, summary.outcomes.count)
    }

    /// The only equivalent mutant: add's partials are (1, 1), so swapping them changes nothing
    /// (by hand); every other swap and every scaling changes some partial somewhere.
    func testOnlyAddSwappedIsEquivalent() {
        var equivalent: [String] = []
        for op in Op.primitives {
            for m in MutationTesting.mutants(of: op) where MutationTesting.equivalence(of: m) != nil {
                equivalent.append(m.description)
            }
        }
        XCTAssertEqual(equivalent, ["add partials swapped"])
    }

    /// A mutant whose op no graph uses was never tried: with no graph at all, each of sin's five
    /// mutants (∂x × −1, × 2, × 0, × (1 + 1e-6), swapped; none equivalent) is not exercised, and
    /// none is a survivor. They were listed as survivors with `graphsTried` 0 (a review). The
    /// self-test still fails, naming them apart from the survivors in the table and the JSON.
    func testAMutantNoGraphUsesIsNotExercisedNotASurvivor() throws {
        let summary = try MutationTesting.run(fuzzer: Fuzzer(seed: 3), graphs: 0, ops: [.sin])
        XCTAssertEqual(summary.planted, 5)
        XCTAssertEqual(summary.caught, 0)
        XCTAssertEqual(summary.survivors, [])
        XCTAssertEqual(summary.notExercised.map(\.description),
                       ["sin ∂x × -1.0", "sin ∂x × 2.0", "sin ∂x × 0.0", "sin ∂x × 1.000001", "sin partials swapped"])
        XCTAssertTrue(summary.outcomes.allSatisfy { !$0.exercised && $0.graphsTried == 0 })

        let fuzz = try Fuzzer(seed: 3).run(graphs: 1)
        let report = SelfTestReport(seed: 3, fuzz: fuzz, mutations: summary, primitives: ["sin"], seconds: 0, problem: nil)
        XCTAssertFalse(report.passed, "a mutant never tried is not shown caught")
        let table = report.renderTable()
        XCTAssertTrue(table.contains("survivors         none"), table)
        XCTAssertTrue(table.contains("not exercised     5 (their op or partial appeared in no graph, or changed no mode's Jacobian where it did; raise --graphs): sin ∂x × -1.0; "), table)
        XCTAssertTrue(table.hasSuffix("FAIL"), table)
        guard case .object(let fields) = report.jsonValue else { return XCTFail("not an object") }
        let json = Dictionary(fields, uniquingKeysWith: { a, _ in a })
        XCTAssertEqual(json["survivors"], .array([]))
        XCTAssertEqual(json["mutants_not_exercised"], .array(summary.notExercised.map { .string($0.description) }))
    }

    /// A mutant that changes no mode's Jacobian at any graph tried cannot be caught by any
    /// checker: it is not exercised, not a survivor. Over seed 3's first 30 graphs max's ∂y is 1
    /// at one node only (graph 5, max(21.6…, 22.0…)), and there f = relu(−relu(max(…)) − x1/x3)
    /// with the outer relu's argument negative, so J = 0 whatever max's rule says (by hand).
    /// `jac selftest --graphs 30 --mutations --seed 3` listed the four as survivors (a new user's
    /// trial, 2026-12-06).
    func testAMutantThatChangesNoJacobianIsNotASurvivor() throws {
        let summary = try MutationTesting.run(fuzzer: Fuzzer(seed: 3), graphs: 30, ops: [.max])
        let dy = summary.outcomes.filter { $0.mutation.input == 1 && $0.mutation.kind != .swapped }
        XCTAssertEqual(dy.count, 4)
        for o in dy {
            XCTAssertGreaterThan(o.graphsTried, 0, "\(o.mutation): some graph applies max to a live y")
            XCTAssertEqual(o.graphsChanged, 0, "\(o.mutation)")
            XCTAssertFalse(o.caught)
            XCTAssertFalse(o.exercised)
        }
        XCTAssertEqual(summary.survivors.map(\.description), [])
        XCTAssertEqual(Set(summary.notExercised.map(\.description)),
                       ["max ∂y × -1.0", "max ∂y × 2.0", "max ∂y × 0.0", "max ∂y × 1.000001"])
        // The same mutants on more graphs, where y is the larger one and reaches an output: caught.
        let more = try MutationTesting.run(fuzzer: Fuzzer(seed: 7), graphs: 2_000, ops: [.max])
        XCTAssertEqual(more.survivors, [])
        XCTAssertEqual(more.notExercised, [])
    }

    /// Five kinds per partial and input: a unary op has 5 mutants, a binary one 9.
    func testMutantFamilies() {
        XCTAssertEqual(MutationTesting.mutants(of: .sin).count, 5)
        XCTAssertEqual(MutationTesting.mutants(of: .hypot).count, 9)
        XCTAssertEqual(Set(MutationTesting.mutants(of: .sin).map(\.kind)),
                       [.scale(-1), .scale(2), .scale(0), .scale(1 + 1e-6), .swapped])
    }
}
