import XCTest
import AdjointCore
import AdjointExact
import CGMP

/// The rational type on its own: text, conversions, exact arithmetic, NaN, limits.
final class RationalTests: XCTestCase {
    func r(_ s: String) throws -> Rational { try Rational.parse(s) }

    // MARK: Text

    func testParsesFractionsDecimalsAndExponentsExactly() throws {
        // Expected strings worked by hand: 0.125 = 1/8, −2.5e−3 = −25/10000 = −1/400,
        // 6/4 = 3/2, .5 = 1/2, 1E6 = 1000000, −0 = 0, 1.5e1 = 15.
        let cases: [(String, String)] = [
            ("-7/12", "-7/12"), ("3", "3"), ("0.125", "1/8"), ("-2.5e-3", "-1/400"), ("+6/4", "3/2"),
            (".5", "1/2"), ("1E6", "1000000"), ("-0", "0"), ("  1.5e1 ", "15"), ("0/5", "0"),
            ("0.1", "1/10"), ("123456789012345678901234567890", "123456789012345678901234567890"),
        ]
        for (text, expected) in cases {
            XCTAssertEqual(try r(text).description, expected, "parsing \(text)")
        }
        XCTAssertTrue(try r("nan").isNaN)
        XCTAssertEqual(Rational(numerator: 14, denominator: -24).description, "-7/12")
        XCTAssertEqual(Rational(numerator: Int.min, denominator: -1).description, "9223372036854775808")
    }

    func testMalformedTextIsATypedErrorNamingTheProblem() {
        for text in ["", "1/0", "abc", "1/", "/2", "1.2.3", "1e", "--1", "1/-2", "1 2", "e5", "."] {
            XCTAssertThrowsError(try Rational.parse(text), "\(text)") { error in
                guard case .invalidArgument(let why)? = error as? ADError else {
                    return XCTFail("\(text): expected invalidArgument, got \(error)")
                }
                XCTAssertTrue(why.contains("not a rational") || why.contains("empty"), why)
            }
            XCTAssertNil(Rational(text), text)
        }
        XCTAssertThrowsError(try Rational.parse("1/0")) { error in
            XCTAssertTrue("\(error)".contains("zero denominator"))
        }
    }

    /// "inf" was refused with "no digits" (true, but no help), and zero with a long exponent
    /// ("0e999999999", which is 0) as a number past the bit-size limit.
    func testInfinityIsNamedAndZeroWithAnyExponentIsZero() throws {
        for text in ["inf", "-inf", "+Infinity", " INF "] {
            XCTAssertThrowsError(try Rational.parse(text), text) { e in
                XCTAssertTrue("\(e)".contains("infinity has no rational value"), "\(text): \(e)")
            }
        }
        for text in ["0e999999999", "-0.000e-999999999", "00e123456789012"] {
            XCTAssertEqual(try Rational.parse(text), Rational(0), text)
        }
        XCTAssertThrowsError(try Rational.parse("1e999999999"), "a nonzero mantissa still meets the limit")
    }

    func testHugeExponentFailsFastWithLimitError() {
        for text in ["1e99999999", "1e-99999999", "1e1234567890123456789012"] {
            XCTAssertThrowsError(try Rational.parse(text)) { error in
                guard case .limitExceeded? = error as? ADError else { return XCTFail("\(text): \(error)") }
            }
        }
    }

    func testLeadingZerosOfExponentDoNotCountTowardItsDigitLimit() throws {
        // 10^1 and 10^−1 and 10^0 by hand, whatever the number of leading zeros.
        XCTAssertEqual(try Rational.parse("1e0000000000000000001"), Rational(10))
        XCTAssertEqual(try Rational.parse("25e-00000000000000000000000002"), Rational(numerator: 1, denominator: 4))
        XCTAssertEqual(try Rational.parse("7e000000000000000000000"), Rational(7))
        // Zeros do not hide a genuinely long exponent.
        XCTAssertThrowsError(try Rational.parse("1e0001234567890123456789012")) { error in
            guard case .limitExceeded? = error as? ADError else { return XCTFail("\(error)") }
        }
    }

