import Foundation
import XCTest

/// At √0 (√′ = +∞) forward and reverse mode meet 0·∞ in different places: a zero tangent or
/// cotangent reaching the singular point adds 0, a zero factor after it gives NaN. So
/// sqrt(x² + y²) at (0, 0) is [0, 0] forward (hypot's convention ∇ = (0, 0)) and NaN reverse, and
/// sqrt(x)·0 + y at x = 0 is [0, 1] reverse (the term is identically 0 for x ≥ 0) and NaN forward.
/// Neither prints a wrong number; these tests hold that each says what happened in words.
final class SingularPointTests: XCTestCase {
    /// Forward mode named the entry by a row-major index ("non-finite Jacobian entry 0") and no op.
    func testForwardNaNNamesTheEntryTheSingularPointAndTheOtherMode() throws {
        let r = try JacRunner.run(["jacobian", "sqrt(x)*0 + y", "--at", "x=0,y=1", "--mode", "forward"])
        XCTAssertEqual(r.status, 3)
        XCTAssertEqual(r.stdout, "")
        XCTAssertTrue(r.stderr.hasPrefix("error: evaluation failed: df/dx is NaN in forward mode at a singular point: sqrt at 0.0 "), r.stderr)
        XCTAssertTrue(r.stderr.contains("(0·∞)"), r.stderr)
        XCTAssertTrue(r.stderr.contains("jac check compares the modes"), r.stderr)
        // The other mode prints the one-sided value, with the note that says it is a convention.
        let reverse = try JacRunner.run(["jacobian", "sqrt(x)*0 + y", "--at", "x=0,y=1", "--mode", "reverse", "--format", "json"])
        XCTAssertEqual(reverse.status, 0, reverse.stderr)
        XCTAssertTrue(reverse.stdout.contains("\"jacobian\": [[0.0, 1.0]]"), reverse.stdout)
        XCTAssertTrue(reverse.stderr.contains("only zero tangents or cotangents reached it (0·∞ taken as 0)"), reverse.stderr)
    }

    /// Reverse mode named an input and a tape node ("input 0: first produced by sqrt at node 5").
    func testReverseNaNNamesTheEntryAndCountsTheOthers() throws {
        for command in [["jacobian"], ["hessian"]] {
            let r = try JacRunner.run(command + ["sqrt(x^2 + y^2)", "--at", "x=0,y=0"])
            XCTAssertEqual(r.status, 3, "\(command)")
            XCTAssertTrue(r.stderr.hasPrefix("error: evaluation failed: df/dx is NaN in reverse mode (and 1 more entry not finite) "
                                             + "at a singular point: sqrt (node 5) at 0.0 "), r.stderr)
            XCTAssertTrue(r.stderr.contains("the other mode"), r.stderr)
        }
    }

