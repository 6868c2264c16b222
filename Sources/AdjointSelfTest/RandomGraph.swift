import AdjointCore

/// One node of a ``RandomGraph``: a registry op (or a user primitive) applied to earlier nodes.
///
/// Arguments always index earlier nodes, so one forward loop evaluates the graph and no walk
/// recurses, whatever the depth.
public struct GraphNode: Sendable, Hashable {
    /// `.input` (variable `n`), `.constant` (constant `n`), `.custom` (user primitive `n` of the
    /// graph's list), or a built-in primitive.
    public let op: Op
    /// First argument's node index.
    public let a: Int
    /// Second argument's node index (equal to `a` for unary ops).
    public let b: Int
    /// `powi`'s exponent, or the index of the variable, constant or user primitive.
    public let n: Int
}

/// A random expression graph over the registry, with the point it was generated for.
///
/// It is an ``ADFunction``, so every mode runs the same graph, and it prints as a formula `jac`
/// accepts (``formula``) when it uses built-in primitives only.
///
/// ```swift
/// let g = try GraphGenerator().graph(seed: 7)
/// print(g.formula)                      // f(x1) = relu((-((min((abs(square(… for seed 7
/// let r = try jacobian(of: g, at: g.point, mode: .reverse)
/// ```
public struct RandomGraph: ADFunction {
    /// The seed that regenerates this graph with ``GraphGenerator/graph(seed:focus:)``.
    public let seed: UInt64
    /// Nodes in evaluation order.
    public let nodes: [GraphNode]
    /// Constant values (dyadic rationals, so the printed decimal is the exact value).
    public let constants: [Double]
    /// Number of inputs.
    public let inputs: Int
    /// Output node indices.
    public let outputs: [Int]
    /// The point the graph was generated around: every op's domain holds there with a margin and
    /// no kink is within ``GraphGenerator/kinkMargin``.
    public let point: [Double]
    /// User primitives referenced by `.custom` nodes.
    public let userPrimitives: [any ScalarPrimitive.Type]
    /// Longest path from an input to an output, in ops.
    public let depth: Int
    /// The largest bit size an exact evaluation is expected to reach (a rough upper estimate).
    public let exactBits: Int

    public var inputCount: Int? { inputs }

    /// Nodes whose op sits exactly at a kink at ``point`` (placed there on purpose).
    public var kinkNodes: Set<Int> {
        var v: [Double] = []
        var found: Set<Int> = []
        for (k, node) in nodes.enumerated() {
            switch node.op {
            case .input: v.append(point[node.n])
            case .constant: v.append(constants[node.n])
            case .custom:
                let p = userPrimitives[node.n]
                if p.kinkDistance(v[node.a], v[node.b]) == 0 { found.insert(k) }
                v.append(Diagnostics.quietly { RandomGraph.applyUser(p, v[node.a], v[node.b]) })
            default:
                if Rules.kinkDistance(node.op, v[node.a], v[node.b]) == 0 { found.insert(k) }
                v.append(Diagnostics.quietly { Rules.primal(node.op, v[node.a], v[node.b], node.n) })
            }
        }
        return found
    }

    public func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
        var v: [T] = []
        v.reserveCapacity(nodes.count)
        for node in nodes {
            switch node.op {
            case .input: v.append(x[node.n])
            case .constant: v.append(T(constants[node.n]))
            case .custom: v.append(RandomGraph.applyUser(userPrimitives[node.n], v[node.a], v[node.b]))
            default: v.append(T.apply(node.op, v[node.a], v[node.b], node.n))
            }
        }
        return outputs.map { v[$0] }
    }

    static func applyUser<T: ADScalar>(_ p: any ScalarPrimitive.Type, _ x: T, _ y: T) -> T {
        p.arity == 1 ? p.apply(x) : p.apply(x, y)
    }

    /// The primitives the graph applies: built-in names and user primitive names.
    public var primitiveNames: Set<String> {
        Set(nodes.compactMap { node -> String? in
            switch node.op {
            case .input, .constant: return nil
            case .custom: return userPrimitives[node.n].name
            default: return node.op.info.name
            }
        })
    }

    /// Built-in ops used.
    public var builtinOps: Set<Op> { Set(nodes.map(\.op).filter { $0.info.arity > 0 }) }

    /// Whether every node can run on complex numbers (the complex step applies).
    public var isAnalytic: Bool {
        nodes.allSatisfy { $0.op == .input || $0.op == .constant || ($0.op != .custom && $0.op.info.isAnalytic) }
    }

    /// Whether every node maps rationals to rationals (exact mode applies).
    public var isRationalClosed: Bool {
        nodes.allSatisfy { $0.op == .input || $0.op == .constant || ($0.op != .custom && $0.op.info.isRationalClosed) }
    }

    /// Whether every node is a built-in, so ``formula`` is something `jac` parses.
    public var isBuiltinOnly: Bool { !nodes.contains { $0.op == .custom } }

    /// Variable names, `x1` … `xn`.
    public var variables: [String] { (1...Swift.max(inputs, 1)).prefix(inputs).map { "x\($0)" } }

    /// The graph as a formula: a header fixing the variable order, then one expression per output,
    /// `;`-separated. Every operation is parenthesised, so precedence never decides anything; shared
    /// nodes are written out again and the parser merges them back (it hash-conses).
    /// User primitives print as calls by their name, which `jac` does not know.
    public var formula: String {
        var text: [String] = []
        text.reserveCapacity(nodes.count)
        for node in nodes {
            let a = node.a < text.count ? text[node.a] : "", b = node.b < text.count ? text[node.b] : ""
            let s: String
            switch node.op {
            case .input: s = "x\(node.n + 1)"
            case .constant: s = RandomGraph.literal(constants[node.n])
            case .custom: s = "\(userPrimitives[node.n].name)(\(a)\(userPrimitives[node.n].arity == 2 ? ", \(b)" : ""))"
            case .add: s = "(\(a) + \(b))"
            case .sub: s = "(\(a) - \(b))"
            case .mul: s = "(\(a) * \(b))"
            case .div: s = "(\(a) / \(b))"
            case .neg: s = "(-\(a))"
            case .powi: s = node.n < 0 ? "(\(a)^(\(node.n)))" : "(\(a)^\(node.n))"
            default:
                s = node.op.info.arity == 2 ? "\(node.op.info.name)(\(a), \(b))" : "\(node.op.info.name)(\(a))"
            }
            text.append(s)
        }
        let header = "f(" + variables.joined(separator: ", ") + ") = "
        return header + outputs.map { text[$0] }.joined(separator: "; ")
    }

    /// `--at` text for `jac`: `x1=0.5,x2=-1.25`.
    public var pointArgument: String {
        point.enumerated().map { "x\($0.offset + 1)=\($0.element)" }.joined(separator: ",")
    }

    /// A dyadic constant as a literal the parser reads back to the same Double (negative ones in
    /// parentheses so a binary minus before them stays unambiguous).
    static func literal(_ c: Double) -> String { c < 0 ? "(\(c))" : "\(c)" }
}
