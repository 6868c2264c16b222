import AdjointCore

/// A Jacobian by finite differences evaluated exactly in ℚ, with its error bound.
///
/// ```swift
/// let d = try exactDifferenceJacobian(of: f, at: [Rational(1)])
/// d.errorEstimate[0][0] < Rational(numerator: 1, denominator: 1 << 62)   // true for smooth f
/// ```
public struct ExactDifferenceJacobian: Sendable {
    /// Richardson-extrapolated central differences, one per entry.
    public internal(set) var jacobian: [[Rational]]
    /// |R(h) − R(h/2)| per entry: how far the extrapolation moved when the step was halved, an
    /// estimate of the remaining O(h⁴) truncation error. There is no rounding error at all.
    public internal(set) var errorEstimate: [[Rational]]
    /// The step used for each input (the smallest its refinements reached, when refined).
    public internal(set) var steps: [Rational]
    /// Per entry, whether f is not smooth on the step's scale: the second difference
    /// (f(x + h) − 2f(x) + f(x − h))/h, which is h·f″ + O(h³) for a smooth f and halves with h, did
    /// not shrink by more than a quarter from h to h/2 or from h/2 to h/4. A kink at x (a
    /// hand-written relu: constant, the slopes' jump) or a pole within the step (it grows) does
    /// that; there the central differences converge to something that is not f′ (0.5 for the
    /// relu at 0, with an error estimate of exactly 0), and nothing here is a derivative.
    public var notSmooth: [[Bool]] = []
}

/// The Jacobian of a rational-closed `f` at `x` by central differences computed in exact
/// arithmetic, using only primal evaluations (no derivative rule).
///
/// This is the exact witness a check can trust against a wrong derivative rule: exact forward or
/// reverse mode interpret the same registry rules as the floating-point modes and share their
/// mistakes; differences do not. In ℚ a difference quotient has no cancellation, so the step can
/// be tiny: D(h) = (f(x + h) − f(x − h)) / 2h has error h²f‴/6, and Richardson's
/// (4·D(h/2) − D(h)) / 3 has error O(h⁴), about 10⁻³⁶ relative at the default h = 2⁻³⁰·max(1, |xⱼ|).
///
/// That holds where f is smooth on a scale far above h. Within a distance δ of a pole the
/// truncation is about (h/δ)⁴ of the derivative: 3·10⁻⁸ at x/(x·x − 4) beside x = 2 + 10⁻⁷, too
/// coarse to tell the derivative from its rounded neighbours. With `refiningTo` a column is then
/// computed again at smaller steps, which cost nothing in accuracy here (see
/// ``ExactDifferenceDefaults/refinementFactor``): a column is refined while some entry of it is
/// smooth, not 0, and has an estimate above `refiningTo`·|entry|, and a refinement is taken only
/// where it narrows the column (every entry smooth at both steps, and within the coarser
/// estimate of the coarser value). The refinements spend a work budget of their own
/// (``Rational/withWorkLimit(_:_:)``), and a column whose refinement fails (the budget, an
/// evaluation error) keeps what it had, so they never lose the first result.
///
/// ```swift
/// let d = try exactDifferenceJacobian(of: f, at: [Rational(1)])
/// let near = try exactDifferenceJacobian(of: f, at: [Rational(2.0000001)], refiningTo: Rational(Double.ulpOfOne))
/// ```
/// - Throws: ``ADError/invalidArgument(_:)`` unless `relativeStep` > 0 and `refiningTo` (when
///   given) ≥ 0; otherwise the first ``ADError`` an evaluation at the first step reports (an op
///   not closed over ℚ, division by zero, a number past ``Rational/bitSizeLimit``, f reading a
///   rational as a Double with `approximateDouble`, as ``ADError/unsupported(op:scalarType:node:)``), or
///   ``ADError/limitExceeded(what:limit:)`` when the 1 + 6n evaluations together write more than
///   ``Rational/workLimit`` limbs (one budget per Jacobian, as ``exactJacobian(of:at:mode:)`` has).
public func exactDifferenceJacobian(of f: some ADFunction, at x: [Rational],
                                    relativeStep: Rational = ExactDifferenceDefaults.relativeStep,
                                    refiningTo target: Rational? = nil)
    throws -> ExactDifferenceJacobian {
    // A zero step divides by zero (NaN entries), a negative one flips nothing but is surely a
    // mistake, and NaN poisons every entry: refuse all three before evaluating f.
    guard !relativeStep.isNaN, relativeStep > 0 else {
        throw ADError.invalidArgument("exactDifferenceJacobian needs relativeStep > 0, got \(relativeStep)")
    }
    if let target, target.isNaN || target < 0 {
        throw ADError.invalidArgument("exactDifferenceJacobian needs refiningTo ≥ 0, got \(target)")
    }
    // Unbudgeted, a 20,000-factor chain ran 58 s and 4.9 GB inside jac check's last rung, and
    // JAC_EXACT_WORK_LIMIT (Rational.workLimit) could not stop it.
    // The budget can run out in the differences' own arithmetic, after every evaluation of f
    // succeeded: that leaves NaN entries and a report, not an error, so the report is thrown.
    let (differences, diagnostics) = try Diagnostics.collect {
        try Rational.withWorkLimit { try ExactDifferences(of: f, at: x, relativeStep: relativeStep) }
    }
    if let e = diagnostics.errors.first { throw e }
    var d = differences.jacobian
    guard let target else { return d }
    // What the refinements report (a budget spent, a domain error at a sample) is theirs, not
    // f's at x: the column keeps its first result, and the caller's collection hears nothing.
    Diagnostics.collect({
        Rational.withWorkLimit {
            for j in x.indices { differences.refine(&d, column: j, relativeTo: target) }
        }
    }, keeping: { _ in EvaluationDiagnostics() })
    return d
}

