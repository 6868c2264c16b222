import AdjointCore
import ComplexModule
import RealModule

/// Complex step along v: Im f(x + ih·v)/h. Nothing cancels, so rounding is a few ε of |D|, plus
/// the quantum of subnormal imaginary parts, which a seed near the underflow threshold meets.
///
/// One evaluation per direction when f(x) is known (`value`, n + 1 for a Jacobian), two
/// otherwise or when the single step cannot vouch for itself. The truncation h²f‴/6 is not
/// measured by one step, so ``complexStepSingle`` accepts it only where two tripwires, both read
/// off that one evaluation and f(x), say it is far below rounding; anywhere else the truncation is
/// measured from a second step 2h (|D(h) − D(2h)|/3). An a-priori bound from the scale of x alone
/// failed: tan(x) 6e-17 from its pole came out 5e-8 wrong while claiming 1e-15 (fuzz corpus).
///
/// A second, wider step is tried when an imaginary part underflowed, came out exactly 0 or the
/// estimate is not finite, and the relative step is below the step at scale 1: near x = 0 a step proportional to
/// |x| is right for log or √ but makes every imaginary part of x·x or cos x underflow (issue 14:
/// `x*x` at 1e-300 gave 0). Per output, the wider step is taken only when its estimate is smaller
/// and the two results agree within their estimates, since a step far beyond |x| can be
/// consistently wrong (log at 1e-200).
func complexStepDirectional<V: ADScalar & BinaryFloatingPoint & Real>(
    _ f: some ADFunction, at x: [V], direction v: [V], outputs m: Int, step: StepSize, value: [V]? = nil
) -> ([DifferenceEstimate], Int, ADError?) {
    let h = complexStep(step, at: x, direction: v, as: V.self)
    var automatic = false
    if case .automatic = step { automatic = true }
    let fine = complexStepEvaluation(f, at: x, direction: v, step: h)
    var estimates: [DifferenceEstimate], unsupported: ADError?, evaluations: Int
    if let value, let single = complexStepSingle(fine, value: value, direction: v, outputs: m, step: h) {
        (estimates, unsupported, evaluations) = (single, nil, 1)
    } else {
        (estimates, unsupported, evaluations) = complexStepEstimates(f, at: x, direction: v, outputs: m, step: h, fine: fine)
    }
    // A truncation the second step made visible is cut by a smaller step (nothing cancels in a
    // complex step, so shrinking costs no digits until the imaginary parts underflow, which the
    // estimates flag). Near tan's pole, 6e-17 away, h = 1.6e-20 is 7e-8 wrong and h/64 is exact.
    let floor = estimates.map { DifferenceTuning.evaluationNoiseULPs * Double(V.ulpOfOne) * Swift.abs($0.value) }
    let visible = zip(estimates, floor).map { $0.errorEstimate / Swift.max($1, .leastNormalMagnitude) }.max() ?? 0
    if automatic, unsupported == nil, evaluations > 1, visible > 8, visible.isFinite {
        let shrink = Swift.max(0x1p-20, (1 / visible).squareRoot() / 4).nearestPowerOfTwo
        let (small, _, extra) = complexStepEstimates(f, at: x, direction: v, outputs: m, step: Double(V(h * shrink)))
        evaluations += extra
        for i in estimates.indices where small[i].warnings.isEmpty {
            let a = estimates[i], b = small[i]
            let consistent = Swift.abs(a.value - b.value) <= 2 * (a.errorEstimate + b.errorEstimate)
            if consistent && b.errorEstimate < a.errorEstimate { estimates[i] = b }
        }
    }
    let unit = complexStep(step, at: x.map { _ in V(1) }, direction: v, as: V.self)
    if automatic, unit > h, unsupported == nil,
       estimates.contains(where: { $0.warnings.contains(.underflow) || !$0.value.isFinite || $0.value == 0 }) {
        let (wide, _, extra) = complexStepEstimates(f, at: x, direction: v, outputs: m, step: unit)
        evaluations += extra
        for i in estimates.indices where wide[i].warnings.isEmpty || wide[i].warnings == [.underflow] {
            let a = estimates[i], b = wide[i]
            let consistent = Swift.abs(a.value - b.value) <= a.errorEstimate + b.errorEstimate
            if !a.value.isFinite || (consistent && b.errorEstimate < a.errorEstimate) { estimates[i] = b }
        }
    }
    for i in estimates.indices { estimates[i].evaluations = evaluations }
    return (estimates, evaluations, unsupported)
}