    /// The printed [0, 0] said it "uses the convention sqrt′(0) = +∞" and nothing else.
    func testAFiniteResultAtASingularPointSaysWhyItIsFinite() throws {
        let r = try JacRunner.run(["jacobian", "sqrt(x^2 + y^2)", "--at", "x=0,y=0", "--mode", "forward", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("\"jacobian\": [[0.0, 0.0]]"), r.stdout)
        XCTAssertTrue(r.stderr.hasPrefix("note: kink touched: sqrt at 0.0; "), r.stderr)
        XCTAssertTrue(r.stderr.contains("a convention, not a derivative, and the other mode may report this point as not finite"), r.stderr)
    }

    /// Beside that kink note, two notes said rounding moved df/dx = 0.0 and df/dy = 0.0 by an
    /// amount that "could not be bounded": nothing rounds there (x² + y² is exactly 0), the
    /// entries are the convention the kink note names. jac check dropped the same note where a
    /// mode is not finite (cdb38e9). An output that does not reach the singular point keeps its
    /// note: (exp(y) − 1)/y at 1e-9 is 1 + y/2 + … by hand, and Double's rounding of exp(y) − 1
    /// gives ∂/∂y far from 0.5.
    func testNoRoundingNoteOnARowThatReachedASingularPoint() throws {
        let r = try JacRunner.run(["jacobian", "sqrt(x^2 + y^2)", "--at", "x=0,y=0", "--mode", "forward"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.hasPrefix("note: kink touched: sqrt at 0.0; "), r.stderr)
        XCTAssertFalse(r.stderr.contains("unreliable"), r.stderr)
        XCTAssertEqual(r.stderr.components(separatedBy: "note:").count - 1, 1, r.stderr)
        let two = try JacRunner.run(["jacobian", "f(x, y) = sqrt(x^2); (exp(y) - 1)/y", "--at", "x=0,y=1e-9", "--mode", "forward"])
        XCTAssertEqual(two.status, 0, two.stderr)
        XCTAssertTrue(two.stderr.contains("note: kink touched: sqrt at 0.0; "), two.stderr)
        XCTAssertFalse(two.stderr.contains("df1/dx"), two.stderr)
        XCTAssertTrue(two.stderr.contains("df2/dy = "), two.stderr)
        XCTAssertTrue(two.stderr.contains("is unreliable: rounding inside the formula"), two.stderr)
    }

    /// An infinite entry (no 0·∞) gets the sign and the singular point, without the NaN hint.
    func testAnInfiniteEntryIsNamedWithItsSign() throws {
        for mode in ["forward", "reverse"] {
            let r = try JacRunner.run(["jacobian", "sqrt(x)", "--at", "x=0", "--mode", mode])
            XCTAssertEqual(r.status, 3)
            XCTAssertTrue(r.stderr.hasPrefix("error: evaluation failed: df/dx is +∞ in \(mode) mode at a singular point: sqrt"), r.stderr)
            XCTAssertFalse(r.stderr.contains("0·∞"), r.stderr)
        }
    }

    /// `jac diff --at` named a node of the derivative's own expression ("domain error in div at
    /// node 6"), and in forward mode blamed reverse mode; it now says what the numeric mode gives.
    func testDiffAtASingularPointSaysWhatTheNumericModeGives() throws {
        let forward = try JacRunner.run(["diff", "sqrt(x^2 + y^2)", "--at", "x=0,y=0", "--mode", "forward"])
        XCTAssertEqual(forward.status, 3)
        XCTAssertTrue(forward.stderr.hasPrefix("error: the derivative is not defined at x = 0.0, y = 0.0: domain error in div"), forward.stderr)
        XCTAssertTrue(forward.stderr.contains("in the printed expression; jac jacobian --mode forward gives [[0.0, 0.0]] here because "
                                              + "only zero tangents or cotangents reached a singular point"), forward.stderr)
        let reverse = try JacRunner.run(["diff", "sqrt(x^2 + y^2)", "--at", "x=0,y=0"])
        XCTAssertEqual(reverse.status, 3)
        XCTAssertTrue(reverse.stderr.hasPrefix("error: the derivative is not defined at x = 0.0, y = 0.0: df/dx is NaN in reverse mode"),
                      reverse.stderr)
        let other = try JacRunner.run(["diff", "sqrt(x)*0 + y", "--at", "x=0,y=1", "--mode", "forward"])
        XCTAssertEqual(other.status, 3)
        XCTAssertTrue(other.stderr.contains(": df/dx is NaN in forward mode at a singular point: sqrt at 0.0"), other.stderr)
    }
}

/// `jac jacobian --sparse` at kinks and singular points.
final class SparseSingularPointTests: XCTestCase {
    /// The note was printed once for the recording and again for each forward pass.
    func testAKinkNoteIsPrintedOnce() throws {
        let r = try JacRunner.run(["jacobian", "abs(x)*y", "--at", "x=0,y=1", "--sparse", "--mode", "forward"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stderr, "note: kink touched: abs (node 2) at 0.0; the derivative uses the convention 'abs′(0) = 0'\n")
    }

    /// "non-finite compressed Jacobian entry 1" named neither the output nor the variable.
    func testANonFiniteEntryIsNamedAsInTheDenseJacobian() throws {
        for mode in ["forward", "reverse"] {
            let r = try JacRunner.run(["jacobian", "sqrt(x)*y; y", "--at", "x=0,y=1", "--sparse", "--mode", mode])
            XCTAssertEqual(r.status, 3)
            XCTAssertTrue(r.stderr.hasPrefix("error: evaluation failed: df1/dx is +∞ in \(mode) mode at a singular point: sqrt"), r.stderr)
        }
    }
}
