import XCTest
import AdjointCore
@testable import AdjointSymbolic

/// log x as a user primitive, defined for x > 0: by hand (log x)′ = 1/x.
enum DomainLog: UnaryPrimitive {
    static let name = "domain_log"
    static var sampleRanges: [ClosedRange<Double>] { [0.5...4] }
    static func primal<T: ADScalar>(_ x: T) -> T { log(x) }
    static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { 1 / x }
    static func domainViolation(_ x: Double) -> String? { x > 0 ? nil : "log needs x > 0" }
}

/// x/y as a user primitive, defined for y ≠ 0: by hand ∂/∂x = 1/y, ∂/∂y = −x/y².
enum DomainQuotient: ScalarPrimitive {
    static let name = "domain_quotient"
    static let arity = 2
    static func primal<T: ADScalar>(_ x: T, _ y: T) -> T { x / y }
    static func partials<T: ADScalar>(_ x: T, _ y: T, output z: T) -> (T, T) { (1 / y, -x / (y * y)) }
    static func domainViolation(_ x: Double, _ y: Double) -> String? { y != 0 ? nil : "quotient needs y ≠ 0" }
}

/// A user primitive's domain predicate in a symbolic derivation. Without a point a variable has no
/// value, and the predicate was run on the NaN that `approximateDouble` reads for it: a derivation
/// of log x through a user log threw "domain error in domain_log … (inputs: nan)", where the
/// built-in log derives 1/x. The predicate is now run only where there is a value: at a point
/// given, at the generic point a derivation decides its comparisons at, on constants; and a
/// derivation without a point lists the user domains it could not check.
final class UserPrimitiveDomainWithoutPointTests: XCTestCase {
    struct LogOf: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [DomainLog.apply(x[0]) * x[1]] }
    }
    struct QuotientOf: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [DomainQuotient.apply(x[0], x[1])] }
    }
    struct BuiltinLogOf: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [log(x[0]) * x[1]] }
    }

    /// log(x₀)·x₁ derives without a point in both modes, as the built-in log does: by hand the
    /// gradient is (x₁/x₀, log x₀), at (2, 3) (1.5, log 2).
    func testAUserLogDerivesWithoutAPointAsTheBuiltinDoes() throws {
        let log2 = 0.6931471805599453   // mpmath.log(2) at 30 digits: 0.693147180559945309417232121458
        for mode in SymbolicMode.allCases {
            _ = try SymbolicDifferentiation.jacobian(of: BuiltinLogOf(), inputs: 2, mode: mode)
            let d = try SymbolicDifferentiation.jacobian(of: LogOf(), inputs: 2, mode: mode)
            let v = try ExpressionGraph.shared.evaluate(d.jacobian[0].map(\.id), at: [2, 3])
            XCTAssertEqual(v[0], 1.5, "\(mode)")
            XCTAssertEqual(v[1], log2, "\(mode)")
        }
    }

    /// The second derivative too: ∂²(log x₀ · x₁)/∂x₀² = −x₁/x₀², −0.75 at (2, 3); ∂²/∂x₀∂x₁ = 1/x₀.
    func testAUserLogsHessianDerivesWithoutAPoint() throws {
        let h = try SymbolicDifferentiation.hessian(of: LogOf(), inputs: 2)
        let v = try ExpressionGraph.shared.evaluate(h.jacobian[0].map(\.id), at: [2, 3])
        XCTAssertEqual(v, [-0.75, 0.5])
    }

    /// Two arguments, neither with a value: x/y derives to (1/y, −x/y²), (0.25, −0.1875) at (3, 4) by hand.
    func testABinaryUserPrimitiveDerivesWithoutAPoint() throws {
        let d = try SymbolicDifferentiation.jacobian(of: QuotientOf(), inputs: 2)
        XCTAssertEqual(try ExpressionGraph.shared.evaluate(d.jacobian[0].map(\.id), at: [3, 4]), [0.25, -0.1875])
    }

    /// At a point given the predicate still runs there: outside the domain the derivation throws
    /// the domain error naming the primitive, as before; inside it derives.
    func testAtAPointTheUserDomainIsStillChecked() throws {
        for mode in SymbolicMode.allCases {
            XCTAssertThrowsError(try SymbolicDifferentiation.jacobian(of: LogOf(), inputs: 2, mode: mode, at: [-1, 3])) { e in
                guard case ADError.domain(let op, _, _, _)? = e as? ADError else { return XCTFail("\(mode): \(e)") }
                XCTAssertEqual(op, "domain_log", "\(mode)")
            }
            XCTAssertThrowsError(try SymbolicDifferentiation.jacobian(of: QuotientOf(), inputs: 2, mode: mode, at: [1, 0])) { e in
                guard case ADError.domain(let op, _, _, _)? = e as? ADError else { return XCTFail("\(mode): \(e)") }
                XCTAssertEqual(op, "domain_quotient", "\(mode)")
            }
            XCTAssertNoThrow(try SymbolicDifferentiation.jacobian(of: LogOf(), inputs: 2, mode: mode, at: [2, 3]))
        }
    }

    /// A constant argument has a value without a point: log(−1) is outside the domain wherever
    /// the variables are, and is still reported.
    func testAConstantArgumentOutsideTheDomainIsStillReported() {
        struct F: ADFunction {
            func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [DomainLog.apply(T(-1)) * x[0]] }
        }
        XCTAssertThrowsError(try SymbolicDifferentiation.jacobian(of: F(), inputs: 1)) { e in
            guard case ADError.domain(let op, _, _, _)? = e as? ADError else { return XCTFail("\(e)") }
            XCTAssertEqual(op, "domain_log")
        }
    }

    /// A real NaN argument in forward and reverse mode over Double and Float is a domain error
    /// naming the primitive. A NaN is not equal to itself, and a unary primitive applied to one was
    /// reported as "applied to two inputs but declares arity 1" (its one argument is given twice).
    func testARealNaNIsADomainErrorInTheNumericModes() {
        func domainOps(_ body: () -> Void) -> [String] {
            Diagnostics.collect(body).diagnostics.errors.map { e -> String in
                if case .domain(let op, _, _, _) = e { return op } else { return "\(e)" }
            }
        }
        XCTAssertEqual(domainOps { _ = DomainLog.apply(Dual<Double, Double>(.nan, tangent: 1)) }, ["domain_log"])
        XCTAssertEqual(domainOps { _ = DomainLog.apply(Dual<Float, Float>(.nan, tangent: 1)) }, ["domain_log"])
        XCTAssertEqual(domainOps { _ = DomainLog.apply(Reverse<Double>(constant: .nan)) }, ["domain_log"])
        XCTAssertEqual(domainOps { _ = DomainLog.apply(Dual<Double, Double>(-1, tangent: 1)) }, ["domain_log"])
        XCTAssertEqual(domainOps { _ = DomainQuotient.apply(Dual<Double, Double>(.nan, tangent: 1), Dual<Double, Double>(0, tangent: 0)) },
                       ["domain_quotient"])
    }

    /// Without a point the derivation lists the user domains it could not check; at a point none.
    /// Listed: a primitive that restricts its inputs, called on a variable. Not listed: one that
    /// declares no domain, and a call on constants alone (checked: its arguments have values).
    func testTheDomainsNotCheckedAreListedWithoutAPointOnly() throws {
        struct Constant: ADFunction {
            func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [DomainLog.apply(T(2)) * x[0]] }
        }
        struct Cube: ADFunction {
            func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [SmoothUserCube.apply(x[0])] }
        }
        /// relu(x₀)·log x₀: compared, so decided at the generic point (2 < x₀ < 3, inside the domain).
        struct ReluTimesLog: ADFunction {
            func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.relu(x[0]) * DomainLog.apply(x[0])] }
        }
        for mode in SymbolicMode.allCases {
            XCTAssertEqual(try SymbolicDifferentiation.jacobian(of: LogOf(), inputs: 2, mode: mode).uncheckedDomains, ["domain_log"])
            XCTAssertEqual(try SymbolicDifferentiation.jacobian(of: LogOf(), inputs: 2, mode: mode, at: [2, 3]).uncheckedDomains, [])
            XCTAssertEqual(try SymbolicDifferentiation.jacobian(of: QuotientOf(), inputs: 2, mode: mode).uncheckedDomains, ["domain_quotient"])
            XCTAssertEqual(try SymbolicDifferentiation.jacobian(of: Constant(), inputs: 1, mode: mode).uncheckedDomains, [])
            XCTAssertEqual(try SymbolicDifferentiation.jacobian(of: Cube(), inputs: 1, mode: mode).uncheckedDomains, [])
        }
        let decided = try SymbolicDifferentiation.jacobian(of: ReluTimesLog(), inputs: 1)
        XCTAssertNotNil(decided.genericPoint)
        XCTAssertEqual(decided.uncheckedDomains, ["domain_log"])
        XCTAssertEqual(try SymbolicDifferentiation.hessian(of: LogOf(), inputs: 2).uncheckedDomains, ["domain_log"])
    }
}
