import AdjointCore

/// How a sparse Jacobian was compressed.
public enum SparseJacobianMode: String, Sendable, CaseIterable {
    /// Column colouring, forward passes of up to 8 groups each; rows with more than
    /// ``SparseJacobianOptions/denseRowThreshold`` nonzeros are split off to one reverse sweep each.
    case forward
    /// Row colouring, one reverse sweep per colour over a single recording; columns with more
    /// than ``SparseJacobianOptions/denseColumnThreshold`` nonzeros are split off to chunked
    /// forward passes: 8 lanes per pass, one of which carries the other columns (never read), so
    /// k dense columns take ⌈(k + 1)/8⌉ passes.
    case reverse
}

/// A sparse Jacobian with how it was obtained.
public struct SparseJacobianResult<V: ADScalar> {
    /// f(x).
    public let value: [V]
    /// The Jacobian: every entry of `pattern`, zeros included; entries outside it are zero.
    public let matrix: SparseMatrix<V>
    /// The pattern used: the detected one (for the recorded control-flow path), or the declared
    /// one, which covers it.
    public let pattern: SparsityPattern
    /// The colouring used (of columns for `.forward`, of rows for `.reverse`).
    public let coloring: Coloring
    /// Rows taken out of the column colouring and computed by one reverse sweep each (`.forward`).
    public let denseRows: [Int]
    /// Columns taken out of the row colouring and computed by forward passes, ⌈(k + 1)/8⌉ for k of
    /// them (`.reverse`; see ``SparseJacobianMode/reverse``).
    public let denseColumns: [Int]
    /// The mode used.
    public let mode: SparseJacobianMode
    /// Forward passes taken (⌈colours/8⌉ for `.forward`, none when every row is a dense row; for
    /// `.reverse`, the passes over the dense columns: ⌈(k + 1)/8⌉ for k of them, one lane
    /// carrying the other columns).
    public let forwardPasses: Int
    /// Reverse sweeps taken (one per colour for `.reverse`, none for a colour whose rows have
    /// entries only in dense columns; one per dense row for `.forward`).
    public let reverseSweeps: Int
    /// What the recording of f at x reported (kinks touched, escapes): once per op, as for the
    /// dense Jacobian. Collecting around the call instead counts each kink again for every
    /// forward pass, which evaluates f at the same point.
    public let diagnostics: EvaluationDiagnostics
}

extension SparseJacobianResult: CustomStringConvertible {
    /// Rows the description lists, and entries per row, before it says how many more there are:
    /// a description is for reading (`print(j)`, a test failure); ``matrix`` has every entry.
    static var shownRows: Int { 12 }
    static var shownEntriesPerRow: Int { 8 }

    /// How the Jacobian was obtained, then its stored entries row by row as `(row, column) =
    /// value` (0-based, as ``SparseMatrix/entries``); up to 12 rows of up to 8 entries each, with
    /// a count of the rest. It printed as a dump of every stored field, the CSR arrays and the
    /// recording's diagnostics included (a new user's pass).
    ///
    /// ```swift
    /// // f(x) = (x₀x₁, x₁ + 3x₂, x₂²) at (2, 3, 5)
    /// print(try sparseJacobian(of: f, at: [2.0, 3.0, 5.0]))
    /// // sparse Jacobian 3 × 3 (forward mode): 5 entries in the pattern, 2 colours, 1 forward pass, 0 reverse sweeps
    /// //   (0, 0) = 3.0, (0, 1) = 2.0
    /// //   (1, 1) = 1.0, (1, 2) = 3.0
    /// //   (2, 2) = 10.0
    /// ```
    public var description: String {
        func plural(_ n: Int, _ word: String, _ words: String) -> String { "\(n) \(n == 1 ? word : words)" }
        var head = "sparse Jacobian \(matrix.rows) × \(matrix.columns) (\(mode.rawValue) mode): "
            + "\(plural(pattern.nonzeroCount, "entry", "entries")) in the pattern, \(plural(coloring.count, "colour", "colours")), "
            + "\(plural(forwardPasses, "forward pass", "forward passes")), \(plural(reverseSweeps, "reverse sweep", "reverse sweeps"))"
        if !denseRows.isEmpty { head += "; rows \(denseRows.map(String.init).joined(separator: ", ")) by a reverse sweep each" }
        if !denseColumns.isEmpty { head += "; columns \(denseColumns.map(String.init).joined(separator: ", ")) by forward passes" }
        var lines = [head]
        let filled = (0..<matrix.rows).filter { matrix.rowPointers[$0 + 1] > matrix.rowPointers[$0] }
        for i in filled.prefix(Self.shownRows) {
            let stored = matrix.rowPointers[i]..<matrix.rowPointers[i + 1]
            var cells = stored.prefix(Self.shownEntriesPerRow).map { k in "(\(i), \(matrix.columnIndices[k])) = \(matrix.values[k])" }
            if stored.count > Self.shownEntriesPerRow { cells.append("… \(stored.count - Self.shownEntriesPerRow) more") }
            lines.append("  " + cells.joined(separator: ", "))
        }
        if filled.count > Self.shownRows {
            lines.append("  … \(filled.count - Self.shownRows) more rows with entries (matrix.entries has them all)")
        }
        return lines.joined(separator: "\n")
    }
}

