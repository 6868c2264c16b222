import AdjointCheck
import AdjointCore
import AdjointLinalg
import Foundation
import XCTest
@testable import AdjointTesting

// A user's test target, as trialJ wrote one against the README: hand-written gradients,
// Jacobians and Hessians of a few functions, right ones and ones with the bugs people write
// (a sign flip, a missing term, swapped entries, wrong only in a small region, wrong only for
// Float, right at a kink, NaN at an edge of the domain, a user primitive with a wrong partial).
// Every expected value comes from the hand derivations below, never from the code under test.

/// Rosenbrock in ℝ⁴: f = Σᵢ 100(xᵢ₊₁ − xᵢ²)² + (1 − xᵢ)².
struct Rosenbrock: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
        var s: T = 0
        for i in 0..<(x.count - 1) {
            let a = x[i + 1] - x[i] * x[i], b = 1 - x[i]
            s += 100 * a * a + b * b
        }
        return [s]
    }
}
@Sendable func rosenbrockF(_ x: [Double]) -> Double { Rosenbrock()(x)[0] }

/// ∂f/∂xᵢ = −400xᵢ(xᵢ₊₁ − xᵢ²) − 2(1 − xᵢ) [i < n−1] + 200(xᵢ − xᵢ₋₁²) [i > 0], by hand.
func rosenbrockGradient(flipSign: Bool = false, dropCoupling: Bool = false) -> @Sendable ([Double]) -> [Double] {
    { x in
        let n = x.count
        var g = [Double](repeating: 0, count: n)
        for i in 0..<n {
            if i < n - 1 { g[i] += -400 * x[i] * (x[i + 1] - x[i] * x[i]) + (flipSign ? 2 : -2) * (1 - x[i]) }
            if i > 0 && !dropCoupling { g[i] += 200 * (x[i] - x[i - 1] * x[i - 1]) }
        }
        return g
    }
}

/// Polar to Cartesian: (r, θ) ↦ (r cos θ, r sin θ).
struct Polar: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] * cos(x[1]), x[0] * sin(x[1])] }
}
/// J = [[cos θ, −r sin θ], [sin θ, r cos θ]]; `swapped` transposes it (the off-diagonal mix-up).
func polarJacobian(swapped: Bool = false) -> @Sendable ([Double]) -> [[Double]] {
    { x in
        let (r, t) = (x[0], x[1])
        return swapped ? [[cos(t), sin(t)], [-r * sin(t), r * cos(t)]] : [[cos(t), -r * sin(t)], [sin(t), r * cos(t)]]
    }
}

/// Huber loss Σ h(xᵢ) with δ = 0.1: h = r²/2 for |r| ≤ δ, δ(|r| − δ/2) beyond.
struct Huber: ADFunction {
    static let delta = 0.1
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
        var s: T = 0
        for r in x {
            let a = r.approximateDouble
            if Swift.abs(a) <= Huber.delta { s += r * r / 2 } else { s += T(Huber.delta) * (abs(r) - T(Huber.delta / 2)) }
        }
        return [s]
    }
}
/// h′ = r inside, δ·sign(r) outside; the bug doubles the inside branch (a region of 5% per coordinate).
func huberGradient(wrongInside: Bool = false) -> @Sendable ([Double]) -> [Double] {
    { x in x.map { r in Swift.abs(r) <= Huber.delta ? (wrongInside ? 2 * r : r) : Huber.delta * (r > 0 ? 1 : -1) } }
}


