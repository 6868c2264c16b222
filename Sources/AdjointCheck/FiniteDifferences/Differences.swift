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
    /// Im f(x + ih·v)/h: no subtraction, so no cancellation; needs analytic ops only.
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
/// - Throws: ``ADError/dimensionMismatch(what:expected:got:)`` when `x` has the wrong length,
///   ``ADError/invalidArgument(_:)`` for a non-positive or non-finite step. Non-finite values
///   are not thrown: they are flagged per entry with ``FDWarning/nonFinite``.
public func differenceJacobian<V: ADScalar & BinaryFloatingPoint & Real & Sendable>(
    of f: some ADFunction, at x: [V], method: DifferenceMethod = .central, step: StepSize = .automatic
) throws -> DifferenceJacobian<V> {
    if let n = f.inputCount, n != x.count {
        throw ADError.dimensionMismatch(what: "number of inputs", expected: n, got: x.count)
    }
    try validate(step)
    if method != .complexStep { return try differenceJacobian(evaluating: { f($0) }, at: x, method: method, step: step) }
    let value = f(x)
    let m = value.count
    var columns: [[DifferenceEstimate]] = []
    columns.reserveCapacity(x.count)
    var evaluations = 1
    var unsupported: ADError? = nil
    for j in x.indices {
        let v = x.indices.map { $0 == j ? V(1) : V(0) }
        let (col, evals, unsup) = complexStepDirectional(f, at: x, direction: v, outputs: m, step: step)
        columns.append(col)
        evaluations += evals
        unsupported = unsupported ?? unsup
    }
    let entries = (0..<m).map { i in x.indices.map { j in columns[j][i] } }
    return DifferenceJacobian(method: method, stepOption: step, value: value,
                              jacobian: entries.map { $0.map { V($0.value) } }, entries: entries,
                              evaluations: evaluations, unsupported: unsupported)
}

/// The Jacobian by real differences of a function given as a closure on arrays of one scalar
/// type: every method but complex step, which must evaluate f at complex points.
///
/// Use it when f is generic code whose specialisation at V the caller can see (a closure written
/// where V is concrete runs specialised; a generic ``ADFunction`` called inside this module would
/// not): `jac` passes `{ formula.evaluate($0, constants: c) }` this way. The work beyond
/// evaluating f is O(1) per sample, so the cost is (evaluations per column)·n + 1 evaluations.
///
/// ```swift
/// let d = try differenceJacobian(evaluating: { x in [x[0] * x[1]] }, at: [2.0, 3.0], method: .adaptive)
/// d.jacobian   // ≈ [[3, 2]]
/// ```
/// - Throws: ``ADError/invalidArgument(_:)`` for complex step or an invalid step.
public func differenceJacobian<V: ADScalar & BinaryFloatingPoint & Real & Sendable>(
    evaluating f: @escaping ([V]) -> [V], at x: [V], method: DifferenceMethod = .central, step: StepSize = .automatic
) throws -> DifferenceJacobian<V> {
    if method == .complexStep {
        throw ADError.invalidArgument("complex step evaluates f at complex points: pass an ADFunction, not a closure on real arrays")
    }
    try validate(step)
    let value = f(x)
    let m = value.count
    var columns: [[DifferenceEstimate]] = []
    columns.reserveCapacity(x.count)
    var evaluations = 1
    for j in x.indices {
        var probe = LineProbe<V>(eval: f, x: x, axis: j, center: value)
        columns.append(probe.estimate(method, step: step, outputs: m))
        evaluations += probe.evaluations
    }
    let entries = (0..<m).map { i in x.indices.map { j in columns[j][i] } }
    return DifferenceJacobian(method: method, stepOption: step, value: value,
                              jacobian: entries.map { $0.map { V($0.value) } }, entries: entries,
                              evaluations: evaluations, unsupported: nil)
}

