import Foundation
import XCTest

/// Keeps README.md's code honest (README "A tour of the API" and every later Swift block):
/// - every ```swift block is found, line for line, in ReadmeExamples.swift, which this target
///   compiles against the package (a manifest fragment instead names only products Package.swift
///   declares);
/// - every value a comment in those blocks states is computed there and compared;
/// - the assertion failure the README shows is the message the library prints for that example.
final class ReadmeTests: XCTestCase {
    static let root = NotebookRunnerTests.root
    /// `ReadmeClaim.readmeLine` of the failure message shown after the testing block.
    static let failureBlockKey = "(the failure message after the AdjointTesting example)"
    /// The prose line that introduces that message.
    static let failureBlockIntro = "(`AdjointTestOptions.trials`; the default is 100), the assertion fails with:"

    /// Comments in Swift blocks that contain a digit but state no computed value, with the reason.
    static let unclaimedComments: [String: String] = [
        "// COO (row, column, value), 0-based": "an indexing convention, not a value",
        "// An inline claim needs its type spelled out (Swift cannot infer a generic closure's scalar type):": "prose",
        "// W′ = 1/(eʷ(1 + w)); the textbook w/(x(1 + w)) is the same except at x = 0, where it is 0/0":
            "a formula, not a value; the gradient at (1.3, 0) printed below it checks the rule at 0",
    ]

    struct Block { let info: String; let lines: [String]; let firstLine: Int }

    /// Fenced blocks of `text`: the info string after the opening ``` and the lines inside.
    static func fencedBlocks(_ text: String) -> [Block] {
        var blocks: [Block] = []
        var open: (info: String, start: Int)? = nil
        var body: [String] = []
        for (i, line) in text.components(separatedBy: "\n").enumerated() {
            if let o = open {
                if line == "```" { blocks.append(Block(info: o.info, lines: body, firstLine: o.start + 2)); open = nil; body = [] }
                else { body.append(line) }
            } else if line.hasPrefix("```") {
                open = (String(line.dropFirst(3)), i)
            }
        }
        return blocks
    }

    static func read(_ path: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }

    /// A manifest fragment (Package.swift text) rather than Swift to compile against the package.
    static func isManifest(_ b: Block) -> Bool {
        b.lines.first?.hasPrefix("// Package.swift") == true || b.lines.first?.hasPrefix(".testTarget(") == true
    }

    /// The first index at which `block` (import lines left out) appears in `file` as consecutive
    /// lines, all with one common indentation; nil when it does not.
    static func location(of block: [String], in file: [String]) -> Int? {
        var body = Array(block.filter { !$0.hasPrefix("import ") }.drop { $0.isEmpty })
        while body.last?.isEmpty == true { body.removeLast() }
        guard let first = body.first else { return nil }
        for (start, line) in file.enumerated() where line.hasSuffix(first) {
            let indent = String(line.dropLast(first.count).replacing("_ = ", with: ""))
            guard indent.allSatisfy({ $0 == " " }), start + body.count <= file.count else { continue }
            // A statement whose value the example only shows (`d.jacobian   // ≈ …`) is compiled
            // as `_ = d.jacobian   // ≈ …`, so the examples build without unused-value warnings.
            let matches = body.indices.allSatisfy { i in
                body[i].isEmpty ? file[start + i].trimmingCharacters(in: .whitespaces).isEmpty
                    : file[start + i] == indent + body[i] || file[start + i] == indent + "_ = " + body[i]
            }
            if matches { return start }
        }
        return nil
    }

    /// `shown` as a pattern: "…" stands for `ellipsis` (digits in a number, any text in a message).
    static func matches(_ actual: String, shown: String, ellipsis: String) -> Bool {
        let pattern = shown.components(separatedBy: "…").map(NSRegularExpression.escapedPattern(for:)).joined(separator: ellipsis)
        guard let re = try? NSRegularExpression(pattern: "^" + pattern + "$", options: [.dotMatchesLineSeparators]) else { return false }
        return re.firstMatch(in: actual, range: NSRange(actual.startIndex..., in: actual)) != nil
    }

