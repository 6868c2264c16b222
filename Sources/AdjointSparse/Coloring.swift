import AdjointCore

// Greedy colourings for compressed derivative evaluation (Gebremedhin, Manne & Pothen, "What color
// is your Jacobian?", SIAM Review 2005, give the graph formulations used here; the code is ours).
//
// Greedy colouring gives each vertex, in some order, the smallest colour not forbidden by its
// already-coloured conflicts; the order decides how many colours that takes. Each colouring here
// is made in up to three orders, in turn, and the one with fewest colours kept (the earlier one's
// on a tie, so a pattern that largest-first already coloured as well keeps the colours it had):
// - largest-first: vertices by decreasing degree, ties by index.
// - smallest-last (Matula & Beck, JACM 1983): repeatedly set aside a vertex of least degree among
//   those left, ties by index; colour in the reverse order. The vertices coloured before v are the
//   ones left when v was set aside, so v meets at most the degree it had then, and taking a least
//   one each time makes the largest of those as small as any order can (the graph's degeneracy),
//   which bounds the colours by that + 1. Largest-first alone gave 7 colours on a 10 × 10
//   5-point grid's Jacobian, where 5 suffice; smallest-last gives 5 there (on every grid numbered
//   row by row from 4 × 4 to 20 × 20; numbered at random, 5 to 7).
// - saturation (DSATUR, Brélaz, CACM 1979; Jacobian columns only): the next vertex is the one
//   whose coloured neighbours already show the most distinct colours. Not a fixed order, so it
//   follows the colours as they fall: on 45 grids from 6 × 6 to 20 × 20 numbered at random it
//   took the optimal 5 on every one, smallest-last on 21 (at most 7), largest-first on 2.
// A colouring that meets a lower bound is optimal, and the orders after it are skipped (for
// columns, a clique of the conflict graph: the columns of one row, or one grown greedily when
// largest-first misses that; for star colourings, see starColoring). All break ties by index,
// never by hashing, so a pattern always gets the same colouring.

/// A colouring: one colour in `0..<count` per vertex.
public struct Coloring: Equatable, Sendable {
    /// Colour of each vertex (column, row, or Hessian variable).
    public let colors: [Int]
    /// Number of colours used.
    public let count: Int

    /// The vertices of each colour, in increasing order.
    public var groups: [[Int]] {
        var g = Array(repeating: [Int](), count: count)
        for (v, c) in colors.enumerated() { g[c].append(v) }
        return g
    }
}

/// Smallest colour not marked forbidden for `stamp`; `forbidden[c] == stamp` marks colour c.
private func smallestFree(_ forbidden: inout [Int], _ stamp: Int) -> Int {
    var c = 0
    while c < forbidden.count && forbidden[c] == stamp { c += 1 }
    if c == forbidden.count { forbidden.append(-1) }
    return c
}

func largestFirst(_ degree: [Int]) -> [Int] {
    degree.indices.sorted { degree[$0] != degree[$1] ? degree[$0] > degree[$1] : $0 < $1 }
}

/// The smallest-last order of a graph, with its work (neighbour visits). v's neighbours are the
/// members k ≠ v of `members[i]` for each i in `links[v]` (a column's rows, then their columns),
/// or `links[v]` itself when `members` is nil; `degree[v]` counts them with repeats.
///
/// A binary heap keyed by (degree left, index) finds the vertex to set aside. A list per degree
/// (the textbook structure) breaks ties by insertion order, and which vertex goes first among
/// equals moved the 10 × 10 grid between 5 and 7 colours, where the least index gave 5 on every
/// grid numbered row by row from 4 × 4 to 20 × 20 (tried).
func smallestLast(_ degree: [Int], via links: [[Int]], _ members: [[Int]]?) -> (order: [Int], work: Int) {
    let n = degree.count
    var left = degree
    func before(_ a: Int, _ b: Int) -> Bool { left[a] != left[b] ? left[a] < left[b] : a < b }
    var heap = VertexHeap(count: n, before)
    var work = 0
    while let v = heap.popFirst(before) {
        // v leaves the graph: its neighbour w has one degree less, so w's key only fell.
        func leaves(_ w: Int) {
            work += 1
            guard heap.contains(w) else { return }
            left[w] -= 1
            heap.raise(w, before)
        }
        if let members {
            for i in links[v] { for w in members[i] where w != v { leaves(w) } }
        } else {
            for w in links[v] { leaves(w) }
        }
    }
    // Each vertex set aside went to the back of the shrinking heap, so its array is the reverse of
    // the order they were set aside in: the colouring order.
    return (heap.heap, work)
}

