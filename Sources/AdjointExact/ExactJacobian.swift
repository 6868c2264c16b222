import AdjointCore

/// An exact Jacobian over ℚ, with the value it was computed at and how.
///
/// ```swift
/// let r = try exactJacobian(of: F(), at: ["1/3", "2/7"], mode: .reverse)
/// r.jacobian[0].map(\.description)   // ["44/21", "5/3"]
/// ```
public struct ExactJacobian: Sendable, Equatable {
    /// f(x), exactly.
    public let value: [Rational]
    /// Rows are outputs, columns inputs: `jacobian[i][j] = ∂fᵢ/∂xⱼ`, exactly.
    public let jacobian: [[Rational]]
    /// `.forward` or `.reverse` (never `.automatic`).
    public let mode: JacobianMode
    /// Forward passes (one per input) or reverse sweeps (one per output) taken.
    public let passes: Int
    /// Kinks touched (relu at 0, max at a tie, …); the registry's conventions were used there.
    public let diagnostics: EvaluationDiagnostics
}

/// The exact Jacobian of a rational-closed function at a rational point, by exact forward mode
/// (`Dual<Rational, Rational>`, one pass per input) or exact reverse mode (`Tape<Rational>`, one
/// recording and one sweep per output). Both interpret the same registry rules as the
/// floating-point modes; over ℚ nothing is rounded, so the two modes give identical results
/// (`proofs/exactness.md`).
///
/// ```swift
/// struct F: ADFunction {
///     func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] * x[0] + 5 * x[0] * x[1]] }
/// }
/// try exactJacobian(of: F(), at: ["1/3", "2/7"]).jacobian   // [[44/21, 5/3]]
/// ```
///
/// - Parameter mode: `.automatic` picks forward when there are no more inputs than outputs.
/// - Throws: ``ADError/unsupported(op:scalarType:node:)`` naming the first op that is not
///   rational-closed (and its tape node when it depends on the inputs);
///   ``ADError/domain(op:node:inputs:reason:)`` for division by zero;
///   ``ADError/limitExceeded(what:limit:)`` when a number outgrows ``Rational/bitSizeLimit`` or
///   the computation writes more than ``Rational/workLimit`` limbs;
///   ``ADError/invalidArgument(_:)`` for a NaN input; ``ADError/dimensionMismatch(what:expected:got:)``
///   when `f.inputCount` disagrees with `x`.
///
/// Inlinable so that `f` is wrapped where its type is known (`SpecialisedADFunction`): each pass
/// then runs `f` compiled for the rationals instead of through witness tables.
@inlinable
public func exactJacobian(of f: some ADFunction, at x: [Rational],
                          mode: JacobianMode = .automatic) throws -> ExactJacobian {
    try exactJacobianOfSpecialised(ExactFunction(f), at: x, mode: mode)
}

/// The scalar types exact mode evaluates a function at: the rationals, their dual and tape
/// variable, and Double (to count the outputs).
@usableFromInline
typealias ExactFunction = SpecialisedADFunction<Rational, Dual<Rational, Rational>, Reverse<Rational>, Double>

@usableFromInline
func exactJacobianOfSpecialised(_ f: ExactFunction, at x: [Rational], mode: JacobianMode) throws -> ExactJacobian {
    if let n = f.inputCount, n != x.count {
        throw ADError.dimensionMismatch(what: "number of inputs", expected: n, got: x.count)
    }
    if let j = x.firstIndex(where: \.isNaN) {
        // A string literal that is not a number (`"abc"`, `"1/0"`) is a NaN Rational whose reason
        // is gone by now: say where to find it.
        throw ADError.invalidArgument("input \(j) is NaN; exact mode needs rational inputs (a Rational string literal that "
                                      + "does not parse is NaN: Rational.parse(_:) says why)")
    }
    // One work budget for the whole Jacobian (Rational.workLimit), so a long chain of exact
    // products ends in a typed error rather than minutes of GMP.
    return try Rational.withWorkLimit {
        switch mode {
        case .forward: return try exactForward(f, at: x)
        case .reverse: return try exactReverse(f, at: x)
        case .automatic:
            // m is not known before evaluating; a Double evaluation is cheap next to exact arithmetic.
            let m = f(x.map(\.doubleValue)).count
            return x.count <= m ? try exactForward(f, at: x) : try exactReverse(f, at: x)
        }
    }
}

