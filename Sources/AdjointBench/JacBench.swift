import Foundation

/// Start-up plus a small Jacobian for the `jac` executable next to this benchmark (the release
/// build under `make bench`): the median wall time of `Runs` runs, after one warm-up run that
/// loads the binary and its libraries into the page cache.
///
/// Prints `{"benchmark": "jac_small_jacobian_ms", "value": …, "unit": "ms"}`. The goal is ≤ 50 ms.
///
/// ```swift
/// runJacBenchmarks()
/// ```
func runJacBenchmarks() {
    let runs = 31
    let here = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    let candidates = [here.appendingPathComponent("jac").path, ".build/release/jac"]
    guard let jac = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
        FileHandle.standardError.write(Data("jac_small_jacobian_ms: no jac binary next to AdjointBench; build it with `swift build -c release --product jac`\n".utf8))
        return
    }
    let arguments = ["jacobian", "log(x1) + x1*x2 - sin(x2)", "--at", "x1=2,x2=5", "--format", "json"]
    var times: [Double] = []
    for k in 0...runs {
        let start = DispatchTime.now().uptimeNanoseconds
        guard let status = spawnAndWait(jac, arguments) else {
            FileHandle.standardError.write(Data("jac_small_jacobian_ms: cannot run \(jac)\n".utf8))
            return
        }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
        guard status == 0 else {
            FileHandle.standardError.write(Data("jac_small_jacobian_ms: jac exited \(status)\n".utf8))
            return
        }
        if k > 0 { times.append(elapsed) }   // run 0 is the warm-up
    }
    times.sort()
    let median = times[times.count / 2]
    print("{\"benchmark\": \"jac_small_jacobian_ms\", \"value\": \(median), \"unit\": \"ms\"}")
}

/// posix_spawn + waitpid, with output to /dev/null. Foundation's `Process.waitUntilExit` on Linux
/// polls a run loop and added about 40 ms per run here, which would swamp what is measured.
private func spawnAndWait(_ path: String, _ arguments: [String]) -> Int32? {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
    defer { for p in argv { free(p) } }
    var pid = pid_t()
    guard posix_spawn(&pid, path, &actions, nil, argv, environ) == 0 else { return nil }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 {
        guard errno == EINTR else { return nil }
    }
    // WIFEXITED / WEXITSTATUS are macros Swift does not import.
    return (status & 0x7f) == 0 ? (status >> 8) & 0xff : -1
}
