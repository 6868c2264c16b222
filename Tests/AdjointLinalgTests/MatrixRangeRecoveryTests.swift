import XCTest
import AdjointCore
@testable import AdjointLinalg

/// The matrix tape's sweep and the MLP's directional derivative recover a term lost below the
/// least normal number, as the scalar modes do (RangeRecovery). Expected values by hand.
final class MatrixRangeRecoveryTests: XCTestCase {
    /// Σ (X³⁰⁰)⁻¹·W at X = 10, W = 2: by hand ∂/∂X = −300·10⁻³⁰¹·2 = −6·10⁻²⁹⁹ and ∂/∂W = 10⁻³⁰⁰.
    /// The adjoint of X³⁰⁰ is −2·10⁻⁶⁰⁰, 0 in Double, so the sweep gave 0 for ∂/∂X.
    func testTheSweepRecoversAnAdjointLostBelowTheRange() throws {
        let tape = MatrixTape<Double>()
        let x = tape.variable(try Matrix([[10.0]]))
        let w = tape.variable(try Matrix([[2.0]]))
        let z = try tape.activation(.powi, try tape.activation(.powi, x, exponent: 300), exponent: -1)
        let loss = try tape.sum(try tape.matmul(z, w))
        XCTAssertEqual(try tape.gradients(of: loss, range: .off)[x].elements, [0], "the sweep as it runs loses the term")
        let g = try tape.gradients(of: loss)
        XCTAssertEqual(try g[x][0, 0], -6e-299, accuracy: 1e-13 * 6e-299)
        XCTAssertEqual(try g[w][0, 0], 1e-300, accuracy: 1e-13 * 1e-300)
    }

    /// Σ (X³⁰⁰)⁻¹ + W·10³⁰⁰ at X = 10, W = 1: by hand ∂/∂X = −3·10⁻²⁹⁹, ∂/∂W = 10³⁰⁰. X's entry
    /// needs a lift near 2¹⁰²², and every lift overflows W's: a lifted sweep must leave W's entry
    /// ∞ rather than throw for it and lose X's.
    func testALiftedSweepThatOverflowsOneVariableRecoversAnother() throws {
        let tape = MatrixTape<Double>()
        let x = tape.variable(try Matrix([[10.0]]))
        let w = tape.variable(try Matrix([[1.0]]))
        let z = try tape.activation(.powi, try tape.activation(.powi, x, exponent: 300), exponent: -1)
        let loss = try tape.add(try tape.sum(z), try tape.sum(try tape.matmul(w, tape.constant(try Matrix([[1e300]])))))
        let g = try tape.gradients(of: loss)
        XCTAssertEqual(try g[x][0, 0], -3e-299, accuracy: 1e-13 * 3e-299)
        XCTAssertEqual(try g[w][0, 0], 1e300)
    }

    /// Σ X³⁰⁰·A·B for 16×16 X of tens and A = B = 10⁻²⁰⁰·I: by hand every ∂/∂X is
    /// 300·10²⁹⁹·10⁻⁴⁰⁰ = 3·10⁻⁹⁹. The adjoint of X³⁰⁰, 10⁻⁴⁰⁰, is made by the BLAS's gemm, whose
    /// vector instructions raise the underflow flag the recovery reads.
    func testAnAdjointLostInsideTheGemmIsRecovered() throws {
        let n = 16
        let tape = MatrixTape<Double>()
        let x = tape.variable(Matrix(uncheckedRows: n, cols: n, repeating: 10))
        var scaled = Matrix<Double>(uncheckedRows: n, cols: n)
        for i in 0..<n { scaled[i, i] = 1e-200 }
        let a = tape.constant(scaled), b = tape.constant(scaled)
        let loss = try tape.sum(try tape.matmul(try tape.matmul(try tape.activation(.powi, x, exponent: 300), a), b))
        XCTAssertTrue(try tape.gradients(of: loss, range: .off)[x].elements.allSatisfy { $0 == 0 })
        for e in try tape.gradients(of: loss)[x].elements {
            XCTAssertEqual(e, 3e-99, accuracy: 1e-13 * 3e-99)
        }
    }