/// The exact Jacobian at a point written as text, each input parsed exactly by
/// ``Rational/parse(_:)`` ("1/3", "0.1", "-2.5e-3"). A malformed input throws naming it and what
/// is wrong with its text: read as `[Rational]` literals, "abc" and "1/0" were both NaN and both
/// reported as "input 0 is NaN".
///
/// ```swift
/// try exactJacobian(of: F(), at: ["1/3", "2/7"]).jacobian   // [[44/21, 5/3]]
/// try exactJacobian(of: F(), at: ["1/0", "2"])              // throws: input 0: "1/0" is not a rational number: zero denominator
/// ```
@inlinable
public func exactJacobian(of f: some ADFunction, at x: [String],
                          mode: JacobianMode = .automatic) throws -> ExactJacobian {
    var values: [Rational] = []
    values.reserveCapacity(x.count)
    for (j, text) in x.enumerated() {
        do {
            values.append(try Rational.parse(text))
        } catch ADError.invalidArgument(let why) {
            throw ADError.invalidArgument("input \(j): \(why)")
        }
    }
    return try exactJacobianOfSpecialised(ExactFunction(f), at: values, mode: mode)
}

/// The exact Jacobian at a point given as Doubles, each converted exactly (every finite double is
/// a rational). The natural reference for a floating-point Jacobian computed at the same doubles.
///
/// ```swift
/// let e = try exactJacobian(of: F(), at: [0.1])   // at 0.1's double, 3602879701896397/2⁵⁵, exactly
/// ```
@inlinable
public func exactJacobian(of f: some ADFunction, at x: [Double],
                          mode: JacobianMode = .automatic) throws -> ExactJacobian {
    guard let j = x.firstIndex(where: { !$0.isFinite }) else {
        return try exactJacobianOfSpecialised(ExactFunction(f), at: x.map { Rational($0) }, mode: mode)
    }
    throw ADError.invalidArgument("input \(j) is \(x[j]); exact mode needs finite inputs")
}

/// Exact forward mode: one pass of `Dual<Rational, Rational>` per input, seeded with eⱼ, through
/// the core's forward driver (`forwardPass`, `assembleForward`); each pass's report is checked here
/// so a failure names its node.
func exactForward(_ f: some ADFunction, at x: [Rational]) throws -> ExactJacobian {
    var passes: [(value: [Rational], columns: [[Rational]], diagnostics: EvaluationDiagnostics)] = []
    for j in 0..<forwardPassCount(inputs: x.count, lanes: 1) {
        let p = forwardPass({ (d: [Dual<Rational, Rational>]) in f(d) }, at: x, pass: j)
        try throwLocated(p.diagnostics, f, x)
        if let i = p.value.firstIndex(where: \.isNaN) {
            throw ADError.nonFinite(what: "exact output \(i) (NaN)", op: nil, node: nil)
        }
        if let first = passes.first, p.value.count != first.value.count {
            throw ADError.dimensionMismatch(what: "outputs in forward pass \(j)", expected: first.value.count, got: p.value.count)
        }
        passes.append(p)
    }
    // Finiteness is the scalar's own question (a rational beyond Double's range is finite).
    let r = try assembleForward(passes, inputs: x.count, checked: true)
    return ExactJacobian(value: r.value, jacobian: r.jacobian, mode: .forward, passes: r.passes,
                         diagnostics: r.diagnostics)
}

/// Exact reverse mode: one recording on a `Tape<Rational>` (the core's `record`, which asks the
/// scalar whether a value is finite, so 2^2000 records), one sweep per output.
func exactReverse(_ f: some ADFunction, at x: [Rational]) throws -> ExactJacobian {
    let rec: Recording<Rational>
    do {
        rec = try record({ f($0) }, at: x)
    } catch let e as ADError {
        var d = EvaluationDiagnostics()
        d.errors = [e]
        try throwLocated(d, f, x)
        throw e
    }
    let m = rec.outputs.count
    // The sweep applies rules too (exact products can still outgrow the bit-size limit).
    let (rows, sweepDiag) = Diagnostics.collect {
        (0..<m).map { i in (try? rec.pullback((0..<m).map { $0 == i ? 1 : 0 }, checked: false)) ?? [] }
    }
    try throwLocated(sweepDiag, f, x, tape: rec.tape)
    if let i = rows.firstIndex(where: { $0.count != x.count || $0.contains(where: \.isNaN) }) {
        throw ADError.nonFinite(what: "exact Jacobian row \(i) (NaN)", op: nil, node: nil)
    }
    return ExactJacobian(value: rec.value, jacobian: rows, mode: .reverse, passes: m, diagnostics: rec.diagnostics)
}

