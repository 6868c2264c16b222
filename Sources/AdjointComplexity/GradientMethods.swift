import AdjointCore
import AdjointLinalg

/// An MLP, a batch and a loss: the fixed problem whose gradient the three methods of the
/// complexity demonstration compute (memoized backprop, the naive chain, finite differences).
///
/// Every method runs through counted operations (products through BLAS in ``Matrix``, whose
/// counter records 2·m·n·k flops per product; elementwise work through the matrix registry or
/// ``CountedKernels``), so wrapping a call in ``measureOperations(_:)`` records the work it did.
///
/// ```swift
/// let p = try MLPGradientProblem<Double>.seeded(depth: 4, width: 8)
/// let (g, counts) = try measureOperations { try p.backprop() }
/// counts.flops   // ≈ 3 × the forward pass
/// ```
public struct MLPGradientProblem<Scalar: LinalgScalar>: Sendable {
    /// The network whose parameters are differentiated.
    public let network: MLP<Scalar>
    /// The batch, one sample per row.
    public let input: Matrix<Scalar>
    /// What the output is compared with.
    public let loss: MLPLoss<Scalar>

    /// Wraps a network, a batch and a loss; throws when the batch's width is not the network's input width.
    public init(network: MLP<Scalar>, input: Matrix<Scalar>, loss: MLPLoss<Scalar>) throws {
        guard let first = network.layers.first else {
            throw ADError.invalidArgument("an MLP gradient problem needs at least one layer")
        }
        if input.cols != first.inputWidth {
            throw ADError.dimensionMismatch(what: "input columns (the network's input width)", expected: first.inputWidth, got: input.cols)
        }
        self.network = network; self.input = input; self.loss = loss
    }

    /// A seeded problem: `depth` square layers of `width` (hidden activation `activation`,
    /// linear output), a `batch`×`width` input and an MSE loss against a seeded target.
    ///
    /// ```swift
    /// let p = try MLPGradientProblem<Double>.seeded(depth: 2, width: 3, batch: 2)
    /// ```
    /// - Throws: ``ADError/invalidArgument(_:)`` for a size below 1 or a problem larger than
    ///   ``ComplexityLimits/maximumStoredScalars``.
    public static func seeded(depth: Int, width: Int, batch: Int = 1, activation: Op = .tanh,
                              seed: UInt64 = 1) throws -> MLPGradientProblem {
        guard depth >= 1, width >= 1, batch >= 1 else {
            throw ADError.invalidArgument("depth, width and batch must be at least 1 (got depth \(depth), width \(width), batch \(batch))")
        }
        // Bounded before `depth + 1` or any allocation, so Int.max or a huge product is an error, not a trap.
        try ComplexityLimits.checkStorage(depth: depth, width: width, batch: batch)
        let net = try MLP<Scalar>(layerSizes: Array(repeating: width, count: depth + 1), activation: activation, seed: seed)
        var g = SeededGenerator(seed: seed &+ 0x5EED)
        let x = try Matrix<Scalar>.random(batch, width, in: -1...1, using: &g)
        let y = try Matrix<Scalar>.random(batch, width, in: -1...1, using: &g)
        return try MLPGradientProblem(network: net, input: x, loss: .elementwise(.mse, target: y))
    }

    /// The number of scalar parameters |W|.
    public var parameterCount: Int { network.parameterCount }

    // MARK: The reference: one forward pass

    /// The loss by one plain forward pass: the unit every gradient's cost is compared with.
    /// Counted as one function evaluation.
    public func forwardLoss() throws -> Scalar {
        CountedKernels.functionEvaluation()
        return try network.loss(input: input, loss: loss)
    }

    // MARK: Method 1: memoized backpropagation

