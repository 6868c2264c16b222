import AdjointCore

extension Matrix {
    /// A rows×cols matrix with entries uniform in `range`, reproducible from `generator`'s seed.
    ///
    /// ```swift
    /// var g = SeededGenerator(seed: 7)
    /// let w = try Matrix<Double>.random(3, 4, in: -1...1, using: &g)
    /// ```
    ///
    /// Throws ``ADError/invalidArgument(_:)`` when a bound is not finite, the width of the range
    /// overflows, or a bound is outside the scalar type's range (±1e300 for Float): there is no
    /// uniform distribution on an infinite range, and the standard library traps on one.
    public static func random(_ rows: Int, _ cols: Int, in range: ClosedRange<Double>,
                              using generator: inout SeededGenerator) throws -> Matrix {
        let (a, b) = (range.lowerBound, range.upperBound)
        guard a.isFinite, b.isFinite, (b - a).isFinite, Scalar(a).isFinite, Scalar(b).isFinite else {
            throw ADError.invalidArgument("random matrix entries need a finite range of finite \(Scalar.self) values, got \(a)...\(b)")
        }
        let e = (0..<(try elementCount(rows, cols))).map { _ in Scalar(Double.random(in: range, using: &generator)) }
        return Matrix(uncheckedRows: rows, cols: cols, elements: e)
    }
}

/// One fully connected layer, y = σ(x·W + b), with one sample per row of x.
///
/// W is in×out (so a batch×in input gives batch×out without transposes), b is 1×out and added to
/// every row, σ is a scalar registry op applied per element (nil: identity, a linear layer).
///
/// ```swift
/// let layer = try DenseLayer(weights: w, bias: b, activation: ElementwiseSpec(op: .tanh))
/// let y = try layer.forward(MatrixEvaluator(), x, weights: w, bias: b)
/// ```
public struct DenseLayer<Scalar: LinalgScalar>: Sendable {
    /// W, in×out.
    public var weights: Matrix<Scalar>
    /// b, 1×out.
    public var bias: Matrix<Scalar>
    /// σ, or nil for a linear layer.
    public var activation: ElementwiseSpec<Scalar>?

    /// Throws when the bias is not 1×(columns of W).
    public init(weights: Matrix<Scalar>, bias: Matrix<Scalar>, activation: ElementwiseSpec<Scalar>?) throws {
        var shapes: String { "(weights \(weights.shapeText), bias \(bias.shapeText))" }
        try requireEqual("bias rows of a dense layer \(shapes)", 1, bias.rows)
        try requireEqual("bias columns of a dense layer (= output width) \(shapes)", weights.cols, bias.cols)
        self.weights = weights; self.bias = bias; self.activation = activation
    }

    /// Features in (rows of W).
    public var inputWidth: Int { weights.rows }
    /// Features out (columns of W).
    public var outputWidth: Int { weights.cols }

    /// The layer on any interpreter, with its parameters given as that interpreter's values
    /// (tape nodes to differentiate them, duals to push a direction through them).
    public func forward<I: MatrixInterpreter>(_ m: I, _ x: I.Value, weights w: I.Value, bias b: I.Value) throws -> I.Value
    where I.Scalar == Scalar {
        let product = try m.matmul(x, w)
        defer { m.recycle(product) }
        guard let activation else { return try m.addBias(product, b) }
        return try m.addBiasActivation(product, b, activation)
    }
}

/// The gradient (or a direction) for one layer's parameters.
///
/// ```swift
/// let (_, grads) = try net.lossAndGradient(input: x, loss: .elementwise(.mse, target: y))
/// grads[0].weights   // ∂ℓ/∂W₀, the shape of W₀
/// ```
public struct LayerParameters<Scalar: LinalgScalar>: Sendable, Equatable {
    /// For W (in×out).
    public var weights: Matrix<Scalar>
    /// For b (1×out).
    public var bias: Matrix<Scalar>
    /// Pairs a weight and a bias entry.
    public init(weights: Matrix<Scalar>, bias: Matrix<Scalar>) { self.weights = weights; self.bias = bias }
}

