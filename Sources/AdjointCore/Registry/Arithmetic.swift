// Arithmetic primitives: the field operations, powers and the graph leaves.

/// The built-in primitives' declarations, one enum each (see ``OpDeclaration``).
public enum Builtin {}

extension Builtin {
    /// A function input: a leaf of a recorded graph, no rule.
    public enum Input: OpDeclaration {
        public static let info = OpInfo(.input, "input", arity: 0, rational: true, analytic: true,
                                        summary: "an independent variable")
        @inlinable public static func primal<T: ADScalar>(_ x: T, _ y: T, _ n: Int) -> T { x }
        @inlinable public static func partials<T: ADScalar>(_ x: T, _ y: T, _ n: Int, output z: T) -> (T, T) { (0, 0) }
    }

    /// A literal: a leaf of a recorded graph, no rule.
    public enum Constant: OpDeclaration {
        public static let info = OpInfo(.constant, "constant", arity: 0, rational: true, analytic: true,
                                         summary: "a literal")
        @inlinable public static func primal<T: ADScalar>(_ x: T, _ y: T, _ n: Int) -> T { x }
        @inlinable public static func partials<T: ADScalar>(_ x: T, _ y: T, _ n: Int, output z: T) -> (T, T) { (0, 0) }
    }

    /// A user primitive (``ScalarPrimitive``) on a tape: its declaration is the user's type, found
    /// through the tape's side table, so this entry only marks the node.
    public enum Custom: OpDeclaration {
        public static let info = OpInfo(.custom, "custom", arity: 0, summary: "a user-defined primitive")
        @inlinable public static func primal<T: ADScalar>(_ x: T, _ y: T, _ n: Int) -> T { x }
        @inlinable public static func partials<T: ADScalar>(_ x: T, _ y: T, _ n: Int, output z: T) -> (T, T) { (0, 0) }
    }

    public enum Add: OpDeclaration {
        public static let info = OpInfo(.add, "add", arity: 2, rational: true, analytic: true, summary: "x + y", linearity: .affine)
        @inlinable public static func primal<T: ADScalar>(_ x: T, _ y: T, _ n: Int) -> T { x + y }
        @inlinable public static func partials<T: ADScalar>(_ x: T, _ y: T, _ n: Int, output z: T) -> (T, T) { (1, 1) }
    }

    public enum Sub: OpDeclaration {
        public static let info = OpInfo(.sub, "sub", arity: 2, rational: true, analytic: true, summary: "x − y", linearity: .affine)
        @inlinable public static func primal<T: ADScalar>(_ x: T, _ y: T, _ n: Int) -> T { x - y }
        @inlinable public static func partials<T: ADScalar>(_ x: T, _ y: T, _ n: Int, output z: T) -> (T, T) { (1, -1) }
    }

    public enum Mul: OpDeclaration {
        public static let info = OpInfo(.mul, "mul", arity: 2, rational: true, analytic: true, summary: "x · y", linearity: .affineInEach)
        @inlinable public static func primal<T: ADScalar>(_ x: T, _ y: T, _ n: Int) -> T { x * y }
        @inlinable public static func partials<T: ADScalar>(_ x: T, _ y: T, _ n: Int, output z: T) -> (T, T) { (y, x) }
    }

