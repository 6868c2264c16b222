import Foundation
import XCTest

/// jac hessian and jac diff --order 2 print the exact second derivative of the formula as Double
/// computes it. Where the formula cancels, rounding inside it moves that far from f″, and both
/// said nothing: (1 − cos x)/x² at 10⁻³ printed −0.08338030544 for −0.0833333167, while jac
/// jacobian already called the first derivative there unreliable. Every truth below is mpmath's
/// at 40 digits (mp.diff of the formula as written), never jac's.
final class HessianRoundingNoteTests: XCTestCase {
    /// A formula whose Hessian cancels, at a point, with entry (i, j)'s f″ by mpmath.
    struct Cancelling {
        let formula: String
        let at: String
        let i: Int, j: Int
        let truth: Double
    }

    static let cancelling = [
        Cancelling(formula: "(1-cos(x))/x^2", at: "x=1e-3", i: 0, j: 0, truth: -0.083333316666667411),
        Cancelling(formula: "sin(x)/x", at: "x=1e-5", i: 0, j: 0, truth: -0.33333333332333333),
        Cancelling(formula: "(exp(x)-1)/x", at: "x=1e-6", i: 0, j: 0, truth: 0.33333358333343333),
        Cancelling(formula: "(1-cos(x*y))/x^2", at: "x=1e-3,y=2", i: 0, j: 0, truth: -1.3333322666668571),
        Cancelling(formula: "(exp(x*y)-1)/(x*y)", at: "x=1e-6,y=1", i: 1, j: 1, truth: 3.3333358333343333e-13),
    ]

    /// The number after "by up to " in a rounding note.
    func bound(in note: String) -> Double? {
        guard let r = note.range(of: "by up to ") else { return nil }
        return Double(note[r.upperBound...].prefix { $0 != " " })
    }

    func testACancellingHessianEntryIsNotedWithABoundThatReachesTheTruth() throws {
        for c in Self.cancelling {
            let r = try JacRunner.run(["hessian", c.formula, "--at", c.at, "--format", "json"])
            XCTAssertEqual(r.status, 0, r.stderr)
            let object = try JacRunner.json(r.stdout)
            let h = try XCTUnwrap(object["hessian"] as? [[Double]], r.stdout)
            let printed = h[c.i][c.j]
            let off = Swift.abs(printed - c.truth)
            // The premise: the printed number is wrong well past rounding of its own size.
            XCTAssertGreaterThan(off, 1e-9 * Swift.max(Swift.abs(c.truth), 1e-3), "\(c.formula): \(printed)")
            let names = ["x", "y"]
            let label = "d2f/d\(names[c.i])d\(names[c.j]) = "
            let note = try XCTUnwrap(r.stderr.components(separatedBy: "\n").first { $0.hasPrefix("note: " + label) }, "\(c.formula): \(r.stderr)")
            XCTAssertTrue(note.contains("is unreliable: rounding inside the formula"), note)
            let b = try XCTUnwrap(bound(in: note), note)
            // Honest (it reaches f″ from the printed value) and not vacuous.
            XCTAssertGreaterThanOrEqual(b, off, "\(c.formula): \(note)")
            XCTAssertLessThan(b, 1000 * off, "\(c.formula): \(note)")
            // A script reading the JSON sees the same bound and judgement.
            let bounds = try XCTUnwrap(object["hessian_rounding_bound"] as? [[Double]], r.stdout)
            XCTAssertEqual(bounds[c.i][c.j], b, accuracy: 1e-14 * b, r.stdout)
            XCTAssertEqual((object["hessian_unreliable"] as? [[Bool]])?[c.i][c.j], true, r.stdout)
        }
    }

