import XCTest
import AdjointCore
import AdjointCheck
@testable import AdjointSparse

/// x ↦ (x0·x1, x1·x2) with a VJP only: J = [[x1, x0, 0], [0, x2, x1]] by hand.
private enum NeighbourProductsVJPOnly: VectorPrimitive {
    static let name = "neighbour_products_vjp_only"
    static func primal(_ x: [Double]) -> [Double] { [x[0] * x[1], x[1] * x[2]] }
    static func vjp(at x: [Double], cotangent u: [Double]) -> [Double]? { [x[1] * u[0], x[0] * u[0] + x[2] * u[1], x[1] * u[1]] }
}

/// The same map with a JVP only.
private enum NeighbourProductsJVPOnly: VectorPrimitive {
    static let name = "neighbour_products_jvp_only"
    static func primal(_ x: [Double]) -> [Double] { [x[0] * x[1], x[1] * x[2]] }
    static func jvp(at x: [Double], direction v: [Double]) -> [Double]? { [x[1] * v[0] + x[0] * v[1], x[2] * v[1] + x[1] * v[2]] }
}

private struct Through<P: VectorPrimitive>: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { P.apply(x) }
}

/// A sparse Jacobian of a function with a user vector primitive: a rule the mode needs and the
/// primitive lacks is the typed error naming it, never a bare "non-finite entry (0, 0)".
final class SparseUserPrimitiveTests: XCTestCase {
    let x = [1.5, 2.0, -0.5]

    func testReverseModeUsesTheVJPAndForwardModeNamesTheMissingJVP() throws {
        let r = try sparseJacobian(of: Through<NeighbourProductsVJPOnly>(), at: x, mode: .reverse)
        XCTAssertEqual(r.matrix.dense(), [[2.0, 1.5, 0], [0, -0.5, 2.0]])
        XCTAssertThrowsError(try sparseJacobian(of: Through<NeighbourProductsVJPOnly>(), at: x, mode: .forward)) { e in
            XCTAssertEqual(e as? ADError, .missingRule(primitive: "neighbour_products_vjp_only", mode: "forward mode", needs: "JVP"), "\(e)")
        }
    }

    /// Found by a user trial: with a JVP only (JAX's custom_jvp) a forward sparse Jacobian, which
    /// needs nothing but the JVP, threw "neighbour_products_jvp_only has no VJP, which reverse mode
    /// (a sparse Jacobian records the function once to find its pattern, in either mode) needs".
    func testForwardModeNeedsOnlyTheJVP() throws {
        let r = try sparseJacobian(of: Through<NeighbourProductsJVPOnly>(), at: x, mode: .forward)
        XCTAssertEqual(r.matrix.dense(), [[2.0, 1.5, 0], [0, -0.5, 2.0]])   // [[x1, x0, 0], [0, x2, x1]] by hand
        XCTAssertEqual(r.reverseSweeps, 0)
    }

    /// Reverse mode sweeps the recording: the missing VJP is the error, as in the dense reverse
    /// Jacobian (no VJP is built from JVPs), and it says to use the other mode.
    func testReverseModeStillNamesTheMissingVJP() throws {
        XCTAssertThrowsError(try sparseJacobian(of: Through<NeighbourProductsJVPOnly>(), at: x, mode: .reverse)) { e in
            XCTAssertEqual(e as? ADError, .missingRule(primitive: "neighbour_products_jvp_only", mode: "reverse mode", needs: "VJP"), "\(e)")
            XCTAssertTrue("\(e)".contains("or use the other mode"), "\(e)")
        }
    }

    /// The pattern is structural, so it needs no rule at all; before, a JVP-only call threw the
    /// missing VJP.
    func testThePatternNeedsNoRule() throws {
        for f in [Through<NeighbourProductsJVPOnly>() as any ADFunction, Through<NeighbourProductsNoRule>(), Through<NeighbourProductsVJPOnly>()] {
            XCTAssertEqual(try jacobianSparsity(of: f, at: x).rowColumns, [[0, 1, 2], [0, 1, 2]], "dense: nothing declared")
        }
    }

