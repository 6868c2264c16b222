import AdjointCore
import ComplexModule
import RealModule

/// The derivative-free methods: fixed stencils, Richardson, adaptive step, complex step.
///
/// ```swift
/// DifferenceMethod(rawValue: "complex-step")   // .complexStep
/// ```
public enum DifferenceMethod: String, CaseIterable, Sendable {
    /// The fixed stencil of the same name (``StencilMethod``): one-sided of order 1 (`forward`,
    /// `backward`), central of order 2, 4 and 6 (`central`, `central4`, `central6`).
    case forward, backward, central, central4, central6
    /// Richardson extrapolation of central differences (Ridders' tableau), with error estimate.
    /// With the automatic step the tableau starts where a scan of steps finds f's asymptotic
    /// range, so oscillating and badly scaled f are resolved or reported as not converging.
    case richardson
    /// A third-order stencil whose step is chosen per direction from f, with an embedded
    /// second-order stencil for the error estimate: 3 evaluations per direction for a tame f.
    case adaptive
    /// Im f(x + ih·v)/h: no subtraction, so no cancellation; needs analytic ops only. Its value
    /// is the derivative of f as the floats compute it, which rounding inside f can move far from
    /// f′: x − sin x at 10⁻⁵ in Float gives 0 for 5e-11 (cos x rounds to 1). Its error estimate
    /// covers the step, the imaginary part's rounding and, for an ``ADFunction``, that offset,
    /// bounded from f's tape (``derivativeRoundingBound(of:at:direction:)``): 0 ± 1.2e-7 there.
    case complexStep = "complex-step"

    /// The fixed stencil behind the method, if it is one.
    public var stencilMethod: StencilMethod? { StencilMethod(rawValue: rawValue) }

    /// Nominal relative accuracy at the default step for a type with unit roundoff ε: about
    /// ε^{p/(p+1)} for a stencil of order p, and a few ε for complex-step and converged Richardson.
    public func nominalRelativeAccuracy(epsilon: Double) -> Double {
        if let s = stencilMethod {
            let p = Double(s.stencil.order)
            return Double.pow(epsilon, p / (p + 1))
        }
        switch self {
        case .complexStep: return 4 * epsilon
        case .adaptive: return Double.pow(epsilon, 0.75)
        default: return 64 * epsilon
        }
    }
}

/// A Jacobian estimated by differences, entry by entry, with steps and error estimates.
///
/// ```swift
/// let d = try differenceJacobian(of: Polar(), at: [2.0, 0.5], method: .richardson)
/// d.jacobian[0][1]        // ≈ −2 sin 0.5
/// d.entries[0][1].errorEstimate
/// ```
public struct DifferenceJacobian<V: ADScalar & BinaryFloatingPoint>: Sendable where V: Sendable {
    /// The method used.
    public let method: DifferenceMethod
    /// The step option the caller passed.
    public let stepOption: StepSize
    /// f(x).
    public let value: [V]
    /// `jacobian[i][j] ≈ ∂fᵢ/∂xⱼ`.
    public let jacobian: [[V]]
    /// Per entry: value, error estimate, step and warnings.
    public let entries: [[DifferenceEstimate]]
    /// Evaluations of f spent.
    public let evaluations: Int
    /// An op the method could not evaluate (complex-step only), when one was met.
    public let unsupported: ADError?
}

