import AdjointCore
import RealModule

// An f computed through a rounded intermediate can be smooth at every step a method takes and
// still have the wrong slope there. Beside x = 2, fl(x·x) drifts against x's grid so slowly that
// it rises with slope exactly 4 (not 2x) for about 1/δ ulps of x (δ = x − 2) and then jumps back
// by an ulp of 4: a sawtooth of amplitude A (half an ulp of x·x) and period P = ulp(x)/δ. A
// difference at a step h below P sees one tooth's ramp: every such step agrees with every other,
// and all read f′ off by the ramp's slope 2A/P (5·10⁻⁷ of f′ for x/(x·x − 4) at 2.000001). A
// difference at h above P sees the teeth as noise of at most A/h, which shrinks as h grows, and
// its truncation grows instead. Richardson and the adaptive method settle below P, and the noise
// audit's table, spaced 128 times apart, either spans the pole's curvature or sits in one tooth.
// Of 400 points 10⁻¹² to 10⁻² from poles and roots (Tests/Data/singularity-scan.tsv), 22
// Richardson and 46 adaptive estimates on a closure missed the exact derivative unwarned.
//
// What rules the ramp out is a slope read at steps above P. So after the method has settled,
// central differences are taken at steps off the methods' power-of-two lattice (φ times a power
// of two, where a lattice-aligned rounding pattern does not repeat), growing by 4 from twice the
// estimate's reach, and extrapolated as Richardson does (Ridders' tableau in steps t, 4t, 16t).
// Where one of these readings and the estimate are further apart than their two error bounds, at
// most one holds, and the samples cannot say which: the estimate is widened to cover both. For
// a smooth f the readings agree (the tableau's error covers its truncation), so nothing changes.
// On the scan the misses fell from 22 to 4 (Richardson) and 46 to 10 (adaptive), for 3.5% and
// 18% more evaluations there; those left are 10⁻⁷ or closer to the pole, where any step above P
// (4·10⁻⁹ at δ = 10⁻⁷) is a sizeable part of δ and the tableau's error there exceeds the bend.
// It runs only after the noise audit, so not through the tape (whose rounding bound carries x·x's
// rounding and already keeps the steps above the teeth), and only where the audit's table did
// not confirm f's rounding at its first two spacings (see the caller): the ordinary functions of
// the scan cost 0.1% (Richardson) and 0.8% (adaptive) more.

extension LineProbe where V: Real {
    /// `e` (output i, settled by Richardson or the adaptive method) widened to cover any reading
    /// of the off-lattice ladder that its bound and the reading's own cannot both hold with (see
    /// the comment at the top of this file). At most ``DifferenceTuning/slopeLadderRungs`` central
    /// differences, 2 evaluations each, shared by every output of the column; the ladder stops
    /// where its samples are not finite or its tableau's error exceeds 10⁻³ of |f′| (the
    /// truncation has taken over, and larger steps see nothing more).
    mutating func widenedOverSlopeLadder(_ e: DifferenceEstimate, output i: Int, outputs m: Int) -> DifferenceEstimate {
        guard e.warnings.isEmpty, e.value.isFinite, e.errorEstimate.isFinite, e.reach > 0 else { return e }
        let central = Stencil.of(.central)
        var out = e
        var t = V(2 * DifferenceTuning.noiseSpacingFactor * e.reach)
        // Ridders' tableau up the ladder: entry j of a rung removes the t^{2j} term using the rung
        // below (the smaller step), so `previous` is that rung's row.
        var previous: [Double] = []
        // Not beyond a unit of the line's parameter either (a sawtooth's period is far below it):
        // there a term that varies on that scale is averaged, and sin x at 10⁸, settled on
        // cos x to 10⁻¹⁶, was widened by the rungs up to 0.125·|x|, which read its slope
        // attenuated, to ± 1.045·|cos x| (at every point of the large-argument scan).
        let highest = Swift.min(DifferenceTuning.richardsonInitialStep * scale, unitStep)
        for rung in 0..<DifferenceTuning.slopeLadderRungs {
            guard t > 0, t.isFinite, Double(t) <= highest, !stepBelowULP(t) else { break }
            let sample = apply(central, step: t, outputs: m)
            guard i < sample.derivative.count, sample.derivative[i].isFinite else { break }
            var row = [sample.derivative[i]]
            var best: (value: Double, error: Double)? = nil
            var factor = 1.0
            for j in stride(from: 1, through: Swift.min(rung, 2), by: 1) {
                factor *= 16
                row.append(previous[j - 1] + (previous[j - 1] - row[j - 1]) / (factor - 1))
                let truncation = Swift.max(Swift.abs(row[j] - row[j - 1]), Swift.abs(row[j] - previous[j - 1]))
                // The rounding of the smaller rung's difference, amplified by the extrapolation.
                let error = Swift.max(truncation, DifferenceTuning.richardsonRoundingGain * sample.rounding[i] * 4)
                if error.isFinite, error < best?.error ?? .infinity { best = (row[j], error) }
            }
            previous = row
            t *= 4
            guard let b = best else { continue }
            if Swift.abs(b.value - e.value) > e.errorEstimate + b.error {
                out.errorEstimate = Swift.max(out.errorEstimate, Swift.abs(b.value - e.value) + b.error)
            }
            if b.error > 1e-3 * Swift.abs(e.value) { break }
        }
        return out
    }
}
