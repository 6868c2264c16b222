import AdjointCore
import RealModule

// f computed through an intermediate rounded on a grid coarse beside f's own variation is a
// staircase: smooth on each tread, with a jump at each edge. Where the treads are wider than the
// steps Richardson or the adaptive method settle at, every sample lies on one tread, and they
// return its slope. Float (eˣ − 1)/x at x = 1.5063694·10⁻⁷: eˣ rounds to 1 + k·ulp(1), and
// ulp(1) = 1.2·10⁻⁷ is about x, so on a tread f = k·ulp(1)/x (0.79 at x, where f ≈ 1) with slope
// −k·ulp(1)/x². Richardson settled at steps of 10⁻⁸ on −5253481.33 ± 130.5, the adaptive method on
// −5253392 ± 646, both unwarned, for f′ = 0.50000005 (mpmath). In Double it takes an x as small as
// ulp(1): the adaptive method gave −9.2·10¹⁴ ± 1.3·10⁵ at 10⁻¹⁵.
//
// The noise audit (NoiseAudit.swift) saw the jumps and passed them over. Its table takes f's noise
// where two spacings in a row agree, which is Moré and Wild's premise that rounding does not depend
// on the spacing; beside a tread wider than the finest spacings that holds only below it, where f
// is smooth and rounds by ulps of f. There two spacings agreed (σ = 10⁻⁸ at 5.8·10⁻¹⁰ and
// 4.5·10⁻¹²), and the wider ones that straddled treads (σ = 0.49 at 7.4·10⁻⁸, a spike of 0.21 at
// x, where f is 26% off, at 1.2·10⁻³ and 9.4·10⁻⁶) disagreed and went unused. The slope ladder
// (SlopeLadder.swift) climbs from twice the estimate's reach and stops once its tableau's error
// exceeds 10⁻³ of |f′|, read as truncation: its first rung across an edge did, at 7.4·10⁻⁸.
//
// So the audit's columns are read again. A column whose span reaches past the estimate's reach
// and whose σ exceeds the value-only model saw f round by up to J = 4σ (``MeasuredNoise/bound``)
// somewhere beside x. The finer columns whose σ is under a quarter of it saw no such jump across
// their spans, so the tread that holds x is at least W = max(reach, their span) wide, and a ramp
// J high across W tilts the slope read on it by up to J/W. That bounds the error of a reach
// that lies across treads too: their jumps are J/W of noise in its differences. Where J/W exceeds
// ``DifferenceTuning/flatTolerance`` times the estimate's bound, f is searched for a jump
// (``jumpBeside(output:from:to:height:slope:)``), and where one is found the bound is widened by
// max(J, the jump)/W, flagged ``FDWarning/noConvergence`` where that reaches |f′| itself: the
// samples then do not tell the sign. Neither bound is a proof (the treads may be narrower, and the
// jump found need not be the tallest); over the scans below they held.
//
// The search is what tells a staircase from f's own shape. A feature of f on the scale of the
// table's widest spacing (1.2·10⁻³ of the scale in Float, a radian of sin(1000x)'s phase; the
// step of tanh(1000(x − 0.5)) at 0.5) reads as noise there and not below, as a tread does, and the
// small-step slope is then f′. Widened on the table alone (a trial, not kept), all 80 Float
// estimates of sin(1000x) at 40 seeded points were flagged (30 were before) and 65 of 80 of
// tanh(1000(x − 0.5)) near its step (none were); with the search, FloatStaircaseScan's controls
// of both flag none more than before. A pole inside a column (its largest |sample| more than
// ``TreadSearch/poleRatio`` times the median) is left out: |f| grows towards it and the search
// would follow it as a jump, where the small-step slope of 1/(x − 0.5) at 0.500000001 is right.
//
// On Float closures at 200 points 10⁻⁸ to 10⁻² ((eˣ − 1)/x, (1 − cos x)/x², log(1 + x)/x,
// √(1 + x) − 1; Tests/Data/float-staircase-scan.tsv, FloatStaircaseScan), the unwarned misses went
// from 16 to 0 (Richardson) and 26 to 0 (adaptive), for 1.3% and 4.4% more evaluations; at 400
// points drawn with another seed, from 40 to 0 and 59 to 1 (log(1 + x)/x at 0.0098, 1.2 times its
// bound off, no staircase, missed before too). Ordinary functions (sin(x)·y, exp(x)/y in Float and
// Double) take no evaluation more, their audit having confirmed its noise at the first two
// spacings. Near poles and roots in Double (singularity-scan.tsv) no miss changes, for 2.9%
// (adaptive) and 0.2% (Richardson) more evaluations, spent on searches that find no jump; in Float
// cos(300x)·x, whose 300x rounds in treads 10⁻⁷ wide, 11 of 40 adaptive estimates were widened
// past 10⁻³ of f′, and hold.

