import Foundation
import XCTest

/// Second derivatives at points where an intermediate leaves Double's range though the answer
/// does not. x·log x at 10⁻¹⁶⁰ has f″ = 1/x = 10¹⁶⁰ (by hand), but log's second derivative
/// −1/x² = −10³²⁰ overflowed inside the product and jac hessian failed as non-finite; √(x² + y²)
/// at x = y = 10⁻²⁰⁰ is 1.41·10⁻²⁰⁰ with gradient (1/√2, 1/√2) (by hand), but x² = 10⁻⁴⁰⁰
/// underflows to 0, and jac said the point was √'s singular point ("not defined", in jac diff)
/// and jac eval printed 0.0 with no word.
final class SecondOrderRangeTests: XCTestCase {
    func hessianEntries(_ formula: String, at: String) throws -> [[Double]] {
        let r = try JacRunner.run(["hessian", formula, "--at", at, "--format", "json"])
        XCTAssertEqual(r.status, 0, "\(formula) at \(at): \(r.stderr)")
        return try XCTUnwrap(try JacRunner.json(r.stdout)["hessian"] as? [[Double]], r.stdout)
    }

    /// f″ = 1/x by hand, at x far below 10⁻¹⁵⁴ (where 1/x² overflows).
    func testTheHessianOfXLogXIsComputedWhereLogsSecondDerivativeOverflows() throws {
        for x in [1e-160, 1e-300] {
            let h = try hessianEntries("x*log(x)", at: "x=\(x)")
            XCTAssertEqual(h[0][0], 1 / x, accuracy: 4 * Double.ulpOfOne / x, "at \(x)")
        }
        // Two variables: f = x·log x·y has ∂²/∂x² = y/x, ∂²/∂x∂y = log x + 1, ∂²/∂y² = 0 (by hand;
        // log 10⁻¹⁶⁰ = −160 ln 10).
        let h = try hessianEntries("x*log(x)*y", at: "x=1e-160,y=3")
        XCTAssertEqual(h[0][0], 3e160, accuracy: 1e-14 * 3e160)
        let mixed = -160 * Foundation.log(10.0) + 1
        XCTAssertEqual(h[0][1], mixed, accuracy: 1e-13 * Swift.abs(mixed))
        XCTAssertEqual(h[1][0], mixed, accuracy: 1e-13 * Swift.abs(mixed))
        XCTAssertEqual(h[1][1], 0)
    }

