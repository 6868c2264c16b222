import AdjointCheck
import AdjointCore
import Foundation
import RealModule

// Second-order checks: the bug they exist for is a rule that is right once and wrong when
// differentiated again (a derivative written with constants where it should be written with the
// scalar type). First-order checks pass such a rule; here the Hessian is compared with differences
// of the gradient, which need only first derivatives to be right.

@usableFromInline func hessianName(_ i: Int, _ j: Int) -> String { "∂²f/∂x[\(i)]∂x[\(j)]" }

/// The gradient of output 0 by reverse mode as a plain function (NaN where it cannot be
/// evaluated, which the check reports as non-finite rather than hiding). An adjoint lost below
/// the range is recovered by the sweep itself, as the Hessian's products recover theirs: x²/x³⁰⁰
/// at 10 gave 2·10⁻²⁹⁹ for −2.98·10⁻²⁹⁷, whose differences, 0, convicted the right 8.9·10⁻²⁹⁶.
@inlinable func reverseGradient<F: ADFunction & Sendable>(_ f: F) -> @Sendable ([Double]) -> [Double] {
    { x in (try? gradient(of: { (z: [Reverse<Double>]) in firstOutput(f(z)) }, at: x)) ?? Array(repeating: .nan, count: x.count) }
}

/// Output 0 of f, or NaN when f returned none. The second-order properties differentiate output
/// 0; reading `f(z)[0]` of a function with no outputs trapped and took the test process with it.
@inlinable func firstOutput<T: ADScalar>(_ y: [T]) -> T { y.first ?? T(Double.nan) }

/// Why a second-order property cannot check f at x, as the part that says so: f declares another
/// number of inputs (``ADFunction/inputCount``, which the first-order checks enforce and the
/// Hessian's closures cannot see), or f has no output 0 to differentiate. Nil when it can.
@inlinable func scalarFunctionProblem<F: ADFunction>(_ f: F, at x: [Double]) -> PointPart? {
    if let n = f.inputCount, n != x.count {
        return PointPart(label: "evaluation", verdict: .error,
                         detail: "the check threw: \(ADError.dimensionMismatch(what: "number of inputs", expected: n, got: x.count))")
    }
    if f(x).isEmpty {
        return PointPart(label: "evaluation", verdict: .nothingChecked,
                         detail: "f has no outputs here, so there is no second derivative of output 0 to compare")
    }
    return nil
}

/// H·v by reverse-over-forward: a tape of duals' tangents. The directional derivative ∇f·v is
/// computed in forward mode on taped values, and one reverse sweep of it gives ∇(∇f·v) = H·v.
/// Independent in the order of the two modes from `hvp` (forward-over-reverse).
@inlinable func hvpReverseOverForward<F: ADFunction>(_ f: F, at x: [Double], direction v: [Double]) throws -> [Double] {
    try directionalDerivativeRecording(f, at: x, direction: v).pullback([1])
}

/// The tape of ∇f·v computed in forward mode on taped values, whose one reverse sweep is H·v.
@inlinable func directionalDerivativeRecording<F: ADFunction>(_ f: F, at x: [Double], direction v: [Double]) throws -> Recording<Double> {
    try record({ (z: [Reverse<Double>]) -> [Reverse<Double>] in
        let duals = zip(z, v).map { Dual<Reverse<Double>, Reverse<Double>>($0, tangent: Reverse(constant: $1)) }
        return [firstOutput(f(duals)).tangent]
    }, at: x)
}

/// A direction fixed by the point (so a replayed point gets the same one): entries in [−1, 1).
@usableFromInline func directionFor(_ x: [Double]) -> [Double] {
    var seed: UInt64 = 0x5EED_20D0
    for v in x { seed = (seed ^ v.bitPattern) &* 0x100_0000_01B3 }
    var g = SeededGenerator(seed: seed)
    return x.map { _ in g.nextUnit() * 2 - 1 }
}