/// The evaluations behind ``exactDifferenceJacobian(of:at:relativeStep:refiningTo:)``: f(x) once,
/// then per column three central differences and their Richardson values.
private struct ExactDifferences<Function: ADFunction> {
    let f: Function
    let x: [Rational]
    let y0: [Rational]
    /// Every column at the first step.
    let jacobian: ExactDifferenceJacobian

    /// Evaluates f at x and every column at the first step; run inside the caller's work budget.
    init(of f: Function, at x: [Rational], relativeStep: Rational) throws {
        self.f = f
        self.x = x
        y0 = try Self.eval(f, x)
        var columns: [Column] = []
        for j in x.indices {
            columns.append(try Self.column(f, x, y0, j, step: relativeStep * Rational.max(1, Rational.abs(x[j]))))
        }
        let m = y0.count
        jacobian = ExactDifferenceJacobian(jacobian: (0..<m).map { i in columns.map { $0.values[i] } },
                                           errorEstimate: (0..<m).map { i in columns.map { $0.estimates[i] } },
                                           steps: columns.map(\.step),
                                           notSmooth: (0..<m).map { i in columns.map { $0.notSmooth[i] } })
    }

    /// One column at one step: Richardson's value per output, its estimate and smoothness.
    struct Column {
        var values: [Rational], estimates: [Rational], notSmooth: [Bool], residual: [Rational], step: Rational
    }

    static func eval(_ f: Function, _ p: [Rational]) throws -> [Rational] {
        let (y, diag) = Diagnostics.collect { f(p) }
        if let e = diag.errors.first { throw e }
        // What f computes from a rational read as a Double is rounded, and a difference of such
        // values at the step 2⁻³⁰ is no exact witness: 1 + 10⁻²⁰·d² + x₁ with d = x₀ read at
        // x₀ = 1 gave ∂/∂x₀ = 1.999999936531045·10⁻²⁰ with an estimate of 0, and the check
        // convicted the right 2·10⁻²⁰. A read that only picks a branch is refused too: the same
        // read, with the same value, may be a constant of f instead (see the check's escapes).
        if diag.inexactReads > 0 {
            throw ADError.unsupported(op: "approximateDouble (f read a Rational as a Double, which rounds what it computes "
                                          + "from it, so its differences are not exact)",
                                      scalarType: Rational.scalarTypeName, node: nil)
        }
        if let bad = y.firstIndex(where: \.isNaN) {
            throw ADError.nonFinite(what: "output \(bad) of an exact difference evaluation", op: nil, node: nil)
        }
        return y
    }

    static func column(_ f: Function, _ x: [Rational], _ y0: [Rational], _ j: Int, step h: Rational) throws -> Column {
        let m = y0.count
        var second: [[Rational]] = []   // (f(x + h) − 2f(x) + f(x − h))/h per output, per step
        func central(_ h: Rational) throws -> [Rational] {
            var xp = x, xm = x
            xp[j] = x[j] + h
            xm[j] = x[j] - h
            let yp = try eval(f, xp), ym = try eval(f, xm)
            second.append((0..<Swift.min(m, yp.count, ym.count)).map { i in (yp[i] - 2 * y0[i] + ym[i]) / h })
            return zip(yp, ym).map { ($0 - $1) / (2 * h) }
        }
        let d1 = try central(h), d2 = try central(h / 2), d4 = try central(h / 4)
        let threeQuarters = Rational(numerator: 3, denominator: 4)
        let notSmooth = (0..<m).map { i in
            guard second.count == 3, second.allSatisfy({ i < $0.count }) else { return true }
            let g = second.map { Rational.abs($0[i]) }
            return (g[0] != 0 && g[1] > threeQuarters * g[0]) || (g[1] != 0 && g[2] > threeQuarters * g[1])
        }
        // What of the second differences does not halve with h: g(h) = h·f″ + h³·f⁗/12 + … for a
        // smooth f, so g(h/2) − g(h)/2 is O(h³) there, while a slope jump J a distance δ < h away
        // adds about J·(1 − δ/h) to g(h) and a bias of half that to D(h), which halving h cannot
        // show while h·f″ is far larger than J (beside a pole; the smoothness test above misses
        // it). Over every δ the Richardson value's bias from such a jump is at most the larger of
        // the two residuals (checked numerically over δ/h in (0, 1.2)): a refined column adds it
        // to its estimate (see `refine`).
        let residual = (0..<m).map { i -> Rational in
            guard second.count == 3, second.allSatisfy({ i < $0.count }) else { return Rational(0) }
            let g = second.map { $0[i] }
            return Rational.max(Rational.abs(g[1] - g[0] / 2), Rational.abs(g[2] - g[1] / 2))
        }
        // Two Richardson values; their difference estimates what is left of the truncation.
        let r1 = zip(d1, d2).map { (4 * $1 - $0) / 3 }
        let r2 = zip(d2, d4).map { (4 * $1 - $0) / 3 }
        return Column(values: r2, estimates: zip(r1, r2).map { Rational.abs($0 - $1) }, notSmooth: notSmooth,
                      residual: residual, step: h)
    }

