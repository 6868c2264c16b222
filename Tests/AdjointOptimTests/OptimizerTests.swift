import AdjointCore
import AdjointLinalg
import AdjointOptim
import XCTest

/// Each rule against steps worked by hand from its update formula (UpdateRule's doc comment).
/// Where a square root is irrational the digits come from a calculator, to 1e-9.
final class OptimizerTests: XCTestCase {
    func testGradientDescent() throws {
        // θ − η·g with η = 0.1: 1 − 0.05 = 0.95, −2 + 0.05 = −1.95.
        var opt = try Optimizer<Double>(.gradientDescent(learningRate: 0.1))
        var theta = [1.0, -2.0]
        try opt.step(&theta, gradient: [0.5, -0.5])
        XCTAssertEqual(theta[0], 0.95, accuracy: 1e-15)
        XCTAssertEqual(theta[1], -1.95, accuracy: 1e-15)
        XCTAssertEqual(opt.steps, 1)
    }

    func testMomentum() throws {
        // η = 0.1, β = 0.9, g = 2 twice: v₁ = 2, θ₁ = 1 − 0.2 = 0.8; v₂ = 0.9·2 + 2 = 3.8, θ₂ = 0.8 − 0.38 = 0.42.
        var opt = try Optimizer<Double>(.momentum(learningRate: 0.1, beta: 0.9))
        var theta = [1.0]
        try opt.step(&theta, gradient: [2])
        XCTAssertEqual(theta[0], 0.8, accuracy: 1e-15)
        try opt.step(&theta, gradient: [2])
        XCTAssertEqual(theta[0], 0.42, accuracy: 1e-15)
    }

    func testNesterov() throws {
        // η = 0.1, β = 0.9, g = 2 twice: v₁ = 2, θ₁ = 1 − 0.1·(2 + 0.9·2) = 0.62;
        // v₂ = 3.8, θ₂ = 0.62 − 0.1·(2 + 0.9·3.8) = 0.62 − 0.542 = 0.078.
        var opt = try Optimizer<Double>(.nesterov(learningRate: 0.1, beta: 0.9))
        var theta = [1.0]
        try opt.step(&theta, gradient: [2])
        XCTAssertEqual(theta[0], 0.62, accuracy: 1e-15)
        try opt.step(&theta, gradient: [2])
        XCTAssertEqual(theta[0], 0.078, accuracy: 1e-15)
    }

    func testAdagrad() throws {
        // η = 0.5, g = 3 then 4: s₁ = 9, θ₁ = 1 − 0.5·3/3 = 0.5; s₂ = 25, θ₂ = 0.5 − 0.5·4/5 = 0.1
        // (ε = 1e-8 moves each step by under 1e-8).
        var opt = try Optimizer<Double>(.adagrad(learningRate: 0.5))
        var theta = [1.0]
        try opt.step(&theta, gradient: [3])
        XCTAssertEqual(theta[0], 0.5, accuracy: 1e-8)
        try opt.step(&theta, gradient: [4])
        XCTAssertEqual(theta[0], 0.1, accuracy: 1e-8)
    }

    func testRMSProp() throws {
        // η = 0.1, ρ = 0.9, g = 2 twice: s₁ = 0.1·4 = 0.4, θ₁ = 1 − 0.2/√0.4 = 1 − 0.316227766 = 0.683772234;
        // s₂ = 0.9·0.4 + 0.4 = 0.76, θ₂ = θ₁ − 0.2/√0.76 = 0.683772234 − 0.229415734 = 0.454356500.
        // ε = 1e-8 in √s + ε shrinks each step by about η·g·ε/s = 0.2·1e-8/0.4 = 5e-9: hence 2e-8.
        var opt = try Optimizer<Double>(.rmsprop(learningRate: 0.1, decay: 0.9))
        var theta = [1.0]
        try opt.step(&theta, gradient: [2])
        XCTAssertEqual(theta[0], 0.683772234, accuracy: 2e-8)
        try opt.step(&theta, gradient: [2])
        XCTAssertEqual(theta[0], 0.454356500, accuracy: 2e-8)
    }

