import Foundation
import XCTest

/// `jac check --program` on a solver stopped at a tolerance (Tests/Data/programs/newton_root.py:
/// Newton on x³ + a·x − b = 0 from x = 1, stopped at |residual| ≤ 10⁻⁸, claiming the
/// implicit-function gradient (−x, 1)/(3x² + a) at its computed root).
final class ProgramToleranceTests: XCTestCase {
    static let programs = ProgramReviewTests.programs

    func run(_ script: String, _ arguments: [String]) throws -> JacRunner.Output {
        try JacRunner.requirePython()
        return try JacRunner.run(["check", "--program", "python3 \(Self.programs)/\(script)"] + arguments)
    }

    /// At (2.5, 3) Newton iterates, and its computed root is within 10⁻⁸/(3x² + 2.5) ≈ 2·10⁻⁹ of the
    /// true one, so the claim of the converged root's gradient is a few 10⁻⁹ relative from the
    /// program's own slope, which the differences resolve: rule-wrong, with the small-gap note.
    /// That note told a jac user to set `options.rtol`, which jac had no way to set; it now names
    /// `--rtol`, and with it the same point passes, while a forgotten variable (0 for −x/(3x² + a),
    /// by hand −0.1826 at the computed root) is still convicted at that tolerance.
    func testTheSmallGapNoteNamesAnRtolThatJacAccepts() throws {
        let strict = try run("newton_root.py", ["--inputs", "2", "--at=2.5,3"])
        XCTAssertEqual(strict.status, 1, strict.stderr)
        XCTAssertTrue(strict.stdout.contains("off by at most") && strict.stdout.contains("--rtol"), strict.stdout)
        let accepted = try run("newton_root.py", ["--inputs", "2", "--at=2.5,3", "--rtol", "1e-7"])
        XCTAssertEqual(accepted.status, 0, accepted.stdout + accepted.stderr)
        XCTAssertTrue(accepted.stdout.contains("verdict: agree"), accepted.stdout)
        let forgot = try run("newton_root.py --forget", ["--inputs", "2", "--at=2.5,3", "--rtol", "1e-7"])
        XCTAssertEqual(forgot.status, 1, forgot.stderr)
        XCTAssertTrue(forgot.stderr.contains("∂f0/∂x0:") && forgot.stderr.contains("rule-wrong, program 0.0"), forgot.stderr)
        XCTAssertFalse(forgot.stderr.contains("∂f0/∂x1:"), forgot.stderr)
    }

    /// At (2, 3) the start x = 1 is the root, so the program is exactly 1 wherever the residual
    /// δa − δb stays within 10⁻⁸: the forgotten variable's claimed 0 is the slope of that band.
    /// It passed; now it is not confirmed (exit 1, "not confirmed", flat-below-scale), and the
    /// right gradient (−1/5, 1/5) still passes.
    func testAForgottenVariableAtTheSolversStartIsNotConfirmed() throws {
        let forgot = try run("newton_root.py --forget", ["--inputs", "2", "--at=2,3"])
        XCTAssertEqual(forgot.status, 1, forgot.stderr)
        XCTAssertTrue(forgot.stdout.contains("fd-inconclusive (flat-below-scale)"), forgot.stdout)
        XCTAssertTrue(forgot.stderr.contains("not confirmed"), forgot.stderr)
        let right = try run("newton_root.py", ["--inputs", "2", "--at=2,3"])
        XCTAssertEqual(right.status, 0, right.stdout + right.stderr)
    }

    func testToleranceOptionsRefuseNonsense() throws {
        // At --rtol 1 the forgotten variable's 0 would pass (|0 − w| ≤ 1·|w|), so it is refused.
        for bad in [["--rtol", "nan"], ["--rtol=-1"], ["--rtol", "1"], ["--rtol", "inf"]] {
            let r = try run("newton_root.py --forget", ["--inputs", "2", "--at=2.5,3"] + bad)
            XCTAssertEqual(r.status, 2, "\(bad): " + r.stderr)
            XCTAssertTrue(r.stderr.contains("--rtol must be at least 0 and below 1"), r.stderr)
        }
    }
}
