import Foundation
import XCTest

/// A kink whose arguments are built from constants alone is no kink of f: the conventional partial
/// multiplies a tangent that is exactly 0 in every mode, and every nearby point takes the same
/// piece. `jac diff "0^x" --at x=0.7` said pow's "∂x at a zero base … is +∞" had been used, of a
/// base that is the literal 0, and called the printed 0 "a convention, not a derivative".
final class ConstantKinkNoteTests: XCTestCase {
    /// 0^x = 0 for every x > 0 (by hand), so d/dx = 0 near 0.7 and the printed 0 is the derivative.
    func testPowOfAConstantZeroBaseGetsNoSingularNote() throws {
        let diff = try JacRunner.run(["diff", "0^x", "--at", "x=0.7"])
        XCTAssertEqual(diff.status, 0, diff.stderr)
        XCTAssertEqual(diff.stdout, "df/dx = 0    (= 0.0)\n")
        XCTAssertFalse(diff.stderr.contains("kink touched"), diff.stderr)
        for mode in ["forward", "reverse"] {
            for sparse in [[], ["--sparse"]] {
                let r = try JacRunner.run(["jacobian", "0^x", "--at", "x=0.7", "--mode", mode, "--format", "json"] + sparse)
                XCTAssertEqual(r.status, 0, r.stderr)
                XCTAssertTrue(r.stdout.contains(sparse.isEmpty ? "\"jacobian\": [[0.0]]" : "\"entries\": [[0, 0, 0.0]]"), r.stdout)
                XCTAssertFalse(r.stderr.contains("kink touched"), "\(mode) \(sparse): \(r.stderr)")
            }
        }
        let h = try JacRunner.run(["hessian", "0^x", "--at", "x=0.7"])
        XCTAssertEqual(h.status, 0, h.stderr)
        XCTAssertFalse(h.stderr.contains("kink touched"), h.stderr)
    }

    /// abs(0)·x + x = x (by hand, d/dx = 1): abs's kink at its constant argument is not one of f.
    func testAKinkOfAConstantSubexpressionGetsNoNote() throws {
        let r = try JacRunner.run(["jacobian", "abs(0)*x + x", "--at", "x=0.5", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("\"jacobian\": [[1.0]]"), r.stdout)
        XCTAssertFalse(r.stderr.contains("kink touched"), r.stderr)
    }

    /// Guards: a kink whose argument moves with an input keeps its note, with a constant beside it
    /// (max(x, 0) at 0 is relu) or as pow's base ((x² + y²)^0.5 at the origin is √ at 0: forward
    /// mode's [0, 0] is the convention 0·∞ = 0). And pow's base is what counts, not its exponent:
    /// x^y at (0, 0.5) keeps it, 0^x above does not.
    func testKinksThatMoveWithAnInputKeepTheirNote() throws {
        let relu = try JacRunner.run(["jacobian", "max(x, 0)", "--at", "x=0"])
        XCTAssertEqual(relu.status, 0, relu.stderr)
        XCTAssertTrue(relu.stderr.contains("note: kink touched: max"), relu.stderr)
        let root = try JacRunner.run(["jacobian", "(x^2 + y^2)^0.5", "--at", "x=0,y=0", "--mode", "forward", "--format", "json"])
        XCTAssertEqual(root.status, 0, root.stderr)
        XCTAssertTrue(root.stdout.contains("\"jacobian\": [[0.0, 0.0]]"), root.stdout)
        XCTAssertTrue(root.stderr.contains("note: kink touched: pow at 0.0, 0.5; "), root.stderr)
        let both = try JacRunner.run(["jacobian", "(x^2)^y + 0^y", "--at", "x=0,y=0.5", "--mode", "forward"])
        XCTAssertEqual(both.status, 0, both.stderr)
        XCTAssertEqual(both.stderr.components(separatedBy: "kink touched").count - 1, 1, both.stderr)
    }
}
