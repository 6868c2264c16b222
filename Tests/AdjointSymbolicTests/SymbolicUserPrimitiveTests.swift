import Foundation
import XCTest
import AdjointCore
@testable import AdjointSymbolic

/// erf from libm: a primal computed on Doubles (as a special function's usually is), with its
/// derivative 2/√π·e^(−x²) written generically.
enum LibmErf: UnaryPrimitive {
    static let name = "libm_erf"
    static func primal<T: ADScalar>(_ x: T) -> T { T(Foundation.erf(x.approximateDouble)) }
    static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { T(2 / Double.pi.squareRoot()) * exp(-x * x) }
}

/// A user primitive in a derivative expression stays a call of the primitive, so the expression
/// holds at every point. The modes used to run its primal on the symbols: a primal that reads its
/// argument as a Double baked erf(0.9) into the derivative of erf(x)² as a constant, and the
/// expression, evaluated anywhere but the binding point, was silently wrong.
final class SymbolicUserPrimitiveTests: XCTestCase {
    struct ErfSquared: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { let e = LibmErf.apply(x[0]); return [e * e] }
    }

    /// By hand: (erf²)′ = 2·erf·erf′, (erf²)″ = 2·erf′² + 2·erf·erf″ with erf″ = −2x·erf′.
    func hand(_ x: Double) -> (first: Double, second: Double) {
        let e = Foundation.erf(x), d1 = 2 / Double.pi.squareRoot() * Foundation.exp(-x * x)
        return (2 * e * d1, 2 * d1 * d1 + 2 * e * (-2 * x * d1))
    }

    func testTheDerivativeExpressionHoldsAwayFromTheBindingPoint() throws {
        for mode in SymbolicMode.allCases {
            for point in [[0.9], nil] as [[Double]?] {
                let d = try SymbolicDifferentiation.jacobian(of: ErfSquared(), inputs: 1, mode: mode, at: point)
                let text = try d.jacobian[0][0].formula(variables: ["x"])
                XCTAssertTrue(text.contains("libm_erf(x)"), "\(mode), point \(String(describing: point)): \(text)")
                for x in [0.5, -1.2] {
                    let v = try ExpressionGraph.shared.evaluate([d.jacobian[0][0].id], at: [x])[0]
                    XCTAssertEqual(v, hand(x).first, accuracy: 1e-14, "\(mode) at \(x): \(text)")
                }
            }
        }
    }

    func testTheSecondDerivativeExpressionHoldsAwayFromTheBindingPoint() throws {
        let h = try SymbolicDifferentiation.hessian(of: ErfSquared(), inputs: 1, at: [0.9])
        for x in [0.5, -1.2] {
            let v = try ExpressionGraph.shared.evaluate([h.jacobian[0][0].id], at: [x])[0]
            XCTAssertEqual(v, hand(x).second, accuracy: 1e-14, "at \(x)")
        }
    }
}

/// erf as a Double-only black box: no rule that can run on symbols.
enum BlackBoxErf: BlackBoxPrimitive {
    static let name = "erf_black_box"
    static func evaluate(_ x: Double, _ y: Double) -> Double { Foundation.erf(x) }
    static func derivatives(_ x: Double, _ y: Double, output z: Double) -> (Double, Double) {
        (2 / Double.pi.squareRoot() * Foundation.exp(-x * x), 0)
    }
}

/// x ↦ 2x on Doubles, with both rules.
enum Twice: VectorPrimitive {
    static let name = "twice"
    static func primal(_ x: [Double]) -> [Double] { x.map { 2 * $0 } }
    static func jvp(at x: [Double], direction v: [Double]) -> [Double]? { v.map { 2 * $0 } }
    static func vjp(at x: [Double], cotangent u: [Double]) -> [Double]? { u.map { 2 * $0 } }
}

/// A primitive that cannot be differentiated symbolically is a typed error naming it, in both
/// modes, with or without a binding point: the derivative held a NaN constant and no error.
final class SymbolicUnsupportedPrimitiveTests: XCTestCase {
    struct UsesBlackBox: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { let e = BlackBoxErf.apply(x[0]); return [e * x[1]] }
    }
    struct UsesTwice: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { Twice.apply(x) }
    }

    func testAPrimitiveWithoutASymbolicRuleIsRefusedByName() {
        for mode in SymbolicMode.allCases {
            for point in [[0.8, 1.4], nil] as [[Double]?] {
                for (name, f) in [("erf_black_box", UsesBlackBox() as any ADFunction), ("twice", UsesTwice())] {
                    XCTAssertThrowsError(try SymbolicDifferentiation.jacobian(of: f, inputs: 2, mode: mode, at: point),
                                         "\(name), \(mode), \(String(describing: point))") { e in
                        guard case let ADError.unsupported(op, _, _) = e else { return XCTFail("\(name), \(mode): \(e)") }
                        XCTAssertTrue(op.hasPrefix(name), "\(mode): \(op)")
                    }
                }
            }
        }
    }
}

