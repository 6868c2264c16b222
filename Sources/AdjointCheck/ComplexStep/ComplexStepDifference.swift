import AdjointCore
import ComplexModule
import RealModule

/// Complex step along v: Im f(x + ih·v)/h. Nothing cancels, so rounding is a few ε of |D|, plus
/// the quantum of subnormal imaginary parts, which a seed near the underflow threshold meets.
///
/// The truncation h²f‴/6 is measured from a second step 2h (|D(h) − D(2h)|/3), and a visible
/// truncation is cut by a smaller step. `fine` is the evaluation at h when the caller made it
/// (``complexStepColumns`` does, and counts it here). An a-priori bound from the scale of x
/// alone failed: tan(x) 6e-17 from its pole came out 5e-8 wrong while claiming 1e-15.
///
/// A second, wider step is tried when an imaginary part underflowed, came out exactly 0 or the
/// estimate is not finite, and the relative step is below the step at scale 1: near x = 0 a step proportional to
/// |x| is right for log or √ but makes every imaginary part of x·x or cos x underflow (issue 14:
/// `x*x` at 1e-300 gave 0). Per output, the wider step is taken only when its estimate is smaller
/// and the two results agree within their estimates, since a step far beyond |x| can be
/// consistently wrong (log at 1e-200). An entry that overflowed at a step relative to a large |x|
/// is retried at the step at scale 1 (sin at 1e25: h ≈ 1e5 made sinh h infinite).
func complexStepDirectional<V: ADScalar & BinaryFloatingPoint & Real>(
    _ f: some ADFunction, at x: [V], direction v: [V], outputs m: Int, step: StepSize,
    fine: ([Complex<V>], EvaluationDiagnostics)? = nil
) -> ([DifferenceEstimate], Int, ADError?) {
    let h = complexStep(step, at: x, direction: v, as: V.self)
    var automatic = false
    if case .automatic = step { automatic = true }
    var (estimates, unsupported, evaluations) = complexStepEstimates(f, at: x, direction: v, outputs: m, step: h, fine: fine)
    // A truncation the second step made visible is cut by a smaller step (nothing cancels in a
    // complex step, so shrinking costs no digits until the imaginary parts underflow, which the
    // estimates flag). Near tan's pole, 6e-17 away, h = 1.6e-20 is 7e-8 wrong and h/64 is exact.
    // Only clean nonzero entries count: a zero's estimate is the underflow quantum, which a
    // smaller step makes larger, not smaller.
    //
    // A smaller step must also land inside the larger one's estimate, as it does when the
    // truncation is h²f‴/6. Where it does not, the larger step was outside that range
    // (x^1e30 at 1: h = 1e-20 turns the phase 1e30·h = 1e10 radians, Im/h is noise of size 1/h,
    // and the pair's gap understated the error 10¹⁰-fold): the smaller step is kept unconfirmed
    // and shrinking goes on. An entry never confirmed says so (noConvergence), with no bound.
    let eps = Double(V.ulpOfOne)
    var current = h
    var confirmed = [Bool](repeating: false, count: estimates.count)
    var unconfirmed = [Bool](repeating: false, count: estimates.count)
    for _ in 0..<DifferenceTuning.complexStepShrinkRounds where automatic && unsupported == nil {
        let visible = estimates.filter { $0.warnings.isEmpty && $0.value != 0 && $0.value.isFinite }
            .map { $0.errorEstimate / (DifferenceTuning.evaluationNoiseULPs * eps * Swift.abs($0.value)) }.max() ?? 0
        let unsettled = estimates.indices.contains { unconfirmed[$0] && estimates[$0].warnings.isEmpty }
        guard (visible > DifferenceTuning.complexStepVisibleTruncation || unsettled), visible.isFinite else { break }
        // (h/4)/√visible brings a truncation of `visible` times rounding down to about 1/16 of it;
        // an unconfirmed step is cut by the most.
        let cut = visible > DifferenceTuning.complexStepVisibleTruncation ? (1 / visible).squareRoot() / 4 : 0
        let shrink = Swift.min(0.25, Swift.max(DifferenceTuning.complexStepLargestShrink, cut)).nearestPowerOfTwo
        let next = Double(V(current * shrink))
        guard next > 0 else { break }
        current = next
        let (small, _, extra) = complexStepEstimates(f, at: x, direction: v, outputs: m, step: current)
        evaluations += extra
        for i in estimates.indices where small[i].warnings.isEmpty {
            let a = estimates[i], b = small[i]
            // A smaller step confirms a larger one by landing inside its estimate, if that
            // estimate says something (below the value's own size; an exact zero matched counts).
            let meaningful = a.errorEstimate < Swift.abs(a.value) || a.value == 0
            if Swift.abs(a.value - b.value) <= 2 * a.errorEstimate && meaningful {
                if b.errorEstimate < a.errorEstimate { estimates[i] = b }
                confirmed[i] = true
                unconfirmed[i] = false
            } else if !confirmed[i] && a.warnings.isEmpty {
                // The larger step was out of range: the smaller one stands until confirmed.
                estimates[i] = b
                unconfirmed[i] = true
            }
        }
    }
    for i in estimates.indices where unconfirmed[i] {
        // No two steps agreed, so no bound is known: the gap between the last two would be one
        // only if one of them were right.
        estimates[i].errorEstimate = .infinity
        if !estimates[i].warnings.contains(.noConvergence) { estimates[i].warnings = (estimates[i].warnings + [.noConvergence]).sorted() }
    }
    let unit = complexStep(step, at: x.map { _ in V(1) }, direction: v, as: V.self)
    if automatic, unit > h, unsupported == nil,
       estimates.contains(where: { $0.warnings.contains(.underflow) || !$0.value.isFinite || $0.value == 0 }) {
        let (wide, _, extra) = complexStepEstimates(f, at: x, direction: v, outputs: m, step: unit)
        evaluations += extra
        // Not for an entry no two steps confirmed: its infinite estimate would take any value.
        for i in estimates.indices where !unconfirmed[i] && (wide[i].warnings.isEmpty || wide[i].warnings == [.underflow]) {
            let a = estimates[i], b = wide[i]
            let consistent = Swift.abs(a.value - b.value) <= a.errorEstimate + b.errorEstimate
            if !a.value.isFinite || (consistent && b.errorEstimate < a.errorEstimate) { estimates[i] = b }
        }
    }
    // A step relative to a very large |x| is beyond f's features at scale 1 (sin's period, tan's
    // poles), where f(x + ih) can saturate (tan → i) and look linear at h, 2h and 1024h alike
    // (``DifferenceTuning/complexStepLargeScale``). The step at scale 1 must agree with it. Where
    // it does not, neither is known right, and the entry says so: a saturated f at the relative
    // step and an imaginary part that underflowed inside f at the step at scale 1 (10³⁰⁰/x at
    // 10²³⁵: Im 1/(x + ih) = −h/x² = −10⁻⁴⁹⁰ is 0, and every smaller step agrees on the rest) both
    // look like a plateau of one value over many steps, and no flag tells them apart. An entry
    // whose step at scale 1 flagged its own underflow keeps the relative step (log at 10³⁰⁰).
    if automatic, unsupported == nil, h >= unit * DifferenceTuning.complexStepLargeScale {
        let (narrow, _, extra) = complexStepEstimates(f, at: x, direction: v, outputs: m, step: unit)
        evaluations += extra
        for i in estimates.indices where i < narrow.count && narrow[i].warnings.isEmpty {
            let a = estimates[i], b = narrow[i]
            if Swift.abs(a.value - b.value) <= a.errorEstimate + b.errorEstimate {
                if b.errorEstimate < a.errorEstimate { estimates[i] = b }
                continue
            }
            estimates[i].errorEstimate = .infinity
            if !estimates[i].warnings.contains(.noConvergence) { estimates[i].warnings = (estimates[i].warnings + [.noConvergence]).sorted() }
        }
    }
    // The mirror case: a step relative to a large |x| can overflow where f does not. At x = 1e25,
    // h ≈ 1e5 and Im sin(x + ih) = cos x·sinh h is ∞; sin and exp do not scale with |x| as log and
    // √ do. An entry that came out non-finite is retried at the step at scale 1 (cos x to the last
    // digit there); one still non-finite (exp(x)·x at 1e3, which overflows for real) stays so.
    if automatic, unit < h, unsupported == nil, estimates.contains(where: { !$0.value.isFinite }) {
        let (narrow, _, extra) = complexStepEstimates(f, at: x, direction: v, outputs: m, step: unit)
        evaluations += extra
        for i in estimates.indices where !estimates[i].value.isFinite && narrow[i].value.isFinite {
            estimates[i] = narrow[i]
        }
    }
    for i in estimates.indices { estimates[i].evaluations = evaluations }
    return (estimates, evaluations, unsupported)
}

