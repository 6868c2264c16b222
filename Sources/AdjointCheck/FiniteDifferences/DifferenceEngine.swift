import AdjointCore
import RealModule

// The engine behind every finite-difference API: derivatives of x ↦ f(x + t·v) at t = 0, from
// primal evaluations of f only. No derivative rule of the registry is ever called here, which is
// what makes finite differences an independent witness.

/// Why a finite-difference estimate cannot be trusted to decide between two values.
///
/// ```swift
/// FDWarning.stepBelowULP.rawValue   // "step-below-ulp"
/// ```
public enum FDWarning: String, Sendable, CaseIterable, Comparable {
    /// The samples differ by only a few ulps of f (or not at all, or are all 0): most digits
    /// cancelled in the subtraction, and f's own rounding may be far coarser than ulps of f.
    case cancellation
    /// x + h rounds to x (or nearly): the step is below the input's unit in the last place.
    case stepBelowULP = "step-below-ulp"
    /// A sample of f, or the estimate itself, is NaN or infinite.
    case nonFinite = "non-finite"
    /// The method's own error estimate is too large relative to the value.
    case estimateTooLarge = "estimate-too-large"
    /// The function uses an op the method's scalar type cannot evaluate (abs in complex-step).
    case unsupportedOp = "unsupported-op"
    /// A sample lies beyond a nearby non-differentiable point (relu, abs, max … whose argument is
    /// closer to its kink than the step): the difference straddles the kink.
    case crossesKink = "crosses-kink"
    /// The witness follows the same code path as the AD modes under test (the function converted a
    /// complex-step value to Double, so the complex step loses what AD loses): it proves nothing.
    case notIndependent = "not-independent"
    /// Reliable witnesses contradict each other beyond their error estimates (two or more disagree
    /// with the subjects, another agrees): no verdict can be trusted.
    case witnessesConflict = "witnesses-conflict"
    /// f's rounding error (first order: ε·Σ|∂f/∂v|·|v| over the recorded nodes), divided by the
    /// step, is large enough to explain the disagreement (a log of a saturated tanh is off by ε
    /// absolute, 10⁸ ulps of its value).
    case noisyEvaluation = "noisy-evaluation"
    /// No range of steps was found where successive estimates settle (they keep changing as the
    /// step shrinks, until rounding takes over): f oscillates or varies faster than any step the
    /// method can resolve, or its evaluation is too noisy. The value is a guess, its error
    /// estimate the spread seen.
    case noConvergence = "no-convergence"
    /// Complex step: an imaginary part fell below the normal range (|x| tiny, or a derivative
    /// far below 1), so digits were lost to underflow; the error estimate includes that quantum.
    /// Real differences: a nonzero difference of normal samples divided by its step fell below
    /// the normal range (f′ at most 10⁻³⁰⁸ as seen over a huge step), so the value kept only
    /// the digits the subnormal spacing leaves, and the step, not f, may have set it.
    /// Black-box check: a claim below the normal range agrees with a witness only inside the
    /// allowance for its own rounding there (64 least subnormals), beyond what the witness
    /// resolves; a right rule rounded in subnormal arithmetic or a wrong one, undecided.
    case underflow
    /// The subjects' values lie within the witness's error bound (or, for a black box, the claim's
    /// rounding allowance) of 0: the check cannot tell them from their negatives or from 0 (an
    /// entry 10⁻⁸ of its row, below what differences of f resolve).
    case belowResolution = "below-resolution"
    /// A periodic op's argument (sin, cos, tan) moves by more than a radian over the witness's
    /// step: the differences see its term averaged, not its slope, and that term is large enough
    /// to explain the disagreement. At x = 10²⁵ an ulp of x is 2·10⁹, so no difference of
    /// sin(x) + |x| sees sin's slope, and the settled 1.0 convicted a right 1 + cos x.
    case aliased
    /// A claimed value differs from the witness by more than the tolerance, but by less than the
    /// rounding the tape's path magnitudes allow a derivative accumulated along it (4·64ε·Σ of
    /// |partial| products over the paths, which is what forward and reverse mode are allowed):
    /// not shown wrong, and not shown right. Long loops (an RK4 integrator) reach path magnitudes
    /// of 10⁶, so in Float the bound can be the entry's own size; check in Double.
    case pathRounding = "path-rounding"
    /// f took f(x)'s value at every sample within some distance w of x and moves beyond it with
    /// one slope on both sides, and the subjects read one scale or the other: a black box's
    /// claimed 0 (or a claim too small to move f above its rounding within w), or, for a generic
    /// function, AD's 0 and the exact differences' 0 inside the band beside a claim of the slope
    /// beyond. Not shown right, and not shown wrong: Newton started at its root returns its start
    /// wherever the residual is below its tolerance, so a claimed 0 (a forgotten variable) passed
    /// there, while for a quantiser 0 is the derivative. A larger step does not decide it; check
    /// at a point where f moves at every scale (where the solver iterates).
    case flatBelowScale = "flat-below-scale"
    /// The entry passes through a kink that f's evaluation reaches only because a value on the
    /// way to the op's argument underflowed to 0 (an ``underflowKinks(recording:)`` entry): at the
    /// point given the op is not at its kink, and the side its argument lies on, which decides
    /// the derivative, is lost. Not a kink, and not a derivative any witness in f's number type resolves:
    /// relu(x⁴) at 10⁻¹⁰⁰ had every mode's 0 (relu's convention) passed as a valid subgradient for
    /// f′ = 4·10⁻³⁰⁰. Check at a point where the argument stays in the type's range, or in exact mode.
    case underflowOntoKink = "underflow-onto-kink"
    /// A black box's claimed value differs from the witness by more than the witness's tolerance,
    /// but by less than 64ε of the largest entry in its row: a right derivative whose own
    /// computation rounds on the row's scale (terms of that size cancelling) can be off this much,
    /// and without a tape the check cannot see which paths reach the entry. The black-box analogue
    /// of ``pathRounding``: not shown wrong, and not shown right. ∂/∂x₀ of log x₀ + x₁ at x₀ = 10¹⁵
    /// is 10⁻¹⁵ beside ∂/∂x₁ = 1, so a claim of 2·10⁻¹⁵ is not convicted there; at x₀ = 10¹² it is.
    /// Check where the inputs have similar scales, or rescale the input.
    case rowRounding = "row-rounding"
    /// A Float check's witness finds a claim wrong, but the claim agrees, within 64 Float ε of the
    /// entry, with the complex step of the same f evaluated in Double at the same point, and f's
    /// derivative in Float differs from that one beyond the witness's tolerance: Float rounding
    /// inside f (a term absorbed, as x₀² in x₀² + 1 for |x₀| below 2.4·10⁻⁴) moves f's own
    /// derivative, and the claim may be the derivative of f without that rounding. Not shown wrong,
    /// and not shown right. log(x₀² + 1)·x₁ + 100x₀ at x₀ = 10⁻⁵ with ∂/∂x₁ = log1p(x₀²) = 10⁻¹⁰
    /// claimed was convicted on the Float complex step's exact 0. Check in Double.
    case floatRounding = "float-rounding"
    /// A black box's claim agreed with the last witness only inside the tolerance's safety factor:
    /// it lies beyond the witness's own error estimate, and the step scan could not resolve the
    /// gap. Not shown wrong, and not shown right. sin(x₀)·0.05 + x₁² at (0, 9·10⁵): f rounds by
    /// 10⁻⁴, Richardson read 0.0511 ± 0.0115, and a claimed 0.075 for 0.05 passed. Check where
    /// the entry is a larger share of f's value, or rescale the input.
    case beyondEstimate = "beyond-estimate"
    /// The subject differs from the witness by no more than the derivative of f as the floats
    /// compute it moves, beyond its smooth change, when the inputs move by a few of the steps at
    /// which f's intermediates round differently: rounding inside f (a term absorbed, as r in
    /// 1 + r for small r) moves that derivative, and one side of the gap follows it while the
    /// other does not. Not shown wrong, and not shown right. Forward and reverse follow the
    /// floats' f: they are judged so where no complex step judged the entry (it follows the floats
    /// too), against differences or exact rationals, which see f's smooth derivative:
    /// ((1 + r)¹² − 1)/r + erf(y) at r = 10⁻⁷, modes 65.938 beside adaptive's 66.00004, their value
    /// moving by 0.27 over rounding steps. A claim (f's derivative as written) is judged so against
    /// the complex step: log(x₀² + 1)·x₁ at x₀ = 10⁻⁵ in Double, the claimed log1p(x₀²) 1.3·10⁻¹⁷
    /// off the floats' log(fl(x₀² + 1)), which moves by 2·10⁻¹⁶. Write f so it does not round
    /// there (expm1, log1p).
    case derivativeNoise = "derivative-noise"
    /// The one AD mode checked (the other switched off or not run) differs from the witness by
    /// more than √ε of the entry (the check's bar for a sharp agreement), but by less than what
    /// its own accumulation along the tape may round (``CheckOptions/accumulationULPsPerOp`` per
    /// op of each path, and reverse mode's sums of a value's uses): rounding or a wrong rule,
    /// the check cannot tell. Not shown wrong, and not shown right. A
    /// reverse-only check of exp(30x) − exp(30x) + sin x + ((x + 10⁸) − 10⁸) at 1: the right rule
    /// is 0.022 off in reverse mode, and a sin rule 1% off agreed as well. Check forward mode too
    /// (its bound nets copies that cancel exactly), or where the paths are shorter.
    case accumulationRounding = "accumulation-rounding"
    /// f is defined at x but not on one side of it along the input (a domain error there, or a
    /// non-finite value): x is at the edge of f's domain (x^1.5 at 0, where pow needs a base
    /// ≥ 0), the derivative there is the one-sided one from inside, and the one-sided differences
    /// from inside did not resolve it: they do not settle as the step shrinks, or settle too
    /// slowly (D(h) − D* ∝ hᵖ with a small p) for their extrapolation to judge the subjects; or x
    /// lies just inside the edge, f defined one rounding step of x outside (x^1.5 at 5e-324), where
    /// the differences from inside would read f's slope from the edge, not at x. The report's note
    /// says from which side, which op's domain, and the rate. Not shown wrong, and not shown right;
    /// check at the edge itself or farther inside the domain.
    case domainEdge = "domain-edge"