    func testAdam() throws {
        // η = 0.1, β₁ = 0.9, β₂ = 0.999. Step 1, g = 0.5: m = 0.05, v = 0.00025, m̂ = 0.05/0.1 = 0.5,
        // v̂ = 0.00025/0.001 = 0.25, θ₁ = 1 − 0.1·0.5/0.5 = 0.9 (Adam's first step is ±η).
        // Step 2, g = −1: m = 0.045 − 0.1 = −0.055, v = 0.00024975 + 0.001 = 0.00124975,
        // m̂ = −0.055/0.19 = −0.289473684, v̂ = 0.00124975/0.001999 = 0.625187594, √v̂ = 0.790688049,
        // θ₂ = 0.9 + 0.1·0.289473684/0.790688049 = 0.9 + 0.036610354 = 0.936610354.
        var opt = try Optimizer<Double>(.adam(learningRate: 0.1))
        var theta = [1.0]
        try opt.step(&theta, gradient: [0.5])
        XCTAssertEqual(theta[0], 0.9, accuracy: 1e-8)
        try opt.step(&theta, gradient: [-1])
        XCTAssertEqual(theta[0], 0.936610354, accuracy: 1e-8)
    }

    func testMatricesStepLikeTheirElements() throws {
        // Momentum on a 2×2 weight and a 1×2 bias: each element follows the scalar rule
        // (θ − 0.1·g on the first step, since v₁ = g).
        var opt = try Optimizer<Double>(.momentum(learningRate: 0.1))
        var params = [try Matrix([[1.0, 2.0], [3.0, 4.0]]), try Matrix([[0.5, -0.5]])]
        let grads = [try Matrix([[10.0, 0.0], [-10.0, 1.0]]), try Matrix([[1.0, 1.0]])]
        try opt.step(&params, gradients: grads)
        XCTAssertEqual(params[0], try Matrix([[0.0, 2.0], [4.0, 3.9]]))
        XCTAssertEqual(params[1].elements[0], 0.4, accuracy: 1e-15)
        XCTAssertEqual(params[1].elements[1], -0.6, accuracy: 1e-15)
        XCTAssertThrowsError(try opt.step(&params, gradients: [grads[0]]))
    }