/// The constants of the search for a tread's edge (``LineProbe/jumpBeside(output:from:to:height:slope:)``).
enum TreadSearch {
    /// A column whose largest |sample| exceeds its median |sample| this many times holds a pole, not
    /// treads: rounding moves a sample by about f's own size at most (a tread of (eˣ − 1)/x at
    /// x ≈ ulp(1) puts f between 0.7 and 2 where it is 1), while the sample nearest a pole inside
    /// the column is at least 5 times the median (its distance to the pole at most half a
    /// spacing, the median's at least 2).
    static let poleRatio = 4.0
    /// A jump counts from this fraction of the column's J = 4σ: uniform treads of height h have
    /// σ = h/√12, so h ≈ 0.87·J, and a step in a column reads as σ ≈ h/5.
    static let jumpFraction = 0.125
    /// How many halvings a smooth excess may need to fall below the least jump before the search
    /// starts at all: a power of two, 2¹⁶. Beyond it the interval is far wider than any tread that
    /// jump could edge, and the search would spend its halvings on f's shape.
    static let reachableExcess = 0x1p16
    /// Halvings of the interval at most: the 16 above and the 8 below.
    static let halvings = 24
    /// A jump is an excess that has not halved over this many halvings (2⁸ of the interval):
    /// the larger half of f's own shape halves with each, even over a few features at once.
    static let confirmingHalvings = 8
}

extension LineProbe where V: Real {
    /// `e` (output i) widened to the slope a rounding tread beside x could put into it, once f is
    /// seen to jump there, and flagged ``FDWarning/noConvergence`` where that slope reaches |e|'s
    /// value (see the comment at the top of this file). Reads the last noise audit's columns
    /// (``tableReadings``); the search evaluates f, none where no column qualifies.
    mutating func widenedOverWideTreads(_ e: DifferenceEstimate, output i: Int, outputs m: Int) -> DifferenceEstimate {
        guard e.warnings.isEmpty, e.value.isFinite, e.errorEstimate.isFinite, e.reach > 0, i < tableReadings.count else { return e }
        let model = DifferenceTuning.evaluationNoiseULPs * epsilon * sampledMagnitude(output: i)
        let readings = tableReadings[i]
        var widest: (slope: Double, height: Double, width: Double, span: Double)? = nil
        for (l, r) in readings.enumerated() {
            guard let sigma = r.sigma else { continue }
            let height = MeasuredNoise.bound * sigma
            // A column inside the reach has no edge beyond it to search for.
            guard 8 * r.spacing >= e.reach, height > model, r.largest <= TreadSearch.poleRatio * r.median else { continue }
            var width = e.reach
            for finer in readings[(l + 1)...] where 4 * (finer.sigma ?? .infinity) < sigma {
                width = Swift.max(width, 8 * finer.spacing)
            }
            let slope = height / width
            if slope > DifferenceTuning.flatTolerance * e.errorEstimate, slope > widest?.slope ?? 0 {
                widest = (slope, height, width, 4 * r.spacing)
            }
        }
        guard let w = widest else { return e }
        // From the edge of the smooth width to the column's reach, on the side where f leaves the
        // estimate's line more first, then the other.
        var sides: [(excess: Double, from: V, to: V)] = []
        for side in [1.0, -1.0] {
            let (inner, outer) = (V(side * w.width / 2), V(side * w.span))
            if let excess = lineExcess(output: i, from: inner, to: outer, slope: e.value) { sides.append((excess, inner, outer)) }
        }
        var jump: Double? = nil
        for side in sides.sorted(by: { $0.excess > $1.excess }) where jump == nil {
            jump = jumpBeside(output: i, from: side.from, to: side.to, height: w.height, slope: e.value)
        }
        guard let found = jump else { return e }
        let slope = Swift.max(w.height, found) / w.width
        var out = e
        out.errorEstimate = e.errorEstimate + slope
        if slope >= Swift.abs(e.value) { out.warnings = [.noConvergence] }
        return out
    }

