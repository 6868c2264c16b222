import AdjointCheck
import AdjointCore
import XCTest
@testable import AdjointTesting

/// The assertions as a user writes them in XCTest, and the message a failure shows.
final class AssertionsTests: XCTestCase {
    /// Failures the XCTest adapter recorded while `capturing` was set, instead of failing the test.
    var captured: [String] = []
    var capturing = false

    override func recordFailure(withDescription description: String, inFile filePath: String, atLine lineNumber: Int, expected: Bool) {
        if capturing { captured.append(description); return }
        super.recordFailure(withDescription: description, inFile: filePath, atLine: lineNumber, expected: expected)
    }

    var quick: AdjointTestOptions {
        var o = AdjointTestOptions()
        o.trials = 30
        return o
    }

    func testLogisticRegressionGradientPasses() {
        // One line in a user's suite.
        let r = assertGradient(of: LogisticLoss(), claimed: logisticGradient(), inputs: .vector(5, .uniform(-2...2)), options: quick)
        XCTAssertTrue(r.passed, r.message)
        XCTAssertEqual(r.trialsRun, 30)
        XCTAssertEqual(r.counts[.agree], 30, r.message)
        XCTAssertTrue(r.message.contains("passed at 30 points"), r.message)
    }

    func testLogisticRegressionWithOneSignFlippedFailsWithAReadableMessage() throws {
        let r = checkProperty(.gradient(of: LogisticLoss(), claimed: logisticGradient(flippedRow: 2),
                                        inputs: .vector(5, .uniform(-2...2))), options: quick)
        XCTAssertFalse(r.passed)
        let failure = try XCTUnwrap(r.failure)
        XCTAssertEqual(failure.verdict, .ruleWrong)
        // Flipping row 2's term changes every entry by −2(σ(z₂) − y₂)·X₂ⱼ; all five entries are wrong.
        let m = r.message
        XCTAssertTrue(m.hasPrefix("assertGradient failed: the claimed gradient: rule-wrong at trial 0 of 30"), m)
        XCTAssertTrue(m.contains("(seed \(hex(quick.seed)))"), m)
        XCTAssertTrue(m.contains("∂f0/∂x"), m)
        XCTAssertTrue(m.contains("claimed "), m)
        XCTAssertTrue(m.contains("forward "), m)
        XCTAssertTrue(m.contains("reference "), m)
        XCTAssertTrue(m.contains("abs err"), m)
        XCTAssertTrue(m.contains("rule-wrong (claimed)"), m)
        // Three entries are shown and the other two counted, never dropped silently.
        XCTAssertEqual(m.components(separatedBy: "— rule-wrong (claimed)").count - 1, 3, m)
        XCTAssertTrue(m.contains("… and 2 more (AdjointTestOptions.worstEntryCount = 3); the largest absolute error among them: ∂f0/∂x"), m)
        XCTAssertTrue(m.contains("tolerance "), m)
        XCTAssertTrue(m.contains("(derived)"), m)
        XCTAssertTrue(m.contains("replay: inputs: .point(\(failure.shrink.shrunk))"), m)
        XCTAssertTrue(m.contains("ADJOINT_TEST_SEED=\(hex(quick.seed))"), m)
        // The named entry really is wrong at the reported input, by the independent formula.
        let x = failure.shrink.shrunk
        let right = logisticGradient()(x), wrong = logisticGradient(flippedRow: 2)(x)
        let worst = try XCTUnwrap(failure.outcome.parts.first?.report?.worstEntries(limit: 1).first)
        XCTAssertGreaterThan(abs(right[worst.input] - wrong[worst.input]), 1e-6)
        XCTAssertTrue(m.contains("∂f0/∂x\(worst.input)"), m)
        // The replay line reproduces the failure on its own.
        let replay = checkProperty(.gradient(of: LogisticLoss(), claimed: logisticGradient(flippedRow: 2), inputs: .point(x)))
        XCTAssertEqual(replay.failure?.verdict, .ruleWrong)
        XCTAssertEqual(replay.trialsRun, 1)
    }

