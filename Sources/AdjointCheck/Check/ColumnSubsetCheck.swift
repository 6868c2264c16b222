import AdjointCore
import RealModule

// A check of every column costs every column: forward mode takes a pass per input, and each
// difference rung at least two evaluations of f per input, each of which costs f. At n = 10⁵ a
// researcher's loss was out of reach (a user trial: 4.7 s at n = 1000, 75 s at 4000, in debug),
// though a few columns chosen at random would do. Fixing the other inputs makes f a function of
// the chosen ones alone; that function is checked as any other. The inputs held fixed enter as
// constants: they are not on its tape, and a constant part of f rounds identically in every
// sample, so differences of the restriction see only the rounding of what the chosen inputs move.

/// Checks only the columns `inputs` of f's Jacobian at x: f with every other input held at x is
/// checked as a function of the chosen ones, so the cost is that of a check with `inputs.count`
/// inputs (each evaluation still evaluates all of f). Use it when n is large: a handful of
/// columns picked at random finds a wrong rule on any path through them. Entries are indexed by
/// f's inputs (`entry.input` is the input's index in x), ``CheckReport/point`` is all of x, and
/// ``CheckReport/checkedInputs`` lists the columns checked; a claimed Jacobian is asked for the
/// full m × n matrix, of which those columns are judged.
///
/// ```swift
/// let report = try checkJacobian(of: Loss(), at: x, inputs: [0, 4_711, 99_999])
/// report.entries[0].map(\.input)   // [0, 4711, 99999]
/// ```
/// - Throws: ``AdjointCore/ADError/invalidArgument(_:)`` when `inputs` is empty, repeats an
///   input or names one outside x; ``AdjointCore/ADError/dimensionMismatch(what:expected:got:)``
///   when f declares another number of inputs.
@inlinable public func checkJacobian<V: ADScalar & BinaryFloatingPoint & Real & Sendable>(
    of f: some ADFunction, at x: [V], inputs: [Int], claimed: (([V]) throws -> [[V]])? = nil,
    claimedName: String = "claimed", options: CheckOptions = CheckOptions()
) throws -> CheckReport {
    try validateColumnSubset(inputs, inputCount: x.count, declared: f.inputCount)
    try options.validateNames(inputs: x.count)
    let restricted = ColumnSubset(f: f, base: x.map { Double($0) }, inputs: inputs)
    var report = try checkJacobian(of: restricted, at: inputs.map { x[$0] },
                                   claimed: claimedColumns(claimed, restricted, at: x, inputs: inputs),
                                   claimedName: claimedName, options: options.restricted(to: inputs))
    report.widen(to: x.map { Double($0) }, checkedInputs: inputs, inputNames: options.inputNames)
    return report
}

/// ``checkJacobian(of:at:inputs:claimed:claimedName:options:)`` with its independent parts on
/// `tasks` cores, as ``checkJacobian(of:at:claimed:claimedName:options:tasks:)`` runs a whole
/// check: the report is identical to the serial one.
///
/// ```swift
/// let report = try await checkJacobian(of: Loss(), at: x, inputs: [0, 4_711, 99_999], tasks: 2)
/// ```
/// - Throws: what the serial form throws.
@inlinable public func checkJacobian<V: ADScalar & BinaryFloatingPoint & Real & Sendable>(
    of f: some ADFunction & Sendable, at x: [V], inputs: [Int], claimed: (([V]) throws -> [[V]])? = nil,
    claimedName: String = "claimed", options: CheckOptions = CheckOptions(), tasks: Int
) async throws -> CheckReport {
    try validateColumnSubset(inputs, inputCount: x.count, declared: f.inputCount)
    try options.validateNames(inputs: x.count)
    let restricted = ColumnSubset(f: f, base: x.map { Double($0) }, inputs: inputs)
    var report = try await checkJacobian(of: restricted, at: inputs.map { x[$0] },
                                         claimed: claimedColumns(claimed, restricted, at: x, inputs: inputs),
                                         claimedName: claimedName, options: options.restricted(to: inputs), tasks: tasks)
    report.widen(to: x.map { Double($0) }, checkedInputs: inputs, inputNames: options.inputNames)
    return report
}

/// A claimed m × n Jacobian as one of the restriction: its columns `inputs`, asked at the full point.
@inlinable func claimedColumns<V, F>(_ claimed: (([V]) throws -> [[V]])?, _ restricted: ColumnSubset<F>, at x: [V],
                                     inputs: [Int]) -> (([V]) throws -> [[V]])? {
    claimed.map { c in
        { (z: [V]) throws -> [[V]] in
            try c(restricted.full(z, base: x)).map { row in
                guard row.count == x.count else {
                    throw ADError.dimensionMismatch(what: "columns of the claimed Jacobian", expected: x.count, got: row.count)
                }
                return inputs.map { row[$0] }
            }
        }
    }
}

extension ColumnSubset: Sendable where F: Sendable {}

/// f as a function of the inputs `inputs` alone, the others held at `base`.
@usableFromInline struct ColumnSubset<F: ADFunction>: ADFunction {
    @usableFromInline let f: F
    @usableFromInline let base: [Double]
    @usableFromInline let inputs: [Int]
    @inlinable init(f: F, base: [Double], inputs: [Int]) { self.f = f; self.base = base; self.inputs = inputs }
    @inlinable var inputCount: Int? { inputs.count }
    @inlinable func callAsFunction<T: ADScalar>(_ z: [T]) -> [T] { f(full(z, base: base.map { T($0) })) }
    /// The full point: `base` with the chosen inputs replaced by z.
    @inlinable func full<T>(_ z: [T], base: [T]) -> [T] {
        var x = base
        for (k, j) in inputs.enumerated() where k < z.count { x[j] = z[k] }
        return x
    }
}

@usableFromInline func validateColumnSubset(_ inputs: [Int], inputCount n: Int, declared: Int?) throws {
    if let d = declared, d != n { throw ADError.dimensionMismatch(what: "number of inputs", expected: d, got: n) }
    if inputs.isEmpty { throw ADError.invalidArgument("inputs to check: none given (pass at least one index into x)") }
    if let bad = inputs.first(where: { $0 < 0 || $0 >= n }) {
        throw ADError.invalidArgument("inputs to check: \(bad) is not an index into x (0..<\(n))")
    }
    if Set(inputs).count != inputs.count {
        throw ADError.invalidArgument("inputs to check: an index is given twice (\(inputs))")
    }
}

extension CheckOptions {
    /// The options for f restricted to `inputs` (indices already validated, names one per input):
    /// the names of those inputs alone, in their order.
    @usableFromInline func restricted(to inputs: [Int]) -> CheckOptions {
        var o = self
        o.inputNames = inputNames.map { names in inputs.map { names[$0] } }
        return o
    }
}

extension CheckReport {
    /// The report of a check of f restricted to `checkedInputs`, re-indexed by f's inputs.
    @usableFromInline mutating func widen(to x: [Double], checkedInputs inputs: [Int], inputNames: [String]?) {
        point = x
        checkedInputs = inputs
        options.inputNames = inputNames
        entries = entries.map { row in
            row.map { e in
                var e = e
                if e.input < inputs.count { e.input = inputs[e.input] }
                return e
            }
        }
    }
}
