import Foundation
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

    /// A user trial: LaTeX printed real powers as code, \operatorname{pow}\left(x, -\frac{2}{3}\right),
    /// and every product or sum nested to the right in parentheses, 2·(cos x·(t₂·(y·…))), which
    /// only the re-parsed text forms need (their evaluation order must survive).
    func testLatexTypesetsPowersAndDropsAssociativeParentheses() throws {
        // d/dx x^(1/3) = (1/3)·x^(−2/3); d/dx 2^x = log 2 · 2^x.
        XCTAssertEqual(try derivative("x^(1/3) + 2^x", syntax: .latex),
                       ["\\frac{1}{3} \\cdot x^{-\\frac{2}{3}} + \\log\\left(2\\right) \\cdot 2^{x}"])
        // ∂(x + 1)^y/∂y = (x + 1)^y · log(x + 1): the sum base is bracketed.
        XCTAssertEqual(try derivative("(x + 1)^y", syntax: .latex)[1],
                       "\\left(x + 1\\right)^{y} \\cdot \\log\\left(x + 1\\right)")
        // d/dx (x^y)^2 = 2·x^y·(y·x^(y−1)): one flat product in LaTeX, nested in the text form.
        XCTAssertEqual(try derivative("pow(x, y)^2", syntax: .latex)[0],
                       "2 \\cdot x^{y} \\cdot y \\cdot x^{y - 1}")
        XCTAssertEqual(try derivative("pow(x, y)^2")[0], "2*(pow(x, y)*(y*pow(x, y - 1)))")
        // A difference keeps its brackets: ∂(w·(y − z)·x)/∂x = w·(y − z).
        XCTAssertEqual(try derivative("w*(y - z)*x", syntax: .latex)[3], "w \\cdot \\left(y - z\\right)")
    }

    /// A review: a constant whose denominator is 2ᵃ5ᵇ printed as p/q, which Double evaluates with
    /// three roundings once p passes 2⁵³ (one ulp low here). Its exact decimal prints instead, in
    /// every syntax: 2·1.2088995980580641 = 2.4177991961161282 exactly (Python's Decimal), which
    /// reads back exactly and, in Double, as Python's float(2*Fraction('1.2088995980580641')).
    func testAConstantWithADecimalDenominatorPrintsAsItsExactDecimal() throws {
        XCTAssertEqual(try derivative("x^2*1.2088995980580641"), ["2.4177991961161282*x"])
        XCTAssertEqual(try derivative("x^2*1.2088995980580641", syntax: .latex), ["2.4177991961161282 \\cdot x"])
        XCTAssertEqual(try derivative("x^2*1.2088995980580641", syntax: .swift), ["2.4177991961161282 * x"])
        XCTAssertEqual(Double("2.4177991961161282"), 2.4177991961161283)
        let f = try Formula(parsing: "2.4177991961161282*x")
        XCTAssertEqual(try ExpressionGraph.shared.evaluate(try SymbolicDifferentiation.expressions(of: f, inputs: 1).map(\.id), at: [1.0]),
                       [2.4177991961161283])
        // Negative, and below 1 (leading zeros); a denominator with a factor 3 stays a fraction.
        XCTAssertEqual(try derivative("-x*1.2088995980580641/400"), ["-0.00302224899514516025"])
        XCTAssertEqual(try derivative("x*1.2088995980580641/3"), ["12088995980580641/30000000000000000"])
    }

    /// LaTeX printed Swift's Double text, 2e-300, which TeX sets as the product 2e minus 300
    /// ("2e − 300·x"). Scientific notation there is mantissa · 10^{exponent}: d/dx 10⁻³⁰⁰x² =
    /// 2·10⁻³⁰⁰x and d/dx 1.5·10⁻⁷x² = 3·10⁻⁷x by hand; as the base of a power it is bracketed.
    /// The other syntaxes keep the literal, which they read back.
    func testLatexWritesScientificConstantsAsPowersOfTen() throws {
        XCTAssertEqual(try derivative("1e-300*x^2", syntax: .latex), ["2 \\cdot 10^{-300} \\cdot x"])
        XCTAssertEqual(try derivative("1.5e-7*x^2", syntax: .latex), ["3 \\cdot 10^{-7} \\cdot x"])
        XCTAssertEqual(try derivative("-2.5e-7*x^2", syntax: .latex), ["-5 \\cdot 10^{-7} \\cdot x"])
        XCTAssertEqual(try derivative("1e-30*x*y", syntax: .latex), ["10^{-30} \\cdot y", "10^{-30} \\cdot x"])
        XCTAssertEqual(try derivative("x*(1.5e-7)^y", syntax: .latex)[0], "\\left(1.5 \\cdot 10^{-7}\\right)^{y}")
        XCTAssertEqual(try derivative("1e-300*x^2"), ["2e-300*x"])
        XCTAssertEqual(try derivative("1e-300*x^2", syntax: .swift), ["2e-300 * x"])
    }

    /// A review: LaTeX printed (x/y)³ as \frac{x}{y}^{3}, which reads as x/y³. A fraction that is
    /// a power's base is bracketed; elsewhere (a coefficient, negated) it stays bare.
    func testAPowerOfAFractionIsBracketedInLatex() throws {
        let x = Symbolic.variable(0), y = Symbolic.variable(1)
        let third = Symbolic(constant: Rational(numerator: 1, denominator: 3))
        let latex = ExpressionPrinter(variables: ["x", "y"], syntax: .latex)
        XCTAssertEqual(try latex.print([Symbolic.powi(x / y, 3).id, Symbolic.pow(x / y, y).id, Symbolic.pow(third, x).id]).roots,
                       ["\\left(\\frac{x}{y}\\right)^{3}", "\\left(\\frac{x}{y}\\right)^{y}", "\\left(\\frac{1}{3}\\right)^{x}"])
        XCTAssertEqual(try latex.print([(third * x).id, (-third * x).id, (-third).id, (y / x + x).id]).roots,
                       ["\\frac{1}{3} \\cdot x", "-\\frac{1}{3} \\cdot x", "-\\frac{1}{3}", "x + \\frac{y}{x}"])
        // The text form brackets the base already.
        XCTAssertEqual(try Symbolic.powi(x / y, 3).formula(variables: ["x", "y"]), "(x/y)^3")
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

    /// x⁰ is 1 only where x is defined. (1/y)⁰ + y printed as y + 1: defined at y = 0, where the
    /// function and every numeric mode are not (division by zero). By hand the function is y + 1
    /// wherever y ≠ 0, so its value at y = 2 is 3 and its derivative 1; at y = 0 it is undefined.
    /// (The derivative expression is 1: powi's partial n·x^(n−1) at n = 0 is a rule's zero, a
    /// path the derivative does not take, as for every structural zero.)
    func testAZeroPowerOfAnUndefinedExpressionIsKept() throws {
        XCTAssertEqual(text(T.powi(x, 0)), "1")                         // x is finite everywhere
        XCTAssertEqual(text(T.powi(1 / y, 0)), "(1/y)^0")
        XCTAssertEqual(text(T.powi(log(x), 0) * y), "y*log(x)^0")
        let f = try Formula(parsing: "(1/y)^0 + y", variables: ["y"])
        let e = try SymbolicDifferentiation.expressions(of: f, inputs: 1)[0]
        let printed = try Formula(parsing: try e.formula(variables: ["y"]), variables: ["y"])
        XCTAssertThrowsError(try value(of: f, at: [0.0]))
        XCTAssertThrowsError(try value(of: printed, at: [0.0]), "the printed function must be undefined where f is")
        XCTAssertEqual(try value(of: printed, at: [2.0]), [3])
        let d = try SymbolicDifferentiation.jacobian(of: f, inputs: 1)
        XCTAssertEqual(try value(of: GraphFunction(roots: [d.entries[0].id], inputs: 1), at: [2.0]), [1])
        // Bound to y = 0 the derivation reports the function's division by zero, as numeric modes do.
        for mode in SymbolicMode.allCases {
            XCTAssertThrowsError(try SymbolicDifferentiation.jacobian(of: f, inputs: 1, mode: mode, at: [0])) {
                guard case ADError.domain(let op, _, _, _) = $0 else { return XCTFail("\(mode): \($0)") }
                XCTAssertEqual(op, "div")
            }
        }
    }

    /// Simplification combines constants the expression keeps apart: (a/b)·(c/d) → (ac)/(bd),
    /// c·(d·t) → (cd)·t, like terms, quotients of coefficients. (1e200/x)·(1e200/y) became
    /// 10⁴⁰⁰/(y·x) (an exact rational), which is ∞ in Double: the printed function, read back,
    /// was ∞ at x = y = 1e150, where the expression is 1e50·1e50 = 1e100. A constant below
    /// Double's normal range did the same towards 0. Values by hand, at points where every
    /// intermediate of the expression as written is a normal Double.
    func testCombinedConstantsStayWithinDouble() throws {
        let cases: [(String, Symbolic, [Double], Double)] = [
            ("(1e200/x)*(1e200/y)", (1e200 / x) * (1e200 / y), [1e150, 1e150], 1e100),   // 1e50·1e50
            ("(x/1e200)*(y/1e200)", (x / 1e200) * (y / 1e200), [1e300, 1e300], 1e200),   // 1e100·1e100
            ("(x/1e200)/1e200", (x / 1e200) / 1e200, [1e300, 1], 1e-100),                 // 1e100/1e200
            ("1e200*(1e200*x)", 1e200 * (1e200 * x), [1e-300, 1], 1e100),                 // 1e200·1e-100
            ("1e308*x + 1e308*x", 1e308 * x + 1e308 * x, [0.5, 1], 1e308),                // 5e307 + 5e307
            ("1e308*x - (-1e308)*x", 1e308 * x - (-1e308) * x, [0.5, 1], 1e308),
            ("(1e200*x)/(1e-200*y)", (1e200 * x) / (1e-200 * y), [1e-100, 1], 1e300),     // 1e100/1e-200
            ("1e200/(1e-200*x)", 1e200 / (1e-200 * x), [1e100, 1], 1e300),                // 1e200/1e-100
            ("(1e-200*x)*(1e-200*y)", (1e-200 * x) * (1e-200 * y), [1e150, 1e150], 1e-100), // 1e-50·1e-50
            ("1e-200/(1e200*x)", 1e-200 / (1e200 * x), [1e-300, 1], 1e-100),              // 1e-200/1e-100
            ("(x + 1e308) + 1e308", (x + 1e308) + 1e308, [-1.5e308, 1], 5e307),            // -5e307 + 1e308
        ]
        for (source, e, at, expected) in cases {
            let printed = text(e)
            XCTAssertEqual(try Formula(parsing: printed, variables: ["x", "y"])(at)[0], expected,
                           accuracy: 1e-14 * expected, "\(source) printed as \(printed)")
            XCTAssertEqual(try value(of: GraphFunction(roots: [e.id], inputs: 2), at: at)[0], expected,
                           accuracy: 1e-14 * expected, "\(source) simplified to \(printed)")
        }
        // Within range the constants still combine.
        XCTAssertEqual(text((2 / x) * (3 / y)), "6/(y*x)")
        XCTAssertEqual(text(1e100 * (1e100 * x)), text(Symbolic(1e100) * Symbolic(1e100) * x))
    }

    /// A user trial read `1/t1^2 + (-3) - 2*t2`.
    func testANegativeConstantIsSubtracted() {
        XCTAssertEqual(text(x + Symbolic(-3)), "x - 3")
        XCTAssertEqual(text(Symbolic(-3) + x), "x - 3")
        XCTAssertEqual(text(x + Symbolic(-1) / 2), "x - 0.5")
    }

    /// The formula language's e is the Double nearest e, not e: e^x is pow(2.718281828459045, x),
    /// and printing it as exp(x) (tried for looks) changed its value by 3.7e-14 relative at
    /// x = 700, 170 ulps away from every numeric mode (a review). The printed derivative keeps
    /// the base, and its value is the numeric modes' (reverse mode at 700).
    func testEToAPowerKeepsTheValueOfTheNumericModes() throws {
        let f = try Formula(parsing: "e^x")
        let d = try SymbolicDifferentiation.jacobian(of: f, inputs: 1)
        XCTAssertEqual(try d.entries[0].formula(variables: ["x"]), "pow(2.718281828459045, x)*log(2.718281828459045)")
        let numeric = try gradient(of: { x in f(x)[0] }, at: [700.0])[0]
        let printed = try Formula(parsing: try d.entries[0].formula(variables: ["x"]))([700.0])[0]
        XCTAssertEqual(printed, numeric)
    }

    /// `jac diff "x^2.0"` printed 2*pow(x, 1), which re-parses as the integer power x^1: defined
    /// at x = −1 where the real pow of the formula is not.
    func testARealPowerWithAnIntegerExponentReparsesAsARealPower() throws {
        let f = try Formula(parsing: "x^2.0")
        let d = try SymbolicDifferentiation.jacobian(of: f, inputs: 1)
        let printed = try d.entries[0].formula(variables: ["x"])
        XCTAssertEqual(printed, "2*pow(x, 1.0)")
        let back = try Formula(parsing: printed, variables: ["x"])
        XCTAssertTrue(back.usedOps.contains(.pow), "\(back.usedOps)")
        XCTAssertFalse(back.usedOps.contains(.powi), "\(back.usedOps)")
        XCTAssertEqual(try value(of: back, at: [3.0]), [6])
    }

    func testSharedSubexpressionsAreOneNode() throws {
        let e = sin(x) * y
        XCTAssertEqual(e.id, (y * sin(x)).id)
        let twice = sin(x) * sin(x + y) + sin(x + y)
        let p = try ExpressionPrinter(variables: ["x", "y"], expand: false).print([twice.id])
        XCTAssertEqual(p.definitions.map(\.text), ["sin(y + x)"])
        XCTAssertEqual(p.roots, ["t1 + sin(x)*t1"])
    }

    /// Audit C6: abs(Int.min), k1 + k2 and k·n trapped on exponents near the integer limits.
    func testExponentsNearTheIntegerLimitsAreLeftUnmergedNotTrapped() {
        XCTAssertEqual(text(T.powi(T(2), Int.min)), "2^(-9223372036854775808)")
        XCTAssertEqual(text(T.powi(T.powi(x, 3), Int.max / 2)), "(x^3)^4611686018427387903")
        XCTAssertEqual(text(T.powi(x, Int.max) * x), "x*x^9223372036854775807")
        XCTAssertEqual(text(T.powi(x, Int.min) * T.powi(x, -1)), "x^(-1)*x^(-9223372036854775808)")
        // Where the result fits, powers still merge: (x³)⁵ = x¹⁵, x³·x⁴ = x⁷.
        XCTAssertEqual(text(T.powi(T.powi(x, 3), 5)), "x^15")
        XCTAssertEqual(text(T.powi(x, 3) * T.powi(x, 4)), "x^7")
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

    /// A user trial: `jac complexity --swell 800` failed with a non-finite output, since the
    /// product was recorded at xᵢ = 0.5 + 0.01i and overflows from n ≈ 700; help accepts 4096.
    /// The counts are the hand derivations above, at the largest size.
    func testEveryFamilyMeasuresAtTheLargestSize() throws {
        let n = SwellMeasurement.maxSize
        XCTAssertEqual(n, 4096)
        let r = try SwellMeasurement.run(sizes: [n])
        let product = try XCTUnwrap(r.rows.first { $0.family == .product }?.points.first)
        XCTAssertEqual(product.treeOps, Double(n * (n - 2)))
        XCTAssertEqual(product.tapeEntries, 2 * n - 1)
        let nested = try XCTUnwrap(r.rows.first { $0.family == .nestedSin }?.points.first)
        XCTAssertEqual(nested.treeOps, Double(n * (n + 1) / 2 + n - 1))
        XCTAssertEqual(nested.dagOps, 3 * n - 2)
        XCTAssertEqual(nested.tapeEntries, n + 1)   // x and n sines
        // L layers: x and 2L parameters, then ·, +, tanh per layer.
        let network = try XCTUnwrap(r.rows.first { $0.family == .network }?.points.first)
        XCTAssertEqual(network.tapeEntries, (2 * n + 1) + 3 * n)
    }

    /// Audit C10: size 0 read x[0] of no input; a negative size built an invalid range.
    func testFunctionSizesOutsideTheBoundsThrow() throws {
        for family in SwellFamily.allCases {
            for n in [0, -1, Int.min, SwellMeasurement.maxSize + 1, Int.max] {
                XCTAssertThrowsError(try family.function(n), "\(family) \(n)") { error in
                    guard case .invalidArgument? = error as? ADError else { return XCTFail("\(error)") }
                }
            }
        }
        // x1·x2·x3 at (1, 2, 3): partials 6, 3, 2 by hand.
        XCTAssertEqual(try jacobian(of: try SwellFamily.product.function(3), at: [1.0, 2.0, 3.0]).jacobian, [[6, 3, 2]])
        XCTAssertEqual(try SwellFamily.nestedSin.function(1)([0.5])[0], Foundation.sin(0.5))
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

extension SymbolicPrintingTests {
    /// A user trial: `jac complexity --swell 5 --plot` drew three empty panels (a polyline through
    /// one point draws nothing, and the point sat on the left frame). Each point is a marker now,
    /// a single size centred in its panel.
    func testASingleSizeSwellPlotShowsItsPoints() throws {
        let svg = try SwellMeasurement.run(sizes: [5]).svg
        let circles = svg.components(separatedBy: "<circle cx=\"").dropFirst().map { Double($0.prefix { $0 != "\"" }) }
        XCTAssertEqual(circles.count, 9, svg)   // three families × tree, DAG, tape
        // Each panel's frame: <rect x="x0" … width="w" …>; its markers sit at x0 + w/2.
        let frames = svg.components(separatedBy: "<rect x=\"").dropFirst().compactMap { chunk -> (Double, Double)? in
            guard let x = Double(chunk.prefix { $0 != "\"" }),
                  let w = chunk.components(separatedBy: "width=\"").dropFirst().first.flatMap({ Double($0.prefix { $0 != "\"" }) })
            else { return nil }
            return (x, w)
        }
        XCTAssertEqual(frames.count, 3, svg)
        for (k, c) in circles.enumerated() {
            let (x0, w) = frames[k / 3]
            XCTAssertEqual(try XCTUnwrap(c), x0 + w / 2, accuracy: 1e-6, svg)
        }
    }
}

/// Deep and large expressions (audit C3): printed exactly, with no recursion and no per-node
/// copy of a subtree's text, and refused with a typed error past the stated size.
final class PrintingScaleTests: XCTestCase {
    func nestedSin(_ n: Int) -> Symbolic {
        var h = Symbolic.variable(0)
        for _ in 0..<n { h = sin(h) }
        return h
    }

    func testADeepExpressionPrintsExactly() throws {
        // The text of sin∘…∘sin (n deep) is known without the printer. The old printer kept
        // every subtree's text (O(n²) bytes); counts, not times, are what a test can assert.
        let n = 5_000
        let expected = String(repeating: "sin(", count: n) + "x" + String(repeating: ")", count: n)
        XCTAssertEqual(try nestedSin(n).formula(variables: ["x"]), expected)
        XCTAssertEqual(try ExpressionPrinter(variables: ["x"], syntax: .latex).print([nestedSin(n).id]).roots,
                       [String(repeating: "\\sin\\left(", count: n) + "x" + String(repeating: "\\right)", count: n)])
    }

    /// (d/dx) sin∘…∘sin (n deep) = ∏ₖ cos(sinᵏ x), k = 0…n−1, computed here in Double without
    /// any symbolic code; the printed derivative, parsed back, must give it in both forms.
    func testADeepDerivativePrintedExpandedAndSharedEvaluatesToTheChainRuleProduct() throws {
        let n = 300, x = 0.7
        var h = x, product = 1.0
        for _ in 0..<n { product *= Foundation.cos(h); h = Foundation.sin(h) }
        let d = try SymbolicDifferentiation.jacobian(of: SwellFamily.nestedSin.function(n), inputs: 1)
        for expand in [true, false] {
            let out = try ExpressionPrinter(variables: ["x"], expand: expand).print([d.jacobian[0][0].id])
            XCTAssertEqual(out.definitions.isEmpty, expand)
            let v = try evaluatePrinted(out, variables: ["x"], at: [x])[0]
            // n sines, n cosines and n − 1 products, each rounded once (≤ 2⁻⁵³ relative): about
            // 3n·2⁻⁵³ ≈ 1e-13 to first order (an error in sinᵏx shrinks through each later sine,
            // |cos| < 1). 1e-12 is ten times that.
            XCTAssertEqual(v, product, accuracy: 1e-12 * Swift.abs(product), "expand: \(expand)")
        }
    }

    func testOutputPastTheLimitIsATypedErrorAndTheLimitItselfFits() throws {
        // sin∘…∘sin 10 deep over x is 4·10 + 1 + 10 = 51 bytes.
        let e = nestedSin(10)
        XCTAssertEqual(try ExpressionPrinter(variables: ["x"], maxOutputBytes: 51).print([e.id]).roots[0].utf8.count, 51)
        XCTAssertThrowsError(try ExpressionPrinter(variables: ["x"], maxOutputBytes: 50).print([e.id])) { error in
            guard case .limitExceeded(_, let limit)? = error as? ADError else { return XCTFail("\(error)") }
            XCTAssertEqual(limit, 50)
        }
        // Expression swell: the expanded derivative of a 2,000-deep chain is about n²/2·5 ≈ 10 MB;
        // the limit stops it at 1 MB, whatever the total would be.
        let d = try SymbolicDifferentiation.jacobian(of: SwellFamily.nestedSin.function(2_000), inputs: 1)
        XCTAssertThrowsError(try ExpressionPrinter(variables: ["x"], expand: true, maxOutputBytes: 1 << 20)
            .print([d.jacobian[0][0].id])) { error in
            guard case .limitExceeded(_, let limit)? = error as? ADError else { return XCTFail("\(error)") }
            XCTAssertEqual(limit, 1 << 20)
        }
        // Shared, the same derivative is small (3n − 2 operations) and prints.
        XCTAssertNoThrow(try ExpressionPrinter(variables: ["x"], expand: false, maxOutputBytes: 1 << 20).print([d.jacobian[0][0].id]))
    }

    /// Audit W3: `t1` as a variable made the printer define `t1 = x*t1`.
    /// Printed text names each variable once. Variables ["x", "x"] printed x₀ + x₁ as "x + x",
    /// which reads back as 2x (a round trip that changes the value: 2 + 3 = 5 against 2·2 = 4 at
    /// (2, 3)); ["x1"] named x₀ "x1" beside x₁'s default name "x1"; an empty name printed nothing;
    /// an empty intermediate prefix named shared subexpressions 1, 2, … like numbers.
    func testVariablesPrintedAlikeOrUnnamedAreTypedErrors() throws {
        let x = Symbolic.variable(0), y = Symbolic.variable(1)
        let sum = (x + y).id
        for (names, message) in [(["x", "x"], "variables 0 and 1 would both be printed as \"x\": give each its own name"),
                                 (["x1"], "variables 0 and 1 would both be printed as \"x1\": give each its own name"),
                                 (["", "y"], "variable 0 has an empty name")] {
            XCTAssertThrowsError(try ExpressionPrinter(variables: names).print([sum])) {
                XCTAssertEqual($0 as? ADError, .invalidArgument(message), "\(names)")
            }
            XCTAssertThrowsError(try (x + y).formula(variables: names), "\(names)")
        }
        // Unused listed duplicates do not matter, and distinct names print as before.
        XCTAssertEqual(try ExpressionPrinter(variables: ["x", "y", "y"]).print([sum]).roots, ["y + x"])
        let shared = Symbolic.sin(x * y)
        XCTAssertThrowsError(try ExpressionPrinter(variables: ["x", "y"], expand: false, intermediatePrefix: "").print([(shared * shared + shared).id]))
        XCTAssertNoThrow(try ExpressionPrinter(variables: ["x", "y"], expand: false).print([(shared * shared + shared).id]))
    }

    func testIntermediatesNeverTakeAVariablesName() throws {
        let f = try Formula(parsing: "sin(t1*x)*sin(t1*x) + t1*exp(t1*x)")
        XCTAssertEqual(f.variables, ["t1", "x"])
        let d = try SymbolicDifferentiation.jacobian(of: f, inputs: 2)
        for syntax in ExpressionSyntax.allCases {
            let out = try ExpressionPrinter(variables: f.variables, syntax: syntax, expand: false).print(d.entries.map(\.id))
            XCTAssertFalse(out.definitions.isEmpty, "\(syntax)")
            XCTAssertTrue(Set(out.definitions.map(\.name)).isDisjoint(with: f.variables), "\(syntax): \(out.definitions.map(\.name))")
        }
        // Read back in order, the definitions and roots give the reverse-mode Jacobian.
        let out = try ExpressionPrinter(variables: f.variables, expand: false).print(d.entries.map(\.id))
        let x = [0.3, 1.1]
        let reference = try jacobianReverse(of: { f($0) }, at: x).jacobian[0]
        let got = try evaluatePrinted(out, variables: f.variables, at: x)
        for (g, r) in zip(got, reference) { XCTAssertEqual(g, r, accuracy: 1e-14 * Swift.abs(r)) }
        // A variable named like the fallback prefix too: the prefix grows until it is free.
        let names = ["t1", "t_2"]
        let y = (Symbolic.variable(0) * Symbolic.variable(1))
        let shared = try ExpressionPrinter(variables: names, expand: false).print([sin(y).id, cos(y).id])
        XCTAssertEqual(shared.definitions.map(\.name), ["t__1"])
        // A listed variable the expressions do not use is still taken: Swift output is pasted
        // where every variable is declared.
        let unused = try ExpressionPrinter(variables: ["a", "b", "t1"], expand: false).print([sin(y).id, cos(y).id])
        XCTAssertEqual(unused.definitions.map(\.name), ["t_1"])
    }
}

/// Evaluates printed output in Double: each definition parsed as a formula over the variables
/// and the earlier definitions, then each root.
func evaluatePrinted(_ out: ExpressionPrinter.Output, variables: [String], at x: [Double]) throws -> [Double] {
    var names = variables, values = x
    for (name, text) in out.definitions {
        XCTAssertFalse(names.contains(name), "\(name) defined twice")
        let f = try Formula(parsing: text, variables: names)
        values.append(try value(of: f, at: values)[0])
        names.append(name)
    }
    return try out.roots.map { try value(of: try Formula(parsing: $0, variables: names), at: values)[0] }
}

/// Trial Q: names that are legal in a formula but not as written in the target syntax.
final class PrintedNameEscapingTests: XCTestCase {
    /// `_` is TeX's subscript operator: `\\mathrm{a_b_c}` is a "double subscript" error and
    /// `\\mathrm{x__2}` does not parse (matplotlib's mathtext, a TeX-syntax parser, refused both;
    /// it accepts the escaped `\\_` forms expected here).
    func testLatexEscapesUnderscoresInVariableNames() throws {
        let x = Symbolic.variable(0), y = Symbolic.variable(1)
        let printed = try ExpressionPrinter(variables: ["x__2", "a_b_c"], syntax: .latex).print([(x * y).id]).roots[0]
        XCTAssertEqual(printed, "\\mathrm{a\\_b\\_c} \\cdot \\mathrm{x\\_\\_2}")
        // A trailing number is still a subscript.
        XCTAssertEqual(try ExpressionPrinter(variables: ["x1"], syntax: .latex).print([x.id]).roots[0], "x_{1}")
    }

    /// A review: variables ["a+b", "c"] printed x₀·x₁ − x₁ as "c*a+b - c", which reads back as
    /// c·a + b − c. A name must be an identifier of the formula language in every syntax, and so
    /// must an intermediate prefix when shared subexpressions are named.
    func testANameThatIsNotAnIdentifierIsATypedError() throws {
        let x = Symbolic.variable(0), y = Symbolic.variable(1)
        let e = (x * y - y).id
        for name in ["a+b", "2x", "x y", "f(x)", "x-1", "θ", "x\n"] {
            for syntax in ExpressionSyntax.allCases {
                XCTAssertThrowsError(try ExpressionPrinter(variables: [name, "c"], syntax: syntax).print([e]), "\(name) \(syntax)") {
                    XCTAssertEqual($0 as? ADError, .invalidArgument("variable 0's name \"\(name)\" is not an identifier (ASCII letters, digits and _, "
                        + "not starting with a digit): the printed text would not read back as the expression"))
                }
            }
        }
        XCTAssertThrowsError(try (x * y - y).formula(variables: ["a+b", "c"]))
        // A name the expression does not use is not printed, so it is not checked.
        XCTAssertEqual(try ExpressionPrinter(variables: ["x", "c", "a+b"]).print([e]).roots, ["c*x - c"])
        let shared = Symbolic.sin(x * y)
        XCTAssertThrowsError(try ExpressionPrinter(variables: ["x", "y"], expand: false, intermediatePrefix: "t+").print([(shared * shared + shared).id])) {
            guard case .invalidArgument(let why)? = $0 as? ADError else { return XCTFail("\($0)") }
            XCTAssertTrue(why.hasPrefix("the intermediate prefix \"t+\" is not an identifier"), why)
        }
    }

    /// A review: variables ["sin"] printed sin(x)·x as "sin(sin)*sin", which the parser refuses
    /// (a function name is no variable there). Every name the parser calls a function is refused
    /// in every syntax; a name it takes as a variable (an operator's op name, a shadowed
    /// constant) prints and reads back as the expression.
    func testAFunctionNameIsRefusedAsAVariableAsTheParserRefusesIt() throws {
        let x = Symbolic.variable(0), y = Symbolic.variable(1)
        let e = (Symbolic.sin(x) * x + y).id
        XCTAssertFalse(Formula.functionNames.isEmpty)
        for name in Formula.functionNames {
            XCTAssertThrowsError(try Formula(parsing: "\(name) + c", variables: [name, "c"]), name)
            for syntax in ExpressionSyntax.allCases {
                XCTAssertThrowsError(try ExpressionPrinter(variables: [name, "c"], syntax: syntax).print([e]), "\(name) \(syntax)") {
                    guard case .invalidArgument(let why)? = $0 as? ADError else { return XCTFail("\($0)") }
                    XCTAssertTrue(why.hasPrefix("variable 0's name \"\(name)\" is a function of the formula language"), why)
                }
            }
        }
        // sin(2)·2 + 3, by hand.
        for names in [["mul", "pow_"], ["e", "pi"], ["add", "neg"]] {
            let out = try ExpressionPrinter(variables: names).print([e])
            XCTAssertEqual(try evaluatePrinted(out, variables: names, at: [2, 3]), [2 * Foundation.sin(2.0) + 3], "\(names): \(out.roots)")
        }
    }

    /// A Swift keyword is no identifier unescaped: variables `in` and `is` printed `in * is`,
    /// which does not compile, and `true` printed as itself compiled to a Bool. Backticked, the
    /// printed derivative compiled and gave the hand values (swiftc, 2026-12-02).
    func testSwiftBackticksKeywordVariables() throws {
        let a = Symbolic.variable(0), b = Symbolic.variable(1), c = Symbolic.variable(2)
        let printer = ExpressionPrinter(variables: ["in", "true", "_"], syntax: .swift)
        XCTAssertEqual(try printer.print([(a / b - c).id]).roots[0], "`in` / `true` - `_`")
        XCTAssertEqual(try ExpressionPrinter(variables: ["x"], syntax: .swift).print([a.id]).roots[0], "x")
    }
}
