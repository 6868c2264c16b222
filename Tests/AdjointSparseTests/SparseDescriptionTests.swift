import XCTest
import AdjointCore
import AdjointCheck
import AdjointSparse

/// f(x) = (x₀x₁, x₁ + 3x₂, x₂²): by hand J = [[x₁, x₀, 0], [0, 1, 3], [0, 0, 2x₂]], at (2, 3, 5)
/// [[3, 2, 0], [0, 1, 3], [0, 0, 10]]. Columns 0 and 2 share no row, so two colours suffice (and
/// two are needed: row 0 holds columns 0 and 1), one forward pass of up to 8 groups.
private struct SmallBand: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] * x[1], x[1] + 3 * x[2], x[2] * x[2]] }
}

final class SparseDescriptionTests: XCTestCase {
    let x = [2.0, 3.0, 5.0]

    /// Found by a new user's pass: `print(j)` dumped every stored field, CSR arrays and the
    /// recording's diagnostics included.
    func testASparseJacobianPrintsHowItWasObtainedAndItsEntries() throws {
        let j = try sparseJacobian(of: SmallBand(), at: x)
        XCTAssertEqual("\(j)", """
            sparse Jacobian 3 × 3 (forward mode): 5 entries in the pattern, 2 colours, 1 forward pass, 0 reverse sweeps
              (0, 0) = 3.0, (0, 1) = 2.0
              (1, 1) = 1.0, (1, 2) = 3.0
              (2, 2) = 10.0
            """)
    }

    /// Past 12 rows (or 8 entries in a row) the rest is counted, not printed: a 40-input band
    /// would print 118 entries. Tridiagonal's rows hold 2 or 3 entries.
    func testALongSparseJacobianSaysHowManyRowsItLeavesOut() throws {
        let j = try sparseJacobian(of: Tridiagonal(), at: points(40))
        let lines = "\(j)".split(separator: "\n")
        XCTAssertEqual(lines.count, 1 + 12 + 1, "\(j)")
        XCTAssertEqual(lines.last, "  … 28 more rows with entries (matrix.entries has them all)", "\(j)")
        XCTAssertTrue(lines[0].hasPrefix("sparse Jacobian 40 × 40 (forward mode): 118 entries in the pattern, 3 colours"), "\(j)")
    }

    /// A declared diagonal misses (0, 1) and (1, 2). With one colour for all three columns, each
    /// diagonal entry reads its row's sum: 5, 4, 10 for 3, 1, 10, so the compressed result is off
    /// by up to 3 (at (1, 1), or at the missed (1, 2), by 3 as well).
    func testASparsityReportPrintsItsFindings() throws {
        let diagonal = try SparsityPattern(rows: 3, columns: 3, rowColumns: [[0], [1], [2]])
        let r = try checkSparsity(of: SmallBand(), at: x, pattern: diagonal)
        let lines = "\(r)".split(separator: "\n").map(String.init)
        guard lines.count == 8 else { return XCTFail("8 lines expected: \(r)") }
        XCTAssertEqual(lines.first, "sparsity check: FAILED", "\(r)")
        XCTAssertTrue(lines[1].hasPrefix("  false zero: entry (0, 1) is declared zero but f0 changed by"), "\(r)")
        XCTAssertTrue(lines[2].hasPrefix("  false zero: entry (1, 2) is declared zero but f1 changed by"), "\(r)")
        XCTAssertTrue(lines[3].hasPrefix("  the compressed Jacobian differs from the dense one by up to 3.0, at entry (1, "), "\(r)")
        XCTAssertEqual(lines[4], "sparse Jacobian 3 × 3 (forward mode): 3 entries in the pattern, 1 colour, 1 forward pass, 0 reverse sweeps", "\(r)")
        XCTAssertEqual(Array(lines.dropFirst(5)), ["  (0, 0) = 5.0", "  (1, 1) = 4.0", "  (2, 2) = 10.0"], "\(r)")

        let ok = try checkSparsity(of: SmallBand(), at: x)
        XCTAssertEqual("\(ok)".split(separator: "\n").first,
                       "sparsity check: passed (no declared zero moved; the compressed Jacobian equals the dense one exactly)", "\(ok)")
    }
}