/// x² and x³ under one name, as two instances of one generic primitive would be.
enum SameNameSquare: UnaryPrimitive {
    static let name = "same_name"
    static func primal<T: ADScalar>(_ x: T) -> T { x * x }
    static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { 2 * x }
}
enum SameNameCube: UnaryPrimitive {
    static let name = "same_name"
    static func primal<T: ADScalar>(_ x: T) -> T { x * x * x }
    static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { 3 * x * x }
}

/// An expression calls a user primitive by name: a second type under a taken name is an error
/// naming it. It was the first type's node, so x³'s derivative at 2 came out 4 (x²'s).
final class SymbolicPrimitiveNameTests: XCTestCase {
    struct Uses<P: ScalarPrimitive>: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [P.apply(x[0])] }
    }

    func testASecondPrimitiveUnderATakenNameIsAnError() throws {
        let square = try SymbolicDifferentiation.jacobian(of: Uses<SameNameSquare>(), inputs: 1)
        XCTAssertEqual(try ExpressionGraph.shared.evaluate([square.jacobian[0][0].id], at: [2.0])[0], 4)
        XCTAssertThrowsError(try SymbolicDifferentiation.jacobian(of: Uses<SameNameCube>(), inputs: 1)) { e in
            guard case let ADError.invalidArgument(why) = e else { return XCTFail("\(e)") }
            XCTAssertTrue(why.contains("\"same_name\""), why)
        }
    }

    /// 2·sin x named "sin" printed as `sin(x0)`, which reads back as the built-in's sin x: wrong
    /// by a factor 2, with no error.
    func testABuiltinNameIsAnError() {
        for mode in SymbolicMode.allCases {
            XCTAssertThrowsError(try SymbolicDifferentiation.jacobian(of: Uses<SymbolicFakeSin>(), inputs: 1, mode: mode), "\(mode)") { e in
                guard case let ADError.invalidArgument(why) = e else { return XCTFail("\(e)") }
                XCTAssertTrue(why.contains("\"sin\"") && why.contains("built-in"), why)
            }
        }
    }
}

/// 2·sin x under the built-in's name.
enum SymbolicFakeSin: UnaryPrimitive {
    static let name = "sin"
    static func primal<T: ADScalar>(_ x: T) -> T { 2 * T.sin(x) }
    static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { 2 * T.cos(x) }
}

/// erf with its derivative computed on Doubles: right as a number, but as an expression it is
/// erf′ at the binding point, a constant.
enum ErfDoubleRule: UnaryPrimitive {
    static let name = "erf_double_rule"
    static func primal<T: ADScalar>(_ x: T) -> T { T(Foundation.erf(x.approximateDouble)) }
    static func derivative<T: ADScalar>(_ x: T, output z: T) -> T {
        let a = x.approximateDouble
        return T(2 / Double.pi.squareRoot() * Foundation.exp(-a * a))
    }
}

/// A rule that reads a symbol's value is refused: the derivative of erf(x)² at the binding point
/// 0.9 was 2·erf(x)·0.503 (erf′(0.9) as a constant), wrong at every other point.
final class SymbolicDoubleRuleTests: XCTestCase {
    struct Squared: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { let e = ErfDoubleRule.apply(x[0]); return [e * e] }
    }

    func testARuleReadingASymbolsValueIsRefused() {
        for mode in SymbolicMode.allCases {
            for point in [[0.9], nil] as [[Double]?] {
                XCTAssertThrowsError(try SymbolicDifferentiation.jacobian(of: Squared(), inputs: 1, mode: mode, at: point),
                                     "\(mode), \(String(describing: point))") { e in
                    guard case let ADError.invalidArgument(why) = e else { return XCTFail("\(mode): \(e)") }
                    XCTAssertTrue(why.contains("approximateDouble"), why)
                }
            }
        }
    }
}
