import XCTest
import AdjointCore
@testable import AdjointSparse

/// y₀ = x₀², yᵢ = x₀·xᵢ + x_{i−1}² (i ≥ 1): column 0 is dense, every other column has at most two
/// entries. By hand (i ≥ 2): ∂yᵢ/∂x₀ = xᵢ, ∂yᵢ/∂xᵢ = x₀, ∂yᵢ/∂x_{i−1} = 2·x_{i−1}; ∂y₀/∂x₀ = 2·x₀,
/// ∂y₁/∂x₀ = x₁ + 2·x₀, ∂y₁/∂x₁ = x₀.
private struct DenseColumn: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
        [x[0] * x[0]] + (1..<x.count).map { i in x[0] * x[i] + x[i - 1] * x[i - 1] }
    }
}

/// yᵢ = x₀·xᵢ + 0·√xᵢ: at xᵢ = 0 the forward tangent of √xᵢ is +∞ and 0·∞ is NaN, while the
/// term is identically 0 for xᵢ ≥ 0, so ∂yᵢ/∂xᵢ = x₀ (the reverse sweep's zero cotangent adds 0).
private struct DenseColumnWithASingularTerm: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
        (1..<x.count).map { i in x[0] * x[i] + T(0) * T.sqrt(x[i]) }
    }
}

/// yᵢ = √x₀·xᵢ: at x₀ = 0 every entry of the dense column 0 is +∞·xᵢ.
private struct SingularDenseColumn: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
        (1..<x.count).map { i in T.sqrt(x[0]) * x[i] }
    }
}

/// yᵢ = x_{k+i}·(x₀ + … + x_{k−1}) for 40 outputs: columns 0..<k are dense (40 entries, over the
/// threshold max(16, ⌈4√40⌉) = 26), every other column has one entry, ∂yᵢ/∂x_c = x_{k+i} (c < k).
private struct KDenseColumns: ADFunction {
    let k: Int
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
        let s = x[0..<k].reduce(T(0), +)
        return (0..<40).map { i in x[k + i] * s }
    }
}

/// yᵢ = 10³⁰⁷·x₀ + xᵢ₊₁ for 20 outputs: column 0 is dense (20 entries, over max(16, ⌈4√20⌉) =
/// 18), and every entry is finite (∂yᵢ/∂x₀ = 10³⁰⁷, ∂yᵢ/∂xᵢ₊₁ = 1, by hand). The rows share no
/// other column, so one colour holds them all, and that colour's sweep sums column 0 over 20
/// rows: 2·10³⁰⁸, +∞ in Double, in a column the sweep's result is not read for.
private struct LargeDenseColumn: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
        (1..<x.count).map { i in T(1e307) * x[0] + x[i] }
    }
}

final class DenseColumnTests: XCTestCase {
    /// The sweep of a row colour overflowed in the dense column it does not provide, and the
    /// checked sweep threw "non-finite derivative with respect to input 0" for a Jacobian whose
    /// every entry is finite (`jac jacobian --sparse --mode reverse` exited 3 where the dense
    /// reverse Jacobian succeeds).
    func testAnOverflowInADenseColumnsUnreadSweepSumIsNoError() throws {
        let x = Array(repeating: 1.0, count: 21)
        let j = try sparseJacobian(of: LargeDenseColumn(), at: x, mode: .reverse)
        XCTAssertEqual(j.denseColumns, [0])
        XCTAssertEqual(j.coloring.count, 1)
        for i in 0..<20 {
            XCTAssertEqual(try j.matrix[i, 0], 1e307)
            XCTAssertEqual(try j.matrix[i, i + 1], 1)
        }
    }

