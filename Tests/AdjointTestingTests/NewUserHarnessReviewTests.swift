import AdjointCheck
import AdjointCore
import Foundation
import Synchronization
import Testing
import XCTest
@testable import AdjointTesting

// A new user's review of the harness: the scenarios a project with its own derivatives writes
// (a primitive with its own rule, a hand gradient, JVP, VJP or Hessian), each with the verdict
// derived by hand in its comment before it was run. Nothing expected here is copied from the
// harness's output; where a number is asserted, the comment beside it derives it.

// MARK: - 1. softplus with a hand rule that overflows for large x

/// softplus(x) = log(1 + eˣ), primal written stably, rule written as eˣ/(1 + eˣ).
/// By hand: eˣ overflows to ∞ for x > log(Double.greatestFiniteMagnitude) ≈ 709.78, and ∞/∞ is
/// NaN, while the true derivative σ(x) is 1 to the last bit there. So every mode's derivative
/// is NaN beyond 709.78 and right below it.
enum NaiveSoftplus: UnaryPrimitive {
    static let name = "naive_softplus"
    static func primal<T: ADScalar>(_ x: T) -> T { x > T(30) ? x + log1p(exp(-x)) : log1p(exp(x)) }
    static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { exp(x) / (1 + exp(x)) }
}

/// f(x) = naive_softplus(x₀) + x₀x₁; by hand ∇f = (σ(x₀) + x₁, x₀).
struct SoftplusModel: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [NaiveSoftplus.apply(x[0]) + x[0] * x[1]] }
}

// MARK: - 2. a rule right only for x > 0

/// x|x|, whose derivative is 2|x|; the rule says 2x (written from the x > 0 branch).
/// By hand: right for x ≥ 0, off by 4|x| for x < 0 (rule −2, truth 2 at x = −1).
enum SignedSquare: UnaryPrimitive {
    static let name = "signed_square"
    static func primal<T: ADScalar>(_ x: T) -> T { x < T(0) ? -(x * x) : x * x }
    static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { 2 * x }
}

/// f(x) = signed_square(x₀) + 3x₁; by hand ∇f = (2|x₀|, 3).
struct SignedSquareModel: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [SignedSquare.apply(x[0]) + 3 * x[1]] }
}

// MARK: - 3. a JVP right, its VJP the untransposed J·u

/// F(x) = (x₀x₁, x₀² + 3x₁). By hand J = [[x₁, x₀], [2x₀, 3]], so
/// J·v = (x₁v₀ + x₀v₁, 2x₀v₀ + 3v₁) and Jᵀu = (x₁u₀ + 2x₀u₁, x₀u₀ + 3u₁). The wrong VJP returns
/// J·u = (x₁u₀ + x₀u₁, 2x₀u₀ + 3u₁), off by (x₀u₁, x₀u₀): right only where x₀ = 0 (J diagonal).
enum ProductAndSquare: VectorPrimitive {
    static let name = "product_and_square"
    static func primal(_ x: [Double]) -> [Double] { [x[0] * x[1], x[0] * x[0] + 3 * x[1]] }
    static func jvp(at x: [Double], direction v: [Double]) -> [Double]? { [x[1] * v[0] + x[0] * v[1], 2 * x[0] * v[0] + 3 * v[1]] }
    static func vjp(at x: [Double], cotangent u: [Double]) -> [Double]? { [x[1] * u[0] + 2 * x[0] * u[1], x[0] * u[0] + 3 * u[1]] }
}

enum ProductAndSquareUntransposedVJP: VectorPrimitive {
    static let name = "product_and_square_untransposed"
    static func primal(_ x: [Double]) -> [Double] { [x[0] * x[1], x[0] * x[0] + 3 * x[1]] }
    static func jvp(at x: [Double], direction v: [Double]) -> [Double]? { [x[1] * v[0] + x[0] * v[1], 2 * x[0] * v[0] + 3 * v[1]] }
    static func vjp(at x: [Double], cotangent u: [Double]) -> [Double]? { [x[1] * u[0] + x[0] * u[1], 2 * x[0] * u[0] + 3 * u[1]] }
}

/// g(x) = F(x)₀ + F(x)₁ through the primitive; by hand ∇g = (x₁ + 2x₀, x₀ + 3).
struct SumOfProductAndSquare<P: VectorPrimitive>: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { let y = P.apply(x); return [y[0] + y[1]] }
}

/// The same F as a plain generic function, for hand-written JVP and VJP claims.
struct ProductAndSquareFunction: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] * x[1], x[0] * x[0] + 3 * x[1]] }
}

// MARK: - 4. a Hessian wrong only in the cross term

