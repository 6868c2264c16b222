import AdjointCore

// The lexer works on UTF-8 bytes: formulas are ASCII apart from stray characters, which are
// reported, and byte offsets make a 1 MB formula cheap to scan.

enum TokenKind: Equatable {
    case number, identifier
    case plus, minus, star, slash, caret
    case leftParen, rightParen, comma, semicolon, equals
    case end
}

struct Token {
    let kind: TokenKind
    /// Byte range in the source.
    let start: Int
    let end: Int
}

enum Lexer {
    /// Splits `source` into tokens, ending with one `.end` token at `source.count`.
    static func tokenize(_ source: [UInt8]) throws -> [Token] {
        var tokens: [Token] = []
        tokens.reserveCapacity(source.count / 2 + 1)
        var i = 0
        let n = source.count
        func isDigit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }
        func isIdentStart(_ b: UInt8) -> Bool { (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || b == 95 }
        while i < n {
            let b = source[i]
            switch b {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                i += 1
                continue
            default: break
            }
            let single: TokenKind?
            switch b {
            case UInt8(ascii: "+"): single = .plus
            case UInt8(ascii: "-"): single = .minus
            case UInt8(ascii: "*"): single = .star
            case UInt8(ascii: "/"): single = .slash
            case UInt8(ascii: "^"): single = .caret
            case UInt8(ascii: "("): single = .leftParen
            case UInt8(ascii: ")"): single = .rightParen
            case UInt8(ascii: ","): single = .comma
            case UInt8(ascii: ";"): single = .semicolon
            case UInt8(ascii: "="): single = .equals
            default: single = nil
            }
            if let single {
                tokens.append(Token(kind: single, start: i, end: i + 1))
                i += 1
            } else if isDigit(b) || (b == UInt8(ascii: ".") && i + 1 < n && isDigit(source[i + 1])) {
                let start = i
                while i < n && isDigit(source[i]) { i += 1 }
                if i < n && source[i] == UInt8(ascii: ".") {
                    i += 1
                    while i < n && isDigit(source[i]) { i += 1 }
                }
                if i < n && (source[i] == UInt8(ascii: "e") || source[i] == UInt8(ascii: "E")) {
                    var j = i + 1
                    if j < n && (source[j] == UInt8(ascii: "+") || source[j] == UInt8(ascii: "-")) { j += 1 }
                    guard j < n && isDigit(source[j]) else {
                        throw FormulaError(.syntax, "malformed number (exponent without digits)", at: start, in: source)
                    }
                    i = j
                    while i < n && isDigit(source[i]) { i += 1 }
                }
                if i < n && isIdentStart(source[i]) {
                    // "2x" is a product written without its operator, like "x y": say so the same way.
                    var j = i
                    while j < n && (isIdentStart(source[j]) || isDigit(source[j])) { j += 1 }
                    let number = quotedForMessage(String(decoding: source[start..<i], as: UTF8.self))
                    let name = quotedForMessage(String(decoding: source[i..<j], as: UTF8.self))
                    throw FormulaError(.syntax, "expected an operator but found '\(name)' (write \(number)*\(name), not \(number)\(name))",
                                       at: i, in: source)
                }
                if i < n && source[i] == UInt8(ascii: ".") {
                    throw FormulaError(.syntax, "malformed number", at: start, in: source)
                }
                tokens.append(Token(kind: .number, start: start, end: i))
            } else if isIdentStart(b) {
                let start = i
                while i < n && (isIdentStart(source[i]) || isDigit(source[i])) { i += 1 }
                tokens.append(Token(kind: .identifier, start: start, end: i))
            } else {
                // Show the whole character, not one byte of its UTF-8 encoding.
                var j = i + 1
                while j < n && source[j] & 0xC0 == 0x80 { j += 1 }
                let ch = String(decoding: source[i..<j], as: UTF8.self)
                throw FormulaError(.syntax, "unexpected character " + visible(ch, bytes: source[i..<j]) + lookalikeHint(ch),
                                   at: i, in: source)
            }
        }
        tokens.append(Token(kind: .end, start: n, end: n))
        return tokens
    }
}

