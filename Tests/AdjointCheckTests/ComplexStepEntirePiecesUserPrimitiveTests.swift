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

/// clamp to [0, 1] as a user primitive, pieces 0, x and 1 declared entire: by hand its derivative
/// is 1 inside (0, 1), 0 outside.
enum EntireUserClamp: UnaryPrimitive {
    static let name = "entire_user_clamp"
    static let piecesAreEntire = true
    static func primal<T: ADScalar>(_ x: T) -> T { x < 0 ? 0 : (x > 1 ? 1 : x) }
    static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { x > 0 && x < 1 ? 1 : 0 }
    static func kinkDistance(_ x: Double, _ y: Double) -> Double? { Swift.min(Swift.abs(x), Swift.abs(x - 1)) }
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

    /// (i) Declared entire, a user abs, relu and clamp get the complex step the built-in abs gets: 1 for
    /// both entries, within its estimate, with no unsupported op.
    func testADeclaredEntireUserAbsOrReluGetsAComplexStepNearItsKink() throws {
        let builtin = try differenceJacobian(of: ShiftedBuiltinAbs(), at: Self.x, method: .complexStep)
        for d in [try differenceJacobian(of: Shifted<EntireUserAbs>(), at: Self.x, method: .complexStep),
                  try differenceJacobian(of: Shifted<EntireUserRelu>(), at: Self.x, method: .complexStep),
                  try differenceJacobian(of: Shifted<EntireUserClamp>(), at: Self.x, method: .complexStep), builtin] {
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

    /// A false declaration whose two imaginary-part readings agree within 2⁻²⁰ (found by review):
    /// √(z² + y²) declared entire, f = P(x₀ − 1 + x₁, x₂). At (1, 2⁻⁶⁹, 2⁻⁷⁹) with the step 2⁻⁶⁷
    /// along x₀ (4ζ, past the branch points ±iy) the readings differed by 4.2·10⁻⁷ relative, the
    /// declaration was accepted, and the complex step read 0.99999997195 ± 1·10⁻⁸ (its h-to-2h
    /// gap) for ζ/hypot(ζ, y) = 0.99999952316. With the automatic step the shrinking steps find
    /// the truth there, but at (1, 2⁻⁹⁰, 2⁻¹⁰²) the steps h and 2h are both far past the branch
    /// points and agree: it read 1 ± 4.4·10⁻¹⁶ for 1 − 2.98·10⁻⁸, the readings differed by
    /// 3·10⁻⁸ (accepted), the right rule was convicted on the complex-step ladder and the wrong
    /// rule (1, y/z) passed. Now each entry is refused or right within its stated estimate, the
    /// right rule is never convicted, and the wrong one never passes.
    func testAFalseDeclarationWhoseReadingsNearlyAgreeIsNotAConfidentWitness() throws {
        struct Review<P: ScalarPrimitive>: ADFunction {
            func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [P.apply(x[0] - 1 + x[1], x[2])] }
        }
        // mpmath at 40 digits: ζ/√(ζ² + y²) and y/√(ζ² + y²).
        let cases: [(x: [Double], step: StepSize, byX: Double, byY: Double)] = [
            ([1, 0x1p-69, 0x1p-79], .absolute(0x1p-67),
             0.9999995231631828571171145311498466425464, 0.0009765620343390457589034321593260221118617),
            ([1, 0x1p-69, 0x1p-79], .automatic,
             0.9999995231631828571171145311498466425464, 0.0009765620343390457589034321593260221118617),
            ([1, 0x1p-90, 0x1p-102], .automatic,
             0.9999999701976789445722508757422955324192, 0.0002441406177240427110772096864605213702195),
        ]
        for c in cases {
            let d = try differenceJacobian(of: Review<DistanceDeclaredEntire>(), at: c.x, method: .complexStep, step: c.step)
            // Along x₁ and x₂ the automatic steps stay inside the kink distance: values, not refusals.
            if case .automatic = c.step {
                XCTAssertEqual(d.entries[0][1].value, c.byX, accuracy: 1e-15)
                XCTAssertEqual(d.entries[0][2].value, c.byY, accuracy: 1e-18)
            }
            let truth = [c.byX, c.byX, c.byY]
            for j in 0..<3 {
                let e = d.entries[0][j]
                guard e.value.isFinite, !e.warnings.contains(.unsupportedOp) else { continue }
                XCTAssertLessThanOrEqual(Swift.abs(e.value - truth[j]), e.errorEstimate,
                                         "\(c.x) \(c.step) ∂/∂x\(j): \(e.value) ± \(e.errorEstimate) for \(truth[j])")
            }
        }
        for x in [[1, 0x1p-69, 0x1p-79], [1, 0x1p-90, 0x1p-102]] as [[Double]] {
            for options in [CheckOptions(), Self.complexStepOnly] {
                let right = try checkJacobian(of: Review<DistanceDeclaredEntire>(), at: x, options: options)
                for e in right.entries[0] { if case .ruleWrong = e.verdict { XCTFail(right.renderTable()) } }
                let wrong = try checkJacobian(of: Review<DistanceDeclaredEntireWrongRule>(), at: x, options: options)
                XCTAssertFalse(wrong.passed, wrong.renderTable())
                XCTAssertNotEqual(wrong.entries[0][0].verdict, .agree, wrong.renderTable())
            }
        }
    }
}
