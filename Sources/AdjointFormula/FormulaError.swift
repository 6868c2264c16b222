import AdjointCore

/// Why a formula (or a variable list given with it) was rejected, and where.
///
/// The message names the problem; ``rendered`` quotes the offending line with a caret under the
/// position, so a user can see what to fix without counting characters:
///
/// ```swift
/// do { _ = try Formula(parsing: "x + sinn(x)") }
/// catch let e as FormulaError {
///     print(e)            // unknown function 'sinn' (did you mean sin?) at column 5
///     print(e.rendered)   // the message, then "  x + sinn(x)" and "      ^"
/// }
/// ```
public struct FormulaError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The class of problem, for callers that branch on it (the CLI maps all of them to status 2).
    ///
    /// ```swift
    /// (try? Formula(parsing: "sinn(x)")) == nil   // kind .unknownFunction("sinn")
    /// ```
    public enum Kind: Equatable, Sendable {
        /// Malformed text: a stray character, a missing operator or parenthesis.
        case syntax
        /// A call to a name that is not a registry function.
        case unknownFunction(String)
        /// An identifier outside the declared variables (`--vars` or the header).
        case unknownVariable(String)
        /// A function called with a number of arguments it does not take.
        case wrongArgumentCount(function: String, expected: String, got: Int)
        /// Parentheses or calls nested deeper than the parser's bound.
        case tooDeep(limit: Int)
        /// The declared variable list itself is invalid (a duplicate, a function name, …).
        case invalidVariableList
        /// No expression at all.
        case empty
    }

    /// The class of problem.
    public let kind: Kind
    /// The problem without its position ("unknown function 'sinn'").
    public let message: String
    /// 1-based line of the position, nil when the error has no position (a bad `--vars` list).
    public let line: Int?
    /// 1-based column (in characters) of the position on its line.
    public let column: Int?
    /// The source line holding the position, cut to a window around it when long.
    let excerpt: String
    /// Characters before the caret inside ``excerpt``.
    let caretOffset: Int
    /// Whether the source has more than one line (then messages say "line L, column C").
    let multiline: Bool
    /// Extra context printed after the position (" (to close the '(' at column 4)").
    let note: String

    /// One line: the message and where ("expected ')' at column 12").
    public var description: String {
        guard let column else { return message }
        if multiline, let line { return "\(message) at line \(line), column \(column)\(note)" }
        return "\(message) at column \(column)\(note)"
    }

    /// ``description`` followed by the quoted source line and a caret under the position.
    public var rendered: String {
        guard column != nil else { return description }
        return description + "\n  " + excerpt + "\n  " + String(repeating: " ", count: caretOffset) + "^"
    }

    /// An error without a position.
    init(_ kind: Kind, _ message: String) {
        self.kind = kind; self.message = message
        line = nil; column = nil; excerpt = ""; caretOffset = 0; multiline = false; note = ""
    }

    /// An error at UTF-8 byte `offset` of `source` (offset == count means "at the end").
    init(_ kind: Kind, _ message: String, at offset: Int, in source: [UInt8], note: String = "") {
        self.kind = kind; self.message = message; self.note = note
        let offset = Swift.min(Swift.max(offset, 0), source.count)
        var lineStart = offset
        while lineStart > 0 && source[lineStart - 1] != UInt8(ascii: "\n") { lineStart -= 1 }
        var lineEnd = offset
        while lineEnd < source.count && source[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
        var lineNumber = 1
        for b in source[..<lineStart] where b == UInt8(ascii: "\n") { lineNumber += 1 }
        // A trailing newline (files usually end with one) does not make a formula multi-line.
        var contentEnd = source.count
        while contentEnd > 0, [9, 10, 13, 32].contains(source[contentEnd - 1]) { contentEnd -= 1 }
        multiline = source[..<contentEnd].contains(UInt8(ascii: "\n"))
        line = lineNumber
        let before = String(decoding: source[lineStart..<offset], as: UTF8.self)
        let after = String(decoding: source[offset..<lineEnd], as: UTF8.self)
        column = before.count + 1
        // A 1 MB one-line formula must not be printed whole: keep a window around the caret.
        let window = FormulaError.excerptRadius
        let shownBefore = before.count > window ? "…" + String(before.suffix(window)) : before
        let shownAfter = after.count > window ? String(after.prefix(window)) + "…" : after
        excerpt = (shownBefore + shownAfter).replacingTabs()
        caretOffset = shownBefore.count
    }

    /// Characters of context kept on each side of the caret in ``rendered``.
    static let excerptRadius = 40
}

extension String {
    /// Tabs would misalign the caret line (terminals expand them), so show them as spaces.
    fileprivate func replacingTabs() -> String {
        String(map { $0 == "\t" ? " " : $0 })
    }
}

/// Names as an error message lists them: all of them when there are a few, else the first eight,
/// the last and how many (a formula over 20,000 variables listed every one, 150 KB).
///
/// ```swift
/// listedForMessage(["x", "y"])                       // "x, y"
/// listedForMessage((0..<100).map { "x\($0)" })       // "x0, x1, x2, x3, x4, x5, x6, x7, …, x99 (100 in all)"
/// ```
public func listedForMessage(_ names: [String]) -> String {
    let shown = names.count > 12 ? Array(names.prefix(8)) + ["…", names[names.count - 1]] : names
    return shown.map(quotedForMessage).joined(separator: ", ") + (names.count > 12 ? " (\(names.count) in all)" : "")
}