/// softplus(x₀x₁): its derivative written as eᶻ/(1 + eᶻ), which overflows to ∞/∞ in Float past z ≈ 88.7.
@Sendable func softplusProductF(_ x: [Float]) -> Float { let z = x[0] * x[1]; return z > 30 ? z : Foundation.log1p(Foundation.exp(z)) }
@Sendable func softplusProductD(_ x: [Double]) -> Double { let z = x[0] * x[1]; return z > 30 ? z : Foundation.log1p(Foundation.exp(z)) }
@Sendable func softplusProductGradF(_ x: [Float]) -> [Float] { let z = x[0] * x[1]; let s = Foundation.exp(z) / (1 + Foundation.exp(z)); return [s * x[1], s * x[0]] }
@Sendable func softplusProductGradD(_ x: [Double]) -> [Double] { let z = x[0] * x[1]; let s = Foundation.exp(z) / (1 + Foundation.exp(z)); return [s * x[1], s * x[0]] }

/// |x₀|·x₁ + relu(x₂): kinks at x₀ = 0 and x₂ = 0.
struct Kinked: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [abs(x[0]) * x[1] + relu(x[2])] }
}
/// sign(x₀)·x₁ with sign(0) = 0 (the subgradient convention), |x₀|, relu′ with relu′(0) = `atZero`.
func kinkedGradient(reluAtZero: Double = 0) -> @Sendable ([Double]) -> [Double] {
    { x in [(x[0] > 0 ? 1 : x[0] < 0 ? -1 : 0) * x[1], Swift.abs(x[0]), x[2] > 0 ? 1 : x[2] < 0 ? 0 : reluAtZero] }
}

/// sinc x = sin x / x (1 at 0); the textbook derivative (x cos x − sin x)/x² is 0/0 at 0 (true value 0).
@Sendable func sinc(_ x: [Double]) -> Double { x[0] == 0 ? 1 : Foundation.sin(x[0]) / x[0] }
@Sendable func sincGradient(_ x: [Double]) -> [Double] { [(x[0] * Foundation.cos(x[0]) - Foundation.sin(x[0])) / (x[0] * x[0])] }

/// logaddexp(x, y) = log(eˣ + eʸ) as a user primitive; ∂/∂x = σ(x − y), ∂/∂y = σ(y − x).
enum LogAddExp: ScalarPrimitive {
    static let name = "logaddexp"
    static let arity = 2
    static func primal<T: ADScalar>(_ x: T, _ y: T) -> T { let m = x < y ? y : x; return m + log(exp(x - m) + exp(y - m)) }
    static func partials<T: ADScalar>(_ x: T, _ y: T, output z: T) -> (T, T) { (exp(x - z), exp(y - z)) }
}
/// The copy-paste bug: ∂/∂y written as ∂/∂x.
enum LogAddExpWrong: ScalarPrimitive {
    static let name = "logaddexp_wrong"
    static let arity = 2
    static func primal<T: ADScalar>(_ x: T, _ y: T) -> T { let m = x < y ? y : x; return m + log(exp(x - m) + exp(y - m)) }
    static func partials<T: ADScalar>(_ x: T, _ y: T, output z: T) -> (T, T) { (exp(x - z), exp(x - z)) }
}
struct UsesLogAddExpWrong: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [LogAddExpWrong.apply(x[0], x[1]) * x[2]] }
}
/// By hand: ∂/∂x₀ = σ(x₀ − x₁)x₂, ∂/∂x₁ = σ(x₁ − x₀)x₂, ∂/∂x₂ = logaddexp(x₀, x₁).
@Sendable func logAddExpProductGradient(_ x: [Double]) -> [Double] {
    let l = Swift.max(x[0], x[1]) + Foundation.log(Foundation.exp(x[0] - Swift.max(x[0], x[1])) + Foundation.exp(x[1] - Swift.max(x[0], x[1])))
    return [sigma(x[0] - x[1]) * x[2], sigma(x[1] - x[0]) * x[2], l]
}