/// f(x) = x₀²x₁ + sin x₁. By hand ∇f = (2x₀x₁, x₀² + cos x₁) and
/// H = [[2x₁, 2x₀], [2x₀, −sin x₁]]; the wrong claim writes the cross term x₀ (the 2 dropped).
struct CrossTermEnergy: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] * x[0] * x[1] + sin(x[1])] }
}
@Sendable func crossTermHessian(_ x: [Double]) -> [[Double]] { [[2 * x[1], 2 * x[0]], [2 * x[0], -sin(x[1])]] }
@Sendable func crossTermHessianWrong(_ x: [Double]) -> [[Double]] { [[2 * x[1], x[0]], [x[0], -sin(x[1])]] }

// MARK: - 5. a registered primitive whose declared domain is too wide

/// x·log x, with derivative log x + 1, declared valid for x ≥ 0. By hand it is not defined at 0
/// in floating point: 0·log 0 = 0·(−∞) = NaN, and the derivative log 0 + 1 = −∞. The true
/// domain of the rule is x > 0; the declaration wrongly admits 0, and the sample range [0, 3]
/// starts exactly there.
enum XLogX: UnaryPrimitive {
    static let name = "x_log_x"
    static let domain = "x ≥ 0"
    static func domainViolation(_ x: Double, _ y: Double) -> String? { x < 0 ? "x_log_x of a negative number" : nil }
    static var sampleRanges: [ClosedRange<Double>] { [0...3] }
    static func primal<T: ADScalar>(_ x: T) -> T { x * log(x) }
    static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { log(x) + 1 }
}

/// The same with the domain declared right (x > 0): validate must pass it.
enum XLogXRightDomain: UnaryPrimitive {
    static let name = "x_log_x_right_domain"
    static let domain = "x > 0"
    static func domainViolation(_ x: Double, _ y: Double) -> String? { x <= 0 ? "x_log_x of a non-positive number" : nil }
    static var sampleRanges: [ClosedRange<Double>] { [0...3] }
    static func primal<T: ADScalar>(_ x: T) -> T { x * log(x) }
    static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { log(x) + 1 }
}

// MARK: - 6. a rule wrong only at its kink's convention

/// A leaky ReLU with slopes 0.1 (x < 0) and 1 (x > 0), its rule written as two non-exclusive
/// ifs, so at x = 0 both fire: 0.1 + 1 = 1.1. By hand the one-sided derivatives at 0 are 0.1 and
/// 1, and 1.1 lies outside [0.1, 1]: no subgradient. Everywhere else the rule is right.
enum DoubleCountedLeaky: UnaryPrimitive {
    static let name = "double_counted_leaky"
    static func kinkDistance(_ x: Double, _ y: Double) -> Double? { Swift.abs(x) }
    static func primal<T: ADScalar>(_ x: T) -> T { x < T(0) ? 0.1 * x : x }
    static func derivative<T: ADScalar>(_ x: T, output z: T) -> T {
        var d: T = 0
        if x <= T(0) { d += 0.1 }
        if x >= T(0) { d += 1 }
        return d
    }
}

/// f(x) = leaky(x₀)·2 + x₁; by hand ∇f = (2·leaky′(x₀), 1), with the claim taking the left slope
/// at 0 (0.2), a valid subgradient.
struct LeakyModel: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [2 * DoubleCountedLeaky.apply(x[0]) + x[1]] }
}

// MARK: - 7. Float rounding that is not a bug

/// f(x) = Σᵢ e^{xᵢ}·xᵢ₊₁ (cyclic) over ℝ⁴; by hand ∂f/∂xⱼ = e^{xⱼ}xⱼ₊₁ + e^{xⱼ₋₁}.
struct CyclicExp: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
        var s: T = 0
        for i in x.indices { s += exp(x[i]) * x[(i + 1) % x.count] }
        return [s]
    }
}
@Sendable func cyclicExpGradientFloat(_ x: [Float]) -> [Float] {
    let n = x.count
    return (0..<n).map { j in Foundation.exp(x[j]) * x[(j + 1) % n] + Foundation.exp(x[(j + n - 1) % n]) }
}

// MARK: - 8. a matrix-valued user op: the inverse of a 2×2 matrix

/// A ↦ X = A⁻¹ on 2×2 matrices flattened row by row. By hand dX = −X·dA·X, so the JVP is
/// −X·V·X and the VJP (the adjoint under ⟨P, Q⟩ = tr(PᵀQ)) is −Xᵀ·U·Xᵀ. The wrong VJP forgets the
/// transposes (−X·U·X), which is right only where X is symmetric.
func inverse2(_ a: [Double]) -> [Double] {
    let det = a[0] * a[3] - a[1] * a[2]
    return [a[3] / det, -a[1] / det, -a[2] / det, a[0] / det]
}
func matmul2(_ p: [Double], _ q: [Double]) -> [Double] {
    [p[0] * q[0] + p[1] * q[2], p[0] * q[1] + p[1] * q[3], p[2] * q[0] + p[3] * q[2], p[2] * q[1] + p[3] * q[3]]
}
func transpose2(_ p: [Double]) -> [Double] { [p[0], p[2], p[1], p[3]] }