    /// How far f's change from displacement `a` to `b` departs from a change at `slope`, each
    /// displacement taken where x + t landed; nil where a sample is not finite. With `reciprocal`,
    /// the change of 1/f instead (nil where a sample is 0): beside a pole 1/f is smooth on scales
    /// where f is not (PoleTreads.swift), and it jumps where f does.
    /// `curvature`, where given, is taken off as well: the change of c·t²/2 from a to b.
    mutating func lineExcess(output i: Int, from a: V, to b: V, slope: Double, reciprocal: Bool = false,
                             curvature: Double = 0) -> Double? {
        func landed(_ t: V) -> Double {
            if let j = axis { return Double((x[j] + t) - x[j]) }
            return Double(t)
        }
        let (ya, yb) = (at(a), at(b))
        guard i < ya.count, i < yb.count, ya[i].isFinite, yb[i].isFinite else { return nil }
        var (fa, fb) = (Double(ya[i]), Double(yb[i]))
        if reciprocal {
            guard fa != 0, fb != 0 else { return nil }
            (fa, fb) = (1 / fa, 1 / fb)
        }
        let (ta, tb) = (landed(a), landed(b))
        return Swift.abs(fb - fa - slope * (tb - ta) - curvature * (tb * tb - ta * ta) / 2)
    }

    /// The height of a jump of f between displacements `inner` and `outer` (one side of x), off the
    /// line of slope `slope`, or nil where none of ``TreadSearch/jumpFraction`` of `height` or more
    /// is found. The interval is halved towards the half where f leaves that line more, and a jump
    /// is what does not shrink with it: f's own departure from a line halves with the interval
    /// once the interval is short beside f's features. One evaluation per halving, at most
    /// ``TreadSearch/halvings``.
    mutating func jumpBeside(output i: Int, from inner: V, to outer: V, height: Double, slope: Double) -> Double? {
        edgeBeside(output: i, from: inner, to: outer, least: TreadSearch.jumpFraction * height,
                   reachable: TreadSearch.reachableExcess, slope: slope)?.height
    }

    /// ``jumpBeside(output:from:to:height:slope:)``'s search for a jump of `least` or more, started
    /// only where f leaves the line across the whole interval by at most `reachable` times that;
    /// with the interval left around the jump (`near`, `far`: its ends nearer and farther from x).
    /// With `reciprocal`, the search runs on 1/f, and `height` is in 1/f's units; `curvature` is
    /// taken off the line as in ``lineExcess(output:from:to:slope:reciprocal:curvature:)``. With
    /// `nearest`, the half nearer x is kept wherever it leaves the line by `least` or more and by a
    /// quarter of what the other half does, so the jump found is the nearest one beyond `inner`
    /// (where `slope` is the slope between jumps).
    mutating func edgeBeside(output i: Int, from inner: V, to outer: V, least: Double, reachable: Double,
                             slope: Double, reciprocal: Bool = false, curvature: Double = 0,
                             nearest: Bool = false) -> (height: Double, near: V, far: V)? {
        var (a, b) = (inner, outer)
        func excess(_ p: V, _ q: V) -> Double? {
            lineExcess(output: i, from: p, to: q, slope: slope, reciprocal: reciprocal, curvature: curvature)
        }
        guard let first = excess(a, b), first >= least, first <= reachable * least else { return nil }
        var seen = [first]
        let window = TreadSearch.confirmingHalvings
        while seen.count <= TreadSearch.halvings {
            let mid = (a + b) / 2
            guard mid != a, mid != b, let left = excess(a, mid), let right = excess(mid, b) else { break }
            // The half nearer x unless the other leaves the line twice as far: where the estimate's
            // slope differs from f's beyond the tread, both halves leave it alike, and the jump that
            // matters is the edge of x's tread. (The adaptive method's search on (1 − cos x)/x² at
            // 3.4·10⁻⁴ in Float followed such a slope out to 4·10⁻³, where the treads are 0.004
            // high, and found none.)
            // Searching for the nearest jump, the nearer half is kept where it holds one: it leaves
            // the line by the least jump, and by a quarter of what the other half does (treads of one
            // width put as many edges in two equal halves, give or take one: a half with one edge
            // has at least half the other's; a quarter leaves room for unequal treads and heights),
            // not by the estimate's slope off the treads', which halves with the interval.
            let keepNearer = nearest ? left >= least && 4 * left >= right : 2 * left >= right
            if keepNearer { b = mid; seen.append(left) } else { a = mid; seen.append(right) }
            guard let last = seen.last, last >= least else { return nil }
            if seen.count > window, last >= seen[seen.count - window - 1] / 2 { return (last, a, b) }
        }
        // Halved down to neighbouring floats with f still off the line: a jump between them. Out
        // of halvings instead: undecided, and no jump is claimed.
        guard seen.count <= TreadSearch.halvings, let last = seen.last, last >= least else { return nil }
        return (last, a, b)
    }
}
