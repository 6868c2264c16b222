import AdjointCore
import RealModule

// Checks of hand-written derivatives of functions Adjoint cannot look inside: simulation code, C
// calls, anything that is only a `([Double]) -> [Double]`. No AD runs and no complex step (the
// function is not generic), so the witnesses are the difference ladder alone, judged with the same
// tolerances and verdicts as `checkJacobian`, and the report is the same `CheckReport`.
//
// One core serves the Jacobian, gradient, JVP and VJP checks: an entry is a linear functional
// r of the outputs (a row of the identity, or a cotangent u) differentiated along a direction d (a
// unit vector, or a tangent v). A difference along d gives every output at once, so a column
// costs one line probe however many functionals are read from it.

extension WitnessRung {
    /// The witnesses a black-box function allows: central, the adaptive stencil, Richardson. The
    /// complex step and exact rationals need a function generic over ``ADScalar``.
    public static let blackBoxLadder: [WitnessRung] = [
        .differences(.central), .differences(.adaptive), .differences(.richardson),
    ]
}

extension CheckOptions {
    /// The defaults for a black-box check: the difference-only ladder, derived tolerances, no
    /// forward/reverse subjects and no random-direction JVP (there is no forward mode to run).
    ///
    /// ```swift
    /// var o = CheckOptions.blackBox
    /// o.rtol = 1e-6
    /// ```
    public static var blackBox: CheckOptions {
        var o = CheckOptions()
        o.ladder = WitnessRung.blackBoxLadder
        o.checkForward = false
        o.checkReverse = false
        o.directionSeed = nil
        return o
    }
}

/// The ``KinkAnalysis/ops`` of a black-box entry whose one-sided derivatives differ: a black box
/// has no tape to name the op.
public let blackBoxKinkTag = "one-sided derivatives differ"

/// Checks a claimed Jacobian of a black-box function against differences of the function.
///
/// The function is only evaluated, never differentiated. Each entry climbs
/// ``WitnessRung/blackBoxLadder`` (central → adaptive → Richardson) with the tolerance
/// |claimed − witness| ≤ atol + rtol·|witness|, atol = 4·(error estimate) + 64ε·(entry scale: the
/// row's largest entry, or less for an entry far below it with the inputs' scales applied),
/// rtol = the witness's nominal accuracy + 64ε (ε of `V`: Float's for Float functions); options
/// override either. As in `checkJacobian`, one agreeing rung does not overrule two reliable ones
/// that disagree (inconclusive, witnesses-conflict), and an agreement looser than ε^{1/3} of the
/// entry gives way to a sharper disagreement. Nor does an agreement of a difference whose samples
/// straddle a kink (its one-sided secant slopes differ by nearly as much at half or a sixteenth
/// of its reach: it returned the mean of the two slopes), tested on central's own samples and,
/// after a disagreement, on the agreeing rung's: 3·max(x, 0) at 10⁻¹⁷ passed a claimed 1.5 beside
/// the true 3. When no rung agrees, differences across the point at
/// shrinking steps and one-sided differences decide between a jump (`discontinuity`), a kink
/// (`kink`, valid when the claimed value lies between the one-sided derivatives; not judged when
/// the derivatives part only at steps reaching across an input's 0, where the kink may be instead)
/// and a wrong rule.
/// Steps are scaled to max(1, |xⱼ|) along each line; where a rung's samples are not finite while
/// f(x) is (log x at 10⁻¹⁵, stepping past 0), Richardson's and the adaptive method's steps on that
/// line, and the step scan's, are scaled to |xⱼ| instead (central's fixed step is not).
///
/// A wrong rule is called only when a step scan confirms it: central differences (and two
/// Richardson extrapolations of them) at steps off the power-of-two lattice, down to where f's *measured* noise
/// hides the gap, must settle away from the claim over three steps. Where they settle on the
/// claim instead (a rung's steps spanned a short-scale term, such as sin(x₂)·x₀ beside x₁x₂ at
/// x₂ = 10⁶) the claim passes on the scan when its steps are below every disagreeing rung's, and
/// is inconclusive with witnesses-conflict otherwise; where f's noise hides the gap
/// (f rounding on the scale of an intermediate far larger than itself, or a term below f's noise
/// per unit of the input) it is inconclusive with noisy-evaluation. The scan's level appears as the
/// last rung of the entry's ladder ("central step scan"); a custom witness's disagreement convicts
/// without it.
///
/// A witness's estimate decides only when it is small beside the entry's scale: the claim, the
/// witness, the row's largest entry, f. Where all of these are 0 (a stationary point where f is
/// 0: the minimum of x₀² + x₁², Rosenbrock's (1, 1, 1, 1)) the scale is f's change per unit of
/// the input (its difference over 1/8 of max(1, |xⱼ|)); agreement is still within the estimate's
/// error, so a claim 10⁻⁹ off there is convicted.
///
/// An agreement whose tolerance reaches 0 from the claim (an entry 10⁻⁸ of its row, within
/// f's rounding over steps scaled to its own input) would pass the claim's negative too. The
/// step scan at the entry's own scale passes it when its settled levels resolve and support the
/// claim; otherwise the entry is `fd-inconclusive` with ``FDWarning/belowResolution`` and the
/// agreeing witness and its tolerance shown, never a pass. One exception: a claim within its own
/// rounding allowance of 0 where f stays within a few ulps of |f(x)| on both sides at every step of
/// the scan out to the input's scale, and that rounding hides no more slope than the allowance
/// (a Huber loss along an input its linear pieces cancel on), agrees ("flat to rounding"): f's
/// slope is then within its rounding over the finest flat step, whatever the claim's sign, for f
/// as it computes. A term f's own rounding absorbs at every step tried ((10¹³ + 10⁻⁶·x₀) − 10¹³
/// beside the loss) is invisible to any black box, and its slope is not in that tolerance. Steps
/// beyond the entry's own scale measure a secant, not the derivative: x₀ + 10⁻⁹x₂ + 2·10⁻⁹sin x₂ at (10⁷, π) has
/// ∂f/∂x₂ = −10⁻⁹, and steps up to 10⁷ settle on the linear term's +10⁻⁹.
///
/// ```swift
/// let f: ([Double]) -> [Double] = { x in [x[0] * x[1], sin(x[0])] }
/// let r = try checkBlackBoxJacobian(of: f, at: [1.0, 2.0],
///                                   claimed: { x in [[x[1], x[0]], [cos(x[0]), 0]] })
/// r.passed   // true
/// ```
/// - Throws: ``ADError/dimensionMismatch(what:expected:got:)`` for a claimed Jacobian of the wrong
///   shape, ``ADError/invalidArgument(_:)`` for invalid tolerances, steps or custom witnesses (and,
///   in the JVP and VJP checks, a non-finite direction or cotangent, or a JVP direction of all zeros). A non-finite f(x) is reported in
///   ``CheckReport/problem``, not thrown.
@_specialize(where V == Double)
@_specialize(where V == Float)
public func checkBlackBoxJacobian<V: ADScalar & BinaryFloatingPoint & Real & Sendable>(
    of f: @escaping ([V]) -> [V], at x: [V], claimed: ([V]) throws -> [[V]],
    claimedName: String = "claimed", options: CheckOptions = .blackBox
) throws -> CheckReport {
    // Specialised for Double and Float (the attributes above, and on the JVP, VJP and gradient
    // forms): its callers live in other modules (AdjointTesting's Hessian property, jac, users'
    // tests), where the checker ran as unspecialised generic code and the runtime's metadata
    // lookups took most of its time: 20 trials of a 20-input Hessian property, 690 → 70 ms.
    try options.validate()
    let n = x.count
    let directions = (0..<n).map { j in (0..<n).map { $0 == j ? V(1) : V(0) } }
    try options.validateNames(inputs: n)
    var check = BlackBoxChecker(f: f, x: x, directions: directions, functionals: nil, options: options)
    guard let value = check.evaluate() else { return check.report }
    try options.validateNames(inputs: n, outputs: value.count)
    let c = try claimed(x)
    try requireShape(c, rows: value.count, cols: n, what: "claimed Jacobian", jacobian: true)
    return check.run(claimed: c.map { $0.map { Double($0) } }, claimedName: claimedName)
}

/// Checks a claimed gradient of a black-box scalar function (``checkBlackBoxJacobian(of:at:claimed:claimedName:options:)``
/// with one output).
///
/// ```swift
/// let r = try checkBlackBoxGradient(of: { (x: [Double]) in x[0] * x[0] * x[1] }, at: [1.5, 2.0],
///                                   claimedGradient: { x in [2 * x[0] * x[1], x[0] * x[0]] })
/// ```
///
/// Spell out the closure's input type (`(x: [Double])`): left to infer `V` from untyped closures,
/// the compiler gives up ("unable to type-check this expression in reasonable time").
@_specialize(where V == Double)
@_specialize(where V == Float)
public func checkBlackBoxGradient<V: ADScalar & BinaryFloatingPoint & Real & Sendable>(
    of f: @escaping ([V]) -> V, at x: [V], claimedGradient: ([V]) throws -> [V],
    claimedName: String = "claimed", options: CheckOptions = .blackBox
) throws -> CheckReport {
    try checkBlackBoxJacobian(of: { [f($0)] }, at: x, claimed: { try gradientRow(try claimedGradient($0), inputs: $0.count) },
                              claimedName: claimedName, options: options)
}

/// Checks a claimed Jacobian–vector product J·v of a black-box function against a difference
/// along v (one line probe, whatever n is). The report has one column: entry (i, 0) is (J·v)ᵢ.
///
/// ```swift
/// let r = try checkBlackBoxJVP(of: { (x: [Double]) in [x[0] * x[1]] }, at: [1.0, 2.0], direction: [0.3, -1],
///                              claimed: { x, v in [x[1] * v[0] + x[0] * v[1]] })
/// ```
@_specialize(where V == Double)
@_specialize(where V == Float)
public func checkBlackBoxJVP<V: ADScalar & BinaryFloatingPoint & Real & Sendable>(
    of f: @escaping ([V]) -> [V], at x: [V], direction v: [V], claimed: ([V], [V]) throws -> [V],
    claimedName: String = "claimed", options: CheckOptions = .blackBox
) throws -> CheckReport {
    try options.validate()
    if v.count != x.count {
        throw ADError.dimensionMismatch(what: "direction length (number of inputs)", expected: x.count, got: v.count)
    }
    if let k = v.firstIndex(where: { !$0.isFinite }) {
        throw ADError.invalidArgument("direction entry \(k) is \(v[k]); a JVP direction must be finite")
    }
    // f does not move along a zero direction, so every difference cancelled and a claimed J·0 of
    // 1 was "fd-inconclusive (cancellation)": the check judges nothing of J there.
    if !v.isEmpty && v.allSatisfy({ $0 == 0 }) {
        throw ADError.invalidArgument("the direction is 0: J·0 = 0 whatever J is, so no entry of J can be judged; pass a nonzero direction")
    }
    try options.validateNames(inputs: x.count)
    var check = BlackBoxChecker(f: f, x: x, directions: [v], functionals: nil, options: options)
    // Its one column is the derivative along v, no input's.
    check.report.columnName = "v"
    guard let value = check.evaluate() else { return check.report }
    try options.validateNames(inputs: x.count, outputs: value.count)
    let jv = try claimed(x, v)
    try requireShape([jv], rows: 1, cols: value.count, what: "claimed JVP (one entry per output)")
    return check.run(claimed: jv.map { [Double($0)] }, claimedName: claimedName)
}

/// Checks a claimed vector–Jacobian product uᵀJ of a black-box function. The reference is
/// uᵀ(difference Jacobian) with error Σᵢ|uᵢ|·errᵢⱼ: each column's difference gives all outputs at
/// once, so this costs what a Jacobian check costs. The report has one row: entry (0, j) is (uᵀJ)ⱼ.
///
/// ```swift
/// let r = try checkBlackBoxVJP(of: { (x: [Double]) in [x[0] * x[1], x[0]] }, at: [2.0, 3.0], cotangent: [1, 10],
///                              claimed: { x, u in [u[0] * x[1] + u[1], u[0] * x[0]] })
/// ```
@_specialize(where V == Double)
@_specialize(where V == Float)
public func checkBlackBoxVJP<V: ADScalar & BinaryFloatingPoint & Real & Sendable>(
    of f: @escaping ([V]) -> [V], at x: [V], cotangent u: [V], claimed: ([V], [V]) throws -> [V],
    claimedName: String = "claimed", options: CheckOptions = .blackBox
) throws -> CheckReport {
    try options.validate()
    let n = x.count
    let directions = (0..<n).map { j in (0..<n).map { $0 == j ? V(1) : V(0) } }
    try options.validateNames(inputs: n)
    var check = BlackBoxChecker(f: f, x: x, directions: directions, functionals: [u.map { Double($0) }], options: options)
    // Its one row is the derivative of uᵀf, no output's.
    check.report.rowName = "uᵀf"
    guard let value = check.evaluate() else { return check.report }
    if u.count != value.count {
        throw ADError.dimensionMismatch(what: "cotangent length (number of outputs)", expected: value.count, got: u.count)
    }
    try options.validateNames(inputs: n, outputs: value.count)
    // A NaN weight made every reference NaN and the claim "rule-wrong" against it.
    if let k = u.firstIndex(where: { !$0.isFinite }) {
        throw ADError.invalidArgument("cotangent entry \(k) is \(u[k]); a VJP cotangent must be finite")
    }
    let uj = try claimed(x, u)
    try requireShape([uj], rows: 1, cols: n, what: "claimed VJP (one entry per input)")
    return check.run(claimed: [uj.map { Double($0) }], claimedName: claimedName)
}

/// A claimed gradient as the one row of a Jacobian, its length checked first: checked as a
/// Jacobian, a gradient one entry short was "columns of the claimed Jacobian (inputs): expected 4,
/// got 3", and a user who had written a gradient looked for a Jacobian.
@usableFromInline func gradientRow<V>(_ g: [V], inputs n: Int) throws -> [[V]] {
    guard g.count == n else {
        throw ADError.dimensionMismatch(what: "claimed gradient length (one entry per input)", expected: n, got: g.count)
    }
    return [g]
}

/// Rows are outputs, columns inputs; a claim with the transposed shape says so (the usual mistake
/// behind a shape error: a Jacobian written column by column).
func requireShape<T>(_ rows: [[T]], rows m: Int, cols n: Int, what: String, jacobian: Bool = false) throws {
    let transposed = jacobian && m != n && rows.count == n && rows.allSatisfy { $0.count == m }
    let hint = transposed ? "; it has the transposed shape \(n)×\(m): rows must be outputs, columns inputs" : ""
    let (r, c) = jacobian ? (" (outputs)", " (inputs)") : ("", "")
    if rows.count != m { throw ADError.dimensionMismatch(what: "rows of the \(what)\(r)\(hint)", expected: m, got: rows.count) }
    if let bad = rows.first(where: { $0.count != n }) {
        throw ADError.dimensionMismatch(what: "columns of the \(what)\(c)\(hint)", expected: n, got: bad.count)
    }
}

/// The state of one black-box check: the function, the point, the directions and functionals,
/// and the witness estimates computed so far (a rung is evaluated only when an entry reaches it).
struct BlackBoxChecker<V: ADScalar & BinaryFloatingPoint & Real & Sendable> {
    let f: ([V]) -> [V]
    let x: [V]
    let directions: [[V]]
    /// Rows of weights over the outputs; nil means the outputs themselves.
    let functionals: [[Double]]?
    let options: CheckOptions
    var report: CheckReport
    var value: [V] = []
    /// Estimates per (rung, direction), one per raw output; nil when the rung cannot run here.
    var cache: [Key: [DifferenceEstimate]?] = [:]
    /// Why a custom witness could not run (what it threw), by rung: the report says so, as the
    /// generic check does. "evaluation failed" alone hid an AD witness refused by a vector
    /// primitive without the rule its mode needs.
    var customFailures: [Int: String] = [:]
    /// The step scan's probe per direction: its samples give every output, so the rows of one
    /// column share them (a transposed 100×100 claim scans each column once, not 100 times).
    var scanProbes: [Int: LineProbe<V>] = [:]
    /// Per direction, (f(x ± h·d) − f(x))/h per output (``variation(_:_:)``); nil inside when not taken.
    var variations: [Int: [[Double]]?] = [:]
    /// Per [functional, direction], the slope beyond the flat steps where ``staircaseBeyondFlat(_:_:)``
    /// found one: the report's note on a claimed 0 left undecided there.
    var staircaseSlopes: [[Int]: Double] = [:]
    /// Per [functional, direction, doublings], what ``treadBesideFlatSide(_:_:levels:)`` found (nil
    /// inside: no tread beside a flat side), so the rungs that ask again pay nothing.
    var treadsBesideFlatSides: [[Int]: TreadBesideFlatSide?] = [:]
    /// Per [functional, direction], the tread that left a claimed 0 undecided: the report's note.
    var zeroClaimTreads: [[Int]: TreadBesideFlatSide] = [:]
    /// The kink probe's lines (``kinkAlongProbedDirection(_:claimed:claimedName:)``), by direction:
    /// its seeded directions are the same for every row, and a sample gives every output, so a
    /// Jacobian whose rows all convict (a transposed claim) pays for them once, not once a row.
    var kinkProbes: [[Double]: LineProbe<V>] = [:]
    /// Why ``convictFlatAboveRounding(_:_:)`` convicted entry [row, column], for the report's notes.
    var flatConvictionWhy: [[Int]: FindingText] = [:]
    /// Why entry [row, column]'s jump test could not judge the jump it saw (``JumpFinding/unmeasured(jump:why:)``),
    /// for the report's notes.
    var unmeasuredJumpWhy: [[Int]: FindingText] = [:]
    struct Key: Hashable { let rung: Int; let direction: Int }
    /// Per output, f's measured noise as a bound on one evaluation's rounding, where it exceeds
    /// the few ulps of f that differences assume (0 elsewhere; empty: within the model
    /// everywhere). See ``measureNoise()``.
    var noiseFloor: [Double] = []

    /// A probe of f along v, told f's measured noise and f(x): every line re-evaluated f at the
    /// point once it read it, an evaluation per probed direction (a program request per line in
    /// `jac check --program`), though ``evaluate()`` had it already.
    func newLine(_ v: [V]) -> LineProbe<V> {
        var line = LineProbe<V>(eval: f, x: x, v: v, center: value.isEmpty ? nil : value)
        line.noiseFloor = noiseFloor
        line.shared = samples
        if let s = narrowedScales.scale[v] { line.narrowScale(to: s) }
        return line
    }

    /// Per direction, the smaller step scale a rung's non-finite samples called for (see
    /// ``domainScale(_:)``); every later probe of that line takes its steps from it.
    final class NarrowedScales { var scale: [[V]: Double] = [:] }
    let narrowedScales = NarrowedScales()

    /// Per direction, f's rounding measured beside x by the jump test (``roundingApartBesideX(_:on:)``):
    /// the rows of a column judge their jumps on one line, and measure it once.
    final class LineNoise { var sides: [Int: [NoiseTableSweep]] = [:] }
    let lineNoise = LineNoise()

    /// A step scale along v within which f stays finite, where f(x) is finite but a rung's steps,
    /// taken from max(1, |xⱼ|), left f's domain: log x at 10⁻¹⁵ was fd-inconclusive (non-finite)
    /// for the right claim and a wrong one alike, since every step below 1 but above 10⁻¹⁵ reads
    /// log of a negative number. The candidates are the smallest nonzero |xⱼ|/|vⱼ| over the
    /// inputs v moves (the one nearest 0, where domains commonly end: along (1, 1) at
    /// (10⁻¹⁵, 0.5) it is x₀'s) and a few quarters of it, each accepted when f is finite at
    /// x ± s/4, beyond the farthest sample Richardson's first level takes (0.125·s rounded to a
    /// power of two, at most 0.18·s); nil when none is (x on the domain's edge, as √x at 0) or
    /// when the candidate is no smaller than the scale already used.
    func domainScale(_ v: [V]) -> Double? {
        var line = newLine(v)
        guard !value.isEmpty, value.allSatisfy(\.isFinite) else { return nil }
        var s = Double.infinity
        for (xj, vj) in zip(x, v) where vj != 0 && xj != 0 {
            s = Swift.min(s, Swift.abs(Double(xj)) / Swift.abs(Double(vj)))
        }
        guard s.isFinite, s > 0, s < line.scale else { return nil }
        for _ in 0..<6 {
            let t = V(0.25 * s)
            guard t > 0, t.isFinite, !line.stepBelowULP(t) else { return nil }
            let (yp, ym) = (line.at(t), line.at(-t))
            if yp.count == value.count, ym.count == value.count, (yp + ym).allSatisfy(\.isFinite) { return s }
            s /= 4
        }
        return nil
    }

    /// f's samples, shared by every probe (``SampleStore``): a wrong entry's line is probed by
    /// three rungs, the jump test, the one-sided test and the step scan, each row of a Jacobian
    /// probes its column's line again, and the estimates made before f's noise was measured are
    /// recomputed with it; none of them evaluates f again at a point already sampled.
    let samples = SampleStore<V>()

    /// f is opaque: its rounding can be far above the few ulps of its value that the difference
    /// engine assumes (a 2×2 solve near a singular matrix rounds 10⁵ ulps of its outputs, and a
    /// claim with a and b swapped, 10⁻⁶ off, agreed with a difference settled at 1.000000e12
    /// ± 1030). Moré–Wild's difference table (``measureNoise(_:at:center:outputs:direction:steps:)``)
    /// along one direction moving every input: 16 evaluations, up to 40. Where σ exceeds the
    /// model, 4σ is the floor of every probe made after it. Measured once, when an entry needs
    /// more than the first rung (``measureNoiseOnce()``): a check that central settles pays nothing.
    ///
    /// The table's first spacings follow the inputs' scale (2⁻²⁰·|xⱼ|), and a term of f that varies
    /// on a unit of the input is "noise" there: sin(x) + x at 2.9·10⁸ measured σ ≈ 0.5, 10⁷ ulps,
    /// the floor hid the sine's slope from every witness, and the right 1.95 was inconclusive
    /// (noisy-evaluation) beside settled differences of 1.0. Where σ above the model was measured
    /// and some spacings reach beyond a unit of an input, the table is taken again at the
    /// spacings within it; a σ measured there ``DifferenceTuning/structureNoiseFactor`` times
    /// smaller is f's noise, the larger one structure. A table flat there (a staircase of
    /// rounding wider than its spacings, (x + 10²⁰) − 10²⁰) measures nothing and keeps the first σ.
    ///
    /// f that rounds to a grid coarser than a few ulps of f, its inputs and 1 (a float32 sum of
    /// 200 sines returned as Double, σ ≈ 10⁻⁷) reads treads at the table's second spacing, so the
    /// two never agreed: no noise was measured, and at (3.05, 2) central's 12% tolerance passed a
    /// gradient 1% off. Such a staircase's σ is taken once the table beside it confirms it.
    mutating func measureNoise() {
        let m = value.count
        let direction = noiseDirection(x.map { Double($0) })
        let steps = noiseSteps(epsilon: eps)
        let counted: ([V]) -> [V] = { [f] in Instrumentation.countEvaluation(); return f($0) }
        // A staircase coarser than what a few ulps of f, its inputs and 1 round away (the
        // flat tests' model, ``flatRoundingBound(_:_:)``) is f's noise: a float32 accumulation.
        let inputScale = x.map { Swift.abs(Double($0)) }.filter(\.isFinite).max() ?? 0
        let staircases = value.map { DifferenceTuning.evaluationNoiseULPs * eps * Swift.max(Swift.abs(Double($0)), 1, inputScale) }
        var measured = AdjointCheck.measureNoise(counted, at: x, center: value, outputs: m, direction: direction, steps: steps,
                                                 staircasesAbove: staircases)
        noiseEvaluations = measured.evaluations
        let widest = 4 * (direction.map { Swift.abs($0) }.max() ?? 1)
        let withinUnit = steps.filter { $0 * widest <= 1 }
        let aboveModel = (0..<m).filter { RuleCheck.noiseFloor(measured: measured.sigma[$0], value: Double(value[$0]), epsilon: eps) > 0 }
        if !aboveModel.isEmpty, withinUnit.count >= 2, withinUnit.count < steps.count {
            let closer = AdjointCheck.measureNoise(counted, at: x, center: value, outputs: m, direction: direction, steps: withinUnit)
            noiseEvaluations += closer.evaluations
            for i in aboveModel {
                if let far = measured.sigma[i], let near = closer.sigma[i], DifferenceTuning.structureNoiseFactor * near <= far {
                    measured.sigma[i] = near
                }
            }
        }
        let floors = (0..<m).map { i in
            RuleCheck.noiseFloor(measured: measured.sigma[i], value: Double(value[i]), epsilon: eps)
        }
        guard floors.contains(where: { $0 > 0 }) else { return }
        noiseFloor = floors
        // What was flat and what moved is judged against the noise floor: a tread found before
        // it was measured was found against f's few ulps alone.
        treadsBesideFlatSides.removeAll()
        let noisy = (0..<m).compactMap { i -> String? in
            guard floors[i] > 0, let sigma = measured.sigma[i] else { return nil }
            let ulps = sigma / (eps * Swift.max(Swift.abs(Double(value[i])), .leastNormalMagnitude))
            return "output \(i): σ = \(fmt(sigma)) (\(fmt(ulps)) ulps of |\(fmt(Double(value[i])))|)"
        }
        // "Far above" only where it is: a Jacobi solve at 3 ulps was told it rounds "far above its
        // outputs' ulps" (a review), next to the σ that said otherwise.
        let worstULPs = (0..<m).compactMap { i -> Double? in
            guard floors[i] > 0, let sigma = measured.sigma[i] else { return nil }
            return sigma / (eps * Swift.max(Swift.abs(Double(value[i])), .leastNormalMagnitude))
        }.max() ?? 0
        let how = worstULPs >= 100 ? "far above its outputs' ulps" : "above the \(fmt(DifferenceTuning.evaluationNoiseULPs)) ulps of its outputs that differences assume"
        report.noiseFindings = ["the function rounds \(how): noise measured at the point, "
            + noisy.joined(separator: ", ") + "; differences assume \(fmt(MeasuredNoise.bound))σ per evaluation"]
    }
    /// Evaluations ``measureNoise()`` made.
    var noiseEvaluations = 0
    var noiseMeasured = false

    /// ``measureNoise()`` the first time it is asked for; where it sets a floor, the estimates
    /// made without it are dropped, so later entries and rungs are computed with it (the entries
    /// judged before keep their first rung's agreement, which a claim reaches through f's noise
    /// only by coinciding with it).
    mutating func measureNoiseOnce() {
        guard !noiseMeasured else { return }
        noiseMeasured = true
        measureNoise()
        if !noiseFloor.isEmpty {
            cache.removeAll()
            scanProbes.removeAll()
            variations.removeAll()
            kinkProbes.removeAll()
        }
    }
    var eps: Double { Double(V.ulpOfOne) }

    /// What the jump test (``jumpAcross(_:_:slope:)``) makes of entry [r, d]: `discontinuity`,
    /// `fd-inconclusive (noisy-evaluation)` where f's rounding beside x cannot tell a jump from it
    /// (its reason kept for the report's notes), or nil where f looks continuous across x. f's
    /// noise is measured first if no rung needed it yet: a jump is judged against it.
    mutating func jumpVerdict(_ r: Int, _ d: Int, slope: Double) -> Verdict? {
        measureNoiseOnce()
        switch jumpAcross(r, d, slope: slope) {
        case .continuous: return nil
        case .jump(let jump): return .discontinuity(jump: jump)
        case .unmeasured(_, let why):
            unmeasuredJumpWhy[[r, d]] = why
            return .fdInconclusive(reasons: [.noisyEvaluation])
        }
    }

    /// The first sample at which f returned another number of outputs than at x.
    final class OutputCountWatch {
        var expected: Int? = nil
        var firstMismatch: (got: Int, at: [Double])? = nil
        func note(_ count: Int, at x: [V]) {
            guard let e = expected else { expected = count; return }
            if count != e && firstMismatch == nil { firstMismatch = (count, x.map { Double($0) }) }
        }
    }
    let outputCount = OutputCountWatch()

    init(f: @escaping ([V]) -> [V], x: [V], directions: [[V]], functionals: [[Double]]?, options: CheckOptions) {
        // f returning fewer outputs at a sample (an early exit returning []) read as NaN there,
        // and the entry as "fd-inconclusive (non-finite)" with nothing saying why (a review).
        let watch = outputCount
        self.f = { x in let y = f(x); watch.note(y.count, at: x); return y }
        self.x = x; self.directions = directions; self.functionals = functionals; self.options = options
        report = CheckReport(point: x.map { Double($0) }, scalarType: "\(V.self)", epsilon: Double(V.ulpOfOne),
                             ladder: options.ladder.map(\.name), options: options)
    }

