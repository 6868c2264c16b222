import AdjointCore

/// A sparse Hessian with how it was obtained.
public struct SparseHessianResult<V: ADScalar> {
    /// The Hessian: every entry of `pattern` (symmetric), zeros included.
    public let matrix: SparseMatrix<V>
    /// The detected pattern (conservative, for the recorded control-flow path).
    public let pattern: SparsityPattern
    /// The star colouring; one Hessian–vector product per colour.
    public let coloring: Coloring
    /// What the recording of f at x reported (kinks touched, escapes), once per op, as
    /// ``SparseJacobianResult/diagnostics`` holds it: the products evaluate f at the same point
    /// again and add no kink of their own.
    public let diagnostics: EvaluationDiagnostics

    @usableFromInline init(matrix: SparseMatrix<V>, pattern: SparsityPattern, coloring: Coloring,
                           diagnostics: EvaluationDiagnostics = EvaluationDiagnostics()) {
        self.matrix = matrix; self.pattern = pattern; self.coloring = coloring; self.diagnostics = diagnostics
    }
}

/// The Hessian of a scalar function as a sparse matrix: detect the pattern from one recording
/// (``hessianSparsity(of:output:)``), star-colour it, take one forward-over-reverse Hessian–vector
/// product per colour with the colour's indicator vector as direction, and read each entry
/// directly: H[i][j] is (H·s_c)[i] for c = colour of j when j's colour occurs once among i's
/// neighbours, else (H·s_c')[j] for c' = colour of i (a star colouring guarantees one of the two).
///
/// For a partially separable f = Σₖ fₖ(x_{k}, x_{k+1}) this takes 3 products instead of n. Each
/// entry is bit-identical to the dense ``AdjointCore/hessian(of:at:)``'s entry (i, j) or its mirror
/// (j, i), whichever product it was read from (the dense Hessian itself can be asymmetric in the
/// last bit). The pattern, and so the result, is for the recorded control-flow path.
///
/// ```swift
/// struct Chain: ADFunction {
///     func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
///         [(1..<x.count).reduce(T(0)) { s, k in s + T.sin(x[k - 1] * x[k]) }]
///     }
/// }
/// let h = try sparseHessian(of: Chain(), at: [0.1, 0.2, 0.3, 0.4])
/// h.coloring.count   // 3
/// ```
@inlinable public func sparseHessian<V: ADScalar>(of f: some ADFunction, at x: [V], output: Int = 0) throws -> SparseHessianResult<V> {
    // Inlinable so that the recording and the products are specialized for the caller's function.
    if let n = f.inputCount { try requireCount("number of inputs", n, x.count) }
    let rec = try record({ f($0) }, at: x)
    guard output >= 0 && output < rec.outputs.count else {
        throw ADError.invalidArgument("output \(output) does not exist: the function has \(rec.outputs.count) outputs")
    }
    let pattern = hessianSparsity(of: rec, output: output)
    let coloring = try starColoring(pattern)
    // Every product evaluates f at x and touches the same kinks the recording above reported: the
    // enclosing collection gets those once, as from the dense `hessian` (x·|x| at 0 counted the
    // recording's kink and again one per colour).
    // Escapes differ by direction (a rule reading a dual as a Double loses only the tangent its
    // direction put there): the most any one product counted.
    // Unchecked: a product sums its colour's entries in every row, and where a row's entry is
    // read from another product that sum is not used, and can overflow where no entry does (a hub
    // x₀ coupled to 20 inputs by 10³⁰⁷ gave +∞ in row 0, and the Hessian was refused). The
    // entries read are checked in `recoverStarColoured`.
    // A product that raised the underflow flag is rerun with lifted seeds, as `hvp`'s are, judged
    // on the rows its colour is read in: x·log x at 10²⁰⁰ gave 2·10⁻²⁰⁰ for 10⁻²⁰⁰ here after
    // the dense Hessian had stopped doing so. A colour of several columns is lifted column by
    // column: one seed for the colour's direction is bounded by its largest column, and a term
    // of another column stayed lost (x₃·log x₃ at 4.8·10¹⁸⁷ beside x₀·log x₀·x₁⁻¹²² gave twice
    // 1/x₃, a review found). Its columns' products are summed as the colour's would be.
    var escapesSeen = 0
    let products = try (0..<coloring.count).map { c in
        try Diagnostics.collect({ () throws -> (product: [V], ruleError: ADError?, origin: (op: String, node: Int)?) in
            let g = { (z: [HessianScalar<V>]) in f(z)[output] }
            let direction: [V] = coloring.colors.map { $0 == c ? 1 : 0 }
            let watch = UnderflowWatch()
            defer { watch.end() }
            var r = try hvpUnchecked(of: g, at: x, direction: direction, refusingRuleEscapes: true)
            guard watch.underflowed else { return r }
            let rowsRead = pattern.rowColumns.indices.filter { i in pattern.rowColumns[i].contains { coloring.colors[$0] == c } }
            let columns = coloring.colors.indices.filter { coloring.colors[$0] == c }
            if columns.count == 1 {
                r.product = try rangeRecoveredProduct(of: g, at: x, direction: direction, product: r.product, reading: rowsRead)
                return r
            }
            var sum = [V](repeating: 0, count: x.count)
            for j in columns {
                let unit: [V] = x.indices.map { $0 == j ? 1 : 0 }
                let column = try hvpUnchecked(of: g, at: x, direction: unit, refusingRuleEscapes: true).product
                let recovered = try rangeRecoveredProduct(of: g, at: x, direction: unit, product: column, reading: rowsRead)
                for i in rowsRead { sum[i] = sum[i] + recovered[i] }
            }
            for i in rowsRead { r.product[i] = sum[i] }
            return r
        }, keeping: { $0.repeatedEvaluation(keepingKinks: false, escapesSeen: &escapesSeen) })
    }
    let h = try recoverStarColoured(pattern, coloring, products.map(\.product), ruleErrors: products.map(\.ruleError),
                                    origins: products.map(\.origin))
    var diagnostics = rec.diagnostics
    diagnostics.escapes = Swift.max(diagnostics.escapes, escapesSeen)
    return SparseHessianResult(matrix: h.matrix, pattern: h.pattern, coloring: h.coloring, diagnostics: diagnostics)
}

