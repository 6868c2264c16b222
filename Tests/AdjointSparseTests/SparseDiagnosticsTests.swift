import XCTest
import AdjointCore
@testable import AdjointSparse

/// y₀ = √x₀·x₁, y₁ = x₁: at x₀ = 0, ∂y₀/∂x₀ = x₁/(2√x₀) = +∞ and every other entry is finite.
private struct SingularEntry: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.sqrt(x[0]) * x[1], x[1]] }
}

/// y₀ = |x₀|·x₁ + x₂: abs is touched once, at its kink when x₀ = 0.
private struct OneKink: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.abs(x[0]) * x[1] + x[2]] + x.dropFirst().map { $0 * $0 } }
}

final class SparseDiagnosticsTests: XCTestCase {
    /// The forward path named an index into the compressed product ("compressed Jacobian entry 1"),
    /// which the caller never sees.
    func testANonFiniteEntryIsNamedByItsRowAndColumnInEitherMode() throws {
        for mode in SparseJacobianMode.allCases {
            XCTAssertThrowsError(try sparseJacobian(of: SingularEntry(), at: [0.0, 1.0], mode: mode)) { error in
                guard case let ADError.nonFinite(what, _, _) = error else { return XCTFail("\(mode): \(error)") }
                if mode == .forward { XCTAssertEqual(what, "Jacobian entry (0, 0)") }
            }
        }
    }

    /// The recording's report, once per kink: collecting around the call counted the kink again
    /// for each forward pass (jac printed its note twice).
    func testAKinkIsReportedOnceWhateverThePasses() throws {
        for mode in SparseJacobianMode.allCases {
            let r = try sparseJacobian(of: OneKink(), at: [0.0, 2.0, 3.0], mode: mode)
            XCTAssertEqual(r.diagnostics.kinkCount, 1, "\(mode)")
            XCTAssertEqual(r.diagnostics.kinks.map(\.op), [.abs], "\(mode)")
            XCTAssertEqual(r.matrix[0, 0], 0)   // abs′(0) = 0, the registry's convention
            XCTAssertEqual(r.matrix[0, 2], 1)
        }
        XCTAssertEqual(try sparseJacobian(of: OneKink(), at: [0.5, 2.0, 3.0]).diagnostics.kinkCount, 0)
    }
}
