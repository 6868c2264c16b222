import XCTest
import AdjointCore
import AdjointCheck

/// The check's table prints a zero derivative entry as 0.0 in every column, as jac jacobian does.
final class SignedZeroTableTests: XCTestCase {
    /// −(c·x): by hand d/dx = −c. At c = 0 the entry is exactly 0; forward mode's tangent is
    /// −(0·1 + (−1)·0) = −(+0) = −0, reverse mode sums the adjoint from +0 to +0.
    struct NegScaled: ADFunction {
        let c: Double
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [-(T(c) * x[0])] }
    }

    func rows(_ table: String) -> [Substring] {
        // The entry rows follow the dashed rule under the header, named by output (f0).
        let lines = table.split(separator: "\n")
        guard let rule = lines.firstIndex(where: { $0.hasPrefix("---") }) else { return [] }
        return lines[(rule + 1)...].filter { $0.hasPrefix("f0 ") }
    }

    func testAZeroEntryShowsNoSignInAnyColumn() throws {
        let r = try checkJacobian(of: NegScaled(c: 0), at: [-1.0])
        XCTAssertTrue(r.passed, r.renderTable())
        // The modes really differ in the zero's sign, so the table is what is tested.
        let forward = try XCTUnwrap(r.entries[0][0].subjects.first { $0.name == "forward" }?.value)
        XCTAssertEqual(forward, 0)
        XCTAssertEqual(forward.sign, .minus, "forward mode no longer gives −0: this test no longer tests the table")
        let entryRows = rows(r.renderTable())
        XCTAssertEqual(entryRows.count, 1, r.renderTable())
        XCTAssertFalse(entryRows.joined().contains("-0.0"), r.renderTable())
        XCTAssertTrue(entryRows.joined().contains("0.0"), r.renderTable())
    }

    /// Guard: a negative derivative keeps its sign (by hand −2).
    func testANegativeEntryKeepsItsSign() throws {
        let r = try checkJacobian(of: NegScaled(c: 2), at: [-1.0])
        XCTAssertTrue(r.passed, r.renderTable())
        let row = rows(r.renderTable()).joined()
        XCTAssertEqual(row.components(separatedBy: "-2.0").count - 1, 3, r.renderTable())  // forward, reverse, the witness
    }
}