    /// f(x), or nil with ``CheckReport/problem`` set when it is not finite.
    mutating func evaluate() -> [V]? {
        if let k = x.firstIndex(where: { !$0.isFinite }) {
            report.problem = .nonFinite(what: "input x[\(k)] = \(x[k]): the point must be finite", op: nil, node: nil)
            return nil
        }
        Instrumentation.countEvaluation()
        let y = f(x)
        report.value = y.map { Double($0) }
        if let i = y.firstIndex(where: { !$0.isFinite }) {
            report.problem = .nonFinite(what: "output \(i) of the black-box function at the point", op: nil, node: nil)
            return nil
        }
        value = y
        samples[x] = y
        return y
    }

    var rowCount: Int { functionals?.count ?? value.count }

    /// Σᵢ wᵢ·(per-output quantity), or the output itself for the identity functional.
    func combine(_ r: Int, _ perOutput: [Double]) -> Double {
        guard let w = functionals?[r] else { return perOutput[r] }
        var s = 0.0
        for (wi, q) in zip(w, perOutput) where wi != 0 { s += wi * q }
        return s
    }

    func combineAbs(_ r: Int, _ perOutput: [Double]) -> Double {
        guard let w = functionals?[r] else { return Swift.abs(perOutput[r]) }
        var s = 0.0
        for (wi, q) in zip(w, perOutput) where wi != 0 { s += Swift.abs(wi) * Swift.abs(q) }
        return s
    }

    /// One rung's estimate of functional r along direction d (nil: the rung cannot run here).
    mutating func estimate(rung k: Int, direction d: Int, row r: Int) -> DifferenceEstimate? {
        if k > 0 { measureNoiseOnce() }
        let key = Key(rung: k, direction: d)
        if cache[key] == nil {
            do { cache[key] = .some(try probe(rung: k, direction: d)) } catch {
                cache[key] = .some(nil)
                if customFailures[k] == nil { customFailures[k] = "custom witness threw: \(error)" }
            }
        }
        guard let perOutput = cache[key] ?? nil else { return nil }
        if functionals == nil { return perOutput[r] }
        let w = functionals?[r] ?? []
        var warnings = Set<FDWarning>()
        for (wi, e) in zip(w, perOutput) where wi != 0 { warnings.formUnion(e.warnings) }
        return DifferenceEstimate(value: combine(r, perOutput.map(\.value)),
                                  errorEstimate: combineAbs(r, perOutput.map(\.errorEstimate)),
                                  step: perOutput.first?.step ?? 0, warnings: warnings.sorted(),
                                  reach: perOutput.map(\.reach).max() ?? 0)
    }

    /// Whether a weighted sum's `cancellation` (a VJP's entry) comes only from outputs that ignore
    /// the input, while another weighted output moves: each such output differenced to exactly 0
    /// and is constant at the input's own scale too (the evidence `convictFlatAboveRounding`
    /// convicts on), so its term is 0 and its error estimate is already in the sum. The warning,
    /// merged from f₁ = x₁²x₂ along x₀, made every disagreement "prove nothing": a VJP written as
    /// J·u for uᵀJ was fd-inconclusive at every entry of a Jacobian with one structural zero per
    /// column (a review). Asked only of a disagreement, so an agreement costs nothing more.
    mutating func cancelledOnlyWhereOutputsIgnoreTheInput(rung k: Int, direction d: Int, row r: Int) -> Bool {
        guard let w = functionals?[r], let perOutput = cache[Key(rung: k, direction: d)] ?? nil else { return false }
        var moving = false
        for (i, (wi, e)) in zip(w, perOutput).enumerated() where wi != 0 {
            guard e.warnings.contains(.cancellation) else { moving = true; continue }
            guard e.value == 0, outputConstantAtInputScale(i, d) else { return false }
        }
        return moving
    }

    /// The difference estimates of every output along direction d, by rung k's method. The same
    /// dispatch as the generic difference API, on a closure instead of an ``ADFunction``.
    func probe(rung k: Int, direction d: Int) throws -> [DifferenceEstimate]? {
        let m = value.count
        let v = directions[d]
        switch options.ladder[k] {
        case .differences(let method):
            // The same per-method estimate as the generic difference path (one implementation).
            if method == .complexStep { return nil }
            var line = newLine(v)
            let estimates = line.estimate(method, step: options.step, outputs: m)
            // Steps that left f's domain: once per line, the scale is narrowed to where f is
            // finite, and later rungs and tests of the line take their steps from it. The rung is
            // asked again only if its steps follow the scale below 1 (Richardson's, the adaptive
            // method's); a fixed stencil's default step is ε^{1/(p+1)}·max(1, scale), unchanged.
            guard case .automatic = options.step, narrowedScales.scale[v] == nil,
                  estimates.contains(where: { $0.warnings.contains(.nonFinite) }), let s = domainScale(v) else { return estimates }
            narrowedScales.scale[v] = s
            guard method == .richardson || method == .adaptive else { return estimates }
            var narrowed = newLine(v)
            return narrowed.estimate(method, step: options.step, outputs: m)
        case .exactRationals:
            return nil
        case .custom(_, let err, let jac):
            // A custom witness gives a whole Jacobian; read it along the direction.
            let j = try jac(x.map { Double($0) })
            guard j.count == m else { return nil }
            return j.map { row in
                let jv = zip(row, v).reduce(0.0) { $0 + $1.0 * Double($1.1) }
                return DifferenceEstimate(value: jv, errorEstimate: err, step: 0)
            }
        }
    }

    func unavailableNote(_ rung: WitnessRung) -> String {
        switch rung {
        case .differences(.complexStep), .exactRationals: return "needs a function generic over ADScalar; not run on a black box"
        default: return "evaluation failed"
        }
    }

    mutating func run(claimed: [[Double]], claimedName: String) -> CheckReport {
        report.subjects = [claimedName]
        var entries: [[EntryCheck]] = []
        for r in 0..<rowCount {
            let rowScale = claimed[r].filter(\.isFinite).map { Swift.abs($0) }.max() ?? 0
            let fr = combineAbs(r, value.map { Double($0) })
            var row: [EntryCheck] = []
            for d in directions.indices {
                let vmax = directions[d].map { Swift.abs(Double($0)) }.max() ?? 1
                let xScale = zip(x, directions[d]).filter { $0.1 != 0 }.map { Swift.abs(Double($0.0)) }.max() ?? 0
                let valueScale = fr * vmax / Swift.max(1, xScale)
                row.append(checkEntry(r, d, claimed: (claimedName, claimed[r][d]), rowScale: rowScale, valueScale: valueScale,
                                      entryScale: entryRoundingScale(claimed[r], direction: d, rowScale: rowScale)))
            }
            // The order matters: a flat reading f's rounding could explain is set aside first, the
            // rest convicted on f's flatness, and only then are convictions relieved where f
            // shows a kink (along an axis or a probed direction): a generalized gradient's entry
            // along a flat axis (|x₀ + x₁| − |x₀| − |x₁| at 0 claimed (2, 0)) stays undecided.
            let judged = markFlatBelowRounding(judgeRowAlongDirections(row, r, claimed: claimed[r], claimedName: claimedName), r)
            let convicted = convictFlatAboveRounding(judged, r)
            let decided = undecidedWhereNotDifferentiable(convicted, r, claimed: claimed[r], claimedName: claimedName)
            // Said only of the convictions no kink relieved.
            for e in decided where e.verdict.name == "rule-wrong" {
                if let why = flatConvictionWhy[[r, e.input]] { report.flatConvictionFindings.append(EntryFinding(output: e.output, input: e.input, text: why)) }
            }
            for e in decided where e.verdict.name == "fd-inconclusive" {
                if let why = unmeasuredJumpWhy[[r, e.input]] { report.unmeasuredJumpFindings.append(EntryFinding(output: e.output, input: e.input, text: why)) }
            }
            entries.append(decided)
        }
        report.entries = entries
        report.smallGaps = smallGapNote(entries.joined())
        report.plateauFindings = entries.joined().compactMap { e in
            (plateauNote(e) ?? staircaseNote(e) ?? treadNote(e)).map { EntryFinding(output: e.output, input: e.input, text: $0) }
        }
        // A few entries are enough to show the user what their claim misses; each costs a scan.
        // Not the entries convicted because f is constant along them: the flat note says all
        // there is (f's derivative there is 0), and the linear note beside it ("slope 0.0 where
        // the claim is 1.0 … if f interpolates a table") told a clamp's user about a table.
        let cite = { [report] (i: Int, j: Int) in report.entryLabel(i, j) }
        let flat = Set(report.flatConvictionFindings.map { [$0.output, $0.input] })
        report.linearSegments = Self.linearSegmentsNote(entries.joined().filter { $0.verdict.name == "rule-wrong" && !flat.contains([$0.output, $0.input]) }
            .prefix(Self.linearSegmentNotesShown).compactMap { linearSegment($0) }, cite: cite).map { [$0] } ?? []
        report.rungsUsed = options.ladder.indices.compactMap { k in
            let tried = cache.filter { $0.key.rung == k }
            if tried.isEmpty { return nil }
            let available = tried.values.contains { $0 != nil }
            return (options.ladder[k].name, available ? "used" : customFailures[k] ?? unavailableNote(options.ladder[k]))
        }
        // No entry is trustworthy once f changed shape near x: the differences read the missing
        // outputs as NaN, or compared different outputs.
        if let e = outputCount.expected, let bad = outputCount.firstMismatch {
            let at = bad.at.count <= 8 ? "[" + bad.at.map { "\($0)" }.joined(separator: ", ") + "]" : "a sample near x"
            report.problem = .dimensionMismatch(what: "outputs of f at \(at), a difference sample near x (f must return as many "
                + "outputs everywhere near x as at x; an early exit returning fewer does not)", expected: e, got: bad.got)
        }
        return report
    }

    /// The note for ``CheckReport/smallGaps``: when every rule-wrong entry is within
    /// ``smallGapRelativeError`` of its witness (and the tolerance was the check's own), how far
    /// off they are and what makes a right derivation that far off a black box. The verdict
    /// stands: the differences resolved f's own derivative, and the claim is not it.
    func smallGapNote<S: Sequence>(_ entries: S) -> [String] where S.Element == EntryCheck {
        guard options.rtol == nil else { return [] }
        let convicted = entries.filter { $0.verdict.name == "rule-wrong" }
        let gaps = convicted.compactMap(\.relativeError)
        guard !convicted.isEmpty, gaps.count == convicted.count, let worst = gaps.max(), worst <= Self.smallGapRelativeError else { return [] }
        // As the table labels them, (f0, x1): "(0, 1)" for a gradient read as entries 0 and 1 (a new
        // user's review), and ∂f[0]/∂x[1], which replaced it, kept indices beside a table of names.
        let which = convicted.prefix(4).map { report.entryLabel($0.output, $0.input) }.joined(separator: ", ") + (convicted.count > 4 ? ", …" : "")
        // A claim that builds a small entry from larger terms cancelling (p − p² with p near 1, a
        // softmax's textbook H·v) rounds by ε of those terms: a right formula, and no tolerance of f's.
        // A fixed-step integrator is the other common source: a continuous adjoint (or the exact
        // solution's sensitivity) claimed for RK4 on logistic growth at h = 0.1 is 3.1·10⁻⁶ off the
        // derivative of the steps taken, and the note offered only a solver's tolerance, rounded
        // constants or a Float claim, and `rtol` as if the claim were f's derivative (a new user's
        // review). It is the model's derivative; the discrete adjoint is f's.
        var causes = "f iterates to a tolerance (a solver or series stopped at 10⁻⁸) or uses rounded constants, while the claim is exact for the converged f; "
            + "or f discretises a continuous model (a fixed-step ODE integrator, a quadrature rule) while the claim differentiates "
            + "the model itself (a continuous adjoint, the exact solution's sensitivity), so the gap is f's discretisation error and "
            + "shrinks with f's step (the derivative of the steps f takes, a discrete adjoint, has none); "
            + "or the claim computes a small entry from much larger terms that cancel (p − p² with p near 1), so it rounds by ε of those terms"
        if claimLooksFloatRounded(worst) {
            causes += "; or the claim was computed in Float (ε = \(fmt(Double(Float.ulpOfOne)))) for f in Double"
        }
        let suggested = Double.pow(10, (Double.log10(worst) + 1).rounded(.up))
        // Not "the claim is right to that tolerance": a continuous adjoint is the model's derivative,
        // not f's, and whether its accuracy is enough is the user's call.
        let loosen = "that accuracy is enough for you, set options.rtol (jac check --program: --rtol) to accept it, "
            + "e.g. \(fmt(suggested)); a wrong formula stays off by more"
        var remedy = "If one of these explains it and " + loosen
        // Within what Float's own rounding allows (the claim agrees to about Float's precision,
        // not Double's), the option that says so judges the claim at that precision, where an
        // rtol of 10⁻⁵ would pass a Float claim off by more than Float rounds. It was not named,
        // and a user with a float32 gradient was sent to loosen rtol.
        if claimLooksFloatRounded(worst) && options.claimUnitRoundoff == nil {
            remedy = "If the claim was computed in Float, set options.claimUnitRoundoff = Double(Float.ulpOfOne) "
                + "(AdjointTestOptions.claimUnitRoundoff in the property harness; jac check --claimed sets it for a float32 .npy): "
                + "the claim is then granted Float's rounding (\(Int(CheckOptions.adAccuracyULPs)) of its ulps on the entry's scale) and no more. For the other causes, if " + loosen
        }
        return ["the rule-wrong entries \(which) are off by at most \(fmt(worst)) relative: f's own derivative differs from "
            + "the claim by that little, beyond what the differences allow. Likely causes: \(causes). " + remedy]
    }

    /// Whether convictions off by at most `worst` relative (at most ``smallGapRelativeError``,
    /// where the note is given) look like a Float claim's rounding beside f in Double: about
    /// Float's precision and not Double's, from a sixteenth of Float's ε up. A float32 entry is
    /// off by up to half an ulp, and by far less when it rounds luckily; e + 1 computed in float32
    /// is 2.2·10⁻⁸ off, under the ε/4 that was the bound, and Float went unnamed as a cause.
    func claimLooksFloatRounded(_ worst: Double) -> Bool {
        V.self == Double.self && worst >= Double(Float.ulpOfOne) / 16
    }

    /// The note for ``CheckReport/plateaus`` on entry e: where every sample of its step scan out
    /// to some distance w from x returned f(x) to the last bit while a rung at a step beyond w
    /// settled on a slope s that would move f far above its rounding within w. f is constant on
    /// a neighbourhood of x and moves beyond it: Newton on x³ + ax − b from x = 1 at (a, b) =
    /// (2, 3), where 1 is the root, stops before its first step wherever |δa − δb| ≤ 10⁻⁸, so
    /// its f is 1 there and 1 − δa/5 + … beyond (by hand: ∂x/∂a = −x/(3x² + a) = −1/5). The
    /// claim is then judged on whichever scale the witnesses happened to sample: 0 inside,
    /// −1/5 beyond, and the report named a kink, not the plateau (a review); a claimed 0 is now
    /// undecided there (``FDWarning/flatBelowScale``). Nil without the
    /// scan (a claim the first rungs passed costs no evaluation for this), with fewer than six
    /// flat samples, or where f's rounding could explain the flatness (10⁸ + 10⁻⁴x is flat below
    /// 10⁻⁴ only because a sample rounds to ulp(10⁸)).
    func plateauNote(_ e: EntryCheck) -> FindingText? {
        let (r, d) = (e.output, e.input)
        guard d < directions.count, let line = scanProbes[d] else { return nil }
        let involved = involvedOutputs(r)
        func atValue(_ y: [V]) -> Bool { y.count == value.count && involved.allSatisfy { y[$0] == value[$0] } }
        let samples = line.samplesTaken.map { (reach: Swift.abs(Double($0.t)), flat: atValue($0.value)) }.sorted { $0.reach < $1.reach }
        guard let firstMoving = samples.firstIndex(where: { !$0.flat }), firstMoving >= 6 else { return nil }
        let w = samples[firstMoving - 1].reach
        // The slope beyond w: the finest rung that settled there (its estimate a tenth of it).
        let beyond = e.ladder.filter { o in
            guard let v = o.value, let err = o.errorEstimate, let h = o.step else { return false }
            return v.isFinite && v != 0 && err < 0.1 * Swift.abs(v) && h > w
        }.min { ($0.step ?? 0) < ($1.step ?? 0) }
        guard let moving = beyond, let slope = moving.value, let step = moving.step else { return nil }
        guard plateauExceedsRounding(slope: slope, halfWidth: w, r) else { return nil }
        let along = directions.count == x.count ? options.inputName(d) : "the direction"
        // The move is an estimate (a rung's slope times the band), to two figures as the other
        // notes' estimates: 7 figures ("1.826025e-09") read as a value measured that finely.
        let shows = "while \(moving.witness) at the step \(fmt(step)) shows a slope of \(fmt(slope)), which would move f by "
            + "\(readableFigure(Swift.abs(slope) * w)) within it"
        let undecided = "A claimed 0, the flat part's slope, is left undecided there (flat-below-scale) at any step, since the differences "
            + "reach into the band; any other claim is judged beyond it. Check at a point where the solver iterates, or tighten "
            + "its tolerance (or make it take at least one step) so f follows its solution below "
        return FindingText(
            alone: "f is flat below a scale of \(fmt(w)) along \(along): every sample within ±\(fmt(w)) "
                + "of x along it returned f(x) to the last bit (\(firstMoving) samples), \(shows). f is "
                + "piecewise constant at that scale, as a solver is that returns its start where the residual there is already "
                + "below its tolerance (Newton started at its root): its slope is 0 inside and \(fmt(slope)) beyond. " + undecided
                + "\(fmt(w)); a looser tolerance of the check cannot reconcile 0 with \(fmt(slope))",
            clause: "along \(along) within ±\(fmt(w)) (\(firstMoving) samples), \(shows)",
            head: "f is flat below a scale along each entry's line: every sample within it returned f(x) to the last bit, while a "
                + "step beyond shows a slope",
            tail: "f is piecewise constant at those scales, as a solver is that returns its start where the residual there is already "
                + "below its tolerance (Newton started at its root): along each line its slope is 0 inside and the slope shown beyond. "
                + undecided + "those scales; a looser tolerance of the check cannot reconcile 0 with those slopes")
    }

    /// The outputs functional r reads: output r of a Jacobian, the nonzero weights of a cotangent.
    func involvedOutputs(_ r: Int) -> [Int] {
        functionals.map { w in w[r].indices.filter { w[r][$0] != 0 } } ?? [r]
    }

    /// The witness that shows f flat to its own rounding on both sides of x out to the input's scale
    /// (``flatToOwnRoundingBothSides(_:_:hidingAtMost:)``), as the report names it.
    static var flatSamplesWitness: String { "flat to rounding" }

    /// How many halvings below the step scan's first step (1/8 of max(1, |xⱼ|)) a plateau on the
    /// narrow side of x must reach to count in ``flatUpToKink(_:_:)``: 2⁻⁶ of it, about 1/500 of
    /// the input's scale. A solver's tolerance band (10⁻⁸ for Newton started at its root) is far
    /// narrower, and a band that narrow is left undecided as before.
    static var kinkPlateauLevels: Int { 6 }

    /// Where functional r of f is exactly flat along direction d on one side of x at every step
    /// out to the step scan's first, 1/8 of max(1, |xⱼ|), and on the other side out to a kink
    /// beyond which it moves on a line: the flat side's width w, the kink's distance from x, and
    /// the slope beyond it (per unit of the line parameter, on the narrow side). nil otherwise.
    ///
    /// max(x₀, 0.1) + x₁ at (10⁻⁴⁰, 0.5) is flat for every x₀ < 0.1, so ∂f/∂x₀ = 0; but f moves at
    /// x₀ + 1/8, and the evidence that a claimed 0 is f's slope (f unmoved at the input's own
    /// scale, see ``variation(_:_:)``) did not hold: the right 0 was below-resolution, and claims
    /// of 1 and 0.001 inconclusive. A plateau f shows only because it rounds an intermediate far
    /// larger than itself ((x + 10¹³) − 10¹³, flat within 0.001 of x) moves on both sides at 1/8,
    /// and a solver stopped within its tolerance (Newton started at its root) is flat on both
    /// sides only across its tolerance band: neither is one-sided to the input's scale. Three
    /// tests keep a staircase out: the flat side holds at every step tried (1/8 of the scale,
    /// then about halving, ``kinkPlateauLevels`` times, on the step scan's steps, whose samples
    /// it shares); the narrow side is flat at every such step below its widest flat one and moves
    /// at every step above it; and three samples beyond (at m, 1.25m, 1.5m, m the narrowest moving
    /// step) lie on a line within f's rounding that meets f(x) between the two, as a kink's do
    /// and a staircase's treads (a rounded intermediate's) do not. The plateau must also move f by
    /// more than its rounding could hide (``plateauExceedsRounding(slope:halfWidth:_:)``).
    /// Asked only where one side of x moved at 1/8 and the other did not: up to 2·(levels + 1) + 2
    /// evaluations, shared with the step scan's.
    mutating func flatUpToKink(_ r: Int, _ d: Int) -> (width: Double, kink: Double, slope: Double)? {
        guard d < directions.count, !value.isEmpty else { return nil }
        var line = scanProbes[d] ?? newLine(directions[d])
        defer { scanProbes[d] = line }
        let involved = involvedOutputs(r)
        let center = combine(r, value.map { Double($0) })
        /// f's change in functional r at x + t·d (nil where not finite), and whether it is exactly none.
        func sample(_ t: Double) -> (change: Double, flat: Bool)? {
            let y = line.at(V(t))
            guard y.count == value.count, involved.allSatisfy({ y[$0].isFinite }) else { return nil }
            let change = combine(r, y.map { Double($0) }) - center
            return change.isFinite ? (change, involved.allSatisfy { y[$0] == value[$0] }) : nil
        }
        let top = DifferenceTuning.richardsonInitialStep * line.scale
        guard top.isFinite, top > 0, !line.stepBelowULP(V(top)),
              let plus = sample(top), let minus = sample(-top), plus.flat != minus.flat else { return nil }
        let narrow: Double = plus.flat ? -1 : 1
        // The step scan's steps (``scanAgainstClaim``), so its samples are shared.
        let steps = (0...Self.kinkPlateauLevels).map { Self.scanStep($0, top: top) }
        guard steps.allSatisfy({ sample(-narrow * $0)?.flat == true }) else { return nil }
        var flatFrom: Int? = nil
        for (k, t) in steps.enumerated() {
            guard let s = sample(narrow * t) else { return nil }
            if s.flat, flatFrom == nil { flatFrom = k }
            if !s.flat, flatFrom != nil { return nil }
        }
        guard let k = flatFrom, k > 0 else { return nil }
        let (width, m) = (steps[k], steps[k - 1])
        guard let c0 = sample(narrow * m)?.change, let c1 = sample(narrow * 1.25 * m)?.change,
              let c2 = sample(narrow * 1.5 * m)?.change else { return nil }
        let slope = (c2 - c0) / (0.5 * m)
        let hidden = CheckOptions.errorEstimateSafety * plateauRoundingBound(r)
        guard slope != 0, slope.isFinite, Swift.abs(c1 - (c0 + c2) / 2) <= hidden else { return nil }
        let kink = m - c0 / slope
        let slack = hidden / Swift.abs(slope)
        guard kink >= width - slack, kink <= m + slack, plateauExceedsRounding(slope: slope, halfWidth: width, r) else { return nil }
        return (width, kink, slope)
    }

    /// Where functional r of f is flat to its own rounding along direction d on both sides of x, at
    /// every step of the step scan from its first, 1/8 of max(1, |xⱼ|), down ``kinkPlateauLevels``
    /// levels (and at ±|xⱼ|/8 along an axis whose input is nonzero and below 1): the central
    /// difference at the finest of those steps, its rounding bound on f's slope there, and the
    /// step. nil otherwise, and without a sample where the slope f's rounding hides at the first
    /// step exceeds `limit`.
    ///
    /// Why: a piecewise-linear f is constant along an input over a whole region where its pieces'
    /// slopes cancel, a Huber loss in its linear region with ∂L/∂w₀ = 0.5 − 0.2 − 0.45 + 0.05 +
    /// 0.1 = 0 by hand, but computed f moves by an ulp or two of itself from sample to sample.
    /// Every rung agrees with the right claim (0, or −1.39·10⁻¹⁷ as the claim computes that sum)
    /// within a tolerance that reaches past 0, so neither sign is resolved and the entry was
    /// below-resolution: 8 of 50 points of the right gradient, and the property failed. A slope s
    /// moves f by |s|·h at each step h, so f within ρ of f(x) at every step shows |s| ≤ ρ/h at the
    /// finest one (the central difference there, with the least truncation), unless a term hides
    /// on a scale below every step, which no difference sees.
    ///
    /// ρ is ``CheckOptions/errorEstimateSafety`` times a few ulps of |f(x)| itself (or f's measured
    /// noise where larger), not of f's inputs and 1 as ``plateauRoundingBound(_:)`` allows: e^(−x)
    /// at 745 is one spacing and moves by 10⁻²⁸³ at 93 to its left, far inside ulps of 745, and its
    /// sign-flipped claim would pass. What keeps the known traps out: a rounded intermediate far
    /// larger than f ((x + 10¹³) − 10¹³) moves by 1/8 at the first step; a solver stopped within
    /// its tolerance band (Newton started at its root) slopes beyond the band; x₀² + x₁ at
    /// (10⁻⁴⁰, 0.5) moves by 1/64 at the first step; tanh at 25 is flat to the last bit, where a
    /// claimed 0 already passed. Up to 2·(levels + 1) + 2 evaluations, the step scan's own samples.
    mutating func flatToOwnRoundingBothSides(_ r: Int, _ d: Int, hidingAtMost limit: Double) -> (value: Double, bound: Double, step: Double)? {
        guard d < directions.count, !value.isEmpty else { return nil }
        var line = scanProbes[d] ?? newLine(directions[d])
        defer { scanProbes[d] = line }
        let involved = involvedOutputs(r)
        let (center, own) = valueAndOwnRounding(r)
        let hidden = CheckOptions.errorEstimateSafety * own
        guard hidden.isFinite else { return nil }
        /// f's change in functional r at x + t·d, where it is within `hidden`; nil otherwise.
        func flatChange(_ t: Double) -> Double? {
            guard V(t) != 0, !line.stepBelowULP(V(t)) else { return nil }
            let y = line.at(V(t))
            guard y.count == value.count, involved.allSatisfy({ y[$0].isFinite }) else { return nil }
            let change = combine(r, y.map { Double($0) }) - center
            return change.isFinite && Swift.abs(change) <= hidden ? change : nil
        }
        let top = DifferenceTuning.richardsonInitialStep * line.scale
        // Asked before any sample: f's rounding alone decides it.
        guard top.isFinite, top > 0, own / top <= limit else { return nil }
        var finest: (value: Double, bound: Double, step: Double)? = nil
        for k in 0...Self.kinkPlateauLevels {
            let h = Double(V(Self.scanStep(k, top: top)))
            guard let plus = flatChange(h), let minus = flatChange(-h) else { return nil }
            finest = ((plus - minus) / (2 * h), own / h, h)
        }
        // Along an input far below 1 a term can vary on the scale of the input itself (x₀² at
        // 10⁻⁴⁰ is flat at steps of 1/8 only once its samples lose x₀): f must be flat there too.
        let v = directions[d]
        if functionals == nil, directions.count == x.count, d < x.count, v[d] == 1,
           v.indices.allSatisfy({ $0 == d || v[$0] == 0 }), x[d] != 0, Swift.abs(x[d]) < 1 {
            let h = Double(Swift.abs(x[d]) / 8)
            if h > 0, !line.stepBelowULP(V(h)) {
                guard flatChange(h) != nil, flatChange(-h) != nil else { return nil }
            }
        }
        return finest
    }

    /// Whether f flat out to `halfWidth` along direction d, while its slope beyond is `slope`, is a
    /// plateau of f's own rather than its rounding: the change the slope predicts across the flat
    /// band lies ``flatConvictionMargin`` × ``CheckOptions/errorEstimateSafety`` above what f's
    /// rounding hides (as in ``flatRoundingBound(_:_:)``: a few ulps of f, its inputs and 1, or f's
    /// measured noise). 10⁸ + 10⁻⁴x is flat below 10⁻⁴ only because each sample rounds to
    /// ulp(10⁸); Newton started at its root moves f by 10⁻⁹ across its flat band, 10⁷ ulps of f.
    /// `slope` is along the probe's line parameter t and `halfWidth` in t, so the change is their
    /// product; multiplied by the direction's reach as well, a J·v along v = (10⁻⁴, 0) with the
    /// forgotten variable's 0 still agreed (a review).
    func plateauExceedsRounding(slope: Double, halfWidth: Double, _ r: Int) -> Bool {
        Swift.abs(slope) * halfWidth > Self.flatConvictionMargin * CheckOptions.errorEstimateSafety * plateauRoundingBound(r)
    }