    /// Alphabetical by name, so sorted warning lists are reproducible in reports.
    public static func < (l: FDWarning, r: FDWarning) -> Bool { l.rawValue < r.rawValue }
}

/// One derivative estimated by differences, with how it was obtained and how far it can be trusted.
///
/// ```swift
/// let e = try differenceJacobian(of: f, at: [1.0], method: .richardson).entries[0][0]
/// print(e.value, e.errorEstimate, e.step)
/// ```
public struct DifferenceEstimate: Sendable, Equatable {
    /// The estimate of ∂fᵢ/∂xⱼ (or of the directional derivative).
    public var value: Double
    /// Estimated |error| (truncation plus rounding); 0 is never claimed for a finite difference.
    public var errorEstimate: Double
    /// The step used (for Richardson, the smallest step of the level chosen).
    public var step: Double
    /// Reasons the estimate is unreliable, empty when none was detected.
    public var warnings: [FDWarning]
    /// The largest displacement t of any sample x + t·v the value depends on (0 for complex
    /// step, which never leaves x on the real axis): a kink closer than this may have been crossed.
    public var reach: Double
    /// Evaluations of f spent on this estimate's direction (outputs differenced along the same
    /// direction share them, so the entries of one Jacobian column report the same count; f(x)
    /// itself, evaluated once per Jacobian, is not included).
    public var evaluations: Int

    /// An estimate with its error bound, step and warnings.
    public init(value: Double, errorEstimate: Double, step: Double, warnings: [FDWarning] = [], reach: Double = 0,
                evaluations: Int = 0) {
        self.value = value; self.errorEstimate = errorEstimate; self.step = step; self.warnings = warnings
        self.reach = reach; self.evaluations = evaluations
    }
}

