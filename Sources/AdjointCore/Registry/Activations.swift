// Activation functions. Primals are written with other registry ops so every scalar type runs them;
// the stable forms matter: sigmoid never takes e^|x|, softplus is relu(x) + log1p(e^−|x|), ELU uses
// expm1, GELU is the exact erf form evaluated through erfc so negative x does not cancel.

extension Builtin {
    public enum Sigmoid: OpDeclaration {
        public static let info = OpInfo(.sigmoid, "sigmoid", analytic: true, sample: [-5...5], summary: "1/(1 + e⁻ˣ)")
        @inlinable public static func primal<T: ADScalar>(_ x: T, _ y: T, _ n: Int) -> T {
            if x >= 0 { return 1 / (1 + T.exp(-x)) }
            let e = T.exp(x)
            return e / (1 + e)
        }
        @inlinable public static func partials<T: ADScalar>(_ x: T, _ y: T, _ n: Int, output z: T) -> (T, T) {
            // For |x| < 1, z(1 − z) and z·σ(−x) are accurate values, but a nested derivative
            // (a Hessian's inner level) differentiates them into σ′·(1 − 2z) or σ′·(σ(−x) − z):
            // differences of two numbers near ½, off by about 2e-16/|x| relative (σ″(1e-8) was
            // 6e-9 off against mpmath). With t = tanh(x/2), σ′ = (1 − t²)/4, whose derivative
            // −t(1 − t²)/4 subtracts nothing near 0 (t² < 0.22 here).
            if x > -1 && x < 1 {
                let t = T.tanh(x / 2)
                return ((1 - t * t) / 4, 0)
            }
            return (partial(x, output: z, sigmoidOfMinusX: primal(-x, -x, 0)), 0)
        }
        /// σ′ = σ(x)·σ(−x) with σ(−x) supplied by the caller (this primal here, a vectorised kernel
        /// on the matrix path, which takes first derivatives only and so keeps this form near 0 too).
        /// For x < 0, 1 − z has no cancellation and σ(−x) is not needed; for
        /// x ≥ 0, 1 − z would lose the tail (1 − σ(40) is 0 in Double, σ(−40) is 4.2e-18).
        @inlinable @inline(__always)
        public static func partial<T: ADScalar>(_ x: T, output z: T, sigmoidOfMinusX: @autoclosure () -> T) -> T {
            if x < 0 { return z * (1 - z) }
            return z * sigmoidOfMinusX()
        }
    }

    public enum Softplus: OpDeclaration {
        public static let info = OpInfo(.softplus, "softplus", analytic: true, sample: [-8...8], summary: "log(1 + eˣ)")
        @inlinable public static func primal<T: ADScalar>(_ x: T, _ y: T, _ n: Int) -> T {
            // |x| with the same branch at 0 as relu (the "x ≤ 0" side): with x < 0 here instead,
            // at exactly 0 relu is a constant and |x| = x, so a scalar that differentiates this
            // primal (the complex step, a Hessian's inner level) got −½ for softplus′(0) = ½.
            let a = x > 0 ? x : -x
            return Relu.primal(x, x, 0) + T.log1p(T.exp(-a))
        }
        @inlinable public static func partials<T: ADScalar>(_ x: T, _ y: T, _ n: Int, output z: T) -> (T, T) {
            (partial(sigmoid: T.sigmoid(x)), 0)
        }
        /// softplus′ = σ(x), with σ(x) supplied by the caller (libm's here, a vectorised kernel's
        /// on the matrix path).
        @inlinable @inline(__always)
        public static func partial<T: ADScalar>(sigmoid s: T) -> T { s }
    }