/// What the right and the wrong 2×2 inverse declare alike; they differ only in their VJP.
protocol Inverse2Declaration: VectorPrimitive {}
extension Inverse2Declaration {
    static var domain: String { "det A ≠ 0" }
    static func domainViolation(_ x: [Double]) -> String? { x[0] * x[3] - x[1] * x[2] == 0 ? "singular matrix" : nil }
    static func sampleRanges(inputs n: Int) -> [ClosedRange<Double>] { [1.5...2.5, -0.5...0.5, -0.5...0.5, 1.5...2.5] }
    static func primal(_ x: [Double]) -> [Double] { inverse2(x) }
    static func jvp(at x: [Double], direction v: [Double]) -> [Double]? { let i = inverse2(x); return matmul2(matmul2(i, v), i).map { -$0 } }
}

enum Inverse2: Inverse2Declaration {
    static let name = "inverse2"
    static func vjp(at x: [Double], cotangent u: [Double]) -> [Double]? {
        let t = transpose2(inverse2(x)); return matmul2(matmul2(t, u), t).map { -$0 }
    }
}

/// The slip: uᵀJ written with X where Xᵀ belongs (−X U X for −Xᵀ U Xᵀ).
enum Inverse2UntransposedVJP: Inverse2Declaration {
    static let name = "inverse2_untransposed"
    static func vjp(at x: [Double], cotangent u: [Double]) -> [Double]? { let i = inverse2(x); return matmul2(matmul2(i, u), i).map { -$0 } }
}

/// f(A) = Σᵢⱼ Cᵢⱼ·(A⁻¹)ᵢⱼ with fixed weights C. By hand df = −tr(Cᵀ X dA X) = −tr(X Cᵀ X dA), so
/// ∂f/∂A = −(X Cᵀ X)ᵀ = −Xᵀ C Xᵀ.
let inverseWeights: [Double] = [1, -2, 0.5, 3]
struct WeightedInverse<P: VectorPrimitive>: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
        let y = P.apply(x)
        var s: T = 0
        for k in 0..<4 { s += T(inverseWeights[k]) * y[k] }
        return [s]
    }
}
@Sendable func weightedInverseGradient(_ a: [Double]) -> [Double] {
    let t = transpose2(inverse2(a))
    return matmul2(matmul2(t, inverseWeights), t).map { -$0 }
}

// MARK: - 9. a right but expensive claim: how often the harness calls it

/// Calls of the claimed gradient, counted by the claim itself.
let expensiveClaimCalls = Atomic<Int>(0)

/// Calls of a primitive's rule, counted by the rule itself.
let countedCubeRuleCalls = Atomic<Int>(0)
enum CountedCube: UnaryPrimitive {
    static let name = "counted_cube"
    static func primal<T: ADScalar>(_ x: T) -> T { x * x * x }
    static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { countedCubeRuleCalls.add(1, ordering: .relaxed); return 3 * x * x }
}
/// f(x) = x₀³·x₁; by hand ∇f = (3x₀²x₁, x₀³).
struct CountedCubeModel: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [CountedCube.apply(x[0]) * x[1]] }
}

// MARK: - 10. shrinking a region bug

/// f(x) = x₀³ + x₁; by hand ∇f = (3x₀², 1). The claim is right for x₀ ≤ 2 and writes 3x₀ beyond.
struct CubePlusLinear: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] * x[0] * x[0] + x[1]] }
}
@Sendable func cubePlusLinearGradientRegionBug(_ x: [Double]) -> [Double] { [x[0] > 2 ? 3 * x[0] : 3 * x[0] * x[0], 1] }

// MARK: - 12. a noisy black box (a solve to a tolerance)

/// t(x) solving t³ + t = x, by bisection to 10⁻⁷: f is right only to about 10⁻⁷.
/// By hand dt/dx = 1/(3t² + 1); the wrong claim forgets the 1: 1/(3t²).
@Sendable func cubicRoot(_ x: [Double]) -> Double {
    var lo = -10.0, hi = 10.0
    while hi - lo > 1e-7 {
        let mid = 0.5 * (lo + hi)
        if mid * mid * mid + mid < x[0] { lo = mid } else { hi = mid }
    }
    return 0.5 * (lo + hi)
}

final class NewUserHarnessReviewTests: XCTestCase {
    var captured: [String] = []
    var capturing = false
    override func recordFailure(withDescription description: String, inFile filePath: String, atLine lineNumber: Int, expected: Bool) {
        if capturing { captured.append(description); return }
        super.recordFailure(withDescription: description, inFile: filePath, atLine: lineNumber, expected: expected)
    }

    func options(trials: Int) -> AdjointTestOptions {
        var o = AdjointTestOptions()
        o.trials = trials
        return o
    }

