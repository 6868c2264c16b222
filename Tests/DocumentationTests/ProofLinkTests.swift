import Foundation
import XCTest

/// Every proof in proofs/ ends with the tests that check its claims; each named test must exist.
///
/// The final `## ` section of a proof must be "Tests that check these claims" (or "Tests that
/// measure these claims", "Checked by"). In it, a backticked `Suite.testName` names a test, and a
/// backticked `testName` after it on the same bullet names another test of the same suite. A name
/// exists when some file under Tests/ has `func testName(` inside a `class Suite` or an
/// `extension Suite` (the span from that top-level declaration to the next one).
final class ProofLinkTests: XCTestCase {
    static let root = NotebookRunnerTests.root
    static let headings: Set<String> = ["## Tests that check these claims", "## Tests that measure these claims", "## Checked by"]

    struct Link: Hashable { let proof: String; let suite: String; let test: String }

    /// The links of one proof's text, or a description of why it has none.
    static func links(inProof name: String, text: String) -> Result<[Link], LinkError> {
        let lines = text.components(separatedBy: "\n")
        guard let start = lines.lastIndex(where: { $0.hasPrefix("## ") }), headings.contains(lines[start].trimmingCharacters(in: .whitespaces)) else {
            return .failure(LinkError(message: "\(name): the last section is not a list of tests (\(headings.sorted()))"))
        }
        // Bullets: a line starting with "- " opens one; indented lines continue it.
        var bullets: [String] = []
        for line in lines[(start + 1)...] {
            if line.hasPrefix("- ") { bullets.append(line) } else if !bullets.isEmpty, line.hasPrefix(" ") { bullets[bullets.count - 1] += " " + line }
        }
        var out: [Link] = []
        for bullet in bullets {
            var suite: String? = nil
            for match in bullet.matches(of: /`([^`]+)`/) {
                let token = String(match.1)
                if let m = token.wholeMatch(of: /([A-Z][A-Za-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_]*)/) {
                    suite = String(m.1)
                    out.append(Link(proof: name, suite: String(m.1), test: String(m.2)))
                } else if token.wholeMatch(of: /test[A-Za-z0-9_]*/) != nil {
                    guard let suite else { return .failure(LinkError(message: "\(name): `\(token)` has no Suite before it on its bullet")) }
                    out.append(Link(proof: name, suite: suite, test: token))
                }
                // Other code spans (`make leakcheck`) are prose.
            }
        }
        if out.isEmpty { return .failure(LinkError(message: "\(name): the tests section names no test")) }
        return .success(out)
    }

    struct LinkError: Error, Equatable { let message: String }

    /// suite name → test function names declared in it, over every Swift file under `tests`.
    static let repositoryTests: [String: Set<String>] = (try? declaredTests(under: root.appendingPathComponent("Tests"))) ?? [:]

    static func declaredTests(under tests: URL) throws -> [String: Set<String>] {
        var result: [String: Set<String>] = [:]
        guard let files = FileManager.default.enumerator(at: tests, includingPropertiesForKeys: nil) else { return result }
        for case let url as URL in files where url.pathExtension == "swift" {
            let text = try String(contentsOf: url, encoding: .utf8)
            var current: String? = nil
            for line in text.components(separatedBy: "\n") {
                // Indented lines cannot open a top-level type and most hold no `func test`: the
                // regexes run only where they can match (run on every line of Tests/, in a debug
                // build, they took 18 s of `make test`).
                let topLevel = line.first.map { !" \t}#/".contains($0) } ?? false
                if topLevel, let m = line.firstMatch(of: /^(?:@\w+\s+)*(?:(?:final|public|internal|private|fileprivate|open)\s+)*(?:class|struct|enum|extension|actor)\s+([A-Za-z_][A-Za-z0-9_]*)/) {
                    current = String(m.1)
                } else if let first = line.first, !" \t}@#/".contains(first), !line.hasPrefix("import ") {
                    // Any other top-level declaration (a free function, a global) ends the type's span.
                    current = nil
                }
                if let current, line.contains("func test"), let f = line.firstMatch(of: /\bfunc\s+(test[A-Za-z0-9_]*)\s*\(/) {
                    result[current, default: []].insert(String(f.1))
                }
            }
        }
        return result
    }

    /// Every problem found: proofs without a test list, and names that do not exist.
    static func problems(proofs: URL, declared: [String: Set<String>] = repositoryTests) throws -> [String] {
        var problems: [String] = []
        let names = try FileManager.default.contentsOfDirectory(atPath: proofs.path).filter { $0.hasSuffix(".md") }.sorted()
        for name in names {
            let text = try String(contentsOf: proofs.appendingPathComponent(name), encoding: .utf8)
            switch links(inProof: name, text: text) {
            case .failure(let e): problems.append(e.message)
            case .success(let links):
                for l in links where !(declared[l.suite]?.contains(l.test) ?? false) {
                    problems.append("\(l.proof): \(l.suite).\(l.test) does not exist in Tests/")
                }
            }
        }
        return problems
    }

    func testEveryTestAProofNamesExists() throws {
        let problems = try Self.problems(proofs: Self.root.appendingPathComponent("proofs"))
        XCTAssertEqual(problems, [], problems.joined(separator: "\n"))
        // The check saw the proofs at all: each of these lists several tests.
        let registry = try String(contentsOf: Self.root.appendingPathComponent("proofs/registry.md"), encoding: .utf8)
        let links = try Self.links(inProof: "registry.md", text: registry).get()
        XCTAssertTrue(links.contains(Link(proof: "registry.md", suite: "RegistryTests", test: "testRulesDispatchReachesEveryDeclaration")),
                      "a continuation name after a Suite on the same bullet belongs to that suite: \(links)")
    }

    func testABrokenNameMakesTheCheckFail() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("proofs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let original = try String(contentsOf: Self.root.appendingPathComponent("proofs/user-primitives.md"), encoding: .utf8)
        // One Suite.test form and one continuation form, each renamed to a test that does not exist.
        let broken = original
            .replacingOccurrences(of: "`CheckLogicTests.testTheWrongHessianTrapIsNeverAgree`", with: "`CheckLogicTests.testTheWrongHessianTrapIsNeverAgreed`")
            .replacingOccurrences(of: "`testValidateCatchesAWrongRuleNamingTheCheck`", with: "`testValidateCatchesAWrongRuleNamingTheChek`")
        XCTAssertNotEqual(broken, original, "the names this test breaks are no longer in the proof")
        try broken.write(to: dir.appendingPathComponent("user-primitives.md"), atomically: true, encoding: .utf8)
        let problems = try Self.problems(proofs: dir)
        XCTAssertEqual(problems, [
            "user-primitives.md: UserPrimitiveTests.testValidateCatchesAWrongRuleNamingTheChek does not exist in Tests/",
            "user-primitives.md: CheckLogicTests.testTheWrongHessianTrapIsNeverAgreed does not exist in Tests/",
        ])
    }

    func testAProofWithoutATestListFails() throws {
        let text = "# A claim\n\nSome proof.\n\n## Why\nBecause.\n"
        XCTAssertEqual(Self.links(inProof: "x.md", text: text),
                       .failure(LinkError(message: "x.md: the last section is not a list of tests (\(Self.headings.sorted()))")))
        let continuationFirst = "# A\n\n## Checked by\n- `testOrphan`\n"
        XCTAssertEqual(Self.links(inProof: "y.md", text: continuationFirst),
                       .failure(LinkError(message: "y.md: `testOrphan` has no Suite before it on its bullet")))
    }

    func testATestInTheWrongSuiteDoesNotCount() throws {
        // testEveryTestAProofNamesExists lives in ProofLinkTests, not in ModeTests.
        let declared = Self.repositoryTests
        XCTAssertGreaterThan(declared.count, 50, "the scan of Tests/ found too few suites")
        XCTAssertTrue(declared["ProofLinkTests"]?.contains("testEveryTestAProofNamesExists") ?? false)
        XCTAssertFalse(declared["ModeTests"]?.contains("testEveryTestAProofNamesExists") ?? true)
    }
}
