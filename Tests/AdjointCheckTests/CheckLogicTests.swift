import XCTest
import Foundation
@testable import AdjointCheck
import AdjointCore

/// Ways the check could be fooled, each shown to give an honest verdict: a hand linearisation that
/// loses the second derivative, a jump, conflicting witnesses, a directional disagreement.
final class CheckLogicTests: XCTestCase {
    /// G(x) = f′(x) for f = W (Lambert W) linearised by hand at the current point: value and slope
    /// are right at every x, but the slope enters as a constant read through approximateDouble, so
    /// AD of G (the second derivative of f) is 0 while the true one is W″(x) ≠ 0.
    struct LinearisedGradient: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
            [derivative(of: { (y: Dual<T, T>) -> Dual<T, T> in
                let y0 = y.approximateDouble
                let w0 = lambertW(y0)
                let slope = w0 / (y0 * (1 + w0))
                return Dual(constant: T(w0)) + Dual(constant: T(slope)) * (y - Dual(constant: T(y0)))
            }, at: x[0])]
        }
    }

    func testTheWrongHessianTrapIsNeverAgree() throws {
        let r = try checkJacobian(of: LinearisedGradient(), at: [1.0])
        let v = r.entries[0][0].verdict
        XCTAssertTrue(v.name == "rule-wrong" || v.name == "fd-inconclusive", r.renderTable())
        XCTAssertFalse(r.passed)
        XCTAssertGreaterThan(r.escapes, 0, "the conversion to Double is counted")
        XCTAssertTrue(r.adAllZero, r.renderTable())
        XCTAssertTrue(r.renderTable().contains("approximateDouble"), r.renderTable())
        // The count spans two evaluations of code that converts once: the note says so rather
        // than "2 time(s)" (a review).
        XCTAssertTrue(r.notes.contains { $0.contains("conversion(s) over its reverse and forward evaluations together") }, "\(r.notes)")
        XCTAssertFalse(r.notes.contains { $0.contains("time(s)") }, "\(r.notes)")
        // The complex step follows the same broken path and is marked so, not trusted.
        let cs = r.entries[0][0].ladder.first { $0.witness == "complex-step" }
        XCTAssertEqual(cs?.outcome, "unreliable")
        XCTAssertTrue(cs?.warnings.contains(.notIndependent) ?? false)
    }

    /// f(x) = x for x < 0, x + 1 otherwise: a jump of 1 at 0, where AD takes the right branch.
    struct Jump: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] < 0 ? x[0] : x[0] + 1] }
    }

    func testAJumpIsADiscontinuityNeverAgree() throws {
        let r = try checkJacobian(of: Jump(), at: [0.0])
        guard case .discontinuity(let jump) = r.entries[0][0].verdict else {
            return XCTFail("expected a discontinuity:\n\(r.renderTable())")
        }
        XCTAssertEqual(jump, 1, accuracy: 1e-6)
        XCTAssertFalse(r.passed)
        // Away from the jump the same function is fine.
        XCTAssertTrue(try checkJacobian(of: Jump(), at: [0.5]).passed)
    }

    struct Square: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] * x[0]] }
    }

    func testOneAgreeingWitnessDoesNotOverruleTwoDisagreeingOnes() throws {
        // d/dx x² at 3 is 6. Two witnesses claiming 7 with tiny error estimates, then one claiming 6.
        func witness(_ name: String, _ value: Double) -> WitnessRung {
            .custom(name: name, errorEstimate: 1e-12, jacobian: { _ in [[value]] })
        }
        var o = CheckOptions()
        o.directionSeed = nil
        o.ladder = [witness("a", 7), witness("b", 7), witness("c", 6)]
        let r = try checkJacobian(of: Square(), at: [3.0], options: o)
        XCTAssertEqual(r.entries[0][0].verdict, .fdInconclusive(reasons: [.witnessesConflict]), r.renderTable())
        // One disagreeing estimate followed by an agreeing one is an estimate that failed: agree.
        o.ladder = [witness("a", 7), witness("c", 6)]
        XCTAssertEqual(try checkJacobian(of: Square(), at: [3.0], options: o).entries[0][0].verdict, .agree)
        // Two reliable disagreements and nothing agreeing: rule-wrong.
        o.ladder = [witness("a", 7), witness("b", 7)]
        XCTAssertEqual(try checkJacobian(of: Square(), at: [3.0], options: o).entries[0][0].verdict.name, "rule-wrong")
    }

    func testTheDirectionalCheckCountsAndHonoursCheckForward() throws {
        var o = CheckOptions()
        o.checkForward = false
        let r = try checkJacobian(of: Square(), at: [3.0], options: o)
        XCTAssertNil(r.directional, "the directional check is forward mode: off with checkForward = false")
        var base = try checkJacobian(of: Square(), at: [3.0])
        XCTAssertEqual(base.directional?.agrees, true)
        XCTAssertTrue(base.passed)
        base.directional = DirectionalCheck(seed: 1, direction: [1], forward: [6], difference: [7],
                                            errorEstimate: [1e-12], agrees: false)
        XCTAssertFalse(base.passed, "a disagreeing directional check fails the report")
    }

    struct SinThousand: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.sin(1000 * x[0])] }
    }
    struct SquareAndLog: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] * x[0], T.log(x[0])] }
    }

    /// Found by a user trial: central's estimate at sin(1000x) is 5e-3, so it "agreed" with a claim
    /// 3e-5 relative off; the ladder now goes on while the agreement is looser than ε^{1/3} (6e-6)
    /// of the entry.
    func testALooseAgreementDoesNotStopTheLadder() throws {
        let truth = 1000 * cos(1000.0)   // d/dx sin(1000x) at 1, by hand
        let wrong = try checkJacobian(of: SinThousand(), at: [1.0], claimed: { _ in [[562.39]] })
        let e = wrong.entries[0][0]
        XCTAssertEqual(e.verdict, .ruleWrong(subjects: ["claimed"]), wrong.renderTable())
        XCTAssertEqual(e.ladder.first?.witness, "central")
        XCTAssertEqual(e.ladder.first?.outcome, "agree", "the premise: central alone agrees")
        XCTAssertFalse(wrong.passed)
        // The true value agrees, decided by a witness sharper than ε^{1/3} relative.
        let right = try checkJacobian(of: SinThousand(), at: [1.0], claimed: { _ in [[truth]] })
        let r = right.entries[0][0]
        XCTAssertEqual(r.verdict, .agree, right.renderTable())
        XCTAssertLessThanOrEqual(r.tolerance ?? .infinity, 6.06e-6 * abs(truth), right.renderTable())
        // x² and log x at 1e-3: central resolves d log/dx = 1000 only to ~1e-5; a claim 1.5e-5 off fails.
        let x = 0.001
        let logWrong = try checkJacobian(of: SquareAndLog(), at: [x], claimed: { _ in [[2 * x], [1 / x * (1 + 1.5e-5)]] })
        XCTAssertEqual(logWrong.entries[1][0].verdict, .ruleWrong(subjects: ["claimed"]), logWrong.renderTable())
        XCTAssertEqual(logWrong.entries[0][0].verdict, .agree, logWrong.renderTable())
        XCTAssertTrue(try checkJacobian(of: SquareAndLog(), at: [x], claimed: { _ in [[2 * x], [1 / x]] }).passed)
    }

    /// Each rung the ladder used says how many evaluations of f it spent on the entry, in the
    /// report and its JSON, as the difference Jacobians do (issue 16).
    func testTheLadderCountsEvaluationsPerEntry() throws {
        let r = try checkJacobian(of: SinThousand(), at: [1.0], claimed: { _ in [[562.39]] })
        let used = r.entries[0][0].ladder.filter { $0.outcome != "not-available" }
        XCTAssertGreaterThan(used.count, 1, "the premise: the ladder escalated")
        // The check's central rung is the library's central difference without its look off the
        // power-of-two lattice (two evaluations at h/φ), which the check's rungs do not take.
        let central = try differenceJacobian(of: SinThousand(), at: [1.0], method: .central)
        XCTAssertEqual(used.first?.evaluations, central.entries[0][0].evaluations - 2)
        XCTAssertTrue(used.allSatisfy { ($0.evaluations ?? 0) > 0 }, "\(used)")
        XCTAssertTrue(r.toJSON().contains("\"evaluations\": \(used[0].evaluations ?? -1)"), r.toJSON())
    }

    /// With nothing sharper on the ladder, a loose agreement stands; a looser disagreement after it
    /// is a conflict between witnesses, not a verdict.
    func testALooseAgreementStandsUnlessASharperWitnessDisagrees() throws {
        func witness(_ name: String, _ value: Double, _ err: Double) -> WitnessRung {
            .custom(name: name, errorEstimate: err, jacobian: { _ in [[value]] })
        }
        var o = CheckOptions()
        o.directionSeed = nil
        // d/dx x² at 3 is 6: a loose witness at 6 (± 1e-3), nothing else.
        o.ladder = [witness("loose", 6, 1e-3)]
        let alone = try checkJacobian(of: Square(), at: [3.0], options: o).entries[0][0]
        XCTAssertEqual(alone.verdict, .agree)
        XCTAssertEqual(alone.witness, "loose")
        // A sharp witness at 6.01 disagrees with the modes' 6: it decides.
        o.ladder = [witness("loose", 6, 1e-2), witness("sharp", 6.01, 1e-12)]
        XCTAssertEqual(try checkJacobian(of: Square(), at: [3.0], options: o).entries[0][0].verdict.name, "rule-wrong")
        // A looser witness that disagrees contradicts the loose agreement: inconclusive.
        o.ladder = [witness("loose", 6, 1e-3), witness("looser", 7, 1e-1)]
        XCTAssertEqual(try checkJacobian(of: Square(), at: [3.0], options: o).entries[0][0].verdict,
                       .fdInconclusive(reasons: [.witnessesConflict]))
        // Found in review: the sharpest disagreement decides, not the last one.
        o.ladder = [witness("loose", 6, 1e-3), witness("sharp", 6.01, 1e-12), witness("looser", 7, 1e-1)]
        XCTAssertEqual(try checkJacobian(of: Square(), at: [3.0], options: o).entries[0][0].verdict.name, "rule-wrong")
        // A sharp agreement after a loose one is taken as the deciding witness.
        o.ladder = [witness("loose", 6, 1e-3), witness("sharp", 6, 1e-13)]
        XCTAssertEqual(try checkJacobian(of: Square(), at: [3.0], options: o).entries[0][0].witness, "sharp")
    }

    struct ThreeByFour: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] * x[1] * x[2] * x[3], x[0] + x[3], x[1] * x[2]] }
    }

    /// Found by a user trial: the table shows the worst entries first, at most worstEntryCount
    /// (8) of them, without saying so. It says so now, and how many there are.
    func testTheTableSaysWhichEntriesItShows() throws {
        let partial = try checkJacobian(of: ThreeByFour(), at: [1, 2, 3, 4]).renderTable()
        XCTAssertTrue(partial.contains("(worst 8 of 12 entries, worst first; the JSON has them all)"), partial)
        var o = CheckOptions()
        o.worstEntryCount = 12
        let whole = try checkJacobian(of: ThreeByFour(), at: [1, 2, 3, 4], options: o).renderTable()
        XCTAssertTrue(whole.contains("(all 12 entries, worst first)"), whole)
    }

    /// Found by a user trial: the table cut −999999999999.9883 to "-99999999". Numbers printed
    /// without an exponent keep their magnitude (by hand: 7 significant figures).
    func testTableNumbersKeepTheirMagnitude() {
        XCTAssertEqual(fmt(-999999999999.9883), "-1.000000e+12")
        XCTAssertEqual(fmt(1234567890.5), "1234567890.5")   // short enough to print whole
        XCTAssertEqual(fmt(12345678901.25), "1.234568e+10")
        XCTAssertEqual(fmt(0.000987654321), "9.876543e-04")
        XCTAssertEqual(fmt(562.3790762907031), "562.3791")
        XCTAssertEqual(fmt(8.218407461554968e+307), "8.218407e+307")
        XCTAssertEqual(fmt(-2.5), "-2.5")
    }

    /// Found by a user trial: the table cut numbers instead of rounding them, so the point
    /// 1 − 2⁻⁵³ (a branch's switch approached from below) read "0.999999" and a one-sided
    /// derivative 1.9999999999999998 read "1.999999", both 10⁻⁶ off what they were, and
    /// −0.028522891912549742 kept 5 figures. Expected values rounded by hand to 7 figures.
    func testTableNumbersAreRoundedNotCut() {
        XCTAssertEqual(fmt(0.9999999999999999), "1.0")
        XCTAssertEqual(fmt(1.9999999999999998), "2.0")
        XCTAssertEqual(fmt(-0.028522891912549742), "-0.02852289")
        XCTAssertEqual(fmt(-0.47316255210846947), "-0.4731626")
        XCTAssertEqual(fmt(0.30000001192092896), "0.3")                 // Float(0.3) as a Double
        XCTAssertEqual(fmt(1.2345678901234567e-05), "1.234568e-05")
        XCTAssertEqual(fmt(9.9999999999e-05), "1.000000e-04")           // the mantissa rounds up to 10
        XCTAssertEqual(fmt(12345678.91234), "12345679.0")               // below 1e8: the integer part whole
        XCTAssertEqual(fmt(-4.248354255291589e-18), "-4.248354e-18")
    }

    /// Found by a user trial: a gradient check over 10⁵ inputs printed the whole point as the
    /// table's first line (a megabyte), which `XCTAssert(report.passed, report.renderTable())`
    /// then wrote into the failure message.
    func testTableFirstLineShowsALongPointShortened() throws {
        struct SumOfSquares: ADFunction {
            func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x.reduce(0) { $0 + $1 * $1 }] }
        }
        let x = (0..<200).map { Double($0) / 8 }
        let report = try checkGradient(of: SumOfSquares(), at: x)
        let first = report.renderTable().split(separator: "\n")[0]
        XCTAssertEqual(first, "Jacobian check at x = [0.0, 0.125, 0.25, 0.375, 0.5, 0.625, 0.75, 0.875, …, 24.75, 24.875] (200 inputs) (Double, ε = 2.220446e-16)")
        XCTAssertEqual(report.point, x)   // the whole point is still there
        let short = try checkGradient(of: SumOfSquares(), at: [0.5, 0.25])
        XCTAssertTrue(short.renderTable().hasPrefix("Jacobian check at x = [0.5, 0.25] (Double"))
    }

    /// Found by a user trial: the point 1 + 10⁻¹² (right of a branch in the user's code, where the
    /// check passes) was shown as 1.0 (on the switch, where it is inconclusive), so pasting it
    /// checked another point. Coordinates print as the shortest text that reads back as them.
    func testTableFirstLineShowsThePointExactly() throws {
        struct Square: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] * x[0]] } }
        let x = [1 + 1e-12, 1.0 / 3]
        let first = try checkGradient(of: Square(), at: x).renderTable().split(separator: "\n")[0]
        XCTAssertEqual(first, "Jacobian check at x = [1.000000000001, 0.3333333333333333] (Double, ε = 2.220446e-16)")
        XCTAssertEqual(Double("1.000000000001"), x[0])
        let float = try checkGradient(of: Square(), at: [Float(0.3), 2])
        XCTAssertTrue(float.renderTable().hasPrefix("Jacobian check at x = [0.3, 2.0] (Float"), float.renderTable())
    }

    /// Found by a user trial: 1/x at 1e-6 was a "discontinuity" (the jump test's first step crossed
    /// the pole and its last difference was still 2h·10¹²), and |x| at 1e-12 too (every difference
    /// 2|x| once the steps pass the kink); so correct derivatives failed and wrong claims passed.
    func testSteepFunctionsNearAPoleOrKinkAreNotJumps() throws {
        struct Reciprocal: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [1 / x[0]] } }
        struct Abs: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.abs(x[0])] } }
        XCTAssertTrue(try checkJacobian(of: Reciprocal(), at: [1e-6]).passed)
        // A claim 1e-6 relative off −1/x² is caught, not passed as a discontinuity.
        let claim: ([Double]) -> [[Double]] = { x in
            let slope = -1 / (x[0] * x[0])
            return [[slope * (1 + 1e-6)]]
        }
        let wrong = try checkJacobian(of: Reciprocal(), at: [1e-6], claimed: claim)
        XCTAssertEqual(wrong.entries[0][0].verdict, .ruleWrong(subjects: ["claimed"]), wrong.renderTable())
        XCTAssertTrue(try checkJacobian(of: Abs(), at: [1e-12]).passed)
        // The jump decision itself: a difference that keeps 2|x| is a jump only beside a slope that
        // could not give it; a jump of 1 stays one.
        XCTAssertNil(jumpFromDifferences([2e-12, 2e-12, 2e-12], smallestStep: 0x1p-30, slope: 1, noise: 1e-14))
        XCTAssertEqual(jumpFromDifferences([1, 1, 1], smallestStep: 0x1p-30, slope: 1, noise: 1e-14), 1)
        XCTAssertEqual(jumpFromDifferences([2e-12, 2e-12, 2e-12], smallestStep: 0x1p-30, slope: 0, noise: 1e-14), 2e-12)
    }

    struct SquareAndOne: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] * x[0], T(1)] }
    }

    /// Found in review: one output whose difference never converged made the whole directional
    /// check inconclusive, hiding another output's disagreement. Each output now counts alone.
    func testTheDirectionalCheckJudgesEachOutputOnItsOwn() {
        // Without the complex step, which would confirm forward mode along v and overrule the
        // planted difference (see DirectionalStaircaseTests): the difference decides alone here.
        var options = CheckOptions()
        options.ladder.removeAll { if case .differences(.complexStep) = $0 { return true } else { return false } }
        var checker = Checker(f: SpecialisedFunction<Double>(SquareAndOne()), x: [3.0], options: options)
        // Forward along v = 1/2 gives (3, 0) by hand; the difference claims 5 (± 1e-12) for the
        // first output and an unconverged 0 for the second.
        let forward = [Dual<Double, Double>(9, tangent: 3), Dual<Double, Double>(1, tangent: 0)]
        checker.precomputedDirectional = .init(v: [0.5], y: forward, d: [
            DifferenceEstimate(value: 5, errorEstimate: 1e-12, step: 0.01),
            DifferenceEstimate(value: 0, errorEstimate: 1e-14, step: 0.01, warnings: [.noConvergence])])
        XCTAssertEqual(checker.directionalCheck(seed: 1, outputs: 2)?.agrees, false)
        // With the first output agreeing, the unconverged second decides nothing: agree.
        checker.precomputedDirectional = .init(v: [0.5], y: forward, d: [
            DifferenceEstimate(value: 3, errorEstimate: 1e-12, step: 0.01),
            DifferenceEstimate(value: 0, errorEstimate: 1e-14, step: 0.01, warnings: [.noConvergence])])
        XCTAssertEqual(checker.directionalCheck(seed: 1, outputs: 2)?.agrees, true)
        // Nothing usable: inconclusive.
        checker.precomputedDirectional = .init(v: [0.5], y: forward, d: [
            DifferenceEstimate(value: 5, errorEstimate: 1e-12, step: 0.01, warnings: [.noConvergence]),
            DifferenceEstimate(value: 0, errorEstimate: 1e-14, step: 0.01, warnings: [.noConvergence])])
        XCTAssertNil(checker.directionalCheck(seed: 1, outputs: 2)?.agrees)
    }

    struct Exp: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.exp(x[0])] }
    }

    /// Found by a user trial: at exp(709) the random direction's difference never converged (its
    /// sample points x + t·v rounded), its spread was small by chance, and the check failed a
    /// correct forward mode. Now an unconverged difference decides nothing, and the direction's
    /// entries are odd sixteenths, so its samples are exact and the difference converges.
    func testTheDirectionalCheckAtTheEdgeOfOverflowPasses() throws {
        let r = try checkJacobian(of: Exp(), at: [709.0])
        XCTAssertTrue(r.passed, r.renderTable())
        let d = try XCTUnwrap(r.directional)
        XCTAssertEqual(d.agrees, true, r.renderTable())
        // The difference is within its estimate of J·v = e^709·v (libm's exp, not the code under test).
        XCTAssertLessThanOrEqual(abs(d.difference[0] - exp(709.0) * d.direction[0]), d.errorEstimate[0])
        for seed: UInt64 in [1, 2, 3, 24301] {
            var o = CheckOptions()
            o.directionSeed = seed
            let v = try XCTUnwrap(checkJacobian(of: Exp(), at: [709.0, 1], options: o).directional).direction
            for vj in v {
                let sixteenths = abs(vj) * 16
                XCTAssertEqual(sixteenths, sixteenths.rounded(), "\(vj) is not a multiple of 1/16")
                XCTAssertEqual(Int(sixteenths) % 2, 1, "\(vj) is not an odd sixteenth")
            }
        }
    }

    /// The check's own forward sweep over a recording (how far a difference step moves each kink)
    /// takes division's products as forward mode does, so a partial that underflows does not
    /// zero the sensitivity. f = x/(1e280·t) at (x, t) = (3e-200, 2e-193), where the divisor is
    /// 2e87 and carries the tangent 1e280; by hand ∂f/∂x = 1/(1e280·t) = 5e-88 and
    /// ∂f/∂t = −x/(1e280·t²) = −3e-200/4e-106 = −7.5e-95, while ∂(x/y)/∂y = −7.5e-375 is 0 in Double.
    func testTheKinkSensitivitySweepKeepsDivisionProductsThatItsPartialLoses() throws {
        let rec = try record({ [$0[0] / (1e280 * $0[1])] }, at: [3e-200, 2e-193])
        let graph = TapeGraph(rec)
        guard let out = rec.outputs[0].node else { return XCTFail("the output is not on the tape") }
        let (dx, dt) = (graph.tangents(input: 0)[out], graph.tangents(input: 1)[out])
        XCTAssertEqual(dx, 5e-88, accuracy: 4 * Double.ulpOfOne * 5e-88)
        XCTAssertEqual(dt, -7.5e-95, accuracy: 4 * Double.ulpOfOne * 7.5e-95)
    }

    /// |x + y| − |y|: at y = 0 the kink of |y| is touched, and the kink of |x + y| lies x away
    /// along y. By hand, for 0 < t < x: f(x, t) = (x + t) − t = x, slope 0 from the right;
    /// f(x, −t) = (x − t) − t = x − 2t, slope 2 from the left. The one-sided derivatives are
    /// [0, 2], and AD's 1 (with |·|′(0) = 0) lies between them.
    struct TwoKinks: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [abs(x[0] + x[1]) - abs(x[1])] }
    }

    /// Found by a user trial's follow-up: the one-sided samples at a fixed step passed the other
    /// kink, gave [0, 0.002] at x = 1e-8 and failed the correct 1.
    func testOneSidedDerivativesStayShortOfAnotherKink() throws {
        for x0 in [1e-3, 1e-8, 1e-12, 1e-100, 1e-300] {
            let r = try checkJacobian(of: TwoKinks(), at: [x0, 0])
            let e = r.entries[0][1]
            XCTAssertEqual(e.verdict, .kink(validSubgradient: true), "x = \(x0)\n" + r.renderTable())
            let k = try XCTUnwrap(e.kink)
            XCTAssertEqual(Swift.min(k.left, k.right), 0, accuracy: 1e-12, "x = \(x0)")
            XCTAssertEqual(Swift.max(k.left, k.right), 2, accuracy: 1e-12, "x = \(x0)")
            XCTAssertTrue(r.passed, r.renderTable())
        }
    }

    /// At x = 5e-324 no step fits between the point and the other kink: the kink's one-sided
    /// derivatives are unresolved (neither valid nor invalid), and the exact-rationals rung,
    /// whose samples reach x ± h, is known to cross the kink of |x + y| instead of calling the
    /// right ∂f/∂x = 1 wrong (it gave 2.5e-314 and "rule-wrong").
    func testNoVerdictWhereNoStepFitsBetweenTwoKinks() throws {
        let r = try checkJacobian(of: TwoKinks(), at: [5e-324, 0])
        XCTAssertEqual(r.entries[0][1].verdict, .kink(validSubgradient: nil), r.renderTable())
        XCTAssertNotNil(r.entries[0][1].kink?.unresolved)
        XCTAssertEqual(r.entries[0][0].verdict.name, "fd-inconclusive", r.renderTable())
        XCTAssertFalse(r.passed)
        // |x| alone at 5e-324 is differentiable (|x| = x there, slope 1 by hand): no difference
        // fits beside the kink, but the complex step continues abs from x > 0 and decides.
        let single = try checkJacobian(of: Abs(), at: [5e-324])
        XCTAssertEqual(single.entries[0][0].verdict, .agree, single.renderTable())
        XCTAssertEqual(single.entries[0][0].witness, "complex-step", single.renderTable())
    }

    struct Abs: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [abs(x[0])] }
    }

    struct Sine: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [sin(x[0])] }
    }
    struct Exponential: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [exp(x[0])] }
    }

    /// Found by a user trial: at x = 1e25 sin turns over between adjacent Doubles (2³¹ apart).
    /// Central's fixed step aliased and "disagreed" with the right cos x (mpmath: cos of that
    /// Double is 0.95226975…), the verified rungs found no convergence, and the check said
    /// rule-wrong and blamed sin. A fixed stencil's disagreement alone now convicts nothing then.
    /// (sin(gelu x), equal to sin x there, keeps the complex step out: since that step no longer
    /// overflows at a large |x| it decides sin x itself, as the second loop checks; so does it
    /// sin(relu x), now that it continues relu from x > 0.)
    func testAFixedStencilAloneDoesNotConvictWhereTheVerifiedRungsCannotConverge() throws {
        for x0 in [1e25, 1e300] {
            let r = try checkJacobian(of: SineOfGelu(), at: [x0])
            XCTAssertEqual(r.entries[0][0].verdict.name, "fd-inconclusive", "x = \(x0)\n" + r.renderTable())
            XCTAssertNil(r.fault, r.renderTable())
            let relu = try checkJacobian(of: SineOfRelu(), at: [x0])
            XCTAssertEqual(relu.entries[0][0].verdict, .agree, "x = \(x0)\n" + relu.renderTable())
        }
        XCTAssertEqual(Foundation.cos(1e25), 0.95226974931300889, accuracy: 1e-15)   // mpmath, 30 digits
        for x0 in [1e25, 1e300] {
            let r = try checkJacobian(of: Sine(), at: [x0])
            XCTAssertTrue(r.passed, "x = \(x0)\n" + r.renderTable())
            XCTAssertEqual(r.entries[0][0].witness, "complex-step", r.renderTable())
        }
    }
    struct SineOfRelu: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [sin(relu(x[0]))] }
    }
    struct SineOfGelu: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [sin(gelu(x[0]))] }
    }

    struct OneMinusCosOverSquare: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [(1 - cos(x[0])) / (x[0] * x[0])] }
    }

    /// Found by the jac user trial: (1 − cos x)/x² at 1e-3. Forward mode's J·v is built by
    /// cancellation (sin x/x² − 2(1 − cos x)/x³, two terms near 1000), and cos x is the same Double
    /// for every point within 10⁸ ulps, so the exact derivative of the computed formula is 1.9e-4
    /// off the true −x/12 + x³/180 = −8.33333e-5 (by hand from the series; the modes give
    /// −8.331766e-5). The random-direction JVP "DISAGREED" with Richardson and the check failed
    /// with every rule right. The gap is within forward mode's first-order rounding now and decides
    /// nothing; a wrong rule (cos′ with its sign flipped) still fails the same check.
    func testARandomDirectionGapWithinForwardModesOwnRoundingDecidesNothing() throws {
        let r = try checkJacobian(of: OneMinusCosOverSquare(), at: [1e-3])
        XCTAssertTrue(r.passed, r.renderTable())
        let d = try XCTUnwrap(r.directional)
        XCTAssertNil(d.agrees, r.renderTable())
        let bound = try XCTUnwrap(d.forwardRounding?.first)
        XCTAssertGreaterThan(bound, Swift.abs(d.forward[0] - d.difference[0]) / 4)
        // Sized by the cancellation: cos x's own rounding alone reaches J·v through ∂(J·v)/∂cos =
        // 2v/x³ (by hand), ε·|v|·2/x³·|cos x| ≈ 2.8e-8 here; the other nodes add the same order.
        let cosTerm = Double.ulpOfOne * Swift.abs(d.direction[0]) * 2 / 1e-9
        XCTAssertGreaterThan(bound, 0.5 * cosTerm)
        XCTAssertLessThan(bound, 10 * cosTerm)
        let wrong = try RuleMutations.withMutation(RuleMutation(op: .cos, input: 0, factor: -1)) {
            try checkJacobian(of: OneMinusCosOverSquare(), at: [1e-3])
        }
        XCTAssertFalse(wrong.passed, wrong.renderTable())
        // Where nothing cancels the bound is a few ulps of J·v and excuses nothing.
        let smooth = try checkJacobian(of: OneMinusCosOverSquare(), at: [0.7])
        XCTAssertEqual(smooth.directional?.agrees, true, smooth.renderTable())
    }

    /// Found by the jac user trial: every table row ended in blanks (the last column was padded).
    func testTheTableHasNoTrailingBlanks() throws {
        let r = try checkJacobian(of: OneMinusCosOverSquare(), at: [0.7])
        let table = r.renderTable()
        XCTAssertTrue(table.contains("agree"), table)
        for line in table.split(separator: "\n") { XCTAssertFalse(line.hasSuffix(" "), "'\(line)'") }
    }

    /// Found by a user trial: where the derivative is subnormal, every mode's value (5e-324 for
    /// e^−745, whose true 2.8e-324 rounds there) was rule-wrong with a tolerance of 0. A
    /// tolerance now includes the subnormal spacing; values from mpmath agree with the modes.
    func testSubnormalDerivativesAreJudgedOnTheSubnormalSpacing() throws {
        for (x0, reference) in [(-745.0, Double.leastNonzeroMagnitude), (-740.0, 4.1995579896506e-322), (-720.0, 2.0322308024242931e-313)] {
            let r = try checkJacobian(of: Exponential(), at: [x0])
            XCTAssertEqual(r.entries[0][0].verdict, .agree, "x = \(x0)\n" + r.renderTable())
            let forward = try XCTUnwrap(r.entries[0][0].subjects.first { $0.name == "forward" }?.value)
            XCTAssertEqual(forward, reference, accuracy: 1e-14 * reference + 1e-323, "x = \(x0)")
        }
    }

    struct XMinusSin: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] - sin(x[0])] }
    }

    /// A review of this session's changes: treating equal samples as a settled slope of 0 (tried,
    /// to refute claims where f ignores an input) called right derivatives wrong wherever f is
    /// computed by cancellation, since its values are quantised to ulps of the cancelled terms,
    /// not of f. x − sin x at 1e-5 (derivative 1 − cos 1e-5 = 4.99999999995833e-11, mpmath) and
    /// the absorbing (x + 1e13) − 1e13 (slope 1) and √(x² + 1e26) − 1e13 (all samples 0; slope
    /// x/1e13) must never be rule-wrong, in the library, the black box, or the directional check.
    /// (AD's own value there, 5.0000004e-11, carries the cancellation of 1 − cos 1e-5 as well.)
    func testDifferencesOfCancellingFunctionsNeverConvictARightDerivative() throws {
        let r = try checkJacobian(of: XMinusSin(), at: [1e-5])
        XCTAssertNotEqual(r.entries[0][0].verdict.name, "rule-wrong", r.renderTable())
        XCTAssertNotEqual(r.directional?.agrees, false, r.renderTable())
        let d = try differenceJacobian(of: XMinusSin(), at: [1e-5], method: .richardson).entries[0][0]
        XCTAssertFalse(d.warnings.isEmpty && Swift.abs(d.value - 4.99999999995833e-11) > 4 * d.errorEstimate,
                       "a confident wrong difference: \(d)")
        let cases: [(([Double]) -> Double, ([Double]) -> [Double], Double)] = [
            ({ x in x[0] - Foundation.sin(x[0]) }, { x in [1 - Foundation.cos(x[0])] }, 1e-5),
            ({ x in (x[0] + 1e13) - 1e13 }, { _ in [1] }, 0.5),
            ({ x in (x[0] * x[0] + 1e26).squareRoot() - 1e13 }, { x in [x[0] / 1e13] }, 0.5),
        ]
        for (f, g, x0) in cases {
            let b = try checkBlackBoxGradient(of: f, at: [x0], claimedGradient: g)
            XCTAssertNotEqual(b.entries[0][0].verdict.name, "rule-wrong", b.renderTable())
        }
    }

    /// sin(10¹⁷·x) near 1 turns over faster than Doubles are spaced there (period 6e-17, ulp
    /// 1.1e-16), so no difference can see its derivative. The black-box check said rule-wrong
    /// (an aliased Richardson) or "kink, not between the one-sided derivatives" (one-sided
    /// stencils on noise) for its true derivative 10¹⁷·cos(10¹⁷·x); it is inconclusive now.
    func testABlackBoxVaryingBelowTheSpacingOfDoublesIsInconclusive() throws {
        for x0 in [0.5, 0.7, 0.9] {
            let r = try checkBlackBoxGradient(of: { (x: [Double]) in Foundation.sin(1e17 * x[0]) }, at: [x0],
                                              claimedGradient: { x in [1e17 * Foundation.cos(1e17 * x[0])] })
            XCTAssertEqual(r.entries[0][0].verdict.name, "fd-inconclusive", "x = \(x0)\n" + r.renderTable())
        }
    }

    struct ReluDifference: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [relu(x[0]) - relu(-x[0])] }
    }

    /// A review of this session: at (0, 0) of |x + y| − |y| the one-sided slopes along y are
    /// [0, 0], yet (1, 2) is the gradient at every (t, −t/2), t > 0 (by hand: f = x + 2y there),
    /// so a claim of 2 is a valid generalised gradient entry and must not be called wrong. The
    /// kink of |x + y| moves with x, so the interval along y proves nothing: unresolved. With
    /// one input the interval is the whole story: relu(x) − relu(−x) = x claimed 0 stays wrong.
    func testAKinkAcrossInputsDoesNotConvictByOneCoordinate() throws {
        let r = try checkJacobian(of: TwoKinks(), at: [0, 0], claimed: { _ in [[1, 2]] })
        let e = r.entries[0][1]
        XCTAssertEqual(e.verdict, .kink(validSubgradient: nil), r.renderTable())
        XCTAssertTrue(e.kink?.unresolved?.contains("also moves with input 0") ?? false, r.renderTable())
        XCTAssertFalse(e.wrongSubjects.contains("claimed"))
        let single = try checkJacobian(of: ReluDifference(), at: [0], claimed: { _ in [[0]] })
        XCTAssertEqual(single.entries[0][0].verdict, .kink(validSubgradient: false), single.renderTable())
        XCTAssertTrue(single.entries[0][0].wrongSubjects.contains("claimed"))
    }

    struct FlatKinkNearby: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [relu(x[0]) + relu(x[0] * x[0] - 1e-12)] }
    }

    /// A review of this session: relu(x² − 1e-12) has a kink at x = ±1e-6, but its argument is flat
    /// at 0 (linear sensitivity 0), so the one-sided samples at h ≈ 6e-6 crossed it and gave
    /// [9.8e-8, 0.9999999] where, by hand, relu(x² − 1e-12) = 0 for |x| < 1e-6 and the slopes
    /// are [0, 1]: every mode's 0 was "not between" them. A second look 64 times closer decides.
    func testOneSidedDerivativesLookCloserWhenTheStepChangesThem() throws {
        let r = try checkJacobian(of: FlatKinkNearby(), at: [0])
        XCTAssertEqual(r.entries[0][0].verdict, .kink(validSubgradient: true), r.renderTable())
        let k = try XCTUnwrap(r.entries[0][0].kink)
        XCTAssertEqual(Swift.min(k.left, k.right), 0, accuracy: 1e-9)
        XCTAssertEqual(Swift.max(k.left, k.right), 1, accuracy: 1e-9)
        XCTAssertTrue(r.passed, r.renderTable())
    }

    struct AbsPower: ADFunction {
        let p: Double
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.pow(T.abs(x[0]), T(p))] }
    }

    /// A review (jac check): |x|^1.5 is differentiable at 0 with derivative 0 (|h|^1.5/h → 0), but
    /// its one-sided differences shrink only like √h, and [−2.9e-4, 2.9e-4] passed a claimed 2e-4
    /// as a valid subgradient. The convergence rate is measured: such an interval judges nothing.
    /// |x|³ (one-sided slopes 0 and 0, second-order convergence) still resolves, and |x|'s [−1, 1]
    /// still convicts a claimed 2.
    func testSlowlyConvergingOneSidedDifferencesJudgeNothing() throws {
        for p in [1.5, 1.4, 1.7] {
            let r = try checkJacobian(of: AbsPower(p: p), at: [0], claimed: { _ in [[2e-4]] })
            let e = r.entries[0][0]
            XCTAssertEqual(e.verdict, .kink(validSubgradient: nil), r.renderTable())
            XCTAssertTrue(e.kink?.unresolved?.contains("converge slowly") ?? false, r.renderTable())
            XCTAssertFalse(r.passed)
        }
        let cube = try checkJacobian(of: AbsPower(p: 3), at: [0], claimed: { _ in [[0]] })
        XCTAssertEqual(cube.entries[0][0].verdict, .kink(validSubgradient: true), cube.renderTable())
        let wrong = try checkJacobian(of: AbsPower(p: 1), at: [0], claimed: { _ in [[2]] })
        XCTAssertEqual(wrong.entries[0][0].verdict, .kink(validSubgradient: false), wrong.renderTable())
    }

    /// Σ_{i<n} i·x: affine, f′ = n(n − 1)/2 exactly, but each addition rounds, so f's rounding is
    /// about 10⁴ ulps of f at n = 10⁵.
    struct ManyTerms: ADFunction {
        let n: Int
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
            var s = T(0)
            for i in 0..<n { s = s + x[0] * T(Double(i)) }
            return [s]
        }
    }

    /// A review (jac check on a sum of 10⁵ terms): every entry agreed, but the random-direction
    /// Richardson, told nothing of f's rounding, settled on steps of rounding alone (−1.2e4 ± 3.1e5
    /// for a J·v of −3.1e8) and the check failed a right Jacobian. Taken again with the tape's
    /// first-order rounding bound, the difference agrees: the two witnesses conflict, and the
    /// direction decides nothing (never a conviction). A wrong rule is still caught by the entries.
    func testTheDirectionalDifferenceIsToldFsOwnRounding() throws {
        for n in [3_000, 100_000] {
            let r = try checkJacobian(of: ManyTerms(n: n), at: [0.5])
            let d = try XCTUnwrap(r.directional)
            XCTAssertNotEqual(d.agrees, false, r.renderTable())
            XCTAssertTrue(r.passed, r.renderTable())
            XCTAssertEqual(r.entries[0][0].witnessValue ?? 0, Double(n * (n - 1) / 2), accuracy: 1e-6 * Double(n * n))
        }
        let wrong = try RuleMutations.withMutation(RuleMutation(op: .mul, input: 0, factor: 1.001)) {
            try checkJacobian(of: ManyTerms(n: 3_000), at: [0.5])
        }
        XCTAssertFalse(wrong.passed, wrong.renderTable())
    }

    struct SmoothedAbs: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [sqrt(x[0] * x[0] + 1e-42)] }
    }

    /// A review of this session: √(x² + 1e-42) at 0 has derivative 0 (by hand, x/√(x² + c)), but
    /// its branch points lie 1e-21 off the real axis, inside the complex step's step: Im f/h was
    /// 0.99 at h and 2h alike, and the check called every mode wrong. A complex step that changes
    /// when its step shrinks 2²⁰-fold is replaced by the smaller step's estimate. Just off the kink-like region
    /// (x = 1e-22: 0.0995037, by hand 1e-22/√(1.01e-42)) the modes still agree.
    func testAComplexStepThatDependsOnItsStepDecidesNothing() throws {
        let r = try checkJacobian(of: SmoothedAbs(), at: [0])
        XCTAssertNotEqual(r.entries[0][0].verdict.name, "rule-wrong", r.renderTable())
        // The step 2²⁰ times smaller lies inside f's scale: it is the witness, and it gives 0.
        XCTAssertEqual(r.entries[0][0].witness, "complex-step", r.renderTable())
        XCTAssertEqual(r.entries[0][0].witnessValue ?? .nan, 0, accuracy: 1e-15, r.renderTable())
        let off = try checkJacobian(of: SmoothedAbs(), at: [1e-22])
        XCTAssertEqual(off.entries[0][0].verdict, .agree, off.renderTable())
        let reverse = try XCTUnwrap(off.entries[0][0].subjects.first { $0.name == "reverse" }?.value)
        XCTAssertEqual(reverse, 1e-22 / (1.01e-42).squareRoot(), accuracy: 1e-15)
    }

    struct SinhMinusX: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [(exp(x[0]) - exp(-x[0])) / 2 - x[0]] }
    }

    /// A review of this session: in Float, (eˣ − e⁻ˣ)/2 − x at 0.01 sums terms near 1 into its
    /// derivative cosh 0.01 − 1 = 5.00004e-5 (by hand), so the complex step's imaginary part is off
    /// in the third digit (5.0068e-5) while claiming 4ε, and it accused reverse mode. A
    /// disagreement within the rounding the tangent's path magnitudes allow now decides nothing.
    func testAComplexStepWithinItsRoundingDoesNotConvictInFloat() throws {
        let r = try checkJacobian(of: SinhMinusX(), at: [Float(0.01)])
        XCTAssertNotEqual(r.entries[0][0].verdict.name, "rule-wrong", r.renderTable())
        // In Double the same function is decided, and the modes agree with cosh 0.01 − 1.
        let d = try checkJacobian(of: SinhMinusX(), at: [0.01])
        XCTAssertEqual(d.entries[0][0].verdict, .agree, d.renderTable())
        let reverse = try XCTUnwrap(d.entries[0][0].subjects.first { $0.name == "reverse" }?.value)
        XCTAssertEqual(reverse, Foundation.cosh(0.01) - 1, accuracy: 1e-15)
    }

    struct AbsPlusAbsorbed: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [abs(x[0]) + 2 * ((x[0] + 1e10) - 1e10)] }
    }
    struct CancellingSum: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] - sin(x[0]) + exp(50 * x[0]) - exp(50 * x[0])] }
    }
    struct AbsDifference: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [abs(x[0] - x[1])] }
    }

    /// A second review of this session's fixes, three findings:
    /// - |x| + 2((x + 1e10) − 1e10) is |x| + 2x, one-sided slopes [1, 3] (by hand). A closer
    ///   second look lost the absorbed term below ulp(1e10) and reported [−1, 1], convicting
    ///   every mode's 2. f's rounding over the step now enters both tolerances, and an interval
    ///   that noisy is unresolved, never "not between".
    /// - The complex step's rounding bound applied to all subjects at once: a wrong claim of 0 for
    ///   x − sin x + e^{50x} − e^{50x} at 1e-5 got reverse (5.0000004e-11; mpmath 4.99999999996e-11)
    ///   convicted with it. Now only the claim is.
    /// - The multi-input rule was too broad: |x − y| at (0, 0) has one touched kink, whose
    ///   one-sided slopes along x, [−1, 1], are exact, so a claim of 3 is wrong.
    func testTheSecondReviewsFindings() throws {
        let noisy = try checkJacobian(of: AbsPlusAbsorbed(), at: [0])
        XCTAssertEqual(noisy.entries[0][0].verdict, .kink(validSubgradient: nil), noisy.renderTable())
        let claimed = try checkJacobian(of: CancellingSum(), at: [1e-5], claimed: { _ in [[0]] })
        XCTAssertEqual(claimed.entries[0][0].verdict, .ruleWrong(subjects: ["claimed"]), claimed.renderTable())
        let single = try checkJacobian(of: AbsDifference(), at: [0, 0], claimed: { _ in [[3, -1]] })
        XCTAssertEqual(single.entries[0][0].verdict, .kink(validSubgradient: false), single.renderTable())
        XCTAssertEqual(single.entries[0][0].wrongSubjects, ["claimed"])
    }
}

