import XCTest
import AdjointCore
@testable import AdjointSparse

/// The colourings' orders (largest-first, smallest-last and, for columns, DSATUR; the best kept):
/// every colouring is valid for what it is used for, and patterns whose optimum is known by hand
/// get it.
final class ColoringOrderTests: XCTestCase {
    // MARK: What each colouring is for, checked without trusting the colouring code

    /// Structurally orthogonal columns: each row's columns have distinct colours, so (J·S)[i, colour
    /// of j] is J[i, j] alone. Checked both structurally and by recovering an integer matrix from
    /// its compressed products (integers: the sums are exact, so recovery must be `==`).
    func assertRecoversJacobian(_ p: SparsityPattern, _ c: Coloring, _ g: inout SeededGenerator, _ what: String,
                                file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(c.colors.count, p.columns, what, file: file, line: line)
        XCTAssert(c.colors.allSatisfy { $0 >= 0 && $0 < c.count }, what, file: file, line: line)
        for (i, row) in p.rowColumns.enumerated() where Set(row.map { c.colors[$0] }).count != row.count {
            XCTFail("\(what): row \(i) has two columns of one colour", file: file, line: line)
        }
        let values = p.rowColumns.map { $0.map { _ in Double(Int.random(in: -9...9, using: &g)) } }
        for (i, row) in p.rowColumns.enumerated() {
            var compressed = [Double](repeating: 0, count: c.count)
            for (k, j) in row.enumerated() { compressed[c.colors[j]] += values[i][k] }
            XCTAssertEqual(row.map { compressed[c.colors[$0]] }, values[i], "\(what): row \(i)", file: file, line: line)
        }
    }

    /// What ``sparseHessian(of:at:output:)`` needs: adjacent variables differ, no path on four
    /// vertices is bicoloured, and every entry of a symmetric matrix with this pattern comes back
    /// from its products H·s_c (by the recovery the Hessian path uses).
    func assertRecoversHessian(_ p: SparsityPattern, _ c: Coloring, _ g: inout SeededGenerator, _ what: String,
                               file: StaticString = #filePath, line: UInt = #line) throws {
        let n = p.rows
        let adj = p.rowColumns.enumerated().map { i, r in r.filter { $0 != i } }
        for v in adj.indices { for w in adj[v] {
            XCTAssertNotEqual(c.colors[v], c.colors[w], "\(what): edge \(v)-\(w)", file: file, line: line)
            for x in adj[w] where x != v && c.colors[x] == c.colors[v] {
                for y in adj[x] where y != w && y != v && c.colors[y] == c.colors[w] {
                    XCTFail("\(what): bicoloured path \(v)-\(w)-\(x)-\(y)", file: file, line: line)
                }
            }
        } }
        var h = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        for (i, r) in p.rowColumns.enumerated() { for j in r where j >= i {
            h[i][j] = Double(Int.random(in: 1...9, using: &g)); h[j][i] = h[i][j]
        } }
        let products = (0..<c.count).map { colour in
            (0..<n).map { i in (0..<n).reduce(0.0) { $0 + (c.colors[$1] == colour ? h[i][$1] : 0) } }
        }
        let recovered = try recoverStarColoured(p, c, products)
        for (i, r) in p.rowColumns.enumerated() { for j in r {
            XCTAssertEqual(try recovered.matrix[i, j], h[i][j], "\(what): entry (\(i), \(j))", file: file, line: line)
        } }
    }

    func randomPattern(rows: Int, columns: Int, density: Double, _ g: inout SeededGenerator) -> SparsityPattern {
        SparsityPattern(unchecked: rows, columns,
                        (0..<rows).map { _ in (0..<columns).filter { _ in Double.random(in: 0..<1, using: &g) < density } })
    }

    func randomSymmetric(_ n: Int, density: Double, _ g: inout SeededGenerator) -> SparsityPattern {
        var sets = (0..<n).map { Set([$0]) }
        for i in 0..<n { for j in (i + 1)..<max(i + 1, n) where Double.random(in: 0..<1, using: &g) < density {
            sets[i].insert(j); sets[j].insert(i)
        } }
        return SparsityPattern(unchecked: n, n, sets.map { $0.sorted() })
    }

