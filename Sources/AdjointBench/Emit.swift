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