/// Symmetry of a Hessian: the largest |Hᵢⱼ − Hⱼᵢ| against 64ε·max|H| (both triangles come from
/// the same rules evaluated in different orders, so only rounding separates them).
///
/// Where the terms summed into an entry cancel, that rounding is of the terms, not of H: a pair
/// past 64ε·max|H| is then held to 4·64ε of `pathMagnitude(i, j)` (the larger sum of |path
/// products| into Hᵢⱼ and Hⱼᵢ, from ``directionalDerivativeRecording(_:at:direction:)``'s tape)
/// when that is larger. (x + y)³ − x³ − 3x²y − 3xy² − y³ has H = 0 from terms near 6|x + y|,
/// and its AD Hessian's −1.78e-15 against 0 was rule-wrong under a tolerance of 2.52e-29.
///
/// A hand-written Hessian has no tape to measure its terms by, and its entries may come from terms
/// that cancel too: 6(x + y) − 6x − 6y and 6(x + y) − 6y − 6x, both right (0), differ by rounding
/// at about one point in five of [−3, 3]², which 64ε·max|H| convicted. `unresolvedBelow(i, j)` is
/// then the most by which Hᵢⱼ and Hⱼᵢ may differ while the independent reference (differences of
/// the gradient) refutes neither; an asymmetry within it is inconclusive, not rule-wrong.
@usableFromInline func symmetryPart(_ h: [[Double]], label: String, pathMagnitude: ((Int, Int) -> Double)? = nil,
                                    unresolvedBelow: ((Int, Int) -> Double?)? = nil) -> PointPart {
    let n = h.count
    guard n > 1 else { return PointPart(label: label, verdict: .agree, detail: "1×1") }
    var scale = 0.0
    for row in h where row.count == n { for e in row { scale = Swift.max(scale, Swift.abs(e)) } }
    let hessianTolerance = CheckOptions.adAccuracyULPs * Double.ulpOfOne * Swift.max(scale, Double.leastNormalMagnitude)
    // The pair furthest outside its own tolerance (a NaN first); path magnitudes only where needed.
    var worst = (i: 0, j: 0, d: 0.0, tol: hessianTolerance, excess: 0.0)
    var undecided: (i: Int, j: Int, d: Double, bound: Double)? = nil
    for i in 0..<n { for j in (i + 1)..<Swift.max(i + 1, n) where h[i].count == n && h[j].count == n {
        let d = Swift.abs(h[i][j] - h[j][i])
        var tol = hessianTolerance
        if d > tol, let pathMagnitude, case let m = pathMagnitude(i, j), m.isFinite {
            tol = Swift.max(tol, CheckOptions.errorEstimateSafety * CheckOptions.adAccuracyULPs * Double.ulpOfOne * m)
        }
        if d > tol, let bound = unresolvedBelow?(i, j), d <= bound {
            if undecided == nil { undecided = (i, j, d, bound) }
            continue
        }
        let excess = d / tol
        if !(excess <= worst.excess) { worst = (i, j, d, tol, excess) }
    } }
    let (i, j, d, tol) = (worst.i, worst.j, worst.d, worst.tol)
    let values = "H[\(i)][\(j)] = \(fmtNumber(h[i][j])), H[\(j)][\(i)] = \(fmtNumber(h[j][i]))"
    if !d.isFinite { return PointPart(label: label, verdict: .nonFinite, detail: values) }
    if d <= tol, let u = undecided {
        return PointPart(label: label, verdict: .inconclusive,
                         detail: "inconclusive, because H[\(u.i)][\(u.j)] = \(fmtNumber(h[u.i][u.j])) and H[\(u.j)][\(u.i)] = \(fmtNumber(h[u.j][u.i])) "
                             + "differ by \(fmtNumber(u.d)), beyond 64ε·max|H| = \(fmtNumber(hessianTolerance)) but within the \(fmtNumber(u.bound)) "
                             + "within which differences of the gradient cannot tell them apart; the claim's own rounding is unknown (its terms may cancel)")
    }
    let verdict: TestVerdict = d <= tol ? .agree : .ruleWrong
    let basis = tol > hessianTolerance ? "4·64ε·(sum of |path products| into H[\(i)][\(j)], H[\(j)][\(i)])" : "64ε·max|H|"
    return PointPart(label: label, verdict: verdict,
                     detail: "\(values): |difference| \(fmtNumber(d)), tolerance \(basis) = \(fmtNumber(tol)) (derived)")
}

