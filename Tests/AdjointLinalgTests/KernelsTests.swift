import XCTest
import AdjointCore
@testable import AdjointLinalg

final class KernelsTests: XCTestCase {
    /// The blocked NaN/∞ search finds the first bad element wherever it is: in the first block,
    /// at block boundaries (1023, 1024), in the last partial block, and the first of two.
    func testFirstNonFiniteAtEveryPosition() throws {
        let n = 3000
        for bad in [0, 1, 1023, 1024, 1025, 2047, 2999] {
            for value in [Double.nan, .infinity, -.infinity] {
                var e = [Double](repeating: 1.5, count: n)
                e[bad] = value
                if bad + 700 < n { e[bad + 700] = .nan }
                let m = try Matrix<Double>(rows: 1, cols: n, elements: e)
                XCTAssertEqual(m.firstNonFinite?.col, bad, "\(value) at \(bad)")
            }
        }
        XCTAssertNil(try Matrix<Double>(rows: 2, cols: 1500, elements: [Double](repeating: 2, count: 3000)).firstNonFinite)
        XCTAssertNil(try Matrix<Float>.zeros(0, 3).firstNonFinite)
    }

    /// The Float scan (blocks of 2048 in the C kernel) at its boundaries, signalling NaN and the
    /// largest finite value (all exponent bits but one) included.
    func testFirstNonFiniteInFloatAtBlockBoundaries() throws {
        let n = 5000
        for bad in [0, 2047, 2048, 2049, 4095, 4999] {
            for value in [Float.nan, .signalingNaN, .infinity, -.infinity] {
                var e = [Float](repeating: .greatestFiniteMagnitude, count: n)
                e[bad] = value
                let m = try Matrix<Float>(rows: 1, cols: n, elements: e)
                XCTAssertEqual(m.firstNonFinite?.col, bad, "\(value) at \(bad)")
            }
        }
        XCTAssertNil(try Matrix<Float>(rows: 1, cols: n, elements: [Float](repeating: -.greatestFiniteMagnitude, count: n)).firstNonFinite)
        XCTAssertNil(try Matrix<Double>(rows: 1, cols: 3, elements: [.leastNonzeroMagnitude, -0.0, .greatestFiniteMagnitude]).firstNonFinite)
    }

    /// The log-cosh loss of one residual d and its gradient, for Double and Float, against
    /// independent values: the Maclaurin series d²/2 − d⁴/12 + d⁶/45 − 17d⁸/2520 + 31d¹⁰/14175 for |d| ≤ 10⁻², log(cosh d)
    /// in Double elsewhere (no cancellation there: cosh d ≥ 1.1), and d/dd log cosh d = tanh d.
    /// The loss was softplus(2d) − d − log 2 and its slope 2σ(2d) − 1, both cancelling near 0:
    /// Float gave log cosh(10⁻⁴) = −6·10⁻⁸ (a negative log cosh) and a slope of 2.68·10⁻⁷ for
    /// 10⁻⁶; Double a loss 9·10⁻⁵ off (relative) at 10⁻⁶ and 0 at 10⁻⁹.
    func testLogCoshKeepsRelativeAccuracyForSmallResiduals() throws {
        func check<T: LinalgScalar>(_: T.Type, tolerance: Double) throws {
            for d0 in [1e-9, -1e-6, 1e-4, -1e-2, 0.5, -3, 19.5, -20.5, 60] {
                let x = T(d0)
                let d = Double(x)   // the residual as T holds it
                let q = d * d
                let series = q / 2 - q * q / 12 + q * q * q / 45 - 17 * q * q * q * q / 2520 + 31 * q * q * q * q * q / 14175
                let loss = Swift.abs(d) <= 1e-2 ? series : Double.log(Double.cosh(d))
                let tape = MatrixTape<T>()
                let v = tape.variable(try Matrix<T>([[x]]))
                let l = try tape.loss(.logCosh, v, target: try Matrix<T>.zeros(1, 1))
                let value = Double(try tape.primal(l)[0, 0])
                let slope = Double(try tape.gradients(of: l)[v][0, 0])
                XCTAssertEqual(value, loss, accuracy: tolerance * loss, "log cosh(\(d)) as \(T.self)")
                XCTAssertEqual(slope, Double.tanh(d), accuracy: tolerance * Swift.abs(Double.tanh(d)),
                               "d/dd log cosh at \(d) as \(T.self)")
            }
        }
        // A handful of roundings (sinh, square, log1p): 16 ULPs of each type, with room.
        try check(Double.self, tolerance: 16 * 0x1p-53)
        try check(Float.self, tolerance: 16 * 0x1p-24)
    }

