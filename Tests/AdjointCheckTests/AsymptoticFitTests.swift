import XCTest
import AdjointCore
@testable import AdjointCheck

/// sin(1000x): varies on a scale of 1/1000, so steps above 1e-3 are outside every method's
/// asymptotic range.
private struct FastSine: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.sin(1000 * x[0])] }
}

/// Where a sweep's slope is fitted: synthetic error curves with a known answer, then real sweeps
/// whose orders come from the stencils' Taylor expansions (forward 1, central 2, 5-point 4, 7-point 6).
final class AsymptoticFitTests: XCTestCase {
    /// h = 10^(−k/2), k = 2 … 2 + n − 1, the sweep's half-decade grid.
    private func grid(_ n: Int) -> [Double] { (0..<n).map { Double.pow(10, -Double($0 + 2) / 2) } }

    func testAnExactPowerLawIsFittedOverEveryStep() throws {
        // e = 3h²: every local slope is exactly 2, so the whole sweep is one run.
        let pts = grid(6).map { (h: $0, error: 3 * $0 * $0) }
        let fit = asymptoticFit(pts, candidate: pts.map { _ in true })
        XCTAssertEqual(try XCTUnwrap(fit.slope), 2, accuracy: 1e-12)
        XCTAssertEqual(fit.steps, pts.map(\.h))
        XCTAssertNil(fit.reason)
    }

    func testTheRunIsFoundInsideNoise() throws {
        // Two wild points (an oscillation at large h), five on e = h⁴, then a rounding arm e = 1e-16/h.
        let h = grid(10)
        let errors = [5.0, 0.2] + h[2..<7].map { $0 * $0 * $0 * $0 } + h[7...].map { 1e-16 / $0 }
        let pts = zip(h, errors).map { (h: $0, error: $1) }
        let fit = asymptoticFit(pts, candidate: pts.map { _ in true })
        XCTAssertEqual(try XCTUnwrap(fit.slope), 4, accuracy: 1e-12)
        XCTAssertEqual(fit.steps, Array(h[2..<7]))
    }

    func testTwoPointsNeverMakeASlope() throws {
        // Only two candidates: a line through them would have slope 2 exactly, and must not be reported.
        let pts = grid(5).map { (h: $0, error: $0 * $0) }
        let fit = asymptoticFit(pts, candidate: [true, true, false, false, false])
        XCTAssertNil(fit.slope)
        XCTAssertEqual(fit.steps, [])
        let reason = try XCTUnwrap(fit.reason)
        XCTAssertTrue(reason.hasPrefix("no asymptotic range: only h = 0.1, 0.032 have"), reason)
        XCTAssertTrue(reason.contains("a slope needs 3 consecutive steps"), reason)
    }

    /// Found in review: three candidates with none next to another have no local slope at all,
    /// and were described as "error does not shrink with h".
    func testScatteredCandidatesAreSaidToBeNonConsecutive() throws {
        let pts = grid(5).map { (h: $0, error: $0 * $0) }
        let fit = asymptoticFit(pts, candidate: [true, false, true, false, true])
        XCTAssertNil(fit.slope)
        let reason = try XCTUnwrap(fit.reason)
        XCTAssertTrue(reason.contains("are not consecutive"), reason)
        XCTAssertFalse(reason.contains("does not shrink"), reason)
    }

    func testAFlatErrorHasNoSlope() throws {
        // A kink's jump: the error is 1 at every step.
        let pts = grid(8).map { (h: $0, error: 1.0) }
        let fit = asymptoticFit(pts, candidate: pts.map { _ in true })
        XCTAssertNil(fit.slope)
        XCTAssertEqual(fit.reason, "no asymptotic range: error does not shrink with h over h = 0.1 … 3.2e-05")
    }

    func testDisagreeingLocalSlopesHaveNoSlope() throws {
        // Local slopes 1, 3, 1, 3, …: the error shrinks, but follows no single power law.
        var e = 1.0
        var pts: [(h: Double, error: Double)] = []
        for (k, h) in grid(7).enumerated() {
            pts.append((h, e))
            e /= Double.pow(10, k % 2 == 0 ? 0.5 : 1.5)
        }
        let fit = asymptoticFit(pts, candidate: pts.map { _ in true })
        XCTAssertNil(fit.slope)
        XCTAssertTrue(fit.reason?.contains("they range from 1.0 to 3.0") ?? false, fit.reason ?? "nil")
    }

    func testStepLabels() {
        XCTAssertEqual(stepLabel(0.1), "0.1")
        XCTAssertEqual(stepLabel(Double.pow(10, -1.5)), "0.032")
        XCTAssertEqual(stepLabel(0.001), "0.001")
        XCTAssertEqual(stepLabel(Double.pow(10, -4.5)), "3.2e-05")
        XCTAssertEqual(stepLabel(1e-16), "1e-16")
        XCTAssertEqual(stepLabel(7.6e43), "7.6e+43")
        XCTAssertEqual(stepLabel(562.4), "560")   // two significant digits
    }

