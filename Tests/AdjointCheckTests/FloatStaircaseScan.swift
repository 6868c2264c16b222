import AdjointCore
import AdjointFormula
import Foundation
import XCTest
@testable import AdjointCheck

/// The scan behind WideTreadsTests (WideTreads.swift): Richardson and the adaptive method on Float
/// closures computed through an intermediate rounded near 1 ((eˣ − 1)/x, (1 − cos x)/x²,
/// log(1 + x)/x, √(1 + x) − 1) at 200 points 10⁻⁸ to 10⁻² (Tests/Data/float-staircase-scan.tsv,
/// written by scripts/float_staircase_scan_reference.py with mpmath), against the derivative of
/// the real f; then ordinary Float closures (sin(x)·y, exp(x)/y) at seeded points, where no
/// estimate should be warned, and Float closures with a feature on the scale of the noise audit's
/// widest spacing (sin(1000x), tanh(1000(x − 0.5)), cos(300x)·x), which the wide-tread test must
/// not take for treads. An unwarned miss is an estimate without a warning whose error bound does
/// not cover the derivative. Seconds in a debug build, so it runs only with
/// ADJOINT_FLOAT_STAIRCASE_SCAN=1; =all prints every row; ADJOINT_FLOAT_STAIRCASE_DATA names
/// another file of the same form (the script's `SEED COUNT` arguments write one).
///
/// One feature miss is known and not yet fixed: Richardson on sin(1000x) at 1.4894396 gives
/// 970.5 ± 0.44 for 947.75. 1000·ulp(x) = 1.192·10⁻⁴ is just below ulp(1000x) = 1.221·10⁻⁴, so
/// fl(1000x) climbs exactly one ulp per ulp of x for about 42 ulps of x at a time and then
/// stands still once: f as computed is sin(1024·x + c) on each such run, and every step within
/// one (Richardson settled at 4 ulps, reaching 8) reads 1024·cos = 970.5. The noise audit's finest
/// spacing (1.4·10⁻⁵) sees the teeth as σ = 4.4·10⁻⁵, but its next (1.8·10⁻³) spans the sine's
/// period, so nothing is confirmed; the slope ladder's first rung to span a tooth (4.7·10⁻⁶) reads
/// it with an error of 26, above 10⁻³ of f′, and the ladder stops there. Its rungs above read
/// 946.1 ± 2.9 and closer, but letting the ladder climb on when its error shrinks (tried) also
/// widened right tanh(1000(x − 0.5)) estimates from ± 0.036 to ± 124, its tableau past the
/// asymptotic range.
final class FloatStaircaseScan: XCTestCase {
    struct Row { let formula: String, x: Float, derivative: Double }

