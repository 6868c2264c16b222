import XCTest
import AdjointCore
import AdjointExact
import AdjointFormula
@testable import AdjointSymbolic

/// One registry op applied to the first one or two inputs.
struct OneOp: ADFunction {
    let op: Op
    let n: Int
    var inputCount: Int? { op.info.arity }
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
        [T.apply(op, x[0], op.info.arity == 2 ? x[1] : x[0], n)]
    }
}

/// A seeded random expression graph over `inputs` variables: each step applies an op to one or
/// two earlier values; the last few values are the outputs.
struct RandomGraph: ADFunction {
    enum Step { case unary(Op, Int, Int), binary(Op, Int, Int), safeDiv(Int, Int), constant(Int) }
    let inputs: Int
    let steps: [Step]
    let outputs: Int
    var inputCount: Int? { inputs }

    /// `rational`: only rational-closed ops, so exact mode can run the graph.
    init(seed: UInt64, inputs: Int = 3, length: Int = 12, outputs: Int = 2, rational: Bool) {
        var g = SeededGenerator(seed: seed)
        let unary: [Op] = rational ? [.neg, .square] : [.neg, .square, .sin, .cos, .tanh, .atan, .sigmoid, .erf, .asinh, .softplus]
        let binary: [Op] = [.add, .sub, .mul]
        var s: [Step] = []
        for k in 0..<length {
            let count = inputs + k
            let a = Int(g.next() % UInt64(count)), b = Int(g.next() % UInt64(count))
            switch g.next() % 6 {
            case 0, 1: s.append(.unary(unary[Int(g.next() % UInt64(unary.count))], a, 0))
            case 2: s.append(.safeDiv(a, b))
            case 3 where rational: s.append(.unary(.powi, a, Int(g.next() % 3) + 2))
            case 4: s.append(.constant(Int(g.next() % 7) - 3))
            default: s.append(.binary(binary[Int(g.next() % UInt64(binary.count))], a, b))
            }
        }
        self.inputs = inputs; self.steps = s; self.outputs = outputs
    }

    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
        var v = x
        for step in steps {
            switch step {
            case .unary(let op, let a, let n): v.append(T.apply(op, v[a], v[a], n))
            case .binary(let op, let a, let b): v.append(T.apply(op, v[a], v[b], 0))
            case .safeDiv(let a, let b): v.append(v[a] / (1 + v[b] * v[b]))   // never divides by 0
            case .constant(let c): v.append(v[v.count - 1] + T(c))
            }
        }
        return Array(v.suffix(outputs))
    }
}

/// Agreement to a few units in the last place: rewriting reorders roundings, so bitwise equality
/// is not expected in Double. 16 ulps of the larger magnitude (absolute floor for zeros): every
/// seeded case here agrees within 8, one random graph with cancellation needs more than 4.
func closeInULPs(_ a: Double, _ b: Double, ulps: Double = 16) -> Bool {
    if a == b { return true }
    let scale = Swift.max(Swift.abs(a), Swift.abs(b), 1e-300)
    return Swift.abs(a - b) <= ulps * scale.ulp + 1e-290
}

final class SymbolicDerivativeTests: XCTestCase {
    func randomPoint(_ ranges: [ClosedRange<Double>], _ g: inout SeededGenerator) -> [Double] {
        ranges.map { $0.lowerBound + ($0.upperBound - $0.lowerBound) * g.nextUnit() }
    }

    /// Evaluates derivative expressions at x in Double.
    func evaluate(_ d: SymbolicJacobian, at x: [Double]) throws -> [[Double]] {
        try d.jacobian.map { row in try ExpressionGraph.shared.evaluate(row.map(\.id), at: x) }
    }

    func assertAgrees(_ f: some ADFunction, at x: [Double], _ what: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let reference = try jacobianReverse(of: { f($0) }, at: x).jacobian
        for mode in SymbolicMode.allCases {
            let d = try SymbolicDifferentiation.jacobian(of: f, inputs: x.count, mode: mode, at: x)
            let got = try evaluate(d, at: x)
            for i in reference.indices {
                for j in reference[i].indices where !closeInULPs(got[i][j], reference[i][j]) {
                    XCTFail("\(what) \(mode) d\(i)/dx\(j) at \(x): symbolic \(got[i][j]) (\(d.jacobian[i][j])), reverse \(reference[i][j])",
                            file: file, line: line)
                }
            }
            // Round trip: the printed derivative parsed by jac's parser and evaluated.
            let names = (0..<x.count).map { "x\($0)" }
            for i in reference.indices {
                for j in reference[i].indices {
                    let text = try d.jacobian[i][j].formula(variables: names)
                    let parsed = try Formula(parsing: text, variables: names)
                    let v = try value(of: parsed, at: x)[0]
                    if !closeInULPs(v, reference[i][j]) {
                        XCTFail("\(what) \(mode) round trip of '\(text)' gives \(v), reverse \(reference[i][j])", file: file, line: line)
                    }
                }
            }
        }
    }

    func testEveryRegistryPrimitiveMatchesReverseMode() throws {
        var g = SeededGenerator(seed: 17)
        for op in Op.primitives {
            let exponents = op == .powi ? [3, -2] : [0]
            for n in exponents {
                for _ in 0..<4 {
                    var x = randomPoint(op.info.sampleRanges, &g)
                    if op == .powi && x[0] == 0 { x[0] = 0.5 }
                    try assertAgrees(OneOp(op: op, n: n), at: x, op.info.name)
                }
            }
        }
    }

    func testRandomGraphsMatchReverseMode() throws {
        var g = SeededGenerator(seed: 99)
        for seed in 0..<40 as Range<UInt64> {
            let f = RandomGraph(seed: seed, rational: seed % 2 == 0)
            try assertAgrees(f, at: randomPoint(Array(repeating: -2...2, count: 3), &g), "graph \(seed)")
        }
    }

    /// In exact mode the symbolic derivative, evaluated in rationals, is the exact AD Jacobian itself.
    func testRationalGraphsAreIdenticalToExactAD() throws {
        let points: [[Rational]] = [["1/3", "-2/7", "5/4"], ["3", "1/11", "-1/2"], ["-5/3", "7/9", "2"]]
        for seed in 0..<30 as Range<UInt64> {
            let f = RandomGraph(seed: 1000 + seed, rational: true)
            for x in points {
                let exact = try exactJacobian(of: f, at: x, mode: .reverse).jacobian
                for mode in SymbolicMode.allCases {
                    let d = try SymbolicDifferentiation.jacobian(of: f, inputs: 3, mode: mode, at: x.map(\.approximateDouble))
                    let got = try d.jacobian.map { row in try ExpressionGraph.shared.evaluate(row.map(\.id), at: x) }
                    XCTAssertEqual(got, exact, "graph \(1000 + seed) \(mode) at \(x)")
                }
            }
        }
    }

    func testRationalRoundTripThroughExactFormula() throws {
        // A printed rational derivative re-parsed and evaluated exactly equals exact AD.
        let f = try Formula(parsing: "x^3/(1 + y^2) - 1/3*x*y")
        let d = try SymbolicDifferentiation.jacobian(of: f, inputs: 2)
        let x: [Rational] = ["2/5", "-3/7"]
        let exact = try exactJacobian(of: f, at: x).jacobian[0]
        for j in 0..<2 {
            let parsed = try Formula(parsing: try d.jacobian[0][j].formula(variables: f.variables), variables: f.variables)
            let constants = try parsed.constants.map { try Rational.parse($0.text) }
            XCTAssertEqual(parsed.evaluate(x, constants: constants)[0], exact[j])
        }
    }
}
