import XCTest
import AdjointCore
@testable import AdjointSparse

final class SparseJacobianTests: XCTestCase {
    func testDetectedPatternOfASmallFunctionIsTheHandDerivedOne() throws {
        let rec = try record({ x in [x[0] * x[1], Reverse.sin(x[2]), x[1] + 1, Reverse(constant: 2)] }, at: [1.0, 2.0, 3.0])
        XCTAssertEqual(jacobianSparsity(of: rec).rowColumns, [[0, 1], [2], [1], []])
    }

    /// A trajectory: output k is the state after step k of (a, b) ← (sin(a)·b + 1, a). Each output
    /// reads the whole loop before it; walking each output's cone afresh visited ~2k nodes for
    /// output k, O(N²) in all (8000 steps took 55 s in a debug build). An output's walk now ends at
    /// the previous output, whose set it takes whole.
    func testATrajectoryIsWalkedOnceNotOncePerOutput() throws {
        let steps = 3000
        let rec = try record({ Trajectory(steps: steps)($0) }, at: [0.3, 0.7])
        let (pattern, visits) = jacobianSparsityCountingVisits(TapeGraph(rec), outputs: rec.outputs.map(\.node), inputs: 2)
        // By hand: a₁ = sin(x₀)·x₁ + 1 reads both inputs, and every later state reads a₁.
        XCTAssertEqual(pattern.rowColumns, Array(repeating: [0, 1], count: steps))
        XCTAssertLessThanOrEqual(visits, 4 * rec.tape.count, "visits \(visits) for a tape of \(rec.tape.count) entries")
    }

    /// Every intermediate value of a seeded random graph as an output: the detected pattern is
    /// exactly the nonzeros of the dense reverse Jacobian at random points (no pattern involved),
    /// so a set taken from an earlier output is never a neighbour's or a stale one.
    func testRandomGraphPatternsAreTheDenseJacobiansNonzeros() throws {
        for seed in 0..<40 as Range<UInt64> {
            let f = EveryValue(RandomScalarGraph(seed: seed, length: 14))
            var g = SeededGenerator(seed: seed + 900)
            var nonzero: [Set<Int>] = []
            var pattern: [[Int]] = []
            for _ in 0..<3 {
                let x = (0..<5).map { _ in 0.2 + g.nextUnit() }
                let dense = try jacobian(of: f, at: x, mode: .reverse).jacobian
                if nonzero.isEmpty { nonzero = Array(repeating: [], count: dense.count) }
                for i in dense.indices { for j in dense[i].indices where dense[i][j] != 0 { nonzero[i].insert(j) } }
                pattern = try sparseJacobian(of: f, at: x).pattern.rowColumns
            }
            XCTAssertEqual(pattern, nonzero.map { $0.sorted() }, "graph \(seed): \(f.graph.steps)")
        }
    }

