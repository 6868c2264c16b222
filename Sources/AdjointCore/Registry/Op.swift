/// The built-in primitives of the operation registry, as a fast index.
///
/// Everything about an op lives in its declaration (``OpDeclaration``, one enum per op under
/// ``Builtin``, grouped by family in files); this enum only names them so the interpreters can
/// `switch` on a byte, and ``Rules`` turns each case into a call to its declaration.
///
/// ```swift
/// Op.tanh.info.name            // "tanh"
/// Op.relu.info.smoothness      // .kinks(at: "x = 0")
/// Op.mul.info.isRationalClosed // true
/// Op(name: "leaky_relu")       // .leakyRelu
/// ```
public enum Op: UInt8, CaseIterable, Sendable, Hashable {
    // Leaves of a recorded graph, and the marker of a user primitive's node.
    case input, constant, custom
    case add, sub, mul, div, neg, powi, pow, square
    case sqrt, exp, expm1, log, log1p, sin, cos, tan, atan, sinh, cosh, tanh, asinh, erf
    case sigmoid, softplus, relu, leakyRelu, elu, swish, gelu
    case abs, max, min, hypot

    /// The registry's built-in primitives: every case except the graph leaves and the user marker.
    public static let primitives: [Op] = allCases.filter { $0.info.arity > 0 }

    /// The declaration that defines this op.
    public var declaration: any OpDeclaration.Type {
        switch self {
        case .input: return Builtin.Input.self
        case .constant: return Builtin.Constant.self
        case .custom: return Builtin.Custom.self
        case .add: return Builtin.Add.self
        case .sub: return Builtin.Sub.self
        case .mul: return Builtin.Mul.self
        case .div: return Builtin.Div.self
        case .neg: return Builtin.Neg.self
        case .powi: return Builtin.Powi.self
        case .pow: return Builtin.Pow.self
        case .square: return Builtin.Square.self
        case .sqrt: return Builtin.Sqrt.self
        case .exp: return Builtin.Exp.self
        case .expm1: return Builtin.Expm1.self
        case .log: return Builtin.Log.self
        case .log1p: return Builtin.Log1p.self
        case .sin: return Builtin.Sin.self
        case .cos: return Builtin.Cos.self
        case .tan: return Builtin.Tan.self
        case .atan: return Builtin.Atan.self
        case .sinh: return Builtin.Sinh.self
        case .cosh: return Builtin.Cosh.self
        case .tanh: return Builtin.Tanh.self
        case .asinh: return Builtin.Asinh.self
        case .erf: return Builtin.Erf.self
        case .sigmoid: return Builtin.Sigmoid.self
        case .softplus: return Builtin.Softplus.self
        case .relu: return Builtin.Relu.self
        case .leakyRelu: return Builtin.LeakyRelu.self
        case .elu: return Builtin.Elu.self
        case .swish: return Builtin.Swish.self
        case .gelu: return Builtin.Gelu.self
        case .abs: return Builtin.Abs.self
        case .max: return Builtin.Max.self
        case .min: return Builtin.Min.self
        case .hypot: return Builtin.Hypot.self
        }
    }

    /// The op's metadata, read from its declaration once.
    @inlinable public var info: OpInfo { OpInfo.table[Int(rawValue)] }

    /// Number of scalar inputs read from the entry's two index columns: 0 for leaves and for user
    /// primitives (whose arguments are in the tape's side table, so the reverse sweep meets them
    /// in its rare leaf branch, not in the binary ops' hot one); `powi` has 1, its exponent is an
    /// attribute. A switch rather than a table read, so it folds in the interpreters' hot paths.
    @inlinable public var arity: Int {
        switch self {
        case .input, .constant, .custom: return 0
        case .add, .sub, .mul, .div, .pow, .leakyRelu, .elu, .max, .min, .hypot: return 2
        default: return 1
        }
    }

    /// Looks an op up by its formula-language name (`"leaky_relu"`, `"sin"`, …).
    public init?(name: String) {
        guard let found = Op.primitives.first(where: { $0.info.name == name }) else { return nil }
        self = found
    }

    /// Looks an op up by the name the formula language calls it by: nil for the leaves and for
    /// the ops written as operators (`+`, `*`, `^`, unary `-`), whose names are no function, so
    /// a variable may take them. Its parser and the printers refuse a variable named like a
    /// function: `sin(sin)` cannot be read back.
    ///
    /// ```swift
    /// Op(functionName: "sin")   // .sin
    /// Op(functionName: "mul")   // nil: written `*`
    /// ```
    public init?(functionName name: String) {
        guard let op = Op(name: name), !Op.writtenAsOperators.contains(op) else { return nil }
        self = op
    }

    /// The ops the formula language writes with syntax of their own, and the leaves.
    static let writtenAsOperators: Set<Op> = [.input, .constant, .add, .sub, .mul, .div, .neg, .powi]
}

extension OpInfo {
    /// Indexed by `Op.rawValue`, built from the declarations.
    public static let table: [OpInfo] = Op.allCases.map { $0.declaration.info }
}

extension Op {
    /// Which arguments (0: the first, 1: the second) the op's kink convention is about: a kink
    /// whose arguments there depend on no input of f is no kink of f. pow's is in the base alone:
    /// ∂base is the partial that is infinite at a zero base, and ∂exponent = x^y·log x has the
    /// limit 0 there, which the rule takes; so 0^x at x = 0.7 (a constant base, whose tangent is
    /// exactly 0 in every mode) is smooth, 0 on every nearby point. Every other op's is taken to
    /// be in all its arguments (max and min at a tie, hypot at the origin, and the unary ops,
    /// whose second argument is the first). One notion for jac's notes (a formula's nodes) and
    /// the check's kink map (a tape's nodes).
    package var kinkArguments: [Int] { self == .pow ? [0] : [0, 1] }
}
