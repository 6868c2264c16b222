import XCTest
import Foundation
import AdjointCore
@testable import AdjointCheck

/// The jump test that follows an agreement reached past the first rung evaluates f at x ± h·eⱼ
/// for three steps h. It reads one output, but f gives them all: a check of an m-output map
/// whose entries escalated evaluated the same six points of a column once per output, half the
/// time of a 60×60 check (perf, `AdjointBench check-loop`).
final class JumpTestEvaluationTests: XCTestCase {
    /// Every point f is evaluated at in Double, with how often.
    final class Points: @unchecked Sendable {
        private let lock = NSLock()
        private var counts: [[UInt64]: Int] = [:]
        func note(_ x: [Double]) { lock.lock(); counts[x.map(\.bitPattern), default: 0] += 1; lock.unlock() }
        /// The most evaluations of one point other than `center`.
        func most(besides center: [Double]) -> Int {
            lock.lock(); defer { lock.unlock() }
            return counts.filter { $0.key != center.map(\.bitPattern) }.values.max() ?? 0
        }
    }

    /// Eight outputs, each reading both inputs through a fast sine, so central differences are
    /// not sharp (their truncation is about h²·ω³) and every row's entries go on to adaptive.
    struct FastSines: ADFunction {
        let points: Points
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
            if let plain = x as? [Double] { points.note(plain) }
            return (0..<8).map { i in
                let w = T(Double(40 + i)), v = T(Double(50 + 3 * i))
                let first = T.sin(x[0] * w) * x[1]
                return first + T.sin(x[1] * v)
            }
        }
    }

    func testEachJumpTestPointIsEvaluatedOnce() throws {
        let points = Points()
        let x = [0.3, 0.7]
        var options = CheckOptions()
        options.ladder = [.differences(.central), .differences(.adaptive)]
        let report = try checkJacobian(of: FastSines(points: points), at: x, options: options)
        XCTAssertTrue(report.passed, report.description)
        // The premise: entries of several rows reached the jump test, which runs only after an
        // agreement past the first rung.
        let escalatedRows = Set(report.entries(withVerdict: "agree").filter { $0.ladder.count > 1 }.map(\.output))
        XCTAssertGreaterThan(escalatedRows.count, 2, "the case must make the jump test run in several rows")
        // Before, each of the jump test's points was evaluated once per row that reached it.
        XCTAssertLessThanOrEqual(points.most(besides: x), 2, "a point of the jump test was evaluated once per output")
        // The verdicts stand on a hand derivative: ∂fᵢ/∂x₀ = ωᵢ·cos(ωᵢx₀)·x₁, ∂fᵢ/∂x₁ = sin(ωᵢx₀) + νᵢ·cos(νᵢx₁).
        for e in report.entries.joined() {
            let (w, v) = (Double(40 + e.output), Double(50 + 3 * e.output))
            let exact = e.input == 0 ? w * cos(w * x[0]) * x[1] : sin(w * x[0]) + v * cos(v * x[1])
            XCTAssertEqual(e.witnessValue ?? .nan, exact, accuracy: 1e-6 * Swift.max(1, Swift.abs(exact)), "(\(e.output), \(e.input))")
        }
    }
}