/// For ``symmetryPart(_:label:pathMagnitude:unresolvedBelow:)`` of a claimed Hessian: when
/// neither Hᵢⱼ nor Hⱼᵢ is refuted by its differences in `report` (each agrees, or the differences
/// could not decide), the most the two may differ without the differences telling them apart:
/// each one's tolerance and its witness's error estimate (undecided: the finest estimate any rung
/// reached), since the two witnesses estimate one value. Nil when either is refuted or has no estimate.
func agreementSpread(_ report: CheckReport, _ i: Int, _ j: Int) -> Double? {
    let e = report.entries
    guard i < e.count, j < e.count, j < e[i].count, i < e[j].count else { return nil }
    var spread = 0.0
    for entry in [e[i][j], e[j][i]] {
        switch entry.verdict {
        case .agree, .fdInconclusive: break
        default: return nil
        }
        let finest = entry.ladder.compactMap(\.errorEstimate).filter(\.isFinite).min()
        guard let estimate = entry.errorEstimate ?? finest, estimate.isFinite else { return nil }
        spread += (entry.tolerance ?? 0) + estimate
    }
    return spread
}

/// For ``symmetryPart(_:label:pathMagnitude:unresolvedBelow:)`` of f's AD Hessian at x: the larger of the path
/// magnitudes into Hᵢⱼ (input i of ∇f·eⱼ's tape) and Hⱼᵢ, each column's tape recorded when a
/// pair first needs it and swept for that pair's input only; +∞ (no allowance) where recording fails.
@inlinable func hessianPathMagnitudes<F: ADFunction>(_ f: F, at x: [Double]) -> (Int, Int) -> Double {
    var columns: [Int: Recording<Double>?] = [:]
    func magnitude(column j: Int, input i: Int) -> Double? {
        if columns[j] == nil {
            var e = [Double](repeating: 0, count: x.count)
            e[j] = 1
            columns[j] = .some(try? directionalDerivativeRecording(f, at: x, direction: e))
        }
        guard let rec = columns[j] ?? nil else { return nil }
        return pathMagnitudes(recording: rec, output: 0, inputs: [i]).first
    }
    return { i, j in
        guard let a = magnitude(column: j, input: i), let b = magnitude(column: i, input: j) else { return .infinity }
        return Swift.max(a, b)
    }
}

/// Forward-over-reverse against reverse-over-forward H·v along a point-fixed direction. The two
/// products are computed here, inlined where f's type is known; the comparison is not generic.
@inlinable func modesPart<F: ADFunction>(_ f: F, at x: [Double], hessianScale: Double) -> PointPart {
    let v = directionFor(x)
    func forwardOverReverse(_ scale: Double) throws -> [Double] {
        try hvp(of: { (z: [HessianScalar<Double>]) in firstOutput(f(z)) }, at: x, direction: v.map { $0 * scale },
                refusingRuleEscapes: false).map { $0 / scale }
    }
    func reverseOverForward(_ scale: Double) throws -> [Double] {
        try hvpReverseOverForward(f, at: x, direction: v.map { $0 * scale }).map { $0 / scale }
    }
    let seed = rangeLossSeeds(for: Double.self)[0]
    let paths = (try? directionalDerivativeRecording(f, at: x, direction: v)).map { pathMagnitudes(recording: $0, output: 0) }
    return modesComparison(Result { (try forwardOverReverse(1), try reverseOverForward(1)) }, direction: v, hessianScale: hessianScale,
                           pathMagnitudes: paths, rescaled: { (try? forwardOverReverse(seed), try? reverseOverForward(seed)) })
}

