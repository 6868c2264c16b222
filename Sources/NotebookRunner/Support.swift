import Foundation

struct ProcessResult { let status: Int32; let stdout: String; let stderr: String; let timedOut: Bool }

/// Longest a shell cell or a notebook's Swift program may run: every notebook here finishes in
/// seconds, so a run this long is a hang, and `make test` must not wait on it forever.
let processTimeoutSeconds = 300.0

func makeTemporaryDirectory() throws -> String {
    let dir = NSTemporaryDirectory() + "notebook-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}

/// Runs `executable` in `directory` with empty stdin; output goes to files, not pipes, so a large
/// output can never block the child. `environment` nil inherits ours; otherwise its keys override ours.
func runProcess(_ executable: String, _ arguments: [String], directory: String,
                environment: [String: String]?) throws -> ProcessResult {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: executable)
    p.arguments = arguments
    p.currentDirectoryURL = URL(fileURLWithPath: directory)
    if let environment {
        p.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
    }
    let outPath = directory + "/../" + (directory as NSString).lastPathComponent + ".stdout"
    let errPath = directory + "/../" + (directory as NSString).lastPathComponent + ".stderr"
    _ = FileManager.default.createFile(atPath: outPath, contents: nil)
    _ = FileManager.default.createFile(atPath: errPath, contents: nil)
    defer { try? FileManager.default.removeItem(atPath: outPath); try? FileManager.default.removeItem(atPath: errPath) }
    let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
    let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
    p.standardOutput = out
    p.standardError = err
    p.standardInput = FileHandle.nullDevice
    try p.run()
    // A watchdog, not a clock in the result: it only ends a run that would never end.
    let deadline = Date().addingTimeInterval(processTimeoutSeconds)
    var timedOut = false
    while p.isRunning {
        if Date() > deadline { p.terminate(); timedOut = true; break }
        usleep(20_000)
    }
    p.waitUntilExit()
    try out.close(); try err.close()
    let o = String(decoding: try Data(contentsOf: URL(fileURLWithPath: outPath)), as: UTF8.self)
    let e = String(decoding: try Data(contentsOf: URL(fileURLWithPath: errPath)), as: UTF8.self)
    return ProcessResult(status: p.terminationStatus, stdout: o,
                         stderr: timedOut ? e + "\n(stopped after \(Int(processTimeoutSeconds)) s)" : e, timedOut: timedOut)
}

func trimmingTrailingNewlines(_ s: String) -> String {
    var s = Substring(s)
    while s.hasSuffix("\n") { s = s.dropLast() }
    return String(s)
}

/// A line diff from the longest common subsequence: "  " kept, "- " only in `a`, "+ " only in `b`.
/// Unchanged runs longer than two lines are elided; at most `limit` changed lines are shown.
func lineDiff(_ a: String, _ b: String, limit: Int = 40) -> String {
    let x = a.isEmpty ? [] : a.components(separatedBy: "\n")
    let y = b.isEmpty ? [] : b.components(separatedBy: "\n")
    let n = x.count, m = y.count
    var lcs = [[Int]](repeating: [Int](repeating: 0, count: m + 1), count: n + 1)
    for i in stride(from: n - 1, through: 0, by: -1) {
        for j in stride(from: m - 1, through: 0, by: -1) {
            lcs[i][j] = x[i] == y[j] ? lcs[i + 1][j + 1] + 1 : max(lcs[i + 1][j], lcs[i][j + 1])
        }
    }
    var ops: [(Character, String)] = []
    var i = 0, j = 0
    while i < n || j < m {
        if i < n, j < m, x[i] == y[j] { ops.append((" ", x[i])); i += 1; j += 1 }
        else if i < n, j == m || lcs[i + 1][j] >= lcs[i][j + 1] { ops.append(("-", x[i])); i += 1 }
        else { ops.append(("+", y[j])); j += 1 }
    }
    var out: [String] = []
    var changes = 0
    for (k, op) in ops.enumerated() {
        if op.0 == " " {
            let near = (max(0, k - 1)...min(ops.count - 1, k + 1)).contains { ops[$0].0 != " " }
            if near { out.append("  " + op.1) } else if out.last != "  …" { out.append("  …") }
        } else {
            changes += 1
            if changes > limit { out.append("  … (more changes)"); break }
            out.append("\(op.0) " + op.1)
        }
    }
    return out.joined(separator: "\n")
}
