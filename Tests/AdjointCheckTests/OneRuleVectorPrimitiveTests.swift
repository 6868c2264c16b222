import XCTest
import Foundation
@testable import AdjointCheck
import AdjointCore

// Vector primitives with one rule only: a JVP (as a JAX user's custom_jvp) or a VJP.
//
// The primitive throughout is P(x₀, x₁) = (x₀·x₁, sin x₀ + x₁²), whose Jacobian by hand is
// [[x₁, x₀], [cos x₀, 2x₁]]. The planted slip drops the 2 of d(x₁²) = 2x₁ dx₁.

enum ProdSinJVPOnly: VectorPrimitive {
    static let name = "prodsin_jvp_only"
    static func primal(_ x: [Double]) -> [Double] { [x[0] * x[1], Foundation.sin(x[0]) + x[1] * x[1]] }
    static func jvp(at x: [Double], direction v: [Double]) -> [Double]? {
        [x[1] * v[0] + x[0] * v[1], Foundation.cos(x[0]) * v[0] + 2 * x[1] * v[1]]
    }
}

enum ProdSinWrongJVPOnly: VectorPrimitive {
    static let name = "prodsin_wrong_jvp_only"
    static func primal(_ x: [Double]) -> [Double] { ProdSinJVPOnly.primal(x) }
    static func jvp(at x: [Double], direction v: [Double]) -> [Double]? {
        [x[1] * v[0] + x[0] * v[1], Foundation.cos(x[0]) * v[0] + x[1] * v[1]]   // 2x₁ written x₁
    }
}

enum ProdSinVJPOnly: VectorPrimitive {
    static let name = "prodsin_vjp_only"
    static func primal(_ x: [Double]) -> [Double] { ProdSinJVPOnly.primal(x) }
    static func vjp(at x: [Double], cotangent u: [Double]) -> [Double]? {
        [x[1] * u[0] + Foundation.cos(x[0]) * u[1], x[0] * u[0] + 2 * x[1] * u[1]]
    }
}

enum ProdSinWrongVJPOnly: VectorPrimitive {
    static let name = "prodsin_wrong_vjp_only"
    static func primal(_ x: [Double]) -> [Double] { ProdSinJVPOnly.primal(x) }
    static func vjp(at x: [Double], cotangent u: [Double]) -> [Double]? {
        [x[1] * u[0] + Foundation.cos(x[0]) * u[1], x[0] * u[0] + x[1] * u[1]]   // 2x₁ written x₁
    }
}

/// F(x) = (y₀ + y₁·x₀, exp(y₀)) with y = P(x): by hand, with y₀ = x₀x₁, y₁ = sin x₀ + x₁²,
/// ∂F₀/∂x₀ = x₁ + cos x₀·x₀ + y₁, ∂F₀/∂x₁ = x₀ + 2x₁·x₀, ∂F₁/∂x₀ = x₁e^{y₀}, ∂F₁/∂x₁ = x₀e^{y₀}.
/// A JVP that answers one component for two outputs, and a VJP one for two inputs.
enum ProdSinShortRules: VectorPrimitive {
    static let name = "prodsin_short_rules"
    static func primal(_ x: [Double]) -> [Double] { ProdSinJVPOnly.primal(x) }
    static func jvp(at x: [Double], direction v: [Double]) -> [Double]? { [x[1] * v[0] + x[0] * v[1]] }
    static func vjp(at x: [Double], cotangent u: [Double]) -> [Double]? { [x[1] * u[0]] }
}

struct ThroughProdSin<P: VectorPrimitive>: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
        let y = P.apply(x)
        return [y[0] + y[1] * x[0], exp(y[0])]
    }
}

/// The right JVP and a VJP one entry short (the ∂/∂x₁ component dropped): forward mode runs, reverse
/// mode cannot.
enum ProdSinShortVJP: VectorPrimitive {
    static let name = "prodsin_short_vjp"
    static func primal(_ x: [Double]) -> [Double] { ProdSinJVPOnly.primal(x) }
    static func jvp(at x: [Double], direction v: [Double]) -> [Double]? { ProdSinJVPOnly.jvp(at: x, direction: v) }
    static func vjp(at x: [Double], cotangent u: [Double]) -> [Double]? { [x[1] * u[0] + Foundation.cos(x[0]) * u[1]] }
}

