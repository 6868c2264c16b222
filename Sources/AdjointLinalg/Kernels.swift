import CAdjointVectorMath
import AdjointCore

/// How a sum or mean reduces a rows×cols matrix.
///
/// ```swift
/// try tape.sum(x, .perColumn)   // 1×cols: one sum per column (over the rows, e.g. over a batch)
/// ```
public enum Reduction: Sendable, Hashable {
    /// Everything to a 1×1 matrix.
    case all
    /// One value per column: a 1×cols row (reduces over the rows).
    case perColumn
    /// One value per row: a rows×1 column (reduces over the columns).
    case perRow
}

/// The row-wise products of the softmax family, with p the row softmax and s the incoming
/// tangent or cotangent (⟨a, b⟩_r is the dot product of row r of a and b).
///
/// ```swift
/// // d = p ⊙ (s − ⟨p, s⟩_r): both the JVP and the VJP of softmax (its Jacobian is symmetric).
/// RowChain.softmax
/// ```
public enum RowChain: Sendable {
    /// d = p ⊙ (s − ⟨p, s⟩_r); s and d rows×cols.
    case softmax
    /// d = s − ⟨p, s⟩_r (JVP of log-softmax); s and d rows×cols.
    case logSoftmax
    /// d = s − p · Σ_c s[r, c] (VJP of log-softmax); s and d rows×cols.
    case logSoftmaxTranspose
    /// d[r] = ⟨p, s⟩_r (JVP of log-sum-exp); s rows×cols, d rows×1.
    case logSumExp
    /// d[r, c] = p[r, c] · s[r] (VJP of log-sum-exp); s rows×1, d rows×cols.
    case logSumExpTranspose
}

/// Which chain-rule product an elementwise op's kernel forms: forward mode's partial · tangent
/// or reverse mode's cotangent · partial. The two differ only where the registry says they may
/// (``Rules/partialsCanBeInfinite(_:)``, ``Rules/ordersProducts(_:)``); elsewhere both are the
/// plain product, with the same bits.
///
/// ```swift
/// ChainDirection.tangent    // JVP: a zero tangent gives 0 even at √′(0) = +∞
/// ```
public enum ChainDirection: Sendable {
    /// Forward mode, as `Dual` forms it: ``Rules/product(_:_:_:)`` (a zero tangent moves nothing,
    /// so it gives 0 at an infinite partial) and, for ops that order their products (powi),
    /// ``Rules/jvp(_:_:_:_:output:tangents:_:)``.
    case tangent
    /// Reverse mode, as the scalar tape's sweep forms it: the plain product (a cotangent of 0 can
    /// stand on a path that exists, where 0·∞ is indeterminate; the matrix tape masks only the
    /// elements no seed reaches, as the scalar sweep does) and, for ops that order their products,
    /// ``Rules/vjp(_:_:_:_:output:cotangent:)``.
    case cotangent
}

/// The losses that are a sum of one term per element, ℓ(x, t), with x the prediction and t the target.
///
/// ```swift
/// ElementwiseLoss.mse   // ℓ = (x − t)²
/// ```
public enum ElementwiseLoss: Sendable, Hashable {
    /// ℓ = (x − t)².
    case mse
    /// ℓ = |x − t| (registry `abs`, so ∂ℓ/∂x at x = t follows abs′(0) = 0).
    case mae
    /// ℓ = ½d² for |d| ≤ δ, δ(|d| − ½δ) beyond, d = x − t; δ is the parameter.
    case huber
    /// ℓ = log cosh(x − t), evaluated as log1p(2 sinh²(d/2)) (|d| − log 2 beyond |d| = 20), so
    /// cosh never overflows and small residuals keep their relative accuracy.
    case logCosh
    /// ℓ = t(log t − x) with x = log q a log-probability and t a probability (0 when t = 0).
    case klDivergence
    /// ℓ = softplus(x) − x·t: binary cross-entropy of the logit x against the label t ∈ [0, 1],
    /// without forming σ(x), so no log of 0. Evaluated as (relu(x) − t·x) + log1p(e^−|x|) and
    /// its slope as (1 − t) − σ(−x) for x ≥ 0, so a confident, correct logit keeps its tiny
    /// loss and slope (4.2e-18 at x = 40, t = 1) instead of cancelling to 0.
    case binaryCrossEntropyWithLogits
}

