import AdjointCore

/// How a sparse Jacobian was compressed.
public enum SparseJacobianMode: String, Sendable, CaseIterable {
    /// Column colouring, forward passes of up to 8 groups each; rows with more than
    /// ``SparseJacobianOptions/denseRowThreshold`` nonzeros are split off to one reverse sweep each.
    case forward
    /// Row colouring, one reverse sweep per colour over a single recording.
    case reverse
}

/// A sparse Jacobian with how it was obtained.
public struct SparseJacobianResult<V: ADScalar> {
    /// f(x).
    public let value: [V]
    /// The Jacobian: every entry of `pattern`, zeros included; entries outside it are zero.
    public let matrix: SparseMatrix<V>
    /// The detected pattern (for the recorded control-flow path).
    public let pattern: SparsityPattern
    /// The colouring used (of columns for `.forward`, of rows for `.reverse`).
    public let coloring: Coloring
    /// Rows taken out of the column colouring and computed by one reverse sweep each.
    public let denseRows: [Int]
    /// The mode used.
    public let mode: SparseJacobianMode
    /// Forward passes taken (⌈colours/8⌉ for `.forward`).
    public let forwardPasses: Int
    /// Reverse sweeps taken (one per colour for `.reverse`, one per dense row for `.forward`).
    public let reverseSweeps: Int
}

/// Tuning for ``sparseJacobian(of:at:mode:options:)``.
public struct SparseJacobianOptions: Sendable {
    /// Rows with more nonzeros than this are computed by a reverse sweep each instead of being
    /// coloured: a dense row forces every column into its own colour (an arrow matrix would need n
    /// colours), while one sweep costs about one evaluation. nil picks max(16, ⌈4√n⌉): a row that
    /// long costs as much in colours as several sweeps would.
    public var denseRowThreshold: Int?
    public init(denseRowThreshold: Int? = nil) { self.denseRowThreshold = denseRowThreshold }
}

/// The Jacobian of `f` at `x` as a sparse matrix, by colouring: detect the pattern from one
/// recording, colour it, evaluate the compressed product in ⌈colours/8⌉ chunked forward passes (or
/// one reverse sweep per row colour), and read each entry back from the compressed product.
///
/// - Parameter pattern: a pattern to use instead of the detected one (a user's declaration; a
///   wrong one gives wrong entries, which `checkSparsity` reports).
///
/// Every entry equals the dense Jacobian's (a structurally orthogonal group adds only exact zeros
/// to an entry), for the recorded control-flow path. Check a pattern with `checkSparsity`.
///
/// ```swift
/// struct Tridiagonal: ADFunction {
///     func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
///         x.indices.map { i in (i > 0 ? x[i - 1] : 0) - 2 * x[i] * x[i] + (i + 1 < x.count ? x[i + 1] : 0) }
///     }
/// }
/// let j = try sparseJacobian(of: Tridiagonal(), at: Array(repeating: 1.0, count: 10_000))
/// j.coloring.count   // 3, one forward pass
/// ```
public func sparseJacobian<V: ADScalar & BinaryFloatingPoint & SIMDScalar>(
    of f: some ADFunction, at x: [V], mode: SparseJacobianMode = .forward,
    options: SparseJacobianOptions = SparseJacobianOptions(), pattern declared: SparsityPattern? = nil
) throws -> SparseJacobianResult<V> {
    if let n = f.inputCount { try requireCount("number of inputs", n, x.count) }
    let rec = try record({ f($0) }, at: x)
    let pattern = declared ?? jacobianSparsity(of: rec)
    guard pattern.rows == rec.outputs.count && pattern.columns == x.count else {
        throw ADError.invalidArgument("pattern is \(pattern.rows) × \(pattern.columns), the Jacobian \(rec.outputs.count) × \(x.count)")
    }
    switch mode {
    case .reverse: return try reverseCompressed(rec, pattern)
    case .forward: return try forwardCompressed(f, x, rec, pattern, options)
    }
}

private func forwardCompressed<V: ADScalar & BinaryFloatingPoint & SIMDScalar>(
    _ f: some ADFunction, _ x: [V], _ rec: Recording<V>, _ pattern: SparsityPattern, _ options: SparseJacobianOptions
) throws -> SparseJacobianResult<V> {
    let n = pattern.columns
    let threshold = options.denseRowThreshold ?? max(16, Int((4 * Double(n).squareRoot()).rounded(.up)))
    let denseRows = pattern.rowColumns.indices.filter { pattern.rowColumns[$0].count > threshold }
    let isDense = Set(denseRows)
    let reduced = SparsityPattern(unchecked: pattern.rows, n, pattern.rowColumns.enumerated().map { isDense.contains($0) ? [] : $1 })
    let coloring = columnColoring(reduced)
    var compressed: [[V]] = Array(repeating: [], count: pattern.rows)
    var passes = 0
    if coloring.count > 0 {
        let r = try forwardCompressedJacobian(of: { (d: [Dual<V, SIMD8<V>>]) in f(d) }, at: x,
                                              groups: coloring.colors, groupCount: coloring.count)
        compressed = r.compressed
        passes = r.passes
    }
    var denseValues: [Int: [V]] = [:]
    for i in denseRows {
        denseValues[i] = try rec.pullback((0..<pattern.rows).map { $0 == i ? 1 : 0 })
    }
    var values: [V] = []
    values.reserveCapacity(pattern.nonzeroCount)
    for (i, cols) in pattern.rowColumns.enumerated() {
        if let row = denseValues[i] { for j in cols { values.append(row[j]) } }
        else { for j in cols { values.append(compressed[i][coloring.colors[j]]) } }
    }
    return SparseJacobianResult(value: rec.value, matrix: try SparseMatrix(pattern: pattern, values: values),
                                pattern: pattern, coloring: coloring, denseRows: denseRows, mode: .forward,
                                forwardPasses: passes, reverseSweeps: denseRows.count)
}

private func reverseCompressed<V: ADScalar>(_ rec: Recording<V>, _ pattern: SparsityPattern) throws -> SparseJacobianResult<V> {
    let coloring = rowColoring(pattern)
    // One sweep per row colour over the same recording: R[c] = (indicator of colour c)ᵀ·J.
    let compressed = try (0..<coloring.count).map { c in
        try rec.pullback(coloring.colors.map { $0 == c ? 1 : 0 })
    }
    var values: [V] = []
    values.reserveCapacity(pattern.nonzeroCount)
    for (i, cols) in pattern.rowColumns.enumerated() { for j in cols { values.append(compressed[coloring.colors[i]][j]) } }
    return SparseJacobianResult(value: rec.value, matrix: try SparseMatrix(pattern: pattern, values: values),
                                pattern: pattern, coloring: coloring, denseRows: [], mode: .reverse,
                                forwardPasses: 0, reverseSweeps: coloring.count)
}
