import XCTest
@testable import AdjointCheck
import AdjointCore
import AdjointFormula

/// x³ with a wrong rule (2x² for 3x²): a planted wrong rule the check must keep convicting.
enum WrongCube: UnaryPrimitive {
    static let name = "wrong_cube"
    static var sampleRanges: [ClosedRange<Double>] { [0.5...3] }
    static func primal<T: ADScalar>(_ x: T) -> T { x * x * x }
    static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { 2 * x * x }
}

/// 10⁻³⁰⁰·x³ with the wrong rule: every value, tangent and adjoint is normal (near 10⁻²⁹⁹).
struct TinyWrongCube: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T(1e-300) * WrongCube.apply(x[0])] }
}

/// x²/x²⁰⁰ + 10⁻²⁰⁰·x³ with the wrong rule for x³.
struct UnderflowPlusWrongCube: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
        [T.powi(x[0], 2) / T.powi(x[0], 200) + T(1e-200) * WrongCube.apply(x[0])]
    }
}

/// A mode that loses a term to a tangent or adjoint outside Double's range is not a wrong rule.
/// Reverse mode on x²/x³⁰⁰ at 10 gave 2e-299 for −2.98e-297 and the check said "rule-wrong
/// (reverse)", blaming the division rule; then it said range-loss, judging the pass as it ran.
/// The library's passes now recover such a term themselves (RangeRecovery), and the check judges
/// what they return: the entry agrees. Expected values by hand.
final class RangeLossCheckTests: XCTestCase {
    func testAnAdjointThatUnderflowsIsRecoveredAndAgrees() throws {
        // d/dx x⁻²⁹⁸ = −298·10⁻²⁹⁹ at 10. The adjoint of x³⁰⁰, −x²/(x³⁰⁰)² = −10⁻⁵⁹⁸, is below
        // the least Double; the sweep lifted by 2¹⁰¹⁵ keeps it.
        let truth = -2.98e-297
        let r = try checkJacobian(of: try Formula(parsing: "x^2/x^300"), at: [10.0])
        let e = r.entries[0][0]
        XCTAssertEqual(e.verdict, .agree, r.renderTable())
        for mode in ["reverse", "forward"] {
            XCTAssertEqual(e.subjects.first { $0.name == mode }?.value ?? .nan, truth, accuracy: 1e-13 * 2.98e-297, mode)
        }
        XCTAssertEqual(e.seededPasses, [], "the seeded passes recover as the subjects do, and add nothing")
        XCTAssertNil(r.fault)
        XCTAssertTrue(r.passed, r.renderTable())
        XCTAssertFalse(r.toJSON(pretty: false).contains("rangeLoss"))
    }

    func testATangentThatUnderflowsIsRecoveredInForwardMode() throws {
        // d/dx 10³⁰⁰/x = −10³⁰⁰/x² = −10⁻⁴⁰ at 10¹⁷⁰; forward mode's tangent of 1/x, −10⁻³⁴⁰, is
        // below the least Double, and forward gave 0 before its direction was lifted.
        let r = try checkJacobian(of: try Formula(parsing: "(1/x)*1e300"), at: [1e170])
        let e = r.entries[0][0]
        XCTAssertEqual(e.verdict, .agree, r.renderTable())
        XCTAssertEqual(e.subjects.first { $0.name == "forward" }?.value ?? .nan, -1e-40, accuracy: 1e-13 * 1e-40)
        XCTAssertTrue(r.passed)
    }

    func testAFloatCheckRecoversFloatsRange() throws {
        // x²/x³⁰ at 10 in Float: d/dx x⁻²⁸ = −28·10⁻²⁹ by hand. The adjoint of x³⁰, −10⁻⁵⁸, is
        // below Float's least subnormal though well inside Double's range.
        let r = try checkJacobian(of: try Formula(parsing: "x^2/x^30"), at: [Float(10)])
        let e = r.entries[0][0]
        XCTAssertEqual(e.verdict, .agree, r.renderTable())
        XCTAssertEqual(e.subjects.first { $0.name == "reverse" }?.value ?? .nan, -2.8e-28, accuracy: 1e-5 * 2.8e-28)
    }