    /// The gradient by the toolkit's reverse mode: one recording on a ``MatrixTape`` and one
    /// reverse sweep, each layer's cotangent computed once and reused by the layer below.
    ///
    /// Cost: the forward pass plus, per layer, one product for the weight gradient and one for
    /// the input cotangent (none below the first layer): O(L·b·m²) for depth L, width m, batch b.
    public func backprop() throws -> MLPGradient<Scalar> {
        CountedKernels.functionEvaluation()
        let (value, grads) = try network.lossAndGradient(input: input, loss: loss)
        return MLPGradient(loss: value, layers: grads)
    }

    // MARK: Method 2: the naive chain

    /// The gradient by the "direct" chain rule: for each layer i, the product of the layer
    /// Jacobians from the loss down to layer i is formed anew, with nothing reused between layers,
    /// then contracted with layer i's local Jacobian with respect to Wᵢ and bᵢ.
    ///
    /// The forward values (hᵢ and σ′(aᵢ)) come from one forward pass shared by all layers: the
    /// chain's products, not the forward pass, are what the textbook derivation repeats. See
    /// ``NaiveChainForm`` for the two ways of forming the products and their costs.
    public func naiveChain(form: NaiveChainForm = .vectorJacobian) throws -> MLPGradient<Scalar> {
        CountedKernels.functionEvaluation()
        let trace = try network.trace(input: input)
        guard let out = trace.outputs.last else {
            throw ADError.invalidArgument("an MLP gradient problem needs at least one layer")
        }
        let (value, dOut) = try lossAndOutputCotangent(out)
        let depth = network.depth
        var grads: [LayerParameters<Scalar>] = []
        grads.reserveCapacity(depth)
        for i in 0..<depth {
            let delta: Matrix<Scalar>   // ∂ℓ/∂aᵢ (batch × outᵢ), built from the top for this layer alone
            switch form {
            case .vectorJacobian: delta = try vectorJacobianChain(trace, dOut, downTo: i)
            case .fullJacobian: delta = try fullJacobianChain(trace, dOut, downTo: i)
            }
            // Layer i's local Jacobian: ∂aᵢ/∂Wᵢ pairs h_{i−1} with δ (one product); ∂aᵢ/∂bᵢ sums the batch.
            let gw = try trace.inputs[i].matmul(delta, transposeSelf: true)
            let gb = try MatrixEvaluator<Scalar>().sum(delta, .perColumn)
            grads.append(LayerParameters(weights: gw, bias: gb))
        }
        return MLPGradient(loss: value, layers: grads)
    }

    /// δ ⊙ σ′(a_l) for a layer with an activation; a linear layer's Jacobian is the identity
    /// there, so nothing is multiplied (and nothing counted).
    private func throughActivation(_ g: Matrix<Scalar>, _ trace: MLPTrace<Scalar>, layer l: Int) throws -> Matrix<Scalar> {
        network.layers[l].activation == nil ? g : try CountedKernels.hadamard(g, trace.activationDerivatives[l])
    }

    /// ∂ℓ/∂aᵢ as row vectors (one per sample) pushed down from the loss one layer at a time:
    /// (L − 1 − i) products of batch×m by m×m, O(b·m²) each.
    private func vectorJacobianChain(_ trace: MLPTrace<Scalar>, _ dOut: Matrix<Scalar>, downTo i: Int) throws -> Matrix<Scalar> {
        var l = network.depth - 1
        var delta = try throughActivation(dOut, trace, layer: l)
        while l > i {
            // ∂ℓ/∂h_{l−1} = ∂ℓ/∂a_l · W_lᵀ; BLAS reads the transpose in place.
            let g = try delta.matmul(trace.weights[l], transposeOther: true)
            l -= 1
            delta = try throughActivation(g, trace, layer: l)
        }
        return delta
    }

