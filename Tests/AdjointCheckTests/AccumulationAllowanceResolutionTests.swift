import XCTest
import AdjointCore
@testable import AdjointCheck

/// A check without forward mode judges reverse mode within its accumulation allowance (the
/// rounding a right rule may carry along the tape's paths), and a wrong rule hides in that
/// allowance as well. The report said "agree" with nothing to tell a rule right to 10⁻¹⁵ from one
/// resolved only to the allowance; and where the gap was beyond √ε of the entry, a rule 1% off
/// passed.
final class AccumulationAllowanceResolutionTests: XCTestCase {
    /// A(x) − A(x) + sin x with A(x) = x·1.0035²⁰⁰⁰ as two thousand products, written twice:
    /// every path from x through A has magnitude 1.0035²⁰⁰⁰ ≈ 1095 and length 2000, so reverse
    /// mode's allowance at 0.7 is about 1.5·10⁻⁸ (4·4ε·2·1095·2000), while f′ = cos 0.7 exactly
    /// (the copies cancel), 0.7648421872844885 by hand (math.cos of the Double 0.7).
    struct CopiesBesideSine: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
            var a = x[0], b = x[0]
            for _ in 0..<2000 { a = a * 1.0035 }
            for _ in 0..<2000 { b = b * 1.0035 }
            return [a - b + T.sin(x[0])]
        }
    }

    static var reverseOnly: CheckOptions {
        var o = CheckOptions()
        o.checkForward = false
        return o
    }

    /// sin's rule 10⁻⁹ off: reverse mode misses cos 0.7 by 7.6·10⁻¹⁰, beyond every witness's
    /// tolerance (about 10⁻¹⁴) and within the allowance. Below √ε of the entry (1.1·10⁻⁸), where
    /// any agreement may be off, the entry agrees, and the report says what it resolved.
    func testAPassWithinTheAllowanceSaysWhatItResolved() throws {
        let r = try RuleMutations.withMutation(RuleMutation(op: .sin, input: 0, factor: 1 + 1e-9)) {
            try checkJacobian(of: CopiesBesideSine(), at: [0.7], options: Self.reverseOnly)
        }
        let e = try XCTUnwrap(r.entries.first?.first)
        let reverse = try XCTUnwrap(e.subjects.first { $0.name == "reverse" }?.value)
        XCTAssertEqual(reverse - 0.7648421872844885, 7.6e-10, accuracy: 2e-11, "the planted gap")
        XCTAssertEqual(e.verdict, .agree, r.renderTable())
        let a = try XCTUnwrap(e.accumulationAllowance, r.renderTable())
        XCTAssertEqual(a.subjects, ["reverse"])
        XCTAssertGreaterThan(a.allowance, 1e-8)
        XCTAssertLessThan(a.witnessTolerance, 1e-12)
        XCTAssertEqual(a.resolution, Double.ulpOfOne.squareRoot() * Swift.abs(reverse), accuracy: 1e-20)
        XCTAssertEqual(r.coarselyResolvedEntries.count, 1)
        let note = try XCTUnwrap(r.notes.first { $0.contains("accumulation allowance") }, r.renderTable())
        XCTAssertTrue(note.contains(readableFigure(a.allowance)) && note.contains("checkForward"), note)
        XCTAssertTrue(r.renderTable().contains("note: entry (f0, x0): reverse mode agrees only within its accumulation allowance"),
                      r.renderTable())
        let json = r.toJSON()
        XCTAssertTrue(json.contains("\"accumulationAllowance\"") && json.contains("\"exceedsResolution\": true"), json)
    }

    /// With forward mode checked, its own bound nets the copies, and the same rule is convicted.
    func testForwardModeResolvesTheSameRule() throws {
        let r = try RuleMutations.withMutation(RuleMutation(op: .sin, input: 0, factor: 1 + 1e-9)) {
            try checkJacobian(of: CopiesBesideSine(), at: [0.7])
        }
        XCTAssertFalse(r.passed, r.renderTable())
    }

    /// The right rule passes alike, noted alike: reverse mode's adjoint of x adds ±1095 and comes
    /// 6.9·10⁻¹⁴ from cos 0.7, beyond the complex step's tolerance of 2.4·10⁻¹⁴, and the check can
    /// no more tell it from the wrong rule above than the note says. Without the copies (sin x
    /// alone) reverse mode needs no allowance and nothing is noted.
    func testTheRightRuleIsResolvedNoFinerAndSaysSo() throws {
        let r = try checkJacobian(of: CopiesBesideSine(), at: [0.7], options: Self.reverseOnly)
        XCTAssertTrue(r.passed, r.renderTable())
        XCTAssertEqual(r.coarselyResolvedEntries.count, 1, r.renderTable())
        struct Sine: ADFunction {
            func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.sin(x[0])] }
        }
        let plain = try checkJacobian(of: Sine(), at: [0.7], options: Self.reverseOnly)
        XCTAssertTrue(plain.passed, plain.renderTable())
        XCTAssertNil(plain.entries.first?.first?.accumulationAllowance, plain.renderTable())
        XCTAssertFalse(plain.notes.contains { $0.contains("accumulation allowance") }, plain.renderTable())
    }

    /// exp(30x) − exp(30x) + sin x + ((x + 10⁸) − 10⁸) at 1 (ForwardRoundingReviewTests): f′ =
    /// cos 1 + 1 by hand, and reverse mode's adjoint of x passes through ±3.2·10¹⁴ and is 0.022
    /// off with the right rule, inside an allowance of about 10⁻¹ times 10¹⁴ ulps. A reverse-only
    /// check passed a sin rule 1% off there, as it did the right one: neither is shown right, and
    /// neither is shown wrong.
    func testAGapBeyondTheResolutionInsideOnlyTheAllowanceIsInconclusive() throws {
        struct CopiesCancelBesideRounding: ADFunction {
            func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
                [T.exp(30 * x[0]) - T.exp(30 * x[0]) + T.sin(x[0]) + ((x[0] + T(1e8)) - T(1e8))]
            }
        }
        for factor in [1.0, 1.01] {
            let r = try RuleMutations.withMutation(RuleMutation(op: .sin, input: 0, factor: factor)) {
                try checkJacobian(of: CopiesCancelBesideRounding(), at: [1.0], options: Self.reverseOnly)
            }
            XCTAssertFalse(r.passed, "sin × \(factor)\n" + r.renderTable())
            guard case .fdInconclusive(let reasons)? = r.entries.first?.first?.verdict else {
                XCTFail("sin × \(factor)\n" + r.renderTable()); continue
            }
            XCTAssertTrue(reasons.contains(.accumulationRounding), "sin × \(factor): \(reasons)\n" + r.renderTable())
        }
        // With both modes checked the verdict is as before: forward mode, exact here, agrees, and
        // reverse mode's 0.022 is left to its allowance (ForwardRoundingReviewTests).
        let both = try checkJacobian(of: CopiesCancelBesideRounding(), at: [1.0])
        XCTAssertEqual(both.entries.first?.first?.verdict, .agree, both.renderTable())
    }
}
