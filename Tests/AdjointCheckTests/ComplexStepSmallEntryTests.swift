import AdjointCore
import XCTest
@testable import AdjointCheck

/// The complex step's one combined check bounds every column by the row's rounding, shared out
/// among the columns: an entry 10⁻¹⁰ of its row got a bound above itself although the complex
/// step (nothing cancels) had it to the last digit, and the check, which no longer passes an
/// entry its witness cannot tell from its negative, reported the right gradient of a radius
/// inconclusive. By hand ∂√(x₀² + x₁² + x₂²)/∂xⱼ = xⱼ/r.
final class ComplexStepSmallEntryTests: XCTestCase {
    struct Radius: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.sqrt(x[0] * x[0] + x[1] * x[1] + x[2] * x[2])] }
    }
    let x = [1e4, 1e-3, 1e-6]
    var gradient: [Double] {
        let r = (x[0] * x[0] + x[1] * x[1] + x[2] * x[2]).squareRoot()
        return x.map { $0 / r }
    }

    func testEachEntryGetsABoundBelowItself() throws {
        let d = try differenceJacobian(of: Radius(), at: x, method: .complexStep)
        for j in 0..<3 {
            let e = d.entries[0][j]
            XCTAssertEqual(e.value, gradient[j], accuracy: 1e-14 * Swift.abs(gradient[j]), "column \(j)")
            XCTAssertLessThan(CheckOptions.errorEstimateSafety * e.errorEstimate, Swift.abs(gradient[j]), "column \(j): \(e)")
            // The bound still covers the value's distance from the hand derivative.
            XCTAssertLessThanOrEqual(Swift.abs(e.value - gradient[j]), e.errorEstimate, "column \(j): \(e)")
        }
    }

    func testTheRightGradientPassesAndItsSignFlipIsConvicted() async throws {
        let right = try checkJacobian(of: Radius(), at: x)
        XCTAssertTrue(right.passed, right.renderTable())
        var flipped = [gradient]
        flipped[0][2] = -flipped[0][2]
        let wrong = try checkJacobian(of: Radius(), at: x, claimed: { _ in flipped })
        XCTAssertEqual(wrong.entries[0][2].verdict, .ruleWrong(subjects: ["claimed"]), wrong.renderTable())
        let parallel = try await checkJacobian(of: Radius(), at: x, tasks: 2)
        XCTAssertEqual(parallel.toJSON(), right.toJSON())
    }

    /// In Float at (2.49·10⁶, 0.0726, −0.00182), ∂r/∂x₁ = 2.9·10⁻⁸ and ∂r/∂x₂ = −7.3·10⁻¹⁰: the
    /// complex step matched AD to the digit with shared bounds of 3·10⁻⁴ and 0.025, and the
    /// right gradient was below-resolution.
    func testTheRightFloatGradientPasses() async throws {
        let xf: [Float] = [2493545.75, 0.0726356, -0.00182446]
        let right = try checkJacobian(of: Radius(), at: xf)
        XCTAssertTrue(right.passed, right.renderTable())
        let parallel = try await checkJacobian(of: Radius(), at: xf, tasks: 2)
        XCTAssertEqual(parallel.toJSON(), right.toJSON())
    }
}
