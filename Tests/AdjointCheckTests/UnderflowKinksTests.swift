import XCTest
import AdjointCore
@testable import AdjointCheck

/// ``underflowKinks(recording:)`` and the check's verdict on an entry such a kink decides:
/// relu(x⁴) at 10⁻¹⁰⁰, f′ = 4·10⁻³⁰⁰ by hand, where every mode computes relu's convention 0
/// (x⁴ = 10⁻⁴⁰⁰ rounds to 0, relu's kink) and the check passed it as a valid subgradient.
final class UnderflowKinksTests: XCTestCase {
    struct ReluQuartic: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [relu(x[0] * x[0] * x[0] * x[0]) + x[1]] }
    }
    struct Relu: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [relu(x[0]) + x[1]] }
    }
    /// 0·x⁴ is an exact 0 whatever x⁴ rounds to: relu there is at its kink at every x.
    struct ZeroTimesQuartic: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [relu(x[1] * (x[0] * x[0] * x[0] * x[0]))] }
    }

    func testAnUnderflowToZeroOntoAKinkIsFoundWithItsInputsAndOutputs() throws {
        let rec = try record({ (x: [Reverse<Double>]) in ReluQuartic()(x) }, at: [1e-100, 2])
        let kinks = underflowKinks(recording: rec)
        XCTAssertEqual(kinks.map(\.name), ["relu"])
        XCTAssertEqual(kinks.first?.causeName, "mul")
        XCTAssertEqual(kinks.first?.inputs, [0])
        XCTAssertEqual(kinks.first?.outputs, [0])
        // x⁴ = 10⁻²⁰⁰ is a normal Double: relu is off its kink, and nothing is found.
        XCTAssertEqual(underflowKinks(recording: try record({ (x: [Reverse<Double>]) in ReluQuartic()(x) }, at: [1e-50, 2])), [])
        // A real kink, and a product with the exact 0 of a leaf, are kinks at the point given.
        XCTAssertEqual(underflowKinks(recording: try record({ (x: [Reverse<Double>]) in Relu()(x) }, at: [0, 2])), [])
        XCTAssertEqual(underflowKinks(recording: try record({ (x: [Reverse<Double>]) in ZeroTimesQuartic()(x) }, at: [1e-100, 0])), [])
    }

    func testTheCheckCallsTheEntryInconclusiveNotAValidSubgradient() throws {
        let r = try checkJacobian(of: ReluQuartic(), at: [1e-100, 2])
        XCTAssertFalse(r.passed)
        XCTAssertEqual(r.entries[0][0].verdict, .fdInconclusive(reasons: [.underflowOntoKink]))
        // ∂f/∂y = 1 does not pass through relu: agreed as before.
        XCTAssertEqual(r.entries[0][1].verdict, .agree)
        // A real kink keeps its verdict.
        let kink = try checkJacobian(of: Relu(), at: [0, 2])
        XCTAssertEqual(kink.entries[0][0].verdict, .kink(validSubgradient: true))
    }

    /// sin, tanh, asinh, expm1, erf and atan keep 0 at 0, so x⁴'s lost 0 reaches relu through them: relu(sin(x⁴)) at
    /// 10⁻¹⁰⁰ has f′ = cos(x⁴)·4x³ = 4·10⁻³⁰⁰ by hand, and every mode's relu convention 0 was passed
    /// as a valid subgradient (only sums and products carried the loss; a review found it).
    struct ReluThrough: ADFunction {
        let inner: Int
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
            let q = x[0] * x[0] * x[0] * x[0]
            let v: T
            switch inner {
            case 0: v = sin(q)
            case 1: v = tanh(q)
            case 2: v = asinh(expm1(q))
            default: v = erf(atan(q))
            }
            return [relu(v) + x[1]]
        }
    }

    func testALossCarriedThroughAFunctionThatKeepsZeroStillReachesTheKink() throws {
        for inner in 0..<4 {
            let rec = try record({ (x: [Reverse<Double>]) in ReluThrough(inner: inner)(x) }, at: [1e-100, 2])
            XCTAssertEqual(underflowKinks(recording: rec).map(\.name), ["relu"], "inner \(inner)")
            let r = try checkJacobian(of: ReluThrough(inner: inner), at: [1e-100, 2])
            XCTAssertEqual(r.entries[0][0].verdict, .fdInconclusive(reasons: [.underflowOntoKink]), "inner \(inner)")
            XCTAssertEqual(r.entries[0][1].verdict, .agree, "inner \(inner)")
            // x⁴ = 10⁻²⁰⁰ is normal: relu is off its kink and nothing is found.
            XCTAssertEqual(underflowKinks(recording: try record({ (x: [Reverse<Double>]) in ReluThrough(inner: inner)(x) }, at: [1e-50, 2])), [], "inner \(inner)")
        }
    }

    /// relu as a user primitive, its kink declared by its distance: x⁴ = 10⁻⁴⁰⁰ rounds to 0, its
    /// kink, and every mode computes its relu′(0) = 0 for f′ = 4x³ = 4·10⁻³⁰⁰ (by hand), as for
    /// the built-in relu. The search skipped every user primitive (`ops[k] != .custom`), so the
    /// check passed that 0 as a valid subgradient.
    struct UserReluQuartic: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [UnderflowUserRelu.apply(x[0] * x[0] * x[0] * x[0]) + x[1]] }
    }
    struct UserReluOf: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [UnderflowUserRelu.apply(x[0]) + x[1]] }
    }

    func testAUserPrimitivesKinkReachedByAnUnderflowIsFoundAsABuiltinsIs() throws {
        let rec = try record({ (x: [Reverse<Double>]) in UserReluQuartic()(x) }, at: [1e-100, 2])
        let kinks = underflowKinks(recording: rec)
        XCTAssertEqual(kinks.map(\.name), ["user_relu"])
        XCTAssertEqual(kinks.first?.causeName, "mul")
        XCTAssertEqual(kinks.first?.inputs, [0])
        XCTAssertEqual(kinks.first?.outputs, [0])
        let r = try checkJacobian(of: UserReluQuartic(), at: [1e-100, 2])
        XCTAssertFalse(r.passed)
        XCTAssertEqual(r.entries[0][0].verdict, .fdInconclusive(reasons: [.underflowOntoKink]))
        XCTAssertEqual(r.entries[0][1].verdict, .agree)
        // Off the kink (x⁴ = 10⁻²⁰⁰ is normal) and at a real kink, nothing is found.
        XCTAssertEqual(underflowKinks(recording: try record({ (x: [Reverse<Double>]) in UserReluQuartic()(x) }, at: [1e-50, 2])), [])
        XCTAssertEqual(underflowKinks(recording: try record({ (x: [Reverse<Double>]) in UserReluOf()(x) }, at: [0, 2])), [])
        XCTAssertEqual(try checkJacobian(of: UserReluOf(), at: [0, 2]).entries[0][0].verdict, .kink(validSubgradient: true))
    }
}

