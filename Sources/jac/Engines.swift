#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Adjoint
import ComplexModule

typealias ComplexDouble = Complex<Double>

/// One number of a result: a Double (floating modes) or an exact rational written `p` or `p/q`
/// together with its correctly rounded Double (parsing p and q separately would overflow for
/// large exact values like (3/2)^900).
enum Cell: Equatable {
    case double(Double)
    case exact(String, Double)

    init(_ q: Rational) { self = .exact(q.description, q.doubleValue) }

    /// A Double for comparisons across modes and for analysis.
    var approximate: Double {
        switch self {
        case .double(let d): return d
        case .exact(_, let d): return d
        }
    }
}

/// What a mode computes for one formula at one point.
struct ModeResult {
    /// The point as the mode used it (exact modes echo the rationals).
    var point: [Cell]
    var value: [Cell]
    /// Rows are outputs, columns are variables.
    var jacobian: [[Cell]]
    /// Non-differentiable points touched, reported so `check` can explain a disagreement.
    var kinks: [KinkEvent] = []
    /// Exact mode: each kink as the notes print it, with its exact inputs where the library's
    /// Doubles rounded them to 0 or ±∞ (see ``ExactDiagnostics``); nil to print ``kinks`` as they are.
    var kinkDescriptions: [String]? = nil
    /// Per entry, the method's own estimate of its error (finite differences), used by `check`
    /// so that a difference known to be inaccurate is not called a disagreement.
    var errorEstimates: [[Double]]? = nil
    /// Per entry, why a difference is unreliable (empty when nothing was detected).
    var warnings: [[[FDWarning]]]? = nil
    /// Evaluations of f a difference mode spent: in total (f(x) included) and per entry (the
    /// entry's column; entries of one column share its evaluations).
    var evaluations: (total: Int, perEntry: [[Int]])? = nil
    /// Exact mode: the forward passes or reverse sweeps taken (chosen by the Jacobian's shape).
    var passes: (mode: String, count: Int)? = nil
    /// Forward and reverse mode: per entry, how far rounding inside the formula can move the
    /// derivative they compute from f′ (``derivativeRoundingBound(of:at:direction:)``); NaN where
    /// it could not be had. The difference modes carry theirs in ``errorEstimates``.
    var roundingBounds: [[Double]]? = nil
}

/// A way of computing a Jacobian. Each `--mode` value is one entry of ``ModeTable``; adding a mode
/// is adding an engine there, nothing else in the CLI changes.
protocol ModeEngine: Sendable {
    /// The `--mode` name.
    var name: String { get }
    /// One line for `--help`.
    var summary: String { get }
    /// How the formula and the point are read for this engine: as Doubles (the default), or
    /// exactly from their text, which keeps values beyond Double's range.
    var numberReading: NumberReading { get }
    /// Why this engine cannot run `formula` (status 2), or nil when it can.
    func unavailability(for formula: Formula) -> String?
    /// The value and Jacobian at `point`; throws ADError on evaluation failure.
    func jacobian(of formula: Formula, at point: Point) throws -> ModeResult
}

extension ModeEngine {
    var numberReading: NumberReading { .double }
}

/// The Doubles of `point` for a floating engine, or an error naming the first value (of the point,
/// or a literal of `formula`) that has none: read under ``NumberReading/exact`` it is ±∞ or 0 only
/// by rounding. `jac` reads that way only for exact mode; this keeps a floating engine from ever
/// evaluating at such a value silently.
func floatingPoint(_ formula: Formula, _ point: Point) throws -> [Double] {
    if let k = point.values.firstIndex(where: { $0.outOfRange != nil }), k < formula.variables.count {
        throw JacFailure.invalid("\(formula.variables[k]) = \(quoted(point.values[k].text)) is beyond Double's range; "
                                 + "only --mode exact reads it")
    }
    if let c = formula.literalsBeyondDouble.first {
        throw JacFailure.invalid("the number \(quoted(c.text)) is beyond Double's range; only --mode exact reads it")
    }
    return point.doubles
}