/// The modes comparison of ``modesPart(_:at:hessianScale:)``. On a disagreement, `rescaled`
/// gives both products again with v scaled by 2⁵⁰⁰ and divided back: scaling by a power of two
/// is exact unless a tangent leaves Double's range, so where a product changes and the rescaled
/// pair agrees, one mode lost a term to the range (x·log x at 1e200: forward-over-reverse loses
/// log's −1/x² = −10⁻⁴⁰⁰ along v, reverse-over-forward does not) and the part says range-loss,
/// which blames no rule and still fails the point; it said rule-wrong.
///
/// `pathMagnitudes[k]` (``pathMagnitudes(recording:output:)`` of ∇f·v's tape) is what the two
/// orders' rounding of (H·v)ₖ is relative to where the terms summed into it cancel: the tolerance
/// is the larger of 64ε·max|H|·‖v‖₁ and the check's 4 × 64ε of it. Against max|H| alone, right
/// rules were rule-wrong wherever H is small beside its terms: sin²x + cos²x has H = 0 from
/// terms near 2, and the two orders' 0 and −5.55e-17 were held to 3.16e-322.
@usableFromInline func modesComparison(_ products: Result<([Double], [Double]), Error>, direction v: [Double],
                                       hessianScale: Double, pathMagnitudes paths: [Double]? = nil,
                                       rescaled: () -> ([Double]?, [Double]?) = { (nil, nil) }) -> PointPart {
    let label = "H·v: forward-over-reverse vs reverse-over-forward"
    do {
        let (a, b) = try products.get()
        let vnorm = v.reduce(0) { $0 + Swift.abs($1) }
        let hessianTolerance = CheckOptions.adAccuracyULPs * Double.ulpOfOne * Swift.max(hessianScale * vnorm, Double.leastNormalMagnitude)
        func tolerance(_ k: Int) -> Double {
            guard let paths, k < paths.count, paths[k].isFinite else { return hessianTolerance }
            return Swift.max(hessianTolerance, CheckOptions.errorEstimateSafety * CheckOptions.adAccuracyULPs * Double.ulpOfOne * paths[k])
        }
        // The component furthest outside its tolerance (any NaN first).
        func worst(_ a: [Double], _ b: [Double]) -> (Int, Double, Double) {
            var w = (0, 0.0, 0.0)
            for k in a.indices {
                let d = Swift.abs(a[k] - b[k]), excess = d / tolerance(k)
                if !(excess <= w.2) { w = (k, d, excess) }
            }
            return w
        }
        let (k, d, excess) = worst(a, b)
        let tol = tolerance(k)
        let basis = tol > hessianTolerance ? "4·64ε·(sum of |path products| into (H·v)[\(k)])" : "64ε·max|H|·‖v‖₁"
        let detail = "(H·v)[\(k)]: forward-over-reverse \(fmtNumber(a[k])), reverse-over-forward \(fmtNumber(b[k])), "
            + "|difference| \(fmtNumber(d)), tolerance \(basis) = \(fmtNumber(tol)) (derived)"
        if !d.isFinite { return PointPart(label: label, verdict: .nonFinite, detail: detail) }
        if excess <= 1 { return PointPart(label: label, verdict: .agree, detail: detail) }
        // A mode whose product changes when rescaled, and then agrees with the other mode (as
        // computed, or rescaled too: one of them may overflow when scaled), lost a term.
        let (sa, sb) = rescaled()
        let candidates: [([Double]?, [Double]?)] = [(sa, b), (a, sb), (sa, sb)]
        for case let (p?, q?) in candidates where p.count == a.count && q.count == b.count && (p != a || q != b) && worst(p, q).2 <= 1 {
            return PointPart(label: label, verdict: .rangeLoss,
                             detail: detail + "; with v scaled by 2^500 and divided back, forward-over-reverse gives \(fmtNumber(p[k])) "
                                 + "and reverse-over-forward \(fmtNumber(q[k])), which agree: a tangent left Double's normal range, "
                                 + "no rule is blamed")
        }
        return PointPart(label: label, verdict: .ruleWrong, detail: detail)
    } catch {
        return PointPart(label: label, verdict: .nonFinite, detail: "could not evaluate: \(error)")
    }
}

/// Whether differences of f's reverse-mode gradient may be the reference for its second
/// derivatives at x, and the parts that say what was checked to decide it.
///
/// The reference is a witness for the Hessian of f only where the gradient is ∇f. Through a user
/// rule wrong at first order (a cube's partial written 2x²) it is the gradient of something
/// else, and AD's Hessian, the derivative of the same wrong rule, agreed with differences of it
/// exactly: `assertHessian` passed the wrong rule, and a hand Hessian right for f was convicted.
/// So, as for `assertJVP`'s AD witness (``adWitnessJacobian(_:at:)``):
/// - every user primitive's rule is judged against differences of that primitive alone at its
///   recorded inputs (`userRuleFault`); a wrong one is the point's failure, named with both numbers;
/// - otherwise the gradient itself is judged against differences of f (as ``DerivativeProperty/blackBoxHessian(of:gradient:claimed:inputs:)``
///   judges its claimed gradient). That catches what no rule check sees: f dropping a
///   first-order term itself (a value computed on Doubles). It only refutes: an entry the
///   differences cannot resolve leaves the gradient resting on AD's rules, as before, since
///   making every such point inconclusive would stop second order from deciding the points
///   (large x, tiny terms) where it decided rightly.
/// A refuted gradient makes the parts that would have used it inconclusive, never a conviction.
@usableFromInline struct GradientTrust {
    /// The rule or gradient check, first among the point's parts.
    @usableFromInline let parts: [PointPart]
    /// Why differences of the gradient are no reference here, or nil when nothing refuted them.
    @usableFromInline let distrust: String?
}