/// Tuning for ``sparseJacobian(of:at:mode:options:pattern:primitives:)``.
public struct SparseJacobianOptions: Sendable {
    /// Rows with more nonzeros than this are computed by a reverse sweep each instead of being
    /// coloured: a dense row forces every column into its own colour (an arrow matrix would need n
    /// colours), while one sweep costs about one evaluation. nil picks max(16, ⌈4√n⌉): a row that
    /// long costs as much in colours as several sweeps would.
    public var denseRowThreshold: Int?
    /// The same for reverse mode's row colouring: columns with more nonzeros than this are
    /// computed by forward passes (8 lanes each, one lane spare) instead of being coloured. A dense column puts
    /// every row it touches in a colour of its own (`y_i = x_0·x_i` needed n − 1 sweeps, O(n²)),
    /// while a pass costs about one evaluation. nil picks max(16, ⌈4√m⌉) for m outputs.
    public var denseColumnThreshold: Int?
    /// Whether a declared `pattern` is compared with the one detected from the recording, and
    /// rejected (``DeclaredPatternError``) when it leaves out an entry f depends on; and whether
    /// the declared ``AdjointCore/VectorPrimitive/sparsity(inputs:)`` of each passed primitive is
    /// compared with its own rule at each call (``PrimitiveSparsityError``: one JVP per distinct
    /// declared column holding a zero, one VJP per such row in reverse mode, per distinct call;
    /// nothing for a declaration without zeros). On by
    /// default: an entry outside the declaration would be dropped, a silently wrong Jacobian.
    /// The comparison costs one detection pass, so a checked declaration is no faster than
    /// passing no pattern. Turn it off only where the result is checked another way
    /// (`checkSparsity` probes every declared zero itself and reports it as a false zero).
    public var verifiesDeclaredPattern: Bool

    /// Options with the given dense-row threshold (nil: automatic) and declared-pattern check;
    /// ``denseColumnThreshold`` starts automatic.
    ///
    /// ```swift
    /// let o = SparseJacobianOptions(denseRowThreshold: 32)
    /// let j = try sparseJacobian(of: Arrow(), at: x, options: o)   // rows over 32 nonzeros: one sweep each
    /// ```
    public init(denseRowThreshold: Int? = nil, verifiesDeclaredPattern: Bool = true) {
        self.denseRowThreshold = denseRowThreshold
        self.verifiesDeclaredPattern = verifiesDeclaredPattern
    }
}

/// One entry of a Jacobian pattern, 0-based.
public struct PatternEntry: Hashable, Sendable, CustomStringConvertible {
    /// The output.
    public let row: Int
    /// The input.
    public let column: Int
    /// "(row, column)".
    public var description: String { "(\(row), \(column))" }
}

/// A declared sparsity pattern that leaves out entries the recording shows f depends on: a
/// Jacobian computed with it would have those entries silently zero.
///
/// ```swift
/// struct Sum: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] + x[1]] } }
/// let declared = try SparsityPattern(rows: 1, columns: 2, rowColumns: [[0]])
/// try sparseJacobian(of: Sum(), at: [1.0, 2.0], pattern: declared)
/// // throws: the declared pattern leaves out 1 entry f depends on: (0, 1) …
/// ```
public struct DeclaredPatternError: Error, Equatable, CustomStringConvertible {
    /// Entries outside the declaration that the recording reads, row-major.
    public let missing: [PatternEntry]
    /// Entries listed in full in the description (all are in ``missing``).
    public static let listed = 10

