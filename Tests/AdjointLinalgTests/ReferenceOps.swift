import AdjointCore
import AdjointLinalg

// The matrix ops written elementwise over any ADScalar, independently of AdjointLinalg's kernels:
// plain loops, textbook formulas (softmax as exp/Σexp, log-cosh as log(cosh), BCE as
// −[t log σ + (1 − t) log(1 − σ)]). Run on Reverse<Double> they give the scalar tape's VJPs, on
// Dual the scalar forward mode's JVPs, on Double the values for central differences.

struct Shape: CustomStringConvertible {
    let rows: Int, cols: Int
    var count: Int { rows * cols }
    var description: String { "\(rows)×\(cols)" }
}

/// Non-differentiated inputs of a case: a loss target and class labels.
struct Aux {
    var target: [Double] = []
    var labels: [Int] = []
}

/// One matrix op under test, with its parameters.
enum OpCase: CustomStringConvertible {
    case matmul, add, addBias
    case elementwise(Op, parameter: Double, exponent: Int)
    case sum(Reduction), mean(Reduction)
    case softmax, logSoftmax, logSumExp
    case loss(MatrixOp, parameter: Double)
    case softmaxCrossEntropy

    var description: String {
        switch self {
        case .matmul: return "matmul"
        case .add: return "add"
        case .addBias: return "addBias"
        case let .elementwise(op, p, n): return "elementwise(\(op.info.name), \(p), \(n))"
        case let .sum(r): return "sum(\(r))"
        case let .mean(r): return "mean(\(r))"
        case .softmax: return "softmax"
        case .logSoftmax: return "logSoftmax"
        case .logSumExp: return "logSumExp"
        case let .loss(op, p): return "loss(\(op.info.name), \(p))"
        case .softmaxCrossEntropy: return "softmaxCrossEntropy"
        }
    }

    /// Shapes of the arguments: 1×1, 1×n, n×1 and non-square for every op.
    var shapes: [(Shape, Shape?)] {
        switch self {
        case .matmul:
            return [(Shape(rows: 1, cols: 1), Shape(rows: 1, cols: 1)),
                    (Shape(rows: 1, cols: 5), Shape(rows: 5, cols: 3)), (Shape(rows: 4, cols: 1), Shape(rows: 1, cols: 3)),
                    (Shape(rows: 3, cols: 4), Shape(rows: 4, cols: 2)), (Shape(rows: 2, cols: 3), Shape(rows: 3, cols: 1))]
        case .add:
            return [(Shape(rows: 1, cols: 1), Shape(rows: 1, cols: 1)),
                    (Shape(rows: 1, cols: 4), Shape(rows: 1, cols: 4)), (Shape(rows: 4, cols: 1), Shape(rows: 4, cols: 1)),
                    (Shape(rows: 2, cols: 3), Shape(rows: 2, cols: 3))]
        case .addBias:
            return [(Shape(rows: 1, cols: 1), Shape(rows: 1, cols: 1)),
                    (Shape(rows: 1, cols: 4), Shape(rows: 1, cols: 4)), (Shape(rows: 4, cols: 1), Shape(rows: 1, cols: 1)),
                    (Shape(rows: 3, cols: 5), Shape(rows: 1, cols: 5))]
        default:
            return [(Shape(rows: 1, cols: 1), nil), (Shape(rows: 1, cols: 5), nil), (Shape(rows: 5, cols: 1), nil), (Shape(rows: 3, cols: 4), nil),
                    (Shape(rows: 4, cols: 3), nil)]
        }
    }

    /// Where the first argument's entries are drawn from (inside the op's domain).
    var inputRange: ClosedRange<Double> {
        if case let .elementwise(op, _, _) = self { return op.info.sampleRanges[0] }
        return -2...2
    }

    func makeAux(_ a: Shape, using g: inout SeededGenerator) -> Aux {
        var aux = Aux()
        switch self {
        case .loss(.klDivergence, _):
            // Each target row is a probability distribution with positive entries.
            for _ in 0..<a.rows {
                let row = (0..<a.cols).map { _ in Double.random(in: 0.1...1, using: &g) }
                let s = row.reduce(0, +)
                aux.target += row.map { $0 / s }
            }
        case .loss(.binaryCrossEntropyWithLogits, _):
            aux.target = (0..<a.count).map { _ in Double.random(in: 0...1, using: &g) }
        case .loss:
            aux.target = (0..<a.count).map { _ in Double.random(in: -2...2, using: &g) }
        case .softmaxCrossEntropy:
            aux.labels = (0..<a.rows).map { _ in Int.random(in: 0..<a.cols, using: &g) }
        default: break
        }
        return aux
    }

    /// The op through a matrix interpreter.
    func matrix<I: MatrixInterpreter>(_ m: I, _ a: I.Value, _ b: I.Value?, aux: Aux, shape: Shape) throws -> I.Value {
        switch self {
        case .matmul: return try m.matmul(a, second(b))
        case .add: return try m.add(a, second(b))
        case .addBias: return try m.addBias(a, second(b))
        case let .elementwise(op, p, n): return try m.activation(op, a, parameter: I.Scalar(p), exponent: n)
        case let .sum(r): return try m.sum(a, r)
        case let .mean(r): return try m.mean(a, r)
        case .softmax: return try m.softmax(a)
        case .logSoftmax: return try m.logSoftmax(a)
        case .logSumExp: return try m.logSumExp(a)
        case let .loss(op, p):
            return try m.loss(op, a, target: Matrix(rows: shape.rows, cols: shape.cols, elements: aux.target.map { I.Scalar($0) }),
                              parameter: I.Scalar(p))
        case .softmaxCrossEntropy: return try m.softmaxCrossEntropy(a, labels: aux.labels)
        }
    }