    /// The example of `jacobianSparsity(of:at:primitives:)`'s doc comment, as written there.
    func testTheDocExample() throws {
        enum Pair: VectorPrimitive {   // (x0·x1, x1·x2), JVP only
            static let name = "pair"
            static func primal(_ x: [Double]) -> [Double] { [x[0] * x[1], x[1] * x[2]] }
            static func jvp(at x: [Double], direction v: [Double]) -> [Double]? { [x[1] * v[0] + x[0] * v[1], x[2] * v[1] + x[1] * v[2]] }
            static func sparsity(inputs n: Int) -> [[Int]]? { [[0, 1], [1, 2]] }
        }
        struct F: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { Pair.apply(x) } }
        XCTAssertEqual(try jacobianSparsity(of: F(), at: [1.0, 2.0, 3.0]).rowColumns, [[0, 1, 2], [0, 1, 2]])
        XCTAssertEqual(try jacobianSparsity(of: F(), at: [1.0, 2.0, 3.0], primitives: [Pair.self]).rowColumns, [[0, 1], [1, 2]])
    }

    /// y_i = Σ_{k ≤ i} x_k² with a JVP only, n = 20: J[i][k] = 2x_k for k ≤ i by hand. Rows 18
    /// and 19 have 19 and 20 nonzeros, over the dense-row threshold max(16, ⌈4√20⌉) = 18, which
    /// forward mode hands to one reverse sweep each: without a VJP they are coloured instead.
    func testDenseRowsAreColouredWhenThereIsNoVJP() throws {
        let x = (0..<20).map { Double($0 + 1) }
        let r = try sparseJacobian(of: Through<PrefixSquaresJVPOnly>(), at: x, mode: .forward, primitives: [PrefixSquaresJVPOnly.self])
        XCTAssertEqual(r.denseRows, [])
        XCTAssertEqual(r.reverseSweeps, 0)
        XCTAssertEqual(r.matrix.dense(), (0..<20).map { i in (0..<20).map { k in k <= i ? 2 * Double(k + 1) : 0 } })
        // With a VJP too the two rows are still split off (the economy is kept where it can run).
        XCTAssertEqual(try sparseJacobian(of: Through<PrefixSquares>(), at: x, mode: .forward, primitives: [PrefixSquares.self]).denseRows, [18, 19])
    }

    /// y_0 = x_0², y_i = x_0·x_i with a VJP only, n = 20: J[0][0] = 2x_0, J[i][0] = x_i, J[i][i] = x_0
    /// by hand. Column 0 has 20 nonzeros, over max(16, ⌈4√20⌉) = 18, which reverse mode hands to a
    /// forward pass: that threw "has no JVP, which forward mode needs" in the mode that needs only
    /// the VJP. Now every row is swept.
    func testDenseColumnsAreSweptWhenThereIsNoJVP() throws {
        let x = (0..<20).map { Double($0 + 1) }
        let r = try sparseJacobian(of: Through<FanOutVJPOnly>(), at: x, mode: .reverse, primitives: [FanOutVJPOnly.self])
        XCTAssertEqual(r.denseColumns, [])
        XCTAssertEqual(r.forwardPasses, 0)
        let expected = (0..<20).map { i in (0..<20).map { k -> Double in
            i == 0 ? (k == 0 ? 2 * x[0] : 0) : (k == 0 ? x[i] : (k == i ? x[0] : 0))
        } }
        XCTAssertEqual(r.matrix.dense(), expected)
        XCTAssertEqual(try sparseJacobian(of: Through<FanOut>(), at: x, mode: .reverse, primitives: [FanOut.self]).denseColumns, [0])
    }
}

/// (x0·x1, x1·x2) with no rule at all.
private enum NeighbourProductsNoRule: VectorPrimitive {
    static let name = "neighbour_products_no_rule"
    static func primal(_ x: [Double]) -> [Double] { [x[0] * x[1], x[1] * x[2]] }
}

