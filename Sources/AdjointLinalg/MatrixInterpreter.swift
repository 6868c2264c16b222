import AdjointCore
import CAdjointSupport

/// Something that runs matrix ops: plain evaluation (``MatrixEvaluator``), forward mode
/// (``MatrixForward``, values carry tangents) or reverse mode (``MatrixTape``, values are nodes).
///
/// Write a model once against this protocol and it runs in all three modes; the named ops below
/// are defined once here, each a call to ``apply(_:_:_:_:)`` with the op's registry code.
///
/// ```swift
/// func layer<I: MatrixInterpreter>(_ m: I, x: I.Value, w: I.Value, b: I.Value) throws -> I.Value {
///     try m.activation(.tanh, m.addBias(m.matmul(x, w), b))
/// }
/// ```
public protocol MatrixInterpreter {
    associatedtype Scalar: LinalgScalar
    /// What flows between ops: a matrix, a matrix with a tangent, or a tape node.
    associatedtype Value
    /// Wraps data that is not differentiated (inputs of a batch, constants).
    func constant(_ m: Matrix<Scalar>) throws -> Value
    /// The primal matrix of a value.
    func primal(_ v: Value) throws -> Matrix<Scalar>
    /// Runs one registry op: `b` is the second matrix argument of binary ops, nil otherwise.
    /// Every interpreter throws ``ADError/invalidArgument(_:)`` when the number of matrix
    /// arguments is not the op's ``MatrixOpInfo/arity`` (leaves take none: use `constant`).
    func apply(_ op: MatrixOp, _ a: Value, _ b: Value?, _ attributes: MatrixAttributes<Scalar>) throws -> Value
    /// σ(x + b) for a 1×n bias b: the same as `activation(σ, addBias(x, b))` (two registry ops,
    /// counted and recorded as two), computed in one pass where the interpreter can.
    func addBiasActivation(_ x: Value, _ bias: Value, _ activation: ElementwiseSpec<Scalar>) throws -> Value
    /// Declares `v` dead: the interpreter may reuse its buffers for later ops. Using `v` after this
    /// stays correct (a reused buffer still shared is copied on write) but loses the saving.
    func recycle(_ v: Value)
}

extension MatrixInterpreter {
    /// The two ops one after the other; interpreters with a fused kernel override this.
    public func addBiasActivation(_ x: Value, _ bias: Value, _ activation: ElementwiseSpec<Scalar>) throws -> Value {
        let preactivation = try addBias(x, bias)
        defer { recycle(preactivation) }
        return try self.activation(activation, preactivation)
    }
    /// Nothing to reuse by default.
    public func recycle(_ v: Value) {}
}

