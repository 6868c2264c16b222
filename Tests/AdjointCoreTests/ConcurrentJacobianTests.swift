import XCTest
import Foundation
import AdjointCore

/// Jacobians on several child tasks are bit-identical to the serial drivers, in both modes.
final class ConcurrentJacobianTests: XCTestCase {
    /// ℝⁿ → ℝᵐ with every output depending on every input.
    struct Mix: ADFunction {
        let m: Int
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
            (0..<m).map { i in
                var s: T = 0
                for (j, xj) in x.enumerated() { s = s + sin(xj * T(Double(i + j + 1) * 0.1)) * xj }
                return s + exp(x[i % x.count] * 0.01)
            }
        }
    }

    func testForwardAndReverseAreBitIdenticalToSerial() async throws {
        let x = (0..<37).map { 0.3 + 0.05 * Double($0) }
        for (m, mode) in [(41, JacobianMode.forward), (5, .reverse), (9, .automatic)] {
            let serial = try jacobian(of: Mix(m: m), at: x, mode: mode)
            let parallel = try await jacobian(of: Mix(m: m), at: x, mode: mode, tasks: 4)
            XCTAssertEqual(parallel.mode, serial.mode)
            XCTAssertEqual(parallel.passes, serial.passes)
            XCTAssertEqual(parallel.value, serial.value)
            XCTAssertEqual(parallel.jacobian, serial.jacobian, "\(mode): entries must be bit-identical")
        }
    }

}
