import AdjointCore
import CGMP

extension Rational {
    /// Parses a rational exactly from text.
    ///
    /// Accepted forms (surrounding whitespace ignored):
    /// - a fraction `[+|-]digits/digits`: "-7/12", "6/4" (reduced to "3/2");
    /// - a decimal `[+|-]digits[.digits][e[+|-]digits]`: "3", "0.125", "-2.5e-3", ".5", "1E6".
    ///   The value is the decimal number itself (0.1 is 1/10), not the nearest double;
    /// - "nan" (any case), so that ``description`` round-trips.
    ///
    /// ```swift
    /// try Rational.parse("-2.5e-3").description   // "-1/400"
    /// try Rational.parse("1/0")                   // throws: zero denominator
    /// ```
    ///
    /// - Throws: ``ADError/invalidArgument(_:)`` saying what is wrong with the text;
    ///   ``ADError/limitExceeded(what:limit:)`` when the number would exceed ``bitSizeLimit``
    ///   (checked before building it, so "1e999999999" fails fast).
    public static func parse(_ text: String) throws -> Rational {
        let bytes = Array(text.utf8.drop(while: isSpace).reversed().drop(while: isSpace).reversed())
        if bytes.isEmpty { throw ADError.invalidArgument("empty string is not a rational number") }
        let lowered = String(decoding: bytes, as: UTF8.self).lowercased()
        if lowered == "nan" { return .nan }
        func fail(_ why: String) -> ADError {
            .invalidArgument("\"\(quotedForMessage(text))\" is not a rational number: \(why)")
        }
        // "inf" used to get "no digits", true but no help: say what is wrong with it.
        if ["inf", "infinity"].contains(lowered.drop { $0 == "+" || $0 == "-" }) {
            throw fail("infinity has no rational value (exact mode needs finite inputs)")
        }

        var i = 0
        var negative = false
        if bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") {
            negative = bytes[i] == UInt8(ascii: "-")
            i += 1
        }
        func digits() -> [UInt8] {
            let start = i
            while i < bytes.count, isDigit(bytes[i]) { i += 1 }
            return Array(bytes[start..<i])
        }

        let whole = digits()
        if i < bytes.count, bytes[i] == UInt8(ascii: "/") {
            i += 1
            let den = digits()
            if whole.isEmpty { throw fail("missing numerator") }
            if den.isEmpty { throw fail("missing denominator digits") }
            if i != bytes.count { throw fail("unexpected character after the denominator") }
            if den.allSatisfy({ $0 == UInt8(ascii: "0") }) { throw fail("zero denominator") }
            try checkDigitCount(Swift.max(whole.count, den.count))
            return fromParts(negative: negative, numerator: whole, denominator: den, scale: 0)
        }

        var fraction: [UInt8] = []
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            i += 1
            fraction = digits()
        }
        if whole.isEmpty && fraction.isEmpty { throw fail("no digits") }
        var exponent = 0
        if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            i += 1
            var expNegative = false
            if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") {
                expNegative = bytes[i] == UInt8(ascii: "-")
                i += 1
            }
            let written = digits()
            if written.isEmpty { throw fail("missing exponent digits") }
            // Leading zeros add no magnitude, so they must not count toward the digit limit below
            // ("1e0000000000000000001" is 10); an all-zero exponent keeps one "0".
            let significant = written.drop { $0 == UInt8(ascii: "0") }
            let e = significant.isEmpty ? [UInt8(ascii: "0")] : Array(significant)
            // Any exponent with more than 18 digits is far past the bit-size limit anyway.
            guard e.count <= 18, let v = Int(String(decoding: e, as: UTF8.self)) else {
                throw ADError.limitExceeded(what: "decimal exponent of \"\(quotedForMessage(text))\"", limit: 999_999_999_999_999_999)
            }
            exponent = expNegative ? -v : v
        }
        if i != bytes.count { throw fail("unexpected character at offset \(i)") }

        // value = (whole.fraction) · 10^exponent = mantissa · 10^(exponent − fraction digits)
        let mantissa = whole + fraction
        // Zero is zero whatever its exponent: "0e999999999" was refused as a number too large.
        if mantissa.allSatisfy({ $0 == UInt8(ascii: "0") }) { return Rational(0) }
        let scale = exponent - fraction.count
        try checkDigitCount(mantissa.count + Swift.abs(scale))
        return fromParts(negative: negative, numerator: mantissa, denominator: [UInt8(ascii: "1")], scale: scale)
    }

    /// A decimal digit carries log₂10 ≈ 3.32 bits; refuse before building a number GMP would spend
    /// long on. A number of `count` digits has at most ⌈count·log₂10⌉ bits (all nines), so that is
    /// what is held against the limit: 4 bits a digit refused a 262,145-digit integer, 870,827
    /// bits, under the 2²⁰-bit limit.
    private static func checkDigitCount(_ count: Int) throws {
        // log₂10 = 3.3219280948…, rounded up in the ninth decimal so the bound stays an upper one.
        let scaled = count.multipliedReportingOverflow(by: 3_321_928_095)
        let bits = scaled.partialValue / 1_000_000_000 + 1
        if scaled.overflow || bits > bitSizeLimit {
            throw ADError.limitExceeded(what: "bit size of a parsed rational (\(count) decimal digits)",
                                        limit: bitSizeLimit)
        }
    }

    /// Builds ±(numerator · 10^scale) / denominator from ASCII digit strings.
    private static func fromParts(negative: Bool, numerator: [UInt8], denominator: [UInt8], scale: Int) -> Rational {
        let s = MPQStorage.make()
        s.with { q in
            // The digit arrays were validated above, so mpz_set_str cannot fail on them.
            _ = (numerator + [0]).withUnsafeBufferPointer { p in
                p.withMemoryRebound(to: CChar.self) { __gmpz_set_str(numRef(q), $0.baseAddress, 10) }
            }
            _ = (denominator + [0]).withUnsafeBufferPointer { p in
                p.withMemoryRebound(to: CChar.self) { __gmpz_set_str(denRef(q), $0.baseAddress, 10) }
            }
            if scale != 0 {
                var power = __mpz_struct()
                __gmpz_init(&power)
                __gmpz_ui_pow_ui(&power, 10, UInt(scale.magnitude))
                if scale > 0 {
                    __gmpz_mul(numRef(q), numRef(q), &power)
                } else {
                    __gmpz_mul(denRef(q), denRef(q), &power)
                }
                __gmpz_clear(&power)
            }
            if negative { __gmpz_neg(numRef(q), numRef(q)) }
            __gmpq_canonicalize(q)
        }
        return Rational(storage: s)
    }
}

private func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }
private func isSpace(_ c: UInt8) -> Bool { c == 0x20 || (c >= 0x09 && c <= 0x0D) }