    /// Every colouring of 400 seeded random patterns (shapes from empty to dense) is valid for its
    /// purpose, never takes more colours than largest-first alone (what the colourings were before
    /// smallest-last joined), and the greedy rules stay valid in any order (a random one), since
    /// which order wins depends on the pattern.
    func testEveryColouringOfRandomPatternsIsValidForItsPurpose() throws {
        var g = SeededGenerator(seed: 2024)
        for trial in 0..<400 {
            let m = Int.random(in: 0...30, using: &g), n = Int.random(in: 0...30, using: &g)
            let density = [0.02, 0.08, 0.15, 0.3, 0.7][trial % 5]
            let p = randomPattern(rows: m, columns: n, density: density, &g)
            let byColumn = p.transposed().rowColumns
            let c = columnColoring(p)
            assertRecoversJacobian(p, c, &g, "trial \(trial) columns")
            assertRecoversJacobian(p.transposed(), rowColoring(p), &g, "trial \(trial) rows")
            let slots = byColumn.map { $0.reduce(0) { $0 + p.rowColumns[$1].count } }
            XCTAssertLessThanOrEqual(c.count, greedyColumns(largestFirst(slots), p.rowColumns, byColumn).count, "trial \(trial)")
            assertRecoversJacobian(p, greedyColumns(Array(0..<n).shuffled(using: &g), p.rowColumns, byColumn), &g,
                                   "trial \(trial) columns in a random order")

            let s = randomSymmetric(Int.random(in: 0...25, using: &g), density: density / 2, &g)
            let sc = try starColoring(s)
            try assertRecoversHessian(s, sc, &g, "trial \(trial) star")
            let adj = s.rowColumns.enumerated().map { i, r in r.filter { $0 != i } }
            XCTAssertLessThanOrEqual(sc.count, starGreedy(largestFirst(adj.map(\.count)), adj).coloring.count, "trial \(trial)")
            try assertRecoversHessian(s, starGreedy(Array(adj.indices).shuffled(using: &g), adj).coloring, &g,
                                      "trial \(trial) star in a random order")
        }
    }

    // MARK: Patterns with a known optimum

    /// The Jacobian of a 5-point stencil on a 10 × 10 grid (row and column (i, j) ↦ 10i + j; row
    /// (i, j) reads (i, j) and its four neighbours). At least 5 colours: an interior row holds its
    /// stencil's 5 columns, which must all differ. At most 5: (i + 2j) mod 5 is valid, since two
    /// columns sharing a row differ by (±1, 0), (0, ±1), (±1, ±1), (±2, 0) or (0, ±2), which
    /// change i + 2j by ±1, ±2, ±3 (= ∓2), ±1 or ±4: never a multiple of 5 (checked below too).
    /// Largest-first alone took 7.
    func testTheFivePointGridTakesFiveColours() throws {
        let n = 10
        let rows = (0..<n * n).map { r -> [Int] in
            let (i, j) = (r / n, r % n)
            return [(i - 1, j), (i, j - 1), (i, j), (i, j + 1), (i + 1, j)]
                .filter { $0.0 >= 0 && $0.0 < n && $0.1 >= 0 && $0.1 < n }.map { $0.0 * n + $0.1 }
        }
        let p = try SparsityPattern(rows: n * n, columns: n * n, rowColumns: rows)
        var g = SeededGenerator(seed: 5)
        let optimal = (0..<n * n).map { ($0 / n + 2 * ($0 % n)) % 5 }
        assertRecoversJacobian(p, Coloring(colors: optimal, count: 5), &g, "(i + 2j) mod 5")
        let c = columnColoring(p)
        assertRecoversJacobian(p, c, &g, "grid")
        XCTAssertEqual(c.count, 5)
        XCTAssertEqual(rowColoring(p).count, 5, "the pattern is symmetric")
    }

