import XCTest

/// `jac diff`: the documented JSON shape, round trip through `jac eval`, and its errors.
final class DiffCommandTests: XCTestCase {
    func testPolarJacobianJSON() throws {
        // ∂(r cos t, r sin t)/∂(r, t) by hand.
        let r = try JacRunner.run(["diff", "f(r, t) = r*cos(t); r*sin(t)", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let o = try JacRunner.json(r.stdout)
        XCTAssertEqual(o["variables"] as? [String], ["r", "t"])
        XCTAssertEqual(o["jacobian"] as? [[String]], [["cos(t)", "-r*sin(t)"], ["sin(t)", "r*cos(t)"]])
    }

    func testEveryJSONEntryEvaluatesByJacEvalToTheReverseModeJacobian() throws {
        let formula = "log(x1) + x1*x2 - sin(x2)"
        let d = try JacRunner.json(try JacRunner.run(["diff", formula, "--format", "json"]).stdout)
        let entries = (d["jacobian"] as? [[String]] ?? []).flatMap { $0 }
        let reference = try JacRunner.json(try JacRunner.run(["jacobian", formula, "--at", "x1=2,x2=5", "--format", "json"]).stdout)
        let row = ((reference["jacobian"] as? [[Any]])?.first ?? []).compactMap { $0 as? Double }
        XCTAssertEqual(entries.count, 2)
        XCTAssertEqual(row.count, 2)
        for (entry, expected) in zip(entries, row) {
            let e = try JacRunner.run(["eval", entry, "--vars", "x1,x2", "--at", "x1=2,x2=5", "--format", "json"])
            XCTAssertEqual(e.status, 0, e.stderr)
            let value = (try JacRunner.json(e.stdout)["value"] as? [Double])?.first
            XCTAssertEqual(value ?? .nan, expected, accuracy: 4 * expected.ulp, entry)
        }
    }

    func testAtEvaluatesAndKinksNeedAPoint() throws {
        let noPoint = try JacRunner.run(["diff", "relu(x)*y"])
        XCTAssertEqual(noPoint.status, 2)
        XCTAssertTrue(noPoint.stderr.contains("pass --at"), noPoint.stderr)
        let r = try JacRunner.run(["diff", "relu(x)*y", "--at", "x=0.5,y=2", "--wrt", "x"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "df/dx = y    (= 2.0)")
        let bad = try JacRunner.run(["diff", "x*y", "--wrt", "z"])
        XCTAssertEqual(bad.status, 2)
        let order = try JacRunner.run(["diff", "x*y", "--order", "3"])
        XCTAssertEqual(order.status, 2)
    }

    /// Found by a user trial: at a tie `jac diff "max(x,y)"` printed 0.5 as if it were a
    /// derivative. The convention is named, as `jacobian` and `check` name it; off the tie, no note.
    func testAtAKinkTheConventionIsNamed() throws {
        let tie = try JacRunner.run(["diff", "max(x,y)", "--at", "x=1,y=1"])
        XCTAssertEqual(tie.status, 0, tie.stderr)
        XCTAssertTrue(tie.stderr.contains("note: kink touched: max"), tie.stderr)
        XCTAssertTrue(tie.stderr.contains("1/2"), tie.stderr)
        let apart = try JacRunner.run(["diff", "max(x,y)", "--at", "x=1,y=2"])
        XCTAssertFalse(apart.stderr.contains("kink touched"), apart.stderr)
    }

    func testSwellJSONHasAFamilyPerRow() throws {
        let r = try JacRunner.run(["complexity", "--swell", "4,8,16", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let rows = try JacRunner.json(r.stdout)["swell"] as? [[String: Any]] ?? []
        XCTAssertEqual(rows.compactMap { $0["family"] as? String }, ["product", "nested-sin", "network"])
        // x1·…·xn: n partials of n − 1 factors, n(n − 2) multiplications expanded.
        let product = rows.first?["points"] as? [[String: Any]] ?? []
        XCTAssertEqual(product.compactMap { $0["tree_ops"] as? Int }, [8, 48, 224])
    }
}