/// Forward or reverse mode from AdjointCore.
struct CoreEngine: ModeEngine {
    let mode: JacobianMode
    var name: String { mode.rawValue }
    var summary: String {
        mode == .forward ? "forward mode (dual numbers, up to 8 directions per pass)"
                         : "reverse mode (one tape, one sweep per output)"
    }
    func unavailability(for formula: Formula) -> String? { nil }
    func jacobian(of formula: Formula, at point: Point) throws -> ModeResult {
        let x = try floatingPoint(formula, point)
        let r = try explainingNonFiniteEntries(formula, at: x, mode: mode) {
            try Adjoint.jacobian(of: formula, at: x, mode: mode)
        }
        // A tangent or adjoint that left Double's range is the library's to recover (or to
        // refuse, naming the entry): jac reran each pass seeded by 2⁵⁰⁰ and 2¹⁰⁰⁰ and flagged an
        // entry that changed, and printed the lost value beside the flag.
        // Both modes differentiate the rounded operations, so where the formula cancels they agree
        // on a number far from f′: (exp(x) - 1)/x at 1e-9 gave -81.74 for 0.5 with no word said.
        let n = x.count
        let columns = derivativeRoundingBounds(of: formula, at: x, directions: (0..<n).map { j in (0..<n).map { $0 == j ? 1.0 : 0.0 } })
        // NaN (null in JSON, no note) where a bound could not be had: 0 would claim it exact.
        let bounds = r.value.indices.map { i in
            (0..<n).map { j in j < columns.bounds.count ? columns.bounds[j].map { i < $0.count ? $0[i] : .nan } ?? .nan : .nan }
        }
        return ModeResult(point: x.map(Cell.double), value: r.value.map(Cell.double),
                          jacobian: r.jacobian.map { $0.map { Cell.double(unsignedZero($0)) } }, kinks: r.diagnostics.kinks,
                          roundingBounds: bounds)
    }
}

/// A derivative entry as jac prints it: a zero without its sign. `jac jacobian "-relu(x)" --at
/// x=-1` printed -0.0 in forward mode and 0.0 in reverse, for one entry that is exactly 0 (relu′ is
/// 0 left of its kink): the sign of a zero tangent is the order of the operations that made it
/// (−(0·1), x·0 for a negative x), not a property of f. It is one in no other mode: reverse mode
/// sums each entry from +0, so it never shows −0, exact mode and the differences never give one,
/// and an entry that underflowed (−eˣ·eˣ at −400, −2·10⁻³⁴⁸) already read 0.0 in reverse mode.
/// Values are not touched: f's own −0.0 is what the formula computes, the same in every mode.
func unsignedZero(_ d: Double) -> Double { d == 0 ? 0 : d }

/// Per entry, the value from a pass whose direction (forward) or cotangent (reverse) is scaled by
/// each of `seeds`, a power of two, divided back, where it differs from `jacobian`; nil where every
/// such pass agrees or is not finite. Scaling a seed by 2ᵏ scales every tangent or adjoint of the
/// pass by exactly 2ᵏ while each stays in Double's normal range, so a seed below 1 shows the
/// finite value of an entry whose unscaled pass overflowed on the way (see
/// ``explainingNonFiniteEntries``). A whole reverse sweep in which any adjoint is not finite is
/// ignored, as a rule then takes another order for its products (division's vjp does).
func seededEntries(of formula: Formula, at x: [Double], mode: JacobianMode, jacobian: [[Double]],
               seeds: [Double]) -> [[Double?]] {
    let m = jacobian.count, n = x.count
    var loss = [[Double?]](repeating: [Double?](repeating: nil, count: n), count: m)
    func compare(_ v: Double, _ i: Int, _ j: Int) {
        if v.isFinite, v != jacobian[i][j], loss[i][j] == nil { loss[i][j] = v }
    }
    if mode == .reverse {
        guard let rec = try? record({ formula($0) }, at: x) else { return loss }
        for i in 0..<m {
            for (_, row) in seededReverseRows(recording: rec, output: i, seeds: seeds) {
                guard let g = row, g.allSatisfy(\.isFinite) else { continue }
                for j in 0..<n { compare(g[j], i, j) }
            }
        }
    } else {
        for j in 0..<n {
            for seed in seeds {
                guard let c = seededForwardColumn(of: { formula($0) }, at: x, input: j, outputs: m, seed: seed) else { continue }
                for i in 0..<m { compare(c[i], i, j) }
            }
        }
    }
    return loss
}

/// A finite-difference or complex-step mode from AdjointCheck: primal evaluations only, so it is
/// the witness that can catch a wrong derivative rule.
struct DifferenceEngine: ModeEngine {
    let method: DifferenceMethod
    let summary: String
    var name: String { method.rawValue }