    /// Functional r of f at x, and f's own rounding there: a few ulps of |f| (not of its inputs
    /// and 1, as ``plateauRoundingBound(_:)`` allows), or its measured noise where larger. The
    /// looks that read f as unmoved on a line (``flatToOwnRoundingBothSides(_:_:hidingAtMost:)``,
    /// the tread beside a flat side) judge against the same figure.
    func valueAndOwnRounding(_ r: Int) -> (value: Double, own: Double) {
        let v = value.map { Double($0) }
        var own = DifferenceTuning.evaluationNoiseULPs * eps * combineAbs(r, v)
        if !noiseFloor.isEmpty { own = Swift.max(own, combineAbs(r, noiseFloor)) }
        return (combine(r, v), own)
    }

    /// What f's rounding can hide of its change along a line, as in ``flatRoundingBound(_:_:)``: a
    /// few ulps of f, its inputs and 1, or f's measured noise where larger.
    func plateauRoundingBound(_ r: Int) -> Double {
        let inputScale = x.map { Swift.abs(Double($0)) }.filter(\.isFinite).max() ?? 0
        var hidden = DifferenceTuning.evaluationNoiseULPs * eps
            * combineAbs(r, value.map { Swift.max(Swift.abs(Double($0)), 1, inputScale) })
        if !noiseFloor.isEmpty { hidden = Swift.max(hidden, combineAbs(r, noiseFloor)) }
        return hidden
    }

    /// The relative error at or below which every conviction of a check gets the small-gap note:
    /// Float's ε and solver tolerances lie below it; wrong formulas (a sign, a factor, a term)
    /// lie far above.
    static var smallGapRelativeError: Double { 1e-5 }

    /// A row whose kink entries each lie between their one-sided derivatives is looked at jointly
    /// along directions that move several inputs: the claim g predicts, along v, the slope ⟨g, v⟩,
    /// and f shows its one-sided slopes f′(x; v) and −f′(x; −v). Per entry, (1, 1) at the tie of
    /// max(x₀, x₁) is valid in each component, yet along v = (1, 1) f rises at 1 where the claim
    /// says 2 (a review: it passed the black-box check and the property harness, while the
    /// formula check convicted it). The directions are g itself and four seeded random ones. Only
    /// for gradient and Jacobian checks (columns along the inputs), and only where the one-sided
    /// slopes settle (their errors below a tenth of the gap found): otherwise the row stands.
    ///
    /// A slope outside the one-sided ones makes the row undecided (`validSubgradient` nil, the
    /// reason in ``KinkAnalysis/unresolved``), never invalid. Why: for f piecewise C¹ with pieces
    /// fᵢ active at x, the generalized gradient is conv{∇fᵢ(x)} over the essentially active i, so
    /// its range along v is [minᵢ ⟨∇fᵢ, v⟩, maxᵢ ⟨∇fᵢ, v⟩]; each one-sided slope is ⟨∇fᵢ, v⟩ for
    /// *some* active i, so the two slopes bound only a part of that range. They are all of it when
    /// two pieces meet at x (∇f₊ − ∇f₋ is normal to their surface, and the two sides along v lie on
    /// either side of it) or f is convex or concave there (f′(x; ·) is the support function), which
    /// a black box cannot confirm: relu(x₁) − relu(x₀) at (0, 0) is smooth along (−1, 1), slope 1
    /// both ways, and the PyTorch/JAX convention's (0, 0) predicts 0 there while lying in the
    /// generalized gradient [−1, 0] × [0, 1] (a review: it was convicted, where `checkGradient`,
    /// knowing two kinks are touched, passes it). `judgeGeneralizedGradient` convicts on the joint
    /// test only when the tape shows one kink touched (two pieces) and an AD mode vouches for the
    /// model; a black box has neither, so its joint finding can withdraw the per-entry pass but
    /// prove nothing wrong.
    mutating func judgeRowAlongDirections(_ row: [EntryCheck], _ r: Int, claimed g: [Double], claimedName: String) -> [EntryCheck] {
        let n = x.count
        guard row.count == n, directions.count == n,
              directions.enumerated().allSatisfy({ d, v in v.enumerated().allSatisfy { $0.element == ($0.offset == d ? 1 : 0) } }),
              row.contains(where: { $0.kink.map { $0.unresolved == nil && $0.withinOneSided.allSatisfy(\.valid) } ?? false }),
              row.allSatisfy({ $0.verdict == .agree || $0.kink != nil }), g.allSatisfy(\.isFinite) else { return row }
        let m = value.count
        for v in rowProbeDirections(claimed: g) {
            // The one-sided slopes along v from the stencils `oneSided` uses (its step, each side
            // with its rounding and its difference from the 2h twin), on a probe told f's noise.
            var line = newLine(v.map { V($0) })
            let h = V(DifferenceTuning.defaultStep(for: Stencil.rightSided, scale: line.scale, epsilon: eps).nearestPowerOfTwo)
            func side(_ s: Stencil) -> (value: Double, error: Double) {
                let fine = line.apply(s, step: h, outputs: m), coarse = line.apply(s, step: 2 * h, outputs: m)
                let a = combine(r, fine.derivative), b = combine(r, coarse.derivative)
                return (a, Swift.abs(a - b) / 3 + combineAbs(r, fine.rounding))
            }
            let (right, left) = (side(Stencil.rightSided), side(Stencil.leftSided))
            guard right.value.isFinite, left.value.isFinite else { continue }
            // oneSided's tolerance, and the claim's own rounding along v.
            let error = CheckOptions.errorEstimateSafety * (right.error + left.error)
                + Double.pow(eps, 2.0 / 3.0) * Swift.max(Swift.abs(left.value), Swift.abs(right.value), 1)
                + 4 * eps * zip(g, v).reduce(0) { $0 + Swift.abs($1.0 * $1.1) }
            let predicted = zip(g, v).reduce(0) { $0 + $1.0 * $1.1 }
            let (lo, hi) = (Swift.min(left.value, right.value), Swift.max(left.value, right.value))
            // The slopes must be ones the entries' own findings allow (each agreed entry's witness,
            // each kink entry anywhere between its one-sided derivatives, times vⱼ): otherwise
            // the two views of f conflict, and nothing is concluded along v. f quantised by a large
            // intermediate ((x₀ + 10¹¹) − 10¹¹ has slope 1 but equal samples below 1.5·10⁻⁵) shows
            // no slope at this step where its entry agreed on 1 at a larger one.
            var allowedLo = 0.0, allowedHi = 0.0, allowedTol = error
            for (j, e) in row.enumerated() {
                if let k = e.kink {
                    let (a, b) = (k.left * v[j], k.right * v[j])
                    allowedLo += Swift.min(a, b); allowedHi += Swift.max(a, b); allowedTol += k.tolerance * Swift.abs(v[j])
                } else if let w = e.witnessValue {
                    allowedLo += w * v[j]; allowedHi += w * v[j]; allowedTol += (e.tolerance ?? 0) * Swift.abs(v[j])
                } else {
                    allowedLo = -.infinity; allowedHi = .infinity
                }
            }
            guard lo >= allowedLo - allowedTol, hi <= allowedHi + allowedTol else { continue }
            // Concluded only where the slopes settle: their errors below a tenth of the gap.
            let gap = predicted < lo ? lo - predicted : predicted - hi
            guard gap > 0, error < 0.1 * gap else { continue }
            let why = "\(claimedName) (\(g.map(fmt).joined(separator: ", "))) predicts a slope of \(fmt(predicted)) along v = ("
                + v.map(fmt).joined(separator: ", ") + "), where f's one-sided slopes are \(fmt(left.value)) and \(fmt(right.value)): "
                + "not a generalized gradient if two pieces meet here or f is convex or concave here, but where more pieces meet "
                + "(relu(x₁) − relu(x₀) at 0) generalized gradients reach slopes outside the one-sided ones, and a black box "
                + "cannot tell which"
            return row.map { e in
                // An entry already outside its own one-sided derivatives keeps that verdict.
                guard let kink = e.kink, kink.unresolved == nil, kink.withinOneSided.allSatisfy(\.valid) else { return e }
                return e.withKink(KinkAnalysis(ops: kink.ops, left: kink.left, right: kink.right, withinOneSided: kink.withinOneSided,
                                               unresolved: kink.unresolved ?? why, tolerance: kink.tolerance))
            }
        }
        return row
    }

    /// The directions a row is probed along beyond the axes: the claim g itself (where it is a
    /// nonzero gradient row, one entry per input) and four seeded random ones, each scaled to a
    /// largest component of 1. Fixed by the seed, so a check gives the same verdict on every run.
    func rowProbeDirections(claimed g: [Double]) -> [[Double]] {
        let n = x.count
        var rng = SeededGenerator(seed: 0x0D1_7EC7)
        var candidates: [[Double]] = []
        if g.count == n, g.allSatisfy(\.isFinite), g.contains(where: { $0 != 0 }) { candidates.append(g) }
        for _ in 0..<4 { candidates.append((0..<n).map { _ in 2 * rng.nextUnit() - 1 }) }
        return candidates.map { raw in
            let vmax = raw.map { Swift.abs($0) }.max() ?? 1
            return raw.map { $0 / vmax }
        }
    }

    /// The row with each entry that differences alone convict (rule-wrong, or f read flat where
    /// the claim moves) made undecided when f shows a kink at the point: along another entry's
    /// axis, or, where no axis shows one, along a direction moving several inputs.
    ///
    /// Such an entry's conviction rests on f's slope along its own axis, which is the entry of
    /// the gradient only where f is differentiable. A kink shows f is not: there a claimed row
    /// need only be a generalized gradient, conv{∇fᵢ} over the pieces fᵢ meeting at x, and a
    /// piece's gradient has entries unrelated to the slope along an axis on which f is smooth.
    /// |x₀ + x₁| − |x₁| at (0, 0) is 0 along x₁ and |x₀| along x₀; on x₀ + x₁ > 0 > x₁ it is
    /// x₀ + 2x₁, so (1, 2) is a generalized gradient, and the claimed 2 along the flat x₁ was
    /// flagged (a review; PyTorch's and JAX's conventions return such values). A black box cannot
    /// enumerate the pieces, so it cannot convict; it says which kink it saw.
    ///
    /// No axis need show the kink: |x₀ + x₁| − |x₀| − |x₁| at 0 is flat along both axes, yet on
    /// x₀ + x₁ > 0, x₀ < 0 < x₁ it is 2x₀, and the claimed (2, 0) was flagged along x₀ (a review).
    /// Along v = (a, b) with ab < 0 it is −2·min(|a|, |b|)·|t|, a kink. So before a row keeps a
    /// conviction without an axis kink, f is probed along ``rowProbeDirections(claimed:)`` with
    /// the axis test's one-sided differences (``oneSided(_:on:claimed:)``: the slopes differ at
    /// every step tried, not only at a first one that reaches a kink nearby). Only rows with such
    /// a conviction pay for it, and the first kink found ends the probe. Where no probed direction
    /// shows a kink the convictions stand: a wrong claim at a smooth point must be convicted. f
    /// may still be non-differentiable with no kink on any line (median(x₀, x₁, 0) is linear on
    /// every line through 0): the probe also compares f's slope along each smooth direction with
    /// the axes' slopes, which a differentiable f combines linearly (``kinkAlongProbedDirection``),
    /// so the median's (1, 0) is left undecided. Directions the probe missed stay unseen.
    ///
    /// A JVP's row is one entry, f's slope along its direction v, and is probed the same way: at
    /// such a point J·v need only be ⟨g, v⟩ for a generalized gradient g (2 along x₀ above, where
    /// f is flat). With one input there is no other direction: a claim outside that input's
    /// one-sided derivatives stays wrong. A custom witness's conviction stands: it states its own
    /// error, and its caller chose to trust it.
    mutating func undecidedWhereNotDifferentiable(_ row: [EntryCheck], _ r: Int, claimed g: [Double],
                                                  claimedName: String) -> [EntryCheck] {
        let customWitnesses = Set(options.ladder.filter { if case .custom = $0 { return true } else { return false } }.map(\.name))
        func convictedByDifferences(_ e: EntryCheck) -> Bool {
            if case .ruleWrong = e.verdict { return !customWitnesses.contains(e.witness ?? "") }
            return e.flatWhereClaimMoves
        }
        guard row.contains(where: convictedByDifferences) else { return row }
        // A black box's kinks come from `oneSided`, whose one-sided derivatives differ at every
        // step it tried; an unresolved pair gives no kink verdict, so it does not count here.
        let axisKink = row.first { e in
            guard case .kink = e.verdict, let k = e.kink, k.left.isFinite, k.right.isFinite, k.left != k.right else { return false }
            return true
        }
        let kinkInput: Int?
        let seen: String
        if let e = axisKink, let k = e.kink {
            kinkInput = e.input
            seen = "f has a kink along x\(e.input) at this point (one-sided derivatives \(fmt(k.left)) and \(fmt(k.right)))"
        } else if let found = kinkAlongProbedDirection(r, claimed: g, claimedName: claimedName,
                                                        axisSlopes: axisSlopes(row, convictedByDifferences)) {
            kinkInput = nil
            seen = found
        } else {
            return row
        }
        return row.map { e in
            guard e.input != kinkInput, convictedByDifferences(e) else { return e }
            // The slope f shows along this entry's axis: the convicting witness's, or 0 where
            // every rung read f flat.
            let slope = e.witnessValue ?? 0
            let what = directions.count == x.count ? "a generalized gradient's entry need not equal the slope along x\(e.input)"
                : "a generalized Jacobian's product with the direction need not equal f's slope along it"
            let why = seen + ", so f is not differentiable here and " + what
            let analysis = KinkAnalysis(ops: [blackBoxKinkTag], left: slope, right: slope,
                                        withinOneSided: e.subjects.map { (subject: $0.name, valid: false) },
                                        unresolved: why, tolerance: e.tolerance ?? 0)
            return EntryCheck(output: e.output, input: e.input, subjects: e.subjects, verdict: .kink(validSubgradient: nil),
                              witness: e.witness, witnessValue: e.witnessValue, errorEstimate: e.errorEstimate, step: e.step,
                              absoluteError: e.absoluteError, relativeError: e.relativeError, tolerance: e.tolerance,
                              kink: analysis, ladder: e.ladder)
        }
    }

    /// The first of ``rowProbeDirections(claimed:)`` along which functional r of f shows a kink at
    /// x, with its one-sided slopes; nil when none does, or f has one input. About seven
    /// evaluations per direction where f is smooth along it; a kink costs the closer looks that
    /// confirm it.
    ///
    /// Where f is smooth along a direction v, its slope there is also compared with Σⱼ vⱼ·aⱼ, the
    /// slopes aⱼ f shows along the axes (`axisSlopes`, nil when an entry has none to give): f
    /// differentiable at x makes its slope linear in the direction, so a mismatch beyond both
    /// sides' errors shows f is not, with no kink on any line. median(x₀, x₁, 0) at 0 is flat
    /// along both axes and has slope min(a, b) along (a, b) with a, b > 0 (by hand): its piece
    /// 0 < x₀ < x₁ gives the generalized gradient (1, 0), which was convicted along the flat x₀.
    mutating func kinkAlongProbedDirection(_ r: Int, claimed g: [Double], claimedName: String,
                                           axisSlopes: [(slope: Double, error: Double)]? = nil) -> String? {
        let n = x.count
        let axes = directions.count == n
            && directions.enumerated().allSatisfy({ d, v in v.enumerated().allSatisfy { $0.element == ($0.offset == d ? 1 : 0) } })
        guard n > 1, axes || directions.count == 1 else { return nil }
        // Judged against f's measured noise, as the axis test is (already measured: a conviction
        // by differences went through the step scan, and a flat reading through every rung).
        measureNoiseOnce()
        for v in rowProbeDirections(claimed: g) {
            // The claim's slope along v, where the row is a gradient's (only a finding of f
            // smooth along v reads it, and such a finding is no kink).
            let predicted = g.count == n ? zip(g, v).reduce(0) { $0 + $1.0 * $1.1 } : .nan
            var line = kinkProbes[v] ?? newLine(v.map { V($0) })
            defer { kinkProbes[v] = line }
            var smooth: (slope: Double, tolerance: Double, step: V)? = nil
            let finding = oneSided(r, on: &line, claimed: (claimedName, predicted), smooth: { smooth = ($0, $1, $2) })
            let named = "v = (" + v.map(fmt).joined(separator: ", ") + ")"
            if case .kink(let k) = finding {
                return "f has a kink along \(named) at this point, though along no axis (one-sided slopes \(fmt(k.left)) and \(fmt(k.right)))"
            }
            if let (slope, tolerance, h) = smooth, let a = axisSlopes, a.count == n, slope.isFinite {
                let linear = zip(v, a).reduce(0) { $0 + $1.0 * $1.1.slope }
                let axesSpread = zip(v, a).reduce(0) { t, p in
                    t + Swift.abs(p.0) * (CheckOptions.errorEstimateSafety * p.1.error + Double.pow(eps, 2.0 / 3.0) * Swift.abs(p.1.slope))
                }
                if linear.isFinite, Swift.abs(slope - linear) > tolerance + axesSpread,
                   !slopeMeetsLinearCloser(r, on: &line, from: h, gap: Swift.abs(slope - linear), linear: linear, axesSpread: axesSpread) {
                    return "f's slope along \(named) is \(fmt(slope)), where its slopes along the axes give \(fmt(linear)) "
                        + "(a differentiable f's slope is linear in the direction), so f has no gradient at this point"
                }
            }
        }
        return nil
    }

    /// Whether f's slope along the line, looked at 4, 16, 64, … times closer than the probe's
    /// first step h, settles on the axes' combination `linear`: the first step can alias a term of
    /// f that varies on a shorter scale, which the axes' own witnesses (at their smaller steps)
    /// resolved. x₀² + sin x₁ at (−602289.47, 906896.52) along v = (−0.575, 1): h = 8, scaled to
    /// |x| ≈ 10⁶, spans more than a period of the sine, whose cos x₁ ≈ 0.92 averaged away, and
    /// the slope 693164.1 beside the axes' 693165.1 called a smooth f "not differentiable", which
    /// left a sign-flipped ∂f/∂x₀ undecided (a new user's scan).
    ///
    /// The first pair found f smooth along the line, so central differences read its slope there,
    /// with less rounding than the one-sided pair (at (−4518072.9, 4789625.4), f ≈ 2·10¹³, no
    /// one-sided pair resolved the gap of 0.9; central at 0.25 reads the axes' combination to
    /// 0.02), at steps within a unit of the line's parameter. A level decides only when its
    /// tolerance (4 times its h/2h truncation estimate plus rounding, as the stencils' estimates)
    /// with the axes' is below half the first gap, so that it tells the first slope from
    /// `linear`; one still off `linear` confirms the mismatch (the
    /// median at 0 is linear on every line, at every step), and none deciding (rounding swamps
    /// every closer level) leaves the mismatch standing where h is within a unit, and drops it
    /// where h is beyond (true: no evidence). Runs only where the first pair mismatched.
    func slopeMeetsLinearCloser(_ r: Int, on line: inout LineProbe<V>, from h: V, gap: Double, linear: Double,
                                axesSpread: Double) -> Bool {
        let m = value.count
        let central = Stencil.of(.central)
        // A unit of the line's parameter, as in the step scan: a level beyond it can alias a term
        // varying on that scale as the first step did, and its h/2h estimate with it (at steps 4
        // and 8 the sine's parts of the two differences happened to agree).
        let unit = line.unitStep
        // Where no closer level decides, a mismatch read at a first step within a unit stands;
        // one read beyond it is no evidence at all, since that step can alias the term the
        // closer levels cannot resolve. x₀² + sin x₁ at (−4518072.9, 4789625.4): the axes'
        // slopes, resolved only within a unit where f ≈ 2·10¹³ rounds by 10⁻², carried an
        // error of 0.29 along x₁, more than half the first step's gap, so no level could decide
        // and a smooth f was "not differentiable".
        let undecided = Double(h) > unit
        var closer = h
        for _ in 0..<32 {
            closer = closer / 4
            guard closer > 0, !line.stepBelowULP(closer) else { return undecided }
            guard Double(closer) <= unit else { continue }
            let fine = line.apply(central, step: closer, outputs: m)
            let coarse = line.apply(central, step: 2 * closer, outputs: m)
            let slope = combine(r, fine.derivative), twin = combine(r, coarse.derivative)
            guard slope.isFinite, twin.isFinite else { return undecided }
            let error = Swift.abs(slope - twin) / 3 + combineAbs(r, fine.rounding)
            let tol = CheckOptions.errorEstimateSafety * error + Double.pow(eps, 2.0 / 3.0) * Swift.max(Swift.abs(slope), 1)
            guard tol + axesSpread < 0.5 * gap else { continue }
            return Swift.abs(slope - linear) <= tol + axesSpread
        }
        return undecided
    }

    /// Each input's slope of f along its axis with its error, from the row's entries: an agreeing
    /// or convicting witness's value (0 where every rung read f flat); nil when some entry gives
    /// none (undecided for another reason), since then no linear combination can be formed.
    func axisSlopes(_ row: [EntryCheck], _ convicted: (EntryCheck) -> Bool) -> [(slope: Double, error: Double)]? {
        guard directions.count == x.count, row.count == x.count else { return nil }
        var slopes = [(slope: Double, error: Double)](repeating: (0, 0), count: x.count)
        for e in row {
            guard e.input < slopes.count, e.verdict == .agree || convicted(e) else { return nil }
            let w = e.witnessValue ?? 0
            guard w.isFinite else { return nil }
            slopes[e.input] = (w, Swift.abs(e.errorEstimate ?? 0))
        }
        return slopes
    }

    /// The row with each entry that reads f flat where the claim moves (``EntryCheck/flatWhereClaimMoves``)
    /// made ``FDWarning/belowResolution`` when f's rounding, as this check saw it, can hide the
    /// change the claim predicts at every step tried.
    ///
    /// The flag's own guard (the claim above 100 times every rung's error estimate) measures f's
    /// rounding in ulps of f(x), but an opaque f can round inside, on an intermediate far larger
    /// than its value: softmax cross-entropy log(Σ exp(zₖ − m)) + m − z₂ at z₂ = m sums terms to
    /// about 1, so f ≈ 5.6·10⁻⁸ moves only in steps of ε·1 ≈ 2.2·10⁻¹⁶, and the right
    /// ∂f/∂z₁ = 3.8·10⁻¹⁷ at z₁ = −37.8 changes f by 10⁻¹⁷ at the largest step tried (0.25), 10⁶ of
    /// f's ulps but half of one of the sum's; the point failed a property on its own. The bound:
    /// along d, the claim c predicts a change of |c|·H·max|dⱼ| at the largest step H of the flat
    /// rungs (the most any step showed). f hides at least what it was seen to hide: every other
    /// entry of the row whose witness agreed on w, and of whose rungs one still read f flat
    /// (value 0, cancelled) at step h, shows f rounding away a change of |w|·h·max|dⱼ| (along z₂
    /// above, Richardson's step 4.7·10⁻¹⁰ times the slope 5.6·10⁻⁸: 2.6·10⁻¹⁷), and f's own
    /// modelled rounding, a few ulps of f(x), hides that much everywhere. A prediction within
    /// ``CheckOptions/errorEstimateSafety`` times that could be rounded away, so f's flatness shows
    /// nothing against the claim. A clamp saturated at 2 with claimed slope 1 predicts 0.25 at the
    /// same step, where f is seen to hide nothing near that: it stays flagged.
    ///
    /// Without such evidence (one input, or no other entry reading f flat) the bound is what f
    /// rounds on intermediates no f avoids: its inputs and 1 (constants such as the 1 in
    /// log(1 + eˣ)), a few ulps of max(|f(x)|, 1, maxₖ |xₖ|). Softplus at −40 rounds 1 + e⁻⁴⁰
    /// to 1, so f is exactly 0 around the point, and its right slope 4.2·10⁻¹⁸ predicts 4.2·10⁻¹⁸
    /// at the largest step tried (1), far below 7.1·10⁻¹⁴ (the safety factor 4 times two ulps of 40); it was
    /// flagged on its own. A claimed 10⁻³ there predicts 10⁻³ and is not marked (then convicted
    /// by ``convictFlatAboveRounding(_:_:)``), nor is a clamp's forgotten saturation (claimed
    /// 10⁻⁸ at 2 predicts 2.5·10⁻⁹, beside 3.6·10⁻¹⁵).
    func markFlatBelowRounding(_ row: [EntryCheck], _ r: Int) -> [EntryCheck] {
        guard row.contains(where: \.flatWhereClaimMoves) else { return row }
        let hidden = flatRoundingBound(row, r)
        return row.map { e in
            guard e.flatWhereClaimMoves, e.input < directions.count, case .fdInconclusive(let reasons) = e.verdict,
                  let predicted = flatPrediction(e) else { return e }
            guard predicted.change <= CheckOptions.errorEstimateSafety * hidden else { return e }
            return EntryCheck(output: e.output, input: e.input, subjects: e.subjects,
                              verdict: .fdInconclusive(reasons: Array(Set(reasons + [.belowResolution])).sorted()),
                              witness: e.witness, witnessValue: e.witnessValue, errorEstimate: e.errorEstimate, step: e.step,
                              absoluteError: e.absoluteError, relativeError: e.relativeError, tolerance: e.tolerance,
                              kink: e.kink, ladder: e.ladder)
        }
    }

    /// The largest direction component of column d: a step h moves the inputs by up to h times it.
    func reach(_ d: Int) -> Double { directions[d].map { Swift.abs(Double($0)) }.max() ?? 1 }

    /// For an entry read flat: the largest step H any rung tried, and the change |c|·H·reach the
    /// claim c predicts over it (the most any step showed). Nil without a finite step.
    func flatPrediction(_ e: EntryCheck) -> (step: Double, change: Double)? {
        let steps = e.ladder.filter { $0.value != nil }.compactMap(\.step).filter(\.isFinite)
        guard let h = steps.max(), e.input < directions.count else { return nil }
        let claimed = e.subjects.map { Swift.abs($0.value) }.filter(\.isFinite).max() ?? .infinity
        return (h, claimed * h * reach(e.input))
    }

    /// The most f's rounding can hide at one sample of functional r, as ``markFlatBelowRounding(_:_:)``
    /// explains: a few ulps of max(|f|, 1, maxₖ |xₖ|), or the change another entry of the row was
    /// seen to round away, whichever is larger.
    func flatRoundingBound(_ row: [EntryCheck], _ r: Int) -> Double {
        // f's inputs and 1 are intermediates of nearly every f (x + 10⁻¹⁸x², log(1 + eˣ)), and each
        // sample rounds them by up to half an ulp, εS/2 at magnitude S: a change of f routed
        // through one is lost below that, whatever f's own value. Softplus at −40 evaluates
        // log(1 + 4.2·10⁻¹⁸) = 0 exactly, so its right slope 4.2·10⁻¹⁸ moves f by nothing at
        // every step tried, and with one input no other entry shows what f rounds away. The
        // same few ulps that f's own rounding is allowed, on max(|f|, 1, maxₖ |xₖ|) per output.
        let inputScale = x.map { Swift.abs(Double($0)) }.filter(\.isFinite).max() ?? 0
        var hidden = DifferenceTuning.evaluationNoiseULPs * eps
            * combineAbs(r, value.map { Swift.max(Swift.abs(Double($0)), 1, inputScale) })
        for e in row where e.verdict == .agree && e.input < directions.count {
            guard let w = e.witnessValue, w.isFinite else { continue }
            for o in e.ladder where o.value == 0 && o.warnings.contains(.cancellation) {
                guard let h = o.step, h.isFinite else { continue }
                hidden = Swift.max(hidden, Swift.abs(w) * h * reach(e.input))
            }
        }
        return hidden
    }

    /// How far above ``CheckOptions/errorEstimateSafety`` times f's rounding bound
    /// (``flatRoundingBound(_:_:)``) a flat reading's predicted change must lie for f's flatness to
    /// convict the claim: the factor the flag itself demands of the claim over every rung's
    /// error estimate (``EntryCheck/flatWhereClaimMoves``).
    static var flatConvictionMargin: Double { 100 }

