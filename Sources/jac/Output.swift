import Adjoint
import AdjointCore
import ArgumentParser

/// `--format`.
enum OutputFormat: String, CaseIterable, ExpressibleByArgument {
    case table, json, csv
}

/// Doubles print with Swift's shortest round-tripping form (1.716337814536774); in tables and
/// CSV an infinity prints as Swift spells it (inf, -inf) and NaN as "NaN", as the check's tables
/// print it. Swift's own text of a NaN follows its sign bit, C's printf style: a program's NaN
/// reply was "program nan" in jac check --program's summary beside "NaN" in its table, and the
/// NaN that x86's 0/0 or glibc's log(−1) return, which has the sign set, would read "-nan".
/// Python's float() and R's read.csv both read "NaN".
func format(_ d: Double) -> String { d.isNaN ? "NaN" : "\(d)" }

/// A number for JSON: JSON has no inf or nan, so those print as null (an analysis can
/// legitimately produce κ = ∞ for a singular Jacobian).
func jsonNumber(_ d: Double) -> String { JSONText.number(d) }

func format(_ c: Cell) -> String {
    switch c {
    case .double(let d): return format(d)
    case .exact(let s, _): return s
    }
}

func json(_ c: Cell) -> String {
    switch c {
    case .double(let d): return jsonNumber(d)
    case .exact(let s, _): return json(s)
    }
}

func json(_ s: String) -> String { JSONText.quoted(s) }

func jsonArray(_ items: [String]) -> String { "[" + items.joined(separator: ", ") + "]" }
func jsonArray(_ cells: [Cell]) -> String { jsonArray(cells.map(json)) }
func jsonArray(_ ds: [Double]) -> String { jsonArray(ds.map(jsonNumber)) }
func jsonMatrix(_ m: [[Cell]]) -> String { jsonArray(m.map(jsonArray)) }

/// A JSON object with keys in the order given (scripts and golden tests see a stable text).
func jsonObject(_ pairs: [(String, String)]) -> String {
    "{" + pairs.map { json($0.0) + ": " + $0.1 }.joined(separator: ", ") + "}"
}

/// The JSON jac prints of a library value (a check report, a sweep). Every jac command names its
/// keys in snake_case, as scripting languages read them; the library's own `jsonValue` follows
/// Swift's camelCase, and `jac sweep` and `jac check`'s reports printed those keys unchanged, so
/// one command's `error_estimate` was another's `errorEstimate`. Keys only: strings and numbers
/// are left as they are.
///
/// ```swift
/// jacJSON(.object([("noSlopeReason", .null), ("JVP", .null)]))   // {"no_slope_reason": null, "jvp": null}
/// ```
func jacJSON(_ value: JSONValue, pretty: Bool = false) -> String {
    snakeCased(value).rendered(indent: pretty ? 2 : nil)
}

/// `value` with every object key in snake_case (see ``jacJSON(_:pretty:)``). A report is a few
/// levels deep (entries, their rungs), so the recursion is bounded by the library's own shapes.
func snakeCased(_ value: JSONValue) -> JSONValue {
    switch value {
    case .object(let pairs): return .object(pairs.map { (snakeCase($0.0), snakeCased($0.1)) })
    case .array(let items): return .array(items.map(snakeCased))
    default: return value
    }
}

/// `absError` → `abs_error`, `JVP` → `jvp`, `already_snake` unchanged: an underscore goes before
/// a capital that follows a lower-case letter or a digit, and everything is lower-cased.
func snakeCase(_ key: String) -> String {
    var out = ""
    var previous: Character? = nil
    for c in key {
        if c.isUppercase, let p = previous, p.isLowercase || p.isNumber { out.append("_") }
        out += c.lowercased()
        previous = c
    }
    return out
}

/// CSV field: quoted only when needed.
func csv(_ s: String) -> String {
    // Bytes, not Foundation's substring search, which `contains(",")` resolves to: that search
    // was 40% of printing an 800 × 800 Jacobian.
    s.utf8.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") })
        ? "\"" + s.replacingAll("\"", with: "\"\"") + "\"" : s
}

/// Left-aligned columns separated by two spaces.
func renderTable(_ rows: [[String]]) -> String {
    guard let width = rows.map(\.count).max() else { return "" }
    var widths = [Int](repeating: 0, count: width)
    for r in rows { for (k, c) in r.enumerated() { widths[k] = Swift.max(widths[k], c.count) } }
    return rows.map { r in
        r.enumerated().map { k, c in
            k == r.count - 1 ? c : c + String(repeating: " ", count: widths[k] - c.count)
        }.joined(separator: "  ")
    }.joined(separator: "\n")
}

/// `x1 = 2.0, x2 = 5.0`.
func describePoint(_ variables: [String], _ point: [Cell]) -> String {
    if variables.isEmpty { return "(no variables)" }
    return zip(variables, point).map { "\($0) = \(format($1))" }.joined(separator: ", ")
}

extension String {
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for ch in self { if ch == target { out += replacement } else { out.append(ch) } }
        return out
    }
}

/// What one command produced at one point, in every format. With `--points`, CSV uses the flat
/// header/row (one row per point) and JSON prints ``json`` once per line.
struct Report {
    /// Each format is made only when it is printed: `jac check` of a 400 × 400 map spent 6.4 of
    /// its 7.3 s building JSON and CSV reports of 160,000 entries for a table.
    private let makeTable: () -> String
    private let makeJSON: () -> String
    private let makeCSV: () -> String
    var table: String { makeTable() }
    var json: String { makeJSON() }
    var csv: String { makeCSV() }
    private let makeFlatHeader: () -> [String]
    private let makeFlatRow: () -> [String]
    /// The one-row form's header and row (`--points`), also made only when printed.
    var flatHeader: [String] { makeFlatHeader() }
    var flatRow: [String] { makeFlatRow() }
    /// Exit status of this point (check: 1 when the check fails).
    var status: ExitStatus = .success
    /// The one-line reason when ``status`` is not success (printed to stderr).
    var problem: String?
    /// Remarks for stderr that do not change the status (kinks where a convention was used).
    var notes: [String] = []

    init(table: @autoclosure @escaping () -> String, json: @autoclosure @escaping () -> String,
         csv: @autoclosure @escaping () -> String, flatHeader: @autoclosure @escaping () -> [String],
         flatRow: @autoclosure @escaping () -> [String],
         status: ExitStatus = .success, problem: String? = nil, notes: [String] = []) {
        makeTable = table; makeJSON = json; makeCSV = csv
        makeFlatHeader = flatHeader; makeFlatRow = flatRow
        self.status = status; self.problem = problem; self.notes = notes
    }
}
