import AdjointCore
import CAdjointVectorMath

// Vectorised forms of the common activations (tanh, sigmoid, relu, leaky ReLU, swish, ELU,
// softplus, GELU) and of their registry derivatives, for the matrix path.
//
// Goals, in order: (1) the same numbers as the registry's scalar rules — primals within a few
// ULPs of libm (measured by VectorKernelTests over each op's sample range and its tails),
// derivatives in the registry's own forms (`Builtin.Tanh.partial` and the like): bit-identical to
// `Rules.partials` where the form is arithmetic in x and z (relu, leaky ReLU, tanh′ below |x| = 1,
// σ′ below x = −1, ELU′ above 0), within 8 ULP where it reads sech², σ or eˣ from the kernels
// (σ′ on (−1, 1) keeps z(1 − z) and z·σ(−x), which the scalar rule replaces by (1 − tanh²(x/2))/4
// for its second derivative); (2) non-finite inputs and extreme tails take the
// registry's scalar path, so NaN/∞ behave exactly as in every other mode; (3) speed: no libm call
// per element, where glibc's tanh costs tens of ns.
//
// tanh and sigmoid are computed by the C target CAdjointVectorMath, compiled for AVX-512, AVX2 + FMA
// and baseline x86-64 with the widest chosen at load time (Swift code here is compiled for the
// baseline only). The baseline clone, which sanitizer builds and CPUs without AVX2 and FMA run,
// calls libm's fma for every fused multiply-add (to give the same bits as the others) and is
// 8 to 18 times slower than it was with separate multiplies and adds; see vector_math.c.
// The method for Double, and for Float's sigmoid and sech² (computed in Double and rounded once,
// so within 1 ULP of the correctly rounded value; Float's tanh has its own kernel in Float lanes,
// within 1.33 ULP, derived in vector_math.c):
//   x = k·ln 2 + r with |r| ≤ ½ ln 2 (Cody–Waite, ln 2 split so k·ln2Hi is exact);
//   expm1(r) = Taylor series to r¹³ — the first omitted term, (½ ln 2)¹⁴/14! ≈ 4·10⁻¹⁸, is below
//   half an ULP of the result — and 2ᵏ built from the bits of the rounding shifter;
//   tanh x = sign(x)·e/(e + 2), e = expm1(2|x|) (no cancellation near 0; |x| capped at 20, where
//   tanh rounds to 1); σ(x) = 1/(1 + e) for x ≥ 0 and e/(1 + e) for x < 0, e = e^−|x| (no overflow).
// Every multiply-add there that is fused is written out as one (and contraction is otherwise off),
// so every ISA gives bit-identical results.

/// Registry ops with a vectorised primal and derivative here; every other op runs the scalar rules.
package enum VectorKernels {
    /// Whether `op` has vectorised forms.
    static func supports(_ op: Op) -> Bool {
        switch op {
        case .tanh, .sigmoid, .relu, .leakyRelu, .swish, .elu, .softplus, .gelu: return true
        default: return false
        }
    }

    /// The least x the kernels compute for `op` (the greatest is 700 for all): below −37, GELU's
    /// e^(−x²/2) leaves the range of the kernels' exp reduction, and the scalar rule runs.
    @inline(__always)
    static func lowerBound(_ op: Op) -> Double { op == .gelu ? -37 : -700 }

    /// Whether the vectorised path may run now: not while this thread measures or has a rule
    /// mutation planted, because counters and mutations (the checkers' self-tests) act through the
    /// scalar rules. Another thread's observation does not count: the results here must not
    /// change with what other threads do.
    @inline(__always)
    static func enabled(_ op: Op) -> Bool { supports(op) && fastPathsAllowed }

    /// Whether a loop may bypass the scalar rules' counting and mutation hooks on this thread now
    /// (the reason ``enabled(_:)`` gives; the elementwise losses' slope asks it too).
    @inline(__always)
    static var fastPathsAllowed: Bool {
        MatrixFastPaths.isOn && !(Instrumentation.isActive && Instrumentation.observesThisThread)
    }
}

/// The matrix path's speed-ups as one switch, for A/B measurements: `make bench` times the
/// "before" (off: scalar registry kernels, bias and activation as two passes, no buffer reuse
/// in plain evaluation and forward mode) against the "after" in one run. On by default; results
/// agree either way (VectorKernelTests).
package enum MatrixFastPaths {
    nonisolated(unsafe) package static var isOn = true
}

