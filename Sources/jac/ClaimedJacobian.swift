import Foundation

/// Reading a claimed Jacobian (a derivative computed elsewhere: PyTorch, JAX, Fortran, a paper)
/// from JSON, CSV or NumPy `.npy`, for `jac check FORMULA --claimed FILE`.
///
/// Every reader returns one matrix per point (rows = outputs, columns = inputs), in file order.
/// NaN and infinite entries are kept: they are claims to be graded (`non-finite`), not hidden.
///
/// ```swift
/// let js = try ClaimedJacobian.parseJSON("[[1, 2], [3, NaN]]")       // one point, 2×2
/// let cs = try ClaimedJacobian.parseCSV("1,2\n3,4\n\n5,6\n7,8\n")     // two points
/// ```
enum ClaimedJacobian {
    /// What is wrong with a claimed-Jacobian file.
    enum Failure: Error, Equatable, CustomStringConvertible {
        case malformed(String)
        case badMagic
        case unsupportedVersion(major: Int)
        case unsupportedDtype(String)
        case fortranOrder
        case badShape(String)
        /// A shape with a dimension of 0 or below: well formed, but a Jacobian with nothing in it.
        case emptyDimension(shape: String)
        /// The data is not the size the header's shape needs. `neededValues` is text: p·m·n can
        /// overflow Int (a header's (2³², 2³²)), and the message must still say what was asked.
        case dataSize(shape: String, neededValues: String, width: Int, gotBytes: Int)
        /// Shape and data agree, but hold more values than the reader takes.
        case tooLarge(shape: String, values: Int, limit: Int)
        case raggedRows(point: Int, row: Int, expected: Int, got: Int)
        /// Rows of different lengths, `row` the first whose length is not the function's input count.
        case rowLength(point: Int, row: Int, inputs: Int, got: Int)

        var description: String {
            switch self {
            case .malformed(let why): return why
            case .badMagic: return "not a NumPy .npy file (the first 6 bytes are not \\x93NUMPY)"
            case .unsupportedVersion(let m): return ".npy format version \(m) is not supported (1, 2 and 3 are)"
            case .unsupportedDtype(let d): return ".npy dtype '\(d)' is not supported (little-endian float64 '<f8' or float32 '<f4')"
            case .fortranOrder: return ".npy array is in Fortran order; save it in C order (np.ascontiguousarray)"
            case .badShape(let s): return ".npy shape \(s) is not (n,), (m, n) or (points, m, n)"
            case .emptyDimension(let s):
                return ".npy shape \(s) has an empty dimension: a claimed Jacobian needs at least one point, one row (output) and one column (input)"
            case .dataSize(let s, let needed, let width, let got):
                let stray = got % width == 0 ? "" : " and \(got % width) stray byte\(got % width == 1 ? "" : "s")"
                return ".npy data holds \(got / width) value\(got / width == 1 ? "" : "s")\(stray) (\(got) bytes of \(width)-byte values), "
                    + "where the header's shape \(s) needs \(needed)"
            case .tooLarge(let s, let values, let limit):
                return ".npy shape \(s) holds \(values) values, more than the \(limit) this reader takes"
            case .raggedRows(let p, let r, let e, let g):
                return "point \(p + 1), row \(r) has \(g) entries, row 0 has \(e) (rows count from 0, as in the table)"
            case .rowLength(let p, let r, let n, let g):
                return "point \(p + 1), row \(r) has \(g) entr\(g == 1 ? "y" : "ies") where the function has \(n) input\(n == 1 ? "" : "s") "
                    + "(one entry per input; rows count from 0, as in the table)"
            }
        }
    }

    /// Reads a file, choosing the reader by extension (`.npy`, `.csv`, otherwise JSON), or by the
    /// `.npy` magic bytes whatever the extension.
    static func load(path: String, inputs: Int? = nil) throws -> [[[Double]]] {
        try loadWithPrecision(path: path, inputs: inputs).matrices
    }