/// What the kernels' sums (reductions, losses, softmax normalisers, dot products) accumulate in.
///
/// Double for both scalar types: a Float running sum rounds each addition to ulp(sum), so over n
/// terms its error grows like n·ε (the MSE of 10⁶ Floats in [0, 1] was 3.8·10⁻⁴ off, relative,
/// some 6,000 ULPs); in Double it is one rounding to Float at the end. For Double nothing changes.
typealias Accumulator = Double

// One implementation per kernel, specialised for Double and Float by their conformances.
// Every scalar derivative used here comes from `Rules.partials`; the only formulas written here
// are the matrix-level chain rules (sums, broadcasts, softmax rows) and the losses.
extension LinalgScalar {
    /// The single implementation of ``LinalgScalar/kernelMap``, specialised per conforming type.
    public static func kernelMap(_ access: LinalgKernelAccess, _ op: Op, exponent: Int, parameter: Self, node: Int?,
                                 _ x: UnsafeBufferPointer<Self>, into z: UnsafeMutableBufferPointer<Self>) -> Int {
        var firstBad = -1
        if Rules.needsChecks(op) {
            // A separate pass, so the common smooth ops (tanh, sigmoid, …) keep a check-free loop.
            for i in 0..<x.count where Rules.isKink(op, x[i], parameter) {
                Diagnostics.reportKink(op, node: node, inputs: [x[i].approximateDouble])
            }
        }
        if VectorKernels.enabled(op) { return vectorMap(op, parameter: parameter, x, into: z) }
        for i in 0..<x.count {
            // Read before writing: z may be x's own memory (the fused bias + activation).
            let xi = x[i]
            let v = Rules.primal(op, xi, parameter, exponent)
            z[i] = v
            // A finite input mapped to NaN/inf is a domain error or overflow; a non-finite input
            // is passed through: it is its producer's to report. Elementwise ops and losses do;
            // a matmul or add_bias that overflows does not (nor does a scalar mode's product), so
            // tanh or σ of such an ∞ saturates to a finite value without a word.
            if _slowPath(!v.isFinite) && firstBad < 0 && xi.isFinite { firstBad = i }
        }
        return firstBad
    }

    /// The single implementation of ``LinalgScalar/kernelChain``, specialised per conforming type.
    public static func kernelChain(_ access: LinalgKernelAccess, _ op: Op, _ direction: ChainDirection, exponent: Int, parameter: Self,
                                   x: UnsafeBufferPointer<Self>, z: UnsafeBufferPointer<Self>, _ s: UnsafeBufferPointer<Self>,
                                   into d: UnsafeMutableBufferPointer<Self>) {
        if VectorKernels.enabled(op) {
            // tanh, sigmoid, relu, leaky ReLU, swish, ELU, softplus, GELU: partials finite wherever the
            // primal is (α or a slope of ±∞/NaN makes the primal non-finite first, and that is
            // reported), so plain products in both directions.
            vectorChain(op, parameter: parameter, x: x, z: z, s, into: d)
            return
        }
        if Rules.ordersProducts(op) {
            // The declaration's product with the (co)tangent, as Tape and Dual call it: powi's
            // n·x^(n−1) leaves the range where its product does not (1e300·x³ at x = 1e-200 had
            // gradient 0 for 3e-100, and x⁻³·1e-300 at 1e-100 an ∞ for −3e100; a review).
            for i in 0..<x.count {
                let xi = x[i]
                switch direction {
                case .tangent: d[i] = Rules.jvp(op, xi, xi, exponent, output: z[i], tangents: s[i], s[i])
                case .cotangent: d[i] = Rules.vjp(op, xi, xi, exponent, output: z[i], cotangent: s[i]).0
                }
            }
            return
        }
        if direction == .tangent && Rules.partialsCanBeInfinite(op) {
            // √′(0) = +∞ meets the zero tangent of an element the direction does not move:
            // ∞·0 = NaN hid the finite derivative of the rest (sum(√relu(x)) at x = (−1, 4) along
            // (1, 1) gave NaN for 0.25, the scalar jvp's; a review). Rules.product is the scalar
            // forward mode's product: 0 for a zero tangent.
            for i in 0..<x.count {
                let (p, _) = Rules.partials(op, x[i], parameter, exponent, output: z[i])
                d[i] = Rules.product(op, p, s[i])
            }
            return
        }
        for i in 0..<x.count {
            let (p, _) = Rules.partials(op, x[i], parameter, exponent, output: z[i])
            d[i] = p * s[i]
        }
    }