/// Evaluates f along one line x + t·v and counts evaluations.
///
/// Along a coordinate axis (v = eⱼ, every column of a Jacobian) the probe moves one entry of a
/// private copy of x in place and restores it, so a sample costs one evaluation of f and O(1)
/// besides: building a perturbed n-vector per sample made a Jacobian of n inputs cost O(n) extra
/// work per sample on top of f (issue 14, item 8). f(x) itself, when the caller already has it, is
/// passed in as `center` and never re-evaluated.
struct LineProbe<V: ADScalar & BinaryFloatingPoint> {
    let eval: ([V]) -> [V]
    let x: [V]
    /// The direction, or empty along an axis (see ``axis``).
    let v: [V]
    /// j when the direction is eⱼ.
    let axis: Int?
    /// x with entry ``axis`` moved; restored after every sample.
    private var scratch: [V]
    /// min over the moved coordinates of max(1, |x_j|)/|v_j|: the step t·v then stays small
    /// relative to every input it perturbs (for a unit vector eⱼ this is max(1, |x_j|)); or less,
    /// once ``narrowScale(to:)`` has set it.
    private(set) var scale: Double
    /// max over the moved coordinates of |x_j|/|v_j|: how far along the line an ulp-sized
    /// rounding of the inputs reaches, in units of t (divided by ε).
    let positionScale: Double
    /// f(x), once known.
    private(set) var center: [V]?
    /// Evaluations of f made by this probe (a caller-supplied center is not counted).
    var evaluations = 0
    /// Samples already taken, by displacement: stencils applied at one step share their points
    /// (the adaptive method's value and check stencils), and a shared point costs one evaluation.
    private var taken: [V: [V]] = [:]
    /// Samples of f other probes took, by point (nil: none); read and added to by a probe along
    /// a direction v (not an axis probe). The black-box check probes one line many times (three
    /// rungs, the jump test, the one-sided test, the step scan, once more per row of a Jacobian)
    /// and evaluated an opaque, often costly f again at points already sampled: 188 of the 763
    /// evaluations of a 4×4 Jacobian check. By point, not by displacement: at steps near an ulp
    /// of x two displacements can round to one point. A shared sample enters ``taken`` when
    /// read, so what reads the probe's own samples sees what it saw when the probe evaluated.
    var shared: SampleStore<V>? = nil
    /// Stencil applications already made (see ``apply(_:step:outputs:)``). Their rounding reads
    /// ``noiseFloor`` and ``noiseGrowth``; setting either forgets them.
    private var applied: [StencilKey: StencilSample] = [:]
    /// Per output, a caller's bound on the absolute rounding of one evaluation of f (empty: none),
    /// from ``evaluationRoundingBound(of:at:)``. Every stencil's rounding bound is at least its
    /// weights times it over the step, so steps are chosen and estimates judged against the
    /// rounding of f's intermediates, not only a few ulps of f.
    var noiseFloor: [Double] = [] { didSet { applied = [:] } }
    /// Per output, how fast that bound grows as the sample moves along this probe's axis (per unit
    /// of t; empty: it does not). The bound is read off f's tape at x, where the intermediates have
    /// their magnitudes at x; a sample far away rounds by ulps of *its* intermediates: x − sin x at
    /// 10⁻⁵ rounds by ε·10⁻⁵ there and by ε·0.1 at x + 0.1, and the bound at x alone made
    /// Richardson stop at 4.999995537e-11 ± 3e-18 (the truth 4.99999999999958e-11).
    var noiseGrowth: [Double] = [] { didSet { applied = [:] } }
    /// Per output, whether f's tape shows it affine along this probe's axis (empty: not known).
    /// Read by ``affineDifference(step:outputs:)``.
    var affine: [Bool] = []
    /// Whether Richardson and the adaptive method, with the automatic step and no rounding bound
    /// from a caller, measure f's noise and take their estimate again against it
    /// (``auditedForNoise(_:method:outputs:)``): set for a closure on real arrays, whose rounding
    /// nothing but its samples can show.
    var measuresItsNoise = false
    /// Whether ``noiseFloor`` is a bound on f's rounding from outside its samples: f's tape, or
    /// the caller's `evaluationError` (``setTapeFacts(evaluationError:facts:axis:outputs:)``), but
    /// not in the check's rungs, which confirm a verdict by other witnesses (``differenceColumn``).
    /// Only then does the central difference take its off-lattice look
    /// (``Stencil/looksOffLatticeWhenRoundingIsBounded``): a gap there beyond
    /// that bound is f's, not its rounding's. A black box's rung is judged on a few ulps of its
    /// samples until the check measures its noise, and a staircase rounds beyond that at a step
    /// off the lattice its treads lie on.
    var roundingBounded = false
    /// The outputs the last ``adaptiveEmbedded(outputs:settled:)`` accepted at its first step,
    /// where its two stencils agreed to half the digits: the noise audit leaves them be.
    var agreedAtOnce: Set<Int> = []
    /// The outputs the last ``auditedForNoise(_:method:outputs:)`` measured whose table did not
    /// confirm a σ at its first two spacings: only their estimates go up the slope ladder
    /// (SlopeLadder.swift).
    var noiseUnmeasured: Set<Int> = []
    /// Per output, the columns of the last ``auditedForNoise(_:method:outputs:)``'s table, widest
    /// spacing first: what the wide-tread test (WideTreads.swift) reads.
    var tableReadings: [[TableReading]] = []

    /// A probe along v, with f(x) already known (or nil).
    init(eval: @escaping ([V]) -> [V], x: [V], v: [V], center: [V]? = nil) {
        self.eval = eval; self.x = x; self.v = v; self.axis = nil; self.scratch = []; self.center = center
        var s = Double.infinity
        for (xj, vj) in zip(x, v) where vj != 0 {
            s = Swift.min(s, Swift.max(1, Swift.abs(Double(xj))) / Swift.abs(Double(vj)))
        }
        scale = s.isFinite ? s : 1
        var p = 0.0
        for (xj, vj) in zip(x, v) where vj != 0 { p = Swift.max(p, Swift.abs(Double(xj)) / Swift.abs(Double(vj))) }
        positionScale = p.isFinite ? p : 0
    }

    /// A probe along eⱼ, with f(x) already known (or nil).
    init(eval: @escaping ([V]) -> [V], x: [V], axis j: Int, center: [V]?) {
        self.eval = eval; self.x = x; self.v = []; self.axis = j; self.scratch = x; self.center = center
        scale = Swift.max(1, Swift.abs(Double(x[j])))
        positionScale = Swift.abs(Double(x[j]))
    }

    /// Takes the steps from a smaller scale: where f is not finite at x ± a fraction of
    /// max(1, |xⱼ|) (log near 0 past its domain), the steps that follow the scale below 1
    /// (Richardson's and the adaptive method's first steps, a black box's scans) come from `s`;
    /// a fixed stencil's default step keeps max(1, scale). Samples already taken stay valid: they
    /// are keyed by displacement, not by step.
    mutating func narrowScale(to s: Double) {
        if s > 0, s.isFinite, s < scale { scale = s }
    }

