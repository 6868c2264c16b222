import AdjointCore

extension Rational {
    /// This value as a constant of any scalar type, built from integer pieces with that type's
    /// own arithmetic: exact for every rational-valued scalar (`Rational`, and duals or tapes over
    /// it); for floating-point scalars, the nearest value the pieces allow.
    ///
    /// Generic code that must embed an exact constant, such as a formula literal `0.1` meaning
    /// 1/10 rather than the nearest Double, cannot name `Rational`; this is how it gets one.
    ///
    /// ```swift
    /// let c: Dual<Rational, Rational> = try Rational.parse("1/10").lifted()   // exactly 1/10, tangent 0
    /// ```
    public func lifted<T: ADScalar>(to type: T.Type = T.self) -> T {
        if isNaN { return T(Double.nan) }
        // A binary floating-point type gets the correctly rounded value: the pieces below round
        // at every step, and overflow when a numerator and denominator exceed its range.
        if T.self == Float.self { return T(Double(floatValue)) }
        if T.self is any BinaryFloatingPoint.Type { return T(doubleValue) }
        let (n, d) = decimalParts
        let q: T = Rational.integer(n) / Rational.integer(d)
        // Past Double's range the pieces are ∞ and the quotient ∞/∞ = NaN, for a value as tame as
        // 1 + 10⁻⁴⁰⁰ (a formula literal with 400 digits): take the rounded double there. Exact
        // scalars never get here (their pieces are finite).
        return q.isFiniteValue ? q : T(doubleValue)
    }

    /// A base-10 integer string as a T, 18 digits at a time (each piece fits an Int exactly).
    static func integer<T: ADScalar>(_ digits: String) -> T {
        let negative = digits.hasPrefix("-")
        let body = negative ? digits.dropFirst() : Substring(digits)
        let pieceLength = 18
        var value: T = 0
        var start = body.startIndex
        while start < body.endIndex {
            let end = body.index(start, offsetBy: pieceLength, limitedBy: body.endIndex) ?? body.endIndex
            let piece = body[start..<end]
            var scale = 1
            for _ in 0..<piece.count { scale *= 10 }
            value = value * T(scale) + T(Int(piece) ?? 0)
            start = end
        }
        return negative ? -value : value
    }
}
