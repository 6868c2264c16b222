#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import AdjointCore

/// Expression swell measured: for families of functions that grow with a size parameter, the
/// size of the gradient as expanded trees (what naive symbolic differentiation prints), as one
/// shared DAG (hash-consed, what ``Symbolic`` builds), and the length of the reverse-mode tape
/// (what AD stores), with growth exponents fitted on a log-log scale.
///
/// ```swift
/// let r = try SwellMeasurement.run(sizes: [2, 4, 8, 16])
/// r.rows.first { $0.family == .product }?.exponents.tree   // ≈ 2: n partials of n − 1 factors
/// ```
public enum SwellFamily: String, Sendable, CaseIterable {
    /// x₁·x₂·…·xₙ, differentiated with respect to every xᵢ.
    case product
    /// sin(sin(…sin(x))), n deep.
    case nestedSin = "nested-sin"
    /// h₀ = x, hₖ = tanh(wₖ·hₖ₋₁ + bₖ) for L layers; gradient in x and every wₖ, bₖ.
    case network

    /// Number of inputs at size `n`.
    public func inputs(_ n: Int) -> Int {
        switch self {
        case .product: return n
        case .nestedSin: return 1
        case .network: return 2 * n + 1
        }
    }

    /// The function at size `n`, between 1 and ``SwellMeasurement/maxSize``; any other size
    /// throws ``ADError/invalidArgument(_:)`` (size 0 has no input to read, and a size past the
    /// bound would overflow the input count).
    ///
    /// ```swift
    /// let f = try SwellFamily.product.function(3)        // x1·x2·x3
    /// try jacobian(of: f, at: [1.0, 2.0, 3.0])            // [[6.0, 3.0, 2.0]]
    /// ```
    public func function(_ n: Int) throws -> SwellFunction {
        guard n >= 1 && n <= SwellMeasurement.maxSize else {
            throw ADError.invalidArgument("\(rawValue) size \(n) must be between 1 and \(SwellMeasurement.maxSize)")
        }
        return SwellFunction(family: self, n: n)
    }
}

/// A member of a ``SwellFamily`` as an ``ADFunction``, so every mode runs the same code.
public struct SwellFunction: ADFunction, Sendable {
    public let family: SwellFamily
    public let n: Int
    public var inputCount: Int? { family.inputs(n) }
    public func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
        // The drivers check x.count against inputCount; a direct call that is short gets NaN,
        // not a read past the end.
        guard x.count >= family.inputs(n) else { return [T(Double.nan)] }
        switch family {
        case .product:
            return [x.dropFirst().reduce(x[0], *)]
        case .nestedSin:
            var h = x[0]
            for _ in 0..<n { h = T.sin(h) }
            return [h]
        case .network:
            var h = x[0]
            for k in 0..<n { h = T.tanh(x[1 + 2 * k] * h + x[2 + 2 * k]) }
            return [h]
        }
    }
}

/// One size of one family.
public struct SwellPoint: Sendable {
    public let n: Int
    /// Operations in the expanded gradient trees (summed over entries).
    public let treeOps: Double
    /// Distinct operations in the gradient's shared DAG.
    public let dagOps: Int
    /// Entries on the reverse-mode tape (inputs, constants and ops) recording the function.
    public let tapeEntries: Int
}

/// The measurements of one family and their fitted exponents.
public struct SwellRow: Sendable {
    public let family: SwellFamily
    public let points: [SwellPoint]
    /// Least-squares slopes of log(size) against log(n) over the upper half of the sizes (the
    /// asymptotic regime; lower-order terms bias a fit from n = 1).
    public let exponents: (tree: Double?, dag: Double?, tape: Double?)
}

/// Expression swell of every ``SwellFamily`` at several sizes: the rows behind
/// `jac complexity --swell`, as a table, JSON or an SVG plot.
///
/// ```swift
/// let r = try SwellMeasurement.run(sizes: [4, 8, 16], families: [.nestedSin])
/// r.rows[0].points.map(\.dagOps)   // [10, 22, 46]: 3n − 2 shared operations
/// print(r.table)
/// ```
public struct SwellMeasurement: Sendable {
    public let rows: [SwellRow]

    /// The largest size accepted: the shared DAG stays linear, but the expanded-tree count is a
    /// Double that is computed, not printed, so only the DAG's memory limits it.
    public static let maxSize = 4096

