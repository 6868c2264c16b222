import AdjointCore
import AdjointExact

/// How to print symbolic expressions.
public enum ExpressionSyntax: String, Sendable, CaseIterable {
    /// The formula language `jac` parses (a round trip: parse it and evaluate it).
    case formula
    /// LaTeX math.
    case latex
    /// A Swift expression over `import Adjoint`'s free functions, for Double variables.
    case swift
}

/// Expressions printed together: named intermediates for shared subexpressions (`t1 = …`) and
/// one text per root, or (expanded) one self-contained text per root.
///
/// Printing walks each printed tree with an explicit stack and appends to one text per root, so
/// memory and time are linear in the printed size, whatever the depth. Expanded trees can be
/// exponentially larger than the DAG (expression swell), so the printed bytes are bounded by
/// ``maxOutputBytes``: past it ``print(_:)`` throws instead of exhausting memory.
///
/// ```swift
/// let x = Symbolic.variable(0), y = Symbolic.variable(1)
/// let e = sin(x) * sin(x + y) + sin(x + y)
/// let out = try ExpressionPrinter(variables: ["x", "y"], expand: false).print([e.id])
/// out.definitions   // [("t1", "sin(y + x)")]: used twice, so named
/// out.roots         // ["t1 + sin(x)*t1"]
/// ```
public struct ExpressionPrinter: Sendable {
    /// Name of variable k; nil, or k past the end, gives x0, x1, ….
    public let variables: [String]?
    /// Formula, LaTeX or Swift.
    public let syntax: ExpressionSyntax
    /// Print every root as a full tree (shared subexpressions repeated) instead of naming them.
    public let expand: Bool
    /// Prefix of intermediate names (`t` gives t1, t2, …). When a name in ``variables`` (or a
    /// default name x0, x1, … printed) is prefix + digits, `_` is appended until none is, so an
    /// intermediate never shadows a variable, even one the printed expressions do not use
    /// (`t1` a variable gives intermediates t_1, t_2, …).
    public let intermediatePrefix: String
    /// Most UTF-8 bytes one ``print(_:)`` call may produce, definitions and roots together.
    public let maxOutputBytes: Int

    /// 64 MiB: far above any derivative a reader can use, far below what exhausts memory.
    public static let defaultMaxOutputBytes = 64 << 20

    /// A printer for `syntax`, naming variable k `variables[k]` (or x0, x1, … past the end / when nil).
    ///
    /// ```swift
    /// let x = Symbolic.variable(0)
    /// let p = ExpressionPrinter(variables: ["x"], syntax: .latex)
    /// try p.print([(x / 2).id]).roots   // ["\\frac{x}{2}"]
    /// ```
    ///
    /// - Parameters:
    ///   - variables: Names of the variables by index: identifiers of the formula language
    ///     (ASCII letters, digits and `_`, not starting with a digit) that name no function of it
    ///     (``AdjointCore/Op/init(functionName:)``); ``print(_:)`` refuses others.
    ///   - syntax: Formula (parseable by `jac`), LaTeX or Swift.
    ///   - expand: Print full trees instead of naming shared subexpressions.
    ///   - intermediatePrefix: Prefix of the intermediate names (see ``intermediatePrefix``).
    ///   - maxOutputBytes: Bound on the printed bytes (see ``maxOutputBytes``).
    public init(variables: [String]?, syntax: ExpressionSyntax = .formula, expand: Bool = true,
                intermediatePrefix: String = "t", maxOutputBytes: Int = ExpressionPrinter.defaultMaxOutputBytes) {
        self.variables = variables; self.syntax = syntax; self.expand = expand
        self.intermediatePrefix = intermediatePrefix
        self.maxOutputBytes = maxOutputBytes
    }

    /// The printed intermediates (in definition order) and roots.
    public struct Output: Sendable, Equatable {
        /// Named shared subexpressions, each using only variables and earlier names (empty
        /// when expanded). The name is plain (`t1`) in every syntax; ``printedName(_:)`` gives the
        /// form the texts use (`t_{1}` in LaTeX).
        public var definitions: [(name: String, text: String)]
        /// One text per root, in the order given.
        public var roots: [String]
        public static func == (a: Output, b: Output) -> Bool {
            a.roots == b.roots && a.definitions.map(\.name) == b.definitions.map(\.name)
                && a.definitions.map(\.text) == b.definitions.map(\.text)
        }
    }