    public var description: String {
        let shown = missing.prefix(DeclaredPatternError.listed).map(\.description).joined(separator: ", ")
        let more = missing.count > DeclaredPatternError.listed ? " and \(missing.count - DeclaredPatternError.listed) more" : ""
        return "the declared pattern leaves out \(missing.count) entr\(missing.count == 1 ? "y" : "ies") f depends on "
            + "(output, input) at this point: \(shown)\(more); the Jacobian would be silently zero there. "
            + "Add them to the pattern, or pass no pattern to use the detected one"
    }
}

/// A vector primitive's declared ``AdjointCore/VectorPrimitive/sparsity(inputs:)`` leaves out a
/// dependency that its own rule shows at a recorded call: the sparse Jacobian would drop that
/// entry's paths, a silently wrong number (y = (x₀·x₁, x₁) declared [[0], [1]] gave ∂y₀/∂x₀ = 5
/// where it is 3, at (2, 3)). Indices are the call's own: output k of the primitive, its
/// argument j.
///
/// ```swift
/// enum Product: VectorPrimitive {   // (x₀·x₁, x₁), declared wrongly as [[0], [1]]
///     static func sparsity(inputs n: Int) -> [[Int]]? { [[0], [1]] }
///     …
/// }
/// try sparseJacobian(of: F(), at: [2.0, 3.0], primitives: [Product.self])
/// // throws: vector primitive "product" declares that output 0 does not read input 1, …
/// ```
public struct PrimitiveSparsityError: Error, Equatable, CustomStringConvertible {
    /// The primitive's name.
    public let primitive: String
    /// (output, input) pairs of the call that the declaration leaves out and the rule shows.
    public let missing: [PatternEntry]
    /// The call's recorded inputs, where the rule showed them.
    public let inputs: [Double]
    /// Which rule showed them: "JVP" or "VJP".
    public let rule: String

    public var description: String {
        let shown = missing.prefix(DeclaredPatternError.listed).map { "output \($0.row) reads input \($0.column)" }.joined(separator: ", ")
        let more = missing.count > DeclaredPatternError.listed ? " and \(missing.count - DeclaredPatternError.listed) more" : ""
        let first = missing.first.map { "output \($0.row) does not read input \($0.column)" } ?? "nothing"
        return "vector primitive \"\(primitive)\" declares in sparsity(inputs: \(inputs.count)) that \(first), but its \(rule) at "
            + "\(inputs) shows \(shown)\(more): the sparse Jacobian would be silently zero there. Add the missing inputs to "
            + "its sparsity(inputs:) (checkSparsity lists every false zero)"
    }
}

/// Checks the declared patterns of the `primitives` recorded in `rec` against their own rules at
/// each call's recorded inputs, and throws ``PrimitiveSparsityError`` for the first call whose
/// rule shows a dependency the declaration leaves out. The rule is `mode`'s (JVP forward, VJP
/// reverse: the one the sparse Jacobian computes with), the other when it is missing.
///
/// A declared zero is tested exactly, not against a tolerance: a JVP along directions only on
/// inputs an output does not read must give exactly 0 for it (and a VJP likewise). Inputs read by
/// the same declared outputs share one direction (distinct weights, so that two entries are
/// unlikely to cancel), and outputs that read the same declared inputs one cotangent. Cost, for each call of
/// a passed primitive whose declaration leaves some entry out (consecutive identical calls once):
/// one JVP per distinct column of the declaration that holds a zero (forward), or one VJP per
/// distinct row that does (reverse), at most the call's input (output) count; a declaration
/// without zeros, and a primitive not passed, cost nothing. Beside the ⌈colours/8⌉ passes of f
/// this is a few rule calls per call of a small primitive; a primitive of n inputs with a banded
/// pattern pays n JVPs per call, the price of its dense Jacobian.
/// ``SparseJacobianOptions/verifiesDeclaredPattern`` turns it off.
func verifyPrimitiveDeclarations<V>(_ rec: Recording<V>, primitives: [any VectorPrimitive.Type],
                                    mode: SparseJacobianMode) throws {
    var byName: [String: any VectorPrimitive.Type] = [:]
    for p in primitives { byName[p.name] = p }
    let tape = rec.tape
    var previous: (name: String, inputs: [Double])? = nil
    var i = 0
    while i < tape.count {
        guard let call = tape.vectorPrimitive(i) else { i += 1; continue }
        i = Swift.max(i + 1, call.outputs.upperBound)
        // The declaration applied to a call is the passed type's of the call's name (see
        // DeclaredOutputs), checked against the rule of the primitive actually recorded.
        guard let declaring = byName[call.primitive.name] else { continue }
        let n = call.inputValues.count, m = call.outputs.count
        guard let rows = declaring.sparsity(inputs: n), rows.count == m,
              rows.allSatisfy({ $0.allSatisfy { $0 >= 0 && $0 < n } }) else { continue }
        let declared = rows.map(Set.init)
        guard declared.contains(where: { $0.count < n }) else { continue }
        if let p = previous, p.name == call.primitive.name, p.inputs == call.inputValues { continue }
        previous = (call.primitive.name, call.inputValues)
        if let error = primitiveDeclarationError(call.primitive, at: call.inputValues, declared: declared, mode: mode) {
            throw error
        }
    }
}

