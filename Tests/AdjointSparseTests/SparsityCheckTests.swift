import XCTest
import AdjointCore
import AdjointCheck
import AdjointSparse

final class SparsityCheckTests: XCTestCase {
    func testDetectedPatternsPassTheCheck() throws {
        for f in [Tridiagonal() as any ADFunction, Arrow()] {
            let r = try checkSparsity(of: f, at: points(40))
            XCTAssertTrue(r.falseZeros.isEmpty)
            XCTAssertEqual(r.maxDifferenceFromDense, 0)
            XCTAssertTrue(r.passed)
        }
    }

    func testADeclaredPatternMissingTheBandIsReportedAsFalseZerosNamingTheEntry() throws {
        let n = 6
        let diagonal = try SparsityPattern(rows: n, columns: n, rowColumns: (0..<n).map { [$0] })
        let r = try checkSparsity(of: Tridiagonal(), at: points(n), pattern: diagonal)
        XCTAssertFalse(r.passed)
        XCTAssertEqual(r.falseZeros.map { [$0.row, $0.column] },
                       (0..<n).flatMap { i in [i - 1, i + 1].filter { (0..<n).contains($0) }.map { [i, $0] } })
        XCTAssertGreaterThan(r.maxDifferenceFromDense, 0)   // the compressed result is wrong too
        XCTAssertThrowsError(try assertSparsity(of: Tridiagonal(), at: points(n), pattern: diagonal)) { e in
            XCTAssertTrue("\(e)".contains("entry (0, 1) is declared zero"), "\(e)")
        }
        XCTAssertNoThrow(try assertSparsity(of: Tridiagonal(), at: points(n)))
    }

    /// A dense row is split off and computed by a reverse sweep, which sums the row's terms in
    /// another order than forward mode: compared with the forward Jacobian only, the detected
    /// pattern of an arrow whose hub entries sum several terms failed the check by 5.6e-17 (and
    /// `assertSparsity` threw) though it is right. Each entry is now compared with the dense
    /// Jacobian of the mode that computed it, exactly.
    func testADetectedPatternWithADenseRowPassesExactly() throws {
        var g = SeededGenerator(seed: 11)
        let n = 60
        for rows in [(0..<n).map { i in i == 0 ? Array(0..<n) : [0, i] }, (0..<n).map { i in i == 5 ? Array(0..<n) : [7, i] }] {
            let f = PatternFunction(rows: rows, inputs: n)
            let x = (0..<n).map { _ in 0.3 + g.nextUnit() }
            let r = try checkSparsity(of: f, at: x)
            XCTAssertFalse(r.sparse.denseRows.isEmpty, "the case needs a row split off")
            XCTAssertEqual(r.maxDifferenceFromDense, 0)
            XCTAssertTrue(r.falseZeros.isEmpty)
            XCTAssertTrue(r.passed)
            XCTAssertNoThrow(try assertSparsity(of: f, at: x))
            // The two dense modes do differ in that row here (else the case would not test this).
            let forward = try jacobian(of: f, at: x, mode: .forward).jacobian, reverse = try jacobian(of: f, at: x, mode: .reverse).jacobian
            XCTAssertNotEqual(forward[r.sparse.denseRows[0]], reverse[r.sparse.denseRows[0]])
        }
        // A wrong declaration with a dense row is still caught.
        let arrow = (0..<n).map { i in i == 0 ? Array(0..<n) : [0, i] }
        let f = PatternFunction(rows: arrow, inputs: n)
        let x = (0..<n).map { _ in 0.3 + g.nextUnit() }
        let missing = try SparsityPattern(rows: n, columns: n, rowColumns: (0..<n).map { i in i == 0 ? Array(1..<n) : [0, i] })
        XCTAssertFalse(try checkSparsity(of: f, at: x, pattern: missing).passed)
    }
}
