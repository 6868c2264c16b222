import AdjointCore
import RealModule

// A closure on real arrays has no tape, so the engine models one evaluation's rounding as a few
// ulps of |f|. An f that computes its value by cancelling intermediates far larger than itself
// rounds on the scale of those intermediates: 1 − cos x at 10⁻⁴ rounds by ε·1 where f is 5·10⁻⁹,
// (x + 10⁸) − 10⁸ + x² is a staircase with treads 1.5·10⁻⁸ wide, sin(1/x) at 0.01 carries the
// rounding of 1/x = 100. Richardson and the adaptive method then trusted differences whose
// rounding the model underrated by 10² to 10⁸, and 17 of their estimates over the audit corpus
// (Tests/Data/fd-audit.tsv) missed the mpmath truth with no warning: (x + 10⁸) − 10⁸ + x² at 0.5
// gave 1.0 ± 1.8·10⁻⁷ for 2, (1 − cos x)/x² at 10⁻⁵ gave −10⁵ ± 1.4·10⁻⁴ for −8.3·10⁻⁷.
//
// Through the tape those methods read the rounding bound ε·Σ|∂f/∂v|·|v| and miss nothing on the
// corpus. Here the same bound is measured instead: Moré and Wild's difference table
// (ComputationalNoise.swift) along the probe's line, and where one evaluation's measured error
// exceeds the model's, the method is run again with it as the caller's bound, as the tape's
// would be.

extension LineProbe where V: Real {
    /// `result` with every output whose measured noise exceeds the value-only model estimated
    /// again against that noise (see the comment at the top of this file).
    ///
    /// Only outputs without a warning are measured: a warned estimate already says it is not to be
    /// trusted, and its samples decide nothing here. 8 evaluations per spacing of the table, at
    /// least two spacings (the kink guard of ``moreWildNoise(_:)``'s caller; an output flat at x
    /// ends after two flat spacings, 16, where one used to end it): 16 to 48 per column
    /// (its points are off the methods' power-of-two lattice, so it shares only f(x) with them).
    /// The estimate run again reuses every sample taken.
    mutating func auditedForNoise(_ result: [DifferenceEstimate], method: DifferenceMethod,
                                  outputs m: Int) -> [DifferenceEstimate] {
        // The adaptive method's first-step agreement is kept as it is, and a tame f keeps its 3
        // evaluations: noise large enough to move D₃ beyond its estimate moves D₂, which weighs
        // f(x) where D₃ does not, by as much again, so the two do not agree to √ε by chance (no
        // such agreement missed on the corpus). Not so where f has no truncation along the line
        // (quadratic) and cancels terms larger than itself: the gap is then rounding alone, and
        // the estimate allows the model flatTolerance times itself instead, or the rounding the
        // samples' digits show (granularRounding), at one evaluation at most.
        let open = result.indices.filter { $0 < m && result[$0].warnings.isEmpty
            && !(method == .adaptive && agreedAtOnce.contains($0)) }
        guard !open.isEmpty else { return result }
        let sweep = noiseTableSeen(outputs: m, open: open, slopes: result.map(\.value))
        let sigma = sweep.tables
        tableReadings = sweep.readings
        noiseUnmeasured = Set(open.filter { (sigma[$0]?.level ?? .max) > 1 })
        let floor = (0..<m).map { i in (sigma[i]?.sigma ?? 0) * MeasuredNoise.bound }
        let noisy = open.filter { i in
            floor[i] > DifferenceTuning.evaluationNoiseULPs * epsilon * sampledMagnitude(output: i)
        }
        guard !noisy.isEmpty else { return result }
        noiseFloor = floor
        let again = methodEstimate(method, step: .automatic, outputs: m)
        var audited = result
        for i in noisy where i < again.count { audited[i] = again[i] }
        return audited
    }

    /// σ of one evaluation of each output in `open`, by Moré–Wild's table at x + k·s, k = `first` …
    /// `first` + 8, with s from ``noiseSteps(epsilon:)`` times the probe's scale and
    /// ``noiseSpacingFactor``, accepted where two spacings in a row (one flat spacing between them
    /// passed over) agree within a factor of 4 (the kink guard of
    /// ``measureNoise(_:at:center:outputs:direction:steps:)``); nil where none do.
    ///
    /// A spacing that reaches past f's domain is skipped, not the output: smaller ones may stay
    /// inside.
    ///
    /// The samples are taken where x + k·s rounds to, and a point off by δ moves f by f′·δ, which
    /// the table would read as f's noise: |f′|·ulp(x) is 10¹⁸ ulps of f for 1/(x − 0.5) at
    /// 0.500000001, and 10² for eˣ at 700. The methods' own samples lie on the grid (their steps
    /// are powers of two), so each sample is moved back by `slopes[i]`·δ first: the table sees
    /// what f adds, as the tape's bound does.
    ///
    /// `first` is where the table starts, in spacings: −4 centres it on x; 1 and −9 keep it to one
    /// side, where a jump at x is not inside it (a step in the table is read as noise of a fifth
    /// of its size at every spacing, since it has no scale to shrink with).
    ///
    /// An output flat (nine equal samples) at two spacings in a row is measured as 0, σ and
    /// spread alike, with the value it held (``TableNoise/flatValue``); nil is kept for a table
    /// that measured nothing.
    mutating func noiseTable(outputs m: Int, open: [Int], slopes: [Double], from first: Int = -4) -> [TableNoise?] {
        noiseTableSeen(outputs: m, open: open, slopes: slopes, from: first).tables
    }

