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
/// - Parameters:
///   - pattern: a pattern to use instead of the detected one (a user's declaration; a wrong one
///     gives wrong entries, which `checkSparsity` reports).
///   - primitives: vector primitives whose declared ``AdjointCore/VectorPrimitive/sparsity(inputs:)``
///     replaces the dense default during detection.
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
@inlinable public func sparseJacobian<V: ADScalar & BinaryFloatingPoint & SIMDScalar>(
    of f: some ADFunction, at x: [V], mode: SparseJacobianMode = .forward,
    options: SparseJacobianOptions = SparseJacobianOptions(), pattern declared: SparsityPattern? = nil,
    primitives: [any VectorPrimitive.Type] = []
) throws -> SparseJacobianResult<V> {
    // Inlinable so that the two evaluations of `f` below are specialized for the caller's function
    // type: unspecialized, every op of f goes through witness tables (measured 3× slower at n = 10⁴).
    if let n = f.inputCount { try requireCount("number of inputs", n, x.count) }
    let rec = try record({ f($0) }, at: x)
    let plan = try SparseJacobianPlan(rec, mode: mode, options: options, pattern: declared ?? jacobianSparsity(of: rec, primitives: primitives))
    guard mode == .forward else { return try plan.assemble(rec, compressed: [], forwardPasses: 0) }
    if plan.coloring.count == 0 { return try plan.assemble(rec, compressed: [], forwardPasses: 0) }
    let r = try forwardCompressedJacobian(of: { (d: [Dual<V, SIMD8<V>>]) in f(d) }, at: x,
                                          groups: plan.coloring.colors, groupCount: plan.coloring.count)
    return try plan.assemble(rec, compressed: r.compressed, forwardPasses: r.passes)
}

/// Pattern, colouring and dense rows for one sparse Jacobian; the evaluations of f stay in the
/// inlinable caller.
@usableFromInline struct SparseJacobianPlan {
    @usableFromInline let pattern: SparsityPattern
    @usableFromInline let coloring: Coloring
    let denseRows: [Int]
    let mode: SparseJacobianMode

    @usableFromInline init<V>(_ rec: Recording<V>, mode: SparseJacobianMode, options: SparseJacobianOptions,
                              pattern: SparsityPattern) throws {
        guard pattern.rows == rec.outputs.count && pattern.columns == rec.inputs.count else {
            throw ADError.invalidArgument("pattern is \(pattern.rows) × \(pattern.columns), the Jacobian \(rec.outputs.count) × \(rec.inputs.count)")
        }
        self.pattern = pattern
        self.mode = mode
        switch mode {
        case .reverse:
            coloring = rowColoring(pattern)
            denseRows = []
        case .forward:
            let n = pattern.columns
            let threshold = options.denseRowThreshold ?? max(16, Int((4 * Double(n).squareRoot()).rounded(.up)))
            let dense = pattern.rowColumns.indices.filter { pattern.rowColumns[$0].count > threshold }
            var isDense = Array(repeating: false, count: pattern.rows)
            for i in dense { isDense[i] = true }
            let reduced = SparsityPattern(unchecked: pattern.rows, n,
                                          pattern.rowColumns.enumerated().map { isDense[$0] ? [] : $1 })
            coloring = columnColoring(reduced)
            denseRows = dense
        }
    }

    /// Reads every pattern entry from the compressed forward product (columns grouped by colour),
    /// from one reverse sweep per dense row, or, in reverse mode, from one sweep per row colour.
    @usableFromInline func assemble<V: ADScalar>(_ rec: Recording<V>, compressed: [[V]], forwardPasses: Int) throws -> SparseJacobianResult<V> {
        var values: [V] = []
        values.reserveCapacity(pattern.nonzeroCount)
        let colors = coloring.colors
        switch mode {
        case .reverse:
            // R[c] = (indicator of row colour c)ᵀ·J, one sweep each over the same recording.
            let products = try (0..<coloring.count).map { c in try rec.pullback(colors.map { $0 == c ? 1 : 0 }) }
            for (i, cols) in pattern.rowColumns.enumerated() { for j in cols { values.append(products[colors[i]][j]) } }
        case .forward:
            var denseValues = Array(repeating: [V](), count: pattern.rows)
            for i in denseRows { denseValues[i] = try rec.pullback((0..<pattern.rows).map { $0 == i ? 1 : 0 }) }
            for (i, cols) in pattern.rowColumns.enumerated() {
                if !denseValues[i].isEmpty { for j in cols { values.append(denseValues[i][j]) } }
                else { for j in cols { values.append(compressed[i][colors[j]]) } }
            }
        }
        return SparseJacobianResult(value: rec.value, matrix: try SparseMatrix(pattern: pattern, values: values),
                                    pattern: pattern, coloring: coloring, denseRows: denseRows, mode: mode,
                                    forwardPasses: forwardPasses,
                                    reverseSweeps: mode == .reverse ? coloring.count : denseRows.count)
    }
}
