import XCTest
import AdjointCore
@testable import AdjointCheck

/// The check's difference rungs evaluate f without reading its tape (the check has its own
/// recording), and their estimates assumed each sample of f rounds by a few ulps of f. A product
/// of 200 factors rounds by up to 200 of them: central's h/2h estimate missed its own error by
/// 2.8 times, and the verdict held only by the tolerance's safety factor.
final class CheckRungRoundingTests: XCTestCase {
    /// ∏ₖ₌₁²⁰⁰ (1 + x/10⁶) · sin x, built as a loop multiplies.
    struct ProductTimesSine: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
            var p: T = 1
            for _ in 0..<200 { p = p * (1 + x[0] / 1_000_000) }
            return [p * T.sin(x[0])]
        }
    }

    /// f′(0.7) = 200·10⁻⁶·a¹⁹⁹·sin x + a²⁰⁰·cos x with a = 1 + x/10⁶, x the Double 0.7: mpmath at
    /// 40 digits gives 0.7650781341356251734519165187803918069308.
    static let truth = 0.7650781341356251734519165187803918069308

    /// Each difference rung alone on the ladder, so that its outcome is listed whatever it says.
    /// Before, central read 0.7650781350894249 ± 3.36·10⁻¹⁰ (off by 9.5·10⁻¹⁰) and Richardson
    /// 0.7650781341352955 ± 1.51·10⁻¹³ (off by 3.3·10⁻¹³); `differenceJacobian` alone, which
    /// reads its tape, gave central ± 1.16·10⁻⁸.
    func testEveryDifferenceRungsEstimateHoldsOnItsOwn() throws {
        for rung in [WitnessRung.differences(.central), .differences(.adaptive), .differences(.richardson)] {
            var o = CheckOptions()
            o.ladder = [rung]
            let r = try checkJacobian(of: ProductTimesSine(), at: [0.7], options: o)
            let outcome = try XCTUnwrap(r.entries.first?.first?.ladder.first { $0.witness == rung.name }, r.renderTable())
            let value = try XCTUnwrap(outcome.value), estimate = try XCTUnwrap(outcome.errorEstimate)
            XCTAssertLessThanOrEqual(Swift.abs(value - Self.truth), estimate, "\(rung.name): \(value) ± \(estimate)\n" + r.renderTable())
            XCTAssertTrue(outcome.warnings.isEmpty, "\(rung.name): \(outcome.warnings)")
        }
    }

    /// The default ladder still passes the right rules and convicts sin's rule 10⁻⁶ off, and the
    /// concurrent check, whose first witness is computed beside the recording's sweeps, tells
    /// its rungs the same rounding: its report is the serial one.
    func testTheDefaultCheckStillDecidesAndTheConcurrentOneAgrees() async throws {
        let right = try checkJacobian(of: ProductTimesSine(), at: [0.7])
        XCTAssertTrue(right.passed, right.renderTable())
        let entry = try XCTUnwrap(right.entries.first?.first)
        for o in entry.ladder where o.outcome != "not-available" {
            let value = try XCTUnwrap(o.value), estimate = try XCTUnwrap(o.errorEstimate)
            XCTAssertLessThanOrEqual(Swift.abs(value - Self.truth), estimate, "\(o.witness): \(value) ± \(estimate)")
        }
        let wrong = try RuleMutations.withMutation(RuleMutation(op: .sin, input: 0, factor: 1 + 1e-6)) {
            try checkJacobian(of: ProductTimesSine(), at: [0.7])
        }
        XCTAssertFalse(wrong.passed, wrong.renderTable())
        XCTAssertEqual(wrong.fault?.op, "sin", wrong.renderTable())
        let concurrent = try await checkJacobian(of: ProductTimesSine(), at: [0.7], tasks: 2)
        XCTAssertEqual(concurrent.toJSON(), right.toJSON())
    }
}
