import XCTest

/// The value jac prints is f as Double computes it, and where the formula cancels that can be far
/// from f: `jac eval "(1-cos(x))/x^2" --at x=1e-8` printed 0.0 where f = ½ − x²/24 + … (its Taylor
/// series, by hand), with nothing said, while the derivative beside it in `jac jacobian` had a note.
/// Every command that prints a value now notes one that rounding inside the formula can move by more
/// than jac's reliability threshold, and says by how much (a first-order running error bound from the
/// formula's tape).
final class ValueRoundingNoteTests: XCTestCase {
    /// The number after "by up to " or "by about " in a note.
    func bound(in note: String) -> Double? {
        guard let r = note.range(of: "by up to ") ?? note.range(of: "by about ") else { return nil }
        return Double(note[r.upperBound...].prefix { $0 != " " })
    }

    func valueNote(_ stderr: String, output: String = "f") -> String? {
        stderr.components(separatedBy: "\n").first { $0.hasPrefix("note: \(output) = ") && $0.contains("the value computed here") }
    }

    func testEvalNotesAValueLostToCancellationAndItsBoundReachesTheTruth() throws {
        let truth = 0.5 - 1e-16 / 24
        let r = try JacRunner.run(["eval", "(1-cos(x))/x^2", "--at", "x=1e-8", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let object = try JacRunner.json(r.stdout)
        let printed = try XCTUnwrap((object["value"] as? [Double])?.first, r.stdout)
        XCTAssertGreaterThan(Swift.abs(printed - truth), 0.4, "cos x rounds to 1, so Double gives 0 here")
        let note = try XCTUnwrap(valueNote(r.stderr), r.stderr)
        XCTAssertTrue(note.contains("is unreliable"), note)
        let b = try XCTUnwrap(bound(in: note), note)
        XCTAssertGreaterThanOrEqual(b, Swift.abs(printed - truth), note)
        XCTAssertLessThan(b, 100 * Swift.abs(printed - truth), note)
        let json = try XCTUnwrap((object["value_rounding_bound"] as? [Double])?.first, r.stdout)
        XCTAssertEqual(json, b, accuracy: 1e-14 * b, r.stdout)
        XCTAssertEqual((object["value_unreliable"] as? [Bool])?.first, true, r.stdout)
    }

    /// cosh x − 1 at 10⁻⁸ is x²/2 = 5·10⁻¹⁷ (by hand) and Double gives 0: the bound covers it.
    /// In the table format as in JSON, and for each point of --points.
    func testAZeroLeftByCancellationIsNotedWithABoundCoveringTheTrueValue() throws {
        let r = try JacRunner.run(["eval", "cosh(x)-1", "--at", "x=1e-8"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("0.0"), r.stdout)
        let b = try XCTUnwrap(valueNote(r.stderr).flatMap(bound(in:)), r.stderr)
        XCTAssertGreaterThanOrEqual(b, 5e-17)
        XCTAssertLessThan(b, 1e-14)
        let csv = try JacRunner.temporaryFile("x\n2\n1e-8\n", name: "value-rounding-points.csv")
        let points = try JacRunner.run(["eval", "cosh(x)-1", "--points", csv])
        XCTAssertEqual(points.status, 0, points.stderr)
        XCTAssertTrue(points.stderr.contains("at point 2: f = 0.0 is unreliable"), points.stderr)
    }

    /// The same note beside the Jacobian in a floating mode (its value is the same Double
    /// evaluation), beside the Hessian, and none in exact mode, whose value is exact.
    func testJacobianAndHessianNoteTheValueAndExactModeDoesNot() throws {
        for mode in ["reverse", "forward", "central"] {
            let r = try JacRunner.run(["jacobian", "(1-cos(x))/x^2", "--at", "x=1e-8", "--mode", mode, "--format", "json"])
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertNotNil(valueNote(r.stderr), "\(mode): \(r.stderr)")
            XCTAssertEqual((try JacRunner.json(r.stdout)["value_unreliable"] as? [Bool])?.first, true, "\(mode): \(r.stdout)")
        }
        let h = try JacRunner.run(["hessian", "(1-cos(x))/x^2", "--at", "x=1e-8"])
        XCTAssertEqual(h.status, 0, h.stderr)
        XCTAssertNotNil(valueNote(h.stderr), h.stderr)
        let hj = try JacRunner.run(["hessian", "(1-cos(x))/x^2", "--at", "x=1e-8", "--format", "json"])
        XCTAssertEqual(hj.status, 0, hj.stderr)
        let object = try JacRunner.json(hj.stdout)
        XCTAssertEqual(object["value_unreliable"] as? Bool, true, hj.stdout)
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(object["value_rounding_bound"] as? Double, hj.stdout), 0.5 - 1e-16 / 24)
        // x² − 2x + 1 at 1/3 + 1: exact mode's value (1/9) is exact and has no note.
        let exact = try JacRunner.run(["jacobian", "x^2 - 2*x + 1", "--at", "x=4/3", "--mode", "exact", "--format", "json"])
        XCTAssertEqual(exact.status, 0, exact.stderr)
        XCTAssertNil(valueNote(exact.stderr), exact.stderr)
        XCTAssertNil(try JacRunner.json(exact.stdout)["value_unreliable"], exact.stdout)
    }

    /// Formulas that do not cancel get no note; and where the bound stays under the threshold
    /// (log1p(x) − x at 10⁻⁹, printed −5.000000746·10⁻¹⁹ for −4.9999999967·10⁻¹⁹: about 1.5·10⁻⁷
    /// relative, by the series −x²/2 + x³/3) it still holds, in the JSON.
    func testCleanValuesAreNotNotedAndASmallBoundStillHolds() throws {
        for (formula, point) in [("sin(x)", "x=3"), ("x*y + sin(z)", "1,2,3"), ("sqrt(x^2+y^2)", "x=3,y=4"), ("exp(x)/(1+x^2)", "x=0.7")] {
            let r = try JacRunner.run(["eval", formula, "--at", point, "--format", "json"])
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertFalse(r.stderr.contains("the value computed here"), "\(formula): \(r.stderr)")
            XCTAssertEqual((try JacRunner.json(r.stdout)["value_unreliable"] as? [Bool])?.first, false, "\(formula): \(r.stdout)")
        }
        let x = 1e-9
        let truth = -x * x / 2 + x * x * x / 3
        let r = try JacRunner.run(["jacobian", "log1p(x) - x", "--at", "x=1e-9", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let object = try JacRunner.json(r.stdout)
        let printed = try XCTUnwrap((object["value"] as? [Double])?.first, r.stdout)
        let b = try XCTUnwrap((object["value_rounding_bound"] as? [Double])?.first, r.stdout)
        XCTAssertGreaterThan(Swift.abs(printed - truth), 1e-26, "the printed value has lost digits")
        XCTAssertGreaterThanOrEqual(b, Swift.abs(printed - truth))
        XCTAssertLessThan(b, 1e-6 * Swift.abs(truth), "under the threshold: no note")
        XCTAssertNil(valueNote(r.stderr), r.stderr)
    }

    /// 1/(x·x − 2) at the Double nearest √2: x·x rounds by 4.4·10⁻¹⁶ and x·x − 2 is 2.73·10⁻¹⁶
    /// exactly (Python's fractions), so f = 3.657·10¹⁵ and Double prints 2.25·10¹⁵. Rounding moves
    /// the denominator by more than a quarter of itself, where a first-order figure is no bound:
    /// the note says "about … or more".
    func testAFigurePastAQuarterOfTheValueIsCalledAnEstimate() throws {
        let r = try JacRunner.run(["eval", "1/(x*x - 2)", "--at", "x=1.4142135623730951"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let note = try XCTUnwrap(valueNote(r.stderr), r.stderr)
        XCTAssertTrue(note.contains("by about ") && note.contains(" or more") && note.contains("may have lost every digit"), note)
        let printed = 2251799813685248.0, truth = 3657211787515252.5
        XCTAssertTrue(r.stdout.contains("2251799813685248.0"), r.stdout)
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(bound(in: note)), Swift.abs(printed - truth) / 4, "the right size at least")
    }

    /// An underflow on the way is no rounding a relative bound sees: x·10⁻²⁰⁰·10⁻²⁰⁰·10³⁰⁰ at 2 is
    /// 2·10⁻¹⁰⁰ (by hand) and prints 0.0; the bound said 1.3·10⁻¹¹⁵. Every command names the
    /// underflow instead, and gives no bound in JSON.
    func testAnUnderflowOnTheWayReplacesTheBound() throws {
        for command in [["eval"], ["jacobian"], ["jacobian", "--mode", "central"], ["hessian"]] {
            let r = try JacRunner.run(command + ["x*1e-200*1e-200*1e300", "--at", "x=2", "--format", "json"])
            XCTAssertEqual(r.status, 0, "\(command): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("which Double rounds to 0.0, below Double's range; the value printed was computed through it"),
                          "\(command): \(r.stderr)")
            XCTAssertNil(valueNote(r.stderr), "\(command): \(r.stderr)")
            XCTAssertNil(try JacRunner.json(r.stdout)["value_rounding_bound"], "\(command): \(r.stdout)")
        }
    }

    /// exp(−1/x) at 10⁻¹⁰⁰ is about 10^(−4.3·10⁹⁹) (by hand: 10¹⁰⁰/ln 10): naming that underflow
    /// converted its decimal exponent to an Int, and jac crashed in eval and jacobian.
    func testAnUnderflowTooDeepForAnIntExponentIsNamedNotACrash() throws {
        for command in ["eval", "jacobian"] {
            let plain = try JacRunner.run([command, "exp(-1/x)", "--at", "x=1e-100"])
            XCTAssertEqual(plain.status, 0, "\(command): \(plain.stderr)")
            // Scaled by 10³⁰⁰, the underflow is one the notes name (they ask whether the output's
            // sensitivity to it times half the least subnormal passes ε of f).
            let r = try JacRunner.run([command, "exp(-1/x)*1e300", "--at", "x=1e-100"])
            XCTAssertEqual(r.status, 0, "\(command): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("exp(-1e+100) at node 3 is about 10^(-4.342944819032518e+99), which Double rounds to 0.0"),
                          "\(command): \(r.stderr)")
        }
    }
}
