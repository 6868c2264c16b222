import AdjointCore
import RealModule

/// One method's errors across the swept steps, with the fitted order.
///
/// ```swift
/// sweep.series(named: "central")?.slope   // ≈ 2
/// ```
public struct SweepSeries: Sendable, Equatable {
    /// JSON key: "forward", "backward", "central", "central4", "central6", "richardson", "complex-step".
    public let method: String
    /// (h, |estimate − reference|) for every swept h, largest h first.
    public let points: [(h: Double, error: Double)]
    /// Least-squares slope of log₁₀ error against log₁₀ h over the asymptotic range `fitSteps`
    /// (see ``SweepFitTuning``); nil when no range of at least three consecutive steps follows one
    /// power law, with the reason in ``noSlopeReason``.
    public let slope: Double?
    /// The consecutive steps the slope was fitted over, largest first; empty without a slope.
    public let fitSteps: [Double]
    /// The order theory predicts (nil for Richardson, whose order grows with its tableau).
    public let theoreticalOrder: Int?
    /// Why there is no slope ("no asymptotic range: error does not shrink with h over …"); nil
    /// when there is one.
    public var noSlopeReason: String? = nil
    /// Why the method gave no estimate at all (every error NaN), e.g. complex step on a function
    /// with an op that has no analytic extension; nil when it ran.
    public var unavailable: String? = nil
    /// Evaluations of f this method spent over all steps (complex evaluations for complex step).
    public var evaluations: Int = 0
    /// Steps whose error is NaN or infinite (samples outside f's domain, overflow): tables and
    /// plots leave them out and say so.
    public var nonFiniteSteps: [Double] { points.filter { !$0.error.isFinite }.map(\.h) }
    /// How many steps gave an error of exactly 0 (complex step often does): log scales cannot
    /// draw them, so plots list them instead.
    public var zeroErrorCount: Int { points.filter { $0.error == 0 }.count }

    /// Same method, slope and points (NaN errors compare equal).
    public static func == (l: SweepSeries, r: SweepSeries) -> Bool {
        l.method == r.method && l.slope == r.slope && l.points.map(\.h) == r.points.map(\.h)
            && l.points.map(\.error).elementsEqual(r.points.map(\.error)) { $0 == $1 || ($0.isNaN && $1.isNaN) }
    }
}