/// A binary min-heap of the vertices 0..<n under an ordering `before` that the caller keeps (keys
/// live in the caller's arrays and change while the vertices sit here), with each vertex's place
/// tracked so a vertex whose key changed is sifted from where it is. Popping moves the first
/// vertex behind the shrinking heap, so once empty `heap` lists them in reverse popping order.
/// Smallest-last and DSATUR share it.
struct VertexHeap {
    /// heap[k] for k < size: a vertex still in; from size on, the popped ones, last popped first.
    private(set) var heap: [Int]
    /// at[v]: v's place in `heap`, −1 once popped.
    private var at: [Int]
    private var size: Int

    init(count n: Int, _ before: (Int, Int) -> Bool) {
        heap = Array(0..<n); at = Array(0..<n); size = n
        for k in stride(from: n / 2 - 1, through: 0, by: -1) { down(k, before) }
    }

    func contains(_ v: Int) -> Bool { at[v] >= 0 }

    /// The first vertex under `before`, taken out; nil once every vertex is out.
    mutating func popFirst(_ before: (Int, Int) -> Bool) -> Int? {
        guard size > 0 else { return nil }
        let v = heap[0]
        size -= 1
        heap[0] = heap[size]; at[heap[0]] = 0
        heap[size] = v; at[v] = -1
        down(0, before)
        return v
    }

    /// v's key moved it earlier in `before`: sift it towards the front.
    mutating func raise(_ v: Int, _ before: (Int, Int) -> Bool) {
        var k = at[v]
        while k > 0 && before(v, heap[(k - 1) / 2]) {
            let parent = (k - 1) / 2
            heap[k] = heap[parent]; at[heap[k]] = k
            k = parent
        }
        heap[k] = v; at[v] = k
    }

    /// v's key moved it later in `before`: sift it towards the back.
    mutating func lower(_ v: Int, _ before: (Int, Int) -> Bool) { down(at[v], before) }

    private mutating func down(_ k: Int, _ before: (Int, Int) -> Bool) {
        var k = k
        while true {
            var m = k
            let l = 2 * k + 1, r = l + 1
            if l < size && before(heap[l], heap[m]) { m = l }
            if r < size && before(heap[r], heap[m]) { m = r }
            if m == k { return }
            heap.swapAt(k, m); at[heap[k]] = k; at[heap[m]] = m
            k = m
        }
    }
}

/// A column colouring of a Jacobian pattern: two columns that share a row get different colours
/// (distance-2 colouring of the bipartite row/column graph), so each colour's columns can be seeded
/// together in one forward direction and every entry read back alone.
///
/// The colour count is at least the largest number of nonzeros in a row; for a band of width w
/// (w nonzeros per row) it is exactly w, and for a 5-point stencil on a grid it is 5 (on every
/// grid tried, numbered row by row or at random).
///
/// ```swift
/// let p = try SparsityPattern(rows: 3, columns: 3, rowColumns: [[0, 1], [0, 1, 2], [1, 2]])
/// columnColoring(p).count   // 3
/// ```
public func columnColoring(_ pattern: SparsityPattern) -> Coloring {
    columnColoringCountingWork(pattern).coloring
}

/// The orders a column colouring can be made in (see the top of this file).
enum ColumnOrder: Equatable, Sendable { case largestFirst, smallestLast, saturation }

/// The orders ``columnColoring(_:)`` tries, in turn. Smallest-last before DSATUR: on the 100 × 100
/// grid it already reaches the optimal 5, numbered row by row or at random, in about 0.75× DSATUR's
/// time (debug build, ColoringSweepTests), and on random patterns the two cost about the same.
let columnOrders: [ColumnOrder] = [.largestFirst, .smallestLast, .saturation]

/// What ``columnColoringCountingWork(_:orders:)`` did.
struct ColumnColoringRun {
    var coloring: Coloring
    /// Row slots read (a column's row, then that row's columns: one per conflict-graph neighbour
    /// visit, with repeats) in the greedy passes, in computing the orders and in finding `clique`.
    var work: Int
    /// The orders run, in turn.
    var tried: [ColumnOrder]
    /// The order whose colouring is returned.
    var kept: ColumnOrder
    /// Columns that pairwise share a row, when one was looked for (see ``greedyClique(_:via:_:)``).
    var clique: [Int]
}

