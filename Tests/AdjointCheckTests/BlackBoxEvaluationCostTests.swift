import AdjointCore
import Foundation
import XCTest
@testable import AdjointCheck

/// What a convicted entry of a black-box check costs in evaluations of f. f is deterministic in
/// every scenario here, so a second evaluation at a point already sampled returns the value the
/// first did and can change nothing: the least a check can spend is one evaluation per distinct
/// point its tests read. A wrong entry's line is read by three rungs, the jump test, the
/// one-sided test and the step scan, and each row of a Jacobian reads its column's line again;
/// they sample some of the same points (central's ±h and ±2h are the one-sided test's, the jump
/// test's 2⁻¹⁰ step is a Richardson level, the jump test's steps are the same for every row).
/// Before the probes shared their samples these scenarios evaluated f again at 10 (RK4),
/// 10 (Newton), 188 (4×4 softmax), 77 (3×3 transposed), 41 (VJP) and 28 (JVP) points.
final class BlackBoxEvaluationCostTests: XCTestCase {
    /// Counts the evaluations of f and the points evaluated more than once.
    final class PointCounter {
        var count = 0
        var seen = Set<[Double]>()
        var repeated = 0
        func wrap(_ f: @escaping ([Double]) -> [Double]) -> ([Double]) -> [Double] {
            { x in
                self.count += 1
                if !self.seen.insert(x).inserted { self.repeated += 1 }
                return f(x)
            }
        }
        func wrapScalar(_ f: @escaping ([Double]) -> Double) -> ([Double]) -> Double {
            let g = wrap { [f($0)] }
            return { g($0)[0] }
        }
    }

    func convicted(_ r: CheckReport) -> Int {
        r.entries.joined().filter { if case .ruleWrong = $0.verdict { return true } else { return false } }.count
    }

    func testAConvictedEntryEvaluatesFOncePerPoint() throws {
        // The RK4 adjoint with its off-by-one (both entries wrong) and the implicit-function
        // gradient without the a in 3x² + a (both wrong): gradients, one line per input.
        let rk = PointCounter()
        let rkReport = try checkBlackBoxGradient(of: rk.wrapScalar(Researcher.rkLoss), at: [0.1, 1.7],
                                                 claimedGradient: { Researcher.rkAdjoint($0, offByOne: true) })
        XCTAssertEqual(convicted(rkReport), 2, rkReport.renderTable())
        XCTAssertEqual(rk.repeated, 0, "\(rk.count) evaluations")

        let newton = PointCounter()
        let newtonReport = try checkBlackBoxGradient(of: newton.wrapScalar { Researcher.cubicRoot($0, tol: 1e-8) }, at: [1, 10],
                                                     claimedGradient: { p in
                                                         let x = Researcher.cubicRoot(p)
                                                         return [-x / (3 * x * x), 1 / (3 * x * x)]
                                                     })
        XCTAssertEqual(convicted(newtonReport), 2, newtonReport.renderTable())
        XCTAssertEqual(newton.repeated, 0, "\(newton.count) evaluations")
    }

    func testTheRowsOfAJacobianColumnShareItsSamples() throws {
        // diag(p) for softmax's Jacobian pᵢ(δᵢⱼ − pⱼ): all 16 entries wrong, so each column's line
        // is judged four times, once per row; its points are evaluated once.
        let z = [1.5, 1.5, -0.3, 0.8]
        let softmax = PointCounter()
        let diagonal = try checkBlackBoxJacobian(of: softmax.wrap(Researcher.softmax), at: z, claimed: { z in
            let p = Researcher.softmax(z)
            return (0..<4).map { i in (0..<4).map { j in i == j ? p[i] : 0 } }
        })
        XCTAssertEqual(convicted(diagonal), 16, diagonal.renderTable())
        XCTAssertEqual(softmax.repeated, 0, "\(softmax.count) evaluations")

        // The transposed Jacobian of (x₀x₁, x₁²x₂, sin(x₀)x₂): the six entries off the diagonal
        // are wrong (J by hand: [[x₁, x₀, 0], [0, 2x₁x₂, x₁²], [cos(x₀)x₂, 0, sin x₀]]).
        let map: ([Double]) -> [Double] = { x in [x[0] * x[1], x[1] * x[1] * x[2], sin(x[0]) * x[2]] }
        func jacobian(_ x: [Double]) -> [[Double]] {
            [[x[1], x[0], 0], [0, 2 * x[1] * x[2], x[1] * x[1]], [cos(x[0]) * x[2], 0, sin(x[0])]]
        }
        let x = [0.4, -1.3, 2.2], u = [0.5, -1.0, 2.0]
        let transposedCounter = PointCounter()
        let transposed = try checkBlackBoxJacobian(of: transposedCounter.wrap(map), at: x, claimed: { x in
            let j = jacobian(x)
            return (0..<3).map { i in (0..<3).map { j[$0][i] } }
        })
        XCTAssertEqual(convicted(transposed), 6, transposed.renderTable())
        XCTAssertEqual(transposedCounter.repeated, 0, "\(transposedCounter.count) evaluations")

        // A VJP written as J·u (every entry wrong), and the JVP along u claimed with uᵀJ's values
        // (every output wrong): one line per input, and one line for all three outputs.
        let uj = [0.5 * x[1] + 2 * cos(x[0]) * x[2], 0.5 * x[0] - 2 * x[1] * x[2], -x[1] * x[1] + 2 * sin(x[0])]
        let vjpCounter = PointCounter()
        let vjp = try checkBlackBoxVJP(of: vjpCounter.wrap(map), at: x, cotangent: u, claimed: { x, u in
            let j = jacobian(x)
            return (0..<3).map { k in (0..<3).reduce(0) { $0 + j[k][$1] * u[$1] } }
        })
        XCTAssertEqual(convicted(vjp), 3, vjp.renderTable())
        XCTAssertEqual(vjpCounter.repeated, 0, "\(vjpCounter.count) evaluations")
        let jvpCounter = PointCounter()
        let jvp = try checkBlackBoxJVP(of: jvpCounter.wrap(map), at: x, direction: u, claimed: { _, _ in uj })
        XCTAssertEqual(convicted(jvp), 3, jvp.renderTable())
        XCTAssertEqual(jvpCounter.repeated, 0, "\(jvpCounter.count) evaluations")
    }
}
