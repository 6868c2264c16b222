import AdjointCore
import Foundation
import XCTest
@testable import AdjointCheck

/// What counts as a sharp agreement is measured against the entry, not against f: beside a
/// constant 1000, ∂/∂x of 1000 + 10⁻⁶·sin x is 8.8·10⁻⁷ (by hand 10⁻⁶·cos 0.5), central's
/// tolerance there is 2.4·10⁻⁷, 27% of it, and claims from 0.94 to 1.065 times the derivative
/// passed as "agree" because √ε·1000 called that tolerance sharp (a review). The complex step
/// resolves the entry to 4·10⁻²² and convicts them.
final class EntrysOwnSharpnessTests: XCTestCase {
    struct Offset: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [1000 + 1e-6 * T.sin(x[0])] } }
    struct OffsetTwo: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [-1000 + 1e-6 * (T.sin(x[0]) * x[1] + x[1] * x[1])] }
    }

    func testAClaimAFewPercentOffBesideALargeConstantIsConvicted() throws {
        for point in [0.5, 1, 0.25, -0.5, 1.3, -1.45] {
            for factor in [0.94, 1.03, 1.065] {
                let r = try checkGradient(of: Offset(), at: [point], claimedGradient: { x in [factor * 1e-6 * cos(x[0])] })
                XCTAssertEqual(r.entries[0][0].verdict, .ruleWrong(subjects: ["claimed"]), "x = \(point), ×\(factor)\n" + r.renderTable())
            }
            let right = try checkGradient(of: Offset(), at: [point], claimedGradient: { x in [1e-6 * cos(x[0])] })
            XCTAssertTrue(right.passed, "x = \(point)\n" + right.renderTable())
        }
        // Two inputs: ∂/∂x = 10⁻⁶·y·cos x claimed 3% off, ∂/∂y = 10⁻⁶(sin x + 2y) right.
        let claimed: ([Double]) -> [Double] = { x in
            let dx: Double = 1.03e-6 * x[1] * cos(x[0])
            let dy: Double = 1e-6 * (sin(x[0]) + 2 * x[1])
            return [dx, dy]
        }
        let r = try checkGradient(of: OffsetTwo(), at: [0.5, 2], claimedGradient: claimed)
        XCTAssertEqual(r.entries[0][0].verdict, .ruleWrong(subjects: ["claimed"]), r.renderTable())
        XCTAssertEqual(r.entries[0][1].verdict, .agree, r.renderTable())
    }

    /// The black box has no complex step: a gradient 3% off is not passed there (it passed at 9
    /// of 10 points), and the right one still is.
    func testTheBlackBoxDoesNotPassIt() throws {
        let f: ([Double]) -> [Double] = { x in [1000 + 1e-6 * sin(x[0])] }
        for point in [0.5, 1, 0.25, -0.5, 1.3] {
            let wrong = try checkBlackBoxJacobian(of: f, at: [point], claimed: { x in [[1.03e-6 * cos(x[0])]] })
            XCTAssertFalse(wrong.passed, "x = \(point)\n" + wrong.renderTable())
            let right = try checkBlackBoxJacobian(of: f, at: [point], claimed: { x in [[1e-6 * cos(x[0])]] })
            XCTAssertTrue(right.passed, "x = \(point)\n" + right.renderTable())
        }
    }
}
