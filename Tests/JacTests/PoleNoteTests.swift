import XCTest

/// A difference whose stencil crosses a pole names it: central differences of 1/x at 10⁻⁹ step
/// across x = 0 (by hand the derivative is −1/x² = −10¹⁸), and jac printed "no estimate" with no
/// word of why. A removable singularity is no pole: (eˣ − 1)/x → 1 + x/2 at 0, and its numerator
/// vanishes with its denominator.
final class PoleNoteTests: XCTestCase {
    func testADivisionsPoleWithinTheStepIsNamed() throws {
        let r = try JacRunner.run(["jacobian", "1/x", "--at", "x=1e-9", "--mode", "central"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("a pole of div lies 1e-09 from the point along x (its denominator reaches 0 there)"), r.stderr)
        // The same through a negative power, on the output that reads it only.
        let p = try JacRunner.run(["jacobian", "x^-2 + y; y", "--at", "x=1e-9,y=1", "--mode", "central"])
        XCTAssertTrue(p.stderr.contains("a pole of powi lies 1e-09 from the point along x (its base reaches 0 there)"), p.stderr)
        let secondOutput = p.stderr.components(separatedBy: "\n").filter { $0.contains("df2/") }
        XCTAssertFalse(secondOutput.contains { $0.contains("pole") }, p.stderr)
    }

    func testARemovableSingularityIsNoPole() throws {
        let r = try JacRunner.run(["jacobian", "(exp(x) - 1)/x", "--at", "x=1e-9", "--mode", "central"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertFalse(r.stderr.contains("pole"), r.stderr)
        // Far from any pole, nothing is said either.
        let far = try JacRunner.run(["jacobian", "1/x", "--at", "x=0.5", "--mode", "central"])
        XCTAssertFalse(far.stderr.contains("pole"), far.stderr)
    }
}
