import XCTest
import AdjointCore
@testable import AdjointCheck
#if canImport(Glibc)
import Glibc
#endif

/// Finite differences and complex step against hand-derived derivatives.
final class DifferencesTests: XCTestCase {
    func fractions(_ s: Stencil) -> [String] { s.exactWeights.map { "\($0.numerator)/\($0.denominator)" } }

    func testStencilWeightsMatchTextbookTables() {
        // Fornberg (1988), Table 1, first derivative: central 2nd, 4th and 6th order, and the
        // one-sided 2nd-order formulas (−3/2, 2, −1/2).
        XCTAssertEqual(fractions(StencilMethod.forward.stencil), ["-1/1", "1/1"])
        XCTAssertEqual(fractions(StencilMethod.backward.stencil), ["-1/1", "1/1"])
        XCTAssertEqual(fractions(StencilMethod.central.stencil), ["-1/2", "0/1", "1/2"])
        XCTAssertEqual(fractions(StencilMethod.central4.stencil), ["1/12", "-2/3", "0/1", "2/3", "-1/12"])
        XCTAssertEqual(fractions(StencilMethod.central6.stencil), ["-1/60", "3/20", "-3/4", "0/1", "3/4", "-3/20", "1/60"])
        XCTAssertEqual(fractions(Stencil.rightSided), ["-3/2", "2/1", "-1/2"])
        // Second derivative, central: (1, −2, 1).
        XCTAssertEqual(Stencil(derivative: 2, offsets: [-1, 0, 1]).map(fractions), ["1/1", "-2/1", "1/1"])
        XCTAssertNil(Stencil(derivative: 1, offsets: [1, 1]))
        // 9-point central, 8th order: (1/280, −4/105, 1/5, −4/5, 0, 4/5, −1/5, 4/105, −1/280).
        XCTAssertEqual(Stencil.central(order: 8).exactWeights.map { "\($0.numerator)/\($0.denominator)" },
                       ["1/280", "-4/105", "1/5", "-4/5", "0/1", "4/5", "-1/5", "4/105", "-1/280"])
        // Wide, lopsided offsets: either a valid stencil or nil, never an overflow trap.
        for d in 0...8 {
            if let s = Stencil(derivative: d, offsets: [-6, -5, -3, -1, 0, 2, 4, 5, 6]) {
                XCTAssertEqual(s.derivative, d)
            }
        }
    }

    func testStencilOrdersAndTruncationConstants() {
        // Taylor: (f(x+h) − f(x))/h = f′ + h/2 f″; central = f′ + h²/6 f‴;
        // 5-point = f′ − h⁴/30 f⁽⁵⁾; 7-point = f′ + h⁶/140 f⁽⁷⁾.
        let cases: [(StencilMethod, Int, Double)] = [(.forward, 1, 1.0 / 2), (.backward, 1, -1.0 / 2),
                                                     (.central, 2, 1.0 / 6), (.central4, 4, -1.0 / 30),
                                                     (.central6, 6, 1.0 / 140)]
        for (m, p, c) in cases {
            XCTAssertEqual(m.stencil.order, p, "\(m)")
            XCTAssertEqual(m.stencil.truncationConstant, c, accuracy: 1e-15, "\(m)")
        }
    }

