import XCTest

/// `jac jacobian --sparse`: output compared verbatim; expected entries derived by hand.
final class SparseJacobianCommandTests: XCTestCase {
    func testSparseJSONIsZeroBasedCOOWithTheColourCount() throws {
        // J = [[x2, x1, 0], [0, 2·x2, 0], [0, 0, 3]] at (1, 2, 3): columns 0 and 2 share no
        // row, column 1 meets column 0 in row 0, so two colours.
        let r = try JacRunner.run(["jacobian", "x1*x2; x2^2; 3*x3", "--at", "1,2,3", "--sparse", "--mode", "forward",
                                   "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.hasPrefix("""
            {"variables": ["x1", "x2", "x3"], "point": [1.0, 2.0, 3.0], "value": [2.0, 4.0, 9.0], "mode": "forward", \
            "rows": 3, "columns": 3, "colors": 2, "entries": [[0, 0, 2.0], [0, 1, 1.0], [1, 1, 4.0], [2, 2, 3.0]], "rounding_bound": [
            """), r.stdout)
        // Then each entry's and each value's rounding bound and judgement: nothing here cancels, so
        // every bound is a few ulps of what it bounds and nothing is unreliable.
        let object = try JacRunner.json(r.stdout)
        let bounds = try XCTUnwrap(object["rounding_bound"] as? [Double])
        XCTAssertEqual(bounds.count, 4)
        for (b, v) in zip(bounds, [2.0, 1, 4, 3]) { XCTAssertLessThanOrEqual(b, 4 * Double.ulpOfOne * v, "\(bounds)") }
        XCTAssertEqual(object["unreliable"] as? [Bool], [false, false, false, false])
        let valueBounds = try XCTUnwrap(object["value_rounding_bound"] as? [Double])
        for (b, v) in zip(valueBounds, [2.0, 4, 9]) { XCTAssertLessThanOrEqual(b, 4 * Double.ulpOfOne * v, "\(valueBounds)") }
        XCTAssertEqual(object["value_unreliable"] as? [Bool], [false, false, false])
    }

    /// 20 outputs 1e307*x0 + xi: column 0 is dense (20 entries > max(16, ⌈4√20⌉) = 18) and read
    /// from a forward pass, and every entry is finite (by hand: 1e307 and 1). The one row colour's
    /// sweep sums column 0 to +∞ there, and --mode reverse exited 3 with "non-finite derivative
    /// with respect to input 0" where the dense reverse Jacobian succeeds.
    func testAnOverflowingSweepSumInADenseColumnIsNoError() throws {
        let formula = (1...20).map { "1e307*x0 + x\($0)" }.joined(separator: "; ")
        let point = Array(repeating: "1", count: 21).joined(separator: ",")
        let r = try JacRunner.run(["jacobian", formula, "--at", point, "--sparse", "--mode", "reverse", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let entries = try XCTUnwrap(try JacRunner.json(r.stdout)["entries"] as? [[Double]])
        XCTAssertEqual(entries.count, 40)
        for e in entries { XCTAssertEqual(e[2], e[1] == 0 ? 1e307 : 1, "\(e)") }
    }

    /// With --points each JSON line is read alone: it carries its point and value, as the dense
    /// Jacobian's lines do (the sparse lines had only the entries, so lines could not be told apart).
    func testSparseJSONLinesNameTheirPoint() throws {
        let points = try JacRunner.temporaryFile("x,y\n1,2\n3,4\n", name: "sparse-points.csv")
        let r = try JacRunner.run(["jacobian", "x*y; sin(x)", "--points", points, "--sparse", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = try r.stdout.split(separator: "\n").map { try JacRunner.json(String($0)) }
        XCTAssertEqual(lines.count, 2)
        for (o, (x, y)) in zip(lines, [(1.0, 2.0), (3.0, 4.0)]) {
            XCTAssertEqual(o["point"] as? [Double], [x, y])
            XCTAssertEqual(o["variables"] as? [String], ["x", "y"])
            // Compared within 1e-15: JSONSerialization on Linux does not read every number to
            // the nearest Double (0.8414709848078965 comes back one ulp up).
            let value = try XCTUnwrap(o["value"] as? [Double])
            XCTAssertEqual(value.count, 2)
            XCTAssertEqual(value[0], x * y)
            XCTAssertEqual(value[1], Foundation.sin(x), accuracy: 1e-15)
            // d(xy)/dx = y, d(xy)/dy = x, d(sin x)/dx = cos x.
            let entries = try XCTUnwrap(o["entries"] as? [[Double]])
            XCTAssertEqual(entries.map { Array($0.prefix(2)) }, [[0, 0], [0, 1], [1, 0]])
            XCTAssertEqual(try XCTUnwrap(entries[2].last), Foundation.cos(x), accuracy: 1e-15)
            XCTAssertEqual(entries[0].last, y)
            XCTAssertEqual(entries[1].last, x)
        }
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

/// A zero derivative entry is printed 0.0 in every mode. Forward mode printed −0.0 where reverse
/// printed 0.0 for one entry: −relu(x) at −1 is −(relu′(−1)·1) = −(0·1) = −0 in forward mode's
/// order, and reverse mode sums its cotangents from +0. relu′ is exactly 0 left of 0 (by hand),
/// so the entry is 0 and its sign says nothing of f.
final class SignedZeroEntryTests: XCTestCase {
    func testForwardModePrintsAZeroEntryWithoutASign() throws {
        for formula in ["-relu(x)", "-(0*x)"] {
            for mode in ["forward", "reverse"] {
                let sparse = try JacRunner.run(["jacobian", formula, "--at", "x=-1", "--sparse", "--mode", mode, "--format", "json"])
                XCTAssertEqual(sparse.status, 0, sparse.stderr)
                XCTAssertTrue(sparse.stdout.contains("\"entries\": [[0, 0, 0.0]]"), "\(formula) \(mode): \(sparse.stdout)")
                let dense = try JacRunner.run(["jacobian", formula, "--at", "x=-1", "--mode", mode, "--format", "json"])
                XCTAssertEqual(dense.status, 0, dense.stderr)
                XCTAssertTrue(dense.stdout.contains("\"jacobian\": [[0.0]]"), "\(formula) \(mode): \(dense.stdout)")
            }
        }
    }

    /// Guards: f's own value keeps its sign (−relu(−1) = −0.0 in IEEE, as computed in every mode), and
    /// a negative entry stays negative (−relu(x) at 2: −1 by hand).
    func testValuesAndNonzeroEntriesKeepTheirSign() throws {
        let zero = try JacRunner.run(["jacobian", "-relu(x)", "--at", "x=-1", "--mode", "forward", "--format", "json"])
        XCTAssertTrue(zero.stdout.contains("\"value\": [-0.0], \"jacobian\": [[0.0]]"), zero.stdout)
        let negative = try JacRunner.run(["jacobian", "-relu(x)", "--at", "x=2", "--sparse", "--mode", "forward", "--format", "json"])
        XCTAssertTrue(negative.stdout.contains("\"entries\": [[0, 0, -1.0]]"), negative.stdout)
    }
}
