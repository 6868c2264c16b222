import XCTest
@testable import AdjointCheck
import AdjointCore

/// ∏ₖ (1 + x/10⁶) over `factors` factors, built as a loop multiplies: a tape 3 ops deep per
/// factor, every path from x running through the rest of the product.
struct ProductChain: ADFunction {
    let factors: Int
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
        var p: T = 1
        for _ in 0..<factors { p = p * (1 + x[0] / 1_000_000) }
        return [p]
    }
}

/// AD's rounding grows with the depth of the tape: the allowance for it did not (a fixed 256 ulps
/// of the path magnitude), and `jac check` of a 10,000-factor product said "rule-wrong
/// (reverse)" for a right rule (a new user's trial, 2026-12-06).
final class DeepChainAccumulationTests: XCTestCase {
    /// f′(1) = N·10⁻⁶·(1 + 10⁻⁶)^(N−1) for N = 10,000, from Python's `fractions.Fraction`
    /// (0.0101004915198476861680968375003 by mpmath at 40 digits).
    static let derivativeAtOne = 0.010100491519847685

    func testARightReverseModeOnATenThousandFactorChainIsNotConvicted() throws {
        let r = try checkJacobian(of: ProductChain(factors: 10_000), at: [1.0])
        let entry = try XCTUnwrap(r.entries.first?.first)
        let reverse = try XCTUnwrap(entry.subjects.first { $0.name == "reverse" }?.value)
        let forward = try XCTUnwrap(entry.subjects.first { $0.name == "forward" }?.value)
        // Both modes are right to their accumulation's rounding (thousands of ulps, not a rule's
        // error): the gap the check convicted was theirs to carry.
        XCTAssertEqual(reverse, Self.derivativeAtOne, accuracy: 1e-11 * Self.derivativeAtOne)
        XCTAssertEqual(forward, Self.derivativeAtOne, accuracy: 1e-11 * Self.derivativeAtOne)
        XCTAssertNotEqual(reverse, forward, "the case needs the two modes' rounding to differ")
        XCTAssertTrue(r.passed, r.renderTable())
        XCTAssertEqual(entry.verdict.name, "agree", r.renderTable())
    }

    func testAClaimOffByOnePartInAMillionMillionIsStillConvicted() throws {
        // 10⁻⁹ relative: above the chain's accumulation allowance (4·4ε per op of the mean path,
        // about 2·10⁻¹¹ here) and far above the modes' actual error.
        let claim = Self.derivativeAtOne * (1 + 1e-9)
        let r = try checkJacobian(of: ProductChain(factors: 10_000), at: [1.0], claimed: { _ in [[claim]] })
        XCTAssertFalse(r.passed, r.renderTable())
        XCTAssertEqual(r.entries.first?.first?.verdict, .ruleWrong(subjects: ["claimed"]), r.renderTable())
    }

    func testTheLengthWeightedMagnitudeCountsEachOpOnAPath() throws {
        // x·3·5: one path of two products from x: 1·|3| after the first, 2·|3·5| after the second.
        struct Scaled: ADFunction {
            func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] * 3 * 5] }
        }
        let rec = try record({ (z: [Reverse<Double>]) in Scaled()(z) }, at: [0.5])
        let graph = TapeGraph(rec)
        let weighted = graph.paths.lengthWeightedMagnitudes(input: 0)
        let plain = graph.paths.magnitudes(input: 0)
        let out = try XCTUnwrap(graph.outputNodes[0])
        XCTAssertEqual(plain[out], 15)
        XCTAssertEqual(weighted[out], 30)
    }
}