/// What ``verifyPrimitiveDeclarations(_:primitives:mode:)`` finds at one call, or nil.
package func primitiveDeclarationError(_ p: any VectorPrimitive.Type, at x: [Double], declared: [Set<Int>],
                               mode: SparseJacobianMode) -> PrimitiveSparsityError? {
    let n = x.count, m = declared.count
    // Weights in [1, 2), distinct for the first thousands of indices (golden-ratio steps).
    func weight(_ k: Int) -> Double { 1 + (Double(k) * 0.6180339887498949).truncatingRemainder(dividingBy: 1) }
    var missing: [PatternEntry] = []
    // Only a finite nonzero shows a dependency: a NaN is 0·∞, a zero direction component times a
    // declared input's infinite partial (√x₀ at 0 along x₁ alone), and the diagonal declaration
    // of (√x₀, √x₁) was blamed for it (a review).
    func shows(_ value: Double) -> Bool { value != 0 && value.isFinite }
    func byJVP() -> Bool {
        // Inputs grouped by the outputs that declare them: one direction per group.
        var groups: [[Int]: [Int]] = [:], order: [[Int]] = []
        for j in 0..<n {
            let readers = (0..<m).filter { declared[$0].contains(j) }
            if readers.count == m { continue }
            if groups[readers] == nil { order.append(readers) }
            groups[readers, default: []].append(j)
        }
        for readers in order {
            let columns = groups[readers] ?? []
            var v = [Double](repeating: 0, count: n)
            for j in columns { v[j] = weight(j) }
            guard let jv = p.jvp(at: x, direction: v) else { return false }
            guard jv.count == m else { return true }   // a wrong length is the rule's error, reported by the sweep
            let reads = Set(readers)
            let flagged = (0..<m).filter { !reads.contains($0) && shows(jv[$0]) }
            if flagged.isEmpty { continue }
            // Which of the group's inputs: each alone (only on this error path).
            for j in columns {
                var e = [Double](repeating: 0, count: n)
                e[j] = 1
                guard let c = p.jvp(at: x, direction: e), c.count == m else { continue }
                for i in flagged where shows(c[i]) { missing.append(PatternEntry(row: i, column: j)) }
            }
        }
        return true
    }
    func byVJP() -> Bool {
        var groups: [Set<Int>: [Int]] = [:], order: [Set<Int>] = []
        for i in 0..<m where declared[i].count < n {
            if groups[declared[i]] == nil { order.append(declared[i]) }
            groups[declared[i], default: []].append(i)
        }
        for reads in order {
            let outputs = groups[reads] ?? []
            var u = [Double](repeating: 0, count: m)
            for i in outputs { u[i] = weight(i) }
            guard let uj = p.vjp(at: x, cotangent: u) else { return false }
            guard uj.count == n else { return true }
            let flagged = (0..<n).filter { !reads.contains($0) && shows(uj[$0]) }
            if flagged.isEmpty { continue }
            for i in outputs {
                var e = [Double](repeating: 0, count: m)
                e[i] = 1
                guard let r = p.vjp(at: x, cotangent: e), r.count == n else { continue }
                for j in flagged where shows(r[j]) { missing.append(PatternEntry(row: i, column: j)) }
            }
        }
        return true
    }
    // A primitive without either rule is refused by the mode itself (missingRule).
    var rule = "JVP"
    if mode == .forward {
        if !byJVP() { rule = "VJP"; _ = byVJP() }
    } else {
        rule = "VJP"
        if !byVJP() { rule = "JVP"; _ = byJVP() }
    }
    guard !missing.isEmpty else { return nil }
    let sorted = missing.sorted { ($0.row, $0.column) < ($1.row, $1.column) }
    return PrimitiveSparsityError(primitive: p.name, missing: sorted, inputs: x, rule: rule)
}

