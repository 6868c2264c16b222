import AdjointCore
// A minimal JSON writer with a fixed key order, so reports are byte-for-byte reproducible
// (no dictionary iteration order, no locale-dependent number formatting).

/// A JSON value built by the report and sweep renderers.
///
/// ```swift
/// JSONValue.object([("slope", .number(2.0))]).rendered()   // {"slope": 2.0}
/// ```
public indirect enum JSONValue: Sendable, Equatable {
    /// A number, rendered with Swift's shortest round-tripping form (`2.0`, `1e-20`); NaN and
    /// infinities render as the strings "NaN", "inf", "-inf".
    case number(Double)
    /// An integer, rendered without a decimal point: `.integer(3)` → `3`.
    case integer(Int)
    /// A string, escaped: `.string("a\"b")` → `"a\"b"`.
    case string(String)
    /// `true` or `false`.
    case bool(Bool)
    /// `null`.
    case null
    /// An array in the given order: `.array([.integer(1), .null])` → `[1, null]`.
    case array([JSONValue])
    /// An object whose keys keep the given order (not sorted, not hashed), so output is reproducible.
    case object([(String, JSONValue)])

    /// Equal when the rendered text is equal (NaN equals NaN here, as both render "NaN").
    public static func == (l: JSONValue, r: JSONValue) -> Bool { l.rendered() == r.rendered() }

    /// JSON text. Non-finite numbers, which JSON cannot carry, become the strings "NaN", "inf"
    /// and "-inf" so they stay visible instead of turning into null.
    public func rendered(indent: Int? = nil) -> String {
        var out = ""
        write(into: &out, indent: indent, level: 0)
        return out
    }

    /// Optional numbers render as null when absent.
    static func number(_ x: Double?) -> JSONValue { x.map { .number($0) } ?? .null }

    private func write(into out: inout String, indent: Int?, level: Int) {
        let newline = indent == nil ? "" : "\n"
        func pad(_ l: Int) -> String { indent.map { String(repeating: " ", count: $0 * l) } ?? "" }
        switch self {
        case .number(let x):
            if x.isNaN { out += "\"NaN\"" }
            else if x.isInfinite { out += x > 0 ? "\"inf\"" : "\"-inf\"" }
            else { out += "\(x)" }
        case .integer(let k): out += "\(k)"
        case .string(let s): out += JSONValue.quote(s)
        case .bool(let b): out += b ? "true" : "false"
        case .null: out += "null"
        case .array(let items):
            if items.isEmpty { out += "[]"; return }
            // Arrays of scalars stay on one line: points [[h, e], …] read better that way.
            let flat = indent == nil || items.allSatisfy { if case .array(let a) = $0 { return a.count <= 2 } else if case .object = $0 { return false } else { return true } }
            out += "["
            for (k, item) in items.enumerated() {
                if k > 0 { out += flat ? ", " : "," }
                if !flat { out += newline + pad(level + 1) }
                item.write(into: &out, indent: flat ? nil : indent, level: level + 1)
            }
            if !flat { out += newline + pad(level) }
            out += "]"
        case .object(let fields):
            if fields.isEmpty { out += "{}"; return }
            out += "{"
            for (k, (key, value)) in fields.enumerated() {
                if k > 0 { out += indent == nil ? ", " : "," }
                out += newline + pad(level + 1) + JSONValue.quote(key) + ": "
                value.write(into: &out, indent: indent, level: level + 1)
            }
            out += newline + pad(level) + "}"
        }
    }

    static func quote(_ s: String) -> String { JSONText.quoted(s) }
}
