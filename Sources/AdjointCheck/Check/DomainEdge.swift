import AdjointCore

/// What the one-sided look at the edge of f's domain found along one line (see
/// ``domainEdgeLook(on:outputs:row:rowAbs:epsilon:rounding:sharp:)``).
struct DomainEdgeLook {
    /// Whether f is defined on the side of growing t (the samples at x − t·v lie outside its
    /// domain) or on the other.
    let fromRight: Bool
    /// The domain error f reported just outside ("pow: zero raised to a non-positive real
    /// power"), or nil where its value there was only not finite (or nothing was asked).
    var domainError: String? = nil
    /// The one-sided derivative extrapolated from the defined side, with its error; nil where the
    /// differences did not settle.
    let estimate: DifferenceEstimate?
    /// The measured rate p of D(h) − D* ∝ hᵖ at the last look that read one.
    let rate: Double?
    /// The looks' first step h, at which f was found undefined on the other side of x.
    let firstStep: Double
    /// The largest one-sided slope or secant from x the looks saw (at their widest steps): the
    /// scale of f's change along the line, which sets what resolves an entry whose subjects are all 0.
    let slopeScale: Double
    /// Evaluations of f this look spent.
    var evaluations: Int
    /// Whether f is defined one rounding step of x outside (``domainEdgeLook(on:outputs:row:rowAbs:epsilon:rounding:sharp:)``
    /// then takes no look): x lies inside the domain, closer to its edge than the steps.
    var insideTheEdge = false

    /// The witness's name in a ladder.
    var witnessName: String { fromRight ? "one-sided-right" : "one-sided-left" }

    /// What the look says, in the user's terms, for the report's note on the entry along input
    /// `name` at xⱼ; `judged` says whether its estimate decided the entry.
    func note(input name: String, at xj: Double, judged: Bool) -> String {
        let side = fromRight ? "right" : "left", other = fromRight ? "left" : "right"
        let why = domainError.map { "a domain error in \($0)" } ?? "f is not finite there"
        if insideTheEdge {
            return "f is not defined \(readableFigure(firstStep)) \(other) of \(name) = \(fmt(xj)) (\(why)), but is one "
                + "rounding step of \(name) \(other) of it: the edge of f's domain lies just \(other) of \(name), closer than the differences' "
                + "steps, and one-sided differences from the \(side) would read f's slope from the edge, not at \(name); not judged "
                + "(check at the edge itself or farther inside)"
        }
        var s = "f is not defined \(other) of \(name) = \(fmt(xj)), \(readableFigure(firstStep)) away nor one rounding step of \(name) away (\(why)), so "
            + "\(name) = \(fmt(xj)) is the edge of f's domain along \(name) and the derivative there is the one-sided one from the \(side)"
        let p = rate.map { "h^\(($0 * 100).rounded() / 100)" }
        if let e = estimate {
            s += "; the \(side)-hand differences, extrapolated to h = 0, read \(readableFigure(e.value)) ± \(readableFigure(e.errorEstimate))"
                + (p.map { " (converging as \($0))" } ?? "")
            if !judged { s += ", too coarse to judge the entry" }
        } else {
            // A rate fast enough to extrapolate that left no estimate was not read again by the next
            // look (two close powers, an oscillation): "too slowly" would misname it.
            if let q = rate, q > Double.log2(domainEdgeSlowestRatio) {
                s += "; the \(side)-hand differences converge as \(p ?? "") at one look, but no look 64 times closer reads "
                    + "the same rate and value, so they are not judged"
            } else {
                s += "; the \(side)-hand differences " + (p.map { "converge as \($0), too slowly to judge" } ?? "do not settle as the step shrinks")
            }
        }
        return s
    }
}

/// How many looks ``domainEdgeLook(on:outputs:row:rowAbs:epsilon:rounding:sharp:)`` takes, each 64
/// times closer than the last: x^1.5 at 0 has D(h) = c·√h, and from the one-sided stencil's
/// default step (2⁻¹⁶ in Double) the last look's smallest step is 2⁻⁶⁰. At five evaluations a look, 40 at most,
/// spent only where every other witness failed for want of f's values on one side.
let domainEdgeLooks = 8

/// The slowest change ratio ρ = 2ᵖ (p = ¼) at which ``domainEdgeLook(on:outputs:row:rowAbs:epsilon:rounding:sharp:)``
/// extrapolates a one-sided difference; slower is "too slowly to judge".
let domainEdgeSlowestRatio = 1.189