extension MatrixInterpreter {
    /// A·B (one gemm).
    public func matmul(_ a: Value, _ b: Value) throws -> Value { try apply(.matmul, a, b, MatrixAttributes()) }
    /// A + B, same shape.
    public func add(_ a: Value, _ b: Value) throws -> Value { try apply(.add, a, b, MatrixAttributes()) }
    /// X + b with the 1×n bias b added to every row.
    public func addBias(_ x: Value, _ bias: Value) throws -> Value { try apply(.addBias, x, bias, MatrixAttributes()) }
    /// A scalar registry op per element (`.tanh`, `.relu`, `.leakyRelu` with `parameter` as slope,
    /// 0.01 unless given, …).
    public func activation(_ op: Op, _ x: Value, parameter: Scalar? = nil, exponent: Int = 0) throws -> Value {
        let spec = try ElementwiseSpec(op: op, parameter: parameter, exponent: exponent)
        return try apply(.elementwise, x, nil, MatrixAttributes(elementwise: spec))
    }
    /// An elementwise activation given as a spec.
    public func activation(_ spec: ElementwiseSpec<Scalar>, _ x: Value) throws -> Value {
        try apply(.elementwise, x, nil, MatrixAttributes(elementwise: spec))
    }
    /// Sum over everything (1×1), per column (1×n) or per row (m×1).
    public func sum(_ x: Value, _ reduction: Reduction = .all) throws -> Value {
        try apply(.sum, x, nil, MatrixAttributes(reduction: reduction))
    }
    /// Mean over everything (1×1), per column (1×n) or per row (m×1). Throws
    /// ``ADError/invalidArgument(_:)`` when a mean would be over no entries (a 0×n matrix
    /// overall or per column, an m×0 one overall or per row), as the losses do.
    public func mean(_ x: Value, _ reduction: Reduction = .all) throws -> Value {
        try apply(.mean, x, nil, MatrixAttributes(reduction: reduction))
    }
    /// Softmax of each row.
    public func softmax(_ x: Value) throws -> Value { try apply(.softmax, x, nil, MatrixAttributes()) }
    /// Log-softmax of each row, x − lse(x), without forming the softmax's logarithm.
    public func logSoftmax(_ x: Value) throws -> Value { try apply(.logSoftmax, x, nil, MatrixAttributes()) }
    /// log Σ exp of each row (m×1), with the row maximum subtracted first.
    public func logSumExp(_ x: Value) throws -> Value { try apply(.logSumExp, x, nil, MatrixAttributes()) }
    /// A loss of `prediction` against a constant `target` of the same shape (1×1).
    /// `op` is one of `.mse`, `.mae`, `.huber` (δ = `parameter`), `.logCosh`, `.klDivergence`
    /// (prediction = log-probabilities, target = probabilities), `.binaryCrossEntropyWithLogits`
    /// (prediction = logits, target = labels in [0, 1]).
    ///
    /// The sum of the per-element terms (``ElementwiseLoss``) is divided by the number of
    /// elements m·n for every op but `.klDivergence`, which divides by the number of rows m (a
    /// row is one sample's distribution: the mean over samples of each one's divergence), as
    /// ``softmaxCrossEntropy(_:labels:)`` does. So an m×n KL is n times the mean of its terms.
    ///
    /// ```swift
    /// let e = MatrixEvaluator<Double>()
    /// let t = try Matrix([[0.5, 0.5], [1.0, 0.0]])
    /// try e.loss(.mse, Matrix([[1.5, 0.5], [1.0, 2.0]]), target: t)   // (1² + 0 + 0 + 2²)/4 elements = 1.25
    /// try e.loss(.klDivergence, Matrix([[-1.0, -1.0], [-2.0, -2.0]]), target: t)
    /// // (2·0.5(log 0.5 + 1) + 1·(log 1 + 2) + 0)/2 rows = (3 − log 2)/2 = 1.153426…
    /// ```
    ///
    /// Throws for a target of another shape (naming both), an empty prediction, a negative KL
    /// target, a label outside [0, 1], δ ≤ 0, or a non-finite loss.
    public func loss(_ op: MatrixOp, _ prediction: Value, target: Matrix<Scalar>, parameter: Scalar = 1) throws -> Value {
        guard op.elementwiseLoss != nil else {
            throw ADError.invalidArgument("\(op.info.name) is not a loss against a target matrix")
        }
        return try apply(op, prediction, nil, MatrixAttributes(lossParameter: parameter, target: target))
    }
    /// Mean squared error against `target`.
    public func mse(_ prediction: Value, _ target: Matrix<Scalar>) throws -> Value { try loss(.mse, prediction, target: target) }
    /// Softmax cross-entropy of logits (one row per sample) against integer class labels,
    /// averaged over the rows. Throws for a wrong label count or a label outside 0..<columns.
    public func softmaxCrossEntropy(_ logits: Value, labels: [Int]) throws -> Value {
        try apply(.softmaxCrossEntropy, logits, nil, MatrixAttributes(labels: labels))
    }
}

/// Plain evaluation: values are matrices, nothing is recorded. The cost baseline of a forward pass.
///
/// ```swift
/// let e = MatrixEvaluator<Double>()
/// let y = try e.activation(.tanh, e.matmul(x, w))
/// ```
public struct MatrixEvaluator<Scalar: LinalgScalar>: MatrixInterpreter {
    /// Buffers of recycled values, reused by later ops on the thread that made the evaluator.
    let buffers = MatrixPoolLease<Scalar>()
    /// An evaluator; it reuses the buffers of values passed to ``recycle(_:)``.
    public init() {}
    /// Data passes through unchanged.
    public func constant(_ m: Matrix<Scalar>) -> Matrix<Scalar> { m }
    /// A value is its own primal.
    public func primal(_ v: Matrix<Scalar>) -> Matrix<Scalar> { v }
    /// The op's primal rule only.
    public func apply(_ op: MatrixOp, _ a: Matrix<Scalar>, _ b: Matrix<Scalar>?,
                      _ attributes: MatrixAttributes<Scalar>) throws -> Matrix<Scalar> {
        let pool = buffers.onThisThread
        let (z, saved) = try MatrixRules.primal(op, a, b, attributes, node: nil, pool: pool)
        if let saved { pool?.recycle(saved) }   // kept only for derivative rules
        return z
    }
    /// One pass, in one buffer: z is computed where x + b was written.
    public func addBiasActivation(_ x: Matrix<Scalar>, _ bias: Matrix<Scalar>,
                                  _ activation: ElementwiseSpec<Scalar>) throws -> Matrix<Scalar> {
        guard MatrixFastPaths.isOn else { return try self.activation(activation, addBias(x, bias)) }
        return try activation.applyWithBias(x, bias, node: nil, keepPreactivation: false, pool: buffers.onThisThread).z
    }
    /// Hands `v`'s buffer to later ops.
    public func recycle(_ v: Matrix<Scalar>) { buffers.onThisThread?.recycle(v) }
}

