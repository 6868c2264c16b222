import AdjointCheck
import AdjointCore
import XCTest
@testable import AdjointTesting

/// (x + y)² − x² − 2xy − y², 0 for every x, y, written generically: its Hessian is 0 and its
/// gradient 0 from terms near 4|x + y|, so the reverse-mode gradient is rounding of those terms.
private struct ExpandedSquareDifference: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
        let s = x[0] + x[1]
        return [s * s - x[0] * x[0] - 2 * x[0] * x[1] - x[1] * x[1]]
    }
}

/// y·|x|: ∂f/∂x = y·sign x jumps by 2|y| at x = 0 (by hand), from terms of size |y|.
private struct SignedRamp: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[1] * abs(x[0])] }
}

/// The Hessian is judged against differences of the reverse-mode gradient, and a gradient that is
/// pure rounding differs by its rounding from one step to the next. The jump test, which allows a
/// few ulps of the gradient's value (here near 0), called that a discontinuity: assertHessian of
/// (x + y)² − x² − 2xy − y² failed with "discontinuity" at (1.00003, −513.9) over [−10³, 10³]
/// and at (1.09, −120) over [−10⁶, 10⁶], seed 0xAD701A7E. The jump test now measures the rounding
/// of what it differences beside x (BlackBoxRoundingIsNoJumpTests); these stay as its tape case.
final class GradientRoundingHessianTests: XCTestCase {
    func testAGradientThatIsRoundingIsNoDiscontinuity() {
        for range in [-1e3...1e3, -1e6...1e6] {
            var o = AdjointTestOptions()
            o.trials = 30
            let r = checkProperty(.hessian(of: ExpandedSquareDifference(), inputs: .vector(2, .uniform(range))), options: o)
            XCTAssertNil(r.counts[.discontinuity], "\(range): \(r.message)")
            XCTAssertNil(r.counts[.ruleWrong], "\(range): \(r.message)")
        }
        // The point of the first failure: the jump test measures the gradient's rounding beside x
        // itself (no patch reads the tape's path magnitudes afterwards any more).
        let part = DerivativeProperty.hessian(of: ExpandedSquareDifference(), inputs: .vector(2, .uniform(-1e3...1e3)))
            .check([1.000031240501404, -513.922119140625], AdjointTestOptions()).parts[1]
        XCTAssertTrue([.agree, .inconclusive].contains(part.verdict), "\(part.verdict): \(part.detail ?? "")")
    }

    /// A real jump of the gradient, far beyond the rounding of its terms, is still one.
    func testARealJumpOfTheGradientIsStillReported() {
        let outcome = DerivativeProperty.hessian(of: SignedRamp(), inputs: .point([0, 2])).check([0, 2], AdjointTestOptions())
        let part = outcome.parts.first { $0.label.hasPrefix("Hessian (forward-over-reverse) vs differences") }
        XCTAssertEqual(part?.verdict, .discontinuity, outcome.parts.map { "\($0.label): \($0.verdict) \($0.detail ?? "")" }.joined(separator: "\n"))
    }
}

/// The same f as a black box with its hand gradient 2(x + y) − 2x − 2y (0 by hand, rounded to
/// multiples of ulp(2|x + y|)) and a claimed Hessian of 0, which is right. No tape measures the
/// gradient's terms here: the jump test itself must know its rounding. Before it measured that
/// beside x, 35 of 40 points of [−10³, 10³]² were "discontinuity" in the gradient's part (f is
/// rounding too) and 15 in the Hessian's, e.g. at (−220.34, −966.42), where the gradient's
/// differences across x were 0, 0 and 4.5·10⁻¹³ (two quanta) at steps 2⁻¹⁰, 2⁻²⁰, 2⁻³⁰ of |xⱼ|.
final class BlackBoxGradientRoundingHessianTests: XCTestCase {
    private static let f: @Sendable ([Double]) -> Double = { x in
        let s = x[0] + x[1]
        return s * s - x[0] * x[0] - 2 * x[0] * x[1] - x[1] * x[1]
    }
    private static let gradient: @Sendable ([Double]) -> [Double] = { x in
        let s = x[0] + x[1]
        let g = 2 * s - 2 * x[0] - 2 * x[1]
        return [g, g]
    }

