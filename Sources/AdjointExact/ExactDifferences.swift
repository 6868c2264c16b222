import AdjointCore

/// A Jacobian by finite differences evaluated exactly in ℚ, with its error bound.
///
/// ```swift
/// let d = try exactDifferenceJacobian(of: f, at: [Rational(1)])
/// d.errorEstimate[0][0] < Rational(numerator: 1, denominator: 1 << 62)   // true for smooth f
/// ```
public struct ExactDifferenceJacobian: Sendable {
    /// Richardson-extrapolated central differences, one per entry.
    public let jacobian: [[Rational]]
    /// |R(h) − R(h/2)| per entry: how far the extrapolation moved when the step was halved, an
    /// estimate of the remaining O(h⁴) truncation error. There is no rounding error at all.
    public let errorEstimate: [[Rational]]
    /// The step used for each input.
    public let steps: [Rational]
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
/// ```swift
/// let d = try exactDifferenceJacobian(of: Quadratic(), at: [Rational(1), Rational(2)])
/// d.jacobian[0][0]   // within 1e-30 of the exact derivative
/// ```
/// - Throws: ``ADError/invalidArgument(_:)`` unless `relativeStep` > 0; otherwise the first
///   ``ADError`` an evaluation reports (an op not closed over ℚ, division by zero, a number past
///   ``Rational/bitSizeLimit``), or ``ADError/limitExceeded(what:limit:)`` when the 1 + 6n
///   evaluations together write more than ``Rational/workLimit`` limbs (one budget per Jacobian,
///   as ``exactJacobian(of:at:mode:)`` has).
public func exactDifferenceJacobian(of f: some ADFunction, at x: [Rational],
                                    relativeStep: Rational = ExactDifferenceDefaults.relativeStep)
    throws -> ExactDifferenceJacobian {
    // A zero step divides by zero (NaN entries), a negative one flips nothing but is surely a
    // mistake, and NaN poisons every entry: refuse all three before evaluating f.
    guard !relativeStep.isNaN, relativeStep > 0 else {
        throw ADError.invalidArgument("exactDifferenceJacobian needs relativeStep > 0, got \(relativeStep)")
    }
    // Unbudgeted, a 20,000-factor chain ran 58 s and 4.9 GB inside jac check's last rung, and
    // JAC_EXACT_WORK_LIMIT (Rational.workLimit) could not stop it.
    return try Rational.withWorkLimit { try exactDifferences(of: f, at: x, relativeStep: relativeStep) }
}

/// The body of ``exactDifferenceJacobian(of:at:relativeStep:)``, run inside its work budget.
private func exactDifferences(of f: some ADFunction, at x: [Rational], relativeStep: Rational)
    throws -> ExactDifferenceJacobian {
    func eval(_ p: [Rational]) throws -> [Rational] {
        let (y, diag) = Diagnostics.collect { f(p) }
        if let e = diag.errors.first { throw e }
        if let bad = y.firstIndex(where: \.isNaN) {
            throw ADError.nonFinite(what: "output \(bad) of an exact difference evaluation", op: nil, node: nil)
        }
        return y
    }
    let y0 = try eval(x)
    let m = y0.count
    var columns: [[Rational]] = [], estimates: [[Rational]] = [], steps: [Rational] = [], notSmooth: [[Bool]] = []
    for j in x.indices {
        let h = relativeStep * Rational.max(1, Rational.abs(x[j]))
        var second: [[Rational]] = []   // (f(x + h) − 2f(x) + f(x − h))/h per output, per step
        func central(_ h: Rational) throws -> [Rational] {
            var xp = x, xm = x
            xp[j] = x[j] + h
            xm[j] = x[j] - h
            let yp = try eval(xp), ym = try eval(xm)
            second.append((0..<Swift.min(m, yp.count, ym.count)).map { i in (yp[i] - 2 * y0[i] + ym[i]) / h })
            return zip(yp, ym).map { ($0 - $1) / (2 * h) }
        }
        let d1 = try central(h), d2 = try central(h / 2), d4 = try central(h / 4)
        let threeQuarters = Rational(numerator: 3, denominator: 4)
        notSmooth.append((0..<m).map { i in
            guard second.count == 3, second.allSatisfy({ i < $0.count }) else { return true }
            let g = second.map { Rational.abs($0[i]) }
            return (g[0] != 0 && g[1] > threeQuarters * g[0]) || (g[1] != 0 && g[2] > threeQuarters * g[1])
        })
        // Two Richardson values; their difference estimates what is left of the truncation.
        let r1 = zip(d1, d2).map { (4 * $1 - $0) / 3 }
        let r2 = zip(d2, d4).map { (4 * $1 - $0) / 3 }
        columns.append(r2)
        estimates.append(zip(r1, r2).map { Rational.abs($0 - $1) })
        steps.append(h)
    }
    return ExactDifferenceJacobian(jacobian: (0..<m).map { i in x.indices.map { columns[$0][i] } },
                                   errorEstimate: (0..<m).map { i in x.indices.map { estimates[$0][i] } },
                                   steps: steps,
                                   notSmooth: (0..<m).map { i in x.indices.map { notSmooth[$0][i] } })
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
}
