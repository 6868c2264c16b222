import AdjointCore
import RealModule

// The engine behind every finite-difference API: derivatives of x ↦ f(x + t·v) at t = 0, from
// primal evaluations of f only. No derivative rule of the registry is ever called here, which is
// what makes finite differences an independent witness.

/// Why a finite-difference estimate cannot be trusted to decide between two values.
///
/// ```swift
/// FDWarning.stepBelowULP.rawValue   // "step-below-ulp"
/// ```
public enum FDWarning: String, Sendable, CaseIterable, Comparable {
    /// The samples differ by only a few ulps of f: most digits cancelled in the subtraction.
    case cancellation
    /// x + h rounds to x (or nearly): the step is below the input's unit in the last place.
    case stepBelowULP = "step-below-ulp"
    /// A sample of f, or the estimate itself, is NaN or infinite.
    case nonFinite = "non-finite"
    /// The method's own error estimate is too large relative to the value.
    case estimateTooLarge = "estimate-too-large"
    /// The function uses an op the method's scalar type cannot evaluate (abs in complex-step).
    case unsupportedOp = "unsupported-op"
    /// A sample lies beyond a nearby non-differentiable point (relu, abs, max … whose argument is
    /// closer to its kink than the step): the difference straddles the kink.
    case crossesKink = "crosses-kink"
    /// Complex step: an imaginary part fell below the normal range (|x| tiny, or a derivative
    /// far below 1), so digits were lost to underflow; the error estimate includes that quantum.
    case underflow

    /// Alphabetical by name, so sorted warning lists are reproducible in reports.
    public static func < (l: FDWarning, r: FDWarning) -> Bool { l.rawValue < r.rawValue }
}

/// One derivative estimated by differences, with how it was obtained and how far it can be trusted.
///
/// ```swift
/// let e = try differenceJacobian(of: f, at: [1.0], method: .richardson).entries[0][0]
/// print(e.value, e.errorEstimate, e.step)
/// ```
public struct DifferenceEstimate: Sendable, Equatable {
    /// The estimate of ∂fᵢ/∂xⱼ (or of the directional derivative).
    public var value: Double
    /// Estimated |error| (truncation plus rounding); 0 is never claimed for a finite difference.
    public var errorEstimate: Double
    /// The step used (for Richardson, the smallest step of the level chosen).
    public var step: Double
    /// Reasons the estimate is unreliable, empty when none was detected.
    public var warnings: [FDWarning]
    /// The largest displacement t of any sample x + t·v the value depends on (0 for complex
    /// step, which never leaves x on the real axis): a kink closer than this may have been crossed.
    public var reach: Double

    /// An estimate with its error bound, step and warnings.
    public init(value: Double, errorEstimate: Double, step: Double, warnings: [FDWarning] = [], reach: Double = 0) {
        self.value = value; self.errorEstimate = errorEstimate; self.step = step; self.warnings = warnings
        self.reach = reach
    }
}

/// Evaluates f along one line x + t·v and counts evaluations.
struct LineProbe<V: ADScalar & BinaryFloatingPoint> {
    let eval: ([V]) -> [V]
    let x: [V]
    let v: [V]
    /// min over the moved coordinates of max(1, |x_j|)/|v_j|: the step t·v then stays small
    /// relative to every input it perturbs (for a unit vector eⱼ this is max(1, |x_j|)).
    let scale: Double
    var evaluations = 0

    init(eval: @escaping ([V]) -> [V], x: [V], v: [V]) {
        self.eval = eval; self.x = x; self.v = v
        var s = Double.infinity
        for (xj, vj) in zip(x, v) where vj != 0 {
            s = Swift.min(s, Swift.max(1, Swift.abs(Double(xj))) / Swift.abs(Double(vj)))
        }
        scale = s.isFinite ? s : 1
    }

    mutating func at(_ t: V) -> [V] {
        evaluations += 1
        if t == 0 { return eval(x) }
        return eval(zip(x, v).map { $1 == 0 ? $0 : $0 + t * $1 })
    }

    /// Whether the step t·v is below an ulp of some perturbed coordinate.
    func stepBelowULP(_ t: V) -> Bool {
        zip(x, v).contains { xj, vj in vj != 0 && Swift.abs(t * vj) < xj.ulp }
    }
}

/// What one application of a stencil produced, per output.
struct StencilSample {
    var derivative: [Double]
    /// noise·ε·Σ|wₖ|·max|fₖ| / h: the rounding part of the error.
    var rounding: [Double]
    var warnings: [[FDWarning]]
}

