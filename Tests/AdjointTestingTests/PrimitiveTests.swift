import AdjointCheck
import AdjointCore
import Foundation
import Testing
import XCTest
@testable import AdjointTesting

/// x³ with its rule written generically: right at every order.
enum Cube: UnaryPrimitive {
    static let name = "cube"
    static func primal<T: ADScalar>(_ x: T) -> T { x * x * x }
    static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { 3 * x * x }
}

/// x³ with the derivative's factor 3 dropped: wrong at first order.
enum CubeWrong: UnaryPrimitive {
    static let name = "cube_wrong"
    static func primal<T: ADScalar>(_ x: T) -> T { x * x * x }
    static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { x * x }
}

/// x³ with the derivative computed in Doubles: right once, and constant when differentiated
/// again, so its second derivative is 0 instead of 6x.
enum CubeInDoubles: UnaryPrimitive {
    static let name = "cube_doubles"
    static func primal<T: ADScalar>(_ x: T) -> T { x * x * x }
    static func derivative<T: ADScalar>(_ x: T, output z: T) -> T {
        let a = x.approximateDouble
        return T(3 * a * a)
    }
}

/// sin sampled near 10⁻¹⁵⁰ whose rule reads cos x as a Double: right once, and its second
/// derivative is 0 for −sin x.
enum TinySinReadingCosAsDouble: UnaryPrimitive {
    static let name = "tiny_sin_doubles"
    static var sampleRanges: [ClosedRange<Double>] { [1e-151...1e-150] }
    static func primal<T: ADScalar>(_ x: T) -> T { sin(x) }
    static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { T(Foundation.cos(x.approximateDouble)) }
}

/// y = 2x with a VJP that ignores its cotangent (returns 2 per entry).
enum ScaleBadVJP: VectorPrimitive {
    static let name = "scale2_bad_vjp"
    static func primal(_ x: [Double]) -> [Double] { x.map { 2 * $0 } }
    static func jvp(at x: [Double], direction v: [Double]) -> [Double]? { v.map { 2 * $0 } }
    static func vjp(at x: [Double], cotangent u: [Double]) -> [Double]? { u.map { _ in 2 } }
}

enum Scale2: VectorPrimitive {
    static let name = "scale2"
    static func primal(_ x: [Double]) -> [Double] { x.map { 2 * $0 } }
    static func jvp(at x: [Double], direction v: [Double]) -> [Double]? { v.map { 2 * $0 } }
    static func vjp(at x: [Double], cotangent u: [Double]) -> [Double]? { u.map { 2 * $0 } }
}

/// f(x) = cube(x₀)·x₁ through the Doubles-only rule: its gradient is right, its Hessian is not.
struct CubeEnergy: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [CubeInDoubles.apply(x[0]) * x[1]] }
}

final class PrimitiveTests: XCTestCase {
    var captured: [String] = []
    var capturing = false
    override func recordFailure(withDescription description: String, inFile filePath: String, atLine lineNumber: Int, expected: Bool) {
        if capturing { captured.append(description); return }
        super.recordFailure(withDescription: description, inFile: filePath, atLine: lineNumber, expected: expected)
    }

    func testACorrectPrimitivePasses() {
        let v = assertPrimitive(Cube.self)
        XCTAssertTrue(v.passed, v.description)
        XCTAssertEqual(v.check(named: "partials")?.outcome, .passed)
        XCTAssertEqual(v.check(named: "second-derivatives")?.outcome, .passed)
        XCTAssertTrue(assertPrimitive(Scale2.self, inputs: 4).passed)
    }

