import AdjointCore

// The second-order twin of derivativeRoundingBound: where f cancels, the Hessian AD computes is
// the exact second derivative of the rounded operations, and that can be far from f″. jac hessian
// printed −0.08338030544 for (1 − cos x)/x² at 10⁻³, whose f″ is −0.0833333167 (mpmath), with no
// note, where jac jacobian already said its first derivative was unreliable there.

/// The most tape visits ``hessianRoundingBounds(of:at:output:)`` spends: 2²², a first-order
/// bound's (``tapeRoundingVisits``), priced as two visits of a column's tape per row swept, each
/// visit dearer than the Hessian's own (8 lanes, and the bound's bookkeeping per node). Only the
/// rows of the Hessian's pattern are swept (``hessianPattern(_:output:)``): n² for a dense one,
/// 3n for a tridiagonal one. Σ xₖ² + Σ sin(xₖxₖ₊₁) is past the budget between 150 and 200
/// variables; with (Σ xₖ)² added, which makes it dense, between 50 and 53. Past the budget no
/// bound is made, and jac says so.
@usableFromInline let hessianRoundingVisits = tapeRoundingVisits

/// f's first derivative along `direction` (of output `output`), as forward mode computes it: f run
/// on duals whose tangents are the direction. A straight-line program of f's own operations and
/// their rules' tangents, whose derivative is the Hessian's column along the direction.
@usableFromInline struct DirectionalDerivative<F: ADFunction>: ADFunction {
    @usableFromInline let f: F
    @usableFromInline let direction: [Double]
    @usableFromInline let output: Int

    @inlinable init(_ f: F, direction: [Double], output: Int) {
        self.f = f
        self.direction = direction
        self.output = output
    }

    @inlinable var inputCount: Int? { f.inputCount }

    @inlinable func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
        let y = f(zip(x, direction).map { Dual<T, T>($0, tangent: T($1)) })
        return output < y.count ? [y[output].tangent] : []
    }
}

