import AdjointCore
import Foundation
import XCTest
@testable import AdjointCheck

/// The complex step at a very large |x|. Its step is relative (10⁻²⁰·|x|), right for log and √,
/// whose features scale with |x|, but at −1.32·10¹⁰⁰ it is 1.3·10⁸⁰, where tan(a + ib) is i to
/// the last bit: tan(z)·tan(z) read 0 ± 0 and tan(z) + z read 1 ± 4·10⁻¹⁶ at every step tried, and
/// `jac check "tan(z)*tan(z)"` there convicted the modes' right 12.448 (found by a random-formula
/// check of jac, `square(exp(x^3)*tan(z))`). Where the step at scale 1 disagrees with the
/// relative step, the entry has no estimate now (the step at scale 1 can lose a term to underflow
/// as surely as the relative step can saturate), and the check does not convict on it. Truths by
/// mpmath at 200 digits for the Doubles given: d/dz tan² = 2·tan·sec², d/dz (tan + z) = 1 + sec².
final class ComplexStepSaturationTests: XCTestCase {
    struct TanSquared: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [tan(x[0]) * tan(x[0])] }
    }
    struct TanPlusZ: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [tan(x[0]) + x[0]] }
    }
    /// log x at 10³⁰⁰: at the step at scale 1 Im log(x + ih) = h/x = 10⁻³²⁰ underflows, so only
    /// the relative step sees the derivative, 10⁻³⁰⁰ (by hand).
    struct Log: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [log(x[0])] }
    }
    /// log x · 10³⁰⁰ at 10³⁰⁰: the same subnormal Im inside f, scaled back to 10⁻²⁰ at the end,
    /// so the step at scale 1 keeps about 9 bits and no flag says so. Its derivative is 1 (by hand).
    struct ScaledLog: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [log(x[0]) * T(1e300)] }
    }

    nonisolated(unsafe) static let cases: [(name: String, f: any ADFunction, x: Double, truth: Double)] = [
        ("tan²", TanSquared(), -1.3205585669255205e100, 12.448392031023279846),
        ("tan²", TanSquared(), 1e100, -0.96273133434130167048),
        ("tan²", TanSquared(), 3e25, 0.99692678613942565651),
        ("tan + z", TanPlusZ(), 1e100, 2.1694334635727852416),
        ("tan + z", TanPlusZ(), -1.3205585669255205e100, 4.7519805643166289734),
        ("tan + z", TanPlusZ(), 1e7, 2.2148608283674816298),
    ]

    /// No confident wrong number: the estimate holds, or the entry says it has none. At 10⁷ both
    /// steps are far inside tan's period and agree, so the entry is resolved to the last digits.
    func testTheComplexStepIsNotConfidentlyWrongAtAHugeArgument() throws {
        for c in Self.cases {
            let d = try differenceJacobian(of: c.f, at: [c.x], method: .complexStep).entries[0][0]
            let jvp = try differenceJVP(of: c.f, at: [c.x], direction: [1], method: .complexStep)[0]
            for e in [d, jvp] {
                XCTAssertTrue(Swift.abs(e.value - c.truth) <= e.errorEstimate + 4e-16 * Swift.abs(c.truth)
                              || e.warnings.contains(.noConvergence), "\(c.name) at \(c.x): \(e)")
            }
            if Swift.abs(c.x) < 1e10 {
                XCTAssertEqual(d.value, c.truth, accuracy: 1e-14 * Swift.abs(c.truth), "\(c.name) at \(c.x): \(d)")
                XCTAssertLessThan(d.errorEstimate, 1e-12 * Swift.abs(c.truth), "\(c.name) at \(c.x): \(d)")
            }
        }
    }

    func testTheCheckDoesNotConvictRightRulesThere() throws {
        for c in Self.cases {
            let r = try checkJacobian(of: c.f, at: [c.x])
            let e = r.entries[0][0]
            if case .ruleWrong = e.verdict { XCTFail("\(c.name) at \(c.x): \(e.verdict)\n\(r.renderTable())") }
        }
    }

    func testAWrongClaimDoesNotPassAndAScaleFreeDerivativeKeepsItsStep() throws {
        for c in Self.cases {
            let r = try checkGradient(of: c.f, at: [c.x], claimedGradient: { _ in [c.truth * (1 + 1e-6)] })
            XCTAssertFalse(r.passed, r.renderTable())
        }
        let d = try differenceJacobian(of: Log(), at: [1e300], method: .complexStep).entries[0][0]
        XCTAssertEqual(d.value, 1e-300, accuracy: 1e-314, "\(d)")
        XCTAssertLessThan(d.errorEstimate, 1e-312, "\(d)")
    }

    /// Where the step at scale 1 loses digits inside f unflagged, it disagrees with the relative
    /// step, and a subnormal inside f cannot be told from tan's saturation: the entry has no
    /// estimate (the price of the rule; the relative step alone had it right). A guard that the
    /// rule is what it says, not a test that fails on the old code.
    func testNeitherStepKnownRightIsNoConvergence() throws {
        let d = try differenceJacobian(of: ScaledLog(), at: [1e300], method: .complexStep).entries[0][0]
        XCTAssertTrue(d.errorEstimate >= Swift.abs(d.value - 1), "\(d)")
        XCTAssertTrue(d.warnings.contains(.noConvergence), "\(d)")
    }
}