    /// A decimal digit carries log₂10 ≈ 3.32 bits, not 4: the largest d-digit integer, 10^d − 1,
    /// has ⌈d·log₂10⌉ bits (Python's `(10**d - 1).bit_length()`: 1000 for d = 301, 1004 for 302,
    /// 870,827 for 262,145). At 4 bits a digit 301 nines (1,204 "bits") were refused under a
    /// 1000-bit limit, and a 262,145-digit integer under the default 2²⁰.
    func testTheDigitLimitIsLog2Of10BitsADigit() throws {
        let saved = Rational.bitSizeLimit
        defer { Rational.bitSizeLimit = saved }
        Rational.bitSizeLimit = 1000
        XCTAssertEqual(try Rational.parse(String(repeating: "9", count: 301)).bitWidths.numerator, 1000)
        XCTAssertThrowsError(try Rational.parse(String(repeating: "9", count: 302))) { error in
            guard case .limitExceeded? = error as? ADError else { return XCTFail("\(error)") }
        }
        Rational.bitSizeLimit = Rational.defaultBitSizeLimit
        XCTAssertEqual(try Rational.parse(String(repeating: "9", count: 262_145)).bitWidths.numerator, 870_827)
    }

    func testDescriptionRoundTripsThroughParse() throws {
        let seed: UInt64 = 0x5EED_0001
        var rng = SeededGenerator(seed: seed)
        for _ in 0..<500 {
            let q = Rational(numerator: Int.random(in: -1_000_000...1_000_000, using: &rng),
                             denominator: Int.random(in: 1...1_000_000, using: &rng))
            let back = try Rational.parse(q.description)
            XCTAssertEqual(back, q, "seed \(seed): \(q)")
            XCTAssertEqual(back.description, q.description, "seed \(seed)")
        }
    }

    // MARK: Double → ℚ is exact

    func testDoubleConversionIsExactDyadic() {
        // 0.1 as a double is 0x3FB999999999999A = 3602879701896397 · 2^−55, 2^55 = 36028797018963968.
        XCTAssertEqual(Rational(0.1).description, "3602879701896397/36028797018963968")
        XCTAssertEqual(Rational(0.375).description, "3/8")
        XCTAssertEqual(Rational(-0.0), 0)
        // The largest double is (2^53 − 1)·2^971: a 1024-bit integer. The smallest subnormal is
        // 2^−1074: numerator 1, a 1075-bit denominator.
        XCTAssertEqual(Rational(Double.greatestFiniteMagnitude).bitWidths.numerator, 1024)
        XCTAssertEqual(Rational(Double.leastNonzeroMagnitude).bitWidths.denominator, 1075)
        XCTAssertNil(Rational(exactly: .infinity))
        XCTAssertNil(Rational(exactly: .nan))
        let (q, d) = Diagnostics.collect { Rational(Double.infinity) }
        XCTAssertTrue(q.isNaN)
        XCTAssertEqual(d.errors.count, 1)
    }

    func testEveryDoubleRoundTripsBitForBit() {
        // Random bit patterns cover subnormals, huge and tiny values; exactness in and correct
        // rounding out must give back the same bits.
        let seed: UInt64 = 0x5EED_0002
        var rng = SeededGenerator(seed: seed)
        var checked = 0
        while checked < 5000 {
            let d = Double(bitPattern: rng.next())
            guard d.isFinite, d != 0 else { continue }
            XCTAssertEqual(Rational(d).doubleValue.bitPattern, d.bitPattern, "seed \(seed): \(d)")
            let f = Float(bitPattern: UInt32(truncatingIfNeeded: rng.next()))
            if f.isFinite && f != 0 {
                XCTAssertEqual(Rational(f).floatValue.bitPattern, f.bitPattern, "seed \(seed): \(f)")
            }
            checked += 1
        }
    }

    // MARK: ℚ → Double is correctly rounded

