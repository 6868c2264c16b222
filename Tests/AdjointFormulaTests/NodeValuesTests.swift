import XCTest
import AdjointCore
import AdjointFormula

/// `nodeValues` and `nodesRead`, which jac's pole and singular-point notes read instead of each
/// keeping its own walk over the formula's nodes.
final class NodeValuesTests: XCTestCase {
    func testTheDocumentedExamples() throws {
        let f = try Formula(parsing: "sin(x) * y")
        let v = try XCTUnwrap(f.nodeValues([0.5, 2.0], constants: []))
        // By hand: x, sin x, y, sin(x)·y, in evaluation order.
        XCTAssertEqual(v, [0.5, Foundation.sin(0.5), 2.0, Foundation.sin(0.5) * 2.0])
        XCTAssertEqual(f.evaluate([0.5, 2.0], constants: []), [Foundation.sin(0.5) * 2.0])

        let g = try Formula(parsing: "f(x, y) = sin(x); y")
        XCTAssertEqual(g.nodesRead(byOutput: 0), [true, true, false])
        XCTAssertEqual(g.nodesRead(byOutput: 1), [false, false, true])
    }

    func testAnOutputReadsOnlyWhatItsPathReaches() throws {
        // Nodes: x, y, x·y, 2 (constant), x·y + 2, sqrt(y); output 0 reads x, y, x·y, 2 and
        // the sum; output 1 reads y and sqrt(y).
        let f = try Formula(parsing: "f(x, y) = x*y + 2; sqrt(y)")
        let reads0 = f.nodesRead(byOutput: 0), reads1 = f.nodesRead(byOutput: 1)
        XCTAssertEqual(reads0.count, f.nodes.count)
        XCTAssertEqual(zip(f.nodes, reads0).filter { $1 }.map { $0.0.op }.filter { $0 != .input && $0 != .constant }, [.mul, .add])
        XCTAssertEqual(zip(f.nodes, reads1).filter { $1 }.map { $0.0.op }, [.input, .sqrt])
        XCTAssertEqual(f.nodesRead(byOutput: 2), [Bool](repeating: false, count: f.nodes.count), "an output out of range reads nothing")
        XCTAssertEqual(f.nodesRead(byOutput: -1), [Bool](repeating: false, count: f.nodes.count))
    }

    func testAWrongNumberOfInputsOrConstantsGivesNil() throws {
        let f = try Formula(parsing: "0.1 * x")
        XCTAssertNil(f.nodeValues([1.0, 2.0], constants: [0.1]))
        XCTAssertNil(f.nodeValues([1.0], constants: []))
        XCTAssertEqual(f.nodeValues([2.0], constants: [0.5])?.last, 1.0)
    }
}
