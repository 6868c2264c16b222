import AdjointCore
import RealModule

// A difference divides the rounding of f's samples by its step. The engine's model of that
// rounding is a few ulps of |f|, which is right for a short formula and wrong for one that
// cancels large intermediates: x² − 2x + 1 at 1.0000001 is 10⁻¹⁴ computed from terms near 1,
// so each sample carries about 4·10⁻¹⁶ absolute error, 10¹⁴ ulps of f. The adaptive method,
// trusting the model, returned 2.00001523e-7 ± 8.9e-16 for 2.00000000117e-7. When f can be
// recorded, its tape gives a first-order bound on that rounding, and a caller passes it in.

extension Recording where V: BinaryFloatingPoint {
    /// Per output i, Σₖ |∂fᵢ/∂vₖ|·|vₖ| over the recorded nodes other than the inputs: the
    /// first-order sensitivity of fᵢ to a relative rounding of every intermediate. Multiplied by
    /// ε it bounds the rounding of one evaluation of fᵢ (each op's result is within ε/2 of the
    /// exact one, the bound counts ε).
    func roundingScales() -> [Double] {
        let magnitudes = nodeMagnitudes()
        return outputs.indices.map { i in Self.roundingScale(sensitivities: sensitivities(output: i), magnitudes: magnitudes) }
    }

    /// |∂fᵢ/∂vₖ| for every recorded node k: one sweep.
    func sensitivities(output i: Int) -> [Double] {
        tape.nodeCotangents(from: outputs.enumerated().map { ($0.element, $0.offset == i ? V(1) : V(0)) })
            .map { Swift.abs(Double($0)) }
    }

    /// |v| of every recorded node, 0 for the inputs (their rounding is the caller's, not f's).
    /// Read once: reading each entry once per output (an m × tape walk through `entry`) was 36%
    /// of a 60×60 check.
    func nodeMagnitudes() -> [Double] {
        (0..<tape.count).map { k in
            guard let e = tape.entry(k), e.op != .input else { return 0 }
            return Swift.abs(Double(e.value))
        }
    }

    /// Σₖ sensitivityₖ·|vₖ|, leaving out an infinite term: an unknown sensitivity says nothing
    /// about the rounding, and one ∞ would make every difference's bound useless.
    static func roundingScale(sensitivities: [Double], magnitudes: [Double]) -> Double {
        var sum = 0.0
        for (a, magnitude) in zip(sensitivities, magnitudes) where magnitude != 0 && a != 0 {
            let t = a * magnitude
            if t.isFinite { sum += t }
        }
        return sum
    }
}

/// A bound on the absolute rounding error of one evaluation of each output of `f` at `x`:
/// ε·Σₖ |∂fᵢ/∂vₖ|·|vₖ| over the nodes of f's tape (first order, the running error bound), with
/// ε of `V`. `differenceJacobian(of:…)` reads it off its own recording (and lets it grow with a
/// sample's distance from x); pass it as `evaluationError` where f is a closure on real arrays
/// that has an ADFunction twin, so that the rounding of large intermediates counts there too, not
/// only a few ulps of f's value. It holds at x: samples far from x can round more.
///
/// ```swift
/// struct Square1: ADFunction {   // (x − 1)² computed as x² − 2x + 1
///     func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] * x[0] - 2 * x[0] + 1] }
/// }
/// let noise = try evaluationRoundingBound(of: Square1(), at: [1.0000001])   // ≈ [1.55e-15]: 7ε
/// let d = try differenceJacobian(of: Square1(), at: [1.0000001], method: .adaptive, evaluationError: noise)
/// ```
/// - Throws: what recording f throws (a domain error, a non-finite output).
@inlinable public func evaluationRoundingBound<V: ADScalar & BinaryFloatingPoint>(of f: some ADFunction, at x: [V]) throws -> [Double] {
    try evaluationRoundingBound(recording: record({ f($0) }, at: x))
}

/// ``evaluationRoundingBound(of:at:)`` of a recording already made.
@_specialize(where V == Double)
@_specialize(where V == Float)
public func evaluationRoundingBound<V: ADScalar & BinaryFloatingPoint>(recording: Recording<V>) -> [Double] {
    let eps = Double(V.ulpOfOne)
    return recording.roundingScales().map { eps * $0 }
}

