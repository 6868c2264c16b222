import AdjointCore
import RealModule

// Steps chosen from the function, not from |x| (issue 16).
//
// A fixed starting step such as 0.125·max(1, |x|) ignores the scale on which f varies: for
// sin(1000x) at x = 1 every step of Ridders' tableau from 0.125 down to 0.001 samples f across
// several periods, the tableau's entries agree by accident, and Richardson returned −2.986 for
// 562.38 with an error estimate of 1e-3. Both methods below first look for evidence that they are
// in the asymptotic range — where successive estimates change as the theory of the stencil says
// they must — and only then extrapolate or accept. Where no such range exists before rounding
// takes over, they say so (``FDWarning/noConvergence``) instead of returning a confident number.

/// Ridders' tableau fed one central difference at a time, steps halving: column j removes the
/// h^{2j} term, and each entry's error is estimated from its neighbours.
struct RiddersTableau {
    private var previous: [Double] = []
    /// The entry with the smallest estimated error so far, and the row (level) it is on.
    private(set) var best: (value: Double, error: Double, level: Int)?
    private(set) var levels = 0

    /// Adds D(h₀/2ᵏ) for the next k, with that difference's rounding bound; returns true when
    /// the newest diagonal is worse than the best by ``DifferenceTuning/richardsonStopFactor``
    /// (rounding has taken over, so further levels only add noise).
    mutating func add(_ d: Double, rounding: Double) -> Bool {
        var row = [d]
        var factor = 1.0
        for j in stride(from: 1, through: levels, by: 1) {
            factor *= 4
            row.append(row[j - 1] + (row[j - 1] - previous[j - 1]) / (factor - 1))
        }
        var stop = false
        if levels >= 1 {
            for j in 1..<row.count {
                let truncation = Swift.max(Swift.abs(row[j] - row[j - 1]), Swift.abs(row[j] - previous[j - 1]))
                // Ridders' estimate sees truncation only; near convergence the rounding of this
                // level's differences dominates, so it is a floor, amplified by the extrapolation.
                let err = Swift.max(truncation, DifferenceTuning.richardsonRoundingGain * rounding)
                if err.isFinite && err <= (best?.error ?? .infinity) { best = (row[j], err, levels) }
            }
            if let b = best, Swift.abs(row[levels] - previous[levels - 1]) >= DifferenceTuning.richardsonStopFactor * b.error {
                stop = true
            }
        }
        previous = row
        levels += 1
        return stop
    }
}

