// The bodies of the libFuzzer targets (Fuzz/, `make fuzz`) and of the corpus replay in the test
// suite: one file, compiled into both (Fuzz/Sources/*/FuzzHarness.swift are links to it), so a
// corpus input means the same thing in either place.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Adjoint

/// What a fuzz input must never do besides crashing: each function returns a description of the
/// broken invariant, or nil. Bad input is fine; a wrong or silent answer is not.
enum FuzzHarness {
    /// Bounds that keep one input's work small, so the fuzzer explores instead of waiting.
    static let maxSourceBytes = 4096
    static let maxVariables = 6
    static let maxNodes = 400

    /// Any bytes as a formula: parsing either succeeds with a well-formed graph or throws
    /// `FormulaError` (never another error, never a crash, never recursion that overflows the
    /// stack on deep nesting).
    static func parse(_ data: [UInt8]) -> String? {
        guard data.count <= maxSourceBytes else { return nil }
        let source = String(decoding: data, as: UTF8.self)
        let formula: Formula
        do {
            formula = try Formula(parsing: source)
        } catch is FormulaError {
            return nil
        } catch {
            return "parse threw a non-FormulaError: \(error)"
        }
        for (k, node) in formula.nodes.enumerated() where node.op != .input && node.op != .constant {
            if node.a >= k || node.b >= k || node.a < 0 || node.b < 0 {
                return "node \(k) (\(node.op.info.name)) refers to a later or negative node"
            }
        }
        if Set(formula.variables).count != formula.variables.count { return "duplicate variables \(formula.variables)" }
        if formula.outputs.isEmpty { return "a formula without outputs parsed" }
        if let bad = formula.outputs.first(where: { $0 < 0 || $0 >= formula.nodes.count }) {
            return "output node \(bad) out of range"
        }
        return nil
    }

    /// "formula\npoint": the formula through every mode at the point (values from the text, or
    /// from the bytes when the line is not a point). Checks: typed errors only; forward and
    /// reverse agree, and the Hessian is symmetric, where no kink was touched;
    /// complex step agrees with reverse on analytic formulas; exact mode agrees with the Double
    /// modes on rational ones; `checkJacobian` returns a report.
    static func evaluate(_ data: [UInt8]) -> String? {
        guard data.count <= maxSourceBytes else { return nil }
        let text = String(decoding: data, as: UTF8.self)
        let lines = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
        guard let formula = try? Formula(parsing: String(lines[0])),
              formula.variables.count <= maxVariables, formula.nodes.count <= maxNodes else { return nil }
        let n = formula.variables.count
        let x = point(lines.count > 1 ? String(lines[1]) : "", count: n, seed: data)

        // Reverse mode is the reference; any error must be a typed ADError.
        let reverse: JacobianResult<Double>
        do {
            reverse = try jacobian(of: formula, at: x, mode: .reverse)
        } catch is ADError {
            return nil
        } catch {
            return "reverse mode threw a non-ADError: \(error)"
        }
        let forward: JacobianResult<Double>
        do {
            forward = try jacobian(of: formula, at: x, mode: .forward)
        } catch {
            // Where an intermediate overflowed or nearly did (|v| > 1e150, so a tangent or a
            // product of two can overflow), ∞·0 turns up in different places in the two modes
            // (forward mode carries tangents even through constants, and multiplies them in
            // another order): one of them failing is expected there; anywhere else it is a defect.
            if case ADError.nonFinite = error, hasNearOverflowIntermediate(formula, at: x) { return nil }
            return "reverse mode succeeded but forward mode threw \(error) at \(x)"
        }
        let clean = reverse.diagnostics.kinks.isEmpty
        for (i, (rowR, rowF)) in zip(reverse.jacobian, forward.jacobian).enumerated() {
            // Both modes sum the same partial products in different orders: their difference is
            // rounding of the largest terms, which can exceed the entry (terms cancelling, as in
            // ∂/∂p of y/p·p). |fᵢ|/|xⱼ| bounds the size of such terms for products and quotients.
            let rowScale = (rowR + rowF).filter(\.isFinite).map { Swift.abs($0) }.max() ?? 0
            for (j, (r, f)) in zip(rowR, rowF).enumerated() {
                let termScale = Swift.abs(reverse.value[i]) / Swift.max(Swift.abs(x[j]), 1e-300)
                let scale = Swift.max(rowScale, termScale.isFinite ? termScale : 0)
                if !close(r, f, 1e-9) && !(r.isFinite && f.isFinite && Swift.abs(r - f) <= 1e-9 * scale) {
                    return "forward \(f) and reverse \(r) differ at (\(i), \(j)) for \(formula.source) at \(x)"
                }
            }
        }
        // Forward-over-reverse Hessians are symmetric up to rounding (second partials commute).
        if formula.outputs.count == 1, n > 1, clean, let h = try? hessian(of: formula, at: x) {
            // Rounding is relative to the largest second derivatives, not to the entry.
            let scale = h.joined().filter(\.isFinite).map { Swift.abs($0) }.max() ?? 0
            for i in 0..<n {
                for j in 0..<i where !close(h[i][j], h[j][i], 1e-8)
                    && !(h[i][j].isFinite && h[j][i].isFinite && Swift.abs(h[i][j] - h[j][i]) <= 1e-8 * scale) {
                    return "Hessian not symmetric: H[\(i)][\(j)] = \(h[i][j]), H[\(j)][\(i)] = \(h[j][i]) for \(formula.source) at \(x)"
                }
            }
        }
        // Complex step: where every op is analytic it must match to a few ulps times the
        // condition of the sum; kinks and unsupported ops are skipped by the engine.
        if clean, let cs = try? differenceJacobian(of: formula, at: x, method: .complexStep), cs.unsupported == nil {
            for (i, row) in cs.entries.enumerated() {
                for (j, e) in row.enumerated() where e.warnings.isEmpty && e.value.isFinite {
                    let r = reverse.jacobian[i][j]
                    // Reverse mode's rounding is relative to the terms it sums, which cancel to
                    // far less than themselves in y/y or p·…/p (|fᵢ|/|xⱼ| bounds such terms).
                    let termScale = Swift.abs(reverse.value[i]) / Swift.max(Swift.abs(x[j]), 1e-300)
                    let scale = Swift.max(1, Swift.abs(r), termScale.isFinite ? termScale : 0)
                    if Swift.abs(e.value - r) > 4 * e.errorEstimate + 1e-8 * scale {
                        return "complex step \(e.value) (± \(e.errorEstimate)) and reverse \(r) differ at (\(i), \(j)) for \(formula.source) at \(x)"
                    }
                }
            }
        }
        // Exact mode at the same Doubles, constants as their Doubles: the true derivative of
        // the function the float modes evaluate, so reverse mode must be within rounding.
        if formula.isRational, clean {
            let exactFormula = ExactConstants(formula: formula)
            if let e = try? Rational.withWorkLimit(1 << 16, { try exactJacobian(of: exactFormula, at: x) }) {
                for (i, row) in e.jacobian.enumerated() {
                    for (j, q) in row.enumerated() where q.doubleValue.isFinite && !close(reverse.jacobian[i][j], q.doubleValue, 1e-6) {
                        // Rounding can be amplified by cancellation; only gross differences count.
                        if Swift.abs(q.doubleValue) > 1e-300 && reverse.value.allSatisfy({ Swift.abs($0) < 1e12 }) {
                            return "exact \(q) and reverse \(reverse.jacobian[i][j]) differ at (\(i), \(j)) for \(formula.source) at \(x)"
                        }
                    }
                }
            }
        }
        do {
            var options = CheckOptions()
            options.ladder = [.differences(.central), .differences(.richardson)]
            options.directionSeed = nil
            _ = try checkJacobian(of: formula, at: x, options: options)
        } catch {
            return "checkJacobian threw \(error) for \(formula.source) at \(x)"
        }
        return nil
    }