/// f = x₀²x₁ + e^{x₀x₂} + x₂ sin x₁.
struct Mixed: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] * x[0] * x[1] + exp(x[0] * x[2]) + x[2] * sin(x[1])] }
}
@Sendable func mixedF(_ x: [Double]) -> Double { x[0] * x[0] * x[1] + Foundation.exp(x[0] * x[2]) + x[2] * Foundation.sin(x[1]) }
@Sendable func mixedGradient(_ x: [Double]) -> [Double] {
    let e = Foundation.exp(x[0] * x[2])
    return [2 * x[0] * x[1] + x[2] * e, x[0] * x[0] + x[2] * Foundation.cos(x[1]), x[0] * e + Foundation.sin(x[1])]
}
/// H by hand; `dropTerm` forgets the x₀x₂ in ∂²/∂x₀∂x₂ = e^{x₀x₂}(1 + x₀x₂) (both triangles),
/// `asymmetric` writes H[1][0] as 2x₁ (a typo in one triangle only).
func mixedHessian(dropTerm: Bool = false, asymmetric: Bool = false) -> @Sendable ([Double]) -> [[Double]] {
    { x in
        let e = Foundation.exp(x[0] * x[2])
        let h02 = dropTerm ? e : e * (1 + x[0] * x[2])
        return [[2 * x[1] + x[2] * x[2] * e, 2 * x[0], h02],
                [asymmetric ? 2 * x[1] : 2 * x[0], -x[2] * Foundation.sin(x[1]), Foundation.cos(x[1])],
                [h02, Foundation.cos(x[1]), x[0] * x[0] * e]]
    }
}

/// Ridge: mse(X·w, y) over w ∈ ℝ³.
struct Ridge: MatrixProgram {
    typealias Scalar = Double
    let x: Matrix<Double>, y: Matrix<Double>
    var parameterShapes: [(rows: Int, cols: Int)] { [(3, 1)] }
    func loss<I: MatrixInterpreter>(_ m: I, parameters p: [I.Value]) throws -> I.Value where I.Scalar == Double {
        try m.mse(m.matmul(m.constant(x), p[0]), y)
    }
}


struct NoOutputs: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [] } }
struct FiveInputs: ADFunction {
    var inputCount: Int? { 5 }
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x.reduce(0, +)] }
}
struct Reciprocal: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [1 / x[0]] } }
struct ThrowingProgram: MatrixProgram {
    typealias Scalar = Double
    var parameterShapes: [(rows: Int, cols: Int)] { [(2, 2)] }
    func loss<I: MatrixInterpreter>(_ m: I, parameters p: [I.Value]) throws -> I.Value where I.Scalar == Double {
        throw ADError.invalidArgument("the user's loss refuses these parameters")
    }
}



@Sendable func floatRightF(_ x: [Float]) -> Float { x[0] * x[0] * Foundation.sin(x[1]) + x[0] * Foundation.exp(x[1] / 2) }
@Sendable func floatRightG(_ x: [Float]) -> [Float] {
    [2 * x[0] * Foundation.sin(x[1]) + Foundation.exp(x[1] / 2), x[0] * x[0] * Foundation.cos(x[1]) + x[0] * Foundation.exp(x[1] / 2) / 2]
}
/// The Float overload of a hand gradient with a typo in its second entry (½ lost); the Double one is right.
@Sendable func floatTypoG(_ x: [Float]) -> [Float] {
    [2 * x[0] * Foundation.sin(x[1]) + Foundation.exp(x[1] / 2), x[0] * x[0] * Foundation.cos(x[1]) + x[0] * Foundation.exp(x[1] / 2)]
}


struct UsesLogAddExpRight: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [LogAddExp.apply(x[0], x[1]) * x[2]] }
}




/// The hand-written right value of what a property claims, at a point: a gradient's entries, a
/// Jacobian's or Hessian's rows (for matching a report's entry (output, input)).
typealias HandValue = @Sendable ([Double]) -> [[Double]]

final class UserSuiteTests: XCTestCase {
    func options(_ trials: Int = 60, seed: UInt64 = AdjointTestOptions.defaultSeed) -> AdjointTestOptions {
        var o = AdjointTestOptions()
        o.trials = trials
        o.seed = seed
        return o
    }

