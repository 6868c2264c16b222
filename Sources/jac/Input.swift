#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Adjoint

/// How a command reads the numbers of its point and formula.
///
/// Every floating mode evaluates at Doubles, so a value beyond Double's range (`1e400`, or
/// `1e-400`, which is not 0 but rounds to 0) is refused there: it would silently become ±∞ or 0.
/// Exact mode reads each number from its text instead, where both are ordinary rationals.
enum NumberReading: Equatable {
    /// A value beyond Double's range is refused (every command but `jacobian --mode exact`).
    case double
    /// A value beyond Double's range is kept with its text (`jacobian --mode exact`); its Double is
    /// the rounded ±∞ or 0, marked (``PointValue/outOfRange``, ``FormulaConstant/isBeyondDouble``)
    /// so nothing prints or computes with it as if it were the value.
    case exact

    /// The parser's policy for literals under this reading.
    var outOfRangeLiterals: Formula.OutOfRangeLiterals { self == .exact ? .keptForExactEvaluation : .refused }
}

/// One coordinate of a point: the Double every floating mode uses, and the text as written
/// (`"1/3"`, `"0.1"`) so exact mode can build the rational the user meant.
struct PointValue: Equatable {
    let double: Double
    let text: String
    /// Under ``NumberReading/exact`` only: why ``double`` is not the value (it overflowed to ±∞, or
    /// a nonzero value rounded to 0); nil when the Double is the value rounded once.
    var outOfRange: Problem? = nil

    /// Why a coordinate's text was refused.
    enum Problem: Error {
        /// Not a number or fraction at all.
        case malformed
        case divisionByZero
        /// Its value, or the quotient's, is beyond Double's range.
        case overflow
        /// A nonzero value, or quotient, that rounds to 0 in Double.
        case underflow
        /// A quotient whose parts are beyond Double's range and too long to divide exactly.
        case beyondExactLimit
    }

    /// Parses `3`, `-2.5`, `1e-3`, or a fraction `p/q` of two such numbers. The value must be a
    /// finite Double, not 0 unless it is 0: every floating mode evaluates at it. A fraction is
    /// judged by its quotient, so 1e-400/1e-400 is 1 although 1e-400 alone rounds to 0. Under
    /// ``NumberReading/exact`` a value beyond Double's range is kept, with ``outOfRange`` set.
    static func parse(_ raw: String, reading: NumberReading = .double) -> Result<PointValue, Problem> {
        let s = raw.trimmingSpaces()
        guard !s.isEmpty else { return .failure(.malformed) }
        let parts = s.split(separator: "/", omittingEmptySubsequences: false)
        switch parts.count {
        case 1:
            guard let v = decimal(s) else { return .failure(.malformed) }
            let problem = rangeProblem(v, isZero: !literalHasNonzeroDigit(s))
            if let problem, reading == .double { return .failure(problem) }
            return .success(PointValue(double: v, text: s, outOfRange: problem))
        case 2:
            let (pText, qText) = (String(parts[0]).trimmingSpaces(), String(parts[1]).trimmingSpaces())
            guard let p = decimal(pText), let q = decimal(qText) else { return .failure(.malformed) }
            if !literalHasNonzeroDigit(qText) { return .failure(.divisionByZero) }
            // The quotient of the numbers as written, rounded once: p / q of the two rounded
            // Doubles rounded twice, so 0.3/0.1 was 2.9999999999999996 (not 3, which is a Double)
            // in every floating mode while exact mode used 3; and a part beyond Double's range
            // (1e400/1e400) has an ordinary quotient.
            let v: Double
            if let rp = try? Rational.parse(pText), let rq = try? Rational.parse(qText) {
                v = (rp / rq).doubleValue
            } else {
                // Past the exact bit limit; in Double only if both parts are within its range.
                guard p.isFinite, q.isFinite, q != 0, p != 0 || !literalHasNonzeroDigit(pText) else {
                    return .failure(.beyondExactLimit)
                }
                v = p / q
            }
            let problem = rangeProblem(v, isZero: !literalHasNonzeroDigit(pText))
            if let problem, reading == .double { return .failure(problem) }
            return .success(PointValue(double: v, text: s.filter { $0 != " " }, outOfRange: problem))
        default:
            return .failure(.malformed)
        }
    }

