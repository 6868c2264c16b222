/// The registry seen by the interpreters: one generic function per concern, each a `switch` whose
/// cases only delegate to the op's declaration (``OpDeclaration``). The switch folds away when the
/// op is a constant (every call from `Dual`, `Reverse` and the free functions), so declarations
/// cost nothing at run time.
///
/// ```swift
/// let z = Rules.primal(.tanh, 0.5, 0.5, 0)                      // tanh(0.5)
/// let (dz, _) = Rules.partials(.tanh, 0.5, 0.5, 0, output: z)  // 1 − z²
/// ```
public enum Rules {
    /// Evaluates `op` with the declaration's primal. `y` is ignored by unary ops, `n` by all but `powi`.
    @inlinable @inline(__always)
    public static func primal<T: ADScalar>(_ op: Op, _ x: T, _ y: T, _ n: Int) -> T {
        // On a derived scalar (inside a nested derivative) the op is interpreted, so its value
        // carries the declared rule's derivative, not one of its primal's branches. Folds away for
        // base scalars.
        if T.interpretsRegistryOps && op.arity > 0 { return T.apply(op, x, y, n) }
        switch op {
        case .input, .constant, .custom: return x
        case .add: return Builtin.Add.primal(x, y, n)
        case .sub: return Builtin.Sub.primal(x, y, n)
        case .mul: return Builtin.Mul.primal(x, y, n)
        case .div: return Builtin.Div.primal(x, y, n)
        case .neg: return Builtin.Neg.primal(x, y, n)
        case .powi: return Builtin.Powi.primal(x, y, n)
        case .pow: return Builtin.Pow.primal(x, y, n)
        case .square: return Builtin.Square.primal(x, y, n)
        case .sqrt: return Builtin.Sqrt.primal(x, y, n)
        case .exp: return Builtin.Exp.primal(x, y, n)
        case .expm1: return Builtin.Expm1.primal(x, y, n)
        case .log: return Builtin.Log.primal(x, y, n)
        case .log1p: return Builtin.Log1p.primal(x, y, n)
        case .sin: return Builtin.Sin.primal(x, y, n)
        case .cos: return Builtin.Cos.primal(x, y, n)
        case .tan: return Builtin.Tan.primal(x, y, n)
        case .atan: return Builtin.Atan.primal(x, y, n)
        case .sinh: return Builtin.Sinh.primal(x, y, n)
        case .cosh: return Builtin.Cosh.primal(x, y, n)
        case .tanh: return Builtin.Tanh.primal(x, y, n)
        case .asinh: return Builtin.Asinh.primal(x, y, n)
        case .erf: return Builtin.Erf.primal(x, y, n)
        case .sigmoid: return Builtin.Sigmoid.primal(x, y, n)
        case .softplus: return Builtin.Softplus.primal(x, y, n)
        case .relu: return Builtin.Relu.primal(x, y, n)
        case .leakyRelu: return Builtin.LeakyRelu.primal(x, y, n)
        case .elu: return Builtin.Elu.primal(x, y, n)
        case .swish: return Builtin.Swish.primal(x, y, n)
        case .gelu: return Builtin.Gelu.primal(x, y, n)
        case .abs: return Builtin.Abs.primal(x, y, n)
        case .max: return Builtin.Max.primal(x, y, n)
        case .min: return Builtin.Min.primal(x, y, n)
        case .hypot: return Builtin.Hypot.primal(x, y, n)
        }
    }

    /// The local partials (∂z/∂x, ∂z/∂y) of `z = op(x, y)`, with any planted ``RuleMutation``
    /// applied; the second is 0 for unary ops.
    @inlinable @inline(__always)
    public static func partials<T: ADScalar>(_ op: Op, _ x: T, _ y: T, _ n: Int, output z: T) -> (T, T) {
        let p = unmutatedPartials(op, x, y, n, output: z)
        if _slowPath(Instrumentation.isActive) { return RuleMutations.apply(op, p) }
        return p
    }

    /// The value and the partials of `z = op(x, y)` together (``OpDeclaration/primalAndPartials(_:_:_:)``),
    /// with any planted ``RuleMutation`` applied to the partials: forward mode and the tape's
    /// recording use it where they need both. Only sin and cos compute them together; every other
    /// op is its primal followed by its partials.
    @inlinable @inline(__always)
    public static func primalAndPartials<T: ADScalar>(_ op: Op, _ x: T, _ y: T, _ n: Int) -> (T, T, T) {
        let r = unmutatedPrimalAndPartials(op, x, y, n)
        if _slowPath(Instrumentation.isActive) {
            let (p, q) = RuleMutations.apply(op, (r.1, r.2))
            return (r.0, p, q)
        }
        return r
    }