/// The Jacobian of `f` at `x` by differences, using only primal evaluations of `f` (no derivative
/// rule), one direction eⱼ per input. Float functions are differenced with Float's ε.
///
/// ```swift
/// let d = try differenceJacobian(of: Polar(), at: [2.0, 0.5], method: .central)
/// ```
///
/// The real methods evaluate f at x by recording it on a tape (counted as that evaluation) and read
/// two things off the tape that samples cannot show: how much one
/// evaluation rounds, ``evaluationRoundingBound(of:at:)``, against which they choose steps and
/// estimate errors instead of a few ulps of f alone (this matters when f cancels intermediates
/// far larger than itself: x² − 2x + 1 at 1.0000001); and how far each input is from a kink,
/// ``kinkRooms(of:at:)``, flagging ``FDWarning/crossesKink`` on entries whose samples reach it.
/// When f cannot be recorded at x, or the rounding bound's one sweep per output would cost far
/// more than the differences, they fall back to the value-only model.
///
/// `evaluationError`, when given, replaces the tape's rounding bound: the absolute rounding of
/// one evaluation of each output (zeros leave only the value-only model's few ulps of f). The
/// complex step subtracts no samples and uses neither; it reads from a tape of duals how far
/// rounding inside f moves the derivative it computes (``derivativeRoundingBound(of:at:direction:)``).
/// - Throws: ``ADError/dimensionMismatch(what:expected:got:)`` when `x` has the wrong length,
///   ``ADError/invalidArgument(_:)`` for a non-positive or non-finite step or evaluation error,
///   or (real methods) for a user primitive whose `kinkDistance` is NaN or negative at x, naming it.
///   Non-finite values are not thrown: they are flagged per entry with ``FDWarning/nonFinite``.
///
/// Inlinable so that `f` is wrapped where its type is known (see `SpecialisedFunction`).
@inlinable public func differenceJacobian<V: ADScalar & BinaryFloatingPoint & Real & Sendable>(
    of f: some ADFunction, at x: [V], method: DifferenceMethod = .central, step: StepSize = .automatic,
    evaluationError: [Double]? = nil
) throws -> DifferenceJacobian<V> {
    try differenceJacobianOfSpecialised(SpecialisedFunction<V>(f), at: x, method: method, step: step,
                                        evaluationError: evaluationError)
}

@_specialize(where V == Double)
@_specialize(where V == Float)
@usableFromInline func differenceJacobianOfSpecialised<V: ADScalar & BinaryFloatingPoint & Real & Sendable>(
    _ f: SpecialisedFunction<V>, at x: [V], method: DifferenceMethod, step: StepSize, evaluationError: [Double]? = nil,
    readingTape: Bool = true
) throws -> DifferenceJacobian<V> {
    if let n = f.inputCount, n != x.count {
        throw ADError.dimensionMismatch(what: "number of inputs", expected: n, got: x.count)
    }
    try validate(step)
    if method != .complexStep {
        let tape = readingTape ? TapeFacts.of(f, at: x) : nil
        if let bad = tape?.facts.invalidKinkDistance { throw bad }
        // A caller that does not read the tape (the check) judges rounding on its own recording's
        // scales, so its witnesses stay the differences of f alone, without the noise audit.
        return try differenceJacobian(evaluating: { f($0) }, at: x, method: method, step: step,
                                      evaluationError: evaluationError, tapeFacts: tape?.facts, center: tape?.value,
                                      measuringNoise: readingTape)
    }
    // f(x) itself is not evaluated when there is an input to step (see complexStepColumns).
    if x.isEmpty {
        let value = f(x)
        return DifferenceJacobian(method: method, stepOption: step, value: value, jacobian: value.map { _ in [] },
                                  entries: value.map { _ in [] }, evaluations: 1, unsupported: nil)
    }
    var (columns, evaluations, unsupported, value) = complexStepColumns(f, at: x, step: step)
    if readingTape && unsupported == nil {
        let directions = x.indices.map { j in x.indices.map { $0 == j ? V(1) : V(0) } }
        let widened = addingDerivativeRounding(to: columns, of: f, at: x, directions: directions)
        columns = widened.columns
        evaluations += widened.recordings
    }
    let m = value.count
    let entries = (0..<m).map { i in x.indices.map { j in columns[j][i] } }
    return DifferenceJacobian(method: method, stepOption: step, value: value,
                              jacobian: entries.map { $0.map { V($0.value) } }, entries: entries,
                              evaluations: evaluations, unsupported: unsupported)
}

/// The complex step's Jacobian of the derivative of f *as the floats compute it*: without the
/// bound on how far rounding inside f moves that from f′, which ``differenceJacobian(of:at:method:step:evaluationError:)``
/// adds. What a comparison with AD needs (the check's rung, the fault localisation, the registry
/// self-test): AD differentiates the same rounded operations, so that offset is shared and must
/// not widen the tolerance (a cos rule 0.1% off was once excused within it), and the bound is
/// read off a tape that runs the rules under test.
package func complexStepJacobianAsComputed<V: ADScalar & BinaryFloatingPoint & Real & Sendable>(
    of f: some ADFunction, at x: [V]
) throws -> DifferenceJacobian<V> {
    try differenceJacobianOfSpecialised(SpecialisedFunction<V>(f), at: x, method: .complexStep, step: .automatic, readingTape: false)
}

