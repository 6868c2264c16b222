import AdjointCore

// An input in which f is affine needs no stencil of high order and no search for a step: a
// central difference has no truncation there, only rounding. The adaptive method spent 3
// evaluations on every input of `make bench`'s f at n = 100 and 9 on x₉₉, in which f is linear
// (sin(x₉₈)·x₉₉): its stencils agree within the rounding at every step, so it moved to a larger
// step to confirm and then measured f's noise. Which inputs are affine is read off f's tape from
// the ops alone (their declared ``Linearity``), never from their partials, so a wrong rule cannot
// make a witness believe it. A user primitive's claim is first tested on its primal where f used
// it (see `linearityHolds`): samples symmetric about x, which the shortcut below takes, cannot
// see a curve odd about x (sin claimed affine at 0 gave 0.9974 ± 10⁻¹⁶ for 1 before that test).

/// Per output i and input j, whether fᵢ is affine in xⱼ on f's tape at x: every path from xⱼ to
/// fᵢ passes only through ops affine in the arguments that depend on xⱼ (x + y, −x, x·c, x/c,
/// and user scalar primitives that declare a ``Linearity``). A vector call, a kink op and every
/// other op count as curved. One forward pass per input.
///
/// The tape holds the branch f took at x only: control flow in f (`if x[0] < 0.5`) can make f
/// curved along a line on which its tape is affine, so a difference that relies on this fact
/// checks it on its own samples too (``LineProbe/affineDifference(step:outputs:)``).
func affineInputs(graph: TapeGraph, inputs n: Int, outputs m: Int) -> [[Bool]] {
    var affine = [[Bool]](repeating: [Bool](repeating: false, count: n), count: m)
    let count = graph.ops.count
    for j in 0..<n {
        guard j < graph.inputNodes.count, let s = graph.inputNodes[j], s >= 0, s < count else { continue }
        var depends = [Bool](repeating: false, count: count)
        var curved = [Bool](repeating: false, count: count)
        depends[s] = true
        // Tape order is topological: nothing before the input's own node depends on it.
        for k in (s + 1)..<Swift.max(s + 1, count) {
            let args = graph.args[k]
            var dependent = 0
            var curvedArgument = false
            for a in args where a >= 0 && a < count && depends[a] {
                dependent += 1
                if curved[a] { curvedArgument = true }
            }
            guard dependent > 0 else { continue }
            depends[k] = true
            switch k < graph.linearities.count ? graph.linearities[k] : .nonlinear {
            case .affine: curved[k] = curvedArgument
            // x·x is counted twice: a square.
            case .affineInEach: curved[k] = curvedArgument || dependent > 1
            case .affineInFirst:
                let divisor = args.count > 1 ? args[1] : -1
                curved[k] = curvedArgument || (divisor >= 0 && divisor < count && depends[divisor])
            case .nonlinear: curved[k] = true
            }
        }
        for i in 0..<m {
            guard i < graph.outputNodes.count, let o = graph.outputNodes[i], o >= 0, o < count else { continue }
            affine[i][j] = !curved[o]
        }
    }
    return affine
}

extension LineProbe {
    /// The derivative of each output that f's tape shows affine along this probe's axis, from
    /// samples at `offsets`·h: the slope between the outermost two, whose only error is rounding.
    /// Nil for an output that is not affine here, or whose samples contradict the tape: a sample
    /// (f(x) included) off the line through the outermost two by more than their rounding means
    /// f is curved on the line (control flow the tape did not record, a branch taken at x ± h),
    /// and the caller's full method decides that output instead.
    ///
    /// The offsets are samples the caller's method takes anyway (Richardson's first level, the
    /// adaptive method's first round), so where some outputs are affine and others not, the
    /// affine ones cost nothing; `h` keeps the samples within the reach of that method.
    mutating func affineDifference(offsets: [Int], step h: V, outputs m: Int) -> [DifferenceEstimate?] {
        let none = [DifferenceEstimate?](repeating: nil, count: m)
        guard m > 0, affine.count == m, affine.contains(true), let a = offsets.min(), let b = offsets.max(), a < b,
              h > 0, h.isFinite, !stepBelowULP(h) else { return none }
        let points = Array(Set(offsets + [0])).sorted()
        let samples = points.map { at(V($0) * h) }
        guard samples.allSatisfy({ $0.count == m }), let ia = points.firstIndex(of: a), let ib = points.firstIndex(of: b) else {
            return none
        }
        let width = Double(b - a) * Double(h)
        return (0..<m).map { i -> DifferenceEstimate? in
            guard affine[i] else { return nil }
            let f = samples.map { Double($0[i]) }
            guard f.allSatisfy(\.isFinite) else { return nil }
            let rounding = zip(points, f).map { s, fk in
                sampleRounding(magnitude: Swift.abs(fk), output: i, reach: Double(Swift.abs(s)) * Double(h))
            }
            let slope = (f[ib] - f[ia]) / width
            // Every other sample against the line through the outermost two.
            var residual = 0.0
            for k in points.indices where k != ia && k != ib {
                let t = Double(points[k] - a) / Double(b - a)
                let r = Swift.abs(f[k] - (f[ia] + t * (f[ib] - f[ia])))
                guard r <= DifferenceTuning.flatTolerance * (rounding[k] + rounding[ia] + rounding[ib]) else { return nil }
                residual = Swift.max(residual, r)
            }
            // A residual within the rounding may still be a little curvature: a parabola's secant
            // over (−2h, 6h) is off its tangent at x by a third of its residual at x over h,
            // 8/3 of it over the width; 4 covers that and the symmetric case.
            let error = (rounding[ia] + rounding[ib] + 4 * residual) / width
            let floor = DifferenceTuning.evaluationNoiseULPs * epsilon * Swift.abs(slope)
            var warnings: [FDWarning] = []
            // Equal samples: the slope 0 is exact only if f truly does not move (cancellation,
            // as every difference says of equal samples).
            let spread = (f.max() ?? 0) - (f.min() ?? 0)
            if spread < Double.pow(10, DifferenceTuning.cancellationDigitsRequired) * (rounding.max() ?? 0) {
                warnings.append(.cancellation)
            }
            return DifferenceEstimate(value: slope, errorEstimate: Swift.max(error, floor), step: Double(h),
                                      warnings: warnings, reach: Double(Swift.max(-a, b)) * Double(h))
        }
    }
}