    /// ``primalAndPartials(_:_:_:_:)`` without the mutation hook.
    @inlinable @inline(__always)
    public static func unmutatedPrimalAndPartials<T: ADScalar>(_ op: Op, _ x: T, _ y: T, _ n: Int) -> (T, T, T) {
        switch op {
        case .sin: return Builtin.Sin.primalAndPartials(x, y, n)
        case .cos: return Builtin.Cos.primalAndPartials(x, y, n)
        default:
            let z = primal(op, x, y, n)
            let (p, q) = unmutatedPartials(op, x, y, n, output: z)
            return (z, p, q)
        }
    }

    /// Whether `op` declares its own chain-rule products (``OpDeclaration/ordersProducts``).
    @inlinable @inline(__always)
    public static func ordersProducts(_ op: Op) -> Bool {
        switch op {
        case .div: return Builtin.Div.ordersProducts
        case .powi: return Builtin.Powi.ordersProducts
        default: return false
        }
    }

    /// Whether `op`'s partial can be infinite at a finite point (``OpDeclaration/partialsCanBeInfinite``).
    @inlinable @inline(__always)
    public static func partialsCanBeInfinite(_ op: Op) -> Bool {
        switch op {
        case .sqrt: return Builtin.Sqrt.partialsCanBeInfinite
        case .log: return Builtin.Log.partialsCanBeInfinite
        case .pow: return Builtin.Pow.partialsCanBeInfinite
        default: return false
        }
    }

    /// One chain-rule product `partial · tangent` of the unary op `op`, as the interpreters form
    /// it (``OpDeclaration/product(_:_:)``): a zero (co)tangent adds 0 even at an infinite partial.
    ///
    /// ```swift
    /// Rules.product(.sqrt, Double.infinity, 0.0)   // 0, not ∞·0 = NaN
    /// ```
    @inlinable @inline(__always)
    public static func product<T: ADScalar, V: TangentVector>(_ op: Op, _ partial: T, _ tangent: V) -> V where V.Scalar == T {
        if partialsCanBeInfinite(op) || !(T.self == Double.self || T.self == Float.self) {
            return V.chainProduct(partial, tangent)
        }
        return partial * tangent
    }

    /// Whether a tape keeps `op`'s partial from recording (``OpDeclaration/keepsPartial``).
    @inlinable @inline(__always)
    public static func keepsPartial(_ op: Op) -> Bool {
        switch op {
        case .sin: return Builtin.Sin.keepsPartial
        case .cos: return Builtin.Cos.keepsPartial
        default: return false
        }
    }

    /// ``partials(_:_:_:_:output:)`` without the mutation hook.
    @inlinable @inline(__always)
    public static func unmutatedPartials<T: ADScalar>(_ op: Op, _ x: T, _ y: T, _ n: Int, output z: T) -> (T, T) {
        switch op {
        case .input, .constant, .custom: return (0, 0)
        case .add: return Builtin.Add.partials(x, y, n, output: z)
        case .sub: return Builtin.Sub.partials(x, y, n, output: z)
        case .mul: return Builtin.Mul.partials(x, y, n, output: z)
        case .div: return Builtin.Div.partials(x, y, n, output: z)
        case .neg: return Builtin.Neg.partials(x, y, n, output: z)
        case .powi: return Builtin.Powi.partials(x, y, n, output: z)
        case .pow: return Builtin.Pow.partials(x, y, n, output: z)
        case .square: return Builtin.Square.partials(x, y, n, output: z)
        case .sqrt: return Builtin.Sqrt.partials(x, y, n, output: z)
        case .exp: return Builtin.Exp.partials(x, y, n, output: z)
        case .expm1: return Builtin.Expm1.partials(x, y, n, output: z)
        case .log: return Builtin.Log.partials(x, y, n, output: z)
        case .log1p: return Builtin.Log1p.partials(x, y, n, output: z)
        case .sin: return Builtin.Sin.partials(x, y, n, output: z)
        case .cos: return Builtin.Cos.partials(x, y, n, output: z)
        case .tan: return Builtin.Tan.partials(x, y, n, output: z)
        case .atan: return Builtin.Atan.partials(x, y, n, output: z)
        case .sinh: return Builtin.Sinh.partials(x, y, n, output: z)
        case .cosh: return Builtin.Cosh.partials(x, y, n, output: z)
        case .tanh: return Builtin.Tanh.partials(x, y, n, output: z)
        case .asinh: return Builtin.Asinh.partials(x, y, n, output: z)
        case .erf: return Builtin.Erf.partials(x, y, n, output: z)
        case .sigmoid: return Builtin.Sigmoid.partials(x, y, n, output: z)
        case .softplus: return Builtin.Softplus.partials(x, y, n, output: z)
        case .relu: return Builtin.Relu.partials(x, y, n, output: z)
        case .leakyRelu: return Builtin.LeakyRelu.partials(x, y, n, output: z)
        case .elu: return Builtin.Elu.partials(x, y, n, output: z)
        case .swish: return Builtin.Swish.partials(x, y, n, output: z)
        case .gelu: return Builtin.Gelu.partials(x, y, n, output: z)
        case .abs: return Builtin.Abs.partials(x, y, n, output: z)
        case .max: return Builtin.Max.partials(x, y, n, output: z)
        case .min: return Builtin.Min.partials(x, y, n, output: z)
        case .hypot: return Builtin.Hypot.partials(x, y, n, output: z)
        }
    }