    /// Measures every family at `sizes` (each between 1 and ``maxSize``).
    public static func run(sizes: [Int], families: [SwellFamily] = SwellFamily.allCases) throws -> SwellMeasurement {
        guard !sizes.isEmpty, sizes.allSatisfy({ $0 >= 1 && $0 <= maxSize }) else {
            throw ADError.invalidArgument("swell sizes must be between 1 and \(maxSize)")
        }
        let sorted = Array(Set(sizes)).sorted()
        var rows: [SwellRow] = []
        for family in families {
            var points: [SwellPoint] = []
            for n in sorted {
                let f = try family.function(n)
                let m = family.inputs(n)
                let d = try SymbolicDifferentiation.jacobian(of: f, inputs: m, mode: .reverse)
                let size = ExpressionGraph.current.sizeUnchecked(of: d.entries.map(\.id))
                // Only the tape's length is read, which does not depend on the point; the recording
                // still rejects a non-finite output, so the values stay within 0.1% of 1: the
                // product of n of them stays near 1 up to maxSize (0.5 + 0.01i overflowed at n ≈ 700).
                let x = SwellMeasurement.samplePoint(m)
                let rec = try record({ f($0) }, at: x)
                points.append(SwellPoint(n: n, treeOps: size.treeOps, dagOps: size.dagOps, tapeEntries: rec.tape.count))
            }
            let upper = Array(points.suffix(Swift.max(2, (points.count + 1) / 2)))
            rows.append(SwellRow(family: family, points: points, exponents: (
                slope(upper.map { (Double($0.n), $0.treeOps) }),
                slope(upper.map { (Double($0.n), Double($0.dagOps)) }),
                slope(upper.map { (Double($0.n), Double($0.tapeEntries)) }))))
        }
        return SwellMeasurement(rows: rows)
    }

    /// The point each family is recorded at: xᵢ = 1 + 0.001·sin(i), distinct values whose
    /// products stay finite for every size (|log Πxᵢ| ≤ 0.001·|Σ sin i| + O(n·10⁻⁶) < 1).
    static func samplePoint(_ m: Int) -> [Double] { (0..<m).map { 1 + 0.001 * sin(Double($0)) } }

    /// Slope of log y on log x, or nil with fewer than two distinct positive x.
    static func slope(_ xy: [(Double, Double)]) -> Double? {
        let p = xy.filter { $0.0 > 0 && $0.1 > 0 }.map { (log($0.0), log($0.1)) }
        guard p.count >= 2 else { return nil }
        let mx = p.reduce(0) { $0 + $1.0 } / Double(p.count), my = p.reduce(0) { $0 + $1.1 } / Double(p.count)
        let sxx = p.reduce(0) { $0 + ($1.0 - mx) * ($1.0 - mx) }
        guard sxx > 0 else { return nil }
        return p.reduce(0) { $0 + ($1.0 - mx) * ($1.1 - my) } / sxx
    }

    static func fmt(_ v: Double?) -> String {
        guard let v else { return "-" }
        return String(Double(Int((v * 100).rounded())) / 100)
    }

    /// A plain-text table.
    public var table: String {
        // The header is padded as the rows are, so each title sits over its column.
        var s = "family".padding(12) + " " + "n".leftPad(5) + " " + "tree ops".leftPad(14) + " "
            + "DAG ops".leftPad(14) + " " + "tape entries".leftPad(14) + "\n"
        for r in rows {
            for p in r.points {
                s += r.family.rawValue.padding(12) + " " + String(p.n).leftPad(5) + " "
                    + String(format: p.treeOps).leftPad(14) + " " + String(p.dagOps).leftPad(14) + " "
                    + String(p.tapeEntries).leftPad(14) + "\n"
            }
            s += "  fitted exponent (upper half of n): tree \(Self.fmt(r.exponents.tree)), DAG \(Self.fmt(r.exponents.dag)), tape \(Self.fmt(r.exponents.tape))\n"
        }
        return s
    }

    /// JSON: one object per family with its points and exponents.
    public var json: String {
        let fams = rows.map { r -> String in
            let pts = r.points.map { "{\"n\": \($0.n), \"tree_ops\": \(String(format: $0.treeOps)), \"dag_ops\": \($0.dagOps), \"tape_entries\": \($0.tapeEntries)}" }
            let e = [("tree", r.exponents.tree), ("dag", r.exponents.dag), ("tape", r.exponents.tape)]
                .map { "\"\($0.0)\": \($0.1.map { "\($0)" } ?? "null")" }.joined(separator: ", ")
            return "{\"family\": \"\(r.family.rawValue)\", \"points\": [\(pts.joined(separator: ", "))], \"exponents\": {\(e)}}"
        }
        return "{\"swell\": [\(fams.joined(separator: ", "))]}"
    }