/// ``columnColoring(_:)`` with what it took. `orders` (largest-first when empty) lets the sweep
/// measure other choices.
func columnColoringCountingWork(_ pattern: SparsityPattern, orders: [ColumnOrder] = columnOrders) -> ColumnColoringRun {
    let byColumn = pattern.transposed().rowColumns
    let rowColumns = pattern.rowColumns
    // Largest-first's degree: the row slots of the column's rows (its own included), a cheap proxy
    // for the conflict-graph degree, kept as it was so that its colourings are the ones from before.
    let slots = byColumn.map { rows in rows.reduce(0) { $0 + rowColumns[$1].count } }
    // Smallest-last's and DSATUR's degree counts a column once per row it shares with v (the
    // multigraph of shared rows), not once: on the grid that puts a stencil's near neighbours (two
    // shared rows) ahead of the far ones (one), and took 5 colours where distinct neighbours took 7
    // (tried, smallest-last). It also needs no deduplication, so every order costs the same
    // row-by-row walk as the greedy.
    let degree = zip(slots, byColumn).map { $0 - $1.count }
    // No colouring uses fewer colours than a clique of the conflict graph has columns, so one that
    // uses that many is optimal and the orders after it are not run. The columns of one row are a
    // clique: a band (the common case) stops after largest-first on that alone. Columns in no row
    // still take a colour.
    var bound = max(rowColumns.map(\.count).max() ?? 0, min(1, byColumn.count))
    var clique: [Int]?
    var run = ColumnColoringRun(coloring: Coloring(colors: [], count: 0), work: 0, tried: [], kept: .largestFirst, clique: [])
    for order in orders.isEmpty ? [.largestFirst] : orders {
        if !run.tried.isEmpty && run.coloring.count > bound && clique == nil {
            // Looked for only when a row's clique did not settle it. On the 300 random patterns of
            // ColoringSweepTests largest-first missed the row bound on 79; the greedy clique proved
            // 64 of their colourings optimal, 60 before the third order, so 19 ran all three orders
            // instead of 76, and the whole took less work than the two orders did before (368110
            // row slots against 487605), the cliques 150378 of it.
            let found = greedyClique(degree, via: byColumn, rowColumns)
            clique = found.clique
            run.clique = found.clique
            run.work += found.work
            bound = max(bound, found.clique.count)
        }
        if !run.tried.isEmpty && run.coloring.count <= bound { break }
        // A later order gives up as soon as it reaches the best count so far: it could only tie,
        // and a tie keeps the earlier order's colouring.
        let limit = run.tried.isEmpty ? .max : run.coloring.count
        run.tried.append(order)
        let attempt: (coloring: Coloring?, work: Int)
        switch order {
        case .largestFirst:
            attempt = greedyColumnsCountingWork(largestFirst(slots), rowColumns, byColumn, limit: limit)
        case .smallestLast:
            let (order, orderWork) = smallestLast(degree, via: byColumn, rowColumns)
            let greedy = greedyColumnsCountingWork(order, rowColumns, byColumn, limit: limit)
            attempt = (greedy.coloring, orderWork + greedy.work)
        case .saturation:
            attempt = saturationColumns(rowColumns, byColumn, degree: degree, limit: limit)
        }
        run.work += attempt.work
        if let c = attempt.coloring { run.coloring = c; run.kept = order }
    }
    return run
}