    /// 1. Expected: the property fails as non-finite (forward and reverse NaN), never rule-wrong of
    /// the right claim; the input shrinks to a simple number beyond 709.78 (the only region that
    /// fails), and x₁ to 0.
    func testScenario1OverflowingSoftplusRule() {
        let claim: @Sendable ([Double]) -> [Double] = { x in [1 / (1 + Foundation.exp(-x[0])) + x[1], x[0]] }
        let r = checkProperty(.gradient(of: SoftplusModel(), claimed: claim, inputs: .vector(2, .uniform(-1000...1000))),
                              options: options(trials: 100))
        XCTAssertEqual(r.failure?.verdict, .nonFinite, r.message)
        let shrunk = r.failure?.shrink.shrunk ?? []
        XCTAssertEqual(shrunk.count, 2)
        if shrunk.count == 2 {
            XCTAssertGreaterThan(Swift.abs(shrunk[0]), 709.78, r.message)
            XCTAssertLessThanOrEqual(significantDigits(shrunk[0]), 3, r.message)
            XCTAssertEqual(shrunk[1], 0, r.message)
        }
        // The right claim is not what is wrong, and the message must not say so.
        XCTAssertFalse(r.message.contains("(claimed)"), r.message)
        // Named before the fix only as "non-finite (forward, reverse)": now the rule is localised,
        // with its NaN against the difference of the primitive alone, σ(710) = 1 to the last bit.
        XCTAssertTrue(r.message.contains("localised: the rule of naive_softplus"), r.message)
        XCTAssertTrue(r.message.contains("rule NaN"), r.message)
        // Its inputs read as numbers: the line printed them as a Swift array of strings, ["710.0"].
        XCTAssertFalse(r.message.contains("[\""), r.message)
        // Inside the range where eˣ is finite the same property passes.
        let inside = checkProperty(.gradient(of: SoftplusModel(), claimed: claim, inputs: .vector(2, .uniform(-700...700))),
                                   options: options(trials: 50))
        XCTAssertTrue(inside.passed, inside.message)
    }

    /// 2. Expected: validate fails "partials" (negative samples of −3…3); the gradient property
    /// fails rule-wrong with forward and reverse shown wrong (not the claim), localised to
    /// signed_square, at a negative x₀; x₁ shrinks to 0.
    func testScenario2RuleRightOnlyForPositiveInputs() {
        let v = validate(SignedSquare.self)
        XCTAssertEqual(v.check(named: "partials")?.outcome, .failed, v.description)
        let claim: @Sendable ([Double]) -> [Double] = { x in [2 * Swift.abs(x[0]), 3] }
        let r = checkProperty(.gradient(of: SignedSquareModel(), claimed: claim, inputs: .vector(2, .uniform(-3...3))),
                              options: options(trials: 100))
        XCTAssertEqual(r.failure?.verdict, .ruleWrong, r.message)
        XCTAssertTrue(r.message.contains("shown wrong: forward and reverse mode only, not the claim"), r.message)
        XCTAssertTrue(r.message.contains("localised: the rule of signed_square"), r.message)
        let shrunk = r.failure?.shrink.shrunk ?? []
        XCTAssertLessThan(shrunk.first ?? 0, 0, r.message)
        XCTAssertEqual(shrunk.last, 0, r.message)
        // Over x₀ > 0 only, the same rule is right and passes.
        let positive = checkProperty(.gradient(of: SignedSquareModel(), claimed: claim,
                                               inputs: .arguments([.uniform(0.1...3), .uniform(-3...3)])),
                                     options: options(trials: 30))
        XCTAssertTrue(positive.passed, positive.message)
    }