    func testXCTestAdapterRecordsTheFailure() {
        capturing = true
        let r = assertGradient(of: LogisticLoss(), claimed: logisticGradient(flippedRow: 0), inputs: .vector(5, .uniform(-2...2)), options: quick)
        capturing = false
        XCTAssertFalse(r.passed)
        XCTAssertEqual(captured.count, 1)
        XCTAssertTrue(captured.first?.contains("seed \(hex(quick.seed))") == true, captured.first ?? "")
        XCTAssertTrue(captured.first?.contains("replay: inputs: .point(") == true, captured.first ?? "")
    }

    func testBlackBoxCorrectGradientPassesAtAHundredAndTwentyPoints() {
        var o = AdjointTestOptions()
        o.trials = 120
        let r = assertGradient(of: { simulation($0) }, claimed: simulationGradient, inputs: .vector(3, .uniform(-2...2)), options: o)
        XCTAssertTrue(r.passed, r.message)
        XCTAssertEqual(r.trialsRun, 120)
        XCTAssertEqual((r.counts[.agree] ?? 0) + (r.counts[.inconclusive] ?? 0), 120)
    }

    func testBlackBoxWrongGradientIsCaught() throws {
        var o = AdjointTestOptions()
        o.trials = 120
        let r = checkProperty(.blackBoxGradient(of: { simulation($0) }, claimed: simulationGradientWrong,
                                                inputs: .vector(3, .uniform(-2...2))), options: o)
        let f = try XCTUnwrap(r.failure)
        XCTAssertEqual(f.verdict, .ruleWrong)
        XCTAssertTrue(r.message.contains("∂f0/∂x2"), r.message)
        // Only entry 2 is wrong; x₀ = 0 makes it right, so shrinking keeps x₀ ≠ 0.
        XCTAssertNotEqual(f.shrink.shrunk.first, 0)
        let entries = try XCTUnwrap(f.outcome.parts.first?.report?.entries.first)
        XCTAssertEqual(entries.map(\.verdict.name), ["agree", "agree", "rule-wrong"])
    }

    func testFloatBlackBoxUsesFloatTolerances() {
        let f: @Sendable ([Float]) -> Float = { x in x[0] * x[0] * sin(x[1]) }
        let g: @Sendable ([Float]) -> [Float] = { x in [2 * x[0] * sin(x[1]), x[0] * x[0] * cos(x[1])] }
        let gWrong: @Sendable ([Float]) -> [Float] = { x in [2 * x[0] * sin(x[1]), x[0] * cos(x[1])] }
        var o = AdjointTestOptions()
        o.trials = 40
        let ok = checkProperty(.blackBoxGradient(of: f, claimed: g, inputs: .vector(2, .uniform(-2...2))), options: o)
        XCTAssertTrue(ok.passed, ok.message)
        let bad = checkProperty(.blackBoxGradient(of: f, claimed: gWrong, inputs: .vector(2, .uniform(-2...2))), options: o)
        XCTAssertEqual(bad.failure?.verdict, .ruleWrong)
        XCTAssertTrue(bad.message.contains("Float, ε = 1.19e-07"), bad.message)
    }

