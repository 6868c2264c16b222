import AdjointCheck
import AdjointCore
import XCTest

/// A user rule that drops a cotangent above 10¹⁰⁰ and passes the rest on: right for every
/// cotangent a plain sweep gives it here.
private enum CheckGuardedIdentity: VectorPrimitive {
    static let name = "check_guarded_identity"
    static func primal(_ x: [Double]) -> [Double] { x }
    static func vjp(at x: [Double], cotangent u: [Double]) -> [Double]? { u.map { Swift.abs($0) > 1e100 ? 0 : $0 } }
}

private struct CheckGuarded: ADFunction, Sendable {
    var inputCount: Int? { 2 }
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
        let g = CheckGuardedIdentity.apply(x)
        return [g[0] * T(1e-300) * T(1e-300) + T(0.5) * g[1]]
    }
}

/// Found in review: the check judges the recovered reverse rows, and a lifted sweep through a
/// rule that is not linear in its cotangent replaced ∂/∂y = 0.5 (by hand) by 0, so the check
/// convicts the reverse rule of an entry the plain sweep got right.
final class RangeRecoveryCheckReviewTests: XCTestCase {
    func testTheCheckDoesNotConvictARightSweepForItsRecovery() throws {
        let r = try checkJacobian(of: CheckGuarded(), at: [2.0, 3])
        let e = r.entries[0][1]
        XCTAssertEqual(e.subjects.first { $0.name == "reverse" }?.value ?? .nan, 0.5, r.renderTable())
        XCTAssertEqual(e.verdict, .agree, r.renderTable())
    }
}