/// Throws the first reported error. An op the rationals cannot evaluate is reported by
/// `Rational` without a node (the scalar does not know where it is); name the node here: from
/// the exact tape when there is one, else from a Double recording of the same function.
///
/// The reported op can be one the user never wrote: `Dual` and `Reverse` evaluate a composite
/// op's primal with the registry's generic code, so `sigmoid` reaches `Rational` as the `exp`
/// inside it, and the error said "exp is not available" with no node. When the reported name is
/// on neither recording, the first built-in op that is not closed over ℚ (in evaluation order,
/// where the rationals stopped) is named instead.
func throwLocated(_ d: EvaluationDiagnostics, _ f: some ADFunction, _ x: [Rational],
                  tape: Tape<Rational>? = nil) throws {
    guard let first = d.errors.first else { return }
    if case let .unsupported(op, type, nil) = first {
        if let tape, let node = firstUnsupportedNode(tape, named: op) {
            throw ADError.unsupported(op: op, scalarType: type, node: node)
        }
        let availability = exactAvailability(of: f, at: x.map(\.doubleValue))
        if case let .unavailable(found, node?, _) = availability, found.info.name == op {
            throw ADError.unsupported(op: op, scalarType: type, node: node)
        }
        if let tape, let node = firstNotRationalClosedBuiltin(tape), let entry = tape.entry(node) {
            throw ADError.unsupported(op: entry.name, scalarType: type, node: node)
        }
        if case let .unavailable(found, node, nil) = availability, found != .custom {
            throw ADError.unsupported(op: found.info.name, scalarType: type, node: node)
        }
    }
    throw first
}

/// The first entry of `tape` whose built-in op is not closed over ℚ (user primitives excluded:
/// whether one evaluates over ℚ is its own affair).
func firstNotRationalClosedBuiltin<V>(_ tape: Tape<V>) -> Int? {
    (0..<tape.count).first { i in tape.entry(i).map { $0.op != .custom && !$0.op.info.isRationalClosed } ?? false }
}

func firstUnsupportedNode<V>(_ tape: Tape<V>, named name: String) -> Int? {
    (0..<tape.count).first { tape.entry($0)?.op.info.name == name }
}

// MARK: Forward against reverse

/// Exact forward and exact reverse Jacobians of one function at one point, and where they differ.
///
/// Over ℚ they must be *identical*: any mismatch is a bug in a mode or a rule, not rounding.
///
/// ```swift
/// let a = try exactAgreement(of: F(), at: ["1/3", "2/7"])
/// a.agrees        // true
/// ```
public struct ExactAgreement: Sendable, Equatable {
    /// The Jacobian by exact forward mode (one pass per input).
    public let forward: ExactJacobian
    /// The Jacobian by exact reverse mode (one sweep per output).
    public let reverse: ExactJacobian
    /// Positions (row = output, column = input) where the entries differ; output values that
    /// differ are listed with column −1.
    public let mismatches: [EntryPosition]

    /// True when every value and every Jacobian entry is identical.
    public var agrees: Bool { mismatches.isEmpty }
}

/// A (row, column) position in a Jacobian.
///
/// ```swift
/// try exactAgreement(of: F(), at: [Rational(1)]).mismatches   // [] when forward and reverse agree
/// ```
public struct EntryPosition: Sendable, Hashable, CustomStringConvertible {
    /// Output index.
    public let row: Int
    /// Input index (−1 marks the output value itself in ``ExactAgreement/mismatches``).
    public let column: Int
    /// The position (row, column), e.g. `EntryPosition(row: 1, column: 0)`.
    public init(row: Int, column: Int) { self.row = row; self.column = column }
    /// "(row, column)".
    public var description: String { "(\(row), \(column))" }
}

/// Computes the exact Jacobian by forward and by reverse mode and compares them entry by entry.
///
/// ```swift
/// let a = try exactAgreement(of: F(), at: ["1/3", "2/7"])
/// XCTAssertTrue(a.agrees, "forward \(a.forward.jacobian) ≠ reverse \(a.reverse.jacobian)")
/// ```
@inlinable
public func exactAgreement(of f: some ADFunction, at x: [Rational]) throws -> ExactAgreement {
    try exactAgreementOfSpecialised(ExactFunction(f), at: x)
}

@usableFromInline
func exactAgreementOfSpecialised(_ f: ExactFunction, at x: [Rational]) throws -> ExactAgreement {
    let fwd = try exactJacobianOfSpecialised(f, at: x, mode: .forward)
    let rev = try exactJacobianOfSpecialised(f, at: x, mode: .reverse)
    var mismatches: [EntryPosition] = []
    if fwd.value.count != rev.value.count {
        throw ADError.dimensionMismatch(what: "outputs of forward vs reverse evaluation",
                                        expected: fwd.value.count, got: rev.value.count)
    }
    for i in fwd.value.indices {
        if fwd.value[i] != rev.value[i] { mismatches.append(EntryPosition(row: i, column: -1)) }
        for j in x.indices where fwd.jacobian[i][j] != rev.jacobian[i][j] {
            mismatches.append(EntryPosition(row: i, column: j))
        }
    }
    return ExactAgreement(forward: fwd, reverse: rev, mismatches: mismatches)
}