/// The entries of `detected` that `declared` leaves out, row-major.
func entriesMissing(from declared: SparsityPattern, detected: SparsityPattern) -> [PatternEntry] {
    var missing: [PatternEntry] = []
    for (i, cols) in detected.rowColumns.enumerated() {
        for j in cols where !declared.contains(row: i, column: j) { missing.append(PatternEntry(row: i, column: j)) }
    }
    return missing
}

/// The pattern to colour: the detected one, or the declaration after checking that it covers the
/// detected one. The check is a detection pass over the recording (no evaluation of f), so a
/// checked declaration costs what passing no pattern costs: for the n = 10⁴ tridiagonal, 2.7× a
/// trusted declaration's time, where detection dominates (release build, 2026-12-01). We pay it
/// by default because it is the only way a wrong declaration is caught before it becomes a
/// silently wrong Jacobian; ``SparseJacobianOptions/verifiesDeclaredPattern`` turns it off.
@usableFromInline func patternToUse<V>(_ rec: Recording<V>, declared: SparsityPattern?, options: SparseJacobianOptions,
                                       primitives: [any VectorPrimitive.Type], mode: SparseJacobianMode) throws -> SparsityPattern {
    if let name = DeclaredOutputs.ambiguousNames(primitives).first {
        throw ADError.invalidArgument("two vector primitives passed are named \"\(name)\": a recorded call is known by its "
                                      + "primitive's name only, so give each its own")
    }
    // A primitive's declaration is trusted by detection as a whole-function pattern would be, so
    // it is checked under the same option.
    if options.verifiesDeclaredPattern && !primitives.isEmpty {
        try verifyPrimitiveDeclarations(rec, primitives: primitives, mode: mode)
    }
    guard let declared else { return jacobianSparsity(of: rec, primitives: primitives) }
    guard options.verifiesDeclaredPattern else { return declared }
    guard declared.rows == rec.outputs.count && declared.columns == rec.inputs.count else {
        throw ADError.invalidArgument("pattern is \(declared.rows) × \(declared.columns), the Jacobian \(rec.outputs.count) × \(rec.inputs.count)")
    }
    let missing = entriesMissing(from: declared, detected: jacobianSparsity(of: rec, primitives: primitives))
    if !missing.isEmpty { throw DeclaredPatternError(missing: missing) }
    return declared
}

