import AdjointCore
import XCTest
@testable import AdjointCheck

/// Richardson's scan remembered a settled start that a smaller verification step contradicted only
/// when the start was asymptotic, and a flat run of smaller steps with another value was then
/// returned with no warning. A flat start is as much a settled value. f = (x + y)² − x² − 2xy − y²
/// and its hand gradient 2(x + y) − 2x − 2y are 0 for every x, y (by hand: (x + y)² = x² + 2xy + y²),
/// so every first and second derivative of f is exactly 0. At (35000, −0.125), where the property
/// harness shrank a Hessian check, x + y rounds to multiples of ulp(35000) = 2⁻³⁷: differences of
/// the gradient along y at power-of-two steps of 2⁻³⁷ or more are exact 0s (flat on 0), below it the
/// samples are −2h exactly, and Richardson read "−2.0 ± 1.8·10⁻¹⁵", 10¹⁵ of its estimates from 0.
final class RichardsonFlatContradictionTests: XCTestCase {
    static let expanded = BlackBoxRoundingIsNoJumpTests.expanded
    static let handGradient = BlackBoxRoundingIsNoJumpTests.handGradient

    /// The estimate covers the true 0, or says it cannot be trusted (no-convergence, which makes
    /// the check's rung unreliable).
    func assertHoldsOrWarns(_ e: DifferenceEstimate, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertTrue(Swift.abs(e.value) <= e.errorEstimate || e.warnings.contains(.noConvergence),
                      "\(what): \(e.value) ± \(e.errorEstimate) \(e.warnings) for a true 0", file: file, line: line)
    }

    func testAFlatRunBelowAnIntermediatesQuantumDoesNotOverruleTheFlatZeroAboveIt() throws {
        // Before: ∂g/∂y read −2.0 ± 1.8e-15 at (35000, −0.125) and at the points beside it with
        // y on 2⁻⁷, and ∂f/∂x read 0.25 ± 2.2e-16 there, -0.140625 ± 1.2e-16 at (602422, 0.0703125)
        // and 4.25 ± 3.8e-15 at (−404116, −2.125), all without a warning.
        for x in [[35000, -0.125], [35000.37, -0.1171875], [35005.92, 0], [602422, 0.0703125], [-404116, -2.125]] {
            let g = try differenceJacobian(evaluating: Self.handGradient, at: x, method: .richardson)
            for (i, row) in g.entries.enumerated() {
                for (j, e) in row.enumerated() { assertHoldsOrWarns(e, "∂g\(i)/∂x\(j) at \(x)") }
            }
            let f = try differenceJacobian(evaluating: Self.expanded, at: x, method: .richardson)
            for (j, e) in f.entries[0].enumerated() { assertHoldsOrWarns(e, "∂f/∂x\(j) at \(x)") }
        }
    }

    /// Through the check: the Hessian of f, 0, claimed against differences of the hand gradient.
    /// No rung may state a value its error excludes 0 from and not be unreliable; Richardson's
    /// rung disagreed with −2.0 ± 1.8e-15.
    func testTheCheckShowsNoConfidentWrongRung() throws {
        let x = [35000.0, -0.125]
        let r = try checkBlackBoxJacobian(of: Self.handGradient, at: x, claimed: { _ in [[0, 0], [0, 0]] })
        assertNoConfidentRungExcludesZero(r)
    }

    /// A smooth f still gets its sharp estimate with no warning: sin(x)·y at (1, 2), ∂/∂x = 2 cos 1
    /// = 1.0806046117362795 (mpmath, 17 digits), ∂/∂y = sin 1 = 0.8414709848078965.
    func testASmoothFunctionKeepsItsSharpEstimate() throws {
        let d = try differenceJacobian(evaluating: { x in [sin(x[0]) * x[1]] }, at: [1.0, 2.0], method: .richardson)
        for (e, truth) in zip(d.entries[0], [1.0806046117362795, 0.8414709848078965]) {
            XCTAssertTrue(e.warnings.isEmpty, "\(e)")
            XCTAssertLessThanOrEqual(Swift.abs(e.value - truth), e.errorEstimate, "\(e)")
            XCTAssertLessThan(e.errorEstimate, 1e-10, "\(e)")
        }
    }
}
