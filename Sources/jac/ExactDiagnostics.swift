import Adjoint

/// Exact mode's diagnostics with the exact numbers where the library's rounded ones are wrong.
///
/// The library reports a kink's inputs and a domain error's as Doubles (``KinkEvent/inputs``,
/// ``ADError/domain(op:node:inputs:reason:)``), rounded from the rationals exact mode computed
/// with. A rational beyond Double's range rounds to 0 or ±∞, so `max(x, y)` at x = y = 10⁻⁴⁰⁰
/// said "kink touched: max at 0.0, 0.0". Here the formula's nodes are evaluated once more in ℚ
/// and, where an op's rounded inputs are 0 or ±∞ but its exact ones are not, the message gives
/// the exact ones. Done only when such a report exists, so a normal exact Jacobian pays nothing.
struct ExactDiagnostics {
    /// Every node's exact value, in the formula's node order.
    private let values: [Rational]
    private let formula: Formula

    /// The nodes of `formula` at `x` with its literals `constants`; nil when the counts do not fit.
    init?(_ formula: Formula, at x: [Rational], constants: [Rational]) {
        guard x.count == formula.variables.count, constants.count == formula.constants.count else { return nil }
        // Past the work limit the values are NaN, and no rounded input matches them.
        let values: [Rational] = Rational.withWorkLimit {
            // Collected, so the domain error being explained is not reported a second time.
            Diagnostics.collect { () -> [Rational] in
                var v: [Rational] = []
                v.reserveCapacity(formula.nodes.count)
                for node in formula.nodes {
                    switch node.op {
                    case .input: v.append(x[node.n])
                    case .constant: v.append(constants[node.n])
                    default: v.append(Rational.apply(node.op, v[node.a], v[node.b], node.n))
                    }
                }
                return v
            }.0
        }
        self.values = values
        self.formula = formula
    }

    /// The exact inputs of the op `name` whose rounded inputs are `rounded`, when rounding made
    /// one of them 0 or ±∞ and every node matching agrees; nil when the Doubles are right.
    func exactInputs(of name: String, rounded: [Double]) -> [Rational]? {
        guard rounded.contains(where: { $0 == 0 || !$0.isFinite }), let op = Op(name: name) else { return nil }
        var found: [Rational]?
        for node in formula.nodes where node.op == op {
            let inputs = Array([values[node.a], values[node.b]].prefix(rounded.count))
            guard inputs.count == rounded.count,
                  zip(inputs, rounded).allSatisfy({ $0.doubleValue.bitPattern == $1.bitPattern }) else { continue }
            if let found, found != inputs { return nil }
            found = inputs
        }
        guard let found, zip(found, rounded).contains(where: { q, d in (d == 0 && !q.isZero) || !d.isFinite }) else { return nil }
        return found
    }

    /// `kink`'s description with its exact inputs where rounding changed them.
    func describe(_ kink: KinkEvent) -> String {
        guard let exact = exactInputs(of: kink.name, rounded: kink.inputs) else { return kink.description }
        return "\(kink.name)\(kink.node.map { " (node \($0))" } ?? "") at " + exactList(exact, kink.inputs)
    }

    /// A domain error with its exact inputs where rounding changed them, or nil to keep `error`.
    func explain(_ error: Error) -> JacFailure? {
        guard case let ADError.domain(op, node, inputs, reason) = error,
              let exact = exactInputs(of: op, rounded: inputs) else { return nil }
        return JacFailure(.evaluationFailure, "evaluation failed: domain error in \(op)\(node.map { " at node \($0)" } ?? ""): "
                          + "\(reason) (inputs: \(exactList(exact, inputs)))")
    }

    /// `10^-400 (0.0 in Double), 0`: each input exactly, as a table shows it (a long p/q with its
    /// power of ten split off, or rounded where that is long too), with its Double where that is
    /// not it. The p/q itself was cut to `1/1000…0000 (403 characters)`, which says neither value.
    private func exactList(_ exact: [Rational], _ rounded: [Double]) -> String {
        zip(exact, rounded).map { q, d in
            let text = quoted(readableExact(q.description).text)
            return (d == 0 && !q.isZero) || !d.isFinite ? "\(text) (\(format(d)) in Double)" : text
        }.joined(separator: ", ")
    }
}
