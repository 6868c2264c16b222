import CAdjointSupport

// Derivatives that lose a term to the bottom of the floating-point range. Reverse mode on x²/x³⁰⁰
// at 10 returned 2·10⁻²⁹⁹ for −2.98·10⁻²⁹⁷ (by hand): the adjoint of x³⁰⁰, −x²/(x³⁰⁰)² = −10⁻⁵⁹⁸,
// is 0 in Double before the partial 300x²⁹⁹ multiplies it back into range. Forward-over-reverse
// on x·log x at 10²⁰⁰ returned 2·10⁻²⁰⁰ for ∂² = 1/x = 10⁻²⁰⁰: log's partial 1/x has the tangent
// −1/x² = −10⁻⁴⁰⁰. Scaling a pass's seed by 2ᵏ scales every tangent (or adjoint) of that pass by
// exactly 2ᵏ unless one leaves the normal range, so a pass seeded higher keeps such a term, and
// divided back gives the result without the loss. The passes run only when the unscaled pass
// raised the underflow flag; most passes never do.

/// What a first-order pass does when it raised the underflow flag (see ``settleLiftedPasses``).
public enum RangeRecovery: Sendable {
    /// Nothing: the pass as it ran (an unchecked pass, by default).
    case off
    /// Entries the lifted passes settle are replaced; the others stay as computed, for a caller
    /// that judges them itself (the check's subjects, whose range-loss verdict says why).
    case keepingUnsettled
    /// As `keepingUnsettled`, and an entry they cannot settle throws ``ADError/rangeLoss(what:values:)``
    /// (a checked pass, by default).
    case throwing

    /// The default for a pass checked or not.
    @inlinable public static func `default`(checked: Bool) -> RangeRecovery { checked ? .throwing : .off }
}

/// The underflow flag around one computation: cleared at the start, read at the end, and raised
/// again if the caller had it raised before, so a caller watching the flag sees what it would
/// have seen without us.
@usableFromInline package struct UnderflowWatch {
    @usableFromInline let raisedBefore: Bool

    @inlinable package init() {
        raisedBefore = adjoint_underflow_raised() != 0
        // Clearing costs six times a test (67 ns against 11 on this machine), and every reverse
        // sweep of Double or Float now makes a watch: clear only what is raised.
        if raisedBefore { adjoint_underflow_clear() }
    }

    /// Whether anything underflowed since the watch began.
    @inlinable package var underflowed: Bool { adjoint_underflow_raised() != 0 }

    @inlinable package func end() {
        if raisedBefore { adjoint_underflow_raise() }
    }
}

/// V's largest exponent and its ε, for Double and Float; nil for scalars with no such range
/// (rationals) or whose products are not read here (duals).
@inlinable package func rangeRecoveryFormat<V: ADScalar>(_: V.Type) -> (topExponent: Int, epsilon: Double)? {
    if V.self == Double.self { return (Int(Double.greatestFiniteMagnitude.exponent), Double.ulpOfOne) }
    if V.self == Float.self { return (Int(Float.greatestFiniteMagnitude.exponent), Double(Float.ulpOfOne)) }
    return nil
}

/// The power of two that lifts the largest of `magnitudes` to 2⁸ below V's largest exponent: the
/// largest seed that overflows nothing it scales (nil when that is no lift at all). The seed is
/// itself a V, so it stops at 2 to V's largest exponent: where every magnitude is below 2⁻⁸ the
/// uncapped power was +∞ (hvp of x·log x at 10²⁰⁰ along 10⁻⁶ ran no lifted pass and returned
/// 2·10⁻²⁰⁶ for 10⁻²⁰⁶).
@inlinable package func largestSafeSeed<V: ADScalar>(_ magnitudes: [Double], topExponent: Int) -> V? {
    guard let largest = magnitudes.filter(\.isFinite).max(), largest > 0 else { return nil }
    let k = Swift.min(topExponent - Int(largest.exponent) - 8, topExponent)
    return k > 0 ? V(Double(sign: .plus, exponent: k, significand: 1)) : nil
}

