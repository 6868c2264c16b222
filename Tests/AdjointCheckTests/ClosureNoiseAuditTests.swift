import XCTest
import AdjointCore
import AdjointFormula
@testable import AdjointCheck

/// Richardson and the adaptive method on a closure on real arrays measure f's noise (NoiseAudit.swift):
/// an f that rounds on the scale of intermediates far larger than itself gets an estimate that
/// holds or says why, and a smooth f keeps its tight bound and no warning.
final class ClosureNoiseAuditTests: XCTestCase {
    func closureEstimate(_ formula: String, at x: Double, _ method: DifferenceMethod) throws -> DifferenceEstimate {
        let f = try Formula(parsing: formula)
        return try differenceJacobian(evaluating: { f($0) }, at: [x], method: method).entries[0][0]
    }

    func assertHoldsOrWarns(_ e: DifferenceEstimate, _ truth: Double, _ what: String,
                            file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertTrue(!e.warnings.isEmpty || Swift.abs(e.value - truth) <= e.errorEstimate,
                      "\(what): \(e.value) ± \(e.errorEstimate) \(e.warnings), true \(truth)", file: file, line: line)
    }

    /// fl(x + 10⁸) − 10⁸ is x rounded to treads of ulp(10⁸) = 2⁻²⁶ ≈ 1.5·10⁻⁸, so steps below a
    /// tread saw only x²: Richardson gave 1.0 ± 1.8·10⁻⁷. The derivative of x + x² at ½ is 2.
    func testAStaircaseBelowTheStepIsMeasured() throws {
        let e = try closureEstimate("(x + 1e8) - 1e8 + x^2", at: 0.5, .richardson)
        assertHoldsOrWarns(e, 2, "Richardson on the staircase")
    }

    /// 1 − cos x cancels 1 against cos x, so f rounds by ε·1, not ε·|f|: the adaptive method
    /// stepped down to 7·10⁻¹⁵ and gave −999.999 ± 0.02. Truth: the corpus's mpmath value.
    func testCancellationInsideFIsMeasured() throws {
        let e = try closureEstimate("(1 - cos(x))/x^2", at: 0.001, .adaptive)
        assertHoldsOrWarns(e, -0.0000833333277777779283220225117482, "adaptive on (1 − cos x)/x²")
        // log(1 + x) rounds 1 + x by ε·1 beside f = 10⁻¹²: 0.9999999999990173 ± 8.8·10⁻¹⁵ missed
        // 1/(1 + 10⁻¹²) by twice its estimate.
        let r = try closureEstimate("log(1 + x)", at: 1e-12, .richardson)
        assertHoldsOrWarns(r, 1 / (1 + 1e-12), "Richardson on log(1 + x)")
    }

    /// The table's spacings are not powers of two: a tread 2⁻²⁶ wide put every sample of a table
    /// spaced 2⁻²⁰ at one place on its tread. Across treads f − (x + x²) is uniform on ±J/2,
    /// whose standard deviation is J/√12.
    func testTheTableSeesTreadsOfAPowerOfTwoWidth() throws {
        let f = try Formula(parsing: "(x + 1e8) - 1e8 + x^2")
        var probe = LineProbe<Double>(eval: { f($0) }, x: [0.5], axis: 0, center: nil)
        let sigma = probe.noiseTable(outputs: 1, open: [0], slopes: [2])[0]?.sigma
        let tread = 0x1p-26 / 12.0.squareRoot()
        XCTAssertNotNil(sigma)
        XCTAssertGreaterThan(sigma ?? 0, tread / 4)
        XCTAssertLessThan(sigma ?? .infinity, tread * 4)
    }

    /// A pole inside the table is not noise: beside 1/(x − 0.5) at 0.500000001 the centre sample
    /// is 600 times its neighbours at every spacing that straddles the pole, and reading that as
    /// noise made the right −10¹⁸ a warned guess.
    func testAPoleInsideTheTableIsNotNoise() throws {
        let x = 0.500000001
        let d = x - 0.5   // exact (Sterbenz)
        for method in [DifferenceMethod.richardson, .adaptive] {
            let e = try closureEstimate("1/(x - 0.5)", at: x, method)
            XCTAssertEqual(e.warnings, [], "\(method)")
            XCTAssertLessThanOrEqual(Swift.abs(e.value - (-1 / (d * d))), e.errorEstimate, "\(method)")
        }
        XCTAssertNil(tableNoise([1, 2, 3, 4, 1e9, 6, 7, 8, 9]))
    }

    /// Smooth f at ordinary points: no warning and the bound the method had without the audit
    /// (Richardson's 10⁻¹³ of f′, the adaptive stencil's gap). The audit's table costs 16
    /// evaluations where its first two spacings agree: Richardson 22 → 38 per column, the adaptive
    /// method 9 → 25 where it needed a second step, and its first-step agreement (sin) still 3.
    func testSmoothFunctionsKeepTightBoundsAndNoWarning() throws {
        let cases: [(String, Double, Double, Int)] = [
            // 26: the two steps agree within rounding, and one sample off their power-of-two
            // lattice rules out a staircase of rounding (AdaptiveLatticeAgreementTests).
            ("sin(x)", 0.7, Foundation.cos(0.7), 3), ("exp(x)", 1.3, Foundation.exp(1.3), 26), ("log(x)", 2.5, 1 / 2.5, 26),
        ]
        for (formula, x, truth, adaptiveCost) in cases {
            for method in [DifferenceMethod.richardson, .adaptive] {
                let e = try closureEstimate(formula, at: x, method)
                let what = "\(method) \(formula) at \(x): \(e.value) ± \(e.errorEstimate) \(e.warnings)"
                XCTAssertEqual(e.warnings, [], what)
                XCTAssertLessThanOrEqual(Swift.abs(e.value - truth), e.errorEstimate, what)
                let tight = method == .richardson ? 1e-12 : 1e-8
                XCTAssertLessThanOrEqual(e.errorEstimate, tight * Swift.abs(truth), what)
                XCTAssertLessThanOrEqual(e.evaluations, method == .richardson ? 38 : adaptiveCost, what)
            }
        }
    }
}
