import XCTest
import Foundation
@testable import AdjointCheck
import AdjointCore

/// Ways the check could be fooled, each shown to give an honest verdict: a hand linearisation that
/// loses the second derivative, a jump, conflicting witnesses, a directional disagreement.
final class CheckLogicTests: XCTestCase {
    /// G(x) = f′(x) for f = W (Lambert W) linearised by hand at the current point: value and slope
    /// are right at every x, but the slope enters as a constant read through approximateDouble, so
    /// AD of G (the second derivative of f) is 0 while the true one is W″(x) ≠ 0.
    struct LinearisedGradient: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
            [derivative(of: { (y: Dual<T, T>) -> Dual<T, T> in
                let y0 = y.approximateDouble
                let w0 = lambertW(y0)
                let slope = w0 / (y0 * (1 + w0))
                return Dual(constant: T(w0)) + Dual(constant: T(slope)) * (y - Dual(constant: T(y0)))
            }, at: x[0])]
        }
    }

    func testTheWrongHessianTrapIsNeverAgree() throws {
        let r = try checkJacobian(of: LinearisedGradient(), at: [1.0])
        let v = r.entries[0][0].verdict
        XCTAssertTrue(v.name == "rule-wrong" || v.name == "fd-inconclusive", r.renderTable())
        XCTAssertFalse(r.passed)
        XCTAssertGreaterThan(r.escapes, 0, "the conversion to Double is counted")
        XCTAssertTrue(r.adAllZero, r.renderTable())
        XCTAssertTrue(r.renderTable().contains("approximateDouble"), r.renderTable())
        // The complex step follows the same broken path and is marked so, not trusted.
        let cs = r.entries[0][0].ladder.first { $0.witness == "complex-step" }
        XCTAssertEqual(cs?.outcome, "unreliable")
        XCTAssertTrue(cs?.warnings.contains(.notIndependent) ?? false)
    }

    /// f(x) = x for x < 0, x + 1 otherwise: a jump of 1 at 0, where AD takes the right branch.
    struct Jump: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] < 0 ? x[0] : x[0] + 1] }
    }

    func testAJumpIsADiscontinuityNeverAgree() throws {
        let r = try checkJacobian(of: Jump(), at: [0.0])
        guard case .discontinuity(let jump) = r.entries[0][0].verdict else {
            return XCTFail("expected a discontinuity:\n\(r.renderTable())")
        }
        XCTAssertEqual(jump, 1, accuracy: 1e-6)
        XCTAssertFalse(r.passed)
        // Away from the jump the same function is fine.
        XCTAssertTrue(try checkJacobian(of: Jump(), at: [0.5]).passed)
    }

    struct Square: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] * x[0]] }
    }

    func testOneAgreeingWitnessDoesNotOverruleTwoDisagreeingOnes() throws {
        // d/dx x² at 3 is 6. Two witnesses claiming 7 with tiny error estimates, then one claiming 6.
        func witness(_ name: String, _ value: Double) -> WitnessRung {
            .custom(name: name, errorEstimate: 1e-12, jacobian: { _ in [[value]] })
        }
        var o = CheckOptions()
        o.directionSeed = nil
        o.ladder = [witness("a", 7), witness("b", 7), witness("c", 6)]
        let r = try checkJacobian(of: Square(), at: [3.0], options: o)
        XCTAssertEqual(r.entries[0][0].verdict, .fdInconclusive(reasons: [.witnessesConflict]), r.renderTable())
        // One disagreeing estimate followed by an agreeing one is an estimate that failed: agree.
        o.ladder = [witness("a", 7), witness("c", 6)]
        XCTAssertEqual(try checkJacobian(of: Square(), at: [3.0], options: o).entries[0][0].verdict, .agree)
        // Two reliable disagreements and nothing agreeing: rule-wrong.
        o.ladder = [witness("a", 7), witness("b", 7)]
        XCTAssertEqual(try checkJacobian(of: Square(), at: [3.0], options: o).entries[0][0].verdict.name, "rule-wrong")
    }

    func testTheDirectionalCheckCountsAndHonoursCheckForward() throws {
        var o = CheckOptions()
        o.checkForward = false
        let r = try checkJacobian(of: Square(), at: [3.0], options: o)
        XCTAssertNil(r.directional, "the directional check is forward mode: off with checkForward = false")
        var base = try checkJacobian(of: Square(), at: [3.0])
        XCTAssertEqual(base.directional?.agrees, true)
        XCTAssertTrue(base.passed)
        base.directional = DirectionalCheck(seed: 1, direction: [1], forward: [6], difference: [7],
                                            errorEstimate: [1e-12], agrees: false)
        XCTAssertFalse(base.passed, "a disagreeing directional check fails the report")
    }

    /// The check's own forward sweep over a recording (how far a difference step moves each kink)
    /// takes division's products as forward mode does, so a partial that underflows does not
    /// zero the sensitivity. f = x/(1e280·t) at (x, t) = (3e-200, 2e-193), where the divisor is
    /// 2e87 and carries the tangent 1e280; by hand ∂f/∂x = 1/(1e280·t) = 5e-88 and
    /// ∂f/∂t = −x/(1e280·t²) = −3e-200/4e-106 = −7.5e-95, while ∂(x/y)/∂y = −7.5e-375 is 0 in Double.
    func testTheKinkSensitivitySweepKeepsDivisionProductsThatItsPartialLoses() throws {
        let rec = try record({ [$0[0] / (1e280 * $0[1])] }, at: [3e-200, 2e-193])
        let graph = TapeGraph(rec)
        guard let out = rec.outputs[0].node else { return XCTFail("the output is not on the tape") }
        let (dx, dt) = (graph.tangents(input: 0)[out], graph.tangents(input: 1)[out])
        XCTAssertEqual(dx, 5e-88, accuracy: 4 * Double.ulpOfOne * 5e-88)
        XCTAssertEqual(dt, -7.5e-95, accuracy: 4 * Double.ulpOfOne * 7.5e-95)
    }
}
