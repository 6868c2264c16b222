import XCTest
import AdjointCore
@testable import AdjointSparse

/// Colour totals, work and times of the column colouring in several choices of orders, against the
/// two-order colouring DSATUR joined (largest-first, then smallest-last in full unless largest-first
/// met the row-count bound). A measurement, not a check: set COLORING_SWEEP to run it, and pin it
/// to a quiet core, e.g.
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

    /// Each order alone.
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

    typealias Choice = (name: String, run: (SparsityPattern) -> (count: Int, work: Int))

    let choices: [Choice] = [
        ("before: LF, SL in full", { _ in (0, 0) }),
        ("LF, SL", { let r = columnColoringCountingWork($0, orders: [.largestFirst, .smallestLast]); return (r.coloring.count, r.work) }),
        ("LF, SL, DSATUR", { let r = columnColoringCountingWork($0, orders: [.largestFirst, .smallestLast, .saturation]); return (r.coloring.count, r.work) }),
        ("LF, DSATUR, SL", { let r = columnColoringCountingWork($0, orders: [.largestFirst, .saturation, .smallestLast]); return (r.coloring.count, r.work) }),
        ("LF, DSATUR", { let r = columnColoringCountingWork($0, orders: [.largestFirst, .saturation]); return (r.coloring.count, r.work) }),
        ("default", { let r = columnColoringCountingWork($0); return (r.coloring.count, r.work) }),
    ]

    /// Colours, work, and the least of `rounds` times (ms, debug build) of each choice on `patterns`;
    /// the choices take turns within each round, so a load that comes and goes hits them alike.
    func measure(_ what: String, _ patterns: [SparsityPattern], rounds: Int) {
        let clock = ContinuousClock()
        let all: [Choice] = [(choices[0].name, twoOrders)] + choices.dropFirst()
        var best = Array(repeating: Double.infinity, count: all.count)
        for _ in 0..<rounds {
            for (k, c) in all.enumerated() {
                let t = clock.measure { for p in patterns { _ = c.run(p) } }
                best[k] = min(best[k], Double(t.components.seconds) * 1e3 + Double(t.components.attoseconds) * 1e-15)
            }
        }
        print(what)
        for (k, c) in all.enumerated() {
            let results = patterns.map(c.run)
            print("  " + c.name.padding(toLength: 24, withPad: " ", startingAt: 0)
                  + String(format: " colours %5d  work %8d  time %8.2f ms", results.map(\.count).reduce(0, +),
                           results.map(\.work).reduce(0, +), best[k]))
        }
    }

    func testSweep() throws {
        guard ProcessInfo.processInfo.environment["COLORING_SWEEP"] != nil else { throw XCTSkip("set COLORING_SWEEP") }
        let patterns = randomPatterns(300)
        let counts = patterns.map(alone)
        print("300 random patterns, each order alone: colours LF \(counts.map { $0[0] }.reduce(0, +)), SL \(counts.map { $0[1] }.reduce(0, +)), DSATUR \(counts.map { $0[2] }.reduce(0, +))")
        let kept = patterns.map { columnColoringCountingWork($0) }
        let looked = zip(patterns, kept).filter { !$0.1.clique.isEmpty }
        let cliqueWork = looked.map { p, _ -> Int in
            let byColumn = p.transposed().rowColumns
            let degree = byColumn.map { $0.reduce(0) { $0 + p.rowColumns[$1].count } - $0.count }
            return greedyClique(degree, via: byColumn, p.rowColumns).work
        }.reduce(0, +)
        print("  default: clique looked for on \(looked.count) (work \(cliqueWork), against \(looked.map(\.1.work).reduce(0, +)) for their whole colouring);"
              + " colourings it proved optimal \(looked.filter { $0.1.coloring.count <= $0.1.clique.count }.count), of which \(looked.filter { $0.1.tried.count < 3 }.count) stopped before the third order")
        print("  default: kept LF \(kept.filter { $0.kept == .largestFirst }.count), SL \(kept.filter { $0.kept == .smallestLast }.count), DSATUR \(kept.filter { $0.kept == .saturation }.count); orders run 1: \(kept.filter { $0.tried.count == 1 }.count), 2: \(kept.filter { $0.tried.count == 2 }.count), 3: \(kept.filter { $0.tried.count == 3 }.count)")
        measure("300 random patterns", patterns, rounds: 7)

        var h2 = SeededGenerator(seed: 2024)
        var starBefore = (count: 0, work: 0), starAfter = (count: 0, work: 0)
        for trial in 0..<300 {
            let n = Int.random(in: 0...25, using: &h2), density = [0.02, 0.08, 0.15, 0.3, 0.7][trial % 5] / 2
            var sets = (0..<n).map { Set([$0]) }
            for i in 0..<n { for j in (i + 1)..<max(i + 1, n) where Double.random(in: 0..<1, using: &h2) < density {
                sets[i].insert(j); sets[j].insert(i)
            } }
            let s = SparsityPattern(unchecked: n, n, sets.map { $0.sorted() })
            let adj = s.rowColumns.enumerated().map { i, r in r.filter { $0 != i } }
            // Before the lower bounds: smallest-last whenever largest-first took more than 2.
            let lf = starGreedy(largestFirst(adj.map(\.count)), adj)
            var old = (lf.coloring.count, lf.work)
            if lf.coloring.count > 2 {
                let (order, orderWork) = smallestLast(adj.map(\.count), via: adj, nil)
                let sl = starGreedy(order, adj)
                old = (min(old.0, sl.coloring.count), old.1 + orderWork + sl.work)
            }
            let new = try starColoringCountingWork(s)
            starBefore = (starBefore.count + old.0, starBefore.work + old.1)
            starAfter = (starAfter.count + new.coloring.count, starAfter.work + new.work)
        }
        print("300 random symmetric patterns, star colouring: colours \(starBefore.count) → \(starAfter.count), work \(starBefore.work) → \(starAfter.work)")

        var small = [0, 0, 0], worst = [0, 0, 0], grids = 0, h = SeededGenerator(seed: 55)
        for side in 6...20 { for _ in 0..<3 {
            let c = alone(grid(side, numbering: Array(0..<side * side).shuffled(using: &h)))
            for k in 0..<3 { small[k] += c[k] == 5 ? 1 : 0; worst[k] = max(worst[k], c[k]) }
            grids += 1
        } }
        print("\(grids) grids 6 × 6 … 20 × 20 numbered at random: 5 colours from LF \(small[0]), SL \(small[1]), DSATUR \(small[2]); most \(worst)")

        var g = SeededGenerator(seed: 100)
        for (what, numbering) in [("row by row", Array(0..<10_000)), ("at random", Array(0..<10_000).shuffled(using: &g))] {
            let p = grid(100, numbering: numbering)
            print("100 × 100 grid numbered \(what): each order alone \(alone(p))")
            measure("100 × 100 grid numbered \(what)", [p], rounds: 5)
        }
    }
}