    func unavailability(for formula: Formula) -> String? {
        guard method == .complexStep else { return nil }
        // Ask the complex scalar itself which ops it cannot extend analytically, instead of
        // keeping a second list here. At a point off every kink (max at a tie would be refused
        // for the point, not the op); a kink the formula reaches at --at is reported there.
        let (a, b) = (ComplexDouble(0.5, 0), ComplexDouble(0.25, 0))
        for op in formula.usedOps {
            let (_, d) = Diagnostics.collect { ComplexDouble.apply(op, a, b, 2) }
            if d.errors.contains(where: { if case .unsupported = $0 { return true }; return false }) {
                return "complex-step mode is not available: uses \(op.info.name), which has no analytic extension"
            }
        }
        return nil
    }

    func jacobian(of formula: Formula, at point: Point) throws -> ModeResult {
        // The point itself goes through the registry's domain checks first, as in every other
        // mode: a difference stencil or a complex step can produce a plausible number where f is
        // not even defined (atan(1/x) at 0 in complex step, exp(-1/x^2) at 0 in central).
        _ = try floatingPoint(formula, point)
        let realValue = try value(of: formula, at: point.doubles)
        let d: DifferenceJacobian<Double>
        if method == .complexStep {
            d = try differenceJacobian(of: formula, at: point.doubles, method: method)
        } else {
            // A closure written here, where the scalar is Double, runs the formula specialised;
            // through the generic ADFunction path every op went through witness tables.
            let constants = formula.constants.map(\.value)
            guard point.doubles.count == formula.variables.count else {
                throw ADError.dimensionMismatch(what: "number of inputs", expected: formula.variables.count, got: point.doubles.count)
            }
            // The formula's tape bounds the rounding of each evaluation (without it a formula that
            // cancels large terms, x^2 - 2*x + 1 at 1.0000001, got a confident wrong slope) and
            // says where the kinks are: a stencil reaching past one averages two slopes, and its
            // estimate does not see it (relu(x) at 0 printed 0.5 by Richardson with no note).
            // The recording's values are f(x), so it stands in for that evaluation.
            let recording = try? record({ formula($0) }, at: point.doubles)
            d = try differenceJacobian(evaluating: { formula.evaluate($0, constants: constants) }, at: point.doubles,
                                       method: method, step: .automatic, evaluationError: nil,
                                       tapeFacts: recording.map(TapeFacts.init(recording:)), center: recording?.value)
        }
        if let u = d.unsupported { throw u }
        // realValue is finite (value(of:) throws otherwise); the complex step's value is
        // Re f(x + ih), which can overflow where f(x) does not (sin at 1e25 with a step relative
        // to |x|), so only the real methods' value, f(x) itself, is looked at here.
        if method != .complexStep, let bad = d.value.firstIndex(where: { !$0.isFinite }) {
            throw ADError.nonFinite(what: "output \(bad)", op: nil, node: nil)
        }
        // A difference quotient can overflow or cancel to NaN where the function itself is finite
        // (log near 0): that is an evaluation failure to report, not a number to print. When a
        // stencil point left the domain, say which: the point itself is fine, the estimate is not.
        for (i, row) in d.jacobian.enumerated() {
            if let j = row.firstIndex(where: { !$0.isFinite }) {
                let why = stencilDomainError(formula, at: point.doubles, input: j, reach: d.entries[i][j].reach)
                    .map { "; the point is in the domain but a stencil point is not, so the estimate is unreliable: \($0)" } ?? ""
                throw ADError.nonFinite(what: "\(method.rawValue) difference for d\(formula.outputNames[i])/d\(formula.variables[j])\(why)",
                                        op: nil, node: nil)
            }
        }
        // f(x) evaluated in real arithmetic: the complex step's Re f(x + ih) is f(x) only up to
        // O(h²) and its own rounding ((x^2147483647)^2147483647 at 1 printed 0.9995).
        return ModeResult(point: point.doubles.map(Cell.double), value: realValue.map(Cell.double),
                          jacobian: d.jacobian.map { $0.map(Cell.double) },
                          errorEstimates: d.entries.map { $0.map(\.errorEstimate) },
                          warnings: d.entries.map { $0.map(\.warnings) },
                          evaluations: (d.evaluations, d.entries.map { $0.map(\.evaluations) }))
    }

    /// The first domain error among the samples x ± t·eⱼ a stencil of this reach may have used.
    func stencilDomainError(_ formula: Formula, at x: [Double], input j: Int, reach: Double) -> String? {
        guard reach > 0, reach.isFinite else { return nil }
        for t in [reach, -reach, reach / 2, -reach / 2, reach / 4, -reach / 4] {
            var p = x
            p[j] += t
            do { _ = try value(of: formula, at: p) } catch let e as ADError {
                if case .domain = e { return "at \(formula.variables[j]) = \(format(p[j])): \(e)" }
            } catch { continue }
        }
        return nil
    }
}

