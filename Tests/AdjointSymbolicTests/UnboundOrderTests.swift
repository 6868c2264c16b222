import XCTest
@testable import AdjointSymbolic
import AdjointCore

/// Without a point, comparisons between two non-constant expressions were false both ways round
/// (each side "large and positive"), which no pair of numbers satisfies: max's rule then took its
/// tie, and the derivative printed was that of no region of the inputs (a new user's trial,
/// 2026-12-06). Now one generic point decides them all (GenericPointTests), whose first candidate
/// has 2 < x0 < x1 < 3, the side the node order took; the derivative is that region's.
final class UnboundOrderTests: XCTestCase {
    struct AbsTimesMax: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [abs(x[0]) * max(x[0], x[1])] }
    }
    struct MinAndBranch: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [min(x[0], x[1]), x[0] > x[1] ? x[0] * x[0] : x[1] * x[0]] }
    }

    /// The entries at `point`, from the expressions built without one.
    func values(_ d: SymbolicJacobian, at point: [Double]) throws -> [[Double]] {
        try d.jacobian.map { row in try ExpressionGraph.shared.evaluate(row.map(\.id), at: point) }
    }

    func testMaxOfTwoVariablesWithoutAPointIsTheDerivativeOfOneSide() throws {
        let d = try SymbolicDifferentiation.jacobian(of: AbsTimesMax(), inputs: 2)
        // The side taken: x0 < x1 (the generic point's), and never both orders false.
        XCTAssertTrue(d.unboundComparisons.contains("x0 < x1 taken as true"), "\(d.unboundComparisons)")
        XCTAssertFalse(d.unboundComparisons.contains("x0 < x1 taken as false"), "\(d.unboundComparisons)")
        XCTAssertEqual(Set(d.kinkedOps), [.builtin(.abs), .builtin(.max)])
        // By hand, where 0 < x0 < x1 (the sides taken): f = x0·x1, ∂/∂x0 = x1, ∂/∂x1 = x0. At
        // (3, 5): [5, 3]; the tie's formula max(x0, x1) + 0.5·|x0|, 0.5·|x0| gave [6.5, 1.5].
        let at35 = try values(d, at: [3, 5])
        XCTAssertEqual(at35, [[5, 3]])
        XCTAssertEqual(try values(d, at: [0.5, 7]), [[7, 0.5]])
    }

    func testMinAndAUserBranchTakeTheSameSide() throws {
        let d = try SymbolicDifferentiation.jacobian(of: MinAndBranch(), inputs: 2)
        // Where x0 < x1, by hand: min = x0, so [1, 0]; the branch takes x1·x0, so [x1, x0].
        XCTAssertEqual(try values(d, at: [2, 9]), [[1, 0], [9, 2]])
    }
}
