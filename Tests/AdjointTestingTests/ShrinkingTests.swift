import AdjointCheck
import AdjointCore
import Foundation
import XCTest
@testable import AdjointTesting

/// Shrinking: a failing input moves toward fewer nonzeros, smaller magnitudes and simpler numbers
/// while it still fails the same way.
final class ShrinkingTests: XCTestCase {
    func testAGradientWrongOnlyInOneQuadrantShrinksToTheBoundary() throws {
        // f = x₀² + 3x₁ + x₂³, gradient (2x₀, 3, 3x₂²), claimed wrong (by +1 in entry 0) only
        // when x₀ > 10 and x₁ < 0.
        let f: @Sendable ([Double]) -> Double = { x in x[0] * x[0] + 3 * x[1] + x[2] * x[2] * x[2] }
        let claimed: @Sendable ([Double]) -> [Double] = { x in
            [2 * x[0] + (x[0] > 10 && x[1] < 0 ? 1 : 0), 3, 3 * x[2] * x[2]]
        }
        let r = checkProperty(.blackBoxGradient(of: f, claimed: claimed, inputs: .vector(3, .uniform(-20...20))))
        let failure = try XCTUnwrap(r.failure, r.message)
        let s = failure.shrink
        guard s.original.count == 3, s.shrunk.count == 3 else { return XCTFail(r.message) }
        XCTAssertTrue(s.original[0] > 10 && s.original[1] < 0)
        XCTAssertGreaterThan(s.steps, 0)
        let x = s.shrunk
        // Still in the failing region, next to its boundary, with small simple values.
        XCTAssertGreaterThan(x[0], 10, "\(x)")
        XCTAssertLessThanOrEqual(x[0], 11, "\(x)")
        XCTAssertLessThan(x[1], 0, "\(x)")
        XCTAssertGreaterThanOrEqual(x[1], -1, "\(x)")
        XCTAssertEqual(x[2], 0, "\(x)")
        XCTAssertLessThanOrEqual(significantDigits(x[0]), 3, "\(x)")
        XCTAssertLessThanOrEqual(significantDigits(x[1]), 2, "\(x)")
        // The shrunk input still fails, and the message reports it with where it came from.
        XCTAssertEqual(failure.outcome.input, x)
        XCTAssertEqual(failure.outcome.verdict, .ruleWrong)
        XCTAssertTrue(r.message.contains("input: \(x)  (shrunk from \(s.original)"), r.message)
    }

    func testShrinkingStaysInTheDomain() throws {
        // Wrong everywhere: shrinking would go to 0, but the domain is positive and away from 2.
        let f: @Sendable ([Double]) -> Double = { x in x[0] * x[0] }
        let claimed: @Sendable ([Double]) -> [Double] = { x in [3 * x[0]] }
        let r = checkProperty(.blackBoxGradient(of: f, claimed: claimed,
                                                inputs: .arguments([InputDomain.logUniform(0.5...50).awayFrom([1], margin: 0.25)])))
        let x = try XCTUnwrap(r.failure).shrink.shrunk
        guard x.count == 1 else { return XCTFail(r.message) }
        XCTAssertTrue(x[0] >= 0.5 && abs(x[0] - 1) >= 0.25, "\(x)")
    }

    func testDigitsAndRounding() {
        XCTAssertEqual(significantDigits(1.25), 3)
        XCTAssertEqual(significantDigits(-0.001), 1)
        XCTAssertEqual(significantDigits(1e-300), 1)
        XCTAssertEqual(significantDigits(10.0), 1)
        XCTAssertEqual(significantDigits(0), 0)
        XCTAssertEqual(rounded(12.345, digits: 2), [12, 13])
        XCTAssertEqual(rounded(-0.3456, digits: 1), [-0.3, -0.4])
        XCTAssertEqual(rounded(0.30000000000000004, digits: 1), [0.3, 0.4])
    }
}

extension ShrinkingTests {
    func testSymmetricPositiveDefiniteInputsShrinkInsideTheirSpace() throws {
        // f(A) = Σ Aᵢⱼ², gradient 2A, claimed wrong (entry A[0][1]) whenever A[0][1] > 0.1.
        let f: @Sendable ([Double]) -> Double = { a in a.reduce(0) { $0 + $1 * $1 } }
        let claimed: @Sendable ([Double]) -> [Double] = { a in
            var g = a.map { 2 * $0 }
            if a[1] > 0.1 { g[1] += 1 }
            return g
        }
        let r = checkProperty(.blackBoxGradient(of: f, claimed: claimed, inputs: .symmetricPositiveDefinite(3)))
        let s = try XCTUnwrap(r.failure, r.message).shrink
        guard s.shrunk.count == 9 else { return XCTFail(r.message) }
        XCTAssertTrue(isSymmetricPositiveDefinite(s.original, n: 3))
        XCTAssertTrue(isSymmetricPositiveDefinite(s.shrunk, n: 3), "\(s.shrunk)")
        XCTAssertGreaterThan(s.shrunk[1], 0.1, "\(s.shrunk)")
        XCTAssertLessThanOrEqual(s.shrunk[1], 0.2, "\(s.shrunk)")
        // The other off-diagonal pairs went to 0 together.
        XCTAssertEqual([s.shrunk[2], s.shrunk[5], s.shrunk[6], s.shrunk[7]], [0, 0, 0, 0], "\(s.shrunk)")
        XCTAssertLessThan(s.shrunk.map { significantDigits($0) }.reduce(0, +), s.original.map { significantDigits($0) }.reduce(0, +))
    }

