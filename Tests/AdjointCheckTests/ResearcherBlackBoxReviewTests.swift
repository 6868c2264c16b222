import AdjointCore
import Foundation
import XCTest
@testable import AdjointCheck

/// A researcher's non-generic code checked with the black-box checks: each scenario has a right
/// derivative and the wrong ones a hand derivation typically produces. Expected values are
/// derived by hand in the comments, never read off the check. The promise under test: agree,
/// shown wrong, or not confirmed with a reason; never a right derivative called wrong nor a
/// wrong one passed.
final class ResearcherBlackBoxReviewTests: XCTestCase {
    let wrong = Verdict.ruleWrong(subjects: ["claimed"])

    func verdicts(_ r: CheckReport) -> [Verdict] { r.entries.joined().map(\.verdict) }

    // MARK: RK4 integrator and its discrete adjoint

    func testRK4AdjointAgreesAndAnOffByOneStepIsWrong() throws {
        // The adjoint code itself, at y₀ = 0 where the logistic stays at 0: the step is then the
        // linear RK4 map of y' = θy (g_y = θ), amplification R(z) = 1 + z + z²/2 + z³/6 + z⁴/24 at
        // z = θh, so ∂L/∂y₀ = 2(0 − 0.7)·R²⁰ and ∂L/∂θ = 0 (g_θ = y(1 − y) = 0 on the trajectory).
        let z = 1.7 * Researcher.rkH
        let amp = 1 + z + z * z / 2 + z * z * z / 6 + z * z * z * z / 24
        let atZero = Researcher.rkAdjoint([0, 1.7])
        XCTAssertEqual(atZero[0], -1.4 * Foundation.pow(amp, 20), accuracy: 1e-12)
        XCTAssertEqual(atZero[1], 0, accuracy: 1e-15)

        let counter = EvaluationCounter()
        let f = counter.wrapScalar(Researcher.rkLoss)
        let p = [0.1, 1.7]
        let right = try checkBlackBoxGradient(of: f, at: p, claimedGradient: { Researcher.rkAdjoint($0) })
        XCTAssertTrue(right.passed, right.renderTable())
        // f(x) and one central difference per input; and on one column, whose h/2h truncation
        // estimate is far above its rounding, central at h/2 for the truncation's next term.
        XCTAssertLessThanOrEqual(counter.count, 2 * p.count + 5 + 2)
        let slip = try checkBlackBoxGradient(of: f, at: p, claimedGradient: { Researcher.rkAdjoint($0, offByOne: true) })
        XCTAssertEqual(verdicts(slip), [wrong, wrong], slip.renderTable())
    }

    // MARK: Newton solve and the implicit-function-theorem gradient

    func testNewtonRootGradientByTheImplicitFunctionTheorem() throws {
        // x³ + a·x − b = 0 at (a, b) = (1, 10) has the root x = 2 (8 + 2 = 10). Implicitly,
        // (3x² + a)·dx = −x·da + db: ∂x/∂a = −2/13, ∂x/∂b = 1/13.
        func ift(_ p: [Double]) -> [Double] {
            let x = Researcher.cubicRoot(p), d = 3 * x * x + p[0]
            return [-x / d, 1 / d]
        }
        let f: ([Double]) -> Double = { Researcher.cubicRoot($0, tol: 1e-8) }
        let right = try checkBlackBoxGradient(of: f, at: [1, 10], claimedGradient: ift)
        XCTAssertTrue(right.passed, right.renderTable())
        XCTAssertEqual(right.entries[0][0].witnessValue ?? .nan, -2.0 / 13, accuracy: 1e-8)
        XCTAssertEqual(right.entries[0][1].witnessValue ?? .nan, 1.0 / 13, accuracy: 1e-8)
        // The sign of the implicit term dropped (x/(3x² + a)), and the a forgotten in 3x² + a.
        let sign = try checkBlackBoxGradient(of: f, at: [1, 10], claimedGradient: { p in let g = ift(p); return [-g[0], g[1]] })
        XCTAssertEqual(verdicts(sign), [wrong, .agree], sign.renderTable())
        let missing = try checkBlackBoxGradient(of: f, at: [1, 10], claimedGradient: { p in
            let x = Researcher.cubicRoot(p)
            return [-x / (3 * x * x), 1 / (3 * x * x)]
        })
        XCTAssertEqual(verdicts(missing), [wrong, wrong], missing.renderTable())
    }

