// Elementary functions. Their primals are the scalar type's own (`ADScalar.native`: libm for
// Double and Float, swift-numerics for complex); rules are written once here.
//
// Rules use the stored output where that is cheaper and as accurate (exp′ = z, tan′ = 1 + z²,
// √′ = 1/(2z)), and the input where the output form cancels: expm1′ = z + 1 loses every digit for
// x ≪ −1 (e^x is tiny next to 1), tanh′ = 1 − z² for |x| ≳ 1 (z² is next to 1).

extension Builtin {
    public enum Sqrt: OpDeclaration {
        public static let info = OpInfo(.sqrt, "sqrt", domain: "x ≥ 0", smoothness: .singular(at: "x = 0"),
                                        convention: "sqrt′(0) = +∞ (reported as a singular point)", analytic: true,
                                        sample: [0.1...5], summary: "√x")
        @inlinable public static func primal<T: ADScalar>(_ x: T, _ y: T, _ n: Int) -> T { Rules.native(.sqrt, x, x, 0) }
        @inlinable public static func partials<T: ADScalar>(_ x: T, _ y: T, _ n: Int, output z: T) -> (T, T) { (1 / (2 * z), 0) }
        /// +∞ at 0.
        @inlinable public static var partialsCanBeInfinite: Bool { true }
        @inlinable public static func domainViolation<T: ADScalar>(_ x: T, _ y: T, _ n: Int) -> String? {
            x >= 0 ? nil : "sqrt of a negative number"
        }
        @inlinable public static func kinkDistance<T: ADScalar>(_ x: T, _ y: T) -> T? { x < 0 ? -x : x }
        @inlinable public static var needsChecks: Bool { true }
    }

    public enum Exp: OpDeclaration {
        public static let info = OpInfo(.exp, "exp", analytic: true, sample: [-5...5], summary: "eˣ")
        @inlinable public static func primal<T: ADScalar>(_ x: T, _ y: T, _ n: Int) -> T { Rules.native(.exp, x, x, 0) }
        @inlinable public static func partials<T: ADScalar>(_ x: T, _ y: T, _ n: Int, output z: T) -> (T, T) { (z, 0) }
    }

    public enum Expm1: OpDeclaration {
        public static let info = OpInfo(.expm1, "expm1", analytic: true, sample: [-5...5], summary: "eˣ − 1, accurate near 0")
        @inlinable public static func primal<T: ADScalar>(_ x: T, _ y: T, _ n: Int) -> T { Rules.native(.expm1, x, x, 0) }
        @inlinable public static func partials<T: ADScalar>(_ x: T, _ y: T, _ n: Int, output z: T) -> (T, T) {
            (x < -1 ? T.exp(x) : z + 1, 0)
        }
    }

    public enum Log: OpDeclaration {
        public static let info = OpInfo(.log, "log", domain: "x > 0", analytic: true, sample: [0.1...10], summary: "natural logarithm")
        @inlinable public static func primal<T: ADScalar>(_ x: T, _ y: T, _ n: Int) -> T { Rules.native(.log, x, x, 0) }
        @inlinable public static func partials<T: ADScalar>(_ x: T, _ y: T, _ n: Int, output z: T) -> (T, T) { (1 / x, 0) }
        /// 1/x overflows for x below 2⁻¹⁰²⁴ (subnormal), where log x ≈ −709 is finite.
        @inlinable public static var partialsCanBeInfinite: Bool { true }
        @inlinable public static func domainViolation<T: ADScalar>(_ x: T, _ y: T, _ n: Int) -> String? {
            x > 0 ? nil : "log of a non-positive number"
        }
        @inlinable public static var needsChecks: Bool { true }
    }

    public enum Log1p: OpDeclaration {
        public static let info = OpInfo(.log1p, "log1p", domain: "x > −1", analytic: true, sample: [-0.9...5],
                                        summary: "log(1 + x), accurate near 0")
        @inlinable public static func primal<T: ADScalar>(_ x: T, _ y: T, _ n: Int) -> T { Rules.native(.log1p, x, x, 0) }
        @inlinable public static func partials<T: ADScalar>(_ x: T, _ y: T, _ n: Int, output z: T) -> (T, T) { (1 / (1 + x), 0) }
        @inlinable public static func domainViolation<T: ADScalar>(_ x: T, _ y: T, _ n: Int) -> String? {
            x > -1 ? nil : "log1p of a number ≤ −1"
        }
        @inlinable public static var needsChecks: Bool { true }
    }