    /// Tridiagonal: 3 (a row holds 3 columns; j mod 3 is valid). Diagonal: 1. A dense row: n (its
    /// n columns share it). A dense column beside the diagonal: 2 column colours (column 0 meets
    /// every other; no two others share a row) and n row colours (every row holds column 0).
    func testBandDiagonalAndDenseLinesTakeTheirOptimum() throws {
        let n = 12
        let tri = try SparsityPattern(rows: n, columns: n, rowColumns: (0..<n).map { Array(max(0, $0 - 1)...min(n - 1, $0 + 1)) })
        XCTAssertEqual(columnColoring(tri).count, 3)
        XCTAssertEqual(try starColoring(tri).count, 3, "a path on 4 or more vertices: 2 colours would bicolour it")
        let diagonal = try SparsityPattern(rows: n, columns: n, rowColumns: (0..<n).map { [$0] })
        XCTAssertEqual(columnColoring(diagonal).count, 1)
        XCTAssertEqual(try starColoring(diagonal).count, 1)
        let denseRow = try SparsityPattern(rows: 3, columns: n, rowColumns: [[0], Array(0..<n), [n - 1]])
        XCTAssertEqual(columnColoring(denseRow).count, n)
        XCTAssertEqual(rowColoring(denseRow).count, 2, "rows 0 and 2 share no column; both share one with row 1")
        let denseColumn = try SparsityPattern(rows: n, columns: n, rowColumns: (0..<n).map { $0 == 0 ? [0] : [0, $0] })
        XCTAssertEqual(columnColoring(denseColumn).count, 2)
        XCTAssertEqual(rowColoring(denseColumn).count, n)
        XCTAssertEqual(try starColoring(try SparsityPattern.dense(rows: 5, columns: 5)).count, 5)
    }

    /// A crown: columns a₀ b₀ a₁ b₁ … (aₖ = 2k, bₖ = 2k + 1), and a row {aᵢ, bⱼ} for every i ≠ j, so
    /// aᵢ conflicts with every b but its own bᵢ and no two a's (or b's) share a row. Two colours (a's,
    /// b's) are optimal. Every column has the same degree, so largest-first is the index order, and
    /// in that order each pair aₖ, bₖ meets every earlier colour pair and opens a new one: n colours.
    func testACrownTakesTwoColoursWhereLargestFirstTakesOnePerPair() throws {
        let pairs = 6
        var rows: [[Int]] = []
        for i in 0..<pairs { for j in 0..<pairs where i != j { rows.append([2 * i, 2 * j + 1].sorted()) } }
        let p = try SparsityPattern(rows: rows.count, columns: 2 * pairs, rowColumns: rows)
        let byColumn = p.transposed().rowColumns
        let slots = byColumn.map { $0.reduce(0) { $0 + p.rowColumns[$1].count } }
        XCTAssertEqual(greedyColumns(largestFirst(slots), p.rowColumns, byColumn).count, pairs, "the bad case is still bad for largest-first")
        let c = columnColoring(p)
        XCTAssertEqual(c.count, 2)
        var g = SeededGenerator(seed: 6)
        assertRecoversJacobian(p, c, &g, "crown")
    }

    /// A 5-point stencil's Jacobian on a `side` × `side` grid whose points are numbered by `numbering`
    /// (point (i, j) is row and column numbering[side · i + j]): row p reads p and its neighbours.
    func fivePointGrid(_ side: Int, numbering: [Int]) -> SparsityPattern {
        let rows = (0..<side * side).map { point -> [Int] in
            let (i, j) = (point / side, point % side)
            return [(i - 1, j), (i, j - 1), (i, j), (i, j + 1), (i + 1, j)]
                .filter { $0.0 >= 0 && $0.0 < side && $0.1 >= 0 && $0.1 < side }.map { numbering[$0.0 * side + $0.1] }.sorted()
        }
        var byNumber = Array(repeating: [Int](), count: side * side)
        for (point, r) in rows.enumerated() { byNumber[numbering[point]] = r }
        return SparsityPattern(unchecked: side * side, side * side, byNumber)
    }

