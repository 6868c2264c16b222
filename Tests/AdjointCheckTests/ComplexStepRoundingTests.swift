import XCTest
import AdjointCore
@testable import AdjointCheck

/// The complex step differentiates f as the floats compute it; its public estimate now also
/// bounds how far rounding inside f moves that from f′ (`derivativeRoundingBound`), while the
/// check, which compares it with AD (the same rounded operations), keeps the estimate without it.
final class ComplexStepRoundingTests: XCTestCase {
    /// (eˣ − 1)/x written naively.
    struct NaiveExpm1Quotient: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [(exp(x[0]) - 1) / x[0]] }
    }

    /// x − sin x written naively.
    struct XMinusSin: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] - sin(x[0])] }
    }

    struct SinTimes: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [sin(x[0]) * x[1]] }
    }

    /// f′ of (eˣ − 1)/x is 1/2 + x/3 + x²/8 + … (its Taylor series, by hand): 0.5 + 3.3e-10 at
    /// 10⁻⁹. Every mode returns −81.74 there, the derivative of f as Double computes it (eˣ is
    /// rounded to within ε/2 of 1, and that offset is divided by x twice on its way into the
    /// derivative). The complex step said −81.74 ± 4e-14; its estimate must now contain f′.
    func testTheComplexStepsEstimateContainsTheDerivativeWhereFCancels() throws {
        let x = 1e-9
        let truth = 0.5 + x / 3
        let d = try differenceJacobian(of: NaiveExpm1Quotient(), at: [x], method: .complexStep).entries[0][0]
        let ad = try jacobian(of: NaiveExpm1Quotient(), at: [x]).jacobian[0][0]
        XCTAssertGreaterThan(Swift.abs(ad - truth), 50, "AD is the derivative of the rounded f, far from f′")
        // Up to the tangents' own rounding, which cancels 10⁹-sized terms here.
        XCTAssertEqual(d.value, ad, accuracy: 1e-6 * Swift.abs(ad), "the complex step differentiates the same rounded f")
        XCTAssertTrue(d.warnings.isEmpty)
        XCTAssertLessThanOrEqual(Swift.abs(d.value - truth), d.errorEstimate)
        // Not vacuous: the bound is within a factor of 10 of the true offset of 82.
        XCTAssertLessThan(d.errorEstimate, 10 * Swift.abs(ad - truth))

        let bound = try derivativeRoundingBound(of: NaiveExpm1Quotient(), at: [x], direction: [1])
        XCTAssertEqual(bound.count, 1)
        XCTAssertGreaterThanOrEqual(bound[0], Swift.abs(ad - truth))
        XCTAssertLessThan(bound[0], 10 * Swift.abs(ad - truth))
    }

    /// In Float, cos x rounds to 1 below about 2.4·10⁻⁴, so x − sin x at 10⁻⁵ has a computed
    /// derivative of 0 where f′ = 1 − cos x = x²/2 − … = 5e-11 (by hand). It read 0 ± 4e-37.
    func testAFloatDerivativeLostToRoundingIsWithinItsEstimate() throws {
        let x: Float = 1e-5
        let truth = Double(x) * Double(x) / 2
        let d = try differenceJacobian(of: XMinusSin(), at: [x], method: .complexStep).entries[0][0]
        XCTAssertTrue(d.warnings.isEmpty)
        XCTAssertLessThanOrEqual(Swift.abs(d.value - truth), d.errorEstimate, "\(d.value) ± \(d.errorEstimate)")
    }

    struct CancellingAndSquare: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [(exp(x[0]) - 1) / x[0] + x[1] * x[1]] }
    }

    /// Several columns in Float share one recording on 8-lane duals (the SIMD path): ∂/∂x of
    /// (eˣ − 1)/x + y² at 10⁻³ is 1/2 + x/3 + x²/8 + … = 0.500333375 (by hand), where Float's
    /// rounding of eˣ, divided by x², moves the computed one by up to about 0.1; ∂/∂y = 2y = 1.
    func testFloatColumnsShareOneRecordingAndEachEstimateHolds() throws {
        let x: [Float] = [1e-3, 0.5]
        let truth = [0.5 + 1e-3 / 3 + 1e-6 / 8, 1.0]
        let d = try differenceJacobian(of: CancellingAndSquare(), at: x, method: .complexStep)
        for j in 0..<2 {
            let e = d.entries[0][j]
            XCTAssertTrue(e.warnings.isEmpty, "column \(j): \(e.warnings)")
            XCTAssertLessThanOrEqual(Swift.abs(e.value - truth[j]), e.errorEstimate, "column \(j): \(e.value) ± \(e.errorEstimate)")
        }
        XCTAssertGreaterThan(d.entries[0][0].errorEstimate, 1e-3, "the cancelling column's bound is Float's rounding of eˣ over x²")
        XCTAssertLessThan(d.entries[0][1].errorEstimate, 1e-6, "y² cancels nothing")
        // n + 1 complex evaluations and one recording for both columns.
        XCTAssertEqual(d.evaluations, 4)
    }

    /// Where nothing cancels the bound is a few ulps of the entry: the complex step still resolves
    /// sin(x)·y to about the last digits (∂/∂x = y cos x, ∂/∂y = sin x by hand).
    func testTheEstimateStaysTightWhereNothingCancels() throws {
        let x = [0.7, 2.0]
        let d = try differenceJacobian(of: SinTimes(), at: x, method: .complexStep)
        let truth = [x[1] * cos(x[0]), sin(x[0])]
        for j in 0..<2 {
            let e = d.entries[0][j]
            XCTAssertEqual(e.value, truth[j], accuracy: 4 * Double.ulpOfOne * Swift.abs(truth[j]))
            XCTAssertLessThanOrEqual(Swift.abs(e.value - truth[j]), e.errorEstimate)
            XCTAssertLessThan(e.errorEstimate, 16 * Double.ulpOfOne * Swift.abs(truth[j]), "column \(j)")
        }
    }

    /// The JVP by complex step gets the same bound along its direction.
    func testTheComplexStepJVPCarriesTheBoundToo() throws {
        let x = 1e-9
        let e = try differenceJVP(of: NaiveExpm1Quotient(), at: [x], direction: [2], method: .complexStep)[0]
        XCTAssertLessThanOrEqual(Swift.abs(e.value - 2 * (0.5 + x / 3)), e.errorEstimate, "\(e.value) ± \(e.errorEstimate)")
    }

    /// The check compares AD with the complex step of the same rounded f, so its witness keeps
    /// the estimate without the shared offset: with it, a rule off by less than 444 at this point
    /// would agree with the witness.
    func testTheChecksWitnessLeavesTheSharedOffsetOut() throws {
        let asComputed = try complexStepJacobianAsComputed(of: NaiveExpm1Quotient(), at: [1e-9]).entries[0][0]
        let public_ = try differenceJacobian(of: NaiveExpm1Quotient(), at: [1e-9], method: .complexStep).entries[0][0]
        XCTAssertEqual(asComputed.value, public_.value)
        XCTAssertLessThan(asComputed.errorEstimate, 1e-10, "\(asComputed.errorEstimate)")
        XCTAssertGreaterThan(public_.errorEstimate, 1)
    }

    func testADirectionOfTheWrongLengthIsATypedError() {
        XCTAssertThrowsError(try derivativeRoundingBound(of: SinTimes(), at: [0.7, 2.0], direction: [1])) { error in
            guard case ADError.dimensionMismatch = error else { return XCTFail("\(error)") }
        }
    }
}
