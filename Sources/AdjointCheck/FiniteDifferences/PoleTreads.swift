import AdjointCore
import RealModule

// Beside a pole the treads of a rounded intermediate are hidden under f's own curvature. For
// x/(x·x − 4) at x = 2 + δ, fl(x·x) − 4 = 4δ + (δ² rounded to a multiple of q = ulp(4)): 4δ is
// exact, and δ² moves by q only every q/(2δ) in x. So f is smooth on treads 4.5·10⁻⁹ wide at
// δ = 10⁻⁷, each with the slope of x/(4δ + c), missing D′'s 2δ (δ/2 = 5·10⁻⁸ of f′), and jumps by
// f·q/D (0.011, 2·10⁻⁹ of f) between them. Richardson and the adaptive method settle at steps of
// 10⁻¹³ to 10⁻¹⁰, inside one tread, and their samples agree: on a closure they returned
// −49999997720640 ± 896995 (adaptive) for −50000000163657.9 at 2.0000001, and 1/(x·x − 1) at
// 1.0000001 gave −49999994945611 ± 444175 (Richardson) for −49999999941613.2 (exact Fractions at
// the Double x, Tests/Data/singularity-scan.tsv): 14 unwarned misses of 800 on the singularity
// scan, all 10⁻⁷ or closer, where f′ changes by W/δ across a tread of width W and every step above
// the treads reads the pole's curvature, not the slope (the slope ladder's tableau there is off
// by more than the bend, SlopeLadder.swift).
//
// The wide-tread search (WideTreads.swift) looks for the edge of x's tread, but on f itself and
// from the audit's columns' σ, and both read the pole: across 10⁻⁹ the curvature of f moves it
// 10⁴ times the jump (f″·W²/8 against f·q/D), and the columns' σ is f's curvature or refused (at
// 2.0000001 every column but the finest, 5.6·10⁻¹³, which sits inside one tread). On 1/f it is
// not so: 1/f = (x·x − 4)/x is smooth on the scale of x, its treads are the same (1/f jumps where
// f does, by the same fraction of itself: Δ(1/f) = −Δf/(f(a)·f(b)), an identity), and across a
// tread its curvature moves it 10⁻¹⁸ beside a jump of 4·10⁻¹⁶. So the edges are searched for on
// 1/f, from the estimate's step out to half of |f/f′|, where f's tangent would reach 0 (beside a
// simple pole, half the distance to it), and no farther than the audit's widest column; only
// where no column of the audit's table inside that holds a pole of f or of 1/f (its largest
// |sample| within ``TreadSearch/poleRatio`` times the median, the median within as many times its
// smallest), and where 1/f leaves the estimate's line less than f does there, relative to each
// one's size. Beside a double root, where 1/f has the pole, a search on 1/f (tried without the
// smallest |sample| read) found f's rounding at every ulp of x and widened the adaptive method's
// 1.6·10⁻⁸ ± 1.4·10⁻¹⁴ for (x·x − 2)² at 1.4142135633730952 to ± 8.8·10⁻⁹.
//
// 1/f's curvature, read off its samples at the interval's ends on both sides, is taken off the
// line; what is left between jumps is its third-order term. Then:
//   - the estimate's own samples must lie on one tread (1/f within its step leaves that line by
//     less than the least jump): where they straddle jumps, they saw them as noise and their
//     bound answers for it. (In a trial that searched from the estimate's reach out to the widest
//     column free of poles, leaving this out made 3 more estimates of the large-argument scan
//     unwarned but wider than 5% of f′, and one of Float sin(1000x).)
//   - a side is searched only where 1/f leaves the line across it by more than the estimate's
//     bound allows (carried by f′ = −(1/f)′·f²): the staircase follows f on average, so a tread's
//     wrong slope shows as a departure that grows with the interval, and where there is none no
//     tread bends the estimate beyond its bound.
//   - the nearest edge beyond the estimate's step is found by halving
//     (``LineProbe/edgeBeside(output:from:to:least:reachable:slope:reciprocal:curvature:nearest:)``,
//     what does not halve with the interval is a jump), keeping the nearer half wherever it holds
//     a jump. The least jump is the larger of the audit's finest rounding bound times
//     ``PoleTreadSearch/noiseMultiple`` and the departure over ``TreadSearch/reachableExcess``
//     (what the halvings can bring a departure down to).
//
// What found edges bound: on x's tread, between edges at distances d₋ and d₊, f is the real
// function plus an offset that changes smoothly, and the offset at either end is within one jump J
// (the rounding of the intermediate that makes the jump is under its quantum). So the tread's
// slope differs from the slope of f across it by at most 2J/W, W = d₋ + d₊ (the bound leaves out
// how f′ changes along the tread, a fraction W/δ of it). Where an edge is found on one side only,
// the other is taken at the estimate's step. The estimate is widened by 2J/W, and flagged
// ``FDWarning/noConvergence`` where that reaches |f′|, as the wide-tread search does. At
// 2.0000001 the search finds the edges 1.046·10⁻⁹ and 3.42·10⁻⁹ away, with jumps 0.0109 and
// 0.0119 (bisection in Python on fl(x·x) − 4 − 4δ finds them 1.065·10⁻⁹ and 3.43·10⁻⁹ away,
// 0.0111 each), so 2J/W = 5.3·10⁶ where the slope read is 2.44·10⁶ off: the adaptive estimate is
// now −49999997720640 ± 6.2·10⁶.
//
// It runs where the noise audit did not confirm f's rounding at its first two spacings (as the
// slope ladder and the wide-tread search do), so an ordinary f, confirmed there, spends nothing.
// Deciding between f and 1/f and reading the curvature costs the ends of each side's interval
// and of the estimate's step, which the search reuses; the search one evaluation per halving,
// about 12 a side. On the singularity scan (ADJOINT_SINGULARITY_SCAN=1, SingularityScan) the
// unwarned misses on closures went from 10 to 0 (adaptive) and 4 to 0 (Richardson), for 3.2%
// (18690 → 19283) and 1.5% (41954 → 42565) more evaluations, no estimate newly wider than 5% of
// f′, and none of the ordinary functions' 2947 and 7612 evaluations more; the tape rows do not
// run it. On 680 other points 10⁻⁹ to 10⁻⁵ from the poles of ten rational functions (among them
// (x + 1)/(x·x − 9), 1/(x·x − 1)², 1/(x·x − 0.25) and 1/(x·x − 4) + x; two seeded sets, not in
// the repository), from 41 to 0 (adaptive) and 47 to 1 (Richardson: 1.4 times its bound off,
// 2.3·10⁻⁶ from the double pole, where treads q/(2δ) would be 2.4·10⁻¹¹ wide, far inside the
// steps: not this search's case, and missed before), for 7.7% and 4.3% more evaluations. The
// Float staircase scan spends 0.3% more evaluations (41163 → 41296), the large-argument scan 2.0%
// (adaptive, 9713 → 9906) and 0.1% (Richardson); none of their tallies changed.