    func testWrongRulesAreRecordedNamingTheCheck() {
        capturing = true
        let first = assertPrimitive(CubeWrong.self)
        let second = assertPrimitive(CubeInDoubles.self)
        let vector = assertPrimitive(ScaleBadVJP.self, inputs: 3)
        capturing = false
        XCTAssertEqual(first.check(named: "partials")?.outcome, .failed)
        // CubeWrong's Hessian (2x, from the partial x²) agrees with differences of that partial:
        // the wrong rule agreeing with itself, not a pass (it was "passed" before).
        XCTAssertEqual(first.check(named: "second-derivatives")?.outcome, .inconclusive, first.description)
        XCTAssertEqual(second.check(named: "partials")?.outcome, .passed)
        XCTAssertEqual(second.check(named: "second-derivatives")?.outcome, .failed)
        XCTAssertEqual(vector.check(named: "vjp")?.outcome, .failed)
        XCTAssertEqual(captured.count, 3)
        XCTAssertTrue(captured[0].contains("assertPrimitive failed: failed partials"), captured[0])
        XCTAssertTrue(captured[1].contains("assertPrimitive failed: failed second-derivatives"), captured[1])
        XCTAssertTrue(captured[1].contains("replay: validate(CubeInDoubles.self, samples: 16, seed: \(hex(AdjointTestOptions().seed)))"), captured[1])
        XCTAssertTrue(captured[2].contains("failed vjp"), captured[2])
    }

    /// sin whose rule reads cos x as a Double, sampled near 10⁻¹⁵⁰: its partials pass (cos x = 1
    /// to Double there) and its second derivative, 0 for −sin x ≈ −10⁻¹⁵⁰ (by hand), is a gap no
    /// difference of a partial near 1 resolves. assertPrimitive recorded nothing: the user read
    /// that second order was checked. It records the undecided check, with the reason.
    func testAnUndecidedSecondOrderIsRecordedNotPassed() {
        capturing = true
        let v = assertPrimitive(TinySinReadingCosAsDouble.self)
        capturing = false
        XCTAssertFalse(v.passed, v.description)
        XCTAssertEqual(captured.count, 1, v.description)
        let m = captured.first ?? ""
        XCTAssertTrue(m.contains("assertPrimitive failed: not confirmed, second-derivatives could not decide"), m)
        XCTAssertTrue(m.contains("no difference of the partials was reliable"), m)
        XCTAssertTrue(m.contains("partials: passed"), m)
    }

    /// A count of inputs below 1 trapped in the default sampleRanges(inputs:) ("Can't construct
    /// Array with count < 0"), killing the test process; it is now a failed declaration.
    func testANegativeInputCountIsAFailedDeclarationNotATrap() {
        capturing = true
        let negative = assertPrimitive(Scale2.self, inputs: -1)
        let zero = assertPrimitive(Scale2.self, inputs: 0)
        capturing = false
        for (v, n) in [(negative, -1), (zero, 0)] {
            XCTAssertFalse(v.passed)
            XCTAssertEqual(v.check(named: "declaration")?.outcome, .failed, v.description)
            XCTAssertEqual(v.check(named: "declaration")?.detail, "inputs must be ≥ 1, got \(n)")
        }
        XCTAssertEqual(captured.count, 2)
        XCTAssertTrue(captured.allSatisfy { $0.contains("failed declaration") }, "\(captured)")
    }

    func testTheDoublesOnlyRuleIsCaughtBySecondOrderInAFunction() throws {
        var o = AdjointTestOptions()
        o.trials = 10
        let space = InputSpace.vector(2, .uniform(-2...2))
        let g: @Sendable ([Double]) -> [Double] = { x in [3 * x[0] * x[0] * x[1], x[0] * x[0] * x[0]] }
        XCTAssertTrue(checkProperty(.gradient(of: CubeEnergy(), claimed: g, inputs: space), options: o).passed)
        let r = checkProperty(.hessian(of: CubeEnergy(), inputs: space), options: o)
        XCTAssertEqual(r.failure?.verdict, .ruleWrong, r.message)
        // H[0][0] = 6x₀x₁ is lost (the rule's derivative is a constant to the outer level).
        XCTAssertTrue(r.message.contains("∂²f/∂x[0]∂x[0]"), r.message)
    }