    /// The same with two BLAS threads, 128×128, and the lost adjoints only in the last 8 columns,
    /// the part of the product OpenBLAS gives its worker thread, whose underflow flag no one reads
    /// (it came out 0 there before Matrix.gemm raised the flag itself). A and B are diagonal with
    /// a_j = b_j = 10⁻²⁰⁰ in those columns and 10⁻¹⁰⁰ elsewhere: by hand ∂/∂X_ij = 300·10²⁹⁹·a_j·b_j,
    /// 3·10⁻⁹⁹ and 3·10¹⁰¹. On a one-core machine OpenBLAS keeps one thread and the test still holds.
    func testAnAdjointLostOnABLASWorkerThreadIsRecovered() throws {
        let threadsBefore = BLAS.threadCount
        BLAS.setThreadCount(2)
        defer { BLAS.setThreadCount(threadsBefore) }
        let n = 128, lost = 120..<128
        let tape = MatrixTape<Double>()
        let x = tape.variable(Matrix(uncheckedRows: n, cols: n, repeating: 10))
        var scaled = Matrix<Double>(uncheckedRows: n, cols: n)
        for j in 0..<n { scaled[j, j] = lost.contains(j) ? 1e-200 : 1e-100 }
        let a = tape.constant(scaled), b = tape.constant(scaled)
        let loss = try tape.sum(try tape.matmul(try tape.matmul(try tape.activation(.powi, x, exponent: 300), a), b))
        let g = try tape.gradients(of: loss)[x]
        for i in 0..<n {
            for j in 0..<n {
                let expected = lost.contains(j) ? 3e-99 : 3e101
                XCTAssertEqual(try g[i, j], expected, accuracy: 1e-13 * expected, "∂/∂X(\(i), \(j))")
            }
        }
    }

    /// Forward mode the same way: (X·A)·C at X = 1 (128×128) along V = 10⁻²⁰⁰, two BLAS threads,
    /// A and C diagonal with a_j = 10⁻²⁰⁰, c_j = 10²⁰⁰ in the last 8 columns and 1 elsewhere: by
    /// hand every tangent entry is v·a_j·c_j = 10⁻²⁰⁰. V·A's 10⁻⁴⁰⁰ is lost on the worker thread.
    func testATangentLostOnABLASWorkerThreadIsRecovered() throws {
        let threadsBefore = BLAS.threadCount
        BLAS.setThreadCount(2)
        defer { BLAS.setThreadCount(threadsBefore) }
        let n = 128, lost = 120..<128
        var a = Matrix<Double>(uncheckedRows: n, cols: n), c = Matrix<Double>(uncheckedRows: n, cols: n)
        for j in 0..<n {
            a[j, j] = lost.contains(j) ? 1e-200 : 1
            c[j, j] = lost.contains(j) ? 1e200 : 1
        }
        let x = Matrix<Double>(uncheckedRows: n, cols: n, repeating: 1)
        let v = Matrix<Double>(uncheckedRows: n, cols: n, repeating: 1e-200)
        let (y, dy) = try MatrixForward.jvp(at: [x], along: [v]) { m, p in
            try m.matmul(try m.matmul(p[0], m.constant(a)), m.constant(c))
        }
        for i in 0..<n {
            for j in 0..<n {
                XCTAssertEqual(try y[i, j], 1, accuracy: 1e-14, "value (\(i), \(j))")
                XCTAssertEqual(try dy[i, j], 1e-200, accuracy: 1e-13 * 1e-200, "tangent (\(i), \(j))")
            }
        }
    }

    /// Float: Σ (X³⁰)⁻¹ at X = 10: by hand −30·10⁻³¹ = −3·10⁻³⁰; the adjoint of X³⁰, −10⁻⁶⁰, is 0 in Float.
    func testFloatRecoversItsOwnRange() throws {
        let tape = MatrixTape<Float>()
        let x = tape.variable(try Matrix<Float>([[10, 10]]))
        let loss = try tape.sum(try tape.activation(.powi, try tape.activation(.powi, x, exponent: 30), exponent: -1))
        XCTAssertEqual(try tape.gradients(of: loss, range: .off)[x].elements, [0, 0])
        for e in try tape.gradients(of: loss)[x].elements {
            XCTAssertEqual(e, -3e-30, accuracy: 1e-5 * 3e-30)
        }
    }