/// A VJP that answers the zero cotangent recording tries and nil for every other: its rule is
/// there, but fails in the sweep.
enum ProdSinVJPNilInSweep: VectorPrimitive {
    static let name = "prodsin_vjp_nil_in_sweep"
    static func primal(_ x: [Double]) -> [Double] { ProdSinJVPOnly.primal(x) }
    static func jvp(at x: [Double], direction v: [Double]) -> [Double]? { ProdSinJVPOnly.jvp(at: x, direction: v) }
    static func vjp(at x: [Double], cotangent u: [Double]) -> [Double]? { u.allSatisfy { $0 == 0 } ? [0, 0] : nil }
}

/// A vector primitive with neither rule: no AD mode can run through it.
enum ProdSinNoRule: VectorPrimitive {
    static let name = "prodsin_no_rule"
    static func primal(_ x: [Double]) -> [Double] { ProdSinJVPOnly.primal(x) }
}

/// One JVP-only call and one VJP-only call: forward mode fails on the second, reverse on the first.
struct BothOneRule: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
        let y = ProdSinJVPOnly.apply(x), z = ProdSinVJPOnly.apply(x)
        return [y[0] + z[1]]
    }
}

/// The Jacobian of ``ThroughProdSin`` by hand (see there).
func throughProdSinJacobian(_ x: [Double]) -> [[Double]] {
    let y0 = x[0] * x[1], y1 = Foundation.sin(x[0]) + x[1] * x[1]
    return [[x[1] + Foundation.cos(x[0]) * x[0] + y1, x[0] + 2 * x[1] * x[0]],
            [x[1] * Foundation.exp(y0), x[0] * Foundation.exp(y0)]]
}

final class OneRuleVectorPrimitiveTests: XCTestCase {
    let x = [0.5, 2.0]
    /// ``throughProdSinJacobian`` at (0.5, 2): 2 + 0.5·cos 0.5 + sin 0.5 + 4, 0.5 + 2, 2e, 0.5e.
    let expected = [[6.918216819549389, 2.5], [5.43656365691809, 1.3591409142295225]]

    /// Whether the report has a 2 × 2 grid of entries (before the fix a refused recording had none).
    func judged(_ r: CheckReport, file: StaticString = #filePath, line: UInt = #line) -> Bool {
        guard r.entries.count == 2, r.entries.allSatisfy({ $0.count == 2 }) else {
            XCTFail("no 2 × 2 entries: \(r.renderTable())", file: file, line: line)
            return false
        }
        return true
    }

    func assertHandJacobian(_ r: CheckReport, subject: String, file: StaticString = #filePath, line: UInt = #line) {
        guard judged(r, file: file, line: line) else { return }
        for i in 0..<2 { for j in 0..<2 {
            let e = r.entries[i][j]
            XCTAssertEqual(e.subjects.first { $0.name == subject }?.value ?? .nan, expected[i][j], accuracy: 1e-14,
                           "(\(i), \(j))", file: file, line: line)
            XCTAssertNotNil(e.witnessValue, "every entry is judged by a witness: \(r.renderTable())", file: file, line: line)
        } }
    }

    /// Found by a user trial: with a JVP only (JAX's custom_jvp) the check recorded a reverse
    /// tape, which refused the call, and the report said "verdict: non-finite: nothing to
    /// compare" with a missing VJP; the user could check the JVP only as a black box.
    func testARightJVPOnlyPrimitiveIsCheckedInForwardModeAndPasses() throws {
        XCTAssertEqual(throughProdSinJacobian(x), expected)
        let r = try checkJacobian(of: ThroughProdSin<ProdSinJVPOnly>(), at: x)
        XCTAssertTrue(r.passed, r.renderTable())
        XCTAssertNil(r.problem)
        XCTAssertEqual(r.subjects, ["forward"])
        XCTAssertEqual(r.modesNotRun.map(\.mode), ["reverse"])
        XCTAssertEqual(r.modesNotRun.first?.missing, .missingRule(primitive: "prodsin_jvp_only", mode: "reverse mode", needs: "VJP"))
        assertHandJacobian(r, subject: "forward")
        XCTAssertEqual(r.directional?.agrees, true, r.renderTable())
        XCTAssertTrue(r.renderTable().contains("note: reverse mode not run: user primitive prodsin_jvp_only has no VJP"), r.renderTable())
        XCTAssertTrue(r.toJSON().contains("\"modesNotRun\""), r.toJSON())
    }

