import XCTest
import AdjointCore
@testable import AdjointCheck

/// The check's parts and the difference columns on several tasks (issue 15, "all cores"): the
/// report is the serial report, to the text of its JSON, whatever the verdicts.
final class ConcurrentCheckTests: XCTestCase {
    /// ℝ⁶ → ℝ⁴, every output reading every input: enough columns to spread.
    struct Wide: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
            (0..<4).map { i in
                var s: T = 0
                for (j, xj) in x.enumerated() { s = s + T.sin(xj * T(Double(i + j + 1) * 0.3)) * xj }
                return s + T.exp(x[i] * 0.1)
            }
        }
    }

    func assertSameReport(_ serial: CheckReport, _ parallel: CheckReport, _ what: String,
                          file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(parallel.toJSON(), serial.toJSON(), what, file: file, line: line)
        XCTAssertEqual(parallel.renderTable(), serial.renderTable(), what, file: file, line: line)
        XCTAssertEqual(parallel.entries, serial.entries, what, file: file, line: line)
    }

    func testReportsAreTheSerialReports() async throws {
        let cases: [(String, any ADFunction & Sendable, [Double])] = [
            ("agree", Wide(), [0.3, -0.7, 1.1, 0.2, 0.9, -1.4]),
            ("kink", Abs(), [0.0, 2.0]),
            ("relu kink", Relu(), [0.0, 1.0]),
            ("non-finite", SqrtOnly(), [0.0]),
            ("domain error", LogOnly(), [-1.0]),
            ("two outputs", Polar(), [2.0, 0.5]),
            ("no inputs", NoInputs(), []),
        ]
        for (name, f, x) in cases {
            func both<F: ADFunction & Sendable>(_ f: F) async throws -> (CheckReport, CheckReport) {
                (try checkJacobian(of: f, at: x), try await checkJacobian(of: f, at: x, tasks: 3))
            }
            let (serial, parallel) = try await both(f)
            assertSameReport(serial, parallel, name)
        }
    }

    func testEntriesFarBelowTheirRowAreJudgedAsInTheSerialCheck() async throws {
        // f = x₀x₁² + x₂x₁² at (10⁸, 10⁻⁸, 3·10⁸), by hand: ∂f/∂x₀ = ∂f/∂x₂ = x₁² = 10⁻¹⁶ and
        // ∂f/∂x₁ = 2x₁(x₀ + x₂) = 8. The two tiny entries are judged on their own path magnitudes
        // (a claim 50% off there is convicted only on that scale), which the concurrent check
        // sweeps for on child tasks.
        struct Scaled: ADFunction {
            func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] * x[1] * x[1] + x[2] * x[1] * x[1]] }
        }
        let x = [1e8, 1e-8, 3e8]
        var checker = Checker(f: SpecialisedFunction<Double>(Scaled()), x: x, options: CheckOptions())
        guard case .ready(let prepared) = checker.prepare(), let reverse = prepared.reverseRows else {
            return XCTFail("f records at x")
        }
        XCTAssertEqual(checker.inputsNeedingPathMagnitudes(subjects: [reverse]), [0, 2])
        let claimed: ([Double]) -> [[Double]] = { x in [[1.5 * x[1] * x[1], 2 * x[1] * (x[0] + x[2]), x[1] * x[1]]] }
        let serial = try checkJacobian(of: Scaled(), at: x, claimed: claimed, claimedName: "hand")
        let parallel = try await checkJacobian(of: Scaled(), at: x, claimed: claimed, claimedName: "hand", tasks: 2)
        XCTAssertEqual(serial.entries[0][0].verdict, .ruleWrong(subjects: ["hand"]), serial.renderTable())
        XCTAssertEqual(serial.entries[0][2].verdict, .agree, serial.renderTable())
        assertSameReport(serial, parallel, "badly scaled")
    }

    func testAWrongClaimEscalatesAsInTheSerialCheck() async throws {
        // A claimed gradient with a wrong sign on ∂/∂x₁: rule-wrong only after the ladder
        // escalated, so later rungs are computed on demand after the first came from a task.
        let x = [0.4, 1.3]
        let claimed: ([Double]) -> [[Double]] = { x in
            [[Foundation.cos(x[0]) * x[1] + 3 * x[0] * x[0], -Foundation.sin(x[0])], [-Foundation.exp(x[1]) / (x[0] * x[0]), Foundation.exp(x[1]) / x[0]]]
        }
        let serial = try checkJacobian(of: SinPoly(), at: x, claimed: claimed, claimedName: "hand")
        let parallel = try await checkJacobian(of: SinPoly(), at: x, claimed: claimed, claimedName: "hand", tasks: 2)
        XCTAssertFalse(serial.passed, "the claim is wrong, so the test can see a difference")
        XCTAssertGreaterThan(serial.rungsUsed.count, 1, "the wrong entry escalated")
        assertSameReport(serial, parallel, "wrong claim")
        XCTAssertEqual(parallel.rungsUsed.map(\.0), serial.rungsUsed.map(\.0))
        // The later rungs came from child tasks: a judging that defers rungs gives up at the
        // first one not computed ahead (here the second, after the first was supplied).
        var checker = Checker(f: SpecialisedFunction<Double>(SinPoly()), x: x, options: CheckOptions())
        guard case .ready(let prepared) = checker.prepare() else { return XCTFail("f records at x") }
        checker.defersRungs = true
        checker.precomputedRungs[0] = try .available(differenceJacobian(of: SinPoly(), at: x, method: .central).entries)
        _ = try checker.finish(prepared, forward: Checker<Double>.forwardRows(SpecialisedFunction<Double>(SinPoly()), at: x),
                               claimed: claimed, claimedName: "hand")
        XCTAssertEqual(checker.missingRung, 1)
    }

    func testALadderThatStartsWithTheComplexStepOrExactRungIsTheSerialOne() async throws {
        let x = [0.3, -0.7, 1.1, 0.2, 0.9, -1.4]
        for first in [WitnessRung.differences(.complexStep), .exactRationals, .differences(.richardson)] {
            var o = CheckOptions()
            o.ladder = [first, .differences(.central)]
            let serial = try checkJacobian(of: Wide(), at: x, options: o)
            let parallel = try await checkJacobian(of: Wide(), at: x, options: o, tasks: 2)
            assertSameReport(serial, parallel, first.name)
        }
    }

    func testARungNeverReachedIsNotListedAsUsed() async throws {
        // Every entry is non-finite, so the serial check reaches no witness; the concurrent one
        // computed the first witness ahead, and must still not list it.
        let serial = try checkJacobian(of: SqrtOnly(), at: [0.0])
        let parallel = try await checkJacobian(of: SqrtOnly(), at: [0.0], tasks: 2)
        XCTAssertTrue(serial.rungsUsed.isEmpty, "the premise: no witness was reached")
        XCTAssertEqual(parallel.rungsUsed.map(\.0), serial.rungsUsed.map(\.0))
    }

    func testDifferenceColumnsOnTasksAreTheSerialColumns() async throws {
        let x = [0.3, -0.7, 1.1, 0.2, 0.9, -1.4]
        for method in DifferenceMethod.allCases {
            let serial = try differenceJacobian(of: Wide(), at: x, method: method)
            let parallel = try await differenceJacobian(of: Wide(), at: x, method: method, tasks: 4)
            XCTAssertEqual(parallel.entries, serial.entries, method.rawValue)
            XCTAssertEqual(parallel.evaluations, serial.evaluations, method.rawValue)
            XCTAssertEqual(parallel.value, serial.value, method.rawValue)
        }
        // The closure form refuses the complex step as the serial one does.
        do {
            _ = try await differenceJacobian(evaluating: { $0 }, at: [1.0], method: .complexStep, tasks: 2)
            XCTFail("complex step needs an ADFunction")
        } catch ADError.invalidArgument {}
    }

    func testOptionsTypesAndFailuresAreTheSerialOnes() async throws {
        let x = [0.3, -0.7, 1.1, 0.2, 0.9, -1.4]
        var noForward = CheckOptions(); noForward.checkForward = false
        var noDirection = CheckOptions(); noDirection.directionSeed = nil
        for (name, o) in [("no forward", noForward), ("no direction", noDirection)] {
            assertSameReport(try checkJacobian(of: Wide(), at: x, options: o),
                             try await checkJacobian(of: Wide(), at: x, options: o, tasks: 2), name)
        }
        let xf = x.map { Float($0) }
        assertSameReport(try checkJacobian(of: Wide(), at: xf), try await checkJacobian(of: Wide(), at: xf, tasks: 2), "Float")
        // An invalid step is rejected by both (it used to make every stencil rung "evaluation
        // failed" and leave the rest of the ladder to decide); a claim that throws fails the
        // concurrent check as the serial one.
        var badStep = CheckOptions(); badStep.step = .absolute(-1)
        XCTAssertThrowsError(try checkJacobian(of: Wide(), at: x, options: badStep))
        do {
            _ = try await checkJacobian(of: Wide(), at: x, options: badStep, tasks: 2)
            XCTFail("an invalid step must throw")
        } catch ADError.invalidArgument {}
        struct Refused: Error {}
        do {
            _ = try await checkJacobian(of: Wide(), at: x, claimed: { _ in throw Refused() }, tasks: 2)
            XCTFail("a throwing claim must throw")
        } catch is Refused {}
    }

    /// The wrapper that specialises f keeps its declared number of inputs: a wrong x is refused
    /// before anything is evaluated, by both entry points.
    func testDeclaredInputCountIsCheckedThroughTheWrapper() async throws {
        struct Three: ADFunction {
            var inputCount: Int? { 3 }
            func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x.reduce(0, +)] }
        }
        XCTAssertThrowsError(try checkJacobian(of: Three(), at: [1.0, 2.0])) { e in
            XCTAssertEqual(e as? ADError, .dimensionMismatch(what: "number of inputs", expected: 3, got: 2))
        }
        do {
            _ = try await checkJacobian(of: Three(), at: [1.0, 2.0], tasks: 2)
            XCTFail("two inputs for three must throw")
        } catch let e as ADError {
            XCTAssertEqual(e, .dimensionMismatch(what: "number of inputs", expected: 3, got: 2))
        }
        XCTAssertThrowsError(try differenceJacobian(of: Three(), at: [1.0, 2.0]))
    }
}
