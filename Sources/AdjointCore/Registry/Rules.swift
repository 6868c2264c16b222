/// The derivative rules of the registry: one generic function per concern, each a `switch` over
/// ``Op``. Every interpreter calls these; none restates a rule.
///
/// Rules are local partials `(∂z/∂x, ∂z/∂y)` given the inputs and the already computed output `z`,
/// written with the scalar operations themselves, so they run for Double, for nested duals
/// (second derivatives), for rationals (exact) and for duals on a tape (Hessians).
///
/// ```swift
/// let z = Rules.primal(.tanh, 0.5, 0.5, 0)                      // tanh(0.5)
/// let (dz, _) = Rules.partials(.tanh, 0.5, 0.5, 0, output: z)  // 1 − z²
/// ```
public enum Rules {
    /// Evaluates `op` on a scalar type's own primitives. `y` is ignored by unary ops, `n` by all
    /// but `powi`.
    @inlinable @inline(__always)
    public static func primal<T: ADScalar>(_ op: Op, _ x: T, _ y: T, _ n: Int) -> T {
        switch op {
        case .input, .constant: return x
        case .add: return x + y
        case .sub: return x - y
        case .mul: return x * y
        case .div: return x / y
        case .neg: return -x
        case .powi: return T.powi(x, n)
        case .pow: return T.pow(x, y)
        case .square: return T.square(x)
        case .sqrt: return T.sqrt(x)
        case .exp: return T.exp(x)
        case .expm1: return T.expm1(x)
        case .log: return T.log(x)
        case .log1p: return T.log1p(x)
        case .sin: return T.sin(x)
        case .cos: return T.cos(x)
        case .tan: return T.tan(x)
        case .atan: return T.atan(x)
        case .sinh: return T.sinh(x)
        case .cosh: return T.cosh(x)
        case .tanh: return T.tanh(x)
        case .erf: return T.erf(x)
        case .sigmoid: return T.sigmoid(x)
        case .softplus: return T.softplus(x)
        case .relu: return T.relu(x)
        case .leakyRelu: return T.leakyRelu(x, slope: y)
        case .elu: return T.elu(x, alpha: y)
        case .swish: return T.swish(x)
        case .gelu: return T.gelu(x)
        case .abs: return T.abs(x)
        case .max: return T.max(x, y)
        case .min: return T.min(x, y)
        case .hypot: return T.hypot(x, y)
        }
    }

    /// The local partials (∂z/∂x, ∂z/∂y) of `z = op(x, y)`; the second is 0 for unary ops.
    ///
    /// Output-based forms where they are cheaper and as accurate: exp′ = z, tanh′ = 1 − z²,
    /// σ′ = z(1 − z), tan′ = 1 + z², √′ = 1/(2z). Conventions at non-differentiable points are
    /// those of ``OpInfo/convention``.
    @inlinable @inline(__always)
    public static func partials<T: ADScalar>(_ op: Op, _ x: T, _ y: T, _ n: Int, output z: T) -> (T, T) {
        let p = unmutatedPartials(op, x, y, n, output: z)
        if _slowPath(Instrumentation.isActive) { return RuleMutations.apply(op, p) }
        return p
    }