/// A matrix with its tangent (forward mode); a nil tangent means zero (a constant).
///
/// ```swift
/// let x = MatrixDual(value: a, tangent: direction)
/// ```
public struct MatrixDual<Scalar: LinalgScalar>: Sendable {
    /// The primal matrix.
    public var value: Matrix<Scalar>
    /// The directional derivative; nil for constants.
    public var tangent: Matrix<Scalar>?
    /// Pairs a value with its tangent; throws when their shapes differ.
    public init(value: Matrix<Scalar>, tangent: Matrix<Scalar>?) throws {
        if let t = tangent {
            var shapes: String { "(value \(value.shapeText), tangent \(t.shapeText))" }
            try requireEqual("tangent rows \(shapes)", value.rows, t.rows)
            try requireEqual("tangent columns \(shapes)", value.cols, t.cols)
        }
        self.value = value; self.tangent = tangent
    }
    init(unchecked value: Matrix<Scalar>, tangent: Matrix<Scalar>?) { self.value = value; self.tangent = tangent }
}

/// Forward mode for matrix programs: each op pushes the tangents through its JVP rule, so one
/// pass gives f(X) and J·V for the direction V seeded on the inputs.
///
/// ```swift
/// let fwd = MatrixForward<Double>()
/// let x = try MatrixDual(value: a, tangent: v)
/// let y = try fwd.activation(.tanh, x)   // y.tangent = (1 − tanh²(a)) ⊙ v
/// ```
///
/// Ops applied one by one give the pass as it ran: a tangent below the least normal number is 0
/// there, even where a later product would bring it back into range. ``jvp(at:along:range:_:)``
/// runs a whole program and recovers such a term.
public struct MatrixForward<Scalar: LinalgScalar>: MatrixInterpreter {
    /// Buffers of recycled values and tangents, reused by later ops on the thread that made it.
    let buffers = MatrixPoolLease<Scalar>()
    /// Whether a NaN or infinite tangent throws; a lifted pass lets an overflow show as the
    /// non-finite entries it reaches instead (see ``jvp(at:along:range:_:)``).
    let strict: Bool
    /// A forward-mode interpreter; it reuses the buffers of duals passed to ``recycle(_:)``.
    public init() { strict = true }
    init(strict: Bool) { self.strict = strict }
    /// A dual with zero tangent.
    public func constant(_ m: Matrix<Scalar>) -> MatrixDual<Scalar> { MatrixDual(unchecked: m, tangent: nil) }
    /// The dual's value.
    public func primal(_ v: MatrixDual<Scalar>) -> Matrix<Scalar> { v.value }
    /// The op's primal rule, then its JVP rule on the arguments' tangents.
    ///
    /// Throws ``ADError/nonFinite(what:op:node:)`` when the tangent has a NaN or ∞, naming the op
    /// that made it (or the argument's tangent, when that was given non-finite), as the scalar
    /// `jvp` throws for a non-finite directional derivative: the matrix path returned such a
    /// tangent silently (a review). Checked per op, since a non-finite tangent stays non-finite
    /// through every later op, so the first op that makes one is the one to name.
    public func apply(_ op: MatrixOp, _ a: MatrixDual<Scalar>, _ b: MatrixDual<Scalar>?,
                      _ attributes: MatrixAttributes<Scalar>) throws -> MatrixDual<Scalar> {
        let pool = buffers.onThisThread
        let (z, saved) = try MatrixRules.primal(op, a.value, b?.value, attributes, node: nil, pool: pool)
        let t = MatrixRules.jvp(op, a.value, b?.value, a.tangent, b?.tangent, attributes, value: z, saved: saved, pool: pool)
        if let saved { pool?.recycle(saved) }   // read by the JVP only
        if strict, let t, let (r, c) = t.firstNonFinite { try Self.reportNonFiniteTangent(op, attributes, a, b, at: (r, c)) }
        return MatrixDual(unchecked: z, tangent: t)
    }

