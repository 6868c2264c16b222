import AdjointCheck
import AdjointCore
import Foundation
import XCTest

/// A term that varies on the scale of one unit of the input (sin x at 10⁸) beside steps scaled to
/// |x|: the steps span many of its periods and see it averaged away (UnitScaleLook.swift). The
/// derivatives are mpmath's at the exact Doubles (40 digits; scripts/large_argument_scan_reference.py
/// computes the scan's the same way); the scan itself is LargeArgumentScan.
final class LargeArgumentTests: XCTestCase {
    /// A new user's f, sin(x₀)·x₁ + x₀x₁, and its point.
    let userF: ([Double]) -> [Double] = { x in [sin(x[0]) * x[1] + x[0] * x[1]] }
    let userPoint = [164029050.4564564, 37413588.72122924]
    /// ∂f/∂x₀ = cos(x₀)·x₁ + x₁ there (mpmath): the x₁ term alone is 37413588.7.
    let userTruth = 51008147.96690384721959599

    /// Each method's estimate holds (the truth within its error bound) or carries a warning.
    func assertHoldsOrWarned(_ e: DifferenceEstimate, truth: Double, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertTrue(!e.warnings.isEmpty || Swift.abs(e.value - truth) <= e.errorEstimate,
                      "\(what): \(e.value) ± \(e.errorEstimate) \(e.warnings), true \(truth)", file: file, line: line)
    }

    /// Central's default step at x₀ ≈ 1.6·10⁸ is 2048: it read 37411510.7 ± 35, unwarned, the x₁
    /// term alone. Every method now holds or says why, and Richardson and the adaptive method,
    /// which choose their steps, resolve it.
    func testTheUsersEstimateHoldsOrIsWarned() throws {
        for method in [DifferenceMethod.central, .richardson, .adaptive] {
            let d = try differenceJacobian(evaluating: userF, at: userPoint, method: method)
            assertHoldsOrWarned(d.entries[0][0], truth: userTruth, method.rawValue)
        }
        for method in [DifferenceMethod.richardson, .adaptive] {
            let e = try differenceJacobian(evaluating: userF, at: userPoint, method: method).entries[0][0]
            XCTAssertEqual(e.warnings, [], "\(method.rawValue): \(e)")
            XCTAssertLessThan(e.errorEstimate, 1e-4 * userTruth, "\(method.rawValue): \(e)")
        }
    }

    /// sin x at 10⁸, 10¹⁰, 10¹²: f rounds by ulps of 1, so steps far below a radian resolve cos x.
    /// Central's steps 1024 to 8·10⁶ read 5.6·10⁻⁵ ± 2.4·10⁻⁷ and 4.1·10⁻⁸ ± 2.6·10⁻⁸ unwarned;
    /// x·sin x the same times x. 10⁻⁹x², smooth on the scale of x, is read as before.
    func testSinAtLargeArgumentsHoldsOrIsWarned() throws {
        // cos x by mpmath at the Doubles 1e8, 1e10, 1e12.
        let cosines: [(Double, Double)] = [
            (1e8, -0.3633850893556905538723753525), (1e10, 0.8731196226768560011761913453),
            (1e12, 0.7914463018528902700537662141),
        ]
        for (x, c) in cosines {
            for method in [DifferenceMethod.central, .richardson, .adaptive] {
                let s = try differenceJacobian(evaluating: { [sin($0[0])] }, at: [x], method: method).entries[0][0]
                assertHoldsOrWarned(s, truth: c, "sin at \(x), \(method.rawValue)")
                // d/dx (x sin x) = sin x + x cos x, with sin x from mpmath too.
                let sine = x == 1e8 ? 0.9316390271097260080275166536 : x == 1e10 ? -0.4875060250875106915277943 : -0.6112387023768894981920204
                let xs = try differenceJacobian(evaluating: { [$0[0] * sin($0[0])] }, at: [x], method: method).entries[0][0]
                assertHoldsOrWarned(xs, truth: sine + x * c, "x·sin x at \(x), \(method.rawValue)")
                // A function smooth on the scale of x there keeps its tight, unwarned estimate:
                // d/dx (10⁻⁹·x²) = 2·10⁻⁹·x by hand.
                let smooth = try differenceJacobian(evaluating: { [$0[0] * $0[0] * 1e-9] }, at: [x], method: method).entries[0][0]
                XCTAssertEqual(smooth.warnings, [], "10⁻⁹x² at \(x), \(method.rawValue): \(smooth)")
                XCTAssertEqual(smooth.value, 2e-9 * x, accuracy: Swift.max(smooth.errorEstimate, 1e-15 * x), "\(method.rawValue): \(smooth)")
                XCTAssertLessThan(smooth.errorEstimate, 1e-6 * 2e-9 * x, "10⁻⁹x² at \(x), \(method.rawValue): \(smooth)")
            }
        }
    }

