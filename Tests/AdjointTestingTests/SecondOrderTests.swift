import AdjointCheck
import AdjointCore
import XCTest
@testable import AdjointTesting

/// Second order: a rule right once and wrong when differentiated again is caught here, after
/// first-order checks passed it.
final class SecondOrderTests: XCTestCase {
    var quick: AdjointTestOptions {
        var o = AdjointTestOptions()
        o.trials = 20
        return o
    }
    let space = InputSpace.vector(2, .uniform(-2...2))

    /// ∇f of f = softplus(x₀)·x₁ + x₀x₁², by hand: (σ(x₀)x₁ + x₁², softplus(x₀) + 2x₀x₁).
    let handGradient: @Sendable ([Double]) -> [Double] = { x in
        [sigma(x[0]) * x[1] + x[1] * x[1], log1p(exp(x[0])) + 2 * x[0] * x[1]]
    }
    /// Its Hessian by hand: [[σ′(x₀)x₁, σ(x₀) + 2x₁], [σ(x₀) + 2x₁, 2x₀]], σ′ = σ(1 − σ).
    let handHessian: @Sendable ([Double]) -> [[Double]] = { x in
        let s = sigma(x[0])
        return [[s * (1 - s) * x[1], s + 2 * x[1]], [s + 2 * x[1], 2 * x[0]]]
    }

    func testTheLinearisedRulePassesFirstOrder() {
        // The trap: first derivatives are right, so a gradient check passes.
        let r = checkProperty(.gradient(of: LinearisedEnergy(), claimed: handGradient, inputs: space), options: quick)
        XCTAssertTrue(r.passed, r.message)
    }

    func testTheLinearisedRuleIsCaughtBySecondOrder() throws {
        let r = checkProperty(.hessian(of: LinearisedEnergy(), inputs: space), options: quick)
        let f = try XCTUnwrap(r.failure, r.message)
        XCTAssertEqual(f.verdict, .ruleWrong)
        // The lost term is softplus″(x₀)·x₁ in H[0][0]: the entry the message names.
        let part = try XCTUnwrap(f.outcome.parts.first { $0.label.hasPrefix("Hessian (forward-over-reverse)") })
        XCTAssertEqual(part.verdict, .ruleWrong)
        let wrong = try XCTUnwrap(part.report?.entries(withVerdict: "rule-wrong"))
        XCTAssertEqual(wrong.map { [$0.output, $0.input] }, [[0, 0]])
        XCTAssertTrue(r.message.contains("∂²f/∂x[0]∂x[0]"), r.message)
        // The reference is the hand-derived Hessian entry, not the AD one.
        let x = f.shrink.shrunk
        XCTAssertEqual(try XCTUnwrap(wrong.first?.witnessValue), handHessian(x)[0][0], accuracy: 1e-6)
    }

    func testACorrectFunctionPassesEverySecondOrderCheck() throws {
        let r = checkProperty(.hessian(of: Energy(), claimed: handHessian, inputs: space), options: quick)
        XCTAssertTrue(r.passed, r.message)
        // The gradient guard, forward-over-reverse and reverse-over-forward were all run and agree.
        let x = try draw(space, seed: quick.seed, trial: 0)
        let outcome = DerivativeProperty.hessian(of: Energy(), inputs: space).check(x, quick)
        XCTAssertEqual(outcome.parts.map(\.label).count, 4)
        XCTAssertEqual(outcome.parts.first?.detail, "not refuted: 2 of 2 entries agree with differences of f")
        XCTAssertTrue(outcome.parts.allSatisfy { $0.verdict == .agree }, "\(outcome.parts.map { ($0.label, $0.detail ?? "") })")
        let v = directionFor(x)
        let rof = try hvpReverseOverForward(Energy(), at: x, direction: v)
        let h = handHessian(x)
        for i in 0..<2 { XCTAssertEqual(rof[i], h[i][0] * v[0] + h[i][1] * v[1], accuracy: 1e-12) }
    }

    func testAWrongClaimedHessianIsCaught() throws {
        let wrongHessian: @Sendable ([Double]) -> [[Double]] = { x in
            let s = sigma(x[0])
            return [[s * (1 - s) * x[1], s + 2 * x[1]], [s + 2 * x[1], x[0]]]
        }
        let r = checkProperty(.hessian(of: Energy(), claimed: wrongHessian, inputs: space), options: quick)
        XCTAssertEqual(r.failure?.verdict, .ruleWrong)
        XCTAssertTrue(r.message.contains("claimed Hessian vs differences"), r.message)
        XCTAssertTrue(r.message.contains("∂²f/∂x[1]∂x[1]"), r.message)
    }

