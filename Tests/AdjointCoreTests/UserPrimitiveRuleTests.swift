import XCTest
@testable import AdjointCore

// User primitives whose declaration is wrong (a VJP of the wrong length, an arity the interpreters
// do not implement, a rule that gives NaN): each must be a typed error naming the primitive, in
// every mode, never a plausible wrong number.

/// f(x₀, x₁) = (2x₀, x₁), so J = [[2, 0], [0, 1]] by hand. Its VJP returns one value for two inputs.
private enum ShortVJP: VectorPrimitive {
    static let name = "shortvjp"
    static func primal(_ x: [Double]) -> [Double] { [2 * x[0], x[1]] }
    static func jvp(at x: [Double], direction v: [Double]) -> [Double]? { [2 * v[0], v[1]] }
    static func vjp(at x: [Double], cotangent u: [Double]) -> [Double]? { [2 * u[0]] }
}

/// The same map, with a VJP of the right length for the zero cotangent recording probes with and
/// one value short for any other: only the sweep can see it.
private enum ShortWhenSwept: VectorPrimitive {
    static let name = "shortwhenswept"
    static func primal(_ x: [Double]) -> [Double] { [2 * x[0], x[1]] }
    static func vjp(at x: [Double], cotangent u: [Double]) -> [Double]? {
        u.allSatisfy { $0 == 0 } ? [0, 0] : [2 * u[0]]
    }
}

/// The same map, with a VJP present for the zero cotangent only.
private enum NilWhenSwept: VectorPrimitive {
    static let name = "nilwhenswept"
    static func primal(_ x: [Double]) -> [Double] { [2 * x[0], x[1]] }
    static func vjp(at x: [Double], cotangent u: [Double]) -> [Double]? {
        u.allSatisfy { $0 == 0 } ? [0, 0] : nil
    }
}

/// The same map with a correct VJP, uᵀJ = (2u₀, u₁): the control.
private enum GoodVJP: VectorPrimitive {
    static let name = "goodvjp"
    static func primal(_ x: [Double]) -> [Double] { [2 * x[0], x[1]] }
    static func vjp(at x: [Double], cotangent u: [Double]) -> [Double]? { [2 * u[0], u[1]] }
}

/// x·y declared with arity 3 (and 0 below): the interpreters used to read any arity but 2 as 1,
/// dropping ∂/∂y: the gradient at (2, 3) came out [2, 0] where it is [3, 2].
private enum Tri: ScalarPrimitive {
    static let name = "tri"
    static var arity: Int { 3 }
    static func primal<T: ADScalar>(_ x: T, _ y: T) -> T { x * y }
    static func partials<T: ADScalar>(_ x: T, _ y: T, output z: T) -> (T, T) { (y, x) }
}

private enum Nullary: ScalarPrimitive {
    static let name = "nullary"
    static var arity: Int { 0 }
    static func primal<T: ADScalar>(_ x: T, _ y: T) -> T { x * y }
    static func partials<T: ADScalar>(_ x: T, _ y: T, output z: T) -> (T, T) { (y, x) }
}

/// x² whose declared derivative is NaN.
private enum NaNRule: UnaryPrimitive {
    static let name = "nanrule"
    static func primal<T: ADScalar>(_ x: T) -> T { x * x }
    static func derivative<T: ADScalar>(_ x: T, output y: T) -> T { T(Double.nan) }
}

/// A primitive whose value is infinite everywhere.
private enum InfPrimal: UnaryPrimitive {
    static let name = "infprimal"
    static func primal<T: ADScalar>(_ x: T) -> T { T(Double.infinity) }
    static func derivative<T: ADScalar>(_ x: T, output y: T) -> T { 1 }
}

/// A function with the primitive in it, for the concurrent reverse driver.
private struct ThroughShortWhenSwept: ADFunction {
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { ShortWhenSwept.apply(x) }
}

