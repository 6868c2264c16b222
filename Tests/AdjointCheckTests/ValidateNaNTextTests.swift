import AdjointCheck
import AdjointCore
import XCTest

/// log declared for all reals and sampled from [−1, 1]: by hand log of a negative number has no
/// real value, so some sample point's primal is NaN (glibc returns it with the sign bit set).
private enum LogDeclaredForAllReals: UnaryPrimitive {
    static let name = "log_declared_for_all_reals"
    static var sampleRanges: [ClosedRange<Double>] { [-1...1] }
    static func primal<T: ADScalar>(_ x: T) -> T { log(x) }
    static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { 1 / x }
}

/// x/y sampled from [0, 1]² with no domain declared: the corner (0, 0) is 0/0, by hand NaN
/// (x86's default NaN, which has the sign bit set).
private enum RatioOnUnitSquare: ScalarPrimitive {
    static let name = "ratio_on_unit_square"
    static let arity = 2
    static var sampleRanges: [ClosedRange<Double>] { [0...1, 0...1] }
    static func primal<T: ADScalar>(_ x: T, _ y: T) -> T { x / y }
    static func partials<T: ADScalar>(_ x: T, _ y: T, output z: T) -> (T, T) { (1 / y, -x / (y * y)) }
}

/// x ↦ x/‖x‖ on [0, 1]², no domain declared: 0/0 at the corner (0, 0).
private enum NormaliseUndeclaredAtZero: VectorPrimitive {
    static let name = "normalise_undeclared_at_zero"
    static func sampleRanges(inputs n: Int) -> [ClosedRange<Double>] { Array(repeating: 0...1, count: n) }
    static func primal(_ x: [Double]) -> [Double] { let r = (x[0] * x[0] + x[1] * x[1]).squareRoot(); return [x[0] / r, x[1] / r] }
    static func jvp(at x: [Double], direction v: [Double]) -> [Double]? {
        let r = (x[0] * x[0] + x[1] * x[1]).squareRoot()
        let u = [x[0] / r, x[1] / r], d = u[0] * v[0] + u[1] * v[1]
        return [(v[0] - u[0] * d) / r, (v[1] - u[1] * d) / r]
    }
    static func vjp(at x: [Double], cotangent w: [Double]) -> [Double]? { jvp(at: x, direction: w) }
}

/// validate names a NaN primal "NaN", as the checker's reports and the harness do: the details
/// said "primal at (-0.59…) is -nan" and "output 0 at [0.0, 0.0] is -nan", C's printf spelling
/// that Swift's text of a sign-bit NaN follows.
final class ValidateNaNTextTests: XCTestCase {
    private func assertNaNNamed(_ detail: String?, _ description: String, file: StaticString = #filePath, line: UInt = #line) {
        guard let detail else { return XCTFail("no primal-finite check: \(description)", file: file, line: line) }
        XCTAssertTrue(detail.contains("is NaN"), detail, file: file, line: line)
        XCTAssertFalse(detail.lowercased().contains("-nan"), detail, file: file, line: line)
        XCTAssertFalse(description.contains("nan"), description, file: file, line: line)
    }

    func testANaNPrimalInsideTheDeclaredDomainIsNamedNaN() {
        let v = validate(LogDeclaredForAllReals.self)
        XCTAssertEqual(v.check(named: "primal-finite")?.outcome, .failed, v.description)
        assertNaNNamed(v.check(named: "primal-finite")?.detail, v.description)
    }

    func testANaNPrimalAtACornerOfTheSampleRangesIsNamedNaN() {
        let v = validate(RatioOnUnitSquare.self)
        XCTAssertEqual(v.check(named: "primal-finite")?.outcome, .failed, v.description)
        assertNaNNamed(v.check(named: "primal-finite")?.detail, v.description)
    }

    func testANaNOutputOfAVectorPrimitiveIsNamedNaN() {
        let v = validate(NormaliseUndeclaredAtZero.self, inputs: 2)
        XCTAssertEqual(v.check(named: "primal-finite")?.outcome, .failed, v.description)
        assertNaNNamed(v.check(named: "primal-finite")?.detail, v.description)
    }
}
