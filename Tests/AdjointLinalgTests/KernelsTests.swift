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
}
