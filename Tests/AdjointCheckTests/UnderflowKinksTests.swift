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
}