/// f(x + ih·v) and what went wrong evaluating it.
func complexStepEvaluation<V: ADScalar & BinaryFloatingPoint & Real>(
    _ f: some ADFunction, at x: [V], direction v: [V], step h: Double
) -> ([Complex<V>], EvaluationDiagnostics) {
    Instrumentation.countEvaluation()
    return Diagnostics.collect {
        f(zip(x, v).map { Complex<V>($0, V(h) * $1) })
    }
}

/// Every column of the Jacobian by the complex step in n + 1 evaluations where it can vouch for
/// itself: one step h per input, and one check along a direction that moves every input at once,
/// each by 1024 times its own step with a fixed pseudo-random weight c_j.
///
/// Why the check: one step cannot measure its own truncation h²f‴/6, and no tripwire read off a
/// single step and f(x) is safe (a pole model r = |f/f′| is fooled by adding a constant: tan x +
/// 1e30 at 6e-17 from the pole passed it 10⁸ wrong, found in review). Along the combined direction
/// Im f(x + i·c) = Σⱼ cⱼ·∂ⱼf − f‴[c, c, c]/6 + …, so it agrees with Σⱼ cⱼ·Dⱼ to rounding only when
/// the truncation at 1024 times the steps is below rounding: then at the steps themselves it is
/// 1024² = 10⁶ times smaller. Each entry's estimate carries that bound, divided among the columns
/// as if their truncations did not cancel in the sum (the weights are irregular so that they do
/// not by accident). Where the check fails, every column is measured with a second step
/// (``complexStepDirectional``), reusing its first evaluation. For one input this is the
/// two-step method with steps h and 1024h.
///
/// f(x) itself is not evaluated: the value reported is Re f(x + ih·e₀), which differs from it by
/// h²|f″|/2, below rounding wherever the check passes.
func complexStepColumns<V: ADScalar & BinaryFloatingPoint & Real>(
    _ f: some ADFunction, at x: [V], step: StepSize
) -> (columns: [[DifferenceEstimate]], evaluations: Int, unsupported: ADError?, value: [V]) {
    let n = x.count
    let eps = Double(V.ulpOfOne)
    let leastNormal = Double(V.leastNormalMagnitude)
    let directions = (0..<n).map { j in x.indices.map { $0 == j ? V(1) : V(0) } }
    let steps = directions.map { complexStep(step, at: x, direction: $0, as: V.self) }
    let fine = (0..<n).map { complexStepEvaluation(f, at: x, direction: directions[$0], step: steps[$0]) }
    // The number of outputs and the value come from the first column's evaluation.
    let m = fine.first?.0.count ?? 0
    let value = fine.first.map { $0.0.map { $0.real } } ?? []
    // The check's direction: weights of magnitude 1…2 and mixed signs from a fixed low-discrepancy
    // sequence, so the run is reproducible.
    let weights = (0..<n).map { j -> Double in
        let u = (Double(j) * 0.6180339887498949).truncatingRemainder(dividingBy: 1)
        return (j % 3 == 1 ? -1 : 1) * (1 + u)
    }
    let c = (0..<n).map { Double(V(DifferenceTuning.complexStepCheckRatio * steps[$0] * weights[$0])) }
    Instrumentation.countEvaluation()
    let check = Diagnostics.collect { f((0..<n).map { Complex<V>(x[$0], V(c[$0])) }) }
    var single: [[DifferenceEstimate]]? = []
    for j in 0..<n {
        let (values, diag) = fine[j]
        let seedNormal = Double(V(steps[j])) >= leastNormal
        // A column that converted its perturbed value to Double cannot vouch for itself (the
        // combined check loses the same part): its per-column estimate says why it is refused.
        guard diag.errors.isEmpty, diag.escapes == 0, values.count >= m, seedNormal else { single = nil; break }
        var column: [DifferenceEstimate] = []
        // An exact 0 hides any derivative below leastNormal/h: accepted where the step is not far
        // below the step at scale 1, else the wider step of complexStepDirectional must look (x·x
        // at 1e-200 gives Im = 0 at h = 1e-220 and 2e-220 at h = 1e-20).
        let unit = complexStep(step, at: x.map { _ in V(1) }, direction: directions[j], as: V.self)
        let zeroIsExact = steps[j] >= unit * DifferenceTuning.complexStepExactZeroRange
        for i in 0..<m {
            let im = Double(values[i].imaginary), d = im / steps[j]
            guard values[i].isFinite, d.isFinite, (im == 0 && zeroIsExact) || Swift.abs(im) >= leastNormal else { single = nil; break }
            column.append(DifferenceEstimate(value: d, errorEstimate: 0, step: steps[j], warnings: [], evaluations: 1))
        }
        guard single != nil else { break }
        single?.append(column)
    }
    if var columns = single, check.1.errors.isEmpty, check.0.count >= m {
        var passed = true
        var bounds = [Double](repeating: 0, count: m)
        for i in 0..<m {
            let im = Double(check.0[i].imaginary)
            var sum = 0.0, size = 0.0
            for j in 0..<n {
                sum += c[j] * columns[j][i].value
                size += Swift.abs(c[j] * columns[j][i].value)
            }
            let tolerance = DifferenceTuning.complexStepCheckULPs * eps * (size + Swift.abs(im))
                + DifferenceTuning.complexStepCheckULPs * Double(V.leastNonzeroMagnitude)
            let gap = Swift.abs(im - sum)
            guard check.0[i].isFinite, gap.isFinite, gap <= tolerance else { passed = false; break }
            bounds[i] = gap + tolerance
        }
        if passed {
            let shrink = 1 / (DifferenceTuning.complexStepCheckRatio * DifferenceTuning.complexStepCheckRatio)
            for j in 0..<n {
                for i in 0..<m {
                    let d = columns[j][i].value
                    let truncation = 4 * bounds[i] / Swift.abs(c[j]) * shrink
                    var err = truncation + DifferenceTuning.evaluationNoiseULPs * eps * Swift.abs(d)
                    if d == 0 { err = Swift.max(err, leastNormal / steps[j]) }
                    columns[j][i].errorEstimate = err
                }
            }
            // The shared bound is the row's rounding: an entry far below its row (∂r/∂x₂ = 10⁻¹⁰
            // of √(x₀² + x₁² + x₂²) at (10⁴, 10⁻³, 10⁻⁶)) got a bound twice itself, though nothing
            // cancels in a complex step and the column had it to the last digit; a check cannot
            // tell such an entry from its negative. Such a column measures its own truncation
            // with a second step, as where the check fails, and an entry takes that estimate
            // where it is smaller and consistent with the shared one. Wherever the shared bound
            // exceeds √ε of an entry, not only where it reaches a quarter of it: ∂/∂x₀ = 7.9·10⁻¹⁰
            // of the radius at (2.1·10⁻⁴, −2.6·10⁵, −5.8·10⁻⁵) had ± 4.7·10⁻¹¹ (6%), and a claim
            // 0.1% off agreed (the library sweep).
            var evaluations = n + 1
            // A column whose step is far beyond the step at scale 1 passed a check at 1024 times
            // that step, where a saturated f passes too: its own measure, which looks at scale 1,
            // decides it (``DifferenceTuning/complexStepLargeScale``).
            let large = (0..<n).map { j in
                if case .automatic = step {
                    return steps[j] >= DifferenceTuning.complexStepLargeScale
                        * complexStep(step, at: x.map { _ in V(1) }, direction: directions[j], as: V.self)
                }
                return false
            }
            for j in 0..<n where large[j] || columns[j].contains(where: { $0.value != 0 && $0.errorEstimate > eps.squareRoot() * Swift.abs($0.value) }) {
                let (own, evals, _) = complexStepDirectional(f, at: x, direction: directions[j], outputs: m, step: step, fine: fine[j])
                evaluations += evals - 1
                for i in 0..<m {
                    columns[j][i].evaluations = evals
                    guard i < own.count else { continue }
                    let a = columns[j][i], b = own[i]
                    if large[j] && (b.warnings.isEmpty || b.warnings == [.noConvergence]) {
                        columns[j][i] = b
                        continue
                    }
                    guard b.warnings.isEmpty else { continue }
                    if b.errorEstimate < a.errorEstimate && Swift.abs(a.value - b.value) <= a.errorEstimate + b.errorEstimate {
                        columns[j][i] = b
                    }
                }
            }
            return (columns, evaluations, nil, value)
        }
    }
    // The check failed or a column could not vouch for itself: measure every column's truncation.
    var columns: [[DifferenceEstimate]] = []
    var evaluations = 1
    var unsupported: ADError? = nil
    for j in 0..<n {
        let (col, evals, unsup) = complexStepDirectional(f, at: x, direction: directions[j], outputs: m, step: step, fine: fine[j])
        columns.append(col)
        evaluations += evals
        unsupported = unsupported ?? unsup
    }
    return (columns, evaluations, unsupported, value)
}

