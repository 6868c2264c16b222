import XCTest
import AdjointCore
@testable import AdjointSparse

/// Colour totals and times of the column colouring, against the two-order colouring it replaced
/// (largest-first, then smallest-last unless largest-first met the row-count bound). A measurement,
/// not a check: set COLORING_SWEEP to run it, and pin it to a quiet core, e.g.
/// `COLORING_SWEEP=1 taskset -c 1 swift test --skip-build --filter ColoringSweepTests`.
final class ColoringSweepTests: XCTestCase {
    /// The colouring before DSATUR joined, rebuilt from its parts, with its work.
    func twoOrders(_ p: SparsityPattern) -> (count: Int, work: Int) {
        let byColumn = p.transposed().rowColumns
        let slots = byColumn.map { $0.reduce(0) { $0 + p.rowColumns[$1].count } }
        let largest = greedyColumnsCountingWork(largestFirst(slots), p.rowColumns, byColumn)
        let lf = largest.coloring?.count ?? 0
        if lf <= p.rowColumns.map(\.count).max() ?? 0 { return (lf, largest.work) }
        let (order, orderWork) = smallestLast(zip(slots, byColumn).map { $0 - $1.count }, via: byColumn, p.rowColumns)
        let smallest = greedyColumnsCountingWork(order, p.rowColumns, byColumn)
        return (min(lf, smallest.coloring?.count ?? 0), largest.work + orderWork + smallest.work)
    }

    /// Each order alone, for the totals.
    func alone(_ p: SparsityPattern) -> [Int] {
        let byColumn = p.transposed().rowColumns
        let slots = byColumn.map { $0.reduce(0) { $0 + p.rowColumns[$1].count } }
        let degree = zip(slots, byColumn).map { $0 - $1.count }
        return [greedyColumns(largestFirst(slots), p.rowColumns, byColumn).count,
                greedyColumns(smallestLast(degree, via: byColumn, p.rowColumns).order, p.rowColumns, byColumn).count,
                saturationColumns(p.rowColumns, byColumn, degree: degree).coloring?.count ?? 0]
    }

    /// The shapes of ``ColoringOrderTests/testEveryColouringOfRandomPatternsIsValidForItsPurpose()``
    /// (0 … 30 rows and columns, densities 0.02 … 0.7), drawn alone from seed 2024.
    func randomPatterns(_ count: Int) -> [SparsityPattern] {
        var g = SeededGenerator(seed: 2024)
        return (0..<count).map { trial in
            let m = Int.random(in: 0...30, using: &g), n = Int.random(in: 0...30, using: &g)
            let density = [0.02, 0.08, 0.15, 0.3, 0.7][trial % 5]
            return SparsityPattern(unchecked: m, n, (0..<m).map { _ in (0..<n).filter { _ in Double.random(in: 0..<1, using: &g) < density } })
        }
    }

    func grid(_ side: Int, numbering: [Int]) -> SparsityPattern {
        var rows = Array(repeating: [Int](), count: side * side)
        for point in 0..<side * side {
            let (i, j) = (point / side, point % side)
            rows[numbering[point]] = [(i - 1, j), (i, j - 1), (i, j), (i, j + 1), (i + 1, j)]
                .filter { $0.0 >= 0 && $0.0 < side && $0.1 >= 0 && $0.1 < side }.map { numbering[$0.0 * side + $0.1] }.sorted()
        }
        return SparsityPattern(unchecked: side * side, side * side, rows)
    }

    /// The least of `runs` times of `body`, in milliseconds.
    func fastest(_ runs: Int, _ body: () -> Void) -> Double {
        let clock = ContinuousClock()
        var best = Double.infinity
        for _ in 0..<runs {
            let t = clock.measure(body)
            best = min(best, Double(t.components.seconds) * 1e3 + Double(t.components.attoseconds) * 1e-15)
        }
        return best
    }

