import Adjoint

/// A small JSON reader for the claimed-Jacobian files and the program protocol.
///
/// Foundation's JSONSerialization rejects `NaN` and `Infinity`, which Python's `json.dumps`
/// writes for non-finite floats; a program returning NaN must be reported as an evaluation
/// failure (status 3), not as a protocol error, so those tokens are accepted here (and `null`
/// in a number position reads as NaN). Nesting is capped, so the recursion depth is bounded
/// whatever the input.
enum MiniJSON: Equatable {
    case number(Double)
    case string(String)
    case bool(Bool)
    case null
    case array([MiniJSON])
    case object([(String, MiniJSON)])

    static func == (l: MiniJSON, r: MiniJSON) -> Bool {
        switch (l, r) {
        case (.number(let a), .number(let b)): return a == b || (a.isNaN && b.isNaN)
        case (.string(let a), .string(let b)): return a == b
        case (.bool(let a), .bool(let b)): return a == b
        case (.null, .null): return true
        case (.array(let a), .array(let b)): return a == b
        case (.object(let a), .object(let b)): return a.map(\.0) == b.map(\.0) && a.map(\.1) == b.map(\.1)
        default: return false
        }
    }

    /// The deepest nesting accepted: a Jacobian list per point is 3 deep, a protocol reply 3.
    static let maxDepth = 16

    struct ParseError: Error, CustomStringConvertible {
        let offset: Int
        let reason: String
        /// Well-formed JSON holding a number Double cannot hold: callers say so instead of
        /// "invalid JSON".
        var outOfRange = false
        var description: String { "\(reason) at character \(offset + 1)" }
    }

    static func parse(_ text: String) throws -> MiniJSON {
        var p = Parser(bytes: Array(text.utf8))
        p.skipSpace()
        let v = try p.value(depth: 0)
        p.skipSpace()
        guard p.i == p.bytes.count else { throw ParseError(offset: p.i, reason: "unexpected text after the JSON value") }
        return v
    }

    subscript(key: String) -> MiniJSON? {
        guard case .object(let pairs) = self else { return nil }
        return pairs.last { $0.0 == key }?.1
    }

    var numberValue: Double? {
        switch self {
        case .number(let d): return d
        case .null: return .nan
        default: return nil
        }
    }

    private struct Parser {
        let bytes: [UInt8]
        var i = 0

        mutating func skipSpace() {
            while i < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[i]) { i += 1 }
        }

        mutating func literal(_ word: String) -> Bool {
            let w = Array(word.utf8)
            guard i + w.count <= bytes.count, Array(bytes[i..<i + w.count]) == w else { return false }
            i += w.count
            return true
        }

        mutating func value(depth: Int) throws -> MiniJSON {
            guard depth <= MiniJSON.maxDepth else { throw ParseError(offset: i, reason: "nested deeper than \(MiniJSON.maxDepth) levels") }
            guard i < bytes.count else { throw ParseError(offset: i, reason: "unexpected end of input") }
            switch bytes[i] {
            case UInt8(ascii: "["):
                i += 1
                var items: [MiniJSON] = []
                skipSpace()
                if i < bytes.count, bytes[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
                while true {
                    skipSpace()
                    items.append(try value(depth: depth + 1))
                    skipSpace()
                    guard i < bytes.count else { throw ParseError(offset: i, reason: "unterminated array") }
                    if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                    if bytes[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
                    throw ParseError(offset: i, reason: "expected ',' or ']' in array")
                }
            case UInt8(ascii: "{"):
                i += 1
                var pairs: [(String, MiniJSON)] = []
                skipSpace()
                if i < bytes.count, bytes[i] == UInt8(ascii: "}") { i += 1; return .object(pairs) }
                while true {
                    skipSpace()
                    guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw ParseError(offset: i, reason: "expected a quoted key") }
                    let key = try string()
                    skipSpace()
                    guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw ParseError(offset: i, reason: "expected ':' after a key") }
                    i += 1
                    skipSpace()
                    pairs.append((key, try value(depth: depth + 1)))
                    skipSpace()
                    guard i < bytes.count else { throw ParseError(offset: i, reason: "unterminated object") }
                    if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                    if bytes[i] == UInt8(ascii: "}") { i += 1; return .object(pairs) }
                    throw ParseError(offset: i, reason: "expected ',' or '}' in object")
                }
            case UInt8(ascii: "\""):
                return .string(try string())
            default:
                if literal("true") { return .bool(true) }
                if literal("false") { return .bool(false) }
                if literal("null") { return .null }
                if literal("NaN") { return .number(.nan) }
                if literal("Infinity") { return .number(.infinity) }
                if literal("-Infinity") { return .number(-.infinity) }
                return .number(try number())
            }
        }

        mutating func number() throws -> Double {
            let start = i
            while i < bytes.count, (bytes[i] >= 48 && bytes[i] <= 57) || [0x2B, 0x2D, 0x2E, 0x65, 0x45].contains(bytes[i]) { i += 1 }
            let text = String(decoding: bytes[start..<i], as: UTF8.self)
            guard i > start, let d = Double(text) else {
                throw ParseError(offset: start, reason: "expected a JSON value")
            }
            // Refused rather than changed: a claimed entry or a program's output of 1e-400 was read
            // as 0 and judged as 0, and 1e400 as "not finite", which the writer never printed.
            if let problem = numberRangeProblem(text, d) { throw ParseError(offset: start, reason: problem, outOfRange: true) }
            return d
        }

        mutating func string() throws -> String {
            i += 1
            var out: [UInt8] = []
            while i < bytes.count {
                let c = bytes[i]
                if c == UInt8(ascii: "\"") { i += 1; return String(decoding: out, as: UTF8.self) }
                if c == UInt8(ascii: "\\") {
                    guard i + 1 < bytes.count else { break }
                    let e = bytes[i + 1]
                    switch e {
                    case UInt8(ascii: "n"): out.append(0x0A)
                    case UInt8(ascii: "t"): out.append(0x09)
                    case UInt8(ascii: "r"): out.append(0x0D)
                    case UInt8(ascii: "u"):
                        // Keys and messages only; keep the escape verbatim rather than decode UTF-16.
                        out.append(contentsOf: Array("\\u".utf8))
                    default: out.append(e)
                    }
                    i += 2
                    continue
                }
                out.append(c)
                i += 1
            }
            throw ParseError(offset: i, reason: "unterminated string")
        }
    }
}

/// Why a decimal number's text cannot be read as a Double without changing it (it overflows to
/// ±∞, or it is not 0 but rounds to 0), or nil; `value` is what `Double(text)` gave.
///
/// ```swift
/// numberRangeProblem("1e-400", 0)   // "number '1e-400' is not 0 but underflows to 0 in Double (below 4.9e-324)"
/// numberRangeProblem("0.0", 0)      // nil
/// ```
func numberRangeProblem(_ text: String, _ value: Double) -> String? {
    if value.isInfinite { return "number '\(quoted(text))' overflows Double (beyond ±1.8e308)" }
    // The same test the formula reader and --at use for a literal that is not 0.
    if value == 0 && literalHasNonzeroDigit(text) {
        return "number '\(quoted(text))' is not 0 but underflows to 0 in Double (below 4.9e-324)"
    }
    return nil
}
