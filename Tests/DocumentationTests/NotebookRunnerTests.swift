import Foundation
import XCTest

/// Runs the built NotebookRunner on copies of the committed notebooks: an untouched copy passes, a
/// copy with one recorded output edited fails and names that notebook and cell.
final class NotebookRunnerTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Directory holding NotebookRunner, NotebookCells and jac (`swift build --build-tests` builds them
    /// next to the test bundle).
    static let binDir: String? = {
        var candidates = [URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path]
        for bundle in Bundle.allBundles { candidates.append(bundle.bundleURL.deletingLastPathComponent().path) }
        candidates.append(root.appendingPathComponent(".build/debug").path)
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0 + "/NotebookRunner") }
    }()

    struct Run { let status: Int32; let stdout: String }

    func runner(_ arguments: [String]) throws -> Run {
        guard let binDir = Self.binDir else {
            XCTFail("NotebookRunner not built: run `swift build --build-tests`")
            throw CocoaError(.fileNoSuchFile)
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binDir + "/NotebookRunner")
        p.arguments = arguments + ["--bin", binDir, "--cells-source", Self.root.appendingPathComponent("Sources/NotebookCells").path]
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("nbtest-\(UUID().uuidString).out")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: out) }
        let handle = try FileHandle(forWritingTo: out)
        p.standardOutput = handle
        p.standardError = handle
        try p.run()
        p.waitUntilExit()
        try handle.close()
        return Run(status: p.terminationStatus, stdout: try String(contentsOf: out, encoding: .utf8))
    }

    /// Copies `name` into a fresh folder, applying `edit` to its text; returns the folder.
    func copy(_ name: String, edit: (String) -> String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("nbtest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let text = try String(contentsOf: Self.root.appendingPathComponent("notebooks-md/" + name), encoding: .utf8)
        try edit(text).write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
        return dir
    }

    func testAnEditedShellOutputFailsNamingTheCell() throws {
        // Cell 2 of notebook 1 is the forward-mode Jacobian; its recorded 5.5 becomes 5.25.
        let recorded = "\"jacobian\": [[5.5, 1.7163378145367738]], \"mode\": \"forward\""
        let dir = try copy("01-jacobians-every-mode.md") { text in
            XCTAssertTrue(text.contains(recorded), "the notebook no longer records the forward Jacobian this test edits")
            return text.replacingOccurrences(of: recorded, with: "\"jacobian\": [[5.25, 1.7163378145367738]], \"mode\": \"forward\"")
        }
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try runner(["check", "--notebooks", dir.path])
        XCTAssertEqual(run.status, 1, run.stdout)
        XCTAssertTrue(run.stdout.contains("FAIL 01-jacobians-every-mode.md cell 2 (line "), run.stdout)
        XCTAssertTrue(run.stdout.contains("--mode forward"), run.stdout)
        XCTAssertTrue(run.stdout.contains("- {\"variables\": [\"x1\", \"x2\"], \"point\": [2.0, 5.0], \"value\": [11.652071455223084], \"jacobian\": [[5.25"), run.stdout)
        XCTAssertTrue(run.stdout.contains("+ {\"variables\": [\"x1\", \"x2\"], \"point\": [2.0, 5.0], \"value\": [11.652071455223084], \"jacobian\": [[5.5"), run.stdout)
        // Only that cell fails: the summary counts exactly one failure.
        XCTAssertTrue(run.stdout.contains(" passed, 1 failed"), run.stdout)
    }

    func testAnUntouchedCopyPasses() throws {
        let dir = try copy("01-jacobians-every-mode.md") { $0 }
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try runner(["check", "--notebooks", dir.path])
        XCTAssertEqual(run.status, 0, run.stdout)
        XCTAssertTrue(run.stdout.contains("notebook cells: 14 passed, 0 failed"), run.stdout)
    }

    func testAWrongExitStatusFails() throws {
        // Notebook 2's parse error exits with status 2; recording 3 must fail that cell.
        let dir = try copy("02-check-and-kinks.md") { $0.replacingOccurrences(of: "<!-- exit: 2 -->", with: "<!-- exit: 3 -->") }
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try runner(["check", "--notebooks", dir.path])
        XCTAssertEqual(run.status, 1, run.stdout)
        XCTAssertTrue(run.stdout.contains("exit status 2, expected 3"), run.stdout)
    }

    func testAnUnclosedOutputBlockIsAFormatError() throws {
        let dir = try copy("01-jacobians-every-mode.md") { text in
            // Drop everything after the first output block's opening fence's first line.
            guard let r = text.range(of: "```output\n") else { return text }
            return String(text[..<r.upperBound]) + "{\"never closed\": true}\n"
        }
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try runner(["check", "--notebooks", dir.path])
        XCTAssertEqual(run.status, 2, run.stdout)
        XCTAssertTrue(run.stdout.contains("output block is not closed"), run.stdout)
    }

    func testAnEditedSwiftOutputFailsNamingTheCell() throws {
        // Notebook 5's first Swift cell prints the gradient (3, 3, 9, −1); record −2 instead of −1.
        let recorded = "gradient by the walk:       [3.0, 3.0, 9.0, -1.0]"
        let dir = try copy("05-computation-graph.md") { text in
            XCTAssertTrue(text.contains(recorded), "the notebook no longer records the line this test edits")
            return text.replacingOccurrences(of: recorded, with: "gradient by the walk:       [3.0, 3.0, 9.0, -2.0]")
        }
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try runner(["check", "--notebooks", dir.path])
        XCTAssertEqual(run.status, 1, run.stdout)
        XCTAssertTrue(run.stdout.contains("FAIL 05-computation-graph.md cell 1 (line "), run.stdout)
        XCTAssertTrue(run.stdout.contains(", swift)"), run.stdout)
        XCTAssertTrue(run.stdout.contains("- gradient by the walk:       [3.0, 3.0, 9.0, -2.0]"), run.stdout)
        XCTAssertTrue(run.stdout.contains("+ gradient by the walk:       [3.0, 3.0, 9.0, -1.0]"), run.stdout)
        XCTAssertTrue(run.stdout.contains(" passed, 1 failed"), run.stdout)
    }

    func testEditedSwiftCodeWithoutRegeneratingIsReportedStale() throws {
        // Changing a cell's code without `make notebooks-update` must not silently run the old program.
        let dir = try copy("05-computation-graph.md") { $0.replacingOccurrences(of: "tape1.variable(5)", with: "tape1.variable(6)") }
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try runner(["check", "--notebooks", dir.path])
        XCTAssertEqual(run.status, 1, run.stdout)
        XCTAssertTrue(run.stdout.contains("does not match the notebook's Swift cells: run `make notebooks-update`"), run.stdout)
    }

    func testUpdateRewritesADriftedOutputBackToWhatTheCommandPrints() throws {
        let original = try String(contentsOf: Self.root.appendingPathComponent("notebooks-md/01-jacobians-every-mode.md"), encoding: .utf8)
        let recorded = "\"jacobian\": [[5.5, 1.7163378145367738]], \"mode\": \"forward\""
        let dir = try copy("01-jacobians-every-mode.md") {
            $0.replacingOccurrences(of: recorded, with: "\"jacobian\": [[5.25, 1.7163378145367738]], \"mode\": \"forward\"")
        }
        defer { try? FileManager.default.removeItem(at: dir) }
        let update = try runner(["update", "--notebooks", dir.path])
        XCTAssertEqual(update.status, 0, update.stdout)
        let updated = try String(contentsOf: dir.appendingPathComponent("01-jacobians-every-mode.md"), encoding: .utf8)
        XCTAssertEqual(updated, original, "update must restore exactly the committed (correct) output")
        XCTAssertEqual(try runner(["check", "--notebooks", dir.path]).status, 0)
    }
}
