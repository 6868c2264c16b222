import Foundation

/// Prints one benchmark line as JSON: `{"benchmark": name, "value": v, "unit": u}`.
func emit(_ name: String, _ value: Double, _ unit: String) {
    let v = value.isFinite ? String(format: "%.4g", value) : "null"
    print("{\"benchmark\": \"\(name)\", \"value\": \(v), \"unit\": \"\(unit)\"}")
    fflush(nil)  // all streams: stdout is a C global Swift 6 will not touch directly
}

/// Median wall time in seconds of `runs` executions of `body` (after one warm-up run).
func medianSeconds(runs: Int = 7, _ body: () -> Void) -> Double {
    body()
    var times: [Double] = []
    for _ in 0..<runs {
        let t0 = DispatchTime.now().uptimeNanoseconds
        body()
        times.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
    }
    times.sort()
    return times[times.count / 2]
}

/// Keeps the optimizer from deleting work whose result is unused.
@inline(never) func blackHole<T>(_ x: T) { withExtendedLifetime(x) {} }

/// Median seconds of each body, timed in interleaved rounds (body 0, body 1, …, then again) so
/// that drift in machine speed, from other load or frequency scaling, hits every body alike and
/// cancels in their ratios.
func interleavedMedianSeconds(rounds: Int = 15, _ bodies: [() -> Void]) -> [Double] {
    for body in bodies { body() }  // warm-up: caches, pools, page faults
    var times = [[Double]](repeating: [], count: bodies.count)
    for _ in 0..<rounds {
        for (k, body) in bodies.enumerated() {
            let t0 = DispatchTime.now().uptimeNanoseconds
            body()
            times[k].append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
        }
    }
    return times.map { $0.sorted()[$0.count / 2] }
}
