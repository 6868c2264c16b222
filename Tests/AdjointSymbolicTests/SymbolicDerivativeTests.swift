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

/// Findings of a user trial of `jac diff`: what differentiation itself must not add, and the
/// exponent a tape cannot hold.
final class StructuralZeroTests: XCTestCase {
    func entries(_ text: String, _ mode: SymbolicMode) throws -> (Formula, [String], SymbolicJacobian) {
        let f = try Formula(parsing: text)
        let d = try SymbolicDifferentiation.jacobian(of: f, inputs: f.variables.count, mode: mode)
        return (f, try d.entries.map { try $0.formula(variables: f.variables) }, d)
    }

    /// Output 2's partials reached output 1's row as 0·(1/x), 0/b, 0·(0.5/√y): undefined at x = 0,
    /// b = 0, y = 0 where the derivatives 2x, b, 0 (by hand) are defined.
    func testOtherOutputsAddNothingToARow() throws {
        let cases: [(String, [String], [Double], [Double])] = [
            // formula, Jacobian by hand (row by row), a point where output 2 is undefined, row 1 there
            ("f(x) = x^2; log(x)", ["2*x", "1/x"], [0], [0]),
            ("f(a, b) = a*b; a/b", ["b", "a", "1/b", "-a/b^2"], [3, 0], [0, 3]),
            ("f(x, y) = x; sqrt(y)", ["1", "0", "0", "0.5/sqrt(y)"], [2, 0], [1, 0]),
        ]
        for (text, expected, point, row) in cases {
            for mode in SymbolicMode.allCases {
                let (f, printed, d) = try entries(text, mode)
                XCTAssertEqual(printed, expected, "\(text) \(mode)")
                // Row 1 evaluates where output 2 is undefined (on a tape, so any 0·∞ would be NaN).
                let rowOne = try GraphFunction(roots: d.jacobian[0].map(\.id), inputs: f.variables.count)
                XCTAssertEqual(try value(of: rowOne, at: point), row, "\(text) \(mode)")
                // And every entry matches the numeric reverse mode where the whole formula is defined.
                let x = point.map { $0 + 0.75 }
                let all = try GraphFunction(roots: d.entries.map(\.id), inputs: f.variables.count)
                let numeric = try jacobian(of: f, at: x, mode: .reverse).jacobian.flatMap { $0 }
                for (s, r) in zip(try value(of: all, at: x), numeric) {
                    XCTAssertEqual(s, r, accuracy: 4 * r.magnitude.ulp, "\(text) \(mode)")
                }
            }
        }
    }

    /// Only zeros of the differentiation are structural: the user's own 0·(1/y) is kept, in the
    /// function and in its derivative, since it is undefined at y = 0.
    func testTheFunctionsOwnZeroProductIsKept() throws {
        let (_, printed, d) = try entries("x*(0*(1/y))", .reverse)
        XCTAssertEqual(printed[0], "0*(1/y)")
        // The output stays a product with 0 that is undefined at y = 0 (not the constant 0).
        XCTAssertNotEqual(try d.outputs[0].formula(variables: ["x", "y"]), "0")
        XCTAssertThrowsError(try value(of: GraphFunction(roots: [d.outputs[0].id], inputs: 2), at: [1.0, 0.0]))
        XCTAssertThrowsError(try value(of: GraphFunction(roots: [d.entries[0].id], inputs: 2), at: [1.0, 0.0]))
    }

