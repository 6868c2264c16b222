import AdjointCheck
import AdjointCore
import Foundation
import XCTest
@testable import AdjointTesting

/// The scan behind the figures of BlackBoxRoundingIsNoJumpTests: (x + y)² − x² − 2xy − y² (0 by
/// hand) and its hand gradient 2(x + y) − 2x − 2y at the points the property runs draw (seed
/// 0xAD701A7E, `.vector(2, .uniform(range))`, trials 0..<2000 of [−10³, 10³]² and [−10⁶, 10⁶]²),
/// each checked as a black box against its true derivative 0 (f also against g, as the black-box
/// Hessian property checks it). Every `discontinuity` here is false.
/// Minutes of CPU, so it runs only with ADJOINT_ROUNDING_SCAN=1 (set ADJOINT_ROUNDING_SCAN_TRIALS
/// for fewer trials); it prints each false discontinuity with its digits and the totals.
final class BlackBoxRoundingScan: XCTestCase {
    private final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var n = 0
        func add() { lock.lock(); n += 1; lock.unlock() }
        var count: Int { lock.lock(); defer { lock.unlock() }; return n }
    }

    func testScan() throws {
        let env = ProcessInfo.processInfo.environment
        guard env["ADJOINT_ROUNDING_SCAN"] == "1" else { throw XCTSkip("set ADJOINT_ROUNDING_SCAN=1 to run the scan") }
        let trials = env["ADJOINT_ROUNDING_SCAN_TRIALS"].flatMap(Int.init) ?? 2000
        let counter = Counter()
        let f: @Sendable ([Double]) -> Double = { x in
            counter.add()
            let s = x[0] + x[1]
            return s * s - x[0] * x[0] - 2 * x[0] * x[1] - x[1] * x[1]
        }
        let g: @Sendable ([Double]) -> [Double] = { x in
            counter.add()
            let s = x[0] + x[1]
            let v = 2 * s - 2 * x[0] - 2 * x[1]
            return [v, v]
        }
        // ADJOINT_ROUNDING_SCAN_NEAR=x0: only the draws with a coordinate within 0.01 of ±x0 (a point the scan
        // printed in short), where they are checked and printed with every digit.
        let near = env["ADJOINT_ROUNDING_SCAN_NEAR"].flatMap(Double.init)
        var lines: [String] = []
        var totals: [String: (jumps: Int, points: Int, inconclusive: Int, evaluations: Int)] = [:]
        for range in [-1e3...1e3, -1e6...1e6] {
            for t in 0..<trials {
                let x = try draw(.vector(2, .uniform(range)), seed: AdjointTestOptions.defaultSeed, trial: t)
                if let near, !x.contains(where: { Swift.abs(Swift.abs($0) - near) <= 0.01 }) { continue }
                if near != nil { print("SCAN point range \(range.upperBound) trial \(t) x = \(x)") }
                let runs: [(String, () throws -> CheckReport)] = [
                    ("f vs 0", { try checkBlackBoxGradient(of: f, at: x, claimedGradient: { _ in [0, 0] }) }),
                    // As the black-box Hessian property's first part checks it: against the hand gradient.
                    ("f vs g", { try checkBlackBoxGradient(of: f, at: x, claimedGradient: g) }),
                    ("g vs 0", { try checkBlackBoxJacobian(of: g, at: x, claimed: { _ in [[0, 0], [0, 0]] }) }),
                ]
                for (name, run) in runs {
                    let before = counter.count
                    let r = try run()
                    let jumps = r.entries.joined().filter { $0.verdict.name == "discontinuity" }
                    let inconclusive = r.entries.joined().filter { $0.verdict.name == "fd-inconclusive" }.count
                    var total = totals[name] ?? (0, 0, 0, 0)
                    total.jumps += jumps.count
                    total.points += jumps.isEmpty ? 0 : 1
                    total.inconclusive += inconclusive
                    total.evaluations += counter.count - before
                    totals[name] = total
                    for e in jumps {
                        lines.append("\(name) range \(range.upperBound) trial \(t) x = \(x) entry [\(e.output)][\(e.input)]: \(e.verdict)")
                    }
                }
            }
        }
        for l in lines { print("SCAN " + l) }
        for (name, t) in totals.sorted(by: { $0.key < $1.key }) {
            print("SCAN TOTAL \(name): \(t.jumps) discontinuity entries at \(t.points) points, \(t.inconclusive) inconclusive entries, \(t.evaluations) evaluations, \(trials) trials per range")
        }
    }
}

/// The verdicts and evaluation counts of the real jumps the jump test must still report, printed
/// for comparing versions (the same switch as the scan).
final class BlackBoxRealJumpCost: XCTestCase {
    func testCosts() throws {
        guard ProcessInfo.processInfo.environment["ADJOINT_ROUNDING_SCAN"] == "1" else { throw XCTSkip("set ADJOINT_ROUNDING_SCAN=1") }
        let cases: [(String, @Sendable ([Double]) -> Double, [Double], @Sendable ([Double]) -> [Double])] = [
            ("step x > 0 ? x + 1 : x at 0", { x in x[0] > 0 ? x[0] + 1 : x[0] }, [0], { _ in [1] }),
            ("f + (x0 > 0 ? 1e-8 : 0) at (0, 1000)", { x in
                let s = x[0] + x[1]
                return s * s - x[0] * x[0] - 2 * x[0] * x[1] - x[1] * x[1] + (x[0] > 0 ? 1e-8 : 0)
            }, [0, 1000], { _ in [0, 0] }),
            // Not a jump: smooth on a ball of radius 10⁻¹² only, true gradient (1, 2), claim (0, 2).
            ("|x0| + x1^2 at (1e-12, 1), claim (0, 2)", { x in Swift.abs(x[0]) + x[1] * x[1] }, [1e-12, 1], { _ in [0, 2] }),
        ]
        for (name, f, x, claim) in cases {
            var n = 0
            let r = try checkBlackBoxGradient(of: { n += 1; return f($0) }, at: x, claimedGradient: claim)
            print("COST \(name): \(r.entries.joined().map { "\($0.verdict)" }) \(n) evaluations")
        }
    }
}