    /// A right hand gradient of a function built on a wrong primitive: the property fails (AD is
    /// wrong), and the message says the claim is not what is wrong (user trial: the headline
    /// "the claimed gradient: rule-wrong" sent the reader to a right claim).
    func testAWrongPrimitiveUnderARightClaimIsNamedAsTheCulprit() {
        struct UsesWrongCube: ADFunction {
            func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [CubeWrong.apply(x[0]) + x[1]] }
        }
        var o = AdjointTestOptions()
        o.trials = 5
        let right: @Sendable ([Double]) -> [Double] = { x in [3 * x[0] * x[0], 1] }   // d(x³ + y) by hand
        let r = checkProperty(.gradient(of: UsesWrongCube(), claimed: right, inputs: .vector(2, .uniform(0.5...2))), options: o)
        XCTAssertEqual(r.failure?.verdict, .ruleWrong, r.message)
        XCTAssertTrue(r.message.contains("shown wrong: forward and reverse mode only, not the claim"), r.message)
        // A wrong claim over right AD gets no such line.
        let wrongClaim: @Sendable ([Double]) -> [Double] = { x in [x[0] * x[0], 1] }
        let c = checkProperty(.gradient(of: CubeEnergy(), claimed: wrongClaim, inputs: .vector(2, .uniform(0.5...2))), options: o)
        XCTAssertEqual(c.failure?.verdict, .ruleWrong, c.message)
        XCTAssertFalse(c.message.contains("shown wrong:"), c.message)
    }
}

/// y = 3x with a JVP only (JAX's custom_jvp), right and with the 3 written 2.
enum Scale3JVPOnly: VectorPrimitive {
    static let name = "scale3_jvp_only"
    static func primal(_ x: [Double]) -> [Double] { x.map { 3 * $0 } }
    static func jvp(at x: [Double], direction v: [Double]) -> [Double]? { v.map { 3 * $0 } }
}
enum Scale3WrongJVPOnly: VectorPrimitive {
    static let name = "scale3_wrong_jvp_only"
    static func primal(_ x: [Double]) -> [Double] { x.map { 3 * $0 } }
    static func jvp(at x: [Double], direction v: [Double]) -> [Double]? { v.map { 2 * $0 } }
}
/// f(x) = 3x₀·x₁ through the primitive: ∇f = (3x₁, 3x₀) by hand.
struct ScaledProduct<P: VectorPrimitive>: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [P.apply([x[0]])[0] * x[1]] }
}

extension PrimitiveTests {
    /// A property over a function using a JVP-only primitive: every point's check used to be
    /// "non-finite" (the check's reverse recording refused the call); now forward mode and the
    /// claim are checked, and a wrong JVP under a right claim is named.
    func testAJVPOnlyPrimitiveIsCheckedByAProperty() {
        var o = AdjointTestOptions()
        o.trials = 5
        let hand: @Sendable ([Double]) -> [Double] = { x in [3 * x[1], 3 * x[0]] }
        let right = checkProperty(.gradient(of: ScaledProduct<Scale3JVPOnly>(), claimed: hand,
                                            inputs: .vector(2, .uniform(0.5...2))), options: o)
        XCTAssertTrue(right.passed, right.message)
        let wrong = checkProperty(.gradient(of: ScaledProduct<Scale3WrongJVPOnly>(), claimed: hand,
                                            inputs: .vector(2, .uniform(0.5...2))), options: o)
        XCTAssertEqual(wrong.failure?.verdict, .ruleWrong, wrong.message)
        XCTAssertTrue(wrong.message.contains("shown wrong: forward mode only, not the claim"), wrong.message)
        XCTAssertTrue(wrong.message.contains("scale3_wrong_jvp_only JVP"), wrong.message)
    }
}

@Suite struct PrimitiveAssertionsInSwiftTesting {
    @Test func wrongPrimitiveIsAnIssue() {
        withKnownIssue {
            assertPrimitive(CubeWrong.self)
        } matching: { issue in
            issue.comments.map(\.rawValue).joined().contains("failed partials")
        }
    }
}
