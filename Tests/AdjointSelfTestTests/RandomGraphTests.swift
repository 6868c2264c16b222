import XCTest
import AdjointCore
import AdjointFormula
@testable import AdjointSelfTest

/// x³ with 3x², as a user's primitive would be declared.
enum SelfTestCube: UnaryPrimitive {
    static let name = "selftest_cube"
    static func primal<T: ADScalar>(_ x: T) -> T { x * x * x }
    static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { 3 * x * x }
}

final class RandomGraphTests: XCTestCase {
    /// Every printed formula parses back and evaluates to the same bits, with the same variables.
    func testFormulaParsesBackToTheSameValues() throws {
        let fuzzer = Fuzzer(seed: 3)
        for k in 0..<300 {
            let g = try fuzzer.graph(k)
            let f = try Formula(parsing: g.formula)
            XCTAssertEqual(f.variables, g.variables)
            XCTAssertEqual(f(g.point).map(\.bitPattern), g(g.point).map(\.bitPattern), g.formula)
        }
    }

    /// A hand-built graph prints as expected: sharing written out, powi's negative exponent in
    /// parentheses, a negative constant parenthesised.
    func testFormulaText() throws {
        let g = RandomGraph(seed: 0, nodes: [
            GraphNode(op: .input, a: 0, b: 0, n: 0), GraphNode(op: .input, a: 0, b: 0, n: 1),
            GraphNode(op: .constant, a: 0, b: 0, n: 0),
            GraphNode(op: .sin, a: 0, b: 0, n: 0),            // 3: sin(x1)
            GraphNode(op: .mul, a: 3, b: 2, n: 0),            // 4: sin(x1) * (-0.5)
            GraphNode(op: .powi, a: 3, b: 3, n: -2),          // 5: sin(x1)^(-2)
            GraphNode(op: .hypot, a: 4, b: 1, n: 0),          // 6
        ], constants: [-0.5], inputs: 2, outputs: [6, 5], point: [0.5, 1.25], userPrimitives: [], depth: 3, exactBits: 0)
        XCTAssertEqual(g.formula, "f(x1, x2) = hypot((sin(x1) * (-0.5)), x2); (sin(x1)^(-2))")
        let f = try Formula(parsing: g.formula)
        let expected = [plainHypot(sin(0.5) * -0.5, 1.25), 1 / (sin(0.5) * sin(0.5))]
        XCTAssertEqual(f([0.5, 1.25])[0], expected[0], accuracy: 1e-15)
        XCTAssertEqual(f([0.5, 1.25])[1], expected[1], accuracy: 1e-14)
    }

    /// Registered user primitives are drawn, evaluated through the registry and named in the text.
    func testUserPrimitivesAreDrawn() throws {
        try UserPrimitives.register(SelfTestCube.self)
        var gen = GraphGenerator()
        gen.userPrimitives = [SelfTestCube.self]
        let k = try XCTUnwrap(gen.primitives.firstIndex(of: .user(0)))
        let g = try gen.graph(seed: 5, focus: gen.primitives[k])
        XCTAssertTrue(g.primitiveNames.contains("selftest_cube"))
        XCTAssertTrue(g.formula.contains("selftest_cube("))
        XCTAssertFalse(g.isBuiltinOnly)
        // The cube's derivative through reverse mode equals 3x² times the chain, checked by the fuzzer.
        var summary = FuzzSummary()
        Fuzzer(seed: 1, generator: gen).fuzz(g, focus: .user(0), into: &summary)
        XCTAssertTrue(summary.disagreements.isEmpty, "\(summary.disagreements)")
        XCTAssertTrue(summary.rulesExercised.contains("selftest_cube ∂x"))
    }
}

private func plainHypot(_ a: Double, _ b: Double) -> Double { (a * a + b * b).squareRoot() }