    /// x / y. Its chain-rule products are written out (``OpDeclaration/vjp(_:_:_:output:cotangent:)``)
    /// because ∂z/∂y = −z/y underflows where the product with a (co)tangent does not: a tiny
    /// quotient of a huge divisor feeding a huge multiplier (found by `make fuzz`: ∂f/∂y came
    /// out 0 in both modes where the complex step gave 1.7e87).
    public enum Div: OpDeclaration {
        public static let info = OpInfo(.div, "div", arity: 2, domain: "y ≠ 0", rational: true, analytic: true,
                                        sample: [-3...3, 0.5...3], summary: "x / y", linearity: .affineInFirst)
        @inlinable public static func primal<T: ADScalar>(_ x: T, _ y: T, _ n: Int) -> T { x / y }
        public static let ordersProducts = true
        @inlinable public static func partials<T: ADScalar>(_ x: T, _ y: T, _ n: Int, output z: T) -> (T, T) {
            let r = 1 / y
            return (r, -z * r)
        }
        /// (g/y, −g·z/y): the partials times g, each divided by y directly (1/y overflows for a
        /// subnormal y) and the second ordered by ``scaled(_:by:over:)`` so that it is not lost
        /// while −z/y alone underflows.
        @inlinable @inline(__always)
        public static func vjp<T: ADScalar>(_ x: T, _ y: T, _ n: Int, output z: T, cotangent g: T) -> (T, T) {
            // g/y is both the first product and, when normal, the factor of the second: the
            // common case costs one division and one multiplication.
            let q = g / y
            return (q, -scaled(z, by: g, over: y, quotient: q))
        }
        /// dx/y − z·dy/y, the second term ordered by ``scaled(_:by:over:)``.
        @inlinable @inline(__always)
        public static func jvp<T: ADScalar, V: TangentVector>(_ x: T, _ y: T, _ n: Int, output z: T,
                                                             tangents dx: V, _ dy: V) -> V where V.Scalar == T {
            dx / y + scaled(dy, by: -z, over: y)
        }

        /// a·v/y for scalars a, y and a (co)tangent v, in an order whose intermediate neither
        /// underflows nor overflows when the result is representable.
        ///
        /// The plain order (a/y)·v rounds twice and loses nothing to the range whenever a/y is a
        /// normal number. When a/y is not (it underflowed, |a| ≪ |y|, or overflowed, |a| ≫ |y|), v must
        /// be far from 1 for the result to be representable, and one of the factors a and 1/y
        /// is applied to v first: after an underflow the smaller one, which the large v can
        /// absorb, after an overflow the larger one, which the small v can absorb. The other
        /// factor then brings the intermediate to the result, so neither step leaves the range
        /// (up to subnormal a or y, where no order keeps all bits). |a| against |1/y| is read
        /// from a·y against ±1, since 1/y itself overflows for a subnormal y; a·y may round to 0
        /// or ∞ and still compares the right way. Exact scalars (``ADScalar/isNormalValue`` is
        /// always true for them) take the plain order and never branch on magnitudes.
        ///
        /// ```swift
        /// Builtin.Div.scaled(1e200, by: -1e-199, over: 1e197)   // −1e-196 (−1e-199/1e197 is 0)
        /// ```
        @inlinable @inline(__always)
        public static func scaled<T: ADScalar, V: TangentVector>(_ v: V, by a: T, over y: T) -> V where V.Scalar == T {
            scaled(v, by: a, over: y, quotient: a / y)
        }

        /// ``scaled(_:by:over:)`` with a/y already computed as `c`.
        @inlinable @inline(__always)
        static func scaled<T: ADScalar, V: TangentVector>(_ v: V, by a: T, over y: T, quotient c: T) -> V where V.Scalar == T {
            // a = 0 (x = 0 or a zero cotangent) gives an exact 0 quotient: nothing was lost.
            if _fastPath(c.isNormalValue || a == 0) { return c * v }
            return scaledOutOfRange(v, by: a, over: y, quotient: c)
        }

        /// ``scaled(_:by:over:)`` after a/y left the normal range; out of line, so the common
        /// case stays small where it is inlined.
        @inlinable @inline(never)
        static func scaledOutOfRange<T: ADScalar, V: TangentVector>(_ v: V, by a: T, over y: T,
                                                                   quotient c: T) -> V where V.Scalar == T {
            // y = 0 is a domain error (reported where the op is applied) and a non-finite a or y
            // has no order to fix: the plain product, as before.
            guard y != 0, a.isFiniteValue, y.isFiniteValue else { return c * v }
            let ay = a * y
            let aIsSmaller = ay > -1 && ay < 1                 // |a| < |1/y|
            let aFirst = c.isFiniteValue ? aIsSmaller : !aIsSmaller
            return aFirst ? (a * v) / y : a * (v / y)
        }
        @inlinable public static func domainViolation<T: ADScalar>(_ x: T, _ y: T, _ n: Int) -> String? {
            y == 0 ? "division by zero" : nil
        }
        @inlinable public static var needsChecks: Bool { true }
    }

