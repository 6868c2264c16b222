import AdjointCore
import RealModule

/// A small standalone SVG chart: line and marker series over linear or log₁₀ axes, optional
/// shaded rectangles underneath (a classifier's decision regions, say), labelled axes with
/// "nice" ticks, and the legend to the right of the plot area so it never covers a line. Points
/// that a log axis cannot show (≤ 0, NaN, ±∞) are left off and counted in a note under the title.
/// Points outside fixed axis ranges are not drawn and are counted in the same note; a line to
/// such a point is cut at the frame, so its visible part keeps its true slope (as the step-sweep
/// plot counts its clipped errors rather than drawing them to scale).
///
/// The complexity sweep (`ComplexitySweep.toSVG`) and the step sweep (`StepSweep.renderSVG`) draw
/// their own specialised figures; this is the general chart the notebooks use (loss curves,
/// activation derivatives, decision boundaries), written once here.
///
/// ```swift
/// var plot = LinePlot(title: "Training loss", xLabel: "epoch t", yLabel: "loss L(t)", yLog: true)
/// plot.add(LinePlot.Series(name: "adam", points: losses.enumerated().map { (Double($0), $1) }))
/// try plot.svg().write(toFile: "loss.svg", atomically: true, encoding: .utf8)
/// ```
public struct LinePlot: Sendable {
    /// One series: a polyline, markers, or both.
    public struct Series: Sendable {
        /// The legend's text (and the `data-name` of the series' group).
        public var name: String
        /// The points in data coordinates, drawn in order.
        public var points: [(x: Double, y: Double)]
        /// CSS colour; nil takes the next of the palette.
        public var color: String?
        /// Join the points with a line.
        public var line: Bool
        /// Draw a circle at each point.
        public var markers: Bool
        /// An SVG `stroke-dasharray` for the line ("6 3"); nil for a solid line.
        public var dash: String?
        /// A series; by default a solid line without markers in the palette's next colour.
        ///
        /// ```swift
        /// let s = LinePlot.Series(name: "sgd", points: [(0, 1.0), (1, 0.5), (2, 0.3)], markers: true, dash: "6 3")
        /// ```
        public init(name: String, points: [(x: Double, y: Double)], color: String? = nil,
                    line: Bool = true, markers: Bool = false, dash: String? = nil) {
            self.name = name; self.points = points; self.color = color
            self.line = line; self.markers = markers; self.dash = dash
        }
    }

    /// A filled axis-aligned rectangle in data coordinates, drawn under the series.
    public struct Region: Sendable {
        /// Corners in data coordinates (x0 ≤ x1, y0 ≤ y1); parts outside the axes are cut off.
        public var x0: Double, y0: Double, x1: Double, y1: Double
        /// CSS fill colour, usually translucent.
        public var color: String
        /// A rectangle from (x0, y0) to (x1, y1).
        ///
        /// ```swift
        /// plot.regions.append(LinePlot.Region(x0: 0, y0: 0, x1: 0.5, y1: 1, color: "#1f77b422"))
        /// ```
        public init(x0: Double, y0: Double, x1: Double, y1: Double, color: String) {
            self.x0 = x0; self.y0 = y0; self.x1 = x1; self.y1 = y1; self.color = color
        }
    }

    /// Text above the plot (and the SVG's `<title>`).
    public var title: String
    /// Text under the x axis.
    public var xLabel: String
    /// Text beside the y axis.
    public var yLabel: String
    /// A log₁₀ y axis.
    public var yLog: Bool
    /// The series, drawn in order.
    public var series: [Series] = []
    /// Shaded rectangles drawn under the series.
    public var regions: [Region] = []
    /// Legend entries for the regions (name, colour), listed after the series.
    public var regionLegend: [(name: String, color: String)] = []
    /// Fixed axis ranges; nil fits the data.
    public var xRange: ClosedRange<Double>? = nil
    public var yRange: ClosedRange<Double>? = nil
    /// Size of the SVG in pixels.
    public var width = 760.0, height = 470.0

    /// An empty chart; add series with ``add(_:)``.
    ///
    /// ```swift
    /// var plot = LinePlot(title: "f and f′", xLabel: "x", yLabel: "value")
    /// plot.xRange = -3...3            // fixed axes; points outside are counted, not drawn
    /// ```
    public init(title: String, xLabel: String, yLabel: String, yLog: Bool = false) {
        self.title = title; self.xLabel = xLabel; self.yLabel = yLabel; self.yLog = yLog
    }

