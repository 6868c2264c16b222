import AdjointCore
import XCTest
@testable import AdjointCheck

/// A rung past the first is computed for the columns whose entries reach it, not as a whole
/// Jacobian. Before, one entry escalating in a 60 × 60 check computed 60 columns of adaptive and
/// of Richardson, a third of that check's time; what an escalation costs now does not grow with
/// the number of inputs.
final class RungColumnTests: XCTestCase {
    /// y₀ = exp(x₀), yⱼ = sin(xⱼ)·(1 + xⱼ₋₁/10): only column 0 goes through exp, so a planted exp
    /// rule makes entry (0, 0) alone wrong; every output keeps its size whatever n is, and column
    /// 0 moves the same two outputs, so its estimates cost the same for every n.
    struct Chain: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
            [T.exp(x[0])] + (1..<x.count).map { j in T.sin(x[j]) * (1 + x[j - 1] / 10) }
        }
    }

    /// Evaluations of f that the check spends with exp's rule a millionth off beyond the same
    /// check with the right rule: what entry 0's climb up the ladder costs.
    func escalationCost(inputs n: Int, options: CheckOptions) throws -> (Int, CheckReport) {
        let x = (0..<n).map { 0.4 + 0.05 * Double($0) }
        let right = try measureOperations { try checkJacobian(of: Chain(), at: x, options: options) }
        let wrong = try RuleMutations.withMutation(RuleMutation(op: .exp, factor: 1 + 1e-6)) {
            try measureOperations { try checkJacobian(of: Chain(), at: x, options: options) }
        }
        XCTAssertTrue(right.result.passed, right.result.renderTable())
        XCTAssertTrue(right.result.entries.joined().allSatisfy { $0.ladder.count == 1 }, "the right rules agree at the first rung")
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
            XCTAssertEqual(r.entries.joined().filter { $0.ladder.count > 1 }.map { [$0.output, $0.input] }, [[0, 0]], r.renderTable())
            XCTAssertEqual(r.rungsUsed.map(\.0), ["central", "adaptive", "richardson"], r.renderTable())
        }
        XCTAssertGreaterThan(few, 0)
        // Whole rungs cost 40 columns of adaptive and of Richardson here against 4.
        XCTAssertEqual(many, few, "escalation at n = 4: \(few) evaluations, at n = 40: \(many)")
    }

    func testTheConcurrentCheckComputesTheSameColumns() async throws {
        let x = (0..<12).map { 0.4 + 0.05 * Double($0) }
        let mutation = RuleMutation(op: .exp, factor: 1 + 1e-6)
        let serial = try RuleMutations.withMutation(mutation) { try measureOperations { try checkJacobian(of: Chain(), at: x) } }
        let parallel = try await RuleMutations.withMutation(mutation) {
            try await measureOperations { try await checkJacobian(of: Chain(), at: x, tasks: 2) }
        }
        XCTAssertFalse(serial.result.passed, serial.result.renderTable())
        XCTAssertGreaterThan(serial.result.rungsUsed.count, 1, "the premise: the planted entry escalated")
        XCTAssertEqual(parallel.result.toJSON(), serial.result.toJSON())
        XCTAssertEqual(parallel.counts.functionEvaluations, serial.counts.functionEvaluations)
    }
}