/// The seeds of the range-loss passes for V: 2^⌊500·e/1023⌋ and 2^⌊1000·e/1023⌋, e the largest
/// exponent (2⁵⁰⁰ and 2¹⁰⁰⁰ for Double; the same fractions for Float). The larger lifts an
/// adjoint as small as 10⁻⁶²⁵ back into range (x²/x³⁰⁰'s −10⁻⁵⁹⁸ needs it); the smaller keeps
/// terms finite whose scaled values would overflow at the larger.
///
/// ```swift
/// rangeLossSeeds(for: Double.self)   // [0x1p500, 0x1p1000]
/// ```
public func rangeLossSeeds<V: BinaryFloatingPoint>(for _: V.Type) -> [V] {
    let top = Int(V.greatestFiniteMagnitude.exponent)
    return [top * 500 / 1023, top * 1000 / 1023].map { V(sign: .plus, exponent: V.Exponent($0), significand: 1) }
}

/// The lowered direction scales of ``loweredProduct(of:at:direction:refusingRuleEscapes:)``, as
/// exponents of 2: 2⁻¹⁰⁰⁰ is the lowest that is still a normal Double seed.
@usableFromInline package let productLowerings: [Int] = [64, 256, 512, 1000]

/// H·v again where the product as computed has an entry that is not finite because a term
/// overflowed on the way: x·log x at 10⁻¹⁶⁰ has ∂² = 1/x = 10¹⁶⁰, but log's partial 1/x carries
/// the tangent −1/x² = −10³²⁰, −∞ in Double, and the Hessian failed there. Scaling the direction
/// by 2⁻ᵏ scales every tangent and adjoint tangent of the pass by exactly 2⁻ᵏ while each stays
/// in the normal range, so a pass seeded lower keeps such a term finite, and the product
/// multiplied back by 2ᵏ is the one the unscaled pass would have computed with an unbounded
/// exponent. Tried at 2⁻⁶⁴, 2⁻²⁵⁶, 2⁻⁵¹² and 2⁻¹⁰⁰⁰, the least lowering first. A pass counts only
/// when every entry is finite and no rule reported an error (pow's unbounded mixed partial at
/// (0, 1) is no overflow). It is taken when nothing underflowed in it; where f's primal alone
/// underflows (x²·log x at 10⁻¹⁶⁰: x² is subnormal in every pass, so the flag says nothing),
/// only when the next lowering agrees with it within 64 ulps, as a tangent that underflowed in
/// one would not. Nil when no pass qualifies, or for a scalar with no range (rationals).
@inlinable package func loweredProduct<V: ADScalar>(
    of f: ([HessianScalar<V>]) -> HessianScalar<V>, at x: [V], direction v: [V], refusingRuleEscapes: Bool
) -> [V]? {
    guard let (_, epsilon) = rangeRecoveryFormat(V.self) else { return nil }
    let primalUnderflows: Bool = {
        let watch = UnderflowWatch()
        _ = Diagnostics.collect { Diagnostics.quietly { f(x.map { HessianScalar<V>(constant: Dual<V, V>(constant: $0)) }) } }
        defer { watch.end() }
        return watch.underflowed
    }()
    var previous: [V]? = nil
    for k in productLowerings {
        let scale = V(Double(sign: .plus, exponent: -k, significand: 1))
        let watch = UnderflowWatch()
        let pass = Diagnostics.collect { Diagnostics.quietly {
            try? hvpUnchecked(of: f, at: x, direction: v.map { $0 * scale }, refusingRuleEscapes: refusingRuleEscapes)
        } }.result
        let underflowed = watch.underflowed
        watch.end()
        guard let pass, pass.ruleError == nil, firstNonFinite(pass.product) == nil else {
            if previous != nil { return nil }
            continue
        }
        let product = pass.product.map { $0 / scale }
        guard firstNonFinite(product) == nil else { return nil }
        if !underflowed { return product }
        // A tangent lowered below the range lost digits; more lowering only loses more.
        if !primalUnderflows { return nil }
        if let previous {
            let agree = zip(previous, product).allSatisfy { a, b in
                let (p, q) = (a.approximateDouble, b.approximateDouble)
                return p == q || Swift.abs(p - q) <= 64 * epsilon * Swift.max(Swift.abs(p), Swift.abs(q))
            }
            return agree ? previous : nil
        }
        previous = product
    }
    return nil
}