    func testNewtonWarmStartedAtTheRootIsFlatBelowItsTolerance() throws {
        // At (a, b) = (2, 3) the start x = 1 is the root (1 + 2 − 3 = 0), and Newton stops at
        // once wherever |δa − δb| ≤ 10⁻⁸: f is constant on that band and ∂x/∂a = −1/5, ∂x/∂b = 1/5
        // only beyond it. The right gradient passes on steps beyond the band; twice it is not
        // passed (f as computed has no derivative there to convict it with).
        let f: ([Double]) -> Double = { Researcher.cubicRoot($0, tol: 1e-8) }
        let right = try checkBlackBoxGradient(of: f, at: [2, 3], claimedGradient: { _ in [-0.2, 0.2] })
        XCTAssertTrue(right.passed, right.renderTable())
        let twice = try checkBlackBoxGradient(of: f, at: [2, 3], claimedGradient: { _ in [-0.4, 0.4] })
        XCTAssertFalse(twice.passed, twice.renderTable())
    }

    // MARK: An iterative inner solve stopped at a tolerance, and its adjoint

    func testJacobiSolveAdjointIsWithinTheSolverToleranceAndATransposeSlipIsWrong() throws {
        // L = wᵀy, A(p)y = c, A = [[4 + p₀, 1], [2, 5 + p₁]], c = (1, 2), w = (3, −1). At
        // p = (0.3, −0.2): det = 4.3·4.8 − 2 = 18.64, y = ((4.8 − 2)/18.64, (8.6 − 2)/18.64);
        // Aᵀλ = w, Aᵀ = [[4.3, 2], [1, 4.8]]: λ = ((14.4 + 2)/18.64, (−4.3 − 3)/18.64), and
        // ∂L/∂pₖ = −λₖyₖ = (−16.4·2.8, 7.3·6.6)/18.64² = (−45.92, 48.18)/347.4496.
        let p = [0.3, -0.2]
        let expected = [-16.4 * 2.8 / (18.64 * 18.64), 7.3 * 6.6 / (18.64 * 18.64)]
        let adjoint = Researcher.jacobiAdjoint(p)
        XCTAssertEqual(adjoint[0], expected[0], accuracy: 1e-15)
        XCTAssertEqual(adjoint[1], expected[1], accuracy: 1e-15)

        // Solved to 10⁻¹⁴ the right adjoint agrees and the transpose slip (A·λ = w) is wrong.
        let tight: ([Double]) -> Double = { Researcher.jacobiLoss($0, tol: 1e-14) }
        let right = try checkBlackBoxGradient(of: tight, at: p, claimedGradient: { Researcher.jacobiAdjoint($0) })
        XCTAssertTrue(right.passed, right.renderTable())
        let slip = try checkBlackBoxGradient(of: tight, at: p, claimedGradient: { Researcher.jacobiAdjoint($0, transposeSlip: true) })
        XCTAssertEqual(verdicts(slip), [wrong, wrong], slip.renderTable())

        // Stopped at 10⁻⁸ the solver's f differs from the exact one by a smooth bias, whose slope
        // the differences resolve: the exact adjoint is 2·10⁻⁸ off f as computed. That is a
        // conviction of f's own derivative, so the report must say how small it is and what to
        // do (a tolerance at the solver's), and the tolerance then passes it; the slip stays wrong.
        let loose: ([Double]) -> Double = { Researcher.jacobiLoss($0, tol: 1e-8) }
        let strict = try checkBlackBoxGradient(of: loose, at: p, claimedGradient: { Researcher.jacobiAdjoint($0) })
        for e in strict.entries.joined() where e.verdict == wrong {
            XCTAssertLessThan(e.relativeError ?? .infinity, 1e-6, strict.renderTable())
            XCTAssertTrue(strict.notes.contains { $0.contains("rtol") && $0.contains("tolerance") }, strict.renderTable())
        }
        var o = CheckOptions.blackBox
        o.rtol = 1e-6
        let tolerant = try checkBlackBoxGradient(of: loose, at: p, claimedGradient: { Researcher.jacobiAdjoint($0) }, options: o)
        XCTAssertTrue(tolerant.passed, tolerant.renderTable())
        let slipTolerant = try checkBlackBoxGradient(of: loose, at: p, claimedGradient: { Researcher.jacobiAdjoint($0, transposeSlip: true) },
                                                     options: o)
        XCTAssertEqual(verdicts(slipTolerant), [wrong, wrong], slipTolerant.renderTable())
        // f rounds a few ulps here, not "far above" them.
        XCTAssertFalse(strict.notes.contains { $0.contains("far above") }, strict.renderTable())
    }