    /// uᵀJ of (X¹⁶¹)⁻¹ at X = (1, 10) with u = (10³⁰⁰, 1): by hand the second entry is
    /// −161·10⁻¹⁶² = −1.61·10⁻¹⁶⁰. Its adjoint of X¹⁶¹, −10⁻³²², is subnormal (about 4 bits), and
    /// the seed's 10³⁰⁰ allows lifts up to 2²⁶ only, which leave it subnormal: the entry is an error
    /// naming it, rather than the raw number, which is far off.
    func testAnEntryNoLiftSettlesIsAnErrorNamingIt() throws {
        let tape = MatrixTape<Double>()
        let x = tape.variable(try Matrix([[1.0, 10]]))
        let z = try tape.activation(.powi, try tape.activation(.powi, x, exponent: 161), exponent: -1)
        let u = try Matrix([[1e300, 1.0]])
        let raw = try tape.gradients(of: z, seed: u, range: .off)[x].elements
        XCTAssertEqual(raw[0], -1.61e302, accuracy: 1e-13 * 1.61e302)
        XCTAssertGreaterThan(abs(raw[1] / -1.61e-160 - 1), 1e-3, "the raw sweep loses digits here")
        XCTAssertThrowsError(try tape.gradients(of: z, seed: u)) { error in
            guard case let ADError.rangeLoss(what, _)? = error as? ADError else { return XCTFail("\(error)") }
            XCTAssertTrue(what.contains("(0, 1)") && what.contains("node \(x.index)"), what)
        }
        // Keeping the unsettled entry: the first is unchanged, the second is no error.
        let kept = try tape.gradients(of: z, seed: u, range: .keepingUnsettled)[x].elements
        XCTAssertEqual(kept[0], raw[0])
        XCTAssertTrue(kept[1].isFinite && kept[1] < 0)
    }

    /// A sweep whose underflow is harmless keeps its values exactly, and the caller's flag is as
    /// it was: the gradient of Σ exp(−X²)·X at X = (30, 0.5) (exp(−900) is subnormal, 0 after
    /// the product with its partial) equals the one computed with recovery off.
    func testAHarmlessUnderflowChangesNothing() throws {
        let tape = MatrixTape<Double>()
        let x = tape.variable(try Matrix([[30.0, 0.5]]))
        let e = try tape.activation(.exp, try tape.activation(.neg, try tape.activation(.square, x)))
        let loss = try tape.sum(e)
        let off = try tape.gradients(of: loss, range: .off)[x].elements
        let on = try tape.gradients(of: loss)[x].elements
        XCTAssertEqual(on, off)
        // By hand: −2·0.5·exp(−0.25).
        XCTAssertEqual(on[1], -exp(-0.25), accuracy: 1e-15)
    }

    /// One layer 1/(x·W₁) at x = 1, W₁ = 10¹⁷⁰, a linear layer W₂ = 10¹⁷⁰ and the squared error
    /// against 0: out = 1, and along W₁ by hand d loss = 2·out·W₂·(−1/W₁²) = −2·10⁻¹⁷⁰. The tangent
    /// of the reciprocal, −10⁻³⁴⁰, is 0 in Double: the forward pass gave 0. Reverse mode, whose
    /// adjoints stay in range here, agrees.
    func testTheMLPsDirectionalDerivativeRecoversALostTangent() throws {
        let net = try MLP<Double>(layers: [
            try DenseLayer(weights: try Matrix([[1e170]]), bias: try Matrix([[0.0]]),
                           activation: try ElementwiseSpec(op: .powi, exponent: -1)),
            try DenseLayer(weights: try Matrix([[1e170]]), bias: try Matrix([[0.0]]), activation: nil),
        ])
        let loss = MLPLoss<Double>.elementwise(.mse, target: try Matrix([[0.0]]))
        let direction = [LayerParameters(weights: try Matrix([[1.0]]), bias: try Matrix([[0.0]])),
                         LayerParameters(weights: try Matrix([[0.0]]), bias: try Matrix([[0.0]]))]
        let (value, d) = try net.lossAndDirectionalDerivative(input: try Matrix([[1.0]]), loss: loss, direction: direction)
        XCTAssertEqual(value, 1, accuracy: 1e-14)
        XCTAssertEqual(d, -2e-170, accuracy: 1e-13 * 2e-170)
        let g = try net.lossAndGradient(input: try Matrix([[1.0]]), loss: loss).gradients
        XCTAssertEqual(g[0].weights[0, 0], -2e-170, accuracy: 1e-13 * 2e-170)
    }

