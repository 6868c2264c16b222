import AdjointCore
import CAdjointSupport
import XCTest

/// x²/x³⁰⁰: f = x⁻²⁹⁸, f′ = −298·x⁻²⁹⁹ (by hand −2.98·10⁻²⁹⁷ at 10).
struct SteepQuotient: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] * x[0] / T.powi(x[0], 300), 2 * x[1]] }
}

/// First-order reverse mode that loses a term below the least normal number. Reverse mode on
/// x²/x³⁰⁰ at 10 returned 2·10⁻²⁹⁹ for −2.98·10⁻²⁹⁷ with no error: the adjoint of x³⁰⁰,
/// −x²/(x³⁰⁰)² = −10⁻⁵⁹⁸, is 0 in Double. Expected values by hand.
final class GradientRangeRecoveryTests: XCTestCase {
    let truth = -2.98e-297

    func testAnAdjointBelowTheRangeIsRecoveredInTheGradient() throws {
        let f = { (x: [Reverse<Double>]) in x[0] * x[0] / Reverse.powi(x[0], 300) }
        XCTAssertEqual(try gradient(of: f, at: [10])[0], truth, accuracy: 1e-13 * 2.98e-297)
        let (value, g) = try valueAndGradient(of: f, at: [10])
        XCTAssertEqual(value, 1e-298, accuracy: 1e-13 * 1e-298)
        XCTAssertEqual(g[0], truth, accuracy: 1e-13 * 2.98e-297)
        // The unchecked pass is the sweep as it ran, which the checks judge: it still loses the term.
        let raw = try record({ [f($0)] }, at: [10.0]).pullback([1], checked: false)
        XCTAssertEqual(raw[0], 2e-299, accuracy: 1e-13 * 2e-299)
    }

    func testFloatRecoversItsOwnRange() throws {
        // x²/x³⁰ at 10 in Float: f′ = −28·10⁻²⁹; the adjoint of x³⁰, −10⁻⁵⁸, is below Float's range.
        let g = try gradient(of: { (x: [Reverse<Float>]) in x[0] * x[0] / Reverse.powi(x[0], 30) }, at: [10])
        XCTAssertEqual(g[0], -2.8e-28, accuracy: 1e-5 * 2.8e-28)
    }

    func testEveryReverseDriverRecovers() async throws {
        let v = try vjp(of: { x in [x[0] * x[0] / Reverse.powi(x[0], 300)] }, at: [10.0], cotangent: [3])
        XCTAssertEqual(v.vjp[0], 3 * truth, accuracy: 1e-13 * 8.94e-297)
        let rec = try record({ SteepQuotient()($0) }, at: [10.0, 1])
        XCTAssertEqual(try rec.pullback([1, 0])[0], truth, accuracy: 1e-13 * 2.98e-297)
        let serial = try jacobian(of: SteepQuotient(), at: [10.0, 1], mode: .reverse)
        XCTAssertEqual(serial.jacobian[0][0], truth, accuracy: 1e-13 * 2.98e-297)
        XCTAssertEqual(serial.jacobian[0][1], 0)
        XCTAssertEqual(serial.jacobian[1], [0, 2])
        XCTAssertEqual(try jacobianReverse(of: { SteepQuotient()($0) }, at: [10.0, 1]).jacobian, serial.jacobian)
        // Each concurrent row watches its own thread's flag and is swept again as the serial row is.
        let concurrent = try await jacobian(of: SteepQuotient(), at: [10.0, 1], mode: .reverse, tasks: 2)
        XCTAssertEqual(concurrent.jacobian, serial.jacobian)
    }

    /// 10³⁰⁰·x₀ + x₁²/x₁³⁰⁰ at (1, 10): x₀'s adjoint 10³⁰⁰ allows a lift of only 2¹⁸, which leaves
    /// −10⁻⁵⁹⁸ at 0; the lift the cotangent allows (2¹⁰²²) keeps it and overflows ∂f/∂x₀ alone.
    func testALiftThatOverflowsOneEntryRecoversAnother() throws {
        let g = try gradient(of: { x in 1e300 * x[0] + x[1] * x[1] / Reverse.powi(x[1], 300) }, at: [1.0, 10])
        XCTAssertEqual(g[0], 1e300)
        XCTAssertEqual(g[1], truth, accuracy: 1e-13 * 2.98e-297)
    }