    /// A nonzero value that overflows or rounds to 0 is refused rather than silently changed.
    private static func rangeProblem(_ v: Double, isZero: Bool) -> Problem? {
        if !v.isFinite { return .overflow }
        if v == 0 && !isZero { return .underflow }
        return nil
    }

    /// A decimal number's Double (±∞ or 0 when out of range); rejects Swift's extras like "nan",
    /// "inf" and hexadecimal.
    private static func decimal(_ s: String) -> Double? {
        guard !s.isEmpty, s.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || $0 == 46 || $0 == 43 || $0 == 45 || $0 == 101 || $0 == 69 }),
              let v = Double(s.hasPrefix(".") ? "0" + s : s), !v.isNaN else { return nil }
        return v
    }

    /// Whether exact mode can read `text` (a number or p/q within its size limits): only then does
    /// a floating mode's refusal point to it. `1e99999999999999999999` was told "--mode exact
    /// computes with it exactly", and exact mode then refused its exponent. Parsing refuses an
    /// oversized number before building it, so asking costs little.
    static func exactlyReadable(_ text: String) -> Bool {
        text.split(separator: "/", omittingEmptySubsequences: false).allSatisfy { (try? Rational.parse(String($0))) != nil }
    }

    /// The error for a refused coordinate `text` of variable `name` in `option`.
    static func failure(_ problem: Problem, text: String, name: String, option: String) -> JacFailure {
        let value = "'\(quoted(text))' for \(name) in \(option)"
        switch problem {
        case .malformed:
            return .invalid("malformed value \(value) (expected a number like 2, -0.5, 1e-3 or a fraction like 1/3)")
        case .divisionByZero:
            return .invalid("value \(value) divides by zero")
        case .overflow:
            var f = JacFailure.invalid("value \(value) overflows Double (beyond ±1.8e308)")
            f.refusesValueBeyondDouble = exactlyReadable(text)
            return f
        case .underflow:
            var f = JacFailure.invalid("value \(value) is not 0 but underflows to 0 in Double (below 4.9e-324)")
            f.refusesValueBeyondDouble = exactlyReadable(text)
            return f
        case .beyondExactLimit:
            return .invalid("value \(value) cannot be divided: its parts are beyond Double's range and past the exact bit-size limit "
                            + "(JAC_EXACT_BIT_LIMIT raises it)")
        }
    }
}

/// The names of a comma-separated option (`--vars x,y`), trimmed; none for a blank one. An empty
/// name between commas is an error: `--vars "x,,y"` was read as x, y without a word, which
/// hides a name the user meant to type.
func nameList(_ text: String, option: String) throws -> [String] {
    guard !text.trimmingSpaces().isEmpty else { return [] }
    let names = text.split(separator: ",", omittingEmptySubsequences: false).map { String($0).trimmingSpaces() }
    if let k = names.firstIndex(of: "") {
        throw JacFailure.invalid("\(option) '\(quoted(text))' has an empty name at position \(k + 1) (names are separated by single commas)")
    }
    return names
}

/// "variables: x, y", or "the formula has no variables" rather than an empty list.
func listVariables(_ variables: [String]) -> String {
    variables.isEmpty ? "the formula has no variables" : "variables: " + listedForMessage(variables)
}