/// A first-order bound on how far rounding inside `f` moves its derivative along `v`, per output:
/// what separates the derivative of f *as the floats compute it* (forward and reverse mode, and
/// the complex step, which differentiates the same rounded operations) from the derivative of the
/// exact f at the same x. (eˣ − 1)/x at 10⁻⁹ computes eˣ as a Double within ε/2 of it; that
/// offset, divided by x twice on its way into the derivative, makes every mode return −81.74 for
/// a derivative of 0.5. The bound here is 222.
///
/// With f recorded on a tape of duals (values x, tangents v), one sweep from output i gives every
/// node's cotangent, whose value part is ∂fᵢ/∂vₖ and whose tangent part is ∂(J·v)ᵢ/∂vₖ (mixed
/// partials commute). Each node's value and tangent are rounded by at most ε of themselves (not
/// x and f's constants: the derivative is of f as written at the x given), so the bound is
/// ε·Σₖ (|∂(J·v)ᵢ/∂vₖ|·|vₖ| + |∂fᵢ/∂vₖ|·|v̇ₖ|), first order, with ε of `V`; infinite where it
/// overflows, or where rounding moves a value the derivative depends on by a quarter of itself
/// or more, so that no first-order bound holds (f's constants computed from constants alone are
/// not on the tape, and their rounding is not counted: x·(10¹⁶ + 1 − 10¹⁶)). Reading the tape runs
/// f's rules (a user primitive's too): a wrong rule makes the bound wrong in size, so a witness
/// that must not depend on the rules, such as the complex step's value, uses it for its error
/// bar only.
///
/// ```swift
/// struct Expm1OverX: ADFunction {   // (eˣ − 1)/x, written naively
///     func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [(exp(x[0]) - 1) / x[0]] }
/// }
/// let bound = try derivativeRoundingBound(of: Expm1OverX(), at: [1e-9], direction: [1])   // ≈ [222]
/// ```
/// - Throws: ``ADError/dimensionMismatch(what:expected:got:)`` when `v` and `x` differ in length;
///   what recording f throws (a domain error, a non-finite output).
@inlinable public func derivativeRoundingBound<V: ADScalar & BinaryFloatingPoint>(
    of f: some ADFunction, at x: [V], direction v: [V]
) throws -> [Double] {
    guard v.count == x.count else {
        throw ADError.dimensionMismatch(what: "direction length (number of inputs)", expected: x.count, got: v.count)
    }
    let seeded = zip(x, v).map { Dual<V, V>($0, tangent: $1) }
    return derivativeRoundingBound(recording: try record({ (z: [Reverse<Dual<V, V>>]) in f(z) }, at: seeded), leavesRound: false)
}

/// ``derivativeRoundingBound(of:at:direction:)`` of a tape of duals already recorded: infinite
/// for an output where a term is not finite (nothing can be excused or vouched for then), or
/// where rounding moves a value its derivative depends on by a quarter of itself or more (the
/// bound is first order, and the offset is not linear in such a move).
///
/// `leavesRound` counts the rounding of the leaves too, x and f's constants, as if each were the
/// nearest Double to a number meant: the check does, as the differences it compares forward mode
/// with estimate the derivative around x (a decimal 0.77 is not a Double). The complex step's
/// estimate does not: it is the derivative of f, constants as they are, at the Double given.
/// Counting them, 1/(x − 1) at 1 + 2⁻⁵², exact there, got an estimate of 8·10³¹ for −2·10³¹ from
/// the pole one ulp from x and one ulp from the constant 1.
///
/// Nodes that apply one op to the same argument values and tangents round identically, so their
/// cotangents are added (with their signs) before the absolute value is taken: with each counted
/// apart, exp(30x) − exp(30x) + sin x at 1 (two copies of one Double, an exact 0) got a bound of
/// 0.56 and the check excused a sign-flipped sin rule (off by 1.08) within it.
@_specialize(where V == Double)
@_specialize(where V == Float)
@usableFromInline func derivativeRoundingBound<V: ADScalar & BinaryFloatingPoint>(
    recording rec: Recording<Dual<V, V>>, leavesRound: Bool
) -> [Double] {
    derivativeRoundingBounds(recording: rec, leavesRound: leavesRound).map { $0.first ?? .infinity }
}

