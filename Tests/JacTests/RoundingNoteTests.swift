import XCTest

/// Forward and reverse mode print the exact derivative of the formula as Double computes it.
/// Where the formula cancels, rounding inside it moves that far from f′, and jac said nothing:
/// (eˣ − 1)/x at 10⁻⁹ printed −81.74 where f′ = 1/2 + x/3 + … = 0.5000000003 (its Taylor series,
/// by hand).
final class RoundingNoteTests: XCTestCase {
    static let truth = 0.5 + 1e-9 / 3

    /// The number after "by up to " in a rounding note.
    func bound(in note: String) -> Double? {
        guard let r = note.range(of: "by up to ") else { return nil }
        return Double(note[r.upperBound...].prefix { $0 != " " })
    }

    func testBothModesSayHowFarRoundingInsideTheFormulaCanMoveTheirDerivative() throws {
        for mode in ["reverse", "forward"] {
            let r = try JacRunner.run(["jacobian", "(exp(x) - 1)/x", "--at", "x=1e-9", "--mode", mode, "--format", "json"])
            XCTAssertEqual(r.status, 0, r.stderr)
            let printed = try XCTUnwrap((try JacRunner.json(r.stdout)["jacobian"] as? [[Double]])?.first?.first)
            XCTAssertGreaterThan(Swift.abs(printed - Self.truth), 50, "\(mode): the derivative of the rounded formula")
            let note = try XCTUnwrap(r.stderr.components(separatedBy: "\n").first { $0.contains("rounding inside the formula") }, r.stderr)
            XCTAssertTrue(note.hasPrefix("note: df/dx = "), note)
            XCTAssertTrue(note.contains("is unreliable"), note)
            let b = try XCTUnwrap(bound(in: note), note)
            // The bound reaches f′ from the printed value, and is not vacuous.
            XCTAssertGreaterThanOrEqual(b, Swift.abs(printed - Self.truth), note)
            XCTAssertLessThan(b, 10 * Swift.abs(printed - Self.truth), note)
            // A script reading the JSON sees the same bound and judgement.
            let object = try JacRunner.json(r.stdout)
            // (Foundation's JSON reader on Linux can miss the last digit: a relative 1e-14.)
            let json = try XCTUnwrap((object["rounding_bound"] as? [[Double]])?.first?.first, r.stdout)
            XCTAssertEqual(json, b, accuracy: 1e-14 * b, r.stdout)
            XCTAssertEqual((object["unreliable"] as? [[Bool]])?.first?.first, true, r.stdout)
        }
    }

    /// jac diff --at evaluates its expressions in Double, which round eˣ as the modes do: it
    /// printed (= −81.74) for f′ = 0.5000000003 with no note, where jac jacobian noted it.
    func testDiffAtAPointNotesTheValueItPrints() throws {
        let r = try JacRunner.run(["diff", "(exp(x) - 1)/x", "--at", "x=1e-9"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let line = try XCTUnwrap(r.stdout.components(separatedBy: "\n").first { $0.hasPrefix("df/dx = ") }, r.stdout)
        let printed = try XCTUnwrap(Double(line.components(separatedBy: "(= ").last?.dropLast() ?? ""), line)
        XCTAssertGreaterThan(Swift.abs(printed - Self.truth), 50, line)
        let note = try XCTUnwrap(r.stderr.components(separatedBy: "\n").first { $0.hasPrefix("note: df/dx = ") }, r.stderr)
        XCTAssertTrue(note.contains("is unreliable: rounding inside the formula"), note)
        let b = try XCTUnwrap(bound(in: note), note)
        XCTAssertGreaterThanOrEqual(b, Swift.abs(printed - Self.truth), note)
        XCTAssertLessThan(b, 10 * Swift.abs(printed - Self.truth), note)
        let plain = try JacRunner.run(["diff", "x^2*y + exp(y)", "--at", "x=1,y=0"])
        XCTAssertEqual(plain.stderr, "", plain.stderr)
    }

    /// expm1(x)/x computes f without cancelling, but its derivative's quotient rule still does:
    /// eˣ/x − expm1(x)/x² subtracts two terms near 10⁹ into 0.5, so about 10⁹ε = 2e-7 of rounding
    /// is left (by hand). The note says so with a far smaller bound, which holds; a formula that
    /// cancels nowhere gets no note.
    func testTheBoundFollowsHowMuchTheDerivativeCancels() throws {
        let r = try JacRunner.run(["jacobian", "expm1(x)/x", "--at", "x=1e-9", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let printed = try XCTUnwrap((try JacRunner.json(r.stdout)["jacobian"] as? [[Double]])?.first?.first)
        let note = try XCTUnwrap(r.stderr.components(separatedBy: "\n").first { $0.contains("rounding inside the formula") }, r.stderr)
        let b = try XCTUnwrap(bound(in: note), note)
        XCTAssertGreaterThanOrEqual(b, Swift.abs(printed - Self.truth), note)
        XCTAssertLessThan(b, 1e-5, note)
        let plain = try JacRunner.run(["jacobian", "x*y + sin(z)", "--at", "1,2,3", "--mode", "forward"])
        XCTAssertEqual(plain.status, 0, plain.stderr)
        XCTAssertFalse(plain.stderr.contains("rounding inside the formula"), plain.stderr)
    }

    /// `jac check` compares rules, and the modes agree on −81.74 there: it passed, saying nothing
    /// of how far that is from f′. It now notes the bound too (in the JSON's notes as in the text).
    func testCheckNotesTheBoundBesideItsVerdict() throws {
        let r = try JacRunner.run(["check", "(exp(x) - 1)/x", "--at", "x=1e-9", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        // The library's note (jac check prints the library's report and keeps its JSON whole).
        let library = try XCTUnwrap(try JacRunner.json(r.stdout)["library_report"] as? [String: Any], r.stdout)
        let notes = try XCTUnwrap(library["notes"] as? [String], r.stdout)
        let note = try XCTUnwrap(notes.first { $0.contains("rounding inside f can move") }, "\(notes)")
        XCTAssertTrue(note.hasPrefix("entry (f, x): "), note)
        let text = try JacRunner.run(["check", "(exp(x) - 1)/x", "--at", "x=1e-9"])
        XCTAssertEqual(text.stdout.components(separatedBy: "rounding inside f can move").count, 2, "once in the text:\n" + text.stdout)
        let b = try XCTUnwrap(bound(in: note), note)
        let entries = try XCTUnwrap(try JacRunner.json(r.stdout)["entries"] as? [[String: Any]], r.stdout)
        let computed = try XCTUnwrap((entries.first?["values"] as? [String: Double])?["forward"], r.stdout)
        XCTAssertGreaterThan(Swift.abs(computed - Self.truth), 50, "the modes agree on the rounded formula's derivative")
        XCTAssertGreaterThanOrEqual(b, Swift.abs(computed - Self.truth), note)
        let plain = try JacRunner.run(["check", "sin(x)*y", "--at", "x=1,y=2", "--format", "json"])
        XCTAssertEqual(plain.status, 0, plain.stderr)
        let plainLibrary = try XCTUnwrap(try JacRunner.json(plain.stdout)["library_report"] as? [String: Any], plain.stdout)
        let plainNotes = try XCTUnwrap(plainLibrary["notes"] as? [String], plain.stdout)
        XCTAssertFalse(plainNotes.contains { $0.contains("rounding inside f can move") }, "\(plainNotes)")
    }
}
