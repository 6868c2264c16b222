import AdjointCore

// Output formats of a sweep, written by hand (no Foundation encoders) so the key order is fixed
// and golden comparisons are stable. The JSON keys are a contract with scripts (issue 6).

extension ComplexitySweepResult {
    // MARK: JSON

    /// The sweep as one JSON object:
    ///
    /// ```
    /// {"sweep": "depth", "width": 16, "batch": 1, "naive_form": "vector_jacobian",
    ///  "points": [{"depth": 1, "width": 16, "parameters": 272,
    ///              "forward": {"flops": …, "matmuls": …, "function_evaluations": …, "tape_entries": …, "tape_bytes": …},
    ///              "backprop": {…, "ratio_to_forward": …}, "naive": {…}, "finite_differences": {…} or null,
    ///              "max_difference": {"naive": …, "finite_differences": …}}, …],
    ///  "exponents": {"forward": …, "backprop": …, "naive": …, "finite_differences": …},
    ///  "exponents_all_points": {…}, "fit_from": 8,
    ///  "fit_from_by_method": {"forward": 8, "backprop": 8, "naive": 8, "finite_differences": 4},
    ///  "finite_differences_exponent_vs_parameters": …, "max_backprop_ratio": …}
    /// ```
    /// A width sweep has `"sweep": "width"`, a top-level `"depth"` and points keyed by `"width"` first.
    public func toJSON() -> String {
        var s = "{\"sweep\": \"\(kind.rawValue)\", \"\(kind.fixedName)\": \(fixed), \"batch\": \(options.batch), "
        s += "\"naive_form\": \"\(options.naiveForm.rawValue)\", \"points\": ["
        s += points.map(pointJSON).joined(separator: ", ")
        s += "], \"exponents\": \(exponentsJSON(exponents)), \"exponents_all_points\": \(exponentsJSON(exponentsAllPoints)), "
        s += "\"fit_from\": \(fitFrom.map(String.init) ?? "null"), "
        s += "\"fit_from_by_method\": {" + ComplexityMethod.allCases.map { "\"\($0.rawValue)\": \(fitFrom($0).map(String.init) ?? "null")" }
            .joined(separator: ", ") + "}, "
        s += "\"finite_differences_exponent_vs_parameters\": \(jsonNumber(finiteDifferencesExponentVsParameters)), "
        s += "\"max_backprop_ratio\": \(jsonNumber(maxBackpropRatio))}"
        return s
    }

    private func pointJSON(_ p: ComplexityPoint) -> String {
        let sizeKeys = kind == .depth ? "\"depth\": \(p.depth), \"width\": \(p.width)" : "\"width\": \(p.width), \"depth\": \(p.depth)"
        var s = "{\(sizeKeys), \"parameters\": \(p.parameterCount)"
        for m in ComplexityMethod.allCases {
            s += ", \"\(m.rawValue)\": "
            guard let c = p.cost(m) else { s += "null"; continue }
            s += "{\"flops\": \(c.flops), \"matmuls\": \(c.matmuls), \"function_evaluations\": \(c.functionEvaluations), "
            s += "\"tape_entries\": \(c.tapeEntries), \"tape_bytes\": \(c.tapeBytes)"
            if m != .forward { s += ", \"ratio_to_forward\": \(jsonNumber(p.ratioToForward(m)))" }
            s += "}"
        }
        s += ", \"max_difference\": {\"naive\": \(jsonNumber(p.naiveMaxDifference, digits: nil)), "
        s += "\"finite_differences\": \(jsonNumber(p.finiteDifferencesMaxDifference, digits: nil))}}"
        return s
    }

    private func exponentsJSON(_ e: [ComplexityMethod: Double]) -> String {
        "{" + ComplexityMethod.allCases.map { "\"\($0.rawValue)\": \(jsonNumber(e[$0]))" }.joined(separator: ", ") + "}"
    }

    // MARK: CSV