/// Per output and tangent lane, ``derivativeRoundingBound(recording:leavesRound:)`` of a tape of
/// duals whose tangents carry several directions (`T.laneCount`): one recording and one sweep
/// per output for all of them, where one direction at a time took a recording of f each.
///
/// With `imaginarySteps` (the complex step's h per lane, 0 for none) each lane's bound also
/// counts ``complexStepUnderflowLoss(_:step:nodes:)``: what the complex step loses where an
/// imaginary part leaves V's normal range (`jac jacobian --mode complex-step` printed
/// 0.7071169106604155 for 1/√2 with no note at √(x₀² + x₁²), x₀ = x₁ = 10⁻¹⁵⁰).
///
/// `seedsRound` false leaves out the rounding of the inputs' tangents, for a caller whose seeds
/// are exact (unit directions scaled by powers of two: the Hessian's lowered columns), where
/// those terms count a rounding that does not happen.
///
/// `firstOrderFailure` is what a lane gets where no first-order bound holds (+∞, as for a bound
/// that overflowed, unless asked otherwise): the Hessian's bound asks for −∞ to tell the two
/// apart, since lowering the directions recovers an overflowed bound but not a failed one.
/// `lostInsidePrimal` likewise, for a lane whose imaginary part a user primitive's primal may
/// lose (+∞ unless asked otherwise; the complex step's Jacobian asks for −∞ to name it underflow).
@_specialize(where V == Double, T == Double)
@_specialize(where V == Float, T == Float)
@_specialize(where V == Double, T == SIMD8<Double>)
@_specialize(where V == Float, T == SIMD8<Float>)
@usableFromInline func derivativeRoundingBounds<V: ADScalar & BinaryFloatingPoint, T: TangentVector>(
    recording rec: Recording<Dual<V, T>>, leavesRound: Bool, imaginarySteps: [Double]? = nil, seedsRound: Bool = true,
    firstOrderFailure: Double = .infinity, lostInsidePrimal: Double = .infinity
) -> [[Double]] where T.Scalar == V {
    let eps = Double(V.ulpOfOne)
    let lanes = T.laneCount
    let tape = rec.tape
    let entries = (0..<tape.count).map { tape.entry($0) }
    // Every per-node fact the sweeps read, taken out of the entries once: reading an entry copies
    // it (its inputs array retained and released), and doing so per output, lane and node made
    // the bound 87% of a 20 × 20 check.
    let count = entries.count
    let values = entries.map { $0.map { Double($0.value.value) } ?? .nan }
    var tangents = [Double](repeating: .nan, count: count * lanes)
    for (k, e) in entries.enumerated() {
        guard let e else { continue }
        for lane in 0..<lanes { tangents[k * lanes + lane] = Double(e.value.tangent[lane: lane]) }
    }
    // The class of each node: the first node with the same op, attribute and argument values
    // and tangents, bit for bit (−0 and 0 round differently through 1/x). A user primitive's
    // node is its own class: a vector primitive's outputs share their arguments. Found by hash,
    // then compared: a key array per node made the bound cost more than the Jacobian it bounds.
    func same(_ a: Int, _ b: Int) -> Bool {
        guard values[a].bitPattern == values[b].bitPattern else { return false }
        for lane in 0..<lanes where tangents[a * lanes + lane].bitPattern != tangents[b * lanes + lane].bitPattern { return false }
        return true
    }
    var firstOfKind: [Int: [Int]] = [:]
    let group: [Int] = entries.indices.map { k in
        guard let e = entries[k], e.op != .custom else { return k }
        let arguments = e.inputs.isEmpty ? [k] : e.inputs
        var hasher = Hasher()
        hasher.combine(e.op.rawValue)
        hasher.combine(e.attribute)
        for a in arguments {
            hasher.combine(values[a].bitPattern)
            for lane in 0..<lanes { hasher.combine(tangents[a * lanes + lane].bitPattern) }
        }
        let hash = hasher.finalize()
        for first in firstOfKind[hash, default: []] {
            guard let f = entries[first], f.op == e.op, f.attribute == e.attribute else { continue }
            let theirs = f.inputs.isEmpty ? [first] : f.inputs
            if theirs.count == arguments.count && zip(theirs, arguments).allSatisfy({ same($0, $1) }) { return first }
        }
        firstOfKind[hash, default: []].append(k)
        return k
    }
    // What a node's tangent is rounded relative to, per lane (node k's at k·lanes + lane): itself
    // for a sum, a difference or a chain rule f′(a)·ȧ (one rounding of the result), the sum of
    // its terms' magnitudes for a product rule (ȧ/b − (a/b)·ḃ/b rounds each term): A/A of two
    // copies of one value is 1 with a tangent of −5.6e-18 from ȧ/b and (a/b²)·ḃ rounding apart,
    // where a bound of 0 convicted it. An argument whose tangent is an exact 0 adds an exact 0
    // term, whatever its partial (pow's ∂base is +∞ at a zero base: ∞ · 0 made the sum NaN).
    var tangentTerms = tangents.map { Swift.abs($0) }
    for k in entries.indices {
        guard let e = entries[k], e.inputs.count >= 2, e.op != .add, e.op != .sub, e.op != .max, e.op != .min,
              let p = tape.primalPartials(k, primal: { Double($0.value) }), p.count == e.inputs.count else { continue }
        for lane in 0..<lanes {
            var moving = 0
            let terms = zip(p, e.inputs).reduce(0.0) { sum, term in
                let t = tangents[term.1 * lanes + lane]
                if t != 0 { moving += 1 }
                return t == 0 ? sum : sum + Swift.abs(term.0) * Swift.abs(t)
            }
            // With one argument moving, the rule's one term is the tangent itself: a partial that
            // overflowed beside a tangent that did not (1/x at 10⁻¹⁶⁰ along 2⁻⁶⁴: −1/x² is −∞,
            // the tangent −5.4·10³⁰⁰, as division's rule computes it without forming 1/x²) says
            // nothing more, and made the Hessian's lowered bound of x·log x infinite.
            if !terms.isNaN && (terms.isFinite || moving > 1) {
                tangentTerms[k * lanes + lane] = Swift.max(tangentTerms[k * lanes + lane], terms)
            }
        }
    }
    // The classes' first nodes, each with what its value's rounding is relative to (0 for x and
    // f's constants unless `leavesRound`: the derivative is at the x given).
    // Below the normal range a value is rounded to a multiple of the least nonzero magnitude,
    // not to within ε of itself, and ε·leastNormal is that quantum, so every op's value is
    // counted as at least leastNormal: √(x·y) at x = 10⁻³⁰⁰, y = 6.917·10⁻²⁴ rounds x·y = 1.4
    // quanta to 1, and ∂/∂y came out 18% high with a bound of 10⁻¹⁵ of itself. Not the tangents:
    // they are linear in the seed, and forward and reverse mode rescale a seed whose tangents
    // left Double's range (a floor on the tangent of 1/x at 10¹⁷⁰, which underflows, noted a
    // recovered −10⁻⁴⁰ as movable by 5·10⁻²⁴).
    let leastNormal = Double(V.leastNormalMagnitude)
    let representatives = entries.indices.filter { group[$0] == $0 }
    let rounds = representatives.map { k in leavesRound || !(entries[k]?.inputs.isEmpty ?? false) }
    let magnitudes = representatives.map { k in
        let leaf = entries[k]?.inputs.isEmpty ?? false
        return leaf ? Swift.abs(values[k]) : Swift.max(Swift.abs(values[k]), leastNormal)   // NaN stays NaN
    }
    // The bound is first order: it holds while every value the derivative depends on moves by a
    // small part of itself. Where rounding upstream moves one by a quarter of itself or more
    // (δₖ, carried forward through the ops' partials, beside |vₖ|), the derivative's offset is
    // not linear in it and the bound can fall short: 1/(x·x − c) at x = 1.4142135623731433,
    // c = 2.0000000000001363 rounds x·x by ε, about x·x − c itself (2.2·10⁻¹⁶, made 4.4·10⁻¹⁶),
    // and f′ = −5.74·10³¹ was 4.3·10³¹ from the floats' −1.43·10³¹ beside a bound of 2.9·10³¹.
    // The bound of such an output is infinite then, as for one that overflowed. A value that
    // reaches the derivative only linearly (∂(J·v)/∂vₖ = 0, as for exp(30x) − exp(30x), an
    // exact 0, added to sin x) is not one: there the offset is exactly first order.
    // A product with a factor that is an exact 0, itself unmoved by rounding, is an exact 0: it
    // neither rounds nor underflows. Counted as possibly rounded by the least normal magnitude,
    // the base x·x of (x·x)^y at (0, ½) met pow's +∞ sensitivity at a zero base, and ∂f/∂y (0 by
    // hand) was "could not be bounded"; x^y there was already exact, x being a leaf.
    var exactZero = [Bool](repeating: false, count: count)
    var moves = [Double](repeating: 0, count: count)
    // A difference of one computation and itself (v − v, or v + (−v)) is an exact 0 as well,
    // however v rounded: both operands are the same rounded value of the same exact one. A rule
    // that recovers a product's rounding with a fused multiply-add (erf's e^(−x²)) computes
    // a·b − a·b on a scalar without one, as the Hessian's columns are: counted as moved by all of
    // itself, that 0 left every erf and gelu Hessian with no first-order bound. The same op on
    // the same nodes, not the same class: a class is equal argument values, and (x + 10⁻¹⁶)·y and
    // x·y are one class whose exact values differ by 10⁻¹⁶·y, which rounding hid (a review).
    func sameComputation(_ a: Int, _ b: Int) -> Bool {
        guard a >= 0, b >= 0, a < count, b < count else { return false }
        if a == b { return true }
        guard let p = entries[a], let q = entries[b], p.op == q.op, p.op != .custom, p.attribute == q.attribute,
              !p.inputs.isEmpty else { return false }
        if p.inputs == q.inputs { return true }
        let commutes = p.op == .add || p.op == .mul || p.op == .hypot || p.op == .max || p.op == .min
        return commutes && p.inputs.count == 2 && p.inputs == q.inputs.reversed()
    }
    func negated(_ a: Int) -> Int? {
        guard a >= 0, a < count, let n = entries[a], n.op == .neg, n.inputs.count == 1 else { return nil }
        return n.inputs[0]
    }
    for k in entries.indices {
        guard let e = entries[k] else { continue }
        if e.inputs.count == 2, values[k] == 0 {
            let (a, b) = (e.inputs[0], e.inputs[1])
            let cancels = e.op == .sub ? sameComputation(a, b)
                : e.op == .add && ((negated(b).map { sameComputation(a, $0) } ?? false) || (negated(a).map { sameComputation($0, b) } ?? false))
            if cancels {
                exactZero[k] = true
                continue
            }
        }
        if e.op == .mul, values[k] == 0,
           e.inputs.contains(where: { a in a < k && values[a] == 0 && moves[a] == 0 && (exactZero[a] || (entries[a]?.inputs.isEmpty ?? false)) }) {
            exactZero[k] = true
            continue
        }
        let own = leavesRound || !e.inputs.isEmpty ? eps * Swift.max(Swift.abs(values[k]), e.inputs.isEmpty ? 0 : leastNormal) : 0
        var carried = 0.0
        if e.op == .add || e.op == .sub {
            // Partials ±1, without building them (the common op; the bound's cost is watched).
            for a in e.inputs where a < count { carried += moves[a] }
        } else if !e.inputs.isEmpty, let p = tape.primalPartials(k, primal: { Double($0.value) }), p.count == e.inputs.count {
            for (partial, a) in zip(p, e.inputs) where a < count && moves[a] > 0 { carried += Swift.abs(partial) * moves[a] }
        }
        moves[k] = own + carried
    }
    // A value whose every use is a sum or a difference reaches the derivative only through those
    // sums, which carry its move (above) and are tested themselves: the move is nonlinear in the
    // derivative only where an op with a varying partial reads it. Tested itself, a partial sum
    // that cancels to 0 beside a large term (x₀x₁ + x₂x₃ = 0.01 − 0.01 inside √(… + 2), a ray's
    // b = d·(o − C)) made every entry's bound infinite.
    //
    // So is a factor of a product, or a quotient's numerator, whose other operand rounding moves
    // by no more than √ε of itself: the product is affine in it, and its cross term with the
    // other's move is √ε of the first-order term the bound counts. (The derivative also reads the
    // other operand's tangent, whose move this does not look at: that cross term is held only
    // by the test upstream, a quarter of itself, not by √ε; a review.) That is how a rule's
    // correction term is read, the exact 0 plus residual that recovers a rounding (hypot's
    // a/b − t and √(1 + t²)'s residual, pow's exponent error y − (s + 1)): rounding moves it by
    // all of itself by design, and tested as read nonlinearly it left every Hessian through
    // hypot, and pow's ∂²/∂x² at (2, 0.3), "could not be bounded". The product is tested itself
    // where something reads it nonlinearly.
    let steadyShare = Double(V.ulpOfOne).squareRoot()
    func steady(_ a: Int) -> Bool {
        a >= 0 && a < count && (exactZero[a] || moves[a] <= steadyShare * Swift.max(Swift.abs(values[a]), leastNormal))
    }
    var readNonlinearly = [Bool](repeating: false, count: count)
    for e in entries {
        guard let e, e.op != .add, e.op != .sub, e.op != .neg else { continue }
        for (position, a) in e.inputs.enumerated() where a >= 0 && a < count {
            let others = e.inputs.indices.lazy.filter { $0 != position }.map { e.inputs[$0] }
            let linear = (e.op == .mul || (e.op == .div && position == 0)) && others.allSatisfy(steady)
            if !linear { readNonlinearly[a] = true; readNonlinearly[group[a]] = true }
        }
    }
    // The representatives where it fails, usually none: tested apart from the sums below, whose
    // loop a test per node slowed by a tenth of a 20 × 20 check.
    let firstOrderFails = representatives.filter { (k: Int) -> Bool in
        guard let e = entries[k], !e.inputs.isEmpty, moves[k] > 0, readNonlinearly[k] else { return false }
        // Against the subnormal quantum at least, as the values' own rounding is: x − x is an exact 0.
        let size: Double = Swift.max(Swift.abs(values[k]), leastNormal)
        return !(moves[k] < 0.25 * size)
    }
    // Nodes that depend on no input of f (its constants and what is built from them only): their
    // tangent is exactly 0 in every mode and lane, and an exact 0 does not round, so it moves
    // nothing, however large the partial it multiplies. pow's ∂base is +∞ at a zero base, and
    // 0^x at 0.7 (f′ = 0 by hand: 0^x is 0 for every x > 0) had an infinite bound from
    // ∞ · 0 = NaN; jac check called its entry unbounded and jac's JSON "unreliable". Their
    // values' rounding is counted as before (exp(1)^x rounds e).
    let inputNodes = Set(rec.inputs.compactMap(\.node))
    var constantOnly = [Bool](repeating: false, count: count)
    for (k, e) in entries.enumerated() {
        guard let e else { continue }
        constantOnly[k] = e.inputs.isEmpty ? !inputNodes.contains(k) : e.inputs.allSatisfy { $0 >= 0 && $0 < k && constantOnly[$0] }
    }
    var valuePart = [Double](repeating: 0, count: count * lanes)
    var tangentPart = [Double](repeating: 0, count: count)
    // User primitives, whose primals the tape holds as one node each: an imaginary part lost inside
    // one cannot be bounded (``complexStepUnderflowsInsideOpaquePrimal(_:step:arguments:)``).
    let opaqueNodes = imaginarySteps == nil ? [] : entries.indices.filter { entries[$0]?.op == .custom }
    return rec.outputs.indices.map { i in
        let cotangents = tape.nodeCotangents(from: [(rec.outputs[i], Dual(1, tangent: T.zero))])
        for k in valuePart.indices { valuePart[k] = 0 }
        for k in tangentPart.indices { tangentPart[k] = 0 }
        for (k, c) in cotangents.enumerated() where k < count {
            let g = group[k]
            for lane in 0..<lanes { valuePart[g * lanes + lane] += Double(c.tangent[lane: lane]) }
            tangentPart[g] += Double(c.value)
        }
        return (0..<lanes).map { lane in
            var sum = 0.0
            for k in firstOrderFails where valuePart[k * lanes + lane] != 0 { return firstOrderFailure }
            for (r, k) in representatives.enumerated() {
                // A tangent with no nonzero term is an exact 0 in this lane (as a constant-only
                // node's is in every lane) and rounds by nothing, however large the partial it
                // meets: x^y at (0, ½) along y, where ∂f/∂x = +∞ meets x's tangent 0 (∂f/∂y = 0
                // by hand: 0^y is 0 for every y > 0), had an infinite bound from ∞ · 0, and jac
                // check said the entry's rounding could not be bounded.
                let tangentTerm = tangentTerms[k * lanes + lane]
                sum += (rounds[r] && !exactZero[k] ? Swift.abs(valuePart[k * lanes + lane]) * magnitudes[r] : 0)
                    + (constantOnly[k] || tangentTerm == 0 || (!seedsRound && inputNodes.contains(k)) ? 0 : Swift.abs(tangentPart[k]) * tangentTerm)
            }
            var bound = eps * sum
            if let steps = imaginarySteps, lane < steps.count, steps[lane] > 0 {
                let lost = opaqueNodes.contains { k in
                    guard let e = entries[k], tangentPart[group[k]] != 0 else { return false }
                    let arguments = e.inputs.lazy.filter { $0 >= 0 && $0 < count }
                        .map { (value: values[$0], tangent: tangents[$0 * lanes + lane]) }
                    return complexStepUnderflowsInsideOpaquePrimal(V.self, step: steps[lane], arguments: arguments)
                }
                if lost { return lostInsidePrimal }
                let nodes = representatives.lazy.filter { !(entries[$0]?.inputs.isEmpty ?? true) }
                    .map { (tangent: tangents[$0 * lanes + lane], sensitivity: tangentPart[$0]) }
                bound += complexStepUnderflowLoss(V.self, step: steps[lane], nodes: nodes)
            }
            return bound.isNaN ? .infinity : bound
        }
    }
}