/// H·v again from passes that lift the pass's quantities as far as they go without overflow,
/// divided back. A second-order pass has four kinds of quantity: values, tangents (scaled by the
/// direction's seed d), adjoints (by the sweep's seed c) and adjoints' tangents (by c·d). Three
/// passes: d the largest safe seed for the tangents (c = 1); c the largest safe for the adjoints
/// (d = 1); and both, c as large as the lifted tangents leave safe. Fixed seeds were not enough: 2⁶²
/// left Float's −1/x² at x = 10³⁰ subnormal, 22 ulps off, and 2¹²⁴ overflowed. A pass in which
/// any value's tangent or any adjoint overflowed is no exact scaling and is left out, as is a
/// non-finite entry.
///
/// Per entry: the product as computed where every pass agrees with it (within 64 ulps); else the
/// one value the passes that differ agree on (from the most lifted of them); else the value of
/// the pass lifted most in both seeds, when one is (every quantity of it is at least as far from
/// the bottom of the range as in any other pass, so it lost the least). Throws
/// ``ADError/rangeLoss(what:values:)`` otherwise.
///
/// `reading`: the entries a caller reads (a sparse Hessian's colour sums entries in rows it does
/// not read, which may be anything); only those are recovered or refused. All when nil.
@inlinable package func rangeRecoveredProduct<V: ADScalar>(
    of f: ([HessianScalar<V>]) -> HessianScalar<V>, at x: [V], direction v: [V], product hv: [V], reading: [Int]? = nil
) throws -> [V] {
    guard let (top, epsilon) = rangeRecoveryFormat(V.self) else { return hv }
    typealias Pass = (values: [V?], direction: Double, seed: Double)
    let passes: [Pass] = Diagnostics.collect({ Diagnostics.quietly { () -> [Pass] in
        func recording(_ direction: V) -> Recording<Dual<V, V>>? {
            let seeded = zip(x, v).map { Dual<V, V>($0, tangent: $1 * direction) }
            guard let rec = try? record({ [f($0)] }, at: seeded), rec.outputs.count == 1,
                  (0..<rec.tape.count).allSatisfy({ rec.tape.entry($0)?.value.isFiniteInEveryComponent ?? true }) else { return nil }
            return rec
        }
        // The largest seed of the sweep on `rec` that overflows no adjoint or adjoint tangent.
        func safeSeed(_ rec: Recording<Dual<V, V>>) -> V? {
            let adjoints = rec.tape.nodeCotangents(from: [(rec.outputs[0], Dual<V, V>(constant: 1))])
            return largestSafeSeed(adjoints.flatMap { [$0.value.approximateDouble.magnitude, $0.tangent.approximateDouble.magnitude] },
                                   topExponent: top)
        }
        func pass(_ rec: Recording<Dual<V, V>>, direction: V, seed: V) -> Pass? {
            let out = [(rec.outputs[0], Dual<V, V>(constant: seed))]
            guard rec.tape.nodeCotangents(from: out).allSatisfy(\.isFiniteInEveryComponent),
                  let g = try? rec.pullback(seeds: out, checked: false), g.count == x.count else { return nil }
            let values = g.map { e -> V? in
                // One seed at a time: their product can overflow where each divides back exactly.
                let t = e.tangent / seed / direction
                return t.isFiniteValue ? t : nil
            }
            return (values, direction.approximateDouble, seed.approximateDouble)
        }
        guard let unit = recording(1) else { return [] }
        var passes: [Pass] = []
        if let c = safeSeed(unit), let p = pass(unit, direction: 1, seed: c) { passes.append(p) }
        let tangents = (0..<unit.tape.count).compactMap { unit.tape.entry($0)?.value.tangent.approximateDouble.magnitude }
        if let d: V = largestSafeSeed(tangents, topExponent: top), let lifted = recording(d) {
            if let p = pass(lifted, direction: d, seed: 1) { passes.append(p) }
            if let c = safeSeed(lifted), let p = pass(lifted, direction: d, seed: c) { passes.append(p) }
        }
        return passes
    } }).result
    let mostLifted = passes.first { p in passes.allSatisfy { $0.direction <= p.direction && $0.seed <= p.seed } }
    // Values within 64 ulps count as one: a rule that orders its products by their size (the
    // division's) rounds a lifted pass otherwise, and two passes that both kept the term disagreed
    // in the 14th digit, which refused a product the old one had 2.4·10⁻¹⁰ off (the review).
    func same(_ a: V, _ b: V) -> Bool {
        let (x, y) = (a.approximateDouble, b.approximateDouble)
        return x == y || Swift.abs(x - y) <= 64 * epsilon * Swift.max(Swift.abs(x), Swift.abs(y))
    }
    var recovered = hv
    for i in reading ?? Array(hv.indices) where hv.indices.contains(i) {
        // Each cluster of values that differ from the product as computed, with its most lifted pass's.
        var clusters: [(value: V, lift: Double)] = []
        for p in passes {
            guard let t = p.values[i], !same(t, hv[i]) else { continue }
            let lift = p.direction * p.seed
            if let k = clusters.firstIndex(where: { same($0.value, t) }) {
                if lift > clusters[k].lift { clusters[k] = (t, lift) }
            } else {
                clusters.append((t, lift))
            }
        }
        if clusters.count == 1 {
            recovered[i] = clusters[0].value
        } else if clusters.count > 1 {
            if let t = mostLifted?.values[i] {
                recovered[i] = t
            } else {
                throw ADError.rangeLoss(what: "Hessian-vector product entry \(i)",
                                        values: ([hv[i]] + clusters.map(\.value)).map(\.approximateDouble))
            }
        }
    }
    return recovered
}