    /// 2⁹⁰⁰·y + 1024·x²/x²²⁸ at (10, 1): by hand ∂/∂x = −1024·226·10⁻²²⁷ = −2.31424·10⁻²²². The
    /// adjoint of x²²⁸ is about 2⁻¹⁴⁹⁸; y's 2⁹⁰⁰ holds the safe lift at 2¹¹⁵, which leaves it at 0,
    /// and at the largest lift, 2¹⁰²², x's own adjoint 1024 overflows: only a lift between keeps it.
    func testALiftBetweenTheSafeOneAndTheTopRecoversAnEntryBothLose() throws {
        let g = try gradient(of: { x in 0x1p900 * x[1] + 1024 * (x[0] * x[0] / Reverse.powi(x[0], 228)) }, at: [10.0, 1])
        XCTAssertEqual(g[0], -2.31424e-222, accuracy: 1e-13 * 2.31424e-222)
        XCTAssertEqual(g[1], 0x1p900)
    }

    /// uᵀJ of (x₀, x₁²/x₁¹⁶¹) with u = (10³⁰⁰, 1) at (1, 10): by hand ∂/∂x₁ = −159·10⁻¹⁶⁰. The
    /// adjoint of x₁¹⁶¹, −10⁻³²⁰, is subnormal (11 bits), and the cotangent's 10³⁰⁰ allows lifts
    /// of 2¹⁸ and 2²⁵ only, which leave it subnormal: the raw entry is 1.1·10⁻⁵ off, and the lifts
    /// disagree with each other, so the entry is an error rather than that number.
    func testAnEntryNoLiftSettlesIsAnError() throws {
        let f = { (x: [Reverse<Double>]) in [x[0], x[1] * x[1] / Reverse.powi(x[1], 161)] }
        let raw = try record(f, at: [1.0, 10]).pullback([1e300, 1], checked: false)
        XCTAssertGreaterThan(abs(raw[1] / -1.59e-158 - 1), 1e-6, "the raw pass loses digits here")
        XCTAssertThrowsError(try vjp(of: f, at: [1.0, 10], cotangent: [1e300, 1])) { error in
            guard case let ADError.rangeLoss(what, values) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(what, "derivative with respect to input 1")
            XCTAssertEqual(values.count, 3)
            XCTAssertTrue("\(error)".contains("no value is returned"), "\(error)")
        }
        // Seeded 1, the lift reaches 2¹⁰²² and the same term is recovered: −1.59e-158.
        let g = try gradient(of: { x in x[1] * x[1] / Reverse.powi(x[1], 161) }, at: [1.0, 10])
        XCTAssertEqual(g[1], -1.59e-158, accuracy: 1e-13 * 1.59e-158)
    }

    /// Underflows that lose nothing change nothing: a true entry that is itself subnormal
    /// (∂(x·y·w)/∂w = x·y = 10⁻³¹⁵, one rounding either way), an exp(−798) that is 0 in the
    /// primal, and the caller's flag: a clear flag stays clear, a raised one raised.
    func testHarmlessUnderflowsChangeNothing() throws {
        let (a, b) = (1e-160, 1e-155)
        let g = try gradient(of: { x in x[0] * (x[1] * x[2]) }, at: [a, b, 3])
        XCTAssertEqual(g[2], a * b)
        XCTAssertEqual(g[0], b * 3)
        XCTAssertEqual(try gradient(of: { x in x[0] * x[0] + .exp(x[1] - 800) * x[0] }, at: [1.5, 2]), [3, 0])
        let quiet = { (x: [Reverse<Double>]) in x[0] * x[0] + x[0] * x[1] }
        adjoint_underflow_clear()
        XCTAssertEqual(try gradient(of: quiet, at: [1.5, 2]), [5, 1.5])
        XCTAssertEqual(adjoint_underflow_raised(), 0)
        adjoint_underflow_raise()
        XCTAssertEqual(try gradient(of: quiet, at: [1.5, 2]), [5, 1.5])
        XCTAssertNotEqual(adjoint_underflow_raised(), 0)
        // The recovering sweep leaves the flag as the sweep did: raised.
        adjoint_underflow_clear()
        _ = try gradient(of: { x in x[0] * x[0] / Reverse.powi(x[0], 300) }, at: [10])
        XCTAssertNotEqual(adjoint_underflow_raised(), 0)
        adjoint_underflow_clear()
    }
}

