import AdjointCore

/// Where a matrix may be nonzero: for each row, its possibly nonzero columns in increasing order.
///
/// A pattern detected from a tape holds for the control-flow path that was recorded: a branch
/// taken differently at another point can add or remove entries.
///
/// ```swift
/// let p = try SparsityPattern(rows: 2, columns: 3, rowColumns: [[0, 1], [2]])
/// p.contains(row: 0, column: 1)   // true
/// p.nonzeroCount                  // 3
/// ```
public struct SparsityPattern: Equatable, Sendable {
    /// Number of rows (outputs of a Jacobian).
    public let rows: Int
    /// Number of columns (inputs).
    public let columns: Int
    /// For each row, its possibly nonzero columns, sorted and without repeats.
    public let rowColumns: [[Int]]

    /// A pattern from per-row column lists (sorted and deduplicated here).
    /// - Throws: ``AdjointCore/ADError/invalidArgument(_:)`` when `rows` or `columns` is negative
    ///   or a column is outside `0..<columns`; ``AdjointCore/ADError/dimensionMismatch(what:expected:got:)``
    ///   when the number of lists is not `rows`; ``AdjointCore/ADError/limitExceeded(what:limit:)``
    ///   when `rows` or `columns` exceeds ``maximumDimension``.
    public init(rows: Int, columns: Int, rowColumns: [[Int]]) throws {
        try requireDimensions(rows: rows, columns: columns)
        guard rowColumns.count == rows else {
            throw ADError.dimensionMismatch(what: "rows of a sparsity pattern", expected: rows, got: rowColumns.count)
        }
        for (i, cols) in rowColumns.enumerated() {
            if let bad = cols.first(where: { $0 < 0 || $0 >= columns }) {
                throw ADError.invalidArgument("column \(bad) in row \(i) is outside 0..<\(columns)")
            }
        }
        self.init(unchecked: rows, columns, rowColumns.map { Array(Set($0)).sorted() })
    }

    init(unchecked rows: Int, _ columns: Int, _ sortedRowColumns: [[Int]]) {
        self.rows = rows; self.columns = columns; self.rowColumns = sortedRowColumns
    }

    /// The dense pattern (every entry possibly nonzero).
    ///
    /// ```swift
    /// try SparsityPattern.dense(rows: 2, columns: 3).nonzeroCount   // 6
    /// ```
    /// - Throws: ``AdjointCore/ADError/invalidArgument(_:)`` for a negative size or when
    ///   rows × columns overflows Int; ``AdjointCore/ADError/limitExceeded(what:limit:)`` when it
    ///   has more entries than ``maximumDimension``.
    public static func dense(rows: Int, columns: Int) throws -> SparsityPattern {
        try requireDimensions(rows: rows, columns: columns, bounded: false)
        let (entries, overflow) = rows.multipliedReportingOverflow(by: columns)
        if overflow {
            throw ADError.invalidArgument("a dense \(rows) × \(columns) pattern has more entries than Int can count")
        }
        // Rows share one column list, but a colouring or a transpose writes every entry.
        if entries > maximumDimension {
            throw ADError.limitExceeded(what: "entries of a dense \(rows) × \(columns) sparsity pattern", limit: maximumDimension)
        }
        return SparsityPattern(unchecked: rows, columns, Array(repeating: Array(0..<columns), count: rows))
    }

    /// The largest row or column count (and dense pattern's entry count) the throwing
    /// initializers accept: the default tape-entry bound for Double
    /// (``AdjointCore/Tape/defaultLimit``, about a quarter of physical memory in entries). A
    /// colouring and a transpose allocate per row and per column whatever the nonzeros, so a
    /// pattern of 1 × 2⁶⁰ with one entry ended in the allocator, not in an error.
    public static var maximumDimension: Int { Tape<Double>.defaultLimit }

    /// Number of possibly nonzero entries.
    public var nonzeroCount: Int { rowColumns.reduce(0) { $0 + $1.count } }

    /// Whether entry (row, column) may be nonzero.
    public func contains(row: Int, column: Int) -> Bool {
        guard row >= 0 && row < rows else { return false }
        return binarySearch(rowColumns[row], column) != nil
    }

    /// The pattern of the transpose: for each column, the rows that touch it.
    public func transposed() -> SparsityPattern {
        var cols = Array(repeating: [Int](), count: columns)
        for (i, row) in rowColumns.enumerated() { for j in row { cols[j].append(i) } }
        return SparsityPattern(unchecked: columns, rows, cols)
    }
}

