import XCTest
import AdjointCore
@testable import AdjointSymbolic

/// |x| as a user primitive, its kink at 0 declared by its distance; the rule is one side's on each.
enum KinkedUserAbs: UnaryPrimitive {
    static let name = "user_abs"
    static func primal<T: ADScalar>(_ x: T) -> T { x < 0 ? -x : x }
    static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { x < 0 ? -1 : 1 }
    static func kinkDistance(_ x: Double, _ y: Double) -> Double? { Swift.abs(x) }
}

/// max(x, y) as a user primitive, kinked where x = y (distance |x − y|/2, as the built-in's).
enum KinkedUserMax: ScalarPrimitive {
    static let name = "user_max"
    static let arity = 2
    static func primal<T: ADScalar>(_ x: T, _ y: T) -> T { x < y ? y : x }
    static func partials<T: ADScalar>(_ x: T, _ y: T, output z: T) -> (T, T) { x < y ? (0, 1) : (1, 0) }
    static func kinkDistance(_ x: Double, _ y: Double) -> Double? { Swift.abs(x - y) / 2 }
}

/// |x| with its kink declared at the kink alone.
enum KinkOnlyUserAbs: UnaryPrimitive {
    static let name = "user_abs_at_kink_only"
    static func primal<T: ADScalar>(_ x: T) -> T { x < 0 ? -x : x }
    static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { x < 0 ? -1 : 1 }
    static func kinkDistance(_ x: Double, _ y: Double) -> Double? { x == 0 ? 0 : nil }
}

/// log x, defined for x > 0, with a distance that is 0 outside the domain only.
enum UserLogWithDistanceOutside: UnaryPrimitive {
    static let name = "user_log"
    static var sampleRanges: [ClosedRange<Double>] { [0.5...4] }
    static func primal<T: ADScalar>(_ x: T) -> T { log(x) }
    static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { 1 / x }
    static func domainViolation(_ x: Double) -> String? { x > 0 ? nil : "log of x ≤ 0" }
    static func kinkDistance(_ x: Double, _ y: Double) -> Double? { x > 0 ? nil : 0 }
}

/// x³ as a user primitive: smooth, no kink declared.
enum SmoothUserCube: UnaryPrimitive {
    static let name = "user_cube"
    static func primal<T: ADScalar>(_ x: T) -> T { x * x * x }
    static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { 3 * x * x }
}

/// A user primitive's declared kink counts in a symbolic derivative as a built-in's does:
/// `kinkedOps` lists it, by the user's name, so a caller asks for a point or reports the side
/// taken. It listed only registry ops (`.op` nodes): |x₀|·x₁ through a user abs printed one side's
/// derivative (sign taken at the generic point) with `kinkedOps` empty, where the built-in abs in
/// the same place was listed.
final class UserPrimitiveKinkTests: XCTestCase {
    struct BuiltinAbsTimes: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [abs(x[0]) * x[1]] }
    }
    struct UserAbsTimes: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [KinkedUserAbs.apply(x[0]) * x[1]] }
    }
    struct UserMaxOf: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [KinkedUserMax.apply(x[0], x[1])] }
    }
    /// x₀² + |x₁| (user abs): the user's kink reads x₁ only.
    struct SquarePlusUserAbs: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] * x[0] + KinkedUserAbs.apply(x[1])] }
    }
    struct UserCubeTimes: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [SmoothUserCube.apply(x[0]) * x[1]] }
    }

    /// The names `kinkedOps` gives (an op's name for a registry op, the user's for a primitive).
    func names(_ d: SymbolicJacobian, wrt columns: [Int]? = nil) -> [String] {
        d.kinkedOps(wrt: columns).map { "\($0)" }
    }

    func testAUserAbsIsListedAsTheBuiltinAbsIs() throws {
        for mode in SymbolicMode.allCases {
            let builtin = try SymbolicDifferentiation.jacobian(of: BuiltinAbsTimes(), inputs: 2, mode: mode)
            XCTAssertEqual(names(builtin), ["abs"], "\(mode)")
            let user = try SymbolicDifferentiation.jacobian(of: UserAbsTimes(), inputs: 2, mode: mode)
            XCTAssertEqual(names(user), ["user_abs"], "\(mode)")
            // Both took the side of the generic point (2 < x0 < 3: x0 > 0), where ∂/∂x0 = x1 by hand.
            XCTAssertEqual(try ExpressionGraph.shared.evaluate([user.jacobian[0][0].id], at: [2.5, 7])[0], 7, "\(mode)")
            XCTAssertEqual(user.genericPoint, builtin.genericPoint, "\(mode)")
        }
    }

    func testAUserMaxIsListedAndASecondDerivativeListsItToo() throws {
        let d = try SymbolicDifferentiation.jacobian(of: UserMaxOf(), inputs: 2)
        XCTAssertEqual(names(d), ["user_max"])
        XCTAssertEqual(names(d, wrt: [0]), ["user_max"])
        let h = try SymbolicDifferentiation.hessian(of: UserAbsTimes(), inputs: 2)
        XCTAssertEqual(names(h), ["user_abs"])
    }

    /// Only a kink whose arguments read a column asked for decides it, as for relu.
    func testAUserKinkIsListedOnlyForTheColumnsItsArgumentsRead() throws {
        let d = try SymbolicDifferentiation.jacobian(of: SquarePlusUserAbs(), inputs: 2)
        XCTAssertEqual(names(d, wrt: [0]), [])
        XCTAssertEqual(names(d, wrt: [1]), ["user_abs"])
    }

    /// A primitive that declares no kink (the default `kinkDistance`, nil) is not listed.
    func testASmoothUserPrimitiveIsNotListed() throws {
        XCTAssertEqual(names(try SymbolicDifferentiation.jacobian(of: UserCubeTimes(), inputs: 2)), [])
    }

    /// A distance declared at the kink alone (0 there, nil elsewhere) still declares it: the
    /// probes include 0, where this one's kink is.
    func testADistanceDeclaredOnlyAtTheKinkIsFound() throws {
        struct F: ADFunction {
            func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [KinkOnlyUserAbs.apply(x[0]) * x[1]] }
        }
        XCTAssertEqual(names(try SymbolicDifferentiation.jacobian(of: F(), inputs: 2)), ["user_abs_at_kink_only"])
    }

    /// The probes ask a distance only inside the declared domain: a log whose distance says 0 for
    /// x ≤ 0, where it is not defined, declares no kink where it is.
    func testADistanceOutsideTheDomainDeclaresNoKink() throws {
        struct F: ADFunction {
            func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [UserLogWithDistanceOutside.apply(x[0])] }
        }
        XCTAssertEqual(names(try SymbolicDifferentiation.jacobian(of: F(), inputs: 1, at: [2])), [])
        // Without a point too: the predicates are not run on the NaN read for an unbound symbol,
        // which threw a domain error here.
        XCTAssertEqual(names(try SymbolicDifferentiation.jacobian(of: F(), inputs: 1)), [])
    }
}
