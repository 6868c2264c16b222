import Foundation
import XCTest
import AdjointCheck
import AdjointCore

/// A review: the black-box check convicted a valid generalized gradient along an axis on which f
/// looks smooth, at a point where another axis shows f is not differentiable. Expected values by
/// hand.
final class BlackBoxNonDifferentiablePointTests: XCTestCase {
    /// f = |x₀ + x₁| − |x₁| at (0, 0). Along x₀, f(x₀, 0) = |x₀|: slopes −1 and 1, a kink. Along
    /// x₁, f(0, x₁) = 0: flat. On the piece x₀ + x₁ > 0 > x₁, f = x₀ + x₁ + x₁ = x₀ + 2x₁, whose
    /// closure holds the origin, so (1, 2) is in the generalized gradient: ∂f/∂x₁ = 2 cannot be
    /// refuted by f's flatness along x₁.
    func testAPieceGradientAlongAFlatAxisIsUndecidedNamingTheKink() throws {
        let f: ([Double]) -> Double = { x in Swift.abs(x[0] + x[1]) - Swift.abs(x[1]) }
        let r = try checkBlackBoxGradient(of: f, at: [0.0, 0.0], claimedGradient: { _ in [1, 2] })
        let e = r.entries[0][1]
        XCTAssertEqual(e.input, 1)
        XCTAssertFalse(e.flatWhereClaimMoves, r.renderTable())
        XCTAssertEqual(e.verdict, .kink(validSubgradient: nil), r.renderTable())
        XCTAssertTrue(e.wrongSubjects.isEmpty, r.renderTable())
        XCTAssertTrue(e.kink?.unresolved?.contains("kink along x0") == true, r.renderTable())
        XCTAssertTrue(e.kink?.unresolved?.contains("slope along x1") == true, r.renderTable())
        XCTAssertTrue(r.entries.joined().allSatisfy { $0.wrongSubjects.isEmpty }, r.renderTable())
    }

    /// f = |x₀ + x₁| − |x₁| + x₁ at (0, 0): along x₁, f(0, x₁) = x₁, smooth with slope 1, so a
    /// claimed 3 disagrees with every difference. On x₀ + x₁ > 0 > x₁, f = x₀ + 3x₁: (1, 3) is a
    /// generalized gradient (by hand), and it was called rule-wrong.
    func testAPieceGradientAlongASmoothAxisIsNotRuleWrong() throws {
        let f: ([Double]) -> Double = { x in Swift.abs(x[0] + x[1]) - Swift.abs(x[1]) + x[1] }
        let r = try checkBlackBoxGradient(of: f, at: [0.0, 0.0], claimedGradient: { _ in [1, 3] })
        let e = r.entries[0][1]
        XCTAssertEqual(e.verdict, .kink(validSubgradient: nil), r.renderTable())
        XCTAssertTrue(e.wrongSubjects.isEmpty, r.renderTable())
        XCTAssertTrue(r.renderTable().contains("not differentiable here"), r.renderTable())
    }

    /// What the relief must not reach. |x| at 0 claimed 2: one input, one-sided derivatives −1 and
    /// 1 are the whole generalized gradient, so 2 is wrong. f = x₀x₁ + sin x₀ at (0.3, 0.7) is
    /// smooth: ∂f/∂x₀ = x₁ + cos x₀ = 0.7 + 0.955336 = 1.655336, and a claim 0.1 above it is
    /// rule-wrong. f = |x₀| + x₁ at (1, 0) is smooth at the point (the kink is at x₀ = 0): a claim
    /// 2 for ∂f/∂x₁ = 1 stays rule-wrong.
    func testWithoutAKinkAtThePointWrongClaimsStayConvicted() throws {
        let a = try checkBlackBoxGradient(of: { (x: [Double]) in Swift.abs(x[0]) }, at: [0.0], claimedGradient: { _ in [2] })
        XCTAssertEqual(a.entries[0][0].verdict, .kink(validSubgradient: false), a.renderTable())
        let s = try checkBlackBoxGradient(of: { (x: [Double]) in x[0] * x[1] + Foundation.sin(x[0]) }, at: [0.3, 0.7],
                                          claimedGradient: { x in [x[1] + Foundation.cos(x[0]) + 0.1, x[0]] })
        XCTAssertEqual(s.entries[0][0].verdict, .ruleWrong(subjects: ["claimed"]), s.renderTable())
        XCTAssertEqual(s.entries[0][0].witnessValue ?? .nan, 1.655336, accuracy: 1e-6)
        let k = try checkBlackBoxGradient(of: { (x: [Double]) in Swift.abs(x[0]) + x[1] }, at: [1.0, 0.0], claimedGradient: { _ in [1, 2] })
        XCTAssertEqual(k.entries[0][1].verdict, .ruleWrong(subjects: ["claimed"]), k.renderTable())
    }

    /// The kink seen is in another output: f = (|x₀|, x₀ + x₁) at (0, 0), claimed row 1 = (1, 2).
    /// Output 1 is linear, so its gradient is (1, 1) and 2 is wrong (by hand); the kink of output
    /// 0 says nothing about output 1.
    func testAKinkInAnotherOutputRelievesNothing() throws {
        let r = try checkBlackBoxJacobian(of: { (x: [Double]) in [Swift.abs(x[0]), x[0] + x[1]] }, at: [0.0, 0.0],
                                          claimed: { _ in [[0, 0], [1, 2]] })
        XCTAssertEqual(r.entries[1][1].verdict, .ruleWrong(subjects: ["claimed"]), r.renderTable())
    }
}
