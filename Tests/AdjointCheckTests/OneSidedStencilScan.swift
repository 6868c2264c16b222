import AdjointCore
import AdjointFormula
import Foundation
import XCTest
@testable import AdjointCheck

/// The scan behind NextOrderTruncationTests' one-sided cases: the forward and backward differences
/// at their default steps, and the adaptive method's value stencil at a fixed step, on smooth
/// functions that bend (sines of several frequencies, a damped and a growing oscillation, a
/// rational and a logarithmic bump) at 60 seeded points each in [0.1, 3], in Float and in Double,
/// as closures and through f's tape. Their truncation's next term is one power of h below the
/// leading one, and near every zero of f″ (of f⁽⁴⁾ for the adaptive stencil) the two cancel in the
/// h/2h estimate. An unwarned miss is an estimate without a warning whose error bound does not
/// cover the derivative; the truth is the hand derivative in Double at the point (for Float, far
/// inside any estimate; for Double, within 10⁻¹⁵ relative of it, far inside a one-sided
/// difference's 10⁻⁸). Seconds in a debug build, so it runs only with ADJOINT_ONE_SIDED_SCAN=1;
/// =all prints every row. Each total also gives the geometric mean of the unwarned error
/// estimates over |f′|, so a change's widening shows beside its misses.
final class OneSidedStencilScan: XCTestCase {
    struct Tally {
        var base = SingularityScan.Tally()
        var logWidth = 0.0, widths = 0
        mutating func add(_ e: DifferenceEstimate, truth: Double, evaluations n: Int) -> Bool {
            if e.warnings.isEmpty, e.errorEstimate > 0, truth != 0, e.errorEstimate.isFinite {
                logWidth += Foundation.log(e.errorEstimate / Swift.abs(truth)); widths += 1
            }
            return base.add(e, truth: truth, evaluations: n)
        }
        var line: String {
            base.line + String(format: ", estimates %.3g of |f′| (geometric mean)", widths == 0 ? .nan : Foundation.exp(logWidth / Double(widths)))
        }
    }

    static let functions: [(formula: String, derivative: @Sendable (Double) -> Double)] = [
        ("sin(x)", { Foundation.cos($0) }),
        ("sin(10*x)", { 10 * Foundation.cos(10 * $0) }),
        ("sin(100*x)", { 100 * Foundation.cos(100 * $0) }),
        ("exp(-x)*cos(5*x)", { -Foundation.exp(-$0) * (Foundation.cos(5 * $0) + 5 * Foundation.sin(5 * $0)) }),
        ("x*cos(10*x)", { Foundation.cos(10 * $0) - 10 * $0 * Foundation.sin(10 * $0) }),
        ("1/(1 + 4*(x - 1.5)^2)", { let u = $0 - 1.5, d = 1 + 4 * u * u; return -8 * u / (d * d) }),
        ("log(1 + 9*(x - 1)^2)", { let u = $0 - 1; return 18 * u / (1 + 9 * u * u) }),
    ]

    func testScan() throws {
        let mode = ProcessInfo.processInfo.environment["ADJOINT_ONE_SIDED_SCAN"]
        guard mode == "1" || mode == "all" else { throw XCTSkip("set ADJOINT_ONE_SIDED_SCAN=1 to run the scan") }
        var tallies: [String: Tally] = [:]
        var rng = SeededGenerator(seed: 47)
        let methods: [(String, DifferenceMethod, StepSize, StepSize)] = [
            ("forward", .forward, .automatic, .automatic),
            ("backward", .backward, .automatic, .automatic),
            // A fixed step a caller might pick: in Double about the balanced one for a third-order
            // stencil, ε^{1/4}; in Float a tenth of it, so that sin(100x)'s steps stay below a
            // fifth of a radian (at ε^{1/4} they span its period, where no stencil's estimate
            // holds, and the scan would count aliasing).
            ("adaptive fixed step", .adaptive, .relative(1e-4), .relative(1e-3)),
        ]
        for (formula, derivative) in Self.functions {
            let f = try Formula(parsing: formula)
            for _ in 0..<60 {
                let u = 0.1 + 2.9 * rng.nextUnit()
                for precision in ["Double", "Float"] {
                    for (name, method, doubleStep, floatStep) in methods {
                        for path in ["closure", "tape"] {
                            let e: DifferenceEstimate, n: Int, x: Double
                            if precision == "Float" {
                                let xf = Float(u)
                                x = Double(xf)
                                let d = path == "closure"
                                    ? try differenceJacobian(evaluating: { (v: [Float]) in f(v) }, at: [xf], method: method, step: floatStep)
                                    : try differenceJacobian(of: f, at: [xf], method: method, step: floatStep)
                                (e, n) = (d.entries[0][0], d.evaluations)
                            } else {
                                x = u
                                let d = path == "closure"
                                    ? try differenceJacobian(evaluating: { (v: [Double]) in f(v) }, at: [u], method: method, step: doubleStep)
                                    : try differenceJacobian(of: f, at: [u], method: method, step: doubleStep)
                                (e, n) = (d.entries[0][0], d.evaluations)
                            }
                            let truth = derivative(x)
                            let key = "\(precision) \(name) \(path)"
                            let miss = tallies[key, default: Tally()].add(e, truth: truth, evaluations: n)
                            if miss || mode == "all" {
                                let off = Swift.abs(e.value - truth) / Swift.max(e.errorEstimate, .leastNormalMagnitude)
                                print("OSCAN \(miss ? "MISS" : "row") \(key) \(formula) at \(x): \(e.value) ± \(e.errorEstimate) "
                                      + "\(e.warnings.map(\.rawValue)) step \(e.step), true \(truth), off \(off)× the estimate, \(n) evaluations")
                            }
                        }
                    }
                }
            }
        }
        for (k, t) in tallies.sorted(by: { $0.key < $1.key }) { print("OSCAN TOTAL \(k): \(t.line)") }
    }
}