    func testKinkMarginKeepsAReluLikeBlackBoxDecidable() {
        let f: @Sendable ([Double]) -> Double = { x in Swift.max(x[0], 0) * x[1] }
        let g: @Sendable ([Double]) -> [Double] = { x in [x[0] > 0 ? x[1] : 0, Swift.max(x[0], 0)] }
        let space = InputSpace.arguments([InputDomain.uniform(-1...1).awayFrom([0], margin: 1e-3), .uniform(-2...2)])
        let r = checkProperty(.blackBoxGradient(of: f, claimed: g, inputs: space))
        XCTAssertTrue(r.passed, r.message)
        XCTAssertEqual(r.counts[.agree], 100, r.message)
    }
}

/// Shrinking keeps the failure it was given, not only its verdict: a claimed JVP of the wrong
/// length (an error) shrank to the direction 0, which the check refuses with another error, and
/// the message reported only "the direction is 0".
final class ShrinkingKeepsTheFailureTests: XCTestCase {
    func testAWrongLengthJVPIsNotShrunkIntoAZeroDirection() {
        var o = AdjointTestOptions()
        o.trials = 50
        // f(x) = 2x; the claim drops its entry where x₀ < −0.5 (J·v = 2v₀ by hand elsewhere).
        let r = checkProperty(.blackBoxJVP(of: { (x: [Double]) in [2 * x[0]] },
                                           claimed: { x, v in x[0] < -0.5 ? [] : [2 * v[0]] },
                                           inputs: .vector(1, .uniform(-1...1))), options: o)
        XCTAssertEqual(r.failure?.verdict, .error, r.message)
        XCTAssertTrue(r.message.contains("expected 1, got 0"), r.message)
        XCTAssertFalse(r.message.contains("the direction is 0"), r.message)
        // The shrunk input still has x₀ < −0.5 and a nonzero direction.
        let shrunk = r.failure?.shrink.shrunk ?? []
        XCTAssertEqual(shrunk.count, 2)
        XCTAssertLessThan(shrunk.first ?? 0, -0.5)
        XCTAssertNotEqual(shrunk.last ?? 0, 0)
    }

    func testNumbersAreMaskedWithTheirSignsAndExponents() {
        XCTAssertEqual(maskingNumbers("input x[0] = -8.3e+38 (from uniform -1e+39…1e-39) is -inf in Float"),
                       "input x[#] = # (from uniform #…#) is -inf in Float")
        XCTAssertEqual(maskingNumbers("expected 12, got 3.5; node 4"), "expected #, got #; node #")
    }
}

/// f = x₀³ + sin(x₁)·x₂, by hand ∇f = (3x₀², cos(x₁)·x₂, sin x₁).
private struct CubePlusSineProduct: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] * x[0] * x[0] + sin(x[1]) * x[2]] }
}

/// Shrinking keeps the verdict, not the size of the error: a hand gradient with cos x₁ truncated to
/// 1 − x₁²/2 is off by x₂·(x₁⁴/24 − …), which shrinking toward 0 makes as small as the check can
/// still convict (1e-10 relative at x₁ = 0.007), and the message showed only that, which reads as
/// rounding. It now also gives the error where the failure was first found.
///
/// x₁ is drawn inside (−1, 1): from a fraction of a unit, shrinking now tries ±1 first (simpler
/// than 0.007), where this error is 7% and no smaller than where it was found; inside the interval
/// it moves toward 0 as before.
final class ShrunkErrorSizeTests: XCTestCase {
    func testTheMessageGivesTheErrorWhereTheFailureWasFirstFound() throws {
        let r = checkProperty(.gradient(of: CubePlusSineProduct(),
                                        claimed: { (x: [Double]) -> [Double] in [3 * x[0] * x[0], (1 - x[1] * x[1] / 2) * x[2], sin(x[1])] },
                                        inputs: .arguments([.uniform(-3...3), .uniform(-0.9...0.9), .uniform(-3...3)])))
        let failure = try XCTUnwrap(r.failure, r.message)
        XCTAssertEqual(failure.verdict, .ruleWrong)
        let (x1, y1) = (failure.shrink.original[1], failure.shrink.shrunk[1])
        // By hand, the relative error of the claimed ∂/∂x₁ is |cos x₁ − (1 − x₁²/2)| / |cos x₁|.
        func relative(_ t: Double) -> Double { Swift.abs(Foundation.cos(t) - (1 - t * t / 2)) / Swift.abs(Foundation.cos(t)) }
        XCTAssertGreaterThan(relative(x1), 100 * relative(y1), r.message)
        XCTAssertTrue(r.message.contains("the error was larger where first found: ∂f0/∂x1 rel err "), r.message)
        XCTAssertTrue(r.message.contains("shrinking keeps the verdict, not the size of the error"), r.message)
    }

