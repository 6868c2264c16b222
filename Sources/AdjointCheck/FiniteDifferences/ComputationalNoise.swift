import AdjointCore

// The difference engine models the rounding of one evaluation of f as a few ulps of |f|, and a
// recording refines that to ε·Σ|∂f/∂v|·|v| over the values on the tape. Neither sees inside a
// primal the tape cannot open (a user vector primitive, a black box): a 2×2 solve near a singular
// matrix computes det = 1 − a·b ≈ 10⁻⁶, whose rounding of 10⁻¹⁶ is 10⁻¹⁰ of det, 10⁶ times what
// the model assumes for its outputs. Differences of it settled on 1.000000e12 ± 1010 for a right
// 9.99998999942e11, and the right JVP was convicted. Such a primal's noise has to be measured.
//
// The measurement is the difference-table method of Moré and Wild ("Estimating computational
// noise", SIAM J. Sci. Comput. 33(3), 2011): sample f at x + k·h·p, k = −4 … 4. The k-th
// differences of a smooth f shrink like hᵏ, those of noise of standard deviation σ grow like
// σ·√((2k)!/(k!)²); so σₖ = √(γₖ·mean((Δᵏf)²)), γₖ = (k!)²/(2k)!, estimates σ at every order k
// where the noise dominates. An order is trusted when its Δᵏf change sign (a smooth part would
// keep one sign) and σₖ, σₖ₊₁, σₖ₊₂ agree within a factor of 4. Samples spread over more than a
// tenth of |f|, or no trusted order, mean h is too large: h shrinks by 128 and the table is
// taken again. Samples all equal mean h is below f's resolution there; nothing is measured.
//
// Rounding noise does not depend on h; structure does. A kink within 4h of x is a spike in the
// table that passes both tests, with a "σ" of h times the jump in slope (|x − 3| at 3 was read
// as noise, and the floor it set hid the kink). So σ is accepted only when two steps 128 apart
// measure it within a factor of 4, and the smaller of the two is taken. The exception is f that
// rounds to a grid coarser than its type's (a float32 sum returned as Double): below the grid's
// treads the finer table reads a staircase, not noise, and it cannot agree; the black-box check
// then has the coarse σ confirmed by a table beside the first, which a kink's spike is not in.

/// f's measured noise at one point, per output: a standard deviation of one evaluation's error,
/// or nil where it could not be measured (samples all equal, not finite, or no step tried gave a
/// trusted order).
struct MeasuredNoise {
    var sigma: [Double?]
    /// Evaluations of f the measurement made (f(x) itself, when given, is not counted).
    var evaluations: Int

    /// A bound on one evaluation's error: ``bound`` standard deviations. Rounding is bounded and
    /// not Gaussian, but the estimate is itself from 8 differences; 4σ leaves room for both.
    static let bound = 4.0
}

/// Moré–Wild's σ from one column of samples at equally spaced points, or nil when no order of
/// the difference table is trusted (see the comment at the top of this file).
func moreWildNoise(_ samples: [Double]) -> Double? {
    let orders = 6
    guard samples.count >= orders + 2, samples.allSatisfy(\.isFinite) else { return nil }
    var d = samples
    var gamma = 1.0
    var sigma: [Double] = [], signChange: [Bool] = []
    for k in 1...orders {
        d = zip(d.dropFirst(), d).map { $0 - $1 }
        // γₖ = (k!)²/(2k)!, from γₖ₋₁ by k²/((2k)(2k − 1)).
        gamma *= Double(k) / Double(2 * (2 * k - 1))
        let meanSquare = d.reduce(0) { $0 + $1 * $1 } / Double(d.count)
        sigma.append((gamma * meanSquare).squareRoot())
        signChange.append((d.min() ?? 0) < 0 && (d.max() ?? 0) > 0)
    }
    for k in 0..<(orders - 2) where signChange[k] {
        let three = sigma[k...(k + 2)]
        guard let lo = three.min(), let hi = three.max(), hi <= 4 * lo else { continue }
        return sigma[k]
    }
    return nil
}

