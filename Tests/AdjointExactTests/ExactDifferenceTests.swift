import XCTest
import AdjointCore
import AdjointExact

/// Exact differences: primal evaluations in ℚ only, so they are independent of the derivative rules.
final class ExactDifferenceTests: XCTestCase {
    /// f(x, y) = (x³ − y)/(1 + x²y): rational, with curvature in every direction.
    struct RationalMap: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
            [(x[0] * x[0] * x[0] - x[1]) / (1 + x[0] * x[0] * x[1]), x[0] * x[1]]
        }
    }

    func testMatchesExactJacobianToFarBelowDoublePrecision() throws {
        let x = [Rational(numerator: 3, denominator: 7), Rational(numerator: -5, denominator: 4)]
        let exact = try exactJacobian(of: RationalMap(), at: x, mode: .reverse).jacobian
        let d = try exactDifferenceJacobian(of: RationalMap(), at: x)
        let tiny = Rational(numerator: 1, denominator: 1 << 62) * Rational(numerator: 1, denominator: 1 << 38)  // 2⁻¹⁰⁰
        for i in 0..<2 {
            for j in 0..<2 {
                XCTAssertTrue(Rational.abs(d.jacobian[i][j] - exact[i][j]) < tiny, "(\(i), \(j))")
                XCTAssertTrue(d.errorEstimate[i][j] < tiny)
            }
        }
        // x·y is bilinear: its central differences are exact, with zero estimated error.
        XCTAssertEqual(d.jacobian[1], [x[1], x[0]])
        XCTAssertEqual(d.errorEstimate[1], [0, 0])
    }

    /// The reason this witness exists: a planted wrong rule changes exact AD, not exact differences.
    func testIndependentOfThePlantedRule() throws {
        let x = [Rational(2), Rational(3)]
        let before = try exactDifferenceJacobian(of: RationalMap(), at: x).jacobian
        let goodAD = try exactJacobian(of: RationalMap(), at: x, mode: .reverse).jacobian
        try RuleMutations.withMutation(RuleMutation(op: .mul, input: 0, factor: 2)) {
            XCTAssertNotEqual(try exactJacobian(of: RationalMap(), at: x, mode: .reverse).jacobian, goodAD,
                              "exact AD follows the planted rule")
            XCTAssertEqual(try exactDifferenceJacobian(of: RationalMap(), at: x).jacobian, before,
                           "exact differences never read a rule")
        }
    }

    func testNonRationalOpIsATypedError() {
        struct Sine: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [sin(x[0])] } }
        XCTAssertThrowsError(try exactDifferenceJacobian(of: Sine(), at: [Rational(1)])) { e in
            guard case ADError.unsupported(let op, _, _) = e else { return XCTFail("\(e)") }
            XCTAssertEqual(op, "sin")
        }
    }
}

/// Exact differences spend from the same work budget as exact AD (`Rational.workLimit`): without
/// one, a 20,000-factor chain ran 58 s and 4.9 GB in jac check's last rung, and neither
/// `JAC_EXACT_WORK_LIMIT` nor a `withWorkLimit` scope around the call could stop it.
final class ExactDifferenceWorkBudgetTests: XCTestCase {
    typealias Chain = ExactWorkBudgetTests.Chain

    func testStopsAtTheEnclosingScopesLimitAndNamesIt() {
        XCTAssertThrowsError(try Rational.withWorkLimit(5_000) {
            try exactDifferenceJacobian(of: Chain(n: 400), at: [Rational(1) / Rational(3)])
        }) { e in
            guard case let ADError.limitExceeded(what, limit) = e else { return XCTFail("\(e)") }
            XCTAssertTrue(what.contains("Rational.workLimit"), what)
            XCTAssertEqual(limit, 5_000)
        }
    }

    func testTheProcessWideLimitBoundsACallWithoutAScope() {
        let saved = Rational.workLimit
        defer { Rational.workLimit = saved }
        Rational.workLimit = 5_000
        XCTAssertThrowsError(try exactDifferenceJacobian(of: Chain(n: 400), at: [Rational(1) / Rational(3)])) { e in
            guard case let ADError.limitExceeded(_, limit) = e else { return XCTFail("\(e)") }
            XCTAssertEqual(limit, 5_000)
        }
    }

    /// The budget can run out after every evaluation of f succeeded, in the differences' own
    /// arithmetic: that is the same error, not a Jacobian of NaNs. Probed by bisection down to the
    /// least limit that affords the whole computation (a chain of 20 factors at 1/3), every limit
    /// probed either throws limitExceeded or gives finite entries.
    func testABudgetSpentInTheArithmeticThrowsAndNeverGivesNaN() throws {
        let x = [Rational(1) / Rational(3)]
        var (low, high) = (1, 1 << 22)
        while high - low > 1 {
            let mid = (low + high) / 2
            do {
                let d = try Rational.withWorkLimit(mid) { try exactDifferenceJacobian(of: Chain(n: 20), at: x) }
                XCTAssertFalse(d.jacobian.joined().contains(where: \.isNaN) || d.errorEstimate.joined().contains(where: \.isNaN),
                               "limit \(mid): \(d.jacobian)")
                high = mid
            } catch ADError.limitExceeded {
                low = mid
            }
        }
    }

