import XCTest
import Foundation
import AdjointCore

/// Report strings as JSON literals, read back by Foundation's decoder (an independent parser).
final class JSONTextTests: XCTestCase {
    func testQuotedStringsDecodeToThemselves() throws {
        let cases = ["agree", "d f1/d y", "∂f/∂x₀ ≈ 0.5", "say \"hi\"", "back\\slash", "two\nlines\ttab\r",
                     "bell \u{07} and \u{01}", "", "emoji 🙂 and é"]
        for s in cases {
            let literal = JSONText.quoted(s)
            let data = Data("[\(literal)]".utf8)
            let decoded = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String], literal)
            XCTAssertEqual(decoded, [s], literal)
        }
        // Plain strings take the fast path and come out as themselves in quotes.
        XCTAssertEqual(JSONText.quoted("rule-wrong"), "\"rule-wrong\"")
        XCTAssertEqual(JSONText.quoted("a\u{01}"), "\"a\\u0001\"")
    }
}
