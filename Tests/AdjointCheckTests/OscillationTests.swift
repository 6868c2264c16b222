import XCTest
import AdjointCore
@testable import AdjointCheck
#if canImport(Glibc)
import Glibc
#endif

/// sin(ωx): oscillates on the scale 1/ω, which a starting step of 0.125·max(1, |x|) ignores.
struct SinOmega: ADFunction {
    let omega: Double
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.sin(T(omega) * x[0])] }
}

/// 2/sin(e^{−x}): the lectures' example; near x = −4.5, e^{−x} ≈ 90 ≈ 28.6π, so sin is near a zero.
struct TwoOverSinExp: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [2 / T.sin(T.exp(-x[0]))] }
}

/// sin(300x) + x·cos(700x) + x³: two frequencies and a polynomial trend.
struct TwoFrequencies: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.sin(300 * x[0]) + x[0] * T.cos(700 * x[0]) + x[0] * x[0] * x[0]] }
}

/// eˣ·sin(200x) + 1e-3·cos(5000x): a fast small ripple on a growing oscillation.
struct RippleOnGrowth: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.exp(x[0]) * T.sin(200 * x[0]) + T(0.001) * T.cos(5000 * x[0])] }
}

/// Richardson and the adaptive method on functions that vary on a scale far below 0.125 (issue
/// 16): each either lands within 1e-9 relative with an estimate that covers its error, or says it
/// is unreliable. Expected values are derived by hand, below each case.
final class OscillationTests: XCTestCase {
    struct Case {
        let name: String
        let f: any ADFunction
        let x: Double
        let derivative: Double
    }

    static var cases: [Case] { [
        // d/dx sin(ωx) = ω cos(ωx).
        Case(name: "sin(1000x) at 1", f: SinOmega(omega: 1000), x: 1, derivative: 1000 * cos(1000.0)),
        Case(name: "sin(50x) at 1", f: SinOmega(omega: 50), x: 1, derivative: 50 * cos(50.0)),
        Case(name: "sin(1e5 x) at 0.3", f: SinOmega(omega: 1e5), x: 0.3, derivative: 1e5 * cos(1e5 * 0.3)),
        // d/dx 2/sin(u), u = e^{−x}: 2u cos(u)/sin²(u). Evaluated in Double this formula is itself
        // off by ~3e-11 (sin(u) near a zero amplifies the rounding of u ≈ 90 about 1800-fold), so
        // the value is mpmath's at 40 digits: mp.diff(lambda x: 2/sin(exp(-x)), mpf(-4.499)),
        // which agrees with the closed form there to 36 digits.
        Case(name: "2/sin(exp(-x)) at -4.499", f: TwoOverSinExp(), x: -4.499, derivative: -80.39305660176542006),
        // 300 cos(300x) + cos(700x) − 700x sin(700x) + 3x².
        Case(name: "two frequencies at 0.37", f: TwoFrequencies(), x: 0.37, derivative: {
            let x = 0.37
            return 300 * cos(300 * x) + cos(700 * x) - 700 * x * sin(700 * x) + 3 * x * x
        }()),
        // eˣ(sin 200x + 200 cos 200x) − 5 sin(5000x).
        Case(name: "ripple on growth at 0.81", f: RippleOnGrowth(), x: 0.81, derivative: {
            let x = 0.81
            return exp(x) * (sin(200 * x) + 200 * cos(200 * x)) - 5 * sin(5000 * x)
        }()),
    ] }

    func testRichardsonAndAdaptiveResolveOscillationsOrSayTheyCannot() throws {
        for method in [DifferenceMethod.richardson, .adaptive] {
            for c in Self.cases {
                let e = try differenceJacobian(of: c.f, at: [c.x], method: method).entries[0][0]
                let error = abs(e.value - c.derivative)
                if e.warnings.contains(.noConvergence) {
                    XCTAssertGreaterThanOrEqual(e.errorEstimate, error, "\(method) \(c.name): unreliable, yet its estimate is below its error")
                    continue
                }
                XCTAssertLessThanOrEqual(error / abs(c.derivative), 1e-9,
                                         "\(method) \(c.name): \(e.value) vs \(c.derivative), estimate \(e.errorEstimate)")
                XCTAssertLessThanOrEqual(error, e.errorEstimate, "\(method) \(c.name): the estimate does not cover the error")
                XCTAssertGreaterThan(e.evaluations, 0)
            }
        }
    }

    func testTheIssueCasesAreResolvedNotMerelyFlagged() throws {
        // The three cases of the issue have a well-defined derivative that Double can resolve
        // (|f′| is not tiny next to ε|f|/h at any useful h), so "unreliable" would be a failure.
        for method in [DifferenceMethod.richardson, .adaptive] {
            for c in Self.cases.prefix(4) {
                let e = try differenceJacobian(of: c.f, at: [c.x], method: method).entries[0][0]
                XCTAssertFalse(e.warnings.contains(.noConvergence), "\(method) \(c.name)")
                XCTAssertLessThanOrEqual(abs(e.value - c.derivative) / abs(c.derivative), 1e-9, "\(method) \(c.name): \(e.value)")
            }
        }
    }

    func testPureNoiseIsReportedAsNotConverging() throws {
        // f(x) = sin(1e15·x) at 1: one period spans about 28 ulps of x, and the product 1e15·x is
        // itself rounded to 0.125, so hardly a digit of f′ = 1e15·cos(1e15) is resolvable: a
        // method must flag its estimate or give an error bar that covers its error.
        let f = SinOmega(omega: 1e15)
        let truth = 1e15 * cos(1e15)
        for method in [DifferenceMethod.richardson, .adaptive] {
            let e = try differenceJacobian(of: f, at: [1.0], method: method).entries[0][0]
            let error = abs(e.value - truth)
            XCTAssertTrue(!e.warnings.isEmpty || error <= e.errorEstimate,
                          "\(method): confident \(e.value) ± \(e.errorEstimate) for \(truth)")
        }
    }
}

/// The library's checker on the issue's cases: with the new step choice its difference rungs
/// agree with the (correct) AD modes instead of calling them wrong.
final class OscillationCheckTests: XCTestCase {
    func testCheckAgreesWithTheModesOnOscillatingFunctions() throws {
        for c in OscillationTests.cases {
            let r = try checkJacobian(of: c.f, at: [c.x])
            XCTAssertTrue(r.passed, "\(c.name):\n\(r.renderTable())")
            XCTAssertEqual(r.entries[0][0].verdict, .agree, c.name)
        }
    }
}
