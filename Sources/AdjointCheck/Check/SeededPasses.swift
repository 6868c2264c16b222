import AdjointCore

// One forward or reverse pass with its seed scaled by a power of two, divided back. Scaling is
// exact for every tangent and adjoint that stays in Double's normal range, so such a pass equals
// the unscaled one unless a value left the range: the check (range-loss) and `jac` (unreliable
// entries) both read them, from here.

/// Row `i` of reverse mode on `recording`, with the cotangent of output i set to `seed` and the
/// row divided back by it; nil when the sweep fails or any adjoint of it is not finite. An
/// adjoint that overflows is no exact scaling: a rule then orders its products otherwise (the
/// division's VJP does), and x/y at (3e-300, 7e-161) came back 2 ulps away, a false alarm.
///
/// ```swift
/// let rec = try record({ x in [x[0] * x[0] / Reverse.powi(x[0], 300)] }, at: [10.0])
/// seededReverseRow(recording: rec, output: 0, seed: 0x1p1000)   // [-2.98e-297]; unseeded 2e-299
/// ```
// Specialised: `jac`'s unreliable-entry pass calls it once per output and seed, and run generic
// (a metadata lookup per tape entry) it was 58% of an 800 × 800 reverse Jacobian's 3.6 s.
@_specialize(where V == Double)
@_specialize(where V == Float)
public func seededReverseRow<V: ADScalar & BinaryFloatingPoint>(recording: Recording<V>, output i: Int, seed: V) -> [Double]? {
    let m = recording.outputs.count, n = recording.inputs.count
    guard i >= 0, i < m else { return nil }
    var u = [V](repeating: 0, count: m)
    u[i] = seed
    // Recovering what the lifts settle, as the unscaled rows the check and jac read do: a pass at
    // 2⁵⁰⁰ that lost what the recovered row kept read as a range loss beside it.
    guard recording.tape.nodeCotangents(from: Array(zip(recording.outputs, u))).allSatisfy({ $0.isFinite }),
          let g = try? recording.pullback(seeds: Array(zip(recording.outputs, u)), checked: false, range: .keepingUnsettled),
          g.count == n else { return nil }
    return g.map { Double($0 / seed) }
}

/// Column `j` of forward mode: `f` with input j's tangent set to `seed`, the output tangents
/// divided back by it; nil when the outputs' count is not `outputs`.
@_specialize(where V == Double)
@_specialize(where V == Float)
public func seededForwardColumn<V: ADScalar & BinaryFloatingPoint>(
    of f: ([Dual<V, V>]) -> [Dual<V, V>], at x: [V], input j: Int, outputs m: Int, seed: V
) -> [Double]? {
    // Recovering what the lifts settle, as the seeded reverse rows do.
    let t = rangeRecoveredTangents(of: f, at: x, direction: x.indices.map { $0 == j ? seed : 0 })
    return t.count == m ? t.map { Double($0 / seed) } : nil
}

/// The largest power of two the cotangent of output `i` can be scaled by while every adjoint of
/// the sweep stays finite: 2^(emax − e − 8), e the exponent of the largest adjoint of the
/// unscaled sweep (8 bits spare for products a rule forms on the way). nil when that sweep has a
/// non-finite or no nonzero adjoint, or the seed would not exceed 1.
///
/// Why: the fixed seeds overflow wherever some adjoint is large. In x²/x³⁰⁰ + 10¹⁰·y at
/// (10, 1), 2¹⁰⁰⁰ overflows y's adjoint and 2⁵⁰⁰ cannot lift x³⁰⁰'s −10⁻⁵⁹⁸ into range, so the
/// lost term went unseen and the check called the division rule wrong; 2⁹⁸² does both.
///
/// ```swift
/// let rec = try record({ x in [x[0] * x[0] / Reverse.powi(x[0], 300) + 1e10 * x[1]] }, at: [10.0, 1.0])
/// largestSafeReverseSeed(recording: rec, output: 0)   // 2⁹⁸²
/// ```
@_specialize(where V == Double)
@_specialize(where V == Float)
public func largestSafeReverseSeed<V: ADScalar & BinaryFloatingPoint>(recording: Recording<V>, output i: Int) -> V? {
    let m = recording.outputs.count
    guard i >= 0, i < m else { return nil }
    var u = [V](repeating: 0, count: m)
    u[i] = 1
    let adjoints = recording.tape.nodeCotangents(from: Array(zip(recording.outputs, u)))
    guard adjoints.allSatisfy({ $0.isFinite }) else { return nil }
    // The rule the Hessian's range recovery lifts its seeds by (one copy of it). The output's own
    // adjoint is 1, so the cap at V's largest exponent never binds here.
    return largestSafeSeed(adjoints.map { Double(Swift.abs($0)) }, topExponent: Int(V.greatestFiniteMagnitude.exponent))
}

/// Output i's row at each seed (``seededReverseRow(recording:output:seed:)``, nil where that sweep
/// failed or an adjoint overflowed), and, where the largest seed's sweep was refused, at the row's
/// ``largestSafeReverseSeed(recording:output:)`` as well. Every range-loss test takes its seeded
/// reverse rows from here: the check, `jac`'s unreliable entries (dense and sparse) and the step
/// sweep's reference.
///
/// ```swift
/// let rec = try record({ x in [x[0] * x[0] / Reverse.powi(x[0], 300) + 1e10 * x[1]] }, at: [10.0, 1.0])
/// seededReverseRows(recording: rec, output: 0, seeds: rangeLossSeeds(for: Double.self)).map(\.seed)
/// // [0x1p500, 0x1p1000, 0x1p982]: 2¹⁰⁰⁰ overflowed 10¹⁰'s adjoint
/// ```
@_specialize(where V == Double)
@_specialize(where V == Float)
public func seededReverseRows<V: ADScalar & BinaryFloatingPoint>(recording: Recording<V>, output i: Int,
                                                                  seeds: [V]) -> [(seed: V, row: [Double]?)] {
    var rows = seeds.map { (seed: $0, row: seededReverseRow(recording: recording, output: i, seed: $0)) }
    if let top = seeds.max(), rows.contains(where: { $0.seed == top && $0.row == nil }),
       let s = largestSafeReverseSeed(recording: recording, output: i), !seeds.contains(s) {
        rows.append((seed: s, row: seededReverseRow(recording: recording, output: i, seed: s)))
    }
    return rows
}