    /// Appends a series (drawn after, so above, the earlier ones).
    ///
    /// ```swift
    /// plot.add(LinePlot.Series(name: "sin", points: stride(from: -3.0, through: 3, by: 0.1).map { ($0, sin($0)) }))
    /// ```
    public mutating func add(_ s: Series) { series.append(s) }

    static let palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"]

    /// The chart as an SVG 1.1 document. Every series is a `<g class="series" data-name="…">`, so
    /// a test can find them by name.
    public func svg() -> String {
        let left = 80.0, right = 190.0, top = 52.0, bottom = 58.0
        let plotW = width - left - right, plotH = height - top - bottom
        func ty(_ y: Double) -> Double? { yLog ? (y > 0 && y.isFinite ? Double.log10(y) : nil) : (y.isFinite ? y : nil) }
        var dropped = 0
        let shown: [[(Double, Double)]] = series.map { s in
            s.points.compactMap { p in
                guard p.x.isFinite, let y = ty(p.y) else { dropped += 1; return nil }
                return (p.x, y)
            }
        }
        let all = shown.flatMap { $0 }
        var xs = all.map(\.0), ys = all.map(\.1)
        if xRange == nil { xs += regions.flatMap { [$0.x0, $0.x1] } }
        if yRange == nil && !yLog { ys += regions.flatMap { [$0.y0, $0.y1] } }
        var (x0, x1) = Self.axisEnds(fixed: xRange.map { r in (r.lowerBound.isFinite ? r.lowerBound : nil, r.upperBound.isFinite ? r.upperBound : nil) },
                                     data: xs)
        var (y0, y1) = Self.axisEnds(fixed: yRange.map { r in (ty(r.lowerBound), ty(r.upperBound)) }, data: ys)
        if x1 <= x0 { x1 = x0 + 1 }
        if yLog { y0 = y0.rounded(.down); y1 = y1.rounded(.up) }
        if y1 <= y0 { y1 = y0 + 1 }
        let xTicks = Self.niceTicks(x0, x1)
        let yTicks = yLog ? Array(stride(from: y0, through: y1, by: Swift.max(1, ((y1 - y0) / 8).rounded(.up)))) : Self.niceTicks(y0, y1)
        if xRange == nil, let a = xTicks.first, let b = xTicks.last { x0 = Swift.min(x0, a); x1 = Swift.max(x1, b) }
        if !yLog, yRange == nil, let a = yTicks.first, let b = yTicks.last { y0 = Swift.min(y0, a); y1 = Swift.max(y1, b) }
        // Halves first: x − x0 overflows for data spanning ±1e308, halving is exact.
        func px(_ x: Double) -> Double { left + (x / 2 - x0 / 2) / (x1 / 2 - x0 / 2) * plotW }
        func py(_ y: Double) -> Double { top + plotH - (y / 2 - y0 / 2) / (y1 / 2 - y0 / 2) * plotH }
        // Points are drawn inside the frame plus a marker's radius; the rest are counted, and a
        // line to one is cut where it leaves (not clamped, which would bend it).
        let frame = ClipFrame(x0: left - 6, y0: top - 6, x1: left + plotW + 6, y1: top + plotH + 6)
        let pixels: [[(Double, Double)]] = shown.map { $0.map { (px($0.0), py($0.1)) } }
        let outside = pixels.joined().filter { !frame.contains($0) }.count

        var s = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        s += "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"\(n(width))\" height=\"\(n(height))\" "
        s += "viewBox=\"0 0 \(n(width)) \(n(height))\" font-family=\"sans-serif\" font-size=\"12\">\n"
        s += "<title>\(SVGText.escaped(title))</title>\n"
        s += "<rect x=\"0\" y=\"0\" width=\"\(n(width))\" height=\"\(n(height))\" fill=\"white\"/>\n"
        s += "<text x=\"\(n(left + plotW / 2))\" y=\"24\" text-anchor=\"middle\" font-size=\"15\">\(SVGText.escaped(title))</text>\n"
        if dropped > 0 || outside > 0 {
            var notes: [String] = []
            if dropped > 0 { notes.append("\(dropped) point\(dropped == 1 ? "" : "s") not shown (\(yLog ? "zero, negative or not finite on a log axis" : "not finite"))") }
            if outside > 0 { notes.append("\(outside) point\(outside == 1 ? "" : "s") outside the axis range not shown (lines cut at the frame)") }
            s += "<text id=\"dropped-note\" x=\"\(n(left + plotW / 2))\" y=\"40\" text-anchor=\"middle\" font-size=\"11\" fill=\"#b00\">"
            s += notes.joined(separator: "; ") + "</text>\n"
        }
        s += "<g id=\"regions\" stroke=\"none\" shape-rendering=\"crispEdges\">\n"
        for r in regions {
            let a = px(Swift.max(r.x0, x0)), b = px(Swift.min(r.x1, x1))
            let c = py(Swift.min(r.y1, y1)), d = py(Swift.max(r.y0, y0))
            guard b > a, d > c else { continue }
            s += "<rect x=\"\(n(a))\" y=\"\(n(c))\" width=\"\(n(b - a))\" height=\"\(n(d - c))\" fill=\"\(r.color)\"/>\n"
        }
        s += "</g>\n<g id=\"grid\" stroke=\"#e0e0e0\" stroke-width=\"1\">\n"
        for t in xTicks where t >= x0 && t <= x1 { s += "<line x1=\"\(n(px(t)))\" y1=\"\(n(top))\" x2=\"\(n(px(t)))\" y2=\"\(n(top + plotH))\"/>\n" }
        for t in yTicks where t >= y0 && t <= y1 { s += "<line x1=\"\(n(left))\" y1=\"\(n(py(t)))\" x2=\"\(n(left + plotW))\" y2=\"\(n(py(t)))\"/>\n" }
        s += "</g>\n<g id=\"axes\" stroke=\"black\" stroke-width=\"1.2\" fill=\"none\">\n"
        s += "<rect x=\"\(n(left))\" y=\"\(n(top))\" width=\"\(n(plotW))\" height=\"\(n(plotH))\"/>\n</g>\n"
        s += "<g id=\"x-ticks\" text-anchor=\"middle\">\n"
        let xLabels = Self.labels(xTicks), yLabels = Self.labels(yTicks)
        for (t, text) in zip(xTicks, xLabels) where t >= x0 && t <= x1 {
            s += "<text x=\"\(n(px(t)))\" y=\"\(n(top + plotH + 17))\">\(text)</text>\n"
        }
        s += "</g>\n<g id=\"y-ticks\" text-anchor=\"end\">\n"
        for (t, text) in zip(yTicks, yLabels) where t >= y0 && t <= y1 {
            if yLog {
                s += "<text x=\"\(n(left - 6))\" y=\"\(n(py(t) + 4))\">10<tspan dy=\"-6\" font-size=\"9\">\(Int(t))</tspan></text>\n"
            } else {
                s += "<text x=\"\(n(left - 6))\" y=\"\(n(py(t) + 4))\">\(text)</text>\n"
            }
        }
        s += "</g>\n"
        s += "<text id=\"x-label\" x=\"\(n(left + plotW / 2))\" y=\"\(n(height - 16))\" text-anchor=\"middle\">\(SVGText.escaped(xLabel))</text>\n"
        s += "<text id=\"y-label\" transform=\"translate(20 \(n(top + plotH / 2))) rotate(-90)\" text-anchor=\"middle\">"
        s += "\(SVGText.escaped(yLabel + (yLog ? " (log scale)" : "")))</text>\n"
        s += "<svg x=\"\(n(left))\" y=\"\(n(top))\" width=\"\(n(plotW))\" height=\"\(n(plotH))\" viewBox=\"\(n(left)) \(n(top)) \(n(plotW)) \(n(plotH))\" overflow=\"hidden\">\n"
        var colors: [String] = []
        for (i, se) in series.enumerated() {
            let color = se.color ?? Self.palette[i % Self.palette.count]
            colors.append(color)
            s += "<g class=\"series\" data-name=\"\(SVGText.escaped(se.name))\">\n"
            let pts = pixels[i]
            if se.line && pts.count > 1 {
                for run in frame.clippedRuns(pts) {
                    s += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\""
                    s += se.dash.map { " stroke-dasharray=\"\($0)\"" } ?? ""
                    s += " points=\"" + run.map { "\(n($0.0)),\(n($0.1))" }.joined(separator: " ") + "\"/>\n"
                }
            }
            if se.markers {
                for p in pts where frame.contains(p) {
                    s += "<circle cx=\"\(n(p.0))\" cy=\"\(n(p.1))\" r=\"5\" fill=\"\(color)\" stroke=\"black\" stroke-width=\"1\"/>\n"
                }
            }
            s += "</g>\n"
        }
        s += "</svg>\n"
        let lx = left + plotW + 16
        let entries = series.count + regionLegend.count
        s += "<g id=\"legend\">\n<rect x=\"\(n(lx - 6))\" y=\"\(n(top))\" width=\"\(n(right - 22))\" height=\"\(n(Double(entries) * 20 + 12))\" fill=\"white\" stroke=\"#999999\"/>\n"
        for (i, se) in series.enumerated() {
            let y = top + 20 + Double(i) * 20
            if se.line {
                s += "<line x1=\"\(n(lx))\" y1=\"\(n(y - 4))\" x2=\"\(n(lx + 24))\" y2=\"\(n(y - 4))\" stroke=\"\(colors[i])\" stroke-width=\"2\""
                s += se.dash.map { " stroke-dasharray=\"\($0)\"" } ?? ""
                s += "/>\n"
            }
            if se.markers { s += "<circle cx=\"\(n(lx + 12))\" cy=\"\(n(y - 4))\" r=\"5\" fill=\"\(colors[i])\" stroke=\"black\" stroke-width=\"1\"/>\n" }
            s += "<text x=\"\(n(lx + 32))\" y=\"\(n(y))\">\(SVGText.escaped(se.name))</text>\n"
        }
        for (k, r) in regionLegend.enumerated() {
            let y = top + 20 + Double(series.count + k) * 20
            s += "<rect x=\"\(n(lx))\" y=\"\(n(y - 11))\" width=\"24\" height=\"12\" fill=\"\(r.color)\" stroke=\"#999999\"/>\n"
            s += "<text x=\"\(n(lx + 32))\" y=\"\(n(y))\">\(SVGText.escaped(r.name))</text>\n"
        }
        s += "</g>\n</svg>\n"
        return s
    }

