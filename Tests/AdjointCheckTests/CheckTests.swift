import XCTest
import Foundation
import AdjointCore
@testable import AdjointCheck

/// The check: verdicts, escalation, kinks, traps, fault localisation, report rendering.
final class CheckTests: XCTestCase {
    func verdict(_ r: CheckReport, _ i: Int, _ j: Int) -> Verdict? {
        i < r.entries.count && j < r.entries[i].count ? r.entries[i][j].verdict : nil
    }

    func testCorrectFunctionsAgreeEverywhere() throws {
        for (f, x) in [(Polar() as any ADFunction, [2.0, 0.5]), (LogProductSin(), [2.0, 5.0]),
                       (SinPoly(), [-1.7, 0.4]), (Layered(), [0.3, -1.2, 0.8])] {
            let r = try checkJacobian(of: f, at: x)
            XCTAssertTrue(r.passed, "\(type(of: f)):\n\(r.renderTable())")
            XCTAssertEqual(r.verdict, .agree)
            XCTAssertEqual(r.directional?.agrees, true)
            XCTAssertNil(r.fault)
        }
    }

    func testWrongHandGradientIsRuleWrongAtTheRightEntry() throws {
        // ∇[ln x1 + x1x2 − sin x2] = (1/x1 + x2, x1 − cos x2). The hand gradient flips the sign of
        // entry 1 and is otherwise right.
        let hand: ([Double]) -> [Double] = { x in [1 / x[0] + x[1], -(x[0] - cos(x[1]))] }
        let r = try checkGradient(of: LogProductSin(), at: [2.0, 5.0], claimedGradient: hand, claimedName: "hand")
        XCTAssertEqual(verdict(r, 0, 0), .agree)
        XCTAssertEqual(verdict(r, 0, 1), .ruleWrong(subjects: ["hand"]))
        XCTAssertEqual(r.worstEntries(limit: 1).first?.input, 1)
        // Escalation ran the whole ladder before calling it wrong.
        XCTAssertEqual(r.entries[0][1].ladder.filter { $0.outcome == "disagree" }.count, 4)
        XCTAssertNil(r.fault, "a hand-written gradient is not a registry rule")

        // Off by a factor 2 in entry 0 of (x1 + x2)x3 − x4: hand ∂/∂x1 = 2x3 instead of x3.
        let hand2: ([Double]) -> [Double] = { x in [2 * x[2], x[2], x[0] + x[1], -1] }
        let r2 = try checkGradient(of: SumTimesMinus(), at: [5.0, 4, 3, 2], claimedGradient: hand2)
        XCTAssertEqual(r2.entries[0].map(\.verdict), [.ruleWrong(subjects: ["claimed"]), .agree, .agree, .agree])
    }

    func testPlantedWrongSinRuleIsLocalisedToTheSinNode() throws {
        // With sin′ = −cos planted, the entries through sin(x1·x2) are wrong in both modes and the
        // first wrong primitive is that sin, at input x1·x2 = 0.3·(−1.2) = −0.36, where the
        // difference of sin alone gives cos(−0.36) and the rule gives −cos(−0.36).
        let x = [0.3, -1.2, 0.8]
        let r = try RuleMutations.withMutation(RuleMutation(op: .sin, input: 0, factor: -1)) {
            try checkJacobian(of: Layered(), at: x)
        }
        XCTAssertEqual(verdict(r, 0, 0), .ruleWrong(subjects: ["forward", "reverse"]))
        XCTAssertEqual(verdict(r, 0, 2), .agree, "x3 enters through tanh only")
        let fault = try XCTUnwrap(r.fault)
        XCTAssertEqual(fault.op, "sin")
        XCTAssertEqual(fault.inputs[0], -0.36, accuracy: 1e-15)
        XCTAssertEqual(fault.expected, cos(-0.36), accuracy: 1e-9)
        XCTAssertEqual(fault.got, -cos(-0.36), accuracy: 1e-15)
        XCTAssertTrue(r.renderTable().contains("first wrong rule: sin"))
        // Without the mutation the same check passes: the test can tell the difference.
        XCTAssertTrue(try checkJacobian(of: Layered(), at: x).passed)
    }

