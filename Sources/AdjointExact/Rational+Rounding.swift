import CGMP

// Conversion to binary floating point with correct rounding (round to nearest, ties to even).
//
// GMP's mpq_get_d truncates, which is wrong in the last bit for about half of all values (1/10
// becomes 0x3FB9999999999999 instead of 0x3FB999999999999A). Here the quotient is computed as an
// integer with three guard bits plus a sticky bit from the remainder, which decides every case,
// ties included, and handles subnormals by rounding at the subnormal ulp directly (no double
// rounding) and overflow by rounding to infinity.

extension Rational {
    /// The Double nearest to this rational, ties to even; ±∞ beyond the range, ±0 below half the
    /// smallest subnormal; NaN for NaN.
    ///
    /// ```swift
    /// Rational(numerator: 1, denominator: 10).doubleValue == 0.1   // true (GMP's mpq_get_d gives 0.09999999999999999)
    /// Rational(numerator: 1, denominator: 3).doubleValue           // 0.3333333333333333
    /// ```
    public var doubleValue: Double { rounded(to: Double.self) }

    /// The Float nearest to this rational, ties to even (rounded once, directly: not via Double).
    public var floatValue: Float { rounded(to: Float.self) }

    /// Correct rounding into a binary format with at most 53 significand bits (Double, Float,
    /// Float16): the quotient must fit a 64-bit integer with guard bits.
    func rounded<T: BinaryFloatingPoint>(to: T.Type) -> T {
        guard let s = storage else { return .nan }
        if isZero { return 0 }
        let p = T.significandBitCount + 1                       // precision, hidden bit included
        let maxExponent = Int(T.greatestFiniteMagnitude.exponent)
        let minSubnormalExponent = Int(T.leastNonzeroMagnitude.exponent)   // ulp of subnormals
        return s.with { q -> T in
            let negative = q.pointee._mp_num._mp_size < 0
            let sign: FloatingPointSign = negative ? .minus : .plus
            // 2^(e−1) < |v| < 2^(e+1)
            let e = bitLength(numRef(q)) - bitLength(denRef(q))
            if e - 1 > maxExponent { return negative ? -T.infinity : T.infinity }
            // |v| < 2^(e+1) ≤ half the smallest subnormal: rounds to zero (the tie, too, goes to even 0).
            if e + 1 <= minSubnormalExponent - 1 { return T(sign: sign, exponent: 0, significand: 0) }

            // Q = ⌊|v|·2^k⌋ with 2^(p+2) ≤ Q < 2^(p+4): p bits, three guard bits, at most one more.
            let k = p + 3 - e
            let (big, sticky) = withScratchIntegers(4) { z -> (UInt64, Bool) in
                let a = z, b = z + 1, quotient = z + 2, remainder = z + 3
                __gmpz_abs(a, numRef(q))
                __gmpz_set(b, denRef(q))
                if k >= 0 { __gmpz_mul_2exp(a, a, mp_bitcnt_t(k)) } else { __gmpz_mul_2exp(b, b, mp_bitcnt_t(-k)) }
                __gmpz_tdiv_qr(quotient, remainder, a, b)
                return (UInt64(__gmpz_get_ui(quotient)), remainder.pointee._mp_size != 0)
            }

            // Binade of |v| and the exponent of its ulp in the format (fixed at the subnormal ulp
            // below the normal range, which is what makes subnormal rounding single-step).
            let binade = (64 - big.leadingZeroBitCount) - 1 - k
            let ulpExponent = Swift.max(binade - (p - 1), minSubnormalExponent)
            let drop = ulpExponent + k   // bits of Q below the ulp: 3…p+4, see the bounds above
            var kept = big >> UInt64(drop)
            let below = big & ((1 << UInt64(drop)) - 1)
            let half: UInt64 = 1 << UInt64(drop - 1)
            if below > half || (below == half && (sticky || kept & 1 == 1)) { kept += 1 }
            if kept == 0 { return T(sign: sign, exponent: 0, significand: 0) }
            // Rounding up may carry into the next binade; past the largest finite value it is ∞.
            if ulpExponent + (64 - kept.leadingZeroBitCount) - 1 > maxExponent {
                return negative ? -T.infinity : T.infinity
            }
            return T(sign: sign, exponent: T.Exponent(ulpExponent), significand: T(kept))
        }
    }

    /// ⌊log₂|v|⌋ exactly; nil for 0 and NaN. The binade that decides the ulp of a value.
    ///
    /// ```swift
    /// Rational(numerator: 3, denominator: 8).binaryExponent   // -2 (3/8 is in [1/4, 1/2))
    /// ```
    public var binaryExponent: Int? {
        guard let s = storage, !isZero else { return nil }
        return s.with { q in
            let e = bitLength(numRef(q)) - bitLength(denRef(q))
            // |v| ≥ 2^e  ⇔  |num| ≥ den·2^e; compare after shifting whichever side needs it.
            return withScratchIntegers(2) { z in
                let a = z, b = z + 1
                __gmpz_abs(a, numRef(q))
                __gmpz_set(b, denRef(q))
                if e >= 0 { __gmpz_mul_2exp(b, b, mp_bitcnt_t(e)) } else { __gmpz_mul_2exp(a, a, mp_bitcnt_t(-e)) }
                return __gmpz_cmp(a, b) >= 0 ? e : e - 1
            }
        }
    }
}
