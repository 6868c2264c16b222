import XCTest
import AdjointCheck
import AdjointCore

/// eˣ¹·sin x₂ + x₁³/x₂ + log(x₁x₂), whose ∂/∂x₂ = eˣ¹ cos x₂ − x₁³/x₂² + 1/x₂ cancels terms of
/// 1.41, 2.23 and 0.80 down to 0.0098 at the point below.
private struct CancellingGradient: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
        let a = T.exp(x[0]) * T.sin(x[1])
        return [a + x[0] * x[0] * x[0] / x[1] + T.log(x[0] * x[1])]
    }
}

/// `CheckOptions.claimUnitRoundoff`: a claim computed in float32 arithmetic, checked in Double.
final class ClaimUnitRoundoffTests: XCTestCase {
    /// The float32 point (6354253/2²², 2620473/2²¹). mpmath at 30 digits: ∇f = (10.486994832291546,
    /// 0.0098104265330687226). numpy's float32 arithmetic on the hand gradient gives
    /// (10.486995697021484, 0.009810566902160645), the second 150 of its Float ulps off.
    let x = [1.5149719715118408, 1.2495388984680176]
    let float32Gradient = [10.486995697021484, 0.009810566902160645]

    func check(_ claim: [Double], unitRoundoff: Double?) throws -> CheckReport {
        var o = CheckOptions()
        o.rtol = Double(Float.ulpOfOne)   // its last rounding, as jac grants a float32 .npy
        o.claimUnitRoundoff = unitRoundoff
        return try checkGradient(of: CancellingGradient(), at: x, claimedGradient: { _ in claim }, options: o)
    }

    /// Without the claim's precision its right float32 entry is convicted; with it, not shown
    /// wrong, and not passed either.
    func testAFloat32GradientIsNotConvictedForItsOwnRounding() throws {
        let asDouble = try check(float32Gradient, unitRoundoff: nil)
        XCTAssertEqual(asDouble.entries[0][1].verdict, .ruleWrong(subjects: ["claimed"]), asDouble.renderTable())
        let asFloat = try check(float32Gradient, unitRoundoff: Double(Float.ulpOfOne))
        XCTAssertEqual(asFloat.entries[0][1].verdict, .fdInconclusive(reasons: [.pathRounding]), asFloat.renderTable())
        XCTAssertEqual(asFloat.entries[0][0].verdict, .agree, asFloat.renderTable())
        XCTAssertFalse(asFloat.passed)
    }

    /// A claim beyond what float32 arithmetic allows along its paths is still wrong: ∂/∂x₁ 10⁻⁴
    /// relative off (its terms 4.34, 6.16, 0.66 add without cancelling), and ∂/∂x₂ with its sign
    /// flipped.
    func testAWrongFloat32ClaimIsStillConvicted() throws {
        let scaled = try check([float32Gradient[0] * (1 + 1e-4), float32Gradient[1]], unitRoundoff: Double(Float.ulpOfOne))
        XCTAssertEqual(scaled.entries[0][0].verdict, .ruleWrong(subjects: ["claimed"]), scaled.renderTable())
        let flipped = try check([float32Gradient[0], -float32Gradient[1]], unitRoundoff: Double(Float.ulpOfOne))
        XCTAssertEqual(flipped.entries[0][1].verdict, .ruleWrong(subjects: ["claimed"]), flipped.renderTable())
    }

    /// A unit roundoff that would silently judge nothing or everything is refused.
    func testAnInvalidUnitRoundoffIsRefused() {
        for u in [Double.nan, 0, -1e-7, 1, .infinity] {
            XCTAssertThrowsError(try check(float32Gradient, unitRoundoff: u), "\(u)") { e in
                guard case ADError.invalidArgument(let why) = e else { return XCTFail("\(u): \(e)") }
                XCTAssertTrue(why.contains("claimUnitRoundoff"), why)
            }
        }
    }
}
