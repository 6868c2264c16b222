/// The primitives of the operation registry.
///
/// Each case is defined once: its metadata lives in ``OpInfo`` (``Op/info``), its primal and
/// derivative rule in ``Rules``. Forward mode, reverse mode, the finite-difference checkers, the
/// exact rational mode and the formula language all interpret this one table.
///
/// ```swift
/// Op.tanh.info.name            // "tanh"
/// Op.relu.info.smoothness      // .kinks(at: "x = 0")
/// Op.mul.info.isRationalClosed // true
/// ```
public enum Op: UInt8, CaseIterable, Sendable, Hashable {
    // Leaves of a recorded graph (no rule; present so a tape can store every node as an Op).
    case input, constant
    // Arithmetic.
    case add, sub, mul, div, neg
    /// x^n for an integer n (stored with the node, not an input).
    case powi
    /// x^y, both real inputs.
    case pow
    case square, sqrt, exp, expm1, log, log1p
    case sin, cos, tan, atan, sinh, cosh, tanh, erf
    // Activations.
    case sigmoid, softplus, relu, leakyRelu, elu, swish, gelu
    case abs, max, min, hypot

    /// The registry's primitives: every case except the graph leaves.
    public static let primitives: [Op] = allCases.filter { $0 != .input && $0 != .constant }

    /// The op's metadata.
    @inlinable public var info: OpInfo { OpInfo.table[Int(rawValue)] }

    /// Number of scalar inputs (0 for leaves; `powi` has 1, its exponent is an attribute).
    @inlinable public var arity: Int {
        switch self {
        case .input, .constant: return 0
        case .add, .sub, .mul, .div, .pow, .leakyRelu, .elu, .max, .min, .hypot: return 2
        default: return 1
        }
    }

    /// Looks an op up by its formula-language name (`"leaky_relu"`, `"sin"`, …).
    public init?(name: String) {
        guard let found = Op.primitives.first(where: { $0.info.name == name }) else { return nil }
        self = found
    }
}

/// Where an op is differentiable.
public enum Smoothness: Sendable, Equatable {
    /// Infinitely differentiable on its whole domain.
    case smooth
    /// Continuous, with points where the derivative jumps; the registry's convention picks one value.
    case kinks(at: String)
    /// Continuous, with points where the derivative is unbounded (√x at 0).
    case singular(at: String)
}

/// Registry metadata for one primitive. The rule itself lives in ``Rules``.
public struct OpInfo: Sendable {
    /// The op this entry describes.
    public let op: Op
    /// Name in the formula language and in reports.
    public let name: String
    /// Valid inputs, as text for messages; ``Rules/domainViolation(_:_:_:_:)`` is the predicate.
    public let domain: String
    /// Where the op is differentiable (kinks and singular points are reported when touched).
    public let smoothness: Smoothness
    /// The value the rule returns where the op is not differentiable.
    public let convention: String?
    /// Whether rationals in give rationals out, so exact mode can evaluate it.
    public let isRationalClosed: Bool
    /// Intervals, one per input, from which tests draw valid inputs (inside the domain, away from
    /// kinks being the job of the test, not of this range).
    public let sampleRanges: [ClosedRange<Double>]
    /// Extra attribute of the node (`powi`'s exponent), if any.
    public let attribute: String?

    init(_ op: Op, _ name: String, domain: String = "all reals", smoothness: Smoothness = .smooth,
         convention: String? = nil, rational: Bool = false, sample: [ClosedRange<Double>]? = nil,
         attribute: String? = nil) {
        self.op = op; self.name = name; self.domain = domain; self.smoothness = smoothness
        self.convention = convention; self.isRationalClosed = rational
        self.sampleRanges = sample ?? Array(repeating: -3.0...3.0, count: op.arity)
        self.attribute = attribute
    }

    /// Indexed by `Op.rawValue`; the order of this array is checked against `Op.allCases` by a test.
    public static let table: [OpInfo] = [
        OpInfo(.input, "input", rational: true),
        OpInfo(.constant, "constant", rational: true),
        OpInfo(.add, "add", rational: true),
        OpInfo(.sub, "sub", rational: true),
        OpInfo(.mul, "mul", rational: true),
        OpInfo(.div, "div", domain: "y ≠ 0", rational: true, sample: [-3...3, 0.5...3]),
        OpInfo(.neg, "neg", rational: true),
        OpInfo(.powi, "powi", domain: "x ≠ 0 when n < 0", rational: true, sample: [0.25...3],
               attribute: "n"),
        OpInfo(.pow, "pow", domain: "x > 0, or x = 0 with y > 0", sample: [0.2...3, -2...2]),
        OpInfo(.square, "square", rational: true),
        OpInfo(.sqrt, "sqrt", domain: "x ≥ 0", smoothness: .singular(at: "x = 0"),
               convention: "sqrt′(0) = +∞ (reported as a singular point)", sample: [0.1...5]),
        OpInfo(.exp, "exp", sample: [-5...5]),
        OpInfo(.expm1, "expm1", sample: [-5...5]),
        OpInfo(.log, "log", domain: "x > 0", sample: [0.1...10]),
        OpInfo(.log1p, "log1p", domain: "x > −1", sample: [-0.9...5]),
        OpInfo(.sin, "sin"),
        OpInfo(.cos, "cos"),
        OpInfo(.tan, "tan", domain: "cos x ≠ 0", sample: [-1.4...1.4]),
        OpInfo(.atan, "atan"),
        OpInfo(.sinh, "sinh"),
        OpInfo(.cosh, "cosh"),
        OpInfo(.tanh, "tanh"),
        OpInfo(.erf, "erf"),
        // σ′ = σ(1 − σ) is taken from the stored output, as the cheap rule should be; 1 − σ then
        // carries a relative error ≈ ε·e^|x| (absolute error stays ≤ ε). The sample range keeps
        // tests inside |x| ≤ 5 where that is below 1e-13; RuleTests checks the tails absolutely.
        OpInfo(.sigmoid, "sigmoid", sample: [-5...5]),
        OpInfo(.softplus, "softplus", sample: [-8...8]),
        OpInfo(.relu, "relu", smoothness: .kinks(at: "x = 0"), convention: "relu′(0) = 0",
               rational: true),
        OpInfo(.leakyRelu, "leaky_relu", smoothness: .kinks(at: "x = 0 (unless slope = 1)"),
               convention: "∂x at 0 = slope; ∂slope = x for x ≤ 0", rational: true,
               sample: [-3...3, 0.01...0.3]),
        OpInfo(.elu, "elu", smoothness: .kinks(at: "x = 0 (unless alpha = 1)"),
               convention: "∂x at 0 = alpha", sample: [-3...3, 0.5...2]),
        OpInfo(.swish, "swish"),
        OpInfo(.gelu, "gelu"),
        OpInfo(.abs, "abs", smoothness: .kinks(at: "x = 0"), convention: "abs′(0) = 0", rational: true),
        OpInfo(.max, "max", smoothness: .kinks(at: "x = y"),
               convention: "at a tie each input gets 1/2", rational: true),
        OpInfo(.min, "min", smoothness: .kinks(at: "x = y"),
               convention: "at a tie each input gets 1/2", rational: true),
        OpInfo(.hypot, "hypot", smoothness: .kinks(at: "x = y = 0"),
               convention: "∇hypot(0, 0) = (0, 0)"),
    ]
}
