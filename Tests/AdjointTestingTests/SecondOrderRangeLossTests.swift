import AdjointCheck
import AdjointCore
import XCTest
@testable import AdjointTesting

private struct XTimesLogX: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] * T.log(x[0])] }
}

/// A second derivative lost to Double's range is a range loss, not a wrong rule.
final class SecondOrderRangeLossTests: XCTestCase {
    var once: AdjointTestOptions {
        var o = AdjointTestOptions()
        o.trials = 1
        return o
    }

    /// x·log x at 1e200: f″ = 1/x = 1e-200 by hand. Forward-over-reverse gives 2e-200, since
    /// log's partial 1/x has the tangent −1/x² = −10⁻⁴⁰⁰ along the direction, which underflows
    /// before x multiplies it; reverse-over-forward keeps it. assertHessian failed the point as
    /// rule-wrong, blaming the registry's rules for the range. It still fails, as range-loss.
    func testALossToTheRangeIsNotCalledAWrongRule() throws {
        let r = checkProperty(.hessian(of: XTimesLogX(), inputs: .vector(1, .fixed(1e200))), options: once)
        let f = try XCTUnwrap(r.failure, r.message)
        XCTAssertEqual(f.verdict, .rangeLoss, r.message)
        let modes = try XCTUnwrap(f.outcome.parts.first { $0.label.hasPrefix("H·v: forward-over-reverse") })
        XCTAssertEqual(modes.verdict, .rangeLoss)
        XCTAssertTrue(modes.detail?.contains("no rule is blamed") ?? false, modes.detail ?? "")
        XCTAssertFalse(f.outcome.parts.contains { $0.verdict == .ruleWrong }, "\(f.outcome.parts.map { ($0.label, $0.verdict) })")
        // In the normal range the same function passes.
        XCTAssertTrue(checkProperty(.hessian(of: XTimesLogX(), inputs: .vector(1, .uniform(0.5...50))), options: once).passed)
    }
}