/// y_i = Σ_{k ≤ i} x_k², with both rules and with a JVP only.
private enum PrefixSquares: VectorPrimitive {
    static let name = "prefix_squares"
    static func primal(_ x: [Double]) -> [Double] { x.indices.map { i in x[...i].reduce(0) { $0 + $1 * $1 } } }
    static func jvp(at x: [Double], direction v: [Double]) -> [Double]? { x.indices.map { i in (0...i).reduce(0) { $0 + 2 * x[$1] * v[$1] } } }
    static func vjp(at x: [Double], cotangent u: [Double]) -> [Double]? { x.indices.map { k in 2 * x[k] * u[k...].reduce(0, +) } }
    static func sparsity(inputs n: Int) -> [[Int]]? { (0..<n).map { Array(0...$0) } }
}
private enum PrefixSquaresJVPOnly: VectorPrimitive {
    static let name = "prefix_squares_jvp_only"
    static func primal(_ x: [Double]) -> [Double] { PrefixSquares.primal(x) }
    static func jvp(at x: [Double], direction v: [Double]) -> [Double]? { PrefixSquares.jvp(at: x, direction: v) }
    static func sparsity(inputs n: Int) -> [[Int]]? { PrefixSquares.sparsity(inputs: n) }
}

/// y_0 = x_0², y_i = x_0·x_i, with both rules and with a VJP only.
private enum FanOut: VectorPrimitive {
    static let name = "fan_out"
    static func primal(_ x: [Double]) -> [Double] { x.indices.map { $0 == 0 ? x[0] * x[0] : x[0] * x[$0] } }
    static func jvp(at x: [Double], direction v: [Double]) -> [Double]? {
        x.indices.map { $0 == 0 ? 2 * x[0] * v[0] : x[$0] * v[0] + x[0] * v[$0] }
    }
    static func vjp(at x: [Double], cotangent u: [Double]) -> [Double]? {
        x.indices.map { k in k == 0 ? 2 * x[0] * u[0] + (1..<x.count).reduce(0) { $0 + x[$1] * u[$1] } : x[0] * u[k] }
    }
    static func sparsity(inputs n: Int) -> [[Int]]? { (0..<n).map { $0 == 0 ? [0] : [0, $0] } }
}
private enum FanOutVJPOnly: VectorPrimitive {
    static let name = "fan_out_vjp_only"
    static func primal(_ x: [Double]) -> [Double] { FanOut.primal(x) }
    static func vjp(at x: [Double], cotangent u: [Double]) -> [Double]? { FanOut.vjp(at: x, cotangent: u) }
    static func sparsity(inputs n: Int) -> [[Int]]? { FanOut.sparsity(inputs: n) }
}

/// Two instances of one generic vector primitive: x ↦ (x0·x1, x2·x3) declares rows [[0, 1], [2, 3]];
/// x ↦ (x0·x3, x1·x2) declares [[0, 3], [1, 2]]. One name, as a generic type's name often is.
private enum Pairs<Order: PairOrder>: VectorPrimitive {
    static var name: String { "pairs" }
    static func primal(_ x: [Double]) -> [Double] { Order.rows.map { x[$0[0]] * x[$0[1]] } }
    static func jvp(at x: [Double], direction v: [Double]) -> [Double]? {
        Order.rows.map { x[$0[1]] * v[$0[0]] + x[$0[0]] * v[$0[1]] }
    }
    static func vjp(at x: [Double], cotangent u: [Double]) -> [Double]? {
        var g = [Double](repeating: 0, count: x.count)
        for (k, r) in Order.rows.enumerated() { g[r[0]] += x[r[1]] * u[k]; g[r[1]] += x[r[0]] * u[k] }
        return g
    }
    static func sparsity(inputs n: Int) -> [[Int]]? { Order.rows }
}
private protocol PairOrder { static var rows: [[Int]] { get } }
private enum Adjacent: PairOrder { static let rows = [[0, 1], [2, 3]] }
private enum Crossed: PairOrder { static let rows = [[0, 3], [1, 2]] }