/// Where a point names `e` or `pi` that the formula does not declare: the formula language reads
/// an undeclared e or pi as the constant, so `e*x --at e=3,x=1` was refused with only "not a
/// variable" (a new user's trial). Empty for any other name.
func undeclaredConstantHint(_ name: String, _ variables: [String]) -> String {
    let constant: String
    switch name {
    case "e": constant = "e = 2.718…"
    case "pi": constant = "π = 3.14159…"
    default: return ""
    }
    return ": an undeclared \(name) in a formula is the constant \(constant); to make it a variable, declare it with a header, "
        + "f(\(([name] + variables).joined(separator: ", "))) = …, or --vars"
}

/// A point in the formula's variable order.
struct Point {
    let values: [PointValue]
    var doubles: [Double] { values.map(\.double) }

    /// Parses `--at`: `x=1,y=2` (any order, every variable once) or `1,2` (variable order).
    /// `owner` names what has the variables in a count mismatch: a `--program` has inputs, not a
    /// formula's variables. `reading`: see ``NumberReading``.
    static func parse(_ spec: String, variables: [String], option: String = "--at",
                      owner: String = "the formula has", noun: String = "variable",
                      reading: NumberReading = .double) throws -> Point {
        let items = spec.split(separator: ",", omittingEmptySubsequences: false).map { String($0).trimmingSpaces() }
        let named = items.filter { $0.contains("=") }
        if items == [""] && variables.isEmpty { return Point(values: []) }
        // A stray comma ("x=1,y=2," or "1,,2") was counted as a value: "mixes name=value and bare
        // values" or "has 3 values", which blamed what the user wrote correctly.
        if items.count > 1, let k = items.firstIndex(of: "") {
            throw JacFailure.invalid("\(option) '\(quoted(spec))' has an empty value at position \(k + 1) (values are separated by single commas)")
        }
        if named.isEmpty {
            guard items.count == variables.count else {
                if variables.isEmpty {
                    throw JacFailure.invalid("\(option) has \(items.count) value\(items.count == 1 ? "" : "s") but the formula has no variables (leave \(option) out, or give \(option) \"\")")
                }
                throw JacFailure.invalid("\(option) has \(items.count) value\(items.count == 1 ? "" : "s") but \(owner) \(variables.count) \(noun)\(variables.count == 1 ? "" : "s") (\(listedForMessage(variables)))")
            }
            return Point(values: try zip(items, variables).map { item, name in
                switch PointValue.parse(item, reading: reading) {
                case .success(let v): return v
                case .failure(let problem): throw PointValue.failure(problem, text: item, name: name, option: option)
                }
            })
        }
        guard named.count == items.count else {
            throw JacFailure.invalid("\(option) mixes name=value and bare values: write all as name=value, or all bare in variable order")
        }
        var found: [String: PointValue] = [:]
        // A set, not `variables.contains` per item: that was quadratic, and a points file over
        // 20,000 variables spent 19 s there before evaluating anything.
        let known = Set(variables)
        for item in items {
            let pair = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(pair[0]).trimmingSpaces()
            let raw = pair.count > 1 ? String(pair[1]) : ""
            guard known.contains(name) else {
                throw JacFailure.invalid("\(option) names '\(quoted(name))', which is not a variable (\(listVariables(variables)))"
                                         + (noun == "variable" ? undeclaredConstantHint(name, variables) : ""))
            }
            guard found[name] == nil else { throw JacFailure.invalid("\(option) gives \(name) twice") }
            switch PointValue.parse(raw, reading: reading) {
            case .success(let v): found[name] = v
            case .failure(let problem): throw PointValue.failure(problem, text: raw.trimmingSpaces(), name: name, option: option)
            }
        }
        return Point(values: try variables.map { name in
            guard let v = found[name] else { throw JacFailure.invalid("missing value for \(name) in \(option)") }
            return v
        })
    }
}

