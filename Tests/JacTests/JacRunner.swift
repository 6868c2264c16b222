import Foundation
import XCTest

/// Runs the built `jac` executable and captures its status and output.
///
/// `swift build --build-tests` builds every product, `jac` included, into the same directory as
/// the test bundle; set `JAC_BINARY` to test another build (the release one, say).
enum JacRunner {
    struct Output {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    static let binary: String? = {
        var candidates: [String] = []
        if let env = ProcessInfo.processInfo.environment["JAC_BINARY"] { candidates.append(env) }
        let testExecutable = URL(fileURLWithPath: CommandLine.arguments[0])
        candidates.append(testExecutable.deletingLastPathComponent().appendingPathComponent("jac").path)
        candidates.append(Bundle.main.bundleURL.appendingPathComponent("jac").path)
        for bundle in Bundle.allBundles {
            candidates.append(bundle.bundleURL.deletingLastPathComponent().appendingPathComponent("jac").path)
        }
        // Tests/JacTests/JacRunner.swift → package root → .build/debug/jac
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        candidates.append(root.appendingPathComponent(".build/debug/jac").path)
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    /// Skips the calling test when python3 is not on PATH: the `--program` tests speak the
    /// protocol through small standard-library Python programs.
    static func requirePython() throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", "command -v python3 >/dev/null"]
        try p.run()
        p.waitUntilExit()
        if p.terminationStatus != 0 { throw XCTSkip("python3 is not on PATH: the --program tests need it (standard library only)") }
    }

    /// Runs `jac` with `arguments`, feeding `stdin` when given. Fails the test when the binary is missing.
    static func run(_ arguments: [String], stdin: String? = nil, environment: [String: String] = [:],
                    file: StaticString = #filePath, line: UInt = #line) throws -> Output {
        guard let binary else {
            XCTFail("jac binary not found: run `swift build --build-tests` first (it builds jac)", file: file, line: line)
            throw CocoaError(.fileNoSuchFile)
        }
        return try launch(binary, arguments, stdin: stdin, environment: environment)
    }

    /// Runs `command` in `/bin/sh -c`, for what only a shell sets up (a redirect to /dev/full, a
    /// closed stdout, both streams into one); `jac` stands for the quoted binary. Fails the test
    /// when the binary is missing.
    static func shell(_ command: (_ jac: String) -> String, file: StaticString = #filePath, line: UInt = #line) throws -> Output {
        guard let binary else {
            XCTFail("jac binary not found: run `swift build --build-tests` first (it builds jac)", file: file, line: line)
            throw CocoaError(.fileNoSuchFile)
        }
        return try launch("/bin/sh", ["-c", command("'\(binary)'")], stdin: nil, environment: [:])
    }

    private static func launch(_ executable: String, _ arguments: [String], stdin: String?,
                               environment: [String: String]) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        // Output goes to files, not pipes, so a large output can never block the child.
        let outPath = try temporaryFile("", name: "stdout-\(UUID().uuidString)")
        let errPath = try temporaryFile("", name: "stderr-\(UUID().uuidString)")
        let outHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        let errHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        process.standardOutput = outHandle
        process.standardError = errHandle
        let input = Pipe()
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        try outHandle.close(); try errHandle.close()
        defer {
            try? FileManager.default.removeItem(atPath: outPath)
            try? FileManager.default.removeItem(atPath: errPath)
        }
        return Output(status: process.terminationStatus,
                      stdout: try String(contentsOfFile: outPath, encoding: .utf8),
                      stderr: try String(contentsOfFile: errPath, encoding: .utf8))
    }

    /// Writes `text` to a fresh temporary file and returns its path.
    static func temporaryFile(_ text: String, name: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("jac-tests-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    /// Parses one JSON object printed by jac.
    static func json(_ text: String, file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            XCTFail("not a JSON object: \(text)", file: file, line: line)
            return [:]
        }
        return object
    }
}