final class SparseDeclaredNameTests: XCTestCase {
    /// By hand at (1, 2, 3, 4): (x0·x3, x1·x2) has J = [[4, 0, 0, 1], [0, 3, 2, 0]]. With both types
    /// passed (Adjacent last), the detection read Adjacent's rows [[0, 1], [2, 3]] for Crossed's call,
    /// and the sparse Jacobian was assembled on that wrong pattern with no error.
    func testTwoVectorPrimitivesOfOneNameAreRefusedNotMixedUp() throws {
        let x = [1.0, 2.0, 3.0, 4.0]
        let alone = try sparseJacobian(of: Through<Pairs<Crossed>>(), at: x, primitives: [Pairs<Crossed>.self])
        XCTAssertEqual(alone.matrix.dense(), [[4, 0, 0, 1], [0, 3, 2, 0]])
        XCTAssertThrowsError(try sparseJacobian(of: Through<Pairs<Crossed>>(), at: x,
                                                primitives: [Pairs<Crossed>.self, Pairs<Adjacent>.self])) { e in
            guard case let ADError.invalidArgument(why) = e else { return XCTFail("\(e)") }
            XCTAssertTrue(why.contains("\"pairs\""), why)
        }
        // Detection alone cannot throw: it keeps neither declaration (dense, never a false zero).
        let rec = try record({ Through<Pairs<Crossed>>()($0) }, at: x)
        XCTAssertEqual(jacobianSparsity(of: rec, primitives: [Pairs<Crossed>.self, Pairs<Adjacent>.self]).rowColumns,
                       [[0, 1, 2, 3], [0, 1, 2, 3]])
    }
}

/// `checkSparsity` with one-rule vector primitives: it checks in the mode the rule serves.
final class SparsityCheckOneRuleTests: XCTestCase {
    let x = [1.5, 2.0, -0.5]
    /// [[x1, x0, 0], [0, x2, x1]] by hand, the declared pattern [[0, 1], [1, 2]].
    let declared = [[0, 1], [1, 2]]

    /// Before: both threw (the JVP-only one the missing VJP of the recording, the VJP-only one
    /// the missing JVP of the forward passes), though each has the rule one mode needs.
    func testEachOneRulePrimitiveIsCheckedInTheModeItHas() throws {
        let j = try checkSparsity(of: Through<NeighbourProductsJVPOnly>(), at: x,
                                  pattern: try SparsityPattern(rows: 2, columns: 3, rowColumns: declared))
        XCTAssertTrue(j.passed)
        XCTAssertEqual(j.sparse.mode, .forward)
        XCTAssertEqual(j.sparse.matrix.dense(), [[2.0, 1.5, 0], [0, -0.5, 2.0]])
        let v = try checkSparsity(of: Through<NeighbourProductsVJPOnly>(), at: x,
                                  pattern: try SparsityPattern(rows: 2, columns: 3, rowColumns: declared))
        XCTAssertTrue(v.passed)
        XCTAssertEqual(v.sparse.mode, .reverse)
        XCTAssertEqual(v.sparse.matrix.dense(), [[2.0, 1.5, 0], [0, -0.5, 2.0]])
    }

    /// A wrong declaration is still found through either rule: (0, 1) left out, f0 = x0·x1 moves with x1.
    func testAFalseZeroIsFoundThroughEitherRule() throws {
        let wrong = try SparsityPattern(rows: 2, columns: 3, rowColumns: [[0], [1, 2]])
        for f in [Through<NeighbourProductsJVPOnly>() as any ADFunction, Through<NeighbourProductsVJPOnly>()] {
            XCTAssertThrowsError(try assertSparsity(of: f, at: x, pattern: wrong)) { e in
                guard case let SparsityCheckError.falseZeros(z)? = e as? SparsityCheckError else { return XCTFail("\(e)") }
                XCTAssertEqual(z.map { [$0.row, $0.column] }, [[0, 1]])
            }
        }
    }

