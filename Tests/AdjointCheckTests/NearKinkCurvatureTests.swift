import AdjointCore
import Foundation
import XCTest
@testable import AdjointCheck

/// The central-near-kink rung where the kink's argument is not linear over its samples. By hand,
/// ∂√(x₀² + x₁²)/∂xⱼ = xⱼ/√(x₀² + x₁²), hypot the same; at Float (10⁻¹⁹, 10⁻¹⁵) mpmath (30 digits,
/// on the Float inputs) gives 9.99999959638029509562935e-5 and 0.999999995000000391.
///
/// In Float x₀² is absorbed by x₁² there, so √'s argument is 10⁻³⁰ with rate 2x₀ along x₀: its
/// linearised kink distance, 5·10⁻¹² at (10⁻¹⁹, 10⁻¹⁵), is where the rung kept its samples a
/// quarter of the way to. But the argument is quadratic in x₀, f bends from flat to |x₀| on the
/// scale of x₁, and at the rung's step f's samples were |x₀|'s: D(h) ≈ x₀/h, halving as h
/// doubles, read as 2.38·10⁻⁷ ± 2.8·10⁻⁷ for 10⁻⁴. Forward and reverse mode (right rules) and
/// the hand gradient were rule-wrong at (10⁻¹⁹, 10⁻¹⁴), (5·10⁻¹⁹, 3·10⁻¹⁵) and the other
/// points below (at (10⁻¹⁹, 10⁻¹⁵) itself the entry was fd-inconclusive on main by then, only
/// because the adaptive rung happened not to converge).
final class NearKinkCurvatureTests: XCTestCase {
    struct Norm: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [sqrt(x[0] * x[0] + x[1] * x[1])] }
    }
    struct Hypot: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [hypot(x[0], x[1])] }
    }
    /// One input: √(x² + 10⁻³⁰), the same hyperbola of scale 10⁻¹⁵.
    struct Hyperbola: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [sqrt(x[0] * x[0] + T(1e-30))] }
    }

    /// The hand gradient xⱼ/r in Double, r scaled so that no square underflows.
    static func hand(_ x: [Double]) -> [Double] {
        let big = Swift.max(Swift.abs(x[0]), Swift.abs(x[1]))
        let r = big * ((x[0] / big) * (x[0] / big) + (x[1] / big) * (x[1] / big)).squareRoot()
        return [x[0] / r, x[1] / r]
    }

    /// Float points where the old rung convicted right rules (a scan of x₀ ∈ {1, 2, 3, 5, 7}·10⁻¹⁹,
    /// x₁ ∈ {2·10⁻¹⁶, 10⁻¹⁵, 3·10⁻¹⁵, 10⁻¹⁴}), and the brief's (10⁻¹⁹, 10⁻¹⁵).
    static let floatPoints: [[Float]] = [[1e-19, 1e-15], [1e-19, 1e-14], [2e-19, 1e-14], [3e-19, 1e-14],
                                         [5e-19, 3e-15], [7e-19, 3e-15], [5e-19, 1e-14], [7e-19, 1e-14]]
    static let doublePoints: [[Double]] = [[1e-160, 1e-152], [3e-160, 1e-150], [1e-161, 3e-152]]

    func testRightRulesAreNotConvictedAndWrongClaimsDoNotPassWhereTheKinkArgumentCurves() throws {
        for x in Self.floatPoints {
            let r = try checkJacobian(of: Norm(), at: x, claimed: { x in
                [Self.hand(x.map(Double.init)).map(Float.init)] })
            for e in r.entries[0] {
                if case .ruleWrong = e.verdict { XCTFail("Float \(x), entry \(e.input): \(e.verdict)\n\(r.renderTable())") }
            }
        }
        for x in Self.doublePoints {
            let r = try checkJacobian(of: Norm(), at: x, claimed: { x in [Self.hand(x)] })
            for e in r.entries[0] {
                if case .ruleWrong = e.verdict { XCTFail("Double \(x), entry \(e.input): \(e.verdict)\n\(r.renderTable())") }
            }
        }
        // hypot's rules too (its complex step refuses the branch points): no entry convicted.
        for x in Self.floatPoints {
            let r = try checkJacobian(of: Hypot(), at: x)
            for e in r.entries[0] {
                if case .ruleWrong = e.verdict { XCTFail("hypot, Float \(x), entry \(e.input): \(e.verdict)\n\(r.renderTable())") }
            }
        }
        // Not convicting is not passing anything: twice the gradient, or ∂/∂x₀ = 0, does not pass.
        for x in Self.floatPoints {
            for wrong in [{ (g: [Double]) in g.map { 2 * $0 } }, { (g: [Double]) in [0, g[1]] }] {
                let r = try checkJacobian(of: Norm(), at: x, claimed: { x in [wrong(Self.hand(x.map(Double.init))).map(Float.init)] })
                XCTAssertFalse(r.entries[0][0].verdict == .agree, "Float \(x)\n\(r.renderTable())")
            }
        }
        for x in Self.doublePoints {
            let r = try checkJacobian(of: Norm(), at: x, claimed: { x in [Self.hand(x).map { 2 * $0 }] })
            XCTAssertFalse(r.entries[0][0].verdict == .agree, "Double \(x)\n\(r.renderTable())")
        }
    }

    /// Where the near-kink rung decides, its estimate holds against the hand value.
    func testTheNearKinkRungsEstimateHolds() throws {
        var decided = 0
        func audit(_ r: CheckReport, _ hand: [Double], _ label: String) {
            for e in r.entries[0] {
                guard let o = e.ladder.first(where: { $0.witness == "central-near-kink" }),
                      let v = o.value, let err = o.errorEstimate, o.outcome != "unreliable" else { continue }
                decided += 1
                XCTAssertLessThanOrEqual(Swift.abs(v - hand[e.input]), err,
                                         "\(label), ∂/∂x\(e.input): \(v) ± \(err) for \(hand[e.input])")
            }
        }
        for x in Self.floatPoints {
            audit(try checkJacobian(of: Norm(), at: x), Self.hand(x.map(Double.init)), "Float \(x)")
        }
        for x in Self.doublePoints { audit(try checkJacobian(of: Norm(), at: x), Self.hand(x), "Double \(x)") }
        let one = try checkJacobian(of: Hyperbola(), at: [Float(1e-19)])
        audit(one, [Self.hand([Double(Float(1e-19)), 1e-15])[0]], "√(x² + 10⁻³⁰) at Float 10⁻¹⁹")
        // The rung decides somewhere: an audit of nothing would pass vacuously.
        XCTAssertGreaterThan(decided, 5)
        // At the brief's point it decides ∂/∂x₀, within its estimate of mpmath's 9.99999959638e-5.
        let brief = try checkJacobian(of: Norm(), at: [Float(1e-19), Float(1e-15)])
        let o = try XCTUnwrap(brief.entries[0][0].ladder.first { $0.witness == "central-near-kink" })
        let (v, err) = (try XCTUnwrap(o.value), try XCTUnwrap(o.errorEstimate))
        XCTAssertLessThanOrEqual(Swift.abs(v - 9.99999959638029509562935e-5), err, "\(v) ± \(err)")
    }

}