/// The Jacobian by real differences of a function given as a closure on arrays of one scalar
/// type: every method but complex step, which must evaluate f at complex points.
///
/// Use it when f is generic code whose specialisation at V the caller can see (a closure written
/// where V is concrete runs specialised; a generic ``ADFunction`` called inside this module would
/// not): `jac` passes `{ formula.evaluate($0, constants: c) }` this way. The work beyond
/// evaluating f is O(1) per sample, so the cost is (evaluations per column)·n + 1 evaluations.
///
/// Without a tape the rounding of f is known only from its samples: Richardson and the adaptive
/// method (automatic step, no `evaluationError`) measure it per column by a difference table
/// (NoiseAudit.swift), 16 evaluations where its first two spacings agree, and estimate again
/// against it where it exceeds a few ulps of f. An f that cancels terms far larger than itself
/// then gets an estimate that holds or is warned; (x + 10⁸) − 10⁸ + x² at 0.5 had 1.0 ± 1.8·10⁻⁷.
/// Where that table confirms no rounding at its first two spacings, the estimate is also held
/// against central differences at up to 6 larger steps off the power-of-two lattice
/// (SlopeLadder.swift, 2 evaluations each): a product rounded beside a root of x² − c bends f's
/// slope at every step below its sawtooth's period, and x/(x·x − 4) at 2.000001 settled 276 times
/// its estimate off. Where that table's wider spacings saw f round by far more than the ones it
/// confirmed, f is searched for a jump beside x (WideTreads.swift, about 10 evaluations where one
/// is found): an intermediate rounded in treads wider than the steps makes f smooth with the
/// wrong slope on each, and Float (eˣ − 1)/x at 1.5063694·10⁻⁷ settled on −5253481.33 ± 130.5
/// for 0.5; now its estimate is widened over the slope such a tread allows and flagged
/// ``FDWarning/noConvergence`` where that exceeds the value. Beside a pole, where f's curvature
/// hides those jumps, the search runs on 1/f (PoleTreads.swift, about 25 evaluations where it
/// runs): x/(x·x − 4) at 2.0000001 settled on −49999997720640 ± 896995 for −50000000163657.9.
///
/// ```swift
/// let d = try differenceJacobian(evaluating: { x in [x[0] * x[1]] }, at: [2.0, 3.0], method: .adaptive)
/// d.jacobian   // ≈ [[3, 2]]
/// ```
/// `evaluationError`: as for ``differenceJacobian(of:at:method:step:evaluationError:)``.
/// - Throws: ``ADError/invalidArgument(_:)`` for complex step, an invalid step or evaluation
///   error; ``ADError/dimensionMismatch(what:expected:got:)`` when `evaluationError` does not
///   have one entry per output.
@_specialize(where V == Double)
@_specialize(where V == Float)
public func differenceJacobian<V: ADScalar & BinaryFloatingPoint & Real & Sendable>(
    evaluating f: @escaping ([V]) -> [V], at x: [V], method: DifferenceMethod = .central, step: StepSize = .automatic,
    evaluationError: [Double]? = nil
) throws -> DifferenceJacobian<V> {
    try differenceJacobian(evaluating: f, at: x, method: method, step: step, evaluationError: evaluationError,
                           tapeFacts: nil, center: nil)
}