    /// Where rounding moves a value the Hessian depends on by a quarter of itself or more, no
    /// first-order bound holds and the entry must be unreliable, with no bound or one that reaches
    /// the truth. The column's bound was taken again with its directions lowered by 2⁻⁵¹², where
    /// every term had underflowed, and that 0 was printed as the bound: (1 − cos x)/x² at 2·10⁻⁸
    /// (cos x rounds to 1 − ε or 1) printed f″ = 8.3·10¹⁴ for −1/12, and (erf x − 2x/√π)/x³ at
    /// 10⁻³ printed 0.2265625 for 0.2257675, each "reliable" within 0. Found by fuzzing jac
    /// hessian against mpmath (a random-formula script, not kept). Truths: mpmath at 50
    /// digits, mp.diff of the formula as written, the constant 1.1283791670955126 read as its Double.
    func testAnEntryNoFirstOrderBoundHoldsForIsUnreliableNotBoundedByZero() throws {
        for (formula, at, truth) in [("(1-cos(x))/x^2", "x=2e-8", -0.083333333333333326666666666666666),
                                     ("(erf(x) - 1.1283791670955126*x)/x^3", "x=1e-3", 0.22576752378289048776190188770296858)] {
            let r = try JacRunner.run(["hessian", formula, "--at", at, "--format", "json"])
            XCTAssertEqual(r.status, 0, r.stderr)
            let object = try JacRunner.json(r.stdout)
            let printed = try XCTUnwrap((object["hessian"] as? [[Double]])?.first?.first, r.stdout)
            let off = Swift.abs(printed - truth)
            // The premise: the printed f″ is far from the truth, past any ulps of it.
            XCTAssertGreaterThan(off, 1e-3 * Swift.abs(truth), "\(formula): \(printed)")
            XCTAssertEqual((object["hessian_unreliable"] as? [[Bool]])?.first?.first, true, "\(formula): \(r.stdout)")
            XCTAssertTrue(r.stderr.contains("note: d2f/dxdx = "), "\(formula): \(r.stderr)")
            // No bound (null), or one that reaches the truth from the printed value.
            let bound = try XCTUnwrap((object["hessian_rounding_bound"] as? [Any])?.first as? [Any], r.stdout).first
            if let b = bound as? Double { XCTAssertGreaterThanOrEqual(b, off, "\(formula): \(r.stdout)") }
            else { XCTAssertTrue(bound is NSNull, "\(formula): \(r.stdout)") }
        }
    }

    /// erf's and gelu's rules recover the rounding of x² with a fused multiply-add, which on the
    /// Hessian's duals is x·x − x·x, an exact 0 the bound counted as moved by all of itself: every
    /// Hessian through them had "no first-order bound" (and, before, the lowering's 0). Each is
    /// bounded now, by a few ulps that reach f″ (by hand: erf″ = −4x·e^(−x²)/√π, gelu″ =
    /// φ(x)(2 − x²); evaluated by mpmath at 50 digits at the Doubles 0.7 and −2.5).
    func testErfAndGeluHessiansAreBoundedByAFewUlps() throws {
        let cases: [(String, String, Double)] = [
            ("erf(x)", "x=0.7", -0.96778480457475399964488390712315068),
            ("erf(x)", "x=-2.5", 0.010891421151763548601933392820486320),
            ("gelu(x)", "x=0.7", 0.47150343938380953230422339139713772),
            ("gelu(x)", "x=-2.5", -0.074495277097666283789172869208681491),
        ]
        for (formula, at, truth) in cases {
            let r = try JacRunner.run(["hessian", formula, "--at", at, "--format", "json"])
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertEqual(r.stderr, "", "\(formula) at \(at): \(r.stderr)")
            let object = try JacRunner.json(r.stdout)
            let printed = try XCTUnwrap((object["hessian"] as? [[Double]])?.first?.first, r.stdout)
            let b = try XCTUnwrap((object["hessian_rounding_bound"] as? [[Double]])?.first?.first, "\(formula) at \(at): \(r.stdout)")
            XCTAssertEqual((object["hessian_unreliable"] as? [[Bool]])?.first?.first, false, r.stdout)
            XCTAssertGreaterThanOrEqual(b, Swift.abs(printed - truth), "\(formula) at \(at): \(r.stdout)")
            XCTAssertLessThanOrEqual(b, 64 * Double.ulpOfOne * Swift.abs(truth), "\(formula) at \(at): \(r.stdout)")
        }
    }

