import XCTest
import AdjointCore
@testable import AdjointLinalg

final class MatrixTests: XCTestCase {
    static let seed: UInt64 = 77

    /// Naive triple loop: the oracle for BLAS.
    private func naiveProduct(_ a: Matrix<Double>, _ ta: Bool, _ b: Matrix<Double>, _ tb: Bool) -> [Double] {
        let (m, k) = ta ? (a.cols, a.rows) : (a.rows, a.cols)
        let n = tb ? b.rows : b.cols
        var c = [Double](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var s = 0.0
                for p in 0..<k { s += (ta ? a[p, i] : a[i, p]) * (tb ? b[j, p] : b[p, j]) }
                c[i * n + j] = s
            }
        }
        return c
    }

    func testBLASProductsEqualNaiveLoops() throws {
        print("MatrixTests seed: \(Self.seed)")
        var g = SeededGenerator(seed: Self.seed)
        for (m, k, n) in [(1, 7, 3), (5, 1, 4), (6, 5, 1), (13, 9, 11), (32, 17, 8)] {
            for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
                let a = try Matrix<Double>.random(ta ? k : m, ta ? m : k, in: -1...1, using: &g)
                let b = try Matrix<Double>.random(tb ? n : k, tb ? k : n, in: -1...1, using: &g)
                let c = try a.matmul(b, transposeSelf: ta, transposeOther: tb)
                XCTAssertEqual(c.rows, m); XCTAssertEqual(c.cols, n)
                assertClose(c.elements, naiveProduct(a, ta, b, tb), 1e-12, "gemm \(m)×\(k)×\(n) ta=\(ta) tb=\(tb)")
            }
            let a = try Matrix<Double>.random(m, k, in: -1...1, using: &g)
            let x = (0..<k).map { _ in Double.random(in: -1...1, using: &g) }
            let xt = (0..<m).map { _ in Double.random(in: -1...1, using: &g) }
            assertClose(try a.multiply(vector: x), naiveProduct(a, false, try Matrix(rows: k, cols: 1, elements: x), false),
                        1e-12, "gemv \(m)×\(k)")
            assertClose(try a.multiply(vector: xt, transposed: true),
                        naiveProduct(a, true, try Matrix(rows: m, cols: 1, elements: xt), false), 1e-12, "gemv transposed")
        }
    }

    func testFloatProductMatchesDoubleLoop() throws {
        var g = SeededGenerator(seed: Self.seed)
        let a = try Matrix<Double>.random(9, 7, in: -1...1, using: &g)
        let b = try Matrix<Double>.random(7, 5, in: -1...1, using: &g)
        let af = try Matrix<Float>(rows: 9, cols: 7, elements: a.elements.map(Float.init))
        let bf = try Matrix<Float>(rows: 7, cols: 5, elements: b.elements.map(Float.init))
        let cf = try af.matmul(bf)
        // Float has ε ≈ 6e-8; 7 products of magnitude ≤ 1 stay well inside 1e-5.
        assertClose(cf.elements.map(Double.init), naiveProduct(a, false, b, false), 1e-5, "sgemm")
    }

    func testSoftmaxCrossEntropyGradientIsSoftmaxMinusOneHot() throws {
        // z = (0.1, −0.8, 1.4, 1.1), label 2. By hand: eᶻ = (1.105171, 0.449329, 4.055200, 3.004166),
        // Σ = 8.613866, softmax = (0.128301, 0.052163, 0.470776, 0.348759), loss = log Σ − z₂ = 2.153373 − 1.4.
        let z = [0.1, -0.8, 1.4, 1.1]
        let e = z.map { Double.exp($0) }
        let s = e.reduce(0, +)
        let expected = e.enumerated().map { $0.element / s - ($0.offset == 2 ? 1 : 0) }
        assertClose(expected, [0.128301, 0.052163, 0.470776 - 1, 0.348759], 1e-5, "hand-computed softmax")
        let tape = MatrixTape<Double>()
        let x = tape.variable(try Matrix(rows: 1, cols: 4, elements: z))
        let loss = try tape.softmaxCrossEntropy(x, labels: [2])
        XCTAssertEqual(try tape.primal(loss)[0, 0], 2.153373 - 1.4, accuracy: 1e-6)
        assertClose(try tape.gradients(of: loss)[x].elements, expected, 1e-14, "softmax CE gradient")
    }

    func testElementChecksRowAndColumnEachOnItsOwn() throws {
        // On a 2×3 matrix the flat index i·3 + j of (0, 5) is 5, element (1, 2), and of (1, −1) is
        // 2, element (0, 2): checking only the flat index read those with no error. Each index is
        // checked against its own dimension.
        let m = try Matrix<Double>([[1, 2, 3], [4, 5, 6]])
        XCTAssertEqual(try m.element(1, 2), 6)
        XCTAssertEqual(try m.element(0, 0), 1)
        XCTAssertEqual(m[1, 0], 4)
        for (i, j, message) in [(0, 5, "column 5 is outside 0..<3 of a 2×3 matrix"), (1, -1, "column -1 is outside 0..<3 of a 2×3 matrix"),
                                (2, 0, "row 2 is outside 0..<2 of a 2×3 matrix"), (-1, 2, "row -1 is outside 0..<2 of a 2×3 matrix")] {
            XCTAssertThrowsError(try m.element(i, j)) { e in
                XCTAssertEqual(e as? ADError, .invalidArgument(message))
            }
        }
    }

    func testRandomNeedsAFiniteRangeOfTheScalarType() throws {
        var g = SeededGenerator(seed: 1)
        // The standard library traps on these ranges ("no uniform distribution on an infinite
        // range"); 1e300 is finite in Double but not in Float.
        for range in [-Double.infinity...1, 1...Double.infinity, -1.7e308...1.7e308] {
            XCTAssertThrowsError(try Matrix<Double>.random(2, 2, in: range, using: &g), "\(range)") { e in
                guard case .invalidArgument = e as? ADError else { return XCTFail("\(e)") }
            }
        }
        XCTAssertThrowsError(try Matrix<Float>.random(2, 2, in: -1e300...1e300, using: &g)) { e in
            guard case .invalidArgument = e as? ADError else { return XCTFail("\(e)") }
        }
        let m = try Matrix<Float>.random(2, 2, in: -1e30...1e30, using: &g)
        XCTAssertTrue(m.elements.allSatisfy { $0.isFinite && abs($0) <= 1e30 })
    }

    /// Every shape mismatch is a typed ``ADError/dimensionMismatch(what:expected:got:)`` whose
    /// message names the op and both shapes (a 2×3 against a 3×2). Most named one count only:
    /// "rows of a matrix sum: expected 2, got 3" left the reader to find which sum and which shapes.
    func testShapeMismatchesNameTheOpAndBothShapes() throws {
        let a = try Matrix<Double>.zeros(2, 3), b = try Matrix<Double>.zeros(3, 2)
        let cases: [(String, [String], () throws -> Void)] = [
            ("add", ["add", "2×3", "3×2"], { _ = try a.adding(b) }),
            ("subtract", ["difference", "2×3", "3×2"], { _ = try a.subtracting(b) }),
            ("matmul", ["matmul", "2×3", "2×3"], { _ = try a.matmul(a) }),
            ("tape add", ["add", "2×3", "3×2"], { let t = MatrixTape<Double>(); _ = try t.add(t.variable(a), t.variable(b)) }),
            ("add_bias", ["add_bias", "2×3", "3×2"], { let t = MatrixTape<Double>(); _ = try t.addBias(t.variable(a), t.variable(b)) }),
            ("fused add_bias", ["add_bias", "2×3", "3×2"], {
                let t = MatrixTape<Double>()
                _ = try t.addBiasActivation(t.variable(a), t.variable(b), ElementwiseSpec(op: .tanh))
            }),
            ("evaluator add_bias", ["add_bias", "2×3", "3×2"], {
                let e = MatrixEvaluator<Double>()
                _ = try e.addBiasActivation(a, b, ElementwiseSpec(op: .tanh))
            }),
            ("mse", ["mse", "2×3", "3×2"], { let t = MatrixTape<Double>(); _ = try t.mse(t.variable(a), b) }),
            ("seed", ["seed", "2×3", "3×2"], { let t = MatrixTape<Double>(); _ = try t.gradients(of: t.variable(a), seed: b) }),
            ("dual", ["tangent", "2×3", "3×2"], { _ = try MatrixDual(value: a, tangent: b) }),
            ("matrix-vector", ["matrix–vector", "2×3", "vector of 2"], { _ = try a.multiply(vector: [1, 2]) }),
            ("dense layer", ["dense layer", "2×3", "3×2"], { _ = try DenseLayer(weights: a, bias: b, activation: nil) }),
            ("solve", ["linear system", "2×3"], { _ = try JacobianAnalysis.solve(a.rowArrays, [1, 2]) }),
            ("determinant", ["determinant", "2×3"], { _ = try JacobianAnalysis.determinant(of: a.rowArrays) }),
        ]
        for (name, words, body) in cases {
            XCTAssertThrowsError(try body(), name) { e in
                guard case .dimensionMismatch = e as? ADError else { return XCTFail("\(name): \(e)") }
                for w in words { XCTAssertTrue("\(e)".contains(w), "\(name): \"\(e)\" does not name \(w)") }
            }
        }
    }

    /// Empty matrices through every op, on the tape with a seed of the output's shape: a value of
    /// the right shape and cotangents of the inputs' shapes, or a typed error. By hand: an empty
    /// sum is 0 (per column: a row of zeros), an empty product with inner size 0 is a matrix of
    /// zeros, and nothing else has an element to compute.
    func testEmptyMatricesThroughEveryOp() throws {
        let e03 = try Matrix<Double>.zeros(0, 3), e30 = try Matrix<Double>.zeros(3, 0), e02 = try Matrix<Double>.zeros(0, 2)
        func run(_ a: Matrix<Double>, _ b: Matrix<Double>?, _ body: (MatrixTape<Double>, MatrixNode, MatrixNode?) throws -> MatrixNode)
            throws -> (value: Matrix<Double>, ga: Matrix<Double>, gb: Matrix<Double>?) {
            let t = MatrixTape<Double>()
            let x = t.variable(a), y = b.map { t.variable($0) }
            let out = try body(t, x, y)
            let v = try t.primal(out)
            let g = try t.gradients(of: out, seed: Matrix(rows: v.rows, cols: v.cols, elements: [Double](repeating: 1, count: v.count)))
            return (v, try g[x], try y.map { try g[$0] })
        }
        let product = try run(e30, try Matrix.zeros(0, 2)) { t, x, y in try t.matmul(x, y!) }
        XCTAssertEqual(product.value, try Matrix.zeros(3, 2))
        XCTAssertEqual(product.ga, e30); XCTAssertEqual(product.gb, e02)
        let inner = try run(e03, try Matrix.zeros(3, 2)) { t, x, y in try t.matmul(x, y!) }
        XCTAssertEqual(inner.value, e02); XCTAssertEqual(inner.gb, try Matrix.zeros(3, 2))
        XCTAssertEqual(try run(e03, e03) { t, x, y in try t.add(x, y!) }.value, e03)
        XCTAssertEqual(try run(e03, try Matrix.zeros(1, 3)) { t, x, y in try t.addBias(x, y!) }.gb, try Matrix.zeros(1, 3))
        XCTAssertEqual(try run(e03, nil) { t, x, _ in try t.activation(.tanh, x) }.ga, e03)
        XCTAssertEqual(try run(e03, nil) { t, x, _ in try t.sum(x) }.value, try Matrix([[0]]))
        XCTAssertEqual(try run(e03, nil) { t, x, _ in try t.sum(x, .perColumn) }.value, try Matrix.zeros(1, 3))
        XCTAssertEqual(try run(e03, nil) { t, x, _ in try t.sum(x, .perRow) }.value, try Matrix.zeros(0, 1))
        XCTAssertEqual(try run(e03, nil) { t, x, _ in try t.softmax(x) }.ga, e03)
        XCTAssertEqual(try run(e03, nil) { t, x, _ in try t.logSumExp(x) }.ga, e03)
        // The mean of nothing has no value: refused when recorded, as the losses are.
        XCTAssertThrowsError(try run(e03, nil) { t, x, _ in try t.mean(x) }) { err in
            guard case .invalidArgument = err as? ADError else { return XCTFail("\(err)") }
        }
        for body in [{ (t: MatrixTape<Double>, x: MatrixNode, _: MatrixNode?) in try t.softmax(x) },
                     { t, x, _ in try t.logSumExp(x) }] {
            XCTAssertThrowsError(try run(e30, nil, body)) { err in
                guard case .invalidArgument = err as? ADError else { return XCTFail("\(err)") }
            }
        }
        XCTAssertThrowsError(try run(e03, nil) { t, x, _ in try t.mse(x, e03) }) { err in
            guard case .invalidArgument = err as? ADError else { return XCTFail("\(err)") }
        }
        XCTAssertThrowsError(try run(e03, nil) { t, x, _ in try t.softmaxCrossEntropy(x, labels: []) }) { err in
            guard case .invalidArgument = err as? ADError else { return XCTFail("\(err)") }
        }
    }

    /// Runs `body` in evaluation, forward mode and on a tape, on `a` (and `b`) as the first (and
    /// second) argument, and returns what each gave: the primal value or the error.
    private func inEveryInterpreter(_ a: Matrix<Double>, second b: Matrix<Double>? = nil,
                                    _ body: (any MatrixInterpreterBox) throws -> Matrix<Double>) -> [(String, Result<Matrix<Double>, Error>)] {
        [("evaluator", Result { try body(EvaluatorBox(a: a, b: b)) }),
         ("forward", Result { try body(ForwardBox(a: a, b: b)) }),
         ("tape", Result { try body(TapeBox(a: a, b: b)) })]
    }

    private func assertInvalidArgument(_ results: [(String, Result<Matrix<Double>, Error>)], _ words: [String],
                                       _ label: String, line: UInt = #line) {
        for (mode, r) in results {
            guard case .failure(let e) = r, case .invalidArgument(let why) = e as? ADError else {
                XCTFail("\(label) \(mode): \(r)", line: line); continue
            }
            for w in words { XCTAssertTrue(why.contains(w), "\(label) \(mode): \"\(why)\" lacks \"\(w)\"", line: line) }
        }
    }

    /// A mean over no entries has no value. Evaluation returned NaN (1×1, or a row of 3 NaN per
    /// column of a 0×3), the tape and forward mode only a "non-finite" error; now all three
    /// give the losses' error. Where the reduction has no outputs, nothing is averaged.
    func testMeanOverNoSamplesIsTheSameErrorInEveryInterpreter() throws {
        let e03 = try Matrix<Double>.zeros(0, 3), e30 = try Matrix<Double>.zeros(3, 0)
        for (m, how, words) in [(e03, Reduction.all, ["mean of an empty 0×3 matrix"]),
                                (e30, .all, ["mean of an empty 3×0 matrix"]),
                                (e03, .perColumn, ["mean per column", "0×3"]),
                                (e30, .perRow, ["mean per row", "3×0"])] {
            assertInvalidArgument(inEveryInterpreter(m) { try $0.mean(how) }, words + ["a mean over no samples has no value"], "\(m.shapeText) \(how)")
        }
        for (m, how, expected) in [(e03, Reduction.perRow, try Matrix<Double>.zeros(0, 1)), (e30, .perColumn, try Matrix<Double>.zeros(1, 0))] {
            for (mode, r) in inEveryInterpreter(m, { try $0.mean(how) }) {
                XCTAssertEqual(try r.get(), expected, "\(mode) \(how)")
            }
        }
    }

    /// KL divides by the rows (the samples): a 3×0 prediction is 3 samples with an empty sum
    /// of terms each, (0 + 0 + 0)/3 = 0, which all three gave and still give (the tape with a
    /// 3×0 gradient); a 0×3 one is no samples, the same error as mse's in all three.
    func testKLDivergenceOfEmptyPredictionsAgreesAcrossInterpreters() throws {
        let e30 = try Matrix<Double>.zeros(3, 0), e03 = try Matrix<Double>.zeros(0, 3)
        for (mode, r) in inEveryInterpreter(e30, { try $0.loss(.klDivergence, target: e30) }) {
            XCTAssertEqual(try r.get(), try Matrix([[0]]), mode)
        }
        let t = MatrixTape<Double>()
        let x = t.variable(e30)
        XCTAssertEqual(try t.gradients(of: t.loss(.klDivergence, x, target: e30))[x], e30)
        assertInvalidArgument(inEveryInterpreter(e03) { try $0.loss(.klDivergence, target: e03) },
                              ["kl_divergence of an empty 0×3 prediction", "a mean over no samples has no value"], "kl 0×3")
        assertInvalidArgument(inEveryInterpreter(e30) { try $0.loss(.mse, target: e30) },
                              ["mse of an empty 3×0 prediction", "a mean over no samples has no value"], "mse 3×0")
    }

    /// apply with the wrong number of matrix arguments: the tape refused it, while evaluation
    /// gave sum(A, A) = 21 (the sum of A alone: 1+2+…+6) and forward mode input(A) = A.
    func testApplyChecksTheArgumentCountInEveryInterpreter() throws {
        let a = try Matrix<Double>([[1, 2, 3], [4, 5, 6]])
        for (mode, r) in inEveryInterpreter(a, { try $0.apply(.sum, second: false) }) {
            XCTAssertEqual(try r.get(), try Matrix([[21]]), mode)
        }
        assertInvalidArgument(inEveryInterpreter(a, second: a) { try $0.apply(.sum, second: true) },
                              ["sum takes 1 matrix argument(s), given 2"], "sum(A, A)")
        assertInvalidArgument(inEveryInterpreter(a) { try $0.apply(.input, second: false) },
                              ["input takes 0 matrix argument(s), given 1"], "input(A)")
        assertInvalidArgument(inEveryInterpreter(a) { try $0.apply(.matmul, second: false) },
                              ["matmul takes 2 matrix argument(s), given 1"], "matmul(A)")
    }

    func testTypedErrorsForBadInput() throws {
        let tape = MatrixTape<Double>()
        let x = tape.variable(try Matrix([[1, 2, 3], [4, 5, 6]]))
        // Binary cross-entropy needs labels in [0, 1]: softplus(x) − t·x at t = 2 is not a
        // cross-entropy (it was −10 at x = 10, a negative "loss"), nor is anything at t = NaN.
        for (bad, label) in [(2.0, "2.0"), (-0.5, "-0.5"), (.nan, "nan")] {
            let t = try Matrix<Double>([[0, 1, 0.5], [1, bad, 0]])
            XCTAssertThrowsError(try tape.loss(.binaryCrossEntropyWithLogits, x, target: t)) { e in
                guard case .invalidArgument(let why) = e as? ADError else { return XCTFail("\(e)") }
                XCTAssertTrue(why.contains("(1, 1)") && why.contains(label), why)
            }
        }
        XCTAssertThrowsError(try tape.softmaxCrossEntropy(x, labels: [0, 3])) { e in
            guard case .invalidArgument(let why) = e as? ADError else { return XCTFail("\(e)") }
            XCTAssertTrue(why.contains("label 3"), why)
        }
        XCTAssertThrowsError(try tape.softmaxCrossEntropy(x, labels: [0, -1]))
        XCTAssertThrowsError(try tape.softmaxCrossEntropy(x, labels: [0])) { e in
            XCTAssertEqual(e as? ADError, .dimensionMismatch(what: "number of labels of softmax_cross_entropy (one per row of the 2×3 logits)", expected: 2, got: 1))
        }
        XCTAssertThrowsError(try tape.matmul(x, x)) { e in
            guard case .dimensionMismatch = e as? ADError else { return XCTFail("\(e)") }
        }
        XCTAssertThrowsError(try tape.mse(x, Matrix([[1, 2]])))
        XCTAssertThrowsError(try tape.addBias(x, tape.constant(Matrix([[1, 2]]))))
        XCTAssertThrowsError(try tape.activation(.mul, x))
        XCTAssertThrowsError(try Matrix<Double>([[1, 2], [3]]))
        XCTAssertThrowsError(try Matrix<Double>(rows: 2, cols: 2, elements: [1]))
        XCTAssertThrowsError(try Matrix<Double>.zeros(Int.max, 2))
        XCTAssertThrowsError(try Matrix<Double>.zeros(-1, 2))
        XCTAssertThrowsError(try tape.softmax(tape.constant(Matrix<Double>.zeros(2, 0))))
        // A domain error names the op and the element.
        XCTAssertThrowsError(try tape.activation(.log, tape.constant(Matrix([[1, -2]])))) { e in
            guard case let .domain(op, _, inputs, reason) = e as? ADError else { return XCTFail("\(e)") }
            XCTAssertEqual(op, "log"); XCTAssertEqual(inputs, [-2]); XCTAssertTrue(reason.contains("(0, 1)"), reason)
        }
        // A NaN reaching a loss is reported with the loss's name, not returned.
        XCTAssertThrowsError(try tape.mse(tape.constant(Matrix([[1, .nan]])), Matrix([[0, 0]]))) { e in
            guard case let .nonFinite(_, op, _) = e as? ADError else { return XCTFail("\(e)") }
            XCTAssertEqual(op, "mse")
        }
        XCTAssertThrowsError(try tape.loss(.klDivergence, x, target: Matrix([[0.5, 0.6, -0.1], [0.2, 0.3, 0.5]])))
        XCTAssertThrowsError(try tape.loss(.huber, x, target: Matrix([[1, 2, 3], [4, 5, 6]]), parameter: 0))
        XCTAssertThrowsError(try tape.loss(.softmaxCrossEntropy, x, target: Matrix([[1, 2, 3], [4, 5, 6]])))
        // Nodes from another tape are refused.
        let other = MatrixTape<Double>()
        XCTAssertThrowsError(try other.sum(x)) { e in
            guard case .foreignVariable = e as? ADError else { return XCTFail("\(e)") }
        }
        // The default seed needs a scalar output.
        XCTAssertThrowsError(try tape.gradients(of: x))
    }

    func testKinksAreReportedLikeTheScalarModes() throws {
        // relu at exactly 0 is a kink (relu′(0) = 0 by convention): reported with the tape node.
        let tape = MatrixTape<Double>()
        let x = tape.variable(try Matrix([[0, 1], [-1, 0]]))
        let (_, diag) = try Diagnostics.collect { try tape.activation(.relu, x) }
        XCTAssertEqual(diag.kinkCount, 2)
        XCTAssertEqual(diag.kinks.first?.op, .relu)
        XCTAssertEqual(diag.kinks.first?.node, 1)
        let (_, smooth) = try Diagnostics.collect { try tape.activation(.tanh, x) }
        XCTAssertEqual(smooth.kinkCount, 0)
        // MAE is abs of the residual: a prediction equal to its target is abs's kink, as
        // `abs(x − t)` on the scalar tape reports it (it was silent on the matrix path).
        let target = try Matrix<Double>([[0, 2], [-1, 5]])
        let (_, mae) = try Diagnostics.collect { try tape.loss(.mae, x, target: target) }
        let scalar = try Diagnostics.collect {
            try gradient(of: { (p: [Reverse<Double>]) in abs(p[0] - Reverse(0.0)) }, at: [0.0])
        }.diagnostics
        XCTAssertEqual(scalar.kinks.first?.op, .abs, "the scalar tape's report, for comparison")
        XCTAssertEqual(mae.kinkCount, 2, "elements (0, 0) and (1, 0) equal their targets")
        XCTAssertEqual(mae.kinks.first?.op, .abs)
        XCTAssertEqual(mae.kinks.first?.node, tape.count - 1)
        let (_, huber) = try Diagnostics.collect { try tape.loss(.huber, x, target: target) }
        XCTAssertEqual(huber.kinkCount, 0, "Huber's slope is continuous at 0: no kink")
    }

    func testLogSumExpIsStableForLargeLogits() throws {
        // lse(1000, 1000) = 1000 + log 2; without subtracting the max, e^1000 overflows to +∞.
        let e = MatrixEvaluator<Double>()
        let v = try e.logSumExp(Matrix([[1000, 1000]]))
        XCTAssertEqual(v[0, 0], 1000 + Double.log(2), accuracy: 1e-12)
        let ls = try e.logSoftmax(Matrix([[0, -1000]]))
        XCTAssertEqual(ls[0, 1], -1000, accuracy: 1e-12)   // log(softmax) would give −∞
    }

    func testFanOutAccumulatesCotangents() throws {
        // f(X) = Σ (X ⊙ … ) written as sum(X + X): ∂/∂X = 2 everywhere.
        let tape = MatrixTape<Double>()
        let x = tape.variable(try Matrix([[1, 2], [3, 4]]))
        let y = try tape.sum(tape.add(x, x))
        XCTAssertEqual(try tape.gradients(of: y)[x].elements, [2, 2, 2, 2])
        // X·X for square X: d tr(1ᵀ X X 1)… checked against the scalar tape.
        let z = try tape.sum(tape.matmul(x, x))
        let gm = try tape.gradients(of: z)[x].elements
        let gs = try gradient(of: { (p: [Reverse<Double>]) -> Reverse<Double> in
            var s = Reverse<Double>(0)
            for i in 0..<2 { for j in 0..<2 { for k in 0..<2 { s = s + p[i * 2 + k] * p[k * 2 + j] } } }
            return s
        }, at: [1, 2, 3, 4])
        assertClose(gm, gs, 1e-14, "X·X gradient")
    }

    func testRecycledBuffersNeverChangeValuesTheCallerKept() throws {
        // Tapes hand their buffers to the next tape on the thread; a value kept from the first
        // must survive the second one's writes (copy-on-write), and results must repeat exactly.
        var g = SeededGenerator(seed: Self.seed)
        let net = try MLP<Double>(layerSizes: [5, 7, 7, 3], activation: .tanh, seed: 12)
        let x = try Matrix<Double>.random(4, 5, in: -1...1, using: &g)
        let y = try Matrix<Double>.random(4, 3, in: -1...1, using: &g)
        var kept: Matrix<Double>
        do {
            let tape = MatrixTape<Double>()
            let h = try tape.activation(.tanh, tape.matmul(tape.constant(x), tape.variable(net.layers[0].weights)))
            kept = try tape.primal(h)
        }
        let snapshot = kept.elements
        let first = try net.lossAndGradient(input: x, loss: .elementwise(.mse, target: y))
        let second = try net.lossAndGradient(input: x, loss: .elementwise(.mse, target: y))
        XCTAssertEqual(first.loss, second.loss)
        XCTAssertEqual(first.gradients, second.gradients)
        XCTAssertEqual(kept.elements, snapshot)
        kept[0, 0] += 1   // writing the kept value must not disturb later tapes either
        XCTAssertEqual(try net.lossAndGradient(input: x, loss: .elementwise(.mse, target: y)).gradients, first.gradients)
        // A tape reset and reused gives the same gradient again.
        let tape = MatrixTape<Double>()
        for _ in 0..<3 {
            tape.reset()
            let w = tape.variable(net.layers[0].weights)
            let l = try tape.sum(tape.activation(.tanh, tape.matmul(tape.constant(x), w)))
            XCTAssertEqual(try tape.gradients(of: l)[w].elements.count, 35)
        }
    }

    func testRegistryTableOrderMatchesCases() {
        for op in MatrixOp.allCases { XCTAssertEqual(op.info.op, op) }
        XCTAssertEqual(MatrixOpInfo.table.count, MatrixOp.allCases.count)
    }

    func testCountersSeeForwardAndBackwardMatrixWork() throws {
        // One dense layer, batch 4, 3 → 5: forward product 2·4·5·3 = 120 flops; backward ∂W = Xᵀ·Ḡ
        // is 2·3·5·4 = 120 more (∂X is skipped: X is a constant). Total 2 matmuls, 240 product flops.
        var g = SeededGenerator(seed: 3)
        let xm = try Matrix<Double>.random(4, 3, in: -1...1, using: &g)
        let wm = try Matrix<Double>.random(3, 5, in: -1...1, using: &g)
        let (_, forward) = try measureOperations { () throws -> Void in
            _ = try MatrixEvaluator<Double>().matmul(xm, wm)
        }
        XCTAssertEqual(forward.matmuls, 1); XCTAssertEqual(forward.flops, 120)
        XCTAssertEqual(forward.byName["matmul"], 1)
        let (_, both) = try measureOperations { () throws -> Void in
            let tape = MatrixTape<Double>()
            let w = tape.variable(wm)
            let y = try tape.sum(tape.matmul(tape.constant(xm), w))
            _ = try tape.gradients(of: y)
        }
        XCTAssertEqual(both.matmuls, 2)
        // 240 for the products, 20 for the sum forward, 20 for its VJP (1 per element).
        XCTAssertEqual(both.flops, 280)
        XCTAssertEqual(both.byName["sum"], 1); XCTAssertEqual(both.byName["sum_vjp"], 1)
        XCTAssertEqual(both.tapeEntries, 4)
    }

    /// Without a parameter, leaky ReLU's slope and ELU's α were 0, so an `MLP(activation: .elu)`
    /// was a ReLU network without a word. They are now the registry's conventional values, the
    /// ones `elu(x)` and `leaky_relu(x)` read in a formula: by hand, elu(−1) = e⁻¹ − 1 and
    /// leaky_relu(−2) = −0.02.
    func testParameterOpsDefaultToTheirConventionalParameter() throws {
        XCTAssertEqual(try ElementwiseSpec<Double>(op: .elu).parameter, 1)
        XCTAssertEqual(try ElementwiseSpec<Float>(op: .leakyRelu).parameter, 0.01)
        XCTAssertEqual(try ElementwiseSpec<Double>(op: .tanh).parameter, 0)
        XCTAssertEqual(try ElementwiseSpec<Double>(op: .elu, parameter: 0).parameter, 0, "an explicit 0 stays")
        let x = try Matrix<Double>([[-1, 2, -2]])
        let elu = try x.map(.elu).elements
        XCTAssertEqual(elu[0], Foundation.exp(-1) - 1, accuracy: 1e-16)
        XCTAssertEqual(Array(elu[1...]), [2, Foundation.expm1(-2)])
        XCTAssertEqual(try x.map(.leakyRelu).elements, [-0.01, 2, -0.02])
        // A network's hidden ELU layer keeps negative outputs (a ReLU would give 0 for them).
        let net = try MLP<Double>(layerSizes: [3, 4, 1], activation: .elu, seed: 2)
        XCTAssertEqual(net.layers[0].activation?.parameter, 1)
    }
}

