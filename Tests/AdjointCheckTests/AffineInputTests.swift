import XCTest
import AdjointCore
@testable import AdjointCheck

/// Inputs in which f's tape is affine get one central difference (two evaluations) from the
/// adaptive method and Richardson: no truncation, only rounding. Expected values by hand.
final class AffineInputTests: XCTestCase {
    /// Output 0: sin(x₀)·x₁ + x₂/x₃ − x₂ is affine in x₁ (times a value free of it) and x₂ (a
    /// quotient by x₃ and a difference), curved in x₀ (sin) and x₃ (a divisor). Output 1:
    /// x₀·x₀ + 2·relu(x₁) is curved in x₀ (the same node twice) and x₁ (relu's kink) and does
    /// not depend on x₂, x₃ (affine, slope 0). Output 2: x₁·x₂ is affine in each alone.
    struct Mixed: ADFunction {
        var inputCount: Int? { 4 }
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
            [T.sin(x[0]) * x[1] + x[2] / x[3] - x[2], x[0] * x[0] + 2 * relu(x[1]), x[1] * x[2]]
        }
    }

    func testWhichInputsAreAffineByHand() throws {
        let recording = try record({ Mixed()($0) }, at: [0.3, 2.0, -1.5, 4.0])
        let affine = affineInputs(graph: TapeGraph(recording), inputs: 4, outputs: 3)
        XCTAssertEqual(affine, [[false, true, true, false], [false, false, true, true], [true, true, true, true]])
    }

    /// f = sin(x₀)·x₁ + 1000·x₁: ∂f/∂x₁ = sin(0.3) + 1000 by hand.
    struct Linear: ADFunction {
        var inputCount: Int? { 2 }
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.sin(x[0]) * x[1] + 1000 * x[1]] }
    }

    func testAnAffineInputCostsTwoEvaluations() throws {
        let truth = Foundation.sin(0.3) + 1000
        for method in [DifferenceMethod.adaptive, .richardson] {
            let d = try differenceJacobian(of: Linear(), at: [0.3, 2.0], method: method)
            let e = d.entries[0][1]
            XCTAssertEqual(e.evaluations, 2, "\(method)")
            XCTAssertLessThanOrEqual(Swift.abs(e.value - truth), e.errorEstimate, "\(method): \(e.value) ± \(e.errorEstimate)")
            XCTAssertLessThanOrEqual(e.errorEstimate, 1e-10 * truth, "\(method): a usable estimate")
            XCTAssertTrue(e.warnings.isEmpty, "\(method): \(e.warnings)")
            // x₀ is curved: the full method, more than two.
            XCTAssertGreaterThan(d.entries[0][0].evaluations, 2, "\(method)")
        }
        // The fixed-stencil methods are the user's choice of scheme and keep it.
        XCTAssertEqual(try differenceJacobian(of: Linear(), at: [0.3, 2.0], method: .central).entries[0][1].evaluations, 4)
    }

    /// 3x below 1 + 2⁻¹⁶ and x² above: the tape at 1 records 3x, affine, but the shortcut's
    /// samples at 1 ± h (h = 2⁻¹³ here) fall on both branches. Its own samples must say so.
    struct HiddenBranch: ADFunction {
        var inputCount: Int? { 1 }
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { x[0] < 1 + 0x1p-16 ? [3 * x[0]] : [x[0] * x[0]] }
    }

    struct Triple: ADFunction {
        var inputCount: Int? { 1 }
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [3 * x[0]] }
    }

    func testABranchTheTapeDidNotRecordIsCaughtBySamples() throws {
        // The guard itself: the tape's claim holds for 3x and is refused on the branching f.
        func shortcut(_ f: some ADFunction, offsets: [Int]) -> DifferenceEstimate? {
            var probe = LineProbe<Double>(eval: { f($0) }, x: [1.0], axis: 0, center: f([1.0]))
            probe.affine = [true]
            return probe.affineDifference(offsets: offsets, step: 0x1p-13, outputs: 1).first ?? nil
        }
        for offsets in [[-1, 1], [-2, 3, 6]] {
            let plain = try XCTUnwrap(shortcut(Triple(), offsets: offsets))
            XCTAssertLessThanOrEqual(Swift.abs(plain.value - 3), plain.errorEstimate, "\(offsets)")
            XCTAssertNil(shortcut(HiddenBranch(), offsets: offsets), "\(offsets)")
        }
        // Through the API the full method decides: f = 3x on [1 − 2⁻¹⁶, 1 + 2⁻¹⁶), so 3, or a
        // warning; never a confident average of the two branches.
        for method in [DifferenceMethod.adaptive, .richardson] {
            let e = try differenceJacobian(of: HiddenBranch(), at: [1.0], method: method).entries[0][0]
            XCTAssertGreaterThan(e.evaluations, 2, "\(method)")
            XCTAssertTrue(Swift.abs(e.value - 3) <= e.errorEstimate || !e.warnings.isEmpty,
                          "\(method): \(e.value) ± \(e.errorEstimate) \(e.warnings)")
        }
    }

    func testFloatToo() throws {
        let truth = Foundation.sin(0.3) + 1000
        let e = try differenceJacobian(of: Linear(), at: [Float(0.3), 2], method: .adaptive).entries[0][1]
        XCTAssertEqual(e.evaluations, 2)
        // Against sin of the Float nearest 0.3, which is what f computes with.
        let exact = Foundation.sin(Double(Float(0.3))) + 1000
        XCTAssertLessThanOrEqual(Swift.abs(e.value - exact), e.errorEstimate, "\(e.value) ± \(e.errorEstimate)")
        XCTAssertLessThanOrEqual(Swift.abs(e.value - truth), 1e-3 * truth)
    }

    /// yᵢ = sin(xᵢ)·xᵢ₊₁ (cyclic): along xⱼ, output j − 1 is affine, output j curved, the others
    /// do not move. By hand ∂yᵢ/∂xᵢ = cos(xᵢ)·xᵢ₊₁, ∂yᵢ/∂xᵢ₊₁ = sin(xᵢ), the rest 0. Only the
    /// curved output gets the full method; the affine ones share its first samples. Richardson
    /// scanned every output of every column, and `jac` took 36 s for n = 100 (0.05 s now).
    struct CyclicMap: ADFunction {
        let n: Int
        var inputCount: Int? { n }
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { (0..<n).map { T.sin(x[$0]) * x[($0 + 1) % n] } }
    }

    func testAffineOutputsOfACurvedColumnCostNothingExtra() throws {
        let n = 6
        let x = (0..<n).map { 0.5 + 0.1 * Double($0) }
        func truth(_ i: Int, _ j: Int) -> Double {
            if j == i { return Foundation.cos(x[i]) * x[(i + 1) % n] }
            if j == (i + 1) % n { return Foundation.sin(x[i]) }
            return 0
        }
        for (method, perColumn) in [(DifferenceMethod.adaptive, 3), (.richardson, 22)] {
            let d = try differenceJacobian(of: CyclicMap(n: n), at: x, method: method)
            for i in 0..<n {
                for j in 0..<n {
                    let e = d.entries[i][j]
                    XCTAssertLessThanOrEqual(Swift.abs(e.value - truth(i, j)), e.errorEstimate, "\(method) (\(i), \(j)): \(e.value) ± \(e.errorEstimate)")
                    if truth(i, j) != 0 {
                        XCTAssertLessThanOrEqual(e.errorEstimate, 1e-8 * Swift.abs(truth(i, j)), "\(method) (\(i), \(j))")
                        XCTAssertFalse(e.warnings.contains(.cancellation), "\(method) (\(i), \(j))")
                    }
                }
                // What the one curved output of the column costs alone: x ↦ sin(x)·c.
                XCTAssertLessThanOrEqual(d.entries[0][i].evaluations, perColumn, "\(method) column \(i)")
            }
        }
    }
}

