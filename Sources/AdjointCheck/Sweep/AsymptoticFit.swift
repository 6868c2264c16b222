import RealModule

/// The constants behind a step sweep's slope fit, with why each has its value.
///
/// ```swift
/// SweepFitTuning.minimumPoints   // 3
/// ```
public enum SweepFitTuning {
    /// Steps per decade of h. Two (h = 10⁻¹, 10⁻¹·⁵, 10⁻², …) give an order-4 stencil on a smooth
    /// function of unit scale three truncation-dominated steps in double precision (h ≈ 0.1 to
    /// 0.01); whole decades gave it two, and two points always lie on a line.
    public static let stepsPerDecade = 2
    /// A step is a fit candidate only when its error exceeds this multiple of the method's rounding
    /// bound: truncation then explains at least 99% of the error, so rounding moves a local slope
    /// by less than 0.01.
    public static let roundingMargin = 100.0
    /// Fewest consecutive steps a slope is fitted over: two points always lie on a line, three
    /// can show that they do not.
    public static let minimumPoints = 3
    /// Largest spread (max − min) of the local slopes inside a fitted range. On a power law every
    /// local slope is the same; the next Taylor term moves it by a few hundredths once h is well
    /// inside the asymptotic range, while steps wider than the function's scale of variation
    /// (sin(1000x) at h = 0.01) make local slopes jump by whole units.
    public static let localSlopeSpread = 0.3
    /// Smallest local slope inside a fitted range: every swept method has order ≥ 1, so an error
    /// that shrinks more slowly than √h (a kink's jump, rounding, an oscillation) is not the
    /// truncation error of any of them.
    public static let minimumLocalSlope = 0.5
}

/// A method's fitted order, or why there is none.
struct AsymptoticFit {
    /// Least-squares slope of log₁₀ error against log₁₀ h over `steps`; nil when no range qualifies.
    var slope: Double?
    /// The consecutive steps the slope was fitted over (largest h first); empty without a slope.
    var steps: [Double]
    /// Why there is no slope ("no asymptotic range: …"); nil with a slope.
    var reason: String?
}

/// Finds where a method's error follows one power law, from the data alone: the longest run of
/// consecutive candidate steps (error finite, nonzero and above `roundingMargin` × the rounding
/// bound, i.e. the truncation side of the V) whose local slopes
///
///     sₖ = (log₁₀ eₖ − log₁₀ eₖ₊₁) / (log₁₀ hₖ − log₁₀ hₖ₊₁)
///
/// all exceed ``SweepFitTuning/minimumLocalSlope`` and lie within
/// ``SweepFitTuning/localSlopeSpread`` of each other, with at least
/// ``SweepFitTuning/minimumPoints`` steps. Ties go to the run with the smaller spread. The theory's
/// order is not consulted: the fit measures it, so a wrong stencil shows a wrong slope.
///
/// ```swift
/// asymptoticFit(points, candidate: points.map { $0.error > 1e-12 }).slope   // ≈ 2 for central on exp
/// ```
func asymptoticFit(_ points: [(h: Double, error: Double)], candidate: [Bool]) -> AsymptoticFit {
    let n = points.count
    func localSlope(_ k: Int) -> Double? {
        guard candidate[k] && candidate[k + 1] else { return nil }
        let dh = Double.log10(points[k].h) - Double.log10(points[k + 1].h)
        guard dh != 0 else { return nil }
        return (Double.log10(points[k].error) - Double.log10(points[k + 1].error)) / dh
    }
    let slopes = n >= 2 ? (0..<(n - 1)).map(localSlope) : []
    var best: (start: Int, end: Int, spread: Double)? = nil
    for start in slopes.indices {
        var lo = Double.infinity, hi = -Double.infinity
        var end = start
        while end < slopes.count, let s = slopes[end], s >= SweepFitTuning.minimumLocalSlope,
              Swift.max(hi, s) - Swift.min(lo, s) <= SweepFitTuning.localSlopeSpread {
            lo = Swift.min(lo, s); hi = Swift.max(hi, s); end += 1
        }
        // Pairs start..<end qualify: points start...end.
        let count = end - start + 1, spread = hi - lo
        guard end > start, count >= SweepFitTuning.minimumPoints else { continue }
        if let b = best, (b.end - b.start + 1, -b.spread) >= (count, -spread) { continue }
        best = (start, end, spread)
    }
    if let b = best {
        let run = Array(points[b.start...b.end])
        return AsymptoticFit(slope: logLogSlope(run.map { ($0.h, $0.error) }), steps: run.map(\.h), reason: nil)
    }
    return AsymptoticFit(slope: nil, steps: [], reason: noRangeReason(points, candidate: candidate, slopes: slopes))
}

