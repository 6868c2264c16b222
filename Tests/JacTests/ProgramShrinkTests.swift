import Foundation
import XCTest

/// Shrinking a failing random point of `jac check --program`: what it costs in requests to the
/// user's program (each one a process round-trip) and what it reports. The fixture,
/// Tests/Data/programs/cross_term.py, logs every request, so the tests count them and see which
/// inputs each check moved. Every expected point, entry and bound is derived by hand from the
/// fixture's bug, never taken from jac's output.
final class ProgramShrinkTests: XCTestCase {
    static let program = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Data/programs/cross_term.py").path

    /// The requests as the program logged them: the point and whether a Jacobian was asked for.
    struct LoggedRequest {
        let x: [Double]
        let wantsJacobian: Bool
    }

    func readLog(_ path: String) throws -> [LoggedRequest] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { line in
            let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let x = try XCTUnwrap(object["x"] as? [Double], String(line))
            return LoggedRequest(x: x, wantsJacobian: object["want"] as? String == "jacobian")
        }
    }

    /// `jac check --program` of cross_term.py (with `options`) at one seeded random point of its 12
    /// inputs, which fails (status 1), and the file the program logged its requests to.
    func runCrossTerm(options: String = "") throws -> (JacRunner.Output, String) {
        try JacRunner.requirePython()
        let log = try JacRunner.temporaryFile("", name: "cross-term-\(UUID().uuidString).jsonl")
        let r = try JacRunner.run(["check", "--program", "python3 \(Self.program) \(options) --log \(log)", "--inputs", "12",
                                   "--samples", "1", "--seed", "1"])
        XCTAssertEqual(r.status, 1, r.stderr)
        return (r, log)
    }

    /// The shrink's report in `stderr`: its first line ("shrunk (N requests) to x0 = …, still wrong
    /// at K entries:") and, per entry line below it, the program's value and the witness's.
    static func shrunkReport(_ stderr: String) throws -> (header: String, entries: [(line: String, program: Double, witness: Double)]) {
        let lines = stderr.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let start = try XCTUnwrap(lines.firstIndex { $0.hasPrefix("  shrunk (") }, stderr)
        func number(after key: String, in line: String) throws -> Double {
            let r = try XCTUnwrap(line.range(of: key), line)
            return try XCTUnwrap(Double(line[r.upperBound...].prefix { !$0.isWhitespace && $0 != "," && $0 != "(" }), line)
        }
        let entries = try lines[(start + 1)...].prefix { $0.hasPrefix("    ∂") }.map { line in
            (line, try number(after: "program ", in: line), try number(after: " gives ", in: line))
        }
        return (lines[start], entries)
    }

    /// The shrink header's point as printed: each x-name with its value, then the `--at=` that
    /// reruns it, the same values in input order.
    static func printed(_ point: [Double]) -> String {
        point.enumerated().map { "x\($0) = \($1)" }.joined(separator: ", ")
            + " (to rerun it: --at=" + point.map { "\($0)" }.joined(separator: ",") + ")"
    }

    /// At a shrunk point with x3 = 1 and x5 … x11 = 0, cross_term.py claims exp(0)/(j + 1) for the
    /// four wrong columns j, and f's slope is that + x3 = that + 1 (by hand, from its formula).
    func assertCrossTermEntries(_ stderr: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let entries = try Self.shrunkReport(stderr).entries
        XCTAssertEqual(entries.count, 4, stderr, file: file, line: line)
        for (e, j) in zip(entries, [5, 7, 9, 11]) {
            XCTAssertTrue(e.line.contains("∂f0/∂x\(j):"), e.line, file: file, line: line)
            XCTAssertEqual(e.program, 1 / Double(j + 1), accuracy: 1e-15, e.line, file: file, line: line)
            XCTAssertEqual(e.witness, 1 / Double(j + 1) + 1, accuracy: 1e-6, e.line, file: file, line: line)
        }
    }

    /// The number after `prefix` in `text` ("shrunk (2564 requests)" → 2564).
    func count(after prefix: String, in text: String) throws -> Int {
        let range = try XCTUnwrap(text.range(of: prefix), "no '\(prefix)' in: " + text)
        return try XCTUnwrap(Int(text[range.upperBound...].prefix { $0.isNumber }), text)
    }

    /// cross_term.py leaves x3 out of ∂f/∂x5, ∂f/∂x7, ∂f/∂x9 and ∂f/∂x11: those four columns are
    /// wrong by x3 wherever x3 ≠ 0 and right where x3 = 0; the other eight are right everywhere.
    ///
    /// The shrunk point, by hand. Every input is real ([-2, 2]), so the first candidate tried for
    /// each is 0. x0, x1, x2 → 0 keep x3 (drawn, nonzero) and so the four wrong columns. x3 → 0
    /// makes every entry right and is refused; x3 → 1 keeps the four columns wrong by 1. Then x4
    /// … x11 → 0, the error still x3 = 1. So (0, 0, 0, 1, 0, …, 0), wrong at ∂f1/∂x5, ∂f1/∂x7,
    /// ∂f1/∂x9 and ∂f1/∂x11 (true eˣ/(j+1) + 1 at 0, claimed 1/(j+1)): what the shrink that
    /// checked every column of every candidate reported, and what the shrink judging candidates
    /// on the wrong columns must report, all four entries, though it needs only one to accept.
    ///
    /// The bound, by hand. 13 candidates are tried (one per input, two for x3), 12 of them
    /// failing. Checking every column, each failing candidate cost a whole check of a point where
    /// the same four columns are convicted, about what the first point's check cost (N, printed
    /// as "requests: N for this point"): 12·N in all (measured before this change: 7,916 requests
    /// against N = 643). A failing candidate judged on its wrong columns is accepted as soon as
    /// one of them is convicted: one column's conviction and the probes at the point, about N/4
    /// (the four wrong columns cost alike, and most of N; the eight right ones settle on the
    /// first rung at 4 requests each). The refused candidate (x3 = 0) is judged on the four
    /// columns, where every one agrees on the first rung: a few requests each. The shrunk point
    /// is then confirmed by one whole check, about N. So about 12·N/4 + N = 4N, and 6·N (half of
    /// what every column cost) leaves room for the candidates' costs to vary while failing
    /// the whole-check shrink by a factor of 2.
    func testShrinkJudgesCandidatesOnTheWrongColumnsAndConfirmsTheShrunkPointWhole() throws {
        let (r, log) = try runCrossTerm()
        XCTAssertTrue(r.stderr.contains("the program's Jacobian is wrong at 4 entries"), r.stderr)
        let shrunk = Self.printed((0..<12).map { $0 == 3 ? 1 : 0 })
        XCTAssertTrue(try Self.shrunkReport(r.stderr).header.hasSuffix(") to " + shrunk + ", still wrong at 4 entries:"), r.stderr)
        try assertCrossTermEntries(r.stderr)

        let pointCost = try count(after: "requests: ", in: r.stdout)
        let shrinkCost = try count(after: "shrunk (", in: r.stderr)
        XCTAssertLessThan(shrinkCost, 6 * pointCost, "shrinking cost \(shrinkCost) requests; the point's check \(pointCost)")

        // The log holds the first point's check, then the shrink: each candidate (and the closing
        // confirmation) starts with its Jacobian request at the candidate point, and every probe
        // of its check moves some inputs away from that point.
        let requests = try readLog(log)
        XCTAssertEqual(requests.count, pointCost + shrinkCost, "the program's own count of requests")
        var blocks: [(point: [Double], moved: Set<Int>)] = []
        for request in requests.dropFirst(pointCost) {
            if request.wantsJacobian {
                blocks.append((request.x, []))
            } else if let last = blocks.indices.last {
                let moved = request.x.indices.filter { request.x[$0] != blocks[last].point[$0] }
                blocks[last].moved.formUnion(moved)
            } else {
                XCTFail("the shrink's first request is not a Jacobian request")
            }
        }
        // 13 candidates and one confirmation, by hand as above.
        XCTAssertEqual(blocks.count, 14, blocks.map(\.point).description)
        let wrongColumns: Set<Int> = [5, 7, 9, 11]
        let strays = blocks.dropLast().filter { !$0.moved.isSubset(of: wrongColumns) }
        XCTAssertEqual(strays.count, 0, "candidates whose check moved a right column: "
                       + strays.map { "\($0.moved.sorted()) at \($0.point)" }.joined(separator: "; "))
        let confirmation = try XCTUnwrap(blocks.last)
        XCTAssertEqual(confirmation.point, (0..<12).map { $0 == 3 ? 1.0 : 0.0 })
        XCTAssertEqual(confirmation.moved, Set(0..<12), "the shrunk point is confirmed on every column")
    }

    /// cross_term.py --kink adds |x0| to f (its claimed ∂/∂x0 sign(x0), a subgradient at 0). By
    /// hand: judged on the four wrong columns with x0 held, x0 → 0 is accepted (no kink moves
    /// with them), and the pass reaches (0, 0, 0, 1, 0, …, 0) in 12 steps (x3 → 0 refused as
    /// before). There f has a kink along x0, so the whole check holds the four columns to no
    /// gradient and convicts nothing; so does every point after the first step, all at x0 = 0.
    /// The first step is undone and the pass resumes at x0's next candidate, 1: (1, 0, 0, 1, 0,
    /// …, 0), wrong at the same four entries (the shrink checking every column refused x0 = 0
    /// and reached it directly).
    ///
    /// Whole checks, by hand: one of the pass's last point, bisection over the 13 points reached
    /// (x convicted, the last not) with probes at 6, 3 and 1 (lo 0, hi 12 → 6 → 3 → 1), and one
    /// of the second pass's last point: 5. Checking the points newest first instead took one per
    /// step back to x, 14 in all.
    func testAStepOntoAKinkIsFoundByBisectionAndUndone() throws {
        let (r, log) = try runCrossTerm(options: "--kink")
        let shrunk = Self.printed((0..<12).map { $0 == 0 || $0 == 3 ? 1 : 0 })
        XCTAssertTrue(try Self.shrunkReport(r.stderr).header.hasSuffix(") to " + shrunk + ", still wrong at 4 entries:"), r.stderr)
        try assertCrossTermEntries(r.stderr)
        let pointCost = try count(after: "requests: ", in: r.stdout)
        var wholeChecks = 0, moved = Set<Int>(), center: [Double]?
        for request in try readLog(log).dropFirst(pointCost) {
            if request.wantsJacobian {
                if moved.count == 12 { wholeChecks += 1 }
                (moved, center) = ([], request.x)
            } else if let center {
                moved.formUnion(request.x.indices.filter { request.x[$0] != center[$0] })
            }
        }
        if moved.count == 12 { wholeChecks += 1 }
        XCTAssertEqual(wholeChecks, 5, "whole checks while shrinking")
    }

    /// misbehave.py relieved: f0 = |x0| + exp(x1) with ∂f0/∂x1 claimed 2·exp(x1), wrong
    /// everywhere. By hand, the shrink that checked every column of every candidate: x0 → 0 puts
    /// the point on f0's kink, where that check leaves x1's entry undecided (a generalized
    /// gradient's entry need not be the slope along x1), so 0 is refused and x0 → 1 taken; then
    /// x1 → 0 (the claim 2 against 1): (1, 0), wrong at ∂f1/∂x1. Judged on column x1 alone, with
    /// x0 held, f0 shows no kink: x0 = 0 is accepted, then x1 = 0, and the whole check of (0, 0)
    /// convicts nothing, nor of (0, x1 as drawn). Reporting either would show a point that does
    /// not fail; giving up would lose the shrink. The step x0 → 0 is undone and the pass resumes
    /// at x0's next candidate, reaching (1, 0) as before. With two inputs every candidate is now
    /// checked whole (``ProgramCheckCommand/shrinkWholeCheckInputs``), so x0 = 0 is refused at once.
    func testAPointTheWholeCheckDoesNotConfirmIsUndoneAndTheNextCandidateTried() throws {
        try JacRunner.requirePython()
        let r = try JacRunner.run(["check", "--program", "python3 \(CrossValidationTests.programs)/misbehave.py relieved",
                                   "--inputs", "2", "--samples", "1", "--seed", "1"])
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("wrong at 1 entry"), r.stderr)
        // At (1, 0): claimed 2·exp(0) = 2, f0's slope along x1 exp(0) = 1.
        let shrunk = try Self.shrunkReport(r.stderr)
        XCTAssertTrue(shrunk.header.hasSuffix(") to " + Self.printed([1, 0]) + ", still wrong at 1 entry:"), r.stderr)
        XCTAssertEqual(shrunk.entries.count, 1, r.stderr)
        XCTAssertTrue(shrunk.entries.first?.line.contains("∂f0/∂x1:") == true, r.stderr)
        XCTAssertEqual(shrunk.entries.first?.program ?? .nan, 2, accuracy: 1e-15, r.stderr)
        XCTAssertEqual(shrunk.entries.first?.witness ?? .nan, 1, accuracy: 1e-6, r.stderr)
    }
}
