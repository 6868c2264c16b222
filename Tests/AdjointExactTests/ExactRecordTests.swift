import XCTest
import AdjointCore
import AdjointExact

/// `record` and the forward driver ask the scalar type whether a value is finite: an exact
/// rational beyond Double's range is an exact, finite value, not an overflow.
final class ExactRecordTests: XCTestCase {
    func testRecordOnRationalsBeyondDoubleRange() throws {
        // f(x) = x¹¹⁰⁰ at x = 2: the value 2¹¹⁰⁰ and derivative 1100·2¹⁰⁹⁹ both exceed Double's range.
        let x = Rational(2)
        let rec = try record({ v in [Reverse.powi(v[0], 1100)] }, at: [x])
        XCTAssertEqual(rec.value[0], Rational.powiByMultiplication(2, 1100))
        XCTAssertTrue(rec.value[0].approximateDouble.isInfinite, "the Double view overflows")
        let g = try rec.pullback([1])
        XCTAssertEqual(g[0], Rational(1100) * Rational.powiByMultiplication(2, 1099))
        // The same through the forward driver, one direction per pass on rationals.
        let fwd = try forwardJacobian(of: { (d: [Dual<Rational, Rational>]) in [Dual.powi(d[0], 1100)] }, at: [x])
        XCTAssertEqual(fwd.jacobian[0][0], g[0])
    }
}
