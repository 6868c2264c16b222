import XCTest

/// `--analyze` on Jacobians with subnormal entries: equilibration lifted the row by 2¹⁰²⁹, which
/// is +∞ as one Double, and jac died of an Int overflow (status 132, no output).
final class AnalyzeSubnormalTests: XCTestCase {
    /// d/dx (x·10⁻³¹⁰) = 10⁻³¹⁰: a 1×1 Jacobian is its own singular value and determinant, κ = 1.
    func testSubnormalJacobianIsAnalysed() throws {
        let r = try JacRunner.run(["jacobian", "x*1e-310", "--at", "x=1", "--analyze"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.hasSuffix("""

            singular values   1e-310
            rank              1
            condition number  1.0
            determinant       1e-310

            """), r.stdout)
    }

    /// J = [[10⁻³¹⁰, 1], [0, 10⁻³⁰⁰]]: upper triangular, det = 10⁻⁶¹⁰ (outside Double: log|det| is
    /// ln(10⁻³¹⁰) + ln(10⁻³⁰⁰) of the stored doubles, mpmath −1404.57690672636787), full rank.
    func testSubnormalEntryBesideATinyPivotIsAnalysed() throws {
        let r = try JacRunner.run(["jacobian", "x*1e-310 + y; y*1e-300", "--at", "x=1,y=1", "--analyze"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("rank              2\n"), r.stdout)
        // σ₂ = |det|/σ₁ ≈ 10⁻⁶¹⁰ underflows: the printed 0.0 says so, beside the rank that counts it.
        XCTAssertTrue(r.stdout.contains("singular values   1.0, 0.0 (the 0.0 is below Double's range, not 0: the rank counts it)\n"), r.stdout)
        // κ = σ₁/σ₂ ≈ 10⁶¹⁰ for a full-rank J: above Double's range, which ∞ alone does not say.
        XCTAssertTrue(r.stdout.contains("condition number  inf (above Double's range: σ_min underflows)\n"), r.stdout)
        XCTAssertTrue(r.stdout.contains("determinant       exp(-1404.57690672636"), r.stdout)
    }
}
