import AdjointCore
import XCTest
@testable import AdjointCheck

/// The adaptive method accepted an agreement of its two stencils (at the first step, or of two
/// steps) where the gap showed no truncation at all, and the samples were a staircase of rounding
/// on the power-of-two lattice of its steps. f = (x + y)² − x² − 2xy − y² is 0 for every x, y (by
/// hand: (x + y)² = x² + 2xy + y²), so ∂f/∂x = ∂f/∂y = 0. At (−616819, −0.03125) x + y rounds to
/// multiples of ulp(616819) = 2⁻³³, f's samples at k·2⁻¹⁴ along y are exactly 0.0625·k·2⁻¹⁴, and
/// the adaptive method read 0.0625 ± 1.2·10⁻¹⁶ at once, unwarned (and spared the noise audit).
final class AdaptiveLatticeAgreementTests: XCTestCase {
    static let expanded = BlackBoxRoundingIsNoJumpTests.expanded
    static let handGradient = BlackBoxRoundingIsNoJumpTests.handGradient

    func testAStaircaseOfRoundingIsNotAConfidentSlope() throws {
        // Before: ∂f/∂y read 0.0625 ± 1.2e-16, 0.125 ± 2.3e-16, −0.015625 ± 6.8e-16 and
        // 0.0390625 ± 9.5e-16 at these points, every one unwarned, after 3 evaluations.
        for x in [[-616819, -0.03125], [993703, -0.0625], [-394761, -0.7421875], [-651732, 0.98046875], [35000, -0.125]] {
            let d = try differenceJacobian(evaluating: Self.expanded, at: x, method: .adaptive)
            for (j, e) in d.entries[0].enumerated() {
                XCTAssertTrue(Swift.abs(e.value) <= e.errorEstimate || e.warnings.contains(.noConvergence)
                                  || e.warnings.contains(.cancellation),
                              "∂f/∂x\(j) at \(x): \(e.value) ± \(e.errorEstimate) \(e.warnings) for a true 0")
            }
        }
    }

    /// Through the check, where f's measured noise is the probes' floor and no audit follows:
    /// the adaptive rung agreed on 0.25 at steps 2⁻²⁴ and 2⁻²⁵ along y at (35000, −0.125) and
    /// "disagreed" with 0.25 ± 4.7·10⁻¹⁶ (by hand 0). No rung that is not unreliable may exclude 0.
    func testTheCheckShowsNoConfidentAdaptiveRung() throws {
        let r = try checkBlackBoxGradient(of: { Self.expanded($0)[0] }, at: [35000, -0.125],
                                          claimedGradient: { Self.handGradient($0) })
        assertNoConfidentRungExcludesZero(r)
    }

    /// Smooth functions, including an input f is linear in (where the stencils agree exactly, as
    /// on a staircase), keep sharp, unwarned estimates. Truth by mpmath (30 digits): sin(x)·y at
    /// (1, 2): 2 cos 1, sin 1; eˣ/y at (0.5, 2): e^0.5/2, −e^0.5/4.
    func testSmoothFunctionsKeepSharpEstimates() throws {
        let cases: [([Double], ([Double]) -> [Double], [Double])] = [
            ([1, 2], { x in [sin(x[0]) * x[1]] }, [1.0806046117362794, 0.8414709848078965]),
            ([0.5, 2], { x in [exp(x[0]) / x[1]] }, [0.8243606353500641, -0.41218031767503205]),
        ]
        for (x, f, truth) in cases {
            let d = try differenceJacobian(evaluating: f, at: x, method: .adaptive)
            for (e, t) in zip(d.entries[0], truth) {
                XCTAssertTrue(e.warnings.isEmpty, "\(x): \(e)")
                XCTAssertLessThanOrEqual(Swift.abs(e.value - t), e.errorEstimate, "\(x): \(e)")
                XCTAssertLessThan(e.errorEstimate, 1e-8 * Swift.abs(t), "\(x): \(e)")
            }
            // The linear input costs at most one more evaluation than the 3 it had.
            if x == [1, 2] { XCTAssertLessThanOrEqual(d.entries[0][1].evaluations, 4, "\(d.entries[0][1])") }
        }
    }
}
