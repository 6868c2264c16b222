import AdjointCheck
import AdjointCore
import XCTest

/// (x₀ + x₁, x₀, x₁) as a user vector primitive (its rules are exact).
enum PairSum: VectorPrimitive {
    static let name = "pair_sum"
    static func primal(_ x: [Double]) -> [Double] { [x[0] + x[1], x[0], x[1]] }
    static func jvp(at x: [Double], direction v: [Double]) -> [Double]? { [v[0] + v[1], v[0], v[1]] }
    static func vjp(at x: [Double], cotangent u: [Double]) -> [Double]? { [u[0] + u[1], u[0] + u[2]] }
}

/// The same with a VJP only: the path bound then comes from one VJP per output.
enum PairSumVJPOnly: VectorPrimitive {
    static let name = "pair_sum_vjp_only"
    static func primal(_ x: [Double]) -> [Double] { PairSum.primal(x) }
    static func vjp(at x: [Double], cotangent u: [Double]) -> [Double]? { PairSum.vjp(at: x, cotangent: u) }
}

/// Path magnitudes through a vector primitive: the scale AD's rounding of an entry is judged on.
final class VectorPathMagnitudeTests: XCTestCase {
    /// s² − a² − 2ab − b² with (s, a, b) = (x₀ + x₁, x₀, x₁): 0 for every x by hand, so both
    /// partials are 0; at x₀ = 10⁸ AD's tangents cancel terms near 2·10⁸ and keep their rounding
    /// (ulps of 10⁸). Through the call, every path from the inputs passes through its outputs.
    struct Cancels<P: VectorPrimitive>: ADFunction {
        let throughCall: Bool
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
            let y = throughCall ? P.apply(x) : [x[0] + x[1], x[0], x[1]]
            let (s, a, b) = (y[0], y[1], y[2])
            return [s * s - a * a - 2 * a * b - b * b]
        }
    }

    /// With the call's outputs at magnitude 0, the entries were judged on their own tiny values:
    /// forward mode's −6·10⁻⁹ (its rounding) against an exact witness of 0 (the Jacobian by hand,
    /// as a custom rung; differences of f are noise there) was convicted. Written with scalar
    /// ops the same f passes on its path magnitudes; through the call it must too.
    func testAnEntryComputedByCancellationThroughAVectorCallIsNotConvicted() throws {
        let x = [1e8, 0.3]
        var o = CheckOptions()
        o.ladder = [.custom(name: "by hand", errorEstimate: 0, jacobian: { _ in [[0, 0]] })]
        let scalar = try checkJacobian(of: Cancels<PairSum>(throughCall: false), at: x, options: o)
        XCTAssertTrue(scalar.passed, scalar.renderTable())
        var reverseOnly = o
        reverseOnly.checkForward = false
        for r in [try checkJacobian(of: Cancels<PairSum>(throughCall: true), at: x, options: o),
                  try checkJacobian(of: Cancels<PairSumVJPOnly>(throughCall: true), at: x, options: reverseOnly)] {
            XCTAssertTrue(r.passed, r.renderTable())
        }
        // The forward entries really are off by their rounding (else this shows nothing).
        let forward = try checkJacobian(of: Cancels<PairSum>(throughCall: true), at: x, options: o)
        XCTAssertTrue(forward.entries[0].contains { $0.subjects.contains { $0.name == "forward" && $0.value != 0 } }, forward.renderTable())
    }

    /// The bound must not excuse a wrong rule: a VJP off by 10⁻⁶ in a tiny entry's path is still
    /// convicted. ∂/∂x₁ of pair_sum(x)·10⁻⁸ + x₀ is 10⁻⁸ beside a row scale of 1.
    enum PairSumWrongVJP: VectorPrimitive {
        static let name = "pair_sum_wrong_vjp"
        static func primal(_ x: [Double]) -> [Double] { [x[0] + x[1]] }
        static func jvp(at x: [Double], direction v: [Double]) -> [Double]? { [v[0] + v[1]] }
        static func vjp(at x: [Double], cotangent u: [Double]) -> [Double]? { [u[0], u[0] * 1.5] }
    }
    struct Small: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [PairSumWrongVJP.apply(x)[0] * T(1e-8) + x[0]] }
    }
    func testAWrongVJPInATinyEntryIsStillConvicted() throws {
        let r = try checkJacobian(of: Small(), at: [0.7, 0.2])
        XCTAssertEqual(r.entries[0][1].verdict, .ruleWrong(subjects: ["reverse"]), r.renderTable())
        XCTAssertEqual(r.entries[0][0].verdict.name, "agree", r.renderTable())
    }
}

/// A vector call's path magnitude sums |Jₒᵢ| only over the inputs that xⱼ reaches: a large
/// partial along a constant argument is no part of xⱼ's paths and must not widen its tolerance.
final class VectorPathMagnitudeReachTests: XCTestCase {
    /// y = a + 10¹²·b, with the rule's ∂y/∂a planted 10⁻³ off (1.001; 1 by hand).
    enum ScaledParameter: VectorPrimitive {
        static let name = "scaled_parameter_wrong_a"
        static func primal(_ x: [Double]) -> [Double] { [x[0] + 1e12 * x[1]] }
        static func jvp(at x: [Double], direction v: [Double]) -> [Double]? { [1.001 * v[0] + 1e12 * v[1]] }
        static func vjp(at x: [Double], cotangent u: [Double]) -> [Double]? { [1.001 * u[0], 1e12 * u[0]] }
    }
    /// f(x₀) = y(x₀, 0): the parameter b is the constant 0, so f = x₀ exactly and ∂f/∂x₀ = 1.
    struct WithConstantParameter: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [ScaledParameter.apply([x[0], T(0)])[0]] }
    }

    /// Bounded by Σᵢ |Jₒᵢ| times the largest input magnitude, the path magnitude of x₀ was
    /// 10¹² (from the constant's column), the tolerance 4·64ε·10¹² ≈ 0.06, and forward and
    /// reverse mode's 1.001 passed against differences that give 1 exactly.
    func testALargePartialAlongAConstantArgumentDoesNotExcuseAWrongRule() throws {
        let r = try checkJacobian(of: WithConstantParameter(), at: [0.3])
        XCTAssertEqual(r.entries[0][0].verdict, .ruleWrong(subjects: ["forward", "reverse"]), r.renderTable())
    }
}