    /// The grid numbered at random is the same graph under other names, so its optimum is still 5:
    /// an interior row holds 5 columns that must all differ (each grid from 6 × 6 has interior
    /// points), and colouring point (i, j) with (i + 2j) mod 5 is valid whatever its number (two
    /// points sharing a row differ by (±1, 0), (0, ±1), (±1, ±1), (±2, 0) or (0, ±2), which move
    /// i + 2j by ±1, ±2, ±3, ±1 or ±4, never a multiple of 5; checked below as well). Smallest-last
    /// took 5 to 7 colours on such numberings; the saturation order must get the 5.
    func testTheFivePointGridNumberedAtRandomTakesFiveColours() {
        var g = SeededGenerator(seed: 55)
        for side in 6...20 {
            for copy in 0..<3 {
                let numbering = Array(0..<side * side).shuffled(using: &g)
                let p = fivePointGrid(side, numbering: numbering)
                let what = "\(side) × \(side), numbering \(copy)"
                var byHand = Array(repeating: 0, count: side * side)
                for point in 0..<side * side { byHand[numbering[point]] = (point / side + 2 * (point % side)) % 5 }
                assertRecoversJacobian(p, Coloring(colors: byHand, count: 5), &g, "\(what): (i + 2j) mod 5")
                let c = columnColoring(p)
                assertRecoversJacobian(p, c, &g, what)
                XCTAssertEqual(c.count, 5, what)
            }
        }
    }

    /// The orders run stop at the first colouring that uses no more colours than a clique of the
    /// conflict graph has columns (no colouring uses fewer): the fullest row's columns (1 for
    /// columns in no row) or, once largest-first has missed that, a clique looked for greedily
    /// (checked here to be one). Otherwise all three run and the fewest colours win, the earliest
    /// order on a tie. Checked against each order's colouring computed alone, on random patterns.
    func testTheOrdersStopAtACliqueBoundAndOtherwiseKeepTheFewestColours() {
        var g = SeededGenerator(seed: 77)
        var stoppedByRow = 0, stoppedByClique = 0, ranAll = 0
        for trial in 0..<300 {
            let m = Int.random(in: 1...40, using: &g), n = Int.random(in: 1...40, using: &g)
            let p = randomPattern(rows: m, columns: n, density: [0.03, 0.08, 0.15, 0.3][trial % 4], &g)
            let byColumn = p.transposed().rowColumns
            let slots = byColumn.map { $0.reduce(0) { $0 + p.rowColumns[$1].count } }
            let degree = zip(slots, byColumn).map { $0 - $1.count }
            let alone: [(ColumnOrder, Coloring)] = [
                (.largestFirst, greedyColumns(largestFirst(slots), p.rowColumns, byColumn)),
                (.smallestLast, greedyColumns(smallestLast(degree, via: byColumn, p.rowColumns).order, p.rowColumns, byColumn)),
                (.saturation, saturationColumns(p.rowColumns, byColumn, degree: degree).coloring ?? Coloring(colors: [], count: -1)),
            ]
            for (order, c) in alone { assertRecoversJacobian(p, c, &g, "trial \(trial) \(order) alone") }
            let rowBound = max(p.rowColumns.map(\.count).max() ?? 0, min(1, n))
            let run = columnColoringCountingWork(p)
            XCTAssertEqual(run.clique.isEmpty, alone[0].1.count <= rowBound, "trial \(trial): a clique is looked for when largest-first misses the row bound")
            for a in run.clique { for b in run.clique where a < b && !p.rowColumns.contains(where: { $0.contains(a) && $0.contains(b) }) {
                XCTFail("trial \(trial): columns \(a) and \(b) of the clique share no row")
            } }
            let bound = max(rowBound, run.clique.count)
            let ran = (alone.firstIndex { $0.1.count <= bound } ?? 2) + 1
            XCTAssertEqual(run.tried, alone.prefix(ran).map(\.0), "trial \(trial)")
            var best = alone[0]
            for candidate in alone.prefix(ran) where candidate.1.count < best.1.count { best = candidate }
            XCTAssertEqual(run.kept, best.0, "trial \(trial)")
            XCTAssertEqual(run.coloring, best.1, "trial \(trial): a later order that gave up must not change the one kept")
            if ran == 3 { ranAll += 1 } else if alone.prefix(ran).contains(where: { $0.1.count <= rowBound }) { stoppedByRow += 1 } else { stoppedByClique += 1 }
        }
        // Every branch must be exercised for the comparison above to mean anything.
        XCTAssertGreaterThan(stoppedByRow, 0)
        XCTAssertGreaterThan(stoppedByClique, 0)
        XCTAssertGreaterThan(ranAll, 0)
    }

