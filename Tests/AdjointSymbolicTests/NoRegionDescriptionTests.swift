import XCTest
@testable import AdjointSymbolic
import AdjointCore

/// ``SymbolicDifferentiation/NoRegion`` carries the point the comparisons were decided at and the
/// nearby point where one went the other way, and its description names both by coordinate.
final class NoRegionDescriptionTests: XCTestCase {
    struct Narrow: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] * relu(T.sin(1_000_000 * x[1]))] }
    }

    func testTheErrorCarriesBothPointsAndNamesThem() throws {
        XCTAssertThrowsError(try SymbolicDifferentiation.jacobian(of: Narrow(), inputs: 2)) { error in
            guard let e = error as? SymbolicDifferentiation.NoRegion else { return XCTFail("\(error)") }
            guard let p = e.point, let q = e.nearby else { return XCTFail("\(e)") }
            XCTAssertEqual(p.count, 2)
            XCTAssertEqual(q.count, 2)
            // By hand: sin(10⁶·y) is positive at the point and not at the nearby one.
            XCTAssertGreaterThan(sin(1_000_000 * p[1]), 0, "\(e)")
            XCTAssertLessThanOrEqual(sin(1_000_000 * q[1]), 0, "\(e)")
            guard let d = e.relativeDistance else { return XCTFail("no distance: \(e)") }
            XCTAssertTrue(d <= 0x1p-17 * (1 + 1e-9) && d >= 0x1p-20 * (1 - 1e-9), "\(d)")
            let text = e.description
            XCTAssertTrue(text.contains("decided at x0 = \(p[0]), x1 = \(p[1])"), text)
            XCTAssertTrue(text.contains("the nearby point is x0 = \(q[0]), x1 = \(q[1])"), text)
            XCTAssertTrue(text.contains("is true at the point but false at the nearby point"), text)
            XCTAssertTrue(text.contains("pass a point (at:)"), text)
            XCTAssertFalse(e.reason.contains("["), "the points are fields, not text inside the reason: \(e.reason)")
        }
    }
}