    /// 3. Expected: validate passes the JVP and fails the VJP of the untransposed primitive, and
    /// passes both of the right one; through a function, reverse mode alone is shown wrong, naming
    /// the primitive's VJP. A hand JVP and VJP of the same F: the JVP passes, the untransposed
    /// VJP fails rule-wrong.
    func testScenario3RightJVPWrongTransposedVJP() {
        let right = validate(ProductAndSquare.self, inputs: 2)
        XCTAssertTrue(right.passed, right.description)
        let wrong = validate(ProductAndSquareUntransposedVJP.self, inputs: 2)
        XCTAssertEqual(wrong.check(named: "jvp")?.outcome, .passed, wrong.description)
        XCTAssertEqual(wrong.check(named: "vjp")?.outcome, .failed, wrong.description)

        let hand: @Sendable ([Double]) -> [Double] = { x in [x[1] + 2 * x[0], x[0] + 3] }
        let space = InputSpace.vector(2, .uniform(-2...2))
        let good = checkProperty(.gradient(of: SumOfProductAndSquare<ProductAndSquare>(), claimed: hand, inputs: space),
                                 options: options(trials: 30))
        XCTAssertTrue(good.passed, good.message)
        let bad = checkProperty(.gradient(of: SumOfProductAndSquare<ProductAndSquareUntransposedVJP>(), claimed: hand, inputs: space),
                                options: options(trials: 30))
        XCTAssertEqual(bad.failure?.verdict, .ruleWrong, bad.message)
        XCTAssertTrue(bad.message.contains("shown wrong: reverse mode only, not the claim"), bad.message)
        XCTAssertTrue(bad.message.contains("product_and_square_untransposed VJP"), bad.message)

        let jvp: @Sendable ([Double], [Double]) -> [Double] = { x, v in [x[1] * v[0] + x[0] * v[1], 2 * x[0] * v[0] + 3 * v[1]] }
        let vjpWrong: @Sendable ([Double], [Double]) -> [Double] = { x, u in [x[1] * u[0] + x[0] * u[1], 2 * x[0] * u[0] + 3 * u[1]] }
        let vjpRight: @Sendable ([Double], [Double]) -> [Double] = { x, u in [x[1] * u[0] + 2 * x[0] * u[1], x[0] * u[0] + 3 * u[1]] }
        let j = checkProperty(.jvp(of: ProductAndSquareFunction(), claimed: jvp, inputs: space), options: options(trials: 30))
        XCTAssertTrue(j.passed, j.message)
        let vr = checkProperty(.vjp(of: ProductAndSquareFunction(), outputs: 2, claimed: vjpRight, inputs: space), options: options(trials: 30))
        XCTAssertTrue(vr.passed, vr.message)
        let vw = checkProperty(.vjp(of: ProductAndSquareFunction(), outputs: 2, claimed: vjpWrong, inputs: space), options: options(trials: 30))
        XCTAssertEqual(vw.failure?.verdict, .ruleWrong, vw.message)
        // (uᵀJ)[0] wrong by x₀u₁ (claimed x₀u₁ where 2x₀u₁ belongs); (uᵀJ)[1] by (2x₀ − x₀)u₀ = x₀u₀.
        // Both need x₀ ≠ 0: the shrunk x₀ is not 0.
        XCTAssertNotEqual(vw.failure?.shrink.shrunk.first, 0, vw.message)
        XCTAssertTrue(vw.message.contains("replay: inputs: .point("), vw.message)
        XCTAssertTrue(vw.message.contains("cotangent:"), vw.message)
    }

    /// 4. Expected: the right Hessian passes; the wrong one fails rule-wrong on ∂²f/∂x[0]∂x[1] and
    /// ∂²f/∂x[1]∂x[0] only (reference 2x₀, claimed x₀), never on a diagonal entry; the shrunk x₀
    /// is not 0 (there the cross term is right). The black-box form gives the same verdict.
    func testScenario4HessianWrongOnlyInTheCrossTerm() {
        let space = InputSpace.vector(2, .uniform(-2...2))
        let good = checkProperty(.hessian(of: CrossTermEnergy(), claimed: crossTermHessian, inputs: space), options: options(trials: 30))
        XCTAssertTrue(good.passed, good.message)
        let bad = checkProperty(.hessian(of: CrossTermEnergy(), claimed: crossTermHessianWrong, inputs: space), options: options(trials: 30))
        XCTAssertEqual(bad.failure?.verdict, .ruleWrong, bad.message)
        XCTAssertTrue(bad.message.contains("∂²f/∂x[0]∂x[1]"), bad.message)
        XCTAssertTrue(bad.message.contains("∂²f/∂x[1]∂x[0]"), bad.message)
        XCTAssertFalse(bad.message.contains("∂²f/∂x[0]∂x[0]"), bad.message)
        XCTAssertFalse(bad.message.contains("∂²f/∂x[1]∂x[1]"), bad.message)
        XCTAssertNotEqual(bad.failure?.shrink.shrunk.first, 0, bad.message)
        if let x = bad.failure?.shrink.shrunk, x.count == 2 {
            let report = bad.failure?.outcome.parts.first { $0.label.hasPrefix("claimed Hessian") }?.report
            let entry = report?.entries[0][1]
            // The reference at the shrunk point is the hand value 2x₀.
            XCTAssertEqual(entry?.witnessValue ?? .nan, 2 * x[0], accuracy: 1e-6 * Swift.max(1, Swift.abs(x[0])), bad.message)
        }
        let bb = checkProperty(.blackBoxHessian(of: { x in x[0] * x[0] * x[1] + sin(x[1]) },
                                                gradient: { x in [2 * x[0] * x[1], x[0] * x[0] + cos(x[1])] },
                                                claimed: crossTermHessianWrong, inputs: space), options: options(trials: 30))
        XCTAssertEqual(bb.failure?.verdict, .ruleWrong, bb.message)
    }

