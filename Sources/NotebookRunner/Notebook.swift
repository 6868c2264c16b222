import Foundation

/// One runnable cell of a notebook: a shell command (`sh`) or a block of Swift, with the output
/// recorded below it. Line numbers are 1-based positions in the markdown file.
struct Cell {
    enum Kind: Equatable { case shell(command: String, exit: Int32?), swift(code: [String]) }
    let kind: Kind
    /// 1-based number of the cell among the notebook's cells, in file order.
    let number: Int
    /// Line of the opening fence (```sh or ```swift).
    let line: Int
    /// Line of the first code line (for `#sourceLocation`).
    let codeLine: Int
    /// Recorded output lines, or nil when a Swift cell has no output block.
    let expected: [String]?
    /// Index range of the output block's lines in the file (opening fence … closing fence), or the
    /// line after the code block when there is none (where `update` inserts one).
    let outputRange: Range<Int>

    var label: String {
        switch kind {
        case .shell(let command, _): return "cell \(number) (line \(line), sh: \(command))"
        case .swift: return "cell \(number) (line \(line), swift)"
        }
    }
}

struct NotebookFormatError: Error, CustomStringConvertible {
    let file: String, line: Int, message: String
    var description: String { "\(file):\(line): \(message)" }
}

/// A notebook file split into lines (the format is in notebooks-md/README.md).
struct Notebook {
    let path: String
    let lines: [String]
    let cells: [Cell]

    var name: String { (path as NSString).lastPathComponent }

    init(path: String) throws {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        try self.init(path: path, text: text)
    }

    init(path: String, text: String) throws {
        self.path = path
        var lines = text.components(separatedBy: "\n")
        if lines.last == "" { lines.removeLast() }
        self.lines = lines
        var cells: [Cell] = []
        var i = 0
        let fileName = (path as NSString).lastPathComponent
        func fail(_ line: Int, _ message: String) -> NotebookFormatError {
            NotebookFormatError(file: fileName, line: line + 1, message: message)
        }
        // Reads the output block that opens at `start`, if any: (lines, range, index after it).
        func outputBlock(at start: Int) throws -> ([String], Range<Int>, Int)? {
            guard start < lines.count, lines[start] == "```output" else { return nil }
            var j = start + 1
            while j < lines.count, lines[j] != "```" { j += 1 }
            guard j < lines.count else { throw fail(start, "output block is not closed by ```") }
            return (Array(lines[(start + 1)..<j]), start..<(j + 1), j + 1)
        }
        while i < lines.count {
            var exit: Int32? = nil
            var fence = i
            if let m = lines[i].firstMatch(of: /^<!-- exit: ([0-9]+) -->$/) {
                guard let status = Int32(m.1) else { throw fail(i, "exit status out of range") }
                exit = status
                fence = i + 1
                guard fence < lines.count, lines[fence] == "```sh" else {
                    throw fail(i, "an exit marker must be followed by a ```sh cell")
                }
            }
            if lines[fence] == "```sh" {
                guard fence + 2 < lines.count, lines[fence + 2] == "```" else {
                    throw fail(fence, "a ```sh cell holds exactly one command line, then ```")
                }
                guard let (out, range, next) = try outputBlock(at: fence + 3) else {
                    throw fail(fence, "a ```sh cell must be followed directly by a ```output block")
                }
                cells.append(Cell(kind: .shell(command: lines[fence + 1], exit: exit), number: cells.count + 1,
                                  line: fence + 1, codeLine: fence + 2, expected: out, outputRange: range))
                i = next
            } else if lines[fence] == "```swift" {
                var j = fence + 1
                while j < lines.count, lines[j] != "```" { j += 1 }
                guard j < lines.count else { throw fail(fence, "swift block is not closed by ```") }
                let code = Array(lines[(fence + 1)..<j])
                if let (out, range, next) = try outputBlock(at: j + 1) {
                    cells.append(Cell(kind: .swift(code: code), number: cells.count + 1, line: fence + 1,
                                      codeLine: fence + 2, expected: out, outputRange: range))
                    i = next
                } else {
                    cells.append(Cell(kind: .swift(code: code), number: cells.count + 1, line: fence + 1,
                                      codeLine: fence + 2, expected: nil, outputRange: (j + 1)..<(j + 1)))
                    i = j + 1
                }
            } else if lines[fence].hasPrefix("```") && lines[fence] != "```" {
                // Another fenced block (text, output without a cell, …) is prose: skip to its end so
                // a ```sh line quoted inside it is not taken for a cell.
                var j = fence + 1
                while j < lines.count, lines[j] != "```" { j += 1 }
                i = j + 1
            } else {
                i += 1
            }
        }
        self.cells = cells
    }

    var swiftCells: [Cell] { cells.filter { if case .swift = $0.kind { return true } else { return false } } }

    /// Identifier of the notebook's function in the generated program: `notebook_` plus the file
    /// name with every non-alphanumeric character replaced by `_`.
    static func identifier(forFileName name: String) -> String {
        let stem = name.hasSuffix(".md") ? String(name.dropLast(3)) : name
        return "notebook_" + String(stem.map { $0.isLetter || $0.isNumber ? $0 : "_" })
    }

    /// The text with each cell's output block replaced by `outputs[cell.number]` (cells not in the
    /// dictionary keep theirs). A Swift cell without a block gets one only when its output is not empty.
    func replacingOutputs(_ outputs: [Int: String]) -> String {
        var result = lines
        for cell in cells.reversed() {
            guard let actual = outputs[cell.number] else { continue }
            let body = actual.isEmpty ? [] : actual.components(separatedBy: "\n")
            if cell.expected == nil && body.isEmpty { continue }
            result.replaceSubrange(cell.outputRange, with: ["```output"] + body + ["```"])
        }
        return result.joined(separator: "\n") + "\n"
    }
}
