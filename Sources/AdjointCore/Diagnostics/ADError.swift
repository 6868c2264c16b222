/// Every error Adjoint throws. Each case names what failed and where, so a message can tell the
/// user what to fix.
///
/// ```swift
/// do { _ = try gradient(of: { log($0[0]) }, at: [-1.0]) }
/// catch let e as ADError { print(e) }   // "domain error in log at node 1: log of a non-positive number (inputs: -1.0)"
/// ```
public enum ADError: Error, Equatable, Sendable, CustomStringConvertible {
    /// An op was evaluated outside its domain (log of a negative, division by zero, …).
    case domain(op: String, node: Int?, inputs: [Double], reason: String)
    /// The scalar type has no implementation of the op (exp over the rationals, abs in complex-step).
    /// An empty `scalarType` means `op` is the whole explanation (a black-box primitive in a
    /// Hessian, where the scalar type is an internal dual the user never wrote).
    case unsupported(op: String, scalarType: String, node: Int?)
    /// A value or derivative came out NaN or infinite; `op` is the first node that produced it, when known.
    case nonFinite(what: String, op: String?, node: Int?)
    /// Two sizes that must match do not.
    case dimensionMismatch(what: String, expected: Int, got: Int)
    /// A value did not come from the tape being differentiated (it escaped an earlier call, or
    /// two tapes were mixed).
    case foreignVariable(String)
    /// A configured limit (tape length, bit size, nesting depth) was exceeded.
    case limitExceeded(what: String, limit: Int)
    /// An argument is invalid for a reason not covered above.
    case invalidArgument(String)
    /// A user primitive lacks the rule a mode needs (a vector primitive with a JVP only, used in
    /// reverse mode, needs a VJP). `checkJacobian` then checks the other mode and lists this one
    /// in `CheckReport.modesNotRun`.
    case missingRule(primitive: String, mode: String, needs: String)
    /// A derivative lost a term to Double's range (or Float's), and passes with their seeds
    /// scaled by powers of two, which recover such a term, disagree on its value: `what` came out
    /// as `values[0]` and the scaled passes, divided back, as the rest. Also thrown when the scaled
    /// passes agree on 0 but `values[0]` is not 0: the entry is below half the smallest subnormal
    /// (or an exact cancellation), and the unscaled pass's value is only rounding residue.
    case rangeLoss(what: String, values: [Double])

    /// The error with the tape node it names renamed `node(k)` (see
    /// ``EvaluationDiagnostics/renumberingNodes(_:)``); other errors unchanged.
    @usableFromInline package func renumberingNode(_ node: (Int) -> Int?) -> ADError {
        switch self {
        case let .domain(op, k, inputs, reason): return .domain(op: op, node: k.flatMap(node), inputs: inputs, reason: reason)
        case let .unsupported(op, type, k): return .unsupported(op: op, scalarType: type, node: k.flatMap(node))
        case let .nonFinite(what, op, k): return .nonFinite(what: what, op: op, node: k.flatMap(node))
        default: return self
        }
    }

    /// One line naming what failed, where, and with which inputs.
    public var description: String {
        func at(_ node: Int?) -> String { node.map { " at node \($0)" } ?? "" }
        switch self {
        case let .domain(op, node, inputs, reason):
            let ins = inputs.map { "\($0)" }.joined(separator: ", ")
            return "domain error in \(op)\(at(node)): \(reason) (inputs: \(ins))"
        case let .unsupported(op, type, node):
            if type.isEmpty { return "\(op)\(at(node))" }
            return "\(op) is not available for scalar type \(type)\(at(node))"
        case let .nonFinite(what, op, node):
            if let op { return "non-finite \(what): first produced by \(op)\(at(node))" }
            return "non-finite \(what)"
        case let .dimensionMismatch(what, expected, got):
            return "\(what): expected \(expected), got \(got)"
        case let .foreignVariable(why):
            return "variable from another tape: \(why)"
        case let .limitExceeded(what, limit):
            return "\(what) exceeds the limit of \(limit)"
        case let .invalidArgument(why):
            return "invalid argument: \(why)"
        case let .missingRule(primitive, mode, needs):
            // The protocol's default answers "no rule" for a method declared with other labels or
            // a non-optional result, which Swift takes as another method without a word.
            let signature: String
            switch needs {
            case "JVP": signature = " as `static func jvp(at x: [Double], direction v: [Double]) -> [Double]?`"
            case "VJP": signature = " as `static func vjp(at x: [Double], cotangent u: [Double]) -> [Double]?`"
            default: signature = ""
            }
            let hint = signature.isEmpty ? "" : " (a method with other labels or a non-optional result is another method, and the protocol's default, no rule, answers)"
            return "\(primitive) has no \(needs), which \(mode) needs: declare it\(signature), or use the other mode\(hint)"
        case let .rangeLoss(what, values):
            let scaled = values.dropFirst().map { "\($0)" }.joined(separator: ", ")
            if let computed = values.first, computed != 0, values.count > 1, values.dropFirst().allSatisfy({ $0 == 0 }) {
                return "\(what) is out of Double's range or 0: with the seeds scaled by powers of two it comes out \(scaled), "
                    + "under half the smallest subnormal (\(Double.leastNonzeroMagnitude)), while the unscaled pass kept "
                    + "\(computed), a residue of its roundings; no value is returned, since 0 would hide a nonzero derivative"
            }
            return "\(what) lost a term below the least normal number: computed \(values.first ?? .nan), with the seeds "
                + "scaled by powers of two \(scaled), which disagree, so no value is returned"
        }
    }
}