    /// Found by review: a rule answering the wrong length is a problem the report names, and the
    /// verdict line called it "non-finite: nothing to compare" beside it.
    func testWrongLengthRulesAreNotCalledNonFinite() throws {
        let r = try checkJacobian(of: ThroughProdSin<ProdSinShortRules>(), at: x)
        XCTAssertFalse(r.passed, r.renderTable())
        guard case .dimensionMismatch = r.problem else { return XCTFail("problem: \(String(describing: r.problem))") }
        XCTAssertTrue(r.renderTable().contains("verdict: not checked: f or its rules could not be evaluated"), r.renderTable())
        XCTAssertFalse(r.renderTable().contains("non-finite"), r.renderTable())
    }

    /// The JVP's ∂y₁/∂x₁ is x₁ = 2 where by hand it is 2x₁ = 4: entry (0, 1) is x₀ + x₀·(∂y₁/∂x₁),
    /// 1.5 against 2.5, and the rule named is the primitive's JVP.
    func testAWrongJVPOnlyPrimitiveIsConvictedAndNamed() throws {
        let r = try checkJacobian(of: ThroughProdSin<ProdSinWrongJVPOnly>(), at: x)
        XCTAssertFalse(r.passed, r.renderTable())
        guard judged(r) else { return }
        XCTAssertEqual(r.entries[0][1].verdict, .ruleWrong(subjects: ["forward"]), r.renderTable())
        XCTAssertEqual(r.entries[0][1].subjects.first?.value ?? .nan, 1.5, accuracy: 1e-15)
        XCTAssertEqual(r.entries[0][1].witnessValue ?? .nan, 2.5, accuracy: 1e-9)
        for (i, j) in [(0, 0), (1, 0), (1, 1)] { XCTAssertEqual(r.entries[i][j].verdict, .agree, "(\(i), \(j)) \(r.renderTable())") }
        XCTAssertEqual(r.fault?.op, "prodsin_wrong_jvp_only JVP", r.renderTable())
        XCTAssertEqual(r.fault?.partial, 1)
        XCTAssertEqual(r.fault?.expected ?? .nan, 4, accuracy: 1e-9)
        XCTAssertEqual(r.fault?.got, 2)
        XCTAssertEqual(r.modesNotRun.map(\.mode), ["reverse"])
    }

    /// Found by the same trial: with a VJP only, forward mode's column was NaN and every entry
    /// "non-finite (forward)", so reverse mode was never compared with a witness and a wrong VJP
    /// went unconvicted (and the directional check "DISAGREED" with a JVP never computed).
    func testARightVJPOnlyPrimitiveIsCheckedInReverseModeAndPasses() throws {
        let r = try checkJacobian(of: ThroughProdSin<ProdSinVJPOnly>(), at: x)
        XCTAssertTrue(r.passed, r.renderTable())
        XCTAssertEqual(r.subjects, ["reverse"])
        XCTAssertEqual(r.modesNotRun.map(\.mode), ["forward"])
        XCTAssertEqual(r.modesNotRun.first?.missing, .missingRule(primitive: "prodsin_vjp_only", mode: "forward mode", needs: "JVP"))
        assertHandJacobian(r, subject: "reverse")
        XCTAssertNil(r.directional, "the random-direction check is forward mode's; it did not run")
        XCTAssertTrue(r.modeFailures.isEmpty, "\(r.modeFailures)")
    }

