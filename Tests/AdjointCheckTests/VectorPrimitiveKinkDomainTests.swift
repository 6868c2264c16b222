import AdjointCheck
import AdjointCore
import Foundation
import XCTest

/// (min, max) of two inputs: not differentiable where they tie, and declaring it. The max-norm
/// distance to the tie line x₀ = x₁ is |x₀ − x₁|/2 (both inputs move half the gap).
enum SortPair: VectorPrimitive {
    static let name = "sort_pair"
    static func primal(_ x: [Double]) -> [Double] { x[0] <= x[1] ? [x[0], x[1]] : [x[1], x[0]] }
    static func jvp(at x: [Double], direction v: [Double]) -> [Double]? { x[0] <= x[1] ? [v[0], v[1]] : [v[1], v[0]] }
    static func vjp(at x: [Double], cotangent u: [Double]) -> [Double]? { x[0] <= x[1] ? [u[0], u[1]] : [u[1], u[0]] }
    static func kinkDistance(_ x: [Double]) -> Double? { Swift.abs(x[0] - x[1]) / 2 }
}

/// The same primitive, right everywhere but the tie, with no kink declared.
enum SortPairUndeclared: VectorPrimitive {
    static let name = "sort_pair_undeclared"
    static func primal(_ x: [Double]) -> [Double] { SortPair.primal(x) }
    static func jvp(at x: [Double], direction v: [Double]) -> [Double]? { SortPair.jvp(at: x, direction: v) }
    static func vjp(at x: [Double], cotangent u: [Double]) -> [Double]? { SortPair.vjp(at: x, cotangent: u) }
}

/// A VJP that forgets to swap when x₀ > x₁ (a right JVP beside it).
enum SortPairWrongVJP: VectorPrimitive {
    static let name = "sort_pair_wrong_vjp"
    static func primal(_ x: [Double]) -> [Double] { SortPair.primal(x) }
    static func jvp(at x: [Double], direction v: [Double]) -> [Double]? { SortPair.jvp(at: x, direction: v) }
    static func vjp(at x: [Double], cotangent u: [Double]) -> [Double]? { [u[0], u[1]] }
    static func kinkDistance(_ x: [Double]) -> Double? { SortPair.kinkDistance(x) }
}

/// x/‖x‖, undefined at 0. Its Jacobian (I − yyᵀ)/‖x‖ is symmetric, so the VJP is the JVP's formula.
enum Normalise: VectorPrimitive {
    static let name = "normalise"
    static let domain = "x ≠ 0"
    /// Counts rule calls, to show none is made outside the domain.
    nonisolated(unsafe) static var ruleCalls = 0
    static func norm(_ x: [Double]) -> Double { x.reduce(0) { $0 + $1 * $1 }.squareRoot() }
    static func primal(_ x: [Double]) -> [Double] { let r = norm(x); return x.map { $0 / r } }
    static func project(_ x: [Double], _ v: [Double]) -> [Double] {
        ruleCalls += 1
        let r = norm(x), y = primal(x)
        let dot = zip(y, v).reduce(0) { $0 + $1.0 * $1.1 }
        return zip(v, y).map { ($0 - $1 * dot) / r }
    }
    static func jvp(at x: [Double], direction v: [Double]) -> [Double]? { project(x, v) }
    static func vjp(at x: [Double], cotangent u: [Double]) -> [Double]? { project(x, u) }
    static func domainViolation(_ x: [Double]) -> String? {
        x.allSatisfy { $0 == 0 } ? "normalising the zero vector" : nil
    }
}

/// (√x₀, √x₀·x₁) for x₀ > 0, sampled from a range reaching below 0: validate must draw its points
/// inside the declared domain.
enum RootPair: VectorPrimitive {
    static let name = "root_pair"
    static func primal(_ x: [Double]) -> [Double] { let r = x[0].squareRoot(); return [r, r * x[1]] }
    static func jvp(at x: [Double], direction v: [Double]) -> [Double]? {
        let r = x[0].squareRoot(), d = 0.5 / r
        return [d * v[0], d * x[1] * v[0] + r * v[1]]
    }
    static func domainViolation(_ x: [Double]) -> String? { x[0] > 0 ? nil : "√ of a non-positive x₀" }
    static func sampleRanges(inputs n: Int) -> [ClosedRange<Double>] { [-1...1, -1...1] }
}

