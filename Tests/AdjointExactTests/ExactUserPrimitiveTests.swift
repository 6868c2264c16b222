import Foundation
import XCTest
import AdjointCore
import AdjointExact

/// Parallel resistors x·y/(x + y), declared closed over ℚ: ∂/∂x = y²/(x + y)², ∂/∂y = x²/(x + y)².
private enum Parallel: ScalarPrimitive {
    static let name = "parallel"
    static let arity = 2
    static let isRationalClosed = true
    static func domainViolation(_ x: Double, _ y: Double) -> String? { x + y != 0 ? nil : "parallel with x + y = 0" }
    static func primal<T: ADScalar>(_ x: T, _ y: T) -> T { x * y / (x + y) }
    static func partials<T: ADScalar>(_ x: T, _ y: T, output z: T) -> (T, T) {
        let s = x + y
        return (y * y / (s * s), x * x / (s * s))
    }
}

/// Soft thresholding sign(x)·max(|x| − λ, 0), declared closed over ℚ (piecewise linear).
private enum SoftThreshold: ScalarPrimitive {
    static let name = "soft_threshold"
    static let arity = 2
    static let isRationalClosed = true
    static func kinkDistance(_ x: Double, _ l: Double) -> Double? { Swift.abs(Swift.abs(x) - l) }
    static func primal<T: ADScalar>(_ x: T, _ l: T) -> T { x > l ? x - l : (x < -l ? x + l : 0) }
    static func partials<T: ADScalar>(_ x: T, _ l: T, output z: T) -> (T, T) {
        x > l ? (1, -1) : (x < -l ? (1, 1) : (0, 0))
    }
}

/// The real root z of z³ + z = p, solved on Doubles and refined by one Newton step in T, with
/// ∂z/∂p = 1/(3z² + 1) by implicit differentiation: only + − × ÷ after the Double read, yet the
/// root is irrational at p = 1, so nothing exact mode computes from it is exact. Not declared
/// rational-closed (the default).
private enum CubicRoot: UnaryPrimitive {
    static let name = "cubic_root"
    static func solve(_ p: Double) -> Double {
        var z = p / 2
        for _ in 0..<60 { z -= (z * z * z + z - p) / (3 * z * z + 1) }
        return z
    }
    static func primal<T: ADScalar>(_ p: T) -> T {
        let z = T(solve(p.approximateDouble))
        return z - (z * z * z + z - p) / (3 * z * z + 1)
    }
    static func derivative<T: ADScalar>(_ p: T, output z: T) -> T { 1 / (3 * z * z + 1) }
}

private struct Resistors: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
        [Parallel.apply(x[0], x[1]) * SoftThreshold.apply(x[2], T(0.25))]
    }
}

private struct UsesCubicRoot: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [CubicRoot.apply(x[0]) * x[1]] }
}

final class ExactUserPrimitiveTests: XCTestCase {
    /// At (1, 3, 1/2) by hand: P = 3/4, ∂P = (9/16, 1/16); S(1/2, 1/4) = 1/4, ∂S/∂x = 1. So
    /// f = 3/16 and ∇f = (9/16·1/4, 1/16·1/4, 3/4) = (9/64, 1/64, 3/4).
    func testADeclaredRationalPrimitiveIsExactInBothModes() throws {
        for mode in [JacobianMode.forward, .reverse] {
            let r = try exactJacobian(of: Resistors(), at: ["1", "3", "1/2"], mode: mode)
            XCTAssertEqual(r.value, ["3/16"], "\(mode)")
            XCTAssertEqual(r.jacobian, [["9/64", "1/64", "3/4"]], "\(mode)")
        }
        XCTAssertTrue(exactAvailability(of: Resistors(), at: [1, 3, 0.5]).isAvailable)
    }

    /// Exact mode refuses, naming the primitive, rather than report a rounded root as exact.
    func testAnUndeclaredPrimitiveIsRefusedByNameInEveryExactPath() throws {
        func assertRefused(_ body: () throws -> Any, _ label: String) {
            XCTAssertThrowsError(try body(), label) { e in
                guard case let ADError.unsupported(op, type, _) = e else { return XCTFail("\(label): \(e)") }
                XCTAssertTrue(op.hasPrefix("cubic_root"), "\(label): \(op)")
                XCTAssertTrue(op.contains("isRationalClosed"), "\(label): \(op)")
                XCTAssertEqual(type, "Rational", label)
            }
        }
        for mode in [JacobianMode.forward, .reverse] {
            assertRefused({ try exactJacobian(of: UsesCubicRoot(), at: ["1", "2"], mode: mode) }, "\(mode)")
        }
        assertRefused({ try value(of: UsesCubicRoot(), at: [Rational(1), Rational(2)]) }, "value")
        XCTAssertEqual(exactAvailability(of: UsesCubicRoot(), at: [1, 2]).offendingName, "cubic_root")
        // The same primitive in floating point is fine: ∂/∂p at p = 1 is 1/(3z² + 1) with z the root.
        let z = CubicRoot.solve(1)
        XCTAssertEqual(z * z * z + z, 1, accuracy: 1e-15)
        let g = try gradient(of: { UsesCubicRoot()($0)[0] }, at: [1.0, 2.0])
        XCTAssertEqual(g[0], 2 / (3 * z * z + 1), accuracy: 1e-15)
    }
}