/// The loss docs state who divides by what (a review found it undocumented): mse, mae, huber,
/// logCosh and binary cross-entropy by the m·n elements; KL divergence and softmax cross-entropy
/// by the m rows. Values by hand, so the docs' examples are checked too.
final class MatrixLossConventionTests: XCTestCase {
    func testElementwiseLossesAverageElementsAndDistributionLossesAverageRows() throws {
        let e = MatrixEvaluator<Double>()
        let t = try Matrix([[0.5, 0.5], [1.0, 0.0]])
        // Residuals (1, 0, 0, 2): squares sum to 5 over 4 elements; magnitudes sum to 3.
        XCTAssertEqual(try e.loss(.mse, Matrix([[1.5, 0.5], [1.0, 2.0]]), target: t)[0, 0], 1.25)
        XCTAssertEqual(try e.loss(.mae, Matrix([[1.5, 0.5], [1.0, 2.0]]), target: t)[0, 0], 0.75)
        // t(log t − x): 2·0.5(log 0.5 + 1) + 1·(0 + 2) + 0 = 3 − log 2, over 2 rows (not 4 elements).
        XCTAssertEqual(try e.loss(.klDivergence, Matrix([[-1.0, -1.0], [-2.0, -2.0]]), target: t)[0, 0],
                       (3 - Foundation.log(2.0)) / 2, accuracy: 1e-15)
        // Logits 0: softplus(0) − 0·t = log 2 per element, so log 2 over the 4 elements.
        XCTAssertEqual(try e.loss(.binaryCrossEntropyWithLogits, Matrix([[0.0, 0.0], [0.0, 0.0]]), target: t)[0, 0],
                       Foundation.log(2.0), accuracy: 1e-15)
        // Two rows of 3 equal logits: log 3 per row, so log 3 over the 2 rows.
        XCTAssertEqual(try e.softmaxCrossEntropy(Matrix([[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]), labels: [0, 2])[0, 0],
                       Foundation.log(3.0), accuracy: 1e-15)
    }
}

/// One interpreter with its arguments already wrapped, so a test can run the same body in all three.
private protocol MatrixInterpreterBox {
    func mean(_ how: Reduction) throws -> Matrix<Double>
    func loss(_ op: MatrixOp, target: Matrix<Double>) throws -> Matrix<Double>
    func apply(_ op: MatrixOp, second: Bool) throws -> Matrix<Double>
}

private protocol InterpreterBoxBase: MatrixInterpreterBox {
    associatedtype I: MatrixInterpreter where I.Scalar == Double
    var interpreter: I { get }
    var a: I.Value { get }
    var b: I.Value? { get }
}

extension InterpreterBoxBase {
    func mean(_ how: Reduction) throws -> Matrix<Double> { try interpreter.primal(interpreter.mean(a, how)) }
    func loss(_ op: MatrixOp, target: Matrix<Double>) throws -> Matrix<Double> {
        try interpreter.primal(interpreter.loss(op, a, target: target))
    }
    func apply(_ op: MatrixOp, second: Bool) throws -> Matrix<Double> {
        try interpreter.primal(interpreter.apply(op, a, second ? b : nil, MatrixAttributes()))
    }
}

private struct EvaluatorBox: InterpreterBoxBase {
    let interpreter = MatrixEvaluator<Double>()
    let a: Matrix<Double>, b: Matrix<Double>?
}

/// Tangents equal to the values, so forward mode has a direction to carry.
private struct ForwardBox: InterpreterBoxBase {
    let interpreter = MatrixForward<Double>()
    let a: MatrixDual<Double>, b: MatrixDual<Double>?
    init(a: Matrix<Double>, b: Matrix<Double>?) {
        self.a = MatrixDual(unchecked: a, tangent: a)
        self.b = b.map { MatrixDual(unchecked: $0, tangent: $0) }
    }
}

private struct TapeBox: InterpreterBoxBase {
    let interpreter = MatrixTape<Double>()
    let a: MatrixNode, b: MatrixNode?
    init(a: Matrix<Double>, b: Matrix<Double>?) {
        let tape = interpreter
        self.a = tape.variable(a)
        self.b = b.map { tape.variable($0) }
    }
}
