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