    /// The single implementation of ``LinalgScalar/kernelAxpy``, specialised per conforming type.
    public static func kernelAxpy(_ access: LinalgKernelAccess, _ a: UnsafeBufferPointer<Self>, _ alpha: Self, _ b: UnsafeBufferPointer<Self>,
                                  into z: UnsafeMutableBufferPointer<Self>) {
        for i in 0..<a.count { z[i] = a[i] + alpha * b[i] }
    }

    /// The single implementation of ``LinalgScalar/kernelAddRow``, specialised per conforming type.
    public static func kernelAddRow(_ access: LinalgKernelAccess, _ x: UnsafeBufferPointer<Self>, _ b: UnsafeBufferPointer<Self>, cols: Int,
                                    into z: UnsafeMutableBufferPointer<Self>) {
        // The shapes the callers validated, checked in debug builds as the buffers' subscripts were.
        assert(cols == 0 || (x.count % cols == 0 && b.count >= cols && z.count >= x.count))
        guard cols > 0, let xp = x.baseAddress, let bp = b.baseAddress, let zp = z.baseAddress else { return }
        // Through row pointers: indexing by base + c kept an overflow check in the loop, which
        // stayed scalar (0.7 ns per element, 2.8% of the depth-8 f32 training step).
        var base = 0
        while base < x.count {
            let xr = xp + base, zr = zp + base
            for c in 0..<cols { zr[c] = xr[c] + bp[c] }
            base += cols
        }
    }

    /// The single implementation of ``LinalgScalar/kernelReduce``, specialised per conforming type.
    public static func kernelReduce(_ access: LinalgKernelAccess, _ x: UnsafeBufferPointer<Self>, rows: Int, cols: Int, _ how: Reduction,
                                    scale: Double, into z: UnsafeMutableBufferPointer<Self>) {
        // Sums accumulate in Double (see ``Accumulator``) and are scaled there, rounding to Self
        // once: rounded first, the sum of a Float mean of [3e38, 3e38] was 6e38 = +∞ before the
        // ½ could bring it back to 3e38 (a review). For Double nothing changes (the same product).
        switch how {
        case .all:
            var s: Accumulator = 0
            for i in 0..<x.count { s += Accumulator(x[i]) }
            z[0] = Self(s * scale)
        case .perColumn:
            withUnsafeTemporaryAllocation(of: Accumulator.self, capacity: cols) { acc in
                for c in 0..<cols { acc[c] = 0 }
                // Row by row through a row pointer (each column still sums its rows in order):
                // indexing by r·cols + c kept overflow checks that held the loop scalar.
                assert(x.count >= rows * cols)
                if let xr = UnsafeRawPointer(x.baseAddress), let ap = acc.baseAddress, Self.self == Float.self || Self.self == Double.self {
                    // The same sums in the same order, in the vectorised C loop.
                    if Self.self == Float.self {
                        adjoint_column_sums_f32(xr.assumingMemoryBound(to: Float.self), rows, cols, ap)
                    } else {
                        adjoint_column_sums_f64(xr.assumingMemoryBound(to: Double.self), rows, cols, ap)
                    }
                } else if let xp = x.baseAddress, let ap = acc.baseAddress {
                    for r in 0..<rows {
                        let xr = xp + r * cols
                        for c in 0..<cols { ap[c] += Accumulator(xr[c]) }
                    }
                }
                for c in 0..<cols { z[c] = Self(acc[c] * scale) }
            }
        case .perRow:
            for r in 0..<rows {
                var s: Accumulator = 0
                for c in 0..<cols { s += Accumulator(x[r * cols + c]) }
                z[r] = Self(s * scale)
            }
        }
    }