/// f's noise near `x` along `direction` (see the comment at the top of this file), trying the
/// relative steps `steps` from the largest (samples at x + k·hₛ·p, |k| ≤ 4) until two in a row
/// agree. 8 evaluations per step tried: 16 at the least, 8·steps.count at most.
///
/// With `staircasesAbove` (a bound per output), a σ above its output's bound whose next finer
/// table is a staircase (at most ``staircaseLevels`` distinct values, reading σ below a quarter
/// of it) is taken when the same table 9 steps along p confirms it, 9 more evaluations: f rounds
/// to a grid coarser than its type's, as a float32 sum returned as Double does, so no finer step
/// can agree with it. A bound of a few ulps of f, its inputs and 1 leaves Double's own rounding
/// of an intermediate (log of a sum near 1) to the model that already allows for it. A table
/// whose samples all lie on a grid far coarser than f's ulps (``gridQuantum(_:)``) and whose σ
/// is the grid's q/√12 within a factor of 4 is taken the same way, confirmed beside, with no
/// bound: the grid itself shows that f rounds that coarsely.
func measureNoise<V: BinaryFloatingPoint>(_ f: ([V]) -> [V], at x: [V], center: [V]? = nil, outputs m: Int,
                                          direction p: [Double],
                                          steps: [Double] = noiseSteps(epsilon: .ulpOfOne),
                                          staircasesAbove: [Double]? = nil) -> MeasuredNoise {
    var result = MeasuredNoise(sigma: [Double?](repeating: nil, count: m), evaluations: 0)
    var open = Set(0..<m)
    var previous = [Double?](repeating: nil, count: m)
    /// Per output, the step and σ of a table whose next finer one was a staircase (see below).
    var staircase = [(step: Double, sigma: Double)?](repeating: nil, count: m)
    var f0 = center
    if f0 == nil { f0 = f(x); result.evaluations += 1 }
    guard let y0 = f0, y0.count == m else { return result }
    func table(at relative: Double, offset: Int = 0) -> [[V]] {
        (-4...4).map { k in
            if k == 0 && offset == 0 { return y0 }
            let t = Double(k + offset) * relative
            result.evaluations += 1
            return f(zip(x, p).map { xj, pj in xj + V(t * pj) })
        }
    }
    for (index, relative) in steps.enumerated() where !open.isEmpty {
        let rows = table(at: relative)
        for i in open.sorted() {
            guard rows.allSatisfy({ $0.count == m }) else { open.removeAll(); break }
            let column = rows.map { Double($0[i]) }
            guard column.allSatisfy(\.isFinite) else { open.remove(i); continue }
            // A staircase below the previous step: f rounds to a coarser grid than its own
            // type's (a float32 sum returned as Double), so the finer table reads a few treads
            // where the coarser one read noise. See ``staircaseLevels``.
            // The coarsest such step is kept: below it, the table reads the treads themselves.
            if let above = staircasesAbove, staircase[i] == nil, let coarse = previous[i], coarse > above[i], index > 0,
               Set(column).count <= staircaseLevels, (moreWildNoise(column) ?? 0) < coarse / 4 {
                staircase[i] = (steps[index - 1], coarse)
            }
            // Below f's resolution: smaller steps see no more.
            if column.allSatisfy({ $0 == column[0] }) { open.remove(i); continue }
            let lo = column.min() ?? 0, hi = column.max() ?? 0
            let s = hi - lo > 0.1 * Swift.max(Swift.abs(lo), Swift.abs(hi)) ? nil : moreWildNoise(column)
            if let s, let p = previous[i], s <= 4 * p, p <= 4 * s {
                result.sigma[i] = Swift.min(s, p)
                staircase[i] = nil
                open.remove(i)
                continue
            }
            // A table whose samples all lie on a grid far coarser than their ulps, reading the σ
            // that rounding to it gives (q/√12 within a factor of 4), shows f's rounding by the
            // grid itself, bound or no bound: f is a difference near a larger value (a quotient
            // near 1, minus 1) and moves in that value's quanta. The next finer table cannot
            // agree with it: it crosses a few quanta per step, evenly (3 per step at 7.5·10⁻⁹ for
            // the softmax in ``gridQuantum(_:)``), which is neither noise nor treads. Confirmed
            // beside, as a staircase is, since a kink's spike on a grid would read the same.
            // Only with more levels than treads show: a table of a few levels is the tread rule's
            // above, and its bound keeps a log of a sum near 1 (a cross-entropy at 5.6·10⁻⁸, three
            // levels 2⁻⁵² apart at 5.8·10⁻¹¹) to the flat tests' model, which allows for it.
            if staircasesAbove != nil, staircase[i] == nil, let s, Set(column).count > staircaseLevels,
               let q = gridQuantum(column) {
                let rounding = q / 12.0.squareRoot()
                if s <= 4 * rounding && rounding <= 4 * s { staircase[i] = (relative, s) }
            }
            previous[i] = s
        }
    }
    // A staircase's σ holds only at steps above its treads, so it cannot be confirmed by a finer
    // step as rounding noise is. It is confirmed instead by the same table taken beside the
    // first, centred 9 steps along p: noise measures alike there, while a kink within the first
    // table's reach (a spike read as σ, with an exactly flat side that reads as one tread, as
    // max(x, 0) just left of 0) lies outside the second, which is smooth and measures nothing.
    for i in 0..<m where result.sigma[i] == nil {
        guard let (step, sigma) = staircase[i] else { continue }
        let rows = table(at: step, offset: 9)
        guard rows.allSatisfy({ $0.count == m }) else { break }
        let beside = rows.map { Double($0[i]) }
        let lo = beside.min() ?? 0, hi = beside.max() ?? 0
        guard beside.allSatisfy(\.isFinite), hi - lo <= 0.1 * Swift.max(Swift.abs(lo), Swift.abs(hi)),
              let s = moreWildNoise(beside), s <= 4 * sigma, sigma <= 4 * s else { continue }
        result.sigma[i] = Swift.min(s, sigma)
    }
    return result
}