extension LinalgScalar {
    /// z = op(x) for an op ``VectorKernels`` supports; returns the first index whose output is
    /// NaN/∞ for a finite input, or −1. `z` may be `x`'s own memory (each output reads only its
    /// own input, before writing).
    ///
    /// Every element's value depends on its input alone, never on its position; an input that is
    /// NaN, ±∞ or beyond ±700 (where e^−|x| would leave the normal range) is computed by
    /// `Rules.primal` instead, without touching its neighbours.
    static func vectorMap(_ op: Op, parameter: Self, _ x: UnsafeBufferPointer<Self>,
                          into z: UnsafeMutableBufferPointer<Self>) -> Int {
        let n = x.count
        switch op {
        case .tanh, .sigmoid:
            // Collected before the kernel runs, which may overwrite x (in place). Float's tanh
            // kernel is valid for every input (NaN passed through, ±∞ to ±1), so it has none:
            // the scan alone was 2.3% of a depth-8 f32 training step.
            var outliers: [(Int, Self)] = []
            if !(Self.self == Float.self && op == .tanh) {
                for i in 0..<n where !(Swift.abs(x[i]) <= 700) { outliers.append((i, x[i])) }
            }
            if let xd = UnsafeRawPointer(x.baseAddress), let zd = UnsafeMutableRawPointer(z.baseAddress) {
                if Self.self == Double.self {
                    let (xp, zp) = (xd.assumingMemoryBound(to: Double.self), zd.assumingMemoryBound(to: Double.self))
                    op == .tanh ? adjoint_tanh_f64(xp, zp, n) : adjoint_sigmoid_f64(xp, zp, n)
                } else if Self.self == Float.self {
                    let (xp, zp) = (xd.assumingMemoryBound(to: Float.self), zd.assumingMemoryBound(to: Float.self))
                    op == .tanh ? adjoint_tanh_f32(xp, zp, n) : adjoint_sigmoid_f32(xp, zp, n)
                } else {
                    for i in 0..<n { z[i] = Rules.primal(op, x[i], parameter, 0) }
                }
            }
            for (i, xi) in outliers { z[i] = Rules.primal(op, xi, parameter, 0) }
            return -1   // finite inputs give outputs in [−1, 1]
        case .swish, .elu, .softplus, .gelu:
            // x·σ(x), max(x, 0) + log1p(e^−|x|), x·Φ(x) and x > 0 ? x : α·(eˣ − 1), with the first
            // three and eˣ − 1 from the kernels a chunk at a time. Inputs beyond ±700 (GELU: below
            // −37, ``VectorKernels/lowerBound(_:)``) and NaN take the registry's rule, as for σ above. In a
            // chunk without them ELU's select reads a stack copy of x (z may be x's memory, and a
            // loop reading and writing one array through two pointers stays scalar).
            let chunk = 256
            var firstBad = -1
            let lower = Self(VectorKernels.lowerBound(op))
            withUnsafeTemporaryAllocation(of: Self.self, capacity: 2 * chunk) { buffer in
                guard let tp = buffer.baseAddress, let xp = x.baseAddress, let zp = z.baseAddress else { return }
                let cp = tp + chunk
                var base = 0
                while base < n {
                    let m = Swift.min(chunk, n - base)
                    let xs = UnsafeBufferPointer(rebasing: x[base..<(base + m)])
                    elementary(op == .elu ? .expm1 : op, xs, into: UnsafeMutableBufferPointer(start: tp, count: m))
                    var beyond: UInt8 = 0
                    for j in 0..<m { beyond |= xs[j] >= lower && xs[j] <= 700 ? 0 : 1 }
                    let (xb, zb) = (xp + base, zp + base)
                    if beyond == 0 {
                        if op != .elu {
                            for j in 0..<m { zb[j] = tp[j] }
                        } else {
                            // Both sides computed before the select: with the product inside the
                            // branch the loop stayed scalar, branching on each sign.
                            for j in 0..<m { cp[j] = xb[j] }
                            for j in 0..<m {
                                let v = cp[j], negative = parameter * tp[j]
                                zb[j] = v > 0 ? v : negative
                            }
                            // A huge α can overflow a finite input's ELU (x·σ(x) cannot leave x's range).
                            var overflow: UInt8 = 0
                            for j in 0..<m { overflow |= Swift.abs(zb[j]) <= .greatestFiniteMagnitude ? 0 : 1 }
                            if _slowPath(overflow != 0) && firstBad < 0 {
                                firstBad = base + ((0..<m).first { !zb[$0].isFinite } ?? 0)
                            }
                        }
                    } else {
                        for j in 0..<m {
                            let v = xb[j]
                            let r = v >= lower && v <= 700 ? (op != .elu ? tp[j] : (v > 0 ? v : parameter * tp[j]))
                                : Rules.primal(op, v, parameter, 0)
                            zb[j] = r
                            if _slowPath(!r.isFinite) && firstBad < 0 && v.isFinite { firstBad = base + j }
                        }
                    }
                    base += m
                }
            }
            return firstBad
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

    /// d = ∂op/∂x · s for an op ``VectorKernels`` supports, with the partial in the registry's
    /// form (``VectorRules``); `d` may be `s`'s own memory. The elementary functions inside
    /// (1/cosh², σ(−x)) come from the vectorised C kernels, a chunk at a time into a stack buffer.
    static func vectorChain(_ op: Op, parameter: Self, x: UnsafeBufferPointer<Self>, z: UnsafeBufferPointer<Self>,
                            _ s: UnsafeBufferPointer<Self>, into d: UnsafeMutableBufferPointer<Self>) {
        let n = x.count
        switch op {
        case .tanh, .sigmoid:
            let chunk = 256
            // tmp holds the chunk's sech² (tanh) or σ(−x); tanh's are computed only where the
            // registry's rule reads them (|x| ≥ 1: about a tenth of the preactivations of `make
            // bench`'s MLP), gathered into `picked` and scattered back. Computed for every element,
            // they were 6.6% of a depth-8 f32 training step. Elsewhere tmp is 0 and not read.
            withUnsafeTemporaryAllocation(of: Self.self, capacity: 4 * chunk) { buffer in
            withUnsafeTemporaryAllocation(of: Int32.self, capacity: chunk) { index in
                let tmp = UnsafeMutableBufferPointer(rebasing: buffer[0..<chunk])
                let picked = UnsafeMutableBufferPointer(rebasing: buffer[chunk..<(2 * chunk)])
                let sech2 = UnsafeMutableBufferPointer(rebasing: buffer[(2 * chunk)..<(3 * chunk)])
                let seed = UnsafeMutableBufferPointer(rebasing: buffer[(3 * chunk)..<(4 * chunk)])
                var base = 0
                while base < n {
                    let m = Swift.min(chunk, n - base)
                    let xs = UnsafeBufferPointer(rebasing: x[base..<(base + m)])
                    if op == .tanh {
                        // The zeroing and the range test are loops of their own, which vectorise.
                        var beyond: UInt8 = 0
                        for j in 0..<m { tmp[j] = 0 }
                        for j in 0..<m { beyond |= Swift.abs(xs[j]) <= 350 ? 0 : 1 }
                        let k = pickReadingSech2(xs, into: picked, index)
                        if k > 0 {
                            elementary(.tanh, UnsafeBufferPointer(rebasing: picked[0..<k]),
                                       into: UnsafeMutableBufferPointer(rebasing: sech2[0..<k]))
                            for q in 0..<k { tmp[Int(index[q])] = sech2[q] }
                        }
                        if beyond == 0, let xp = x.baseAddress, let zp = z.baseAddress, let sp = s.baseAddress,
                           let dp = d.baseAddress, let tp = tmp.baseAddress, let ep = seed.baseAddress {
                            // No lane needs the scalar rule: the registry's split alone, which the
                            // compiler turns into selects over whole vectors. s is copied first
                            // because d may be s's memory, and a loop reading and writing one
                            // array through two pointers is left scalar; offsets are taken from
                            // the pointers, since an overflow check on `base + j` also keeps it so.
                            let (xb, zb, sb, db) = (xp + base, zp + base, sp + base, dp + base)
                            for j in 0..<m { ep[j] = sb[j] }
                            for j in 0..<m {
                                let sech2 = tp[j]   // loaded unconditionally, so the branch can be a select
                                db[j] = Builtin.Tanh.partial(xb[j], output: zb[j], sech2: sech2) * ep[j]
                            }
                        } else {
                            for j in 0..<m {
                                let i = base + j
                                d[i] = VectorRules.tanhPartial(x: x[i], z: z[i], sech2: tmp[j]) * s[i]
                            }
                        }
                    } else {
                        for j in 0..<m { tmp[j] = -xs[j] }
                        elementary(.sigmoid, UnsafeBufferPointer(tmp), into: tmp)
                        for j in 0..<m {
                            let i = base + j
                            d[i] = VectorRules.sigmoidPartial(x: x[i], z: z[i], sigmoidOfMinusX: tmp[j]) * s[i]
                        }
                    }
                    base += m
                }
            }
            }
        case .swish, .elu, .softplus, .gelu:
            // The registry's partials (Builtin.Swish.partial, Builtin.Elu.partial,
            // Builtin.Softplus.partial, Builtin.Gelu.partial) with σ(±x), eˣ or Φ and φ from the
            // kernels; beyond ±700 (GELU: below −37) and at NaN the scalar rule runs whole. As for tanh,
            // a chunk without such lanes reads s from a stack copy (d may be s's memory) and
            // passes the kernels' values preloaded, so the rule's branch becomes a select.
            let chunk = 256
            let lower = Self(VectorKernels.lowerBound(op))
            withUnsafeTemporaryAllocation(of: Self.self, capacity: 3 * chunk) { buffer in
                guard let e1 = buffer.baseAddress, let xp = x.baseAddress, let zp = z.baseAddress,
                      let sp = s.baseAddress, let dp = d.baseAddress else { return }
                let e2 = e1 + chunk, seed = e1 + 2 * chunk
                var base = 0
                while base < n {
                    let m = Swift.min(chunk, n - base)
                    let (xb, zb, sb, db) = (xp + base, zp + base, sp + base, dp + base)
                    if op == .swish || op == .gelu {
                        pairKernel(op, UnsafeBufferPointer(start: xb, count: m), e1, e2)
                    } else if op == .softplus {
                        elementary(.sigmoid, UnsafeBufferPointer(start: xb, count: m), into: UnsafeMutableBufferPointer(start: e1, count: m))
                    } else {
                        elementary(.exp, UnsafeBufferPointer(start: xb, count: m), into: UnsafeMutableBufferPointer(start: e1, count: m))
                    }
                    var beyond: UInt8 = 0
                    for j in 0..<m { beyond |= xb[j] >= lower && xb[j] <= 700 ? 0 : 1 }
                    for j in 0..<m { seed[j] = sb[j] }
                    if beyond == 0 && op == .swish {
                        for j in 0..<m {
                            let minus = e2[j]
                            db[j] = Builtin.Swish.partial(xb[j], output: zb[j], sigmoid: e1[j], sigmoidOfMinusX: minus) * seed[j]
                        }
                    } else if beyond == 0 && op == .softplus {
                        for j in 0..<m { db[j] = Builtin.Softplus.partial(sigmoid: e1[j]) * seed[j] }
                    } else if beyond == 0 && op == .gelu {
                        for j in 0..<m {
                            let cdf = e1[j]
                            db[j] = Builtin.Gelu.partial(xb[j], output: zb[j], cdf: cdf, pdf: e2[j]) * seed[j]
                        }
                    } else if beyond == 0 {
                        for j in 0..<m {
                            let e = e1[j]
                            db[j] = Builtin.Elu.partial(xb[j], alpha: parameter, exp: e) * seed[j]
                        }
                    } else {
                        for j in 0..<m {
                            let v = xb[j]
                            let p: Self
                            if !(v >= lower && v <= 700) {
                                p = Rules.partials(op, v, parameter, 0, output: zb[j]).0
                            } else if op == .gelu {
                                p = Builtin.Gelu.partial(v, output: zb[j], cdf: e1[j], pdf: e2[j])
                            } else if op == .swish {
                                p = Builtin.Swish.partial(v, output: zb[j], sigmoid: e1[j], sigmoidOfMinusX: e2[j])
                            } else if op == .softplus {
                                p = Builtin.Softplus.partial(sigmoid: e1[j])
                            } else {
                                p = Builtin.Elu.partial(v, alpha: parameter, exp: e1[j])
                            }
                            db[j] = p * seed[j]
                        }
                    }
                    base += m
                }
            }
        case .relu:
            for i in 0..<n { d[i] = VectorRules.reluPartial(x[i]) * s[i] }
        case .leakyRelu:
            for i in 0..<n { d[i] = VectorRules.leakyReluPartial(x[i], slope: parameter) * s[i] }
        default:
            for i in 0..<n { d[i] = Rules.partials(op, x[i], parameter, 0, output: z[i]).0 * s[i] }
        }
    }

    /// Copies the x that tanh's partial reads sech² at (``Builtin/Tanh/readsSech2(_:)``) to the
    /// front of `picked`, their positions to `index`, and returns how many. Double and Float go to
    /// the C loop that visits only the set bits of a vector comparison (VectorKernelTests checks
    /// it against the registry's predicate on every class of value); other types, and a failed
    /// unwrap, take the registry's predicate lane by lane.
    private static func pickReadingSech2(_ xs: UnsafeBufferPointer<Self>, into picked: UnsafeMutableBufferPointer<Self>,
                                         _ index: UnsafeMutableBufferPointer<Int32>) -> Int {
        let n = xs.count
        if let xr = UnsafeRawPointer(xs.baseAddress), let pr = UnsafeMutableRawPointer(picked.baseAddress),
           let ip = index.baseAddress {
            if Self.self == Double.self {
                return adjoint_pick_outside_unit_f64(xr.assumingMemoryBound(to: Double.self), n,
                                                     pr.assumingMemoryBound(to: Double.self), ip)
            }
            if Self.self == Float.self {
                return adjoint_pick_outside_unit_f32(xr.assumingMemoryBound(to: Float.self), n,
                                                     pr.assumingMemoryBound(to: Float.self), ip)
            }
        }
        // Branch-free compaction (every lane writes, only a picked one advances k): with a tenth
        // of the lanes picked at random, a branch per element was mispredicted often.
        var k = 0
        for j in 0..<n {
            let v = xs[j]
            picked[k] = v
            index[k] = Int32(truncatingIfNeeded: j)
            k &+= Builtin.Tanh.readsSech2(v) ? 1 : 0
        }
        return k
    }

    /// Two values per x from one kernel pass: for `.swish` σ(x) into `first` and σ(−x) into
    /// `second` (one reduction per element), for `.gelu` Φ(x) and φ(x) (one reduction and one erfc).
    private static func pairKernel(_ op: Op, _ x: UnsafeBufferPointer<Self>, _ first: UnsafeMutablePointer<Self>,
                                   _ second: UnsafeMutablePointer<Self>) {
        guard let xr = UnsafeRawPointer(x.baseAddress) else { return }
        let n = x.count
        let (fr, sr) = (UnsafeMutableRawPointer(first), UnsafeMutableRawPointer(second))
        typealias DoubleKernel = @convention(c) (UnsafePointer<Double>?, UnsafeMutablePointer<Double>?,
                                                 UnsafeMutablePointer<Double>?, Int) -> Void
        typealias FloatKernel = @convention(c) (UnsafePointer<Float>?, UnsafeMutablePointer<Float>?,
                                                UnsafeMutablePointer<Float>?, Int) -> Void
        let kernels: (DoubleKernel, FloatKernel) = op == .gelu ? (adjoint_gelu_terms_f64, adjoint_gelu_terms_f32)
            : (adjoint_sigmoid_pair_f64, adjoint_sigmoid_pair_f32)
        if Self.self == Double.self {
            kernels.0(xr.assumingMemoryBound(to: Double.self), fr.assumingMemoryBound(to: Double.self),
                      sr.assumingMemoryBound(to: Double.self), n)
        } else if Self.self == Float.self {
            kernels.1(xr.assumingMemoryBound(to: Float.self), fr.assumingMemoryBound(to: Float.self),
                      sr.assumingMemoryBound(to: Float.self), n)
        } else {
            for i in 0..<n {
                if op == .gelu {
                    first[i] = Builtin.Gelu.cdf(x[i])
                    second[i] = Builtin.Gelu.pdf(x[i])
                } else {
                    first[i] = Rules.primal(.sigmoid, x[i], 0, 0)
                    second[i] = Rules.primal(.sigmoid, -x[i], 0, 0)
                }
            }
        }
    }

    /// 1/cosh² (for `.tanh`), σ (`.sigmoid`), x·σ(x) (`.swish`), softplus, x·Φ(x) (`.gelu`), eˣ (`.exp`) or eˣ − 1 (`.expm1`) of every x by the
    /// C kernels; lanes outside their range get an unspecified finite value, which the callers
    /// never use (they take the scalar rule there).
    private static func elementary(_ f: Op, _ x: UnsafeBufferPointer<Self>, into z: UnsafeMutableBufferPointer<Self>) {
        guard let xr = UnsafeRawPointer(x.baseAddress), let zr = UnsafeMutableRawPointer(z.baseAddress) else { return }
        let n = x.count
        // Each function's Double and Float kernels, chosen once per chunk.
        typealias DoubleKernel = @convention(c) (UnsafePointer<Double>?, UnsafeMutablePointer<Double>?, Int) -> Void
        typealias FloatKernel = @convention(c) (UnsafePointer<Float>?, UnsafeMutablePointer<Float>?, Int) -> Void
        let kernels: (DoubleKernel, FloatKernel)
        switch f {
        case .tanh: kernels = (adjoint_sech2_f64, adjoint_sech2_f32)
        case .exp: kernels = (adjoint_exp_f64, adjoint_exp_f32)
        case .expm1: kernels = (adjoint_expm1_f64, adjoint_expm1_f32)
        case .swish: kernels = (adjoint_swish_f64, adjoint_swish_f32)
        case .softplus: kernels = (adjoint_softplus_f64, adjoint_softplus_f32)
        case .gelu: kernels = (adjoint_gelu_f64, adjoint_gelu_f32)
        default: kernels = (adjoint_sigmoid_f64, adjoint_sigmoid_f32)
        }
        if Self.self == Double.self {
            kernels.0(xr.assumingMemoryBound(to: Double.self), zr.assumingMemoryBound(to: Double.self), n)
        } else if Self.self == Float.self {
            kernels.1(xr.assumingMemoryBound(to: Float.self), zr.assumingMemoryBound(to: Float.self), n)
        } else {
            for i in 0..<n {
                switch f {
                case .tanh: z[i] = 1 / (Self.cosh(x[i]) * Self.cosh(x[i]))
                case .exp: z[i] = Self.exp(x[i])
                case .expm1: z[i] = Self.expm1(x[i])
                case .swish, .softplus, .gelu: z[i] = Rules.primal(f, x[i], 0, 0)
                default: z[i] = Rules.primal(.sigmoid, x[i], 0, 0)
                }
            }
        }
    }
}

/// The registry's partials ∂op/∂x for the vectorised ops, taken from the declarations themselves
/// (`Builtin.Tanh.partial`, `Builtin.Sigmoid.partial`, `Rules.partials`): the matrix path only
/// supplies the elementary value inside (sech² x, σ(−x)) from the vectorised kernels instead of
/// libm. Beyond the kernels' range (|x| > 350 for sech², x > 700 for σ) or at NaN, the scalar rule
/// runs whole. VectorKernelTests compares each with `Rules.partials` over the sample range and tails.
enum VectorRules {
    @inline(__always) static func tanhPartial<S: LinalgScalar>(x: S, z: S, sech2: S) -> S {
        if Swift.abs(x) <= 350 { return Builtin.Tanh.partial(x, output: z, sech2: sech2) }
        return Rules.partials(.tanh, x, x, 0, output: z).0
    }
    @inline(__always) static func sigmoidPartial<S: LinalgScalar>(x: S, z: S, sigmoidOfMinusX: S) -> S {
        if x <= 700 { return Builtin.Sigmoid.partial(x, output: z, sigmoidOfMinusX: sigmoidOfMinusX) }
        return Rules.partials(.sigmoid, x, x, 0, output: z).0
    }
    @inline(__always) static func reluPartial<S: LinalgScalar>(_ x: S) -> S { Rules.partials(.relu, x, x, 0, output: x).0 }
    @inline(__always) static func leakyReluPartial<S: LinalgScalar>(_ x: S, slope: S) -> S {
        Rules.partials(.leakyRelu, x, slope, 0, output: x).0
    }
}