    mutating func at(_ t: V) -> [V] {
        if t == 0, let center { return center }
        if let y = taken[t] { return y }
        var point: [V]? = nil
        if let shared, axis == nil {
            let p = zip(x, v).map { $1 == 0 ? $0 : $0 + t * $1 }
            if let y = shared[p] {
                taken[t] = y
                return y
            }
            point = p
        }
        evaluations += 1
        Instrumentation.countEvaluation()
        let y: [V]
        if t == 0 {
            y = eval(x)
            center = y
        } else if let j = axis {
            scratch[j] = x[j] + t
            y = eval(scratch)
            scratch[j] = x[j]
        } else {
            y = eval(point ?? zip(x, v).map { $1 == 0 ? $0 : $0 + t * $1 })
        }
        taken[t] = y
        if let point { shared?[point] = y }
        return y
    }

    /// A sample already taken at displacement t (f(x) for t = 0), without evaluating.
    func taken(at t: V) -> [V]? { t == 0 ? center : taken[t] }

    /// Every sample this probe has read (f(x) not included), by displacement.
    var samplesTaken: [(t: V, value: [V])] { taken.map { (t: $0.key, value: $0.value) } }

    /// The largest |fᵢ| among the samples taken so far (f(x) included): the size of what f does
    /// along the line, against which its noise is judged.
    func sampledMagnitude(output i: Int) -> Double {
        var m = center.map { i < $0.count ? Swift.abs(Double($0[i])) : 0 } ?? 0
        for y in taken.values where i < y.count && y[i].isFinite { m = Swift.max(m, Swift.abs(Double(y[i]))) }
        return m
    }

    /// Whether the step t·v is below an ulp of some perturbed coordinate.
    func stepBelowULP(_ t: V) -> Bool {
        if let j = axis { return Swift.abs(t) < x[j].ulp }
        return zip(x, v).contains { xj, vj in vj != 0 && Swift.abs(t * vj) < xj.ulp }
    }
}

/// f's samples by point, read by every ``LineProbe`` given it (``LineProbe/shared``). A
/// reference: probes are values, copied and dropped, and the samples must outlive each of them.
/// For a deterministic f a shared sample is exactly what a new evaluation would return; for an
/// f drawing new noise at every call it is one draw where there were two at the same point, each
/// still a sample the noise model covers.
final class SampleStore<V: ADScalar & BinaryFloatingPoint> {
    private var samples: [ExactPoint<V>: [V]] = [:]
    subscript(_ p: [V]) -> [V]? {
        get { samples[ExactPoint(p)] }
        set { samples[ExactPoint(p)] = newValue }
    }
}

/// A point as a key of what f gave there (``SampleStore``, `validate`'s ``EvaluationMemo``), with
/// the signs of its zeros: −0 == 0, but f may tell them apart (atan2(0, −0) = π, atan2(0, 0) = 0),
/// and a step underflowing to +0 moves a −0 coordinate to +0. A NaN coordinate never equals
/// itself, so such a point is never found again: f is asked anew, never answered from another call.
struct ExactPoint<V: BinaryFloatingPoint>: Hashable {
    let coordinates: [V]
    let negativeZeros: [Int]
    init(_ p: [V]) {
        coordinates = p
        negativeZeros = p.indices.filter { p[$0] == 0 && p[$0].sign == .minus }
    }
}

/// A stencil application's identity within one probe.
struct StencilKey: Hashable {
    let offsets: [Int]
    let derivative: Int
    let step: Double
    let outputs: Int
}

/// What one application of a stencil produced, per output.
struct StencilSample {
    var derivative: [Double]
    /// noise·ε·Σ|wₖ|·max|fₖ| / h, plus for a first derivative the samples' landing off x + sₖh
    /// (``landingError(_:)``): the rounding part of the error.
    var rounding: [Double]
    var warnings: [[FDWarning]]
}

extension LineProbe {
    var epsilon: Double { Double(V.ulpOfOne) }
    /// The spacing of V's subnormals: the absolute rounding of any value below the normal range.
    var quantum: Double { Double(V.leastNonzeroMagnitude) }

    /// Applies `stencil` with step `h` to every output at once. Remembered per stencil and step:
    /// the methods ask for the same application once per output (Richardson's verification
    /// step, the adaptive method's curvature), and each application walks every output, so a
    /// Jacobian with m outputs did m² of that work per column; `jac` spent 36 s on Richardson's
    /// 100 × 100 Jacobian of sin(xᵢ)·xᵢ₊₁ and 256 s on the 200 × 200 one.
    mutating func apply(_ stencil: Stencil, step h: V, outputs m: Int) -> StencilSample {
        let key = StencilKey(offsets: stencil.offsets, derivative: stencil.derivative, step: Double(h), outputs: m)
        if let known = applied[key] { return known }
        let sample = computeApplication(stencil, step: h, outputs: m)
        applied[key] = sample
        return sample
    }

    /// The step whose multiples the stencil's samples land on exactly, where the nominal `h`
    /// differs from it by more than 10⁻³ of h; else h. A sample is taken at x + s·h rounded to V's
    /// grid, and a difference divided by the nominal h misreads the slope by their ratio: in Float
    /// at 332584.06 (ulp 0.03125) the step scan's 0.0468 landed on one ulp, sin's slope −0.80
    /// read −0.49, and the right cos was convicted (a review). Only a probe that moves one
    /// coordinate has such a step; in Double it differs from h only within a few hundred ulps of x.
    func realizedStep(_ h: V, offsets: [Int]) -> V {
        let j: Int, vj: V
        if let a = axis {
            (j, vj) = (a, 1)
        } else {
            let moved = v.indices.filter { v[$0] != 0 }
            guard moved.count == 1 else { return h }
            (j, vj) = (moved[0], v[moved[0]])
        }
        let r = ((x[j] + h * vj) - x[j]) / vj
        guard r != 0, r.isFinite, Swift.abs(Double(r) - Double(h)) > 1e-3 * Swift.abs(Double(h)) else { return h }
        for s in offsets where s != 0 {
            let d = V(s) * r * vj
            if (x[j] + d) - x[j] != d { return h }
        }
        return r
    }

