import XCTest
import AdjointCore
@testable import AdjointCheck

/// log with its domain declared by a one-argument domainViolation: it was a new static function,
/// not the protocol's requirement `domainViolation(_:_:)`, so nothing called it, and log gave NaN
/// at −1 with no domain error (a review). The one-input form is now a requirement of
/// UnaryPrimitive that the two-input form calls.
private enum LogOneArgumentDomain: UnaryPrimitive {
    static let name = "log_one_argument_domain"
    static var sampleRanges: [ClosedRange<Double>] { [0.1...3] }
    static func domainViolation(_ x: Double) -> String? { x <= 0 ? "log of a non-positive number" : nil }
    static func primal<T: ADScalar>(_ x: T) -> T { T.log(x) }
    static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { 1 / x }
}

/// t² tabulated on [0, 1] (a review): valid inside its samples only, and it traps outside them
/// (an index out of range). validate must not evaluate it there.
private enum TableSquare: UnaryPrimitive {
    static let name = "table_square_domain"
    static var sampleRanges: [ClosedRange<Double>] { [0.05...0.95] }
    static let knots: [Double] = (0...10).map { Double($0 * $0) / 100 }
    static func primal<T: ADScalar>(_ x: T) -> T {
        let k = Swift.min(Int(x.approximateDouble * 10), 9)
        return T(knots[k]) + T((knots[k + 1] - knots[k]) * 10) * (x - T(Double(k) / 10))
    }
    static func derivative<T: ADScalar>(_ x: T, output z: T) -> T {
        let k = Swift.min(Int(x.approximateDouble * 10), 9)
        return T((knots[k + 1] - knots[k]) * 10)
    }
    static func kinkDistance(_ x: Double, _ y: Double) -> Double? {
        Swift.abs(x * 10 - (x * 10).rounded()) / 10
    }
}

final class DomainSignatureTests: XCTestCase {
    func testTheOneArgumentDomainIsAsked() {
        XCTAssertEqual(LogOneArgumentDomain.domainViolation(-1, -1), "log of a non-positive number")
        XCTAssertNil(LogOneArgumentDomain.domainViolation(2, 2))
        // Every mode now names the primitive's domain at −1 instead of giving NaN.
        let f = { (x: [Reverse<Double>]) in LogOneArgumentDomain.apply(x[0]) }
        XCTAssertThrowsError(try gradient(of: f, at: [-1.0])) { error in
            guard case ADError.domain? = error as? ADError else { return XCTFail("\(error)") }
        }
        // By hand d/dx log x = 1/x = 0.5 at 2.
        XCTAssertEqual(try gradient(of: f, at: [2.0])[0], 0.5, accuracy: 1e-15)
        XCTAssertTrue(validate(LogOneArgumentDomain.self).passed)
    }

    /// validate evaluates a primitive inside its declared sample ranges only: a table valid on
    /// [0, 1] gets a report, not a trap.
    func testValidateStaysInsideTheSampleRanges() {
        let v = validate(TableSquare.self)
        XCTAssertNotNil(v.check(named: "partials"), v.description)
    }
}