    /// d/dx x^(−2³¹) = −2³¹·x^(−2³¹−1), whose exponent a tape cannot hold in 32 bits; the
    /// derivative was printed but evaluating it (--at, --order 2) failed where numeric modes work.
    func testTheDerivativeOfTheMostNegativeIntegerPowerEvaluates() throws {
        for text in ["x^-2147483648", "pow(x, -2147483648)"] {
            let f = try Formula(parsing: text)
            let d = try SymbolicDifferentiation.jacobian(of: f, inputs: 1)
            let g = try GraphFunction(roots: [d.entries[0].id], inputs: 1)
            // n·x^(n−1) by hand: −2³¹ at 1; at −1, (−1)^(n−1) = −1 (n − 1 odd) gives +2³¹.
            XCTAssertEqual(try value(of: g, at: [1.0]), [-2147483648])
            XCTAssertEqual(try value(of: g, at: [-1.0]), [2147483648])
            // n(n − 1) = 2⁶² + 2³¹ at 1, from the Hessian (which records the gradient on a tape).
            let h = try SymbolicDifferentiation.hessian(of: f, inputs: 1)
            let hv = try value(of: GraphFunction(roots: [h.entries[0].id], inputs: 1), at: [1.0])
            XCTAssertEqual(hv, [4611686020574871552])
        }
    }

    /// At a binding point both symbolic modes report what the numeric modes report. By hand:
    /// exp(1000) overflows a Double, so exp(x) − exp(x) is ∞ − ∞ there (the numeric modes throw a
    /// non-finite output); d/dx √x = 1/(2√x) is ∞ at 0 (the numeric Jacobian throws a non-finite
    /// entry; here the expression's division by √0). Forward mode returned the first as the expression 0 (NaN at the point) with no error
    /// while reverse mode threw, and both returned the second as 0.5/sqrt(x0) with no error.
    /// Unbound, both are fine expressions: 0, and 0.5/sqrt(x0).
    func testANonFiniteValueAtTheBindingPointThrowsInEveryModeAsInTheNumericOnes() throws {
        let cases: [(String, Double)] = [("exp(x) - exp(x)", 1000), ("sqrt(x)", 0), ("log(exp(x))", 1000)]
        for (text, x) in cases {
            let f = try Formula(parsing: text, variables: ["x"])
            XCTAssertThrowsError(try jacobian(of: f, at: [x], mode: .forward), "\(text) numeric forward at \(x)")
            XCTAssertThrowsError(try jacobian(of: f, at: [x], mode: .reverse), "\(text) numeric reverse at \(x)")
            for mode in SymbolicMode.allCases {
                XCTAssertThrowsError(try SymbolicDifferentiation.jacobian(of: f, inputs: 1, mode: mode, at: [x]), "\(text) \(mode) at \(x)") { error in
                    // √x's derivative names the expression's own undefined op (0.5/sqrt(x) divides
                    // by 0), as evaluating it there does; the overflows are non-finite values.
                    switch (text, error) {
                    case ("sqrt(x)", ADError.domain(let op, _, _, _)): XCTAssertEqual(op, "div")
                    case (_, ADError.nonFinite) where text != "sqrt(x)": break
                    default: XCTFail("\(text) \(mode): \(error)")
                    }
                }
                XCTAssertNoThrow(try SymbolicDifferentiation.jacobian(of: f, inputs: 1, mode: mode), "\(text) \(mode) unbound")
            }
        }
        let d = try SymbolicDifferentiation.jacobian(of: try Formula(parsing: "sqrt(x)", variables: ["x"]), inputs: 1, mode: .forward)
        XCTAssertEqual(try d.entries[0].formula(variables: ["x"]), "0.5/sqrt(x)")
    }

    /// abs(x) + relu(y) at (0, 0) touches two kinks, once each: numeric forward and reverse mode
    /// and symbolic reverse mode report 2. Symbolic forward mode evaluates f once per input and
    /// reported every pass's (4); it keeps the first pass's now. The derivative there is the
    /// registry's convention, abs′(0) = relu′(0) = 0, in every mode.
    func testAKinkIsReportedOnceInSymbolicForwardMode() throws {
        let f = try Formula(parsing: "abs(x) + relu(y)", variables: ["x", "y"])
        for mode in JacobianMode.allCases where mode != .automatic {
            let (r, d) = try Diagnostics.collect { try jacobian(of: f, at: [0, 0], mode: mode) }
            XCTAssertEqual(d.kinkCount, 2, "numeric \(mode)")
            XCTAssertEqual(r.jacobian, [[0, 0]])
        }
        for mode in SymbolicMode.allCases {
            let (s, d) = try Diagnostics.collect { try SymbolicDifferentiation.jacobian(of: f, inputs: 2, mode: mode, at: [0, 0]) }
            XCTAssertEqual(d.kinkCount, 2, "symbolic \(mode): \(d.kinks)")
            XCTAssertEqual(Set(d.kinks.map(\.op)), [.abs, .relu], "symbolic \(mode)")
            XCTAssertEqual(try ExpressionGraph.shared.evaluate(s.entries.map(\.id), at: [0.0, 0.0]), [0, 0])
        }
    }