/// Reads points from a CSV file whose header row names the variables (any order).
func readPoints(path: String, variables: [String], reading: NumberReading = .double) throws -> [Point] {
    let text = try readText(path: path, what: "points file")
    let limits = try InputLimits.current
    var lineCount = 0
    for byte in text.utf8 where byte == UInt8(ascii: "\n") {
        lineCount += 1
        if lineCount > limits.lines {
            throw JacFailure.invalid("points file '\(path)' has more than \(limits.lines) lines (\(InputLimits.linesVariable) raises the limit)")
        }
    }
    var lines = textLines(text).map { $0.trimmingSpaces() }
    while let last = lines.last, last.isEmpty { lines.removeLast() }
    guard let headerLine = lines.first else { throw JacFailure.invalid("points file '\(path)' is empty (expected a header row of variable names)") }
    let header = csvCells(headerLine)
    let known = Set(variables), columns = Set(header)
    for name in header where !known.contains(name) {
        // A header of one cell holding ';' or a tab is a file with another separator.
        let separator = header.count == 1 ? (name.contains(";") ? "semicolons" : name.contains("\t") ? "tabs" : nil) : nil
        let hint = separator.map { "; the columns seem separated by \($0), but a points file is comma-separated" } ?? ""
        throw JacFailure.invalid("points file '\(path)': column '\(quoted(name))' is not a variable (\(listVariables(variables)))\(hint)")
    }
    // A repeated column (x,x) was reported as the other variable's missing column.
    var seen = Set<String>()
    if let twice = header.first(where: { !seen.insert($0).inserted }) {
        throw JacFailure.invalid("points file '\(path)': column '\(quoted(twice))' appears twice in the header")
    }
    for v in variables where !columns.contains(v) {
        throw JacFailure.invalid("points file '\(path)': no column for variable \(v)")
    }
    var points: [Point] = []
    for (k, line) in lines.enumerated().dropFirst() where !line.isEmpty {
        let cells = csvCells(line)
        guard cells.count == header.count else {
            throw JacFailure.invalid("points file '\(path)' line \(k + 1): \(cells.count) values for \(header.count) columns")
        }
        let spec = zip(header, cells).map { "\($0)=\($1)" }.joined(separator: ",")
        points.append(try Point.parse(spec, variables: variables, option: "points file '\(path)' line \(k + 1)", reading: reading))
        if points.count > limits.points {
            throw JacFailure.invalid("points file '\(path)' has more than \(limits.points) points (\(InputLimits.pointsVariable) raises the limit)")
        }
    }
    // A header and nothing else would otherwise print nothing and exit 0, which looks like success.
    if points.isEmpty { throw JacFailure.invalid("points file '\(path)' has a header but no points") }
    return points
}

/// The comma-separated cells of a CSV line, trimmed, each without one pair of surrounding double
/// quotes: R's write.csv and spreadsheets quote the header ("x","y"), which read as the column
/// '"x"', no variable. (Quoted cells holding commas are not needed: names and numbers have none.)
///
/// ```swift
/// csvCells("\"x\", y")   // ["x", "y"]
/// ```
func csvCells(_ line: String) -> [String] {
    line.split(separator: ",", omittingEmptySubsequences: false).map { cell in
        let t = String(cell).trimmingSpaces()
        guard t.count >= 2, t.hasPrefix("\""), t.hasSuffix("\"") else { return t }
        return String(t.dropFirst().dropLast()).trimmingSpaces()
    }
}

/// Reads a whole file, or standard input for "-", without Foundation (start-up time matters).
/// A leading UTF-8 byte-order mark is dropped: Excel's "CSV UTF-8" writes one, and kept it made
/// the first header name 'x' with an invisible character in front, which matched no variable.
func readText(path: String, what: String) throws -> String {
    try utf8Text(try readBoundedBytes(path: path, what: what), what: path == "-" ? what : "\(what) '\(path)'")
}