    /// ``noiseTable(outputs:open:slopes:from:)``, per output every column of a table centred on x
    /// (what the wide-tread test reads, WideTreads.swift), and per output the spread (max − min off
    /// its chord) of the finest column the table took, whether or not it measured there: what the
    /// jump test reads as rounding seen on a side whose table measured nothing. A lone sample
    /// standing off the rest refuses a column as a pole, but beside x, one side of a jump, the
    /// spike is f's rounding as plainly as any σ: (x + y)² − x² − 2xy − y² along x₀ at
    /// (486250.98, −792361.73) held one nonzero sample on one side, and its size was the "jump".
    mutating func noiseTableSeen(outputs m: Int, open: [Int], slopes: [Double], from first: Int = -4) -> NoiseTableSweep {
        var finestSpread = [Double](repeating: 0, count: m)
        var readings = [[TableReading]](repeating: [], count: m)
        var sigma = [TableNoise?](repeating: nil, count: m)
        var previous = [Double?](repeating: nil, count: m)
        var open = Set(open)
        var flatBefore = Set<Int>()
        // From noiseSteps' first, 128 apart, down to 16 ulps of x rather than 16ε of the scale:
        // below |x| = 1 the scale stays 1, and in Float 16ε left two spacings, both wider than
        // sin(1/x)'s period at 0.001.
        var relative = noiseSteps(epsilon: epsilon).first ?? 0
        for level in 0..<6 where !open.isEmpty {
            defer { relative /= 128 }
            let s = V(relative * DifferenceTuning.noiseSpacingFactor * scale)
            guard s > 0, s.isFinite, !stepBelowULP(s / 16) else { break }
            let ks = first...(first + 8)
            let rows = ks.map { at(V($0) * s) }
            // δₖ = (where x + k·s landed) − k·s, along the axis (0 along a direction, whose
            // points round per coordinate).
            let offsets: [Double] = ks.map { k in
                guard let j = axis else { return 0 }
                return Double((x[j] + V(k) * s) - x[j]) - Double(k) * Double(s)
            }
            for i in open.sorted() {
                guard rows.allSatisfy({ $0.count == m }) else { open.removeAll(); break }
                let slope = i < slopes.count && slopes[i].isFinite ? slopes[i] : 0
                let column = zip(rows, offsets).map { Double($0[i]) - slope * $1 }
                guard column.allSatisfy(\.isFinite) else { previous[i] = nil; continue }
                let residuals = chordResiduals(column)
                finestSpread[i] = (residuals.max() ?? 0) - (residuals.min() ?? 0)
                // Below f's resolution at two spacings in a row: smaller ones see no more. One
                // such spacing says nothing: rounding that is often exactly 0 is 0 at nine points
                // by chance. 2(x + y) − 2x − 2y along x at (836.04, 742.66) is 0 or ±2.3·10⁻¹³:
                // σ = 1.5·10⁻¹³ at the first spacing, nine 0s on both sides of x at the second,
                // 1.7·10⁻¹³ at the third; with the table ended at the second, its rounding was a
                // "discontinuity". A flat spacing is passed over, not read as a σ of 0.
                // Two flat spacings in a row are a measurement, σ = 0, not a table that said
                // nothing: the jump test tells f constant beside x (a step's flat sides) from a
                // table it could not read, where it must not call a difference a jump.
                if rows.allSatisfy({ $0[i] == rows[0][i] }) {
                    if !flatBefore.insert(i).inserted {
                        open.remove(i)
                        sigma[i] = TableNoise(sigma: 0, spread: 0, flatValue: Double(rows[0][i]), level: level)
                    }
                    continue
                }
                flatBefore.remove(i)
                let measured = tableNoise(column)
                if ks.contains(0) {
                    let sizes = column.map { Swift.abs($0) }.sorted()
                    readings[i].append(TableReading(spacing: Double(s), sigma: measured, largest: sizes[sizes.count - 1],
                                                    median: sizes[sizes.count / 2], smallest: sizes[0]))
                }
                if let measured, let p = previous[i], measured <= 4 * p, p <= 4 * measured {
                    sigma[i] = TableNoise(sigma: Swift.min(measured, p), spread: finestSpread[i], level: level)
                    open.remove(i)
                }
                previous[i] = measured
            }
        }
        return NoiseTableSweep(tables: sigma, finestSpread: finestSpread, readings: readings)
    }
}