@usableFromInline func gradientTrust(fault: FaultLocation?, at x: [Double], value: @escaping @Sendable ([Double]) -> Double,
                                     gradient grad: @escaping @Sendable ([Double]) -> [Double],
                                     options o: AdjointTestOptions) throws -> GradientTrust {
    if let w = fault {
        let detail = "at node \(w.node) (inputs \(w.inputs.map(fmtNumber).joined(separator: ", "))), ∂/∂input \(w.partial): "
            + "difference of it alone \(fmtNumber(w.expected)) ± \(fmtNumber(w.errorEstimate)), rule \(fmtNumber(w.got)); "
            + "the reverse-mode gradient and AD's Hessian run this rule"
        return GradientTrust(parts: [PointPart(label: "\(userRuleLabelPrefix)\(w.op) vs differences of that primitive alone",
                                               verdict: .ruleWrong, detail: detail)],
                             distrust: "the reverse-mode gradient runs the user rule \(w.op), found wrong at this point, "
                                 + "so differences of it are no reference for the Hessian of f")
    }
    let report = try checkBlackBoxGradient(of: value, at: x, claimedGradient: grad, claimedName: "reverse mode",
                                           options: o.checkOptions(.blackBox))
    let label = gradientGuardLabel
    let part = PointPart(label: label, report: report)
    if part.verdict == .ruleWrong {
        return GradientTrust(parts: [part], distrust: "the reverse-mode gradient disagrees with differences of f, "
                                 + "so differences of it are no reference for the Hessian of f")
    }
    // Not refuted: a guard, not a subject. Its inconclusive or kinked entries are the Hessian
    // comparison's to report (a kink of f is a jump of the gradient there), so the part agrees
    // and says what it could and could not resolve.
    let entries = report.entries.joined()
    let resolved = entries.filter { TestVerdict($0) == .agree }.count
    let unresolved = part.verdict == .agree ? "" : " (the rest \(part.verdict.name))"
    return GradientTrust(parts: [PointPart(label: label, verdict: .agree,
                                           detail: "not refuted: \(resolved) of \(entries.count) entries agree with differences of f\(unresolved)")],
                         distrust: nil)
}

/// The labels of the parts ``gradientTrust(fault:at:value:gradient:options:)`` makes.
@usableFromInline let userRuleLabelPrefix = "user rule "
@usableFromInline let gradientGuardLabel = "reverse-mode gradient vs differences of f"

extension PointPart {
    /// Whether this part judged a second-order property's reference (a user rule, f's gradient)
    /// rather than the property's claim.
    var isReferenceCheck: Bool { label.hasPrefix(userRuleLabelPrefix) || label == gradientGuardLabel }
}

/// A failing point whose AD Hessian went through user rules that read a value carrying a
/// derivative as a Double (`escaping`, from the Hessian's diagnostics), with a part naming them:
/// such a rule loses its own second derivative, and the message said only "rule-wrong
/// (forward-over-reverse)" at an entry, naming no rule, where `hessian(of:at:)` names it. A
/// point that passes is left as it is (the lost term can be 0 there). The part carries the
/// point's verdict, so it explains the failure without changing it.
@usableFromInline func namingRuleEscapes(_ outcome: PointOutcome, escaping names: [String]) -> PointOutcome {
    guard !names.isEmpty, outcome.verdict.isFailure else { return outcome }
    let who = names.count == 1 ? "the rule of user primitive \(names[0])" : "the rules of user primitives " + names.joined(separator: ", ")
    let why = who + " read a value carrying a derivative as a Double (approximateDouble), so the second derivatives "
        + "through it are lost (hessian(of:at:) refuses it); write the rule with the scalar type's operations"
    return PointOutcome(input: outcome.input,
                        parts: outcome.parts + [PointPart(label: ruleEscapeLabel, verdict: outcome.verdict, detail: why)])
}

/// The label of the part ``namingRuleEscapes(_:escaping:)`` adds.
@usableFromInline let ruleEscapeLabel = "second derivatives through user primitives' rules"

