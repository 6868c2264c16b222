import AdjointCore
import Foundation
import XCTest
@testable import AdjointCheck

/// An agreement that stands only because nothing sharper could judge says how loose it is, once
/// its tolerance is beyond 4√ε of the entry (``CheckReport/looselyResolvedEntries``).
final class LooseResolutionShareTests: XCTestCase {
    /// 50 + sin(3x)·y, its constant read through approximateDouble, so the complex step is not a
    /// witness; the other rungs are differences and exact rationals, which sin keeps out.
    struct OffsetSine: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
            let c = T(50 + 0 * x[0].approximateDouble)
            return [c + sin(3 * x[0]) * x[1]]
        }
    }

    /// In Float at (1, 2): ∂/∂y = sin 3 = 0.14112001 (mpmath, 40 digits) agrees within adaptive's
    /// 0.2% of it, 6√ε of Float: a claim that far off inside adaptive's estimate would pass. With
    /// the note's old bar, 1% of the entry, nothing said so. ∂/∂x = 6 cos 3 = −5.9399550, resolved
    /// by Richardson to 0.06% (under 4√ε = 0.14%), is not noted.
    func testAFloatAgreementAtAFifthOfAPercentIsNoted() throws {
        let x: [Float] = [1, 2]
        let dx: Float = -5.939954979602672743629436768387567814362
        let dy = 0.1411200080598672221007448028081102798469
        let right = try checkGradient(of: OffsetSine(), at: x, claimedGradient: { _ in [dx, Float(dy)] })
        XCTAssertTrue(right.passed, right.renderTable())
        XCTAssertEqual(right.looselyResolvedEntries.map(\.input), [1], right.renderTable())
        let e = try XCTUnwrap(right.looselyResolvedEntries.first)
        let share = try XCTUnwrap(e.tolerance) / dy
        XCTAssertGreaterThan(share, 4 * Double(Float.ulpOfOne).squareRoot())
        XCTAssertLessThan(share, 0.01)
        let note = try XCTUnwrap(right.notes.first { $0.hasPrefix("entry (f0, x1): agrees only within") }, right.notes.joined(separator: "\n"))
        XCTAssertTrue(note.contains("% of the entry, ") && note.contains("√ε of Float)"), note)
    }

    /// The share is printed to two significant figures: rounded to 0.1%, a Double agreement of
    /// 4·10⁻⁶ of its entry read "0.0%".
    func testTheShareKeepsTwoFigures() {
        XCTAssertEqual(twoFigures(0.19508547), 0.2)
        XCTAssertEqual(twoFigures(0.0004834), 0.00048)
        XCTAssertEqual(twoFigures(-17.3), -17)
    }

    struct Exponential: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [exp(x[0])] }
    }

    /// eˣ at −745 is the least subnormal, 4.9·10⁻³²⁴, and so is its derivative. Its agreement is
    /// loose (the claim allowance is many spacings), and the note's multiple of √ε was
    /// Int(tol/(√ε·size)): √ε·size rounds to 0 there, and the integer of ∞ trapped, in `notes`,
    /// `renderTable()` and `jac check "exp(x)" --at x=-745` alike (a review). The note now says how
    /// loose as a Double.
    func testTheNoteOfASubnormalEntryDoesNotTrap() throws {
        for x in [-745.0, -740.0] {
            let report = try checkJacobian(of: Exponential(), at: [x])
            XCTAssertEqual(report.entries[0][0].verdict, .agree, report.renderTable())
            XCTAssertEqual(report.looselyResolvedEntries.count, 1, report.renderTable())
            let note = try XCTUnwrap(report.notes.first { $0.hasPrefix("entry (f0, x0): agrees only within") }, report.notes.joined(separator: "\n"))
            XCTAssertTrue(note.contains("√ε of Double)"), note)
            XCTAssertFalse(report.renderTable().isEmpty)
        }
    }
}