final class UserPrimitiveRuleTests: XCTestCase {
    private func assertVJPLengthError(_ name: String, _ body: () throws -> Any, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try body(), file: file, line: line) { e in
            XCTAssertEqual(e as? ADError, .dimensionMismatch(what: "\(name) VJP length (inputs)", expected: 2, got: 1),
                           file: file, line: line)
        }
    }

    func testVJPOfWrongLengthIsATypedErrorInEveryReverseAPI() {
        for name in ["shortvjp", "shortwhenswept"] {
            let f: ([Reverse<Double>]) -> [Reverse<Double>] = name == "shortvjp" ? { ShortVJP.apply($0) } : { ShortWhenSwept.apply($0) }
            assertVJPLengthError(name) { try jacobianReverse(of: f, at: [1.0, 2.0]).jacobian }
            assertVJPLengthError(name) { try jacobian(of: f, at: [1.0, 2.0]).jacobian }
            assertVJPLengthError(name) { try vjp(of: f, at: [1.0, 2.0], cotangent: [1, 1]).vjp }
            assertVJPLengthError(name) { try gradient(of: { f($0)[1] }, at: [1.0, 2.0]) }
        }
        // The control: the same map with a VJP of the right length gives the hand Jacobian.
        XCTAssertEqual(try jacobianReverse(of: { GoodVJP.apply($0) }, at: [1.0, 2.0]).jacobian, [[2, 0], [0, 1]])
    }

    func testVJPOfWrongLengthFoundInTheSweepLeavesNoPlausibleNumber() throws {
        // Unchecked, the row that needs the missing entry is NaN, not the [0, 0] of old (which
        // made the Jacobian [[2, 0], [0, 0]] against the true [[2, 0], [0, 1]]).
        let rec = try record({ ShortWhenSwept.apply($0) }, at: [1.0, 2.0])
        let row1 = try rec.pullback([0, 1], checked: false)
        XCTAssertTrue(row1.allSatisfy(\.isNaN), "\(row1)")
        // The tape's own pullback, outside any collection, gives NaN too.
        let g = rec.tape.pullback(from: [(rec.outputs[1], 1)], to: rec.inputs)
        XCTAssertTrue(g.allSatisfy(\.isNaN), "\(g)")
    }

    func testVJPMissingOnlyInTheSweepIsAMissingRule() {
        XCTAssertThrowsError(try jacobianReverse(of: { NilWhenSwept.apply($0) }, at: [1.0, 2.0])) { e in
            guard case let ADError.missingRule(primitive, mode, _) = e else { return XCTFail("\(e)") }
            XCTAssertEqual(primitive, "nilwhenswept")
            XCTAssertEqual(mode, "reverse mode")
        }
    }

    func testConcurrentReverseJacobianReportsTheVJPLength() async {
        do {
            _ = try await jacobian(of: ThroughShortWhenSwept(), at: [1.0, 2.0], mode: .reverse, tasks: 2)
            XCTFail("no error")
        } catch {
            XCTAssertEqual(error as? ADError, .dimensionMismatch(what: "shortwhenswept VJP length (inputs)", expected: 2, got: 1))
        }
    }

    func testArityOtherThanOneOrTwoIsAnInvalidArgumentInEveryMode() throws {
        func assertNamed(_ name: String, _ arity: Int, _ what: String, _ body: () throws -> Any) {
            XCTAssertThrowsError(try body(), what) { e in
                guard case let ADError.invalidArgument(why) = e else { return XCTFail("\(what): \(e)") }
                XCTAssertTrue(why.hasPrefix("\(name) declares arity \(arity)"), "\(what): \(why)")
            }
        }
        let cases: [(String, Int, (Reverse<Double>, Reverse<Double>) -> Reverse<Double>, (Dual<Double, Double>, Dual<Double, Double>) -> Dual<Double, Double>, (HessianScalar<Double>, HessianScalar<Double>) -> HessianScalar<Double>, (Double, Double) -> Double)] = [
            ("tri", 3, { Tri.apply($0, $1) }, { Tri.apply($0, $1) }, { Tri.apply($0, $1) }, { Tri.apply($0, $1) }),
            ("nullary", 0, { Nullary.apply($0, $1) }, { Nullary.apply($0, $1) }, { Nullary.apply($0, $1) }, { Nullary.apply($0, $1) }),
        ]
        for (name, arity, rev, fwd, hes, plain) in cases {
            assertNamed(name, arity, "reverse") { try gradient(of: { rev($0[0], $0[1]) }, at: [2.0, 3.0]) }
            assertNamed(name, arity, "forward") { try jvp(of: { [fwd($0[0], $0[1])] }, at: [2.0, 3.0], direction: [1, 0]).jvp }
            assertNamed(name, arity, "hessian") { try hessian(of: { hes($0[0], $0[1]) }, at: [2.0, 3.0]) }
            let (y, d) = Diagnostics.collect { plain(2, 3) }
            XCTAssertTrue(y.isNaN, "plain \(name)")
            XCTAssertEqual(d.errors.count, 1, "plain \(name)")
        }
        // A direct call of an interpreter's apply, past the primitive's own entry point.
        let (_, d) = Diagnostics.collect { Dual<Double, Double>.apply(Tri.self, Dual(2, tangent: 1), Dual(3, tangent: 0)) }
        guard case .invalidArgument? = d.errors.first else { return XCTFail("\(d.errors)") }
        let (_, r) = Diagnostics.collect { Reverse<Double>.apply(Tri.self, Reverse(2.0), Reverse(3.0)) }
        guard case .invalidArgument? = r.errors.first else { return XCTFail("\(r.errors)") }
    }

    func testNonFiniteRuleIsReportedByThePrimitivesName() {
        // x² recorded at node 1 (after the input at node 0); its declared derivative is NaN.
        XCTAssertThrowsError(try gradient(of: { NaNRule.apply($0[0]) }, at: [2.0])) { e in
            XCTAssertEqual(e as? ADError, .nonFinite(what: "derivative with respect to input 0", op: "nanrule", node: 1))
        }
        XCTAssertThrowsError(try hessian(of: { NaNRule.apply($0[0]) }, at: [2.0])) { e in
            guard case let ADError.nonFinite(_, op, _) = e else { return XCTFail("\(e)") }
            XCTAssertEqual(op, "nanrule")
        }
        XCTAssertThrowsError(try gradient(of: { InfPrimal.apply($0[0]) }, at: [2.0])) { e in
            XCTAssertEqual(e as? ADError, .nonFinite(what: "output 0", op: "infprimal", node: 1))
        }
    }
}