/// Exact rational arithmetic on GMP: literals and point values are read from their text, so `0.1`
/// is 1/10, and every derivative is exact. Only for formulas whose ops are closed over ℚ.
///
/// So a value beyond Double's range, in the point or the formula (1e-400, 1e400), is read here
/// (``NumberReading/exact``), where every floating mode refuses it: its Double would be 0 or ±∞.
struct ExactEngine: ModeEngine {
    var name: String { "exact" }
    var numberReading: NumberReading { .exact }
    var summary: String { "exact rational arithmetic (rational formulas only)" }

    func unavailability(for formula: Formula) -> String? {
        formula.exactObstacle.map { "exact mode is not available: \($0)" }
    }

    func jacobian(of formula: Formula, at point: Point) throws -> ModeResult {
        let x = try point.values.map { try exactNumber($0.text, what: "point value") }
        let constants = try formula.constants.map { try exactNumber($0.text, what: "constant") }
        // Forward mode costs one pass per input, reverse one sweep per output: the cheaper by
        // shape, as the floating-point modes choose (10,000 outputs took 70 s always in reverse).
        let mode: JacobianMode = formula.variables.count <= formula.outputs.count ? .forward : .reverse
        let r: ExactJacobian
        do {
            r = try exactJacobian(of: ExactFormula(formula: formula, constants: constants), at: x, mode: mode)
        } catch {
            // A domain error's inputs are the library's Doubles: 10⁻⁴⁰⁰/0 said "inputs: 0.0, 0.0".
            if case ADError.domain(_, _, let inputs, _) = error, inputs.contains(where: { $0 == 0 || !$0.isFinite }),
               let explained = ExactDiagnostics(formula, at: x, constants: constants)?.explain(error) {
                throw explained
            }
            throw error
        }
        var result = ModeResult(point: x.map(Cell.init), value: r.value.map(Cell.init),
                                jacobian: r.jacobian.map { $0.map(Cell.init) }, kinks: r.diagnostics.kinks,
                                passes: (r.mode.rawValue, r.passes))
        if r.diagnostics.kinks.contains(where: { $0.inputs.contains { $0 == 0 || !$0.isFinite } }),
           let exact = ExactDiagnostics(formula, at: x, constants: constants) {
            result.kinkDescriptions = r.diagnostics.kinks.map(exact.describe)
        }
        return result
    }

    /// A number as written (`3`, `-0.25`, `1e-3`, `1/3`, `0.5/3`) as an exact rational.
    func exactNumber(_ text: String, what: String) throws -> Rational {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        do {
            guard parts.count <= 2 else { throw JacFailure.invalid("\(what) '\(quoted(text))' has more than one '/'") }
            let p = try Rational.parse(parts[0].trimmingSpaces())
            guard parts.count == 2 else { return p }
            let q = try Rational.parse(parts[1].trimmingSpaces())
            guard !q.isZero else { throw JacFailure.invalid("\(what) '\(quoted(text))' divides by zero") }
            return p / q
        } catch let f as JacFailure {
            throw f
        } catch {
            // The bit limit is ours to raise, as for every other exact-mode limit.
            let hint = if case ADError.limitExceeded(let limited, _) = error, limited.hasPrefix("bit size") {
                " (JAC_EXACT_BIT_LIMIT raises the limit)"
            } else { "" }
            throw JacFailure.invalid("\(what) '\(quoted(text))' is not an exact number: \(error)\(hint)")
        }
    }
}

/// A formula with its literals given as exact rationals, lifted into whatever scalar type the
/// exact modes run it on (`Dual<Rational, Rational>`, `Reverse<Rational>`).
struct ExactFormula: ADFunction {
    let formula: Formula
    let constants: [Rational]
    var inputCount: Int? { formula.variables.count }
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
        formula.evaluate(x, constants: constants.map { $0.lifted() })
    }
}

/// The modes of `jac`, in the order `check` runs them.
enum ModeTable {
    // A non-rational formula must reach ExactEngine.unavailability before any evaluation, so
    // `--mode exact` on sin(x) exits 2 with "exact mode is not available: uses sin".
    static let engines: [any ModeEngine] = [
        CoreEngine(mode: .reverse),
        CoreEngine(mode: .forward),
        DifferenceEngine(method: .central, summary: "central finite differences with a balanced step"),
        DifferenceEngine(method: .richardson, summary: "Richardson-extrapolated central differences"),
        DifferenceEngine(method: .complexStep, summary: "complex-step differentiation, Im f(x + ih)/h"),
        ExactEngine(),
    ]

