import XCTest
import AdjointCore
import AdjointLinalg
@testable import AdjointComplexity

/// Sizes whose product is too large are refused with a typed error before anything is allocated,
/// and a NaN difference is reported as NaN, never as agreement.
final class LimitTests: XCTestCase {
    /// Asserts `body` throws ADError.invalidArgument whose message contains every fragment.
    func assertRefused(_ fragments: [String], file: StaticString = #filePath, line: UInt = #line,
                       _ body: () throws -> Void) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            guard case let .invalidArgument(message)? = error as? ADError else {
                return XCTFail("expected invalidArgument, got \(error)", file: file, line: line)
            }
            for f in fragments { XCTAssertTrue(message.contains(f), "\(message) lacks \(f)", file: file, line: line) }
        }
    }

    func testSweepWhoseStorageProductIsTooLargeIsRefused() {
        // Each size is within its own cap (512, 512, 4096), but 3·L·b·m = 3·512·4096·512 ≈ 3.2e9
        // activations is far over 2²⁵; this used to run for hours.
        var o = ComplexitySweep.Options(); o.batch = 4096
        assertRefused(["depth 512", "width 512", "batch 4096", "limit"]) {
            _ = try ComplexitySweep.depth([512], width: 512, options: o)
        }
    }

    func testSweepWhoseNaiveChainWorkIsTooLargeIsRefused() {
        // Storage is small (512·(64² + 64) + 3·512·64·64 ≈ 8.4e6 < 2²⁵), but the naive chain's
        // L²·b·m² = 512²·64·64² ≈ 6.9e10 flops is over 2e10.
        var o = ComplexitySweep.Options(); o.batch = 64
        assertRefused(["depth 512", "width 64", "batch 64", "flops", "limit"]) {
            _ = try ComplexitySweep.depth([1, 512], width: 64, options: o)
        }
    }

    func testSeededProblemOfHugeDepthThrowsInsteadOfTrapping() {
        // depth + 1 overflowed at Int.max; the storage bound refuses first.
        assertRefused(["depth \(Int.max)", "limit"]) {
            _ = try MLPGradientProblem<Double>.seeded(depth: Int.max, width: 1)
        }
        assertRefused(["width 100000"]) {
            _ = try MLPGradientProblem<Double>.seeded(depth: 1, width: 100_000)
        }
    }

    func testJacobianModesOfLargeSquareMapAreRefused() {
        // 2·n·m·(n + m) = 2·4096²·8192 ≈ 2.7e11 and, at 512, 2·512²·1024 ≈ 5.4e8: both over 2²⁶;
        // 300 → 200 is 2·300·200·500 = 6e7, under it, but 2·300·230·530 ≈ 7.3e7 is not.
        assertRefused(["R^4096 -> R^4096", "limit"]) { _ = try JacobianModeComparison.run(inputs: 4096, outputs: 4096) }
        assertRefused(["R^512 -> R^512"]) { _ = try JacobianModeComparison.run(inputs: 512, outputs: 512) }
        assertRefused(["R^300 -> R^230"]) { _ = try JacobianModeComparison.run(inputs: 300, outputs: 230) }
        XCTAssertNoThrow(try ComplexityLimits.checkJacobianModes(inputs: 300, outputs: 200))
    }

    func testNaNGradientDifferenceIsNaNNotZero() throws {
        // Swift.max(0, .nan) is 0, so a max-reduction without a NaN check reported agreement.
        func gradient(_ w: [Double], _ b: [Double]) throws -> MLPGradient<Double> {
            MLPGradient(loss: 0, layers: [LayerParameters(weights: try Matrix(rows: 1, cols: w.count, elements: w),
                                                          bias: try Matrix(rows: 1, cols: b.count, elements: b))])
        }
        let clean = try gradient([1, 2], [3])
        let poisoned = try gradient([1, .nan], [3])
        XCTAssertTrue(clean.maxAbsDifference(to: poisoned).isNaN)
        XCTAssertTrue(poisoned.maxAbsDifference(to: clean).isNaN)
        XCTAssertTrue(poisoned.maxAbs.isNaN)
        // Entries differ by |2 − 5| = 3 and |3 − 3| = 0 by hand.
        XCTAssertEqual(clean.maxAbsDifference(to: try gradient([1, 5], [3])), 3)
        XCTAssertEqual(clean.maxAbs, 3)
        // A NaN after a larger finite term, and in the first position, both surface.
        XCTAssertTrue(nanPropagatingMaxAbs([7, .nan, 1]).isNaN)
        XCTAssertTrue(nanPropagatingMaxAbs([.nan, 7]).isNaN)
        XCTAssertEqual(nanPropagatingMaxAbs([-7, 2]), 7)
    }
}
