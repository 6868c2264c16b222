import AdjointComplexity
import XCTest

final class LinePlotTests: XCTestCase {
    func testSeriesLabelsAndLegendAreWritten() {
        var plot = LinePlot(title: "Loss & accuracy", xLabel: "epoch t", yLabel: "loss L")
        plot.add(LinePlot.Series(name: "adam", points: [(x: 0, y: 1), (x: 1, y: 0.5), (x: 2, y: 0.25)]))
        plot.add(LinePlot.Series(name: "gd <slow>", points: [(x: 0, y: 1), (x: 2, y: 0.8)], dash: "4,2"))
        let svg = plot.svg()
        XCTAssertTrue(svg.contains("<g class=\"series\" data-name=\"adam\">"))
        XCTAssertTrue(svg.contains("data-name=\"gd &lt;slow&gt;\""), "names are XML-escaped")
        XCTAssertTrue(svg.contains("<title>Loss &amp; accuracy</title>"))
        XCTAssertTrue(svg.contains(">epoch t</text>") && svg.contains(">loss L</text>"))
        XCTAssertTrue(svg.contains("stroke-dasharray=\"4,2\""))
        XCTAssertFalse(svg.contains("dropped-note"), "nothing is left off a linear axis")
        // The legend sits right of the plot area (x ≥ 760 − 190 + 16 − 6 = 580), so it covers no line.
        XCTAssertTrue(svg.contains("<g id=\"legend\">\n<rect x=\"580\""), svg)
    }

    func testPointsALogAxisCannotShowAreCountedInANote() {
        var plot = LinePlot(title: "t", xLabel: "x", yLabel: "error", yLog: true)
        plot.add(LinePlot.Series(name: "s", points: [(x: 1, y: 1e-3), (x: 2, y: 0), (x: 3, y: -1), (x: 4, y: .nan), (x: 5, y: 1e-1)]))
        let svg = plot.svg()
        XCTAssertTrue(svg.contains("3 points not shown (zero, negative or not finite on a log axis)"), svg)
        XCTAssertTrue(svg.contains("(log scale)"))
        // Decade ticks 10^-3 … 10^-1.
        XCTAssertTrue(svg.contains(">-3</tspan>") && svg.contains(">-1</tspan>"), svg)
    }

    func testNiceTicksAreRoundAndCoverTheRange() {
        XCTAssertEqual(LinePlot.niceTicks(0, 600), [0, 100, 200, 300, 400, 500, 600])
        XCTAssertEqual(LinePlot.niceTicks(-0.5, 1.5), [-0.5, 0, 0.5, 1, 1.5])
        XCTAssertEqual(LinePlot.niceTicks(-4, 4), [-4, -2, 0, 2, 4])
    }

    /// Audit C12: a point far outside a fixed range (x = 1e30 on 0…1) trapped converting its pixel
    /// coordinate to Int. It is now counted in the note and the line to it is cut at the frame.
    func testAPointFarOutsideTheRangeIsCountedAndItsLineCut() {
        var plot = LinePlot(title: "zoom", xLabel: "x", yLabel: "y")
        plot.add(LinePlot.Series(name: "s", points: [(x: 0.5, y: 1), (x: 1e30, y: 2)], markers: true))
        plot.xRange = 0...1
        plot.yRange = 0...2
        let svg = plot.svg()
        XCTAssertTrue(svg.contains("1 point outside the axis range not shown (lines cut at the frame)"), svg)
        // Plot area: x 80…570, y 52…412 (760 × 470 less the margins); the frame is 6 px wider.
        // (0.5, 1) is at (325, 232); the line to x = 1e30 rises 1 in 1e30, so it leaves the
        // frame at x = 576 still at y = 232.
        XCTAssertTrue(svg.contains("points=\"325,232 576,232\""), svg)
        XCTAssertEqual(svg.components(separatedBy: "<circle").count - 1, 2, "one marker in the plot, one in the legend")
    }

    /// A line cut at the frame keeps its slope: (0, 0) → (2, 2) over 0…1 × 0…1 maps to pixels
    /// (80, 412) → (1060, −308); the frame's right edge x = 576 is 496/980 of the way, where
    /// y = 412 − 720·496/980 = 47.59…, before the top edge (y = 46) is reached.
    func testACutLineKeepsItsSlope() {
        var plot = LinePlot(title: "cut", xLabel: "x", yLabel: "y")
        plot.add(LinePlot.Series(name: "d", points: [(x: 0, y: 0), (x: 2, y: 2)]))
        plot.xRange = 0...1
        plot.yRange = 0...1
        let svg = plot.svg()
        XCTAssertTrue(svg.contains("points=\"80,412 576,47.6\""), svg)
        XCTAssertTrue(svg.contains("1 point outside the axis range"), svg)
    }

