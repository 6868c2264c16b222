// The forward driver for compressed (coloured) Jacobians, beside `forwardJacobian(of:at:checked:)`:
// the same seed–evaluate–collect loop, but each pass seeds the indicator vectors of whole column
// groups instead of unit vectors, so a Jacobian whose columns fall into k structurally orthogonal
// groups costs ⌈k/lanes⌉ passes instead of ⌈n/lanes⌉. Recovery of the entries from the compressed
// product needs the sparsity pattern and lives in AdjointSparse.

/// The compressed Jacobian B = J·S by forward mode, where column `c` of the seed matrix S is the
/// indicator of the inputs with `groups[j] == c`: `T.laneCount` groups per pass.
///
/// With a proper column colouring (no two columns of one group share a nonzero row), row i of
/// group c holds the single entry J[i][j] of the column j of that group that row i touches.
///
/// - Parameters:
///   - groups: one group number in `0..<groupCount` per input.
///   - checked: as for ``forwardJacobian(of:at:checked:)``.
/// - Returns: f(x), B as `m` rows of `groupCount` entries, and the passes taken.
///
/// ```swift
/// // f = (x0·x1, x2²): columns 0 and 2 share no row, so 2 groups suffice.
/// let r = try forwardCompressedJacobian(of: { (x: [Dual<Double, SIMD2<Double>>]) in [x[0] * x[1], x[2] * x[2]] },
///                                       at: [1.0, 2.0, 3.0], groups: [0, 1, 0], groupCount: 2)
/// r.compressed   // [[2, 1], [6, 0]]
/// ```
@inlinable public func forwardCompressedJacobian<V: ADScalar, T: TangentVector>(
    of f: ([Dual<V, T>]) -> [Dual<V, T>], at x: [V], groups: [Int], groupCount: Int, checked: Bool = true
) throws -> (value: [V], compressed: [[V]], passes: Int, diagnostics: EvaluationDiagnostics) where T.Scalar == V {
    try requireCount("number of column groups (one per input)", x.count, groups.count)
    if let bad = groups.firstIndex(where: { $0 < 0 || $0 >= groupCount }) {
        throw ADError.invalidArgument("group \(groups[bad]) of input \(bad) is outside 0..<\(groupCount)")
    }
    let lanes = T.laneCount
    var value: [V] = []
    var compressed: [[V]] = []
    var passes = 0
    var diagnostics = EvaluationDiagnostics()
    var start = 0
    repeat {
        // As for the plain forward Jacobian: an enclosing collection gets the kinks once.
        var noEscapesSeen = 0
        Instrumentation.countEvaluation()
        let (y, diag) = Diagnostics.collect({ () -> [Dual<V, T>] in
            let seeded = x.indices.map { j -> Dual<V, T> in
                var t = T.zero
                let g = groups[j]
                if g >= start && g < start + lanes { t[lane: g - start] = 1 }
                return Dual(x[j], tangent: t)
            }
            return f(seeded)
        }, passingOn: { $0.repeatedEvaluation(keepingKinks: passes == 0, escapesSeen: &noEscapesSeen) })
        if checked { try throwFirstError(diag) }
        if passes == 0 {
            value = y.map(\.value); diagnostics = diag
            compressed = Array(repeating: Array(repeating: V(0), count: groupCount), count: value.count)
        } else {
            // Errors of every pass (a user primitive's JVP may fail on any lane), for an unchecked
            // caller that finds a NaN entry and throws the error behind it.
            diagnostics.escapes += diag.escapes
            diagnostics.errors += diag.errors.prefix(Swift.max(0, Diagnostics.storedEventLimit - diagnostics.errors.count))
            diagnostics.errorCount += diag.errorCount
        }
        for lane in 0..<Swift.max(0, Swift.min(lanes, groupCount - start)) {
            for i in 0..<Swift.min(y.count, compressed.count) { compressed[i][start + lane] = y[i].tangent[lane: lane] }
        }
        passes += 1
        start += lanes
    } while start < groupCount
    if checked {
        try checkFinite(value, what: "output")
        try checkFinite(rows: compressed, what: "compressed Jacobian entry")
    }
    return (value, compressed, passes, diagnostics)
}