    /// As ``load(path:)``, and whether the file holds float32 values (a `.npy` of dtype `<f4`):
    /// such a claim can be no closer to the derivative than half a Float ulp, so it is graded in
    /// Float, not against Double tolerances it cannot meet. `inputs`: the function's input count,
    /// which ragged rows are measured against (see ``requireRectangular(_:point:inputs:)``).
    static func loadWithPrecision(path: String, inputs: Int? = nil) throws -> (matrices: [[[Double]]], isFloat32: Bool) {
        let bytes = try readBytes(path: path)
        if path.lowercased().hasSuffix(".npy") || bytes.starts(with: npyMagic) {
            return (try parseNPY(bytes), npyIsFloat32(bytes))
        }
        return (try loadText(path: path, bytes: bytes, inputs: inputs), false)
    }

    /// Whether a `.npy` header (already parsed without error) declares float32.
    static func npyIsFloat32(_ bytes: [UInt8]) -> Bool {
        let prefix = String(decoding: bytes.prefix(4096), as: UTF8.self)
        return prefix.contains("'<f4'") || prefix.contains("\"<f4\"")
    }

    private static func loadText(path: String, bytes: [UInt8], inputs: Int?) throws -> [[[Double]]] {
        let text = try utf8Text(bytes, what: "claimed Jacobian file '\(path)'")
        if path.lowercased().hasSuffix(".csv") { return try parseCSV(text, inputs: inputs) }
        return try parseJSON(text, inputs: inputs)
    }

    /// `[[...], [...]]` is one point's Jacobian; `[[[...]]], ...]` one per point.
    static func parseJSON(_ text: String, inputs: Int? = nil) throws -> [[[Double]]] {
        let value: MiniJSON
        do { value = try MiniJSON.parse(text) } catch let e as MiniJSON.ParseError where e.outOfRange {
            throw Failure.malformed("\(e)")
        } catch { throw Failure.malformed("invalid JSON: \(error)") }
        guard case .array(let outer) = value, !outer.isEmpty else {
            throw Failure.malformed("expected a JSON array of rows [[...], ...] or of Jacobians [[[...]], ...]")
        }
        if case .array(let first) = outer[0], let f = first.first, case .array = f {
            return try outer.enumerated().map { k, m in try matrix(m, point: k, inputs: inputs) }
        }
        // A flat list of numbers is one gradient, one row, as a .npy of shape (n,) is: `[3, 2]`
        // (a scalar function's gradient as Python's json.dumps writes it) was refused with
        // "row 0: expected an array of numbers".
        if outer.allSatisfy({ $0.numberValue != nil }) { return [try matrix(.array([value]), point: 0, inputs: inputs)] }
        return [try matrix(value, point: 0, inputs: inputs)]
    }

    private static func matrix(_ value: MiniJSON, point: Int, inputs: Int?) throws -> [[Double]] {
        guard case .array(let rows) = value, !rows.isEmpty else {
            throw Failure.malformed("point \(point + 1): expected a non-empty array of rows")
        }
        let m: [[Double]] = try rows.enumerated().map { i, row in
            guard case .array(let cells) = row else {
                throw Failure.malformed("point \(point + 1), row \(i) (0-based, as in the table): expected an array of numbers")
            }
            return try cells.enumerated().map { j, c in
                guard let d = c.numberValue else {
                    throw Failure.malformed("point \(point + 1), entry (\(i), \(j)), 0-based as in the table: expected a number (NaN, Infinity and null are read as non-finite)")
                }
                return d
            }
        }
        try requireRectangular(m, point: point, inputs: inputs)
        return m
    }