    // Precedence levels: sums 1, products 2, powers 4, LaTeX fractions 5, atoms 6. A fraction
    // is an operand of anything but a power: \frac{x}{y}^{3} reads as x/y³ (a review), so a power
    // base must be an atom. A negation counts as a sum so it
    // is parenthesised wherever it is an operand, which keeps the parse tree the printed one.
    private static let sum = 1, product = 2, powerLevel = 4, fraction = 5, atom = 6

    /// Prints the expressions at `roots` (ids of ``ExpressionGraph/shared``, or of the running
    /// derivation's graph).
    ///
    /// Throws ``ADError/limitExceeded(what:limit:)`` when the text would exceed
    /// ``maxOutputBytes`` (nothing larger is ever held), and ``ADError/invalidArgument(_:)``
    /// for an id with no node, for two variables the text would name alike (a name listed twice,
    /// or listed as another variable's default `x<k>`), for a name that is empty or not an
    /// identifier (ASCII letters, digits and `_`, not starting with a digit) or is a function's
    /// (`sin`: the formula language refuses it as a variable, so no syntax prints it as one), and for an
    /// ``intermediatePrefix`` that is empty or not an identifier when shared subexpressions are named.
    public func print(_ roots: [Int]) throws -> Output {
        let graph = roots.first.flatMap(ExpressionGraph.owner(of:)) ?? ExpressionGraph.current
        try graph.validate(roots)
        let order = graph.reachableUnchecked(from: roots)
        let all = graph.table()
        try checkNames(order, all)
        var writer = Writer(printer: self, all: all, limit: maxOutputBytes)
        var definitions: [(String, String)] = []
        if !expand {
            var uses: [Int: Int] = [:]
            for i in order { for a in all[i].arguments { uses[a, default: 0] += 1 } }
            for r in roots { uses[r, default: 0] += 1 }
            let prefix = unusedPrefix(order, all)
            // Children come first in `order`, so a definition only refers to earlier names.
            for i in order where !all[i].arguments.isEmpty && (uses[i] ?? 0) > 1 && !isTrivial(all[i], all) {
                let name = prefix + "\(definitions.count + 1)"
                definitions.append((name, try writer.text(of: i, defining: true)))
                writer.names[i] = syntax == .latex ? latexName(name) : name
            }
        }
        let texts = try roots.map { try writer.text(of: $0, defining: false) }
        return Output(definitions: definitions, roots: texts)
    }

    /// Printed text must name each variable it uses once: variables ["x", "x"] printed x₀ + x₁
    /// as "x + x", which reads back as 2x, and ["x1"] named x₀ "x1" beside x₁'s default "x1".
    /// And with a name that is one token: ["a+b", "c"] printed x₀·x₁ − x₁ as "c*a+b - c", which
    /// reads back as c·a + b − c (a review).
    private func checkNames(_ order: [Int], _ all: NodeTable) throws {
        var owner: [String: Int] = [:]
        for i in order {
            guard case .variable(let k) = all[i].head else { continue }
            let name = plainVariableName(k)
            if name.isEmpty { throw ADError.invalidArgument("variable \(k) has an empty name") }
            if !Self.isIdentifier(name) {
                throw ADError.invalidArgument("variable \(k)'s name \"\(name)\" is not an identifier (ASCII letters, digits and _, "
                    + "not starting with a digit): the printed text would not read back as the expression")
            }
            if Op(functionName: name) != nil {
                throw ADError.invalidArgument("variable \(k)'s name \"\(name)\" is a function of the formula language, which refuses it "
                    + "as a variable: \(name)(\(name)) would not read back as the expression; give the variable another name")
            }
            if let other = owner[name], other != k {
                throw ADError.invalidArgument("variables \(Swift.min(k, other)) and \(Swift.max(k, other)) would both be printed as \"\(name)\": give each its own name")
            }
            owner[name] = k
        }
        if !expand && intermediatePrefix.isEmpty {
            throw ADError.invalidArgument("the intermediate prefix is empty: shared subexpressions would be named 1, 2, … like numbers")
        }
        if !expand && !Self.isIdentifier(intermediatePrefix) {
            throw ADError.invalidArgument("the intermediate prefix \"\(intermediatePrefix)\" is not an identifier (ASCII letters, digits and _, "
                + "not starting with a digit): its names would not read back as one")
        }
    }

