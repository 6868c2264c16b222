#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A progress bar on stderr for `--points`, shown only when the run has lasted more than a
/// second and stderr is a terminal, so scripts and quick runs see nothing.
struct Progress {
    let total: Int
    let start = Progress.now()
    var lastDraw = 0.0
    var drawn = false
    let isTerminal = isatty(2) != 0
    /// What is counted, for the label.
    var unit = "points"

    /// Seconds before the bar appears.
    static let delay = 1.0
    /// Seconds between redraws (keeps the terminal cheap for fast loops).
    static let interval = 0.1

    init(total: Int, unit: String = "points") { self.total = total; self.unit = unit }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }

    mutating func update(_ done: Int) {
        guard isTerminal else { return }
        let t = Progress.now()
        guard t - start > Progress.delay, t - lastDraw > Progress.interval else { return }
        lastDraw = t
        drawn = true
        let width = 30
        let filled = total > 0 ? width * done / total : width
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        writeError("\r[\(bar)] \(done)/\(total) \(unit)", newline: false)
    }

    mutating func finish() {
        if drawn { writeError("\r\u{1B}[K", newline: false); drawn = false }
    }
}