/// User scalar primitives that declare a ``Linearity``: the tape analysis walks through them as
/// through a built-in affine op, and a wrong claim is refused by the samples and by `validate`.
final class UserPrimitiveLinearityTests: XCTestCase {
    /// °F from °C, 1.8·x + 32: affine; ∂/∂x = 1.8 by hand.
    enum Fahrenheit: UnaryPrimitive {
        static let name = "fahrenheit"
        static let linearity = Linearity.affine
        static func primal<T: ADScalar>(_ x: T) -> T { 1.8 * x + 32 }
        static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { 1.8 }
    }
    /// The same primitive without the claim.
    enum FahrenheitUndeclared: UnaryPrimitive {
        static let name = "fahrenheit_undeclared"
        static func primal<T: ADScalar>(_ x: T) -> T { 1.8 * x + 32 }
        static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { 1.8 }
    }
    /// x² with a (wrong) claim of being affine; its rule is right (2x).
    enum SquareClaimedAffine: UnaryPrimitive {
        static let name = "square_claimed_affine"
        static let linearity = Linearity.affine
        static func primal<T: ADScalar>(_ x: T) -> T { x * x }
        static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { 2 * x }
    }
    /// x·y, affine in each input alone (as the built-in product).
    enum Product: ScalarPrimitive {
        static let name = "product"
        static let arity = 2
        static let linearity = Linearity.affineInEach
        static func primal<T: ADScalar>(_ x: T, _ y: T) -> T { x * y }
        static func partials<T: ADScalar>(_ x: T, _ y: T, output z: T) -> (T, T) { (y, x) }
    }
    /// x·y claimed affine in both together, which it is not (x = y = t is t²).
    enum ProductClaimedAffine: ScalarPrimitive {
        static let name = "product_claimed_affine"
        static let arity = 2
        static let linearity = Linearity.affine
        static func primal<T: ADScalar>(_ x: T, _ y: T) -> T { x * y }
        static func partials<T: ADScalar>(_ x: T, _ y: T, output z: T) -> (T, T) { (y, x) }
    }

