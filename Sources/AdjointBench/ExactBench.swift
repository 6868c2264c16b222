import Adjoint
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A 1,000-op rational graph with small dyadic coefficients: 100 blocks of 10 registry ops
/// (mul, square, add, div, mul, sub, leaky ReLU, max, mul, add), 8 inputs, 4 outputs. Each block
/// reads four inputs and adds into one output, so denominators stay bounded (a few distinct
/// x² + c) while every output depends on every input through divisions and kinks.
private struct ExactBenchGraph: ADFunction {
    static let blocks = 100
    var inputCount: Int? { 8 }

    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
        var acc: [T] = [0, 0, 0, 0]
        for b in 0..<ExactBenchGraph.blocks {
            let i = b % 8, j = (3 * b + 1) % 8, k = (5 * b + 2) % 8, l = (7 * b + 3) % 8
            let c1 = T(Double(b % 5 + 1) / 4), c2 = T(Double(b % 3 + 1) / 8), c3 = T(Double(b % 7 - 3) / 2)
            let t1 = x[i] * x[j]
            let t2 = T.square(x[k]) + c1
            let t3 = t1 / t2
            let t4 = t3 - c2 * x[l]
            let t5 = T.max(t4, T.leakyRelu(t1, slope: T(0.125)))
            acc[b % 4] = acc[b % 4] + c3 * t5
        }
        return acc
    }
}

private func exactBenchNow() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) * 1e3 + Double(t.tv_nsec) / 1e6
}

/// Prints `exact_jacobian_1000_nodes_ms`: the median wall time of one exact forward Jacobian
/// (8 passes of `Dual<Rational, Rational>`) plus one exact reverse Jacobian (one `Tape<Rational>`
/// recording, 4 sweeps) of ``ExactBenchGraph`` at a point of small rationals. Also checks the
/// two agree, so a benchmark of a wrong answer cannot go unnoticed.
func runExactBenchmarks() {
    let x: [Rational] = (0..<8).map { Rational(numerator: $0 + 1, denominator: $0 + 3) }
    var times: [Double] = []
    for run in 0..<17 {
        let start = exactBenchNow()
        do {
            let fwd = try exactJacobian(of: ExactBenchGraph(), at: x, mode: .forward)
            let rev = try exactJacobian(of: ExactBenchGraph(), at: x, mode: .reverse)
            if fwd.jacobian != rev.jacobian {
                print("{\"benchmark\": \"exact_jacobian_1000_nodes_ms\", \"error\": \"forward and reverse disagree\"}")
                return
            }
        } catch {
            print("{\"benchmark\": \"exact_jacobian_1000_nodes_ms\", \"error\": \"\(String(describing: error).split(separator: "\"").joined(separator: "'"))\"}")
            return
        }
        if run >= 2 { times.append(exactBenchNow() - start) }   // two warm-up runs
    }
    times.sort()
    let median = times[times.count / 2]
    emit("exact_jacobian_1000_nodes_ms", median, "ms")
}
