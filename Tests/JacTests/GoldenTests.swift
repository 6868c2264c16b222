import Foundation
import XCTest
import Adjoint

/// Golden tests of `jac` output. Expected numbers come from hand derivations evaluated with libm
/// in the test (comments show the derivation), never from the code under test.
final class GoldenTests: XCTestCase {
    // f(x1, x2) = log x1 + x1·x2 − sin x2 at (2, 5):
    //   value     = log 2 + 10 − sin 5
    //   ∂f/∂x1    = 1/x1 + x2 = 0.5 + 5 = 5.5
    //   ∂f/∂x2    = x1 − cos x2 = 2 − cos 5 = 1.71633781453677373553… (50-digit Taylor series of cos 5);
    //               the nearest Double prints as 1.7163378145367738. (The issue's 1.716337814536774 is the
    //               same number rounded to 16 digits: one ulp above the correctly rounded Double.)
    let textbook = "log(x1) + x1*x2 - sin(x2)"
    var textbookValue: String { "\(log(2.0) + 10 - sin(5.0))" }
    let textbookD2 = "1.7163378145367738"

    func testTextbookTableInEveryAvailableMode() throws {
        for mode in ["reverse", "forward"] {
            let r = try JacRunner.run(["jacobian", textbook, "--at", "x1=2,x2=5", "--mode", mode])
            XCTAssertEqual(r.status, 0, r.stderr)
            let v = textbookValue
            let pad = String(repeating: " ", count: v.count - "value".count)
            XCTAssertEqual(r.stdout, """
                mode \(mode) at x1 = 2.0, x2 = 5.0
                output  value\(pad)  d/dx1  d/dx2
                f       \(v)  5.5    \(textbookD2)

                """)
            XCTAssertEqual(r.stderr, "")
        }
    }

    /// The AD modes' JSON without its rounding keys, after checking them: every bound finite,
    /// above 0 (each entry goes through at least one rounded op) and within `ulps`·ε of its row's
    /// largest entry (a formula of a few ops that cancels nowhere, by hand), and no entry
    /// unreliable.
    func withoutRoundingKeys(_ text: String, ulps: Double, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let object = try JacRunner.json(text)
        let jac = try XCTUnwrap(object["jacobian"] as? [[Double]], text, file: file, line: line)
        let bounds = try XCTUnwrap(object["rounding_bound"] as? [[Double]], text, file: file, line: line)
        let unreliable = try XCTUnwrap(object["unreliable"] as? [[Bool]], text, file: file, line: line)
        XCTAssertEqual(bounds.map(\.count), jac.map(\.count), text, file: file, line: line)
        for (row, b) in zip(jac, bounds) {
            let scale = row.map { Swift.abs($0) }.max() ?? 0
            for v in b { XCTAssertTrue(v > 0 && v <= ulps * Double.ulpOfOne * scale, "\(v) in \(text)", file: file, line: line) }
        }
        XCTAssertEqual(unreliable.flatMap { $0 }.filter { $0 }.count, 0, text, file: file, line: line)
        let keys = try NSRegularExpression(pattern: #", "rounding_bound": \[\[[^"]*\]\], "unreliable": \[\[[a-z, \[\]]*\]\]"#)
        return try withoutValueRoundingKeys(keys.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: ""),
                                            ulps: ulps, file: file, line: line)
    }

    /// The JSON with `value_rounding_bound` and `value_unreliable` taken out, after checking that each
    /// value's bound is within `ulps` ulps of the value and none is called unreliable: a formula that
    /// does not cancel rounds its value by a few ulps of itself (the running error bound counts ε
    /// per operation, weighted by how much f depends on its result).
    func withoutValueRoundingKeys(_ text: String, ulps: Double, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let object = try JacRunner.json(text, file: file, line: line)
        let values = try XCTUnwrap(object["value"] as? [Double], text, file: file, line: line)
        let bounds = try XCTUnwrap(object["value_rounding_bound"] as? [Double], text, file: file, line: line)
        let unreliable = try XCTUnwrap(object["value_unreliable"] as? [Bool], text, file: file, line: line)
        XCTAssertEqual(bounds.count, values.count, text, file: file, line: line)
        for (v, b) in zip(values, bounds) { XCTAssertTrue(b > 0 && b <= ulps * Double.ulpOfOne * Swift.abs(v), "\(b) in \(text)", file: file, line: line) }
        XCTAssertEqual(unreliable, values.map { _ in false }, text, file: file, line: line)
        let keys = try NSRegularExpression(pattern: #", "value_rounding_bound": \[[^\]]*\], "value_unreliable": \[[a-z, ]*\]"#)
        return keys.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: "")
    }

    func testTextbookJSONInEveryAvailableMode() throws {
        for mode in ["reverse", "forward"] {
            let r = try JacRunner.run(["jacobian", textbook, "--at", "x1=2,x2=5", "--mode", mode, "--format", "json"])
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertEqual(try withoutRoundingKeys(r.stdout, ulps: 8), """
                {"variables": ["x1", "x2"], "point": [2.0, 5.0], "value": [\(textbookValue)], \
                "jacobian": [[5.5, \(textbookD2)]], "mode": "\(mode)"}

                """)
            let object = try JacRunner.json(r.stdout)
            let jac = object["jacobian"] as? [[Double]]
            XCTAssertEqual(jac?[0][1], 2 - cos(5.0))   // round-trips to the same Double
        }
    }

