import RealModule

/// Primal definitions of the composite primitives, written once over any ``ADScalar``.
///
/// Base scalars (Double, Float, complex, rational) use these as their implementation of the
/// corresponding requirement; derived scalars (``Dual``, ``Reverse``) never call them directly:
/// they compute the primal on their value type and take the derivative from ``Rules``, so a
/// stable primal never turns into an unstable derivative by differentiating through its parts.
public enum Primals {
    /// σ(x) = 1/(1 + e^−x), evaluated so that e^|x| never overflows: for x < 0 use e^x/(1 + e^x).
    @inlinable public static func sigmoid<T: ADScalar>(_ x: T) -> T {
        if x >= 0 { return 1 / (1 + T.exp(-x)) }
        let e = T.exp(x)
        return e / (1 + e)
    }

    /// softplus(x) = log(1 + e^x) = max(x, 0) + log1p(e^−|x|): no overflow for large x, no
    /// loss of the tiny tail for very negative x.
    @inlinable public static func softplus<T: ADScalar>(_ x: T) -> T {
        let a = x < 0 ? -x : x
        return relu(x) + T.log1p(T.exp(-a))
    }

    /// max(x, 0), with NaN passed through rather than clamped to 0 (a NaN must stay visible).
    @inlinable public static func relu<T: ADScalar>(_ x: T) -> T {
        if x > 0 { return x }
        return x.isNotNaN ? 0 : x
    }

    /// x for x > 0, slope·x otherwise.
    @inlinable public static func leakyRelu<T: ADScalar>(_ x: T, slope: T) -> T {
        x > 0 ? x : slope * x
    }

    /// α·(e^x − 1) for x ≤ 0 through expm1, so small negative x keeps its digits.
    @inlinable public static func elu<T: ADScalar>(_ x: T, alpha: T) -> T {
        x > 0 ? x : alpha * T.expm1(x)
    }

    /// x·σ(x) (SiLU).
    @inlinable public static func swish<T: ADScalar>(_ x: T) -> T { x * sigmoid(x) }

    /// GELU in its exact form x·Φ(x) (not the tanh approximation), evaluated as x/2 · erfc(−x/√2):
    /// the textbook x/2 · (1 + erf(x/√2)) cancels for negative x and loses up to half the digits
    /// by x = −3. Needs erfc, so only real floating-point types have this primal.
    @inlinable public static func gelu<T: ADScalar & Real>(_ x: T) -> T {
        x * T(0.5) * T.erfc(-x * T(0.5.squareRoot()))
    }

    /// x·x, exact over the rationals.
    @inlinable public static func square<T: ADScalar>(_ x: T) -> T { x * x }

    /// |x|; a NaN stays NaN.
    @inlinable public static func abs<T: ADScalar>(_ x: T) -> T { x < 0 ? -x : x }

    /// Larger input; a NaN in either wins so it cannot be hidden by the comparison.
    @inlinable public static func max<T: ADScalar>(_ x: T, _ y: T) -> T {
        if !y.isNotNaN { return y }
        return y > x ? y : x
    }

    /// Smaller input; a NaN in either wins, as for ``max(_:_:)``.
    @inlinable public static func min<T: ADScalar>(_ x: T, _ y: T) -> T {
        if !y.isNotNaN { return y }
        return y < x ? y : x
    }

    /// x^n by binary powering: exact over the rationals, and correct for negative bases in
    /// complex-step mode where exp(n·log z) is not.
    @inlinable public static func powiByMultiplication<T: ADScalar>(_ x: T, _ n: Int) -> T {
        var result: T = 1
        var base = x
        var k = n.magnitude
        while k > 0 {
            if k & 1 == 1 { result = result * base }
            k >>= 1
            if k > 0 { base = base * base }
        }
        return n < 0 ? 1 / result : result
    }

    /// √(x² + y²) scaled by the larger magnitude so squares cannot overflow or underflow.
    @inlinable public static func hypot<T: ADScalar>(_ x: T, _ y: T) -> T {
        let a = abs(x), b = abs(y)
        let big = max(a, b), small = min(a, b)
        if big == 0 { return big }
        let r = small / big
        return big * T.sqrt(1 + r * r)
    }
}
