import Foundation

// NotebookRunner: executes every cell of every notebook and fails on drift (notebooks-md/README.md).
//
//   NotebookRunner check    [--notebooks DIR] [--cells-source DIR] [--bin DIR] [FILE.md ...]
//   NotebookRunner update   (same options): rewrites recorded outputs and the SVGs next to the notebooks
//   NotebookRunner generate (same options): rewrites the NotebookCells sources from the notebooks
//
// `check` prints one line per failing cell with a diff, then "notebook cells: N passed, M failed",
// and exits 1 when anything failed (0 otherwise, 2 for a usage or format error).

struct Options {
    var command = ""
    var notebooksDir = "notebooks-md"
    var cellsSource = "Sources/NotebookCells"
    var binDir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path
    var files: [String] = []
}

func parseOptions() -> Options? {
    var o = Options()
    var args = Array(CommandLine.arguments.dropFirst())
    guard let command = args.first, ["check", "update", "generate"].contains(command) else { return nil }
    o.command = command
    args.removeFirst()
    while let a = args.first {
        args.removeFirst()
        switch a {
        case "--notebooks", "--cells-source", "--bin":
            guard let v = args.first else { return nil }
            args.removeFirst()
            if a == "--notebooks" { o.notebooksDir = v } else if a == "--cells-source" { o.cellsSource = v } else { o.binDir = v }
        default:
            if a.hasPrefix("--") { return nil }
            o.files.append(a)
        }
    }
    return o
}

func stderrLine(_ s: String) { FileHandle.standardError.write(Data((s + "\n").utf8)) }

guard let options = parseOptions() else {
    stderrLine("usage: NotebookRunner check|update|generate [--notebooks DIR] [--cells-source DIR] [--bin DIR] [FILE.md ...]")
    exit(2)
}

let fm = FileManager.default
let notebookPaths: [String]
do {
    let names = try fm.contentsOfDirectory(atPath: options.notebooksDir)
        .filter { $0.hasSuffix(".md") && $0 != "README.md" }.sorted()
    let all = names.map { options.notebooksDir + "/" + $0 }
    notebookPaths = options.files.isEmpty ? all
        : all.filter { p in options.files.contains { ($0 as NSString).lastPathComponent == (p as NSString).lastPathComponent } }
    if !options.files.isEmpty && notebookPaths.count != options.files.count {
        stderrLine("error: not every named notebook is in \(options.notebooksDir): \(options.files)")
        exit(2)
    }
} catch {
    stderrLine("error: cannot list \(options.notebooksDir): \(error)")
    exit(2)
}

let notebooks: [Notebook]
do { notebooks = try notebookPaths.map { try Notebook(path: $0) } } catch {
    stderrLine("error: \(error)")
    exit(2)
}

/// Rewrites the NotebookCells sources from the notebooks (all of the folder, so a filtered call
/// cannot drop the others from main.swift); unchanged files are not touched, so the build cache stays valid.
func generate(_ notebooks: [Notebook]) {
    let files = Generator.files(for: notebooks, directoryName: "notebooks-md")
    do {
        try fm.createDirectory(atPath: options.cellsSource, withIntermediateDirectories: true)
        for old in try fm.contentsOfDirectory(atPath: options.cellsSource) where old.hasSuffix(".swift") && files[old] == nil {
            try fm.removeItem(atPath: options.cellsSource + "/" + old)
        }
        for (name, text) in files.sorted(by: { $0.key < $1.key }) {
            let path = options.cellsSource + "/" + name
            if (try? String(contentsOfFile: path, encoding: .utf8)) != text {
                try text.write(toFile: path, atomically: true, encoding: .utf8)
                print("wrote \(path)")
            }
        }
    } catch {
        stderrLine("error: \(error)")
        exit(2)
    }
}

if options.command == "generate" {
    generate(notebooks)
    exit(0)
}

let updating = options.command == "update"
var passed = 0, failed = 0

