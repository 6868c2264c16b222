import Foundation
import XCTest

/// `jac check --program` as a researcher cross-validating hand gradients would run it (second
/// review): the programs are in Tests/Data/programs, standard-library Python, and every expected
/// verdict is derived by hand in the program's docstring or here, never taken from jac's output.
final class ProgramResearchReviewTests: XCTestCase {
    static let programs = ProgramReviewTests.programs

    /// A program that writes its replies through a block buffer it never flushes (C's stdio, or
    /// Python's print without flush=True on a pipe) sends nothing, and jac waits for reply 1 until
    /// the timeout. The message said only that no reply came: the commonest cause of a first
    /// reply that never arrives, and its one-line fix, went unsaid.
    func testAProgramThatNeverFlushesIsToldToFlush() throws {
        let r = try runProgram("misbehave.py buffered", ["--inputs", "2", "--at", "1.5,2", "--timeout", "1"])
        XCTAssertEqual(r.status, 3, r.stderr)
        XCTAssertTrue(r.stderr.contains("no reply to request 1 within 1.0 s"), r.stderr)
        XCTAssertTrue(r.stderr.contains("flush=True"), r.stderr)
        XCTAssertTrue(r.stderr.contains("fflush(stdout)"), r.stderr)
        // A program that answered before and then hangs gets no such hint: its output reached jac.
        let hang = try runProgram("misbehave.py hang", ["--inputs", "2", "--at", "1.5,2", "--timeout", "1"])
        XCTAssertEqual(hang.status, 3, hang.stderr)
        XCTAssertFalse(hang.stderr.contains("flush"), hang.stderr)
    }

    func runProgram(_ script: String, _ arguments: [String]) throws -> JacRunner.Output {
        try JacRunner.requirePython()
        return try JacRunner.run(["check", "--program", "python3 \(Self.programs)/\(script)"] + arguments)
    }
}