/// The decision every first-order recovery makes, per entry of a pass that raised the underflow
/// flag, from passes with their seed lifted by powers of two and divided back (`evaluate`; nil
/// for a pass that failed), starting from `lifts` (ascending). An adjoint or tangent that
/// overflows under a lift makes every entry it reaches ±∞ or NaN (a product with ∞ stays
/// non-finite through every linear rule), so an entry that comes out finite took none; the
/// most lifted such pass lost the least.
///
/// Per entry: the most lifted of the passes in which it is finite. Where that pass itself raised
/// the underflow flag and a higher one overflowed the entry, the lift between them is bisected
/// (to 8 bits, at most 16 more passes a call): the entry's best lift lies there, and a fixed
/// ladder missed it (a tangent 2⁵⁰⁰ beside one of 2⁻¹⁴²² on one entry can be lifted by 2⁴⁰⁰ to
/// 2⁵²³ only). Where that value agrees with the entry as computed (4 ulps: a rule that orders its
/// products by size rounds a lifted pass otherwise) the entry stands; else the pass lifted 16
/// times less is run, and where it agrees within 64 ulps the lifted value is returned: a term
/// still below the range would lose 4 more bits there, so the lifted value is within about 4 ulps
/// of its own; else ``ADError/rangeLoss(what:values:)`` names the entry (or, not `throwing`, it
/// stays as computed). Values below the least normal number count as the same within 4 of its
/// ulps: there the format's own spacing is the limit. (A tolerance of 64 ulps on the first
/// comparison kept a Float tangent 78 ulps off: (1/x)·10³⁰ at 10²⁰, where −1/x² is a subnormal
/// of 17 bits.)
///
/// What no lift can see: a term flushed wholly to zero in every pass, which needs the
/// quantities on one entry's paths to be apart by more than the format's whole range (10⁶¹⁶
/// in Double).
@inlinable package func settleLiftedPasses<V: ADScalar>(
    computed g: [V], lifts: [V], evaluate: (V) -> [V]?, what: (Int) -> String, throwing: Bool = true,
    primalUnderflows: () -> Bool = { false }
) throws -> [V] {
    guard let (top, epsilon) = rangeRecoveryFormat(V.self) else { return g }
    // Passes by the exponent of their lift, each with whether it raised the underflow flag.
    var passes: [Int: (values: [V]?, underflowed: Bool)] = [:]
    var probes = 0
    var nonlinearRule = false
    func pass(_ k: Int) -> (values: [V]?, underflowed: Bool) {
        if let p = passes[k] { return p }
        let watch = UnderflowWatch()
        let (values, applied) = Diagnostics.noticingVectorRules {
            evaluate(V(Double(sign: .plus, exponent: k, significand: 1))).flatMap { $0.count == g.count ? $0 : nil }
        }
        if applied { nonlinearRule = true }
        let p = (values, watch.underflowed)
        watch.end()
        passes[k] = p
        return p
    }
    let ladder = lifts.map { Int($0.approximateDouble.exponent) }
    for k in ladder { _ = pass(k) }
    // A user vector primitive's JVP need not be linear in its direction (one that clips it, or
    // drops it above a bound, is lawful): lifted passes through it are no exact scaling, and two
    // of them agreeing replaced a right ∂/∂y = 0.5 by 0 (a review). Nothing is recovered there.
    if nonlinearRule { return g }
    // Whether f's primal alone underflows (a forward pass recomputes it under every lift, so the
    // flag then says nothing about the tangents): asked once, before the first bisection.
    var primalKnown: Bool?
    func primalAloneUnderflows() -> Bool {
        if let known = primalKnown { return known }
        let found = primalUnderflows()
        primalKnown = found
        return found
    }
    let leastNormal = Double(sign: .plus, exponent: 1 - top, significand: 1)
    func same(_ a: Double, _ b: Double, ulps: Double) -> Bool {
        let larger = Swift.max(Swift.abs(a), Swift.abs(b))
        return a == b || Swift.abs(a - b) <= ulps * epsilon * larger
            || (larger < leastNormal && Swift.abs(a - b) <= 4 * epsilon * leastNormal)
    }
    func finite(_ k: Int, _ j: Int) -> Bool { pass(k).values?[j].isFiniteValue == true }
    var recovered = g
    for j in g.indices {
        guard var low = ladder.last(where: { finite($0, j) }) else { continue }
        if var high = ladder.first(where: { $0 > low && !finite($0, j) }) {
            // Not where the primal alone underflows: every pass raises the flag then, and a harmless
            // exp tail sent every entry that overflows at the top into bisection (a forward
            // Jacobian of exp(−x²) terms took 20 evaluations for 2). Such an entry keeps the ladder's value.
            while pass(low).underflowed && high - low > 8 && probes < 16 && !primalAloneUnderflows() {
                let middle = low + (high - low) / 2
                probes += passes[middle] == nil ? 1 : 0
                if finite(middle, j) { low = middle } else { high = middle }
            }
        }
        guard let lifted = pass(low).values?[j].approximateDouble else { continue }
        let computed = g[j].approximateDouble
        // Below the least normal number the two are not peers: the unscaled pass rounded every
        // step to the subnormal spacing, the lifted one kept 53 bits and rounded once, dividing
        // back. exp(−exp(−…(x))) 1312 deep has f′ = 1.48 subnormal ulps (mpmath) and the unscaled
        // pass gave 2, within 4 of them, so it stood; 1400 deep (f′ ≈ 1.5·10⁻³⁴⁵) it gave 5·10⁻³²⁴,
        // since |5·10⁻³²⁴ · 0.567| rounds back up to it at every level, and that stood too.
        if computed == lifted || (Swift.max(Swift.abs(computed), Swift.abs(lifted)) >= leastNormal
                                  && same(computed, lifted, ulps: 4)) { continue }
        let partner = pass(low - 4).values.map { $0[j].approximateDouble } ?? .nan
        guard partner.isFinite, same(lifted, partner, ulps: 64) else {
            guard throwing else { continue }
            throw ADError.rangeLoss(what: what(j), values: [computed, partner, lifted])
        }
        if lifted == 0 {
            // The lifted passes put the entry below half the least subnormal, where Double has
            // only 0, yet the unscaled pass kept a nonzero residue of its roundings: the entry is
            // either nonzero and out of range or an exact cancellation, and 0 would pass for the
            // first and the residue for a value. Neither is returned.
            guard throwing else { continue }
            throw ADError.rangeLoss(what: what(j), values: [computed, partner, lifted])
        }
        recovered[j] = pass(low).values?[j] ?? g[j]
    }
    return recovered
}

