import AdjointCore
import RealModule

// The methods' steps follow the scale of the input: a fixed stencil's c·ε^{1/(p+1)}·max(1, |x|),
// Richardson's scan from 0.125·max(1, |x|), the adaptive method's c·ε^{1/4}·max(1, |x|). A term of
// f that varies on the scale of one unit of the input (sin x at x = 10⁸, where an ulp of x is
// 1.5·10⁻⁸ and f is smooth between Doubles) is then averaged over many of its periods at every
// step they take, and every stencil agrees with every other on the rest of f: sin(x₀)·x₁ + x₀x₁ at
// (164029050.46, 37413588.72) gave central's 37411510.7 ± 35, no warning, for the true
// 51008147.97 (mpmath), and the adaptive method 1.0000000000320028 ± 2·10⁻¹⁰ for
// cos x + 1 = 0.0938 of sin(x) + x at 5.1·10¹². Nothing in samples spaced beyond the term's scale
// shows it (the adaptive method's two stencils, Richardson's levels and a fixed stencil's h/2h
// estimate all settle on the average); only a step within it does. Of 200 points with |x| from 10⁴
// to 10¹⁴ (Tests/Data/large-argument-scan.tsv) central missed the derivative unwarned at 173,
// Richardson at 35 and the adaptive method at 53.
//
// So an estimate whose samples reach beyond a unit of the line's parameter is held against a
// central difference at a step within it, φ/2 of the unit (off the power-of-two lattice, as the
// noise audit's spacings are), extrapolated with the same difference at twice the step, whose
// change estimates its truncation. Where the two are further apart than their two error bounds,
// f varies on a scale shorter than the method's steps, and the method is run again from steps
// whose first samples reach one unit (``LineProbe/narrowScale(to:)``), noise audit and all. Its
// estimate is kept where it agrees with the look within their bounds; else it is widened to cover
// the look and flagged ``FDWarning/noConvergence`` (two step ranges read two slopes). An f smooth
// on the scale of x reads the same slope at the look's step: 4 evaluations more per line, only
// where the steps reach beyond a unit (|x| above about 5·10⁴ for central, 2·10³ for the adaptive
// method, 8 for Richardson's first level), and none where an ulp of x exceeds the look's step
// (|x| ≳ 10¹⁵, where no difference resolves a unit: sin(x) + |x| at 10²⁵ is the check's `aliased`).
// On the scan the unwarned misses fell from 173 to 19 (central: those left were its h/2h estimate
// at its default steps of 0.125 to 0.5, reaching no further than a unit so not looked at here,
// falling up to 5% short of a sine's truncation; `withNextOrderAllowance` holds them now), 35 to
// 0 (Richardson) and 53 to 0 (adaptive), for 2.8, 1.11 and 1.23 times the evaluations there.
//
// An output f's tape shows affine along the line has no such term, and is not looked at (its
// two samples are its estimate).
//
// A term on a scale shorter than the unit (sin(1000x) at 10⁵) is averaged at the look's step too,
// and a term whose slope over a unit is within the look's rounding is not seen there either:
// neither is caught by this look.

extension LineProbe where V: Real {
    /// One unit of the line's parameter t in x + t·v: 1/maxⱼ|vⱼ| (1 along an axis).
    var unitStep: Double {
        guard axis == nil else { return 1 }
        let largest = v.map { Swift.abs(Double($0)) }.max() ?? 1
        return largest > 0 && largest.isFinite ? 1 / largest : 1
    }