/// Why ``DerivativeProperty/blackBoxHessian(of:gradient:claimed:inputs:)`` and
/// ``DerivativeProperty/blackBoxHVP(of:gradient:claimed:inputs:)`` leave the second derivatives
/// unchecked at a point where differences of f refute the claimed gradient. Judged against
/// differences of that gradient, the Hessian of x₀³ + x₀x₁ (6x₀ = 4.2 at x₀ = 0.7) was rule-wrong
/// against 2.8, the derivative of a gradient written 2x₀², and a Hessian derived from the wrong
/// gradient agreed.
@usableFromInline let claimedGradientRefuted = "the claimed gradient disagrees with differences of f, "
    + "so differences of it are no reference for the second derivatives of f"

/// A part that was not checked because its reference is not trusted (see ``GradientTrust``).
@usableFromInline func notChecked(_ label: String, because why: String) -> PointPart {
    PointPart(label: label, verdict: .inconclusive, detail: "not checked: \(why)")
}

/// The parts of a Hessian property at x once the generic work (the AD Hessian, the modes
/// comparison) is done: the Hessian and a claim against differences of the gradient, symmetry.
@usableFromInline func hessianOutcome(at x: [Double], hessian h: [[Double]], gradient grad: @escaping @Sendable ([Double]) -> [Double],
                                      modes: PointPart, claimed: (@Sendable ([Double]) -> [[Double]])?,
                                      trust: GradientTrust, options o: AdjointTestOptions,
                                      pathMagnitude: ((Int, Int) -> Double)? = nil) throws -> PointOutcome {
    var parts = trust.parts + [
        PointPart(label: "Hessian (forward-over-reverse) vs differences of the reverse-mode gradient",
                  report: try checkBlackBoxJacobian(of: grad, at: x, claimed: { _ in h },
                                                    claimedName: "forward-over-reverse", options: o.checkOptions(.blackBox)),
                  entryName: hessianName),
        symmetryPart(h, label: "symmetry of the forward-over-reverse Hessian", pathMagnitude: pathMagnitude),
        modes,
    ]
    if let claimed {
        parts.append(PointPart(label: "claimed Hessian vs differences of the reverse-mode gradient",
                               report: try checkBlackBoxJacobian(of: grad, at: x, claimed: claimed, options: o.checkOptions(.blackBox)),
                               entryName: hessianName))
    }
    return PointOutcome(input: x, parts: parts)
}

extension DerivativeProperty {
    /// Second derivatives of a generic scalar function (output 0): the forward-over-reverse
    /// Hessian against central/Richardson differences of the reverse-mode gradient, its symmetry,
    /// forward-over-reverse against reverse-over-forward H·v, and a claimed Hessian when given.
    /// The gradient is the reference, so it is checked first (``GradientTrust``): a user rule
    /// wrong at first order, or a gradient differences of f refute, fails the point by name and
    /// leaves the Hessian and the claim "not checked" there.
    ///
    /// ```swift
    /// let p = DerivativeProperty.hessian(of: Energy(), inputs: .vector(3, .uniform(-1...1)))
    /// ```
    ///
    /// Inlinable, so each trial evaluates f specialised for its type.
    @inlinable public static func hessian<F: ADFunction & Sendable>(
        of f: F, claimed: (@Sendable ([Double]) -> [[Double]])? = nil, inputs: InputSpace
    ) -> DerivativeProperty {
        let grad = reverseGradient(f)
        return DerivativeProperty(assertion: "assertHessian", claim: claimed == nil ? "the Hessian by AD" : "the claimed Hessian",
                                  space: inputs) { x, o in
            if let problem = scalarFunctionProblem(f, at: x) { return PointOutcome(input: x, parts: [problem]) }
            do {
                let trust = try gradientTrust(fault: try userRuleFault(of: f, at: x, output: 0), at: x, value: { firstOutput(f($0)) },
                                              gradient: grad, options: o)
                if let why = trust.distrust {
                    // AD's Hessian runs the same untrusted rules (and through a vector primitive
                    // cannot run at all): nothing of it or of a claim is judged here.
                    var parts = trust.parts + [notChecked("Hessian (forward-over-reverse) vs differences of the reverse-mode gradient", because: why)]
                    if claimed != nil { parts.append(notChecked("claimed Hessian vs differences of the reverse-mode gradient", because: why)) }
                    return PointOutcome(input: x, parts: parts)
                }
                let (h, seen) = try Diagnostics.collect {
                    try AdjointCore.hessian(of: { (z: [HessianScalar<Double>]) in firstOutput(f(z)) }, at: x, refusingRuleEscapes: false)
                }
                let scale = h.joined().map { Swift.abs($0) }.max() ?? 0
                let outcome = try hessianOutcome(at: x, hessian: h, gradient: grad, modes: modesPart(f, at: x, hessianScale: scale),
                                                 claimed: claimed, trust: trust, options: o, pathMagnitude: hessianPathMagnitudes(f, at: x))
                return namingRuleEscapes(outcome, escaping: seen.escapingRules)
            } catch { return .thrown(x, error) }
        }
    }

