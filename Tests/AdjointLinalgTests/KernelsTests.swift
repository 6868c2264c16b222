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
}