/// The complex step's estimates along each direction in `directions` (`columns[j]`, one estimate
/// per output) with ``derivativeRoundingBound(of:at:direction:)`` added to each error estimate,
/// and the recordings that cost (f on a tape of duals carrying up to 8 directions at once; in
/// Double and Float) counted: in the total returned, and in the first column each one served.
///
/// The complex step differentiates f as the floats compute it: its own estimate covers the step
/// and the imaginary part's rounding, and cannot see how far rounding inside f moved that
/// derivative from f′. (eˣ − 1)/x at 10⁻⁹ gave −81.74 ± 4e-14 for 0.5, every step agreeing; the
/// audit corpus had 48 such confident misses. f's tape of duals bounds that offset.
///
/// The estimates are returned as they were where f cannot be recorded on a tape of duals (a
/// domain error, a vector primitive without a JVP), and when the recordings and sweeps (one
/// sweep per output and recording) would visit more than ``tapeRoundingVisits`` tape entries
/// times lanes: then, as before, the estimate is of the derivative of f as computed.
///
/// A bound that is not finite is not such a case: the tape was read, and the offset it bounds
/// overflowed (a second-order adjoint past Double's range). The estimate is then infinite and
/// warned ``FDWarning/estimateTooLarge``: (eˣ − 1)/x at 10⁻²⁰⁰ rounds eˣ to 1, its computed
/// derivative is 1/x = 10²⁰⁰ where f′ = 1/2, and the complex step said 10²⁰⁰ with an estimate of
/// ulps of that, the bound of ε/x² = 10³⁸⁴ having been dropped as not finite. Where an imaginary
/// part may be lost inside a user primitive's primal (``complexStepUnderflowsInsideOpaquePrimal(_:step:arguments:)``)
/// the estimate is infinite too, warned ``FDWarning/underflow``, as the check names it.
func addingDerivativeRounding<V: ADScalar & BinaryFloatingPoint>(
    to columns: [[DifferenceEstimate]], of f: some ADFunction, at x: [V], directions: [[V]]
) -> (columns: [[DifferenceEstimate]], recordings: Int) {
    // Each column's smallest step: the one whose imaginary parts come nearest to underflowing.
    let steps = columns.map { $0.map(\.step).filter { $0 > 0 }.min() ?? 0 }
    // An imaginary part possibly lost inside a user primitive's primal comes back as −∞, to be
    // named an underflow: as +∞ it was "estimate-too-large", which sent the reader to f's rounding.
    let bounds = derivativeRoundingBounds(of: f, at: x, directions: directions, imaginarySteps: steps, lostInsidePrimal: -.infinity)
    var columns = columns
    for j in columns.indices where j < bounds.bounds.count {
        if let b = bounds.bounds[j], b.count == columns[j].count {
            for i in columns[j].indices {
                if b[i].isFinite {
                    columns[j][i].errorEstimate += b[i]
                } else if columns[j][i].value.isFinite {
                    columns[j][i].errorEstimate = .infinity
                    let why: FDWarning = b[i] == -.infinity ? .underflow : .estimateTooLarge
                    if !columns[j][i].warnings.contains(why) {
                        columns[j][i].warnings = (columns[j][i].warnings + [why]).sorted()
                    }
                }
            }
        }
        if j % bounds.width == 0 && j / bounds.width < bounds.recordings {
            for i in columns[j].indices { columns[j][i].evaluations += 1 }
        }
    }
    return (columns, bounds.recordings)
}

