import XCTest
import AdjointCore
import AdjointExact
@testable import AdjointSymbolic

/// Ids from nowhere and missing variables are typed errors (audit C11, W9); a non-finite
/// constant is reported (W8).
final class ExpressionGraphTests: XCTestCase {
    let graph = ExpressionGraph.shared
    let x = Symbolic.variable(0), y = Symbolic.variable(1)

    func assertInvalidArgument(_ body: @autoclosure () throws -> Any, line: UInt = #line) {
        XCTAssertThrowsError(try body(), line: line) { error in
            guard case .invalidArgument(let why)? = error as? ADError else { return XCTFail("\(error)", line: line) }
            XCTAssertTrue(why.contains("1000000000"), why, line: line)
        }
    }

    func testAnIdWithNoNodeIsNilOrAnError() throws {
        let bad = 1_000_000_000
        XCTAssertNil(graph.node(bad))
        XCTAssertNil(graph.node(-1))
        XCTAssertEqual(graph.node(x.id)?.head, .variable(0))
        XCTAssertFalse(graph.isProvablyFinite(bad))
        assertInvalidArgument(try self.graph.reachable(from: [bad]))
        assertInvalidArgument(try self.graph.size(of: [self.x.id, bad]))
        assertInvalidArgument(try self.graph.evaluate([bad], at: [1.0]))
        assertInvalidArgument(try ExpressionPrinter(variables: nil).print([bad]))
        assertInvalidArgument(try GraphFunction(roots: [bad], inputs: 1))
    }

    func testAMissingVariableIsADimensionMismatchNotNaN() throws {
        let e = (x * y).id
        XCTAssertEqual(try graph.evaluate([e], at: [2.0, 3.0]), [6.0])
        XCTAssertThrowsError(try graph.evaluate([e], at: [2.0])) { error in
            guard case .dimensionMismatch(_, let expected, let got)? = error as? ADError else { return XCTFail("\(error)") }
            XCTAssertEqual([expected, got], [2, 1])
        }
        XCTAssertThrowsError(try GraphFunction(roots: [e], inputs: 1))
        // A function of x alone needs one value, even with y in the graph.
        XCTAssertEqual(try graph.evaluate([sin(x).id], at: [0.0]), [0.0])
        XCTAssertEqual(try jacobian(of: try GraphFunction(roots: [e], inputs: 2), at: [2.0, 3.0]).jacobian, [[3.0, 2.0]])
    }

    func testNonFiniteConstantsAreReported() {
        for c in [Double.infinity, -.infinity, .nan] {
            let (e, d) = Diagnostics.collect { x * Symbolic(c) }
            XCTAssertEqual(d.errors.count, 1, "\(c)")
            guard case .nonFinite(let what, _, _)? = d.errors.first else { return XCTFail("\(c): \(d.errors)") }
            XCTAssertTrue(what.contains("\(c)"), what)
            XCTAssertEqual(try e.formula(variables: ["x"]), "nan*x")
        }
        XCTAssertEqual(Diagnostics.collect { Symbolic(0.25) }.diagnostics.errors, [])
    }

