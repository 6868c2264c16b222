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
        let line = try XCTUnwrap(r.message.split(separator: "\n").first { $0.contains("∂f/∂x[1]:") }, r.message)
        XCTAssertTrue(line.contains("forward 0.0004998, reverse 0.0004998, claimed 0.0005002; reference 0.0005002"), String(line))
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
