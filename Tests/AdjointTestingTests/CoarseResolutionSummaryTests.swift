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
}