    /// With neither rule nothing can be computed: the error names the primitive and a rule.
    func testNoRuleNamesThePrimitive() {
        XCTAssertThrowsError(try checkSparsity(of: Through<NeighbourProductsNoRule>(), at: x)) { e in
            guard case let ADError.missingRule(name, _, _)? = e as? ADError else { return XCTFail("\(e)") }
            XCTAssertEqual(name, "neighbour_products_no_rule")
        }
    }
}

/// y = (x0·x1, x1) declared [[0], [1]]: x0·x1 reads x1 too. By hand at (2, 3) J = [[3, 2], [0, 1]].
private enum ProductDeclaredWrong: VectorPrimitive {
    static let name = "product_declared_wrong"
    static func primal(_ x: [Double]) -> [Double] { [x[0] * x[1], x[1]] }
    static func jvp(at x: [Double], direction v: [Double]) -> [Double]? { [x[1] * v[0] + x[0] * v[1], v[1]] }
    static func vjp(at x: [Double], cotangent u: [Double]) -> [Double]? { [u[0] * x[1], u[0] * x[0] + u[1]] }
    static func sparsity(inputs n: Int) -> [[Int]]? { [[0], [1]] }
}

/// The same map declared right, [[0, 1], [1]], counting its rule calls.
private enum ProductDeclaredRight: VectorPrimitive {
    static let name = "product_declared_right"
    nonisolated(unsafe) static var ruleCalls = 0
    static func primal(_ x: [Double]) -> [Double] { [x[0] * x[1], x[1]] }
    static func jvp(at x: [Double], direction v: [Double]) -> [Double]? { ruleCalls += 1; return [x[1] * v[0] + x[0] * v[1], v[1]] }
    static func vjp(at x: [Double], cotangent u: [Double]) -> [Double]? { ruleCalls += 1; return [u[0] * x[1], u[0] * x[0] + u[1]] }
    static func sparsity(inputs n: Int) -> [[Int]]? { [[0, 1], [1]] }
}

/// Three calls of ProductDeclaredRight, on (x0, x1), again on (x0, x1), and on (x2, x3).
private struct ThreeCalls: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
        ProductDeclaredRight.apply([x[0], x[1]]) + ProductDeclaredRight.apply([x[0], x[1]]) + ProductDeclaredRight.apply([x[2], x[3]])
    }
}

/// A primitive's declared pattern was trusted by sparseJacobian: (x0·x1, x1) declared [[0], [1]]
/// gave ∂y₀/∂x₀ = 5 forward (3 by hand) and ∂y₁/∂x₁ = 3 reverse (1 by hand), with no error (a
/// review). It is now checked against the primitive's own rule at each call.
final class SparsePrimitiveDeclarationTests: XCTestCase {
    func testADeclarationLeavingOutADependencyIsRefusedNamingIt() throws {
        for (mode, rule) in [(SparseJacobianMode.forward, "JVP"), (.reverse, "VJP")] {
            XCTAssertThrowsError(try sparseJacobian(of: Through<ProductDeclaredWrong>(), at: [2.0, 3.0], mode: mode,
                                                    primitives: [ProductDeclaredWrong.self])) { e in
                guard let p = e as? PrimitiveSparsityError else { return XCTFail("\(mode): \(e)") }
                XCTAssertEqual(p.primitive, "product_declared_wrong")
                XCTAssertEqual(p.missing, [PatternEntry(row: 0, column: 1)])
                XCTAssertEqual(p.inputs, [2.0, 3.0])
                XCTAssertEqual(p.rule, rule)
                XCTAssertTrue(p.description.contains("output 0 does not read input 1"), p.description)
            }
            // Unpassed, the primitive is dense and the Jacobian right.
            let dense = try sparseJacobian(of: Through<ProductDeclaredWrong>(), at: [2.0, 3.0], mode: mode)
            XCTAssertEqual(dense.matrix.dense(), [[3, 2], [0, 1]])
        }
        // checkSparsity turns the verification off and lists the false zero itself.
        let r = try checkSparsity(of: Through<ProductDeclaredWrong>(), at: [2.0, 3.0], primitives: [ProductDeclaredWrong.self])
        XCTAssertEqual(r.falseZeros.map { [$0.row, $0.column] }, [[0, 1]])
    }