/// The complex step's error at step h from imaginary parts that leave V's normal range inside f:
/// node k's is about h·tₖ (tₖ its tangent along the step's direction), and below the least
/// normal magnitude it keeps only multiples of the least nonzero one, or underflows to 0, which
/// moves the output by up to |∂fᵢ/∂vₖ| (`sensitivity`, or a bound on it) times a few such quanta
/// over h: as many as the step's own estimate counts for the final imaginary part. 0 where no
/// imaginary part leaves the range. The caller leaves out f's inputs: an input's imaginary part
/// is the seed h·vⱼ, whose rounding the step's estimate counts (√x at 10⁻³⁰⁰ is exact at a
/// subnormal h).
///
/// The step's own estimate sees only the final imaginary part and the seed: √(x₀² + x₁²) at
/// x₀ = x₁ = 10⁻¹⁵⁰ has Im(x₀·x₀) = 2x₀·h = 2·10⁻³²⁰ at h = 10⁻¹⁷⁰ (12 bits), and its complex step
/// was 0.7071169 "± 3.1·10⁻¹⁶" for 1/√2; at 10⁻¹⁵⁵ that part underflows to 0, and it read
/// 0 ± 10⁻¹⁴³. The check convicted forward and reverse mode against both, and `jac jacobian
/// --mode complex-step` printed the first with no note. Here it is about 8·10⁻⁴ and 10⁷ (two
/// nodes, x₀·x₀ and the sum, each 1/(2·√(x₀² + x₁²)) from the output).
func complexStepUnderflowLoss<V: BinaryFloatingPoint>(
    _: V.Type, step h: Double, nodes: some Sequence<(tangent: Double, sensitivity: Double)>
) -> Double {
    guard h > 0 else { return 0 }
    let leastNormal = Double(V.leastNormalMagnitude)
    var lost = 0.0
    // An exact 0 tangent is an exact 0 imaginary part: nothing there to lose.
    for (t, s) in nodes where s != 0 && t != 0 && t.isFinite && Swift.abs(h * t) < leastNormal { lost += Swift.abs(s) }
    guard lost > 0 else { return 0 }
    let bound = DifferenceTuning.evaluationNoiseULPs * Double(V.leastNonzeroMagnitude) / h * lost
    return bound.isNaN ? .infinity : bound
}

