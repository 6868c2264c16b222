import XCTest
import AdjointCore
import AdjointCheck

/// The check compares rules, and forward mode, reverse mode and the complex step all
/// differentiate f as the floats compute it: on (eˣ − 1)/x at 10⁻⁹ they agree on −81.74 for a
/// derivative of 0.5 + x/3 + … (its Taylor series, by hand), and `checkJacobian` passed with no
/// word of it (only `jac check` added a note). Each entry now carries the bound of
/// `derivativeRoundingBound(of:at:direction:)`, and the report notes the large ones.
final class DerivativeRoundingReportTests: XCTestCase {
    struct Expm1OverX: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [(exp(x[0]) - 1) / x[0]] }
    }

    /// x₀ + (e^{x₁} − 1)/x₁: the cancelling column is the second.
    struct ShiftedExpm1OverX: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] + (exp(x[1]) - 1) / x[1]] }
    }

    struct SinTimesY: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [sin(x[0]) * x[1]] }
    }

    /// √(x₀² + x₁²) at the origin: forward mode gives 0, reverse mode NaN (∞ from √′(0) times the
    /// 0 of 2x), and the entry is a kink. The bound there is infinite, and the note said the modes
    /// agree on a derivative that rounding moved, advising expm1 and log1p: nothing cancels, and
    /// the modes do not agree. The entry's own verdict says what happened.
    struct Norm: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [sqrt(x[0] * x[0] + x[1] * x[1])] }
    }

    func testNoRoundingNoteWhereAModeIsNotFinite() throws {
        let r = try checkJacobian(of: Norm(), at: [0.0, 0.0])
        XCTAssertTrue(r.entries[0].allSatisfy { e in e.subjects.contains { !$0.value.isFinite } }, r.renderTable())
        XCTAssertEqual(r.derivativeRoundingEntries.count, 0, r.renderTable())
        XCTAssertFalse(r.notes.contains { $0.contains("rounding inside f") }, "\(r.notes)")
    }

    func forward(_ e: EntryCheck) throws -> Double { try XCTUnwrap(e.subjects.first { $0.name == "forward" }?.value) }

    func testTheCancellingEntryCarriesABoundThatReachesFPrime() throws {
        let truth = 0.5 + 1e-9 / 3
        let r = try checkJacobian(of: Expm1OverX(), at: [1e-9])
        XCTAssertTrue(r.passed, r.renderTable())
        let e = r.entries[0][0]
        let offset = Swift.abs(try forward(e) - truth)
        XCTAssertGreaterThan(offset, 50, "the modes give the derivative of the rounded f")
        let bound = try XCTUnwrap(e.derivativeRoundingBound, r.renderTable())
        XCTAssertGreaterThanOrEqual(bound, offset)
        XCTAssertLessThan(bound, 10 * offset)
        XCTAssertEqual(r.derivativeRoundingEntries.count, 1)
        let note = try XCTUnwrap(r.notes.first { $0.contains("rounding inside f can move") }, "\(r.notes)")
        XCTAssertTrue(note.hasPrefix("entry (f0, x0): "), note)
        XCTAssertTrue(r.renderTable().contains(note))
        XCTAssertTrue(r.toJSON(pretty: false).contains("\"derivativeRoundingBound\": \(bound)"), r.toJSON(pretty: false))
    }

    /// In Float the same cancellation at 10⁻³ loses about ε_F/x² ≈ 0.06 of 0.5: noted, since it
    /// exceeds √ε_F (half Float's digits). f′ = 1/2 + x/3 + x²/8 + … = 0.500333375 (by hand).
    func testFloatNotesWhatLosesHalfItsDigits() throws {
        let truth = 0.5 + 1e-3 / 3 + 1e-6 / 8
        let r = try checkJacobian(of: Expm1OverX(), at: [Float(1e-3)])
        let e = r.entries[0][0]
        let bound = try XCTUnwrap(e.derivativeRoundingBound)
        XCTAssertGreaterThanOrEqual(bound, Swift.abs(try forward(e) - truth), r.renderTable())
        XCTAssertEqual(r.derivativeRoundingEntries.map(\.input), [0], r.renderTable())
        // Where nothing cancels, Float's bound stays a few ε of the entry and nothing is noted.
        let plain = try checkJacobian(of: SinTimesY(), at: [Float(0.7), 2])
        XCTAssertEqual(plain.derivativeRoundingEntries.count, 0, plain.notes.joined(separator: "\n"))
    }

    /// Where f cancels nowhere the bound is a few ε of the entry (sin(x)·y at (0.7, 2): cos x·y
    /// from two rounded ops, sin x from one) and no note is made.
    func testAPlainFunctionGetsATightBoundAndNoNote() throws {
        let r = try checkJacobian(of: SinTimesY(), at: [0.7, 2.0])
        for e in r.entries.joined() {
            let bound = try XCTUnwrap(e.derivativeRoundingBound)
            XCTAssertLessThanOrEqual(bound, 16 * Double.ulpOfOne * Swift.abs(try forward(e)), "\(e.output), \(e.input)")
        }
        XCTAssertTrue(r.derivativeRoundingEntries.isEmpty)
        XCTAssertFalse(r.notes.contains { $0.contains("rounding inside f can move") }, "\(r.notes)")
    }

    /// A check of some columns names f's inputs, and so do the bounds: input 1 of x₀ + (e^{x₁} − 1)/x₁.
    func testAColumnSubsetCheckNotesTheInputItChecked() throws {
        let r = try checkJacobian(of: ShiftedExpm1OverX(), at: [3.0, 1e-9], inputs: [1])
        XCTAssertEqual(r.derivativeRoundingEntries.map(\.input), [1], r.renderTable())
        XCTAssertTrue(r.notes.contains { $0.hasPrefix("entry (f0, x1): ") }, "\(r.notes)")
    }

    /// 10¹⁰·x + (e^y − 1)/y at (1, 10⁻⁹): the cancelling entry is judged on its own size, not
    /// its row's 10¹⁰ (its bound of 222 is below 10⁻⁶ of that); the 10¹⁰ entry is not noted.
    struct BesideALargeTerm: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [1e10 * x[0] + (exp(x[1]) - 1) / x[1]] }
    }

    func testAnEntryFarBelowItsRowIsJudgedOnItsOwnSize() throws {
        let r = try checkJacobian(of: BesideALargeTerm(), at: [1.0, 1e-9])
        XCTAssertEqual(r.derivativeRoundingEntries.map(\.input), [1], r.renderTable())
    }

    /// At 10⁻²⁰⁰, eˣ rounds to 1 and the modes give 1/x = 10²⁰⁰ for f′ = 0.5 (by hand); the bound,
    /// ε/x², overflows. The entry is noted as unbounded, not passed over.
    func testAnOverflowingBoundIsNotedAsUnbounded() throws {
        let r = try checkJacobian(of: Expm1OverX(), at: [1e-200])
        XCTAssertEqual(r.entries[0][0].derivativeRoundingBound, .infinity, r.renderTable())
        XCTAssertEqual(r.derivativeRoundingEntries.count, 1)
        XCTAssertTrue(r.notes.contains { $0.contains("could not be bounded") }, "\(r.notes)")
    }

    /// The concurrent check gives the same bounds as the serial one.
    func testTheConcurrentCheckCarriesTheSameBounds() async throws {
        let serial = try checkJacobian(of: ShiftedExpm1OverX(), at: [3.0, 1e-9])
        let parallel = try await checkJacobian(of: ShiftedExpm1OverX(), at: [3.0, 1e-9], tasks: 2)
        XCTAssertEqual(serial.entries.joined().map(\.derivativeRoundingBound), parallel.entries.joined().map(\.derivativeRoundingBound))
        XCTAssertEqual(parallel.derivativeRoundingEntries.map(\.input), [1])
    }
}
