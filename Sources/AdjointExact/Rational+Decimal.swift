import CGMP

// Decimal forms of a rational for a person to read. 10⁻⁴⁰⁰ is 1/100…0 as p/q, 401 digits, and
// Double cannot show it either (it rounds to 0): both forms here are computed on GMP's integers,
// so they hold for values far beyond Double's range.

extension Rational {
    /// This value as `significand · 10^exponent / cofactor`: integers, the significand not
    /// divisible by 10 and carrying the sign, the cofactor the denominator's part prime to 10
    /// (1 exactly when the value is a terminating decimal). Unique, so it can be printed as the
    /// exact value; nil for NaN and 0.
    ///
    /// ```swift
    /// try Rational.parse("2e-400").powerOfTenParts                      // ("2", -400, "1")
    /// (try Rational.parse("-7") / (3 * Rational.parse("1e400"))).powerOfTenParts   // ("-7", -400, "3")
    /// ```
    public var powerOfTenParts: (significand: String, exponent: Int, cofactor: String)? {
        guard let s = storage, !isZero else { return nil }
        return s.with { q in
            withScratchIntegers(6) { z in
                let n = z, cofactor = z + 1, two = z + 2, five = z + 3, ten = z + 4, fives = z + 5
                __gmpz_set_ui(two, 2); __gmpz_set_ui(five, 5); __gmpz_set_ui(ten, 10)
                // q = 2^α·5^β·r; p/q = p·2^(k−α)·5^(k−β) / (r·10^k) with k = max(α, β).
                let alpha = Int(__gmpz_remove(cofactor, denRef(q), two))
                let beta = Int(__gmpz_remove(cofactor, cofactor, five))
                let k = Swift.max(alpha, beta)
                __gmpz_mul_2exp(n, numRef(q), mp_bitcnt_t(k - alpha))
                __gmpz_ui_pow_ui(fives, 5, UInt(k - beta))
                __gmpz_mul(n, n, fives)
                // p is prime to q, so the factors of 10 in n are those just added or p's own.
                let m = Int(__gmpz_remove(n, n, ten))
                return (Rational.decimal(n), m - k, Rational.decimal(cofactor))
            }
        }
    }

    /// |value| rounded to `digits` significant decimal digits, ties to even: `(negative, "1234",
    /// 5)` is ±1.234·10⁵. Exact for every value, however far beyond Double's range; nil for NaN,
    /// 0, or fewer than 1 digit.
    ///
    /// ```swift
    /// (try Rational.parse("2") / Rational.parse("3e400")).scientific(significantDigits: 4)   // (false, "6667", -401)
    /// ```
    public func scientific(significantDigits digits: Int) -> (negative: Bool, digits: String, exponent: Int)? {
        guard let s = storage, !isZero, digits >= 1 else { return nil }
        return s.with { q in
            withScratchIntegers(7) { z in
                let a = z, b = z + 1, quotient = z + 2, remainder = z + 3, scale = z + 4, low = z + 5, high = z + 6
                __gmpz_ui_pow_ui(low, 10, UInt(digits - 1))
                __gmpz_ui_pow_ui(high, 10, UInt(digits))
                // sizeinbase(·, 10) is exact or one too large, so this is within 2 of ⌊log₁₀|v|⌋;
                // the loop moves it until the quotient has exactly `digits` digits.
                var exponent = Int(__gmpz_sizeinbase(numRef(q), 10)) - Int(__gmpz_sizeinbase(denRef(q), 10))
                while true {
                    // quotient = ⌊|v|·10^(digits − 1 − exponent)⌋, remainder over b.
                    let k = digits - 1 - exponent
                    __gmpz_abs(a, numRef(q))
                    __gmpz_set(b, denRef(q))
                    __gmpz_ui_pow_ui(scale, 10, UInt(k.magnitude))
                    __gmpz_mul(k >= 0 ? a : b, k >= 0 ? a : b, scale)
                    __gmpz_tdiv_qr(quotient, remainder, a, b)
                    if __gmpz_cmp(quotient, high) >= 0 { exponent += 1 } else if __gmpz_cmp(quotient, low) < 0 { exponent -= 1 } else { break }
                }
                __gmpz_mul_2exp(remainder, remainder, 1)
                let half = __gmpz_cmp(remainder, b)
                if half > 0 || (half == 0 && __gmpz_tstbit(quotient, 0) == 1) {
                    __gmpz_add_ui(quotient, quotient, 1)
                    // 9.99…95 rounds up to 10.00…0: one digit more, so the next binade of ten.
                    if __gmpz_cmp(quotient, high) == 0 {
                        __gmpz_set(quotient, low)
                        exponent += 1
                    }
                }
                return (q.pointee._mp_num._mp_size < 0, Rational.decimal(quotient), exponent)
            }
        }
    }
}