    /// The symbolic Hessian differentiates f, then its gradient's expressions, which pass through
    /// f's kinked ops at the same point again: each kink was reported twice, where the numeric
    /// `hessian` reports it once. By hand, at (0, 0): ∇²(x|x| + y²) = [[2·sign(0), 0], [0, 2]] =
    /// [[0, 0], [0, 2]] under abs′(0) = 0; ∇²(relu(x)·y) = [[0, relu′(0)], [relu′(0), 0]] = 0;
    /// ∇²(max(x, y)·x) = [[2·∂max/∂x, ∂max/∂y], [∂max/∂y, 0]] = [[1, 0.5], [0.5, 0]] with the tie's ½.
    func testASymbolicHessianReportsAKinkOnceAsTheNumericOneDoes() throws {
        for (text, byHand) in [("x*abs(x) + y*y", [0.0, 0, 0, 2]), ("relu(x)*y", [0.0, 0, 0, 0]), ("max(x, y)*x", [1, 0.5, 0.5, 0])] {
            let f = try Formula(parsing: text, variables: ["x", "y"])
            let (h, numeric) = try Diagnostics.collect { try hessian(of: f, at: [0.0, 0.0]) }
            let (s, symbolic) = try Diagnostics.collect { try SymbolicDifferentiation.hessian(of: f, inputs: 2, at: [0, 0]) }
            XCTAssertEqual(h.flatMap { $0 }, byHand, text)
            XCTAssertEqual(try ExpressionGraph.shared.evaluate(s.entries.map(\.id), at: [0.0, 0.0]), byHand, text)
            XCTAssertEqual(numeric.kinkCount, 1, text)
            XCTAssertEqual(symbolic.kinkCount, 1, "\(text): \(symbolic.kinks)")
        }
    }

