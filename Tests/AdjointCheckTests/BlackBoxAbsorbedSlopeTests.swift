import XCTest
@testable import AdjointCheck

/// (a·x₀ + B) − B + x₁: a black box whose slope a along x₀ is absorbed by B at the smaller steps.
/// By hand ∂f/∂x₀ = a. With a·h below ulp(B)/2 out to the step scan's first step (1/8), f is
/// exactly constant there, and the flat conviction read the right claim a as a forgotten
/// saturation (rule-wrong) at x₀ = 0.5 and 2 for (a, B) = (10⁻³, 10¹³), (10⁻⁶, 10¹⁰), (10⁻³, 10¹⁴),
/// (10⁻², 10¹⁵). Beyond 1/8 f moves on both sides as a slope of a's sign does (treads of
/// ulp(B)/a: 1.95 for 10⁻³ and 10¹³), which a saturated clamp does not.
final class BlackBoxAbsorbedSlopeTests: XCTestCase {
    static let cases: [(a: Double, big: Double)] = [(1e-3, 1e13), (1e-6, 1e10), (1e-3, 1e14), (1e-2, 1e15)]

    func testARightSlopeAbsorbedAtTheSmallerStepsIsNotConvicted() throws {
        for (a, big) in Self.cases {
            for x0 in [0.5, 2.0] {
                let f = { (x: [Double]) in (a * x[0] + big) - big + x[1] }
                // The premise: f is exactly constant along x₀ at ±1/8.
                XCTAssertEqual(f([x0 + 0.125, 0.5]), f([x0, 0.5]))
                XCTAssertEqual(f([x0 - 0.125, 0.5]), f([x0, 0.5]))
                let r = try checkBlackBoxGradient(of: f, at: [x0, 0.5], claimedGradient: { _ in [a, 1] })
                XCTAssertNotEqual(r.entries[0][0].verdict, .ruleWrong(subjects: ["claimed"]), "a \(a), B \(big), x₀ \(x0)")
                XCTAssertEqual(r.entries[0][1].verdict, .agree, "a \(a), B \(big), x₀ \(x0)")
            }
        }
    }

    /// The claim's negative predicts f falling where it rises: still convicted, as is a clamp's
    /// forgotten saturation (min(x₀, 2) at 3, right slope 0, claimed 1: flat on the right for ever).
    func testAClaimAgainstTheStepsAndAForgottenSaturationAreStillConvicted() throws {
        let (a, big) = (1e-3, 1e13)
        let f = { (x: [Double]) in (a * x[0] + big) - big + x[1] }
        let flipped = try checkBlackBoxGradient(of: f, at: [0.5, 0.5], claimedGradient: { _ in [-a, 1] })
        XCTAssertEqual(flipped.entries[0][0].verdict, .ruleWrong(subjects: ["claimed"]))
        let clamp = try checkBlackBoxGradient(of: { (x: [Double]) in Swift.min(x[0], 2) + x[1] }, at: [3, 0.5],
                                              claimedGradient: { _ in [1, 1] })
        XCTAssertEqual(clamp.entries[0][0].verdict, .ruleWrong(subjects: ["claimed"]))
    }
}

/// The claimed 0 at the same points: f is exactly constant out to the step scan's first step and
/// beyond, so every witness and scan level inside reads 0, and the wrong claim passed. Beyond,
/// f steps on both sides at secants near a (by hand, treads of ulp(B)/a), as a floor does too.
final class BlackBoxZeroOnAStaircaseTests: XCTestCase {
    func testAClaimedZeroForAnAbsorbedSlopeIsNotPassed() throws {
        for (a, big) in BlackBoxAbsorbedSlopeTests.cases {
            for x0 in [0.5, 2.0] {
                let f = { (x: [Double]) in (a * x[0] + big) - big + x[1] }
                XCTAssertEqual(f([x0 + 0.125, 0.5]), f([x0, 0.5]))
                let r = try checkBlackBoxGradient(of: f, at: [x0, 0.5], claimedGradient: { _ in [0, 1] })
                XCTAssertEqual(r.entries[0][0].verdict, .fdInconclusive(reasons: [.flatBelowScale]), "a \(a), B \(big), x₀ \(x0)")
                XCTAssertEqual(r.entries[0][1].verdict, .agree, "a \(a), B \(big), x₀ \(x0)")
                XCTAssertTrue(r.plateaus.contains { $0.hasPrefix("entry (f0, x0)") && $0.contains("staircase") }, "\(r.plateaus)")
            }
        }
    }