    func testAWrongVJPOnlyPrimitiveIsConvictedAndNamed() throws {
        let r = try checkJacobian(of: ThroughProdSin<ProdSinWrongVJPOnly>(), at: x)
        XCTAssertFalse(r.passed, r.renderTable())
        guard judged(r) else { return }
        XCTAssertEqual(r.entries[0][1].verdict, .ruleWrong(subjects: ["reverse"]), r.renderTable())
        XCTAssertEqual(r.entries[0][1].subjects.first?.value ?? .nan, 1.5, accuracy: 1e-15)
        XCTAssertEqual(r.fault?.op, "prodsin_wrong_vjp_only VJP", r.renderTable())
        XCTAssertEqual(r.fault?.expected ?? .nan, 4, accuracy: 1e-9)
        XCTAssertEqual(r.fault?.got, 2)
    }

    /// With no rule at all (one primitive without either, or two primitives each missing the
    /// other's) nothing AD computes can be checked: the report's problem is the missing rule,
    /// both modes are named, and it does not pass.
    func testNeitherModeRunningIsAnErrorNotAPass() throws {
        for f in [ThroughProdSin<ProdSinNoRule>() as any ADFunction, BothOneRule()] {
            let r = try checkJacobian(of: f, at: x)
            XCTAssertFalse(r.passed, r.renderTable())
            guard case .missingRule? = r.problem else { return XCTFail("\(String(describing: r.problem))") }
            XCTAssertEqual(Set(r.modesNotRun.map(\.mode)), ["forward", "reverse"])
            XCTAssertTrue(r.subjects.isEmpty)
            XCTAssertTrue(r.renderTable().contains("not checked: no AD mode could run"), r.renderTable())
        }
        let r = try checkJacobian(of: ThroughProdSin<ProdSinNoRule>(), at: x)
        XCTAssertEqual(r.modesNotRun.map(\.missing), [
            .missingRule(primitive: "prodsin_no_rule", mode: "reverse mode", needs: "VJP"),
            .missingRule(primitive: "prodsin_no_rule", mode: "forward mode", needs: "JVP")])
    }

    /// A JVP-only primitive with forward mode turned off leaves no mode to run: the problem is the
    /// missing VJP, and nothing was non-finite (P is finite at x), so the verdict names no
    /// non-finite value; it was `nonFinite(subjects: ["value"])` (a review). It is the verdict of
    /// a check that compared nothing, and the report still fails.
    func testNoModeLeftIsNotANonFiniteVerdict() throws {
        var options = CheckOptions()
        options.checkForward = false
        let r = try checkJacobian(of: ThroughProdSin<ProdSinJVPOnly>(), at: x, options: options)
        XCTAssertEqual(r.problem, .missingRule(primitive: "prodsin_jvp_only", mode: "reverse mode", needs: "VJP"))
        XCTAssertEqual(r.verdict, .fdInconclusive(reasons: []), r.renderTable())
        XCTAssertFalse(r.passed)
        XCTAssertTrue(r.renderTable().contains("verdict: not checked: no AD mode could run"), r.renderTable())
        XCTAssertTrue(r.toJSON().contains("\"verdict\": \"fd-inconclusive\""), r.toJSON())
        XCTAssertTrue(r.toJSON().contains("\"passed\": false"), r.toJSON())
    }

    /// A claimed Jacobian is still checked when neither mode runs; a wrong claim still fails.
    func testAClaimIsCheckedWhenNeitherModeRuns() throws {
        let right = try checkJacobian(of: ThroughProdSin<ProdSinNoRule>(), at: x, claimed: throughProdSinJacobian)
        XCTAssertTrue(right.passed, right.renderTable())
        XCTAssertEqual(right.subjects, ["claimed"])
        XCTAssertEqual(right.modesNotRun.count, 2)
        let wrong = try checkJacobian(of: ThroughProdSin<ProdSinNoRule>(), at: x,
                                      claimed: { x in throughProdSinJacobian(x).map { $0.map { 2 * $0 } } })
        XCTAssertFalse(wrong.passed, wrong.renderTable())
    }

    /// Turning the missing mode off says nothing about it, and the other mode is checked as before.
    func testAMissingModeTurnedOffIsNotReported() throws {
        var options = CheckOptions()
        options.checkReverse = false
        let r = try checkJacobian(of: ThroughProdSin<ProdSinJVPOnly>(), at: x, options: options)
        XCTAssertTrue(r.passed, r.renderTable())
        XCTAssertTrue(r.modesNotRun.isEmpty)
        XCTAssertEqual(r.subjects, ["forward"])
    }

