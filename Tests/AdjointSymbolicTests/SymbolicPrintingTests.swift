import XCTest
import AdjointCore
import AdjointExact
import AdjointFormula
@testable import AdjointSymbolic

enum Cube: UnaryPrimitive {
    static let name = "cube"
    static func primal<T: ADScalar>(_ x: T) -> T { x * x * x }
    static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { 3 * x * x }
}

/// Textbook derivatives, derived by hand, as golden text.
final class SymbolicPrintingTests: XCTestCase {
    func derivative(_ source: String, expand: Bool = true, syntax: ExpressionSyntax = .formula) throws -> [String] {
        let f = try Formula(parsing: source)
        let d = try SymbolicDifferentiation.jacobian(of: f, inputs: f.variables.count)
        let p = try ExpressionPrinter(variables: f.variables, syntax: syntax, expand: expand).print(d.entries.map(\.id))
        return p.definitions.map { "\($0.name) = \($0.text)" } + p.roots
    }

    func testLogProductSine() throws {
        // ∂/∂x1 = 1/x1 + x2, ∂/∂x2 = x1 − cos x2.
        XCTAssertEqual(try derivative("log(x1) + x1*x2 - sin(x2)"), ["x2 + 1/x1", "x1 - cos(x2)"])
    }

    func testTwoOverSineOfExp() throws {
        // d/dx 2/sin(e^{−x}) = −2 cos(e^{−x})·(−e^{−x}) / sin²(e^{−x}) = 2e^{−x}cos(e^{−x})/sin²(e^{−x}).
        XCTAssertEqual(try derivative("2/sin(exp(-x))"), ["2*(exp(-x)*cos(exp(-x))/sin(exp(-x))^2)"])
        XCTAssertEqual(try derivative("2/sin(exp(-x))", expand: false),
                       ["t1 = exp(-x)", "2*(t1*cos(t1)/sin(t1)^2)"])
        XCTAssertEqual(try derivative("2/sin(exp(-x))", syntax: .latex),
                       ["2 \\cdot \\frac{\\exp\\left(-x\\right) \\cdot \\cos\\left(\\exp\\left(-x\\right)\\right)}{\\sin\\left(\\exp\\left(-x\\right)\\right)^{2}}"])
        XCTAssertEqual(try derivative("2/sin(exp(-x))", syntax: .swift),
                       ["2.0 * (exp(-x) * cos(exp(-x)) / pow(sin(exp(-x)), 2))"])
    }

    func testPolarMap() throws {
        // (r cos t, r sin t): [[cos t, −r sin t], [sin t, r cos t]].
        XCTAssertEqual(try derivative("f(r, t) = r*cos(t); r*sin(t)"), ["cos(t)", "-r*sin(t)", "sin(t)", "r*cos(t)"])
    }

    func testSwiftOutputIsThePolarJacobianNumerically() throws {
        // The Swift text of ∂(r sin t)/∂t is r * cos(t): evaluate what it says by hand.
        let out = try derivative("f(r, t) = r*cos(t); r*sin(t)", syntax: .swift)
        XCTAssertEqual(out[3], "r * cos(t)")
    }

    func testUserPrimitiveIsANamedNodeWithItsDeclaredPartials() throws {
        let x = Symbolic.variable(0)
        XCTAssertEqual(try (Cube.apply(x) + x).formula(variables: ["x"]), "x + cube(x)")
        struct F: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [Cube.apply(T.sin(x[0]))] } }
        for mode in SymbolicMode.allCases {
            let d = try SymbolicDifferentiation.jacobian(of: F(), inputs: 1, mode: mode)
            // 3 sin²x · cos x, from Cube's declared derivative 3x².
            XCTAssertEqual(try d.jacobian[0][0].formula(variables: ["x"]), "3*(cos(x)*sin(x)^2)", "\(mode)")
            let v = try ExpressionGraph.shared.evaluate([d.jacobian[0][0].id], at: [0.7])[0]
            XCTAssertEqual(v, 3 * Foundation.sin(0.7) * Foundation.sin(0.7) * Foundation.cos(0.7), accuracy: 1e-14)
        }
    }

    func testSecondDerivativesOfATextbookPolynomial() throws {
        // f = x²y + e^y: f_xx = 2y, f_xy = 2x, f_yy = e^y.
        let f = try Formula(parsing: "x^2*y + exp(y)")
        let h = try SymbolicDifferentiation.hessian(of: f, inputs: 2)
        XCTAssertEqual(try h.entries.map { try $0.formula(variables: f.variables) }, ["2*y", "2*x", "2*x", "exp(y)"])
    }
}

/// Every rewrite holds for all reals; the ones that would not are refused.
final class SimplificationTests: XCTestCase {
    let x = Symbolic.variable(0), y = Symbolic.variable(1)
    func text(_ e: Symbolic) -> String { (try? e.formula(variables: ["x", "y"])) ?? "<not printed>" }

    func testIdentitiesThatHoldEverywhere() {
        XCTAssertEqual(text(x + 0), "x")
        XCTAssertEqual(text(1 * x), "x")
        XCTAssertEqual(text(x * 0), "0")
        XCTAssertEqual(text(-(-x)), "x")
        XCTAssertEqual(text(x * x), "x^2")
        XCTAssertEqual(text(2 * x + 3 * x), "5*x")
        XCTAssertEqual(text(x - x), "0")
        XCTAssertEqual(text(Symbolic(1) / 3 + Symbolic(1) / 7), "10/21")
        XCTAssertEqual(text(Symbolic(0.1) * 10), "1")   // the literal 0.1 is 1/10
    }

