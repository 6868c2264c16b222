import Foundation
import XCTest

/// jac hessian looks, entry by entry, for an underflow on f's tape that moves a Hessian entry: where
/// something underflows it recorded every entry's program, n² recordings with no budget (Σ xᵢ²·log xᵢ₊₁
/// over 40 variables at 10⁻¹⁶⁰: 16.8 million tape visits, 83 s in a debug build). It spends at most
/// JAC_MAX_UNDERFLOW_VISITS tape visits now, and the entries it did not reach are unreliable, with no
/// bound, and named in a note: never passed as examined.
final class HessianUnderflowBudgetTests: XCTestCase {
    /// (x + y)²·(log x + log y) + z²·log z at (1, 2, 1)·10⁻¹⁶⁰: (x + y)² = 9·10⁻³²⁰ and z² = 10⁻³²⁰
    /// are subnormal. By hand, with mpmath at 30 digits: ∂²f/∂x² = 2 log(xy) + 4(x + y)/x − (x + y)²/x²
    /// = −1469.26816515506934715268006676 and ∂²f/∂x∂y = 2 log(xy) + 2(x + y)/x + 2(x + y)/y =
    /// −1463.26816515506934715268006676; the z row and column are 0 off the diagonal (no term
    /// couples z with x or y), and ∂²f/∂z² = 2 log z + 3 = −733.827229758094618885757265499.
    static let formula = "f(x, y, z) = (x + y)^2*(log(x) + log(y)) + z^2*log(z)"
    static let point = "x=1e-160,y=2e-160,z=1e-160"
    static let variable = "JAC_MAX_UNDERFLOW_VISITS"

    struct Run {
        let hessian: [[Double]]
        let bounds: [[Double?]]
        let unreliable: [[Bool]]
        let stderr: String
    }

    func hessian(_ formula: String = formula, at point: String = point, budget: String?,
                 file: StaticString = #filePath, line: UInt = #line) throws -> Run {
        let r = try JacRunner.run(["hessian", formula, "--at", point, "--format", "json"],
                                  environment: budget.map { [Self.variable: $0] } ?? [:], file: file, line: line)
        XCTAssertEqual(r.status, 0, r.stderr, file: file, line: line)
        let object = try JacRunner.json(r.stdout)
        let bounds = try XCTUnwrap(object["hessian_rounding_bound"] as? [[Any]], r.stdout, file: file, line: line)
        return Run(hessian: try XCTUnwrap(object["hessian"] as? [[Double]], r.stdout, file: file, line: line),
                   bounds: bounds.map { $0.map { $0 as? Double } },
                   unreliable: try XCTUnwrap(object["hessian_unreliable"] as? [[Bool]], r.stdout, file: file, line: line),
                   stderr: r.stderr)
    }