/// x ↦ (x0·x1, x1·x2) with a VJP only.
private enum VJPOnlyProducts: VectorPrimitive {
    static let name = "vjp_only_products"
    static func primal(_ x: [Double]) -> [Double] { [x[0] * x[1], x[1] * x[2]] }
    static func vjp(at x: [Double], cotangent u: [Double]) -> [Double]? { [x[1] * u[0], x[0] * u[0] + x[2] * u[1], x[1] * u[1]] }
}

final class UserVectorPrimitiveForwardTests: XCTestCase {
    /// Run unchecked (as a sparse Jacobian's passes are), a missing JVP gives NaN tangents with the
    /// typed error reported, never zeros: a Jacobian of zeros was returned with no error.
    func testAMissingJVPLeavesNaNTangentsNotZeros() throws {
        let r = try forwardCompressedJacobian(of: { (d: [Dual<Double, SIMD2<Double>>]) in VJPOnlyProducts.apply(d) },
                                              at: [1.5, 2.0, -0.5], groups: [0, 1, 0], groupCount: 2, checked: false)
        XCTAssertEqual(r.diagnostics.errors.first, .missingRule(primitive: "vjp_only_products", mode: "forward mode", needs: "JVP"))
        XCTAssertTrue(r.compressed.joined().allSatisfy(\.isNaN), "\(r.compressed)")
    }

    /// The primitive reads inputs 8 and 9 only, so the first pass (columns 0…7) calls no JVP and
    /// the second one fails: its error was dropped (only the first pass's diagnostics were kept).
    func testAnErrorInALaterPassIsKept() throws {
        let r = try forwardCompressedJacobian(of: { (d: [Dual<Double, SIMD8<Double>>]) in
            VJPOnlyProducts.apply([d[8], d[9], d[9]]) + [d[0]]
        }, at: (0..<10).map { Double($0) + 0.5 }, groups: Array(0..<10), groupCount: 10, checked: false)
        XCTAssertEqual(r.passes, 2)
        XCTAssertEqual(r.diagnostics.errors.first, .missingRule(primitive: "vjp_only_products", mode: "forward mode", needs: "JVP"))
    }
}

/// x ↦ 2x whose JVP returns `[Double]`, not `[Double]?`: Swift takes it as another method, and the
/// protocol's default (no JVP) answers. The error must say how the rule has to read.
private enum NonOptionalJVP: VectorPrimitive {
    static let name = "non_optional_jvp"
    static func primal(_ x: [Double]) -> [Double] { x.map { 2 * $0 } }
    static func jvp(at x: [Double], direction v: [Double]) -> [Double] { v.map { 2 * $0 } }
    static func vjp(at x: [Double], cotangent u: [Double]) -> [Double]? { u.map { 2 * $0 } }
}

final class MislabelledVectorRuleTests: XCTestCase {
    func testAJVPWithANonOptionalResultIsAMissingRuleThatShowsTheSignature() throws {
        XCTAssertEqual(try gradient(of: { NonOptionalJVP.apply($0).reduce(0, +) }, at: [1.0, 2.0]), [2, 2])
        XCTAssertThrowsError(try jvp(of: { (x: [Dual<Double, Double>]) in NonOptionalJVP.apply(x) }, at: [1.0, 2.0], direction: [1, 0])) { e in
            XCTAssertEqual(e as? ADError, .missingRule(primitive: "non_optional_jvp", mode: "forward mode", needs: "JVP"))
            let text = "\(e)"
            XCTAssertTrue(text.contains("static func jvp(at x: [Double], direction v: [Double]) -> [Double]?"), text)
            XCTAssertTrue(text.contains("non-optional result"), text)
        }
    }
}