    /// A right declaration passes, and costs one rule call per distinct column (row) of it that
    /// holds a zero, per distinct call: [[0, 1], [1]] has one such column (input 0, read by output
    /// 0 only) and one such row (output 1), and the second of two identical calls in a row is not
    /// checked again.
    func testARightDeclarationPassesAtASmallCost() throws {
        let x = [2.0, 3.0, 5.0, 7.0]
        // By hand: y = (x0·x1, x1, x0·x1, x1, x2·x3, x3).
        let expected: [[Double]] = [[3, 2, 0, 0], [0, 1, 0, 0], [3, 2, 0, 0], [0, 1, 0, 0], [0, 0, 7, 5], [0, 0, 0, 1]]
        for mode in SparseJacobianMode.allCases {
            ProductDeclaredRight.ruleCalls = 0
            _ = try sparseJacobian(of: ThreeCalls(), at: x, mode: mode, options: SparseJacobianOptions(verifiesDeclaredPattern: false),
                                   primitives: [ProductDeclaredRight.self])
            let unchecked = ProductDeclaredRight.ruleCalls
            ProductDeclaredRight.ruleCalls = 0
            let j = try sparseJacobian(of: ThreeCalls(), at: x, mode: mode, primitives: [ProductDeclaredRight.self])
            XCTAssertEqual(j.matrix.dense(), expected, "\(mode)")
            XCTAssertEqual(ProductDeclaredRight.ruleCalls - unchecked, 2, "\(mode): one rule call for each of the two distinct calls")
        }
    }
}

/// (√x₀, √x₁), declared diagonal, which is right. At x₀ = 0 its rule is 0/0 = NaN on output 0
/// along x₁ alone (a zero direction component times the infinite ∂√x₀/∂x₀): no dependency, and
/// the declaration was blamed for it (a review). The sparse Jacobian is then non-finite, which is
/// its own error; the declaration check says nothing.
private enum SqrtPairDeclared: VectorPrimitive {
    static let name = "sqrt_pair_declared"
    static func primal(_ x: [Double]) -> [Double] { [x[0].squareRoot(), x[1].squareRoot()] }
    static func jvp(at x: [Double], direction v: [Double]) -> [Double]? { [v[0] / (2 * x[0].squareRoot()), v[1] / (2 * x[1].squareRoot())] }
    static func vjp(at x: [Double], cotangent u: [Double]) -> [Double]? { [u[0] / (2 * x[0].squareRoot()), u[1] / (2 * x[1].squareRoot())] }
    static func sparsity(inputs n: Int) -> [[Int]]? { [[0], [1]] }
}

final class SparseDeclarationInfiniteRuleTests: XCTestCase {
    struct ThroughPair: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { SqrtPairDeclared.apply(x) } }

    func testARightDeclarationIsNotBlamedForAnInfiniteDerivative() throws {
        for mode in [SparseJacobianMode.forward, .reverse] {
            XCTAssertThrowsError(try sparseJacobian(of: ThroughPair(), at: [0.0, 4.0], mode: mode, primitives: [SqrtPairDeclared.self])) { error in
                XCTAssertFalse(error is PrimitiveSparsityError, "\(mode): \(error)")
            }
            // Away from 0 it is the diagonal (1/(2√x)) by hand: 1/4 and 1/6 at (4, 9).
            let j = try sparseJacobian(of: ThroughPair(), at: [4.0, 9.0], mode: mode, primitives: [SqrtPairDeclared.self])
            XCTAssertEqual(j.matrix.dense(), [[0.25, 0], [0, 1.0 / 6]])
        }
    }
}