    /// The price: a floor's 0, right, is undecided too, since its steps look the same.
    func testAFloorsZeroIsUndecidedForTheSameReason() throws {
        let r = try checkBlackBoxGradient(of: { (x: [Double]) in (x[0]).rounded(.down) + x[1] }, at: [0.5, 0.5],
                                          claimedGradient: { _ in [0, 1] })
        XCTAssertEqual(r.entries[0][0].verdict, .fdInconclusive(reasons: [.flatBelowScale]))
    }

    /// Flat on one side for ever (relu below its kink, a clamp past its bound), and an input f
    /// ignores: the claimed 0 still passes, and the ignored input costs a few evaluations, not
    /// two for each of the look's seven levels.
    func testPlateausAndIgnoredInputsStillPass() throws {
        let relu = try checkBlackBoxGradient(of: { (x: [Double]) in Swift.max(x[0], 0) + x[1] }, at: [-5, 0.5],
                                             claimedGradient: { _ in [0, 1] })
        XCTAssertEqual(relu.entries[0][0].verdict, .agree)
        let clamp = try checkBlackBoxGradient(of: { (x: [Double]) in Swift.min(x[0], 2) + x[1] }, at: [3, 0.5],
                                              claimedGradient: { _ in [0, 1] })
        XCTAssertEqual(clamp.entries[0][0].verdict, .agree)
        // A dead zone leaving its flat piece continuously, one slope on both sides beyond it
        // (the L1 proximal step, sign(x₀)·max(|x₀| − 0.2, 0), at 0): no tread, so no staircase.
        let prox = try checkBlackBoxGradient(of: { (x: [Double]) in (x[0] < 0 ? -1 : 1) * Swift.max(Swift.abs(x[0]) - 0.2, 0) + x[1] },
                                             at: [0, 0.5], claimedGradient: { _ in [0, 1] })
        XCTAssertEqual(prox.entries[0][0].verdict, .agree)
        // A minimum's plateau: f rises on both sides beyond it.
        let well = try checkBlackBoxGradient(of: { (x: [Double]) in Swift.max(Swift.abs(x[0]) - 1, 0) + x[1] }, at: [0, 0.5],
                                             claimedGradient: { _ in [0, 1] })
        XCTAssertEqual(well.entries[0][0].verdict, .agree)
        var calls = 0
        let ignored = try checkBlackBoxGradient(of: { (x: [Double]) in calls += 1; return x[1] * x[1] }, at: [0.5, 0.5],
                                                claimedGradient: { x in [0, 2 * x[1]] })
        XCTAssertEqual(ignored.entries[0].map(\.verdict), [.agree, .agree])
        let used = calls
        calls = 0
        let both = try checkBlackBoxGradient(of: { (x: [Double]) in calls += 1; return x[1] * x[1] + x[0] }, at: [0.5, 0.5],
                                             claimedGradient: { x in [1, 2 * x[1]] })
        XCTAssertEqual(both.entries[0].map(\.verdict), [.agree, .agree])
        // The ignored input's staircase look is one pair of samples at the farthest level (and
        // the pair at the first step, which the other input's agreement may not have taken).
        XCTAssertLessThanOrEqual(used, calls + 4)
    }
}

