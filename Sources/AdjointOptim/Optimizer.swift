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
    /// The first step's block shapes: [count] for an array, [rows, cols] for a matrix.
    private var shapes: [[Int]]? = nil
    /// state[slot][block][i]; with ``scalesSecondMoment``, one slot more at the end: the second
    /// moment's scale exponent.
    private var state: [[[Scalar]]] = []
    /// Whether the second moment is kept as w·4ᵏ (w in [1, 4), k an integer in the last state
    /// slot) instead of as itself: ε is so small that g² can underflow while |g| is not
    /// negligible next to ε (see ``needsScaledSecondMoment(_:)``).
    private let scalesSecondMoment: Bool
    /// β₁ᵗ and β₂ᵗ for Adam's bias correction, kept as running products (no `pow` needed).
    private var beta1Power: Scalar = 1, beta2Power: Scalar = 1

    /// - Throws: ``OptimizerError/invalidHyperparameter(_:)`` for a learning rate ≤ 0, β ∉ [0, 1), ….
    public init(_ rule: UpdateRule<Scalar>) throws {
        if let problem = rule.invalidHyperparameter() { throw OptimizerError.invalidHyperparameter(problem) }
        self.rule = rule
        scalesSecondMoment = Self.needsScaledSecondMoment(rule)
    }

    /// Whether `rule` divides by √v + ε with ε below 2·√(least normal)/ulp(1): 1.8e-12 for
    /// Float, 1.3e-138 for Double. At or above it the plain form loses nothing: where v is below
    /// the normal range, √v < √(least normal) ≤ ε·ulp(1)/2, so v's lost bits, or v itself, move
    /// the denominator by under half an ulp of ε. Below it they do not: Float Adam with ε = 1e-30
    /// moved θ by −10⁷ on a gradient of 1e-22 (g² = 1e-44 is below Float's normal range), where
    /// Kingma & Ba's step is −η·g/(|g| + ε) ≈ −0.1 (a review). The default ε keeps the plain
    /// form, its speed and its bits.
    static func needsScaledSecondMoment(_ rule: UpdateRule<Scalar>) -> Bool {
        let bound = 2 * Scalar.leastNormalMagnitude.squareRoot() / Scalar.ulpOfOne
        switch rule {
        case .adagrad(_, let eps), .rmsprop(_, _, let eps), .adam(_, _, _, let eps): return eps < bound
        case .gradientDescent, .momentum, .nesterov: return false
        }
    }

    /// One step on a single parameter array.
    public mutating func step(_ parameters: inout [Scalar], gradient: [Scalar]) throws {
        var blocks = [parameters]
        try step(&blocks, gradients: [gradient])
        parameters = blocks[0]
    }

    /// One step on several parameter arrays (one per layer, say) with their gradients.
    ///
    /// Throws ``OptimizerError/nonFiniteParameter(block:index:value:)`` for a parameter that is
    /// NaN or infinite already, and ``OptimizerError/nonFiniteUpdate(block:index:what:)`` and changes nothing when the
    /// step would leave a parameter or the rule's state NaN or infinite (a velocity or a sum of
    /// squared gradients that overflows): committed, such a value froze the parameter or made it
    /// infinite with no error.
    ///
    /// ```swift
    /// var opt = try Optimizer<Double>(.gradientDescent(learningRate: 0.5))
    /// var layers = [[1.0, 2.0], [3.0]]
    /// try opt.step(&layers, gradients: [[2.0, 0.0], [-2.0]])   // [[0.0, 2.0], [4.0]]
    /// ```
    public mutating func step(_ parameters: inout [[Scalar]], gradients: [[Scalar]]) throws {
        try step(&parameters, gradients: gradients, shapes: parameters.map { [$0.count] })
    }

    /// The step on arrays, given the blocks' shapes ([count] or [rows, cols]), which must be the
    /// first step's.
    private mutating func step(_ parameters: inout [[Scalar]], gradients: [[Scalar]], shapes blockShapes: [[Int]]) throws {
        try validate(parameters.map(\.count), gradients.map(\.count), gradients, blockShapes)
        // Checked apart from the update: a NaN parameter was reported as "the step would make the
        // parameter nan … scale the loss down or clip the gradient", advice that cannot help.
        for (b, block) in parameters.enumerated() {
            if let i = block.firstIndex(where: { !$0.isFinite }) {
                throw OptimizerError.nonFiniteParameter(block: b, index: i, value: "\(block[i])")
            }
        }
        // The first step fixes the shapes and zeroes the state only once it is accepted: a refused
        // first step (a NaN parameter, an overflowing update) fixed them, so the corrected call
        // with other block sizes was refused as a shape mismatch by an optimizer that had taken no step.
        let isFirst = shapes == nil
        if isFirst {
            shapes = blockShapes
            state = (0..<rule.stateSlots + (scalesSecondMoment ? 1 : 0)).map { _ in parameters.map { [Scalar](repeating: 0, count: $0.count) } }
        }
        var accepted = false
        defer { if isFirst && !accepted { shapes = nil; state = [] } }
        let powers = nextBetaPowers()
        // Two passes over the same element rule: the first only checks, so a refused step leaves
        // parameters, state and the step count as they were; the second writes. The rule is a
        // few flops per element, cheap next to the gradient that fed it.
        for b in parameters.indices {
            for i in parameters[b].indices {
                let u = updated(parameters[b][i], gradients[b][i], block: b, index: i, powers: powers)
                if let what = nonFinitePart(u) { throw OptimizerError.nonFiniteUpdate(block: b, index: i, what: what) }
            }
        }
        accepted = true
        steps += 1
        (beta1Power, beta2Power) = powers
        let slots = rule.stateSlots
        for b in parameters.indices {
            for i in parameters[b].indices {
                let u = updated(parameters[b][i], gradients[b][i], block: b, index: i, powers: powers)
                parameters[b][i] = u.parameter
                if slots > 0 { state[0][b][i] = u.state.0 }
                if slots > 1 { state[1][b][i] = u.state.1 }
                if scalesSecondMoment { state[slots][b][i] = u.scale }
            }
        }
    }

    /// One step on matrix parameters (an `MLP`'s weights and biases, say) with their gradients.
    ///
    /// Each matrix keeps the first step's rows and columns: a 2×3 parameter stepped as 3×2 is a
    /// ``OptimizerError/shapeMismatch(_:)``, not the same six elements with their state moved to
    /// other places (it was accepted).
    ///
    /// ```swift
    /// var opt = try Optimizer<Double>(.gradientDescent(learningRate: 0.5))
    /// var w = [try Matrix<Double>(rows: 1, cols: 2, elements: [1, 2])]
    /// try opt.step(&w, gradients: [try Matrix<Double>(rows: 1, cols: 2, elements: [2, 2])])   // w[0]: [0, 1]
    /// ```
    public mutating func step(_ parameters: inout [Matrix<Scalar>], gradients: [Matrix<Scalar>]) throws
    where Scalar: LinalgScalar {
        guard parameters.count == gradients.count,
              zip(parameters, gradients).allSatisfy({ $0.rows == $1.rows && $0.cols == $1.cols }) else {
            throw OptimizerError.shapeMismatch("parameters \(parameters.map { "\($0.rows)×\($0.cols)" }), gradients \(gradients.map { "\($0.rows)×\($0.cols)" })")
        }
        var blocks = parameters.map(\.elements)
        try step(&blocks, gradients: gradients.map(\.elements), shapes: parameters.map { [$0.rows, $0.cols] })
        for b in parameters.indices {
            parameters[b] = try Matrix(rows: parameters[b].rows, cols: parameters[b].cols, elements: blocks[b])
        }
    }

    private func validate(_ p: [Int], _ g: [Int], _ gradients: [[Scalar]], _ blockShapes: [[Int]]) throws {
        guard p == g else { throw OptimizerError.shapeMismatch("parameter block sizes \(p), gradient block sizes \(g)") }
        if let shapes, shapes != blockShapes {
            func text(_ s: [[Int]]) -> String { "[" + s.map { $0.map(String.init).joined(separator: "×") }.joined(separator: ", ") + "]" }
            throw OptimizerError.shapeMismatch("block shapes \(text(blockShapes)) differ from the first step's \(text(shapes))")
        }
        for (b, block) in gradients.enumerated() {
            if let i = block.firstIndex(where: { !$0.isFinite }) { throw OptimizerError.nonFiniteGradient(block: b, index: i) }
        }
    }

    /// β₁ᵗ and β₂ᵗ after this step (Adam's bias correction); unchanged for other rules.
    private func nextBetaPowers() -> (Scalar, Scalar) {
        if case .adam(_, let b1, let b2, _) = rule { return (beta1Power * b1, beta2Power * b2) }
        return (beta1Power, beta2Power)
    }

    /// Which part of an element's update is NaN or infinite, named with its value, or nil.
    private func nonFinitePart(_ u: ElementUpdate) -> String? {
        let names: [String]
        switch rule {
        case .gradientDescent: names = []
        case .momentum, .nesterov: names = ["velocity"]
        case .adagrad: names = ["sum of squared gradients"]
        case .rmsprop: names = ["mean squared gradient"]
        case .adam: names = ["first moment", "second moment"]
        }
        let values = [u.state.0, u.state.1]
        for (k, name) in names.enumerated() where !values[k].isFinite { return "\(name) \(values[k])" }
        return u.parameter.isFinite ? nil : "parameter \(u.parameter)"
    }

    /// One element's update: the new parameter, the rule's state (slots it does not use are 0)
    /// and the second moment's scale exponent (0 unless ``scalesSecondMoment``).
    private typealias ElementUpdate = (parameter: Scalar, state: (Scalar, Scalar), scale: Scalar)

    /// The rule, element by element: the only place each update is written; `powers` are β₁ᵗ
    /// and β₂ᵗ.
    private func updated(_ p: Scalar, _ g: Scalar, block b: Int, index i: Int, powers: (Scalar, Scalar)) -> ElementUpdate {
        switch rule {
        case .gradientDescent(let lr):
            return (p - lr * g, (0, 0), 0)
        case .momentum(let lr, let beta):
            let v = beta * state[0][b][i] + g
            return (p - lr * v, (v, 0), 0)
        case .nesterov(let lr, let beta):
            let v = beta * state[0][b][i] + g
            return (p - lr * (g + beta * v), (v, 0), 0)
        case .adagrad(let lr, let eps):
            let u = adaptiveStep(g, numerator: g, decay: 1, weight: 1, correction: 1, lr: lr, eps: eps, slot: 0, b, i)
            return (p - u.step, (u.secondMoment, 0), u.scale)
        case .rmsprop(let lr, let rho, let eps):
            let u = adaptiveStep(g, numerator: g, decay: rho, weight: 1 - rho, correction: 1, lr: lr, eps: eps, slot: 0, b, i)
            return (p - u.step, (u.secondMoment, 0), u.scale)
        case .adam(let lr, let b1, let b2, let eps):
            let c1 = 1 - powers.0, c2 = 1 - powers.1
            if scalesSecondMoment {
                let u = adaptiveStep(g, numerator: 0, firstMoment: (b1, c1), decay: b2, weight: 1 - b2, correction: c2,
                                     lr: lr, eps: eps, slot: 1, b, i)
                return (p - u.step, (u.firstMoment, u.secondMoment), u.scale)
            }
            let m = b1 * state[0][b][i] + (1 - b1) * g
            let u = adaptiveStep(g, numerator: m / c1, decay: b2, weight: 1 - b2, correction: c2, lr: lr, eps: eps, slot: 1, b, i)
            return (p - u.step, (m, u.secondMoment), u.scale)
        }
    }

    /// The adaptive rules' step η·n / (√v̂ + ε), with the second moment v ← decay·v + weight·g²
    /// (held in state slot `slot`) and v̂ = v / correction. With decay and weight 1 and no
    /// correction, each multiplication and division by 1 is exact: Adagrad's plain form is
    /// s + g·g, to the bit.
    ///
    /// `firstMoment` (β₁, 1 − β₁ᵗ), only with ``scalesSecondMoment``: Adam's m is kept in state slot
    /// 0 as m·2⁻ᵏ with the second moment's k, and the numerator is m̂ from it (`n` is unused).
    private func adaptiveStep(_ g: Scalar, numerator n: Scalar, firstMoment: (beta: Scalar, correction: Scalar)? = nil,
                              decay: Scalar, weight: Scalar, correction c: Scalar, lr: Scalar, eps: Scalar, slot: Int,
                              _ b: Int, _ i: Int) -> (step: Scalar, firstMoment: Scalar, secondMoment: Scalar, scale: Scalar) {
        guard scalesSecondMoment else {
            let v = decay * state[slot][b][i] + weight * g * g
            // v̂ = v / (1 − β₂ᵗ) overflows where v does not (Float, g = 1e20: v ≈ 1e37 is finite,
            // v̂ ≈ 1e40 is not), and the step then came out as m̂/∞ = 0 every time, freezing the
            // parameter with no error. There √v̂ is taken as √v / √(1 − β₂ᵗ) (PyTorch's form);
            // elsewhere as √v̂, whose last bits the recorded notebook outputs hold.
            let vHat = v / c
            let root = vHat.isFinite ? vHat.squareRoot() : v.squareRoot() / c.squareRoot()
            return (lr * n / (root + eps), 0, v, 0)
        }
        // v = w·4ᵏ, w in [1, 4): the same sums and products as the plain form scaled by powers of
        // two, which are exact, with g scaled to about 1 before it is squared. The new k is the
        // larger of v's and g's exponents; the smaller term then loses only what is below w's ulp.
        let w = state[slot][b][i], e = Int(state[rule.stateSlots][b][i])
        var k = e
        if g != 0 { k = w == 0 ? Int(g.exponent) : Swift.max(e, Int(g.exponent)) }
        let scaledGradient = Self.times2(g, -k)
        var w2 = decay * (w == 0 ? 0 : Self.times2(w, 2 * (e - k))) + weight * scaledGradient * scaledGradient
        if w2 > 0 {
            let shift = Int(w2.exponent) >> 1
            w2 = Self.times2(w2, -2 * shift)
            k += shift
        }
        let root = (w2 / c).squareRoot()
        // Adam's m on the same scale: (1 − β₁)·g underflowed to 0 for Float's least subnormal g
        // (step 0 where the formula gives −η·g/(|g| + ε)). Rescaling the old m by 2^(e − k) is
        // exact unless it falls below the subnormals, where it is negligible next to √v.
        var m = Scalar.zero, scaledNumerator = Self.times2(n, -k)
        if let (b1, c1) = firstMoment {
            m = b1 * Self.times2(state[0][b][i], e - k) + (1 - b1) * Self.times2(g, -k)
            scaledNumerator = m / c1
        }
        let scaledEps = Self.times2(eps, -k)
        // ε·2⁻ᵏ overflows only where √v̂ is below ε by far more than the precision (a second
        // moment decayed away): the step is then η·n/ε.
        let step = scaledEps.isFinite ? lr * scaledNumerator / (root + scaledEps)
                                      : lr * Self.times2(scaledNumerator, k) / eps
        return (step, m, w2, Scalar(k))
    }

    /// x·2ⁿ, rounded once (exact while it stays in the normal range).
    private static func times2(_ x: Scalar, _ n: Int) -> Scalar {
        guard x != 0 && x.isFinite else { return x }
        return Scalar(sign: x.sign, exponent: x.exponent + Scalar.Exponent(n), significand: x.significand)
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
