import XCTest
@testable import AdjointCore

/// The reverse sweep's cost claim, checked by counting rather than timing: recording applies
/// each op once, and the sweep applies each recorded op's rule exactly once more.
final class CountTests: XCTestCase {
    func f<T: ADScalar>(_ x: [T]) -> T {
        var s: T = 0
        for i in 0..<(x.count - 1) { s = s + sin(x[i]) * x[i + 1] + log(1 + x[i] * x[i]) }
        return s
    }

    func testSweepAppliesEachRecordedRuleOnce() throws {
        let x = (0..<50).map { 0.1 * Double($0) + 0.3 }
        let (rec, recording) = try measureOperations { try record({ [f($0)] }, at: x) }
        let (_, sweeping) = try measureOperations { try rec.pullback([1]) }
        // By hand, per term: sin, mul, mul, add (1 + ·), log, add, add = 7 ops; 49 terms; plus the
        // constants 0 and 1 that are not ops. `s = 0 + …` on the first term still records an add.
        XCTAssertEqual(recording.scalarOps, 7 * 49)
        XCTAssertEqual(recording.byOp[.sin], 49)
        XCTAssertEqual(recording.byOp[.log], 49)
        XCTAssertEqual(recording.tapeEntries, rec.tape.count)
        XCTAssertEqual(recording.functionEvaluations, 1)
        // The sweep touches every non-leaf entry once: the same multiset of ops.
        XCTAssertEqual(sweeping.byOp, recording.byOp)
    }

    func testMeasureScopesNestAndStayOnTheirThread() throws {
        let (_, outer) = try measureOperations { () throws -> Int in
            _ = try gradient(of: { v in v[0] * v[1] }, at: [1.0, 2.0])
            let (_, inner) = try measureOperations { try gradient(of: { v in sin(v[0]) }, at: [1.0]) }
            XCTAssertEqual(inner.byOp, [.sin: 2])
            return 0
        }
        XCTAssertEqual(outer.byOp, [.mul: 2, .sin: 2], "inner counts also reach the outer scope")
        // Outside any scope nothing is counted, and the hook is off.
        XCTAssertFalse(Instrumentation.isActive)
    }
}

/// sin(x₀)·x₁ + Σ xᵢ² over however many inputs: one output.
private struct SumOfSquaresAndSine: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x.reduce(T.sin(x[0]) * x[1]) { $0 + $1 * $1 }] }
}

extension CountTests {
    /// `functionEvaluations` counted only `record`: forward mode's passes counted 0. By hand, each
    /// driver evaluates f once per forward pass (⌈20/8⌉ = 3 here), once per recording, and once
    /// more where automatic mode evaluates f to learn the output count.
    func testEveryDriverCountsItsEvaluations() throws {
        let f = SumOfSquaresAndSine()
        let x = (0..<20).map { 0.1 * Double($0) + 0.2 }
        func evaluations(_ body: () throws -> Void) rethrows -> Int { try measureOperations(body).counts.functionEvaluations }
        let forward = try jacobian(of: f, at: x, mode: .forward)
        XCTAssertEqual(forward.passes, 3)
        XCTAssertEqual(try evaluations { _ = try jacobian(of: f, at: x, mode: .forward) }, 3)
        XCTAssertEqual(try evaluations { _ = try jacobian(of: f, at: x, mode: .reverse) }, 1)
        // 3 forward passes > 1 sweep: one plain evaluation, then reverse mode's recording.
        XCTAssertEqual(try evaluations { _ = try jacobian(of: f, at: x, mode: .automatic) }, 2)
        XCTAssertEqual(try evaluations { _ = try jvp(of: { f($0) }, at: x, direction: x) }, 1)
        XCTAssertEqual(try evaluations { _ = try gradient(of: { f($0)[0] }, at: x) }, 1)
        // The output count, then one recording per Hessian–vector product.
        XCTAssertEqual(try evaluations { _ = try hessian(of: f, at: Array(x.prefix(3))) }, 1 + 3)
        XCTAssertEqual(evaluations { _ = derivative(of: { t in t * t }, at: 3.0) }, 1)
    }

    /// The compressed forward Jacobian (sparse forward mode's passes) counted none of its
    /// evaluations (a review: a sparse forward Jacobian reported 1, its recording, beside its
    /// pass). By hand: groups {x₀, x₂} and {x₁} need 2 passes of one lane, 1 pass of two lanes.
    func testCompressedForwardPassesAreCounted() throws {
        func evaluations(_ body: () throws -> Void) rethrows -> Int { try measureOperations(body).counts.functionEvaluations }
        let x = [1.0, 2.0, 3.0], groups = [0, 1, 0]
        let oneLane = try measureOperations {
            try forwardCompressedJacobian(of: { (x: [Dual<Double, Double>]) in [x[0] * x[1], x[2] * x[2]] },
                                          at: x, groups: groups, groupCount: 2)
        }
        XCTAssertEqual(oneLane.result.passes, 2)
        XCTAssertEqual(oneLane.counts.functionEvaluations, 2)
        XCTAssertEqual(try evaluations {
            _ = try forwardCompressedJacobian(of: { (x: [Dual<Double, SIMD2<Double>>]) in [x[0] * x[1], x[2] * x[2]] },
                                              at: x, groups: groups, groupCount: 2)
        }, 1)
    }
}
