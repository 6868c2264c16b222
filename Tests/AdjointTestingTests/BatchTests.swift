import AdjointCheck
import AdjointCore
import PropertyBased
import XCTest
@testable import AdjointTesting

/// Batched checks: every trial, spread over workers, the same answer whatever the scheduling.
final class BatchTests: XCTestCase {
    func testConcurrentRunMatchesSequentialAndRendersJSON() async throws {
        var o = AdjointTestOptions()
        o.trials = 200
        o.concurrency = 4
        let p = DerivativeProperty.blackBoxGradient(of: { simulation($0) }, claimed: simulationGradient, inputs: .vector(3, .uniform(-2...2)))
        let batch = await checkPropertyConcurrently(p, options: o)
        let sequential = checkProperty(p, options: o)
        XCTAssertTrue(batch.passed, batch.message)
        XCTAssertEqual(batch.trialsRun, 200)
        XCTAssertEqual(batch.counts, sequential.counts)
        XCTAssertEqual(batch.worstAgreeing?.trial, sequential.worstAgreeing?.trial)
        let json = batch.jsonValue.rendered(indent: 2)
        XCTAssertTrue(json.contains("\"trialsRun\": 200"), json)
        XCTAssertTrue(json.contains("\"seed\": \"\(hex(o.seed))\""), json)
        XCTAssertTrue(json.contains("\"failure\": null"), json)
    }

    func testConcurrentRunReportsTheFirstFailingTrial() async throws {
        var o = AdjointTestOptions()
        o.trials = 60
        o.concurrency = 3
        // Wrong only for x₀ > 1.5: the first failing trial is a property of the seed, not of the workers.
        let claimed: @Sendable ([Double]) -> [Double] = { x in
            var g = simulationGradient(x)
            if x[0] > 1.5 { g[1] += 1 }
            return g
        }
        let p = DerivativeProperty.blackBoxGradient(of: { simulation($0) }, claimed: claimed, inputs: .vector(3, .uniform(-2...2)))
        let batch = await checkPropertyConcurrently(p, options: o)
        let sequential = checkProperty(p, options: o)
        let f = try XCTUnwrap(batch.failure)
        XCTAssertEqual(f.trial, sequential.failure?.trial)
        XCTAssertEqual(batch.trialsRun, 60)
        XCTAssertGreaterThan(batch.counts[.ruleWrong] ?? 0, 1)
        let json = batch.jsonValue.rendered(indent: 2)
        XCTAssertTrue(json.contains("\"verdict\": \"rule-wrong\""), json)
        XCTAssertTrue(json.contains("\"shrunk\""), json)
    }
}

extension BatchTests {
    func testAssertionWritesTheJSONReport() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("adjoint-testing-\(UInt32.random(in: 0...UInt32.max)).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        var o = AdjointTestOptions()
        o.trials = 50
        o.jsonReportPath = path
        let r = await assertPropertyConcurrently(.blackBoxGradient(of: { simulation($0) }, claimed: simulationGradient,
                                                                  inputs: .vector(3, .uniform(-2...2))), options: o)
        XCTAssertTrue(r.passed, r.message)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertEqual(text, r.jsonValue.rendered(indent: 2))
        XCTAssertTrue(text.contains("\"agree\": 50"), text)
    }
}

/// Wrong for x₀ < −0.5 (the true ∂/∂x₀ is 2x₀), right elsewhere.
private struct SquarePlusSine: ADFunction, Sendable {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] * x[0] + sin(x[1]) + x[2]] }
}

extension BatchTests {
    func testAnEarlierFailureIsNotHiddenByALaterUndrawableInput() async throws {
        let claimed: @Sendable ([Double]) -> [Double] = { x in [x[0] < -0.5 ? 2 * x[0] + 0.3 : 2 * x[0], cos(x[1]), 1] }
        // The generator gives a short input whenever a₀ > 0.8: some trials cannot be drawn.
        let g = Gen.double(in: -1...1).array(of: 3).map { (a: [Double]) -> [Double] in a[0] > 0.8 ? Array(a.prefix(2)) : a }
        let p = DerivativeProperty.gradient(of: SquarePlusSine(), claimed: claimed, inputs: .generator(g, count: 3))
        var o = AdjointTestOptions()
        o.trials = 60
        o.shrink = false
        // The serial run is the reference: it fails on the wrong rule before any short input.
        let serial = checkProperty(p, options: o)
        let s = try XCTUnwrap(serial.failure)
        XCTAssertEqual(s.verdict, .ruleWrong, serial.message)
        for workers in [1, 2, 3] {
            o.concurrency = workers
            let batch = await checkPropertyConcurrently(p, options: o)
            let f = try XCTUnwrap(batch.failure)
            XCTAssertEqual(f.trial, s.trial, batch.message)
            XCTAssertEqual(f.verdict, .ruleWrong, batch.message)
            XCTAssertEqual(f.shrink, s.shrink)
            XCTAssertFalse(batch.message.contains("could not draw"), batch.message)
            // The tally ends at the first undrawable trial, which lies after the failure.
            XCTAssertGreaterThan(batch.trialsRun, s.trial)
            XCTAssertEqual(batch.counts.values.reduce(0, +), batch.trialsRun)
        }
    }
}
