import XCTest

/// Forward and reverse mode's rounding notes where the bound is of an entry far smaller than its
/// row, or is not finite.
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

    /// At x = 10⁻²⁰⁰ eˣ rounds to 1, so both modes print (eˣ − 1)/x's derivative as 1/x = 10²⁰⁰
    /// where f′ = 1/2 + x/3 + … = 0.5 (by hand). The bound ε/x² is past Double's range, and an
    /// infinite bound was skipped: 10²⁰⁰ printed with no word. An ordinary formula at the same
    /// point, whose bound is finite, gets no note.
    func testAnOverflowedBoundIsNotedNotSkipped() throws {
        for mode in ["forward", "reverse"] {
            let r = try JacRunner.run(["jacobian", "(exp(x) - 1)/x", "--at", "x=1e-200", "--mode", mode, "--format", "json"])
            XCTAssertEqual(r.status, 0, r.stderr)
            let printed = try XCTUnwrap((try JacRunner.json(r.stdout)["jacobian"] as? [[Double]])?.first?.first)
            XCTAssertGreaterThan(printed, 1e199, "\(mode): the derivative of the rounded formula")
            let note = try XCTUnwrap(r.stderr.components(separatedBy: "\n").first { $0.hasPrefix("note: df/dx") }, "\(mode): \(r.stderr)")
            XCTAssertTrue(note.contains("is unreliable") && note.contains("could not be bounded"), note)
        }
        let plain = try JacRunner.run(["jacobian", "x*x + sin(x)", "--at", "x=1e-200", "--mode", "forward"])
        XCTAssertEqual(plain.status, 0, plain.stderr)
        XCTAssertFalse(plain.stderr.contains("unreliable"), plain.stderr)
    }

    /// exp(−1/x) at 10⁻¹⁰⁰ underflows to 0, and so do its derivative e^(−1/x)/x² (a number near
    /// 10^(−4·10⁹⁹), by hand) and every mode's 0. The bound counts the tangent's rounding to 0 as
    /// the subnormal quantum, 5·10⁻³²⁴: correct, but a 0 known to within Double's least quantum
    /// is not unreliable, and with the row's scale 0 it was noted as such.
    func testAZeroKnownToTheSubnormalQuantumIsNotNoted() throws {
        let r = try JacRunner.run(["jacobian", "exp(-1/x)", "--at", "x=1e-100", "--mode", "forward"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertFalse(r.stderr.contains("unreliable"), r.stderr)
    }
}