    /// jac diff --order 2 said "no Hessian exists at this point" beside the value it printed for
    /// x·log x at 10⁻³⁰⁰: jac hessian's overflow read as pow's unbounded partial at (0, 1).
    func testDiffDoesNotSayNoHessianExistsWhereATermOverflowed() throws {
        let r = try JacRunner.run(["diff", "x*log(x)", "--order", "2", "--at", "x=1e-300"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertFalse(r.stderr.contains("no Hessian exists"), r.stderr)
    }

    /// The messages at √(x² + y²), x = y = 10⁻²⁰⁰: no "singular point" claimed of the point, no
    /// "not defined"; the underflow named, with its operands and its exact size.
    func testAnUnderflowIntoSqrtsSingularPointIsNotCalledTheSingularPoint() throws {
        let point = "x=1e-200,y=1e-200"
        let runs = [["hessian", "sqrt(x^2+y^2)", "--at", point],
                    ["jacobian", "sqrt(x^2+y^2)", "--at", point],
                    ["jacobian", "sqrt(x^2+y^2)", "--at", point, "--mode", "forward"],
                    ["diff", "sqrt(x^2+y^2)", "--at", point],
                    ["diff", "sqrt(x^2+y^2)", "--order", "2", "--at", point]]
        for arguments in runs {
            let r = try JacRunner.run(arguments)
            XCTAssertEqual(r.status, 3, "\(arguments): \(r.stderr)")
            // The convention of √ at its singular point, as the old message claimed it for this point.
            XCTAssertFalse(r.stderr.contains("reported as a singular point"), "\(arguments): \(r.stderr)")
            XCTAssertFalse(r.stderr.contains("not defined"), "\(arguments): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("is about 1.0e-400, which Double rounds to 0.0"), "\(arguments): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("the point is not sqrt's singular point"), "\(arguments): \(r.stderr)")
        }
        // At the singular point itself the convention is still said to be one.
        let origin = try JacRunner.run(["jacobian", "sqrt(x^2+y^2)", "--at", "x=0,y=0"])
        XCTAssertTrue(origin.stderr.contains("at a singular point:") || origin.stderr.contains("kink touched"), origin.stderr)
        XCTAssertFalse(origin.stderr.contains("rounds to 0.0"), origin.stderr)
    }

    /// jac eval printed 0.0 for 1.41·10⁻²⁰⁰ with no note; an underflow that cannot matter
    /// (e^−1000 beside 1) gets none.
    func testEvalNotesAnUnderflowTheValueDependsOn() throws {
        let r = try JacRunner.run(["eval", "sqrt(x^2+y^2)", "--at", "x=1e-200,y=1e-200"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("is about 1.0e-400, which Double rounds to 0.0"), r.stderr)
        XCTAssertTrue(r.stderr.contains("may have lost every digit"), r.stderr)
        let harmless = try JacRunner.run(["eval", "exp(-1000*x) + 1", "--at", "x=1"])
        XCTAssertEqual(harmless.status, 0, harmless.stderr)
        XCTAssertEqual(harmless.stderr, "")
    }
    /// x·log x at 10⁻¹⁶⁰: the entry 10¹⁶⁰ is right (f″ = 1/x = 1.000000000000000011363352·10¹⁶⁰,
    /// mpmath), but its rounding bound multiplied log's −1/x² = −10³²⁰ and overflowed, and jac
    /// called the entry unreliable, "could not be bounded". The bound is lowered as the product is.
    func testTheBoundOfAnEntryWhoseSecondOrderTermOverflowsIsFiniteAndQuiet() throws {
        let r = try JacRunner.run(["hessian", "x*log(x)", "--at", "x=1e-160", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let object = try JacRunner.json(r.stdout)
        let h = try XCTUnwrap(object["hessian"] as? [[Double]], r.stdout)
        let b = try XCTUnwrap((object["hessian_rounding_bound"] as? [[Any]])?.first?.first as? Double, r.stdout)
        XCTAssertTrue(b.isFinite, r.stdout)
        XCTAssertGreaterThanOrEqual(b, Swift.abs(h[0][0] - 1.000000000000000011363352e160), r.stdout)
        XCTAssertLessThan(b, 1e-13 * h[0][0], r.stdout)
        XCTAssertEqual((object["hessian_unreliable"] as? [[Bool]])?.first?.first, false, r.stdout)
        XCTAssertFalse(r.stderr.contains("could not be bounded"), r.stderr)
    }

    /// x²·log x at 10⁻¹⁶⁰: f″ = 2 log x + 3 = −733.827229758094618908484 (mpmath), printed as
    /// −733.8272186: x² = 10⁻³²⁰ is subnormal. The note said only "could not be bounded"; it names
    /// the underflow now, as a value's note does.
    func testAnEntryComputedThroughASubnormalNamesTheUnderflow() throws {
        let r = try JacRunner.run(["hessian", "x^2*log(x)", "--at", "x=1e-160", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let object = try JacRunner.json(r.stdout)
        let h = try XCTUnwrap(object["hessian"] as? [[Double]], r.stdout)
        XCTAssertGreaterThan(Swift.abs(h[0][0] - -733.827229758094618908484), 1e-6, "the premise: the entry lost digits")
        let note = try XCTUnwrap(r.stderr.components(separatedBy: "\n").first { $0.hasPrefix("note: d2f/dxdx = ") }, r.stderr)
        XCTAssertTrue(note.contains("is about 1.0e-320, which Double rounds to"), note)
        XCTAssertTrue(note.contains("below Double's range"), note)
        XCTAssertFalse(note.contains("could not be bounded"), note)
        XCTAssertEqual((object["hessian_unreliable"] as? [[Bool]])?.first?.first, true, r.stdout)
    }

    /// √(sigmoid x) at −800 is e⁻⁴⁰⁰/√(1 + e⁻⁸⁰⁰) = 1.91516959671400569501984·10⁻¹⁷⁴ (mpmath);
    /// sigmoid(−800) = e⁻⁸⁰⁰ is 0 in Double, and jac eval printed 0.0 with no word: sigmoid was
    /// not among the ops whose underflow was named (mul, square, div, powi, pow, exp). A 0 that is
    /// exact (relu's flat piece, x − x) is no underflow.
    func testAnUnderflowOfAnyOpIsNamedButAnExactZeroIsNot() throws {
        let r = try JacRunner.run(["eval", "sqrt(sigmoid(x))", "--at", "x=-800", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let v = try XCTUnwrap((try JacRunner.json(r.stdout)["value"] as? [Double])?.first, r.stdout)
        XCTAssertGreaterThan(Swift.abs(v - 1.91516959671400569501984e-174), 1e-180, "the premise: the value lost every digit")
        XCTAssertTrue(r.stderr.contains("sigmoid(-800.0) at node 1 rounds to 0.0 in Double, below Double's range"), r.stderr)
        XCTAssertTrue(r.stderr.contains("may have lost every digit"), r.stderr)
        // The derivative fails, naming the underflow, not √'s singular point, as the cause.
        let jacobian = try JacRunner.run(["jacobian", "sqrt(sigmoid(x))", "--at", "x=-800"])
        XCTAssertTrue(jacobian.stderr.contains("only because sigmoid(-800.0) at node 1 rounds to 0.0 in Double"), jacobian.stderr)
        for (formula, at) in [("sqrt(relu(x)) + 1", "x=-1"), ("sqrt(y*x - x*y) + 1", "x=3,y=0.1")] {
            let exact = try JacRunner.run(["eval", formula, "--at", at])
            XCTAssertEqual(exact.status, 0, exact.stderr)
            XCTAssertFalse(exact.stderr.contains("below Double's range"), "\(formula): \(exact.stderr)")
        }
    }
}