    func testAWrongRuleAtTinyMagnitudesIsStillConvicted() throws {
        // By hand 3x²·10⁻³⁰⁰ = 1.2e-299 at 2; the rule gives 2x²·10⁻³⁰⁰ = 8e-300. Every value is
        // normal, so the seeded passes reproduce the unseeded ones and none is listed.
        let r = try checkJacobian(of: TinyWrongCube(), at: [2.0])
        let e = r.entries[0][0]
        XCTAssertEqual(e.verdict, .ruleWrong(subjects: ["forward", "reverse"]), r.renderTable())
        for s in e.subjects { XCTAssertEqual(s.value, 8e-300, accuracy: 1e-13 * 8e-300) }
        XCTAssertEqual(e.witnessValue ?? .nan, 1.2e-299, accuracy: 1e-4 * 1.2e-299)
        XCTAssertEqual(e.seededPasses, [])
        XCTAssertEqual(r.fault?.op, "wrong_cube")
    }

    func testAWrongRuleBesideARecoveredRangeLossIsStillConvicted() throws {
        // At 10: d/dx x⁻¹⁹⁸ = −1.98e-197 and 10⁻²⁰⁰·3x² = 3e-198, true −1.68e-197; with the rule's
        // 2x² both modes give −1.78e-197. Reverse mode's unscaled sweep loses the x²⁰⁰ term (its
        // adjoint −10⁻³⁹⁸) and gave 2.2e-198; the recovered sweep keeps it, and what is left of the
        // gap is the rule's: it, not div, is at fault.
        let r = try checkJacobian(of: UnderflowPlusWrongCube(), at: [10.0])
        let e = r.entries[0][0]
        XCTAssertEqual(e.verdict, .ruleWrong(subjects: ["forward", "reverse"]), r.renderTable())
        for mode in ["forward", "reverse"] {
            XCTAssertEqual(e.subjects.first { $0.name == mode }?.value ?? .nan, -1.78e-197, accuracy: 1e-13 * 1.78e-197, mode)
        }
        XCTAssertEqual(e.witnessValue ?? .nan, -1.68e-197, accuracy: 1e-6 * 1.68e-197)
        XCTAssertEqual(e.seededPasses, [])
        XCTAssertEqual(r.fault?.op, "wrong_cube")
    }
}

/// x²/x³⁰⁰ + 10⁻³⁰⁰·x³ with the wrong rule for x³: the loss (the adjoint of x³⁰⁰, −10⁻⁵⁹⁸) is
/// recovered only at 2¹⁰⁰⁰, so 2⁵⁰⁰ reproduces the unseeded pass.
struct DeepUnderflowPlusWrongCube: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
        [T.powi(x[0], 2) / T.powi(x[0], 300) + T(1e-300) * WrongCube.apply(x[0])]
    }
}

/// x²/x³⁰⁷: the adjoint of x³⁰⁷, −x²/x⁶¹⁴ = −10⁻⁶¹², is still subnormal at 2¹⁰⁰⁰ (10⁻³¹¹).
struct UnrecoveredUnderflow: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.powi(x[0], 2) / T.powi(x[0], 307)] }
}

final class RangeLossSingleSeedTests: XCTestCase {
    func testAWrongRuleBesideALossOnlyTheLargestSeedRecoversIsStillConvicted() throws {
        // By hand at 10: d/dx x⁻²⁹⁸ = −2.98e-297, 10⁻³⁰⁰·3x² = 3e-298, true −2.68e-297; the rule's
        // 2x² gives −2.78e-297 where reverse keeps every term. Reverse loses the x³⁰⁰ term
        // (2e-299 + 2e-298 = 2.2e-298); ×2⁵⁰⁰ loses it too, ×2¹⁰⁰⁰ gives −2.78e-297. Reverse alone
        // was checked and the report said range-loss, "no derivative rule is judged", fault nil.
        var o = CheckOptions()
        o.checkForward = false
        let r = try checkJacobian(of: DeepUnderflowPlusWrongCube(), at: [10.0], options: o)
        let e = r.entries[0][0]
        XCTAssertEqual(e.verdict, .ruleWrong(subjects: ["reverse"]), r.renderTable())
        XCTAssertEqual(e.witnessValue ?? .nan, -2.68e-297, accuracy: 1e-6 * 2.68e-297)
        XCTAssertEqual(r.fault?.op, "wrong_cube", r.renderTable())
        for p in e.seededPasses {
            XCTAssertEqual(p.value, -2.78e-297, accuracy: 1e-13 * 2.78e-297)
            XCTAssertFalse(p.agreesWithWitness)
        }
        // Both modes: reverse was dropped from the wrong subjects and described as a user vector
        // primitive's nonlinear rule, on a tape that has none.
        let both = try checkJacobian(of: DeepUnderflowPlusWrongCube(), at: [10.0])
        XCTAssertEqual(both.entries[0][0].verdict, .ruleWrong(subjects: ["forward", "reverse"]), both.renderTable())
        XCTAssertFalse(both.renderTable().contains("user vector primitive"), both.renderTable())
    }