    /// The ends of an axis, in axis units, from its fixed range (nil: none; a nil bound: one the
    /// axis cannot show, ≤ 0 on a log axis or ±∞) and the data. A bound the axis cannot show is
    /// fitted to the data, on its own side of the other bound: dropped, it left the other bound
    /// as both ends, and a log axis for 0…100 ran 10²…10³, hiding 1 and 10 and drawing 1000.
    static func axisEnds(fixed: (Double?, Double?)?, data: [Double]) -> (Double, Double) {
        let lo = data.min(), hi = data.max()
        switch fixed {
        case nil, (nil, nil)?: return (lo ?? 0, hi ?? 1)
        case let (a?, b?)?: return (a, b)
        // One unit (a decade on a log axis) beyond the fixed bound when the data lie beyond it.
        case let (a?, nil)?: return (a, Swift.max(hi ?? a + 1, a + 1))
        case let (nil, b?)?: return (Swift.min(lo ?? b - 1, b - 1), b)
        }
    }

    /// About six round ticks (steps of 1, 2 or 5 times a power of ten) covering [lo, hi].
    package static func niceTicks(_ lo: Double, _ hi: Double) -> [Double] {
        // Sixths first: hi − lo overflows for data spanning ±1e308, which left the axis unticked.
        let raw = hi / 6 - lo / 6
        let mag = Double.pow(10, Double.log10(raw).rounded(.down))
        let step = [1.0, 2, 5, 10].map { $0 * mag }.first { $0 >= raw } ?? 10 * mag
        let first = (lo / step).rounded(.down) * step
        var ticks: [Double] = []
        var t = first
        while t <= hi + step * 1e-9 && ticks.count < 50 { ticks.append((t / step).rounded() * step); t += step }
        if let last = ticks.last, last < hi - step * 1e-9 { ticks.append(last + step) }
        return ticks
    }