/// f(x + ih·v) and what went wrong evaluating it.
func complexStepEvaluation<V: ADScalar & BinaryFloatingPoint & Real>(
    _ f: some ADFunction, at x: [V], direction v: [V], step h: Double
) -> ([Complex<V>], EvaluationDiagnostics) {
    Diagnostics.collect {
        f(zip(x, v).map { Complex<V>($0, V(h) * $1) })
    }
}

/// The estimate from the one evaluation F = f(x + ih·v) and f(x), or nil when that evaluation
/// cannot vouch for its own truncation error (the caller then measures it with a second step).
///
/// Two tripwires, each costing nothing beyond F and f(x):
/// - **curvature**: Re F = f(x) − h²f″/2 + …; a gap |Re F − f(x)| above a few ulps of f means
///   the step's h² terms are visible, and so may be its truncation h²f‴/6;
/// - **scale**: f varies on a scale r ≈ |f/f′| (exact for a pole, where f″/f′ = 2/r and
///   f‴/f′ = 6/r²), so the truncation is modelled as h²|f′|³/f², and accepted only when that is
///   below 10⁻⁶·ε·|f′|: the model may underrate the truncation by a factor 10⁶ and the estimate
///   still holds. f(x) = 0, where r says nothing, always takes the second step.
/// What neither sees is a point where f″ = 0 while |f‴/f′| exceeds 10⁶·(f′/f)² (an inflection of
/// a fast oscillation riding on a large, slowly varying f). Near tan's pole both trip, at the zero
/// of sin(1000x) f(x) = 0 sends it on; x⁵⁰ at 3 (scale 3/50, h = 3e-20) passes, rightly.
func complexStepSingle<V: ADScalar & BinaryFloatingPoint & Real>(
    _ evaluation: ([Complex<V>], EvaluationDiagnostics), value: [V], direction v: [V], outputs m: Int, step h: Double
) -> [DifferenceEstimate]? {
    let (fine, diag) = evaluation
    guard diag.errors.isEmpty, fine.count >= m, value.count >= m else { return nil }
    let eps = Double(V.ulpOfOne)
    let leastNormal = Double(V.leastNormalMagnitude)
    if v.contains(where: { $0 != 0 && Swift.abs(Double(V(h) * $0)) < leastNormal }) { return nil }
    var estimates: [DifferenceEstimate] = []
    for i in 0..<m {
        let f0 = Double(value[i]), re = Double(fine[i].real), im = Double(fine[i].imaginary)
        let d = im / h
        guard f0 != 0, f0.isFinite, fine[i].isFinite, d.isFinite, Swift.abs(im) >= leastNormal else { return nil }
        let curvature = Swift.abs(re - f0)
        if curvature > DifferenceTuning.complexStepCurvatureULPs * eps * Swift.max(Swift.abs(f0), Swift.abs(re)) { return nil }
        let modelled = h * h * Swift.abs(d) * (d / f0) * (d / f0)
        let margin = DifferenceTuning.complexStepModelMargin
        guard modelled.isFinite, margin * modelled <= eps * Swift.abs(d) else { return nil }
        let err = margin * modelled + DifferenceTuning.evaluationNoiseULPs * eps * Swift.abs(d)
        estimates.append(DifferenceEstimate(value: d, errorEstimate: err, step: h, warnings: []))
    }
    return estimates
}

