import Foundation
import XCTest
import Adjoint

/// Replays the committed fuzz corpus (Tests/FuzzCorpus, grown by `make fuzz`) through the same
/// harness the libFuzzer targets run, so every input the fuzzer once found interesting is
/// re-checked by `make test` without a fuzzing toolchain.
final class CorpusReplayTests: XCTestCase {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("FuzzCorpus")

    func replay(_ folder: String, _ body: ([UInt8]) -> String?) throws {
        let dir = Self.corpus.appendingPathComponent(folder)
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        XCTAssertGreaterThan(files.count, 20, "the \(folder) corpus is missing")
        for name in files {
            let data = try Data(contentsOf: dir.appendingPathComponent(name))
            if let problem = body([UInt8](data)) { XCTFail("\(folder)/\(name): \(problem)") }
        }
    }

    func testFormulaCorpus() throws { try replay("formula", FuzzHarness.parse) }
    func testEvaluateCorpus() throws { try replay("evaluate", FuzzHarness.evaluate) }

    /// The harness can fail: a planted wrong rule (sin′ scaled by −1, so forward and reverse
    /// agree with each other) is caught by the complex step, and a wrong rational rule by exact
    /// mode's independent witness in the check (testing the tester).
    func testHarnessReportsAPlantedWrongRule() {
        XCTAssertNil(FuzzHarness.evaluate(Array("sin(x)*y\n0.5,2".utf8)))
        let problem = RuleMutations.withMutation(RuleMutation(op: .sin, input: 0, factor: -1)) {
            FuzzHarness.evaluate(Array("sin(x)*y\n0.5,2".utf8))
        }
        XCTAssertTrue(problem?.hasPrefix("complex step") == true, problem ?? "nil")
        XCTAssertFalse(FuzzHarness.close(1, 1 + 1e-6, 1e-9))
        XCTAssertTrue(FuzzHarness.close(.nan, .nan, 1e-9))
        XCTAssertFalse(FuzzHarness.close(.infinity, 1e308, 1e-9))
    }

    func testHarnessAcceptsBadInputWithTypedErrors() {
        // Syntax errors, domain errors and huge inputs are not harness failures.
        for text in ["3 +", "log(x)\n-1", "x/y\n1,0", String(repeating: "(", count: 5000)] {
            XCTAssertNil(FuzzHarness.parse(Array(text.utf8)), text)
            XCTAssertNil(FuzzHarness.evaluate(Array(text.utf8)), text)
        }
    }
}
