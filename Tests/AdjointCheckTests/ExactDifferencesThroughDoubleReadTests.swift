import AdjointCore
import AdjointExact
import XCTest
@testable import AdjointCheck

/// f(x) = 1 + c·x₀² + x₁ with c = 10⁻²⁰, x₀² computed from x₀ read as a Double
/// (`approximateDouble`) and turned back into a constant of f. By hand ∂f/∂x₀ = 2c·x₀ = 2·10⁻²⁰
/// at x₀ = 1, ∂f/∂x₁ = 1.
///
/// Exact differences run f on rationals, and the read rounds what f computes from it: at the
/// exact rung's step h = 2⁻³⁰, fl(c·fl(d²)) for d = 1 ± h loses (1 ± h)²'s last term, and the
/// central difference read 1.999999936531045·10⁻²⁰ (3.2·10⁻⁸ off) with an estimate of exactly 0.
/// The check took that as exact and convicted the right claim 2·10⁻²⁰ (tolerance 1.4·10⁻³³).
struct SquareReadAsDouble: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
        let d = x[0].approximateDouble
        return [T(1) + T(1e-20 * d * d) + x[1]]
    }
}

final class ExactDifferencesThroughDoubleReadTests: XCTestCase {
    /// The right claim is not convicted: nothing that reads f exactly is left to resolve 2·10⁻²⁰
    /// (the modes lost it with the read, the complex step too, and every float difference reads f
    /// flat at 1 + 10⁻²⁰), so the entry is undecided, not rule-wrong.
    func testTheRightClaimIsNotConvicted() throws {
        let r = try checkGradient(of: SquareReadAsDouble(), at: [1.0, 0.5], claimedGradient: { _ in [2e-20, 1] })
        let e = r.entries[0][0]
        XCTAssertFalse(e.wrongSubjects.contains("claimed"), r.renderTable())
        if case .ruleWrong = e.verdict { XCTFail("a right claim convicted\n" + r.renderTable()) }
        let exact = e.ladder.first { $0.witness == "exact-rationals" }
        XCTAssertNotEqual(exact?.outcome, "disagree", r.renderTable())
        XCTAssertEqual(r.entries[0][1].verdict, .agree, r.renderTable())
    }

    /// Exact differences refuse f outright, naming the read, rather than returning
    /// 1.999999936531045·10⁻²⁰ with an error estimate of 0 for 2·10⁻²⁰.
    func testExactDifferencesRefuseARead() throws {
        XCTAssertThrowsError(try exactDifferenceJacobian(of: SquareReadAsDouble(), at: [Rational(1), Rational(numerator: 1, denominator: 2)])) { error in
            XCTAssertTrue("\(error)".contains("approximateDouble"), "\(error)")
        }
    }

    /// Guard: the library's own reads (a kink's inputs for its report, abs at 0) are no read of
    /// f's, and a rational f that touches a kink keeps its exact differences.
    func testTheLibrarysOwnReadsDoNotCount() throws {
        struct AbsPlusSquare: ADFunction {
            func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [abs(x[0]) * x[1] + x[1] * x[1]] }
        }
        let d = try exactDifferenceJacobian(of: AbsPlusSquare(), at: [Rational(0), Rational(3)])
        // ∂/∂x₁ = |x₀| + 2x₁ = 6 exactly (the difference of a quadratic is exact).
        XCTAssertEqual(d.jacobian[0][1], Rational(6))
    }
}
