import AdjointCheck
import AdjointCore
import XCTest
@testable import AdjointTesting

/// A passing property whose check agreed only within reverse mode's accumulation allowance said
/// "passed" and its largest agreeing error, nothing of what the pass resolved.
final class CoarseResolutionSummaryTests: XCTestCase {
    /// A(x) − A(x) + sin x, A two thousand products by 1.0035 (AccumulationAllowanceResolutionTests):
    /// f′ = cos x, and reverse mode's allowance at 0.7 is about 1.5·10⁻⁸.
    struct CopiesBesideSine: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
            var a = x[0], b = x[0]
            for _ in 0..<2000 { a = a * 1.0035 }
            for _ in 0..<2000 { b = b * 1.0035 }
            return [a - b + T.sin(x[0])]
        }
    }

    func testThePassingSummaryNamesTheResolution() throws {
        var reverseOnly = CheckOptions()
        reverseOnly.checkForward = false
        // cos x by hand; a sin rule 10⁻⁹ off passes the same property, which is what the summary must say.
        let p = DerivativeProperty.gradient(of: CopiesBesideSine(), claimed: { (x: [Double]) in [cos(x[0])] },
                                            inputs: .point([0.7]), base: reverseOnly)
        let r = RuleMutations.withMutation(RuleMutation(op: .sin, input: 0, factor: 1 + 1e-9)) { checkProperty(p) }
        XCTAssertTrue(r.passed, r.message)
        XCTAssertTrue(r.message.contains("resolved only to 1.5"), r.message)
        XCTAssertTrue(r.message.contains("reverse mode agreed within the rounding its accumulation along the tape may reach"), r.message)
        // With forward mode the same rule fails the property.
        let both = DerivativeProperty.gradient(of: CopiesBesideSine(), claimed: { (x: [Double]) in [cos(x[0])] }, inputs: .point([0.7]))
        let convicted = RuleMutations.withMutation(RuleMutation(op: .sin, input: 0, factor: 1 + 1e-9)) { checkProperty(both) }
        XCTAssertFalse(convicted.passed, convicted.message)
    }

    /// The softmax read through approximateDouble at z = (0, 0, 0, 28) (LooseResolutionNoteTests):
    /// ∂/∂z₀ = e⁻²⁸/(1 + 3e⁻²⁸) ≈ 6.9·10⁻¹³ agrees only within adaptive's 5.4·10⁻¹³, so a claim
    /// 15% off that entry passes as the right one does. The passing summary said only "passed".
    func testThePassingSummaryNamesALooseAgreement() throws {
        let fifteenOff: @Sendable ([Double]) -> [Double] = { z in
            var g = shiftedSoftmaxLossGradient(z)
            g[0] *= 1.15
            return g
        }
        for claimed in [shiftedSoftmaxLossGradient, fifteenOff] {
            let p = DerivativeProperty.gradient(of: ShiftedSoftmaxLoss(), claimed: claimed, inputs: .point([0, 0, 0, 28]))
            let r = checkProperty(p)
            XCTAssertTrue(r.passed, r.message)
            XCTAssertTrue(r.message.contains("judged only within"), r.message)
            XCTAssertTrue(r.message.contains("a claim that far off would pass as well"), r.message)
        }
        // Where every entry is resolved sharply the summary adds nothing: sin x·y at (1, 2).
        struct SinTimes: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [sin(x[0]) * x[1]] } }
        let ordinary = checkProperty(.gradient(of: SinTimes(), claimed: { (x: [Double]) in [cos(x[0]) * x[1], sin(x[0])] },
                                               inputs: .point([1, 2])))
        XCTAssertTrue(ordinary.passed, ordinary.message)
        XCTAssertFalse(ordinary.message.contains("judged only within"), ordinary.message)
    }
}
