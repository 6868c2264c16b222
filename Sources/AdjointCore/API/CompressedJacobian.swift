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
///   - checked: as for ``forwardJacobian(of:at:checked:)``; checked, a pass that raised the
///     underflow flag is run again with its directions lifted, as there (see RangeRecovery).
///   - reading: per row, the groups a caller reads: those entries of a pass that raised the
///     underflow flag are recovered (or the loss thrown) even when unchecked, and the others are
///     left as computed (a row a sparse Jacobian takes by reverse sweeps sums a whole group,
///     which may be anything). nil reads every entry when checked and none when not.
/// - Returns: f(x), B as `m` rows of `groupCount` entries, and the passes taken.
///
/// ```swift
/// // f = (x0·x1, x2²): columns 0 and 2 share no row, so 2 groups suffice.
/// let r = try forwardCompressedJacobian(of: { (x: [Dual<Double, SIMD2<Double>>]) in [x[0] * x[1], x[2] * x[2]] },
///                                       at: [1.0, 2.0, 3.0], groups: [0, 1, 0], groupCount: 2)
/// r.compressed   // [[2, 1], [6, 0]]
/// ```
@inlinable public func forwardCompressedJacobian<V: ADScalar, T: TangentVector>(
    of f: ([Dual<V, T>]) -> [Dual<V, T>], at x: [V], groups: [Int], groupCount: Int, checked: Bool = true,
    reading: [[Int]]? = nil
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
    // The seeded inputs of the pass from group `start`, each direction `lift` (1 but in a recovery).
    func seeded(_ start: Int, lift: V) -> [Dual<V, T>] {
        x.indices.map { j -> Dual<V, T> in
            var t = T.zero
            let g = groups[j]
            if g >= start && g < start + lanes { t[lane: g - start] = lift }
            return Dual(x[j], tangent: t)
        }
    }
    let watching = (checked || reading != nil) && rangeRecoveryFormat(V.self) != nil
    var underflowed: [Int] = []
    repeat {
        // As for the plain forward Jacobian: an enclosing collection gets the kinks once.
        var noEscapesSeen = 0
        Instrumentation.countEvaluation()
        let watch = watching ? UnderflowWatch() : nil
        let (y, diag) = Diagnostics.collect({ f(seeded(start, lift: 1)) },
                                            passingOn: { $0.repeatedEvaluation(keepingKinks: passes == 0, escapesSeen: &noEscapesSeen) })
        if watch?.underflowed == true { underflowed.append(start) }
        watch?.end()
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
    if !underflowed.isEmpty, let (top, _) = rangeRecoveryFormat(V.self) {
        let m = compressed.count
        for start in underflowed {
            // The entries of this pass that are read: (row, group).
            var read: [(Int, Int)] = []
            for i in 0..<m {
                for g in start..<Swift.min(start + lanes, groupCount) where reading.map({ i < $0.count && $0[i].contains(g) }) ?? true {
                    read.append((i, g))
                }
            }
            guard !read.isEmpty else { continue }
            let settled = try settleLiftedPasses(computed: read.map { compressed[$0.0][$0.1] },
                                                 lifts: forwardLifts(direction: [1], topExponent: top), evaluate: { c in
                Instrumentation.countEvaluation()
                let y = Diagnostics.collect({ Diagnostics.quietly { f(seeded(start, lift: c)) } }).result
                guard y.count == m else { return nil }
                return read.map { y[$0.0].tangent[lane: $0.1 - start] / c }
            }, what: { "compressed Jacobian entry (\(read[$0].0), group \(read[$0].1))" },
               primalUnderflows: { underflows { _ = Diagnostics.collect({ Diagnostics.quietly { f(seeded(start, lift: 0)) } }) } })
            for (k, e) in read.enumerated() { compressed[e.0][e.1] = settled[k] }
        }
    }
    return (value, compressed, passes, diagnostics)
}