    /// The default budget leaves ordinary work alone: d/dx ∏(x + a_k) at 0 is ∏a_k · Σ 1/a_k
    /// (by the product rule), which the differences reach to far below Double's resolution.
    func testAShortChainFitsTheDefaultBudget() throws {
        let d = try exactDifferenceJacobian(of: Chain(n: 20), at: [Rational(0)])
        var product = Rational(1), sum = Rational(0)
        for k in 1...20 { let a = Rational(k) / Rational(k + 1); product = product * a; sum = sum + Rational(1) / a }
        let tiny = Rational(numerator: 1, denominator: 1 << 62) * Rational(numerator: 1, denominator: 1 << 38)  // 2⁻¹⁰⁰
        XCTAssertTrue(Rational.abs(d.jacobian[0][0] - product * sum) < tiny, "\(d.jacobian[0][0])")
    }
}

/// Near a pole the default step's truncation, about (h/δ)⁴ of f′ for a pole δ away, is coarse;
/// `refiningTo` makes the step smaller where it is, and only where that narrows the estimate.
final class ExactDifferenceRefinementTests: XCTestCase {
    struct NearPole: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] / (x[0] * x[0] - 4)] }
    }
    /// x·y beside 1/(x − 2): column 0 needs refining, column 1 (f linear in y) does not.
    struct TwoColumns: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[1] / (x[0] - 2)] }
    }
    /// A hand-written relu: not smooth at 0 on any step.
    struct HandRelu: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] > 0 ? x[0] : 0 * x[0]] }
    }

    let ulp = Rational(Double.ulpOfOne)

    /// 1/(x − 2), plus 10⁶·(x − c) past c: a slope jump of 10⁶ at c.
    struct JumpBesidePole: ADFunction {
        let c: Double
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
            [x[0] < T(c) ? 1 / (x[0] - 2) : 1 / (x[0] - 2) + 1_000_000 * (x[0] - T(c))]
        }
    }

    /// A slope jump J = 10⁶ a distance δ right of x = 2.0000001, beside the pole at 2: every central
    /// difference at a step far above δ carries about J/2, which halving the step cannot show, and
    /// the second differences show it only as their ratio drifting from ½ (h·f″ ≈ 10¹⁰ swamps J).
    /// Refined to 1.6·10⁴, 1.6·10³ the estimate missed by 5·10⁵ (a review's cases). Whatever
    /// the step taken, the estimate must cover f′ = −1/(x − 2)² (x < c: the left piece, by hand).
    func testASlopeJumpBesideAPoleIsNotRefinedIntoAConfidentBias() throws {
        let x = 2.0000001
        let truth = -1 / ((Rational(x) - 2) * (Rational(x) - 2))
        for delta in [1e-12, 1e-13, 1e-14] {
            let f = JumpBesidePole(c: x + delta)
            XCTAssertTrue(x < f.c)
            let d = try exactDifferenceJacobian(of: f, at: [Rational(x)], refiningTo: ulp)
            XCTAssertTrue(Rational.abs(d.jacobian[0][0] - truth) <= d.errorEstimate[0][0],
                          "δ = \(delta): \(d.jacobian[0][0].doubleValue) ± \(d.errorEstimate[0][0].doubleValue) for \(truth.doubleValue)")
        }
    }

    /// f′ = −(x² + 4)/(x² − 4)² at the Double 2.0000001 (by hand; evaluated in ℚ here, and
    /// −50000000163657.92 by Python's fractions): the default step's estimate is 2.8·10⁻⁸ of it,
    /// the refined one below an ulp of it, and the refined value within that of f′.
    func testARefinedColumnReachesTheDerivativeNearAPole() throws {
        let x = Rational(2.0000001)
        let truth = -(x * x + 4) / ((x * x - 4) * (x * x - 4))
        XCTAssertEqual(truth.doubleValue, -50000000163657.92)
        let coarse = try exactDifferenceJacobian(of: NearPole(), at: [x])
        XCTAssertTrue(coarse.errorEstimate[0][0] > Rational(1e-8) * Rational.abs(truth))
        let d = try exactDifferenceJacobian(of: NearPole(), at: [x], refiningTo: ulp)
        XCTAssertTrue(d.errorEstimate[0][0] <= ulp * Rational.abs(d.jacobian[0][0]))
        XCTAssertTrue(Rational.abs(d.jacobian[0][0] - truth) <= ulp * Rational.abs(truth))
        XCTAssertTrue(d.steps[0] < coarse.steps[0])
        XCTAssertEqual(d.notSmooth, [[false]])
    }

    /// Per column: d/dy of y/(x − 2) at (2 + 2⁻²⁰, 3) is exact at any step (f is linear in y), so
    /// that column keeps its step; d/dx, −y/(x − 2)² = −3·2⁴⁰ by hand, is refined.
    func testOnlyTheColumnThatAsksIsRefined() throws {
        let x = [Rational(2) + Rational(numerator: 1, denominator: 1 << 20), Rational(3)]
        let coarse = try exactDifferenceJacobian(of: TwoColumns(), at: x)
        let d = try exactDifferenceJacobian(of: TwoColumns(), at: x, refiningTo: ulp)
        XCTAssertEqual(d.steps[1], coarse.steps[1])
        XCTAssertEqual(d.jacobian[0][1], Rational(1 << 20))
        XCTAssertTrue(d.steps[0] < coarse.steps[0])
        let truth = Rational(-3) * Rational(1 << 40)
        XCTAssertTrue(Rational.abs(d.jacobian[0][0] - truth) <= ulp * Rational.abs(truth))
    }

    /// A column not smooth at the first step is left as it was: the relu's differences at 0 are
    /// the mean of its slopes, ½, on every step, and a smaller one is no surer.
    func testAColumnThatIsNotSmoothIsLeftAlone() throws {
        let coarse = try exactDifferenceJacobian(of: HandRelu(), at: [Rational(0)])
        let d = try exactDifferenceJacobian(of: HandRelu(), at: [Rational(0)], refiningTo: ulp)
        XCTAssertEqual(d.notSmooth, [[true]])
        XCTAssertEqual(d.steps, coarse.steps)
        XCTAssertEqual(d.jacobian, coarse.jacobian)
    }

    /// A refinement that runs out of budget leaves the first result: inside a scope that affords
    /// the first pass and nothing more (its least such limit, found by bisection), the column
    /// keeps the default step, and nothing is thrown.
    func testARefinementPastItsBudgetKeepsTheFirstResult() throws {
        let x = [Rational(2.0000001)]
        let coarse = try exactDifferenceJacobian(of: NearPole(), at: x)
        var (low, high) = (1, 1 << 22)   // the first pass fails at `low` and fits in `high`
        XCTAssertNotNil(try? Rational.withWorkLimit(high) { try exactDifferenceJacobian(of: NearPole(), at: x) })
        while high - low > 1 {
            let mid = (low + high) / 2
            if (try? Rational.withWorkLimit(mid) { try exactDifferenceJacobian(of: NearPole(), at: x) }) != nil { high = mid } else { low = mid }
        }
        let starved = try Rational.withWorkLimit(high) { try exactDifferenceJacobian(of: NearPole(), at: x, refiningTo: ulp) }
        XCTAssertEqual(starved.steps, coarse.steps)
        XCTAssertEqual(starved.jacobian, coarse.jacobian)
        XCTAssertEqual(starved.errorEstimate, coarse.errorEstimate)
        // With room to spare the same call refines.
        let refined = try Rational.withWorkLimit(4 * high) { try exactDifferenceJacobian(of: NearPole(), at: x, refiningTo: ulp) }
        XCTAssertTrue(refined.steps[0] < coarse.steps[0])
    }

    func testANegativeOrNaNTargetIsRefused() {
        for target in [Rational(-1), Rational.nan] {
            XCTAssertThrowsError(try exactDifferenceJacobian(of: NearPole(), at: [Rational(3)], refiningTo: target)) { error in
                guard case let .invalidArgument(message)? = error as? ADError else { return XCTFail("\(target): \(error)") }
                XCTAssertTrue(message.contains("refiningTo"), message)
            }
        }
    }
}