    public enum Neg: OpDeclaration {
        public static let info = OpInfo(.neg, "neg", rational: true, analytic: true, summary: "−x", linearity: .affine)
        @inlinable public static func primal<T: ADScalar>(_ x: T, _ y: T, _ n: Int) -> T { -x }
        @inlinable public static func partials<T: ADScalar>(_ x: T, _ y: T, _ n: Int, output z: T) -> (T, T) { (-1, 0) }
    }

    /// x^n for an integer n stored with the node (not an input).
    public enum Powi: OpDeclaration {
        public static let info = OpInfo(.powi, "powi", domain: "x ≠ 0 when n < 0", rational: true, analytic: true,
                                         sample: [0.25...3], attribute: "n", summary: "x^n, n an integer constant")
        @inlinable public static func primal<T: ADScalar>(_ x: T, _ y: T, _ n: Int) -> T { Rules.native(.powi, x, x, n) }
        @inlinable public static func partials<T: ADScalar>(_ x: T, _ y: T, _ n: Int, output z: T) -> (T, T) {
            if n == 0 { return (0, 0) }
            // n − 1 does not exist in Int for n = Int.min (it trapped forward, exact and Hessian
            // modes); report the exponent as out of range, as a tape does for one past 32 bits.
            if _slowPath(n == .min) { return (exponentOutOfRange(n), 0) }
            let q = T.powi(x, n - 1)
            if _fastPath(q.isNormalValue) || x == 0 { return (T(n) * q, 0) }
            return (subnormalPowerTimesExponent(x, n), 0)
        }
        /// n·x^(n−1) where x^(n−1) is subnormal or 0 but n·x^(n−1) may be normal: the subnormal
        /// keeps only some of its bits, and n then scales the loss up into a normal partial
        /// (101·x¹⁰⁰ at x = 0.40075 in Float was 48 ulps off, 1001·x¹⁰⁰⁰ at 0.911 248; Float80
        /// reference). n goes between two half powers, each normal where the result is, so only
        /// the last product rounds into the subnormals, if anything does.
        @usableFromInline @inline(never)
        static func subnormalPowerTimesExponent<T: ADScalar>(_ x: T, _ n: Int) -> T {
            let k = n - 1, half = k / 2
            return T.powi(x, k - half) * (T.powi(x, half) * T(n))
        }
        /// Reports an exponent whose n − 1 overflows Int and returns NaN for the partial.
        @usableFromInline @inline(never)
        static func exponentOutOfRange<T: ADScalar>(_ n: Int) -> T {
            Diagnostics.report(.limitExceeded(what: "integer exponent \(n) in the derivative of x^n (n − 1 must be an Int; use pow)",
                                              limit: Int.max))
            return T(Double.nan)
        }
        /// n·x^(n−1)·g. The partial alone leaves the range where its product with a cotangent
        /// does not: 1e300·x³ at x = 1e-200 has ∂ = 3e-100, but 3x² = 3e-400 is 0 in Double. Where
        /// the partial is not a normal number the cotangent is folded in between two half powers.
        ///
        /// ```swift
        /// Builtin.Powi.vjp(1e-200, 1e-200, 3, output: 0, cotangent: 1e300).0   // 3e-100
        /// ```
        public static let ordersProducts = true
        @inlinable public static func vjp<T: ADScalar>(_ x: T, _ y: T, _ n: Int, output z: T, cotangent g: T) -> (T, T) {
            // 0·g, not 0: the same bits as the partials' product (−0 for a negative g).
            (times(x, n, g), 0 * g)
        }
        /// n·x^(n−1)·dx, folded like ``vjp(_:_:_:output:cotangent:)``; `dy` only adds 0·dy, as the
        /// partials' product does (so the signs of zeros agree).
        @inlinable public static func jvp<T: ADScalar, V: TangentVector>(_ x: T, _ y: T, _ n: Int, output z: T,
                                                                         tangents dx: V, _ dy: V) -> V where V.Scalar == T {
            times(x, n, dx) + T(0) * dy
        }
        @inlinable static func times<T: ADScalar, V: TangentVector>(_ x: T, _ n: Int, _ g: V) -> V where V.Scalar == T {
            let p = partials(x, x, n, output: x).0
            // n = Int.min has a NaN partial, already reported; k = n − 1 below would trap.
            if _fastPath(p.isNormalValue) || n == 0 || x == 0 || n == .min { return p * g }
            let k = n - 1, half = k / 2
            return T(n) * (T.powi(x, k - half) * (T.powi(x, half) * g))
        }
        @inlinable public static func domainViolation<T: ADScalar>(_ x: T, _ y: T, _ n: Int) -> String? {
            (n < 0 && x == 0) ? "zero raised to a negative power" : nil
        }
        @inlinable public static var needsChecks: Bool { true }
    }

