import XCTest
import AdjointExact

/// The decimal forms a person reads for a rational beyond Double's range: the power of ten split
/// off, and a decimal rounded from the exact value (jac's tables show 10⁻⁴⁰⁰ through them).
final class RationalDecimalTests: XCTestCase {
    func r(_ s: String) throws -> Rational { try Rational.parse(s) }
    func ten(_ n: Int) throws -> Rational { try r("1e\(n)") }

    func testPowerOfTenPartsSplitOffTheTensAndKeepTheRest() throws {
        // By hand: 2·10⁻⁴⁰⁰ is 1/(5·10³⁹⁹) as p/q, a significand 2 once 5 is moved over; −7/(3·10⁴⁰⁰)
        // keeps 3, the part of the denominator prime to 10; 10⁴⁰⁰/3 the same above; 1/8 is
        // 125·10⁻³; 120 is 12·10¹; 7/3 has no ten to split off.
        let cases: [(Rational, String, Int, String)] = [
            (try r("2e-400"), "2", -400, "1"),
            (try r("-7") / (3 * ten(400)), "-7", -400, "3"),
            (try ten(400) / 3, "1", 400, "3"),
            (try r("1/8"), "125", -3, "1"),
            (120, "12", 1, "1"),
            (try r("7/3"), "7", 0, "3"),
            (try r("-1e-400"), "-1", -400, "1"),
            // 3/40 = 75·10⁻³; 1/(6·10⁴⁰⁰) = 5/(3·10⁴⁰¹).
            (try r("3/40"), "75", -3, "1"),
            (try 1 / (6 * ten(400)), "5", -401, "3"),
        ]
        for (q, significand, exponent, cofactor) in cases {
            let parts = try XCTUnwrap(q.powerOfTenParts, "\(q)")
            XCTAssertEqual(parts.significand, significand, "\(q)")
            XCTAssertEqual(parts.exponent, exponent, "\(q)")
            XCTAssertEqual(parts.cofactor, cofactor, "\(q)")
        }
        XCTAssertNil(Rational(0).powerOfTenParts)
        XCTAssertNil(Rational.nan.powerOfTenParts)
    }

    func testScientificIsRoundedOnceFromTheExactValueTiesToEven() throws {
        // Expected digits from Python, exactly: Fraction arithmetic, the quotient ⌊|v|·10^(15−e)⌋ and
        // its remainder compared with 1/2 (ties to even), cross-checked against
        // Decimal(p)/Decimal(q) at 50 digits, e.g. (1/300)²⁰⁰ = 3.7648619495990264198834…E-496.
        let cases: [(Rational, Bool, String, Int)] = [
            (try r("1/3"), false, "3333333333333333", -1),
            (try r("2/3"), false, "6666666666666667", -1),
            (try r("-2/3") / ten(400), true, "6666666666666667", -401),
            (try 1 / ten(400), false, "1000000000000000", -400),
            // Ties: …9|5 with an odd last digit rounds up and carries into 10; …0|5 stays even;
            // …0|51 is past the tie.
            (try r("9.9999999999999995"), false, "1000000000000000", 1),
            (try r("1.0000000000000005"), false, "1000000000000000", 0),
            (try r("1.00000000000000051"), false, "1000000000000001", 0),
            (try r("1/300"), false, "3333333333333333", -3),
        ]
        for (q, negative, digits, exponent) in cases {
            let s = try XCTUnwrap(q.scientific(significantDigits: 16), "\(q)")
            XCTAssertEqual(s.negative, negative, "\(q)")
            XCTAssertEqual(s.digits, digits, "\(q)")
            XCTAssertEqual(s.exponent, exponent, "\(q)")
        }
        var power = Rational(1)
        for _ in 0..<200 { power = power * (try r("1/300")) }
        // Python: Decimal(1)/Decimal(300**200) at 50 digits is 3.7648619495990264198834218900111162409703509768819E-496.
        let s = try XCTUnwrap(power.scientific(significantDigits: 16))
        XCTAssertEqual(s.digits, "3764861949599026")
        XCTAssertEqual(s.exponent, -496)
        // Far past Double: 10^100000/7 = 1.428571428571429·10⁹⁹⁹⁹⁹.
        let far = try XCTUnwrap((try ten(100_000) / 7).scientific(significantDigits: 16))
        XCTAssertEqual(far.digits, "1428571428571429")
        XCTAssertEqual(far.exponent, 99_999)
        XCTAssertNil(Rational(0).scientific(significantDigits: 16))
        XCTAssertNil(Rational(1).scientific(significantDigits: 0))
    }
}