    func testALossTheFixedSeedsOnlyPartlyRecoveredIsRecoveredWhole() throws {
        // By hand d/dx x⁻³⁰⁵ = −305·10⁻³⁰⁶ = −3.05e-304 at 10. ×2¹⁰⁰⁰ the lost adjoint was a
        // subnormal 10⁻³¹¹ (digits lost) and the check said range-loss; the sweep's own lift,
        // 2¹⁰¹⁵, keeps it normal, and the entry agrees.
        var o = CheckOptions()
        o.checkForward = false
        let r = try checkJacobian(of: UnrecoveredUnderflow(), at: [10.0], options: o)
        let e = r.entries[0][0]
        XCTAssertEqual(e.verdict, .agree, r.renderTable())
        XCTAssertEqual(e.subjects.first { $0.name == "reverse" }?.value ?? .nan, -3.05e-304, accuracy: 1e-13 * 3.05e-304)
        XCTAssertNil(r.fault)
    }
}

/// 10³⁰⁰/x + 3·10⁶³·(10⁻²³⁵x)³ with the wrong rule for the cube: at 10²³⁵ forward mode loses the
/// tangent of 1/x (−10⁻⁴⁷⁰), which 2⁵⁰⁰ brings back only as a subnormal and 2⁹⁹²/2¹⁰⁰⁰ in full.
struct PartlyRecoveredPlusWrongCube: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
        [T(1e300) * (1 / x[0]) + T(3e63) * WrongCube.apply(x[0] * T(1e-235))]
    }
}

extension RangeLossSingleSeedTests {
    func testAWrongRuleBesideALossOnlyALargeLiftRecoversIsConvicted() throws {
        // By hand at 10²³⁵: −10³⁰⁰/x² = −10⁻¹⁷⁰ and 3·10⁶³·3y²·10⁻²³⁵ = 9e-172 (y = 1), true
        // −9.1e-171; the rule's 2y² gives −9.4e-171. Forward mode's tangent of 1/x, −10⁻⁴⁷⁰, is
        // recovered by its lifted passes; the seeded-pass note once said the tape called a user
        // vector primitive, which it does not. Now both modes are simply convicted.
        let r = try checkJacobian(of: PartlyRecoveredPlusWrongCube(), at: [1e235])
        let e = r.entries[0][0]
        XCTAssertEqual(e.verdict, .ruleWrong(subjects: ["forward", "reverse"]), r.renderTable())
        XCTAssertEqual(e.witnessValue ?? .nan, -9.1e-171, accuracy: 1e-6 * 9.1e-171)
        XCTAssertEqual(e.subjects.first { $0.name == "forward" }?.value ?? .nan, -9.4e-171, accuracy: 1e-13 * 9.4e-171)
        XCTAssertNil(e.seededPassNote)
        XCTAssertEqual(r.fault?.op, "wrong_cube")
    }
}

