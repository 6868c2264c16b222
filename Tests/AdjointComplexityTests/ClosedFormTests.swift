import XCTest
import AdjointCore
@testable import AdjointComplexity

/// The closed-form counts derived in proofs/complexity.md, checked exactly against the counters
/// for several depths, widths and batch sizes (tanh hidden layers, linear output, MSE).
final class ClosedFormTests: XCTestCase {
    func testCountsMatchTheProofsClosedForms() throws {
        for (L, m, b) in [(1, 3, 1), (2, 5, 2), (3, 4, 3), (7, 2, 1), (12, 6, 2)] {
            let p = try MLPGradientProblem<Double>.seeded(depth: L, width: m, batch: b, seed: UInt64(10 * L + m))
            let ctx = "L=\(L) m=\(m) b=\(b)"
            let W = L * (m * m + m)
            XCTAssertEqual(p.parameterCount, W, ctx)
            // F = 2bm²L (products) + bmL (biases) + bm(L − 1) (tanh) + bm (loss) = 2bm²L + 2bmL.
            let F = 2 * b * m * m * L + 2 * b * m * L
            XCTAssertEqual(try measureOperations { try p.forwardLoss() }.counts.flops, F, ctx)
            // Backprop: F + sweep [bm loss + L·bm bias sums + L·2bm² weight products
            //   + (L − 1)·2bm² input products + (L − 1)·bm tanh VJPs] = 6bm²L − 2bm² + 4bmL.
            let bp = 6 * b * m * m * L - 2 * b * m * m + 4 * b * m * L
            XCTAssertEqual(try measureOperations { try p.backprop() }.counts.flops, bp, ctx)
            // Naive chain: bm²(L² + 3L) + bm(L² + 7L)/2.
            let nv = b * m * m * (L * L + 3 * L) + b * m * (L * L + 7 * L) / 2
            XCTAssertEqual(try measureOperations { try p.naiveChain() }.counts.flops, nv, ctx)
            // Finite differences: (2|W| + 1) forward passes, and F = 2b|W| here, so 4b|W|² + 2b|W|.
            XCTAssertEqual(F, 2 * b * W, ctx)
            if W <= 400 {
                XCTAssertEqual(try measureOperations { try p.finiteDifferences() }.counts.flops, 4 * b * W * W + 2 * b * W, ctx)
            }
            // The cheap-gradient bound: 6mL − 2m + 4L < 3(2mL + 2L) for every L, m ≥ 1.
            XCTAssertLessThan(bp, 3 * F, ctx)
        }
    }
}