@MainActor func fail(_ nb: Notebook, _ what: String, _ detail: String) {
    failed += 1
    print("FAIL \(nb.name) \(what)")
    if !detail.isEmpty { print(detail.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n")) }
}

for nb in notebooks {
    var newOutputs: [Int: String] = [:]
    var programFailed = false
    // Shell cells: each in a fresh empty directory, with the built `jac` first on PATH.
    for cell in nb.cells {
        guard case .shell(let command, let exitMarker) = cell.kind else { continue }
        let dir: String
        do { dir = try makeTemporaryDirectory() } catch { fail(nb, cell.label, "cannot make a temporary directory: \(error)"); continue }
        defer { try? fm.removeItem(atPath: dir) }
        let path = options.binDir + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        let r: ProcessResult
        do { r = try runProcess("/bin/sh", ["-c", command], directory: dir, environment: ["PATH": path]) } catch {
            fail(nb, cell.label, "cannot run: \(error)"); continue
        }
        let wantStatus = exitMarker ?? 0
        let actual = trimmingTrailingNewlines(exitMarker == nil ? r.stdout : r.stderr)
        newOutputs[cell.number] = actual
        if updating { continue }
        var problems: [String] = []
        if r.status != wantStatus { problems.append("exit status \(r.status), expected \(wantStatus)" + (exitMarker == nil && !r.stderr.isEmpty ? "; stderr: " + trimmingTrailingNewlines(r.stderr) : "")) }
        let expected = (cell.expected ?? []).joined(separator: "\n")
        if actual != expected { problems.append("output differs (- recorded, + actual):\n" + lineDiff(expected, actual)) }
        if problems.isEmpty { passed += 1 } else { fail(nb, cell.label, problems.joined(separator: "\n")) }
    }

    // Swift cells: one program per notebook, compiled into the NotebookCells target.
    let swiftCells = nb.swiftCells
    if !swiftCells.isEmpty {
        let generated = Generator.source(for: nb, relativePath: "notebooks-md/" + nb.name) ?? ""
        let sourcePath = options.cellsSource + "/" + Notebook.identifier(forFileName: nb.name) + ".swift"
        if (try? String(contentsOfFile: sourcePath, encoding: .utf8)) != generated {
            fail(nb, "swift cells", "\(sourcePath) does not match the notebook's Swift cells: run `make notebooks-update`")
            continue
        }
        let dir: String
        do { dir = try makeTemporaryDirectory() } catch { fail(nb, "swift cells", "\(error)"); continue }
        defer { try? fm.removeItem(atPath: dir) }
        let r: ProcessResult
        do { r = try runProcess(options.binDir + "/NotebookCells", [nb.name], directory: dir, environment: nil) } catch {
            fail(nb, "swift cells", "cannot run \(options.binDir)/NotebookCells (build it with `swift build`): \(error)")
            continue
        }
        var byCell: [Int: [String]] = [:]
        var current: Int? = nil
        for line in r.stdout.components(separatedBy: "\n") {
            if line.hasPrefix(Generator.markerPrefix), let n = Int(line.dropFirst(Generator.markerPrefix.count)) {
                current = n; byCell[n] = []
            } else if let c = current { byCell[c, default: []].append(line) }
        }
        if r.status != 0 {
            programFailed = true
            fail(nb, "swift cells", "the program exited with status \(r.status); stderr:\n" + trimmingTrailingNewlines(r.stderr))
        }
        for cell in swiftCells {
            guard let lines = byCell[cell.number] else {
                if !updating { fail(nb, cell.label, "did not run (an earlier cell stopped the program)") }
                continue
            }
            let actual = trimmingTrailingNewlines(lines.joined(separator: "\n"))
            newOutputs[cell.number] = actual
            if updating { continue }
            let expected = (cell.expected ?? []).joined(separator: "\n")
            if actual == expected { passed += 1 } else {
                fail(nb, cell.label, "stdout differs (- recorded, + actual):\n" + lineDiff(expected, actual))
            }
        }
        // Files the cells wrote (plots) must equal the ones committed next to the notebook.
        let produced = ((try? fm.contentsOfDirectory(atPath: dir)) ?? []).sorted()
        let notebookDir = (nb.path as NSString).deletingLastPathComponent
        for file in produced {
            let made = (try? String(contentsOfFile: dir + "/" + file, encoding: .utf8)) ?? ""
            let committedPath = notebookDir + "/" + file
            let committed = try? String(contentsOfFile: committedPath, encoding: .utf8)
            if updating {
                if committed != made { try? made.write(toFile: committedPath, atomically: true, encoding: .utf8); print("wrote \(committedPath)") }
            } else if committed == nil {
                fail(nb, "file \(file)", "the cells wrote \(file) but \(committedPath) is not committed: run `make notebooks-update`")
            } else if committed != made {
                fail(nb, "file \(file)", "differs from the committed copy (- committed, + regenerated):\n"
                     + lineDiff(committed ?? "", made, limit: 12))
            } else { passed += 1 }
        }
    }

    if updating && programFailed {
        // Recording the output of a program that stopped half-way would bless the failure.
        print("not updated: \(nb.path) (its Swift cells failed)")
    } else if updating {
        let text = nb.replacingOutputs(newOutputs)
        if (try? String(contentsOfFile: nb.path, encoding: .utf8)) != text {
            do { try text.write(toFile: nb.path, atomically: true, encoding: .utf8); print("updated \(nb.path)") } catch {
                stderrLine("error: cannot write \(nb.path): \(error)"); exit(2)
            }
        }
    }
}

if updating {
    // Recorded outputs move the Swift cells' line numbers, which the generated sources cite in
    // `#sourceLocation`: rewrite the updated notebooks' generated files (only those: `generate`
    // alone adds, removes and lists notebooks). `make notebooks-update` rebuilds afterwards.
    for path in notebookPaths {
        guard let nb = try? Notebook(path: path),
              let text = Generator.source(for: nb, relativePath: "notebooks-md/" + nb.name) else { continue }
        let target = options.cellsSource + "/" + Notebook.identifier(forFileName: nb.name) + ".swift"
        if (try? String(contentsOfFile: target, encoding: .utf8)) != text {
            do { try text.write(toFile: target, atomically: true, encoding: .utf8); print("wrote \(target)") } catch {
                stderrLine("error: cannot write \(target): \(error)"); exit(2)
            }
        }
    }
    exit(failed == 0 ? 0 : 1)
}
print("notebook cells: \(passed) passed, \(failed) failed")
exit(failed == 0 ? 0 : 1)
