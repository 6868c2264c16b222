import AdjointCore
import AdjointFormula
import XCTest
@testable import AdjointCheck

/// The sweep's complex-step curve is the complex step, Im f(x + ih)/h, at every step, wide ones
/// included: its real parts are the floats' values only where those agree with the continuation's
/// to rounding (``Complex/onTheFloatsPath(_:real:)``).
///
/// Expected errors: |Im f(x + ih)/h − f′(x)| from mpmath at 40 digits (truncation only), with f′
/// by mpmath's `diff`; Python's cmath in Double lands within 1.3·10⁻⁵ of each relative (its
/// rounding at these steps), so 10⁻³ relative is a rounding allowance with room:
///
///     import mpmath as mp; mp.mp.dps = 40
///     f = lambda z: (1 - mp.cos(z))/z**2; x = mp.mpf('1e-3'); d = mp.diff(f, x)
///     h = mp.mpf(0.1); abs(mp.im(f(mp.mpc(x, h)))/h - d)      # 5.55704337509e-8
///     import cmath; z = complex(1e-3, 0.1); ((1 - cmath.cos(z))/z**2).imag/0.1   # same to 3e-15
final class SweepComplexStepTests: XCTestCase {
    func testWideStepsReadTheComplexStepsTruncation() throws {
        // (formula, x, f′(x), [(h, error)])
        let cases: [(String, Double, Double, [(Double, Double)])] = [
            // Before: 1.25·10⁻⁴ at h = 0.1, 1.0·10⁻⁴ at 10⁻³ (the replaced 1 − cos and x² belonged
            // to different points once h ≥ |x|).
            ("(1-cos(x))/x^2", 1e-3, -8.33333277777779283220225117482e-5,
             [(0.1, 5.55704337509e-8), (0.03162277660168379, 5.55570387124e-9)]),
            ("sin(x)/x", 0.5, -0.162537030636066568860588575655,
             [(0.1, 1.61811965419e-4), (0.03162277660168379, 1.61760101889e-5), (0.01, 1.61754916485e-6)]),
            ("exp(x)*log(x)", 1.5, 4.80496125697051206005277983074,
             [(0.1, 0.012425468774), (0.03162277660168379, 0.0012433711602), (0.01, 1.24345366559e-4)]),
        ]
        for (text, x, derivative, expected) in cases {
            let f = try Formula(parsing: text)
            let s = try stepSweep(of: f, at: [x], reference: derivative)
            let points = try XCTUnwrap(s.series(named: "complex-step")?.points, text)
            XCTAssertEqual(s.series(named: "complex-step")?.nonFiniteSteps, [], text)
            for (h, error) in expected {
                let point = try XCTUnwrap(points.first { Swift.abs($0.h - h) <= 1e-15 * h }, "\(text): no step \(h)")
                XCTAssertEqual(point.error, error, accuracy: 1e-3 * error, "\(text) at \(x), h = \(h)")
            }
        }
        // At h = x = 10⁻³, Re(x + ih)² is 0 and the real parts alone divide by it: the floats'
        // real part is infinite where the continuation's is finite. The step is rounding-bound
        // (cmath reads an error of 4.45·10⁻⁸ against the truncation's 5.6·10⁻¹²), so it must be
        // finite and of that size, not the 1.0·10⁻⁴ the replaced real parts gave.
        let s = try stepSweep(of: try Formula(parsing: "(1-cos(x))/x^2"), at: [1e-3], reference: -8.33333277777779283220225117482e-5)
        let atX = try XCTUnwrap(s.series(named: "complex-step")?.points.first { Swift.abs($0.h - 1e-3) <= 1e-18 })
        XCTAssertLessThan(atX.error, 1e-7, "h = 10⁻³")
    }
}