    /// Modes offered by `--mode` but not run by `check`: the adaptive difference is a cheaper
    /// estimate, not another independent witness next to Richardson.
    static let additional: [any ModeEngine] = [
        DifferenceEngine(method: .adaptive, summary: "third-order differences, step chosen per input from f"),
    ]

    static var names: [String] { (engines + additional).map(\.name) }

    static func engine(named name: String) -> (any ModeEngine)? {
        (engines + additional).first { $0.name == name }
    }
}

/// Runs `body` (a forward or reverse Jacobian of `formula` at `x`) and, when it fails because an
/// entry is not finite, names the entry as df/dx with its value and the singular point behind it.
///
/// The library's message names an entry by index ("non-finite Jacobian entry 0" in forward mode)
/// or an input and a tape node (reverse), and neither says why the other mode can print a number
/// at the same point: at √0 (√′ = +∞) a zero tangent or cotangent reaching the singular point
/// gives 0·∞, which each mode takes as 0 (a zero seed adds nothing), while a zero factor met
/// after it gives NaN. Forward and reverse meet the zeros in different orders, so
/// `sqrt(x^2 + y^2)` at (0, 0) is [0, 0] in forward mode and NaN in reverse, and `sqrt(x)*0 + y`
/// at x = 0 the other way round.
///
/// ```swift
/// try explainingNonFiniteEntries(f, at: [0, 1], mode: .forward) { try jacobian(of: f, at: [0, 1], mode: .forward) }
/// // throws: evaluation failed: df/dx is NaN in forward mode at a singular point: sqrt at 0.0, …
/// ```
func explainingNonFiniteEntries<R>(_ formula: Formula, at x: [Double], mode: JacobianMode,
                                   _ body: () throws -> R) throws -> R {
    do {
        return try body()
    } catch let error as ADError {
        guard case .nonFinite = error, let explained = explainNonFiniteEntry(error, formula, at: x, mode: mode) else { throw error }
        throw explained
    }
}

/// The clearer failure for ``explainingNonFiniteEntries(_:at:mode:_:)``, or nil when the outputs
/// themselves are not finite or no entry is (then the library's message stands).
private func explainNonFiniteEntry(_ error: ADError, _ formula: Formula, at x: [Double], mode: JacobianMode) -> JacFailure? {
    // The explanation recomputes the dense Jacobian: past this many entries (a sparse Jacobian's
    // failure at n = 10⁵, say) the library's message, which names the entry's row and column, stands.
    guard formula.outputs.count * formula.variables.count <= 1 << 22 else { return nil }
    // Unchecked, so the non-finite entries and the kinks touched come back instead of a throw.
    let jacobian: [[Double]]
    let diagnostics: EvaluationDiagnostics
    if mode == .forward {
        guard let r = try? forwardJacobian(of: { (d: [Dual<Double, SIMD8<Double>>]) in formula(d) }, at: x, checked: false)
        else { return nil }
        jacobian = r.jacobian; diagnostics = r.diagnostics
    } else {
        guard let rec = try? record({ formula($0) }, at: x), let j = try? rec.jacobian(checked: false) else { return nil }
        jacobian = j; diagnostics = rec.diagnostics
    }
    guard let i = jacobian.firstIndex(where: { $0.contains { !$0.isFinite } }),
          let j = jacobian[i].firstIndex(where: { !$0.isFinite }) else { return nil }
    let v = jacobian[i][j]
    let count = jacobian.joined().filter { !$0.isFinite }.count
    let entry = "d\(formula.outputNames[i])/d\(formula.variables[j])"
    var message = "evaluation failed: \(entry) is \(v.isNaN ? "NaN" : v > 0 ? "+∞" : "−∞") in \(mode.rawValue) mode"
        + (count > 1 ? " (and \(count - 1) more entr\(count == 2 ? "y" : "ies") not finite)" : "")
    let singular = diagnostics.kinks.filter { $0.op.info.convention?.contains("singular point") == true }
    if singular.first != nil, let why = underflowIntoSingularity(formula, at: x) {
        message += ": " + why
    } else if let k = singular.first {
        message += " at a singular point: \(k)" + (k.op.info.convention.map { " (\($0))" } ?? "")
        if v.isNaN {
            message += "; NaN is an undefined form there (0·∞), and the other mode, which meets the zero factors in another "
                + "order, may print a number: a convention, not a derivative (jac check compares the modes)"
        }
    } else {
        if case let .nonFinite(_, op?, _) = error { message += " (first produced by \(op))" }
        // An infinite entry of a finite derivative: a tangent or adjoint overflowed on the way.
        // The same pass with its seed scaled down by 2⁵⁰⁰ and by 2⁵⁰¹ shows it when both give
        // one nonzero value: scaling is exact while every value stays in the normal range, and a
        // pass that lost terms to underflow instead would not give a nonzero value twice. (x²/x³⁰⁷
        // at 10 in forward mode is not shown: its tangents span 10³⁰⁸ down to 10⁻³⁰⁴, more than
        // Double holds at any one seed, and the scaled-down passes gave 0.)
        let smaller = [0x1p-500, 0x1p-501].map { seededEntries(of: formula, at: x, mode: mode, jacobian: jacobian, seeds: [$0])[i][j] }
        if !v.isNaN, let a = smaller[0], let b = smaller[1], a == b, a != 0 {
            let smaller = a
            message += "; a tangent or adjoint on the way overflowed: the same pass seeded by 2⁻⁵⁰⁰ and by 2⁻⁵⁰¹ gives "
                + "\(format(smaller)), so the derivative itself is finite (jac check compares the modes)"
        }
    }
    return JacFailure(.evaluationFailure, message)
}

