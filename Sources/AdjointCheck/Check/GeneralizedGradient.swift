import AdjointCore
import RealModule

// The joint judgement of a row at a kink. Per entry, a value between the one-sided derivatives
// along xⱼ is a valid component; but at (0, 0) of |x − y| the claim (1, 1) passes that test in each
// component while the generalized (Clarke) gradient is {t·(1, −1) : t ∈ [−1, 1]}. With one kink
// touched, f is made of two smooth pieces f₊, f₋ meeting on the surface a(x) = 0 of the kink's
// argument, and the generalized gradient is the segment {λ·g₊ + (1 − λ)·g₋ : λ ∈ [0, 1]} with
// g± = ∇f± (Clarke). Each g± is read from the one-sided derivatives already measured: along eⱼ the
// right derivative belongs to the piece on the side sign(∂a/∂xⱼ) of the surface. A row is shown
// wrong only when no single λ fits every component within the one-sided tolerances.
//
// What keeps a right row from being convicted: exactly one kink on the tape at the point on the way
// to output i; an op whose kink is a hyperplane in its argument (abs, relu, leaky relu, ELU, max,
// min, a user primitive of one input or, with its normal read from its declared kink distance, of two;
// not hypot's cone); every one-sided interval resolved; and the
// two-piece model confirmed along four random directions (its predicted one-sided derivatives must
// match measured ones) and by forward and reverse mode, whose kink conventions lie on the segment
// when the model is right; a branch in the user's code that the tape cannot see breaks one or the
// other (it is no more visible to the per-entry test, which assumes the same). Anything else
// leaves the per-entry verdicts as they were.