/// The most distinct values a table of 9 samples may show to count as a staircase below the
/// step above it (``measureNoise(_:at:center:outputs:direction:steps:staircasesAbove:)``):
/// f(x) and two treads on either side, about half the samples. A smooth f at the finer step
/// shows 9 (its samples move linearly). A float32 sum of 200 sines returned as Double showed
/// 1, 2 and 4 levels at 2⁻²⁷ where 2⁻²⁰ had measured σ ≈ 10⁻⁷ (5, 9 and 9 levels).
let staircaseLevels = 5

/// The quantum q of a grid far coarser than the samples' own ulps that every one of them lies on,
/// or nil where there is none: the samples' distinct values differ by exact integer multiples of
/// q (or, for a grid scaled after its rounding, below, to within ``gridSlackULPs`` ulps of the
/// largest), q is at least ``gridMinimumULPs`` of those ulps, and the values skip a grid point
/// somewhere or repeat one.
///
/// f(z) = e^{z₀}/Σₖ e^{zₖ} − 1 at z = (19.459929, 0, −3.0194324999999997) is −3.7·10⁻⁹, whose
/// ulp is 8·10⁻²⁵, but the quotient it is taken from lies just below 1, on a grid of 2⁻⁵³ ≈
/// 1.1·10⁻¹⁶: 9 samples 9.5·10⁻⁷ apart stepped 370 to 373 quanta each (σ ≈ 1.0·10⁻¹⁶ by
/// Moré–Wild, q/√12 = 3.2·10⁻¹⁷). q is their gaps' greatest common divisor, found by Euclid's algorithm, exact on them.
/// A smooth f's gaps have no common divisor that large (the remainders run down to an ulp);
/// a linear f's equal gaps are one, but they neither skip nor repeat a point; and a kink's flat
/// side beside a ramp offsets the ramp by a fraction of its gap.
///
/// A grid scaled after the rounding (that f times 1/ln 2, or a log of a quantity that rounds)
/// has a quantum c·2⁻⁵³ no Double holds, and each sample rounds once more: its gaps are
/// multiples of q only to an ulp each, and Euclid's remainders multiply that by their quotients
/// (370 quanta against 373 leave 3, then 370 = 123·3 + 1 carries 123 of those ulps) until they
/// read as a smooth f's. Where the exact test finds nothing, the remainders carry their error
/// bounds, a remainder within its bound ends Euclid, and q is taken as the span over the whole
/// number of quanta it holds; every sample must lie within the slack of a multiple of that q,
/// which is at least ``gridScaledMinimumULPs`` of the ulps (a smooth f's gaps, g, g + δ, g + 2δ,
/// do fit some δ by chance more often than they fit exactly).
///
/// ```swift
/// let q = 0x1p-53
/// gridQuantum([0, 3, 7, 10, 13, 16, 19, 22, 24].map { -0x1p-28 + Double($0) * q })   // q, 2⁻⁵³
/// gridQuantum((0..<9).map { -0x1p-28 + Double($0) * q })   // nil: evenly spaced, as a line is
/// ```
func gridQuantum(_ samples: [Double]) -> Double? {
    guard samples.allSatisfy(\.isFinite) else { return nil }
    let levels = Set(samples).sorted()
    guard levels.count >= 3, let first = levels.first, let last = levels.last, let top = levels.map({ Swift.abs($0) }).max(),
          top.isFinite, top > 0 else { return nil }
    let slack = gridSlackULPs * top.ulp
    let gaps = zip(levels.dropFirst(), levels).map { $0 - $1 }
    /// Whether the grid points the levels take (their multiples of q from the first) skip one
    /// somewhere, or the samples repeat one: evenly spaced distinct samples are a line's.
    func skipsOrRepeats(_ multiples: [Double]) -> Bool {
        (multiples.last ?? 0) > Double(levels.count - 1) || levels.count < samples.count
    }
    // Exact: samples on a grid that no rounding followed are exact multiples of q apart, and
    // IEEE remainders of exact multiples are exact, so Euclid ends on q itself with no slack.
    // A slack of 4 ulps per multiple (as before) fitted smooth samples by chance: exp near 18.55
    // at a step of 1.8·10⁻⁶ fit "q" = 5037 ulps within 4 ulps times up to 8 multiples (2 such
    // fits in 200,000 draws of sin, exp, atan, a cubic, … at steps 10⁻¹⁴ to 10⁻¹; none exact).
    // A grid rounded once more after it (a float32 sum divided by 200 in Double) is the scaled
    // test's below, which found as many of them (946 of 2000 draws) with or without the slack.
    exact: do {
        var q = gaps[0]
        for g in gaps.dropFirst() {
            var (a, b) = (Swift.max(q, g), Swift.min(q, g))
            while b > 0 {
                (a, b) = (b, Swift.abs(a.remainder(dividingBy: b)))
            }
            q = a
        }
        guard q >= gridMinimumULPs * top.ulp else { break exact }
        var multiples: [Double] = []
        for level in levels {
            let n = ((level - first) / q).rounded()
            guard level - first == n * q else { break exact }
            multiples.append(n)
        }
        return skipsOrRepeats(multiples) ? q : nil
    }
    // Scaled after the rounding: Euclid with each remainder's error bound (a − k·b is off by
    // e_a + k·e_b), each gap off by the slack.
    var (q, error) = (gaps[0], slack)
    for g in gaps.dropFirst() {
        var (a, ea, b, eb) = q >= g ? (q, error, g, slack) : (g, slack, q, error)
        while b > eb {
            let k = (a / b).rounded()
            (a, ea, b, eb) = (b, eb, Swift.abs(a - k * b), ea + k * eb)
        }
        (q, error) = (a, ea)
    }
    let span = last - first
    let count = (span / q).rounded()
    guard count >= 1, count.isFinite else { return nil }
    let quantum = span / count
    guard quantum >= gridScaledMinimumULPs * top.ulp else { return nil }
    var multiples: [Double] = []
    for level in levels {
        let n = ((level - first) / quantum).rounded()
        guard Swift.abs(level - first - n * quantum) <= slack else { return nil }
        multiples.append(n)
    }
    return skipsOrRepeats(multiples) ? quantum : nil
}

