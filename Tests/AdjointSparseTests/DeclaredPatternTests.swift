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

/// x ↦ (x0, x1, x1·x2), declaring two rows for its three outputs: a malformed declaration.
enum ThreeOutputsTwoRows: VectorPrimitive {
    static let name = "threeOutputsTwoRows"
    static func primal(_ x: [Double]) -> [Double] { [x[0], x[1], x[1] * x[2]] }
    static func jvp(at x: [Double], direction v: [Double]) -> [Double]? { [v[0], v[1], x[2] * v[1] + x[1] * v[2]] }
    static func vjp(at x: [Double], cotangent u: [Double]) -> [Double]? { [u[0], u[1] + x[2] * u[2], x[1] * u[2]] }
    static func sparsity(inputs n: Int) -> [[Int]]? { [[0], [1]] }
}

struct OneCall<P: VectorPrimitive>: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { P.apply(x) }
}

struct TwoCalls<P: VectorPrimitive>: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { P.apply(x) + P.apply(x) }
}

/// f = x0 + x1: J = [[1, 1]] by hand.
struct PairSum: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] + x[1]] }
}

/// Row i reads x_i and x_{i+1} (a bidiagonal Jacobian), so a diagonal declaration misses the
/// superdiagonal.
struct NextNeighbour: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { (0..<(x.count - 1)).map { x[$0] * x[$0 + 1] } }
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

    /// A declaration with fewer rows than the primitive has outputs paired output 2 with row 0
    /// (output k took row k mod 2), so the detected pattern said output 2 reads x0 only and the
    /// sparse Jacobian had its entries for x1 and x2 silently 0. Such a declaration does not fit
    /// the call and the dense default is used. By hand at (1.5, 2, −0.5): J = [[1, 0, 0],
    /// [0, 1, 0], [0, x2, x1]] = [[1, 0, 0], [0, 1, 0], [0, −0.5, 2]].
    func testADeclarationWithTheWrongNumberOfRowsIsNotUsed() throws {
        let x = [1.5, 2.0, -0.5]
        let j = try sparseJacobian(of: OneCall<ThreeOutputsTwoRows>(), at: x, primitives: [ThreeOutputsTwoRows.self])
        XCTAssertEqual(j.pattern.rowColumns, Array(repeating: [0, 1, 2], count: 3))
        XCTAssertEqual(j.matrix.dense(), [[1, 0, 0], [0, 1, 0], [0, -0.5, 2]])
    }

    func testAWrongDeclarationIsReportedAsAFalseZero() throws {
        let r = try checkSparsity(of: TwoCalls<PairProductsWrong>(), at: x, primitives: [PairProductsWrong.self])
        XCTAssertEqual(r.falseZeros.map { [$0.row, $0.column] }, [[0, 1], [2, 1]])
        XCTAssertThrowsError(try assertSparsity(of: TwoCalls<PairProductsWrong>(), at: x, primitives: [PairProductsWrong.self])) { e in
            XCTAssertTrue("\(e)".contains("entry (0, 1) is declared zero"), "\(e)")
        }
    }

    /// Audit W5: f = x0 + x1 declared [[0]] returned [[2, 0]] (the two columns shared a colour).
    /// The recording shows (0, 1) is read: the declaration is refused, naming the entry.
    func testADeclarationMissingADetectedEntryIsATypedErrorNamingIt() throws {
        let declared = try SparsityPattern(rows: 1, columns: 2, rowColumns: [[0]])
        for mode in SparseJacobianMode.allCases {
            XCTAssertThrowsError(try sparseJacobian(of: PairSum(), at: [1.0, 2.0], mode: mode, pattern: declared)) { e in
                XCTAssertEqual((e as? DeclaredPatternError)?.missing, [PatternEntry(row: 0, column: 1)], "\(e)")
                XCTAssertTrue("\(e)".contains("leaves out 1 entry f depends on (output, input) at this point: (0, 1)"), "\(e)")
            }
        }
        // A declaration that covers the detected pattern, and more (another path's entries), is used.
        let wider = try SparsityPattern(rows: 1, columns: 2, rowColumns: [[0, 1]])
        XCTAssertEqual(try sparseJacobian(of: PairSum(), at: [1.0, 2.0], pattern: wider).matrix.dense(), [[1, 1]])
        let n = 5
        let superset = try SparsityPattern(rows: n - 1, columns: n, rowColumns: (0..<(n - 1)).map { [$0, $0 + 1, n - 1] })
        let x = [1.0, 2.0, 3.0, 4.0, 5.0]
        // ∂(x_i x_{i+1})/∂x_i = x_{i+1}, ∂/∂x_{i+1} = x_i, by hand.
        let expected: [[Double]] = [[2, 1, 0, 0, 0], [0, 3, 2, 0, 0], [0, 0, 4, 3, 0], [0, 0, 0, 5, 4]]
        XCTAssertEqual(try sparseJacobian(of: NextNeighbour(), at: x, pattern: superset).matrix.dense(), expected)
    }

    func testEveryMissingEntryIsListed() throws {
        let n = 14
        let diagonal = try SparsityPattern(rows: n - 1, columns: n, rowColumns: (0..<(n - 1)).map { [$0] })
        XCTAssertThrowsError(try sparseJacobian(of: NextNeighbour(), at: (0..<n).map { Double($0) + 1 }, pattern: diagonal)) { e in
            let missing = (e as? DeclaredPatternError)?.missing ?? []
            XCTAssertEqual(missing, (0..<(n - 1)).map { PatternEntry(row: $0, column: $0 + 1) })
            XCTAssertTrue("\(e)".contains("leaves out 13 entries") && "\(e)".contains("(9, 10) and 3 more"), "\(e)")
        }
        // Turned off, the declaration is trusted (for a caller that probes the zeros itself).
        XCTAssertNoThrow(try sparseJacobian(of: NextNeighbour(), at: (0..<n).map { Double($0) + 1 },
                                            options: SparseJacobianOptions(verifiesDeclaredPattern: false), pattern: diagonal))
    }
}