/// What an MLP's loss compares its output with.
///
/// ```swift
/// MLPLoss<Double>.elementwise(.mse, target: y)
/// MLPLoss<Double>.softmaxCrossEntropy(labels: [0, 2, 1])
/// ```
public enum MLPLoss<Scalar: LinalgScalar>: Sendable {
    /// An elementwise loss op (`.mse`, `.mae`, `.huber`, `.logCosh`, `.klDivergence`,
    /// `.binaryCrossEntropyWithLogits`) against a target of the output's shape; `parameter` is Huber's δ.
    case elementwise(MatrixOp, target: Matrix<Scalar>, parameter: Scalar = 1)
    /// Softmax cross-entropy of the outputs (logits) against integer class labels.
    case softmaxCrossEntropy(labels: [Int])

    func apply<I: MatrixInterpreter>(_ m: I, _ y: I.Value) throws -> I.Value where I.Scalar == Scalar {
        switch self {
        case let .elementwise(op, target, parameter): return try m.loss(op, y, target: target, parameter: parameter)
        case let .softmaxCrossEntropy(labels): return try m.softmaxCrossEntropy(y, labels: labels)
        }
    }
}

/// A multilayer perceptron: dense layers with an activation each, for losses, gradients and
/// the complexity experiments.
///
/// ```swift
/// let net = try MLP<Double>(layerSizes: [4, 16, 16, 1], activation: .tanh, seed: 1)
/// let (loss, grads) = try net.lossAndGradient(input: x, loss: .elementwise(.mse, target: y))
/// grads[0].weights   // ∂loss/∂W₁, 4×16
/// ```
public struct MLP<Scalar: LinalgScalar>: Sendable {
    /// The layers, input side first.
    public var layers: [DenseLayer<Scalar>]

    /// Wraps given layers; throws when consecutive widths do not match.
    public init(layers: [DenseLayer<Scalar>]) throws {
        for l in layers.indices.dropFirst() {
            try requireEqual("input width of layer \(l)", layers[l - 1].outputWidth, layers[l].inputWidth)
        }
        self.layers = layers
    }

    /// A seeded network with `layerSizes = [input, hidden…, output]`.
    ///
    /// Weights are Glorot-uniform, U(−√(6/(in+out)), +√(6/(in+out))), which keeps tanh layers
    /// away from saturation at any depth; biases are U(−0.1, 0.1) rather than 0 so that tests
    /// exercise the bias path. Every hidden layer uses `activation`; the last uses
    /// `outputActivation` (nil: linear output, as for regression or logits).
    public init(layerSizes: [Int], activation: Op, outputActivation: Op? = nil, seed: UInt64) throws {
        guard layerSizes.count >= 2, layerSizes.allSatisfy({ $0 > 0 }) else {
            throw ADError.invalidArgument("an MLP needs at least two positive layer sizes (input and output), got \(layerSizes)")
        }
        // Every weight matrix's size is checked before anything is allocated and before i + o
        // below, which overflowed for a size of Int.max: once i·o fits the element limit
        // (2³¹ − 1), so does i + o.
        for l in 0..<(layerSizes.count - 1) { _ = try Matrix<Scalar>.elementCount(layerSizes[l], layerSizes[l + 1]) }
        var g = SeededGenerator(seed: seed)
        let hidden = try ElementwiseSpec<Scalar>(op: activation)
        let out = try outputActivation.map { try ElementwiseSpec<Scalar>(op: $0) }
        var ls: [DenseLayer<Scalar>] = []
        for l in 0..<(layerSizes.count - 1) {
            let (i, o) = (layerSizes[l], layerSizes[l + 1])
            let limit = (6.0 / Double(i + o)).squareRoot()
            let w = try Matrix<Scalar>.random(i, o, in: -limit...limit, using: &g)
            let b = try Matrix<Scalar>.random(1, o, in: -0.1...0.1, using: &g)
            try ls.append(DenseLayer(weights: w, bias: b, activation: l == layerSizes.count - 2 ? out : hidden))
        }
        layers = ls
    }

    /// Number of layers (the depth L).
    public var depth: Int { layers.count }
    /// Number of scalar parameters |W| (weights and biases).
    public var parameterCount: Int { layers.reduce(0) { $0 + $1.weights.count + $1.bias.count } }
    /// The parameters, layer by layer.
    public var parameters: [LayerParameters<Scalar>] { layers.map { LayerParameters(weights: $0.weights, bias: $0.bias) } }

    /// The network on any interpreter, with one (weights, bias) value pair per layer.
    public func forward<I: MatrixInterpreter>(_ m: I, input x: I.Value, parameters p: [(weights: I.Value, bias: I.Value)]) throws -> I.Value
    where I.Scalar == Scalar {
        try requireEqual("number of parameter pairs (one per layer)", layers.count, p.count)
        var h = x
        for (l, layer) in layers.enumerated() {
            let next = try layer.forward(m, h, weights: p[l].weights, bias: p[l].bias)
            if l > 0 { m.recycle(h) }   // a hidden layer's output, dead once the next layer has read it
            h = next
        }
        return h
    }