/// A clique of a graph grown greedily: from the vertex of highest degree, repeatedly add the
/// candidate of highest degree (ties: least index), then keep as candidates only its neighbours.
/// Neighbours and degrees as in ``smallestLast(_:via:_:)`` (for columns: those sharing a row).
/// Each vertex added costs its neighbour visits (the work returned), so the whole costs what a
/// greedy pass does times the clique's share of the vertices: little on a stencil (5 of 10⁴), up
/// to a pass on a nearly complete graph.
func greedyClique(_ degree: [Int], via links: [[Int]], _ members: [[Int]]?) -> (clique: [Int], work: Int) {
    guard var next = degree.indices.max(by: { degree[$0] != degree[$1] ? degree[$0] < degree[$1] : $0 > $1 }) else {
        return ([], 0)
    }
    // mark[w] == round: w is a neighbour of every vertex added so far.
    var mark = Array(repeating: -1, count: degree.count)
    var clique: [Int] = []
    var work = 0
    for round in 0... {
        clique.append(next)
        var kept: [Int] = []
        func visit(_ w: Int) {
            work += 1
            guard w != next && mark[w] == round - 1 else { return }
            mark[w] = round
            kept.append(w)
        }
        if let members {
            for i in links[next] { for w in members[i] { visit(w) } }
        } else {
            for w in links[next] { visit(w) }
        }
        guard let best = kept.max(by: { degree[$0] != degree[$1] ? degree[$0] < degree[$1] : $0 > $1 }) else { break }
        next = best
    }
    return (clique, work)
}

/// Greedy distance-2 colouring of the columns in `order`: a column may not take the colour of any
/// column sharing one of its rows.
func greedyColumns(_ order: [Int], _ rowColumns: [[Int]], _ byColumn: [[Int]]) -> Coloring {
    greedyColumnsCountingWork(order, rowColumns, byColumn).coloring ?? Coloring(colors: [], count: 0)
}

/// ``greedyColumns(_:_:_:)`` with its work (row slots read), given up (nil) as soon as it would
/// use `limit` colours: another order already did as well, and it could only tie.
func greedyColumnsCountingWork(_ order: [Int], _ rowColumns: [[Int]], _ byColumn: [[Int]], limit: Int = .max)
    -> (coloring: Coloring?, work: Int) {
    var colors = Array(repeating: -1, count: byColumn.count)
    var forbidden: [Int] = []
    var count = 0
    var work = 0
    for (stamp, j) in order.enumerated() {
        for i in byColumn[j] {
            work += rowColumns[i].count
            for k in rowColumns[i] where colors[k] >= 0 { forbidden[colors[k]] = stamp }
        }
        let c = smallestFree(&forbidden, stamp)
        if c + 1 >= limit { return (nil, work) }
        colors[j] = c
        count = max(count, c + 1)
    }
    return (Coloring(colors: colors, count: count), work)
}

/// DSATUR (Brélaz, "New methods to color the vertices of a graph", CACM 1979) on the columns'
/// conflict graph: repeatedly colour, with the smallest colour none of its coloured neighbours
/// has, the uncoloured column whose coloured neighbours show the most distinct colours (its
/// saturation); ties go to the most uncoloured neighbours, then the least index. Unlike a fixed
/// order it reacts to the colours given so far, so the columns most hemmed in are coloured while
/// they still have a choice. Given up (nil) as soon as it would use `limit` colours, like
/// ``greedyColumnsCountingWork(_:_:_:limit:)``; work counts the same row slots.
///
/// `degree[j]` counts j's neighbours with repeats (once per shared row), as smallest-last's does
/// and for the same reason; it only breaks ties between equally saturated columns. The colours
/// seen around a column are a bit set (the first 64 in one word, the rest in words allocated as
/// they come), which is also the set a column's colour is chosen from, so colouring a column reads
/// its row slots once, to pass its colour on; each slot is a check and an update of a heap keyed
/// by (saturation, uncoloured degree, index): O(S log n) for S row slots. (A lazy heap, whose
/// entries are put back when found stale instead of moved on every visit, gave the same
/// colourings 1.2–1.8× slower in a debug build: tried on the 100 × 100 grid and the random sweep.)
func saturationColumns(_ rowColumns: [[Int]], _ byColumn: [[Int]], degree: [Int], limit: Int = .max)
    -> (coloring: Coloring?, work: Int) {
    let n = byColumn.count
    var colors = Array(repeating: -1, count: n)
    var saturation = Array(repeating: 0, count: n)
    var uncolouredDegree = degree
    // seenLow[j] bit c: a coloured neighbour of j has colour c < 64; seenHigh[j][k] bit b: colour
    // 64(k + 1) + b.
    var seenLow = Array(repeating: UInt64(0), count: n)
    var seenHigh = Array(repeating: [UInt64](), count: n)
    func before(_ a: Int, _ b: Int) -> Bool {
        if saturation[a] != saturation[b] { return saturation[a] > saturation[b] }
        if uncolouredDegree[a] != uncolouredDegree[b] { return uncolouredDegree[a] > uncolouredDegree[b] }
        return a < b
    }
    var heap = VertexHeap(count: n, before)
    var count = 0
    var work = 0
    while let j = heap.popFirst(before) {
        // The smallest colour no coloured neighbour has: the lowest clear bit of j's set.
        var c: Int
        if seenLow[j] != .max {
            c = (~seenLow[j]).trailingZeroBitCount
        } else {
            c = 64
            for word in seenHigh[j] {
                if word != .max { break }
                c += 64
            }
            let k = c / 64 - 1
            if k < seenHigh[j].count { c += (~seenHigh[j][k]).trailingZeroBitCount }
        }
        if c + 1 >= limit { return (nil, work) }
        colors[j] = c
        count = max(count, c + 1)
        let (word, bit) = c < 64 ? (-1, UInt64(1) << UInt64(c)) : (c / 64 - 1, UInt64(1) << UInt64(c % 64))
        for i in byColumn[j] {
            work += rowColumns[i].count
            for w in rowColumns[i] where heap.contains(w) {
                uncolouredDegree[w] -= 1
                var new = false
                if word < 0 {
                    new = seenLow[w] & bit == 0
                    seenLow[w] |= bit
                } else {
                    if seenHigh[w].count <= word { seenHigh[w] += Array(repeating: 0, count: word + 1 - seenHigh[w].count) }
                    new = seenHigh[w][word] & bit == 0
                    seenHigh[w][word] |= bit
                }
                // A new colour raises w's key (saturation comes first); otherwise only its
                // uncoloured degree fell.
                if new {
                    saturation[w] += 1
                    heap.raise(w, before)
                } else {
                    heap.lower(w, before)
                }
            }
        }
    }
    return (Coloring(colors: colors, count: count), work)
}