    func testReluAndAbsAtZeroAreKinksNotRuleErrors() throws {
        // relu(x1) + x2 at (0, 1): one-sided ∂/∂x1 are 0 (left) and 1 (right); relu′(0) = 0 lies between.
        let r = try checkJacobian(of: Relu(), at: [0.0, 1.0])
        XCTAssertEqual(verdict(r, 0, 0), .kink(validSubgradient: true))
        XCTAssertEqual(verdict(r, 0, 1), .agree)
        XCTAssertTrue(r.touchedKink)
        XCTAssertEqual(r.entries[0][0].kink?.left ?? .nan, 0, accuracy: 1e-9)
        XCTAssertEqual(r.entries[0][0].kink?.right ?? .nan, 1, accuracy: 1e-9)
        // |x1|·x2 at (0, 2): one-sided ∂/∂x1 = ∓2, abs′(0)·x2 = 0 is a valid subgradient;
        // ∂/∂x2 = |0| = 0 does not pass through the kink's derivative.
        let a = try checkJacobian(of: Abs(), at: [0.0, 2.0])
        XCTAssertEqual(verdict(a, 0, 0), .kink(validSubgradient: true))
        XCTAssertEqual(a.entries[0][0].kink?.ops, ["abs"])
        XCTAssertEqual(verdict(a, 0, 1), .agree)
        XCTAssertTrue(a.passed)
    }

    func testSqrtOfSquareAtZeroIsAKinkWithNonFiniteDerivative() throws {
        // √(x²) = |x|: one-sided derivatives −1 and +1; the modes give 2x·1/(2·0) = 0·∞ = NaN.
        let r = try checkJacobian(of: SqrtOfSquare(), at: [0.0])
        XCTAssertEqual(verdict(r, 0, 0), .kink(validSubgradient: false))
        XCTAssertEqual(r.entries[0][0].kink?.left ?? .nan, -1, accuracy: 1e-9)
        XCTAssertEqual(r.entries[0][0].kink?.right ?? .nan, 1, accuracy: 1e-9)
        XCTAssertFalse(r.passed)
        XCTAssertNotEqual(r.verdict.name, "rule-wrong")
    }

    func testNormOfZeroVectorIsAKink() throws {
        // ‖x‖ at 0 has directional derivative ±1 along each axis; the modes give NaN (√′(0)·0).
        let r = try checkJacobian(of: Norm(), at: [0.0, 0.0, 0.0])
        XCTAssertTrue(r.touchedKink)
        for j in 0..<3 { XCTAssertEqual(r.entries[0][j].verdict.name, "kink") }
        XCTAssertTrue(r.entries(withVerdict: "rule-wrong").isEmpty)
        // Away from zero the norm checks cleanly: ∇‖x‖ = x/‖x‖.
        XCTAssertTrue(try checkJacobian(of: Norm(), at: [3.0, 4.0, 0.0]).passed)
    }

    func testIdenticalNonFiniteJacobiansAreNonFiniteNotMismatch() throws {
        // d/dx x^0.5 at 0 = 0.5·0^(−0.5) = +∞ in both modes: identical, and not a mismatch.
        let r = try checkJacobian(of: PowHalf(), at: [0.0])
        XCTAssertEqual(verdict(r, 0, 0), .nonFinite(subjects: ["forward", "reverse"]))
        XCTAssertTrue(r.entries(withVerdict: "rule-wrong").isEmpty)
        XCTAssertTrue(r.renderTable().contains("non-finite"))
    }

    func testOverflowAndDivisionByZeroGiveAClearReport() throws {
        let r = try checkJacobian(of: ExpOnly(), at: [1000.0])
        XCTAssertEqual(r.problem, .nonFinite(what: "output 0", op: "exp", node: 1))
        XCTAssertTrue(r.entries.isEmpty, "no NaN rows")
        XCTAssertEqual(r.verdict.name, "non-finite")
        XCTAssertTrue(r.renderTable().contains("exp"))
        let d = try checkJacobian(of: Reciprocal(), at: [0.0])
        guard case .domain(let op, _, _, _)? = d.problem else { return XCTFail("\(String(describing: d.problem))") }
        XCTAssertEqual(op, "div")
        XCTAssertTrue(d.toJSON().contains("division by zero"))
    }