/// `bytes` as text without a leading byte-order mark, or an error naming the first byte that is
/// not UTF-8. Decoding alone replaces such a byte by U+FFFD, which then read as the character '�'
/// in an error; a binary or Latin-1 file is better named for what it is. The decoded text
/// re-encodes to the bytes exactly up to the first bad byte.
func utf8Text(_ bytes: [UInt8], what: String) throws -> String {
    let body = bytes.starts(with: utf8ByteOrderMark) ? Array(bytes.dropFirst(utf8ByteOrderMark.count)) : bytes
    let text = String(decoding: body, as: UTF8.self)
    let reencoded = Array(text.utf8)
    if reencoded != body {
        let offset = body.indices.first { $0 >= reencoded.count || body[$0] != reencoded[$0] } ?? body.count - 1
        throw JacFailure.invalid("\(what) is not UTF-8 text: byte 0x\(String(body[offset], radix: 16, uppercase: true)) at offset \(offset) (save it as UTF-8; formulas and CSV files are ASCII text)")
    }
    return text
}

let utf8ByteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

/// The lines of `text`, split at LF with a CR before it dropped. Swift's `split(separator: "\n")`
/// does not split Windows line ends at all: "\r\n" is one Character, unequal to "\n", so a CSV file
/// saved on Windows was read as a single line.
func textLines(_ text: String) -> [String] {
    text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { line in
        String(decoding: line.last == UInt8(ascii: "\r") ? line.dropLast() : line[...], as: UTF8.self)
    }
}

/// The bytes of `path` (`-` for standard input), at most `JAC_MAX_INPUT_BYTES` of them: every
/// file `jac` reads comes through here, so a directory, /dev/zero or an endless pipe is one line
/// of error instead of a crash or a machine out of memory.
func readBoundedBytes(path: String, what: String) throws -> [UInt8] {
    let file: UnsafeMutablePointer<FILE>?
    if path == "-" {
        file = fdopen(0, "rb")
    } else {
        file = fopen(path, "rb")
    }
    guard let file else {
        throw JacFailure.invalid("cannot read \(what) '\(path)': \(String(cString: strerror(errno)))")
    }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    let limit = try InputLimits.current.bytes
    while true {
        let n = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
        if n > 0 { bytes.append(contentsOf: buffer[0..<n]) }
        // Stop at the limit rather than after it: /dev/zero or a pipe never ends.
        if bytes.count > limit {
            throw JacFailure.invalid("\(what) '\(path)' is larger than \(limit) bytes (\(InputLimits.bytesVariable) raises the limit)")
        }
        if n < buffer.count { break }
    }
    if ferror(file) != 0 {
        throw JacFailure.invalid("cannot read \(what) '\(path)': \(String(cString: strerror(errno)))")
    }
    return bytes
}

/// Writes `text` to `path` (a `--plot` file, say), failing with one line that names the path and
/// the system's reason: Foundation's own error is a multi-line NSCocoaErrorDomain dump.
func writeText(_ text: String, path: String, what: String) throws {
    guard let file = fopen(path, "wb") else {
        let code = errno
        var reason = String(cString: strerror(code))
        // The file itself is being created, so ENOENT usually means a missing directory on the
        // way; say which, unless the directory is there (/proc refuses new files with ENOENT too).
        let cut = path.lastIndex(of: "/")
        let parent = cut.map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
        if code == ENOENT && access(parent, F_OK) != 0 {
            reason = "the directory '\(parent)' does not exist"
        }
        throw JacFailure.invalid("cannot write \(what) '\(path)': \(reason)")
    }
    let bytes = Array(text.utf8)
    let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
    let closed = fclose(file)
    // Opened but not written (a full disk, /dev/full): the result could not be written, status
    // 4 as for standard output; a path that cannot be opened stays a bad argument (2).
    if written != bytes.count || closed != 0 {
        throw JacFailure(.outputFailure, "cannot write \(what) '\(path)': \(String(cString: strerror(errno)))")
    }
}

extension String {
    func trimmingSpaces() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" }
        guard let start = firstIndex(where: { !isSpace($0) }), let end = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[start...end])
    }
}

