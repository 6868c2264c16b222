import XCTest
import AdjointCore
import AdjointCheck
@testable import AdjointSparse

/// x ↦ (x0·x1, x2·x3): block diagonal, declared so.
enum PairProducts: VectorPrimitive {
    static let name = "pairProducts"
    static func primal(_ x: [Double]) -> [Double] { [x[0] * x[1], x[2] * x[3]] }
    static func jvp(at x: [Double], direction v: [Double]) -> [Double]? {
        [x[1] * v[0] + x[0] * v[1], x[3] * v[2] + x[2] * v[3]]
    }
    static func vjp(at x: [Double], cotangent u: [Double]) -> [Double]? {
        [x[1] * u[0], x[0] * u[0], x[3] * u[1], x[2] * u[1]]
    }
    static func sparsity(inputs n: Int) -> [[Int]]? { [[0, 1], [2, 3]] }
}

/// The same primitive declaring output 0 independent of x1: a false zero.
enum PairProductsWrong: VectorPrimitive {
    static let name = "pairProductsWrong"
    static func primal(_ x: [Double]) -> [Double] { PairProducts.primal(x) }
    static func jvp(at x: [Double], direction v: [Double]) -> [Double]? { PairProducts.jvp(at: x, direction: v) }
    static func vjp(at x: [Double], cotangent u: [Double]) -> [Double]? { PairProducts.vjp(at: x, cotangent: u) }
    static func sparsity(inputs n: Int) -> [[Int]]? { [[0], [2, 3]] }
}

struct TwoCalls<P: VectorPrimitive>: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { P.apply(x) + P.apply(x) }
}

final class DeclaredPatternTests: XCTestCase {
    let x = [1.5, 2.0, -0.5, 3.0]

    func testAVectorPrimitiveIsDenseUnlessItsPatternIsPassed() throws {
        let dense = try sparseJacobian(of: TwoCalls<PairProducts>(), at: x)
        XCTAssertEqual(dense.pattern.rowColumns, Array(repeating: [0, 1, 2, 3], count: 4))
        let declared = try sparseJacobian(of: TwoCalls<PairProducts>(), at: x, primitives: [PairProducts.self])
        // Two identical calls in a row: outputs 0, 1 of the first and 0, 1 of the second.
        XCTAssertEqual(declared.pattern.rowColumns, [[0, 1], [2, 3], [0, 1], [2, 3]])
        XCTAssertEqual(declared.coloring.count, 2)
        XCTAssertEqual(declared.matrix.dense(), [[2, 1.5, 0, 0], [0, 0, 3, -0.5], [2, 1.5, 0, 0], [0, 0, 3, -0.5]])
        XCTAssertTrue(try checkSparsity(of: TwoCalls<PairProducts>(), at: x, primitives: [PairProducts.self]).passed)
    }

    func testAWrongDeclarationIsReportedAsAFalseZero() throws {
        let r = try checkSparsity(of: TwoCalls<PairProductsWrong>(), at: x, primitives: [PairProductsWrong.self])
        XCTAssertEqual(r.falseZeros.map { [$0.row, $0.column] }, [[0, 1], [2, 1]])
        XCTAssertThrowsError(try assertSparsity(of: TwoCalls<PairProductsWrong>(), at: x, primitives: [PairProductsWrong.self])) { e in
            XCTAssertTrue("\(e)".contains("entry (0, 1) is declared zero"), "\(e)")
        }
    }
}