    func testEmptyInputVector() throws {
        let r = try checkJacobian(of: NoInputs(), at: [Double]())
        XCTAssertEqual(r.entries.count, 1)
        XCTAssertEqual(r.entries[0].count, 0)
        // Nothing was compared, so nothing passed (it did, before a review).
        XCTAssertFalse(r.passed)
        XCTAssertNil(r.directional)
        XCTAssertNoThrow(try JSONSerialization.jsonObject(with: Data(r.toJSON().utf8)))
    }

    func testFloatFunctionsAreCheckedWithFloatTolerances() throws {
        let r = try checkJacobian(of: Polar(), at: [Float(2), Float(0.5)])
        XCTAssertEqual(r.epsilon, Double(Float.ulpOfOne))
        XCTAssertTrue(r.passed, r.renderTable())
        // A Float hand gradient off by 1% is caught despite Float's coarser tolerances.
        let hand: ([Float]) -> [Float] = { x in [1.01 / x[0] + x[1], x[0] - Float(cos(Double(x[1])))] }
        let w = try checkGradient(of: LogProductSin(), at: [Float(2), Float(5)], claimedGradient: hand)
        XCTAssertEqual(verdict(w, 0, 0), .ruleWrong(subjects: ["claimed"]))
        XCTAssertEqual(verdict(w, 0, 1), .agree)
    }

    func testFloatStepBelowULPIsInconclusiveThenRescuedByEscalation() throws {
        // At x = 1000 in Float, ulp = 2⁻¹³ ≈ 6.1e-5: a 1e-5 step leaves x unchanged, the
        // difference is 0, and with only that rung the verdict must be inconclusive, not wrong.
        var o = CheckOptions()
        o.step = .absolute(1e-5)
        o.ladder = [.differences(.central)]
        let r = try checkJacobian(of: Polar(), at: [Float(1000), Float(0.5)], options: o)
        guard case .fdInconclusive(let why)? = verdict(r, 0, 0) else { return XCTFail(r.renderTable()) }
        XCTAssertTrue(why.contains(.stepBelowULP))
        // The default ladder escalates to Richardson / complex step and agrees.
        o.ladder = WitnessRung.defaultLadder
        let e = try checkJacobian(of: Polar(), at: [Float(1000), Float(0.5)], options: o)
        XCTAssertEqual(verdict(e, 0, 0), .agree, e.renderTable())
    }