    func testEverySwiftBlockIsCompiledVerbatim() throws {
        let blocks = Self.fencedBlocks(try Self.read("README.md")).filter { $0.info == "swift" }
        XCTAssertGreaterThanOrEqual(blocks.count, 7, "README.md should have its Swift blocks")
        let examples = try Self.read("Tests/DocumentationTests/ReadmeExamples.swift").components(separatedBy: "\n")
        let imports = Set(examples.filter { $0.hasPrefix("import ") })
        for b in blocks where !Self.isManifest(b) {
            XCTAssertNotNil(Self.location(of: b.lines, in: examples),
                            "README.md line \(b.firstLine): this Swift block is not in Tests/DocumentationTests/ReadmeExamples.swift "
                            + "line for line (so it is not compiled); copy it there verbatim, inside a function:\n"
                            + b.lines.joined(separator: "\n"))
            for line in b.lines where line.hasPrefix("import ") {
                XCTAssertTrue(imports.contains(line), "README.md line \(b.firstLine): `\(line)` is not imported by ReadmeExamples.swift")
            }
        }
    }

    func testManifestFragmentsNameDeclaredProducts() throws {
        let manifest = try Self.read("Package.swift")
        let products = Set(manifest.matches(of: /\.library\(name: "([A-Za-z]+)"/).map { String($0.1) })
        XCTAssertTrue(products.contains("Adjoint"), "Package.swift's products: \(products)")
        XCTAssertTrue(manifest.contains("name: \"Adjoint\","), "the package is named Adjoint (what `package: \"Adjoint\"` refers to)")
        let fragments = Self.fencedBlocks(try Self.read("README.md")).filter { $0.info == "swift" && Self.isManifest($0) }
        XCTAssertGreaterThanOrEqual(fragments.count, 2)
        for b in fragments {
            let text = b.lines.joined(separator: "\n")
            let named = text.matches(of: /\.product\(name: "([A-Za-z]+)", package: "([A-Za-z]+)"\)/)
            XCTAssertFalse(named.isEmpty, "README.md line \(b.firstLine): a manifest fragment naming no product")
            for m in named {
                XCTAssertEqual(String(m.2), "Adjoint", "README.md line \(b.firstLine)")
                XCTAssertTrue(products.contains(String(m.1)), "README.md line \(b.firstLine): no library product \(m.1) in Package.swift (\(products.sorted()))")
            }
            for m in text.matches(of: /\.package\(url: "([^"]+)"/) {
                XCTAssertTrue(m.1.hasSuffix("/Adjoint"), "README.md line \(b.firstLine): the package identity comes from the URL's last component, which must be Adjoint")
            }
        }
    }

    func testEveryStatedValueIsTheComputedOne() throws {
        let readme = try Self.read("README.md")
        let swiftLines = Set(Self.fencedBlocks(readme).filter { $0.info == "swift" }.flatMap { $0.lines.map { $0.trimmingCharacters(in: .whitespaces) } })
        var claimed: Set<String> = []
        for (name, run) in ReadmeExamples.all {
            for claim in try run() where claim.readmeLine != Self.failureBlockKey {
                claimed.insert(claim.readmeLine)
                XCTAssertTrue(swiftLines.contains(claim.readmeLine), "\(name): README.md has no line `\(claim.readmeLine)`")
                if claim.shown.isEmpty {
                    XCTAssertEqual(claim.actual, "", "\(name): README.md's `\(claim.readmeLine)` does not pass")
                    continue
                }
                let comment = claim.readmeLine.components(separatedBy: "// ").dropFirst().joined(separator: "// ")
                XCTAssertTrue(comment.contains(claim.shown), "\(name): `\(claim.shown)` is not in the comment of `\(claim.readmeLine)`")
                XCTAssertTrue(Self.matches(claim.actual, shown: claim.shown, ellipsis: "[0-9]*"),
                              "\(name): README.md says `\(claim.shown)`, the code gives `\(claim.actual)` (line `\(claim.readmeLine)`)")
            }
        }
        // A comment with a digit in it states something: it must be one of the claims above.
        for b in Self.fencedBlocks(readme) where b.info == "swift" && !Self.isManifest(b) {
            for raw in b.lines {
                let line = raw.trimmingCharacters(in: .whitespaces)
                guard let r = line.range(of: "// ") else { continue }
                let comment = String(line[r.lowerBound...])
                guard comment.contains(where: { $0.isASCII && $0.isNumber }) else { continue }
                XCTAssertTrue(claimed.contains(line) || Self.unclaimedComments[comment] != nil,
                              "README.md: the comment of `\(line)` states a value that ReadmeExamples.swift does not check "
                              + "(add a ReadmeClaim for it, or list the comment in ReadmeTests.unclaimedComments with a reason)")
            }
        }
    }