    static let v4 = InputSpace.vector(4, .uniform(-2...2)), v3 = InputSpace.vector(3, .uniform(-2...2))
    static let v3s = InputSpace.vector(3, .uniform(-1...1)), polar = InputSpace.arguments([.positive, .uniform(-3...3)])
    static func rows(_ g: @escaping @Sendable ([Double]) -> [Double]) -> HandValue { { x in [g(x)] } }

    /// Right claims; each passes at every seed tried (see `testRightAndWrongClaimsOverManySeeds`).
    static var right: [(String, DerivativeProperty)] { [
        ("Rosenbrock", .gradient(of: Rosenbrock(), claimed: rosenbrockGradient(), inputs: v4)),
        ("Rosenbrock, black box", .blackBoxGradient(of: rosenbrockF, claimed: rosenbrockGradient(), inputs: v4)),
        ("polar", .jacobian(of: Polar(), claimed: polarJacobian(), inputs: polar)),
        ("polar, black box", .blackBoxJacobian(of: { (x: [Double]) in Polar()(x) }, claimed: polarJacobian(), inputs: polar)),
        ("Huber", .gradient(of: Huber(), claimed: huberGradient(), inputs: v3)),
        ("kinks on the integers", .gradient(of: Kinked(), claimed: kinkedGradient(), inputs: .vector(3, .integers(-2...2)))),
        ("softplus, Double", .blackBoxGradient(of: softplusProductD, claimed: softplusProductGradD, inputs: .vector(2, .uniform(-12...12)))),
        ("sinc", .blackBoxGradient(of: sinc, claimed: sincGradient, inputs: .vector(1, .uniform(-3...3)))),
        ("Float black box", .blackBoxGradient(of: floatRightF, claimed: floatRightG, inputs: .vector(2, .uniform(-2...2)))),
        ("Hessian", .hessian(of: Mixed(), claimed: mixedHessian(), inputs: v3s)),
        ("Hessian, black box", .blackBoxHessian(of: mixedF, gradient: mixedGradient, claimed: mixedHessian(), inputs: v3s)),
        ("H·v", .hvp(of: Mixed(), claimed: { x, v in mixedHessian()(x).map { row in zip(row, v).map(*).reduce(0, +) } }, inputs: v3s)),
        ("JVP", .jvp(of: Polar(), claimed: { x, v in [cos(x[1]) * v[0] - x[0] * sin(x[1]) * v[1], sin(x[1]) * v[0] + x[0] * cos(x[1]) * v[1]] },
                     inputs: .vector(2, .uniform(-2...2)))),
        ("VJP", .vjp(of: Polar(), outputs: 2, claimed: { x, u in [cos(x[1]) * u[0] + sin(x[1]) * u[1], -x[0] * sin(x[1]) * u[0] + x[0] * cos(x[1]) * u[1]] },
                     inputs: .vector(2, .uniform(-2...2)))),
        ("user primitive", .gradient(of: UsesLogAddExpRight(), claimed: logAddExpProductGradient, inputs: v3)),
    ] }

