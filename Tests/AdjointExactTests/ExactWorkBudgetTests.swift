import XCTest
import AdjointCore
@testable import AdjointExact

/// Issue 14 item 8: exact mode's work budget and its choice of direction by shape.
final class ExactWorkBudgetTests: XCTestCase {
    /// ∏ (x + k/(k+1)) for k = 1…n: every factor stays small, the product grows linearly in bits,
    /// so the bit-size limit never trips while the work grows quadratically.
    struct Chain: ADFunction {
        let n: Int
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
            var p = x[0] + T(1) / T(2)
            for k in 2...n { p = p * (x[0] + T(k) / T(k + 1)) }
            return [p]
        }
    }

    func testLongChainStopsWithATypedErrorAtTheWorkLimit() {
        XCTAssertThrowsError(try Rational.withWorkLimit(20_000) {
            try exactJacobian(of: Chain(n: 3000), at: [Rational(1) / Rational(3)])
        }) { e in
            guard case let ADError.limitExceeded(what, limit) = e else { return XCTFail("\(e)") }
            XCTAssertTrue(what.contains("exact work"), what)
            XCTAssertEqual(limit, 20_000)
        }
        // The budget belongs to the scope: a small computation right after it is unaffected.
        XCTAssertNoThrow(try exactJacobian(of: Chain(n: 20), at: [Rational(1) / Rational(3)]))
    }

    func testTheDefaultLimitAllowsOrdinaryGraphsAndIsProcessWideAdjustable() throws {
        // A 200-factor chain: d/dx at x = 0 of ∏(x + a_k) is ∏a_k · Σ 1/a_k; checked against that sum.
        let r = try exactJacobian(of: Chain(n: 200), at: [Rational(0)])
        var product = Rational(1), sum = Rational(0)
        for k in 1...200 { let a = Rational(k) / Rational(k + 1); product = product * a; sum = sum + Rational(1) / a }
        XCTAssertEqual(r.jacobian[0][0], product * sum)
        let saved = Rational.workLimit
        defer { Rational.workLimit = saved }
        Rational.workLimit = 100
        XCTAssertThrowsError(try exactJacobian(of: Chain(n: 200), at: [Rational(0)]))
    }

    /// Many outputs of one input: forward mode takes one pass where reverse took one sweep per output.
    func testAutomaticModeChoosesTheDirectionByShape() throws {
        struct Powers: ADFunction {
            func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { (1...50).map { T.powi(x[0], $0) } }
        }
        let r = try exactJacobian(of: Powers(), at: [Rational(1) / Rational(2)])
        XCTAssertEqual(r.mode, .forward)
        XCTAssertEqual(r.passes, 1)
        // d/dx x^k = k·x^(k−1): at 1/2 the 10th output's is 10/2⁹.
        XCTAssertEqual(r.jacobian[9][0], Rational(10) / Rational(512))
    }
}
