import XCTest
import AdjointCore
@testable import AdjointCheck

/// False-positive guard: the check must pass correct rules on every primitive of the registry,
/// alone and composed, at seeded points drawn from each op's sample ranges.
final class CorpusTests: XCTestCase {
    static let seed: UInt64 = 0xC0FFEE

    /// op(x0, x1) (x1 unused by unary ops), and a composition that feeds op's output into
    /// further smooth ops so the chain rule runs through it.
    struct OpFunction: ADFunction {
        let op: Op
        let n: Int
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
            let z = T.apply(op, x[0], op.arity == 2 ? x[1] : x[0], n)
            return [z, T.sin(z) * x[0] + T.exp(T(0.25) * z)]
        }
    }

    func testCorrectRulesPassEverywhereOnTheSampleRanges() throws {
        print("CorpusTests seed \(Self.seed)")
        var rng = SeededGenerator(seed: Self.seed)
        for precision in ["Double", "Float"] {
            for op in Op.primitives {
                let ranges = op.info.sampleRanges
                for s in 0..<4 {
                    let a = RuleCheck.draw(ranges[0], &rng)
                    let b = ranges.count > 1 ? RuleCheck.draw(ranges[1], &rng) : RuleCheck.draw(-3...3, &rng)
                    let f = OpFunction(op: op, n: op == .powi ? s - 1 : 0)
                    let report: CheckReport
                    if precision == "Double" {
                        report = try checkJacobian(of: f, at: [a, b])
                    } else {
                        report = try checkJacobian(of: f, at: [Float(a), Float(b)])
                    }
                    XCTAssertTrue(report.passed, "\(precision) \(op.info.name) at (\(a), \(b)), seed \(Self.seed):\n\(report.renderTable())")
                }
            }
        }
    }

    func testEveryPlantedWrongRuleIsReportedAndLocalised() throws {
        // Test the tester end to end: with one partial of one primitive scaled by −1, some seeded
        // sample point must give a rule-wrong entry for both modes, and fault localisation must
        // name that primitive.
        for op in Op.primitives {
            for which in 0..<op.arity {
                var rng = SeededGenerator(seed: Self.seed ^ UInt64(op.rawValue))
                var caught = false
                for s in 0..<6 where !caught {
                    let ranges = op.info.sampleRanges
                    let a = RuleCheck.draw(ranges[0], &rng)
                    let b = ranges.count > 1 ? RuleCheck.draw(ranges[1], &rng) : RuleCheck.draw(-3...3, &rng)
                    let f = OpFunction(op: op, n: op == .powi ? s - 1 : 0)
                    let r = try RuleMutations.withMutation(RuleMutation(op: op, input: which, factor: -1)) {
                        try checkJacobian(of: f, at: [a, b])
                    }
                    let wrong = r.entries(withVerdict: "rule-wrong")
                    if !wrong.isEmpty {
                        XCTAssertEqual(r.fault?.op, op.info.name, "\(op.info.name) at (\(a), \(b)):\n\(r.renderTable())")
                        XCTAssertEqual(r.fault?.partial, which)
                        caught = true
                    }
                }
                XCTAssertTrue(caught, "mutation of \(op.info.name) partial \(which) never reported (seed \(Self.seed))")
            }
        }
    }
}
