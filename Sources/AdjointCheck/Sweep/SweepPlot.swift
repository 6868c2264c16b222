import AdjointCore
import RealModule

/// How the sweep plot picks its error axis.
///
/// ```swift
/// SweepPlotTuning.clipDecades   // 3
/// ```
public enum SweepPlotTuning {
    /// Errors more than this many decades above the useful level (the largest error inside a
    /// fitted range, or |f′| when that is larger: an error of 100% of the derivative) are drawn
    /// as clipped markers at the top. Complex step on sin(1000x) at h = 0.1 reaches 1e44; drawn
    /// to scale, it squeezes every informative curve into the bottom fifth of the plot.
    public static let clipDecades = 3.0
    /// Room, in decades, kept between the data and the frame, so no line runs along a border.
    public static let margin = 0.3
}

/// The axis ranges of a sweep plot, in log₁₀ units, and where errors are clipped.
struct SweepPlotAxes: Equatable {
    var xMin: Double, xMax: Double
    var yMin: Double, yMax: Double
    /// Errors above 10^clip are drawn as markers in a band above the clip line; nil when nothing
    /// is clipped (yMax is then the top of the frame; with clipping, clip is).
    var clip: Double?
}

extension StepSweep {
    /// Axis ranges: whole decades with at least ``SweepPlotTuning/margin`` decades between the
    /// data and the frame, errors clipped ``SweepPlotTuning/clipDecades`` above the useful level.
    var plotAxes: SweepPlotAxes {
        let usable = series.flatMap { s in s.points.filter { $0.error.isFinite && $0.error > 0 && $0.h > 0 } }
        let hs = usable.map { Double.log10($0.h) }, es = usable.map { Double.log10($0.error) }
        let margin = SweepPlotTuning.margin
        let xMin = ((hs.min() ?? -16) - margin).rounded(.down)
        let xMax = Swift.max(((hs.max() ?? -1) + margin).rounded(.up), xMin + 1)
        let lowest = es.min() ?? -16, highest = es.max() ?? 0
        var useful = series.flatMap { s in
            s.points.filter { p in s.fitSteps.contains(p.h) && p.error.isFinite && p.error > 0 }.map(\.error)
        }
        if reference.isFinite && reference != 0 { useful.append(Swift.abs(reference)) }
        var clip: Double? = nil
        if let level = useful.max() {
            let c = (Double.log10(level) + SweepPlotTuning.clipDecades).rounded(.up)
            if highest > c + margin { clip = c }
        }
        var yMax = clip ?? (highest + margin).rounded(.up)
        let yMin = Swift.max((lowest - margin).rounded(.down), -40)
        if yMax <= yMin { yMax = yMin + 1 }
        return SweepPlotAxes(xMin: xMin, xMax: xMax, yMin: yMin, yMax: yMax, clip: clip)
    }