    /// The passes are 8 lanes each, one lane carrying every other column (never read): 7 dense
    /// columns take 1 pass and 8 take 2, as the documentation now says (it said "8 per pass").
    func testDenseColumnPassesAreSevenInTheFirstLaneGroup() throws {
        for (k, passes) in [(7, 1), (8, 2), (15, 2), (16, 3)] {
            let x = points(k + 40)
            let j = try sparseJacobian(of: KDenseColumns(k: k), at: x, mode: .reverse)
            XCTAssertEqual(j.denseColumns, Array(0..<k))
            XCTAssertEqual(j.forwardPasses, passes, "k = \(k)")
            XCTAssertEqual(try j.matrix[3, k - 1], x[k + 3])
        }
    }

    /// Reverse mode colours rows, and a dense column puts every row in a colour of its own: n − 1
    /// sweeps over an O(n) tape, O(n²) (n = 4000 took 9.5 s in a debug `jac`). With the column
    /// split off to a forward pass, the rows i and i + 1 still share column i, so 2 colours.
    func testReverseModeSplitsADenseColumnOffToOneForwardPass() throws {
        let n = 2_000
        let x = points(n)
        let j = try sparseJacobian(of: DenseColumn(), at: x, mode: .reverse)
        XCTAssertEqual(j.coloring.count, 2)
        XCTAssertEqual(j.reverseSweeps, 2)
        XCTAssertEqual(j.forwardPasses, 1)
        XCTAssertEqual(j.denseColumns, [0])
        XCTAssertEqual(j.pattern.nonzeroCount, 1 + 3 * (n - 1) - 1)
        XCTAssertEqual(try j.matrix[0, 0], 2 * x[0])
        XCTAssertEqual(try j.matrix[1, 0], x[1] + 2 * x[0])   // y₁ = x₀·x₁ + x₀²
        XCTAssertEqual(try j.matrix[1, 1], x[0])
        for i in [2, 999, n - 1] {
            XCTAssertEqual(try j.matrix[i, 0], x[i])
            XCTAssertEqual(try j.matrix[i, i], x[0])
            XCTAssertEqual(try j.matrix[i, i - 1], 2 * x[i - 1])
        }
    }

    func testReverseModeWithADenseColumnEqualsTheDenseJacobianOnSmallN() throws {
        let x = points(60)
        let dense = try jacobian(of: DenseColumn(), at: x, mode: .forward).jacobian
        let j = try sparseJacobian(of: DenseColumn(), at: x, mode: .reverse)
        XCTAssertEqual(j.denseColumns, [0])
        XCTAssertEqual(j.matrix.dense(), dense)
        // Below the threshold nothing is split off, and the row colouring alone gives the same.
        var options = SparseJacobianOptions()
        options.denseColumnThreshold = 1_000
        let unsplit = try sparseJacobian(of: DenseColumn(), at: x, mode: .reverse, options: options)
        XCTAssertEqual(unsplit.denseColumns, [])
        XCTAssertEqual(unsplit.coloring.count, 60)   // all 60 rows share column 0
        XCTAssertEqual(unsplit.matrix.dense(), dense)
    }

    /// The forward pass over the dense columns also carries the other columns in a spare lane,
    /// which is never read; a NaN there (0·∞ at √0) must not fail a Jacobian whose entries are finite.
    func testANonFiniteSpareLaneDoesNotFailFiniteEntries() throws {
        var x = points(40)
        x[5] = 0
        let j = try sparseJacobian(of: DenseColumnWithASingularTerm(), at: x, mode: .reverse)
        XCTAssertEqual(j.denseColumns, [0])
        XCTAssertEqual(try j.matrix[4, 5], x[0])
        XCTAssertEqual(try j.matrix[4, 0], 0)
    }

    func testANonFiniteDenseColumnEntryIsATypedError() throws {
        var x = points(40)
        x[0] = 0
        XCTAssertThrowsError(try sparseJacobian(of: SingularDenseColumn(), at: x, mode: .reverse)) { error in
            guard case ADError.nonFinite = error else { return XCTFail("expected nonFinite, got \(error)") }
        }
    }
}
