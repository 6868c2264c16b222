import Foundation
import XCTest
import AdjointCore
import ComplexModule
@testable import AdjointCheck

/// The complex step of every analytic registry op (issue 14 items 1 and 6).
///
/// Reference derivatives are written here by hand from calculus, in forms that stay accurate in
/// the tails (tanh′ = 1/cosh², σ′ = e^−|x|/(1 + e^−|x|)²), so they are independent of the registry's
/// rules and of swift-numerics' complex functions. On the sample ranges complex step must also
/// agree with reverse mode.
final class ComplexStepTests: XCTestCase {
    struct Unary: ADFunction {
        let op: Op
        let n: Int
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.apply(op, x[0], x[0], n)] }
    }
    struct Binary: ADFunction {
        let op: Op
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.apply(op, x[0], x[1], 0)] }
    }

    static func sigmoidPrime(_ x: Double) -> Double { let e = exp(-Swift.abs(x)); return e / ((1 + e) * (1 + e)) }
    static func sigmoid(_ x: Double) -> Double { x >= 0 ? 1 / (1 + exp(-x)) : exp(x) / (1 + exp(x)) }

    /// d/dx by hand, for the unary analytic ops (powi with exponent 3).
    static let unaryDerivative: [Op: @Sendable (Double) -> Double] = [
        .neg: { _ in -1 },
        .powi: { 3 * $0 * $0 },
        .square: { 2 * $0 },
        .sqrt: { 0.5 / $0.squareRoot() },
        .exp: { exp($0) },
        .expm1: { exp($0) },
        .log: { 1 / $0 },
        .log1p: { 1 / (1 + $0) },
        .sin: { cos($0) },
        .cos: { -sin($0) },
        .tan: { 1 / (cos($0) * cos($0)) },
        .atan: { 1 / (1 + $0 * $0) },
        .sinh: { cosh($0) },
        .cosh: { sinh($0) },
        .tanh: { let c = cosh($0); return 1 / (c * c) },
        .asinh: { 1 / (1 + $0 * $0).squareRoot() },
        .sigmoid: sigmoidPrime,
        .softplus: sigmoid,
        .swish: { x in sigmoid(x) + x * sigmoidPrime(x) },
        // Kinked ops, continued from the side of their kink the point is on (refused at it).
        .relu: { $0 > 0 ? 1 : 0 },
        .abs: { $0 < 0 ? -1 : 1 },
    ]

    /// Points in the sample range and beyond it: large magnitudes, and tiny ones where a step
    /// relative to |x| is subnormal.
    static func points(_ op: Op) -> [Double] {
        let r = op.info.sampleRanges[0]
        let grid = (0...8).map { r.lowerBound + (r.upperBound - r.lowerBound) * Double($0) / 8 }
        let tails: [Double] = [-700, -40, -20, -10, 10, 20, 40, 700, 1e-300, -1e-300, 1e-200, 1e-20, -1e-20, 1e-8]
        return grid + tails
    }

    func testEveryAnalyticUnaryOpAgreesWithItsHandDerivativeToAFewULPs() throws {
        let probe = Complex<Double>(0.5, 0)
        var checked = 0
        for op in Op.primitives where op.arity == 1 {
            let (_, d) = Diagnostics.collect { Complex<Double>.apply(op, probe, probe, 3) }
            if d.errors.contains(where: { if case .unsupported = $0 { return true }; return false }) { continue }
            guard let reference = Self.unaryDerivative[op] else {
                XCTFail("\(op.info.name) is analytic in complex arithmetic but has no hand derivative here"); continue
            }
            for x in Self.points(op) {
                let f = Unary(op: op, n: 3)
                let expected = reference(x)
                let (y, diag) = Diagnostics.collect { f([x]) }
                // Outside the op's domain, or where value or derivative leave the normal range,
                // there is nothing to compare to a few ulps.
                guard diag.errors.isEmpty, y[0].isFinite, expected.isFinite, Swift.abs(expected) > 1e-290,
                      Swift.abs(expected) < 1e290 else { continue }
                // At a kink no continuation exists: the complex step refuses, tested elsewhere.
                if Rules.kinkDistance(op, x, x) == 0 {
                    let refused = try differenceJacobian(of: f, at: [x], method: .complexStep)
                    XCTAssertNotNil(refused.unsupported, "\(op.info.name) at its kink \(x)")
                    continue
                }
                let cs = try differenceJacobian(of: f, at: [x], method: .complexStep).entries[0][0]
                let rel = Swift.abs(cs.value - expected) / Swift.abs(expected)
                // A few ulps: the reference is itself rounded (two or three operations).
                XCTAssertLessThanOrEqual(rel, 8 * Double.ulpOfOne,
                                         "\(op.info.name)′(\(x)): complex step \(cs.value), by hand \(expected)")
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, 200)
    }

    func testBinaryAnalyticOpsAgreeWithTheirHandPartials() throws {
        let cases: [(Op, (Double, Double) -> (Double, Double))] = [
            (.add, { _, _ in (1, 1) }), (.sub, { _, _ in (1, -1) }), (.mul, { x, y in (y, x) }),
            (.div, { x, y in (1 / y, -x / (y * y)) }),
            (.pow, { x, y in (y * pow(x, y - 1), pow(x, y) * log(x)) }),
        ]
        for (op, partials) in cases {
            for (x, y) in [(0.7, 1.3), (2.5, -0.75), (1e-300, 3.0), (40.0, 0.5), (3.0, 1e-300)] {
                let expected = partials(x, y)
                let cs = try differenceJacobian(of: Binary(op: op), at: [x, y], method: .complexStep).entries[0]
                for (k, e) in [expected.0, expected.1].enumerated() where Swift.abs(e) > 1e-290 && Swift.abs(e) < 1e290 {
                    XCTAssertLessThanOrEqual(Swift.abs(cs[k].value - e) / Swift.abs(e), 8 * Double.ulpOfOne,
                                             "∂\(op.info.name)/∂\(k == 0 ? "x" : "y") at (\(x), \(y)): \(cs[k].value) vs \(e)")
                }
            }
        }
    }

    /// Found by a differential review against SymPy: hypot's primal picked its larger and smaller
    /// argument by max and min, which at a tie of magnitudes both return the same operand, so the
    /// complex step lost the other's perturbation (hypot(1, 1): ∂/∂y came out 0, ∂/∂x √2). Ties of
    /// every sign and scale, against the hand partials.
    func testHypotAtEqualMagnitudesKeepsBothPerturbations() throws {
        for (x, y) in [(1.0, 1.0), (2.0, 2.0), (-3.0, 3.0), (0.5, -0.5), (-7.0, -7.0), (1e-50, 1e-50), (1e-150, -1e-150), (1e150, 1e150)] {
            // At |x| = |y|: hypot = |x|·√2, so ∂/∂x = x/hypot = sign(x)/√2, and the same for y.
            let expected = [x, y].map { ($0 < 0 ? -1.0 : 1.0) / 2.0.squareRoot() }
            let cs = try differenceJacobian(of: Binary(op: .hypot), at: [x, y], method: .complexStep).entries[0]
            for (k, e) in expected.enumerated() {
                XCTAssertLessThanOrEqual(Swift.abs(cs[k].value - e), 8 * Double.ulpOfOne,
                                         "∂hypot/∂\(k == 0 ? "x" : "y") at (\(x), \(y)): \(cs[k].value) vs \(e)")
            }
        }
        // Where the differences cannot resolve the scale, the complex step decides the check: it
        // convicted hypot's correct rule at (1e-150, 1e-150) while it lost y's perturbation.
        for x in [1e-50, 1e-150] {
            let r = try checkJacobian(of: Binary(op: .hypot), at: [x, x])
            XCTAssertEqual(r.verdict, .agree, r.renderTable())
        }
        // The split must still let a NaN through on either side, zero or not on the other. (Not
        // asked of Complex: swift-numerics makes every non-finite value one point that equals itself.)
        for (x, y) in [(0.0, Double.nan), (Double.nan, 0.0), (2.0, .nan), (.nan, 2.0)] {
            XCTAssertTrue(Rules.primal(.hypot, x, y, 0).isNaN, "hypot(\(x), \(y))")
        }
    }

    func testComplexStepAgreesWithReverseModeOnTheSampleRanges() throws {
        var rng = SeededGenerator(seed: 0xC5)
        for op in Op.primitives {
            let probe = Complex<Double>(0.5, 0)
            let (_, d) = Diagnostics.collect { Complex<Double>.apply(op, probe, probe, 2) }
            if !d.errors.isEmpty { continue }
            for _ in 0..<16 {
                let x = op.info.sampleRanges.map { RuleCheck.draw($0, &rng) }
                let f: any ADFunction = op.arity == 2 ? Binary(op: op) : Unary(op: op, n: 2)
                let point = op.arity == 2 ? x : [x[0]]
                let r = try jacobian(of: f, at: point, mode: .reverse).jacobian[0]
                let cs = try differenceJacobian(of: f, at: point, method: .complexStep).entries[0]
                for (a, b) in zip(r, cs) {
                    XCTAssertEqual(a, b.value, accuracy: 16 * Double.ulpOfOne * Swift.max(1, Swift.abs(a)),
                                   "\(op.info.name) at \(point)")
                }
            }
        }
    }

    /// Found by `make fuzz`: at a base of 0, Im((ih)^y)/h = h^(y−1)·sin(πy/2) looked like a
    /// derivative (0.28 for y = 1.03, where ∂/∂x 0^y = 0). The complex step must refuse instead.
    func testPowAtAZeroBaseIsReportedNotEstimated() throws {
        let d = try differenceJacobian(of: Binary(op: .pow), at: [0.0, 1.0272729092520443], method: .complexStep)
        XCTAssertNotNil(d.unsupported)
        XCTAssertTrue(d.entries[0][0].warnings.contains(.unsupportedOp))
        XCTAssertTrue(d.entries[0][0].value.isNaN, "no number is offered")
        // A positive base is unaffected: ∂/∂x x^y = y·x^(y−1), ∂/∂y = x^y·log x.
        let ok = try differenceJacobian(of: Binary(op: .pow), at: [2.0, 1.5], method: .complexStep)
        XCTAssertEqual(ok.entries[0][0].value, 1.5 * 2.0.squareRoot(), accuracy: 4 * Double.ulpOfOne * 2.2)
        XCTAssertEqual(ok.entries[0][1].value, pow(2.0, 1.5) * log(2.0), accuracy: 4 * Double.ulpOfOne * 2)
    }

    struct Power: ADFunction {
        let n: Int
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [pow(x[0], n)] }
    }

    /// Found by a user trial: zⁿ by binary powering carries n·ε relative error, so the complex
    /// step of x^100000 at 1.001 was 2.7e-12 off, 6000 times its estimate. References: n·x^(n−1)
    /// by mpmath to 30 digits; a negative base and a negative exponent take the same path.
    func testLargeIntegerPowersKeepTheirAccuracy() throws {
        let cases: [(Int, Double, Double)] = [
            (100_000, 1.001, 2.5545467464405654742e48),
            (100_001, -1.001, 2.5571268641999376284e48),
            (-100_000, 1.001, -3.9067713182214570865e-39),
        ]
        for (n, x, reference) in cases {
            let e = try differenceJacobian(of: Power(n: n), at: [x], method: .complexStep).entries[0][0]
            XCTAssertEqual(e.value, reference, accuracy: 8 * reference.magnitude.ulp, "n = \(n) at \(x)")
            XCTAssertLessThanOrEqual(Swift.abs(e.value - reference), 4 * e.errorEstimate + reference.magnitude.ulp, "n = \(n)")
        }
    }
}