    /// Wrong claims, the verdict each must get, and the hand-written right value the reference
    /// must match at the shrunk point (nil where the verdict is not a comparison with a reference).
    static var wrong: [(String, DerivativeProperty, TestVerdict, HandValue?)] { [
        ("sign flip", .gradient(of: Rosenbrock(), claimed: rosenbrockGradient(flipSign: true), inputs: v4), .ruleWrong, rows(rosenbrockGradient())),
        ("missing term", .gradient(of: Rosenbrock(), claimed: rosenbrockGradient(dropCoupling: true), inputs: v4), .ruleWrong, rows(rosenbrockGradient())),
        ("sign flip, black box", .blackBoxGradient(of: rosenbrockF, claimed: rosenbrockGradient(flipSign: true), inputs: v4), .ruleWrong,
         rows(rosenbrockGradient())),
        ("missing term, black box", .blackBoxGradient(of: rosenbrockF, claimed: rosenbrockGradient(dropCoupling: true), inputs: v4), .ruleWrong,
         rows(rosenbrockGradient())),
        ("swapped entries", .jacobian(of: Polar(), claimed: polarJacobian(swapped: true), inputs: polar), .ruleWrong, polarJacobian()),
        ("swapped entries, black box", .blackBoxJacobian(of: { (x: [Double]) in Polar()(x) }, claimed: polarJacobian(swapped: true), inputs: polar),
         .ruleWrong, polarJacobian()),
        ("wrong in 5% of each axis", .gradient(of: Huber(), claimed: huberGradient(wrongInside: true), inputs: v3), .ruleWrong, rows(huberGradient())),
        ("Float only: a typo in the Float overload", .blackBoxGradient(of: floatRightF, claimed: floatTypoG, inputs: .vector(2, .uniform(-2...2))),
         .ruleWrong, rows { x in floatRightG(x.map { Float($0) }).map(Double.init) }),
        ("Hessian missing a term", .hessian(of: Mixed(), claimed: mixedHessian(dropTerm: true), inputs: v3s), .ruleWrong, mixedHessian()),
        ("Hessian asymmetric", .hessian(of: Mixed(), claimed: mixedHessian(asymmetric: true), inputs: v3s), .ruleWrong, mixedHessian()),
        ("Hessian missing a term, black box", .blackBoxHessian(of: mixedF, gradient: mixedGradient, claimed: mixedHessian(dropTerm: true), inputs: v3s),
         .ruleWrong, mixedHessian()),
        ("user primitive with a wrong partial", .gradient(of: UsesLogAddExpWrong(), claimed: logAddExpProductGradient, inputs: v3), .ruleWrong,
         rows(logAddExpProductGradient)),
        ("relu′(0) = 2 at a kink", .gradient(of: Kinked(), claimed: kinkedGradient(reluAtZero: 2), inputs: .vector(3, .integers(-2...2))), .kink, nil),
        ("Float only: eᶻ/(1 + eᶻ) overflows", .blackBoxGradient(of: softplusProductF, claimed: softplusProductGradF, inputs: .vector(2, .uniform(-12...12))),
         .nonFinite, nil),
        ("NaN at the edge: sinc′ at 0", .blackBoxGradient(of: sinc, claimed: sincGradient, inputs: .vector(1, .integers(-3...3))), .nonFinite, nil),
    ] }

    func testRightClaimsPass() {
        for (name, p) in Self.right {
            let r = checkProperty(p, options: options())
            XCTAssertTrue(r.passed, "\(name): \(r.message)")
            XCTAssertEqual(r.counts[.inconclusive] ?? 0, 0, "\(name): \(r.message)")
        }
    }

    func testWrongClaimsAreConvictedWithAShrunkReplayableCounterexample() throws {
        for (name, p, verdict, hand) in Self.wrong {
            let r = checkProperty(p, options: options())
            let f = try XCTUnwrap(r.failure, "\(name) passed: \(r.message)")
            XCTAssertEqual(f.verdict, verdict, "\(name): \(r.message)")
            // The seed and the replay line are printed, and the replay reproduces the verdict.
            XCTAssertTrue(r.message.contains("seed \(hex(AdjointTestOptions.defaultSeed))") && r.message.contains(f.replayLine), r.message)
            let replay = checkProperty(DerivativeProperty(assertion: p.assertion, claim: p.claim, space: .point(f.shrink.shrunk), check: p.check))
            XCTAssertEqual(replay.failure?.verdict, verdict, "\(name): replay of \(f.shrink.shrunk): \(replay.message)")
            // Every entry shown wrong is named in the message, and its reference is the hand-derived value.
            let x = f.shrink.shrunk
            var named = 0, compared = 0
            for part in f.outcome.parts {
                guard let report = part.report else { continue }
                for e in report.entries.joined() where TestVerdict(e) == verdict && verdict == .ruleWrong {
                    XCTAssertTrue(r.message.contains(part.entryName(e.output, e.input)) || named >= 3, "\(name): \(r.message)")
                    named += 1
                    guard let hand, let w = e.witnessValue, let tol = e.tolerance else { continue }
                    let truth = hand(x)[e.output][e.input]
                    XCTAssertLessThanOrEqual(abs(w - truth), tol + 1e-12 * abs(truth), "\(name) \(part.entryName(e.output, e.input)) at \(x)")
                    compared += 1
                }
            }
            if verdict == .ruleWrong { XCTAssertGreaterThan(named, 0, "\(name): \(r.message)") }
            if hand != nil { XCTAssertGreaterThan(compared, 0, "\(name): no reference compared with the hand value") }
        }
    }