    func testTextbookCSVInEveryAvailableMode() throws {
        for mode in ["reverse", "forward"] {
            let r = try JacRunner.run(["jacobian", textbook, "--at", "2,5", "--mode", mode, "--format", "csv"])
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertEqual(r.stdout, "output,value,d/dx1,d/dx2\nf,\(textbookValue),5.5,\(textbookD2)\n")
        }
    }

    func testPolarTwoOutputsWithHeader() throws {
        // (r cos t, r sin t): J = [[cos t, −r sin t], [sin t, r cos t]] at r = 2, t = 0.5.
        let r = try JacRunner.run(["jacobian", "f(r, t) = r*cos(t); r*sin(t)", "--at", "t=0.5,r=2", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let c = cos(0.5), s = sin(0.5)
        XCTAssertEqual(try withoutRoundingKeys(r.stdout, ulps: 8), """
            {"variables": ["r", "t"], "point": [2.0, 0.5], "value": [\(2 * c), \(2 * s)], \
            "jacobian": [[\(c), \(-(2 * s))], [\(s), \(2 * c)]], "mode": "reverse"}

            """)
    }

    func testFractionsInThePoint() throws {
        // x1² + 5·x1·x2 at (1/3, 2/7): ∇ = (2·x1 + 5·x2, 5·x1) = (2/3 + 10/7, 5/3) = (44/21, 5/3).
        for mode in ["reverse", "forward"] {
            let r = try JacRunner.run(["jacobian", "x1^2 + 5*x1*x2", "--at", "x1=1/3,x2=2/7", "--mode", mode,
                                       "--format", "json"])
            XCTAssertEqual(r.status, 0, r.stderr)
            let jac = try JacRunner.json(r.stdout)["jacobian"] as? [[Double]]
            // 1/3 and 2/7 are rounded on input and the sum rounds again: a few ulps (ulp(2.1) ≈ 4.4e-16).
            XCTAssertEqual(jac?[0][0] ?? 0, 44.0 / 21.0, accuracy: 2e-15)
            XCTAssertEqual(jac?[0][1] ?? 0, 5.0 / 3.0, accuracy: 1e-15)
        }
    }

    /// A fraction is the Double nearest its exact value (Python's float(Fraction(p) / Fraction(q))
    /// gives the expected values): 0.3/0.1 divided the rounded 0.3 by the rounded 0.1 and gave
    /// 2.9999999999999996, while exact mode used 3, and jac check then noted "not a Double".
    func testAFractionIsRoundedOnce() throws {
        let cases: [(String, Double)] = [("0.3/0.1", 3), ("0.1/0.3", 0.3333333333333333), ("0.7/0.1", 7),
                                         ("1e-5/3", 3.3333333333333333e-06), (".5/.25", 2)]
        for (text, expected) in cases {
            let r = try JacRunner.run(["jacobian", "x^2", "--at", "x=\(text)", "--format", "json"])
            XCTAssertEqual(r.status, 0, r.stderr)
            let o = try JacRunner.json(r.stdout)
            XCTAssertEqual((o["point"] as? [Double])?.first?.bitPattern, expected.bitPattern, text)
            XCTAssertEqual((o["jacobian"] as? [[Double]])?.first?.first, 2 * expected, text)
        }
        let check = try JacRunner.run(["check", "x^2", "--at", "x=0.3/0.1"])
        XCTAssertFalse(check.stdout.contains("not a Double") || check.stderr.contains("not a Double"), check.stdout + check.stderr)
    }

    func testExactModeGivesReducedFractions() throws {
        // ∂/∂x1 = 2·x1 + 5·x2 = 2/3 + 10/7 = 44/21; ∂/∂x2 = 5·x1 = 5/3; value 1/9 + 10/21 = 37/63.
        let r = try JacRunner.run(["jacobian", "x1^2 + 5*x1*x2", "--at", "x1=1/3,x2=2/7", "--mode", "exact",
                                   "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, """
            {"variables": ["x1", "x2"], "point": ["1/3", "2/7"], "value": ["37/63"], "jacobian": [["44/21", "5/3"]], \
            "mode": "exact", "passes": {"mode": "reverse", "count": 1}}

            """)
        // Literals are read exactly: 0.1 is 1/10 (not the Double nearest to it), and a point may be
        // a fraction of decimals: y = 0.5/3 = 1/6. d/dy (y/3) = 1/3; value 1/10 + 1/18 = 7/45.
        let lit = try JacRunner.run(["jacobian", "x*0.1 + y/3", "--at", "x=1,y=0.5/3", "--mode", "exact", "--format", "csv"])
        XCTAssertEqual(lit.status, 0, lit.stderr)
        XCTAssertTrue(lit.stdout.contains("7/45") && lit.stdout.contains("1/10") && lit.stdout.contains("1/3"), lit.stdout)
        // Sign on the numerator, integers without a denominator: d/dx (3y − x/2) = −1/2, d/dy = 3.
        let neg = try JacRunner.run(["jacobian", "3*y - x/2", "--vars", "x,y", "--at", "x=1,y=1", "--mode", "exact", "--format", "json"])
        XCTAssertEqual(try JacRunner.json(neg.stdout)["jacobian"] as? [[String]], [["-1/2", "3"]])
    }

    func testExactModeDivisionByZeroIsAnEvaluationFailure() throws {
        let r = try JacRunner.run(["jacobian", "x/y", "--at", "1,0", "--mode", "exact"])
        XCTAssertEqual(r.status, 3)
        XCTAssertTrue(r.stderr.contains("division by zero"), r.stderr)
    }

    func testCheckRunsExactModeAtTheSameDoublesAndSaysSo() throws {
        let r = try JacRunner.run(["check", "x1^2 + 5*x1*x2", "--at", "x1=1/3,x2=2/7", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let object = try JacRunner.json(r.stdout)
        XCTAssertEqual(object["subjects"] as? [String], ["forward", "reverse", "exact"])
        // ∂/∂x1 = 2·x1 + 5·x2, ∂/∂x2 = 5·x1, at the Doubles nearest 1/3 and 2/7 (exactly, in ℚ).
        let x1 = Rational(1.0 / 3), x2 = Rational(2.0 / 7)
        XCTAssertEqual(object["exact_jacobian"] as? [[String]], [[(2 * x1 + 5 * x2).description, (5 * x1).description]])
        let jac = object["jacobian"] as? [[Double]] ?? []
        XCTAssertEqual(jac.first?.first ?? 0, 44.0 / 21, accuracy: 1e-15)
        XCTAssertEqual(jac.first?.last ?? 0, 5.0 / 3, accuracy: 1e-15)
        let notes = object["notes"] as? [String] ?? []
        XCTAssertTrue(notes.contains { $0.hasPrefix("x1 = 1/3 is not a Double; every mode used 0.3333333333333333") }, "\(notes)")
    }

    func testAnalyzeGivesSingularValuesRankConditionAndDeterminant() throws {
        // Polar coordinates: J = [[cos t, −r sin t], [sin t, r cos t]] = R(t)·diag(1, r), so the
        // singular values are r and 1, det = r, κ = r for r ≥ 1. At r = 2: σ = (2, 1), det 2, κ 2.
        let r = try JacRunner.run(["jacobian", "f(r, t) = r*cos(t); r*sin(t)", "--at", "2,0.5", "--analyze",
                                   "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let a = try JacRunner.json(r.stdout)["analysis"] as? [String: Any]
        let sv = a?["singular_values"] as? [Double] ?? []
        XCTAssertEqual(sv.count, 2)
        XCTAssertEqual(sv.first ?? 0, 2, accuracy: 1e-14)
        XCTAssertEqual(sv.last ?? 0, 1, accuracy: 1e-14)
        XCTAssertEqual(a?["rank"] as? Int, 2)
        XCTAssertEqual(a?["condition_number"] as? Double ?? 0, 2, accuracy: 1e-13)
        XCTAssertEqual(a?["determinant"] as? Double ?? 0, 2, accuracy: 1e-14)
        // Not square: no determinant.
        let wide = try JacRunner.run(["jacobian", "x*y + z", "--at", "1,2,3", "--analyze", "--format", "json"])
        let w = try JacRunner.json(wide.stdout)["analysis"] as? [String: Any]
        XCTAssertNil(w?["determinant"])
        XCTAssertEqual(w?["rank"] as? Int, 1)
    }

    /// A formula without variables has a 1 × 0 Jacobian, whose every entry is exact only
    /// vacuously: reverse mode's analysis said "rank 0 (exact)", the JSON "exact": ["rank"] and
    /// the CSV had exact mode's singular_values_missing column. Nothing in reverse mode is exact.
    /// ... nor analysed at all: a 1 × 0 matrix has no singular values and no condition number,
    /// which printed as an empty list and "condition number 0.0" (κ₂ ≥ 1 for any matrix that has
    /// one). A note says why the analysis is missing.
    func testTheAnalysisOfAJacobianWithoutEntriesIsNotCalledExact() throws {
        let table = try JacRunner.run(["jacobian", "pi", "--analyze"])
        XCTAssertEqual(table.status, 0, table.stderr)
        XCTAssertFalse(table.stdout.contains("rank"), table.stdout)
        XCTAssertFalse(table.stdout.contains("condition number"), table.stdout)
        XCTAssertFalse(table.stdout.contains("exact"), table.stdout)
        XCTAssertTrue(table.stderr.contains("--analyze: nothing to analyse, the Jacobian has no entries"), table.stderr)
        let json = try JacRunner.json(try JacRunner.run(["jacobian", "pi", "--analyze", "--format", "json"]).stdout)
        XCTAssertNil(json["analysis"], "\(json)")
        let csv = try JacRunner.run(["jacobian", "pi", "--analyze", "--format", "csv"])
        XCTAssertFalse(csv.stdout.contains("singular_values"), csv.stdout)
        XCTAssertFalse(csv.stdout.contains("condition"), csv.stdout)
    }

    func testAnalyzeGivesNoDeterminantWhereLUCannotResolveItAndAnExactOneInExactMode() throws {
        // Hilbert 14 (row i: Σⱼ xⱼ/(i + j − 1)): LU printed −2.387e-106 beside rank 12, where the
        // exact determinant is c₁₄⁴/c₂₈ > 0 (cₙ = ∏_{i<n} i!, the Hilbert closed form).
        let n = 14
        let rows = (1...n).map { i in (1...n).map { j in "x\(j)/\(i + j - 1)" }.joined(separator: " + ") }
        let file = try JacRunner.temporaryFile(rows.joined(separator: "; "), name: "hilbert14.txt")
        let point = Array(repeating: "1", count: n).joined(separator: ",")
        let double = try JacRunner.run(["jacobian", "--file", file, "--at", point, "--analyze", "--format", "json"])
        XCTAssertEqual(double.status, 0, double.stderr)
        let a = try JacRunner.json(double.stdout)["analysis"] as? [String: Any]
        XCTAssertTrue(a?["determinant"] is NSNull, "\(a ?? [:])")
        XCTAssertTrue((a?["determinant_unresolved"] as? String ?? "").contains("singular to working precision"))
        let table = try JacRunner.run(["jacobian", "--file", file, "--at", point, "--analyze"])
        XCTAssertTrue(table.stdout.contains("determinant       not resolved"), table.stdout)

        func c(_ n: Int) -> Rational {
            var product: Rational = 1, factorial: Rational = 1
            for i in 1..<n { factorial = factorial * Rational(i); product = product * factorial }
            return product
        }
        let exact = try JacRunner.run(["jacobian", "--file", file, "--at", point, "--analyze", "--mode", "exact", "--format", "json"])
        XCTAssertEqual(exact.status, 0, exact.stderr)
        let e = try JacRunner.json(exact.stdout)["analysis"] as? [String: Any]
        XCTAssertEqual(e?["rank"] as? Int, 14)
        XCTAssertEqual(e?["determinant"] as? String, (c(n) * c(n) * c(n) * c(n) / c(2 * n)).description)
        XCTAssertEqual(e?["exact"] as? [String], ["rank", "determinant"])

        // Rows x + y and x + (1 + 10⁻²⁰)y round to equal rows; exactly, det = 10⁻²⁰ (by hand).
        let close = try JacRunner.run(["jacobian", "x + y; x + y*(1 + 1e-20)", "--at", "x=1,y=1", "--mode", "exact", "--analyze"])
        XCTAssertEqual(close.status, 0, close.stderr)
        XCTAssertTrue(close.stdout.contains("rank              2 (exact)"), close.stdout)
        XCTAssertTrue(close.stdout.contains("determinant       1/100000000000000000000 (exact; = 1e-20)"), close.stdout)
        XCTAssertTrue(close.stdout.contains("(of the entries rounded to Double)"), close.stdout)

        // An exact entry beyond Double's range (2000·10¹⁹⁹⁹) is no reason to fail: the exact rank
        // and det = 2000·10¹⁹⁹⁹·1 − 10²⁰⁰⁰·0 = 2·10²⁰⁰² stand, the SVD is left out with its reason.
        let huge = try JacRunner.run(["jacobian", "x^2000*y; y", "--at", "x=10,y=1", "--mode", "exact", "--analyze", "--format", "json"])
        XCTAssertEqual(huge.status, 0, huge.stderr)
        let h = try JacRunner.json(huge.stdout)["analysis"] as? [String: Any]
        XCTAssertEqual(h?["determinant"] as? String, "2" + String(repeating: "0", count: 2002))
        XCTAssertTrue(h?["singular_values"] is NSNull)
        XCTAssertEqual(h?["singular_values_missing"] as? String, "entry (1, 1) is outside Double's range")

        // CSV keeps the determinant column where LU gives none, so --points rows line up.
        let csv = try JacRunner.run(["jacobian", "x + y; x + 1.0000000000000002*y", "--at", "1,1", "--analyze", "--format", "csv"])
        XCTAssertTrue(csv.stdout.hasPrefix("x,y,f1,f2,df1/dx,df1/dy,df2/dx,df2/dy,sigma1,sigma2,rank,condition_number,determinant\n"), csv.stdout)
        XCTAssertTrue(csv.stdout.hasSuffix(",inf,\n"), csv.stdout)
    }

    func testFiniteDifferenceModesMatchTheHandDerivation() throws {
        // Tolerances: central differences at the balanced step are good to ~ε^(2/3) ≈ 4e-11
        // relative here; Richardson to ~1e-13; complex step has no cancellation (a few ε).
        for (mode, tol) in [("central", 1e-8), ("richardson", 1e-11), ("complex-step", 1e-14)] {
            let r = try JacRunner.run(["jacobian", textbook, "--at", "x1=2,x2=5", "--mode", mode, "--format", "json"])
            XCTAssertEqual(r.status, 0, r.stderr)
            let jac = try JacRunner.json(r.stdout)["jacobian"] as? [[Double]]
            XCTAssertEqual(jac?[0][0] ?? 0, 5.5, accuracy: tol, mode)
            XCTAssertEqual(jac?[0][1] ?? 0, 2 - cos(5.0), accuracy: tol, mode)
            XCTAssertEqual(try JacRunner.json(r.stdout)["mode"] as? String, mode)
        }
    }

    func testComplexStepRefusesNonAnalyticOpsBeforeRunning() throws {
        let r = try JacRunner.run(["jacobian", "gelu(x) + x", "--at", "x=1", "--mode", "complex-step"])
        XCTAssertEqual(r.status, 2)
        XCTAssertEqual(r.stderr, "error: complex-step mode is not available: uses gelu, which has no analytic extension\n")
    }

    /// abs, max, relu … are analytic on each side of their kinks: the complex step runs them
    /// away from a kink (d/dx (|x| + max(x, y)) at (−1.5, 2) is −1 + 0 by hand) and refuses at
    /// one (|x| at 0), naming the kink, as an evaluation failure at that point.
    func testComplexStepRunsKinkedOpsAwayFromTheirKinks() throws {
        let r = try JacRunner.run(["jacobian", "abs(x) + max(x, y)", "--at", "x=-1.5,y=2", "--mode", "complex-step", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try JacRunner.json(r.stdout)["jacobian"] as? [[Double]], [[-1, 1]])
        let kink = try JacRunner.run(["jacobian", "abs(x) + x", "--at", "x=0", "--mode", "complex-step"])
        XCTAssertEqual(kink.status, 3)
        XCTAssertTrue(kink.stderr.contains("abs at its kink (x = 0)"), kink.stderr)
    }

    func testSweepPrintsTheVCurveAndWritesThePlot() throws {
        let svg = try JacRunner.temporaryFile("", name: "vcurve.svg")
        let r = try JacRunner.run(["sweep", "exp(x)*sin(y)", "--at", "x=1,y=2", "--input", "2", "--plot", svg, "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let methods = try JacRunner.json(r.stdout)["methods"] as? [String: Any]
        XCTAssertEqual(Set(methods?.keys.map { $0 } ?? []),
                       ["forward", "backward", "central", "central4", "central6", "richardson", "complex-step"])
        // Central differences are second order: the fitted slope of log error against log h.
        let central = methods?["central"] as? [String: Any]
        XCTAssertEqual(central?["slope"] as? Double ?? 0, 2, accuracy: 0.3)
        let plot = try String(contentsOfFile: svg, encoding: .utf8)
        XCTAssertTrue(plot.hasPrefix("<svg") || plot.hasPrefix("<?xml"), "an SVG document")
        let bad = try JacRunner.run(["sweep", "x*y", "--at", "1,2", "--output", "2"])
        XCTAssertEqual(bad.status, 2)
        XCTAssertEqual(bad.stderr, "error: --output 2 is out of range: outputs count from 1, and the formula has 1 output(s)\n")
    }

    func testEval() throws {
        // √(3² + 4²) = 5
        let r = try JacRunner.run(["eval", "sqrt(x^2 + y^2)", "--at", "x=3,y=4", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        // The value's rounding bound by hand: ε·Σ |∂f/∂vₖ|·|vₖ| over x² = 9, y² = 16 (each weighs
        // 1/(2·5)), their sum 25 (weighs 1/10) and its root 5 (weighs 1): ε·(0.9 + 1.6 + 2.5 + 5) = 10ε.
        XCTAssertEqual(r.stdout, "{\"variables\": [\"x\", \"y\"], \"point\": [3.0, 4.0], \"value\": [5.0], "
                       + "\"value_rounding_bound\": [\(10 * Double.ulpOfOne)], \"value_unreliable\": [false]}\n")
        let t = try JacRunner.run(["eval", "f(a, b) = a/b; a*b", "--at", "1,4"])
        XCTAssertEqual(t.stdout, "at a = 1.0, b = 4.0\noutput  value\nf1      0.25\nf2      4.0\n")
    }

    func testHessian() throws {
        // f = x²y + eʸ: ∇f = (2xy, x² + eʸ) = (0, 2) at (1, 0); H = [[2y, 2x], [2x, eʸ]] = [[0, 2], [2, 1]].
        let r = try JacRunner.run(["hessian", "x^2*y + exp(y)", "--at", "x=1,y=0", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        // The rounding keys, checked as the Jacobian's are (the formula cancels nowhere: each bound
        // within 64 ulps of the largest entry, and no entry unreliable), then set aside.
        let object = try JacRunner.json(r.stdout)
        let bounds = try XCTUnwrap(object["hessian_rounding_bound"] as? [[Double]], r.stdout)
        let gradientBounds = try XCTUnwrap(object["gradient_rounding_bound"] as? [Double], r.stdout)
        for b in bounds.joined() + gradientBounds { XCTAssertLessThanOrEqual(b, 64 * Double.ulpOfOne * 2, r.stdout) }
        XCTAssertEqual(object["gradient_unreliable"] as? [Bool], [false, false], r.stdout)
        XCTAssertEqual(object["hessian_unreliable"] as? [[Bool]], [[false, false], [false, false]], r.stdout)
        let keys = try NSRegularExpression(pattern: #", "gradient_rounding_bound": .*\}"#)
        let plain = keys.stringByReplacingMatches(in: r.stdout, range: NSRange(r.stdout.startIndex..., in: r.stdout), withTemplate: "}")
        XCTAssertEqual(plain, """
            {"variables": ["x", "y"], "point": [1.0, 0.0], "value": 1.0, "gradient": [0.0, 2.0], \
            "hessian": [[0.0, 2.0], [2.0, 1.0]]}

            """)
        // The CSV carries the value as the table and the JSON do (its matrix layout had no place
        // for it): the one-row form of --points. f = x³y² at (2, 3): f = 72, ∇f = (3x²y², 2x³y) =
        // (108, 48), H = [[6xy², 6x²y], [6x²y, 2x³]] = [[108, 72], [72, 16]].
        let csv = try JacRunner.run(["hessian", "x^3*y^2", "--at", "2,3", "--format", "csv"])
        XCTAssertEqual(csv.status, 0, csv.stderr)
        XCTAssertEqual(csv.stdout, "x,y,f,df/dx,df/dy,d2f/dxdx,d2f/dxdy,d2f/dydx,d2f/dydy\n"
                       + "2.0,3.0,72.0,108.0,48.0,108.0,72.0,72.0,16.0\n")
        let multi = try JacRunner.run(["hessian", "x; y", "--at", "1,2"])
        XCTAssertEqual(multi.status, 2)
        XCTAssertEqual(multi.stderr, "error: hessian needs a scalar formula (1 output), this one has 2\n")
    }

    /// Found by a notebook reader: one fact, two notes. When the ladder reaches its exact rung,
    /// the table says why exact arithmetic cannot run sin; the text does not say it again, and
    /// the JSON keeps jac's own note. (sin(relu(x)), not sin(x): since the complex step no longer
    /// overflows at 1e25, sin(x) is decided there before the exact rung; relu has no complex
    /// extension, so the ladder still reaches it.)
    func testTheExactObstacleIsNotedOnceInTheText() throws {
        let r = try JacRunner.run(["check", "sin(gelu(x))", "--at", "x=1e25"])
        XCTAssertEqual(r.status, 1, r.stderr)
        let text = r.stdout + r.stderr
        let mentions = text.components(separatedBy: "\n").filter { $0.hasPrefix("note:") && $0.contains("uses gelu") }
        XCTAssertEqual(mentions, ["note: exact-rationals: uses gelu, which is not closed over the rationals"], text)
        let json = try JacRunner.run(["check", "sin(gelu(x))", "--at", "x=1e25", "--format", "json"])
        let notes = try JacRunner.json(json.stdout)["notes"] as? [String] ?? []
        XCTAssertTrue(notes.contains("exact mode is not available: uses gelu, sin"), "\(notes)")
    }

    func testCheckAgrees() throws {
        let r = try JacRunner.run(["check", textbook, "--at", "x1=2,x2=5", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let object = try JacRunner.json(r.stdout)
        XCTAssertEqual(object["agree"] as? Bool, true)
        XCTAssertEqual(object["verdict"] as? String, "agree")
        // Exact mode is skipped (log and sin are not rational), and says so.
        XCTAssertEqual(object["subjects"] as? [String], ["forward", "reverse"])
        XCTAssertEqual(object["notes"] as? [String], ["exact mode is not available: uses log, sin"])
        let modes = object["modes"] as? [[String: Any]] ?? []
        XCTAssertEqual(modes.compactMap { $0["verdict"] as? String }, ["agree", "agree"])
        let entries = object["entries"] as? [[String: Any]] ?? []
        XCTAssertEqual(entries.count, 2)
        XCTAssertTrue(entries.allSatisfy { $0["verdict"] as? String == "agree" && $0["witness"] is String })
        // The library's own report travels with the rendering.
        XCTAssertEqual((object["library_report"] as? [String: Any])?["passed"] as? Bool, true)
    }

    /// Issue 10 item 4: `jac check` and `checkJacobian` gave opposite verdicts on relu(x) + x² at 0
    /// (kink with a valid subgradient, passes; jac said "modes disagree", status 1).
    func testCheckAndTheLibraryAgreeOnTheVerdict() throws {
        for (formula, point, status) in [("relu(x) + x^2", [0.0], Int32(0)), ("relu(x) - relu(-x)", [0.0], 1),
                                         ("x*y + sin(x)", [0.5, 2.0], 0), ("abs(x)*x", [0.0], 0)] {
            let f = try Formula(parsing: formula)
            let library = try checkJacobian(of: f, at: point)
            let at = zip(f.variables, point).map { "\($0)=\($1)" }.joined(separator: ",")
            let r = try JacRunner.run(["check", formula, "--at", at, "--format", "json"])
            let object = try JacRunner.json(r.stdout)
            XCTAssertEqual(object["verdict"] as? String, library.verdict.name, formula)
            XCTAssertEqual(object["agree"] as? Bool, library.passed, formula)
            XCTAssertEqual(r.status, library.passed ? 0 : 1, formula)
            XCTAssertEqual(r.status, status, "\(formula): \(r.stderr)")
            let entries = object["entries"] as? [[String: Any]] ?? []
            XCTAssertEqual(entries.compactMap { $0["verdict"] as? String }, library.entries.joined().map(\.verdict.name), formula)
        }
        // The kink's one-sided derivatives are shown: relu(x) + x² at 0 has 0 from the left and 1 from the right.
        let r = try JacRunner.run(["check", "relu(x) + x^2", "--at", "x=0", "--format", "json"])
        let kink = ((try JacRunner.json(r.stdout)["entries"] as? [[String: Any]])?.first?["kink"]) as? [String: Any]
        XCTAssertEqual(kink?["left"] as? Double ?? -1, 0, accuracy: 1e-6)
        XCTAssertEqual(kink?["right"] as? Double ?? -1, 1, accuracy: 1e-6)
    }

    func testCheckFailsWhenTheConventionIsNotASubgradient() throws {
        // relu(x) − relu(−x) = x, but relu′(0) = 0 by convention gives 0 where both one-sided
        // derivatives are 1: the check must fail with status 1 and say why.
        let r = try JacRunner.run(["check", "relu(x) - relu(-x)", "--at", "x=0", "--format", "json"])
        XCTAssertEqual(r.status, 1, r.stderr)
        let object = try JacRunner.json(r.stdout)
        XCTAssertEqual(object["agree"] as? Bool, false)
        XCTAssertEqual((object["kinks"] as? [String])?.first?.hasPrefix("relu"), true)
        XCTAssertTrue(r.stderr.hasPrefix("error: check failed: df/dx: kink at relu: forward 0.0, reverse 0.0, exact 0.0 not between the one-sided derivatives [1.0, 1.0]"), r.stderr)
        let table = try JacRunner.run(["check", "relu(x) - relu(-x)", "--at", "x=0"])
        XCTAssertEqual(table.status, 1)
        XCTAssertTrue(table.stdout.contains("CHECK FAILED"), table.stdout)
    }

    func testKinksAreNotedOnStandardError() throws {
        // |x| + relu(y) at (0, 0): both kinks; the registry's conventions give 0 and 0.
        let r = try JacRunner.run(["jacobian", "abs(x) + relu(y)", "--at", "0,0", "--format", "csv"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "output,value,d/dx,d/dy\nf,0.0,0.0,0.0\n")
        let notes = r.stderr.split(separator: "\n")
        XCTAssertEqual(notes.count, 2)
        XCTAssertTrue(notes.allSatisfy { $0.hasPrefix("note: kink touched: ") }, r.stderr)
    }

    func testPointsFileCSVAndJSONLines() throws {
        // x·y and x + y: J = [[y, x], [1, 1]]. Header order differs from the variable order.
        let path = try JacRunner.temporaryFile("y,x\n2,1\n3,1/2\n\n4,-1\n", name: "points.csv")
        let r = try JacRunner.run(["jacobian", "x*y; x+y", "--points", path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, """
            x,y,f1,f2,df1/dx,df1/dy,df2/dx,df2/dy
            1.0,2.0,2.0,3.0,2.0,1.0,1.0,1.0
            0.5,3.0,1.5,3.5,3.0,0.5,1.0,1.0
            -1.0,4.0,-4.0,3.0,4.0,-1.0,1.0,1.0

            """)
        let lines = try JacRunner.run(["jacobian", "x*y; x+y", "--points", path, "--format", "json"])
        let rows = lines.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(rows.count, 3)
        XCTAssertEqual(try JacRunner.json(rows[1])["jacobian"] as? [[Double]], [[3.0, 0.5], [1.0, 1.0]])
        // A failing point stops with status 3 and names the point.
        let bad = try JacRunner.run(["eval", "log(x*y)", "--points", path])
        XCTAssertEqual(bad.status, 3)
        XCTAssertTrue(bad.stderr.hasPrefix("error: at point 3 (x = -1, y = 4): evaluation failed: domain error in log"),
                      bad.stderr)
    }

    /// The rows before a failing point are printed, and so are their notes: they were dropped.
    /// d/dx 1/(1 + eˣ) = −eˣ/(1 + eˣ)² ≈ −e⁻⁷⁰⁹ ≈ −1.216780750623423e-308 at 709 (by hand; the
    /// value's own digits), which reverse mode printed as 0.0 (−1/u² underflows) with a note
    /// calling it unreliable, and now prints right (its sweep lifted by 2¹⁰²²); at 710 e^x
    /// overflows and the point fails. The kink of abs at 0 is such a note.
    func testNotesOfThePointsBeforeAFailingOneArePrinted() throws {
        let path = try JacRunner.temporaryFile("x\n709\n710\n", name: "underflow-then-fail.csv")
        let r = try JacRunner.run(["jacobian", "1/(1+exp(x))", "--points", path])
        XCTAssertEqual(r.status, 3, r.stderr)
        XCTAssertTrue(r.stdout.hasSuffix("\n709.0,1.216780750623423e-308,-1.216780750623423e-308\n"), r.stdout)
        XCTAssertFalse(r.stderr.contains("unreliable"), r.stderr)
        XCTAssertTrue(r.stderr.contains("error: at point 2 (x = 710)"), r.stderr)
        let kink = try JacRunner.temporaryFile("x\n0\n-2\n", name: "kink-then-fail.csv")
        let k = try JacRunner.run(["jacobian", "abs(x) + log(x + 1)", "--points", kink])
        XCTAssertEqual(k.status, 3, k.stderr)
        XCTAssertTrue(k.stderr.contains("note: 1 of 1 points touched a kink"), k.stderr)
    }

    func testFormulaFromStandardInputAndFile() throws {
        // sin(x)·y at (1, 2) = 2 sin 1
        let r = try JacRunner.run(["eval", "-", "--at", "1,2", "--format", "csv"], stdin: "sin(x)*y\n")
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "output,value\nf,\(sin(1.0) * 2)\n")
        let path = try JacRunner.temporaryFile("f(x, y) =\n  x*y\n", name: "formula.txt")
        let f = try JacRunner.run(["jacobian", "--file", path, "--at", "3,4", "--format", "csv"])
        XCTAssertEqual(f.stdout, "output,value,d/dx,d/dy\nf,12.0,4.0,3.0\n")
    }

    /// Standard input is read once. The formula '-' with --points - read the CSV as the formula
    /// ("expected an operator but found '1'"), --file - with --points - said "cannot read points
    /// file '-': Bad file descriptor", and check's --claimed - beside the formula '-' read the
    /// claim as the formula: each is a usage error naming both readers, before anything is read.
    func testTwoReadersOfStandardInputAreAUsageErrorNamingBoth() throws {
        let cases: [([String], String)] = [
            (["eval", "-", "--points", "-"], "the formula '-' and --points - both read standard input"),
            (["eval", "--file", "-", "--points", "-"], "--file - and --points - both read standard input"),
            (["check", "-", "--at", "1", "--claimed", "-"], "the formula '-' and --claimed - both read standard input"),
        ]
        for (arguments, message) in cases {
            let r = try JacRunner.run(arguments, stdin: "x\n1\n")
            XCTAssertEqual(r.status, 2, "\(arguments): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains(message), r.stderr)
            XCTAssertEqual(r.stdout, "")
        }
        // One reader of standard input is fine, beside a file.
        let points = try JacRunner.temporaryFile("x\n3\n", name: "one-reader.csv")
        let one = try JacRunner.run(["eval", "-", "--points", points], stdin: "x^2\n")
        XCTAssertEqual(one.stdout, "x,f\n3.0,9.0\n", one.stderr)
    }

    func testFormulaStartingWithMinusAfterDoubleDash() throws {
        // −x² at 2 = −4 (unary minus binds looser than ^)
        let r = try JacRunner.run(["eval", "--at", "x=2", "--format", "csv", "--", "-x^2"])
        XCTAssertEqual(r.stdout, "output,value\nf,-4.0\n")
    }

    // MARK: Size and depth through --file

    func testHundredThousandNestedParenthesesEndsWithStatusTwo() throws {
        let path = try JacRunner.temporaryFile(String(repeating: "(", count: 100_000) + "x"
                                               + String(repeating: ")", count: 100_000), name: "deep.txt")
        let r = try JacRunner.run(["jacobian", "--file", path, "--at", "1"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.hasPrefix("error: nesting deeper than 10000 parentheses or calls at column 10001\n"),
                      String(r.stderr.prefix(200)))
        XCTAssertLessThan(r.stderr.count, 400)   // a windowed excerpt, not the whole line
    }

    func testOneMegabyteSumThroughFile() throws {
        // "x + x + … + x" with 250,001 terms (just over 1 MB): value and derivative are both 250,001.
        let terms = 250_001
        let text = Array(repeating: "x", count: terms).joined(separator: " + ")
        XCTAssertGreaterThanOrEqual(text.utf8.count, 1_000_000)
        let path = try JacRunner.temporaryFile(text, name: "sum.txt")
        let r = try JacRunner.run(["jacobian", "--file", path, "--at", "x=1", "--format", "csv"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "output,value,d/dx\nf,250001.0,250001.0\n")
    }
}

/// `jac complexity`: the keys scripts depend on, and the counts behind them.
final class ComplexityCommandTests: XCTestCase {
    func testDepthSweepJSONHasTheDocumentedShape() throws {
        let r = try JacRunner.run(["complexity", "--sweep", "depth", "--depths", "1,2,4", "--width", "4", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let o = try JacRunner.json(r.stdout)
        XCTAssertEqual(o["sweep"] as? String, "depth")
        XCTAssertEqual(o["width"] as? Int, 4)
        let points = o["points"] as? [[String: Any]] ?? []
        XCTAssertEqual(points.compactMap { $0["depth"] as? Int }, [1, 2, 4])
        for p in points {
            for method in ["forward", "backprop", "naive", "finite_differences"] {
                XCTAssertNotNil((p[method] as? [String: Any])?["flops"] as? Int, "\(method) flops")
                XCTAssertNotNil((p[method] as? [String: Any])?["matmuls"] as? Int, "\(method) matmuls")
            }
        }
        let exponents = o["exponents"] as? [String: Any]
        XCTAssertEqual(Set(exponents?.keys.map { $0 } ?? []).isSuperset(of: ["backprop", "naive", "finite_differences"]), true)
        // A depth-L network does L matrix products in its forward pass (exact counts are checked
        // against hand counts in AdjointComplexityTests).
        XCTAssertEqual(points.compactMap { ($0["forward"] as? [String: Any])?["matmuls"] as? Int }, [1, 2, 4])
    }

    func testWidthSweepAndErrors() throws {
        let r = try JacRunner.run(["complexity", "--sweep", "width", "--widths", "2,4", "--depth", "2", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let o = try JacRunner.json(r.stdout)
        XCTAssertEqual(o["sweep"] as? String, "width")
        XCTAssertEqual(o["depth"] as? Int, 2)
        XCTAssertEqual((o["points"] as? [[String: Any]])?.compactMap { $0["width"] as? Int }, [2, 4])
        let bad = try JacRunner.run(["complexity", "--sweep", "height"])
        XCTAssertEqual(bad.status, 2)
        XCTAssertEqual(bad.stderr, "error: --sweep must be depth or width (got 'height')\n")
        let zero = try JacRunner.run(["complexity", "--depths", "1,0"])
        XCTAssertEqual(zero.status, 2)
    }

    /// Three equal depths give one |W| three times: no exponent exists, and the fit of equal
    /// logarithms (whose mean rounds off them) printed 0.000, and 0.00 in the plot's legend.
    func testOneSizeRepeatedHasNoExponent() throws {
        let svg = try JacRunner.temporaryFile("", name: "repeated.svg")
        let r = try JacRunner.run(["complexity", "--sweep", "depth", "--depths", "2,2,2", "--plot", svg])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("finite differences vs |W|: exponent -\n"), r.stdout)
        XCTAssertTrue(r.stdout.contains("finite differences -  (-)"), r.stdout)
        let plot = try String(contentsOfFile: svg, encoding: .utf8)
        XCTAssertTrue(plot.contains(">finite differences (-)</text>"), plot)
    }

    func testPlotAndJacobianModes() throws {
        let svg = try JacRunner.temporaryFile("", name: "complexity.svg")
        let r = try JacRunner.run(["complexity", "--depths", "1,2", "--width", "2", "--plot", svg])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(try String(contentsOfFile: svg, encoding: .utf8).contains("<polyline"))
        // R^8 → R^2: one chunked forward pass against two reverse sweeps; automatic picks forward.
        let m = try JacRunner.run(["complexity", "--jacobian-modes", "8,2", "--format", "json"])
        XCTAssertEqual(m.status, 0, m.stderr)
        XCTAssertEqual((try JacRunner.json(m.stdout)["automatic"] as? [String: Any])?["mode"] as? String, "forward")
    }
}

/// `jac --help` lists the formula functions from the registry, so a new primitive (asinh) appears
/// there with no edit to the help text.
final class HelpFromRegistryTests: XCTestCase {
    func testHelpListsEveryCallableRegistryFunction() throws {
        let r = try JacRunner.run(["--help"])
        let text = (r.stdout + r.stderr).replacingOccurrences(of: "\n", with: " ")
        XCTAssertTrue(Formula.functionNames.contains("asinh"))
        for name in Formula.functionNames {
            XCTAssertTrue(text.contains(" \(name) ") || text.contains(" \(name);"), "jac --help does not list \(name)")
        }
        XCTAssertFalse(Formula.functionNames.contains("add"), "operators have syntax, not function names")
    }
}
