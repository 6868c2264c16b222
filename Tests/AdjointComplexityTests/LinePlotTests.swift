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
}