    func testToDoubleKnownCasesIncludingTiesAndRange() throws {
        // Expected values from Swift's literal parser (correctly rounded by the compiler) and from
        // hand-worked binary expansions.
        let cases: [(String, Double)] = [
            ("1/3", 1.0 / 3.0), ("2/3", 2.0 / 3.0), ("1/10", 0.1), ("-1/10", -0.1),
            ("1e23", 1e23), ("1e308", 1e308), // 10^−320 / 2^−1074 = 2024.02…, so the nearest subnormal is 2024·2^−1074.
            ("1e-320", 2024 * .leastNonzeroMagnitude), ("-1e-320", -2024 * .leastNonzeroMagnitude),
            // 2^53 + 1 is halfway between 2^53 and 2^53 + 2: ties to even → 2^53.
            ("9007199254740993", 9007199254740992),
            // 2^53 + 3 is halfway between 2^53 + 2 and 2^53 + 4: ties to even → 2^53 + 4.
            ("9007199254740995", 9007199254740996),
            // (2^63 + 2^10 + 1)/2^10 = 2^53 + 1 + 2^−10, just above that tie: rounds up to 2^53 + 2.
            ("9223372036854776833/1024", 9007199254740994),
            ("1e400", .infinity), ("-1e400", -.infinity), ("1e-400", 0),
        ]
        for (text, expected) in cases {
            XCTAssertEqual(try r(text).doubleValue.bitPattern, expected.bitPattern, text)
        }
        let two = Rational(2)
        func p2(_ k: Int) -> Rational { Rational.powi(two, k) }
        // 2^−1075 is half the smallest subnormal: a tie, to even → 0.
        XCTAssertEqual(p2(-1075).doubleValue.bitPattern, 0.0.bitPattern)
        // 3·2^−1076 = 0.75 · 2^−1074 rounds up to the smallest subnormal.
        XCTAssertEqual((3 * p2(-1076)).doubleValue, .leastNonzeroMagnitude)
        // Just above the tie at 2^−1075: rounds up.
        XCTAssertEqual((p2(-1075) + p2(-1200)).doubleValue, .leastNonzeroMagnitude)
        // 1.5·2^−1074 is a tie between 1 and 2 subnormal ulps: to even → 2·2^−1074.
        XCTAssertEqual((3 * p2(-1075)).doubleValue, 2 * .leastNonzeroMagnitude)
        // (2^53 − 1/2)·2^971 is halfway between the largest double (odd significand) and 2^1024:
        // ties to even → ∞. A hair below it rounds to the largest double.
        let tie = (p2(53) - Rational(numerator: 1, denominator: 2)) * p2(971)
        XCTAssertEqual(tie.doubleValue, .infinity)
        XCTAssertEqual((tie - 1).doubleValue, .greatestFiniteMagnitude)
        XCTAssertTrue(Rational.nan.doubleValue.isNaN)
    }

    func testGMPGetDTruncatesWhereWeRoundCorrectly() throws {
        // Shows the reference case can tell truncation from rounding: GMP's mpq_get_d gives the
        // double below 1/10, we give the nearest one.
        var q = __mpq_struct()
        __gmpq_init(&q)
        defer { __gmpq_clear(&q) }
        __gmpq_set_si(&q, 1, 10)
        XCTAssertEqual(__gmpq_get_d(&q), 0.1.nextDown)
        XCTAssertEqual(try r("1/10").doubleValue, 0.1)
    }

