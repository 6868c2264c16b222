import XCTest
import AdjointCore
@testable import AdjointSparse

/// Sizes of a pattern are validated where it is made (audit C8): a negative size used to be
/// accepted and trap later in a colouring, and `.dense` trapped building its range.
final class SparseMatrixTests: XCTestCase {
    func testNegativeSizesAreTypedErrors() {
        for (rows, columns, lists) in [(1, -3, [[Int]()]), (-1, 3, [])] {
            XCTAssertThrowsError(try SparsityPattern(rows: rows, columns: columns, rowColumns: lists)) { e in
                XCTAssertEqual("\(e)", "invalid argument: a sparsity pattern's size must be ≥ 0, got \(rows) × \(columns)")
            }
        }
        XCTAssertThrowsError(try SparsityPattern.dense(rows: 1, columns: -1)) { e in
            XCTAssertEqual("\(e)", "invalid argument: a sparsity pattern's size must be ≥ 0, got 1 × -1")
        }
        XCTAssertThrowsError(try SparsityPattern.dense(rows: Int.max, columns: 2)) { e in
            guard case ADError.invalidArgument = e else { return XCTFail("\(e)") }
        }
    }

    /// A colouring and a transpose allocate per row and per column, whatever the nonzeros: a
    /// 1 × 2⁶⁰ pattern with one entry was accepted and its colouring died in the allocator.
    func testSizesBeyondTheLimitAreTypedErrors() throws {
        let limit = SparsityPattern.maximumDimension
        for (rows, columns) in [(1, 1 << 60), (1 << 60, 1), (1, limit + 1)] {
            XCTAssertThrowsError(try columnColoring(SparsityPattern(rows: rows, columns: columns,
                                                                    rowColumns: Array(repeating: [0], count: min(rows, 2))))) { e in
                guard case ADError.limitExceeded(_, let l) = e else { return XCTFail("\(e)") }
                XCTAssertEqual(l, limit)
            }
        }
        XCTAssertThrowsError(try SparsityPattern.dense(rows: 1 << 20, columns: 1 << 20)) { e in
            guard case ADError.limitExceeded = e else { return XCTFail("\(e)") }
        }
        XCTAssertThrowsError(try SparsityPattern.dense(rows: 1, columns: 1 << 40)) { e in
            guard case ADError.limitExceeded = e else { return XCTFail("\(e)") }
        }
        XCTAssertEqual(try SparsityPattern(rows: 1, columns: limit, rowColumns: [[limit - 1]]).nonzeroCount, 1)
    }

    func testDenseAndEmptyPatterns() throws {
        let d = try SparsityPattern.dense(rows: 2, columns: 3)
        XCTAssertEqual(d.rowColumns, [[0, 1, 2], [0, 1, 2]])
        XCTAssertEqual(d.nonzeroCount, 6)
        let empty = try SparsityPattern(rows: 0, columns: 0, rowColumns: [])
        XCTAssertEqual(columnColoring(empty).count, 0)
        XCTAssertEqual(try starColoring(empty).count, 0)
    }
}