/// uᵀJ again, for a reverse sweep that raised the underflow flag (``settleLiftedPasses``), with
/// the cotangent lifted by s, the largest power of two that overflows no adjoint of the sweep
/// (8 bits to spare, as ``largestSafeSeed(_:topExponent:)`` gives), by the largest the cotangent
/// itself allows, under which adjoints far above the rest overflow, and, where those two are far
/// apart, by powers a third and two thirds of the way between. In 10³⁰⁰·x +
/// y²/y³⁰⁰ at (1, 10), s is only 2¹⁸ (x's adjoint is 10³⁰⁰) and leaves y³⁰⁰'s −10⁻⁵⁹⁸ at 0,
/// while the largest lift keeps it and overflows ∂f/∂x alone.
///
/// Not for duals or rationals (returns `g`): a dual's lost tangent is the Hessian's concern
/// (``rangeRecoveredProduct(of:at:direction:product:reading:)``), and rationals have no range.
@inlinable func rangeRecoveredPullback<V: ADScalar>(_ tape: Tape<V>, seeds: [(Reverse<V>, V)], computed g: [V],
                                                    throwing: Bool = true) throws -> [V] {
    guard let (top, _) = rangeRecoveryFormat(V.self) else { return g }
    // A user vector primitive's VJP need not be linear in its cotangent (one that clips it, or
    // drops it above a bound, is lawful): a lifted sweep through it is no exact scaling, and two
    // agreeing replaced a right ∂/∂y = 0.5 by 0 (a review). Nothing is recovered on such a tape.
    if tape.hasUserPrimitives && (0..<tape.count).contains(where: { tape.vectorPrimitive($0) != nil }) { return g }
    let quietly = { (body: () -> [V]) in Diagnostics.collect({ Diagnostics.quietly(body) }).result }
    let adjoints = quietly { tape.nodeCotangents(from: seeds) }
    guard adjoints.allSatisfy(\.isFiniteValue) else { return g }
    var lifts: [V] = []
    let s: V? = largestSafeSeed(adjoints.map { $0.approximateDouble.magnitude }, topExponent: top)
    if let s { lifts.append(s) }
    if let c: V = largestLift(of: seeds.map { $0.1.approximateDouble.magnitude }, topExponent: top) {
        // A third and two thirds of the way from s to the top as well, where that way is long:
        // an entry whose own adjoints overflow at the top (2¹⁰·2¹⁰²²) while another input's
        // 2⁹⁰⁰ holds s at 2¹¹⁵ lost its 2⁻¹⁴⁹⁸ under both, and 2⁵⁶⁸ keeps it.
        let (low, high) = (Int((s ?? 1).approximateDouble.exponent), Int(c.approximateDouble.exponent))
        for k in [low + (high - low) / 3, low + 2 * (high - low) / 3, high] where k > Int((lifts.last ?? 1).approximateDouble.exponent) + 8 || (k == high && k > low) {
            lifts.append(V(Double(sign: .plus, exponent: k, significand: 1)))
        }
    }
    return try settleLiftedPasses(computed: g, lifts: lifts, evaluate: { c in
        quietly { tape.pullbackToAllInputs(from: seeds.map { ($0.0, $0.1 * c) }) }.map { $0 / c }
    }, what: { "derivative with respect to input \($0)" }, throwing: throwing)
}

