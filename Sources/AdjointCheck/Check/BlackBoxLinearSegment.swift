// A black box that interpolates a table linearly (cos sampled every 0.1) is piecewise linear: its
// derivative inside a segment is the segment's slope, (cos 1.6 − cos 1.7)/0.1 = 0.996449719942 on
// [−1.7, −1.6], and the derivative of the smooth function it samples, −sin(−1.662) =
// 0.995843827154, is rightly convicted there. The conviction alone read as a wrong formula to a
// user whose formula is right for the function they had in mind. The note below says what the
// differences show: f is linear to its rounding around x, and its slope there is the derivative.
// It is a note only; no verdict reads it.

/// What the scan of ``BlackBoxChecker/linearSegment(_:)`` found along one rule-wrong entry's line.
struct LinearSegment {
    let output: Int, input: Int
    /// The line, in words: "x0", or "the direction" of a JVP.
    let along: String
    /// ρ, the reach within which f is linear, and the finest step scanned.
    let reach: Double, finest: Double
    /// The next larger step scanned, at which f is not linear; nil when ρ is the largest scanned.
    let notLinearAt: Double?
    let slope: Double, claim: Double
}

extension BlackBoxChecker {
    /// The note for ``CheckReport/linearSegments``, once for all the entries found linear: one per
    /// entry read as the same four sentences again for every wrong entry of one f (a user walk),
    /// so several entries share one note that names each with its line's reach and slope. `cite`
    /// names entry (i, j) as the report's table labels it (``CheckReport/entryLabel(_:_:)``).
    static func linearSegmentsNote(_ segments: [LinearSegment], cite: (Int, Int) -> String) -> String? {
        guard let first = segments.first else { return nil }
        let advice = "If f is piecewise linear (it interpolates a table linearly, or a spline of degree 1), "
        if segments.count == 1 {
            let beyond = first.notLinearAt.map { "; at ±\(fmt($0)) it is not (a kink or curvature lies between)" } ?? " (the largest step scanned)"
            return "entry \(cite(first.output, first.input)): f is linear along \(first.along) within ±\(fmt(first.reach)) of x: its second "
                + "differences at every step scanned from \(fmt(first.reach)) down to \(fmt(first.finest)) are within its rounding\(beyond). "
                + "Its derivative at x is that line's slope, \(fmt(first.slope)), and the claim \(fmt(first.claim)) is not. " + advice
                + "that slope is its segment's, and the derivative of the smooth function the table samples is not f's derivative: "
                + "claim the segment's slope, or check the smooth function itself"
        }
        let names = segments.map { cite($0.output, $0.input) }.joined(separator: ", ")
        let lines = segments.map { s in
            "along \(s.along) within ±\(fmt(s.reach)) of x" + (s.notLinearAt.map { " (not at ±\(fmt($0)))" } ?? " (the largest step scanned)")
                + ", slope \(fmt(s.slope)) where the claim is \(fmt(s.claim))"
        }
        return "entries \(names): f is linear around x along each entry's line, its second differences within its rounding at "
            + "every step scanned inside these reaches: " + lines.joined(separator: "; ") + ". Each entry's derivative at x is its "
            + "line's slope, and the claims are not. " + advice + "those slopes are its segments', and the derivative of the smooth "
            + "function the table samples is not f's derivative: claim the segments' slopes, or check the smooth function itself"
    }

