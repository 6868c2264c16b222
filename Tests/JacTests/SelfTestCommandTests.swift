import Foundation
import XCTest

/// `jac selftest`: the JSON contract, the exit status and option checks.
final class SelfTestCommandTests: XCTestCase {
    func testJSONKeysAndExitStatusFollowTheResult() throws {
        let out = try JacRunner.run(["selftest", "--graphs", "60", "--mutations", "--seed", "7", "--format", "json"])
        let object = try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any]
        let json = try XCTUnwrap(object, out.stdout)
        for key in ["rules_checked", "graphs", "ops_covered", "disagreements", "mutants_planted",
                    "mutants_caught", "survivors", "seed", "seconds"] {
            XCTAssertNotNil(json[key], "missing key \(key)")
        }
        XCTAssertEqual(json["graphs"] as? Int, 60)
        XCTAssertEqual(json["seed"] as? Int, 7)
        // 23 unary ops × 5 mutants + 10 binary ops × 9, less add's swap (its partials are equal).
        XCTAssertEqual(json["mutants_planted"] as? Int, 23 * 5 + 10 * 9 - 1)
        let disagreements = try XCTUnwrap(json["disagreements"] as? Int)
        let survivors = try XCTUnwrap(json["survivors"] as? [String])
        XCTAssertEqual(out.status, disagreements > 0 || !survivors.isEmpty ? 1 : 0, out.stderr)
        XCTAssertEqual((json["mutants_planted"] as? Int).map { $0 - survivors.count }, json["mutants_caught"] as? Int)
        // Not a terminal: no progress bar, only the failure line when it failed.
        XCTAssertFalse(out.stderr.contains("["), out.stderr)
    }

    func testBadOptionsAreStatusTwo() throws {
        XCTAssertEqual(try JacRunner.run(["selftest", "--format", "xml"]).status, 2)
        XCTAssertEqual(try JacRunner.run(["selftest", "--graphs", "0"]).status, 2)
        XCTAssertEqual(try JacRunner.run(["selftest", "--seed", "-1"]).status, 2)
    }

    func testTableNamesTheVerdict() throws {
        let out = try JacRunner.run(["selftest", "--graphs", "20", "--seed", "3"])
        XCTAssertTrue(out.stdout.contains("graphs            20"), out.stdout)
        XCTAssertTrue(out.stdout.hasSuffix(out.status == 0 ? "PASS\n" : "FAIL\n"), out.stdout)
    }
}
