import AdjointCore
import XCTest
@testable import AdjointCheck

/// A user primitive whose `kinkDistance` is NaN or negative at the point is reported by name,
/// with the value and the inputs, by the check, the differences and the sweep; `validate` already
/// failed such a declaration, but everywhere else it was read silently: NaN compared as "no kink"
/// (the check passed |x| at 0.5 with no word), and a negative distance made every step "cross" it.
///
/// The primitives are |x| (slope 1 at 0.5, by hand) with the declarations under test.
final class InvalidKinkDistanceTests: XCTestCase {
    enum NaNDistanceAbs: UnaryPrimitive {
        static let name = "nan_distance_abs"
        static func primal<T: ADScalar>(_ x: T) -> T { T.abs(x) }
        static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { x < 0 ? -1 : 1 }
        static func kinkDistance(_ x: Double, _ y: Double) -> Double? { x == 0 ? 0 : .nan }
    }
    enum NegativeDistanceAbs: UnaryPrimitive {
        static let name = "negative_distance_abs"
        static func primal<T: ADScalar>(_ x: T) -> T { T.abs(x) }
        static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { x < 0 ? -1 : 1 }
        static func kinkDistance(_ x: Double, _ y: Double) -> Double? { -Swift.abs(x) }
    }
    /// The sort of two with a NaN distance off the tie.
    enum NaNDistanceSort: VectorPrimitive {
        static let name = "nan_distance_sort"
        static func primal(_ x: [Double]) -> [Double] { x[0] <= x[1] ? [x[0], x[1]] : [x[1], x[0]] }
        static func jvp(at x: [Double], direction v: [Double]) -> [Double]? { x[0] <= x[1] ? [v[0], v[1]] : [v[1], v[0]] }
        static func vjp(at x: [Double], cotangent u: [Double]) -> [Double]? { x[0] <= x[1] ? [u[0], u[1]] : [u[1], u[0]] }
        static func kinkDistance(_ x: [Double]) -> Double? { x[0] == x[1] ? 0 : .nan }
    }
    struct UsesNaN: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [NaNDistanceAbs.apply(x[0]) * 2] } }
    struct UsesNegative: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [NegativeDistanceAbs.apply(x[0]) + x[0]] } }
    struct UsesSort: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { NaNDistanceSort.apply(x) } }

    func assertNames(_ error: Error?, _ name: String, _ value: String, file: StaticString = #filePath, line: UInt = #line) {
        guard case let .invalidArgument(text)? = error as? ADError else {
            return XCTFail("expected invalidArgument naming \(name), got \(String(describing: error))", file: file, line: line)
        }
        XCTAssertTrue(text.contains("user primitive \(name)") && text.contains("kinkDistance \(value)")
                      && text.contains("must be nil (no kink) or ≥ 0"), text, file: file, line: line)
    }

    func testTheCheckReportsTheDeclarationAndDoesNotPass() throws {
        for (f, name, value) in [(UsesNaN() as any ADFunction, NaNDistanceAbs.name, "nan"),
                                 (UsesNegative(), NegativeDistanceAbs.name, "-0.5")] {
            let r = try checkJacobian(of: f, at: [0.5])
            XCTAssertFalse(r.passed, r.renderTable())
            assertNames(r.problem, name, value)
            XCTAssertTrue(r.renderTable().contains(name), r.renderTable())
        }
        let sort = try checkJacobian(of: UsesSort(), at: [0.25, 0.75])
        XCTAssertFalse(sort.passed, sort.renderTable())
        assertNames(sort.problem, NaNDistanceSort.name, "nan")
    }

    func testTheDifferencesAndTheSweepThrowIt() {
        XCTAssertThrowsError(try differenceJacobian(of: UsesNaN(), at: [0.5], method: .central)) { assertNames($0, NaNDistanceAbs.name, "nan") }
        XCTAssertThrowsError(try differenceJacobian(of: UsesNegative(), at: [0.5], method: .richardson)) {
            assertNames($0, NegativeDistanceAbs.name, "-0.5")
        }
        XCTAssertThrowsError(try stepSweep(of: UsesNaN(), at: [0.5])) { assertNames($0, NaNDistanceAbs.name, "nan") }
        XCTAssertThrowsError(try kinkRooms(of: UsesNegative(), at: [0.5])) { assertNames($0, NegativeDistanceAbs.name, "-0.5") }
    }

    /// The readers that dropped such a declaration silently: the public `kinkRooms(recording:)`
    /// gave no room for it, and fault localisation of user rules (the AD witness's trust in
    /// `AdjointTesting`) found "no wrong rule" through it. Both now throw the same error.
    func testTheRecordingsRoomsAndRuleFaultLocalisationThrowIt() throws {
        let negative = try record({ UsesNegative()($0) }, at: [0.5])
        XCTAssertThrowsError(try kinkRooms(recording: negative)) { assertNames($0, NegativeDistanceAbs.name, "-0.5") }
        let nan = try record({ UsesNaN()($0) }, at: [0.5])
        XCTAssertThrowsError(try kinkRooms(recording: nan)) { assertNames($0, NaNDistanceAbs.name, "nan") }
        XCTAssertThrowsError(try userRuleFault(of: UsesNaN(), at: [0.5])) { assertNames($0, NaNDistanceAbs.name, "nan") }
        XCTAssertThrowsError(try userRuleFault(of: UsesSort(), at: [0.25, 0.75])) { assertNames($0, NaNDistanceSort.name, "nan") }
    }

    /// A right declaration (|x| at distance |x|) is still read, and the check passes.
    func testAValidDeclarationIsUnchanged() throws {
        enum RightAbs: UnaryPrimitive {
            static let name = "right_distance_abs"
            static func primal<T: ADScalar>(_ x: T) -> T { T.abs(x) }
            static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { x < 0 ? -1 : 1 }
            static func kinkDistance(_ x: Double, _ y: Double) -> Double? { Swift.abs(x) }
        }
        struct UsesRight: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [RightAbs.apply(x[0]) * 2] } }
        let r = try checkJacobian(of: UsesRight(), at: [0.5])
        XCTAssertTrue(r.passed, r.renderTable())
        XCTAssertEqual(try kinkRooms(of: UsesRight(), at: [0.5]), [[0.5]])
        let d = try differenceJacobian(of: UsesRight(), at: [0.5], method: .central).entries[0][0]
        XCTAssertEqual(d.value, 2, accuracy: 1e-8)
    }
}
