import XCTest
import Foundation
import AdjointCore
import AdjointExact

/// The exact-comparison report and the availability check.
final class ExactReportTests: XCTestCase {
    func testULPAndRelativeErrorOfOneTenthAreTheHandComputedOnes() throws {
        // 0.1 (double) = 3602879701896397·2^−55, so 0.1 − 1/10 = (36028797018963970 − 36028797018963968)
        // / (10·2^55) = 1/(5·2^55). 1/10 lies in [2^−4, 2^−3), so ulp = 2^(−4−52) = 2^−56 and the
        // error is (1/(5·2^55))/2^−56 = 2/5 ulp; relative error (1/(5·2^55))·10 = 2^−54.
        // The next double up is one ulp further: 1.4 ulp.
        // Float: 0.1f = 13421773·2^−27, error 2/(10·2^27) = 1/(5·2^27), float ulp 2^(−4−23) = 2^−27: 0.2 ulp.
        let tenth: Rational = "1/10"
        let r = try exactErrorReport(of: [[0.1, 0.1.nextUp]], exact: [[tenth, tenth]], method: "test")
        XCTAssertEqual(r.entry(row: 0, column: 0).ulps, 0.4)
        XCTAssertEqual(r.entry(row: 0, column: 0).relativeError, 0x1p-54)
        XCTAssertEqual(r.entry(row: 0, column: 1).ulps, 1.4)
        XCTAssertEqual(r.maxULPs, 1.4)
        let f = try exactErrorReport(of: [[Float(0.1)]], exact: [[tenth]], method: "float")
        XCTAssertEqual(f.entry(row: 0, column: 0).ulps, 0.2)
        XCTAssertEqual(f.format, "Float")
    }

    func testZeroNonFiniteAndShapeMismatch() throws {
        let r = try exactErrorReport(of: [[0, 1e-300, .nan]], exact: [[0, 0, 1]], method: "m")
        XCTAssertEqual(r.entry(row: 0, column: 0).ulps, 0)
        XCTAssertEqual(r.entry(row: 0, column: 0).relativeError, 0)
        // Against an exact 0 the ulp is the smallest subnormal, 2^−1074.
        XCTAssertEqual(r.entry(row: 0, column: 1).ulps, (Rational(1e-300) * Rational.powi(2, 1074)).doubleValue)
        XCTAssertEqual(r.entry(row: 0, column: 1).relativeError, .infinity)
        XCTAssertEqual(r.entry(row: 0, column: 2).ulps, .infinity)
        XCTAssertTrue(r.json.contains("\"ulps\": null"), "non-finite numbers must be valid JSON")
        XCTAssertThrowsError(try exactErrorReport(of: [[1.0, 2.0]], exact: [[1]], method: "m")) {
            guard case .dimensionMismatch? = $0 as? ADError else { return XCTFail("\($0)") }
        }
    }

    func testExactCheckAtDyadicPointHasZeroErrorForBothModes() throws {
        // At (1/2, 1/4) the gradient (2·x1 + 5·x2, 5·x1) = (9/4, 5/2) is exactly representable and
        // every intermediate is too, so Double forward and reverse are exact: 0 ulps.
        let report = try exactCheck(of: Quadratic(), at: [0.5, 0.25])
        XCTAssertEqual(report.exact.jacobian, [["9/4", "5/2"]])
        XCTAssertFalse(report.pointWasRounded)
        XCTAssertEqual(report.methods.map(\.method), ["forward", "reverse"])
        for m in report.methods { XCTAssertEqual(m.maxULPs, 0, m.table) }
    }

