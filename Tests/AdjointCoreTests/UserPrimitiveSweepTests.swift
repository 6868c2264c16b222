import XCTest
@testable import AdjointCore

// The reverse sweep through user primitives, against the built-in op with the same rule and
// against forward mode: an unused user √ at 0 and the operation counts.

/// √x with its rule 1/(2√x): ∞ at 0, as the built-in's.
private enum UserSqrt: UnaryPrimitive {
    static let name = "usersqrt"
    static func primal<T: ADScalar>(_ x: T) -> T { sqrt(x) }
    static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { 0.5 / z }
}

/// (x₀, √x₁) as a vector primitive, whose VJP at x₁ = 0 is ∞ for any cotangent of its second output.
private enum SqrtPair: VectorPrimitive {
    static let name = "sqrtpair"
    static func primal(_ x: [Double]) -> [Double] { [x[0], x[1].squareRoot()] }
    static func vjp(at x: [Double], cotangent u: [Double]) -> [Double]? { [u[0], u[1] * 0.5 / x[1].squareRoot()] }
}

final class UserPrimitiveSweepTests: XCTestCase {
    /// f = x₀·x₁ with √x₁ computed and unused: J = [[x₁, x₀]] = [[0, 1]] at (1, 0) by hand.
    private struct UnusedRoot: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { _ = UserSqrt.apply(x[1]); return [x[0] * x[1]] }
    }

    func testAnUnusedUserRootAtZeroLeavesTheGradientAsTheBuiltInDoes() throws {
        // Reverse mode threw "non-finite derivative … first produced by usersqrt" (0·∞ = NaN),
        // where forward mode and the built-in √ give the derivative.
        XCTAssertEqual(try jacobian(of: UnusedRoot(), at: [1.0, 0.0], mode: .forward).jacobian, [[0, 1]])
        XCTAssertEqual(try jacobian(of: UnusedRoot(), at: [1.0, 0.0], mode: .reverse).jacobian, [[0, 1]])
        // Through a product with the constant 0, as the built-in: ∂/∂x = (1, 0).
        let user = try gradient(of: { (x: [Reverse<Double>]) in x[0] + Reverse(0) * UserSqrt.apply(x[1]) }, at: [1.0, 0.0])
        let builtIn = try gradient(of: { (x: [Reverse<Double>]) in x[0] + Reverse(0) * sqrt(x[1]) }, at: [1.0, 0.0])
        XCTAssertEqual(builtIn, [1, 0])
        XCTAssertEqual(user, builtIn)
        // The unchecked pullback gave NaN silently.
        let rec = try record({ (x: [Reverse<Double>]) in _ = UserSqrt.apply(x[1]); return [x[0] * x[1]] }, at: [1.0, 0.0])
        XCTAssertEqual(try rec.pullback([1], checked: false), [0, 1])
    }

    func testAUsedUserRootAtZeroIsStillAnError() throws {
        // √x·√x at 0: the derivative is an indeterminate form there (the built-in throws too),
        // not something to mask.
        XCTAssertThrowsError(try gradient(of: { (x: [Reverse<Double>]) in sqrt(x[0]) * sqrt(x[0]) }, at: [0.0]))
        XCTAssertThrowsError(try gradient(of: { (x: [Reverse<Double>]) in UserSqrt.apply(x[0]) * UserSqrt.apply(x[0]) }, at: [0.0]))
    }

    func testAnUnusedVectorPrimitiveAtAnInfiniteVJPAddsNothing() throws {
        // Its outputs unused: f = x₀, J = [[1, 0]] by hand. (When one output is used, the user's
        // VJP itself forms 0·∞ for the other; that is the user's arithmetic, left to the check.)
        struct Unused: ADFunction {
            func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { _ = SqrtPair.apply(x); return [x[0]] }
        }
        XCTAssertEqual(try jacobian(of: Unused(), at: [2.0, 0.0], mode: .reverse).jacobian, [[1, 0]])
    }

    func testUserRulesAreCountedInTheSweepAsBuiltInsAre() throws {
        // Built-in: sqrt recorded once and its rule applied once in the sweep (2), mul likewise.
        let (_, builtIn) = try measureOperations { try gradient(of: { (x: [Reverse<Double>]) in sqrt(x[0]) * x[1] }, at: [2.0, 3.0]) }
        XCTAssertEqual(builtIn.byOp[.sqrt], 2)
        let (_, user) = try measureOperations { try gradient(of: { (x: [Reverse<Double>]) in UserSqrt.apply(x[0]) * x[1] }, at: [2.0, 3.0]) }
        XCTAssertEqual(user.byName["usersqrt"], builtIn.byOp[.sqrt])
        XCTAssertEqual(user.flops, builtIn.flops)
        // A vector primitive: applied once when recorded, its VJP once in the sweep.
        let (_, vector) = try measureOperations {
            try gradient(of: { (x: [Reverse<Double>]) in SqrtPair.apply(x)[1] }, at: [2.0, 4.0])
        }
        XCTAssertEqual(vector.byName["sqrtpair"], 2)
    }
}