    /// The single implementation of ``LinalgScalar/kernelBroadcast``, specialised per conforming type.
    public static func kernelBroadcast(_ access: LinalgKernelAccess, _ g: UnsafeBufferPointer<Self>, rows: Int, cols: Int, _ how: Reduction,
                                       scale: Self, into z: UnsafeMutableBufferPointer<Self>) {
        // Row pointers, as in kernelAddRow: r·cols + c kept an overflow check per element.
        assert(z.count >= rows * cols && g.count >= (how == .all ? 1 : how == .perColumn ? cols : rows))
        guard rows > 0, cols > 0, let gp = g.baseAddress, let zp = z.baseAddress else { return }
        for r in 0..<rows {
            let zr = zp + r * cols
            switch how {
            case .all: for c in 0..<cols { zr[c] = gp[0] * scale }
            case .perColumn: for c in 0..<cols { zr[c] = gp[c] * scale }
            case .perRow: for c in 0..<cols { zr[c] = gp[r] * scale }
            }
        }
    }

    /// The single implementation of ``LinalgScalar/kernelSoftmax``, specialised per conforming type.
    public static func kernelSoftmax(_ access: LinalgKernelAccess, _ x: UnsafeBufferPointer<Self>, rows: Int, cols: Int,
                                     lse: UnsafeMutableBufferPointer<Self>, p: UnsafeMutableBufferPointer<Self>) {
        for r in 0..<rows {
            let row = r * cols
            // Subtracting the row maximum keeps every exponent ≤ 0: no overflow, and the largest
            // term is exactly 1, so the log of the sum cannot underflow to −∞.
            var m = x[row]
            for c in 1..<Swift.max(cols, 1) where x[row + c] > m { m = x[row + c] }
            // A row of −∞ only (every class masked) has no finite maximum: shift by 0 instead, so
            // log-sum-exp is log 0 = −∞ (it was −∞ − (−∞) = NaN) and the softmax 0/0 = NaN.
            if m == -Self.infinity { m = 0 }
            var s: Accumulator = 0
            for c in 0..<cols {
                let e = Self.exp(x[row + c] - m)
                p[row + c] = e
                s += Accumulator(e)
            }
            let inv = 1 / Self(s)
            for c in 0..<cols { p[row + c] *= inv }
            lse[r] = m + Self.log(Self(s))
        }
    }