    func testExactRungDecidesRationalFunctionsAndStepsAsideForOthers() throws {
        var o = CheckOptions()
        // An exact witness supplied by hand: ∇[(x1 + x2)x3 − x4] = (x3, x3, x1 + x2, −1).
        o.ladder = [.exactRationals, .custom(name: "hand-exact", errorEstimate: 0, jacobian: { x in [[x[2], x[2], x[0] + x[1], -1]] })]
        let r = try checkJacobian(of: SumTimesMinus(), at: [5.0, 4, 3, 2], options: o)
        XCTAssertTrue(r.passed)
        XCTAssertEqual(r.entries[0][0].witness, "exact-rationals", "rational-closed: exact differences decide")
        // sin is not closed over ℚ: the exact rung says why and the next rung decides.
        o.ladder = [.exactRationals, .custom(name: "hand", errorEstimate: 0, jacobian: { x in [[cos(x[0])]] })]
        struct Sine: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [sin(x[0])] } }
        let s = try checkJacobian(of: Sine(), at: [0.4], options: o)
        XCTAssertTrue(s.passed)
        XCTAssertEqual(s.entries[0][0].witness, "hand")
        XCTAssertEqual(s.entries[0][0].ladder.first?.outcome, "not-available")
        XCTAssertTrue(s.renderTable().contains("exact-rationals: uses sin"), s.renderTable())
    }

    func testReportJSONIsValidAndReproducible() throws {
        let hand: ([Double]) -> [Double] = { x in [1 / x[0] + x[1], -(x[0] - cos(x[1]))] }
        var o = CheckOptions()
        o.directionSeed = 42
        let r1 = try checkGradient(of: LogProductSin(), at: [2.0, 5.0], claimedGradient: hand, options: o)
        let r2 = try checkGradient(of: LogProductSin(), at: [2.0, 5.0], claimedGradient: hand, options: o)
        XCTAssertEqual(r1.toJSON(), r2.toJSON())
        let obj = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r1.toJSON().utf8)) as? [String: Any])
        XCTAssertEqual(obj["verdict"] as? String, "rule-wrong")
        XCTAssertEqual(obj["seed"] as? String, "42")
        let worst = try XCTUnwrap(obj["worst"] as? [[String: Any]])
        XCTAssertEqual(worst.first?["input"] as? Int, 1)
        XCTAssertEqual(worst.first?["verdict"] as? String, "rule-wrong")
        XCTAssertNotNil((worst.first?["values"] as? [String: Any])?["claimed"])
        XCTAssertNotNil(worst.first?["errorEstimate"] as? Double)
        let table = r1.renderTable()
        XCTAssertTrue(table.contains("rule-wrong (claimed)"), table)
    }

    func testClaimedJacobianOfWrongShapeIsATypedError() {
        XCTAssertThrowsError(try checkJacobian(of: Polar(), at: [2.0, 0.5], claimed: { _ in [[1, 2]] })) { e in
            XCTAssertEqual(e as? ADError, .dimensionMismatch(what: "rows of the claimed Jacobian (outputs)", expected: 2, got: 1))
        }
    }

    func testNonFiniteOrNegativeTolerancesAreRejected() throws {
        // A NaN tolerance makes every comparison |a − b| > tol false, so every entry "agreed", even
        // for a hand gradient whose entry 1 has the wrong sign (testWrongHandGradientIsRuleWrongAtTheRightEntry).
        let hand: ([Double]) -> [Double] = { x in [1 / x[0] + x[1], -(x[0] - cos(x[1]))] }
        for bad in [Double.nan, -1e-6, .infinity, -.infinity] {
            for which in ["rtol", "atol"] {
                var o = CheckOptions()
                if which == "rtol" { o.rtol = bad } else { o.atol = bad }
                XCTAssertThrowsError(try checkGradient(of: LogProductSin(), at: [2.0, 5.0], claimedGradient: hand, options: o),
                                     "\(which) = \(bad)") { error in
                    guard case ADError.invalidArgument(let why) = error else { return XCTFail("\(error)") }
                    XCTAssertTrue(why.contains(which), why)
                }
                XCTAssertThrowsError(try checkJacobian(of: Polar(), at: [2.0, 0.5], options: o), "\(which) = \(bad)")
            }
        }
        // Zero tolerances are legitimate (exact comparison), and are still applied.
        var zero = CheckOptions()
        zero.rtol = 0
        zero.atol = 0
        XCTAssertNoThrow(try checkJacobian(of: Polar(), at: [2.0, 0.5], options: zero))
    }

    func testNegativeWorstEntryCountIsRejectedAndNeverTraps() throws {
        var o = CheckOptions()
        o.worstEntryCount = -1
        XCTAssertThrowsError(try checkJacobian(of: Polar(), at: [2.0, 0.5], options: o)) { error in
            guard case ADError.invalidArgument(let why) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(why.contains("worstEntryCount"), why)
        }
        // A negative explicit limit lists nothing instead of trapping in prefix(_:).
        let r = try checkJacobian(of: Polar(), at: [2.0, 0.5])
        XCTAssertEqual(r.worstEntries(limit: -3).count, 0)
        XCTAssertEqual(r.worstEntries(limit: 3).count, 3)
    }
}