/// Whether a complex step at h may lose an imaginary part inside an opaque primal (a user
/// primitive's, one tape node) whose arguments have these real values and tangents along the
/// step's direction. Inside it the tape sees nothing, so the likeliest loss is judged: a product
/// of two arguments, whose imaginary part is a value times another's imaginary part h·t, below
/// the least normal magnitude, or of up to four (below). Then no bound on what was lost can be made, and the caller calls
/// the loss unbounded. An argument that is exactly 0 multiplies exactly (its products are 0), and
/// one with tangent 0 carries no imaginary part.
///
/// A user √(x² + y²) at (3·10⁻¹⁵⁰, 4·10⁻¹⁵⁰), stepped by h = 2⁻⁵⁶¹ ≈ 3·10⁻¹⁶⁹ along x: Im(x·x) =
/// 2x·h ≈ 2·10⁻³¹⁸ keeps a few bits or none, and the complex step read 0 for 0.6. Conservative
/// for a primal that multiplies no two arguments (exp x at 10⁻²⁰⁰): its complex step is refused
/// there though it was right, and the check asks its other witnesses. At (3, 4), h = 2⁻⁶⁸, every
/// such product is about 10⁻²⁰ and nothing is refused.
/// How many factors a product inside an opaque primal is judged to have
/// (``complexStepUnderflowsInsideOpaquePrimal(_:step:arguments:)``): a quartic's.
let opaqueProductFactors = 4