    /// `result` (by `method`, automatic step) with every estimate whose samples reach beyond a
    /// unit of the line's parameter held against a central difference within it, and taken again
    /// from steps scaled to the unit where the two disagree (see the comment at the top of this
    /// file). `callersFloor` is the probe's rounding bound before the method ran (the noise audit
    /// may have set its own, which the run from the unit measures again).
    ///
    /// An estimate already warned `cancellation` or `no-convergence` is taken again too where
    /// the look is unwarned and sharper: the noise audit's table, spaced on the scale of x, read
    /// a term averaged there as noise of its amplitude, and Richardson returned sin x at 8.4·10⁸
    /// as −1.8·10⁻⁷ ± 2·10⁻⁵, "cancelled", where cos x = 0.345 is resolved to 10⁻¹² from a unit.
    /// The run from the unit replaces it only where that run is unwarned.
    mutating func heldWithinAUnit(_ result: [DifferenceEstimate], method: DifferenceMethod, outputs m: Int,
                                  callersFloor: [Double]) -> [DifferenceEstimate] {
        let unit = unitStep
        let redeemable: Set<FDWarning> = [.cancellation, .noConvergence]
        let open = result.indices.filter { i in
            i < m && result[i].value.isFinite && result[i].errorEstimate.isFinite && result[i].reach > unit
                && Set(result[i].warnings).isSubset(of: redeemable) && !(i < affine.count && affine[i])
        }
        guard !open.isEmpty, scale > unit else { return result }
        let h = V(DifferenceTuning.unitLookStep * unit)
        guard h > 0, h.isFinite, !stepBelowULP(h) else { return result }
        // Judged against the caller's bound, not the noise the audit measured: its table's
        // spacings follow the same scale as the method's steps, and a term averaged there is
        // read as noise (σ ≈ 0.5 for sin(x) + x at 5·10¹²), which made the look's own error 12
        // beside a gap of 0.9.
        let measuredFloor = noiseFloor
        noiseFloor = callersFloor
        let look = unitLook(step: h, outputs: m)
        func apart(_ a: DifferenceEstimate, _ b: DifferenceEstimate) -> Bool {
            a.value.isFinite && b.value.isFinite && a.errorEstimate.isFinite && b.errorEstimate.isFinite
                && Swift.abs(a.value - b.value) > a.errorEstimate + b.errorEstimate
        }
        // The look as an estimate of its own: unwarned, and settled enough (its h/2h change
        // within 5% of its value: a term shorter than its step too reads two unrelated values).
        func usable(_ e: DifferenceEstimate) -> Bool {
            e.warnings.isEmpty && e.value.isFinite
                && e.errorEstimate <= DifferenceTuning.inconclusiveRelativeError * Swift.abs(e.value)
        }
        let doubted = open.filter { i in
            guard i < look.count else { return false }
            if result[i].warnings.isEmpty { return apart(look[i], result[i]) }
            return usable(look[i]) && (apart(look[i], result[i]) || look[i].errorEstimate < result[i].errorEstimate)
        }
        guard !doubted.isEmpty else {
            noiseFloor = measuredFloor
            return result
        }
        narrowScale(to: unitRunScale(method, unit: unit))
        let again = settledEstimate(method, step: .automatic, outputs: m)
        // The look again, against the noise the run from the unit measured on its own spacings
        // (within the term's scale, where a term is no noise): f that is noisy, not varying
        // faster, disagreed with its own estimate only by the caller's bound, and agrees now.
        let remeasured = unitLook(step: h, outputs: m)
        var held = result
        for i in doubted where i < again.count && i < remeasured.count {
            let first = result[i], closer = remeasured[i]
            if first.warnings.isEmpty && !apart(first, closer) && !apart(first, again[i]) { continue }
            // The run from the unit where it is unwarned; else the look where it is usable (the
            // run's steps from the unit fell below an ulp of x: sin x at 10¹³, ulp 0.002); else
            // the run, warned, in place of an unwarned estimate the look refuted.
            var e: DifferenceEstimate
            if again[i].warnings.isEmpty {
                e = again[i]
            } else if usable(closer) {
                e = closer
                e.reach = Swift.max(e.reach, 2 * Double(h))
            } else if first.warnings.isEmpty {
                e = again[i]
            } else {
                continue
            }
            // The run's own steps can grow past the unit again where f's rounding hides the
            // truncation below it (the adaptive method moved to 0.5, reaching 3, on the f above
            // and read −8625250.5 ± 21.9 for −8625204.8): such an estimate is not the unit's.
            if apart(e, closer) || (e.warnings.isEmpty && e.reach > unit) {
                e.errorEstimate = Swift.max(e.errorEstimate, Swift.abs(e.value - closer.value) + closer.errorEstimate)
                if !e.warnings.contains(.noConvergence) { e.warnings = (e.warnings + [.noConvergence]).sorted() }
            }
            held[i] = e
        }
        return held
    }

    /// The scale the method runs again from: the one whose first samples reach one unit, so that
    /// the method finds its steps from there down, as it does from |x| where f varies on the
    /// scale of x (Richardson's first level 0.125·scale, the adaptive method's first step
    /// c·ε^{1/4}·scale reaching 6 times it). From the unit's own scale (Richardson from 0.125,
    /// the adaptive method from 10⁻⁴) they start where f's rounding of a large value swamps the
    /// slope, and stopped there: Richardson settled x₀x₁² + sin(x₂)·x₀ + x₁x₂ at
    /// (−295.2, −8.6·10⁶, 2.4·10⁵) on ± 312, beside a sine's 183 that a start at the unit resolves.
    /// A fixed stencil's default step is the one at scale 1.
    func unitRunScale(_ method: DifferenceMethod, unit: Double) -> Double {
        switch method {
        case .richardson: return unit / DifferenceTuning.richardsonInitialStep
        case .adaptive:
            let first = DifferenceTuning.stepConstant(for: DifferenceTuning.adaptiveValueStencil) * Double.pow(epsilon, 0.25)
            let reach = Double(DifferenceTuning.adaptiveValueStencil.offsets.map { Swift.abs($0) }.max() ?? 1)
            return unit / (first * reach)
        default: return unit
        }
    }

    /// The central differences D(h) and D(2h) extrapolated as Ridders' first column does,
    /// (4D(h) − D(2h))/3, with |D(h) − D(2h)|/3 as its error (the truncation of D(h) itself, which
    /// bounds the extrapolation's by a wide margin) plus twice D(h)'s rounding (what the
    /// extrapolation's weights carry). Not D(h) with that error: a sine's h/2h estimate falls short
    /// of its truncation h²/6 (0.4% at a step of 0.15), and a right Richardson value was flagged for it.
    mutating func unitLook(step h: V, outputs m: Int) -> [DifferenceEstimate] {
        let central = Stencil.of(.central)
        let fine = apply(central, step: h, outputs: m)
        let coarse = apply(central, step: 2 * h, outputs: m)
        return (0..<m).map { i in
            let change = fine.derivative[i] - coarse.derivative[i]
            let error = Swift.abs(change) / 3 + DifferenceTuning.richardsonRoundingGain * fine.rounding[i]
            return DifferenceEstimate(value: fine.derivative[i] + change / 3, errorEstimate: error.isNaN ? .infinity : error,
                                      step: Double(h), warnings: fine.warnings[i], reach: 2 * Double(h))
        }
    }
}
