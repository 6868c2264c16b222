import XCTest
import AdjointCore
import AdjointCheck
import AdjointFormula

/// Library disagreements the fuzzer found, each as the smallest failing case. None is in a rule
/// declaration (the rules are right: forward, reverse and an independent reference agree), so
/// they are left to the owners of the witnesses (AdjointCheck); these tests fail until then.
final class FoundIssuesTests: XCTestCase {
    /// The complex step of atan returns 0: swift-numerics' complex atan (through logarithms of
    /// 1 ± iz) loses an imaginary part of size h ≈ 1e-20 entirely, so the checker's complex-step
    /// rung would call the correct rule atan′ = 1/(1 + x²) wrong whenever it is reached.
    /// Found by `jac selftest --seed 7` (361 of 2,000 graphs, all with atan; e.g. graph seed
    /// 2940488688193949890). Expected value by hand: 1/(1 + 0.25) = 0.8.
    func testComplexStepOfAtanIsItsDerivative() throws {
        let f = try Formula(parsing: "atan(x)")
        let d = try differenceJacobian(of: f, at: [0.5], method: .complexStep)
        XCTAssertEqual(d.jacobian[0][0], 0.8, accuracy: 1e-15)
    }

    /// The complex step of tanh at x = 11.8 is off by 6e-7 relative (4.6e-4 at x = 15) while
    /// it claims 4ε: swift-numerics' complex tanh is accurate normwise, and the imaginary part
    /// sech²(x)·h is tiny next to the real part. Found by `jac selftest --seed 3` (before the
    /// generator bounded rounding; formula `sinh(expm1(log(tanh((log(sigmoid(x1))^(-2))))))`
    /// at x1 = 1.0625). Expected: tanh′(11.8) = 1/cosh²(11.8) = 4·e^(−23.6)/(1 + e^(−23.6))²,
    /// computed here from exp alone (no tanh), 2.2453e-10.
    func testComplexStepOfSaturatedTanhIsAccurate() throws {
        let f = try Formula(parsing: "tanh(x)")
        let d = try differenceJacobian(of: f, at: [11.8], method: .complexStep)
        let e = Double.exp(-23.6)
        let expected = 4 * e / ((1 + e) * (1 + e))
        XCTAssertEqual(d.jacobian[0][0], expected, accuracy: 1e-13 * expected)
    }

    /// With central differences and Richardson as its witnesses (the ladder of a graph that also
    /// holds a kink-capable op, so no complex step), the checker calls the correct rule of
    /// log(tanh x) at x = 10 wrong: tanh(10) rounds to 1 − 4e-9 with an absolute error of ε,
    /// which the log turns into a relative error of 3e-8 in f; the witnesses' error estimates
    /// assume f is rounded to a few ulps. The derivative, 2/sinh(20) (by hand), is what forward
    /// and reverse give. (The default ladder passes: its complex step is accurate here.)
    func testCheckerDoesNotCallLogOfTanhWrong() throws {
        let f = try Formula(parsing: "log(tanh(x))")
        var o = CheckOptions()
        o.ladder = [.differences(.central), .differences(.richardson)]
        let r = try checkJacobian(of: f, at: [10.0], options: o)
        XCTAssertEqual(r.entries[0][0].subjects[0].value, 2 / Double.sinh(20), accuracy: 1e-22)
        XCTAssertNotEqual(r.entries[0][0].verdict.name, "rule-wrong")
    }

