import XCTest
@testable import AdjointCore

/// √x with its rule 1/(2√x), recorded as a user scalar primitive.
private enum ReachRoot: UnaryPrimitive {
    static let name = "reachroot"
    static func primal<T: ADScalar>(_ x: T) -> T { sqrt(x) }
    static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { 0.5 / z }
}

/// (x₀ + x₁, x₁), recorded as a user vector primitive: one tape entry per output.
private enum ReachPair: VectorPrimitive {
    static let name = "reachpair"
    static func primal(_ x: [Double]) -> [Double] { [x[0] + x[1], x[1]] }
    static func vjp(at x: [Double], cotangent u: [Double]) -> [Double]? { [u[0], u[0] + u[1]] }
}

/// `Tape.entriesReached(from:)`, the one statement of the sweep's reachability rule (the sweep and
/// checkpointing's segment boundaries both use it), against masks worked out by hand.
final class TapeReachabilityTests: XCTestCase {
    func testReachedEntriesByHand() throws {
        let tape = Tape<Double>()
        let x = tape.variable(4)                           // 0
        let y = tape.variable(0)                           // 1
        let w = tape.variable(2)                           // 2
        let r = sqrt(y)                                    // 3: √y
        let cut = Reverse<Double>(constant: 0) * r         // 4: the constant 0, 5: 0·√y
        let s = x * w                                      // 6
        let out = s + cut                                  // 7
        let user = ReachRoot.apply(w)                      // 8: user √w
        let zeroVariable = y * r                           // 9: y·√y, y a variable that is 0
        let pair = ReachPair.apply([x, y])                 // 10, 11: the vector primitive's outputs
        XCTAssertEqual([r, cut, s, out, user, zeroVariable].map(\.node), [3, 5, 6, 7, 8, 9])
        XCTAssertEqual(pair.map(\.node), [10, 11])
        XCTAssertEqual(tape.count, 12)
        XCTAssertEqual(tape.entry(4)?.op, .constant)

        func mask(_ entries: Set<Int>) -> [Bool] { (0..<tape.count).map(entries.contains) }
        // 7 = 6 + 5; 6 = x·w; 5 = 0·√y, whose constant 0 (4) cuts √y (3) and so y (1). The 0
        // itself stays reached: only the other factor is cut.
        XCTAssertEqual(tape.entriesReached(from: [7]), mask([0, 2, 4, 5, 6, 7]))
        // A user scalar primitive reaches its argument.
        XCTAssertEqual(tape.entriesReached(from: [8]), mask([2, 8]))
        // y·√y with y = 0: a variable that is 0 cuts nothing (√v·√v at 0 has derivative 1).
        XCTAssertEqual(tape.entriesReached(from: [9]), mask([1, 3, 9]))
        // Either output of a vector primitive reaches all its inputs, not its other output.
        XCTAssertEqual(tape.entriesReached(from: [11]), mask([0, 1, 11]))
        XCTAssertEqual(tape.entriesReached(from: [10]), mask([0, 1, 10]))
        // Several nodes: the union; indices outside the tape are ignored.
        XCTAssertEqual(tape.entriesReached(from: [8, 7, -1, 12, 99]), mask([0, 2, 4, 5, 6, 7, 8]))
        XCTAssertEqual(tape.entriesReached(from: [Int]()), mask([]))

        // The sweep's entry point: the same walk from the seeds whose cotangent counts. A zero
        // Double seed does not (the sweep skips it).
        XCTAssertEqual(tape.entriesReached(from: [(7, 1.0), (9, 0.0)]), mask([0, 2, 4, 5, 6, 7]))
        XCTAssertEqual(tape.entriesReached(from: [(7, 1.0), (9, -2.0)]), mask([0, 1, 2, 3, 4, 5, 6, 7, 9]))
    }

    /// A product with the constant 0 cuts only for Double and Float: on other scalars the sweep
    /// counts every seed and product (== compares values only, so "the constant 0" may carry more).
    func testOtherScalarsDoNotCutAtAConstantZero() {
        let tape = Tape<Dual<Double, Double>>()
        let y = tape.variable(Dual(0, tangent: 1))               // 0
        let cut = Reverse<Dual<Double, Double>>(constant: 0) * y // 1: the constant, 2: the product
        XCTAssertEqual(cut.node, 2)
        XCTAssertEqual(tape.entriesReached(from: [2]), [true, true, true])
    }

    /// The doc comment's example, as written there.
    func testTheDocExample() {
        let tape = Tape<Double>()
        let x = tape.variable(4), y = tape.variable(0)
        let z = x * x + Reverse(constant: 0) * sqrt(y)   // entries: x, y, x·x, √y, 0, 0·√y, z
        XCTAssertEqual(tape.entriesReached(from: z.node.map { [$0] } ?? []),
                       [true, false, true, false, true, true, true])
    }
}
