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

    /// A survivor comes with where it came nearest to being caught. `jac selftest --graphs 30
    /// --mutations --seed 3` listed `leaky_relu ∂y × 1.000001` with nothing more. It changes one
    /// graph (seed 883620860755687159, graph 25): f = 1.5 − erf(F), F = x1·E, E = x2³·1.25·cos(softplus(x2²·1.25))
    /// at x = (−1.375, −1.6875, 1.125, 1.25), with F = 4.4156 and every live leaky_relu left of its
    /// kink, so ∂f/∂x1 = −erf′(F)·E comes wholly from the last leaky_relu's ∂slope (= E) and the
    /// mutant scales it by exactly 1 + 10⁻⁶ (by hand). mpmath at 40 digits: ∂f/∂x1 =
    /// 1.234769586391374976e-8, so the change is 1.234769586391374976e-14; on ∂f/∂x4 the change is
    /// 1.35825e-14. f is ½ + 4.2e-10, so f′ lives in erf(F)'s last bits: Richardson, the deciding
    /// witness, is 1.87e-15 from mpmath on ∂f/∂x1 but 1.53e-14 on ∂f/∂x4, more than the mutant
    /// moves that entry (its value sits nearer the mutant's than the right one's there).
    func testASurvivorSaysWhereItCameNearestToBeingCaught() throws {
        // The built-ins only, as `jac selftest` draws them: a generator drawing registered user
        // primitives too (the default) makes other graphs once another test has registered one.
        var builtIns = GraphGenerator()
        builtIns.userPrimitives = []
        let summary = try MutationTesting.run(fuzzer: Fuzzer(seed: 3, generator: builtIns), graphs: 30, ops: [.leakyRelu])
        let outcome = try XCTUnwrap(summary.outcomes.first { $0.mutation.description == "leaky_relu ∂y × 1.000001" })
        XCTAssertFalse(outcome.caught)
        XCTAssertEqual(outcome.graphsChanged, 1)
        let e = try XCTUnwrap(outcome.nearest, "a survivor names the graph and entry it moved")
        XCTAssertEqual(e.graphSeed, 883620860755687159)
        XCTAssertEqual(e.output, 0)
        XCTAssertEqual(e.input, 0)
        XCTAssertEqual(e.change, 1.234769586391374976e-14, accuracy: 1e-20)
        XCTAssertEqual(e.relativeChange, 1e-6, accuracy: 1e-13)
        XCTAssertEqual(e.witness, "richardson")
        XCTAssertEqual(try XCTUnwrap(e.witnessError), 1.87e-15, accuracy: 0.01e-15)
        XCTAssertLessThan(e.shareOfTolerance, 1, "not caught: the change was within the tolerance")
        // Richardson decided at step 2⁻⁷ and f = ½ + 4.2e-10 (mpmath), whose ulp is 2⁻⁵³: one rounding
        // of f over that step is 2⁻⁵⁴/2⁻⁷ = 2⁻⁴⁷ = 7.1e-15, more than a quarter of the change: with
        // the checker's 4× safety on an estimate no smaller, the change cannot be convicted there.
        XCTAssertEqual(e.roundingFloor, 0x1p-47)
        XCTAssertGreaterThan(CheckOptions.errorEstimateSafety * 0x1p-47, e.change)
        let noise = try XCTUnwrap(e.largestWitnessError)
        XCTAssertEqual(noise.output, 0)
        XCTAssertEqual(noise.input, 3)
        XCTAssertGreaterThan(noise.error, 1.35825e-14, "the witness is off by more than the mutant moves ∂f/∂x4")
        XCTAssertTrue(e.replay.hasPrefix("jac check \"f(x1, x2, x3, x4) = "), e.replay)
        XCTAssertTrue(e.replay.hasSuffix("--at x1=-1.375,x2=-1.6875,x3=1.125,x4=1.25"), e.replay)
        // Caught mutants and those that changed nothing carry no evidence.
        XCTAssertTrue(summary.outcomes.allSatisfy { ($0.nearest == nil) == ($0.caught || $0.graphsChanged == 0) })

        // The table prints it under the survivors, and the JSON carries the numbers.
        let fuzz = try Fuzzer(seed: 3).run(graphs: 1)
        let report = SelfTestReport(seed: 3, fuzz: fuzz, mutations: summary, primitives: ["leaky_relu"], seconds: 0, problem: nil)
        let table = report.renderTable()
        XCTAssertTrue(table.contains("\n  leaky_relu ∂y × 1.000001 changed 1 graph(s); nearest to caught: graph seed 883620860755687159 "
                                     + "∂f1/∂x1: moved 1.2e-14 (1.0e-6 of it); richardson's tolerance "), table)
        XCTAssertTrue(table.contains("; one rounding of f1 over that step 7.1e-15; "), table)
        XCTAssertTrue(table.contains("; the witnesses' largest error on the entries it moved 1.5e-14 (∂f1/∂x4)"), table)
        guard case .object(let fields) = report.jsonValue else { return XCTFail("not an object") }
        let json = Dictionary(fields, uniquingKeysWith: { a, _ in a })
        guard case .array(let details)? = json["survivor_details"], details.count == 1,
              case .object(let d) = details[0] else { return XCTFail("survivor_details: \(String(describing: json["survivor_details"]))") }
        let detail = Dictionary(d, uniquingKeysWith: { a, _ in a })
        XCTAssertEqual(detail["mutant"], .string("leaky_relu ∂y × 1.000001"))
        XCTAssertEqual(detail["graph_seed"], .string("883620860755687159"))
        XCTAssertEqual(detail["input"], .integer(0))
    }
}