/// x < 0 ? x² : x³: both pieces have slope 0 at 0, so AD's exact 0 there is right.
struct SquareOrCube: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] < 0 ? x[0] * x[0] : x[0] * x[0] * x[0]] }
}

/// The "AD returned exactly 0 … leaves the AD types" note needs a witness that sees a slope beyond
/// its own error estimate (user trial: it accused a right AD whose derivative is 0).
final class AllZeroNoteTests: XCTestCase {
    func testAZeroDerivativeWithinTheWitnessesEstimatesIsNotAnEscape() throws {
        let r = try checkGradient(of: SquareOrCube(), at: [0.0], claimedGradient: { (x: [Double]) in [1] })
        XCTAssertEqual(r.entries[0][0].verdict, .ruleWrong(subjects: ["claimed"]), r.renderTable())
        XCTAssertFalse(r.adAllZero, r.renderTable())
        XCTAssertFalse(r.notes.contains { $0.contains("leaves the AD types") || $0.contains("leave the AD types") }, r.renderTable())
    }
}


extension CheckLogicTests {
    /// With both modes off and no claim there is no subject: every witness "agreed" with nothing
    /// and the report passed ("4 agree") whatever f's rules were.
    func testNoModeAndNoClaimIsAnErrorNotAPass() async throws {
        var o = CheckOptions()
        o.checkForward = false
        o.checkReverse = false
        let x = [0.7, 1.3]
        func expectNothingToCheck(_ error: Error) {
            guard case ADError.invalidArgument(let why) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(why.hasPrefix("nothing to check"), why)
        }
        XCTAssertThrowsError(try checkJacobian(of: SinPoly(), at: x, options: o), "serial", expectNothingToCheck)
        do {
            let r = try await checkJacobian(of: SinPoly(), at: x, options: o, tasks: 2)
            XCTFail("the concurrent check gave a report: \(r.renderTable())")
        } catch { expectNothingToCheck(error) }
        // A claim is a subject: the same options check it (the black-box shape).
        let claimed = { (x: [Double]) in try jacobian(of: SinPoly(), at: x, mode: .reverse).jacobian }
        XCTAssertTrue(try checkJacobian(of: SinPoly(), at: x, claimed: claimed, options: o).passed)
    }
}

extension CheckLogicTests {
    /// A check evaluates f for its subjects and its witnesses: at least one recording, one
    /// forward pass (2 inputs, one chunk) and the first rung's samples; it counted 1.
    func testTheCheckCountsItsEvaluations() throws {
        let x = [0.7, 1.3]
        let (_, rung) = try measureOperations { try differenceJacobian(of: SinPoly(), at: x, method: .central) }
        let (_, check) = try measureOperations { try checkJacobian(of: SinPoly(), at: x) }
        XCTAssertGreaterThanOrEqual(check.functionEvaluations, 1 + 1 + rung.functionEvaluations - 1)
    }
}
