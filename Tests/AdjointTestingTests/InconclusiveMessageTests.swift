import AdjointCheck
import AdjointCore
import Foundation
import XCTest
@testable import AdjointTesting

// A property that fails because too many points were undecided must say why no witness decided
// and what the user can do; "inconclusive (below-resolution)" alone sent a user of a right
// softmax gradient looking for a bug in it.

/// Softmax cross-entropy with label 2, stabilised the way many users write it: the max is read
/// as a Double (`approximateDouble`), which is exact for the value (log-sum-exp does not depend on
/// the shift) but makes the complex step follow the same path as AD, so it is no witness.
struct ShiftedSoftmaxLoss: ADFunction {
    func callAsFunction<T: ADScalar>(_ z: [T]) -> [T] {
        let m = z.map(\.approximateDouble).max() ?? 0
        var s: T = 0
        for zi in z { s += exp(zi - T(m)) }
        return [log(s) + T(m) - z[2]]
    }
}

/// ∂L/∂zᵢ = softmax(z)ᵢ − [i = 2], by hand.
@Sendable func shiftedSoftmaxLossGradient(_ z: [Double]) -> [Double] {
    let m = z.max() ?? 0
    let e = z.map { exp($0 - m) }
    let s = e.reduce(0, +)
    return e.enumerated().map { i, v in v / s - (i == 2 ? 1 : 0) }
}

final class InconclusiveMessageTests: XCTestCase {
    /// At z = (0, 0, 0, 36) the entries for z₀ and z₁ are e⁻³⁶/(1 + 3e⁻³⁶) ≈ 2.32·10⁻¹⁶ beside
    /// entries of ±1: below what differences of f ≈ 36 resolve, and the complex step is
    /// disqualified by approximateDouble. The message names both facts and the way out. (At 28,
    /// 6.9·10⁻¹³, the check's rungs, now told f's rounding, step out to 0.0625 and resolve the
    /// entry loosely: adaptive 6.89·10⁻¹³ ± 1.4·10⁻¹³, and the point passes.)
    func testAnUndecidedPointSaysWhatEachWitnessSaidAndWhy() throws {
        let x = [0.0, 0.0, 0.0, 36.0]
        let tiny = exp(-36.0) / (1 + 3 * exp(-36.0))   // by hand
        let g = shiftedSoftmaxLossGradient(x)
        XCTAssertEqual(g[0], tiny, accuracy: 1e-28)
        XCTAssertEqual(g[3], 1 - 3 * tiny, accuracy: 1e-15)

        let r = checkProperty(.gradient(of: ShiftedSoftmaxLoss(), claimed: shiftedSoftmaxLossGradient, inputs: .point(x)))
        XCTAssertEqual(r.failure?.verdict, .inconclusive)
        let m = r.message
        // Each witness's answer for the undecided entry, the complex step's refusal among them.
        XCTAssertTrue(m.contains("    witnesses: central: agree"), m)
        XCTAssertTrue(m.contains("complex-step: unreliable (not-independent)"), m)
        // The report's own note on approximateDouble, and why exact rationals did not run.
        XCTAssertTrue(m.contains("note: the function converted a variable to Double"), m)
        XCTAssertTrue(m.contains("note: exact-rationals: uses exp"), m)
        // The way out.
        XCTAssertTrue(m.contains("AdjointTestOptions.maximumInconclusiveFraction (now 0.1)"), m)
    }

    /// A rule-wrong failure is not told it was undecided.
    func testAConvictionGetsNoUndecidedHint() {
        let wrong: @Sendable ([Double]) -> [Double] = { z in
            var g = shiftedSoftmaxLossGradient(z)
            g[3] = -g[3]
            return g
        }
        let r = checkProperty(.gradient(of: ShiftedSoftmaxLoss(), claimed: wrong, inputs: .point([0.0, 0.5, -0.5, 1.0])))
        XCTAssertEqual(r.failure?.verdict, .ruleWrong)
        XCTAssertFalse(r.message.contains("maximumInconclusiveFraction"), r.message)
        XCTAssertTrue(r.message.contains("∂f0/∂x3"), r.message)
    }
}

/// An agreement that resolves its entry only coarsely says so: at z = (0, 0, 0, 28) the check
/// lets adaptive's agreement on ∂/∂z₀ = e⁻²⁸/(1 + 3e⁻²⁸) stand within a tolerance of most of the
/// entry (nothing sharper applies: the shift is read through approximateDouble), and a claim 15%
/// off passes as the right one does.
final class LooseResolutionNoteTests: XCTestCase {
    func testAnAgreementResolvingOnlyPartOfItsEntryIsNoted() throws {
        let x = [0.0, 0.0, 0.0, 28.0]
        let tiny = exp(-28.0) / (1 + 3 * exp(-28.0))   // by hand
        let right = try checkJacobian(of: ShiftedSoftmaxLoss(), at: x, claimed: { [shiftedSoftmaxLossGradient($0)] })
        XCTAssertTrue(right.passed, right.renderTable())
        let loose = right.looselyResolvedEntries.first { $0.input == 0 }
        let tol = try XCTUnwrap(loose?.tolerance, right.renderTable())
        XCTAssertGreaterThan(tol, 0.01 * tiny)
        XCTAssertTrue(right.notes.contains { $0.hasPrefix("entry (f0, x0): agrees only within") }, right.notes.joined(separator: "\n"))
        // The same point's entries of ±1 are resolved sharply and not noted.
        XCTAssertFalse(right.looselyResolvedEntries.contains { $0.input == 3 })
        // An ordinary check notes nothing: sin x·y at (1, 2), its complex step resolves both entries.
        struct SinTimes: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [sin(x[0]) * x[1]] } }
        let ordinary = try checkJacobian(of: SinTimes(), at: [1.0, 2.0])
        XCTAssertTrue(ordinary.passed)
        XCTAssertTrue(ordinary.looselyResolvedEntries.isEmpty, ordinary.renderTable())
    }
}
