import XCTest
@testable import AdjointCheck

final class SmallGapNoteTests: XCTestCase {
    /// x² at 3 with 6·(1 + 10⁻⁷) claimed: rule-wrong (central differences of a quadratic have no
    /// truncation), and the gap is small enough for the note on where such gaps come from. A
    /// textbook-right softmax H·v is one of them (p₀ − p₀² with p₀ = 1 − 10⁻⁸ rounds by 2·10⁻⁸ of
    /// itself), so the note names a claim's own cancellation beside a solver's tolerance.
    func testTheSmallGapNoteNamesAClaimThatCancelsLargerTerms() throws {
        let r = try checkBlackBoxGradient(of: { (x: [Double]) in x[0] * x[0] }, at: [3], claimedGradient: { x in [2 * x[0] * (1 + 1e-7)] })
        XCTAssertEqual(r.entries[0][0].verdict.name, "rule-wrong", r.renderTable())
        let note = r.notes.first { $0.contains("Likely causes") }
        XCTAssertNotNil(note, r.renderTable())
        XCTAssertTrue(note?.contains("terms that cancel") == true, note ?? "no note")
        XCTAssertTrue(note?.contains("iterates to a tolerance") == true, note ?? "no note")
    }
}