/// The closure form with what f's tape says when the caller has one (an ADFunction, `jac`'s
/// formula): its rounding bound and growth unless `evaluationError` replaces them, and its kinks;
/// `center` is f(x) when the caller has it (the recording's values), counted as the evaluation.
/// `measuringNoise`: whether Richardson and the adaptive method measure f's noise where neither
/// the tape nor `evaluationError` bounds it (NoiseAudit.swift).
/// Specialised: `jac` calls it, and the generic probe converted every sample through witness tables.
@_specialize(where V == Double)
@_specialize(where V == Float)
package func differenceJacobian<V: ADScalar & BinaryFloatingPoint & Real & Sendable>(
    evaluating f: @escaping ([V]) -> [V], at x: [V], method: DifferenceMethod, step: StepSize,
    evaluationError: [Double]?, tapeFacts facts: TapeFacts?, center: [V]?, measuringNoise: Bool = true
) throws -> DifferenceJacobian<V> {
    if method == .complexStep {
        throw ADError.invalidArgument("complex step evaluates f at complex points: pass an ADFunction, not a closure on real arrays")
    }
    try validate(step)
    let value = center ?? { Instrumentation.countEvaluation(); return f(x) }()
    let m = value.count
    try validate(evaluationError: evaluationError, outputs: m)
    var columns: [[DifferenceEstimate]] = []
    columns.reserveCapacity(x.count)
    var evaluations = 1
    for j in x.indices {
        let column = differenceColumn(evaluating: f, at: x, center: value, axis: j, method: method, step: step,
                                      evaluationError: evaluationError, tapeFacts: facts, measuringNoise: measuringNoise)
        columns.append(column.estimates)
        evaluations += column.evaluations
    }
    let entries = (0..<m).map { i in x.indices.map { j in columns[j][i] } }
    return DifferenceJacobian(method: method, stepOption: step, value: value,
                              jacobian: entries.map { $0.map { V($0.value) } }, entries: entries,
                              evaluations: evaluations, unsupported: nil)
        .flaggingKinkCrossings(rooms: facts?.kinkRooms)
}

/// Column j of ``differenceJacobian(evaluating:at:method:step:evaluationError:tapeFacts:center:measuringNoise:)``,
/// one estimate per output, and the evaluations of f it spent (`center` is f(x), not counted).
/// Columns are independent of each other, so a caller that needs a few of them (the check, whose
/// higher rungs are reached by a few entries) gets the same estimates as the whole Jacobian's.
@_specialize(where V == Double)
@_specialize(where V == Float)
package func differenceColumn<V: ADScalar & BinaryFloatingPoint & Real & Sendable>(
    evaluating f: @escaping ([V]) -> [V], at x: [V], center value: [V], axis j: Int, method: DifferenceMethod, step: StepSize,
    evaluationError: [Double]?, tapeFacts facts: TapeFacts?, measuringNoise: Bool
) -> (estimates: [DifferenceEstimate], evaluations: Int) {
    var probe = LineProbe<V>(eval: f, x: x, axis: j, center: value)
    probe.setTapeFacts(evaluationError: evaluationError, facts: facts, axis: j, outputs: value.count)
    probe.measuresItsNoise = measuringNoise && facts == nil && evaluationError == nil
    // The check's rungs (which judge rounding on their own recording, without the noise audit)
    // do not take central's off-lattice look: no verdict there rests on one witness (Float
    // sin(200x) at −3.9827 agrees by the complex step beside central's aliased −0.155), and the
    // look would cost every entry of every check two more evaluations per input.
    if !measuringNoise { probe.roundingBounded = false }
    let estimates = probe.estimate(method, step: step, outputs: value.count)
    return (estimates, probe.evaluations)
}

extension LineProbe {
    /// What f's tape says along input j: the rounding floor (the caller's `evaluationError`,
    /// constant, else the tape's bound at x and its growth with the distance from x, else none)
    /// and which outputs are affine in xⱼ.
    mutating func setTapeFacts(evaluationError: [Double]?, facts: TapeFacts?, axis j: Int, outputs m: Int) {
        if let rows = facts?.affine, rows.count == m { affine = rows.map { j < $0.count && $0[j] } }
        if let evaluationError {
            noiseFloor = evaluationError
            roundingBounded = true
        } else if let rounding = facts?.rounding, rounding.count == m, let growth = facts?.growth, growth.count == m {
            noiseFloor = rounding
            noiseGrowth = growth.map { j < $0.count ? $0[j] : 0 }
            roundingBounded = true
        }
    }
}

/// The gradient of output 0 of `f` by differences: one row of ``differenceJacobian(of:at:method:step:evaluationError:)``.
///
/// ```swift
/// let g = try differenceGradient(of: F2(), at: [2.0, 5.0], method: .richardson)
/// let values = g.map(\.value)   // ≈ [5.5, 2 − cos 5], each with its `errorEstimate`
/// ```
@inlinable public func differenceGradient<V: ADScalar & BinaryFloatingPoint & Real & Sendable>(
    of f: some ADFunction, at x: [V], method: DifferenceMethod = .central, step: StepSize = .automatic
) throws -> [DifferenceEstimate] {
    let d = try differenceJacobian(of: f, at: x, method: method, step: step)
    guard let row = d.entries.first else {
        throw ADError.dimensionMismatch(what: "number of outputs of a function whose gradient is asked", expected: 1, got: 0)
    }
    return row
}