    /// The chain-rule products (g·∂z/∂x, g·∂z/∂y) of the binary op `op` for the output cotangent
    /// `g` (``OpDeclaration/vjp(_:_:_:output:cotangent:)``), with any planted ``RuleMutation``
    /// applied: a scaled partial times g is the scaled product, and swapped partials give the
    /// swapped products. What the reverse sweep accumulates for a binary entry.
    ///
    /// ```swift
    /// Rules.vjp(.div, 1e-2, 1e197, 0, output: 1e-199, cotangent: 2.4e282)   // (2.4e85, −2.4e-114)
    /// ```
    @inlinable @inline(__always)
    public static func vjp<T: ADScalar>(_ op: Op, _ x: T, _ y: T, _ n: Int, output z: T, cotangent g: T) -> (T, T) {
        let r = unmutatedVJP(op, x, y, n, output: z, cotangent: g)
        if _slowPath(Instrumentation.isActive) { return RuleMutations.apply(op, r) }
        return r
    }

    /// The chain-rule product ∂z/∂x·dx + ∂z/∂y·dy of the binary op `op` for input tangents `dx`,
    /// `dy` (``OpDeclaration/jvp(_:_:_:output:tangents:_:)``), with any planted ``RuleMutation``
    /// applied. A partial scaled by f meets its tangent as the tangent scaled by f, and swapped
    /// partials as swapped tangents, so the mutation is applied to the tangents and the
    /// declaration's own product runs unchanged. What forward mode propagates.
    ///
    /// ```swift
    /// Rules.jvp(.mul, 2.0, 3.0, 0, output: 6, tangents: 1.0, 0)   // 3
    /// ```
    @inlinable @inline(__always)
    public static func jvp<T: ADScalar, V: TangentVector>(_ op: Op, _ x: T, _ y: T, _ n: Int, output z: T,
                                                         tangents dx: V, _ dy: V) -> V where V.Scalar == T {
        if _slowPath(Instrumentation.isActive) {
            let (mx, my) = RuleMutations.apply(op, tangents: (dx, dy))
            return unmutatedJVP(op, x, y, n, output: z, tangents: mx, my)
        }
        return unmutatedJVP(op, x, y, n, output: z, tangents: dx, dy)
    }

