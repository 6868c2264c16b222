// Piecewise primitives: abs, max, min and hypot, with their conventions at the non-differentiable
// points. NaN passes through max and min (a NaN input is never silently dropped).

extension Builtin {
    public enum Abs: OpDeclaration {
        public static let info = OpInfo(.abs, "abs", smoothness: .kinks(at: "x = 0"), convention: "abs′(0) = 0",
                                        rational: true, summary: "|x|")
        /// At ±0, x − x: +0 for both zeros (|−0| printed −0.0), and on a complex step the
        /// imaginary part's 0, the convention abs′(0) = 0, not the right side's slope.
        @inlinable public static func primal<T: ADScalar>(_ x: T, _ y: T, _ n: Int) -> T { x < 0 ? -x : (x > 0 ? x : x - x) }
        @inlinable public static func partials<T: ADScalar>(_ x: T, _ y: T, _ n: Int, output z: T) -> (T, T) {
            (x > 0 ? 1 : (x < 0 ? -1 : 0), 0)
        }
        @inlinable public static func kinkDistance<T: ADScalar>(_ x: T, _ y: T) -> T? { x < 0 ? -x : x }
        @inlinable public static var needsChecks: Bool { true }
    }

    public enum Max: OpDeclaration {
        public static let info = OpInfo(.max, "max", arity: 2, smoothness: .kinks(at: "x = y"),
                                        convention: "at a tie each input gets 1/2", rational: true, summary: "the larger of x and y")
        @inlinable public static func primal<T: ADScalar>(_ x: T, _ y: T, _ n: Int) -> T {
            if !y.isNotNaN { return y }
            return y > x ? y : x
        }
        @inlinable public static func partials<T: ADScalar>(_ x: T, _ y: T, _ n: Int, output z: T) -> (T, T) {
            if x > y { return (1, 0) }
            if y > x { return (0, 1) }
            return (T(0.5), T(0.5))
        }
        @inlinable public static func kinkDistance<T: ADScalar>(_ x: T, _ y: T) -> T? { x < y ? y - x : x - y }
        @inlinable public static var needsChecks: Bool { true }
    }

    public enum Min: OpDeclaration {
        public static let info = OpInfo(.min, "min", arity: 2, smoothness: .kinks(at: "x = y"),
                                        convention: "at a tie each input gets 1/2", rational: true, summary: "the smaller of x and y")
        @inlinable public static func primal<T: ADScalar>(_ x: T, _ y: T, _ n: Int) -> T {
            if !y.isNotNaN { return y }
            return y < x ? y : x
        }
        @inlinable public static func partials<T: ADScalar>(_ x: T, _ y: T, _ n: Int, output z: T) -> (T, T) {
            if x < y { return (1, 0) }
            if y < x { return (0, 1) }
            return (T(0.5), T(0.5))
        }
        @inlinable public static func kinkDistance<T: ADScalar>(_ x: T, _ y: T) -> T? { x < y ? y - x : x - y }
        @inlinable public static var needsChecks: Bool { true }
    }

