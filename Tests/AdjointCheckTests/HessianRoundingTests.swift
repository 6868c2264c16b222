import XCTest
import Foundation
import AdjointCore
@testable import AdjointCheck

/// Σ xₖ² + Σ sin(xₖ·xₖ₊₁): a Hessian with three nonzeros a column (two at the ends).
private struct Chain: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
        var s = x[0] * x[0]
        for k in 1..<x.count { s = s + x[k] * x[k] + sin(x[k - 1] * x[k]) }
        return [s]
    }
}

/// x·log x: f″ = 1/x.
private struct XLogX: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] * log(x[0])] }
}

/// (1 − cos(x·y))/x², which cancels near x·y = 0, beside a chain that does not.
private struct CancellingPair: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
        [(1 - cos(x[0] * x[1])) / (x[0] * x[0]) + x[2] * exp(x[1]) + sin(x[2] * x[3])]
    }
}

/// (1 − cos x)/x², written naively: at 2·10⁻⁸ cos x rounds to 1 − ε or 1, all of 1 − cos x.
private struct OneMinusCosOverSquare: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [(1 - cos(x[0])) / (x[0] * x[0])] }
}

/// Ops of every ``Linearity``: x₀/x₁ is affine in x₀ (∂²/∂x₀² = 0 structurally), a product, exp.
private struct QuotientMix: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] / x[1] + exp(x[2]) * x[0] + x[3] * x[3] / x[2]] }
}

/// `hessianRoundingBounds` bounds n columns, each along every row. Every column took ⌈n/8⌉
/// recordings of duals (8 directions each), n²/8 in all: `jac hessian` of a 30-variable formula
/// took 4.3 s beside 0.09 s for `jac jacobian` (debug). Where ∂²f/∂xᵢ∂xⱼ is structurally 0 the
/// bound of entry (i, j) is exactly 0, so only the rows of the Hessian's pattern are swept for.
final class HessianRoundingTests: XCTestCase {
    /// Column j's bounds the way every column was bounded before: along all n unit directions.
    private func allRows(_ f: some ADFunction, at x: [Double], column j: Int) -> [Double] {
        let n = x.count
        let unit = { (k: Int) in (0..<n).map { $0 == k ? 1.0 : 0.0 } }
        let g = DirectionalDerivative(f, direction: unit(j), output: 0)
        return derivativeRoundingBounds(of: g, at: x, directions: (0..<n).map(unit)).bounds.map { $0?.first ?? .nan }
    }

    func testASparseHessianCostsOneChunkOfDualsAColumnWithTheSameBounds() throws {
        let n = 24
        let x = (0..<n).map { 0.3 + 0.05 * Double($0) }
        let (bounds, counts) = measureOperations { hessianRoundingBounds(of: Chain(), at: x) }
        let b = try XCTUnwrap(bounds)
        // What each recording costs: a column's tape without duals (the price of all n), f's own
        // (to find each column's rows), and a column's with duals, whatever its chunk's width.
        let unit = { (k: Int) in (0..<n).map { $0 == k ? 1.0 : 0.0 } }
        let g = DirectionalDerivative(Chain(), direction: unit(0), output: 0)
        let (_, probe) = try measureOperations { try record({ (z: [Reverse<Double>]) in g(z) }, at: x) }
        let (_, plain) = try measureOperations { try record({ (z: [Reverse<Double>]) in Chain()(z) }, at: x) }
        let (_, chunk) = measureOperations { derivativeRoundingBounds(of: g, at: x, directions: [unit(0), unit(1)]) }
        // One chunk of duals a column: three rows at most. Every row of every column took
        // ⌈24/8⌉ = 3 chunks a column, 72 in all.
        XCTAssertLessThanOrEqual(counts.tapeEntries, probe.tapeEntries + plain.tapeEntries + n * chunk.tapeEntries,
                                 "\(counts.tapeEntries) tape entries; a chunk of duals \(chunk.tapeEntries)")
        for j in 0..<n { XCTAssertEqual(allRows(Chain(), at: x, column: j).count, n) }
        // The same bounds as along every row where ∂²f/∂xᵢ∂xⱼ is not structurally 0, and 0 where
        // it is: there the entry computed is an exact 0 and so is f's, and every row gave at most
        // a few subnormal quanta (the least normal magnitude's ε, counted for exact zeros).
        for j in 0..<n {
            let reference = allRows(Chain(), at: x, column: j)
            for i in 0..<n {
                if Swift.abs(i - j) > 1 {
                    XCTAssertEqual(b[i][j], 0, "(\(i), \(j))")
                    XCTAssertLessThan(reference[i], 1e-300, "(\(i), \(j))")
                } else {
                    XCTAssertEqual(b[i][j], reference[i], "(\(i), \(j))")
                }
            }
        }
    }