    func testDefaultStepConstants() {
        // c_p = (noise·Σ|w| / (p·|C|))^{1/(p+1)} with noise = 2:
        // forward: Σ|w| = 2, C = 1/2, p = 1 → √8; central: Σ|w| = 1, C = 1/6, p = 2 → 6^{1/3}.
        XCTAssertEqual(DifferenceTuning.stepConstant(for: .forward), 8.0.squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(DifferenceTuning.stepConstant(for: .central), cbrt(6.0), accuracy: 1e-12)
    }

    func testTextbookGradientsByRichardsonAndAdaptiveWithin1e9() throws {
        // ∇[(x1 + x2)x3 − x4] at (5, 4, 3, 2) = (x3, x3, x1 + x2, −1) = (3, 3, 9, −1).
        // ∇[ln x1 + x1x2 − sin x2] at (2, 5) = (1/x1 + x2, x1 − cos x2) = (5.5, 2 − cos 5).
        // Polar (r cos θ, r sin θ) at (2, 0.5): [[cos θ, −r sin θ], [sin θ, r cos θ]].
        let cases: [(any ADFunction, [Double], [[Double]])] = [
            (SumTimesMinus(), [5, 4, 3, 2], [[3, 3, 9, -1]]),
            (LogProductSin(), [2, 5], [[5.5, 2 - cos(5.0)]]),
            (Polar(), [2, 0.5], [[cos(0.5), -2 * sin(0.5)], [sin(0.5), 2 * cos(0.5)]]),
        ]
        for method in [DifferenceMethod.richardson, .adaptive] {
            for (f, x, expected) in cases {
                let d = try differenceJacobian(of: f, at: x, method: method)
                for (i, row) in expected.enumerated() {
                    for (j, e) in row.enumerated() {
                        let got = d.jacobian[i][j]
                        XCTAssertLessThanOrEqual(abs(got - e) / max(abs(e), 1e-300), 1e-9,
                                                 "\(method) \(type(of: f)) [\(i)][\(j)]: \(got) vs \(e)")
                        // The reported error estimate must cover the actual error.
                        XCTAssertLessThanOrEqual(abs(got - e), 4 * d.entries[i][j].errorEstimate + 1e-15,
                                                 "\(method) estimate too optimistic at [\(i)][\(j)]")
                    }
                }
            }
        }
    }

    func testComplexStepReaches1e14WithTinyStep() throws {
        // d/dx eˣ sin x = eˣ(sin x + cos x).
        let x = 1.3
        let exact = exp(x) * (sin(x) + cos(x))
        let d = try differenceJacobian(of: ExpSin(), at: [x], method: .complexStep)
        // The step is 1e-20·|x| rounded to a power of two: within a factor √2 of 1.3e-20.
        let h = d.entries[0][0].step
        XCTAssertEqual(h, h.nearestPowerOfTwo)
        XCTAssertLessThanOrEqual(abs(log2(h / (1e-20 * x))), 0.5)
        XCTAssertLessThanOrEqual(abs(d.jacobian[0][0] - exact) / abs(exact), 1e-14)
    }

    func testComplexStepScalesWithTinyX() throws {
        // d/dx √x = 1/(2√x): 5e149 at x = 1e-300. An absolute h = 1e-20 ≫ x differences across the
        // branch point and returned ≈ 1/√(2h) = 7.07e9.
        let x = 1e-300
        let exact = 0.5 / x.squareRoot()
        for step in [StepSize.automatic, .relative(1e-20)] {
            let e = try differenceJacobian(of: SqrtOnly(), at: [x], method: .complexStep, step: step).entries[0][0]
            XCTAssertEqual(e.warnings, [], "\(step)")
            XCTAssertLessThanOrEqual(abs(e.value - exact) / exact, 1e-14, "\(step): \(e.value)")
            XCTAssertLessThanOrEqual(e.step / x, 1e-10, "\(step): h = \(e.step) is not small next to x")
            XCTAssertLessThanOrEqual(e.errorEstimate, 1e-14 * exact, "\(step)")
        }
        // Float: d/dx √x at 1e-30 is 5e14; an absolute h = 1e-8 would again be ≫ x.
        let xf = Float(1e-30)
        let exactF = 0.5 / Double(xf).squareRoot()
        let f = try differenceJacobian(of: SqrtOnly(), at: [xf], method: .complexStep).entries[0][0]
        XCTAssertLessThanOrEqual(abs(f.value - exactF) / exactF, 1e-6, "\(f.value)")
    }

    func testComplexStepScalesWithHugeX() throws {
        // d/dx ln x = 1/x = 1e-300 at x = 1e300: with h = 1e-20, Im ln(x + ih) = atan2(h, x) = 1e-320
        // is subnormal (a few bits) or 0. d/dx √x = 1/(2√x) = 5e-151 at the same x.
        let x = 1e300
        let log = try differenceJacobian(of: LogOnly(), at: [x], method: .complexStep).entries[0][0]
        XCTAssertLessThanOrEqual(abs(log.value - 1 / x) / (1 / x), 1e-14, "\(log.value)")
        XCTAssertLessThanOrEqual(log.errorEstimate, 1e-14 / x)
        let sq = try differenceJacobian(of: SqrtOnly(), at: [x], method: .complexStep).entries[0][0]
        let exact = 0.5 / x.squareRoot()
        XCTAssertLessThanOrEqual(abs(sq.value - exact) / exact, 1e-14, "\(sq.value)")
    }

    func testComplexStepErrorEstimateTracksRelativeTruncation() throws {
        // Im √(x + ih)/h = √x·Im √(1 + it)/h with t = h/x, and Im √(1 + it) = t/2 + t³/16 + O(t⁵), so
        // D(h) = f′·(1 + t²/8 + O(t⁴)): a relative step t = 1e-3 (power-of-two rounded) costs about
        // t²/8 ≈ 1.25e-7, and D(h) − D(2h) = −3t²/8·f′ gives an estimate t²/8·f′ of that size.
        let x = 1e-300
        let exact = 0.5 / x.squareRoot()
        let e = try differenceJacobian(of: SqrtOnly(), at: [x], method: .complexStep, step: .relative(1e-3)).entries[0][0]
        let t = e.step / x
        XCTAssertLessThanOrEqual(abs(log2(t / 1e-3)), 0.5, "h = \(e.step) is not 1e-3·x")
        let actual = abs(e.value - exact)
        XCTAssertEqual(actual / exact, t * t / 8, accuracy: 0.01 * t * t, "\(e.value)")
        // The next terms (7t⁴/128 in D(h)) make the estimate short of the error by O(t²) relative.
        XCTAssertGreaterThanOrEqual(e.errorEstimate, 0.9 * actual)
        XCTAssertLessThanOrEqual(e.errorEstimate, 2 * actual)
    }

    func testComplexStepNegativeBasePowiAndFullJacobian() throws {
        // f0 = sin x1·x2 + x1³, f1 = e^{x2}/x1 at (−1.7, 0.4):
        // ∂f0 = (x2 cos x1 + 3x1², sin x1), ∂f1 = (−e^{x2}/x1², e^{x2}/x1).
        let (a, b) = (-1.7, 0.4)
        let expected = [[b * cos(a) + 3 * a * a, sin(a)], [-exp(b) / (a * a), exp(b) / a]]
        let d = try differenceJacobian(of: SinPoly(), at: [a, b], method: .complexStep)
        for i in 0..<2 { for j in 0..<2 {
            XCTAssertLessThanOrEqual(abs(d.jacobian[i][j] - expected[i][j]) / abs(expected[i][j]), 1e-14, "[\(i)][\(j)]")
        } }
    }

    func testComplexStepNamesUnsupportedOp() throws {
        let d = try differenceJacobian(of: GeluProduct(), at: [0.5, 2.0], method: .complexStep)
        XCTAssertEqual(d.unsupported, .unsupported(op: "gelu", scalarType: "Complex<Double>", node: nil))
        XCTAssertTrue(d.entries[0][0].warnings.contains(.unsupportedOp))
        XCTAssertTrue(d.entries[0][0].value.isNaN)
    }

    /// |x₁|·x₂ is analytic on each side of x₁ = 0, and the complex step continues the side the
    /// point is on: ∇ = (sign(x₁)·x₂, |x₁|) by hand, exactly. At x₁ = 0 there is no continuation
    /// and the op is refused there, named with its kink (before, abs was refused everywhere).
    func testComplexStepContinuesAKinkedOpAwayFromItsKink() throws {
        for (x1, x2) in [(0.5, 2.0), (-0.75, 3.0), (1e-8, -2.0)] {
            let d = try differenceJacobian(of: Abs(), at: [x1, x2], method: .complexStep)
            XCTAssertNil(d.unsupported)
            XCTAssertEqual(d.jacobian[0][0], x1 < 0 ? -x2 : x2)
            XCTAssertEqual(d.jacobian[0][1], Swift.abs(x1))
        }
        let atKink = try differenceJacobian(of: Abs(), at: [0.0, 2.0], method: .complexStep)
        XCTAssertEqual(atKink.unsupported, .unsupported(op: "abs at its kink (x = 0)", scalarType: "Complex<Double>", node: nil))
        XCTAssertTrue(atKink.entries[0][0].value.isNaN)
    }

    func testJVPByDirectionalDifference() throws {
        // Polar at (2, 0.5) along (1, 1): J·v = (cos θ − r sin θ, sin θ + r cos θ).
        let (r, t) = (2.0, 0.5)
        let e = [cos(t) - r * sin(t), sin(t) + r * cos(t)]
        let jv = try differenceJVP(of: Polar(), at: [r, t], direction: [1, 1], method: .central4)
        for i in 0..<2 { XCTAssertEqual(jv[i].value, e[i], accuracy: 1e-10) }
        XCTAssertThrowsError(try differenceJVP(of: Polar(), at: [r, t], direction: [1]))
    }

    func testFixedStencilsAtDefaultStepAreAccurate() throws {
        // d/dx eˣ sin x at 0.7, hand-derived; error bounds are the theoretical optimum ε^{p/(p+1)}
        // times a small factor.
        let x = 0.7
        let exact = exp(x) * (sin(x) + cos(x))
        let bounds: [(DifferenceMethod, Double)] = [(.forward, 1e-7), (.backward, 1e-7), (.central, 1e-9),
                                                    (.central4, 1e-11), (.central6, 1e-12)]
        for (m, bound) in bounds {
            let d = try differenceJacobian(of: ExpSin(), at: [x], method: m)
            XCTAssertLessThanOrEqual(abs(d.jacobian[0][0] - exact) / exact, bound, "\(m)")
            XCTAssertLessThanOrEqual(abs(d.jacobian[0][0] - exact), 4 * d.entries[0][0].errorEstimate, "\(m) estimate")
        }
    }

    func testFloatUsesFloatEpsilonForSteps() throws {
        // Float central step: 6^{1/3}·ε_F^{1/3} ≈ 1.82·4.9e-3 ≈ 9e-3 → nearest power of two 2⁻⁷.
        // With Double's ε it would be ≈ 1.1e-5: the check must never use that for Float.
        let d = try differenceJacobian(of: ExpSin(), at: [Float(0.7)], method: .central)
        XCTAssertEqual(d.entries[0][0].step, 0.0078125)
        let exact = Float(exp(0.7) * (sin(0.7) + cos(0.7)))
        XCTAssertLessThanOrEqual(abs(d.jacobian[0][0] - exact) / exact, 1e-4)
    }

    func testFloatStepBelowULPIsFlagged() throws {
        // ulp(1000 as Float) = 2⁻¹³ ≈ 6.1e-5 > 1e-5: x + h rounds to x.
        let d = try differenceJacobian(of: ExpSin(), at: [Float(1000)], method: .central, step: .absolute(1e-5))
        XCTAssertTrue(d.entries[0][0].warnings.contains(.stepBelowULP))
    }

    func testEmptyInputGivesEmptyColumns() throws {
        let d = try differenceJacobian(of: NoInputs(), at: [Double](), method: .richardson)
        XCTAssertEqual(d.value, [3])
        XCTAssertEqual(d.jacobian, [[]])
    }

    func testInvalidStepIsATypedError() {
        XCTAssertThrowsError(try differenceJacobian(of: ExpSin(), at: [1.0], step: .absolute(-1))) { e in
            guard case ADError.invalidArgument = e else { return XCTFail("\(e)") }
        }
    }
}

extension DifferencesTests {
    /// Every sample of a difference or complex step is an evaluation of f; the drivers' own
    /// `evaluations` (f(x) included, which the tape's recording provides) is the reference.
    func testDifferenceEvaluationsAreCounted() throws {
        let x = [0.7, 1.3, -0.4]
        for method in [DifferenceMethod.central, .complexStep, .adaptive] {
            let (d, counts) = try measureOperations { try differenceJacobian(of: SinPoly3(), at: x, method: method) }
            XCTAssertEqual(counts.functionEvaluations, d.evaluations, "\(method)")
            // The complex step vouches for all columns from n + 1 evaluations, by its design, and
            // bounds the rounding inside f from one recording of f on duals per 8 columns.
            if method == .complexStep { XCTAssertEqual(counts.functionEvaluations, x.count + 1 + 1) }
        }
        let (d, counts) = try measureOperations { try differenceJacobian(evaluating: { (x: [Double]) in [x[0] * x[1], x[2]] }, at: x) }
        XCTAssertEqual(counts.functionEvaluations, d.evaluations)
    }
}

private struct SinPoly3: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.sin(x[0]) * x[1] + x[2] * x[2], T.exp(x[1]) * x[0]] }
}