    /// The typed error for a non-finite tangent element (r, c) of `op`'s output.
    private static func reportNonFiniteTangent(_ op: MatrixOp, _ attributes: MatrixAttributes<Scalar>,
                                               _ a: MatrixDual<Scalar>, _ b: MatrixDual<Scalar>?, at rc: (Int, Int)) throws {
        let name = op == .elementwise ? (attributes.elementwise?.op.info.name ?? op.info.name) : op.info.name
        for (k, arg) in [a, b].enumerated() {
            if let (r, c) = arg?.tangent?.firstNonFinite {
                throw ADError.nonFinite(what: "tangent element (\(r), \(c)) of \(name)'s argument \(k) (a direction with NaN or ∞)",
                                        op: name, node: nil)
            }
        }
        throw ADError.nonFinite(what: "tangent element (\(rc.0), \(rc.1)) of \(name)'s output (the directional derivative)",
                                op: name, node: nil)
    }
    /// Hands the value's and the tangent's buffers to later ops.
    public func recycle(_ v: MatrixDual<Scalar>) {
        guard let pool = buffers.onThisThread else { return }
        pool.recycle(v.value)
        if let t = v.tangent { pool.recycle(t) }
    }
}

extension MatrixForward {
    /// A program's value and its directional derivative J·V in one forward pass, with tangents
    /// lost below the range recovered: a pass that raised the underflow flag is run again with
    /// the directions lifted by powers of two (``RangeRecovery``, as the scalar `jvp` does).
    /// Every matrix JVP is linear in its tangents, so a lifted pass divided back is exact where
    /// nothing left the range. The reciprocal of 10¹⁷⁰ has the tangent −10⁻³⁴⁰, 0 in Double,
    /// and its product with 10³⁰⁰ lost −10⁻⁴⁰ when the ops ran by hand.
    ///
    /// ```swift
    /// let (y, dy) = try MatrixForward<Double>.jvp(at: [a], along: [v]) { m, x in
    ///     try m.sum(m.activation(.tanh, x[0]))
    /// }
    /// ```
    /// - Parameters:
    ///   - points: the program's inputs.
    ///   - directions: one tangent per input, of its shape.
    ///   - range: what to do with an entry lost below the range: recover it and throw where no
    ///     lift settles it (the default), recover and keep such an entry, or nothing.
    ///   - program: the computation, on the interpreter and the inputs as duals; it is run again
    ///     for each lift, so it must compute the same thing each time.
    /// - Throws: the program's errors; ``ADError/nonFinite(what:op:node:)`` for a NaN or infinite
    ///   tangent; ``ADError/rangeLoss(what:values:)`` for an entry no lift settles.
    public static func jvp(at points: [Matrix<Scalar>], along directions: [Matrix<Scalar>], range: RangeRecovery = .throwing,
                           _ program: (MatrixForward<Scalar>, [MatrixDual<Scalar>]) throws -> MatrixDual<Scalar>)
    throws -> (value: Matrix<Scalar>, tangent: Matrix<Scalar>) {
        try requireEqual("number of directions (one per point)", points.count, directions.count)
        // A program that returns an input unchanged applies no op, so no op's check sees its tangent.
        for (k, v) in directions.enumerated() {
            if let (r, c) = v.firstNonFinite {
                throw ADError.nonFinite(what: "direction \(k) element (\(r), \(c)) (a direction with NaN or ∞)", op: nil, node: nil)
            }
        }
        func pass(_ m: MatrixForward<Scalar>, lift: Scalar) throws -> MatrixDual<Scalar> {
            let inputs = try zip(points, directions).map { p, v in
                try MatrixDual(value: p, tangent: lift == 1 ? v : Matrix(uncheckedRows: v.rows, cols: v.cols, elements: v.elements.map { $0 * lift }))
            }
            return try program(m, inputs)
        }
        let watch = UnderflowWatch()
        defer { watch.end() }
        if range != .off { adjoint_blas_watch_begin() }
        defer { if range != .off { adjoint_blas_watch_end() } }
        let out = try pass(MatrixForward(), lift: 1)
        let (rows, cols) = (out.value.rows, out.value.cols)
        let tangent = out.tangent ?? Matrix(uncheckedRows: rows, cols: cols)
        guard range != .off, watch.underflowed, let (top, _) = rangeRecoveryFormat(Scalar.self) else { return (out.value, tangent) }
        let settled = try settleLiftedPasses(
            computed: tangent.elements,
            lifts: forwardLifts(direction: directions.flatMap { $0.elements.map { Double($0).magnitude } }, topExponent: top),
            evaluate: { c -> [Scalar]? in
                guard let lifted = try? pass(MatrixForward(strict: false), lift: c), lifted.value.count == tangent.count else { return nil }
                return lifted.tangent.map { $0.elements.map { $0 / c } } ?? tangent.elements.map { _ in 0 }
            },
            what: { "tangent element (\($0 / Swift.max(1, cols)), \($0 % Swift.max(1, cols))) of the program's output" },
            throwing: range == .throwing,
            primalUnderflows: { underflows { _ = try? pass(MatrixForward(strict: false), lift: 0) } })
        return (out.value, Matrix(uncheckedRows: rows, cols: cols, elements: settled))
    }
}
