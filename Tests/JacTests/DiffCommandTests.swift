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

    /// Audit C3: `x^2^2^…` 50,000 times (100 KB, no parentheses) crashed the printer by memory.
    /// x^(2^(2^…)) is a chain of pow nodes (its value overflows wherever x ≠ 1, so the text is
    /// what is checked here; the value check is the nested-sine test below).
    func testALongFormulaPrintsAndThePrintedSizeHasANamedLimit() throws {
        let long = "x" + String(repeating: "^2", count: 50_000)
        let r = try JacRunner.run(["diff", "-"], stdin: long)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.hasPrefix("t1 = "), String(r.stdout.prefix(200)))
        XCTAssertEqual(r.stdout.components(separatedBy: "\n").filter { $0.hasPrefix("df/dx = ") }.count, 1)
        // A small limit: a typed error naming the variable that raises it, nothing on stdout.
        let limited = try JacRunner.run(["diff", "-", "--format", "json"], stdin: long,
                                        environment: ["JAC_MAX_OUTPUT_BYTES": "1000"])
        XCTAssertEqual(limited.status, 3)
        XCTAssertTrue(limited.stderr.contains("the printed derivative exceeds the limit of 1000 bytes (JAC_MAX_OUTPUT_BYTES raises the limit"), limited.stderr)
        XCTAssertEqual(limited.stdout, "")
        let malformed = try JacRunner.run(["diff", "x*y"], environment: ["JAC_MAX_OUTPUT_BYTES": "lots"])
        XCTAssertEqual(malformed.status, 2)
        XCTAssertTrue(malformed.stderr.contains("JAC_MAX_OUTPUT_BYTES must be a positive integer"), malformed.stderr)
    }

    /// A deep nest of sines, expanded: the JSON entry is the chain-rule product, checked by
    /// jac eval against the reverse-mode Jacobian (the old printer took 2.9 GB at 1,200 deep;
    /// 600 keeps the test short).
    func testADeepNestPrintedAsJSONEvaluatesToTheReverseModeJacobian() throws {
        let n = 600
        let formula = String(repeating: "sin(", count: n) + "x" + String(repeating: ")", count: n)
        let d = try JacRunner.run(["diff", "-", "--format", "json"], stdin: formula)
        XCTAssertEqual(d.status, 0, d.stderr)
        let entry = try XCTUnwrap((try JacRunner.json(d.stdout)["jacobian"] as? [[String]])?.first?.first)
        let path = try JacRunner.temporaryFile(entry, name: "deep-derivative-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let e = try JacRunner.run(["eval", "--file", path, "--vars", "x", "--at", "x=0.7", "--format", "json"])
        XCTAssertEqual(e.status, 0, e.stderr)
        let got = try XCTUnwrap((try JacRunner.json(e.stdout)["value"] as? [Double])?.first)
        let reference = try JacRunner.run(["jacobian", "-", "--at", "x=0.7", "--format", "json"], stdin: formula)
        let expected = try XCTUnwrap(((try JacRunner.json(reference.stdout)["jacobian"] as? [[Any]])?.first?.first) as? Double)
        // 3n roundings of at most 2⁻⁵³ each in either evaluation order: 1e-12 relative is ten times that.
        XCTAssertEqual(got, expected, accuracy: 1e-12 * Swift.abs(expected))
    }

    /// Audit C4: --order 2 had no dimension bound (3,000 variables took 156 s and 2.3 GB).
    /// It now has jac hessian's: the same message for 4,097 variables, before any work.
    func testOrderTwoHasTheHessianDimensionLimit() throws {
        let formula = (1...4097).map { "x\($0)" }.joined(separator: "+")
        let diff = try JacRunner.run(["diff", "-", "--order", "2"], stdin: formula)
        XCTAssertEqual(diff.status, 3, diff.stderr)
        XCTAssertTrue(diff.stderr.contains("Hessian dimension 4097 exceeds the limit of 4096"), diff.stderr)
        let point = Array(repeating: "1", count: 4097).joined(separator: ",")
        let hessian = try JacRunner.run(["hessian", "-", "--at", point], stdin: formula)
        XCTAssertEqual(hessian.status, diff.status, hessian.stderr)
        XCTAssertEqual(hessian.stderr, diff.stderr)
    }

    /// Audit W3: with a variable t1, the intermediates were t1, t2, … and Swift output read
    /// `let t1 = x * t1`. Every `let` name is new and none is a variable.
    func testIntermediatesAreNeverVariables() throws {
        let formula = "sin(t1*x)*sin(t1*x) + t1*exp(t1*x)"
        for format in ["text", "swift", "latex"] {
            let r = try JacRunner.run(["diff", formula, "--format", format])
            XCTAssertEqual(r.status, 0, r.stderr)
            let defined = r.stdout.split(separator: "\n").compactMap { line -> String? in
                let words = line.split(separator: " ")
                let name = format == "swift" ? words.dropFirst().first : words.first
                return name.map(String.init)
            }
            XCTAssertEqual(Set(defined).count, defined.count, r.stdout)
            XCTAssertFalse(defined.contains("t1") || defined.contains("x"), r.stdout)
            XCTAssertGreaterThan(defined.count, 2, r.stdout)
        }
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