    func testToDoubleMatchesIEEEDivisionOnRandomFractions() {
        // IEEE division is correctly rounded, so for |p|, |q| ≤ 2^53 (exact as doubles)
        // Double(p) / Double(q) is an independent oracle; likewise Float for |p|, |q| ≤ 2^24.
        let seed: UInt64 = 0x5EED_0003
        var rng = SeededGenerator(seed: seed)
        for _ in 0..<5000 {
            let p = Int.random(in: -(1 << 53)...(1 << 53), using: &rng)
            let q = Int.random(in: 1...(1 << 53), using: &rng) >> Int.random(in: 0...50, using: &rng)
            let x = Rational(numerator: p, denominator: Swift.max(q, 1))
            XCTAssertEqual(x.doubleValue, Double(p) / Double(Swift.max(q, 1)), "seed \(seed): \(p)/\(q)")
            let pf = Int.random(in: -(1 << 24)...(1 << 24), using: &rng)
            let qf = Int.random(in: 1...(1 << 24), using: &rng)
            XCTAssertEqual(Rational(numerator: pf, denominator: qf).floatValue, Float(pf) / Float(qf),
                           "seed \(seed): \(pf)/\(qf)")
        }
    }

    // MARK: Arithmetic, order, hashing

    func testFieldOperationsAreExact() throws {
        // Worked by hand: 1/3 + 1/6 = 1/2; 1/3 · 3 = 1; (2/3)/(4/9) = 3/2; (2/3)^−3 = 27/8;
        // 1/3 − 1/2 = −1/6; (−7/12)² = 49/144.
        XCTAssertEqual(try r("1/3") + r("1/6"), try r("1/2"))
        XCTAssertEqual(try r("1/3") * 3, 1)
        XCTAssertEqual(try r("2/3") / r("4/9"), try r("3/2"))
        XCTAssertEqual(Rational.powi(try r("2/3"), -3), try r("27/8"))
        XCTAssertEqual(try r("1/3") - r("1/2"), try r("-1/6"))
        XCTAssertEqual(Rational.square(try r("-7/12")), try r("49/144"))
        XCTAssertEqual(-(try r("-7/12")), try r("7/12"))
        XCTAssertEqual(Rational.abs(try r("-7/12")), try r("7/12"))
        // 0.1 + 0.2 in ℚ is exactly 3/10 (unlike Double).
        XCTAssertEqual(try r("0.1") + r("0.2"), try r("0.3"))
        XCTAssertNotEqual(Rational(0.1) + Rational(0.2), Rational(0.3))
    }

    func testOrderHashingAndNaN() throws {
        XCTAssertTrue(try r("1/3") < r("1/2"))
        XCTAssertFalse(try r("1/2") < r("1/2"))
        XCTAssertTrue(try r("-1/2") <= r("-1/2"))
        XCTAssertEqual(Set([try r("1/2"), try r("2/4"), Rational(0.5), Rational(numerator: -3, denominator: -6)]).count, 1)
        XCTAssertEqual(try r("1/2").hashValue, Rational(0.5).hashValue)
        let nan = Rational.nan
        XCTAssertNotEqual(nan, nan)
        XCTAssertFalse(nan < 1)
        XCTAssertFalse(1 < nan)
        XCTAssertTrue((nan + 1).isNaN)
        XCTAssertTrue((2 * nan).isNaN)
        XCTAssertTrue(Rational.max(1, nan).isNaN, "max must not hide a NaN")
        XCTAssertTrue(Rational.relu(nan).isNaN, "relu must not clamp a NaN to 0")
        XCTAssertEqual(nan.description, "nan")
    }

    func testDivisionByZeroAndZeroToNegativePowerAreDomainErrors() {
        let (q, d) = Diagnostics.collect { Rational(1) / Rational(0) }
        XCTAssertTrue(q.isNaN)
        XCTAssertEqual(d.errors, [.domain(op: "div", node: nil, inputs: [1, 0], reason: "division by zero")])
        let (p, e) = Diagnostics.collect { Rational.powi(0, -2) }
        XCTAssertTrue(p.isNaN)
        XCTAssertEqual(e.errors, [.domain(op: "powi", node: nil, inputs: [0], reason: "zero raised to a negative power")])
    }

    // MARK: The scalar protocol follows the registry

