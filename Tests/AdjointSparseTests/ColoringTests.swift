import XCTest
import AdjointCore
@testable import AdjointSparse

/// Colourings on seeded random patterns, checked by brute force against their definitions.
final class ColoringTests: XCTestCase {
    func randomPattern(rows: Int, columns: Int, density: Double, _ g: inout SeededGenerator) -> SparsityPattern {
        let rowColumns = (0..<rows).map { _ in (0..<columns).filter { _ in Double.random(in: 0..<1, using: &g) < density } }
        return SparsityPattern(unchecked: rows, columns, rowColumns)
    }

    func randomSymmetric(_ n: Int, density: Double, _ g: inout SeededGenerator) -> SparsityPattern {
        var sets = (0..<n).map { Set([$0]) }
        for i in 0..<n { for j in (i + 1)..<max(i + 1, n) where Double.random(in: 0..<1, using: &g) < density {
            sets[i].insert(j); sets[j].insert(i)
        } }
        return SparsityPattern(unchecked: n, n, sets.map { $0.sorted() })
    }

    func testColumnAndRowColouringsAreProperAndMeetTheRowCountBound() {
        var g = SeededGenerator(seed: 18)
        for trial in 0..<40 {
            let p = randomPattern(rows: 30, columns: 25, density: 0.12, &g)
            let c = columnColoring(p)
            for (i, row) in p.rowColumns.enumerated() {
                XCTAssertEqual(Set(row.map { c.colors[$0] }).count, row.count, "trial \(trial): row \(i) has a repeated colour")
            }
            XCTAssertGreaterThanOrEqual(c.count, p.rowColumns.map(\.count).max() ?? 0)
            XCTAssertLessThanOrEqual(c.count, max(1, p.columns))
            let r = rowColoring(p)
            for (j, col) in p.transposed().rowColumns.enumerated() {
                XCTAssertEqual(Set(col.map { r.colors[$0] }).count, col.count, "trial \(trial): column \(j) has a repeated row colour")
            }
        }
    }

    func testStarColouringHasNoBicolouredPathOnFourVertices() throws {
        var g = SeededGenerator(seed: 1805)
        for trial in 0..<40 {
            let p = randomSymmetric(20, density: 0.15, &g)
            let c = try starColoring(p)
            let adj = p.rowColumns.enumerated().map { i, r in r.filter { $0 != i } }
            for v in adj.indices {
                for w in adj[v] {
                    XCTAssertNotEqual(c.colors[v], c.colors[w], "trial \(trial): edge \(v)-\(w)")
                    for x in adj[w] where x != v && c.colors[x] == c.colors[v] {
                        for y in adj[x] where y != w && y != v && c.colors[y] == c.colors[w] {
                            XCTFail("trial \(trial): bicoloured path \(v)-\(w)-\(x)-\(y)")
                        }
                    }
                }
            }
        }
    }

    /// An arrow-shaped Hessian (x₀ coupled to every variable, plus a band) made the star colouring
    /// quadratic: each vertex scanned the hub's n neighbours (n = 4000 took 2.7 s in a debug build,
    /// n = 10⁵ half an hour). The work is now a few reads per pattern entry (at most 4 for each of
    /// the two greedy orders, 2 for the smallest-last order itself, and for the lower bound that
    /// could have spared it about one per hub entry: the greedy clique 0, 2, 3 reads the hub's n − 1
    /// neighbours and 3 each for the others); the colouring is
    /// still a star colouring (checked by brute force on a smaller arrow, where the hub's paths
    /// are the ones that could be bicoloured) and an arrow still takes 4 colours (the hub, and 3
    /// for the band's paths).
    func testStarColouringOfAnArrowDoesNotScanTheHubForEveryVertex() throws {
        func arrow(_ n: Int) -> SparsityPattern {
            SparsityPattern(unchecked: n, n, (0..<n).map { i in i == 0 ? Array(0..<n) : Array(Set([0, i - 1, i, Swift.min(i + 1, n - 1)])).sorted() })
        }
        let big = arrow(3000)
        let (c, work) = try starColoringCountingWork(big)
        XCTAssertEqual(c.count, 4)
        XCTAssertLessThanOrEqual(work, 10 * big.nonzeroCount, "work \(work) for \(big.nonzeroCount) pattern entries")
        let small = arrow(60)
        let s = try starColoring(small)
        let adj = small.rowColumns.enumerated().map { i, r in r.filter { $0 != i } }
        for v in adj.indices { for w in adj[v] {
            XCTAssertNotEqual(s.colors[v], s.colors[w], "edge \(v)-\(w)")
            for x in adj[w] where x != v && s.colors[x] == s.colors[v] {
                for y in adj[x] where y != w && y != v && s.colors[y] == s.colors[w] { XCTFail("bicoloured path \(v)-\(w)-\(x)-\(y)") }
            }
        } }
    }

    func testTheStarCheckRejectsADistanceOneColouringOfAPath() throws {
        // The path 0-1-2-3 coloured 0,1,0,1 is proper but bicolours the whole path: the brute-force
        // check used above must see it (a checker that cannot fail proves nothing).
        let adj = [[1], [0, 2], [1, 3], [2]]
        let colors = [0, 1, 0, 1]
        var found = false
        for v in adj.indices { for w in adj[v] { for x in adj[w] where x != v && colors[x] == colors[v] {
            for y in adj[x] where y != w && y != v && colors[y] == colors[w] { found = true }
        } } }
        XCTAssertTrue(found)
        let p = SparsityPattern(unchecked: 4, 4, [[0, 1], [0, 1, 2], [1, 2, 3], [2, 3]])
        XCTAssertEqual(try starColoring(p).count, 3)
    }

    /// A star colouring is of a Hessian's (square) pattern; a 1 × 2 one used to index past the
    /// adjacency lists (audit C7).
    func testStarColouringOfANonSquarePatternIsATypedError() throws {
        let p = try SparsityPattern(rows: 1, columns: 2, rowColumns: [[0, 1]])
        XCTAssertThrowsError(try starColoring(p)) { e in
            guard case ADError.dimensionMismatch(_, let expected, let got) = e else { return XCTFail("\(e)") }
            XCTAssertEqual([expected, got], [1, 2])
        }
        // The path 0 – 1 – 2: no path on four vertices, so two colours (the middle, and both ends).
        let path = try SparsityPattern(rows: 3, columns: 3, rowColumns: [[0, 1], [0, 1, 2], [1, 2]])
        XCTAssertEqual(try starColoring(path).colors, [1, 0, 1])
    }
}