    func testRewritesThatWouldChangeTheDomainAreRefused() {
        XCTAssertEqual(text(x / x), "x/x")                    // undefined at 0, unlike 1
        XCTAssertEqual(text((1 / y) * 0), "0*(1/y)")          // undefined at y = 0
        XCTAssertEqual(text((1 / y) - (1 / y)), "1/y - 1/y")  // ∞ − ∞ at y = 0
        XCTAssertEqual(text(T.powi(x, -1) * T.powi(x, 2)), "x^(-1)*x^2")   // x⁻¹·x² is undefined at 0
        XCTAssertEqual(text(log(x) * 0), "0*log(x)")
    }

    func testSharedSubexpressionsAreOneNode() throws {
        let e = sin(x) * y
        XCTAssertEqual(e.id, (y * sin(x)).id)
        let twice = sin(x) * sin(x + y) + sin(x + y)
        let p = try ExpressionPrinter(variables: ["x", "y"], expand: false).print([twice.id])
        XCTAssertEqual(p.definitions.map(\.text), ["sin(y + x)"])
        XCTAssertEqual(p.roots, ["t1 + sin(x)*t1"])
    }

    typealias T = Symbolic
}

final class SwellTests: XCTestCase {
    /// Counts, not times: the expanded tree grows a power faster than the shared DAG and the tape.
    func testExpandedTreesSwellWhileTheSharedDAGAndTapeStayLinear() throws {
        let r = try SwellMeasurement.run(sizes: [4, 8, 16, 32, 64])
        for row in r.rows {
            let e = row.exponents
            XCTAssertEqual(e.dag ?? 0, 1, accuracy: 0.15, "\(row.family) DAG")
            XCTAssertEqual(e.tape ?? 0, 1, accuracy: 0.15, "\(row.family) tape")
            // Product and nested sin: n partials (or factors) of O(n) each, n². Network: 2L
            // parameters, each a product of O(L) factors tanh′(uⱼ) whose trees hold hⱼ, O(j): L³.
            XCTAssertEqual(e.tree ?? 0, row.family == .network ? 3 : 2, accuracy: 0.2, "\(row.family) tree")
        }
        // x1·…·xn: each of the n partials is a product of the n − 1 others: n(n − 2) multiplications.
        let product = try XCTUnwrap(r.rows.first { $0.family == .product })
        XCTAssertEqual(product.points.map(\.treeOps), [4, 8, 16, 32, 64].map { Double($0 * ($0 - 2)) })
        // sin∘…∘sin (n deep): the derivative is ∏ₖ cos(sinᵏ x), k = 0…n−1. Expanded, factor k has
        // k + 1 ops and n − 1 products join them: n(n + 1)/2 + n − 1. Shared: n − 1 sines, n
        // cosines, n − 1 products: 3n − 2.
        let nested = try XCTUnwrap(r.rows.first { $0.family == .nestedSin })
        let sizes = [4, 8, 16, 32, 64]
        let expectedTree: [Double] = sizes.map { n in Double(n * (n + 1) / 2 + n - 1) }
        XCTAssertEqual(nested.points.map(\.treeOps), expectedTree)
        XCTAssertEqual(nested.points.map(\.dagOps), [4, 8, 16, 32, 64].map { 3 * $0 - 2 })
        // The tape of x1·…·xn: n inputs and n − 1 products.
        XCTAssertEqual(product.points.map(\.tapeEntries), [4, 8, 16, 32, 64].map { 2 * $0 - 1 })
    }

    /// What a user trial saw: the table's titles off their columns, a 0 drawn at 1 on a log scale,
    /// no tick labels. x1·x2 has partials x2 and x1: 0 tree ops at n = 2 (n(n − 2) above).
    func testTableAndPlotShowWhatTheyMeasure() throws {
        let r = try SwellMeasurement.run(sizes: [2, 4, 8])
        let lines = r.table.split(separator: "\n").map(String.init)
        // Each title ends where its column's numbers end.
        let header = lines[0], row = lines[1]
        for title in ["n", "tree ops", "DAG ops", "tape entries"] {
            let end = try XCTUnwrap(header.range(of: title)).upperBound
            let column = header.distance(from: header.startIndex, to: end)
            XCTAssertNotEqual(row[row.index(row.startIndex, offsetBy: column - 1)], " ", "\(title)\n\(header)\n\(row)")
            if column < row.count { XCTAssertEqual(row[row.index(row.startIndex, offsetBy: column)], " ", "\(title)\n\(header)\n\(row)") }
        }
        let svg = r.svg
        for n in [2, 4, 8] { XCTAssertTrue(svg.contains(">\(n)</text>"), "tick label \(n)") }
        XCTAssertTrue(svg.contains("operations (log scale)"))
        XCTAssertTrue(svg.contains("not drawn (log scale): expanded tree 0 at n = 2"), svg)
        // The product's tree line starts at n = 4: its polyline has 2 points, not 3.
        let polylines = svg.components(separatedBy: "<polyline points=\"").dropFirst().map { $0.prefix { $0 != "\"" } }
        XCTAssertEqual(polylines.first?.split(separator: " ").count, 2, svg)
    }
}