    /// How far, in units of t along the line, the sample at displacement t lands from x + t·v:
    /// each moved coordinate is rounded to V's grid (0 where every one lands exactly). The largest
    /// over the moved coordinates.
    func landingError(_ t: V) -> Double {
        func miss(_ xj: V, _ vj: V) -> Double {
            let landed = (Double(xj + t * vj) - Double(xj)) / Double(vj)
            let e = Swift.abs(landed - Double(t))
            return e.isFinite ? e : 0
        }
        if let j = axis { return miss(x[j], 1) }
        return zip(x, v).reduce(0) { worst, p in p.1 == 0 ? worst : Swift.max(worst, miss(p.0, p.1)) }
    }

    private mutating func computeApplication(_ stencil: Stencil, step nominal: V, outputs m: Int) -> StencilSample {
        let h = realizedStep(nominal, offsets: stencil.offsets)
        // A first derivative's samples taken off the points its weights assume misread the slope
        // by f′·Σ|wₖ|·|δₖ|/h, δₖ how far sample k landed from x + sₖh: up to half an ulp of x each.
        // Steps off V's grid (the black-box step scan's, between powers of two) within 10⁻³ of
        // what they land on keep their nominal h (see realizedStep), and that error was in no
        // bound: e^(−x) at 704 read at h = 1.7·10⁻¹⁰, 1,500 ulps of x, is off by 1.7·10⁻⁴ of
        // f′, where its rounding bound said 2.6·10⁻⁶; such levels "resolved" a claim 10⁻⁴ off,
        // read nearer it than the scan's settled run, and made its conviction witnesses-conflict
        // (at 663 of the 1,491 points 0, 0.5, …, 745). On powers of two above an ulp of x every
        // sample lands exactly and nothing is added. Along a direction moving several inputs the
        // directional slope stands in for the partials the landings meet: a first-order bound
        // along one input, but not where the partials cancel along the direction (the landing
        // error is Σⱼ ∂ⱼf·δⱼ, the slope near 0; a review), which no black box can see.
        var landing = 0.0
        if stencil.derivative == 1 {
            for (s, w) in zip(stencil.offsets, stencil.weights) where w != 0 && s != 0 {
                landing += Swift.abs(w) * landingError(V(s) * h)
            }
            landing /= Double(h)
        }
        var sums = [V](repeating: 0, count: m)
        var fmax = [Double](repeating: 0, count: m)
        // Largest |f| among the samples the stencil weighs: only their rounding reaches the sum
        // (a huge f(x) next to small neighbours, as 1/x at 1e-150 with h ≫ x, is not noise in a
        // central difference, and counting it would make any spread look like rounding).
        var wmax = [Double](repeating: 0, count: m)
        var spread = [Double](repeating: 0, count: m)
        var finite = [Bool](repeating: true, count: m)
        var center: [V]? = nil
        var samples: [[V]] = []
        for (s, w) in zip(stencil.offsets, stencil.weights) {
            let fk = at(V(s) * h)
            samples.append(fk)
            if s == 0 { center = fk }
            for i in 0..<Swift.min(m, fk.count) {
                if !fk[i].isFinite { finite[i] = false }
                fmax[i] = Swift.max(fmax[i], Swift.abs(Double(fk[i])))
                if w != 0 { wmax[i] = Swift.max(wmax[i], Swift.abs(Double(fk[i]))) }
                if w != 0 { sums[i] += V(w) * fk[i] }
            }
            if fk.count != m { for i in 0..<m { finite[i] = false } }
        }
        // Spread of the samples around the first (or central) one: the digits the subtraction keeps.
        let base = center ?? samples.first ?? []
        for fk in samples where fk.count == m && base.count == m {
            for i in 0..<m { spread[i] = Swift.max(spread[i], Swift.abs(Double(fk[i]) - Double(base[i]))) }
        }
        // Equal samples make a derivative's stencil exactly 0 (its weights sum to 0), but the
        // rounded weights do not: exp(x)^1e300 at 0 is exactly 1 within 10⁻¹⁶ of 0, and the
        // adaptive stencil's (−2, 3, 6) samples at h = 3.5·10⁻¹⁸ summed to −6.9·10⁻¹⁸, −2.0
        // over h (the true derivative is 10³⁰⁰). Other sums are left as they were.
        if stencil.derivative >= 1 {
            for i in 0..<m where spread[i] == 0 { sums[i] = 0 }
        }
        let below = stepBelowULP(h)
        // h^d: the pilot stencils of the adaptive method estimate higher derivatives.
        let hd = Double.pow(Double(h), Double(stencil.derivative))
        var out = StencilSample(derivative: [], rounding: [], warnings: [])
        for i in 0..<m {
            var warn: [FDWarning] = []
            let d = Double(sums[i]) / hd
            // A sample's rounding: relative in the normal range, at least the least subnormal's
            // below it (exp at −720 is 2e-313, and 2 ulps of it would be 1e-328, below any Double).
            let floor = roundingFloor(output: i, reach: reach(stencil, h))
            let noise = Swift.max(DifferenceTuning.evaluationNoiseULPs * Swift.max(epsilon * fmax[i], quantum), floor)
            if !finite[i] || !d.isFinite { warn.append(.nonFinite) }
            if below { warn.append(.stepBelowULP) }
            let digits = Double.pow(10, DifferenceTuning.cancellationDigitsRequired)
            // Samples that are all equal are cancellation too, and so are samples that are all 0:
            // the rounding model (a few ulps of |f|) does not bound what an f computed by
            // cancelling larger terms can hide. x − sin x at 1e-5 is quantised to ulps of x, not
            // of f, so its samples at steps below 1e-11 are equal, and treating that as a slope
            // of 0 ± 1e-20 (tried) called its right 5e-11 wrong; (x + 1e13) − 1e13 and
            // √(x² + 1e26) − 1e13 (all samples 0) likewise. A disagreement with such a difference
            // escalates; an agreement stands.
            if finite[i] && (fmax[i] == 0 || spread[i] < digits * noise) { warn.append(.cancellation) }
            var rounding = sampleRounding(magnitude: wmax[i], output: i, reach: reach(stencil, h)) * stencil.noiseGain / hd
            // Below Double's normal range the quotient and this bound are themselves rounded to
            // the subnormal spacing, absolutely: half a spacing each, so one spacing is added.
            // Without it the bound came out exactly 0 wherever the samples' rounding over h fell
            // below half a spacing (e^(−x) at 737, samples a few thousand spacings, central at
            // steps 8 to 29 of the step scan: "± 0", a claim of exactness for a rounded quotient).
            if wmax[i] > 0 && rounding < Double.leastNormalMagnitude {
                rounding += Double.leastNonzeroMagnitude
            }
            // Normal samples whose difference over a large h falls below Double's normal range
            // keep only the digits the spacing leaves: sin(x)/x at 1e300 (samples ±1e-300 over
            // h ≈ 1e296) gave exactly 0 for both adaptive stencils, a gap of 0 "agreed" and
            // 0 ± 0 was returned where f′ = −5.8e-301. The warning says the step, not f's slope,
            // set that value. The bound is the spacing (above), not the least normal magnitude as
            // it was: that is 2⁵² spacings, beyond e^(−x)'s own slope of 1.4e-308 at 710 read at
            // h = 2.9, whose quotient keeps 15 digits.
            if finite[i] && sums[i] != 0 && Swift.abs(d) < Double.leastNormalMagnitude
                && wmax[i] >= Double(V.leastNormalMagnitude) {
                warn.append(.underflow)
            }
            if landing > 0 && d.isFinite { rounding += landing * Swift.abs(d) }
            out.derivative.append(finite[i] ? d : .nan)
            out.rounding.append(rounding)
            out.warnings.append(warn)
        }
        return out
    }