    /// Whether entry (i, j) of `d` asks for a smaller step (see ``exactDifferenceJacobian(of:at:relativeStep:refiningTo:)``).
    static func needsRefinement(_ d: ExactDifferenceJacobian, _ i: Int, _ j: Int, target: Rational) -> Bool {
        let value = d.jacobian[i][j]
        return !d.notSmooth[i][j] && value != 0 && d.errorEstimate[i][j] > target * Rational.abs(value)
    }

    /// Whether `refined` only narrows column j of `d`: every entry smooth at both steps and within
    /// the coarser estimate of the coarser value (for a smooth f the coarser value is within about
    /// a fifteenth of its estimate of f′, and the finer one nearer still). An entry not smooth at the first
    /// step is never refined: what its smaller steps read is no surer (a branch 10⁻¹² from x,
    /// a solver's flat band, a staircase of Doubles where f converts to Double: exact
    /// differences below the Doubles' spacing read its flat tread, 0 ± 0).
    static func narrows(_ refined: Column, _ d: ExactDifferenceJacobian, column j: Int) -> Bool {
        d.jacobian.indices.allSatisfy { i in
            !d.notSmooth[i][j] && !refined.notSmooth[i]
                && Rational.abs(refined.values[i] - d.jacobian[i][j]) <= d.errorEstimate[i][j]
        }
    }

    /// Column j of `d` at up to ``ExactDifferenceDefaults/refinements`` smaller steps while it
    /// asks for one; stops at the first refinement that fails or does not narrow it.
    func refine(_ d: inout ExactDifferenceJacobian, column j: Int, relativeTo target: Rational) {
        let rows = d.jacobian.indices
        for _ in 0..<ExactDifferenceDefaults.refinements {
            guard rows.contains(where: { Self.needsRefinement(d, $0, j, target: target) }),
                  let refined = try? Self.column(f, x, y0, j, step: d.steps[j] / ExactDifferenceDefaults.refinementFactor),
                  Self.narrows(refined, d, column: j) else { return }
            for i in rows {
                d.jacobian[i][j] = refined.values[i]
                // The residual too: a slope jump 10⁻¹³ beside 1/(x − 2) at 2.0000001 biased the
                // refined value by J/2 = 5·10⁵ under an estimate of 1.6·10⁴ (a review's case).
                d.errorEstimate[i][j] = refined.estimates[i] + refined.residual[i]
                d.notSmooth[i][j] = refined.notSmooth[i]
            }
            d.steps[j] = refined.step
        }
    }
}

/// Tuning of ``exactDifferenceJacobian(of:at:relativeStep:)``.
///
/// ```swift
/// let h = ExactDifferenceDefaults.relativeStep / 4   // a finer step than the default
/// ```
public enum ExactDifferenceDefaults {
    /// 2⁻³⁰: small enough that O(h⁴) truncation is far below Double's resolution, large enough
    /// that numerators and denominators stay a few hundred bits for typical formulas.
    public static var relativeStep: Rational { Rational(numerator: 1, denominator: 1 << 30) }

    /// 2⁸: how much smaller each refinement's step is than the one before. Exact differences
    /// carry no rounding, so a smaller step only shrinks the truncation (by 2³² per refinement
    /// for the O(h⁴) estimate) and costs a few more bits per number.
    public static var refinementFactor: Rational { Rational(1 << 8) }

    /// 3: the most refinements per column (down to 2⁻⁵⁴·max(1, |xⱼ|)), 18 evaluations more at
    /// most; then a pole 10⁻¹² from x = 1 is 2·10⁴ steps away.
    public static let refinements = 3
}