    /// Whether `name` is an identifier of the formula language (and so one token in every syntax).
    static func isIdentifier(_ name: String) -> Bool {
        guard let first = name.utf8.first, first < 0x30 || first > 0x39 else { return false }
        return name.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x5F }
    }

    /// The intermediate prefix, extended by `_` until no variable, listed or printed, is named
    /// prefix + digits. Listed but unused ones count too: Swift output is pasted where they exist.
    private func unusedPrefix(_ order: [Int], _ all: NodeTable) -> String {
        var taken = Set(variables ?? [])
        for i in order { if case .variable(let k) = all[i].head { taken.insert(plainVariableName(k)) } }
        var prefix = intermediatePrefix
        func collides(_ name: String) -> Bool {
            guard name.hasPrefix(prefix) else { return false }
            let rest = name.dropFirst(prefix.count)
            return !rest.isEmpty && rest.allSatisfy { $0.isASCII && $0.isNumber }
        }
        while taken.contains(where: collides) { prefix += "_" }
        return prefix
    }

    /// One piece of printed text still to write: literal text, or a node printed at a
    /// precedence of at least `level` (parenthesised when it binds more loosely).
    private enum Piece { case text(String), node(Int, level: Int) }

    /// Writes trees into text with an explicit stack of pieces, counting bytes against the limit.
    private struct Writer {
        let printer: ExpressionPrinter
        let all: NodeTable
        let limit: Int
        /// Names of the intermediates defined so far, by node.
        var names: [Int: String] = [:]
        /// Bytes written so far, over every text of this print.
        var written = 0

        init(printer: ExpressionPrinter, all: NodeTable, limit: Int) {
            self.printer = printer; self.all = all; self.limit = limit
        }

        /// The text of node `top`: its name if it has one, unless `defining` it.
        mutating func text(of top: Int, defining: Bool) throws -> String {
            var out = ""
            var stack: [Piece] = []
            if defining {
                stack.append(contentsOf: printer.pieces(top, all).reversed())
            } else {
                stack.append(.node(top, level: 0))
            }
            while let piece = stack.popLast() {
                switch piece {
                case .text(let t):
                    written += t.utf8.count
                    if written > limit {
                        throw ADError.limitExceeded(what: "printed text of the expressions (bytes)", limit: limit)
                    }
                    out += t
                case .node(let i, let level):
                    if let name = names[i] {
                        stack.append(.text(name))
                    } else if printer.level(i, all) < level {
                        let latex = printer.syntax == .latex
                        stack.append(.text(latex ? "\\right)" : ")"))
                        stack.append(contentsOf: printer.pieces(i, all).reversed())
                        stack.append(.text(latex ? "\\left(" : "("))
                    } else {
                        stack.append(contentsOf: printer.pieces(i, all).reversed())
                    }
                }
            }
            return out
        }
    }

    /// The precedence of node `i` printed in full.
    private func level(_ i: Int, _ all: NodeTable) -> Int {
        let node = all[i]
        switch node.head {
        case .variable, .call: return Self.atom
        case .constant(let c): return constantText(c).1
        case .op(let op):
            switch op {
            case .add, .sub, .neg: return Self.sum
            case .mul: return negativeCoefficient(node, all) != nil ? Self.sum : Self.product
            case .div: return syntax == .latex ? Self.fraction : Self.product
            case .powi: return syntax == .swift ? Self.atom : Self.powerLevel
            case .pow: return syntax == .latex ? Self.powerLevel : Self.atom
            default: return Self.atom
            }
        }
    }

    /// c when node is c·b with a constant c < 0.
    private func negativeCoefficient(_ node: ExpressionNode, _ all: NodeTable) -> Rational? {
        guard node.a >= 0, case .constant(let c) = all[node.a].head, c < 0 else { return nil }
        return c
    }

    /// Node `i` printed one level deep: its own text around its arguments.
    private func pieces(_ i: Int, _ all: NodeTable) -> [Piece] {
        let node = all[i]
        let a = node.a, b = node.b >= 0 ? node.b : node.a
        switch node.head {
        case .variable(let k): return [.text(variableName(k))]
        case .constant(let c): return [.text(constantText(c).0)]
        case .call(let name): return call(name, node.b >= 0 ? [a, b] : [a])
        case .op(let op):
            let latex = syntax == .latex
            let times = latex ? " \\cdot " : (syntax == .swift ? " * " : "*")
            switch op {
            case .add:
                // LaTeX is read, not re-parsed: a + (b + c) needs no parentheses there. The text and
                // Swift forms keep them, so a printed formula evaluates in the same order.
                let rightSum = latex && all[b].head == .op(.add)
                return [.node(a, level: Self.sum), .text(" + "), .node(b, level: rightSum ? Self.sum : Self.product)]
            case .sub: return [.node(a, level: Self.sum), .text(" - "), .node(b, level: Self.product)]
            case .mul:
                // (−c)·b reads as −(c·b): print the coefficient's magnitude behind one minus.
                if let c = negativeCoefficient(node, all) {
                    let positive = constantText(-c)
                    if positive.0 == "1" { return [.text("-"), .node(b, level: Self.product)] }
                    return [.text("-" + wrap(positive, atLeast: Self.product) + times), .node(b, level: Self.powerLevel)]
                }
                let rightProduct = latex && all[b].head == .op(.mul) && negativeCoefficient(all[b], all) == nil
                return [.node(a, level: Self.product), .text(times), .node(b, level: rightProduct ? Self.product : Self.powerLevel)]
            case .div:
                if latex { return [.text("\\frac{"), .node(a, level: 0), .text("}{"), .node(b, level: 0), .text("}")] }
                return [.node(a, level: Self.product), .text(syntax == .swift ? " / " : "/"), .node(b, level: Self.powerLevel)]
            case .neg: return [.text("-"), .node(a, level: Self.product)]
            case .powi:
                switch syntax {
                case .formula: return [.node(a, level: Self.atom), .text("^" + (node.n < 0 ? "(\(node.n))" : "\(node.n)"))]
                case .latex: return [.node(a, level: Self.atom), .text("^{\(node.n)}")]
                case .swift: return [.text("pow("), .node(a, level: 0), .text(", \(node.n))")]
                }
            case .pow where latex:
                // Typeset as a power, as x^n is: \operatorname{pow}(x, -\frac{2}{3}) read as code.
                return [.node(a, level: Self.atom), .text("^{"), .node(b, level: 0), .text("}")]
            default:
                // pow(x, 1) would re-parse as the integer power x^1, defined for x < 0 where real
                // pow is not: an integer exponent of pow prints as a decimal (pow(x, 1.0)).
                if op == .pow, syntax == .formula, case .constant(let c) = all[b].head, c.isInteger {
                    return [.text("pow("), .node(a, level: 0), .text(", \(c.description).0)")]
                }
                return call(op.info.name, op.arity == 2 ? [a, b] : [a], op: op)
            }
        }
    }

    /// A negated leaf is cheaper to repeat than to name.
    private func isTrivial(_ node: ExpressionNode, _ all: NodeTable) -> Bool {
        if case .op(.neg) = node.head, all[node.a].arguments.isEmpty { return true }
        return false
    }

    private func plainVariableName(_ k: Int) -> String {
        variables.flatMap { k < $0.count ? $0[k] : nil } ?? "x\(k)"
    }

    private func variableName(_ k: Int) -> String {
        let name = plainVariableName(k)
        switch syntax {
        case .latex: return latexName(name)
        // A keyword is no Swift identifier unescaped: variables `in` and `is` printed
        // `let dfdis = in`, which does not compile, and `Self*true` printed `let dfdSelf = true`,
        // which compiles to a Bool.
        case .swift: return Self.swiftKeywords.contains(name) ? "`\(name)`" : name
        case .formula: return name
        }
    }

    /// Words Swift reserves (and `_`): a variable of that name is written in backticks.
    static let swiftKeywords: Set<String> = [
        "_", "associatedtype", "class", "deinit", "enum", "extension", "fileprivate", "func", "import", "init",
        "inout", "internal", "let", "open", "operator", "private", "precedencegroup", "protocol", "public",
        "rethrows", "static", "struct", "subscript", "typealias", "var", "break", "case", "catch", "continue",
        "default", "defer", "do", "else", "fallthrough", "for", "guard", "if", "in", "repeat", "return", "throw",
        "switch", "where", "while", "Any", "as", "await", "false", "is", "nil", "self", "Self", "super", "throws",
        "true", "try",
    ]

    /// How the printed text writes `name` (a variable's or an intermediate's) in this syntax: as
    /// is, except in LaTeX, where a trailing number is a subscript. A definition line must use it,
    /// since ``Output/definitions`` names are plain: a LaTeX line `t1 &= …` defined a symbol that
    /// every use wrote `t_{1}`.
    ///
    /// ```swift
    /// ExpressionPrinter(variables: nil, syntax: .latex).printedName("t1")   // "t_{1}"
    /// ExpressionPrinter(variables: nil, syntax: .formula).printedName("t1") // "t1"
    /// ```
    public func printedName(_ name: String) -> String {
        syntax == .latex ? latexName(name) : name
    }

    private func latexName(_ name: String) -> String {
        // x1 → x_{1}; a longer name upright.
        let letters = name.prefix { $0.isLetter }
        let digits = name.dropFirst(letters.count)
        let base = letters.count == 1 ? String(letters) : "\\mathrm{\(letters)}"
        if !digits.isEmpty && digits.allSatisfy(\.isNumber) { return "\(base)_{\(digits)}" }
        // An underscore is TeX's subscript: `a_b_c` and `x__2` in \mathrm were a "double
        // subscript" error. Escaped, the name reads as written.
        return letters.count == name.count ? base : "\\mathrm{\(name.map { $0 == "_" ? "\\_" : String($0) }.joined())}"
    }

    private func constantText(_ c: Rational) -> (String, Int) {
        if c.isNaN { return syntax == .swift ? ("Double.nan", Self.atom) : ("nan", Self.atom) }
        let negative = c < 0
        let magnitude = negative ? -c : c
        var body: String
        var level: Int
        let d = magnitude.approximateDouble
        if magnitude.isInteger, let (text, tenLevel) = tenPowerText(integer: magnitude.description) {
            body = text
            level = tenLevel
        } else if magnitude.isInteger {
            body = magnitude.description
            level = Self.atom
        } else if let r = Rational("\(d)"), r == magnitude {
            body = "\(d)"   // a decimal exactly (0.5, 1.1283791670955126)
            level = Self.atom
        } else if magnitude.printsAsNearestDouble {
            body = "\(d)"
            level = Self.atom
        } else if let decimal = magnitude.exactDecimal {
            if let (text, tenLevel) = tenPowerText(decimal: decimal, of: magnitude) {
                body = text
                level = tenLevel
            } else {
                body = decimal
                level = Self.atom
            }
        } else {
            let (p, q) = magnitude.decimalParts
            // Each part with its power of ten split off when long (1/(3*10^40)), as a whole
            // integer is; the denominator bracketed as a quotient's right operand is.
            let num = tenPowerText(integer: p), den = tenPowerText(integer: q)
            let numText = num?.0 ?? (syntax == .swift ? "\(p).0" : p)
            let denText = den.map { wrap($0, atLeast: Self.powerLevel) } ?? (syntax == .swift ? "\(q).0" : q)
            switch syntax {
            case .formula: body = "\(numText)/\(denText)"; level = Self.product
            case .latex: body = "\\frac{\(num?.0 ?? p)}{\(den?.0 ?? q)}"; level = Self.fraction
            case .swift: body = "\(numText) / \(denText)"; level = Self.product
            }
        }
        if syntax == .swift && magnitude.isInteger && level == Self.atom && !body.hasPrefix("pow(") { body += ".0" }
        // A Double's text in scientific notation (2e-300) is set by TeX as 2e − 300: a LaTeX
        // derivative of 10⁻³⁰⁰x² read "2e − 300·x". There it is mantissa · 10^{exponent}, whose
        // negation needs no bracket (−(2·10⁻³⁰⁰) = −2·10⁻³⁰⁰).
        if syntax == .latex, let (text, scientificLevel) = Self.latexScientific(body) {
            return negative ? ("-" + text, Self.sum) : (text, scientificLevel)
        }
        if negative { return ("-" + (level < Self.fraction ? "(\(body))" : body), Self.sum) }
        return (body, level)
    }

    /// Digits past which an exact constant, an integer or a terminating decimal, is printed with
    /// its power of ten split off as a power, `10^(-600)` rather than `0.000…01` with 599 zeros
    /// (and each part of a p/q so). 40, as `jac`'s tables (`exactTableDigits`), which show such a
    /// value as `10^-600`; here it is written as the printer writes a power of ten that was not
    /// folded (`2*10^-600*x^2` prints `4*(x*10^(-600))`), so that it reads back as a formula.
    static let longConstantDigits = 40

    /// `significand·10^exponent` as this syntax writes a power of ten, with its precedence:
    /// `10^(-600)`, `2*10^(-600)`; `pow(10.0, -600)` in Swift; `2 \cdot 10^{-600}` in LaTeX.
    private func tenPowerText(significand: String, exponent: Int) -> (String, Int) {
        let unit = significand == "1"
        switch syntax {
        case .formula:
            let power = exponent < 0 ? "10^(\(exponent))" : "10^\(exponent)"
            return unit ? (power, Self.powerLevel) : ("\(significand)*\(power)", Self.product)
        case .latex:
            let power = "10^{\(exponent)}"
            return unit ? (power, Self.powerLevel) : ("\(significand) \\cdot \(power)", Self.product)
        case .swift:
            let power = "pow(10.0, \(exponent))"
            return unit ? (power, Self.atom) : ("\(significand).0 * \(power)", Self.product)
        }
    }

    /// A positive integer's digits as ``tenPowerText(significand:exponent:)`` when they pass
    /// ``longConstantDigits`` and that is shorter (trailing zeros to drop); nil otherwise.
    private func tenPowerText(integer digits: String) -> (String, Int)? {
        guard digits.count > Self.longConstantDigits else { return nil }
        let significand = String(digits.reversed().drop { $0 == "0" }.reversed())
        guard !significand.isEmpty else { return nil }
        let text = tenPowerText(significand: significand, exponent: digits.count - significand.count)
        return text.0.count < digits.count ? text : nil
    }

    /// A positive terminating decimal (`decimal`, its exact text) as
    /// ``tenPowerText(significand:exponent:)`` when it passes ``longConstantDigits`` digits and
    /// that is shorter; nil otherwise: 10⁻⁶⁰⁰ as `10^(-600)`.
    private func tenPowerText(decimal: String, of value: Rational) -> (String, Int)? {
        guard decimal.utf8.count > Self.longConstantDigits + 1,
              let (significand, exponent, cofactor) = value.powerOfTenParts, cofactor == "1" else { return nil }
        let text = tenPowerText(significand: significand, exponent: exponent)
        return text.0.count < decimal.count ? text : nil
    }

    /// "2e-300" as ("2 \\cdot 10^{-300}", product level), "1e-30" as ("10^{-30}", power level); nil
    /// for a number without an exponent.
    private static func latexScientific(_ text: String) -> (String, Int)? {
        guard let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }),
              let exponent = Int(text[text.index(after: e)...]) else { return nil }
        let mantissa = text[..<e]
        let power = "10^{\(exponent)}"
        return mantissa == "1" ? (power, powerLevel) : ("\(mantissa) \\cdot \(power)", product)
    }

    private func wrap(_ t: (String, Int), atLeast level: Int) -> String {
        if t.1 >= level { return t.0 }
        return syntax == .latex ? "\\left(\(t.0)\\right)" : "(\(t.0))"
    }

    /// A call of `name` on the nodes `args`.
    private func call(_ name: String, _ args: [Int], op: Op? = nil) -> [Piece] {
        func around(_ head: String, _ labels: [String], _ tail: String) -> [Piece] {
            var p: [Piece] = [.text(head)]
            for (k, arg) in args.enumerated() {
                if k > 0 { p.append(.text(k < labels.count ? labels[k] : ", ")) }
                p.append(.node(arg, level: 0))
            }
            return p + [.text(tail)]
        }
        switch syntax {
        case .formula:
            return around("\(name)(", [], ")")
        case .swift:
            switch op {
            case .leakyRelu?: return around("leakyRelu(", ["", ", slope: "], ")")
            case .elu?: return around("elu(", ["", ", alpha: "], ")")
            default: return around("\(name)(", [], ")")
            }
        case .latex:
            if op == .sqrt { return around("\\sqrt{", [], "}") }
            if op == .abs { return around("\\left|", [], "\\right|") }
            let known: Set<String> = ["exp", "log", "sin", "cos", "tan", "sinh", "cosh", "tanh", "max", "min"]
            let head = known.contains(name) ? "\\\(name)" : (op == .atan ? "\\arctan" : "\\operatorname{\(name.split(separator: "_", omittingEmptySubsequences: false).joined(separator: "\\_"))}")
            return around(head + "\\left(", [], "\\right)")
        }
    }
}