    /// The caller's bound on one sample's rounding for output i, grown to a sample at distance
    /// `reach` from x (0 without a bound).
    func roundingFloor(output i: Int, reach: Double) -> Double {
        (i < noiseFloor.count ? noiseFloor[i] : 0) + (i < noiseGrowth.count ? noiseGrowth[i] * reach : 0)
    }

    /// The rounding of a sample of output i of largest magnitude `magnitude`, taken within `reach`
    /// of x: a few ULPs of it, at least the subnormal spacing when it is not 0 (below the normal
    /// range rounding is absolute), and at least f's measured noise there. Shared by the stencils
    /// and the affine difference, so both judge a sample's digits alike.
    func sampleRounding(magnitude: Double, output i: Int, reach: Double) -> Double {
        Swift.max(DifferenceTuning.evaluationNoiseULPs * Swift.max(epsilon * magnitude, magnitude != 0 ? quantum : 0),
                  roundingFloor(output: i, reach: reach))
    }

    /// max|sₖ|·h: how far from x the stencil samples.
    func reach(_ stencil: Stencil, _ h: V) -> Double {
        Double(stencil.offsets.map { Swift.abs($0) }.max() ?? 0) * Double(h)
    }

    /// A fixed stencil at step h, with its truncation error estimated from the same stencil at 2h:
    /// D(h) − D(2h) ≈ (1 − 2ᵖ)·C·hᵖ·f⁽ᵖ⁺¹⁾, so |D(h) − D(2h)|/(2ᵖ − 1) estimates the truncation of D(h),
    /// to leading order: where that truncation dominates the rounding, or always for a stencil
    /// whose next term is one power of h away, the next order is allowed for from D(h/2) too
    /// (``withNextOrderAllowance(_:_:step:fine:coarse:output:outputs:)``).
    mutating func stencilEstimate(_ stencil: Stencil, step h: V, outputs m: Int) -> [DifferenceEstimate] {
        let fine = apply(stencil, step: h, outputs: m)
        let coarse = apply(stencil, step: 2 * h, outputs: m)
        let gain = Double.pow(2, Double(stencil.order)) - 1
        return (0..<m).map { i in
            let change = Swift.abs(fine.derivative[i] - coarse.derivative[i])
            let trunc = change / gain
            let err = trunc + fine.rounding[i]
            // The h/2h estimate assumes the truncation shrinks as hᵖ, so that |D| moves towards the
            // derivative as h shrinks. A D that instead grows by half or more when h halves, beyond
            // both roundings, has a pole or a steep feature within the steps, and the estimate
            // bounds nothing: 1/x at 10⁻⁹ gave 1.7·10¹⁰ "± 4.3·10⁹" for −10¹⁸ (D doubles as h
            // halves). A D dominated by a truncation that shrinks (x³ at 10⁻⁷: 3x² + h²) keeps its
            // estimate, which holds there.
            var warnings = fine.warnings[i]
            let (dh, d2h) = (Swift.abs(fine.derivative[i]), Swift.abs(coarse.derivative[i]))
            let beyondRounding = change > 4 * (fine.rounding[i] + coarse.rounding[i])
            if beyondRounding, !warnings.contains(.noConvergence),
               (dh > 1.5 * d2h && change > 0.5 * dh) || changesDoNotConverge(stencil, step: h, fine: fine, coarse: coarse, output: i, outputs: m) {
                warnings.append(.noConvergence)
            }
            var estimate = DifferenceEstimate(value: fine.derivative[i], errorEstimate: err.isNaN ? .infinity : err,
                                              step: Double(h), warnings: warnings, reach: reach(stencil, 2 * h))
            if stencil.alwaysLooksAtNextOrder || trunc > DifferenceTuning.nextOrderLookRatio * fine.rounding[i], err.isFinite {
                estimate = withNextOrderAllowance(estimate, stencil, step: h, fine: fine, coarse: coarse, output: i, outputs: m)
            }
            if stencil.looksOffLattice {
                estimate = heldOffLattice(estimate, stencil, step: h, output: i, outputs: m, share: 0)
            } else if stencil.looksOffLatticeWhenRoundingIsBounded && roundingBounded && !(i < affine.count && affine[i]) {
                // An output the tape shows affine along the axis has no period to alias, and a
                // fixed stencil there keeps the two applications the user's scheme asks for.
                estimate = heldOffLattice(estimate, stencil, step: h, output: i, outputs: m,
                                          share: DifferenceTuning.offLatticeAliasShare)
            }
            return estimate
        }
    }