    /// The output for a batch (one sample per row), by plain evaluation.
    public func forward(_ x: Matrix<Scalar>) throws -> Matrix<Scalar> {
        let m = MatrixEvaluator<Scalar>()
        return try forward(m, input: x, parameters: layers.map { ($0.weights, $0.bias) })
    }

    /// The loss for a batch, by plain evaluation (the baseline a gradient's cost is compared with).
    /// Repeated calls on one thread reuse their buffers: in steady state no matrix is allocated.
    public func loss(input x: Matrix<Scalar>, loss: MLPLoss<Scalar>) throws -> Scalar {
        let m = MatrixEvaluator<Scalar>()
        let y = try forward(m, input: x, parameters: layers.map { ($0.weights, $0.bias) })
        defer { m.recycle(y) }
        return try loss.apply(m, y)[0, 0]
    }

    /// The loss and its gradient with respect to every layer's weights and bias, by one recording
    /// on a ``MatrixTape`` and one reverse sweep (memoized backpropagation).
    public func lossAndGradient(input x: Matrix<Scalar>, loss: MLPLoss<Scalar>) throws
    -> (loss: Scalar, gradients: [LayerParameters<Scalar>]) {
        try lossAndGradient(on: MatrixTape<Scalar>(capacity: 4 * layers.count + 4), input: x, loss: loss)
    }

    /// The loss, with the gradient written into `gradients` (replacing what it held), whose memory
    /// is reused: what a training loop calls every step.
    ///
    /// Why: gradients returned to the caller leave the tape's buffer pool, so each step had the
    /// BLAS page-fault fresh memory for every weight gradient (about 8% of an MLP gradient; perf:
    /// `exc_page_fault` under `dgemm_nt`). Handing last step's arrays back lets the sweep write
    /// into pages already mapped, as PyTorch accumulates into existing `.grad` tensors.
    ///
    /// When it throws, `gradients` is left empty: its memory already belongs to the next step.
    ///
    /// ```swift
    /// var g: [LayerParameters<Double>] = []
    /// for _ in 0..<100 {
    ///     let loss = try net.lossAndGradient(input: x, loss: .elementwise(.mse, target: y), into: &g)
    ///     print(loss)
    /// }
    /// ```
    public func lossAndGradient(input x: Matrix<Scalar>, loss: MLPLoss<Scalar>,
                                into gradients: inout [LayerParameters<Scalar>]) throws -> Scalar {
        let tape = MatrixTape<Scalar>(capacity: 4 * layers.count + 4)
        tape.recycle(gradients.flatMap { [$0.weights, $0.bias] })
        // The pool must hold the only reference, or the first write copies the buffer.
        gradients.removeAll()
        let (value, g) = try lossAndGradient(on: tape, input: x, loss: loss)
        gradients = g
        return value
    }

    // Specialised for the two scalar types: the generic body looked up type metadata at run
    // time for every matrix and tape value it made (about 2% of a depth-8 f32 step, perf).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    private func lossAndGradient(on tape: MatrixTape<Scalar>, input x: Matrix<Scalar>, loss: MLPLoss<Scalar>) throws
    -> (loss: Scalar, gradients: [LayerParameters<Scalar>]) {
        let params = layers.map { (weights: tape.variable($0.weights), bias: tape.variable($0.bias)) }
        let out = try loss.apply(tape, forward(tape, input: tape.constant(x), parameters: params))
        let g = try tape.gradients(of: out)
        return (try tape.primal(out)[0, 0], try params.map { LayerParameters(weights: try g[$0.weights], bias: try g[$0.bias]) })
    }