    // MARK: Softmax cross-entropy through a max-shifted log-sum-exp

    func testCrossEntropyAtATiedMaximumIsSmoothAndItsWrongGradientsAreWrong() throws {
        // L(z) = log Σ exp(zᵢ − m) + m − z₂ with m = max z: the m terms cancel (∂/∂m of the log is
        // −1), so ∇L = softmax(z) − e₂ everywhere, also where the max is tied (z₀ = z₁ = 1.5),
        // where m has a kink but L has none. softmax = (e^{1.5}, e^{1.5}, e^{−0.3}, e^{0.8})/S.
        let z = [1.5, 1.5, -0.3, 0.8]
        let s = exp(1.5) * 2 + exp(-0.3) + exp(0.8)
        let p = [exp(1.5) / s, exp(1.5) / s, exp(-0.3) / s, exp(0.8) / s]
        let f: ([Double]) -> Double = { Researcher.crossEntropy($0, label: 2) }
        func grad(_ z: [Double]) -> [Double] { var g = Researcher.softmax(z); g[2] -= 1; return g }
        let right = try checkBlackBoxGradient(of: f, at: z, claimedGradient: grad)
        XCTAssertTrue(right.passed, right.renderTable())
        for (j, e) in right.entries[0].enumerated() {
            XCTAssertEqual(e.witnessValue ?? .nan, p[j] - (j == 2 ? 1 : 0), accuracy: 1e-9)
        }
        // −e_y forgotten; the label taken as 1; the shift's +m differentiated but not its −m.
        let noLabel = try checkBlackBoxGradient(of: f, at: z, claimedGradient: { Researcher.softmax($0) })
        XCTAssertEqual(verdicts(noLabel), [.agree, .agree, wrong, .agree], noLabel.renderTable())
        let label1 = try checkBlackBoxGradient(of: f, at: z, claimedGradient: { z in var g = Researcher.softmax(z); g[1] -= 1; return g })
        XCTAssertEqual(verdicts(label1), [.agree, wrong, wrong, .agree], label1.renderTable())
        let halfShift = try checkBlackBoxGradient(of: f, at: z, claimedGradient: { z in var g = grad(z); g[0] += 1; return g })
        XCTAssertEqual(verdicts(halfShift), [wrong, .agree, .agree, .agree], halfShift.renderTable())
    }

    func testSoftmaxJacobianAndItsDiagonalOnlyMistake() throws {
        // ∂pᵢ/∂zⱼ = pᵢ(δᵢⱼ − pⱼ); the diagonal-only diag(p) is wrong everywhere (pᵢ − pᵢ² ≠ pᵢ).
        let z = [1.5, 1.5, -0.3, 0.8]
        let f: ([Double]) -> [Double] = { Researcher.softmax($0) }
        let right = try checkBlackBoxJacobian(of: f, at: z, claimed: { z in
            let p = Researcher.softmax(z)
            return (0..<4).map { i in (0..<4).map { j in p[i] * ((i == j ? 1 : 0) - p[j]) } }
        })
        XCTAssertTrue(right.passed, right.renderTable())
        let diagonal = try checkBlackBoxJacobian(of: f, at: z, claimed: { z in
            let p = Researcher.softmax(z)
            return (0..<4).map { i in (0..<4).map { j in i == j ? p[i] : 0 } }
        })
        XCTAssertEqual(verdicts(diagonal), Array(repeating: wrong, count: 16), diagonal.renderTable())
    }

    // MARK: Huber loss (C¹: its second derivative jumps at |r| = δ)