    /// The row with each entry that reads f flat where the claim moves, far above anything f's
    /// rounding could hide, made rule-wrong.
    ///
    /// Every sample of every rung returned f(x) to the last bit, at steps from the smallest tried
    /// up to H, so f's change along the axis is at most its rounding at every one of them. A slope
    /// c moves f by |c|·H·reach at H, and by |c|·h·reach at each smaller step h, and no Taylor
    /// remainder cancels that at steps spread over decades. Only rounding can hide it, and the
    /// check's noise model says how much: ``flatRoundingBound(_:_:)`` (a few ulps of f, its inputs
    /// and 1, or what the row showed f rounding away), or f's measured noise where that is larger.
    /// A prediction above ``flatConvictionMargin`` × ``CheckOptions/errorEstimateSafety`` (400)
    /// times that bound would need f to round on an intermediate hundreds of times larger than its
    /// value, its inputs, 1 and any change the row saw hidden, and to cancel it to the last bit:
    /// the claim is wrong (a user review: x₀² at (0.3, 0.7) claimed ∂f/∂x₁ = −2.6, a copy-paste
    /// gradient beside an all-zero feature column, predicts 0.16 at the step 0.0625, 10¹⁴ times
    /// what f = 0.09 rounds, and was "not confirmed"). Between the two bounds the entry stays
    /// flagged and undecided. Rounding on an intermediate far larger than f, cancelled to the last
    /// bit ((x + 10¹³) − 10¹³ at 0.5, slope 1, flat below 0.002), is ruled out by f staying
    /// constant at the input's own scale too (1/8 of max(1, |xⱼ|), two more evaluations);
    /// where f moves there the entry stays flagged: softplus at −40 claimed 10⁻³ moves at −35.
    ///
    /// At a point where f is not differentiable a flat axis can carry a generalized gradient's
    /// entry (|x₀ + x₁| − |x₀| − |x₁| at 0 claimed (2, 0)): ``undecidedWhereNotDifferentiable(_:_:claimed:claimedName:)``
    /// runs after this and leaves such a conviction undecided where f shows a kink.
    mutating func convictFlatAboveRounding(_ row: [EntryCheck], _ r: Int) -> [EntryCheck] {
        guard row.contains(where: \.flatWhereClaimMoves) else { return row }
        var hidden = flatRoundingBound(row, r)
        if !noiseFloor.isEmpty { hidden = Swift.max(hidden, combineAbs(r, noiseFloor)) }
        let bound = Self.flatConvictionMargin * CheckOptions.errorEstimateSafety * hidden
        return row.map { e in
            guard e.flatWhereClaimMoves, let (h, change) = flatPrediction(e), change > bound,
                  let claimed = e.subjects.map(\.value).filter(\.isFinite).max(by: { Swift.abs($0) < Swift.abs($1) }) else { return e }
            // Flat at the input's own scale too (the step scan's first step, 1/8 of max(1, |xⱼ|)),
            // or no conviction: f quantised by an absorbing intermediate, (x + 10¹³) − 10¹³ at 0.5,
            // is flat at every rung's step (all below ulp(10¹³) = 0.002) and has the slope 1,
            // and moves at 0.125. A zero slope keeps f constant there too (x₀² along x₁, a
            // saturated clamp); a true slope c would need an intermediate of c·h/ε (5.6·10¹⁴ for
            // c = 1, h = 0.125) to hide, and to be cancelled to the last bit.
            // Or f flat to that scale on one side and up to a kink on the other (flatUpToKink):
            // max(x₀, 0.1) + x₁ at (10⁻⁴⁰, 0.5) claimed 1 or 0.001 for its 0.
            let constant = variation(r, e.input) == 0
            let plateau = constant ? nil : flatUpToKink(r, e.input)
            guard constant || plateau != nil else { return e }
            // That intermediate is not implausible for a small slope: (10⁻³x₀ + 10¹³) − 10¹³ + x₁ at
            // (0.5, 0.5) is flat out to 1/8 (10⁻³·h is below ulp(10¹³)/2 for h up to about 1) and
            // its right claim 10⁻³ was convicted. Its steps move f beyond, on both sides, the way
            // the claim's sign says; a forgotten saturation (a clamp's plateau) stays flat on one
            // side, and a minimum's curvature rises on both: those are still convicted.
            if constant, stepsBeyondFollowTheClaim(r, e.input, claimed: claimed) { return e }
            // Or f moves on one side only, by a jump the way the claim's sign says, and is flat on
            // the other as far as looked: the same absorbed slope beside a kink. (max(x₀, 0) + 2⁵²)
            // − 2⁵² + x₁ at (0.01, 0.5), slope 1 by hand, is flat for every x₀ < 0.5 and jumps by
            // ulp(2⁵²) = 1 there, and its right claim 1 was convicted. So is a plateau up to a
            // "kink" whose line is a staircase's treads: with 1000·max(x₀ − 0.12, 0) added inside,
            // the treads past 0.12 are 2.5·10⁻⁴ wide, three samples 31.25 apart fell on one line to
            // the last bit, and the right 1 was convicted as that plateau's forgotten 0. A forgotten
            // saturation (min(x₀, 2) at 3, claimed 1) leaves its flat side continuously, and is
            // still convicted. The claim is held to the secant over the jump from below only: x
            // sits anywhere on the tread beside the kink, and the nearer its edge, the steeper.
            if let t = treadBesideFlatSide(r, e.input, levels: Self.staircaseLevels),
               t.change * t.side * claimed > 0, Swift.abs(t.change) / t.edge >= Swift.abs(claimed) / 4 { return e }
            let coarse = Swift.max(h, DifferenceTuning.richardsonInitialStep * Double(newLine(directions[e.input]).scale))
            let span = h * reach(e.input)
            let along = directions.count == x.count ? options.inputName(e.input) : "the direction"
            let name = e.subjects.first?.name ?? "the claim"
            let extent = plateau.map { p in
                "on one side of x at every step tried up to h = \(fmt(coarse)), and on the other up to \(fmt(p.width)), beyond which it "
                    + "moves on a line of slope \(fmt(p.slope)) from a kink \(fmt(p.kink)) from x (so its derivative at x is 0)"
            } ?? "at every step tried up to h = \(fmt(coarse))"
            let predicted = "where \(name) \(fmt(claimed)) predicts a change of \(fmt(Swift.abs(claimed) * coarse * reach(e.input))) "
                + "(and \(fmt(change)) at the differences' largest step \(fmt(h)), beyond \(readableFigure(bound))"
            // A multiple, read as one: fmt printed "400.0 times".
            let margin = readableFigure(Self.flatConvictionMargin * CheckOptions.errorEstimateSafety)
            let why = FindingText(
                alone: "f is constant along \(along) \(extent), \(predicted), \(margin) times the most f's rounding hides, \(readableFigure(hidden)))",
                clause: "along \(along) \(extent), \(predicted); f's rounding hides \(readableFigure(hidden)))",
                head: "f is constant along each entry's line, where the claim predicts a change far beyond what f's rounding hides",
                tail: "Each bound is \(margin) times the most f's rounding hides there")
            let outcome = RungOutcome(witness: "constant samples", value: 0, errorEstimate: hidden / span, step: h,
                                      outcome: "disagree", warnings: [.cancellation])
            flatConvictionWhy[[r, e.input]] = why
            let tol = bound / span
            return EntryCheck(output: e.output, input: e.input, subjects: e.subjects, verdict: .ruleWrong(subjects: e.subjects.map(\.name)),
                              witness: outcome.witness, witnessValue: 0, errorEstimate: hidden / span, step: h,
                              absoluteError: Swift.abs(claimed), relativeError: .infinity, tolerance: tol,
                              kink: e.kink, ladder: e.ladder + [outcome])
        }
    }

    /// The ladder for one entry, with the judgement of `checkJacobian` (reliability first, then the
    /// tolerance), then the one-sided analysis when no rung agreed.
    /// The magnitude the claim's rounding in entry (r, d) is taken relative to: the row's largest
    /// entry, or, along a coordinate xⱼ ≠ 0, 4·maxₖ |cₖ|·|xₖ| / |xⱼ| where smaller (the row in
    /// units of f's change per relative move of each input). A black box has no tape to give the
    /// entry's own path scale (as `checkJacobian` uses); without this, ∂(x₀x₁²)/∂x₀ = 10⁻¹⁶ at
    /// (10⁸, 10⁻⁸) was judged within 64ε·2 and a claim 50% off passed (a user trial).
    /// Only for a Jacobian's rows (one entry per input, direction d along x_d): a JVP's row is one
    /// entry, J·v, and read as partials along eⱼ it indexed past its end (a crash for v = e₂).
    func entryRoundingScale(_ row: [Double], direction d: Int, rowScale: Double) -> Double {
        let v = directions[d]
        // Only a Jacobian check's row has an entry per input: a JVP along a unit vector (0, 1)
        // has one column, and reading its row[1] trapped (index out of range).
        guard functionals == nil, row.count == x.count, directions.count == x.count,
              let j = v.firstIndex(where: { $0 != 0 }), j == d, v.allSatisfy({ $0 == 0 || $0 == 1 }),
              v.lastIndex(where: { $0 != 0 }) == j else { return rowScale }
        let xj = Swift.abs(Double(x[j]))
        guard xj > 0, xj.isFinite else { return rowScale }
        var scaled = 0.0
        for (k, c) in row.enumerated() where k < x.count {
            let t = Swift.abs(c) * Swift.abs(Double(x[k]))
            guard t.isFinite else { return rowScale }
            scaled = Swift.max(scaled, t)
        }
        return Swift.min(rowScale, CheckOptions.errorEstimateSafety * Swift.max(scaled / xj, Swift.abs(row[j])))
    }