/// Why no run qualified, in the user's terms.
private func noRangeReason(_ points: [(h: Double, error: Double)], candidate: [Bool], slopes: [Double?]) -> String {
    let kept = points.indices.filter { candidate[$0] }.map { points[$0].h }
    let margin = Int(SweepFitTuning.roundingMargin)
    guard let first = kept.first, let last = kept.last else {
        let finite = points.filter { $0.error.isFinite }
        if !finite.isEmpty && finite.allSatisfy({ $0.error == 0 }) {
            return "no asymptotic range: the error is exactly 0 at every step, so there is no truncation to measure"
        }
        return "no asymptotic range: at no step is the error above \(margin)× the rounding bound, so rounding, not truncation, decides it"
    }
    if kept.count < SweepFitTuning.minimumPoints {
        return "no asymptotic range: only h = \(kept.map(stepLabel).joined(separator: ", ")) "
            + "\(kept.count == 1 ? "has" : "have") error above \(margin)× the rounding bound; a slope needs "
            + "\(SweepFitTuning.minimumPoints) consecutive steps"
    }
    let known = slopes.compactMap { $0 }
    // Enough steps, but no two of them next to each other: there is no local slope to judge.
    if known.isEmpty {
        return "no asymptotic range: the steps with error above \(margin)× the rounding bound "
            + "(h = \(kept.map(stepLabel).joined(separator: ", "))) are not consecutive; a slope needs "
            + "\(SweepFitTuning.minimumPoints) consecutive steps"
    }
    if known.allSatisfy({ $0 < SweepFitTuning.minimumLocalSlope }) {
        return "no asymptotic range: error does not shrink with h over h = \(stepLabel(first)) … \(stepLabel(last))"
    }
    let lo = known.min() ?? 0, hi = known.max() ?? 0
    return "no asymptotic range: over h = \(stepLabel(first)) … \(stepLabel(last)) no \(SweepFitTuning.minimumPoints) "
        + "consecutive steps have local slopes above \(SweepFitTuning.minimumLocalSlope) within "
        + "\(SweepFitTuning.localSlopeSpread) of each other (they range from \(twoDecimals(lo)) to \(twoDecimals(hi)))"
}

/// A step as sweep messages print it, two significant digits: 0.1, 0.032, 1e-05.
///
/// ```swift
/// stepLabel(0.031622776601683794)   // "0.032"
/// ```
package func stepLabel(_ h: Double) -> String {
    guard h.isFinite && h > 0 else { return "\(h)" }
    let e = Int(Double.log10(h).rounded(.down))
    let mantissa = (h / Double.pow(10, Double(e)) * 10).rounded() / 10
    // 9.96e-4 rounds to mantissa 10: carry into the exponent.
    let (m, k) = mantissa >= 10 ? (mantissa / 10, e + 1) : (mantissa, e)
    let digits = m == m.rounded() ? "\(Int(m))" : "\(m)"
    if k >= -3 && k <= 3 {
        let value = m * Double.pow(10, Double(k))
        // Printed from the rounded mantissa so no binary noise (0.0316000…01) shows.
        let decimals = Swift.max(0, -k + (m == m.rounded() ? 0 : 1))
        return decimals == 0 ? "\(Int(value.rounded()))" : formatFixed(value, decimals: decimals)
    }
    return "\(digits)e\(k < 0 ? "-" : "+")\(Swift.abs(k) < 10 ? "0" : "")\(Swift.abs(k))"
}

private func formatFixed(_ v: Double, decimals: Int) -> String {
    let scaled = (v * Double.pow(10, Double(decimals))).rounded()
    var s = "\(Int(scaled))"
    while s.count <= decimals { s = "0" + s }
    let cut = s.index(s.endIndex, offsetBy: -decimals)
    return String(s[..<cut]) + "." + String(s[cut...])
}

private func twoDecimals(_ v: Double) -> String { "\(((v * 100).rounded() / 100) + 0.0)" }

/// Least-squares slope of log₁₀ y against log₁₀ x; nil for fewer than two points.
func logLogSlope(_ pts: [(Double, Double)]) -> Double? {
    guard pts.count >= 2 else { return nil }
    let xs = pts.map { Double.log10($0.0) }, ys = pts.map { Double.log10($0.1) }
    let n = Double(pts.count)
    let mx = xs.reduce(0, +) / n, my = ys.reduce(0, +) / n
    var sxy = 0.0, sxx = 0.0
    for (a, b) in zip(xs, ys) { sxy += (a - mx) * (b - my); sxx += (a - mx) * (a - mx) }
    return sxx > 0 ? sxy / sxx : nil
}