    func testHuberGradientAndTheForgottenLinearBranch() throws {
        // h(r) = r²/2 for |r| ≤ δ, δ(|r| − δ/2) beyond; h′(r) = r inside, δ·sign(r) beyond,
        // continuous at |r| = δ. δ = 0.5.
        let f: ([Double]) -> Double = { x in Researcher.huber(x[0]) + Researcher.huber(x[1]) }
        func right(_ x: [Double]) -> [Double] { x.map { Swift.abs($0) <= Researcher.delta ? $0 : Researcher.delta * ($0 < 0 ? -1 : 1) } }
        // At (1, 0.2): h′ = (0.5, 0.2); the linear branch forgotten claims r = 1 there.
        let ok = try checkBlackBoxGradient(of: f, at: [1, 0.2], claimedGradient: right)
        XCTAssertTrue(ok.passed, ok.renderTable())
        let forgot = try checkBlackBoxGradient(of: f, at: [1, 0.2], claimedGradient: { $0 })
        XCTAssertEqual(verdicts(forgot), [wrong, .agree], forgot.renderTable())
        // On the switch |r| = δ both branches give ±δ: the forgotten branch is invisible there.
        let onSwitch = try checkBlackBoxGradient(of: f, at: [0.5, -0.5], claimedGradient: { $0 })
        XCTAssertTrue(onSwitch.passed, onSwitch.renderTable())
    }

    func testHuberJustPastTheSwitchIsNoKink() throws {
        // At r₀ = δ + 10⁻⁷ h is linear (h′ = 0.5) and 10⁻⁷ from the curvature jump; at r₁ = −2,
        // h′ = −0.5. The forgotten linear branch claims (0.5000001, −2): −2 is 1.5 off on a
        // straight line, and must not be excused as a generalized gradient of a "kink" that is
        // the curvature jump seen by one-sided stencils.
        let f: ([Double]) -> Double = { x in Researcher.huber(x[0]) + Researcher.huber(x[1]) }
        let x = [0.5000001, -2.0]
        let ok = try checkBlackBoxGradient(of: f, at: x, claimedGradient: { _ in [0.5, -0.5] })
        XCTAssertTrue(ok.passed, ok.renderTable())
        let forgot = try checkBlackBoxGradient(of: f, at: x, claimedGradient: { $0 })
        XCTAssertEqual(forgot.entries[0][1].verdict, wrong, forgot.renderTable())
        XCTAssertFalse(forgot.entries[0][0].passes, forgot.renderTable())
    }

    // MARK: Clamp / saturation

    func testHardSigmoidSaturationAndItsEdges() throws {
        // s(x) = clamp(2x + 0.5, 0, 1): slope 2 on (−0.25, 0.25), 0 beyond; at ±0.25 the one-sided
        // slopes are 0 and 2, so any claim in [0, 2] is a subgradient and 3 is not.
        let f: ([Double]) -> Double = { x in Swift.min(Swift.max(2 * x[0] + 0.5, 0), 1) }
        func right(_ x: [Double]) -> [Double] { [(2 * x[0] + 0.5 > 0 && 2 * x[0] + 0.5 < 1) ? 2 : 0] }
        for x in [0.1, 0.4, -0.5] {
            let r = try checkBlackBoxGradient(of: f, at: [x], claimedGradient: right)
            XCTAssertEqual(verdicts(r), [.agree], "x = \(x)\n" + r.renderTable())
        }
        // The forgotten saturation: 2 everywhere, right inside, wrong where s is flat.
        for x in [0.4, -0.5] {
            let r = try checkBlackBoxGradient(of: f, at: [x], claimedGradient: { _ in [2] })
            XCTAssertEqual(verdicts(r), [wrong], "x = \(x)\n" + r.renderTable())
        }
        for x in [0.25, -0.25] {
            for (claim, valid) in [(0.0, true), (2.0, true), (3.0, false)] {
                let r = try checkBlackBoxGradient(of: f, at: [x], claimedGradient: { _ in [claim] })
                XCTAssertEqual(verdicts(r), [.kink(validSubgradient: valid)], "x = \(x), claim \(claim)\n" + r.renderTable())
            }
        }
    }

    // MARK: Piecewise-linear interpolation table