    static func rows() throws -> [Row] {
        let path = ProcessInfo.processInfo.environment["ADJOINT_FLOAT_STAIRCASE_DATA"]
            ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent()
                .appendingPathComponent("../Data/float-staircase-scan.tsv").standardized.path
        return try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").dropFirst(2).compactMap { line in
            let c = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard c.count == 3, let x = Double(c[1]), let d = Double(c[2]) else { return nil }
            return Row(formula: c[0], x: Float(x), derivative: d)
        }
    }

    func testScan() throws {
        let mode = ProcessInfo.processInfo.environment["ADJOINT_FLOAT_STAIRCASE_SCAN"]
        guard mode == "1" || mode == "all" else { throw XCTSkip("set ADJOINT_FLOAT_STAIRCASE_SCAN=1 to run the scan") }
        typealias Tally = SingularityScan.Tally
        var tallies: [String: Tally] = [:]
        for row in try Self.rows() {
            let f = try Formula(parsing: row.formula)
            for method in [DifferenceMethod.richardson, .adaptive] {
                let d = try differenceJacobian(evaluating: { (x: [Float]) in f(x) }, at: [row.x], method: method)
                let e = d.entries[0][0]
                let key = "\(method.rawValue) \(row.formula)"
                let miss = tallies[key, default: Tally()].add(e, truth: row.derivative, evaluations: d.evaluations)
                if miss || mode == "all" {
                    let off = Swift.abs(e.value - row.derivative)
                    print("FSCAN " + "\(miss ? "MISS" : "row") \(key) x = \(row.x): \(e.value) ± \(e.errorEstimate) "
                                 + "\(e.warnings.map(\.rawValue)) step \(e.step), true \(row.derivative), "
                                 + "off \(off / Swift.max(e.errorEstimate, .leastNormalMagnitude))× the estimate, \(d.evaluations) evaluations")
                }
            }
        }
        for (k, t) in tallies.sorted(by: { $0.key < $1.key }) { print("FSCAN TOTAL \(k): \(t.line)") }
        // Ordinary Float closures at ordinary points: unwarned and tight, at their usual cost. The
        // truth is the hand derivative in Double at the Float point (far inside any Float estimate).
        let ordinary: [(String, ([Float]) -> [Float], ([Double]) -> [Double])] = [
            ("sin(x)*y", { [Float.sin($0[0]) * $0[1]] }, { [Foundation.cos($0[0]) * $0[1], Foundation.sin($0[0])] }),
            ("exp(x)/y", { [Float.exp($0[0]) / $0[1]] }, { [Foundation.exp($0[0]) / $0[1], -Foundation.exp($0[0]) / ($0[1] * $0[1])] }),
        ]
        var rng = SeededGenerator(seed: 45)
        var ordinaryTallies: [String: Tally] = [:]
        for (name, f, g) in ordinary {
            for _ in 0..<50 {
                let x = [Float(0.25 + 2.75 * rng.nextUnit()), Float(0.5 + 3.5 * rng.nextUnit())]
                let truth = g(x.map(Double.init))
                for method in [DifferenceMethod.richardson, .adaptive] {
                    let d = try differenceJacobian(evaluating: f, at: x, method: method)
                    for j in 0..<2 {
                        let e = d.entries[0][j]
                        let key = "\(method.rawValue) \(name)"
                        if ordinaryTallies[key, default: Tally()].add(e, truth: truth[j], evaluations: j == 0 ? d.evaluations : 0)
                            || !e.warnings.isEmpty || mode == "all" {
                            print("FSCAN ordinary " + "\(key) at \(x) [\(j)]: \(e.value) ± \(e.errorEstimate) \(e.warnings.map(\.rawValue)), true \(truth[j]), \(d.evaluations) evaluations")
                        }
                    }
                }
            }
        }
        for (k, t) in ordinaryTallies.sorted(by: { $0.key < $1.key }) { print("FSCAN TOTAL ordinary \(k): \(t.line)") }
        // Features of f on the scale of the audit's widest spacing in Float (1.2·10⁻³): its table
        // reads them as noise, as it reads treads, but they are f's own and the small-step slope
        // is f′. Warned estimates here are lost answers; "tight" ones are within 10⁻³ of f′.
        let features: [(String, (Double) -> Double, (Double) -> Double)] = [
            ("sin(1000*x)", { 0.1 + 2 * $0 }, { 1000 * Foundation.cos(1000 * $0) }),
            ("tanh(1000*(x-0.5))", { 0.495 + 0.01 * $0 }, { let c = Foundation.cosh(1000 * ($0 - 0.5)); return 1000 / (c * c) }),
            ("cos(300*x)*x", { 0.1 + 2 * $0 }, { -300 * Foundation.sin(300 * $0) * $0 + Foundation.cos(300 * $0) }),
        ]
        for (formula, point, derivative) in features {
            let f = try Formula(parsing: formula)
            var tally: [String: Tally] = [:]
            var tight: [String: Int] = [:]
            for _ in 0..<40 {
                let x = Float(point(rng.nextUnit()))
                let truth = derivative(Double(x))
                for method in [DifferenceMethod.richardson, .adaptive] {
                    let d = try differenceJacobian(evaluating: { (v: [Float]) in f(v) }, at: [x], method: method)
                    let e = d.entries[0][0]
                    let miss = tally[method.rawValue, default: Tally()].add(e, truth: truth, evaluations: d.evaluations)
                    if e.warnings.isEmpty && !miss && e.errorEstimate <= 1e-3 * Swift.abs(truth) { tight[method.rawValue, default: 0] += 1 }
                    if miss || mode == "all" {
                        print("FSCAN feature \(miss ? "MISS" : "row") \(method.rawValue) \(formula) x = \(x): \(e.value) ± \(e.errorEstimate) "
                              + "\(e.warnings.map(\.rawValue)), true \(truth), \(d.evaluations) evaluations")
                    }
                }
            }
            for (k, t) in tally.sorted(by: { $0.key < $1.key }) {
                print("FSCAN TOTAL feature \(k) \(formula): \(t.line), \(tight[k, default: 0]) tight")
            }
        }
    }
}