    /// `e`, D(h) of `stencil` for output i, flagged no-convergence where D at h/φ
    /// (``DifferenceTuning/offLatticeStepRatio``) lies beyond twice e's error estimate plus its
    /// own rounding, and beyond `share` of the larger of the two differences: one of the two
    /// does not hold, and a period of f dividing h (every step of the power-of-two lattice
    /// reading one alias) is the usual reason. One application of the stencil, shared by every
    /// output and every caller at this step. An estimate already flagged, not finite, or at a
    /// step whose h/φ is below an ulp of x is returned as it is.
    mutating func heldOffLattice(_ e: DifferenceEstimate, _ stencil: Stencil, step h: V, output i: Int,
                                 outputs m: Int, share: Double) -> DifferenceEstimate {
        let t = V(DifferenceTuning.offLatticeStepRatio) * h
        guard e.errorEstimate.isFinite, !e.warnings.contains(.noConvergence), !stepBelowULP(t) else { return e }
        let fine = apply(stencil, step: h, outputs: m)
        let off = apply(stencil, step: t, outputs: m)
        guard i < off.derivative.count, i < fine.derivative.count else { return e }
        let gap = Swift.abs(off.derivative[i] - fine.derivative[i])
        var out = e
        let larger = Swift.max(Swift.abs(off.derivative[i]), Swift.abs(fine.derivative[i]))
        // NaN gap (a sample not finite at the new step) is no agreement either.
        if !(gap <= 2 * e.errorEstimate + off.rounding[i]) && !(gap <= share * larger) {
            out.warnings = (out.warnings + [.noConvergence]).sorted()
        }
        return out
    }

    /// Whether D(h) of `stencil` for output i moves by as much or more when h halves as when it
    /// doubles: the changes c₂ = D(2h) − D(h) and c₁ = D(h) − D(h/2) read `notShrinking`
    /// (``ChangeRatio``: of one sign, ρ = c₂/c₁ below 1), and again one halving further. One more
    /// application, at h/2 (shared with the next-order allowance), and one at h/4 where ρ is below 1.
    ///
    /// On a smooth stretch D(t) = f′ + a·tᵖ + …, so ρ ≈ 2ᵖ (2 one-sided, 4 central, 64 central6):
    /// the changes shrink and D(h) is within c₂/(2ᵖ − 1) of the limit. Where a jump J or a kink
    /// lies far closer to x than h, every sample straddles it and D(t) = g + c/t (c = J/2 for a
    /// jump, δ for |x − k| at distance δ), so ρ = 1/2 for every stencil, whatever g; a pole inside
    /// the steps gives 1/4 (D ≈ 1/t²). The two-step test beside this one sees only a D that grows
    /// by half as h halves, and D = g + c/t with g ≥ c/t never does: 3x + |x − k| at 1, with
    /// k = 1 − 2⁻³⁰, read 3.000122 ± 2·10⁻⁵ for 4 (by hand, D(t) = 3 + 2⁻³⁰/t), and |x − k| alone
    /// 1.2·10⁻⁴ ± 2·10⁻⁵ for 1 (its change exactly half of D(h), which the strict test missed).
    /// A smooth f gives ρ below 1 only where its two leading terms nearly cancel (c₂ ≈ 0, steps
    /// outside the asymptotic range), a band that flags the entry inconclusive, not wrong.
    ///
    /// An `erratic` reading (the changes alternate in sign, or D stops moving all at once) is not
    /// flagged, even confirmed at h/4: noise beyond the rounding model alternates too, and there
    /// the next-order allowance's Ridders combinations bound the error. Flagging it (tried) made
    /// the right ∂/∂x₀ of the Float staircase in BlackBoxFloatStaircaseTests inconclusive (its
    /// estimate ± 0.77 held) and let a sign flip there go unconvicted, for 2 fewer central misses
    /// over the calibration corpus (Float sin(x²) at 30: 0.0099 ± 0.58 for 3.97 among them).
    /// Aliasing by the high-order stencils is caught off the lattice instead
    /// (``Stencil/looksOffLattice``): there the lattice's ratios read the stencil's order exactly.
    /// For the central difference the confirmation at h/4 asks for its own rate, not only for
    /// another ρ below 1 (see the body).
    mutating func changesDoNotConverge(_ stencil: Stencil, step h: V, fine: StencilSample, coarse: StencilSample,
                                       output i: Int, outputs m: Int) -> Bool {
        guard !stepBelowULP(h / 2) else { return false }
        let half = apply(stencil, step: h / 2, outputs: m)
        guard i < half.derivative.count else { return false }
        let c2 = coarse.derivative[i] - fine.derivative[i]
        let c1 = fine.derivative[i] - half.derivative[i]
        // c₁ beyond its own rounding too, so a D(h/2) that is mostly rounding decides nothing.
        guard c1.isFinite, c2.isFinite, Swift.abs(c1) > 4 * (half.rounding[i] + fine.rounding[i]) else { return false }
        guard ChangeRatio(changes: c2, c1, order: stencil.order) == .notShrinking else { return false }
        // Confirmed one halving further: a smooth f whose two leading terms nearly cancel at h
        // (a·hᵖ against b·h^q) has ρ below 1 in a narrow band of steps, and at h/4 the leading
        // term has taken over (central: ρ ≈ 3.2 there; one-sided ≈ 1.5), while D = g + c/t keeps
        // ρ = 1/2. Unconfirmed, backward sin(10x) at 16.6676 (f″ = 0 there, Float) and Float
        // forward sin(40x)·sin(41x) at 0.6 were flagged though their estimates held.
        guard !stepBelowULP(h / 4) else { return true }
        let quarter = apply(stencil, step: h / 4, outputs: m)
        guard i < quarter.derivative.count else { return true }
        let c0 = half.derivative[i] - quarter.derivative[i]
        guard c0.isFinite else { return true }
        // D settles between h/4 and h/2: what looked like growth was the crossover.
        if Swift.abs(c0) <= 4 * (quarter.rounding[i] + half.rounding[i]) { return false }
        let reading = ChangeRatio(changes: c1, c0, order: stencil.order)
        // For the central difference only its own rate clears it: two leading terms a·h², b·h⁴
        // that nearly cancel at h (ρ in (0, 1) puts b·h² between −a/5 and −0.16a) leave ρ between
        // 3.2 and 3.4 at h/4 (by hand from c₁, c₀), while steps beyond f's scale of variation
        // still read slow there. Float sin(200x) at 1.3138 (h = 2⁻⁶, 200h just past π): D(2h),
        // D(h), D(h/2), D(h/4) are −0.449, 0.449, 54, 76 (ρ = 0.017, then 2.4), and its estimate
        // 0.449 ± 81 missed 84.65. One-sided stencils read about 1.5 at h/4 in that band, the
        // converging threshold itself, and keep the stricter reading.
        if stencil.isSecondOrderCentral { return reading != .converging }
        return reading == .notShrinking
    }