extension LineProbe {
    var epsilon: Double { Double(V.ulpOfOne) }

    /// Applies `stencil` with step `h` to every output at once.
    mutating func apply(_ stencil: Stencil, step h: V, outputs m: Int) -> StencilSample {
        var sums = [V](repeating: 0, count: m)
        var fmax = [Double](repeating: 0, count: m)
        var spread = [Double](repeating: 0, count: m)
        var finite = [Bool](repeating: true, count: m)
        var center: [V]? = nil
        var samples: [[V]] = []
        for (s, w) in zip(stencil.offsets, stencil.weights) {
            let fk = at(V(s) * h)
            samples.append(fk)
            if s == 0 { center = fk }
            for i in 0..<Swift.min(m, fk.count) {
                if !fk[i].isFinite { finite[i] = false }
                fmax[i] = Swift.max(fmax[i], Swift.abs(Double(fk[i])))
                if w != 0 { sums[i] += V(w) * fk[i] }
            }
            if fk.count != m { for i in 0..<m { finite[i] = false } }
        }
        // Spread of the samples around the first (or central) one: the digits the subtraction keeps.
        let base = center ?? samples.first ?? []
        for fk in samples where fk.count == m && base.count == m {
            for i in 0..<m { spread[i] = Swift.max(spread[i], Swift.abs(Double(fk[i]) - Double(base[i]))) }
        }
        let below = stepBelowULP(h)
        // h^d: the pilot stencils of the adaptive method estimate higher derivatives.
        let hd = Double.pow(Double(h), Double(stencil.derivative))
        var out = StencilSample(derivative: [], rounding: [], warnings: [])
        for i in 0..<m {
            var warn: [FDWarning] = []
            let d = Double(sums[i]) / hd
            let noise = DifferenceTuning.evaluationNoiseULPs * epsilon * fmax[i]
            if !finite[i] || !d.isFinite { warn.append(.nonFinite) }
            if below { warn.append(.stepBelowULP) }
            let digits = Double.pow(10, DifferenceTuning.cancellationDigitsRequired)
            if finite[i] && fmax[i] > 0 && spread[i] < digits * noise { warn.append(.cancellation) }
            out.derivative.append(finite[i] ? d : .nan)
            out.rounding.append(noise * stencil.noiseGain / hd)
            out.warnings.append(warn)
        }
        return out
    }

    /// max|sₖ|·h: how far from x the stencil samples.
    func reach(_ stencil: Stencil, _ h: V) -> Double {
        Double(stencil.offsets.map { Swift.abs($0) }.max() ?? 0) * Double(h)
    }

    /// A fixed stencil at step h, with its truncation error estimated from the same stencil at 2h:
    /// D(h) − D(2h) ≈ (1 − 2ᵖ)·C·hᵖ·f⁽ᵖ⁺¹⁾, so |D(h) − D(2h)|/(2ᵖ − 1) estimates the truncation of D(h).
    mutating func stencilEstimate(_ stencil: Stencil, step h: V, outputs m: Int) -> [DifferenceEstimate] {
        let fine = apply(stencil, step: h, outputs: m)
        let coarse = apply(stencil, step: 2 * h, outputs: m)
        let gain = Double.pow(2, Double(stencil.order)) - 1
        return (0..<m).map { i in
            let trunc = Swift.abs(fine.derivative[i] - coarse.derivative[i]) / gain
            let err = trunc + fine.rounding[i]
            return DifferenceEstimate(value: fine.derivative[i], errorEstimate: err.isNaN ? .infinity : err,
                                      step: Double(h), warnings: fine.warnings[i], reach: reach(stencil, 2 * h))
        }
    }