/// The gradient of output 0 of `f` by differences: one row of ``differenceJacobian(of:at:method:step:)``.
///
/// ```swift
/// let g = try differenceGradient(of: F2(), at: [2.0, 5.0], method: .richardson)   // ≈ [5.5, 2 − cos 5]
/// ```
public func differenceGradient<V: ADScalar & BinaryFloatingPoint & Real & Sendable>(
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
public func differenceJVP<V: ADScalar & BinaryFloatingPoint & Real & Sendable>(
    of f: some ADFunction, at x: [V], direction v: [V], method: DifferenceMethod = .central,
    step: StepSize = .automatic
) throws -> [DifferenceEstimate] {
    if v.count != x.count {
        throw ADError.dimensionMismatch(what: "direction length (number of inputs)", expected: x.count, got: v.count)
    }
    try validate(step)
    let m = f(x).count
    return directional(f, at: x, direction: v, outputs: m, method: method, step: step).0
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
    /// entry carrying the evaluations this line cost.
    mutating func estimate(_ method: DifferenceMethod, step: StepSize, outputs m: Int) -> [DifferenceEstimate] {
        var result: [DifferenceEstimate]
        switch method {
        case .richardson:
            if case .automatic = step {
                result = richardsonScanned(outputs: m)
            } else {
                let h0 = resolve(step, default: DifferenceTuning.richardsonInitialStep * scale, scale: scale)
                result = richardson(initialStep: V(h0), outputs: m)
            }
        case .adaptive:
            if case .automatic = step {
                result = adaptiveEmbedded(outputs: m)
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
        for k in result.indices { result[k].evaluations = evaluations }
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

/// Complex step along v: Im f(x + ih·v)/h. Nothing cancels, so rounding is a few ε of |D|, plus
/// the quantum of subnormal imaginary parts, which a seed near the underflow threshold meets.
///
/// The truncation part: at the automatic step (h/s ≤ 1e-20 for Double, 1e-8 for Float, s the
/// scale of x) it is f′·O((h/s)²) for any f whose derivatives vary on the scale of x, far below
/// rounding, so one evaluation per direction suffices and a Jacobian costs n + 1. A step the
/// caller chose may be large, and at x_j = 0 there is no scale: then the estimate at 2h measures
/// the truncation (error ∝ h², so |D(h) − D(2h)|/3).
func complexStepDirectional<V: ADScalar & BinaryFloatingPoint & Real>(
    _ f: some ADFunction, at x: [V], direction v: [V], outputs m: Int, step: StepSize
) -> ([DifferenceEstimate], Int, ADError?) {
    let h = complexStep(step, at: x, direction: v, as: V.self)
    func run(_ h: Double) -> ([Complex<V>], EvaluationDiagnostics) {
        Diagnostics.collect {
            f(zip(x, v).map { Complex<V>($0, V(h) * $1) })
        }
    }
    // At x_j = 0 no scale is known (s falls back to 1), so the a-priori bound has nothing to
    // stand on: √x at 0 gives a large finite Im √(ih)/h for an unbounded derivative. There the
    // estimate at 2h is taken, and it shows the √2 ratio.
    let scaleKnown = zip(x, v).allSatisfy { xj, vj in vj == 0 || xj != 0 }
    let single = step == .automatic && scaleKnown
    let (fine, diag) = run(h)
    let coarse: [Complex<V>]? = single ? nil : run(2 * h).0
    let evaluations = single ? 1 : 2
    let unsupported = diag.errors.first { if case .unsupported = $0 { return true } else { return false } }
    let eps = Double(V.ulpOfOne)
    let relativeStep = h / complexStepScale(at: x, direction: v)
    let est = (0..<m).map { i -> DifferenceEstimate in
        guard i < fine.count, coarse.map({ i < $0.count }) ?? true else {
            return DifferenceEstimate(value: .nan, errorEstimate: .infinity, step: h, warnings: [.nonFinite],
                                      evaluations: evaluations)
        }
        let d = Double(fine[i].imaginary) / h
        var warn: [FDWarning] = []
        if unsupported != nil { warn.append(.unsupportedOp) }
        if !fine[i].isFinite || !d.isFinite { warn.append(.nonFinite) }
        // An imaginary part below V's least normal magnitude keeps only an absolute quantum of
        // leastNonzero: divided by h, that is the derivative's absolute rounding error.
        let quantum = Double(V.leastNonzeroMagnitude) / h
        let truncation: Double
        if let coarse {
            truncation = Swift.abs(d - Double(coarse[i].imaginary) / (2 * h)) / 3
        } else {
            truncation = relativeStep * relativeStep * Swift.abs(d)
        }
        let err = truncation + DifferenceTuning.evaluationNoiseULPs * (eps * Swift.abs(d) + quantum)
        let ok = warn.isEmpty
        return DifferenceEstimate(value: ok ? d : .nan, errorEstimate: ok ? err : .infinity, step: h, warnings: warn,
                                  evaluations: evaluations)
    }
    return (est, evaluations, unsupported)
}

/// The complex step h for the line x + ih·v, as a Double that V represents exactly (so dividing by
/// it divides by the step actually applied).
///
/// Why relative: the truncation error of Im f(x + ih)/h is h²·f‴/6, and for functions whose
/// derivatives scale with 1/|x| (sqrt, log, powers) that is f′·O((h/|x|)²). An absolute h = 1e-20
/// is then wrong by orders of magnitude at |x| = 1e-300, and at |x| = 1e300 its seed h·f′ underflows
/// (log: Im = atan2(h, x) = 0). So h = c·s with s = min over moved coordinates of |x_j|/|v_j|
/// (1 for x_j = 0, where no scale is known), rounded to a power of two so that h·v_j is exact.
/// The automatic step is raised towards V's least normal magnitude, never above s·√ε·1e-3 (which
/// keeps (h/s)² below 1e-6·ε): a subnormal seed carries few significant bits.
func complexStep<V: BinaryFloatingPoint>(_ step: StepSize, at x: [V], direction v: [V], as _: V.Type) -> Double {
    let s = complexStepScale(at: x, direction: v)
    let eps = Double(V.ulpOfOne)
    let h: Double
    switch step {
    case .absolute(let a):
        h = a
    case .relative(let r):
        h = (r * s).nearestPowerOfTwo
    case .automatic:
        let c = eps < 1e-10 ? DifferenceTuning.complexStepDouble : DifferenceTuning.complexStepFloat
        let normalFloor = Swift.min(Double(V.leastNormalMagnitude), s * eps.squareRoot() * 1e-3)
        h = Swift.max(c * s, normalFloor).nearestPowerOfTwo
    }
    // Keep h and 2h positive and finite in V: a step that underflowed to 0 would divide 0 by 0, one
    // that overflowed would give 0 for every derivative. (Absolute steps were validated already.)
    let largest = Double(V.greatestFiniteMagnitude) / 4
    let smallest = Double(V.leastNonzeroMagnitude)
    return Double(V(Swift.min(Swift.max(h, smallest), largest)))
}

/// s = min over moved coordinates of |x_j|/|v_j| (1 for x_j = 0): the scale the complex step is
/// relative to.
func complexStepScale<V: BinaryFloatingPoint>(at x: [V], direction v: [V]) -> Double {
    var s = Double.infinity
    for (xj, vj) in zip(x, v) where vj != 0 && vj.isFinite {
        let a = Swift.abs(Double(xj))
        s = Swift.min(s, (a.isFinite && a > 0 ? a : 1) / Swift.abs(Double(vj)))
    }
    return s.isFinite && s > 0 ? s : 1
}

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