/// The Jacobian of `f` at `x` as a sparse matrix, by colouring: detect the pattern from one
/// recording, colour it, evaluate the compressed product in ⌈colours/8⌉ chunked forward passes (or
/// one reverse sweep per row colour), and read each entry back from the compressed product.
///
/// - Parameters:
///   - pattern: a pattern to use instead of the detected one (a user's declaration, say one that
///     covers other control-flow paths too). It must contain every entry detected from this
///     point's recording: one that leaves an entry out throws ``DeclaredPatternError`` naming
///     the entries, unless ``SparseJacobianOptions/verifiesDeclaredPattern`` is off.
///   - primitives: vector primitives whose declared ``AdjointCore/VectorPrimitive/sparsity(inputs:)``
///     replaces the dense default during detection. Each declaration is checked against the
///     primitive's own rule at each recorded call: one that leaves out a dependency the rule shows
///     throws ``PrimitiveSparsityError`` naming it, unless
///     ``SparseJacobianOptions/verifiesDeclaredPattern`` is off.
///
/// Every entry equals, bit for bit, the dense Jacobian's in the mode that computed it (a
/// structurally orthogonal group adds only exact zeros to an entry), for the recorded control-flow
/// path: coloured entries the dense `mode` Jacobian's, and entries of a split-off dense row (in
/// `.forward`) or dense column (in `.reverse`) the other mode's. Forward and reverse mode sum a
/// row's terms in different orders, so those two can differ in the last bit. Check a pattern with
/// `checkSparsity`.
///
/// A user vector primitive needs only the rule of `mode`: its JVP in `.forward` (dense rows are
/// then coloured rather than swept when it has no VJP), its VJP in `.reverse` (dense columns are
/// then swept rather than passed forward when it has no JVP). The mode's own rule missing throws
/// ``AdjointCore/ADError/missingRule(primitive:mode:needs:)`` naming the primitive.
///
/// ```swift
/// struct Tridiagonal: ADFunction {
///     func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
///         x.indices.map { i in (i > 0 ? x[i - 1] : 0) - 2 * x[i] * x[i] + (i + 1 < x.count ? x[i + 1] : 0) }
///     }
/// }
/// let j = try sparseJacobian(of: Tridiagonal(), at: Array(repeating: 1.0, count: 10_000))
/// j.coloring.count   // 3, one forward pass
/// ```
@inlinable public func sparseJacobian<V: ADScalar & BinaryFloatingPoint & SIMDScalar>(
    of f: some ADFunction, at x: [V], mode: SparseJacobianMode = .forward,
    options: SparseJacobianOptions = SparseJacobianOptions(), pattern declared: SparsityPattern? = nil,
    primitives: [any VectorPrimitive.Type] = []
) throws -> SparseJacobianResult<V> {
    // Inlinable so that the two evaluations of `f` below are specialized for the caller's function
    // type: unspecialized, every op of f goes through witness tables (measured 3× slower at n = 10⁴).
    if let n = f.inputCount { try requireCount("number of inputs", n, x.count) }
    let (rec, sweepable) = try recordForSparsity(f, at: x, mode: mode)
    let pattern = try patternToUse(rec, declared: declared, options: options, primitives: primitives, mode: mode)
    // Without a VJP nothing is swept, so forward mode colours its dense rows too (more passes,
    // every one of which the JVP serves).
    let plan = try SparseJacobianPlan(rec, mode: mode, options: options, pattern: pattern, splitsDense: sweepable)
    guard mode == .forward else {
        if plan.denseColumns.isEmpty { return try plan.assemble(rec, compressed: [], forwardPasses: 0) }
        // Dense column k is seeded alone in lane k; the other columns share the one spare group,
        // whose lane is never read. Unchecked, because that spare lane may be non-finite where no
        // entry is (√x·0 along a sparse column): the recording above already threw any domain
        // error, and `assemble` checks the entries it reads.
        let r = try forwardCompressedJacobian(of: { (d: [Dual<V, SIMD8<V>>]) in f(d) }, at: x,
                                              groups: plan.denseColumnGroups, groupCount: plan.denseColumns.count + 1,
                                              checked: false, reading: plan.groupsRead)
        // The dense columns' forward passes are an economy of reverse mode, not something the
        // caller asked for: a primitive with a VJP and no JVP gets every column by sweeps instead
        // (before, mode .reverse threw "has no JVP, which forward mode needs" for a VJP-only call).
        if r.diagnostics.errors.contains(where: isMissingJVP) {
            let swept = try SparseJacobianPlan(rec, mode: mode, options: options, pattern: pattern, splitsDense: false)
            return try swept.assemble(rec, compressed: [], forwardPasses: 0)
        }
        return try plan.assemble(rec, compressed: r.compressed, forwardPasses: r.passes, forwardDiagnostics: r.diagnostics)
    }
    let reading = plan.groupsRead
    // With every row split off to a reverse sweep (denseRowThreshold 0), the colouring of the
    // rows left still gives the columns a colour, and its pass was taken and never read.
    if plan.coloring.count == 0 || reading.allSatisfy({ $0.isEmpty }) {
        return try plan.assemble(rec, compressed: [], forwardPasses: 0)
    }
    // Unchecked: the recording above already threw any domain error or non-finite output at this
    // point, and `assemble` names a non-finite entry by its row and column (checked, the error
    // named an index into the compressed product, which the caller never sees).
    let r = try forwardCompressedJacobian(of: { (d: [Dual<V, SIMD8<V>>]) in f(d) }, at: x,
                                          groups: plan.coloring.colors, groupCount: plan.coloring.count, checked: false,
                                          reading: reading)
    return try plan.assemble(rec, compressed: r.compressed, forwardPasses: r.passes, forwardDiagnostics: r.diagnostics)
}

/// Whether `e` is a vector primitive's missing JVP (forward mode's refusal).
@usableFromInline func isMissingJVP(_ e: ADError) -> Bool {
    if case .missingRule(_, "forward mode", "JVP") = e { return true }
    return false
}

/// The one recording a sparse Jacobian starts from (the value and the detected pattern; in
/// reverse mode and for forward mode's dense rows, the sweeps), and whether it can be swept.
///
/// A vector primitive without a VJP is recorded all the same: the pattern is read from the
/// tape's graph, and forward mode needs only the JVP (a custom_jvp user's sparse Jacobian was
/// refused with "has no VJP", in a mode that never needed one). Reverse mode sweeps the
/// recording, so there the missing VJP is the error, as for a dense reverse Jacobian: reverse
/// mode never builds a VJP from JVPs.
@inlinable func recordForSparsity<V: ADScalar>(_ f: some ADFunction, at x: [V],
                                               mode: SparseJacobianMode) throws -> (recording: Recording<V>, sweepable: Bool) {
    let (rec, missingVJPs) = try Diagnostics.recordingCallsWithoutVJP { try record({ f($0) }, at: x) }
    if mode == .reverse, let missing = missingVJPs.first { throw missing }
    return (rec, missingVJPs.isEmpty)
}