    /// Labels of evenly spaced ticks, with as many digits as their spacing needs and no more, so
    /// that no two ticks read alike: six fixed decimals labelled every tick of a range of 1e-15
    /// "1.0", and ±1e308 overflowed to "inf". Scientific notation when the largest tick is
    /// ≥ 10¹⁵ or below 10⁻⁴.
    package static func labels(_ ticks: [Double]) -> [String] {
        let step = zip(ticks, ticks.dropFirst()).map { $1 / 2 - $0 / 2 }.min().map { 2 * $0 } ?? 1
        // The spacing's decimal exponent: 1, 2 and 5 × 10ᵏ all need k, no more.
        let k = step > 0 && step.isFinite ? Int(Double.log10(step).rounded(.down)) : 0
        let largest = ticks.map { Swift.abs($0) }.max() ?? 0
        let scientific = largest >= 1e15 || largest < 1e-4
        let plain = ticks.map { v -> String in
            guard v != 0 else { return "0" }
            guard v.isFinite else { return "\(v)" }
            guard scientific else { return decimal(v, exponent: k) }
            let e = Int(Double.log10(Swift.abs(v)).rounded(.down))
            return decimal(v / Double.pow(10, Double(e)), exponent: Swift.min(0, k - e)) + "e\(e)"
        }
        // Ticks close together far from 0 (1 + 2·10⁻¹⁶, …) need labels wider than the margin:
        // the first tick, then each one's offset from it. Offsets of nearby doubles are exact.
        guard let first = ticks.first, ticks.count > 1, plain.contains(where: { $0.count > maximumLabelLength }),
              ticks.allSatisfy(\.isFinite), Swift.abs(first) / step >= 1e4 else { return plain }
        let offsets = labels(ticks.map { $0 - first })
        return [plain[0]] + offsets.dropFirst().map { $0.hasPrefix("-") ? $0 : "+" + $0 }
    }