    func testInterpolationTableBetweenAndAtKnots() throws {
        // Knots 0, 1, 2.5, 4 with values 0, 2, 1, 5: slopes 2, −2/3, 8/3. f(x, s) = s·interp(x):
        // ∂f/∂x = s·slope, ∂f/∂s = interp(x). At (1.7, 1.5): (1.5·(−2/3) = −1, 2 − 0.7·2/3 = 1.5333…). The
        // off-by-one takes the next segment's slope, 1.5·8/3 = 4.
        let f: ([Double]) -> Double = { x in x[1] * Researcher.interpolate(x[0]) }
        func right(_ x: [Double]) -> [Double] { [x[1] * Researcher.slope(Researcher.segment(x[0])), Researcher.interpolate(x[0])] }
        func nextSegment(_ x: [Double]) -> [Double] {
            [x[1] * Researcher.slope(Swift.min(Researcher.segment(x[0]) + 1, 2)), Researcher.interpolate(x[0])]
        }
        let between = try checkBlackBoxGradient(of: f, at: [1.7, 1.5], claimedGradient: right)
        XCTAssertTrue(between.passed, between.renderTable())
        XCTAssertEqual(between.entries[0][0].witnessValue ?? .nan, -1, accuracy: 1e-9)
        XCTAssertEqual(between.entries[0][1].witnessValue ?? .nan, 2 - 0.7 / 1.5, accuracy: 1e-9)
        let slip = try checkBlackBoxGradient(of: f, at: [1.7, 1.5], claimedGradient: nextSegment)
        XCTAssertEqual(verdicts(slip), [wrong, .agree], slip.renderTable())
        // At the knot 1: one-sided ∂f/∂x are 1.5·2 = 3 and 1.5·(−2/3) = −1; the segment taken there
        // (−1) is a subgradient. The slip's 1.5·8/3 = 4 is outside them: not passed.
        let knot = try checkBlackBoxGradient(of: f, at: [1, 1.5], claimedGradient: right)
        XCTAssertEqual(verdicts(knot), [.kink(validSubgradient: true), .agree], knot.renderTable())
        XCTAssertTrue(knot.passed)
        let knotSlip = try checkBlackBoxGradient(of: f, at: [1, 1.5], claimedGradient: { x in [4, Researcher.interpolate(x[0])] })
        XCTAssertFalse(knotSlip.passed, knotSlip.renderTable())
        XCTAssertFalse(knotSlip.entries[0][0].passes)
    }

    // MARK: An early exit

    func testEarlyExitBelowATolerance() throws {
        // f(x) = x < 10⁻⁶ ? 0 : x²: f′ = 2x above the cutoff; a jump of 10⁻¹² at it.
        let f: ([Double]) -> Double = { x in x[0] < 1e-6 ? 0 : x[0] * x[0] }
        let above = try checkBlackBoxGradient(of: f, at: [2e-6], claimedGradient: { x in [2 * x[0]] })
        XCTAssertTrue(above.passed, above.renderTable())
        let twice = try checkBlackBoxGradient(of: f, at: [2e-6], claimedGradient: { x in [4 * x[0]] })
        XCTAssertEqual(verdicts(twice), [wrong], twice.renderTable())
        let onCutoff = try checkBlackBoxGradient(of: f, at: [1e-6], claimedGradient: { x in [2 * x[0]] })
        XCTAssertFalse(onCutoff.passed, onCutoff.renderTable())
    }

    // MARK: Scale

    func testHugeAndTinyScales() throws {
        // 10⁸(x₀² + sin x₁): ∇ = 10⁸(2x₀, cos x₁); 10⁻¹²·e^{x₀}x₁: ∇ = 10⁻¹²e^{x₀}(x₁, 1).
        let big: ([Double]) -> Double = { x in 1e8 * (x[0] * x[0] + sin(x[1])) }
        XCTAssertTrue(try checkBlackBoxGradient(of: big, at: [0.7, 1.1], claimedGradient: { x in [2e8 * x[0], 1e8 * cos(x[1])] }).passed)
        let noScale = try checkBlackBoxGradient(of: big, at: [0.7, 1.1], claimedGradient: { x in [2 * x[0], cos(x[1])] })
        XCTAssertEqual(verdicts(noScale), [wrong, wrong], noScale.renderTable())
        let tiny: ([Double]) -> Double = { x in 1e-12 * exp(x[0]) * x[1] }
        let ok = try checkBlackBoxGradient(of: tiny, at: [0.3, -2], claimedGradient: { x in [1e-12 * exp(x[0]) * x[1], 1e-12 * exp(x[0])] })
        XCTAssertTrue(ok.passed, ok.renderTable())
        let sign = try checkBlackBoxGradient(of: tiny, at: [0.3, -2], claimedGradient: { x in [-1e-12 * exp(x[0]) * x[1], 1e-12 * exp(x[0])] })
        XCTAssertEqual(verdicts(sign), [wrong, .agree], sign.renderTable())
        let unscaled = try checkBlackBoxGradient(of: tiny, at: [0.3, -2], claimedGradient: { x in [exp(x[0]) * x[1], exp(x[0])] })
        XCTAssertEqual(verdicts(unscaled), [wrong, wrong], unscaled.renderTable())
    }