    /// ``partials(_:_:_:_:output:)`` without the mutation hook, for interpreters that test
    /// ``Instrumentation/isActive`` once per sweep instead of once per op.
    @inlinable @inline(__always)
    public static func unmutatedPartials<T: ADScalar>(_ op: Op, _ x: T, _ y: T, _ n: Int, output z: T) -> (T, T) {
        switch op {
        case .input, .constant: return (0, 0)
        case .add: return (1, 1)
        case .sub: return (1, -1)
        case .mul: return (y, x)
        case .div:
            let r = 1 / y
            return (r, -z * r)
        case .neg: return (-1, 0)
        case .powi:
            if n == 0 { return (0, 0) }
            return (T(n) * T.powi(x, n - 1), 0)
        case .pow:
            // ∂y = z·log x; at x = 0 (allowed for y > 0) z = 0 and the limit is 0, not 0·(−∞).
            let dy = x == 0 ? 0 : z * T.log(x)
            return (y * T.pow(x, y - 1), dy)
        case .square: return (2 * x, 0)
        case .sqrt: return (1 / (2 * z), 0)
        case .exp: return (z, 0)
        case .expm1: return (z + 1, 0)
        case .log: return (1 / x, 0)
        case .log1p: return (1 / (1 + x), 0)
        case .sin: return (T.cos(x), 0)
        case .cos: return (-T.sin(x), 0)
        case .tan: return (1 + z * z, 0)
        case .atan: return (1 / (1 + x * x), 0)
        case .sinh: return (T.cosh(x), 0)
        case .cosh: return (T.sinh(x), 0)
        case .tanh: return (1 - z * z, 0)
        case .erf:
            // 2/√π · e^(−x²)
            return (T(1.1283791670955126) * T.exp(-(x * x)), 0)
        case .sigmoid: return (z * (1 - z), 0)
        case .softplus: return (T.sigmoid(x), 0)
        case .relu: return (x > 0 ? 1 : 0, 0)
        case .leakyRelu: return x > 0 ? (1, 0) : (y, x)
        case .elu:
            // For x ≤ 0, z = α(e^x − 1), so ∂x = αe^x = z + α and ∂α = e^x − 1 = expm1(x).
            return x > 0 ? (1, 0) : (z + y, T.expm1(x))
        case .swish:
            // z = x·σ(x): z′ = σ + xσ(1 − σ) = σ + z(1 − σ).
            let s = T.sigmoid(x)
            return (s + z * (1 - s), 0)
        case .gelu:
            // z′ = Φ(x) + x·φ(x), φ(x) = e^(−x²/2)/√(2π).
            let cdf = T(0.5) * (1 + T.erf(x * T(0.5.squareRoot())))
            let pdf = T(0.3989422804014327) * T.exp(-(x * x) * T(0.5))
            return (cdf + x * pdf, 0)
        case .abs: return (x > 0 ? 1 : (x < 0 ? -1 : 0), 0)
        case .max:
            if x > y { return (1, 0) }
            if y > x { return (0, 1) }
            return (T(0.5), T(0.5))
        case .min:
            if x < y { return (1, 0) }
            if y < x { return (0, 1) }
            return (T(0.5), T(0.5))
        case .hypot:
            if z == 0 { return (0, 0) }
            return (x / z, y / z)
        }
    }

    /// Why `(x, y)` is outside `op`'s domain, or nil when it is inside. The predicate behind
    /// ``OpInfo/domain``.
    @inlinable @inline(__always)
    public static func domainViolation<T: ADScalar>(_ op: Op, _ x: T, _ y: T, _ n: Int) -> String? {
        switch op {
        case .div: return y == 0 ? "division by zero" : nil
        case .log: return x > 0 ? nil : "log of a non-positive number"
        case .log1p: return x > -1 ? nil : "log1p of a number ≤ −1"
        case .sqrt: return x >= 0 ? nil : "sqrt of a negative number"
        case .powi: return (n < 0 && x == 0) ? "zero raised to a negative power" : nil
        case .pow:
            if x > 0 || (x == 0 && y > 0) { return nil }
            return x == 0 ? "zero raised to a non-positive real power"
                          : "negative base with a real exponent (use an integer power)"
        default: return nil
        }
    }

    /// Whether `(x, y)` is a non-differentiable point of `op`, where the rule returns its
    /// convention and finite differences are expected to disagree.
    @inlinable @inline(__always)
    public static func isKink<T: ADScalar>(_ op: Op, _ x: T, _ y: T) -> Bool {
        switch op {
        case .relu, .abs: return x == 0
        case .leakyRelu: return x == 0 && y != 1
        case .elu: return x == 0 && y != 1
        case .max, .min: return x == y
        case .hypot: return x == 0 && y == 0
        case .sqrt: return x == 0
        default: return false
        }
    }

    /// Whether `op` can ever fail its domain or hit a kink; lets interpreters skip both checks
    /// for the common smooth, total ops after inlining.
    @inlinable @inline(__always)
    public static func needsChecks(_ op: Op) -> Bool {
        switch op {
        case .div, .log, .log1p, .sqrt, .powi, .pow, .relu, .abs, .leakyRelu, .elu, .max, .min, .hypot:
            return true
        default:
            return false
        }
    }
}
