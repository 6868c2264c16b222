import AdjointCore

/// Whether exact (rational) mode can evaluate a function, and if not, the first op in the way.
///
/// ```swift
/// struct G: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] * T.sin(x[1])] } }
/// let a = exactAvailability(of: G(), at: [1, 2])
/// a.message   // "exact mode is not available: uses sin"
/// ```
public enum ExactAvailability: Sendable, Equatable, CustomStringConvertible {
    /// Every op the function uses is closed over ℚ.
    case available
    /// `op` is not rational-closed; `node` is its index on a tape recorded from the inputs, nil
    /// when it acts on constants only (`sin(2)`) or no recording was made; `primitive` is a user
    /// primitive's name (`op` is then `.custom`).
    case unavailable(op: Op, node: Int?, primitive: String? = nil)

    /// Whether exact mode can run (`exactAvailability(ops: [.mul]).isAvailable` is true).
    public var isAvailable: Bool { self == .available }

    /// The sentence a CLI prints when exact mode is refused; nil when available.
    public var message: String? {
        guard let name = offendingName else { return nil }
        return "exact mode is not available: uses \(name)"
    }

    /// The name of the op in the way (a user primitive's own name), or nil when available.
    public var offendingName: String? {
        guard case let .unavailable(op, _, primitive) = self else { return nil }
        return primitive ?? op.info.name
    }

    /// ``message``, or "exact mode is available".
    public var description: String { message ?? "exact mode is available" }
}

/// Decides from a list of ops (a parsed formula's, say) whether exact mode is available, without
/// evaluating anything: the first op whose ``OpInfo/isRationalClosed`` is false is reported.
///
/// ```swift
/// exactAvailability(ops: [.mul, .add, .tanh]).message   // "exact mode is not available: uses tanh"
/// ```
public func exactAvailability(ops: some Sequence<Op>) -> ExactAvailability {
    for op in ops where !op.info.isRationalClosed { return .unavailable(op: op, node: nil) }
    return .available
}

/// Decides whether exact mode is available for `f` by one cheap Double evaluation at `x`: ops that
/// depend on the inputs are read off a tape in evaluation order (so the first offender is
/// reported with its node), ops on constants only are caught by the operation counters.
///
/// The answer is for the control flow taken at `x`: a function that branches into `exp` only
/// elsewhere is available here and refused there. Errors during the evaluation (a domain error
/// at this sample point) do not matter for the question and are ignored.
///
/// ```swift
/// exactAvailability(of: F(), at: [0.5, 0.25]).isAvailable   // true for + − × ÷ graphs
/// ```
public func exactAvailability(of f: some ADFunction, at x: [Double]) -> ExactAvailability {
    let tape = Tape<Double>(capacity: Swift.max(1024, 8 * x.count))
    let (_, counts) = measureOperations {
        _ = Diagnostics.collect { f(x.map { tape.variable($0) }) }
    }
    for i in 0..<tape.count {
        guard let e = tape.entry(i) else { continue }
        // A user scalar primitive says for itself (ScalarPrimitive.isRationalClosed); a vector
        // primitive runs on Doubles only.
        if e.op == .custom {
            if tape.scalarPrimitive(i)?.isRationalClosed == true { continue }
            return .unavailable(op: e.op, node: i, primitive: e.name)
        }
        if !e.op.info.isRationalClosed { return .unavailable(op: e.op, node: i) }
    }
    for op in Op.primitives where !op.info.isRationalClosed && counts.byOp[op, default: 0] > 0 {
        return .unavailable(op: op, node: nil)
    }
    return .available
}
