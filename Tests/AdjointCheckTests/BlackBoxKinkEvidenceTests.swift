import Foundation
import XCTest
import AdjointCheck
import AdjointCore

/// A review: the black-box check convicted valid Clarke subgradients. Its joint test along a
/// direction v bounds ⟨g, v⟩ by f's one-sided slopes along v, which is the whole range of the
/// generalized gradient only for two pieces or a convex or concave f. Expected values by hand.
final class BlackBoxKinkEvidenceTests: XCTestCase {
    /// relu(x₁) − relu(x₀) at (0, 0): four pieces with gradients (−a, b), a, b ∈ {0, 1}, so the
    /// generalized gradient is the box [−1, 0] × [0, 1]. (0, 0) (relu′(0) = 0, PyTorch and JAX) is
    /// a corner of it; along (−1, 1) f = t has slope 1 on both sides, yet ⟨(0, 0), (−1, 1)⟩ = 0 is
    /// in the box's range [0, 2] there. Never "invalid subgradient".
    func testAValidClarkeSubgradientIsNotConvicted() throws {
        let f: ([Double]) -> Double = { x in Swift.max(x[1], 0) - Swift.max(x[0], 0) }
        for claim in [[0.0, 0.0], [-1.0, 1.0], [-0.5, 0.5], [-1.0, 0.0], [0.0, 1.0]] {
            let r = try checkBlackBoxGradient(of: f, at: [0.0, 0.0], claimedGradient: { _ in claim })
            for e in r.entries.joined() {
                XCTAssertNotEqual(e.verdict, .kink(validSubgradient: false), "\(claim)\n" + r.renderTable())
                XCTAssertTrue(e.wrongSubjects.isEmpty, "\(claim)\n" + r.renderTable())
            }
        }
    }

    /// relu(x₀)·x₁ + |x₂| + max(x₃, x₄) at (0, −1, 0, 1, 1): blocks in disjoint inputs, so the
    /// generalized gradient is the product [−1, 0] × {0} × [−1, 1] × {(λ, 1 − λ)}; the claim with
    /// relu′(0) = 0, sign(0) = 0 and the tie to x₃ is (0, 0, 0, 1, 0), inside it.
    func testAConventionClaimOfSeveralKinksIsNotConvicted() throws {
        let f: ([Double]) -> Double = { x in Swift.max(x[0], 0) * x[1] + Swift.abs(x[2]) + Swift.max(x[3], x[4]) }
        let r = try checkBlackBoxGradient(of: f, at: [0, -1, 0, 1, 1], claimedGradient: { _ in [0, 0, 0, 1, 0] })
        for e in r.entries.joined() {
            XCTAssertTrue(e.wrongSubjects.isEmpty, r.renderTable())
        }
    }

    /// The neighbouring wrong claims still do not pass. (0, 2) at the same corner: ∂/∂x₁ of
    /// relu(x₁) at 0 is at most 1 from either side; with two inputs a black box cannot prove it
    /// wrong (see the next test), so it is undecided, not passed. |x| at 0 claimed 2: in one input
    /// the one-sided derivatives −1, 1 are the whole generalized gradient, so it is wrong. The tie
    /// of max(x₀, x₁) claimed (1, 1): the generalized gradient is (λ, 1 − λ), and (1, 1) is not passed.
    func testWrongClaimsAtKinksStillFail() throws {
        let f: ([Double]) -> Double = { x in Swift.max(x[1], 0) - Swift.max(x[0], 0) }
        let r = try checkBlackBoxGradient(of: f, at: [0.0, 0.0], claimedGradient: { _ in [0, 2] })
        XCTAssertFalse(r.passed, r.renderTable())
        XCTAssertEqual(r.entries[0][1].verdict, .kink(validSubgradient: nil), r.renderTable())
        let a = try checkBlackBoxGradient(of: { (x: [Double]) in Swift.abs(x[0]) }, at: [0.0], claimedGradient: { _ in [2] })
        XCTAssertEqual(a.entries[0][0].verdict, .kink(validSubgradient: false), a.renderTable())
        let m = try checkBlackBoxGradient(of: { (x: [Double]) in Swift.max(x[0], x[1]) }, at: [1.0, 1.0], claimedGradient: { _ in [1, 1] })
        XCTAssertFalse(m.passed, m.renderTable())
        XCTAssertTrue(m.renderTable().contains("not judged"), m.renderTable())
    }

    /// With several inputs a claim outside one input's one-sided derivatives is not proof: the
    /// pieces active at x need not all meet the line along that input. max(0, min(x₀, x₁)) + |x₀|
    /// at (0, 0): along x₀ (x₁ = 0) f is |x₀| + 0, slopes −1 and 1; on x₁ > x₀ > 0 it is 2x₀, a
    /// piece whose closure holds the origin, so its gradient (2, 0) is in the generalized gradient
    /// (by hand). It was convicted "not between the one-sided derivatives [−1, 1]" (a review).
    func testAPieceGradientOutsideTheAxisSlopesIsNotConvicted() throws {
        let f: ([Double]) -> Double = { x in Swift.max(0, Swift.min(x[0], x[1])) + Swift.abs(x[0]) }
        let r = try checkBlackBoxGradient(of: f, at: [0.0, 0.0], claimedGradient: { _ in [2, 0] })
        for e in r.entries.joined() { XCTAssertTrue(e.wrongSubjects.isEmpty, r.renderTable()) }
        XCTAssertEqual(r.entries[0][0].verdict, .kink(validSubgradient: nil), r.renderTable())
        XCTAssertTrue(r.renderTable().contains("cannot tell"), r.renderTable())
    }
}
