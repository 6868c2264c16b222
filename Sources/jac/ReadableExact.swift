import Adjoint

/// Exact values as a table shows them. Exact mode's text is the reduced p/q, which for
/// d(x·10⁻⁴⁰⁰)/dx is a 401-digit fraction, most of a screen for one cell. Past
/// ``exactTableDigits`` digits a table shows the same value with its power of ten split off
/// (`3·10^-400`, `-7/(3·10^400)`), and where that is long too, a decimal rounded from the exact
/// value (`≈ 1.234567890123457e-400`), computed in ℚ since Double cannot hold such a value.
/// JSON and CSV keep p/q: they are read by programs, which need the value itself.
///
/// 40 digits, numerator and denominator together: such a fraction fits a column of about 41
/// characters, half an 80-column terminal, so a row of two of them still fits a line, and it holds
/// more than twice Double's 17 significant digits, so the fractions a user types (1/3, 0.1 =
/// 1/10, 123456789/1000) and what a few exact operations make of them still print whole.
let exactTableDigits = 40

/// Significant digits of a rounded exact value: the 16 that every Double has, so the decimal
/// claims no more than Double's precision while showing an exponent Double cannot hold.
let exactTableSignificantDigits = 16

/// The text a table shows for the exact value written `text` (p or p/q), and whether it is a
/// rounded decimal rather than the value (then the table says where the exact one is).
func readableExact(_ text: String) -> (text: String, rounded: Bool) {
    guard digitCount(text) > exactTableDigits, let q = Rational(text), !q.isNaN else { return (text, false) }
    if let (significand, exponent, cofactor) = q.powerOfTenParts,
       let compact = powerOfTenText(significand, exponent, cofactor), digitCount(compact) <= exactTableDigits {
        return (compact, false)
    }
    guard let (negative, digits, exponent) = q.scientific(significantDigits: exactTableSignificantDigits) else { return (text, false) }
    // C's %e form (two exponent digits at least), which Python's and every C library's read back.
    let magnitude = String(exponent.magnitude)
    let e = (exponent < 0 ? "-" : "+") + (magnitude.count < 2 ? "0" + magnitude : magnitude)
    return ("≈ " + (negative ? "-" : "") + digits.prefix(1) + "." + digits.dropFirst() + "e" + e, true)
}

/// `significand·10^exponent / cofactor` written for reading, or nil when it is p/q again (no power
/// of ten to split off, so nothing is gained).
private func powerOfTenText(_ significand: String, _ exponent: Int, _ cofactor: String) -> String? {
    guard exponent != 0 else { return nil }
    let unit = significand == "1" || significand == "-1"
    let sign = significand.hasPrefix("-") ? "-" : ""
    if cofactor == "1" {
        return unit ? "\(sign)10^\(exponent)" : "\(significand)·10^\(exponent)"
    }
    if exponent < 0 {
        return "\(significand)/(\(cofactor)·10^\(-exponent))"
    }
    return (unit ? "\(sign)10^\(exponent)" : "\(significand)·10^\(exponent)") + "/\(cofactor)"
}

private func digitCount(_ text: String) -> Int {
    text.utf8.reduce(0) { $0 + ($1 >= UInt8(ascii: "0") && $1 <= UInt8(ascii: "9") ? 1 : 0) }
}

/// A table's numbers: exact ones through ``readableExact(_:)``, remembering whether any was
/// rounded so the table can say where the exact values are.
struct TableNumbers {
    private(set) var rounded = false

    mutating func text(_ c: Cell) -> String {
        guard case .exact(let exact, _) = c else { return format(c) }
        return self.exact(exact).text
    }

    /// ``readableExact(_:)`` of `text`, remembered.
    mutating func exact(_ text: String) -> (text: String, rounded: Bool) {
        let shown = readableExact(text)
        rounded = rounded || shown.rounded
        return shown
    }

    /// The line under a table that shows a rounded value, nil when none is.
    var footnote: String? {
        rounded ? "(≈: rounded to \(exactTableSignificantDigits) significant digits from the exact value; "
            + "--format json or csv gives every value exactly as p/q)" : nil
    }
}