/// ``derivativeRoundingBound(of:at:direction:)`` along each of `directions`: per direction, the
/// bound per output (nil where f could not be recorded, or past ``tapeRoundingVisits``),
/// the recordings of f made and the directions each carried (`width`: 8 in Double and Float, whose
/// SIMD lanes need a concrete scalar; 1 for any other scalar or a single direction).
///
/// Inlinable so that f is recorded where its type is known: through the generic call, a jac
/// formula's recording on 8-lane duals looked up type metadata at every op, and the bound cost
/// 8 times the rest of a 2,000-point `--points` run.
///
/// `seedsRound`, `firstOrderFailure`: see ``derivativeRoundingBounds(recording:leavesRound:imaginarySteps:seedsRound:firstOrderFailure:)``.
///
/// `imaginarySteps` (one per direction, 0 for none): the complex step's h along each, whose
/// estimate also needs what imaginary parts that leave V's normal range lose
/// (see ``derivativeRoundingBounds(recording:leavesRound:imaginarySteps:)``).
@inlinable package func derivativeRoundingBounds<V: ADScalar & BinaryFloatingPoint>(
    of f: some ADFunction, at x: [V], directions: [[V]], imaginarySteps: [Double]? = nil, seedsRound: Bool = true,
    firstOrderFailure: Double = .infinity, lostInsidePrimal: Double = .infinity
) -> (bounds: [[Double]?], recordings: Int, width: Int) {
    if directions.count > 1, let xd = x as? [Double], let vd = directions as? [[Double]] {
        let b = derivativeRoundingColumns(of: f, at: xd, directions: vd, lanes: SIMD8<Double>.self, imaginarySteps: imaginarySteps, seedsRound: seedsRound,
                                          firstOrderFailure: firstOrderFailure, lostInsidePrimal: lostInsidePrimal)
        return (b.bounds, b.recordings, 8)
    }
    if directions.count > 1, let xf = x as? [Float], let vf = directions as? [[Float]] {
        let b = derivativeRoundingColumns(of: f, at: xf, directions: vf, lanes: SIMD8<Float>.self, imaginarySteps: imaginarySteps, seedsRound: seedsRound,
                                          firstOrderFailure: firstOrderFailure, lostInsidePrimal: lostInsidePrimal)
        return (b.bounds, b.recordings, 8)
    }
    let b = derivativeRoundingColumns(of: f, at: x, directions: directions, lanes: V.self, imaginarySteps: imaginarySteps, seedsRound: seedsRound,
                                      firstOrderFailure: firstOrderFailure, lostInsidePrimal: lostInsidePrimal)
    return (b.bounds, b.recordings, 1)
}

