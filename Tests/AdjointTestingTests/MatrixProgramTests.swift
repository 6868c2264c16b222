import AdjointCheck
import AdjointCore
import AdjointLinalg
import XCTest
@testable import AdjointTesting

/// Matrix programs: the MLP with softmax cross-entropy checked in one call.
final class MatrixProgramTests: XCTestCase {
    func batch() throws -> Matrix<Double> {
        var g = SeededGenerator(seed: 11)
        return try Matrix<Double>.random(5, 4, in: -1...1, using: &g)
    }

    func testTwoLayerMLPWithSoftmaxCrossEntropyInOneCall() throws {
        let net = try MLP<Double>(layerSizes: [4, 6, 3], activation: .tanh, seed: 1)
        let program = MLPProgram(net, input: try batch(), loss: .softmaxCrossEntropy(labels: [0, 2, 1, 1, 0]))
        XCTAssertEqual(program.parameterCount, 4 * 6 + 6 + 6 * 3 + 3)
        var o = AdjointTestOptions()
        o.trials = 4
        let r = assertGradient(of: program, inputs: program.around(spread: 0.5), options: o)
        XCTAssertTrue(r.passed, r.message)
        XCTAssertEqual(r.counts[.agree], 4, r.message)
    }

    /// A loss whose taped version adds a term the plain one does not have: the tape's gradient is
    /// then the gradient of another function, as with a wrong matrix rule.
    struct Mismatched: MatrixProgram {
        typealias Scalar = Double
        let x: Matrix<Double>
        var parameterShapes: [(rows: Int, cols: Int)] { [(4, 2)] }
        func loss<I: MatrixInterpreter>(_ m: I, parameters p: [I.Value]) throws -> I.Value where I.Scalar == Double {
            let y = try m.activation(.tanh, m.matmul(m.constant(x), p[0]))
            let base = try m.mean(y)
            if I.self == MatrixTape<Double>.self { return try m.add(base, m.mean(p[0])) }
            return base
        }
    }

    func testAWrongTapedGradientIsCaughtAndNamed() throws {
        var o = AdjointTestOptions()
        o.trials = 3
        let p = Mismatched(x: try batch())
        let r = checkProperty(.matrixGradient(of: p, inputs: .vector(p.parameterCount, .uniform(-1...1))), options: o)
        XCTAssertEqual(r.failure?.verdict, .ruleWrong, r.message)
        XCTAssertTrue(r.message.contains("∂loss/∂P0["), r.message)
        XCTAssertTrue(r.message.contains("matrix tape"), r.message)
    }
}

extension MatrixProgramTests {
    func testAnEvaluationErrorIsReportedAsItself() throws {
        let net = try MLP<Double>(layerSizes: [4, 3], activation: .tanh, seed: 2)
        let program = MLPProgram(net, input: try batch(), loss: .softmaxCrossEntropy(labels: [0, 7, 1, 1, 0]))
        var o = AdjointTestOptions()
        o.trials = 1
        let r = checkProperty(.matrixGradient(of: program, inputs: .point(program.flatParameters)), options: o)
        XCTAssertEqual(r.failure?.verdict, .error)
        XCTAssertTrue(r.message.contains("the check threw"), r.message)
        XCTAssertTrue(r.message.contains("7"), r.message)
    }
}

extension MatrixProgramTests {
    /// trialJ: an input space shorter than the program's parameters sliced past the end of the
    /// flattened input and trapped ("Array index is out of range"); longer ones were not named.
    func testAnInputOfTheWrongLengthIsATypedError() async throws {
        let p = Mismatched(x: try batch())   // 4×2 = 8 parameters
        var o = AdjointTestOptions()
        o.trials = 2
        for n in [3, 9] {
            let property = DerivativeProperty.matrixGradient(of: p, inputs: .vector(n, .uniform(-1...1)))
            let r = checkProperty(property, options: o)
            XCTAssertFalse(r.passed, r.message)
            XCTAssertTrue(r.message.contains("parameters of the matrix program (Σ rows·cols of parameterShapes): expected 8, got \(n)"), r.message)
            let c = await checkPropertyConcurrently(property, options: o)
            XCTAssertFalse(c.passed, c.message)
        }
    }

    /// trialJ: `around(spread: -1)` built the range p + 1 … p − 1 and trapped; NaN the same.
    func testABadSpreadFailsThePropertyNamingIt() throws {
        let net = try MLP<Double>(layerSizes: [4, 3], activation: .tanh, seed: 2)
        let program = MLPProgram(net, input: try batch(), loss: .softmaxCrossEntropy(labels: [0, 2, 1, 1, 0]))
        for spread in [-1.0, .nan, .infinity] {
            let r = checkProperty(.matrixGradient(of: program, inputs: program.around(spread: spread)))
            XCTAssertFalse(r.passed, r.message)
            XCTAssertEqual(r.trialsRun, 0)
            XCTAssertTrue(r.message.contains("around(spread: \(spread)): the spread must be finite and ≥ 0"), r.message)
        }
        // Zero spread is the network's own point.
        var o = AdjointTestOptions()
        o.trials = 1
        XCTAssertTrue(checkProperty(.matrixGradient(of: program, inputs: program.around(spread: 0)), options: o).passed)
    }
}
