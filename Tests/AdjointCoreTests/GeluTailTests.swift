import XCTest
import AdjointCore

/// gelu′ = Φ(x) + x·φ(x) and gelu″ = φ(x)·(2 − x²) (by hand, with φ′ = −x·φ). Where x² overflows,
/// φ(x) is far below the least Double, so in Double gelu″ is 0 and gelu′ is 1 (x > 0) or 0 (x < 0).
final class GeluTailTests: XCTestCase {
    func testSecondDerivativeWhereTheSquareOverflowsIsZero() throws {
        for x in [40.0, 1e155, 1e160, 1e300, -40, -1e160, -1e300] {
            let h = try hessian(of: { (x: [HessianScalar<Double>]) in HessianScalar<Double>.gelu(x[0]) }, at: [x])[0][0]
            XCTAssertEqual(h, 0, "gelu″(\(x))")
            let g = try gradient(of: { (x: [Reverse<Double>]) in Reverse.gelu(x[0]) }, at: [x])[0]
            XCTAssertEqual(g, x > 0 ? 1 : 0, "gelu′(\(x))")
        }
    }
}
