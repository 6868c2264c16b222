import AdjointCore
import Foundation
import RealModule
import XCTest
@testable import AdjointCheck

/// The sweep behind BlackBoxStepLandingTests: the black-box gradient check of e^(−x)
/// (f′ = −e^(−x), by hand) at x = 0, 0.5, …, 745 in Double and 0, 0.5, …, 104 in Float, through
/// f's normal range, its subnormal range and on to its last nonzero values, with the right claim
/// and claims (1 + d) times it. A right claim must never be convicted; in Double no claim 10⁻⁴ or
/// 10⁻² off may end in witnesses-conflict (the scan's levels off the grid misread the slope by up
/// to ulp(x)/(2h) where their bound did not hold it: 663 of the 1,491 claims 10⁻⁴ above f′
/// were witnesses-conflict). Prints the verdicts' counts and the evaluations the right claims
/// spent. Seconds of CPU in a debug build (about a minute), so it runs only with
/// ADJOINT_EXP_UNDERFLOW_SCAN=1.
final class ExpUnderflowScan: XCTestCase {
    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var n = 0
        func bump() { lock.lock(); n += 1; lock.unlock() }
        var value: Int { lock.lock(); defer { lock.unlock() }; return n }
    }

    static func word(_ v: Verdict) -> String {
        if case .fdInconclusive(let why) = v { return "\(v.name)(\(why.map(\.rawValue).joined(separator: ",")))" }
        return v.name
    }

    func sweep<V: ADScalar & BinaryFloatingPoint & Real & Sendable>(_: V.Type, last: Int, deltas: [Double],
                                                                     label: String) throws -> [Double: [String: Int]] {
        var counts: [Double: [String: Int]] = [:]
        var rightEvaluations = 0
        for k in 0...last {
            let x = V(0.5 * Double(k))
            for d in deltas {
                let calls = Counter()
                let f: ([V]) -> V = { v in
                    calls.bump()
                    let y: Double = exp(-Double(v[0]))
                    return V(y)
                }
                let claim: ([V]) -> [V] = { v in
                    let g: Double = -exp(-Double(v[0])) * (1 + d)
                    return [V(g)]
                }
                let r = try checkBlackBoxGradient(of: f, at: [x], claimedGradient: claim)
                let w = Self.word(r.entries[0][0].verdict)
                counts[d, default: [:]][w, default: 0] += 1
                if d == 0 {
                    rightEvaluations += calls.value
                    XCTAssertNotEqual(r.entries[0][0].verdict.name, "rule-wrong", "\(label) right claim at \(x): " + r.renderTable())
                }
            }
        }
        for d in deltas { print("\(label) d = \(d): \(counts[d, default: [:]].sorted { $0.key < $1.key })") }
        print("\(label) evaluations over the right claims: \(rightEvaluations)")
        return counts
    }

    func testScan() throws {
        guard ProcessInfo.processInfo.environment["ADJOINT_EXP_UNDERFLOW_SCAN"] == "1" else {
            throw XCTSkip("set ADJOINT_EXP_UNDERFLOW_SCAN=1 to run the scan")
        }
        let deltas = [0, 1e-2, -1e-2, 1e-4, -1e-4, 1e-6, -1e-6]
        let double = try sweep(Double.self, last: 1490, deltas: deltas, label: "Double")
        for d in [1e-2, -1e-2, 1e-4, -1e-4] {
            XCTAssertEqual(double[d]?["fd-inconclusive(witnesses-conflict)"] ?? 0, 0, "Double d = \(d)")
        }
        _ = try sweep(Float.self, last: 208, deltas: Array(deltas.prefix(5)), label: "Float")
    }
}
