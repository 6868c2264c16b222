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
        let notExercised = try XCTUnwrap(json["mutants_not_exercised"] as? [String])
        XCTAssertEqual(out.status, disagreements > 0 || !survivors.isEmpty || !notExercised.isEmpty ? 1 : 0, out.stderr)
        XCTAssertEqual((json["mutants_planted"] as? Int).map { $0 - survivors.count - notExercised.count }, json["mutants_caught"] as? Int)
        // Not a terminal: no progress bar, only the failure line when it failed.
        XCTAssertFalse(out.stderr.contains("["), out.stderr)
    }

    /// Two graphs (seed 3) use 19 of the 33 ops: a mutant of an op no graph used was never tried.
    /// Those were listed as 112 survivors; now every mutant of an uncovered op is listed as not
    /// exercised and never as a survivor, and the run still fails, saying why and what to do.
    func testMutantsOfOpsNoGraphUsedAreNotExercisedAndFailTheRun() throws {
        let out = try JacRunner.run(["selftest", "--graphs", "2", "--mutations", "--seed", "3", "--format", "json"])
        let object = try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any]
        let json = try XCTUnwrap(object, out.stdout)
        let uncovered = try XCTUnwrap(json["ops_uncovered"] as? [String])
        let survivors = try XCTUnwrap(json["survivors"] as? [String])
        let notExercised = try XCTUnwrap(json["mutants_not_exercised"] as? [String])
        XCTAssertFalse(uncovered.isEmpty, "two graphs cover every op: the case is gone")
        func op(_ mutant: String) -> String { String(mutant.prefix { $0 != " " }) }
        XCTAssertTrue(survivors.allSatisfy { !uncovered.contains(op($0)) }, "\(survivors)")
        for name in uncovered { XCTAssertTrue(notExercised.contains { op($0) == name }, name) }
        let planted = try XCTUnwrap(json["mutants_planted"] as? Int), caught = try XCTUnwrap(json["mutants_caught"] as? Int)
        XCTAssertEqual(caught + survivors.count + notExercised.count, planted)
        XCTAssertEqual(out.status, 1)
        XCTAssertTrue(out.stderr.contains("\(survivors.count) surviving mutant(s), \(notExercised.count) mutant(s) not exercised because their op (or that input of it) appeared in no graph, or changed no mode's Jacobian where it did (raise --graphs)"), out.stderr)

        let table = try JacRunner.run(["selftest", "--graphs", "2", "--mutations", "--seed", "3"])
        XCTAssertTrue(table.stdout.contains("not exercised     \(notExercised.count) (their op or partial appeared in no graph, or changed no mode's Jacobian where it did; raise --graphs)"), table.stdout)
        XCTAssertTrue(table.stdout.hasSuffix("FAIL\n"), table.stdout)
        XCTAssertEqual(table.status, 1)
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
