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
    /// Least-squares slope of log₁₀ error against log₁₀ h over the truncation-dominated points;
    /// nil when fewer than two points qualify.
    public let slope: Double?
    /// The steps used for the fit.
    public let fitSteps: [Double]
    /// The order theory predicts (nil for Richardson, whose order grows with its tableau).
    public let theoreticalOrder: Int?
    /// Why the method gave no estimate at all (every error NaN), e.g. complex step on a function
    /// with an op that has no analytic extension; nil when it ran.
    public var unavailable: String? = nil
    /// How many steps gave an error of exactly 0 (complex step often does): log scales cannot
    /// draw them, so plots list them instead.
    public var zeroErrorCount: Int { points.filter { $0.error == 0 }.count }

    /// Same method, slope and points (NaN errors compare equal).
    public static func == (l: SweepSeries, r: SweepSeries) -> Bool {
        l.method == r.method && l.slope == r.slope && l.points.map(\.h) == r.points.map(\.h)
            && l.points.map(\.error).elementsEqual(r.points.map(\.error)) { $0 == $1 || ($0.isNaN && $1.isNaN) }
    }
}

/// Errors of every difference method for one Jacobian entry across steps h = 10⁻¹ … 10⁻¹⁶: the
/// classic V-curve (truncation falls as hᵖ, rounding grows as 1/h), with fitted slopes.
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
    /// Series in the fixed order forward, backward, central, central4, central6, richardson, complex-step.
    public let series: [SweepSeries]
    /// Non-differentiable points f touched at x (relu at 0, abs at 0 …). There the reference is
    /// the registry's convention and every difference straddles the kink, so the errors show the
    /// jump between one-sided derivatives, not truncation against rounding.
    public let kinks: [KinkEvent]
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
            ("kinks", .array(kinks.map { .string($0.description) })),
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

/// Sweeps h = 10^−k for k in `exponents` for entry ∂fᵢ/∂xⱼ, measuring each method's error against
/// reverse mode (or against `reference` when an exact value is known).
///
/// A point enters the slope fit when its error exceeds 100× the method's rounding bound
/// noise·Σ|wₖ|·ε·|f|/h (for complex step, 100·noise·ε·|f′|): there truncation dominates and
/// log error ≈ log C + p·log h.
///
/// ```swift
/// let s = try stepSweep(of: Polar(), at: [2.0, 0.5], output: 1, input: 1)
/// ```
/// - Throws: ``ADError`` when f cannot be recorded at x or the indices are out of range.
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
    let ref: Double
    if let reference { ref = reference } else {
        let row = try rec.pullback(rec.outputs.indices.map { $0 == i ? V(1) : V(0) })
        ref = Double(row[j])
    }
    let fx = Swift.abs(Double(rec.value[i]))
    let eps = Double(V.ulpOfOne)
    let steps = exponents.map { Double.pow(10, -Double($0)) }
    let v = x.indices.map { $0 == j ? V(1) : V(0) }
    let m = rec.outputs.count
    var all: [SweepSeries] = []
    for method in sweepMethods {
        var points: [(h: Double, error: Double)] = []
        var fit: [(Double, Double)] = []
        var unsupported: ADError? = nil
        for h in steps {
            let (est, _, unsup) = directional(f, at: x, direction: v, outputs: m, method: method, step: .absolute(h))
            unsupported = unsupported ?? unsup
            let value = i < est.count ? est[i].value : .nan
            let err = Swift.abs(value - ref)
            points.append((h, err))
            let roundingBound: Double
            if let s = method.stencilMethod?.stencil {
                roundingBound = DifferenceTuning.evaluationNoiseULPs * s.noiseGain * eps * fx / h
            } else if method == .richardson {
                roundingBound = DifferenceTuning.evaluationNoiseULPs * eps * fx / h
            } else {
                roundingBound = DifferenceTuning.evaluationNoiseULPs * eps * Swift.abs(ref)
            }
            if err.isFinite && err > 0 && err > 100 * roundingBound { fit.append((h, err)) }
        }
        let order: Int? = method.stencilMethod.map { $0.stencil.order } ?? (method == .complexStep ? 2 : nil)
        var series = SweepSeries(method: method.rawValue, points: points, slope: logLogSlope(fit),
                                 fitSteps: fit.map(\.0), theoreticalOrder: order)
        if points.allSatisfy({ $0.error.isNaN }) {
            if case let .unsupported(op, _, _)? = unsupported {
                series.unavailable = "not available: f uses \(op), which has no analytic extension (complex step needs one)"
            } else {
                series.unavailable = "every estimate is NaN: the samples leave f's domain or overflow at every step"
            }
        }
        all.append(series)
    }
    return StepSweep(output: i, input: j, point: x.map { Double($0) }, scalarType: "\(V.self)",
                     reference: ref, referenceSource: reference == nil ? "reverse" : "given", series: all,
                     kinks: rec.diagnostics.kinks, outputName: "f\(i)", inputName: "x\(j)")
}

/// Least-squares slope of log₁₀ y against log₁₀ x; nil for fewer than two points.
func logLogSlope(_ pts: [(Double, Double)]) -> Double? {
    guard pts.count >= 2 else { return nil }
    let xs = pts.map { Double.log10($0.0) }, ys = pts.map { Double.log10($0.1) }
    let n = Double(pts.count)
    let mx = xs.reduce(0, +) / n, my = ys.reduce(0, +) / n
    var sxy = 0.0, sxx = 0.0
    for (a, b) in zip(xs, ys) { sxy += (a - mx) * (b - my); sxx += (a - mx) * (a - mx) }
    return sxx > 0 ? sxy / sxx : nil
}