    /// The sweep as a standalone SVG: log–log axes (step h against absolute error), one polyline
    /// per method with its fitted slope and the steps it was fitted over in the legend (drawn as
    /// a wide pale band under the line), labelled axes and decade ticks (labels thinned to at
    /// most eight per axis). Written by hand so `jac sweep --plot` needs no external tool.
    ///
    /// What cannot be drawn to scale is said, not hidden: zero errors (no logarithm) are open
    /// markers on the bottom edge, counted in the legend; errors far above the useful level (see
    /// ``SweepPlotTuning``) are triangles above a dashed clip line, counted in a note; NaN or
    /// infinite errors are counted in a note; a method without an estimate says so in the legend.
    ///
    /// ```swift
    /// try stepSweep(of: ExpSin(), at: [0.7]).renderSVG().write(toFile: "sweep.svg", atomically: true, encoding: .utf8)
    /// ```
    public func renderSVG(width: Int = 820, height: Int = 470) -> String {
        let w = Double(width), h = Double(height)
        let axes = plotAxes
        let (xMin, xMax, yMin, yMax) = (axes.xMin, axes.xMax, axes.yMin, axes.yMax)
        var notes: [String] = []
        if !kinks.isEmpty {
            notes.append("kink touched (" + kinks.map(\.description).joined(separator: "; ")
                         + "): errors show the jump between one-sided derivatives")
        }
        if referenceIsUnreliable {
            notes.append("the reference may be off f′ by " + (referenceRoundingBound.isFinite ? "up to \(stepLabel(referenceRoundingBound))" : "an unbounded amount")
                         + " (rounding inside f): errors within \(Int(SweepFitTuning.roundingMargin))× that are left out of the fits")
        }
        if kinkRoom > 0 && kinkRoom.isFinite {
            notes.append("a kink lies \(stepLabel(kinkRoom)) from \(inputName): steps whose samples reach past it are left out of the fits")
        }
        // The frame stops at 10⁻⁴⁰; below it a point is drawn on the bottom edge, where it looked
        // like an error of exactly 0 (x² at 5e-324: central's 1e-323 at every step, a review).
        let floor = Double.pow(10, yMin)
        let belowFloor = series.map { s in (s.method, s.points.filter { $0.error > 0 && $0.error < floor }.count) }.filter { $0.1 > 0 }
        if !belowFloor.isEmpty {
            notes.append("on the bottom edge, below \(stepLabel(floor)) (errors too small for the frame): "
                         + belowFloor.map { "\($0.0) \($0.1)" }.joined(separator: ", ") + " step\(belowFloor.count == 1 && belowFloor[0].1 == 1 ? "" : "s")")
        }
        let nonFinite = series.filter { $0.unavailable == nil }.map { ($0.method, $0.nonFiniteSteps.count) }.filter { $0.1 > 0 }
        if !nonFinite.isEmpty {
            notes.append("not drawn, NaN or infinite (a sample left f's domain or overflowed): "
                         + nonFinite.map { "\($0.0) \($0.1)" }.joined(separator: ", ") + " step\(nonFinite.count == 1 && nonFinite[0].1 == 1 ? "" : "s")")
        }
        let clipped = axes.clip.map { c in series.flatMap { $0.points }.filter { $0.error.isFinite && $0.error > 0 && Double.log10($0.error) > c } } ?? []
        if let c = axes.clip, let worst = clipped.map(\.error).max() {
            notes.append("\(clipped.count) error\(clipped.count == 1 ? "" : "s") above 1e\(Int(c)) (up to \(stepLabel(worst))) drawn as ▲ above the dashed line, not to scale")
        }
        let left = 78.0, right = 270.0, top = 40.0 + 13 * Double(notes.count), bottom = 58.0
        let plotW = w - left - right, plotH = h - top - bottom
        // Clipped errors sit in a band of fixed height above the clip line (yMax then).
        let band = axes.clip == nil ? 0.0 : 26
        func px(_ lh: Double) -> Double { left + (lh - xMin) / (xMax - xMin) * plotW }
        func py(_ le: Double) -> Double { top + band + (yMax - le) / (yMax - yMin) * (plotH - band) }
        // Where a point goes: its error to scale, clipped ones in the middle of the band, ones
        // below the floor on it.
        func yOf(_ error: Double) -> Double {
            let le = Double.log10(error)
            if let c = axes.clip, le > c { return top + band / 2 }
            return py(Swift.max(le, yMin))
        }
        func f(_ v: Double) -> String {
            let r = (v * 10).rounded() / 10
            return "\(r)"
        }
        let colors = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2"]
        var out: [String] = []
        out.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" font-family=\"sans-serif\" font-size=\"12\">")
        out.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>")
        let title = "Finite-difference error for ∂\(outputName)/∂\(inputName) (reference: \(referenceSource), \(scalarType))"
        out.append("<text x=\"\(f(w / 2))\" y=\"22\" text-anchor=\"middle\" font-size=\"14\">\(SVGText.escaped(title))</text>")
        for (k, note) in notes.enumerated() {
            out.append("<text x=\"\(f(w / 2))\" y=\"\(f(36 + 13 * Double(k)))\" text-anchor=\"middle\" font-size=\"11\" fill=\"#b00\">\(SVGText.escaped(note))</text>")
        }
        // Grid lines at every decade; labels thinned so that "1e-16" never touches its neighbour
        // (a label is about 30 px wide at this font size).
        var k = xMin
        let xStep = Swift.max(1, ((xMax - xMin) / 8).rounded(.up))
        while k <= xMax {
            let x = px(k)
            out.append("<line x1=\"\(f(x))\" y1=\"\(f(top))\" x2=\"\(f(x))\" y2=\"\(f(top + plotH))\" stroke=\"#e5e5e5\"/>")
            if Int(k - xMin) % Int(xStep) == 0 {
                out.append("<text x=\"\(f(x))\" y=\"\(f(top + plotH + 16))\" text-anchor=\"middle\" font-size=\"10\">1e\(Int(k))</text>")
            }
            k += 1
        }
        let yStep = Swift.max(1, ((yMax - yMin) / 12).rounded(.up))
        k = yMin
        while k <= yMax {
            let y = py(k)
            out.append("<line x1=\"\(f(left))\" y1=\"\(f(y))\" x2=\"\(f(left + plotW))\" y2=\"\(f(y))\" stroke=\"#e5e5e5\"/>")
            out.append("<text x=\"\(f(left - 6))\" y=\"\(f(y + 4))\" text-anchor=\"end\" font-size=\"10\">1e\(Int(k))</text>")
            k += yStep
        }
        if let c = axes.clip {
            out.append("<line class=\"clip\" x1=\"\(f(left))\" y1=\"\(f(py(c)))\" x2=\"\(f(left + plotW))\" y2=\"\(f(py(c)))\" stroke=\"#888\" stroke-dasharray=\"5 4\"/>")
            out.append("<text x=\"\(f(left - 6))\" y=\"\(f(top + band / 2 + 4))\" text-anchor=\"end\" font-size=\"10\">&gt;1e\(Int(c))</text>")
        }
        // Where errors stop measuring the method: the reference's own rounding bound, drawn as a
        // dotted line across the frame (when it lies inside it).
        if referenceIsUnreliable, referenceRoundingBound.isFinite, referenceRoundingBound > 0 {
            let lb = Double.log10(referenceRoundingBound)
            if lb >= yMin && lb <= (axes.clip ?? yMax) {
                out.append("<line class=\"reference-bound\" x1=\"\(f(left))\" y1=\"\(f(py(lb)))\" x2=\"\(f(left + plotW))\" y2=\"\(f(py(lb)))\" stroke=\"#b00\" stroke-dasharray=\"2 3\"/>")
                out.append("<text x=\"\(f(left + 4))\" y=\"\(f(py(lb) - 4))\" font-size=\"10\" fill=\"#b00\">reference's rounding bound</text>")
            }
        }
        out.append("<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(plotW))\" height=\"\(f(plotH))\" fill=\"none\" stroke=\"black\"/>")
        out.append("<text x=\"\(f(left + plotW / 2))\" y=\"\(f(h - 16))\" text-anchor=\"middle\">step h (log scale)</text>")
        out.append("<text transform=\"translate(18 \(f(top + plotH / 2))) rotate(-90)\" text-anchor=\"middle\">absolute error (log scale)</text>")
        // Fitted ranges first, as wide pale bands, so every method's line stays on top of them.
        for (idx, s) in series.enumerated() where s.fitSteps.count >= 2 {
            let pts = s.points.filter { s.fitSteps.contains($0.h) && $0.error.isFinite && $0.error > 0 }
                .map { "\(f(px(Double.log10($0.h)))),\(f(yOf($0.error)))" }
            out.append("<polyline class=\"fit\" fill=\"none\" stroke=\"\(colors[idx % colors.count])\" stroke-opacity=\"0.25\" stroke-width=\"9\" stroke-linecap=\"round\" points=\"\(pts.joined(separator: " "))\"/>")
        }
        // One line per method, markers at each point, legend with the fitted slope and range.
        var legendY = top + 14
        for (idx, s) in series.enumerated() {
            let color = colors[idx % colors.count]
            let shown = s.points.filter { $0.error.isFinite && $0.error > 0 && $0.h > 0 }
            let pts = shown.map { p in
                (x: px(Double.log10(p.h)), y: yOf(p.error), clipped: axes.clip.map { Double.log10(p.error) > $0 } ?? false)
            }
            if pts.count >= 2 {
                out.append("<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.6\" points=\"\(pts.map { "\(f($0.x)),\(f($0.y))" }.joined(separator: " "))\"/>")
            }
            for p in pts {
                if p.clipped {
                    out.append("<path class=\"clipped\" d=\"M\(f(p.x)) \(f(p.y - 4.5)) L\(f(p.x + 4)) \(f(p.y + 2.5)) L\(f(p.x - 4)) \(f(p.y + 2.5)) Z\" fill=\"\(color)\"/>")
                } else {
                    out.append("<circle cx=\"\(f(p.x))\" cy=\"\(f(p.y))\" r=\"2.2\" fill=\"\(color)\"/>")
                }
            }
            for p in s.points where p.error == 0 && p.h > 0 {
                out.append("<circle cx=\"\(f(px(Double.log10(p.h))))\" cy=\"\(f(top + plotH))\" r=\"3\" fill=\"white\" stroke=\"\(color)\"/>")
            }
            let ly = legendY
            let lx = left + plotW + 14
            out.append("<line x1=\"\(f(lx))\" y1=\"\(f(ly - 4))\" x2=\"\(f(lx + 22))\" y2=\"\(f(ly - 4))\" stroke=\"\(color)\" stroke-width=\"2\"/>")
            let slope: String, range: String?
            if s.unavailable != nil {
                (slope, range) = ("not available", nil)
            } else if let v = s.slope, let a = s.fitSteps.first, let b = s.fitSteps.last {
                // + 0.0 turns a slope of −0.0 (a flat line) into 0.0.
                (slope, range) = ("slope \(((v * 100).rounded() / 100) + 0.0)", "fitted over h = \(stepLabel(a)) … \(stepLabel(b))")
            } else {
                (slope, range) = ("no slope", "no asymptotic range")
            }
            out.append("<text x=\"\(f(lx + 28))\" y=\"\(f(ly))\">\(SVGText.escaped(s.method)) (\(slope))</text>")
            var line = ly
            if let range {
                line += 12
                out.append("<text x=\"\(f(lx + 28))\" y=\"\(f(line))\" font-size=\"10\" fill=\"#555\">\(SVGText.escaped(range))</text>")
            }
            if s.zeroErrorCount > 0 {
                let n = s.zeroErrorCount
                line += 12
                out.append("<text x=\"\(f(lx + 28))\" y=\"\(f(line))\" font-size=\"10\" fill=\"#555\">\(n) step\(n == 1 ? "" : "s") with error 0 (on the axis)</text>")
            }
            legendY = line + 26
        }
        out.append("</svg>")
        return out.joined(separator: "\n")
    }
}