extension Checker {
    /// The row with its kink entries re-judged jointly (see the comment at the top of the file);
    /// unchanged when the joint judgement does not apply or every subject passes it.
    mutating func judgeGeneralizedGradient(_ row: [EntryCheck], output i: Int) -> [EntryCheck] {
        guard let graph, i < graph.outputNodes.count, let node = graph.outputNodes[i],
              row.contains(where: { $0.kink != nil }) else { return row }
        let upstream = graph.ancestors(of: node)
        let touched = graph.kinkCandidates.filter { $0.distance == 0 && upstream[$0.node] }
        guard touched.count == 1, let k = touched.first?.node else { return row }
        // The kink's signed argument along a tangent vector: a(x) crosses 0 there.
        let argument: ([Double]) -> Double
        switch graph.ops[k] {
        case .abs, .relu, .leakyRelu, .elu:
            let a = graph.args[k][0]
            argument = { t in t[a] }
        case .max, .min:
            let (a, b) = (graph.args[k][0], graph.args[k][1])
            argument = { t in t[a] - t[b] }
        case .custom where graph.args[k].count == 1:
            let a = graph.args[k][0]
            argument = { t in t[a] }
        case .custom where graph.args[k].count == 2:
            // A two-input user kink (umax with a tie rule (1, 1) was never judged jointly, and
            // passed as "valid subgradient" in each entry): its surface's normal from the
            // declaration, confirmed like every model here by twoPieceModelHolds below.
            guard let n = kinkNormal(node: k) else { return row }
            let (a, b) = (graph.args[k][0], graph.args[k][1])
            argument = { t in n.0 * t[a] + n.1 * t[b] }
        default:
            return row
        }
        let n = x.count
        guard row.count == n else { return row }
        var gPlus = [Double](repeating: 0, count: n), gMinus = gPlus, tol = gPlus, normal = gPlus
        for (j, e) in row.enumerated() {
            if tangentCache[j] == nil { tangentCache[j] = graph.tangents(input: j) }
            guard let t = tangentCache[j] else { return row }
            let s = argument(t)
            guard s.isFinite else { return row }
            normal[j] = s
            if let kink = e.kink {
                guard kink.unresolved == nil, kink.left.isFinite, kink.right.isFinite else { return row }
                tol[j] = kink.tolerance
                if s > 0 { (gPlus[j], gMinus[j]) = (kink.right, kink.left) }
                else if s < 0 { (gPlus[j], gMinus[j]) = (kink.left, kink.right) }
                else { (gPlus[j], gMinus[j]) = (0.5 * (kink.left + kink.right), 0.5 * (kink.left + kink.right)) }
            } else {
                // Off the kink's paths both pieces share this component: the witness that decided it.
                guard e.verdict == .agree, let w = e.witnessValue, let est = e.errorEstimate, s == 0 else { return row }
                (gPlus[j], gMinus[j]) = (w, w)
                tol[j] = e.tolerance ?? CheckOptions.errorEstimateSafety * est
            }
        }
        guard normal.contains(where: { $0 != 0 }) else { return row }
        guard twoPieceModelHolds(output: i, kinkNode: k, gPlus: gPlus, gMinus: gMinus, tolerances: tol, normal: normal) else {
            return row
        }
        // Per subject, the λ ∈ [0, 1] fitting every component within its tolerance.
        let subjects = row[0].subjects.map(\.name)
        var outside: [String: String] = [:]
        for (s, name) in subjects.enumerated() {
            var lo = 0.0, hi = 1.0
            for j in 0..<n {
                let d = gPlus[j] - gMinus[j]
                guard d != 0, s < row[j].subjects.count else { continue }
                let c = row[j].subjects[s].value
                let a = (c - gMinus[j] - tol[j]) / d, b = (c - gMinus[j] + tol[j]) / d
                lo = Swift.max(lo, Swift.min(a, b)); hi = Swift.min(hi, Swift.max(a, b))
            }
            if lo > hi {
                let claim = row.map { fmt($0.subjects[s].value) }.joined(separator: ", ")
                outside[name] = "\(name) (\(claim)) is not λ·g₊ + (1 − λ)·g₋ for one λ in [0, 1]: the pieces meeting at "
                    + "\(graph.names[k]) (node \(k)) have gradients g₊ = (\(gPlus.map(fmt).joined(separator: ", "))), "
                    + "g₋ = (\(gMinus.map(fmt).joined(separator: ", ")))"
            }
        }
        if outside.isEmpty { return row }
        // Forward and reverse mode apply the kink's convention (abs′(0) = 0, a tie's ½ …), which is a
        // point of the segment whenever the two pieces are all there is: an AD mode outside it means
        // a kink the tape did not record (a branch in the user's code: |x − y| + (x > 0 ? x : 0) at 0
        // has four pieces, and AD's right (0, 0) lies off the two-piece segment) or a wrong rule
        // that the per-entry verdicts already judge. Either way the joint test is not trusted, and
        // without an AD mode to vouch for the model it is not applied.
        //
        // Except where the kink op's own rule at the kink is shown outside *its* generalized
        // gradient: a two-argument kink (max, min, a two-input user primitive) is smooth along its
        // surface, where every generalized gradient of the op alone has one slope. The tie rule
        // (1, 1) of a user max gives 2 along (1, 1), where max(a + s, a + s) = a + s rises at 1,
        // and a max whose ∂/∂y at the tie was doubled gives 1.5: both passed as "valid
        // subgradient", their rows (1, 1) and (1, 0.5) lying off the segment {(λ, 1 − λ)}. No
        // branch elsewhere in f can make the op's own rule right, so such an AD mode is judged.
        let adModes = subjects.filter { $0 == "forward" || $0 == "reverse" }
        guard !adModes.isEmpty else { return row }
        var kinkRule: String? = nil
        if adModes.contains(where: { outside[$0] != nil }) {
            guard let why = kinkRuleOffItsSurface(node: k) else { return row }
            kinkRule = why
        }
        return row.map { e in
            guard var kink = e.kink else { return e }
            kink.withinOneSided = kink.withinOneSided.map { (subject: $0.subject, valid: $0.valid && outside[$0.subject] == nil) }
            kink.notInGeneralizedGradient = (subjects.compactMap { outside[$0] } + (kinkRule.map { [$0] } ?? []))
                .joined(separator: "; ")
            return e.withKink(kink)
        }
    }