    /// Found by review: a hand gradient of max(x₀, x₁) answering (1, 1) at ties passed 100 of 100
    /// trials over integer points (34 of them "kink (valid subgradient)"): each entry lay between
    /// its one-sided 0 and 1. The black-box check now judges the row along the claim (f rises at 1
    /// along (1, 1), the claim says 2), so the property fails at a tie; the convention (½, ½)
    /// passes. Without the row's judgement the (1, 1) property passes again (checked). By hand: the generalized gradient at a tie is (λ, 1 − λ), λ ∈ [0, 1].
    func testAMaxGradientWithOneAtBothSidesOfATieFails() {
        let f: @Sendable ([Double]) -> Double = { x in Swift.max(x[0], x[1]) }
        let bothOne: @Sendable ([Double]) -> [Double] = { x in [x[0] >= x[1] ? 1 : 0, x[1] >= x[0] ? 1 : 0] }
        let halves: @Sendable ([Double]) -> [Double] = { x in x[0] == x[1] ? [0.5, 0.5] : (x[0] > x[1] ? [1, 0] : [0, 1]) }
        var o = AdjointTestOptions()
        o.trials = 60
        let bad = checkProperty(.blackBoxGradient(of: f, claimed: bothOne, inputs: .vector(2, .integers(0...2))), options: o)
        XCTAssertFalse(bad.passed, bad.message)
        // Undecided at every tie, not convicted: a black box cannot tell whether more than two
        // pieces meet there (BlackBoxKinkEvidenceTests), and a third of the points are ties.
        XCTAssertEqual(bad.failure?.verdict, .inconclusive, bad.message)
        let good = checkProperty(.blackBoxGradient(of: f, claimed: halves, inputs: .vector(2, .integers(0...2))), options: o)
        XCTAssertTrue(good.passed, good.message)   // central's difference at a tie is ½ itself
    }

    func testUserToleranceOverrideIsNamedInTheMessage() throws {
        var o = quick
        o.rtol = 1e-9
        o.atol = 1e-12
        let r = checkProperty(.gradient(of: LogisticLoss(), claimed: logisticGradient(flippedRow: 1),
                                        inputs: .vector(5, .uniform(-2...2))), options: o)
        XCTAssertTrue(r.message.contains("atol = 1e-12 (user override)"), r.message)
        XCTAssertTrue(r.message.contains("rtol = 1e-09 (user override)"), r.message)
    }

    func testJacobianJVPAndVJPOfABlackBox() {
        let f: @Sendable ([Double]) -> [Double] = { x in [x[0] * x[1], sin(x[0]) + x[1] * x[1]] }
        let jac: @Sendable ([Double]) -> [[Double]] = { x in [[x[1], x[0]], [cos(x[0]), 2 * x[1]]] }
        let jvpOK: @Sendable ([Double], [Double]) -> [Double] = { x, v in [x[1] * v[0] + x[0] * v[1], cos(x[0]) * v[0] + 2 * x[1] * v[1]] }
        let jvpBad: @Sendable ([Double], [Double]) -> [Double] = { x, v in [x[1] * v[0] + x[0] * v[1], cos(x[0]) * v[0] + x[1] * v[1]] }
        let vjpOK: @Sendable ([Double], [Double]) -> [Double] = { x, u in [u[0] * x[1] + u[1] * cos(x[0]), u[0] * x[0] + 2 * u[1] * x[1]] }
        let vjpBad: @Sendable ([Double], [Double]) -> [Double] = { x, u in [u[0] * x[1] - u[1] * cos(x[0]), u[0] * x[0] + 2 * u[1] * x[1]] }
        let space = InputSpace.vector(2, .uniform(-2...2))
        XCTAssertTrue(checkProperty(.blackBoxJacobian(of: f, claimed: jac, inputs: space), options: quick).passed)
        XCTAssertTrue(checkProperty(.blackBoxJVP(of: f, claimed: jvpOK, inputs: space), options: quick).passed)
        XCTAssertTrue(checkProperty(.blackBoxVJP(of: f, outputs: 2, claimed: vjpOK, inputs: space), options: quick).passed)
        let jb = checkProperty(.blackBoxJVP(of: f, claimed: jvpBad, inputs: space), options: quick)
        XCTAssertEqual(jb.failure?.verdict, .ruleWrong)
        XCTAssertTrue(jb.message.contains("(J·v)[1]"), jb.message)
        let vb = checkProperty(.blackBoxVJP(of: f, outputs: 2, claimed: vjpBad, inputs: space), options: quick)
        XCTAssertEqual(vb.failure?.verdict, .ruleWrong)
        XCTAssertTrue(vb.message.contains("(uᵀJ)[0]"), vb.message)
    }

