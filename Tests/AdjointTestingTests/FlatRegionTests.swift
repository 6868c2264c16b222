import Foundation
import XCTest
import AdjointCheck
import AdjointCore
import AdjointTesting

/// clamp(x, −1, 1) written as a black box; its rule forgets the saturation (1 everywhere, where by
/// hand the slope is 0 for |x| > 1). From a user's review: the black-box check said
/// "fd-inconclusive (cancellation)" beyond ±1, the harness passed 300 trials (24 such points,
/// within the 10% allowance) and validate passed ("6 partials agree; 10 could not be judged").
private enum ClampForgotSaturation: BlackBoxPrimitive {
    static let name = "clamp_forgot_saturation"
    static func evaluate(_ x: Double, _ y: Double) -> Double { Swift.min(Swift.max(x, -1), 1) }
    static func derivatives(_ x: Double, _ y: Double, output z: Double) -> (Double, Double) { (1, 0) }
    static func kinkDistance(_ x: Double, _ y: Double) -> Double? { Swift.min(Swift.abs(x - 1), Swift.abs(x + 1)) }
}
private enum Clamp: BlackBoxPrimitive {
    static let name = "clamp_right"
    static func evaluate(_ x: Double, _ y: Double) -> Double { Swift.min(Swift.max(x, -1), 1) }
    static func derivatives(_ x: Double, _ y: Double, output z: Double) -> (Double, Double) { (Swift.abs(x) < 1 ? 1 : 0, 0) }
    static func kinkDistance(_ x: Double, _ y: Double) -> Double? { Swift.min(Swift.abs(x - 1), Swift.abs(x + 1)) }
}

final class FlatRegionTests: XCTestCase {
    private static let clamp: @Sendable ([Double]) -> Double = { x in Swift.min(Swift.max(x[0], -1), 1) + x[1] }

    /// Claimed 1 where f is flat predicts a change of 0.25 at the step 0.25, far above what
    /// f = 1.3 rounds: rule-wrong (it was flagged and left undecided).
    func testTheBlackBoxCheckConvictsAFlatEntryFarAboveRounding() throws {
        let r = try checkBlackBoxGradient(of: Self.clamp, at: [2, 0.3], claimedGradient: { _ in [1, 1] })
        XCTAssertEqual(r.entries[0][0].verdict, .ruleWrong(subjects: ["claimed"]), r.renderTable())
        XCTAssertFalse(r.entries[0][0].flatWhereClaimMoves, r.renderTable())
        XCTAssertFalse(r.entries[0][1].flatWhereClaimMoves, r.renderTable())
        XCTAssertFalse(r.passed)
        // The right claim, 0 in the saturation, is not flagged.
        let right = try checkBlackBoxGradient(of: Self.clamp, at: [2, 0.3], claimedGradient: { _ in [0, 1] })
        XCTAssertFalse(right.entries[0][0].flatWhereClaimMoves, right.renderTable())
    }

    func testTheHarnessFailsAPointWhereFIsFlatAndTheClaimIsNot() {
        var o = AdjointTestOptions()
        o.trials = 300
        let wrong = checkProperty(.blackBoxGradient(of: Self.clamp, claimed: { x in [1, 1] },
                                                    inputs: .vector(2, .uniform(-1.08...1.08))), options: o)
        XCTAssertFalse(wrong.passed, wrong.message)
        // The shrunk point sits within 1/8 of the saturation's edge (x₀ = −1.01), where f moves
        // at the input's own scale. It was flagged, not convicted; f is flat out to the input's
        // scale on one side and up to the kink 0.01 away on the other, moving on a line beyond it,
        // and the black-box check now convicts it on those constant samples.
        XCTAssertTrue(wrong.message.contains("input: [-1.01, 0.0]"), wrong.message)
        XCTAssertTrue(wrong.message.contains("reference 0.0 (constant samples"), wrong.message)
        XCTAssertTrue(wrong.message.contains("rule-wrong (claimed)"), wrong.message)
        let right = checkProperty(.blackBoxGradient(of: Self.clamp, claimed: { x in [Swift.abs(x[0]) < 1 ? 1 : 0, 1] },
                                                    inputs: .vector(2, .uniform(-1.08...1.08))), options: o)
        XCTAssertTrue(right.passed, right.message)
    }

    func testValidateDoesNotPassARuleOnAFlatStretch() {
        let v = validate(ClampForgotSaturation.self)
        XCTAssertEqual(v.check(named: "partials")?.outcome, .inconclusive, v.description)
        XCTAssertFalse(v.passed, v.description)
        XCTAssertTrue(v.description.contains("takes one value at every step"), v.description)
        let right = validate(Clamp.self)
        XCTAssertNotEqual(right.check(named: "partials")?.outcome, .inconclusive, right.description)
    }