/// A character as an error message can show it: quoted when printable, else its code point
/// (a NUL or an escape printed raw is invisible) or, for bytes that are not UTF-8, the byte.
///
/// ```swift
/// visible("\u{0}", bytes: [0][...])   // "U+0000 (a control character)"
/// ```
func visible(_ ch: String, bytes: ArraySlice<UInt8>) -> String {
    let replacement: [UInt8] = [0xEF, 0xBF, 0xBD]
    if ch == "\u{FFFD}" && !bytes.elementsEqual(replacement) {
        return "byte 0x" + String(bytes[bytes.startIndex], radix: 16, uppercase: true) + " (the text is not UTF-8)"
    }
    if let scalar = ch.unicodeScalars.first, scalar.properties.generalCategory == .control {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex + " (a control character)"
    }
    return "'\(ch)'"
}

/// What to type instead of a character that is not part of the language but looks like a piece
/// of it: formulas pasted from a paper, a web page or a word processor carry a Unicode minus, a
/// multiplication sign, superscripts or a non-breaking space, and "unexpected character '−'"
/// alone does not say that the ASCII '-' was meant.
///
/// ```swift
/// lookalikeHint("−")   // " (write '-', the ASCII minus)"
/// ```
func lookalikeHint(_ ch: String) -> String {
    switch ch {
    case "\u{2212}", "\u{2013}", "\u{2014}", "\u{2010}", "\u{2011}", "\u{FE63}", "\u{FF0D}":
        return " (write '-', the ASCII minus)"
    case "\u{00D7}", "\u{00B7}", "\u{22C5}", "\u{2217}", "\u{2219}", "\u{2022}":
        return " (write '*' for a product)"
    case "\u{00F7}", "\u{2215}", "\u{2044}":
        return " (write '/' for a quotient)"
    case "\u{00B2}", "\u{00B3}", "\u{00B9}", "\u{2070}", "\u{2074}", "\u{2075}", "\u{2076}", "\u{2077}", "\u{2078}", "\u{2079}", "\u{207B}":
        return " (write powers with '^', as x^2)"
    case "\u{221A}":
        return " (write sqrt(x))"
    case "\u{03C0}":
        return " (write pi)"
    case "\u{00A0}", "\u{2009}", "\u{202F}", "\u{2002}", "\u{2003}", "\u{200B}", "\u{FEFF}":
        return " (an invisible Unicode space, often pasted from a document: retype it as a plain space)"
    case "|":
        return " (write abs(x) for |x|)"
    case "[", "]", "{", "}":
        return " (group with '(' and ')')"
    case "\u{2211}", "\u{220F}":
        return " (there are no sums or products over an index: write the terms out)"
    case "\"", "'", "\u{201C}", "\u{201D}", "\u{2018}", "\u{2019}", "\u{00AB}", "\u{00BB}":
        // A typographic quote from a document does not quote in a shell, so it reaches the formula.
        return " (quotes are not part of a formula: in a shell, put the whole formula in ASCII quotes)"
    default:
        if let fraction = vulgarFractions[ch] { return " (write \(fraction))" }
        // Full-width forms (U+FF01 … U+FF5E) sit 0xFEE0 above their ASCII originals.
        if let scalar = ch.unicodeScalars.first, ch.unicodeScalars.count == 1, (0xFF01...0xFF5E).contains(scalar.value),
           let ascii = Unicode.Scalar(scalar.value - 0xFEE0) {
            return " (a full-width form: write the ASCII '\(Character(ascii))')"
        }
        // Names are ASCII: a Greek or accented letter would otherwise read as a typo.
        if let scalar = ch.unicodeScalars.first, scalar.properties.isAlphabetic {
            return " (variable and function names use ASCII letters, digits and '_', e.g. theta for \u{03B8})"
        }
        return ""
    }
}

/// The single-character fractions a document may carry, as the quotients the language reads.
private let vulgarFractions: [String: String] = [
    "\u{00BD}": "1/2", "\u{2153}": "1/3", "\u{2154}": "2/3", "\u{00BC}": "1/4", "\u{00BE}": "3/4",
    "\u{2155}": "1/5", "\u{2159}": "1/6", "\u{215B}": "1/8", "\u{215C}": "3/8", "\u{215D}": "5/8", "\u{215E}": "7/8",
]
