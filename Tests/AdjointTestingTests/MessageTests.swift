import AdjointCheck
import AdjointCore
import Foundation
import XCTest
@testable import AdjointTesting

/// The failure message: what the reader needs to see the disagreement.
/// (The wrong primitive is UserSuiteTests' `LogAddExpWrong`, the copy-paste bug ∂/∂y = σ(x − y).)
final class MessageTests: XCTestCase {
    /// trialJ: at the shrunk point (0, 0.001, 0.001) the wrong rule gives ∂f/∂x₁ = σ(−0.001)·0.001
    /// = 4.99750000e-4 and the truth is σ(0.001)·0.001 = 5.00250000e-4 (by hand: σ(±h) = ½ ± h/4
    /// to O(h³)); both printed as "0.0005", so the line read "forward 0.0005, reverse 0.0005,
    /// claimed 0.0005; reference 0.0005 … rule-wrong (forward, reverse)".
    func testValuesThatDisagreeAreNeverPrintedAlike() throws {
        // The hand gradient: (σ(x₀ − x₁)x₂, σ(x₁ − x₀)x₂, logaddexp(x₀, x₁)).
        let hand: @Sendable ([Double]) -> [Double] = { x in
            let m = max(x[0], x[1]), l = m + Foundation.log(Foundation.exp(x[0] - m) + Foundation.exp(x[1] - m))
            return [sigma(x[0] - x[1]) * x[2], sigma(x[1] - x[0]) * x[2], l]
        }
        let r = checkProperty(.gradient(of: UsesLogAddExpWrong(), claimed: hand, inputs: .point([0, 0.001, 0.001])))
        XCTAssertEqual(r.failure?.verdict, .ruleWrong, r.message)
        let line = try XCTUnwrap(r.message.split(separator: "\n").first { $0.contains("∂f0/∂x1:") }, r.message)
        XCTAssertTrue(line.contains("forward 0.0004998, reverse 0.0004998, claimed 0.0005002; reference 0.0005002"), String(line))
    }

    /// The message named entries ∂f/∂x[1] while the report's notes printed beneath them, and the
    /// report's table, cite the same entry as (f0, x1), or by the names given in
    /// `CheckOptions.inputNames`: one entry, two names in one message. The message names each entry
    /// by its report's row and column as the table labels them. A clamp at 1 claimed 1 along its
    /// second input where it is saturated (slope 0 by hand): convicted, with a note citing it.
    func testTheMessageNamesEntriesAsTheReportsTableDoes() throws {
        let clamp: @Sendable ([Double]) -> Double = { x in x[0] + Swift.min(x[1], 1) }
        let plain = checkProperty(.blackBoxGradient(of: clamp, claimed: { _ in [1, 1] }, inputs: .point([0.3, 2.0])))
        XCTAssertEqual(plain.failure?.verdict, .ruleWrong, plain.message)
        XCTAssertTrue(plain.message.contains("note: entry (f0, x1): f is constant along x1"), plain.message)
        XCTAssertTrue(plain.message.contains("\n  ∂f0/∂x1: claimed 1.0; reference 0.0"), plain.message)
        XCTAssertFalse(plain.message.contains("∂f/∂x["), plain.message)

        var base = CheckOptions.blackBox
        base.inputNames = ["a", "b"]
        let named = checkProperty(.blackBoxGradient(of: clamp, claimed: { _ in [1, 1] }, inputs: .point([0.3, 2.0]), base: base))
        XCTAssertTrue(named.message.contains("note: entry (f0, b): f is constant along b"), named.message)
        XCTAssertTrue(named.message.contains("\n  ∂f0/∂b: claimed 1.0; reference 0.0"), named.message)
        XCTAssertFalse(named.message.contains("∂f/∂x[") || named.message.contains("∂f0/∂x1"), named.message)
    }

    func testTheShortFormStaysWhenItAlreadyReadsApart() {
        // README's example line: −0.15 against 1.35 keeps fmtNumber's form.
        let (values, reference) = distinguishable([-0.15, -0.15, 1.35], reference: -0.15)
        XCTAssertEqual(values, ["-0.15", "-0.15", "1.35"])
        XCTAssertEqual(reference, "-0.15")
        // A subject that agrees within rounding keeps the short form (README's reverse -0.15000000000000002).
        XCTAssertEqual(distinguishable([-0.15000000000000002, 1.35], reference: -0.14999999999999997, mustDiffer: [false, true]).values,
                       ["-0.15", "1.35"])
        // Equal values may read alike; non-finite ones keep their names.
        XCTAssertEqual(distinguishable([1, .nan], reference: 1).values, ["1.0", "NaN"])
        // One ulp apart needs all seventeen digits.
        let (v, w) = distinguishable([1 + 2 * Double.ulpOfOne], reference: 1 + Double.ulpOfOne)
        XCTAssertEqual(v, ["1.0000000000000004"])
        XCTAssertEqual(w, "1.0000000000000002")
    }
}

/// `print(result)` of a property shows its message, not the synthesized dump of every field.
final class PropertyResultPrintingTests: XCTestCase {
    struct Square: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] * x[0]] } }

    func testPrintingAResultGivesItsMessage() {
        var o = AdjointTestOptions()
        o.trials = 5
        // d/dx x² = 2x, claimed 3x: wrong at every nonzero x.
        let r = checkProperty(.gradient(of: Square(), claimed: { (x: [Double]) in [3 * x[0]] }, inputs: .vector(1, .uniform(1...2))),
                              options: o)
        XCTAssertFalse(r.passed)
        let printed = "\(r)"
        XCTAssert(printed.hasPrefix("assertGradient failed"), printed)
        XCTAssertFalse(printed.contains("PropertyResult("), printed)
    }
}

/// Numbers in the harness's messages read as Doubles everywhere else do ("1.0", never "1").
final class MessageNumberTests: XCTestCase {
    /// Found by a new user's pass: a black-box failure read "claimed 1.00000000001; reference 1",
    /// where every other line prints 1.0. A claim 10⁻¹¹ above a reference one ulp above 1: their
    /// short forms collide, so both are printed with the 12 significant digits that tell them
    /// apart, and the reference, 1.00000000000 to 12 digits, reads "1.0".
    func testAWholeReferenceKeepsItsPointWhenPrintedToMoreDigits() {
        let (values, reference) = distinguishable([1.00000000001], reference: 1.0000000000000002)
        XCTAssertEqual(values, ["1.00000000001"])
        XCTAssertEqual(reference, "1.0")
    }

    /// The short form rounds past 10 characters to 6 digits: 1 + 10⁻¹¹ printed "1".
    func testAShortFormRoundedToAWholeNumberKeepsItsPoint() {
        XCTAssertEqual(fmtNumber(1.00000000001), "1.0")
        XCTAssertEqual(fmtNumber(99999.99999999), "100000.0")
        XCTAssertEqual(fmtNumber(-2.00000000001), "-2.0")
        XCTAssertEqual(fmtNumber(1.23456789012), "1.23457")
        XCTAssertEqual(fmtNumber(2e-5), "2e-05")
    }
}
