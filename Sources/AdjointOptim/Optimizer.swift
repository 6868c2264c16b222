import AdjointCore
import AdjointLinalg

/// Applies an ``UpdateRule`` to a model's parameters, step after step, keeping the rule's state
/// (velocities, squared-gradient accumulators, Adam's moments and step count).
///
/// Parameters come as blocks: one array, several arrays (one per layer), or matrices. The first
/// step fixes the block shapes; later steps must use the same ones. A step whose gradient holds
/// NaN or infinity throws before changing anything.
///
/// ```swift
/// var opt = try Optimizer<Double>(.momentum(learningRate: 0.1, beta: 0.9))
/// var w = [1.0]
/// try opt.step(&w, gradient: [2.0])   // v = 2,   w = 1 − 0.1·2   = 0.8
/// try opt.step(&w, gradient: [2.0])   // v = 3.8, w = 0.8 − 0.1·3.8 = 0.42
/// ```
public struct Optimizer<Scalar: BinaryFloatingPoint & Sendable>: Sendable {
    /// The rule and its hyperparameters.
    public let rule: UpdateRule<Scalar>
    /// Steps taken so far (Adam's t).
    public private(set) var steps = 0
    private var shapes: [Int]? = nil
    /// state[slot][block][i]
    private var state: [[[Scalar]]] = []
    /// β₁ᵗ and β₂ᵗ for Adam's bias correction, kept as running products (no `pow` needed).
    private var beta1Power: Scalar = 1, beta2Power: Scalar = 1

    /// - Throws: ``OptimizerError/invalidHyperparameter(_:)`` for a learning rate ≤ 0, β ∉ [0, 1), ….
    public init(_ rule: UpdateRule<Scalar>) throws {
        if let problem = rule.invalidHyperparameter() { throw OptimizerError.invalidHyperparameter(problem) }
        self.rule = rule
    }

    /// One step on a single parameter array.
    public mutating func step(_ parameters: inout [Scalar], gradient: [Scalar]) throws {
        var blocks = [parameters]
        try step(&blocks, gradients: [gradient])
        parameters = blocks[0]
    }

    /// One step on several parameter arrays (one per layer, say) with their gradients.
    public mutating func step(_ parameters: inout [[Scalar]], gradients: [[Scalar]]) throws {
        try validate(parameters.map(\.count), gradients.map(\.count), gradients)
        begin()
        for b in parameters.indices {
            parameters[b].withUnsafeMutableBufferPointer { p in update(block: b, p, gradients[b]) }
        }
    }

    /// One step on matrix parameters (an `MLP`'s weights and biases, say) with their gradients.
    public mutating func step(_ parameters: inout [Matrix<Scalar>], gradients: [Matrix<Scalar>]) throws
    where Scalar: LinalgScalar {
        guard parameters.count == gradients.count,
              zip(parameters, gradients).allSatisfy({ $0.rows == $1.rows && $0.cols == $1.cols }) else {
            throw OptimizerError.shapeMismatch("parameters \(parameters.map { "\($0.rows)×\($0.cols)" }), gradients \(gradients.map { "\($0.rows)×\($0.cols)" })")
        }
        var blocks = parameters.map(\.elements)
        try step(&blocks, gradients: gradients.map(\.elements))
        for b in parameters.indices {
            parameters[b] = try Matrix(rows: parameters[b].rows, cols: parameters[b].cols, elements: blocks[b])
        }
    }

    private mutating func validate(_ p: [Int], _ g: [Int], _ gradients: [[Scalar]]) throws {
        guard p == g else { throw OptimizerError.shapeMismatch("parameter block sizes \(p), gradient block sizes \(g)") }
        if let shapes, shapes != p {
            throw OptimizerError.shapeMismatch("block sizes \(p) differ from the first step's \(shapes)")
        }
        for (b, block) in gradients.enumerated() {
            if let i = block.firstIndex(where: { !$0.isFinite }) { throw OptimizerError.nonFiniteGradient(block: b, index: i) }
        }
        if shapes == nil {
            shapes = p
            state = (0..<rule.stateSlots).map { _ in p.map { [Scalar](repeating: 0, count: $0) } }
        }
    }

    private mutating func begin() {
        steps += 1
        if case .adam(_, let b1, let b2, _) = rule { beta1Power *= b1; beta2Power *= b2 }
    }

    /// The rule, element by element: the only place each update is written.
    private mutating func update(block b: Int, _ p: UnsafeMutableBufferPointer<Scalar>, _ g: [Scalar]) {
        switch rule {
        case .gradientDescent(let lr):
            for i in p.indices { p[i] -= lr * g[i] }
        case .momentum(let lr, let beta):
            for i in p.indices {
                let v = beta * state[0][b][i] + g[i]
                state[0][b][i] = v
                p[i] -= lr * v
            }
        case .nesterov(let lr, let beta):
            for i in p.indices {
                let v = beta * state[0][b][i] + g[i]
                state[0][b][i] = v
                p[i] -= lr * (g[i] + beta * v)
            }
        case .adagrad(let lr, let eps):
            for i in p.indices {
                let s = state[0][b][i] + g[i] * g[i]
                state[0][b][i] = s
                p[i] -= lr * g[i] / (s.squareRoot() + eps)
            }
        case .rmsprop(let lr, let rho, let eps):
            for i in p.indices {
                let s = rho * state[0][b][i] + (1 - rho) * g[i] * g[i]
                state[0][b][i] = s
                p[i] -= lr * g[i] / (s.squareRoot() + eps)
            }
        case .adam(let lr, let b1, let b2, let eps):
            let c1 = 1 - beta1Power, c2 = 1 - beta2Power
            for i in p.indices {
                let m = b1 * state[0][b][i] + (1 - b1) * g[i]
                let v = b2 * state[1][b][i] + (1 - b2) * g[i] * g[i]
                state[0][b][i] = m
                state[1][b][i] = v
                p[i] -= lr * (m / c1) / ((v / c2).squareRoot() + eps)
            }
        }
    }
}

/// Minibatches for stochastic gradient descent: each epoch a seeded shuffle of 0..<count cut into
/// batches of `batchSize` (the last one shorter when `batchSize` does not divide `count`).
///
/// ```swift
/// var sampler = try MinibatchSampler(count: 6, batchSize: 4, seed: 7)
/// for batch in sampler.nextEpoch() { /* gradient of the loss on rows `batch`, then opt.step */ }
/// ```
public struct MinibatchSampler: Sendable {
    public let count: Int
    public let batchSize: Int
    private var generator: SeededGenerator

    /// - Throws: ``OptimizerError/invalidHyperparameter(_:)`` when `count` < 1 or `batchSize` < 1.
    public init(count: Int, batchSize: Int, seed: UInt64) throws {
        guard count >= 1, batchSize >= 1 else {
            throw OptimizerError.invalidHyperparameter("minibatch needs count ≥ 1 and batch size ≥ 1, got \(count), \(batchSize)")
        }
        self.count = count
        self.batchSize = Swift.min(batchSize, count)
        generator = SeededGenerator(seed: seed)
    }

    /// The next epoch's batches: every index exactly once.
    public mutating func nextEpoch() -> [[Int]] {
        var order = Array(0..<count)
        // Fisher–Yates with our own generator, so the order is the same on every platform
        // (the standard library's shuffle does not promise a fixed algorithm).
        for i in stride(from: count - 1, to: 0, by: -1) {
            let j = Int(generator.next() % UInt64(i + 1))
            order.swapAt(i, j)
        }
        return stride(from: 0, to: count, by: batchSize).map { Array(order[$0..<Swift.min($0 + batchSize, count)]) }
    }
}