    /// Adversarial patterns (an arrow, a dense row crossing a dense column, a full block, a band of
    /// width 7, 3 × 200, 200 × 3, empty rows) and seeded random ones, each in both modes: every
    /// entry is bit-identical to the dense Jacobian of the mode that computed it, the coloured
    /// entries the chosen mode's and a split-off dense row (forward) or column (reverse) the other
    /// mode's. Against one dense mode only, 1-ulp differences showed in the split-off entries.
    func testEveryEntryIsTheDenseJacobiansOfTheModeThatComputedIt() throws {
        var g = SeededGenerator(seed: 11)
        let n = 60
        var patterns: [(name: String, rows: [[Int]], inputs: Int)] = [
            ("arrow", (0..<n).map { i in i == 0 ? Array(0..<n) : [0, i] }, n),
            ("dense row and column", (0..<n).map { i in i == 5 ? Array(0..<n) : [7, i] }, n),
            ("full", (0..<8).map { _ in Array(0..<8) }, 8),
            ("band", (0..<n).map { i in Array(Swift.max(0, i - 3)...Swift.min(n - 1, i + 3)) }, n),
            ("wide", (0..<3).map { _ in Array(0..<200) }, 200),
            ("tall", (0..<200).map { i in [i % 3] }, 3),
            ("empty rows", (0..<10).map { i in i % 2 == 0 ? [] : [i] }, 10),
        ]
        for k in 0..<20 {
            let m = 1 + Int(g.next() % 40), columns = 1 + Int(g.next() % 40)
            patterns.append(("random \(k)", (0..<m).map { _ in (0..<columns).filter { _ in g.next() % 5 == 0 } }, columns))
        }
        var split = 0
        for p in patterns {
            let f = PatternFunction(rows: p.rows, inputs: p.inputs)
            let x = (0..<p.inputs).map { _ in 0.3 + g.nextUnit() }
            let forward = try jacobian(of: f, at: x, mode: .forward).jacobian
            let reverse = try jacobian(of: f, at: x, mode: .reverse).jacobian
            for mode in SparseJacobianMode.allCases {
                let s = try sparseJacobian(of: f, at: x, mode: mode)
                split += s.denseRows.count + s.denseColumns.count
                let got = s.matrix.dense()
                for i in forward.indices {
                    for j in forward[i].indices {
                        let other = s.denseRows.contains(i) || s.denseColumns.contains(j)
                        let expected = (mode == .forward) != other ? forward[i][j] : reverse[i][j]
                        XCTAssertEqual(got[i][j].bitPattern, expected.bitPattern, "\(p.name) \(mode) (\(i), \(j)): \(got[i][j]) vs \(expected)")
                    }
                }
            }
        }
        XCTAssertGreaterThan(split, 0, "no row or column was split off: the other-mode half is untested")
    }

    func testTridiagonalAtTenThousandTakesThreeColoursAndOnePass() throws {
        let x = points(10_000)
        let j = try sparseJacobian(of: Tridiagonal(), at: x)
        // Bandwidth 3: each row has 3 nonzeros, a lower bound on any column colouring, and greedy reaches it.
        XCTAssertEqual(j.coloring.count, 3)
        XCTAssertEqual(j.forwardPasses, 1)
        XCTAssertEqual(j.reverseSweeps, 0)
        XCTAssertEqual(j.pattern.nonzeroCount, 3 * 10_000 - 2)
        // Spot entries against the hand derivative: ∂y_i/∂x_i = −4x_i, ∂y_i/∂x_{i+1} = cos x_{i+1}.
        for i in [0, 1, 4_999, 9_998] {
            XCTAssertEqual(try j.matrix[i, i], -4 * x[i])
            XCTAssertEqual(try j.matrix[i, i + 1], cos(x[i + 1]), accuracy: 1e-15)
            XCTAssertEqual(try j.matrix[i + 1, i], 1)
        }
    }

    func testTridiagonalEqualsTheDenseJacobianExactlyOnSmallN() throws {
        let x = points(61)
        let dense = try jacobian(of: Tridiagonal(), at: x, mode: .forward).jacobian
        XCTAssertEqual(try sparseJacobian(of: Tridiagonal(), at: x).matrix.dense(), dense)
        let rev = try sparseJacobian(of: Tridiagonal(), at: x, mode: .reverse)
        XCTAssertEqual(rev.coloring.count, 3)   // rows share columns in a band of 3 too
        XCTAssertEqual(rev.matrix.dense(), dense)
    }

    func testArrowSplitsTheDenseRowAndColoursTheRestWithFour() throws {
        // Any column colouring of the full arrow needs n colours (row 0 is dense). With row 0 taken
        // by one reverse sweep, the rest has 4 nonzeros per row (x0, x_{i−1}, x_i, x_{i+1}): the
        // lower bound is 4, and greedy reaches it.
        let j = try sparseJacobian(of: Arrow(), at: points(10_000))
        XCTAssertEqual(j.denseRows, [0])
        XCTAssertEqual(j.reverseSweeps, 1)
        XCTAssertEqual(j.coloring.count, 4)
        XCTAssertEqual(j.forwardPasses, 1)
    }

