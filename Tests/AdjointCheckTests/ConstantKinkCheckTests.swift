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
}