    /// ``vjp(_:_:_:_:output:cotangent:)`` without the mutation hook.
    @inlinable @inline(__always)
    public static func unmutatedVJP<T: ADScalar>(_ op: Op, _ x: T, _ y: T, _ n: Int, output z: T, cotangent g: T) -> (T, T) {
        switch op {
        case .input, .constant, .custom: return (0, 0)
        case .add: return Builtin.Add.vjp(x, y, n, output: z, cotangent: g)
        case .sub: return Builtin.Sub.vjp(x, y, n, output: z, cotangent: g)
        case .mul: return Builtin.Mul.vjp(x, y, n, output: z, cotangent: g)
        case .div: return Builtin.Div.vjp(x, y, n, output: z, cotangent: g)
        case .neg: return Builtin.Neg.vjp(x, y, n, output: z, cotangent: g)
        case .powi: return Builtin.Powi.vjp(x, y, n, output: z, cotangent: g)
        case .pow: return Builtin.Pow.vjp(x, y, n, output: z, cotangent: g)
        case .square: return Builtin.Square.vjp(x, y, n, output: z, cotangent: g)
        case .sqrt: return Builtin.Sqrt.vjp(x, y, n, output: z, cotangent: g)
        case .exp: return Builtin.Exp.vjp(x, y, n, output: z, cotangent: g)
        case .expm1: return Builtin.Expm1.vjp(x, y, n, output: z, cotangent: g)
        case .log: return Builtin.Log.vjp(x, y, n, output: z, cotangent: g)
        case .log1p: return Builtin.Log1p.vjp(x, y, n, output: z, cotangent: g)
        case .sin: return Builtin.Sin.vjp(x, y, n, output: z, cotangent: g)
        case .cos: return Builtin.Cos.vjp(x, y, n, output: z, cotangent: g)
        case .tan: return Builtin.Tan.vjp(x, y, n, output: z, cotangent: g)
        case .atan: return Builtin.Atan.vjp(x, y, n, output: z, cotangent: g)
        case .sinh: return Builtin.Sinh.vjp(x, y, n, output: z, cotangent: g)
        case .cosh: return Builtin.Cosh.vjp(x, y, n, output: z, cotangent: g)
        case .tanh: return Builtin.Tanh.vjp(x, y, n, output: z, cotangent: g)
        case .asinh: return Builtin.Asinh.vjp(x, y, n, output: z, cotangent: g)
        case .erf: return Builtin.Erf.vjp(x, y, n, output: z, cotangent: g)
        case .sigmoid: return Builtin.Sigmoid.vjp(x, y, n, output: z, cotangent: g)
        case .softplus: return Builtin.Softplus.vjp(x, y, n, output: z, cotangent: g)
        case .relu: return Builtin.Relu.vjp(x, y, n, output: z, cotangent: g)
        case .leakyRelu: return Builtin.LeakyRelu.vjp(x, y, n, output: z, cotangent: g)
        case .elu: return Builtin.Elu.vjp(x, y, n, output: z, cotangent: g)
        case .swish: return Builtin.Swish.vjp(x, y, n, output: z, cotangent: g)
        case .gelu: return Builtin.Gelu.vjp(x, y, n, output: z, cotangent: g)
        case .abs: return Builtin.Abs.vjp(x, y, n, output: z, cotangent: g)
        case .max: return Builtin.Max.vjp(x, y, n, output: z, cotangent: g)
        case .min: return Builtin.Min.vjp(x, y, n, output: z, cotangent: g)
        case .hypot: return Builtin.Hypot.vjp(x, y, n, output: z, cotangent: g)
        }
    }

    /// ``jvp(_:_:_:_:output:tangents:_:)`` without the mutation hook.
    @inlinable @inline(__always)
    public static func unmutatedJVP<T: ADScalar, V: TangentVector>(_ op: Op, _ x: T, _ y: T, _ n: Int, output z: T,
                                                                  tangents dx: V, _ dy: V) -> V where V.Scalar == T {
        switch op {
        case .input, .constant, .custom: return .zero
        case .add: return Builtin.Add.jvp(x, y, n, output: z, tangents: dx, dy)
        case .sub: return Builtin.Sub.jvp(x, y, n, output: z, tangents: dx, dy)
        case .mul: return Builtin.Mul.jvp(x, y, n, output: z, tangents: dx, dy)
        case .div: return Builtin.Div.jvp(x, y, n, output: z, tangents: dx, dy)
        case .neg: return Builtin.Neg.jvp(x, y, n, output: z, tangents: dx, dy)
        case .powi: return Builtin.Powi.jvp(x, y, n, output: z, tangents: dx, dy)
        case .pow: return Builtin.Pow.jvp(x, y, n, output: z, tangents: dx, dy)
        case .square: return Builtin.Square.jvp(x, y, n, output: z, tangents: dx, dy)
        case .sqrt: return Builtin.Sqrt.jvp(x, y, n, output: z, tangents: dx, dy)
        case .exp: return Builtin.Exp.jvp(x, y, n, output: z, tangents: dx, dy)
        case .expm1: return Builtin.Expm1.jvp(x, y, n, output: z, tangents: dx, dy)
        case .log: return Builtin.Log.jvp(x, y, n, output: z, tangents: dx, dy)
        case .log1p: return Builtin.Log1p.jvp(x, y, n, output: z, tangents: dx, dy)
        case .sin: return Builtin.Sin.jvp(x, y, n, output: z, tangents: dx, dy)
        case .cos: return Builtin.Cos.jvp(x, y, n, output: z, tangents: dx, dy)
        case .tan: return Builtin.Tan.jvp(x, y, n, output: z, tangents: dx, dy)
        case .atan: return Builtin.Atan.jvp(x, y, n, output: z, tangents: dx, dy)
        case .sinh: return Builtin.Sinh.jvp(x, y, n, output: z, tangents: dx, dy)
        case .cosh: return Builtin.Cosh.jvp(x, y, n, output: z, tangents: dx, dy)
        case .tanh: return Builtin.Tanh.jvp(x, y, n, output: z, tangents: dx, dy)
        case .asinh: return Builtin.Asinh.jvp(x, y, n, output: z, tangents: dx, dy)
        case .erf: return Builtin.Erf.jvp(x, y, n, output: z, tangents: dx, dy)
        case .sigmoid: return Builtin.Sigmoid.jvp(x, y, n, output: z, tangents: dx, dy)
        case .softplus: return Builtin.Softplus.jvp(x, y, n, output: z, tangents: dx, dy)
        case .relu: return Builtin.Relu.jvp(x, y, n, output: z, tangents: dx, dy)
        case .leakyRelu: return Builtin.LeakyRelu.jvp(x, y, n, output: z, tangents: dx, dy)
        case .elu: return Builtin.Elu.jvp(x, y, n, output: z, tangents: dx, dy)
        case .swish: return Builtin.Swish.jvp(x, y, n, output: z, tangents: dx, dy)
        case .gelu: return Builtin.Gelu.jvp(x, y, n, output: z, tangents: dx, dy)
        case .abs: return Builtin.Abs.jvp(x, y, n, output: z, tangents: dx, dy)
        case .max: return Builtin.Max.jvp(x, y, n, output: z, tangents: dx, dy)
        case .min: return Builtin.Min.jvp(x, y, n, output: z, tangents: dx, dy)
        case .hypot: return Builtin.Hypot.jvp(x, y, n, output: z, tangents: dx, dy)
        }
    }

