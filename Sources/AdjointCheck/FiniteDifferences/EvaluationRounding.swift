import AdjointCore

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
        return outputs.indices.map { i in
            let cot = tape.nodeCotangents(from: outputs.enumerated().map { ($0.element, $0.offset == i ? V(1) : V(0)) })
            return Self.roundingScale(sensitivities: cot.map { Swift.abs(Double($0)) }, magnitudes: magnitudes)
        }
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
/// ε of `V`. Pass it as `evaluationError` to a difference so that the rounding of large
/// intermediates counts, not only a few ulps of f's value.
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
public func evaluationRoundingBound<V: ADScalar & BinaryFloatingPoint>(recording: Recording<V>) -> [Double] {
    let eps = Double(V.ulpOfOne)
    return recording.roundingScales().map { eps * $0 }
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
    try kinkRooms(recording: record({ f($0) }, at: x))
}

/// ``kinkRooms(of:at:)`` of a recording already made.
public func kinkRooms<V: ADScalar & BinaryFloatingPoint>(recording: Recording<V>) -> [[Double]] {
    let graph = TapeGraph(recording)
    let n = recording.inputs.count, m = recording.outputs.count
    var rooms = [[Double]](repeating: [Double](repeating: .infinity, count: n), count: m)
    guard !graph.kinkCandidates.isEmpty else { return rooms }
    for j in 0..<n {
        let t = graph.tangents(input: j)
        for i in 0..<m { rooms[i][j] = graph.kinkRooms(output: i, input: j, tangents: t).map(\.room).min() ?? .infinity }
    }
    return rooms
}