    /// A review: a 2×3 parameter stepped as 3×2 (the same six elements) was accepted, its
    /// velocities applied to the elements now in those places. A matrix keeps its first step's
    /// rows and columns, as the type's doc says; so does a block first stepped as an array.
    func testAReshapedMatrixIsAShapeMismatch() throws {
        var opt = try Optimizer<Double>(.momentum(learningRate: 0.1, beta: 0.9))
        var wide = [try Matrix<Double>(rows: 2, cols: 3, elements: [1, 2, 3, 4, 5, 6])]
        try opt.step(&wide, gradients: [try Matrix<Double>(rows: 2, cols: 3, elements: [1, 0, 0, 0, 0, 0])])
        var tall = [try Matrix<Double>(rows: 3, cols: 2, elements: [1, 2, 3, 4, 5, 6])]
        XCTAssertThrowsError(try opt.step(&tall, gradients: [try Matrix<Double>(rows: 3, cols: 2, elements: [0, 0, 0, 0, 0, 0])])) {
            XCTAssertEqual($0 as? OptimizerError, .shapeMismatch("block shapes [3×2] differ from the first step's [2×3]"))
        }
        XCTAssertEqual(tall[0].elements, [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(opt.steps, 1)
        // The 2×3 layout goes on with its state. By hand: v₁ = g₁ = 1, θ₁ = 1 − 0.1 = 0.9;
        // with g₂ = 0, v₂ = 0.9·1 and θ₂ = 0.9 − 0.1·0.9 = 0.81.
        try opt.step(&wide, gradients: [try Matrix<Double>(rows: 2, cols: 3, elements: [0, 0, 0, 0, 0, 0])])
        XCTAssertEqual(wide[0].elements[0], 0.81, accuracy: 1e-15)
        var flat = [[1.0, 2, 3, 4, 5, 6]]
        XCTAssertThrowsError(try opt.step(&flat, gradients: [[0, 0, 0, 0, 0, 0]])) {
            XCTAssertEqual($0 as? OptimizerError, .shapeMismatch("block shapes [6] differ from the first step's [2×3]"))
        }
    }

    func testBadInputIsATypedErrorAndLeavesParametersAlone() throws {
        XCTAssertThrowsError(try Optimizer<Double>(.gradientDescent(learningRate: 0))) {
            XCTAssertEqual($0 as? OptimizerError, .invalidHyperparameter("learning rate must be finite and > 0, got 0.0"))
        }
        XCTAssertThrowsError(try Optimizer<Double>(.adam(learningRate: 0.1, beta1: 1)))
        XCTAssertThrowsError(try Optimizer<Double>(.rmsprop(learningRate: 0.1, decay: -0.1)))
        var opt = try Optimizer<Double>(.adam(learningRate: 0.1))
        var theta = [1.0, 2.0]
        XCTAssertThrowsError(try opt.step(&theta, gradient: [0, .nan])) {
            XCTAssertEqual($0 as? OptimizerError, .nonFiniteGradient(block: 0, index: 1))
        }
        XCTAssertThrowsError(try opt.step(&theta, gradient: [.infinity, 0]))
        XCTAssertThrowsError(try opt.step(&theta, gradient: [1])) {
            guard case .shapeMismatch = $0 as? OptimizerError else { return XCTFail("\($0)") }
        }
        XCTAssertEqual(theta, [1, 2])
        XCTAssertEqual(opt.steps, 0)
    }

    /// A parameter that is NaN or infinite before the step is named as such. It was reported as
    /// `nonFiniteUpdate(… "parameter nan")`, "the step would make the parameter nan … scale the
    /// loss down or clip the gradient": advice that cannot help, for a value the step did not make.
    func testANonFiniteParameterIsReportedAsTheParameterNotAsTheStep() throws {
        var opt = try Optimizer<Double>(.adam(learningRate: 0.1))
        var blocks: [[Double]] = [[1, 2], [3, .nan]]
        XCTAssertThrowsError(try opt.step(&blocks, gradients: [[1, 1], [1, 1]])) {
            XCTAssertEqual($0 as? OptimizerError, .nonFiniteParameter(block: 1, index: 1, value: "nan"))
            XCTAssertTrue("\($0)".contains("before the step"), "\($0)")
        }
        XCTAssertEqual(blocks[0], [1, 2])
        XCTAssertEqual(opt.steps, 0)
        var gd = try Optimizer<Float>(.gradientDescent(learningRate: 1))
        var w: [Float] = [-.infinity]
        XCTAssertThrowsError(try gd.step(&w, gradient: [0])) {
            XCTAssertEqual($0 as? OptimizerError, .nonFiniteParameter(block: 0, index: 0, value: "-inf"))
        }
    }

    /// A finite gradient whose square or running sum overflows: the step is refused with a typed
    /// error and nothing changes (not a parameter frozen by an infinite accumulator, nor −∞).
    func testOverflowingUpdateIsRefusedAndLeavesEverythingAlone() throws {
        // Adagrad, g = 1e160: s = g² = 1e320 is past Double's 1.8e308. Committed, θ − η·g/√∞ kept
        // θ = 1 on this step and every later one. After the refusal the state is still s = 0, so
        // g = 3 gives s = 9, θ = 1 − 0.1·3/3 = 0.9.
        var adagrad = try Optimizer<Double>(.adagrad(learningRate: 0.1))
        var theta = [1.0]
        XCTAssertThrowsError(try adagrad.step(&theta, gradient: [1e160])) {
            XCTAssertEqual($0 as? OptimizerError, .nonFiniteUpdate(block: 0, index: 0, what: "sum of squared gradients inf"))
        }
        XCTAssertEqual(theta, [1])
        XCTAssertEqual(adagrad.steps, 0)
        try adagrad.step(&theta, gradient: [3])
        XCTAssertEqual(theta[0], 0.9, accuracy: 1e-8)

        // Momentum, g = 1.7e308 twice: v₁ = g, θ₁ = 1 − 0.1·1.7e308 = −1.7e307; v₂ = 0.9·g + g =
        // 3.23e308 overflows, and θ₂ was −∞ with no error.
        var momentum = try Optimizer<Double>(.momentum(learningRate: 0.1, beta: 0.9))
        theta = [1]
        try momentum.step(&theta, gradient: [1.7e308])
        XCTAssertEqual(theta[0], -1.7e307, accuracy: 1.7e307 * 1e-15)
        XCTAssertThrowsError(try momentum.step(&theta, gradient: [1.7e308])) {
            XCTAssertEqual($0 as? OptimizerError, .nonFiniteUpdate(block: 0, index: 0, what: "velocity inf"))
        }
        XCTAssertEqual(theta[0], -1.7e307, accuracy: 1.7e307 * 1e-15)
        XCTAssertEqual(momentum.steps, 1)

        // Nesterov overflows one step earlier: v₁ = g is finite, but g + β·v₁ = 1.9·1.7e308 is
        // not, so θ₁ would be −∞. RMSProp's 0.1·g² and Adam's 0.001·g² overflow at g = 1e160.
        var nesterov = try Optimizer<Double>(.nesterov(learningRate: 0.1, beta: 0.9))
        theta = [1]
        XCTAssertThrowsError(try nesterov.step(&theta, gradient: [1.7e308])) {
            XCTAssertEqual($0 as? OptimizerError, .nonFiniteUpdate(block: 0, index: 0, what: "parameter -inf"))
        }
        XCTAssertEqual(theta, [1])
        var rmsprop = try Optimizer<Double>(.rmsprop(learningRate: 0.1))
        XCTAssertThrowsError(try rmsprop.step(&theta, gradient: [1e160])) {
            XCTAssertEqual($0 as? OptimizerError, .nonFiniteUpdate(block: 0, index: 0, what: "mean squared gradient inf"))
        }
        var adam = try Optimizer<Double>(.adam(learningRate: 0.1))
        XCTAssertThrowsError(try adam.step(&theta, gradient: [1e160])) {
            XCTAssertEqual($0 as? OptimizerError, .nonFiniteUpdate(block: 0, index: 0, what: "second moment inf"))
        }

        // Gradient descent has no state: θ − η·g = −1.7e308 − 1e308 leaves the range. The first
        // block is fine, the second is not, and neither is written.
        var gd = try Optimizer<Double>(.gradientDescent(learningRate: 1))
        var blocks = [[1.0], [-1.7e308]]
        XCTAssertThrowsError(try gd.step(&blocks, gradients: [[1], [1e308]])) {
            XCTAssertEqual($0 as? OptimizerError, .nonFiniteUpdate(block: 1, index: 0, what: "parameter -inf"))
        }
        XCTAssertEqual(blocks, [[1.0], [-1.7e308]])
    }

    /// A refused first step takes nothing, the shapes included: the corrected call may use other
    /// blocks. The refused step (a NaN parameter, or an update that overflows) fixed the shapes
    /// [2], and the next call with [3] was a shape mismatch from an optimizer that had taken no
    /// step. By hand, momentum's first step is v = g, θ − η·g: [1, 2, 3] − 0.1·[1, 2, 4] = [0.9, 1.8, 2.6].
    func testARefusedFirstStepLeavesTheShapesOpen() throws {
        let refusedSteps: [(parameters: [Double], gradient: [Double])] = [([.nan, 1], [1, 1]), ([-1.7e308, 1], [1e308, 1])]
        for refused in refusedSteps {
            var opt = try Optimizer<Double>(.momentum(learningRate: 0.1, beta: 0.9))
            var theta = refused.parameters
            XCTAssertThrowsError(try opt.step(&theta, gradient: refused.gradient))
            XCTAssertEqual(opt.steps, 0)
            var w = [1.0, 2, 3]
            XCTAssertNoThrow(try opt.step(&w, gradient: [1, 2, 4]), "after \(refused)")
            let byHand: [Double] = [1 - 0.1 * 1, 2 - 0.1 * 2, 3 - 0.1 * 4]
            XCTAssertEqual(w, byHand)
            // and the shapes are now fixed by that accepted step
            var other = [1.0]
            XCTAssertThrowsError(try opt.step(&other, gradient: [1])) {
                XCTAssertEqual($0 as? OptimizerError, .shapeMismatch("block shapes [1] differ from the first step's [3]"))
            }
            // the state was zero before the accepted step: a second step is v = 0.9·g₁ + g₂
            try opt.step(&w, gradient: [0, 0, 0])
            let second: Double = 3 - 0.1 * 4 - 0.1 * 0.9 * 4
            XCTAssertEqual(w[2], second, accuracy: 1e-15)
        }
    }

    func testFloatAdamTakesItsFirstStepOfEtaForAHugeGradient() throws {
        // Adam's first step is η·g/(|g| + ε) = ±η whatever the size of g (m̂ = g, √v̂ = |g|): with
        // g = 1e20, θ₁ = 1 − 0.1 = 0.9. In Float v = 0.001·g² ≈ 1e37 fits but v̂ = v/0.001 ≈ 1e40
        // does not; computed as √(v/c₂) the step was m̂/∞ = 0 and θ stayed 1 for good.
        // Step 2, g = 1: m = 0.9·1e19 + 0.1 = 9e18, v = 0.999·1e37 + 0.001 = 9.99e36,
        // m̂ = 9e18/0.19 = 4.7368421e19, √v̂ = √(9.99e36/0.001999) = √(4.9974987e39) = 7.0692989e19,
        // θ₂ = 0.9 − 0.1·0.6700583 = 0.8329942 (a calculator); Float rounds each moment to 6e-8 relative.
        var opt = try Optimizer<Float>(.adam(learningRate: 0.1))
        var theta: [Float] = [1]
        try opt.step(&theta, gradient: [1e20])
        XCTAssertEqual(theta[0], 0.9, accuracy: 1e-6)
        try opt.step(&theta, gradient: [1])
        XCTAssertEqual(theta[0], 0.8329942, accuracy: 1e-5)
    }

    /// A review: g² underflowed, so with a small ε Adam, RMSProp and Adagrad divided by ε alone
    /// and took huge steps with no error (Float Adam, ε = 1e-30, g = 1e-22: θ = −10⁷). By hand from
    /// each formula (m̂ = g and √v̂ = |g| on Adam's first step): Adam and Adagrad move by
    /// η·g/(|g| + ε) = −0.1/(1 + ε/|g|), RMSProp by η·g/(√0.1·|g| + ε) = −0.1/√0.1 = −0.316227766.
    /// In Double within two ulps of 0.1 (2.8e-17): m̂ and √v̂ each carry a rounding.
    func testATinyGradientWithATinyEpsilonTakesTheFormulasStep() throws {
        func first<S: BinaryFloatingPoint & Sendable>(_ rule: UpdateRule<S>, _ g: S) throws -> S {
            var opt = try Optimizer<S>(rule)
            var theta: [S] = [0]
            try opt.step(&theta, gradient: [g])
            return theta[0]
        }
        XCTAssertEqual(try first(UpdateRule<Float>.adam(learningRate: 0.1, epsilon: 1e-30), 1e-22), -0.1 / (1 + 1e-8), accuracy: 1e-8)
        XCTAssertEqual(try first(UpdateRule<Double>.adam(learningRate: 0.1, epsilon: 1e-300), 1e-170), -0.1, accuracy: 3e-17)
        XCTAssertEqual(try first(UpdateRule<Float>.adagrad(learningRate: 0.1, epsilon: 1e-30), 1e-24), -0.1 / (1 + 1e-6), accuracy: 1e-8)
        XCTAssertEqual(try first(UpdateRule<Float>.rmsprop(learningRate: 0.1, decay: 0.9, epsilon: 1e-30), 1e-22), -0.316227766, accuracy: 1e-7)
        // A gradient beyond √(greatest finite) no longer overflows v there: Adam's first step is −η.
        XCTAssertEqual(try first(UpdateRule<Double>.adam(learningRate: 0.1, epsilon: 1e-300), 1e200), -0.1, accuracy: 3e-17)
    }

    /// Many steps with a tiny ε over gradients from 1e-40 to 1e30 (Float) against the formulas
    /// computed in Float80, whose range holds every g² here, with Adam's bias corrections from
    /// `pow` rather than the optimizer's running products.
    func testTinyEpsilonRulesFollowAWideReferenceOverManySteps() throws {
        func gradients(_ scale: Float80, _ t: Int) -> Float80 {
            let magnitudes: [Float80] = [1e-40, 1e-30, 1e-22, 1e-12, 1, 1e10, 1e30]
            return (t % 3 == 0 ? -1 : 1) * magnitudes[(t * 5) % magnitudes.count] * (1 + 0.25 * Float80(t % 4)) * scale
        }
        func reference(_ rule: String, eps: Float80, scale: Float80, steps: Int) -> Float80 {
            let lr: Float80 = 0.01, b1: Float80 = 0.9, b2: Float80 = 0.999, rho: Float80 = 0.9
            var theta: Float80 = 0, m: Float80 = 0, v: Float80 = 0
            for t in 1...steps {
                let g = gradients(scale, t)
                switch rule {
                case "adagrad": v += g * g; theta -= lr * g / (v.squareRoot() + eps)
                case "rmsprop": v = rho * v + (1 - rho) * g * g; theta -= lr * g / (v.squareRoot() + eps)
                default:
                    m = b1 * m + (1 - b1) * g; v = b2 * v + (1 - b2) * g * g
                    let mHat = m / (1 - pow(b1, Float80(t))), vHat = v / (1 - pow(b2, Float80(t)))
                    theta -= lr * mHat / (vHat.squareRoot() + eps)
                }
            }
            return theta
        }
        func run<S: BinaryFloatingPoint & Sendable>(_ rule: UpdateRule<S>, scale: Float80, steps: Int) throws -> S {
            var opt = try Optimizer<S>(rule)
            var theta: [S] = [0]
            for t in 1...steps { try opt.step(&theta, gradient: [S(gradients(scale, t))]) }
            return theta[0]
        }
        let steps = 60
        for (name, rule) in [("adagrad", UpdateRule<Float>.adagrad(learningRate: 0.01, epsilon: 1e-30)),
                             ("rmsprop", .rmsprop(learningRate: 0.01, decay: 0.9, epsilon: 1e-30)),
                             ("adam", .adam(learningRate: 0.01, epsilon: 1e-30))] {
            let expected = reference(name, eps: 1e-30, scale: 1, steps: steps)
            XCTAssertEqual(Float80(try run(rule, scale: 1, steps: steps)), expected, accuracy: 1e-5 * abs(expected), name)
        }
        // Double, scaled by 1e-200 so that every g² is below Double's range.
        for (name, rule) in [("adagrad", UpdateRule<Double>.adagrad(learningRate: 0.01, epsilon: 1e-300)),
                             ("rmsprop", .rmsprop(learningRate: 0.01, decay: 0.9, epsilon: 1e-300)),
                             ("adam", .adam(learningRate: 0.01, epsilon: 1e-300))] {
            let expected = reference(name, eps: 1e-300, scale: 1e-200, steps: steps)
            XCTAssertEqual(Float80(try run(rule, scale: 1e-200, steps: steps)), expected, accuracy: 1e-12 * abs(expected), name)
        }
    }

    /// Adam's first moment (1 − β₁)·g underflowed to 0 at Float's least subnormal gradient, so the
    /// step was 0 where Kingma & Ba's first step is −η·g/(|g| + ε) (m̂ = g, √v̂ = |g|):
    /// −0.1 · 2⁻¹⁴⁹ / (1e-30 + 2⁻¹⁴⁹) ≈ −1.4013e-16, by hand in Double. Then several steps of
    /// gradients near the bottom of Float's subnormals against the formula in Float80, fed the
    /// same Float gradients.
    func testAdamsFirstMomentKeepsASubnormalGradient() throws {
        let g = Float.leastNonzeroMagnitude
        var opt = try Optimizer<Float>(.adam(learningRate: 0.1, epsilon: 1e-30))
        var theta: [Float] = [0]
        try opt.step(&theta, gradient: [g])
        let expected = -0.1 * Double(g) / (1e-30 + Double(g))
        XCTAssertEqual(Double(theta[0]), expected, accuracy: 1e-6 * abs(expected))

        let gradients: [Float] = [g, -3 * g, 2 * g, 1e-44, -g, 5 * g, 7e-45, -2 * g]
        var m: Float80 = 0, v: Float80 = 0, reference: Float80 = 0
        var run = try Optimizer<Float>(.adam(learningRate: 0.01, epsilon: 1e-30))
        var p: [Float] = [0]
        for (t, gf) in gradients.enumerated() {
            try run.step(&p, gradient: [gf])
            let x = Float80(gf)
            m = 0.9 * m + 0.1 * x; v = 0.999 * v + 0.001 * x * x
            let mHat = m / (1 - pow(0.9, Float80(t + 1))), vHat = v / (1 - pow(0.999, Float80(t + 1)))
            reference -= 0.01 * mHat / (vHat.squareRoot() + 1e-30)
        }
        XCTAssertNotEqual(reference, 0)
        XCTAssertEqual(Float80(p[0]), reference, accuracy: 1e-5 * abs(reference))
    }

    /// The default ε keeps the plain form and its bits: the optimizer against the update
    /// written out in the same order of operations, compared with ==.
    func testTheDefaultEpsilonKeepsThePlainFormsBits() throws {
        let g: [Double] = [0.5, -0.25, 3, 1e-3, -7]
        var adam = try Optimizer<Double>(.adam(learningRate: 0.1)), rms = try Optimizer<Double>(.rmsprop(learningRate: 0.1))
        var ada = try Optimizer<Double>(.adagrad(learningRate: 0.1))
        var a = [1.0], r = [1.0], d = [1.0]
        var m = 0.0, v = 0.0, p1 = 1.0, p2 = 1.0, p3 = 1.0, s2 = 0.0, s3 = 0.0, b1t = 1.0, b2t = 1.0
        for gt in g {
            try adam.step(&a, gradient: [gt]); try rms.step(&r, gradient: [gt]); try ada.step(&d, gradient: [gt])
            b1t *= 0.9; b2t *= 0.999
            m = 0.9 * m + (1 - 0.9) * gt; v = 0.999 * v + (1 - 0.999) * gt * gt
            p1 = p1 - 0.1 * (m / (1 - b1t)) / ((v / (1 - b2t)).squareRoot() + 1e-8)
            s2 = 0.9 * s2 + (1 - 0.9) * gt * gt; p2 = p2 - 0.1 * gt / (s2.squareRoot() + 1e-8)
            s3 = s3 + gt * gt; p3 = p3 - 0.1 * gt / (s3.squareRoot() + 1e-8)
            XCTAssertEqual([a[0], r[0], d[0]], [p1, p2, p3])
        }
    }

    func testMinibatchesCoverEveryIndexOncePerEpochAndReplayFromTheSeed() throws {
        var a = try MinibatchSampler(count: 6, batchSize: 4, seed: 7)
        var b = try MinibatchSampler(count: 6, batchSize: 4, seed: 7)
        var epochs: [[[Int]]] = []
        for _ in 0..<5 {
            let e = a.nextEpoch()
            XCTAssertEqual(e.map(\.count), [4, 2])
            XCTAssertEqual(e.flatMap { $0 }.sorted(), Array(0..<6))
            XCTAssertEqual(e, b.nextEpoch())
            epochs.append(e)
        }
        // 5 epochs drawn from 720 orders all equal would mean the shuffle does nothing.
        XCTAssertGreaterThan(Set(epochs.map { "\($0)" }).count, 1)
        XCTAssertThrowsError(try MinibatchSampler(count: 0, batchSize: 1, seed: 1))
    }

    func testSGDStepOnABatchIsGradientDescentOnThatBatch() throws {
        // Loss on a batch B: (1/2|B|)·Σ_{i∈B} (θ − yᵢ)², gradient θ − mean(y_B). With η = 1 one step
        // lands exactly on the batch mean, whatever θ was: the batches decide every iterate.
        let y = [1.0, 2.0, 3.0, 4.0, 5.0, 9.0]
        var sampler = try MinibatchSampler(count: y.count, batchSize: 2, seed: 11)
        var opt = try Optimizer<Double>(.gradientDescent(learningRate: 1))
        var theta = [100.0]
        for batch in sampler.nextEpoch() + sampler.nextEpoch() {
            let mean = batch.map { y[$0] }.reduce(0, +) / Double(batch.count)
            try opt.step(&theta, gradient: [theta[0] - mean])
            XCTAssertEqual(theta[0], mean, accuracy: 1e-12)
        }
    }

    func testTheSameRulesRunInFloat() throws {
        // The momentum steps of testMomentum (0.8, then 0.42) in Float: the rule is written once,
        // generic over the scalar type. 0.1 is not exact in Float, hence the tolerance of a few ulps.
        var opt = try Optimizer<Float>(.momentum(learningRate: 0.1, beta: 0.9))
        var theta: [Float] = [1]
        try opt.step(&theta, gradient: [2])
        try opt.step(&theta, gradient: [2])
        XCTAssertEqual(theta[0], 0.42, accuracy: 1e-6)
        var adam = try Optimizer<Float>(.adam(learningRate: 0.1))
        var w: [Float] = [1]
        try adam.step(&w, gradient: [0.5])
        XCTAssertEqual(w[0], 0.9, accuracy: 1e-6)
    }
}
