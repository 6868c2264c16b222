import XCTest
import Foundation
@testable import AdjointCore

final class ScaleTests: XCTestCase {
    /// A chain of 10⁷ recorded ops sweeps without recursion or stack overflow.
    /// s ← s·a + b·x repeated: ∂s/∂x after k steps is b·Σ_{i<k} aⁱ = b(1 − aᵏ)/(1 − a) for s₀ = x·0.
    func testTenMillionOpChainSweeps() throws {
        let steps = 2_500_000 // 4 recorded ops per step (mul, const, mul, add) → 10⁷ entries
        let a = 0.5, b = 2.0
        let rec = try record({ v -> [Reverse<Double>] in
            var s = v[0] * 0
            for _ in 0..<steps { s = s * Reverse(a) + Reverse(b) * v[0] }
            return [s]
        }, at: [1.0])
        XCTAssertGreaterThanOrEqual(rec.tape.count, 10_000_000)
        let g = try rec.pullback([1])[0]
        XCTAssertEqual(g, b / (1 - a), accuracy: 1e-12)
    }

    /// Eight tasks computing gradients concurrently get exactly the serial answers: each call has
    /// its own tape and its own diagnostics collector.
    func testConcurrentGradientsMatchSerial() async throws {
        func f<T: ADScalar>(_ x: [T]) -> T {
            var s: T = 0
            for i in 0..<x.count - 1 { s = s + sin(x[i]) * x[i + 1] + log(1 + x[i] * x[i]) }
            return s
        }
        // Typed: inferred, this line took 2.3 s to type-check.
        let points: [[Double]] = (0..<8).map { (k: Int) -> [Double] in (0..<200).map { (i: Int) -> Double in Double(i % 17) * 0.1 + Double(k) } }
        let serial = try points.map { try gradient(of: f, at: $0) }
        let parallel = try await withThrowingTaskGroup(of: (Int, [Double]).self) { group in
            for (k, p) in points.enumerated() {
                group.addTask { (k, try gradient(of: f, at: p)) }
            }
            var out = [[Double]](repeating: [], count: points.count)
            for try await (k, g) in group { out[k] = g }
            return out
        }
        XCTAssertEqual(parallel, serial)
        // Errors stay with their own task: one failing task does not leak into the others.
        let mixed = await withTaskGroup(of: Bool.self) { group in
            for k in 0..<8 {
                group.addTask { (try? gradient(of: { v in log(v[0]) }, at: [k == 3 ? -1.0 : 1.0])) != nil }
            }
            var ok = 0
            for await r in group where r { ok += 1 }
            return ok
        }
        XCTAssertEqual(mixed, 7)
    }
}