/// Escalation and the complex-step rung inside the check.
final class EscalationTests: XCTestCase {
    struct MaxOf: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.max(x[0], x[1]) * 3] }
    }

    /// e^{40x}: steep, so the default central step's truncation error is large next to its rounding.
    struct Steep: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.exp(40 * x[0])] }
    }

    func testUnsupportedOpInComplexStepIsCaughtAndSkipped() throws {
        // gelu(x1)·x2 at (−0.5, 2) with a wrong hand gradient: the complex-step rung cannot
        // evaluate gelu, records "unsupported-op", and the other rungs still decide rule-wrong.
        // True ∇ = (gelu′(x1)·x2, gelu(x1)), gelu(x) = x·Φ(x), Φ(x) = erfc(−x/√2)/2 (by hand,
        // evaluated with libm here); the hand gradient says 2 for the first entry.
        let phi = { (x: Double) in 0.5 * erfc(-x / 2.0.squareRoot()) }
        let hand: ([Double]) -> [Double] = { x in [2, x[0] * phi(x[0])] }
        let r = try checkGradient(of: GeluProduct(), at: [-0.5, 2.0], claimedGradient: hand)
        XCTAssertEqual(r.entries[0][0].verdict, .ruleWrong(subjects: ["claimed"]))
        let cs = try XCTUnwrap(r.entries[0][0].ladder.first { $0.witness == "complex-step" })
        XCTAssertEqual(cs.outcome, "unreliable")
        XCTAssertEqual(cs.warnings, [.nonFinite, .unsupportedOp])
        XCTAssertEqual(r.entries[0][1].verdict, .agree)
    }

    /// |x1|·x2 at (−0.5, 2), where abs is analytic: the complex step runs and is a witness.
    /// True ∇ = (sign(x1)·x2, |x1|) = (−2, 0.5); the hand gradient says (2, 0.5).
    func testAKinkedOpAwayFromItsKinkIsAComplexStepWitness() throws {
        let r = try checkGradient(of: Abs(), at: [-0.5, 2.0], claimedGradient: { _ in [2, 0.5] })
        XCTAssertEqual(r.entries[0][0].verdict, .ruleWrong(subjects: ["claimed"]))
        let cs = try XCTUnwrap(r.entries[0][0].ladder.first { $0.witness == "complex-step" })
        XCTAssertEqual(cs.value, -2)
        XCTAssertEqual(r.entries[0][1].verdict, .agree)
    }

    func testMaxAtATieIsAKinkWithValidSubgradient() throws {
        // 3·max(x, y) at x = y = 1: along x the one-sided derivatives are 0 (left) and 3 (right);
        // the registry's tie convention gives 3/2 to each input, which lies between.
        let r = try checkJacobian(of: MaxOf(), at: [1.0, 1.0])
        XCTAssertEqual(r.entries[0][0].verdict, .kink(validSubgradient: true))
        XCTAssertEqual(r.entries[0][1].verdict, .kink(validSubgradient: true))
        XCTAssertEqual(r.entries[0][0].subjects.first?.value, 1.5)
    }

    func testCorrectSteepFunctionIsNeverCalledWrong() throws {
        // d/dx e^{40x} = 40e^{40x}; at x = 0.3 a check of a correct rule must end in agree,
        // whichever rung it takes to get there.
        let r = try checkJacobian(of: Steep(), at: [0.3])
        XCTAssertEqual(r.entries[0][0].verdict, .agree, r.renderTable())
    }

    func testComplexStepForFloat() throws {
        // d/dx eˣ sin x at 0.7 = eˣ(sin x + cos x), in Float: within a few Float ulps.
        let d = try differenceJacobian(of: ExpSin(), at: [Float(0.7)], method: .complexStep)
        let exact = exp(0.7) * (sin(0.7) + cos(0.7))
        // Float's relative complex step: 1e-8·|x| as a power of two, within a factor √2 of 7e-9.
        XCTAssertLessThanOrEqual(abs(log2(d.entries[0][0].step / (1e-8 * 0.7))), 0.5)
        XCTAssertLessThanOrEqual(abs(Double(d.jacobian[0][0]) - exact) / exact, 8 * Double(Float.ulpOfOne))
    }

    func testAdaptiveReportsItsEstimateForFloat() throws {
        let d = try differenceJacobian(of: ExpSin(), at: [Float(0.7)], method: .adaptive)
        let exact = exp(0.7) * (sin(0.7) + cos(0.7))
        let e = d.entries[0][0]
        XCTAssertLessThanOrEqual(abs(e.value - exact), 4 * e.errorEstimate)
        XCTAssertLessThan(e.errorEstimate / exact, 1e-3)
        XCTAssertGreaterThan(e.errorEstimate / exact, 1e-7, "a Float estimate cannot be better than Float allows")
    }
}

