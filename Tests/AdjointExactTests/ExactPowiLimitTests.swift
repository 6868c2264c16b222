import XCTest
import AdjointCore
import AdjointExact

/// x^Int.min in exact mode: the derivative n·x^(n−1) has no n − 1 in Int, and the forward pass
/// trapped there. Both exact modes now report the exponent as out of range (the fix is in the
/// core's powi rule; this mode reaches it through Dual<Rational>).
final class ExactPowiLimitTests: XCTestCase {
    private struct PowIntMin: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.powi(x[0], .min)] }
    }

    func testIntMinExponentIsALimitNotATrap() {
        for mode in [JacobianMode.forward, .reverse] {
            XCTAssertThrowsError(try exactJacobian(of: PowIntMin(), at: [Rational(1)], mode: mode), "\(mode)") { e in
                guard case ADError.limitExceeded = e else { return XCTFail("\(mode): \(e)") }
            }
        }
    }

    private struct HugePower: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.powi(x[0], 2_147_483_647)] }
    }

    /// x^n past the bit limit was reported by the squaring that overflowed, "(in mul; …)", for a
    /// function with no product: the report names the power. 2^2147483647 has 2147483648 bits
    /// and 3^(2²⁰) at least 2²⁰·log₂3 ≈ 1.66·10⁶, both past the default 2²⁰.
    func testAPowerPastTheBitLimitIsReportedAsThePower() {
        let (_, d) = Diagnostics.collect { Rational.apply(.powi, Rational(3), Rational(3), 1 << 20) }
        guard case ADError.limitExceeded(let what, let limit)? = d.errors.first else { return XCTFail("\(d.errors)") }
        XCTAssertTrue(what.contains("in powi"), what)
        XCTAssertEqual(limit, Rational.defaultBitSizeLimit)
        for mode in [JacobianMode.forward, .reverse] {
            XCTAssertThrowsError(try exactJacobian(of: HugePower(), at: [Rational(2)], mode: mode), "\(mode)") { e in
                guard case ADError.limitExceeded(let what, _) = e else { return XCTFail("\(mode): \(e)") }
                XCTAssertTrue(what.contains("in powi") && !what.contains("in mul"), "\(mode): \(what)")
            }
        }
    }

    /// The refusal is only for powers certainly past the limit: 2^(2²⁰ − 1) has exactly 2²⁰ bits
    /// (2^k has k + 1), which the limit admits, and is computed.
    func testAPowerAtTheBitLimitIsStillComputed() {
        let k = (1 << 20) - 1
        let (y, d) = Diagnostics.collect { Rational.apply(.powi, Rational(2), Rational(2), k) }
        XCTAssertTrue(d.errors.isEmpty, "\(d.errors)")
        XCTAssertEqual(y.bitWidths.numerator, 1 << 20)
        XCTAssertEqual(y.bitWidths.denominator, 1)
        let (z, e) = Diagnostics.collect { Rational.apply(.powi, Rational(2), Rational(2), -k) }
        XCTAssertTrue(e.errors.isEmpty, "\(e.errors)")
        XCTAssertEqual(z.bitWidths.denominator, 1 << 20)
    }

    private struct Square: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.square(x[0])] }
    }

    /// square is refused past the limit under its own name, as powi is: `jac jacobian
    /// "square(x^500000)" --at x=3 --mode exact` said "(in mul; …)" of a formula with no product.
    /// 2^(2¹⁹) has 2¹⁹ + 1 bits, so its square 2^(2²⁰) has 2²⁰ + 1, one past the default limit;
    /// 2^(2¹⁹ − 1)'s square 2^(2²⁰ − 2) has 2²⁰ − 1 bits and is computed.
    func testASquarePastTheBitLimitIsReportedAsTheSquare() {
        let big = Rational.apply(.powi, Rational(2), Rational(2), 1 << 19)
        let (_, d) = Diagnostics.collect { Rational.apply(.square, big, big, 0) }
        guard case ADError.limitExceeded(let what, let limit)? = d.errors.first else { return XCTFail("\(d.errors)") }
        XCTAssertTrue(what.contains("in square") && !what.contains("in mul"), what)
        XCTAssertEqual(limit, Rational.defaultBitSizeLimit)
        for mode in [JacobianMode.forward, .reverse] {
            XCTAssertThrowsError(try exactJacobian(of: Square(), at: [big], mode: mode), "\(mode)") { e in
                guard case ADError.limitExceeded(let what, _) = e else { return XCTFail("\(mode): \(e)") }
                XCTAssertTrue(what.contains("in square") && !what.contains("in mul"), "\(mode): \(what)")
            }
        }
        let below = Rational.apply(.powi, Rational(2), Rational(2), (1 << 19) - 1)
        let (y, e) = Diagnostics.collect { Rational.apply(.square, below, below, 0) }
        XCTAssertTrue(e.errors.isEmpty, "\(e.errors)")
        XCTAssertEqual(y.bitWidths.numerator, (1 << 20) - 1)
    }

    private struct Reciprocal: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.powi(x[0], -1) + x[1]] }
    }

    /// x⁻¹ + y at x = 0 divides nothing: the op outside its domain is the power (0 to a negative
    /// power), as the Double modes report it. Exact reverse mode named a division instead, the
    /// 1/0 that squaring computes for a negative exponent, since a tape evaluates an op's primal
    /// before its domain check.
    func testZeroToANegativePowerIsReportedAsThePowerInBothExactModes() {
        for mode in [JacobianMode.forward, .reverse] {
            XCTAssertThrowsError(try exactJacobian(of: Reciprocal(), at: [Rational(0), Rational(1)], mode: mode), "\(mode)") { e in
                guard case ADError.domain(let op, _, _, let reason) = e else { return XCTFail("\(mode): \(e)") }
                XCTAssertEqual(op, "powi", "\(mode): \(e)")
                XCTAssertEqual(reason, "zero raised to a negative power", "\(mode)")
            }
        }
    }
}