    /// A log-log plot: one panel per family, three series each.
    public var svg: String {
        let panelW = 300.0, panelH = 260.0, margin = 50.0
        let width = margin + Double(rows.count) * (panelW + margin)
        let top = 30.0   // room for the figure's title above the panels
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(top + panelH + 2 * margin + 45))\" font-family=\"sans-serif\" font-size=\"11\">\n"
        s += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        s += "<text x=\"\(width / 2)\" y=\"22\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\">Expression swell: operations in symbolic gradients against the reverse tape</text>\n"
        let series: [(String, String, (SwellPoint) -> Double)] = [
            ("expanded tree", "#d62728", { $0.treeOps }), ("shared DAG", "#1f77b4", { Double($0.dagOps) }),
            ("reverse tape", "#2ca02c", { Double($0.tapeEntries) })]
        for (k, r) in rows.enumerated() {
            let x0 = margin + Double(k) * (panelW + margin), y0 = top + margin
            let xs = r.points.map { log10(Double($0.n)) }
            let ys = r.points.flatMap { p in series.map { log10(Swift.max(1, $0.2(p))) } }
            // One size (--swell 5) is a single column of points: centred in half a decade either
            // side, not drawn on the left frame.
            let lo = xs.min() ?? 0, hi = xs.max() ?? 1
            let (xmin, xmax) = hi - lo > 1e-9 ? (lo, hi) : (lo - 0.5, lo + 0.5)
            // A little headroom: the largest count sat on the frame, under the legend text.
            let (ymin, ymax) = (Swift.min(0, ys.min() ?? 0), Swift.max((ys.max() ?? 1) + 0.15, 1))
            func px(_ v: Double) -> Double { x0 + (v - xmin) / (xmax - xmin) * panelW }
            func py(_ v: Double) -> Double { y0 + panelH - (v - ymin) / (ymax - ymin) * panelH }
            s += "<rect x=\"\(x0)\" y=\"\(y0)\" width=\"\(panelW)\" height=\"\(panelH)\" fill=\"none\" stroke=\"#444\"/>\n"
            s += "<text x=\"\(x0 + panelW / 2)\" y=\"\(y0 - 10)\" text-anchor=\"middle\" font-weight=\"bold\">\(r.family.rawValue)</text>\n"
            s += "<text x=\"\(x0 + panelW / 2)\" y=\"\(y0 + panelH + 32)\" text-anchor=\"middle\">size n (log scale)</text>\n"
            for p in r.points {
                let x = px(log10(Double(p.n)))
                s += "<line x1=\"\(x)\" x2=\"\(x)\" y1=\"\(y0 + panelH)\" y2=\"\(y0 + panelH + 4)\" stroke=\"#444\"/>\n"
                s += "<text x=\"\(x)\" y=\"\(y0 + panelH + 16)\" text-anchor=\"middle\">\(p.n)</text>\n"
            }
            if k == 0 {
                s += "<text transform=\"translate(\(x0 - 38),\(y0 + panelH / 2)) rotate(-90)\" text-anchor=\"middle\">operations (log scale)</text>\n"
            }
            var decade = ymin.rounded(.up)
            while decade <= ymax {
                s += "<line x1=\"\(x0)\" x2=\"\(x0 + panelW)\" y1=\"\(py(decade))\" y2=\"\(py(decade))\" stroke=\"#ddd\"/>\n"
                s += "<text x=\"\(x0 - 4)\" y=\"\(py(decade) + 4)\" text-anchor=\"end\">1e\(Int(decade))</text>\n"
                decade += 1
            }
            var zeros: [String] = []
            for (j, (name, color, value)) in series.enumerated() {
                // A count of 0 has no place on a log scale: left out of the line and listed below.
                let drawn = r.points.filter { value($0) > 0 }
                zeros += r.points.filter { value($0) <= 0 }.map { "\(name) 0 at n = \($0.n)" }
                let pts = drawn.map { "\(px(log10(Double($0.n)))),\(py(log10(value($0))))" }.joined(separator: " ")
                s += "<polyline points=\"\(pts)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\"/>\n"
                // Markers too: a line through one point draws nothing.
                for p in drawn {
                    s += "<circle cx=\"\(px(log10(Double(p.n))))\" cy=\"\(py(log10(value(p))))\" r=\"3\" fill=\"\(color)\"/>\n"
                }
                let e = [r.exponents.tree, r.exponents.dag, r.exponents.tape][j]
                s += "<text x=\"\(x0 + 8)\" y=\"\(y0 + 16 + 14 * Double(j))\" fill=\"\(color)\">\(name): slope \(Self.fmt(e))</text>\n"
            }
            if !zeros.isEmpty {
                s += "<text x=\"\(x0)\" y=\"\(y0 + panelH + 48)\" fill=\"#555\">not drawn (log scale): \(zeros.joined(separator: "; "))</text>\n"
            }
        }
        s += "<text x=\"\(margin)\" y=\"\(top + panelH + 2 * margin + 35)\">operations in the gradient of each family against size, log-log; slopes fitted over the upper half of n</text>\n"
        return s + "</svg>\n"
    }
}

extension String {
    init(format v: Double) { self = v < 1e15 ? String(Int(v)) : "\(v)" }
    func padding(_ w: Int) -> String { count >= w ? self : self + String(repeating: " ", count: w - count) }
    func leftPad(_ w: Int) -> String { count >= w ? self : String(repeating: " ", count: w - count) + self }
}
