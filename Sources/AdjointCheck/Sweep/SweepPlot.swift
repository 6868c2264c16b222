import AdjointCore
import RealModule

extension StepSweep {
    /// The sweep as a standalone SVG: log–log axes (step h against absolute error), one polyline
    /// per method with its fitted slope in the legend, labelled axes and decade ticks (labels
    /// thinned to at most eight per axis). Written by hand so `jac sweep --plot` needs no external
    /// tool. Zero errors have no logarithm: they are drawn as open markers on the bottom edge and
    /// counted in the legend; a method that gave no estimate says so in the legend.
    ///
    /// ```swift
    /// try stepSweep(of: ExpSin(), at: [0.7]).renderSVG().write(toFile: "sweep.svg", …)
    /// ```
    public func renderSVG(width: Int = 820, height: Int = 470) -> String {
        let w = Double(width), h = Double(height)
        let left = 78.0, right = 270.0, top = kinks.isEmpty ? 40.0 : 52.0, bottom = 58.0
        let plotW = w - left - right, plotH = h - top - bottom
        let usable = series.flatMap { s in s.points.filter { $0.error.isFinite && $0.error > 0 && $0.h > 0 } }
        let hs = usable.map { Double.log10($0.h) }, es = usable.map { Double.log10($0.error) }
        let xMin = (hs.min() ?? -16).rounded(.down)
        let xMax = Swift.max((hs.max() ?? -1).rounded(.up), xMin + 1)
        var yMin = (es.min() ?? -16).rounded(.down), yMax = (es.max() ?? 0).rounded(.up)
        if yMax <= yMin { yMax = yMin + 1 }
        yMin = Swift.max(yMin, -40)
        func px(_ lh: Double) -> Double { left + (lh - xMin) / Swift.max(xMax - xMin, 1) * plotW }
        func py(_ le: Double) -> Double { top + (yMax - le) / Swift.max(yMax - yMin, 1) * plotH }
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
        if !kinks.isEmpty {
            let note = "kink touched (" + kinks.map(\.description).joined(separator: "; ")
                + "): errors show the jump between one-sided derivatives"
            out.append("<text x=\"\(f(w / 2))\" y=\"36\" text-anchor=\"middle\" font-size=\"11\" fill=\"#b00\">\(SVGText.escaped(note))</text>")
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
        out.append("<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(plotW))\" height=\"\(f(plotH))\" fill=\"none\" stroke=\"black\"/>")
        out.append("<text x=\"\(f(left + plotW / 2))\" y=\"\(f(h - 16))\" text-anchor=\"middle\">step h (log scale)</text>")
        out.append("<text transform=\"translate(18 \(f(top + plotH / 2))) rotate(-90)\" text-anchor=\"middle\">absolute error (log scale)</text>")
        // One line per method, markers at each point, legend with the fitted slope.
        for (idx, s) in series.enumerated() {
            let color = colors[idx % colors.count]
            let pts = s.points.filter { $0.error.isFinite && $0.error > 0 && $0.h > 0 }
                .map { "\(f(px(Double.log10($0.h)))),\(f(py(Swift.max(Double.log10($0.error), yMin))))" }
            if pts.count >= 2 {
                out.append("<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.6\" points=\"\(pts.joined(separator: " "))\"/>")
            }
            for p in pts {
                let c = p.split(separator: ",")
                out.append("<circle cx=\"\(c[0])\" cy=\"\(c[1])\" r=\"2.2\" fill=\"\(color)\"/>")
            }
            for p in s.points where p.error == 0 && p.h > 0 {
                out.append("<circle cx=\"\(f(px(Double.log10(p.h))))\" cy=\"\(f(top + plotH))\" r=\"3\" fill=\"white\" stroke=\"\(color)\"/>")
            }
            let ly = top + 14 + Double(idx) * 28
            let lx = left + plotW + 14
            out.append("<line x1=\"\(f(lx))\" y1=\"\(f(ly - 4))\" x2=\"\(f(lx + 22))\" y2=\"\(f(ly - 4))\" stroke=\"\(color)\" stroke-width=\"2\"/>")
            // + 0.0 turns a slope of −0.0 (a flat line) into 0.0.
            let slope = s.unavailable != nil ? "not available" : s.slope.map { "slope \((($0 * 100).rounded() / 100) + 0.0)" } ?? "no fit"
            out.append("<text x=\"\(f(lx + 28))\" y=\"\(f(ly))\">\(SVGText.escaped(s.method)) (\(slope))</text>")
            if s.zeroErrorCount > 0 {
                let n = s.zeroErrorCount
                out.append("<text x=\"\(f(lx + 28))\" y=\"\(f(ly + 12))\" font-size=\"10\" fill=\"#555\">\(n) step\(n == 1 ? "" : "s") with error 0 (on the axis)</text>")
            }
        }
        out.append("</svg>")
        return out.joined(separator: "\n")
    }
}
