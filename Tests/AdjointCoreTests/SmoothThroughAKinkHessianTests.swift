import AdjointCore
import XCTest

/// The numerically stable log-sigmoid as researchers write it: min(x, 0) − log1p(e^{−|x|}).
/// Smooth everywhere (by hand: logσ′ = σ(−x), logσ″ = −σ(x)σ(−x), −¼ at 0), but written with two
/// kinks at 0.
private struct StableLogSigmoid: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [min(x[0], 0) - log1p(exp(-abs(x[0])))] }
}
/// The same function through the kink-free softplus: logσ(x) = −softplus(−x).
private struct SoftplusLogSigmoid: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [-softplus(-x[0])] }
}

/// Found by a user trial (README "Conventions worth knowing"): at x = 0 exactly, where logistic
/// regression's Newton iteration usually starts (w = 0), the stable form's gradient is right (½,
/// from min's ½ at the tie) but its Hessian is 0: abs′(0) = 0 drops abs′² = 1 from the chain rule.
/// Nothing in the returned matrix says so; the kinks are in the diagnostics, and the softplus
/// form has none.
final class SmoothThroughAKinkHessianTests: XCTestCase {
    func testTheKinksBehindAConventionalHessianAreReported() throws {
        let (h, diagnostics) = try Diagnostics.collect { try hessian(of: StableLogSigmoid(), at: [0.0]) }
        XCTAssertNotEqual(h[0][0], -0.25)   // the convention's value, not the function's
        XCTAssertEqual(Set(diagnostics.kinks.map(\.name)), ["min", "abs"], "\(diagnostics.kinks)")
        XCTAssertEqual(try gradient(of: { StableLogSigmoid()($0)[0] }, at: [0.0]), [0.5])
        // Off the kink the stable form is right (−σ(x)σ(−x) → −¼), and softplus is right at it.
        XCTAssertEqual(try hessian(of: StableLogSigmoid(), at: [1e-300])[0][0], -0.25)
        let (soft, softDiagnostics) = try Diagnostics.collect { try hessian(of: SoftplusLogSigmoid(), at: [0.0]) }
        XCTAssertEqual(soft[0][0], -0.25, accuracy: 1e-16)
        XCTAssertTrue(softDiagnostics.kinks.isEmpty, "\(softDiagnostics.kinks)")
        XCTAssertEqual(try gradient(of: { SoftplusLogSigmoid()($0)[0] }, at: [0.0])[0], 0.5, accuracy: 1e-16)
    }
}