    /// One row per output, comma-separated; a blank line or a `# point k` line starts the next
    /// point; other `#` lines are comments. `nan`, `inf`, `-inf` are accepted in any case.
    static func parseCSV(_ text: String, inputs: Int? = nil) throws -> [[[Double]]] {
        var points: [[[Double]]] = []
        var current: [[Double]] = []
        func close() throws {
            if !current.isEmpty { try requireRectangular(current, point: points.count, inputs: inputs); points.append(current) }
            current = []
        }
        for (k, raw) in textLines(text).enumerated() {
            let line = raw.trimmingSpaces()
            if line.isEmpty { try close(); continue }
            if line.hasPrefix("#") {
                if line.dropFirst().trimmingCharacters().lowercased().hasPrefix("point") { try close() }
                continue
            }
            current.append(try csvCells(line).enumerated().map { j, s in
                // Lines count from 1 as editors show them; the entry from 0 as the table does.
                let entry = "line \(k + 1): entry (\(current.count), \(j)) of point \(points.count + 1), 0-based as in the table"
                guard let d = csvNumber(s) else { throw Failure.malformed("\(entry): '\(quoted(s))' is not a number") }
                if d.isFinite || !["inf", "+inf", "infinity", "-inf", "-infinity"].contains(s.lowercased()),
                   let problem = numberRangeProblem(s, d) {
                    throw Failure.malformed("\(entry): \(problem)")
                }
                return d
            })
        }
        try close()
        if points.isEmpty { throw Failure.malformed("the CSV file has no rows") }
        return points
    }