/// The seeded passes the check and jac share.
final class SeededPassTests: XCTestCase {
    /// By hand: d/dx x²/x³⁰⁰ at 10 = −298·10⁻²⁹⁹; the unseeded sweep loses the adjoint of x³⁰⁰
    /// (−10⁻⁵⁹⁸) and the 2¹⁰⁰⁰ one keeps it.
    func testEverySeedKeepsTheTermTheUnscaledSweepLoses() throws {
        // Each seeded row recovers as the checked rows do, so a low seed loses no more than 1.
        let rec = try record({ x in [x[0] * x[0] / Reverse.powi(x[0], 300)] }, at: [10.0])
        XCTAssertEqual(try rec.pullback([1], checked: false)[0], 2e-299, accuracy: 1e-13 * 2e-299, "the raw sweep loses it")
        for seed in [1, 0x1p500, 0x1p1000] {
            let row = try XCTUnwrap(seededReverseRow(recording: rec, output: 0, seed: seed))
            XCTAssertEqual(row[0], -2.98e-297, accuracy: 1e-13 * 2.98e-297, "seed \(seed)")
        }
        XCTAssertNil(seededReverseRow(recording: rec, output: 1, seed: 1), "no output 1")
    }

    /// x/y at (3e-300, 7e-161): g/y = 1.4e160 overflows at the 2⁵⁰⁰ seed, and division's VJP then
    /// orders its product otherwise (2 ulps away, review 12): such a sweep is no exact scaling and
    /// is not returned. Unseeded, ∂/∂y = −x/y² = −6.122448979591836e+20 (Python fractions on the
    /// two Doubles, rounded once).
    func testASweepWhoseAdjointOverflowsIsNotReturned() throws {
        let rec = try record({ x in [x[0] / x[1]] }, at: [3e-300, 7e-161])
        XCTAssertNil(seededReverseRow(recording: rec, output: 0, seed: 0x1p500))
        let plain = try XCTUnwrap(seededReverseRow(recording: rec, output: 0, seed: 1))
        XCTAssertEqual(plain[1], -6.122448979591836e+20, accuracy: 1e-15 * 6.122448979591836e+20)
    }

    /// Forward: the column of x² at 3 is 2x = 6 by hand, with the seed scaled and divided back
    /// exactly; a function whose output count is not the one asked for gives nil.
    func testAForwardColumnIsDividedBack() {
        let c = seededForwardColumn(of: { (d: [Dual<Double, Double>]) in [d[0] * d[0]] }, at: [3.0], input: 0, outputs: 1, seed: 0x1p500)
        XCTAssertEqual(c, [6], "2x at 3, exactly: the seed scales and divides back exactly")
        XCTAssertNil(seededForwardColumn(of: { (d: [Dual<Double, Double>]) in [d[0]] }, at: [3.0], input: 0, outputs: 2, seed: 1))
    }
}

