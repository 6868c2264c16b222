import AdjointCore
import Foundation
import XCTest
@testable import AdjointCheck

/// cos(x)·x in Float at x = 8614469 (an ulp of x is 1 there): ∂ = cos x − x·sin x = −7712985.06
/// (mpmath). A wrong claim makes the check probe the complex step at steps 2²⁰ and 2²⁰⁰ times
/// smaller; in Float the second is below the range and was taken as the least subnormal, 1.4e-45,
/// where Im cos(x + ih) = −sin x·h rounds to −h: the estimate read sin x = 0.895 as 1, gave
/// −8614469 ± 4.5, and convicted forward and reverse mode (right) beside the wrong claim.
final class ComplexStepSubnormalSeedTests: XCTestCase {
    struct CosTimesX: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [cos(x[0]) * x[0]] }
    }

    func testAWrongClaimDoesNotTakeTheRightModesWithIt() throws {
        let x: [Float] = [8614469]
        let right = -7712985.06
        for wrong: Float in [4.284442, 7712985, -7712985 * 1.01] {
            let r = try checkGradient(of: CosTimesX(), at: x, claimedGradient: { _ in [wrong] })
            XCTAssertEqual(r.entries[0][0].verdict, .ruleWrong(subjects: ["claimed"]), "claim \(wrong)\n\(r.renderTable())")
            XCTAssertEqual(r.entries[0][0].witnessValue ?? 0, right, accuracy: 2, r.renderTable())
        }
        let ok = try checkGradient(of: CosTimesX(), at: x, claimedGradient: { x in [Float(Foundation.cos(Double(x[0])) - Double(x[0]) * Foundation.sin(Double(x[0])))] })
        XCTAssertTrue(ok.passed, ok.renderTable())
    }

    /// tanh(x₀)·x₁ + atan(x₂)·x₀x₁ at x₂ = −627373: atan′ = 1/(1 + x₂²) = 2.5·10⁻¹², so a step
    /// of 10⁻³¹ (the least normal over ε, the first bound tried) made atan's imaginary part
    /// subnormal, 0.1% off, and forward and reverse mode (right: x₀x₁/(1 + x₂²) = −3.8756·10⁻⁷ by
    /// hand) were convicted beside a sign-flipped claim. The step now also keeps the smallest
    /// tangent on the tape in range.
    func testASmallTangentOnTheWayKeepsTheStepInRange() throws {
        struct F: ADFunction {
            func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [tanh(x[0]) * x[1] + atan(x[2]) * x[0] * x[1]] }
        }
        let x: [Float] = [-954.07104, 159.88423, -627373.06]
        let (a, b, c) = (Double(x[0]), Double(x[1]), Double(x[2]))
        let t = Foundation.tanh(a), slope = a * b / (1 + c * c)
        let right = [(1 - t * t) * b + Foundation.atan(c) * b, t + Foundation.atan(c) * a, slope]
        for change in [-1.0, 1.01] {
            var claim = right
            claim[2] *= change
            let r = try checkGradient(of: F(), at: x, claimedGradient: { _ in claim.map { Float($0) } })
            XCTAssertEqual(r.entries[0][2].verdict, .ruleWrong(subjects: ["claimed"]), "×\(change)\n\(r.renderTable())")
            XCTAssertEqual(r.entries[0][2].witnessValue ?? 0, slope, accuracy: 1e-6 * Swift.abs(slope), r.renderTable())
        }
    }
}
