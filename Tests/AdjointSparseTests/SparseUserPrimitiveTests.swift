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