    mutating func checkEntry(_ r: Int, _ d: Int, claimed: (String, Double), rowScale: Double, valueScale: Double,
                             entryScale: Double) -> EntryCheck {
        let adRel = CheckOptions.adAccuracyULPs * eps
        let quantum = Double(V.leastNonzeroMagnitude)
        let subnormal = CheckOptions.adAccuracyULPs * quantum
        let floor = adRel * rowScale + subnormal   // see checkJacobian
        // A claim computed in coarser arithmetic than f (claimUnitRoundoff: a float32 gradient
        // beside a Double f) rounds by its own ε, on the entry's scale as the allowance for the
        // claim's rounding is here: the right float32 ∂/∂x₀ of sin x₀·e^(x₁) + x₀x₁ at (0, 1),
        // e + 1 computed as 3.7182817 (2.2·10⁻⁸ relative), was convicted under a tolerance of
        // 1.7·10⁻¹³. A black box has no tape to scale it to the claim's own paths (as
        // checkJacobian does); entryScale is the stand-in it has.
        let claimRel = adRel * Swift.max(1, (options.claimUnitRoundoff ?? eps) / eps)
        let roundingFloor = claimRel * entryScale + subnormal
        let values = [claimed]
        /// The least tolerance of a rung that the claim agreed with only inside the allowance for
        /// its rounding below the normal range (see the ladder): no agreement within a tolerance
        /// as wide or wider passes over it. Else a looser rung's pass followed: e^(−x) at 735.5 with
        /// a claim 1% off, which central resolved beyond its bound, agreed within adaptive's 3.5%.
        var underflowTolerance = Double.infinity
        func make(_ verdict: Verdict, _ decided: (String, DifferenceEstimate, Double)?, ladder: [RungOutcome],
                  kink: KinkAnalysis? = nil) -> EntryCheck {
            var verdict = verdict
            if verdict == .agree, let tol = decided?.2, tol >= underflowTolerance { verdict = .fdInconclusive(reasons: [.underflow]) }
            var absErr: Double? = nil, relErr: Double? = nil
            if let (_, w, _) = decided {
                absErr = Swift.abs(claimed.1 - w.value)
                relErr = absErr.map { w.value == 0 ? ($0 == 0 ? 0 : .infinity) : $0 / Swift.abs(w.value) }
            }
            return EntryCheck(output: r, input: d, subjects: values.map { (name: $0.0, value: $0.1) }, verdict: verdict,
                              witness: decided?.0, witnessValue: decided?.1.value, errorEstimate: decided?.1.errorEstimate,
                              step: decided?.1.step, absoluteError: absErr, relativeError: relErr,
                              tolerance: decided?.2, kink: kink, ladder: ladder)
        }
        if !claimed.1.isFinite { return make(.nonFinite(subjects: [claimed.0]), nil, ladder: []) }

        var outcomes: [RungOutcome] = []
        var reasons: [FDWarning] = []
        let vmax = directions[d].map { Swift.abs(Double($0)) }.max() ?? 1
        var lastDisagreement: (String, DifferenceEstimate, Double)? = nil
        var disagreements = 0
        var disagreedOnlyByFixedStencils = true
        // As in checkJacobian: an agreement within a tolerance looser than ε^{1/3} of the entry's
        // scale is kept while the rest of the ladder is tried (central's tolerance at a badly
        // scaled point passed claims 10⁻³ off that Richardson resolves), and the sharpest
        // disagreement overrules it.
        var looseAgreement: (String, DifferenceEstimate, Double)? = nil
        /// Whether the loose agreement's witness was admitted only on f's change per unit of the
        /// input (``variation(_:_:)``), and by a fixed stencil.
        var looseAgreementByVariationAlone = false
        /// Whether the claim lies beyond the loose agreement's own estimate (inside only its
        /// safety margin): the step scan is asked before it passes.
        var looseAgreementMarginal = false
        // A custom witness (forward-over-reverse in AdjointTesting's Hessian checks) is trusted
        // with the error it states; the step scan guards convictions by differences alone.
        var disagreedByCustomWitness = false
        var sharpestDisagreement: (String, DifferenceEstimate, Double)? = nil
        // A nonzero claim's own size sets what is sharp, as in checkJacobian, down to 64ε of its
        // row (`row-rounding`): ε^{1/3} of f's value (1000 + 10⁻⁶·sin x) made central's 27%
        // tolerance on 8.8·10⁻⁷ sharp, and a gradient 3% off passed at 9 of 10 points (a review).
        // The row's and f's scales remain for a claimed 0.
        let sharp = claimed.1 != 0 && claimed.1.isFinite
            ? Swift.max(Double.pow(eps, 1.0 / 3.0) * Swift.abs(claimed.1), 64 * eps * rowScale)
            : Double.pow(eps, 1.0 / 3.0) * Swift.max(rowScale, valueScale)
        // Whether adaptive or Richardson found a range where the differences settle (at |x|'s
        // kink Richardson settles on the mean slope; on noise nothing settles).
        var aVerifiedRungSettled = false
        /// Whether an agreement within `tol` with witness w leaves the claim's sign open (see
        /// `agreeIfResolved`): w's error bound, or the allowance for the claim's own rounding on
        /// the row's scale (a black box has no tape to scale it to the entry), reaches 0 from it.
        ///
        /// A claimed 0 has no sign to lose, but its agreement is as empty when its tolerance
        /// reaches the slope f shows at the input's own scale (``variation(_:_:)``): 10⁸ + 10⁻⁴x₀
        /// rounds to ulp(10⁸) ≈ 1.5·10⁻⁸, central read it flat at 0 ± 0.006, and that "agreed"
        /// with a claimed 0 (the variable forgotten) on f's scale of 10⁸ while f moves by 10⁻⁴
        /// per unit (a review). Such an agreement is loose: the sharper rungs are asked, and the
        /// step scan decides if none disagrees. f flat at that scale (a saturated clamp), or
        /// curving more there than the tolerance (a minimum), keeps its pass. Probed only where
        /// the tolerance is loose beside the row's own entries, or where the witness's samples
        /// did not move beyond f's rounding (`cancellation`), so an input f ignores in a
        /// well-scaled row costs nothing more. The row alone is no measure of that: 10¹²·sin x₀
        /// + x₁² at (0.3, 0.7) rounds to 6·10⁻⁵, central's samples along x₁ were equal, and its
        /// 0 ± 18 "agreed" with a claimed ∂/∂x₁ = 0 (the penalty's gradient forgotten) as tight
        /// beside the row's 10¹², while f moves by 0.19 along x₁ at 1/8.
        ///
        /// Nor is it resolved where the witness's step reaches beyond the input's own magnitude
        /// |xⱼ| < 1 and its tolerance reaches f's slope at that magnitude
        /// (``variationAtOwnMagnitude(_:_:)``): a unit step sees f's curvature, not its slope at
        /// x. x² at 10⁻⁴⁰: every rung's samples lose x (x ± h rounds to ±h), read 0 ± 2·10⁻²⁸,
        /// and a claimed 0 passed, beside f's slope of 2·10⁻⁴⁰ at steps of |x|/8, while the right
        /// claim 2·10⁻⁴⁰, whose tolerance reaches 0, was below-resolution. Both are now.
        ///
        /// Two more ways a claimed 0 "agrees" only because the witness cannot see the entry, where f
        /// moves at the input's scale (a review): x₀² + x₁ at (10⁻⁴⁰, 0.5) is exactly 0.5 at
        /// x₀ ± 10⁻⁴⁰/8, x₀² lost beside x₁, so f's slope at x₀'s own magnitude reads 0 on samples
        /// that could not show 10²⁴ per unit, and central's 0 ± 3·10⁻¹¹ from a step of 8·10⁻⁶ (where
        /// x₀ ± h rounds to ±h and the squares are equal) "agreed" with a claimed 0 for 2·10⁻⁴⁰; and
        /// x₀ + log(1 + e^{x₁}) at (1, −35), whose slope e⁻³⁵ ≈ 6.3·10⁻¹⁶ is below ulp(1): Richardson's
        /// samples cancelled to 6.5·10⁻¹⁶ ± 8.9·10⁻¹⁶, a value within its tolerance of 0 and of the
        /// truth alike, and the claimed 0 passed while the right 6.3·10⁻¹⁶ was below-resolution.
        func unresolved(_ w: DifferenceEstimate, _ tol: Double) -> Bool {
            let c = Swift.abs(claimed.1)
            // A nonzero claim has a sign to lose, however small: e^(−x) at 745 is one spacing,
            // and its negative passed as a claimed 0 would (the slope f shows at x's scale is far
            // beyond the tolerance) once a tolerance near the spacing reached from it past 0.
            if c != 0, CheckOptions.errorEstimateSafety * w.errorEstimate >= c || tol >= c { return true }
            if c <= subnormal {
                if w.step > 0, let own = variationAtOwnMagnitude(r, d, beyondStep: w.step) {
                    if own > 0, tol >= own { return true }
                    if own == 0, let v = variation(r, d), v > 0 { return true }
                }
                // A witness whose samples were equal to the last bit (exactly 0, cancelled) beside f
                // monotone across x at the input's scale, beyond the tolerance on both sides at
                // h = 1/8: a slope f rounds away at the witness's steps, not a minimum's curvature
                // (f rises on both sides) nor a kink with f flat on one side, which the test below
                // keeps passing. (x₀ + 10¹³) − 10¹³ + x₁ at (0.5, 0.5) has slope 1 along x₀ and is
                // flat within ulp(10¹³)/2 ≈ 10⁻³: central read 0 ± 5.8·10⁻¹¹ and passed a claimed
                // 0, since f moved by 1/8 at 1/8, "more than the tolerance".
                if w.value == 0, w.warnings.contains(.cancellation), let m = monotoneVariation(r, d), m > tol { return true }
                // The same slope beyond the scan's first step, f exactly constant within it: a
                // staircase or an absorbed slope (``staircaseBeyondFlat(_:_:)``), undecided below.
                if w.value == 0, w.warnings.contains(.cancellation), zeroClaimBesideStaircase(r, d) { return true }
                guard tol > Double.pow(eps, 1.0 / 3.0) * rowScale || w.warnings.contains(.cancellation),
                      let v = variation(r, d), v > 0 else { return false }
                return tol >= v || (w.warnings.contains(.cancellation) && w.value != 0 && Swift.abs(w.value) <= tol)
            }
            return false
        }
        // f's noise is measured once a rung beyond the first is asked for (or a jump is judged),
        // and the estimates made before are dropped then (``measureNoiseOnce()``); this entry's
        // earlier rungs were judged on them, without the noise. Where a rung judged with the
        // noise agrees and one judged without it disagreed, the ladder starts again with the
        // noise known, so the disagreement is weighed as the noise allows. A bisection to 10⁻⁷ at
        // x = 0.5 (scenario 12) stayed inconclusive on central's "disagree 0.649414 ± 2.47·10⁻¹¹"
        // alone, judged inside one tread of its staircase, beside adaptive, Richardson and the
        // step scan at 0.649791, the slope by hand. Not on every measured noise: a disagreement
        // that the later rungs share stands as judged (a claim 10⁻⁶ off on noise of 10⁻¹², where
        // central judged again with the noise convicted fewer). At most once per check.
        let noiseKnownAtStart = noiseMeasured
        func judgedBeforeTheNoise() -> Bool {
            !noiseKnownAtStart && noiseMeasured && !noiseFloor.isEmpty && outcomes.contains { $0.outcome == "disagree" }
        }
        for k in options.ladder.indices {
            let name = options.ladder[k].name
            guard var w = estimate(rung: k, direction: d, row: r) else {
                outcomes.append(RungOutcome(witness: name, value: nil, errorEstimate: nil, step: nil, outcome: "not-available", warnings: []))
                continue
            }
            let nominal: Double
            if case .differences(let m) = options.ladder[k] { nominal = m.nominalRelativeAccuracy(epsilon: eps) } else { nominal = 0 }
            // f's noise is measured before the first rung disagrees, not after: the disagreement
            // otherwise stands on the ulps of f alone. e^{z₀}/Σₖ e^{zₖ} − 1 at z₀ = 19.46 rounds
            // on the quotient's grid of 2⁻⁵³, 10⁸ ulps of its −3.7·10⁻⁹; central read −3.882547·10⁻⁹
            // ± 1.7·10⁻¹⁸ for a true −3.882641·10⁻⁹, and its disagreement, kept beside the
            // noise-aware rungs that agreed, left a right uᵀJ undecided where it had convicted it.
            // A disagreement goes up the ladder, which measures the noise anyway: this costs nothing more.
            if k == 0, !noiseMeasured, options.atol == nil, options.rtol == nil,
               Swift.abs(claimed.1 - w.value) > CheckOptions.errorEstimateSafety * w.errorEstimate + roundingFloor + (nominal + adRel) * Swift.abs(w.value) {
                measureNoiseOnce()
                if !noiseFloor.isEmpty, let measured = estimate(rung: k, direction: d, row: r) { w = measured }
            }
            // A difference that never converged is a guess (its spread can be small by chance):
            // it decides nothing here either, as in checkJacobian.
            var hard = w.warnings.filter { $0 == .nonFinite || $0 == .unsupportedOp || $0 == .noConvergence }
            let scale = Swift.max(Swift.abs(w.value), Swift.abs(claimed.1))
            var resolution = Swift.max(rowScale, valueScale) * Double.pow(eps, 1.0 / 3.0)
            func tooLarge() -> Bool {
                w.errorEstimate > DifferenceTuning.inconclusiveRelativeError * Swift.max(scale, resolution) && w.errorEstimate > floor
            }
            // Where f and every claimed entry of the row are 0 (the minimum of x₀² + x₁²,
            // Rosenbrock's (1, 1, 1, 1)) neither gives a scale, and any nonzero estimate was too
            // large: a right gradient was never passed. f's own change per unit of the input is
            // the scale then. It admits the estimate only; agreement is still within the
            // estimate's error, so a claim off by more than that is not passed on it. It does
            // not make the agreement sharp either: a sharper rung that disagrees still decides
            // (as sharp, central's 9·10⁻⁸ agreement with a claimed 10⁻⁷ at Rosenbrock's (1, 1)
            // returned before Richardson, whose disagreement had convicted it, was asked).
            let admittedByVariation = tooLarge()
            if admittedByVariation, let v = variation(r, d) {
                resolution = Swift.max(resolution, v * Double.pow(eps, 1.0 / 3.0))
            }
            if tooLarge() { hard.append(.estimateTooLarge) }
            if !hard.isEmpty {
                let why = Array(Set(hard + w.warnings)).sorted()
                reasons += why
                outcomes.append(RungOutcome(witness: name, value: w.value, errorEstimate: w.errorEstimate, step: w.step,
                                            outcome: "unreliable", warnings: why, evaluations: w.evaluations))
                continue
            }
            if !options.ladder[k].fixedStencil { aVerifiedRungSettled = true }
            let atol = options.atol ?? (CheckOptions.errorEstimateSafety * w.errorEstimate + roundingFloor)
            // The claim's own rounding is counted once, in atol on the entry's scale (which is at
            // least |claim|): counted in rtol on |w| as well, a float32 claim was granted 128 of
            // Float's ulps, and the gradient of sin x₀·e^(x₁) + x₀x₁ in float32 times 1 + 10⁻⁵ (84
            // of them) was convicted nowhere: at 300 points, 252 of its 600 entries agreed and the
            // rest were inconclusive. Those 348 are rule-wrong now; the right float32 gradient's
            // worst entry uses 3.8% of its tolerance there (2.6% before).
            let rtol = options.rtol ?? (nominal + adRel)
            var tol = atol + rtol * Swift.abs(w.value)
            // The allowance for a claim's rounding below the normal range (64 of V's least
            // subnormals, as 64 ulps above it) keeps a right claim computed there from being
            // convicted, but it passes nothing the samples resolve. Subnormal samples are exact to
            // the spacing: f = s·x with s = 2000 spacings, at 1000, reads s to a spacing or two,
            // and a claim 30 spacings off (1.5%) agreed within the 64. An agreement needs the
            // witness's bound and one spacing (the claim's own last rounding, half of it); one
            // that needs more of the allowance is undecided (underflow): passed no longer, and
            // not convicted, since a right rule rounded in subnormal arithmetic can be that far off.
            if Swift.abs(claimed.1 - w.value) <= tol {
                if options.atol == nil {
                    let sharpened = tol - subnormal + quantum
                    if Swift.abs(claimed.1 - w.value) > sharpened {
                        underflowTolerance = Swift.min(underflowTolerance, sharpened)
                        reasons.append(.underflow)
                        outcomes.append(RungOutcome(witness: name, value: w.value, errorEstimate: w.errorEstimate, step: w.step,
                                                    outcome: "unreliable", warnings: (w.warnings + [.underflow]).sorted(),
                                                    evaluations: w.evaluations))
                        continue
                    }
                    tol = sharpened
                }
                if judgedBeforeTheNoise() {
                    return checkEntry(r, d, claimed: claimed, rowScale: rowScale, valueScale: valueScale, entryScale: entryScale)
                }
                // A step beyond a unit of the input can average away a term that varies on that
                // scale: at x₂ = 4·10⁶ central's step 26 spans four periods of sin(x₂)·x₀, and its
                // value agreed with a sign-flipped ∂/∂x₂ (a planted error passed). The agreement
                // stands only if differences 4 to 4⁵ times closer agree too; else the ladder goes on.
                if case .differences = options.ladder[k], w.step * vmax > 1 {
                    let finer = smallerStepAgreement(r, d, claimed: claimed.1, witness: w, tolerance: tol, vmax: vmax)
                    if !finer.agrees {
                        reasons.append(.noConvergence)
                        outcomes.append(RungOutcome(witness: name, value: w.value, errorEstimate: w.errorEstimate, step: w.step,
                                                    outcome: "unreliable", warnings: [.noConvergence], evaluations: w.evaluations))
                        continue
                    }
                    // What the unit-scale levels could not exclude: within their test's bound.
                    if let u = finer.unitResolution, u > tol { tol += u }
                }
                // A rung that agrees where an earlier one disagreed may have averaged across a
                // kink its samples straddle: a difference over a step reaching past the kink
                // returns the mean of the one-sided slopes, however well it converges. 3·max(x, 0)
                // at 10⁻¹⁷ has slope 3; Richardson from 0.0625 settled on 1.5 ± 5·10⁻¹², agreed
                // with a claimed 1.5 (central, straddling too, agreed loosely) and overruled the
                // adaptive method's 3, which had stepped below 10⁻¹⁷: the claim 1.5 and the claim 3
                // both passed. Such an agreement decides nothing; the ladder goes on.
                // Central's own agreement, the first and commonest, is tested on its own samples
                // (x ± h, x ± 2h), at no cost: in Float its step of 2⁻⁸ reaches far, and |x| at
                // 10⁻⁶ gave 1.2·10⁻⁴ ± 5·10⁻⁵ there, which "agreed" with a claimed 0.
                let straddles: Bool
                if case .differences(let method) = options.ladder[k] {
                    if outcomes.contains(where: { $0.outcome == "disagree" || $0.warnings.contains(.crossesKink) }) {
                        straddles = slopeJumpWithin(r, d, reach: w.reach, finer: 16, beyond: tol)
                    } else if method == .central {
                        straddles = slopeJumpWithin(r, d, reach: w.reach, finer: 2, beyond: tol)
                    } else {
                        straddles = false
                    }
                } else {
                    straddles = false
                }
                if straddles {
                    reasons.append(.crossesKink)
                    outcomes.append(RungOutcome(witness: name, value: w.value, errorEstimate: w.errorEstimate, step: w.step,
                                                outcome: "unreliable", warnings: (w.warnings + [.crossesKink]).sorted(),
                                                evaluations: w.evaluations))
                    continue
                }
                outcomes.append(RungOutcome(witness: name, value: w.value, errorEstimate: w.errorEstimate, step: w.step,
                                            outcome: "agree", warnings: w.warnings, evaluations: w.evaluations))
                // A rung reached only after others failed may agree with one branch of a jump.
                if outcomes.count > 1,
                   let verdict = jumpVerdict(r, d, slope: [claimed.1, w.value].map { Swift.abs($0) }.filter(\.isFinite).max() ?? 0) {
                    return make(verdict, nil, ladder: outcomes)
                }
                if disagreements >= 2 {
                    return make(.fdInconclusive(reasons: [.witnessesConflict]), nil, ladder: outcomes)
                }
                // An agreement that holds only inside the safety margin (the claim farther from the
                // witness than the witness's own estimate) is a guess at the claim's side of it,
                // and on a noisy f the guess came out either way from run to run: cos(x₀)x₁·(1 +
                // 10⁻⁶) for ∂/∂x₀ of sin(x₀)x₁ + noise of 10⁻¹² stopped at central's or adaptive's
                // "agree" at 4 of 40 points (and at 12 of 40 for 3·10⁻⁷), where Richardson, asked,
                // resolves the gap. A sharper rung is asked; without one the agreement stands.
                // At the last rung too, where the step scan is asked instead (`agreeIfResolved`):
                // sin(x₀)·0.05 + x₁² at (0, 9·10⁵) ended on Richardson's 0.0511 ± 0.0115, which
                // "agreed" with a claimed 0.075 for 0.05, two estimates away (a review). Not where
                // the caller set the tolerance.
                // A coarser claim's own rounding (claimRel beyond the check's ε) is no margin: every
                // right float32 claim lies beyond a Double witness's estimate by it.
                let claimOwn = claimRel > adRel ? claimRel * Swift.max(entryScale, Swift.abs(w.value)) : 0
                let marginal = options.atol == nil && options.rtol == nil && Swift.abs(claimed.1 - w.value) > w.errorEstimate + claimOwn
                if tol > Swift.max(sharp, Swift.abs(w.value) * Double.pow(eps, 1.0 / 3.0)) || unresolved(w, tol) || marginal {
                    if tol < looseAgreement?.2 ?? .infinity {
                        looseAgreement = (name, w, tol)
                        looseAgreementByVariationAlone = admittedByVariation && options.ladder[k].fixedStencil
                        looseAgreementMarginal = marginal
                    }
                    continue
                }
                return make(.agree, (name, w, tol), ladder: outcomes)
            }
            // A disagreement with a cancelled or sub-ulp difference proves nothing: escalate.
            var soft = w.warnings.filter { $0 == .cancellation || $0 == .stepBelowULP }
            if soft.contains(.cancellation), cancelledOnlyWhereOutputsIgnoreTheInput(rung: k, direction: d, row: r) {
                soft.removeAll { $0 == .cancellation }
            }
            // Within the row's rounding floor but beyond the entry's: a black box shows no tape to
            // tell rounding on the row's scale from a wrong claim (x₀·x₁² at (10⁸, 10⁻⁸) off by
            // half, or a right ∂/∂x₂ of sin(x₂)x₀ + x₁x₂ at x₂ = 6·10⁶ beyond a Richardson estimate
            // that missed f's rounding of 10⁻³): neither passed nor convicted. Its own reason, not
            // noisy-evaluation: nothing noisy was measured (log x₀ + x₁ at x₀ = 10¹⁵ with 2/x₀
            // claimed told the user to tighten a solver's tolerance it did not have).
            if options.atol == nil, Swift.abs(claimed.1 - w.value) <= tol + adRel * Swift.max(0, rowScale - entryScale) {
                soft.append(.rowRounding)
            }
            if !soft.isEmpty {
                reasons += soft
                outcomes.append(RungOutcome(witness: name, value: w.value, errorEstimate: w.errorEstimate, step: w.step,
                                            outcome: "unreliable", warnings: soft, evaluations: w.evaluations))
                continue
            }
            outcomes.append(RungOutcome(witness: name, value: w.value, errorEstimate: w.errorEstimate, step: w.step,
                                        outcome: "disagree", warnings: w.warnings, evaluations: w.evaluations))
            lastDisagreement = (name, w, tol)
            if case .custom = options.ladder[k] { disagreedByCustomWitness = true }
            if tol < sharpestDisagreement?.2 ?? .infinity { sharpestDisagreement = (name, w, tol) }
            if !options.ladder[k].fixedStencil { disagreedOnlyByFixedStencils = false }
            disagreements += 1
        }
        /// An agreement whose tolerance reaches past 0 from the claim passes its negative too:
        /// 553 of 7,200 sign flips passed on entries 10⁻⁷ of their row, within central's error
        /// (f's rounding over a step scaled to the entry's own input) or within the allowance for
        /// the claim's rounding on the row's scale. The step scan at the entry's own scale passes
        /// the claim when its settled levels resolve and support it; anything else is
        /// inconclusive (``FDWarning/belowResolution``), with the agreeing witness and its
        /// tolerance shown. Not a scan from the point's scale, max(1, maxₖ |xₖ|), as tried: a
        /// black box need not vary along xⱼ on the scale of the other inputs, and such steps
        /// passed the sign flip +10⁻⁹ of ∂f/∂x₂ = −10⁻⁹ for x₀ + 10⁻⁹x₂ + 2·10⁻⁹sin x₂ at (10⁷, π),
        /// where they see only the linear term (89 of the sweep's 1,400 right gradients passed
        /// on such steps; they are inconclusive now).
        func agreeIfResolved(_ decided: (String, DifferenceEstimate, Double), ladder: [RungOutcome], marginal: Bool = false) -> EntryCheck {
            let open = unresolved(decided.1, decided.2)
            guard open || marginal else { return make(.agree, decided, ladder: ladder) }
            // f exactly constant out to the scan's first step and stepping beyond it on both sides
            // with one slope: every witness and scan level inside reads 0 (and f is "flat to its
            // rounding" there), which a floor's derivative and a slope lost to a large
            // intermediate share (``staircaseBeyondFlat(_:_:)``).
            if open, Swift.abs(claimed.1) <= subnormal, decided.1.value == 0, decided.1.warnings.contains(.cancellation),
               zeroClaimBesideStaircase(r, d, deciding: true) {
                return make(.fdInconclusive(reasons: [.flatBelowScale]), decided, ladder: ladder)
            }
            // A claim that is 0 up to its own rounding (not the subnormal allowance: e^(−x) at 745 is
            // one spacing, and its sign is all a claim there says), where f is flat to its own rounding on both
            // sides at every step out to the input's scale: f's slope is bounded by that rounding
            // over the finest flat step, and the claim lies within the bound, whatever its sign
            // (``flatToOwnRoundingBothSides(_:_:hidingAtMost:)``: a Huber loss's ∂L/∂w₀ = 0 in its linear region).
            // Only where that rounding hides no more slope at the input's scale than the claim's own
            // allowance: where f is far larger than the row's entries along xⱼ (Rosenbrock at x₀ =
            // 3·10⁵, f ≈ 10²², beside 2x₂ = 2176), it hides real entries, and their sign flips passed.
            if open, Swift.abs(claimed.1) <= claimRel * entryScale,
               let flat = flatToOwnRoundingBothSides(r, d, hidingAtMost: CheckOptions.errorEstimateSafety * claimRel * entryScale) {
                let tol = CheckOptions.errorEstimateSafety * flat.bound + roundingFloor
                if Swift.abs(claimed.1 - flat.value) <= tol {
                    let o = RungOutcome(witness: Self.flatSamplesWitness, value: flat.value, errorEstimate: flat.bound, step: flat.step,
                                        outcome: "agree", warnings: [])
                    let estimate = DifferenceEstimate(value: flat.value, errorEstimate: flat.bound, step: flat.step)
                    return make(.agree, (o.witness, estimate, tol), ladder: ladder + [o])
                }
            }
            // A claimed 0's gap is what the agreement left open: its tolerance. A marginal
            // agreement's is the claim's distance from the witness.
            // For a claimed 0 beside f's slope at the input's own magnitude, that slope: a scan
            // resolving only the tolerance (2·10⁻²⁸ for x² at 10⁻⁴⁰) settled on its levels' 0,
            // which lose x as the rungs did, and "supported" the claim.
            var gap = open ? (Swift.abs(claimed.1) > subnormal ? Swift.abs(claimed.1) : decided.2) : Swift.abs(claimed.1 - decided.1.value)
            if open, Swift.abs(claimed.1) <= subnormal {
                if decided.1.step > 0, let own = variationAtOwnMagnitude(r, d, beyondStep: decided.1.step) {
                    if own > 0 { gap = Swift.min(gap, own) }
                    // f exactly flat at the input's own magnitude but moving at its scale: the
                    // scan's central differences lose xⱼ as the rungs did (x₀ ± h rounds to ±h, and
                    // x₀² + x₁ reads the same on both sides), so they "settle" on 0 for any slope.
                    // Unless f is flat up to the input's scale on one side and up to a kink on
                    // the other (max(x₀, 0.1) + x₁ at (10⁻⁴⁰, 0.5)): then 0 is its slope.
                    else if let v = variation(r, d), v > 0 {
                        if flatUpToKink(r, d) != nil { return make(.agree, decided, ladder: ladder) }
                        return make(.fdInconclusive(reasons: [.belowResolution]), decided, ladder: ladder)
                    }
                }
                // A witness that read a nonzero value within its tolerance of 0: the scan must
                // resolve that value, not only the tolerance, to support the 0.
                if decided.1.value != 0 { gap = Swift.min(gap, Swift.abs(decided.1.value)) }
            }
            let scan = scanAgainstClaim(r, d, claimed: claimed.1, gap: gap, finestRungStep: decided.1.step)
            let o = scan.outcome
            // The scan resolves only the gap it is given (the claim itself, for an entry below
            // its tolerance), and stops there: it "supports" a claim within its own estimate,
            // which can be far coarser than a rung's that agreed only within the allowance for the
            // claim's rounding on the row's scale. H₁₁ = 10⁻¹⁶ of x₀²/2 + x₀x₁ + 10⁻¹⁶x₁²/2 at
            // (10⁻⁸, 2·10⁻⁸), beside H₁₀ = 1: Richardson read 9.9999999·10⁻¹⁷ ± 1.4·10⁻²², the scan
            // 1.0001·10⁻¹⁶ ± 1.2·10⁻¹⁹, and a claim 0.1% off passed within the scan's 4.9·10⁻¹⁹. The
            // claim is then what rounding on the row's scale may give, or wrong: not passed.
            func excludedBySharperRung() -> Bool {
                guard options.atol == nil, options.rtol == nil, let e = o.errorEstimate else { return false }
                return ladder.contains { rung in
                    guard rung.outcome == "agree", let v = rung.value, let re = rung.errorEstimate, re.isFinite, re < e else { return false }
                    return Swift.abs(claimed.1 - v) > CheckOptions.errorEstimateSafety * re + adRel * Swift.abs(v)
                }
            }
            if scan.finding == .supportsClaim, excludedBySharperRung() {
                return make(.fdInconclusive(reasons: [.rowRounding]), decided, ladder: ladder + [o])
            }
            // A marginal agreement passes only where the scan supports it, and keeps its own
            // witness and tolerance: the scan's steps can span an oscillating term's periods
            // (sin(x₂)·x₀ at x₂ = −197402, step 26), and its tighter estimate did not hold there.
            // One the scan excludes is a conflict of witnesses; one it cannot resolve is
            // undecided (passing it, as before, passed that 0.075; on the sweep, seeds 1234, 5,
            // 7, 11 at 100 points, no right claim changed verdict and 8 planted errors stopped passing).
            if !open {
                switch scan.finding {
                case .supportsClaim: return make(.agree, decided, ladder: ladder + [o])
                case .excludesClaim: return make(.fdInconclusive(reasons: [.witnessesConflict]), nil, ladder: ladder + [o])
                case .unresolved: return make(.fdInconclusive(reasons: [.beyondEstimate]), decided, ladder: ladder + [o])
                }
            }
            if scan.finding == .supportsClaim, let v = o.value, let e = o.errorEstimate {
                let estimate = DifferenceEstimate(value: v, errorEstimate: e, step: o.step ?? 0)
                return make(.agree, (o.witness, estimate, CheckOptions.errorEstimateSafety * e), ladder: ladder + [o])
            }
            // An exclusion here convicts nothing: a witness on the ladder agreed, and the two
            // conflict (from the point's scale, where an oscillating term averages away, the scan
            // excluded right claims: sin(x₂)·x₀ in Float at x₂ = 0.008 and x₀ = −3316 settled on
            // −652.6 for a right −4325.8).
            return make(.fdInconclusive(reasons: [.belowResolution]), decided, ladder: ladder + [o])
        }
        /// A conviction by witness w stands only if the step scan confirms it (see below).
        func convict(_ name: String, _ w: DifferenceEstimate, _ tol: Double, overruling agreement: DifferenceEstimate? = nil) -> EntryCheck {
            if disagreedByCustomWitness { return make(.ruleWrong(subjects: [claimed.0]), (name, w, tol), ladder: outcomes) }
            // Without a tape the rungs' error estimates rest on f's ulps and on steps scaled by
            // |x|: a term that oscillates on a scale far below |x| beside a huge linear one, or an
            // f whose rounding comes from an intermediate far larger than f, fools them (a sweep
            // of right gradients at badly scaled points). The conviction stands only when central
            // differences at the smallest steps that still resolve the gap exclude the claim.
            // The gap to resolve is the smallest any rung disagreed by: a scan that resolves only
            // the largest (a fooled rung's) would confirm nothing about the others.
            let disagreeing = outcomes.filter { $0.outcome == "disagree" }
            let gaps = disagreeing.compactMap { $0.value.map { Swift.abs(claimed.1 - $0) } }
            let finest = outcomes.compactMap(\.step).filter { $0 > 0 }.min() ?? .infinity
            let scan = scanAgainstClaim(r, d, claimed: claimed.1, gap: gaps.min() ?? Swift.abs(claimed.1 - w.value), finestRungStep: finest)
            switch scan.finding {
            case .excludesClaim:
                let o = scan.outcome
                // Finer steps than the exclusion's read nearer the claim, or coarser ones read it
                // within their own noise: the two scales conflict.
                if scan.finerLevelsNearerClaim || scan.coarserLevelsReadClaim {
                    return make(.fdInconclusive(reasons: [.witnessesConflict]), nil, ladder: outcomes + [o])
                }
                // Only steps beyond a unit of the input, or beyond |xⱼ| below one, resolve the gap
                // (see scanAgainstClaim).
                if scan.excludesOnlyAboveUnit {
                    return make(.fdInconclusive(reasons: [.belowResolution]), nil, ladder: outcomes + [o])
                }
                // An agreement too coarse to resolve the claim's sign, at a step below every step
                // the scan excluded the claim at, is not overruled where the scan's finer steps
                // show structure the excluding ones miss: ∂/∂x₁ of x₀x₁x₂ − x₂/x₁ at
                // x₁ = −1.3·10⁻⁴ (f ≈ 4·10¹³) is −1554, of which −1418 comes from x₂/x₁, which
                // varies on the scale of x₁. Richardson's steps (from 0.125) and the scan's
                // settled ones see only x₀x₂ = −135.5; central's 6·10⁻⁶ sees the pole term, too
                // noisily to resolve it. Such witnesses conflict; neither decides.
                if let a = agreement, a.step > 0, let h = o.step, h > a.step, scan.structureBelow {
                    return make(.fdInconclusive(reasons: [.witnessesConflict]), nil, ladder: outcomes + [o])
                }
                // The scan's value where the rung's lies beyond both estimates from it: the
                // conviction is right, but an aliased Richardson's −231153.6 "± 4·10⁻⁶" for a true
                // −231119.05 is no value to show a user. Not where a rung already found both
                // values, each at its own range of steps, and said it cannot tell which holds
                // (no-convergence, its spread covering both): the scan is no better placed to
                // tell, and the disagreeing rungs' value is shown. (x₀ + 10⁸) − 10⁸ + x₁x₀ at
                // (0.3, 0.7): below ulp(10⁸) the first term is flat, and Richardson read 1.7 above
                // it and 0.7 below (0.7 ± 1); the scan's 0.7 ± 8·10⁻⁷ from below it, shown as the
                // slope along x₀, made the direction probe call f not differentiable, where
                // central and adaptive gave 1.7, the derivative by hand.
                func covers(_ r: RungOutcome, _ value: Double, _ error: Double) -> Bool {
                    guard let rv = r.value, let re = r.errorEstimate else { return false }
                    return Swift.abs(rv - value) <= re + error
                }
                let bothSeen = { (v: Double, e: Double) in outcomes.contains { r in
                    r.outcome == "unreliable" && r.warnings.contains(.noConvergence)
                        && covers(r, v, e) && covers(r, w.value, w.errorEstimate)
                } }
                if let v = o.value, let e = o.errorEstimate,
                   Swift.abs(v - w.value) > CheckOptions.errorEstimateSafety * (e + w.errorEstimate), !bothSeen(v, e) {
                    let estimate = DifferenceEstimate(value: v, errorEstimate: e, step: o.step ?? 0)
                    return make(.ruleWrong(subjects: [claimed.0]), (o.witness, estimate, CheckOptions.errorEstimateSafety * e),
                                ladder: outcomes + [o])
                }
                // Disagreeing rungs that contradict each other beyond their estimates: at least one
                // estimate fails, so the sharpest is no value to show. (x₀ + 10⁸) − 10⁸ + x₁x₀ at
                // (0.3, 0.7): below ulp(10⁸) the first term is flat, Richardson settled on 0.7
                // "± 2·10⁻⁷" while central and adaptive gave the true 1.7; every rung excludes a
                // claim 10⁻⁵ off, and the report showed 0.7.) The rung most others agree with is
                // shown, the sharpest among equals; the verdict does not change.
                if let shown = Self.mostCorroborated(disagreeing), shown.witness != name,
                   let v = shown.value, let e = shown.errorEstimate {
                    let estimate = DifferenceEstimate(value: v, errorEstimate: e, step: shown.step ?? 0, evaluations: shown.evaluations ?? 0)
                    return make(.ruleWrong(subjects: [claimed.0]), (shown.witness, estimate, CheckOptions.errorEstimateSafety * e),
                                ladder: outcomes + [scan.outcome])
                }
                return make(.ruleWrong(subjects: [claimed.0]), (name, w, tol), ladder: outcomes + [scan.outcome])
            case .supportsClaim:
                // Settled differences at steps below every disagreeing rung's agree with the claim:
                // those rungs averaged over a term their steps could not resolve (sin(x₂)·x₀
                // beside x₁x₂ at x₂ = 10⁶: Richardson from 0.125·|x₂|), so the smaller steps
                // decide, within the scan's own tolerance.
                let o = scan.outcome
                let disagreeingSteps = disagreeing.compactMap(\.step)
                if let v = o.value, let e = o.errorEstimate, let h = o.step, !disagreeingSteps.isEmpty,
                   disagreeingSteps.allSatisfy({ h < $0 }) {
                    let estimate = DifferenceEstimate(value: v, errorEstimate: e, step: h)
                    return agreeIfResolved((o.witness, estimate, CheckOptions.errorEstimateSafety * e), ladder: outcomes + [o])
                }
                return make(.fdInconclusive(reasons: [.witnessesConflict]), nil, ladder: outcomes + [scan.outcome])
            case .unresolved:
                // Rungs that disagree with each other beyond their estimates say so too.
                let conflict = Self.anyContradict(disagreeing)
                let why = scan.outcome.warnings.isEmpty ? [FDWarning.noisyEvaluation] : scan.outcome.warnings
                return make(.fdInconclusive(reasons: conflict ? (why + [.witnessesConflict]).sorted() : why), nil,
                            ladder: outcomes + [scan.outcome])
            }
        }
        /// The one-sided differences' finding at x along this entry's line (asked once).
        var oneSidedAsked: OneSidedFinding?? = nil
        func oneSidedFinding() -> OneSidedFinding? {
            if let asked = oneSidedAsked { return asked }
            var entryLine = newLine(directions[d])
            let finding = oneSided(r, on: &entryLine, claimed: claimed)
            oneSidedAsked = .some(finding)
            return finding
        }
        /// The verdict at a kink the one-sided differences found at x.
        func kinkVerdict(_ k: KinkAnalysis) -> EntryCheck {
            let valid = k.withinOneSided.allSatisfy(\.valid)
            guard !valid && x.count > 1 && k.unresolved == nil else {
                return make(.kink(validSubgradient: k.unresolved == nil ? valid : nil), lastDisagreement, ladder: outcomes, kink: k)
            }
            // With one input the one-sided derivatives are the ends of the generalized
            // gradient, so a claim outside them is wrong. With several, the pieces active at x
            // need not all meet the line along this input: max(0, min(x₀, x₁)) + |x₀| at (0, 0)
            // has one-sided slopes −1 and 1 along x₀, yet (2, 0), the gradient of the piece
            // 2x₀ on x₁ > x₀ > 0, is in its generalized gradient (a review). A recorded tape
            // can count the kinks touched and judge; a black box cannot, so it does not convict.
            let why = "the claimed value lies outside f's one-sided derivatives along this input "
                + "[\(fmt(Swift.min(k.left, k.right))), \(fmt(Swift.max(k.left, k.right)))]: wrong if at most two pieces of f meet "
                + "here, but where more meet (max(0, min(x₀, x₁)) + |x₀| at 0) a generalized gradient can lie outside them, "
                + "and a black box cannot tell which"
            let undecided = KinkAnalysis(ops: k.ops, left: k.left, right: k.right, withinOneSided: k.withinOneSided,
                                         unresolved: why, tolerance: k.tolerance)
            return make(.kink(validSubgradient: nil), lastDisagreement, ladder: outcomes, kink: undecided)
        }
        if let (name, w, tol) = looseAgreement {
            // A sharper witness that disagrees decides; one no sharper contradicts the agreement.
            if let (dName, dw, dTol) = sharpestDisagreement {
                // Not at a kink: a settled difference there is the mean of the one-sided slopes,
                // and a loose agreement (a rung reaching only one side) overruled by it went
                // straight to conviction, past the one-sided analysis that follows when no rung
                // agrees. A table of cos at spacing 0.1 with linear interpolation, at its knot
                // x = −1 (the shrinker's choice), convicted every claim, the one-sided slopes
                // 0.867062 and 0.813077 (by hand) and −sin(−1) = 0.841471 between them, against
                // Richardson's mean 0.840069 ± 2·10⁻¹³. The kink's own verdict is taken here too;
                // any other finding leaves the conviction to the step scan as before.
                if dTol < tol, aVerifiedRungSettled, case .kink(let k)? = oneSidedFinding() { return kinkVerdict(k) }
                return dTol < tol ? convict(dName, dw, dTol, overruling: unresolved(w, tol) ? w : nil)
                                  : make(.fdInconclusive(reasons: [.witnessesConflict]), nil, ladder: outcomes)
            }
            // A symmetric stencil sees nothing of a cusp: central's differences of √|x| at 0 are
            // exactly 0, with an estimate of f's rounding alone, and "agreed" with a claimed 0
            // once f's change per unit admitted that estimate. There the verified rungs, which
            // found nothing settled, decide: no pass on the fixed stencil alone.
            if looseAgreementByVariationAlone, !aVerifiedRungSettled,
               outcomes.contains(where: { o in o.outcome == "unreliable"
                   && options.ladder.contains { $0.name == o.witness && !$0.fixedStencil } }) {
                return make(.fdInconclusive(reasons: Array(Set(reasons)).sorted()), nil, ladder: outcomes)
            }
            return agreeIfResolved((name, w, tol), ladder: outcomes, marginal: looseAgreementMarginal)
        }
        // No rung agreed: a black box may hide a jump or a kink that a recorded tape would show.
        if let verdict = jumpVerdict(r, d, slope: claimed.1.isFinite ? Swift.abs(claimed.1) : 0) {
            return make(verdict, nil, ladder: outcomes)
        }
        // One-sided stencils on a function for which no verified rung found a settled range read
        // noise as two slopes: sin(1e17·x) at 0.7 was a "kink" with the true derivative outside
        // it. A kink's differences settle (on the mean slope), so none is claimed otherwise.
        if aVerifiedRungSettled || !reasons.contains(.noConvergence), let k = oneSidedFinding() {
            switch k {
            case .kink(let k):
                return kinkVerdict(k)
            case .smoothCloser(agreesWithClaim: true):
                // The closer one-sided pair agrees with the claim where the ladder did not: two
                // witnesses conflict, and a right value is never convicted on the weaker one.
                return make(.fdInconclusive(reasons: [.witnessesConflict]), nil, ladder: outcomes)
            case .smoothCloser(agreesWithClaim: false):
                break   // no kink at the point: the ladder's verdict stands
            case .unresolved:
                return make(.fdInconclusive(reasons: Array(Set(reasons + [.noisyEvaluation])).sorted()), nil, ladder: outcomes)
            }
        }
        // As in checkJacobian: where no rung ran because f's samples on one side of x are not
        // finite while f(x) is, x may be at the edge of f's domain along this line (x^1.5 at 0),
        // where the derivative is the one-sided one from inside; the one-sided look judges it.
        // It sees only f's values, as a black box's witnesses do. Its estimate is verified across
        // scales 64 times apart, so a disagreement it resolves convicts without the step scan,
        // whose central differences would read past the edge.
        func atDomainEdge() -> EntryCheck? {
            guard reasons.contains(.nonFinite) else { return nil }
            var line = newLine(directions[d])
            let m = value.count
            guard let edge = domainEdgeLook(on: &line, outputs: m, row: { combine(r, $0) }, rowAbs: { combineAbs(r, $0) },
                                            epsilon: eps, rounding: { _ in 0 }, sharp: sharp) else { return nil }
            let axis = directions[d].indices.filter { directions[d][$0] != 0 }
            let (name, at) = axis.count == 1 ? (options.inputName(axis[0]), Double(x[axis[0]])) : ("t along the direction", 0.0)
            func noted(_ e: EntryCheck, judged: Bool) -> EntryCheck {
                var e = e
                e.domainEdgeNote = edge.note(input: name, at: at, judged: judged)
                return e
            }
            guard let w = edge.estimate else {
                outcomes.append(RungOutcome(witness: edge.witnessName, value: nil, errorEstimate: nil, step: nil, outcome: "unreliable",
                                            warnings: [.noConvergence], evaluations: edge.evaluations))
                let why: [FDWarning] = edge.insideTheEdge ? Array(Set(reasons + [.domainEdge])).sorted() : [.domainEdge, .noConvergence]
                return noted(make(.fdInconclusive(reasons: why), nil, ladder: outcomes), judged: false)
            }
            let scale = Swift.max(Swift.abs(w.value), Swift.abs(claimed.1))
            let resolution = Swift.max(rowScale, valueScale, edge.slopeScale) * Double.pow(eps, 1.0 / 3.0)
            if w.errorEstimate > DifferenceTuning.inconclusiveRelativeError * Swift.max(scale, resolution) && w.errorEstimate > floor {
                outcomes.append(RungOutcome(witness: edge.witnessName, value: w.value, errorEstimate: w.errorEstimate, step: w.step,
                                            outcome: "unreliable", warnings: [.estimateTooLarge], evaluations: edge.evaluations))
                return noted(make(.fdInconclusive(reasons: [.domainEdge, .estimateTooLarge]), nil, ladder: outcomes), judged: false)
            }
            let tol = options.atol ?? (CheckOptions.errorEstimateSafety * w.errorEstimate + roundingFloor)
                + (options.rtol ?? (DifferenceMethod.richardson.nominalRelativeAccuracy(epsilon: eps) + adRel)) * Swift.abs(w.value)
            let agrees = Swift.abs(claimed.1 - w.value) <= tol
            outcomes.append(RungOutcome(witness: edge.witnessName, value: w.value, errorEstimate: w.errorEstimate, step: w.step,
                                        outcome: agrees ? "agree" : "disagree", warnings: w.warnings, evaluations: edge.evaluations))
            let e = agrees ? agreeIfResolved((edge.witnessName, w, tol), ladder: outcomes)
                           : make(.ruleWrong(subjects: [claimed.0]), (edge.witnessName, w, tol), ladder: outcomes)
            let judged: Bool
            switch e.verdict {
            case .agree, .ruleWrong: judged = true
            default: judged = false
            }
            return noted(e, judged: judged)
        }
        if let (name, w, tol) = lastDisagreement {
            // As in checkJacobian: a fixed stencil's disagreement convicts nothing when the
            // verified rungs found no range where the differences settle (sin at 1e25). A rung
            // that settled and was then overruled by finer steps (see smallerStepAgreement) did
            // find one: the conviction goes on to the step scan.
            if disagreedOnlyByFixedStencils && !aVerifiedRungSettled && reasons.contains(.noConvergence) {
                if let edge = atDomainEdge() { return edge }
                return make(.fdInconclusive(reasons: Array(Set(reasons)).sorted()), nil, ladder: outcomes)
            }
            return convict(name, w, tol)
        }
        if let edge = atDomainEdge() { return edge }
        return make(.fdInconclusive(reasons: Array(Set(reasons)).sorted()), nil, ladder: outcomes)
    }