    /// sin(x) + x at 5.1·10¹²: the adaptive method agreed at its first step (5·10⁸) on
    /// 1.0000000000320028 ± 2·10⁻¹⁰ and Richardson settled on 1.000000000002231 ± 1.3·10⁻¹¹, where
    /// cos x + 1 = 0.0938 (mpmath); f rounds by 10⁻³ there, so no difference resolves it sharply,
    /// and each now says so.
    func testAnAveragedSlopeBesideALinearTermIsNotSettledOn() throws {
        let truth = 0.09381530276497512680363465
        for method in [DifferenceMethod.central, .richardson, .adaptive] {
            let e = try differenceJacobian(evaluating: { [sin($0[0]) + $0[0]] }, at: [5134365232311.668], method: method).entries[0][0]
            assertHoldsOrWarned(e, truth: truth, method.rawValue)
        }
    }

    /// Richardson settled on sin x at −65886.04 to 10⁻¹⁶ (cos x = 0.8463946645028801, mpmath), and
    /// the off-lattice slope ladder, climbing to 0.125·|x| where the sine is averaged, widened it
    /// to ± 0.88. Its rungs stop at a unit now.
    func testTheSlopeLadderDoesNotClimbPastAUnit() throws {
        let e = try differenceJacobian(evaluating: { [sin($0[0])] }, at: [-65886.04274885717], method: .richardson).entries[0][0]
        XCTAssertEqual(e.warnings, [], "\(e)")
        XCTAssertLessThan(e.errorEstimate, 1e-8, "\(e)")
        XCTAssertEqual(e.value, 0.8463946645028801392633480, accuracy: e.errorEstimate)
    }

    /// The black box at the user's point: the sign-flipped ∂f/∂x₀ was a "kink" (the one-sided pair
    /// at steps of 10³ read the averaged slopes apart), the right one passes.
    func testTheUsersFlippedClaimIsConvictedAndTheRightOnePasses() throws {
        let f: ([Double]) -> Double = { x in sin(x[0]) * x[1] + x[0] * x[1] }
        let right: ([Double]) -> [Double] = { x in [cos(x[0]) * x[1] + x[1], sin(x[0]) + x[0]] }
        let flipped: ([Double]) -> [Double] = { x in [-(cos(x[0]) * x[1] + x[1]), sin(x[0]) + x[0]] }
        let r = try checkBlackBoxGradient(of: f, at: userPoint, claimedGradient: right)
        XCTAssertEqual(r.entries[0][0].verdict, .agree, r.renderTable())
        let w = try checkBlackBoxGradient(of: f, at: userPoint, claimedGradient: flipped)
        XCTAssertEqual(w.entries[0][0].verdict.name, "rule-wrong", w.renderTable())
        XCTAssertEqual(w.entries[0][1].verdict, .agree, w.renderTable())
    }

    /// sin(x) + x at 2.9·10⁸ as a black box: the check's noise table, spaced 2⁻²⁰·|x| ≈ 270,
    /// measured the sine as noise of σ ≈ 0.5, and the right cos x + 1 = 1.9516 (mpmath) was
    /// inconclusive (noisy-evaluation) beside witnesses settled on 1.0; its negative too.
    func testAUnitScaleTermIsNotTakenForNoise() throws {
        let truth = 1.951596485929198629083435
        let f: ([Double]) -> Double = { x in sin(x[0]) + x[0] }
        let r = try checkBlackBoxGradient(of: f, at: [285856255.3313364], claimedGradient: { _ in [truth] })
        XCTAssertEqual(r.entries[0][0].verdict, .agree, r.renderTable())
        XCTAssertTrue(r.measuredNoise.isEmpty, "\(r.measuredNoise)")
        let w = try checkBlackBoxGradient(of: f, at: [285856255.3313364], claimedGradient: { _ in [-truth] })
        XCTAssertEqual(w.entries[0][0].verdict.name, "rule-wrong", w.renderTable())
    }
}