    /// 5. Expected: validate fails the wrong declaration (x = 0 is declared inside the domain and
    /// is the lower end of the sample range, where the primal is NaN) and passes the right one;
    /// a property drawing x = 0 from the integers fails non-finite, never rule-wrong.
    func testScenario5DomainDeclaredTooWide() {
        let v = validate(XLogX.self)
        XCTAssertFalse(v.passed, "x_log_x is declared valid at 0, where its primal is 0·log 0 = NaN:\n\(v.description)")
        XCTAssertEqual(v.check(named: "primal-finite")?.outcome, .failed, v.description)
        let right = validate(XLogXRightDomain.self)
        XCTAssertTrue(right.passed, right.description)
        struct F: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [XLogX.apply(x[0])] } }
        let claim: @Sendable ([Double]) -> [Double] = { x in [Foundation.log(x[0]) + 1] }
        let r = checkProperty(.gradient(of: F(), claimed: claim, inputs: .vector(1, .integers(0...3))), options: options(trials: 30))
        XCTAssertEqual(r.failure?.verdict, .nonFinite, r.message)
        XCTAssertEqual(r.failure?.shrink.shrunk, [0], r.message)
    }

    /// 6. Expected: validate fails "kinks" (1.1 at 0, not between 0.1 and 1) and passes the
    /// partials (right away from 0); a property over integers −2…2, which draws 0, fails with the
    /// verdict kink (forward and reverse give 2·1.1 = 2.2 where the one-sided derivatives are 0.2
    /// and 2), shrunk to x₀ = 0, and does not convict the claim, whose 0.2 is a valid subgradient.
    func testScenario6RuleWrongOnlyAtTheKinkConvention() {
        let v = validate(DoubleCountedLeaky.self)
        XCTAssertEqual(v.check(named: "partials")?.outcome, .passed, v.description)
        XCTAssertEqual(v.check(named: "kinks")?.outcome, .failed, v.description)
        let claim: @Sendable ([Double]) -> [Double] = { x in [x[0] > 0 ? 2 : 0.2, 1] }
        let r = checkProperty(.gradient(of: LeakyModel(), claimed: claim, inputs: .vector(2, .integers(-2...2))),
                              options: options(trials: 100))
        XCTAssertEqual(r.failure?.verdict, .kink, r.message)
        XCTAssertEqual(r.failure?.shrink.shrunk.first, 0, r.message)
        XCTAssertFalse(r.message.contains("(claimed)"), r.message)
        // The message said only "kink" beside forward 2.2, reverse 2.2 and claimed 0.2, and named
        // the op as touched: it now says which values lie outside and where to look.
        XCTAssertTrue(r.message.contains("forward, reverse outside them"), r.message)
        XCTAssertTrue(r.message.contains("the value the rule of double_counted_leaky gives at its kink"), r.message)
        // Away from the kink the rule is right.
        let away = checkProperty(.gradient(of: LeakyModel(), claimed: claim,
                                           inputs: .vector(2, InputDomain.uniform(-2...2).awayFrom([0], margin: 1e-3))),
                                 options: options(trials: 50))
        XCTAssertTrue(away.passed, away.message)
    }

    /// 7. Expected: a right Float gradient passes; Float rounding (ε = 1.2·10⁻⁷) of e^{xⱼ}xⱼ₊₁ +
    /// e^{xⱼ₋₁} over [−3, 3] is a few ulps of terms up to 3e³ ≈ 60, far inside a tolerance derived
    /// from Float's ε, and must not be convicted.
    func testScenario7FloatRoundingIsNotABug() {
        let r = checkProperty(.gradient(of: CyclicExp(), claimed: cyclicExpGradientFloat, inputs: .vector(4, .uniform(-3...3))),
                              options: options(trials: 100))
        XCTAssertTrue(r.passed, r.message)
        // The black-box form in Float, f evaluated in Float too: the same.
        let bb = checkProperty(.blackBoxGradient(of: { (x: [Float]) -> Float in
            var s: Float = 0
            for i in x.indices { s += Foundation.exp(x[i]) * x[(i + 1) % x.count] }
            return s
        }, claimed: cyclicExpGradientFloat, inputs: .vector(4, .uniform(-3...3))), options: options(trials: 100))
        XCTAssertFalse(bb.failure?.verdict == .ruleWrong, bb.message)
    }

    /// 8. Expected: validate passes the right inverse and fails only the VJP of the untransposed
    /// one (its JVP is right); the hand gradient −XᵀCXᵀ passes through the right primitive, and
    /// through the wrong one reverse mode alone is shown wrong.
    func testScenario8MatrixValuedUserOp() {
        let right = validate(Inverse2.self, inputs: 4)
        XCTAssertTrue(right.passed, right.description)
        let wrong = validate(Inverse2UntransposedVJP.self, inputs: 4)
        XCTAssertEqual(wrong.check(named: "jvp")?.outcome, .passed, wrong.description)
        XCTAssertEqual(wrong.check(named: "vjp")?.outcome, .failed, wrong.description)
        let space = InputSpace.arguments([.uniform(1.5...2.5), .uniform(-0.5...0.5), .uniform(-0.5...0.5), .uniform(1.5...2.5)])
        let good = checkProperty(.gradient(of: WeightedInverse<Inverse2>(), claimed: weightedInverseGradient, inputs: space),
                                 options: options(trials: 30))
        XCTAssertTrue(good.passed, good.message)
        let bad = checkProperty(.gradient(of: WeightedInverse<Inverse2UntransposedVJP>(), claimed: weightedInverseGradient, inputs: space),
                                options: options(trials: 30))
        XCTAssertEqual(bad.failure?.verdict, .ruleWrong, bad.message)
        XCTAssertTrue(bad.message.contains("shown wrong: reverse mode only, not the claim"), bad.message)
        // A matrix-valued hand Jacobian of A ↦ A⁻¹ (rows: outputs Xᵢⱼ; columns: inputs Aₖₗ):
        // ∂Xᵢⱼ/∂Aₖₗ = −Xᵢₖ·Xₗⱼ by hand.
        let jac: @Sendable ([Double]) -> [[Double]] = { a in
            let x = inverse2(a)
            func entry(_ r: Int, _ c: Int) -> Double {
                let (i, j, k, l) = (r / 2, r % 2, c / 2, c % 2)
                return -x[2 * i + k] * x[2 * l + j]
            }
            return (0..<4).map { r in (0..<4).map { c in entry(r, c) } }
        }
        struct Inv: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { Inverse2.apply(x) } }
        let j = checkProperty(.jacobian(of: Inv(), claimed: jac, inputs: space), options: options(trials: 30))
        XCTAssertTrue(j.passed, j.message)
    }

    /// 9. Expected: a passing property calls the claim about once per trial (a check needs the
    /// claim once per point); by hand no more than 2 calls per trial for 20 trials.
    func testScenario9ExpensiveRightClaimIsCalledOncePerTrial() {
        expensiveClaimCalls.store(0, ordering: .relaxed)
        let claim: @Sendable ([Double]) -> [Double] = { x in
            expensiveClaimCalls.add(1, ordering: .relaxed)
            return [3 * x[0] * x[0], 1]
        }
        let r = checkProperty(.gradient(of: CubePlusLinear(), claimed: claim, inputs: .vector(2, .uniform(-2...2))),
                              options: options(trials: 20))
        XCTAssertTrue(r.passed, r.message)
        let calls = expensiveClaimCalls.load(ordering: .relaxed)
        XCTAssertLessThanOrEqual(calls, 40, "the claim was called \(calls) times for 20 passing trials")
        expensiveClaimCalls.store(0, ordering: .relaxed)
        let bb = checkProperty(.blackBoxGradient(of: { (x: [Double]) in x[0] * x[0] * x[0] + x[1] }, claimed: claim,
                                                 inputs: .vector(2, .uniform(-2...2))), options: options(trials: 20))
        XCTAssertTrue(bb.passed, bb.message)
        let bbCalls = expensiveClaimCalls.load(ordering: .relaxed)
        XCTAssertLessThanOrEqual(bbCalls, 40, "the claim was called \(bbCalls) times for 20 passing trials")
        // An expensive primitive's rule: per passing point forward mode, the reverse sweep, the
        // seeded random-direction pass and exact rationals each need it about once (by hand ≤ 8
        // per trial); the witnesses difference the primal, not the rule.
        countedCubeRuleCalls.store(0, ordering: .relaxed)
        let cubeGradient: @Sendable ([Double]) -> [Double] = { x in
            let square = x[0] * x[0]
            return [3 * square * x[1], square * x[0]]
        }
        let g = checkProperty(.gradient(of: CountedCubeModel(), claimed: cubeGradient, inputs: .vector(2, .uniform(-2...2))),
                              options: options(trials: 10))
        XCTAssertTrue(g.passed, g.message)
        XCTAssertLessThanOrEqual(countedCubeRuleCalls.load(ordering: .relaxed), 80)
    }

    /// 10. Expected: rule-wrong; x₁ shrinks to 0 and x₀ to a short number just above 2 (the
    /// region's edge): at most 2 significant digits and at most 2.5. By hand at x₀ = 2.1 the
    /// claim is 6.3 and the reference 3·2.1² = 13.23.
    func testScenario10ShrinkingARegionBug() {
        let r = checkProperty(.gradient(of: CubePlusLinear(), claimed: cubePlusLinearGradientRegionBug, inputs: .vector(2, .uniform(-5...5))),
                              options: options(trials: 100))
        XCTAssertEqual(r.failure?.verdict, .ruleWrong, r.message)
        let x = r.failure?.shrink.shrunk ?? []
        XCTAssertEqual(x.count, 2)
        if x.count == 2 {
            XCTAssertGreaterThan(x[0], 2, r.message)
            XCTAssertLessThanOrEqual(x[0], 2.5, r.message)
            XCTAssertLessThanOrEqual(significantDigits(x[0]), 2, r.message)
            XCTAssertEqual(x[1], 0, r.message)
            let entry = r.failure?.outcome.parts.first?.report?.entries[0][0]
            XCTAssertEqual(entry?.witnessValue ?? .nan, 3 * x[0] * x[0], accuracy: 1e-9 * 3 * x[0] * x[0], r.message)
        }
    }

    /// 11. What a failure looks like in `swift test` output: one XCTFail whose text names the
    /// assertion, the claim, the verdict, the entry with claimed and reference values, the seed,
    /// the shrunk input and a replay line; the replay line reproduces the verdict.
    func testScenario11FailureMessageAsXCTestShowsIt() {
        capturing = true
        let r = assertGradient(of: CubePlusLinear(), claimed: cubePlusLinearGradientRegionBug, inputs: .vector(2, .uniform(-5...5)),
                               options: options(trials: 100))
        capturing = false
        XCTAssertEqual(captured.count, 1)
        let text = captured.first ?? ""
        for needle in ["assertGradient failed: the claimed gradient: rule-wrong at trial", "∂f0/∂x0:", "claimed", "reference",
                       "rule-wrong (claimed)", "seed 0xAD701A7E", "input: [", "replay: inputs: .point(", "ADJOINT_TEST_SEED="] {
            XCTAssertTrue(text.contains(needle), "missing \(needle):\n\(text)")
        }
        // Only ∂f0/∂x0 is wrong (∂f0/∂x1 = 1 is right): the message lists no other entry as wrong.
        XCTAssertFalse(text.contains("∂f0/∂x1"), text)
        if let x = r.failure?.shrink.shrunk {
            let replay = checkProperty(.gradient(of: CubePlusLinear(), claimed: cubePlusLinearGradientRegionBug, inputs: .point(x)))
            XCTAssertEqual(replay.failure?.verdict, .ruleWrong, replay.message)
        }
    }

    /// 12. Expected: the right claim 1/(3t² + 1) of a root solved by bisection to 10⁻⁷ is never
    /// convicted (agree, or inconclusive, which fails the property only as undecided); the wrong
    /// claim 1/(3t²) is off by 1/(3t²(3t² + 1)), at least 0.042 over x ∈ [0.5, 3] (t from 0.453
    /// to 1.213), which a difference with step 10⁻² resolves through f's 10⁻⁷ staircase
    /// (an error of about 10⁻⁷/10⁻²), so it is convicted.
    func testScenario12NoisyBlackBoxIsHonest() {
        let right: @Sendable ([Double]) -> [Double] = { x in let t = cubicRoot(x); return [1 / (3 * t * t + 1)] }
        let wrong: @Sendable ([Double]) -> [Double] = { x in let t = cubicRoot(x); return [1 / (3 * t * t)] }
        let space = InputSpace.vector(1, .uniform(0.5...3))
        let r = checkProperty(.blackBoxGradient(of: cubicRoot, claimed: right, inputs: space), options: options(trials: 50))
        // Was rule-wrong (reference "0.0 ± 4.16e-08" from differences inside one stair).
        XCTAssertTrue(r.passed || r.failure?.verdict == .inconclusive, r.message)
        // At x = 0.5 the entry was left undecided on "central: disagree 0.649414 ± 2.47e-11" (by
        // hand the slope is 1/(3t² + 1) = 0.649791 at t = 0.423854, mpmath: 3.8·10⁻⁴ away), central judged
        // inside one tread of the staircase before its noise (σ ≈ 2.3·10⁻⁸) was measured, beside
        // adaptive and Richardson at 0.649791 with it. The entry's rungs are judged again once the
        // noise is known: the right claim passes there, and one 1% off (0.656289) is convicted.
        let atHalf = checkProperty(.blackBoxGradient(of: cubicRoot, claimed: right, inputs: .point([0.5])), options: options(trials: 1))
        XCTAssertTrue(atHalf.passed, atHalf.message)
        // t³ + t = 0.5 at t = 0.4238537990697833, 1/(3t² + 1) = 0.6497911026724980 (mpmath, 30 digits).
        XCTAssertEqual(right([0.5])[0], 0.6497911026724980, accuracy: 1e-6)
        let offAtHalf = checkProperty(.blackBoxGradient(of: cubicRoot, claimed: { x in right(x).map { $0 * 1.01 } }, inputs: .point([0.5])),
                                      options: options(trials: 1))
        XCTAssertEqual(offAtHalf.failure?.verdict, .ruleWrong, offAtHalf.message)
        XCTAssertTrue(offAtHalf.message.contains("the function rounds far above its outputs' ulps"), offAtHalf.message)
        let w = checkProperty(.blackBoxGradient(of: cubicRoot, claimed: wrong, inputs: space), options: options(trials: 50))
        XCTAssertEqual(w.failure?.verdict, .ruleWrong, w.message)
    }
}
