import XCTest

/// `jac jacobian --sparse` printed −81.74 for ∂/∂x of (eˣ − 1)/x at 10⁻⁹, where f′ = ½ + x/3 + …
/// (its Taylor series, by hand), with no note, while the dense Jacobian notes it: the sparse path
/// had no rounding bounds. Each stored entry now has one, from a direction per colour of a column
/// colouring (columns of one colour share no row, so the bound along their sum is the entry's).
final class SparseRoundingNoteTests: XCTestCase {
    static let truth = 0.5 + 1e-9 / 3

    func testBothSparseModesBoundTheCancellingEntryAndNotTheOthers() throws {
        for mode in ["forward", "reverse"] {
            let r = try JacRunner.run(["jacobian", "(exp(x)-1)/x; y*z; z^2", "--at", "x=1e-9,y=1,z=3", "--sparse", "--mode", mode, "--format", "json"])
            XCTAssertEqual(r.status, 0, r.stderr)
            let object = try JacRunner.json(r.stdout)
            let entries = try XCTUnwrap(object["entries"] as? [[Double]], r.stdout)
            let bounds = try XCTUnwrap(object["rounding_bound"] as? [Double], r.stdout)
            let unreliable = try XCTUnwrap(object["unreliable"] as? [Bool], r.stdout)
            XCTAssertEqual(bounds.count, entries.count)
            XCTAssertEqual(unreliable, entries.map { $0[0] == 0 }, "\(mode): only f1's entry cancels")
            let k = try XCTUnwrap(entries.firstIndex { $0[0] == 0 && $0[1] == 0 })
            let printed = entries[k][2]
            XCTAssertGreaterThan(Swift.abs(printed - Self.truth), 50, "the derivative of the rounded formula")
            XCTAssertGreaterThanOrEqual(bounds[k], Swift.abs(printed - Self.truth), mode)
            XCTAssertLessThan(bounds[k], 10 * Swift.abs(printed - Self.truth), mode)
            // The others: exact products, bounded by a few ulps of themselves.
            for (e, b) in zip(entries, bounds) where e[0] != 0 {
                XCTAssertLessThanOrEqual(b, 4 * Double.ulpOfOne * Swift.abs(e[2]), "\(mode): \(e)")
            }
            let notes = r.stderr.components(separatedBy: "\n").filter { $0.contains("rounding inside the formula can move the derivative") }
            XCTAssertEqual(notes.count, 1, r.stderr)
            XCTAssertTrue(notes.first?.hasPrefix("note: df1/dx = ") == true, r.stderr)
        }
    }

    /// A dense row gives one colour per column; past 256 the bounds are not made, and a note says so
    /// rather than leaving the entries silently unjudged.
    func testADenseRowPastTheColourLimitIsSaid() throws {
        let names = (1...300).map { "x\($0)" }
        let point = names.map { "\($0)=1" }.joined(separator: ",")
        let r = try JacRunner.run(["jacobian", names.joined(separator: "+"), "--at", point, "--sparse", "--mode", "reverse", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertNil(try JacRunner.json(r.stdout)["rounding_bound"], "not computed")
        XCTAssertTrue(r.stderr.contains("rounding bounds were not computed"), r.stderr)
    }
}