    func testAHandGradientThatIsRoundingIsNoDiscontinuity() {
        for range in [-1e3...1e3, -1e6...1e6] {
            var o = AdjointTestOptions()
            o.trials = 30
            let r = checkProperty(.blackBoxHessian(of: Self.f, gradient: Self.gradient, claimed: { _ in [[0, 0], [0, 0]] },
                                                   inputs: .vector(2, .uniform(range))), options: o)
            XCTAssertNil(r.counts[.discontinuity], "\(range): \(r.message)")
            XCTAssertNil(r.counts[.ruleWrong], "\(range): \(r.message)")
        }
        let x = [-220.340503217457, -966.4234109436878]
        let outcome = DerivativeProperty.blackBoxHessian(of: Self.f, gradient: Self.gradient, claimed: { _ in [[0, 0], [0, 0]] },
                                                         inputs: .point(x)).check(x, AdjointTestOptions())
        for part in outcome.parts {
            XCTAssertTrue([.agree, .inconclusive].contains(part.verdict), "\(part.label): \(part.verdict) \(part.detail ?? "")")
        }
    }
}

/// A hand-written Hessian whose entries come from terms that cancel: f = (x + y)³ − x³ − 3x²y −
/// 3xy² − y³ is 0, and its hand gradient and Hessian are right (0) but written as the terms a user
/// differentiates: 6(x + y) − 6x − 6y above the diagonal, 6(x + y) − 6y − 6x below. In Double the
/// two differ by rounding at 186 of 1000 points of [−3, 3]² (Python, the same expressions), and
/// held to 64ε·max|H| the symmetry part convicted the right claim.
final class ClaimedHessianRoundingSymmetryTests: XCTestCase {
    private static let f: @Sendable ([Double]) -> Double = { x in
        let s = x[0] + x[1]
        return s * s * s - x[0] * x[0] * x[0] - 3 * x[0] * x[0] * x[1] - 3 * x[0] * x[1] * x[1] - x[1] * x[1] * x[1]
    }
    private static let gradient: @Sendable ([Double]) -> [Double] = { x in
        let s = x[0] + x[1]
        let g = 3 * s * s - 3 * x[0] * x[0] - 6 * x[0] * x[1] - 3 * x[1] * x[1]
        return [g, g]
    }

    func testARightHessianWhoseTermsCancelIsNotConvictedAsAsymmetric() {
        let claimed: @Sendable ([Double]) -> [[Double]] = { x in
            let s = x[0] + x[1]
            let upper = 6 * s - 6 * x[0] - 6 * x[1], lower = 6 * s - 6 * x[1] - 6 * x[0]
            return [[upper, upper], [lower, lower]]
        }
        // At (1.583, −1.47) the upper entry is 0 and the lower 1.78e-15 (Python, the same expressions).
        let x = [1.583, -1.47]
        XCTAssertEqual(claimed(x)[0][1], 0)
        XCTAssertEqual(claimed(x)[1][0], 1.7763568394002505e-15)
        let outcome = DerivativeProperty.blackBoxHessian(of: Self.f, gradient: Self.gradient, claimed: claimed, inputs: .point(x))
            .check(x, AdjointTestOptions())
        let symmetry = outcome.parts.last
        XCTAssertEqual(symmetry?.label, "symmetry of the claimed Hessian")
        XCTAssertEqual(symmetry?.verdict, .inconclusive, symmetry?.detail ?? "")
        XCTAssertTrue(symmetry?.detail?.hasPrefix("inconclusive, because H[0][1] = 0.0 and H[1][0] = 1.78e-15") ?? false, symmetry?.detail ?? "")
    }

    /// An asymmetry the differences resolve (one entry off by 10⁻³) is still rule-wrong.
    func testAnAsymmetryTheDifferencesResolveIsStillRuleWrong() {
        let skewed: @Sendable ([Double]) -> [[Double]] = { _ in [[0, 1e-3], [0, 0]] }
        let outcome = DerivativeProperty.blackBoxHessian(of: Self.f, gradient: Self.gradient, claimed: skewed, inputs: .point([0.5, 0.25]))
            .check([0.5, 0.25], AdjointTestOptions())
        XCTAssertEqual(outcome.parts.last?.verdict, .ruleWrong, outcome.parts.map { "\($0.label): \($0.verdict) \($0.detail ?? "")" }.joined(separator: "\n"))
    }
}