/// A user vector primitive's declared domain and kinks reach every mode, the check and `validate`,
/// as a scalar primitive's and a built-in op's do.
final class VectorPrimitiveKinkDomainTests: XCTestCase {
    struct Larger<P: VectorPrimitive>: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [P.apply(x)[1]] }
    }
    struct Both<P: VectorPrimitive>: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { let s = P.apply(x); return [3 * s[0] + s[1]] }
    }

    // MARK: Domain

    func testOutsideTheDeclaredDomainEveryModeThrowsADomainErrorNamingThePrimitive() throws {
        func assertDomain(_ body: () throws -> Void, node expected: Int?, _ mode: String, line: UInt = #line) {
            XCTAssertThrowsError(try body(), mode, line: line) { e in
                guard case let ADError.domain(op, node, inputs, reason) = e else { return XCTFail("\(mode): \(e)", line: line) }
                XCTAssertEqual(op, "normalise", mode, line: line)
                XCTAssertEqual(node, expected, mode, line: line)
                XCTAssertEqual(inputs, [0, 0], mode, line: line)
                XCTAssertEqual(reason, "normalising the zero vector", mode, line: line)
            }
        }
        Normalise.ruleCalls = 0
        // Reverse: inputs are entries 0 and 1, the call's outputs start at 2.
        assertDomain({ _ = try gradient(of: { x in Normalise.apply(x)[0] }, at: [0.0, 0.0]) }, node: 2, "reverse")
        assertDomain({ _ = try jacobian(of: Larger<Normalise>(), at: [0.0, 0.0], mode: .forward) }, node: nil, "forward")
        let (plain, d) = Diagnostics.collect { Normalise.apply([0.0, 0.0]) }
        XCTAssertTrue(plain.allSatisfy(\.isNaN), "outputs outside the domain are NaN: \(plain)")
        XCTAssertEqual(d.errors.count, 1)
        XCTAssertEqual(Normalise.ruleCalls, 0, "no JVP or VJP is asked outside the domain")
        // Inside the domain the rule is used: at (3, 4), y = (0.6, 0.8) and ∂y₀/∂x = (1 − 0.36, −0.48)/5.
        let g = try gradient(of: { x in Normalise.apply(x)[0] }, at: [3.0, 4.0])
        XCTAssertEqual(g[0], 0.64 / 5, accuracy: 1e-15)
        XCTAssertEqual(g[1], -0.48 / 5, accuracy: 1e-15)
    }

    func testANaNInputSaysWhereTheNaNCameFrom() {
        // NaN > 0 is false, so the declared test refuses it; "√ of a non-positive x₀" would send the
        // reader to the wrong cause.
        let (y, d) = Diagnostics.collect { RootPair.apply([Double.nan, 1.0]) }
        XCTAssertTrue(y.allSatisfy(\.isNaN))
        guard case let .domain(op, _, _, reason)? = d.errors.first else { return XCTFail("\(d.errors)") }
        XCTAssertEqual(op, "root_pair")
        XCTAssertTrue(reason.contains("root_pair of NaN (the NaN was made before this call)"), reason)
    }

    // MARK: Kinks

    func testATouchedDeclaredKinkIsReportedInEveryMode() throws {
        let rec = try record({ x in [SortPair.apply(x)[1]] }, at: [1.0, 1.0])
        XCTAssertEqual(rec.diagnostics.kinks.map(\.name), ["sort_pair"])
        XCTAssertEqual(rec.diagnostics.kinks.first?.node, 2)
        XCTAssertEqual(rec.diagnostics.kinks.first?.inputs, [1, 1])
        let (_, forward) = Diagnostics.collect { try? jacobian(of: Larger<SortPair>(), at: [1.0, 1.0], mode: .forward) }
        XCTAssertEqual(forward.kinks.map(\.name), ["sort_pair"])
        let (_, plain) = Diagnostics.collect { SortPair.apply([1.0, 1.0]) }
        XCTAssertEqual(plain.kinks.map(\.name), ["sort_pair"])
        // Away from the tie nothing is reported.
        let away = try record({ x in [SortPair.apply(x)[1]] }, at: [1.0, 2.0])
        XCTAssertTrue(away.diagnostics.kinks.isEmpty)
    }

    /// A call refused for its missing VJP writes no entry, so no kink may name its node (the kink
    /// was reported at node 2, which the tape never held).
    enum SortPairJVPOnly: VectorPrimitive {
        static let name = "sort_pair_jvp_only"
        static func primal(_ x: [Double]) -> [Double] { SortPair.primal(x) }
        static func jvp(at x: [Double], direction v: [Double]) -> [Double]? { SortPair.jvp(at: x, direction: v) }
        static func kinkDistance(_ x: [Double]) -> Double? { SortPair.kinkDistance(x) }
    }

    func testARefusedCallReportsNoKinkAtANodeNeverWritten() {
        let (_, d) = Diagnostics.collect { try? gradient(of: { x in SortPairJVPOnly.apply(x)[1] }, at: [1.0, 1.0]) }
        XCTAssertTrue(d.errors.contains { if case .missingRule = $0 { return true } else { return false } }, "\(d.errors)")
        XCTAssertTrue(d.kinks.isEmpty, "\(d.kinks)")
    }

    /// At the tie max(x₀, x₁) has one-sided derivatives along x₀ of 0 (left) and 1 (right), and the
    /// same along x₁; the rule's convention (x₀ ≤ x₁ picks x₁) gives (0, 1), inside both. Without
    /// the declaration a central difference reads ½ along each input and convicts a right rule.
    func testTheCheckJudgesADeclaredVectorKinkByOneSidedDerivatives() throws {
        let r = try checkJacobian(of: Larger<SortPair>(), at: [1.0, 1.0])
        XCTAssertTrue(r.passed, r.renderTable())
        XCTAssertEqual(r.entries[0][0].verdict.name, "kink", r.renderTable())
        XCTAssertEqual(r.entries[0][1].verdict.name, "kink", r.renderTable())
        XCTAssertNil(r.fault, r.renderTable())
        // Undeclared, central differences read ½ across the tie and convicted the same right rule;
        // the slopes' jump at the point is now seen (the second difference does not shrink with the
        // step) and nothing is convicted, but nothing passes either: the declaration is what lets
        // the check judge the one-sided derivatives, and validate's "kinks" check asks for it.
        let undeclared = try checkJacobian(of: Larger<SortPairUndeclared>(), at: [1.0, 1.0])
        XCTAssertNil(undeclared.fault, undeclared.renderTable())
        XCTAssertFalse(undeclared.passed, undeclared.renderTable())
        XCTAssertEqual(undeclared.entries[0][0].verdict, .fdInconclusive(reasons: [.crossesKink]), undeclared.renderTable())
    }

    /// 1e-9 from the tie (by hand: the gradient of max is (0, 1) and of 3·min + max (3, 1)), the
    /// check's differences must stay on the recorded side instead of straddling the kink.
    func testNearADeclaredVectorKinkTheDifferencesStayOnOneSide() throws {
        let x = [1.0, 1.0 + 1e-9]
        let r = try checkJacobian(of: Both<SortPair>(), at: x)
        XCTAssertTrue(r.passed, r.renderTable())
        XCTAssertNil(r.fault, r.renderTable())
        let g = try gradient(of: { x in let s = SortPair.apply(x); return 3 * s[0] + s[1] }, at: x)
        XCTAssertEqual(g, [3, 1])
    }

    func testAWrongVJPAwayFromTheKinkIsStillLocalised() throws {
        // At (2, 1) the inputs are swapped: by hand ∂(3·min + max)/∂x = (1, 3); the wrong VJP gives (3, 1).
        let r = try checkJacobian(of: Both<SortPairWrongVJP>(), at: [2.0, 1.0])
        XCTAssertFalse(r.passed, r.renderTable())
        XCTAssertEqual(r.fault?.op, "sort_pair_wrong_vjp VJP", r.renderTable())
        // At the tie the same VJP agrees with the convention, and nothing is blamed.
        let atTie = try checkJacobian(of: Both<SortPairWrongVJP>(), at: [1.0, 1.0])
        XCTAssertNil(atTie.fault, atTie.renderTable())
    }

    /// x³ with the derivative 2x² (by hand 3x²).
    enum WrongCube: UnaryPrimitive {
        static let name = "wrong_cube"
        static func primal<T: ADScalar>(_ x: T) -> T { x * x * x }
        static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { 2 * x * x }
    }
    struct MaxPlusCube: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [SortPair.apply(x)[1] + WrongCube.apply(x[0])] }
    }

    /// At the tie, max(x₀, x₁) + x₀³ has one-sided derivatives along x₀ of 3 and 4; the claimed 2
    /// comes from wrong_cube's rule. Localisation walks the tape in order and reaches sort_pair
    /// first: differenced across its tie, its right VJP (0) looked wrong against ½, and was blamed.
    func testLocalisationPassesOverAVectorPrimitiveAtItsDeclaredKink() throws {
        let r = try checkJacobian(of: MaxPlusCube(), at: [1.0, 1.0])
        XCTAssertFalse(r.passed, r.renderTable())
        XCTAssertEqual(r.fault?.op, "wrong_cube", r.renderTable())
        XCTAssertEqual(r.fault?.got ?? .nan, 2, accuracy: 1e-12, r.renderTable())
        XCTAssertEqual(r.fault?.expected ?? .nan, 3, accuracy: 1e-8, r.renderTable())
    }

    struct AbsPlusCube: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [T.abs(x[0] - 2) + WrongCube.apply(x[0])] }
    }

    /// The same for a built-in kink: at x = 2, |x − 2| + x³ has one-sided derivatives 11 and 13 (by
    /// hand); wrong_cube's rule gives 8 + abs's convention. The entry was convicted as "kink …
    /// not between" with no rule named.
    func testAnEntryOutsideTheOneSidedDerivativesIsLocalised() throws {
        let r = try checkJacobian(of: AbsPlusCube(), at: [2.0])
        XCTAssertFalse(r.passed, r.renderTable())
        XCTAssertEqual(r.entries[0][0].verdict.name, "kink", r.renderTable())
        XCTAssertEqual(r.fault?.op, "wrong_cube", r.renderTable())
        XCTAssertEqual(r.fault?.got ?? .nan, 8, accuracy: 1e-12, r.renderTable())
        XCTAssertEqual(r.fault?.expected ?? .nan, 12, accuracy: 1e-8, r.renderTable())
    }

    // MARK: validate

    func testValidateFindsAnUndeclaredVectorKinkAndPassesADeclaredOne() {
        let declared = validate(SortPair.self, inputs: 2)
        XCTAssertTrue(declared.passed, declared.description)
        XCTAssertEqual(declared.check(named: "kinks")?.outcome, .passed, declared.description)
        XCTAssertTrue(declared.check(named: "kinks")?.detail.contains("each at a declared kink") ?? false, declared.description)
        let undeclared = validate(SortPairUndeclared.self, inputs: 2)
        XCTAssertFalse(undeclared.passed, undeclared.description)
        XCTAssertEqual(undeclared.check(named: "kinks")?.outcome, .failed, undeclared.description)
        XCTAssertTrue(undeclared.check(named: "kinks")?.detail.contains("no kink is declared") ?? false, undeclared.description)
        // A smooth primitive has no jump: the check passes saying so.
        let smooth = validate(Normalise.self, inputs: 3)
        XCTAssertTrue(smooth.passed, smooth.description)
        XCTAssertTrue(smooth.check(named: "kinks")?.detail.contains("no jump") ?? false, smooth.description)
    }

    func testValidateDrawsItsPointsInsideTheDeclaredDomain() {
        // Half of the sample box has x₀ ≤ 0, where the primal is NaN; the domain excludes it.
        let report = validate(RootPair.self, inputs: 2)
        XCTAssertTrue(report.passed, report.description)
        XCTAssertEqual(report.check(named: "primal-finite")?.outcome, .passed, report.description)
        XCTAssertEqual(report.check(named: "jvp")?.outcome, .passed, report.description)
    }
}