    func testBlackBoxHessianAndHVP() {
        let f: @Sendable ([Double]) -> Double = { x in log1p(exp(x[0])) * x[1] + x[0] * x[1] * x[1] }
        XCTAssertTrue(checkProperty(.blackBoxHessian(of: f, gradient: handGradient, claimed: handHessian, inputs: space), options: quick).passed)
        let asymmetric: @Sendable ([Double]) -> [[Double]] = { x in
            let s = sigma(x[0])
            return [[s * (1 - s) * x[1], s + 2 * x[1]], [s, 2 * x[0]]]
        }
        let bad = checkProperty(.blackBoxHessian(of: f, gradient: handGradient, claimed: asymmetric, inputs: space), options: quick)
        XCTAssertEqual(bad.failure?.verdict, .ruleWrong)
        XCTAssertTrue(bad.message.contains("symmetry of the claimed Hessian: rule-wrong"), bad.message)
        let hvpOK: @Sendable ([Double], [Double]) -> [Double] = { [handHessian] x, v in
            let h = handHessian(x)
            return [h[0][0] * v[0] + h[0][1] * v[1], h[1][0] * v[0] + h[1][1] * v[1]]
        }
        let hvpBad: @Sendable ([Double], [Double]) -> [Double] = { [handHessian] x, v in
            let h = handHessian(x)
            return [h[0][1] * v[1], h[1][0] * v[0] + h[1][1] * v[1]]
        }
        XCTAssertTrue(checkProperty(.blackBoxHVP(of: f, gradient: handGradient, claimed: hvpOK, inputs: space), options: quick).passed)
        XCTAssertEqual(checkProperty(.blackBoxHVP(of: f, gradient: handGradient, claimed: hvpBad, inputs: space), options: quick).failure?.verdict, .ruleWrong)
        XCTAssertTrue(checkProperty(.hvp(of: Energy(), claimed: hvpOK, inputs: space), options: quick).passed)
        let trap = checkProperty(.hvp(of: LinearisedEnergy(), claimed: hvpOK, inputs: space), options: quick)
        XCTAssertTrue(trap.passed, "a right claimed HVP passes whatever AD does: \(trap.message)")
    }
}

/// f with no outputs: there is nothing of output 0 to differentiate.
struct NoOutputFunction: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [] } }
/// Σ xᵢ, declared to take three inputs.
struct ThreeInputSum: ADFunction {
    var inputCount: Int? { 3 }
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x.reduce(0, +)] }
}

extension SecondOrderTests {
    /// trialJ: `assertHessian`/`assertHVP` of a function returning no outputs read `f(z)[0]` and
    /// trapped ("Index out of range"), killing the test process; now the point checked nothing.
    func testAFunctionWithNoOutputsChecksNothingAndDoesNotTrap() async {
        let hessian = DerivativeProperty.hessian(of: NoOutputFunction(), inputs: space)
        let hvp = DerivativeProperty.hvp(of: NoOutputFunction(), claimed: { _, v in v }, inputs: space)
        for p in [hessian, hvp] {
            let r = checkProperty(p, options: quick)
            XCTAssertEqual(r.failure?.verdict, .nothingChecked, r.message)
            XCTAssertTrue(r.message.contains("f has no outputs here, so there is no second derivative of output 0 to compare"), r.message)
            let c = await checkPropertyConcurrently(p, options: quick)
            XCTAssertEqual(c.failure?.verdict, .nothingChecked, c.message)
        }
    }

    /// trialJ: a function declaring `inputCount` 3 passed `assertHessian` over `.vector(2, …)`: the
    /// first-order properties refuse the mismatch, the Hessian's closures never saw the declaration.
    func testADeclaredInputCountIsEnforcedAtSecondOrder() {
        let r = checkProperty(.hessian(of: ThreeInputSum(), inputs: space), options: quick)
        XCTAssertFalse(r.passed, r.message)
        XCTAssertTrue(r.message.contains("number of inputs: expected 3, got 2"), r.message)
        // H·v = 0 for a sum; the claim 0 is right, and the mismatch still fails it.
        let v = checkProperty(.hvp(of: ThreeInputSum(), claimed: { x, _ in x.map { _ in 0 } }, inputs: space), options: quick)
        XCTAssertFalse(v.passed, v.message)
        XCTAssertTrue(v.message.contains("number of inputs: expected 3, got 2"), v.message)
        // Over three inputs the same properties pass: the declaration, not the function, failed them.
        XCTAssertTrue(checkProperty(.hessian(of: ThreeInputSum(), claimed: { _ in Array(repeating: [0, 0, 0], count: 3) },
                                             inputs: .vector(3, .uniform(-2...2))), options: quick).passed)
    }
}

