import AdjointCore

// Grammar (informal):
//   formula  := [ident "(" [ident {"," ident}] ")" "="] expr {";" expr} [";"]
//   expr     := the usual infix grammar over + - * / ^, unary - and +, "(" expr ")",
//               ident "(" expr {"," expr} ")", number, ident
// Precedence, loosest first: + - (left), * / (left), unary - (prefix), ^ (right).
// So -x^2 = -(x^2) as in mathematics, 2^-3 = 2^(-3), -x*y = (-x)*y, x^y^z = x^(y^z).
//
// The parser is a shunting-yard loop with explicit operator and operand stacks: no Swift
// recursion follows the input, so depth is bounded only by the `maxDepth` check we choose
// (parentheses and calls), with a clear error instead of a stack overflow.

extension Formula {
    /// Default bound on nesting of parentheses and calls.
    public static let defaultMaxDepth = 10_000

    /// What the parser does with a number literal beyond Double's range: one that overflows
    /// (`1e400`) or is not 0 but rounds to 0 (`1e-400`).
    public enum OutOfRangeLiterals: Sendable, Hashable {
        /// A syntax error naming the literal (the default): every floating evaluation would
        /// silently compute with ±∞ or 0 in its place.
        case refused
        /// Kept with its text, for a caller that evaluates the formula only in exact arithmetic
        /// (the literal's text is its value; ``FormulaConstant/isBeyondDouble`` marks it and
        /// ``Formula/literalsBeyondDouble`` lists them).
        case keptForExactEvaluation
    }

    /// Parses a formula into a registry graph.
    ///
    /// - Parameters:
    ///   - source: one or more expressions separated by `;`, optionally after a header
    ///     `f(x, y) = …` that fixes the variable order.
    ///   - variables: when given, the inputs in this order (overrides the header); any other
    ///     identifier is an unknown-variable error. Declared names shadow the constants `pi`, `e`.
    ///   - maxDepth: bound on nesting of parentheses and function calls.
    ///   - outOfRangeLiterals: whether a literal beyond Double's range (`1e400`, `1e-400`) is a
    ///     syntax error (``OutOfRangeLiterals/refused``, the default) or kept for exact evaluation.
    /// - Throws: ``FormulaError`` with the position of the problem.
    ///
    /// Functions are the registry's names (`sin`, `leaky_relu`, `hypot`, …). `leaky_relu(x)` means
    /// slope 0.01 and `elu(x)` means alpha 1. `^` with an integer literal exponent (`x^3`,
    /// `x^-2`, `x^(-2)`) with |n| ≤ 2147483647 (the tape stores it as an Int32) is the
    /// registry's integer power `powi`; any other exponent, a larger integer literal included,
    /// is `pow`.
    ///
    /// ```swift
    /// let f = try Formula(parsing: "f(x, y) = x*y + sin(x); exp(y)/x")
    /// f.outputs.count   // 2
    /// ```
    public init(parsing source: String, variables: [String]? = nil,
                maxDepth: Int = Formula.defaultMaxDepth,
                outOfRangeLiterals: OutOfRangeLiterals = .refused) throws {
        var parser = try FormulaParser(source: source, declared: variables, maxDepth: maxDepth,
                                       outOfRangeLiterals: outOfRangeLiterals)
        self = try parser.parse()
    }
}

extension Formula {
    /// The function names the formula language accepts, read from the registry (every primitive
    /// without syntax of its own), in registry order: what `jac --help` lists.
    ///
    /// ```swift
    /// Formula.functionNames.contains("asinh")   // true
    /// ```
    public static var functionNames: [String] {
        Op.primitives.filter { FunctionTable.lookup($0.info.name) != nil }.map(\.info.name)
    }
}

/// The names the formula language accepts as function calls, with their arities. Operators'
/// ops (add, mul, powi, …) are not callable: they have syntax of their own.
enum FunctionTable {
    static func lookup(_ name: String) -> Op? { Op(functionName: name) }

