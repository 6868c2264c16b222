import Foundation
import XCTest
@testable import AdjointCore

/// A recorded op counts itself only on the slow path: the tape header's generation word carries
/// the observation bit while anything observes, so an op on an observed tape fails the one-word
/// test of the fast path. These are the cases the bit must get right, each counted by hand.
final class ObservedTapeTests: XCTestCase {
    /// A measurement opened inside f, while its tape records: the ops inside the scope are counted
    /// (sin, mul: one each, by hand), those before and after it are not, and both mark changes
    /// leave the gradient what it is without a scope: ∂(sin(x₀)·x₁ + x₀·x₁)/∂x = (cos x₀·x₁ + x₁,
    /// sin x₀ + x₀).
    func testAMeasurementOpenedInsideARecordingCountsWhatItRecords() throws {
        var inner = OperationCounts()
        let (g, outer) = try measureOperations { () throws -> [Double] in
            try gradient(of: { (v: [Reverse<Double>]) -> Reverse<Double> in v[0] * v[1] }, at: [1.0, 2.0])
        }
        XCTAssertEqual(outer.byOp, [.mul: 2], "recorded once, swept once")
        XCTAssertEqual(g, [2, 1])
        let x = [0.7, -1.3]
        let h = try gradient(of: { (v: [Reverse<Double>]) -> Reverse<Double> in
            let a = v[0] * v[1]                               // not observed
            let (b, counts) = measureOperations { Reverse.sin(v[0]) * v[1] }
            inner = counts
            return a + b                                      // not observed again
        }, at: x)
        XCTAssertEqual(inner.byOp, [.sin: 1, .mul: 1])
        XCTAssertEqual(h[0], Foundation.cos(x[0]) * x[1] + x[1], accuracy: 1e-15)
        XCTAssertEqual(h[1], Foundation.sin(x[0]) + x[0], accuracy: 1e-15)
        XCTAssertFalse(Instrumentation.isActive)
    }

    /// Variables made on an observed tape carry the plain number: once the measurement ends they
    /// are still live on the fast path (recorded, not reported as stale), and the gradient is the
    /// one by hand, ∂(x₀²·x₁)/∂x = (2x₀x₁, x₀²).
    func testVariablesMadeWhileObservedStayLiveAfterward() throws {
        let (g, d) = Diagnostics.collect { () -> [Double]? in
            try? gradient(of: { (v: [Reverse<Double>]) -> Reverse<Double> in
                let (square, _) = measureOperations { v[0] * v[0] }
                return square * v[1]
            }, at: [3.0, 2.0])
        }
        XCTAssertTrue(d.errors.isEmpty, "\(d.errors)")
        XCTAssertEqual(g, [12, 9])
    }

    /// A variable whose tape is gone is still a typed error while observation marks every live
    /// header: the mark is on the header's word, never on the number a variable carries.
    func testAStaleVariableIsReportedWhileObserved() throws {
        var escaped: Reverse<Double>? = nil
        _ = try? gradient(of: { v in escaped = v[0] * v[0]; return v[0] }, at: [2.0])
        guard let stale = escaped else { return XCTFail("nothing escaped") }
        let (_, counts) = try measureOperations { () throws -> Void in
            XCTAssertThrowsError(try record({ v in [v[0] + stale] }, at: [1.0])) { e in
                guard case ADError.foreignVariable = e else { return XCTFail("expected foreignVariable, got \(e)") }
            }
            XCTAssertThrowsError(try record({ _ in [Reverse.sin(stale)] }, at: [1.0])) { e in
                guard case ADError.foreignVariable = e else { return XCTFail("expected foreignVariable, got \(e)") }
            }
        }
        // Both ops were evaluated (on the stale operand as a constant) and counted once each.
        XCTAssertEqual(counts.byOp, [.add: 1, .sin: 1])
    }

    /// The recording's counts are those of the unobserved fast path's ops, one per op: the same
    /// per-op multiset as the sweep's (the cheap-gradient count), for f with constants and kept
    /// partials, Double and Float.
    func testRecordingCountsMatchTheTapeEntries() throws {
        func f<T: ADScalar>(_ x: [T]) -> T {
            let u: T = 1 + x[0] * x[0]
            let s: T = T.log(u) * T.sin(x[1])
            return s - 2 * x[1]
        }
        let (rec, recording) = try measureOperations { try record({ [f($0)] }, at: [0.5, 1.5]) }
        let (_, sweeping) = try measureOperations { try rec.pullback([1]) }
        // By hand: mul, add (1 + ·), log, sin, mul, mul (2·x₁), sub = 7 ops.
        XCTAssertEqual(recording.scalarOps, 7)
        XCTAssertEqual(sweeping.byOp, recording.byOp)
        let (_, float) = try measureOperations { try gradient(of: { (v: [Reverse<Float>]) in f(v) }, at: [Float(0.5), 1.5]) }
        XCTAssertEqual(float.scalarOps, 14, "7 recorded, 7 swept")
    }
}
