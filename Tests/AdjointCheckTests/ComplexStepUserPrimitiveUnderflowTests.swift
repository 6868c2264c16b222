import AdjointCore
import Foundation
import XCTest
@testable import AdjointCheck

/// √(x² + y²) as a user primitive, right: by hand ∂z/∂x = x/z, ∂z/∂y = y/z.
enum UserDistance: ScalarPrimitive {
    static let name = "user_distance"
    static let arity = 2
    static let ruleIsOneFormulaAcrossKinks = true
    static func primal<T: ADScalar>(_ x: T, _ y: T) -> T { sqrt(x * x + y * y) }
    static func partials<T: ADScalar>(_ x: T, _ y: T, output z: T) -> (T, T) { (x / z, y / z) }
    static func kinkDistance(_ x: Double, _ y: Double) -> Double? { (x * x + y * y).squareRoot() }
}

/// The same primal with its partials swapped, (y/z, x/z): wrong wherever x ≠ y.
enum UserDistanceSwapped: ScalarPrimitive {
    static let name = "user_distance_swapped"
    static let arity = 2
    static func primal<T: ADScalar>(_ x: T, _ y: T) -> T { sqrt(x * x + y * y) }
    static func partials<T: ADScalar>(_ x: T, _ y: T, output z: T) -> (T, T) { (y / z, x / z) }
    static func kinkDistance(_ x: Double, _ y: Double) -> Double? { (x * x + y * y).squareRoot() }
}