    /// What to write instead of an unknown function name: the right case of a known one, the
    /// language's name for a common alias (ln, arctan), a rewrite for a missing function (log10),
    /// or where the list is.
    ///
    /// ```swift
    /// FunctionTable.hint(forUnknown: "ln")   // " (did you mean log, the natural logarithm?)"
    /// ```
    static func hint(forUnknown name: String) -> String {
        let lower = name.lowercased()
        if lower != name, lookup(lower) != nil { return " (did you mean \(lower)? names are case-sensitive)" }
        let aliases: [String: String] = [
            "ln": "log, the natural logarithm", "arctan": "atan", "arcsinh": "asinh",
            "sqr": "square", "logistic": "sigmoid", "silu": "swish", "leakyrelu": "leaky_relu",
            "leaky": "leaky_relu", "fabs": "abs", "exp1m": "expm1", "lnp1": "log1p", "ln1p": "log1p",
            "power": "pow",
        ]
        if let alias = aliases[lower] { return " (did you mean \(alias)?)" }
        switch lower {
        case "log10": return " (write log(x)/log(10))"
        case "log2": return " (write log(x)/log(2))"
        case "exp2": return " (write 2^x)"
        case "cbrt": return " (write x^(1/3) for x > 0)"
        case "logsumexp": return " (write log(exp(x) + exp(y)), or softplus(x) for log(1 + exp(x)))"
        case "pi": return " ('pi' is the constant π: write pi, or pi*(…) for a product)"
        default:
            let names = Formula.functionNames
            // One letter before '(' is a variable times a bracket far more often than a typo.
            if name.count == 1 { return " (write \(name)*(…) for a product)" }
            // A typo changes about one letter in four: 'foo' is not 'pow'.
            if let near = closestName(to: lower, in: names) { return " (did you mean \(near)?)" }
            return " (functions: " + names.joined(separator: ", ") + ")"
        }
    }

    /// Levenshtein distance between two short names (the function names are at most 10 letters,
    /// and a typo is compared against about 30 of them once, when parsing has already failed).
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a.utf8), b = Array(b.utf8)
        var previous = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in stride(from: 1, through: b.count, by: 1) {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return a.isEmpty ? b.count : previous[b.count]
    }

    /// Accepted argument counts: the op's arity, or 1...2 where a default second argument exists.
    static func argumentCounts(_ op: Op) -> ClosedRange<Int> {
        switch op {
        case .leakyRelu, .elu: return 1...2
        default: return op.arity...op.arity
        }
    }
}

private enum BinaryOperator {
    case add, sub, mul, div, pow

    var precedence: Int {
        switch self {
        case .add, .sub: return 1
        case .mul, .div: return 2
        case .pow: return 4
        }
    }
    var isRightAssociative: Bool { self == .pow }
}

/// Unary minus binds tighter than * and looser than ^.
private let unaryPrecedence = 3

private enum StackEntry {
    case binary(BinaryOperator)
    case negate
    /// An open parenthesis at this byte offset.
    case paren(Int)
    /// A function call: op, name's offset, the "(" offset, commas seen, operand-stack height at "(".
    case call(Op, nameAt: Int, parenAt: Int, commas: Int, height: Int)
}

/// A value on the operand stack. Literals stay unmaterialised so `^` can see an integer
/// exponent and unary minus can fold into the literal's text (exact mode reads `-2` then).
private enum Operand {
    case node(Int)
    /// `beyondDouble`: the literal overflows or underflows Double (kept only for exact evaluation).
    case literal(text: String, value: Double, beyondDouble: Bool)
}

struct FormulaParser {
    let bytes: [UInt8]
    let source: String
    let tokens: [Token]
    let maxDepth: Int
    let outOfRangeLiterals: Formula.OutOfRangeLiterals
    var position = 0

    var variables: [String] = []
    var variableIndex: [String: Int] = [:]
    /// Whether the variable set is fixed (by the caller or a header): then others are errors.
    var declared = false
    var name: String?

    var nodes: [FormulaNode] = []
    var nodeIndex: [FormulaNode: Int] = [:]
    var constants: [FormulaConstant] = []
    var constantIndex: [String: Int] = [:]

    init(source: String, declared list: [String]?, maxDepth: Int,
         outOfRangeLiterals: Formula.OutOfRangeLiterals = .refused) throws {
        self.source = source
        self.bytes = Array(source.utf8)
        self.maxDepth = maxDepth
        self.outOfRangeLiterals = outOfRangeLiterals
        self.tokens = try Lexer.tokenize(bytes)
        if let list {
            try declare(list, offsets: nil)
        }
    }

    func text(_ t: Token) -> String { String(decoding: bytes[t.start..<t.end], as: UTF8.self) }