/// Errors of every difference method for one Jacobian entry across steps h = 10⁻¹, 10⁻¹·⁵ … 10⁻¹⁶:
/// the classic V-curve (truncation falls as hᵖ, rounding grows as 1/h), with slopes fitted where
/// the data follow a power law.
///
/// ```swift
/// let s = try stepSweep(of: ExpSin(), at: [0.7])
/// print(s.toJSON())          // {"methods": {"forward": {"slope": 1.0…, "points": [[0.1, …], …]}, …}}
/// let svg = s.renderSVG()    // log–log plot, one line per method
/// ```
public struct StepSweep: Sendable {
    /// Output index i of the swept entry.
    public let output: Int
    /// Input index j of the swept entry.
    public let input: Int
    /// The point x.
    public let point: [Double]
    /// "Double" or "Float".
    public let scalarType: String
    /// The derivative errors are measured against.
    public let reference: Double
    /// Where the reference came from ("reverse", or "given" for a caller-supplied exact value).
    public let referenceSource: String
    /// How far rounding inside f can move the reverse-mode reference from the true derivative
    /// (``derivativeRoundingBound(of:at:direction:)``: reverse mode differentiates f as the floats
    /// round it); 0 for a given reference, ∞ where no first-order bound holds. An error below
    /// ``SweepFitTuning/roundingMargin`` times it may be the reference's, so no fit uses it.
    public var referenceRoundingBound = 0.0
    /// Whether ``referenceRoundingBound`` passes 10⁻⁶ of the reference (√ε in Float), the check's
    /// threshold for a derivative rounding moved: (1 − cos x)/x² at 10⁻³ has a reference
    /// 1.9·10⁻⁴ relative off f′, and every error below that measures the reference.
    ///
    /// ```swift
    /// try stepSweep(of: ExpSin(), at: [0.7]).referenceIsUnreliable   // false
    /// ```
    public var referenceIsUnreliable: Bool {
        let relative = Swift.max(1e-6, (scalarType == "Float" ? Double(Float.ulpOfOne) : Double.ulpOfOne).squareRoot())
        let normal = scalarType == "Float" ? Double(Float.leastNormalMagnitude) : Double.leastNormalMagnitude
        return derivativeRoundingIsLarge(referenceRoundingBound, entry: reference, rowScale: 0, relative: relative, leastNormal: normal)
    }
    /// Evaluations of f by all methods together: a fixed stencil's samples at each step (its
    /// value only; no error estimate is made), Richardson's tableau, the complex step's complex
    /// evaluations. The reference costs one more recorded evaluation and a pullback when it
    /// comes from reverse mode, and Richardson's rounding bound reads x ± h once more per step,
    /// not counted here.
    public var evaluations: Int { series.reduce(0) { $0 + $1.evaluations } }
    /// Series in the fixed order forward, backward, central, central4, central6, richardson, complex-step.
    public let series: [SweepSeries]
    /// Non-differentiable points f touched at x (relu at 0, abs at 0 …). There the reference is
    /// the registry's convention and every difference straddles the kink, so the errors show the
    /// jump between one-sided derivatives, not truncation against rounding.
    public let kinks: [KinkEvent]
    /// How far xⱼ can move before fᵢ meets a kink (``kinkRooms(of:at:)``, a first-order
    /// estimate); ∞ without one, 0 at one (``kinks``). Between the two, a step whose samples
    /// reach past it straddles the kink: its error shows the jump between one-sided slopes, not
    /// truncation, and it is left out of every fit (|x − 0.001|·x at 0.0015 was fitted "order
    /// 1.5" over steps that all crossed the kink 5·10⁻⁴ away, where central is exact below it).
    public var kinkRoom: Double = .infinity
    /// The decade D the steps 10⁻¹·D … 10⁻¹⁶·D are taken on: |xⱼ|'s (10^⌊log₁₀ |xⱼ|⌋, 1 below
    /// 10), or, where ``kinkRoom`` is below 10⁻¹³·D (fewer than three decades of the grid inside
    /// it), the room's own decade, moved up where the last step would fall below the decade of an
    /// ulp of xⱼ (``stepsFollowKink``).
    public var stepDecade: Double = 1
    /// Whether the steps were moved below xⱼ's decade toward a kink (see ``stepDecade``).
    public var stepsFollowKink = false
    /// The output's name in titles (`f` by default, a formula's output name from `jac`).
    public var outputName: String
    /// The input's name in titles (`x0`, `x1` … by default, a formula's variable from `jac`).
    public var inputName: String

    /// The series of one method, by JSON key.
    public func series(named name: String) -> SweepSeries? { series.first { $0.method == name } }

    /// The JSON tree: `{"methods": {"forward": {"slope": …, "points": [[h, error], …]}, …}, …}`.
    public var jsonValue: JSONValue {
        .object([
            ("methods", .object(series.map { s in
                (s.method, .object([
                    ("slope", .number(s.slope)),
                    ("theoreticalOrder", s.theoreticalOrder.map { .integer($0) } ?? .null),
                    ("fitSteps", .array(s.fitSteps.map { .number($0) })),
                    ("noSlopeReason", s.noSlopeReason.map { .string($0) } ?? .null),
                    ("evaluations", .integer(s.evaluations)),
                    ("nonFiniteSteps", .array(s.nonFiniteSteps.map { .number($0) })),
                    ("points", .array(s.points.map { .array([.number($0.h), .number($0.error)]) })),
                    ("unavailable", s.unavailable.map { .string($0) } ?? .null),
                ]))
            })),
            ("output", .integer(output)),
            ("input", .integer(input)),
            ("point", .array(point.map { .number($0) })),
            ("scalarType", .string(scalarType)),
            ("reference", .number(reference)),
            ("referenceSource", .string(referenceSource)),
            // null where no first-order bound holds (JSON has no ∞).
            ("referenceRoundingBound", referenceRoundingBound.isFinite ? .number(referenceRoundingBound) : .null),
            ("kinks", .array(kinks.map { .string($0.description) })),
            // null without a kink near x: JSON has no ∞, and the text "inf" reads as a distance.
            ("kinkRoom", kinkRoom.isFinite ? .number(kinkRoom) : .null),
            ("stepDecade", .number(stepDecade)),
            ("stepsFollowKink", .bool(stepsFollowKink)),
            ("evaluations", .integer(evaluations)),
        ])
    }