    public enum Sin: OpDeclaration {
        public static let info = OpInfo(.sin, "sin", analytic: true, summary: "sine")
        @inlinable public static func primal<T: ADScalar>(_ x: T, _ y: T, _ n: Int) -> T { Rules.native(.sin, x, x, 0) }
        @inlinable public static func partials<T: ADScalar>(_ x: T, _ y: T, _ n: Int, output z: T) -> (T, T) { (T.cos(x), 0) }
        @inlinable @inline(__always)
        public static func primalAndPartials<T: ADScalar>(_ x: T, _ y: T, _ n: Int) -> (T, T, T) {
            if let (s, c) = Rules.nativeSinCos(x) { return (s, c, 0) }
            let z = primal(x, y, n)
            return (z, partials(x, y, n, output: z).0, 0)
        }
        public static let keepsPartial = true
    }

    public enum Cos: OpDeclaration {
        public static let info = OpInfo(.cos, "cos", analytic: true, summary: "cosine")
        @inlinable public static func primal<T: ADScalar>(_ x: T, _ y: T, _ n: Int) -> T { Rules.native(.cos, x, x, 0) }
        @inlinable public static func partials<T: ADScalar>(_ x: T, _ y: T, _ n: Int, output z: T) -> (T, T) { (-T.sin(x), 0) }
        @inlinable @inline(__always)
        public static func primalAndPartials<T: ADScalar>(_ x: T, _ y: T, _ n: Int) -> (T, T, T) {
            if let (s, c) = Rules.nativeSinCos(x) { return (c, -s, 0) }
            let z = primal(x, y, n)
            return (z, partials(x, y, n, output: z).0, 0)
        }
        public static let keepsPartial = true
    }

    public enum Tan: OpDeclaration {
        public static let info = OpInfo(.tan, "tan", domain: "all reals (its poles, odd multiples of π/2, are not representable)", analytic: true, sample: [-1.4...1.4], summary: "tangent")
        @inlinable public static func primal<T: ADScalar>(_ x: T, _ y: T, _ n: Int) -> T { Rules.native(.tan, x, x, 0) }
        @inlinable public static func partials<T: ADScalar>(_ x: T, _ y: T, _ n: Int, output z: T) -> (T, T) { (1 + z * z, 0) }
    }

    public enum Atan: OpDeclaration {
        public static let info = OpInfo(.atan, "atan", analytic: true, summary: "arctangent")
        @inlinable public static func primal<T: ADScalar>(_ x: T, _ y: T, _ n: Int) -> T { Rules.native(.atan, x, x, 0) }
        @inlinable public static func partials<T: ADScalar>(_ x: T, _ y: T, _ n: Int, output z: T) -> (T, T) {
            let s = x * x
            if _fastPath(s.isFiniteValue) || !T.roundsArithmetic { return (1 / (1 + s), 0) }
            // x² overflows from |x| ≈ 1.8e19 in Float (1.3e154 in Double), where 1/(1 + x²) = 1/x²
            // is still a subnormal: it came out 0 for every |x| in [1.8e19, 2.6e22] in Float
            // (atan′(1e20) = 1e-40, Float80). There 1 + (1/x)² is 1 exactly, so (1/x)² is the value.
            let r = 1 / x
            return (r * r, 0)
        }
    }

    public enum Sinh: OpDeclaration {
        public static let info = OpInfo(.sinh, "sinh", analytic: true, summary: "hyperbolic sine")
        @inlinable public static func primal<T: ADScalar>(_ x: T, _ y: T, _ n: Int) -> T { Rules.native(.sinh, x, x, 0) }
        @inlinable public static func partials<T: ADScalar>(_ x: T, _ y: T, _ n: Int, output z: T) -> (T, T) { (T.cosh(x), 0) }
    }

    public enum Cosh: OpDeclaration {
        public static let info = OpInfo(.cosh, "cosh", analytic: true, summary: "hyperbolic cosine")
        @inlinable public static func primal<T: ADScalar>(_ x: T, _ y: T, _ n: Int) -> T { Rules.native(.cosh, x, x, 0) }
        @inlinable public static func partials<T: ADScalar>(_ x: T, _ y: T, _ n: Int, output z: T) -> (T, T) { (T.sinh(x), 0) }
    }

