import AdjointCore
@testable import AdjointSymbolic
import XCTest

/// Newton's iteration for √a with a data-dependent stop and no iteration cap, as a researcher
/// writes it.
private struct NewtonSqrt: ADFunction {
    func callAsFunction<T: ADScalar>(_ a: [T]) -> [T] {
        var x: T = a[0]
        var delta: T = 1
        while abs(delta) > T(1e-12) {
            let next: T = 0.5 * (x + a[0] / x)
            delta = next - x
            x = next
        }
        return [x]
    }
}

final class SymbolicLoopAndPrintTests: XCTestCase {
    /// Found by a user trial: without a point the loop's test is taken as true on every pass, the
    /// graph grew to its limit (187 s in a debug build at the default 2²² nodes) and the error
    /// named only the limit. It now names the comparison and asks for a point; with one, the
    /// loop ends.
    func testALoopOnAnUnboundComparisonNamesTheComparison() throws {
        XCTAssertThrowsError(try ExpressionGraph.withMaximumNodeCount(5_000) { try SymbolicDifferentiation.jacobian(of: NewtonSqrt(), inputs: 1) }) { error in
            guard case .limitExceeded(let what, _)? = error as? ADError else { return XCTFail("\(error)") }
            XCTAssertTrue(what.hasPrefix("nodes built by one symbolic derivation (in a graph of its own, freed when the derivation ends; comparisons were decided without a point"), what)
            XCTAssertTrue(what.contains("taken as true"), what)
            XCTAssertTrue(what.contains("pass the point with at:"), what)
        }
        // With the point the loop ends; d√a/da = 1/(2√a) = 0.25 at 4 (by hand).
        let d = try SymbolicDifferentiation.jacobian(of: NewtonSqrt(), inputs: 1, at: [4])
        let value = try ExpressionGraph.shared.evaluate([d.jacobian[0][0].id], at: [4.0])[0]
        XCTAssertEqual(value, 0.25, accuracy: 1e-15)
    }

    /// Found by a user trial: `print` of an RK4 loop's derivative wrote the expanded tree up to the
    /// printer's 64 MiB (a minute and a half in a debug build) before giving the limit's note.
    /// `description` now stops at 1 MiB and says how to print the shared form.
    func testDescriptionOfASwollenExpressionIsBoundedAndSaysWhatToDo() throws {
        var e = Symbolic.variable(0)
        for _ in 0..<24 { e = e * e + e }   // the expanded text doubles each time: ~2²⁴·10 bytes
        let text = e.description
        XCTAssertLessThan(text.utf8.count, 1_000)
        XCTAssertTrue(text.contains("exceeds the limit of \(1 << 20)"), text)
        XCTAssertTrue(text.contains("expand: false"), text)
        // The shared form prints: 24 definitions and a root (counted by hand: one per doubling).
        let shared = try ExpressionPrinter(variables: nil, expand: false).print([e.id])
        XCTAssertEqual(shared.roots.count, 1)
        XCTAssertLessThan(shared.definitions.count, 30)
        XCTAssertEqual("\(Symbolic.variable(0) * Symbolic.variable(0) + 1)", "x0^2 + 1")   // the doc example
    }

    /// What an unbound comparison's note shows of each side: the formula when it fits in 80
    /// characters, else the expression's id. The shortcut for expressions of more than 80 nodes
    /// must give what printing gives (a sum of 41 variables, ~250 characters, is over either way;
    /// x0 + 1 prints; a chain of 21 nodes whose text is over 80 is refused by the printer).
    func testAComparisonNoteShowsShortSidesAndNamesLongOnes() throws {
        // a > 0 is decided as 0 < a, and noted so.
        func note(_ a: Symbolic) -> String {
            let (_, log) = BranchLog.recording { _ = a > 0 }
            return log.unbound.first ?? "no note"
        }
        XCTAssertEqual(note(Symbolic.variable(0) + 1), "0 < x0 + 1 taken as true")
        var wide = Symbolic.variable(0)
        for k in 1...40 { wide = wide + Symbolic.variable(k) }
        XCTAssertTrue(ExpressionGraph.shared.reachesMoreThan(80, from: wide.id))
        XCTAssertEqual(note(wide), "0 < expression \(wide.id) (over 80 characters) taken as true")
        var chain = Symbolic.variable(0)
        for _ in 0..<20 { chain = Symbolic.sin(chain) }   // 21 nodes, "sin(" twenty times
        XCTAssertFalse(ExpressionGraph.shared.reachesMoreThan(80, from: chain.id))
        XCTAssertEqual(note(chain), "0 < expression \(chain.id) (over 80 characters) taken as true")
    }
}
