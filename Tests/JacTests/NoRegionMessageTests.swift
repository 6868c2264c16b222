import XCTest

/// `jac diff` without --at, where the comparison that decides changes side right beside the point
/// jac chose: the message says what decided (the comparison, true there and false beside it),
/// where (jac's point and the nearby one, each named by the variables, and how far apart), and
/// what to do (--at, with an example in --at's own syntax). It printed the nearby point as a bare
/// array inside the reason ("at [2.592384001202429]") and jac's point after it ("… a side whose
/// sign is rounding's at x = 2.592393890400314"), which read as one clause about one point.
final class NoRegionMessageTests: XCTestCase {
    /// The numbers in a "name = value" run of the message, by variable.
    func coordinates(after marker: String, in text: String, names: [String]) -> [Double]? {
        guard let start = text.range(of: marker)?.upperBound else { return nil }
        var rest = text[start...]
        var out: [Double] = []
        for name in names {
            guard let r = rest.range(of: "\(name) = ") else { return nil }
            let digits = rest[r.upperBound...].prefix { "0123456789.-e+".contains($0) }
            guard let v = Double(String(digits.hasSuffix(".") ? digits.dropLast() : digits)) else { return nil }
            out.append(v)
            rest = rest[r.upperBound...]
        }
        return out
    }

    func testTheMessageNamesTheComparisonBothPointsAndWhatToPass() throws {
        for (formula, names) in [("relu(sin(1000000*x))", ["x"]), ("x*relu(sin(1000000*y))", ["x", "y"])] {
            let r = try JacRunner.run(["diff", formula])
            XCTAssertEqual(r.status, 2, r.stderr)
            let text = r.stderr
            XCTAssertTrue(text.contains("jac decided them at a point of its own choosing, "), text)
            let comparison = names.count == 1 ? "0 < sin(1000000*x)" : "0 < sin(1000000*y)"
            XCTAssertTrue(text.contains("the comparison \(comparison) is true at the point but false at the nearby point"), text)
            let point = try XCTUnwrap(coordinates(after: "of its own choosing, ", in: text, names: names), text)
            let nearby = try XCTUnwrap(coordinates(after: "the nearby point is ", in: text, names: names), text)
            XCTAssertNotEqual(point, nearby, text)
            // By hand: the decisions are asked again within 2⁻¹⁷ (relative) of the point, at
            // fractions 1, 1/2, 1/4, 1/8 of it, so the nearby point is that close and no closer
            // than 2⁻²⁰.
            let apart = zip(point, nearby).map { abs($1 - $0) / max(1, abs($0)) }.max() ?? 0
            XCTAssertLessThanOrEqual(apart, 0x1p-17 * (1 + 1e-9), text)
            XCTAssertGreaterThanOrEqual(apart, 0x1p-20 * (1 - 1e-9), text)
            XCTAssertTrue(text.contains("(relative) away"), text)
            // The example is --at's own syntax, and taking it gives a derivative.
            let example = zip(names, point).map { "\($0)=\($1)" }.joined(separator: ",")
            XCTAssertTrue(text.contains("pass --at to choose the point, and with it the branch (for example --at \(example))"), text)
            XCTAssertFalse(text.contains("["), "no bare array of coordinates: \(text)")
            XCTAssertEqual(try JacRunner.run(["diff", formula, "--at", example]).status, 0)
        }
    }
}