    /// The two Float-only bugs are Float-only: the same code in Double passes.
    func testFloatOnlyBugsPassInDouble() {
        let doubleTypo: @Sendable ([Double]) -> [Double] = { x in
            [2 * x[0] * sin(x[1]) + exp(x[1] / 2), x[0] * x[0] * cos(x[1]) + x[0] * exp(x[1] / 2) / 2]
        }
        let f: @Sendable ([Double]) -> Double = { x in x[0] * x[0] * sin(x[1]) + x[0] * exp(x[1] / 2) }
        XCTAssertTrue(checkProperty(.blackBoxGradient(of: f, claimed: doubleTypo, inputs: .vector(2, .uniform(-2...2))), options: options()).passed)
        // eᶻ/(1 + eᶻ) is finite in Double up to z ≈ 709; z ≤ 144 here.
        XCTAssertTrue(softplusProductGradF([8, 12]).allSatisfy(\.isNaN))
        XCTAssertTrue(softplusProductGradD([8, 12]).allSatisfy(\.isFinite))
    }

    func testTheKinkMessageNamesTheEntryAndItsOneSidedDerivatives() throws {
        let r = checkProperty(.gradient(of: Kinked(), claimed: kinkedGradient(reluAtZero: 2), inputs: .vector(3, .integers(-2...2))), options: options())
        // relu at 0: one-sided derivatives 0 and 1 by hand; the claim 2 lies outside.
        XCTAssertTrue(r.message.contains("∂f0/∂x2: forward 0.0, reverse 0.0, claimed 2.0 — kink: one-sided derivatives 0.0 (left), 1.0 (right)"), r.message)
        XCTAssertEqual(try XCTUnwrap(r.failure).shrink.shrunk[2], 0)
    }

    func testParallelTrialsAreBitIdenticalToSerial() async {
        // Right and wrong, first order and second, generic and black box, a region bug found late.
        let picked = [Self.right[0], Self.right[3], Self.right[9]] + [Self.wrong[0], Self.wrong[6], Self.wrong[10]].map { ($0.0, $0.1) }
        for (name, p) in picked {
            var renders: Set<String> = []
            for workers in [1, 2, 5] {
                var o = options(20)
                o.concurrency = workers
                renders.insert(await checkPropertyConcurrently(p, options: o).jsonValue.rendered(indent: 0))
            }
            XCTAssertEqual(renders.count, 1, name)
            let serial = checkProperty(p, options: options(20)), batch = await checkPropertyConcurrently(p, options: options(20))
            XCTAssertEqual(serial.failure?.trial, batch.failure?.trial, name)
            XCTAssertEqual(serial.failure?.shrink, batch.failure?.shrink, name)
            XCTAssertEqual(serial.passed, batch.passed, name)
        }
    }