    func testGenericJVPAndVJPUseADAsAWitness() {
        let jvpOK: @Sendable ([Double], [Double]) -> [Double] = { x, v in
            [(sigma(x[0]) * x[1] + x[1] * x[1]) * v[0] + (log1p(exp(x[0])) + 2 * x[0] * x[1]) * v[1]]
        }
        let vjpBad: @Sendable ([Double], [Double]) -> [Double] = { x, u in
            [u[0] * (sigma(x[0]) * x[1]), u[0] * (log1p(exp(x[0])) + 2 * x[0] * x[1])]
        }
        let space = InputSpace.vector(2, .uniform(-2...2))
        let ok = checkProperty(.jvp(of: Energy(), claimed: jvpOK, inputs: space), options: quick)
        XCTAssertTrue(ok.passed, ok.message)
        let bad = checkProperty(.vjp(of: Energy(), outputs: 1, claimed: vjpBad, inputs: space), options: quick)
        XCTAssertEqual(bad.failure?.verdict, .ruleWrong, bad.message)
    }

    func testInvalidOptionsFailWithAClearMessage() {
        var o = quick
        o.trials = 0
        let r = checkProperty(.blackBoxGradient(of: { simulation($0) }, claimed: simulationGradient, inputs: .vector(3, .uniform(-1...1))), options: o)
        XCTAssertFalse(r.passed)
        XCTAssertTrue(r.message.contains("trials must be ≥ 1"), r.message)
        // A negative worstEntryCount was not checked (the other options were): a failing property
        // listed no entry. The claim 3x is wrong, so only the option's check can pass this test.
        var negative = quick
        negative.worstEntryCount = -1
        let w = checkProperty(.blackBoxGradient(of: { simulation($0) }, claimed: { x in x.map { 3 * $0 } }, inputs: .vector(3, .uniform(-1...1))),
                              options: negative)
        XCTAssertFalse(w.passed)
        XCTAssertTrue(w.message.contains("AdjointTestOptions.worstEntryCount must be ≥ 0, got -1"), w.message)
        let bad = checkProperty(.blackBoxGradient(of: { simulation($0) }, claimed: simulationGradient,
                                                  inputs: .vector(3, .logUniform(0...1))), options: quick)
        XCTAssertTrue(bad.message.contains("log-uniform range"), bad.message)
    }

    /// trialJ: a claim of the wrong shape was reported "non-finite at trial 0" with the verdict
    /// non-finite (and counted so in the JSON), though nothing was NaN: it is an error now.
    func testAClaimOfTheWrongShapeIsReportedNotCrashed() {
        let r = checkProperty(.blackBoxGradient(of: { simulation($0) }, claimed: { _ in [1.0] }, inputs: .vector(3, .uniform(-1...1))), options: quick)
        XCTAssertEqual(r.failure?.verdict, .error)
        XCTAssertTrue(r.message.hasPrefix("assertGradient failed: the claimed gradient (black box): error at trial 0"), r.message)
        XCTAssertTrue(r.message.contains("evaluation: error: the check threw: claimed gradient length (one entry per input): expected 3, got 1"), r.message)
        XCTAssertTrue(r.jsonValue.rendered(indent: 0).contains("\"verdict\": \"error\""), r.jsonValue.rendered(indent: 0))
        // A NaN met while evaluating stays non-finite: 1/x at 0 by the generic path throws a domain error.
        let nan = checkProperty(.blackBoxGradient(of: { (x: [Double]) in 1 / x[0] }, claimed: { x in [-1 / (x[0] * x[0])] },
                                                  inputs: .point([0])), options: quick)
        XCTAssertEqual(nan.failure?.verdict, .nonFinite, nan.message)
    }
}

