import AdjointCheck
import AdjointCore
import AdjointLinalg
import RealModule

/// A scalar loss of parameter matrices written against ``MatrixInterpreter``, so it runs as plain
/// evaluation (the witness: differences of the flattened parameters) and on a ``MatrixTape`` (the
/// gradient under test).
///
/// ```swift
/// struct Ridge: MatrixProgram {
///     typealias Scalar = Double
///     let x: Matrix<Double>, y: Matrix<Double>
///     var parameterShapes: [(rows: Int, cols: Int)] { [(3, 1)] }
///     func loss<I: MatrixInterpreter>(_ m: I, parameters p: [I.Value]) throws -> I.Value where I.Scalar == Double {
///         try m.mse(m.matmul(m.constant(x), p[0]), y)
///     }
/// }
/// ```
public protocol MatrixProgram: Sendable {
    associatedtype Scalar: LinalgScalar & Real
    /// Shapes of the parameter matrices, in order; the property's input is their entries,
    /// flattened row by row, one matrix after the other.
    var parameterShapes: [(rows: Int, cols: Int)] { get }
    /// Names of the parameters for messages ("W0", "b0", …); defaults to P0, P1, ….
    var parameterNames: [String] { get }
    /// The loss (a 1×1 value) of the parameters.
    func loss<I: MatrixInterpreter>(_ m: I, parameters: [I.Value]) throws -> I.Value where I.Scalar == Scalar
}

extension MatrixProgram {
    /// P0, P1, …
    public var parameterNames: [String] { parameterShapes.indices.map { "P\($0)" } }
    /// Number of scalar parameters.
    public var parameterCount: Int { parameterShapes.reduce(0) { $0 + $1.rows * $1.cols } }

    func matrices(_ flat: [Scalar]) throws -> [Matrix<Scalar>] {
        // An input space of another length (`.vector(3, …)` for four parameters) is the user's
        // slip; slicing past the end trapped the test process.
        if flat.count != parameterCount {
            throw ADError.dimensionMismatch(what: "parameters of the matrix program (Σ rows·cols of parameterShapes)",
                                            expected: parameterCount, got: flat.count)
        }
        var out: [Matrix<Scalar>] = [], k = 0
        for (r, c) in parameterShapes {
            out.append(try Matrix(rows: r, cols: c, elements: Array(flat[k..<(k + r * c)])))
            k += r * c
        }
        return out
    }

    /// The loss by plain evaluation: the function the witness differences.
    func plainLoss(_ flat: [Scalar]) -> Scalar {
        guard let p = try? matrices(flat), let l = try? loss(MatrixEvaluator<Scalar>(), parameters: p), l.count == 1 else {
            return .nan
        }
        return l[0, 0]
    }

    /// The gradient by one recording on a matrix tape and one reverse sweep, flattened.
    func tapeGradient(_ flat: [Scalar]) throws -> [Scalar] {
        let tape = MatrixTape<Scalar>(capacity: 4 * parameterShapes.count + 8)
        let vars = try matrices(flat).map { tape.variable($0) }
        let out = try loss(tape, parameters: vars)
        let value = try tape.primal(out)
        if value.count != 1 {
            throw ADError.dimensionMismatch(what: "entries of a matrix program's loss (must be 1×1)", expected: 1, got: value.count)
        }
        let g = try tape.gradients(of: out)
        return try vars.flatMap { try g[$0].elements }
    }

    /// "∂loss/∂W0[2, 1]" for flattened index j.
    func entryName(_ j: Int) -> String {
        var k = j
        for (p, (r, c)) in parameterShapes.enumerated() {
            if k < r * c { return "∂loss/∂\(parameterNames[p])[\(k / c), \(k % c)]" }
            k -= r * c
        }
        return "∂loss/∂θ[\(j)]"
    }
}

