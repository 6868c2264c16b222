import AdjointCheck
import AdjointCore
import XCTest
@testable import AdjointTesting

/// The concurrent property run counts, under the async `measureOperations`, what the sequential
/// run counts, and its verdicts under an async-planted mutation are the sequential run's under a
/// thread's: before, its workers ran on other threads, uncounted and unmutated.
final class ConcurrentPropertyCountTests: XCTestCase {
    struct SinProduct: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.sin(x[0]) * x[1] + x[2] * x[2]] }
    }
    static let gradient: @Sendable ([Double]) -> [Double] = { x in [Foundation.cos(x[0]) * x[1], Foundation.sin(x[0]), 2 * x[2]] }

    func property() -> DerivativeProperty {
        .gradient(of: SinProduct(), claimed: Self.gradient, inputs: .vector(3, .uniform(-2...2)))
    }

    func testAConcurrentRunCountsWhatTheSequentialRunCounts() async throws {
        var o = AdjointTestOptions()
        o.trials = 12
        let sequential = measureOperations { checkProperty(property(), options: o) }
        XCTAssertTrue(sequential.result.passed, sequential.result.message)
        XCTAssertGreaterThan(sequential.counts.functionEvaluations, o.trials)
        for workers in [2, 5] {
            o.concurrency = workers
            let batch = await measureOperations { await checkPropertyConcurrently(property(), options: o) }
            XCTAssertTrue(batch.result.passed, batch.result.message)
            XCTAssertEqual(batch.counts, sequential.counts, "\(workers) workers")
        }
    }

    func testVerdictsUnderAMutationDoNotDependOnTheWorkers() async throws {
        let mutation = RuleMutation(op: .sin, input: 0, factor: -1)
        var o = AdjointTestOptions()
        o.trials = 12
        let sequential = RuleMutations.withMutation(mutation) { checkProperty(property(), options: o) }
        let failure = try XCTUnwrap(sequential.failure, "the planted sin rule is caught: \(sequential.message)")
        XCTAssertEqual(failure.verdict, .ruleWrong)
        for workers in [2, 5] {
            o.concurrency = workers
            let batch = await RuleMutations.withMutation(mutation) { await checkPropertyConcurrently(property(), options: o) }
            XCTAssertEqual(batch.failure?.trial, failure.trial, batch.message)
            XCTAssertEqual(batch.failure?.verdict, failure.verdict, batch.message)
            XCTAssertEqual(batch.failure?.shrink, failure.shrink, batch.message)
        }
    }
}
