import AdjointCore
import XCTest
@testable import AdjointCheck

/// A rung past the first is computed for the columns whose entries reach it, not as a whole
/// Jacobian. Before, one entry escalating in a 60 × 60 check computed 60 columns of adaptive and
/// of Richardson, a third of that check's time; what an escalation costs now does not grow with
/// the number of inputs.
final class RungColumnTests: XCTestCase {
    /// Σⱼ sin(xⱼ)·(1 + xⱼ₊₁/10): every column alike, so column 0 costs the same whatever n is.
    struct Chain: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
            var s: T = 0
            for j in x.indices { s = s + T.sin(x[j]) * (1 + x[(j + 1) % x.count] / 10) }
            return [s]
        }
    }

    /// The gradient by hand, with entry 0 a millionth off when `planted`.
    static func gradient(_ x: [Double], planted: Bool) -> [[Double]] {
        let n = x.count
        var g = x.indices.map { j in cos(x[j]) * (1 + x[(j + 1) % n] / 10) + sin(x[(j + n - 1) % n]) / 10 }
        if planted { g[0] *= 1 + 1e-6 }
        return [g]
    }

    /// Evaluations of f that the check spends beyond the same check with the right claim: what
    /// the planted entry's climb up the ladder costs.
    func escalationCost(inputs n: Int, options: CheckOptions) throws -> (Int, CheckReport) {
        let x = (0..<n).map { 0.4 + 0.05 * Double($0) }
        let right = try measureOperations {
            try checkJacobian(of: Chain(), at: x, claimed: { Self.gradient($0, planted: false) }, claimedName: "hand", options: options)
        }
        let wrong = try measureOperations {
            try checkJacobian(of: Chain(), at: x, claimed: { Self.gradient($0, planted: true) }, claimedName: "hand", options: options)
        }
        XCTAssertTrue(right.result.passed, right.result.renderTable())
        return (wrong.counts.functionEvaluations - right.counts.functionEvaluations, wrong.result)
    }

    func testAnEscalationCostsItsOwnColumnOnly() throws {
        var options = CheckOptions()
        // The real-difference rungs only: the complex step is one evaluation per column, whole.
        options.ladder = [.differences(.central), .differences(.adaptive), .differences(.richardson)]
        let (few, small) = try escalationCost(inputs: 4, options: options)
        let (many, large) = try escalationCost(inputs: 40, options: options)
        for r in [small, large] {
            // The premise: the planted entry alone climbed past central, and was caught.
            XCTAssertFalse(r.passed, r.renderTable())
            XCTAssertEqual(r.entries[0].filter { $0.ladder.count > 1 }.map(\.input), [0], r.renderTable())
            XCTAssertEqual(r.rungsUsed.map(\.0), ["central", "adaptive", "richardson"], r.renderTable())
        }
        XCTAssertGreaterThan(few, 0)
        // Whole rungs cost 40 columns of adaptive and of Richardson here against 4.
        XCTAssertEqual(many, few, "escalation at n = 4: \(few) evaluations, at n = 40: \(many)")
    }

    func testTheConcurrentCheckComputesTheSameColumns() async throws {
        let x = (0..<12).map { 0.4 + 0.05 * Double($0) }
        let claimed: @Sendable ([Double]) -> [[Double]] = { Self.gradient($0, planted: true) }
        let serial = try measureOperations { try checkJacobian(of: Chain(), at: x, claimed: claimed, claimedName: "hand") }
        let parallel = try await measureOperations {
            try await checkJacobian(of: Chain(), at: x, claimed: claimed, claimedName: "hand", tasks: 2)
        }
        XCTAssertFalse(serial.result.passed, serial.result.renderTable())
        XCTAssertGreaterThan(serial.result.rungsUsed.count, 1, "the premise: the planted entry escalated")
        XCTAssertEqual(parallel.result.toJSON(), serial.result.toJSON())
        XCTAssertEqual(parallel.counts.functionEvaluations, serial.counts.functionEvaluations)
    }
}