/// Found by review: in x²/x³⁰⁰ + 10¹⁰·y the fixed seeds could not show the lost term: 2¹⁰⁰⁰
/// overflows y's adjoint (so that sweep is refused) and 2⁵⁰⁰ leaves x³⁰⁰'s −10⁻⁵⁹⁸ below the
/// range, so the check convicted reverse mode's division rule for a range loss.
final class AdaptiveSeedTests: XCTestCase {
    struct TwoTerms: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] * x[0] / T.powi(x[0], 300) + 1e10 * x[1]] }
    }

    func testTheLargestSafeSeedLeavesEightBitsBelowTheLargestAdjoint() throws {
        let rec = try record({ (x: [Reverse<Double>]) in TwoTerms()(x) }, at: [10.0, 1.0])
        // The largest adjoint is y's, 10¹⁰ = 1.16·2³³: the seed is 2^(1023 − 33 − 8).
        XCTAssertEqual(largestSafeReverseSeed(recording: rec, output: 0), 0x1p982)
        let seeded = try XCTUnwrap(seededReverseRow(recording: rec, output: 0, seed: 0x1p982))
        XCTAssertEqual(seeded[0], -2.98e-297, accuracy: 1e-13 * 2.98e-297)   // −298·10⁻²⁹⁹ by hand
        XCTAssertEqual(seeded[1], 1e10)
        XCTAssertNil(seededReverseRow(recording: rec, output: 0, seed: 0x1p1000), "2¹⁰⁰⁰ overflows y's adjoint")
        XCTAssertNil(largestSafeReverseSeed(recording: rec, output: 1), "no output 1")
        // The rows every range-loss test reads: the fixed seeds, then this one since 2¹⁰⁰⁰ was
        // refused; where 2¹⁰⁰⁰ is taken (x²/x³⁰⁰ alone) nothing more.
        let rows = seededReverseRows(recording: rec, output: 0, seeds: rangeLossSeeds(for: Double.self))
        XCTAssertEqual(rows.map(\.seed), [0x1p500, 0x1p1000, 0x1p982])
        XCTAssertEqual(rows.map { $0.row == nil }, [false, true, false])
        let alone = try record({ x in [x[0] * x[0] / Reverse.powi(x[0], 300)] }, at: [10.0])
        XCTAssertEqual(seededReverseRows(recording: alone, output: 0, seeds: rangeLossSeeds(for: Double.self)).map(\.seed),
                       [0x1p500, 0x1p1000])
    }

    func testTheCheckRecoversTheTermAndAgrees() throws {
        // The sweep's lift, 2^(1023 − 33 − 8) = 2⁹⁸², keeps −10⁻⁵⁹⁸ and overflows nothing.
        let r = try checkJacobian(of: TwoTerms(), at: [10.0, 1.0])
        XCTAssertEqual(r.entries[0][0].verdict, .agree, r.renderTable())
        XCTAssertEqual(r.entries[0][1].verdict, .agree, r.renderTable())
        XCTAssertNil(r.fault, "no rule is at fault: \(r.renderTable())")
        // The step sweep's reference, reverse mode's pullback, keeps the term: the lift that
        // pullback takes where the sweep underflowed is 2^(1023 − 33 − 8) too.
        let s = try stepSweep(of: TwoTerms(), at: [10.0, 1e-310])
        XCTAssertEqual(s.reference, -2.98e-297, accuracy: 1e-13 * 2.98e-297)
    }
}

/// The identity on two inputs as a user vector primitive with both rules (linear, though the
/// library cannot know that of a user's rule).
private enum PassThrough: VectorPrimitive {
    static let name = "pass_through"
    static func primal(_ x: [Double]) -> [Double] { x }
    static func jvp(at x: [Double], direction v: [Double]) -> [Double]? { v }
    static func vjp(at x: [Double], cotangent u: [Double]) -> [Double]? { u }
}

/// x²/x³⁰⁰ with x passed through a user vector primitive first.
private struct QuotientThroughAUserRule: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
        let c = PassThrough.apply(x)
        return [c[0] * c[0] / T.powi(c[0], 300)]
    }
}

final class RangeLossBesideAUserRuleTests: XCTestCase {
    /// A tape with a user vector primitive is not lifted by the library (its rule need not be
    /// linear in its seed), so reverse mode's sweep keeps 2e-299 for −2.98e-297 (by hand). The
    /// check's own seeded passes show the loss: range-loss, not rule-wrong, and no rule is blamed.
    func testTheCheckStillCallsALossItCannotRecoverARangeLoss() throws {
        let r = try checkJacobian(of: QuotientThroughAUserRule(), at: [10.0])
        let e = r.entries[0][0]
        XCTAssertEqual(e.verdict, .rangeLoss(subjects: ["reverse"]), r.renderTable())
        XCTAssertEqual(e.subjects.first { $0.name == "reverse" }?.value ?? .nan, 2e-299, accuracy: 1e-13 * 2e-299)
        XCTAssertEqual(e.subjects.first { $0.name == "forward" }?.value ?? .nan, -2.98e-297, accuracy: 1e-13 * 2.98e-297)
        XCTAssertTrue(e.seededPasses.contains { $0.agreesWithWitness && Swift.abs($0.value + 2.98e-297) < 1e-309 }, r.renderTable())
        XCTAssertNil(r.fault, r.renderTable())
        XCTAssertTrue(r.renderTable().contains("reverse 2e-299 lost a term to an adjoint outside Double's normal range"), r.renderTable())
        // The library's own gradient says the same, unrecovered, rather than guess at the rule.
        XCTAssertEqual(try gradient(of: { (x: [Reverse<Double>]) in QuotientThroughAUserRule()(x)[0] }, at: [10.0])[0],
                       2e-299, accuracy: 1e-13 * 2e-299)
    }
}