/// The distance from a multiple of a scaled grid's quantum, in ulps of the largest sample, still
/// counted as on the grid (``gridQuantum(_:)``; an exact grid has none): a float32 sum divided
/// by 200 in Double rounds each sample once more.
let gridSlackULPs = 4.0

/// The least quantum, in ulps of the largest sample, taken as a grid (``gridQuantum(_:)``): at
/// 2¹² ulps, gaps of a smooth f that matched it within the slack by chance would be 1 in 500
/// per sample; the grids it is for are 10⁷ ulps and more (2⁻⁵³ beside −3.7·10⁻⁹; float32's
/// beside a Double sum).
let gridMinimumULPs = 4096.0

/// The least quantum, in ulps of the largest sample, taken as a grid scaled after its rounding
/// (``gridQuantum(_:)``): 2²⁰. Samples of smooth functions (sin, exp, atan, a cubic) at steps
/// 10⁻¹⁴ to 10⁻¹ fit such a grid in 1 of 600 draws at 2¹² ulps, and in 1 of 200,000 at 2²⁰;
/// the grids it is for are 10⁸ ulps (2⁻⁵³·c beside c·3.7·10⁻⁹).
let gridScaledMinimumULPs = 1048576.0

/// The relative steps tried, largest first: from about ε^{3/8} (2⁻²⁰ in Double, 2⁻⁹ in Float,
/// where 10⁻⁶ is a few ulps and every sample would be equal), 2⁷ apart, down to 16ε. The small ones matter: a solve whose matrix is 10⁻¹¹ from singular is smooth only on
/// scales below 10⁻¹¹, and with steps stopping at 10⁻¹⁰ nothing was measured and a right JVP
/// was still convicted there.
func noiseSteps(epsilon: Double) -> [Double] {
    var h = Double(sign: .plus, exponent: Int((0.375 * Double.log2(epsilon)).rounded()), significand: 1)
    var steps: [Double] = []
    while h >= 16 * epsilon && steps.count < 6 {
        steps.append(h)
        h /= 128
    }
    return steps
}