    /// What ``linearSegmentsNote(_:)`` says of a rule-wrong entry e, or nil: where f along
    /// the entry's line is linear to its rounding out to a reach ρ that fixes its slope S far more
    /// sharply than a smooth f's curvature would allow (see ``linearSlopePrecision``), and S is the
    /// witness's value within its tolerance.
    ///
    /// The scan halves a step from the line's scale max(1, |xⱼ|) down to where a slope that sharp
    /// could no longer be seen (``linearSlopePrecision`` of the larger of claim and witness): at
    /// each step h it takes f(x ± h) and asks whether the second difference f(x + h) − 2f(x) +
    /// f(x − h) lies within the rounding of its three samples. ρ is the largest step from which
    /// every finer one scanned (``linearConfirmingSteps`` of them) is linear too. About 2 × 11
    /// evaluations for a claim of size 1 with f of size 1, on a fresh probe, so the plateau note,
    /// which reads the step scan's samples, sees what it saw before.
    ///
    /// A smooth f is never reported: its second difference f″h² stays within a rounding δ only
    /// for h ≤ 2√(δ/|f″|), where its slope is fixed to δ/h ≥ √(δ|f″|)/2, about √ε of its scale;
    /// the precision asked for is ε^{3/4}. A linear f is (it is linear everywhere), and the note is
    /// worded to be true of it: linear around x, its derivative the slope the differences found.
    mutating func linearSegment(_ e: EntryCheck) -> LinearSegment? {
        let (r, d) = (e.output, e.input)
        guard d < directions.count, !value.isEmpty, value.allSatisfy(\.isFinite), let w = e.witnessValue, let tol = e.tolerance,
              let claim = e.subjects.first?.value, w.isFinite, tol.isFinite, claim.isFinite else { return nil }
        let size = Swift.max(Swift.abs(w), Swift.abs(claim))
        guard size > 0 else { return nil }
        let m = value.count
        var line = newLine(directions[d])
        let f0 = combine(r, value.map { Double($0) })
        // Each sample may be off by this much: a few ulps of f, its inputs and 1, or f's measured noise.
        let delta = plateauRoundingBound(r)
        let finest = delta / (Self.linearSlopePrecision(epsilon: eps) * size)
        guard finest.isFinite, finest > 0 else { return nil }
        var h = Double(sign: .plus, exponent: line.scale.exponent, significand: 1)
        // Per step scanned, largest first: whether f is linear there, and its central slope.
        var scanned: [(step: Double, linear: Bool, slope: Double)] = []
        while h >= finest && scanned.count < Self.linearScanLimit {
            let t = V(h)
            guard t > 0, t.isFinite, !line.stepBelowULP(t) else { break }
            let (yp, ym) = (line.at(t), line.at(-t))
            guard yp.count == m, ym.count == m, (yp + ym).allSatisfy(\.isFinite) else { return nil }
            let (fp, fm) = (combine(r, yp.map { Double($0) }), combine(r, ym.map { Double($0) }))
            let second = fp - 2 * f0 + fm
            scanned.append((h, Swift.abs(second) <= 4 * delta, (fp - fm) / (2 * h)))
            h /= 2
        }
        // ρ: the largest step from which every finer one scanned is linear, with enough of them.
        let last = (scanned.lastIndex { !$0.linear } ?? -1) + 1
        guard scanned.count - last >= Self.linearConfirmingSteps else { return nil }
        let (rho, slope) = (scanned[last].step, scanned[last].slope)
        // The slope f shows is the witness's: the note explains the conviction, not another reading.
        guard delta / rho <= Self.linearSlopePrecision(epsilon: eps) * size, Swift.abs(slope - w) <= tol else { return nil }
        return LinearSegment(output: e.output, input: e.input, along: directions.count == x.count ? options.inputName(d) : "the direction",
                             reach: rho, finest: scanned[scanned.count - 1].step,
                             notLinearAt: last > 0 ? scanned[last - 1].step : nil, slope: slope, claim: claim)
    }

    /// The relative precision to which f's slope must be fixed by its linear reach (δ/ρ, δ a
    /// sample's rounding) before f is said to be linear there: ε^{3/4}, 1.8·10⁻¹² in Double. A
    /// smooth f that curves at all on its own scale fixes its slope to about √ε only (see
    /// ``linearSegment(_:)``); a table of spacing 0.1 fixes it to 10⁻¹⁴.
    static func linearSlopePrecision(epsilon: Double) -> Double { Double.pow(epsilon, 0.75) }

    /// How many consecutive halvings of the step, from ρ down, must all read f linear: a single
    /// step whose second difference cancels by chance (a kink's two sides in balance) is not a line.
    static var linearConfirmingSteps: Int { 4 }

    /// The most rule-wrong entries of one check given the note: each costs a scan of its line.
    static var linearSegmentNotesShown: Int { 4 }

    /// The most steps the scan takes: 2 evaluations each. From a scale of 1 down to the finest step
    /// a slope of size 1 allows in Double (about 10⁻³) is 10 halvings.
    static var linearScanLimit: Int { 24 }
}
