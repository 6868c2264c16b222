import XCTest
import Foundation
@testable import AdjointCore

private enum BlackBoxSine: BlackBoxPrimitive {
    static let name = "bb_sine_nested"
    static let arity = 1
    static func evaluate(_ x: Double, _ y: Double) -> Double { Foundation.sin(x) }
    static func derivatives(_ x: Double, _ y: Double, output z: Double) -> (Double, Double) { (Foundation.cos(x), 0) }
}

/// (x₀, x₁, x₂) ↦ (x₀x₁x₂, sin x₂) with a JVP by hand and no VJP.
private enum ProductAndSine: VectorPrimitive {
    static let name = "product_and_sine_nested"
    static func primal(_ x: [Double]) -> [Double] { [x[0] * x[1] * x[2], Foundation.sin(x[2])] }
    static func jvp(at x: [Double], direction v: [Double]) -> [Double]? {
        [v[0] * x[1] * x[2] + x[0] * v[1] * x[2] + x[0] * x[1] * v[2], Foundation.cos(x[2]) * v[2]]
    }
}

/// `derivative(of:at:)` does not throw, so that it can nest; an op that failed inside it returns
/// NaN as its value only, and the tangent beside it came back as the derivative: log at −1 gave
/// −1 (its tangent line's slope), and a second derivative through a black-box or vector
/// primitive, which a dual of duals cannot carry, gave 0.0 (a review). Each is NaN now, with the
/// error in the enclosing collection.
final class NestedDerivativeErrorTests: XCTestCase {
    typealias D = Dual<Double, Double>
    typealias DD = Dual<D, D>

    func testADomainErrorGivesNaNAndIsReported() {
        let (d, seen) = Diagnostics.collect { derivative(of: { x in log(x) }, at: -1.0) }
        XCTAssertTrue(d.isNaN, "\(d)")
        guard case .domain(let op, _, let inputs, _)? = seen.errors.first else { return XCTFail("\(seen.errors)") }
        XCTAssertEqual(op, "log")
        XCTAssertEqual(inputs, [-1])
        // The same function where it is defined: 1/x at 2, by hand.
        XCTAssertEqual(derivative(of: { x in log(x) }, at: 2.0), 0.5)
    }

    func testASecondDerivativeThroughAPrimitiveADualOfDualsCannotCarryIsNaN() {
        let throughBlackBox = Diagnostics.collect {
            derivative(of: { (a: D) in derivative(of: { (b: DD) in BlackBoxSine.apply(b) }, at: a) }, at: 0.5)
        }
        XCTAssertTrue(throughBlackBox.result.isNaN, "d²/dx² of a black-box sin gave \(throughBlackBox.result)")
        XCTAssertTrue(throughBlackBox.diagnostics.errors.contains { "\($0)".contains("bb_sine_nested") }, "\(throughBlackBox.diagnostics.errors)")
        let throughVector = Diagnostics.collect {
            derivative(of: { (a: D) in derivative(of: { (b: DD) in ProductAndSine.apply([b, b, b])[1] }, at: a) }, at: 0.5)
        }
        XCTAssertTrue(throughVector.result.isNaN, "d²/dx² of sin through a vector primitive gave \(throughVector.result)")
        XCTAssertTrue(throughVector.diagnostics.errors.contains { "\($0)".contains("product_and_sine_nested") },
                      "\(throughVector.diagnostics.errors)")
        // The first derivatives through both are right (cos 0.5, by hand), and so is the second
        // derivative of the built-in sin: −sin 0.5.
        XCTAssertEqual(derivative(of: { (b: D) in BlackBoxSine.apply(b) }, at: 0.5), Foundation.cos(0.5))
        XCTAssertEqual(derivative(of: { (b: D) in ProductAndSine.apply([b, b, b])[1] }, at: 0.5), Foundation.cos(0.5))
        XCTAssertEqual(derivative(of: { (a: D) in derivative(of: { (b: DD) in sin(b) }, at: a) }, at: 0.5), -Foundation.sin(0.5),
                       accuracy: 2 * Double.ulpOfOne)
    }

    /// Inside a gradient, the nested derivative's error reaches the recording, which throws it.
    func testAGradientAroundItThrowsTheError() {
        XCTAssertThrowsError(try gradient(of: { (x: [Reverse<Double>]) in
            derivative(of: { (y: Dual<Reverse<Double>, Reverse<Double>>) in log(y) }, at: x[0])
        }, at: [-1.0])) { e in
            XCTAssertTrue("\(e)".contains("log"), "\(e)")
        }
    }
}