    /// Characters a tick label may take before ``labels(_:)`` labels offsets instead: about what
    /// the 80-pixel margin left of the y axis holds at 12 px.
    static let maximumLabelLength = 10

    /// v rounded to a multiple of 10^exponent, in positional notation without trailing zeros;
    /// beyond 15 digits, Swift's shortest representation (which tells any two doubles apart).
    static func decimal(_ v: Double, exponent: Int) -> String {
        let places = Swift.max(0, -exponent)
        let q = (Swift.abs(v) * Double.pow(10, Double(places))).rounded()
        guard q < 9e15 else { let t = "\(v)"; return t.hasSuffix(".0") ? String(t.dropLast(2)) : t }
        var digits = String(Int(q))
        if places > 0 {
            digits = String(repeating: "0", count: Swift.max(0, places + 1 - digits.count)) + digits
            let cut = digits.index(digits.endIndex, offsetBy: -places)
            var fraction = digits[cut...]
            while fraction.last == "0" { fraction = fraction.dropLast() }
            digits = String(digits[..<cut]) + (fraction.isEmpty ? "" : "." + fraction)
        }
        return (v < 0 && q != 0 ? "-" : "") + digits
    }

    /// A pixel coordinate with one decimal. Drawn coordinates lie within the clip frame; the
    /// guard keeps a coordinate that does not (a tick of a degenerate range) from trapping Int(_:).
    private func n(_ v: Double) -> String {
        guard v.isFinite else { return "0" }
        let r = (Swift.min(Swift.max(v, -1e9), 1e9) * 10).rounded() / 10
        return r == r.rounded() ? String(Int(r)) : "\(r)"
    }
}

/// The pixel rectangle lines are cut to (Liang–Barsky segment clipping).
struct ClipFrame {
    let x0: Double, y0: Double, x1: Double, y1: Double

    func contains(_ p: (Double, Double)) -> Bool { p.0 >= x0 && p.0 <= x1 && p.1 >= y0 && p.1 <= y1 }

    /// The part of segment a→b inside the frame, or nil when none is (or a coordinate is not finite).
    func clip(_ a: (Double, Double), _ b: (Double, Double)) -> ((Double, Double), (Double, Double))? {
        guard a.0.isFinite, a.1.isFinite, b.0.isFinite, b.1.isFinite else { return nil }
        let dx = b.0 - a.0, dy = b.1 - a.1
        var t0 = 0.0, t1 = 1.0
        for (p, q) in [(-dx, a.0 - x0), (dx, x1 - a.0), (-dy, a.1 - y0), (dy, y1 - a.1)] {
            if p == 0 {
                if q < 0 { return nil }
            } else {
                let r = q / p
                if p < 0 { if r > t1 { return nil }; t0 = Swift.max(t0, r) } else { if r < t0 { return nil }; t1 = Swift.min(t1, r) }
            }
        }
        // Endpoints inside are kept exactly, so consecutive pieces join without a gap.
        let start = t0 == 0 ? a : (a.0 + t0 * dx, a.1 + t0 * dy)
        let end = t1 == 1 ? b : (a.0 + t1 * dx, a.1 + t1 * dy)
        return (start, end)
    }

    /// The polyline through `points` cut to the frame: one run per stretch that stays inside.
    func clippedRuns(_ points: [(Double, Double)]) -> [[(Double, Double)]] {
        var runs: [[(Double, Double)]] = []
        var current: [(Double, Double)] = []
        for k in 1..<Swift.max(1, points.count) {
            guard let (a, b) = clip(points[k - 1], points[k]) else {
                if current.count > 1 { runs.append(current) }
                current = []
                continue
            }
            if let last = current.last, last == a { current.append(b) } else {
                if current.count > 1 { runs.append(current) }
                current = [a, b]
            }
        }
        if current.count > 1 { runs.append(current) }
        return runs
    }
}