/// A row colouring: two rows that share a column get different colours, so each colour's rows can
/// be seeded together in one reverse sweep (the column colouring of the transpose).
public func rowColoring(_ pattern: SparsityPattern) -> Coloring {
    columnColoring(pattern.transposed())
}

/// A star colouring of a symmetric pattern's adjacency graph (vertices = variables, edges =
/// off-diagonal entries): adjacent vertices differ, and every path on four vertices uses at least
/// three colours. That is what lets each Hessian entry be read directly from the compressed
/// product H·S (see ``sparseHessian(of:at:)``): for each entry (i, j), the colour of j occurs once
/// among i's neighbours, or the colour of i once among j's.
///
/// Greedy, in the better of two orders (see the top of this file; the second is skipped when
/// largest-first meets a lower bound: 2 for a graph with an edge, 3 once an edge has a further
/// neighbour at each end, a greedy clique's size), forbidding for vertex v: the
/// colours of its neighbours w; for an uncoloured w, the colours of w's other neighbours; for a
/// coloured w, the colour of any neighbour x of w that already has a neighbour y ≠ w coloured like
/// w (which would close a bicoloured P₄).
/// Work is O(E·C) for E edges and C colours: the last two sets are kept per vertex as colouring
/// proceeds instead of being searched for each v, so a hub (an arrow's dense row) costs its degree
/// once, not once per neighbour.
///
/// DSATUR is not one of the orders. Its own colouring is distance-1, which may bicolour a P₄ (0, 1,
/// 0, 1 on a path) that the recovery cannot read. Its order with the rule above would be valid
/// (the rule is, in any order), but its saturation would then be the count of colours that rule
/// forbids, which grows whenever a vertex two steps away is coloured: on an arrow every vertex
/// coloured would reach all n through the hub, the n² steps the sets above were kept to avoid.
///
/// ```swift
/// let p = try SparsityPattern(rows: 3, columns: 3, rowColumns: [[0, 1], [0, 1, 2], [1, 2]])
/// try starColoring(p).count   // 2: the path 0 – 1 – 2 has no P₄
/// ```
/// - Throws: ``AdjointCore/ADError/dimensionMismatch(what:expected:got:)`` when the pattern is not
///   square (a Hessian pattern is n × n; a Jacobian's is coloured with ``columnColoring(_:)``).
public func starColoring(_ pattern: SparsityPattern) throws -> Coloring {
    try starColoringCountingWork(pattern).coloring
}

