import AdjointCheck
import AdjointCore
import XCTest
@testable import AdjointTesting

/// sin²x + cos²x, which is 1 for every x: its Hessian is 0 and every rule it runs is right.
private struct PythagoreanOne: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [sin(x[0]) * sin(x[0]) + cos(x[0]) * cos(x[0])] }
}

/// (x + y)³ − x³ − 3x²y − 3xy² − y³, which is 0 for every x, y: its Hessian is 0, from terms near 6|x + y|.
private struct ExpandedCubeDifference: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
        let s = x[0] + x[1]
        let a = s * s * s - x[0] * x[0] * x[0]
        let b = 3 * x[0] * x[0] * x[1] + 3 * x[0] * x[1] * x[1]
        return [a - b - x[1] * x[1] * x[1]]
    }
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

    /// The two triangles of the forward-over-reverse Hessian come from different sweeps; where
    /// their terms cancel they differ by the terms' rounding. Held to 64ε·max|H|, right rules
    /// were rule-wrong at several of these 300 points, the first (−1.2315, −0.35): H[0][1] =
    /// −1.78e-15 against H[1][0] = 0, tolerance 2.52e-29.
    func testAHessianWhoseTermsCancelIsSymmetricWithinTheirRounding() throws {
        var convicted: [[Double]] = []
        for k in 0..<300 {
            let x = [Double(k) * 0.0137 - 1.3, Double(k % 17) * 0.11 - 0.9]
            let h = try hessian(of: { (z: [HessianScalar<Double>]) in ExpandedCubeDifference()(z)[0] }, at: x)
            let part = symmetryPart(h, label: "symmetry", pathMagnitude: hessianPathMagnitudes(ExpandedCubeDifference(), at: x))
            if part.verdict != .agree { convicted.append(x) }
        }
        XCTAssertEqual(convicted, [])
        // A real asymmetry, far above the terms' rounding, is still one.
        let x = [0.5, 0.25]
        let skewed = symmetryPart([[0, 1e-3], [0, 0]], label: "symmetry", pathMagnitude: hessianPathMagnitudes(ExpandedCubeDifference(), at: x))
        XCTAssertEqual(skewed.verdict, .ruleWrong, skewed.detail ?? "")
    }
}
