import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest

/// The plots committed next to the notebooks (the runner regenerates them and fails when they
/// drift): each must be well-formed XML and carry the series the notebook's prose talks about.
final class NotebookPlotTests: XCTestCase {
    final class Collector: NSObject, XMLParserDelegate {
        var seriesNames: [String] = []
        var ids: Set<String> = []
        var root: String?
        var errors: [String] = []
        var depth = 0
        func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) { errors.append("\(parseError)") }
        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) { depth -= 1 }
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?,
                    qualifiedName: String?, attributes: [String: String]) {
            if root == nil { root = name }
            depth += 1
            if attributes["class"] == "series", let n = attributes["data-name"] { seriesNames.append(n) }
            if let id = attributes["id"] { ids.insert(id) }
        }
    }

    /// Parses `data`; nil when it is not well-formed (a parse error, or elements left open).
    static func wellFormed(_ data: Data) -> Collector? {
        let parser = XMLParser(data: data)
        let c = Collector()
        parser.delegate = c
        let ok = parser.parse()
        return ok && c.errors.isEmpty && c.depth == 0 && c.root != nil ? c : nil
    }

    /// Parses a committed plot; `ids` are the element ids it must have (LinePlot and the complexity
    /// sweep name their axes, ticks and legend; the step sweep's plot names none).
    func parse(_ file: String, ids: Set<String> = ["x-label", "y-label", "legend", "x-ticks", "y-ticks"]) throws -> Collector {
        let url = NotebookRunnerTests.root.appendingPathComponent("notebooks-md/" + file)
        guard let c = Self.wellFormed(try Data(contentsOf: url)) else {
            XCTFail("\(file) is not well-formed XML")
            return Collector()
        }
        XCTAssertEqual(c.root, "svg", file)
        XCTAssertTrue(c.ids.isSuperset(of: ids), "\(file): \(c.ids)")
        return c
    }

    func testXORLossCurvesHaveEveryOptimizer() throws {
        let c = try parse("06-xor-loss.svg")
        XCTAssertEqual(c.seriesNames, ["gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "sgd (batch 2)"])
    }

    func testXORBoundaryHasBothClasses() throws {
        let c = try parse("06-xor-boundary.svg")
        XCTAssertEqual(c.seriesNames, ["y = 1", "y = 0"])
        XCTAssertTrue(c.ids.contains("regions"))
    }

    func testActivationPlotsHaveEveryActivation() throws {
        let names = ["sigmoid", "tanh", "relu", "leaky_relu", "elu", "swish", "gelu", "softplus", "maxout"]
        XCTAssertEqual(try parse("07-activations.svg").seriesNames, names)
        XCTAssertEqual(try parse("07-activation-derivatives.svg").seriesNames, names)
    }

    func testEverySVGNextToTheNotebooksIsWellFormed() throws {
        let dir = NotebookRunnerTests.root.appendingPathComponent("notebooks-md")
        let svgs = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".svg") }
        XCTAssertFalse(svgs.isEmpty)
        for file in svgs { _ = try parse(file, ids: []) }
    }

    func testNoNotebookPlotDropsPointsOutsideItsAxes() throws {
        // A LinePlot whose fixed range cuts data off says so in red above the frame ("N points
        // outside the axis range not shown"); a showcase plot must choose ranges that show every
        // point the prose talks about (07-activations.svg cut maxout and softplus off at y = 4).
        let dir = NotebookRunnerTests.root.appendingPathComponent("notebooks-md")
        let svgs = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".svg") }
        for file in svgs {
            XCTAssertFalse(try parse(file, ids: []).ids.contains("dropped-note"), "\(file) drops points outside its axes")
        }
    }

    func testAMalformedSVGIsCaught() throws {
        // The check above can fail: mismatched, unclosed and truncated documents are rejected.
        XCTAssertNil(Self.wellFormed(Data("<svg><g></svg>".utf8)))
        XCTAssertNil(Self.wellFormed(Data("<svg><g></g>".utf8)))
        XCTAssertNil(Self.wellFormed(Data("<svg><text>a & b</text></svg>".utf8)))
        XCTAssertNotNil(Self.wellFormed(Data("<svg><g></g></svg>".utf8)))
    }
}
