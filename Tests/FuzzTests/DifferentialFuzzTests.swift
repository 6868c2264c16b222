import Foundation
import XCTest
import Adjoint

/// Seeded differential fuzzing: random formulas from the language's grammar, each through every
/// mode (FuzzHarness.evaluate: forward, reverse, Hessian symmetry, complex step, exact, the
/// check), which must agree with each other. Bounded by a count, so it costs the same every run.
final class DifferentialFuzzTests: XCTestCase {
    static let seed: UInt64 = 0xD1FF
    static let formulas = 300

    static let unary = ["exp", "log", "sqrt", "sin", "cos", "tan", "atan", "sinh", "cosh", "tanh", "erf",
                        "expm1", "log1p", "square", "sigmoid", "softplus", "relu", "leaky_relu", "elu",
                        "swish", "gelu", "abs"]
    static let binary = ["max", "min", "pow", "hypot"]

    /// A random expression over x, y, z of at most `depth` levels.
    static func expression(_ rng: inout SeededGenerator, depth: Int) -> String {
        let r = rng.nextUnit()
        if depth == 0 || r < 0.2 {
            let leaves = ["x", "y", "z", "x", "y", "0.5", "2", "3", "1.25", "0.1"]
            return leaves[Int(rng.nextUnit() * Double(leaves.count))]
        }
        let a = expression(&rng, depth: depth - 1)
        switch Int(rng.nextUnit() * 9) {
        case 0: return "(\(a) + \(expression(&rng, depth: depth - 1)))"
        case 1: return "(\(a) - \(expression(&rng, depth: depth - 1)))"
        case 2, 3: return "(\(a) * \(expression(&rng, depth: depth - 1)))"
        case 4: return "(\(a) / \(expression(&rng, depth: depth - 1)))"
        case 5: return "(\(a))^\([2, 3, -1, -2][Int(rng.nextUnit() * 4)])"
        case 6: return "-\(a)"
        case 7: return "\(binary[Int(rng.nextUnit() * Double(binary.count))])(\(a), \(expression(&rng, depth: depth - 1)))"
        default: return "\(unary[Int(rng.nextUnit() * Double(unary.count))])(\(a))"
        }
    }

    func testRandomFormulasAgreeAcrossModes() throws {
        print("DifferentialFuzzTests seed \(Self.seed)")
        var rng = SeededGenerator(seed: Self.seed)
        var evaluated = 0
        for k in 0..<Self.formulas {
            let outputs = rng.nextUnit() < 0.25 ? 2 : 1
            let source = (0..<outputs).map { _ in Self.expression(&rng, depth: 4) }.joined(separator: "; ")
            let point = (0..<3).map { _ in String(rng.nextUnit() * 4 - 2) }.joined(separator: ",")
            let input = Array("\(source)\n\(point)".utf8)
            if let problem = FuzzHarness.evaluate(input) {
                XCTFail("formula \(k) (seed \(Self.seed)): \(problem)")
            }
            // Count the inputs that got past the domain checks, so the test cannot pass vacuously.
            if let f = try? Formula(parsing: source),
               (try? jacobian(of: f, at: FuzzHarness.point(point, count: f.variables.count, seed: input))) != nil {
                evaluated += 1
            }
        }
        XCTAssertGreaterThan(evaluated, Self.formulas / 3, "most random formulas should be evaluable")
    }
}
