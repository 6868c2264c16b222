import XCTest
import AdjointCore
@testable import AdjointCheck

/// log with its domain declared by a one-argument domainViolation: a new static function, not
/// the protocol's requirement `domainViolation(_:_:)`, so nothing calls it (a review).
private enum LogOneArgumentDomain: UnaryPrimitive {
    static let name = "log_one_argument_domain"
    static var sampleRanges: [ClosedRange<Double>] { [0.1...3] }
    static func domainViolation(_ x: Double) -> String? { x <= 0 ? "log of a non-positive number" : nil }
    static func primal<T: ADScalar>(_ x: T) -> T { T.log(x) }
    static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { 1 / x }
}

/// The same log with the requirement's signature: the control.
private enum LogDeclaredDomain: UnaryPrimitive {
    static let name = "log_declared_domain"
    static var sampleRanges: [ClosedRange<Double>] { [0.1...3] }
    static func domainViolation(_ x: Double, _ y: Double) -> String? { x <= 0 ? "log of a non-positive number" : nil }
    static func primal<T: ADScalar>(_ x: T) -> T { T.log(x) }
    static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { 1 / x }
}

final class DomainSignatureTests: XCTestCase {
    /// log is NaN at −2 (the first probe, by hand: no real logarithm of a negative number), where
    /// the one-argument declaration is never asked; validate passed it, its samples being positive.
    func testADomainDeclaredWithAnotherSignatureFailsValidation() {
        let v = validate(LogOneArgumentDomain.self)
        XCTAssertFalse(v.passed, v.description)
        XCTAssertEqual(v.check(named: "domain")?.outcome, .failed, v.description)
        let detail = v.check(named: "domain")?.detail ?? ""
        XCTAssertTrue(detail.hasPrefix("primal is NaN at x = -2.0, but no domainViolation reported it"), detail)
        XCTAssertTrue(detail.contains("static func domainViolation(_ x: Double, _ y: Double) -> String?"), detail)
        // The rule itself is right: the derivative checks still run and pass.
        XCTAssertEqual(v.check(named: "partials")?.outcome, .passed, v.description)

        let control = validate(LogDeclaredDomain.self)
        XCTAssertTrue(control.passed, control.description)
        XCTAssertNil(control.check(named: "domain"), control.description)
    }
}
