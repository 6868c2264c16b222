import XCTest

/// Forward and reverse mode's rounding notes where the bound is of an entry far smaller than its
/// row.
final class RoundingNoteLimitsTests: XCTestCase {
    /// The number after "by up to " in a rounding note.
    func bound(in note: String) -> Double? {
        guard let r = note.range(of: "by up to ") else { return nil }
        return Double(note[r.upperBound...].prefix { $0 != " " })
    }

    /// ∂/∂y of (eʸ − 1)/y + 10¹⁰·x at y = 10⁻⁹ is f′ = 1/2 + y/3 + … = 0.5000000003 (Taylor series,
    /// by hand); both modes print −81.74, as for (eʸ − 1)/y alone, whose note bounds that by 222.
    /// Judged against its row's largest entry, 10¹⁰, the same bound was below 10⁻⁶ of the row and
    /// the entry was printed with no note.
    func testAnEntryFarBelowItsRowIsNotedOnItsOwnSize() throws {
        let truth = 0.5 + 1e-9 / 3
        for mode in ["forward", "reverse"] {
            let r = try JacRunner.run(["jacobian", "(exp(y) - 1)/y + 1e10*x", "--at", "x=1,y=1e-9", "--mode", mode, "--format", "json"])
            XCTAssertEqual(r.status, 0, r.stderr)
            let note = try XCTUnwrap(r.stderr.components(separatedBy: "\n").first { $0.contains("df/dy") && $0.contains("rounding inside") },
                                     "\(mode): \(r.stderr)")
            let printed = try XCTUnwrap(Double(note.dropFirst("note: df/dy = ".count).prefix { $0 != " " }), note)
            XCTAssertGreaterThan(Swift.abs(printed - truth), 50, note)
            let b = try XCTUnwrap(bound(in: note), note)
            XCTAssertGreaterThanOrEqual(b, Swift.abs(printed - truth), note)
            XCTAssertFalse(r.stderr.contains("df/dx"), "10¹⁰ is exact: \(r.stderr)")
        }
    }
}
