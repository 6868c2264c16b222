/// An optimizer's update rule and its hyperparameters: what to do with a gradient once you have it.
///
/// Every rule is a map (θ, g, state) → (θ′, state′) applied element by element; ``Optimizer``
/// applies it to parameter arrays and matrices and keeps the state. With learning rate η:
///
///     gradient descent   θ ← θ − η·g
///     momentum           v ← β·v + g;              θ ← θ − η·v
///     Nesterov           v ← β·v + g;              θ ← θ − η·(g + β·v)
///     Adagrad            s ← s + g²;               θ ← θ − η·g / (√s + ε)
///     RMSProp            s ← ρ·s + (1 − ρ)·g²;     θ ← θ − η·g / (√s + ε)
///     Adam               m ← β₁·m + (1 − β₁)·g;    v ← β₂·v + (1 − β₂)·g²;   t ← t + 1
///                        θ ← θ − η·m̂ / (√v̂ + ε),   m̂ = m / (1 − β₁ᵗ),  v̂ = v / (1 − β₂ᵗ)
///
/// Nesterov is written in the form that needs the gradient only at the current parameters
/// (Sutskever et al. 2013, as PyTorch's `nesterov=True`): substituting φ = θ − η·β·v into the
/// look-ahead form gives exactly this update of φ. SGD is gradient descent fed minibatch
/// gradients; ``MinibatchSampler`` draws the batches from a seed.
///
/// ```swift
/// var opt = try Optimizer<Double>(.adam(learningRate: 0.1))
/// var theta = [1.0, -2.0]
/// try opt.step(&theta, gradient: [0.5, -0.5])   // each coordinate moves by η = 0.1 on step 1
/// ```
public enum UpdateRule<Scalar: BinaryFloatingPoint & Sendable>: Sendable, Equatable {
    case gradientDescent(learningRate: Scalar)
    case momentum(learningRate: Scalar, beta: Scalar = 0.9)
    case nesterov(learningRate: Scalar, beta: Scalar = 0.9)
    case adagrad(learningRate: Scalar, epsilon: Scalar = 1e-8)
    case rmsprop(learningRate: Scalar, decay: Scalar = 0.9, epsilon: Scalar = 1e-8)
    case adam(learningRate: Scalar, beta1: Scalar = 0.9, beta2: Scalar = 0.999, epsilon: Scalar = 1e-8)

    /// Short name for tables and plot legends: "gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam".
    public var name: String {
        switch self {
        case .gradientDescent: return "gd"
        case .momentum: return "momentum"
        case .nesterov: return "nesterov"
        case .adagrad: return "adagrad"
        case .rmsprop: return "rmsprop"
        case .adam: return "adam"
        }
    }

    var learningRate: Scalar {
        switch self {
        case .gradientDescent(let lr), .momentum(let lr, _), .nesterov(let lr, _), .adagrad(let lr, _),
             .rmsprop(let lr, _, _), .adam(let lr, _, _, _): return lr
        }
    }

    /// Number of state slots per parameter (velocity, squared-gradient sums, Adam's two moments).
    var stateSlots: Int {
        switch self {
        case .gradientDescent: return 0
        case .momentum, .nesterov, .adagrad, .rmsprop: return 1
        case .adam: return 2
        }
    }

    /// The first hyperparameter out of range, described, or nil.
    func invalidHyperparameter() -> String? {
        func positive(_ name: String, _ v: Scalar) -> String? {
            v.isFinite && v > 0 ? nil : "\(name) must be finite and > 0, got \(v)"
        }
        func fraction(_ name: String, _ v: Scalar) -> String? {
            v.isFinite && v >= 0 && v < 1 ? nil : "\(name) must be in [0, 1), got \(v)"
        }
        switch self {
        case .gradientDescent(let lr): return positive("learning rate", lr)
        case .momentum(let lr, let b), .nesterov(let lr, let b):
            return positive("learning rate", lr) ?? fraction("beta", b)
        case .adagrad(let lr, let e): return positive("learning rate", lr) ?? positive("epsilon", e)
        case .rmsprop(let lr, let d, let e):
            return positive("learning rate", lr) ?? fraction("decay", d) ?? positive("epsilon", e)
        case .adam(let lr, let b1, let b2, let e):
            return positive("learning rate", lr) ?? fraction("beta1", b1) ?? fraction("beta2", b2) ?? positive("epsilon", e)
        }
    }
}

/// Why an optimizer step was refused. The parameters are left unchanged when a step throws.
public enum OptimizerError: Error, Equatable, CustomStringConvertible {
    /// A hyperparameter out of range (a zero learning rate, β ≥ 1, …).
    case invalidHyperparameter(String)
    /// The gradient's shape differs from the parameters', or the blocks differ from the first step's.
    case shapeMismatch(String)
    /// The gradient holds NaN or ±infinity at (block, index): stepping would poison every parameter.
    case nonFiniteGradient(block: Int, index: Int)
    /// The parameter at (block, index) is NaN or infinite before the step (`value` names which).
    /// A step never writes one (it throws ``nonFiniteUpdate(block:index:what:)`` instead), so it
    /// came in that way: from initialisation, or written by the caller.
    case nonFiniteParameter(block: Int, index: Int, value: String)
    /// The step would make the parameter or the rule's state at (block, index) NaN or infinite
    /// (`what` names which, with its value): the gradient is finite but too large for the scalar
    /// type once squared or accumulated.
    case nonFiniteUpdate(block: Int, index: Int, what: String)

    public var description: String {
        switch self {
        case .invalidHyperparameter(let s): return "invalid hyperparameter: \(s)"
        case .shapeMismatch(let s): return "shape mismatch: \(s)"
        case .nonFiniteGradient(let b, let i):
            return "gradient is not finite at block \(b), index \(i): fix the loss (or clip) before stepping"
        case .nonFiniteParameter(let b, let i, let value):
            return "parameter at block \(b), index \(i) is \(value) before the step: a step never writes a non-finite "
                + "parameter, so check how it was initialised or set"
        case .nonFiniteUpdate(let b, let i, let what):
            return "the step would make the \(what) at block \(b), index \(i): scale the loss down or clip the gradient"
        }
    }
}