    func testTheShownAssertionFailureIsTheLibrarysMessage() throws {
        let readme = try Self.read("README.md")
        let lines = readme.components(separatedBy: "\n")
        let intro = try XCTUnwrap(lines.firstIndex(of: Self.failureBlockIntro), "README.md lost the line introducing the failure message")
        guard intro + 2 < lines.count, lines[intro + 2] == "```" else { return XCTFail("README.md: the failure message must follow its introduction as a ``` block") }
        let shown = Array(lines[(intro + 3)...].prefix { $0 != "```" })
        let claim = try XCTUnwrap(try ReadmeExamples.testingProduct().first { $0.readmeLine == Self.failureBlockKey })
        let actual = claim.actual.components(separatedBy: "\n")
        XCTAssertEqual(shown.count, actual.count, "README.md shows \(shown.count) lines of the failure message, the library prints \(actual.count):\n\(claim.actual)")
        for (s, a) in zip(shown, actual) {
            XCTAssertTrue(Self.matches(a, shown: s, ellipsis: ".*"), "README.md's failure message shows\n\(s)\nthe library prints\n\(a)")
        }
    }

    func testEverySignatureTheProseNamesIsCalled() async throws {
        let readme = try Self.read("README.md")
        let examples = try Self.read("Tests/DocumentationTests/ReadmeExamples.swift")
        let quoted = Set(examples.components(separatedBy: "\n").filter { $0.contains("// README: ") }
            .flatMap { $0.matches(of: /`([^`]+)`/).map { String($0.1) } })
        let named = Set(readme.matches(of: /`([A-Za-z_][A-Za-z0-9_.<>]*\([A-Za-z_:…, ]*:\))`/).map { String($0.1) })
        XCTAssertGreaterThanOrEqual(named.count, 10, "README.md's signatures were not found")
        for signature in named.sorted() {
            XCTAssertTrue(quoted.contains(signature), "README.md names `\(signature)`, which ReadmeExamples.proseSignatures() does not call "
                          + "(call it there after a `// README:` line quoting it)")
        }
        try await ReadmeExamples.proseSignatures()
    }

    /// A researcher with a plain `([Double]) -> Double` read "Checking a gradient in your own tests",
    /// passed it to `checkGradient` and got only the compiler's "cannot conform to 'ADFunction'":
    /// the black-box form was named in the AdjointTesting section's bullets alone. The section
    /// must show it in a compiled block and quote the error a reader would search for.
    func testTheGradientSectionShowsAPlainFunctionItsBlackBoxForm() throws {
        let readme = try Self.read("README.md")
        let start = try XCTUnwrap(readme.range(of: "## Checking a gradient in your own tests"))
        let end = try XCTUnwrap(readme.range(of: "### The differences themselves", range: start.upperBound..<readme.endIndex))
        let section = String(readme[start.upperBound..<end.lowerBound])
        let blocks = Self.fencedBlocks(section).filter { $0.info == "swift" }
        XCTAssertTrue(blocks.contains { $0.lines.contains { $0.contains("try checkBlackBoxGradient(of:") } },
                      "no Swift block of the section calls checkBlackBoxGradient")
        XCTAssertTrue(section.contains("cannot conform to 'ADFunction'"), "the compiler's message is not quoted")
    }

    /// The checker itself: a block missing from the examples, a changed value, and an ellipsis.
    func testTheCheckerCatchesDrift() {
        let file = ["    let a = 1", "    let b = a + 1   // 2", "", "    print(b)"]
        XCTAssertEqual(Self.location(of: ["import Adjoint", "let b = a + 1   // 2", "", "print(b)"], in: file), 1)
        XCTAssertNil(Self.location(of: ["let b = a + 2   // 3"], in: file))
        XCTAssertNil(Self.location(of: ["let a = 1", "print(b)"], in: file), "lines must be consecutive")
        XCTAssertNil(Self.location(of: ["let b = a + 1   // 2", "  print(b)"], in: ["  let b = a + 1   // 2", "print(b)"]), "one indentation for the block")
        XCTAssertTrue(Self.matches("[11.0, 3.4326756290735476]", shown: "[11.0, 3.43…]", ellipsis: "[0-9]*"))
        XCTAssertFalse(Self.matches("[11.0, 3.4426756290735476]", shown: "[11.0, 3.43…]", ellipsis: "[0-9]*"))
        XCTAssertFalse(Self.matches("[11.0, 3.43]x", shown: "[11.0, 3.43…]", ellipsis: "[0-9]*"))
        XCTAssertTrue(Self.matches("input: [1, 2, 3] (x)", shown: "input: [1, …] (x)", ellipsis: ".*"))
    }
}