/// Whether `body` raised the underflow flag (the caller's flag kept as it was).
@inlinable package func underflows(_ body: () -> Void) -> Bool {
    let watch = UnderflowWatch()
    body()
    let raised = watch.underflowed
    watch.end()
    return raised
}

/// The largest power of two that keeps the largest of `magnitudes` finite (one bit to spare),
/// stopping at 2 to V's largest exponent; nil when that is no lift at all.
@inlinable func largestLift<V: ADScalar>(of magnitudes: [Double], topExponent top: Int) -> V? {
    guard let u = magnitudes.filter(\.isFinite).max(), u > 0 else { return nil }
    let k = Swift.min(top - Int(u.exponent) - 1, top)
    return k > 0 ? V(Double(sign: .plus, exponent: k, significand: 1)) : nil
}

/// The lifts of a forward pass's direction, whose tangents no tape shows: a third, two thirds
/// and all of the way from the direction's largest component to the top of the range. A tangent
/// that overflows under one leaves the entries it reaches non-finite, and the entry comes from a
/// lower lift (``settleLiftedPasses``).
@inlinable package func forwardLifts<V: ADScalar>(direction magnitudes: [Double], topExponent top: Int) -> [V] {
    guard let u = magnitudes.filter(\.isFinite).max(), u > 0 else { return [] }
    let room = top - Int(u.exponent) - 1
    return [room / 3, 2 * room / 3, room].filter { $0 > 0 }.map { V(Double(sign: .plus, exponent: Swift.min($0, top), significand: 1)) }
}

