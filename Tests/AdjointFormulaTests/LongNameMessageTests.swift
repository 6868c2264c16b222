import XCTest
import AdjointCore
@testable import AdjointFormula

/// A generated formula can hold a 1 MB identifier or literal; its error must stay a readable line.
final class LongNameMessageTests: XCTestCase {
    private let long = String(repeating: "b", count: 1_000_000)

    func testAnUnknownLongNameIsQuotedByItsEndsAndLength() throws {
        let cases = ["f(x) = x + " + long, long + "(x)", "2" + long, "x " + long, "x " + String(repeating: "1", count: 1_000_000)]
        for source in cases {
            XCTAssertThrowsError(try Formula(parsing: source)) { error in
                guard let e = error as? FormulaError else { return XCTFail("\(error)") }
                // The message and the caret excerpt (a window of 40 characters each side).
                XCTAssertLessThan(e.rendered.count, 400, String(e.rendered.prefix(120)))
                XCTAssertTrue(e.message.contains("(1000000 characters)") || e.message.contains("(1000001 characters)"), e.message)
            }
        }
        XCTAssertThrowsError(try Formula(parsing: "x", variables: ["x", long, long])) { error in
            XCTAssertEqual("\(error)", "variable 'bbbbbbbbbbbbbbbbbbbb…bbbbbbbbbb (1000000 characters)' is listed twice")
        }
    }

    func testAListOfManyVariablesShowsItsEndsAndCount() {
        XCTAssertEqual(listedForMessage(["x", "y"]), "x, y")
        XCTAssertEqual(listedForMessage((0..<100).map { "x\($0)" }), "x0, x1, x2, x3, x4, x5, x6, x7, …, x99 (100 in all)")
        XCTAssertEqual(quotedForMessage(String(repeating: "1", count: 40)), String(repeating: "1", count: 40))
    }
}