/// The directional derivative J·v (a JVP) by differences along v: one line search of cost
/// independent of n.
///
/// ```swift
/// let jv = try differenceJVP(of: Polar(), at: [2.0, 0.5], direction: [1, 1], method: .central4)
/// ```
@inlinable public func differenceJVP<V: ADScalar & BinaryFloatingPoint & Real & Sendable>(
    of f: some ADFunction, at x: [V], direction v: [V], method: DifferenceMethod = .central,
    step: StepSize = .automatic
) throws -> [DifferenceEstimate] {
    try differenceJVPOfSpecialised(SpecialisedFunction<V>(f), at: x, direction: v, method: method, step: step)
}

@_specialize(where V == Double)
@_specialize(where V == Float)
@usableFromInline func differenceJVPOfSpecialised<V: ADScalar & BinaryFloatingPoint & Real & Sendable>(
    _ f: SpecialisedFunction<V>, at x: [V], direction v: [V], method: DifferenceMethod, step: StepSize
) throws -> [DifferenceEstimate] {
    if v.count != x.count {
        throw ADError.dimensionMismatch(what: "direction length (number of inputs)", expected: x.count, got: v.count)
    }
    try validate(step)
    let m = f(x).count
    let (estimates, _, unsupported) = directional(f, at: x, direction: v, outputs: m, method: method, step: step)
    guard method == .complexStep, unsupported == nil else { return estimates }
    return addingDerivativeRounding(to: [estimates], of: f, at: x, directions: [v]).columns[0]
}

func validate(_ step: StepSize) throws {
    switch step {
    case .automatic: return
    case .absolute(let h), .relative(let h):
        if !(h.isFinite && h > 0) { throw ADError.invalidArgument("finite-difference step must be finite and positive, got \(h)") }
    }
}

/// One directional derivative of every output, by the requested method.
func directional<V: ADScalar & BinaryFloatingPoint & Real>(
    _ f: some ADFunction, at x: [V], direction v: [V], outputs m: Int, method: DifferenceMethod, step: StepSize
) -> ([DifferenceEstimate], Int, ADError?) {
    if method == .complexStep { return complexStepDirectional(f, at: x, direction: v, outputs: m, step: step) }
    var probe = LineProbe<V>(eval: { f($0) }, x: x, v: v)
    return (probe.estimate(method, step: step, outputs: m), probe.evaluations, nil)
}

extension LineProbe where V: Real {
    /// The estimate of every output along this probe's line by `method` (not complex step), each
    /// entry carrying the evaluations this line cost. With the automatic step, an estimate whose
    /// samples reach beyond a unit of the line's parameter is held against a central difference
    /// within that unit, and taken again from steps scaled to it where the two disagree
    /// (UnitScaleLook.swift).
    mutating func estimate(_ method: DifferenceMethod, step: StepSize, outputs m: Int) -> [DifferenceEstimate] {
        let callersFloor = noiseFloor
        var result = settledEstimate(method, step: step, outputs: m)
        if case .automatic = step {
            result = heldWithinAUnit(result, method: method, outputs: m, callersFloor: callersFloor)
        }
        for k in result.indices { result[k].evaluations = evaluations }
        return result
    }

    /// The estimate of every output by `method`, audited for f's noise and held against the
    /// off-lattice slope ladder where the probe measures its own noise (see ``estimate(_:step:outputs:)``).
    mutating func settledEstimate(_ method: DifferenceMethod, step: StepSize, outputs m: Int) -> [DifferenceEstimate] {
        var result = methodEstimate(method, step: step, outputs: m)
        if measuresItsNoise, noiseFloor.isEmpty, case .automatic = step, method == .richardson || method == .adaptive {
            noiseUnmeasured = []
            result = auditedForNoise(result, method: method, outputs: m)
            // Only where the audit's table did not confirm a σ at its first two spacings: there
            // f rounds alike at both, so teeth narrower than the wider one's reach would have
            // been measured (as noise), and a smooth f (exp, log, sin(x)·y) keeps its cost.
            // Beside a rounded x·x the wider spacings see the pole's curvature and only spacings
            // inside one tooth agree.
            for i in noiseUnmeasured.sorted() where i < result.count {
                result[i] = widenedOverSlopeLadder(result[i], output: i, outputs: m)
                result[i] = widenedOverWideTreads(result[i], output: i, outputs: m)
                result[i] = widenedOverPoleTreads(result[i], output: i, outputs: m)
            }
        }
        return result
    }

