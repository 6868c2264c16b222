import XCTest
import AdjointCore
@testable import AdjointSparse

/// The ```swift examples of AdjointSparse's doc comments, as written there, with the values their
/// comments claim. (DocumentationTests covers other modules' doc comments, not these.)
final class DocExampleTests: XCTestCase {
    enum Pair: VectorPrimitive {   // (x0·x1, x1·x2), JVP only
        static let name = "pair"
        static func primal(_ x: [Double]) -> [Double] { [x[0] * x[1], x[1] * x[2]] }
        static func jvp(at x: [Double], direction v: [Double]) -> [Double]? { [x[1] * v[0] + x[0] * v[1], x[2] * v[1] + x[1] * v[2]] }
        static func sparsity(inputs n: Int) -> [[Int]]? { [[0, 1], [1, 2]] }
    }
    struct F: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { Pair.apply(x) } }
    struct Sum: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] + x[1]] } }
    struct Tridiagonal: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
            x.indices.map { i in (i > 0 ? x[i - 1] : 0) - 2 * x[i] * x[i] + (i + 1 < x.count ? x[i + 1] : 0) }
        }
    }
    struct Chain: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
            [(1..<x.count).reduce(T(0)) { s, k in s + T.sin(x[k - 1] * x[k]) }]
        }
    }

    func testSparsityDetectionExamples() throws {
        let rec = try record({ x in [x[0] * x[1], Reverse.sin(x[2])] }, at: [1.0, 2.0, 3.0])
        XCTAssertEqual(jacobianSparsity(of: rec).rowColumns, [[0, 1], [2]])
        XCTAssertEqual(try jacobianSparsity(of: F(), at: [1.0, 2.0, 3.0]).rowColumns, [[0, 1, 2], [0, 1, 2]])
        XCTAssertEqual(try jacobianSparsity(of: F(), at: [1.0, 2.0, 3.0], primitives: [Pair.self]).rowColumns, [[0, 1], [1, 2]])
        let hrec = try record({ x in [x[0] * x[1] + Reverse.sin(x[2])] }, at: [1.0, 2.0, 3.0])
        XCTAssertEqual(hessianSparsity(of: hrec).rowColumns, [[0, 1], [0, 1], [2]])
    }

    func testPatternAndColouringExamples() throws {
        let p2 = try SparsityPattern(rows: 2, columns: 3, rowColumns: [[0, 1], [2]])
        XCTAssertTrue(p2.contains(row: 0, column: 1))
        XCTAssertEqual(p2.nonzeroCount, 3)
        XCTAssertEqual(try SparsityPattern.dense(rows: 2, columns: 3).nonzeroCount, 6)
        let p = try SparsityPattern(rows: 3, columns: 3, rowColumns: [[0, 1], [0, 1, 2], [1, 2]])
        XCTAssertEqual(columnColoring(p).count, 3)
        XCTAssertEqual(try starColoring(p).count, 2)
    }

    func testSparseJacobianAndHessianExamples() throws {
        let j = try sparseJacobian(of: Tridiagonal(), at: Array(repeating: 1.0, count: 10_000))
        XCTAssertEqual(j.coloring.count, 3)
        XCTAssertEqual(j.forwardPasses, 1)
        XCTAssertEqual(try j.matrix[0, 1], 1)
        let declared = try SparsityPattern(rows: 1, columns: 2, rowColumns: [[0]])
        XCTAssertThrowsError(try sparseJacobian(of: Sum(), at: [1.0, 2.0], pattern: declared)) { e in
            XCTAssertTrue("\(e)".hasPrefix("the declared pattern leaves out 1 entry f depends on"), "\(e)")
            XCTAssertEqual((e as? DeclaredPatternError)?.missing, [PatternEntry(row: 0, column: 1)])
        }
        let h = try sparseHessian(of: Chain(), at: [0.1, 0.2, 0.3, 0.4])
        XCTAssertEqual(h.coloring.count, 3)
    }
}