/// Per entry (i, j) of the Hessian of output `output` of f at x, how far rounding inside f can
/// move the second derivative AD computes from ∂²f/∂xᵢ∂xⱼ, to first order. Nil when f cannot be
/// recorded at x or the bound would cost more than ``hessianRoundingVisits`` tape visits; an
/// entry is +∞ where no first-order bound holds (a term overflowed, or rounding moves a value the
/// entry depends on by a quarter of itself or more), NaN where its column could not be recorded.
///
/// Only the rows where ∂²f/∂xᵢ∂xⱼ is not structurally 0 (``hessianPattern(_:output:)``) are
/// swept for; the others are 0, the entry computed and f's both being an exact 0 there. Every
/// row of every column cost ⌈n/8⌉ recordings of duals a column, n²/8 in all: `jac hessian` of a
/// 30-variable formula with three nonzeros a column spent 5.6 s (user, debug build) where it now
/// spends 1.6 s, and gave those entries a bound of a few subnormal quanta (an exact 0 counted as
/// rounded by the least normal magnitude's ε), where it now gives 0. A dense Hessian costs as
/// before: each entry's bound is a sum of magnitudes of its own second-order sensitivities, n
/// numbers per node and column, which no sweep shares between entries.
///
/// A column whose bound overflowed is bounded again with its direction and rows lowered
/// (``loweredColumnBounds(of:at:wanted:_:)``), as the Hessian's product is.
///
/// Column j is the derivative of gⱼ = ∇f·eⱼ as forward mode computes it (f on duals of tangent
/// eⱼ): a straight-line program of f's ops and their rules' tangents, whose derivative every AD
/// Hessian computes (forward-over-reverse too), up to the order of its sums. So entry (i, j) is
/// ``derivativeRoundingBound(of:at:direction:)`` of gⱼ along eᵢ, the machinery of the first-order
/// bound, unchanged: it counts the rounding of f's values (which moves the Hessian through f's
/// third derivatives), of their tangents, and of the second-order terms themselves.
///
///     bound(i, j) = ε · Σₖ ( |∂(∇gⱼ·eᵢ)/∂vₖ|·|vₖ| + |∂gⱼ/∂vₖ|·|v̇ₖ| )   over the nodes vₖ of gⱼ
///
/// (1 − cos x)/x² at 10⁻³: cos x ≈ 1 − 5·10⁻⁷ rounds by about ε, and f″ carries 1 − cos x
/// divided by x⁴ six times, so rounding can move the computed f″ by up to about 7·10⁻⁴ (by
/// hand; the bound is 1.3·10⁻³, and AD's −0.08338 is 4.7·10⁻⁵ from mpmath's −0.0833333). A
/// formula that cancels nowhere has a bound of a few dozen ulps of its entries at most.
///
/// ```swift
/// struct OneMinusCosOverSquare: ADFunction {   // (1 − cos x)/x², written naively
///     func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [(1 - cos(x[0])) / (x[0] * x[0])] }
/// }
/// let b = hessianRoundingBounds(of: OneMinusCosOverSquare(), at: [1e-3])   // ≈ [[1.3e-3]]
/// ```
@inlinable package func hessianRoundingBounds<V: ADScalar & BinaryFloatingPoint>(
    of f: some ADFunction, at x: [V], output: Int = 0
) -> [[Double]]? {
    let n = x.count
    guard n > 0 else { return [] }
    let unit = { (j: Int) -> [Double] in (0..<n).map { $0 == j ? 1.0 : 0.0 } }
    // The tape of one column, to price all n: n columns, each swept once per direction and output.
    let (probe, _) = Diagnostics.collect {
        try? record({ (z: [Reverse<V>]) in DirectionalDerivative(f, direction: unit(0), output: output)(z) }, at: x)
    }
    guard let probe, probe.outputs.count == 1 else { return nil }
    // The rows each column can have a nonzero bound in (``hessianPattern(_:output:)``): a Hessian
    // with k nonzeros a column costs n recordings of ⌈k/8⌉ chunks of duals, where every column
    // took ⌈n/8⌉ (30 variables, three nonzeros a column: 30 recordings of duals, not 120). The
    // price counts the rows swept: a tridiagonal Hessian is priced at 3n sweeps of its tape, not
    // n², so one of 100 variables is bounded, where pricing every Hessian as dense refused it.
    let pattern = Diagnostics.collect { try? record({ (z: [Reverse<V>]) in f(z) }, at: x) }.result
        .flatMap { hessianPattern($0, output: output) }
    let rowsOf = { (j: Int) -> [Int] in pattern?[j] ?? Array(0..<n) }
    let swept = (0..<n).reduce(0) { $0 + rowsOf($1).count }
    let visits = swept.multipliedReportingOverflow(by: 2 * Swift.max(probe.tape.count, 1))
    guard !visits.overflow, visits.partialValue <= hessianRoundingVisits else { return nil }
    let unitDirections = (0..<n).map { unit($0).map { V($0) } }
    // Column j's bounds along the direction eⱼ·2⁻ᵏ and the rows' eᵢ·2⁻ᵏ, multiplied back by 2ᵏ
    // twice, in the rows of the Hessian's pattern (nil where f could not be recorded): every term
    // of the bound is linear in each (a node's value times the row's tangent of its sensitivity,
    // or the row's tangent of a node times its sensitivity, where both f's tangents and their
    // sensitivities are linear in the direction), so the scaling is exact while nothing leaves the
    // normal range on the way. Both are lowered, as the product's passes lift both its seeds:
    // x·log x has log's partial 1/x on gⱼ's tape, whose tangent along a row is −1/x².
    func column(_ j: Int, rows: [Int], lowering k: Int) -> [Double]? {
        var entries = [Double](repeating: 0, count: n)
        guard !rows.isEmpty else { return entries }
        let scale = Double(sign: .plus, exponent: -k, significand: 1)
        let g = DirectionalDerivative(f, direction: unit(j).map { $0 * scale }, output: output)
        // A lowered column leaves out its seeds' rounding: they are exact powers of two. An entry
        // no first-order bound holds for comes out −∞, apart from an overflowed one (+∞).
        let bounds = derivativeRoundingBounds(of: g, at: x, directions: rows.map { unitDirections[$0].map { $0 * V(scale) } },
                                              seedsRound: k == 0, firstOrderFailure: -.infinity).bounds
        guard bounds.count == rows.count else { return nil }
        // A chunk that could not be bounded leaves the column unbounded (NaN), not partly 0.
        guard bounds.allSatisfy({ $0?.first != nil }) else { return [Double](repeating: .nan, count: n) }
        for (r, i) in rows.enumerated() { entries[i] = (bounds[r]?.first ?? .nan) / scale / scale }
        return entries
    }
    var bounds = [[Double]](repeating: [Double](repeating: .nan, count: n), count: n)
    for j in 0..<n {
        let rows = rowsOf(j)
        guard var entries = column(j, rows: rows, lowering: 0) else { continue }
        // Only an overflowed bound is bounded again lower. Where no first-order bound holds, a
        // lowered column hides that: the failing value's second-order sensitivity underflows
        // there, and the test skips a value that does not reach the entry. (1 − cos x)/x² at
        // 2·10⁻⁸, whose cos x rounds to 1 − ε or 1, printed f″ = 8.3·10¹⁴ for −1/12 with a bound
        // of 0 from the lowering 2⁻⁵¹², where every term had underflowed.
        let overflowed = entries.indices.filter { entries[$0] == .infinity }
        if !overflowed.isEmpty, let lowered = loweredColumnBounds(of: f, at: x, wanted: overflowed, { column(j, rows: rows, lowering: $0) }) {
            // Only what overflowed is replaced: a finite bound is the one the unscaled column has.
            for i in entries.indices where entries[i] == .infinity && lowered[i].isFinite { entries[i] = lowered[i] }
        }
        for i in 0..<n { bounds[i][j] = entries[i] == -.infinity ? .infinity : entries[i] }
    }
    return bounds
}