/// Reads each entry of a symmetric pattern directly from the products H·s_c (see ``sparseHessian(of:at:output:)``).
///
/// An entry read that is not finite throws the error a rule reported in its product's sweep
/// (`ruleErrors[c]`, pow's unbounded second derivative at (0, 1)), else a non-finite entry
/// naming (i, j) and the op its product found (`origins[c]`); the entries not read may be anything.
@usableFromInline func recoverStarColoured<V: ADScalar>(
    _ pattern: SparsityPattern, _ coloring: Coloring, _ products: [[V]], ruleErrors: [ADError?] = [],
    origins: [(op: String, node: Int)?] = []
) throws -> SparseHessianResult<V> {
    let rows = pattern.rowColumns
    // How often each colour occurs in each row, counted once: scanning the row for every entry
    // was quadratic in a dense row (an arrow's hub row of n entries took n² steps).
    let colourCounts = rows.map { r -> [Int: Int] in
        var counts: [Int: Int] = [:]
        for j in r { counts[coloring.colors[j], default: 0] += 1 }
        return counts
    }
    func colourIsUniqueAmongNeighbours(of i: Int, colour: Int) -> Bool { colourCounts[i][colour] == 1 }
    var values: [V] = []
    values.reserveCapacity(pattern.nonzeroCount)
    func read(_ c: Int, _ k: Int, entry i: Int, _ j: Int) throws -> V {
        let v = products[c][k]
        guard v.isFiniteValue else {
            if c < ruleErrors.count, let e = ruleErrors[c] { throw e }
            let origin = c < origins.count ? origins[c] : nil
            throw ADError.nonFinite(what: "Hessian entry (\(i), \(j))", op: origin?.op, node: origin?.node)
        }
        return v
    }
    for (i, cols) in rows.enumerated() {
        for j in cols {
            let cj = coloring.colors[j], ci = coloring.colors[i]
            if colourIsUniqueAmongNeighbours(of: i, colour: cj) {
                values.append(try read(cj, i, entry: i, j))
            } else if colourIsUniqueAmongNeighbours(of: j, colour: ci) {
                values.append(try read(ci, j, entry: i, j))
            } else {
                // Cannot happen for a star colouring of this pattern; an error beats a wrong entry.
                throw ADError.invalidArgument("entry (\(i), \(j)) is not directly recoverable from the colouring")
            }
        }
    }
    return SparseHessianResult(matrix: try SparseMatrix(pattern: pattern, values: values), pattern: pattern, coloring: coloring)
}