    func testSupportsExactlyTheRationalClosedOpsOfTheRegistry() {
        // For each primitive: evaluate on rationals 3/4 and 1/2 (inside every domain). A
        // rational-closed op must succeed and agree with Double, whose results at these dyadic
        // inputs are exact (so Double is an independent oracle here); any other op must report
        // `unsupported` naming itself and return NaN.
        let x = Rational(numerator: 3, denominator: 4), y = Rational(numerator: 1, denominator: 2)
        for op in Op.primitives {
            let (z, d) = Diagnostics.collect { Rational.apply(op, x, y, 3) }
            if op.info.isRationalClosed {
                XCTAssertTrue(d.errors.isEmpty, "\(op.info.name): \(d.errors)")
                XCTAssertEqual(z, Rational(Double.apply(op, 0.75, 0.5, 3)), op.info.name)
            } else {
                XCTAssertTrue(z.isNaN, op.info.name)
                XCTAssertEqual(d.errors.first, .unsupported(op: op.info.name, scalarType: "Rational", node: nil))
            }
        }
    }

    func testBitSizeLimitStopsBlowUpWithATypedError() throws {
        let saved = Rational.bitSizeLimit
        defer { Rational.bitSizeLimit = saved }
        Rational.bitSizeLimit = 256
        // 3^1000 has 1585 bits > 256.
        let (q, d) = Diagnostics.collect { Rational.powi(3, 1000) }
        XCTAssertTrue(q.isNaN)
        guard case let .limitExceeded(what, limit)? = d.errors.first else { return XCTFail("\(d.errors)") }
        XCTAssertEqual(limit, 256)
        XCTAssertTrue(what.contains("bit size"), what)
        // Found by a user trial (Newton's √a at 10⁻⁶ in exact mode): the work limit's error named
        // its setting, this one did not.
        XCTAssertTrue(what.contains("Rational.bitSizeLimit"), what)
        // Just under the limit is fine: 3^161 has ⌊161·log₂3⌋ + 1 = 256 bits.
        let (ok, d2) = Diagnostics.collect { Rational.powi(3, 161) }
        XCTAssertEqual(ok.bitWidths.numerator, 256)
        XCTAssertTrue(d2.errors.isEmpty)
        XCTAssertThrowsError(try Rational.parse("1e100"))   // 333 bits > 256
    }

    // MARK: Memory

    func testNoLiveGMPValuesAfterAMillionOperations() throws {
        // The shared small-integer constants are created on first use and live for the whole
        // process; make sure they exist before taking the baseline.
        _ = Rational(1) + Rational(2)
        guard let before = Rational.liveValueCount else {
            throw XCTSkip("the live-value counter exists in debug builds only; `make leakcheck` covers release")
        }
        // 10^6 operations: 200,000 rounds of five ops each, every result dropped at once, plus
        // exact Jacobians (tapes of rationals) in between.
        do {
            // Fresh inputs each round (no accumulation: a value fed back into itself would double
            // its bit size every round).
            let a = Rational(numerator: 3, denominator: 5), b = Rational(numerator: -2, denominator: 9)
            var last = Rational.nan
            for k in 0..<200_000 {
                let x = Rational(numerator: k % 97 + 1, denominator: 13)
                let t = x * a + b
                last = t / (t * t + 1)
                if k % 20_000 == 0 {
                    _ = try exactJacobian(of: Quadratic(), at: [last, a], mode: .reverse)
                    _ = try exactJacobian(of: Quadratic(), at: [last, a], mode: .forward)
                }
            }
            XCTAssertFalse(last.isNaN)
        }
        XCTAssertEqual(Rational.liveValueCount, before, "GMP values leaked")
    }
}

/// f(x1, x2) = x1² + 5·x1·x2, shared by several test files.
struct Quadratic: ADFunction {
    var inputCount: Int? { 2 }
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] * x[0] + 5 * x[0] * x[1]] }
}

