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
            XCTAssertEqual(try r.matrix[0, 0], 0)   // abs′(0) = 0, the registry's convention
            XCTAssertEqual(try r.matrix[0, 2], 1)
        }
        XCTAssertEqual(try sparseJacobian(of: OneKink(), at: [0.5, 2.0, 3.0]).diagnostics.kinkCount, 0)
    }

    /// f = x₀·|x₀| + x₀·x₁ + x₁·x₂ at x₀ = 0 touches abs's kink once. By hand ∂²(x|x|)/∂x² = 2·sign(x),
    /// 0 under the convention abs′(0) = 0, so H = [[0, 1, 0], [1, 0, 1], [0, 1, 0]]; the path
    /// 0 – 1 – 2 takes two colours. The sparse Hessian reported the kink once for its recording and
    /// again for every product (3 for 1, where the dense `hessian` reports 1), and its result had no
    /// diagnostics to read instead.
    func testASparseHessianReportsAKinkOnceAsTheDenseOneDoes() throws {
        struct KinkedPath: ADFunction {
            func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] * T.abs(x[0]) + x[0] * x[1] + x[1] * x[2]] }
        }
        let x = [0.0, 0.5, 2.0]
        let (dense, denseDiagnostics) = try Diagnostics.collect { try hessian(of: KinkedPath(), at: x) }
        let (sparse, sparseDiagnostics) = try Diagnostics.collect { try sparseHessian(of: KinkedPath(), at: x) }
        XCTAssertEqual(sparse.coloring.count, 2)
        XCTAssertEqual(sparse.matrix.dense(), [[0, 1, 0], [1, 0, 1], [0, 1, 0]])
        XCTAssertEqual(dense, [[0, 1, 0], [1, 0, 1], [0, 1, 0]])
        XCTAssertEqual(denseDiagnostics.kinkCount, 1)
        XCTAssertEqual(sparseDiagnostics.kinkCount, 1)
        XCTAssertEqual(sparse.diagnostics.kinkCount, 1)
        XCTAssertEqual(sparse.diagnostics.kinks.map(\.op), [.abs])
        XCTAssertEqual(try sparseHessian(of: KinkedPath(), at: [0.25, 0.5, 2.0]).diagnostics.kinkCount, 0)
    }
}
