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
    let pairs = [("variables", jsonArray(f.variables.map(json))), ("point", jsonArray(point)), ("value", jsonArray(r.value)),
                 ("mode", json(r.mode.rawValue)),
                 ("rows", "\(r.matrix.rows)"), ("columns", "\(r.matrix.columns)"), ("colors", "\(r.coloring.count)"),
                 ("entries", jsonArray(entries.map { jsonArray(["\($0.row)", "\($0.column)", jsonNumber($0.value)]) }))]
    let json = jsonObject(pairs)
    let csvText = (["row,column,value"] + entries.map { "\($0.row),\($0.column),\(format($0.value))" }).joined(separator: "\n")
    // --points: one row per point; the columns are the pattern's entries at that point.
    let header = f.variables + ["colors"] + entries.map { "d\(names[$0.row])/d\(f.variables[$0.column])" }
    let row = point.map(format) + ["\(r.coloring.count)"] + entries.map { format($0.value) }
    return Report(table: table, json: json, csv: csvText, flatHeader: header, flatRow: row, notes: kinkNotes(kinks, of: f, at: point))
}
