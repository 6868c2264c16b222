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
}
