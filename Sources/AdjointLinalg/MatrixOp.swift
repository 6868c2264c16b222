import AdjointCore

/// The matrix-valued primitives: the matrix counterpart of the scalar registry ``Op``.
///
/// Each case is defined once: metadata in ``MatrixOpInfo``, primal/JVP/VJP in `MatrixRules`
/// (one `switch` each). The tape (``MatrixTape``), forward mode (``MatrixForward``) and plain
/// evaluation (``MatrixEvaluator``) all interpret this table. Elementwise activations carry a
/// scalar ``Op`` and take both its primal and its derivative from the scalar registry.
///
/// Flop counting rule (what ``measureOperations(_:)`` reports for matrix work, forward and backward alike):
/// - every product op(A)·op(B) with op(A) m×k and op(B) k×n: 2·m·n·k flops, `matmuls += 1`,
///   `byName["matmul"] += 1` (a dense layer's VJP is two such products, its JVP two);
/// - every other kernel: 1 flop per element of the largest matrix it reads or writes, under
///   `byName["<op name>"]` forward, `"<op name>_vjp"` in the reverse sweep, `"<op name>_jvp"` in
///   forward mode (elementwise activations use the scalar op's name, e.g. `"tanh"`);
/// - the tape adds `tapeEntries += 1` and `tapeBytes +=` the bytes of the saved matrices per entry.
///
/// ```swift
/// MatrixOp.matmul.info.name        // "matmul"
/// MatrixOp.softmaxCrossEntropy.info.isLoss   // true
/// ```
public enum MatrixOp: UInt8, CaseIterable, Sendable, Hashable {
    /// Leaves: a differentiable input, and a constant (data, targets).
    case input, constant
    /// A (m×k) · B (k×n).
    case matmul
    /// A + B, same shape.
    case add
    /// X (m×n) + b (1×n), b broadcast over the rows (a dense layer's bias).
    case addBias
    /// A scalar registry op applied to every element (attributes: ``ElementwiseSpec``).
    case elementwise
    /// Sum and mean, over everything or per row/column (attribute: ``Reduction``).
    case sum, mean
    /// Along each row (one row = one sample's logits): softmax, log-softmax, and log-sum-exp (m×1).
    case softmax, logSoftmax, logSumExp
    /// Losses of a prediction against a constant target, 1×1. See ``ElementwiseLoss`` for the
    /// terms. mse, mae, huber, logCosh and binaryCrossEntropyWithLogits divide the sum of the
    /// terms by the number of elements (m·n); klDivergence divides it by the number of rows m
    /// (one row = one sample's distribution, so it is the mean over samples of each sample's
    /// divergence), as ``softmaxCrossEntropy`` does.
    case mse, mae, huber, logCosh, klDivergence, binaryCrossEntropyWithLogits
    /// Softmax cross-entropy of logits (m×c) against integer labels (m of them, each in 0..<c),
    /// averaged over the rows (the samples), not over the m·c elements.
    case softmaxCrossEntropy

    /// The op's metadata.
    public var info: MatrixOpInfo { MatrixOpInfo.table[Int(rawValue)] }

    /// The elementwise loss behind a loss op, if it is one.
    var elementwiseLoss: ElementwiseLoss? {
        switch self {
        case .mse: return .mse
        case .mae: return .mae
        case .huber: return .huber
        case .logCosh: return .logCosh
        case .klDivergence: return .klDivergence
        case .binaryCrossEntropyWithLogits: return .binaryCrossEntropyWithLogits
        default: return nil
        }
    }
}

/// Registry metadata for one matrix op.
///
/// ```swift
/// MatrixOp.matmul.info.name    // "matmul"
/// MatrixOp.matmul.info.arity   // 2
/// ```
public struct MatrixOpInfo: Sendable {
    /// The op this entry describes.
    public let op: MatrixOp
    /// Name in reports and in the counters' `byName`.
    public let name: String
    /// Number of differentiable matrix arguments.
    public let arity: Int
    /// Output shape in terms of the inputs' shapes.
    public let shape: String
    /// Whether the op is a loss (1×1 output, against a constant target or labels).
    public let isLoss: Bool

    init(_ op: MatrixOp, _ name: String, _ arity: Int, _ shape: String, loss: Bool = false) {
        self.op = op; self.name = name; self.arity = arity; self.shape = shape; self.isLoss = loss
    }

