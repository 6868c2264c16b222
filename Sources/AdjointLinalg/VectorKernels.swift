import AdjointCore

// Vectorised forms of the common activations (tanh, sigmoid, relu, leaky ReLU) and of their
// registry derivatives, for the matrix path.
//
// Goals, in order: (1) the same numbers as the registry's scalar rules — primals within a few
// ULPs of libm (measured by VectorKernelTests over each op's sample range and its tails),
// derivatives bit-identical to `Rules.partials`; (2) non-finite inputs and extreme tails take the
// registry's scalar path, so NaN/∞ behave exactly as in every other mode; (3) speed: eight lanes
// per step with no libm call, where glibc's tanh costs tens of ns per element.
//
// Float is computed through Double lanes and rounded once at the end: the Double kernels err by
// a few Double ULPs, far below half a Float ULP, so the Float results are libm's to within 1 ULP.

/// Eight Double lanes; on the baseline x86-64 target the compiler lowers each operation to four
/// SSE2 instructions (with AVX enabled, to two or one).
typealias Lanes = SIMD8<Double>

enum VectorMath {
    /// ln 2 split for Cody–Waite reduction: `ln2Hi` has 32 trailing zero bits, so k·ln2Hi is exact
    /// for |k| < 2²⁰ and r = x − k·ln2Hi − k·ln2Lo keeps its digits.
    static let ln2Hi = 6.93147180369123816490e-01
    static let ln2Lo = 1.90821492927058770002e-10
    static let invLn2 = 1.44269504088896338700e+00
    /// 1.5·2⁵²: adding it rounds a double to the nearest integer (in the current rounding mode,
    /// round-to-nearest-even) and leaves that integer in the low mantissa bits. Used instead of
    /// `rounded()`, which needs SSE4.1's `roundpd` and becomes a per-lane libm call on the
    /// baseline target.
    static let shifter = 6755399441055744.0

    /// Largest |x| the fast paths accept: exp(−700) ≈ 10⁻³⁰⁴ is still a normal double, so the
    /// 2ᵏ scaling below needs no subnormal handling. Beyond it (and for NaN/∞) the scalar rule runs.
    static let fastLimit = 700.0

    /// x = k·ln 2 + r with |r| ≤ ½ ln 2: returns 2ᵏ and expm1(r).
    ///
    /// expm1(r) is the Taylor series to r¹³: the first omitted term is below
    /// (½ ln 2)¹⁴/14! ≈ 4·10⁻¹⁸ ≤ |r|·2⁻⁵⁴ for |r| ≥ 0.04 and shrinks faster than |r| below, so
    /// truncation stays under half an ULP of the result; Horner's rounding adds about one ULP.
    @inline(__always)
    static func reduce(_ x: Lanes) -> (scale: Lanes, expm1r: Lanes) {
        let t = x * invLn2 + shifter
        let k = t - shifter
        let r = (x - k * ln2Hi) - k * ln2Lo
        // t's bit pattern is shifter's plus k; shifting it left by 52 leaves k in the exponent field.
        let kBits = unsafeBitCast(t, to: SIMD8<UInt64>.self) &<< 52
        let scale = unsafeBitCast(kBits &+ SIMD8<UInt64>(repeating: 0x3FF0_0000_0000_0000), to: Lanes.self)
        var p = Lanes(repeating: 1.0 / 6227020800)          // 1/13!
        p = p * r + 1.0 / 479001600                          // 1/12!
        p = p * r + 1.0 / 39916800
        p = p * r + 1.0 / 3628800
        p = p * r + 1.0 / 362880
        p = p * r + 1.0 / 40320
        p = p * r + 1.0 / 5040
        p = p * r + 1.0 / 720
        p = p * r + 1.0 / 120
        p = p * r + 1.0 / 24
        p = p * r + 1.0 / 6
        p = p * r + 0.5
        return (scale, r + (r * r) * p)
    }

    /// e^x − 1 for |x| ≤ ``fastLimit``: 2ᵏ·expm1(r) + (2ᵏ − 1), both terms exact but the last sum.
    @inline(__always)
    static func expm1(_ x: Lanes) -> Lanes {
        let (s, q) = reduce(x)
        return s * q + (s - 1)
    }

    /// e^x for |x| ≤ ``fastLimit``.
    @inline(__always)
    static func exp(_ x: Lanes) -> Lanes {
        let (s, q) = reduce(x)
        return s + s * q
    }

    @inline(__always)
    static func magnitude(_ x: Lanes) -> Lanes { x.replacing(with: -x, where: x .< 0) }

    /// tanh x = sign(x) · e/(e + 2) with e = expm1(2|x|): no cancellation near 0 (e ≈ 2|x|), and
    /// |x| is capped at 20, where tanh already rounds to 1 in Double.
    @inline(__always)
    static func tanh(_ x: Lanes) -> Lanes {
        let a = magnitude(x)
        let e = expm1(2 * a.replacing(with: 20, where: a .> 20))
        let t = e / (e + 2)
        return t.replacing(with: -t, where: x .< 0)
    }

    /// σ(x) = 1/(1 + e) for x ≥ 0 and e/(1 + e) for x < 0, with e = e^−|x| ≤ 1: never overflows
    /// (the registry's scalar primal makes the same split).
    @inline(__always)
    static func sigmoid(_ x: Lanes) -> Lanes {
        let e = exp(-magnitude(x))
        let d = 1 + e
        let numerator = Lanes(repeating: 1).replacing(with: e, where: x .< 0)
        return numerator / d
    }
}

