import AdjointCheck
import AdjointCore
import Foundation
import XCTest

/// `checkJacobian(of:at:inputs:)`: a check of a few columns where n is too large to check all
/// (a user trial: 75 s at n = 4000 in debug, n = 10⁵ out of reach).
final class ColumnSubsetCheckTests: XCTestCase {
    /// f(x) = Σ sin(xₖ)·xₖ₊₁ + xₖ², whose gradient is by hand
    /// ∂f/∂xⱼ = cos(xⱼ)·xⱼ₊₁ + 2xⱼ + sin(xⱼ₋₁) (the terms that exist).
    struct Chain: ADFunction {
        func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] {
            var s: T = 0
            for k in 0..<(x.count - 1) { s = s + sin(x[k]) * x[k + 1] + x[k] * x[k] }
            return [s]
        }
    }
    static func gradient(_ x: [Double]) -> [Double] {
        let n = x.count
        return (0..<n).map { j in
            var g = 0.0
            if j < n - 1 { g += cos(x[j]) * x[j + 1] + 2 * x[j] }
            if j > 0 { g += sin(x[j - 1]) }
            return g
        }
    }
    let x = (0..<20_000).map { 0.5 + 0.0001 * Double($0 % 977) }

    func testAFewColumnsOfALargeGradientAreCheckedAndIndexedByInput() throws {
        let inputs = [0, 4_711, 19_999]
        let r = try checkJacobian(of: Chain(), at: x, inputs: inputs)
        XCTAssertTrue(r.passed, r.renderTable())
        XCTAssertEqual(r.entries.count, 1)
        XCTAssertEqual(r.entries[0].map(\.input), inputs)
        XCTAssertEqual(r.point.count, x.count)
        XCTAssertEqual(r.checkedInputs, inputs)
        let truth = Self.gradient(x)
        for e in r.entries[0] {
            let forward = try XCTUnwrap(e.subjects.first { $0.name == "forward" }?.value)
            XCTAssertEqual(forward, truth[e.input], accuracy: 1e-13 * Swift.max(1, Swift.abs(truth[e.input])), "input \(e.input)")
        }
        XCTAssertTrue(r.renderTable().contains("columns checked: inputs x0, x4711, x19999 (3 of 20000"), r.renderTable())
    }

    /// A claimed gradient wrong at input 4711 (by 10⁻³) is convicted at that entry; one wrong only
    /// at an input not checked is, as documented, not seen.
    func testAClaimIsJudgedOnTheCheckedColumnsOnly() throws {
        let truth = Self.gradient(x)
        var wrongAtChecked = truth
        wrongAtChecked[4_711] += 1e-3
        let r = try checkJacobian(of: Chain(), at: x, inputs: [3, 4_711], claimed: { _ in [wrongAtChecked] })
        XCTAssertEqual(r.entries[0][1].input, 4_711)
        XCTAssertEqual(r.entries[0][1].verdict, .ruleWrong(subjects: ["claimed"]), r.renderTable())
        XCTAssertEqual(r.entries[0][0].verdict, .agree, r.renderTable())
        var wrongElsewhere = truth
        wrongElsewhere[10] += 1
        XCTAssertTrue(try checkJacobian(of: Chain(), at: x, inputs: [3, 4_711], claimed: { _ in [wrongElsewhere] }).passed)
        // A claim of the wrong width is a typed error naming it, not a pass.
        XCTAssertThrowsError(try checkJacobian(of: Chain(), at: x, inputs: [3], claimed: { _ in [[1, 2]] })) { error in
            XCTAssertEqual(error as? ADError, .dimensionMismatch(what: "columns of the claimed Jacobian", expected: x.count, got: 2))
        }
    }

    /// On two tasks the same report as serially, with and without a claim (one wrong column).
    func testTheConcurrentFormGivesTheSerialReport() async throws {
        let inputs = [0, 4_711, 19_999]
        var claim = Self.gradient(x)
        claim[4_711] += 1e-3
        let serial = try checkJacobian(of: Chain(), at: x, inputs: inputs)
        let parallel = try await checkJacobian(of: Chain(), at: x, inputs: inputs, tasks: 2)
        XCTAssertEqual(serial.toJSON(), parallel.toJSON())
        XCTAssertEqual(parallel.checkedInputs, inputs)
        let serialClaim = try checkJacobian(of: Chain(), at: x, inputs: inputs, claimed: { [claim] _ in [claim] })
        let parallelClaim = try await checkJacobian(of: Chain(), at: x, inputs: inputs, claimed: { [claim] _ in [claim] }, tasks: 2)
        XCTAssertEqual(serialClaim.toJSON(), parallelClaim.toJSON())
        XCTAssertEqual(parallelClaim.entries[0][1].verdict, .ruleWrong(subjects: ["claimed"]), parallelClaim.renderTable())
        do {
            _ = try await checkJacobian(of: Chain(), at: x, inputs: [], tasks: 2)
            XCTFail("an empty list of inputs must be refused")
        } catch {
            XCTAssertTrue("\(error)".contains("none given"), "\(error)")
        }
    }

    /// A wrong rule on a checked column's path is found and named, as in a full check.
    func testAWrongUserRuleOnACheckedPathIsLocalised() throws {
        enum HalfCube: UnaryPrimitive {   // x³ with the rule 1.5x² (3x² by hand)
            static let name = "half_cube"
            static func primal<T: ADScalar>(_ x: T) -> T { x * x * x }
            static func derivative<T: ADScalar>(_ x: T, output z: T) -> T { T(1.5) * x * x }
        }
        struct UsesHalfCube: ADFunction {
            func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [HalfCube.apply(x[7]) + x.reduce(0, +)] }
        }
        let z = (0..<50).map { Double($0) / 10 }
        let r = try checkJacobian(of: UsesHalfCube(), at: z, inputs: [2, 7])
        XCTAssertEqual(r.entries[0][1].input, 7)
        XCTAssertEqual(r.entries[0][1].verdict.name, "rule-wrong", r.renderTable())
        XCTAssertEqual(r.entries[0][0].verdict, .agree, r.renderTable())
        XCTAssertEqual(r.fault?.op, "half_cube", r.renderTable())
    }

    func testBadInputListsAreTypedErrors() {
        for bad in [[], [-1], [20_000], [5, 5]] {
            XCTAssertThrowsError(try checkJacobian(of: Chain(), at: x, inputs: bad), "\(bad)") { error in
                guard case ADError.invalidArgument(let why) = error else { return XCTFail("\(error)") }
                XCTAssertTrue(why.hasPrefix("inputs to check"), why)
            }
        }
    }

    /// The JSON names the columns; the full check of a small f is the same entry for entry.
    func testTheSubsetAgreesWithTheFullCheckEntryForEntry() throws {
        let small = Array(x.prefix(6))
        let full = try checkJacobian(of: Chain(), at: small)
        let part = try checkJacobian(of: Chain(), at: small, inputs: [4, 1])
        for (c, j) in [4, 1].enumerated() {
            XCTAssertEqual(part.entries[0][c].verdict, full.entries[0][j].verdict)
            XCTAssertEqual(part.entries[0][c].subjects.map(\.value), full.entries[0][j].subjects.map(\.value))
        }
        XCTAssertTrue(part.toJSON().contains("\"checkedInputs\""), part.toJSON())
    }
}
