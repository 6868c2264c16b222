import XCTest
@testable import AdjointCore

/// f(x) = (x₀x₁, x₀ + x₁), J = [[x₁, x₀], [1, 1]] by hand, with a JVP and a VJP.
private enum ProdSum: VectorPrimitive {
    static let name = "prodsum_mut"
    static func primal(_ x: [Double]) -> [Double] { [x[0] * x[1], x[0] + x[1]] }
    static func jvp(at x: [Double], direction v: [Double]) -> [Double]? { [x[1] * v[0] + x[0] * v[1], v[0] + v[1]] }
    static func vjp(at x: [Double], cotangent u: [Double]) -> [Double]? { [x[1] * u[0] + u[1], x[0] * u[0] + u[1]] }
}

/// A cube as a scalar user primitive of one input.
private enum MutCube: UnaryPrimitive {
    static let name = "mut_cube"
    static func primal<T: ADScalar>(_ x: T) -> T { x * x * x }
    static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { 3 * x * x }
}

/// Rule mutations that could change nothing are refused, not ignored (a review): a mutation of a
/// vector primitive left its Jacobian as it was, input 1 of the unary sin changed nothing, and
/// input 7 of mul was applied as ∂y. A checker run under any of them "passed" a mutant that was
/// never planted.
final class RuleMutationTargetTests: XCTestCase {
    func message(_ body: () throws -> Any) -> String? {
        do { _ = try body(); return nil } catch ADError.invalidArgument(let m) { return m } catch { return "other: \(error)" }
    }

    /// Reverse and forward mode both refuse sin's input 1 and mul's input 7, naming the op, its
    /// arity and the index; sin's input 0 still flips d/dx sin x to −cos x (−cos 0.5 by hand).
    func testAnInputTheOpDoesNotHaveIsRefused() throws {
        let sinOne = RuleMutation(op: .sin, input: 1, factor: -1)
        let expectedSin = "RuleMutation of sin names input 1, but sin takes 1 input (arity 1): the input must be in 0..<1; the mutation was not applied"
        XCTAssertEqual(message { try RuleMutations.withMutation(sinOne) { try gradient(of: { (x: [Reverse<Double>]) in sin(x[0]) }, at: [0.5]) } },
                       expectedSin)
        XCTAssertEqual(message { try RuleMutations.withMutation(sinOne) {
            try jvp(of: { (x: [Dual<Double, Double>]) in [sin(x[0])] }, at: [0.5], direction: [1])
        } }, expectedSin)

        let mulSeven = RuleMutation(op: .mul, input: 7, factor: 0)
        XCTAssertEqual(mulSeven.description, "mul ∂[input 7] × 0.0")
        let expectedMul = "RuleMutation of mul names input 7, but mul takes 2 inputs (arity 2): the input must be in 0..<2; the mutation was not applied"
        XCTAssertEqual(message { try RuleMutations.withMutation(mulSeven) { try gradient(of: { (x: [Reverse<Double>]) in x[0] * x[1] }, at: [2.0, 3.0]) } },
                       expectedMul)
        XCTAssertEqual(message { try RuleMutations.withMutation(RuleMutation(op: .mul, input: -1, factor: 2)) {
            try gradient(of: { (x: [Reverse<Double>]) in x[0] * x[1] }, at: [2.0, 3.0])
        } }, "RuleMutation of mul names input -1, but mul takes 2 inputs (arity 2): the input must be in 0..<2; the mutation was not applied")

        // The controls: a valid input is applied. ∂(x₀x₁)/∂x₁ = x₀ = 2 scaled by 0 → (3, 0).
        let g = try RuleMutations.withMutation(RuleMutation(op: .mul, input: 1, factor: 0)) {
            try gradient(of: { (x: [Reverse<Double>]) in x[0] * x[1] }, at: [2.0, 3.0])
        }
        XCTAssertEqual(g, [3, 0])
        let s = try RuleMutations.withMutation(RuleMutation(op: .sin, input: 0, factor: -1)) {
            try gradient(of: { (x: [Reverse<Double>]) in sin(x[0]) }, at: [0.5])
        }
        XCTAssertEqual(s[0], -Foundation.cos(0.5), accuracy: 1e-15)
    }

    /// A scalar user primitive of one input: input 1 is refused the same way; input 0 × 2 gives
    /// 2 · 3x² = 24 at x = 2 (by hand).
    func testAUserScalarPrimitiveChecksItsArity() throws {
        let f = { (x: [Reverse<Double>]) in MutCube.apply(x[0]) }
        XCTAssertEqual(message { try RuleMutations.withMutation(RuleMutation(target: "mut_cube", input: 1, kind: .scale(2))) { try gradient(of: f, at: [2.0]) } },
                       "RuleMutation of mut_cube names input 1, but mut_cube takes 1 input (arity 1): the input must be in 0..<1; the mutation was not applied")
        let g = try RuleMutations.withMutation(RuleMutation(target: "mut_cube", input: 0, kind: .scale(2))) { try gradient(of: f, at: [2.0]) }
        XCTAssertEqual(g, [24])
    }

    /// A vector primitive's JVP and VJP are not mutable: planting a mutation under its name is
    /// refused in both modes. Unplanted, J at (2, 3) is [[3, 2], [1, 1]] by hand.
    func testAMutationOfAVectorPrimitiveIsRefused() throws {
        let x = [2.0, 3.0]
        let flip = RuleMutation(target: "prodsum_mut", kind: .scale(-1))
        let expected = "RuleMutation 'prodsum_mut ∂x × -1.0' targets vector primitive 'prodsum_mut', which has no scalar partial to change: "
            + "a mutation applies to a built-in op or a scalar user primitive; the mutation was not applied"
        XCTAssertEqual(message { try RuleMutations.withMutation(flip) { try jacobianForward(of: { ProdSum.apply($0) }, at: x) } },
                       expected, "forward")
        XCTAssertEqual(message { try RuleMutations.withMutation(flip) { try jacobianReverse(of: { ProdSum.apply($0) }, at: x) } },
                       expected, "reverse")
        XCTAssertEqual(try jacobianForward(of: { ProdSum.apply($0) }, at: x).jacobian, [[3, 2], [1, 1]])
        XCTAssertEqual(try jacobianReverse(of: { ProdSum.apply($0) }, at: x).jacobian, [[3, 2], [1, 1]])
    }
}