    /// maxₜ |r·(f(x + t·d) − f(x))| / |t| over t = ±h, h the step scan's first step (1/8 of
    /// max(1, |xⱼ|) along eⱼ): how much functional r of f changes per unit along direction d on
    /// the scale of the input. Not on the witness's own step: near a stationary point f's change
    /// shrinks with the step, and the adaptive rung's 6·10⁻¹¹ at Rosenbrock's (1, 1, 1, 1) made
    /// its own 4·10⁻¹³ estimate too large again. nil where a sample is not finite. Two
    /// evaluations per direction, shared with the step scan's samples.
    mutating func variation(_ r: Int, _ d: Int) -> Double? {
        guard let changes = variationsAlong(d) else { return nil }
        let v = changes.map { Swift.abs(combine(r, $0)) }.max() ?? .nan
        return v.isFinite ? v : nil
    }

    /// Where functional r of f is monotone across x at the step of ``variation(_:_:)``, f(x + h·d) −
    /// f(x) and f(x) − f(x − h·d) of one sign: the smaller of the two changes per unit, which a
    /// slope makes on both sides and neither a minimum's curvature (f rises on both) nor a kink
    /// with f flat on one side (max(x₀, 0)·x₁ at x₀ = −0.05) does. 0 where f is not monotone so,
    /// nil where ``variation(_:_:)`` has no samples. No evaluation beyond its two.
    mutating func monotoneVariation(_ r: Int, _ d: Int) -> Double? {
        guard let changes = variationsAlong(d), changes.count == 2 else { return nil }
        // changes[1] is (f(x − h) − f(x))/h: the slope on the left side is its negative.
        let (right, left) = (combine(r, changes[0]), -combine(r, changes[1]))
        guard right.isFinite, left.isFinite else { return nil }
        return (right > 0 && left > 0) || (right < 0 && left < 0) ? Swift.min(Swift.abs(right), Swift.abs(left)) : 0
    }

    /// maxₜ |r·(f(x + t·eⱼ) − f(x))|/|t| over t = ±|xⱼ|/8, for a Jacobian's column j whose
    /// input is nonzero and below 1 in magnitude and below `step` (a witness's): f's slope at the
    /// input's own magnitude, which ``variation(_:_:)``, stepping 1/8 of a unit, and a witness
    /// stepping past |xⱼ| do not see (x² at 10⁻⁴⁰ moves by 2·10⁻⁴⁰ per unit there, by 1/8 at a
    /// step of 1/8). nil otherwise, or where a sample is not finite. Two evaluations per column,
    /// on the step scan's line, whose samples every row shares.
    mutating func variationAtOwnMagnitude(_ r: Int, _ d: Int, beyondStep step: Double) -> Double? {
        guard functionals == nil, directions.count == x.count, d < x.count else { return nil }
        let v = directions[d]
        guard v[d] == 1, v.indices.allSatisfy({ $0 == d || v[$0] == 0 }) else { return nil }
        let xj = Swift.abs(x[d])
        guard xj > 0, xj < 1, Double(xj) < step else { return nil }
        var line = scanProbes[d] ?? newLine(v)
        defer { scanProbes[d] = line }
        let h = xj / 8
        guard h > 0, !line.stepBelowULP(h) else { return nil }
        let slope = changes(on: &line, step: h).map { Swift.abs(combine(r, $0)) }.max() ?? .nan
        return slope.isFinite ? slope : nil
    }

    /// (f(x ± h·v) − f(x))/h along `line`, per output, the `+h` sample first: how far f moves per
    /// unit at step h, read by ``variationsAlong(_:)`` and ``variationAtOwnMagnitude(_:_:beyondStep:)``.
    func changes(on line: inout LineProbe<V>, step h: V) -> [[Double]] {
        [h, -h].map { t in zip(line.at(t), value).map { (Double($0) - Double($1)) / Double(h) } }
    }

    /// Whether raw output i of f takes f(x)'s value exactly at both samples of ``variation(_:_:)``.
    mutating func outputConstantAtInputScale(_ i: Int, _ d: Int) -> Bool {
        guard let changes = variationsAlong(d), !changes.isEmpty else { return false }
        return changes.allSatisfy { $0.indices.contains(i) && $0[i] == 0 }
    }

    /// Whether functional r of f, constant at both samples of ``variation(_:_:)``, moves on both
    /// sides at some step beyond them (doubling, ``staircaseLevels`` times at most), never against
    /// the way a slope of the claim's sign moves it, and then at a secant slope within 4× of the
    /// claim on each side: a staircase (an intermediate far larger than f absorbing x's effect at
    /// the smaller steps, whose treads of width w move f by about the claim times w), not a
    /// plateau. At the first step H at which both sides have moved, H is at least half a tread
    /// and below two, so each secant lies within [c/2, 3c] of a staircase of slope c; 1 + 10⁻¹⁷x
    /// claimed 1 moves by an ulp of 1 near H = 10, a secant near 10⁻¹⁷, and is still convicted.
    /// Two evaluations per level, asked only before a flat conviction.
    mutating func stepsBeyondFollowTheClaim(_ r: Int, _ d: Int, claimed: Double) -> Bool {
        guard claimed != 0, claimed.isFinite,
              let (right, left, _) = secantsWhereBothSidesMove(r, d, levels: Self.staircaseLevels, against: claimed) else { return false }
        let c = Swift.abs(claimed)
        return [right, left].allSatisfy { Swift.abs($0) >= c / 4 && Swift.abs($0) <= 4 * c }
    }

    /// Whether functional r of f, constant at both samples of ``variation(_:_:)``, steps beyond
    /// them as a staircase does: at the first doubling at which both sides have moved, both
    /// secants have one sign and lie within 8× of each other (a staircase of slope c gives each
    /// within [c/2, 3c], see ``stepsBeyondFollowTheClaim(_:_:claimed:)``); that slope, or nil.
    /// A claimed 0 there is right for a staircase (a floor, a quantiser) and wrong for a slope a
    /// large intermediate rounds away at the smaller steps: (10⁻³x₀ + 10¹³) − 10¹³ + x₁ at
    /// (0.5, 0.5) is exactly constant out to x₀ ± 0.98 and passed a claimed 0 for its slope
    /// 10⁻³. A black box cannot tell the two apart. At most ``zeroStaircaseLevels`` doublings
    /// (two evaluations each, shared by the column's rows), asked only where f moves on both sides at
    /// the last (an input f ignores costs those two), and fewer where one side moves twice while
    /// the other has not moved (relu(x₀) at −5: a plateau's edge, not a tread's); four more to see
    /// a tread beyond each edge. A tread wider than 2⁷ of the first step is not looked for.
    mutating func staircaseBeyondFlat(_ r: Int, _ d: Int) -> Double? {
        guard let v = variation(r, d), v == 0, movesAtFarthestLevel(r, d, levels: Self.zeroStaircaseLevels),
              let (right, left, step) = secantsWhereBothSidesMove(r, d, levels: Self.zeroStaircaseLevels, against: nil),
              right * left > 0, Swift.max(Swift.abs(right), Swift.abs(left)) <= 8 * Swift.min(Swift.abs(right), Swift.abs(left))
        else { return nil }
        // On a tread beyond each edge: f the same to the last bit a 2⁻¹⁰ of the step nearer x. A
        // dead zone leaves its flat piece continuously (sign(x₀)·max(|x₀| − 0.2, 0), the L1
        // proximal step, at 0: secants 0.2 on both sides at 1/4), and its right 0 passed before
        // this look and passes with it; a floor's or an absorbed slope's steps do not move there
        // (unless an edge falls inside that 2⁻¹⁰, which leaves the claim to pass as before).
        guard d < directions.count else { return nil }
        var line = scanProbes[d] ?? newLine(directions[d])
        defer { scanProbes[d] = line }
        for t in [step, -step] {
            let (outer, inner) = (line.at(t), line.at(t - t / 1024))
            guard outer.count == value.count, inner.count == value.count,
                  combine(r, outer.map { Double($0) }) == combine(r, inner.map { Double($0) }) else { return nil }
        }
        staircaseSlopes[[r, d]] = (right + left) / 2
        return (right + left) / 2
    }

    /// The note for ``CheckReport/plateaus`` on an entry left undecided by ``staircaseBeyondFlat(_:_:)``.
    func staircaseNote(_ e: EntryCheck) -> FindingText? {
        guard case .fdInconclusive(let reasons) = e.verdict, reasons.contains(.flatBelowScale),
              let slope = staircaseSlopes[[e.output, e.input]], let line = scanProbes[e.input] else { return nil }
        let w = DifferenceTuning.richardsonInitialStep * Double(line.scale)
        let along = directions.count == x.count ? options.inputName(e.input) : "the direction"
        let why = "That is a staircase (a floor or a quantiser, whose derivative is 0) or a slope that an intermediate far "
            + "larger than f rounds away at smaller steps ((10⁻³x + 10¹³) − 10¹³ is constant within ±0.98): a black box cannot "
            + "tell them apart, so the claimed 0 is left undecided (flat-below-scale). Check f written generically (AD sees an "
            + "absorbed slope) or at a point where f moves within "
        return FindingText(
            alone: "f returned f(x) to the last bit at ±\(fmt(w)) along \(along) and at every witness's step within, and steps "
                + "beyond on both sides with a secant slope of about \(fmt(slope)). " + why + "±\(fmt(w))",
            clause: "along \(along) within ±\(fmt(w)), a secant slope of about \(fmt(slope)) beyond",
            head: "f returned f(x) to the last bit out to the step scan's first step along each entry's line, and steps beyond "
                + "on both sides with one slope",
            tail: why + "those steps")
    }

    /// Whether a claimed 0 read as f's exact constancy by every witness is left undecided
    /// (flat-below-scale) because f steps beyond that constancy as a slope an intermediate far
    /// larger than f rounds away would: on both sides with one slope (``staircaseBeyondFlat(_:_:)``),
    /// or on one side by a jump while the other stays flat (``treadBesideFlatSide(_:_:levels:)``).
    /// `deciding`: the caller makes the entry flat-below-scale on a true answer, and the tread
    /// behind it is kept for the report's note (a witness asking need not decide the verdict,
    /// and a note citing the tread there could cite the wrong cause).
    mutating func zeroClaimBesideStaircase(_ r: Int, _ d: Int, deciding: Bool = false) -> Bool {
        if staircaseBeyondFlat(r, d) != nil { return true }
        guard let t = treadBesideFlatSide(r, d, levels: Self.zeroStaircaseLevels) else { return false }
        if deciding { zeroClaimTreads[[r, d]] = t }
        return true
    }

    /// Where f leaves f(x) on one side of x by a jump (see ``treadBesideFlatSide(_:_:levels:)``).
    struct TreadBesideFlatSide: Equatable {
        /// +1 where f moves at x + t·d with t > 0, −1 where it moves at t < 0.
        let side: Double
        /// |t| of the last sample found flat before the jump, and of the first found past it.
        let flatTo: Double, edge: Double
        /// How much further than `edge` f was sampled, and found on the same tread.
        let onTreadFor: Double
        /// f's change in the functional there, from f(x).
        let change: Double
        /// How far f was seen flat on the other side (|t| of the farthest sample).
        let flatOutTo: Double
    }

    /// Where functional r of f is within its rounding of f(x) along direction d on one side of x,
    /// at the step scan's first step h (1/8 of max(1, |xⱼ|)) and at 2^`levels`·h, and leaves f(x)
    /// within that reach on the other side by a jump: the side, where, and by how much. nil
    /// otherwise (both sides flat, an input f ignores; both moving; a continuous departure).
    ///
    /// Why: (max(x₀, 0) + 2⁵⁰) − 2⁵⁰ + x₁ at (0.01, 0.5) has slope 1 along x₀ by hand, but 2⁵⁰ + x₀
    /// rounds to 2⁵⁰ for every x₀ below 0.125 (ulp(2⁵⁰) = 0.25): f is flat on the left for ever and
    /// on the right out to 0.115, where it jumps by 0.25, and every witness read the 0 a wrong
    /// claim said. ``staircaseBeyondFlat(_:_:)`` asks for steps on both sides, and the kink beside
    /// the staircase keeps one side flat. A plateau's edge (relu at −5, a clamp past its bound, a
    /// dead zone) leaves f(x) continuously, and an absorbed slope leaves it by a jump of an ulp of
    /// the absorbing intermediate and stays on that tread: the edge is bracketed between a flat
    /// sample and a moved one, the bracket halved (geometrically while its ends lie more than 2×
    /// apart, then arithmetically, down to 2^−``treadBisections`` of its far end, at most
    /// ``treadSamplesAtMost`` samples), and f sampled a small δ past the far end: a departure from
    /// inside the bracket that has not stopped moves there beyond f's rounding, a tread does not
    /// (however narrow the treads beyond: (max(x₀, 0) + 1000·max(x₀ − 0.12, 0) + 2⁵⁰) − 2⁵⁰ at
    /// 0.01 jumps at 0.12 onto treads of 2.5·10⁻⁴). Where the δ test reads a tread, the edge is
    /// bracketed on to an ulp, and f's change there must stay above 64 times its rounding and
    /// f must not move a few ulps further: a jump of f's floats, not a ramp that saturates again
    /// within the bracket (clamp to [0, 1] and hardtanh at −1000 … −20 and 100 are no treads).
    /// Not seen: a jump within 256 times f's rounding (moves within
    /// ``CheckOptions/errorEstimateSafety`` times a few ulps of f, or its measured noise, are
    /// flat), and treads within a few millionths of the bracket (δ lands on the next tread).
    /// The price: a genuine one-sided staircase (max(⌊x₀⌋, 0) at −0.5, a step function beside x)
    /// looks the same, and its right 0 is undecided too.
    ///
    /// Cost: the samples at ±h (``variation(_:_:)``'s) and, on a side that did not move there, at
    /// 2^`levels`·h (``movesAtFarthestLevel(_:_:levels:)``'s): nothing more for an input f ignores.
    /// Where one side moves, the bisection's samples and one past it: relu at −5 claimed 0 costs
    /// 20 evaluations (13 before), at −0.01 20 (11 before). Where the δ test reads a tread, up
    /// to ``treadEdgeHalvingsAtMost`` more and one past the edge (about 50 in Double): only an
    /// entry then about to be left undecided, or spared a conviction, pays them.
    mutating func treadBesideFlatSide(_ r: Int, _ d: Int, levels: Int) -> TreadBesideFlatSide? {
        let key = [r, d, levels]
        if let known = treadsBesideFlatSides[key] { return known }
        let found = findTreadBesideFlatSide(r, d, levels: levels)
        treadsBesideFlatSides[key] = .some(found)
        return found
    }

    private mutating func findTreadBesideFlatSide(_ r: Int, _ d: Int, levels: Int) -> TreadBesideFlatSide? {
        guard d < directions.count, !value.isEmpty else { return nil }
        var line = scanProbes[d] ?? newLine(directions[d])
        defer { scanProbes[d] = line }
        let involved = involvedOutputs(r)
        let (center, own) = valueAndOwnRounding(r)
        let hidden = CheckOptions.errorEstimateSafety * own
        let h = DifferenceTuning.richardsonInitialStep * line.scale
        let far = h * Double.pow(2, Double(levels))
        guard hidden.isFinite, h > 0, far.isFinite, !line.stepBelowULP(V(h)) else { return nil }
        /// f's change in functional r at x + t·d, nil where a sample is not finite.
        func change(_ t: Double) -> Double? {
            let y = line.at(V(t))
            guard y.count == value.count, involved.allSatisfy({ y[$0].isFinite }) else { return nil }
            let c = combine(r, y.map { Double($0) }) - center
            return c.isFinite ? c : nil
        }
        /// Per side, the nearer of h and 2^levels·h at which f has moved and its change there, or
        /// (0, 0) where it moved at neither; nil where a sample is not finite. A side that moved
        /// at h is not sampled farther.
        func firstMove(_ side: Double) -> (at: Double, change: Double)? {
            for t in [h, far] {
                guard let c = change(side * t) else { return nil }
                if Swift.abs(c) > hidden { return (t, c) }
            }
            return (0, 0)
        }
        guard let right = firstMove(1), let left = firstMove(-1), (right.at == 0) != (left.at == 0) else { return nil }
        let side: Double = right.at != 0 ? 1 : -1
        let moved = side > 0 ? right : left
        // A flat sample (lo, 0 being x) and a moved one (hi) on the moving side.
        var (lo, hi, atHi) = (moved.at == h ? 0 : h, moved.at, moved.change)
        var samples = 0
        while samples < Self.treadSamplesAtMost, hi - lo > hi * Double.pow(2, -Double(Self.treadBisections)) {
            let mid = lo > 0 && hi > 2 * lo ? (lo * hi).squareRoot() : (lo + hi) / 2
            guard mid > lo, mid < hi, V(mid) != V(lo), V(mid) != V(hi), let c = change(side * mid) else { break }
            samples += 1
            if Swift.abs(c) > hidden { (hi, atHi) = (mid, c) } else { lo = mid }
        }
        // A departure from inside the bracket [lo, hi] that has not stopped by hi changes over a
        // further δ by at least |f(hi) − f(x)|·δ/(hi − lo) (a ramp by that, a quadratic twice it, √
        // half of it): δ is chosen to make that 64 times f's rounding. A tread's edge leaves f the
        // same to its rounding there, however narrow the treads beyond (any point of a staircase
        // lies on a tread, and δ is far below its width unless the treads are within a few
        // million of f's rounding of a ramp).
        let q = Swift.max(64 * hidden / Swift.abs(atHi), Double.pow(2, -20))
        guard q <= 1 / Double(Self.treadJumpRatio) else { return nil }
        let delta = (hi - lo) * q
        guard V(side * (hi + delta)) != V(side * hi), let beyond = change(side * (hi + delta)),
              Swift.abs(beyond - atHi) <= hidden else { return nil }
        // A tread's first jump is a discontinuity of f's floats; a ramp that stops again is not,
        // and the bracket above can be wider than it: clamp(x₀, 0, 1) at −100 leaves f(x) 100
        // away and saturates 1 further, the bracket's far end (1/8 of 100 out) lay on the
        // saturated part, and the δ test read a tread there (every x₀ from −1000 to −100, and
        // hardtanh at 100, were flat-below-scale; at 2¹⁶ first steps from −8 on, sparing a wrong
        // 0.1 as the jump's way). So the edge is bracketed on to an ulp of t: at a jump f's change
        // at hi stays the jump, on a ramp it shrinks to f's rounding or to the ramp's slope times
        // an ulp, and then f moves again a few ulps further (64 bracket widths, at least 4 ulps of
        // x since t ≥ |x|/16). Only entries about to be left undecided (or spared) pay this.
        var halvings = 0
        while halvings < Self.treadEdgeHalvingsAtMost {
            let mid = (lo + hi) / 2
            guard mid > lo, mid < hi, V(mid) != V(lo), V(mid) != V(hi), let c = change(side * mid) else { break }
            halvings += 1
            if Swift.abs(c) > hidden { (hi, atHi) = (mid, c) } else { lo = mid }
        }
        let past = hi + 64 * (hi - lo)
        guard Swift.abs(atHi) > 64 * hidden, V(side * past) != V(side * hi), let further = change(side * past),
              Swift.abs(further - atHi) <= hidden else { return nil }
        return TreadBesideFlatSide(side: side, flatTo: lo, edge: hi, onTreadFor: delta, change: atHi, flatOutTo: far)
    }

    /// How finely ``treadBesideFlatSide(_:_:levels:)`` brackets the edge where f leaves f(x): to
    /// 2⁻³ of the edge's distance. Not for the treads (the test beyond the bracket sees them at
    /// any width) but for a plateau's edge whose ramp stops again: clamp(x₀, 0, 1) at −5 leaves
    /// f(x) 5 away and saturates 1 further, and a bracket wider than its ramp would end on the
    /// saturated part and read a tread. A ramp stopping within 1/8 of the edge's distance from its
    /// start does (clamp to [0, 1] from about −20 out): the edge's bracketing to an ulp then tells
    /// it from a jump, at a price paid only there.
    static var treadBisections: Int { 3 }

    /// How many samples ``treadBesideFlatSide(_:_:levels:)`` spends narrowing the bracket at most:
    /// the geometric halvings from 2⁷ (or 2¹⁶) of the first step (3, 4) and the arithmetic ones
    /// to 2^−``treadBisections`` (about 3), and a few more for an edge far nearer x than the first
    /// step. Past them the bracket is as wide as it got.
    static var treadSamplesAtMost: Int { 12 }

    /// How many arithmetic halvings ``treadBesideFlatSide(_:_:levels:)`` spends bracketing a
    /// tread's edge to an ulp once the δ test read one: from 1/8 of the edge's distance, 49 in
    /// Double and 20 in Float reach it; a Double edge far nearer x than the first step stops short,
    /// its bracket then as narrow as 52 halvings make it.
    static var treadEdgeHalvingsAtMost: Int { 52 }

    /// How far f's change at the far end of the edge's bracket must lie above its rounding for
    /// ``treadBesideFlatSide(_:_:levels:)`` to judge it: 4 × 64 times. Below, the step δ that
    /// would show a ramp beyond f's rounding reaches past a quarter of the bracket.
    static var treadJumpRatio: Double { 4 }

    /// The note for ``CheckReport/plateaus`` on a claimed 0 left undecided by ``treadBesideFlatSide(_:_:levels:)``.
    func treadNote(_ e: EntryCheck) -> FindingText? {
        guard case .fdInconclusive(let reasons) = e.verdict, reasons.contains(.flatBelowScale),
              let t = zeroClaimTreads[[e.output, e.input]] else { return nil }
        let along = directions.count == x.count ? options.inputName(e.input) : "the direction"
        let (moving, flat) = t.side > 0 ? ("above", "below") : ("below", "above")
        let why = "That is a step of a staircase (a floor or a step function, whose derivative is 0) or of a slope that an "
            + "intermediate far larger than f rounds away beside a kink ((max(x, 0) + 2⁵⁰) − 2⁵⁰ is constant for x < 0.125 and "
            + "steps by 0.25): a black box cannot tell them apart, so the claimed 0 is left undecided (flat-below-scale). Check f "
            + "written generically (AD sees an absorbed slope) or at a point where f moves without jumping"
        return FindingText(
            alone: "f returned f(x) to its rounding along \(along) \(flat) x out to \(fmt(t.flatOutTo)) and \(moving) x out to "
                + "\(fmt(t.flatTo)), and by \(fmt(t.edge)) had jumped by \(fmt(t.change)) onto a tread (\(fmt(t.onTreadFor)) further it "
                + "had not moved). " + why,
            clause: "along \(along), flat \(flat) x out to \(fmt(t.flatOutTo)), a jump of \(fmt(t.change)) between \(fmt(t.flatTo)) and "
                + "\(fmt(t.edge)) \(moving)",
            head: "f returned f(x) along each entry's line on one side as far as looked, and jumps to a tread on the other",
            tail: why)
    }

    /// Whether functional r of f moves on both sides at the last of `levels` doublings of the
    /// step scan's first step: two evaluations, which the doubling shares, and all that an input
    /// f ignores costs (it never moves, and each level would cost two).
    private mutating func movesAtFarthestLevel(_ r: Int, _ d: Int, levels: Int) -> Bool {
        guard d < directions.count else { return false }
        var line = scanProbes[d] ?? newLine(directions[d])
        defer { scanProbes[d] = line }
        let h = V(DifferenceTuning.richardsonInitialStep * line.scale) * V(Double.pow(2, Double(levels)))
        guard h.isFinite, h > 0 else { return false }
        let moved = changes(on: &line, step: h)
        return moved.count == 2 && moved.allSatisfy { combine(r, $0) != 0 && combine(r, $0).isFinite }
    }

    /// Doubling from the step scan's first step along direction d, the secants (f(x + H) − f(x))/H
    /// and (f(x) − f(x − H))/H of functional r at the first H at which both sides have moved, and H; nil
    /// where a side moves against `sign` (when given), a sample is not finite, or `levels`
    /// doublings pass first. Without a sign, also nil once one side has moved twice (its change
    /// differs between two levels) while the other has not moved.
    private mutating func secantsWhereBothSidesMove(_ r: Int, _ d: Int, levels: Int, against sign: Double?) -> (right: Double, left: Double, step: V)? {
        guard d < directions.count else { return nil }
        var line = scanProbes[d] ?? newLine(directions[d])
        defer { scanProbes[d] = line }
        var h = V(DifferenceTuning.richardsonInitialStep * line.scale)
        var earlier: (right: Double, left: Double)? = nil
        for _ in 0..<levels {
            h *= 2
            guard h.isFinite, h > 0 else { return nil }
            let moved = changes(on: &line, step: h)
            guard moved.count == 2 else { return nil }
            let (right, left) = (combine(r, moved[0]), -combine(r, moved[1]))
            guard right.isFinite, left.isFinite else { return nil }
            if let sign, right * sign < 0 || left * sign < 0 { return nil }
            // x sits anywhere on a tread: one edge is usually met a level or more before the other.
            if right != 0, left != 0 { return (right, left, h) }
            // f's changes over H, not the secants: a side that stays on one tread keeps its change.
            let change = (right: right * Double(h), left: left * Double(h))
            if sign == nil, let e = earlier {
                func movedAgain(_ now: Double, _ before: Double) -> Bool {
                    before != 0 && Swift.abs(now - before) > 1e-9 * Swift.abs(now)
                }
                if movedAgain(change.right, e.right) || movedAgain(change.left, e.left) { return nil }
            }
            earlier = change
        }
        return nil
    }

    /// How many doublings past the step scan's first step ``stepsBeyondFollowTheClaim(_:_:claimed:)``
    /// looks for f to move: 2¹⁶ of it reaches 8192 × max(1, |xⱼ|).
    static var staircaseLevels: Int { 16 }

    /// How many doublings ``staircaseBeyondFlat(_:_:)`` takes at most: 2⁷ of the first step
    /// reaches 16 × max(1, |xⱼ|), both edges of (10⁻², 10¹⁵)'s treads of 12.5 units among them.
    static var zeroStaircaseLevels: Int { 7 }

    /// Per sample t = ±h of ``variation(_:_:)``, (f(x + t·d) − f(x))/t per output; nil when not taken.
    mutating func variationsAlong(_ d: Int) -> [[Double]]? {
        if variations[d] == nil {
            var line = scanProbes[d] ?? newLine(directions[d])
            let h = V(DifferenceTuning.richardsonInitialStep * line.scale)
            let moved = h > 0 && h.isFinite && !line.stepBelowULP(h) ? changes(on: &line, step: h) : []
            scanProbes[d] = line
            variations[d] = .some(moved.isEmpty ? nil : moved)
        }
        return variations[d] ?? nil
    }

    /// Central differences at step/4, step/4², … down to step/4⁵ and on to a quarter of a unit
    /// of the input (none below an ulp of x): whether each agrees with the claim within the
    /// agreement's tolerance, and with the witness within 4 × its estimate, each plus the
    /// level's resolution (4 × its rounding); and the finest resolution of the levels at or
    /// below a unit (nil when none was taken). Levels that give no finite value say nothing.
    /// Costs two evaluations per level, shared by the outputs along one direction.
    ///
    /// Why: a term that varies on a scale between the step and f's rounding limit is seen only at
    /// steps on that scale. x₀x₁² + sin(x₂)·x₀ + x₁x₂ at (−295.2, −8.6·10⁶, 2.4·10⁵), with the
    /// sine's cos(x₂)·x₀ = 183 left out of ∂/∂x₂: adaptive agreed with the claim at step 16,
    /// beyond the sine's period, and a single check at step/2¹⁰ = 0.016 could not tell 183 from
    /// f's rounding there (x₀x₁² ≈ −2·10¹⁶ rounds to 4); step 1 sees 0.84 of the sine's slope
    /// with a rounding of units. Where even the unit-scale levels cannot resolve such a term
    /// (it moves the entry by less than f's rounding over a unit step), the agreement's stated
    /// tolerance grows by what they resolve: Richardson at step 4096 "agreed within
    /// 8·10⁻⁸" with a claim that left out 3·10⁻³. The witness is held to its own estimate as
    /// well: adaptive at step 2 read −36955.948441 "± 1.9·10⁻⁶" where step 0.5 reads
    /// −36955.948425 (by hand −36955.948424), and its tolerance had passed a claim 1.1·10⁻⁵ off.
    /// For a smooth f the smaller steps only shrink the truncation the agreement already
    /// covered, so a right claim keeps its pass.
    mutating func smallerStepAgreement(_ r: Int, _ d: Int, claimed g: Double, witness: DifferenceEstimate, tolerance: Double,
                                       vmax: Double) -> (agrees: Bool, unitResolution: Double?) {
        let step = witness.step
        var line = scanProbes[d] ?? newLine(directions[d])
        defer { scanProbes[d] = line }
        var unitResolution: Double?
        var divisor = 4.0
        while step.isFinite && (divisor <= 1024 || step / divisor >= 0.25 / vmax) {
            let h = step / divisor
            divisor *= 4
            guard V(h) > 0, !line.stepBelowULP(V(h)) else { break }
            let s = line.apply(Stencil.of(.central), step: V(h), outputs: value.count)
            let dv = combine(r, s.derivative)
            let resolution = CheckOptions.errorEstimateSafety * combineAbs(r, s.rounding)
            guard dv.isFinite, resolution.isFinite else { continue }
            if Swift.abs(dv - g) > tolerance + resolution { return (false, nil) }
            if Swift.abs(dv - witness.value) > CheckOptions.errorEstimateSafety * witness.errorEstimate + resolution { return (false, nil) }
            if h * vmax <= 1 { unitResolution = Swift.min(unitResolution ?? .infinity, resolution) }
        }
        return (true, unitResolution)
    }

