import AdjointCore
import XCTest

/// exp(−exp(−…exp(−x)…)) nested `depth` deep: the value settles at Ω = 0.567…, and each level
/// multiplies the derivative by −e^(−u) ≈ −0.567, so the derivative at 0.5 leaves Double's normal
/// range near depth 1250 and its whole range near 1314.
private struct Nested: ADFunction {
    let depth: Int
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
        var u = x[0]
        for _ in 0..<depth { u = T.exp(-u) }
        return [u]
    }
}

/// Derivatives whose true value is subnormal or below Double's range. Expected values from mpmath
/// (60 digits, the chain-rule recurrence d ← d·(−e^(−u)), u ← e^(−u) from x = 0.5), in units of the
/// smallest subnormal 2⁻¹⁰⁷⁴: depth 1311 −2.6034, 1312 1.4765, 1313 −0.8374, 1314 0.4749, 1400
/// 3.1·10⁻²², 2000 5.1·10⁻¹⁷⁰. Forward and reverse mode gave 5·10⁻³²⁴ (one unit) from depth 1314
/// on, since |5·10⁻³²⁴ · 0.567| rounds back up to it at every level, and 2 units at 1312.
final class SubnormalDerivativeTests: XCTestCase {
    let unit = Double.leastNonzeroMagnitude

    func derivatives(_ depth: Int) throws -> (forward: Double, reverse: Double) {
        let f = Nested(depth: depth)
        return (try jacobian(of: f, at: [0.5], mode: .forward).jacobian[0][0],
                try gradient(of: { f($0)[0] }, at: [0.5])[0])
    }

    /// A subnormal derivative is the correctly rounded one: the unscaled pass rounds each level to
    /// the subnormal spacing, and its 2 units at depth 1312 stood within a 4-unit tolerance.
    func testASubnormalDerivativeIsCorrectlyRounded() throws {
        for (depth, units) in [(1311, -3.0), (1312, 1), (1313, -1)] {
            let d = try derivatives(depth)
            XCTAssertEqual(d.forward, units * unit, "forward, depth \(depth)")
            XCTAssertEqual(d.reverse, units * unit, "reverse, depth \(depth)")
        }
    }

    /// Below half the smallest subnormal the derivative has no Double value but 0, and 5·10⁻³²⁴
    /// was returned as if it were the value: now a range-loss error that says so.
    func testADerivativeBelowTheRangeIsARangeLossError() throws {
        for depth in [1314, 1400, 2000] {
            let f = Nested(depth: depth)
            XCTAssertThrowsError(try jacobian(of: f, at: [0.5], mode: .forward), "forward, depth \(depth)") { e in
                guard case .rangeLoss = e as? ADError else { return XCTFail("\(e)") }
                XCTAssertTrue("\(e)".contains("out of Double's range or 0"), "\(e)")
            }
            XCTAssertThrowsError(try gradient(of: { f($0)[0] }, at: [0.5]), "reverse, depth \(depth)") { e in
                guard case .rangeLoss = e as? ADError else { return XCTFail("\(e)") }
            }
        }
    }
}
