@testable import AdjointCore
import XCTest

/// `SpecialisedADFunction` hands each of its four scalar types to the closure compiled for it and
/// every other type to the function itself; a wrong cast would pass one type's array as another's.
final class SpecialisedFunctionTests: XCTestCase {
    /// Records the scalar type of every call, and computes x₀² − 3x₁ (a value each type can check).
    final class Calls: @unchecked Sendable { var types: [String] = [] }
    struct Traced: ADFunction {
        let calls: Calls
        var inputCount: Int? { 2 }
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
            calls.types.append(String(describing: T.self))
            return [x[0] * x[0] - 3 * x[1]]
        }
    }

    func testEachTypeReachesTheFunctionAsItself() {
        let calls = Calls()
        let s = SpecialisedADFunction<Double, Float, Dual<Double, Double>, Reverse<Double>>(Traced(calls: calls))
        XCTAssertEqual(s.inputCount, 2)
        // 5² − 3·2 = 19, by hand.
        XCTAssertEqual(s([5.0, 2.0]), [19])
        XCTAssertEqual(s([Float(5), Float(2)]), [19])
        // The dual's tangent along x₀ is 2·5 = 10.
        let d = s([Dual<Double, Double>(5, tangent: 1), Dual<Double, Double>(2, tangent: 0)])
        XCTAssertEqual(d.map(\.value), [19])
        XCTAssertEqual(d.map(\.tangent), [10])
        // A type outside the four goes to the generic function: Dual<Float, Float>.
        let e = s([Dual<Float, Float>(5, tangent: 0), Dual<Float, Float>(2, tangent: 1)])
        XCTAssertEqual(e.map(\.tangent), [-3])
        XCTAssertEqual(calls.types, ["Double", "Float", "Dual<Double, Double>", "Dual<Float, Float>"])
    }

    func testTheTapeTypeRecordsThroughItsClosure() throws {
        let calls = Calls()
        let s = SpecialisedADFunction<Double, Float, Dual<Double, Double>, Reverse<Double>>(Traced(calls: calls))
        // ∇(x₀² − 3x₁) = (2x₀, −3) = (10, −3) at (5, 2).
        XCTAssertEqual(try gradient(of: { s($0)[0] }, at: [5.0, 2.0]), [10, -3])
        XCTAssertEqual(calls.types, ["Reverse<Double>"])
    }

    func testWrappingAWrapperKeepsIt() {
        let calls = Calls()
        typealias S = SpecialisedADFunction<Double, Float, Dual<Double, Double>, Reverse<Double>>
        let twice = S(S(Traced(calls: calls)))
        // Wrapped twice, a call would reach the inner wrapper's closure through the outer one; the
        // inner one is kept instead, so its generic function is the user's, not a wrapper.
        XCTAssertTrue(twice.generic is Traced)
        XCTAssertEqual(twice([1.0, 1.0]), [-2])
    }
}