    /// Rows {0, 1}, {1, 2}, {0, 2}: each row holds 2 columns, but the three columns pairwise share a
    /// row (a triangle), so no colouring takes fewer than 3 and largest-first's 3 (3 columns) is
    /// optimal. The greedy clique starts at column 0 (equal degrees: least index), adds 1, then 2,
    /// reading each one's 2 rows of 2 slots (12); largest-first's pass read 3 rows · 2² (12).
    func testATriangleOfRowsStopsAfterLargestFirstOnItsClique() throws {
        let p = try SparsityPattern(rows: 3, columns: 3, rowColumns: [[0, 1], [1, 2], [0, 2]])
        let run = columnColoringCountingWork(p)
        XCTAssertEqual(run.coloring.count, 3)
        XCTAssertEqual(run.tried, [.largestFirst])
        XCTAssertEqual(run.clique, [0, 1, 2])
        XCTAssertEqual(run.work, 24)
    }

    /// Tridiagonal, 12 columns: largest-first takes the interior columns 2 … 9 by index (their
    /// degree is highest), colouring them (j − 2) mod 3, then 1, 0, 10, 11, each meeting at most two
    /// colours: 3 colours, the bound (a row holds 3 columns), so no other order runs. Its work is
    /// one read per slot of each column's rows: row i is read once per column in it, so Σ |row|² =
    /// 2 · 2² + 10 · 3² = 98.
    func testABandStopsAfterLargestFirst() throws {
        let n = 12
        let tri = try SparsityPattern(rows: n, columns: n, rowColumns: (0..<n).map { Array(max(0, $0 - 1)...min(n - 1, $0 + 1)) })
        let run = columnColoringCountingWork(tri)
        XCTAssertEqual(run.coloring.count, 3)
        XCTAssertEqual(run.tried, [.largestFirst])
        XCTAssertEqual(run.work, 98)
    }

    /// DSATUR colours a bipartite graph with 2 colours whatever its tie-breaking (Brélaz 1979): once
    /// a connected piece is begun, every later pick has a coloured neighbour until the piece is done
    /// (a saturated vertex beats an unsaturated one), so the coloured part of each piece stays
    /// connected, its 2-colouring is the bipartition's, and each new vertex sees only the other
    /// side's colour. Rows of two columns, one from each of two halves, make the conflict graph any
    /// bipartite graph; the crown, where largest-first takes one colour per pair, is among them.
    func testSaturationTakesTwoColoursOnBipartiteConflictGraphs() {
        var g = SeededGenerator(seed: 1979)
        for trial in 0..<60 {
            let left = Int.random(in: 1...15, using: &g), right = Int.random(in: 1...15, using: &g)
            let density = [0.1, 0.3, 0.7][trial % 3]
            var rows: [[Int]] = []
            for a in 0..<left { for b in 0..<right where Double.random(in: 0..<1, using: &g) < density { rows.append([a, left + b]) } }
            let p = SparsityPattern(unchecked: rows.count, left + right, rows)
            let byColumn = p.transposed().rowColumns
            let slots = byColumn.map { $0.reduce(0) { $0 + p.rowColumns[$1].count } }
            guard let c = saturationColumns(p.rowColumns, byColumn, degree: zip(slots, byColumn).map { $0 - $1.count }).coloring else {
                XCTFail("trial \(trial): no limit was given"); continue
            }
            assertRecoversJacobian(p, c, &g, "trial \(trial)")
            XCTAssertEqual(c.count, rows.isEmpty ? 1 : 2, "trial \(trial)")
            XCTAssertEqual(columnColoring(p).count, rows.isEmpty ? 1 : 2, "trial \(trial)")
        }
    }

