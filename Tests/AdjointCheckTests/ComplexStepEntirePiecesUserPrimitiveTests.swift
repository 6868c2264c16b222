import AdjointCore
import Foundation
import XCTest
@testable import AdjointCheck

/// |x| as a user primitive whose pieces (−x, x) are entire polynomials, declared so: by hand
/// d|x|/dx = sign x away from 0.
enum EntireUserAbs: UnaryPrimitive {
    static let name = "entire_user_abs"
    static let piecesAreEntire = true
    static func primal<T: ADScalar>(_ x: T) -> T { x < 0 ? -x : x }
    static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { x < 0 ? -1 : 1 }
    static func kinkDistance(_ x: Double, _ y: Double) -> Double? { Swift.abs(x) }
}

/// The same |x| without the declaration.
enum UndeclaredUserAbs: UnaryPrimitive {
    static let name = "undeclared_user_abs"
    static func primal<T: ADScalar>(_ x: T) -> T { x < 0 ? -x : x }
    static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { x < 0 ? -1 : 1 }
    static func kinkDistance(_ x: Double, _ y: Double) -> Double? { Swift.abs(x) }
}

/// relu as a user primitive, pieces 0 and x declared entire: by hand relu′(x) = 1 for x > 0, 0 for x < 0.
enum EntireUserRelu: UnaryPrimitive {
    static let name = "entire_user_relu"
    static let piecesAreEntire = true
    static func primal<T: ADScalar>(_ x: T) -> T { x > 0 ? x : 0 }
    static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { x > 0 ? 1 : 0 }
    static func kinkDistance(_ x: Double, _ y: Double) -> Double? { Swift.abs(x) }
}

/// |x| declared entire with a wrong rule: the derivative's sign flipped (−sign x).
enum EntireUserAbsFlipped: UnaryPrimitive {
    static let name = "entire_user_abs_flipped"
    static let piecesAreEntire = true
    static func primal<T: ADScalar>(_ x: T) -> T { x < 0 ? -x : x }
    static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { x < 0 ? 1 : -1 }
    static func kinkDistance(_ x: Double, _ y: Double) -> Double? { Swift.abs(x) }
}

/// √(x² + y²) declared entire, which it is not: its branch points z = ±iy lie within its kink
/// distance of the axis. Its rule (x/z, y/z) is right.
enum DistanceDeclaredEntire: ScalarPrimitive {
    static let name = "distance_declared_entire"
    static let arity = 2
    static let piecesAreEntire = true
    static func primal<T: ADScalar>(_ x: T, _ y: T) -> T { sqrt(x * x + y * y) }
    static func partials<T: ADScalar>(_ x: T, _ y: T, output z: T) -> (T, T) { (x / z, y / z) }
    static func kinkDistance(_ x: Double, _ y: Double) -> Double? { (x * x + y * y).squareRoot() }
}

/// √(x² + y²) declared entire, with a wrong rule (1, y/z) that matches the complex step taken past
/// its branch points along x (1 for ∂/∂x) where by hand ∂/∂x = x/z.
enum DistanceDeclaredEntireWrongRule: ScalarPrimitive {
    static let name = "distance_declared_entire_wrong_rule"
    static let arity = 2
    static let piecesAreEntire = true
    static func primal<T: ADScalar>(_ x: T, _ y: T) -> T { sqrt(x * x + y * y) }
    static func partials<T: ADScalar>(_ x: T, _ y: T, output z: T) -> (T, T) { (1, y / z) }
    static func kinkDistance(_ x: Double, _ y: Double) -> Double? { (x * x + y * y).squareRoot() }
}