    /// Threshold 0 splits every row (forward) or every column (reverse) off to the other mode,
    /// and the pass or sweep of the colouring left was still taken, read by no entry: forward
    /// reported `forwardPasses 1`, reverse `reverseSweeps 1`. Arrow by hand (n = 30): ∂y₀/∂xⱼ =
    /// 2xⱼ, ∂y₁/∂x₀ = x₁ + 1, ∂yᵢ/∂x₀ = xᵢ (i ≥ 2), ∂yᵢ/∂xᵢ = x₀, ∂yᵢ/∂xᵢ₋₁ = 1 (i ≥ 2),
    /// ∂yᵢ/∂xᵢ₊₁ = −1; every one exact in Double, so the entries must equal them bit for bit.
    func testAThresholdOfZeroTakesNoUnreadPassOrSweep() throws {
        let n = 30
        let x = points(n)
        var hand = Array(repeating: Array(repeating: 0.0, count: n), count: n)
        for j in 0..<n { hand[0][j] = 2 * x[j] }
        for i in 1..<n {
            hand[i][0] = i == 1 ? x[1] + 1 : x[i]
            hand[i][i] = x[0]
            if i >= 2 { hand[i][i - 1] = 1 }
            if i + 1 < n { hand[i][i + 1] = -1 }
        }
        var options = SparseJacobianOptions(denseRowThreshold: 0)
        options.denseColumnThreshold = 0
        let forward = try sparseJacobian(of: Arrow(), at: x, options: options)
        XCTAssertEqual(forward.denseRows, Array(0..<n))
        XCTAssertEqual(forward.forwardPasses, 0)
        XCTAssertEqual(forward.reverseSweeps, n)
        XCTAssertEqual(forward.matrix.dense(), hand)
        let reverse = try sparseJacobian(of: Arrow(), at: x, mode: .reverse, options: options)
        XCTAssertEqual(reverse.denseColumns, Array(0..<n))
        XCTAssertEqual(reverse.reverseSweeps, 0)
        XCTAssertEqual(reverse.forwardPasses, 4)   // ⌈(30 + 1)/8⌉: 30 dense columns and the spare lane
        XCTAssertEqual(reverse.matrix.dense(), hand)
    }

    func testArrowEqualsTheDenseJacobianExactlyOnSmallN() throws {
        let x = points(80)
        let j = try sparseJacobian(of: Arrow(), at: x)
        XCTAssertEqual(j.denseRows, [0])
        XCTAssertEqual(j.matrix.dense(), try jacobian(of: Arrow(), at: x, mode: .forward).jacobian)
    }

    func testCSRAndCOOAgree() throws {
        let j = try sparseJacobian(of: Tridiagonal(), at: points(5))
        let m = j.matrix
        XCTAssertEqual(m.rowPointers, [0, 2, 5, 8, 11, 13])
        XCTAssertEqual(m.columnIndices, [0, 1, 0, 1, 2, 1, 2, 3, 2, 3, 4, 3, 4])
        XCTAssertEqual(m.rowIndices, [0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4])
        for (i, k, v) in m.entries { XCTAssertEqual(try m[i, k], v) }
        // Inside the matrix and outside the pattern: a structural 0. Outside the matrix: an
        // error (it read 0 as well, a silently wrong entry).
        XCTAssertEqual(try m[0, 4], 0)
        for (i, k) in [(5, 0), (0, 5), (-1, 0), (0, -1)] {
            XCTAssertThrowsError(try m[i, k]) { e in
                XCTAssertEqual(e as? ADError, .invalidArgument("entry (\(i), \(k)) is outside the 5×5 matrix"))
            }
        }
    }

    func testColumnColouringIsProperOnAnIrregularPattern() throws {
        let p = try SparsityPattern(rows: 4, columns: 6, rowColumns: [[0, 3, 5], [1, 2], [2, 3, 4], [0, 4]])
        let c = columnColoring(p)
        for row in p.rowColumns {
            XCTAssertEqual(Set(row.map { c.colors[$0] }).count, row.count, "row \(row) has two columns of one colour")
        }
        XCTAssertEqual(c.count, 3)   // max row count 3 is the bound; greedy reaches it here
    }

    func testAPatternOfTheWrongShapeIsATypedError() throws {
        let p = try SparsityPattern(rows: 2, columns: 2, rowColumns: [[0], [1]])
        XCTAssertThrowsError(try sparseJacobian(of: Tridiagonal(), at: points(3), pattern: p))
        XCTAssertThrowsError(try SparsityPattern(rows: 1, columns: 2, rowColumns: [[2]]))
    }
}