    func testASmallSlopeUnderAHugeOffsetIsNotPassedAsZero() throws {
        // f = 10⁸ + 10⁻⁴x₀: f′ = 10⁻⁴. A sample of f rounds to ulp(10⁸) ≈ 1.5·10⁻⁸, so steps below
        // about 10⁻⁴ see f flat, and a claimed 0 (the variable forgotten) matched central's 0.
        let f: ([Double]) -> Double = { x in 1e8 + 1e-4 * x[0] }
        let right = try checkBlackBoxGradient(of: f, at: [0.5], claimedGradient: { _ in [1e-4] })
        XCTAssertTrue(right.passed, right.renderTable())
        let twice = try checkBlackBoxGradient(of: f, at: [0.5], claimedGradient: { _ in [2e-4] })
        XCTAssertEqual(verdicts(twice), [wrong], twice.renderTable())
        let zero = try checkBlackBoxGradient(of: f, at: [0.5], claimedGradient: { _ in [0] })
        XCTAssertEqual(verdicts(zero), [wrong], zero.renderTable())
        // A claimed 0 where f is flat at the input's own scale too is still a pass (a saturated
        // clamp under the same offset).
        let flat: ([Double]) -> Double = { x in 1e8 + Swift.min(Swift.max(x[0], 0), 1) }
        let saturated = try checkBlackBoxGradient(of: flat, at: [3], claimedGradient: { _ in [0] })
        XCTAssertTrue(saturated.passed, saturated.renderTable())
    }

    // MARK: Float

    func testFloatModelInFloatAndAFloatGradientAgainstDoubleCode() throws {
        // L(w) = Σ (w₀xᵢ + w₁ − yᵢ)²: ∇L = Σ 2rᵢ(xᵢ, 1).
        let xs: [Float] = [0.5, 1.0, 1.5, 2.0], ys: [Float] = [1.1, 1.9, 3.2, 3.9]
        let loss: ([Float]) -> Float = { w in zip(xs, ys).reduce(Float(0)) { s, p in let r = w[0] * p.0 + w[1] - p.1; return s + r * r } }
        let grad: ([Float]) -> [Float] = { w in
            zip(xs, ys).reduce([Float(0), 0]) { g, p in let r = w[0] * p.0 + w[1] - p.1; return [g[0] + 2 * r * p.0, g[1] + 2 * r] }
        }
        let w: [Float] = [1.7, 0.3]
        XCTAssertTrue(try checkBlackBoxGradient(of: loss, at: w, claimedGradient: grad).passed)
        let sign = try checkBlackBoxGradient(of: loss, at: w, claimedGradient: { w in let g = grad(w); return [g[0], -g[1]] })
        XCTAssertEqual(verdicts(sign), [.agree, wrong], sign.renderTable())
        // The same model in Double checked against the Float gradient: 4·10⁻⁷ off, a real gap at
        // Double's precision; the report says how small it is and where such gaps come from.
        let lossD: ([Double]) -> Double = { w in
            zip(xs, ys).reduce(0.0) { s, p in let r = w[0] * Double(p.0) + w[1] - Double(p.1); return s + r * r }
        }
        let mixed = try checkBlackBoxGradient(of: lossD, at: [1.7, 0.3], claimedGradient: { w in grad(w.map { Float($0) }).map { Double($0) } })
        XCTAssertEqual(verdicts(mixed), [wrong, wrong], mixed.renderTable())
        XCTAssertTrue(mixed.notes.contains { $0.contains("Float") && $0.contains("rtol") }, mixed.renderTable())
        // A wrong formula gets no such note: the sign slip above is off by 200 %.
        XCTAssertTrue(sign.smallGaps.isEmpty, sign.renderTable())
    }

    // MARK: Jacobian, VJP and JVP of a small map

    let map: ([Double]) -> [Double] = { x in [x[0] * x[1], x[1] * x[1] * x[2], sin(x[0]) * x[2]] }
    /// J by hand: [[x₁, x₀, 0], [0, 2x₁x₂, x₁²], [cos(x₀)x₂, 0, sin x₀]].
    func mapJacobian(_ x: [Double]) -> [[Double]] {
        [[x[1], x[0], 0], [0, 2 * x[1] * x[2], x[1] * x[1]], [cos(x[0]) * x[2], 0, sin(x[0])]]
    }

