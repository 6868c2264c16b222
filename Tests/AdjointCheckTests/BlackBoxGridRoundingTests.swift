import Foundation
import XCTest
import AdjointCore
@testable import AdjointCheck

/// A user's softmax without the max shift, minus 1 on its first output: f(z) = (e^{z₀}/s − 1,
/// e^{z₁}/s, e^{z₂}/s), s = Σₖ e^{zₖ}. At z = (19.459929, 0, −3.0194324999999997) the first output
/// is −3.7·10⁻⁹, computed as a quotient just below 1 minus 1: it moves in quanta of 2⁻⁵³ ≈
/// 1.1·10⁻¹⁶, 10⁸ of its own ulps. The textbook uᵀJ = p ⊙ u − p(p·u) (p = softmax(z)) at
/// u = (−1, 0, 1) was convicted on entry 0 by central's −3.882547·10⁻⁹ ± 1.7·10⁻¹⁸, 9.4·10⁻¹⁴ from
/// the truth: Moré–Wild read σ ≈ 1.0·10⁻¹⁶ at the first step, but the next, 128 times finer,
/// crossed 3 quanta per step (9 distinct values, neither noise nor a few treads), so no noise
/// was measured, and central's disagreement stood on the ulps of f.
final class BlackBoxGridRoundingTests: XCTestCase {
    static let z: [Double] = [19.459929, 0, -3.0194324999999997]
    static let u: [Double] = [-1, 0, 1]
    /// uᵀJ at `z` by mpmath at 40 digits (p₀(−1 + p₀ − p₂), p₁(p₀ − p₂), p₂(1 + p₀ − p₂), with the
    /// exponentials and the sum taken at 40 digits), independent of f's and the claim's rounding.
    static let reference: [Double] = [-3.8826406598699745876e-9, 3.5372048658973669524e-9, 3.4543579397260763524e-10]

    static let softmaxMinusOne: @Sendable ([Double]) -> [Double] = { z in
        let e = z.map { Foundation.exp($0) }
        let s = e.reduce(0, +)
        return [e[0] / s - 1, e[1] / s, e[2] / s]
    }
    /// The textbook VJP p ⊙ u − p(p·u), as a user writes it.
    static let textbookVJP: @Sendable ([Double], [Double]) -> [Double] = { z, u in
        let e = z.map { Foundation.exp($0) }
        let s = e.reduce(0, +)
        let p = e.map { $0 / s }
        let pu = zip(p, u).reduce(0) { $0 + $1.0 * $1.1 }
        return (0..<3).map { p[$0] * u[$0] - p[$0] * pu }
    }

    func testTheRightTextbookVJPIsNotConvictedOnTheQuotientsGrid() throws {
        // The claim is right up to its own rounding: p₀u₀ − p₀(p·u) cancels terms near 1 to
        // −3.9·10⁻⁹, so it is off by a few ε (6.4·10⁻¹⁸, 1.7·10⁻⁹ of the entry).
        let claim = Self.textbookVJP(Self.z, Self.u)
        for (c, truth) in zip(claim, Self.reference) { XCTAssertEqual(c, truth, accuracy: 1e-8 * Swift.abs(truth)) }
        let r = try checkBlackBoxVJP(of: Self.softmaxMinusOne, at: Self.z, cotangent: Self.u, claimed: Self.textbookVJP)
        XCTAssertTrue(r.passed, r.renderTable())
        for e in r.entries.joined() {
            XCTAssertEqual(e.verdict, .agree, r.renderTable())
            let witness = try XCTUnwrap(e.witnessValue), tolerance = try XCTUnwrap(e.tolerance)
            XCTAssertLessThanOrEqual(Swift.abs(witness - Self.reference[e.input]), tolerance, r.renderTable())
        }
        // Output 0's noise is measured and said: about 2⁻⁵³/√12 to 4 times that.
        XCTAssertTrue(r.measuredNoise.contains { $0.contains("output 0: σ = ") }, r.measuredNoise.joined(separator: "\n"))
    }

    /// The measured noise does not pass a wrong uᵀJ: entry 0 off by 0.1% (3.9·10⁻¹², 600 times
    /// Richardson's 6.4·10⁻¹⁵ there) and the p(p·u) term's sign flipped are convicted.
    func testWrongVJPsAreStillConvicted() throws {
        let offBy = try checkBlackBoxVJP(of: Self.softmaxMinusOne, at: Self.z, cotangent: Self.u, claimed: { z, u in
            var g = Self.textbookVJP(z, u)
            g[0] *= 1.001
            return g
        })
        XCTAssertEqual(offBy.entries[0][0].verdict, .ruleWrong(subjects: ["claimed"]), offBy.renderTable())
        let flipped = try checkBlackBoxVJP(of: Self.softmaxMinusOne, at: Self.z, cotangent: Self.u, claimed: { z, u in
            let e = z.map { Foundation.exp($0) }
            let s = e.reduce(0, +)
            let p = e.map { $0 / s }
            let pu = zip(p, u).reduce(0) { $0 + $1.0 * $1.1 }
            return (0..<3).map { p[$0] * u[$0] + p[$0] * pu }
        })
        XCTAssertFalse(flipped.passed, flipped.renderTable())
        XCTAssertEqual(flipped.entries[0][0].verdict, .ruleWrong(subjects: ["claimed"]), flipped.renderTable())
    }