/// Near a kink that the point does not touch, differences straddle it; the check must notice.
final class NearKinkTests: XCTestCase {
    /// 3·relu(x1 − x2) + x1.
    struct ReluGap: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [3 * T.relu(x[0] - x[1]) + x[0]] }
    }

    func testCorrectRuleNearAKinkAgreesThroughTheNearKinkRung() throws {
        // At x1 − x2 = 1e-9 > 0 relu is differentiable: ∇ = (3 + 1, −3) = (4, −3). Every
        // default-step difference straddles the kink and sees about half of that.
        let x = [0.3 + 1e-9, 0.3]
        // Without the exact rung, so the near-kink rung has to decide; without Richardson and the
        // adaptive stencil too, whose step searches go below the 1e-9 gap and resolve this entry
        // by themselves.
        var o = CheckOptions()
        o.ladder = WitnessRung.defaultLadder.filter {
            if case .exactRationals = $0 { return false }
            if case .differences(.richardson) = $0 { return false }
            if case .differences(.adaptive) = $0 { return false }
            // The complex step continues relu from the side x is on and decides this entry
            // by itself (it no longer refuses relu away from its kink).
            if case .differences(.complexStep) = $0 { return false }
            return true
        }
        let r = try checkJacobian(of: ReluGap(), at: x, options: o)
        XCTAssertEqual(try checkJacobian(of: ReluGap(), at: x).passed, true, "the default ladder agrees too")
        XCTAssertFalse(r.touchedKink)
        XCTAssertEqual(r.entries[0][0].verdict, .agree, r.renderTable())
        XCTAssertEqual(r.entries[0][1].verdict, .agree, r.renderTable())
        XCTAssertEqual(r.entries[0][0].witness, "central-near-kink")
        XCTAssertTrue(r.entries[0][0].ladder.contains { $0.warnings.contains(.crossesKink) })
    }

    func testWrongRuleNearAKinkIsStillCaught() throws {
        // With relu′ = −1 planted, the modes give (−3 + 1, 3) = (−2, 3); the near-kink rung sees (4, −3).
        let x = [0.3 + 1e-9, 0.3]
        let r = try RuleMutations.withMutation(RuleMutation(op: .relu, input: 0, factor: -1)) {
            try checkJacobian(of: ReluGap(), at: x)
        }
        XCTAssertEqual(r.entries[0][0].verdict, .ruleWrong(subjects: ["forward", "reverse"]), r.renderTable())
        XCTAssertEqual(r.entries[0][0].witness, "central-near-kink")
        XCTAssertEqual(r.fault?.op, "relu")
    }
}

/// x₀·x₁²: at (10⁸, 10⁻⁸) the gradient is (10⁻¹⁶, 2), entries 16 decades apart.
struct BadlyScaledProduct: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] * x[1] * x[1]] }
}

/// A tiny entry is judged on its own scale, not its row's (user trial: a claim 50% off passed,
/// judged within 64ε × 2, the other entry).
final class EntryScaleTests: XCTestCase {
    let x = [1e8, 1e-8]

    func testAClaimFiftyPercentOffOnATinyEntryIsConvicted() throws {
        // ∂f/∂x₀ = x₁² = 10⁻¹⁶, ∂f/∂x₁ = 2x₀x₁ = 2 (by hand).
        let wrong = try checkGradient(of: BadlyScaledProduct(), at: x, claimedGradient: { (x: [Double]) in [1.5 * x[1] * x[1], 2 * x[0] * x[1]] })
        XCTAssertEqual(wrong.entries[0][0].verdict, .ruleWrong(subjects: ["claimed"]), wrong.renderTable())
        XCTAssertEqual(wrong.entries[0][1].verdict, .agree)
        let right = try checkGradient(of: BadlyScaledProduct(), at: x, claimedGradient: { (x: [Double]) in [x[1] * x[1], 2 * x[0] * x[1]] })
        XCTAssertTrue(right.passed, right.renderTable())
        XCTAssertLessThan(right.entries[0][0].tolerance ?? 1, 1e-25, right.renderTable())
    }

    func testTheBlackBoxCheckScalesTheRowByTheInputs() throws {
        // Without a tape the black box cannot tell rounding on the row's scale from a wrong
        // claim: the claim is not passed, and not convicted either. Its reason says so; it read
        // noisy-evaluation, though f has no noise to measure here.
        let f: ([Double]) -> Double = { x in x[0] * x[1] * x[1] }
        let wrong = try checkBlackBoxGradient(of: f, at: x, claimedGradient: { x in [1.5 * x[1] * x[1], 2 * x[0] * x[1]] })
        XCTAssertEqual(wrong.entries[0][0].verdict, .fdInconclusive(reasons: [.rowRounding]), wrong.renderTable())
        XCTAssertFalse(wrong.passed)
        // Far beyond the row's floor it is convicted.
        let far = try checkBlackBoxGradient(of: f, at: x, claimedGradient: { x in [1e-6, 2 * x[0] * x[1]] })
        XCTAssertEqual(far.entries[0][0].verdict, .ruleWrong(subjects: ["claimed"]), far.renderTable())
        let right = try checkBlackBoxGradient(of: f, at: x, claimedGradient: { x in [x[1] * x[1], 2 * x[0] * x[1]] })
        XCTAssertTrue(right.passed, right.renderTable())
    }