/// Per direction, the bound per output (nil where it could not be had), from recordings of f on
/// a tape of duals with `T.laneCount` directions each, and how many recordings were made.
@inlinable func derivativeRoundingColumns<V: ADScalar & BinaryFloatingPoint, T: TangentVector>(
    of f: some ADFunction, at x: [V], directions: [[V]], lanes: T.Type, imaginarySteps: [Double]? = nil, seedsRound: Bool = true,
    firstOrderFailure: Double = .infinity, lostInsidePrimal: Double = .infinity
) -> (bounds: [[Double]?], recordings: Int) where T.Scalar == V {
    var bounds = [[Double]?](repeating: nil, count: directions.count)
    var recordings = 0
    for start in stride(from: 0, to: directions.count, by: T.laneCount) {
        let chunk = start..<Swift.min(start + T.laneCount, directions.count)
        let seeded = x.indices.map { k in
            var t = T.zero
            for (lane, j) in chunk.enumerated() where k < directions[j].count { t[lane: lane] = directions[j][k] }
            return Dual<V, T>(x[k], tangent: t)
        }
        let (recording, _) = Diagnostics.collect { try? record({ (z: [Reverse<Dual<V, T>>]) in f(z) }, at: seeded) }
        recordings += 1
        guard let recording else { continue }
        if start == 0 {
            let visits = (directions.count * (recording.outputs.count + 1)).multipliedReportingOverflow(by: recording.tape.count)
            guard !visits.overflow, visits.partialValue <= tapeRoundingVisits else { return (bounds, recordings) }
        }
        let steps = imaginarySteps.map { h in chunk.map { $0 < h.count ? h[$0] : 0 } }
        let perOutput = derivativeRoundingBounds(recording: recording, leavesRound: false, imaginarySteps: steps, seedsRound: seedsRound,
                                                 firstOrderFailure: firstOrderFailure, lostInsidePrimal: lostInsidePrimal)
        for (lane, j) in chunk.enumerated() { bounds[j] = perOutput.map { lane < $0.count ? $0[lane] : .infinity } }
    }
    return (bounds, recordings)
}