    /// `e`, D(h) of `stencil` for output i, with an error that allows for the next term of its
    /// truncation, read off one more application of the stencil at h/2.
    ///
    /// The h/2h estimate |D(h) − D(2h)|/(2ᵖ − 1) is exact for the leading term only. With
    /// D(t) = f′ + a·tᵖ + b·t^q (q the stencil's `nextOrder`: 4 for central) it is
    /// |a·hᵖ + b·h^q·(2^q − 1)/(2ᵖ − 1)| against the true |a·hᵖ + b·h^q|, for central 5b·h⁴ where
    /// the truth has b·h⁴: short wherever a and b have opposite signs, as for every sine. sin x at
    /// h = 0.5 (the default step at |x| ≈ 6·10⁴) gave 0.0391 for an error of 0.0411, 5% short;
    /// sin(10⁴x) at 0.3 and h = 7.6·10⁻⁶, 0.1% short. Three steps h/2, h, 2h fix both terms: two
    /// Richardson columns, R₁ = (2ᵖD(h/2) − D(h))/(2ᵖ − 1) and R₂ from R₁ and its twin on (h, 2h),
    /// leave f′ + O(h^{q+2}), so D(h)'s error is |D(h) − R₂| within R₂'s own, which Ridders' rule
    /// takes as |R₂ − R₁| (sin x at h = 0.5: 0.04127 for 0.04115). The error kept is the larger of
    /// the two estimates, plus the rounding those combinations carry (R₂ weighs D(h/2), which
    /// rounds twice as much as D(h), by 64/45 for central: 3.6 times D(h)'s rounding in all).
    /// Taken for a central stencil only where the h/2h estimate exceeds
    /// ``DifferenceTuning/nextOrderLookRatio`` times D(h)'s rounding (the caller), 2 evaluations
    /// more there; for a one-sided one at every step (``Stencil/alwaysLooksAtNextOrder``), 1 more
    /// for forward and backward (10 times D(h)'s rounding in the combinations), 2 for the
    /// adaptive value stencil (2.9 times).
    ///
    /// Steps outside the asymptotic range altogether (a pole or kink within them, a period of f
    /// shorter than them) are not made to hold by this: there no three differences bound anything.
    mutating func withNextOrderAllowance(_ e: DifferenceEstimate, _ stencil: Stencil, step h: V,
                                         fine: StencilSample, coarse: StencilSample, output i: Int,
                                         outputs m: Int) -> DifferenceEstimate {
        guard let q = stencil.nextOrder, q > stencil.order, !stepBelowULP(h / 2) else { return e }
        let half = apply(stencil, step: h / 2, outputs: m)
        var out = e
        guard i < half.derivative.count, half.derivative[i].isFinite else {
            // f is not finite between x and the samples that were: a pole or domain edge within them.
            out.errorEstimate = .infinity
            if !out.warnings.contains(.nonFinite) { out.warnings = (out.warnings + [.nonFinite]).sorted() }
            return out
        }
        let (a, b, c) = (half.derivative[i], fine.derivative[i], coarse.derivative[i])
        let r = Double.pow(2, Double(stencil.order)), s = Double.pow(2, Double(q))
        let r1 = (r * a - b) / (r - 1), r1Twin = (r * b - c) / (r - 1)
        let r2 = (s * r1 - r1Twin) / (s - 1)
        // R₂ = wₐ·D(h/2) + w_b·D(h) + w_c·D(2h), and R₂ − R₁ has weights wₐ − r/(r − 1),
        // w_b + 1/(r − 1), w_c: each difference's rounding enters by those weights.
        let denominator = (r - 1) * (s - 1)
        let (wa, wb, wc) = (s * r / denominator, -(s + r) / denominator, 1 / denominator)
        let rounding = (Swift.abs(wa) + Swift.abs(wa - r / (r - 1))) * half.rounding[i]
            + (Swift.abs(wb) + Swift.abs(wb + 1 / (r - 1))) * fine.rounding[i]
            + 2 * Swift.abs(wc) * coarse.rounding[i]
        let refined = Swift.abs(b - r2) + Swift.abs(r2 - r1) + rounding
        out.errorEstimate = refined.isNaN ? .infinity : Swift.max(e.errorEstimate, refined)
        return out
    }

    /// Richardson extrapolation of the central difference (Ridders' tableau) from a given h₀:
    /// steps h₀/2ᵏ, each column removes the next even power of h, error estimated from
    /// neighbouring tableau entries. The automatic step uses ``richardsonScanned(outputs:)``,
    /// which finds h₀ from f; this entry is for a step the caller chose.
    mutating func richardson(initialStep h0: V, outputs m: Int) -> [DifferenceEstimate] {
        let central = Stencil.of(.central)
        var tableaux = [RiddersTableau](repeating: RiddersTableau(), count: m)
        var stopped = [Bool](repeating: false, count: m)
        var first: StencilSample? = nil
        var samples: [StencilSample] = []
        var steps: [V] = []
        var h = h0
        for _ in 0..<DifferenceTuning.richardsonMaxLevels {
            let sample = apply(central, step: h, outputs: m)
            first = first ?? sample
            samples.append(sample)
            steps.append(h)
            for i in 0..<m where !stopped[i] {
                if tableaux[i].add(sample.derivative[i], rounding: sample.rounding[i]) { stopped[i] = true }
            }
            if stopped.allSatisfy({ $0 }) { break }
            h = h / 2
        }
        return (0..<m).map { i in
            guard let best = tableaux[i].best else {
                // One level or no finite entry: the central difference at h₀, unqualified.
                let d = first?.derivative[i] ?? .nan
                var warnings = first?.warnings[i] ?? []
                if !d.isFinite && !warnings.contains(.nonFinite) { warnings.append(.nonFinite) }
                return DifferenceEstimate(value: d, errorEstimate: .infinity, step: Double(h0), warnings: warnings,
                                          reach: Double(h0))
            }
            // Rounding is not part of Ridders' estimate when the tableau converged early; add a floor.
            let floor = DifferenceTuning.evaluationNoiseULPs * epsilon * Swift.abs(best.value)
            var e = DifferenceEstimate(value: best.value, errorEstimate: Swift.max(best.error, floor),
                                       step: Double(steps[best.level]), warnings: samples[best.level].warnings[i],
                                       reach: Double(h0))
            if !e.value.isFinite {
                e.errorEstimate = .infinity
                if !e.warnings.contains(.nonFinite) { e.warnings.append(.nonFinite) }
            }
            return e
        }
    }
}
