import AdjointCore
import AdjointFormula
import Foundation
import XCTest
@testable import AdjointCheck

/// The scan behind LargeArgumentTests: central, Richardson and the adaptive method on f as a
/// closure at 200 points of magnitude 10⁴ to 10¹⁴ where a sine term varies on a scale of one
/// radian (Tests/Data/large-argument-scan.tsv, written by scripts/large_argument_scan_reference.py
/// with mpmath), with the evaluations each spent; then the black-box gradient check of the right
/// derivative (the table's) and of its negative at the same points. An unwarned miss is an estimate
/// without a warning whose error bound does not cover the derivative. Seconds of CPU in a debug
/// build, so it runs only with ADJOINT_LARGE_ARGUMENT_SCAN=1; =all prints every row.
final class LargeArgumentScan: XCTestCase {
    struct Row { let formula: String, point: [Double], derivative: Double }

    static func rows() throws -> [Row] {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../Data/large-argument-scan.tsv").standardized.path
        return try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").dropFirst(2).compactMap { line in
            let c = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            let point = c.count == 3 ? c[1].split(separator: ";").compactMap { Double($0) } : []
            guard c.count == 3, !point.isEmpty, let d = Double(c[2]) else { return nil }
            return Row(formula: c[0], point: point, derivative: d)
        }
    }

    func testScan() throws {
        let mode = ProcessInfo.processInfo.environment["ADJOINT_LARGE_ARGUMENT_SCAN"]
        guard mode == "1" || mode == "all" else { throw XCTSkip("set ADJOINT_LARGE_ARGUMENT_SCAN=1 to run the scan") }
        var tallies: [String: SingularityScan.Tally] = [:]
        var verdicts: [String: [String: Int]] = [:]
        var lines: [String] = []
        for row in try Self.rows() {
            let f = try Formula(parsing: row.formula)
            for method in [DifferenceMethod.central, .richardson, .adaptive] {
                let d = try differenceJacobian(evaluating: { f($0) }, at: row.point, method: method)
                let e = d.entries[0][0]
                let miss = tallies[method.rawValue, default: .init()].add(e, truth: row.derivative, evaluations: e.evaluations)
                if miss || mode == "all" || (e.warnings.isEmpty && e.errorEstimate > 0.05 * Swift.abs(row.derivative)) {
                    let off = Swift.abs(e.value - row.derivative)
                    lines.append("\(miss ? "MISS" : "row") \(method.rawValue) \(row.formula) at \(row.point): \(e.value) ± \(e.errorEstimate) "
                                 + "\(e.warnings.map(\.rawValue)) step \(e.step), true \(row.derivative), "
                                 + "off \(off / Swift.max(e.errorEstimate, .leastNormalMagnitude))× the estimate, \(e.evaluations) evaluations")
                }
            }
            // The black box: the table's derivative claimed along x, and its negative; along y
            // (where there is one) the hand derivative sin x + x, in Double.
            for (name, sign) in [("right", 1.0), ("flipped", -1.0)] {
                let claim: ([Double]) -> [Double] = { x in
                    x.count == 2 ? [sign * row.derivative, sin(x[0]) + x[0]] : [sign * row.derivative]
                }
                let r = try checkBlackBoxGradient(of: { f($0)[0] }, at: row.point, claimedGradient: claim)
                let e = r.entries[0][0]
                var v = e.verdict.name
                if case .fdInconclusive(let reasons) = e.verdict { v += " " + reasons.map(\.rawValue).joined(separator: ",") }
                verdicts[name, default: [:]][v, default: 0] += 1
                let bad = name == "right" ? e.verdict.name == "rule-wrong" || e.verdict.name == "kink"
                                          : e.verdict == .agree || e.verdict.name == "kink"
                if bad || mode == "all" {
                    lines.append("\(bad ? "BAD" : "row") black box \(name) \(row.formula) at \(row.point): \(v), witness \(e.witness ?? "-") "
                                 + "\(e.witnessValue.map { "\($0)" } ?? "-"), true \(row.derivative)")
                }
            }
        }
        for l in lines { print("SCAN " + l) }
        for (k, t) in tallies.sorted(by: { $0.key < $1.key }) { print("SCAN TOTAL \(k) closure: \(t.line)") }
        for (k, counts) in verdicts.sorted(by: { $0.key < $1.key }) {
            print("SCAN TOTAL black box \(k) claims: " + counts.sorted(by: { $0.key < $1.key }).map { "\($0.key) \($0.value)" }.joined(separator: "; "))
        }
    }
}
