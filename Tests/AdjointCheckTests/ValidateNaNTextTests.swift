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
        let v = validate(NormaliseOnBox<Undeclared>.self, inputs: 2)   // x/‖x‖ on [0, 1]²: 0/0 at the corner (0, 0)
        XCTAssertEqual(v.check(named: "primal-finite")?.outcome, .failed, v.description)
        assertNaNNamed(v.check(named: "primal-finite")?.detail, v.description)
    }
}
