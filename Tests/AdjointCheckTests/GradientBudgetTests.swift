import XCTest
import AdjointCore
@testable import AdjointCheck
#if canImport(Glibc)
import Glibc
#endif

/// `make bench`'s f: Σ_{i<n−1} [sin(xᵢ)·xᵢ₊₁ + log(1 + xᵢ²)], and its gradient by hand:
/// ∂f/∂xᵢ = cos(xᵢ)·xᵢ₊₁ + 2xᵢ/(1 + xᵢ²) (i < n−1) + sin(xᵢ₋₁) (i > 0).
struct BenchSum: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
        var s: T = 0
        for i in 0..<(x.count - 1) { s = s + T.sin(x[i]) * x[i + 1] + T.log(1 + x[i] * x[i]) }
        return [s]
    }

    static func gradient(_ x: [Double]) -> [Double] {
        var g = [Double](repeating: 0, count: x.count)
        for i in 0..<(x.count - 1) {
            g[i] += cos(x[i]) * x[i + 1] + 2 * x[i] / (1 + x[i] * x[i])
            g[i + 1] += sin(x[i])
        }
        return g
    }
}

/// f with a call counter, to check the evaluation counts the API reports.
final class CountingFunction: ADFunction, @unchecked Sendable {
    var calls = 0
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
        calls += 1
        return BenchSum()(x)
    }
}

/// Evaluations and accuracy of gradients by differences (issues 14 and 16): counted, not timed.
final class GradientBudgetTests: XCTestCase {
    let n = 100
    var x: [Double] { (0..<n).map { 0.5 + 0.001 * Double($0) } }

    func relativeError(_ g: [Double], _ exact: [Double]) -> Double {
        let num = zip(g, exact).map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot()
        return num / exact.map { $0 * $0 }.reduce(0, +).squareRoot()
    }

    func testAdaptiveGradientMeetsTheNumdifftoolsGoal() throws {
        // numdifftools' default central gradient of this f at n = 100: 3,001 evaluations for
        // 8.4e-11 relative error (issue 16). Goal: ≤ 1e-10 with at most a tenth of the evaluations.
        let d = try differenceJacobian(of: BenchSum(), at: x, method: .adaptive)
        let err = relativeError(d.jacobian[0], BenchSum.gradient(x))
        print("adaptive gradient n = \(n): relative error \(err), \(d.evaluations) evaluations")
        XCTAssertLessThanOrEqual(err, 1e-10)
        // 3 per input and f(x) (its recording on the tape), except x₉₉: f is linear in it
        // (sin(x₉₈)·x₉₉), which the tape shows, so one central difference (2 evaluations) has no
        // truncation to estimate. 307 before the tape's affine inputs were read (x₉₉ took 9: its
        // two stencils agreed within the rounding at every step, so a larger step had to confirm
        // and f's noise be measured); the goal, a tenth of numdifftools' 3,001, is 300.
        XCTAssertEqual(d.entries[0].dropLast().map(\.evaluations), Array(repeating: 3, count: n - 1))
        XCTAssertEqual(d.entries[0][n - 1].evaluations, 2)
        XCTAssertLessThanOrEqual(d.evaluations, 300)
        // Every entry's own estimate covers its error.
        for (j, e) in d.entries[0].enumerated() {
            XCTAssertLessThanOrEqual(abs(e.value - BenchSum.gradient(x)[j]), e.errorEstimate, "entry \(j)")
        }
    }

    func testComplexStepGradientIsExactWithOneEvaluationPerInput() throws {
        // numdifftools' complex-step gradient of this f at n = 100: 101 evaluations (issue 16).
        // One complex evaluation per input and one check along all inputs at once, and one
        // recording of f on duals per 8 inputs for the bound on the rounding inside f.
        let d = try differenceJacobian(of: BenchSum(), at: x, method: .complexStep)
        let err = relativeError(d.jacobian[0], BenchSum.gradient(x))
        print("complex-step gradient n = \(n): relative error \(err), \(d.evaluations) evaluations")
        XCTAssertLessThanOrEqual(err, 1e-15)
        XCTAssertEqual(d.evaluations, n + 1 + (n + 7) / 8)
        for (j, e) in d.entries[0].enumerated() {
            XCTAssertLessThanOrEqual(abs(e.value - BenchSum.gradient(x)[j]), e.errorEstimate, "entry \(j)")
        }
    }

