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
    /// nodes. Past the cap the derivation's graph refuses new nodes and the differentiation throws
    /// the typed limit, naming the graph that filled, instead of returning NaN in their place.
    func testTheGraphsNodeCountHasALimit() throws {
        struct Product: ADFunction {
            func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x.dropFirst().reduce(x[0], *)] }
        }
        // The Hessian of a 12-product has 12·11 nonzero entries, each a new product: more than 60
        // nodes with the first derivatives.
        XCTAssertThrowsError(try ExpressionGraph.withMaximumNodeCount(60) { try SymbolicDifferentiation.hessian(of: Product(), inputs: 12) }) { error in
            XCTAssertEqual(error as? ADError, .limitExceeded(what: "nodes built by one symbolic derivation (in a graph of its own, freed when the derivation ends)", limit: 60))
        }
        // The same cap holds a small derivation. ∂(abc) at (2, 3, 5) by hand: bc, ac, ab.
        let d = try ExpressionGraph.withMaximumNodeCount(60) { try SymbolicDifferentiation.jacobian(of: Product(), inputs: 3) }
        XCTAssertEqual(try graph.evaluate(d.entries.map(\.id), at: [2.0, 3.0, 5.0]), [15, 10, 6])
    }

    /// A review: every derivation built in the one process-wide graph, which never freed a node,
    /// so a runaway loop (no point, a test on the inputs) filled it to the cap and every later
    /// symbolic call in the process threw the limit. Each derivation now builds in a graph of its
    /// own and leaves only its results behind.
    func testARunawayDerivationLeavesNothingBehindAndLaterDerivationsWork() throws {
        struct Newton: ADFunction {
            func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
                var y = x[0], d = x[0]
                repeat { d = (y * y - x[0]) / (2 * y); y = y - d } while abs(d) > T(1e-12)
                return [y]
            }
        }
        struct SineChain: ADFunction {
            func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { var h = x[0]; for _ in 0..<1_000 { h = T.sin(h) }; return [h] }
        }
        let before = graph.count
        XCTAssertThrowsError(try ExpressionGraph.withMaximumNodeCount(5_000) { try SymbolicDifferentiation.jacobian(of: Newton(), inputs: 1) }) {
            guard case .limitExceeded(let what, 5_000)? = $0 as? ADError else { return XCTFail("\($0)") }
            XCTAssertTrue(what.hasPrefix("nodes built by one symbolic derivation"), what)
        }
        XCTAssertEqual(graph.count, before, "a failed derivation adds nothing to the shared graph")
        // Under the same cap: about 3,000 nodes (1,000 sines, cosines and products).
        let d = try ExpressionGraph.withMaximumNodeCount(5_000) { try SymbolicDifferentiation.jacobian(of: SineChain(), inputs: 1) }
        let numeric = try gradient(of: { SineChain()($0)[0] }, at: [0.5])[0]
        XCTAssertEqual(try graph.evaluate([d.jacobian[0][0].id], at: [0.5])[0], numeric, accuracy: 1e-15 * abs(numeric))
        // Only the results stay: the derivative's DAG and the output's.
        XCTAssertLessThanOrEqual(graph.count - before, try graph.size(of: d.symbols.map(\.id)).dagNodes)
    }

    /// What a derivation returns lives in the shared graph and stays valid across later calls;
    /// it is the node an expression built outside gets (hash-consing across graphs).
    func testResultsStayValidAcrossCalls() throws {
        struct Square: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] * x[0]] } }
        struct Cube: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] * x[0] * x[0]] } }
        let first = try SymbolicDifferentiation.jacobian(of: Square(), inputs: 1)
        let h = try SymbolicDifferentiation.hessian(of: Cube(), inputs: 1)
        let e = try SymbolicDifferentiation.expressions(of: Cube(), inputs: 1)
        // By hand: (x²)′ = 2x, (x³)″ = 6x.
        XCTAssertEqual(first.jacobian[0][0].id, (2 * x).id)
        XCTAssertEqual(try first.jacobian[0][0].formula(variables: ["x"]), "2*x")
        XCTAssertEqual(try graph.evaluate([first.jacobian[0][0].id, h.jacobian[0][0].id, e[0].id], at: [3.0]), [6, 18, 27])
        XCTAssertEqual(try GraphFunction(roots: [h.jacobian[0][0].id], inputs: 1)([2.0]), [12])
    }

    /// A symbol a function keeps from inside a derivation names a node of the derivation's graph,
    /// freed when it ends: used afterwards it is a typed error (or reported, where the call cannot
    /// throw), never another expression. A symbol from outside met inside is refused the same way.
    func testASymbolKeptFromAnEndedDerivationIsAnErrorNotAnotherExpression() throws {
        final class Box: @unchecked Sendable { var kept: Symbolic? }
        struct Keeper: ADFunction {
            let box: Box
            func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
                if let s = x[0] as? Symbolic { box.kept = sin(s) }
                return [x[0] * x[0]]
            }
        }
        let box = Box()
        _ = try SymbolicDifferentiation.expressions(of: Keeper(box: box), inputs: 1)
        let kept = try XCTUnwrap(box.kept)
        func assertForeign(_ body: @autoclosure () throws -> Any, line: UInt = #line) {
            XCTAssertThrowsError(try body(), line: line) {
                guard case .invalidArgument(let why)? = $0 as? ADError else { return XCTFail("\($0)", line: line) }
                XCTAssertTrue(why.contains("another expression graph") || why.contains("has ended"), why, line: line)
            }
        }
        assertForeign(try self.graph.evaluate([kept.id], at: [1.0]))
        assertForeign(try self.graph.reachable(from: [kept.id]))
        assertForeign(try GraphFunction(roots: [kept.id], inputs: 1))
        assertForeign(try kept.formula(variables: ["x"]))
        XCTAssertNil(graph.node(kept.id))
        for (what, body) in [("node", { _ = kept.node.head }), ("size", { _ = kept.size }), ("arithmetic", { _ = kept + self.x })] {
            let errors = Diagnostics.collect(body).diagnostics.errors
            guard case .invalidArgument(let why)? = errors.first else { XCTFail("\(what): \(errors)"); continue }
            XCTAssertTrue(why.contains("has ended"), why)
        }
        XCTAssertTrue(Diagnostics.quietly { kept + self.x }.constantValue?.isNaN == true)

        // A symbol of the shared graph used inside a derivation.
        struct Mixer: ADFunction {
            let outside: Symbolic
            func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
                if let s = x[0] as? Symbolic, let r = (s * outside) as? T { return [r] }
                return [x[0]]
            }
        }
        for derive in [{ _ = try SymbolicDifferentiation.jacobian(of: Mixer(outside: self.y), inputs: 1) },
                       { _ = try SymbolicDifferentiation.expressions(of: Mixer(outside: self.y), inputs: 1) }] {
            XCTAssertThrowsError(try derive()) {
                guard case .invalidArgument(let why)? = $0 as? ADError else { return XCTFail("\($0)") }
                XCTAssertTrue(why.contains("made outside the running derivation"), why)
            }
        }
    }

    /// The shared graph's own cap: a derivation's results that do not fit are an error naming it.
    func testResultsThatDoNotFitTheSharedGraphNameIt() throws {
        struct Fresh: ADFunction {   // constants no other test uses, so its results are new nodes
            func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
                var h = x[0]
                for k in 1...10 { h = h * h + T(Double(k) + 0.0123456789) }
                return [h]
            }
        }
        let saved = graph.maximumNodeCount
        defer { graph.maximumNodeCount = saved }
        graph.maximumNodeCount = graph.count + 3
        let before = graph.count
        XCTAssertThrowsError(try ExpressionGraph.withMaximumNodeCount(10_000) { try SymbolicDifferentiation.jacobian(of: Fresh(), inputs: 1) }) {
            guard case .limitExceeded(let what, _)? = $0 as? ADError else { return XCTFail("\($0)") }
            XCTAssertTrue(what.hasPrefix("nodes in the shared symbolic expression graph"), what)
            XCTAssertTrue(what.contains("the results of a derivation did not fit"), what)
        }
        XCTAssertLessThanOrEqual(graph.count, before + 3)
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

    /// A review: variable index Int.max trapped on overflow (its + 1, the count of inputs it
    /// needs) in GraphFunction and evaluate, where a negative index is a typed error.
    func testTheLargestVariableIndexIsATypedErrorNotATrap() throws {
        let v = Symbolic.variable(Int.max)
        for body in [{ _ = try GraphFunction(roots: [v.id], inputs: 1) }, { _ = try self.graph.evaluate([v.id], at: [1.0]) },
                     { _ = try self.graph.evaluate([(v + self.x).id], at: [1.0, 2.0]) }] {
            XCTAssertThrowsError(try body()) {
                XCTAssertEqual($0 as? ADError, .invalidArgument("variable index \(Int.max) is Int.max: no number of inputs holds it"))
            }
        }
        // The index below it is a variable like any other (it needs Int.max inputs).
        XCTAssertThrowsError(try GraphFunction(roots: [Symbolic.variable(Int.max - 1).id], inputs: 1)) {
            XCTAssertEqual($0 as? ADError, .dimensionMismatch(what: "inputs of a graph function (highest variable index + 1)", expected: Int.max, got: 1))
        }
    }

    /// A review: a constant p/q was evaluated as T(p)/T(q), three roundings once p passes 2⁵³,
    /// and 1.2088995980580641·x came out one ulp low at x = 1. Each scalar now gets the constant
    /// rounded once. Constants from the reviewer's fuzzer (float(p)/float(q) ≠ float(p/q) in
    /// Python); Float values are mpmath's rounding of p/q to 24 bits.
    func testAConstantIsRoundedOnceInEveryScalarType() throws {
        let cases: [(Double, Float)] = [(1.2088995980580641, 1.2088996171951294), (93.64405867994597, 93.64405822753906),
                                        (0.18984972911602638, 0.18984973430633545)]
        for (c, float) in cases {
            let e = Symbolic(c) * x
            XCTAssertEqual(try graph.evaluate([e.id], at: [1.0]), [c])
            XCTAssertEqual(try graph.evaluate([e.id], at: [Float(1)]), [float])
            // Dual<Double, SIMD8> and Reverse<Double>, whose T(p)/T(q) rounded as Double's did.
            let g = try GraphFunction(roots: [e.id], inputs: 1)
            XCTAssertEqual(try jacobianForward(of: { g($0) }, at: [1.0]).jacobian, [[c]])
            XCTAssertEqual(try jacobianReverse(of: { g($0) }, at: [1.0]).jacobian, [[c]])
        }
        // (x²·c)′ at 1 is 2c: Python's float(2*Fraction('1.2088995980580641')) is
        // 2.4177991961161283, as reverse mode on the function itself.
        struct F: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] * x[0] * T(1.2088995980580641)] } }
        let d = try SymbolicDifferentiation.jacobian(of: F(), inputs: 1)
        XCTAssertEqual(try graph.evaluate([d.jacobian[0][0].id], at: [1.0]), [2.4177991961161283])
        XCTAssertEqual(try gradient(of: { F()($0)[0] }, at: [1.0]), [2.4177991961161283])
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
