import XCTest
import CGMP
import CLapack

/// One small call into each system library, with expected values worked by hand, so a broken
/// link or header is caught here rather than deep inside a feature test.
final class LinkTests: XCTestCase {
    func testGMPRationalAddition() {
        // 1/3 + 1/6 = 1/2
        var a = __mpq_struct(), b = __mpq_struct(), c = __mpq_struct()
        __gmpq_init(&a); __gmpq_init(&b); __gmpq_init(&c)
        defer { __gmpq_clear(&a); __gmpq_clear(&b); __gmpq_clear(&c) }
        __gmpq_set_si(&a, 1, 3); __gmpq_canonicalize(&a)
        __gmpq_set_si(&b, 1, 6); __gmpq_canonicalize(&b)
        __gmpq_add(&c, &a, &b)
        guard let s = __gmpq_get_str(nil, 10, &c) else { return XCTFail("mpq_get_str returned nil") }
        defer { free(s) }
        XCTAssertEqual(String(cString: s), "1/2")
    }

    func testCBLASDgemm2x2() {
        // [1 2; 3 4] · [5 6; 7 8] = [19 22; 43 50], row-major.
        let a: [Double] = [1, 2, 3, 4], b: [Double] = [5, 6, 7, 8]
        var c = [Double](repeating: 0, count: 4)
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, 2, 2, 2, 1, a, 2, b, 2, 0, &c, 2)
        XCTAssertEqual(c, [19, 22, 43, 50])
    }

    func testLAPACKEDgesvd2x2() {
        // [3 0; 4 5] has singular values 3√5 and √5 (AᵀA = [25 20; 20 25], eigenvalues 45 and 5).
        var a: [Double] = [3, 0, 4, 5]
        var s = [Double](repeating: 0, count: 2)
        var u = [Double](repeating: 0, count: 4), vt = [Double](repeating: 0, count: 4)
        var superb = [Double](repeating: 0, count: 1)
        let info = LAPACKE_dgesvd(LAPACK_ROW_MAJOR, 65 /* 'A' */, 65, 2, 2, &a, 2, &s, &u, 2, &vt, 2, &superb)
        XCTAssertEqual(info, 0)
        XCTAssertEqual(s[0], 3 * 5.0.squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(s[1], 5.0.squareRoot(), accuracy: 1e-12)
    }
}