    /// Trial Q: asinh′ is written 1/hypot(1, x), so the gradient of asinh held a hypot and its
    /// symbolic Hessian listed hypot as kinked: `jac diff "asinh(x)" --order 2` refused without
    /// --at for a function smooth everywhere. hypot is not listed at all: its symbolic derivative
    /// is x/z, y/z on every side of its kink, with 0 or two variables too (checked by hand below).
    func testAHypotWithANonzeroConstantArgumentIsNotAKink() throws {
        let asinhHessian = try SymbolicDifferentiation.hessian(of: OneOp(op: .asinh, n: 0), inputs: 1)
        XCTAssertEqual(asinhHessian.kinkedOps, [])
        // By hand: asinh″(x) = −x/(1 + x²)^(3/2); at x = 1/2, −0.5/1.25^1.5 =
        // −0.357770876399966351425467786997 (mpmath, 30 digits).
        let value = try ExpressionGraph.shared.evaluate(asinhHessian.jacobian[0].map(\.id), at: [0.5])[0]
        XCTAssertEqual(value, -0.357770876399966351425467786997, accuracy: 4e-16)
        struct HypotWith: ADFunction {
            let c: Double?
            func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.hypot(x[0], c.map { T($0) } ?? x[1])] }
        }
        XCTAssertEqual(try SymbolicDifferentiation.jacobian(of: HypotWith(c: 3), inputs: 1).kinkedOps, [])
        let onAxis = try SymbolicDifferentiation.jacobian(of: HypotWith(c: 0), inputs: 1)
        XCTAssertEqual(onAxis.kinkedOps, [])
        // hypot(x, 0) = |x|: slope −1 left of the kink and 1 right of it, from one expression.
        for (x, byHand) in [(-2.5, -1.0), (3.0, 1.0)] {
            XCTAssertEqual(try ExpressionGraph.shared.evaluate(onAxis.jacobian[0].map(\.id), at: [x])[0], byHand)
        }
        let plane = try SymbolicDifferentiation.jacobian(of: HypotWith(c: nil), inputs: 2)
        XCTAssertEqual(plane.kinkedOps, [])
        // (x, y)/|(x, y)| in each quadrant: (−3, 4)/5 and (3, −4)/5.
        for (p, byHand) in [([-3.0, 4.0], [-0.6, 0.8]), ([3.0, -4.0], [0.6, -0.8])] {
            let g = try ExpressionGraph.shared.evaluate(plane.jacobian[0].map(\.id), at: p)
            for k in 0..<2 { XCTAssertEqual(g[k], byHand[k], accuracy: 2e-16) }
        }
    }

    /// Trial Q: at x = 0.1 the derivative of x²/x³⁰⁰ printed by the quotient rule divides by
    /// (x³⁰⁰)², 0 in Double, and the entry was refused as non-finite. It is −298·x⁻²⁹⁹ =
    /// −2.97999999999995053845402992506e301 at the Double 0.1 (mpmath, 30 digits): finite.
    func testAnEntryThatIsFiniteExactlyIsNotRefusedAtTheBindingPoint() throws {
        struct F: ADFunction {
            var inputCount: Int? { 1 }
            func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.powi(x[0], 2) / T.powi(x[0], 300)] }
        }
        let d = try SymbolicDifferentiation.jacobian(of: F(), inputs: 1, at: [0.1])
        let exact = try ExpressionGraph.shared.evaluate([d.jacobian[0][0].id], at: [Rational(0.1)])[0].doubleValue
        XCTAssertEqual(exact, -2.97999999999995053845402992506e301, accuracy: 2 * 2.98e301.ulp)
        // Not finite exactly either: sqrt's derivative at 0 is still refused.
        struct Root: ADFunction {
            var inputCount: Int? { 1 }
            func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.sqrt(x[0])] }
        }
        XCTAssertThrowsError(try SymbolicDifferentiation.jacobian(of: Root(), inputs: 1, at: [0]))
    }

    /// x⁴⁰⁰/x³⁹⁹ is x: at 10 its value is 10 and its derivative 1 (by hand), but x⁴⁰⁰ = ∞ in
    /// Double, and the output was refused as non-finite before the exact evaluation the entries
    /// get was asked (`jac diff` exited 3 where its help promised an exact value). The second
    /// derivative is 0. With exp, not rational, the overflow is still an error.
    func testAnOutputThatIsFiniteExactlyIsNotRefusedAtTheBindingPoint() throws {
        struct F: ADFunction {
            var inputCount: Int? { 1 }
            func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.powi(x[0], 400) / T.powi(x[0], 399)] }
        }
        for mode in SymbolicMode.allCases {
            let d = try SymbolicDifferentiation.jacobian(of: F(), inputs: 1, mode: mode, at: [10])
            XCTAssertEqual(try ExpressionGraph.shared.evaluate([d.outputs[0].id, d.jacobian[0][0].id], at: [Rational(10)]),
                           [10, 1], "\(mode)")
        }
        let h = try SymbolicDifferentiation.hessian(of: F(), inputs: 1, at: [10])
        XCTAssertEqual(try ExpressionGraph.shared.evaluate([h.jacobian[0][0].id], at: [Rational(10)]), [0])
        struct G: ADFunction {
            var inputCount: Int? { 1 }
            func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.powi(T.exp(x[0]), 400) / T.powi(T.exp(x[0]), 399)] }
        }
        XCTAssertThrowsError(try SymbolicDifferentiation.jacobian(of: G(), inputs: 1, at: [10])) { error in
            guard case ADError.nonFinite = error else { return XCTFail("\(error)") }
        }
    }

    /// Trial Q: ∂(x² + √y)/∂x = 2x is 2 at (1, 0), where ∂/∂y = 1/(2√y) is +∞. Asked for the x
    /// column only, the derivation was refused for the y column.
    func testOnlyTheColumnsAskedForAreCheckedAtThePoint() throws {
        struct F: ADFunction {
            var inputCount: Int? { 2 }
            func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] * x[0] + T.sqrt(x[1])] }
        }
        let d = try SymbolicDifferentiation.jacobian(of: F(), inputs: 2, at: [1, 0], wrt: [0])
        XCTAssertEqual(try ExpressionGraph.shared.evaluate([d.jacobian[0][0].id], at: [1.0, 0.0]), [2.0])
        XCTAssertThrowsError(try SymbolicDifferentiation.jacobian(of: F(), inputs: 2, at: [1, 0]))
        XCTAssertThrowsError(try SymbolicDifferentiation.jacobian(of: F(), inputs: 2, at: [1, 0], wrt: [1]))
        XCTAssertThrowsError(try SymbolicDifferentiation.jacobian(of: F(), inputs: 2, wrt: [2])) { error in
            guard case ADError.invalidArgument = error else { return XCTFail("\(error)") }
        }
    }
}