/// An ``MLP`` with a fixed batch and loss as a ``MatrixProgram`` over its weights and biases
/// (W0, b0, W1, b1, …): the README's network checked in one call.
///
/// ```swift
/// let net = try MLP<Double>(layerSizes: [4, 8, 3], activation: .tanh, seed: 1)
/// let program = MLPProgram(net, input: x, loss: .softmaxCrossEntropy(labels: [0, 2, 1]))
/// assertGradient(of: program, inputs: program.around(spread: 0.5), options: o)
/// ```
public struct MLPProgram<Scalar: LinalgScalar & Real>: MatrixProgram {
    /// The network (its parameters are the starting point of ``around(spread:)``).
    public let net: MLP<Scalar>
    /// The batch, one sample per row.
    public let input: Matrix<Scalar>
    /// The loss of the outputs.
    public let lossKind: MLPLoss<Scalar>

    /// Wraps a network, a batch and a loss.
    public init(_ net: MLP<Scalar>, input: Matrix<Scalar>, loss: MLPLoss<Scalar>) {
        self.net = net; self.input = input; self.lossKind = loss
    }

    /// W0, b0, W1, b1, … with W in×out and b 1×out.
    public var parameterShapes: [(rows: Int, cols: Int)] {
        net.layers.flatMap { [($0.weights.rows, $0.weights.cols), ($0.bias.rows, $0.bias.cols)] }
    }
    /// "W0", "b0", "W1", "b1", …
    public var parameterNames: [String] { net.layers.indices.flatMap { ["W\($0)", "b\($0)"] } }

    /// The network's loss on the batch with the given parameters (pairs W, b per layer).
    public func loss<I: MatrixInterpreter>(_ m: I, parameters p: [I.Value]) throws -> I.Value where I.Scalar == Scalar {
        let pairs = stride(from: 0, to: p.count - 1, by: 2).map { (weights: p[$0], bias: p[$0 + 1]) }
        let y = try net.forward(m, input: m.constant(input), parameters: pairs)
        switch lossKind {
        case let .elementwise(op, target, parameter): return try m.loss(op, y, target: target, parameter: parameter)
        case let .softmaxCrossEntropy(labels): return try m.softmaxCrossEntropy(y, labels: labels)
        }
    }

    /// The network's own parameters, flattened (W0, b0, W1, b1, … row by row).
    public var flatParameters: [Double] {
        net.layers.flatMap { $0.weights.elements.map { Double($0) } + $0.bias.elements.map { Double($0) } }
    }

    /// Inputs near the network's parameters: each uniform within ±`spread` of its current value.
    /// A negative or non-finite spread fails the property naming it (building the range trapped).
    public func around(spread: Double) -> InputSpace {
        guard spread.isFinite && spread >= 0 else {
            return .invalidSize("around(spread: \(spread)): the spread must be finite and ≥ 0")
        }
        return .arguments(flatParameters.map { .uniform(($0 - spread)...($0 + spread)) })
    }
}

extension DerivativeProperty {
    /// The matrix tape's gradient of a matrix program against differences of its plain loss
    /// over the flattened parameters (difference ladder only: the plain loss runs on BLAS).
    public static func matrixGradient<P: MatrixProgram>(of program: P, inputs: InputSpace) -> DerivativeProperty {
        DerivativeProperty(assertion: "assertGradient", claim: "the matrix tape's gradient", space: inputs) { x, o in
            do {
                // An evaluation error (a label out of range, shapes that do not chain) is reported
                // as itself; the differences below would only see its NaN.
                let xs = x.map { P.Scalar($0) }
                _ = try program.loss(MatrixEvaluator<P.Scalar>(), parameters: program.matrices(xs))
                let r = try checkBlackBoxGradient(of: { program.plainLoss($0) }, at: xs,
                                                  claimedGradient: { try program.tapeGradient($0) }, claimedName: "matrix tape",
                                                  options: o.checkOptions(.blackBox))
                return PointOutcome(input: x, parts: [PointPart(label: "gradient of the loss", report: r,
                                                                entryName: { _, j in program.entryName(j) })])
            } catch { return .thrown(x, error) }
        }
    }
}
