import Foundation
import XCTest

/// Defects a user trial of `jac` found (session 11, trial M). Each test fails on the code before its
/// fix; expected values are hand derivations or the mpmath values named in the comments.
final class TrialMFindingsTests: XCTestCase {
    private func json(_ text: String, file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
        return try XCTUnwrap(object as? [String: Any], "not a JSON object: \(text)", file: file, line: line)
    }

    /// The automatic complex step is relative to |x|: at x = 1e25 it was h ≈ 1e5, so sin(x + ih)
    /// overflowed (cosh(1e5)) and `--mode complex-step` failed with status 3, "non-finite output
    /// 0", although sin(1e25) is finite; `jac check` lost the complex-step witness and ended
    /// fd-inconclusive. A step at scale 1 (1e-20) gives cos(x) to the last digit.
    func testComplexStepAtALargeArgumentDoesNotOverflow() throws {
        // cos(10000000000000000905969664), the Double nearest 1e25, by mpmath at 60 digits:
        // 0.952269749313008926305195470824010980977383529855...
        let expected = 0.952269749313008926305195470824
        let r = try JacRunner.run(["jacobian", "sin(x)", "--at", "x=1e25", "--mode", "complex-step", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let object = try json(r.stdout)
        let jacobian = try XCTUnwrap(object["jacobian"] as? [[Double]])
        XCTAssertEqual(jacobian[0][0], expected, accuracy: 4e-16, r.stdout)

        // exp(x)·x at 1e3 overflows for real, so that stays an evaluation failure (status 3).
        let overflow = try JacRunner.run(["jacobian", "exp(x)*x", "--at", "x=1e3", "--mode", "complex-step"])
        XCTAssertEqual(overflow.status, 3, overflow.stderr)
    }

    /// With the complex-step witness back, the check at a large argument decides instead of
    /// calling the entry fd-inconclusive (status 1).
    /// sin(x) + x there was worse: central, adaptive and Richardson all see only x (sin is below
    /// f's rounding, 2³¹ at 1e25) and agree on 1.0, so without the complex step the check said
    /// rule-wrong about the right cos x + 1. The complex step now contradicts them, and those
    /// differences are unreliable where a sin argument moves by more than a radian over their
    /// step ("aliased"), so the complex step decides: agree.
    func testCheckAtALargeArgumentHasItsComplexStepWitness() throws {
        let r = try JacRunner.run(["check", "sin(x)", "--at", "x=1e25"])
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        XCTAssertTrue(r.stdout.contains("complex-step"), r.stdout)

        let sum = try JacRunner.run(["check", "sin(x) + x", "--at", "x=1e25", "--format", "json"])
        let object = try json(sum.stdout)
        XCTAssertNotEqual(object["verdict"] as? String, "rule-wrong", sum.stdout)
        XCTAssertEqual(object["verdict"] as? String, "agree", sum.stdout)
        XCTAssertTrue(sum.stdout.contains("aliased"), sum.stdout)
    }

    /// `jac complexity` ran one of its three jobs and ignored the options of the others with status
    /// 0: `--jacobian-modes 3,2 --plot p.svg` wrote no plot, `--format csv` printed the table,
    /// `--swell` beside `--jacobian-modes` dropped the latter, and `--depth 3` with a depth sweep
    /// (which fixes the width, not the depth) was silently unused. `--depths` in a width sweep
    /// already said "--depths belongs to --sweep depth"; these now say as much, with status 2.
    func testComplexityRejectsOptionsItWouldIgnore() throws {
        let plot = try JacRunner.temporaryFile("", name: "trialM-modes.svg")
        try? FileManager.default.removeItem(atPath: plot)
        let cases: [([String], String)] = [
            (["--jacobian-modes", "3,2", "--plot", plot], "--plot"),
            (["--jacobian-modes", "3,2", "--format", "csv"], "csv"),
            (["--jacobian-modes", "3,2", "--depths", "1,2"], "--depths"),
            (["--swell", "2,4", "--jacobian-modes", "3,2"], "--jacobian-modes"),
            (["--swell", "2,4", "--batch", "3"], "--batch"),
            (["--depths", "1,2", "--depth", "3"], "--depth"),
            (["--sweep", "width", "--widths", "2,4", "--width", "3"], "--width"),
        ]
        for (arguments, named) in cases {
            let r = try JacRunner.run(["complexity"] + arguments)
            XCTAssertEqual(r.status, 2, "\(arguments): \(r.stdout)\(r.stderr)")
            XCTAssertTrue(r.stderr.contains(named), "\(arguments): \(r.stderr)")
            XCTAssertTrue(r.stdout.isEmpty, "\(arguments): \(r.stdout)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: plot))
        // What each job does take still runs.
        let modes = try JacRunner.run(["complexity", "--jacobian-modes", "3,2", "--format", "json"])
        XCTAssertEqual(modes.status, 0, modes.stderr)
        _ = try json(modes.stdout)
    }

    /// `jac diff "x*y" --wrt x,x` printed df/dx twice (and "wrt": ["x", "x"] in JSON, a Hessian
    /// with four entries for one variable), while `--vars x,x` is an error.
    func testDiffRejectsAVariableListedTwiceInWrt() throws {
        for extra in [[String](), ["--order", "2"], ["--format", "json"]] {
            let r = try JacRunner.run(["diff", "x*y", "--wrt", "x, x"] + extra)
            XCTAssertEqual(r.status, 2, r.stdout + r.stderr)
            XCTAssertEqual(r.stderr, "error: --wrt lists 'x' twice\n")
        }
        // Another order is a choice, not a repeat: d(xy)/dy = x, d(xy)/dx = y.
        let r = try JacRunner.run(["diff", "x*y", "--wrt", "y,x"])
        XCTAssertEqual(r.stdout, "df/dy = x\ndf/dx = y\n", r.stderr)
    }

    /// LaTeX output defined an intermediate as `t1 &= …` and used it as `t_{1}`: rendered, the
    /// definition reads "t1" and every use "t₁", two different symbols.
    func testLatexDefinesIntermediatesUnderTheNameItUses() throws {
        // d/dx 2/sin(e^(−x)) = 2·e^(−x)·cos(e^(−x))/sin(e^(−x))² (hand, chain rule); e^(−x) is shared.
        let r = try JacRunner.run(["diff", "2/sin(exp(-x))", "--format", "latex"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = r.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "t_{1} &= \\exp\\left(-x\\right) \\\\", r.stdout)
        XCTAssertTrue(lines.dropFirst().allSatisfy { !$0.contains("t1") }, r.stdout)
        XCTAssertTrue(lines.last?.contains("t_{1}") ?? false, r.stdout)
        // Text and Swift keep the plain name they use.
        let text = try JacRunner.run(["diff", "2/sin(exp(-x))"])
        XCTAssertTrue(text.stdout.hasPrefix("t1 = exp(-x)\n"), text.stdout)
    }
}
