import Foundation
import XCTest

/// The README's `jac` commands run as shown: each line of the ```sh block under "The `jac`
/// command" exits 0 (and prints what a quoted comment says), and each `$ jac …` transcript in a
/// plain ``` block prints every line shown under it and exits with the shown `(status N)`.
final class ReadmeCommandTests: XCTestCase {
    /// Commands left out, with the reason.
    static let notRun: [String: String] = [
        "jac selftest": "11 s in a debug build; SelfTestCommandTests runs the same command with fewer graphs",
    ]

    struct Run { let status: Int32; let output: String }

    /// Runs `command` with `sh -c` in `directory`, the built jac first on PATH; stdout then stderr.
    func run(_ command: String, in directory: URL) throws -> Run {
        guard let binDir = NotebookRunnerTests.binDir else {
            XCTFail("jac not built: run `swift build --build-tests`")
            throw CocoaError(.fileNoSuchFile)
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", command]
        p.currentDirectoryURL = directory
        var env = ProcessInfo.processInfo.environment
        env["PATH"] = binDir + ":" + (env["PATH"] ?? "/usr/bin:/bin")
        p.environment = env
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("readme-\(UUID().uuidString).out")
        let err = FileManager.default.temporaryDirectory.appendingPathComponent("readme-\(UUID().uuidString).err")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: out); try? FileManager.default.removeItem(at: err) }
        let outHandle = try FileHandle(forWritingTo: out), errHandle = try FileHandle(forWritingTo: err)
        p.standardOutput = outHandle
        p.standardError = errHandle
        p.standardInput = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        try outHandle.close(); try errHandle.close()
        return Run(status: p.terminationStatus,
                   output: try String(contentsOf: out, encoding: .utf8) + String(contentsOf: err, encoding: .utf8))
    }

    static func scratchDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("readme-commands-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    func testTheJacCommandsRun() throws {
        let readme = try ReadmeTests.read("README.md")
        let lines = readme.components(separatedBy: "\n")
        let heading = try XCTUnwrap(lines.firstIndex(of: "## The `jac` command"))
        let block = try XCTUnwrap(ReadmeTests.fencedBlocks(lines[heading...].joined(separator: "\n")).first)
        XCTAssertEqual(block.info, "sh")
        let dir = try Self.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // The files the commands read, as a reader would have them beside the command.
        try "x\n1e-6\n1e-3\n1\n".write(to: dir.appendingPathComponent("near-zero.csv"), atomically: true, encoding: .utf8)
        var ran = 0
        for line in block.lines where line.hasPrefix("jac ") {
            if Self.notRun.keys.contains(where: { line.hasPrefix($0) }) { continue }
            let parts = line.components(separatedBy: "   #")
            let command = parts[0].trimmingCharacters(in: .whitespaces)
            let comment = parts.dropFirst().joined(separator: "   #").trimmingCharacters(in: .whitespaces)
            let r = try run(command, in: dir)
            XCTAssertEqual(r.status, 0, "README.md: `\(command)` exited \(r.status):\n\(r.output)")
            // A comment that quotes output ("jacobian": …) must be found in it.
            if comment.hasPrefix("\"") {
                XCTAssertTrue(r.output.contains(comment), "README.md says `\(command)` prints \(comment); it printed\n\(r.output)")
            }
            ran += 1
        }
        XCTAssertGreaterThanOrEqual(ran, 7, "the README's jac commands were not found")
    }

    func testTheProgramTranscriptsMatch() throws {
        if try run("command -v python3 >/dev/null", in: ReadmeTests.root).status != 0 {
            throw XCTSkip("python3 is not on PATH: the README's --program example needs it (standard library only)")
        }
        let readme = try ReadmeTests.read("README.md")
        let transcripts = ReadmeTests.fencedBlocks(readme).filter { $0.info.isEmpty && $0.lines.first?.hasPrefix("$ jac ") == true }
        XCTAssertFalse(transcripts.isEmpty, "README.md has no `$ jac` transcript")
        for t in transcripts {
            var steps: [(command: String, shown: [String])] = []
            for line in t.lines {
                if line.hasPrefix("$ ") { steps.append((String(line.dropFirst(2)), [])) } else { steps[steps.count - 1].shown.append(line) }
            }
            for (command, shown) in steps {
                let r = try run(command, in: ReadmeTests.root)
                let printed = Set(r.output.components(separatedBy: "\n"))
                for line in shown {
                    if let m = line.wholeMatch(of: /\(status ([0-9]+)\)/) {
                        XCTAssertEqual(r.status, Int32(m.1), "README.md line \(t.firstLine): `\(command)`:\n\(r.output)")
                    } else {
                        XCTAssertTrue(printed.contains(line), "README.md line \(t.firstLine) shows\n\(line)\nwhich `\(command)` does not print:\n\(r.output)")
                    }
                }
                XCTAssertTrue(shown.contains { $0.hasPrefix("(status ") }, "README.md: `\(command)` shows no (status N)")
            }
        }
    }
}