/// Registry ops with a vectorised primal and derivative here; every other op runs the scalar rules.
package enum VectorKernels {
    /// Whether `op` has vectorised forms.
    static func supports(_ op: Op) -> Bool {
        switch op {
        case .tanh, .sigmoid, .relu, .leakyRelu: return true
        default: return false
        }
    }

    /// Whether the vectorised path may run now: not while instrumentation is active, because
    /// counters and planted rule mutations (the checkers' self-tests) act through the scalar rules.
    @inline(__always)
    static func enabled(_ op: Op) -> Bool { isOn && supports(op) && !Instrumentation.isActive }

    /// Switch for A/B measurements (`make bench` times both paths in one run); on by default.
    nonisolated(unsafe) package static var isOn = true
}

extension LinalgScalar {
    /// z = op(x) for an op ``VectorKernels`` supports; returns the first index whose output is
    /// NaN/∞ for a finite input, or −1. `z` may be `x`'s own memory (each output reads only its
    /// own input, before writing).
    ///
    /// Every element's value depends on its input alone, never on its position: a partial last
    /// block is padded and computed in lanes like the others, and a lane whose input is NaN, ∞ or
    /// beyond ``VectorMath/fastLimit`` is recomputed by `Rules.primal` without touching its neighbours.
    static func vectorMap(_ op: Op, parameter: Self, _ x: UnsafeBufferPointer<Self>,
                          into z: UnsafeMutableBufferPointer<Self>) -> Int {
        let n = x.count
        switch op {
        case .tanh, .sigmoid:
            var i = 0
            while i < n {
                let width = Swift.min(8, n - i)
                var v = Lanes()
                for j in 0..<width { v[j] = Double(x[i + j]) }
                let r = op == .tanh ? VectorMath.tanh(v) : VectorMath.sigmoid(v)
                // NaN lanes fail the comparison too, so they are recomputed.
                let fast = VectorMath.magnitude(v) .<= VectorMath.fastLimit
                for j in 0..<width {
                    z[i + j] = fast[j] ? Self(r[j]) : Rules.primal(op, x[i + j], parameter, 0)
                }
                i += width
            }
            return -1   // finite inputs give outputs in [−1, 1]
        case .relu:
            // x ≤ 0 ? 0 : x is the registry's relu, NaN included (x ≤ 0 is false for NaN, so NaN
            // passes through) and −0 included (mapped to +0).
            for i in 0..<n {
                let v = x[i]
                z[i] = v <= 0 ? 0 : v
            }
            return -1
        case .leakyRelu:
            var firstBad = -1
            for i in 0..<n {
                let v = x[i]
                let r = v > 0 ? v : parameter * v
                z[i] = r
                // A huge slope can overflow a finite input.
                if _slowPath(!r.isFinite) && firstBad < 0 && v.isFinite { firstBad = i }
            }
            return firstBad
        default:
            var firstBad = -1
            for i in 0..<n {
                let v = x[i]
                let r = Rules.primal(op, v, parameter, 0)
                z[i] = r
                if _slowPath(!r.isFinite) && firstBad < 0 && v.isFinite { firstBad = i }
            }
            return firstBad
        }
    }

    @inline(__always)
    static func magnitudeBelowFastLimit(_ v: Lanes) -> Bool {
        all(VectorMath.magnitude(v) .<= VectorMath.fastLimit)
    }

    /// d = ∂op/∂x · s for an op ``VectorKernels`` supports, the partial written exactly as
    /// `Rules.partials` writes it (VectorKernelTests compares the two bit for bit), in a loop
    /// without calls or switches, which the compiler vectorises.
    static func vectorChain(_ op: Op, parameter: Self, x: UnsafeBufferPointer<Self>, z: UnsafeBufferPointer<Self>,
                            _ s: UnsafeBufferPointer<Self>, into d: UnsafeMutableBufferPointer<Self>) {
        let n = x.count
        switch op {
        case .tanh:
            for i in 0..<n { d[i] = VectorRules.tanhPartial(z[i]) * s[i] }
        case .sigmoid:
            for i in 0..<n { d[i] = VectorRules.sigmoidPartial(z[i]) * s[i] }
        case .relu:
            for i in 0..<n { d[i] = VectorRules.reluPartial(x[i]) * s[i] }
        case .leakyRelu:
            for i in 0..<n { d[i] = VectorRules.leakyReluPartial(x[i], slope: parameter) * s[i] }
        default:
            for i in 0..<n { d[i] = Rules.partials(op, x[i], parameter, 0, output: z[i]).0 * s[i] }
        }
    }
}

/// The registry's partials ∂op/∂x for the vectorised ops, restated branch-free so loops over them
/// vectorise. Each must equal `Rules.partials(op, …).0` bit for bit; VectorKernelTests checks that
/// on every op's sample range, so a change of a registry rule fails the test until this follows.
enum VectorRules {
    /// tanh′ = 1 − z².
    @inline(__always) static func tanhPartial<S: LinalgScalar>(_ z: S) -> S { 1 - z * z }
    /// σ′ = z(1 − z).
    @inline(__always) static func sigmoidPartial<S: LinalgScalar>(_ z: S) -> S { z * (1 - z) }
    /// relu′ = 1 for x > 0, else 0 (the registry's convention at 0).
    @inline(__always) static func reluPartial<S: LinalgScalar>(_ x: S) -> S { x > 0 ? 1 : 0 }
    /// leaky ReLU′ = 1 for x > 0, else the slope.
    @inline(__always) static func leakyReluPartial<S: LinalgScalar>(_ x: S, slope: S) -> S { x > 0 ? 1 : slope }
}