    /// The budget prices the rows swept, not n²: a tridiagonal Hessian of 100 variables, which
    /// pricing as dense refused (n² sweeps of its column's tape, past 2²² visits), is bounded,
    /// with the bounds of every row where it can be nonzero; a dense one as large still is not.
    func testALargeSparseHessianIsPricedByItsPatternAndBounded() throws {
        let n = 100
        let x = (0..<n).map { 0.3 + 0.01 * Double($0 % 7) }
        let unit = { (k: Int) in (0..<n).map { $0 == k ? 1.0 : 0.0 } }
        let g = DirectionalDerivative(Chain(), direction: unit(0), output: 0)
        let probe = try record({ (z: [Reverse<Double>]) in g(z) }, at: x)
        // The premise: priced as dense (n² sweeps, two visits an entry) it is past the budget; its
        // 3n − 2 pattern rows are not.
        XCTAssertGreaterThan(n * n * 2 * probe.tape.count, hessianRoundingVisits)
        XCTAssertLessThanOrEqual((3 * n - 2) * 2 * probe.tape.count, hessianRoundingVisits)
        let b = try XCTUnwrap(hessianRoundingBounds(of: Chain(), at: x))
        for j in [0, 1, 50, 99] {
            let reference = allRows(Chain(), at: x, column: j)
            for i in 0..<n {
                if Swift.abs(i - j) > 1 {
                    XCTAssertEqual(b[i][j], 0, "(\(i), \(j))")
                } else {
                    XCTAssertEqual(b[i][j], reference[i], "(\(i), \(j))")
                    XCTAssertGreaterThan(b[i][j], 0, "(\(i), \(j))")
                }
            }
        }
        // (Σ xₖ)²·… couples every pair: the same size, dense, is still refused.
        struct Dense: ADFunction {
            func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
                var s = x[0]
                for k in 1..<x.count { s = s + x[k] }
                var t = x[0] * x[0]
                for k in 1..<x.count { t = t + sin(x[k - 1] * x[k]) }
                return [s * s + t]
            }
        }
        XCTAssertNil(hessianRoundingBounds(of: Dense(), at: x))
    }

    /// A dense corner beside a sparse one, and a cancelling entry: the bounds are those of every
    /// row, and the cancelling entry's reaches f″ (mpmath at 40 digits: ∂²/∂x² of (1 − cos(xy))/x²
    /// at (10⁻³, 2) is −1.3333322666668571, `HessianRoundingNoteTests`).
    func testBoundsOfADenseAndSparseHessianAreThoseOfEveryRowAndHold() throws {
        let x = [1e-3, 2, 0.5, 0.7]
        let b = try XCTUnwrap(hessianRoundingBounds(of: CancellingPair(), at: x))
        // Structurally 0: (0, 2), (0, 3), (1, 3) and their mirrors.
        let zeros: Set<[Int]> = [[0, 2], [2, 0], [0, 3], [3, 0], [1, 3], [3, 1]]
        for j in x.indices {
            let reference = allRows(CancellingPair(), at: x, column: j)
            for i in x.indices {
                if zeros.contains([i, j]) {
                    XCTAssertEqual(b[i][j], 0, "(\(i), \(j))")
                    XCTAssertLessThan(reference[i], 1e-300, "(\(i), \(j))")
                } else {
                    XCTAssertEqual(b[i][j], reference[i], "(\(i), \(j))")
                }
            }
        }
        // Each op's linearity read right: the rows left out of a column are those whose bound is 0.
        let y = [0.3, 1.7, -0.4, 2.5]
        let q = try XCTUnwrap(hessianRoundingBounds(of: QuotientMix(), at: y))
        // Structurally 0: (0, 0) (x₀/x₁ is affine in x₀), (0, 3), (1, 2), (1, 3) and mirrors.
        let quotientZeros: Set<[Int]> = [[0, 0], [0, 3], [3, 0], [1, 2], [2, 1], [1, 3], [3, 1]]
        for j in y.indices {
            let reference = allRows(QuotientMix(), at: y, column: j)
            for i in y.indices {
                if quotientZeros.contains([i, j]) {
                    XCTAssertEqual(q[i][j], 0, "(\(i), \(j))")
                    XCTAssertLessThan(reference[i], 1e-300, "(\(i), \(j))")
                } else {
                    XCTAssertEqual(q[i][j], reference[i], "(\(i), \(j))")
                }
            }
        }
        let h = try hessian(of: { (z: [HessianScalar<Double>]) in CancellingPair()(z)[0] }, at: x)
        let off = Swift.abs(h[0][0] - -1.3333322666668571)
        XCTAssertGreaterThan(off, 1e-9, "the premise: the entry cancels")
        XCTAssertGreaterThanOrEqual(b[0][0], off)
    }

    /// x·log x at 10⁻¹⁶⁰: f″ = 1/x = 1.000000000000000011363352·10¹⁶⁰ (mpmath, x the Double
    /// nearest 10⁻¹⁶⁰), which the library's Hessian gets right through a lowered product; the bound
    /// multiplied log's −1/x² = −10³²⁰ and overflowed, and jac said the entry could not be bounded.
    func testTheBoundIsFiniteWhereTheEntryIsThoughASecondOrderTermOverflows() throws {
        let x = [1e-160]
        let b = try XCTUnwrap(hessianRoundingBounds(of: XLogX(), at: x))
        let h = try hessian(of: { (z: [HessianScalar<Double>]) in XLogX()(z)[0] }, at: x)
        let truth = 1.000000000000000011363352e160
        XCTAssertTrue(b[0][0].isFinite, "\(b)")
        // Holds, and is a few ulps of the entry, as for x·log x at 1 (no cancellation).
        XCTAssertGreaterThanOrEqual(b[0][0], Swift.abs(h[0][0] - truth))
        XCTAssertLessThan(b[0][0], 1e-13 * truth)
    }

    /// No lowering bounds an entry the unlowered column does not: lowered by 2⁻⁵¹² every term of
    /// (1 − cos x)/x²'s column at 2·10⁻⁸ underflowed, the lowering 2⁻⁴ lower agreed on that 0, and
    /// f″ computed as 8.3·10¹⁴ got the bound 0 for a truth of −1/12 (mpmath at 50 digits:
    /// −0.0833333333333333266666…).
    ///
    /// The bound was +∞ here ("no first-order bound holds": 1 − cos x, which rounding moves by
    /// all of itself, read by a quotient). It is finite now, and holds: 1 − cos x is read only as
    /// the numerator of quotients by x² and as a factor of products, whose other operands round
    /// by ε, so the Hessian is affine in it and its first-order bound, 8.3·10¹⁵ (6/x⁴·ε from cos
    /// x's rounding), is exact in that move; AD's error is 8.3·10¹⁴. What the test guards is
    /// unchanged: the bound reaches the truth, and is not the lowered column's 0.
    func testNoLoweringBoundsAnEntryNoFirstOrderBoundHoldsFor() throws {
        let x = [2e-8]
        let b = try XCTUnwrap(hessianRoundingBounds(of: OneMinusCosOverSquare(), at: x))
        let h = try hessian(of: { (z: [HessianScalar<Double>]) in OneMinusCosOverSquare()(z)[0] }, at: x)
        let truth = -0.083333333333333326666666666666666
        XCTAssertGreaterThan(Swift.abs(h[0][0] - truth), 1, "the premise: AD's f″ \(h[0][0]) is far off")
        XCTAssertFalse(Swift.abs(h[0][0] - truth) > b[0][0], "the bound \(b[0][0]) does not reach the truth from \(h[0][0])")
        XCTAssertGreaterThan(b[0][0], 1e15)
    }
}
