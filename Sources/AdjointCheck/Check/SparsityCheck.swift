import AdjointCore
import AdjointSparse

/// A declared zero that is not one: output `row` changed when only input `column` moved.
public struct FalseZero: Equatable, Sendable, CustomStringConvertible {
    public let row: Int
    public let column: Int
    /// f_row(x + h·e_column) − f_row(x) for the probe step h that exposed it.
    public let difference: Double
    public let step: Double
    public var description: String {
        "entry (\(row), \(column)) is declared zero but f\(row) changed by \(difference) when x\(column) moved by \(step)"
    }
}

/// What ``checkSparsity(of:at:pattern:)`` found.
public struct SparsityReport<V: ADScalar> {
    /// Entries outside the pattern whose output moved when their input moved alone.
    public let falseZeros: [FalseZero]
    /// Largest |compressed − dense| over all entries (0 when they agree exactly).
    public let maxDifferenceFromDense: Double
    /// The entry where that difference is largest, if any differs.
    public let worstEntry: (row: Int, column: Int)?
    /// The compressed result that was checked.
    public let sparse: SparseJacobianResult<V>
    /// Whether the pattern held and the compressed Jacobian equals the dense one exactly.
    public var passed: Bool { falseZeros.isEmpty && maxDifferenceFromDense == 0 }
}

extension SparsityReport: CustomStringConvertible {
    /// Whether the check passed, each finding (false zeros, and how far the compressed Jacobian
    /// is from the dense one and where), then the compressed Jacobian checked (see
    /// ``AdjointSparse/SparseJacobianResult/description``). It printed as a dump of every stored
    /// field, the result's CSR arrays included (a new user's pass).
    ///
    /// ```swift
    /// let diagonal = try SparsityPattern(rows: 4, columns: 4, rowColumns: [[0], [1], [2], [3]])
    /// print(try checkSparsity(of: Tridiagonal(), at: [0.5, 1.0, 1.5, 2.0], pattern: diagonal))
    /// // sparsity check: FAILED
    /// //   false zero: entry (0, 1) is declared zero but f0 changed by … when x1 moved by …
    /// //   … (one line per false zero)
    /// //   the compressed Jacobian differs from the dense one by up to …, at entry (…)
    /// // sparse Jacobian 4 × 4 (forward mode): 4 entries in the pattern, 1 colour, 1 forward pass, 0 reverse sweeps
    /// //   (0, 0) = …
    /// ```
    public var description: String {
        var lines = ["sparsity check: " + (passed ? "passed (no declared zero moved; the compressed Jacobian equals the dense one exactly)" : "FAILED")]
        for z in falseZeros { lines.append("  false zero: \(z)") }
        if maxDifferenceFromDense != 0 {
            let at = worstEntry.map { ", at entry (\($0.row), \($0.column))" } ?? ""
            lines.append("  the compressed Jacobian differs from the dense one by up to \(maxDifferenceFromDense)\(at)")
        }
        lines.append(sparse.description)
        return lines.joined(separator: "\n")
    }
}

/// A sparsity pattern found wrong.
public enum SparsityCheckError: Error, Equatable, CustomStringConvertible {
    /// Declared zeros that are not (the first names the entry).
    case falseZeros([FalseZero])
    /// The compressed Jacobian differs from the dense one at an entry.
    case compressedDiffers(row: Int, column: Int, compressed: Double, dense: Double)

    public var description: String {
        switch self {
        case let .falseZeros(z): return "false zero: " + z.map(\.description).joined(separator: "; ")
        case let .compressedDiffers(i, j, c, d):
            return "entry (\(i), \(j)): compressed Jacobian gives \(c), dense Jacobian \(d)"
        }
    }
}

extension SparseJacobianResult {
    /// Whether entry (i, j) was computed by the other mode than ``mode``: a dense row of forward
    /// mode (one reverse sweep) or a dense column of reverse mode (a forward pass).
    func isSplitOff(row i: Int, column j: Int) -> Bool {
        mode == .forward ? denseRows.contains(i) : denseColumns.contains(j)
    }
}

/// Relative probe steps for the zero test. Independence is tested exactly: an output that does not
/// read x_j is computed from bit-identical operands when only x_j moves, so any change at all is
/// a dependence. Two steps of different scale guard against a dependence that happens to cancel at
/// one of them (an even function of x_j − c probed symmetrically, a rounding-absorbed small move).
public let sparsityProbeSteps: [Double] = [0x1p-10, 0.37]