    func error(_ kind: FormulaError.Kind, _ message: String, at offset: Int, note: String = "") -> FormulaError {
        FormulaError(kind, message, at: offset, in: bytes, note: note)
    }

    mutating func declare(_ list: [String], offsets: [Int]?) throws {
        for (k, v) in list.enumerated() {
            let at = offsets?[k]
            func fail(_ why: String) -> FormulaError {
                at.map { error(.invalidVariableList, why, at: $0) } ?? FormulaError(.invalidVariableList, why)
            }
            let isIdentifier = v.utf8.first.map { ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) || $0 == 95 } ?? false
                && v.utf8.allSatisfy { ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) || $0 == 95 || ($0 >= 48 && $0 <= 57) }
            guard isIdentifier else { throw fail("'\(quotedForMessage(v))' is not a variable name (letters, digits, _; not starting with a digit)") }
            guard FunctionTable.lookup(v) == nil else { throw fail("'\(quotedForMessage(v))' is a function name and cannot be a variable") }
            guard variableIndex[v] == nil else { throw fail("variable '\(quotedForMessage(v))' is listed twice") }
            variableIndex[v] = variables.count
            variables.append(v)
        }
        declared = true
    }

    /// Recognises a header `name(a, b, …) =` at the start and consumes it.
    mutating func parseHeader() throws {
        guard tokens.count > 2, tokens[0].kind == .identifier, tokens[1].kind == .leftParen else { return }
        // An '=' in the first output after "name(" that is no function means a header was meant:
        // a malformed one is reported as such, not as "unknown function 'f'".
        let meantHeader = FunctionTable.lookup(text(tokens[0])) == nil
            && tokens.prefix { $0.kind != .semicolon }.contains { $0.kind == .equals }
        func malformed(at t: Token) -> FormulaError {
            let what = t.kind == .end ? "the formula ends" : "found '\(text(t))'"
            return error(.syntax, "malformed header: \(what) where variable names, commas and ') =' belong (write f(x, y) = ...)",
                         at: t.start)
        }
        var i = 2
        var names: [String] = []
        var offsets: [Int] = []
        if tokens[i].kind == .identifier {
            while true {
                guard tokens[i].kind == .identifier else {
                    if meantHeader { throw malformed(at: tokens[i]) }
                    return
                }
                names.append(text(tokens[i])); offsets.append(tokens[i].start)
                i += 1
                if tokens[i].kind == .comma { i += 1; continue }
                break
            }
        }
        guard tokens[i].kind == .rightParen, tokens[i + 1].kind == .equals else {
            if meantHeader { throw malformed(at: tokens[i].kind == .rightParen ? tokens[i + 1] : tokens[i]) }
            return
        }
        name = text(tokens[0])
        // Variables given by the caller win over the header (documented on init(parsing:)).
        if !declared { try declare(names, offsets: offsets) }
        position = i + 2
    }

    mutating func parse() throws -> Formula {
        try parseHeader()
        var outputs: [Int] = []
        while true {
            if tokens[position].kind == .end {
                if outputs.isEmpty {
                    throw error(.empty, "empty formula: expected an expression", at: tokens[position].start)
                }
                break
            }
            outputs.append(try parseExpression())
            // parseExpression stops at ";" or the end.
            if tokens[position].kind == .semicolon { position += 1 }
        }
        return Formula(source: source, variables: variables, nodes: nodes, constants: constants,
                       outputs: outputs, name: name)
    }

    // MARK: Graph building (hash-consed)

    mutating func add(_ node: FormulaNode) -> Int {
        var node = node
        if (node.op == .add || node.op == .mul) && node.a > node.b {
            node = FormulaNode(op: node.op, a: node.b, b: node.a, n: node.n)
        }
        if let i = nodeIndex[node] { return i }
        nodes.append(node)
        nodeIndex[node] = nodes.count - 1
        return nodes.count - 1
    }

    mutating func constant(_ text: String, _ value: Double, _ kind: FormulaConstant.Kind,
                           beyondDouble: Bool = false) -> Int {
        let c: Int
        if let i = constantIndex[text] {
            c = i
        } else {
            constants.append(FormulaConstant(text: text, value: value, kind: kind, isBeyondDouble: beyondDouble))
            c = constants.count - 1
            constantIndex[text] = c
        }
        return add(FormulaNode(op: .constant, n: c))
    }

    private mutating func materialize(_ operand: Operand) -> Int {
        switch operand {
        case .node(let i): return i
        case let .literal(text, value, beyond): return constant(text, value, .literal, beyondDouble: beyond)
        }
    }

    // MARK: Expressions

    /// Parses one output expression, leaving `position` at the ";" or end token after it.
    mutating func parseExpression() throws -> Int {
        var ops: [StackEntry] = []
        var operands: [Operand] = []
        var depth = 0
        var expectOperand = true

        while true {
            let t = tokens[position]
            if expectOperand {
                switch t.kind {
                case .number:
                    let s = text(t)
                    guard let v = parseDouble(s) else {
                        throw error(.syntax, "number '\(quotedForMessage(s))' is out of range", at: t.start)
                    }
                    // Out of range, it would silently change the formula in every floating
                    // evaluation: ∞, or 0 for a nonzero literal (1e-400).
                    let overflows = !v.isFinite
                    let underflows = v == 0 && literalHasNonzeroDigit(s)
                    if outOfRangeLiterals == .refused {
                        if overflows { throw error(.syntax, "number '\(quotedForMessage(s))' is out of range", at: t.start) }
                        if underflows {
                            throw error(.syntax, "number '\(quotedForMessage(s))' underflows to 0 in double precision", at: t.start)
                        }
                    }
                    operands.append(.literal(text: s, value: v, beyondDouble: overflows || underflows))
                    expectOperand = false
                case .identifier:
                    let s = text(t)
                    if tokens[position + 1].kind == .leftParen {
                        guard let op = FunctionTable.lookup(s) else {
                            throw error(.unknownFunction(s), "unknown function '\(quotedForMessage(s))'" + FunctionTable.hint(forUnknown: s), at: t.start)
                        }
                        let paren = tokens[position + 1]
                        depth += 1
                        if depth > maxDepth { throw tooDeep(at: paren.start) }
                        ops.append(.call(op, nameAt: t.start, parenAt: paren.start, commas: 0, height: operands.count))
                        position += 1   // the "(" is consumed here; an operand must follow
                        if tokens[position + 1].kind == .rightParen {
                            throw arityError(op, got: 0, at: t.start)
                        }
                    } else {
                        operands.append(.node(try reference(s, at: t.start)))
                        expectOperand = false
                    }
                case .leftParen:
                    depth += 1
                    if depth > maxDepth { throw tooDeep(at: t.start) }
                    ops.append(.paren(t.start))
                case .minus:
                    ops.append(.negate)
                case .plus:
                    break   // unary plus changes nothing
                default:
                    // x**2 is the power in Python and Fortran; here it is two operators in a row.
                    let power = t.kind == .star && position > 0 && tokens[position - 1].kind == .star
                        && tokens[position - 1].end == t.start
                    throw error(.syntax, "expected a number, variable, function call or '(' \(found(t))"
                                + (power ? " (write powers with '^', as x^2, not x**2)" : ""), at: t.start)
                }
                position += 1
                continue
            }

            // After an operand: an operator, a closing token, or the end of this output.
            switch t.kind {
            case .plus, .minus, .star, .slash, .caret:
                let op: BinaryOperator
                switch t.kind {
                case .plus: op = .add
                case .minus: op = .sub
                case .star: op = .mul
                case .slash: op = .div
                default: op = .pow
                }
                while let top = ops.last {
                    let topPrecedence: Int
                    switch top {
                    case .binary(let b): topPrecedence = b.precedence
                    case .negate: topPrecedence = unaryPrecedence
                    default: topPrecedence = -1
                    }
                    guard topPrecedence > op.precedence
                        || (topPrecedence == op.precedence && !op.isRightAssociative) else { break }
                    ops.removeLast()
                    reduce(top, &operands)
                }
                ops.append(.binary(op))
                expectOperand = true
            case .rightParen, .comma:
                // Reduce to the innermost open parenthesis or call.
                var opener: StackEntry?
                while let top = ops.popLast() {
                    switch top {
                    case .paren, .call: opener = top
                    default: reduce(top, &operands)
                    }
                    if opener != nil { break }
                }
                guard let opener else {
                    throw error(.syntax, t.kind == .comma
                                ? "unexpected ',' outside a function call"
                                : "unmatched ')'", at: t.start)
                }
                switch (opener, t.kind) {
                case (.paren, .rightParen):
                    depth -= 1
                case (.paren, _):
                    throw error(.syntax, "unexpected ',' inside parentheses (commas separate function arguments)", at: t.start)
                case let (.call(op, nameAt, parenAt, commas, height), .comma):
                    if commas + 2 > FunctionTable.argumentCounts(op).upperBound {
                        throw arityError(op, got: commas + 2, at: nameAt)
                    }
                    ops.append(.call(op, nameAt: nameAt, parenAt: parenAt, commas: commas + 1, height: height))
                    expectOperand = true
                case let (.call(op, nameAt, _, commas, height), _):
                    depth -= 1
                    let argc = commas + 1
                    guard FunctionTable.argumentCounts(op).contains(argc), operands.count == height + argc else {
                        throw arityError(op, got: argc, at: nameAt)
                    }
                    // pow(x, n) with an integer literal n is x^n: the registry's integer power,
                    // which exact mode can run (real pow is not closed over the rationals).
                    if op == .pow, argc == 2, case let .literal(text, _, _)? = operands.last, let n = integerExponent(text) {
                        operands.removeLast()
                        guard let base = operands.popLast() else { throw arityError(op, got: argc, at: nameAt) }
                        operands.append(.node(add(FormulaNode(op: .powi, a: materialize(base), n: n))))
                    } else {
                        var args = operands.suffix(argc).map { materialize($0) }
                        operands.removeLast(argc)
                        if args.count == 1 && op.arity == 2, let d = op.info.defaultParameter {
                            args.append(constant(d, parseDouble(d) ?? 0, .defaultArgument))
                        }
                        operands.append(.node(add(FormulaNode(op: op, a: args[0], b: args.count > 1 ? args[1] : args[0]))))
                    }
                default:
                    break
                }
            case .semicolon, .end:
                while let top = ops.popLast() {
                    switch top {
                    case .paren(let at), .call(_, _, let at, _, _):
                        let opened = FormulaError(.syntax, "", at: at, in: bytes).column ?? 0
                        throw error(.syntax, "expected ')'", at: t.start,
                                    note: " (to close the '(' at column \(opened))")
                    default: reduce(top, &operands)
                    }
                }
                guard operands.count == 1, let result = operands.first else {
                    throw error(.syntax, "malformed expression", at: t.start)
                }
                return materialize(result)
            case .number, .identifier, .leftParen:
                // Juxtaposition is a product in mathematics: show the '*' where it goes, with the
                // two operands as written (a bracket shown as (…)), not a generic "2*x".
                let previous = tokens[position - 1]
                let left = previous.kind == .rightParen ? "(…)" : quotedForMessage(text(previous))
                let right = t.kind == .leftParen ? "(…)" : quotedForMessage(text(t))
                let gap = t.start > previous.end ? " " : ""
                throw error(.syntax, "expected an operator \(found(t)) (write \(left)*\(right), not \(left)\(gap)\(right))", at: t.start)
            case .equals:
                throw error(.syntax, "unexpected '=' (only a header 'f(x, y) = ' may use it, at the start)", at: t.start)
            }
            position += 1
        }
    }

    private mutating func reduce(_ entry: StackEntry, _ operands: inout [Operand]) {
        switch entry {
        case .negate:
            guard let x = operands.popLast() else { return }
            switch x {
            case let .literal(text, value, beyond):
                let folded = text.hasPrefix("-") ? String(text.dropFirst()) : "-" + text
                operands.append(.literal(text: folded, value: -value, beyondDouble: beyond))
            case .node(let i):
                operands.append(.node(add(FormulaNode(op: .neg, a: i))))
            }
        case .binary(let op):
            guard let rhs = operands.popLast(), let lhs = operands.popLast() else { return }
            if op == .pow, case let .literal(text, _, _) = rhs, let n = integerExponent(text) {
                operands.append(.node(add(FormulaNode(op: .powi, a: materialize(lhs), n: n))))
                return
            }
            let a = materialize(lhs), b = materialize(rhs)
            let registryOp: Op
            switch op {
            case .add: registryOp = .add
            case .sub: registryOp = .sub
            case .mul: registryOp = .mul
            case .div: registryOp = .div
            case .pow: registryOp = .pow
            }
            operands.append(.node(add(FormulaNode(op: registryOp, a: a, b: b))))
        case .paren, .call:
            break
        }
    }

    /// The exponent of `x^n` when the literal is an integer the tape can store (Int32).
    private func integerExponent(_ text: String) -> Int? {
        guard let n = Int(text), n >= Int(Int32.min), n <= Int(Int32.max) else { return nil }
        return n
    }

    /// Resolves an identifier that is not a call: a variable or a named constant.
    private mutating func reference(_ s: String, at offset: Int) throws -> Int {
        if let i = variableIndex[s] { return add(FormulaNode(op: .input, n: i)) }
        switch s {
        case "pi": return constant("pi", Double.pi, .pi)
        case "e": return constant("e", 2.718281828459045, .e)
        default: break
        }
        if FunctionTable.lookup(s) != nil {
            throw error(.syntax, "'\(s)' is a function: call it as \(s)(…)", at: offset)
        }
        if declared {
            let known = variables.isEmpty ? "none declared" : "variables: " + listedForMessage(variables)
            throw error(.unknownVariable(s), "unknown variable '\(quotedForMessage(s))'", at: offset, note: " (\(known))")
        }
        variableIndex[s] = variables.count
        variables.append(s)
        return add(FormulaNode(op: .input, n: variables.count - 1))
    }

    private func tooDeep(at offset: Int) -> FormulaError {
        error(.tooDeep(limit: maxDepth), "nesting deeper than \(maxDepth) parentheses or calls", at: offset)
    }

    private func arityError(_ op: Op, got: Int, at offset: Int) -> FormulaError {
        let r = FunctionTable.argumentCounts(op)
        let expected = r.count == 1 ? "\(r.lowerBound)" : "\(r.lowerBound) or \(r.upperBound)"
        let noun = r.upperBound == 1 ? "argument" : "arguments"
        return error(.wrongArgumentCount(function: op.info.name, expected: expected, got: got),
                     "\(op.info.name) takes \(expected) \(noun), got \(got)", at: offset)
    }

    private func found(_ t: Token) -> String {
        t.kind == .end ? "but the formula ends" : "but found '\(quotedForMessage(text(t)))'"
    }
}