    /// Bad input is a typed failure naming the problem, never a crash and never a pass.
    func testBadInputIsATypedFailure() {
        let cases: [(DerivativeProperty, TestVerdict, String)] = [
            (.gradient(of: Rosenbrock(), claimed: rosenbrockGradient(), inputs: .vector(0, .uniform(-1...1))), .nothingChecked, "has no inputs"),
            (.gradient(of: Rosenbrock(), claimed: { (x: [Double]) in [1.0] }, inputs: Self.v4), .error, "claimed gradient length (one entry per input): expected 4, got 1"),
            (.jacobian(of: Polar(), claimed: { (x: [Double]) in [[1.0, 2.0], [3.0]] }, inputs: .vector(2, .uniform(-1...1))), .error, "expected 2, got 1"),
            (.gradient(of: FiveInputs(), claimed: { (x: [Double]) in x.map { _ in 1 } }, inputs: .vector(3, .uniform(-1...1))), .error,
             "number of inputs: expected 5, got 3"),
            (.gradient(of: Rosenbrock(), claimed: rosenbrockGradient(), inputs: .point([.nan, 1, 1, 1])), .error, "fixed value nan must be finite"),
            (.gradient(of: Reciprocal(), claimed: { (x: [Double]) in [-1 / (x[0] * x[0])] }, inputs: .point([0])), .nonFinite, "division by zero"),
            (.blackBoxGradient(of: { (x: [Double]) in Double.infinity }, claimed: { _ in [0] }, inputs: .vector(1, .uniform(-1...1))), .nonFinite,
             "non-finite output 0 of the black-box function"),
            (.matrixGradient(of: ThrowingProgram(), inputs: .vector(4, .uniform(-1...1))), .error, "the user's loss refuses these parameters"),
            (.matrixGradient(of: ThrowingProgram(), inputs: .vector(3, .uniform(-1...1))), .error, "expected 4, got 3"),
            (.hessian(of: NoOutputs(), inputs: .vector(2, .uniform(-1...1))), .nothingChecked, "f has no outputs here"),
            (.vjp(of: Polar(), outputs: 3, claimed: { _, _ in [0, 0] }, inputs: .vector(2, .uniform(-2...2))), .error,
             "cotangent length (number of outputs): expected 2, got 3: f returns 2 outputs here, and the cotangent u is drawn with `outputs` (3) entries; pass outputs: 2"),
        ]
        for (p, verdict, text) in cases {
            let r = checkProperty(p, options: options(5))
            XCTAssertEqual(r.failure?.verdict, verdict, r.message)
            XCTAssertTrue(r.message.contains(text), r.message)
        }
    }

    func testTheUserPrimitiveIsValidatedAndLocalised() throws {
        XCTAssertTrue(validate(LogAddExp.self, samples: 16, seed: 1).passed)
        let v = validate(LogAddExpWrong.self, samples: 16, seed: 1)
        XCTAssertEqual(v.check(named: "partials")?.outcome, .failed, v.description)
        XCTAssertTrue(v.description.contains("∂/∂input 1"), v.description)
        let r = checkProperty(.gradient(of: UsesLogAddExpWrong(), claimed: logAddExpProductGradient, inputs: Self.v3), options: options())
        XCTAssertTrue(r.message.contains("shown wrong: forward and reverse mode only, not the claim"), r.message)
        XCTAssertTrue(r.message.contains("localised: the rule of logaddexp_wrong at node"), r.message)
    }

