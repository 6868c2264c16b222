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

/// A user rule that drops a cotangent above 10¹⁰⁰ (a guard against exploding gradients): lawful,
/// and not linear in its cotangent, so lifted passes agree with each other (both drop it) and
/// with nothing the unlifted pass computed.
private enum GuardedIdentity: VectorPrimitive {
    static let name = "guarded_identity"
    static func primal(_ x: [Double]) -> [Double] { x }
    static func vjp(at x: [Double], cotangent u: [Double]) -> [Double]? { u.map { Swift.abs($0) > 1e100 ? 0 : $0 } }
}

extension RangeRecoveryReviewTests {
    /// guard(x)·10⁻³⁰⁰·10⁻³⁰⁰ + 0.5·guard(y) at (2, 3): by hand ∂/∂y = 0.5 (∂/∂x = 10⁻⁶⁰⁰, 0 in
    /// Double). The sweep underflows in x's path, every lifted pass drops y's lifted cotangent,
    /// and two lifted passes that agree replace the entry: 4ecdb91 stopped the throw for such a
    /// rule, but a settled entry is still trusted as if the rule were linear.
    func testANonlinearUserVJPDoesNotReplaceAnEntryWithALiftedOne() throws {
        let f = { (x: [Reverse<Double>]) -> Reverse<Double> in
            let g = GuardedIdentity.apply(x)
            return g[0] * 1e-300 * 1e-300 + 0.5 * g[1]
        }
        XCTAssertEqual(try gradient(of: f, at: [2.0, 3]), [0, 0.5])
    }
}

private enum GuardedTangentIdentity: VectorPrimitive {
    static let name = "guarded_tangent_identity"
    static func primal(_ x: [Double]) -> [Double] { x }
    static func jvp(at x: [Double], direction v: [Double]) -> [Double]? { v.map { Swift.abs($0) > 1e100 ? 0 : $0 } }
}

private struct GuardedForward: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
        let g = GuardedTangentIdentity.apply(x)
        return [g[0] * T(1e-300) * T(1e-300) + T(0.5) * g[1]]
    }
}

extension RangeRecoveryReviewTests {
    /// The forward twin: by hand ∂/∂y = 0.5; the primal g(x)·10⁻³⁰⁰·10⁻³⁰⁰ underflows, every lifted
    /// direction is dropped by the rule, and the lifted passes agree on 0.
    func testANonlinearUserJVPDoesNotReplaceAnEntryWithALiftedOne() throws {
        XCTAssertEqual(try jacobian(of: GuardedForward(), at: [2.0, 3], mode: .forward).jacobian, [[0, 0.5]])
        XCTAssertEqual(try jvp(of: { GuardedForward()($0) }, at: [2.0, 3], direction: [0, 1]).jvp, [0.5])
    }
}