    /// An odd cycle of columns (row k holds columns k and k + 1 mod 7) is not bipartite, so needs 3
    /// colours, above the bound of 2 from its rows and from its largest cliques (its edges: the
    /// greedy clique is 0, then 1, the least-index neighbour, and 1's other neighbour 2 is not 0's);
    /// every column has 2 conflicts, so any greedy order uses at most 3. Largest-first's 3 is kept
    /// (ties: the earlier order) and every later order runs. No order gives up before its last
    /// column: largest-first goes 0 … 6 (equal
    /// degrees), smallest-last sets aside 0 … 6 (least index among the degree-1 ends) and colours
    /// 6 … 0, DSATUR goes 0 … 6 (1 and 6 tie at saturation 1, then the least index), and each
    /// alternates two colours until its last column closes the cycle. A greedy pass has read that
    /// column's rows when it finds it needs a third colour, DSATUR has not (the colours its
    /// neighbours showed are kept as they come). Work (slots read): 28 for largest-first's pass and
    /// smallest-last's (7 columns · 2 rows · 2 slots), 14 for smallest-last's order (each column
    /// leaves its 2 neighbours), 28 − 4 for DSATUR, and 8 for the clique (2 columns · 2 rows · 2
    /// slots): 102.
    func testAnOddCycleRunsEveryOrderAndKeepsTheFirstThree() {
        let rows = (0..<7).map { [$0, ($0 + 1) % 7].sorted() }
        let p = SparsityPattern(unchecked: 7, 7, rows)
        let run = columnColoringCountingWork(p)
        XCTAssertEqual(run.coloring.count, 3)
        XCTAssertEqual(run.tried, [.largestFirst, .smallestLast, .saturation])
        XCTAssertEqual(run.kept, .largestFirst)
        XCTAssertEqual(run.clique, [0, 1])
        XCTAssertEqual(run.work, 102)
        var g = SeededGenerator(seed: 7)
        assertRecoversJacobian(p, run.coloring, &g, "C7")
    }

    /// A star colouring's lower bounds end it after largest-first when met. A path of 12 (the
    /// tridiagonal Hessian) needs 3: its edge 1 – 2 has a further neighbour at each end (0 and 3),
    /// and 2 colours would bicolour 0 – 1 – 2 – 3; largest-first takes 3 (checked above). The scan
    /// that finds such an edge skips vertex 0 (degree 1) and reads 1's neighbours 0 (degree 1) and 2
    /// (degree 2): 2 reads. The dense 5 × 5 pattern is a clique of 5: the scan stops at 0's first
    /// neighbour (1 read), the greedy clique takes all 5, reading 4 neighbours each (20).
    func testStarColouringStopsAtItsLowerBound() throws {
        func largestFirstWork(_ p: SparsityPattern) -> Int {
            let adj = p.rowColumns.enumerated().map { i, r in r.filter { $0 != i } }
            return starGreedy(largestFirst(adj.map(\.count)), adj).work
        }
        let n = 12
        let path = try SparsityPattern(rows: n, columns: n, rowColumns: (0..<n).map { Array(max(0, $0 - 1)...min(n - 1, $0 + 1)) })
        let (pathColouring, pathWork) = try starColoringCountingWork(path)
        XCTAssertEqual(pathColouring.count, 3)
        XCTAssertEqual(pathWork, largestFirstWork(path) + 2)
        let dense = try SparsityPattern.dense(rows: 5, columns: 5)
        let (denseColouring, denseWork) = try starColoringCountingWork(dense)
        XCTAssertEqual(denseColouring.count, 5)
        XCTAssertEqual(denseWork, largestFirstWork(dense) + 1 + 20)
    }

    /// The smallest-last order, by hand, on the path 0 – 1 – 2 – 3 with an extra leaf 4 on 1:
    /// degrees (1, 3, 2, 1, 1). Set aside 0 (degree 1, least index; 1 falls to 2), then 3 (degree 1;
    /// 2 falls to 1), then 2 (degree 1 like 4, and 2 < 4; 1 falls to 1), then 1 (degree 1 like 4),
    /// then 4. Colouring order: the reverse.
    func testSmallestLastOrderByHand() {
        let adj = [[1], [0, 2, 4], [1, 3], [2], [1]]
        let (order, work) = smallestLast(adj.map(\.count), via: adj, nil)
        XCTAssertEqual(order, [4, 1, 2, 3, 0])
        XCTAssertEqual(work, 8, "each edge visited from both ends")
    }
}
