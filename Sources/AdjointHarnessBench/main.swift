// `make bench`, the harness's part: what a property-based test of a user's derivative costs per
// run, in its own executable because AdjointTesting links XCTest and Swift Testing. JSON lines as
// AdjointBench prints them; medians of one run, never compared with fixed times in tests.
import Adjoint
import AdjointTesting
import Foundation

/// ℝ²⁰ → ℝ: a sum over all pairs through sin, every input meeting every other.
struct Pairs: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
        var s: T = 0
        for (i, xi) in x.enumerated() { for (j, xj) in x.enumerated() where j > i { s = s + T.sin(xi * xj) } }
        return [s]
    }
}

/// Its gradient by hand: ∂/∂xᵢ Σ_{j≠i} sin(xᵢxⱼ) = Σ_{j≠i} cos(xᵢxⱼ)·xⱼ.
@Sendable func pairsGradient(_ x: [Double]) -> [Double] {
    var g = [Double](repeating: 0, count: x.count)
    for i in x.indices { for j in x.indices where j > i { let c = cos(x[i] * x[j]); g[i] += c * x[j]; g[j] += c * x[i] } }
    return g
}

func median(_ runs: Int, _ body: () -> Bool) -> Double? {
    var times: [Double] = []
    for _ in 0..<runs {
        let t0 = Date()
        guard body() else { return nil }   // a property that fails is not timed
        times.append(Date().timeIntervalSince(t0))
    }
    return times.sorted()[runs / 2]
}

func emit(_ name: String, _ value: Double?, _ unit: String) {
    let v = value.map { String(format: "%.4g", $0) } ?? "null"
    print("{\"benchmark\": \"\(name)\", \"value\": \(v), \"unit\": \"\(unit)\"}")
}

var options = AdjointTestOptions()
options.trials = 20
options.seed = 7
let space = InputSpace.vector(20, .uniform(-1...1))
emit("harness_gradient_property_20_trials_ms",
     median(5) { checkProperty(.gradient(of: Pairs(), claimed: pairsGradient, inputs: space), options: options).passed }.map { $0 * 1e3 },
     "ms")
emit("harness_hessian_property_20_trials_ms",
     median(5) { checkProperty(.hessian(of: Pairs(), inputs: space), options: options).passed }.map { $0 * 1e3 }, "ms")
