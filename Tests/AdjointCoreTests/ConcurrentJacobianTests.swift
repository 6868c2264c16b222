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
        // 37 inputs: five passes of 8, the last with 5 columns, over 4 tasks; 5 and 9 inputs:
        // fewer passes than tasks; 16: whole passes only.
        for n in [37, 5, 9, 16] {
            let x = (0..<n).map { 0.3 + 0.05 * Double($0) }
            for (m, mode) in [(41, JacobianMode.forward), (5, .reverse), (9, .automatic)] {
                let serial = try jacobian(of: Mix(m: m), at: x, mode: mode)
                let parallel = try await jacobian(of: Mix(m: m), at: x, mode: mode, tasks: 4)
                XCTAssertEqual(parallel.mode, serial.mode)
                XCTAssertEqual(parallel.passes, serial.passes)
                XCTAssertEqual(parallel.value, serial.value)
                XCTAssertEqual(parallel.diagnostics, serial.diagnostics)
                XCTAssertEqual(parallel.jacobian, serial.jacobian, "n = \(n), \(mode): entries must be bit-identical")
            }
        }
    }

    /// A cancelled caller gets `CancellationError`, not a Jacobian: the drivers ran every pass to
    /// the end whatever the task's state (a review). Cancelled before the call, so no pass starts
    /// and the outcome does not depend on timing.
    func testACancelledTaskStopsTheJacobianWithCancellationError() async throws {
        let x = (0..<37).map { 0.3 + 0.05 * Double($0) }
        for mode in [JacobianMode.forward, .reverse] {
            let task = Task { () async throws -> JacobianResult<Double> in
                withUnsafeCurrentTask { $0?.cancel() }
                return try await jacobian(of: Mix(m: 41), at: x, mode: mode, tasks: 3)
            }
            do {
                _ = try await task.value
                XCTFail("\(mode): a cancelled task returned a Jacobian")
            } catch is CancellationError {
            }
        }
        // Not cancelled: the same call still gives the serial Jacobian.
        let serial = try jacobian(of: Mix(m: 41), at: x, mode: .reverse)
        let done = try await Task { try await jacobian(of: Mix(m: 41), at: x, mode: .reverse, tasks: 3) }.value
        XCTAssertEqual(done.jacobian, serial.jacobian)
    }

    /// An escape is noted where a value with a nonzero tangent is read as a Double: reading every
    /// input escapes once per seeded input, 20 over the three passes (8 + 8 + 4). The concurrent
    /// forward driver sums them over its tasks as the serial one does over its passes.
    func testForwardEscapesAreCountedOverAllPasses() async throws {
        struct Escaping: ADFunction {
            func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
                let peek = x.reduce(0.0) { $0 + $1.approximateDouble }   // leaves the mode
                return x.map { $0 * T(peek) }
            }
        }
        let x = (0..<20).map { 1 + Double($0) }
        let serial = try jacobian(of: Escaping(), at: x, mode: .forward)
        let parallel = try await jacobian(of: Escaping(), at: x, mode: .forward, tasks: 2)
        XCTAssertEqual(serial.diagnostics.escapes, 20, "one escape per seeded input")
        XCTAssertEqual(parallel.diagnostics.escapes, serial.diagnostics.escapes)
        XCTAssertEqual(parallel.jacobian, serial.jacobian)
    }

    /// A forward pass that reports an error throws it from the concurrent driver too.
    func testForwardErrorsThrowFromTheConcurrentDriver() async throws {
        struct LogOfNegative: ADFunction {
            func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { x.map { T.log($0 - 5) } }
        }
        let x = (0..<12).map { Double($0) }
        var serialError: ADError? = nil
        XCTAssertThrowsError(try jacobian(of: LogOfNegative(), at: x, mode: .forward)) { serialError = $0 as? ADError }
        do {
            _ = try await jacobian(of: LogOfNegative(), at: x, mode: .forward, tasks: 2)
            XCTFail("log of a negative number must throw")
        } catch let e as ADError {
            XCTAssertTrue("\(e)".contains("log"), "\(e)")
            XCTAssertEqual("\(e)", serialError.map { "\($0)" }, "the first pass's first error, as the serial driver throws")
        }
    }

    /// Shapes and types at the edges: no outputs, two inputs (SIMD2 chunks), Float, more tasks
    /// than passes, and a NaN entry, whose error names the same entry as the serial driver's.
    func testForwardEdgeShapesAndTypesAreTheSerialOnes() async throws {
        struct NoOutputs: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [] } }
        let empty = try await jacobian(of: NoOutputs(), at: [1.0, 2.0, 3.0], mode: .forward, tasks: 4)
        XCTAssertEqual(empty.jacobian, try jacobian(of: NoOutputs(), at: [1.0, 2.0, 3.0], mode: .forward).jacobian)
        XCTAssertEqual(empty.jacobian.count, 0)
        for n in [2, 3, 37] {
            let xd = (0..<n).map { 0.4 + 0.1 * Double($0) }
            for tasks in [2, 8] {
                let p = try await jacobian(of: Mix(m: 7), at: xd, mode: .forward, tasks: tasks)
                XCTAssertEqual(p.jacobian, try jacobian(of: Mix(m: 7), at: xd, mode: .forward).jacobian, "n = \(n), tasks = \(tasks)")
                let xf = xd.map { Float($0) }
                let pf = try await jacobian(of: Mix(m: 7), at: xf, mode: .forward, tasks: tasks)
                XCTAssertEqual(pf.jacobian, try jacobian(of: Mix(m: 7), at: xf, mode: .forward).jacobian, "Float n = \(n)")
            }
        }
        // √ at 0 in output 2: ∂/∂x₅ is infinite. The pass seeding x₀…x₇ meets that infinite
        // partial with the zero tangents of the other lanes, which add 0 (not 0·∞ = NaN), so the
        // error names the infinite entry itself, 2·9 + 5 = 23, in both drivers.
        struct SqrtAtZero: ADFunction {
            func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0], x[1] * x[2], T.sqrt(x[5])] }
        }
        let x = [1.0, 2.0, 3.0, 4.0, 5.0, 0.0, 7.0, 8.0, 9.0]
        var serialMessage = ""
        XCTAssertThrowsError(try jacobian(of: SqrtAtZero(), at: x, mode: .forward)) { serialMessage = "\($0)" }
        XCTAssertTrue(serialMessage.contains("entry 23"), serialMessage)
        do {
            _ = try await jacobian(of: SqrtAtZero(), at: x, mode: .forward, tasks: 2)
            XCTFail("an infinite entry must throw")
        } catch {
            XCTAssertEqual("\(error)", serialMessage)
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
