import XCTest
import AdjointCore
import AdjointCheck

/// A kink whose argument depends on no input is no kink of f (``OpInfo/kinkArguments``): 0^x at 0.7
/// touches pow at a zero base, but the base is the constant 0, whose tangent is exactly 0 in every
/// mode, and 0^x = 0 for every x > 0, so f′ = 0 there (by hand) and the differences can judge it.
final class ConstantKinkCheckTests: XCTestCase {
    struct ZeroToTheX: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.pow(T(0), x[0])] }
    }
    /// x^y: the base is an input, so at x = 0 the kink is f's own.
    struct XToTheY: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.pow(x[0], x[1])] }
    }
    /// (x·x)^y: at x = 0 the base is the product 0·0, exactly 0 as x is.
    struct SquareToTheY: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.pow(x[0] * x[0], x[1])] }
    }
    struct MaxWithZero: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.max(x[0], T(0))] }
    }
    struct Abs: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.abs(x[0])] }
    }

    func testPowOfAConstantZeroBaseIsJudgedAsSmoothWithAFiniteBound() throws {
        let r = try checkJacobian(of: ZeroToTheX(), at: [0.7])
        XCTAssertEqual(r.verdict.name, "agree", r.renderTable())
        XCTAssertTrue(r.passed, r.renderTable())
        XCTAssertFalse(r.touchedKink, r.renderTable())
        let e = r.entries[0][0]
        XCTAssertEqual(e.subjects.map(\.value), [0, 0])
        // Nothing f rounds moves an exact 0 tangent: the bound is finite (0: x is not rounded).
        let bound = try XCTUnwrap(e.derivativeRoundingBound)
        XCTAssertTrue(bound.isFinite, "\(bound)")
        XCTAssertTrue(r.derivativeRoundingEntries.isEmpty, r.renderTable())
        XCTAssertFalse(r.renderTable().contains("kink"), r.renderTable())
    }

    /// Guards: kinks whose argument moves with an input keep their verdict and wording.
    func testGenuineKinksKeepTheirWording() throws {
        let pow = try checkJacobian(of: XToTheY(), at: [0, 0.5])
        XCTAssertTrue(pow.touchedKink, pow.renderTable())
        XCTAssertTrue(pow.renderTable().contains("kink at pow"), pow.renderTable())
        for (f, name) in [(MaxWithZero() as any ADFunction, "max"), (Abs(), "abs")] {
            let r = try checkJacobian(of: f, at: [0.0])
            XCTAssertEqual(r.verdict.name, "kink", r.renderTable())
            XCTAssertTrue(r.renderTable().contains("kink at \(name)"), r.renderTable())
            XCTAssertTrue(r.renderTable().contains("kinks touched: \(name)"), r.renderTable())
        }
    }

    /// x^y at (0, ½): ∂f/∂x = y·x^(y−1) = +∞, a singular point; ∂f/∂y = 0 by hand (0^y = 0 for every
    /// y > 0), and pow(0, y) is an exact 0 at every y, so rounding moves that derivative by
    /// nothing. The bound along y met ∂f/∂x = +∞ times x's tangent, an exact 0, and was infinite
    /// (∞ · 0): the check said the entry's rounding "could not be bounded".
    func testAZeroBaseBoundsTheExponentsDerivativeAndNotTheBases() throws {
        for y in [0.5, 0.25, 3.5] {
            XCTAssertEqual(try derivativeRoundingBound(of: XToTheY(), at: [0, y], direction: [0, 1]), [0], "y = \(y)")
        }
        // Below y = 1 the base's derivative is +∞, and nothing bounds it.
        XCTAssertFalse(try derivativeRoundingBound(of: XToTheY(), at: [0, 0.5], direction: [1, 0])[0].isFinite)
        let r = try checkJacobian(of: XToTheY(), at: [0, 0.5])
        let dy = r.entries[0][1]
        XCTAssertEqual(dy.subjects.map(\.value), [0, 0])
        XCTAssertEqual(dy.derivativeRoundingBound, 0, r.renderTable())
        XCTAssertTrue(r.derivativeRoundingEntries.isEmpty, r.renderTable())
        XCTAssertFalse(r.notes.contains { $0.contains("could not be bounded") }, "\(r.notes)")
        // The base's entry stays what it is: not finite in either mode.
        XCTAssertEqual(r.entries[0][0].verdict, .nonFinite(subjects: ["forward", "reverse"]), r.renderTable())
        XCTAssertTrue(r.renderTable().contains("kink at pow"), r.renderTable())
    }

    /// (x·x)^y at (0, ½), |x|^(2y): ∂f/∂y = 0 by hand ((x·x)^y is 0 for every y > 0 at x = 0). The
    /// base x·x is 0·0, an exact 0 (a product with an exact 0 factor does not round, nor
    /// underflow), yet the bound counted it as a value that may have rounded by the least normal
    /// magnitude, met pow's +∞ sensitivity there, and said the entry's rounding "could not be
    /// bounded". A base that rounds (x·x at x = 10⁻²⁰⁰, which underflows to 0) keeps that.
    func testAnExactZeroProductAsTheBaseDoesNotRound() throws {
        for y in [0.5, 0.25, 3.5] {
            XCTAssertEqual(try derivativeRoundingBound(of: SquareToTheY(), at: [0, y], direction: [0, 1]), [0], "y = \(y)")
        }
        let r = try checkJacobian(of: SquareToTheY(), at: [0, 0.5])
        XCTAssertEqual(r.entries[0][1].subjects.map(\.value), [0, 0])
        XCTAssertFalse(r.notes.contains { $0.contains("could not be bounded") }, "\(r.notes)")
        XCTAssertTrue(r.derivativeRoundingEntries.isEmpty, r.renderTable())
        // x·x at 10⁻²⁰⁰ underflows to 0: a rounded zero, whose rounding pow's +∞ sensitivity
        // leaves unbounded.
        XCTAssertFalse(try derivativeRoundingBound(of: SquareToTheY(), at: [1e-200, 0.5], direction: [0, 1])[0].isFinite)
    }
}
