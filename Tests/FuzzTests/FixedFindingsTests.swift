import Foundation
import XCTest
import Adjoint

/// Fuzz findings that were real defects, each as a test of its own with the expected derivatives
/// derived by hand from its formula. The corpus replay (``CorpusReplayTests``) checks the same
/// inputs only for agreement between the modes; these tests pin the values.
final class FixedFindingsTests: XCTestCase {
    /// The input file, now in the replayed corpus (it was `Tests/FuzzFindings/crash-<same name>`).
    static let divisionUnderflowInput = CorpusReplayTests.corpus
        .appendingPathComponent("evaluate/bbd9a0c3083c042984e89d2db5d422df674c0da1")

    /// Run 4: `eggeRe7*O0geRRep/Int^-706*Ox02^07*Fr02^-707*O0` at the point the harness draws
    /// from the input's bytes. Forward and reverse mode gave ∂f/∂Int = 0 where the complex step
    /// gave 1.72e87: the division's y is Int^-706 ≈ 1.4e197 and its quotient z ≈ 5.1e-199, so the
    /// partial ∂z/∂y = −z/y ≈ −3.7e-396 underflowed to 0 before meeting the cotangent ≈ −2.5e282
    /// (reverse) or the tangent ≈ 1.8e200 (forward).
    ///
    /// By hand: parsed left to right, f = ((((e·O)/Int^−706)·Ox^7)·Fr^−707)·O0 is the monomial
    /// e·O·Int^706·Ox^7·Fr^−707·O0, so ∂f/∂v = k·f/v for each variable v of exponent k:
    /// ∂f/∂Int = 706·f/Int. f is evaluated here with libm's pow, not the registry's powi.
    func testDivisionUnderflowFindingHasTheHandDerivedGradient() throws {
        let bytes = [UInt8](try Data(contentsOf: Self.divisionUnderflowInput))
        let text = String(decoding: bytes, as: UTF8.self)
        let source = String(text.split(separator: "\n", maxSplits: 1)[0])
        XCTAssertEqual(source, "eggeRe7*O0geRRep/Int^-706*Ox02^07*Fr02^-707*O0")
        let formula = try Formula(parsing: source)
        XCTAssertEqual(formula.variables, ["eggeRe7", "O0geRRep", "Int", "Ox02", "Fr02", "O0"])
        // The point the harness uses: the second line is not a point, so it comes from the bytes.
        let x = FuzzHarness.point("", count: 6, seed: bytes)
        XCTAssertEqual(x, [2.4044139100934485, 0.028629110351352516, -0.525746208600149,
                           2.086733269135344, -0.4011051068570115, 0.46767453336403575])

        let f = x[0] * x[1] * Foundation.pow(x[2], 706) * Foundation.pow(x[3], 7) * Foundation.pow(x[4], -707) * x[5]
        let exponents: [Double] = [1, 1, 706, 7, -707, 1]
        let expected = zip(exponents, x).map { k, v in k * f / v }
        XCTAssertEqual(expected[2], 1.7237652e87, accuracy: 1e80, "the complex step's value in the finding")
        // The modes and pow round differently over ~720 multiplications in the powers: relative 1e-12.
        func near(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-12 * abs(b) }
        for mode in [JacobianMode.forward, .reverse] {
            let row = try jacobian(of: formula, at: x, mode: mode).jacobian[0]
            XCTAssert(zip(row, expected).allSatisfy { near($0, $1) }, "\(mode): \(row), expected \(expected)")
        }
        let cs = try differenceJacobian(of: formula, at: x, method: .complexStep).entries[0]
        for (j, e) in cs.enumerated() {
            XCTAssertLessThanOrEqual(abs(e.value - expected[j]), 4 * e.errorEstimate + 1e-12 * abs(expected[j]),
                                     "complex step ∂f/∂\(formula.variables[j]): \(e.value) ± \(e.errorEstimate)")
        }
        XCTAssertNil(FuzzHarness.evaluate(bytes), "the harness finds nothing wrong with the input any more")
    }
}