extension LineProbe {
    /// Richardson extrapolation whose starting step is found from f.
    ///
    /// Central differences D(h_k), h_k = 0.125·scale/2ᵏ, are computed level by level (shared by all
    /// outputs). For each output the scan looks for four consecutive levels that are either
    /// asymptotic — the first differences D(h_{k−1}) − D(h_k) shrink by a factor in
    /// ``DifferenceTuning/asymptoticRatioRange`` at each halving (4 for a smooth f, 16 where
    /// f‴ = 0) — or flat within their rounding bounds. Ridders' tableau starts at the first such
    /// level. Where no level qualifies before the step falls below an ulp of x, the estimate is
    /// flagged ``FDWarning/noConvergence`` with the spread of the last differences as its error.
    /// `maximumStep` bounds h₀ (fault localisation keeps the steps inside a primitive's domain and
    /// short of its kinks).
    ///
    /// `settled` (by output, from ``affineDifference(offsets:step:outputs:)``) are returned as
    /// they are and not scanned.
    mutating func richardsonScanned(outputs m: Int, maximumStep: V = .infinity,
                                    settled: [DifferenceEstimate?] = []) -> [DifferenceEstimate] {
        let central = Stencil.of(.central)
        var h0 = V(DifferenceTuning.richardsonInitialStep * scale).nearestPowerOfTwo
        // A caller's bound (a primitive's domain edge or kink) is kept strictly: halving keeps the
        // levels on powers of two.
        while h0 > maximumStep && h0 > 0 { h0 /= 2 }
        var samples: [StencilSample] = []
        var steps: [V] = []
        /// Computes levels up to k; false when level k cannot be sampled (step below an ulp of x,
        /// or past the scan's depth).
        func ensure(_ k: Int) -> Bool {
            guard k < DifferenceTuning.richardsonScanLevels else { return false }
            while samples.count <= k {
                let h = h0 / V(Double.pow(2, Double(samples.count)))
                if h == 0 || stepBelowULP(h) { return false }
                samples.append(apply(central, step: h, outputs: m))
                steps.append(h)
            }
            return true
        }
        var result: [DifferenceEstimate] = []
        for i in 0..<m {
            if i < settled.count, let e = settled[i] {
                result.append(e)
                continue
            }
            var accepted: DifferenceEstimate? = nil
            // Whether the accepted start was flat, and the tightest start, asymptotic or flat, whose
            // settled value a smaller step contradicted (see the check after the scan).
            var acceptedFlat = false
            var contradicted: (value: Double, error: Double)? = nil
            var k = 0
            // A verified start near a singularity can still give a loose estimate (the tableau
            // converges slowly from steps close to the pole): keep scanning towards smaller steps
            // while the best verified estimate is loose, and keep the tightest.
            // Where a caller's rounding bound is above the model's few ulps of f, an estimate
            // within a few times its own level's rounding is as good as the scan can make it: the
            // bound, not the truncation, limits every start (sin(1000x) carries the rounding of
            // 1000x, 10⁻¹³ per sample, and the scan went on through every level, 85 evaluations
            // for an estimate it already had at 35). Below the model nothing changes.
            let floorDominates = i < noiseFloor.count
                && noiseFloor[i] > DifferenceTuning.evaluationNoiseULPs * epsilon * sampledMagnitude(output: i)
            var acceptedRounding = Double.infinity
            func goodEnough() -> Bool {
                guard let a = accepted else { return false }
                if floorDominates && a.errorEstimate <= DifferenceTuning.flatTolerance * DifferenceTuning.richardsonRoundingGain * acceptedRounding {
                    return true
                }
                return a.errorEstimate <= DifferenceTuning.richardsonGoodEnough * Double.pow(epsilon, 0.75) * Swift.abs(a.value)
            }
            while !goodEnough() && ensure(k + 3) {
                defer { k += 1 }
                let d = (k...k + 3).map { samples[$0].derivative[i] }
                let r = (k...k + 3).map { samples[$0].rounding[i] }
                guard d.allSatisfy(\.isFinite) else { continue }
                let diffs = (0..<3).map { d[$0] - d[$0 + 1] }
                let tol = (0..<3).map { DifferenceTuning.flatTolerance * (r[$0] + r[$0 + 1]) }
                let flat = (0..<3).allSatisfy { Swift.abs(diffs[$0]) <= tol[$0] }
                let range = DifferenceTuning.asymptoticRatioRange
                guard flat || (range.contains(diffs[0] / diffs[1]) && range.contains(diffs[1] / diffs[2])) else { continue }
                // A candidate start: extrapolate from it, with the model's rounding first.
                func extrapolate(noise: Double) -> (tableau: RiddersTableau, last: Int) {
                    var tableau = RiddersTableau()
                    var level = k
                    while ensure(level) && level - k < DifferenceTuning.richardsonMaxLevels {
                        let rounding = Swift.max(samples[level].rounding[i], noise / Double(steps[level]))
                        level += 1
                        if tableau.add(samples[level - 1].derivative[i], rounding: rounding) { break }
                    }
                    return (tableau, level - 1)
                }
                var (tableau, last) = extrapolate(noise: 0)
                guard tableau.best != nil else { continue }
                // Verify against differences at a much smaller step. Samples on a lattice near
                // multiples of f's period look like a smooth function of another frequency
                // (aliasing: sin(1e5·x) sampled at steps 0.125/2ᵏ converges to a wrong limit for
                // k ≤ 11); a step below the lattice sees through it. The two smallest steps also
                // measure f's rounding noise, which the 2-ulp model underrates for compositions
                // such as sin(1000·x) (the rounding of 1000·x is ulp(1000x)·|f′|/1000, not ε|f|).
                // The verification step: small enough that its rounding is a fixed small fraction
                // of |V| (so it sees any f′ the tableau could have missed), but at least 1024 ulps
                // of x and at least two halvings below the tableau's last step.
                let vEstimate = Swift.abs(tableau.best?.value ?? 0)
                let lastStep = Double(steps[last]) / 4
                // The rounding of a central difference is ρ/h with ρ = (its rounding at the last step)·h_last.
                let rho = samples[last].rounding[i] * Double(steps[last])
                let roundingLimited = rho / (DifferenceTuning.verificationRounding * Swift.max(vEstimate, .leastNormalMagnitude))
                let hvDouble = Swift.min(lastStep, Swift.max(roundingLimited, 1024 * epsilon * scale))
                let hv = V(hvDouble).nearestPowerOfTwo
                var noise = 0.0
                if hv > 0 && !stepBelowULP(hv) {
                    // Sampled directly (not through the levels in between); the probe's memory
                    // makes a repeat free.
                    let verification = apply(central, step: hv, outputs: m)
                    if let measured = measuredNoise(small: hv, output: i) {
                        noise = measured
                        // Noise that is a sizeable part of what f does along the line means f is not a smooth
                        // function at any step the method can take: sin at 1e25 turns over
                        // between adjacent Doubles (2³¹ apart), its samples are noise of
                        // amplitude 1, and the tableau "converged" to 6.5e-24 ± 5.7e-24 where
                        // cos x = 0.13. No candidate start is trusted then (no-convergence).
                        if noise > DifferenceTuning.verificationRounding * sampledMagnitude(output: i) {
                            // Refuted by the noise below it, as by a contradicting step: a flat run
                            // accepted further down with another value is judged against it too.
                            // f = (x + y)² − x² − 2xy − y² (0) along x at (35000, −0.125) is
                            // exactly 0 at steps down to 2⁻²¹ and noise at this check's 2⁻²⁷;
                            // between, f(x ± h) = ±h/4, and 0.25 ± 2.2·10⁻¹⁶ came out unwarned.
                            if let b = tableau.best, b.error < contradicted?.error ?? .infinity { contradicted = (b.value, b.error) }
                            continue
                        }
                        (tableau, last) = extrapolate(noise: noise)
                    }
                    guard let best = tableau.best else { continue }
                    let dv = verification.derivative[i]
                    if dv.isFinite {
                        let shrink = Double(hv) / Double(steps[last])
                        let predicted = Swift.abs(samples[last].derivative[i] - best.value) * shrink * shrink
                        let rounding = Swift.max(verification.rounding[i], noise / Double(hv))
                        let tolerance = DifferenceTuning.flatTolerance * (rounding + predicted + best.error)
                        if !(Swift.abs(dv - best.value) <= tolerance) {
                            if best.error < contradicted?.error ?? .infinity { contradicted = (best.value, best.error) }
                            continue
                        }
                    }
                }
                guard let best = tableau.best else { continue }
                let bestLevel = k + best.level
                let floor = DifferenceTuning.evaluationNoiseULPs * epsilon * Swift.abs(best.value)
                let shift = inputRoundingError(curvatureStep: steps[k], output: i)
                let found = DifferenceEstimate(value: best.value, errorEstimate: Swift.max(best.error, floor) + shift,
                                               step: Double(steps[bestLevel]), warnings: samples[bestLevel].warnings[i],
                                               reach: Double(steps[k]))
                if found.errorEstimate < accepted?.errorEstimate ?? .infinity {
                    accepted = found; acceptedFlat = flat
                    acceptedRounding = samples[bestLevel].rounding[i]
                }
            }
            // Larger steps settled, as a smooth f's differences do, on a value that a small step
            // contradicted, and smaller steps then found f exactly linear with another slope. A
            // smooth f does not do both; one computed through a rounded intermediate does. In
            // (exp(x) − 1)/x at 10⁻⁶ the x²/2 term of exp(x) moves by an ulp of 1 only every
            // 2·10⁻¹⁰ of x, so between those points f is 1 + c/x, of slope −0.5, and steps below
            // settled flat on −0.49996 ± 3·10⁻⁵ where f′ = 0.5000003 (what steps of 0.1 to 0.001
            // had found, ± 3·10⁻¹³). The samples cannot tell which range is right, so the
            // estimate says so, with both values inside its spread.
            // A flat start that was contradicted counts too: in 2(x + y) − 2x − 2y along y at
            // (35000, −0.125), x + y rounds to multiples of ulp(35000) = 2⁻³⁷, so every step of
            // 2⁻³⁷ or more (powers of two, on that lattice) differences exact 0s, flat on 0 (the
            // derivative, by hand), while below it the samples are −2h exactly and settled flat on
            // −2.0 ± 1.8·10⁻¹⁵. Only asymptotic starts were remembered, and −2 came out unwarned.
            if var a = accepted, acceptedFlat, let c = contradicted,
               Swift.abs(a.value - c.value) > DifferenceTuning.flatTolerance * (a.errorEstimate + c.error) {
                a.errorEstimate = Swift.max(a.errorEstimate, Swift.abs(a.value - c.value) + c.error)
                if !a.warnings.contains(.noConvergence) { a.warnings = (a.warnings + [.noConvergence]).sorted() }
                accepted = a
            }
            // An accepted asymptotic start and a contradicted one whose values are further apart
            // than their two estimates cannot both hold. Where they are within a few times those
            // estimates the small verification step that refused the larger start decides nothing
            // either: an intermediate rounded on a lattice nearly commensurate with x's makes f
            // smooth with a bent slope below that lattice's treads. x/(x·x − 4) at 2.0000001: x·x
            // rounds to steps of slope exactly 4 (not 2x) for 5·10⁶ ulps of x, so every step below
            // 2·10⁻⁹ reads f′ 2.44·10⁶ off; the start at 6·10⁻⁸ said −50000000513301 ± 272947
            // (the truth −50000000163657.9, mpmath), was refused by a step of 4.5·10⁻¹³, and
            // −49999997721169.87 ± 888274 was returned. The estimate is widened to cover both
            // (it holds where either did), unflagged: neither reading is shown wrong. A start
            // refused by far more (an alias, orders of magnitude off) is left refused.
            if var a = accepted, !acceptedFlat, let c = contradicted {
                let apart = Swift.abs(a.value - c.value)
                if apart > a.errorEstimate + c.error && apart <= DifferenceTuning.flatTolerance * (a.errorEstimate + c.error) {
                    a.errorEstimate = Swift.max(a.errorEstimate, apart + c.error)
                    accepted = a
                }
            }
            result.append(accepted ?? unconverged(samples.map { $0.derivative[i] }, steps: steps.map { Double($0) },
                                                  warnings: samples.last?.warnings[i] ?? []))
        }
        return result
    }