    /// Float: the same, judged at Float's witnesses.
    func testFloatJVPOnly() throws {
        let right = try checkJacobian(of: ThroughProdSin<ProdSinJVPOnly>(), at: x.map { Float($0) })
        XCTAssertTrue(right.passed, right.renderTable())
        let wrong = try checkJacobian(of: ThroughProdSin<ProdSinWrongJVPOnly>(), at: x.map { Float($0) })
        guard judged(wrong) else { return }
        XCTAssertEqual(wrong.entries[0][1].verdict, .ruleWrong(subjects: ["forward"]), wrong.renderTable())
        XCTAssertEqual(wrong.fault?.op, "prodsin_wrong_jvp_only JVP", wrong.renderTable())
    }

    /// Outside the check, reverse mode still refuses a call without a VJP (no Jacobian is built
    /// from JVPs), and the recording's tolerance does not leak out of the check.
    func testReverseModeStillRefusesAJVPOnlyCallAfterACheck() throws {
        _ = try checkJacobian(of: ThroughProdSin<ProdSinJVPOnly>(), at: x)
        XCTAssertThrowsError(try gradient(of: { ThroughProdSin<ProdSinJVPOnly>()($0)[0] }, at: x)) { e in
            XCTAssertEqual(e as? ADError, .missingRule(primitive: "prodsin_jvp_only", mode: "reverse mode", needs: "VJP"))
        }
    }

    // MARK: The check's other machinery, reached through a JVP-only call