    struct Tan: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.tan(x[0])] } }
    struct OffsetTan: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.tan(x[0]) + 1e30] } }
    struct FastSine: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.sin(1000 * x[0])] } }
    struct HighPower: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.powi(x[0], 50)] } }
    struct Exponential: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.exp(x[0])] } }

    func testOneComplexStepIsTrustedOnlyWhereItsTruncationIsInvisible() throws {
        // Double(π/2) lies 6.1e-17 below tan's pole: h = 1e-20·|x| is 2.6e-4 of the distance, so
        // one step is 7e-8 wrong — the case an a-priori bound from |x| got wrong. The check at
        // 1024 h sees it; the second step measures the truncation and a smaller step removes it
        // (1 + 1 + 1 + 2 evaluations). Adding 1e30 changes nothing for the check (it fooled a
        // tripwire built on |f/f′|, found in review). sin(1000x) at 0, x⁵⁰ at 3 and eˣ at 1 vary
        // on scales far above h: one step and the check. Each also records f once on duals, for
        // the bound on the rounding inside f.
        let pole = Double.pi / 2
        let t = tan(pole)
        let cases: [(String, any ADFunction, Double, Double, Int)] = [
            ("tan at Double(π/2)", Tan(), pole, 1 + t * t, 6),
            ("tan + 1e30 at Double(π/2)", OffsetTan(), pole, 1 + t * t, 6),
            ("sin(1000x) at 0", FastSine(), 0, 1000, 3),
            ("x^50 at 3", HighPower(), 3, 50 * pow(3, 49), 3),
            ("exp at 1", Exponential(), 1, exp(1), 3),
        ]
        for (name, f, point, truth, evaluations) in cases {
            let d = try differenceJacobian(of: f, at: [point], method: .complexStep)
            let e = d.entries[0][0]
            XCTAssertEqual(d.evaluations, evaluations, name)
            XCTAssertLessThanOrEqual(abs(e.value - truth), e.errorEstimate, name)
            // Accurate, not merely honest: a few ulps of f′ (libm's tan and pow are within an ulp).
            XCTAssertLessThanOrEqual(abs(e.value - truth), 1e-14 * abs(truth), name)
        }
    }

    struct HugePower: ADFunction {
        let exponent: Double
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.pow(x[0], T(exponent))] }
    }

    /// x^(10³⁰) at 1: by hand the derivative is 10³⁰. At the first step 1e-20 the phase 10³⁰·h is
    /// 10¹⁰ radians and Im/h is noise of size 1/h; the pair h, 2h gave 1.12e20 ± 1.6e19 (trialF).
    /// Two steps that disagree or get less accurate as the step shrinks confirm nothing, so the
    /// step keeps shrinking until a pair agrees (three rounds here). x^(10⁴²) needs a step below
    /// 1e-50 for a phase under 1e-8, past the four rounds (to about 1e-44): its value is 5e-6
    /// off, and no bound is claimed for it.
    func testAComplexStepShrinksUntilTwoStepsAgree() throws {
        let d = try differenceJacobian(of: HugePower(exponent: 1e30), at: [1.0], method: .complexStep)
        let e = d.entries[0][0]
        XCTAssertTrue(e.warnings.isEmpty, "\(e.warnings)")
        XCTAssertLessThanOrEqual(abs(e.value - 1e30), e.errorEstimate)
        XCTAssertLessThanOrEqual(abs(e.value - 1e30), 1e-14 * 1e30)
        let far = try differenceJacobian(of: HugePower(exponent: 1e42), at: [1.0], method: .complexStep).entries[0][0]
        XCTAssertTrue(far.warnings.contains(.noConvergence), "\(far)")
        XCTAssertEqual(far.errorEstimate, .infinity)
    }

    /// Outputs that do not depend on an input give an exact 0 in that column, which needs no
    /// second step: a sparse Jacobian costs n + 1 evaluations like a dense one (and one recording
    /// of f on duals per 8 columns, for the bound on the rounding inside f).
    struct Sparse: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] * x[1], T.sin(x[2]), x[3] * x[3]] }
    }

    func testZeroEntriesCostNoExtraEvaluations() throws {
        let x = [1.5, -2.0, 0.7, 3.0]
        let d = try differenceJacobian(of: Sparse(), at: x, method: .complexStep)
        XCTAssertEqual(d.evaluations, x.count + 1 + 1)
        // By hand: rows (x₁, x₀, 0, 0), (0, 0, cos x₂, 0), (0, 0, 0, 2x₃).
        let truth: [[Double]] = [[-2, 1.5, 0, 0], [0, 0, cos(0.7), 0], [0, 0, 0, 6]]
        for i in 0..<3 {
            for j in 0..<4 {
                let e = d.entries[i][j]
                XCTAssertLessThanOrEqual(abs(e.value - truth[i][j]), max(e.errorEstimate, 0), "(\(i), \(j))")
                XCTAssertLessThanOrEqual(abs(e.value - truth[i][j]), 1e-15 * max(1, abs(truth[i][j])), "(\(i), \(j))")
            }
        }
    }

    func testEvaluationCountsAreLinearAndMatchTheCallsMade() throws {
        // Central differences cost 6 evaluations per input (steps h and 2h, the second for the
        // error estimate, and h/φ, the look off the power-of-two lattice that f's tape bounding
        // its rounding lets it take; 4 for the last input, in which the tape shows f affine) plus
        // f(x) once; the count reported must be the calls made, and each entry reports its
        // column's share.
        for size in [10, 40, 160] {
            let f = CountingFunction()
            let point = (0..<size).map { 0.5 + 0.001 * Double($0) }
            let d = try differenceJacobian(of: f, at: point, method: .central)
            XCTAssertEqual(f.calls, 6 * (size - 1) + 4 + 1, "n = \(size)")
            XCTAssertEqual(d.evaluations, f.calls)
            XCTAssertEqual(d.entries[0].map(\.evaluations).reduce(0, +) + 1, f.calls)
            for method in [DifferenceMethod.richardson, .adaptive, .complexStep, .forward, .central4] {
                let g = CountingFunction()
                let r = try differenceJacobian(of: g, at: point, method: method)
                XCTAssertEqual(r.evaluations, g.calls, "\(method) n = \(size)")
                XCTAssertEqual(r.entries[0].map(\.evaluations).reduce(0, +) + 1, g.calls, "\(method) n = \(size)")
            }
        }
    }
}
