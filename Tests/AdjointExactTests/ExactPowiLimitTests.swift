import XCTest
import AdjointCore
import AdjointExact

/// x^Int.min in exact mode: the derivative n·x^(n−1) has no n − 1 in Int, and the forward pass
/// trapped there. Both exact modes now report the exponent as out of range (the fix is in the
/// core's powi rule; this mode reaches it through Dual<Rational>).
final class ExactPowiLimitTests: XCTestCase {
    private struct PowIntMin: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.powi(x[0], .min)] }
    }

    func testIntMinExponentIsALimitNotATrap() {
        for mode in [JacobianMode.forward, .reverse] {
            XCTAssertThrowsError(try exactJacobian(of: PowIntMin(), at: [Rational(1)], mode: mode), "\(mode)") { e in
                guard case ADError.limitExceeded = e else { return XCTFail("\(mode): \(e)") }
            }
        }
    }
}