    /// x^y with both inputs real.
    public enum Pow: OpDeclaration {
        public static let info = OpInfo(.pow, "pow", arity: 2, domain: "x > 0, or x = 0 with y > 0",
                                        smoothness: .singular(at: "x = 0 with y < 1"),
                                        convention: "∂x at a zero base with 0 < y < 1 is +∞ (reported as a singular point)",
                                        analytic: true, sample: [0.2...3, -2...2], summary: "x^y for real y (x > 0)",
                                        // ∂x is the partial infinite at a zero base; ∂y = x^y·log x
                                        // has the limit 0 there, which the rule takes.
                                        kinkArguments: [0])
        @inlinable public static func primal<T: ADScalar>(_ x: T, _ y: T, _ n: Int) -> T { Rules.native(.pow, x, y, 0) }
        @inlinable public static func partials<T: ADScalar>(_ x: T, _ y: T, _ n: Int, output z: T) -> (T, T) {
            // ∂y = z·log x; at x = 0 (allowed for y > 0) z = 0 and the limit is 0, not 0·(−∞).
            // Where z underflows, x^(y−1)·(x·log x): the same value (0 or subnormal), and its own
            // derivative keeps the term x^(y−1) that z·log x loses with z (a Hessian of x^y at
            // (1e-300, 2) had ∂²/∂y∂x 7e-4 off its mirror; a review).
            //
            // For a base above 1, x^(y−1) is below z and underflowed to 0 where z·log x is normal
            // (∂y of x^y at (5.4e17, −2.16) in Float, z = 4.6e-39 subnormal, came out 0 for
            // 1.9e-37); there z is taken as two half powers, x^(y/2)·(x^(y/2)·log x), each
            // about √z and normal.
            let dy: T
            if x == 0 { dy = 0 } else if z.isNormalValue || !z.isFiniteValue { dy = z * T.log(x) } else if x > 1 {
                let h = T.pow(x, y * T(0.5))
                dy = h * (h * T.log(x))
            } else {
                dy = T.pow(x, y - 1) * (x * T.log(x))
            }
            // ∂x at a zero base with y = 1 is the limit 1 of x⁰, not the real pow's 0⁰ = NaN.
            if x == 0 && y == 1 {
                // Its own derivative along y, x^(y−1)(1 + y·ln x), is −∞ there, and so is ∂y's along
                // x: the Hessian does not exist. A scalar whose partials are differentiated again
                // (a Hessian's duals) differentiated the constant 1 to 0 and gave [[0, 1], [0, 0]]
                // at (0, 1), finite and asymmetric, with no error (a review). There each partial
                // gets an infinite slope by a root at 0 (value 0, slope +∞; a zero tangent still
                // gives 0), and the reason is reported for the Hessian to name.
                if T.interpretsRegistryOps && T.roundsArithmetic {
                    reportUnboundedMixedPartial()
                    return (y - T.sqrt(y - 1), -T.sqrt(x))
                }
                return (y, dy)
            }
            return (y * powerBelow(x, y), dy)
        }
        /// x^(y−1) with the rounding of y − 1 taken into account. y − 1 rounds (in Float, 0.3 − 1
        /// needs a bit more than −0.7 has), and x^(y−1) moves by that error times log x, up to 88
        /// in Float and 709 in Double: ∂x of x^y at (1.23e28, −0.3) in Float was 63 ulps off
        /// (Float80 reference). With s = y − 1 and its exact error se (Fast2Sum, the larger of |y|
        /// and 1 first), x^(y−1) = x^s·x^se ≈ x^s·(1 + se·log x); se is 0 for most exponents in
        /// use (integers, halves), and then nothing else is computed.
        @inlinable @inline(__always)
        static func powerBelow<T: ADScalar>(_ x: T, _ y: T) -> T {
            let s = y - 1, q = T.pow(x, s)
            guard T.roundsArithmetic, x > 0, y.isFiniteValue else { return q }
            let se = (y < 1 && y > -1) ? y - (s + 1) : (y - s) - 1
            if _fastPath(se == 0) { return q }
            return T.fusedMultiplyAdd(q, se * T.log(x), q)
        }
        /// Reports that x^y's second derivatives are unbounded at x = 0, y = 1.
        @usableFromInline @inline(never)
        static func reportUnboundedMixedPartial() {
            Diagnostics.report(.nonFinite(what: "second derivative ∂²(x^y)/∂x∂y = x^(y−1)·(1 + y·ln x), unbounded as x → 0 at y = 1",
                                          op: "pow", node: nil))
        }
        /// ∂x = y·x^(y−1) is +∞ at a zero base for 0 < y < 1, and overflows near it.
        @inlinable public static var partialsCanBeInfinite: Bool { true }
        /// The distance of the base from 0 where ∂x is unbounded there (y < 1; for y ≤ 0 a zero
        /// base is outside the domain, reported as such first), so a zero base is reported as √ at
        /// 0 is: forward mode's 0 from a zero tangent there can stand for an infinite slope
        /// ((x²)^¼ at 0 is |x|^½), and the report keeps it from passing silently. Differences stay
        /// within a quarter of it, as at any kink.
        @inlinable public static func kinkDistance<T: ADScalar>(_ x: T, _ y: T) -> T? {
            guard y < 1 else { return nil }
            return x < 0 ? -x : x
        }
        @inlinable public static func domainViolation<T: ADScalar>(_ x: T, _ y: T, _ n: Int) -> String? {
            if x > 0 || (x == 0 && y > 0) { return nil }
            return x == 0 ? "zero raised to a non-positive real power"
                          : "negative base with a real exponent (use an integer power)"
        }
        @inlinable public static var needsChecks: Bool { true }
    }

    public enum Square: OpDeclaration {
        public static let info = OpInfo(.square, "square", rational: true, analytic: true, summary: "x²")
        /// Through ``ADScalar/native(_:_:_:_:)``, as powi's: a scalar with a size limit (Rational)
        /// refuses a square past it under this op's name; as `x * x` the product reported it "in mul".
        @inlinable public static func primal<T: ADScalar>(_ x: T, _ y: T, _ n: Int) -> T { Rules.native(.square, x, x, 2) }
        @inlinable public static func partials<T: ADScalar>(_ x: T, _ y: T, _ n: Int, output z: T) -> (T, T) { (2 * x, 0) }
    }
}