    /// The entries of a cancelling formula's Hessian that come out right stay unflagged: (1 −
    /// cos(xy))/x² at (10⁻³, 2) loses digits in ∂²/∂x² only (mpmath: ∂²/∂x∂y = −0.0026666656000001524,
    /// ∂²/∂y² = 0.99999800000066667).
    func testTheRightEntriesBesideACancellingOneStayUnflagged() throws {
        let r = try JacRunner.run(["hessian", "(1-cos(x*y))/x^2", "--at", "x=1e-3,y=2", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let object = try JacRunner.json(r.stdout)
        let h = try XCTUnwrap(object["hessian"] as? [[Double]], r.stdout)
        for (i, j, truth) in [(0, 1, -0.0026666656000001524), (1, 0, -0.0026666656000001524), (1, 1, 0.99999800000066667)] {
            XCTAssertEqual(h[i][j], truth, accuracy: 1e-9 * Swift.abs(truth), r.stdout)
            XCTAssertEqual((object["hessian_unreliable"] as? [[Bool]])?[i][j], false, r.stdout)
        }
        XCTAssertFalse(r.stderr.contains("d2f/dxdy"), r.stderr)
        XCTAssertFalse(r.stderr.contains("d2f/dydy"), r.stderr)
        // The gradient's cancelling entry is noted too, as jac jacobian notes it (mpmath: ∂f/∂x = −0.0013333329777778159).
        XCTAssertTrue(r.stderr.contains("note: df/dx = "), r.stderr)
        XCTAssertEqual((object["gradient_unreliable"] as? [Bool]), [true, false], r.stdout)
    }

    /// Formulas that cancel nowhere: no note, every bound within 64 ulps of the largest entry (a
    /// few ops, none cancelling), every entry judged reliable, and each Hessian the
    /// one derived by hand.
    func testACleanHessianGetsNoNote() throws {
        let cases: [(String, String, [[Double]])] = [
            // 2y, 2x; 2x, eʸ at (1, 0)
            ("x^2*y + exp(y)", "x=1,y=0", [[0, 2], [2, 1]]),
            // 0, 3y²; 3y², 6xy at (2, 1)
            ("x*y^3", "x=2,y=1", [[0, 3], [3, 12]]),
            // −sin x cos y, −cos x sin y; −cos x sin y, −sin x cos y at (1, 2)
            ("sin(x)*cos(y)", "x=1,y=2", [[-sin(1.0) * cos(2.0), -cos(1.0) * sin(2.0)], [-cos(1.0) * sin(2.0), -sin(1.0) * cos(2.0)]]),
            // 2(y² − x²)/r⁴, −4xy/r⁴; −4xy/r⁴, 2(x² − y²)/r⁴ at (1, 2), r² = 5
            ("log(x^2+y^2)", "x=1,y=2", [[6.0 / 25, -8.0 / 25], [-8.0 / 25, -6.0 / 25]]),
        ]
        for (formula, at, expected) in cases {
            let r = try JacRunner.run(["hessian", formula, "--at", at, "--format", "json"])
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertEqual(r.stderr, "", "\(formula): \(r.stderr)")
            let object = try JacRunner.json(r.stdout)
            let h = try XCTUnwrap(object["hessian"] as? [[Double]], r.stdout)
            let scale = expected.joined().map { Swift.abs($0) }.max() ?? 0
            for i in expected.indices { for j in expected.indices {
                XCTAssertEqual(h[i][j], expected[i][j], accuracy: 4 * Double.ulpOfOne * scale, "\(formula) (\(i), \(j))")
            } }
            let bounds = try XCTUnwrap(object["hessian_rounding_bound"] as? [[Double]], r.stdout)
            for b in bounds.joined() { XCTAssertLessThanOrEqual(b, 64 * Double.ulpOfOne * scale, "\(formula): \(r.stdout)") }
            XCTAssertEqual((object["hessian_unreliable"] as? [[Bool]])?.joined().contains(true), false, r.stdout)
            XCTAssertEqual((object["gradient_unreliable"] as? [Bool])?.contains(true), false, r.stdout)
        }
    }

    /// (sin(x + y) − sin x cos y)/(cos x sin y) is 1 (by hand: the numerator is cos x sin y), so
    /// f″ = 0; at (0.5, 10⁻⁶) it cancels, and its two mixed entries differ by rounding alone
    /// (−1.2e-4 and −4.2e-5). Beside the bounds that say so, "a rule's second derivative is
    /// suspect" blamed a rule for what the formula's rounding did.
    func testAsymmetryWithinRoundingBlamesNoRule() throws {
        let r = try JacRunner.run(["hessian", "(sin(x+y)-sin(x)*cos(y))/(cos(x)*sin(y))", "--at", "x=0.5,y=1e-6", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let h = try XCTUnwrap(try JacRunner.json(r.stdout)["hessian"] as? [[Double]], r.stdout)
        // The premise: the two mixed entries differ by far more than the old note's 1e-10 of the scale.
        XCTAssertGreaterThan(Swift.abs(h[0][1] - h[1][0]), 1e-10 * Swift.max(1, h.joined().map { Swift.abs($0) }.max() ?? 0))
        XCTAssertFalse(r.stderr.contains("a rule's second derivative is suspect"), r.stderr)
        XCTAssertTrue(r.stderr.contains("note: d2f/dxdy = "), r.stderr)
        XCTAssertTrue(r.stderr.contains("note: d2f/dydx = "), r.stderr)
    }

    /// jac diff --order 2 --at evaluates the Hessian's expressions in Double, which round f's
    /// intermediates as the modes do: the same cancellation, the same note.
    func testDiffOrderTwoNotesTheValueItPrints() throws {
        let r = try JacRunner.run(["diff", "(1-cos(x))/x^2", "--order", "2", "--at", "x=1e-3"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let line = try XCTUnwrap(r.stdout.components(separatedBy: "\n").first { $0.hasPrefix("d2f/dxdx = ") }, r.stdout)
        let printed = try XCTUnwrap(Double(line.components(separatedBy: "(= ").last?.dropLast() ?? ""), line)
        let off = Swift.abs(printed - -0.083333316666667411)
        XCTAssertGreaterThan(off, 1e-6, line)
        let note = try XCTUnwrap(r.stderr.components(separatedBy: "\n").first { $0.hasPrefix("note: d2f/dxdx = ") }, r.stderr)
        XCTAssertTrue(note.contains("is unreliable"), note)
        let b = try XCTUnwrap(bound(in: note), note)
        XCTAssertGreaterThanOrEqual(b, off, note)
        XCTAssertLessThan(b, 1000 * off, note)
        let clean = try JacRunner.run(["diff", "x^2*y + exp(y)", "--order", "2", "--at", "x=1,y=0"])
        XCTAssertEqual(clean.status, 0, clean.stderr)
        XCTAssertFalse(clean.stderr.contains("unreliable"), clean.stderr)
    }

    /// hypot's rule and pow's carry correction terms, exact zeros plus what rounding left, which
    /// every Hessian through them took for values no first-order bound holds for: `jac hessian
    /// "hypot(x,y)" --at x=3,y=4` printed every entry "could not be bounded", with null bounds.
    /// Each entry now has a finite bound that reaches the truth and is a few ε of it, and none is
    /// unreliable. Truths: by hand, hypot's [[y², −xy], [−xy, x²]]/r³ = [[16, −12], [−12, 9]]/125;
    /// hypot² is x² + y², [[2, 0], [0, 2]]; √hypot and x^y by sympy's derivatives evaluated by
    /// mpmath at 60 digits at the Doubles 2, 0.3 (0.299999999999999988898) and 0.7, 2.5
    /// (scripts/hessian_rounding_reference.py's method).
    func testAHessianThroughHypotOrPowHasFiniteBoundsThatHold() throws {
        let cases: [(formula: String, at: String, truth: [[Double]])] = [
            ("hypot(x,y)", "x=3,y=4", [[0.128, -0.096], [-0.096, 0.072]]),
            ("hypot(x,y)^2", "x=3,y=4", [[2, 0], [0, 2]]),
            ("sqrt(hypot(x,y))", "x=3,y=4", [[2.0571825392998065207e-2, -3.2199378875996971628e-2],
                                             [-3.2199378875996971628e-2, 1.7888543819998317571e-3]]),
            ("x^y", "x=2,y=0.3", [[-0.064635081700608103072, 0.7435768485182816262],
                                  [0.7435768485182816262, 0.59150704396012098687]]),
            ("x^y", "x=0.7,y=2.5", [[3.1374750995027832054, 0.063434599469168238466],
                                    [0.063434599469168238466, 0.052154321921081042806]]),
        ]
        for c in cases {
            let r = try JacRunner.run(["hessian", c.formula, "--at", c.at, "--format", "json"])
            XCTAssertEqual(r.status, 0, r.stderr)
            let object = try JacRunner.json(r.stdout)
            let h = try XCTUnwrap(object["hessian"] as? [[Double]], r.stdout)
            let bounds = try XCTUnwrap(object["hessian_rounding_bound"] as? [[Double]], "\(c.formula): \(r.stdout)")
            XCTAssertEqual(object["hessian_unreliable"] as? [[Bool]], [[false, false], [false, false]], "\(c.formula): \(r.stdout)")
            XCTAssertFalse(r.stderr.contains("could not be bounded"), "\(c.formula): \(r.stderr)")
            let scale = c.truth.joined().map(Swift.abs).max() ?? 0
            for i in 0..<2 {
                for j in 0..<2 {
                    let off = Swift.abs(h[i][j] - c.truth[i][j])
                    XCTAssertLessThanOrEqual(off, bounds[i][j] + c.truth[i][j].ulp / 2, "\(c.formula) (\(i), \(j)): \(r.stdout)")
                    XCTAssertLessThan(bounds[i][j], 256 * Double.ulpOfOne * scale, "\(c.formula): \(r.stdout)")
                }
            }
        }
    }
}

/// jac hessian priced every Hessian's rounding bound as dense (n² sweeps of a column's tape) and,
/// past that price, printed no bound and said so: a chain of 100 variables, whose Hessian has three
/// nonzeros a column, got "were not bounded … (100 variables …)". Only the rows of its pattern are
/// swept, and the price now counts those.
final class SparseHessianBudgetTests: XCTestCase {
    func testAWideTridiagonalHessianIsBoundedAndADenseOneAsWideSaysItIsNot() throws {
        let n = 100
        let chain = (1...n).map { "x\($0)^2" }.joined(separator: "+") + "+"
            + (1..<n).map { "sin(x\($0)*x\($0 + 1))" }.joined(separator: "+")
        let point = (1...n).map { "x\($0)=\(0.3 + 0.01 * Double($0 % 7))" }.joined(separator: ",")
        let sparse = try JacRunner.run(["hessian", "-", "--at", point, "--format", "json"], stdin: chain)
        XCTAssertEqual(sparse.status, 0, sparse.stderr)
        XCTAssertFalse(sparse.stderr.contains("not bounded for rounding"), sparse.stderr)
        let object = try JacRunner.json(sparse.stdout)
        let bounds = try XCTUnwrap(object["hessian_rounding_bound"] as? [[Double]], String(sparse.stdout.prefix(400)))
        XCTAssertEqual(bounds.count, n)
        let h = try XCTUnwrap(object["hessian"] as? [[Double]])
        let x = (1...n).map { 0.3 + 0.01 * Double($0 % 7) }
        // By hand: ∂²f/∂xₖ² = 2 − xₖ₋₁²·sin(xₖ₋₁xₖ) − xₖ₊₁²·sin(xₖxₖ₊₁) and
        // ∂²f/∂xₖ∂xₖ₊₁ = cos(xₖxₖ₊₁) − xₖxₖ₊₁·sin(xₖxₖ₊₁); 0 elsewhere.
        func truth(_ i: Int, _ j: Int) -> Double {
            if i == j {
                var d = 2.0
                if i > 0 { d -= x[i - 1] * x[i - 1] * sin(x[i - 1] * x[i]) }
                if i < n - 1 { d -= x[i + 1] * x[i + 1] * sin(x[i] * x[i + 1]) }
                return d
            }
            guard Swift.abs(i - j) == 1 else { return 0 }
            let p = x[Swift.min(i, j)] * x[Swift.max(i, j)]
            return cos(p) - p * sin(p)
        }
        // Off the three diagonals ∂²f/∂xᵢ∂xⱼ is structurally 0 and so is its bound. On them the
        // formula does not cancel and the bound is a few hundred ulps of entries of size 1 to 2 at
        // most (it counts every node of the formula's long sums as rounded), and it holds.
        for i in 0..<n {
            for j in 0..<n {
                XCTAssertEqual(h[i][j], truth(i, j), accuracy: 1e-14, "(\(i), \(j))")
                if Swift.abs(i - j) > 1 { XCTAssertEqual(bounds[i][j], 0, "(\(i), \(j))") }
                else { XCTAssertTrue(bounds[i][j] > 0 && bounds[i][j] < 1e-12, "(\(i), \(j)): \(bounds[i][j])") }
            }
        }
        // Every pair coupled through (Σ xₖ)²: past the budget still, and said.
        let dense = "(" + (1...n).map { "x\($0)" }.joined(separator: "+") + ")^2+" + chain
        let d = try JacRunner.run(["hessian", "-", "--at", point], stdin: dense)
        XCTAssertEqual(d.status, 0, d.stderr)
        XCTAssertTrue(d.stderr.contains("were not bounded for rounding (100 variables"), d.stderr)
        // Its JSON: no bound anywhere and every entry unreliable (the keys were left out, and a
        // reader taking a missing judgement as none flagged read all as reliable).
        let j = try JacRunner.run(["hessian", "-", "--at", point, "--format", "json"], stdin: dense)
        XCTAssertEqual(j.status, 0, j.stderr)
        let parsed = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(j.stdout.utf8)) as? [String: Any])
        let jb = try XCTUnwrap(parsed["hessian_rounding_bound"] as? [[Any]], j.stdout)
        XCTAssertEqual(jb.count, n)
        XCTAssertTrue(jb.joined().allSatisfy { $0 is NSNull })
        let judged = try XCTUnwrap(parsed["hessian_unreliable"] as? [[Bool]], j.stdout)
        XCTAssertEqual(judged.count, n)
        XCTAssertTrue(judged.joined().allSatisfy { $0 })
    }

}