    /// ∂ℓ/∂aᵢ with the Jacobian product J_{L−1}·…·J_{i+1} formed as full matrices, per sample:
    /// (L − 2 − i) products of m×m by m×m, O(m³) each, then one row vector times the product.
    private func fullJacobianChain(_ trace: MLPTrace<Scalar>, _ dOut: Matrix<Scalar>, downTo i: Int) throws -> Matrix<Scalar> {
        let top = network.depth - 1
        var rows: [Scalar] = []
        rows.reserveCapacity(dOut.rows * network.layers[i].outputWidth)
        for s in 0..<dOut.rows {
            var v = try Matrix(rows: 1, cols: dOut.cols, elements: (0..<dOut.cols).map { dOut[s, $0] })
            if i < top {
                var product = try trace.layerJacobian(layer: top, sample: s)   // ∂h_top/∂h_{top−1}
                var l = top - 1
                while l > i {
                    product = try product.matmul(trace.layerJacobian(layer: l, sample: s))
                    l -= 1
                }
                v = try v.matmul(product)   // ∂ℓ/∂hᵢ for sample s
            }
            rows.append(contentsOf: v.withUnsafeElements { Array($0) })
        }
        let g = try Matrix(rows: dOut.rows, cols: network.layers[i].outputWidth, elements: rows)
        return try throughActivation(g, trace, layer: i)
    }

    /// The loss and ∂ℓ/∂(network output), from the matrix registry's own loss rule (a
    /// one-entry tape), so no loss derivative is restated here.
    private func lossAndOutputCotangent(_ out: Matrix<Scalar>) throws -> (Scalar, Matrix<Scalar>) {
        let tape = MatrixTape<Scalar>(capacity: 2)
        let y = tape.variable(out)
        let l: MatrixNode
        switch loss {
        case let .elementwise(op, target, parameter): l = try tape.loss(op, y, target: target, parameter: parameter)
        case let .softmaxCrossEntropy(labels): l = try tape.softmaxCrossEntropy(y, labels: labels)
        }
        let g = try tape.gradients(of: l)
        return (try tape.primal(l)[0, 0], try g[y])
    }

    // MARK: Method 3: finite differences

    /// The gradient by central differences over every parameter: two loss evaluations per
    /// parameter, 2·|W| forward passes in all, each counted as a function evaluation (plus one
    /// for the loss value itself).
    ///
    /// The step for parameter w is h = ε^(1/3)·max(1, |w|) (ε the scalar's machine epsilon),
    /// which balances the truncation error h²·f‴/6 against the rounding error ε·|f|/h; the
    /// difference is divided by the step actually taken, (w + h) − (w − h) in floating point.
    public func finiteDifferences() throws -> MLPGradient<Scalar> {
        var work = network
        let base = try forwardLoss()
        let cubeRootEps = Scalar.pow(Scalar.ulpOfOne, 1 / Scalar(3))
        func central(_ get: () -> Scalar, _ set: (Scalar) -> Void) throws -> Scalar {
            let w = get()
            let h = cubeRootEps * Swift.max(1, Swift.abs(w))
            let up = w + h, down = w - h
            set(up)
            CountedKernels.functionEvaluation()
            let fUp = try work.loss(input: input, loss: loss)
            set(down)
            CountedKernels.functionEvaluation()
            let fDown = try work.loss(input: input, loss: loss)
            set(w)
            return (fUp - fDown) / (up - down)
        }
        var grads: [LayerParameters<Scalar>] = []
        for l in 0..<work.depth {
            var gw = try Matrix<Scalar>.zeros(work.layers[l].weights.rows, work.layers[l].weights.cols)
            var gb = try Matrix<Scalar>.zeros(1, work.layers[l].bias.cols)
            for r in 0..<gw.rows {
                for c in 0..<gw.cols {
                    gw[r, c] = try central({ work.layers[l].weights[r, c] }, { work.layers[l].weights[r, c] = $0 })
                }
            }
            for c in 0..<gb.cols {
                gb[0, c] = try central({ work.layers[l].bias[0, c] }, { work.layers[l].bias[0, c] = $0 })
            }
            grads.append(LayerParameters(weights: gw, bias: gb))
        }
        return MLPGradient(loss: base, layers: grads)
    }
}

