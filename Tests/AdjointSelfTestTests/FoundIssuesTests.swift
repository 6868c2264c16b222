import XCTest
import AdjointCore
import AdjointCheck
import AdjointFormula

/// Library disagreements the fuzzer found, each as the smallest failing case. They fail until
/// fixed where the fault lies (outside the registry's rule declarations).
final class FoundIssuesTests: XCTestCase {
    /// The complex step of atan returns 0: swift-numerics' complex atan (through logarithms of
    /// 1 ± iz) loses an imaginary part of size h ≈ 1e-20 entirely. The rule atan′ = 1/(1 + x²)
    /// is right (forward, reverse and central differences agree); the witness is wrong, and the
    /// checker's complex-step rung would call a correct atan rule wrong whenever it is reached.
    /// Found by `jac selftest --seed 7` (graph seed 11307387092600937729, among 361 others).
    func testComplexStepOfAtanIsItsDerivative() throws {
        let f = try Formula(parsing: "atan(x)")
        let d = try differenceJacobian(of: f, at: [0.5], method: .complexStep)
        XCTAssertEqual(d.jacobian[0][0], 1 / (1 + 0.25), accuracy: 1e-15)   // 0.8, by hand
    }
}
