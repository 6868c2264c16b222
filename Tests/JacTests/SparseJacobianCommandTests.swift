import XCTest

/// `jac jacobian --sparse`: output compared verbatim; expected entries derived by hand.
final class SparseJacobianCommandTests: XCTestCase {
    func testSparseJSONIsZeroBasedCOOWithTheColourCount() throws {
        // J = [[x2, x1, 0], [0, 2·x2, 0], [0, 0, 3]] at (1, 2, 3): columns 0 and 2 share no
        // row, column 1 meets column 0 in row 0, so two colours.
        let r = try JacRunner.run(["jacobian", "x1*x2; x2^2; 3*x3", "--at", "1,2,3", "--sparse", "--mode", "forward",
                                   "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, """
            {"rows": 3, "columns": 3, "colors": 2, "entries": [[0, 0, 2.0], [0, 1, 1.0], [1, 1, 4.0], [2, 2, 3.0]]}

            """)
    }

    func testSparseReverseModeColoursRowsAndPrintsATable() throws {
        // Rows 0 and 1 share column c, row 2 shares a with row 0: 2 row colours.
        let r = try JacRunner.run(["jacobian", "a*b - c; b+c; a^2", "--at", "1,2,3", "--sparse", "--mode", "reverse"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, """
            sparse Jacobian 3 × 3, 6 entries, 2 colours (row colouring, 2 reverse sweeps) at a = 1.0, b = 2.0, c = 3.0
            row  column  output  variable  value
            0    0       f1      a         2.0
            0    1       f1      b         1.0
            0    2       f1      c         -1.0
            1    1       f2      b         1.0
            1    2       f2      c         1.0
            2    0       f3      a         2.0

            """)
    }

    func testSparseRefusesModesItCannotColour() throws {
        let r = try JacRunner.run(["jacobian", "x*y", "--at", "1,2", "--sparse", "--mode", "exact"])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("--sparse works with --mode forward or reverse"), r.stderr)
    }
}
