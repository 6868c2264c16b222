/// JSON text helpers shared by every module that writes reports, so quoting and non-finite
/// numbers are handled one way everywhere.
package enum JSONText {
    /// `s` as a JSON string literal: quotes, backslashes and control characters escaped.
    package static func quoted(_ s: String) -> String {
        // Most strings (keys, op names, verdicts) need no escape: one scan of their bytes, then
        // one copy. Appending scalar by scalar was 11% of a 160,000-entry `jac check` report.
        if !s.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            return "\"" + s + "\""
        }
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }

    /// A Double as JSON: shortest round-tripping digits, or null for inf and nan, which JSON lacks.
    package static func number(_ x: Double) -> String { x.isFinite ? "\(x)" : "null" }
}