    /// The single implementation of ``LinalgScalar/kernelRowChain``, specialised per conforming type.
    public static func kernelRowChain(_ access: LinalgKernelAccess, _ form: RowChain, p: UnsafeBufferPointer<Self>, _ s: UnsafeBufferPointer<Self>,
                                      rows: Int, cols: Int, into d: UnsafeMutableBufferPointer<Self>) {
        // Row pointers, as in kernelAddRow: row + c kept an overflow check per element, so even
        // the elementwise loops stayed scalar. The sums keep their order (they stay sequential).
        if cols == 0, form == .logSumExp {
            for r in 0..<rows { d[r] = 0 }   // the empty sum (callers refuse such rows before this)
        }
        assert(p.count >= rows * cols && d.count >= rows && s.count >= rows)
        guard rows > 0, cols > 0, let pp = p.baseAddress, let sp = s.baseAddress, let dp = d.baseAddress else { return }
        for r in 0..<rows {
            let row = r * cols
            // d is rows×1 for logSumExp: its row pointer is made only where d is rows×cols.
            let pr = pp + row
            switch form {
            case .softmax, .logSoftmax, .logSumExp:
                let sr = sp + row
                var sum: Accumulator = 0
                for c in 0..<cols { sum += Accumulator(pr[c] * sr[c]) }
                let dot = Self(sum)
                if form == .logSumExp { dp[r] = dot; continue }
                let dr = dp + row
                if form == .softmax {
                    for c in 0..<cols { dr[c] = pr[c] * (sr[c] - dot) }
                } else {
                    for c in 0..<cols { dr[c] = sr[c] - dot }
                }
            case .logSoftmaxTranspose:
                let sr = sp + row
                var sum: Accumulator = 0
                for c in 0..<cols { sum += Accumulator(sr[c]) }
                let total = Self(sum)
                let dr = dp + row
                for c in 0..<cols { dr[c] = sr[c] - pr[c] * total }
            case .logSumExpTranspose:
                let sv = sp[r], dr = dp + row
                for c in 0..<cols { dr[c] = pr[c] * sv }
            }
        }
    }

    /// The single implementation of ``LinalgScalar/kernelLoss``, specialised per conforming type.
    public static func kernelLoss(_ access: LinalgKernelAccess, _ loss: ElementwiseLoss, parameter: Self, scale: Double,
                                  _ x: UnsafeBufferPointer<Self>, _ t: UnsafeBufferPointer<Self>) -> Self {
        // Four partial sums, added pairwise at the end: one chain of dependent additions waited
        // on each addition's latency (22 µs for a 64×256 MSE, 0.6% of a depth-8 f32 step). The
        // loss is chosen once per call, as in kernelLossDerivative.
        @inline(__always) func sum(_ l: ElementwiseLoss) -> Accumulator {
            let n = x.count
            var s0: Accumulator = 0, s1: Accumulator = 0, s2: Accumulator = 0, s3: Accumulator = 0
            var i = 0
            while i + 4 <= n {
                s0 += Accumulator(lossTerm(l, parameter, x[i], t[i]))
                s1 += Accumulator(lossTerm(l, parameter, x[i + 1], t[i + 1]))
                s2 += Accumulator(lossTerm(l, parameter, x[i + 2], t[i + 2]))
                s3 += Accumulator(lossTerm(l, parameter, x[i + 3], t[i + 3]))
                i += 4
            }
            while i < n { s0 += Accumulator(lossTerm(l, parameter, x[i], t[i])); i += 1 }
            return (s0 + s1) + (s2 + s3)
        }
        // Scaled (by the mean's 1/n) in Double and rounded once, as in kernelReduce: the Float
        // MSE of four residuals of 1.5e19 summed to 9e38, +∞ as a Float, and threw "non-finite
        // value of the loss" for a loss of 2.25e38 (a review). Double gives the same bits as before.
        let total: Accumulator
        switch loss {
        case .mse: total = sum(.mse)
        case .mae: total = sum(.mae)
        case .huber: total = sum(.huber)
        case .logCosh: total = sum(.logCosh)
        case .klDivergence: total = sum(.klDivergence)
        case .binaryCrossEntropyWithLogits: total = sum(.binaryCrossEntropyWithLogits)
        }
        return Self(total * scale)
    }