/// ``starColoring(_:)`` with its work: adjacency entries and set members it read.
///
/// The searches it replaces scanned, for every v, the neighbours of each of v's neighbours: for an
/// arrow-shaped Hessian (one variable coupled to all) that is n steps for each of n vertices, and
/// n = 4000 took 2.7 s in a debug build (n = 10⁵ would take half an hour).
func starColoringCountingWork(_ pattern: SparsityPattern) throws -> (coloring: Coloring, work: Int) {
    guard pattern.rows == pattern.columns else {
        throw ADError.dimensionMismatch(what: "columns of a square (Hessian) pattern for a star colouring",
                                        expected: pattern.rows, got: pattern.columns)
    }
    let n = pattern.rows
    // The adjacency graph of the symmetrised pattern, without self-loops (the diagonal).
    var links = Array(repeating: [Int](), count: n)
    for (i, r) in pattern.rowColumns.enumerated() { for j in r where j != i { links[i].append(j); links[j].append(i) } }
    let adj = links.map { Array(Set($0)).sorted() }
    let degree = adj.map(\.count)
    let largest = starGreedy(largestFirst(degree), adj)
    // Two colours are the least for a graph with an edge (and one colour means it has none).
    if largest.coloring.count <= 2 { return largest }
    // Nor can smallest-last do better than a lower bound largest-first already meets: 3 once an
    // edge v – w has a further neighbour x at v and y at w (x = y is a triangle; otherwise x – v – w
    // – y is a path on four vertices, which 2 colours would bicolour), and a clique's size.
    var work = largest.work
    var bound = 2
    scan: for v in adj.indices where degree[v] >= 2 {
        for w in adj[v] {
            work += 1
            if degree[w] >= 2 { bound = 3; break scan }
        }
    }
    if largest.coloring.count <= bound { return (largest.coloring, work) }
    let clique = greedyClique(degree, via: adj, nil)
    work += clique.work
    if largest.coloring.count <= clique.clique.count { return (largest.coloring, work) }
    let (order, orderWork) = smallestLast(degree, via: adj, nil)
    let smallest = starGreedy(order, adj)
    work += orderWork + smallest.work
    return (smallest.coloring.count < largest.coloring.count ? smallest.coloring : largest.coloring, work)
}

/// Greedy star colouring of the graph `adj` in `order`, with its work (see ``starColoring(_:)``:
/// which colours each vertex is forbidden). The rule does not depend on the order: any order gives
/// a star colouring.
func starGreedy(_ order: [Int], _ adj: [[Int]]) -> (coloring: Coloring, work: Int) {
    let n = adj.count
    var colors = Array(repeating: -1, count: n)
    // around[x][c]: how many coloured neighbours of x have colour c.
    var around = Array(repeating: [Int: Int](), count: n)
    // closing[w], for a coloured w: colours of w's coloured neighbours x that have another
    // neighbour coloured like w. A new neighbour v of w taking one would bicolour v–w–x–y.
    var closing = Array(repeating: Set<Int>(), count: n)
    var forbidden: [Int] = []
    var count = 0
    var work = 0
    for (stamp, v) in order.enumerated() {
        for w in adj[v] {
            work += 1
            if colors[w] >= 0 {
                forbidden[colors[w]] = stamp
                for c in closing[w] { forbidden[c] = stamp }
                work += closing[w].count
            } else {
                for c in around[w].keys { forbidden[c] = stamp }
                work += around[w].count
            }
        }
        let c = smallestFree(&forbidden, stamp)
        colors[v] = c
        count = max(count, c + 1)
        // Keep `around` and `closing` true now that v has colour c.
        for x in adj[v] {
            work += 1
            let k = around[x][c, default: 0] + 1
            around[x][c] = k
            guard colors[x] >= 0 else { continue }
            // x has two or more neighbours coloured c, v among them: x's colour closes v's P₄s.
            if k >= 2 { closing[v].insert(colors[x]) }
            // The one other neighbour of x coloured c gets x's colour now (later ones get it above).
            if k == 2 {
                for w in adj[x] where w != v && colors[w] == c { closing[w].insert(colors[x]) }
                work += adj[x].count
            }
            // v is itself such an x for its coloured neighbour x when v has two of x's colour around.
            if around[v][colors[x], default: 0] >= 2 { closing[x].insert(c) }
        }
    }
    return (Coloring(colors: colors, count: count), work)
}