    /// Indexed by `MatrixOp.rawValue`; the order is checked against `MatrixOp.allCases` by a test.
    public static let table: [MatrixOpInfo] = [
        MatrixOpInfo(.input, "input", 0, "given"),
        MatrixOpInfo(.constant, "constant", 0, "given"),
        MatrixOpInfo(.matmul, "matmul", 2, "m×k · k×n → m×n"),
        MatrixOpInfo(.add, "add", 2, "m×n + m×n → m×n"),
        MatrixOpInfo(.addBias, "add_bias", 2, "m×n + 1×n → m×n"),
        MatrixOpInfo(.elementwise, "elementwise", 1, "m×n → m×n"),
        MatrixOpInfo(.sum, "sum", 1, "m×n → 1×1, 1×n or m×1"),
        MatrixOpInfo(.mean, "mean", 1, "m×n → 1×1, 1×n or m×1"),
        MatrixOpInfo(.softmax, "softmax", 1, "m×n → m×n (per row)"),
        MatrixOpInfo(.logSoftmax, "log_softmax", 1, "m×n → m×n (per row)"),
        MatrixOpInfo(.logSumExp, "log_sum_exp", 1, "m×n → m×1"),
        MatrixOpInfo(.mse, "mse", 1, "m×n vs m×n → 1×1", loss: true),
        MatrixOpInfo(.mae, "mae", 1, "m×n vs m×n → 1×1", loss: true),
        MatrixOpInfo(.huber, "huber", 1, "m×n vs m×n → 1×1", loss: true),
        MatrixOpInfo(.logCosh, "log_cosh", 1, "m×n vs m×n → 1×1", loss: true),
        MatrixOpInfo(.klDivergence, "kl_divergence", 1, "m×n log-probabilities vs m×n probabilities → 1×1", loss: true),
        MatrixOpInfo(.binaryCrossEntropyWithLogits, "binary_cross_entropy_with_logits", 1, "m×n logits vs m×n labels → 1×1", loss: true),
        MatrixOpInfo(.softmaxCrossEntropy, "softmax_cross_entropy", 1, "m×c logits vs m labels → 1×1", loss: true),
    ]
}

/// The non-matrix inputs of a matrix op: its activation, reduction, loss parameter, target or labels.
///
/// ```swift
/// let a = MatrixAttributes<Double>(reduction: .perRow)
/// ```
public struct MatrixAttributes<Scalar: LinalgScalar>: Sendable {
    /// For ``MatrixOp/elementwise``.
    public var elementwise: ElementwiseSpec<Scalar>?
    /// For ``MatrixOp/sum`` and ``MatrixOp/mean``.
    public var reduction: Reduction
    /// Huber's δ (other losses ignore it).
    public var lossParameter: Scalar
    /// The constant target of a loss (same shape as the prediction).
    public var target: Matrix<Scalar>?
    /// Integer class labels of ``MatrixOp/softmaxCrossEntropy``, one per row.
    public var labels: [Int]

    /// Attributes for one op; leave the ones it does not use at their defaults.
    public init(elementwise: ElementwiseSpec<Scalar>? = nil, reduction: Reduction = .all,
                lossParameter: Scalar = 1, target: Matrix<Scalar>? = nil, labels: [Int] = []) {
        self.elementwise = elementwise; self.reduction = reduction; self.lossParameter = lossParameter
        self.target = target; self.labels = labels
    }
}

/// Reports matrix work to ``Instrumentation`` (see the counting rule on ``MatrixOp``).
enum MatrixCounters {
    @inline(__always)
    static func matmul(m: Int, n: Int, k: Int) {
        guard Instrumentation.isActive else { return }
        Instrumentation.record {
            $0.flops += 2 * m * n * k
            $0.matmuls += 1
            $0.byName["matmul", default: 0] += 1
        }
    }

    @inline(__always)
    static func record(_ name: @autoclosure () -> String, flops: Int) {
        guard Instrumentation.isActive else { return }
        let key = name()
        Instrumentation.record {
            $0.flops += flops
            $0.byName[key, default: 0] += 1
        }
    }

    @inline(__always)
    static func tapeEntry(bytes: Int) {
        guard Instrumentation.isActive else { return }
        Instrumentation.record {
            $0.tapeEntries += 1
            $0.tapeBytes += bytes
        }
    }
}
