import AdjointCore
import XCTest

/// A user rule that clips its tangent to [−1, 1]: a JVP need not be linear in its direction any
/// more than a VJP in its cotangent (the reverse twin is ClippedIdentity in
/// GradientRangeRecoveryTests).
private enum ClippedTangentIdentity: VectorPrimitive {
    static let name = "clipped_tangent_identity"
    static func primal(_ x: [Double]) -> [Double] { x }
    static func jvp(at x: [Double], direction v: [Double]) -> [Double]? { v.map { Swift.min(1, Swift.max(-1, $0)) } }
}

private struct ClippedForward: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
        let c = ClippedTangentIdentity.apply(x)
        return [c[0] * T(1e-300) * T(1e-300) + T(0.5) * c[1]]
    }
}

/// Found in review of the first-order range recovery: forward mode lifts the direction through a
/// user JVP as reverse mode lifts the cotangent through a user VJP, but only reverse mode was
/// exempted from throwing for a rule that is not linear in its seed.
final class RangeRecoveryReviewTests: XCTestCase {
    /// clip(x)·10⁻³⁰⁰·10⁻³⁰⁰ + 0.5·clip(y) at (2, 3), forward: the tangent of clip(x)·10⁻³⁰⁰·10⁻³⁰⁰
    /// underflows (∂/∂x = 10⁻⁶⁰⁰, 0 in Double, by hand), so the pass is lifted, and the clipped
    /// rule turns y's lifted tangent into 1 / lift. By hand ∂/∂y = 0.5.
    func testANonlinearUserJVPIsNotCalledARangeLoss() throws {
        XCTAssertEqual(try jacobian(of: ClippedForward(), at: [2.0, 3], mode: .forward).jacobian, [[0, 0.5]])
        XCTAssertEqual(try jvp(of: { ClippedForward()($0) }, at: [2.0, 3], direction: [0, 1]).jvp, [0.5])
        XCTAssertEqual(try jvp(of: { ClippedForward()($0) }, at: [2.0, 3], direction: [1, 1]).jvp, [0.5])
    }
}