    /// f's rounding noise along the line, measured at a small step h: the second difference
    /// f(x + h) − 2f(x) + f(x − h) minus the curvature part, a quarter of the same difference at
    /// 2h (their h⁴ terms differ by h⁴f⁗/4, negligible at a small h). What remains is noise from
    /// five samples; half of it estimates one sample's. Costs the two samples at ±2h when they
    /// were not taken yet; nil when a sample is missing or not finite.
    mutating func measuredNoise(small h: V, output i: Int) -> Double? {
        let f0 = at(0), fp = at(h), fm = at(-h), fp2 = at(2 * h), fm2 = at(-2 * h)
        guard i < f0.count, i < fp.count, i < fm.count, i < fp2.count, i < fm2.count else { return nil }
        let small = Double(fp[i]) - 2 * Double(f0[i]) + Double(fm[i])
        let large = Double(fp2[i]) - 2 * Double(f0[i]) + Double(fm2[i])
        let noise = Swift.abs(small - large / 4) / 2
        return noise.isFinite ? noise : nil
    }

    /// The error that rounding of x itself, and of intermediate quantities of the size of x
    /// (1000·x inside sin(1000·x)), puts into any derivative of the computed f: such rounding is
    /// an offset common to every sample, so f is effectively evaluated at a point a few ulps of x
    /// away, whose derivative differs by |f″|·(that distance). No difference sees it (complex step
    /// neither), so it is added to the estimate: noise·ε·|x|·|f″|, with f″ from the second
    /// difference at `h` (samples already taken; 0 when they are missing).
    func inputRoundingError(curvatureStep h: V, output i: Int) -> Double {
        guard let f0 = taken(at: 0), let fp = taken(at: h), let fm = taken(at: -h),
              i < f0.count, i < fp.count, i < fm.count else { return 0 }
        let curvature = Swift.abs((Double(fp[i]) - 2 * Double(f0[i]) + Double(fm[i])) / (Double(h) * Double(h)))
        let shift = DifferenceTuning.evaluationNoiseULPs * epsilon * positionScale * curvature
        return shift.isFinite ? shift : 0
    }