    /// Whether any node of the formula is NaN, infinite or beyond 1e150 in magnitude at x
    /// (evaluated in Double, node by node).
    static func hasNearOverflowIntermediate(_ formula: Formula, at x: [Double]) -> Bool {
        var v: [Double] = []
        for node in formula.nodes {
            switch node.op {
            case .input: v.append(x[node.n])
            case .constant: v.append(formula.constants[node.n].value)
            default: v.append(Diagnostics.collect { Rules.primal(node.op, v[node.a], v[node.b], node.n) }.result)
            }
            if let last = v.last, !(Swift.abs(last) <= 1e150) { return true }
        }
        return false
    }

    /// Equal within a relative tolerance, or both the same non-finite value.
    static func close(_ a: Double, _ b: Double, _ tol: Double) -> Bool {
        if a.isNaN || b.isNaN { return a.isNaN && b.isNaN }
        if a.isInfinite || b.isInfinite { return a == b }
        return Swift.abs(a - b) <= tol * Swift.max(1, Swift.abs(a), Swift.abs(b))
    }

    /// The point: comma-separated numbers from the second line when they parse, else values
    /// drawn from the input's hash (so every input has a point, and the same one every time).
    static func point(_ line: String, count n: Int, seed data: [UInt8]) -> [Double] {
        let given = line.split(separator: ",").compactMap { Double($0.filter { $0 != " " }) }.filter(\.isFinite)
        if given.count >= n { return Array(given.prefix(n)) }
        var h: UInt64 = 0xcbf29ce484222325
        for b in data { h = (h ^ UInt64(b)) &* 0x100000001b3 }
        var rng = SeededGenerator(seed: h)
        return (0..<n).map { k in k < given.count ? given[k] : (rng.nextUnit() * 6 - 3) }
    }
}

/// A formula whose literals are lifted into the scalar type from their Doubles (not their
/// decimal text), so exact mode evaluates the very function the Double modes do.
struct ExactConstants: ADFunction {
    let formula: Formula
    var inputCount: Int? { formula.variables.count }
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
        formula.evaluate(x, constants: formula.constants.map { T($0.value) })
    }
}
