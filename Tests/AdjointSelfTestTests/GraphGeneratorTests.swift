import XCTest
import AdjointCore
@testable import AdjointSelfTest

final class GraphGeneratorTests: XCTestCase {
    func testSameSeedSameGraph() throws {
        let gen = GraphGenerator()
        let a = try gen.graph(seed: 99, focus: .builtin(.elu)), b = try gen.graph(seed: 99, focus: .builtin(.elu))
        XCTAssertEqual(a.nodes, b.nodes)
        XCTAssertEqual(a.formula, b.formula)
        XCTAssertEqual(a.point, b.point)
        XCTAssertNotEqual(a.formula, try gen.graph(seed: 100, focus: .builtin(.elu)).formula)
    }

    /// The shapes the issue asks for, over the fuzzer's first 2,000 graphs: depth near 30,
    /// fan-out (a node read twice or more), several outputs, every primitive placed.
    func testGraphsHaveDepthFanOutAndSeveralOutputs() throws {
        let fuzzer = Fuzzer(seed: 7)
        var maxDepth = 0, fanOut = 0, multiOutput = 0
        var ops: Set<Op> = []
        for k in 0..<2_000 {
            let g = try fuzzer.graph(k)
            maxDepth = max(maxDepth, g.depth)
            if g.outputs.count > 1 { multiOutput += 1 }
            var reads = [Int](repeating: 0, count: g.nodes.count)
            for node in g.nodes where node.op != .input && node.op != .constant {
                reads[node.a] += 1
                if node.b != node.a { reads[node.b] += 1 }
            }
            if g.nodes.indices.contains(where: { g.nodes[$0].op != .input && reads[$0] >= 2 }) { fanOut += 1 }
            ops.formUnion(g.builtinOps)
        }
        XCTAssertGreaterThanOrEqual(maxDepth, 25)
        XCTAssertGreaterThan(fanOut, 500, "graphs with an op node read twice or more")
        XCTAssertGreaterThan(multiOutput, 500)
        XCTAssertEqual(ops, Set(Op.primitives), "missing: \(Set(Op.primitives).subtracting(ops))")
    }

    /// Domain awareness, checked node by node at the graph's point by re-evaluating it: every op
    /// inside its domain and at least the margin away from its kinks, except at most one kink
    /// placed on purpose (on an input minus its own value, or a tie of an input and its value).
    func testEveryNodeIsInsideItsDomainAndAwayFromKinks() throws {
        let fuzzer = Fuzzer(seed: 11)
        var onPurpose = 0
        for k in 0..<500 {
            let g = try fuzzer.graph(k)
            var kinksHere = 0
            func purposeful(_ node: GraphNode) -> Bool {
                let arg = g.nodes[node.a]
                if node.op == .max || node.op == .min {
                    return arg.op == .input && g.nodes[node.b].op == .constant
                }
                return arg.op == .sub && g.nodes[arg.a].op == .input && g.nodes[arg.b].op == .constant
            }
            var v: [Double] = []
            for node in g.nodes {
                switch node.op {
                case .input: v.append(g.point[node.n])
                case .constant: v.append(g.constants[node.n])
                default:
                    let (x, y) = (v[node.a], v[node.b])
                    XCTAssertNil(Rules.domainViolation(node.op, x, y, node.n), "graph \(k): \(node.op) at (\(x), \(y))")
                    if let d = Rules.kinkDistance(node.op, x, y) {
                        if d == 0 && purposeful(node) { kinksHere += 1 } else {
                            XCTAssertGreaterThanOrEqual(d, GraphGenerator.kinkMargin, "graph \(k): \(node.op) at (\(x), \(y))")
                        }
                    }
                    if node.op == .log || node.op == .sqrt { XCTAssertGreaterThanOrEqual(x, 0.1) }
                    if node.op == .div { XCTAssertGreaterThanOrEqual(abs(y), 0.25) }
                    v.append(Rules.primal(node.op, x, y, node.n))
                }
            }
            XCTAssertLessThanOrEqual(kinksHere, 1, "graph \(k)")
            onPurpose += kinksHere
        }
        XCTAssertGreaterThan(onPurpose, 10, "kinks placed on purpose in 500 graphs")
    }

    /// A focused graph uses its focus primitive.
    func testFocusIsPlaced() throws {
        let gen = GraphGenerator()
        for op in Op.primitives {
            let hits = try (0..<20).filter { try gen.graph(seed: UInt64($0), focus: .builtin(op)).builtinOps.contains(op) }.count
            XCTAssertGreaterThanOrEqual(hits, 15, "\(op.info.name) placed in only \(hits) of 20 focused graphs")
        }
    }
}
