import CAdjointSupport

// Second-order products that lose a term to the bottom of the floating-point range. Forward-over-
// reverse on x·log x at 10²⁰⁰ returned 2·10⁻²⁰⁰ for ∂² = 1/x = 10⁻²⁰⁰ (by hand): log's partial
// 1/x has the tangent −1/x² = −10⁻⁴⁰⁰ along the unit direction, which is 0 in Double before x
// multiplies it back into range. Scaling a pass's seed by 2ᵏ scales every tangent (or adjoint)
// of that pass by exactly 2ᵏ unless one leaves the normal range, so a pass seeded higher keeps
// such a term, and divided back gives the product without the loss. The passes run only when
// the unscaled product raised the underflow flag; most products never do.

/// The underflow flag around one computation: cleared at the start, read at the end, and raised
/// again if the caller had it raised before, so a caller watching the flag sees what it would
/// have seen without us.
@usableFromInline package struct UnderflowWatch {
    @usableFromInline let raisedBefore: Bool

    @inlinable package init() {
        raisedBefore = adjoint_underflow_raised() != 0
        adjoint_underflow_clear()
    }

    /// Whether anything underflowed since the watch began.
    @inlinable package var underflowed: Bool { adjoint_underflow_raised() != 0 }

    @inlinable package func end() {
        if raisedBefore { adjoint_underflow_raise() }
    }
}

/// V's largest exponent and its ε, for Double and Float; nil for scalars with no such range
/// (rationals) or whose products are not read here (duals).
@inlinable func rangeRecoveryFormat<V: ADScalar>(_: V.Type) -> (topExponent: Int, epsilon: Double)? {
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