    /// A claimed Hessian–vector product of a generic scalar function against directional
    /// differences of the reverse-mode gradient (AD H·v as a last witness), plus
    /// forward-over-reverse against reverse-over-forward. The property's input is x followed by v.
    /// As for ``hessian(of:claimed:inputs:)``, the gradient is checked first and a wrong user rule
    /// or refuted gradient fails the point without judging the claim.
    ///
    /// ```swift
    /// // Energy: x₀²x₁ + x₁ sin x₂, whose H·v is written out by hand
    /// let p = DerivativeProperty.hvp(of: Energy(), claimed: { x, v in
    ///     [2 * x[1] * v[0] + 2 * x[0] * v[1], 2 * x[0] * v[0] + cos(x[2]) * v[2], cos(x[2]) * v[1] - sin(x[2]) * x[1] * v[2]]
    /// }, inputs: .vector(3, .uniform(-1...1)))
    /// ```
    @inlinable public static func hvp<F: ADFunction & Sendable>(
        of f: F, claimed: @escaping @Sendable ([Double], [Double]) -> [Double], inputs: InputSpace
    ) -> DerivativeProperty {
        let n = inputs.count
        let grad = reverseGradient(f)
        let space = inputs.followedByDirection(n)
        var p = DerivativeProperty(assertion: "assertHVP", claim: "the claimed Hessian-vector product", space: space) { xv, o in
            let x = Array(xv.prefix(n)), v = Array(xv.dropFirst(n))
            if let problem = scalarFunctionProblem(f, at: x) { return PointOutcome(input: xv, parts: [problem]) }
            do {
                let label = "H·v vs differences of the gradient along v = x[\(n)…]"
                let trust = try gradientTrust(fault: try userRuleFault(of: f, at: x, output: 0), at: x, value: { firstOutput(f($0)) },
                                              gradient: grad, options: o)
                if let why = trust.distrust { return PointOutcome(input: xv, parts: trust.parts + [notChecked(label, because: why)]) }
                // AD's H·v rounds by ε times the magnitudes of the paths summed into each entry,
                // which can be far above the entry: a softmax whose top class holds 1 − 10⁻⁸ of the
                // mass builds p₀(1 − p₀) ≈ 10⁻⁸ from terms near 1. Trusted as exact (± 0), it
                // convicted a textbook-right claim that was closer to the truth than itself.
                let paths = (try? directionalDerivativeRecording(f, at: x, direction: v)).map { pathMagnitudes(recording: $0, output: 0) }
                var base = CheckOptions.blackBox
                base.ladder.append(.custom(name: "forward-over-reverse", errorEstimate: adPathRounding(paths ?? []), jacobian: { z in
                    try AdjointCore.hessian(of: { (w: [HessianScalar<Double>]) in firstOutput(f(w)) }, at: z, refusingRuleEscapes: false)
                }))
                let r = try checkBlackBoxJVP(of: grad, at: x, direction: v, claimed: claimed, options: o.checkOptions(base))
                let (h, seen) = try Diagnostics.collect {
                    try AdjointCore.hessian(of: { (z: [HessianScalar<Double>]) in firstOutput(f(z)) }, at: x, refusingRuleEscapes: false)
                }
                let scale = h.joined().map { Swift.abs($0) }.max() ?? 0
                return namingRuleEscapes(PointOutcome(input: xv, parts: trust.parts + [
                    PointPart(label: label, report: r, entryName: { i, _ in "(H·v)[\(i)]" }),
                    modesPart(f, at: x, hessianScale: scale),
                ]), escaping: seen.escapingRules)
            } catch { return .thrown(xv, error) }
        }
        p.replayDirection = ("direction", n)
        return p
    }

