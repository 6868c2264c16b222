import AdjointCore
import Foundation
import XCTest
@testable import AdjointCheck

/// log(x₀² + 1)·x₁ + 100x₀: at x₀ = 10⁻⁵ the Float sum x₀² + 1 is 1 exactly (x₀² = 10⁻¹⁰ is below
/// half an ulp of 1), so f's Float evaluation is flat along x₁, and its complex step and modes
/// read ∂/∂x₁ = 0. The function's derivative there is log1p(x₀²) = 10⁻¹⁰ (by hand), and a hand
/// gradient computing it so was convicted rule-wrong on the Float complex step's exact 0. In
/// Double the same happens only below |x₀| ≈ 10⁻⁸; in Float from 2.4·10⁻⁴, weights' everyday size.
struct AbsorbedSquare: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [log(x[0] * x[0] + 1) * x[1] + 100 * x[0]] }
    var inputCount: Int? { 2 }
    /// The gradient by hand, in Double: (2x₀x₁/(1 + x₀²) + 100, log1p(x₀²)).
    static func gradient(_ x: [Double]) -> [Double] {
        [2 * x[0] * x[1] / (1 + x[0] * x[0]) + 100, Foundation.log1p(x[0] * x[0])]
    }
}

final class FloatRoundingClaimTests: XCTestCase {
    let x: [Float] = [1e-5, 0.01]
    func claim(_ change: @escaping (Double) -> Double) -> ([Float]) -> [Float] {
        { x in
            var g = AbsorbedSquare.gradient(x.map(Double.init))
            g[1] = change(g[1])
            return g.map { Float($0) }
        }
    }

    func testTheFunctionsOwnDerivativeIsNotConvictedWhereFloatAbsorbsItsTerm() throws {
        let r = try checkGradient(of: AbsorbedSquare(), at: x, claimedGradient: claim { $0 })
        let e = r.entries[0][1]
        XCTAssertEqual(e.verdict, .fdInconclusive(reasons: [.floatRounding]), r.renderTable())
        // The Double witness it agreed with, shown in the ladder: log1p(x₀²) ≈ 10⁻¹⁰, up to Double's
        // own rounding of x₀² + 1 (half an ulp of 1, 1.1·10⁻¹⁶).
        let double = try XCTUnwrap(e.ladder.last)
        XCTAssertEqual(double.witness, "complex-step in Double")
        XCTAssertEqual(double.value ?? 0, Foundation.log1p(Double(x[0]) * Double(x[0])), accuracy: 1.2e-16)
        // The modes differentiate the Float evaluation: their 0 stays right, as before.
        XCTAssertEqual(e.subjects.first { $0.name == "forward" }?.value, 0)
        XCTAssertTrue(r.entries[0][0].passes, r.renderTable())
    }

    func testWrongClaimsOfThatEntryAreStillConvicted() throws {
        for (what, change) in [("sign flipped", { (v: Double) in -v }), ("1% off", { $0 * 1.01 }), ("doubled", { 2 * $0 })] {
            let r = try checkGradient(of: AbsorbedSquare(), at: x, claimedGradient: claim(change))
            XCTAssertEqual(r.entries[0][1].verdict, .ruleWrong(subjects: ["claimed"]), "\(what)\n\(r.renderTable())")
        }
    }

    /// Partly absorbed, in log(x₀² + 1)·x₁ + cos(x₂)·x₂ at (0.0067533, −14.297, 7163810): x₀² =
    /// 4.56·10⁻⁵ keeps only 9 bits in x₀² + 1, and the Float derivative along x₁ is 4.565612·10⁻⁵
    /// for log1p(x₀²) = 4.560598·10⁻⁵, 0.1% apart. The all-columns complex step in Double bounds
    /// this entry by its row's rounding (±8·10⁻⁸, the row holds 7·10⁶), too loose to tell the
    /// two; the column's own step (exact here, f is linear in x₁) tells them.
    func testAPartlyAbsorbedTermIsNotConvictedEither() throws {
        struct F: ADFunction {
            func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [log(x[0] * x[0] + 1) * x[1] + cos(x[2]) * x[2]] }
        }
        func gradient(_ x: [Float], change: Double) -> [Float] {
            let (a, b, c) = (Double(x[0]), Double(x[1]), Double(x[2]))
            return [2 * a * b / (1 + a * a), change * Foundation.log1p(a * a), Foundation.cos(c) - Foundation.sin(c) * c].map { Float($0) }
        }
        let x: [Float] = [0.0067532966, -14.2970915, 7163810.0]
        let r = try checkGradient(of: F(), at: x, claimedGradient: { gradient($0, change: 1) })
        XCTAssertEqual(r.entries[0][1].verdict, .fdInconclusive(reasons: [.floatRounding]), r.renderTable())
        let off = try checkGradient(of: F(), at: x, claimedGradient: { gradient($0, change: 1.01) })
        XCTAssertEqual(off.entries[0][1].verdict, .ruleWrong(subjects: ["claimed"]), off.renderTable())
    }

    /// A claim of the Float evaluation's own derivative, 0, agrees as before, and the check in
    /// Double (where x₀² + 1 keeps the term) passes the log1p claim outright.
    func testFloatZeroAgreesAndDoublePasses() throws {
        let zero = try checkGradient(of: AbsorbedSquare(), at: x, claimedGradient: claim { _ in 0 })
        XCTAssertTrue(zero.passed, zero.renderTable())
        let d = try checkGradient(of: AbsorbedSquare(), at: x.map(Double.init), claimedGradient: AbsorbedSquare.gradient)
        XCTAssertTrue(d.passed, d.renderTable())
    }
}