/// ``exactRankAndDeterminant(of:)`` against closed forms.
final class ExactRankAndDeterminantTests: XCTestCase {
    func testHilbertDeterminantIsTheClosedForm() throws {
        // det Hₙ = cₙ⁴ / c₂ₙ with cₙ = ∏_{i<n} i! (Hilbert 1894; Choi, "Tricks or treats with the
        // Hilbert matrix", 1983).
        func c(_ n: Int) -> Rational {
            var product: Rational = 1, factorial: Rational = 1
            for i in 1..<n { factorial = factorial * Rational(i); product = product * factorial }
            return product
        }
        for n in [1, 2, 5, 14] {
            let h = (1...n).map { i in (1...n).map { j in Rational(numerator: 1, denominator: i + j - 1) } }
            let r = try exactRankAndDeterminant(of: h)
            XCTAssertEqual(r.rank, n)
            XCTAssertEqual(r.determinant, c(n) * c(n) * c(n) * c(n) / c(2 * n), "n = \(n)")
        }
    }

    func testRankOfSingularAndRectangularMatrices() throws {
        // Row 3 = row 1 + row 2: rank 2, det 0; a zero leading column needs a row swap.
        let singular: [[Rational]] = [[1, 2, 3], [4, 5, 6], [5, 7, 9]]
        XCTAssertEqual(try exactRankAndDeterminant(of: singular).rank, 2)
        XCTAssertEqual(try exactRankAndDeterminant(of: singular).determinant, 0)
        // [[0, 1], [1, 0]]: one swap, det −1.
        XCTAssertEqual(try exactRankAndDeterminant(of: [[0, 1], [1, 0]]).determinant, -1)
        let wide = try exactRankAndDeterminant(of: [[1, 2, 3], [2, 4, 6]])
        XCTAssertEqual(wide.rank, 1)
        XCTAssertNil(wide.determinant)
        XCTAssertEqual(try exactRankAndDeterminant(of: [[0, 0], [0, 0]]).rank, 0)
        XCTAssertEqual(try exactRankAndDeterminant(of: []).rank, 0)
        // x + y and x + (1 + 10⁻²⁰)y: det 10⁻²⁰ by hand, where the rounded rows are equal.
        let close: [[Rational]] = [["1", "1"], ["1", "100000000000000000001/100000000000000000000"]]
        XCTAssertEqual(try exactRankAndDeterminant(of: close).determinant, "1/100000000000000000000")
    }

    func testBadInputAndTheWorkLimitAreTypedErrors() throws {
        XCTAssertThrowsError(try exactRankAndDeterminant(of: [[1, 2], [3]])) {
            guard case .dimensionMismatch? = $0 as? ADError else { return XCTFail("\($0)") }
        }
        XCTAssertThrowsError(try exactRankAndDeterminant(of: [[Rational(Double.nan)]])) {
            guard case .invalidArgument? = $0 as? ADError else { return XCTFail("\($0)") }
        }
        let h = (1...30).map { i in (1...30).map { j in Rational(numerator: 1, denominator: i + j - 1) } }
        XCTAssertThrowsError(try Rational.withWorkLimit(50) { try exactRankAndDeterminant(of: h) }) {
            guard case .limitExceeded? = $0 as? ADError else { return XCTFail("\($0)") }
        }
    }
}

final class RationalLiftTests: XCTestCase {
    func testLiftIsExactForRationalScalarsAndCloseForDoubles() throws {
        // 1/10 is not a dyadic rational: only an exact lift gives back exactly 1/10.
        let tenth = try Rational.parse("1/10")
        let r: Rational = tenth.lifted()
        XCTAssertEqual(r, tenth)
        XCTAssertNotEqual(Rational(0.1), tenth, "the Double 0.1 is not 1/10")
        let d: Dual<Rational, Rational> = tenth.lifted()
        XCTAssertEqual(d.value, tenth)
        XCTAssertEqual(d.tangent, 0)
        // 40 digits over 21 digits: several 18-digit pieces, negative sign.
        let big = try Rational.parse("-1234567890123456789012345678901234567890/987654321098765432109")
        XCTAssertEqual(big.lifted(to: Rational.self), big)
        XCTAssertEqual(big.lifted(to: Double.self), big.doubleValue, accuracy: 1e-15 * abs(big.doubleValue))
    }

