import AdjointCheck
import AdjointCore
import XCTest
@testable import AdjointTesting

private struct XTimesLogX: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] * T.log(x[0])] }
}

private struct XSquaredOverX300: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] * x[0] / T.powi(x[0], 300)] }
}

/// A second derivative lost to Double's range is a range loss, not a wrong rule.
final class SecondOrderRangeLossTests: XCTestCase {
    var once: AdjointTestOptions {
        var o = AdjointTestOptions()
        o.trials = 1
        return o
    }

    /// x·log x at 1e200: f″ = 1/x = 1e-200 by hand. Forward-over-reverse gave 2e-200, since
    /// log's partial 1/x has the tangent −1/x² = −10⁻⁴⁰⁰ along the direction, which underflows
    /// before x multiplies it; reverse-over-forward keeps it. assertHessian failed the point as
    /// rule-wrong, blaming the registry's rules for the range, and then as range-loss. The
    /// library's product now recovers the term, and the point passes.
    func testALossToTheRangeIsNotCalledAWrongRule() throws {
        let r = checkProperty(.hessian(of: XTimesLogX(), inputs: .vector(1, .fixed(1e200))), options: once)
        XCTAssertTrue(r.passed, r.message)
        XCTAssertEqual(try hessian(of: XTimesLogX(), at: [1e200])[0][0], 1e-200, accuracy: 1e-14 * 1e-200)
        // In the normal range the same function passes.
        XCTAssertTrue(checkProperty(.hessian(of: XTimesLogX(), inputs: .vector(1, .uniform(0.5...50))), options: once).passed)
    }

    /// x²/x³⁰⁰ at 10: f″ = 298·299·10⁻³⁰⁰ = 8.9102·10⁻²⁹⁶ by hand. Every pass lost the adjoint of
    /// x³⁰⁰ (−10⁻⁵⁹⁸) alike: the Hessian came out −5.98·10⁻²⁹⁸ and the point passed on references
    /// that lost the same term. With the product recovered alone, the gradient's differences (0)
    /// and reverse-over-forward convicted it; all three are recovered now, and the point passes
    /// with the right value.
    func testAnAdjointLostByEveryPassIsRecoveredByEvery() throws {
        XCTAssertEqual(try hessian(of: XSquaredOverX300(), at: [10])[0][0], 89102e-300, accuracy: 1e-12 * 89102e-300)
        let r = checkProperty(.hessian(of: XSquaredOverX300(), inputs: .vector(1, .fixed(10))), options: once)
        XCTAssertTrue(r.passed, r.message)
    }
}
