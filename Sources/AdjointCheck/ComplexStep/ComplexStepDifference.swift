import AdjointCore
import ComplexModule
import RealModule

/// Complex step along v: Im f(x + ih·v)/h. Nothing cancels, so rounding is a few ε of |D|, plus
/// the quantum of subnormal imaginary parts, which a seed near the underflow threshold meets.
///
/// The truncation part is measured, from the estimate at 2h (error ∝ h², so |D(h) − D(2h)|/3):
/// an a-priori bound f′·O((h/s)²) from the scale s of x (one evaluation per direction, n + 1 for
/// a Jacobian) fails where f varies on a much smaller scale than x — tan(x) 6e-17 from its pole
/// came out 5e-8 wrong while claiming 1e-15 (found by the fuzz corpus) — so every direction costs
/// two evaluations.
///
/// A second, wider step is tried when an imaginary part underflowed, came out exactly 0 or the
/// estimate is not finite, and the relative step is below the step at scale 1: near x = 0 a step proportional to
/// |x| is right for log or √ but makes every imaginary part of x·x or cos x underflow (issue 14:
/// `x*x` at 1e-300 gave 0). Per output, the wider step is taken only when its estimate is smaller
/// and the two results agree within their estimates, since a step far beyond |x| can be
/// consistently wrong (log at 1e-200).
func complexStepDirectional<V: ADScalar & BinaryFloatingPoint & Real>(
    _ f: some ADFunction, at x: [V], direction v: [V], outputs m: Int, step: StepSize
) -> ([DifferenceEstimate], Int, ADError?) {
    let h = complexStep(step, at: x, direction: v, as: V.self)
    var automatic = false
    if case .automatic = step { automatic = true }
    var (estimates, unsupported, evaluations) = complexStepEstimates(f, at: x, direction: v, outputs: m, step: h)
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

/// Im f(x + ih·v)/h and its error estimate at one step h (two evaluations: h and 2h).
func complexStepEstimates<V: ADScalar & BinaryFloatingPoint & Real>(
    _ f: some ADFunction, at x: [V], direction v: [V], outputs m: Int, step h: Double
) -> ([DifferenceEstimate], ADError?, Int) {
    func run(_ h: Double) -> ([Complex<V>], EvaluationDiagnostics) {
        Diagnostics.collect {
            f(zip(x, v).map { Complex<V>($0, V(h) * $1) })
        }
    }
    let (fine, diag) = run(h)
    let (coarse, _) = run(2 * h)
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
        let truncation = Swift.abs(d - Double(coarse[i].imaginary) / (2 * h)) / 3
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