/// (1/x₀)·10³⁰⁰ + Σ xₖ for k ≥ 1 (nine inputs, so the forward Jacobian takes a chunk of 8 and
/// one more pass): ∂/∂x₀ = −10³⁰⁰/x₀² = −10⁻⁴⁰ at 10¹⁷⁰ by hand. Forward mode's tangent of 1/x₀,
/// −10⁻³⁴⁰, is below the least Double, and the entry came out 0.
struct FarReciprocal: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
        [(1 / x[0]) * T(1e300) + x[1...].reduce(T(0), +), x[8] * x[0]]
    }
}

final class ForwardRangeRecoveryTests: XCTestCase {
    func testEveryForwardDriverRecoversATangentBelowTheRange() async throws {
        let x = [1e170] + Array(repeating: 1.0, count: 8)
        let serial = try jacobian(of: FarReciprocal(), at: x, mode: .forward)
        XCTAssertEqual(serial.jacobian[0][0], -1e-40, accuracy: 1e-14 * 1e-40)
        XCTAssertEqual(Array(serial.jacobian[0][1...]), Array(repeating: 1, count: 8))
        XCTAssertEqual(serial.jacobian[1][0], 1)
        XCTAssertEqual(serial.jacobian[1][8], 1e170)
        let concurrent = try await jacobian(of: FarReciprocal(), at: x, mode: .forward, tasks: 2)
        XCTAssertEqual(concurrent.jacobian, serial.jacobian)
        // One input: one pass of a scalar dual.
        let one = { (d: [Dual<Double, Double>]) in [(1 / d[0]) * 1e300] }
        XCTAssertEqual(try forwardJacobian(of: one, at: [1e170]).jacobian[0][0], -1e-40, accuracy: 1e-14 * 1e-40)
        XCTAssertEqual(try jvp(of: one, at: [1e170], direction: [3]).jvp[0], -3e-40, accuracy: 1e-14 * 3e-40)
        XCTAssertEqual(derivative(of: { (1 / $0) * 1e300 }, at: 1e170), -1e-40, accuracy: 1e-14 * 1e-40)
        // The unchecked Jacobian is the passes as they ran, which the checks judge: still 0.
        XCTAssertEqual(try forwardJacobian(of: one, at: [1e170], checked: false).jacobian[0][0], 0)
    }

    func testFloatRecoversItsOwnRange() throws {
        // (1/x)·10³⁰ at 10²⁰ in Float: −10³⁰/x² = −10⁻¹⁰; the tangent of 1/x, −10⁻⁴⁰, is a
        // subnormal Float with 17 bits.
        let d = derivative(of: { (x: Dual<Float, Float>) in (1 / x) * 1e30 }, at: 1e20)
        XCTAssertEqual(d, -1e-10, accuracy: 4 * Float.ulpOfOne * 1e-10)
    }

