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
/// ```swift
/// let x = Symbolic.variable(0), y = Symbolic.variable(1)
/// let e = sin(x) * sin(x + y) + sin(x + y)
/// let out = ExpressionPrinter(variables: ["x", "y"], expand: false).print([e.id])
/// out.definitions   // [("t1", "sin(y + x)")]: used twice, so named
/// out.roots         // ["t1 + sin(x)*t1"]
/// ```
public struct ExpressionPrinter: Sendable {
    public let variables: [String]?
    public let syntax: ExpressionSyntax
    /// Print every root as a full tree (shared subexpressions repeated) instead of naming them.
    public let expand: Bool
    /// Prefix of intermediate names (`t` gives t1, t2, …).
    public let intermediatePrefix: String

    public init(variables: [String]?, syntax: ExpressionSyntax = .formula, expand: Bool = true,
                intermediatePrefix: String = "t") {
        self.variables = variables; self.syntax = syntax; self.expand = expand
        self.intermediatePrefix = intermediatePrefix
    }

    /// The printed intermediates (in definition order) and roots.
    public struct Output: Sendable, Equatable {
        public var definitions: [(name: String, text: String)]
        public var roots: [String]
        public static func == (a: Output, b: Output) -> Bool {
            a.roots == b.roots && a.definitions.map(\.name) == b.definitions.map(\.name)
                && a.definitions.map(\.text) == b.definitions.map(\.text)
        }
    }

    // Precedence levels: sums 1, products 2, powers 4, atoms 5. A negation counts as a sum so it
    // is parenthesised wherever it is an operand, which keeps the parse tree the printed one.
    private static let sum = 1, product = 2, powerLevel = 4, atom = 5

    /// Prints the expressions at `roots` (indices into ``ExpressionGraph/shared``).
    public func print(_ roots: [Int]) -> Output {
        let graph = ExpressionGraph.shared
        let order = graph.reachable(from: roots)
        let all = graph.snapshot()
        var uses: [Int: Int] = [:]
        for i in order { for a in all[i].arguments { uses[a, default: 0] += 1 } }
        for r in roots { uses[r, default: 0] += 1 }
        var text: [Int: (String, Int)] = [:]
        var definitions: [(String, String)] = []
        for i in order {
            let node = all[i]
            var printed = render(node, text)
            if !expand, !node.arguments.isEmpty, (uses[i] ?? 0) > 1, !isTrivial(node, all) {
                let name = intermediatePrefix + "\(definitions.count + 1)"
                definitions.append((name, printed.0))
                printed = (syntax == .latex ? latexName(name) : name, Self.atom)
            }
            text[i] = printed
        }
        return Output(definitions: definitions, roots: roots.map { text[$0]?.0 ?? "?" })
    }

    /// A negated leaf is cheaper to repeat than to name.
    private func isTrivial(_ node: ExpressionNode, _ all: [ExpressionNode]) -> Bool {
        if case .op(.neg) = node.head, all[node.a].arguments.isEmpty { return true }
        return false
    }

    private func variableName(_ k: Int) -> String {
        let name = variables.flatMap { k < $0.count ? $0[k] : nil } ?? "x\(k)"
        return syntax == .latex ? latexName(name) : name
    }

    private func latexName(_ name: String) -> String {
        // x1 → x_{1}; a longer name upright.
        let letters = name.prefix { $0.isLetter }
        let digits = name.dropFirst(letters.count)
        let base = letters.count == 1 ? String(letters) : "\\mathrm{\(letters)}"
        if !digits.isEmpty && digits.allSatisfy(\.isNumber) { return "\(base)_{\(digits)}" }
        return letters.count == name.count ? base : "\\mathrm{\(name)}"
    }

    private func constantText(_ c: Rational) -> (String, Int) {
        if c.isNaN { return syntax == .swift ? ("Double.nan", Self.atom) : ("nan", Self.atom) }
        let negative = c < 0
        let magnitude = negative ? -c : c
        var body: String
        var level: Int
        let d = magnitude.approximateDouble
        if magnitude.isInteger {
            body = magnitude.description
            level = Self.atom
        } else if let r = Rational("\(d)"), r == magnitude {
            body = "\(d)"   // a decimal exactly (0.5, 1.1283791670955126)
            level = Self.atom
        } else {
            let (p, q) = magnitude.decimalParts
            switch syntax {
            case .formula: body = "\(p)/\(q)"; level = Self.product
            case .latex: body = "\\frac{\(p)}{\(q)}"; level = Self.atom
            case .swift: body = "\(p).0 / \(q).0"; level = Self.product
            }
        }
        if syntax == .swift && magnitude.isInteger { body += ".0" }
        if negative { return ("-" + (level < Self.atom ? "(\(body))" : body), Self.sum) }
        return (body, level)
    }

