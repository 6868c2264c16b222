// Doc-comment examples of the public API, each copied verbatim into a function below, so that
// `swift build --build-tests` compiles them as a user's code would and `DocCommentTests` runs them.
// `DocCommentTests` fails when an example in a covered file (`DocCommentTests.coveredFiles`) is not
// found here line for line. What an example uses but does not define (`Polar`, `F`, `report`) is
// defined at the top or just before it ("context"). Function names carry the line the example had
// when it was copied; the test finds an example by its text, wherever it moves.
import Adjoint
import AdjointSelfTest
import AdjointTesting
import ComplexModule
import Foundation
import PropertyBased
import XCTest

// context: the functions the doc comments refer to
struct Polar: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] * T.cos(x[1]), x[0] * T.sin(x[1])] }
}
struct F: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.sin(x[0]) * x[1]] } }
struct F2: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [log(x[0]) + x[0] * x[1] - sin(x[1])] } }
/// (x₀x₁, sin x₀ + x₁²) with a JVP only, and a function through it.
enum ProdSinWithJVP: VectorPrimitive {
    static let name = "prodsin_with_jvp"
    static func primal(_ x: [Double]) -> [Double] { [x[0] * x[1], sin(x[0]) + x[1] * x[1]] }
    static func jvp(at x: [Double], direction v: [Double]) -> [Double]? { [x[1] * v[0] + x[0] * v[1], cos(x[0]) * v[0] + 2 * x[1] * v[1]] }
}
/// The solve of [[1, a], [b, 1]]·y = (1, 0) by Cramer's rule, with its (right) JVP and VJP.
enum Solve2ByCramer: VectorPrimitive {
    static let name = "solve2"
    static func primal(_ x: [Double]) -> [Double] { let d = 1 - x[0] * x[1]; return [1 / d, -x[1] / d] }
    static func jvp(at x: [Double], direction v: [Double]) -> [Double]? {
        let d2 = (1 - x[0] * x[1]) * (1 - x[0] * x[1])
        return [(x[1] * v[0] + x[0] * v[1]) / d2, (-x[1] * x[1] * v[0] - v[1]) / d2]
    }
    static func vjp(at x: [Double], cotangent u: [Double]) -> [Double]? {
        let d2 = (1 - x[0] * x[1]) * (1 - x[0] * x[1])
        return [(x[1] * u[0] - x[1] * x[1] * u[1]) / d2, (x[0] * u[0] - u[1]) / d2]
    }
}
/// (x₀x₁, sin x₁) with a right JVP and a VJP that answers one component for two inputs.
enum ShortVJP: VectorPrimitive {
    static let name = "short_vjp"
    static func primal(_ x: [Double]) -> [Double] { [x[0] * x[1], sin(x[1])] }
    static func jvp(at x: [Double], direction v: [Double]) -> [Double]? { [x[1] * v[0] + x[0] * v[1], cos(x[1]) * v[1]] }
    static func vjp(at x: [Double], cotangent u: [Double]) -> [Double]? { [x[1] * u[0]] }
}
struct SolveNearSingular: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { Solve2ByCramer.apply(x) } }
struct UsesJVPOnlyPrimitive: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { let y = ProdSinWithJVP.apply(x); return [y[0] + y[1]] }
}
struct ExpOf: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [exp(x[0])] } }
/// A(x) − A(x) + sin x, A two thousand products by 1.0035: the accumulation allowance's examples.
struct CopiesBesideSine: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
        var a = x[0], b = x[0]
        for _ in 0..<2000 { a = a * 1.0035 }
        for _ in 0..<2000 { b = b * 1.0035 }
        return [a - b + T.sin(x[0])]
    }
}
/// x₀²x₁ + x₂·sin x₂ … : ∇ = (2x₀x₁, x₀² + sin x₂, x₁ cos x₂).
struct Energy: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] * x[0] * x[1] + sin(x[2]) * x[1]] } }
@Sendable func energyGradient(_ x: [Double]) -> [Double] { [2 * x[0] * x[1], x[0] * x[0] + sin(x[2]), cos(x[2]) * x[1]] }
struct Relu: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [relu(x[0]) + x[1]] } }
struct ExpSin: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [exp(x[0]) * sin(x[0])] } }
/// fᵢ = xᵢ₋₁ + xᵢ² + xᵢ₊₁: a tridiagonal Jacobian.
struct Tridiagonal: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
        x.indices.map { i in
            var s = x[i] * x[i]
            if i > 0 { s = s + x[i - 1] }
            if i + 1 < x.count { s = s + x[i + 1] }
            return s
        }
    }
}
/// W₀ by Newton's method on Doubles, then one Newton step in T (the README's primitive).
enum LambertW: UnaryPrimitive {
    static let name = "doc_lambert_w"
    static var sampleRanges: [ClosedRange<Double>] { [0.1...5] }
    static func primal<T: ADScalar>(_ x: T) -> T {
        var w = log(1 + x.approximateDouble)
        for _ in 0..<40 { let e = exp(w); w -= (w * e - x.approximateDouble) / (e * (1 + w)) }
        let w0 = T(w), e = exp(w0)
        return w0 - (w0 * e - x) / (e * (1 + w0))
    }
    static func derivative<T: ADScalar>(_ x: T, output w: T) -> T { 1 / (exp(w) * (1 + w)) }
    // W₀ is real for x ≥ −1/e only; validate probes outside the samples and asks for this.
    static func domainViolation(_ x: Double, _ y: Double) -> String? { x < -1 / M_E ? "x < −1/e" : nil }
}
enum Cube: UnaryPrimitive {
    static let name = "doc_cube"
    static func primal<T: ADScalar>(_ x: T) -> T { x * x * x }
    static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { 3 * x * x }
}
/// sin sampled near 10⁻¹⁵⁰ whose rule reads cos x as a Double: its second derivative (0 for
/// −sin x ≈ −10⁻¹⁵⁰) is beyond what any difference of its partials resolves there.
enum TinySin: UnaryPrimitive {
    static let name = "doc_tiny_sin"
    static var sampleRanges: [ClosedRange<Double>] { [1e-151...1e-150] }
    static func primal<T: ADScalar>(_ x: T) -> T { sin(x) }
    static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { T(Foundation.cos(x.approximateDouble)) }
}
/// x₀x₁ + sin x₂ in Double, and its gradient by hand computed in float32 arithmetic.
@Sendable func loss(_ x: [Double]) -> Double { x[0] * x[1] + sin(x[2]) }
@Sendable func lossGradientFloat32(_ x: [Float]) -> [Float] { [x[1], x[0], cos(x[2])] }
/// y = A⁻¹b for a 2×2 A (inputs a00, a01, a10, a11, b0, b1): JVP by differentiating A·y = b, VJP
/// by transposing it (λ = A⁻ᵀu, ∂/∂A = −λyᵀ, ∂/∂b = λ).
enum LinearSolve: VectorPrimitive {
    static let name = "doc_linear_solve"
    static func solve(_ a: [Double], _ b: [Double]) -> [Double] {
        let det = a[0] * a[3] - a[1] * a[2]
        return [(a[3] * b[0] - a[1] * b[1]) / det, (a[0] * b[1] - a[2] * b[0]) / det]
    }
    static func primal(_ x: [Double]) -> [Double] { solve(Array(x[0..<4]), Array(x[4..<6])) }
    static func jvp(at x: [Double], direction v: [Double]) -> [Double]? {
        let y = primal(x)
        let r = [v[4] - v[0] * y[0] - v[1] * y[1], v[5] - v[2] * y[0] - v[3] * y[1]]
        return solve(Array(x[0..<4]), r)
    }
    static func vjp(at x: [Double], cotangent u: [Double]) -> [Double]? {
        let y = primal(x), l = solve([x[0], x[2], x[1], x[3]], u)
        return [-l[0] * y[0], -l[0] * y[1], -l[1] * y[0], -l[1] * y[1], l[0], l[1]]
    }
    static func sampleRanges(inputs n: Int) -> [ClosedRange<Double>] { [2...3, -0.5...0.5, -0.5...0.5, 2...3, -1...1, -1...1] }
}
typealias Loss = LogisticLoss   // README's example (ReadmeExamples.swift); its gradient is handGradient
let blackBoxProperty = DerivativeProperty.blackBoxGradient(of: { (x: [Double]) in x[0] * exp(x[1]) },
                                                           claimed: { x in [exp(x[1]), x[0] * exp(x[1])] },
                                                           inputs: .vector(2, .uniform(-2...2)))