    /// The checker calls a correct derivative wrong on a deep sigmoid chain whose rounding is
    /// amplified ~500-fold: Richardson differs by 1.7e-11 relative and reports an error estimate
    /// far below that. Reference from mpmath at 60 digits (mp.diff of the same expression):
    /// 8.76712822286044554840398e-13; forward and reverse give 8.767128222860465e-13.
    /// Found by `jac selftest --seed 4` (graph seed 16898809646806336031) before the generator
    /// bounded rounding to 32ε per node. It failed at c2d9ed0 and passes since the checker
    /// changes merged from main after it: kept as a regression test.
    func testCheckerOnAmplifiedRoundingChain() throws {
        let f = try Formula(parsing: "f(x1, x2) = max((sigmoid((log(sigmoid(sigmoid(abs(sigmoid(sigmoid(sigmoid((sigmoid(cosh(sin(sigmoid(x1)))) / x2))))))))^(-3))) * sigmoid((log(sigmoid(sigmoid(abs(sigmoid(sigmoid(sigmoid((sigmoid(cosh(sin(sigmoid(x1)))) / x2))))))))^(-3)))), (log(sigmoid(sigmoid(abs(sigmoid(sigmoid(sigmoid((sigmoid(cosh(sin(sigmoid(x1)))) / x2))))))))^(-3)))")
        var o = CheckOptions()
        o.ladder = [.differences(.central), .differences(.richardson)]
        let r = try checkJacobian(of: f, at: [-0.75, -0.3125], options: o)
        let reference = 8.76712822286044554840398e-13
        XCTAssertEqual(r.entries[0][1].subjects[0].value, reference, accuracy: 1e-13 * reference)
        XCTAssertNotEqual(r.entries[0][1].verdict.name, "rule-wrong")
    }

    /// A quotient of two copies of one value is exactly 1 and its derivative exactly 0, but forward
    /// mode's tangent ȧ/b − (a/b)·ḃ/b rounds its two terms apart (−5.6e-18) and the complex step's
    /// complex division its own way (+5.6e-18). With the entries' forward bound netting the copies
    /// and taking each node's tangent as rounded relative to itself, that bound was 0 and the
    /// right rules were convicted (the bounded fuzz, graph seed 815123444366666618). By hand: A/A ≡ 1, so f is constant and the entry is 0.
    func testQuotientOfCopiesIsNotConvictedForItsRounding() throws {
        let a = "(asinh((tan(tan(softplus(log1p(sigmoid(x1))))) + softplus(x1))))"
        let f = try Formula(parsing: "f(x1) = atan(exp(sqrt(expm1(sigmoid(expm1(\(a) / \(a)))))))")
        let r = try checkJacobian(of: f, at: [-0.125])
        XCTAssertEqual(r.entries[0][0].subjects[0].value, 0, accuracy: 1e-16)
        XCTAssertNotEqual(r.entries[0][0].verdict.name, "rule-wrong", r.renderTable())
    }

    /// At a kink on any output but the last, the checker's one-sided derivatives are NaN and the
    /// convention is called an invalid subgradient: its kink analysis asks the line probe for
    /// `i + 1` outputs instead of all of them. Found by the fuzzer's kinks placed on purpose
    /// (`jac selftest --seed 7`; e.g. `f(x1, x2) = relu(abs(…)); square(abs((x1 - 0.5)))` at
    /// x1 = 0.5). By hand: |x − 0.5| at 0.5 has one-sided derivatives −1 and 1, and the
    /// convention abs′(0) = 0 lies between them.
    func testKinkOnTheFirstOfTwoOutputsIsAnalysed() throws {
        let f = try Formula(parsing: "f(x, y) = abs((x - 0.5)); y")
        let r = try checkJacobian(of: f, at: [0.5, 1.0])
        let k = try XCTUnwrap(r.entries[0][0].kink)
        XCTAssertEqual(k.left, -1, accuracy: 1e-9)
        XCTAssertEqual(k.right, 1, accuracy: 1e-9)
        XCTAssertEqual(r.entries[0][0].verdict, .kink(validSubgradient: true))
    }

    /// elu's convention at 0 is α, its left derivative; the checker's one-sided estimate of the
    /// left derivative carries a truncation error (1.5e-10 here) that its tolerance omits, so
    /// the convention is called an invalid subgradient. By hand: elu(x − 0.5, 1.875) at 0.5 has
    /// one-sided derivatives α·e⁰ = 1.875 and 1; the rule's 1.875 is the left one.
    func testEluConventionAtItsKinkIsAValidSubgradient() throws {
        let f = try Formula(parsing: "elu((x - 0.5), 1.875)")
        let r = try checkJacobian(of: f, at: [0.5])
        XCTAssertEqual(r.entries[0][0].subjects[0].value, 1.875)
        XCTAssertEqual(r.entries[0][0].verdict, .kink(validSubgradient: true))
    }
}