    /// The honest answer when no step range converged: the last finite estimate, with the spread
    /// of the last three as its error (never a small number by construction).
    func unconverged(_ d: [Double], steps: [Double], warnings: [FDWarning]) -> DifferenceEstimate {
        let finite = d.indices.filter { d[$0].isFinite }
        var warn = warnings
        if !warn.contains(.noConvergence) { warn.append(.noConvergence) }
        guard let last = finite.last else {
            if !warn.contains(.nonFinite) { warn.append(.nonFinite) }
            return DifferenceEstimate(value: .nan, errorEstimate: .infinity, step: steps.last ?? 0, warnings: warn.sorted(),
                                      reach: steps.first ?? 0)
        }
        let tail = finite.suffix(3).map { d[$0] }
        let spread = (tail.max() ?? 0) - (tail.min() ?? 0)
        // One finite value, or identical ones that never passed the flat test: no spread to
        // show, so the magnitude itself is the uncertainty.
        let err = spread > 0 ? spread : Swift.max(Swift.abs(d[last]), .leastNormalMagnitude)
        return DifferenceEstimate(value: d[last], errorEstimate: err, step: steps[last], warnings: warn.sorted(),
                                  reach: steps.first ?? 0)
    }

    /// How far f at a point off the power-of-two lattice of the stencils' samples (x + 3φh, φ the
    /// noise audit's ``DifferenceTuning/noiseSpacingFactor``) stands off the parabola through f(x)
    /// with slope `slope` and the curvature of the samples at `h`, over its displacement: a slope
    /// error the samples cannot rule out. Nil when it lies on it within their rounding.
    ///
    /// Asked where the value and check stencils (or two steps) agree within rounding: exactly what
    /// a quadratic gives, and what a staircase of rounding gives whose treads are a power of two
    /// wide. f = (x + y)² − x² − 2xy − y² is 0 (by hand); at (−616819, −0.03125), x + y rounds to
    /// multiples of ulp(616819) = 2⁻³³, its samples at the steps k·2⁻¹⁴ are exactly 0.0625·k·2⁻¹⁴
    /// (a line), both stencils read 0.0625 with a gap of 0, and 0.0625 ± 1.2·10⁻¹⁶ was accepted at
    /// once, unwarned, and spared the noise audit. Off the lattice f lands elsewhere on a tread,
    /// 4.6·10⁻⁵ where the line says 7·10⁻⁶; on x·y or x² the sample is on the curve to rounding.
    /// One evaluation, only where the gap shows no truncation at all.
    mutating func offLatticeMiss(step h: V, slope: Double, output i: Int, outputs m: Int) -> Double? {
        let nominal = V(3 * DifferenceTuning.noiseSpacingFactor) * h
        let curvature = apply(DifferenceTuning.adaptiveCurvatureStencil, step: h, outputs: m)
        let value = DifferenceTuning.adaptiveValueStencil
        let f0 = at(0), ft = at(nominal)
        guard i < f0.count, i < ft.count, i < curvature.derivative.count, curvature.derivative[i].isFinite,
              f0[i].isFinite, ft[i].isFinite else { return nil }
        // Where x + t landed along the axis (a direction's points round per coordinate).
        let t: Double
        if let j = axis { t = Double((x[j] + nominal) - x[j]) } else { t = Double(nominal) }
        let predicted = Double(f0[i]) + slope * t + curvature.derivative[i] * t * t / 2
        var largest = Swift.max(Swift.abs(Double(f0[i])), Swift.abs(Double(ft[i])))
        for s in value.offsets {
            if let y = taken(at: V(s) * h), i < y.count { largest = Swift.max(largest, Swift.abs(Double(y[i]))) }
        }
        let rounding = sampleRounding(magnitude: largest, output: i, reach: reach(value, h))
        // The two samples' rounding, and the samples' rounding carried to t by the slope and the
        // curvature (|t| < 2h, so a few times one sample's).
        let stencils = apply(value, step: h, outputs: m)
        let slopeError = (i < stencils.rounding.count ? stencils.rounding[i] : 0) * Swift.abs(t)
        let curvatureError = (i < curvature.rounding.count ? curvature.rounding[i] : 0) * t * t / 2
        let tolerance = DifferenceTuning.flatTolerance * (2 * rounding + slopeError + curvatureError)
        let miss = Swift.abs(Double(ft[i]) - predicted)
        guard t != 0, !(miss <= tolerance) else { return nil }
        return miss / Swift.abs(t)
    }