/// Im f(x + ih·v)/h and its error estimate at one step h from two evaluations (h and 2h); `fine`
/// is the evaluation at h when it was made already (it then costs one more).
func complexStepEstimates<V: ADScalar & BinaryFloatingPoint & Real>(
    _ f: some ADFunction, at x: [V], direction v: [V], outputs m: Int, step h: Double,
    fine evaluated: ([Complex<V>], EvaluationDiagnostics)? = nil
) -> ([DifferenceEstimate], ADError?, Int) {
    let (fine, diag) = evaluated ?? complexStepEvaluation(f, at: x, direction: v, step: h)
    let (coarse, _) = complexStepEvaluation(f, at: x, direction: v, step: 2 * h)
    let unsupported = diag.errors.first { if case .unsupported = $0 { return true } else { return false } }
    let eps = Double(V.ulpOfOne)
    let leastNormal = Double(V.leastNormalMagnitude)
    // A seed below the normal range may have lost digits before f even started.
    let seedUnderflows = v.contains { vj in vj != 0 && Swift.abs(Double(V(h) * vj)) < leastNormal }
    let est = (0..<m).map { i -> DifferenceEstimate in
        guard i < fine.count, i < coarse.count else {
            return DifferenceEstimate(value: .nan, errorEstimate: .infinity, step: h, warnings: [.nonFinite])
        }
        let im = Double(fine[i].imaginary)
        let d = im / h
        var warn: [FDWarning] = []
        if unsupported != nil { warn.append(.unsupportedOp) }
        if !fine[i].isFinite || !d.isFinite { warn.append(.nonFinite) }
        // An imaginary part below V's least normal magnitude keeps only an absolute quantum of
        // leastNonzero: divided by h, that is the derivative's absolute rounding error. Each of
        // the operations that produced it may have rounded to that quantum, hence the factor.
        let quantum = Double(V.leastNonzeroMagnitude) / h
        // |D(h) − D(2h)|/3 is h²|f‴|/6 up to the h⁴ terms, relative size (h/r)² for a singularity
        // r away: at the poles the fuzz corpus found it fell short by that much, hence the margin.
        let truncation = 1.25 * Swift.abs(d - Double(coarse[i].imaginary) / (2 * h)) / 3
        var err = truncation + DifferenceTuning.evaluationNoiseULPs * (eps * Swift.abs(d) + quantum)
        // Subnormal, or zero from a subnormal seed: the true derivative may be anything below
        // leastNormal/h, and the estimate must say so.
        if (im != 0 && Swift.abs(im) < leastNormal) || (im == 0 && seedUnderflows) {
            warn.append(.underflow)
            err = Swift.max(err, 64 * quantum, im == 0 ? leastNormal / h : 0)
        }
        let ok = warn.isEmpty || warn == [.underflow]
        return DifferenceEstimate(value: ok ? d : .nan, errorEstimate: ok ? err : .infinity, step: h, warnings: warn)
    }
    return (est, unsupported, 2)
}

/// s = min over moved coordinates of |x_j|/|v_j| (1 for x_j = 0): the scale the complex step is
/// relative to.
func complexStepScale<V: BinaryFloatingPoint>(at x: [V], direction v: [V]) -> Double {
    var s = Double.infinity
    for (xj, vj) in zip(x, v) where vj != 0 && vj.isFinite {
        let a = Swift.abs(Double(xj))
        s = Swift.min(s, (a.isFinite && a > 0 ? a : 1) / Swift.abs(Double(vj)))
    }
    return s.isFinite && s > 0 ? s : 1
}

/// The complex step h for the line x + ih·v, as a Double that V represents exactly (so dividing by
/// it divides by the step actually applied).
///
/// Why relative: the truncation error of Im f(x + ih)/h is h²·f‴/6, and for functions whose
/// derivatives scale with 1/|x| (sqrt, log, powers) that is f′·O((h/|x|)²). An absolute h = 1e-20
/// is then wrong by orders of magnitude at |x| = 1e-300, and at |x| = 1e300 its seed h·f′ underflows
/// (log: Im = atan2(h, x) = 0). So h = c·s with s = min over moved coordinates of |x_j|/|v_j|
/// (1 for x_j = 0, where no scale is known), rounded to a power of two so that h·v_j is exact.
/// The automatic step is raised towards V's least normal magnitude, never above s·√ε·1e-3 (which
/// keeps (h/s)² below 1e-6·ε): a subnormal seed carries few significant bits.
func complexStep<V: BinaryFloatingPoint>(_ step: StepSize, at x: [V], direction v: [V], as _: V.Type) -> Double {
    let s = complexStepScale(at: x, direction: v)
    let eps = Double(V.ulpOfOne)
    let h: Double
    switch step {
    case .absolute(let a):
        h = a
    case .relative(let r):
        h = (r * s).nearestPowerOfTwo
    case .automatic:
        let c = eps < 1e-10 ? DifferenceTuning.complexStepDouble : DifferenceTuning.complexStepFloat
        let normalFloor = Swift.min(Double(V.leastNormalMagnitude), s * eps.squareRoot() * 1e-3)
        h = Swift.max(c * s, normalFloor).nearestPowerOfTwo
    }
    // Keep h and 2h positive and finite in V: a step that underflowed to 0 would divide 0 by 0, one
    // that overflowed would give 0 for every derivative. (Absolute steps were validated already.)
    let largest = Double(V.greatestFiniteMagnitude) / 4
    let smallest = Double(V.leastNonzeroMagnitude)
    return Double(V(Swift.min(Swift.max(h, smallest), largest)))
}