func complexStepUnderflowsInsideOpaquePrimal<V: BinaryFloatingPoint>(
    _: V.Type, step h: Double, arguments: some Sequence<(value: Double, tangent: Double)>
) -> Bool {
    let leastNormal = Double(V.leastNormalMagnitude)
    let arguments = Array(arguments)
    // A product of several arguments is judged too (up to ``opaqueProductFactors`` of them, the
    // least nonzero value each time): x·x·x·10²⁰⁰ at 10⁻¹⁰⁰ keeps Im(x·x) = 2x·h normal and
    // loses Im(x³) = 3x²·h ≈ 2·10⁻³²⁰, 1.5·10⁻⁵ of its complex step (a review). A primal with
    // more factors than that is not seen.
    let least = arguments.lazy.map { Swift.abs($0.value) }.filter { $0 != 0 && $0.isFinite }.min() ?? 1
    let others = Double.pow(Swift.min(least, 1), Double(opaqueProductFactors - 1))
    for moved in arguments where moved.tangent != 0 && moved.tangent.isFinite {
        if Swift.abs(h * moved.tangent) * others < leastNormal { return true }
    }
    return false
}

/// Whether a derivative rounding bound says a finite AD entry may be far from f′: the bound
/// overflowed, or it exceeds `relative` of the entry's own size (the bound is of that entry
/// alone: beside 10¹⁰·x in its row, (eʸ − 1)/y at 10⁻⁹ went unnoted with −81.74 for 0.5), or of
/// its row's largest where the entry is 0, and never below the normal range (a bound of the
/// subnormal quantum on an underflowed 0 says nothing). NaN, no bound made, is not large. The
/// check's report and jac's notes and JSON all judge by it.
package func derivativeRoundingIsLarge(_ bound: Double, entry: Double, rowScale: Double, relative: Double,
                                       leastNormal: Double) -> Bool {
    guard entry.isFinite, !bound.isNaN else { return false }
    return bound.isInfinite || bound > relative * (entry == 0 ? Swift.max(rowScale, leastNormal) : Swift.abs(entry))
}

/// Checks a caller's per-output evaluation error: one finite, non-negative entry per output.
func validate(evaluationError e: [Double]?, outputs m: Int) throws {
    guard let e else { return }
    if e.count != m { throw ADError.dimensionMismatch(what: "evaluationError entries (one per output)", expected: m, got: e.count) }
    if let bad = e.first(where: { !($0.isFinite && $0 >= 0) }) {
        throw ADError.invalidArgument("evaluationError must be finite and non-negative, got \(bad)")
    }
}

