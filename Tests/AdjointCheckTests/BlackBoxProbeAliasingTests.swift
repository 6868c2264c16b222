import Foundation
import XCTest
import AdjointCheck
import AdjointCore

/// A new user's scan of black-box gradient checks at points of every scale: f = x₀² + sin x₁ is
/// smooth everywhere, with ∇f = (2x₀, cos x₁) by hand, yet a sign-flipped ∂f/∂x₀ at
/// (−602289.47, 906896.52) was not convicted. Every rung agreed on 2x₀ = −1204578.94 within
/// 10⁻⁸; the row's kink probe then measured f's slope along v = (−0.575, 1) at its default step
/// (8, scaled to |x| ≈ 10⁶), where sin x₁ turns over more than once between samples and its
/// cos x₁ ≈ 0.92 averages away, read 693164.1 beside the axes' 693165.1, and called f "not
/// differentiable here": the wrong entry became "kink: not judged". Looked at closer (steps of
/// 0.125 and below, where the sine is resolved) the slope along v is the axes' combination.
final class BlackBoxProbeAliasingTests: XCTestCase {
    /// Points of the scan where the flipped sign was left undecided (x₁ ≈ 10⁶, where the probe's
    /// default step spans about a period of the sine).
    static let points: [[Double]] = [
        [-602289.4720959319, 906896.5239294993],
        [-439984.3511615164, 688847.0069459918],
        [-4518072.9179672245, 4789625.431500704],
        [1019491.4052307365, -1152099.7841198558],
    ]

    static let f: @Sendable ([Double]) -> Double = { x in x[0] * x[0] + Foundation.sin(x[1]) }

    func testASignFlippedEntryOfASmoothFunctionIsConvictedWhereTheProbeStepAliasesASine() throws {
        for x in Self.points {
            let r = try checkBlackBoxGradient(of: Self.f, at: x, claimedGradient: { x in [-2 * x[0], Foundation.cos(x[1])] })
            let e = r.entries[0][0]
            XCTAssertEqual(e.verdict, .ruleWrong(subjects: ["claimed"]), "\(x)\n" + r.renderTable())
            XCTAssertNil(e.kink, "\(x)\n" + r.renderTable())
            // The witness reads 2x₀, the true slope, to far below the flipped claim's gap of 4|x₀|.
            let w = try XCTUnwrap(e.witnessValue)
            XCTAssertEqual(w, 2 * x[0], accuracy: 1e-6 * Swift.abs(x[0]), r.renderTable())
            XCTAssertFalse(r.renderTable().contains("f has no gradient"), r.renderTable())
            XCTAssertFalse(r.passed, r.renderTable())
        }
    }

    /// The right gradient still passes there, and the median's nonlinear slopes at 0 (a true lack
    /// of a gradient, with no kink on any line: BlackBoxFlatConvictionTests) still leave its
    /// claimed (1, 0) undecided: the closer look confirms a mismatch that is f's own.
    func testTheRightGradientPassesAndAMedianStaysUndecided() throws {
        for x in Self.points {
            let r = try checkBlackBoxGradient(of: Self.f, at: x, claimedGradient: { x in [2 * x[0], Foundation.cos(x[1])] })
            XCTAssertTrue(r.passed, "\(x)\n" + r.renderTable())
        }
        let median: ([Double]) -> Double = { x in Swift.max(Swift.min(x[0], x[1]), Swift.min(Swift.max(x[0], x[1]), 0)) }
        let m = try checkBlackBoxGradient(of: median, at: [0.0, 0.0], claimedGradient: { _ in [1, 0] })
        XCTAssertEqual(m.entries[0][0].verdict, .kink(validSubgradient: nil), m.renderTable())
        XCTAssertTrue(m.entries[0][0].kink?.unresolved?.contains("a differentiable f's slope is linear in the direction") == true,
                      m.renderTable())
    }
}
