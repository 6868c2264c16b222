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


    /// Each task sweeps all its rows with one scratch buffer, which every sweep must leave zeroed:
    /// recordings that grow, shrink and grow again give the same Jacobians as the serial driver,
    /// and every entry agrees with forward mode.
    func testRepeatedReverseJacobiansOfChangingSizeStayBitIdentical() async throws {
        for (n, m) in [(30, 12), (5, 3), (60, 20), (8, 8), (60, 20)] {
            let x = (0..<n).map { 0.2 + 0.03 * Double($0) }
            let serial = try jacobian(of: Mix(m: m), at: x, mode: .reverse)
            let parallel = try await jacobian(of: Mix(m: m), at: x, mode: .reverse, tasks: 3)
            XCTAssertEqual(parallel.jacobian, serial.jacobian, "n = \(n), m = \(m)")
            let forward = try jacobian(of: Mix(m: m), at: x, mode: .forward)
            for i in 0..<m {
                for j in 0..<n {
                    XCTAssertEqual(parallel.jacobian[i][j], forward.jacobian[i][j],
                                   accuracy: 1e-13 * (1 + abs(forward.jacobian[i][j])), "(\(i), \(j))")
                }
            }
        }
    }

    /// A row's sweep starts at its output: what was recorded after it cannot reach the inputs, so
    /// an infinite partial there (√ at 0 in a later output) no longer turns 0·∞ into NaN.
    func testARowIgnoresWhatWasRecordedAfterItsOutput() throws {
        let rec = try record({ x in [x[0] * x[1], Reverse.sqrt(x[0] - x[0])] }, at: [2.0, 3.0])
        XCTAssertEqual(try rec.pullback([1, 0]), [3, 2])
        // The second output's own row still reports the infinite derivative.
        XCTAssertThrowsError(try rec.pullback([0, 1]))
    }
}
