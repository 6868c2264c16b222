import AdjointCheck
import AdjointCore
import AdjointLinalg
import XCTest

/// The JVP forgets the −Ȧx term: right along b, wrong along A.
private enum LinearSolveWrongJVP: VectorPrimitive {
    static let name = "linear_solve_wrong_jvp"
    static func primal(_ t: [Double]) -> [Double] { LinearSolve.primal(t) }
    static func jvp(at t: [Double], direction v: [Double]) -> [Double]? {
        let (a, _) = LinearSolve.split(t)
        return try? JacobianAnalysis.solve(a, [v[4], v[5]])
    }
    static func vjp(at t: [Double], cotangent u: [Double]) -> [Double]? { LinearSolve.vjp(at: t, cotangent: u) }
}

/// A wrong rule of a user vector primitive is localised to it, naming the rule (JVP or VJP) of the
/// mode found wrong, with the true derivative of the output alone beside the rule's value.
final class VectorFaultLocalizationTests: XCTestCase {
    struct SolveLoss<P: VectorPrimitive>: ADFunction {
        func callAsFunction<T: ADScalar>(_ t: [T]) -> [T] {
            let x = P.apply(t)
            return [x[0] * x[0] + 3 * x[1], x[0] - x[1]]
        }
    }

    /// θ = (a₁₁, a₁₂, a₂₁, a₂₂, b₁, b₂) with A = [[2, ½], [−¼, 3]], b = (1, −2), by hand:
    /// det A = 6.125, A⁻¹ = [[3, −½], [¼, 2]]/det, x = A⁻¹b = (4, −3.75)/det, and
    /// ∂xₒ/∂aₖₗ = −(A⁻¹)ₒₖ·xₗ, ∂xₒ/∂bₖ = (A⁻¹)ₒₖ.
    let theta = [2.0, 0.5, -0.25, 3.0, 1.0, -2.0]
    func handDerivative(output o: Int, input q: Int) -> Double {
        let det = 6.125
        let inverse = [[3 / det, -0.5 / det], [0.25 / det, 2 / det]]
        let x = [4 / det, -3.75 / det]
        if q < 4 { return -inverse[o][q / 2] * x[q % 2] }
        return inverse[o][q - 4]
    }

    /// The call's outputs follow the six inputs on the tape: entries 6 and 7.
    let firstOutputNode = 6

    func assertLocalised(_ report: CheckReport, rule: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertFalse(report.passed, report.renderTable(), file: file, line: line)
        guard let fault = report.fault else { return XCTFail("no fault localised:\n\(report.renderTable())", file: file, line: line) }
        XCTAssertEqual(fault.op, rule, file: file, line: line)
        let o = fault.node - firstOutputNode
        XCTAssertTrue((0...1).contains(o), "node \(fault.node) is not one of the call's outputs", file: file, line: line)
        XCTAssertEqual(fault.inputs, theta, file: file, line: line)
        guard (0...1).contains(o) else { return }
        let truth = handDerivative(output: o, input: fault.partial)
        XCTAssertEqual(fault.expected, truth, accuracy: 1e-9, "the difference of the primal alone", file: file, line: line)
        XCTAssertGreaterThan(Swift.abs(fault.got - truth), 1e-3, "the rule's value is the wrong one", file: file, line: line)
    }

    func testAWrongVJPIsLocalisedToTheVJP() throws {
        // The rule was found wrong in reverse mode only: the VJP is what the sweep used.
        let report = try checkJacobian(of: SolveLoss<LinearSolveWrongVJP>(), at: theta)
        assertLocalised(report, rule: "linear_solve_wrong_vjp VJP")
        XCTAssertTrue(report.renderTable().contains("first wrong rule: linear_solve_wrong_vjp VJP at node"), report.renderTable())
    }

    func testAWrongJVPIsLocalisedToTheJVP() throws {
        let report = try checkJacobian(of: SolveLoss<LinearSolveWrongJVP>(), at: theta)
        assertLocalised(report, rule: "linear_solve_wrong_jvp JVP")
    }

    /// f reads the call's second output only: its first output (node 6) is off every path.
    struct SecondOutputOnly<P: VectorPrimitive>: ADFunction {
        func callAsFunction<T: ADScalar>(_ t: [T]) -> [T] { [P.apply(t)[1]] }
    }

    func testAWrongRuleSeenOnlyThroughALaterOutputIsLocalised() throws {
        let reverse = try checkJacobian(of: SecondOutputOnly<LinearSolveWrongVJP>(), at: theta)
        assertLocalised(reverse, rule: "linear_solve_wrong_vjp VJP")
        XCTAssertEqual(reverse.fault?.node, firstOutputNode + 1)
        let forward = try checkJacobian(of: SecondOutputOnly<LinearSolveWrongJVP>(), at: theta)
        assertLocalised(forward, rule: "linear_solve_wrong_jvp JVP")
        XCTAssertEqual(forward.fault?.node, firstOutputNode + 1)
    }

    func testTheConcurrentCheckLocalisesAsTheSerialOne() async throws {
        for (f, serial) in [(SecondOutputOnly<LinearSolveWrongVJP>() as any ADFunction & Sendable,
                             try checkJacobian(of: SecondOutputOnly<LinearSolveWrongVJP>(), at: theta)),
                            (SolveLoss<LinearSolveWrongJVP>(), try checkJacobian(of: SolveLoss<LinearSolveWrongJVP>(), at: theta))] {
            let parallel = try await checkJacobian(of: f, at: theta, tasks: 2)
            XCTAssertNotNil(serial.fault)
            XCTAssertEqual(parallel.toJSON(), serial.toJSON())
        }
    }

    func testRightRulesLocaliseNothing() throws {
        let report = try checkJacobian(of: SolveLoss<LinearSolve>(), at: theta)
        XCTAssertTrue(report.passed, report.renderTable())
        XCTAssertNil(report.fault)
    }
}
