import Adjoint
import Foundation

/// y_i = x_{i−1} − 2·x_i² + sin(x_{i+1}): tridiagonal Jacobian (bandwidth 3).
private struct BenchTridiagonal: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
        x.indices.map { i in
            var y = T(-2) * x[i] * x[i]
            if i > 0 { y = y + x[i - 1] }
            if i + 1 < x.count { y = y + T.sin(x[i + 1]) }
            return y
        }
    }
}

/// Sparse against dense Jacobians and checkpointed against plain gradients.
///
/// - `sparse_jacobian_tridiagonal_n10000_ms`: `sparseJacobian` at n = 10⁴ (pattern detection,
///   colouring, one forward pass, recovery).
/// - `dense_forward_jacobian_n{1000,2000}_ms`: `jacobian(mode: .forward)`, measured. At n = 10⁴ the
///   dense Jacobian would hold 10⁸ entries twice over (1.6 GB), too much for a shared benchmark
///   machine, so `dense_forward_jacobian_n10000_extrapolated_ms` scales the n = 2000 time by
///   (10⁴/2000)² (n/8 passes of an O(n) evaluation; the exponent fitted between 1000 and 2000 is
///   printed as `dense_forward_jacobian_fitted_exponent`). `sparse_vs_dense_jacobian_speedup_n10000` is that extrapolation over the sparse time.
/// - `checkpoint_{plain,checkpointed}_1e5_steps_{ms,peak_tape_bytes}`: a 10⁵-step explicit Euler
///   loop with 2 states; peak bytes are the largest tape (plus, for checkpointing, stored states).
///   `checkpoint_checkpointed_1e6_steps_*`: the same loop at 10⁶ steps, checkpointed only.
func runSparseBenchmarks() {
    let n = 10_000
    let x = (0..<n).map { 0.3 + 0.001 * Double($0 % 997) }
    let sparse = medianSeconds(runs: 5) { blackHole(try? sparseJacobian(of: BenchTridiagonal(), at: x)) }
    emit("sparse_jacobian_tridiagonal_n10000_ms", sparse * 1e3, "ms")
    var dense: [Int: Double] = [:]
    for m in [1_000, 2_000] {
        let xm = Array(x.prefix(m))
        dense[m] = medianSeconds(runs: 3) { blackHole(try? jacobian(of: BenchTridiagonal(), at: xm, mode: .forward)) }
        emit("dense_forward_jacobian_n\(m)_ms", (dense[m] ?? .nan) * 1e3, "ms")
    }
    // Extrapolate with the cost model's exponent 2 (n/8 passes of an O(n) evaluation); the exponent
    // fitted between the two measured sizes is printed beside it as a check (it came out 2.0–2.25,
    // noisy on a shared machine; above 2 would make the dense estimate, and the speedup, larger).
    let p = log((dense[2_000] ?? .nan) / (dense[1_000] ?? .nan)) / log(2.0)
    let extrapolated = (dense[2_000] ?? .nan) * pow(Double(n) / 2_000, 2)
    emit("dense_forward_jacobian_fitted_exponent", p, "")
    emit("dense_forward_jacobian_n10000_extrapolated_ms", extrapolated * 1e3, "ms")
    emit("sparse_vs_dense_jacobian_speedup_n10000", extrapolated / sparse, "x")

    let steps = 100_000
    let h = Reverse<Double>(1e-4), damping = Reverse<Double>(0.1)
    let step: ([Reverse<Double>]) -> [Reverse<Double>] = { s in
        let force: Reverse<Double> = Reverse.sin(s[0]) + damping * s[1]
        return [s[0] + h * s[1], s[1] - h * force]
    }
    let loss: ([Reverse<Double>]) -> Reverse<Double> = { s in s[0] * s[0] + s[1] * s[1] }
    var plainBytes = 0, plainGradient: [Double] = []
    let plain = medianSeconds(runs: 3) {
        guard let rec = try? record({ x in
            var s = x
            for _ in 0..<steps { s = step(s) }
            return [loss(s)]
        }, at: [0.7, -0.2]) else { return }
        plainBytes = rec.tape.byteCount
        plainGradient = (try? rec.pullback([1])) ?? []
    }
    var checkpointed: CheckpointedGradient<Double>?
    let cp = medianSeconds(runs: 3) {
        checkpointed = try? checkpointedGradient(steps: steps, state: [0.7, -0.2], step: step, loss: loss)
    }
    emit("checkpoint_plain_1e5_steps_ms", plain * 1e3, "ms")
    emit("checkpoint_plain_1e5_steps_peak_tape_bytes", Double(plainBytes), "bytes")
    emit("checkpoint_checkpointed_1e5_steps_ms", cp * 1e3, "ms")
    if let c = checkpointed {
        emit("checkpoint_checkpointed_1e5_steps_peak_bytes", Double(c.peakTapeBytes + c.storedStateBytes), "bytes")
        // 1 when the two gradients are bit-identical: a benchmark that silently computed something
        // else would be meaningless.
        emit("checkpoint_gradient_bit_identical", c.gradient == plainGradient ? 1 : 0, "bool")
    }
    // 10⁶ steps: checkpointed only (the plain tape would hold 10× the 10⁵-step tape above).
    var million: CheckpointedGradient<Double>?
    let t6 = medianSeconds(runs: 1) {
        million = try? checkpointedGradient(steps: 1_000_000, state: [0.7, -0.2], step: step, loss: loss)
    }
    emit("checkpoint_checkpointed_1e6_steps_ms", t6 * 1e3, "ms")
    emit("checkpoint_checkpointed_1e6_steps_peak_bytes", Double((million?.peakTapeBytes ?? 0) + (million?.storedStateBytes ?? 0)), "bytes")
}