/// A step that is zero, negative or NaN is a typed error, not a Jacobian of NaNs.
final class ExactDifferenceStepTests: XCTestCase {
    struct Square: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] * x[0]] }
    }

    func testNonPositiveOrNaNRelativeStepIsRefused() {
        for step in [Rational(0), Rational(-1), Rational.nan] {
            XCTAssertThrowsError(try exactDifferenceJacobian(of: Square(), at: [Rational(3)], relativeStep: step)) { error in
                guard case let .invalidArgument(message)? = error as? ADError else { return XCTFail("\(step): \(error)") }
                XCTAssertTrue(message.contains("relativeStep"), message)
            }
        }
        // A positive step still works: d/dx x² = 2x = 6 at 3, and x² has no third derivative, so
        // the central difference is exact at any step.
        XCTAssertEqual(try exactDifferenceJacobian(of: Square(), at: [Rational(3)], relativeStep: Rational(1)).jacobian, [[6]])
    }
}

final class ExactReportNaNTests: XCTestCase {
    /// A NaN entry must dominate the summary, wherever it sits among finite entries.
    func testNaNEntryIsNotHiddenByTheMaximum() throws {
        for approximate in [[[0.5, Double.nan, 0.25]], [[Double.nan, 0.5, 0.25]], [[0.5, 0.25, Double.nan]]] {
            let r = try exactErrorReport(of: approximate, exact: [[Rational(numerator: 1, denominator: 2),
                                                                  Rational(numerator: 1, denominator: 2),
                                                                  Rational(numerator: 1, denominator: 4)]],
                                         method: "test")
            XCTAssertFalse(r.maxULPs.isFinite, "\(approximate)")
            XCTAssertFalse(r.maxRelativeError.isFinite, "\(approximate)")
        }
    }
}
