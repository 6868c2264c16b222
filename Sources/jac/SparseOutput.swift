import Adjoint

/// `jac jacobian --sparse`: the entries of the detected pattern as 0-based (row, column, value)
/// triples with the colour count. JSON is `{"variables": [...], "point": [...], "value": [...], "mode": "forward",
/// "rows": m, "columns": n, "colors": k, "entries": [[i, j, v], ...]}`.
func sparseJacobianReport(_ f: Formula, _ point: [Double], _ r: SparseJacobianResult<Double>, kinks: [KinkEvent]) -> Report {
    let names = f.outputNames
    // Signless zeros, as the dense Jacobian prints them (see ``unsignedZero(_:)``).
    let entries = r.matrix.entries.map { (row: $0.row, column: $0.column, value: unsignedZero($0.value)) }
    let how = r.mode == .forward ? "column colouring, \(r.forwardPasses) forward pass\(r.forwardPasses == 1 ? "" : "es")"
                                 : "row colouring, \(r.reverseSweeps) reverse sweep\(r.reverseSweeps == 1 ? "" : "s")"
    let denseRows = r.mode == .forward && r.reverseSweeps > 0 ? " + \(r.reverseSweeps) dense row\(r.reverseSweeps == 1 ? "" : "s") by reverse sweeps" : ""
    let denseColumns = r.denseColumns.count
    let denseColumnsText = r.mode == .reverse && denseColumns > 0
        ? " + \(denseColumns) dense column\(denseColumns == 1 ? "" : "s") by \(r.forwardPasses) forward pass\(r.forwardPasses == 1 ? "" : "es")" : ""
    var table = "sparse Jacobian \(r.matrix.rows) × \(r.matrix.columns), \(entries.count) entr\(entries.count == 1 ? "y" : "ies"), \(r.coloring.count) colour\(r.coloring.count == 1 ? "" : "s") (\(how)\(denseRows)\(denseColumnsText))"
    table += " at \(describePoint(f.variables, point.map(Cell.double)))\n"
    table += renderTable([["row", "column", "output", "variable", "value"]] + entries.map { e in
        ["\(e.row)", "\(e.column)", names[e.row], f.variables[e.column], format(e.value)]
    })
    // The point, variables, value and mode as in the dense Jacobian's JSON: with --points each
    // line is read alone, and without them a line could not be matched to its point.
    var pairs = [("variables", jsonArray(f.variables.map(json))), ("point", jsonArray(point)), ("value", jsonArray(r.value)),
                 ("mode", json(r.mode.rawValue)),
                 ("rows", "\(r.matrix.rows)"), ("columns", "\(r.matrix.columns)"), ("colors", "\(r.coloring.count)"),
                 ("entries", jsonArray(entries.map { jsonArray(["\($0.row)", "\($0.column)", jsonNumber($0.value)]) }))]
    // Forward and reverse mode differentiate the formula as Double rounds it, sparse or not:
    // `--sparse` printed −81.74 for (eˣ − 1)/x at 1e-9 (f′ = 0.5) where the dense Jacobian notes it.
    var bounds = sparseRoundingBounds(f, point, r)
    // As in the dense Jacobian: an entry a kink reached only by an underflow to 0 decides has no
    // bound (the bound is of the side Double took) and is unreliable; `--sparse` printed
    // relu(x^4)'s 0 at 1e-100 reliable within 0 for 4e-300 after the dense path said so.
    let kinkUnderflows = kinks.isEmpty ? nil : underflowKinkEntries(f, at: point)
    let decidedByUnderflow = entries.map { e in kinkUnderflows?[e.row, e.column] }
    if var b = bounds {
        for k in b.indices where k < decidedByUnderflow.count && decidedByUnderflow[k] != nil { b[k] = .nan }
        bounds = b
    }
    let singular = rowsAtSingularPoint(f, ModeResult(point: point.map(Cell.double), value: [], jacobian: [], kinks: kinks, roundingBounds: [[]]))
    var rowScale = [Double](repeating: 0, count: r.matrix.rows)
    for e in entries where e.value.isFinite { rowScale[e.row] = Swift.max(rowScale[e.row], Swift.abs(e.value)) }
    let large = bounds.map { b in entries.indices.map { k in
        decidedByUnderflow[k] != nil || !singular.contains(entries[k].row) && derivativeRoundingIsLarge(b[k], entry: entries[k].value, rowScale: rowScale[entries[k].row],
                                                                      relative: relativeReliability, leastNormal: Double.leastNormalMagnitude)
    } }
    var notes = kinkNotes(kinks, of: f, at: point)
    let valueRounding = ValueRounding(f, at: point)
    notes += valueRoundingNotes(valueRounding, values: r.value, names: names)
    if let bounds, let large {
        pairs.append(("rounding_bound", jsonArray(bounds.map(jsonNumber))))
        pairs.append(("unreliable", jsonArray(large.map { $0 ? "true" : "false" })))
        for k in entries.indices where large[k] && decidedByUnderflow[k] == nil {
            notes.append(roundingNote("d\(names[entries[k].row])/d\(f.variables[entries[k].column])", value: entries[k].value, bound: bounds[k]))
        }
    } else {
        notes.append("the entries' rounding bounds were not computed: a column colouring of the pattern takes more than "
                     + "\(sparseRoundingColourLimit) colours (a dense row), one direction each")
    }
    for k in entries.indices {
        guard let why = decidedByUnderflow[k] else { continue }
        notes.append("d\(names[entries[k].row])/d\(f.variables[entries[k].column]) = \(format(entries[k].value)) is unreliable: \(why)")
    }
    pairs += valueRounding?.jsonPairs(values: r.value) ?? []
    let json = jsonObject(pairs)
    let csvText = (["row,column,value"] + entries.map { "\($0.row),\($0.column),\(format($0.value))" }).joined(separator: "\n")
    // --points: one row per point; the columns are the pattern's entries at that point.
    let header = f.variables + ["colors"] + entries.map { "d\(names[$0.row])/d\(f.variables[$0.column])" }
    let row = point.map(format) + ["\(r.coloring.count)"] + entries.map { format($0.value) }
    return Report(table: table, json: json, csv: csvText, flatHeader: header, flatRow: row, notes: notes)
}

/// Most directions the sparse entries' rounding bounds take (8 to a recording of the formula).
let sparseRoundingColourLimit = 256

/// Per stored entry of `r` (in ``SparseMatrix/entries`` order), forward and reverse mode's
/// rounding bound (``derivativeRoundingBound(of:at:direction:)``), NaN where none was had; nil past
/// ``sparseRoundingColourLimit`` colours. One direction per colour of a column colouring of the
/// whole pattern: the columns of one colour share no row, so along their sum output i's tangent
/// is entry (i, j) alone, and so is its bound (the colouring the Jacobian used leaves out dense
/// rows in forward mode, and colours rows in reverse mode).
func sparseRoundingBounds(_ f: Formula, _ x: [Double], _ r: SparseJacobianResult<Double>) -> [Double]? {
    let coloring = columnColoring(r.pattern)
    guard coloring.count <= sparseRoundingColourLimit else { return nil }
    let directions = coloring.groups.map { group in
        var v = [Double](repeating: 0, count: x.count)
        for j in group where j < v.count { v[j] = 1 }
        return v
    }
    let columns = derivativeRoundingBounds(of: f, at: x, directions: directions).bounds
    return r.matrix.entries.map { e in
        guard e.column < coloring.colors.count else { return .nan }
        let c = coloring.colors[e.column]
        guard c < columns.count, let b = columns[c], e.row < b.count else { return .nan }
        return b[e.row]
    }
}