    func testAnEntryThatCancelsKeepsItsPathScale() throws {
        // (x₀ + x₁)² − x₀² − 2x₀x₁ = x₁²: ∂/∂x₀ = 2(x₀ + x₁) − 2x₀ − 2x₁ = 0 exactly, computed as a
        // difference of terms near 2·10⁸; AD's rounding there is relative to those terms.
        struct Cancelling: ADFunction {
            func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [(x[0] + x[1]) * (x[0] + x[1]) - x[0] * x[0] - 2 * x[0] * x[1]] }
        }
        let r = try checkGradient(of: Cancelling(), at: [1e8, 0.3], claimedGradient: { (x: [Double]) in [0, 2 * x[1]] })
        XCTAssertNotEqual(r.entries[0][0].verdict.name, "rule-wrong", r.renderTable())
        // f itself is rounding noise of a few units there (its terms are 10¹⁶): no jump can show.
        XCTAssertNotEqual(r.entries[0][1].verdict.name, "discontinuity", r.renderTable())
        XCTAssertNotEqual(r.entries[0][1].verdict.name, "rule-wrong", r.renderTable())
    }
}

/// Options and black-box arguments that would silently change every verdict are rejected with a
/// message naming them (user trial).
final class CheckOptionRejectionTests: XCTestCase {
    func testABadStepIsRejectedNotSkippedRungByRung() {
        for step in [StepSize.absolute(0), .absolute(-1e-3), .absolute(.nan), .relative(.infinity)] {
            var o = CheckOptions()
            o.step = step
            XCTAssertThrowsError(try checkJacobian(of: Polar(), at: [2.0, 0.5], options: o), "\(step)") { error in
                guard case ADError.invalidArgument(let why) = error else { return XCTFail("\(error)") }
                XCTAssertTrue(why.contains("CheckOptions.step") && why.contains(".automatic"), why)
            }
            var b = CheckOptions.blackBox
            b.step = step
            XCTAssertThrowsError(try checkBlackBoxGradient(of: { x in x[0] * x[1] }, at: [2.0, 0.5],
                                                           claimedGradient: { x in [x[1], x[0]] }, options: b), "\(step)")
        }
    }

    func testACustomWitnessWithANaNOrNegativeEstimateIsRejected() {
        // ∇(ln x₀ + x₀x₁ − sin x₁) = (1/x₀ + x₁, x₀ − cos x₁); the witness says ∂/∂x₁ = 0 and the
        // claim 5: with a NaN estimate every tolerance was NaN, and everything "agreed".
        for estimate in [Double.nan, -1, .infinity] {
            var o = CheckOptions()
            o.ladder = [.custom(name: "mine", errorEstimate: estimate, jacobian: { x in [[1 / x[0] + x[1], 0]] })]
            XCTAssertThrowsError(try checkGradient(of: LogProductSin(), at: [0.7, 1.3], claimedGradient: { (x: [Double]) in [1 / x[0] + x[1], 5] },
                                                   options: o), "\(estimate)") { error in
                guard case ADError.invalidArgument(let why) = error else { return XCTFail("\(error)") }
                XCTAssertTrue(why.contains("custom witness \"mine\""), why)
            }
        }
    }

    func testANonFiniteDirectionOrCotangentIsRejected() {
        let f: ([Double]) -> [Double] = { x in [x[0] * x[1]] }
        XCTAssertThrowsError(try checkBlackBoxVJP(of: f, at: [1, 2], cotangent: [.nan], claimed: { _, _ in [5, 5] })) { error in
            guard case ADError.invalidArgument(let why) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(why.contains("cotangent"), why)
        }
        XCTAssertThrowsError(try checkBlackBoxJVP(of: f, at: [1, 2], direction: [.infinity, 0], claimed: { _, _ in [0] }))
    }
}

