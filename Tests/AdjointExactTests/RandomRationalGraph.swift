import AdjointCore

/// A random DAG of rational-closed registry ops, interpreted generically so that one graph runs
/// as plain Double, Dual, Reverse and Rational. Nodes only refer to earlier nodes, so evaluation
/// is one loop in index order (no recursion).
struct RandomRationalGraph: ADFunction, CustomStringConvertible {
    enum Node {
        case input(Int)
        /// A dyadic constant p/2^k, exact in every scalar type.
        case constant(Int, Int)
        case unary(Op, Int)
        case powi(Int, Int)
        case binary(Op, Int, Int)
        case leakyRelu(Int, slopeNumerator: Int)   // slope = numerator/8
        /// a / (b² + 1): division by a value that can never be 0.
        case safeDiv(Int, Int)
    }

    /// Which ops a graph may use.
    enum Family {
        /// Every rational-closed op: + − × neg, square, powi, safe division, relu, abs, max, min,
        /// leaky ReLU. Kinks and cancellation included.
        case general
        /// + × square powi and positive constants only, on positive inputs: every value and every
        /// local partial is positive, so no Jacobian entry suffers cancellation. Floating-point
        /// forward and reverse errors are then bounded by a few roundings per node.
        case positive
    }

    let inputs: Int
    let nodes: [Node]
    let outputs: [Int]

    var inputCount: Int? { inputs }

    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
        var v: [T] = []
        v.reserveCapacity(nodes.count)
        for node in nodes {
            switch node {
            case let .input(i): v.append(x[i])
            case let .constant(p, k): v.append(T(Double(p) / Double(1 << k)))
            case let .unary(op, a): v.append(T.apply(op, v[a], v[a], 0))
            case let .powi(a, n): v.append(T.powi(v[a], n))
            case let .binary(op, a, b): v.append(T.apply(op, v[a], v[b], 0))
            case let .leakyRelu(a, s): v.append(T.leakyRelu(v[a], slope: T(Double(s) / 8)))
            case let .safeDiv(a, b): v.append(v[a] / (T.square(v[b]) + 1))
            }
        }
        return outputs.map { v[$0] }
    }

    var description: String {
        var lines: [String] = []
        for (i, n) in nodes.enumerated() { lines.append("v\(i) = \(n)") }
        lines.append("outputs: \(outputs.map { "v\($0)" })")
        return lines.joined(separator: "\n")
    }

    /// A random graph with `inputs` inputs, about `size` op nodes and `outputs` outputs.
    ///
    /// Degree control keeps the exact numbers small: each node tracks the polynomial degree of
    /// its value in the inputs, and an op that would push it past `maxDegree` is replaced by an
    /// addition. (Without this, a chain of squarings doubles the bit size at every node.)
    static func random(inputs: Int, size: Int, outputs: Int, family: Family, maxDegree: Int = 8,
                       using rng: inout SeededGenerator) -> RandomRationalGraph {
        var nodes: [Node] = (0..<inputs).map { .input($0) }
        var degree = Array(repeating: 1, count: inputs)
        func pick(_ rng: inout SeededGenerator) -> Int {
            // Favour recent nodes so the graph has depth, not just breadth.
            let n = nodes.count
            return Bool.random(using: &rng) ? Int.random(in: Swift.max(0, n - 4)..<n, using: &rng)
                                            : Int.random(in: 0..<n, using: &rng)
        }
        for _ in 0..<size {
            let a = pick(&rng), b = pick(&rng)
            let (node, d): (Node, Int)
            switch family {
            case .general:
                switch Int.random(in: 0..<13, using: &rng) {
                case 0: (node, d) = (.binary(.add, a, b), Swift.max(degree[a], degree[b]))
                case 1: (node, d) = (.binary(.sub, a, b), Swift.max(degree[a], degree[b]))
                case 2: (node, d) = (.binary(.mul, a, b), degree[a] + degree[b])
                case 3: (node, d) = (.unary(.neg, a), degree[a])
                case 4: (node, d) = (.unary(.square, a), 2 * degree[a])
                case 5: (node, d) = (.powi(a, Int.random(in: 0...3, using: &rng)), 3 * degree[a])
                case 6: (node, d) = (.safeDiv(a, b), degree[a] + 2 * degree[b])
                case 7: (node, d) = (.unary(.relu, a), degree[a])
                case 8: (node, d) = (.unary(.abs, a), degree[a])
                case 9: (node, d) = (.binary(.max, a, b), Swift.max(degree[a], degree[b]))
                case 10: (node, d) = (.binary(.min, a, b), Swift.max(degree[a], degree[b]))
                case 11: (node, d) = (.leakyRelu(a, slopeNumerator: Int.random(in: 1...7, using: &rng)), degree[a])
                default:
                    // Affine with a small dyadic coefficient: c·a + b.
                    nodes.append(.constant(Int.random(in: -12...12, using: &rng), Int.random(in: 0...3, using: &rng)))
                    degree.append(0)
                    let c = nodes.count - 1
                    nodes.append(.binary(.mul, c, a)); degree.append(degree[a])
                    (node, d) = (.binary(.add, nodes.count - 1, b), Swift.max(degree[a], degree[b]))
                }
            case .positive:
                switch Int.random(in: 0..<5, using: &rng) {
                case 0: (node, d) = (.binary(.add, a, b), Swift.max(degree[a], degree[b]))
                case 1: (node, d) = (.binary(.mul, a, b), degree[a] + degree[b])
                case 2: (node, d) = (.unary(.square, a), 2 * degree[a])
                case 3: (node, d) = (.powi(a, Int.random(in: 2...3, using: &rng)), 3 * degree[a])
                default:
                    nodes.append(.constant(Int.random(in: 1...12, using: &rng), Int.random(in: 0...3, using: &rng)))
                    degree.append(0)
                    let c = nodes.count - 1
                    nodes.append(.binary(.mul, c, a)); degree.append(degree[a])
                    (node, d) = (.binary(.add, nodes.count - 1, b), Swift.max(degree[a], degree[b]))
                }
            }
            if d <= maxDegree {
                nodes.append(node); degree.append(d)
            } else {
                nodes.append(.binary(.add, a, b)); degree.append(Swift.max(degree[a], degree[b]))
            }
        }
        // Outputs: the last node and random others among the last half (so they depend on much).
        let n = nodes.count
        let outs = [n - 1] + (1..<Swift.max(1, outputs)).map { _ in Int.random(in: n / 2..<n, using: &rng) }
        return RandomRationalGraph(inputs: inputs, nodes: nodes, outputs: outs)
    }
}