    /// A claim wrong by a factor wherever it is wrong (2 relative) keeps its size: no such line.
    func testNoLineWhereTheErrorKeptItsSize() throws {
        let r = checkProperty(.gradient(of: CubePlusSineProduct(),
                                        claimed: { (x: [Double]) -> [Double] in [3 * x[0] * Swift.abs(x[0]), Foundation.cos(x[1]) * x[2], Foundation.sin(x[1])] },
                                        inputs: .vector(3, .uniform(-3...3))))
        XCTAssertNotNil(r.failure, r.message)
        XCTAssertFalse(r.message.contains("the error was larger where first found"), r.message)
    }
}

/// Shrinking prefers a whole number to a value a fraction of a unit from the target. Nearest
/// first took the smallest round step, so a claim wrong for every x < 0 shrank to −0.001 where −1
/// fails the same way and reads better.
final class WholeNumberShrinkTests: XCTestCase {
    /// f = x², by hand f′ = 2x; the claim adds 1 for x < 0. The simplest failing input is −1: 0 is
    /// right, and −1 is the whole number nearest 0 on the failing side.
    func testAClaimWrongOnAHalfLineShrinksToMinusOne() throws {
        let r = checkProperty(.blackBoxGradient(of: { (x: [Double]) in x[0] * x[0] },
                                                claimed: { (x: [Double]) in [2 * x[0] + (x[0] < 0 ? 1 : 0)] },
                                                inputs: .vector(1, .uniform(-20...20))))
        let failure = try XCTUnwrap(r.failure, r.message)
        XCTAssertEqual(failure.verdict, .ruleWrong)
        XCTAssertEqual(failure.shrink.shrunk, [-1], r.message)
        XCTAssertEqual(failure.outcome.input, [-1])
    }

    /// Where no whole number fails (the claim is wrong only on (−0.5, 0)), shrinking still moves
    /// toward 0 by round steps, as before, and keeps the verdict.
    func testWithoutAFailingWholeNumberTheSmallestRoundStepStays() throws {
        let r = checkProperty(.blackBoxGradient(of: { (x: [Double]) in x[0] * x[0] },
                                                claimed: { (x: [Double]) in [2 * x[0] + (x[0] < 0 && x[0] > -0.5 ? 1 : 0)] },
                                                inputs: .vector(1, .uniform(-2...2))))
        let failure = try XCTUnwrap(r.failure, r.message)
        XCTAssertEqual(failure.verdict, .ruleWrong)
        XCTAssertEqual(failure.shrink.shrunk, [-0.001], r.message)
    }

    /// From −0.37, a fraction of a unit from 0, the failure (x < 0) moves out to −1 where the domain
    /// holds it, and stays tiny where it does not (uniform(−0.5…0.5)).
    func testAFractionOfAUnitMovesOutToMinusOneOnlyInsideTheDomain() {
        for (range, expected) in [(-2.0...2.0, -1.0), (-0.5...0.5, -0.001)] {
            var shrinker = Shrinker(space: .vector(1, .uniform(range)), budget: 200) { x in x[0] < 0 }
            XCTAssertEqual(shrinker.shrink([-0.37]).shrunk, [expected], "\(range)")
        }
    }

    func testTinyValuesComeLastThenNearness() {
        XCTAssertTrue(isSimpler(-1, than: -0.001, target: 0))
        XCTAssertFalse(isSimpler(-0.5, than: -1, target: 0))
        XCTAssertTrue(isSimpler(2, than: 3, target: 0))
        XCTAssertTrue(isSimpler(0.1, than: 0.2, target: 0))
        // Away from the target nearness decides, whole or not: 2.1 before 3.
        XCTAssertTrue(isSimpler(2.1, than: 3, target: 0))
        // A non-whole target (the open unit interval's 0.5): every value in (0, 1) is tiny.
        XCTAssertTrue(isSimpler(0.6, than: 0.9, target: 0.5))
    }
}