/// Per input j, the inputs i with ∂²fₒ/∂xᵢ∂xⱼ not structurally 0 on f's tape (o = `output`),
/// ascending: where an op that reaches the output combines them other than affinely, as the
/// registry declares each op's ``Linearity`` (a sum none, a product its arguments' inputs with
/// each other's, a quotient its denominator's with both, any other op all of its arguments'
/// with all). Nil when the output is out of range.
///
/// Along an input i outside column j's list, every tangent on gⱼ's tape that reaches its output
/// (gⱼ = ∇fₒ·eⱼ, as ``DirectionalDerivative`` computes it) is an exact 0, and so is every tangent
/// of their sensitivities: f's values that depend on xᵢ reach gⱼ only multiplied by tangents that
/// are constant zeros. So entry (i, j)'s rounding bound is 0 there, and need not be swept for.
@usableFromInline func hessianPattern<V: ADScalar>(_ rec: Recording<V>, output: Int) -> [[Int]]? {
    let n = rec.inputs.count
    guard output >= 0, output < rec.outputs.count else { return nil }
    var pattern = [[Bool]](repeating: [Bool](repeating: false, count: n), count: n)
    guard let out = rec.outputs[output].node, out < rec.tape.count else { return pattern.map { _ in [] } }
    let entries = (0...out).map { rec.tape.entry($0) }
    // The inputs each node depends on, as sorted index lists.
    var depends = [[Int]](repeating: [], count: out + 1)
    for (i, input) in rec.inputs.enumerated() { if let k = input.node, k <= out { depends[k] = [i] } }
    for k in 0...out {
        guard let e = entries[k], !e.inputs.isEmpty else { continue }
        depends[k] = Array(Set(e.inputs.filter { $0 >= 0 && $0 < k }.flatMap { depends[$0] })).sorted()
    }
    var reaches = [Bool](repeating: false, count: out + 1)
    reaches[out] = true
    // Tape order is topological: one backward pass marks every ancestor of the output.
    for k in stride(from: out, through: 0, by: -1) where reaches[k] {
        for a in entries[k]?.inputs ?? [] where a >= 0 && a < k { reaches[a] = true }
    }
    func mark(_ a: [Int], _ b: [Int]) {
        for i in a { for j in b { pattern[i][j] = true; pattern[j][i] = true } }
    }
    for k in 0...out where reaches[k] {
        guard let e = entries[k], !e.inputs.isEmpty else { continue }
        let arguments = e.inputs.map { $0 >= 0 && $0 < k ? depends[$0] : [] }
        switch e.op == .custom ? .nonlinear : e.op.info.linearity {
        case .affine: continue
        case .affineInEach:
            for a in arguments.indices { for b in arguments.indices where a != b { mark(arguments[a], arguments[b]) } }
        case .affineInFirst:
            guard arguments.count == 2 else { mark(depends[k], depends[k]); continue }
            mark(arguments[1], depends[k])
        case .nonlinear:
            mark(depends[k], depends[k])
        }
    }
    return pattern.map { row in row.indices.filter { row[$0] } }
}