extension Symbolic {
    /// The expression as a `jac` formula (expanded), variables named by `variables` or x0, x1, ….
    /// Throws ``ADError/limitExceeded(what:limit:)`` past `maxOutputBytes`.
    ///
    /// ```swift
    /// let x = Symbolic.variable(0), y = Symbolic.variable(1)
    /// try (x * y + 1).formula(variables: ["x", "y"])   // "y*x + 1": operands of · in structural order
    /// ```
    public func formula(variables: [String]?, maxOutputBytes: Int = ExpressionPrinter.defaultMaxOutputBytes) throws -> String {
        try ExpressionPrinter(variables: variables, syntax: .formula, expand: true, maxOutputBytes: maxOutputBytes)
            .print([id]).roots[0]
    }

    /// Sizes of this expression (see ``ExpressionGraph/size(of:)``); all zero, reported as
    /// ``ADError/invalidArgument(_:)`` to the enclosing ``Diagnostics/collect(_:)``, for a value
    /// made inside a derivation that has ended.
    public var size: ExpressionSize {
        guard let graph = ExpressionGraph.owner(of: id) else {
            Diagnostics.report(.invalidArgument(Self.foreignReason(id)))
            return ExpressionSize(dagNodes: 0, dagOps: 0, treeNodes: 0, treeOps: 0)
        }
        return graph.sizeUnchecked(of: [id])
    }
}