    /// The note on the entries not examined: how many, and the visits it says were spent.
    func notExamined(_ stderr: String) -> (count: Int, visits: Int)? {
        guard let note = stderr.components(separatedBy: "\n").first(where: { $0.contains("were not examined") || $0.contains("was not examined") }),
              let visits = note.range(of: #"stopped at its budget: after (\d+) tape visits"#, options: .regularExpression),
              let count = note.range(of: #"(\d+) entr(y was|ies were) not examined"#, options: .regularExpression)
        else { return nil }
        let digits = { (s: Substring) in Int(s.prefix { $0.isNumber }) }
        guard let v = digits(note[visits].dropFirst("stopped at its budget: after ".count)), let c = digits(note[count]) else { return nil }
        return (c, v)
    }

    /// With budgets from 1 visit up, the entries the search did not reach are the last ones of its
    /// order (the pattern's entries row by row), each unreliable with a null bound and counted in
    /// the note; every entry it examined, and every entry outside the pattern, has the bound and
    /// verdict of the run without a limit. On the old code no entry was ever left unexamined.
    func testEntriesPastTheBudgetAreUnreliableAndThoseExaminedKeepTheirVerdict() throws {
        let full = try hessian(budget: nil)
        // The premise: the underflow moved ∂²f/∂x² (it lost digits), not ∂²f/∂x∂y.
        XCTAssertGreaterThan(Swift.abs(full.hessian[0][0] - -1469.26816515506934715268006676), 1e-6)
        XCTAssertEqual(full.hessian[0][1], -1463.26816515506934715268006676, accuracy: 1e-12 * 1463.27)
        XCTAssertEqual(full.unreliable, [[true, false, false], [false, true, false], [false, false, true]], full.stderr)
        XCTAssertNil(notExamined(full.stderr), full.stderr)
        let order = [(0, 0), (0, 1), (1, 0), (1, 1), (2, 2)]
        let outsidePattern = [(0, 2), (1, 2), (2, 0), (2, 1)]
        var previous = order.count
        var examinedAMovedEntryAndLeftOthers = false
        for budget in [1] + (8...13).map({ 1 << $0 }) {
            let r = try hessian(budget: "\(budget)")
            XCTAssertEqual(r.hessian, full.hessian, "budget \(budget)")
            let stopped = notExamined(r.stderr)
            let skipped = stopped?.count ?? 0
            if let stopped { XCTAssertLessThanOrEqual(stopped.visits, budget, r.stderr) }
            if budget == 1 { XCTAssertEqual(skipped, order.count, "a budget of 1 visit records no entry: \(r.stderr)") }
            XCTAssertLessThanOrEqual(skipped, previous, "a larger budget examines no fewer entries (budget \(budget))")
            previous = skipped
            for (k, (i, j)) in order.enumerated() {
                if k >= order.count - skipped {
                    XCTAssertNil(r.bounds[i][j], "budget \(budget), entry (\(i), \(j)): \(r.stderr)")
                    XCTAssertTrue(r.unreliable[i][j], "budget \(budget), entry (\(i), \(j)): \(r.stderr)")
                } else {
                    XCTAssertEqual(r.bounds[i][j], full.bounds[i][j], "budget \(budget), entry (\(i), \(j))")
                    XCTAssertEqual(r.unreliable[i][j], full.unreliable[i][j], "budget \(budget), entry (\(i), \(j))")
                }
            }
            for (i, j) in outsidePattern {
                XCTAssertEqual(r.bounds[i][j], full.bounds[i][j], "budget \(budget), entry (\(i), \(j))")
                XCTAssertEqual(r.unreliable[i][j], false, "budget \(budget), entry (\(i), \(j))")
            }
            if skipped > 0 && skipped < order.count { examinedAMovedEntryAndLeftOthers = true }
            if skipped > 0 {
                XCTAssertTrue(r.stderr.contains("\(Self.variable) raises it"), r.stderr)
                XCTAssertTrue(r.stderr.contains("Something on f's tape underflows (3e-160^2 at node 4"), r.stderr)
            }
        }
        XCTAssertTrue(examinedAMovedEntryAndLeftOthers, "no budget tried examined ∂²f/∂x² and left later entries")
        XCTAssertEqual(previous, 0, "the largest budget tried examined every entry")
    }

    /// With --points the note is summarised as a kind of its own, not hidden behind the first
    /// unreliable entry's note (the CSV has no column saying which entries were not examined).
    func testWithPointsTheStopIsSaidBesideTheUnreliableEntries() throws {
        let points = try JacRunner.temporaryFile("x,y,z\n1e-160,2e-160,1e-160\n0.5,0.25,0.5\n1e-160,2e-160,1e-160\n", name: "budget-points.csv")
        let r = try JacRunner.run(["hessian", Self.formula, "--points", points], environment: [Self.variable: "1000"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = r.stderr.components(separatedBy: "\n")
        XCTAssertTrue(lines.contains { $0.hasPrefix("note: 2 of 3 points with an unreliable entry") }, r.stderr)
        let stop = try XCTUnwrap(lines.first { $0.contains("stopped at its budget") }, r.stderr)
        XCTAssertTrue(stop.hasPrefix("note: 2 of 3 points with this note"), stop)
        XCTAssertTrue(stop.contains("4 entries were not examined: d2f/dxdy, d2f/dydx, d2f/dydy, d2f/dzdz"), stop)
    }

    /// Where nothing on f's tape underflows, the search is f's one recording, which the budget
    /// does not count: a budget of 1 visit changes nothing.
    func testNothingUnderflowingCostsNoEntryRecording() throws {
        for point in ["x=0.5,y=0.25,z=0.5", "x=1e-100,y=2e-100,z=1e-100"] {
            let full = try hessian(at: point, budget: nil)
            let one = try hessian(at: point, budget: "1")
            XCTAssertEqual(one.hessian, full.hessian, point)
            XCTAssertEqual(one.bounds, full.bounds, point)
            XCTAssertEqual(one.unreliable, full.unreliable, point)
            XCTAssertEqual(one.stderr, full.stderr, point)
            XCTAssertFalse(one.stderr.contains("not examined"), one.stderr)
        }
    }

    /// A budget that is not a positive integer is refused naming the variable, as the other limits are.
    func testABadBudgetIsRefused() throws {
        for (text, message) in [("0", "must be a positive integer (got '0')"), ("-5", "must be a positive integer (got '-5')"),
                                ("many", "must be a positive integer (got 'many')"),
                                ("99999999999999999999999", "is beyond the largest limit, \(Int.max)")] {
            let r = try JacRunner.run(["hessian", Self.formula, "--at", Self.point], environment: [Self.variable: text])
            XCTAssertEqual(r.status, 2, "\(text): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("error: \(Self.variable) \(message)"), "\(text): \(r.stderr)")
        }
    }
}