    func testExactCheckAtRationalPointIncludesInputRoundingAndRendersJSON() throws {
        let x: [Rational] = ["1/3", "2/7"]
        let cd = centralDifference(Quadratic(), at: x.map(\.doubleValue))
        let report = try exactCheck(of: Quadratic(), at: x, additional: [("central", cd)])
        XCTAssertTrue(report.pointWasRounded)
        XCTAssertEqual(report.exact.jacobian, [["44/21", "5/3"]])
        // Rounding 1/3 and 2/7 to doubles moves the gradient by ~1 ulp at most; central
        // differences lose ~10⁵ ulps (see ExactDerivativeTests for the derivation).
        XCTAssertLessThanOrEqual(try XCTUnwrap(report.report(for: "reverse")).maxULPs, 4)
        XCTAssertGreaterThan(try XCTUnwrap(report.report(for: "central")).maxULPs, 100)
        let data = Data(report.json.utf8)
        let parsed = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        let methods = try XCTUnwrap(parsed?["methods"] as? [[String: Any]])
        XCTAssertEqual(methods.compactMap { $0["method"] as? String }, ["forward", "reverse", "central"])
        XCTAssertEqual((parsed?["exact_jacobian"] as? [[String]])?.first, ["44/21", "5/3"])
        XCTAssertEqual((parsed?["factor_over_best"] as? [String: Double])?["reverse"], 1)
        XCTAssertTrue(report.table.contains("44/21"))
        // The summary says by how much central differences are worse than the best mode.
        let factor = try XCTUnwrap(report.factorOverBest["central"])
        XCTAssertGreaterThan(factor, 100)
        XCTAssertEqual(report.factorOverBest["reverse"], 1)
        XCTAssertTrue(report.summary.contains("central"))
        print(report.table)
    }

    func testSummaryPrintsAnErrorOfTheSmallestSubnormalInULPs() throws {
        // f(x) = x + x³/3 at x = 2⁻⁵⁶³: f′ = 1 + x² = 1 + 2⁻¹¹²⁶ exactly, and both modes round it
        // to 1.0, an error of 2⁻¹¹²⁶ / ulp(1) = 2⁻¹¹²⁶ / 2⁻⁵² = 2⁻¹⁰⁷⁴ ≈ 4.94e-324 ulps (by hand).
        struct CubicTail: ADFunction {
            func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] + x[0] * x[0] * x[0] / 3] }
        }
        let report = try exactCheck(of: CubicTail(), at: [0x1p-563])
        XCTAssertEqual(report.report(for: "reverse")?.maxULPs, 0x1p-1074)
        XCTAssertTrue(report.summary.contains("4.9e-324"), report.summary)
        XCTAssertTrue(report.table.contains("4.9e-324"), report.table)
    }

    // MARK: Availability

    func testAvailabilityNamesTheFirstNonRationalOp() {
        let a = exactAvailability(of: ExactDerivativeTests.UsesSin(), at: [0.5, 0.25])
        XCTAssertEqual(a, .unavailable(op: .sin, node: 3))
        XCTAssertEqual(a.message, "exact mode is not available: uses sin")
        XCTAssertTrue(exactAvailability(of: Quadratic(), at: [0.5, 0.25]).isAvailable)
        XCTAssertNil(exactAvailability(of: Quadratic(), at: [0.5, 0.25]).message)
    }

    func testAvailabilitySeesOpsOnConstantsThatNoTapeRecords() {
        // exp(2) does not depend on the inputs, so no tape holds it, yet exact mode cannot evaluate it.
        struct ScaledByE: ADFunction {
            func callAsFunction<T: ADScalar>(_ x: [T]) -> [T] { [x[0] * T.exp(T(2))] }
        }
        XCTAssertEqual(exactAvailability(of: ScaledByE(), at: [1]), .unavailable(op: .exp, node: nil))
    }

    func testAvailabilityFromAnOpList() {
        XCTAssertEqual(exactAvailability(ops: [.mul, .add, .tanh, .sin]).message, "exact mode is not available: uses tanh")
        XCTAssertTrue(exactAvailability(ops: Op.primitives.filter { $0.info.isRationalClosed }).isAvailable)
    }
}