    /// The same softmax output scaled after its rounding, by 1/ln 2 (a log₂ of the quotient near 1
    /// would do it too): its grid's quantum 2⁻⁵³/ln 2 is no Double, each sample rounds once more,
    /// and Euclid's remainders amplified that ulp by their quotients, so no grid was found and no
    /// noise measured: the right uᵀJ (the textbook one times 1/ln 2) was convicted on entry 0.
    static let log2e = 1 / Foundation.log(2.0)
    /// uᵀ(J/ln 2) at `z` by mpmath at 40 digits (the reference above times 1/ln 2 taken there).
    static let scaledReference: [Double] = [-5.601466425548264853e-9, 5.1031079186384421413e-9, 4.9835850690982271165e-10]

    func testTheRightVJPIsNotConvictedOnAGridScaledAfterItsRounding() throws {
        let f: @Sendable ([Double]) -> [Double] = { z in Self.softmaxMinusOne(z).map { $0 * Self.log2e } }
        let claimed: @Sendable ([Double], [Double]) -> [Double] = { z, u in Self.textbookVJP(z, u).map { $0 * Self.log2e } }
        let claim = claimed(Self.z, Self.u)
        for (c, truth) in zip(claim, Self.scaledReference) { XCTAssertEqual(c, truth, accuracy: 1e-8 * Swift.abs(truth)) }
        let r = try checkBlackBoxVJP(of: f, at: Self.z, cotangent: Self.u, claimed: claimed)
        for e in r.entries.joined() {
            XCTAssertNotEqual(e.verdict.name, "rule-wrong", r.renderTable())
            if e.verdict == .agree, let witness = e.witnessValue, let tolerance = e.tolerance {
                XCTAssertLessThanOrEqual(Swift.abs(witness - Self.scaledReference[e.input]), tolerance, r.renderTable())
            }
        }
        XCTAssertTrue(r.passed, r.renderTable())
        // Still a test of the claim: entry 0 off by 0.1% is convicted on the same grid.
        let offBy = try checkBlackBoxVJP(of: f, at: Self.z, cotangent: Self.u, claimed: { z, u in
            var g = claimed(z, u)
            g[0] *= 1.001
            return g
        })
        XCTAssertEqual(offBy.entries[0][0].verdict, .ruleWrong(subjects: ["claimed"]), offBy.renderTable())
    }

    /// Samples on 2⁻⁵³ stepping 370 to 373 quanta, scaled by 1/ln 2 and 0.1 after their rounding,
    /// lie on the scaled grid (to a part in 10⁶ of its quantum); unscaled, on 2⁻⁵³ exactly.
    /// Smooth samples still lie on none.
    func testAGridScaledAfterItsRoundingIsFound() throws {
        let q = 0x1p-53
        let steps = [0, 371, 743, 1113, 1486, 1856, 2229, 2601, 2972]
        let grid = steps.map { (-33_326_000 + Double($0)) * q }
        XCTAssertEqual(gridQuantum(grid), q)
        for c in [Self.log2e, 0.1] {
            let quantum = try XCTUnwrap(gridQuantum(grid.map { $0 * c }), "\(c)")
            XCTAssertEqual(quantum, c * q, accuracy: 1e-6 * c * q, "\(c)")
        }
        XCTAssertNil(gridQuantum((0..<9).map { Foundation.sin(0.3 + 1e-7 * Double($0)) }))
        XCTAssertNil(gridQuantum((0..<9).map { Foundation.exp(0.7 + 3e-6 * Double($0)) }))
    }

    /// The grid test itself: samples on 2⁻⁵³ beside −2⁻²⁸ (10⁸ of their ulps) that skip grid points
    /// have that quantum; evenly spaced ones (a line) and ones off any grid that coarse (a smooth
    /// f) have none, nor does a grid within a few ulps of the samples.
    func testTheGridQuantumIsFoundOnlyOnAGridFarAboveTheSamplesULPs() {
        let q = 0x1p-53
        let grid = [0, 3, 7, 10, 13, 16, 19, 22, 24].map { -0x1p-28 + Double($0) * q }
        XCTAssertEqual(gridQuantum(grid), q)
        XCTAssertEqual(gridQuantum(grid.reversed()), q)
        XCTAssertNil(gridQuantum((0..<9).map { -0x1p-28 + Double($0) * q }))
        XCTAssertNil(gridQuantum((0..<9).map { Foundation.sin(0.3 + 1e-7 * Double($0)) }))
        XCTAssertNil(gridQuantum([0, 3, 7, 10, 13].map { 1 + Double($0) * 0x1p-52 }))
    }
}

extension BlackBoxGridRoundingTests {
    /// Smooth samples are no exact grid: eˣ at x = 2.9205762259537087 + k·9.821231364607526·10⁻⁷
    /// (k = −4…4, glibc's exp, the values written out) and sin at −2.0922345533923434 +
    /// k·8.162659375142345·10⁻⁷ fit a "grid" of 5037 and 5204 ulps only within the slack of 4
    /// ulps per multiple that the exact test allowed (a Python port of gridQuantum, 2 of 200,000
    /// smooth draws); an exact grid has none. The grids it is for are unchanged (above).
    func testSmoothSamplesFitNoExactGridBySlack() {
        let exps = [18.551901628427967, 18.55191984868873, 18.551938068967388, 18.551956289263934, 18.551974509578383,
                    18.551992729910726, 18.552010950260954, 18.552029170629087, 18.552047391015112]
        XCTAssertNil(gridQuantum(exps))
        let sines = [-0.8671020297305788, -0.867102436337311, -0.8671028429434654, -0.867103249549042, -0.8671036561540411,
                     -0.8671040627584622, -0.8671044693623057, -0.8671048759655714, -0.8671052825682594]
        XCTAssertNil(gridQuantum(sines))
    }
}