/// x ↦ (x0·x1, x1·x2) with a JVP only.
private enum JVPOnlyProducts: VectorPrimitive {
    static let name = "jvp_only_products"
    static func primal(_ x: [Double]) -> [Double] { [x[0] * x[1], x[1] * x[2]] }
    static func jvp(at x: [Double], direction v: [Double]) -> [Double]? { [x[1] * v[0] + x[0] * v[1], x[2] * v[1] + x[1] * v[2]] }
}

/// A primitive with neither rule.
private enum NoRuleProducts: VectorPrimitive {
    static let name = "no_rule_products"
    static func primal(_ x: [Double]) -> [Double] { [x[0] * x[1], x[1] * x[2]] }
}

/// R¹⁰ → R¹: automatic mode picks reverse (two chunked forward passes against one sweep).
private struct SumOf<P: VectorPrimitive>: ADFunction {
    var inputCount: Int? { 10 }
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
        let y = P.apply(Array(x[0..<3]))
        return [x[3...].reduce(y[0] + y[1], +)]
    }
}

private struct BothOf<P: VectorPrimitive>: ADFunction {
    var inputCount: Int? { 3 }
    func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { let y = P.apply(x); return [y[0], y[1], y[0] * y[1]] }
}

/// Automatic mode picks by shape, and with a one-rule primitive the shape's mode may be the one it
/// cannot run: an R³ → R¹ sum through a JVP-only primitive threw for want of a VJP.
final class AutomaticModeOneRuleTests: XCTestCase {
    let x = [1.5, 2.0, -0.5]
    let x10 = [1.5, 2.0, -0.5, 1, 2, 3, 4, 5, 6, 7]

    func testAJVPOnlyPrimitiveInAGradientShapeRunsForward() async throws {
        // By hand: f = x0·x1 + x1·x2 + x3 + … + x9, ∇f = (x1, x0 + x2, x1, 1, …, 1) = (2, 1, 2, 1, …).
        XCTAssertGreaterThan(forwardPasses(inputs: 10), 1, "the premise: the shape picks reverse mode")
        let r = try jacobian(of: SumOf<JVPOnlyProducts>(), at: x10)
        XCTAssertEqual(r.jacobian, [[2, 1, 2, 1, 1, 1, 1, 1, 1, 1]])
        XCTAssertEqual(r.mode, .forward)
        let c = try await jacobian(of: SumOf<JVPOnlyProducts>(), at: x10, tasks: 2)
        XCTAssertEqual(c.jacobian, r.jacobian)
        XCTAssertThrowsError(try jacobian(of: SumOf<JVPOnlyProducts>(), at: x10, mode: .reverse)) { e in
            XCTAssertEqual(e as? ADError, .missingRule(primitive: "jvp_only_products", mode: "reverse mode", needs: "VJP"))
        }
    }

    func testAVJPOnlyPrimitiveInATallShapeRunsReverse() async throws {
        // By hand, y = (x0·x1, x1·x2) = (3, −1): rows ∇y0 = (2, 1.5, 0), ∇y1 = (0, −0.5, 2),
        // ∇(y0·y1) = y1·∇y0 + y0·∇y1 = (−2, −1.5 − 1.5, 6) = (−2, −3, 6).
        XCTAssertLessThanOrEqual(forwardPasses(inputs: 3), 3, "the premise: the shape picks forward mode")
        let r = try jacobian(of: BothOf<VJPOnlyProducts>(), at: x)
        XCTAssertEqual(r.jacobian, [[2, 1.5, 0], [0, -0.5, 2], [-2, -3, 6]])
        XCTAssertEqual(r.mode, .reverse)
        let c = try await jacobian(of: BothOf<VJPOnlyProducts>(), at: x, tasks: 2)
        XCTAssertEqual(c.jacobian, r.jacobian)
    }

    func testWithNeitherRuleTheChosenModesErrorIsThrown() async {
        XCTAssertThrowsError(try jacobian(of: SumOf<NoRuleProducts>(), at: x10)) { e in
            XCTAssertEqual(e as? ADError, .missingRule(primitive: "no_rule_products", mode: "reverse mode", needs: "VJP"))
        }
        do {
            _ = try await jacobian(of: SumOf<NoRuleProducts>(), at: x10, tasks: 2)
            XCTFail("no error")
        } catch {
            XCTAssertEqual(error as? ADError, .missingRule(primitive: "no_rule_products", mode: "reverse mode", needs: "VJP"))
        }
    }
}