/// A column's bounds again where some overflowed: x·log x at 10⁻¹⁶⁰ has f″ = 1/x = 10¹⁶⁰, and
/// jac printed it right, but its bound multiplies log's second-order partial −1/x² = −10³²⁰, +∞
/// in Double, and said the entry "could not be bounded". As ``loweredProduct(of:at:direction:refusingRuleEscapes:)``
/// lowers the product's direction, `column(k)` bounds the column along its direction scaled by
/// 2⁻ᵏ (multiplied back), at the same lowerings, the least first. A lowering counts where its
/// `wanted` entries are finite and the one 2⁻⁴ lower agrees with it within 64 ulps in every
/// entry: where nothing leaves the range both are the same bound exactly, and where a lowered
/// tangent fell below the normal range the two differ (such a tangent's magnitude is floored at
/// the least normal one, or lost, unscaled). The underflow flag cannot tell: the bound's own
/// arithmetic raises it (ε times the least normal magnitude is subnormal). Nil when no lowering
/// counts, or for a scalar with no range.
@inlinable func loweredColumnBounds<V: ADScalar & BinaryFloatingPoint>(
    of f: some ADFunction, at x: [V], wanted: [Int], _ column: (Int) -> [Double]?
) -> [Double]? {
    guard let (_, epsilon) = rangeRecoveryFormat(V.self) else { return nil }
    func agree(_ a: [Double], _ b: [Double]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { p, q in
            p == q || Swift.abs(p - q) <= 64 * epsilon * Swift.max(Swift.abs(p), Swift.abs(q))
        }
    }
    for k in productLowerings {
        // A lowering whose recording failed (a term still past the range) may be followed by one
        // that does not.
        guard let lowered = column(k), wanted.allSatisfy({ $0 < lowered.count }), !lowered.contains(where: \.isNaN) else { continue }
        // An entry infinite at every lowering is one no first-order bound holds for (rounding moves
        // a value it depends on by a quarter of itself): only the others need to come out finite.
        guard wanted.contains(where: { lowered[$0].isFinite }) else { continue }
        // An overflowed bound has a nonzero term, which an exact scaling keeps nonzero: a wanted
        // entry of 0 is one whose every term underflowed at this lowering, and the one 2⁻⁴ lower
        // is 0 as well, so the two agree on nothing.
        guard !wanted.contains(where: { lowered[$0] == 0 }) else { continue }
        if let lower = column(k + 4), agree(lowered, lower) { return lowered }
    }
    return nil
}
