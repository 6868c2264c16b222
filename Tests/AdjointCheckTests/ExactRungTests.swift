import XCTest
import AdjointCore
import AdjointCheck
import AdjointExact

/// The exact-rationals rung of the escalation ladder, on its own so it must decide by itself.
final class ExactRungTests: XCTestCase {
    /// f(x, y) = x²y + x/y: rational. ∇f = (2xy + 1/y, x² − x/y²) by hand.
    struct Rational2: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] * x[0] * x[1] + x[0] / x[1]] }
    }
    struct Trig: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [sin(x[0])] }
    }

    func exactOnly() -> CheckOptions {
        var o = CheckOptions()
        o.ladder = [.exactRationals]
        return o
    }

    func testExactRungDecidesOnRationalFunctions() throws {
        let x = [1.5, 0.75]
        let right = { (x: [Double]) in [2 * x[0] * x[1] + 1 / x[1], x[0] * x[0] - x[0] / (x[1] * x[1])] }
        let good = try checkGradient(of: Rational2(), at: x, claimedGradient: right, options: exactOnly())
        XCTAssertTrue(good.passed, good.renderTable())
        XCTAssertEqual(good.entries[0][0].witness, "exact-rationals")

        // Sign error in ∂/∂y (x² + x/y² instead of x² − x/y²).
        let wrong = { (x: [Double]) in [2 * x[0] * x[1] + 1 / x[1], x[0] * x[0] + x[0] / (x[1] * x[1])] }
        let bad = try checkGradient(of: Rational2(), at: x, claimedGradient: wrong, options: exactOnly())
        XCTAssertFalse(bad.passed)
        XCTAssertEqual(bad.entries[0][1].verdict, .ruleWrong(subjects: ["claimed"]))
        XCTAssertEqual(bad.entries[0][0].verdict, .agree)
    }

    /// ∏ (x + k/(k+1)), k = 1…n: rational, small factors, work quadratic in n.
    struct RationalChain: ADFunction {
        let n: Int
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
            var p = x[0] + T(1) / T(2)
            for k in 2...n { p = p * (x[0] + T(k) / T(k + 1)) }
            return [p]
        }
    }

    /// Past the work budget the rung is a witness that could not run, with the limit named; it
    /// must not decide. Unbudgeted, it ran to the end whatever the limit (58 s and 4.9 GB on a
    /// 20,000-factor chain in jac check).
    func testExactRungPastTheWorkBudgetIsUnavailableAndDecidesNothing() throws {
        let saved = Rational.workLimit
        defer { Rational.workLimit = saved }
        Rational.workLimit = 5_000
        let r = try checkGradient(of: RationalChain(n: 400), at: [1.0 / 3], claimedGradient: { _ in [0.0023] },
                                  options: exactOnly())
        let entry = r.entries[0][0]
        XCTAssertNil(entry.ladder.first?.value)
        guard case .fdInconclusive = entry.verdict else { return XCTFail("\(entry.verdict)") }
        XCTAssertFalse(r.passed)
        XCTAssertTrue(r.toJSON().contains("exceeds the limit of 5000"), r.toJSON())
    }

    /// ∏ₖ (x + k)/(k + 1), k = 1…n: at x = 1/7, n = 2000, forward and reverse mode are 246 ulps
    /// from the exact derivative (Python's fractions: 0.012604582125344627 against 0.0126045821253442),
    /// rounding collected over 4,000 ops and inside their path-magnitude bound, beyond the
    /// entry's 64 ulps. Beside a wrong claim (which needs the exact rung) both modes were called
    /// rule-wrong with the claim.
    struct LongChain: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
            var p: T = 1
            for k in 1...2000 { p = p * (x[0] + T(k)) / T(k + 1) }
            return [p]
        }
    }

    func testAWrongClaimOnALongChainConvictsTheClaimNotTheModesRounding() throws {
        let saved = Rational.workLimit
        defer { Rational.workLimit = saved }
        Rational.workLimit = 1 << 30
        let r = try checkGradient(of: LongChain(), at: [1.0 / 7], claimedGradient: { _ in [0.0023] }, options: exactOnly())
        XCTAssertEqual(r.entries[0][0].witness, "exact-rationals")
        XCTAssertEqual(r.entries[0][0].verdict, .ruleWrong(subjects: ["claimed"]), r.renderTable())
    }

    func testExactRungSaysWhyItCannotRun() throws {
        let r = try checkGradient(of: Trig(), at: [0.3], options: exactOnly())
        let outcome = r.entries[0][0].ladder.first
        XCTAssertEqual(outcome?.witness, "exact-rationals")
        XCTAssertNil(outcome?.value)
        XCTAssertTrue(r.toJSON().contains("sin"), "the reason names the op: \(r.toJSON())")
    }

    /// x/(x·x − 4) near its pole at 2, where fl(x·x) is a sawtooth: across one tooth it rises with
    /// slope exactly 4 (not 2x), and every float difference inside a tooth reads that ramp.
    struct NearPoleOfSquare: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] / (x[0] * x[0] - 4)] }
    }

    /// (x, exact f′ = −(x² + 4)/(x² − 4)² at that Double): Python's `fractions.Fraction`. The floats'
    /// f′ (forward, reverse, the complex step) is within the derivative rounding bound of it, and
    /// the float differences read the tooth's ramp, 4.9·10⁻⁸ of f′ off at 2.0000001 (by hand from
    /// the slope 4: x·(2x − 4)/(x² − 4)², ≈ δ/2 of f′ for δ = x − 2). At the default step, 2⁻³⁰ of x,
    /// the exact rung's truncation (about (h/δ)⁴ of f′) made its agreement loose, the adaptive
    /// method's agreement with the modes beyond its estimate ended the ladder, and the entry was
    /// fd-inconclusive (beyond-estimate): `jac check "x/(x*x-4)" --at x=2.0000001` exited 1.
    static let nearPole: [(x: Double, exact: Double)] = [
        (2.0000001, -50000000163657.92),
        (1.999999921524003, -81188836961738.95),
        (2.0000000784759973, -81188836502298.0),
    ]

    func testNearAPoleTheExactRungRefinesItsStepAndDecides() throws {
        for (x, exact) in Self.nearPole {
            let r = try checkJacobian(of: NearPoleOfSquare(), at: [x], claimed: { _ in [[exact]] }, claimedName: "exact")
            let e = r.entries[0][0]
            XCTAssertEqual(e.verdict, .agree, "x = \(x)\n" + r.renderTable())
            XCTAssertTrue(r.passed, "x = \(x)\n" + r.renderTable())
            // The rung reads the exact f′, sharply: within an ulp-sized estimate, not 10⁻⁸ of it.
            let rung = try XCTUnwrap(e.ladder.first { $0.witness == "exact-rationals" }, "x = \(x)")
            let value = try XCTUnwrap(rung.value), estimate = try XCTUnwrap(rung.errorEstimate)
            XCTAssertEqual(value, exact, accuracy: 1e-14 * Swift.abs(exact), "x = \(x)")
            XCTAssertLessThan(estimate, 1e-14 * Swift.abs(exact), "x = \(x)")
        }
    }

    /// Its power to convict stays: a claim 10⁻⁶ of f′ off (5·10⁷ at 2.0000001, 20 times the ramp's
    /// offset and 200 times the rounding bound), and a division rule 10⁻⁶ off, whose ∂/∂b term
    /// (−a/b²) carries f′ (by hand: ∂f/∂x = 1/b − (a/b²)·2x with b = x² − 4, the second term
    /// 8·10⁶ times the first at 2.0000001).
    func testNearAPoleAWrongClaimOrRuleIsStillConvicted() throws {
        for (x, exact) in Self.nearPole {
            let claim = try checkJacobian(of: NearPoleOfSquare(), at: [x], claimed: { _ in [[exact * (1 + 1e-6)]] })
            XCTAssertEqual(claim.entries[0][0].verdict, .ruleWrong(subjects: ["claimed"]), "x = \(x)\n" + claim.renderTable())
            let rule = try RuleMutations.withMutation(RuleMutation(op: .div, input: 1, factor: 1 + 1e-6)) {
                try checkJacobian(of: NearPoleOfSquare(), at: [x], claimed: { _ in [[exact]] }, claimedName: "exact")
            }
            XCTAssertEqual(rule.entries[0][0].verdict, .ruleWrong(subjects: ["forward", "reverse"]), "x = \(x)\n" + rule.renderTable())
            XCTAssertFalse(rule.passed)
        }
    }
}