    /// f = [P(x₀) + sin(x₁)] for a unary primitive P.
    struct Through<P: UnaryPrimitive>: ADFunction {
        var inputCount: Int? { 2 }
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [P.apply(x[0]) + T.sin(x[1])] }
    }
    /// Outputs product(x₀, x₁) and product(x₀, x₀) (the same node twice: a square).
    struct Products: ADFunction {
        var inputCount: Int? { 2 }
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [Product.apply(x[0], x[1]), Product.apply(x[0], x[0])] }
    }

    func testTheTapeAnalysisReadsTheDeclaration() throws {
        let x = [20.0, 1.0]
        let declared = try record({ Through<Fahrenheit>()($0) }, at: x)
        XCTAssertEqual(affineInputs(graph: TapeGraph(declared), inputs: 2, outputs: 1), [[true, false]])
        let undeclared = try record({ Through<FahrenheitUndeclared>()($0) }, at: x)
        XCTAssertEqual(affineInputs(graph: TapeGraph(undeclared), inputs: 2, outputs: 1), [[false, false]])
        let products = try record({ Products()($0) }, at: [2.0, 3.0])
        XCTAssertEqual(affineInputs(graph: TapeGraph(products), inputs: 2, outputs: 2), [[true, true], [false, true]])
    }

    func testADeclaredAffinePrimitiveCostsTwoEvaluations() throws {
        for method in [DifferenceMethod.adaptive, .richardson] {
            let e = try differenceJacobian(of: Through<Fahrenheit>(), at: [20.0, 1.0], method: method).entries[0][0]
            XCTAssertEqual(e.evaluations, 2, "\(method)")
            XCTAssertLessThanOrEqual(Swift.abs(e.value - 1.8), e.errorEstimate, "\(method): \(e.value) ± \(e.errorEstimate)")
            XCTAssertLessThanOrEqual(e.errorEstimate, 1e-9, "\(method)")
            // Undeclared, the same primitive gets the full method.
            let u = try differenceJacobian(of: Through<FahrenheitUndeclared>(), at: [20.0, 1.0], method: method).entries[0][0]
            XCTAssertGreaterThan(u.evaluations, 2, "\(method)")
            XCTAssertLessThanOrEqual(Swift.abs(u.value - 1.8), u.errorEstimate, "\(method)")
        }
    }

    func testAWrongClaimDoesNotMisleadTheDifference() throws {
        // The claim fails on the primal at the recorded argument, so the tape analysis refuses it
        // and the full method decides: 2·1.5 = 3 by hand, within its estimate. (Had the analysis
        // taken it, the samples of x² at 1.5 ± h are off a line and would refuse it too.)
        let recording = try record({ Through<SquareClaimedAffine>()($0) }, at: [1.5, 1.0])
        XCTAssertEqual(affineInputs(graph: TapeGraph(recording), inputs: 2, outputs: 1), [[false, false]])
        for method in [DifferenceMethod.adaptive, .richardson] {
            let e = try differenceJacobian(of: Through<SquareClaimedAffine>(), at: [1.5, 1.0], method: method).entries[0][0]
            XCTAssertGreaterThan(e.evaluations, 2, "\(method)")
            XCTAssertLessThanOrEqual(Swift.abs(e.value - 3), e.errorEstimate, "\(method): \(e.value) ± \(e.errorEstimate)")
            XCTAssertLessThanOrEqual(e.errorEstimate, 1e-6, "\(method)")
        }
    }

    func testValidateTestsTheClaim() {
        func linearity(_ v: PrimitiveValidation) -> PrimitiveValidation.Check? { v.checks.first { $0.name == "linearity" } }
        for v in [validate(Fahrenheit.self), validate(Product.self)] {
            XCTAssertEqual(linearity(v)?.outcome, .passed, "\(v)")
            XCTAssertTrue(v.passed, "\(v)")
        }
        for v in [validate(SquareClaimedAffine.self), validate(ProductClaimedAffine.self)] {
            let check = linearity(v)
            XCTAssertEqual(check?.outcome, .failed, "\(v)")
            XCTAssertTrue(check?.detail.contains("off the line") ?? false, "\(v)")
            XCTAssertFalse(v.passed, "\(v)")
            // The rule itself is right: only the claim fails.
            XCTAssertEqual(v.checks.first { $0.name == "partials" }?.outcome, .passed, "\(v)")
        }
        // Nothing claimed, nothing checked.
        XCTAssertNil(linearity(validate(FahrenheitUndeclared.self)))
    }

    /// sin claimed affine. At 0 it is odd, so samples symmetric about 0 lie on a line: the
    /// shortcut's own check cannot see it, and Richardson returned 0.9974 ± 10⁻¹⁶ for cos 0 = 1
    /// (a review) until the claim was checked where f uses it.
    enum SineClaimedAffine: UnaryPrimitive {
        static let name = "sine_claimed_affine"
        static let linearity = Linearity.affine
        static func primal<T: ADScalar>(_ x: T) -> T { T.sin(x) }
        static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { T.cos(x) }
    }
    /// sin(x − y) + x claimed affine: constant along the diagonal, curved along each input.
    enum DiagonalClaimedAffine: ScalarPrimitive {
        static let name = "diagonal_claimed_affine"
        static let arity = 2
        static let linearity = Linearity.affine
        static func primal<T: ADScalar>(_ x: T, _ y: T) -> T { T.sin(x - y) + x }
        static func partials<T: ADScalar>(_ x: T, _ y: T, output z: T) -> (T, T) { (T.cos(x - y) + 1, -T.cos(x - y)) }
    }
    /// 10⁹ + sin x claimed affine: the offset dwarfs the bend.
    enum OffsetSineClaimedAffine: UnaryPrimitive {
        static let name = "offset_sine_claimed_affine"
        static let linearity = Linearity.affine
        static func primal<T: ADScalar>(_ x: T) -> T { 1e9 + T.sin(x) }
        static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { T.cos(x) }
    }
    /// x − 1.7·10⁹ on [1.7·10⁹, 1.7·10⁹ + 0.3]: exactly affine, its arguments rounded to ulps of 2.4·10⁻⁷.
    enum FarLine: UnaryPrimitive {
        static let name = "far_line"
        static let linearity = Linearity.affine
        static var sampleRanges: [ClosedRange<Double>] { [1.7e9...(1.7e9 + 0.3)] }
        static func primal<T: ADScalar>(_ x: T) -> T { x - 1.7e9 }
        static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { 1 }
    }
    /// max(x, 0) claimed affine, with its kink declared: a kink is never affine across it.
    enum KinkClaimedAffine: UnaryPrimitive {
        static let name = "kink_claimed_affine"
        static let linearity = Linearity.affine
        static func kinkDistance(_ x: Double, _ y: Double) -> Double? { Swift.abs(x) }
        static func primal<T: ADScalar>(_ x: T) -> T { x > 0 ? x : 0 }
        static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { x > 0 ? 1 : 0 }
    }

    func testAnOddCurveClaimedAffineIsNotTrustedWhereFUsesIt() throws {
        let x = [0.0, 1.0]
        let recording = try record({ Through<SineClaimedAffine>()($0) }, at: x)
        XCTAssertEqual(affineInputs(graph: TapeGraph(recording), inputs: 2, outputs: 1), [[false, false]])
        for method in [DifferenceMethod.adaptive, .richardson] {
            let e = try differenceJacobian(of: Through<SineClaimedAffine>(), at: x, method: method).entries[0][0]
            // cos 0 = 1 by hand, within the estimate the full method gives.
            XCTAssertLessThanOrEqual(Swift.abs(e.value - 1), e.errorEstimate, "\(method): \(e.value) ± \(e.errorEstimate)")
            XCTAssertGreaterThan(e.evaluations, 2, "\(method)")
        }
        // The kink's claim is not trusted either, even at 1 where max(x, 0) is x nearby.
        let kink = try record({ Through<KinkClaimedAffine>()($0) }, at: [1.0, 1.0])
        XCTAssertEqual(affineInputs(graph: TapeGraph(kink), inputs: 2, outputs: 1), [[false, false]])
        // A true claim is still trusted at 0 (the first test covers it at 20).
        let line = try record({ Through<Fahrenheit>()($0) }, at: x)
        XCTAssertEqual(affineInputs(graph: TapeGraph(line), inputs: 2, outputs: 1), [[true, false]])
    }

    func testValidateJudgesClaimsBeyondTheDiagonalAndBesideLargeValues() {
        func linearity(_ v: PrimitiveValidation) -> PrimitiveValidation.Check? { v.checks.first { $0.name == "linearity" } }
        for v in [validate(SineClaimedAffine.self), validate(DiagonalClaimedAffine.self), validate(OffsetSineClaimedAffine.self)] {
            XCTAssertEqual(linearity(v)?.outcome, .failed, "\(v)")
        }
        let far = validate(FarLine.self)
        XCTAssertEqual(linearity(far)?.outcome, .passed, "\(far)")
    }
}
