import AdjointCore

// relu(x⁴) at x = 10⁻¹⁰⁰: x⁴ = 10⁻⁴⁰⁰ is 0 in Double, relu's kink, and every mode printed relu's
// convention 0 for f′ = 4·10⁻³⁰⁰ (exact rationals). jac called it reliable within a bound of 0
// and the check passed it as a valid subgradient: at the point given relu is not at its kink,
// and the side its argument lies on, which decides the derivative, was lost to the underflow.

/// A kink that f's floating-point evaluation reaches only because a value on the way to the
/// op's argument underflowed to 0 (``underflowKinks(recording:)``).
///
/// ```swift
/// let rec = try record({ (x: [Reverse<Double>]) in [relu(x[0] * x[0] * x[0] * x[0])] }, at: [1e-100])
/// let kink = underflowKinks(recording: rec).first
/// kink?.description   // "relu (node …) is at its kink in floating point only because mul (node …) underflowed to 0 …"
/// kink?.inputs        // [0]: x⁴ = 10⁻⁴⁰⁰, the last product, rounded to 0
/// ```
package struct UnderflowKink: Sendable, Equatable, CustomStringConvertible {
    /// The kinked op's node on f's tape, and its name.
    package let node: Int
    package let name: String
    /// The first node on the way to the op's argument whose value underflowed to 0, and its op's name.
    package let cause: Int
    package let causeName: String
    /// The inputs of f the op depends on (all its arguments', not only its kink arguments': wider, so
    /// never an entry the kink decides left out).
    package let inputs: [Int]
    /// The outputs of f that depend on the op.
    package let outputs: [Int]

    package var description: String {
        "\(name) (node \(node)) is at its kink in floating point only because \(causeName) (node \(cause)) underflowed to 0 "
            + "on the way to its argument: at the point given the argument is not at the kink, and the side it lies on, "
            + "which decides the derivative, is lost"
    }
}

extension TapeGraph {
    /// Per node, whether its value is 0 where the same operations in exact arithmetic, on the
    /// arguments' exact values, are not: a product, quotient, power or exponential of nonzero
    /// finite arguments that rounded to 0, and what such a 0 passes through (a sum with it, a
    /// product of it and nonzero factors). Rounding never changes a value's sign, so a 0 is the
    /// only way an underflow moves a kinked op's argument to another side. A sum is taken as
    /// lost where any of its arguments is (x⁴ − x⁴ would be an exact 0 all the same): a kink
    /// called underflowed when it is not makes an entry inconclusive, never wrong.
    var lostToUnderflow: [Bool] {
        var lost = [Bool](repeating: false, count: ops.count)
        for k in ops.indices where values[k] == 0 {
            let a = args[k].filter { $0 >= 0 && $0 < k }
            guard a.count == args[k].count, !a.isEmpty else { continue }
            func exactlyNonzero(_ i: Int) -> Bool { (values[i] != 0 || lost[i]) && !values[i].isNaN }
            let finite = a.allSatisfy { values[$0].isFinite }
            switch ops[k] {
            case .mul: lost[k] = finite && a.allSatisfy(exactlyNonzero)
            case .div: lost[k] = finite && a.count == 2 && exactlyNonzero(a[0]) && values[a[1]] != 0
            case .square, .powi, .swish, .gelu: lost[k] = finite && exactlyNonzero(a[0])
            case .pow: lost[k] = finite && a.count == 2 && exactlyNonzero(a[0])
            case .exp, .sigmoid, .softplus: lost[k] = finite
            // Any other op that reads 0 from a lost argument (sin, tanh, erf, √, expm1 … keep 0 at
            // 0) passes the loss on: relu(sin(x⁴)) at 10⁻¹⁰⁰ was passed as a valid subgradient
            // when only sums carried it. Where the exact result is 0 all the same (relu of a lost
            // negative), the kink is called underflowed when it is not: inconclusive, never wrong.
            default: lost[k] = a.contains { lost[$0] }
            }
        }
        return lost
    }

    /// Every kink touched (distance 0 on the tape) whose kink arguments (``OpInfo/kinkArguments``)
    /// are ``lostToUnderflow``, with the inputs and outputs it lies between. Empty where nothing
    /// underflowed to 0, which one pass over the tape tells. A user primitive's kink (its
    /// declared `kinkDistance` 0; a vector call's, once for the call) counts as a built-in's,
    /// about all its arguments, since it declares no kink arguments: a user relu of x⁴ at
    /// 10⁻¹⁰⁰ was skipped, and the check passed its relu′(0) = 0 as a valid subgradient for
    /// f′ = 4·10⁻³⁰⁰.
    var underflowKinks: [UnderflowKink] {
        let lost = lostToUnderflow
        guard lost.contains(true) else { return [] }
        return kinkCandidates.compactMap { c -> UnderflowKink? in
            let k = c.node
            guard c.distance == 0, k >= 0, k < ops.count else { return nil }
            // A vector call is one kink for all its outputs, each holding the call's inputs as
            // its arguments: found once, at its first output (where the check's kinks name it).
            let call = vectorCalls[k]
            if let call, k != call.outputs.lowerBound { return nil }
            let about = ops[k] == .custom ? args[k]
                : ops[k].info.kinkArguments.compactMap { $0 < args[k].count ? args[k][$0] : nil }
            guard about.contains(where: { $0 >= 0 && $0 < k && lost[$0] }) else { return nil }
            let up = ancestors(of: k)
            var down = descendants(of: k)
            if let call {
                for o in call.outputs.dropFirst() where o < ops.count {
                    for (n, d) in descendants(of: o).enumerated() where d { down[n] = true }
                }
            }
            // The first value lost on the way: the one whose rounding, not a 0 it was given, made it 0.
            guard let cause = up.indices.first(where: { $0 < k && up[$0] && lost[$0] }) else { return nil }
            return UnderflowKink(node: k, name: names[k], cause: cause, causeName: names[cause],
                                 inputs: inputNodes.indices.filter { j in inputNodes[j].map { $0 < up.count && up[$0] } ?? false },
                                 outputs: outputNodes.indices.filter { i in outputNodes[i].map { $0 < down.count && down[$0] } ?? false })
        }
    }

    /// Per entry (i, j), the ``underflowKinks`` on a path from input j to output i.
    func underflowKinkMap(inputs n: Int, outputs m: Int) -> [[[UnderflowKink]]] {
        var map = [[[UnderflowKink]]](repeating: [[UnderflowKink]](repeating: [], count: n), count: m)
        for kink in underflowKinks {
            for i in kink.outputs where i < m { for j in kink.inputs where j < n { map[i][j].append(kink) } }
        }
        return map
    }
}

/// The kinks f's evaluation on `recording` reaches only because a value on the way to the op's
/// argument underflowed to 0 (``UnderflowKink``), in tape order.
///
/// ```swift
/// let rec = try record({ (x: [Reverse<Double>]) in [relu(x[0] * x[0] * x[0] * x[0])] }, at: [1e-100])
/// underflowKinks(recording: rec).map(\.name)   // ["relu"]
/// ```
package func underflowKinks<V>(recording: Recording<V>) -> [UnderflowKink] {
    TapeGraph(recording).underflowKinks
}