    /// The single implementation of ``LinalgScalar/kernelLossDerivative``, specialised per conforming type.
    public static func kernelLossDerivative(_ access: LinalgKernelAccess, _ loss: ElementwiseLoss, parameter: Self, scale: Self,
                                            _ x: UnsafeBufferPointer<Self>, _ t: UnsafeBufferPointer<Self>,
                                            into d: UnsafeMutableBufferPointer<Self>) {
        // The loss is chosen once per call, not per element, and the rule-mutation hook is asked
        // once (``VectorKernels/fastPathsAllowed``, as the vectorised activations ask it): with
        // both inside the loop every element paid a switch and a call to read the instrumentation
        // flags, and MSE's slope took 1.5 ns per element (0.9% of a depth-8 f32 training step).
        // The same registry partials either way, so the same bits.
        if !VectorKernels.fastPathsAllowed {
            for i in 0..<x.count { d[i] = scale * lossTermDerivative(loss, parameter, x[i], t[i]) }
            return
        }
        @inline(__always) func each(_ l: ElementwiseLoss) {
            for i in 0..<x.count { d[i] = scale * lossTermDerivative(l, parameter, x[i], t[i], mutable: false) }
        }
        switch loss {
        case .mse: each(.mse)
        case .mae: each(.mae)
        case .huber: each(.huber)
        case .logCosh: each(.logCosh)
        case .klDivergence: each(.klDivergence)
        case .binaryCrossEntropyWithLogits: each(.binaryCrossEntropyWithLogits)
        }
    }

    /// The single implementation of ``LinalgScalar/makeElements``, specialised per conforming type.
    public static func makeElements(_ access: LinalgKernelAccess, count: Int, repeating value: Self) -> [Self] {
        [Self](unsafeUninitializedCapacity: count) { buffer, initialized in
            for i in 0..<count { buffer[i] = value }
            initialized = count
        }
    }

    /// The single implementation of ``LinalgScalar/kernelFirstNonFinite``, specialised per conforming type.
    public static func kernelFirstNonFinite(_ access: LinalgKernelAccess, _ x: UnsafeBufferPointer<Self>) -> Int {
        // The sweep checks every variable's cotangent this way, so this runs over all parameters
        // once per gradient: Double and Float take the vectorised C scan.
        if let base = UnsafeRawPointer(x.baseAddress) {
            if Self.self == Double.self { return adjoint_first_nonfinite_f64(base.assumingMemoryBound(to: Double.self), x.count) }
            if Self.self == Float.self { return adjoint_first_nonfinite_f32(base.assumingMemoryBound(to: Float.self), x.count) }
        }
        // A branch-free OR over a block; the exact index is searched only in a block that has a
        // NaN or ∞.
        let block = 1024
        var base = 0
        while base < x.count {
            let end = Swift.min(base + block, x.count)
            var any: UInt8 = 0
            for i in base..<end { any |= x[i].isFinite ? 0 : 1 }
            if any != 0 {
                for i in base..<end where !x[i].isFinite { return i }
            }
            base = end
        }
        return -1
    }

    /// The single implementation of ``LinalgScalar/kernelDot``, specialised per conforming type.
    public static func kernelDot(_ access: LinalgKernelAccess, _ a: UnsafeBufferPointer<Self>, _ b: UnsafeBufferPointer<Self>) -> Self {
        var s: Accumulator = 0
        for i in 0..<a.count { s += Accumulator(a[i] * b[i]) }
        return Self(s)
    }

