import AdjointCheck
import AdjointCore
import XCTest
@testable import AdjointTesting

/// sin²x + cos²x, which is 1 for every x: its Hessian is 0 and every rule it runs is right.
private struct PythagoreanOne: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [sin(x[0]) * sin(x[0]) + cos(x[0]) * cos(x[0])] }
}

/// The two AD orders of H·v sum the same chain-rule terms in different orders, so where the terms
/// cancel they differ by rounding of the terms, not of H. Held to 64ε·max|H|·‖v‖₁, sin²x + cos²x
/// (H = 0 from terms near 2) was rule-wrong at its first trial: forward-over-reverse 0,
/// reverse-over-forward −5.55e-17, tolerance 3.16e-322.
final class CancellingHessianModesTests: XCTestCase {
    func testRightRulesWhoseSecondDerivativesCancelAreNotConvicted() {
        var o = AdjointTestOptions()
        o.trials = 30
        let r = checkProperty(.hessian(of: PythagoreanOne(), inputs: .vector(1, .uniform(-3...3))), options: o)
        XCTAssertNil(r.counts[.ruleWrong], r.message)
        XCTAssertTrue(r.passed, r.message)
    }

    /// The tolerance grows with the terms' magnitudes only: a gap far above the rounding of terms
    /// near 2 (a lost second derivative is of their size) is still rule-wrong, and without a tape
    /// the old bound applies.
    func testTheAllowanceIsTheRoundingOfTheTermsOnly() {
        let v = [1.0]
        let rounding = modesComparison(.success(([0.0], [-5.551115123125783e-17])), direction: v, hessianScale: 0, pathMagnitudes: [4])
        XCTAssertEqual(rounding.verdict, .agree, rounding.detail ?? "")
        let lost = modesComparison(.success(([0.0], [-1e-3])), direction: v, hessianScale: 0, pathMagnitudes: [4])
        XCTAssertEqual(lost.verdict, .ruleWrong, lost.detail ?? "")
        let noTape = modesComparison(.success(([0.0], [-5.551115123125783e-17])), direction: v, hessianScale: 0)
        XCTAssertEqual(noTape.verdict, .ruleWrong, noTape.detail ?? "")
    }
}