/// The comparisons a derivative decided without a point name their sides as formulas: they were
/// node ids, so sqrt's log read "3 < 1 taken as true", a false statement about the numbers 3 and 1.
final class BranchLogTextTests: XCTestCase {
    struct Relu: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [relu(x[0] * x[1])] } }

    func testUnboundComparisonsNameTheirSidesAsFormulas() throws {
        let d = try SymbolicDifferentiation.jacobian(of: Relu(), inputs: 2)
        XCTAssertFalse(d.unboundComparisons.isEmpty, "relu's rule compares its input with 0")
        // Without a point, decided at the generic point, whose first candidate has 2 < x0 < x1: x0·x1 > 0.
        for c in d.unboundComparisons {
            XCTAssert(c.contains("x0*x1") || c.contains("x1*x0"), "\(c): names the compared expression")
            XCTAssert(c == "0 < x0*x1 taken as true" || c == "0 < x1*x0 taken as true"
                      || c == "x0*x1 < 0 taken as false" || c == "x1*x0 < 0 taken as false"
                      || c == "x0*x1 == 0 taken as false" || c == "x1*x0 == 0 taken as false",
                      "\(c): not what x0·x1 → +∞ decides")
        }
    }
}

/// Which comparisons a derivative without a point reports: a branch of the function or a rule
/// on `==` too (it was decided silently: x == 0 ? 1 : sin(x)/x gave cos(x)/x − sin(x)/x² with an
/// empty log, undefined at 0 where the derivative is 0), and not the registry's own domain
/// checks (each division logged "x1 == 0 taken as false").
final class UnboundComparisonTests: XCTestCase {
    struct Sinc: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] == 0 ? 1 : T.sin(x[0]) / x[0]] }
    }
    struct Quotient: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.log(x[0]) / x[1] + T.sqrt(x[1])] }
    }

    func testEqualityIsADecisionAndDomainChecksAreNot() throws {
        let d = try SymbolicDifferentiation.jacobian(of: Sinc(), inputs: 1)
        XCTAssertTrue(d.unboundComparisons.contains("x0 == 0 taken as false"), "\(d.unboundComparisons)")
        let q = try SymbolicDifferentiation.jacobian(of: Quotient(), inputs: 2)
        XCTAssertEqual(q.unboundComparisons, [], "log, division and sqrt choose no form; their domains are checks")
        // expm1's rule chooses eˣ below −1 for accuracy: that choice is reported.
        struct Expm1: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.expm1(x[0])] } }
        XCTAssertEqual(try SymbolicDifferentiation.jacobian(of: Expm1(), inputs: 1).unboundComparisons, ["x0 < -1 taken as false"])
    }
}