/// The constants of the search for a tread's edge beside a pole (``LineProbe/widenedOverPoleTreads(_:output:outputs:)``).
enum PoleTreadSearch {
    /// A jump counts from this many times the rounding bound (``MeasuredNoise/bound`` σ) the
    /// audit's finest column measured: rounding at neighbouring floats does not halve with the
    /// interval either, and the jumps this search is for are 10⁴ times that or more (2.3·10⁴ at
    /// 2.0000001). A heuristic, as ``DifferenceTuning/flatTolerance`` is.
    static let noiseMultiple = DifferenceTuning.flatTolerance
}

extension LineProbe where V: Real {
    /// `e` (output i) widened by the slope error 2J/W of a rounding tread beside a pole, once an
    /// edge of x's tread is found on 1/f (see the comment at the top of this file), and flagged
    /// ``FDWarning/noConvergence`` where that reaches |e|'s value. Reads the last noise audit's
    /// columns (``tableReadings``); evaluates nothing where no column is free of poles of f and
    /// 1/f, and only the ends of the interval where f, not 1/f, is the nearer to a line.
    mutating func widenedOverPoleTreads(_ e: DifferenceEstimate, output i: Int, outputs m: Int) -> DifferenceEstimate {
        guard e.warnings.isEmpty, e.value.isFinite, e.errorEstimate.isFinite, e.reach > 0, e.step > 0, i < tableReadings.count,
              let c = center, i < c.count else { return e }
        let f0 = Double(c[i])
        guard f0 != 0, f0.isFinite else { return e }
        let readings = tableReadings[i]
        // From the estimate's own step, not its reach: Richardson's reach is its tableau's first
        // step, and the entry it settled on rests on the smallest; at 2.000000209237315 an edge
        // lay 4.4·10⁻¹⁰ away, inside a reach of 4.7·10⁻¹⁰, and the settled value (step 5.8·10⁻¹¹)
        // was still that tread's slope, 12 times its bound off.
        // Out to half the distance at which f's tangent reaches 0, |f/f′|/2: beside a simple pole
        // that is half the distance to it (to 1/f's root), where 1/f is close to its line, and a
        // root of f (a pole of 1/f) nearer than that needs f's curvature to bring it. A column
        // spaced 1.26 stepped over the root of x·sin x 0.95 from x ≈ 2·10⁶ (|f/f′| = 1.4), and a
        // search out to the column's reach took the pole of 1/f there for a jump. Not out to the
        // widest column free of poles: the audit's spacings are 128 apart, and beside
        // 1/(x·x − 0.25) at 0.5000000239335725 the one that held none reached 1.4·10⁻¹⁰, inside
        // the first tread (1.15·10⁻⁹ wide).
        // And no farther than the audit's table reached (its widest column, 4·φ·2⁻²⁰ of the scale):
        // ordinary f, whose |f/f′| is of the order of the scale, spent evaluations on searches
        // across it.
        guard let widest = readings.first?.spacing else { return e }
        let (inner, outer) = (Swift.min(e.step, e.reach), Swift.min(Swift.abs(f0 / e.value) / 2, 4 * widest))
        // No column within that reach may hold a pole of f or of 1/f (a root of f): its largest
        // |sample| within ``TreadSearch/poleRatio`` times the median, the median within as many
        // times the smallest.
        let polesWithin = readings.contains { r in
            4 * r.spacing <= outer && !(r.largest <= TreadSearch.poleRatio * r.median && r.median <= TreadSearch.poleRatio * r.smallest)
        }
        guard !polesWithin, outer.isFinite, outer > 2 * inner else { return e }
        let reciprocalSlope = -e.value / (f0 * f0)
        // f or 1/f, whichever leaves the line less across the interval relative to its size: a
        // jump is the same fraction of either.
        for side in [1.0, -1.0] {
            let (a, b) = (V(side * inner), V(side * outer))
            guard let onF = lineExcess(output: i, from: a, to: b, slope: e.value),
                  let onReciprocal = lineExcess(output: i, from: a, to: b, slope: reciprocalSlope, reciprocal: true),
                  onReciprocal * Swift.abs(f0) < onF / Swift.abs(f0) else { return e }
        }
        // 1/f's curvature, from its samples at ±outer (taken above): the jumps on the two sides
        // cancel there but for one, J/outer² beside it. It is taken off every excess the search
        // reads, so that what is left across a tread is 1/f's third-order term.
        func landed(_ t: Double) -> Double { axis.map { Double((x[$0] + V(t)) - x[$0]) } ?? t }
        let (up, down) = (at(V(outer)), at(V(-outer)))
        guard i < up.count, i < down.count, up[i] != 0, down[i] != 0 else { return e }
        let (above, below) = (landed(outer), landed(-outer))
        let curvature = (1 / Double(up[i]) + 1 / Double(down[i]) - 2 / f0 - reciprocalSlope * (above + below))
            / ((above * above + below * below) / 2)
        guard curvature.isFinite else { return e }
        let rounding = (readings.last?.sigma).map { MeasuredNoise.bound * $0 }
            ?? DifferenceTuning.evaluationNoiseULPs * epsilon * Swift.abs(f0)
        // The estimate's own samples must lie on x's tread: where f jumps within its reach, its
        // samples saw the jumps as noise, and its bound answers for them (rounding at every ulp
        // of a large intermediate, sin(x)·y + x·y at 10⁸, is no tread).
        let leastOfNoise = PoleTreadSearch.noiseMultiple * rounding / (f0 * f0)
        guard let within = lineExcess(output: i, from: V(-inner), to: V(inner), slope: reciprocalSlope, reciprocal: true,
                                      curvature: curvature), within < leastOfNoise else { return e }
        var edges: [(height: Double, distance: Double)] = []
        for side in [1.0, -1.0] {
            guard let departure = lineExcess(output: i, from: V(side * inner), to: V(side * outer), slope: reciprocalSlope,
                                             reciprocal: true, curvature: curvature) else { continue }
            // Where 1/f stays on the estimate's line across the interval to within half what the
            // estimate's bound allows (carried to f's units by f′ = −(1/f)′·f²), no tread beside x
            // bends it as far as its bound: the staircase follows f on average, and a tread's bend
            // shows as a departure that grows with the interval. Half, not all: the treads'
            // sawtooth moves the interval's end by up to a jump either way, and beside
            // 1/(x·x − 1)² at 0.9999999639723746 1/f departed by 0.94 of the bound's allowance,
            // the estimate 1.01 times its bound off.
            guard 2 * departure * f0 * f0 > e.errorEstimate * (outer - inner) else { continue }
            // The least jump the search can confirm from there (the departure halves with each
            // halving until the jump stands out), and not f's rounding at neighbouring floats.
            let least = Swift.max(leastOfNoise, departure / TreadSearch.reachableExcess)
            guard let found = edgeBeside(output: i, from: V(side * inner), to: V(side * outer), least: least,
                                         reachable: TreadSearch.reachableExcess, slope: reciprocalSlope,
                                         reciprocal: true, curvature: curvature, nearest: true) else { continue }
            let (fa, fb) = (at(found.near), at(found.far))
            guard i < fa.count, i < fb.count else { continue }
            // Back to f's units: Δf = −Δ(1/f)·f(a)·f(b).
            let scale = Swift.max(Swift.abs(Double(fa[i])), Swift.abs(Double(fb[i])))
            edges.append((found.height * scale * scale, Swift.abs(Double(found.near))))
        }
        guard let jump = edges.map(\.height).max() else { return e }
        let width = edges.count == 2 ? edges[0].distance + edges[1].distance : (edges.first?.distance ?? 0) + inner
        guard width > 0 else { return e }
        let slope = 2 * jump / width
        var out = e
        out.errorEstimate = e.errorEstimate + slope
        if slope >= Swift.abs(e.value) { out.warnings = [.noConvergence] }
        return out
    }
}
