import AdjointCore
import XCTest
@testable import AdjointCheck

/// The black-box jump test judged f(x + h) − f(x − h) against 64 ulps of max(|f|, 1), and the
/// check's one measurement of f's noise at x refuses any table whose samples spread over a tenth
/// of |f|: an f near 0 that is rounding of far larger terms had no measured noise, and its
/// rounding was a "discontinuity". Both functions here are 0 everywhere (by hand: (x + y)² =
/// x² + 2xy + y², and 2(x + y) = 2x + 2y), so every derivative of them is 0 and no jump exists.
final class BlackBoxRoundingIsNoJumpTests: XCTestCase {
    /// (x + y)² − x² − 2xy − y²: its terms are near (x + y)², so it rounds to multiples of their ulps.
    static let expanded: @Sendable ([Double]) -> [Double] = { x in
        let s = x[0] + x[1]
        return [s * s - x[0] * x[0] - 2 * x[0] * x[1] - x[1] * x[1]]
    }
    /// Its gradient as a user writes it by hand, 2(x + y) − 2x − 2y in both entries: 0 rounded to
    /// multiples of ulp(2|x + y|).
    static let handGradient: @Sendable ([Double]) -> [Double] = { x in
        let s = x[0] + x[1]
        let g = 2 * s - 2 * x[0] - 2 * x[1]
        return [g, g]
    }

    func assertNoJumpNoConviction(_ r: CheckReport, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        for e in r.entries.joined() {
            switch e.verdict {
            case .agree, .fdInconclusive: break
            default: XCTFail("\(what): entry [\(e.output)][\(e.input)] is \(e.verdict.name)\n" + r.renderTable(), file: file, line: line)
            }
        }
    }

    /// Along x₁ at (−220340.5, −966423.4) the differences of f were 0, 0 and 4.66·10⁻¹⁰ at steps
    /// 2⁻¹⁰, 2⁻²⁰ and 2⁻³⁰ of |x₁| (one quantum of its rounding): "discontinuity".
    func testAFunctionThatIsRoundingHasNoJump() throws {
        let x = [-220340.50321745698, -966423.4109436878]
        let r = try checkBlackBoxJacobian(of: Self.expanded, at: x, claimed: { _ in [[0, 0]] })
        assertNoJumpNoConviction(r, "f at \(x)")
    }

    /// The Hessian of f, 0, against differences of the hand gradient, at three points where the
    /// gradient's rounding was a "discontinuity" of 4.5·10⁻¹³ (two quanta of 2.3·10⁻¹³), of
    /// 4.5·10⁻¹³ where the table found nine 0s at its second spacing and ended, and of 4.66·10⁻¹⁰
    /// (two quanta) where the table's σ, 5.1·10⁻¹¹, is a fifth of the quantum.
    func testAGradientThatIsRoundingHasNoJump() throws {
        for x in [[-220.340503217457, -966.4234109436878], [836.0391702922648, 742.6635197534877],
                  [836039.1702922648, 742663.5197534875]] {
            let r = try checkBlackBoxJacobian(of: Self.handGradient, at: x, claimed: { _ in [[0, 0], [0, 0]] })
            assertNoJumpNoConviction(r, "hand gradient at \(x)")
        }
    }

    /// Points of the property run's seed 0xAD701A7E (2,000 trials per range, in
    /// GradientRoundingHessianTests' black-box Hessian) where the jump test measured nothing beside
    /// x and took the rounding as 0. f along x₀ at (178.94, −860.33): every difference across x is
    /// −1.16·10⁻¹⁰, one quantum of f's rounding there (f is 0 or −1.16·10⁻¹⁰ at the tables'
    /// samples), and each spacing's table held one or three nonzero samples among 0s, refused as a
    /// pole or unsettled; so too f along x₁ at (355.23, −812.45) and the hand gradient along x₁ at
    /// (759.96, 313.41), differing by one quantum 2.27·10⁻¹³. The hand gradient at (247.42, 141.95)
    /// is 0 at all 36 table points (their spacing an even number of ulps of x₁, and 2(x + y) − 2x
    /// − 2y = 2(fl(x + y) − x − y) follows x + y's last bit) but −q and +q at x ± 2⁻ᵏ·x₁ for
    /// k = 10, 20, 30 (q = 5.7·10⁻¹⁴, Python, the same expressions): both sides read as a constant
    /// f. All were "discontinuity"; the rounding being unmeasured, none is known to be a jump, and
    /// the entry says so (no discontinuity exists: f ≡ 0). At (−74.32, −253.66) (a scan with
    /// another generator) the hand gradient's tables along x₀ are flat on both sides and its
    /// differences 0, q, q: one side's jump samples hold the flat 0, the other's stand off it by
    /// q, which is then the rounding seen beside x, and a difference of q is no jump.
    func testAJumpBesideUnmeasuredRoundingIsNoDiscontinuity() throws {
        for x in [[178.9403809829048, -860.3292027866607], [355.23044447111283, -812.4498044126683]] {
            let r = try checkBlackBoxJacobian(of: Self.expanded, at: x, claimed: { _ in [[0, 0]] })
            assertNoJumpNoConviction(r, "f at \(x)")
            XCTAssertTrue(r.notes.contains { $0.contains("could not be measured on either side") }, r.notes.joined(separator: "\n"))
        }
        for x in [[759.9565634349538, 313.41169387114746], [247.41931233064133, 141.95072009650607],
                  [-74.32017158628956, -253.66018830086534]] {
            let r = try checkBlackBoxJacobian(of: Self.handGradient, at: x, claimed: { _ in [[0, 0], [0, 0]] })
            assertNoJumpNoConviction(r, "hand gradient at \(x)")
        }
    }

