import AdjointCore
import Foundation
import XCTest
@testable import AdjointCheck

/// A fixed stencil whose steps straddle a kink or jump far closer to x than h is flagged
/// no-convergence (`changesDoNotConverge` in DifferenceEngine.swift): there D(t) = g + c/t, the
/// changes D(2h) − D(h) and D(h) − D(h/2) stand in the ratio 1/2, and the h/2h estimate bounds
/// nothing. The old two-step test flagged only a D that grew by more than half as h halved.
///
/// References by hand. With k = 1 − 2⁻³⁰ and x = 1 (x − k = δ = 2⁻³⁰, every sample exact in
/// Double), |t − k| has slope 1 at x, and the central difference at a step t > δ is
/// ((t + δ) − (t − δ))/(2t) = δ/t; 3t + |t − k| has slope 4 there and D(t) = 3 + δ/t; a unit
/// step at k plus 3t has slope 3 on either side and D(t) = 3 + 1/(2t). The forward difference at
/// x = k − δ (slope −1) is ((t − δ) − δ)/t = 1 − 2δ/t. Checked in exact rationals:
///
///     python3 -c "from fractions import Fraction as F; k = 1 - F(1, 2**30); x = F(1); h = F(1, 2**17)
///     f = lambda t: abs(t - k); print([float((f(x + s) - f(x - s)) / (2*s)) for s in (h/2, h, 2*h)])"
///     # [0.000244140625, 0.0001220703125, 6.103515625e-05]: D doubles as h halves
final class FixedStencilChangeRatioTests: XCTestCase {
    static let k = 1 - 0x1p-30

    /// The estimate misses f′ beyond its own error (the steps cannot see the slope at x), and
    /// says so with no-convergence.
    func assertFlagged(_ f: @escaping ([Double]) -> [Double], at x: Double, method: DifferenceMethod,
                       derivative: Double, _ label: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let e = try differenceJacobian(evaluating: f, at: [x], method: method).entries[0][0]
        XCTAssertGreaterThan(Swift.abs(e.value - derivative), e.errorEstimate, "\(label): \(e)", file: file, line: line)
        XCTAssertTrue(e.warnings.contains(.noConvergence), "\(label): \(e) for \(derivative)", file: file, line: line)
    }

    /// The kink 2⁻³⁰ from x, the steps 2⁻¹⁷ and 2⁻¹⁶: |x − k| read 1.2·10⁻⁴ ± 2·10⁻⁵ for 1 and
    /// 3x + |x − k| read 3.000122 ± 2·10⁻⁵ for 4, both unflagged.
    func testAKinkFarInsideTheStepsIsNoConvergence() throws {
        let k = Self.k
        try assertFlagged({ x in [Swift.abs(x[0] - k)] }, at: 1, method: .central, derivative: 1, "|x − k|")
        try assertFlagged({ x in [3 * x[0] + Swift.abs(x[0] - k)] }, at: 1, method: .central, derivative: 4,
                                 "3x + |x − k|")
        try assertFlagged({ x in [3 * x[0] + Swift.abs(x[0] - k)] }, at: 1, method: .central4, derivative: 4,
                                 "3x + |x − k|, central4")
        try assertFlagged({ x in [Swift.abs(x[0] - k)] }, at: k - 0x1p-30, method: .forward, derivative: -1,
                                 "|x − k| forward")
    }

    /// A unit jump 2⁻³⁰ from x: D(h) = 65539 for a slope of 3 on both sides. Its error
    /// (97575.8, the next-order allowance's Ridders combinations, which the jump's 1/h inflates)
    /// happens to cover the gap, but it bounds nothing, and the entry was unflagged.
    func testAJumpFarInsideTheStepsIsNoConvergence() throws {
        let k = Self.k
        let e = try differenceJacobian(evaluating: { x in [3 * x[0] + (x[0] < k ? 0 : 1)] }, at: [1], method: .central)
            .entries[0][0]
        XCTAssertEqual(e.value, 3 + 0.5 / 0x1p-17, "\(e)")   // by hand, 3 + 1/(2h)
        XCTAssertTrue(e.warnings.contains(.noConvergence), "\(e)")
    }

    /// The ratios themselves, by hand: 1/2 across a kink, 4 for a smooth central difference.
    func testTheRatioOfChangesSeparatesAKinkFromASmoothF() {
        let k = Self.k
        var kinked = LineProbe<Double>(eval: { x in [3 * x[0] + Swift.abs(x[0] - k)] }, x: [1], axis: 0, center: nil)
        let central = Stencil.of(.central)
        let h = 0x1p-17
        let fine = kinked.apply(central, step: h, outputs: 1), coarse = kinked.apply(central, step: 2 * h, outputs: 1)
        XCTAssertTrue(kinked.changesDoNotConverge(central, step: h, fine: fine, coarse: coarse, output: 0, outputs: 1))
        // exp at 1, step 2⁻⁶: D(t) = e·(1 + t²/6 + …), ρ ≈ 4 (by hand, the h² term leads).
        var smooth = LineProbe<Double>(eval: { x in [Foundation.exp(x[0])] }, x: [1], axis: 0, center: nil)
        let s = 0x1p-6
        let sf = smooth.apply(central, step: s, outputs: 1), sc = smooth.apply(central, step: 2 * s, outputs: 1)
        XCTAssertFalse(smooth.changesDoNotConverge(central, step: s, fine: sf, coarse: sc, output: 0, outputs: 1))
    }

    /// Smooth functions keep their estimates, unflagged and holding, at the default step of every
    /// fixed stencil. References by hand: d/dx sin(10x) = 10 cos(10x), d/dx eˣ = eˣ, d/dx x³ = 3x².
    func testSmoothEstimatesAreUnchanged() throws {
        let cases: [(String, ([Double]) -> [Double], Double, Double)] = [
            ("sin 10x", { x in [Foundation.sin(10 * x[0])] }, 0.3, 10 * Foundation.cos(3.0)),
            ("exp", { x in [Foundation.exp(x[0])] }, 2, Foundation.exp(2.0)),
            ("x³ at 10⁻⁷", { x in [x[0] * x[0] * x[0]] }, 1e-7, 3e-14),
        ]
        for (label, f, x, d) in cases {
            for method in [DifferenceMethod.central, .central4, .central6, .forward, .backward] {
                let e = try differenceJacobian(evaluating: f, at: [x], method: method).entries[0][0]
                XCTAssertFalse(e.warnings.contains(.noConvergence), "\(label) \(method): \(e)")
                XCTAssertLessThanOrEqual(Swift.abs(e.value - d), e.errorEstimate, "\(label) \(method): \(e)")
            }
        }
    }
}
