import XCTest
import Foundation
import AdjointCore

/// The concurrent Jacobian drivers count, under the async `measureOperations`, what the serial
/// drivers count under the synchronous one, and run under an async-planted mutation as the serial
/// drivers run under a thread's: before, their child tasks ran on other threads and went
/// uncounted and unmutated (a forward Jacobian over 2 tasks reported 0 evaluations).
final class ConcurrentCountTests: XCTestCase {
    /// ℝ³ → ℝ²: [x₀x₁ + sin x₂, x₀x₂], by hand 2 mul, 1 sin, 1 add per evaluation.
    struct Small: ADFunction {
        var inputCount: Int? { 3 }
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] * x[1] + sin(x[2]), x[0] * x[2]] }
    }

    /// ℝ²⁰ → ℝ²: [Σᵢ xᵢxᵢ₊₁, sin x₀], by hand 19 mul, 18 add, 1 sin per evaluation.
    struct Chain: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
            var s = x[0] * x[1]
            for i in 1..<(x.count - 1) { s = s + x[i] * x[i + 1] }
            return [s, sin(x[0])]
        }
    }

    let smallX = [0.5, -1.25, 2.0]
    let chainX = (0..<20).map { 0.1 * Double($0) - 0.7 }

    func testForwardJacobianOnTasksCountsItsPassesByHand() async throws {
        // Three inputs: one pass of four lanes, on a child task.
        let (small, smallCounts) = try await measureOperations { try await jacobian(of: Small(), at: smallX, mode: .forward, tasks: 2) }
        XCTAssertEqual(small.passes, 1)
        XCTAssertEqual(smallCounts.byOp, [.mul: 2, .sin: 1, .add: 1])
        XCTAssertEqual(smallCounts.functionEvaluations, 1)
        // Twenty inputs: ⌈20/8⌉ = 3 passes of eight lanes over two tasks, each pass one evaluation.
        let (chain, chainCounts) = try await measureOperations { try await jacobian(of: Chain(), at: chainX, mode: .forward, tasks: 2) }
        XCTAssertEqual(chain.passes, 3)
        XCTAssertEqual(chainCounts.byOp, [.mul: 3 * 19, .add: 3 * 18, .sin: 3])
        XCTAssertEqual(chainCounts.functionEvaluations, 3)
        XCTAssertEqual(chainCounts.flops, 3 * 38)
    }

    func testEveryModeOnTasksCountsWhatTheSerialCallCounts() async throws {
        for tasks in [2, 3, 8] {
            for mode in [JacobianMode.forward, .reverse, .automatic] {
                for (name, f, x) in [("small", Small() as any ADFunction & Sendable, smallX), ("chain", Chain(), chainX)] {
                    let serial = try measureOperations { try jacobian(of: f, at: x, mode: mode) }
                    let concurrent = try await measureOperations { try await jacobian(of: f, at: x, mode: mode, tasks: tasks) }
                    let what = "\(name), \(mode), \(tasks) tasks"
                    XCTAssertGreaterThan(serial.counts.scalarOps, 0, what)
                    XCTAssertEqual(concurrent.counts, serial.counts, what)
                    XCTAssertEqual(concurrent.result.jacobian, serial.result.jacobian, "\(what): entries must stay bit-identical")
                    XCTAssertEqual(concurrent.result.value, serial.result.value, what)
                }
            }
        }
    }

    /// Automatic mode with one forward pass (n ≤ 8) evaluated f once more than the serial call,
    /// which skips learning m there: the concurrent call counted 2 evaluations beside its 1. With
    /// no outputs both answer with reverse mode.
    func testAutomaticModeOnTasksSkipsThePlainEvaluationAsTheSerialOneDoes() async throws {
        struct NoOutputs: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [] } }
        let (small, counts) = try await measureOperations { try await jacobian(of: Small(), at: smallX, tasks: 2) }
        XCTAssertEqual(small.mode, .forward)
        XCTAssertEqual(counts.functionEvaluations, 1)
        let serial = try jacobian(of: NoOutputs(), at: smallX)
        let concurrent = try await jacobian(of: NoOutputs(), at: smallX, tasks: 2)
        XCTAssertEqual(concurrent.mode, serial.mode)
        XCTAssertEqual(concurrent.passes, serial.passes)
        XCTAssertEqual(concurrent.jacobian, serial.jacobian)
    }

    /// Async measurements nest like the synchronous ones, and a synchronous measurement inside an
    /// async one reaches it (its scope closes on a thread with no scope of the outer's).
    func testAsyncMeasurementsNestWithEachOtherAndWithSynchronousOnes() async throws {
        let (_, outer) = try await measureOperations { () async throws -> Void in
            let (_, inner) = try await measureOperations { try await jacobian(of: Small(), at: smallX, mode: .forward, tasks: 2) }
            XCTAssertEqual(inner.byOp, [.mul: 2, .sin: 1, .add: 1])
            let (_, sync) = try measureOperations { try gradient(of: { v in v[0] * v[1] }, at: [1.0, 2.0]) }
            XCTAssertEqual(sync.byOp, [.mul: 2])
        }
        XCTAssertEqual(outer.byOp, [.mul: 4, .sin: 1, .add: 1])
        XCTAssertEqual(outer.functionEvaluations, 2)
        XCTAssertFalse(Instrumentation.isActive, "the counting flag is down again")
    }

    /// A measurement counts its own thread's (or task's) work, never an unrelated thread's that
    /// runs meanwhile: the other thread computes while the measured body waits for it.
    func testAMeasurementDoesNotCountAnotherThreadsWork() async throws {
        func otherThreadWork() {
            let started = DispatchSemaphore(value: 0), done = DispatchSemaphore(value: 0)
            Thread.detachNewThread {
                started.signal()
                for _ in 0..<50 { _ = try? gradient(of: { v in sin(v[0]) * v[1] }, at: [1.0, 2.0]) }
                done.signal()
            }
            started.wait(); done.wait()
        }
        let sync = try measureOperations { () throws -> Void in
            otherThreadWork()
            _ = try gradient(of: { v in v[0] * v[1] }, at: [1.0, 2.0])
        }
        XCTAssertEqual(sync.counts.byOp, [.mul: 2])
        let async = try await measureOperations { () async throws -> Void in
            otherThreadWork()
            _ = try await jacobian(of: Small(), at: smallX, mode: .forward, tasks: 2)
        }
        XCTAssertEqual(async.counts.byOp, [.mul: 2, .sin: 1, .add: 1])
        XCTAssertEqual(async.counts.functionEvaluations, 1)
    }

    /// A mutation planted for a task reaches the child tasks: the concurrent Jacobian under it is
    /// the serial one under the thread's mutation, bit for bit, in both modes, and is wrong.
    func testAMutationPlantedForTheTaskReachesTheChildTasks() async throws {
        let mutation = RuleMutation(op: .sin, input: 0, factor: -1)
        for mode in [JacobianMode.forward, .reverse] {
            for (f, x) in [(Small() as any ADFunction & Sendable, smallX), (Chain(), chainX)] {
                let truth = try jacobian(of: f, at: x, mode: mode)
                let serial = try RuleMutations.withMutation(mutation) { try jacobian(of: f, at: x, mode: mode) }
                let concurrent = try await RuleMutations.withMutation(mutation) { try await jacobian(of: f, at: x, mode: mode, tasks: 2) }
                XCTAssertNotEqual(serial.jacobian, truth.jacobian, "\(mode): the mutation changes the serial Jacobian")
                XCTAssertEqual(concurrent.jacobian, serial.jacobian, "\(mode): the children run under the mutation")
                // Planted for that task only: afterwards the rules are true again.
                let after = try await jacobian(of: f, at: x, mode: mode, tasks: 2)
                XCTAssertEqual(after.jacobian, truth.jacobian)
            }
        }
        XCTAssertFalse(Instrumentation.isActive, "the mutation flag is down again")
    }
}