    func testDataSpanningTheWholeDoubleRangeIsDrawn() {
        var plot = LinePlot(title: "wide", xLabel: "x", yLabel: "y")
        plot.add(LinePlot.Series(name: "s", points: [(x: -1e308, y: -1e308), (x: 1e308, y: 1e308)]))
        let svg = plot.svg()
        XCTAssertFalse(svg.contains("nan") || svg.contains("inf"), svg)
        XCTAssertFalse(svg.contains("dropped-note"), svg)
    }
}

extension LinePlotTests {
    /// A log axis cannot show the bound 0 of 0…100: it is fitted to the data (smallest y = 1, so
    /// 10⁰) and the axis runs 10⁰…10². It was dropped, the axis ran 10²…10³, 1 and 10 were
    /// hidden and 1000, outside the range, was drawn.
    func testANonPositiveBoundOfALogAxisIsFittedToTheData() {
        var plot = LinePlot(title: "log", xLabel: "x", yLabel: "y", yLog: true)
        plot.add(LinePlot.Series(name: "s", points: [(x: 1, y: 1), (x: 2, y: 10), (x: 3, y: 1000)], markers: true))
        plot.yRange = 0...100
        let svg = plot.svg()
        XCTAssertTrue(svg.contains(">0</tspan>") && svg.contains(">1</tspan>") && svg.contains(">2</tspan>"), svg)
        XCTAssertFalse(svg.contains(">3</tspan>"), svg)
        XCTAssertTrue(svg.contains("1 point outside the axis range not shown"), svg)
        // Two markers in the plot (1 and 10), one in the legend.
        XCTAssertEqual(svg.components(separatedBy: "<circle").count - 1, 3, svg)
        // Both bounds unshowable: the axis is the data's, as with no range.
        plot.yRange = -5...0
        XCTAssertTrue(plot.svg().contains(">3</tspan>") && !plot.svg().contains("outside the axis range"), plot.svg())
    }

    /// ±1e308: the tick spacing (hi − lo)/6 overflowed to ∞ and no tick was drawn.
    func testDataSpanningTheDoubleRangeGetsTicks() {
        XCTAssertEqual(LinePlot.niceTicks(-1e308, 1e308), [-1e308, -5e307, 0, 5e307, 1e308])
        XCTAssertEqual(LinePlot.labels([-1e308, -5e307, 0, 5e307, 1e308]), ["-1e308", "-5e307", "0", "5e307", "1e308"])
        var plot = LinePlot(title: "wide", xLabel: "x", yLabel: "y")
        plot.add(LinePlot.Series(name: "s", points: [(x: -1e308, y: -1e308), (x: 1e308, y: 1e308)]))
        XCTAssertTrue(plot.svg().contains(">5e307</text>"), plot.svg())
    }

    /// Ticks 2·10⁻¹⁶ apart were all labelled "1.0": labels carry the digits the spacing needs.
    func testTickLabelsTellTicksApart() {
        let ticks = LinePlot.niceTicks(1, 1 + 1e-15)
        XCTAssertGreaterThan(ticks.count, 3)
        let labels = LinePlot.labels(ticks)
        XCTAssertEqual(Set(labels).count, ticks.count, "\(labels)")
        // The first tick, then offsets from it (the spacing 2·10⁻¹⁶ by hand, rounded as labelled).
        XCTAssertEqual(labels.first, "1")
        XCTAssertEqual(labels.dropFirst().first, "+2e-16")
        XCTAssertTrue(labels.allSatisfy { $0.count <= 10 }, "\(labels)")
        // Round spacings keep round labels.
        XCTAssertEqual(LinePlot.labels([-0.5, 0, 0.5, 1, 1.5]), ["-0.5", "0", "0.5", "1", "1.5"])
        XCTAssertEqual(LinePlot.labels([0, 100, 200]), ["0", "100", "200"])
        XCTAssertEqual(LinePlot.labels([0, 2e-5, 4e-5]), ["0", "2e-5", "4e-5"])
    }
}