    public enum Relu: OpDeclaration {
        public static let info = OpInfo(.relu, "relu", smoothness: .kinks(at: "x = 0"), convention: "relu′(0) = 0",
                                        rational: true, summary: "max(x, 0)")
        @inlinable public static func primal<T: ADScalar>(_ x: T, _ y: T, _ n: Int) -> T {
            if x > 0 { return x }
            return x.isNotNaN ? 0 : x
        }
        @inlinable public static func partials<T: ADScalar>(_ x: T, _ y: T, _ n: Int, output z: T) -> (T, T) { (x > 0 ? 1 : 0, 0) }
        @inlinable public static func kinkDistance<T: ADScalar>(_ x: T, _ y: T) -> T? { x < 0 ? -x : x }
        @inlinable public static var needsChecks: Bool { true }
    }

    /// max(x, slope·x) with the slope as the second input.
    public enum LeakyRelu: OpDeclaration {
        public static let info = OpInfo(.leakyRelu, "leaky_relu", arity: 2, smoothness: .kinks(at: "x = 0 (unless slope = 1)"),
                                        convention: "∂x at 0 = slope; ∂slope = x for x ≤ 0", rational: true,
                                        sample: [-3...3, 0.01...0.3], summary: "x for x > 0, slope·x otherwise",
                                        defaultParameter: "0.01")
        @inlinable public static func primal<T: ADScalar>(_ x: T, _ y: T, _ n: Int) -> T { x > 0 ? x : y * x }
        @inlinable public static func partials<T: ADScalar>(_ x: T, _ y: T, _ n: Int, output z: T) -> (T, T) {
            x > 0 ? (1, 0) : (y, x)
        }
        @inlinable public static func kinkDistance<T: ADScalar>(_ x: T, _ y: T) -> T? {
            y == 1 ? nil : (x < 0 ? -x : x)
        }
        @inlinable public static var needsChecks: Bool { true }
    }

    /// x for x > 0, α(eˣ − 1) otherwise, with α as the second input.
    public enum Elu: OpDeclaration {
        public static let info = OpInfo(.elu, "elu", arity: 2, smoothness: .kinks(at: "x = 0 (unless alpha = 1)"),
                                        convention: "∂x at 0 = alpha", sample: [-3...3, 0.5...2],
                                        summary: "x for x > 0, alpha·(eˣ − 1) otherwise", defaultParameter: "1")
        @inlinable public static func primal<T: ADScalar>(_ x: T, _ y: T, _ n: Int) -> T { x > 0 ? x : y * T.expm1(x) }
        @inlinable public static func partials<T: ADScalar>(_ x: T, _ y: T, _ n: Int, output z: T) -> (T, T) {
            // ∂α = eˣ − 1 = z/α for x ≤ 0.
            (partial(x, alpha: y, exp: T.exp(x)), x > 0 ? 0 : T.expm1(x))
        }
        /// ∂/∂x with eˣ supplied by the caller (libm's here, a vectorised kernel's on the matrix
        /// path), so both use this one rule: for x ≤ 0 it is αeˣ, not z + α, which cancels for x ≪ 0.
        @inlinable @inline(__always)
        public static func partial<T: ADScalar>(_ x: T, alpha y: T, exp: @autoclosure () -> T) -> T {
            x > 0 ? 1 : y * exp()
        }
        @inlinable public static func kinkDistance<T: ADScalar>(_ x: T, _ y: T) -> T? {
            y == 1 ? nil : (x < 0 ? -x : x)
        }
        @inlinable public static var needsChecks: Bool { true }
    }