/// A staircase on one side of x only, a kink keeping the other flat: (max(x₀, 0) + B) − B + x₁
/// has slope 1 along x₀ for x₀ > 0 by hand, but B + x₀ rounds to B for x₀ below ulp(B)/2 (0.125
/// for B = 2⁵⁰, 0.5 for 2⁵²), so at x₀ = 0.01, 0.05, 0.1 f is flat on the left for ever and on
/// the right up to that edge, where it jumps by ulp(B). Every witness read 0, and the claimed 0
/// passed (and for 2⁵², flat at ±1/8, the right claim 1 was convicted as a forgotten saturation).
final class BlackBoxZeroBesideAOneSidedStaircaseTests: XCTestCase {
    /// (name, f, x₀) with the staircase on the right (relu), on the left (min with 0, and min
    /// with 2 just below 2), and a term steeper by 1000 past 0.12 that makes the treads beyond
    /// the first edge 2.5·10⁻⁴ wide.
    static func shapes(_ big: Double) -> [(name: String, f: ([Double]) -> Double, x: [Double])] {
        let relu: ([Double]) -> Double = { x in (Swift.max(x[0], 0) + big) - big + x[1] }
        // Below B the spacing is half: min(x₀, 0)'s treads are 0.0625 wide at 2⁵⁰, so x₀ within 0.03.
        let minWith0: ([Double]) -> Double = { x in (Swift.min(x[0], 0) + big) - big + x[1] }
        let minWith2: ([Double]) -> Double = { x in (Swift.min(x[0], 2) + big) - big + x[1] }
        let steeper: ([Double]) -> Double = { x in (Swift.max(x[0], 0) + 1000 * Swift.max(x[0] - 0.12, 0) + big) - big + x[1] }
        var all: [(name: String, f: ([Double]) -> Double, x: [Double])] = []
        for a in [0.01, 0.05, 0.1] {
            all.append(("relu", relu, [a, 0.5]))
            all.append(("min with 2", minWith2, [2 - a, 0.5]))
        }
        for a in [0.01, 0.03] { all.append(("min with 0", minWith0, [-a, 0.5])) }
        all.append(("steeper past 0.12", steeper, [0.01, 0.5]))
        return all
    }

    func testTheShapesPremise() {
        let f = { (x: Double) in (Swift.max(x, 0) + 0x1p50) - 0x1p50 }
        XCTAssertEqual(f(0.01), 0)
        XCTAssertEqual(f(0.124), 0)
        XCTAssertEqual(f(-100), 0)
        XCTAssertEqual(f(0.126), 0.25)
        XCTAssertEqual(f(0.3), 0.25)
        let g = { (x: Double) in (Swift.max(x, 0) + 0x1p52) - 0x1p52 }
        XCTAssertEqual(g(0.49), 0)
        XCTAssertEqual(g(0.51), 1)
    }

    func testAClaimedZeroBesideAOneSidedStaircaseIsNotPassed() throws {
        for big in [0x1p50, 0x1p52] {
            for (name, f, x) in Self.shapes(big) {
                let r = try checkBlackBoxGradient(of: f, at: x, claimedGradient: { _ in [0, 1] })
                XCTAssertEqual(r.entries[0][0].verdict, .fdInconclusive(reasons: [.flatBelowScale]), "\(name), B \(big), x \(x)\n" + r.renderTable())
                XCTAssertEqual(r.entries[0][1].verdict, .agree, "\(name), B \(big), x \(x)")
                XCTAssertTrue(r.plateaus.contains { $0.hasPrefix("entry (f0, x0)") && $0.contains("jumped") && $0.contains("staircase") },
                              "\(name), B \(big), x \(x): \(r.plateaus)")
            }
        }
    }

    /// The right claim 1 is not convicted: for 2⁵² f is flat at ±1/8 and moves only at the edge
    /// 0.5 − x₀ away on one side; with the steeper term, three samples past the first edge fell on
    /// one line to the last bit and read as a kink whose plateau's slope is 0.
    func testTheRightSlopeBesideAOneSidedStaircaseIsNotConvicted() throws {
        for big in [0x1p50, 0x1p52] {
            for (name, f, x) in Self.shapes(big) {
                let r = try checkBlackBoxGradient(of: f, at: x, claimedGradient: { _ in [1, 1] })
                XCTAssertNotEqual(r.entries[0][0].verdict.name, "rule-wrong", "\(name), B \(big), x \(x)\n" + r.renderTable())
            }
        }
    }