    /// A review: tanh at 25 is flat in Double (1 − 2e-22 rounds to 1) and its right slope is
    /// 4e-22 (by hand sech² 25 = 7.7e-22·… ≈ 4·e^(−50)); far below what f's rounding hides, it was
    /// reported as a forgotten saturation. A logistic at 42 (slope 5.7e-19) likewise in validate.
    func testATinyRightSlopeOnAFlatStretchIsNotFlagged() throws {
        let sech2 = 4 * Foundation.exp(-50.0) / ((1 + Foundation.exp(-50.0)) * (1 + Foundation.exp(-50.0)))
        let r = try checkBlackBoxGradient(of: { (x: [Double]) in Foundation.tanh(x[0]) }, at: [25.0], claimedGradient: { _ in [sech2] })
        XCTAssertFalse(r.entries[0][0].flatWhereClaimMoves, r.renderTable())
        let v = validate(Logistic.self)
        XCTAssertNotEqual(v.check(named: "partials")?.outcome, .inconclusive, v.description)
    }
}

/// 1/(1 + e^(−x)) over ±60, with its exact slope u/(1 + u)², u = e^(−|x|).
private enum Logistic: BlackBoxPrimitive {
    static let name = "review_logistic"
    static var sampleRanges: [ClosedRange<Double>] { [-60...60] }
    static func evaluate(_ x: Double, _ y: Double) -> Double { 1 / (1 + Foundation.exp(-x)) }
    static func derivatives(_ x: Double, _ y: Double, output z: Double) -> (Double, Double) {
        let u = Foundation.exp(-Swift.abs(x))
        return (u / ((1 + u) * (1 + u)), 0)
    }
}

/// (x₀x₁, sin x₁) with a right JVP and a VJP one entry short.
private enum ShortVJPForHarness: VectorPrimitive {
    static let name = "harness_short_vjp"
    static func primal(_ x: [Double]) -> [Double] { [x[0] * x[1], Foundation.sin(x[1])] }
    static func jvp(at x: [Double], direction v: [Double]) -> [Double]? { [x[1] * v[0] + x[0] * v[1], Foundation.cos(x[1]) * v[1]] }
    static func vjp(at x: [Double], cotangent u: [Double]) -> [Double]? { [u[0] * x[1]] }
}
private struct ThroughShortVJPForHarness: ADFunction, Sendable {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { ShortVJPForHarness.apply(x) }
}

final class ModeFailureMessageTests: XCTestCase {
    /// A review: the property failed with "Jacobian: error" and nothing saying the VJP had the
    /// wrong length. The right Jacobian by hand is [[x₁, x₀], [0, cos x₁]].
    func testAFailedModeIsNamedInTheMessage() {
        let r = checkProperty(.jacobian(of: ThroughShortVJPForHarness(), claimed: { (x: [Double]) in [[x[1], x[0]], [0, Foundation.cos(x[1])]] },
                                        inputs: .point([0.5, 2])))
        XCTAssertFalse(r.passed, r.message)
        XCTAssertTrue(r.message.contains("reverse mode failed") && r.message.contains("VJP length"), r.message)
    }
}

/// Newton on x³ + a·x − b = 0 from x = 1, stopped where |residual| ≤ 10⁻⁸: at (a, b) = (2, 3) the
/// start is the root, so f = 1 wherever |δa − δb| ≤ 10⁻⁸, and beyond it follows the root, whose
/// gradient by hand is (−x, 1)/(3x² + a) = (−1/5, 1/5).
@Sendable private func newtonRoot(_ p: [Double]) -> Double {
    var x = 1.0
    for _ in 0..<100 {
        let r = x * x * x + p[0] * x - p[1]
        if Swift.abs(r) <= 1e-8 { break }
        let next = x - r / (3 * x * x + p[0])
        if next == x { break }
        x = next
    }
    return x
}

final class PlateauPropertyTests: XCTestCase {
    /// A gradient that forgot a, (0, 1/5), passed the property at the point where Newton starts
    /// at its root: the differences at the finest steps sit inside the band where f is constant
    /// and read 0. It is inconclusive there now, and the right gradient still passes.
    func testAForgottenVariableDoesNotPassWhereTheSolverStartsAtItsRoot() {
        let forgot = checkProperty(.blackBoxGradient(of: newtonRoot, claimed: { _ in [0, 0.2] }, inputs: .point([2, 3])))
        XCTAssertFalse(forgot.passed, forgot.message)
        XCTAssertEqual(forgot.failure?.verdict, .inconclusive, forgot.message)
        XCTAssertTrue(forgot.message.contains("flat-below-scale"), forgot.message)
        let right = checkProperty(.blackBoxGradient(of: newtonRoot, claimed: { _ in [-0.2, 0.2] }, inputs: .point([2, 3])))
        XCTAssertTrue(right.passed, right.message)
    }
}
