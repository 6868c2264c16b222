import XCTest
@testable import AdjointCheck
import AdjointCore

/// (x₀·x₁, x₁): by hand J = [[x₁, x₀], [0, 1]], so output 0 reads both inputs and output 1 only x₁.
protocol ProductAndSecond: VectorPrimitive {}
extension ProductAndSecond {
    static func primal(_ x: [Double]) -> [Double] { [x[0] * x[1], x[1]] }
    static func jvp(at x: [Double], direction v: [Double]) -> [Double]? { [x[1] * v[0] + x[0] * v[1], v[1]] }
    static func vjp(at x: [Double], cotangent u: [Double]) -> [Double]? { [x[1] * u[0], x[0] * u[0] + u[1]] }
}
/// The right pattern [[0, 1], [1]].
enum RightlyDeclared: ProductAndSecond {
    static let name = "rightly_declared"
    static func sparsity(inputs n: Int) -> [[Int]]? { [[0, 1], [1]] }
}
/// Leaves out output 0's dependence on x₁.
enum MissingDependency: ProductAndSecond {
    static let name = "missing_dependency"
    static func sparsity(inputs n: Int) -> [[Int]]? { [[0], [1]] }
}
/// Lists an input the call does not have.
enum IndexOutOfRange: ProductAndSecond {
    static let name = "index_out_of_range"
    static func sparsity(inputs n: Int) -> [[Int]]? { [[0, 1, 9], [1]] }
}
/// One row for two outputs.
enum RowShort: ProductAndSecond {
    static let name = "row_short"
    static func sparsity(inputs n: Int) -> [[Int]]? { [[0, 1]] }
}

/// `validate` did not look at a vector primitive's sparsity declaration: a pattern leaving out a
/// dependency passed it and then made `sparseJacobian` throw at the first call, and a pattern
/// that does not fit (an index past the inputs, a row short) was ignored by `sparseJacobian`
/// without a word, the primitive taken as dense (a new user's trial, 2026-12-06).
final class VectorSparsityValidationTests: XCTestCase {
    func check(_ v: PrimitiveValidation) throws -> PrimitiveValidation.Check {
        try XCTUnwrap(v.checks.first { $0.name == "sparsity" }, "\(v)")
    }

    func testARightDeclarationPasses() throws {
        let v = validate(RightlyDeclared.self, inputs: 2)
        XCTAssertEqual(try check(v).outcome, .passed, "\(v)")
        XCTAssertTrue(v.passed, "\(v)")
    }

    func testADeclarationLeavingOutADependencyFails() throws {
        let v = validate(MissingDependency.self, inputs: 2)
        let c = try check(v)
        XCTAssertEqual(c.outcome, .failed, "\(v)")
        XCTAssertTrue(c.detail.contains("output 0 reads input 1"), c.detail)
        XCTAssertFalse(v.passed)
    }

    func testADeclarationThatDoesNotFitFailsSayingItIsIgnored() throws {
        let oor = try check(validate(IndexOutOfRange.self, inputs: 2))
        XCTAssertEqual(oor.outcome, .failed)
        XCTAssertTrue(oor.detail.contains("row 0 lists input 9, outside 0..<2"), oor.detail)
        XCTAssertTrue(oor.detail.contains("sparseJacobian ignores such a declaration"), oor.detail)
        let short = try check(validate(RowShort.self, inputs: 2))
        XCTAssertEqual(short.outcome, .failed)
        XCTAssertTrue(short.detail.contains("1 rows for 2 outputs"), short.detail)
    }
}
