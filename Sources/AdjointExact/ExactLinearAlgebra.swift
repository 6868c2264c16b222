import AdjointCore

/// Rank and determinant of a rational matrix, exactly: what an exact Jacobian's analysis should
/// report, where LAPACK on the entries rounded to Double can lose both (rows x + y and
/// x + (1 + 10⁻²⁰)y round to one row, rank 1 and det 0, where the exact det is 10⁻²⁰).
///
/// Gaussian elimination in exact arithmetic: any nonzero pivot is exact, so no pivoting for
/// stability is needed; the rank is the number of pivots and det the product of the pivots with
/// the permutation's sign. Runs under the work budget (``Rational/withWorkLimit(_:_:)``); an
/// intermediate past ``Rational/bitSizeLimit`` or the budget ends in the limit's typed error.
///
/// ```swift
/// let r = try exactRankAndDeterminant(of: [["1", "1"], ["1", "100000000000000000001/100000000000000000000"]])
/// r.rank          // 2
/// r.determinant   // 1/100000000000000000000
/// ```
/// - Returns: the rank, and for a square matrix its determinant (nil otherwise).
/// - Throws: ``ADError/dimensionMismatch(what:expected:got:)`` for ragged rows,
///   ``ADError/invalidArgument(_:)`` for a NaN entry, and the limits' errors.
public func exactRankAndDeterminant(of matrix: [[Rational]]) throws -> (rank: Int, determinant: Rational?) {
    let rows = matrix.count, cols = matrix.first?.count ?? 0
    if let i = matrix.firstIndex(where: { $0.count != cols }) {
        throw ADError.dimensionMismatch(what: "entries in row \(i) of the matrix", expected: cols, got: matrix[i].count)
    }
    for (i, row) in matrix.enumerated() {
        if let j = row.firstIndex(where: \.isNaN) { throw ADError.invalidArgument("entry (\(i), \(j)) of the matrix is NaN") }
    }
    let (result, diagnostics) = Diagnostics.collect {
        Rational.withWorkLimit { () -> (rank: Int, determinant: Rational?)? in
            var a = matrix
            var rank = 0
            var determinant: Rational = 1
            for column in 0..<cols where rank < rows {
                guard let p = (rank..<rows).first(where: { !a[$0][column].isZero }) else {
                    determinant = 0
                    continue
                }
                if p != rank { a.swapAt(p, rank); determinant = -determinant }
                let pivot = a[rank][column]
                determinant = determinant * pivot
                for i in (rank + 1)..<rows where !a[i][column].isZero {
                    let factor = a[i][column] / pivot
                    for j in column..<cols { a[i][j] = a[i][j] - factor * a[rank][j] }
                }
                // A limit turns results into NaN: stop at the first, the diagnostics say which.
                if determinant.isNaN || a[rank...].contains(where: { $0.contains(where: \.isNaN) }) { return nil }
                rank += 1
            }
            return (rank, rows == cols ? (rank == rows ? determinant : 0) : nil)
        }
    }
    guard let result else {
        throw diagnostics.errors.first ?? ADError.limitExceeded(what: "exact elimination", limit: Rational.workLimit)
    }
    return result
}