/// How the naive chain forms the product of layer Jacobians from the loss down to layer i.
///
/// ```swift
/// try problem.naiveChain(form: .fullJacobian)
/// ```
public enum NaiveChainForm: String, Sendable, CaseIterable {
    /// Row vectors ∂ℓ/∂h pushed through one layer at a time, Σᵢ (L − 1 − i) products of
    /// b×m by m×m: O(L²·b·m²). The default: it differs from backprop *only* in the missing reuse,
    /// so the measured gap is the memoization's alone.
    case vectorJacobian = "vector_jacobian"
    /// Full m×m Jacobian products J_{L−1}·…·J_{i+1} per sample, then one row vector times the
    /// product: O(L²·b·m³).
    case fullJacobian = "full_jacobian"
}

/// A loss value and its gradient, one ``LayerParameters`` per layer.
///
/// ```swift
/// let g = try problem.backprop()
/// g.flattened.count == problem.parameterCount   // true
/// ```
public struct MLPGradient<Scalar: LinalgScalar>: Sendable {
    /// The loss at the point.
    public let loss: Scalar
    /// ∂ℓ/∂Wₗ and ∂ℓ/∂bₗ, input side first.
    public let layers: [LayerParameters<Scalar>]

    /// Wraps a loss and per-layer gradients.
    public init(loss: Scalar, layers: [LayerParameters<Scalar>]) { self.loss = loss; self.layers = layers }

    /// Every entry, layer by layer, weights (row-major) before bias.
    public var flattened: [Scalar] {
        layers.flatMap { $0.weights.withUnsafeElements { Array($0) } + $0.bias.withUnsafeElements { Array($0) } }
    }

    /// max |self − other| over all entries; infinity when the shapes differ and NaN when any
    /// difference is NaN (never a silent 0).
    ///
    /// ```swift
    /// try problem.backprop().maxAbsDifference(to: try problem.naiveChain())   // 0: the same products in the same order
    /// ```
    public func maxAbsDifference(to other: MLPGradient) -> Double {
        let a = flattened, b = other.flattened
        guard a.count == b.count else { return .infinity }
        return nanPropagatingMaxAbs(zip(a, b).lazy.map { Double($0.0 - $0.1) })
    }

    /// max |entry|, the scale a difference is judged against; NaN when any entry is NaN.
    public var maxAbs: Double { nanPropagatingMaxAbs(flattened.lazy.map { Double($0) }) }
}

/// Counted helpers for work the matrix registry has no op for.
///
/// ```swift
/// let d = try CountedKernels.hadamard(g, slopes)   // counted as g.count flops
/// ```
public enum CountedKernels {
    /// The elementwise product a ⊙ b, counted as one flop per element under the name `hadamard`.
    /// Throws when the shapes differ.
    public static func hadamard<S: LinalgScalar>(_ a: Matrix<S>, _ b: Matrix<S>) throws -> Matrix<S> {
        guard a.hasShape(of: b) else {
            throw ADError.invalidArgument("hadamard product of a \(a.rows)×\(a.cols) and a \(b.rows)×\(b.cols) matrix")
        }
        let e = a.withUnsafeElements { pa in b.withUnsafeElements { pb in (0..<pa.count).map { pa[$0] * pb[$0] } } }
        Instrumentation.record { $0.flops += a.count; $0.byName["hadamard", default: 0] += 1 }
        return try Matrix(rows: a.rows, cols: a.cols, elements: e)
    }

    /// Records one evaluation of the function being differentiated (a forward pass of the loss).
    public static func functionEvaluation() {
        Instrumentation.record { $0.functionEvaluations += 1 }
    }
}

/// max |xᵢ| over `values`, or NaN as soon as one is NaN. `Swift.max(acc, .nan)` returns `acc`, so a
/// plain max would report a NaN gradient entry as agreement.
func nanPropagatingMaxAbs<S: Sequence<Double>>(_ values: S) -> Double {
    var m = 0.0
    for v in values {
        if v.isNaN { return .nan }
        m = Swift.max(m, Swift.abs(v))
    }
    return m
}