/// A direction for ``measureNoise(_:at:center:outputs:direction:steps:)`` that moves every input
/// at once, each by max(1, |xⱼ|) times a fixed pseudo-random factor in ±[0.5, 1): noise from
/// rounding that depends on several inputs (a·b in 1 − a·b) shows only when they all move, and
/// a fixed seed keeps the verdict reproducible. Not a lattice of exactly representable points
/// (odd sixteenths times powers of two, as the directional check uses): there the rounding of
/// a·b repeats coherently from sample to sample, and the solve below measured σ = 2·10⁻¹¹ where
/// the check's differences (whose samples differ in other bits) saw 10⁻⁴. The rounding of the
/// sample points themselves is counted as noise (it is |f′|·ulp(x), which a rounded x carries too).
func noiseDirection(_ x: [Double]) -> [Double] {
    var rng = SeededGenerator(seed: 0x6E6F_6973_65)
    return x.map { xj in
        let magnitude = 0.5 + 0.5 * rng.nextUnit()
        return (rng.nextUnit() < 0.5 ? -1 : 1) * magnitude * Swift.max(1, Swift.abs(xj))
    }
}

/// The measured noise of each output of a user vector primitive at its recorded inputs: the
/// primal is opaque to the tape, so its rounding is not in ``Recording/roundingScales()``.
/// nil entries where it could not be measured. `primal`, when given, stands for p's primal
/// (`validate` passes its own, which evaluates each point once).
func vectorPrimitiveNoise(_ p: any VectorPrimitive.Type, at x: [Double], outputs m: Int,
                          primal: (([Double]) -> [Double])? = nil) -> MeasuredNoise {
    if p.domainViolation(x) != nil { return MeasuredNoise(sigma: [Double?](repeating: nil, count: m), evaluations: 0) }
    // Samples stay a quarter of the way to a declared kink (a kink is not noise).
    let direction = noiseDirection(x)
    let reach = 4 * (direction.map { Swift.abs($0) }.max() ?? 1)
    // A NaN or negative declaration leaves no room to measure in (its abs was taken as room, and
    // NaN compared as none); the check, fault localisation and `validate`, which call this,
    // report it by name from the same inputs.
    let declared = p.kinkDistance(x) ?? .infinity
    let room = declared >= 0 ? 0.25 * declared : 0
    let steps = noiseSteps(epsilon: .ulpOfOne).filter { $0 * reach <= room }
    return measureNoise({ primal?($0) ?? p.primal($0) }, at: x, outputs: m, direction: direction, steps: steps)
}