    func testSweep() throws {
        guard ProcessInfo.processInfo.environment["COLORING_SWEEP"] != nil else { throw XCTSkip("set COLORING_SWEEP") }
        let patterns = randomPatterns(300)
        var before = 0, after = 0, beforeWork = 0, afterWork = 0
        var orders = [0, 0, 0]
        var kept: [ColumnOrder: Int] = [:], ranAll = 0
        for p in patterns {
            let old = twoOrders(p)
            let new = columnColoringCountingWork(p)
            before += old.count; beforeWork += old.work
            after += new.coloring.count; afterWork += new.work
            kept[new.kept, default: 0] += 1
            if new.tried.count == 3 { ranAll += 1 }
            for (k, c) in alone(p).enumerated() { orders[k] += c }
        }
        print("300 random patterns: colours two orders \(before) → three \(after); work \(beforeWork) → \(afterWork)")
        print("  each order alone: largest-first \(orders[0]), smallest-last \(orders[1]), DSATUR \(orders[2])")
        print("  kept: largest-first \(kept[.largestFirst] ?? 0), smallest-last \(kept[.smallestLast] ?? 0), DSATUR \(kept[.saturation] ?? 0); all three run on \(ranAll)")
        print(String(format: "  time (ms, fastest of 5): two orders %.2f, three %.2f",
                     fastest(5) { for p in patterns { _ = twoOrders(p) } },
                     fastest(5) { for p in patterns { _ = columnColoring(p) } }))

        let counts = patterns.map(alone)
        print("  fewest of: LF+SL \(counts.map { min($0[0], $0[1]) }.reduce(0, +)), LF+DSATUR \(counts.map { min($0[0], $0[2]) }.reduce(0, +)), all three \(counts.map { $0.min() ?? 0 }.reduce(0, +))")
        let parts = patterns.map { p -> ([[Int]], [[Int]], [Int], [Int]) in
            let byColumn = p.transposed().rowColumns
            let slots = byColumn.map { $0.reduce(0) { $0 + p.rowColumns[$1].count } }
            return (p.rowColumns, byColumn, slots, zip(slots, byColumn).map { $0 - $1.count })
        }
        print(String(format: "  time alone (ms, fastest of 5, transposes excluded): LF %.2f, SL %.2f, DSATUR %.2f",
                     fastest(5) { for (r, b, s, _) in parts { _ = greedyColumns(largestFirst(s), r, b) } },
                     fastest(5) { for (r, b, _, d) in parts { _ = greedyColumns(smallestLast(d, via: b, r).order, r, b) } },
                     fastest(5) { for (r, b, _, d) in parts { _ = saturationColumns(r, b, degree: d) } }))
        var small = [0, 0, 0], grids = 0, h = SeededGenerator(seed: 55)
        var worst = [0, 0, 0]
        for side in 6...20 { for _ in 0..<3 {
            let c = alone(grid(side, numbering: Array(0..<side * side).shuffled(using: &h)))
            for k in 0..<3 { small[k] += c[k] == 5 ? 1 : 0; worst[k] = max(worst[k], c[k]) }
            grids += 1
        } }
        print("grids 6 × 6 … 20 × 20 numbered at random (\(grids)): 5 colours from LF \(small[0]), SL \(small[1]), DSATUR \(small[2]); most \(worst)")

        var g = SeededGenerator(seed: 100)
        for (what, numbering) in [("row by row", Array(0..<10_000)), ("at random", Array(0..<10_000).shuffled(using: &g))] {
            let p = grid(100, numbering: numbering)
            let old = twoOrders(p), new = columnColoringCountingWork(p)
            print("100 × 100 grid numbered \(what): colours \(old.count) → \(new.coloring.count) (\(new.tried) run, \(new.kept) kept); work \(old.work) → \(new.work); alone \(alone(p))")
            print(String(format: "  time (ms, fastest of 5): two orders %.2f, three %.2f, largest-first's pass alone %.2f",
                         fastest(5) { _ = twoOrders(p) }, fastest(5) { _ = columnColoring(p) },
                         fastest(5) {
                             let byColumn = p.transposed().rowColumns
                             let slots = byColumn.map { $0.reduce(0) { $0 + p.rowColumns[$1].count } }
                             _ = greedyColumns(largestFirst(slots), p.rowColumns, byColumn)
                         }))
        }
    }
}