    /// In Float: ulp(2²¹) = 0.25, so (max(x₀, 0) + 2²¹) − 2²¹ is flat for x₀ < 0.125 as the
    /// Double staircase at 2⁵⁰ is; its claimed 0 agreed in 11 evaluations.
    func testInFloat() throws {
        let f = { (x: [Float]) -> Float in (Swift.max(x[0], 0) + 0x1p21) - 0x1p21 + x[1] }
        XCTAssertEqual(f([0.12, 0.5]), 0.5)
        XCTAssertEqual(f([0.13, 0.5]), 0.75)
        for x0: Float in [0.01, 0.05, 0.1] {
            let zero = try checkBlackBoxGradient(of: f, at: [x0, 0.5], claimedGradient: { _ in [0, 1] })
            XCTAssertEqual(zero.entries[0][0].verdict, .fdInconclusive(reasons: [.flatBelowScale]), "\(x0)\n" + zero.renderTable())
            let one = try checkBlackBoxGradient(of: f, at: [x0, 0.5], claimedGradient: { _ in [1, 1] })
            XCTAssertNotEqual(one.entries[0][0].verdict.name, "rule-wrong", "\(x0)\n" + one.renderTable())
        }
        let relu = try checkBlackBoxGradient(of: { (x: [Float]) -> Float in Swift.max(x[0], 0) + x[1] }, at: [-5, 0.5],
                                             claimedGradient: { _ in [0, 1] })
        XCTAssertEqual(relu.entries[0][0].verdict, .agree, relu.renderTable())
    }

    /// The price: a genuine one-sided staircase, or a step function beside x, looks the same, and
    /// its right 0 is undecided too.
    func testAOneSidedStaircasesRightZeroIsUndecidedToo() throws {
        let floors: [([Double]) -> Double] = [{ x in Swift.max(x[0].rounded(.down), 0) + x[1] },
                                              { x in Swift.max(x[0], 0).rounded(.down) + x[1] },
                                              { x in (x[0] < 0.1 ? 0 : 1) + x[1] }]
        for (k, f) in floors.enumerated() {
            let r = try checkBlackBoxGradient(of: f, at: [k == 2 ? 0.05 : -0.5, 0.5], claimedGradient: { _ in [0, 1] })
            XCTAssertEqual(r.entries[0][0].verdict, .fdInconclusive(reasons: [.flatBelowScale]), "\(k)\n" + r.renderTable())
        }
    }

    /// The price on the conviction side: a step function's wrong claim 1 beside its jump (x₀ <
    /// 0.6 ? 0 : 1 at 0.01, derivative 0) was rule-wrong and is now undecided, since the absorbed
    /// slope at 2⁵² looks the same. It is not passed.
    func testAStepFunctionsWrongSlopeIsNotPassed() throws {
        let r = try checkBlackBoxGradient(of: { (x: [Double]) in (x[0] < 0.6 ? 0 : 1) + x[1] }, at: [0.01, 0.5],
                                          claimedGradient: { _ in [1, 1] })
        XCTAssertEqual(r.entries[0][0].verdict.name, "fd-inconclusive", r.renderTable())
        XCTAssertFalse(r.passed, r.renderTable())
    }

    /// Plateaus whose edge is continuous keep their pass: relu below its kink, a clamp to [0, 1]
    /// (whose ramp stops again 1 past the edge), hard sigmoid, a square root and a square leaving
    /// 0, the L1 proximal step at 0 and ±0.1. Relu at −5 costs 20 evaluations (13 before: the
    /// bracket of its edge and one sample past it).
    func testContinuousEdgesStillPass() throws {
        let relu: ([Double]) -> Double = { x in Swift.max(x[0], 0) + x[1] }
        let prox: ([Double]) -> Double = { x in (x[0] < 0 ? -1 : 1) * Swift.max(Swift.abs(x[0]) - 0.2, 0) + x[1] }
        var cases: [(String, ([Double]) -> Double, Double)] = [("relu", relu, -5), ("relu", relu, -0.01)]
        cases.append(("clamp to [0, 1]", { x in Swift.min(Swift.max(x[0], 0), 1) + x[1] }, -5))
        cases.append(("hard sigmoid", { x in Swift.min(Swift.max(0.2 * x[0] + 0.5, 0), 1) + x[1] }, -5))
        cases.append(("square root", { x in Swift.max(x[0], 0).squareRoot() + x[1] }, -1))
        cases.append(("square", { x in Swift.max(x[0], 0) * Swift.max(x[0], 0) + x[1] }, -1))
        cases.append(("min with 2", { x in Swift.min(x[0], 2) + x[1] }, 3))
        for p in [0, 0.1, -0.1] { cases.append(("L1 proximal step", prox, p)) }
        for (name, f, x0) in cases {
            var calls = 0
            let r = try checkBlackBoxGradient(of: { (x: [Double]) in calls += 1; return f(x) }, at: [x0, 0.5], claimedGradient: { _ in [0, 1] })
            XCTAssertEqual(r.entries[0].map(\.verdict), [.agree, .agree], "\(name) at \(x0)\n" + r.renderTable())
            XCTAssertLessThanOrEqual(calls, 22, "\(name) at \(x0)")
        }
    }