enum DocCommentExamples {
    /// Sources/AdjointCore/API/ADFunction.swift, line 8.
    static func ADFunction_8() async throws {
        struct Polar: ADFunction {
            func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] * T.cos(x[1]), x[0] * T.sin(x[1])] }
        }
        let j = try jacobian(of: Polar(), at: [2.0, 0.5])
        _ = j
    }

    /// Sources/AdjointCore/API/CompressedJacobian.swift, line 18.
    static func CompressedJacobian_18() async throws {
        // f = (x0·x1, x2²): columns 0 and 2 share no row, so 2 groups suffice.
        let r = try forwardCompressedJacobian(of: { (x: [Dual<Double, SIMD2<Double>>]) in [x[0] * x[1], x[2] * x[2]] },
                                              at: [1.0, 2.0, 3.0], groups: [0, 1, 0], groupCount: 2)
        _ = r.compressed   // [[2, 1], [6, 0]]
    }

    /// Sources/AdjointCore/API/Concurrent.swift, line 79.
    static func Concurrent_79() async throws {
        let r = try await jacobian(of: Polar(), at: [2.0, 0.5], mode: .forward, tasks: 2)
        _ = r
    }

    /// Sources/AdjointCore/API/Derivatives.swift, line 20.
    static func Derivatives_20() async throws {
        let y = try value(of: Polar(), at: [2.0, 0.5])
        _ = y
    }

    /// Sources/AdjointCore/API/Derivatives.swift, line 34.
    static func Derivatives_34() async throws {
        let rec = try record({ x in [x[0] * x[1], x[0] + x[1]] }, at: [2.0, 3.0])
        let row0 = try rec.pullback([1, 0])   // [3, 2]
        _ = row0
    }

    /// Sources/AdjointCore/API/Derivatives.swift, line 96.
    static func Derivatives_96() async throws {
        print(try record({ x in [x[0] * x[1]] }, at: [2.0, 3.0]))
        // Recording<Double>: 2 inputs, 1 output, 3 tape entries; value [6.0]
    }

    /// Sources/AdjointCore/API/Derivatives.swift, line 126.
    static func Derivatives_126() async throws {
        let r = try record({ x in [x[0] * 1e300 * 1e300, x[1]] }, at: [1.0, 2.0], finiteOutputs: false)
        _ = r.value   // [inf, 2.0]
        if r.value != [.infinity, 2.0] { throw DocExampleFailed() }
        // The checked recording refuses the same function.
        if (try? record({ x in [x[0] * 1e300 * 1e300, x[1]] }, at: [1.0, 2.0])) != nil { throw DocExampleFailed() }
    }

    /// Sources/AdjointCore/API/Derivatives.swift, line 137.
    static func Derivatives_137() async throws {
        func f<T: ADScalar>(_ x: [T]) -> T { (x[0] + x[1]) * x[2] - x[3] }
        _ = try gradient(of: f, at: [5, 4, 3, 2])   // [3, 3, 9, -1]
    }

    /// Sources/AdjointCore/API/Derivatives.swift, line 155.
    static func Derivatives_155() async throws {
        _ = try vjp(of: { x in [x[0] * x[1], x[0]] }, at: [2.0, 3.0], cotangent: [1, 10])  // value [6, 2], vjp [13, 2]
    }

    /// Sources/AdjointCore/API/Derivatives.swift, line 178.
    static func Derivatives_178() async throws {
        _ = try jvp(of: { x in [x[0] * x[1]] }, at: [2.0, 3.0], direction: [1, 0])  // value [6], jvp [3]
    }

    /// Sources/AdjointCore/API/Derivatives.swift, line 196.
    static func Derivatives_196() async throws {
        // d/dx [x · d/dy (x + y)] = 1: the inner derivative sees x as a constant.
        func g<T: ADScalar>(_ x: T) -> T { x * derivative(of: { y in Dual(constant: x) + y }, at: x) }
        _ = derivative(of: g, at: 3.0)   // 1
    }

    /// Sources/AdjointCore/API/Derivatives.swift, line 321.
    static func Derivatives_321() async throws {
        _ = derivative(of: { x in log(x) }, at: -1.0)   // nan: log's domain error, not the tangent line's −1
    }

    /// Sources/AdjointCore/API/Derivatives.swift, line 242.
    static func Derivatives_242() async throws {
        let r = try forwardJacobian(of: { (x: [Dual<Double, SIMD4<Double>>]) in [x[0] * x[1]] }, at: [2.0, 3.0])
        _ = r.jacobian   // [[3, 2]], one pass
    }

    /// Sources/AdjointCore/API/Derivatives.swift, line 262.
    static func Derivatives_262() async throws {
        let p = forwardPass({ (d: [Dual<Double, Double>]) in [d[0] * d[1]] }, at: [2.0, 3.0], pass: 1)
        _ = p.columns   // [[2]]: ∂(x·y)/∂y
    }

    /// Sources/AdjointCore/API/Derivatives.swift, line 316.
    static func Derivatives_316() async throws {
        let r = try jacobian(of: Polar(), at: [2.0, 0.5])      // r.jacobian[0][0] = cos 0.5
        _ = r
    }

    /// Sources/AdjointCore/API/Derivatives.swift, line 337.
    static func Derivatives_337() async throws {
        let r = try jacobian(of: { x in [x[0] * x[1], sin(x[0])] }, at: [2.0, 3.0])
        _ = r
    }

    /// Sources/AdjointCore/API/Derivatives.swift, line 376.
    static func Derivatives_376() async throws {
        func q<T: ADScalar>(_ x: [T]) -> T { x[0] * x[0] * x[1] }
        _ = try hvp(of: q, at: [1.0, 2.0], direction: [1, 0])   // [4, 2]
    }

    /// Sources/AdjointCore/API/Derivatives.swift, line 419.
    static func Derivatives_419() async throws {
        let h = try hessian(of: Polar(), at: [2.0, 0.5], output: 1)   // ∇²(r sin t)
        _ = h
    }

    /// Sources/AdjointCore/API/SpecialisedADFunction.swift, line 13.
    static func SpecialisedADFunction_13() async throws {
        struct Square: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] * x[0]] } }
        let s = SpecialisedADFunction<Double, Dual<Double, Double>, Reverse<Double>, Float>(Square())
        _ = s([3.0])          // [9.0], through the closure compiled for Double
        _ = s([Float(2)])     // [4.0]
    }

    /// Sources/AdjointCheck/Check/BlackBoxCheck.swift, line 26.
    static func BlackBoxCheck_26() async throws {
        var o = CheckOptions.blackBox
        o.rtol = 1e-6
    }

    /// Sources/AdjointCheck/Check/BlackBoxCheck.swift, line 56.
    static func BlackBoxCheck_56() async throws {
        let f: ([Double]) -> [Double] = { x in [x[0] * x[1], sin(x[0])] }
        let r = try checkBlackBoxJacobian(of: f, at: [1.0, 2.0],
                                          claimed: { x in [[x[1], x[0]], [cos(x[0]), 0]] })
        _ = r.passed   // true
    }

    /// Sources/AdjointCheck/Check/BlackBoxCheck.swift, line 83.
    static func BlackBoxCheck_83() async throws {
        let r = try checkBlackBoxGradient(of: { (x: [Double]) in x[0] * x[0] * x[1] }, at: [1.5, 2.0],
                                          claimedGradient: { x in [2 * x[0] * x[1], x[0] * x[0]] })
        _ = r
    }

    /// Sources/AdjointCheck/Check/BlackBoxCheck.swift, line 101.
    static func BlackBoxCheck_101() async throws {
        let r = try checkBlackBoxJVP(of: { (x: [Double]) in [x[0] * x[1]] }, at: [1.0, 2.0], direction: [0.3, -1],
                                     claimed: { x, v in [x[1] * v[0] + x[0] * v[1]] })
        _ = r
    }

    /// Sources/AdjointCheck/Check/BlackBoxCheck.swift, line 127.
    static func BlackBoxCheck_127() async throws {
        let r = try checkBlackBoxVJP(of: { (x: [Double]) in [x[0] * x[1], x[0]] }, at: [2.0, 3.0], cotangent: [1, 10],
                                     claimed: { x, u in [u[0] * x[1] + u[1], u[0] * x[0]] })
        _ = r
    }

    /// Sources/AdjointCheck/Check/Check.swift, line 15.
    static func Check_15() async throws {
        struct F: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.sin(x[0]) * x[1]] } }
        let report = try checkJacobian(of: F(), at: [0.5, 2.0])
        print(report.renderTable())
        _ = report.verdict          // .agree
    }

    /// Sources/AdjointCheck/Check/Check.swift, line 54.
    static func Check_54() async throws {
        let report = try checkGradient(of: F(), at: [0.5, 2.0], claimedGradient: { x in [cos(x[0]) * x[1], sin(x[0])] })
        _ = report
    }

    /// Sources/AdjointCheck/Check/ConcurrentCheck.swift, line 17.
    static func ConcurrentCheck_17() async throws {
        let d = try await differenceJacobian(of: Polar(), at: [2.0, 0.5], method: .richardson, tasks: 2)
        _ = d
    }

    /// Sources/AdjointCheck/Check/ConcurrentCheck.swift, line 44.
    static func ConcurrentCheck_44() async throws {
        let d = try await differenceJacobian(evaluating: { x in [x[0] * x[1]] }, at: [2.0, 3.0], method: .adaptive, tasks: 2)
        _ = d
    }

    /// Sources/AdjointCheck/Check/ConcurrentCheck.swift, line 83.
    static func ConcurrentCheck_83() async throws {
        let report = try await checkJacobian(of: F(), at: [0.5, 2.0], tasks: 2)
        _ = report.verdict   // .agree, as from the serial check
    }

    /// Sources/AdjointCheck/Check/CheckReport.swift, line 6.
    static func CheckReport_6() async throws {
        let report = try checkJacobian(of: F(), at: [0.5, 2.0])
        print(report.renderTable())
        let json = report.toJSON()
        _ = json
    }

    /// Sources/AdjointCheck/Check/CheckReport.swift, line 131.
    static func CheckReport_131() async throws {
        // context: Newton on x³ + ax − b from x = 1, stopping once the residual is within 10⁻⁸; at (2, 3) 1 is the root
        let newtonFromItsRoot = { (p: [Double]) -> Double in
            var x = 1.0
            for _ in 0..<50 {
                let residual = x * x * x + p[0] * x - p[1]
                if Swift.abs(residual) <= 1e-8 { break }
                x -= residual / (3 * x * x + p[0])
            }
            return x
        }
        let r = try checkBlackBoxGradient(of: newtonFromItsRoot, at: [2.0, 3.0], claimedGradient: { _ in [0, 0] })
        r.plateaus   // ["entry (f0, x0): f is flat below a scale of 9.130127e-09 along x0: …", "entry (f0, x1): …"]
        r.notes      // […, "entries (f0, x0), (f0, x1): f is flat below a scale along each entry's line …: along x0 within ±9.130127e-09 …; along x1 …", …]
        guard r.plateaus.count == 2, r.plateaus[0].hasPrefix("entry (f0, x0): f is flat below a scale of 9.130127e-09 along x0"),
              r.plateaus[1].hasPrefix("entry (f0, x1): "),
              r.notes.contains(where: { $0.hasPrefix("entries (f0, x0), (f0, x1): f is flat below a scale along each entry's line") })
        else { throw ADError.invalidArgument("\(r.plateaus)\n\(r.notes)") }
    }

    /// Sources/AdjointCheck/Check/CheckReport.swift, line 665.
    static func CheckReport_665() async throws {
        var o = CheckOptions()
        o.inputNames = ["r", "theta"]
        let json = try checkJacobian(of: Polar(), at: [2.0, 0.5], options: o).toJSON()
        // "names": {"outputs": ["f0", "f1"], "inputs": ["r", "theta"]}, …, "inputName": "theta", …
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let names = try XCTUnwrap(object["names"] as? [String: [String]])
        guard names["outputs"] == ["f0", "f1"], names["inputs"] == ["r", "theta"], json.contains("\"inputName\": \"theta\"") else {
            throw ADError.invalidArgument(json)
        }
    }

    /// Sources/AdjointCheck/Check/CheckReport.swift, line 76.
    static func CheckReport_76() async throws {
        let report = try checkJacobian(of: F(), at: [0.5, 2.0])   // context
        _ = report.worstEntries(limit: 1).first?.input   // the input of the worst entry
    }

    /// Sources/AdjointCheck/Check/CheckReport.swift, line 36.
    static func CheckReport_36() async throws {
        let r = try checkJacobian(of: UsesJVPOnlyPrimitive(), at: [0.5, 2.0])
        _ = r.subjects                    // ["forward"]
        _ = r.modesNotRun.map(\.mode)     // ["reverse"]
        guard r.subjects == ["forward"], r.modesNotRun.map(\.mode) == ["reverse"], r.passed else { throw ADError.invalidArgument(r.renderTable()) }
    }

    /// Sources/AdjointCheck/Check/CheckReport.swift, line 60.
    static func CheckReport_60() async throws {
        let r = try checkJacobian(of: SolveNearSingular(), at: [0.999999, 1.0])
        _ = r.measuredNoise   // ["rounding measured, which stopped nothing: user primitive solve2 (node 2) rounds far above …, output 0: σ = 6.181195e-05 (278376.2 ulps of |999999.9|), …"]
        guard r.measuredNoise.count == 1, r.measuredNoise[0].contains("σ = 6.18"),
              r.measuredNoise[0].hasPrefix("rounding measured, which stopped nothing: user primitive solve2 (node 2)"), r.passed
        else { throw ADError.invalidArgument(r.renderTable()) }
    }

    /// Sources/AdjointCheck/Check/CheckReport.swift, line 97.
    static func CheckReport_97() async throws {
        // context: cos tabulated at spacing 0.1 and interpolated linearly
        let tabulatedCos: @Sendable ([Double]) -> Double = { x in
            let i = (x[0] / 0.1).rounded(.down), t = x[0] / 0.1 - i
            return cos(i * 0.1) + t * (cos((i + 1) * 0.1) - cos(i * 0.1))
        }
        let r = try checkBlackBoxGradient(of: tabulatedCos, at: [-1.662], claimedGradient: { x in [-sin(x[0])] })
        _ = r.linearSegments   // ["entry (f0, x0): f is linear along x0 within ±0.03125 of x: … Its derivative at x is that line's slope, 0.9964497, …"]
        // Three such entries: ["entries (f0, x0), (f0, x1), (f0, x2): f is linear around x along each entry's line, …"]
        guard r.linearSegments.count == 1, r.linearSegments[0].contains("within ±0.03125 of x"),
              r.linearSegments[0].contains("slope, 0.9964497,") else { throw ADError.invalidArgument(r.renderTable()) }
    }

    /// Sources/AdjointCheck/FiniteDifferences/DifferenceEngine.swift, line 10.
    static func DifferenceEngine_10() async throws {
        _ = FDWarning.stepBelowULP.rawValue   // "step-below-ulp"
    }

    /// Sources/AdjointCheck/FiniteDifferences/DifferenceEngine.swift, line 53.
    static func DifferenceEngine_53() async throws {
        let f = ExpOf()   // context
        let e = try differenceJacobian(of: f, at: [1.0], method: .richardson).entries[0][0]
        print(e.value, e.errorEstimate, e.step)
    }

    /// Sources/AdjointCheck/FiniteDifferences/Differences.swift, line 7.
    static func Differences_7() async throws {
        _ = DifferenceMethod(rawValue: "complex-step")   // .complexStep
    }

    /// Sources/AdjointCheck/FiniteDifferences/Differences.swift, line 44.
    static func Differences_44() async throws {
        let d = try differenceJacobian(of: Polar(), at: [2.0, 0.5], method: .richardson)
        _ = d.jacobian[0][1]        // ≈ −2 sin 0.5
        _ = d.entries[0][1].errorEstimate
    }

    /// Sources/AdjointCheck/FiniteDifferences/Differences.swift, line 69.
    static func Differences_69() async throws {
        let d = try differenceJacobian(of: Polar(), at: [2.0, 0.5], method: .central)
        _ = d
    }

    /// Sources/AdjointCheck/FiniteDifferences/Differences.swift, line 115.
    static func Differences_115() async throws {
        let d = try differenceJacobian(evaluating: { x in [x[0] * x[1]] }, at: [2.0, 3.0], method: .adaptive)
        _ = d.jacobian   // ≈ [[3, 2]]
    }

    /// Sources/AdjointCheck/FiniteDifferences/EvaluationRounding.swift, line 89.
    static func EvaluationRounding_89() async throws {
        struct Expm1OverX: ADFunction {   // (eˣ − 1)/x, written naively
            func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [(exp(x[0]) - 1) / x[0]] }
        }
        let bound = try derivativeRoundingBound(of: Expm1OverX(), at: [1e-9], direction: [1])   // ≈ [222]
        // By hand: f′(10⁻⁹) = 1/2 + x/3 + … = 0.5000000003; every mode gives the derivative of f as
        // computed, which the bound must reach from there, and not by orders of magnitude more.
        let ad = try jacobian(of: Expm1OverX(), at: [1e-9]).jacobian[0][0]
        let offset = Swift.abs(ad - (0.5 + 1e-9 / 3))
        guard bound.count == 1, bound[0] >= offset, bound[0] < 10 * offset else { throw DocExampleFailed() }
    }

    /// Sources/AdjointCheck/Check/CheckTypes.swift, line 270.
    static func CheckTypes_270() async throws {
        struct Expm1OverX: ADFunction {   // (eˣ − 1)/x, written naively
            func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [(exp(x[0]) - 1) / x[0]] }
        }
        let r = try checkJacobian(of: Expm1OverX(), at: [1e-9])
        _ = r.entries[0][0].derivativeRoundingBound   // ≈ 222: every mode's −81.74 is within it of f′ = 0.5
        // By hand: f′(10⁻⁹) = 1/2 + x/3 + … = 0.5000000003.
        let ad = try XCTUnwrap(r.entries[0][0].subjects.first { $0.name == "forward" }?.value)
        let bound = try XCTUnwrap(r.entries[0][0].derivativeRoundingBound)
        guard bound >= Swift.abs(ad - (0.5 + 1e-9 / 3)), bound < 1000 else { throw DocExampleFailed() }
    }

    /// Sources/AdjointCheck/Check/CheckTypes.swift, line 106.
    static func CheckTypes_106() async throws {
        _ = CheckOptions.accumulationULPsPerOp   // 4.0
        if CheckOptions.accumulationULPsPerOp != 4.0 { throw DocExampleFailed() }
    }

    /// Sources/AdjointCheck/Check/CheckTypes.swift, line 113.
    static func CheckTypes_113() async throws {
        var o = CheckOptions()
        o.inputNames = ["r", "theta"]
        o.outputNames = ["px", "py"]
        print(try checkJacobian(of: Polar(), at: [2.0, 0.5], options: o).renderTable())   // rows "px  r", "py  theta", …
        let table = try checkJacobian(of: Polar(), at: [2.0, 0.5], options: o).renderTable()
        guard table.contains("\npx   r "), table.contains("\npy   theta ") else { throw ADError.invalidArgument(table) }
    }

    /// Sources/AdjointCheck/Check/CheckTypes.swift, line 104.
    static func CheckTypes_104() async throws {
        var o = CheckOptions()
        o.claimUnitRoundoff = Double(Float.ulpOfOne)   // the claim came from float32 arithmetic
        // context: the doc comment's f and numpy's float32 gradient of it (mpmath: ∂/∂x₂ = 0.0098104265330687)
        struct F: ADFunction {
            func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
                let a = T.exp(x[0]) * T.sin(x[1])
                return [a + x[0] * x[0] * x[0] / x[1] + T.log(x[0] * x[1])]
            }
        }
        o.rtol = Double(Float.ulpOfOne)
        let r = try checkGradient(of: F(), at: [1.5149719715118408, 1.2495388984680176],
                                  claimedGradient: { _ in [10.486995697021484, 0.009810566902160645] }, options: o)
        guard r.entries[0][1].verdict == .fdInconclusive(reasons: [.pathRounding]) else { throw DocExampleFailed() }
    }

    /// Sources/AdjointCheck/Check/CheckTypes.swift, line 82.
    static func CheckTypes_82() async throws {
        var o = CheckOptions()
        o.boundsDerivativeRounding = false   // entries' derivativeRoundingBound stay nil
        struct Expm1OverX: ADFunction {
            func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [(exp(x[0]) - 1) / x[0]] }
        }
        let r = try checkJacobian(of: Expm1OverX(), at: [1e-9], options: o)
        guard r.entries[0][0].derivativeRoundingBound == nil, r.derivativeRoundingEntries.isEmpty else { throw DocExampleFailed() }
    }

    /// Sources/AdjointCheck/Check/CheckReport.swift, line 310.
    static func CheckReport_310() async throws {
        struct CopiesBesideSine: ADFunction {   // A(x) − A(x) + sin x, A two thousand products by 1.0035
            func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
                var a = x[0], b = x[0]
                for _ in 0..<2000 { a = a * 1.0035 }
                for _ in 0..<2000 { b = b * 1.0035 }
                return [a - b + T.sin(x[0])]
            }
        }
        var o = CheckOptions()
        o.checkForward = false
        let r = try checkJacobian(of: CopiesBesideSine(), at: [0.7], options: o)
        _ = r.coarselyResolvedEntries.first?.accumulationAllowance?.allowance   // ≈ 1.5e-8 where the tolerance is ≈ 1e-14
        guard let a = r.coarselyResolvedEntries.first?.accumulationAllowance, a.allowance > 1e-9, a.allowance < 1e-7,
              a.witnessTolerance < 1e-12 else { throw DocExampleFailed() }
    }

    /// Sources/AdjointCheck/Check/CheckReport.swift, line 337.
    static func CheckReport_337() async throws {
        struct ShiftedSoftmax: ADFunction {   // context: the shift read as a Double, so no complex step
            func callAsFunction<T: ADScalar>(_ z: [T]) -> [T] {
                let m = z.map(\.approximateDouble).max() ?? 0
                var s: T = 0
                for zi in z { s += exp(zi - T(m)) }
                return [log(s) + T(m) - z[2]]
            }
        }
        let report = try checkJacobian(of: ShiftedSoftmax(), at: [0, 0, 0, 28.0])   // context
        for e in report.looselyResolvedEntries {
            print("entry (\(e.output), \(e.input)) resolved only to ±\(e.tolerance ?? .nan)")
        }
        guard report.looselyResolvedEntries.contains(where: { $0.input == 0 }) else { throw DocExampleFailed() }
    }

    /// Sources/AdjointCheck/Check/CheckTypes.swift, line 328.
    static func CheckTypes_328() async throws {
        var o = CheckOptions()
        o.checkForward = false
        let e = try checkJacobian(of: CopiesBesideSine(), at: [0.7], options: o).entries[0][0]   // A(x) − A(x) + sin x
        _ = e.accumulationAllowance?.allowance   // ≈ 1.5e-8: what the reverse-only pass resolves there
        guard let a = e.accumulationAllowance?.allowance, a > 1e-9, a < 1e-7 else { throw DocExampleFailed() }
    }

    /// Sources/AdjointCheck/Check/CheckTypes.swift, line 417.
    static func CheckTypes_417() async throws {
        var o = CheckOptions()
        o.checkForward = false
        let entry = try checkJacobian(of: CopiesBesideSine(), at: [0.7], options: o).entries[0][0]   // context
        if let a = entry.accumulationAllowance, a.exceedsResolution {
            print("resolved to \(a.allowance) only, not \(a.witnessTolerance)")
        }
        guard entry.accumulationAllowance?.exceedsResolution == true else { throw DocExampleFailed() }
    }

    /// Sources/AdjointCheck/Check/CheckReport.swift, line 268.
    static func CheckReport_268() async throws {
        struct Expm1OverX: ADFunction {
            func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [(exp(x[0]) - 1) / x[0]] }
        }
        let r = try checkJacobian(of: Expm1OverX(), at: [1e-9])   // (eˣ − 1)/x, written naively
        _ = r.passed                                             // true: the rules are right
        _ = r.derivativeRoundingEntries.map(\.input)             // [0]: f′ is 0.5, the modes' −81.74
        guard r.passed, r.derivativeRoundingEntries.map(\.input) == [0],
              r.notes.contains(where: { $0.hasPrefix("entry (f0, x0): forward and reverse mode compute") }) else { throw DocExampleFailed() }
    }

    /// Sources/AdjointCheck/FiniteDifferences/EvaluationRounding.swift, line 50.
    static func EvaluationRounding_50() async throws {
        struct Square1: ADFunction {   // (x − 1)² computed as x² − 2x + 1
            func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] * x[0] - 2 * x[0] + 1] }
        }
        let noise = try evaluationRoundingBound(of: Square1(), at: [1.0000001])   // ≈ [1.55e-15]: 7ε
        let d = try differenceJacobian(of: Square1(), at: [1.0000001], method: .adaptive, evaluationError: noise)
        // By hand: the nodes x·x ≈ 1, 2x ≈ 2, x·x − 2x ≈ −1 and the constant 1 reach f with
        // |∂f/∂v| = 1, the constant 2 with |x| ≈ 1, so the bound is (1 + 2 + 1 + 1 + 2)·2⁻⁵² = 1.55e-15. f′ = 2(x − 1) with x − 1 exact in Double (Sterbenz):
        // 2.0000000011677344e-7 (Python: float(2*Fraction(1.0000001) - 2)). The estimate must hold it.
        guard noise.count == 1, Swift.abs(noise[0] - 7 * 0x1p-52) <= 0x1p-52 else { throw DocExampleFailed() }
        let e = d.entries[0][0]
        guard Swift.abs(e.value - 2.0000000011677344e-7) <= e.errorEstimate, e.errorEstimate < 1e-9 else { throw DocExampleFailed() }
    }

    /// Sources/AdjointCheck/FiniteDifferences/EvaluationRounding.swift, line 84.
    static func EvaluationRounding_84() async throws {
        struct Hinge: ADFunction {
            func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] + relu(0.5 - x[0]) * x[1]] }
        }
        let room = try kinkRooms(of: Hinge(), at: [0.25, 2.0])   // [[0.25, ∞]]: x₀ meets the hinge 0.25 away
        if room != [[0.25, .infinity]] { throw DocExampleFailed() }
    }

    /// Sources/AdjointCheck/FiniteDifferences/EvaluationRounding.swift, line 396.
    static func EvaluationRounding_396() async throws {
        struct Hinge: ADFunction {
            func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] + relu(0.5 - x[0]) * x[1]] }
        }
        let rec = try record({ Hinge()($0) }, at: [0.25, 2.0])
        let room = try kinkRooms(recording: rec)   // [[0.25, ∞]]
        if room != [[0.25, .infinity]] { throw DocExampleFailed() }
    }

    /// Sources/AdjointCheck/FiniteDifferences/Differences.swift, line 147.
    static func Differences_147() async throws {
        let g = try differenceGradient(of: F2(), at: [2.0, 5.0], method: .richardson)
        let values = g.map(\.value)   // ≈ [5.5, 2 − cos 5], each with its `errorEstimate`
        _ = values
    }

    /// Sources/AdjointCheck/FiniteDifferences/Differences.swift, line 164.
    static func Differences_164() async throws {
        let jv = try differenceJVP(of: Polar(), at: [2.0, 0.5], direction: [1, 1], method: .central4)
        _ = jv
    }

    /// Sources/AdjointCheck/FiniteDifferences/Differences.swift, line 251.
    static func Differences_251() async throws {
        print(try differenceJacobian(of: Polar(), at: [2.0, 0.5], method: .richardson).toJSON())
    }

    /// Sources/AdjointCheck/FiniteDifferences/Stencil.swift, line 65.
    static func Stencil_65() async throws {
        let s = Stencil.central(order: 4)          // offsets −2 … 2
        _ = s.weights                                   // [1/12, −2/3, 0, 2/3, −1/12]
        _ = s.order                                     // 4
    }

    /// Sources/AdjointCheck/FiniteDifferences/Stencil.swift, line 94.
    static func Stencil_94() async throws {
        _ = Stencil(derivative: 1, offsets: [0, 1, 2])   // one-sided, second order: (−3/2, 2, −1/2)
    }

    /// Sources/AdjointCheck/FiniteDifferences/Stencil.swift, line 144.
    static func Stencil_144() async throws {
        _ = Stencil.central(order: 2).weights   // [−1/2, 0, 1/2]
    }

    /// Sources/AdjointCheck/FiniteDifferences/Stencil.swift, line 196.
    static func Stencil_196() async throws {
        _ = StencilMethod.central4.stencil.order   // 4
    }

    /// Sources/AdjointCheck/FiniteDifferences/StepSize.swift, line 5.
    static func StepSize_5() async throws {
        let f = Polar(), x = [2.0, 0.5]   // context
        _ = try differenceJacobian(of: f, at: x, method: .central, step: .absolute(1e-5))
    }

    /// Sources/AdjointCheck/FiniteDifferences/StepSize.swift, line 23.
    static func StepSize_23() async throws {
        _ = DifferenceTuning.evaluationNoiseULPs   // 2
    }

    /// Sources/AdjointCheck/FiniteDifferences/StepSize.swift, line 129.
    static func StepSize_129() async throws {
        _ = DifferenceTuning.stepConstant(for: .central)   // (2·1/(2·1/6))^{1/3} = 6^{1/3} ≈ 1.82
    }

    /// Sources/AdjointCheck/Check/CheckTypes.swift, line 6.
    static func CheckTypes_6() async throws {
        var o = CheckOptions()
        o.ladder = [.differences(.central), .differences(.richardson), .differences(.complexStep)]
        _ = try checkJacobian(of: F(), at: [0.5, 2.0], options: o)   // context: using it
    }

    /// Sources/AdjointCheck/Check/CheckTypes.swift, line 53.
    static func CheckTypes_53() async throws {
        var o = CheckOptions()
        o.rtol = 1e-6          // override the derived relative tolerance
        o.directionSeed = 42   // random-direction JVP check, reproducible
        _ = try checkJacobian(of: F(), at: [0.5, 2.0], options: o)   // context: using it
    }

    /// CheckTypes.swift, lines 93, 138, 240, 255, 276: one report as context.
    static func CheckTypes_93() async throws {
        let report = try checkGradient(of: F(), at: [0.5, 2.0], claimedGradient: { (x: [Double]) in [cos(x[0]) * x[1], sin(x[0]) + 1] })   // context
        _ = report.entries[0][1].verdict == .agree
        _ = report.entries[0][1].ladder.map(\.outcome)   // ["disagree", "disagree", "disagree", "disagree"]
        _ = report.entries.joined().filter { !$0.passes }   // what kept the check from passing
        _ = report.entries[0][0].wrongSubjects   // ["claimed"] when only the claim is off
        _ = report.fault?.op   // "sin"
    }

    /// Sources/AdjointCheck/Check/CheckTypes.swift, line 275.
    static func CheckTypes_275() throws {
        let r = try checkBlackBoxGradient(of: { (x: [Double]) in log(1 + exp(x[0])) }, at: [-40.0], claimedGradient: { _ in [1e-12] })
        _ = r.entries[0][0].flatWhereClaimMoves   // true
    }

    /// Sources/AdjointCheck/Check/CheckTypes.swift, line 161.
    static func CheckTypes_161() async throws {
        let k = try checkJacobian(of: Relu(), at: [0.0, 1.0]).entries[0][0].kink   // relu(x₀) + x₁
        _ = (k?.left, k?.right)   // (0, 1): any subgradient in [0, 1] is valid
    }

    /// Sources/AdjointCheck/Check/CheckTypes.swift, line 204.
    static func CheckTypes_204() async throws {
        let e = try checkJacobian(of: F(), at: [0.5, 2.0]).entries[0][1]
        print(e.verdict, e.witness ?? "-", e.relativeError ?? .nan)
    }

    /// Sources/AdjointCheck/Check/CheckTypes.swift, line 298.
    static func CheckTypes_298() async throws {
        let d = try checkJacobian(of: F(), at: [0.5, 2.0]).directional   // CheckOptions.directionSeed
        _ = d?.agrees   // true
    }

    /// Sources/AdjointCheck/Check/CheckTypes.swift, line 290.
    static func CheckTypes_290() async throws {
        let e = try checkJacobian(of: Formula(parsing: "x^2/x^300"), at: [10.0]).entries[0][0]
        _ = e.verdict        // .agree: reverse mode's sweep kept x³⁰⁰'s adjoint −10⁻⁵⁹⁸ (−2.98e-297)
        _ = e.seededPasses   // []: nothing was left for a seeded pass to recover
        guard e.verdict == .agree, e.seededPasses.isEmpty,
              let v = e.subjects.first(where: { $0.name == "reverse" })?.value, Swift.abs(v + 2.98e-297) < 1e-310 else { throw DocExampleFailed() }
    }

    /// Sources/AdjointCheck/Check/CheckReport.swift, line 534.
    static func CheckReport_534() async throws {
        let r = try checkJacobian(of: F(), at: [0.5, 2.0])
        print(r.entries[0][0].jsonValue.rendered())   // {"output": 0, "input": 0, "verdict": "agree", …}
        if !r.entries[0][0].jsonValue.rendered().hasPrefix(#"{"output": 0, "input": 0, "verdict": "agree""#) { throw DocExampleFailed() }
    }

    /// Sources/AdjointCheck/Check/CheckReport.swift, line 371.
    static func CheckReport_371() async throws {
        let e = try checkJacobian(of: Formula(parsing: "x^2/x^300"), at: [10.0]).entries[0][0]
        print(e.seededPassNote ?? "none")   // none: the sweep recovered x³⁰⁰'s adjoint itself
        if e.seededPassNote != nil { throw DocExampleFailed() }
    }

    /// Sources/AdjointCheck/Check/CheckTypes.swift, line 154.
    static func CheckTypes_154() async throws {
        // ShortVJP: (x₀x₁, sin x₁) with a right JVP and a VJP that answers one component for two
        struct ThroughShortVJP: ADFunction {
            func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { ShortVJP.apply(x) }
        }
        let r = try checkJacobian(of: ThroughShortVJP(), at: [0.5, 2.0])
        _ = r.verdict        // .modeFailed(modes: ["reverse"])
        print(r.renderTable())
        // verdict: mode-failed: reverse mode failed: short_vjp VJP length (inputs): expected 2, got 1  (4 agree); …
        if r.verdict != .modeFailed(modes: ["reverse"]) { throw DocExampleFailed() }
        let headline = "verdict: mode-failed: reverse mode failed: short_vjp VJP length (inputs): expected 2, got 1  (4 agree); "
        if !r.renderTable().contains(headline) { throw DocExampleFailed() }
    }

    /// Sources/AdjointCheck/Check/SparsityCheck.swift, line 37.
    static func SparsityCheck_37() async throws {
        let diagonal = try SparsityPattern(rows: 4, columns: 4, rowColumns: [[0], [1], [2], [3]])
        print(try checkSparsity(of: Tridiagonal(), at: [0.5, 1.0, 1.5, 2.0], pattern: diagonal))
        // sparsity check: FAILED
        //   false zero: entry (0, 1) is declared zero but f0 changed by … when x1 moved by …
        //   … (one line per false zero)
        //   the compressed Jacobian differs from the dense one by up to …, at entry (…)
        // sparse Jacobian 4 × 4 (forward mode): 4 entries in the pattern, 1 colour, 1 forward pass, 0 reverse sweeps
        //   (0, 0) = …
        let text = "\(try checkSparsity(of: Tridiagonal(), at: [0.5, 1.0, 1.5, 2.0], pattern: diagonal))"
        if !text.hasPrefix("sparsity check: FAILED\n  false zero: entry (0, 1) is declared zero but f0 changed by ")
            || !text.contains("\nsparse Jacobian 4 × 4 (forward mode): 4 entries in the pattern, 1 colour, 1 forward pass, 0 reverse sweeps\n  (0, 0) = ") {
            throw DocExampleFailed()
        }
    }

    /// Sources/AdjointCheck/Check/SparsityCheck.swift, line 61.
    static func SparsityCheck_61() async throws {
        let report = try checkSparsity(of: Tridiagonal(), at: [0.5, 1.0, 1.5, 2.0])
        _ = report.passed   // true
        let wrong = try SparsityPattern(rows: 4, columns: 4, rowColumns: [[0], [1], [2], [3]])
        _ = try checkSparsity(of: Tridiagonal(), at: [0.5, 1.0, 1.5, 2.0], pattern: wrong).falseZeros.first
        // entry (0, 1) is declared zero but f0 changed by …
    }

    /// Sources/AdjointCheck/Check/FaultLocalization.swift, line 202.
    static func FaultLocalization_202() async throws {
        _ = RuleCheck.disagreement(.sin, 0.5, 0.5, 0, partial: 0)   // nil: sin′ = cos is right
        _ = RuleCheck.sweepRegistry(seed: 7).isEmpty                // true unless a rule is wrong
    }

    /// Sources/AdjointCheck/Check/JSON.swift, line 7.
    static func JSON_7() async throws {
        _ = JSONValue.object([("slope", .number(2.0))]).rendered()   // {"slope": 2.0}
    }

    /// Sources/AdjointCheck/Sweep/StepSweep.swift, line 6.
    static func StepSweep_6() async throws {
        let sweep = try stepSweep(of: ExpSin(), at: [0.7])   // context
        _ = sweep.series(named: "central")?.slope   // ≈ 2
    }

    /// Sources/AdjointCheck/Sweep/StepSweep.swift, line 48.
    static func StepSweep_48() async throws {
        let s = try stepSweep(of: ExpSin(), at: [0.7])
        print(s.toJSON())          // {"methods": {"forward": {"slope": 1.0…, "points": [[0.1, …], …]}, …}}
        let svg = s.renderSVG()    // log–log plot, one line per method
        _ = svg
    }

    /// Sources/AdjointCheck/Sweep/StepSweep.swift: StepSweep.referenceIsUnreliable.
    static func StepSweep_referenceIsUnreliable() async throws {
        _ = try stepSweep(of: ExpSin(), at: [0.7]).referenceIsUnreliable   // false
    }

    /// Sources/AdjointCheck/Sweep/StepSweep.swift, line 115.
    static func StepSweep_115() async throws {
        _ = sweepMethods.map(\.rawValue)   // ["forward", "backward", …, "richardson", "complex-step"]
    }

    /// Sources/AdjointCheck/Sweep/StepSweep.swift, line 131.
    static func StepSweep_131() async throws {
        let s = try stepSweep(of: Polar(), at: [2.0, 0.5], output: 1, input: 1)
        _ = s
    }

    /// Sources/AdjointCheck/Sweep/SweepPlot.swift, line 6.
    static func SweepPlot_6() async throws {
        _ = SweepPlotTuning.clipDecades   // 3
    }

    /// Sources/AdjointCheck/Sweep/SweepPlot.swift, line 63: compiled, not run (it writes a file).
    static func SweepPlot_63() async throws {
        try stepSweep(of: ExpSin(), at: [0.7]).renderSVG().write(toFile: "sweep.svg", atomically: true, encoding: .utf8)
    }

    /// Sources/AdjointCheck/Primitives/Validate.swift, line 5.
    static func Validate_5() async throws {
        let v = validate(LambertW.self)
        _ = v.passed                    // false when a rule is wrong
        _ = v.check(named: "partials")  // .failed, with the point, expected and claimed values
        print(v)                    // one line per check
    }

    /// Sources/AdjointCheck/Primitives/Validate.swift, line 78.
    static func Validate_78() async throws {
        let report = validate(Cube.self)
        XCTAssert(report.passed, report.description)
    }

    /// Sources/AdjointCheck/Primitives/Validate.swift, line 43.
    static func Validate_43() async throws {
        let v = validate(TinySin.self)
        _ = v.passed               // false
        _ = v.inconclusiveChecks   // ["second-derivatives"]; v.description says why
        if v.passed || v.inconclusiveChecks != ["second-derivatives"] { throw DocExampleFailed() }   // context: using it
    }

    /// Sources/AdjointCheck/Primitives/Validate.swift, line 313.
    static func Validate_313() async throws {
        let report = validate(LinearSolve.self, inputs: 6)
        if !report.passed { throw DocExampleFailed() }   // context: using it
    }

    /// Sources/AdjointCheck/ComplexStep/Complex+ADScalar.swift, line 47.
    static func Complex_ADScalar_47() async throws {
        let z = Complex<Double>(1.5, 1e-20)
        let d = Complex<Double>.sin(z).imaginary / 1e-20   // cos 1.5
        _ = d
    }

    /// Sources/AdjointCheck/ComplexStep/Complex+ADScalar.swift, line 106.
    static func Complex_ADScalar_106() async throws {
        let q = Complex<Double>(1e7, 1e-20) / Complex<Double>(3, 0)   // real part 10⁷/3 as Doubles
        if q.real != 1e7 / 3 { throw DocExampleFailed() }   // context: the real quotient
    }

    // AdjointTesting (Assertions.swift is not covered: its examples are test methods, one a @Test).

    /// Sources/AdjointTesting/Inputs.swift, line 11.
    static func Inputs_11() async throws {
        let x: InputDomain = .uniform(-3...3)
        let rate: InputDomain = .logUniform(1e-4...10)          // spread over decades
        let p: InputDomain = .unitInterval                      // (0, 1), endpoints excluded
        let z: InputDomain = InputDomain.uniform(-2...2).awayFrom([0], margin: 1e-3)   // relu's kink
        _ = (x, rate, p, z)
    }

    /// Sources/AdjointTesting/Inputs.swift, line 136.
    static func Inputs_136() async throws {
        let space: InputSpace = .vector(5, .uniform(-2...2))
        let mixed: InputSpace = .arguments([.positive, .unitInterval, .integers(1...4)])
        let spd: InputSpace = .symmetricPositiveDefinite(3)              // 9 numbers, row by row
        let both: InputSpace = .concatenated([.vector(3, .uniform(-1...1)), .symmetricPositiveDefinite(3)])
        let replay: InputSpace = .point([11.0, -0.5])
        _ = (space, mixed, spd, both, replay)
    }

    /// Sources/AdjointTesting/Inputs.swift, point(_:direction:).
    static func Inputs_pointDirection() async throws {
        let replay: InputSpace = .point([0.0, 0.5], direction: [1.0, -0.25])
        _ = replay
    }

    /// Sources/AdjointTesting/Inputs.swift, line 254.
    static func Inputs_254() async throws {
        let g = Gen.double(in: 0...1).array(of: 4).map { p in p.map { $0 / p.reduce(0, +) } }
        let simplex = InputSpace.generator(g, count: 4)
        _ = simplex
    }

    /// Sources/AdjointTesting/MatrixPrograms.swift, line 10.
    static func MatrixPrograms_10() async throws {
        struct Ridge: MatrixProgram {
            typealias Scalar = Double
            let x: Matrix<Double>, y: Matrix<Double>
            var parameterShapes: [(rows: Int, cols: Int)] { [(3, 1)] }
            func loss<I: MatrixInterpreter>(_ m: I, parameters p: [I.Value]) throws -> I.Value where I.Scalar == Double {
                try m.mse(m.matmul(m.constant(x), p[0]), y)
            }
        }
        let ridge = Ridge(x: try Matrix<Double>(rows: 2, cols: 3, elements: [0.5, 1, -1, 2, 0.3, 0.1]),   // context: using it
                          y: try Matrix<Double>(rows: 2, cols: 1, elements: [1, 2]))
        var o = AdjointTestOptions()
        o.trials = 5
        if !assertGradient(of: ridge, inputs: .vector(3, .uniform(-1...1)), options: o).passed { throw DocExampleFailed() }
    }

    /// Sources/AdjointTesting/MatrixPrograms.swift, line 81.
    static func MatrixPrograms_81() async throws {
        let x = try Matrix<Double>(rows: 3, cols: 4, elements: (0..<12).map { Double($0) / 10 - 0.5 })   // context
        var o = AdjointTestOptions()                                                                      // context
        o.trials = 5                                                                                      // context
        let net = try MLP<Double>(layerSizes: [4, 8, 3], activation: .tanh, seed: 1)
        let program = MLPProgram(net, input: x, loss: .softmaxCrossEntropy(labels: [0, 2, 1]))
        assertGradient(of: program, inputs: program.around(spread: 0.5), options: o)
    }

    /// Sources/AdjointTesting/Message.swift, line 129.
    static func Message_129() async throws {
        let property = blackBoxProperty   // context
        print(checkProperty(property).jsonValue.rendered(indent: 2))
    }

    /// Sources/AdjointTesting/Outcome.swift, line 6.
    static func Outcome_6() async throws {
        _ = TestVerdict.ruleWrong.name   // "rule-wrong"
    }

    /// Sources/AdjointTesting/Property.swift, line 7.
    static func Property_7() async throws {
        var o = AdjointTestOptions()
        o.trials = 200
        o.seed = 0x1234            // or set ADJOINT_TEST_SEED=0x1234 in the environment
        o.rtol = 1e-6              // override the derived relative tolerance
        _ = o
    }

    /// Sources/AdjointTesting/Property.swift, line 36.
    static func Property_36() async throws {
        var o = AdjointTestOptions()
        o.claimUnitRoundoff = Double(Float.ulpOfOne)   // the claimed gradient came from float32 code
        assertGradient(of: loss, claimed: { x in lossGradientFloat32(x.map(Float.init)).map(Double.init) },
                       inputs: .vector(3, .uniform(-2...2)), options: o)
    }

    /// Sources/AdjointTesting/Property.swift, line 119.
    static func Property_119() async throws {
        let f = Energy(), g = energyGradient   // context
        let r = checkProperty(.gradient(of: f, claimed: g, inputs: .vector(3, .uniform(-2...2))))
        print(r.passed, r.counts[.agree] ?? 0, r.failure?.shrink.shrunk ?? [])   // true 100 []: every trial agreed
        print(r.message)
    }

    /// Sources/AdjointTesting/Property.swift, line 153.
    static func Property_153() async throws {
        let f: @Sendable ([Double]) -> Double = { x in x[0] * exp(x[1]) }   // context
        let g: @Sendable ([Double]) -> [Double] = { x in [exp(x[1]), x[0] * exp(x[1])] }   // context
        let r = checkProperty(.blackBoxGradient(of: f, claimed: g, inputs: .vector(2, .uniform(-3...3))))
        if !r.passed { print(r.message) }
    }

    /// Sources/AdjointTesting/Property.swift, line 184: compiled, not run (it writes a file).
    static func Property_184() async throws {
        let property = blackBoxProperty, o = AdjointTestOptions()   // context
        let r = await checkPropertyConcurrently(property, options: o)
        try r.jsonValue.rendered(indent: 2).write(toFile: "derivatives.json", atomically: true, encoding: .utf8)
    }

    /// Sources/AdjointTesting/SecondOrder.swift, line 117.
    static func SecondOrder_117() async throws {
        let p = DerivativeProperty.hessian(of: Energy(), inputs: .vector(3, .uniform(-1...1)))
        if !checkProperty(p).passed { throw DocExampleFailed() }   // context: using it
    }

    /// Sources/AdjointTesting/SecondOrder.swift, line 246.
    static func SecondOrder_246() async throws {
        // Energy: x₀²x₁ + x₁ sin x₂, whose H·v is written out by hand
        let p = DerivativeProperty.hvp(of: Energy(), claimed: { x, v in
            [2 * x[1] * v[0] + 2 * x[0] * v[1], 2 * x[0] * v[0] + cos(x[2]) * v[2], cos(x[2]) * v[1] - sin(x[2]) * x[1] * v[2]]
        }, inputs: .vector(3, .uniform(-1...1)))
        if !checkProperty(p).passed { throw DocExampleFailed() }   // context: using it
    }

    /// Sources/AdjointTesting/SecondOrder.swift, blackBoxHessian.
    static func SecondOrder_blackBoxHessian() async throws {
        // f = x₀³ + x₀x₁, gradient and Hessian by hand
        let p = DerivativeProperty.blackBoxHessian(of: { x in x[0] * x[0] * x[0] + x[0] * x[1] },
                                                   gradient: { x in [3 * x[0] * x[0] + x[1], x[0]] },
                                                   claimed: { x in [[6 * x[0], 1], [1, 0]] },
                                                   inputs: .vector(2, .uniform(-2...2)))
        if !checkProperty(p).passed { throw DocExampleFailed() }   // context: using it
    }

    /// Sources/AdjointTesting/Subjects.swift, line 22.
    static func Subjects_22() async throws {
        let p = DerivativeProperty.gradient(of: Loss(), claimed: handGradient, inputs: .vector(5, .uniform(-2...2)))
        if !checkProperty(p).passed { throw DocExampleFailed() }   // context: using it
    }

    /// Sources/AdjointTesting/Subjects.swift, line 52.
    static func Subjects_52() async throws {
        let p = DerivativeProperty.blackBoxGradient(of: { (x: [Double]) in x[0] * exp(x[1]) },
                                                    claimed: { x in [exp(x[1]), x[0] * exp(x[1])] },
                                                    inputs: .vector(2, .uniform(-2...2)))
        if !checkProperty(p).passed { throw DocExampleFailed() }   // context: using it
    }

    /// Sources/AdjointTesting/Subjects.swift, line 189.
    static func Subjects_189() async throws {
        print(ADWitnessUnavailable(missing: [.missingRule(primitive: "solve", mode: "forward mode", needs: "JVP"),
                                             .missingRule(primitive: "solve", mode: "reverse mode", needs: "VJP")]))
        // AD ran in neither mode: solve has no JVP (forward mode); solve has no VJP (reverse mode)
        let e = ADWitnessUnavailable(missing: [.missingRule(primitive: "solve", mode: "forward mode", needs: "JVP"),
                                               .missingRule(primitive: "solve", mode: "reverse mode", needs: "VJP")])
        if "\(e)" != "AD ran in neither mode: solve has no JVP (forward mode); solve has no VJP (reverse mode)" { throw DocExampleFailed() }
    }

    // Symbolic.swift and SymbolicDifferentiation.swift: four examples called `formula`, which
    // throws, without `try`, and one `BranchLog.recording` (rethrows): none compiled from
    // outside. Each value shown is checked.

    /// Sources/AdjointSymbolic/Symbolic.swift, line 11.
    static func Symbolic_11() async throws {
        let x = Symbolic.variable(0)
        let e = sin(x) * x + 0          // the + 0 is simplified away
        _ = try e.formula(variables: ["x"]) // "x*sin(x)"
        if try e.formula(variables: ["x"]) != "x*sin(x)" { throw DocExampleFailed() }
    }

    /// Sources/AdjointSymbolic/Symbolic.swift, line 64.
    static func Symbolic_64() async throws {
        _ = try Symbolic.variable(1).formula(variables: ["x", "y"])                   // "y"
        _ = Diagnostics.collect { Symbolic.variable(-1) }.diagnostics.errors           // [invalidArgument(…)]
        if try Symbolic.variable(1).formula(variables: ["x", "y"]) != "y" { throw DocExampleFailed() }
        guard case .invalidArgument? = Diagnostics.collect({ Symbolic.variable(-1) }).diagnostics.errors.first else { throw DocExampleFailed() }
    }

    /// Sources/AdjointSymbolic/Symbolic.swift, line 90.
    static func Symbolic_90() async throws {
        _ = Symbolic(0.1).constantValue                                   // 1/10
        _ = Diagnostics.collect { Symbolic(.infinity) }.diagnostics.errors // [nonFinite("symbolic constant inf …")]
        if Symbolic(0.1).constantValue?.description != "1/10" { throw DocExampleFailed() }
        guard case .nonFinite? = Diagnostics.collect({ Symbolic(.infinity) }).diagnostics.errors.first else { throw DocExampleFailed() }
    }

    /// Sources/AdjointSymbolic/Symbolic.swift, line 196 (the order of unbound comparisons).
    static func Symbolic_196() async throws {
        let (x, y) = (Symbolic.variable(0), Symbolic.variable(1))
        _ = (x < y, y < x)   // (true, false) where x was built first; logged as decided without a point
        // Variables 0 and 1 were built in that order (in the shared graph, before this example
        // if another built them): one of the two comparisons holds, never both or neither.
        let (lt, gt) = (x < y, y < x)
        guard lt != gt, lt == (x.id < y.id) else { throw DocExampleFailed() }
    }

    /// Sources/AdjointSymbolic/Symbolic.swift, line 195.
    static func Symbolic_195() async throws {
        let x = Symbolic.variable(0)
        print(x * x + 1)   // x0^2 + 1
        if "\(x * x + 1)" != "x0^2 + 1" { throw DocExampleFailed() }
    }

    /// Sources/AdjointSymbolic/Symbolic.swift, line 197.
    static func Symbolic_197() async throws {
        struct Kinked: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [relu(x[0])] } }
        let f = Kinked()   // context: a function with a branch
        let (d, log) = try BranchLog.recording { try SymbolicDifferentiation.jacobian(of: f, inputs: 1) }
        _ = log.unbound   // comparisons decided without a point; for f = relu(x0): "x0 < 0 taken as false", …
        // Unbound, a non-constant side is taken as large and positive, and at the generic point
        // (2.59…) x0 > 0 too: x0 < 0 is false, 0 < x0 true. The outer log was empty while d's own
        // log had them.
        guard !log.unbound.isEmpty, log.unbound == d.unboundComparisons,
              log.unbound.allSatisfy({ $0 == "x0 < 0 taken as false" || $0 == "0 < x0 taken as true" }) else { throw DocExampleFailed() }
    }

    /// Sources/AdjointSymbolic/SymbolicDifferentiation.swift, line 32.
    static func SymbolicDifferentiation_32() async throws {
        struct F: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.asinh(x[0])] } }
        _ = try SymbolicDifferentiation.hessian(of: F(), inputs: 1).kinkedOps   // []: hypot(1, x) has no kink
        if try !SymbolicDifferentiation.hessian(of: F(), inputs: 1).kinkedOps.isEmpty { throw DocExampleFailed() }
    }

    /// Sources/AdjointSymbolic/SymbolicDifferentiation.swift, line 39 (the generic point).
    static func SymbolicDifferentiation_39() async throws {
        struct F: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [max(x[0], x[1]) + relu(x[0] - x[1])] } }
        let d = try SymbolicDifferentiation.jacobian(of: F(), inputs: 2)
        _ = d.genericPoint          // [2.296…, 2.818…]: x0 < x1 there
        _ = d.unboundComparisons    // ["x0 < x1 taken as true", …]: the region x0 < x1, where ∇f = [0, 1]
        guard let p = d.genericPoint, p.count == 2, p[0] < p[1], (2.296..<2.297).contains(p[0]), (2.818..<2.819).contains(p[1]),
              d.unboundComparisons.contains("x0 < x1 taken as true"),
              try ExpressionGraph.shared.evaluate(d.jacobian[0].map(\.id), at: [-7, 3]) == [0, 1] else { throw DocExampleFailed() }
    }

    /// Sources/AdjointSymbolic/SymbolicDifferentiation.swift, line 316 (the candidates).
    static func SymbolicDifferentiation_316() async throws {
        _ = SymbolicDifferentiation.GenericPoint.candidates(2)[0]   // [2.296…, 2.818…]: where max(x0, x1) + relu(x0 − x1) is decided
        // By hand (SplitMix64 from 0x5EED0047, in Python): 2 + (0 + 0.1 + 0.8u)/2 and 2 + (1 + 0.1 + 0.8u)/2.
        guard SymbolicDifferentiation.GenericPoint.candidates(2)[0] == [2.296196945200157, 2.8182996794030033] else { throw DocExampleFailed() }
    }

    /// Sources/AdjointSymbolic/SymbolicDifferentiation.swift, line 52 (nonDecidingComparisons).
    static func SymbolicDifferentiation_52() async throws {
        struct F: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] * x[0] + T.relu(T.sin(1_000_000 * x[1]))] } }
        let d = try SymbolicDifferentiation.jacobian(of: F(), inputs: 2, wrt: [0])
        _ = d.jacobian[0][0]              // 2*x0, whatever x1 is
        _ = d.unboundComparisons          // []
        _ = d.nonDecidingComparisons      // ["0 < sin(1000000*x1) taken as …"]
        guard d.jacobian[0][0].description == "2*x0", d.unboundComparisons.isEmpty,
              d.nonDecidingComparisons.contains(where: { $0.hasPrefix("0 < sin(1000000*x1) taken as ") }) else { throw DocExampleFailed() }
    }

    /// Sources/AdjointSymbolic/SymbolicDifferentiation.swift, line 268 (NoRegion).
    static func SymbolicDifferentiation_268() async throws {
        do {
            struct F: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [relu(T.sin(1_000_000 * x[0]))] } }
            _ = try SymbolicDifferentiation.jacobian(of: F(), inputs: 1)   // throws NoRegion: 0 < sin(1000000*x0) changes 2·10⁻⁵ away
            throw DocExampleFailed()
        } catch is SymbolicDifferentiation.NoRegion {}
    }

    /// Sources/AdjointSymbolic/SymbolicDifferentiation.swift, line 42.
    static func SymbolicDifferentiation_42() async throws {
        struct G: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] * x[0] + T.relu(x[1])] } }
        _ = try SymbolicDifferentiation.jacobian(of: G(), inputs: 2).kinkedOps(wrt: [0])   // []
        let d = try SymbolicDifferentiation.jacobian(of: G(), inputs: 2)
        if !d.kinkedOps(wrt: [0]).isEmpty || d.kinkedOps(wrt: [1]) != [.builtin(.relu)] { throw DocExampleFailed() }
    }

    /// Sources/AdjointSymbolic/SymbolicDifferentiation.swift, line 78 (uncheckedDomains).
    static func SymbolicDifferentiation_78() async throws {
        enum PositiveLog: UnaryPrimitive {   // log x, for x > 0
            static let name = "positive_log"
            static func primal<T: ADScalar>(_ x: T) -> T { log(x) }
            static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { 1 / x }
            static func domainViolation(_ x: Double) -> String? { x > 0 ? nil : "log needs x > 0" }
        }
        struct G: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [PositiveLog.apply(x[0])] } }
        _ = try SymbolicDifferentiation.jacobian(of: G(), inputs: 1).uncheckedDomains            // ["positive_log"]
        _ = try SymbolicDifferentiation.jacobian(of: G(), inputs: 1, at: [2]).uncheckedDomains   // []
        guard try SymbolicDifferentiation.jacobian(of: G(), inputs: 1).uncheckedDomains == ["positive_log"],
              try SymbolicDifferentiation.jacobian(of: G(), inputs: 1, at: [2]).uncheckedDomains.isEmpty else { throw DocExampleFailed() }
    }

    /// Sources/AdjointSymbolic/SymbolicDifferentiation.swift, line 136 (KinkedOp).
    static func SymbolicDifferentiation_136() async throws {
        _ = SymbolicJacobian.KinkedOp.builtin(.relu).name   // "relu"
        _ = SymbolicJacobian.KinkedOp.user("my_abs").name   // "my_abs"
        guard SymbolicJacobian.KinkedOp.builtin(.relu).name == "relu", SymbolicJacobian.KinkedOp.user("my_abs").name == "my_abs",
              "\(SymbolicJacobian.KinkedOp.user("my_abs"))" == "my_abs" else { throw DocExampleFailed() }
    }

    /// Sources/AdjointSymbolic/SymbolicDifferentiation.swift, line 49.
    static func SymbolicDifferentiation_49() async throws {
        struct F: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [log(x[0]) + x[0] * x[1] - sin(x[1])] } }
        let d = try SymbolicDifferentiation.jacobian(of: F(), inputs: 2)
        _ = try d.jacobian[0].map { try $0.formula(variables: ["x1", "x2"]) }   // ["x2 + 1/x1", "x1 - cos(x2)"]
        if try d.jacobian[0].map({ try $0.formula(variables: ["x1", "x2"]) }) != ["x2 + 1/x1", "x1 - cos(x2)"] { throw DocExampleFailed() }
    }

    /// Sources/AdjointSymbolic/SymbolicDifferentiation.swift, line 79 (the second call throws).
    static func SymbolicDifferentiation_79() async throws {
        struct Root: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [sqrt(x[0])] } }
        _ = try SymbolicDifferentiation.jacobian(of: Root(), inputs: 1)             // [[0.5/sqrt(x0)]]
        _ = try SymbolicDifferentiation.jacobian(of: Root(), inputs: 1, at: [0])    // throws: 0.5/sqrt(x0) divides by zero there
    }

    /// Sources/AdjointSymbolic/SymbolicDifferentiation.swift, line 148.
    static func SymbolicDifferentiation_148() async throws {
        struct F: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] * x[0] * x[1]] } }
        let h = try SymbolicDifferentiation.hessian(of: F(), inputs: 2)
        _ = try h.entries.map { try $0.formula(variables: ["x", "y"]) }   // ["2*y", "2*x", "2*x", "0"]
        if try h.entries.map({ try $0.formula(variables: ["x", "y"]) }) != ["2*y", "2*x", "2*x", "0"] { throw DocExampleFailed() }
    }

    /// Sources/AdjointSymbolic/SymbolicDifferentiation.swift, line 218.
    static func SymbolicDifferentiation_218() async throws {
        let x = Symbolic.variable(0), y = Symbolic.variable(1)
        let g = try GraphFunction(roots: [(x * y).id], inputs: 2)
        _ = try jacobian(of: g, at: [2.0, 3.0])   // [[3.0, 2.0]]
        if try jacobian(of: g, at: [2.0, 3.0]).jacobian != [[3.0, 2.0]] { throw DocExampleFailed() }
    }

    // FormulaError.swift: the printed error and the listed names were not what the comments
    // showed (the error gained "(did you mean sin?)"; "x0, x1, …, x7" elided six names the
    // function prints); each value shown is checked.

    /// Sources/AdjointFormula/FormulaError.swift, line 9.
    static func FormulaError_9() async throws {
        do { _ = try Formula(parsing: "x + sinn(x)") }
        catch let e as FormulaError {
            print(e)            // unknown function 'sinn' (did you mean sin?) at column 5
            print(e.rendered)   // the message, then "  x + sinn(x)" and "      ^"
        }
        do { _ = try Formula(parsing: "x + sinn(x)"); throw DocExampleFailed() }
        catch let e as FormulaError {
            if "\(e)" != "unknown function 'sinn' (did you mean sin?) at column 5" { throw DocExampleFailed() }
            if !e.rendered.hasSuffix("\n  x + sinn(x)\n      ^") { throw DocExampleFailed() }
        }
    }

    /// Sources/AdjointFormula/FormulaError.swift, line 19.
    static func FormulaError_19() async throws {
        _ = (try? Formula(parsing: "sinn(x)")) == nil   // kind .unknownFunction("sinn")
        do { _ = try Formula(parsing: "sinn(x)"); throw DocExampleFailed() }
        catch let e as FormulaError { if e.kind != .unknownFunction("sinn") { throw DocExampleFailed() } }
    }

    /// Sources/AdjointCore/Support/MessageText.swift, line 7.
    static func MessageText_7() async throws {
        _ = quotedForMessage("x1")                                        // "x1"
        _ = quotedForMessage(String(repeating: "b", count: 1_000_000))   // "bbbbbbbbbbbbbbbbbbbb…bbbbbbbbbb (1000000 characters)"
        if quotedForMessage("x1") != "x1"
            || quotedForMessage(String(repeating: "b", count: 1_000_000)) != "bbbbbbbbbbbbbbbbbbbb…bbbbbbbbbb (1000000 characters)" {
            throw DocExampleFailed()
        }
    }

    /// Sources/AdjointFormula/FormulaError.swift, line 115.
    static func FormulaError_115() async throws {
        _ = listedForMessage(["x", "y"])                       // "x, y"
        _ = listedForMessage((0..<100).map { "x\($0)" })       // "x0, x1, x2, x3, x4, x5, x6, x7, …, x99 (100 in all)"
        if listedForMessage(["x", "y"]) != "x, y"
            || listedForMessage((0..<100).map { "x\($0)" }) != "x0, x1, x2, x3, x4, x5, x6, x7, …, x99 (100 in all)" {
            throw DocExampleFailed()
        }
    }

    // AdjointSelfTest: two examples called throwing functions without `try` (unseen while the
    // target was not a product another package could import).

    /// Sources/AdjointSelfTest/MutationTesting.swift, line 44.
    static func MutationTesting_44() async throws {
        var builtIns = GraphGenerator()   // as jac selftest draws: no registered user primitives
        builtIns.userPrimitives = []
        let s = try MutationTesting.run(fuzzer: Fuzzer(seed: 3, generator: builtIns), graphs: 30, ops: [.leakyRelu])
        let survivor = s.outcomes.first { !$0.caught && $0.exercised }
        print(survivor?.nearest?.description ?? "none")
        // graph seed 883620860755687159 ∂f1/∂x1: moved 1.2e-14 (1.0e-6 of it); richardson's tolerance 8.0e-13, …
        guard let text = survivor?.nearest?.description,
              text.hasPrefix("graph seed 883620860755687159 ∂f1/∂x1: moved 1.2e-14 (1.0e-6 of it); richardson's tolerance 8.0e-13, ")
        else { throw DocExampleFailed() }
    }

    /// Sources/AdjointSelfTest/MutationTesting.swift, line 135 (2,000 graphs: compiled only).
    static func MutationTesting_135() async throws {
        let summary = try MutationTesting.run(fuzzer: Fuzzer(seed: 7), graphs: 2_000)
        _ = summary.score        // 1.0
        _ = summary.survivors    // []
    }

    /// Sources/AdjointSelfTest/RandomGraph.swift, line 25.
    static func RandomGraph_25() async throws {
        let g = try GraphGenerator().graph(seed: 7)
        print(g.formula)                      // f(x1) = relu((-((min((abs(square(… for seed 7
        let r = try jacobian(of: g, at: g.point, mode: .reverse)
        if !g.formula.hasPrefix("f(x1) = relu((-((min((abs(square(") || r.jacobian.isEmpty { throw DocExampleFailed() }
    }

    /// Examples compiled but not run, with the reason.
    static let compiledOnly: [String: String] = [
        "Sources/AdjointTesting/Property.swift:184": "writes derivatives.json into the working directory",
        "Sources/AdjointCheck/Sweep/SweepPlot.swift:63": "writes sweep.svg into the working directory",
        "Sources/AdjointSymbolic/SymbolicDifferentiation.swift:79": "its second call throws, as it says",
        "Sources/AdjointSelfTest/MutationTesting.swift:135": "plants every mutant over 2,000 graphs (make test runs jac selftest)",
    ]

    /// Every example, with where it was documented.
    static var all: [(location: String, run: () async throws -> Void)] { [
        ("Sources/AdjointCore/API/ADFunction.swift:8", ADFunction_8),
        ("Sources/AdjointCore/API/CompressedJacobian.swift:18", CompressedJacobian_18),
        ("Sources/AdjointCore/API/Concurrent.swift:79", Concurrent_79),
        ("Sources/AdjointCore/API/Derivatives.swift:20", Derivatives_20),
        ("Sources/AdjointCore/API/Derivatives.swift:34", Derivatives_34),
        ("Sources/AdjointCore/API/Derivatives.swift:96", Derivatives_96),
        ("Sources/AdjointCore/API/Derivatives.swift:126", Derivatives_126),
        ("Sources/AdjointCore/API/Derivatives.swift:137", Derivatives_137),
        ("Sources/AdjointCore/API/Derivatives.swift:155", Derivatives_155),
        ("Sources/AdjointCore/API/Derivatives.swift:178", Derivatives_178),
        ("Sources/AdjointCore/API/Derivatives.swift:196", Derivatives_196),
        ("Sources/AdjointCore/API/Derivatives.swift:321", Derivatives_321),
        ("Sources/AdjointCore/API/Derivatives.swift:242", Derivatives_242),
        ("Sources/AdjointCore/API/Derivatives.swift:262", Derivatives_262),
        ("Sources/AdjointCore/API/Derivatives.swift:316", Derivatives_316),
        ("Sources/AdjointCore/API/Derivatives.swift:337", Derivatives_337),
        ("Sources/AdjointCore/API/Derivatives.swift:376", Derivatives_376),
        ("Sources/AdjointCore/API/Derivatives.swift:419", Derivatives_419),
        ("Sources/AdjointCore/API/SpecialisedADFunction.swift:13", SpecialisedADFunction_13),
        ("Sources/AdjointCheck/Check/BlackBoxCheck.swift:26", BlackBoxCheck_26),
        ("Sources/AdjointCheck/Check/BlackBoxCheck.swift:56", BlackBoxCheck_56),
        ("Sources/AdjointCheck/Check/BlackBoxCheck.swift:83", BlackBoxCheck_83),
        ("Sources/AdjointCheck/Check/BlackBoxCheck.swift:101", BlackBoxCheck_101),
        ("Sources/AdjointCheck/Check/BlackBoxCheck.swift:127", BlackBoxCheck_127),
        ("Sources/AdjointCheck/Check/Check.swift:15", Check_15),
        ("Sources/AdjointCheck/Check/Check.swift:54", Check_54),
        ("Sources/AdjointCheck/Check/ConcurrentCheck.swift:17", ConcurrentCheck_17),
        ("Sources/AdjointCheck/Check/ConcurrentCheck.swift:44", ConcurrentCheck_44),
        ("Sources/AdjointCheck/Check/ConcurrentCheck.swift:83", ConcurrentCheck_83),
        ("Sources/AdjointCheck/Check/CheckReport.swift:6", CheckReport_6),
        ("Sources/AdjointCheck/Check/CheckReport.swift:36", CheckReport_36),
        ("Sources/AdjointCheck/Check/CheckReport.swift:60", CheckReport_60),
        ("Sources/AdjointCheck/Check/CheckReport.swift:97", CheckReport_97),
        ("Sources/AdjointCheck/Check/CheckReport.swift:76", CheckReport_76),
        ("Sources/AdjointCheck/Check/CheckReport.swift:131", CheckReport_131),
        ("Sources/AdjointCheck/Check/CheckReport.swift:665", CheckReport_665),
        ("Sources/AdjointCheck/FiniteDifferences/DifferenceEngine.swift:10", DifferenceEngine_10),
        ("Sources/AdjointCheck/FiniteDifferences/DifferenceEngine.swift:53", DifferenceEngine_53),
        ("Sources/AdjointCheck/FiniteDifferences/Differences.swift:7", Differences_7),
        ("Sources/AdjointCheck/FiniteDifferences/Differences.swift:44", Differences_44),
        ("Sources/AdjointCheck/FiniteDifferences/Differences.swift:69", Differences_69),
        ("Sources/AdjointCheck/FiniteDifferences/Differences.swift:115", Differences_115),
        ("Sources/AdjointCheck/FiniteDifferences/EvaluationRounding.swift:89", EvaluationRounding_89),
        ("Sources/AdjointCheck/Check/CheckTypes.swift:270", CheckTypes_270),
        ("Sources/AdjointCheck/Check/CheckTypes.swift:104", CheckTypes_104),
        ("Sources/AdjointCheck/Check/CheckTypes.swift:113", CheckTypes_113),
        ("Sources/AdjointCheck/Check/CheckTypes.swift:82", CheckTypes_82),
        ("Sources/AdjointCheck/Check/CheckTypes.swift:106", CheckTypes_106),
        ("Sources/AdjointCheck/Check/CheckReport.swift:268", CheckReport_268),
        ("Sources/AdjointCheck/Check/CheckReport.swift:310", CheckReport_310),
        ("Sources/AdjointCheck/Check/CheckReport.swift:337", CheckReport_337),
        ("Sources/AdjointCheck/Check/CheckTypes.swift:328", CheckTypes_328),
        ("Sources/AdjointCheck/Check/CheckTypes.swift:417", CheckTypes_417),
        ("Sources/AdjointCheck/FiniteDifferences/EvaluationRounding.swift:84", EvaluationRounding_84),
        ("Sources/AdjointCheck/FiniteDifferences/EvaluationRounding.swift:396", EvaluationRounding_396),
        ("Sources/AdjointCheck/FiniteDifferences/EvaluationRounding.swift:50", EvaluationRounding_50),
        ("Sources/AdjointCheck/FiniteDifferences/Differences.swift:147", Differences_147),
        ("Sources/AdjointCheck/FiniteDifferences/Differences.swift:164", Differences_164),
        ("Sources/AdjointCheck/FiniteDifferences/Differences.swift:251", Differences_251),
        ("Sources/AdjointCheck/FiniteDifferences/Stencil.swift:65", Stencil_65),
        ("Sources/AdjointCheck/FiniteDifferences/Stencil.swift:94", Stencil_94),
        ("Sources/AdjointCheck/FiniteDifferences/Stencil.swift:144", Stencil_144),
        ("Sources/AdjointCheck/FiniteDifferences/Stencil.swift:196", Stencil_196),
        ("Sources/AdjointCheck/FiniteDifferences/StepSize.swift:5", StepSize_5),
        ("Sources/AdjointCheck/FiniteDifferences/StepSize.swift:23", StepSize_23),
        ("Sources/AdjointCheck/FiniteDifferences/StepSize.swift:129", StepSize_129),
        ("Sources/AdjointCheck/Check/CheckTypes.swift:6", CheckTypes_6),
        ("Sources/AdjointCheck/Check/CheckTypes.swift:53", CheckTypes_53),
        ("Sources/AdjointCheck/Check/CheckTypes.swift:93,138,240,255,276", CheckTypes_93),
        ("Sources/AdjointCheck/Check/CheckTypes.swift:161", CheckTypes_161),
        ("Sources/AdjointCheck/Check/CheckTypes.swift:154", CheckTypes_154),
        ("Sources/AdjointCheck/Check/SparsityCheck.swift:37", SparsityCheck_37),
        ("Sources/AdjointCheck/Check/CheckTypes.swift:275", CheckTypes_275),
        ("Sources/AdjointCheck/Check/CheckTypes.swift:204", CheckTypes_204),
        ("Sources/AdjointCheck/Check/CheckTypes.swift:298", CheckTypes_298),
        ("Sources/AdjointCheck/Check/CheckTypes.swift:290", CheckTypes_290),
        ("Sources/AdjointCheck/Check/CheckReport.swift:371", CheckReport_371),
        ("Sources/AdjointCheck/Check/CheckReport.swift:534", CheckReport_534),
        ("Sources/AdjointCheck/Check/SparsityCheck.swift:61", SparsityCheck_61),
        ("Sources/AdjointCheck/Check/FaultLocalization.swift:202", FaultLocalization_202),
        ("Sources/AdjointCheck/Check/JSON.swift:7", JSON_7),
        ("Sources/AdjointCheck/Sweep/StepSweep.swift:6", StepSweep_6),
        ("Sources/AdjointCheck/Sweep/StepSweep.swift:48", StepSweep_48),
        ("Sources/AdjointCheck/Sweep/StepSweep.swift:115", StepSweep_115),
        ("Sources/AdjointCheck/Sweep/StepSweep.swift: referenceIsUnreliable", StepSweep_referenceIsUnreliable),
        ("Sources/AdjointCheck/Sweep/StepSweep.swift:131", StepSweep_131),
        ("Sources/AdjointCheck/Sweep/SweepPlot.swift:6", SweepPlot_6),
        ("Sources/AdjointCheck/Primitives/Validate.swift:5", Validate_5),
        ("Sources/AdjointCheck/Primitives/Validate.swift:78", Validate_78),
        ("Sources/AdjointCheck/Primitives/Validate.swift:43", Validate_43),
        ("Sources/AdjointCheck/Primitives/Validate.swift:313", Validate_313),
        ("Sources/AdjointCheck/ComplexStep/Complex+ADScalar.swift:47", Complex_ADScalar_47),
        ("Sources/AdjointCheck/ComplexStep/Complex+ADScalar.swift:106", Complex_ADScalar_106),
        ("Sources/AdjointTesting/Inputs.swift:11", Inputs_11),
        ("Sources/AdjointTesting/Inputs.swift:136", Inputs_136),
        ("Sources/AdjointTesting/Inputs.swift: point(_:direction:)", Inputs_pointDirection),
        ("Sources/AdjointTesting/Inputs.swift:254", Inputs_254),
        ("Sources/AdjointTesting/MatrixPrograms.swift:10", MatrixPrograms_10),
        ("Sources/AdjointTesting/MatrixPrograms.swift:81", MatrixPrograms_81),
        ("Sources/AdjointTesting/Message.swift:129", Message_129),
        ("Sources/AdjointTesting/Outcome.swift:6", Outcome_6),
        ("Sources/AdjointTesting/Property.swift:7", Property_7),
        ("Sources/AdjointTesting/Property.swift:36", Property_36),
        ("Sources/AdjointTesting/Property.swift:119", Property_119),
        ("Sources/AdjointTesting/Property.swift:153", Property_153),
        ("Sources/AdjointTesting/SecondOrder.swift:117", SecondOrder_117),
        ("Sources/AdjointTesting/SecondOrder.swift:246", SecondOrder_246),
        ("Sources/AdjointTesting/SecondOrder.swift: blackBoxHessian", SecondOrder_blackBoxHessian),
        ("Sources/AdjointTesting/Subjects.swift:22", Subjects_22),
        ("Sources/AdjointTesting/Subjects.swift:52", Subjects_52),
        ("Sources/AdjointTesting/Subjects.swift:189", Subjects_189),
        ("Sources/AdjointSymbolic/Symbolic.swift:11", Symbolic_11),
        ("Sources/AdjointSymbolic/Symbolic.swift:64", Symbolic_64),
        ("Sources/AdjointSymbolic/Symbolic.swift:90", Symbolic_90),
        ("Sources/AdjointSymbolic/Symbolic.swift:196", Symbolic_196),
        ("Sources/AdjointSymbolic/Symbolic.swift:195", Symbolic_195),
        ("Sources/AdjointSymbolic/Symbolic.swift:197", Symbolic_197),
        ("Sources/AdjointSymbolic/SymbolicDifferentiation.swift:32", SymbolicDifferentiation_32),
        ("Sources/AdjointSymbolic/SymbolicDifferentiation.swift:39", SymbolicDifferentiation_39),
        ("Sources/AdjointSymbolic/SymbolicDifferentiation.swift:52", SymbolicDifferentiation_52),
        ("Sources/AdjointSymbolic/SymbolicDifferentiation.swift:268", SymbolicDifferentiation_268),
        ("Sources/AdjointSymbolic/SymbolicDifferentiation.swift:316", SymbolicDifferentiation_316),
        ("Sources/AdjointSymbolic/SymbolicDifferentiation.swift:42", SymbolicDifferentiation_42),
        ("Sources/AdjointSymbolic/SymbolicDifferentiation.swift:136", SymbolicDifferentiation_136),
        ("Sources/AdjointSymbolic/SymbolicDifferentiation.swift:78", SymbolicDifferentiation_78),
        ("Sources/AdjointSymbolic/SymbolicDifferentiation.swift:49", SymbolicDifferentiation_49),
        ("Sources/AdjointSymbolic/SymbolicDifferentiation.swift:148", SymbolicDifferentiation_148),
        ("Sources/AdjointSymbolic/SymbolicDifferentiation.swift:218", SymbolicDifferentiation_218),
        ("Sources/AdjointFormula/FormulaError.swift:9", FormulaError_9),
        ("Sources/AdjointFormula/FormulaError.swift:19", FormulaError_19),
        ("Sources/AdjointCore/Support/MessageText.swift:7", MessageText_7),
        ("Sources/AdjointFormula/FormulaError.swift:115", FormulaError_115),
        ("Sources/AdjointSelfTest/MutationTesting.swift:44", MutationTesting_44),
        ("Sources/AdjointSelfTest/RandomGraph.swift:25", RandomGraph_25),
    ] }
}

/// A doc example whose result (used only to exercise it) was not the documented one.
struct DocExampleFailed: Error {}
