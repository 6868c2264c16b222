import AdjointCore
import Foundation
import XCTest
@testable import AdjointCheck

/// The complex step where an imaginary part leaves the normal range on the way through f, or its
/// step reaches past a kinked op's branch points. By hand, ∂√(x₀² + x₁²)/∂xⱼ = xⱼ/√(x₀² + x₁²):
/// 1/√2 = 0.7071067811865476 at x₀ = x₁, and x₀/x₁ = 10⁻¹⁰ and 1 at (10⁻¹⁶⁰, 10⁻¹⁵⁰); hypot has
/// the same partials.
///
/// Found by a new user's `jac check "sqrt(x*x+y*y)" --at x=1e-150,y=1e-150`: "rule-wrong (forward,
/// reverse)", exit 1, against a complex step of 0.7071169 ± 3.1·10⁻¹⁶. Its step there is
/// 10⁻¹⁷⁰, so Im(x·x) = 2x·h = 2·10⁻³²⁰ is subnormal and keeps 12 bits; at 10⁻¹⁵⁵ it underflows
/// to 0 and the complex step read 0 ± 10⁻¹⁴³. Neither estimate saw it: the final imaginary part is
/// normal, or an exact 0 from a normal seed. `jac check "hypot(x,y)" --at x=1e-320,y=1e-320`
/// convicted the modes against 1.0 ± 4.4·10⁻¹⁶: the step at 10⁻³²⁰ is the least subnormal, and
/// the wider step taken instead (6.8·10⁻²¹) lies far past hypot's branch points, 10⁻³²⁰ off the
/// axis, where √(z² + y²) ≈ z and every step agrees on 1.
final class ComplexStepIntermediateUnderflowTests: XCTestCase {
    struct Norm: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [sqrt(x[0] * x[0] + x[1] * x[1])] }
    }
    struct Hypot: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [hypot(x[0], x[1])] }
    }

    /// The hand gradient at a point, xⱼ/√(x₀² + x₁²), in Double.
    static func handGradient(_ x: [Double]) -> [Double] {
        let r = x[0] >= x[1] ? x[0] * (1 + (x[1] / x[0]) * (x[1] / x[0])).squareRoot()
                             : x[1] * (1 + (x[0] / x[1]) * (x[0] / x[1])).squareRoot()
        return [x[0] / r, x[1] / r]
    }

    static let tinyPoints: [[Double]] = [[1e-150, 1e-150], [5e-152, 5e-152], [1e-152, 1e-152], [1e-155, 1e-155],
                                         [1e-160, 1e-150], [1e-170, 1e-100]]

    func testRightModesAreNotConvictedWhereAnImaginaryPartUnderflowsInsideF() throws {
        for x in Self.tinyPoints {
            let r = try checkJacobian(of: Norm(), at: x)
            for e in r.entries[0] {
                if case .ruleWrong = e.verdict { XCTFail("at \(x), entry \(e.input): \(e.verdict)\n\(r.renderTable())") }
            }
            // Nor is the hand gradient, a right claim.
            let claimed = try checkGradient(of: Norm(), at: x, claimedGradient: { Self.handGradient($0) })
            for e in claimed.entries[0] {
                if case .ruleWrong = e.verdict { XCTFail("hand gradient at \(x), entry \(e.input): \(e.verdict)\n\(claimed.renderTable())") }
            }
        }
    }

    func testAClaimTwiceTheGradientDoesNotPassThere() throws {
        for x in Self.tinyPoints {
            let r = try checkGradient(of: Norm(), at: x, claimedGradient: { Self.handGradient($0).map { 2 * $0 } })
            XCTAssertFalse(r.passed, "at \(x)\n\(r.renderTable())")
        }
    }

    func testHypotsRightRuleIsNotConvictedAtSubnormalArguments() throws {
        let x = [1e-320, 1e-320]
        let r = try checkJacobian(of: Hypot(), at: x)
        for e in r.entries[0] {
            if case .ruleWrong = e.verdict { XCTFail("entry \(e.input): \(e.verdict)\n\(r.renderTable())") }
        }
        // The wide step's 1.0 is 41% off 1/√2: a claim of it does not pass.
        let wrong = try checkGradient(of: Hypot(), at: x, claimedGradient: { _ in [1, 1] })
        XCTAssertFalse(wrong.passed, wrong.renderTable())
    }

    /// The complex step's own Jacobian (`differenceJacobian(method: .complexStep)`, what `jac
    /// jacobian --mode complex-step` prints): its estimate must hold where x₀·x₀'s imaginary part is
    /// subnormal. It printed 0.7071169106604155 ± 3·10⁻¹⁶ at 10⁻¹⁵⁰, 1.4·10⁻⁵ off.
    func testTheComplexStepJacobiansEstimateHoldsThere() throws {
        for x in [[1e-150, 1e-150], [5e-152, 5e-152], [1e-160, 1e-150]] {
            let d = try differenceJacobian(of: Norm(), at: x, method: .complexStep)
            let hand = Self.handGradient(x)
            for j in 0..<2 {
                let e = d.entries[0][j]
                XCTAssertLessThanOrEqual(Swift.abs(e.value - hand[j]), e.errorEstimate,
                                         "at \(x), ∂/∂x\(j): \(e.value) ± \(e.errorEstimate) for \(hand[j])")
            }
        }
    }

    /// At an ordinary scale nothing changes: a claim 1% off is convicted, the hand gradient passes.
    func testOrdinaryPointsAreJudgedAsBefore() throws {
        for f in [Norm() as any ADFunction, Hypot() as any ADFunction] {
            let x = [3.0, -4.0]
            let right = Self.handGradient([3.0, 4.0]).enumerated().map { $0.offset == 1 ? -$0.element : $0.element }
            XCTAssertEqual(right, [0.6, -0.8])
            let ok = try checkGradient(of: f, at: x, claimedGradient: { _ in right })
            XCTAssertTrue(ok.passed, ok.renderTable())
            let off = try checkGradient(of: f, at: x, claimedGradient: { _ in [0.6 * 1.01, -0.8] })
            XCTAssertEqual(off.entries[0][0].verdict, .ruleWrong(subjects: ["claimed"]), off.renderTable())
            XCTAssertEqual(off.entries[0][1].verdict, .agree, off.renderTable())
        }
    }
}