/// A number or name as an error message quotes it (see ``quotedForMessage(_:)``): a
/// 300,000-digit constant in exact mode was echoed whole, a 600 KB error line.
func quoted(_ text: String) -> String { quotedForMessage(text) }

/// An op on f's tape whose value left Double's range where its arguments did not: an op of
/// finite nonzero arguments whose value rounded to 0 or a subnormal (`underflow`), or a product,
/// quotient, power or exponential that rounded to ±∞. `text` names it with its arguments and, where
/// the op's exact size follows from them, about what it is exactly.
struct RangeExit {
    let node: Int
    let underflow: Bool
    let text: String
}

/// Every ``RangeExit`` on `rec`'s tape, in tape order.
///
/// A product, quotient, power or exponential is sized from its arguments (log₁₀ of its exact
/// magnitude), so a subnormal argument is fine. Any other op counts where its value is 0 or
/// subnormal while every argument is a normal nonzero number, unless the registry's facts say
/// that value is exact there: an affine op's (a sum or difference that lands below the normal
/// range is exact), one whose value is an argument up to sign (abs, max, min), and a 0 from an op
/// with kinks (relu's flat piece). sigmoid(−740) = 4.2·10⁻³²² was a subnormal no note named: the
/// list of ops was mul, square, div, powi, pow and exp.
func rangeExits(_ rec: Recording<Double>) -> [RangeExit] {
    let tape = rec.tape
    return (0..<tape.count).compactMap { k in
        guard let e = tape.entry(k) else { return nil }
        let args = e.inputs.compactMap { tape.entry($0)?.value }
        guard args.count == e.inputs.count, args.allSatisfy(\.isFinite) else { return nil }
        // log₁₀ of the exact value's magnitude, from the arguments (nil: not an op that can only
        // leave the range by rounding).
        let l: Double?
        switch e.op {
        case .mul where args.count == 2 && !args.contains(0): l = Double.log10(abs(args[0])) + Double.log10(abs(args[1]))
        case .square where args.count == 1 && args[0] != 0: l = 2 * Double.log10(abs(args[0]))
        case .div where args.count == 2 && !args.contains(0): l = Double.log10(abs(args[0])) - Double.log10(abs(args[1]))
        case .powi where args.count == 1 && args[0] != 0: l = Double(e.attribute) * Double.log10(abs(args[0]))
        case .pow where args.count == 2 && args[0] > 0: l = args[1] * Double.log10(args[0])
        case .exp where args.count == 1: l = args[0] / Double.log(10)
        default: return underflowOfAnyOp(e, args: args, node: k)
        }
        guard let l, l.isFinite else { return nil }
        let v = e.value
        let under = abs(v) < Double.leastNormalMagnitude && l < Double.log10(Double.leastNormalMagnitude)
        let over = !v.isFinite && l > Double.log10(Double.greatestFiniteMagnitude)
        guard under || over else { return nil }
        let exponent = l.rounded(.down)
        // exp(−1/x) at 10⁻¹⁰⁰ is about 10^(−4.3·10⁹⁹): an exponent that no Int holds (converting
        // it trapped), nor a mantissa that Double can resolve there.
        let size: String
        if Swift.abs(exponent) < 1e15 {
            let mantissa = (Double.pow(10, l - exponent) * 10).rounded() / 10
            size = "\(mantissa)e\(Int(exponent))"
        } else {
            size = "10^(\(format(l)))"
        }
        return RangeExit(node: k, underflow: under,
                         text: "\(rangeExitCall(e, args)) at node \(k) is about \(size), which Double rounds to \(format(v))")
    }
}

