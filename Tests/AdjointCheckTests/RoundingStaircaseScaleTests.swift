import AdjointCore
import XCTest
@testable import AdjointCheck

/// f = (x + y)² − x² − 2xy − y² is 0 for every x, y (by hand: (x + y)² = x² + 2xy + y²), so
/// ∂f/∂x = ∂f/∂y = 0. As Double computes it, f is the rounding of terms near (x + y)²: a
/// staircase whose treads are a power of two wide in (x + y)², and, below ulp(x + y)/2 of y,
/// where x + y does not move, the line −2xy − y². Differences that settle on one of those scales
/// say nothing of f′ at the others.
final class RoundingStaircaseScaleTests: XCTestCase {
    static let expanded = BlackBoxRoundingIsNoJumpTests.expanded

    /// Along y at (−107966, −1.60546875), 2(x + y) = −215935.2109375 lies −0.7890625 off a
    /// multiple of 2⁷ and (x + y)² rounds to multiples of 2⁻¹⁹, so at y + k·2⁻²⁵ f is −0.7890625·k·2⁻²⁵
    /// to 10⁻⁶ of its slope (Python, exact rationals of the Double samples), while 20,000 samples
    /// within 10⁻⁶ of y reach 2.5·10⁻⁶ (Python). The adaptive steps 2⁻²⁵ and 2⁻²³ agreed on
    /// −0.7890625; the one sample off their lattice stood 7.6·10⁻⁸ off that line, and the estimate,
    /// widened by that miss alone, came out −0.7890625 ± 0.344 with no warning (truth 0). The
    /// noise audit had measured σ = 1.8·10⁻¹¹: its columns too were coherent with the staircase.
    func testAnAgreementTheOffLatticeSampleRefutesIsNoEstimate() throws {
        let d = try differenceJacobian(evaluating: Self.expanded, at: [-107966, -1.60546875], method: .adaptive)
        for (j, e) in d.entries[0].enumerated() {
            XCTAssertTrue(Swift.abs(e.value) <= e.errorEstimate || e.warnings.contains(.noConvergence)
                              || e.warnings.contains(.cancellation),
                          "∂f/∂x\(j): \(e.value) ± \(e.errorEstimate) \(e.warnings) for a true 0")
        }
    }

    /// Along y at (35005.92, 0): below ulp(35005.92)/2 = 3.6·10⁻¹² of y, x + y rounds to x and f is
    /// exactly −2xy − y² (f(x, 10⁻¹²)/10⁻¹² = −70011.84 in Python), so the adaptive rung
    /// (8.9·10⁻¹⁶) and the step scan's finest levels settled on −2x = −70011.84 ± 3·10⁻¹¹; above
    /// it f is rounding, up to 4.1·10⁻⁷ within 10⁻³ of y (Python), and central's 7.6·10⁻⁶ read
    /// 0.00375 (Python: the same). The right claim 0 was rule-wrong; the step scan's coarser
    /// levels, with the noise their own samples show, read it.
    func testARightClaimIsNotConvictedOnStepsBelowTheRoundingOfAnIntermediate() throws {
        let r = try checkBlackBoxGradient(of: { Self.expanded($0)[0] }, at: [35005.92, 0], claimedGradient: { _ in [0, 0] })
        for e in r.entries.joined() {
            switch e.verdict {
            case .agree, .fdInconclusive: break
            default: XCTFail("entry [\(e.output)][\(e.input)] is \(e.verdict.name)\n" + r.renderTable())
            }
        }
    }

    /// A claim that is wrong at every scale there is still convicted: ∂f/∂y claimed 1, where the
    /// coarse levels read 0 and the fine ones −70011.84.
    func testAClaimWrongAtEveryScaleIsStillConvicted() throws {
        let r = try checkBlackBoxGradient(of: { Self.expanded($0)[0] }, at: [35005.92, 0], claimedGradient: { _ in [0, 1] })
        XCTAssertEqual(r.entries[0][1].verdict.name, "rule-wrong", r.renderTable())
    }

    /// A side of x flat at the jump test's points and the other's table refusing every column as a
    /// pole (one nonzero sample among 0s) is the pattern last seen at (486250.98, −792361.73),
    /// whose digits were lost; this point, drawn near them, has it along x₀: f is 0 or ±1.22·10⁻⁴
    /// there (ulp(2xy) = 2⁻¹³, Python), the flat side measured 0, the other nothing, and the
    /// difference across x, one quantum −1.22·10⁻⁴, was a jump beside that 0. Counting the
    /// unmeasured side's finest column's spread (1.22·10⁻⁴, 4·1.22·10⁻⁴ allowed) calls none.
    func testAFlatSideBesideAnUnmeasuredOneAllowsNoJump() throws {
        let x = [486250.979412072, -792361.7314336438]
        let r = try checkBlackBoxGradient(of: { Self.expanded($0)[0] }, at: x, claimedGradient: { _ in [0, 0] })
        for e in r.entries.joined() {
            switch e.verdict {
            case .agree, .fdInconclusive: break
            default: XCTFail("entry [\(e.output)][\(e.input)] is \(e.verdict.name)\n" + r.renderTable())
            }
        }
    }
}