    /// A clamp far from its edge: clamp(x₀, 0, 1) and hardtanh (clamp to [−1, 1]) are flat at
    /// −1000 … −20 and at 100 (derivative 0 by hand), and leave f(x) by a ramp of width 1 (2)
    /// that saturates again. The edge's bracket (1/8 of its distance, 12.5 at −100) is wider than
    /// the ramp, its far end lay on the saturated part, and the δ test read a tread there: the
    /// claimed 0 was flat-below-scale at −1000, −300, −100 and hardtanh's at 100, where before
    /// 4b81c628 it agreed. The ramp is no discontinuity of f's floats: the edge bracketed to an
    /// ulp shows f still moving past it.
    func testAClampFarFromItsEdgeKeepsItsPass() throws {
        let clamp: ([Double]) -> Double = { x in Swift.min(Swift.max(x[0], 0), 1) + x[1] }
        let hardtanh: ([Double]) -> Double = { x in Swift.min(Swift.max(x[0], -1), 1) + x[1] }
        for (name, f) in [("clamp to [0, 1]", clamp), ("hardtanh", hardtanh)] {
            for x0 in [-1000, -300, -100, -50, -20, 100.0] {
                var calls = 0
                let r = try checkBlackBoxGradient(of: { (x: [Double]) in calls += 1; return f(x) }, at: [x0, 0.5],
                                                  claimedGradient: { _ in [0, 1] })
                XCTAssertEqual(r.entries[0].map(\.verdict), [.agree, .agree], "\(name) at \(x0)\n" + r.renderTable())
                XCTAssertLessThanOrEqual(calls, 90, "\(name) at \(x0)")
            }
        }
    }

    /// hardtanh's gradient over [−1000, 1000], 0 outside [−1, 1] and 1 inside by hand, off its
    /// kinks: every point agrees (on 4b81c628 the saturated points from about ±100 out were
    /// flat-below-scale, the fraction a property test of hardtanh would fail on).
    func testHardtanhsGradientAgreesAcrossItsRange() throws {
        let hardtanh: ([Double]) -> Double = { x in Swift.min(Swift.max(x[0], -1), 1) + x[1] }
        var undecided: [Double] = []
        for k in 0...80 {
            let x0 = -1000 + 25 * Double(k) + 0.3
            let slope: Double = Swift.abs(x0) < 1 ? 1 : 0
            let r = try checkBlackBoxGradient(of: hardtanh, at: [x0, 0.5], claimedGradient: { _ in [slope, 1] })
            if r.entries[0][0].verdict != .agree { undecided.append(x0) }
        }
        XCTAssertEqual(undecided, [])
    }

    /// The conviction the tread reading cost: clamp(x₀, 0, 1) at −9 is flat (derivative 0 by
    /// hand) out to its edge 9 away, and at 2¹⁶ first steps the saturated part past the ramp read
    /// as a tread with a secant of 0.11, so a wrong claim up to 0.44 was spared as "the jump's
    /// way": the wrong 0.1 was rule-wrong before 4b81c628 and fd-inconclusive after it.
    func testAWrongSlopeOnAClampsPlateauIsConvicted() throws {
        let clamp: ([Double]) -> Double = { x in Swift.min(Swift.max(x[0], 0), 1) + x[1] }
        for x0 in [-9, -8.5, -10.0] {
            let r = try checkBlackBoxGradient(of: clamp, at: [x0, 0.5], claimedGradient: { _ in [0.1, 1] })
            XCTAssertEqual(r.entries[0][0].verdict.name, "rule-wrong", "\(x0)\n" + r.renderTable())
        }
    }
}
