import AdjointCore
import Foundation
import XCTest
@testable import AdjointCheck

/// A claim inside a real difference's tolerance but beyond its estimate, below √ε of the entry,
/// is judged by the complex step where one follows on the ladder (Checker's `askComplexStep`).
final class LooseAgreementComplexStepTests: XCTestCase {
    struct ExpSquare: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [exp(x[0]) * x[1] + x[2] * x[2]] }
    }
    struct Rosenbrock: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
            let a = 1 - x[0], b = x[1] - x[0] * x[0]
            return [a * a + 100 * b * b]
        }
    }

    /// eˣ·y + z² in Float at (−1.4494678, 1.6673670, 0.9145141): ∂/∂y = eˣ. Adaptive decided
    /// the entry within 2.9·10⁻⁴ of its size, and a claim 2.4·10⁻⁴ off agreed (below √ε = 3.45·10⁻⁴,
    /// so the complex step was not asked). Now the complex step, which resolves eˣ to a few
    /// ulps, convicts it; the right claim still passes.
    func testAFloatClaimJustInsideAdaptivesToleranceIsConvicted() throws {
        let x: [Float] = [-1.4494678, 1.6673670, 0.9145141]
        // e^x at Float(−1.4494677199642036) = −1.4494677782058716, mpmath at 40 digits.
        let ex = 0.2346951647414651735300833122740515015585
        let right: ([Float]) -> [Float] = { x in [Float(ex) * x[1], Float(ex), 2 * x[2]] }
        XCTAssertTrue(try checkGradient(of: ExpSquare(), at: x, claimedGradient: right).passed)
        let wrong = try checkGradient(of: ExpSquare(), at: x, claimedGradient: { x in [Float(ex) * x[1], Float(ex * (1 + 2.4e-4)), 2 * x[2]] })
        let e = wrong.entries[0][1]
        XCTAssertEqual(e.verdict, .ruleWrong(subjects: ["claimed"]), wrong.renderTable())
        XCTAssertEqual(e.witness, "complex-step", wrong.renderTable())
        XCTAssertEqual(e.witnessValue ?? .nan, ex, accuracy: 4e-8, wrong.renderTable())
        // Central agreed loosely for its own reasons (beyond √ε of the entry), so adaptive is asked
        // as before; adaptive's agreement is sharp but for the claim's gap beyond its estimate,
        // so the complex step is asked next, before Richardson, which could only agree again.
        XCTAssertEqual(e.ladder.map(\.witness), ["central", "adaptive", "complex-step", "exact-rationals"], wrong.renderTable())
    }

    /// Rosenbrock in Float at (−1.9421283, −0.91029781): ∂/∂x₁ = 200(x₁ − x₀²) = −936.43203
    /// (mpmath, 40 digits, at the Float point). Adaptive's tolerance there is √ε of the entry, and
    /// a claim 3·10⁻⁴ off agreed.
    func testRosenbrockClaimInsideTheSharpBarIsConvicted() throws {
        let x: [Float] = [-1.9421283, -0.91029781]
        let d1 = -936.4320294564578261997667141258716583252
        // ∂/∂x₀ = −2(1 − x₀) − 400x₀(x₁ − x₀²), evaluated in Double at the Float point.
        let x0 = Double(x[0]), x1 = Double(x[1])
        let d0 = -2 * (1 - x0) - 400 * x0 * (x1 - x0 * x0)
        XCTAssertTrue(try checkGradient(of: Rosenbrock(), at: x, claimedGradient: { _ in [Float(d0), Float(d1)] }).passed)
        let wrong = try checkGradient(of: Rosenbrock(), at: x, claimedGradient: { _ in [Float(d0), Float(d1 * (1 + 3e-4))] })
        XCTAssertEqual(wrong.entries[0][1].verdict, .ruleWrong(subjects: ["claimed"]), wrong.renderTable())
    }

    /// An agreement loose for its own reasons walks the whole ladder, as before the complex step
    /// was asked early: 50 + sin(3x)·y in Float, its constant read through approximateDouble, so
    /// the complex step cannot judge it. A claim of ∂/∂x = 6 cos 3 (1 + 2·10⁻⁴) sits beyond
    /// central's estimate inside √ε of the entry; asked first, the unusable complex step ended
    /// the ladder and central's loose agreement stood, adaptive and Richardson never asked (a
    /// review: where they are sharp, they convict such a claim).
    func testALooseAgreementStillAsksTheRungsBeforeAnUnusableComplexStep() throws {
        let dx = -5.939954979602672743629436768387567814362   // 6 cos 3, mpmath at 40 digits
        let dy = 0.1411200080598672221007448028081102798469   // sin 3
        let r = try checkGradient(of: LooseResolutionShareTests.OffsetSine(), at: [Float(1), 2],
                                  claimedGradient: { _ in [Float(dx * (1 + 2e-4)), Float(dy)] })
        let e = r.entries[0][0]
        XCTAssertEqual(e.ladder.map(\.witness), ["central", "adaptive", "richardson", "complex-step", "exact-rationals"], r.renderTable())
        XCTAssertNotEqual(e.witness, "central", r.renderTable())
    }
}