    /// The sweep in long form, one row per (size, method):
    /// `sweep,depth,width,batch,parameters,method,flops,matmuls,function_evaluations,tape_entries,tape_bytes,ratio_to_forward`.
    /// Skipped finite differences have no row.
    ///
    /// ```swift
    /// print(try ComplexitySweep.depth([1, 2]).toCSV())
    /// ```
    public func toCSV() -> String {
        var lines = ["sweep,depth,width,batch,parameters,method,flops,matmuls,function_evaluations,tape_entries,tape_bytes,ratio_to_forward"]
        for p in points {
            for m in ComplexityMethod.allCases {
                guard let c = p.cost(m) else { continue }
                let ratio = p.ratioToForward(m).map { fixedDigits($0, 4) } ?? ""
                lines.append("\(kind.rawValue),\(p.depth),\(p.width),\(p.batch),\(p.parameterCount),\(m.rawValue),"
                             + "\(c.flops),\(c.matmuls),\(c.functionEvaluations),\(c.tapeEntries),\(c.tapeBytes),\(ratio)")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    // MARK: Table

    /// A plain-text table: flops per method and their ratio to the forward pass, then the
    /// fitted exponents.
    ///
    /// ```swift
    /// print(try ComplexitySweep.width([2, 4, 8], depth: 2).toTable())
    /// ```
    public func toTable() -> String {
        let sizeName = kind == .depth ? "L" : "m"
        let header = [sizeName, "|W|", "forward", "backprop", "(×fwd)", "naive", "(×fwd)", "finite diff", "(×fwd)", "agree"]
        var rows: [[String]] = [header]
        for (p, size) in zip(points, sizes) {
            var r = [String(size), String(p.parameterCount), String(p.forward.flops)]
            for m in ComplexityMethod.gradientMethods {
                if let c = p.cost(m) {
                    r.append(String(c.flops)); r.append(p.ratioToForward(m).map { fixedDigits($0, 1) } ?? "-")
                } else {
                    r.append("skipped"); r.append("-")
                }
            }
            r.append(agreementText(p))
            rows.append(r)
        }
        let widths = header.indices.map { c in rows.map { $0[c].count }.max() ?? 0 }
        var out = "\(kind.rawValue) sweep, \(kind.fixedName) \(fixed), batch \(options.batch), flops counted (naive chain: \(options.naiveForm.rawValue))\n"
        for r in rows {
            out += r.indices.map { pad(r[$0], widths[$0]) }.joined(separator: "  ") + "\n"
        }
        let e = exponents, a = exponentsAllPoints
        out += "fitted exponent of log(flops) vs log(\(sizeName)), sizes ≥ \(fitFrom.map(String.init) ?? "?") (all points in parentheses):\n"
        for m in ComplexityMethod.allCases {
            out += "  \(pad(m.label, 20)) \(e[m].map { fixedDigits($0, 3) } ?? "-")  (\(a[m].map { fixedDigits($0, 3) } ?? "-"))"
            out += (fitFrom(m) != fitFrom ? "  fitted over sizes ≥ \(fitFrom(m).map(String.init) ?? "?")" : "") + "\n"
        }
        out += "finite differences vs |W|: exponent \(finiteDifferencesExponentVsParameters.map { fixedDigits($0, 3) } ?? "-")\n"
        out += "max backprop flops / forward flops: \(fixedDigits(maxBackpropRatio, 3))\n"
        return out
    }

    private func agreementText(_ p: ComplexityPoint) -> String {
        guard let n = p.naiveMaxDifference else { return "unchecked" }
        var s = "naive \(scientific(n))"
        // Differences agree with backprop only to their rounding, whose last digits depend on the
        // BLAS kernel: the table shows the power of ten that bounds it (the JSON keeps the value).
        if let f = p.finiteDifferencesMaxDifference {
            s += f > 0 && f.isFinite ? ", fd < 1e\(Int(Double.log10(f).rounded(.up)))" : ", fd \(scientific(f))"
        }
        return s
    }

    // MARK: SVG

    /// A log-log plot of flops against the swept size, one polyline per method with a marker
    /// at each point, a legend, and both axes labelled as log scales. Self-contained SVG 1.1.
    ///
    /// ```swift
    /// let svg = try ComplexitySweep.depth([1, 2, 4, 8]).toSVG()   // write to depth.svg and open
    /// ```
    public func toSVG() -> String {
        let width = 760.0, height = 480.0
        let left = 90.0, right = 210.0, top = 50.0, bottom = 70.0
        let plotW = width - left - right, plotH = height - top - bottom
        let xs = sizes.map(Double.init)
        // Sorted by size: sizes given out of order ([8, 1, 4, 2]) drew lines back and forth.
        let series: [(ComplexityMethod, [(Double, Double)])] = ComplexityMethod.allCases.map { m in
            (m, zip(xs, points).compactMap { x, p in p.cost(m).map { (x, Double(Swift.max($0.flops, 1))) } }.sorted { $0.0 < $1.0 })
        }
        let allY = series.flatMap { $0.1.map(\.1) }
        // One size (--depths 3) is centred one octave either side, not drawn on the y axis.
        let lxMin = Double.log2(xs.min() ?? 1), lxMax = Double.log2(xs.max() ?? 2)
        let (lx0, lx1) = lxMax > lxMin ? (lxMin, lxMax) : (lxMin - 1, lxMin + 1)
        let ly0 = Double.log10(allY.min() ?? 1).rounded(.down)
        let ly1v = Double.log10(allY.max() ?? 10).rounded(.up)
        let ly1 = ly1v > ly0 ? ly1v : ly0 + 1
        func px(_ x: Double) -> Double { left + (Double.log2(x) - lx0) / (lx1 - lx0) * plotW }
        func py(_ y: Double) -> Double { top + plotH - (Double.log10(y) - ly0) / (ly1 - ly0) * plotH }
        let sizeName = kind == .depth ? "depth L" : "width m"

        var s = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        s += "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"\(n(width))\" height=\"\(n(height))\" "
        s += "viewBox=\"0 0 \(n(width)) \(n(height))\" font-family=\"sans-serif\" font-size=\"12\">\n"
        s += "<title>Gradient cost against \(sizeName) (\(kind.fixedName) \(fixed), batch \(options.batch)), log-log</title>\n"
        s += "<rect x=\"0\" y=\"0\" width=\"\(n(width))\" height=\"\(n(height))\" fill=\"white\"/>\n"
        s += "<text x=\"\(n(left + plotW / 2))\" y=\"28\" text-anchor=\"middle\" font-size=\"15\">"
        s += "Flops to the gradient against \(sizeName) (\(kind.fixedName) \(fixed))</text>\n"
        // Grid and ticks: powers of ten on y, the swept sizes on x.
        s += "<g id=\"grid\" stroke=\"#dddddd\" stroke-width=\"1\">\n"
        var k = ly0
        while k <= ly1 {
            let y = py(Double.pow(10, k))
            s += "<line x1=\"\(n(left))\" y1=\"\(n(y))\" x2=\"\(n(left + plotW))\" y2=\"\(n(y))\"/>\n"
            k += 1
        }
        for x in Set(xs).sorted() {
            s += "<line x1=\"\(n(px(x)))\" y1=\"\(n(top))\" x2=\"\(n(px(x)))\" y2=\"\(n(top + plotH))\"/>\n"
        }
        s += "</g>\n<g id=\"axes\" stroke=\"black\" stroke-width=\"1.5\">\n"
        s += "<line x1=\"\(n(left))\" y1=\"\(n(top + plotH))\" x2=\"\(n(left + plotW))\" y2=\"\(n(top + plotH))\"/>\n"
        s += "<line x1=\"\(n(left))\" y1=\"\(n(top))\" x2=\"\(n(left))\" y2=\"\(n(top + plotH))\"/>\n</g>\n"
        s += "<g id=\"x-ticks\" text-anchor=\"middle\">\n"
        for x in Set(xs).sorted() {
            s += "<text x=\"\(n(px(x)))\" y=\"\(n(top + plotH + 18))\">\(Int(x))</text>\n"
        }
        s += "</g>\n<g id=\"y-ticks\" text-anchor=\"end\">\n"
        k = ly0
        while k <= ly1 {
            s += "<text x=\"\(n(left - 8))\" y=\"\(n(py(Double.pow(10, k)) + 4))\">10<tspan dy=\"-6\" font-size=\"9\">\(Int(k))</tspan></text>\n"
            k += 1
        }
        s += "</g>\n"
        s += "<text id=\"x-label\" x=\"\(n(left + plotW / 2))\" y=\"\(n(height - 22))\" text-anchor=\"middle\">\(sizeName) (log scale, base 2)</text>\n"
        s += "<text id=\"y-label\" transform=\"translate(22 \(n(top + plotH / 2))) rotate(-90)\" text-anchor=\"middle\">flops (log scale, base 10)</text>\n"
        // One polyline per method, markers on the measured points.
        for (m, pts) in series where !pts.isEmpty {
            let style = Self.style(m)
            let coords = pts.map { "\(n(px($0.0))),\(n(py($0.1)))" }.joined(separator: " ")
            s += "<polyline class=\"series\" data-method=\"\(m.rawValue)\" fill=\"none\" stroke=\"\(style.color)\" stroke-width=\"2\""
            s += style.dash.map { " stroke-dasharray=\"\($0)\"" } ?? ""
            s += " points=\"\(coords)\"/>\n"
            for p in pts {
                s += "<circle cx=\"\(n(px(p.0)))\" cy=\"\(n(py(p.1)))\" r=\"3\" fill=\"\(style.color)\"/>\n"
            }
        }
        // Legend, with each method's fitted exponent.
        let lx = left + plotW + 20
        let otherWindows = ComplexityMethod.allCases.filter { fitFrom($0) != fitFrom }
        s += "<g id=\"legend\">\n<rect x=\"\(n(lx - 8))\" y=\"\(n(top))\" width=\"\(n(right - 20))\" "
        s += "height=\"\(n(Double(series.count) * 22 + 56 + Double(otherWindows.count) * 16))\" fill=\"white\" stroke=\"#999999\"/>\n"
        let sizeSymbol = kind == .depth ? "L" : "m"
        s += "<text x=\"\(n(lx))\" y=\"\(n(top + 18))\" font-weight=\"bold\">method (slope, \(sizeSymbol) ≥ \(fitFrom.map(String.init) ?? "?"))</text>\n"
        let e = exponents
        for (i, (m, _)) in series.enumerated() {
            let y = top + 38 + Double(i) * 22
            let style = Self.style(m)
            s += "<line x1=\"\(n(lx))\" y1=\"\(n(y - 4))\" x2=\"\(n(lx + 26))\" y2=\"\(n(y - 4))\" stroke=\"\(style.color)\" stroke-width=\"2\""
            s += style.dash.map { " stroke-dasharray=\"\($0)\"" } ?? ""
            s += "/>\n<text x=\"\(n(lx + 34))\" y=\"\(n(y))\">\(m.label) (\(e[m].map { fixedDigits($0, 2) } ?? "-"))</text>\n"
        }
        let fdLine = "finite diff. vs |W|: " + (finiteDifferencesExponentVsParameters.map { fixedDigits($0, 2) } ?? "-")
        s += "<text x=\"\(n(lx))\" y=\"\(n(top + 38 + Double(series.count) * 22))\" font-size=\"11\">\(fdLine)</text>\n"
        // A method fitted over another window than the header's says so on a line of its own
        // (in the entry itself the text ran past the legend's box).
        for (k, m) in otherWindows.enumerated() {
            let name = m == .finiteDifferences ? "finite diff." : m.label
            s += "<text x=\"\(n(lx))\" y=\"\(n(top + 54 + Double(series.count) * 22 + Double(k) * 16))\" font-size=\"11\">"
            s += "\(name) slope: \(sizeSymbol) ≥ \(fitFrom(m).map(String.init) ?? "?")</text>\n"
        }
        s += "</g>\n</svg>\n"
        return s
    }

    private static func style(_ m: ComplexityMethod) -> (color: String, dash: String?) {
        switch m {
        case .forward: return ("#777777", "5,4")
        case .backprop: return ("#1f77b4", nil)
        case .naive: return ("#ff7f0e", nil)
        case .finiteDifferences: return ("#d62728", nil)
        }
    }
}

/// The output formats of a sweep, by the names the CLI's `--format` takes.
///
/// ```swift
/// let text = result.render(ComplexityOutputFormat(rawValue: "json") ?? .table)
/// ```
public enum ComplexityOutputFormat: String, Sendable, CaseIterable {
    /// ``ComplexitySweepResult/toTable()``.
    case table
    /// ``ComplexitySweepResult/toJSON()``.
    case json
    /// ``ComplexitySweepResult/toCSV()``.
    case csv
    /// ``ComplexitySweepResult/toSVG()``.
    case svg
}

extension ComplexitySweepResult {
    /// The sweep in `format`.
    ///
    /// ```swift
    /// print(try ComplexitySweep.run(kind: .depth).render(.json))
    /// ```
    public func render(_ format: ComplexityOutputFormat) -> String {
        switch format {
        case .table: return toTable()
        case .json: return toJSON()
        case .csv: return toCSV()
        case .svg: return toSVG()
        }
    }
}

// MARK: Number formatting without Foundation

/// A JSON number with `digits` decimals (nil: full precision), or `null` for nil, NaN and ±∞.
func jsonNumber(_ x: Double?, digits: Int? = 4) -> String {
    guard let x, x.isFinite else { return "null" }
    guard let digits else { return "\(x)" }
    return "\(rounded(x, digits))"
}

func rounded(_ x: Double, _ digits: Int) -> Double {
    let f = Double.pow(10, Double(digits))
    return (x * f).rounded() / f
}

/// x with exactly `digits` decimals, e.g. fixedDigits(2.5, 2) = "2.50".
func fixedDigits(_ x: Double, _ digits: Int) -> String {
    guard x.isFinite else { return "\(x)" }
    let f = Double.pow(10, Double(digits))
    let scaled = (Swift.abs(x) * f).rounded()
    guard scaled < 9e15 else { return "\(x)" }
    let v = Int(scaled)
    let ip = v / Int(f), fp = v % Int(f)
    let frac = digits > 0 ? "." + String(repeating: "0", count: digits - String(fp).count) + String(fp) : ""
    return (x < 0 && v != 0 ? "-" : "") + String(ip) + frac
}

/// x as d.dde±k.
func scientific(_ x: Double) -> String {
    guard x.isFinite else { return "\(x)" }
    if x == 0 { return "0" }
    var e = Int(Double.log10(Swift.abs(x)).rounded(.down))
    var m = x / Double.pow(10, Double(e))
    if Swift.abs(rounded(m, 1)) >= 10 { m /= 10; e += 1 }
    return fixedDigits(m, 1) + "e" + String(e)
}

private func n(_ x: Double) -> String { fixedDigits(x, 1) }

private func pad(_ s: String, _ w: Int) -> String {
    s.count >= w ? s : String(repeating: " ", count: w - s.count) + s
}