    /// Richardson extrapolation of the central difference (Ridders' tableau): steps h₀/2ᵏ, each
    /// column removes the next even power of h, error estimated from neighbouring tableau entries.
    mutating func richardson(initialStep h0: V, outputs m: Int) -> [DifferenceEstimate] {
        let central = Stencil.of(.central)
        var best = [DifferenceEstimate](repeating: DifferenceEstimate(value: .nan, errorEstimate: .infinity, step: Double(h0)),
                                        count: m)
        var previous: [[Double]] = []   // previous row of the tableau, per output
        var stopped = [Bool](repeating: false, count: m)
        var h = h0
        for level in 0..<DifferenceTuning.richardsonMaxLevels {
            let sample = apply(central, step: h, outputs: m)
            var row: [[Double]] = []
            for i in 0..<m {
                var r = [sample.derivative[i]]
                var factor = 1.0
                if level >= 1 {
                    for j in 1...level {
                        factor *= 4
                        r.append(r[j - 1] + (r[j - 1] - previous[i][j - 1]) / (factor - 1))
                    }
                }
                row.append(r)
                if stopped[i] { continue }
                if level == 0 {
                    best[i] = DifferenceEstimate(value: r[0], errorEstimate: .infinity, step: Double(h),
                                                 warnings: sample.warnings[i])
                    continue
                }
                for j in 1..<r.count {
                    let truncation = Swift.max(Swift.abs(r[j] - r[j - 1]), Swift.abs(r[j] - previous[i][j - 1]))
                    let err = Swift.max(truncation, sample.rounding[i])
                    if err <= best[i].errorEstimate {
                        // Ridders' estimate sees truncation only; near convergence the rounding
                        // of this level's differences dominates, so it is a floor.
                        best[i] = DifferenceEstimate(value: r[j], errorEstimate: err,
                                                     step: Double(h), warnings: sample.warnings[i])
                    }
                }
                let diagonalChange = Swift.abs(r[level] - previous[i][level - 1])
                if diagonalChange >= DifferenceTuning.richardsonStopFactor * best[i].errorEstimate { stopped[i] = true }
            }
            previous = row
            if stopped.allSatisfy({ $0 }) { break }
            h = h / 2
        }
        // Rounding is not part of Ridders' estimate when the tableau converged early; add a floor.
        for i in 0..<m {
            best[i].reach = Double(h0)
            let floor = DifferenceTuning.evaluationNoiseULPs * epsilon * Swift.abs(best[i].value)
            best[i].errorEstimate = Swift.max(best[i].errorEstimate, floor)
            if !best[i].value.isFinite {
                best[i].errorEstimate = .infinity
                if !best[i].warnings.contains(.nonFinite) { best[i].warnings.append(.nonFinite) }
            }
        }
        return best
    }

    /// Adaptive step for a stencil of order p: estimate f⁽ᵖ⁺¹⁾ with a pilot central stencil, take
    /// the h that minimises truncation |C|·|f⁽ᵖ⁺¹⁾|·hᵖ plus rounding noise·Σ|wₖ|·ε·|f|/h, and report
    /// that sum as the error estimate.
    mutating func adaptive(_ stencil: Stencil, outputs m: Int) -> [DifferenceEstimate] {
        let p = Double(stencil.order)
        let d = stencil.order + 1
        let r = (d + 1) / 2
        let pilotStencil = Stencil.known(derivative: d, offsets: Array(-r...r))
        // The pilot is a d-th derivative of order 2: its own optimal step scales as ε^{1/(d+2)}.
        let pilotStep = V(Double.pow(epsilon, 1 / Double(d + 2)) * scale).nearestPowerOfTwo
        let center = at(0)
        let pilot = apply(pilotStencil, step: pilotStep, outputs: m)
        var chosen: [V] = []
        for i in 0..<m {
            let f = i < center.count ? Swift.abs(Double(center[i])) : 0
            let higher = Swift.abs(pilot.derivative[i])
            let noise = DifferenceTuning.evaluationNoiseULPs * epsilon * Swift.max(f, Double.leastNormalMagnitude)
            let maxStep = DifferenceTuning.adaptiveMaxStep * scale
            var h: Double
            if higher.isFinite && higher > 0 {
                h = Double.pow(noise * stencil.noiseGain / (p * Swift.abs(stencil.truncationConstant) * higher), 1 / (p + 1))
            } else {
                h = maxStep
            }
            let minStep = Double.pow(epsilon, 1 / (p + 1)) * scale * 1e-2
            h = Swift.min(maxStep, Swift.max(minStep, h.isFinite ? h : maxStep))
            chosen.append(V(h).nearestPowerOfTwo)
        }
        // Outputs that chose the same step share one application of the stencil.
        var cache: [V: StencilSample] = [:]
        return (0..<m).map { i in
            let h = chosen[i]
            let sample: StencilSample
            if let s = cache[h] { sample = s } else { sample = apply(stencil, step: h, outputs: m); cache[h] = sample }
            let higher = Swift.abs(pilot.derivative[i])
            var trunc = Swift.abs(stencil.truncationConstant) * higher * Double.pow(Double(h), p)
            if !trunc.isFinite { trunc = .infinity }
            return DifferenceEstimate(value: sample.derivative[i], errorEstimate: trunc + sample.rounding[i],
                                      step: Double(h), warnings: sample.warnings[i], reach: reach(stencil, h))
        }
    }
}
