import Foundation
import XCTest
@testable import AdjointCore

/// A dead tape hands its user-primitive side tables to the next tape on its thread (emptied, their
/// capacity kept), and the pool hands column buffers between value types of one stride (Double and
/// Dual<Float, Float> are both 8 bytes): the next tape must start with empty tables and rules of its
/// own value type, whatever the last one recorded.
final class UserPrimitiveSideTableReuseTests: XCTestCase {
    /// f(x) = Σ cube(xᵢ)·xᵢ₊₁ (``ReviewCube``): by hand ∂f/∂xᵢ = 3xᵢ²xᵢ₊₁ + xᵢ₋₁³ (terms that exist).
    static func f<T: ADScalar>(_ x: [T]) -> T {
        var s: T = 0
        for i in 0..<(x.count - 1) { s = s + ReviewCube.apply(x[i]) * x[i + 1] }
        return s
    }

    static func byHand(_ x: [Double]) -> [Double] {
        x.indices.map { i in
            (i + 1 < x.count ? 3 * x[i] * x[i] * x[i + 1] : 0) + (i > 0 ? x[i - 1] * x[i - 1] * x[i - 1] : 0)
        }
    }

    func testTapesOfEveryValueTypeInTurnGetTheirOwnRules() throws {
        let long = (0..<5000).map { 0.5 + 0.001 * Double($0 % 97) }
        let short = [1.5, -0.5, 2.0]
        for round in 0..<3 {
            // A long tape (its side tables grow to thousands of nodes), then short ones of other types.
            let g = try gradient(of: Self.f, at: long)
            for (a, b) in zip(g, Self.byHand(long)) { XCTAssertEqual(a, b, accuracy: 1e-12 * Swift.max(1, Swift.abs(b)), "round \(round)") }
            // Hessian by hand: ∂²f/∂xᵢ² = 6xᵢxᵢ₊₁, ∂²f/∂xᵢ∂xᵢ₊₁ = 3xᵢ².
            let h = try hessian(of: Self.f, at: short)
            XCTAssertEqual(h[0][0], 6 * short[0] * short[1], accuracy: 1e-12)
            XCTAssertEqual(h[0][1], 3 * short[0] * short[0], accuracy: 1e-12)
            XCTAssertEqual(h[1][1], 6 * short[1] * short[2], accuracy: 1e-12)
            XCTAssertEqual(h[1][2], 3 * short[1] * short[1], accuracy: 1e-12)
            XCTAssertEqual(h[2][2], 0)
            let gf = try gradient(of: Self.f, at: short.map(Float.init))
            for (a, b) in zip(gf, Self.byHand(short)) { XCTAssertEqual(Double(a), b, accuracy: 1e-5 * Swift.max(1, Swift.abs(b))) }
            // Dual<Float, Float> values: 8 bytes, as Double's, so they can take the long tape's buffers.
            let dual = short.map { Dual<Float, Float>(Float($0), tangent: 1) }
            let gd = try gradient(of: { (x: [Reverse<Dual<Float, Float>>]) in Self.f(x) }, at: dual)
            for (a, b) in zip(gd, Self.byHand(short)) { XCTAssertEqual(Double(a.value), b, accuracy: 1e-5 * Swift.max(1, Swift.abs(b))) }
            // Its tangents: the directional derivative of the gradient along (1, 1, 1), Σⱼ Hᵢⱼ.
            let rowSums = [6 * short[0] * short[1] + 3 * short[0] * short[0],
                           3 * short[0] * short[0] + 6 * short[1] * short[2] + 3 * short[1] * short[1],
                           3 * short[1] * short[1]]
            for (a, b) in zip(gd, rowSums) { XCTAssertEqual(Double(a.tangent), b, accuracy: 1e-4 * Swift.max(1, Swift.abs(b))) }
        }
    }
}
