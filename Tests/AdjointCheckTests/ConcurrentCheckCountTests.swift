import XCTest
import AdjointCore
@testable import AdjointCheck

/// The concurrent check and difference Jacobians count, under the async `measureOperations`,
/// what their serial calls count, and judge under an async-planted mutation as the serial check
/// judges under a thread's. Before, their child tasks (the forward rows, the witness's columns,
/// the random-direction samples) ran uncounted and unmutated on other threads.
final class ConcurrentCheckCountTests: XCTestCase {
    /// The first rung only for |x₀|·x₁ at its kink: escalating there, the concurrent check spent
    /// 6 evaluations more than the serial one (311 against 305, the same report) when it gave up
    /// a judging to compute a later rung on child tasks and did it again. That is work, not
    /// counting, and so is the first rung's column that the serial check never reaches at a kink.
    let cases: [(String, any ADFunction & Sendable, [Double], [WitnessRung])] = [
        ("wide", ConcurrentCheckTests.Wide(), [0.3, -0.7, 1.1, 0.2, 0.9, -1.4], WitnessRung.defaultLadder),
        ("two outputs", Polar(), [2.0, 0.5], WitnessRung.defaultLadder),
        ("relu kink", Relu(), [0.0, 1.0], WitnessRung.defaultLadder),
        ("kink", Abs(), [0.0, 2.0], [WitnessRung.defaultLadder[0]]),
    ]

    func testTheCheckOnTasksCountsWhatTheSerialCheckCounts() async throws {
        for (name, f, x, ladder) in cases {
            var options = CheckOptions()
            options.ladder = ladder
            func both<F: ADFunction & Sendable>(_ f: F) async throws -> (OperationCounts, OperationCounts) {
                let serial = try measureOperations { try checkJacobian(of: f, at: x, options: options) }
                let parallel = try await measureOperations { try await checkJacobian(of: f, at: x, options: options, tasks: 3) }
                XCTAssertEqual(parallel.result.toJSON(), serial.result.toJSON(), name)
                return (serial.counts, parallel.counts)
            }
            let (serial, parallel) = try await both(f)
            XCTAssertGreaterThan(serial.functionEvaluations, 2, name)
            // The concurrent check computes the first rung whole, ahead of the judging; the serial
            // one computes a column when an entry reaches it, and an entry at a kink can be
            // judged without it. Those columns are the only evaluations the two counts differ by.
            let report = try checkJacobian(of: f, at: x, options: options)
            let unreached = x.indices.filter { j in report.entries.allSatisfy { row in row[j].ladder.isEmpty } }
            // The check's rung: the library's central difference without its look off the
            // lattice, which the check's rungs do not take (measuringNoise false).
            let ahead = unreached.map { j in
                differenceColumn(evaluating: { f($0) }, at: x, center: f(x), axis: j, method: .central, step: .automatic,
                                 evaluationError: nil, tapeFacts: TapeFacts.of(SpecialisedFunction<Double>(f), at: x)?.facts,
                                 measuringNoise: false).evaluations
            }.reduce(0, +)
            var serialAndAhead = serial
            serialAndAhead.functionEvaluations += ahead
            XCTAssertEqual(parallel, serialAndAhead, "\(name): first-rung columns the serial judging did not reach: \(unreached)")
        }
    }

    /// Every evaluation the driver tallies (`evaluations`) is counted once, whichever task each
    /// column lands on.
    func testDifferenceJacobiansOnTasksCountWhatTheSerialOnesCount() async throws {
        let x = [2.0, 0.5]
        let serial = try measureOperations { try differenceJacobian(of: Polar(), at: x, method: .central, step: .absolute(1e-5)) }
        let parallel = try await measureOperations {
            try await differenceJacobian(of: Polar(), at: x, method: .central, step: .absolute(1e-5), tasks: 2)
        }
        XCTAssertEqual(serial.counts.functionEvaluations, serial.result.evaluations)
        XCTAssertEqual(parallel.counts, serial.counts)
        XCTAssertEqual(parallel.result.jacobian, serial.result.jacobian)
        for method in [DifferenceMethod.central, .richardson, .adaptive] {
            let wide = ConcurrentCheckTests.Wide(), at = [0.3, -0.7, 1.1, 0.2, 0.9, -1.4]
            let s = try measureOperations { try differenceJacobian(of: wide, at: at, method: method) }
            let p = try await measureOperations { try await differenceJacobian(of: wide, at: at, method: method, tasks: 4) }
            XCTAssertEqual(p.counts, s.counts, "\(method)")
            XCTAssertEqual(p.result.evaluations, s.result.evaluations, "\(method)")
            XCTAssertEqual(p.counts.functionEvaluations, s.result.evaluations, "\(method): every evaluation counted once")
            // A closure on plain Doubles: no ops to see, but every evaluation.
            let closure: @Sendable ([Double]) -> [Double] = { wide($0) }
            let sc = try measureOperations { try differenceJacobian(evaluating: closure, at: at, method: method) }
            let pc = try await measureOperations { try await differenceJacobian(evaluating: closure, at: at, method: method, tasks: 4) }
            XCTAssertEqual(pc.counts.functionEvaluations, sc.counts.functionEvaluations, "\(method), closure")
            XCTAssertEqual(pc.counts.functionEvaluations, sc.result.evaluations, "\(method), closure")
        }
    }

    /// The self-test's question, asked of the concurrent check: a wrong sin rule planted for the
    /// task is convicted in the same report the serial check gives under the thread's mutation.
    func testAMutationPlantedForTheTaskIsJudgedAsInTheSerialCheck() async throws {
        let mutation = RuleMutation(op: .sin, input: 0, factor: -1)
        let wide = ConcurrentCheckTests.Wide(), x = [0.3, -0.7, 1.1, 0.2, 0.9, -1.4]
        let serial = try RuleMutations.withMutation(mutation) { try checkJacobian(of: wide, at: x) }
        let parallel = try await RuleMutations.withMutation(mutation) { try await checkJacobian(of: wide, at: x, tasks: 3) }
        XCTAssertTrue(serial.entries.joined().contains { if case .ruleWrong = $0.verdict { return true }; return false },
                      "the serial check convicts the planted rule")
        XCTAssertEqual(parallel.toJSON(), serial.toJSON())
        XCTAssertEqual(parallel.entries, serial.entries)
    }
}