    @inline(__always)
    static func lossTerm(_ loss: ElementwiseLoss, _ delta: Self, _ x: Self, _ t: Self) -> Self {
        let d = x - t
        switch loss {
        case .mse: return d * d
        case .mae: return Rules.primal(.abs, d, d, 0)
        case .huber:
            let a = Rules.primal(.abs, d, d, 0)
            return a <= delta ? d * d / 2 : delta * (a - delta / 2)
        case .logCosh:
            // cosh d − 1 = 2 sinh²(d/2) exactly, so log cosh d = log1p(2 sinh²(d/2)) has no
            // cancellation near d = 0, where the loss is ≈ d²/2. (softplus(2d) − d − log 2, as this
            // was, cancelled to within ε of log 2: negative for d = 10⁻⁴ in Float, 0 below.) Past
            // |d| = 20, where sinh² would overflow in Float by d = 90, log cosh d = |d| − log 2 +
            // log1p(e^−2|d|) and the last term (< 5·10⁻¹⁸) is below half an ULP of the rest.
            let a = Rules.primal(.abs, d, d, 0)
            if a <= 20 {
                let s = Self.sinh(d / 2)
                return Self.log1p(2 * (s * s))
            }
            return a - Self(0.6931471805599453)
        case .klDivergence:
            return t == 0 ? 0 : t * (Self.log(t) - x)
        case .binaryCrossEntropyWithLogits:
            // −[t log σ(x) + (1 − t) log(1 − σ(x))] = softplus(x) − t·x, with softplus split as
            // the registry's primal splits it, relu(x) + log1p(e^−|x|), and its relu part taken
            // with −t·x first: relu(x) − t·x (= (1 − t)x or −t·x, never negative for t in [0, 1])
            // plus a positive tail, so nothing cancels. softplus(x) − t·x rounded softplus(x) to
            // the ulp of x first: 9.2371e-14 at x = 30, t = 1 (mpmath 9.3576e-14), 0 at x = 40
            // (4.248e-18; a review). A precision fix: other inputs can change in the last bit.
            // The tail is the registry's softplus at −|x| (log1p(e^−|x|), its relu part 0), not a
            // second copy of softplus's formula here.
            let negativeAbs = -Rules.primal(.abs, x, x, 0)
            let tail = Rules.primal(.softplus, negativeAbs, negativeAbs, 0)
            return (Rules.primal(.relu, x, x, 0) - t * x) + tail
        }
    }

    @inline(__always)
    static func lossTermDerivative(_ loss: ElementwiseLoss, _ delta: Self, _ x: Self, _ t: Self, mutable: Bool = true) -> Self {
        // `mutable: false` reads the registry's partials without the mutation hook, for callers
        // that have asked once that no mutation applies on this thread.
        @inline(__always) func partials(_ op: Op, _ x: Self, output z: Self) -> (Self, Self) {
            mutable ? Rules.partials(op, x, x, 0, output: z) : Rules.unmutatedPartials(op, x, x, 0, output: z)
        }
        let d = x - t
        switch loss {
        // MSE's and Huber's quadratic part are the registry's square op, so their slope is the
        // square rule's partial (the loss term above is d·d, the square primal), not a restatement.
        case .mse: return partials(.square, d, output: d * d).0
        case .mae:
            return partials(.abs, d, output: Rules.primal(.abs, d, d, 0)).0
        case .huber:
            let a = Rules.primal(.abs, d, d, 0)
            return a <= delta ? partials(.square, d, output: d * d).0 / 2
                              : delta * partials(.abs, d, output: a).0
        case .logCosh:
            // d/dd log cosh d = tanh d, the registry's tanh. (2·softplus′(2d) − 1, as this was,
            // is tanh d in exact arithmetic but cancels to an absolute error of ε near d = 0:
            // 2.68·10⁻⁷ for tanh(10⁻⁶) = 10⁻⁶ in Float, 0 at 10⁻⁹.)
            return Self.tanh(d)
        case .klDivergence:
            return -t
        case .binaryCrossEntropyWithLogits:
            // softplus′(x) − t = σ(x) − t, with σ the registry's softplus partial. For x ≥ 0,
            // σ(x) rounds to 1 − O(ε) and σ(x) − t cancelled (0 at x = 40, t = 1, where the slope
            // is −σ(−40) = −4.248e-18; a review): there it is (1 − t) − σ(−x), σ(−x) being the
            // partial at −x, as the registry's sigmoid keeps σ(−x) for its own x ≥ 0 side.
            // A precision fix: other inputs with x ≥ 0 can change in the last bit.
            if x >= 0 {
                return (1 - t) - partials(.softplus, -x, output: Rules.primal(.softplus, -x, -x, 0)).0
            }
            return partials(.softplus, x, output: Rules.primal(.softplus, x, x, 0)).0 - t
        }
    }
}
