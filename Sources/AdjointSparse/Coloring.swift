import AdjointCore

// Greedy colourings for compressed derivative evaluation (Gebremedhin, Manne & Pothen, "What color
// is your Jacobian?", SIAM Review 2005, give the graph formulations used here; the code is ours).
//
// Orderings: largest-first (vertices by decreasing degree, ties by index, so the result does not
// depend on hashing). Greedy colouring in that order gives each vertex the smallest colour not
// forbidden by its already-coloured conflicts.

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

private func largestFirst(_ degree: [Int]) -> [Int] {
    degree.indices.sorted { degree[$0] != degree[$1] ? degree[$0] > degree[$1] : $0 < $1 }
}

/// A column colouring of a Jacobian pattern: two columns that share a row get different colours
/// (distance-2 colouring of the bipartite row/column graph), so each colour's columns can be seeded
/// together in one forward direction and every entry read back alone.
///
/// The colour count is at least the largest number of nonzeros in a row; for a band of width w
/// (w nonzeros per row) greedy largest-first reaches exactly w.
///
/// ```swift
/// let p = try SparsityPattern(rows: 3, columns: 3, rowColumns: [[0, 1], [0, 1, 2], [1, 2]])
/// columnColoring(p).count   // 3
/// ```
public func columnColoring(_ pattern: SparsityPattern) -> Coloring {
    let byColumn = pattern.transposed().rowColumns
    // Degree: how many row slots the column shares (cheap proxy for the conflict-graph degree).
    let degree = byColumn.map { rows in rows.reduce(0) { $0 + pattern.rowColumns[$1].count } }
    var colors = Array(repeating: -1, count: pattern.columns)
    var forbidden: [Int] = []
    var count = 0
    for (stamp, j) in largestFirst(degree).enumerated() {
        for i in byColumn[j] { for k in pattern.rowColumns[i] where colors[k] >= 0 { forbidden[colors[k]] = stamp } }
        let c = smallestFree(&forbidden, stamp)
        colors[j] = c
        count = max(count, c + 1)
    }
    return Coloring(colors: colors, count: count)
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
/// Greedy in largest-first order, forbidding for vertex v: the colours of its neighbours w; for an
/// uncoloured w, the colours of w's other neighbours; for a coloured w, the colour of any neighbour x
/// of w that already has a neighbour y ≠ w coloured like w (which would close a bicoloured P₄).
/// Work is O(E·C) for E edges and C colours: the last two sets are kept per vertex as colouring
/// proceeds instead of being searched for each v, so a hub (an arrow's dense row) costs its degree
/// once, not once per neighbour.
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
    var colors = Array(repeating: -1, count: n)
    // around[x][c]: how many coloured neighbours of x have colour c.
    var around = Array(repeating: [Int: Int](), count: n)
    // closing[w], for a coloured w: colours of w's coloured neighbours x that have another
    // neighbour coloured like w. A new neighbour v of w taking one would bicolour v–w–x–y.
    var closing = Array(repeating: Set<Int>(), count: n)
    var forbidden: [Int] = []
    var count = 0
    var work = 0
    for (stamp, v) in largestFirst(adj.map(\.count)).enumerated() {
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
