import Adjoint
import Foundation

/// ℝ²⁰⁰ → ℝ²⁰⁰ where every output reads every input through sin and exp: costly enough per pass
/// that splitting the 25 forward passes (or 200 sweeps) over cores pays.
struct CostlyMap: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
        (0..<x.count).map { i in
            var s: T = 0
            for (j, xj) in x.enumerated() { s = s + sin(xj * T(Double((i * 7 + j) % 13 + 1) * 0.05)) }
            return s * exp(x[i] * 0.01)
        }
    }
}

/// The result slot of ``blocking(_:)``: written by the task before the semaphore signals, read after.
final class ResultSlot<R>: @unchecked Sendable { var value: R? = nil }

/// Runs an async body to completion from synchronous benchmark code.
func blocking<R: Sendable>(_ body: @escaping @Sendable () async -> R) -> R? {
    let box = ResultSlot<R>(), done = DispatchSemaphore(value: 0)
    Task { box.value = await body(); done.signal() }
    done.wait()
    return box.value
}

func runConcurrentBenchmarks() {
    let x = (0..<200).map { 0.1 + 0.003 * Double($0) }
    let cores = ProcessInfo.processInfo.activeProcessorCount
    // A whole check: forward Jacobian and the first witness on child tasks while the recording,
    // reverse rows and rounding scales are made on the calling task (same report as serial).
    let xc = Array(x.prefix(60))
    // Sanity first: a concurrent driver that returns wrong numbers must not be timed (an
    // optimised build once returned an all-zero forward Jacobian that no debug test saw).
    let same: Bool = {
        let serialCheck = (try? checkJacobian(of: CostlyMap(), at: xc))?.toJSON()
        let parallelCheck = blocking { (try? await checkJacobian(of: CostlyMap(), at: xc, tasks: cores))?.toJSON() } ?? nil
        guard serialCheck != nil, serialCheck == parallelCheck else { return false }
        for mode in [JacobianMode.forward, .reverse] {
            let serial = try? jacobian(of: CostlyMap(), at: x, mode: mode).jacobian
            let parallel = blocking { try? await jacobian(of: CostlyMap(), at: x, mode: mode, tasks: cores).jacobian } ?? nil
            guard serial != nil, serial == parallel else { return false }
        }
        return true
    }()
    guard same else {
        print("{\"benchmark\": \"concurrent_sanity\", \"value\": null, \"unit\": \"concurrent results differ from serial\"}")
        return
    }
    // Serial and parallel runs interleaved: on a shared VM the same serial work took 17.6 ms in
    // one run and 29.2 ms in the next, and timed in separate blocks the speedups came out
    // anywhere from 1.1 to 1.9.
    let check = interleavedMedianSeconds(rounds: 7, [
        { blackHole(try? checkJacobian(of: CostlyMap(), at: xc)) },
        { blackHole(blocking { try? await checkJacobian(of: CostlyMap(), at: xc, tasks: cores) }) },
    ])
    let (checkSerial, checkParallel) = (check[0], check[1])
    emit("check_60x60_serial_ms", checkSerial * 1e3, "ms")
    emit("check_60x60_\(cores)_tasks_ms", checkParallel * 1e3, "ms")
    emit("check_60x60_speedup_\(cores)_cores", checkSerial / checkParallel, "ratio")
    for mode in [JacobianMode.forward, .reverse] {
        // The third body runs `cores` whole serial Jacobians at once, one per core, sharing
        // nothing: their throughput over one alone is what this machine's cores give work that
        // needs no coordination at all, the ceiling for the split. On a VM whose vCPUs share a
        // physical core (a busy second vCPU slowed plain evaluation from 1.25 to 2.1 ms here) that
        // ceiling is well under `cores`, and the speedup is read against it.
        let times = interleavedMedianSeconds(rounds: 11, [
            { blackHole(try? jacobian(of: CostlyMap(), at: x, mode: mode)) },
            { blackHole(blocking { try? await jacobian(of: CostlyMap(), at: x, mode: mode, tasks: cores) }) },
            { DispatchQueue.concurrentPerform(iterations: cores) { _ in blackHole(try? jacobian(of: CostlyMap(), at: x, mode: mode)) } },
        ])
        let (serial, parallel, independent) = (times[0], times[1], times[2])
        emit("jacobian_200x200_\(mode.rawValue)_serial_ms", serial * 1e3, "ms")
        emit("jacobian_200x200_\(mode.rawValue)_\(cores)_tasks_ms", parallel * 1e3, "ms")
        emit("jacobian_200x200_\(mode.rawValue)_speedup_\(cores)_cores", serial / parallel, "ratio")
        emit("jacobian_200x200_\(mode.rawValue)_independent_jobs_throughput_\(cores)_cores", Double(cores) * serial / independent, "ratio")
        if mode == .reverse {
            // The recording is one evaluation and stays serial: with it, the sweeps' speedup is
            // bounded by Amdahl's law, which this figure states for the run.
            let rec = medianSeconds(runs: 11) { blackHole(try? record({ CostlyMap()($0) }, at: x)) }
            emit("jacobian_200x200_reverse_record_ms", rec * 1e3, "ms")
            emit("jacobian_200x200_reverse_amdahl_bound_\(cores)_cores", serial / (rec + (serial - rec) / Double(cores)), "ratio")
        }
    }
    // Differences of a sparse 200 × 200 map, serially: each column has one curved output, one
    // affine and 198 that do not move. Every output of every column used to be scanned, each
    // stencil application re-walked all outputs once per output, and `jac` took 256 s for
    // Richardson's Jacobian of this map.
    for method in [DifferenceMethod.adaptive, .richardson] {
        let t = medianSeconds(runs: 5) { blackHole(try? differenceJacobian(of: SparseCyclicMap(), at: x, method: method)) }
        emit("difference_jacobian_200x200_sparse_\(method.rawValue)_ms", t * 1e3, "ms")
    }
}

/// yᵢ = sin(xᵢ)·xᵢ₊₁, cyclic: two nonzeros per row.
struct SparseCyclicMap: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { x.indices.map { sin(x[$0]) * x[($0 + 1) % x.count] } }
}

/// Not part of `make bench`: the 60 × 60 check of `check_60x60_*` in a loop for a profiler
/// (`perf record -g AdjointBench check-loop [seconds] [tasks]`), serial unless `tasks` > 1.
func runCheckLoop(seconds: Double, tasks: Int, inputs n: Int = 60) {
    // At n = 20 the derivative rounding bound runs (at 60 its tape-visit budget skips it).
    let x = (0..<Swift.max(1, n)).map { 0.1 + 0.003 * Double($0) }
    // No time: the report itself, to see which rungs the check reached.
    if seconds == 0 { print((try? checkJacobian(of: CostlyMap(), at: x))?.toJSON() ?? "check failed"); return }
    let clock = ContinuousClock(), start = clock.now
    var calls = 0
    while clock.now - start < .milliseconds(Int(seconds * 1000)) {
        if tasks > 1 {
            blackHole(blocking { try? await checkJacobian(of: CostlyMap(), at: x, tasks: tasks) })
        } else {
            blackHole(try? checkJacobian(of: CostlyMap(), at: x))
        }
        calls += 1
    }
    print("{\"calls\": \(calls), \"seconds\": \(seconds), \"ms_per_call\": \(seconds * 1e3 / Double(calls))}")
}
