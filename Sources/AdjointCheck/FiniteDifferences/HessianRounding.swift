import AdjointCore

// The second-order twin of derivativeRoundingBound: where f cancels, the Hessian AD computes is
// the exact second derivative of the rounded operations, and that can be far from f″. jac hessian
// printed −0.08338030544 for (1 − cos x)/x² at 10⁻³, whose f″ is −0.0833333167 (mpmath), with no
// note, where jac jacobian already said its first derivative was unreliable there.

/// The most tape visits ``hessianRoundingBounds(of:at:output:)`` spends: 2²², a first-order
/// bound's (``tapeRoundingVisits``). It bounds n columns along n directions each, each visit
/// dearer than the Hessian's own (8 lanes, and the bound's bookkeeping per node): 30 variables
/// of 174 ops took 4.3 s in a debug build where jac jacobian took 0.09 s. Past the budget no
/// bound is made (about 50 variables of a few hundred ops), and jac says so.
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
    let visits = (n * n).multipliedReportingOverflow(by: 2 * Swift.max(probe.tape.count, 1))
    guard !visits.overflow, visits.partialValue <= hessianRoundingVisits else { return nil }
    let directions = (0..<n).map { unit($0).map { V($0) } }
    var bounds = [[Double]](repeating: [Double](repeating: .nan, count: n), count: n)
    for j in 0..<n {
        let column = derivativeRoundingBounds(of: DirectionalDerivative(f, direction: unit(j), output: output),
                                              at: x, directions: directions).bounds
        for (i, b) in column.enumerated() where i < n { bounds[i][j] = b?.first ?? .nan }
    }
    return bounds
}