/// A non-finite point is named as such, not as a non-finite output of f (user trial).
final class NonFinitePointTests: XCTestCase {
    func testANaNOrInfinitePointIsNamed() throws {
        let generic = try checkGradient(of: LogProductSin(), at: [.nan, 1.0])
        XCTAssertEqual(generic.problem?.description, "non-finite input x[0] = nan: the point must be finite")
        XCTAssertFalse(generic.passed)
        let box = try checkBlackBoxGradient(of: { x in x[0] * x[1] }, at: [1.0, -.infinity], claimedGradient: { x in [x[1], x[0]] })
        XCTAssertEqual(box.problem?.description, "non-finite input x[1] = -inf: the point must be finite")
        XCTAssertFalse(box.passed)
    }
}

/// A claimed Jacobian written column by column says so in the shape error (user trial).
final class TransposedShapeTests: XCTestCase {
    /// (x₀x₁, x₀ + x₂): 2 outputs, 3 inputs; its Jacobian by hand is [[x₁, x₀, 0], [1, 0, 1]].
    struct TwoByThree: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] * x[1], x[0] + x[2]] }
    }

    func testATransposedClaimIsNamedTransposed() {
        let transposed: ([Double]) -> [[Double]] = { x in [[x[1], 1], [x[0], 0], [0, 1]] }
        XCTAssertThrowsError(try checkJacobian(of: TwoByThree(), at: [1.0, 2.0, 3.0], claimed: transposed)) { e in
            XCTAssertEqual("\(e)", "rows of the claimed Jacobian (outputs); it has the transposed shape 3×2: rows must be outputs, "
                + "columns inputs: expected 2, got 3")
        }
        XCTAssertThrowsError(try checkBlackBoxJacobian(of: { x in [x[0] * x[1], x[0] + x[2]] }, at: [1.0, 2.0, 3.0], claimed: transposed)) { e in
            XCTAssertTrue("\(e)".contains("transposed shape 3×2"), "\(e)")
        }
        // A merely wrong shape gets no such hint.
        XCTAssertThrowsError(try checkJacobian(of: TwoByThree(), at: [1.0, 2.0, 3.0], claimed: { _ in [[1, 2, 3]] })) { e in
            XCTAssertFalse("\(e)".contains("transposed"), "\(e)")
        }
    }
}

/// x₀x₁² + sin(x₂)·x₀ + x₁·x₂ at a point where f ≈ −2·10¹² (a sweep of right gradients over
/// badly scaled points): its right ∂/∂x₂ = cos(x₂)·x₀ + x₁ (by hand) differs from Richardson by
/// 10⁻⁴, rounding and truncation of the oscillating term that the estimate missed. The black box
/// has no tape to see it; within the row's floor (64ε·1.2·10¹¹) the claim is not convicted.
final class BlackBoxRowFloorTests: XCTestCase {
    func testARightClaimBeyondTheEntryFloorButWithinTheRowsIsNotConvicted() throws {
        let x = [0.0005316229631314427, -352455.2022133165, 6193642.245092235]
        let r = try checkBlackBoxGradient(of: { x in x[0] * x[1] * x[1] + sin(x[2]) * x[0] + x[1] * x[2] }, at: x,
                                          claimedGradient: { x in [x[1] * x[1] + sin(x[2]), 2 * x[0] * x[1] + x[2], cos(x[2]) * x[0] + x[1]] })
        XCTAssertFalse(r.entries.joined().contains { $0.verdict.name == "rule-wrong" }, r.renderTable())
    }
}

/// What `print(report)` shows a user: the table, not the synthesized dump of nested values (a
/// two-entry check printed about 2,900 characters on one line, starting `CheckReport(point:`).
final class CheckReportPrintingTests: XCTestCase {
    func testPrintingAReportGivesItsTable() throws {
        let r = try checkJacobian(of: Polar(), at: [2.0, 0.5])
        let printed = "\(r)"
        XCTAssert(printed.hasPrefix("Jacobian check at x = [2"), printed)
        XCTAssert(printed.contains("verdict: agree"), printed)
        XCTAssertFalse(printed.contains("EntryCheck("), printed)
        XCTAssertGreaterThan(printed.split(separator: "\n").count, 4, "one line per entry, under a header")
    }
}
