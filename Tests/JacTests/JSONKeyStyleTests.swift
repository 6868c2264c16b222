import Foundation
import XCTest

/// Every key jac prints in JSON is snake_case. `jac sweep` and the library reports inside
/// `jac check` (its `library_report`, `--claimed`'s and `--program`'s reports) printed the
/// library's camelCase keys, so a script read `error_estimate` from one command and
/// `errorEstimate` from the next.
final class JSONKeyStyleTests: XCTestCase {
    /// Keys holding an upper-case letter anywhere in the tree, with their paths.
    private func camelKeys(_ value: Any, path: String = "") -> [String] {
        if let object = value as? [String: Any] {
            return object.flatMap { key, inner -> [String] in
                let here = path + "." + key
                return (key.contains { $0.isUppercase } ? [here] : []) + camelKeys(inner, path: here)
            }
        }
        if let array = value as? [Any] { return array.enumerated().flatMap { camelKeys($1, path: path + "[\($0)]") } }
        return []
    }

    /// One JSON document per line (several points) or one pretty document.
    private func documents(_ text: String) throws -> [Any] {
        if let whole = try? JSONSerialization.jsonObject(with: Data(text.utf8)) { return [whole] }
        return try text.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) }
    }

    private func assertSnakeCase(_ arguments: [String], statuses: Set<Int32> = [0], file: StaticString = #filePath, line: UInt = #line) throws {
        let r = try JacRunner.run(arguments + ["--format", "json"])
        XCTAssertTrue(statuses.contains(r.status), "\(arguments): status \(r.status)\n\(r.stderr)", file: file, line: line)
        let docs = try documents(r.stdout)
        XCTAssertFalse(docs.isEmpty, "\(arguments): no JSON", file: file, line: line)
        let bad = docs.flatMap { camelKeys($0) }
        XCTAssertEqual(bad, [], "\(arguments) prints keys not in snake_case", file: file, line: line)
    }

    func testEveryFormulaCommandPrintsSnakeCaseKeys() throws {
        try assertSnakeCase(["eval", "sin(x)*y", "--at", "x=1,y=2"])
        try assertSnakeCase(["jacobian", "sin(x)*y", "--at", "x=1,y=2"])
        try assertSnakeCase(["jacobian", "sin(x)*y; x", "--at", "x=1,y=2", "--sparse"])
        try assertSnakeCase(["hessian", "sin(x)*y", "--at", "x=1,y=2"])
        try assertSnakeCase(["diff", "sin(x)*y", "--at", "x=1,y=2"])
    }

    func testTheChecksAndTheSweepPrintSnakeCaseKeys() throws {
        // The library report inside jac check: absError, errorEstimate, witnessValue, scalarType … before.
        try assertSnakeCase(["check", "sin(x)*y", "--at", "x=1,y=2"])
        let claimed = try JacRunner.temporaryFile("[[1.0806046117362795, 0.8414709848078965]]", name: "claimed-keys.json")
        try assertSnakeCase(["check", "sin(x)*y", "--at", "x=1,y=2", "--claimed", claimed])
        // The sweep: fitSteps, noSlopeReason, theoreticalOrder, referenceRoundingBound … before.
        try assertSnakeCase(["sweep", "sin(x)", "--at", "x=1"])
        try assertSnakeCase(["selftest", "--graphs", "5", "--seed", "3"])
    }

    func testAProgramCheckPrintsSnakeCaseKeys() throws {
        try JacRunner.requirePython()
        try assertSnakeCase(["check", "--program", "python3 \(CrossValidationTests.programs)/logistic.py --sign-error",
                             "--inputs", "3", "--samples", "2", "--seed", "1"], statuses: [1])
    }
}