    private func wrap(_ t: (String, Int), atLeast level: Int) -> String {
        if t.1 >= level { return t.0 }
        return syntax == .latex ? "\\left(\(t.0)\\right)" : "(\(t.0))"
    }

    private func render(_ node: ExpressionNode, _ text: [Int: (String, Int)]) -> (String, Int) {
        let a = node.a >= 0 ? text[node.a] ?? ("?", Self.atom) : ("?", Self.atom)
        let b = node.b >= 0 ? text[node.b] ?? ("?", Self.atom) : a
        switch node.head {
        case .variable(let k): return (variableName(k), Self.atom)
        case .constant(let c): return constantText(c)
        case .call(let name): return call(name, node.b >= 0 ? [a, b] : [a])
        case .op(let op):
            let latex = syntax == .latex
            switch op {
            case .add: return (wrap(a, atLeast: Self.sum) + " + " + wrap(b, atLeast: Self.product), Self.sum)
            case .sub: return (wrap(a, atLeast: Self.sum) + " - " + wrap(b, atLeast: Self.product), Self.sum)
            case .mul:
                // (−c)·b reads as −(c·b): print the coefficient's magnitude behind one minus.
                if case .constant(let c)? = constantNode(node.a), c < 0 {
                    let positive = constantText(-c)
                    let sep = latex ? " \\cdot " : (syntax == .swift ? " * " : "*")
                    let product = wrap(positive, atLeast: Self.product) + sep + wrap(b, atLeast: Self.powerLevel)
                    return ("-" + (positive.0 == "1" ? wrap(b, atLeast: Self.product) : wrap((product, Self.product), atLeast: Self.product)), Self.sum)
                }
                let sep = latex ? " \\cdot " : (syntax == .swift ? " * " : "*")
                return (wrap(a, atLeast: Self.product) + sep + wrap(b, atLeast: Self.powerLevel), Self.product)
            case .div:
                if latex { return ("\\frac{\(a.0)}{\(b.0)}", Self.atom) }
                let sep = syntax == .swift ? " / " : "/"
                return (wrap(a, atLeast: Self.product) + sep + wrap(b, atLeast: Self.powerLevel), Self.product)
            case .neg: return ("-" + wrap(a, atLeast: Self.product), Self.sum)
            case .powi:
                switch syntax {
                case .formula: return (wrap(a, atLeast: Self.atom) + "^" + (node.n < 0 ? "(\(node.n))" : "\(node.n)"), Self.powerLevel)
                case .latex: return (wrap(a, atLeast: Self.atom) + "^{\(node.n)}", Self.powerLevel)
                case .swift: return ("pow(\(a.0), \(node.n))", Self.atom)
                }
            default:
                return call(op.info.name, op.arity == 2 ? [a, b] : [a], op: op)
            }
        }
    }

    private func constantNode(_ i: Int) -> ExpressionNode.Head? {
        i < 0 ? nil : ExpressionGraph.shared.node(i).head
    }

    private func call(_ name: String, _ args: [(String, Int)], op: Op? = nil) -> (String, Int) {
        switch syntax {
        case .formula:
            return ("\(name)(" + args.map(\.0).joined(separator: ", ") + ")", Self.atom)
        case .swift:
            switch op {
            case .leakyRelu?: return ("leakyRelu(\(args[0].0), slope: \(args[1].0))", Self.atom)
            case .elu?: return ("elu(\(args[0].0), alpha: \(args[1].0))", Self.atom)
            default: return ("\(name)(" + args.map(\.0).joined(separator: ", ") + ")", Self.atom)
            }
        case .latex:
            if op == .sqrt { return ("\\sqrt{\(args[0].0)}", Self.atom) }
            if op == .abs { return ("\\left|\(args[0].0)\\right|", Self.atom) }
            let known: Set<String> = ["exp", "log", "sin", "cos", "tan", "sinh", "cosh", "tanh", "max", "min"]
            let head = known.contains(name) ? "\\\(name)" : (op == .atan ? "\\arctan" : "\\operatorname{\(name.split(separator: "_", omittingEmptySubsequences: false).joined(separator: "\\_"))}")
            return (head + "\\left(" + args.map(\.0).joined(separator: ", ") + "\\right)", Self.atom)
        }
    }
}

extension Symbolic {
    /// The expression as a `jac` formula (expanded), variables named by `variables` or x0, x1, ….
    public func formula(variables: [String]?) -> String {
        ExpressionPrinter(variables: variables, syntax: .formula, expand: true).print([id]).roots[0]
    }

    /// Sizes of this expression (see ``ExpressionGraph/size(of:)``).
    public var size: ExpressionSize { ExpressionGraph.shared.size(of: [id]) }
}