    /// The sweep as JSON text (see ``jsonValue``).
    public func toJSON(pretty: Bool = true) -> String { jsonValue.rendered(indent: pretty ? 2 : nil) }
}

/// The methods of a sweep, in JSON order.
///
/// ```swift
/// sweepMethods.map(\.rawValue)   // ["forward", "backward", …, "richardson", "complex-step"]
/// ```
public let sweepMethods: [DifferenceMethod] = [.forward, .backward, .central, .central4, .central6, .richardson, .complexStep]

/// Sweeps h = 10^−k·D for k in `exponents`, in ``SweepFitTuning/stepsPerDecade`` steps per decade,
/// D the decade of |xⱼ| (10^⌊log₁₀ |xⱼ|⌋, and 1 for |xⱼ| < 10), or the decade of the distance to a
/// kink or domain edge closer than 10⁻¹³·D, as far down as an ulp of xⱼ allows
/// (``StepSweep/stepDecade``: sqrt at 10⁻³⁰⁰ is swept from h = 10⁻³⁰¹, where the usual grid left
/// every sample but forward's outside its domain),
/// for entry ∂fᵢ/∂xⱼ, measuring each method's error against reverse mode (or against `reference`
/// when an exact value is known).
///
/// A step is a fit candidate when its error exceeds 100× the method's rounding bound
/// noise·Σ|wₖ|·ε·|f|/h (for complex step, 100·noise·ε·|f′|): there truncation dominates and
/// log error ≈ log C + p·log h. The slope is fitted only over the longest run of consecutive
/// candidates whose local slopes agree (see ``SweepFitTuning``), so steps wider than f's scale
/// of variation, which follow no power law, never enter it.
///
/// ```swift
/// let s = try stepSweep(of: Polar(), at: [2.0, 0.5], output: 1, input: 1)
/// ```
/// - Throws: ``ADError`` when f cannot be recorded at x or the indices are out of range, and
///   ``ADError/invalidArgument(_:)`` when `exponents` gives a step that is not a finite positive `V`.
public func stepSweep<V: ADScalar & BinaryFloatingPoint & Real & Sendable>(
    of f: some ADFunction, at x: [V], output i: Int = 0, input j: Int = 0,
    exponents: ClosedRange<Int> = 1...16, reference: Double? = nil
) throws -> StepSweep {
    if let n = f.inputCount, n != x.count {
        throw ADError.dimensionMismatch(what: "number of inputs", expected: n, got: x.count)
    }
    guard j >= 0 && j < x.count else { throw ADError.invalidArgument("input index \(j) out of range 0..<\(x.count)") }
    let rec = try record({ f($0) }, at: x)
    guard i >= 0 && i < rec.outputs.count else {
        throw ADError.invalidArgument("output index \(i) out of range 0..<\(rec.outputs.count)")
    }
    var ref: Double
    let source = reference == nil ? "reverse" : "given"
    if let reference { ref = reference } else {
        // The checked pullback recovers an adjoint that left the range (RangeRecovery), or
        // throws: `jac sweep "x^2/x^300" --at x=10` took the unscaled sweep's 2e-299 for
        // −2.98e-297 and called central's right −2.98e-297 off by 3e-297.
        let row = try rec.pullback(rec.outputs.indices.map { $0 == i ? V(1) : V(0) })
        ref = Double(row[j])
    }
    // Reverse mode differentiates f as the floats round it: for (1 − cos x)/x² at 10⁻³ the reference
    // was −8.331766·10⁻⁵ against f′ = −8.333328·10⁻⁵ (its series −x/12 + x³/180, by hand), and
    // central's and the complex step's errors were measured against that, fitted and printed as
    // theirs. Errors within the reference's own rounding bound are kept out of every fit.
    var referenceBound = 0.0
    if reference == nil {
        let bounds = (try? derivativeRoundingBound(of: f, at: x, direction: x.indices.map { $0 == j ? V(1) : V(0) })) ?? []
        referenceBound = i < bounds.count ? bounds[i] : .nan
    }
    let fx = Swift.abs(Double(rec.value[i]))
    let eps = Double(V.ulpOfOne)
    let perDecade = SweepFitTuning.stepsPerDecade
    // −k/perDecade is an exact integer at whole decades, so those steps are the round 0.01, 0.001 …
    // They are taken on xⱼ's own decade D (1 for |xⱼ| < 10): at x = 1e8 the grid 0.1 … 1e-16 lies
    // below every method's rounding (an ulp of x is 1.5e-8), and each said "rounding decides".
    let ownDecade = Double.pow(10, Double.log10(Swift.max(1, Swift.abs(Double(x[j])))).rounded(.down))
    // A kink or domain edge closer than that grid's last three decades leaves it almost no step
    // whose samples stay on x's side: sqrt at 1e-300 had central, Richardson and the rest NaN at
    // every step and forward "smallest error 5e+149", a V-curve of nothing. There the grid is
    // moved down to the distance's own decade (the distance is first-order, so its decade, not
    // its value), but not so far that its last step is below the decade of an ulp of xⱼ (where
    // x + h rounds to x: sqrt(x − 1e8) beside 1e8 gains nothing from steps below 1.5e-8) or is
    // not a positive V.
    let rooms = try checkedKinkRooms(recording: rec)
    let room = i < rooms.count && j < rooms[i].count ? rooms[i][j] : .infinity
    var decade = ownDecade
    if room > 0, room.isFinite,
       room < ownDecade * Double.pow(10, -Double(exponents.upperBound - 3)) {
        func decadeBelow(lastStep: Double) -> Double {
            Double.pow(10, Double.log10(lastStep).rounded(.up) - 1 + Double(exponents.upperBound))
        }
        let floor = Swift.max(decadeBelow(lastStep: Double(x[j].ulp)), decadeBelow(lastStep: 10 * Double(V.leastNonzeroMagnitude)))
        decade = Swift.min(ownDecade, Swift.max(Double.pow(10, Double.log10(room).rounded(.down)), floor))
    }
    let steps = (exponents.lowerBound * perDecade...exponents.upperBound * perDecade).map { k in
        Double.pow(10, -Double(k) / Double(perDecade)) * decade
    }
    // A step of inf or 0 gives no difference quotient: exponents -400...-399 returned every
    // series with h = inf and no word.
    if let bad = steps.first(where: { h in !(h.isFinite && h > 0 && V(h).isFinite && V(h) > 0) }) {
        throw ADError.invalidArgument(
            "exponents \(exponents.lowerBound)...\(exponents.upperBound) give the step h = \(bad) at x\(j) = \(x[j]), "
            + "not a finite positive \(V.self); h = 10^-k for k in the range (times xⱼ's decade) must be finite and positive")
    }
    let v = x.indices.map { $0 == j ? V(1) : V(0) }
    let m = rec.outputs.count
    // The rounding bounds read the samples each stencil weighs, not |f(x)|: for x² at 1e-300,
    // f(x) is 0 in Double while the samples at h = 1e-13 are 1e-26, and a bound of 0 made every
    // error (rounding of those samples) a fit candidate; central6 was fitted "order 6, slope
    // 0.81" on noise. Richardson's bound is its first level's, the central difference at h.
    var roundingProbe = LineProbe<V>(eval: { f($0) }, x: x, v: v)
    func sampleRounding(_ stencil: Stencil, _ h: Double) -> Double {
        let r = roundingProbe.apply(stencil, step: V(h), outputs: m).rounding
        return i < r.count ? r[i] : .nan
    }
    // A kink at x itself (room 0) is the `kinks` note's case, where every step straddles it.
    let kinkNear = room > 0 && room.isFinite
    var all: [SweepSeries] = []
    for method in sweepMethods {
        // How far a method's samples reach from x at step h, in steps: the complex step's lie
        // off the real axis, Richardson's tableau starts at x ± h.
        let reach = method == .complexStep ? 0 : Double(method.stencilMethod?.stencil.offsets.map { Swift.abs($0) }.max() ?? 1)
        var crossing = 0
        var points: [(h: Double, error: Double)] = []
        var candidate: [Bool] = []
        // Steps whose error is above the method's rounding but within the reference's.
        var withinReference = 0
        var unsupported: ADError? = nil
        var evaluations = 0
        // A fixed stencil's value at h is one application of it: the sweep reads values, so the
        // 2h application and next-order look an estimate adds (two to three times the samples)
        // would be evaluations spent on an error estimate nobody reads.
        var ownProbe = LineProbe<V>(eval: { f($0) }, x: x, v: v)
        for h in steps {
            let value: Double
            let roundingBound: Double
            if let s = method.stencilMethod?.stencil {
                let before = ownProbe.evaluations
                let applied = ownProbe.apply(s, step: V(h), outputs: m)
                evaluations += ownProbe.evaluations - before
                value = i < applied.derivative.count ? applied.derivative[i] : .nan
                let rounding = i < applied.rounding.count ? applied.rounding[i] : .nan
                roundingBound = Swift.max(DifferenceTuning.evaluationNoiseULPs * s.noiseGain * eps * fx / h, rounding)
            } else {
                let (est, used, unsup) = directional(f, at: x, direction: v, outputs: m, method: method, step: .absolute(h))
                unsupported = unsupported ?? unsup
                evaluations += used
                value = i < est.count ? est[i].value : .nan
                roundingBound = method == .richardson
                    ? Swift.max(DifferenceTuning.evaluationNoiseULPs * eps * fx / h, sampleRounding(Stencil.of(.central), h))
                    : DifferenceTuning.evaluationNoiseULPs * eps * Swift.abs(ref)
            }
            let err = Swift.abs(value - ref)
            points.append((h, err))
            let crosses = kinkNear && reach * h >= room
            if crosses { crossing += 1 }
            let aboveRounding = !crosses && err.isFinite && err > 0 && err > SweepFitTuning.roundingMargin * roundingBound
            // (An infinite reference bound excludes every step; a NaN one, none.)
            let referenceDecides = err <= SweepFitTuning.roundingMargin * referenceBound
            if aboveRounding && referenceDecides { withinReference += 1 }
            candidate.append(aboveRounding && !referenceDecides)
        }
        let order: Int? = method.stencilMethod.map { $0.stencil.order } ?? (method == .complexStep ? 2 : nil)
        let fit = asymptoticFit(points, candidate: candidate)
        var series = SweepSeries(method: method.rawValue, points: points, slope: fit.slope,
                                 fitSteps: fit.steps, theoreticalOrder: order)
        series.evaluations = evaluations
        if points.allSatisfy({ $0.error.isNaN }) {
            if case let .unsupported(op, _, _)? = unsupported {
                series.unavailable = "not available: f uses \(op), which has no analytic extension (complex step needs one)"
            } else {
                series.unavailable = "every estimate is NaN: the samples leave f's domain or overflow at every step"
            }
        }
        // An unavailable method needs no second reason for having no slope.
        series.noSlopeReason = series.unavailable == nil ? fit.reason : nil
        if series.unavailable == nil, fit.slope == nil, withinReference > 0 {
            series.noSlopeReason = (fit.reason.map { $0 + "; " } ?? "") + "\(withinReference) step\(withinReference == 1 ? "" : "s") above the "
                + "method's rounding lie within \(Int(SweepFitTuning.roundingMargin))× the reference's rounding bound "
                + (referenceBound.isFinite ? stepLabel(referenceBound) : "(none holds)")
                + " and were left out: there the error may be the reference's (reverse mode differentiates f as the floats round it); "
                + "pass an exact reference"
        }
        if series.unavailable == nil, fit.slope == nil, crossing == steps.count {
            series.noSlopeReason = "every step's samples reach past a kink \(room) from x\(j): the errors show the jump between one-sided slopes"
        }
        all.append(series)
    }
    var sweep = StepSweep(output: i, input: j, point: x.map { Double($0) }, scalarType: "\(V.self)",
                          reference: ref, referenceSource: source, series: all,
                          kinks: rec.diagnostics.kinks, outputName: "f\(i)", inputName: "x\(j)")
    sweep.kinkRoom = room
    sweep.referenceRoundingBound = referenceBound
    sweep.stepDecade = decade
    sweep.stepsFollowKink = decade != ownDecade
    return sweep
}