    /// The normal, in its argument space, of the kink surface of a two-argument kink op at
    /// `node`: (1, −1) for max and min; for a user primitive, read from its declared kink
    /// distance d a small step h off the kink: |n₀| = d(a + h, b)/h, |n₁| = d(a, b + h)/h, with
    /// opposite signs where d grows less along (1, 1) than along (1, −1) (|x − y|/2 for a user
    /// max: ½, ½, and 0 against h, so n = (½, −½)). Nil where the declaration gives no normal.
    func kinkNormal(node k: Int) -> (Double, Double)? {
        guard let graph, graph.args[k].count == 2 else { return nil }
        switch graph.ops[k] {
        case .max, .min: return (1, -1)
        case .custom:
            guard let p = recording?.tape.scalarPrimitive(k), p.arity == 2 else { return nil }
            let (a, b) = (graph.values[graph.args[k][0]], graph.values[graph.args[k][1]])
            let h = 0x1p-20 * Swift.max(1, Swift.abs(a), Swift.abs(b))
            guard let d0 = p.kinkDistance(a + h, b), let d1 = p.kinkDistance(a, b + h),
                  let along = p.kinkDistance(a + h, b + h), let across = p.kinkDistance(a + h, b - h),
                  [d0, d1, along, across].allSatisfy({ $0.isFinite && $0 >= 0 }), d0 + d1 > 0 else {
                // A NaN or negative declaration a step off the kink gives no normal: the row keeps
                // its per-entry verdicts (nothing passes on the strength of it). At the recorded
                // inputs the check refuses such a declaration by name; off them nothing names it.
                return nil
            }
            return (d0 / h, (along < across ? -1 : 1) * d1 / h)
        default: return nil
        }
    }

    /// Why the rule of the two-argument kink op at `node` (its partials at the kink, as forward and
    /// reverse mode apply them) lies outside the op's generalized gradient there, or nil when it
    /// does not or that cannot be shown. Along the kink surface's tangent t (⟂ ``kinkNormal(node:)``)
    /// every piece of the op has the same slope, so every generalized gradient g has g·t equal to
    /// the op's derivative along t; that derivative is read from one-sided differences of the op
    /// alone along ±t, which must agree (the op is smooth along t: a curved surface or more than
    /// two pieces leave it unjudged).
    mutating func kinkRuleOffItsSurface(node k: Int) -> String? {
        guard let graph, let n = kinkNormal(node: k), let rule = graph.partials[k], rule.count == 2,
              rule.allSatisfy(\.isFinite) else { return nil }
        let point = graph.args[k].map { graph.values[$0] }
        let norm = Swift.max(Swift.abs(n.0), Swift.abs(n.1))
        guard norm > 0, norm.isFinite else { return nil }
        let t = [-n.1 / norm, n.0 / norm]
        var probe = LineProbe<Double>(eval: { y in [graph.localPrimal(k, y) ?? .nan] }, x: point, v: t)
        let h = DifferenceTuning.defaultStep(for: Stencil.rightSided, scale: probe.scale, epsilon: .ulpOfOne).nearestPowerOfTwo
        guard h > 0, !probe.stepBelowULP(h / 16) else { return nil }
        let right = probe.apply(Stencil.rightSided, step: h, outputs: 1), left = probe.apply(Stencil.leftSided, step: h, outputs: 1)
        let right2 = probe.apply(Stencil.rightSided, step: 2 * h, outputs: 1), left2 = probe.apply(Stencil.leftSided, step: 2 * h, outputs: 1)
        let (r, l) = (right.derivative[0], left.derivative[0])
        guard r.isFinite, l.isFinite else { return nil }
        let truncation = Swift.max(Swift.abs(right2.derivative[0] - r), Swift.abs(left2.derivative[0] - l)) / 3
        let allowed = 4 * Swift.max(right.rounding[0], left.rounding[0]) + CheckOptions.errorEstimateSafety * truncation
            + Double.pow(.ulpOfOne, 2.0 / 3.0) * Swift.max(Swift.abs(l), Swift.abs(r), 1)
        // Not smooth along t: the two-piece picture of the op does not hold there.
        guard Swift.abs(r - l) <= allowed else { return nil }
        let slope = 0.5 * (r + l), predicted = rule[0] * t[0] + rule[1] * t[1]
        guard Swift.abs(predicted - slope) > allowed + 64 * .ulpOfOne * (Swift.abs(rule[0]) + Swift.abs(rule[1])) else { return nil }
        return "the rule of \(graph.names[k]) (node \(k)) at its kink (\(point.map(fmt).joined(separator: ", "))) gives "
            + "(\(rule.map(fmt).joined(separator: ", "))), outside its generalized gradient: along (\(t.map(fmt).joined(separator: ", "))), "
            + "where \(graph.names[k]) is smooth, it predicts a slope of \(fmt(predicted)) and one-sided differences of "
            + "\(graph.names[k]) alone give \(fmt(slope))"
    }