    /// Whether two rungs' values agree within the sum of their estimates (scaled by the check's
    /// safety factor); nil when either has no value or estimate.
    static func consistent(_ a: RungOutcome, _ b: RungOutcome) -> Bool? {
        guard let va = a.value, let vb = b.value, let ea = a.errorEstimate, let eb = b.errorEstimate else { return nil }
        return Swift.abs(va - vb) <= CheckOptions.errorEstimateSafety * (ea + eb)
    }

    /// Whether some two of `rungs` contradict each other beyond their estimates.
    static func anyContradict(_ rungs: [RungOutcome]) -> Bool {
        rungs.contains { a in rungs.contains { b in consistent(a, b) == false } }
    }

    /// Of rungs that contradict each other beyond their estimates, the one the most others agree
    /// with (within the sum of their estimates), the smallest estimate among equals; nil when no
    /// two contradict each other.
    static func mostCorroborated(_ rungs: [RungOutcome]) -> RungOutcome? {
        let judged = rungs.filter { $0.value != nil && $0.errorEstimate != nil }
        guard anyContradict(judged) else { return nil }
        func support(_ a: RungOutcome) -> Int { judged.filter { consistent(a, $0) == true }.count }
        return judged.min { a, b in
            let (sa, sb) = (support(a), support(b))
            return sa != sb ? sa > sb : (a.errorEstimate ?? .infinity) < (b.errorEstimate ?? .infinity)
        }
    }

    /// What central differences at shrinking steps say about a claim the ladder would convict.
    enum ScanFinding {
        /// The smallest steps that resolve the gap exclude the claim: the conviction stands.
        case excludesClaim
        /// Steps small enough to resolve the gap settle on the claim: a rung was fooled (its
        /// steps were too large), or the scan is.
        case supportsClaim
        /// f's measured noise is too large at every step to tell the claim from the witness.
        case unresolved
    }

    /// Central differences Dₖ of functional r along d at steps from 0.125·scale down, about
    /// halving (off the power-of-two lattice), until f's modelled rounding alone hides the gap
    /// (the smallest |claim − witness| of the disagreeing rungs). Each level's error eₖ is its
    /// truncation, read off its neighbour as a stencil's h/2h estimate is, plus its rounding:
    /// f's noise *measured* (second differences at hₖ and 2hₖ, at the three smallest steps), not
    /// the ulps of f: log(x₀² + 1)·x₁ at x₀ = −0.0258, x₁ = 10⁵ rounds on the scale of x₁, 10³
    /// ulps of f. A level resolves the gap when 4eₖ is below half of it.
    ///
    /// - Three consecutive resolving levels within 4eₖ of the claim whose differences settle as a
    ///   smooth f's do support it: the ladder's steps were too large to see a term that varies
    ///   on a short scale (sin(x₂)·x₀ beside x₁x₂ at x₂ = 3·10⁶, where every rung's step spans
    ///   many periods and sees the linear part alone).
    /// - Otherwise three such levels that exclude the claim confirm the conviction. Exclusion
    ///   needs settling too: at steps spanning many periods of sin(x₂)·x₀ the differences see
    ///   the linear part alone and exclude a right claim.
    /// - With neither, the claim cannot be told from the witnesses: f's noise, or a term that
    ///   varies faster than any step that resolves the gap, hides the difference.
    ///
    /// Runs only before a conviction; costs two evaluations per level (at most
    /// ``DifferenceTuning/richardsonScanLevels``·2).
    /// Level k's step of the step scan from its first step `top`: halving, each moved off the
    /// power-of-two lattice by a factor in [1, 1.5) (see ``scanAgainstClaim``).
    static func scanStep(_ k: Int, top: Double) -> Double {
        top * Double.pow(2, -Double(k)) * (1 + 0.5 * (Double(k) * 0.6180339887498949).truncatingRemainder(dividingBy: 1))
    }

    mutating func scanAgainstClaim(_ r: Int, _ d: Int, claimed g: Double, gap: Double,
                                   finestRungStep: Double) -> (finding: ScanFinding, outcome: RungOutcome, structureBelow: Bool,
                                                               finerLevelsNearerClaim: Bool, coarserLevelsReadClaim: Bool,
                                                               excludesOnlyAboveUnit: Bool) {
        measureNoiseOnce()
        let m = value.count
        var line = scanProbes[d] ?? newLine(directions[d])
        defer { scanProbes[d] = line }
        let central = Stencil.of(.central)
        var levels: [(value: Double, rounding: Double, step: V)] = []
        let top = DifferenceTuning.richardsonInitialStep * line.scale
        while levels.count < 2 * DifferenceTuning.richardsonScanLevels {
            // Steps off the power-of-two lattice, each level's ratio to the next in (4/3, 3):
            // on the lattice f's rounding can be coherent (log(x₀² + 1) at x₀ = −0.0258 rounds
            // x₀² + 1 the same way at every hₖ = 2⁻ᵏ, so its differences settled 1.5·10⁻¹⁰ away from
            // the true slope and convicted a right claim), and the noise measured there is 0.
            let h = V(Self.scanStep(levels.count, top: top))
            guard h > 0, !line.stepBelowULP(h) else { break }
            let s = line.apply(central, step: h, outputs: m)
            let rounding = combineAbs(r, s.rounding)
            levels.append((combine(r, s.derivative), rounding, h))
            // A quotient of normal samples that lands below the normal range (the stencils'
            // `underflow`) does not end the scan: its bound was once the least normal magnitude,
            // which says nothing of how f's rounding grows as the step shrinks: e^(−x) at 710
            // (f = 4.5·10⁻³⁰⁹) reads e^(−707.1) ≈ 8·10⁻³⁰⁸ at h = 2.9, its slope 1.4·10⁻³⁰⁸ fell
            // just below the range, and the scan stopped there, before any step that resolves the
            // gap, leaving a claim 50% off "noisy-evaluation". The finer levels' samples are
            // subnormal, exact to their spacing of 4.9·10⁻³²⁴, and resolve it. The bound is a
            // spacing now; the level still only flags that its step, not f, set its digits.
            let underflowed = involvedOutputs(r).contains { $0 < s.warnings.count && s.warnings[$0].contains(.underflow) }
            // f's modelled rounding is a lower bound on its noise: past this, no level resolves,
            // once it grows as the step shrinks. Where f is far larger at the first level's samples
            // than near x it falls instead: e^(400 − x) at 400, steps from 50, reads e⁵⁰ there
            // (rounding 4.6·10⁴), and stopping at that level left a claim 50% off the slope −1
            // "not confirmed (noisy-evaluation)" for an f exact to an ulp (a new user's review).
            if !underflowed, 4 * rounding >= gap / 2, levels.count >= 2, rounding >= levels[levels.count - 2].rounding { break }
        }
        // f's noise per sample, measured (second differences at h and 2h) at the three smallest
        // steps, where the curvature left in that measure is least: at large steps it holds f's
        // structure (sin(x₂)·x₀'s amplitude at h ≫ 2π), which is no bound on the slope at x.
        var noise = 0.0
        for k in levels.indices.suffix(3) where k > 0 {
            var perOutput: [Double] = []
            for i in 0..<m { perOutput.append(line.measuredNoise(small: levels[k].step, output: i) ?? .infinity) }
            noise = Swift.max(noise, combineAbs(r, perOutput))
        }
        // A level where f took one value at both samples (a difference of exactly 0) below a
        // level where it moved, for a claim that is not 0: f is constant on an interval around x
        // that a coarser step crosses. A solve stopped at a tolerance is such a staircase (t³ + t = x
        // bisected to 10⁻⁷ is flat over about 10⁻⁷ of x): its finest levels settled on 0, the
        // scan excluded the right claim 1/(3t² + 1) and convicted it (a new user's review). Such
        // a level measures f's resolution, not its slope, so it judges nothing; and f's noise is
        // at least the slope seen at coarser steps times the flat step (the stair's height over
        // that half-width), which the second differences, 0 on the flat levels, cannot measure.
        // A narrow plateau (a dead zone narrower than the steps) looks the same here and is left
        // undecided too; one as wide as the input's own scale is convicted as before (flat at
        // every step).
        //
        // A claimed 0 is that flat reading's slope, so the flat levels cannot judge it either, and
        // the coarser levels' slope does not decide: Newton started at its root is flat within
        // 10⁻⁸ and slopes by −1/5 beyond, and a claimed 0 (the variable forgotten) passed there on
        // the flat levels, while a quantiser's 0 is its derivative. Such a claim is left
        // undecided (``FDWarning/flatBelowScale``) where the plateau is f's own, moving f by more
        // than its rounding could hide (``plateauExceedsRounding(slope:halfWidth:_:)``); 10⁸ +
        // 10⁻⁴x is flat below 10⁻⁴ only as each sample rounds to ulp(10⁸), and its claimed 0 is
        // still convicted.
        var flat = [Bool](repeating: false, count: levels.count)
        var flatReadsClaim = false
        // The least error of a level that read exactly 0 at or below the widest flat step when
        // the claim is too small to move f above its rounding there (below).
        var flatFloor = [Double](repeating: 0, count: levels.count)
        if let widest = levels.indices.first(where: { k in levels[k].value == 0 && levels[..<k].contains { $0.value != 0 } }) {
            let slope = levels[..<widest].map { Swift.abs($0.value) }.filter(\.isFinite).max() ?? 0
            let flatStep = Double(levels[widest].step)
            // A claim too small to move f above its rounding across the flat step reads as 0 there
            // too (10⁻¹⁷ was convicted where 0 was undecided: a review).
            if Swift.abs(g) * flatStep > plateauRoundingBound(r) {
                noise = Swift.max(noise, slope * flatStep)
                for k in widest..<levels.count where levels[k].value == 0 { flat[k] = true }
            } else {
                flatReadsClaim = plateauExceedsRounding(slope: slope, halfWidth: flatStep, r)
                // Such a level says only that f's change over it is within what f's rounding can
                // hide (ulps of the inputs too, not of f alone): that over its step is its error.
                // With f's ulps alone they excluded a right claim: log(x₀² + 1)·x₁ in Float at
                // x₀ = 8.2·10⁻⁴, x₁ = 65343 is a staircase (x₀² + 1 moves by ulps of 1, each a jump
                // of 0.0078 in f) flat within 4·10⁻⁶ of x₀, and its levels' 0 ± 0.03 convicted
                // the slope 106.5 that every step from 10⁻³ up measures.
                // f's noise is then at least that much too: the other levels' samples round alike
                // (its jumps jitter the coarser levels by ±0.5 there, beyond f's ulps over their steps).
                let hidden = plateauRoundingBound(r)
                for k in widest..<levels.count where levels[k].value == 0 { flatFloor[k] = hidden / Double(levels[k].step) }
                noise = Swift.max(noise, hidden)
            }
        }
        // Columns: the differences Dₖ = D + a·hₖ² + b·hₖ⁴ + …, and their first extrapolation
        // Eₖ = (ρ²Dₖ − Dₖ₋₁)/(ρ² − 1), ρ = hₖ₋₁/hₖ, = D − b·hₖ₋₁²hₖ² + …: for a term that varies
        // on a short scale (cos(x₂)·x₂ at x₂ = 10⁶) Dₖ cannot reach a 10⁻⁶ gap before f's noise
        // hides it, Eₖ can. Each column's truncation is read off its own differences, as a
        // stencil's h/2h estimate is: |Vₖ − Vₖ₋₁|·qₖ/|qₖ₋₁ − qₖ| with qₖ its leading power.
        let steps = levels.map { Double($0.step) }
        // The truncation weights use only ratios of powers, so they are taken in units of the
        // top step: hₖ⁴ and hₖ⁶ of the steps themselves underflowed to 0 along an input scaled
        // to |x| = 10⁻²⁰⁰ (h ~ 10⁻²⁰¹; overflow alike at 10²⁰⁰), no level resolved, and 2/x
        // claimed for log x was not confirmed where every rung measured 1/x to 10⁻¹⁰.
        let unitSteps = steps.map { $0 / top }
        var columns: [ScanColumn] = []
        var plain = ScanColumn(count: levels.count)
        for k in levels.indices {
            plain.value[k] = levels[k].value
            plain.power[k] = unitSteps[k] * unitSteps[k]
            plain.rounding[k] = flat[k] ? .infinity : Swift.max(levels[k].rounding, central.noiseGain * noise / steps[k], flatFloor[k])
        }
        columns.append(plain)
        var e = ScanColumn(count: levels.count)
        for k in levels.indices.dropFirst() {
            let rho2 = (steps[k - 1] / steps[k]) * (steps[k - 1] / steps[k])
            e.value[k] = (rho2 * plain.value[k] - plain.value[k - 1]) / (rho2 - 1)
            e.power[k] = unitSteps[k - 1] * unitSteps[k - 1] * unitSteps[k] * unitSteps[k]
            e.rounding[k] = (rho2 * plain.rounding[k] + plain.rounding[k - 1]) / (rho2 - 1)
        }
        columns.append(e)
        // A second extrapolation, Fₖ = (qₖ₋₁Eₖ − qₖEₖ₋₁)/(qₖ₋₁ − qₖ) with qₖ = hₖ₋₁²hₖ² (E's
        // leading term exactly), for f whose noise is large (Float): its truncation is of order
        // h⁶, so a step large enough to keep the noise down still resolves the gap.
        var third = ScanColumn(count: levels.count)
        for k in levels.indices.dropFirst(2) {
            let (q0, q1) = (e.power[k - 1], e.power[k])
            guard q0 > q1 else { continue }
            // As ratios, not as q₀·Eₖ − q₁·Eₖ₋₁: the weights are powers of the unit steps, down to
            // 10⁻⁵⁰ at the finest levels, and a slope of 10⁻²⁸⁰ times that underflowed. Eₖ's
            // product read 0 (or a subnormal 10⁻³ off), its rounding 0 too, and the scan showed
            // "0 ± 0" as the witness (J·v of x₀x₁ along 10⁻³⁰⁰·(1, −1), where J·v = 10⁻³⁰⁰).
            let (w0, w1) = (q0 / (q0 - q1), q1 / (q0 - q1))
            third.value[k] = e.value[k] + w1 * (e.value[k] - e.value[k - 1])
            third.power[k] = unitSteps[k - 2] * unitSteps[k - 2] * q1
            third.rounding[k] = w0 * e.rounding[k] + w1 * e.rounding[k - 1]
        }
        columns.append(third)
        let judged = columns.map { $0.judge(claimed: g, gap: gap) }
        // A term of f whose amplitude is below f's noise is invisible at every step, however
        // settled the differences look; varying on a unit scale of the input it moves the slope
        // by up to that noise. sin(x₂)·x₀ at x₀ = 2·10⁻⁵ beside x₁x₂ ≈ −2·10¹⁰ (noise 4·10⁻⁶)
        // changes ∂/∂x₂ by 1.3·10⁻⁵, and settled differences at large steps convicted the right
        // claim that has it. A gap within a few such noises convicts nothing.
        // Not below an ulp of f: a term smaller than that is rounded away at every sample, even
        // where the measured noise is 0 (at x = 10²⁵ the samples of sin(x) + |x| are exact
        // multiples of 2³¹ and their second differences vanish; differences settled on 1.0 and
        // convicted the right 1 + cos x).
        let unit = 1 / (directions[d].map { Swift.abs(Double($0)) }.max() ?? 1)
        let invisible = Swift.max(noise, eps * combineAbs(r, value.map { Double($0) }))
        let belowNoise = gap <= CheckOptions.errorEstimateSafety * invisible / unit
        let finding: ScanFinding
        if flatReadsClaim {
            finding = .unresolved
        } else if judged.contains(where: { !$0.supportRuns.isEmpty }) {
            finding = .supportsClaim
        } else if !belowNoise, judged.contains(where: { !$0.excludeRuns.isEmpty }) {
            finding = .excludesClaim
        } else {
            finding = .unresolved
        }
        // The level shown in the report: of the deciding runs, the tightest at or below the
        // smallest step a rung took (larger steps can be aliased: at 10³ the differences of
        // sin(x₂)·x₀ + x₁x₂ settle on x₁ to 10⁻⁵, 34 from the slope), else the finest; with no
        // run, the finest resolving level.
        var shown: (value: Double, error: Double, step: Double)? = nil
        var candidates: [(value: Double, error: Double, step: Double)] = []
        for (col, j) in zip(columns, judged) {
            let ends = finding == .supportsClaim ? j.supportRuns : (finding == .excludesClaim ? j.excludeRuns : [])
            candidates += ends.map { (col.value[$0], col.error($0), steps[$0]) }
        }
        if let best = candidates.filter({ $0.step <= finestRungStep }).min(by: { $0.error < $1.error }) {
            shown = best
        } else if let finest = candidates.min(by: { $0.step < $1.step }) {
            shown = finest
        } else if let k = judged.first?.lastResolving {
            shown = (plain.value[k], plain.error(k), steps[k])
        }
        let word: String
        switch finding {
        case .excludesClaim: word = "disagree"
        case .supportsClaim: word = "agree"
        case .unresolved: word = "unreliable"
        }
        let outcome = RungOutcome(witness: "central step scan", value: shown?.value, errorEstimate: shown?.error,
                                  step: shown?.step, outcome: word,
                                  warnings: finding == .unresolved ? [flatReadsClaim ? .flatBelowScale : .noisyEvaluation] : [],
                                  evaluations: line.evaluations)
        // Whether the differences at steps below the shown level leave it beyond both errors:
        // structure on a scale the shown level's steps do not see.
        // Noise measured far above f's modelled rounding at the finest steps is structure too, or
        // can hide it (the pole term above made the second differences 200 times f's ulps).
        let modelledNoise = DifferenceTuning.evaluationNoiseULPs * eps * combineAbs(r, value.map { Double($0) })
        var structureBelow = noise > DifferenceTuning.structureNoiseFactor * modelledNoise
        if let s = shown {
            for k in levels.indices where steps[k] < s.step {
                let e = plain.error(k)
                if e.isFinite, Swift.abs(plain.value[k] - s.value) > CheckOptions.errorEstimateSafety * (e + s.error) {
                    structureBelow = true
                }
            }
        }
        // Levels finer than an excluding run that lie nearer the claim than the run's value, in
        // every column whose rounding alone resolves the gap: the run settled on steps too large
        // to see a term that varies faster, which the finer levels begin to show. A smooth f's
        // finer levels carry less truncation than the run's, within an eighth of the gap, so
        // they stay nearer its value. sin(x₂)·x₀ beside x₁x₂ at x₂ = −627869, x₀ = −1.6·10⁻⁵
        // (f ≈ 1.9·10⁹): the run settled at steps from 6.35, more than a period of the sine, on
        // x₁ alone, and convicted the right cos(x₂)·x₀ + x₁, 1.6·10⁻⁵ away, which the levels
        // near 1 read.
        var finerLevelsNearerClaim = false
        if finding == .excludesClaim, let s = shown {
            // Nearer the claim, in every column whose rounding bound is below `limit`.
            func nearerClaim(_ k: Int, limit: Double) -> Bool {
                let resolving = columns.filter { $0.value[k].isFinite && $0.rounding[k] < limit }
                return !resolving.isEmpty && resolving.allSatisfy { Swift.abs($0.value[k] - g) < Swift.abs($0.value[k] - s.value) }
            }
            let finer = levels.indices.filter { steps[$0] < s.step && !flat[$0] }
            // One level that resolves the gap as the runs do, or two whose rounding alone cannot
            // carry them past the midpoint (the levels near 1 of the same term at x₂ = 243880,
            // x₀ = −295, where f ≈ −2·10¹⁶ rounds by 4 and the gap is 183, read within 34 of the
            // claim with rounding bounds of 27 and 42).
            finerLevelsNearerClaim = finer.contains { nearerClaim($0, limit: gap / 8) }
                || finer.filter { nearerClaim($0, limit: gap / 2) }.count >= 2
        }
        // An exclusion shown at a step beyond a unit of the input, where no level at or below a
        // unit resolves the gap: a term that varies on that scale (a period of a sine) is seen by
        // no level that judged, and the levels that judged can alias it away, as the rungs can
        // (the agreement's side is smallerStepAgreement). In Float, x₀x₁² + sin(x₂)·x₀ + x₁x₂ at
        // (2633.2, 1291.1, 631.4): f ≈ 4.4·10⁹ rounds by 256, the levels that resolved the gap of
        // 2628 stopped at step 6.1, about a period, settled near x₁ = 1291 and convicted the right
        // cos(x₂)·x₀ + x₁ = −1337.3 (a review); below a unit f's rounding hides the gap.
        // Along one input xⱼ with 0 < |xⱼ| below a unit, the scale is |xⱼ|: a step beyond it
        // straddles xⱼ = 0, where f may have a pole. x₀x₁x₂ + x₀² − x₂/x₁ in Float at
        // (655188.7, 0.00157, −194.5): f ≈ 4.3·10¹¹ rounds by 2¹⁵, the levels that resolved the gap
        // stopped at 0.022 (14 times |x₁|), saw x₀x₂ alone and convicted the right ∂/∂x₁ =
        // x₀x₂ + x₂/x₁² = −2.06·10⁸ (a review). The finest levels showed no structure there, so a
        // smooth f (the radius at x₁ = 2·10⁻⁵, whose flipped ∂r/∂x₁ = 2.8·10⁻⁸ was convicted on
        // such steps) cannot be told from it: both are inconclusive now.
        let axis = directions[d].indices.filter { directions[d][$0] != 0 }
        let own = axis.count == 1 ? Swift.abs(Double(x[axis[0]])) : .infinity
        let reach = own > 0 ? Swift.min(unit, own) : unit
        var excludesOnlyAboveUnit = false
        if finding == .excludesClaim, let s = shown, s.step > reach {
            excludesOnlyAboveUnit = !levels.indices.contains { steps[$0] <= reach && 4 * plain.rounding[$0] < gap / 2 }
        }
        // Coarser levels than an excluding run that, with f's noise as their own samples show it,
        // resolve the gap and read the claim: the run settled on steps too small to see f's
        // rounding, on a function its samples there are not. (x + y)² − x² − 2xy − y² (0 by hand)
        // along y at (35005.92, 0): below ulp(35005.92)/2 = 3.6·10⁻¹² of y, x + y rounds to x and
        // f is exactly −2xy − y², so the finest levels, the adaptive rung (8.9·10⁻¹⁶) and the run
        // settled on −2x = −70011.84 ± 3·10⁻¹¹; above it f is the rounding of (x + y)², up to
        // 4.1·10⁻⁷ within 10⁻³ of y, central's 7.6·10⁻⁶ read 0.00375 "± 1.7·10⁻¹⁸", and the
        // right claim 0 was rule-wrong. f's noise is measured above at the three finest steps, 0
        // on that line. A level's own noise is what its second difference f(x + hₖ) − 2f(x) +
        // f(x − hₖ) differs by from the next coarser one's scaled by (hₖ/hₖ₋₁)² (measuredNoise's
        // measure, on the levels' own samples: no evaluation); a smooth f's settled levels carry
        // a truncation their error estimate covers, so one that resolves the gap cannot read a
        // wrong claim, and two such levels conflict with the run.
        var coarserLevelsReadClaim = false
        if finding == .excludesClaim, let s = shown, let f0 = line.taken(at: 0), f0.count == m {
            let center = combine(r, f0.map { Double($0) })
            func second(_ k: Int) -> Double? {
                guard let p = line.taken(at: levels[k].step), let q = line.taken(at: -levels[k].step),
                      p.count == m, q.count == m else { return nil }
                let v = combine(r, p.map { Double($0) }) + combine(r, q.map { Double($0) }) - 2 * center
                return v.isFinite ? v : nil
            }
            var noisy = plain
            for k in levels.indices.dropFirst() {
                guard let a = second(k - 1), let b = second(k) else { noisy.rounding[k] = .infinity; continue }
                let shrink = (steps[k] / steps[k - 1]) * (steps[k] / steps[k - 1])
                noisy.rounding[k] += central.noiseGain * Swift.abs(b - a * shrink) / 2 / steps[k]
            }
            // Settled, as the runs must be, and within a unit of the input (beyond it a term that
            // varies on that scale aliases: see above).
            let reading = levels.indices.filter { k in
                guard steps[k] > s.step, steps[k] <= reach, !flat[k], noisy.settled(k) else { return false }
                let e = noisy.error(k)
                return e.isFinite && 4 * e < gap / 2 && Swift.abs(noisy.value[k] - g) <= 4 * e
            }
            coarserLevelsReadClaim = reading.count >= 2
        }
        return (finding, outcome, structureBelow, finerLevelsNearerClaim, coarserLevelsReadClaim, excludesOnlyAboveUnit)
    }

    /// What the jump test (``jumpAcross(_:_:slope:)``) found of one functional along one direction.
    enum JumpFinding: Equatable {
        /// The differences shrink as a continuous f's do, or stay within f's rounding.
        case continuous
        /// f jumps by this much: the differences tend to it, beyond f's rounding measured beside x.
        case jump(Double)
        /// The differences tend to `jump` as a jump's would, but f's rounding beside x could not be
        /// measured, or one side measured it as large as `jump`, so nothing shows the jump exceeds
        /// it; `why` says so for the report.
        case unmeasured(jump: Double, why: FindingText)
    }