/// relu as a user primitive: kink at 0 (declared distance |x|), relu′(0) = 0 as the built-in's.
enum UnderflowUserRelu: UnaryPrimitive {
    static let name = "user_relu"
    static func primal<T: ADScalar>(_ x: T) -> T { x > 0 ? x : 0 }
    static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { x > 0 ? 1 : 0 }
    static func kinkDistance(_ x: Double, _ y: Double) -> Double? { Swift.abs(x) }
}

/// The sorted pair (min, max) as a vector primitive, kinked where its inputs tie (distance
/// |x₀ − x₁|/2); at a tie its rules take max′ along the second input (max′ = (0, 1)).
enum UnderflowSortPair: VectorPrimitive {
    static let name = "sort_pair"
    static func primal(_ x: [Double]) -> [Double] { [Swift.min(x[0], x[1]), Swift.max(x[0], x[1])] }
    /// ∂(min, max)/∂(x₀, x₁): the max follows x₀ only where x₀ > x₁.
    static func jacobian(_ x: [Double]) -> [[Double]] { x[0] > x[1] ? [[0, 1], [1, 0]] : [[1, 0], [0, 1]] }
    static func jvp(at x: [Double], direction v: [Double]) -> [Double]? {
        jacobian(x).map { row in row[0] * v[0] + row[1] * v[1] }
    }
    static func vjp(at x: [Double], cotangent u: [Double]) -> [Double]? {
        let j = jacobian(x)
        return [u[0] * j[0][0] + u[1] * j[1][0], u[0] * j[0][1] + u[1] * j[1][1]]
    }
    static func kinkDistance(_ x: [Double]) -> Double? { Swift.abs(x[0] - x[1]) / 2 }
}

/// A vector primitive's declared kink reached by an underflow: max(x⁴, 0) at x = 10⁻¹⁰⁰ is x⁴,
/// f′ = 4x³ = 4·10⁻³⁰⁰ by hand, but x⁴ = 10⁻⁴⁰⁰ rounds to 0, a tie, where the rules give max′
/// along x⁴ as 0. The search skipped vector calls as it skipped scalar primitives.
final class VectorUnderflowKinkTests: XCTestCase {
    struct MaxOfQuarticAndZero: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
            [UnderflowSortPair.apply([x[0] * x[0] * x[0] * x[0], T(0)])[1] + x[1]]
        }
    }

    func testAVectorPrimitivesKinkReachedByAnUnderflowIsFoundOnceForTheCall() throws {
        let rec = try record({ (x: [Reverse<Double>]) in MaxOfQuarticAndZero()(x) }, at: [1e-100, 2])
        let kinks = underflowKinks(recording: rec)
        XCTAssertEqual(kinks.map(\.name), ["sort_pair"])
        XCTAssertEqual(kinks.first?.causeName, "mul")
        XCTAssertEqual(kinks.first?.inputs, [0])
        XCTAssertEqual(kinks.first?.outputs, [0])
        let r = try checkJacobian(of: MaxOfQuarticAndZero(), at: [1e-100, 2])
        XCTAssertFalse(r.passed)
        XCTAssertEqual(r.entries[0][0].verdict, .fdInconclusive(reasons: [.underflowOntoKink]))
        XCTAssertEqual(r.entries[0][1].verdict, .agree)
        // x⁴ = 10⁻²⁰⁰ is normal: no tie, nothing found.
        XCTAssertEqual(underflowKinks(recording: try record({ (x: [Reverse<Double>]) in MaxOfQuarticAndZero()(x) }, at: [1e-50, 2])), [])
    }
}

