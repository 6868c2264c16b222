import Foundation
import XCTest

/// `jac check --program` on realistic hand-written gradients (Tests/Data/programs: an MLP's
/// backprop, softmax cross-entropy, a stable log-sum-exp, an explicit-Euler adjoint, a ReLU unit
/// at its kink), as a user cross-validating their own code would run it. Every expected verdict
/// is derived by hand in the program's docstring or here, never taken from jac's output.
final class ProgramReviewTests: XCTestCase {
    // MARK: the failure list

    /// mlp.py --transposed flattens dW1 (4 × 3) column-major where the weights are row-major, so
    /// entry 3i + j holds dW1[(3i + j) % 4][(3i + j) / 4]: by hand, x0 (W1[0][0]) and x11 (W1[3][2])
    /// map to themselves and x1 … x10 are wrong at a generic point, 10 entries per point, and no
    /// entry from x11 on. Each point's 21 coordinates were repeated on every entry's line (20
    /// lines of 21 numbers each), and the 20-line cut dropped the third point's entries without
    /// a word.
    func testWrongEntriesAreListedUnderTheirPointOnceAndTheCutIsCounted() throws {
        let r = try runProgram("mlp.py --transposed", ["--inputs", "21", "--domain", "x0=[-1,1]", "--samples", "3", "--seed", "5"])
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("wrong at 30 entries"), r.stderr)
        for k in 1...2 {
            XCTAssertEqual(r.stderr.components(separatedBy: "point \(k) (x0 = ").count - 1, 1, r.stderr)
        }
        XCTAssertEqual(r.stderr.components(separatedBy: "∂f1/∂x1 (entry (0, 1)").count - 1, 2, r.stderr)
        XCTAssertTrue(r.stderr.contains("… and 10 more at 1 point"), r.stderr)
        for j in [0] + Array(11...20) { XCTAssertFalse(r.stderr.contains("∂f1/∂x\(j) (entry"), "x\(j): " + r.stderr) }
    }

    // MARK: helpers

    static let programs: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Data/programs").path

    func runProgram(_ script: String, _ arguments: [String]) throws -> JacRunner.Output {
        try JacRunner.requirePython()
        return try JacRunner.run(["check", "--program", "python3 \(Self.programs)/\(script)"] + arguments)
    }
}
