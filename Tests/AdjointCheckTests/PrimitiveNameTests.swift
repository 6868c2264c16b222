import XCTest
@testable import AdjointCheck
import AdjointCore

// Names a primitive cannot be known by. Each rule is the right one (cube: 3x², by hand), so only
// the name is wrong.

private enum BlankCube: UnaryPrimitive {
    static let name = ""
    static func primal<T: ADScalar>(_ x: T) -> T { x * x * x }
    static func derivative<T: ADScalar>(_ x: T, output y: T) -> T { 3 * x * x }
}

private enum SpacedCube: UnaryPrimitive {
    static let name = "my prim(x)"
    static func primal<T: ADScalar>(_ x: T) -> T { x * x * x }
    static func derivative<T: ADScalar>(_ x: T, output y: T) -> T { 3 * x * x }
}

private enum DigitCube: UnaryPrimitive {
    static let name = "2cube"
    static func primal<T: ADScalar>(_ x: T) -> T { x * x * x }
    static func derivative<T: ADScalar>(_ x: T, output y: T) -> T { 3 * x * x }
}

/// The control: an identifier with a digit and an underscore.
private enum GoodCube: UnaryPrimitive {
    static let name = "cube_2"
    static func primal<T: ADScalar>(_ x: T) -> T { x * x * x }
    static func derivative<T: ADScalar>(_ x: T, output y: T) -> T { 3 * x * x }
}

private struct ThroughBlankCube: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [BlankCube.apply(x[0]) + x[0]] }
}

final class PrimitiveNameTests: XCTestCase {
    /// Found by a new user's pass: "" and "my prim(x)" registered, and a symbolic expression
    /// would print their calls as `(x0)` and `my prim(x)(x0)`.
    func testRegistrationRefusesANameThatIsNoIdentifier() {
        for (p, shown) in [(BlankCube.self as any ScalarPrimitive.Type, "\"\""), (SpacedCube.self, "\"my prim(x)\""),
                           (DigitCube.self, "\"2cube\"")] {
            defer { UserPrimitives.unregister(p) }
            XCTAssertThrowsError(try UserPrimitives.register(p), shown) { e in
                guard case ADError.invalidArgument(let why) = e else { return XCTFail("\(e)") }
                XCTAssertTrue(why.contains("is named \(shown)") && why.contains("letters, digits and _"), why)
            }
        }
        defer { UserPrimitives.unregister(GoodCube.self) }
        XCTAssertNoThrow(try UserPrimitives.register(GoodCube.self))
    }

    /// validate printed "validate  (seed 0x5EED): passed" for the empty name.
    func testValidateFailsTheNameAndShowsItQuoted() {
        let v = validate(BlankCube.self)
        XCTAssertFalse(v.passed, v.description)
        XCTAssertEqual(v.description.split(separator: "\n").first, "validate \"\" (seed 0x5EED): FAILED", v.description)
        XCTAssertEqual(v.failedChecks, ["name"], v.description)
        // The rule itself is still checked, and is right.
        XCTAssertEqual(v.checks.first { $0.name == "partials" }?.outcome.rawValue, "passed", v.description)
        let spaced = validate(SpacedCube.self)
        XCTAssertEqual(spaced.failedChecks, ["name"], spaced.description)
        XCTAssertTrue(spaced.description.hasPrefix("validate \"my prim(x)\" (seed 0x5EED): FAILED"), spaced.description)
        let good = validate(GoodCube.self)
        XCTAssertTrue(good.passed, good.description)
        XCTAssertTrue(good.description.hasPrefix("validate cube_2 (seed 0x5EED): passed"), good.description)
    }

    /// A check names a primitive by its name: one without a name is refused as a built-in's is.
    func testACheckThroughABlankNamedPrimitiveSaysWhy() throws {
        let r = try checkJacobian(of: ThroughBlankCube(), at: [0.5])
        XCTAssertFalse(r.passed, r.renderTable())
        guard case .invalidArgument(let why)? = r.problem else { return XCTFail(r.renderTable()) }
        XCTAssertTrue(why.contains("is named \"\"") && why.contains("(at node"), why)
    }
}