    public enum Swish: OpDeclaration {
        public static let info = OpInfo(.swish, "swish", analytic: true, summary: "x·σ(x)")
        @inlinable public static func primal<T: ADScalar>(_ x: T, _ y: T, _ n: Int) -> T { x * T.sigmoid(x) }
        @inlinable public static func partials<T: ADScalar>(_ x: T, _ y: T, _ n: Int, output z: T) -> (T, T) {
            // Near 0, σ + z·σ(−x) is accurate, but a nested derivative of it cancels: its second
            // derivative (swish‴, a third-order derivative) is a sum whose terms ±¼ cancel to −x/2,
            // and swish‴(1e-170) came out −x/8, swish‴(1e-8) 5e-9 off (against mpmath). With
            // t = tanh(x/2), σ = (1 + t)/2 and σσ(−x) = (1 − t²)/4, so swish′ = (1 + t)/2 + x(1 − t²)/4:
            // an even constant ½ and odd terms, whose derivatives subtract nothing of size 1 near 0.
            // Only for |x| < ½: there swish′ is within 1 ulp (2 before) of mpmath over 1,500 points,
            // on [½, 1) the tanh form's sum cancels more than σ + z·σ(−x) (5 ulps against 4), whose
            // swish‴ loses only ε/|x| there.
            if x > -0.5 && x < 0.5 {
                let t = T.tanh(x / 2)
                return ((1 + t) / 2 + x * (1 - t * t) / 4, 0)
            }
            return (partial(x, output: z, sigmoid: T.sigmoid(x), sigmoidOfMinusX: T.sigmoid(-x)), 0)
        }
        /// z′ = σ + x·σ(x)·σ(−x) = σ + z·σ(−x), with σ(x) and σ(−x) supplied by the caller (libm's
        /// here, a vectorised kernel's on the matrix path); σ(−x) rather than 1 − σ keeps x ≫ 0
        /// accurate, and is only evaluated there.
        @inlinable @inline(__always)
        public static func partial<T: ADScalar>(_ x: T, output z: T, sigmoid s: T, sigmoidOfMinusX: @autoclosure () -> T) -> T {
            s + z * (x < 0 ? 1 - s : sigmoidOfMinusX())
        }
    }

    public enum Gelu: OpDeclaration {
        public static let info = OpInfo(.gelu, "gelu", summary: "x·Φ(x), the exact (erf) form")
        @inlinable public static func primal<T: ADScalar>(_ x: T, _ y: T, _ n: Int) -> T { Rules.native(.gelu, x, x, 0) }
        @inlinable public static func partials<T: ADScalar>(_ x: T, _ y: T, _ n: Int, output z: T) -> (T, T) {
            // z′ = Φ(x) + x·φ(x), φ(x) = e^(−x²/2)/√(2π). For x < −1, Φ = z/x: the erf form
            // ½(1 + erf) cancels there, the primal (through erfc) does not. Not on (−1, 0): on a
            // nested dual z/x's derivative (z′ − z/x)/x cancels as x → 0⁻ (gelu″(−1e-8) was
            // 5e-9 off, gelu″(−1e-170) half of 2φ(0)), while ½(1 + erf) loses under 2 bits there.
            // (x/2)·x, not x²·½: where x² overflows, a nested dual's x²·½ computes ∞·0 in its
            // tangent (the constant's), and gelu″(1e160) = 0 was reported non-finite. The same
            // bits elsewhere: halving is exact above the subnormals, where e^(−x²/2) is 1 anyway.
            (partial(x, output: z, cdf: cdf(x), pdf: pdf(x)), 0)
        }
        /// Φ(x) = ½(1 + erf(x/√2)), as the partial evaluates it on [−1, ∞).
        @inlinable @inline(__always)
        public static func cdf<T: ADScalar>(_ x: T) -> T { T(0.5) * (1 + T.erf(x * T(0.5.squareRoot()))) }
        /// φ(x) = e^(−x²/2)/√(2π), the product (x/2)·x's rounding corrected.
        @inlinable @inline(__always)
        public static func pdf<T: ADScalar>(_ x: T) -> T { T(0.3989422804014327) * Erf.expOfMinusProduct(x * T(0.5), x) }
        /// z′ = Φ + x·φ with Φ(x) and φ(x) supplied by the caller (libm's here, a vectorised
        /// kernel's on the matrix path); Φ is only evaluated on [−1, ∞), z/x below. Φ before φ, as
        /// the rule always ran them: a recording scalar's tape keeps its order.
        @inlinable @inline(__always)
        public static func partial<T: ADScalar>(_ x: T, output z: T, cdf: @autoclosure () -> T, pdf: @autoclosure () -> T) -> T {
            let c = x < -1 ? z / x : cdf()
            return c + x * pdf()
        }
    }
}