    /// 10³⁰⁰/X at the column X = (10¹⁷⁰, 1) along (1, 1): by hand −10³⁰⁰/x² = (−10⁻⁴⁰, −10³⁰⁰).
    /// The reciprocal's tangent at 10¹⁷⁰, −10⁻³⁴⁰, is 0 in Double, and every lift that keeps it
    /// overflows the other entry: a lifted pass must leave that entry ∞, not throw away the pass.
    func testMatrixForwardJVPRecoversEntryByEntry() throws {
        let x = try Matrix([[1e170], [1.0]]), v = try Matrix([[1.0], [1.0]])
        let program = { (m: MatrixForward<Double>, p: [MatrixDual<Double>]) throws -> MatrixDual<Double> in
            try m.matmul(try m.activation(.powi, p[0], exponent: -1), m.constant(try Matrix([[1e300]])))
        }
        let raw = try MatrixForward.jvp(at: [x], along: [v], range: .off, program).tangent
        XCTAssertEqual(raw.elements, [0, -1e300], "the pass as it runs loses the first entry")
        let (y, dy) = try MatrixForward.jvp(at: [x], along: [v], program)
        XCTAssertEqual(y[0, 0], 1e130, accuracy: 1e-14 * 1e130)
        XCTAssertEqual(dy[0, 0], -1e-40, accuracy: 1e-13 * 1e-40)
        XCTAssertEqual(dy[1, 0], -1e300, accuracy: 1e-14 * 1e300)
        // Ops applied by hand give the pass as it ran, as documented.
        let fwd = MatrixForward<Double>()
        let byHand = try program(fwd, [try MatrixDual(value: x, tangent: v)])
        XCTAssertEqual(byHand.tangent?.elements, [0, -1e300])
    }

    /// The doc comment's example of MatrixForward.jvp, with its value checked by hand:
    /// d/dt Σ tanh(a + t·v) = Σ (1 − tanh²(a))·v.
    func testTheJVPDocExample() throws {
        let a = try Matrix([[0.5, -1.0]]), v = try Matrix([[2.0, 3.0]])
        let (y, dy) = try MatrixForward<Double>.jvp(at: [a], along: [v]) { m, x in
            try m.sum(m.activation(.tanh, x[0]))
        }
        XCTAssertEqual(y[0, 0], tanh(0.5) + tanh(-1.0), accuracy: 1e-15)
        let expected = (1 - tanh(0.5) * tanh(0.5)) * 2 + (1 - tanh(-1.0) * tanh(-1.0)) * 3
        XCTAssertEqual(dy[0, 0], expected, accuracy: 1e-14)
        XCTAssertThrowsError(try MatrixForward<Double>.jvp(at: [a], along: []) { m, x in x[0] })
        // A NaN direction is an error even through a program that applies no op (a review).
        XCTAssertThrowsError(try MatrixForward<Double>.jvp(at: [a], along: [try Matrix([[Double.nan, 1]])]) { m, x in x[0] }) { error in
            guard case ADError.nonFinite(let what, _, _)? = error as? ADError else { return XCTFail("\(error)") }
            XCTAssertTrue(what.contains("direction 0 element (0, 0)"), what)
        }
    }
}