    public enum Tanh: OpDeclaration {
        public static let info = OpInfo(.tanh, "tanh", analytic: true, summary: "hyperbolic tangent")
        @inlinable public static func primal<T: ADScalar>(_ x: T, _ y: T, _ n: Int) -> T { Rules.native(.tanh, x, x, 0) }
        @inlinable public static func partials<T: ADScalar>(_ x: T, _ y: T, _ n: Int, output z: T) -> (T, T) {
            (partial(x, output: z, sech2: sech2(x)), 0)
        }
        /// sech² x as (1/cosh x)², for |x| ≥ 1 (where ``partial(_:output:sech2:)`` reads it). Not
        /// 1/cosh² x: cosh² overflows from |x| ≈ 355, and on a dual its derivative is then ∞/∞, so the
        /// Hessian of tanh at 400 was NaN where it is −2.9e-347 (−0 in Double). 1/cosh x only
        /// underflows; from |x| ≈ 710, where cosh x itself overflows, the second derivative is NaN
        /// still (sinh/cosh² is ∞/∞). e^(−2|x|)·4/(1 + e^(−2|x|))² never overflows, but it printed
        /// the symbolic derivative as 4*(t1/(t1 + 1)^2) with t1 = exp(-2*x) and grew the symbolic
        /// swell of a tanh network by half.
        @inlinable static func sech2<T: ADScalar>(_ x: T) -> T {
            let c = T.cosh(x)
            // Where cosh x overflows (|x| ≳ 710), sech x is 2e^(−|x|) (the dropped e^(−2|x|) is
            // below 10⁻³⁰⁰ of it): 0 in Double, as 1/∞ is, but with a derivative. 1/cosh x on a
            // dual there is 1/∞ with tangent −sinh/cosh² = ∞/∞, so tanh″ at ±800, 1e8, 1e300 was a
            // NaN and the Hessian refused a tanh layer's saturated unit (tanh″ is −0 there).
            if T.roundsArithmetic && !c.isFiniteValue && x.isFiniteValue {
                let s = 2 * T.exp(-Abs.primal(x, x, 0))
                return s * s
            }
            let s = 1 / c
            return s * s
        }
        /// tanh′ with sech² x supplied by the caller (libm here, a vectorised kernel on the matrix
        /// path): below |x| = 1, 1 − z² ≥ 0.42 has no cancellation; above, sech² keeps the tail's
        /// digits. The one place the split is written.
        @inlinable @inline(__always)
        public static func partial<T: ADScalar>(_ x: T, output z: T, sech2: @autoclosure () -> T) -> T {
            if !readsSech2(x) { return 1 - z * z }
            return sech2()
        }
        /// Whether ``partial(_:output:sech2:)`` reads sech² x at x (|x| ≥ 1, or NaN): a caller
        /// that computes sech² in bulk computes it only there.
        ///
        /// ```swift
        /// Builtin.Tanh.readsSech2(0.5)   // false: 1 − z² is used
        /// Builtin.Tanh.readsSech2(-3.0)  // true
        /// ```
        @inlinable @inline(__always)
        public static func readsSech2<T: ADScalar>(_ x: T) -> Bool { !(x < 1 && x > -1) }
    }

    public enum Asinh: OpDeclaration {
        public static let info = OpInfo(.asinh, "asinh", analytic: true, sample: [-5...5], summary: "inverse hyperbolic sine")
        @inlinable public static func primal<T: ADScalar>(_ x: T, _ y: T, _ n: Int) -> T { Rules.native(.asinh, x, x, 0) }
        @inlinable public static func partials<T: ADScalar>(_ x: T, _ y: T, _ n: Int, output z: T) -> (T, T) {
            (1 / T.hypot(1, x), 0)  // 1/√(1 + x²), without overflow of x² for |x| > 1e154
        }
    }

    public enum Erf: OpDeclaration {
        public static let info = OpInfo(.erf, "erf", summary: "error function")
        @inlinable public static func primal<T: ADScalar>(_ x: T, _ y: T, _ n: Int) -> T { Rules.native(.erf, x, x, 0) }
        @inlinable public static func partials<T: ADScalar>(_ x: T, _ y: T, _ n: Int, output z: T) -> (T, T) {
            (T(1.1283791670955126) * expOfMinusProduct(x, x), 0)  // 2/√π · e^(−x²)
        }
        /// e^(−a·b) with the product's rounding taken into account: a·b = p + pe exactly (a fused
        /// multiply-add residual), and e^(−p − pe) = e^(−p)·(1 − pe) to first order. The plain
        /// e^(−p) carries p's rounding amplified by p itself: erf′(9.24) was 60 ulps off in Float
        /// (x² = 85 rounds by up to 2.5e-6 absolute), gelu′ at −11.8 as much (Float80 reference).
        /// Scalars that do not round get e^(−p) (the residual is 0 for them anyway), and so does an
        /// e^(−p) of 0, whose p may be ∞ (then the residual is −∞ and would make a NaN).
        @inlinable @inline(__always)
        public static func expOfMinusProduct<T: ADScalar>(_ a: T, _ b: T) -> T {
            let p = a * b, e = T.exp(-p)
            guard T.roundsArithmetic, e != 0 else { return e }
            let pe = T.fusedMultiplyAdd(a, b, -p)
            return T.fusedMultiplyAdd(-e, pe, e)
        }
    }
}