/// Im f(x + ih·v)/h and its error estimate at one step h from two evaluations (h and 2h); `fine`
/// is the evaluation at h when it was made already (it then costs one more).
func complexStepEstimates<V: ADScalar & BinaryFloatingPoint & Real>(
    _ f: some ADFunction, at x: [V], direction v: [V], outputs m: Int, step h: Double,
    fine evaluated: ([Complex<V>], EvaluationDiagnostics)? = nil
) -> ([DifferenceEstimate], ADError?, Int) {
    let (fine, diag) = evaluated ?? complexStepEvaluation(f, at: x, direction: v, step: h)
    let (coarse, _) = complexStepEvaluation(f, at: x, direction: v, step: 2 * h)
    let unsupported = diag.errors.first { if case .unsupported = $0 { return true } else { return false } }
    let eps = Double(V.ulpOfOne)
    let leastNormal = Double(V.leastNormalMagnitude)
    // A seed below the normal range may have lost digits before f even started.
    let seedUnderflows = v.contains { vj in vj != 0 && Swift.abs(Double(V(h) * vj)) < leastNormal }
    let est = (0..<m).map { i -> DifferenceEstimate in
        guard i < fine.count, i < coarse.count else {
            return DifferenceEstimate(value: .nan, errorEstimate: .infinity, step: h, warnings: [.nonFinite])
        }
        let im = Double(fine[i].imaginary)
        let d = im / h
        var warn: [FDWarning] = []
        if unsupported != nil { warn.append(.unsupportedOp) }
        // f converted a perturbed value to Double (a user primitive's primal computed on
        // Doubles, libm's erf say): the imaginary part through it is dropped, and erf(x)²·y gave
        // ∂/∂x = 0 ± 5e-20 where it is 1.67. Refused, as AD's own escape makes the check refuse it.
        if diag.escapes > 0 { warn.append(.notIndependent) }
        if !fine[i].isFinite || !d.isFinite { warn.append(.nonFinite) }
        // An imaginary part below V's least normal magnitude keeps only an absolute quantum of
        // leastNonzero: divided by h, that is the derivative's absolute rounding error. Each of
        // the operations that produced it may have rounded to that quantum, hence the factor.
        let quantum = Double(V.leastNonzeroMagnitude) / h
        // |D(h) − D(2h)|/3 is h²|f‴|/6 up to the h⁴ terms, relative size (h/r)² for a singularity
        // r away: at the poles the fuzz corpus found it fell short by that much, hence the margin.
        let truncation = 1.25 * Swift.abs(d - Double(coarse[i].imaginary) / (2 * h)) / 3
        var err = truncation + DifferenceTuning.evaluationNoiseULPs * (eps * Swift.abs(d) + quantum)
        // Subnormal, or zero from a subnormal seed: the true derivative may be anything below
        // leastNormal/h, and the estimate must say so.
        if (im != 0 && Swift.abs(im) < leastNormal) || (im == 0 && seedUnderflows) {
            warn.append(.underflow)
            err = Swift.max(err, 64 * quantum, im == 0 ? leastNormal / h : 0)
        }
        let ok = warn.isEmpty || warn == [.underflow]
        return DifferenceEstimate(value: ok ? d : .nan, errorEstimate: ok ? err : .infinity, step: h, warnings: warn)
    }
    return (est, unsupported, 2)
}

