import AdjointCore
import AdjointFormula
import Foundation
import XCTest
@testable import AdjointCheck

/// The scan behind RoundingSawtoothTests: Richardson and the adaptive method at 400 points 10⁻¹²
/// to 10⁻² from the poles and roots of six rational functions (Tests/Data/singularity-scan.tsv,
/// written by scripts/singularity_scan_reference.py with exact Fractions), on f as a closure on
/// real arrays (the noise audit's path) and through f's tape, with the evaluations each spent;
/// then the same methods on ordinary functions at ordinary points, where no estimate should be
/// warned. An unwarned miss is an estimate without a warning whose error bound does not cover the
/// exact derivative. Seconds of CPU in a debug build, so it runs only with
/// ADJOINT_SINGULARITY_SCAN=1; ADJOINT_SINGULARITY_SCAN=all prints every row.
final class SingularityScan: XCTestCase {
    struct Row { let formula: String, point: String, distance: String, x: Double, derivative: Double }

    static func rows() throws -> [Row] {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../Data/singularity-scan.tsv").standardized.path
        return try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").dropFirst(2).compactMap { line in
            let c = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard c.count == 5, let x = Double(c[3]), let d = Double(c[4]) else { return nil }
            return Row(formula: c[0], point: c[1], distance: c[2], x: x, derivative: d)
        }
    }

    struct Tally {
        var points = 0, misses = 0, warned = 0, evaluations = 0
        /// Unwarned estimates wider than 5% of the truth: what the check would call inconclusive.
        var loose = 0
        mutating func add(_ e: DifferenceEstimate, truth: Double, evaluations n: Int) -> Bool {
            points += 1
            evaluations += n
            if !e.warnings.isEmpty { warned += 1; return false }
            if e.errorEstimate > 0.05 * Swift.abs(truth) { loose += 1 }
            if Swift.abs(e.value - truth) <= e.errorEstimate { return false }
            misses += 1
            return true
        }
        var line: String { "\(points) points, \(misses) unwarned misses, \(warned) warned, \(loose) unwarned wider than 5%, \(evaluations) evaluations" }
    }

    func testScan() throws {
        let mode = ProcessInfo.processInfo.environment["ADJOINT_SINGULARITY_SCAN"]
        guard mode == "1" || mode == "all" else { throw XCTSkip("set ADJOINT_SINGULARITY_SCAN=1 to run the scan") }
        var tallies: [String: Tally] = [:]
        var lines: [String] = []
        for row in try Self.rows() {
            let f = try Formula(parsing: row.formula)
            for method in [DifferenceMethod.richardson, .adaptive] {
                for path in ["closure", "tape"] {
                    let d = path == "closure"
                        ? try differenceJacobian(evaluating: { f($0) }, at: [row.x], method: method)
                        : try differenceJacobian(of: f, at: [row.x], method: method)
                    let e = d.entries[0][0]
                    let key = "\(method.rawValue) \(path)"
                    let miss = tallies[key, default: Tally()].add(e, truth: row.derivative, evaluations: d.evaluations)
                    if miss || mode == "all" {
                        let off = Swift.abs(e.value - row.derivative)
                        lines.append("\(miss ? "MISS" : "row") \(key) \(row.formula) \(row.point) \(row.distance) x = \(row.x): "
                                     + "\(e.value) ± \(e.errorEstimate) \(e.warnings.map(\.rawValue)) step \(e.step), "
                                     + "true \(row.derivative), off \(off) (\(off / Swift.max(e.errorEstimate, .leastNormalMagnitude))× the estimate), \(d.evaluations) evaluations")
                    }
                }
            }
        }
        for l in lines { print("SCAN " + l) }
        for (k, t) in tallies.sorted(by: { $0.key < $1.key }) { print("SCAN TOTAL near singularities \(k): \(t.line)") }
        // Ordinary functions at ordinary points: estimates should be unwarned and tight here, and
        // cost what they did. The truth is the hand derivative evaluated in Double (a few ulps,
        // far inside any estimate).
        let ordinary: [(String, ([Double]) -> [Double], ([Double]) -> [Double])] = [
            ("sin(x)*y", { [sin($0[0]) * $0[1]] }, { [cos($0[0]) * $0[1], sin($0[0])] }),
            ("exp(x)/y", { [exp($0[0]) / $0[1]] }, { [exp($0[0]) / $0[1], -exp($0[0]) / ($0[1] * $0[1])] }),
            ("x^3 - 2xy + y^2", { [$0[0] * $0[0] * $0[0] - 2 * $0[0] * $0[1] + $0[1] * $0[1]] },
             { [3 * $0[0] * $0[0] - 2 * $0[1], -2 * $0[0] + 2 * $0[1]] }),
            ("x*x/(1+y*y)", { [$0[0] * $0[0] / (1 + $0[1] * $0[1])] },
             { [2 * $0[0] / (1 + $0[1] * $0[1]), -2 * $0[0] * $0[0] * $0[1] / ((1 + $0[1] * $0[1]) * (1 + $0[1] * $0[1]))] }),
        ]
        var rng = SeededGenerator(seed: 43)
        var ordinaryTallies: [String: Tally] = [:]
        var ordinaryLines: [String] = []
        for (name, f, g) in ordinary {
            for _ in 0..<25 {
                let x = [0.25 + 2.75 * rng.nextUnit(), 0.5 + 3.5 * rng.nextUnit()]
                let truth = g(x)
                for method in [DifferenceMethod.richardson, .adaptive] {
                    let d = try differenceJacobian(evaluating: f, at: x, method: method)
                    for j in 0..<2 {
                        let e = d.entries[0][j]
                        let key = method.rawValue
                        if ordinaryTallies[key, default: Tally()].add(e, truth: truth[j], evaluations: j == 0 ? d.evaluations : 0)
                            || !e.warnings.isEmpty || e.errorEstimate > 1e-6 * Swift.abs(truth[j]) {
                            ordinaryLines.append("\(key) \(name) at \(x) [\(j)]: \(e.value) ± \(e.errorEstimate) \(e.warnings.map(\.rawValue)), true \(truth[j])")
                        }
                    }
                }
            }
        }
        for l in ordinaryLines { print("SCAN ordinary " + l) }
        for (k, t) in ordinaryTallies.sorted(by: { $0.key < $1.key }) { print("SCAN TOTAL ordinary \(k) closure: \(t.line)") }
    }
}