    private static func csvNumber(_ s: String) -> Double? {
        switch s.lowercased() {
        case "nan": return .nan
        case "inf", "+inf", "infinity": return .infinity
        case "-inf", "-infinity": return -.infinity
        default:
            guard !s.isEmpty, s.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || [0x2B, 0x2D, 0x2E, 0x65, 0x45].contains($0) }) else { return nil }
            return Double(s)
        }
    }

    static let npyMagic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]

    /// NumPy `.npy`: versions 1–3, little-endian float64 or float32, C order, shape (m, n),
    /// (points, m, n), or (n,) for a single gradient.
    static func parseNPY(_ bytes: [UInt8]) throws -> [[[Double]]] {
        guard bytes.starts(with: npyMagic) else { throw Failure.badMagic }
        guard bytes.count >= 10 else { throw Failure.malformed(".npy header is cut short") }
        let major = Int(bytes[6])
        let headerLength: Int, headerStart: Int
        switch major {
        case 1:
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            headerStart = 10
        case 2, 3:
            guard bytes.count >= 12 else { throw Failure.malformed(".npy header is cut short") }
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
            headerStart = 12
        default:
            throw Failure.unsupportedVersion(major: major)
        }
        guard headerStart + headerLength <= bytes.count else { throw Failure.malformed(".npy header is cut short") }
        let header = String(decoding: bytes[headerStart..<headerStart + headerLength], as: UTF8.self)
        guard let descr = dictValue(header, key: "descr"), let fortran = dictValue(header, key: "fortran_order"),
              let shapeText = dictValue(header, key: "shape") else {
            throw Failure.malformed(".npy header lacks descr, fortran_order or shape: \(header.trimmingSpaces())")
        }
        let dtype = descr.filter { $0 != "'" && $0 != "\"" }
        let width: Int
        switch dtype {
        case "<f8": width = 8
        case "<f4": width = 4
        default: throw Failure.unsupportedDtype(dtype)
        }
        if fortran.hasPrefix("True") { throw Failure.fortranOrder }
        let dims = shapeText.filter { $0 != "(" && $0 != ")" && $0 != " " }.split(separator: ",").map { Int($0) }
        guard !dims.contains(where: { $0 == nil }), let shape = Optional(dims.compactMap { $0 }),
              (1...3).contains(shape.count) else {
            throw Failure.badShape(shapeText)
        }
        // (0, 2) is an (m, n) shape: saying it is not one sent the reader looking at the wrong thing.
        guard shape.allSatisfy({ $0 > 0 }) else { throw Failure.emptyDimension(shape: shapeText) }
        let (p, m, n) = shape.count == 3 ? (shape[0], shape[1], shape[2])
            : shape.count == 2 ? (1, shape[0], shape[1]) : (1, 1, shape[0])
        // Both products checked: a header's (2³², 2³²) overflowed m·n itself and trapped.
        let (cells, overflowCells) = m.multipliedReportingOverflow(by: n)
        let (count, overflow) = p.multipliedReportingOverflow(by: cells)
        let (needed, overflowBytes) = count.multipliedReportingOverflow(by: width)
        let dataStart = headerStart + headerLength
        let got = bytes.count - dataStart
        // The size is compared before any limit: a header of (100000, 100000) over 4 values was
        // "not (m, n)", where the real mistake is a shape that does not describe the data.
        guard !overflowCells, !overflow, !overflowBytes, got == needed else {
            let values = overflowCells || overflow ? "\(shape.map(String.init).joined(separator: " × ")) values (more than Int can count)"
                : overflowBytes ? "\(count) values (more bytes than Int can count)"
                : "\(count) value\(count == 1 ? "" : "s") (\(needed) bytes)"
            throw Failure.dataSize(shape: shapeText, neededValues: values, width: width, gotBytes: got)
        }
        guard count <= (1 << 28) else { throw Failure.tooLarge(shape: shapeText, values: count, limit: 1 << 28) }
        var values = [Double](repeating: 0, count: count)
        for k in 0..<count {
            var bits: UInt64 = 0
            for b in 0..<width { bits |= UInt64(bytes[dataStart + k * width + b]) << (8 * UInt64(b)) }
            values[k] = width == 8 ? Double(bitPattern: bits) : Double(Float(bitPattern: UInt32(truncatingIfNeeded: bits)))
        }
        return (0..<p).map { q in (0..<m).map { i in Array(values[(q * m + i) * n..<(q * m + i + 1) * n]) } }
    }

    /// The text after `'key':` up to the next top-level comma or closing brace (tuples kept whole).
    private static func dictValue(_ header: String, key: String) -> String? {
        let chars = Array(header)
        let pattern = Array("'\(key)':")
        guard chars.count >= pattern.count,
              let start = (0...(chars.count - pattern.count)).first(where: { Array(chars[$0..<$0 + pattern.count]) == pattern })
        else { return nil }
        var i = start + pattern.count
        var out = ""
        var depth = 0
        while i < chars.count {
            let c = chars[i]
            if c == "(" { depth += 1 }
            if c == ")" { depth -= 1 }
            if depth == 0 && (c == "," || c == "}") { break }
            out.append(c)
            i += 1
        }
        return out.trimmingSpaces()
    }

    /// Rows of one length. Ragged rows are measured against the function's input count when it is
    /// known: [[2, 1, 0], [1, 1]] for a function of 2 inputs blamed row 1 ("has 2 entries, row 0
    /// has 3"), the one row that was right. Rows of one wrong length are left to the shape check,
    /// which names both shapes.
    private static func requireRectangular(_ m: [[Double]], point: Int, inputs: Int?) throws {
        guard let width = m.first?.count, m.contains(where: { $0.count != width }) else { return }
        if let n = inputs, let i = m.firstIndex(where: { $0.count != n }) {
            throw Failure.rowLength(point: point, row: i, inputs: n, got: m[i].count)
        }
        for (i, row) in m.enumerated() where row.count != width {
            throw Failure.raggedRows(point: point, row: i, expected: width, got: row.count)
        }
    }

    private static func readBytes(path: String) throws -> [UInt8] {
        // Raw bytes: a .npy payload is not UTF-8, and decoding it as text would replace bytes.
        // Bounded like every input: Foundation's read of standard input trapped on a directory
        // (`--claimed - < /`) and read /dev/zero until memory ran out.
        try readBoundedBytes(path: path, what: "claimed Jacobian file")
    }
}

extension Substring {
    fileprivate func trimmingCharacters() -> String { String(self).trimmingSpaces() }
}

/// Whether every finite number is a float32 value, and not only because it is a short dyadic
/// fraction (1, 0.5, 3.25 are float32 values by chance): numbers computed in float32 and written
/// out as Doubles (a PyTorch tensor's `tolist()`, a float32 program's replies). [Double(Float(0.1)), 2]
/// holds only float32 values; [0.1, 2] does not, 0.1 as a Double being none.
func holdsOnlyFloat32Values(_ values: [Double]) -> Bool {
    !values.isEmpty && values.allSatisfy { !$0.isFinite || Double(Float($0)) == $0 }
        && values.contains { $0.isFinite && $0 * 4096 != ($0 * 4096).rounded() }
}
