import AdjointCore
import Foundation
import XCTest
@testable import AdjointCheck

/// Rounding inside f that moves its derivative is no rule's fault: ((1 + r)¹² − 1)/r at r = 10⁻⁷
/// rounds 1 + r, so the floats' f has the derivative the complex step, forward and reverse give
/// (65.938…), while f computed exactly has 66.0000440000148 (by hand: 12(1+r)¹¹/r − ((1+r)¹² − 1)/r²,
/// i.e. 66 + 440r + …, 30 digits by mpmath: 66.0000440000148500…). Exact rationals and jac's exact
/// mode give the latter, and forward and reverse were rule-wrong on it (a review).
final class RoundingMovesDerivativeTests: XCTestCase {
    struct Compound: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [(T.powi(1 + x[0], 12) - 1) / x[0]] } }
    struct Absorbed: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [((1 + x[0]) - 1) / x[0]] } }

    func testNoRuleIsConvictedWhenTheFloatsAndTheExactFunctionDiffer() throws {
        // jac's exact mode joins as a subject of the exact function's derivative.
        let exact: ([Double]) -> [[Double]] = { _ in [[66.0000440000148500]] }
        let r = try checkJacobian(of: Compound(), at: [1e-7], claimed: exact, claimedName: "exact")
        // The complex step (65.938) and exact rationals (66.00004) are 0.0617 apart, within the
        // rounding bound of 0.29 (12·ε/r² by hand, 0.27, as below): each subject passes as one of
        // the two derivatives (`FloatAndExactDerivativeTests`).
        XCTAssertEqual(r.entries[0][0].verdict, .agree, r.renderTable())
        XCTAssertTrue(r.notes.contains { $0.contains("rounding inside f") }, "\(r.notes)")
        // ((1 + x) − 1)/x is exactly 1 for x in Q: derivative 0 (by hand), and the floats' f steps.
        let a = try checkJacobian(of: Absorbed(), at: [1e-10], claimed: { _ in [[0]] }, claimedName: "exact")
        if case .ruleWrong = a.entries[0][0].verdict { XCTFail(a.renderTable()) }
    }

    /// x·(10¹⁶ + 1 − 10¹⁶) is x·0 in Double (10¹⁶ + 1 rounds to 10¹⁶, its ulp being 2) and x in
    /// the rationals, so by hand f′ is 0 for the floats' f and 1 for f computed exactly: every
    /// mode and every float difference reads 0, exact rationals 1. The report (and `jac check`,
    /// beside its note on rounding inside f) said AD's 0 against "differences" meant f reaches its
    /// output only through comparisons, which f does not make: only exact rationals saw a slope.
    struct ConstantsCancel: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] * (T(1e16) + 1 - T(1e16))] }
    }

    func testRoundingOfConstantsIsNotBlamedOnComparisons() throws {
        let r = try checkJacobian(of: ConstantsCancel(), at: [2.0])
        XCTAssertFalse(r.adAllZero, r.renderTable())
        XCTAssertFalse(r.notes.contains { $0.contains("only through comparisons") || $0.contains("leaves the AD types") }, "\(r.notes)")
        // Undecided, not passed: the float differences agree on 0 ± 0, exact rationals read 1.
        XCTAssertEqual(r.entries[0][0].verdict, .fdInconclusive(reasons: [.witnessesConflict]), r.renderTable())
        XCTAssertFalse(r.passed, r.renderTable())
    }

    /// 1/(x·x − c) at x = 1.4142135623731433, c = 2.0000000000001363: x·x − c is 2.2207·10⁻¹⁶
    /// exactly and 4.4409·10⁻¹⁶ in Double (x·x rounds by about ulp(2)/2), so f′ = −2x/(x² − c)² is
    /// −5.7354024010095·10³¹ (exact rational arithmetic on the two Doubles, Python's Fraction)
    /// while every mode and the complex step give −1.4342·10³¹. The complex step convicted the
    /// right claim ("rule-wrong (claimed)"; jac check convicted its exact mode so): the noise
    /// measurement beside x steps over the pole, which lies within an ulp of x, and kept out. The
    /// first-order bound on what rounding inside f moves was 2.9·10³¹, short of the offset of
    /// 4.3·10³¹: x·x rounds by as much as x·x − c, and the offset is not linear in that. The bound
    /// is now infinite (could not be made), so no claim is judged by a witness of the floats' f
    /// here, and the complex step's public estimate, −1.43·10³¹ ± 7·10¹⁵ + 2.9·10³¹ before, which
    /// did not contain f′, is infinite and warned.
    struct PoleWithinAnUlp: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [1 / (x[0] * x[0] - T(2.0000000000001363))] }
    }

    func testTheExactDerivativeIsNotConvictedWhereRoundingIsAsLargeAsTheDerivative() throws {
        let exact = -5.7354024010095005663e31
        let r = try checkJacobian(of: PoleWithinAnUlp(), at: [1.4142135623731433], claimed: { _ in [[exact]] })
        if case .ruleWrong = r.entries[0][0].verdict { XCTFail(r.renderTable()) }
        XCTAssertFalse(r.passed, r.renderTable())
        XCTAssertEqual(r.entries[0][0].derivativeRoundingBound, .infinity, r.renderTable())
        XCTAssertTrue(r.notes.contains { $0.contains("could not be bounded") && $0.contains("first-order") }, "\(r.notes)")
        let d = try differenceJacobian(of: PoleWithinAnUlp(), at: [1.4142135623731433], method: .complexStep).entries[0][0]
        XCTAssertTrue(d.warnings.contains(.estimateTooLarge), "\(d.value) ± \(d.errorEstimate)")
        XCTAssertFalse(Swift.abs(d.value - exact) > d.errorEstimate, "\(d.value) ± \(d.errorEstimate)")
    }

    /// A claim the complex step leaves unjudged (above) takes nothing from the modes it judged:
    /// 1/(x·x − 1) at 1.000001 has x·x − 1 ≈ 2·10⁻⁶ while x·x rounds by up to ulp(1)/2, so the
    /// floats' f′ is −500000000037.6913 (Python, the same float operations −2x/(fl(x·x) − 1)²) and
    /// the exact function's at that Double −500000000082.14166 (Python's Fraction); at 1.00001,
    /// −4999999999.805353 and −4999999999.809489. The complex step left the exact claim unjudged
    /// (its gap within f's rounding bound), and then exact rationals, which agree with the claim,
    /// convicted forward and reverse: `jac check "1/(x*x-1)" --at x=1.000001` said "rule-wrong
    /// (forward, reverse)", status 1. Then witnesses-conflict, still status 1; the gap is within
    /// the rounding bound (111 at 1.000001), so each subject passes as one of the two derivatives
    /// (`FloatAndExactDerivativeTests`).
    struct NearPole: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [1 / (x[0] * x[0] - 1)] } }

    func testTheModesAreNotConvictedBesideAClaimTheComplexStepLeftUnjudged() throws {
        for (x, exact, floats) in [(1.000001, -500000000082.14166, -500000000037.6913),
                                   (1.00001, -4999999999.809489, -4999999999.805353)] {
            let r = try checkJacobian(of: NearPole(), at: [x], claimed: { _ in [[exact]] }, claimedName: "exact")
            let e = r.entries[0][0]
            XCTAssertEqual(e.subjects.first { $0.name == "forward" }?.value, floats, "x = \(x)")
            XCTAssertEqual(e.verdict, .agree, "x = \(x)\n" + r.renderTable())
            XCTAssertTrue(r.notes.contains { $0.contains("exact rationals") && $0.contains("rounding inside f") },
                          "x = \(x): \(r.notes)")
        }
    }

    /// That claim is still judged, by exact rationals alone: 300 off the floats' f′ at 1.000001
    /// (and so 344 off the exact one) it is within the complex step's allowance for rounding,
    /// and wrong for f computed exactly; it alone is convicted.
    func testAnUnjudgedClaimWrongForTheExactFunctionIsConvictedAlone() throws {
        for offset in [-300.0, 300] {
            let claim = -500000000037.6913 + offset
            let r = try checkJacobian(of: NearPole(), at: [1.000001], claimed: { _ in [[claim]] })
            XCTAssertEqual(r.entries[0][0].verdict, .ruleWrong(subjects: ["claimed"]), "offset \(offset)\n" + r.renderTable())
        }
    }

    /// Where rounding moves a value by much of itself but the derivative depends on it only
    /// linearly the offset is exactly first order, and the bound stays finite: x − (x + 10¹⁶ −
    /// 10¹⁶) at 0.3 is pure rounding (x + 10¹⁶ rounds by up to 1), added to nothing nonlinear.
    func testAValueLostToRoundingThatEntersLinearlyKeepsAFiniteBound() throws {
        struct Lost: ADFunction {
            func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] - (x[0] + T(1e16) - T(1e16)) + T.sin(x[0])] }
        }
        let b = try derivativeRoundingBound(of: Lost(), at: [0.3], direction: [1])
        XCTAssertTrue(b[0].isFinite, "\(b)")
    }

    /// Where that bound is small beside the entry's scale it judges nothing away: sin at π/2 has a
    /// derivative of 6.1·10⁻¹⁷ (cos of the Double nearest π/2), below its rounding bound, and a
    /// claim of 1 or 10⁻¹⁰ is as wrong as it was.
    func testAClaimFarBeyondASmallRoundingBoundIsStillConvicted() throws {
        struct Sine: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [sin(x[0])] } }
        for claim in [1.0, 1e-10] {
            let r = try checkJacobian(of: Sine(), at: [Double.pi / 2], claimed: { _ in [[claim]] })
            XCTAssertEqual(r.entries[0][0].verdict, .ruleWrong(subjects: ["claimed"]), r.renderTable())
        }
    }

    /// A wrong claim beside them is still convicted: 2× the exact derivative is wrong for both
    /// the floats' f and the exact one.
    func testAClaimWrongForBothIsStillConvicted() throws {
        let r = try checkJacobian(of: Compound(), at: [1e-7], claimed: { _ in [[132.0000880000297]] })
        XCTAssertEqual(r.entries[0][0].verdict, .ruleWrong(subjects: ["claimed"]), r.renderTable())
    }

    /// With erf(y) beside it neither the complex step nor exact rationals can run, and adaptive
    /// differences see the exact function's 66.00004 (above): the modes' 65.938 was rule-wrong.
    /// Their own value moves by up to 0.27 (second differences) when r moves by a few rounding
    /// steps of 1 (by hand: 12·δ/r² for 1 + r's rounding δ, up to ε/2), so nothing is shown.
    struct CompoundBesideErf: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [(T.powi(1 + x[0], 12) - 1) / x[0] + T.erf(x[1])] }
    }

    func testWithoutAComplexStepTheModesOwnNoiseKeepsThemFromConviction() throws {
        let r = try checkJacobian(of: CompoundBesideErf(), at: [1e-7, 1])
        XCTAssertEqual(r.entries[0][0].verdict, .fdInconclusive(reasons: [.derivativeNoise]), r.renderTable())
        XCTAssertTrue(r.notes.contains { $0.contains("entry (f0, x0): forward and reverse miss the witness") && $0.contains("rounding inside f") },
                      "\(r.notes)")
        // erf′(1) = 2e⁻¹/√π by hand.
        XCTAssertEqual(r.entries[0][1].verdict, .agree, r.renderTable())
        let checked = try XCTUnwrap(r.entries[0][1].subjects.first { $0.name == "forward" }?.value)
        XCTAssertEqual(checked, 2 * exp(-1) / Double.pi.squareRoot(), accuracy: 1e-15)
    }

    /// The noise is measured, not assumed: a powi rule 0.1% off moves the modes by 0.13 (132·10⁻³
    /// from 12(1 + r)¹¹/r's 1.2·10⁸ … by hand: the term 12·v¹¹/r carries the rule, 1.2·10⁸ × 10⁻³
    /// = 1.2·10⁵), far beyond the noise, and is convicted; at r = 0.5, where 1 + r does not round,
    /// a rule 10⁻⁶ off is convicted too.
    func testAWrongRuleIsStillConvictedBesideTheNoise() throws {
        for (r, factor) in [(1e-7, 1.001), (0.5, 1 + 1e-6)] {
            let report = try RuleMutations.withMutation(RuleMutation(op: .powi, input: 0, factor: factor)) {
                try checkJacobian(of: CompoundBesideErf(), at: [r, 1])
            }
            XCTAssertEqual(report.entries[0][0].verdict, .ruleWrong(subjects: ["forward", "reverse"]),
                           "r = \(r), factor \(factor)\n" + report.renderTable())
        }
    }
    /// √(x₀x₁ + x₂x₃ + x₄) at (0.05, 0.2, 0.1, −0.1, 2): the partial sum x₀x₁ + x₂x₃ is
    /// 0.010000000000000002 − 0.010000000000000002, an exact 0 in Double, and rounding of the two
    /// products moves it by all of itself. It reaches the derivative only through the sum with x₄ = 2,
    /// which moves by 10⁻¹⁸ of itself, so the first-order bound holds: by hand, f′ = x₁/(2√u) with
    /// u ≈ 2 moves by ε times terms no larger than 0.2 over a handful of nodes, about 5·10⁻¹⁷. The
    /// bound was infinite (the zero partial sum tested against a quarter of itself), and a
    /// researcher's right ray–sphere distance, whose b = d·(o − C) cancels that way, had every entry
    /// noted as "could not be bounded … write f so it does not cancel there (expm1, log1p)".
    struct CancellingPartialSum: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [sqrt(x[0] * x[1] + x[2] * x[3] + x[4])] }
    }

    func testACancellingPartialSumThatOnlyFeedsASumKeepsTheBoundFinite() throws {
        let x = [0.05, 0.2, 0.1, -0.1, 2.0]
        let bound = try derivativeRoundingBound(of: CancellingPartialSum(), at: x, direction: [1, 0, 0, 0, 0])
        XCTAssertLessThanOrEqual(bound[0], 1e-15, "\(bound)")   // 20 times the hand estimate; ∞ before
        let r = try checkGradient(of: CancellingPartialSum(), at: x)
        XCTAssertTrue(r.passed, r.renderTable())
        XCTAssertTrue(r.derivativeRoundingEntries.isEmpty, r.renderTable())
        XCTAssertFalse(r.notes.contains { $0.contains("could not be bounded") }, "\(r.notes)")
        // Where the sum that receives it is as small as the move (x₄ = 10⁻¹⁷: u moves by 4·10⁻¹⁸,
        // under a quarter of u no longer), √ sees the move, and no first-order bound holds.
        let near = try derivativeRoundingBound(of: CancellingPartialSum(), at: [0.05, 0.2, 0.1, -0.1, 1e-17],
                                               direction: [1, 0, 0, 0, 0])
        XCTAssertEqual(near[0], .infinity)
    }

    struct HiddenDifference: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
            let hidden = (x[0] + T(1e-16)) * x[1] - x[0] * x[1]
            return [exp(T(1e18) * hidden) * x[2]]
        }
    }

    /// (x + 10⁻¹⁶)·y − x·y at (1, 1) is 0 in Double, since x + 10⁻¹⁶ rounds to x, and 10⁻¹⁶ in
    /// exact arithmetic: ∂f/∂z = e^(10¹⁸·10⁻¹⁶) = e¹⁰⁰ = 2.688·10⁴³ (mpmath) where Double computes 1.
    /// The two products are one class (equal argument values), and a difference of one class
    /// was taken for an exact 0 and bounded finitely (about 222, a review); only a difference of
    /// one computation is an exact 0, and this bound is not finite.
    func testADifferenceOfEqualValuesFromDifferentComputationsIsNotExact() throws {
        let b = try derivativeRoundingBound(of: HiddenDifference(), at: [1.0, 1.0, 1.0], direction: [0, 0, 1])
        XCTAssertEqual(b.count, 1)
        XCTAssertFalse(b[0] < 2.688e43, "\(b)")
    }
}
