import XCTest
@testable import AdjointSymbolic
import AdjointCore

/// Without a point, each comparison was decided on its own (a variable side large and positive,
/// two variable sides by node order), and together the decisions could hold nowhere: the
/// derivative returned was that of no region of the inputs (review46, documented in eccc425).
/// Now they are all decided at one generic point, reported with the derivative, or the
/// derivation is refused. Expected values are by hand; each is also compared with forward-mode
/// AD at the reported point, another interpreter of the same registry.
final class GenericPointTests: XCTestCase {
    /// max(x0, x1) + relu(x0 − x1): by hand ∇f = [0, 1] where x0 < x1 (f = x1) and [2, −1]
    /// where x0 > x1 (f = 2x0 − x1). The old decisions, x0 < x1 and x0 − x1 > 0, gave [1, 0].
    struct MaxPlusRelu: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [max(x[0], x[1]) + relu(x[0] - x[1])] }
    }
    /// max(x, 0.5x) + |x|: by hand f′ = 2 for x > 0 (x + x) and −0.5 for x < 0 (0.5x − x);
    /// the old decisions gave 1.5.
    struct MaxOfHalfPlusAbs: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [max(x[0], 0.5 * x[0]) + abs(x[0])] }
    }
    /// max(x0, x1)² + relu(x0 − x1)²: by hand H = [[0, 0], [0, 2]] where x0 < x1 (f = x1²) and
    /// [[4, −2], [−2, 2]] where x0 > x1 (f = x0² + (x0 − x1)²). The old decisions gave
    /// x1² + (x0 − x1)²'s [[2, −2], [−2, 4]].
    struct SquaredMaxPlusRelu: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
            let m = max(x[0], x[1]), r = relu(x[0] - x[1])
            return [m * m + r * r]
        }
    }
    /// relu(|x0| − √(x0²)): |x| − √(x²) is 0 for every x (and √ of a square rounds back to |x|
    /// in Double), so relu's rule compares 0 with 0 at every point: a tie, whose branch is that
    /// of no open region. The symbolic simplifier does not see that the difference is 0.
    struct ReluOfAZeroDifference: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [relu(abs(x[0]) - T.sqrt(x[0] * x[0])) + x[0]] }
    }
    /// x0 < x0, the brief's identity: false everywhere, but a tie at every point.
    struct SelfComparison: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] < x[0] ? x[0] : 2 * x[0]] }
    }

    /// The entries at `point`, from the expressions built without one.
    func values(_ d: SymbolicJacobian, at point: [Double]) throws -> [[Double]] {
        try d.jacobian.map { row in try ExpressionGraph.shared.evaluate(row.map(\.id), at: point) }
    }

    func testMaxPlusReluIsTheDerivativeOfOneRegion() throws {
        for mode in SymbolicMode.allCases {
            let d = try SymbolicDifferentiation.jacobian(of: MaxPlusRelu(), inputs: 2, mode: mode)
            // The expressions are constant on each region: whatever the point, one region's.
            let at35 = try values(d, at: [3, 5])
            XCTAssertTrue(at35 == [[0, 1]] || at35 == [[2, -1]], "\(mode): \(at35), neither region's")
            guard let p = d.genericPoint else { XCTFail("\(mode): no generic point reported"); continue }
            // The region is the point's, by hand, and forward-mode AD there agrees.
            XCTAssertEqual(try values(d, at: p), [p[0] < p[1] ? [0, 1] : [2, -1]], "\(mode) at \(p)")
            XCTAssertEqual(try values(d, at: p), try jacobian(of: MaxPlusRelu(), at: p, mode: .forward).jacobian, "\(mode) at \(p)")
            // The decisions reported are the point's: both say x0 < x1 there, or both x0 > x1.
            let below = p[0] < p[1]
            XCTAssertTrue(d.unboundComparisons.contains("x0 - x1 < 0 taken as \(below)")
                          || d.unboundComparisons.contains("0 < x0 - x1 taken as \(!below)"), "\(d.unboundComparisons)")
            XCTAssertTrue(d.boundComparisons.isEmpty, "no caller's point: \(d.boundComparisons)")
        }
        // A function that compares nothing keeps its derivative valid wherever it is defined,
        // with no point: log(x0)·x1 (the candidates' domains are not its question).
        struct Smooth: ADFunction { func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.log(x[0]) * x[1]] } }
        let smooth = try SymbolicDifferentiation.jacobian(of: Smooth(), inputs: 2)
        XCTAssertNil(smooth.genericPoint)
        XCTAssertEqual(smooth.unboundComparisons, [])
    }

    func testMaxOfHalfPlusAbsIsTheDerivativeOfOneSide() throws {
        let d = try SymbolicDifferentiation.jacobian(of: MaxOfHalfPlusAbs(), inputs: 1)
        let at3 = try values(d, at: [3])
        XCTAssertTrue(at3 == [[2]] || at3 == [[-0.5]], "\(at3), neither side's")
        guard let p = d.genericPoint else { return XCTFail("no generic point reported") }
        XCTAssertEqual(try values(d, at: p), [[p[0] > 0 ? 2 : -0.5]], "at \(p)")
        XCTAssertEqual(try values(d, at: p), try jacobian(of: MaxOfHalfPlusAbs(), at: p, mode: .forward).jacobian, "at \(p)")
    }

    /// Both derivations of a Hessian decide at the same point.
    func testAHessianWithoutAPointIsOneRegions() throws {
        let h = try SymbolicDifferentiation.hessian(of: SquaredMaxPlusRelu(), inputs: 2)
        let at35 = try values(h, at: [3, 5])
        XCTAssertTrue(at35 == [[0, 0], [0, 2]] || at35 == [[4, -2], [-2, 2]], "\(at35), neither region's")
        guard let p = h.genericPoint else { return XCTFail("no generic point reported") }
        XCTAssertEqual(try values(h, at: p), p[0] < p[1] ? [[0, 0], [0, 2]] : [[4, -2], [-2, 2]], "at \(p)")
        // Forward over reverse, numerically.
        let numeric = try hessian(of: { (x: [HessianScalar<Double>]) in SquaredMaxPlusRelu()(x)[0] }, at: p)
        XCTAssertEqual(try values(h, at: p), numeric, "at \(p)")
    }

    func testATieAtEveryPointIsRefusedNotDecided() throws {
        for (name, f, compared) in [("relu(|x| - sqrt(x^2))", ReluOfAZeroDifference() as any ADFunction, "abs(x0) - sqrt(x0^2)"),
                                    ("x < x", SelfComparison() as any ADFunction, "x0 < x0")] {
            XCTAssertThrowsError(try SymbolicDifferentiation.jacobian(of: f, inputs: 1)) { error in
                guard let e = error as? SymbolicDifferentiation.NoRegion else { return XCTFail("\(name): \(error)") }
                XCTAssertTrue(e.reason.contains(compared) && e.reason.contains("tie"), "\(name): \(e.reason)")
                XCTAssertNotNil(e.point, name)
            }
            // With a point the caller chose the branch there, as before.
            XCTAssertNoThrow(try SymbolicDifferentiation.jacobian(of: f, inputs: 1, at: [1]), name)
        }
    }

    /// relu(sin(10⁶x)) changes side every π·10⁻⁶, narrower than the 2⁻¹⁷·|x| ≈ 2·10⁻⁵ the
    /// decisions are asked again at around the point.
    func testRegionsTooNarrowToSampleAreRefused() throws {
        struct Narrow: ADFunction {
            func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [relu(T.sin(1_000_000 * x[0]))] }
        }
        XCTAssertThrowsError(try SymbolicDifferentiation.jacobian(of: Narrow(), inputs: 1)) { error in
            guard let e = error as? SymbolicDifferentiation.NoRegion else { return XCTFail("\(error)") }
            XCTAssertTrue(e.reason.contains("narrower"), e.reason)
        }
    }

    /// √(1 − x²) + max(x, −x): the first candidate (2 < x < 3) is outside the square root's
    /// domain, so the next one decides, with 0 < x < 1. By hand f′ = −x/√(1 − x²) + 1 for
    /// 0 < x < 1 and −x/√(1 − x²) − 1 for −1 < x < 0.
    func testACandidateOutsideTheDomainIsPassedOver() throws {
        struct RootPlusAbs: ADFunction {
            func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.sqrt(1 - x[0] * x[0]) + max(x[0], -x[0])] }
        }
        let d = try SymbolicDifferentiation.jacobian(of: RootPlusAbs(), inputs: 1)
        guard let p = d.genericPoint else { return XCTFail("no generic point reported") }
        XCTAssertTrue(abs(p[0]) < 1, "\(p): outside the domain")
        XCTAssertNotEqual(p, SymbolicDifferentiation.GenericPoint.candidates(1).first)
        let hand = -p[0] / (1 - p[0] * p[0]).squareRoot() + (p[0] > 0 ? 1 : -1)
        let value = try values(d, at: p)[0][0]
        XCTAssertEqual(value, hand, accuracy: 1e-15, "at \(p)")
        // The two terms (about −0.83 and 1) cancel to 0.17, and the two evaluations round them in
        // different orders: agreement to a few ulps of 1, not of the result.
        let forward = try jacobian(of: RootPlusAbs(), at: p, mode: .forward).jacobian[0][0]
        XCTAssertEqual(value, forward, accuracy: 1e-15, "at \(p)")
    }

    /// The candidates are fixed by the seed: the same point on every run.
    func testTheGenericPointIsReproducible() throws {
        let a = try SymbolicDifferentiation.jacobian(of: MaxPlusRelu(), inputs: 2).genericPoint
        let b = try SymbolicDifferentiation.jacobian(of: MaxPlusRelu(), inputs: 2).genericPoint
        XCTAssertNotNil(a)
        XCTAssertEqual(a, b)
        XCTAssertEqual(a, SymbolicDifferentiation.GenericPoint.candidates(2).first)
    }
}