extension AssertionsTests {
    func testInconclusivePointsFailOnlyAboveTheAllowedFraction() throws {
        // sin at |x| ≈ 10²⁵: between adjacent Doubles (2³¹ apart) it turns over many times, so
        // even its true derivative cos x can be neither confirmed nor refuted. Central's fixed
        // step aliases (its disagreement alone used to convict); the verified rungs find no
        // range where the differences settle.
        let f: @Sendable ([Double]) -> Double = { x in Foundation.sin(x[0]) }
        let claim: @Sendable ([Double]) -> [Double] = { x in [Foundation.cos(x[0])] }
        var o = AdjointTestOptions()
        o.trials = 20
        let r = checkProperty(.blackBoxGradient(of: f, claimed: claim, inputs: .vector(1, .uniform(1e25...2e25))), options: o)
        XCTAssertEqual(r.counts[.inconclusive], 20, r.message)
        XCTAssertEqual(r.failure?.verdict, .inconclusive)
        XCTAssertTrue(r.message.contains("inconclusive at 20 of 20 points"), r.message)
        XCTAssertTrue(r.message.contains("no-convergence"), r.message)
        o.maximumInconclusiveFraction = 1
        XCTAssertTrue(checkProperty(.blackBoxGradient(of: f, claimed: claim, inputs: .vector(1, .uniform(1e25...2e25))), options: o).passed)
    }

    /// f = 1 + 10⁻¹⁷·x rounds to 1 at every sample, so its differences are exactly 0. By hand its
    /// slope is 10⁻¹⁷, so a claimed 1 is wrong: it predicts f moving by h at every step h tried,
    /// far above the few ulps of 1 that f's rounding hides (f quantised to ulps of its inputs,
    /// as x − sin x is, is allowed for: see CheckLogicTests). It was inconclusive (flat where the
    /// claim moves); the black-box check now convicts it at the first point.
    func testAClaimedSlopeWhereFDoesNotMoveAtAllIsRuleWrong() throws {
        let f: @Sendable ([Double]) -> Double = { x in 1 + 1e-17 * x[0] }
        var o = AdjointTestOptions()
        o.trials = 20
        let r = checkProperty(.blackBoxGradient(of: f, claimed: { _ in [1] }, inputs: .vector(1, .uniform(-1...1))), options: o)
        XCTAssertEqual(r.counts[.ruleWrong], 1, r.message)
        XCTAssertEqual(r.failure?.verdict, .ruleWrong, r.message)
        XCTAssertFalse(r.passed, r.message)
        XCTAssertTrue(r.message.contains("f is constant along x0 at every step tried"), r.message)
    }

    func testGenericFunctionWithAFloatClaim() {
        let g: @Sendable ([Float]) -> [Float] = { w in logisticGradient()(w.map(Double.init)).map(Float.init) }
        let r = checkProperty(.gradient(of: LogisticLoss(), claimed: g, inputs: .vector(5, .uniform(-2...2))), options: quick)
        XCTAssertTrue(r.passed, r.message)
        let bad: @Sendable ([Float]) -> [Float] = { w in logisticGradient(flippedRow: 3)(w.map(Double.init)).map(Float.init) }
        let b = checkProperty(.gradient(of: LogisticLoss(), claimed: bad, inputs: .vector(5, .uniform(-2...2))), options: quick)
        XCTAssertEqual(b.failure?.verdict, .ruleWrong)
        XCTAssertTrue(b.message.contains("Float, ε = 1.19e-07"), b.message)
    }
}

/// f(x) = sin(x₀·x₁) + x₂²: its gradient by hand.
struct SinProduct: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [sin(x[0] * x[1]) + x[2] * x[2]] }
}