/// How a ``RangeExit`` names its op and arguments: x^n for powi, name(arguments) otherwise.
func rangeExitCall(_ e: TapeEntry<Double>, _ args: [Double]) -> String {
    e.op == .powi ? "\(format(args[0]))^\(e.attribute)" : "\(e.name)(" + args.map(format).joined(separator: ", ") + ")"
}

/// The underflow of an op whose exact size ``rangeExits(_:)`` does not compute, read off the
/// registry's facts about it (see there); nil where there is none.
func underflowOfAnyOp(_ e: TapeEntry<Double>, args: [Double], node k: Int) -> RangeExit? {
    let v = e.value
    guard !args.isEmpty, e.op != .custom, Swift.abs(v) < Double.leastNormalMagnitude,
          args.allSatisfy({ $0.isNormal }), e.op.info.linearity != .affine,
          !args.contains(where: { Swift.abs($0) == Swift.abs(v) }) else { return nil }
    if v == 0, case .kinks = e.op.info.smoothness { return nil }
    return RangeExit(node: k, underflow: true, text: "\(rangeExitCall(e, args)) at node \(k) rounds to \(format(v)) in Double")
}

/// Where a singular point (√ at 0) that f's Double evaluation at x reaches is reached only
/// because an intermediate upstream underflowed to 0: the words that say so, or nil. √(x² + y²)
/// at x = y = 10⁻²⁰⁰ has x² = 10⁻⁴⁰⁰, 0 in Double, and jac said its derivative failed "at a
/// singular point: sqrt at 0.0", and jac diff that it was "not defined" there: the point given
/// is not √'s singular point (the gradient is (1/√2, 1/√2), by hand).
func underflowIntoSingularity(_ f: Formula, at x: [Double]) -> String? {
    guard let rec = Diagnostics.quietly({ try? record({ f($0) }, at: x, finiteOutputs: false) }) else { return nil }
    let tape = rec.tape
    let exits = rangeExits(rec).filter { $0.underflow }
    guard !exits.isEmpty else { return nil }
    for k in 0..<tape.count {
        guard let e = tape.entry(k), isSingularConvention(e.op) else { continue }
        let args = e.inputs.compactMap { tape.entry($0)?.value }
        guard args.count == e.inputs.count, Rules.kinkDistance(e.op, args.first ?? 0, args.count > 1 ? args[1] : 0) == 0 else { continue }
        // The nodes upstream of the singular one (tape order is topological).
        var upstream = Set(e.inputs)
        for m in stride(from: k - 1, through: 0, by: -1) where upstream.contains(m) {
            upstream.formUnion(tape.entry(m)?.inputs ?? [])
        }
        guard let cause = exits.first(where: { upstream.contains($0.node) }) else { continue }
        return "\(e.name) (node \(k)) reaches its singular point in Double only because \(cause.text), below Double's range: "
            + "at the point given its argument is not \(format(args.first ?? 0)), so the point is not \(e.name)'s singular point, "
            + "and the derivative there may be finite, but Double cannot compute it at this point"
    }
    return nil
}

/// The kinks f's Double evaluation at x reaches only because a value on the way to the op's
/// argument underflowed to 0 (``UnderflowKink``): relu(x^4) at 1e-100 printed relu's convention
/// 0 for f′ = 4e-300, reliable within a bound of 0. Empty where f cannot be recorded at x.
func underflowKinks(_ f: Formula, at x: [Double]) -> [UnderflowKink] {
    guard x.count == f.variables.count,
          let rec = Diagnostics.quietly({ try? record({ f($0) }, at: x, finiteOutputs: false) }) else { return [] }
    return underflowKinks(recording: rec)
}

