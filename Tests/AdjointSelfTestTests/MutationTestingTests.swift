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
        XCTAssertTrue(table.contains("not exercised     5 (their op or partial appeared in no graph; raise --graphs): sin ∂x × -1.0; "), table)
        XCTAssertTrue(table.hasSuffix("FAIL"), table)
        guard case .object(let fields) = report.jsonValue else { return XCTFail("not an object") }
        let json = Dictionary(fields, uniquingKeysWith: { a, _ in a })
        XCTAssertEqual(json["survivors"], .array([]))
        XCTAssertEqual(json["mutants_not_exercised"], .array(summary.notExercised.map { .string($0.description) }))
    }

    /// Five kinds per partial and input: a unary op has 5 mutants, a binary one 9.
    func testMutantFamilies() {
        XCTAssertEqual(MutationTesting.mutants(of: .sin).count, 5)
        XCTAssertEqual(MutationTesting.mutants(of: .hypot).count, 9)
        XCTAssertEqual(Set(MutationTesting.mutants(of: .sin).map(\.kind)),
                       [.scale(-1), .scale(2), .scale(0), .scale(1 + 1e-6), .swapped])
    }
}
