import XCTest
import AdjointCore
import AdjointFormula
@testable import AdjointCheck

/// Confident misses found outside the calibration corpus (session 11, trial P): function–point
/// pairs where a difference method returned a value whose true error exceeded its estimate with
/// no warning. Each expected derivative is SymPy's symbolic derivative evaluated at the exact
/// binary point by evalf (mpmath) at 40 and at 60 digits, the two agreeing to 32 digits, pasted
/// here to 30 significant digits.
final class HuntedMissTests: XCTestCase {
    /// The estimate holds, or says why it cannot be trusted.
    func assertHonest(_ e: DifferenceEstimate, _ truth: Double, _ what: String,
                      file: StaticString = #filePath, line: UInt = #line) {
        let error = Swift.abs(e.value - truth)
        XCTAssertTrue(error <= e.errorEstimate || !e.warnings.isEmpty,
                      "\(what): \(e.value) ± \(e.errorEstimate), no warning, true \(truth)", file: file, line: line)
    }

    /// sin(x)/x at 10³⁰⁰: every sample is ±10⁻³⁰⁰ and the steps are near 10²⁹⁶, so each
    /// difference over its step underflowed to exactly 0; adaptive's two stencils then agreed
    /// (gap 0 ≤ √ε·0) and central's two steps too: 0 ± 0, no warning.
    func testQuotientBelowTheNormalRangeIsFlagged() throws {
        // d/dx sin(x)/x = cos(x)/x − sin(x)/x² at x = 1e300 (the Double), SymPy/mpmath.
        let truth = -5.75386111957549016477734413460e-301
        let f = try Formula(parsing: "sin(x)/x")
        for method in [DifferenceMethod.central, .richardson, .adaptive] {
            let e = try differenceJacobian(of: f, at: [1e300], method: method).entries[0][0]
            assertHonest(e, truth, "\(method) sin(x)/x at 1e300")
            XCTAssertGreaterThan(e.errorEstimate, 0, "\(method): 0 is never an honest error bound for a difference")
        }
    }
}

extension HuntedMissTests {
    /// An f computed through a rounded intermediate is exactly smooth, with the wrong slope, between
    /// that intermediate's roundings: Richardson's larger steps settled on the right value, a tiny
    /// verification step contradicted it, and a flat run of steps below the roundings was then
    /// accepted with no warning.
    func testSettledValueContradictedByAFlatRunIsFlagged() throws {
        // d/dx (exp(x) − 1)/x at x = 1e-6 (the Double), SymPy/mpmath. Before: −0.49996185302734375
        // ± 3.1e-5, no warning.
        let f = try Formula(parsing: "(exp(x) - 1)/x")
        let e = try differenceJacobian(of: f, at: [1e-6], method: .richardson).entries[0][0]
        assertHonest(e, 0.500000333333458333366651589637, "richardson (exp(x) - 1)/x at 1e-6")
        // d/dx exp(x) − 1 − x at x = Float(1e-4) = 9.99999974737875163555145263671875e-5 exactly, SymPy/mpmath
        // (exp(x) − 1). Before: −1 ± 1.0e-6, no warning (between roundings of Float's exp(x), f is
        // a constant minus x).
        let g = try Formula(parsing: "exp(x) - 1 - x")
        let eg = try differenceJacobian(of: g, at: [Float(1e-4)], method: .richardson).entries[0][0]
        assertHonest(eg, 0.000100004997640205715895525863092, "richardson Float exp(x) - 1 - x at 1e-4")
    }
}