    func testExpAtPointThreeHasTheTaylorOrders() throws {
        // eˣ at 0.3: every derivative is e^0.3 ≠ 0, so each stencil's leading truncation term is
        // present and the slopes are its order: 1, 1, 2, 4, and 2 for complex step.
        let s = try stepSweep(of: ExpOnly(), at: [0.3])
        for (name, order) in [("forward", 1.0), ("backward", 1), ("central", 2), ("central4", 4), ("complex-step", 2)] {
            let series = try XCTUnwrap(s.series(named: name))
            let slope = try XCTUnwrap(series.slope, "\(name): \(series.noSlopeReason ?? "")")
            XCTAssertEqual(slope, order, accuracy: 0.05, name)
            XCTAssertGreaterThanOrEqual(series.fitSteps.count, 3, name)
        }
    }

    func testFastSineIsFittedOnlyBelowItsScale() throws {
        // sin(1000x) at 1: f′ = 1000 cos 1000. Steps above 1/1000 see several oscillations and follow
        // no power law; below it each stencil's Taylor order holds. The old fixed range 0.1 … 1e-6
        // gave forward 0.24, central 0.16, central4 0.06, complex step 4.62.
        let s = try stepSweep(of: FastSine(), at: [1.0])
        XCTAssertEqual(s.reference, 1000 * cos(1000.0), accuracy: 1e-9)
        let orders: [String: Double] = ["forward": 1, "backward": 1, "central": 2, "central4": 4, "central6": 6, "complex-step": 2]
        for series in s.series {
            guard let slope = series.slope else {
                XCTAssertNotNil(series.noSlopeReason, series.method)
                XCTAssertTrue(series.noSlopeReason?.hasPrefix("no asymptotic range: ") ?? false, series.method)
                continue
            }
            XCTAssertLessThanOrEqual(series.fitSteps.max() ?? 1, 1e-3, "\(series.method) fitted over \(series.fitSteps)")
            XCTAssertGreaterThanOrEqual(series.fitSteps.count, 3, series.method)
            if let p = orders[series.method] { XCTAssertEqual(slope, p, accuracy: 0.1, series.method) }
        }
        // The methods with a clean order must find their range here.
        for name in ["forward", "central", "complex-step"] { XCTAssertNotNil(s.series(named: name)?.slope, name) }
    }

    func testSqrtNearZeroDropsItsDomainAndNeverFitsTwoPoints() throws {
        // √x at 1e-6: central samples x − h < 0 for every h > 1e-6, i.e. h = 10^(−k/2) for
        // k = 2 … 11, ten steps, and those errors are NaN.
        let s = try stepSweep(of: SqrtOnly(), at: [1e-6])
        let central = try XCTUnwrap(s.series(named: "central"))
        XCTAssertEqual(central.nonFiniteSteps.count, 10)
        XCTAssertEqual(central.nonFiniteSteps.first, 0.1)
        XCTAssertEqual(try XCTUnwrap(central.nonFiniteSteps.last), Double.pow(10, -5.5), accuracy: 1e-20)
        XCTAssertEqual(s.series(named: "forward")?.nonFiniteSteps, [], "forward samples only x + h")
        for series in s.series {
            XCTAssertTrue(series.slope == nil ? series.fitSteps.isEmpty : series.fitSteps.count >= 3,
                          "\(series.method): \(series.fitSteps)")
            XCTAssertTrue(series.fitSteps.allSatisfy { h in series.points.contains { $0.h == h && $0.error.isFinite } })
        }
    }

    struct CubeOnly: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] * x[0] * x[0]] } }

    /// Found by a user trial: at x = 1e8 the fixed grid 0.1 … 1e-16 lay below every method's
    /// rounding. The grid now starts a tenth of x's decade down, so central's order 2 shows
    /// (x³: truncation h²·f‴/6 = h², above the rounding ε·|f|/h from h ≈ 1e3 up).
    func testStepsFollowTheInputsDecade() throws {
        let s = try stepSweep(of: CubeOnly(), at: [1e8])
        let central = try XCTUnwrap(s.series.first { $0.method == "central" })
        XCTAssertEqual(central.points.first?.h ?? 0, 1e7, accuracy: 1e-3)
        XCTAssertEqual(central.slope ?? .nan, 2, accuracy: 0.1, "\(central.noSlopeReason ?? "")")
    }

    func testEvaluationsAreCounted() throws {
        // Forward needs f(x) and f(x + h) for each of the 31 steps: at least 32 evaluations.
        let s = try stepSweep(of: ExpOnly(), at: [0.3])
        XCTAssertGreaterThanOrEqual(s.series(named: "forward")?.evaluations ?? 0, 32)
        XCTAssertGreaterThanOrEqual(s.series(named: "complex-step")?.evaluations ?? 0, 31)
        XCTAssertEqual(s.evaluations, s.series.map(\.evaluations).reduce(0, +))
    }
}