    /// The loss and its directional derivative along `direction` (one tangent per parameter), by
    /// one forward-mode pass: ⟨∇loss, direction⟩ without a reverse sweep. A tangent lost below
    /// the range is recovered (``MatrixForward/jvp(at:along:range:_:)``).
    /// - Throws: ``ADError/nonFinite(what:op:node:)`` for a NaN or infinite tangent,
    ///   ``ADError/rangeLoss(what:values:)`` when no lift settles the derivative.
    public func lossAndDirectionalDerivative(input x: Matrix<Scalar>, loss: MLPLoss<Scalar>,
                                             direction: [LayerParameters<Scalar>]) throws -> (loss: Scalar, derivative: Scalar) {
        try requireEqual("number of direction entries (one per layer)", layers.count, direction.count)
        let (value, tangent) = try MatrixForward.jvp(at: layers.flatMap { [$0.weights, $0.bias] },
                                                     along: direction.flatMap { [$0.weights, $0.bias] }) { m, p in
            let params = stride(from: 0, to: p.count - 1, by: 2).map { (weights: p[$0], bias: p[$0 + 1]) }
            let y = try forward(m, input: m.constant(x), parameters: params)
            defer { m.recycle(y) }
            return try loss.apply(m, y)
        }
        return (value[0, 0], tangent[0, 0])
    }

    /// Every layer's forward values and local derivative, for building Jacobians layer by layer
    /// (the naive chain of the complexity demonstration).
    public func trace(input x: Matrix<Scalar>) throws -> MLPTrace<Scalar> {
        let m = MatrixEvaluator<Scalar>()
        var inputs: [Matrix<Scalar>] = [], pre: [Matrix<Scalar>] = [], outs: [Matrix<Scalar>] = []
        var slopes: [Matrix<Scalar>] = []
        var h = x
        for layer in layers {
            inputs.append(h)
            let a = try m.addBias(m.matmul(h, layer.weights), layer.bias)
            pre.append(a)
            if let act = layer.activation {
                let z = try m.activation(act, a)
                let ones = Matrix<Scalar>(uncheckedRows: a.rows, cols: a.cols, repeating: 1)
                slopes.append(act.chain(x: a, z: z, ones, .cotangent, suffix: "_derivative"))
                h = z
            } else {
                slopes.append(Matrix(uncheckedRows: a.rows, cols: a.cols, repeating: 1))
                h = a
            }
            outs.append(h)
        }
        return MLPTrace(inputs: inputs, preactivations: pre, outputs: outs, activationDerivatives: slopes,
                        weights: layers.map(\.weights))
    }
}

/// Per-layer values of one forward pass of an ``MLP`` (index l is layer l, 0-based), all
/// batch-major (one row per sample).
///
/// For sample s, layer l maps h = `inputs[l]` row s to `outputs[l]` row s with the Jacobian
/// ∂h_out/∂h_in = diag(`activationDerivatives[l]` row s) · Wₗᵀ (out×in), see ``layerJacobian(layer:sample:)``.
/// The weight Jacobian is ∂h_out[j]/∂W[i, j] = d_j · h_in[i] (other entries 0), ∂h_out[j]/∂b[j] = d_j.
///
/// ```swift
/// let t = try net.trace(input: x)
/// let j = try t.layerJacobian(layer: 0, sample: 0)   // out×in
/// ```
public struct MLPTrace<Scalar: LinalgScalar>: Sendable {
    /// Each layer's input h_{l−1} (batch×in).
    public let inputs: [Matrix<Scalar>]
    /// a_l = h_{l−1}W_l + b_l (batch×out).
    public let preactivations: [Matrix<Scalar>]
    /// h_l = σ(a_l) (batch×out).
    public let outputs: [Matrix<Scalar>]
    /// σ′(a_l) elementwise, from the scalar registry (all ones for a linear layer).
    public let activationDerivatives: [Matrix<Scalar>]
    /// W_l (in×out).
    public let weights: [Matrix<Scalar>]

    /// The out×in Jacobian of layer `layer`'s output with respect to its input, for one sample:
    /// diag(σ′(a)) · Wᵀ. Throws for an index out of range.
    ///
    /// ```swift
    /// let j = try net.trace(input: x).layerJacobian(layer: 1, sample: 0)
    /// ```
    public func layerJacobian(layer l: Int, sample s: Int) throws -> Matrix<Scalar> {
        guard l >= 0, l < weights.count else { throw ADError.invalidArgument("layer \(l) outside 0..<\(weights.count)") }
        let d = activationDerivatives[l]
        guard s >= 0, s < d.rows else { throw ADError.invalidArgument("sample \(s) outside 0..<\(d.rows)") }
        let w = weights[l]
        var j = Matrix<Scalar>(uncheckedRows: w.cols, cols: w.rows)
        for o in 0..<w.cols { for i in 0..<w.rows { j[o, i] = d[s, o] * w[i, o] } }
        MatrixCounters.record("layer_jacobian", flops: w.count)
        return j
    }
}