    func testSymbolicHessianHasTheNumericDimensionLimit() throws {
        struct Sum: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x.dropFirst().reduce(x[0], +)] } }
        XCTAssertThrowsError(try SymbolicDifferentiation.hessian(of: Sum(), inputs: 4097)) { error in
            XCTAssertEqual(error as? ADError, .limitExceeded(what: "Hessian dimension 4097", limit: 4096))
        }
        XCTAssertThrowsError(try SymbolicDifferentiation.hessian(of: Sum(), inputs: 3, maximumDimension: 2))
        // Σ xᵢ is linear: every second derivative is 0.
        XCTAssertEqual(try SymbolicDifferentiation.hessian(of: Sum(), inputs: 3, maximumDimension: 3).entries.map(\.constantValue), Array(repeating: 0, count: 9))
    }

    /// A user trial: `jac diff --order 2` on x₁·…·x₃₀₀₀ ran out of memory building ~9 million
    /// nodes. Past the cap the graph refuses new nodes and the differentiation throws the typed
    /// limit instead of returning NaN in their place.
    func testTheGraphsNodeCountHasALimit() throws {
        struct Product: ADFunction {
            func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x.dropFirst().reduce(x[0], *)] }
        }
        let graph = ExpressionGraph.shared
        let saved = graph.maximumNodeCount
        defer { graph.maximumNodeCount = saved }
        // Variables never used elsewhere in this process, so their products are new nodes.
        let vars = (7000..<7012).map { Symbolic.variable($0) }
        // The Hessian of a 12-product has 12·11 nonzero entries, each a new product: more than 20.
        graph.maximumNodeCount = graph.count + 20
        XCTAssertThrowsError(try SymbolicDifferentiation.hessian(of: GraphFunction(roots: [vars.dropFirst().reduce(vars[0], *).id], inputs: 7012), inputs: 7012, maximumDimension: 8000)) { error in
            XCTAssertEqual(error as? ADError, .limitExceeded(what: "nodes in the symbolic expression graph", limit: graph.maximumNodeCount))
        }
        let refused = graph.refusals
        XCTAssertGreaterThan(refused, 0)
        // Under the cap nothing is refused, and old nodes are still found past it.
        graph.maximumNodeCount = saved
        let d = try SymbolicDifferentiation.jacobian(of: Product(), inputs: 3)
        // ∂(abc) at (2, 3, 5) by hand: bc, ac, ab.
        XCTAssertEqual(try graph.evaluate(d.entries.map(\.id), at: [2.0, 3.0, 5.0]), [15, 10, 6])
        XCTAssertEqual(graph.refusals, refused)
    }

    /// A negative count or index is an error, not a trap: `jacobian(of:inputs: -1)` trapped in
    /// `0..<n`, and `Symbolic.variable(-1)` trapped hashing its index (and would have read x[-1]).
    func testNegativeCountsAndIndicesAreTypedErrors() throws {
        struct Square: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { x.map { $0 * $0 } } }
        for mode in SymbolicMode.allCases {
            XCTAssertThrowsError(try SymbolicDifferentiation.jacobian(of: Square(), inputs: -1, mode: mode)) {
                XCTAssertEqual($0 as? ADError, .invalidArgument("the number of inputs must be ≥ 0, got -1"))
            }
        }
        XCTAssertThrowsError(try SymbolicDifferentiation.hessian(of: Square(), inputs: -3))
        XCTAssertThrowsError(try SymbolicDifferentiation.expressions(of: Square(), inputs: -1))
        let (v, d) = Diagnostics.collect { Symbolic.variable(-1) }
        XCTAssertEqual(d.errors, [.invalidArgument("variable index -1 is negative: variables are numbered from 0")])
        XCTAssertTrue(v.constantValue?.isNaN == true)
        XCTAssertThrowsError(try ExpressionGraph.shared.evaluate([(v * Symbolic.variable(0)).id], at: [2.0])) {
            guard case .nonFinite? = $0 as? ADError else { return XCTFail("\($0)") }
        }
    }

    /// evaluate returned NaN for log(−1) and ∞ for 1/0 with no error (the ops' domain reports
    /// had no collector): a domain error names the op, a non-finite value says which expression.
    func testEvaluateReportsDomainErrorsAndNonFiniteValues() throws {
        let x = Symbolic.variable(0)
        XCTAssertThrowsError(try graph.evaluate([log(x).id], at: [-1.0])) {
            guard case .domain(let op, _, _, _)? = $0 as? ADError else { return XCTFail("\($0)") }
            XCTAssertEqual(op, "log")
        }
        XCTAssertThrowsError(try graph.evaluate([(1 / x).id], at: [0.0])) {
            guard case .domain? = $0 as? ADError else { return XCTFail("\($0)") }
        }
        let big = exp(x)
        XCTAssertThrowsError(try graph.evaluate([x.id, big.id], at: [1000.0])) {
            XCTAssertEqual(($0 as? ADError).map { "\($0)" }?.contains("expression id \(big.id)"), true, "\($0)")
        }
        XCTAssertEqual(try graph.evaluate([log(x).id], at: [1.0]), [0.0])
    }

    /// A Rational too large for a Double is exact and finite (``Rational/isFiniteValue``); evaluate
    /// judged it by its Double approximation (∞) and threw nonFinite for x²⁵⁶ at x = 10¹⁰, whose
    /// value is exactly 10²⁵⁶⁰.
    func testAnExactRationalBeyondDoubleRangeIsAValueNotAnError() throws {
        let x = Symbolic.variable(0)
        var e = x
        for _ in 0..<8 { e = e * e }   // x^256
        let ten10 = Rational(10_000_000_000)
        let v = try graph.evaluate([e.id], at: [ten10])
        var expected = Rational(1)
        for _ in 0..<256 { expected = expected * ten10 }
        XCTAssertEqual(v, [expected])
        XCTAssertThrowsError(try graph.evaluate([e.id], at: [1e10])) {
            guard case .nonFinite? = $0 as? ADError else { return XCTFail("\($0)") }
        }
    }

    /// Values at the edge of a domain are values: √0 = 0 and |0| = 0 are finite and no op's
    /// domain excludes them (their derivatives' troubles are not evaluate's).
    func testValuesAtADomainEdgeAreNotErrors() throws {
        let x = Symbolic.variable(0)
        XCTAssertEqual(try graph.evaluate([sqrt(x).id, abs(x).id], at: [0.0]), [0, 0])
    }
}
