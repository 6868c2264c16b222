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

/// Σₖ 0.1·x over `terms` products, summed pairwise on the tape: 14 ops deep at 8,192 terms, but x
/// is read by every product, so reverse mode's adjoint of x is one serial sum of 8,192 terms.
struct PairwiseSum: ADFunction {
    let terms: Int
    var inputCount: Int? { 1 }
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
        var level: [T] = (0..<terms).map { _ in x[0] * 0.1 }
        while level.count > 1 {
            level = stride(from: 0, to: level.count, by: 2).map { k in k + 1 < level.count ? level[k] + level[k + 1] : level[k] }
        }
        return level
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
        // 10⁻⁹ relative: above the chain's accumulation allowance (4·4ε per op of the mean path
        // and per term of the 10,000 reverse mode sums into x's adjoint, about 6·10⁻¹¹ here) and
        // far above the modes' actual error.
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

    /// f′ = 8192·fl(0.1), a power of two times a Double, so exactly the Double 819.2 (by hand;
    /// `fractions.Fraction` agrees), which forward mode gets (its tangents follow the tape's
    /// pairwise sums). Reverse mode adds fl(0.1) into x's adjoint 8,192 times in a row and got
    /// 819.2000000001177 (1,035 ulps): within
    /// what a serial sum of 8,192 terms may round, and was convicted against a witness exact to
    /// the last digit, the path of two ops allowing 64 ulps.
    func testARightReverseModeSummingAWideFanInIsNotConvicted() throws {
        let exact = 819.2
        var o = CheckOptions()
        o.ladder = [.custom(name: "by hand", errorEstimate: 0, jacobian: { _ in [[exact]] })]
        let r = try checkJacobian(of: PairwiseSum(terms: 8192), at: [1.0], options: o)
        let entry = try XCTUnwrap(r.entries.first?.first)
        let reverse = try XCTUnwrap(entry.subjects.first { $0.name == "reverse" }?.value)
        // Within 8,192 serial additions' rounding of the sum of their magnitudes, ε·8192·819.2.
        XCTAssertEqual(reverse, exact, accuracy: 8192 * 819.2 * Double.ulpOfOne)
        XCTAssertNotEqual(reverse, exact, "the case needs reverse mode's serial sum to round")
        XCTAssertEqual(entry.verdict, .agree, r.renderTable())
        // A claim 10⁻⁹ off is still shown wrong: the allowance is ε·4·8191·819.2 ≈ 6·10⁻⁹, 10⁻¹¹ of f′.
        let claimed = try checkJacobian(of: PairwiseSum(terms: 8192), at: [1.0], claimed: { _ in [[exact * (1 + 1e-9)]] }, options: o)
        XCTAssertEqual(claimed.entries.first?.first?.verdict, .ruleWrong(subjects: ["claimed"]), claimed.renderTable())
    }
}
