import AdjointCore
import Foundation
import XCTest
import AdjointCheck

/// An entry far below its row: f = x₀²/2 + x₀x₁ + 10⁻¹⁶·x₁²/2, whose Hessian is, by hand,
/// [[1, 1], [1, 10⁻¹⁶]] everywhere, checked as the Jacobian of its gradient (x₀ + x₁, x₀ + 10⁻¹⁶x₁)
/// at (10⁻⁸, 2·10⁻⁸), as `assertHessian`'s black box does. H₁₁ sits 10¹⁶ below H₁₀, inside the
/// allowance for a claim's rounding on the row's scale (64ε·1 = 1.4·10⁻¹⁴), so every rung agreed
/// with it; the step scan, asked to resolve only the entry itself, stopped at ± 1.2·10⁻¹⁹ and passed
/// a claim 0.1% off within 4.9·10⁻¹⁹, beside Richardson's 9.9999999·10⁻¹⁷ ± 1.4·10⁻²², which
/// excludes it 700 times over. Such a claim is not passed now: it is what rounding on the row's
/// scale may give, or wrong (row-rounding).
final class BlackBoxTinyEntryBesideItsRowTests: XCTestCase {
    static let gradient: @Sendable ([Double]) -> [Double] = { x in [x[0] + x[1], x[0] + 1e-16 * x[1]] }
    static let x = [1e-8, 2e-8]

    func testAClaimOffByAThousandthOfATinyEntryIsNotPassed() throws {
        for factor in [1.001, 1.01] {
            let r = try checkBlackBoxJacobian(of: Self.gradient, at: Self.x, claimed: { _ in [[1, 1], [1, 1e-16 * factor]] })
            XCTAssertEqual(r.entries[1][1].verdict, .fdInconclusive(reasons: [.rowRounding]), "\(factor)\n" + r.renderTable())
            XCTAssertFalse(r.passed, "\(factor)\n" + r.renderTable())
        }
    }

    func testTheRightHessianStillPasses() throws {
        let r = try checkBlackBoxJacobian(of: Self.gradient, at: Self.x, claimed: { _ in [[1, 1], [1, 1e-16]] })
        XCTAssertTrue(r.passed, r.renderTable())
        let e = r.entries[1][1]
        let witness = try XCTUnwrap(e.witnessValue), tolerance = try XCTUnwrap(e.tolerance)
        XCTAssertLessThanOrEqual(Swift.abs(witness - 1e-16), tolerance, r.renderTable())
    }
}
