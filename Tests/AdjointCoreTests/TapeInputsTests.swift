import XCTest
@testable import AdjointCore

/// The inputs of a recording are written to the tape in bulk and their variables built in place
/// (a review of that change): every scalar type, no inputs, and more inputs than the tape may hold.
final class TapeInputsTests: XCTestCase {
    func testInputsAreTheVariablesOneByOneWouldBe() throws {
        // Σ xₖ² in Float: gradient 2x by hand.
        let g = try gradient(of: { v in v.reduce(Reverse<Float>(constant: 0)) { $0 + $1 * $1 } }, at: [Float(1), 2, 3])
        XCTAssertEqual(g, [2, 4, 6])
        // x₀²x₁ on duals seeded along x₀ at (1, 2): the gradient (2x₀x₁, x₀²) = (4, 1), and its
        // derivative along x₀ is (2x₁, 2x₀) = (4, 2), by hand.
        let gd = try gradient(of: { v in v[0] * v[0] * v[1] }, at: [Dual<Double, Double>(1, tangent: 1), Dual(2, tangent: 0)])
        XCTAssertEqual(gd.map(\.value), [4, 1])
        XCTAssertEqual(gd.map(\.tangent), [4, 2])
        // Bulk and one-by-one give the same entries: inputs numbered 0, 1, 2 in order.
        let tape = Tape<Double>(capacity: 4, limit: 100)
        let vars = tape.variables([5, 6, 7])
        XCTAssertEqual(vars.map(\.value), [5, 6, 7])
        XCTAssertEqual((0..<3).map { tape.entry($0)?.op }, [.input, .input, .input])
        XCTAssertEqual((0..<3).map { tape.entry($0)?.value }, [5, 6, 7])
        XCTAssertTrue(vars.allSatisfy { tape.owns($0) })
    }

    func testNoInputsAndTooManyInputs() throws {
        let empty = try record({ _ in [Reverse<Double>(constant: 2)] }, at: [Double]())
        XCTAssertEqual(empty.inputs.count, 0)
        XCTAssertEqual(empty.value, [2])
        // More inputs than the tape may hold: the bulk write refuses, the one-by-one path fills
        // the tape, and the recording is a typed error, not a crash.
        XCTAssertThrowsError(try record({ v in [v.reduce(0, +)] }, at: (0..<100).map(Double.init), tapeLimit: 50)) { e in
            XCTAssertEqual(e as? ADError, .limitExceeded(what: "tape length", limit: 50))
        }
    }
}