    /// The point of the property run's seed 0xAD701A7E (rerun: BlackBoxRoundingScan) still
    /// "discontinuity" after the test above's fix: f along x₀ at (−886654.62, −183698.72): the
    /// differences across x tend to 6.71·10⁻⁴ (2.75·2⁻¹²), where one side's table allowed
    /// 6.4·10⁻⁴ and the other's 7.6·10⁻⁴. By hand f rounds by up to 4.6·10⁻⁴ an evaluation there
    /// (x + y by ulp(1.07·10⁶)/2 = 1.16·10⁻¹⁰, which (x + y)² carries as 2.5·10⁻⁴, and
    /// (x + y)², x² and 2xy by half their ulps, 1.2·10⁻⁴, 6.1·10⁻⁵ and 3.1·10⁻⁵; the last
    /// subtractions are exact), so two evaluations may differ by 9.3·10⁻⁴, and 40,000 evaluations
    /// 10⁻⁹ apart along x₀ spread over 8.5·10⁻⁴ (Python, the same expressions). f ≡ 0: no jump
    /// exists.
    func testAJumpWithinOneSidesRoundingIsNoDiscontinuity() throws {
        let x = [-886654.6177933529, -183698.71764738148]
        let r = try checkBlackBoxGradient(of: { Self.expanded($0)[0] }, at: x, claimedGradient: { _ in [0, 0] })
        assertNoJumpNoConviction(r, "f at \(x)")
        XCTAssertTrue(r.notes.contains { $0.contains("measured on one side of x") }, r.notes.joined(separator: "\n"))
    }

    /// A real jump just above what the jump test allows for f's rounding is still one.
    /// f + (x₀ > 0 ? J : 0) at (0, 1000) with J = 10⁻⁸. By hand, one evaluation of f near there
    /// rounds by at most about 3·10⁻¹⁰ (x₀ + 1000 by ulp(1000)/2, which its square carries as
    /// 2·1000·5.7·10⁻¹⁴ = 1.1·10⁻¹⁰, and three roundings of terms near 10⁶ by ulp(10⁶)/2 =
    /// 5.8·10⁻¹¹ each). The samples of a table then lie within 1.2·10⁻⁹ of their chord's spread
    /// (their own 6·10⁻¹⁰ and the chord's), so the allowance, 4 times that or 8σ with σ at most
    /// 1.9 times the largest error (Moré–Wild's γₖ·4ᵏ ≤ √(4π) for k ≤ 4), is at most 4.8·10⁻⁹ < J.
    /// Measured across x, the table would see the step itself as noise of 0.22·J at every spacing
    /// and allow 1.75·J.
    func testASmallRealJumpAboveTheRoundingIsStillReported() throws {
        let jumpSize = 1e-8
        let f: ([Double]) -> [Double] = { x in [Self.expanded(x)[0] + (x[0] > 0 ? jumpSize : 0)] }
        let r = try checkBlackBoxGradient(of: { f($0)[0] }, at: [0, 1000], claimedGradient: { _ in [0, 0] })
        guard case .discontinuity(let jump) = r.entries[0][0].verdict else {
            return XCTFail("expected a discontinuity along x₀\n" + r.renderTable())
        }
        // The finest difference is J plus the rounding of two evaluations, at most 6·10⁻¹⁰.
        XCTAssertEqual(jump, jumpSize, accuracy: 6e-10, r.renderTable())
    }
}

/// No entry of `r` is rule-wrong, and no rung the report does not mark unreliable states an
/// estimate that excludes 0 (the true derivative of the pure-rounding functions above): the
/// shared assertion of the tests of witnesses on rounding staircases.
func assertNoConfidentRungExcludesZero(_ r: CheckReport, file: StaticString = #filePath, line: UInt = #line) {
    for e in r.entries.joined() {
        if case .ruleWrong = e.verdict { XCTFail("[\(e.output)][\(e.input)] rule-wrong\n" + r.renderTable(), file: file, line: line) }
        for o in e.ladder where o.outcome != "unreliable" {
            guard let v = o.value, let est = o.errorEstimate else { continue }
            XCTAssertLessThanOrEqual(Swift.abs(v), CheckOptions.errorEstimateSafety * est,
                                     "[\(e.output)][\(e.input)] \(o.witness): \(o.outcome) \(v) ± \(est)\n" + r.renderTable(),
                                     file: file, line: line)
        }
    }
}
