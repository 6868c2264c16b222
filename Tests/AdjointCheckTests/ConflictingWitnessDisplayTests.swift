import AdjointCore
import XCTest
@testable import AdjointCheck

/// A black box whose intermediate is quantised: f = (x₀ + 10⁸) − 10⁸ + x₁x₀ at (0.3, 0.7), so by
/// hand ∂f/∂x₀ = 1 + x₁ = 1.7 and ∂f/∂x₁ = x₀ = 0.3. Below ulp(10⁸) ≈ 1.5·10⁻⁸ the first term is
/// flat, and a difference there settles on x₁ = 0.7 with a small estimate (found by a notebook
/// reader). Every rung excludes a claim 10⁻⁵ off, so the conviction is right; the value shown for
/// it must not be 0.7 while central and adaptive agree with each other on 1.7.
final class ConflictingWitnessDisplayTests: XCTestCase {
    static let shifted: @Sendable ([Double]) -> [Double] = { x in [(x[0] + 1e8) - 1e8 + x[1] * x[0]] }

    func testAConvictionShowsTheWitnessTheOthersCorroborate() throws {
        let x = [0.3, 0.7]
        let report = try checkBlackBoxJacobian(of: Self.shifted, at: x, claimed: { _ in [[1.7 + 1e-5, 0.3]] })
        let e = report.entries[0][0]
        XCTAssertEqual(e.verdict, .ruleWrong(subjects: ["claimed"]), report.renderTable())
        let shown = try XCTUnwrap(e.witnessValue, report.renderTable())
        XCTAssertEqual(shown, 1.7, accuracy: 1e-6, report.renderTable())
        XCTAssertLessThan(e.tolerance ?? .infinity, 1e-5, "the shown witness still excludes the claim")
        // The rung that settled below the quantum is still in the ladder for the reader.
        let values = e.ladder.compactMap(\.value)
        XCTAssertTrue(values.contains { Swift.abs($0 - 0.7) < 1e-6 }, "\(e.ladder)")
    }

    func testTheMostCorroboratedRungIsTheMajorityOne() {
        func rung(_ name: String, _ v: Double, _ e: Double) -> RungOutcome {
            RungOutcome(witness: name, value: v, errorEstimate: e, step: 1e-3, outcome: "disagree", warnings: [])
        }
        let a = rung("central", 1.7, 1e-7), b = rung("adaptive", 1.7 + 1e-8, 1e-9), c = rung("richardson", 0.7, 1e-10)
        XCTAssertEqual(BlackBoxChecker<Double>.mostCorroborated([a, b, c])?.witness, "adaptive")
        XCTAssertNil(BlackBoxChecker<Double>.mostCorroborated([a, b]), "no two contradict each other")
    }
}