/// The entries of f's Jacobian that a kink reached only by an underflow to 0 decides
/// (``underflowKinks(_:at:)``), each with the first such kink's words, held by entry: `jac jacobian
/// --sparse` of relu(xᵢ⁴) over 500 variables at 10⁻¹⁰⁰ spent 109 s (debug build) filling a
/// 500 × 500 table, each cell scanning every kink, for 500 entries. Built kink by kink, it costs the
/// entries the kinks reach.
///
/// ```swift
/// let f = try Formula(parsing: "f(x, y) = relu(x^4); y")
/// underflowKinkEntries(f, at: [1e-100, 1])?[0, 0]   // "relu (node 3) is at its kink … only because powi (node 2) …"
/// underflowKinkEntries(f, at: [1e-100, 1])?[1, 1]   // nil
/// ```
struct UnderflowKinkEntries {
    /// Per output, per input, the words of the first kink (in tape order) that decides the entry.
    private var byOutput: [Int: [Int: String]] = [:]

    init(_ kinks: [UnderflowKink], outputs m: Int, inputs n: Int) {
        for kink in kinks {
            for i in kink.outputs where i >= 0 && i < m {
                for j in kink.inputs where j >= 0 && j < n && byOutput[i]?[j] == nil {
                    byOutput[i, default: [:]][j] = kink.description
                }
            }
        }
    }

    /// Entry (i, j)'s kink, or nil where none decides it.
    subscript(i: Int, j: Int) -> String? { byOutput[i]?[j] }

    /// Every entry a kink decides, row by row, with its kink's words.
    var entries: [(i: Int, j: Int, why: String)] {
        byOutput.keys.sorted().flatMap { i in
            (byOutput[i] ?? [:]).sorted { $0.key < $1.key }.map { (i, $0.key, $0.value) }
        }
    }
}

/// The entries of f's Jacobian at x that a kink reached only by an underflow to 0 decides
/// (``UnderflowKinkEntries``), or nil where there is no such kink.
func underflowKinkEntries(_ f: Formula, at x: [Double]) -> UnderflowKinkEntries? {
    let kinks = underflowKinks(f, at: x)
    guard !kinks.isEmpty else { return nil }
    return UnderflowKinkEntries(kinks, outputs: f.outputs.count, inputs: f.variables.count)
}

/// Why the Hessian failed as not finite where its `op` at `node` is smooth: the words that say a
/// second-order term there overflowed, or nil where the op is at its kink or singular point (pow
/// at (0, 1), whose mixed partial is unbounded: no Hessian exists there) or cannot be found.
/// x·log x at 10⁻³⁰⁰ failed as "non-finite Hessian-vector product entry 0: first produced by
/// log", where f″ = 1/x = 10³⁰⁰ (by hand) and log″ = −1/x² = −10⁶⁰⁰ overflowed.
func secondOrderOverflow(_ f: Formula, at x: [Double], op: String, node: Int?) -> String? {
    guard let node, let rec = Diagnostics.quietly({ try? record({ f($0) }, at: x, finiteOutputs: false) }),
          let e = rec.tape.entry(node), e.name == op else { return nil }
    let args = e.inputs.compactMap { rec.tape.entry($0)?.value }
    guard args.count == e.inputs.count, args.allSatisfy(\.isFinite) else { return nil }
    if let d = Rules.kinkDistance(e.op, args.first ?? 0, args.count > 1 ? args[1] : 0), d == 0 { return nil }
    return "a second-order term of \(op) at node \(node) (at " + args.map(format).joined(separator: ", ")
        + ", not a kink or singular point of it) overflowed Double's range, also with the direction scaled down by up to 2^-1000"
}

/// The first underflow on `rec`'s tape (``rangeExits(_:)``) that can move an output by more than
/// ε of itself (or than the least subnormal, its own spacing there): half the least subnormal at
/// most is lost where a result rounds into or below the subnormal range, times the output's
/// sensitivity to it (+∞ through √ at 0). exp(−1000) + 1 underflows harmlessly, and so does
/// 1/(1 + e⁷⁰⁹) = 1.2·10⁻³⁰⁸, a subnormal that keeps its digits; √(x² + y²) at 10⁻²⁰⁰ does not.
func underflowThatMatters(_ rec: Recording<Double>) -> String? {
    let exits = rangeExits(rec).filter(\.underflow)
    guard !exits.isEmpty else { return nil }
    for output in rec.outputs {
        let f = Swift.abs(output.value)
        let sensitivity = rec.tape.nodeCotangents(from: [(output, 1.0)])
        for exit in exits where exit.node < sensitivity.count {
            let moved = Swift.abs(sensitivity[exit.node]) * Double.leastNonzeroMagnitude / 2
            if !(moved <= Swift.max(Double.ulpOfOne * f, Double.leastNonzeroMagnitude)) { return exit.text }
        }
    }
    return nil
}