/// Per output i and input j, how far xⱼ can move before an op on a path to fᵢ reaches its kink
/// (relu, abs, max … at their switch; a user primitive's declared `kinkDistance`), linearised
/// from f's tape at `x`; +∞ where no such op moves along eⱼ. A difference whose samples reach
/// further (``DifferenceEstimate/reach``) may straddle the kink, and its error estimate does not
/// see it: Richardson on 1 + 2·10⁻⁷x + 10⁻⁹·relu(0.99999 − x) at 1.0000001 settled on
/// 1.995e-7 ± 6e-14 for 2e-7, its steps averaging the two slopes.
///
/// ```swift
/// struct Hinge: ADFunction {
///     func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] + relu(0.5 - x[0]) * x[1]] }
/// }
/// let room = try kinkRooms(of: Hinge(), at: [0.25, 2.0])   // [[0.25, ∞]]: x₀ meets the hinge 0.25 away
/// ```
/// - Throws: what recording f throws.
@inlinable public func kinkRooms<V: ADScalar & BinaryFloatingPoint>(of f: some ADFunction, at x: [V]) throws -> [[Double]] {
    try checkedKinkRooms(recording: record({ f($0) }, at: x))
}

/// ``kinkRooms(recording:)``, throwing ``ADError/invalidArgument(_:)`` naming the user primitive
/// whose declared `kinkDistance` is NaN or negative at its recorded inputs.
@_specialize(where V == Double)
@_specialize(where V == Float)
@usableFromInline package func checkedKinkRooms<V: ADScalar & BinaryFloatingPoint>(recording: Recording<V>) throws -> [[Double]] {
    let graph = TapeGraph(recording)
    if let bad = graph.invalidKinkDistance { throw bad }
    return kinkRooms(recording: recording, graph: graph)
}

/// ``kinkRooms(of:at:)`` of a recording already made.
///
/// ```swift
/// let rec = try record({ Hinge()($0) }, at: [0.25, 2.0])
/// let room = try kinkRooms(recording: rec)   // [[0.25, ∞]]
/// ```
/// - Throws: ``ADError/invalidArgument(_:)`` naming a user primitive whose declared
///   `kinkDistance` is NaN or negative at its recorded inputs. Such a distance says nothing
///   about where the kink is; this once returned no room for it, silently, where the check, the
///   differences and the sweep refused it.
public func kinkRooms<V: ADScalar & BinaryFloatingPoint>(recording: Recording<V>) throws -> [[Double]] {
    try checkedKinkRooms(recording: recording)
}

func kinkRooms<V: ADScalar & BinaryFloatingPoint>(recording: Recording<V>, graph: TapeGraph) -> [[Double]] {
    let n = recording.inputs.count, m = recording.outputs.count
    var rooms = [[Double]](repeating: [Double](repeating: .infinity, count: n), count: m)
    guard !graph.kinkCandidates.isEmpty else { return rooms }
    // One forward pass per input, not one path mask per entry: a candidate counts for fᵢ when it
    // lies downstream of xⱼ and upstream of fᵢ, so each node carries the least room among the
    // candidates it depends on. Per entry (an ancestor and a descendant pass each, as
    // `TapeGraph.kinkRooms(output:input:tangents:)` does) the cost was m·n times the tape:
    // relu(xᵢ) + xᵢ₊₁ for 400 outputs and inputs spent 1.7 s here (release) for differences
    // that take 0.03 s.
    let count = graph.ops.count
    for j in 0..<n {
        guard j < graph.inputNodes.count, let s = graph.inputNodes[j], s >= 0, s < count else { continue }
        let t = graph.tangents(input: j)
        let downstream = graph.descendants(of: s)
        var room = [Double](repeating: .infinity, count: count)
        for (c, sensitivity) in zip(graph.kinkCandidates, graph.kinkSensitivities(tangents: t))
        where c.node >= 0 && c.node < count && downstream[c.node] && sensitivity > 0 && sensitivity.isFinite {
            room[c.node] = Swift.min(room[c.node], c.distance / sensitivity)
        }
        // Tape order is topological (see `ancestors(of:)`): one pass carries every room forward.
        for k in 0..<count {
            for a in graph.args[k] where a >= 0 && a < count && room[a] < room[k] { room[k] = room[a] }
        }
        for i in 0..<m {
            guard i < graph.outputNodes.count, let o = graph.outputNodes[i], o >= 0, o < count else { continue }
            rooms[i][j] = room[o]
        }
    }
    return rooms
}

/// The most tape-entry visits a rounding bound read off f's tape may cost before it is skipped
/// (2²²: see ``TapeFacts/init(recording:)``).
@usableFromInline let tapeRoundingVisits = 1 << 22