    /// One sample's rounding as the first step's samples show it, where they show more than the
    /// model's few ulps of |f|; nil where they do not. An f computed as a difference of terms
    /// larger than itself is exact in that last subtraction (Sterbenz), so its value is a multiple
    /// of the terms' ulp, not of its own: x²y − y³ at (−0.9688, 0.9697) is −0.0017, a multiple of
    /// 2⁻⁵³ = ulp(x²y), 512 times ulp(f), and the terms rounded by about that much. The samples'
    /// lowest set bits read that quantum q at no evaluation, and one sample's rounding is then
    /// ``DifferenceTuning/evaluationNoiseULPs`` quanta, as the model takes that many ulps of |f|
    /// for an f that does not cancel. A product or quotient after the cancellation fills the
    /// digits in again and hides it: the model stands there, as before.
    ///
    /// Samples at x + k·h with short binary expansions (x = 2, h a power of two) are multiples of
    /// a coarse quantum without any rounding (x·y at (2, 3) is exact there), and read alone gave
    /// 3 ± 4.3. So a quantum the lattice shows is confirmed by one sample off it, at
    /// offLatticeMiss's point (shared with it: no evaluation where that ran), whose moved
    /// coordinate has every digit and whose products round. That one sample is a multiple of the
    /// lattice's quantum (to a factor of 2, for terms crossing a binade) where f cancels; a coarse
    /// quantum of its own alone is weak evidence, as one Double's lowest set bit lies 2 or more
    /// bits above its ulp by chance in a quarter of values: x + y at (2, 3), whose lattice is exact,
    /// read ∂/∂x as 1 ± 5.0·10⁻¹⁰ for 1 ± 3.9·10⁻¹¹, and a claimed 1 + 3·10⁻¹⁰ agreed (at 29 of the
    /// 36 points (a, b) ∈ {1, …, 6}², a review). A lattice coarser than that sample (steps that
    /// are powers of two can leave the terms' low bits alike: x² − y² at (−0.9688, 0.9697) along y
    /// reads 4 ulps of the terms on the lattice, 1 off it) is taken only where the sample alone
    /// shows ``DifferenceTuning/granularityEvidenceAlone``.
    mutating func granularRounding(step h: V, output i: Int) -> Double? {
        var quantum = Double.infinity, magnitude = 0.0
        @discardableResult func read(_ y: [V]?) -> Bool {
            guard let y, i < y.count, y[i].isFinite, y[i] != 0 else { return false }
            let v = Double(y[i])
            quantum = Swift.min(quantum, Double(sign: .plus, exponent: v.exponent - Int(v.significandWidth), significand: 1))
            magnitude = Swift.max(magnitude, Swift.abs(v))
            return true
        }
        func coarse() -> Bool { quantum.isFinite && quantum > DifferenceTuning.granularityEvidence * epsilon * magnitude }
        read(taken(at: 0))
        for stencil in [DifferenceTuning.adaptiveValueStencil, DifferenceTuning.adaptiveCheckStencil] {
            let r = realizedStep(h, offsets: stencil.offsets)
            for s in stencil.offsets { read(taken(at: V(s) * r)) }
        }
        guard coarse() else { return nil }
        let lattice = quantum
        // A sample off the lattice that cannot be read (0, not finite) confirms nothing.
        guard read(at(V(3 * DifferenceTuning.noiseSpacingFactor) * h)) else { return nil }
        let evidence = quantum >= lattice / 2 ? DifferenceTuning.granularityEvidence : DifferenceTuning.granularityEvidenceAlone
        return quantum > evidence * epsilon * magnitude ? DifferenceTuning.evaluationNoiseULPs * quantum : nil
    }

    /// The adaptive method's first step, the balanced c·ε^{1/4}·scale; its samples reach 6 times it.
    var adaptiveStartStep: V {
        V(DifferenceTuning.stepConstant(for: DifferenceTuning.adaptiveValueStencil) * Double.pow(epsilon, 0.25) * scale).nearestPowerOfTwo
    }

