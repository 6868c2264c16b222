import XCTest
@testable import AdjointCore

/// A (co)tangent that is exactly 0 contributes exactly 0 to the chain rule, even where the partial
/// it meets is infinite: the derivative along a direction that does not move an argument does not
/// involve that argument's partial. √′(0) = +∞ is the usual such partial; ∞·0 = NaN used to poison
/// the result, and in a chunked forward pass every lane of it.
///
/// Expected values by hand: ∂(x² + √y)/∂x = 2x, ∂/∂y = 1/(2√y), +∞ at y = 0.
final class ZeroTangentTests: XCTestCase {
    /// f(x, y) = x² + √y.
    struct SquarePlusRoot: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] * x[0] + sqrt(x[1])] }
    }

    /// Nine inputs, three outputs; row 2 is Σⱼ≠₅ (j+1)·xⱼ² + √x₅, so ∂f₂/∂xⱼ = 2(j+1)xⱼ for j ≠ 5
    /// and +∞ for j = 5 at x₅ = 0. One 8-lane pass seeds x₀…x₇ together, x₅ among them.
    struct RootInAChunk: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
            var s: T = 0
            for j in x.indices where j != 5 { s = s + T(Double(j + 1)) * x[j] * x[j] }
            return [x[0], x[1] * x[2], s + sqrt(x[5])]
        }
    }

    func testJVPAlongADirectionThatDoesNotMoveTheRootIsFinite() throws {
        for x0 in [1.0, 3.0, -0.5] {
            let r = try jvp(of: { x in [x[0] * x[0] + sqrt(x[1])] }, at: [x0, 0], direction: [1, 0])
            XCTAssertEqual(r.jvp, [2 * x0], "∂/∂x (x² + √y) = 2x at (\(x0), 0)")
            // A direction that moves y meets √′(0) = +∞: that derivative is infinite and reported.
            for v in [[0.0, 1.0], [1.0, 1.0], [1.0, -2.0]] {
                XCTAssertThrowsError(try jvp(of: { x in [x[0] * x[0] + sqrt(x[1])] }, at: [x0, 0], direction: v)) { e in
                    XCTAssertEqual(e as? ADError, .nonFinite(what: "directional derivative 0", op: "sqrt", node: nil), "v = \(v)")
                }
            }
        }
        let f = try jvp(of: { (x: [Dual<Float, Float>]) in [x[0] * x[0] + sqrt(x[1])] }, at: [1.5, 0], direction: [1, 0])
        XCTAssertEqual(f.jvp, [3], "Float runs the same rule")
    }

    /// Other partials that leave the range at a finite point: log′ at the smallest subnormal
    /// (1/5e-324 overflows) and pow's ∂x at a zero base with exponent < 1.
    func testOtherInfinitePartialsMeetingZeroTangentsAddNothing() throws {
        let tiny = Double.leastNonzeroMagnitude
        let viaLog = try jvp(of: { x in [x[0] * x[0] + log(x[1])] }, at: [2, tiny], direction: [1, 0])
        XCTAssertEqual(viaLog.jvp, [4])
        let viaPow = try jvp(of: { x in [x[0] * x[0] + Dual.pow(x[1], 0.5)] }, at: [2, 0], direction: [1, 0])
        XCTAssertEqual(viaPow.jvp, [4])
        // Division and powi order their own products (1/y and n·x^(n−1) overflow here); a zero
        // tangent still adds 0 through them.
        let viaDiv = try jvp(of: { x in [x[0] * x[0] + x[1] / x[2]] }, at: [2, 1e-300, Double.leastNormalMagnitude / 1024], direction: [1, 0, 0])
        XCTAssertEqual(viaDiv.jvp, [4])
        let viaPowi = try jvp(of: { x in [x[0] * x[0] + Dual.powi(x[1], -1)] }, at: [2, 1e-300], direction: [1, 0])
        XCTAssertEqual(viaPowi.jvp, [4])
    }

    func testForwardJacobianNamesTheInfiniteEntry() throws {
        XCTAssertThrowsError(try jacobian(of: SquarePlusRoot(), at: [1.0, 0.0], mode: .forward)) { e in
            XCTAssertEqual(e as? ADError, .nonFinite(what: "Jacobian entry 1", op: "sqrt", node: nil), "∂f/∂y, not ∂f/∂x")
        }
        let r = try forwardJacobian(of: { (d: [Dual<Double, SIMD2<Double>>]) in SquarePlusRoot()(d) }, at: [1.0, 0.0],
                                    checked: false)
        XCTAssertEqual(r.jacobian[0][0], 2)
        XCTAssertEqual(r.jacobian[0][1], .infinity)
    }

    /// The infinite entry shares its pass with seven finite ones: they stay finite, in every chunk
    /// width, and the error names the infinite entry, 2·9 + 5 = 23, not the pass's first.
    func testChunkedPassKeepsTheOtherLanesFinite() throws {
        let x = [1.0, 2.0, 3.0, 4.0, 5.0, 0.0, 7.0, 8.0, 9.0]
        let hand: [[Double]] = [
            [1, 0, 0, 0, 0, 0, 0, 0, 0],
            [0, 3, 2, 0, 0, 0, 0, 0, 0],
            x.indices.map { j in j == 5 ? .infinity : 2 * Double(j + 1) * x[j] },
        ]
        func check<T: TangentVector>(_: T.Type) throws where T.Scalar == Double {
            let r = try forwardJacobian(of: { (d: [Dual<Double, T>]) in RootInAChunk()(d) }, at: x, checked: false)
            XCTAssertEqual(r.jacobian, hand, "\(T.self)")
        }
        try check(Double.self)
        try check(SIMD2<Double>.self)
        try check(SIMD4<Double>.self)
        try check(SIMD8<Double>.self)
        let rf = try forwardJacobian(of: { (d: [Dual<Float, SIMD8<Float>>]) in RootInAChunk()(d) },
                                     at: x.map { Float($0) }, checked: false)
        XCTAssertEqual(rf.jacobian, hand.map { $0.map { Float($0) } }, "Float lanes")
        XCTAssertThrowsError(try jacobian(of: RootInAChunk(), at: x, mode: .forward)) { e in
            XCTAssertEqual(e as? ADError, .nonFinite(what: "Jacobian entry 23", op: "sqrt", node: nil))
        }
    }

    /// Reverse mode's analogue: row 1 of f = (√y, x²) sweeps √'s entry (recorded before x²) with
    /// cotangent 0. That row is (2x, 0); row 0 is (0, +∞) and still throws.
    func testReverseRowWithZeroCotangentAtAnInfinitePartial() throws {
        let rec = try record({ v in [sqrt(v[1]), v[0] * v[0]] }, at: [1.5, 0.0])
        XCTAssertEqual(try rec.pullback([0, 1]), [3, 0])
        XCTAssertEqual(try rec.pullback([0, -2]), [-6, 0])
        XCTAssertThrowsError(try rec.pullback([1, 0])) { e in
            guard case let ADError.nonFinite(what, op, _) = e else { return XCTFail("\(e)") }
            XCTAssertEqual(what, "derivative with respect to input 1")
            XCTAssertEqual(op, "sqrt")
        }
        let unchecked = try rec.jacobian(checked: false)
        XCTAssertEqual(unchecked, [[0, .infinity], [3, 0]])
        // The same through an intermediate scaled by an exact 0: 0·√y contributes 0 to ∇(x² + 0·√y).
        XCTAssertEqual(try gradient(of: { v in v[0] * v[0] + 0 * sqrt(v[1]) }, at: [1.5, 0.0]), [3, 0])
        let recf = try record({ (v: [Reverse<Float>]) in [sqrt(v[1]), v[0] * v[0]] }, at: [1.5, 0])
        XCTAssertEqual(try recf.pullback([0, 1]), [3, 0], "Float")
    }

    /// Found in review: masking every cotangent that computed to 0 made √v·√v at 0 return 0,
    /// while its derivative is 1 (v itself). A reached entry keeps 0·∞ = NaN there and the
    /// gradient throws, naming √; a factor that is the constant 0 still cuts the dependence.
    func testAComputedZeroCotangentIsNotMasked() throws {
        XCTAssertThrowsError(try gradient(of: { v in sqrt(v[0]) * sqrt(v[0]) }, at: [0.0])) { e in
            guard case let ADError.nonFinite(_, op, _) = e else { return XCTFail("\(e)") }
            XCTAssertEqual(op, "sqrt")
        }
        // Away from 0 it is v's derivative, 1.
        XCTAssertEqual(try gradient(of: { v in sqrt(v[0]) * sqrt(v[0]) }, at: [1e-300])[0], 1, accuracy: 1e-12)
        // sin(√y)² at 0: the same indeterminate form through sin and a square.
        XCTAssertThrowsError(try record({ v in [sin(sqrt(v[0])) * sin(sqrt(v[0]))] }, at: [0.0]).jacobian())
    }

    /// Found in review: forward mode's masked 0 at pow's zero base can stand for an infinite slope
    /// ((x²)^¼ = |x|^½ at 0); it used to pass with no word. A zero base below exponent 1 is now
    /// reported as a singular point, as √ at 0 is, and reverse mode (structural masking) throws.
    func testPowAtAZeroBaseIsReportedAsSingular() throws {
        let f: ([Reverse<Double>]) -> [Reverse<Double>] = { v in [pow(v[0] * v[0], 0.25)] }
        XCTAssertThrowsError(try record(f, at: [0.0]).jacobian())
        let (d, diagnostics) = Diagnostics.collect {
            jvpValue(of: { (v: [Dual<Double, Double>]) in [pow(v[0] * v[0], 0.25)] }, at: [0.0], direction: [1])
        }
        XCTAssertEqual(d, [0], "the masked product, which the report qualifies")
        XCTAssertEqual(diagnostics.kinks.map { $0.op }, [.pow])
        // Away from 0, or with an exponent of 1 or more, no report.
        XCTAssertTrue(Diagnostics.collect { jvpValue(of: { (v: [Dual<Double, Double>]) in [pow(v[0] * v[0], 0.25)] },
                                                      at: [0.5], direction: [1]) }.diagnostics.kinks.isEmpty)
        XCTAssertTrue(Diagnostics.collect { jvpValue(of: { (v: [Dual<Double, Double>]) in [pow(v[0] * v[0], 1.5)] },
                                                      at: [0.0], direction: [1]) }.diagnostics.kinks.isEmpty)
    }

    /// One forward pass by hand: the tangents of f along `direction`.
    func jvpValue(of f: ([Dual<Double, Double>]) -> [Dual<Double, Double>], at x: [Double], direction: [Double]) -> [Double] {
        f(zip(x, direction).map { Dual($0, tangent: $1) }).map(\.tangent)
    }

    /// Nested forward mode: the inner dual's tangent is itself a dual, 0 + 0ε for the constant y.
    /// d²/dx² (x³ + √y) at y = 0 is 6x; √′ at the constant 0 must not turn it into NaN.
    func testNestedDerivativeBesideAConstantRootAtZero() {
        typealias Inner = Dual<Dual<Double, Double>, Dual<Double, Double>>
        let second = derivative(of: { (x: Dual<Double, Double>) in
            derivative(of: { (u: Inner) in u * u * u + sqrt(Inner(constant: 0)) }, at: x)
        }, at: 1.5)
        XCTAssertEqual(second, 9)
    }

    /// Forward-over-reverse on the output that does not depend on y: H(x²) = [[2, 0], [0, 0]],
    /// with √y at 0 recorded before it on the same tape.
    func testHessianOfAnOutputBesideAnInfinitePartial() throws {
        struct RootThenSquare: ADFunction {
            func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [sqrt(x[1]), x[0] * x[0]] }
        }
        XCTAssertEqual(try hessian(of: RootThenSquare(), at: [1.5, 0.0], output: 1), [[2, 0], [0, 0]])
        // Beside it on the tape, not multiplied into it: the constant-0 cut is for Double and
        // Float tapes (a dual's == ignores its tangent), so 0·√y would make this throw.
        let hv = try hvp(of: { (v: [HessianScalar<Double>]) in
            let root = sqrt(v[1])
            return [v[0] * v[0] * v[0], root][0]
        }, at: [1.5, 0.0], direction: [1, 0])
        XCTAssertEqual(hv, [9, 0], "∂²(x³)/∂x² = 6x")
    }
}