    /// The estimate of every output by `method`, with the rounding model the probe has.
    mutating func methodEstimate(_ method: DifferenceMethod, step: StepSize, outputs m: Int) -> [DifferenceEstimate] {
        var result: [DifferenceEstimate]
        switch method {
        case .richardson:
            if case .automatic = step {
                // Its first level, the central difference at h₀.
                let h0 = V(DifferenceTuning.richardsonInitialStep * scale).nearestPowerOfTwo
                let settled = affineDifference(offsets: [-1, 1], step: h0, outputs: m)
                result = richardsonScanned(outputs: m, settled: settled)
            } else {
                let h0 = resolve(step, default: DifferenceTuning.richardsonInitialStep * scale, scale: scale)
                result = richardson(initialStep: V(h0), outputs: m)
            }
        case .adaptive:
            if case .automatic = step {
                // Where every output is affine, two samples within the 6h₀ its own first round
                // reaches; where only some are, that first round's samples.
                let h0 = adaptiveStartStep
                let settled = affine.allSatisfy { $0 }
                    ? affineDifference(offsets: [-1, 1], step: 4 * h0, outputs: m)
                    : affineDifference(offsets: [-2, 3, 6], step: h0, outputs: m)
                result = adaptiveEmbedded(outputs: m, settled: settled)
            } else {
                let h = resolve(step, default: 0, scale: scale)
                result = stencilEstimate(DifferenceTuning.adaptiveValueStencil, step: V(h), outputs: m)
            }
        default:
            let stencil = (method.stencilMethod ?? .central).stencil
            let dflt = DifferenceTuning.defaultStep(for: stencil, scale: scale, epsilon: epsilon)
            let h = resolve(step, default: dflt, scale: scale)
            result = stencilEstimate(stencil, step: V(h), outputs: m)
        }
        return result
    }
}

/// The step a ``StepSize`` asks for; automatic and relative steps are rounded to powers of two.
func resolve(_ step: StepSize, default dflt: Double, scale: Double) -> Double {
    switch step {
    case .automatic: return dflt.nearestPowerOfTwo
    case .absolute(let h): return h
    case .relative(let h): return (h * Swift.max(1, scale)).nearestPowerOfTwo
    }
}

// The complex step (`complexStepDirectional`, `complexStep`) lives in ComplexStep/ComplexStepDifference.swift.


extension DifferenceJacobian {
    /// The Jacobian with its provenance, for `jac` and notebooks: method, step option, f(x),
    /// entries, per-entry step, error estimate and warnings, evaluations spent.
    ///
    /// ```swift
    /// print(try differenceJacobian(of: Polar(), at: [2.0, 0.5], method: .richardson).toJSON())
    /// ```
    public var jsonValue: JSONValue {
        let step: String
        switch stepOption {
        case .automatic: step = "automatic"
        case .absolute(let h): step = "absolute \(h)"
        case .relative(let h): step = "relative \(h)"
        }
        func matrix(_ f: (DifferenceEstimate) -> JSONValue) -> JSONValue {
            .array(entries.map { .array($0.map(f)) })
        }
        var fields: [(String, JSONValue)] = [
            ("method", .string(method.rawValue)),
            ("step", .string(step)),
            ("scalarType", .string("\(V.self)")),
            ("value", .array(value.map { .number(Double($0)) })),
            ("jacobian", .array(jacobian.map { .array($0.map { .number(Double($0)) }) })),
            ("errorEstimate", matrix { .number($0.errorEstimate) }),
            ("steps", matrix { .number($0.step) }),
            ("warnings", matrix { .array($0.warnings.map { .string($0.rawValue) }) }),
            ("evaluations", .integer(evaluations)),
        ]
        if let unsupported { fields.append(("unsupported", .string(unsupported.description))) }
        return .object(fields)
    }

    /// ``jsonValue`` as text.
    public func toJSON(pretty: Bool = true) -> String { jsonValue.rendered(indent: pretty ? 2 : nil) }
}
