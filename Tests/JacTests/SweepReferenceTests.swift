import XCTest

/// `jac sweep "(1-cos(x))/x^2" --at x=1e-3` printed "reference -8.331766491664894e-05 (reverse)"
/// for f′ = −x/12 + x³/180 − x⁵/6720 = −8.33333277777779·10⁻⁵ (by hand; mpmath at 40 digits agrees)
/// and measured every method against it, with nothing said. It now notes how far the reference
/// can be off, and takes the true derivative with --reference.
final class SweepReferenceTests: XCTestCase {
    static let truth = -1e-3 / 12 + 1e-9 / 180 - 1e-15 / 6720

    func testTheNoteSaysHowFarTheReferenceCanBeAndTheJSONCarriesIt() throws {
        let r = try JacRunner.run(["sweep", "(1-cos(x))/x^2", "--at", "x=1e-3", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let note = try XCTUnwrap(r.stderr.components(separatedBy: "\n").first { $0.contains("the reference") && $0.contains("is unreliable") }, r.stderr)
        XCTAssertTrue(note.contains("(reverse)"), note)
        let object = try JacRunner.json(r.stdout)
        let reference = try XCTUnwrap(object["reference"] as? Double)
        let bound = try XCTUnwrap(object["reference_rounding_bound"] as? Double, r.stdout)
        XCTAssertGreaterThan(Swift.abs(reference - Self.truth), 1e-9)
        XCTAssertGreaterThanOrEqual(bound, Swift.abs(reference - Self.truth))
        let clean = try JacRunner.run(["sweep", "exp(x)*sin(x)", "--at", "x=0.7"])
        XCTAssertEqual(clean.status, 0, clean.stderr)
        XCTAssertFalse(clean.stderr.contains("the reference"), clean.stderr)
    }

    func testAGivenReferenceReplacesReverseModeAndIsRefusedWhereItCannotApply() throws {
        let r = try JacRunner.run(["sweep", "(1-cos(x))/x^2", "--at", "x=1e-3", "--reference", "-8.33333277777779e-5", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertFalse(r.stderr.contains("the reference"), r.stderr)
        let object = try JacRunner.json(r.stdout)
        XCTAssertEqual(object["reference_source"] as? String, "given")
        XCTAssertEqual(try XCTUnwrap(object["reference"] as? Double), Self.truth, accuracy: 1e-19)
        // Against f′ itself central's V-curve reaches 10⁻¹⁰ (its truncation h²·f‴/6 with f‴ ≈ x/30).
        let central = try XCTUnwrap((object["methods"] as? [String: Any])?["central"] as? [String: Any])
        XCTAssertEqual(try XCTUnwrap(central["slope"] as? Double, "\(central)"), 2, accuracy: 0.3)
        let csv = try JacRunner.temporaryFile("x\n1\n2\n", name: "sweep-reference-points.csv")
        for arguments in [["--points", csv, "--reference", "1"], ["--at", "x=1", "--reference", "abc"], ["--at", "x=1", "--reference", "1e999"]] {
            let bad = try JacRunner.run(["sweep", "x^2"] + arguments)
            XCTAssertEqual(bad.status, 2, "\(arguments): \(bad.stderr)")
            XCTAssertTrue(bad.stderr.hasPrefix("error: --reference"), bad.stderr)
        }
    }
}
