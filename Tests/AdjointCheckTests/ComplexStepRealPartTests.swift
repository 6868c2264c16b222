import AdjointCore
import Foundation
import XCTest
@testable import AdjointCheck

/// The complex step differentiates the floating-point path forward and reverse mode take: its
/// real parts are the floats' values. swift-numerics divides as z·(w̄/|w|²), so the real part of
/// (10⁷ + ih)/3 was 3333333.333333333 where 10⁷/3 rounds to …335, and sin of that moved the complex
/// step's derivative by 2·10⁻¹¹ relative: right sin rules were rule-wrong (a review). mpmath:
/// d/dx sin(fl(x/3)) = cos(fl(10⁷/3))/3 = −0.3298505531490416, which forward and reverse give.
final class ComplexStepRealPartTests: XCTestCase {
    struct SinOfThird: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.sin(x[0] / 3)] } }

    func testDivisionInGenericCodeFollowsTheFloats() throws {
        let r = try checkJacobian(of: SinOfThird(), at: [1e7])
        XCTAssertEqual(r.entries[0][0].verdict, .agree, r.renderTable())
        let forward = try XCTUnwrap(r.entries[0][0].subjects.first { $0.name == "forward" }?.value)
        XCTAssertEqual(forward, -0.3298505531490416, accuracy: 1e-16)
        // The complex step alone, as a difference method: the same value.
        let c = try differenceJacobian(of: SinOfThird(), at: [1e7], method: .complexStep)
        XCTAssertEqual(c.jacobian[0][0], -0.3298505531490416, accuracy: 1e-16)
    }

    /// sin(10¹⁰·g(x)) for the ops whose complex continuation rounds its real part differently
    /// from libm (the review found 1–3 of 5 points convicted for each): no right rule is convicted
    /// at any of 5 points per op.
    struct Amplified: ADFunction {
        let op: Int
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
            let u = x[0]
            let g: T
            switch op {
            case 0: g = T.pow(u, 1.5)
            case 1: g = T.powi(u, 7)
            case 2: g = T.tanh(u)
            case 3: g = T.atan(u)
            case 4: g = T.sigmoid(u)
            case 5: g = T.softplus(u)
            case 6: g = T.tan(u)
            case 7: g = T.log1p(u)
            case 8: g = T.swish(u)
            case 9: g = 1 / u
            default: g = u / 0.7
            }
            return [T.sin(1e10 * g)]
        }
    }

    func testAmplifiedOpsAreNotConvicted() throws {
        for op in 0...10 {
            for point in [0.3, 0.45, 0.61, 0.77, 0.93] {
                let r = try checkJacobian(of: Amplified(op: op), at: [point])
                if case .ruleWrong = r.entries[0][0].verdict { XCTFail("op \(op) at \(point)\n" + r.renderTable()) }
            }
        }
    }
}