    public enum Hypot: OpDeclaration {
        public static let info = OpInfo(.hypot, "hypot", arity: 2, smoothness: .kinks(at: "x = y = 0"),
                                        convention: "∇hypot(0, 0) = (0, 0)", summary: "√(x² + y²) without overflow",
                                        entirePieces: false, oneFormulaAcrossKinks: true)
        @inlinable public static func primal<T: ADScalar>(_ x: T, _ y: T, _ n: Int) -> T {
            let a = Abs.primal(x, x, 0), b = Abs.primal(y, y, 0)
            // One comparison splits the pair, so a tie still uses each argument once: max and min
            // both return their first argument at a tie, and a scalar that carries more than its
            // value (the complex step's imaginary part) lost the other's there (hypot(1, 1) gave
            // ∂/∂y = 0). A NaN is taken as the larger, so it propagates (hypot(0, NaN) is NaN).
            let aIsSmaller = a < b || !b.isNotNaN
            let big = aIsSmaller ? b : a, small = aIsSmaller ? a : b
            if big == 0 { return big }
            let t = small / big, p = t * t, u = 1 + p, r = T.sqrt(u)
            // The plain form rounds t, t², 1 + t², the root and the product, and was 1.50 ulps off
            // in Double, 1.73 in Float (HypotPrimalAccuracyTests, against mpmath). The root's
            // rounding, recovered as in `directionCosines`, is added inside one fused
            // multiply-add, so only the last rounding is left. Exact and symbolic scalars keep the
            // plain form; at t = 0 or an infinite b there is nothing to recover (and 0·∞ to avoid).
            guard T.roundsArithmetic, t != 0, big.isFiniteValue else { return big * r }
            return correctedProduct(small, big, t: t, p: p, u: u, r: r)
        }
        /// big·(r + re), rounded once: the primal's corrected value. Not inlined: the primal is
        /// inlined wherever hypot is called, among them asinh's partial inside the reverse sweep's
        /// one loop, and this body there slowed the sweep of every tape: 2.5–3.0 × plain f for
        /// `make bench`'s f, which holds no hypot, against 1.5 out of line (see `accumulateHypot`).
        @inlinable @inline(never)
        static func correctedProduct<T: ADScalar>(_ small: T, _ big: T, t: T, p: T, u: T, r: T) -> T {
            let (_, re) = rootResiduals(small, over: big, t: t, p: p, u: u, r: r)
            return T.fusedMultiplyAdd(big, r, big * re)
        }
        @inlinable public static func partials<T: ADScalar>(_ x: T, _ y: T, _ n: Int, output z: T) -> (T, T) {
            if z == 0 { return (0, 0) }
            // Not x/z and y/z: their derivatives, 1/z − x²/z³ and the like, cancel when one argument
            // dominates, and the Hessian lost every digit (∂²/∂x² of hypot(3000, 1) was 0 in Float
            // for 3.7e-11, hypot(1e8, 1) in Double; a review). With t the smaller over the larger,
            // the larger's partial is ±1/√(1 + t²) and the other's t times it: no subtraction in them
            // or in their derivatives (y²/z³ comes out as a product). An exact or symbolic scalar
            // keeps x/z, y/z: no rounding to avoid, and one form for every sign (a symbolic
            // derivative with no point printed the x > 0 region's |x|/z for x/z; a review).
            guard T.roundsArithmetic else { return (x / z, y / z) }
            let a = Abs.primal(x, x, 0), b = Abs.primal(y, y, 0)
            if b <= a {
                let (c, s) = directionCosines(y, over: x)
                return x < 0 ? (-c, -s) : (c, s)
            }
            let (c, s) = directionCosines(x, over: y)
            return y < 0 ? (-s, -c) : (s, c)
        }
        /// (1/√(1 + t²), t/√(1 + t²)) for t = a/b with |a| ≤ |b|: hypot(b, a)'s partials
        /// (b/z, a/z) for b > 0 (the caller applies b's sign), each within half an ulp where the arguments are normal (0.4998 measured in Double,
        /// 0.4996 in Float against mpmath, HypotPartialsAccuracyTests).
        ///
        /// The plain form rounds t, t², 1 + t², the root, the reciprocal and t·c, and was 2.64
        /// ulps off in Double, 2.44 in Float. Here each step's rounding error is recovered exactly
        /// (fused multiply-add residuals; (1 − u) + p by Fast2Sum, as p = t² ≤ 1) and carried to
        /// first order, which is all that matters at this size. Every intermediate lies in
        /// [0, 2] except t's residual, ulps of a: nothing overflows for |b| up to the largest
        /// finite value. Among subnormal arguments that residual itself rounds, and the error
        /// rises to 0.62 ulp in Double and 0.91 in Float.
        ///
        /// The Hessian differentiates this on duals, so it must not cancel (see `partials`). The
        /// main terms are the plain form; each error term is analytically 0, and its tangent is
        /// rounding noise on tangents of its own size (t·t′ for t²'s residual, not b′), so the
        /// second derivatives move by ulps (HypotHessianTests: worst of 3,000 points 3.0 ε in
        /// Double, 2.6 ε in Float; 3.8 and 3.4 before). At t = 0 the plain form keeps a zero's sign, and at an
        /// infinite b the residual would be 0·∞.
        @inlinable static func directionCosines<T: ADScalar>(_ a: T, over b: T) -> (T, T) {
            let t = a / b, p = t * t, u = 1 + p, r = T.sqrt(u), c = 1 / r
            guard t != 0, b.isFiniteValue else { return (c, t * c) }
            let (te, re) = rootResiduals(a, over: b, t: t, p: p, u: u, r: r)
            let ce = (T.fusedMultiplyAdd(-c, r, 1) - c * re) / r                         // 1/(r + re) = c + ce
            let q = t * c
            return (c + ce, q + (T.fusedMultiplyAdd(t, c, -q) + (t * ce + te * c)))
        }

        /// The rounding errors of t = a/b (a/b = t + te) and of r = √(1 + t²) computed as
        /// p = t·t, u = 1 + p (√(1 + (a/b)²) = r + re), to first order, for |a| ≤ |b|, t ≠ 0 and b
        /// finite: fused multiply-add residuals, and (1 − u) + p by Fast2Sum since p ≤ 1. Shared by
        /// the primal and the partials, so both rest on the same root.
        @inlinable static func rootResiduals<T: ADScalar>(_ a: T, over b: T, t: T, p: T, u: T, r: T) -> (te: T, re: T) {
            let te = T.fusedMultiplyAdd(-t, b, a) / b
            let ue = ((1 - u) + p) + (T.fusedMultiplyAdd(t, t, -p) + 2 * t * te)         // 1 + (a/b)² = u + ue
            return (te, (T.fusedMultiplyAdd(-r, r, u) + ue) / (2 * r))
        }
        /// The ∞-norm distance to the origin: rational-closed, so exact mode can ask it too.
        @inlinable public static func kinkDistance<T: ADScalar>(_ x: T, _ y: T) -> T? {
            Max.primal(Abs.primal(x, x, 0), Abs.primal(y, y, 0), 0)
        }
        @inlinable public static var needsChecks: Bool { true }
    }
}