extension Rational {
    /// The exact decimal expansion of a non-integer whose denominator has no prime factor but 2
    /// and 5, else nil: "2.4177991961161282" for 12088995980580641/5000000000000000.
    ///
    /// It reads back as this value exactly, and in Double correctly rounded, as every decimal
    /// literal does; p/q rounds p, q and their quotient once each there when p or q passes 2⁵³,
    /// and that constant printed as a fraction evaluated to 2.417799196116128, one ulp below
    /// the value 2.4177991961161283 (a review).
    var exactDecimal: String? {
        guard !isNaN, !isInteger else { return nil }
        // q = 2ᵃ5ᵇ ≥ 2^max(a, b), so q divides 10ⁿ for n its bit length.
        let n = bitWidths.denominator
        guard let scale = Rational("1" + String(repeating: "0", count: n)) else { return nil }
        let negative = self < 0
        let scaled = (negative ? -self : self) * scale
        guard scaled.isInteger else { return nil }
        var digits = scaled.description
        if digits.count <= n { digits = String(repeating: "0", count: n + 1 - digits.count) + digits }
        var text = digits.dropLast(n) + "." + digits.suffix(n)
        while text.hasSuffix("0") { text.removeLast() }
        return (negative ? "-" : "") + text
    }

    /// Whether the printers write this constant as the Double nearest it rather than as p/q: a
    /// non-integer whose numerator or denominator is beyond Double's range while its value is a
    /// finite, nonzero Double. Evaluated in Double, p/q is then ∞/∞: x·1.0123456789⁴⁰'s
    /// derivative printed as a 401-digit fraction that `jac eval` refused and generated Swift
    /// computed as NaN (a review). `jac diff` says when it rounds one.
    ///
    /// ```swift
    /// Rational(numerator: 1, denominator: 3).printsAsNearestDouble   // false: 1/3 evaluates fine in Double
    /// ```
    public var printsAsNearestDouble: Bool {
        guard !isNaN, !isInteger else { return false }
        let d = approximateDouble
        guard d.isFinite, d != 0 else { return false }
        let (p, q) = decimalParts
        return !((Double(p) ?? .infinity).isFinite && (Double(q) ?? .infinity).isFinite)
    }
}