/// f's tangents along `v`, with those lost below the range recovered where the lifted passes
/// settle them (the others as computed): one forward pass as the check's seeded passes take it,
/// so a pass scaled by 2⁵⁰⁰ loses no more than the unscaled one, which recovers, keeps.
@inlinable package func rangeRecoveredTangents<V: ADScalar>(of f: ([Dual<V, V>]) -> [Dual<V, V>], at x: [V], direction v: [V]) -> [V] {
    let watch = rangeRecoveryFormat(V.self) != nil ? UnderflowWatch() : nil
    defer { watch?.end() }
    let tangents = liftedEvaluation(f, at: x, direction: v, lift: 1)
    guard watch?.underflowed == true, let (top, _) = rangeRecoveryFormat(V.self) else { return tangents }
    return (try? settledTangents(tangents, of: f, at: x, direction: v, topExponent: top, throwing: false)) ?? tangents
}

/// ``settleLiftedPasses`` for one forward pass along `v` whose tangents came out `tangents`: the
/// one recovery `jvp`, `derivative` and the check's seeded columns share.
@inlinable func settledTangents<V: ADScalar>(_ tangents: [V], of f: ([Dual<V, V>]) -> [Dual<V, V>], at x: [V], direction v: [V],
                                           topExponent top: Int, throwing: Bool, what: (Int) -> String = { "directional derivative \($0)" }) throws -> [V] {
    try settleLiftedPasses(computed: tangents, lifts: forwardLifts(direction: v.map { $0.approximateDouble.magnitude }, topExponent: top),
                           evaluate: { c in liftedEvaluation(f, at: x, direction: v, lift: c) }, what: what, throwing: throwing,
                           primalUnderflows: { underflows { _ = liftedEvaluation(f, at: x, direction: v, lift: 0) } })
}

/// A forward Jacobian's entries in the passes that raised the underflow flag, settled from the
/// same passes with their directions lifted (``settleLiftedPasses``): the tangent of 1/x at
/// 10¹⁷⁰, −10⁻³⁴⁰, is 0 in Double, and (1/x)·10³⁰⁰ came out 0 for −10⁻⁴⁰.
@inlinable func rangeRecoveredForward<V: ADScalar, T: TangentVector>(
    _ f: ([Dual<V, T>]) -> [Dual<V, T>], at x: [V], passes: [Int], result r: JacobianResult<V>, throwing: Bool = true
) throws -> JacobianResult<V> where T.Scalar == V {
    guard !passes.isEmpty, let (top, _) = rangeRecoveryFormat(V.self) else { return r }
    let lanes = T.laneCount, m = r.value.count
    var jacobian = r.jacobian
    for p in passes {
        let columns = Array(p * lanes ..< Swift.min((p + 1) * lanes, x.count))
        // Column after column, as the pass's lanes hold them.
        let computed = columns.flatMap { j in (0..<m).map { i in jacobian[i][j] } }
        let settled = try settleLiftedPasses(computed: computed, lifts: forwardLifts(direction: [1], topExponent: top), evaluate: { c in
            let y = Diagnostics.collect({ Diagnostics.quietly { seededEvaluation(f, at: x, pass: p, lift: c).result } }).result
            guard y.count == m else { return nil }
            return columns.indices.flatMap { lane in y.map { $0.tangent[lane: lane] / c } }
        }, what: { k in "Jacobian entry (\(k % Swift.max(1, m)), \(columns[k / Swift.max(1, m)]))" }, throwing: throwing,
           primalUnderflows: { underflows { _ = Diagnostics.collect({ Diagnostics.quietly { seededEvaluation(f, at: x, pass: p, lift: 0).result } }) } })
        for (k, j) in columns.enumerated() { for i in 0..<m { jacobian[i][j] = settled[k * m + i] } }
    }
    return JacobianResult(value: r.value, jacobian: jacobian, mode: r.mode, passes: r.passes, diagnostics: r.diagnostics)
}