    /// Sums of many Floats: the total, per-row and per-column sums, the mean and the MSE of 10⁵
    /// values in [0, 1], against the same Float values summed in Double (its own error, ≤ n·2⁻⁵³
    /// relative ≈ 10⁻¹¹, is far below the tolerance). A Float running sum was off by 6.9·10⁻⁷
    /// (the sum) and 1.4·10⁻⁵ (the MSE), 12 and 240 ULPs; at 10⁶ values 1.1·10⁻⁵ and 3.8·10⁻⁴.
    /// Now within 4 ULPs.
    func testFloatSumsOfManyElementsAreAccurate() throws {
        let (rows, cols) = (250, 400)
        var g = SeededGenerator(seed: 9)
        let x = try Matrix<Float>.random(rows, cols, in: 0...1, using: &g)
        let wide = x.elements.map { Double($0) }
        func close(_ got: Float, _ expected: Double, _ what: String) {
            XCTAssertEqual(Double(got), expected, accuracy: 4 * 0x1p-24 * Swift.abs(expected), what)
        }
        let e = MatrixEvaluator<Float>()
        close(try e.sum(x)[0, 0], wide.reduce(0, +), "sum of 10⁵ Floats")
        close(try e.mean(x)[0, 0], wide.reduce(0, +) / Double(rows * cols), "mean of 10⁵ Floats")
        close(try e.mse(x, try Matrix<Float>.zeros(rows, cols))[0, 0], wide.reduce(0) { $0 + $1 * $1 } / Double(rows * cols),
              "MSE of 10⁵ Floats")
        let perColumn = try e.sum(x, .perColumn), perRow = try e.sum(x, .perRow)
        for c in [0, 199, 399] { close(perColumn[0, c], (0..<rows).reduce(0) { $0 + wide[$1 * cols + c] }, "column \(c)") }
        for r in [0, 124, 249] { close(perRow[r, 0], wide[(r * cols)..<((r + 1) * cols)].reduce(0, +), "row \(r)") }
    }

    /// log Σ exp over a row of −∞ only (every class masked) is log 0 = −∞; it was NaN (the row
    /// maximum −∞ subtracted from itself). Its softmax is 0/0, NaN; a row with one finite entry
    /// is unaffected: log-sum-exp 0, softmax (1, 0).
    func testLogSumExpOfAFullyMaskedRowIsMinusInfinity() throws {
        let x = try Matrix<Double>([[-.infinity, -.infinity], [0, -.infinity]])
        let e = MatrixEvaluator<Double>()
        XCTAssertEqual(try e.logSumExp(x).elements, [-.infinity, 0])
        let p = try e.softmax(x)
        XCTAssertTrue(p[0, 0].isNaN && p[0, 1].isNaN, "\(p)")
        XCTAssertEqual(p[1, 0], 1); XCTAssertEqual(p[1, 1], 0)
        XCTAssertEqual(try MatrixEvaluator<Float>().logSumExp(try Matrix<Float>([[-.infinity]])).elements, [-.infinity])
    }

    /// A Float mean whose sum leaves Float's range but whose value does not: the mean of
    /// [3e38, 3e38] is 3e38 by hand (over all, per row and per column), and the MSE of four
    /// residuals of 1.5e19 is the square of one of them, 2.25e38. The sums (6e38, 9e38) were
    /// rounded to Float (+∞) before the 1/n scale, so the mean was +∞ and the MSE threw
    /// "non-finite value of the loss" (a review).
    func testFloatMeanAndLossWhoseSumOverflowsFloatStayFinite() throws {
        let e = MatrixEvaluator<Float>()
        let x = try Matrix<Float>([[3e38, 3e38]])
        XCTAssertEqual(try e.mean(x).elements, [3e38], "mean over all")
        XCTAssertEqual(try e.mean(x, .perRow).elements, [3e38], "mean per row")
        XCTAssertEqual(try e.mean(try Matrix<Float>([[3e38], [3e38]]), .perColumn).elements, [3e38], "mean per column")
        let d: Float = 1.5e19
        let loss = try e.mse(try Matrix<Float>([[d, d, d, d]]), try Matrix<Float>.zeros(1, 4))
        XCTAssertEqual(loss.elements, [d * d], "the mean of four equal squares is one of them")
        XCTAssertEqual(Double(loss[0, 0]), 2.25e38, accuracy: 2.25e38 * 0x1p-23)
    }

    /// Binary cross-entropy with logits for confident logits, one element, against mpmath (40
    /// digits) of log(1 + eˣ) − t·x and σ(x) − t. softplus(x) − t·x rounded softplus to the ulp
    /// of x first (9.2371e-14 at x = 30, 0 at x = 40) and σ(x) − t rounded σ to 1 (slope 0 at
    /// x = 40; a review). The mirrored case (x = −40, t = 0) had no cancellation and must keep its
    /// value; x = 20, t = ¾ is an ordinary one. Float checks the same cases where its range holds them.
    func testBinaryCrossEntropyWithLogitsKeepsConfidentTails() throws {
        // (x, t, loss, ∂loss/∂x) from mpmath.
        let cases: [(Double, Double, Double, Double)] = [
            (30, 1, 9.3576229688397367794e-14, -9.3576229688392989538e-14),
            (40, 1, 4.2483542552915889863e-18, -4.2483542552915889773e-18),
            (-40, 0, 4.2483542552915889863e-18, 4.2483542552915889773e-18),
            (20, 0.75, 5.0000000020611536203, 0.24999999793884638181),
        ]
        func check<T: LinalgScalar>(_: T.Type, ulps: Double) throws {
            for (x, t, loss, slope) in cases {
                let tape = MatrixTape<T>()
                let v = tape.variable(try Matrix<T>([[T(x)]]))
                let l = try tape.loss(.binaryCrossEntropyWithLogits, v, target: try Matrix<T>([[T(t)]]))
                let g = try tape.gradients(of: l)[v]
                let eps = Double(T.ulpOfOne)
                XCTAssertEqual(Double(try tape.primal(l)[0, 0]), loss, accuracy: ulps * eps * Swift.abs(loss), "\(T.self) loss at x = \(x), t = \(t)")
                XCTAssertEqual(Double(g[0, 0]), slope, accuracy: ulps * eps * Swift.abs(slope), "\(T.self) slope at x = \(x), t = \(t)")
            }
        }
        // exp, log1p and a sum or difference: a few roundings each, 8 ULPs with room.
        try check(Double.self, ulps: 8)
        try check(Float.self, ulps: 8)
    }
}