/// Moré–Wild's σ of one column of equally spaced samples (``moreWildNoise(_:)``), or nil where one
/// sample stands off the chord through the two end samples by more than
/// ``DifferenceTuning/noiseSpikeRatio`` times any other: a pole inside the table, not noise. For 1/(x − 0.5) at 0.500000001 the centre sample's 10⁹ dominated every
/// spacing that straddled the pole, two spacings "agreed" on a σ of f's own size, and a right
/// −10¹⁸ became a warned guess. Not a spread against |f| as in
/// ``measureNoise(_:at:center:outputs:direction:steps:)``: f near 0 (log(1 + x) at 10⁻¹², x − sin x
/// at 10⁻⁵ in Float, below its own noise) is as noisy as anywhere, and that test refused its
/// table at every spacing. The column is scaled by a power of two first, so samples of 10³⁰⁴
/// (eˣ at 700) do not overflow the squares of their differences.
func tableNoise(_ column: [Double]) -> Double? {
    guard column.count > 1 else { return nil }
    let largest = column.map { Swift.abs($0) }.max() ?? 0
    guard largest > 0, largest.isFinite else { return nil }
    let sorted = chordResiduals(column).map { Swift.abs($0) }.sorted()
    if (sorted.last ?? 0) > DifferenceTuning.noiseSpikeRatio * sorted[sorted.count - 2] { return nil }
    let unit = Double(sign: .plus, exponent: largest.exponent, significand: 1)
    return moreWildNoise(column.map { $0 / unit }).map { $0 * unit }
}

/// Each sample of `column` less the chord through its end samples: what the table's samples do
/// beyond a straight line (empty for fewer than two samples).
func chordResiduals(_ column: [Double]) -> [Double] {
    guard let first = column.first, let last = column.last, column.count > 1 else { return [] }
    let n = Double(column.count - 1)
    return column.enumerated().map { k, y in y - (first + (last - first) * Double(k) / n) }
}

/// What one sweep of the audit's table down its spacings saw
/// (``LineProbe/noiseTableSeen(outputs:open:slopes:from:)``).
struct NoiseTableSweep {
    /// Per output, the noise measured where two spacings in a row agreed (nil: none did).
    var tables: [TableNoise?]
    /// Per output, the spread off its chord of the finest column taken.
    var finestSpread: [Double]
    /// Per output, every column of a table centred on x that was not flat, widest spacing first,
    /// down to the spacing where its noise was accepted.
    var readings: [[TableReading]]
}

/// One column of a noise table centred on x, as the wide-tread test (WideTreads.swift) reads it.
struct TableReading {
    /// The spacing s of the column's samples x + k·s, |k| ≤ 4.
    var spacing: Double
    /// Moré–Wild's σ of this column alone (``tableNoise(_:)``), whether or not the next spacing
    /// agreed with it; nil where it refused the column (a pole) or trusted no order.
    var sigma: Double?
    /// The largest and the median |sample| of the column.
    var largest: Double, median: Double
    /// The smallest |sample|: a root of f inside the column is a pole of 1/f (PoleTreads.swift).
    var smallest = 0.0
}

/// What ``LineProbe/noiseTable(outputs:open:slopes:from:)`` measured of one output.
struct TableNoise {
    /// Moré–Wild's σ of one evaluation (the smaller of the two spacings that agreed).
    var sigma: Double
    /// max − min of the finer agreeing column's samples off their chord: how far apart two
    /// evaluations a spacing apart were seen to round. Rounding that is mostly exactly 0 and
    /// otherwise a whole quantum q has σ = q·√p for a share p of nonzero samples, and 4σ
    /// falls below q once p < 1/16; the spread still shows the quantum. On the finer column, where
    /// curvature adds 128² times less than on the coarser one.
    var spread: Double
    /// The value every sample held where the output was flat at two spacings in a row (σ and
    /// spread 0); nil where it moved. Flat at the table's points only, perhaps: its samples lie
    /// k·s apart, and rounding that follows the low bits of x (2(x + y) − 2x − 2y, 0 or ±one
    /// quantum by the parity of x + y's last bit) is one phase of it at every sample where s is
    /// an even number of ulps.
    var flatValue: Double? = nil
    /// The finer of the two spacings that agreed, counted from the table's first (1: its first
    /// two agreed, so f rounds alike from the widest spacing's reach down).
    var level = 1
}