/// Checks a sparse Jacobian two ways: (1) the compressed result against the dense forward Jacobian
/// entry by entry (they must agree exactly: a colour group adds only exact zeros to an entry; a
/// row split off as dense, computed by a reverse sweep, against the dense reverse Jacobian; with
/// a vector primitive that has a VJP and no JVP, the compressed and dense Jacobians are reverse
/// mode's), and
/// (2) every entry the pattern declares zero, by moving its input alone and watching its output.
/// Meant for small problems: (2) costs 2·n evaluations and (1) a dense Jacobian.
///
/// The pattern checked is `pattern` when given (say, a user's declaration), else the one detected
/// from the tape, with the declared patterns of `primitives` (``AdjointCore/VectorPrimitive/sparsity(inputs:)``);
/// either holds for the recorded control-flow path only.
///
/// ```swift
/// let report = try checkSparsity(of: Tridiagonal(), at: [0.5, 1.0, 1.5, 2.0])
/// report.passed   // true
/// let wrong = try SparsityPattern(rows: 4, columns: 4, rowColumns: [[0], [1], [2], [3]])
/// try checkSparsity(of: Tridiagonal(), at: [0.5, 1.0, 1.5, 2.0], pattern: wrong).falseZeros.first
/// // entry (0, 1) is declared zero but f0 changed by …
/// ```
public func checkSparsity(
    of f: some ADFunction, at x: [Double], pattern declared: SparsityPattern? = nil,
    primitives: [any VectorPrimitive.Type] = []
) throws -> SparsityReport<Double> {
    // Not verified by sparseJacobian: this check probes every declared zero itself and reports
    // the false ones entry by entry, which a thrown DeclaredPatternError would hide.
    let options = SparseJacobianOptions(verifiesDeclaredPattern: false)
    let sparse: SparseJacobianResult<Double>
    do {
        sparse = try sparseJacobian(of: f, at: x, options: options, pattern: declared, primitives: primitives)
    } catch ADError.missingRule(_, "forward mode", "JVP") {
        // A vector primitive with a VJP only: the compressed Jacobian is checked in reverse mode,
        // the one it can run (this check threw the missing JVP, though nothing it checks needs one).
        sparse = try sparseJacobian(of: f, at: x, mode: .reverse, options: options, pattern: declared, primitives: primitives)
    }
    let pattern = sparse.pattern
    // Each entry against the dense Jacobian of the mode that computed it. Rows split off as
    // dense (one reverse sweep each, in forward mode) or columns (forward passes, in reverse
    // mode) hold the other mode's entries, which sum a row's terms in another order and may
    // differ in the last bit: compared with the forward Jacobian, a detected (correct) pattern
    // failed by 5.6e-17 on an arrow.
    let dense = try jacobian(of: f, at: x, mode: sparse.mode == .forward ? .forward : .reverse).jacobian
    let hasSplit = !sparse.denseRows.isEmpty || !sparse.denseColumns.isEmpty
    let other = hasSplit ? try jacobian(of: f, at: x, mode: sparse.mode == .forward ? .reverse : .forward).jacobian : dense
    var worst = 0.0
    var worstEntry: (Int, Int)?
    let computed = sparse.matrix.dense()
    let splitRows = Set(sparse.denseRows), splitColumns = Set(sparse.denseColumns)
    for i in 0..<pattern.rows {
        for j in 0..<pattern.columns {
            let reference = splitRows.contains(i) || splitColumns.contains(j) ? other[i][j] : dense[i][j]
            let diff = abs(computed[i][j] - reference)
            if diff > worst || (diff.isNaN && !worst.isNaN) { worst = diff; worstEntry = (i, j) }
        }
    }
    Instrumentation.countEvaluation()
    let base: [Double] = f(x)
    var falseZeros: [FalseZero] = []
    for j in 0..<pattern.columns {
        let rowsToProbe = (0..<pattern.rows).filter { !pattern.contains(row: $0, column: j) }
        if rowsToProbe.isEmpty { continue }
        var flagged = Set<Int>()
        for rel in sparsityProbeSteps {
            var moved = x
            let h = rel * max(1, abs(x[j]))
            moved[j] += h
            Instrumentation.countEvaluation()
            let y: [Double] = f(moved)
            for i in rowsToProbe where !flagged.contains(i) && i < y.count && !(y[i] == base[i]) {
                flagged.insert(i)
                falseZeros.append(FalseZero(row: i, column: j, difference: y[i] - base[i], step: h))
            }
        }
    }
    falseZeros.sort { ($0.row, $0.column) < ($1.row, $1.column) }
    return SparsityReport(falseZeros: falseZeros, maxDifferenceFromDense: worst, worstEntry: worstEntry, sparse: sparse)
}

/// ``checkSparsity(of:at:pattern:)`` as a throwing check: a false zero throws
/// ``SparsityCheckError/falseZeros(_:)`` naming the entries; a compressed entry unequal to the dense
/// one throws ``SparsityCheckError/compressedDiffers(row:column:compressed:dense:)``.
public func assertSparsity(of f: some ADFunction, at x: [Double], pattern: SparsityPattern? = nil,
                           primitives: [any VectorPrimitive.Type] = []) throws {
    let r = try checkSparsity(of: f, at: x, pattern: pattern, primitives: primitives)
    if !r.falseZeros.isEmpty { throw SparsityCheckError.falseZeros(r.falseZeros) }
    if let (i, j) = r.worstEntry {
        let computedInForward = (r.sparse.mode == .forward) != r.sparse.isSplitOff(row: i, column: j)
        let mode: JacobianMode = computedInForward ? .forward : .reverse
        let dense = try jacobian(of: f, at: x, mode: mode).jacobian
        throw SparsityCheckError.compressedDiffers(row: i, column: j, compressed: try r.sparse.matrix[i, j], dense: dense[i][j])
    }
}