    /// 1 + 10⁻⁴⁰⁰ (a 401-digit literal) lifted to Double was NaN: its numerator and denominator
    /// were built in Double, both overflowed to ∞, and ∞/∞ = NaN. The nearest double is 1 (by
    /// hand: 10⁻⁴⁰⁰ is far below half an ulp of 1); for a dual over Double the value is 1 with
    /// tangent 0. Floats get their own correctly rounded value: 1/3 → 0x3EAAAAAB.
    func testLiftOfALongLiteralToDoubleIsTheNearestDoubleNotNaN() throws {
        let nearlyOne = try Rational.parse("1." + String(repeating: "0", count: 399) + "1")
        XCTAssertEqual(nearlyOne.lifted(to: Double.self), 1)
        let dual: Dual<Double, Double> = nearlyOne.lifted()
        XCTAssertEqual(dual.value, 1)
        XCTAssertEqual(dual.tangent, 0)
        let huge = try Rational.parse("3e400")
        XCTAssertEqual(huge.lifted(to: Double.self), .infinity, "beyond Double's range rounds to ∞, as doubleValue does")
        XCTAssertEqual(try Rational.parse("1/3").lifted(to: Float.self).bitPattern, 0x3EAA_AAAB)
        XCTAssertEqual(nearlyOne.lifted(to: Rational.self), nearlyOne, "exact scalars stay exact")
    }
}

/// The registry's ``Linearity`` claims, checked where rounding cannot hide a curve: on exact
/// rationals a function affine along a line has g(t) = g(0) + t·(g(1) − g(0)) for every t.
final class RegistryLinearityTests: XCTestCase {
    let base = [Rational(numerator: 3, denominator: 4), Rational(numerator: 5, denominator: 7)]
    let direction = [Rational(numerator: 2, denominator: 3), Rational(numerator: -1, denominator: 5)]

    /// Whether op's primal is affine along base + t·direction, the arguments in `moved` moving
    /// and the others held, at t = 2, 5 and −3 (past 0 and 1, which fix the line).
    func isAffine(_ op: Op, moving moved: Set<Int>) -> Bool {
        func g(_ t: Rational) -> Rational {
            let a = (0..<2).map { moved.contains($0) ? base[$0] + t * direction[$0] : base[$0] }
            return Rules.primal(op, a[0], a[1], 2)
        }
        let g0 = g(0), slope = g(1) - g0
        return [2, 5, -3].allSatisfy { (t: Int) in g(Rational(t)) == g0 + Rational(t) * slope }
    }

    func testEveryDeclaredLinearityHoldsExactly() {
        var claimed = 0
        for op in Op.primitives {
            let binary = op.info.arity == 2
            switch op.info.linearity {
            case .nonlinear: continue
            case .affine:
                XCTAssertTrue(isAffine(op, moving: binary ? [0, 1] : [0]), op.info.name)
            case .affineInEach:
                XCTAssertTrue(binary, op.info.name)
                XCTAssertTrue(isAffine(op, moving: [0]), op.info.name)
                XCTAssertTrue(isAffine(op, moving: [1]), op.info.name)
            case .affineInFirst:
                XCTAssertTrue(isAffine(op, moving: [0]), op.info.name)
            }
            XCTAssertTrue(op.info.isRationalClosed, "\(op.info.name): a linearity claim must be checkable here")
            claimed += 1
        }
        // add, sub, neg, mul, div: the ops a tape analysis may walk through (AffineInputs.swift).
        XCTAssertEqual(claimed, 5)
    }

    func testTheCheckSeesWhatIsNotAffine() {
        // The same check rejects what each claim leaves out, so it is not true of everything:
        // x·y with both moving is a quadratic in t, x/y curved in y, x² and x³ in x.
        XCTAssertFalse(isAffine(.mul, moving: [0, 1]))
        XCTAssertFalse(isAffine(.div, moving: [1]))
        XCTAssertFalse(isAffine(.square, moving: [0]))
        XCTAssertFalse(isAffine(.powi, moving: [0]))
    }
}