/// s = min over moved coordinates of |x_j|/|v_j| (1 for x_j = 0): the scale the complex step is
/// relative to.
func complexStepScale<V: BinaryFloatingPoint>(at x: [V], direction v: [V]) -> Double {
    var s = Double.infinity
    for (xj, vj) in zip(x, v) where vj != 0 && vj.isFinite {
        let a = Swift.abs(Double(xj))
        s = Swift.min(s, (a.isFinite && a > 0 ? a : 1) / Swift.abs(Double(vj)))
    }
    return s.isFinite && s > 0 ? s : 1
}

/// The complex step h for the line x + ih·v, as a Double that V represents exactly (so dividing by
/// it divides by the step actually applied).
///
/// Why relative: the truncation error of Im f(x + ih)/h is h²·f‴/6, and for functions whose
/// derivatives scale with 1/|x| (sqrt, log, powers) that is f′·O((h/|x|)²). An absolute h = 1e-20
/// is then wrong by orders of magnitude at |x| = 1e-300, and at |x| = 1e300 its seed h·f′ underflows
/// (log: Im = atan2(h, x) = 0). So h = c·s with s = min over moved coordinates of |x_j|/|v_j|
/// (1 for x_j = 0, where no scale is known), rounded to a power of two so that h·v_j is exact.
/// The automatic step is raised towards V's least normal magnitude, never above s·√ε·1e-3 (which
/// keeps (h/s)² below 1e-6·ε): a subnormal seed carries few significant bits.
func complexStep<V: BinaryFloatingPoint>(_ step: StepSize, at x: [V], direction v: [V], as _: V.Type) -> Double {
    let s = complexStepScale(at: x, direction: v)
    let eps = Double(V.ulpOfOne)
    let h: Double
    switch step {
    case .absolute(let a):
        h = a
    case .relative(let r):
        h = (r * s).nearestPowerOfTwo
    case .automatic:
        let c = eps < 1e-10 ? DifferenceTuning.complexStepDouble : DifferenceTuning.complexStepFloat
        let normalFloor = Swift.min(Double(V.leastNormalMagnitude), s * eps.squareRoot() * 1e-3)
        h = Swift.max(c * s, normalFloor).nearestPowerOfTwo
    }
    // Keep h and 2h positive and finite in V: a step that underflowed to 0 would divide 0 by 0, one
    // that overflowed would give 0 for every derivative. (Absolute steps were validated already.)
    let largest = Double(V.greatestFiniteMagnitude) / 4
    let smallest = Double(V.leastNonzeroMagnitude)
    return Double(V(Swift.min(Swift.max(h, smallest), largest)))
}

