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