/// The complex step through a user primitive where an imaginary part underflows inside its primal,
/// which the tape holds as one node. Found by another helper: checkJacobian of `UserDistance` at
/// (3·10⁻¹⁵⁰, 4·10⁻¹⁵⁰) said "rule-wrong (forward, reverse)" against a complex step of 0 ± 1.6·10⁻¹⁴⁸
/// (by hand (3/5, 4/5) = (0.6, 0.8)); at 10⁻¹⁶⁰ and 10⁻¹⁵⁵ against 0, at 10⁻¹⁵⁰ against 0 with an
/// estimate of 10⁻⁹³. Its step there is about 10⁻²⁰ of |x|, so Im(x·x) = 2x·h is subnormal or 0.
/// The same formula in built-in ops agreed (the tape sees x·x).
final class ComplexStepUserPrimitiveUnderflowTests: XCTestCase {
    struct Distance<P: ScalarPrimitive>: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [P.apply(x[0], x[1])] }
    }

    /// 1/√2, correctly rounded (mpmath at 40 digits: 0.7071067811865475244008443621048490392848).
    static let halfRoot = 0.7071067811865476
    /// (xⱼ/r): at (3k, 4k) r = 5k exactly by hand, so (0.6, 0.8); at (k, k) 1/√2 each.
    static let tinyPoints: [(x: [Double], gradient: [Double])] = [
        ([3e-150, 4e-150], [0.6, 0.8]),
        ([1e-160, 1e-160], [ComplexStepUserPrimitiveUnderflowTests.halfRoot, ComplexStepUserPrimitiveUnderflowTests.halfRoot]),
        ([1e-155, 1e-155], [ComplexStepUserPrimitiveUnderflowTests.halfRoot, ComplexStepUserPrimitiveUnderflowTests.halfRoot]),
        ([1e-150, 1e-150], [ComplexStepUserPrimitiveUnderflowTests.halfRoot, ComplexStepUserPrimitiveUnderflowTests.halfRoot]),
    ]

    func testARightRuleIsNotConvictedWhereAnImaginaryPartUnderflowsInsideItsPrimal() throws {
        for (x, _) in Self.tinyPoints {
            let r = try checkJacobian(of: Distance<UserDistance>(), at: x)
            for e in r.entries[0] {
                if case .ruleWrong = e.verdict { XCTFail("at \(x), entry \(e.input): \(e.verdict)\n\(r.renderTable())") }
                // The complex step is refused for it, as an underflow, not judged.
                let cs = e.ladder.first { $0.witness == WitnessRung.differences(.complexStep).name }
                if let cs {
                    XCTAssertEqual(cs.outcome, "unreliable", "at \(x), entry \(e.input)\n\(r.renderTable())")
                    XCTAssertTrue(cs.warnings.contains(.underflow), "at \(x), entry \(e.input): \(cs.warnings)")
                }
            }
        }
    }

    /// The complex step's own Jacobian (`differenceJacobian(method: .complexStep)`) holds its
    /// estimate there: it printed 0 ± 2.7·10⁻¹⁶ for 0.6 at (3·10⁻¹⁵⁰, 4·10⁻¹⁵⁰), and 0.7071169 ±
    /// 6.3·10⁻¹⁶ for 1/√2 at 10⁻¹⁵⁰. At (3, 4) it is sharp as before.
    func testTheComplexStepJacobiansEstimateHoldsThere() throws {
        for (x, gradient) in Self.tinyPoints + [([3, 4], [0.6, 0.8])] {
            let d = try differenceJacobian(of: Distance<UserDistance>(), at: x, method: .complexStep)
            for j in 0..<2 {
                let e = d.entries[0][j]
                XCTAssertLessThanOrEqual(Swift.abs(e.value - gradient[j]), e.errorEstimate,
                                         "at \(x), ∂/∂x\(j): \(e.value) ± \(e.errorEstimate) \(e.warnings)")
                if x[0] == 3 { XCTAssertLessThan(e.errorEstimate, 1e-14, "at \(x), ∂/∂x\(j)") }
            }
        }
    }

    /// With the complex step the only witness, nothing can be decided there: inconclusive, not a
    /// conviction.
    func testTheComplexStepAloneIsInconclusiveThere() throws {
        var options = CheckOptions()
        options.ladder = [.differences(.complexStep)]
        for (x, _) in Self.tinyPoints {
            let r = try checkJacobian(of: Distance<UserDistance>(), at: x, options: options)
            for e in r.entries[0] {
                guard case .fdInconclusive(let why) = e.verdict else {
                    XCTFail("at \(x), entry \(e.input): \(e.verdict)\n\(r.renderTable())"); continue
                }
                XCTAssertTrue(why.contains(.underflow), "at \(x): \(why)")
            }
        }
    }

    /// The swapped rule: convicted at (3, 4), where the complex step is trusted; at the tiny point
    /// whatever the other witnesses decide, but never passed.
    func testASwappedRuleIsConvictedAtANormalPointAndNeverPassedAtATinyOne() throws {
        let normal = try checkJacobian(of: Distance<UserDistanceSwapped>(), at: [3, 4])
        for e in normal.entries[0] {
            XCTAssertEqual(e.verdict, .ruleWrong(subjects: ["forward", "reverse"]), normal.renderTable())
        }
        for (x, gradient) in Self.tinyPoints where gradient[0] != gradient[1] {
            let r = try checkJacobian(of: Distance<UserDistanceSwapped>(), at: x)
            for e in r.entries[0] {
                XCTAssertNotEqual(e.verdict, .agree, "at \(x), entry \(e.input)\n\(r.renderTable())")
            }
        }
    }

    /// Where the products of the arguments stay normal nothing changes: the complex step is the
    /// witness that judges both rules at (3·10⁻¹⁰, 4·10⁻¹⁰) with a complex-step-only ladder.
    func testTheComplexStepStillJudgesWhereTheProductsStayNormal() throws {
        var options = CheckOptions()
        options.ladder = [.differences(.complexStep)]
        let right = try checkJacobian(of: Distance<UserDistance>(), at: [3e-10, 4e-10], options: options)
        XCTAssertTrue(right.passed, right.renderTable())
        let wrong = try checkJacobian(of: Distance<UserDistanceSwapped>(), at: [3e-10, 4e-10], options: options)
        for e in wrong.entries[0] {
            XCTAssertEqual(e.verdict, .ruleWrong(subjects: ["forward", "reverse"]), wrong.renderTable())
        }
    }
}

/// 10²⁰⁰·x³ as a user primitive, right: by hand 3·10²⁰⁰·x². At 10⁻¹⁰⁰ the step's Im(x·x) = 2x·h
/// stays normal but Im(x³) = 3x²·h is subnormal inside the primal (a review): the product of two
/// arguments alone did not see it.
enum UserScaledCube: UnaryPrimitive {
    static let name = "user_scaled_cube"
    static func primal<T: ADScalar>(_ x: T) -> T { x * x * x * 1e200 }
    static func derivative<T: ADScalar>(_ x: T, output _: T) -> T { 3e200 * x * x }
}

final class ComplexStepUserPrimitiveCubeTests: XCTestCase {
    struct Cube: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [UserScaledCube.apply(x[0])] }
    }

    func testARightRuleIsNotConvictedWhereALaterImaginaryPartUnderflows() throws {
        // 3·10²⁰⁰·(10⁻¹⁰⁰)² = 3, by hand.
        let r = try checkJacobian(of: Cube(), at: [1e-100])
        if case .ruleWrong = r.entries[0][0].verdict { XCTFail(r.renderTable()) }
        let cs = r.entries[0][0].ladder.first { $0.witness == WitnessRung.differences(.complexStep).name }
        if let cs { XCTAssertEqual(cs.outcome, "unreliable", r.renderTable()) }
    }
}
