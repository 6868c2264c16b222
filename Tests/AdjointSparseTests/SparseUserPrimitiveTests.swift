import XCTest
import AdjointCore
@testable import AdjointSparse

/// x ↦ (x0·x1, x1·x2) with a VJP only: J = [[x1, x0, 0], [0, x2, x1]] by hand.
private enum NeighbourProductsVJPOnly: VectorPrimitive {
    static let name = "neighbour_products_vjp_only"
    static func primal(_ x: [Double]) -> [Double] { [x[0] * x[1], x[1] * x[2]] }
    static func vjp(at x: [Double], cotangent u: [Double]) -> [Double]? { [x[1] * u[0], x[0] * u[0] + x[2] * u[1], x[1] * u[1]] }
}

/// The same map with a JVP only.
private enum NeighbourProductsJVPOnly: VectorPrimitive {
    static let name = "neighbour_products_jvp_only"
    static func primal(_ x: [Double]) -> [Double] { [x[0] * x[1], x[1] * x[2]] }
    static func jvp(at x: [Double], direction v: [Double]) -> [Double]? { [x[1] * v[0] + x[0] * v[1], x[2] * v[1] + x[1] * v[2]] }
}

private struct Through<P: VectorPrimitive>: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { P.apply(x) }
}

/// A sparse Jacobian of a function with a user vector primitive: a rule the mode needs and the
/// primitive lacks is the typed error naming it, never a bare "non-finite entry (0, 0)".
final class SparseUserPrimitiveTests: XCTestCase {
    let x = [1.5, 2.0, -0.5]

    func testReverseModeUsesTheVJPAndForwardModeNamesTheMissingJVP() throws {
        let r = try sparseJacobian(of: Through<NeighbourProductsVJPOnly>(), at: x, mode: .reverse)
        XCTAssertEqual(r.matrix.dense(), [[2.0, 1.5, 0], [0, -0.5, 2.0]])
        XCTAssertThrowsError(try sparseJacobian(of: Through<NeighbourProductsVJPOnly>(), at: x, mode: .forward)) { e in
            XCTAssertEqual(e as? ADError, .missingRule(primitive: "neighbour_products_vjp_only", mode: "forward mode", needs: "JVP"), "\(e)")
        }
    }

    func testAMissingVJPSaysThatTheSparseJacobianRecords() throws {
        XCTAssertThrowsError(try sparseJacobian(of: Through<NeighbourProductsJVPOnly>(), at: x, mode: .forward)) { e in
            guard case let ADError.missingRule(name, mode, needs) = e else { return XCTFail("\(e)") }
            XCTAssertEqual(name, "neighbour_products_jvp_only")
            XCTAssertEqual(needs, "VJP")
            XCTAssertTrue(mode.contains("records the function once"), mode)
        }
    }
}

/// Two instances of one generic vector primitive: x ↦ (x0·x1, x2·x3) declares rows [[0, 1], [2, 3]];
/// x ↦ (x0·x3, x1·x2) declares [[0, 3], [1, 2]]. One name, as a generic type's name often is.
private enum Pairs<Order: PairOrder>: VectorPrimitive {
    static var name: String { "pairs" }
    static func primal(_ x: [Double]) -> [Double] { Order.rows.map { x[$0[0]] * x[$0[1]] } }
    static func jvp(at x: [Double], direction v: [Double]) -> [Double]? {
        Order.rows.map { x[$0[1]] * v[$0[0]] + x[$0[0]] * v[$0[1]] }
    }
    static func vjp(at x: [Double], cotangent u: [Double]) -> [Double]? {
        var g = [Double](repeating: 0, count: x.count)
        for (k, r) in Order.rows.enumerated() { g[r[0]] += x[r[1]] * u[k]; g[r[1]] += x[r[0]] * u[k] }
        return g
    }
    static func sparsity(inputs n: Int) -> [[Int]]? { Order.rows }
}
private protocol PairOrder { static var rows: [[Int]] { get } }
private enum Adjacent: PairOrder { static let rows = [[0, 1], [2, 3]] }
private enum Crossed: PairOrder { static let rows = [[0, 3], [1, 2]] }

final class SparseDeclaredNameTests: XCTestCase {
    /// By hand at (1, 2, 3, 4): (x0·x3, x1·x2) has J = [[4, 0, 0, 1], [0, 3, 2, 0]]. With both types
    /// passed (Adjacent last), the detection read Adjacent's rows [[0, 1], [2, 3]] for Crossed's call,
    /// and the sparse Jacobian was assembled on that wrong pattern with no error.
    func testTwoVectorPrimitivesOfOneNameAreRefusedNotMixedUp() throws {
        let x = [1.0, 2.0, 3.0, 4.0]
        let alone = try sparseJacobian(of: Through<Pairs<Crossed>>(), at: x, primitives: [Pairs<Crossed>.self])
        XCTAssertEqual(alone.matrix.dense(), [[4, 0, 0, 1], [0, 3, 2, 0]])
        XCTAssertThrowsError(try sparseJacobian(of: Through<Pairs<Crossed>>(), at: x,
                                                primitives: [Pairs<Crossed>.self, Pairs<Adjacent>.self])) { e in
            guard case let ADError.invalidArgument(why) = e else { return XCTFail("\(e)") }
            XCTAssertTrue(why.contains("\"pairs\""), why)
        }
        // Detection alone cannot throw: it keeps neither declaration (dense, never a false zero).
        let rec = try record({ Through<Pairs<Crossed>>()($0) }, at: x)
        XCTAssertEqual(jacobianSparsity(of: rec, primitives: [Pairs<Crossed>.self, Pairs<Adjacent>.self]).rowColumns,
                       [[0, 1, 2, 3], [0, 1, 2, 3]])
    }
}
