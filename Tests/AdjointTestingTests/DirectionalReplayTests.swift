import AdjointCheck
import AdjointCore
import XCTest
@testable import AdjointTesting

/// A JVP, VJP or H·v property's input is x followed by its drawn direction. The replay line said
/// `inputs: .point(x ++ v)`, and pasted in place of the inputs it made all of it x (n doubled, a
/// random v again): the user's claim was called with the wrong number of inputs (trial O, where
/// that trapped in the user's own code). The line now separates them, and `.point(x, direction: v)`
/// replays exactly the reported check.
final class DirectionalReplayTests: XCTestCase {
    /// f(x) = (x₀x₁, x₀); the claim drops x₀·v₁ from (J·v)₀ = x₁v₀ + x₀v₁ (a dropped term).
    static let f: @Sendable ([Double]) -> [Double] = { x in [x[0] * x[1], x[0]] }
    static let wrongJVP: @Sendable ([Double], [Double]) -> [Double] = { x, v in
        guard x.count == 2 && v.count == 2 else { return [.nan] }   // the old replay called it with 4 and 4
        return [x[1] * v[0], v[0]]
    }

    func testAJVPFailureReplaysWithItsDirection() {
        var o = AdjointTestOptions()
        o.trials = 20
        let r = checkProperty(.blackBoxJVP(of: Self.f, claimed: Self.wrongJVP, inputs: .vector(2, .uniform(-2...2))), options: o)
        guard let failure = r.failure else { return XCTFail(r.message) }
        XCTAssertEqual(failure.verdict, .ruleWrong, r.message)
        let z = failure.shrink.shrunk
        XCTAssertEqual(z.count, 4)
        XCTAssertEqual(failure.replayLine, "replay: inputs: .point(\(Array(z.prefix(2))), direction: \(Array(z.suffix(2))))")
        // The replay, as the line says: the same check at the same x and v, once.
        let replay = checkProperty(.blackBoxJVP(of: Self.f, claimed: Self.wrongJVP,
                                                inputs: .point(Array(z.prefix(2)), direction: Array(z.suffix(2)))), options: o)
        XCTAssertEqual(replay.failure?.verdict, .ruleWrong, replay.message)
        XCTAssertEqual(replay.trialsRun, 1)
        XCTAssertEqual(replay.failure?.outcome.input, z)
    }

    /// The VJP says cotangent; u has one entry per output (m = 2 here, n = 3).
    func testAVJPFailureReplaysWithItsCotangent() {
        let g: @Sendable ([Double]) -> [Double] = { x in [x[0] * x[2], x[1]] }
        // uᵀJ = (u₀x₂, u₁, u₀x₀); the claim has the last two swapped (a transposed index).
        let claim: @Sendable ([Double], [Double]) -> [Double] = { x, u in [u[0] * x[2], u[0] * x[0], u[1]] }
        var o = AdjointTestOptions()
        o.trials = 20
        let r = checkProperty(.blackBoxVJP(of: g, outputs: 2, claimed: claim, inputs: .vector(3, .uniform(-2...2))), options: o)
        guard let failure = r.failure else { return XCTFail(r.message) }
        let z = failure.shrink.shrunk
        XCTAssertEqual(failure.replayLine, "replay: inputs: .point(\(Array(z.prefix(3))), cotangent: \(Array(z.suffix(2))))")
        let replay = checkProperty(.blackBoxVJP(of: g, outputs: 2, claimed: claim,
                                                inputs: .point(Array(z.prefix(3)), cotangent: Array(z.suffix(2)))), options: o)
        XCTAssertEqual(replay.failure?.verdict, failure.verdict, replay.message)
        XCTAssertEqual(replay.failure?.outcome.input, z)
    }

    /// A gradient property's replay line is unchanged: x alone.
    func testAGradientReplayIsThePointAlone() {
        var o = AdjointTestOptions()
        o.trials = 5
        let r = checkProperty(.blackBoxGradient(of: { (x: [Double]) in x[0] * x[0] }, claimed: { (x: [Double]) in [x[0]] },
                                                inputs: .vector(1, .uniform(1...2))), options: o)
        guard let failure = r.failure else { return XCTFail(r.message) }
        XCTAssertEqual(failure.replayLine, "replay: inputs: .point(\(failure.shrink.shrunk))")
    }

    /// The message's input line printed x and v as one vector ("input: [-0.001, 0.0, 0.0, 0.001]"
    /// for x = [-0.001, 0.0], v = [0.0, 0.001]) beside a replay line that separates them.
    func testAJVPFailureMessageShowsPointAndDirectionApart() {
        var o = AdjointTestOptions()
        o.trials = 20
        let r = checkProperty(.blackBoxJVP(of: Self.f, claimed: Self.wrongJVP, inputs: .vector(2, .uniform(-2...2))), options: o)
        guard let failure = r.failure else { return XCTFail(r.message) }
        let (z, start) = (failure.shrink.shrunk, failure.shrink.original)
        let inputLine = r.message.split(separator: "\n").first { $0.hasPrefix("input: ") }.map(String.init) ?? ""
        XCTAssertTrue(inputLine.hasPrefix("input: x = \(Array(z.prefix(2))), direction = \(Array(z.suffix(2)))"), r.message)
        if failure.shrink.steps > 0 {
            XCTAssertTrue(inputLine.contains("(shrunk from x = \(Array(start.prefix(2))), direction = \(Array(start.suffix(2))) in"), r.message)
        }
        XCTAssertFalse(r.message.contains("input: \(z)"), r.message)
        // A VJP's line names its cotangent (m = 2 entries after n = 3).
        let g: @Sendable ([Double]) -> [Double] = { x in [x[0] * x[2], x[1]] }
        let claim: @Sendable ([Double], [Double]) -> [Double] = { x, u in [u[0] * x[2], u[0] * x[0], u[1]] }
        let v = checkProperty(.blackBoxVJP(of: g, outputs: 2, claimed: claim, inputs: .vector(3, .uniform(-2...2))), options: o)
        guard let vf = v.failure else { return XCTFail(v.message) }
        let w = vf.shrink.shrunk
        XCTAssertTrue(v.message.contains("input: x = \(Array(w.prefix(3))), cotangent = \(Array(w.suffix(2)))"), v.message)
        // A gradient's input is the point alone, shown as before.
        let h = checkProperty(.blackBoxGradient(of: { (x: [Double]) in x[0] * x[0] }, claimed: { (x: [Double]) in [3 * x[0]] }, inputs: .vector(1, .uniform(1...2))),
                              options: o)
        guard let hf = h.failure else { return XCTFail(h.message) }
        XCTAssertTrue(h.message.contains("input: \(hf.shrink.shrunk)"), h.message)
    }
}