/// Pattern, colouring and dense rows for one sparse Jacobian; the evaluations of f stay in the
/// inlinable caller.
@usableFromInline struct SparseJacobianPlan {
    @usableFromInline let pattern: SparsityPattern
    @usableFromInline let coloring: Coloring
    let denseRows: [Int]
    @usableFromInline let denseColumns: [Int]
    /// Reverse mode's forward seeding: dense column k in group k, every other column in the spare
    /// group `denseColumns.count`.
    @usableFromInline let denseColumnGroups: [Int]
    let mode: SparseJacobianMode

    /// - Parameter splitsDense: whether dense rows (forward) or columns (reverse) are split off to
    ///   the other mode; off when that mode cannot run (a vector primitive lacks its rule).
    @usableFromInline init<V>(_ rec: Recording<V>, mode: SparseJacobianMode, options: SparseJacobianOptions,
                              pattern: SparsityPattern, splitsDense: Bool = true) throws {
        guard pattern.rows == rec.outputs.count && pattern.columns == rec.inputs.count else {
            throw ADError.invalidArgument("pattern is \(pattern.rows) × \(pattern.columns), the Jacobian \(rec.outputs.count) × \(rec.inputs.count)")
        }
        self.pattern = pattern
        self.mode = mode
        switch mode {
        case .reverse:
            let m = pattern.rows
            let threshold = !splitsDense ? Int.max : options.denseColumnThreshold ?? max(16, Int((4 * Double(m).squareRoot()).rounded(.up)))
            var count = Array(repeating: 0, count: pattern.columns)
            for cols in pattern.rowColumns { for j in cols { count[j] += 1 } }
            let dense = count.indices.filter { count[$0] > threshold }
            var group = Array(repeating: dense.count, count: pattern.columns)
            for (k, j) in dense.enumerated() { group[j] = k }
            let reduced = SparsityPattern(unchecked: m, pattern.columns,
                                          pattern.rowColumns.map { $0.filter { group[$0] == dense.count } })
            coloring = rowColoring(reduced)
            denseRows = []
            denseColumns = dense
            denseColumnGroups = dense.isEmpty ? [] : group
        case .forward:
            let n = pattern.columns
            let threshold = !splitsDense ? Int.max : options.denseRowThreshold ?? max(16, Int((4 * Double(n).squareRoot()).rounded(.up)))
            let dense = pattern.rowColumns.indices.filter { pattern.rowColumns[$0].count > threshold }
            var isDense = Array(repeating: false, count: pattern.rows)
            for i in dense { isDense[i] = true }
            let reduced = SparsityPattern(unchecked: pattern.rows, n,
                                          pattern.rowColumns.enumerated().map { isDense[$0] ? [] : $1 })
            coloring = columnColoring(reduced)
            denseRows = dense
            denseColumns = []
            denseColumnGroups = []
        }
    }

    /// Per row, the groups of the compressed forward product that ``assemble(_:compressed:forwardPasses:forwardDiagnostics:)``
    /// reads: a forward row's colours (none for a dense row, which reverse sweeps take), or the
    /// groups of the dense columns a row has in reverse mode. What the range recovery looks at.
    @usableFromInline var groupsRead: [[Int]] {
        switch mode {
        case .forward:
            let dense = Set(denseRows)
            return pattern.rowColumns.enumerated().map { i, cols in
                dense.contains(i) ? [] : Array(Set(cols.compactMap { $0 < coloring.colors.count ? coloring.colors[$0] : nil })).sorted()
            }
        case .reverse:
            return pattern.rowColumns.map { cols in cols.compactMap { j in j < denseColumnGroups.count && denseColumnGroups[j] < denseColumns.count ? denseColumnGroups[j] : nil } }
        }
    }