/// Bounds on what `jac` reads, so a wrong path (`/dev/zero`, `/dev/urandom`, a log file) ends in a
/// clear error instead of exhausting memory or running for hours. Each default can be raised (or
/// lowered) through an environment variable holding a positive integer.
///
/// ```sh
/// JAC_MAX_POINTS=5000000 jac jacobian "x*y" --points big.csv
/// ```
struct InputLimits {
    /// Most bytes read from one formula file, points file or standard input: 16 MiB.
    var bytes = 16 << 20
    /// Most lines in a points file (blank lines included): 1,000,000.
    var lines = 1_000_000
    /// Most points in a points file: 100,000.
    var points = 100_000
    /// Deepest nesting of parentheses and calls in a formula: 10,000 (`Formula.defaultMaxDepth`).
    var nesting = Formula.defaultMaxDepth

    static let bytesVariable = "JAC_MAX_INPUT_BYTES"
    static let linesVariable = "JAC_MAX_LINES"
    static let pointsVariable = "JAC_MAX_POINTS"
    static let nestingVariable = "JAC_MAX_NESTING"

    /// The defaults, overridden by the environment; a malformed override is an input error rather
    /// than silently ignored, so a typo cannot leave a limit other than the one asked for.
    static var current: InputLimits {
        get throws {
            var l = InputLimits()
            l.bytes = try value(bytesVariable) ?? l.bytes
            l.lines = try value(linesVariable) ?? l.lines
            l.points = try value(pointsVariable) ?? l.points
            l.nesting = try value(nestingVariable) ?? l.nesting
            return l
        }
    }

    /// Throws a usage error when an outputs × inputs Jacobian has more entries than the limit in
    /// `variable` (or `defaultLimit`): what a command holds per entry makes a large one an
    /// out-of-memory kill otherwise. `message` gets the entry count and the limit.
    static func requireJacobianEntries(outputs: Int, inputs: Int, variable: String, defaultLimit: Int,
                                       message: (Int, Int) -> String) throws {
        let entries = outputs.multipliedReportingOverflow(by: inputs)
        let limit = try value(variable) ?? defaultLimit
        if entries.overflow || entries.partialValue > limit {
            throw JacFailure.invalid(message(entries.partialValue, limit))
        }
    }

    static func value(_ name: String) throws -> Int? {
        guard let raw = getenv(name) else { return nil }
        let text = String(cString: raw)
        guard let v = Int(text), v > 0 else { throw limitFailure(name, text) }
        return v
    }

    /// The refusal of a limit's text. Digits alone that Int cannot hold were told "must be a
    /// positive integer", which they are: the largest accepted value is named instead.
    static func limitFailure(_ name: String, _ text: String) -> JacFailure {
        if !text.isEmpty, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), text.contains(where: { $0 != "0" }) {
            return .invalid("\(name) is beyond the largest limit, \(Int.max) (got '\(quoted(text))')")
        }
        return .invalid("\(name) must be a positive integer (got '\(quoted(text))')")
    }
}

/// Exact mode's limits, from the environment when set: `JAC_EXACT_BIT_LIMIT` (bits of one
/// numerator or denominator, default ``Rational/defaultBitSizeLimit``) and `JAC_EXACT_WORK_LIMIT`
/// (limbs written by one exact Jacobian, default ``Rational/defaultWorkLimit``).
func applyExactLimitsFromEnvironment() throws {
    for (name, apply) in [("JAC_EXACT_BIT_LIMIT", { Rational.bitSizeLimit = $0 }),
                          ("JAC_EXACT_WORK_LIMIT", { Rational.workLimit = $0 })] as [(String, (Int) -> Void)] {
        guard let raw = getenv(name) else { continue }
        let text = String(cString: raw)
        guard let v = Int(text), v > 0 else { throw InputLimits.limitFailure(name, text) }
        apply(v)
    }
}
