import AdjointCore
import Foundation
import XCTest
@testable import AdjointCheck

/// A continuous f that varies on a scale below the jump test's steps is not called discontinuous.
/// `jac check "cos(relu(z)*1e10)" --at z=-7e-102` said "discontinuity (jump ≈ −1.99) … no derivative
/// exists" and failed: the differences at steps 2⁻¹⁰, 2⁻²⁰, 2⁻³⁰ read cos(10¹⁰h) − 1, which has
/// not started to shrink there. By hand, f = cos 0 = 1 for z < 0, so f′(z) = 0 at any z < 0, and
/// f is continuous at relu's kink (cos(10¹⁰·0⁺) = 1).
final class OscillationIsNoJumpTests: XCTestCase {
    struct FastBesideAKink: ADFunction {
        var frequency: Double
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.cos(T.relu(x[0]) * T(frequency))] }
    }
    struct FastBesideAKinkOfSine: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.cos(T.relu(T.sin(x[0])) * T(1e30)) / T(1e8)] }
    }
    /// A real jump of 1 at 0 with slope 10⁶ on both sides: its differences at the first steps are
    /// mostly slope (1 + 2h·10⁶: 1954, 2.9, 1.002 at 2⁻¹⁰, 2⁻²⁰, 2⁻³⁰) and settle on the jump only
    /// further down. The three steps read them as shrinking, so the one-sided 10⁶ the modes
    /// compute (AD takes the x ≥ 0 branch) passed as agree.
    struct SteepJump: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] < 0 ? T(1e6) * x[0] : T(1e6) * x[0] + 1] }
    }

    /// A jump of 1 at −10⁻¹⁰⁰, checked at 0: f = x + 1 for 10⁻¹⁰⁰ around 0, so f′(0) = 1 by hand,
    /// and every step of the jump test crossed it ("discontinuity, no derivative exists" before).
    struct JumpBesideThePoint: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] < T(-1e-100) ? x[0] : x[0] + 1] }
    }

    func testAJumpBesideThePointIsNotAJumpAtIt() throws {
        let r = try checkJacobian(of: JumpBesideThePoint(), at: [0.0])
        if case .discontinuity = r.entries[0][0].verdict { XCTFail(r.renderTable()) }
        XCTAssertTrue(r.passed, r.renderTable())
        XCTAssertEqual(r.entries[0][0].subjects.first?.value, 1)
        // At the jump itself it is still one.
        let at = try checkJacobian(of: JumpBesideThePoint(), at: [-1e-100])
        guard case .discontinuity(let jump) = at.entries[0][0].verdict else { return XCTFail(at.renderTable()) }
        XCTAssertEqual(jump, 1, accuracy: 1e-6)
    }

    func testAFastOscillationBesideAKinkIsNotAJump() throws {
        for frequency in [1e10, 1e30] {
            let r = try checkJacobian(of: FastBesideAKink(frequency: frequency), at: [-7e-102])
            if case .discontinuity = r.entries[0][0].verdict { XCTFail("\(frequency):\n" + r.renderTable()) }
            XCTAssertTrue(r.passed, "\(frequency): the modes' 0 is right (f is 1 left of the kink)\n" + r.renderTable())
        }
        let r = try checkJacobian(of: FastBesideAKinkOfSine(), at: [-7.246669379047521e-102])
        if case .discontinuity = r.entries[0][0].verdict { XCTFail(r.renderTable()) }
    }

    func testAJumpWithSteepSidesIsStillADiscontinuity() throws {
        let r = try checkJacobian(of: SteepJump(), at: [0.0])
        guard case .discontinuity(let jump) = r.entries[0][0].verdict else {
            return XCTFail("expected a discontinuity:\n\(r.renderTable())")
        }
        XCTAssertEqual(jump, 1, accuracy: 1e-3)
        XCTAssertFalse(r.passed)
    }
}