extension AssertionsTests {
    func testAWrongLibraryRuleIsLocalisedToItsOp() throws {
        // The user's gradient is right; the library's sin rule is planted wrong (sin′ = −cos).
        // Forward and reverse mode are then rule-wrong, and the message names the op.
        let hand: @Sendable ([Double]) -> [Double] = { x in [cos(x[0] * x[1]) * x[1], cos(x[0] * x[1]) * x[0], 2 * x[2]] }
        let r = RuleMutations.withMutation(RuleMutation(op: .sin, input: 0, factor: -1)) {
            checkProperty(.gradient(of: SinProduct(), claimed: hand, inputs: .vector(3, .uniform(-1...1))), options: quick)
        }
        XCTAssertEqual(r.failure?.verdict, .ruleWrong)
        XCTAssertTrue(r.message.contains("rule-wrong (forward, reverse)"), r.message)
        XCTAssertTrue(r.message.contains("localised: the rule of sin at node"), r.message)
        // Without the planted mutation the same property passes.
        XCTAssertTrue(checkProperty(.gradient(of: SinProduct(), claimed: hand, inputs: .vector(3, .uniform(-1...1))), options: quick).passed)
    }
}

extension AssertionsTests {
    func testAnnotatedClosureLiteralsCompileAndRun() {
        // The form the doc comments show: the argument's element type annotated once.
        let g = assertGradient(of: { (x: [Double]) in x[0] * x[0] * x[1] }, claimed: { x in [2 * x[0] * x[1], x[0] * x[0]] },
                               inputs: .vector(2, .uniform(-2...2)), options: quick)
        XCTAssertTrue(g.passed, g.message)
        let j = assertJacobian(of: { (x: [Double]) in [x[0] * x[1], sin(x[0])] }, claimed: { x in [[x[1], x[0]], [cos(x[0]), 0]] },
                               inputs: .vector(2, .uniform(-2...2)), options: quick)
        XCTAssertTrue(j.passed, j.message)
        let v = assertJVP(of: { (x: [Double]) in [x[0] * x[1]] }, claimed: { x, d in [x[1] * d[0] + x[0] * d[1]] },
                          inputs: .vector(2, .uniform(-2...2)), options: quick)
        XCTAssertTrue(v.passed, v.message)
    }
}

extension AssertionsTests {
    /// trialJ: a right black-box Rosenbrock gradient over integer points passed with "largest
    /// agreeing relative error 1.0": entries that are exactly 0 by hand (−400xᵢ(xᵢ₊₁ − xᵢ²) −
    /// 2(1 − xᵢ) + 200(xᵢ − xᵢ₋₁²) vanishes at (1, 1, 1, 1) and elsewhere on the integers) against
    /// a difference of 10⁻¹⁴. The margin reported is now among entries their tolerance resolves.
    func testTheLargestAgreeingErrorIgnoresEntriesBelowTheirTolerance() {
        let f: @Sendable ([Double]) -> Double = { x in
            var s = 0.0
            for i in 0..<3 {
                let a = x[i + 1] - x[i] * x[i], b = 1 - x[i]
                s += 100 * a * a + b * b
            }
            return s
        }
        let g: @Sendable ([Double]) -> [Double] = { x in
            var d = [Double](repeating: 0, count: 4)
            for i in 0..<4 {
                if i < 3 { d[i] += -400 * x[i] * (x[i + 1] - x[i] * x[i]) - 2 * (1 - x[i]) }
                if i > 0 { d[i] += 200 * (x[i] - x[i - 1] * x[i - 1]) }
            }
            return d
        }
        let r = checkProperty(.blackBoxGradient(of: f, claimed: g, inputs: .vector(4, .integers(-1...1))), options: quick)
        XCTAssertTrue(r.passed, r.message)
        let worst = try? XCTUnwrap(r.worstAgreeing, r.message)
        XCTAssertLessThan(worst?.relativeError ?? 1, 1e-6, r.message)
        XCTAssertFalse(r.message.contains("largest agreeing relative error 1.0"), r.message)
    }
}
