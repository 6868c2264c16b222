import Foundation
import XCTest

/// `jac check --program` at a sample near the top of Double's range: a difference step from
/// 1.6·10³⁰⁸ overflows, and jac sent that coordinate as JSON `null` (JSON has no ∞). The program
/// failed on it, and jac blamed the program ("exited with status 1 … if f is undefined there,
/// reply NaN"), exit 3. Such a probe is now answered NaN without asking, as a formula at an
/// infinite input is, and the program sees numbers only.
final class ProgramFiniteRequestTests: XCTestCase {
    static let program = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Data/programs/numbers_only.py").path

    func testAProbePastTheRangeIsNotSentToTheProgram() throws {
        try JacRunner.requirePython()
        let log = try JacRunner.temporaryFile("", name: "numbers-only-\(UUID().uuidString).jsonl")
        let r = try JacRunner.run(["check", "--program", "python3 \(Self.program) --log \(log)", "--inputs", "2",
                                   "--at", "1.6014093621951073e308,-0.22256313177691167"])
        XCTAssertFalse(r.stderr.contains("exited with status"), r.stderr)
        XCTAssertNotEqual(r.status, 3, r.stderr)
        let requests = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n")
        XCTAssertGreaterThan(requests.count, 10)
        for line in requests {
            let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let x = try XCTUnwrap(object["x"] as? [Any], String(line))
            XCTAssertTrue(x.allSatisfy { ($0 as? Double)?.isFinite == true }, "sent \(line)")
        }
        // f₀ = x₀x₁: ∂/∂x₀ = x₁ and ∂/∂x₁ = x₀ by hand; the program claims exactly these, and
        // the differences along x₀ (steps of ~10²⁹⁸, some of whose probes overflow) confirm them.
        let table = r.stdout.split(separator: "\n")
        XCTAssertTrue(table.contains { $0.hasPrefix("f0   x0 ") && $0.hasSuffix("agree") }, r.stdout)
        XCTAssertTrue(table.contains { $0.hasPrefix("f0   x1 ") && $0.hasSuffix("agree") }, r.stdout)
    }
}
