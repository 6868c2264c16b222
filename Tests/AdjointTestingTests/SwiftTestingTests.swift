import AdjointCheck
import Testing
@testable import AdjointTesting

// The same assertions from Swift Testing: a failure becomes an Issue with the message.

@Suite struct SwiftTestingAssertions {
    var hundred: AdjointTestOptions {
        var o = AdjointTestOptions()
        o.trials = 100
        return o
    }

    @Test func blackBoxCorrectGradientPasses() {
        let r = assertGradient(of: { simulation($0) }, claimed: simulationGradient, inputs: .vector(3, .uniform(-2...2)), options: hundred)
        #expect(r.passed)
        #expect(r.trialsRun == 100)
    }

    @Test func blackBoxWrongGradientIsRecordedAsAnIssue() {
        var result: PropertyResult? = nil
        let seed = "seed \(hex(hundred.seed))"
        withKnownIssue {
            result = assertGradient(of: { simulation($0) }, claimed: simulationGradientWrong,
                                    inputs: .vector(3, .uniform(-2...2)), options: hundred)
        } matching: { issue in
            let text = issue.comments.map(\.rawValue).joined()
            return text.contains("rule-wrong") && text.contains(seed) && text.contains("replay: inputs: .point(")
        }
        #expect(result?.failure?.verdict == .ruleWrong)
    }

    @Test func logisticRegressionGradientPasses() {
        var o = AdjointTestOptions()
        o.trials = 30
        let r = assertGradient(of: LogisticLoss(), claimed: logisticGradient(), inputs: .vector(5, .uniform(-2...2)), options: o)
        #expect(r.passed)
    }

    @Test func manyPointsAcrossTheCores() async {
        var o = AdjointTestOptions()
        o.trials = 400
        o.concurrency = 2
        let r = await assertPropertyConcurrently(.blackBoxGradient(of: { simulation($0) }, claimed: simulationGradient,
                                                                  inputs: .vector(3, .uniform(-2...2))), options: o)
        #expect(r.passed)
        #expect(r.trialsRun == 400)
        #expect((r.counts[.agree] ?? 0) + (r.counts[.inconclusive] ?? 0) == 400)
    }
}
