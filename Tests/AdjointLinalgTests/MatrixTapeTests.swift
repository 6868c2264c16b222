import XCTest
import AdjointCore
import AdjointLinalg

/// Stale and foreign nodes on the matrix tape (generation numbers, as on the scalar tape).
final class MatrixTapeTests: XCTestCase {
    private func assertRefused(_ body: @autoclosure () throws -> Any, _ what: String, line: UInt = #line) {
        XCTAssertThrowsError(try body(), what, line: line) { e in
            guard case .foreignVariable = e as? ADError else { return XCTFail("\(what): \(e)", line: line) }
        }
    }

    /// A node recorded before `reset()` has an index that exists again after re-recording; it
    /// used to pass the ownership check and silently name the new entry.
    func testNodeFromBeforeResetIsRefused() throws {
        let tape = MatrixTape<Double>()
        let old = tape.variable(try Matrix([[1, 2]]))
        tape.reset()
        let fresh = tape.variable(try Matrix([[5, 7]]))
        XCTAssertEqual(old.index, fresh.index, "the stale node's index names a live entry")
        assertRefused(try tape.primal(old), "primal of a stale node")
        assertRefused(try tape.sum(old), "an op on a stale node")
        assertRefused(try tape.entry(old), "the entry of a stale node")
        XCTAssertEqual(try tape.primal(fresh), try Matrix([[5, 7]]))
        let loss = try tape.sum(tape.activation(.square, fresh))
        let g = try tape.gradients(of: loss)
        XCTAssertEqual(try g[fresh], try Matrix([[10, 14]]))
        assertRefused(try g[old], "a cotangent looked up with a stale node")
    }

    /// Nodes of another tape, live or freed (a new tape may reuse a freed one's address).
    func testNodeOfAnotherTapeIsRefused() throws {
        var node: MatrixNode?
        do {
            let gone = MatrixTape<Double>()
            node = gone.variable(try Matrix([[3]]))
        }
        let tape = MatrixTape<Double>()
        _ = tape.variable(try Matrix([[4]]))
        assertRefused(try tape.primal(node!), "node of a freed tape")
        let other = MatrixTape<Double>()
        let x = other.variable(try Matrix([[2]]))
        assertRefused(try tape.sum(x), "node of a live other tape")
        let y = tape.variable(try Matrix([[1]]))
        let g = try tape.gradients(of: tape.sum(y))
        assertRefused(try g[x], "a cotangent looked up with another tape's node")
    }

    /// A reset tape records and differentiates as a fresh one: f = Σ tanh(X), ∂f/∂X = 1 − tanh²(X).
    func testResetTapeGivesTheSameGradient() throws {
        let tape = MatrixTape<Double>()
        let data = try Matrix<Double>([[0.25, -1.5], [2, 0]])
        var results: [Matrix<Double>] = []
        for _ in 0..<3 {
            tape.reset()
            let x = tape.variable(data)
            results.append(try tape.gradients(of: tape.sum(tape.activation(.tanh, x)))[x])
        }
        let expected = data.elements.map { 1 - Double.tanh($0) * Double.tanh($0) }
        for r in results {
            for (a, b) in zip(r.elements, expected) { XCTAssertEqual(a, b, accuracy: 4e-16) }
        }
    }

    /// A variable's cotangent that is NaN/∞ (√ at 0 has slope +∞) is a typed error naming the
    /// variable and the element, whether it gets one contribution or several.
    func testNonFiniteCotangentOfAVariableIsReported() throws {
        for fanOut in [false, true] {
            let tape = MatrixTape<Double>()
            let x = tape.variable(try Matrix([[4, 0]]))
            let r = try tape.activation(.sqrt, x)
            let y = fanOut ? try tape.add(r, x) : r
            XCTAssertThrowsError(try tape.gradients(of: tape.sum(y))) { e in
                guard case let .nonFinite(what, _, node) = e as? ADError else { return XCTFail("\(e)") }
                XCTAssertEqual(node, x.index)
                XCTAssertTrue(what.contains("(row: 0, col: 1)"), what)
            }
        }
    }

    /// A seed holding NaN or ∞ is the caller's, and the error says so; it was reported as a
    /// non-finite cotangent of the first variable, as if the program had made it.
    func testNonFiniteSeedIsNamedAsTheSeed() throws {
        let tape = MatrixTape<Double>()
        let x = tape.variable(try Matrix([[1, 2], [3, 4]]))
        let y = try tape.activation(.tanh, x)
        for bad in [Double.nan, .infinity] {
            XCTAssertThrowsError(try tape.gradients(of: y, seed: try Matrix([[1, 1], [bad, 1]]))) { e in
                guard case .nonFinite(let what, _, _) = e as? ADError else { return XCTFail("\(e)") }
                XCTAssertTrue(what.contains("seed element (1, 0)"), what)
            }
        }
    }
}
