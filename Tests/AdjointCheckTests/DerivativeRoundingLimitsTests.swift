import XCTest
import AdjointCore
@testable import AdjointCheck

/// Two places where ε of every node does not bound how far rounding inside f moves the
/// derivative it computes: results below the normal range, which round by an absolute quantum,
/// and second-order adjoints past Double's range, which make the bound infinite.
final class DerivativeRoundingLimitsTests: XCTestCase {
    /// (eˣ − 1)/x written naively.
    struct NaiveExpm1Quotient: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [(exp(x[0]) - 1) / x[0]] }
    }

    /// √(x·y), the geometric mean.
    struct RootOfProduct: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [sqrt(x[0] * x[1])] }
    }

    /// Below about 10⁻¹⁵⁴ eˣ rounds to exactly 1, so the derivative of f as computed is
    /// (eˣ·x − (eˣ − 1))/x² = 1/x, 10²⁰⁰ at 10⁻²⁰⁰, where f′ = 1/2 + x/3 + … = 0.5 (Taylor series,
    /// by hand). The bound ε/x² is past Double's range there; dropped as not finite, it left the
    /// complex step's 10²⁰⁰ with an estimate of ulps of itself and no warning. Whatever the
    /// estimate says now, it may not exclude f′ without a warning.
    func testAnOverflowedBoundLeavesNoConfidentComplexStep() throws {
        let truth = 0.5
        for x in [1e-200, 1e-170] {
            let column = try differenceJacobian(of: NaiveExpm1Quotient(), at: [x], method: .complexStep).entries[0][0]
            let jvp = try differenceJVP(of: NaiveExpm1Quotient(), at: [x], direction: [1], method: .complexStep)[0]
            for e in [column, jvp] {
                XCTAssertGreaterThan(Swift.abs(e.value), 1e100, "the derivative of the rounded f at \(x)")
                XCTAssertTrue(!e.warnings.isEmpty || Swift.abs(e.value - truth) <= e.errorEstimate,
                              "at \(x): \(e.value) ± \(e.errorEstimate), warnings \(e.warnings)")
            }
        }
    }

    /// x·y at x = 10⁻³⁰⁰, y = 6.917·10⁻²⁴ is 1.40002 quanta of the subnormal range (4.94·10⁻³²⁴,
    /// mpmath), and rounds to one. ∂/∂y = x/(2√(xy)) computed from it is 2.2495·10⁻¹³⁹; f′ is
    /// √(x/y)/2 = 1.9011·10⁻¹³⁹ (mpmath; Double computes √(x/y)/2 to a few ulps, x/y being
    /// normal), 18% lower. The bound counted that rounding as ε of 4.94·10⁻³²⁴ and came out
    /// 1.7·10⁻¹⁵⁴, under 10⁻¹⁵ of the entry.
    func testRoundingBelowTheNormalRangeIsBounded() throws {
        let x = [1e-300, 6.917e-24]
        let truth = (x[0] / x[1]).squareRoot() / 2
        let ad = try jacobian(of: RootOfProduct(), at: x).jacobian[0][1]
        XCTAssertGreaterThan(Swift.abs(ad - truth), 0.15 * truth, "x·y rounded to one quantum")
        let bound = try derivativeRoundingBound(of: RootOfProduct(), at: x, direction: [0, 1])
        XCTAssertEqual(bound.count, 1)
        XCTAssertGreaterThanOrEqual(bound[0], Swift.abs(ad - truth))
        XCTAssertLessThan(bound[0], 10 * Swift.abs(ad - truth), "not vacuous")
    }

    /// The floor counts only what rounds: an output that does not depend on the input along the
    /// direction keeps a bound of exactly 0, and x·y at ordinary magnitudes keeps ε-sized bounds.
    func testTheFloorLeavesExactZerosAndNormalValuesAlone() throws {
        let x = [0.7, 2.0]
        struct OnlyFirst: ADFunction {
            func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [sin(x[0]) * x[0], x[1] * x[1]] }
        }
        let b = try derivativeRoundingBound(of: OnlyFirst(), at: x, direction: [0, 1])
        XCTAssertEqual(b[0], 0, "output 0 does not move along y")
        // ∂(y²)/∂y = 2y = 4: one rounding of the tangent 2y·ẏ and of y² feeding nothing.
        XCTAssertLessThan(b[1], 16 * Double.ulpOfOne * 4)
    }
}
