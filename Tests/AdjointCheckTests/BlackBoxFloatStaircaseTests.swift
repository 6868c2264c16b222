import AdjointCore
import Foundation
import XCTest
@testable import AdjointCheck

/// log(x₀² + 1)·x₁ + cos(x₂)·x₂ as a Float black box at x₀ = 8.15·10⁻⁴, x₁ = 65343: x₀² + 1 moves
/// by ulps of 1 (1.2·10⁻⁷), each a jump of x₁·ε ≈ 0.0078 in f, so f is a staircase flat within
/// about 4·10⁻⁶ of x₀ (treads 7·10⁻⁵ wide). The step scan's finest levels read 0 there with an
/// error of f's ulps over the step (0.03), and convicted the right ∂/∂x₀ = 2x₀x₁/(1 + x₀²) = 106.5
/// (by hand), which every step from 10⁻³ to 0.1 measures within 1%. A sign flip is still convicted.
///
/// The right slope agrees on central: its h/2h estimate said 106.1797 ± 0.077 (a miss by 4 times
/// itself, so the check went on and found the evaluations too noisy); with the truncation's next
/// term read off D(h/2) it says ± 0.77, which holds.
final class BlackBoxFloatStaircaseTests: XCTestCase {
    let x: [Float] = [0.0008150444, 65342.938, 8.667806e-05]
    static func f(_ x: [Float]) -> [Float] { [Float.log(x[0] * x[0] + 1) * x[1] + Float.cos(x[2]) * x[2]] }
    func gradient(_ x: [Float]) -> [Float] {
        let (a, b, c) = (Double(x[0]), Double(x[1]), Double(x[2]))
        return [2 * a * b / (1 + a * a), Foundation.log1p(a * a), Foundation.cos(c) - Foundation.sin(c) * c].map { Float($0) }
    }

    func testTheRightSlopeIsNotConvictedOnTheTreadsZero() throws {
        let r = try checkBlackBoxGradient(of: { (x: [Float]) in Self.f(x)[0] }, at: x, claimedGradient: gradient)
        XCTAssertNotEqual(r.entries[0][0].verdict.name, "rule-wrong", r.renderTable())
        XCTAssertEqual(r.entries[0][0].verdict, .agree, r.renderTable())
    }

    func testASignFlipIsStillConvicted() throws {
        let r = try checkBlackBoxGradient(of: { (x: [Float]) in Self.f(x)[0] }, at: x,
                                          claimedGradient: { x in var g = self.gradient(x); g[0] = -g[0]; return g })
        XCTAssertEqual(r.entries[0][0].verdict, .ruleWrong(subjects: ["claimed"]), r.renderTable())
    }
}
