import XCTest
import AdjointCore
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

    /// Five kinds per partial and input: a unary op has 5 mutants, a binary one 9.
    func testMutantFamilies() {
        XCTAssertEqual(MutationTesting.mutants(of: .sin).count, 5)
        XCTAssertEqual(MutationTesting.mutants(of: .hypot).count, 9)
        XCTAssertEqual(Set(MutationTesting.mutants(of: .sin).map(\.kind)),
                       [.scale(-1), .scale(2), .scale(0), .scale(1 + 1e-6), .swapped])
    }
}