    /// At a stationary point where f is 0 (the minimum of x₀² + x₁², Rosenbrock's (1, 1, 1, 1))
    /// every claimed entry is 0 and neither the row nor f gives a scale; a right gradient was
    /// inconclusive ("estimate-too-large") until f's own change over the witness's step became
    /// the scale. Wrong claims at the same points, down to 10⁻¹² off, are still convicted: the
    /// tolerance is the witness's error, not the new scale.
    func testARightGradientAtAZeroStationaryPointPassesForABlackBox() throws {
        let sq: @Sendable ([Double]) -> Double = { x in x[0] * x[0] + x[1] * x[1] }
        let r = try checkBlackBoxGradient(of: sq, at: [0.0, 0.0], claimedGradient: { x in [2 * x[0], 2 * x[1]] })
        XCTAssertEqual(r.entries[0].map(\.verdict.name), ["agree", "agree"], r.renderTable())
        let rosen = try checkBlackBoxGradient(of: rosenbrockF, at: [1, 1, 1, 1], claimedGradient: rosenbrockGradient())
        XCTAssertTrue(rosen.passed, rosen.renderTable() + "\(rosen.entries[0][0].ladder)")
        XCTAssertTrue(checkProperty(.gradient(of: Rosenbrock(), claimed: rosenbrockGradient(), inputs: .point([1, 1, 1, 1]))).passed)
        // Wrong by 10⁻⁹ at the minimum: the central difference there is exactly 0 (f is even
        // about it), so the claim is 10⁻⁹ from a witness whose error is f's rounding.
        let off = try checkBlackBoxGradient(of: sq, at: [0.0, 0.0], claimedGradient: { _ in [1e-9, 0] })
        XCTAssertEqual(off.entries[0].map(\.verdict.name), ["rule-wrong", "agree"], off.renderTable())
        // A claimed 0 where the true slope is −10⁻¹² (f = x² − 10⁻¹²x is 0 at 0 too).
        let tilt: @Sendable ([Double]) -> Double = { x in x[0] * x[0] - 1e-12 * x[0] }
        let missed = try checkBlackBoxGradient(of: tilt, at: [0.0], claimedGradient: { _ in [0] })
        XCTAssertEqual(missed.entries[0][0].verdict.name, "rule-wrong", missed.renderTable())
        XCTAssertTrue(try checkBlackBoxGradient(of: tilt, at: [0.0], claimedGradient: { _ in [-1e-12] }).passed)
        // A Rosenbrock gradient without the coupling term is 0 at (1, 1, 1, 1) as well; off the
        // minimum along x₃ (where only that term is not 0: ∂f/∂x₃ = 100 by hand) it is convicted.
        let near = try checkBlackBoxGradient(of: rosenbrockF, at: [1, 1, 1, 1.5], claimedGradient: rosenbrockGradient(dropCoupling: true))
        XCTAssertEqual(near.entries[0][3].verdict.name, "rule-wrong", near.renderTable())
    }

    /// `make test` runs one seed; `ADJOINT_USER_SUITE_SEEDS=30` runs seeds 1…30 × 100 trials and
    /// requires every right claim to pass and every wrong one to be convicted at each.
    func testRightAndWrongClaimsOverManySeeds() throws {
        guard let n = ProcessInfo.processInfo.environment["ADJOINT_USER_SUITE_SEEDS"].flatMap(Int.init), n > 0 else {
            throw XCTSkip("set ADJOINT_USER_SUITE_SEEDS=<count> to run the sweep")
        }
        var flaky: [String] = [], missed: [String] = []
        for (name, p) in Self.right {
            var inconclusive = 0
            for s in 1...n {
                let r = checkProperty(p, options: options(100, seed: UInt64(s)))
                if !r.passed { flaky.append("\(name) seed \(s): \(r.message)") }
                inconclusive += r.counts[.inconclusive] ?? 0
            }
            print("right \(name): \(n) seeds × 100 trials, \(inconclusive) inconclusive points")
        }
        for (name, p, verdict, _) in Self.wrong {
            var firstTrials: [Int] = []
            for s in 1...n {
                let r = checkProperty(p, options: options(100, seed: UInt64(s)))
                if let f = r.failure, f.verdict == verdict { firstTrials.append(f.trial) } else { missed.append("\(name) seed \(s): \(r.message)") }
            }
            print("wrong \(name): convicted at \(firstTrials.count) of \(n) seeds, first failing trial at most \(firstTrials.max() ?? -1)")
        }
        XCTAssertTrue(flaky.isEmpty, flaky.joined(separator: "\n---\n"))
        XCTAssertTrue(missed.isEmpty, missed.joined(separator: "\n---\n"))
    }
}