/// What f's tape at x tells a difference of an ``ADFunction`` that its samples cannot: how much
/// one evaluation rounds (``evaluationRoundingBound(recording:)``), how fast that grows as an
/// input moves, and how far each input can move before a kink (``kinkRooms(recording:)``). A
/// closure on real arrays cannot be recorded; an ADFunction can, so its differences no longer
/// assume away what the tape shows (the library returned x² − 2x + 1 at 1.0000001 as
/// 2.0000152e-7 ± 8.9e-16 for 2.00000000117e-7, and Richardson's 1.995e-7 ± 6e-14 for a slope of
/// 2e-7 beside a relu's kink, with no warning).
package struct TapeFacts: Sendable {
    /// Per output i, ε·Σₖ|∂fᵢ/∂vₖ|·|vₖ| at x; nil when not affordable (below).
    var rounding: [Double]?
    /// Per output i and input j, ε·Σₖ|∂fᵢ/∂vₖ|·|∂vₖ/∂xⱼ|: the first-order growth of that bound
    /// as xⱼ moves, so a sample at distance r is allowed rounding + growth·r.
    var growth: [[Double]]?
    /// Per output and input, the room to the nearest kink; nil when not affordable (below).
    var kinkRooms: [[Double]]?
    /// A user primitive's `kinkDistance` that is NaN or negative at x (``TapeGraph/invalidKinkDistance``):
    /// the differences throw it, as no room to a kink can be read from it.
    var invalidKinkDistance: ADError?
    /// Per output i and input j, whether fᵢ is affine in xⱼ on the tape (``affineInputs(graph:inputs:outputs:)``);
    /// nil when not affordable (the kink rooms' budget).
    var affine: [[Bool]]?

    /// The rounding bound and its growth cost one sweep per output, one tangent pass per input
    /// and one product per output, input and entry, and keep a row per output and input; beyond
    /// 2²² such visits (32 MB; a 100 × 100 Jacobian of a function of 400 ops) they are skipped
    /// and the differences run on the value-only model, as for a closure. The kink rooms cost one
    /// tangent pass per input (when the tape has a kink), fewer than the differences' own
    /// evaluations, but each visit is slower than an evaluation's op; beyond 2²⁴ visits they are
    /// skipped too, and no entry is flagged. The affine inputs cost one pass per input and share
    /// that budget.
    package init<V: ADScalar & BinaryFloatingPoint>(recording: Recording<V>) {
        let m = recording.outputs.count, n = recording.inputs.count, entries = recording.tape.count
        let visits = (m + n + m * n).multipliedReportingOverflow(by: entries)
        let roomVisits = n.multipliedReportingOverflow(by: entries)
        let graph = TapeGraph(recording)
        invalidKinkDistance = graph.invalidKinkDistance
        if !roomVisits.overflow && roomVisits.partialValue <= 1 << 24 {
            kinkRooms = AdjointCheck.kinkRooms(recording: recording, graph: graph)
            affine = affineInputs(graph: graph, inputs: n, outputs: m)
        }
        guard !visits.overflow, visits.partialValue <= tapeRoundingVisits else { return }
        let eps = Double(V.ulpOfOne)
        let magnitudes = recording.nodeMagnitudes()
        let sensitivities = recording.outputs.indices.map { recording.sensitivities(output: $0) }
        rounding = sensitivities.map { eps * Recording<V>.roundingScale(sensitivities: $0, magnitudes: magnitudes) }
        // Only recorded intermediates round (magnitude 0 marks the inputs, whose rounding is the
        // caller's), so only they grow.
        let tangents = (0..<n).map { j in graph.tangents(input: j).map(Swift.abs) }
        growth = sensitivities.map { a in
            tangents.map { t in
                var sum = 0.0
                for k in 0..<Swift.min(a.count, t.count, magnitudes.count) where magnitudes[k] != 0 && a[k] != 0 && t[k] != 0 {
                    let term = a[k] * t[k]
                    if term.isFinite { sum += term }
                }
                return eps * sum
            }
        }
    }

    /// The facts and f(x) from one recording of f at x: the tape's values are f's (every mode
    /// evaluates the registry's primal), so the recording stands in for the evaluation of f at x
    /// and a difference calls f no more often than without it. Nil when f cannot be recorded at x
    /// (a domain error there, a vector primitive without a VJP, a tape past its limit): the
    /// differences then evaluate f(x) and run on the value-only model.
    static func of<V: ADScalar & BinaryFloatingPoint & Real & Sendable>(
        _ f: SpecialisedFunction<V>, at x: [V]
    ) -> (facts: TapeFacts, value: [V])? {
        let (recording, _) = Diagnostics.collect { try? record({ f($0) }, at: x) }
        return recording.map { (TapeFacts(recording: $0), $0.value) }
    }
}

extension DifferenceJacobian {
    /// The same Jacobian with ``FDWarning/crossesKink`` on every entry whose samples reach as
    /// far as a kink along its input (`rooms[i][j]`, from ``kinkRooms(recording:)``).
    package func flaggingKinkCrossings(rooms: [[Double]]?) -> DifferenceJacobian {
        guard let rooms else { return self }
        let flagged = entries.enumerated().map { i, row in
            row.enumerated().map { j, e -> DifferenceEstimate in
                guard i < rooms.count, j < rooms[i].count, e.reach >= rooms[i][j], !e.warnings.contains(.crossesKink) else { return e }
                var e = e
                e.warnings = (e.warnings + [.crossesKink]).sorted()
                return e
            }
        }
        return DifferenceJacobian(method: method, stepOption: stepOption, value: value, jacobian: jacobian,
                                  entries: flagged, evaluations: evaluations, unsupported: unsupported)
    }
}

/// Per input j, the sum over the tape's paths from input j to output `i` of the product of
/// |local partials|: what reverse mode's rounding of ∂fᵢ/∂xⱼ is relative to (the check grants it
/// ``CheckOptions/errorEstimateSafety`` × ``CheckOptions/adAccuracyULPs`` ulps of this); 0 for an
/// input the output does not depend on, and for an output that is not recorded. `inputs` (all when
/// nil) names the inputs wanted, in the order returned: each costs a sweep of the tape.
@usableFromInline package func pathMagnitudes<V>(recording: Recording<V>, output i: Int, inputs: [Int]? = nil) -> [Double] {
    let graph = TapeGraph(recording)
    let columns = inputs ?? Array(recording.inputs.indices)
    guard i >= 0, i < graph.outputNodes.count, let node = graph.outputNodes[i] else { return columns.map { _ in 0 } }
    return columns.map { j in j >= 0 && j < recording.inputs.count ? graph.tangents(input: j, magnitudes: true)[node] : 0 }
}