    /// J·v of (x₀, (1/x₁)·10³⁰⁰) along v = (10³⁰⁰, 1) at (1, 10¹⁶⁰): by hand −10³⁰⁰/x₁² = −10⁻²⁰.
    /// The tangent of 1/x₁, −10⁻³²⁰, is subnormal (11 bits), and v's 10³⁰⁰ allows lifts up to 2²⁵,
    /// which leave it subnormal: the lifts disagree, and the entry is an error, not the raw value.
    func testATangentNoLiftSettlesIsAnError() throws {
        let f = { (d: [Dual<Double, Double>]) in [d[0], (1 / d[1]) * 1e300] }
        let raw = f([Dual(1, tangent: 1e300), Dual(1e160, tangent: 1)])[1].tangent
        XCTAssertGreaterThan(abs(raw / -1e-20 - 1), 1e-6, "the raw pass loses digits here: \(raw)")
        XCTAssertThrowsError(try jvp(of: f, at: [1, 1e160], direction: [1e300, 1])) { error in
            guard case let ADError.rangeLoss(what, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(what, "directional derivative 1")
        }
    }

    /// (2⁵⁰⁰·x)·2⁻⁹²² + ((2⁻⁷¹¹·x)·2⁻⁷¹¹)·2¹⁰⁰⁰ at x = 2⁴⁰⁰: f′ = 2⁻⁴²² + 2⁻⁴²² = 2⁻⁴²¹ exactly,
    /// every value normal. The second term's tangent passes through 2⁻¹⁴²², and only a lift in
    /// [2⁴⁰⁰, 2⁵²³] keeps it without overflowing the first's 2⁵⁰⁰: the ladder's 2³⁴⁰ lost it
    /// (2⁻⁴²², half) and 2⁶⁸¹ overflowed, so the lift between them is bisected.
    func testALiftBetweenTheLaddersRungsIsFound() throws {
        let r = try jacobian(of: FarApartTangents(), at: [0x1p400], mode: .forward)
        XCTAssertEqual(r.jacobian[0][0], 0x1p-421)
        XCTAssertEqual(try jacobian(of: FarApartTangents(), at: [0x1p400], mode: .reverse).jacobian[0][0], 0x1p-421)
    }

    func testAHarmlessUnderflowChangesNothingInForwardMode() throws {
        // exp(x₁ − 800) is 0 in the primal; x₀·x₁ is exact.
        let r = try jacobian(of: HarmlessTail(), at: [1.5, 2], mode: .forward)
        XCTAssertEqual(r.jacobian, [[2, 1.5]])
    }
}

struct HarmlessTail: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] * x[1] + T.exp(x[1] - 800) * x[0]] }
}

struct FarApartTangents: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
        [(T(0x1p500) * x[0]) * T(0x1p-922) + ((T(0x1p-711) * x[0]) * T(0x1p-711)) * T(0x1p1000)]
    }
}

/// A user rule that clips its cotangent to [−1, 1]: a lawful VJP (gradient clipping), not linear
/// in the cotangent, so a pass lifted by a power of two differs from the unscaled one for that
/// alone.
private enum ClippedIdentity: VectorPrimitive {
    static let name = "clipped_identity"
    static func primal(_ x: [Double]) -> [Double] { x }
    static func vjp(at x: [Double], cotangent u: [Double]) -> [Double]? { u.map { Swift.min(1, Swift.max(-1, $0)) } }
}

extension GradientRangeRecoveryTests {
    /// clip(x)·10⁻³⁰⁰·10⁻³⁰⁰ + 0.5·clip(y) at (2, 3): the sweep underflows (the adjoint of
    /// clip(x) is 10⁻⁶⁰⁰, below the range, and so is ∂/∂x by hand: 0 in Double), and the clipped
    /// rule is not linear in its cotangent: lifted by 2¹⁰¹⁵, its cotangent for y, 0.5·2¹⁰¹⁵, clips
    /// to 1, and ∂/∂y read 2⁻¹⁰¹⁵. By hand ∂/∂y = 0.5. The recovery must keep the sweep's entries,
    /// not throw a range loss that is the rule's nonlinearity.
    func testANonlinearUserRuleIsNotCalledARangeLoss() throws {
        let f = { (x: [Reverse<Double>]) -> Reverse<Double> in
            let c = ClippedIdentity.apply(x)
            return c[0] * 1e-300 * 1e-300 + 0.5 * c[1]
        }
        XCTAssertEqual(try gradient(of: f, at: [2.0, 3]), [0, 0.5])
    }
}