/// Whether a decimal literal's mantissa (the part before any exponent) has a nonzero digit.
///
/// ```swift
/// literalHasNonzeroDigit("1e-400")   // true: nonzero, though it rounds to 0
/// literalHasNonzeroDigit("0.000")    // false
/// ```
public func literalHasNonzeroDigit(_ s: String) -> Bool {
    s.prefix { $0 != "e" && $0 != "E" }.contains { ("1"..."9").contains($0) }
}

/// Parses a decimal literal as lexed (`.5` and `5.` included).
func parseDouble(_ s: String) -> Double? {
    var t = s
    if t.hasPrefix(".") { t = "0" + t } else if t.hasPrefix("-.") { t = "-0" + t.dropFirst() }
    if let dot = t.firstIndex(of: "."), t.index(after: dot) == t.endIndex || !(t[t.index(after: dot)].isNumber) {
        t.insert("0", at: t.index(after: dot))
    }
    return Double(t)
}

/// The name in `names` a typo of `name` most likely meant: the closest by edit distance, within
/// one edit per four letters (at least one), or nil. Case-insensitive.
///
/// ```swift
/// closestName(to: "sigmoud", in: ["sigmoid", "softplus"])   // "sigmoid"
/// closestName(to: "foo", in: ["pow"])                       // nil: 'foo' is not a typo of 'pow'
/// ```
public func closestName(to name: String, in names: [String]) -> String? {
    let lower = name.lowercased()
    // The distance is at least the difference in length, so a name far longer or shorter than
    // every candidate is compared with none: a 1 MB unknown name took seconds of edit distances.
    let length = lower.utf8.count
    let candidates = names.filter { (candidate: String) -> Bool in
        let gap = candidate.utf8.count - length
        return gap.magnitude <= max(1, candidate.count / 4)
    }
    // Typed out: the inferred chain of map, filter and min over tuples took 9.5 s to type-check.
    var best: (name: String, distance: Int)? = nil
    for candidate in candidates {
        let distance: Int = FunctionTable.editDistance(lower, candidate.lowercased())
        let allowed: Int = max(1, candidate.count / 4)
        if distance <= allowed, distance < (best?.distance ?? Int.max) { best = (candidate, distance) }
    }
    return best?.name
}
