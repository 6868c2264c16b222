#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Adjoint

/// One number of a result: a Double (floating modes) or an exact rational written `p` or `p/q`.
enum Cell: Equatable {
    case double(Double)
    case exact(String)

    /// A Double for comparisons across modes (exact cells are converted approximately).
    var approximate: Double {
        switch self {
        case .double(let d): return d
        case .exact(let s):
            let parts = s.split(separator: "/")
            guard let first = parts.first, let p = Double(String(first)) else { return .nan }
            return parts.count == 2 ? p / (Double(String(parts[1])) ?? .nan) : p
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
}

/// A way of computing a Jacobian. Each `--mode` value is one entry of ``ModeTable``; adding a mode
/// is adding an engine there, nothing else in the CLI changes.
protocol ModeEngine: Sendable {
    /// The `--mode` name.
    var name: String { get }
    /// One line for `--help`.
    var summary: String { get }
    /// Why this engine cannot run `formula` (status 2), or nil when it can.
    func unavailability(for formula: Formula) -> String?
    /// The value and Jacobian at `point`; throws ADError on evaluation failure.
    func jacobian(of formula: Formula, at point: Point) throws -> ModeResult
    /// How far this mode may sit from the reference in `check`: |a − r| ≤ tolerance · max(1, |r|).
    var checkTolerance: Double { get }
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
        let r = try Adjoint.jacobian(of: formula, at: point.doubles, mode: mode)
        return ModeResult(point: point.doubles.map(Cell.double), value: r.value.map(Cell.double),
                          jacobian: r.jacobian.map { $0.map(Cell.double) }, kinks: r.diagnostics.kinks)
    }
    // Forward and reverse apply the same registry rules and differ only in the order partial
    // products are summed, so they agree to rounding; 1e-10 leaves room for cancellation.
    var checkTolerance: Double { 1e-10 }
}

/// A mode whose module is being written in parallel; it exits with status 2 until wired.
struct PendingEngine: ModeEngine {
    let name: String
    let summary: String
    /// Formula-dependent reasons known already (exact mode needs a rational formula).
    var formulaObstacle: @Sendable (Formula) -> String? = { _ in nil }
    func unavailability(for formula: Formula) -> String? {
        formulaObstacle(formula) ?? "mode '\(name)' is not available in this build yet"
    }
    func jacobian(of formula: Formula, at point: Point) throws -> ModeResult {
        throw JacFailure.notAvailable("mode '\(name)'")
    }
    var checkTolerance: Double { 0 }
}

/// The modes of `jac`, in the order `check` runs them.
enum ModeTable {
    // WIRING POINT for the lead: replace each PendingEngine with the real engine once its module
    // is merged (central / richardson / complex-step from AdjointCheck, exact from AdjointExact).
    // Keep `exactObstacle` first in the exact engine's `unavailability` so a non-rational formula
    // still exits 2 with "exact mode is not available: uses sin".
    static let engines: [any ModeEngine] = [
        CoreEngine(mode: .reverse),
        CoreEngine(mode: .forward),
        PendingEngine(name: "central", summary: "central finite differences with a balanced step"),
        PendingEngine(name: "richardson", summary: "Richardson-extrapolated finite differences"),
        PendingEngine(name: "complex-step", summary: "complex-step differentiation"),
        PendingEngine(name: "exact", summary: "exact rational arithmetic (rational formulas only)",
                      formulaObstacle: { f in f.exactObstacle.map { "exact mode is not available: \($0)" } }),
    ]

    static var names: [String] { engines.map(\.name) }

    static func engine(named name: String) -> (any ModeEngine)? {
        engines.first { $0.name == name }
    }

    /// The reference of `check`: exact when it can run the formula, else reverse.
    static func reference(for formula: Formula) -> any ModeEngine {
        if let exact = engine(named: "exact"), exact.unavailability(for: formula) == nil { return exact }
        return CoreEngine(mode: .reverse)
    }
}

/// TEMPORARY WITNESS, to be removed when AdjointCheck's `central` engine is wired: a plain
/// central difference so `check` has an independent (non-AD) mode to compare today. Not a
/// `--mode` value. Step h = ∛ε · max(1, |x|) balances truncation error (∝ h²) against rounding
/// (∝ ε/h); the result is accurate to about ε^(2/3) ≈ 4e-11 relative for tame functions.
struct TemporaryCentralWitness: ModeEngine {
    var name: String { "central-witness" }
    var summary: String { "TEMPORARY plain central difference (until AdjointCheck is wired)" }
    func unavailability(for formula: Formula) -> String? { nil }
    func jacobian(of formula: Formula, at point: Point) throws -> ModeResult {
        let x = point.doubles
        let f0 = try value(of: formula, at: x)
        var columns: [[Double]] = []
        for j in x.indices {
            let h = cbrt(Double.ulpOfOne) * Swift.max(1, Swift.abs(x[j]))
            var xp = x, xm = x
            xp[j] += h; xm[j] -= h
            let fp = try value(of: formula, at: xp), fm = try value(of: formula, at: xm)
            // Divide by the step actually taken (x + h may round).
            columns.append(zip(fp, fm).map { ($0 - $1) / (xp[j] - xm[j]) })
        }
        let jac = f0.indices.map { i in x.indices.map { j in Cell.double(columns[j][i]) } }
        return ModeResult(point: x.map(Cell.double), value: f0.map(Cell.double), jacobian: jac)
    }
    var checkTolerance: Double { 1e-6 }
}

/// Singular values, rank, condition number and determinant of a Jacobian (`--analyze`).
struct JacobianAnalysis {
    var singularValues: [Double]
    var rank: Int
    var conditionNumber: Double
    /// Only for square Jacobians.
    var determinant: Double?
}

/// WIRING POINT for the lead: set to AdjointLinalg's analysis once merged, e.g.
/// `{ j in let a = try analyze(Matrix(rows: j)); return JacobianAnalysis(...) }`.
/// While nil, `--analyze` exits 2 with "--analyze is not available in this build yet".
let jacobianAnalyzer: (@Sendable ([[Double]]) throws -> JacobianAnalysis)? = nil
