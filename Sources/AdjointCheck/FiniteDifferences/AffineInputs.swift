import AdjointCore

// An input in which f is affine needs no stencil of high order and no search for a step: a
// central difference has no truncation there, only rounding. The adaptive method spent 3
// evaluations on every input of `make bench`'s f at n = 100 and 9 on x₉₉, in which f is linear
// (sin(x₉₈)·x₉₉): its stencils agree within the rounding at every step, so it moved to a larger
// step to confirm and then measured f's noise. Which inputs are affine is read off f's tape from
// the ops alone (their declared ``Linearity``), never from their partials, so a wrong rule cannot
// make a witness believe it.

/// Per output i and input j, whether fᵢ is affine in xⱼ on f's tape at x: every path from xⱼ to
/// fᵢ passes only through ops affine in the arguments that depend on xⱼ (x + y, −x, x·c, x/c).
/// A user primitive, a vector call, a kink op and every other op count as curved. One forward
/// pass per input.
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
            switch graph.ops[k].info.linearity {
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
    /// The derivative of outputs that f's tape shows affine along this probe's axis: one central
    /// difference at `h`, whose only error is rounding. Nil unless every output is affine here,
    /// or when the samples contradict the tape: f(x + h) − 2f(x) + f(x − h) beyond its rounding
    /// means f is curved on the line (control flow the tape did not record, a branch taken at
    /// x ± h), and the caller's full method decides instead, reusing these samples where it can.
    ///
    /// `h` is at most the reach of the method it stands in for, so it samples no further from x
    /// than that method would have.
    mutating func affineDifference(step h: V, outputs m: Int) -> [DifferenceEstimate]? {
        guard m > 0, affine.count == m, affine.allSatisfy({ $0 }), h > 0, h.isFinite, !stepBelowULP(h) else { return nil }
        let central = Stencil.of(.central)
        let sample = apply(central, step: h, outputs: m)
        let f0 = at(0), fp = at(h), fm = at(-h)
        guard f0.count == m, fp.count == m, fm.count == m else { return nil }
        var result: [DifferenceEstimate] = []
        for i in 0..<m {
            let d = sample.derivative[i]
            guard d.isFinite, f0[i].isFinite, fp[i].isFinite, fm[i].isFinite else { return nil }
            // One sample's rounding, from the stencil's bound (weights ±1/2: noiseGain 1).
            let perSample = sample.rounding[i] * Double(h) / central.noiseGain
            let second = Swift.abs((Double(fp[i]) - Double(f0[i])) - (Double(f0[i]) - Double(fm[i])))
            guard second <= DifferenceTuning.flatTolerance * 4 * perSample else { return nil }
            // The two one-sided slopes differ by second/h: half of that is the most the central
            // value can be off by if the spread is not rounding after all.
            let error = sample.rounding[i] + second / (2 * Double(h))
            let floor = DifferenceTuning.evaluationNoiseULPs * epsilon * Swift.abs(d)
            result.append(DifferenceEstimate(value: d, errorEstimate: Swift.max(error, floor), step: Double(h),
                                             warnings: sample.warnings[i], reach: Double(h)))
        }
        return result
    }
}