/// A black-box Hessian is judged against differences of the claimed gradient, so that gradient is
/// its reference: where differences of f refute the gradient, the Hessian is not checked there
/// (as `assertHessian` of a generic f leaves it where AD's gradient is refuted). Judged against the
/// wrong gradient, a right Hessian was rule-wrong and one derived from the wrong gradient agreed.
final class BlackBoxHessianReferenceTests: XCTestCase {
    // f = x₀³ + x₀x₁. By hand: ∇f = (3x₀² + x₁, x₀), H = [[6x₀, 1], [1, 0]]; at x₀ = 0.7, H₀₀ = 4.2.
    // The gradient written 2x₀² + x₁ differentiates to 4x₀ = 2.8 instead.
    let f: @Sendable ([Double]) -> Double = { x in x[0] * x[0] * x[0] + x[0] * x[1] }
    let rightGradient: @Sendable ([Double]) -> [Double] = { x in [3 * x[0] * x[0] + x[1], x[0]] }
    let wrongGradient: @Sendable ([Double]) -> [Double] = { x in [2 * x[0] * x[0] + x[1], x[0]] }
    let rightHessian: @Sendable ([Double]) -> [[Double]] = { x in [[6 * x[0], 1], [1, 0]] }
    let hessianOfTheWrongGradient: @Sendable ([Double]) -> [[Double]] = { x in [[4 * x[0], 1], [1, 0]] }
    let x = [0.7, -0.4]
    var once: AdjointTestOptions { var o = AdjointTestOptions(); o.trials = 1; return o }

    func part(_ o: PointOutcome, _ prefix: String) throws -> PointPart {
        try XCTUnwrap(o.parts.first { $0.label.hasPrefix(prefix) }, o.parts.map(\.label).joined(separator: "; "))
    }

    func testARightHessianIsNotConvictedAgainstAWrongGradient() throws {
        XCTAssertEqual(rightHessian(x)[0][0], 4.2, accuracy: 1e-15)
        let outcome = DerivativeProperty.blackBoxHessian(of: f, gradient: wrongGradient, claimed: rightHessian, inputs: .point(x))
            .check(x, once)
        XCTAssertEqual(outcome.verdict, .ruleWrong)
        XCTAssertEqual(try part(outcome, "gradient vs differences of f").verdict, .ruleWrong)
        let hessian = try part(outcome, "Hessian vs differences of the claimed gradient")
        XCTAssertEqual(hessian.verdict, .inconclusive, hessian.detail ?? "")
        XCTAssertTrue(hessian.detail?.hasPrefix("not checked: the claimed gradient disagrees with differences of f") ?? false, hessian.detail ?? "")
        // The symmetric claim's symmetry part still runs, and agrees.
        XCTAssertEqual(try part(outcome, "symmetry of the claimed Hessian").verdict, .agree)
        let r = checkProperty(.blackBoxHessian(of: f, gradient: wrongGradient, claimed: rightHessian, inputs: .point(x)), options: once)
        XCTAssertFalse(r.message.contains("Hessian vs differences of the claimed gradient: rule-wrong"), r.message)
        // With the right gradient the Hessian is judged: the right one agrees, one 10⁻³ off is rule-wrong.
        let right = DerivativeProperty.blackBoxHessian(of: f, gradient: rightGradient, claimed: rightHessian, inputs: .point(x)).check(x, once)
        XCTAssertEqual(right.verdict, .agree, right.parts.map { "\($0.label): \($0.verdict) \($0.detail ?? "")" }.joined(separator: "\n"))
        let offByAThousandth: @Sendable ([Double]) -> [[Double]] = { x in [[6.006 * x[0], 1], [1, 0]] }
        let wrong = DerivativeProperty.blackBoxHessian(of: f, gradient: rightGradient, claimed: offByAThousandth, inputs: .point(x)).check(x, once)
        XCTAssertEqual(try part(wrong, "Hessian vs differences of the claimed gradient").verdict, .ruleWrong)
    }

    func testAHessianDerivedFromAWrongGradientDoesNotAgree() throws {
        let outcome = DerivativeProperty.blackBoxHessian(of: f, gradient: wrongGradient, claimed: hessianOfTheWrongGradient, inputs: .point(x))
            .check(x, once)
        XCTAssertEqual(outcome.verdict, .ruleWrong)
        XCTAssertNotEqual(try part(outcome, "Hessian vs differences of the claimed gradient").verdict, .agree)
    }

    func testARightHVPIsNotConvictedAgainstAWrongGradient() throws {
        // H·v by hand: (6x₀v₀ + v₁, v₀).
        let rightHVP: @Sendable ([Double], [Double]) -> [Double] = { x, v in [6 * x[0] * v[0] + v[1], v[0]] }
        let v = [0.3, -0.8]
        let p = DerivativeProperty.blackBoxHVP(of: f, gradient: wrongGradient, claimed: rightHVP, inputs: .point(x, direction: v))
        let outcome = p.check(x + v, once)
        XCTAssertEqual(outcome.verdict, .ruleWrong)
        let hvp = try part(outcome, "H·v vs differences of the claimed gradient")
        XCTAssertEqual(hvp.verdict, .inconclusive, hvp.detail ?? "")
        XCTAssertTrue(hvp.detail?.hasPrefix("not checked:") ?? false, hvp.detail ?? "")
        let right = DerivativeProperty.blackBoxHVP(of: f, gradient: rightGradient, claimed: rightHVP, inputs: .point(x, direction: v))
        XCTAssertEqual(right.check(x + v, once).verdict, .agree)
    }
}