/// Sizes of a pattern are counts: a negative one would pass the per-row checks (no column can be
/// in `0..<-3`) and trap later, in a colouring or a transpose.
///
/// - Parameter bounded: whether to check ``SparsityPattern/maximumDimension`` too (`dense`
///   checks its entry count instead, after the overflow that has its own message).
func requireDimensions(rows: Int, columns: Int, bounded: Bool = true) throws {
    guard rows >= 0 && columns >= 0 else {
        throw ADError.invalidArgument("a sparsity pattern's size must be ≥ 0, got \(rows) × \(columns)")
    }
    guard bounded else { return }
    let limit = SparsityPattern.maximumDimension
    guard rows <= limit && columns <= limit else {
        throw ADError.limitExceeded(what: "rows and columns of a sparsity pattern (got \(rows) × \(columns))", limit: limit)
    }
}

@usableFromInline func binarySearch(_ a: [Int], _ x: Int) -> Int? {
    var lo = 0, hi = a.count
    while lo < hi {
        let mid = (lo + hi) / 2
        if a[mid] < x { lo = mid + 1 } else { hi = mid }
    }
    return lo < a.count && a[lo] == x ? lo : nil
}

/// A sparse matrix in compressed sparse row form (CSR), with its coordinate list (COO) as a view.
/// Entries are stored for every position of the pattern, zeros included, in row-major order.
///
/// ```swift
/// let j = try sparseJacobian(of: Tridiagonal(), at: x)
/// for (i, k, v) in j.matrix.entries { print(i, k, v) }   // COO, 0-based
/// j.matrix.rowPointers                                    // CSR
/// ```
public struct SparseMatrix<V: ADScalar> {
    /// Number of rows.
    public let rows: Int
    /// Number of columns.
    public let columns: Int
    /// CSR: entries of row i are at `rowPointers[i]..<rowPointers[i + 1]`.
    public let rowPointers: [Int]
    /// CSR: the column of each stored entry.
    public let columnIndices: [Int]
    /// CSR: the value of each stored entry.
    public let values: [V]

    /// The matrix with the given pattern and one value per pattern entry (row-major order).
    public init(pattern: SparsityPattern, values: [V]) throws {
        try requireCount("values (one per pattern entry)", pattern.nonzeroCount, values.count)
        rows = pattern.rows; columns = pattern.columns
        var pointers = [0]
        pointers.reserveCapacity(rows + 1)
        for r in pattern.rowColumns { pointers.append(pointers[pointers.count - 1] + r.count) }
        rowPointers = pointers
        columnIndices = pattern.rowColumns.flatMap { $0 }
        self.values = values
    }

    /// COO: (row, column, value) for every stored entry, row-major.
    public var entries: [(row: Int, column: Int, value: V)] {
        (0..<rows).flatMap { i in (rowPointers[i]..<rowPointers[i + 1]).map { (i, columnIndices[$0], values[$0]) } }
    }

    /// COO row indices, parallel to ``columnIndices`` and ``values``.
    public var rowIndices: [Int] {
        (0..<rows).flatMap { i in Array(repeating: i, count: rowPointers[i + 1] - rowPointers[i]) }
    }

    /// The entry at (row, column): the stored value, or 0 outside the pattern. A position outside
    /// the matrix throws ``ADError/invalidArgument(_:)`` (it read 0, as if it were a structural
    /// zero of the Jacobian).
    ///
    /// ```swift
    /// let j = try sparseJacobian(of: f, at: x)
    /// let d = try j.matrix[0, 1]
    /// ```
    public subscript(row: Int, column: Int) -> V {
        get throws {
            guard row >= 0 && row < rows && column >= 0 && column < columns else {
                throw ADError.invalidArgument("entry (\(row), \(column)) is outside the \(rows)×\(columns) matrix")
            }
            let slice = Array(columnIndices[rowPointers[row]..<rowPointers[row + 1]])
            guard let k = binarySearch(slice, column) else { return 0 }
            return values[rowPointers[row] + k]
        }
    }

    /// The dense matrix (rows of columns): for comparisons on small problems.
    public func dense() -> [[V]] {
        var d = Array(repeating: Array(repeating: V(0), count: columns), count: rows)
        for i in 0..<rows { for k in rowPointers[i]..<rowPointers[i + 1] { d[i][columnIndices[k]] = values[k] } }
        return d
    }
}

@usableFromInline func requireCount(_ what: String, _ expected: Int, _ got: Int) throws {
    if expected != got { throw ADError.dimensionMismatch(what: what, expected: expected, got: got) }
}