/// The slowest power q of h whose tail ``domainEdgeLook(on:outputs:row:rowAbs:epsilon:rounding:sharp:)``
/// allows for beyond two looks that agree: a term c·h^q changed by the looks' gap g across their 64×
/// has g/(64^q − 1) left (240·g at q = 1/1000); slower terms are indistinguishable from a constant.
let domainEdgeSlowestTail = 0.001

/// The one-sided derivative along the probe's line at a point where f is defined but its samples
/// on one side are not (a domain error, or a non-finite value there): the edge of f's domain, as
/// x^1.5 at 0, where every central difference reads past the edge and no witness ran.
///
/// There the derivative is the one-sided one from inside the domain. It is read with the kink
/// analysis's second-order one-sided stencil at steps 2h, h, h/2, h/4; their changes c₁, c₂, c₃
/// stand in the ratios ρ₁ = c₁/c₂ and ρ₂ = c₂/c₃, which for D(h) = D* + c·hᵖ are both 2ᵖ. p need
/// not be an integer: x^1.5 at 0 has p = ½ and x^2.5 has p = 3/2, and an error estimate that
/// assumes p = 2, (D(2h) − D(h))/3, is a seventh of √h's error. Each triple is extrapolated to
/// h = 0 at its own rate, D(h/2) − c₂/(ρ₁ − 1) and D(h/4) − c₃/(ρ₂ − 1) (the geometric tail), and
/// their gap, with the rounding of both, is the estimate's error: exact for one power of h, and
/// large where the rate drifts (a second power, a logarithm). A ratio at or below
/// ``domainEdgeSlowestRatio`` is too slow to extrapolate, and no look after such a one stands. No
/// look stands alone: a reading is taken only where the next look, 64 times closer, reads the same
/// rate (or settles to rounding) and a value within both errors, and its error then carries their
/// gap's tail (``domainEdgeSlowestTail``). Each look that is not sharp enough sends the next 64 times
/// closer, at most ``domainEdgeLooks`` times and not below an ulp of x.
///
/// - Parameters:
///   - row: the entry's row from f's outputs (output i, or a functional uᵀf), and `rowAbs` its
///     bound on their absolute values (for rounding).
///   - rounding: f's own rounding over a step (what the samples cannot show), added to the
///     stencils' rounding.
///   - sharp: the error at which the looks stop: an estimate this sharp is all the entry asks.
/// - Returns: nil where the point is not at such an edge: f(x) not finite, or f's samples at the
///   stencil's default step finite on both sides, or on neither.
func domainEdgeLook<V: ADScalar & BinaryFloatingPoint>(on probe: inout LineProbe<V>, outputs m: Int,
                                                      row: ([Double]) -> Double, rowAbs: ([Double]) -> Double,
                                                      epsilon eps: Double, rounding: (Double) -> Double,
                                                      sharp: Double) -> DomainEdgeLook? {
    let before = probe.evaluations
    func value(_ t: V) -> Double {
        let y = probe.at(t)
        return y.count == m ? row(y.map { Double($0) }) : .nan
    }
    func finite(_ t: V) -> Bool { value(t).isFinite }
    guard finite(0) else { return nil }
    var h = V(DifferenceTuning.defaultStep(for: Stencil.rightSided, scale: probe.scale, epsilon: eps).nearestPowerOfTwo)
    let rightDefined = finite(h), leftDefined = finite(-h)
    guard rightDefined != leftDefined else { return nil }
    let stencil = rightDefined ? Stencil.rightSided : Stencil.leftSided
    let firstStep = Double(h)
    // The one-sided derivative from inside is the derivative at x only where the edge is at x, to
    // the resolution of x: at 10⁻¹⁰, x^1.5's right-hand differences at steps far above 10⁻¹⁰ see
    // √t from the edge, extrapolate to 0 consistently across two looks, and would convict the right
    // 1.5·10⁻⁵; the change shows only at steps near 10⁻¹⁰. So f must be undefined one rounding
    // step of x outside too (5e-324 for x^1.5 is not: f(0) = 0), else no look is taken.
    var tiny = V.leastNonzeroMagnitude
    if let j = probe.axis { tiny = Swift.max(tiny, probe.x[j].ulp) }
    for (xk, vk) in zip(probe.x, probe.v) where vk != 0 { tiny = Swift.max(tiny, xk.ulp / Swift.abs(vk)) }
    if finite(rightDefined ? -tiny : tiny) {
        return DomainEdgeLook(fromRight: rightDefined, estimate: nil, rate: nil, firstStep: firstStep, slopeScale: 0,
                              evaluations: probe.evaluations - before, insideTheEdge: true)
    }
    // Each look reads the derivative once (settled to rounding, or extrapolated at one measured
    // rate); a reading stands only when the next look, 64 times closer, reads it again. One look
    // decides nothing: 3x + 10⁻⁹·x^1.1 at 0 reads 3.00000000017 ± 10⁻¹¹ from a single look whose
    // change ratios are all ≥ 3, and an oscillation 3x + x²·sin(0.01/x) reads one that is wrong.
    var previous: (value: Double, error: Double, rate: Double?, rounding: Double)? = nil
    var settled: DifferenceEstimate? = nil
    var rate: Double? = nil
    var slopeScale = 0.0
    // A look too slow to extrapolate leaves a tail the looks after it cannot see (3x − 2·10⁻¹⁰·x/log x
    // settles to rounding one look after a slow one, 2·10⁻¹¹ from its derivative): after it nothing stands.
    var sawSlowLook = false
    for _ in 0..<domainEdgeLooks {
        if h == 0 || probe.stepBelowULP(h / 4) { break }
        let samples = [2 * h, h, h / 2, h / 4].map { probe.apply(stencil, step: $0, outputs: m) }
        let d = samples.map { row($0.derivative) }
        // The defined side may end within the samples (a domain that is a short interval).
        guard d.allSatisfy(\.isFinite) else { previous = nil; settled = nil; h = h / 64; continue }
        // f's secants from x to the samples as well: pow(x, 2) at 0 has every one-sided difference
        // exactly 0 (the stencil is exact for a parabola), and f(4h)/4h says what 0 ± r is next to.
        let f0 = value(0)
        let secants = [h / 4, h / 2, h, 2 * h, 4 * h].map { t in Swift.abs(value(rightDefined ? t : -t) - f0) / Double(t) }
        slopeScale = Swift.max(slopeScale, (d + secants).map { Swift.abs($0) }.filter(\.isFinite).max() ?? 0)
        let own = rounding(Double(h / 4))
        let r = 4 * (samples.map { rowAbs($0.rounding) }.max() ?? 0) + (own.isFinite ? own : .infinity)
        let c1 = d[0] - d[1], c2 = d[1] - d[2], c3 = d[2] - d[3]
        let reading: (value: Double, error: Double, rate: Double?, rounding: Double)
        if Swift.abs(c1) <= 2 * r && Swift.abs(c2) <= 2 * r && Swift.abs(c3) <= 2 * r {
            // Settled to rounding: no rate shows, and the changes themselves are the error.
            reading = (d[3], r + Swift.abs(c1) + Swift.abs(c2) + Swift.abs(c3), nil, r)
        } else {
            let rho1 = c1 / c2, rho2 = c2 / c3
            // Below ``domainEdgeSlowestRatio`` the extrapolation multiplies the last change by more
            // than 1/(ρ − 1) ≈ 5, and a logarithmic approach (D = 1/log(1/h), ρ ≈ 1 + 2 ln 2/log(1/h),
            // 1.06 at 10⁻¹⁰) reads as a power law whose extrapolation halves D's error, not removes it.
            guard rho1.isFinite, rho2.isFinite, rho1 > domainEdgeSlowestRatio, rho2 > domainEdgeSlowestRatio else {
                previous = nil; settled = nil; sawSlowLook = true
                if rho2.isFinite && rho2 > 1 { rate = Double.log2(rho2) }
                h = h / 64; continue
            }
            let p = Double.log2(rho2)
            rate = p
            // The rounding of an extrapolation D − c/(ρ − 1): of D, of c (2r) over ρ − 1, and of ρ
            // (each change uncertain by 2r) times c/(ρ − 1)².
            func extrapolationRounding(_ rho: Double, _ ca: Double, _ cb: Double) -> Double {
                let drho = rho * (2 * r / Swift.abs(ca) + 2 * r / Swift.abs(cb))
                return r + 2 * r / (rho - 1) + Swift.abs(cb) * drho / ((rho - 1) * (rho - 1))
            }
            let e1 = d[2] - c2 / (rho1 - 1), e2 = d[3] - c3 / (rho2 - 1)
            let rounded = extrapolationRounding(rho1, c1, c2) + extrapolationRounding(rho2, c2, c3)
            let err = Swift.abs(e2 - e1) + rounded
            guard e2.isFinite, err.isFinite else { previous = nil; settled = nil; h = h / 64; continue }
            reading = (e2, err, p, rounded)
        }
        // The reading stands where the look before it, 64 times farther out, read the same: the same
        // rate (within 5%: a logarithm's drifts by 15% a look at 10⁻¹⁰), or this one settled to
        // rounding; a settled look followed by a rate is a model that failed. The values must agree
        // within the two errors, not a multiple of them: two close powers (3x + 10⁻⁴·x^1.05 − x^1.25)
        // extrapolate at a steady rate to values that drift by 20% of their gap a look, and at
        // 4 × the errors agreed 4.5 errors from 3.
        var confirmed = false
        if let b = previous, !sawSlowLook {
            let sameRate: Bool
            switch (b.rate, reading.rate) {
            case let (pb?, pk?): sameRate = Swift.abs(pk - pb) <= 0.05 * Swift.max(pk, pb)
            case (nil, _?): sameRate = false
            default: sameRate = true
            }
            let gap = Swift.abs(reading.value - b.value)
            if sameRate && gap <= b.error + reading.error {
                confirmed = true
                // The sharper of the two, and the gap beyond both roundings as a tail still to come: a
                // term in h^q that the two looks saw change by that much has it/(64^q − 1) left, and q
                // down to ``domainEdgeSlowestTail`` is allowed for (3x + 10⁻¹⁰·x^1.001 settles to
                // rounding at both looks, 10⁻¹⁰ from its derivative, 4·10⁻¹³ apart). A gap within the
                // roundings shows no tail: charging it would cost Float's x^1.5 + 3x at 0 a bound of 0.012.
                let sharper = reading.error <= b.error ? (reading.value, reading.error) : (b.value, b.error)
                let tail = Swift.max(0, gap - b.rounding - reading.rounding) / (Double.pow(64, domainEdgeSlowestTail) - 1)
                settled = DifferenceEstimate(value: sharper.0, errorEstimate: sharper.1 + tail,
                                             step: Double(h / 4), reach: 4 * Double(h))
            }
        }
        if confirmed, let e = settled {
            // Sharp enough for the entry (or, where its subjects are all 0, to √ε of f's slopes
            // here), or settled to rounding: a closer look would only round more.
            if reading.rate == nil || e.errorEstimate <= Swift.max(sharp, eps.squareRoot() * slopeScale) { break }
        } else {
            settled = nil
        }
        previous = reading
        h = h / 64
    }
    if settled != nil { settled?.evaluations = probe.evaluations - before }
    return DomainEdgeLook(fromRight: rightDefined, estimate: settled, rate: rate, firstStep: firstStep,
                          slopeScale: slopeScale, evaluations: probe.evaluations - before)
}

