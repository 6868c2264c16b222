import AdjointCheck
import AdjointCore
import XCTest
import AdjointTesting

/// The harness's black-box Hessian at an entry far below its row (see
/// `BlackBoxTinyEntryBesideItsRowTests`): f = x₀²/2 + x₀x₁ + 10⁻¹⁶·x₁²/2 at (10⁻⁸, 2·10⁻⁸), whose
/// Hessian is [[1, 1], [1, 10⁻¹⁶]] by hand. A claimed H₁₁ 0.1% off passed `assertHessian`.
final class TinyHessianEntryPropertyTests: XCTestCase {
    static let f: @Sendable ([Double]) -> Double = { x in x[0] * x[0] / 2 + x[0] * x[1] + 1e-16 * x[1] * x[1] / 2 }
    static let gradient: @Sendable ([Double]) -> [Double] = { x in [x[0] + x[1], x[0] + 1e-16 * x[1]] }

    func testAHessianOffByAThousandthOfItsTinyEntryDoesNotPass() {
        var o = AdjointTestOptions()
        o.trials = 1
        let off = checkProperty(.blackBoxHessian(of: Self.f, gradient: Self.gradient, claimed: { _ in [[1, 1], [1, 1.001e-16]] },
                                                 inputs: .point([1e-8, 2e-8])), options: o)
        XCTAssertFalse(off.passed, off.message)
        let right = checkProperty(.blackBoxHessian(of: Self.f, gradient: Self.gradient, claimed: { _ in [[1, 1], [1, 1e-16]] },
                                                   inputs: .point([1e-8, 2e-8])), options: o)
        XCTAssertTrue(right.passed, right.message)
    }
}