    /// The op written elementwise; returns the row-major output.
    func reference<T: ADScalar>(_ a: [T], _ b: [T], _ sa: Shape, _ sb: Shape?, aux: Aux) -> [T] {
        let (m, n) = (sa.rows, sa.cols)
        func at(_ r: Int, _ c: Int) -> T { a[r * n + c] }
        switch self {
        case .matmul:
            let p = sb?.cols ?? 0
            var z = [T](repeating: 0, count: m * p)
            for i in 0..<m { for j in 0..<p { for k in 0..<n { z[i * p + j] = z[i * p + j] + at(i, k) * b[k * p + j] } } }
            return z
        case .add: return zip(a, b).map { $0 + $1 }
        case .addBias: return (0..<(m * n)).map { a[$0] + b[$0 % n] }
        case let .elementwise(op, p, e): return a.map { T.apply(op, $0, T(p), e) }
        case let .sum(r), let .mean(r):
            var isMean = false
            if case .mean = self { isMean = true }
            let out: [T]
            let count: Int
            switch r {
            case .all: out = [a.reduce(T(0), +)]; count = m * n
            case .perColumn: out = (0..<n).map { c in (0..<m).reduce(T(0)) { $0 + at($1, c) } }; count = m
            case .perRow: out = (0..<m).map { r in (0..<n).reduce(T(0)) { $0 + at(r, $1) } }; count = n
            }
            return isMean ? out.map { $0 / T(count) } : out
        case .softmax, .logSoftmax, .logSumExp:
            var z: [T] = []
            for r in 0..<m {
                let s = (0..<n).reduce(T(0)) { $0 + T.exp(at(r, $1)) }
                switch self {
                case .softmax: z += (0..<n).map { T.exp(at(r, $0)) / s }
                case .logSoftmax: z += (0..<n).map { T.log(T.exp(at(r, $0)) / s) }
                default: z.append(T.log(s))
                }
            }
            return z
        case let .loss(op, delta):
            var total: T = 0
            for i in 0..<(m * n) {
                let t = T(aux.target[i])
                let d = a[i] - t
                switch op {
                case .mse: total = total + d * d
                case .mae: total = total + T.abs(d)
                case .huber:
                    let ad = T.abs(d)
                    total = total + (ad <= T(delta) ? d * d / 2 : T(delta) * (ad - T(delta) / 2))
                case .logCosh: total = total + T.log(T.cosh(d))
                case .klDivergence: total = total + t * (T.log(t) - a[i])
                case .binaryCrossEntropyWithLogits:
                    let s = T.sigmoid(a[i])
                    total = total - (t * T.log(s) + (1 - t) * T.log(1 - s))
                default: break
                }
            }
            let count = op == .klDivergence ? m : m * n
            return [total / T(count)]
        case .softmaxCrossEntropy:
            var total: T = 0
            for r in 0..<m {
                let s = (0..<n).reduce(T(0)) { $0 + T.exp(at(r, $1)) }
                total = total - T.log(T.exp(at(r, aux.labels[r])) / s)
            }
            return [total / T(m)]
        }
    }

    /// Every op, with the elementwise activations of the registry that take one matrix argument.
    static var all: [OpCase] {
        var cases: [OpCase] = [.matmul, .add, .addBias]
        let unary: [(Op, Double, Int)] = [
            (.tanh, 0, 0), (.sigmoid, 0, 0), (.relu, 0, 0), (.exp, 0, 0), (.log, 0, 0), (.sqrt, 0, 0),
            (.softplus, 0, 0), (.gelu, 0, 0), (.swish, 0, 0), (.elu, 1.3, 0), (.leakyRelu, 0.1, 0),
            (.powi, 0, 3), (.sin, 0, 0), (.atan, 0, 0), (.erf, 0, 0), (.square, 0, 0), (.abs, 0, 0),
            (.expm1, 0, 0), (.log1p, 0, 0), (.cosh, 0, 0), (.neg, 0, 0),
        ]
        cases += unary.map { .elementwise($0.0, parameter: $0.1, exponent: $0.2) }
        for r in [Reduction.all, .perColumn, .perRow] { cases += [.sum(r), .mean(r)] }
        cases += [.softmax, .logSoftmax, .logSumExp]
        cases += [.loss(.mse, parameter: 1), .loss(.mae, parameter: 1), .loss(.huber, parameter: 0.5),
                  .loss(.logCosh, parameter: 1), .loss(.klDivergence, parameter: 1),
                  .loss(.binaryCrossEntropyWithLogits, parameter: 1), .softmaxCrossEntropy]
        return cases
    }
}

struct MissingArgument: Error {}
func second<V>(_ b: V?) throws -> V {
    guard let b else { throw MissingArgument() }
    return b
}
