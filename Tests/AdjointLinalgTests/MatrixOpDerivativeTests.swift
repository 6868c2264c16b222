import XCTest
import AdjointCore
@testable import AdjointLinalg

/// Every matrix op's VJP (tape) and JVP (forward) against three independent oracles:
/// the scalar tape (`Reverse<Double>`) on the op written elementwise, the scalar forward mode
/// (`Dual`) on the same, and a plain central difference of the elementwise version.
final class MatrixOpDerivativeTests: XCTestCase {
    static let seed: UInt64 = 20_261_121

    func testEveryOpAgreesWithScalarModesAndCentralDifferences() throws {
        print("MatrixOpDerivativeTests seed: \(Self.seed)")
        var g = SeededGenerator(seed: Self.seed)
        var checked = 0
        for c in OpCase.all {
            for (sa, sb) in c.shapes {
                try check(c, sa, sb, using: &g)
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, 100)
    }

    private func check(_ c: OpCase, _ sa: Shape, _ sb: Shape?, using g: inout SeededGenerator) throws {
        let label = "\(c) at \(sa)\(sb.map { ", \($0)" } ?? "")"
        let aux = c.makeAux(sa, using: &g)
        let a = try Matrix<Double>.random(sa.rows, sa.cols, in: c.inputRange, using: &g)
        let b = try sb.map { try Matrix<Double>.random($0.rows, $0.cols, in: -2...2, using: &g) }
        let bElems = b?.elements ?? []
        let y0 = c.reference(a.elements, bElems, sa, sb, aux: aux)

        // Matrix reverse mode with a random cotangent u (a unit seed could hide a pullback that
        // ignores its input).
        let tape = MatrixTape<Double>()
        let na = tape.variable(a)
        let nb = b.map { tape.variable($0) }
        let out = try c.matrix(tape, na, nb, aux: aux, shape: sa)
        let outShape = Shape(rows: out.rows, cols: out.cols)
        XCTAssertEqual(outShape.count, y0.count, "output size of \(label)")
        let u = try Matrix<Double>.random(out.rows, out.cols, in: -1...1, using: &g)
        let grads = try tape.gradients(of: out, seed: u)
        let matrixVJP = try grads[na].elements + (nb.map { try grads[$0].elements } ?? [])

        // The values agree with the elementwise version.
        let value = try tape.primal(out).elements
        for (k, (x, y)) in zip(value, y0).enumerated() {
            XCTAssertEqual(x, y, accuracy: 1e-12 * Swift.max(1, abs(y)), "value \(k) of \(label)")
        }

        // Oracle 1: the scalar tape on the elementwise version, same cotangent.
        let n = a.count
        let scalarVJP = try gradient(of: { (p: [Reverse<Double>]) -> Reverse<Double> in
            let y = c.reference(Array(p[0..<n]), Array(p[n...]), sa, sb, aux: aux)
            var s = Reverse<Double>(0)
            for k in 0..<y.count { s = s + y[k] * Reverse(u.elements[k]) }
            return s
        }, at: a.elements + bElems)
        assertClose(matrixVJP, scalarVJP, 1e-10, "VJP vs scalar tape, \(label)")

        // Matrix forward mode along a random direction v.
        let va = try Matrix<Double>.random(sa.rows, sa.cols, in: -1...1, using: &g)
        let vb = try sb.map { try Matrix<Double>.random($0.rows, $0.cols, in: -1...1, using: &g) }
        let fwd = MatrixForward<Double>()
        let da = try MatrixDual(value: a, tangent: va)
        let db = try b.map { try MatrixDual(value: $0, tangent: vb) }
        let fout = try c.matrix(fwd, da, db, aux: aux, shape: sa)
        let jv = fout.tangent?.elements ?? Array(repeating: 0, count: y0.count)
        let v = va.elements + (vb?.elements ?? [])

        // Oracle 2: the scalar forward mode (Dual) on the elementwise version.
        let scalarJV = try jvp(of: { (p: [Dual<Double, Double>]) in
            c.reference(Array(p[0..<n]), Array(p[n...]), sa, sb, aux: aux)
        }, at: a.elements + bElems, direction: v).jvp
        assertClose(jv, scalarJV, 1e-10, "JVP vs scalar forward, \(label)")

        // The dot-product test ties the matrix JVP to the scalar tape's VJP: ⟨u, Jv⟩ = ⟨Jᵀu, v⟩.
        let lhs = zip(u.elements, jv).reduce(0) { $0 + $1.0 * $1.1 }
        let rhs = zip(scalarVJP, v).reduce(0) { $0 + $1.0 * $1.1 }
        XCTAssertEqual(lhs, rhs, accuracy: 1e-10 * Swift.max(1, abs(rhs)), "⟨u, Jv⟩ vs ⟨Jᵀu, v⟩, \(label)")

        // Oracle 3: central differences of the elementwise version along v.
        // h = 1e-5: truncation error O(h²·f‴) ≈ 1e-10, rounding O(ε/h) ≈ 1e-11, so 1e-6 is generous
        // and still far below any wrong rule (which is off by O(1)).
        let h = 1e-5
        let x0 = a.elements + bElems
        let plus = zip(x0, v).map { $0 + h * $1 }, minus = zip(x0, v).map { $0 - h * $1 }
        let yp = c.reference(Array(plus[0..<n]), Array(plus[n...]), sa, sb, aux: aux)
        let ym = c.reference(Array(minus[0..<n]), Array(minus[n...]), sa, sb, aux: aux)
        let cd = zip(yp, ym).map { ($0 - $1) / (2 * h) }
        assertClose(jv, cd, 1e-6, "JVP vs central difference, \(label)")
        let cdDot = zip(u.elements, cd).reduce(0) { $0 + $1.0 * $1.1 }
        let vjpDot = zip(matrixVJP, v).reduce(0) { $0 + $1.0 * $1.1 }
        XCTAssertEqual(vjpDot, cdDot, accuracy: 1e-6 * Swift.max(1, abs(cdDot)), "VJP vs central difference, \(label)")
    }

    /// The Float instantiation runs the same rules: its VJPs and JVPs match Double's to Float precision.
    func testFloatOpsAgreeWithDouble() throws {
        var g = SeededGenerator(seed: Self.seed + 1)
        for c in OpCase.all {
            for (sa, sb) in c.shapes {
                let aux = c.makeAux(sa, using: &g)
                let a = try Matrix<Double>.random(sa.rows, sa.cols, in: c.inputRange, using: &g)
                let b = try sb.map { try Matrix<Double>.random($0.rows, $0.cols, in: -2...2, using: &g) }
                func run<S: LinalgScalar>(_: S.Type) throws -> (vjp: [Double], jvp: [Double]) {
                    func cast(_ m: Matrix<Double>) throws -> Matrix<S> {
                        try Matrix<S>(rows: m.rows, cols: m.cols, elements: m.elements.map { S($0) })
                    }
                    let tape = MatrixTape<S>()
                    let na = tape.variable(try cast(a)), nb = try b.map { tape.variable(try cast($0)) }
                    let out = try c.matrix(tape, na, nb, aux: aux, shape: sa)
                    let u = try Matrix<S>(rows: out.rows, cols: out.cols, elements: (0..<(out.rows * out.cols)).map { S(Double($0 % 3) - 0.5) })
                    let gr = try tape.gradients(of: out, seed: u)
                    let vjp = (try gr[na].elements + (nb.map { try gr[$0].elements } ?? [])).map(\.approximateDouble)
                    let fwd = MatrixForward<S>()
                    let da = try MatrixDual(value: try cast(a), tangent: try cast(a))
                    let db = try b.map { try MatrixDual(value: try cast($0), tangent: try cast($0)) }
                    let t = try c.matrix(fwd, da, db, aux: aux, shape: sa).tangent
                    return (vjp, t?.elements.map(\.approximateDouble) ?? [])
                }
                let d = try run(Double.self), f = try run(Float.self)
                // Float's ε ≈ 6e-8; a few operations of magnitude ≲ 10 stay within 1e-4 relative.
                assertClose(f.vjp, d.vjp, 1e-4, "Float VJP of \(c) at \(sa)")
                assertClose(f.jvp, d.jvp, 1e-4, "Float JVP of \(c) at \(sa)")
            }
        }
    }

    /// Softmax cross-entropy's gradient in Float over many rows: (softmax(z) − onehot)/m entry by
    /// entry, the expected value computed here in Double from the same Float logits (exp, sum,
    /// divide). Each row's label is its smallest logit, so p − 1 ≤ −⅔ and nothing cancels: the
    /// Float result may err by a few ULPs only. It erred by m·ε (2.4·10⁻⁴ at m = 4096), because the
    /// 1/m average was applied as d + (1/m − 1)·d.
    func testSoftmaxCrossEntropyGradientInFloatOverManyRows() throws {
        let (m, c) = (4096, 3)
        var g = SeededGenerator(seed: Self.seed + 2)
        let z = try Matrix<Float>.random(m, c, in: -2...2, using: &g)
        let labels = (0..<m).map { r in (0..<c).min { z[r, $0] < z[r, $1] } ?? 0 }
        let tape = MatrixTape<Float>()
        let v = tape.variable(z)
        let gradient = try tape.gradients(of: tape.softmaxCrossEntropy(v, labels: labels))[v]
        var worst = 0.0
        for r in 0..<m {
            let row = (0..<c).map { Double(z[r, $0]) }
            let total = row.map { Double.exp($0) }.reduce(0, +)
            for j in 0..<c {
                let expected = (Double.exp(row[j]) / total - (j == labels[r] ? 1 : 0)) / Double(m)
                worst = Swift.max(worst, Swift.abs(Double(gradient[r, j]) - expected) / Swift.abs(expected))
            }
        }
        // 16 Float ULPs (2⁻²⁴ relative each): exp, the sum and two divisions, with room.
        XCTAssertLessThan(worst, 16 * 0x1p-24, "largest relative error of the Float gradient")
    }

    /// Softmax cross-entropy over 10⁶ rows of zero logits, every label 0: each row's loss is
    /// log 2 (two equal classes), so the mean is log 2 = 0.6931472 in Float; along a tangent of
    /// 0.1 on class 1 in every row, the directional derivative is ⟨p, v⟩ − v[0] = ½·0.1 per row,
    /// and its mean the same. Both were summed in Float, so each drifted with the batch: the loss
    /// was 0.68869704 (a review). Now in Double, as every other reduction.
    func testFloatSoftmaxCrossEntropyDoesNotDriftWithTheBatchSize() throws {
        let m = 1_000_000
        let logits = try Matrix<Float>.zeros(m, 2)
        let labels = [Int](repeating: 0, count: m)
        let loss = try MatrixEvaluator<Float>().softmaxCrossEntropy(logits, labels: labels)
        XCTAssertEqual(loss.elements, [Float(0.6931471805599453)], "log 2")
        var direction = try Matrix<Float>.zeros(m, 2)
        for r in 0..<m { direction[r, 1] = 0.1 }
        let fwd = MatrixForward<Float>()
        let dual = try fwd.softmaxCrossEntropy(try MatrixDual(value: logits, tangent: direction), labels: labels)
        XCTAssertEqual(dual.tangent?.elements, [Float(0.1) / 2], "½·0.1, exactly the row's term")
    }

    /// An infinite partial (√′(0) = +∞) against a zero (co)tangent, in both modes, against the
    /// scalar modes on the same function written elementwise (the registry's other interpreters).
    /// Forward: sum(√relu(x)) at x = (−1, 4) along (1, 1); relu′(−1) = 0 gives √ a zero tangent
    /// there, and the scalar jvp (which masks zero tangents) gives 0.25. The matrix JVP gave NaN
    /// (∞·0; a review). Reverse: sum(√X·W) at X = (0, 4) with the constant W = (0, 1)ᵀ; the scalar
    /// tape cuts the product with the constant 0, so √x₀ is reached by no seed and its NaN is
    /// masked: gradient (0, 0.25). The matrix tape threw "non-finite cotangent". Where the zero
    /// cotangent lies on a path that exists (W a variable, or relu′ = 0 in sum(√relu … ) reversed)
    /// the scalar tape keeps the NaN and throws, and so must the matrix tape.
    func testInfinitePartialAgainstZeroTangentFollowsTheScalarModes() throws {
        // Forward mode.
        let scalarJVP = try jvp(of: { x in [sqrt(relu(x[0])) + sqrt(relu(x[1]))] }, at: [-1.0, 4], direction: [1, 1]).jvp
        let fwd = MatrixForward<Double>()
        let x = try MatrixDual(value: try Matrix<Double>([[-1, 4]]), tangent: try Matrix<Double>([[1, 1]]))
        let t = try fwd.sum(try fwd.activation(.sqrt, try fwd.activation(.relu, x))).tangent
        XCTAssertEqual(scalarJVP, [0.25])
        XCTAssertEqual(t?.elements, scalarJVP, "matrix JVP against the scalar jvp")

        // Reverse mode, W constant: the zero is structural, masked in both.
        let scalarGradient = try gradient(of: { x in sqrt(x[0]) * 0 + sqrt(x[1]) * 1 }, at: [0.0, 4])
        XCTAssertEqual(scalarGradient, [0, 0.25])
        let tape = MatrixTape<Double>()
        let v = tape.variable(try Matrix<Double>([[0, 4]]))
        let w = tape.constant(try Matrix<Double>([[0], [1]]))
        let loss = try tape.sum(try tape.matmul(try tape.activation(.sqrt, v), w))
        XCTAssertEqual(try tape.gradients(of: loss)[v].elements, scalarGradient, "matrix tape against the scalar tape")

        // Reverse mode, W a variable that is 0: a path exists, 0·∞ is indeterminate, both throw.
        XCTAssertThrowsError(try gradient(of: { x in sqrt(x[0]) * x[2] + sqrt(x[1]) * x[3] }, at: [0.0, 4, 0, 1]))
        let tape2 = MatrixTape<Double>()
        let v2 = tape2.variable(try Matrix<Double>([[0, 4]]))
        let w2 = tape2.variable(try Matrix<Double>([[0], [1]]))
        let loss2 = try tape2.sum(try tape2.matmul(try tape2.activation(.sqrt, v2), w2))
        XCTAssertThrowsError(try tape2.gradients(of: loss2), "W variable: the zero cotangent is on a path")

        // Reverse through relu′ = 0: reached, so NaN in both.
        XCTAssertThrowsError(try gradient(of: { x in sqrt(relu(x[0])) + sqrt(relu(x[1])) }, at: [-1.0, 4]))
        let tape3 = MatrixTape<Double>()
        let v3 = tape3.variable(try Matrix<Double>([[-1, 4]]))
        let loss3 = try tape3.sum(try tape3.activation(.sqrt, try tape3.activation(.relu, v3)))
        XCTAssertThrowsError(try tape3.gradients(of: loss3), "relu′ = 0 on a reached path")

        // A zero seed element is reached by nothing: masked, as the scalar pullback's zero seed.
        let tape4 = MatrixTape<Double>()
        let v4 = tape4.variable(try Matrix<Double>([[0, 4]]))
        let y4 = try tape4.activation(.sqrt, v4)
        XCTAssertEqual(try tape4.gradients(of: y4, seed: try Matrix<Double>([[0, 1]]))[v4].elements, [0, 0.25])
    }

    /// A tangent that is NaN or ∞ is a typed error in forward mode, as the scalar jvp's
    /// "directional derivative" is: √ at 0 along a nonzero direction has the infinite slope +∞
    /// (the scalar jvp throws), and MatrixForward and the MLP's directional derivative returned
    /// it silently (a review).
    func testNonFiniteTangentIsAnErrorInForwardMode() throws {
        XCTAssertThrowsError(try jvp(of: { x in [sqrt(x[0])] }, at: [0.0], direction: [1]))
        let fwd = MatrixForward<Double>()
        let x = try MatrixDual(value: try Matrix<Double>([[0, 4]]), tangent: try Matrix<Double>([[1, 1]]))
        XCTAssertThrowsError(try fwd.activation(.sqrt, x)) { error in
            guard case let ADError.nonFinite(what, op, _)? = error as? ADError else { return XCTFail("\(error)") }
            XCTAssertEqual(op, "sqrt")
            XCTAssertTrue(what.contains("(0, 0)"), what)
        }
        let net = try MLP<Double>(layers: [try DenseLayer(weights: try Matrix([[1.0]]), bias: try Matrix([[0.0]]),
                                                          activation: try ElementwiseSpec(op: .sqrt))])
        // The bias moves the preactivation 0 along 1: √′(0)·1 = +∞.
        let direction = [LayerParameters(weights: try Matrix([[1.0]]), bias: try Matrix([[1.0]]))]
        XCTAssertThrowsError(try net.lossAndDirectionalDerivative(input: try Matrix([[0.0]]),
                                                                  loss: .elementwise(.mse, target: try Matrix([[1.0]])),
                                                                  direction: direction))
    }

    /// powi takes the registry's ordered products (Builtin.Powi.vjp/jvp), as the scalar tape and
    /// Dual do: the partial 3x² is 3e-400, 0 in Double, at x = 1e-200, but its product with the
    /// cotangent 1e300 is 3e-100 (by hand); at x = 1e-100 the partial −3x⁻⁴ = −3e400 overflows,
    /// while its product with 1e-300 is −3e100. The matrix path multiplied the partial out: 0, and
    /// a "non-finite cotangent" (a review). Expected values from the scalar tape and jvp.
    func testPowiUsesTheRegistrysOrderedProducts() throws {
        for (x0, n, weight) in [(1e-200, 3, 1e300), (1e-100, -3, 1e-300)] {
            let scalar = try gradient(of: { x in Reverse.powi(x[0], n) * Reverse(constant: weight) }, at: [x0])
            // Forward mode meets the weight after powi: x⁻³'s own tangent −3e400 overflows at
            // 1e-100, and the scalar jvp throws; the matrix JVP must throw too. x³'s tangent
            // 3e-400 is 0 in Double: the scalar jvp recovers it by lifting its direction (3e-100 by
            // hand), as MatrixForward.jvp does (below); ops applied by hand give the pass as it ran, 0.
            var scalarJVP = try? jvp(of: { x in [Dual.powi(x[0], n) * Dual(constant: weight)] }, at: [x0], direction: [1]).jvp
            if n == 3 {
                XCTAssertEqual(scalarJVP?[0] ?? .nan, 3e-100, accuracy: 3e-100 * 1e-15)
                scalarJVP = [0]
            }
            let tape = MatrixTape<Double>()
            let v = tape.variable(try Matrix<Double>([[x0]]))
            let loss = try tape.sum(try tape.matmul(try tape.activation(.powi, v, exponent: n), tape.constant(try Matrix([[weight]]))))
            let g = try tape.gradients(of: loss)[v]
            XCTAssertEqual(g.elements, scalar, "reverse, x^\(n) at \(x0)")
            let fwd = MatrixForward<Double>()
            let d = try MatrixDual(value: try Matrix<Double>([[x0]]), tangent: try Matrix<Double>([[1]]))
            let y = try? fwd.sum(try fwd.matmul(try fwd.activation(.powi, d, exponent: n), fwd.constant(try Matrix([[weight]]))))
            XCTAssertEqual(y?.tangent?.elements, scalarJVP, "forward, x^\(n) at \(x0)")
            let driven = try? MatrixForward.jvp(at: [try Matrix([[x0]])], along: [try Matrix([[1.0]])]) { m, p in
                try m.sum(try m.matmul(try m.activation(.powi, p[0], exponent: n), m.constant(try Matrix([[weight]]))))
            }
            if n == 3 {
                XCTAssertEqual(driven?.tangent[0, 0] ?? .nan, 3e-100, accuracy: 3e-100 * 1e-15)
            } else {
                XCTAssertNil(driven, "x⁻³'s overflowing tangent is an error in the driven pass too")
            }
            XCTAssertEqual(scalarJVP == nil, n < 0, "the scalar jvp throws exactly for x⁻³")
        }
        // By hand: 3·(1e-200)²·1e300 = 3e-100; −3·(1e-100)⁻⁴·1e-300 = −3e100.
        XCTAssertEqual(try gradient(of: { x in Reverse.powi(x[0], 3) * 1e300 }, at: [1e-200])[0], 3e-100, accuracy: 3e-100 * 1e-15)
        XCTAssertEqual(try gradient(of: { x in Reverse.powi(x[0], -3) * 1e-300 }, at: [1e-100])[0], -3e100, accuracy: 3e100 * 1e-15)
    }

    /// A deliberately wrong scalar rule must make the matrix VJP disagree with central
    /// differences: the test above can fail, and the matrix path really reads the registry.
    func testPlantedWrongTanhRuleIsVisibleInMatrixVJP() throws {
        var g = SeededGenerator(seed: Self.seed)
        let a = try Matrix<Double>.random(3, 4, in: -1...1, using: &g)
        func vjpSum() throws -> [Double] {
            let tape = MatrixTape<Double>()
            let x = tape.variable(a)
            let y = try tape.sum(tape.activation(.tanh, x))
            return try tape.gradients(of: y)[x].elements
        }
        let good = try vjpSum()
        // d/dx Σ tanh(x) = 1 − tanh²(x), computed by hand here.
        let expected = a.elements.map { 1 - Double.tanh($0) * Double.tanh($0) }
        assertClose(good, expected, 1e-14, "tanh VJP")
        let bad = try RuleMutations.withMutation(RuleMutation(op: .tanh, input: 0, factor: 1.5)) { try vjpSum() }
        XCTAssertNotEqual(bad[0], expected[0], accuracy: 1e-3)
    }

    /// The elementwise losses' slopes read the registry's partials (MSE's is the square rule's):
    /// a mutation planted on this thread must reach them, in Float and Double, though the loop
    /// asks for mutations once per call rather than per element.
    func testPlantedWrongSquareRuleIsVisibleInTheMSEGradient() throws {
        func check<S: LinalgScalar>(_: S.Type) throws {
            var g = SeededGenerator(seed: Self.seed)
            let a = try Matrix<S>.random(5, 7, in: -1...1, using: &g)
            let t = try Matrix<S>.random(5, 7, in: -1...1, using: &g)
            func gradient() throws -> [S] {
                let tape = MatrixTape<S>()
                let x = tape.variable(a)
                return try tape.gradients(of: tape.loss(.mse, x, target: t))[x].elements
            }
            // ∂/∂xᵢ of (1/35)·Σ(x − t)² is 2(xᵢ − tᵢ)/35, by hand.
            let expected = zip(a.elements, t.elements).map { 2 * (Double($0) - Double($1)) / 35 }
            assertClose(try gradient().map { Double($0) }, expected, S.self == Float.self ? 1e-6 : 1e-15, "MSE gradient \(S.self)")
            let bad = try RuleMutations.withMutation(RuleMutation(op: .square, input: 0, factor: 1.5)) { try gradient() }
            assertClose(bad.map { Double($0) }, expected.map { 1.5 * $0 }, S.self == Float.self ? 1e-6 : 1e-15,
                        "MSE gradient under a planted 1.5× square rule, \(S.self)")
        }
        try check(Float.self)
        try check(Double.self)
    }
}

func assertClose(_ x: [Double], _ y: [Double], _ tol: Double, _ what: String,
                 file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(x.count, y.count, "length, \(what)", file: file, line: line)
    for (k, (p, q)) in zip(x, y).enumerated() where !(abs(p - q) <= tol * Swift.max(1, abs(q))) {
        XCTFail("\(what): entry \(k): \(p) vs \(q)", file: file, line: line)
        return
    }
}