    /// Second derivatives of a black-box scalar function: the claimed gradient against
    /// differences of f, the claimed Hessian against differences of the claimed gradient, and the
    /// claimed Hessian's symmetry.
    ///
    /// The claimed gradient is the Hessian's reference, so where differences of f refute it the
    /// Hessian is not checked (``claimedGradientRefuted``), as ``hessian(of:claimed:inputs:)``
    /// leaves it where AD's gradient is refuted: the point fails on the gradient, and a Hessian
    /// right for f is not convicted against the derivative of a wrong gradient.
    ///
    /// ```swift
    /// // f = x₀³ + x₀x₁, gradient and Hessian by hand
    /// let p = DerivativeProperty.blackBoxHessian(of: { x in x[0] * x[0] * x[0] + x[0] * x[1] },
    ///                                            gradient: { x in [3 * x[0] * x[0] + x[1], x[0]] },
    ///                                            claimed: { x in [[6 * x[0], 1], [1, 0]] },
    ///                                            inputs: .vector(2, .uniform(-2...2)))
    /// ```
    public static func blackBoxHessian(
        of f: @escaping @Sendable ([Double]) -> Double, gradient: @escaping @Sendable ([Double]) -> [Double],
        claimed: @escaping @Sendable ([Double]) -> [[Double]], inputs: InputSpace
    ) -> DerivativeProperty {
        DerivativeProperty(assertion: "assertHessian", claim: "the claimed Hessian (black box)", space: inputs) { x, o in
            do {
                let g = try checkBlackBoxGradient(of: f, at: x, claimedGradient: gradient, claimedName: "claimed gradient",
                                                  options: o.checkOptions(.blackBox))
                let gradientPart = PointPart(label: "gradient vs differences of f", report: g)
                let label = "Hessian vs differences of the claimed gradient"
                let symmetryLabel = "symmetry of the claimed Hessian"
                // A claim's asymmetry needs no reference: it is judged whatever the gradient did.
                if gradientPart.verdict == .ruleWrong {
                    return PointOutcome(input: x, parts: [gradientPart, notChecked(label, because: claimedGradientRefuted),
                                                          symmetryPart(claimed(x), label: symmetryLabel)])
                }
                let h = try checkBlackBoxJacobian(of: gradient, at: x, claimed: claimed, claimedName: "claimed Hessian",
                                                  options: o.checkOptions(.blackBox))
                return PointOutcome(input: x, parts: [
                    gradientPart,
                    PointPart(label: label, report: h, entryName: hessianName),
                    symmetryPart(claimed(x), label: symmetryLabel, unresolvedBelow: { agreementSpread(h, $0, $1) }),
                ])
            } catch { return .thrown(x, error) }
        }
    }

    /// A claimed H·v of a black-box scalar function against directional differences of the
    /// claimed gradient (itself checked against differences of f). Input: x followed by v.
    public static func blackBoxHVP(
        of f: @escaping @Sendable ([Double]) -> Double, gradient: @escaping @Sendable ([Double]) -> [Double],
        claimed: @escaping @Sendable ([Double], [Double]) -> [Double], inputs: InputSpace
    ) -> DerivativeProperty {
        let n = inputs.count
        let space = inputs.followedByDirection(n)
        var p = DerivativeProperty(assertion: "assertHVP", claim: "the claimed Hessian-vector product (black box)", space: space) { xv, o in
            let x = Array(xv.prefix(n)), v = Array(xv.dropFirst(n))
            do {
                let g = try checkBlackBoxGradient(of: f, at: x, claimedGradient: gradient, claimedName: "claimed gradient",
                                                  options: o.checkOptions(.blackBox))
                let gradientPart = PointPart(label: "gradient vs differences of f", report: g)
                let label = "H·v vs differences of the claimed gradient along v = x[\(n)…]"
                // As for blackBoxHessian: a refuted gradient is no reference for H·v.
                if gradientPart.verdict == .ruleWrong {
                    return PointOutcome(input: xv, parts: [gradientPart, notChecked(label, because: claimedGradientRefuted)])
                }
                let r = try checkBlackBoxJVP(of: gradient, at: x, direction: v, claimed: claimed, options: o.checkOptions(.blackBox))
                return PointOutcome(input: xv, parts: [
                    gradientPart,
                    PointPart(label: label, report: r, entryName: { i, _ in "(H·v)[\(i)]" }),
                ])
            } catch { return .thrown(xv, error) }
        }
        p.replayDirection = ("direction", n)
        return p
    }
}