    func testTransposedJacobianIsWrongOffTheDiagonal() throws {
        let x = [0.4, -1.3, 2.2]
        XCTAssertTrue(try checkBlackBoxJacobian(of: map, at: x, claimed: mapJacobian).passed)
        let t = try checkBlackBoxJacobian(of: map, at: x, claimed: { x in let j = self.mapJacobian(x); return (0..<3).map { i in (0..<3).map { j[$0][i] } } })
        for e in t.entries.joined() {
            XCTAssertEqual(e.verdict, e.output == e.input ? .agree : wrong, "(\(e.output), \(e.input))\n" + t.renderTable())
        }
    }

    func testVJPWrittenAsJTimesUIsWrongEvenWhereAnOutputIgnoresAnInput() throws {
        // uᵀJ at x = (0.4, −1.3, 2.2), u = (0.5, −1, 2): J has structural zeros (output 1 ignores
        // x₀, output 2 ignores x₁), so an output's difference along such an input is exactly flat.
        // uᵀJ = (0.5x₁ + 2cos(x₀)x₂, 0.5x₀ − 2x₁x₂, −x₁² + 2 sin x₀); J·u is the transposed slip.
        let x = [0.4, -1.3, 2.2], u = [0.5, -1.0, 2.0]
        let uj = [0.5 * x[1] + 2 * cos(x[0]) * x[2], 0.5 * x[0] - 2 * x[1] * x[2], -x[1] * x[1] + 2 * sin(x[0])]
        let right = try checkBlackBoxVJP(of: map, at: x, cotangent: u, claimed: { _, _ in uj })
        XCTAssertTrue(right.passed, right.renderTable())
        let ju = try checkBlackBoxVJP(of: map, at: x, cotangent: u, claimed: { x, u in
            let j = self.mapJacobian(x)
            return (0..<3).map { k in (0..<3).reduce(0) { $0 + j[k][$1] * u[$1] } }
        })
        XCTAssertEqual(verdicts(ju), [wrong, wrong, wrong], ju.renderTable())
        // The JVP along u with the VJP's formula is wrong too.
        let jv = try checkBlackBoxJVP(of: map, at: x, direction: u, claimed: { _, _ in uj })
        XCTAssertEqual(verdicts(jv), [wrong, wrong, wrong], jv.renderTable())
    }

    // MARK: Bad input

    func testBadInputIsAnErrorOrAReasonNeverACrash() throws {
        // f whose output count changes across the point: no trap, not passed.
        let varying: ([Double]) -> [Double] = { x in x[0] > 1 ? [x[0], x[0] * x[0]] : [x[0]] }
        let changed = try checkBlackBoxJacobian(of: varying, at: [1], claimed: { _ in [[1]] })
        XCTAssertFalse(changed.passed)
        // Said as what it is, not as a non-finite difference: 1 output at x, 2 beyond x = 1.
        guard case .dimensionMismatch(_, let expected, let got)? = changed.problem else {
            return XCTFail("expected a dimension mismatch:\n" + changed.renderTable())
        }
        XCTAssertEqual([expected, got], [1, 2])
        XCTAssertTrue(changed.renderTable().contains("outputs of f"), changed.renderTable())
        XCTAssertFalse(try checkBlackBoxGradient(of: { (_: [Double]) in 1.0 }, at: [], claimedGradient: { _ in [] }).passed)
        let nan = try checkBlackBoxGradient(of: { (x: [Double]) in x[0] * x[0] }, at: [1], claimedGradient: { _ in [.nan] })
        XCTAssertEqual(verdicts(nan), [.nonFinite(subjects: ["claimed"])])
        XCTAssertThrowsError(try checkBlackBoxVJP(of: map, at: [0.4, -1.3, 2.2], cotangent: [1], claimed: { _, _ in [0, 0, 0] })) { e in
            guard case ADError.dimensionMismatch = e else { return XCTFail("\(e)") }
        }
        XCTAssertThrowsError(try checkBlackBoxGradient(of: { (x: [Double]) in x[0] + x[1] }, at: [1, 2], claimedGradient: { _ in [1] })) { e in
            guard case ADError.dimensionMismatch = e else { return XCTFail("\(e)") }
        }
        let overflow = try checkBlackBoxGradient(of: { (x: [Double]) in x[0] * x[0] }, at: [1e300], claimedGradient: { x in [2 * x[0]] })
        XCTAssertNotNil(overflow.problem)
    }
}