    /// (x₀ + x₁, x₀, x₁) with a JVP only, exact; and with ∂/∂x₁ of its first output planted as 1.5.
    enum PairSumJVPOnly: VectorPrimitive {
        static let name = "pair_sum_jvp_only"
        static func primal(_ x: [Double]) -> [Double] { PairSum.primal(x) }
        static func jvp(at x: [Double], direction v: [Double]) -> [Double]? { PairSum.jvp(at: x, direction: v) }
    }
    enum PairSumWrongJVPOnly: VectorPrimitive {
        static let name = "pair_sum_wrong_jvp_only"
        static func primal(_ x: [Double]) -> [Double] { [x[0] + x[1]] }
        static func jvp(at x: [Double], direction v: [Double]) -> [Double]? { [v[0] + 1.5 * v[1]] }
    }
    struct Small: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [PairSumWrongJVPOnly.apply(x)[0] * T(1e-8) + x[0]] }
    }

    /// Without a VJP the rounding scale comes from the graph's path bounds, not a reverse sweep:
    /// s² − a² − 2ab − b² through the call at x₀ = 10⁸ is 0 by hand, and forward mode's rounding
    /// of it (ulps of 10⁸) is not convicted; a JVP 0.5 off in a 10⁻⁸ entry still is.
    func testRoundingThroughAJVPOnlyCallIsBoundedAndAWrongTinyEntryConvicted() throws {
        var o = CheckOptions()
        o.ladder = [.custom(name: "by hand", errorEstimate: 0, jacobian: { _ in [[0, 0]] })]
        let r = try checkJacobian(of: VectorPathMagnitudeTests.Cancels<PairSumJVPOnly>(throughCall: true), at: [1e8, 0.3], options: o)
        XCTAssertTrue(r.passed, r.renderTable())
        XCTAssertEqual(r.subjects, ["forward"])
        let small = try checkJacobian(of: Small(), at: [0.7, 0.2])
        guard small.entries.first?.count == 2 else { return XCTFail(small.renderTable()) }
        // ∂/∂x₁ = 10⁻⁸ by hand; the JVP gives 1.5·10⁻⁸.
        XCTAssertEqual(small.entries[0][1].verdict, .ruleWrong(subjects: ["forward"]), small.renderTable())
        XCTAssertEqual(small.entries[0][0].verdict, .agree, small.renderTable())
        XCTAssertEqual(small.fault?.op, "pair_sum_wrong_jvp_only JVP", small.renderTable())
    }

    /// (x₀ + x₁)² − x₀² − 2x₀x₁ = x₁² with the sum, x₀ and x₁ from a JVP-only call: by hand
    /// ∇ = (0, 2x₁). At x₀ = 10⁸ f is rounding noise of a few units (terms of 10¹⁶); its bound,
    /// taken from the graph's paths since there is no sweep, keeps that noise from reading as a
    /// jump or convicting forward mode's rounded 0.
    struct CancellingThroughCall: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
            let y = PairSumJVPOnly.apply(x)
            return [y[0] * y[0] - y[1] * y[1] - 2 * y[1] * y[2]]
        }
    }
    func testFsOwnRoundingThroughAJVPOnlyCallIsNotAJump() throws {
        let r = try checkGradient(of: CancellingThroughCall(), at: [1e8, 0.3], claimedGradient: { (x: [Double]) in [0, 2 * x[1]] })
        XCTAssertEqual(r.subjects, ["forward", "claimed"])
        for e in r.entries.joined() {
            XCTAssertFalse(["rule-wrong", "discontinuity"].contains(e.verdict.name), r.renderTable())
        }
    }

    /// A declared kink of a JVP-only call is reported at its recorded node and judged by
    /// one-sided derivatives: max(x₀, x₁) at the tie has one-sided slopes 0 and 1 along each
    /// input, and the JVP's convention (x₀ ≤ x₁ picks x₁) gives (0, 1), inside both.
    func testAKinkOfAJVPOnlyCallIsJudgedByOneSidedDerivatives() throws {
        let r = try checkJacobian(of: VectorPrimitiveKinkDomainTests.Larger<VectorPrimitiveKinkDomainTests.SortPairJVPOnly>(),
                                  at: [1.0, 1.0])
        XCTAssertTrue(r.passed, r.renderTable())
        XCTAssertEqual(r.kinks.map(\.name), ["sort_pair_jvp_only"])
        XCTAssertEqual(r.entries.first?.map(\.verdict.name), ["kink", "kink"], r.renderTable())
        XCTAssertEqual(r.subjects, ["forward"])
    }

    /// Found by a new user's pass: with the right JVP and a VJP one entry short, the headline read
    /// "verdict: non-finite  (4 agree)" where nothing was non-finite; the VJP's length was only in
    /// a note. Forward mode's four entries are still judged (the hand Jacobian above), and the
    /// headline now names the failed mode and the rule's length.
    func testAVJPOfTheWrongLengthIsTheHeadlineNotANonFiniteValue() throws {
        let r = try checkJacobian(of: ThroughProdSin<ProdSinShortVJP>(), at: x)
        XCTAssertFalse(r.passed, r.renderTable())
        assertHandJacobian(r, subject: "forward")
        XCTAssertEqual(r.verdict.name, "mode-failed", r.renderTable())
        let headline = r.renderTable().split(separator: "\n").first { $0.hasPrefix("verdict:") }.map(String.init) ?? ""
        XCTAssertTrue(headline.hasPrefix("verdict: mode-failed: reverse mode failed: "), r.renderTable())
        XCTAssertTrue(headline.contains("prodsin_short_vjp") && headline.contains("VJP length"), headline)
        XCTAssertTrue(headline.contains("(4 agree)"), headline)
        XCTAssertFalse(r.renderTable().contains("non-finite"), r.renderTable())
        XCTAssertTrue(r.toJSON().contains("\"mode-failed\""), r.toJSON())
    }

    /// Found while fixing the above: a VJP failing only in the sweep gave a reverse column of NaN
    /// and four "non-finite (reverse)" entries with no reason anywhere in the report.
    func testAVJPFailingInTheSweepIsNamed() throws {
        let r = try checkJacobian(of: ThroughProdSin<ProdSinVJPNilInSweep>(), at: x)
        XCTAssertFalse(r.passed, r.renderTable())
        XCTAssertEqual(r.modeFailures.count, 1, r.renderTable())
        XCTAssertTrue(r.modeFailures.first?.hasPrefix("reverse mode failed: prodsin_vjp_nil_in_sweep has no VJP at this cotangent") == true,
                      "\(r.modeFailures)")
        XCTAssertTrue(r.renderTable().contains("note: reverse mode failed: prodsin_vjp_nil_in_sweep"), r.renderTable())
    }
}