    /// Why `(x, y)` is outside `op`'s domain, or nil when it is inside.
    @inlinable @inline(__always)
    public static func domainViolation<T: ADScalar>(_ op: Op, _ x: T, _ y: T, _ n: Int) -> String? {
        switch op {
        case .div: return Builtin.Div.domainViolation(x, y, n)
        case .log: return Builtin.Log.domainViolation(x, y, n)
        case .log1p: return Builtin.Log1p.domainViolation(x, y, n)
        case .sqrt: return Builtin.Sqrt.domainViolation(x, y, n)
        case .powi: return Builtin.Powi.domainViolation(x, y, n)
        case .pow: return Builtin.Pow.domainViolation(x, y, n)
        default: return nil
        }
    }

    /// How far `(x, y)` is from a non-differentiable point of `op` (0 at it), or nil for an op
    /// without one. Drives kink reports, the checker's kink-crossing test and fault localisation.
    @inlinable @inline(__always)
    public static func kinkDistance<T: ADScalar>(_ op: Op, _ x: T, _ y: T) -> T? {
        switch op {
        case .sqrt: return Builtin.Sqrt.kinkDistance(x, y)
        case .relu: return Builtin.Relu.kinkDistance(x, y)
        case .leakyRelu: return Builtin.LeakyRelu.kinkDistance(x, y)
        case .elu: return Builtin.Elu.kinkDistance(x, y)
        case .abs: return Builtin.Abs.kinkDistance(x, y)
        case .max: return Builtin.Max.kinkDistance(x, y)
        case .min: return Builtin.Min.kinkDistance(x, y)
        case .hypot: return Builtin.Hypot.kinkDistance(x, y)
        case .pow: return Builtin.Pow.kinkDistance(x, y)
        default: return nil
        }
    }

    /// Whether `(x, y)` is a non-differentiable point of `op` (kink distance 0), where the rule
    /// returns its convention and finite differences are expected to disagree.
    @inlinable @inline(__always)
    public static func isKink<T: ADScalar>(_ op: Op, _ x: T, _ y: T) -> Bool {
        kinkDistance(op, x, y) == 0
    }

    /// Whether `op` can ever fail its domain or hit a kink; lets interpreters skip both checks
    /// for the common smooth, total ops after inlining.
    @inlinable @inline(__always)
    public static func needsChecks(_ op: Op) -> Bool {
        switch op {
        case .div: return Builtin.Div.needsChecks
        case .log: return Builtin.Log.needsChecks
        case .log1p: return Builtin.Log1p.needsChecks
        case .sqrt: return Builtin.Sqrt.needsChecks
        case .powi: return Builtin.Powi.needsChecks
        case .pow: return Builtin.Pow.needsChecks
        case .relu: return Builtin.Relu.needsChecks
        case .leakyRelu: return Builtin.LeakyRelu.needsChecks
        case .elu: return Builtin.Elu.needsChecks
        case .abs: return Builtin.Abs.needsChecks
        case .max: return Builtin.Max.needsChecks
        case .min: return Builtin.Min.needsChecks
        case .hypot: return Builtin.Hypot.needsChecks
        default: return false
        }
    }
}