/// The complex step through a user primitive whose pieces are entire polynomials. Refused
/// wherever its imaginary parts reach the declared kink distance (477e5da, for a user √(z² + y²),
/// whose pieces branch there), a user abs or relu gave no complex step near its kink, where the
/// built-in's pieces, declared entire in the registry, give an exact one. f = g(x₀ − 1 + x₁) at
/// (1, 10⁻³⁰): the argument is 10⁻³⁰ (1 − 1 is exact), the step along x₀ is 2⁻⁶⁷ ≈ 7·10⁻²¹ (scale
/// |x₀| = 1), 10¹⁰ times the kink distance. By hand ∂f/∂x₀ = ∂f/∂x₁ = g′(10⁻³⁰) = 1 for abs and relu.
final class ComplexStepEntirePiecesUserPrimitiveTests: XCTestCase {
    struct Shifted<P: ScalarPrimitive>: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [P.apply(x[0] - 1 + x[1])] }
    }
    struct ShiftedBuiltinAbs: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [abs(x[0] - 1 + x[1])] }
    }
    struct ShiftedDistance<P: ScalarPrimitive>: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [P.apply(x[0] - 1, x[1])] }
    }
    static let x = [1.0, 1e-30]
    static var complexStepOnly: CheckOptions {
        var options = CheckOptions()
        options.ladder = [.differences(.complexStep)]
        return options
    }

    /// (i) Declared entire, a user abs and relu get the complex step the built-in abs gets: 1 for
    /// both entries, within its estimate, with no unsupported op.
    func testADeclaredEntireUserAbsOrReluGetsAComplexStepNearItsKink() throws {
        let builtin = try differenceJacobian(of: ShiftedBuiltinAbs(), at: Self.x, method: .complexStep)
        for d in [try differenceJacobian(of: Shifted<EntireUserAbs>(), at: Self.x, method: .complexStep),
                  try differenceJacobian(of: Shifted<EntireUserRelu>(), at: Self.x, method: .complexStep), builtin] {
            for j in 0..<2 {
                let e = d.entries[0][j]
                XCTAssertFalse(e.warnings.contains(.unsupportedOp), "∂/∂x\(j): \(e.warnings)")
                XCTAssertLessThanOrEqual(Swift.abs(e.value - 1), e.errorEstimate, "∂/∂x\(j): \(e.value) ± \(e.errorEstimate)")
                XCTAssertLessThan(e.errorEstimate, 1e-14, "∂/∂x\(j)")
            }
        }
    }

    /// With the complex step the only witness, the right rule passes there (undeclared it was
    /// inconclusive) and the flipped rule (−1 for 1) is convicted along x₁. Along x₀ the check's
    /// own kink map calls the disagreeing step one that crosses the kink and leaves the entry
    /// inconclusive: not passed.
    func testAComplexStepLadderJudgesADeclaredUserAbsNearItsKink() throws {
        let right = try checkJacobian(of: Shifted<EntireUserAbs>(), at: Self.x, options: Self.complexStepOnly)
        XCTAssertTrue(right.passed, right.renderTable())
        let wrong = try checkJacobian(of: Shifted<EntireUserAbsFlipped>(), at: Self.x, options: Self.complexStepOnly)
        XCTAssertFalse(wrong.passed, wrong.renderTable())
        XCTAssertEqual(wrong.entries[0][1].verdict, .ruleWrong(subjects: ["forward", "reverse"]), wrong.renderTable())
        XCTAssertNotEqual(wrong.entries[0][0].verdict, .agree, wrong.renderTable())
    }

    /// (ii) Undeclared, the complex step is refused there as before (unsupported op, not a value).
    func testAnUndeclaredUserAbsIsStillRefusedThere() throws {
        let d = try differenceJacobian(of: Shifted<UndeclaredUserAbs>(), at: Self.x, method: .complexStep)
        XCTAssertTrue(d.entries[0][0].warnings.contains(.unsupportedOp), "\(d.entries[0][0])")
        XCTAssertFalse(d.entries[0][0].value.isFinite, "\(d.entries[0][0])")
    }

    /// At the kink itself no continuation exists, declared or not: refused.
    func testADeclaredUserAbsIsStillRefusedAtItsKink() throws {
        struct AtKink: ADFunction {
            func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [EntireUserAbs.apply(x[0] - 1)] }
        }
        let d = try differenceJacobian(of: AtKink(), at: [1], method: .complexStep)
        XCTAssertTrue(d.entries[0][0].warnings.contains(.unsupportedOp), "\(d.entries[0][0])")
    }

    /// The complex step's Jacobian where an imaginary part may be lost inside a user primitive's
    /// primal (√(x² + y²) at (3·10⁻¹⁵⁰, 4·10⁻¹⁵⁰), 26cd832): its estimate is infinite, named an
    /// underflow, as the check names it; it was "estimate-too-large", f's rounding's name.
    func testAnImaginaryPartLostInsideAUserPrimalIsNamedAnUnderflow() throws {
        struct Distance: ADFunction {
            func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [UserDistance.apply(x[0], x[1])] }
        }
        let d = try differenceJacobian(of: Distance(), at: [3e-150, 4e-150], method: .complexStep)
        for e in d.entries[0] {
            XCTAssertEqual(e.errorEstimate, .infinity, "\(e)")
            XCTAssertTrue(e.warnings.contains(.underflow), "\(e.warnings)")
            XCTAssertFalse(e.warnings.contains(.estimateTooLarge), "\(e.warnings)")
        }
    }

    /// (iii) √(z² + y²) declared entire, which it is not, at (1, 10⁻³⁰): by hand ∂f/∂x₀ = 0,
    /// ∂f/∂x₁ = 1. Taken on the declaration, the step along x₀ past the branch points read
    /// 1 ± 4.4·10⁻¹⁶ for 0, and a complex-step-only check passed a rule claiming 1 (seen before the
    /// declaration was tested). Tested, the step is refused as undeclared: the Jacobian's entry is
    /// an unsupported op, and neither ladder passes the wrong rule; the right one still passes on
    /// the default ladder.
    func testAFalseDeclarationOfEntirePiecesIsCaughtWhereItIsReliedOn() throws {
        let d = try differenceJacobian(of: ShiftedDistance<DistanceDeclaredEntire>(), at: Self.x, method: .complexStep)
        XCTAssertTrue(d.entries[0][0].warnings.contains(.unsupportedOp), "\(d.entries[0][0])")
        XCTAssertFalse(d.entries[0][0].value.isFinite, "\(d.entries[0][0])")
        // ∂/∂x₁ reaches 10⁻³⁰·2⁻⁶⁷ off the axis, well inside the kink distance: 1 as before.
        XCTAssertEqual(d.entries[0][1].value, 1, accuracy: 1e-15)
        for options in [CheckOptions(), Self.complexStepOnly] {
            let wrong = try checkJacobian(of: ShiftedDistance<DistanceDeclaredEntireWrongRule>(), at: Self.x, options: options)
            XCTAssertFalse(wrong.passed, wrong.renderTable())
            XCTAssertNotEqual(wrong.entries[0][0].verdict, .agree, wrong.renderTable())
        }
        let right = try checkJacobian(of: ShiftedDistance<DistanceDeclaredEntire>(), at: Self.x)
        XCTAssertTrue(right.passed, right.renderTable())
        for e in right.entries[0] { if case .ruleWrong = e.verdict { XCTFail(right.renderTable()) } }
    }
}
