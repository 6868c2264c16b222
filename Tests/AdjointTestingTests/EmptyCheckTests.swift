import Foundation
import PropertyBased
import XCTest
import AdjointCore
@testable import AdjointTesting

/// A property that checked nothing must not pass: a negative size is an error, and a point whose
/// check compared no entry is a failure, not agreement (audit T1: a wrong gradient over
/// `.vector(-3, …)` "passed at 100 points").
final class EmptyCheckTests: XCTestCase {
    /// The gradient of x₀ + … is all ones; 5 is wrong everywhere.
    let sum: @Sendable ([Double]) -> Double = { x in x.reduce(0, +) }
    let wrongGradient: @Sendable ([Double]) -> [Double] = { x in x.map { _ in 5.0 } }

    func testTheAuditReproFailsNamingTheNegativeSize() {
        let r = checkProperty(.blackBoxGradient(of: sum, claimed: wrongGradient, inputs: .vector(-3, .uniform(-1...1))))
        XCTAssertFalse(r.passed, r.message)
        XCTAssertEqual(r.trialsRun, 0)
        XCTAssertTrue(r.message.contains("vector(-3, …): the size must be ≥ 0, got -3"), r.message)
        // The same wrong claim over a real space fails as rule-wrong: the space, not the check, was the defect.
        let real = checkProperty(.blackBoxGradient(of: sum, claimed: wrongGradient, inputs: .vector(3, .uniform(-1...1))))
        XCTAssertEqual(real.failure?.verdict, .ruleWrong, real.message)
    }

    func testEveryConstructorRejectsANegativeOrOverflowingSize() {
        let spaces: [(InputSpace, String)] = [
            (.matrix(rows: -1, cols: 2, .uniform(-1...1)), "matrix(rows: -1, cols: 2, …): sizes must be ≥ 0"),
            (.matrix(rows: Int.max, cols: 2, .uniform(-1...1)), "rows × cols overflows Int"),
            (.symmetricPositiveDefinite(-2), "symmetricPositiveDefinite(-2): the size must be ≥ 0"),
            (.symmetricPositiveDefinite(Int.max), "n × n overflows Int"),
            (.generator(Gen.double(in: 0...1).array(of: 2), count: -1), "generator(_, count: -1)"),
            (.concatenated([.vector(2, .uniform(-1...1)), .vector(-4, .uniform(-1...1))]), "vector(-4, …)"),
        ]
        for (space, expected) in spaces {
            let r = checkProperty(.blackBoxGradient(of: sum, claimed: wrongGradient, inputs: space))
            XCTAssertFalse(r.passed, expected)
            XCTAssertTrue(r.message.contains("invalid input space: ") && r.message.contains(expected), r.message)
        }
        // A VJP's cotangent space is built from `outputs`: a negative count is caught the same way.
        let vjp = DerivativeProperty.blackBoxVJP(of: { (x: [Double]) in x }, outputs: -1, claimed: { _, u in u },
                                                 inputs: .vector(2, .uniform(-1...1)))
        XCTAssertTrue(checkProperty(vjp).message.contains("vector(-1, …)"), checkProperty(vjp).message)
    }

    func testAPropertyWithNoInputsChecksNothingAndFails() async {
        let p = DerivativeProperty.blackBoxGradient(of: sum, claimed: wrongGradient, inputs: .vector(0, .uniform(-1...1)))
        let r = checkProperty(p)
        XCTAssertFalse(r.passed, r.message)
        XCTAssertEqual(r.failure?.verdict, .nothingChecked)
        XCTAssertEqual(r.trialsRun, 0)
        XCTAssertTrue(r.message.contains("nothing checked: the input space (0 × uniform -1.0…1.0) has no inputs, so f was not evaluated"), r.message)
        let c = await checkPropertyConcurrently(p)
        XCTAssertEqual(c.failure?.verdict, .nothingChecked, c.message)
        // A function with no outputs compares nothing either.
        let noOutputs = checkProperty(.blackBoxJacobian(of: { (x: [Double]) in [Double]() }, claimed: { _ in [] },
                                                        inputs: .vector(2, .uniform(-1...1))))
        XCTAssertTrue(noOutputs.message.contains("nothing was checked: f has no outputs here"), noOutputs.message)
        // The replay of an empty point is no way around it.
        XCTAssertFalse(checkProperty(.blackBoxGradient(of: sum, claimed: wrongGradient, inputs: .point([]))).passed)
    }

    /// A user's f that reads x[0] traps on an empty input: the harness must not call it (trialJ:
    /// `.vector(0, …)` over Rosenbrock killed the test process with "Range requires lowerBound <=
    /// upperBound" instead of failing the property).
    func testAnEmptySpaceNeverEvaluatesF() async {
        let counter = EvaluationCounter()
        let f: @Sendable ([Double]) -> Double = { x in counter.tick(); return x[0] * x[0] }
        let claimed: @Sendable ([Double]) -> [Double] = { x in counter.tick(); return [2 * x[0]] }
        for space in [InputSpace.vector(0, .uniform(-1...1)), .point([]), .matrix(rows: 0, cols: 3, .uniform(-1...1)),
                      .concatenated([])] {
            let r = checkProperty(.blackBoxGradient(of: f, claimed: claimed, inputs: space))
            XCTAssertEqual(r.failure?.verdict, .nothingChecked, r.message)
            XCTAssertTrue(r.message.contains("has no inputs, so f was not evaluated"), r.message)
            let c = await checkPropertyConcurrently(.blackBoxGradient(of: f, claimed: claimed, inputs: space))
            XCTAssertEqual(c.failure?.verdict, .nothingChecked, c.message)
        }
        // The JVP's space is x followed by v: empty too when x is.
        let jvp = checkProperty(.blackBoxJVP(of: { (x: [Double]) in [x[0]] }, claimed: { _, v in [v[0]] }, inputs: .vector(0, .uniform(-1...1))))
        XCTAssertEqual(jvp.failure?.verdict, .nothingChecked, jvp.message)
        XCTAssertEqual(counter.count, 0)
    }

    func testAPointCheckWithNoPartsFails() {
        let p = DerivativeProperty(assertion: "assertCustom", claim: "a claim", space: .vector(2, .uniform(-1...1))) { x, _ in
            PointOutcome(input: x, parts: [])
        }
        let r = checkProperty(p)
        XCTAssertFalse(r.passed)
        XCTAssertTrue(r.message.contains("the point check returned no parts"), r.message)
        XCTAssertTrue(TestVerdict.nothingChecked.isFailure)
        XCTAssertFalse(TestVerdict.inconclusive.isFailure)
    }
}

/// Counts calls from any thread.
final class EvaluationCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    func tick() { lock.lock(); n += 1; lock.unlock() }
    var count: Int { lock.lock(); defer { lock.unlock() }; return n }
}
