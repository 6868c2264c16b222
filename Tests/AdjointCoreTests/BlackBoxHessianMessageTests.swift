import AdjointCore
import Foundation
import XCTest

/// sin through a black box: first derivatives only.
private enum BlackBoxSin: BlackBoxPrimitive {
    static let name = "bb_sin"
    static let arity = 1
    static func evaluate(_ x: Double, _ y: Double) -> Double { Foundation.sin(x) }
    static func derivatives(_ x: Double, _ y: Double, output z: Double) -> (Double, Double) { (Foundation.cos(x), 0) }
}

/// A Hessian through a black-box primitive said "bb_sin (a Double-only black-box primitive) is not
/// available for scalar type Dual<Double, Double>": an internal type, and no reason or remedy.
final class BlackBoxHessianMessageTests: XCTestCase {
    func testAHessianThroughABlackBoxSaysWhyInUserTerms() throws {
        let f: ([HessianScalar<Double>]) -> HessianScalar<Double> = { x in BlackBoxSin.apply(x[0]) * x[1] }
        for call in [{ _ = try hessian(of: f, at: [0.7, 2]) }, { _ = try hvp(of: f, at: [0.7, 2], direction: [1, 0]) }] {
            XCTAssertThrowsError(try call()) { e in
                guard case .unsupported = e as? ADError else { return XCTFail("\(e)") }
                let message = "\(e)"
                XCTAssertTrue(message.contains("bb_sin"), message)
                XCTAssertTrue(message.contains("first derivatives only"), message)
                XCTAssertTrue(message.contains("Hessian"), message)
                XCTAssertTrue(message.contains("ScalarPrimitive"), message)
                XCTAssertFalse(message.contains("Dual<"), message)
                XCTAssertFalse(message.contains("scalar type"), message)
            }
        }
        // First derivatives go through: ∂(sin x · y)/∂x = y cos x.
        let g = try gradient(of: { (x: [Reverse<Double>]) in BlackBoxSin.apply(x[0]) * x[1] }, at: [0.7, 2])
        XCTAssertEqual(g[0], 2 * Foundation.cos(0.7), accuracy: 1e-15)
    }
}
