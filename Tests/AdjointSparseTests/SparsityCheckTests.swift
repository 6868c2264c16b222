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
}