    /// The jump of functional r across x along direction d, `.continuous` when it looks continuous:
    /// the test of `checkJacobian` (f(x + h·v) − f(x − h·v) shrinks with h for a continuous function,
    /// tends to the jump for a discontinuous one; three steps 2¹⁰ apart decide), then, where the
    /// finest two of those do not shrink, a fourth step 2¹⁰ closer. A jump is reported only where
    /// it exceeds f's rounding measured beside x (``judgedBesideX(_:_:_:on:)``), and is
    /// `.unmeasured` where that rounding could not be measured.
    func jumpAcross(_ r: Int, _ d: Int, slope: Double) -> JumpFinding {
        // On the line's probe, so the rows of a column share the samples (a 4×4 Jacobian with
        // every entry wrong took them four times) and any the rungs took are not taken again.
        var line = newLine(directions[d])
        var deltas: [Double] = []
        // f's slope on either side, from the coarsest samples: a kink a distance δ from x gives
        // f(x + h) − f(x − h) ≈ 2δ·(its slopes) at every step h > δ, as a jump of that size
        // would, and only the slopes tell them apart (a jump's difference exceeds what they
        // carry over the smallest step). The claim alone was taken as the slope: |x₀| + x₁² at
        // x₀ = 10⁻¹⁰, claimed ∂/∂x₀ = 0, was "discontinuity: f jumps by 2·10⁻¹⁰", not a wrong 0.
        var sideSlope = slope
        let center = combine(r, value.map { Double($0) })
        for k in [10, 20, 30] {
            let h = V(line.scale * Double.pow(2, -Double(k)))
            let (yp, ym) = (line.at(h), line.at(-h))
            guard yp.count == value.count, ym.count == value.count else { return .continuous }
            let (fp, fm) = (combine(r, yp.map { Double($0) }), combine(r, ym.map { Double($0) }))
            let delta = fp - fm
            guard delta.isFinite else { return .continuous }
            deltas.append(delta)
            if k == 10 {
                let secants = [fp - center, center - fm].map { Swift.abs($0) / Double(h) }.filter(\.isFinite)
                sideSlope = Swift.max(sideSlope, secants.max() ?? 0)
            }
        }
        // f's measured noise too, where it exceeds the model: each sample may be off by its
        // floor, so a difference of two by twice it (noise of 10⁻¹² read as jumps of 10⁻¹² at a
        // third of the points of a review's right claim).
        let measured = noiseFloor.isEmpty ? 0 : 2 * combineAbs(r, noiseFloor)
        // And the rounding the differences show themselves: the two finest carry one jump and
        // smooth parts within 2(h₂ + h₃)·slope of each other, so what they differ by beyond
        // (4 times) that is rounding. The hand gradient 2(x + y) − 2x − 2y along x₁ at
        // (163037.96, −11391.96) is a sawtooth of period ulp(x + y), which the table's spacings
        // alias to a few phases (σ = 1.1·10⁻¹²), while the differences read 3.6·10⁻¹¹,
        // −7.3·10⁻¹² and 1.46·10⁻¹¹: the last was a "discontinuity".
        let (h2, h3) = (line.scale * Double.pow(2, -20), line.scale * Double.pow(2, -30))
        let seen = Swift.max(0, Swift.abs(deltas[1] - deltas[2]) - 4 * 2 * (h2 + h3) * sideSlope)
        let noise = Swift.max(64 * eps * Swift.max(combineAbs(r, value.map { Double($0) }), 1), measured,
                              CheckOptions.errorEstimateSafety * seen)
        if let jump = jumpFromDifferences(deltas, smallestStep: line.scale * Double.pow(2, -30), slope: sideSlope, noise: noise) {
            return judgedBesideX(jump, r, d, on: &line)
        }
        // The test above weighs the finest difference against the coarsest, at a step of 2⁻¹⁰ of
        // max(1, |xⱼ|); where x is far below 1, f's smooth change over that step can dwarf a jump
        // at x. An early exit at its cutoff, x < 10⁻⁶ ? 0 : x² at 10⁻⁶, jumps by 10⁻¹² (by hand),
        // and the three differences 10⁻⁶, 3.8·10⁻¹², 1.0019·10⁻¹² read as continuous: the entry
        // was "fd-inconclusive (estimate-too-large, no-convergence)", with nothing saying f jumps.
        // A continuous f's difference across x shrinks 2¹⁰-fold per step here (as 2h·f′, or
        // 2⁵-fold for a √-cusp), a jump's tends to the jump: where the finest two are within a
        // quarter of each other's size, one step 2¹⁰ closer must agree with the finest within a
        // quarter of it too. Settling that closely calls only cusps |x|^p with p < 0.04 jumps
        // (2^(−10p) ≥ 3/4), which the test above calls jumps for p < 0.1.
        let (middle, finest) = (deltas[1], deltas[2])
        let h = V(line.scale * Double.pow(2, -40))
        guard Swift.abs(finest) > 0.25 * Swift.abs(middle), h > 0, !line.stepBelowULP(h) else { return .continuous }
        let (yp, ym) = (line.at(h), line.at(-h))
        guard yp.count == value.count, ym.count == value.count else { return .continuous }
        let closest = combine(r, yp.map { Double($0) }) - combine(r, ym.map { Double($0) })
        guard closest.isFinite, Swift.abs(closest - finest) <= 0.25 * Swift.abs(finest), Swift.abs(closest) > noise,
              Swift.abs(closest) > 4 * 2 * Double(h) * sideSlope else { return .continuous }
        return judgedBesideX(closest, r, d, on: &line)
    }

    /// `jump` judged against what two samples of functional r may differ by through f's rounding
    /// along direction d, measured beside x (``roundingApartBesideX(_:on:)``): a jump where it
    /// exceeds that, continuous where it does not, and unmeasured where an output r involves has
    /// no measure on either side and the outputs that have one do not already account for it.
    ///
    /// An output with no measure was taken as rounding 0, so any difference was a jump: the hand
    /// gradient 2(x + y) − 2x − 2y, 0 by hand, rounds to 0 at most samples and to a quantum at a
    /// few, and where each side's table held a single nonzero sample its lone-spike rule (a pole,
    /// not noise) refused both, and a difference of one quantum was a "discontinuity" (see
    /// BlackBoxRoundingIsNoJumpTests). A table flat at two spacings is a measure, 0 (a step's
    /// sides), so a jump beside a constant f is still one.
    ///
    /// Nor is a jump called where it exceeds the smaller side's allowance only: each side's is an
    /// estimate from nine samples a spacing, and the smaller of two estimates falls short of f's
    /// rounding more often than either. (x + y)² − x² − 2xy − y² along x₀ at (−886654.62,
    /// −183698.72) differed by 6.71·10⁻⁴ across x, where one side allowed 6.4·10⁻⁴ and the other
    /// (σ = 9.5·10⁻⁵) 7.6·10⁻⁴; f there is 0 rounded from terms near 1.1·10¹², by up to 4.6·10⁻⁴
    /// an evaluation by hand (x + y by ulp(10⁶)/2, which its square carries as 2.5·10⁻⁴, and
    /// three products by ulp/2 each), and 40,000 evaluations 10⁻⁹ apart spread over 8.5·10⁻⁴. At
    /// (486250.98, −792361.73) one side was flat and the other's table held one nonzero sample, a
    /// pole by its lone-spike rule, of the jump's own size: that side measured nothing, and the
    /// flat side's 0 allowed no rounding at all. Between the smaller side's allowance and the
    /// larger's (a side that measured nothing counting its finest column's spread) the finding
    /// is `.unmeasured`, not continuous: a jump beside a kink or pole on one side is as possible
    /// as rounding, and the report says which it cannot tell apart.
    ///
    /// f's rounding at x is measured once for the whole check (``measureNoise()``), and that
    /// measurement refuses a table whose samples spread over a tenth of |f|, so an f near 0 whose
    /// value is rounding of terms far larger has no measured noise, and the jump test's 64 ulps of
    /// max(|f|, 1) stand for it. (x + y)² − x² − 2xy − y² is 0 from terms near (x + y)², and at
    /// (−220340.5, −966423.4) its differences along x₁, 0, 0 and 4.66·10⁻¹⁰ at steps 2⁻¹⁰, 2⁻²⁰
    /// and 2⁻³⁰ of |x₁|, were "discontinuity" beside a claimed gradient that is right; its hand
    /// gradient 2(x + y) − 2x − 2y, 0 rounded to multiples of 2.3·10⁻¹³ at (−220.3, −966.4), made a
    /// right Hessian of 0 one too (35 and 15 of 40 points of [−10³, 10³]²). Measured here, the
    /// rounding is that of the function differenced, on the line the jump was seen on.
    func judgedBesideX(_ jump: Double, _ r: Int, _ d: Int, on line: inout LineProbe<V>) -> JumpFinding {
        let (apart, seen, eitherSide) = roundingApartBesideX(d, on: &line)
        guard Swift.abs(jump) > combineAbs(r, zip(apart, seen).map { Swift.max($0 ?? 0, $1) }) else { return .continuous }
        let involved = functionals.map { w in w[r].indices.filter { w[r][$0] != 0 } } ?? [r]
        let unmeasured = involved.filter { $0 < apart.count && apart[$0] == nil }
        let along = directions.count == x.count ? options.inputName(d) : "the direction"
        guard !unmeasured.isEmpty else {
            let largest = combineAbs(r, zip(eitherSide, seen).map { Swift.max($0, $1) })
            guard Swift.abs(jump) > largest else {
                let estimate = "the other side's smaller measure is an estimate from nine samples a spacing, not a bound on it"
                let why = FindingText(
                    alone: "f(x + h) − f(x − h) along \(along) tends to \(fmt(jump)) as h shrinks, as a jump would, but f's rounding "
                        + "measured on one side of x lets two evaluations differ by up to \(fmt(largest)), and \(estimate), so it is not "
                        + "known whether that is a jump or f's rounding",
                    clause: "along \(along) it tends to \(fmt(jump)), where one side's rounding allows \(fmt(largest))",
                    head: "f(x + h) − f(x − h) along each entry's line tends to a nonzero value as h shrinks, as a jump would, but f's "
                        + "rounding measured on one side of x lets two evaluations differ by as much",
                    tail: "On each line \(estimate), so it is not known whether those are jumps or f's rounding")
                return .unmeasured(jump: jump, why: why)
            }
            return .jump(jump)
        }
        // Outputs by the names the table gives them ("output 0" beside rows f0 and f1).
        let outputs = "output\(unmeasured.count == 1 ? "" : "s") " + unmeasured.map { options.outputName($0) }.joined(separator: ", ")
        let which = value.count == 1 ? "f's rounding" : "the rounding of " + outputs
        let unsettled = "two spacings that disagree, "
            + "or one sample standing off the rest, which reads as a pole, not noise, as rounding that is mostly exactly 0 "
            + "does; or they were flat at their own points but not at the jump test's, as rounding that follows the inputs' "
            + "last bits is where the table's spacing aliases it"
        let why = FindingText(
            alone: "f(x + h) − f(x − h) along \(along) tends to \(fmt(jump)) as h shrinks, as a jump would, but \(which) beside x "
                + "could not be measured on either side (the difference tables there did not settle: \(unsettled)), so it is not "
                + "known whether that is a jump or f's rounding",
            clause: "along \(along) it tends to \(fmt(jump))" + (value.count == 1 ? "" : ", \(outputs) unmeasured"),
            head: "f(x + h) − f(x − h) along each entry's line tends to a nonzero value as h shrinks, as a jump would, but "
                + (value.count == 1 ? "f's rounding" : "the rounding of the outputs named") + " beside x could not be measured on either side",
            tail: "The difference tables there did not settle (\(unsettled)), so it is not known whether those are jumps or f's rounding")
        return .unmeasured(jump: jump, why: why)
    }

    /// Per output, how far apart f's rounding may put two evaluations along direction d, by
    /// NoiseAudit's table (``LineProbe/noiseTable(outputs:open:slopes:from:)``) on each side of x:
    /// the larger of 2·``MeasuredNoise/bound``·σ (two evaluations, each off by up to 4σ) and
    /// ``CheckOptions/errorEstimateSafety`` times the spread the table saw (``TableNoise``). The
    /// spread, because a rounding that is mostly 0 has a σ far below its quantum, and its factor
    /// because nine samples see part of the range: the hand gradient above at (836039.2, 742663.5)
    /// rounds to −q, 0 or q (q = 2.3·10⁻¹⁰) and differed by 2q across x, where the table saw
    /// σ = 5.1·10⁻¹¹ and a spread of 0.875q. A side flat at two spacings measures 0 where the
    /// jump test's samples within its reach hold the same value; where they do not it measures
    /// nothing, and `seen` is ``CheckOptions/errorEstimateSafety`` times how far they stand off
    /// it. `apart` is the smaller of the two sides where both measure (nil where neither does:
    /// ``judgedBesideX(_:_:_:on:)`` then calls no jump), since rounding is on both sides and a
    /// kink or jump near x on one; `eitherSide` the larger, a side that measured nothing counting
    /// ``CheckOptions/errorEstimateSafety`` times the spread of its finest column.
    ///
    /// Not across x: a jump there is a step in the table, which reads as noise of a fifth of its
    /// size at every spacing, and a real jump would hide behind itself. The sample points' own
    /// rounding is not taken out (the probe moves along a direction, where no slope correction is
    /// made): the jump test's samples round alike, so it is noise of the differences judged.
    ///
    /// 9 evaluations per spacing per side, at least two spacings: 36 to 108, once per direction,
    /// and only when a jump is about to be reported.
    func roundingApartBesideX(_ d: Int, on line: inout LineProbe<V>) -> (apart: [Double?], seen: [Double], eitherSide: [Double]) {
        let m = value.count
        let sides = lineNoise.sides[d] ?? [1, -9].map { line.noiseTableSeen(outputs: m, open: Array(0..<m), slopes: [], from: $0) }
        lineNoise.sides[d] = sides
        // A side flat at the table's points is flat only if the jump test's own samples on that
        // side within the table's reach (9·0.62·2⁻²⁰ of the scale: steps 2⁻²⁰ and finer) hold its
        // value too: 2(x + y) − 2x − 2y along x₁ at (247.42, 141.95) was 0 at all 36 table
        // points, whose spacing is an even number of ulps of x₁, and −q and +q at x ± 2⁻ᵏ·x₁
        // (q = 5.7·10⁻¹⁴): read as a constant f, its rounding was a "discontinuity". What those
        // samples stand off the flat value by is f's rounding seen on that side, at the jump's own
        // scale, and bounds the allowance from below whatever the other side measured: at
        // (−74.32, −253.66) along x₀ one side held 0 at its jump samples too, the other q, and
        // the smaller side's 0 let a difference of q be a "discontinuity".
        let steps = [20, 30, 40].map { V(line.scale * Double.pow(2, -Double($0))) }
        var seen = [Double](repeating: 0, count: m)
        let apart = (0..<m).map { i -> Double? in
            zip(sides, [V(1), V(-1)]).compactMap { side, sign -> Double? in
                guard let t = side.tables[i] else { return nil }
                if let flat = t.flatValue {
                    let beside = steps.compactMap { line.taken(at: sign * $0) }.filter { i < $0.count }.map { Double($0[i]) }
                    let off = beside.map { Swift.abs($0 - flat) }.max() ?? 0
                    guard off == 0 else {
                        seen[i] = Swift.max(seen[i], CheckOptions.errorEstimateSafety * off)
                        return nil
                    }
                    return 0
                }
                return Swift.max(2 * MeasuredNoise.bound * t.sigma, CheckOptions.errorEstimateSafety * t.spread)
            }.min()
        }
        // The same allowance on the side that saw more: each side's estimate from nine samples a
        // spacing falls short of f's rounding by chance, and the smaller of two such estimates
        // more so. Where a side measured nothing, its finest column's spread stands for it.
        let eitherSide = (0..<m).map { i -> Double in
            sides.map { side -> Double in
                guard let t = side.tables[i] else { return CheckOptions.errorEstimateSafety * side.finestSpread[i] }
                return Swift.max(2 * MeasuredNoise.bound * t.sigma, CheckOptions.errorEstimateSafety * t.spread)
            }.max() ?? 0
        }
        return (apart, seen, eitherSide)
    }

    /// Whether functional r of f changes slope by more than `tolerance` within `reach` of x along
    /// direction d, so that a difference reaching that far may have averaged the two slopes.
    ///
    /// The gap between the one-sided secant slopes, (f(x + t) − 2f(x) + f(x − t))/t, is f″·t on a
    /// smooth f and shrinks `finer`-fold from t = reach to t = reach/finer; across a kink a
    /// distance δ from x it is the slope jump times (1 − δ/t), nearly the same at both steps when
    /// δ ≪ t. A gap at the finer step beyond the midpoint of those two ratios times the coarser
    /// one's (0.75 for a factor 2, 0.53 for 16), beyond f's rounding and beyond the agreement's
    /// tolerance, is read as a kink within reach. Central's samples are x ± h and x ± 2h (reach
    /// 2h, factor 2), and reach and reach/16 are levels Richardson's tableau samples, so those
    /// cost nothing more; four evaluations at most otherwise.
    mutating func slopeJumpWithin(_ r: Int, _ d: Int, reach: Double, finer: Double, beyond tolerance: Double) -> Bool {
        guard reach > 0, reach.isFinite, tolerance.isFinite, finer > 1 else { return false }
        var line = newLine(directions[d])
        let center = value.map { Double($0) }
        let f0 = combine(r, center)
        var gaps: [Double] = []
        var rounding: [Double] = []
        for t in [V(reach), V(reach / finer)] {
            guard t > 0, t.isFinite, !line.stepBelowULP(t) else { return false }
            let yp = line.at(t).map { Double($0) }, ym = line.at(-t).map { Double($0) }
            guard yp.count == value.count, ym.count == value.count else { return false }
            let gap = (combine(r, yp) - 2 * f0 + combine(r, ym)) / Double(t)
            guard gap.isFinite else { return false }
            gaps.append(gap)
            let magnitude = Swift.max(combineAbs(r, yp), combineAbs(r, ym), combineAbs(r, center))
            let measured = noiseFloor.isEmpty ? 0 : combineAbs(r, noiseFloor)
            rounding.append(4 * Swift.max(DifferenceTuning.evaluationNoiseULPs * eps * magnitude, measured) / Double(t))
        }
        let (coarse, fine) = (gaps[0], gaps[1])
        return (coarse > 0) == (fine > 0) && Swift.abs(fine) >= 0.5 * (1 + 1 / finer) * Swift.abs(coarse)
            && Swift.abs(fine) > CheckOptions.errorEstimateSafety * rounding[1] && Swift.abs(fine) > tolerance
    }

    /// What the one-sided differences say when no rung agreed.
    enum OneSidedFinding {
        /// The one-sided derivatives differ at every step tried: a kink at the point.
        case kink(KinkAnalysis)
        /// They differ at the first step but meet at a closer one: a kink near the point, not at
        /// it, and whether the claim agrees with the closer pair.
        case smoothCloser(agreesWithClaim: Bool)
        /// They differ at the first step, and no closer step was precise enough to tell a kink
        /// from the first step's own error (a Float f whose rounding swamps every closer pair).
        case unresolved
    }

    /// Left and right derivatives along the line's direction (an entry's, or one the row is probed
    /// along for a kink no axis shows; second-order one-sided stencils, each with a truncation
    /// estimate from its 2h twin). Returns nil when the function looks smooth here (the
    /// one-sided derivatives agree within their errors), so the ladder's verdict stands.
    ///
    /// A pair that differs at the default step is looked at again 4, 16, 64, … times closer: at a
    /// kink *at* the point the two stay apart at every step, at one a distance δ away they meet
    /// once the samples stop reaching it. Without that second look |x| at 10⁻⁷ (slope 1) read as a
    /// kink with one-sided derivatives [−0.98, 1] and passed a claimed 0 (a user trial). A closer
    /// pair decides only when its tolerance is below a tenth of the first pair's gap, so rounding
    /// at a tiny step never makes a true kink look smooth.
    ///
    /// `smooth`, when given, receives the slope along the line, its tolerance and the step where
    /// the first pair agrees (the nil result): the kink probe compares it with the axes' slopes.
    func oneSided(_ r: Int, on line: inout LineProbe<V>, claimed: (String, Double),
                  smooth: ((_ slope: Double, _ tolerance: Double, _ step: V) -> Void)? = nil) -> OneSidedFinding? {
        let h = V(DifferenceTuning.defaultStep(for: Stencil.rightSided, scale: line.scale, epsilon: eps).nearestPowerOfTwo)
        func sides(_ h: V) -> (left: Double, right: Double, tol: Double) { oneSidedSlopes(r, on: &line, step: h) }
        let (left, right, tol) = sides(h)
        guard right.isFinite, left.isFinite else { return nil }
        let gap = Swift.abs(right - left)
        guard gap > tol else {
            smooth?(0.5 * (left + right), tol, h)
            return nil
        }
        // Closer by 4 each time: a smooth f's one-sided truncation falls 16-fold per look, so a
        // pair that differed by truncation meets before rounding swamps it (by 256 each time, a
        // Float f whose default step spanned a period of sin(x₂)·x₀ jumped straight to steps
        // where rounding hid everything, and the first pair's gap was taken for a kink: a
        // sign-flipped claim passed as a subgradient of [−873, 558] around a true −129).
        // A pair at another step that still differs beyond its own tolerance and gives each side
        // the first pair's value within it confirms the gap too, however coarse its tolerance
        // next to the gap: a smooth f's truncation moves both sides 16-fold per factor 4 in the
        // step, which such a pair would see. Without this, 100 + |x| in Float at 0 (rounding of
        // f ≈ 100 grows 4-fold per closer look, so no closer pair was precise to a tenth of the
        // gap) was inconclusive where every pair read exactly −1 and 1, and an invalid claimed
        // 2 was no longer shown outside its one-sided derivatives.
        func confirms(_ p: (left: Double, right: Double, tol: Double)) -> Bool {
            p.left.isFinite && p.right.isFinite && Swift.abs(p.right - p.left) > p.tol
                && Swift.abs(p.left - left) <= p.tol && Swift.abs(p.right - right) <= p.tol
        }
        var closer = h
        /// The smallest step whose pair confirmed the gap.
        var confirmedAt: V? = nil
        for _ in 0..<32 {
            closer = closer / 4
            guard closer > 0, !line.stepBelowULP(closer) else { break }
            let near = sides(closer)
            guard near.left.isFinite, near.right.isFinite else { break }
            // A step whose samples still reach the nearby kink has a large truncation estimate
            // (its 2h twin reaches further): look closer still.
            guard near.tol < 0.1 * gap else {
                if confirms(near) { confirmedAt = closer }
                continue
            }
            if Swift.abs(near.right - near.left) <= near.tol {
                let slope = 0.5 * (near.left + near.right)
                return .smoothCloser(agreesWithClaim: Swift.abs(claimed.1 - slope) <= near.tol)
            }
            confirmedAt = closer
        }
        // Where f's rounding swamps every closer pair (1000 + |x| in Float), one 4 times coarser
        // may still confirm, by the same test.
        if confirmedAt == nil, (4 * h).isFinite, confirms(sides(4 * h)) { confirmedAt = 4 * h }
        // The first pair's gap alone is no kink: its error estimate (from its 2h twin) may miss
        // what the step spans.
        guard let hc = confirmedAt else { return .unresolved }
        // Nor is a gap a jump in f'' could make: each second-order one-sided stencil extrapolates
        // the piece its samples lie on, so f'' jumping by Δ a distance δ inside their reach 2h
        // parts the two sides by about Δ·δ at every such step, and the closer pairs that would
        // meet lie below δ, where rounding hides a gap that small. Huber's loss 10⁻⁷ past its
        // switch (C¹, f'' from 1 to 0) read as a kink of 10⁻⁷, which excused a wrong entry on
        // another input as a generalized gradient's (a review). A gap within
        // ``CheckOptions/errorEstimateSafety`` times the f'' the samples show times the reach of
        // the closest confirming pair is not told from that: unresolved, never a kink. A true
        // kink keeps confirming down to steps where this is far below its gap (|x| shows no f''
        // at all).
        if gap <= CheckOptions.errorEstimateSafety * curvature(r, on: &line, step: hc) * 2 * Double(hc) { return .unresolved }
        let lo = Swift.min(left, right) - tol, hi = Swift.max(left, right) + tol
        let within = [(subject: claimed.0, valid: claimed.1 >= lo && claimed.1 <= hi)]
        // The kink is placed only to within the closest confirming samples' reach, 2·hc. Where
        // that reach takes an input the line moves across its 0 (xⱼ ≠ 0), a kink there, where
        // |·|, relu and max(·, 0) have theirs, reads the same as one at x: in Float |x₀| + x₁² at
        // (10⁻⁶, 1) (slope 1 along x₀, f's rounding hiding every step below 10⁻⁶) passed a claimed
        // 0 as a valid subgradient (a review). A kink, not judged; at xⱼ = 0 itself nothing changes.
        let reach = 2 * Double(hc)
        let moved: [(j: Int, xj: Double, vj: Double)] = line.axis.map { [($0, Double(x[$0]), 1)] }
            ?? zip(line.x, line.v).enumerated().map { ($0.offset, Double($0.element.0), Double($0.element.1)) }
        if let z = moved.first(where: { $0.vj != 0 && $0.xj != 0 && Swift.abs($0.xj) <= reach * Swift.abs($0.vj) }) {
            let why = "the one-sided derivatives differ only at steps that reach x\(z.j)'s 0 (|x\(z.j)| = \(fmt(Swift.abs(z.xj))) "
                + "is within the closest confirming samples' reach, \(fmt(reach))): a kink there, where |·|, relu and max(·, 0) "
                + "have theirs, reads the same as one at this point, so the claim is not judged against them"
            return .kink(KinkAnalysis(ops: [blackBoxKinkTag], left: left, right: right, withinOneSided: within, unresolved: why))
        }
        return .kink(KinkAnalysis(ops: [blackBoxKinkTag], left: left, right: right, withinOneSided: within))
    }

    /// The left and right derivatives of functional r along the line at step h (second-order
    /// one-sided stencils, each with a truncation estimate from its 2h twin) and the tolerance
    /// within which they count as one slope.
    func oneSidedSlopes(_ r: Int, on line: inout LineProbe<V>, step h: V) -> (left: Double, right: Double, tol: Double) {
        let m = value.count
        func side(_ s: Stencil) -> (value: Double, error: Double) {
            let fine = line.apply(s, step: h, outputs: m)
            let coarse = line.apply(s, step: 2 * h, outputs: m)
            let a = combine(r, fine.derivative), b = combine(r, coarse.derivative)
            return (a, Swift.abs(a - b) / 3 + combineAbs(r, fine.rounding))
        }
        let right = side(Stencil.rightSided), left = side(Stencil.leftSided)
        let tol = CheckOptions.errorEstimateSafety * (right.error + left.error)
            + Double.pow(eps, 2.0 / 3.0) * Swift.max(Swift.abs(left.value), Swift.abs(right.value), 1)
        return (left.value, right.value, tol)
    }

    /// The largest |f''| of functional r that the second differences on either side of x at step
    /// h show beyond their rounding (0 where rounding covers it), from samples the one-sided
    /// stencils already took.
    func curvature(_ r: Int, on line: inout LineProbe<V>, step h: V) -> Double {
        let m = value.count
        let hh = Double(h) * Double(h)
        var largest = 0.0
        for s in [V(1), V(-1)] {
            let near = line.at(s * h), far = line.at(s * 2 * h)
            guard near.count == m, far.count == m else { continue }
            var second = [Double](repeating: 0, count: m), rounding = [Double](repeating: 0, count: m)
            for i in 0..<m {
                let samples = [Double(far[i]), Double(near[i]), Double(value[i])]
                second[i] = (samples[0] - 2 * samples[1] + samples[2]) / hh
                let magnitude = samples.map { Swift.abs($0) }.max() ?? 0
                let noise = Swift.max(DifferenceTuning.evaluationNoiseULPs * eps * magnitude, noiseFloor.indices.contains(i) ? noiseFloor[i] : 0)
                rounding[i] = 4 * noise / hh
            }
            let c = Swift.abs(combine(r, second)) - combineAbs(r, rounding)
            if c.isFinite { largest = Swift.max(largest, c) }
        }
        return largest
    }
}

/// One column of the black-box step scan: values Vₖ = V + c·qₖ + … at shrinking steps, with
/// each level's rounding bound.
struct ScanColumn {
    var value: [Double]
    var power: [Double]
    var rounding: [Double]

    init(count: Int) {
        value = [Double](repeating: .nan, count: count)
        power = [Double](repeating: .nan, count: count)
        rounding = [Double](repeating: .infinity, count: count)
    }

    /// |Vₖ − Vₖ₋₁|·qₖ/|qₖ₋₁ − qₖ| (the truncation left in Vₖ) plus its rounding; infinite where
    /// a level is missing.
    func error(_ k: Int) -> Double {
        guard k > 0, value[k].isFinite, value[k - 1].isFinite, power[k - 1] > power[k] else { return .infinity }
        // The weight first: |Vₖ − Vₖ₋₁|·qₖ underflows to 0 for a slope near 10⁻²⁸⁰ at the finest
        // levels (qₖ down to 10⁻⁵⁰), which left the level's rounding as its whole error.
        let e = Swift.abs(value[k] - value[k - 1]) * (power[k] / (power[k - 1] - power[k])) + rounding[k]
        return e.isFinite ? e : .infinity
    }

    /// Whether Vₖ − Vₖ₋₁ and Vₖ₊₁ − Vₖ behave as a smooth f's do (their ratio within a factor 2
    /// of (qₖ₋₁ − qₖ)/(qₖ − qₖ₊₁)) or are flat within rounding: V(h) swinging through the claim,
    /// as the differences of sin(x₂)·x₀ do at steps near its period, is neither.
    func settled(_ k: Int) -> Bool {
        guard k >= 1, k + 1 < value.count, [k - 1, k, k + 1].allSatisfy({ value[$0].isFinite && power[$0].isFinite }) else { return false }
        let a = value[k] - value[k - 1], b = value[k + 1] - value[k]
        if Swift.abs(a) + Swift.abs(b) <= DifferenceTuning.flatTolerance * (rounding[k] + rounding[k + 1]) { return true }
        let predicted = (power[k - 1] - power[k]) / (power[k] - power[k + 1])
        let observed = a / b
        return observed >= predicted / 2 && observed <= 2 * predicted
    }

    /// The last levels of runs of three that resolve the gap (4eₖ below half of it), settle, and
    /// support the claim (within 4eₖ of it), or exclude it; and the finest resolving level.
    func judge(claimed g: Double, gap: Double) -> (supportRuns: [Int], excludeRuns: [Int], lastResolving: Int?) {
        func resolves(_ k: Int) -> Bool { 4 * error(k) < gap / 2 }
        func supports(_ k: Int) -> Bool { resolves(k) && Swift.abs(value[k] - g) <= 4 * error(k) }
        func excludes(_ k: Int) -> Bool { resolves(k) && !supports(k) }
        func runs(_ test: (Int) -> Bool) -> [Int] {
            value.indices.filter { k in k >= 2 && (k - 2...k).allSatisfy(test) && settled(k - 2) && settled(k - 1) }
        }
        return (runs(supports), runs(excludes), value.indices.last(where: resolves))
    }
}