    /// Reads every pattern entry from the compressed forward product (columns grouped by colour),
    /// from one reverse sweep per dense row, or, in reverse mode, from one sweep per row colour
    /// and the forward product of the dense columns (`compressed[i][k]` is entry (i, denseColumns[k])).
    ///
    /// The forward passes run unchecked (for their spare lane), so the first error they reported
    /// is thrown here: the recording already threw any domain error at x, and what remains is a
    /// user vector primitive's JVP missing or of the wrong length, whose outputs carry zero
    /// tangents (a Jacobian of zeros with no error, before).
    @usableFromInline func assemble<V: ADScalar>(_ rec: Recording<V>, compressed: [[V]], forwardPasses: Int,
                                                 forwardDiagnostics: EvaluationDiagnostics = EvaluationDiagnostics()) throws -> SparseJacobianResult<V> {
        if let e = forwardDiagnostics.errors.first { throw e }
        func nonFinite(_ i: Int, _ j: Int) -> Error { ADError.nonFinite(what: "Jacobian entry (\(i), \(j))", op: nil, node: nil) }
        var values: [V] = []
        values.reserveCapacity(pattern.nonzeroCount)
        let colors = coloring.colors
        var sweeps = denseRows.count
        switch mode {
        case .reverse:
            // R[c] = (indicator of row colour c)ᵀ·J, one sweep each over the same recording.
            // Rows of one colour may share a dense column (it was left out of the colouring), so
            // the sweep sums them there, and that sum can overflow where no entry does (20 rows of
            // 10³⁰⁷·x₀ + xᵢ gave +∞ in column 0, and the checked sweep threw for a finite
            // Jacobian). Such a sweep is taken again unchecked, and the entries it provides are
            // checked one by one below, with the op the checked sweep named.
            // The rows of such a colour are swept one by one, unchecked but recovering a term
            // lost below the range as the checked sweep does: a single unchecked sweep of the
            // colour recovered nothing, and x²/x³⁰⁰ beside 19 rows of 10³⁰⁷·x₀ + xᵢ gave 2e-299
            // for −2.98e-297 (a review). One row alone does not sum the dense column.
            // A colour whose rows have entries only in dense columns is not read: with every
            // column split off (denseColumnThreshold 0) its sweep was taken for nothing.
            var isRead = Array(repeating: false, count: coloring.count)
            for (i, cols) in pattern.rowColumns.enumerated()
            where cols.contains(where: { denseColumnGroups.isEmpty || denseColumnGroups[$0] == denseColumns.count }) {
                isRead[colors[i]] = true
            }
            sweeps = isRead.filter { $0 }.count
            var sweepErrorOp: [Int: String?] = [:]
            var rowsAlone: [Int: [V]] = [:]
            let products = try (0..<coloring.count).map { c -> [V] in
                guard isRead[c] else { return [] }
                let seed: [V] = colors.map { $0 == c ? 1 : 0 }
                guard !denseColumns.isEmpty else { return try rec.pullback(seed) }
                do { return try rec.pullback(seed) } catch ADError.nonFinite(_, let op, _) {
                    sweepErrorOp[c] = op
                    for i in colors.indices where colors[i] == c {
                        rowsAlone[i] = try rec.pullback(seeds: [(rec.outputs[i], 1)], checked: false, range: .throwing)
                    }
                    return try rec.pullback(seed, checked: false)
                }
            }
            for (i, cols) in pattern.rowColumns.enumerated() {
                for j in cols {
                    if denseColumnGroups.isEmpty || denseColumnGroups[j] == denseColumns.count {
                        let v = rowsAlone[i].map { $0[j] } ?? products[colors[i]][j]
                        if let op = sweepErrorOp[colors[i]], !v.isFiniteValue {
                            throw ADError.nonFinite(what: "Jacobian entry (\(i), \(j))", op: op, node: nil)
                        }
                        values.append(v)
                        continue
                    }
                    let v = compressed[i][denseColumnGroups[j]]
                    guard v.isFiniteValue else { throw nonFinite(i, j) }
                    values.append(v)
                }
            }
        case .forward:
            var denseValues = Array(repeating: [V](), count: pattern.rows)
            for i in denseRows { denseValues[i] = try rec.pullback((0..<pattern.rows).map { $0 == i ? 1 : 0 }) }
            for (i, cols) in pattern.rowColumns.enumerated() {
                if !denseValues[i].isEmpty { for j in cols { values.append(denseValues[i][j]) } }
                else {
                    for j in cols {
                        let v = compressed[i][colors[j]]
                        guard v.isFiniteValue else { throw nonFinite(i, j) }
                        values.append(v)
                    }
                }
            }
        }
        return SparseJacobianResult(value: rec.value, matrix: try SparseMatrix(pattern: pattern, values: values),
                                    pattern: pattern, coloring: coloring, denseRows: denseRows,
                                    denseColumns: denseColumns, mode: mode,
                                    forwardPasses: forwardPasses,
                                    reverseSweeps: sweeps,
                                    diagnostics: rec.diagnostics)
    }
}