    /// Whether the one-sided derivatives of fᵢ along four seeded random directions v are those the
    /// two-piece model predicts: g_σ·v to the right and g_{−σ}·v to the left, σ = sign(∇a·v). Steps
    /// stay a quarter of the way to every other kink candidate; no usable step, a direction along
    /// the surface, or a mismatch is false.
    mutating func twoPieceModelHolds(output i: Int, kinkNode k: Int, gPlus: [Double], gMinus: [Double],
                                     tolerances: [Double], normal: [Double]) -> Bool {
        guard let graph else { return false }
        var rng = SeededGenerator(seed: 0xC1A2_4E)
        var confirmed = 0
        for _ in 0..<12 where confirmed < 4 {
            let v = x.map { _ in Double(2 * Int(rng.nextUnit() * 8) + 1) / 16 * (rng.nextUnit() < 0.5 ? -1 : 1) }
            let across = zip(normal, v).reduce(0) { $0 + $1.0 * $1.1 }
            let size = zip(normal, v).reduce(0) { $0 + Swift.abs($1.0 * $1.1) }
            // Nearly along the surface: which side a sample lands on is decided by rounding.
            guard Swift.abs(across) > 1e-3 * size else { continue }
            var tv = [Double](repeating: 0, count: graph.ops.count)
            for j in v.indices {
                guard let tj = tangentCache[j] else { return false }
                for node in tv.indices { tv[node] += v[j] * tj[node] }
            }
            var probe = LineProbe<V>(eval: { [f] in f($0) }, x: x, v: v.map { V($0) })
            var h = V(DifferenceTuning.defaultStep(for: Stencil.rightSided, scale: probe.scale, epsilon: eps).nearestPowerOfTwo)
            let rooms = zip(graph.kinkCandidates, graph.kinkSensitivities(tangents: tv)).compactMap { c, s -> Double? in
                guard c.node != k else { return nil }
                return s > 0 && s.isFinite ? c.distance / s : nil
            }
            if let nearest = rooms.min() {
                while h > 0 && 16 * Double(h) > nearest { h = h / 2 }
            }
            guard h > 0, !probe.stepBelowULP(h / 16) else { return false }
            let m = value.count
            let right = probe.apply(Stencil.rightSided, step: h, outputs: m), left = probe.apply(Stencil.leftSided, step: h, outputs: m)
            let right2 = probe.apply(Stencil.rightSided, step: 2 * h, outputs: m)
            let left2 = probe.apply(Stencil.leftSided, step: 2 * h, outputs: m)
            let (r, l) = (right.derivative[i], left.derivative[i])
            guard r.isFinite, l.isFinite else { return false }
            let truncation = Swift.max(Swift.abs(right2.derivative[i] - r), Swift.abs(left2.derivative[i] - l)) / 3
            let noise = i < roundingScale.count ? 4 * eps * roundingScale[i] / Double(h) : 0
            let measured = 4 * Swift.max(right.rounding[i], left.rounding[i]) + CheckOptions.errorEstimateSafety * truncation
                + Double.pow(eps, 2.0 / 3.0) * Swift.max(Swift.abs(l), Swift.abs(r), 1) + noise
            let predicted = zip(tolerances, v).reduce(0) { $0 + $1.0 * Swift.abs($1.1) }
            let (ahead, behind) = across > 0 ? (gPlus, gMinus) : (gMinus, gPlus)
            let rightPredicted = zip(ahead, v).reduce(0) { $0 + $1.0 * $1.1 }
            let leftPredicted = zip(behind, v).reduce(0) { $0 + $1.0 * $1.1 }
            let allowed = measured + predicted
            guard allowed.isFinite, Swift.abs(r - rightPredicted) <= allowed, Swift.abs(l - leftPredicted) <= allowed else { return false }
            confirmed += 1
        }
        return confirmed == 4
    }
}