    /// The adaptive method: a third-order stencil with its step chosen per direction from f, and
    /// an embedded second-order stencil on the same samples for the error estimate.
    ///
    /// The value is the three-point stencil on offsets (−2, 3, 6), third order without a sample at
    /// x (offsets whose pairwise products sum to zero cancel the h² term); the check stencil on
    /// (−2, 0, 3) reuses two of its samples and f(x). Their gap |D₃ − D₂| ≈ |C₂|·h²·|f‴| bounds the
    /// error of D₃ in the asymptotic range (an over-estimate by about h·|f⁽⁴⁾/f‴|), so the
    /// estimate holds without a tableau. The step starts at the balanced h = c·ε^{1/4}·scale.
    ///
    /// - A gap below √ε·|D₃| at the starting step is accepted at once: two stencils sampled across
    ///   an oscillation do not agree to half the digits by accident, and an f that is smooth on
    ///   the scale of x is evaluated to about its ulps there. A tame f stops here: 3 evaluations.
    ///   Without a caller's bound its rounding term is ``DifferenceTuning/flatTolerance`` times the
    ///   model's, or of the rounding its samples' digits show where f cancels larger terms
    ///   (``granularRounding(step:output:)``), as no audit measures it there.
    /// - A gap below ``DifferenceTuning/adaptiveAgreement``·|D₃| is plausible but must be
    ///   confirmed by the next round at a smaller step (the two values agree within their
    ///   estimates), and f's rounding noise is then measured (3 evaluations) rather than assumed.
    /// - A larger gap means the samples are not in the asymptotic range: the step moves to the one
    ///   that balances C₂·h²·f‴ against rounding, with f‴ read off the gap.
    /// What is never confirmed is returned flagged ``FDWarning/noConvergence``.
    ///
    /// `settled` (by output, from ``affineDifference(offsets:step:outputs:)``) are returned as
    /// they are and not worked on.
    mutating func adaptiveEmbedded(outputs m: Int, settled: [DifferenceEstimate?] = []) -> [DifferenceEstimate] {
        agreedAtOnce = []
        if settled.count == m, !settled.contains(where: { $0 == nil }) { return settled.compactMap { $0 } }
        let valueStencil = DifferenceTuning.adaptiveValueStencil
        let checkStencil = DifferenceTuning.adaptiveCheckStencil
        let c2 = Swift.abs(checkStencil.truncationConstant)
        let reachFactor = Double(valueStencil.offsets.map { Swift.abs($0) }.max() ?? 1)
        let quickAgreement = epsilon.squareRoot()
        var h = adaptiveStartStep
        var accepted = settled.count == m ? settled : [DifferenceEstimate?](repeating: nil, count: m)
        var needsNoise = [Bool](repeating: false, count: m)
        var candidate = [DifferenceEstimate?](repeating: nil, count: m)
        // An estimate confirmed by an agreeing step and only carried on to a larger one (see
        // below): when a larger step disagrees it goes to `verifying`.
        var confirmed = [DifferenceEstimate?](repeating: nil, count: m)
        // With a caller's bound two steps agree within a rounding that can be a sizeable part of
        // f′, and steps on a lattice of f's period agree by aliasing (sin(100x) at x = 7.7 in
        // Float: 0.5057 at steps 0.125 and 0.0625, 100h within 0.07 rad of whole periods, where
        // f′ = −95.2). Such an agreement stands only once a step below both (`pairStep`, the
        // smaller of the pair's) agrees with it too (`verifying`); one that disagrees drops it.
        var verifying = [DifferenceEstimate?](repeating: nil, count: m)
        var pairStep = [Double](repeating: .infinity, count: m)
        var last = [DifferenceEstimate](repeating: DifferenceEstimate(value: .nan, errorEstimate: .infinity, step: 0), count: m)
        var tried: Set<Double> = []
        // Whether a larger step's samples were not finite: an estimate never confirmed says so
        // too (exp(x)^1e300 at 0 overflows beyond 10⁻¹⁶ and is constant below).
        var sawNonFinite = [Bool](repeating: false, count: m)
        // An accepted agreement whose off-lattice sample left its line, by the slope it implies.
        var offLattice = [Double?](repeating: nil, count: m)
        for round in 0..<DifferenceTuning.adaptiveMaxRounds {
            let a = apply(valueStencil, step: h, outputs: m)
            let c = apply(checkStencil, step: h, outputs: m)
            tried.insert(Double(h))
            var proposals: [Double] = []
            for i in 0..<m where accepted[i] == nil {
                let d3 = a.derivative[i], d2 = c.derivative[i]
                let warnings = Array(Set(a.warnings[i] + c.warnings[i])).sorted()
                guard d3.isFinite && d2.isFinite else {
                    sawNonFinite[i] = true
                    // A sample hit a domain edge or overflowed: the line is shorter than the step.
                    last[i] = DifferenceEstimate(value: d3, errorEstimate: .infinity, step: Double(h), warnings: warnings,
                                                 reach: reachFactor * Double(h))
                    candidate[i] = nil
                    proposals.append(Double(h) / DifferenceTuning.adaptiveShrinkOnFailure)
                    continue
                }
                let gap = Swift.abs(d3 - d2)
                let noise = a.rounding[i] + c.rounding[i]
                let estimate = DifferenceEstimate(value: d3, errorEstimate: gap + a.rounding[i], step: Double(h),
                                                  warnings: warnings, reach: reachFactor * Double(h))
                last[i] = estimate
                if let v = verifying[i] ?? confirmed[i], Double(h) < pairStep[i] {
                    verifying[i] = nil
                    let bound = gap <= DifferenceTuning.flatTolerance * (a.rounding[i] + c.rounding[i])
                    if (bound || gap <= DifferenceTuning.adaptiveAgreement * Swift.abs(d3))
                        && Swift.abs(v.value - d3) <= v.errorEstimate + estimate.errorEstimate {
                        accepted[i] = v
                        needsNoise[i] = true
                        continue
                    }
                    // Contradicted: nothing found so far stands; this step starts afresh.
                    confirmed[i] = nil
                    candidate[i] = nil
                    pairStep[i] = .infinity
                } else if verifying[i] != nil {
                    // Another output's larger step came first: wait for one below the pair.
                    proposals.append(pairStep[i] / 4)
                    continue
                }
                // With a caller's rounding bound (f's tape), the agreement is quick only when that
                // rounding is small too: x² − 2x + 1 at 1.0000001 agreed at the first step with a
                // rounding of 10⁻⁵ of the value, which a larger step divides down.
                let roundingSmall = noiseFloor.isEmpty || a.rounding[i] <= quickAgreement * Swift.abs(d3)
                // Where the gap shows no truncation at all, f off the lattice decides first: a
                // staircase of rounding, its treads a power of two wide, is a line on the lattice
                // (see offLatticeMiss). A sample off the line sends the step on, as a gap within
                // rounding does below. Not with a caller's bound: it carries the intermediates'
                // rounding, and a tame f's gap is within it (every input of `make bench`'s f,
                // which would cost 3 → 4).
                if round == 0 && roundingSmall && gap <= quickAgreement * Swift.abs(d3)
                    && (gap > DifferenceTuning.flatTolerance * noise || warnings.contains(.cancellation) || !noiseFloor.isEmpty
                        || offLatticeMiss(step: h, slope: d3, output: i, outputs: m) == nil) {
                    // Spared the noise audit, a closure's estimate rests on the rounding model (a
                    // few ulps of |f|) alone, which an f cancelling larger terms exceeds, and the gap
                    // is one draw of that rounding where f has no truncation to show. Every judgement
                    // of "within rounding" here allows the model flatTolerance times itself; so
                    // does this estimate. x³ − 2xy + y² at (1.0659, 0.9327), quadratic in y, where
                    // f = 0.093 cancels x³ = 1.21 and 2xy = 1.99, gave ∂/∂y = −0.26640467469176343
                    // ± 6.8·10⁻¹³ (gap 3.2·10⁻¹³, model 3.6·10⁻¹³) for −0.2664046746908144 by hand;
                    // now ± 1.8·10⁻¹². f cancelling beyond that factor shows it in its samples'
                    // digits (see granularRounding), and the model takes that rounding instead.
                    var quick = estimate
                    if noiseFloor.isEmpty {
                        var rounding = a.rounding[i]
                        if warnings.isEmpty, let sample = granularRounding(step: h, output: i) {
                            rounding = Swift.max(rounding, valueStencil.noiseGain * sample
                                                 / Double(realizedStep(h, offsets: valueStencil.offsets)))
                        }
                        quick.errorEstimate = gap + DifferenceTuning.flatTolerance * rounding
                    }
                    accepted[i] = quick
                    agreedAtOnce.insert(i)
                    continue
                }
                let noiseBound = gap <= DifferenceTuning.flatTolerance * noise
                let plausible = noiseBound || gap <= DifferenceTuning.adaptiveAgreement * Swift.abs(d3)
                // A caller's bound makes this step's rounding a sizeable part of f′: an agreement
                // within it is weak evidence (below 10⁻³ of f′ two stencils across an oscillation
                // do not agree by accident, as without a bound).
                let weak = !noiseFloor.isEmpty && a.rounding[i] > DifferenceTuning.adaptiveAgreement * Swift.abs(d3)
                // With a caller's bound an agreement confirms the better estimate only when the
                // other is of like precision: a step whose rounding was 392 "agreed" with 1.92 ±
                // 0.015 (sin(1000x) at 2 in Float, f′ = −367.5), and one of 0.47 with a truncated
                // −3.562 ± 0.013 (exp(sin(3x)) at 1000, f′ = −3.644).
                if plausible, let previous = candidate[i],
                   Swift.abs(previous.value - d3) <= previous.errorEstimate + estimate.errorEstimate,
                   !weak || Swift.max(previous.errorEstimate, estimate.errorEstimate)
                       <= DifferenceTuning.adaptiveLikePrecision * Swift.min(previous.errorEstimate, estimate.errorEstimate) {
                    // Two steps agree within their estimates: keep the better, measure the noise.
                    let better = previous.errorEstimate <= estimate.errorEstimate ? previous : estimate
                    // Unless a caller's rounding bound still dominates at this step: a larger
                    // step divides it down while the truncation stays hidden (x² − 2x + 1 has
                    // none), so the agreement is carried to the next step.
                    let pair = Swift.min(pairStep[i], previous.step, Double(h))
                    let larger = V(Double(h) * 4).nearestPowerOfTwo
                    if !noiseFloor.isEmpty, noiseBound, a.rounding[i] > quickAgreement * Swift.abs(d3),
                       reachFactor * 4 * Double(h) <= scale, !tried.contains(Double(larger)) {
                        candidate[i] = better
                        confirmed[i] = better
                        pairStep[i] = pair
                        proposals.append(Double(h) * 4)
                        continue
                    }
                    if weak && noiseBound {
                        // An agreement within a caller's rounding: verified below the pair first.
                        // (The larger steps tried already: sin(100x) at x = 100 in Float agreed at
                        // 0.25 and 0.0625, each within 0.03 rad of whole periods, on 0.506 for
                        // −95.2, and the quarter step below them disagreed.)
                        verifying[i] = better
                        pairStep[i] = pair
                        proposals.append(pair / 4)
                        continue
                    }
                    // Two steps on one power-of-two lattice can agree on a staircase of rounding
                    // as well as the first step's two stencils can (see offLatticeMiss):
                    // (35000, −0.125) along y in the black-box check, with f's measured noise as
                    // the floor, agreed on 0.25 at 2⁻²⁴ and 2⁻²⁵, where f′ = 0 (by hand), and
                    // measuredNoise's samples on the same lattice saw none. Off the lattice f
                    // leaves the line, by a slope the estimate must include. That slope is one
                    // sample's, no bound on how far f strays: where four times it reaches the
                    // estimate's own size, the line may be all rounding, and the agreement is
                    // refuted as the first step's is (the step moves on, as for a gap within
                    // rounding). At (−107966, −1.60546875) along y the steps 2⁻²⁵ and 2⁻²³ agreed
                    // exactly on −0.7890625 (2(x + y) = −215935.2109375 is −0.7890625 off a
                    // multiple of 2⁷, and (x + y)² rounds to multiples of 2⁻¹⁹, so on the lattice
                    // k·2⁻²⁵ f is that line to 10⁻⁶ of its slope); the sample off the lattice stood
                    // 7.6·10⁻⁸ off it, a slope of 0.344, where f's samples within 10⁻⁶ of y reach
                    // 2.5·10⁻⁶, and −0.789 ± 0.344 came out unwarned for 0. A flat reading (0) has
                    // no size to lose: it keeps the miss's slope as its error.
                    if noiseBound, let miss = offLatticeMiss(step: V(better.step), slope: better.value, output: i, outputs: m) {
                        if better.value != 0 && DifferenceTuning.flatTolerance * miss >= Swift.abs(better.value) {
                            candidate[i] = nil
                            proposals.append(Swift.max(previous.step, Double(h)) * 4)
                            continue
                        }
                        offLattice[i] = miss
                    }
                    accepted[i] = better
                    needsNoise[i] = true
                    continue
                }
                // The larger step left the agreement: the confirmed estimate stands once a step
                // below the pair agrees with it.
                if let c = confirmed[i] {
                    verifying[i] = c
                    proposals.append(pairStep[i] / 4)
                    continue
                }
                // A plausible estimate waits for confirmation; an implausible round (a larger step
                // that left the asymptotic range) does not discard one found earlier.
                // With a caller's bound a plausible smaller step that disagrees with the candidate
                // replaces it: the truncation the candidate's gap did not show is smaller there
                // (exp(sin(3x)) at 1000 in Float kept −3.562 ± 0.013 from a step of 0.0625 over
                // −3.642 ± 0.033 from 0.0156, and a noisier step then "agreed" with it; f′ = −3.644).
                let replaces = weak && Double(h) < candidate[i]?.step ?? 0
                if plausible && (replaces || estimate.errorEstimate <= candidate[i]?.errorEstimate ?? .infinity) { candidate[i] = estimate }
                if noiseBound {
                    // Rounding hides the truncation: confirm at a larger step, where it is smaller.
                    proposals.append(Double(h) * 4)
                    continue
                }
                // Balance C₂·M₃·h² against the rounding ρ/h, with M₃ read off the gap.
                let m3 = gap / (c2 * Double(h) * Double(h))
                let balanced = Double.pow(noise * Double(h) / (2 * c2 * m3), 1.0 / 3.0)
                let lowest = Double(h) / DifferenceTuning.adaptiveMaxShrink
                let target = balanced.isFinite ? balanced : lowest
                proposals.append(Swift.min(Swift.max(target, lowest), Double(h) / 4))
            }
            // Outputs that want different steps take turns: the largest step first. A step already
            // tried gives way to a quarter of it, so a confirmation round always samples anew.
            let fresh = proposals.map { p -> V in
                var q = V(p).nearestPowerOfTwo
                while q > 0 && tried.contains(Double(q)) { q /= 4 }
                return q
            }
            guard let nextStep = fresh.max(), nextStep > 0, nextStep.isFinite, !stepBelowULP(nextStep) else { break }
            h = nextStep
        }
        // An agreement the rounds ran out on before a step below it was sampled is reported as
        // never confirmed: aliasing was not ruled out.
        for i in 0..<m where accepted[i] == nil {
            if let v = verifying[i] ?? confirmed[i] { candidate[i] = v }
        }
        return (0..<m).map { i in
            if i < settled.count, let e = settled[i] { return e }
            if var e = accepted[i] {
                if needsNoise[i], let noise = measuredNoise(small: V(e.step), output: i) {
                    // f's own noise, measured: the stencil's weights carry it into D₃.
                    e.errorEstimate += valueStencil.noiseGain * noise / e.step
                }
                e.errorEstimate = Swift.max(e.errorEstimate, DifferenceTuning.evaluationNoiseULPs * epsilon * Swift.abs(e.value))
                let h = V(e.step)
                if let curvature = apply(DifferenceTuning.adaptiveCurvatureStencil, step: h, outputs: m).derivative[i] as Double?,
                   curvature.isFinite {
                    e.errorEstimate += DifferenceTuning.evaluationNoiseULPs * epsilon * positionScale * Swift.abs(curvature)
                }
                if let miss = offLattice[i] { e.errorEstimate = Swift.max(e.errorEstimate, miss) }
                return e
            }
            // Never confirmed: report the last estimate with its gap, flagged.
            var e = candidate[i] ?? last[i]
            if !e.warnings.contains(.noConvergence) { e.warnings = (e.warnings + [.noConvergence]).sorted() }
            if sawNonFinite[i] && !e.warnings.contains(.nonFinite) { e.warnings = (e.warnings + [.nonFinite]).sorted() }
            if !e.value.isFinite {
                e.errorEstimate = .infinity
                if !e.warnings.contains(.nonFinite) { e.warnings = (e.warnings + [.nonFinite]).sorted() }
            }
            return e
        }
    }
}