/// The measured noise of a user scalar primitive's primal at its arguments `x`: the largest σ a
/// trusted order of the difference table gives at any of the steps tried (samples kept a quarter
/// of the way to a declared kink), or nil where none is trusted.
///
/// The tape takes such a primal as one op rounded to a few ulps of its value, as it takes a
/// built-in; a primal solved on Doubles to a tolerance rounds far above that. Kepler's
/// E − ½ sin E = M bisected to 10⁻¹² is off by up to 4.5·10⁻¹³, some 2,600 ulps of E, and a
/// Richardson difference that assumed a few ulps settled 2·10⁻¹¹ from dE/dM, 14 times its own
/// estimate, and convicted the right rule 1/(1 − ½ cos E) (in `validate`, in fault localisation,
/// in `assertHessian`).
///
/// Not the two-steps-agree σ of ``measureNoise(_:at:center:outputs:direction:steps:)``: that
/// noise is structured. The bisection's error is a sawtooth in M, with a period of 2⁻⁴⁰/(E′ − 1),
/// 3·10⁻¹⁰ at M = 1.0651232153443464, where cos E ≈ 0: at steps below it every sample lies on
/// one tooth's ramp and the table sees only rounding (σ = 10⁻¹⁶ at two steps in a row), at
/// steps near a multiple of it the samples alias to one phase, and only steps well above it see
/// the 1.7·10⁻¹³ that a difference's samples, 10⁻⁴ apart or more, carry. The largest σ is the
/// one those samples meet. A kink is not noise, but a declared one is kept out of reach, and an
/// undeclared one is `validate`'s kinks check to find; a σ too large here can only leave a
/// rule undecided where it would have been convicted.
func scalarPrimitiveNoise(_ primal: @escaping ([Double]) -> Double, at x: [Double], kinkDistance: Double?) -> MeasuredNoise {
    let direction = noiseDirection(x)
    let reach = 4 * (direction.map { Swift.abs($0) }.max() ?? 1)
    let room = 0.25 * Swift.abs(kinkDistance ?? .infinity)
    let y0 = primal(x)
    var result = MeasuredNoise(sigma: [nil], evaluations: 1)
    guard y0.isFinite else { return result }
    for relative in noiseSteps(epsilon: .ulpOfOne) where relative * reach <= room {
        let column = (-4...4).map { k in k == 0 ? y0 : primal(zip(x, direction).map { $0 + Double(k) * relative * $1 }) }
        result.evaluations += 8
        guard column.allSatisfy(\.isFinite), !column.allSatisfy({ $0 == y0 }) else { continue }
        let lo = column.min() ?? 0, hi = column.max() ?? 0
        // Samples spread over more than a tenth of |f| are structure, not noise (as in measureNoise).
        if hi - lo > 0.1 * Swift.max(Swift.abs(lo), Swift.abs(hi)) { continue }
        if let s = moreWildNoise(column) { result.sigma[0] = Swift.max(result.sigma[0] ?? 0, s) }
    }
    return result
}