extension Checker {
    /// ``domainEdgeLook(on:outputs:row:rowAbs:epsilon:rounding:sharp:)`` along eⱼ, with the op whose
    /// domain f left named from one more evaluation, just outside, in a collection of its own.
    mutating func domainEdgeLook(output i: Int, input j: Int, sharp: Double) -> DomainEdgeLook? {
        let v = x.indices.map { $0 == j ? V(1) : V(0) }
        let f = self.f
        var probe = LineProbe<V>(eval: { f($0) }, x: x, v: v, center: value.isEmpty ? nil : value)
        let scale = i < roundingScale.count ? roundingScale[i] : 0
        let eps = self.eps
        guard i < value.count, var look = AdjointCheck.domainEdgeLook(on: &probe, outputs: value.count, row: { $0[i] },
                                                                     rowAbs: { Swift.abs($0[i]) }, epsilon: eps,
                                                     rounding: { 4 * eps * scale / $0 }, sharp: sharp) else { return nil }
        var point = x
        point[j] = x[j] + V(look.fromRight ? -look.firstStep : look.firstStep)
        // Plain evaluation in V runs no built-in op's domain check; recording f does, and throws the
        // first domain error (one more evaluation, in a collection of its own so the user's sees
        // nothing of it).
        Instrumentation.countEvaluation()
        look.evaluations += 1
        do {
            _ = try Diagnostics.collect({ try record({ f($0) }, at: point) }, passingOn: { _ in EvaluationDiagnostics() })
        } catch let e as ADError {
            if case let .domain(op, _, _, reason) = e { look.domainError = "\(op) (\(reason))" }
        } catch {}
        return look
    }
}
