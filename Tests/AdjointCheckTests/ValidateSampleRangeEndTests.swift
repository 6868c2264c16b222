import AdjointCheck
import AdjointCore
import XCTest

/// x·log x declared valid for x ≥ 0, sampled from [0, 3]. By hand 0·log 0 = 0·(−∞) is NaN in
/// floating point: the declaration admits a point where the primal has no value.
private enum XLogXDeclaredAtZero: UnaryPrimitive {
    static let name = "x_log_x_declared_at_zero"
    static let domain = "x ≥ 0"
    static func domainViolation(_ x: Double, _ y: Double) -> String? { x < 0 ? "negative" : nil }
    static var sampleRanges: [ClosedRange<Double>] { [0...3] }
    static func primal<T: ADScalar>(_ x: T) -> T { x * log(x) }
    static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { log(x) + 1 }
}

/// The same declared for x > 0, as it should be: 0 is excluded and every other end is finite.
private enum XLogXDeclaredPositive: UnaryPrimitive {
    static let name = "x_log_x_declared_positive"
    static let domain = "x > 0"
    static func domainViolation(_ x: Double, _ y: Double) -> String? { x <= 0 ? "not positive" : nil }
    static var sampleRanges: [ClosedRange<Double>] { [0...3] }
    static func primal<T: ADScalar>(_ x: T) -> T { x * log(x) }
    static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { log(x) + 1 }
}

/// x/y with both sample ranges [0, 1] and no domain declared: the corner (0, 0) is 0/0.
private enum RatioUndeclared: ScalarPrimitive {
    static let name = "ratio_undeclared"
    static let arity = 2
    static var sampleRanges: [ClosedRange<Double>] { [0...1, 0...1] }
    static func primal<T: ADScalar>(_ x: T, _ y: T) -> T { x / y }
    static func partials<T: ADScalar>(_ x: T, _ y: T, output z: T) -> (T, T) { (1 / y, -x / (y * y)) }
}

/// x ↦ x/‖x‖ on ℝ², sampled from [0, 1]². By hand J = (I − x̂x̂ᵀ)/‖x‖, symmetric, so the JVP and
/// VJP are the same map; at the corner (0, 0) the primal is 0/0 = NaN. `declaresZero` says
/// whether the domain excludes the zero vector.
protocol ZeroDeclaration { static var declaresZero: Bool { get } }
enum Declared: ZeroDeclaration { static let declaresZero = true }
enum Undeclared: ZeroDeclaration { static let declaresZero = false }
enum NormaliseOnBox<D: ZeroDeclaration>: VectorPrimitive {
    static var name: String { D.declaresZero ? "normalise_declared" : "normalise_undeclared" }
    static func sampleRanges(inputs n: Int) -> [ClosedRange<Double>] { Array(repeating: 0...1, count: n) }
    static func domainViolation(_ x: [Double]) -> String? { D.declaresZero && x.allSatisfy { $0 == 0 } ? "the zero vector" : nil }
    static func primal(_ x: [Double]) -> [Double] { let r = (x[0] * x[0] + x[1] * x[1]).squareRoot(); return [x[0] / r, x[1] / r] }
    static func jvp(at x: [Double], direction v: [Double]) -> [Double]? {
        let r = (x[0] * x[0] + x[1] * x[1]).squareRoot()
        let u = [x[0] / r, x[1] / r], d = u[0] * v[0] + u[1] * v[1]
        return [(v[0] - u[0] * d) / r, (v[1] - u[1] * d) / r]
    }
    static func vjp(at x: [Double], cotangent w: [Double]) -> [Double]? { jvp(at: x, direction: w) }
}

final class ValidateSampleRangeEndTests: XCTestCase {
    /// The vector form: the corner (0, 0) of the sample box is admitted by no declaration and the
    /// primal is NaN there; declared, the same primitive passes.
    func testAVectorPrimitiveWhoseDomainAdmitsANonFiniteCornerFails() {
        let v = validate(NormaliseOnBox<Undeclared>.self, inputs: 2)
        XCTAssertEqual(v.check(named: "primal-finite")?.outcome, .failed, v.description)
        XCTAssertTrue(v.check(named: "primal-finite")?.detail.contains("[0.0, 0.0]") ?? false, v.description)
        let d = validate(NormaliseOnBox<Declared>.self, inputs: 2)
        XCTAssertTrue(d.passed, d.description)
    }

    /// Random samples never land on an end of a range, and validate passed the first primitive
    /// (a new user's review); a property drawing 0 then met NaN inside the declared domain.
    func testADomainThatAdmitsANonFiniteEndOfTheSampleRangesFails() {
        let v = validate(XLogXDeclaredAtZero.self)
        XCTAssertEqual(v.check(named: "primal-finite")?.outcome, .failed, v.description)
        XCTAssertTrue(v.check(named: "primal-finite")?.detail.contains("(0.0)") ?? false, v.description)
        XCTAssertTrue(v.check(named: "primal-finite")?.detail.contains("x ≥ 0") ?? false, v.description)
        XCTAssertTrue(validate(XLogXDeclaredPositive.self).passed)
        // Two inputs: the corner (0, 0), 0/0, is one of the four ends.
        let r = validate(RatioUndeclared.self)
        XCTAssertEqual(r.check(named: "primal-finite")?.outcome, .failed, r.description)
        XCTAssertTrue(r.check(named: "primal-finite")?.detail.contains("(0.0, 0.0)") ?? false, r.description)
    }
}
