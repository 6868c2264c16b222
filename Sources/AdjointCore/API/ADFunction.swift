/// A function written once, generically, that every mode can run.
///
/// Swift closures cannot be generic, so APIs that need the same function at several scalar types
/// (automatic Jacobians, Hessians, checks across modes, the formula language) take a value of this
/// protocol. Single-mode APIs also accept a plain closure; pass a generic function by name and Swift
/// picks the mode's scalar type.
///
/// ```swift
/// struct Polar: ADFunction {
///     func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] * T.cos(x[1]), x[0] * T.sin(x[1])] }
/// }
/// let j = try jacobian(of: Polar(), at: [2.0, 0.5])
/// ```
public protocol ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T]
    /// Expected number of inputs, when fixed; checked before evaluating.
    var inputCount: Int? { get }
}

extension ADFunction {
    /// By default the number of inputs is not fixed (any length is passed through).
    public var inputCount: Int? { nil }
}

/// Which mode computes a Jacobian.
public enum JacobianMode: String, Sendable, CaseIterable {
    /// ⌈n/k⌉ forward passes with k directions per pass (best when inputs n ≤ outputs m).
    case forward
    /// One recording and m reverse sweeps (best when m < n).
    case reverse
    /// Forward when its ⌈n/k⌉ chunked passes are no more than the m reverse sweeps, else reverse;
    /// the other one when a user vector primitive has only the rule that one needs.
    case automatic
}

/// A Jacobian with the value it was computed at and how.
public struct JacobianResult<V: ADScalar> {
    /// f(x).
    public let value: [V]
    /// Rows are outputs, columns are inputs: `jacobian[i][j] = ∂fᵢ/∂xⱼ`.
    public let jacobian: [[V]]
    /// The mode actually used (never `.automatic`).
    public let mode: JacobianMode
    /// Forward passes or reverse sweeps taken.
    public let passes: Int
    /// Kinks touched during the evaluation.
    public let diagnostics: EvaluationDiagnostics

    /// Packages a Jacobian computed by any mode (also used by the exact and finite-difference modules).
    public init(value: [V], jacobian: [[V]], mode: JacobianMode, passes: Int, diagnostics: EvaluationDiagnostics) {
        self.value = value; self.jacobian = jacobian; self.mode = mode
        self.passes = passes; self.diagnostics = diagnostics
    }
}

extension JacobianResult: Sendable where V: Sendable {}

extension JacobianResult: CustomStringConvertible {
    /// The value and Jacobian rows, with the mode and pass count:
    /// `f = [6.0]; J = [[3.0, 2.0]] (reverse, 1 pass)`.
    public var description: String {
        let rows = jacobian.map { "[" + $0.map { "\($0)" }.joined(separator: ", ") + "]" }.joined(separator: ", ")
        let kinks = diagnostics.kinkCount > 0 ? "; touched \(diagnostics.kinkCount) kink(s)" : ""
        return "f = \(value); J = [\(rows)] (\(mode.rawValue), \(passes) pass\(passes == 1 ? "" : "es")\(kinks))"
    }
}
